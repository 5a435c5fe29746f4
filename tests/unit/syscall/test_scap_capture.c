/* scap capture writer/reader (plugins/syscall/sp_capture). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_capture.h"
#include "vigil/scap_events.h"

static uint32_t make_close(uint8_t *buf, uint32_t cap, uint64_t ts, int64_t fd)
{
	vg_scap_builder b;
	vg_scap_builder_begin(&b, buf, cap, PPME_SYSCALL_CLOSE_X, ts, 77);
	vg_scap_put_i64(&b, 0);
	vg_scap_put_i64(&b, fd);
	return vg_scap_builder_finish(&b);
}

static uint32_t make_plugin(uint8_t *buf, uint32_t cap)
{
	vg_scap_builder b;
	vg_scap_builder_begin(&b, buf, cap, PPME_PLUGINEVENT_E, 5, UINT64_MAX);
	vg_scap_put_u32(&b, 999);
	vg_scap_put(&b, "abc", 3);
	return vg_scap_builder_finish(&b);
}

static void roundtrip(bool gzip)
{
	char path[] = "/tmp/vigil-cap-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	vsdk_error err = {{0}};
	sp_capture_writer *w = sp_capture_writer_open(path, gzip, &err);
	cr_assert_not_null(w, "%s", err.msg);
	uint8_t ev[128];
	for (int i = 0; i < 3; i++) {
		make_close(ev, sizeof ev, 100 + i, i);
		cr_assert(sp_capture_write(w, ev, 0, &err));
	}
	make_plugin(ev, sizeof ev);
	cr_assert(sp_capture_write(w, ev, 1, &err));
	cr_assert(sp_capture_writer_close(w, &err));

	sp_capture *c = sp_capture_open(path, &err);
	cr_assert_not_null(c, "%s", err.msg);
	const uint8_t *e;
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(sp_capture_next(c, &e, &err), 1, "%s", err.msg);
		cr_assert_eq(vg_scap_evt_type(e), PPME_SYSCALL_CLOSE_X);
		vg_scap_param p;
		int64_t v;
		cr_assert(vg_scap_event_param(e, 1, &p) && vg_scap_param_int(&p, &v));
		cr_assert_eq(v, i);
	}
	cr_assert_eq(sp_capture_next(c, &e, &err), 1);
	cr_assert_eq(vg_scap_evt_type(e), PPME_PLUGINEVENT_E);
	cr_assert_eq(vg_scap_evt_len(e), 26 + 8 + 4 + 3);
	cr_assert_eq(sp_capture_next(c, &e, &err), 0);
	sp_capture_close(c);
	unlink(path);
}

Test(scap_capture, roundtrip_plain) { roundtrip(false); }
Test(scap_capture, roundtrip_gzip) { roundtrip(true); }

/* A hand-made file: SHB, an unknown metadata block, a v1 EV block (no nparams). */
Test(scap_capture, reads_v1_events_and_skips_unknown_blocks)
{
	uint8_t file[256];
	size_t n = 0;
	uint32_t shb[7] = {0x0A0D0D0A, 28, 0x1A2B3C4D, 1 | (2u << 16), ~0u, ~0u, 28};
	memcpy(file, shb, sizeof shb);
	n += sizeof shb;
	uint32_t unk[4] = {0x12345, 16, 0xdeadbeef, 16};
	memcpy(file + n, unk, sizeof unk);
	n += sizeof unk;
	/* v1 close_x: 22-byte header, 2 lengths, 16 bytes of values */
	uint8_t ev[22 + 4 + 16];
	uint64_t ts = 9, tid = 4;
	uint32_t len = sizeof ev;
	uint16_t type = PPME_SYSCALL_CLOSE_X, l8 = 8;
	int64_t res = 0, fd = 42;
	memcpy(ev, &ts, 8);
	memcpy(ev + 8, &tid, 8);
	memcpy(ev + 16, &len, 4);
	memcpy(ev + 20, &type, 2);
	memcpy(ev + 22, &l8, 2);
	memcpy(ev + 24, &l8, 2);
	memcpy(ev + 26, &res, 8);
	memcpy(ev + 34, &fd, 8);
	uint32_t body = 2 + sizeof ev, pad = (4 - body % 4) % 4, total = 12 + body + pad;
	uint32_t bh[2] = {0x204, total};
	memcpy(file + n, bh, 8);
	n += 8;
	uint16_t cpu = 0;
	memcpy(file + n, &cpu, 2);
	memcpy(file + n + 2, ev, sizeof ev);
	memset(file + n + 2 + sizeof ev, 0, pad);
	n += body + pad;
	memcpy(file + n, &total, 4);
	n += 4;

	sp_capture *c = sp_capture_open_mem(file, n);
	vsdk_error err = {{0}};
	const uint8_t *e;
	cr_assert_eq(sp_capture_next(c, &e, &err), 1, "%s", err.msg);
	cr_assert_eq(vg_scap_evt_type(e), PPME_SYSCALL_CLOSE_X);
	cr_assert_eq(vg_scap_evt_len(e), sizeof ev + 4);
	vg_scap_param p;
	int64_t v;
	cr_assert(vg_scap_event_param(e, 1, &p) && vg_scap_param_int(&p, &v));
	cr_assert_eq(v, 42);
	cr_assert_eq(sp_capture_next(c, &e, &err), 0);
	sp_capture_close(c);

	/* the same bytes with a broken trailer */
	file[n - 1] ^= 0xff;
	c = sp_capture_open_mem(file, n);
	cr_assert_eq(sp_capture_next(c, &e, &err), -1);
	cr_assert(strstr(err.msg, "wrong block total length"), "%s", err.msg);
	sp_capture_close(c);
}

Test(scap_capture, rejects_bad_files_with_offsets)
{
	vsdk_error err = {{0}};
	const uint8_t *e;
	uint32_t notshb[4] = {0x204, 16, 0, 16};
	sp_capture *c = sp_capture_open_mem(notshb, sizeof notshb);
	cr_assert_eq(sp_capture_next(c, &e, &err), -1);
	cr_assert(strstr(err.msg, "section header"), "%s", err.msg);
	sp_capture_close(c);

	c = sp_capture_open_mem("", 0);
	cr_assert_eq(sp_capture_next(c, &e, &err), -1);
	cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
	sp_capture_close(c);

	uint32_t huge[3] = {0x0A0D0D0A, 0x7fffffff, 0x1A2B3C4D};
	c = sp_capture_open_mem(huge, sizeof huge);
	cr_assert_eq(sp_capture_next(c, &e, &err), -1);
	cr_assert(strstr(err.msg, "at byte 0"), "%s", err.msg);
	sp_capture_close(c);

	cr_assert_null(sp_capture_open("/nonexistent/vigil.scap", &err));
	cr_assert(strstr(err.msg, "/nonexistent/vigil.scap"), "%s", err.msg);
}
