/* Rules evaluation throughput on a fixed stream of synthetic events from a test extractor:
 * (a) one rule, (b) 100 rules with mixed operators. Single thread; prints events/s and
 * ns/event. Not a pass/fail test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules_testlib.h"

#define NEVENTS 2000000u

static const char *const names[] = { "bash", "sshd", "nginx", "python3", "cron", "sh", "curl", "java" };
static const char *const paths[] = { "/etc/passwd", "/var/run/docker.sock", "/tmp/x", "/usr/bin/ls",
				     "/home/u/.ssh/id_rsa", "/proc/self/status" };
static const uint16_t types[] = { 2, 3, 4, 5, 10, 11, 20, 21 };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t alerts;

static void on_match(const vg_rule *rule, vg_evctx *ev, void *ud)
{
	alerts++;
}

static const char *rule_for(unsigned i, char *buf, size_t n)
{
	static const char *const conds[] = {
		"evt.type in (open, openat) and t.str2 startswith /etc and t.str in (bash, sh, zsh) and not t.u64 = %u",
		"evt.type = execve and t.str = x%u and t.str2 contains /tmp",
		"evt.type in (open, openat) and t.str2 pmatch (/var/run/%u, /proc/%u) and t.str != cron",
		"t.str icontains PYTHON%u or (t.u64 > %u and t.str2 endswith .sock)",
		"evt.type = connect and t.str glob 'cu*%u' and t.u64 < 100",
		"evt.type = openat and t.str2 regex '/home/.*/\\\\.ssh/id_rsa%u' and t.str exists",
		"evt.type in (execve, open) and t.str startswith anyof (py%u, ja, ng) and t.str2 in (/tmp/x, /etc/%u)",
		"not evt.type in (connect, execve) and tolower(t.str) = java%u and len(t.str2) > 3",
	};
	snprintf(buf, n, "- rule: Rule %u\n  desc: d\n  priority: WARNING\n  output: \"%%t.str %%t.str2\"\n  condition: |\n    ",
		 i);
	size_t len = strlen(buf);
	snprintf(buf + len, n - len, conds[i % 8], i, i);
	len = strlen(buf);
	snprintf(buf + len, n - len, "\n");
	return buf;
}

static void run(const char *label, unsigned nrules)
{
	size_t cap = 512 * (size_t)nrules + 64, len = 0;
	char *yaml = malloc(cap);
	yaml[0] = '\0';
	for (unsigned i = 0; i < nrules; i++) {
		char one[512];
		rule_for(i, one, sizeof(one));
		memcpy(yaml + len, one, strlen(one) + 1);
		len += strlen(one);
	}
	vg_rules_opts o;
	tl_opts(&o);
	o.matching = VG_RULE_MATCHING_ALL;
	vg_rules *r;
	vg_rules_result *res;
	vg_err err;
	if (tl_load(yaml, &o, &r, &res, &err) != VG_OK) {
		fprintf(stderr, "%s: %s\n", label, err.msg);
		exit(1);
	}
	vg_ruleset *rs = vg_rules_ruleset(r, "syscall");
	vg_ruleset_state *st = vg_ruleset_state_new(rs);
	tev t = { .has_u64 = true };
	ss_plugin_event hdr;
	vg_evctx ev;
	alerts = 0;
	double start = now();
	for (unsigned i = 0; i < NEVENTS; i++) {
		t.type = types[i % 8];
		t.str = names[(i / 8) % 8];
		t.str2 = paths[(i / 3) % 6];
		t.u64 = i % 200;
		tl_event(&t, &hdr, &ev);
		ev.gen = i;
		vg_ruleset_match(rs, st, &ev, on_match, NULL);
	}
	double secs = now() - start;
	printf("%-28s %10.0f events/s %8.1f ns/event  (%u events, %llu alerts, %llu extractions)\n", label,
	       NEVENTS / secs, secs * 1e9 / NEVENTS, NEVENTS, (unsigned long long)alerts,
	       (unsigned long long)vg_ruleset_state_extractions(st));
	vg_ruleset_state_free(st);
	vg_rules_free(r);
	vg_rules_result_free(res);
	free(yaml);
}

int main(void)
{
	run("rules (a) 1 rule", 1);
	run("rules (b) 100 mixed rules", 100);
	return 0;
}
