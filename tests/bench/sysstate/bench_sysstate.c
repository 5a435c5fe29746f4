/* sysstate parse + extract cost per event on a synthetic syscall stream: 64 processes doing
 * openat/read/close and connect/close, with an execve now and then. Prints events/s and
 * ns/event for parse only and for parse + a typical rule's fields. Not a pass/fail test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vigil/scap_flags.h>

#include "sst_fields.h"
#include "sst_parse.h"
#include "sst_state.h"
#include "sst_test.h"

enum { NPROC = 64, NEVT = 1 << 16, ROUNDS = 30 };

typedef struct bench_stream {
	uint8_t *buf;
	size_t len, cap;
	size_t offs[NEVT];
	uint32_t n;
} bench_stream;

static sst_tevt E;

static void bench_push(bench_stream *s)
{
	const ss_plugin_event *e = sst_tevt_end(&E);
	if (!e || s->n >= NEVT)
		return;
	if (s->len + E.len > s->cap) {
		s->cap = (s->cap + E.len) * 2;
		s->buf = realloc(s->buf, s->cap);
		if (!s->buf)
			abort();
	}
	memcpy(s->buf + s->len, e, E.len);
	s->offs[s->n++] = s->len;
	s->len += E.len;
}

static void bench_execve(bench_stream *s, uint64_t tid, uint64_t ts)
{
	static const char cg[] = "cpu=/kubepods/besteffort/pod1/"
				 "3f1b6c0a9d2e4f5061728394a5b6c7d8e9f00112233445566778899aabbccdde";
	sst_tevt_begin(&E, PPME_SYSCALL_EXECVE_19_X, tid, ts);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_str(&E, "exe", "/usr/bin/python3");
	sst_tevt_bytes(&E, "args", "app.py\0--serve\0", 15);
	sst_tevt_int(&E, "tid", (int64_t)tid);
	sst_tevt_int(&E, "pid", (int64_t)tid);
	sst_tevt_int(&E, "ptid", 1);
	sst_tevt_str(&E, "cwd", "/srv/app");
	sst_tevt_str(&E, "comm", "python3");
	sst_tevt_bytes(&E, "cgroups", cg, sizeof cg);
	sst_tevt_bytes(&E, "env", "HOME=/root\0PATH=/usr/bin\0", 25);
	sst_tevt_int(&E, "uid", 0);
	sst_tevt_str(&E, "trusted_exepath", "/usr/bin/python3.11");
	bench_push(s);
}

static void bench_build(bench_stream *s)
{
	uint64_t ts = 1000;
	for (uint64_t p = 0; p < NPROC; p++)
		bench_execve(s, 1000 + p, ts++);
	for (uint32_t i = 0; s->n < NEVT; i++) {
		uint64_t tid = 1000 + (i * 7) % NPROC;
		switch (i % 8) {
		case 0: case 4:
			sst_tevt_begin(&E, PPME_SYSCALL_OPENAT_2_X, tid, ts++);
			sst_tevt_int(&E, "fd", 5);
			sst_tevt_int(&E, "dirfd", PPM_AT_FDCWD);
			sst_tevt_str(&E, "name", i % 16 ? "data/input.csv" : "/etc/shadow");
			sst_tevt_int(&E, "flags", PPM_O_RDONLY | PPM_O_CLOEXEC);
			break;
		case 1: case 5:
			sst_tevt_begin(&E, PPME_SYSCALL_READ_X, tid, ts++);
			sst_tevt_int(&E, "res", 80);
			sst_tevt_bytes(&E, "data", "0123456789012345678901234567890123456789", 40);
			sst_tevt_int(&E, "fd", 5);
			sst_tevt_int(&E, "size", 4096);
			break;
		case 2: case 6:
			sst_tevt_begin(&E, PPME_SYSCALL_CLOSE_X, tid, ts++);
			sst_tevt_int(&E, "res", 0);
			sst_tevt_int(&E, "fd", 5);
			break;
		case 3:
			sst_tevt_begin(&E, PPME_SOCKET_CONNECT_X, tid, ts++);
			sst_tevt_int(&E, "res", 0);
			sst_tevt_tuple4(&E, "tuple", "10.1.2.3", (uint16_t)(30000 + i % 1000), "10.96.0.1", 443);
			sst_tevt_int(&E, "fd", 6);
			break;
		default:
			if (i % 512 == 7) {
				bench_execve(s, tid, ts++);
				continue;
			}
			sst_tevt_begin(&E, PPME_SOCKET_SOCKET_X, tid, ts++);
			sst_tevt_int(&E, "fd", 6);
			sst_tevt_int(&E, "domain", VG_SCAP_AF_INET);
			sst_tevt_int(&E, "type", 1);
			break;
		}
		bench_push(s);
	}
}

static double bench_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int bench_field_id(const char *name)
{
	const char *json = sst_fields_json();
	char needle[128];
	snprintf(needle, sizeof needle, "\"name\":\"%s\"", name);
	const char *hit = strstr(json, needle);
	int id = 0;
	for (const char *p = json; hit && (p = strstr(p, "\"name\":\"")) && p < hit; p++)
		id++;
	return hit ? id : -1;
}

static void bench_run(const bench_stream *s, const char *label, const int *ids, uint32_t nids)
{
	vsdk_error err;
	sst_state *st = sst_state_new("{\"procfs\":false}", NULL, &err);
	if (!st)
		abort();
	ss_plugin_extract_field f;
	uint64_t evtnum = 0, extracted = 0;
	double t0 = bench_now();
	for (int r = 0; r < ROUNDS; r++) {
		for (uint32_t i = 0; i < s->n; i++) {
			const ss_plugin_event *e = (const ss_plugin_event *)(s->buf + s->offs[i]);
			sst_parse_event(st, ++evtnum, e);
			for (uint32_t k = 0; k < nids; k++) {
				memset(&f, 0, sizeof f);
				f.field_id = (uint32_t)ids[k];
				f.arg_index = UINT64_MAX;
				sst_fields_extract(st, &f, 1);
				extracted += f.res_len;
			}
		}
	}
	double dt = bench_now() - t0;
	printf("%-34s %8.2f M events/s  %7.1f ns/event  (%u fields/event, %llu values)\n", label,
	       (double)evtnum / dt / 1e6, dt * 1e9 / (double)evtnum, nids, (unsigned long long)extracted);
	sst_state_free(st);
}

int main(int argc, char **argv)
{
	/* argv[1] = 0, 3 or 10 runs only that configuration (for profiling). */
	int only = argc > 1 ? atoi(argv[1]) : -1;
	static bench_stream s;
	bench_build(&s);
	static const char *const rule_fields[] = {
		"proc.name", "fd.name", "evt.is_open_read", "fd.typechar", "fd.num", "proc.pname",
		"container.id", "user.name", "proc.cmdline", "evt.res",
	};
	int ids[16];
	uint32_t n = 0;
	for (size_t i = 0; i < sizeof rule_fields / sizeof rule_fields[0]; i++)
		if ((ids[n] = bench_field_id(rule_fields[i])) >= 0)
			n++;
	printf("sysstate: %u synthetic events x %d rounds, %d processes\n", s.n, ROUNDS, NPROC);
	if (only < 0 || only == 0)
		bench_run(&s, "parse only", ids, 0);
	if (only < 0 || only == 3)
		bench_run(&s, "parse + 3 fields (name, fd, open)", ids, 3);
	if (only < 0 || only == 10)
		bench_run(&s, "parse + 10 rule/output fields", ids, n);
	free(s.buf);
	return 0;
}
