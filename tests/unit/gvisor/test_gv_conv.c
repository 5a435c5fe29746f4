/* Conversion of the recorded session into libscap events: types, parameters, encoded thread ids,
 * container id (cgroups), process lifecycle, disconnect clean-up and sandbox isolation. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/scap_events.h>
#include <vigil/scap_flags.h>

#include "gv_conv.h"
#include "gv_decode.h"
#include "gv_event.h"
#include "gv_evbuf.h"
#include "gv_fixture.h"
#include "gv_sandbox.h"
#include "sentry.pb-c.h"
#include "syscall.pb-c.h"

#define SB1 (1ull << 32)

static gv_fixture fx;
static gv_decode *dec;
static gv_conv conv;
static gv_evbuf out;
/* Events produced by fixture message i: out[first[i] .. first[i] + count[i]). */
static uint32_t first[512], count[512];

static void setup(void)
{
	cr_assert_eq(gv_fixture_load(&fx), 0);
	dec = gv_decode_new();
	gv_conv_init(&conv);
	gv_evbuf_init(&out);
}

static void teardown(void)
{
	gv_evbuf_free(&out);
	gv_conv_free(&conv);
	gv_decode_free(dec);
	gv_fixture_free(&fx);
}

static void replay(gv_sandbox *sb, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++) {
		gv_msg m;
		const char *why = NULL;
		cr_assert_eq(gv_decode_datagram(dec, fx.dgram[i], fx.len[i], &m, &why), GV_DECODE_OK);
		first[i] = out.n;
		count[i] = gv_conv_message(&conv, sb, &m, &out);
		cr_assert_eq(out.n, first[i] + count[i]);
	}
}

static const uint8_t *ev(uint32_t msg, uint32_t k)
{
	cr_assert_lt(k, count[msg], "message %u produced %u events, wanted #%u", msg, count[msg], k);
	return gv_evbuf_at(&out, first[msg] + k);
}

static vg_scap_evt hdr(const uint8_t *e)
{
	vg_scap_evt h;
	memcpy(&h, e, sizeof(h));
	return h;
}

static vg_scap_param param(const uint8_t *e, const char *name)
{
	const vg_scap_event_info *info = vg_scap_event_info_get(hdr(e).type);
	cr_assert_not_null(info);
	int i = vg_scap_event_param_index(info, name);
	cr_assert_geq(i, 0, "%s has no parameter %s", info->name, name);
	vg_scap_param p;
	cr_assert(vg_scap_event_param(e, (uint32_t)i, &p));
	return p;
}

static int64_t pint(const uint8_t *e, const char *name)
{
	vg_scap_param p = param(e, name);
	int64_t v = 0;
	cr_assert(vg_scap_param_int(&p, &v), "%s is not an integer (len %u)", name, p.len);
	return v;
}

static uint64_t puint(const uint8_t *e, const char *name)
{
	vg_scap_param p = param(e, name);
	uint64_t v = 0;
	cr_assert(vg_scap_param_uint(&p, &v), "%s is not an integer (len %u)", name, p.len);
	return v;
}

static const char *pstr(const uint8_t *e, const char *name)
{
	vg_scap_param p = param(e, name);
	const char *s = vg_scap_param_str(&p);
	cr_assert_not_null(s, "%s is not a string", name);
	return s;
}

static void assert_bytes(const uint8_t *e, const char *name, const void *want, uint32_t len)
{
	vg_scap_param p = param(e, name);
	cr_assert_eq(p.len, len, "%s: length %u, want %u", name, p.len, len);
	cr_assert_eq(memcmp(p.ptr, want, len), 0, "%s differs", name);
}

TestSuite(gv_conv, .init = setup, .fini = teardown);

Test(gv_conv, whole_session_converts_to_valid_events)
{
	gv_sandbox *sb = gv_sandbox_new(1);
	uint64_t bad_before = gv_event_bad_names();
	replay(sb, 0, fx.n);
	cr_assert_eq(gv_event_bad_names(), bad_before, "parameter names unknown to the event table");
	cr_assert_eq(conv.st.build_failures, 0);
	cr_assert_eq(conv.st.messages, fx.n);
	cr_assert_gt(out.n, 150, "only %u events", out.n);
	for (uint32_t i = 0; i < out.n; i++) {
		const uint8_t *e = gv_evbuf_at(&out, i);
		vg_scap_evt h = hdr(e);
		cr_assert(vg_scap_event_valid(e, h.len), "event %u malformed", i);
		cr_assert_not(vg_scap_event_is_old(h.type), "event %u has old type %u", i, h.type);
		cr_assert_eq(h.tid >> 32, 1, "event %u tid %llx not in sandbox 1", i, (unsigned long long)h.tid);
		cr_assert_gt(h.ts, 1795816964000000000ull, "event %u has no sandbox time", i);
	}
	/* Every thread exited by the end of the recording. */
	cr_assert_eq(sb->count, 0, "%u threads left", sb->count);
	gv_sandbox_free(sb);
}

