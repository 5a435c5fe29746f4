/* Rules throughput, case (c): the default syscall ruleset (rulesets/vigil_rules.yaml) on a
 * synthetic syscall stream, with the real sysstate plugin loaded through the plugin host (the
 * engine's own path: vg_plugin_parse then vg_ruleset_match, fields extracted through the
 * plugin's extract_fields). Single thread; prints events/s and ns/event for parse only and for
 * parse + rules, so the rules' share is the difference. Not a pass/fail test.
 *
 *   bench_rules_default [RULES_FILE [PLUGIN_DIR]]   (defaults: the source tree's ruleset and
 *                                                    this build's plugins/) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vigil/scap_flags.h>

#include "fields/generic.h"
#include "plugin/plugin.h"
#include "rules/rules.h"
#include "sst_test.h"

enum { NPROC = 64, NEVT = 1 << 16, ROUNDS = 20 };

typedef struct stream {
	uint8_t *buf;
	size_t len, cap;
	size_t offs[NEVT];
	uint32_t n;
} stream;

static sst_tevt E;

static void push(stream *s)
{
	const ss_plugin_event *e = sst_tevt_end(&E);
	if (!e || s->n >= NEVT)
		return;
	if (s->len + E.len > s->cap) {
		s->cap = (s->cap + E.len) * 2;
		if (!(s->buf = realloc(s->buf, s->cap)))
			abort();
	}
	memcpy(s->buf + s->len, e, E.len);
	s->offs[s->n++] = s->len;
	s->len += E.len;
}

static void execve(stream *s, uint64_t tid, uint64_t ptid, uint64_t ts, const char *exe, const char *comm,
		   const char *args, uint32_t args_len)
{
	sst_tevt_begin(&E, PPME_SYSCALL_EXECVE_19_X, tid, ts);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_str(&E, "exe", exe);
	sst_tevt_bytes(&E, "args", args, args_len);
	sst_tevt_int(&E, "tid", (int64_t)tid);
	sst_tevt_int(&E, "pid", (int64_t)tid);
	sst_tevt_int(&E, "ptid", (int64_t)ptid);
	sst_tevt_str(&E, "cwd", "/srv/app");
	sst_tevt_str(&E, "comm", comm);
	sst_tevt_bytes(&E, "env", "HOME=/root\0PATH=/usr/bin\0", 25);
	sst_tevt_int(&E, "uid", 1000);
	sst_tevt_str(&E, "trusted_exepath", exe);
	push(s);
}

static void openat(stream *s, uint64_t tid, uint64_t ts, const char *path, uint32_t flags)
{
	sst_tevt_begin(&E, PPME_SYSCALL_OPENAT_2_X, tid, ts);
	sst_tevt_int(&E, "fd", 5);
	sst_tevt_int(&E, "dirfd", PPM_AT_FDCWD);
	sst_tevt_str(&E, "name", path);
	sst_tevt_int(&E, "flags", flags);
	push(s);
}

/* A busy server host: 64 processes (python workers, a few shells) reading and writing files,
 * connecting out and now and then running a program; a few events per thousand are suspicious
 * (a shell reading /etc/shadow, an outbound connection from a shell) so rules do fire. */
static void build(stream *s)
{
	uint64_t ts = 1000;
	for (uint64_t p = 0; p < NPROC; p++) {
		if (p % 16 == 0)
			execve(s, 1000 + p, 1, ts++, "/bin/bash", "bash", "-c\0id\0", 6);
		else
			execve(s, 1000 + p, 1, ts++, "/usr/bin/python3", "python3", "app.py\0--serve\0", 15);
	}
	static const char *const paths[] = { "data/input.csv", "/var/log/app.log", "/tmp/cache.bin",
					     "/usr/lib/python3/os.py", "/etc/hosts", "/proc/self/status" };
	for (uint32_t i = 0; s->n < NEVT; i++) {
		uint64_t tid = 1000 + (i * 7) % NPROC;
		switch (i % 10) {
		case 0: case 5:
			openat(s, tid, ts++, i % 1000 == 0 ? "/etc/shadow" : paths[(i / 10) % 6],
			       i % 20 ? PPM_O_RDONLY : PPM_O_WRONLY | PPM_O_CREAT);
			break;
		case 1: case 6:
			sst_tevt_begin(&E, PPME_SYSCALL_READ_X, tid, ts++);
			sst_tevt_int(&E, "res", 80);
			sst_tevt_bytes(&E, "data", "0123456789012345678901234567890123456789", 40);
			sst_tevt_int(&E, "fd", 5);
			push(s);
			break;
		case 2: case 7:
			sst_tevt_begin(&E, PPME_SYSCALL_CLOSE_X, tid, ts++);
			sst_tevt_int(&E, "res", 0);
			sst_tevt_int(&E, "fd", 5);
			push(s);
			break;
		case 3:
			sst_tevt_begin(&E, PPME_SOCKET_CONNECT_X, tid, ts++);
			sst_tevt_int(&E, "res", 0);
			sst_tevt_tuple4(&E, "tuple", "10.1.2.3", (uint16_t)(30000 + i % 1000),
					i % 100 == 3 ? "203.0.113.9" : "10.96.0.1", i % 100 == 3 ? 4444 : 443);
			sst_tevt_int(&E, "fd", 6);
			push(s);
			break;
		case 4:
			sst_tevt_begin(&E, PPME_SOCKET_SOCKET_X, tid, ts++);
			sst_tevt_int(&E, "fd", 6);
			sst_tevt_int(&E, "domain", VG_SCAP_AF_INET);
			sst_tevt_int(&E, "type", 1);
			push(s);
			break;
		default:
			if (i % 500 == 8)
				execve(s, tid, 1000, ts++, "/usr/bin/curl", "curl", "-s\0http://example.com\0", 22);
			else
				openat(s, tid, ts++, paths[i % 6], PPM_O_RDONLY);
			break;
		}
	}
}

