/* The plugin's listener over a real SOCK_SEQPACKET socket, driven through the exported plugin
 * API: handshake, header_size, corrupt and truncated datagrams, drop deltas, several sandboxes,
 * disconnect clean-up, timeouts, socket permissions, config generation and text rendering. */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define JSMN_STATIC
#include <jsmn.h>

#include <vigil/scap_events.h>

#include "gv_fixture.h"
#include "gv_plugin_api.h"

static gv_api api;
static gv_fixture fx;
static char dir[64], sock[128];
static ss_plugin_t *st;
static ss_instance_t *inst;

static void setup(void)
{
	cr_assert_eq(gv_api_load(&api), 0);
	cr_assert_eq(gv_fixture_load(&fx), 0);
	strcpy(dir, "/tmp/gvlisten-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/run/vigil/gv.sock", dir); /* parents do not exist yet */
	ss_plugin_rc rc;
	st = gv_api_init(&api, "{\"poll_timeout_ms\": 5}", &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", api.get_last_error(st));
	inst = api.open(st, sock, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", api.get_last_error(st));
}

static void teardown(void)
{
	if (inst)
		api.close(st, inst);
	api.destroy(st);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	gv_fixture_free(&fx);
	gv_api_unload(&api);
}

/* Events of one next_batch call, copied out (the batch is only valid until the next call). */
typedef struct batch {
	uint8_t *ev[256];
	uint32_t n;
} batch;

static void batch_free(batch *b)
{
	for (uint32_t i = 0; i < b->n; i++)
		free(b->ev[i]);
	b->n = 0;
}

/* Calls next_batch up to `calls` times, collecting events. */
static void pump(batch *b, int calls)
{
	for (int c = 0; c < calls; c++) {
		uint32_t n = 0;
		ss_plugin_event **evs = NULL;
		ss_plugin_rc rc = api.next_batch(st, inst, &n, &evs);
		cr_assert(rc == SS_PLUGIN_SUCCESS || rc == SS_PLUGIN_TIMEOUT, "rc %d: %s", rc,
		          api.get_last_error(st));
		if (rc == SS_PLUGIN_TIMEOUT)
			cr_assert_eq(n, 0);
		for (uint32_t i = 0; i < n && b->n < 256; i++) {
			b->ev[b->n] = malloc(evs[i]->len);
			memcpy(b->ev[b->n++], evs[i], evs[i]->len);
		}
	}
}

static int client_connect(void)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strcpy(sa.sun_path, sock);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "connect: %s", strerror(errno));
	return fd;
}

/* Connects and completes the handshake as runsc does (send 08 01, wait for the reply). */
static int client_handshake(void)
{
	int fd = client_connect();
	const uint8_t hs[2] = {0x08, 0x01};
	cr_assert_eq(send(fd, hs, 2, 0), 2);
	batch b = {0};
	pump(&b, 2);
	batch_free(&b);
	uint8_t reply[16];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	cr_assert_eq(poll(&p, 1, 2000), 1, "no handshake reply");
	cr_assert_eq(recv(fd, reply, sizeof(reply), 0), 2);
	cr_assert(reply[0] == 0x08 && reply[1] == 0x01);
	return fd;
}

static void send_dgram(int fd, const uint8_t *d, size_t len)
{
	cr_assert_eq(send(fd, d, len, 0), (ssize_t)len, "send: %s", strerror(errno));
}

/* Fixture datagram i with a new dropped_count. */
static void send_fixture(int fd, uint32_t i, uint32_t dropped)
{
	uint8_t buf[512];
	memcpy(buf, fx.dgram[i], fx.len[i]);
	memcpy(buf + 4, &dropped, 4);
	send_dgram(fd, buf, fx.len[i]);
}

static vg_scap_evt hdr(const uint8_t *e)
{
	vg_scap_evt h;
	memcpy(&h, e, sizeof(h));
	return h;
}