Test(gv_conv, container_start_introduces_init_with_container_id)
{
	gv_sandbox *sb = gv_sandbox_new(1);
	replay(sb, 0, 1);
	cr_assert_eq(count[0], 2);
	const uint8_t *c = ev(0, 0), *x = ev(0, 1);
	cr_assert_eq(hdr(c).type, PPME_SYSCALL_CLONE_20_X);
	cr_assert_eq(pint(c, "res"), 0);
	cr_assert_eq(hdr(x).type, PPME_SYSCALL_EXECVE_19_X);
	cr_assert_eq(hdr(x).tid, SB1 | 1);
	cr_assert_eq(hdr(x).ts, 1795816964206082776ull);
	cr_assert_eq(pint(x, "res"), 0);
	cr_assert_str_eq(pstr(x, "exe"), "/bin/sh");
	cr_assert_str_eq(pstr(x, "comm"), "sh");
	cr_assert_str_eq(pstr(x, "cwd"), "/");
	cr_assert_eq(pint(x, "pid"), (int64_t)(SB1 | 1));
	cr_assert_eq(pint(x, "tid"), (int64_t)(SB1 | 1));
	vg_scap_param args = param(x, "args");
	cr_assert_str_eq((const char *)args.ptr, "-c");
	cr_assert(strstr((const char *)args.ptr + 3, "cat /etc/shadow") != NULL);
	assert_bytes(x, "cgroups", "gvisor=/gvcap1", 15);
	assert_bytes(c, "cgroups", "gvisor=/gvcap1", 15);
	vg_scap_param env = param(x, "env");
	cr_assert(memmem(env.ptr, env.len, "GVTEST=1", 9) != NULL);
	cr_assert_eq(sb->init_start_ns, 1795816964206069205ull);
	gv_sandbox_free(sb);
}

Test(gv_conv, vfork_and_execve_of_the_probe)
{
	gv_sandbox *sb = gv_sandbox_new(1);
	replay(sb, 0, 19);
	cr_assert_eq(count[13], 0, "fork enter is not an event");
	/* 14 sentry/clone: the child side, typed by the vfork enter. */
	const uint8_t *child = ev(14, 0);
	cr_assert_eq(hdr(child).type, PPME_SYSCALL_VFORK_20_X);
	cr_assert_eq(hdr(child).tid, SB1 | 2);
	cr_assert_eq(pint(child, "res"), 0);
	cr_assert_eq(pint(child, "pid"), (int64_t)(SB1 | 2));
	cr_assert_eq(pint(child, "ptid"), (int64_t)(SB1 | 1));
	cr_assert_eq(pint(child, "vtid"), 2);
	cr_assert_eq(pint(child, "vpid"), 2);
	cr_assert_str_eq(pstr(child, "exe"), "/bin/sh");
	uint64_t fl = puint(child, "flags");
	cr_assert(fl & PPM_CL_CLONE_VFORK);
	cr_assert(fl & PPM_CL_CLONE_VM);
	cr_assert(fl & PPM_CL_CHILD_IN_PIDNS);
	/* 15 vfork exit: parent side, res = the child's encoded tid. */
	const uint8_t *parent = ev(15, 0);
	cr_assert_eq(hdr(parent).type, PPME_SYSCALL_VFORK_20_X);
	cr_assert_eq(hdr(parent).tid, SB1 | 1);
	cr_assert_eq(pint(parent, "res"), (int64_t)(SB1 | 2));
	/* 17 sentry/execve: the new image with the new comm; 18 the syscall exit adds nothing. */
	cr_assert_eq(count[16], 0);
	const uint8_t *x = ev(17, 0);
	cr_assert_eq(hdr(x).type, PPME_SYSCALL_EXECVE_19_X);
	cr_assert_eq(hdr(x).tid, SB1 | 2);
	cr_assert_str_eq(pstr(x, "comm"), "probe");
	cr_assert_str_eq(pstr(x, "exe"), "/opt/gv/probe/probe");
	cr_assert_str_eq(pstr(x, "trusted_exepath"), "/opt/gv/probe/probe");
	cr_assert_eq(pint(x, "ptid"), (int64_t)(SB1 | 1));
	cr_assert_eq(puint(x, "uid"), 0);
	assert_bytes(x, "cgroups", "gvisor=/gvcap1", 15);
	cr_assert_eq(count[18], 0);
	gv_sandbox_free(sb);
}