typedef struct host {
	vg_plugin_registry *reg;
	vg_plugin *state;
	vg_fields *fields;
	vg_generic_source generic;
} host;

static const vg_fields *registry_for(const char *source, void *ud)
{
	return strcmp(source, "syscall") == 0 ? ((host *)ud)->fields : NULL;
}

static void die(const char *what, const vg_err *err)
{
	fprintf(stderr, "bench_rules_default: %s: %s\n", what, err->msg);
	exit(1);
}

/* The fields of the syscall source as the engine builds them: generic + sysstate's. */
static void host_open(host *h, const char *plugin_dir)
{
	vg_err err;
	vg_plugin_lib *lib;
	h->reg = vg_plugin_registry_new(plugin_dir);
	h->fields = vg_fields_new("syscall");
	h->generic.hostname = "bench";
	if (!h->reg || !h->fields || vg_generic_register(h->fields, &h->generic, &err) != VG_OK)
		die("setup", &err);
	if (vg_plugin_registry_load(h->reg, "libsysstate.so", &lib, &err) != VG_OK)
		die("load", &err);
	if (vg_plugin_init(lib, "{\"procfs\":false}", &h->state, &err) != VG_OK)
		die("init", &err);
	const vg_plugin_info *info = vg_plugin_get_info(h->state);
	for (uint32_t i = 0; i < info->nfields; i++)
		if (vg_fields_add(h->fields, &info->fields[i], vg_plugin_extractor(h->state), &err) != VG_OK)
			die("fields", &err);
}

static void host_close(host *h)
{
	vg_plugin_destroy(h->state);
	vg_fields_free(h->fields);
	vg_plugin_registry_free(h->reg);
}

static uint64_t alerts;

static void on_match(const vg_rule *rule, vg_evctx *ev, void *ud)
{
	alerts++;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One pass over ROUNDS copies of the stream with a fresh plugin state; rs NULL = parse only. */
static void run(const char *label, const stream *s, const char *plugin_dir, const char *rules_file)
{
	host h = { 0 };
	host_open(&h, plugin_dir);
	vg_rules *r = NULL;
	vg_rules_result *res = NULL;
	vg_ruleset *rs = NULL;
	vg_ruleset_state *st = NULL;
	vg_err err;
	if (rules_file) {
		vg_rules_opts o;
		vg_rules_opts_init(&o);
		o.registry_for_source = registry_for;
		o.ud = &h;
		if (vg_rules_load(&o, &rules_file, 1, &r, &res, &err) != VG_OK)
			die(rules_file, &err);
		rs = vg_rules_ruleset(r, "syscall");
		if (!rs || !(st = vg_ruleset_state_new(rs)))
			die("ruleset", &(vg_err){ .msg = "no syscall rules" });
	}
	vg_arena *scratch = vg_arena_new(64 * 1024);
	vg_evctx ev = { .source = "syscall", .plugin_name = "bench", .scratch = scratch };
	alerts = 0;
	double t0 = now();
	for (int round = 0; round < ROUNDS; round++) {
		for (uint32_t i = 0; i < s->n; i++) {
			ev.evt = (const ss_plugin_event *)(const void *)(s->buf + s->offs[i]);
			ev.evtnum++;
			ev.gen++;
			if (vg_plugin_parse(h.state, &ev, &err) != VG_OK)
				die("parse", &err);
			if (rs)
				vg_ruleset_match(rs, st, &ev, on_match, NULL);
			vg_arena_reset(scratch);
		}
	}
	double dt = now() - t0;
	printf("%-40s %10.0f events/s %8.1f ns/event  (%llu events, %llu alerts, %u rules)\n", label,
	       (double)ev.evtnum / dt, dt * 1e9 / (double)ev.evtnum, (unsigned long long)ev.evtnum,
	       (unsigned long long)alerts, r ? vg_rules_count(r) : 0);
	vg_arena_free(scratch);
	vg_ruleset_state_free(st);
	vg_rules_free(r);
	vg_rules_result_free(res);
	host_close(&h);
}

int main(int argc, char **argv)
{
	const char *rules_file = argc > 1 ? argv[1] : VIGIL_BENCH_RULES;
	const char *plugin_dir = argc > 2 ? argv[2] : VIGIL_BENCH_PLUGIN_DIR;
	static stream s;
	build(&s);
	printf("rules (c): %s, %u synthetic syscall events x %d rounds, %d processes\n", rules_file, s.n, ROUNDS,
	       NPROC);
	run("sysstate parse only", &s, plugin_dir, NULL);
	run("rules (c) parse + default ruleset", &s, plugin_dir, rules_file);
	free(s.buf);
	return 0;
}
