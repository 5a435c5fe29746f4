/* Decoder: every datagram of the recorded runsc session must decode to exactly the expected
 * JSON (field by field: the canonical rendering below mirrors the fixture's conventions), and
 * malformed headers/payloads must be rejected or skipped as documented. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gv_decode.h"
#include "gv_fixture.h"
#include "syscall.pb-c.h"

/* ---- canonical JSON of a protobuf-c message (keys sorted, proto3 defaults omitted) ---------- */

static void put_str(FILE *o, const char *s, size_t n)
{
	fputc('"', o);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", o);
		else if (c == '\t')
			fputs("\\t", o);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(o, "\\u%04x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

static void put_message(FILE *o, const ProtobufCMessage *m);

/* Writes one scalar/sub-message value at p; returns false when it equals the proto3 default. */
static void put_value(FILE *o, const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: fprintf(o, "%d", *(const int32_t *)p); break;
	case PROTOBUF_C_TYPE_UINT32: fprintf(o, "%u", *(const uint32_t *)p); break;
	case PROTOBUF_C_TYPE_INT64: fprintf(o, "%lld", (long long)*(const int64_t *)p); break;
	case PROTOBUF_C_TYPE_UINT64: fprintf(o, "%llu", (unsigned long long)*(const uint64_t *)p); break;
	case PROTOBUF_C_TYPE_BOOL: fputs(*(const protobuf_c_boolean *)p ? "true" : "false", o); break;
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)p;
		put_str(o, s, strlen(s));
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = p;
		fputc('"', o);
		for (size_t i = 0; i < b->len; i++)
			fprintf(o, "%02x", b->data[i]);
		fputc('"', o);
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE: put_message(o, *(ProtobufCMessage *const *)p); break;
	default: cr_assert_fail("field %s: type %d not used by our schema", f->name, f->type);
	}
}

static bool is_default(const ProtobufCFieldDescriptor *f, const void *p)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_UINT32: return *(const uint32_t *)p == 0;
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_UINT64: return *(const uint64_t *)p == 0;
	case PROTOBUF_C_TYPE_BOOL: return *(const protobuf_c_boolean *)p == 0;
	case PROTOBUF_C_TYPE_STRING: return **(char *const *)p == '\0';
	case PROTOBUF_C_TYPE_BYTES: return ((const ProtobufCBinaryData *)p)->len == 0;
	case PROTOBUF_C_TYPE_MESSAGE: return *(void *const *)p == NULL;
	default: return false;
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const ProtobufCFieldDescriptor *const *)a)->name,
	              (*(const ProtobufCFieldDescriptor *const *)b)->name);
}

static size_t elem_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_UINT32: return 4;
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_UINT64: return 8;
	case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
	default: return sizeof(void *);
	}
}

static void put_message(FILE *o, const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const ProtobufCFieldDescriptor *fs[64];
	cr_assert_leq(d->n_fields, 64);
	for (unsigned i = 0; i < d->n_fields; i++)
		fs[i] = &d->fields[i];
	qsort(fs, d->n_fields, sizeof(fs[0]), by_name);
	bool first = true;
	fputc('{', o);
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = fs[i];
		const char *base = (const char *)m + f->offset;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
			if (n == 0)
				continue;
			fprintf(o, "%s\"%s\": [", first ? "" : ", ", f->name);
			const char *arr = *(char *const *)base;
			for (size_t k = 0; k < n; k++) {
				if (k)
					fputs(", ", o);
				put_value(o, f, arr + k * elem_size(f));
			}
			fputc(']', o);
		} else {
			if (is_default(f, base))
				continue;
			fprintf(o, "%s\"%s\": ", first ? "" : ", ", f->name);
			put_value(o, f, base);
		}
		first = false;
	}
	fputc('}', o);
}

static char *render_line(uint32_t index, uint32_t len, const gv_msg *m)
{
	char *s = NULL;
	size_t n = 0;
	FILE *o = open_memstream(&s, &n);
	fprintf(o, "{\"dropped_count\": %u, \"header_size\": %u, \"index\": %u, \"len\": %u, "
	           "\"message_type\": %u, \"payload\": ",
	        m->hdr.dropped_count, m->hdr.header_size, index, len, m->hdr.message_type);
	put_message(o, m->pb);
	fprintf(o, ", \"type\": \"%s\"}", gv_decode_type_name(m->hdr.message_type));
	fclose(o);
	return s;
}

static gv_fixture fx;
static gv_decode *dec;

static void setup(void)
{
	cr_assert_eq(gv_fixture_load(&fx), 0, "cannot load the gVisor fixture (VIGIL_SHARED_DIR)");
	dec = gv_decode_new();
	cr_assert_not_null(dec);
}

static void teardown(void)
{
	gv_decode_free(dec);
	gv_fixture_free(&fx);
}

TestSuite(gv_decode, .init = setup, .fini = teardown);

Test(gv_decode, every_fixture_message_matches_expected_json)
{
	cr_assert_eq(fx.n, 334, "fixture has %u datagrams", fx.n);
	for (uint32_t i = 0; i < fx.n; i++) {
		gv_msg m;
		const char *why = NULL;
		gv_decode_rc rc = gv_decode_datagram(dec, fx.dgram[i], fx.len[i], &m, &why);
		cr_assert_eq(rc, GV_DECODE_OK, "index %u: %s", i, why);
		cr_assert_eq(m.unknown_fields, 0, "index %u: %u unknown fields", i, m.unknown_fields);
		char *got = render_line(i, fx.len[i], &m);
		cr_expect_str_eq(got, fx.json[i], "index %u differs:\n got  %s\n want %s", i, got, fx.json[i]);
		free(got);
	}
}