Test(gv_conv, file_and_network_syscalls)
{
	gv_sandbox *sb = gv_sandbox_new(1);
	replay(sb, 0, fx.n);
	/* The probe opens /etc/shadow read-only. */
	bool shadow = false;
	for (uint32_t i = 0; i < out.n; i++) {
		const uint8_t *e = gv_evbuf_at(&out, i);
		if (hdr(e).type == PPME_SYSCALL_OPENAT_2_X && strcmp(pstr(e, "name"), "/etc/shadow") == 0 &&
		    hdr(e).tid == (SB1 | 2)) {
			shadow = true;
			cr_assert_eq(pint(e, "dirfd"), -100);
			cr_assert_geq(pint(e, "fd"), 0);
			cr_assert_eq(puint(e, "flags") & PPM_O_RDWR, PPM_O_RDONLY);
		}
	}
	cr_assert(shadow, "no openat of /etc/shadow by the probe");
	/* 38: TCP connect to 127.0.0.1:9 refused. */
	const uint8_t *c = ev(38, 0);
	cr_assert_eq(hdr(c).type, PPME_SOCKET_CONNECT_X);
	cr_assert_eq(pint(c, "res"), -111);
	cr_assert_eq(pint(c, "fd"), 3);
	const uint8_t inet9[] = {VG_SCAP_AF_INET, 127, 0, 0, 1, 9, 0};
	assert_bytes(c, "addr", inet9, sizeof(inet9));
	cr_assert_eq(param(c, "tuple").len, 0, "no tuple for a refused connection");
	cr_assert_eq(count[37], 0, "connect enter is not an event");
	/* 44: unix connect, path cut at the first NUL of the 110-byte sockaddr. */
	const uint8_t *u = ev(44, 0);
	cr_assert_eq(pint(u, "res"), -2);
	assert_bytes(u, "addr", "\001/dev/shm/nonexistent.sock", 27);
	/* 50: bind 127.0.0.1:5353. */
	const uint8_t *b = ev(50, 0);
	cr_assert_eq(hdr(b).type, PPME_SOCKET_BIND_X);
	cr_assert_eq(pint(b, "res"), 0);
	const uint8_t inet5353[] = {VG_SCAP_AF_INET, 127, 0, 0, 1, 5353 & 0xff, 5353 >> 8};
	assert_bytes(b, "addr", inet5353, sizeof(inet5353));
	/* 54: pipe2(O_CLOEXEC): descriptor flags carry no access mode. */
	const uint8_t *pp = ev(54, 0);
	cr_assert_eq(hdr(pp).type, PPME_SYSCALL_PIPE2_X);
	cr_assert_eq(puint(pp, "flags"), PPM_O_CLOEXEC);
	/* 72: raw kill(getpid(), 0). */
	const uint8_t *k = ev(72, 0);
	cr_assert_eq(hdr(k).type, PPME_SYSCALL_KILL_X);
	cr_assert_eq(pint(k, "pid"), (int64_t)(SB1 | 2));
	cr_assert_eq(puint(k, "sig"), 0);
	cr_assert_eq(count[71], 0);
	gv_sandbox_free(sb);
}

Test(gv_conv, credentials_and_exit)
{
	gv_sandbox *sb = gv_sandbox_new(1);
	replay(sb, 0, fx.n);
	const uint8_t *g = ev(77, 0), *u = ev(79, 0);
	cr_assert_eq(hdr(g).type, PPME_SYSCALL_SETRESGID_X);
	cr_assert_eq(puint(g, "rgid"), 65534);
	cr_assert_eq(puint(g, "egid"), 65534);
	cr_assert_eq(hdr(u).type, PPME_SYSCALL_SETRESUID_X);
	cr_assert_eq(puint(u, "euid"), 65534);
	cr_assert_eq(pint(u, "res"), 0);
	/* 111 task_exit of the probe (exit(3)), 112 exit_notify_parent repeats it: no event. */
	const uint8_t *x = ev(111, 0);
	cr_assert_eq(hdr(x).type, PPME_PROCEXIT_1_E);
	cr_assert_eq(hdr(x).tid, SB1 | 2);
	cr_assert_eq(pint(x, "status"), 768);
	cr_assert_eq(pint(x, "ret"), 3);
	cr_assert_eq(count[112], 0);
	/* 333: the sandbox init. */
	const uint8_t *init = ev(333, 0);
	cr_assert_eq(hdr(init).type, PPME_PROCEXIT_1_E);
	cr_assert_eq(hdr(init).tid, SB1 | 1);
	gv_sandbox_free(sb);
}