TestSuite(gv_listen, .init = setup, .fini = teardown, .timeout = 30);

Test(gv_listen, socket_is_created_with_restricted_mode)
{
	struct stat s;
	cr_assert_eq(stat(sock, &s), 0);
	cr_assert(S_ISSOCK(s.st_mode));
	cr_assert_eq(s.st_mode & 0777, 0660, "mode %o", s.st_mode & 0777);
}

Test(gv_listen, handshake_then_events_with_sandbox_tids)
{
	int fd = client_handshake();
	send_fixture(fd, 0, 0); /* container/start: clone + execve */
	send_fixture(fd, 4, 0); /* close exit */
	batch b = {0};
	pump(&b, 3);
	cr_assert_eq(b.n, 3);
	cr_assert_eq(hdr(b.ev[1]).type, PPME_SYSCALL_EXECVE_19_X);
	cr_assert_eq(hdr(b.ev[2]).type, PPME_SYSCALL_CLOSE_X);
	cr_assert_eq(hdr(b.ev[2]).tid, (1ull << 32) | 1);
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.sandboxes"), 1);
	batch_free(&b);
	close(fd);
}

Test(gv_listen, payload_is_found_by_header_size)
{
	int fd = client_handshake();
	uint8_t buf[512];
	/* Same close exit with a 12-byte header: 4 extra bytes the decoder must skip. */
	memcpy(buf, fx.dgram[4], 8);
	buf[0] = 12;
	memset(buf + 8, 0xee, 4);
	memcpy(buf + 12, fx.dgram[4] + 8, fx.len[4] - 8);
	send_dgram(fd, buf, fx.len[4] + 4);
	batch b = {0};
	pump(&b, 2);
	cr_assert_eq(b.n, 2, "intro clone + close, got %u", b.n);
	cr_assert_eq(hdr(b.ev[1]).type, PPME_SYSCALL_CLOSE_X);
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.corrupt"), 0);
	batch_free(&b);
	close(fd);
}

Test(gv_listen, corrupt_and_unknown_datagrams_are_counted_not_fatal)
{
	int fd = client_handshake();
	const uint8_t bad_hs[8] = {20, 0, 7, 0, 0, 0, 0, 0};           /* header_size > len */
	const uint8_t bad_pb[11] = {8, 0, 7, 0, 0, 0, 0, 0, 0x0a, 0x7f, 0}; /* truncated field */
	const uint8_t unknown[10] = {8, 0, 99, 0, 0, 0, 0, 0, 0x18, 0x01};
	send_dgram(fd, bad_hs, sizeof(bad_hs));
	send_dgram(fd, bad_pb, sizeof(bad_pb));
	send_dgram(fd, unknown, sizeof(unknown));
	send_fixture(fd, 4, 0);
	batch b = {0};
	pump(&b, 3);
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.corrupt"), 2);
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.unsupported_types"), 1);
	cr_assert_eq(b.n, 2, "the good datagram after the bad ones still converts");
	batch_free(&b);
	close(fd);
}

Test(gv_listen, oversized_datagram_is_truncated_and_dropped)
{
	int fd = client_handshake();
	int big = 8 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) != 0)
		cr_skip_test("SO_SNDBUFFORCE not permitted (needs CAP_NET_ADMIN)");
	size_t len = (1u << 20) + 4096;
	uint8_t *d = calloc(1, len);
	memcpy(d, fx.dgram[4], fx.len[4]);
	if (send(fd, d, len, 0) != (ssize_t)len) {
		free(d);
		cr_skip_test("cannot send a %zu-byte datagram here: %s", len, strerror(errno));
	}
	free(d);
	send_fixture(fd, 4, 0);
	batch b = {0};
	pump(&b, 3);
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.corrupt"), 1);
	cr_assert_eq(b.n, 2);
	batch_free(&b);
	close(fd);
}