Test(gv_decode, header_must_fit_datagram)
{
	gv_wire_header h;
	const char *why = NULL;
	const uint8_t short_dgram[7] = {8, 0, 1, 0, 0, 0, 0};
	cr_assert_not(gv_decode_header(short_dgram, sizeof(short_dgram), &h, &why));
	const uint8_t small_hs[8] = {7, 0, 1, 0, 0, 0, 0, 0};
	cr_assert_not(gv_decode_header(small_hs, sizeof(small_hs), &h, &why));
	const uint8_t big_hs[10] = {11, 0, 1, 0, 0, 0, 0, 0, 0, 0};
	cr_assert_not(gv_decode_header(big_hs, sizeof(big_hs), &h, &why));
	const uint8_t ok[8] = {8, 0, 7, 0, 0x78, 0x56, 0x34, 0x12};
	cr_assert(gv_decode_header(ok, sizeof(ok), &h, &why));
	cr_assert_eq(h.message_type, 7);
	cr_assert_eq(h.dropped_count, 0x12345678u);
}

Test(gv_decode, payload_starts_at_header_size)
{
	/* A future 12-byte header: the payload (Close{sysno: 3}) must be read after 12 bytes. */
	const uint8_t d[] = {12, 0, 8, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x18, 0x03};
	gv_msg m;
	const char *why = NULL;
	cr_assert_eq(gv_decode_datagram(dec, d, sizeof(d), &m, &why), GV_DECODE_OK, "%s", why);
	cr_assert_eq(((const Gvisor__Syscall__Close *)m.pb)->sysno, 3);
}

Test(gv_decode, empty_payload_is_all_defaults)
{
	const uint8_t d[] = {8, 0, 29, 0, 0, 0, 0, 0};
	gv_msg m;
	const char *why = NULL;
	cr_assert_eq(gv_decode_datagram(dec, d, sizeof(d), &m, &why), GV_DECODE_OK);
	cr_assert_not_null(m.pb);
}

Test(gv_decode, unknown_types_are_skipped)
{
	const uint8_t types[] = {0, 27, 28, 31, 32, 35, 38, 200};
	for (size_t i = 0; i < sizeof(types); i++) {
		const uint8_t d[] = {8, 0, types[i], 0, 0, 0, 0, 0, 0x18, 0x01};
		gv_msg m;
		const char *why = NULL;
		cr_assert_eq(gv_decode_datagram(dec, d, sizeof(d), &m, &why), GV_DECODE_UNSUPPORTED,
		             "type %u", types[i]);
	}
}

Test(gv_decode, unknown_fields_are_counted_at_any_depth)
{
	/* Open{context_data{thread_id: 5, field 99: 1}, sysno: 2, field 50: "ab"} */
	const uint8_t d[] = {8, 0, 7, 0, 0, 0, 0, 0,
	                     0x0a, 0x05, 0x10, 0x05, 0x98, 0x06, 0x01, /* context_data */
	                     0x18, 0x02,                               /* sysno */
	                     0x92, 0x03, 0x02, 'a', 'b'};              /* field 50, bytes */
	gv_msg m;
	const char *why = NULL;
	cr_assert_eq(gv_decode_datagram(dec, d, sizeof(d), &m, &why), GV_DECODE_OK, "%s", why);
	cr_assert_eq(m.unknown_fields, 2);
}

Test(gv_decode, corrupt_payloads_are_rejected)
{
	const uint8_t bad[][12] = {
		{8, 0, 7, 0, 0, 0, 0, 0, 0x0a, 0x7f, 0x10},      /* length beyond the end */
		{8, 0, 7, 0, 0, 0, 0, 0, 0x18, 0xff, 0xff, 0xff}, /* unterminated varint */
		{8, 0, 7, 0, 0, 0, 0, 0, 0x1a, 0x01, 0x00, 0x00}, /* sysno with wire type 2 */
	};
	const size_t lens[] = {11, 12, 12};
	for (size_t i = 0; i < 3; i++) {
		gv_msg m;
		const char *why = NULL;
		cr_assert_eq(gv_decode_datagram(dec, bad[i], lens[i], &m, &why), GV_DECODE_CORRUPT, "case %zu", i);
		cr_assert_not_null(why);
	}
}

Test(gv_decode, handshake)
{
	uint32_t v = 99;
	const uint8_t one[] = {0x08, 0x01};
	cr_assert(gv_decode_handshake(dec, one, 2, &v));
	cr_assert_eq(v, 1);
	cr_assert(gv_decode_handshake(dec, one, 0, &v)); /* empty = version 0 */
	cr_assert_eq(v, 0);
	const uint8_t bad[] = {0x08};
	cr_assert_not(gv_decode_handshake(dec, bad, 1, &v));
}

Test(gv_decode, arena_is_reused_across_datagrams)
{
	gv_msg m;
	const char *why;
	for (uint32_t i = 0; i < fx.n; i++)
		gv_decode_datagram(dec, fx.dgram[i], fx.len[i], &m, &why);
	size_t warm = gv_decode_arena_bytes(dec);
	for (int r = 0; r < 3; r++)
		for (uint32_t i = 0; i < fx.n; i++)
			gv_decode_datagram(dec, fx.dgram[i], fx.len[i], &m, &why);
	cr_assert_eq(gv_decode_arena_bytes(dec), warm, "the arena grew after warm-up");
}