Test(gv_conv, disconnect_reports_live_threads_gone)
{
	gv_sandbox *sb = gv_sandbox_new(1);
	replay(sb, 0, 60);
	uint32_t live = sb->count;
	cr_assert_geq(live, 2, "init and the probe are alive at message 60");
	uint32_t before = out.n;
	uint32_t n = gv_conv_disconnect(&conv, sb, 42, &out);
	cr_assert_eq(n, live);
	cr_assert_eq(sb->count, 0);
	for (uint32_t i = before; i < out.n; i++) {
		const uint8_t *e = gv_evbuf_at(&out, i);
		cr_assert_eq(hdr(e).type, PPME_PROCEXIT_1_E);
		cr_assert_eq(hdr(e).ts, 42);
		cr_assert_eq(hdr(e).tid >> 32, 1);
	}
	gv_sandbox_free(sb);
}

Test(gv_conv, sandboxes_never_share_thread_ids)
{
	gv_sandbox *a = gv_sandbox_new(1), *b = gv_sandbox_new(7);
	replay(a, 0, 20);
	uint32_t a_end = out.n;
	replay(b, 0, 20);
	for (uint32_t i = a_end; i < out.n; i++) {
		const uint8_t *e = gv_evbuf_at(&out, i);
		cr_assert_eq(hdr(e).tid >> 32, 7);
		vg_scap_evt h = hdr(e);
		if (h.type == PPME_SYSCALL_EXECVE_19_X || h.type == PPME_SYSCALL_VFORK_20_X)
			cr_assert_eq((uint64_t)pint(e, "pid") >> 32, 7);
	}
	cr_assert_eq(a->count, b->count);
	gv_sandbox_free(a);
	gv_sandbox_free(b);
}

Test(gv_conv, attach_midstream_introduces_unknown_threads)
{
	gv_sandbox *sb = gv_sandbox_new(3);
	replay(sb, 19, 21); /* the probe's first messages after its exec, no container/start */
	const uint8_t *intro = ev(19, 0);
	cr_assert_eq(hdr(intro).type, PPME_SYSCALL_CLONE_20_X);
	cr_assert_eq(hdr(intro).tid, (3ull << 32) | 2);
	cr_assert_eq(pint(intro, "res"), 0);
	cr_assert_str_eq(pstr(intro, "comm"), "probe");
	cr_assert_eq(pint(intro, "pid"), (int64_t)((3ull << 32) | 2));
	assert_bytes(intro, "cgroups", "gvisor=/gvcap1", 15);
	cr_assert_str_eq(sb->container_id, "gvcap1");
	gv_sandbox_free(sb);
}

Test(gv_conv, drop_counter_deltas_wrap)
{
	gv_sandbox *sb = gv_sandbox_new(1);
	cr_assert_eq(gv_sandbox_drops(sb, 0), 0);
	cr_assert_eq(gv_sandbox_drops(sb, 5), 5);
	cr_assert_eq(gv_sandbox_drops(sb, 5), 0);
	cr_assert_eq(gv_sandbox_drops(sb, 3), 0, "a late header (3 after 5) counts nothing");
	cr_assert_eq(gv_sandbox_drops(sb, 7), 2, "and the count goes on from the highest value seen");
	cr_assert_eq(gv_sandbox_drops(sb, 0x7ffffff7u), 0x7ffffff0u, "a forward step just under 2^31");
	cr_assert_eq(gv_sandbox_drops(sb, 0xfffffff0u), 0x7ffffff9u);
	cr_assert_eq(gv_sandbox_drops(sb, 3), 19, "wraparound from 2^32-16 to 3 is 19 drops");
	gv_sandbox_free(sb);
}