Test(gv_listen, drop_counter_deltas_including_wraparound)
{
	int fd = client_handshake();
	send_fixture(fd, 3, 5);
	send_fixture(fd, 4, 5);
	send_fixture(fd, 3, 0x70000000u);
	send_fixture(fd, 4, 0xeffffff0u);
	send_fixture(fd, 3, 0xfffffffeu);
	send_fixture(fd, 4, 3); /* wrapped: 5 more */
	batch b = {0};
	pump(&b, 6);
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.drops"), 0x100000003ull);
	batch_free(&b);
	close(fd);
}

/* runsc's task goroutines read the counter and send concurrently: a header written before a
 * drop may arrive after one written after it (seen live: 3, 4, 3, 4, 7, 5, 7). */
Test(gv_listen, drop_counter_ignores_late_headers)
{
	int fd = client_handshake();
	send_fixture(fd, 3, 4);
	send_fixture(fd, 4, 3);
	send_fixture(fd, 3, 4);
	send_fixture(fd, 4, 7);
	send_fixture(fd, 3, 5);
	send_fixture(fd, 4, 7);
	batch b = {0};
	pump(&b, 6);
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.drops"), 7);
	batch_free(&b);
	close(fd);
}

Test(gv_listen, disconnect_emits_procexit_for_live_threads)
{
	int fd = client_handshake();
	send_fixture(fd, 0, 0);  /* init, tid 1 */
	send_fixture(fd, 14, 0); /* sentry/clone: tid 2 */
	batch b = {0};
	pump(&b, 2);
	batch_free(&b);
	close(fd);
	pump(&b, 3);
	cr_assert_eq(b.n, 2, "one procexit per live thread, got %u", b.n);
	uint64_t tids = 0;
	for (uint32_t i = 0; i < b.n; i++) {
		cr_assert_eq(hdr(b.ev[i]).type, PPME_PROCEXIT_1_E);
		tids |= 1ull << (hdr(b.ev[i]).tid & 0xff);
		cr_assert_eq(hdr(b.ev[i]).tid >> 32, 1);
	}
	cr_assert_eq(tids, (1u << 1) | (1u << 2));
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.sandboxes"), 0);
	batch_free(&b);
}

Test(gv_listen, several_sandboxes_get_distinct_ids)
{
	int a = client_handshake(), c = client_handshake();
	send_fixture(a, 4, 0);
	send_fixture(c, 4, 0);
	batch b = {0};
	pump(&b, 3);
	cr_assert_eq(b.n, 4);
	uint64_t seen = 0;
	for (uint32_t i = 0; i < b.n; i++) {
		cr_assert_eq(hdr(b.ev[i]).tid & 0xffffffffu, 1);
		seen |= 1ull << (hdr(b.ev[i]).tid >> 32);
	}
	cr_assert_eq(seen, (1u << 1) | (1u << 2), "sandbox numbers 1 and 2");
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.sandboxes"), 2);
	batch_free(&b);
	close(a);
	close(c);
}

Test(gv_listen, old_client_version_is_refused)
{
	int fd = client_connect();
	const uint8_t hs0[2] = {0x08, 0x00};
	send_dgram(fd, hs0, 2);
	batch b = {0};
	pump(&b, 2);
	uint8_t r[4];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	cr_assert_eq(poll(&p, 1, 2000), 1);
	cr_assert_eq(recv(fd, r, sizeof(r), 0), 0, "connection must be closed without a reply");
	cr_assert_eq(gv_api_metric(&api, st, "gvisor.sandboxes"), 0);
	close(fd);
}

Test(gv_listen, idle_next_batch_times_out_quickly)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint32_t n = 1;
	ss_plugin_event **evs;
	cr_assert_eq(api.next_batch(st, inst, &n, &evs), SS_PLUGIN_TIMEOUT);
	cr_assert_eq(n, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	cr_assert_lt(ms, 500, "next_batch blocked %.0f ms", ms);
}

Test(gv_listen, event_to_string_renders_parameters)
{
	int fd = client_handshake();
	send_fixture(fd, 38, 0);
	batch b = {0};
	pump(&b, 2);
	cr_assert_eq(b.n, 2);
	ss_plugin_event_input in = {.evt = (const ss_plugin_event *)b.ev[1], .evtnum = 1, .evtsrc = "syscall"};
	const char *s = api.event_to_string(st, &in);
	cr_assert(strstr(s, "connect <") && strstr(s, "res=-111") && strstr(s, "addr=127.0.0.1:9"), "%s", s);
	batch_free(&b);
	close(fd);
}

Test(gv_listen, socket_path_errors_are_clear)
{
	ss_plugin_rc rc;
	char path[160];
	snprintf(path, sizeof(path), "%s/plainfile", dir);
	FILE *f = fopen(path, "w");
	fclose(f);
	ss_instance_t *h = api.open(st, path, &rc);
	cr_assert_null(h);
	cr_assert_eq(rc, SS_PLUGIN_FAILURE);
	cr_assert(strstr(api.get_last_error(st), "not a socket"), "%s", api.get_last_error(st));
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = 0;
	cr_assert_null(api.open(st, longp, &rc));
	cr_assert(strstr(api.get_last_error(st), "longer than"), "%s", api.get_last_error(st));
}

Test(gv_listen, init_config_is_validated)
{
	ss_plugin_rc rc;
	ss_plugin_t *s2 = gv_api_init(&api, "{\"socket\": \"/x.sock\", \"bogus\": 1}", &rc);
	cr_assert_eq(rc, SS_PLUGIN_FAILURE);
	cr_assert(strstr(api.get_last_error(s2), "bogus"), "%s", api.get_last_error(s2));
	api.destroy(s2);
	s2 = gv_api_init(&api, "{\"poll_timeout_ms\": 5000}", &rc);
	cr_assert_eq(rc, SS_PLUGIN_FAILURE, "out-of-range value accepted");
	api.destroy(s2);
	ss_plugin_schema_type t;
	cr_assert(strstr(api.get_init_schema(&t), "\"socket\""));
	cr_assert_eq(t, SS_PLUGIN_SCHEMA_JSON);
	cr_assert(strstr(api.list_open_params(st, &rc), "/run/vigil/gvisor.sock"));
}

static bool json_has_string(const char *js, const jsmntok_t *t, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (t[i].type == JSMN_STRING && (size_t)(t[i].end - t[i].start) == strlen(s) &&
		    memcmp(js + t[i].start, s, strlen(s)) == 0)
			return true;
	return false;
}

Test(gv_listen, generated_config_is_valid_json)
{
	size_t need = api.generate_config("/run/x \"q\".sock", NULL, 0);
	char *buf = malloc(need + 1);
	cr_assert_eq(api.generate_config("/run/x \"q\".sock", buf, need + 1), need);
	jsmn_parser p;
	jsmntok_t toks[2048];
	jsmn_init(&p);
	int n = jsmn_parse(&p, buf, need, toks, 2048);
	cr_assert_gt(n, 0, "config does not parse: %d\n%s", n, buf);
	cr_assert(json_has_string(buf, toks, n, "Default"));
	cr_assert(json_has_string(buf, toks, n, "remote"));
	cr_assert(json_has_string(buf, toks, n, "/run/x \\\"q\\\".sock"), "endpoint not escaped");
	cr_assert(json_has_string(buf, toks, n, "container/start"));
	cr_assert(json_has_string(buf, toks, n, "sentry/execve"));
	cr_assert(json_has_string(buf, toks, n, "syscall/openat/exit"));
	cr_assert(json_has_string(buf, toks, n, "container_id"));
	free(buf);
	/* snprintf contract: a short buffer is cut but still NUL-terminated. */
	char small[16];
	cr_assert_gt(api.generate_config(NULL, small, sizeof(small)), sizeof(small));
	cr_assert_eq(strlen(small), sizeof(small) - 1);
}