Test(gv_conv, thread_table_survives_churn)
{
	gv_sandbox *sb = gv_sandbox_new(1);
	bool created;
	for (int32_t t = 1; t <= 5000; t++)
		cr_assert_not_null(gv_sandbox_add(sb, t, &created));
	for (int32_t t = 1; t <= 5000; t += 2)
		gv_sandbox_remove(sb, t);
	for (int32_t t = 1; t <= 5000; t++) {
		gv_thread *th = gv_sandbox_find(sb, t);
		if (t % 2)
			cr_assert_null(th, "tid %d still present", t);
		else
			cr_assert(th && th->tid == t, "tid %d lost", t);
	}
	cr_assert_eq(sb->count, 2500);
	for (int32_t t = 10000; sb->count < GV_SANDBOX_MAX_THREADS; t++)
		cr_assert_not_null(gv_sandbox_add(sb, t, &created));
	cr_assert_null(gv_sandbox_add(sb, 1 << 30, &created), "the thread table is bounded");
	cr_assert_not_null(gv_sandbox_find(sb, 10000));
	gv_sandbox_free(sb);
}

/* Packs msg behind an 8-byte header and converts it; returns the number of events. */
static uint32_t convert_packed(gv_sandbox *sb, uint16_t type, const ProtobufCMessage *msg)
{
	uint8_t buf[2048] = {8, 0, (uint8_t)type, 0};
	size_t n = protobuf_c_message_pack(msg, buf + 8);
	gv_msg m;
	const char *why;
	cr_assert_eq(gv_decode_datagram(dec, buf, n + 8, &m, &why), GV_DECODE_OK);
	return gv_conv_message(&conv, sb, &m, &out);
}

Test(gv_conv, exec_names_the_process_after_the_given_path)
{
	/* /bin/sh resolves to dash, but Linux (and the eBPF driver) report comm "sh". */
	gv_sandbox *sb = gv_sandbox_new(1);
	Gvisor__Common__ContextData cd = GVISOR__COMMON__CONTEXT_DATA__INIT;
	cd.thread_id = 9;
	cd.thread_group_id = 9;
	cd.time_ns = 1000;
	cd.process_name = "bash";
	cd.container_id = "c1";
	Gvisor__Syscall__Execve enter = GVISOR__SYSCALL__EXECVE__INIT;
	enter.context_data = &cd;
	enter.sysno = 59;
	enter.pathname = "/bin/sh";
	cr_assert_eq(convert_packed(sb, 11, &enter.base), 1, "first sight of tid 9 introduces it");
	char *argv[] = {"sh", "-c", "id"};
	Gvisor__Sentry__ExecveInfo ex = GVISOR__SENTRY__EXECVE_INFO__INIT;
	ex.context_data = &cd;
	ex.binary_path = "/usr/bin/dash";
	ex.argv = argv;
	ex.n_argv = 3;
	uint32_t at = out.n;
	cr_assert_eq(convert_packed(sb, 3, &ex.base), 1);
	const uint8_t *e = gv_evbuf_at(&out, at);
	cr_assert_eq(hdr(e).type, PPME_SYSCALL_EXECVE_19_X);
	cr_assert_str_eq(pstr(e, "comm"), "sh");
	cr_assert_str_eq(pstr(e, "exe"), "sh");
	cr_assert_str_eq(pstr(e, "filename"), "/bin/sh");
	cr_assert_str_eq(pstr(e, "trusted_exepath"), "/usr/bin/dash");
	assert_bytes(e, "args", "-c\0id", 6);
	assert_bytes(e, "cgroups", "gvisor=/c1", 11);
	/* The syscall's own successful exit is not a second execve. */
	Gvisor__Syscall__Exit ok = GVISOR__SYSCALL__EXIT__INIT;
	enter.exit = &ok;
	cr_assert_eq(convert_packed(sb, 11, &enter.base), 0);
	/* A failed execve is reported with its errno and the old image. */
	Gvisor__Syscall__Exit enoent = GVISOR__SYSCALL__EXIT__INIT;
	enoent.errorno = 2;
	enter.exit = &enoent;
	enter.pathname = "/nope";
	at = out.n;
	cr_assert_eq(convert_packed(sb, 11, &enter.base), 1);
	e = gv_evbuf_at(&out, at);
	cr_assert_eq(pint(e, "res"), -2);
	cr_assert_str_eq(pstr(e, "comm"), "sh");
	cr_assert_str_eq(pstr(e, "filename"), "/nope");
	gv_sandbox_free(sb);
}
