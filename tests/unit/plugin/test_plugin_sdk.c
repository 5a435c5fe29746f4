/* The C helper library for plugin authors (sdk/include/vigil/plugin_sdk.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <vigil/plugin_sdk.h>

#include "plugin/plugin_fields.h"

Test(plugin_sdk, error_and_truncation)
{
	vsdk_error e;
	char big[2 * PLUGIN_MAX_ERRLEN];
	cr_assert_eq(vsdk_error_set(&e, "bad %s #%d", "thing", 3), SS_PLUGIN_FAILURE);
	cr_assert_str_eq(vsdk_error_str(&e), "bad thing #3");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vsdk_error_set(&e, "%s", big);
	cr_assert_eq(strlen(e.msg), PLUGIN_MAX_ERRLEN - 1);
	cr_assert_str_eq(e.msg + PLUGIN_MAX_ERRLEN - 4, "...", "truncation must be visible");
}

Test(plugin_sdk, batch_layout)
{
	vsdk_batch b;
	uint32_t n, len, id;
	ss_plugin_event **evts;
	vsdk_batch_init(&b, 42);
	for (uint32_t i = 0; i < 300; i++) /* several reallocations of buffer and array */
		cr_assert(vsdk_batch_add(&b, 1000 + i, "payload-with-some-length", 7 + i % 10));
	cr_assert_eq(vsdk_batch_emit(&b, &n, &evts, SS_PLUGIN_TIMEOUT), SS_PLUGIN_TIMEOUT);
	cr_assert_eq(n, 300);
	for (uint32_t i = 0; i < n; i++) {
		const ss_plugin_event *e = evts[i];
		cr_assert_eq(e->type, 322);
		cr_assert_eq(e->nparams, 2);
		cr_assert_eq(e->tid, UINT64_MAX);
		cr_assert_eq(e->ts, 1000 + i);
		cr_assert_eq(e->len, PLUGIN_EVENT_PAYLOAD_OFFSET + 7 + i % 10);
		const uint8_t *p = vsdk_event_payload(e, &len, &id);
		cr_assert_not_null(p);
		cr_assert_eq(id, 42);
		cr_assert_eq(len, 7 + i % 10);
		cr_assert_eq(memcmp(p, "payload-with-some-length", len), 0);
	}
	vsdk_batch_reset(&b);
	cr_assert_eq(vsdk_batch_emit(&b, &n, &evts, SS_PLUGIN_EOF), SS_PLUGIN_EOF);
	cr_assert_eq(n, 0);
	vsdk_batch_free(&b);
}

Test(plugin_sdk, payload_rejects_malformed)
{
	uint8_t raw[64] = {0};
	uint32_t len;
	ss_plugin_event h = {.len = 40, .type = 322, .nparams = 2};
	memcpy(raw, &h, sizeof(h));
	uint32_t lens[2] = {4, 5}; /* says 5 payload bytes, event holds 2 */
	memcpy(raw + 26, lens, sizeof(lens));
	cr_assert_null(vsdk_event_payload((ss_plugin_event *)(void *)raw, &len, NULL));
	lens[1] = 2;
	memcpy(raw + 26, lens, sizeof(lens));
	cr_assert_not_null(vsdk_event_payload((ss_plugin_event *)(void *)raw, &len, NULL));
	h.type = 1;
	memcpy(raw, &h, sizeof(h));
	cr_assert_null(vsdk_event_payload((ss_plugin_event *)(void *)raw, &len, NULL));
}

Test(plugin_sdk, values_survive_until_reset)
{
	vsdk_values v;
	ss_plugin_extract_field f[64];
	vsdk_values_init(&v);
	for (int round = 0; round < 3; round++) {
		vsdk_values_reset(&v);
		for (int i = 0; i < 64; i++) { /* more than one chunk: earlier values must not move */
			char s[600];
			memset(s, 'a' + i % 26, sizeof(s) - 1);
			s[sizeof(s) - 1] = '\0';
			cr_assert(vsdk_set_str(&v, &f[i], s));
		}
		for (int i = 0; i < 64; i++) {
			cr_assert_eq(f[i].res_len, 1);
			cr_assert_eq(strlen(f[i].res.str[0]), 599);
			cr_assert_eq(f[i].res.str[0][598], 'a' + i % 26);
		}
	}
	const uint64_t xs[] = {1, 2, 3};
	cr_assert(vsdk_set_u64_list(&v, &f[0], xs, 3));
	cr_assert_eq(f[0].res_len, 3);
	cr_assert_eq(f[0].res.u64[2], 3);
	cr_assert(vsdk_set_bool(&v, &f[1], true));
	cr_assert_eq(f[1].res.boolean[0], 1);
	vsdk_values_free(&v);
}

Test(plugin_sdk, json_paths_types_and_escapes)
{
	static const char doc[] = "{\"a\":{\"b\":\"x\\u00e9\\ud83d\\ude00\\n\",\"n\":12,\"neg\":-3,\"t\":true,"
				  "\"arr\":[1,{\"z\":2}]},\"a.b\":\"dotted\",\"s\":\"str\"}";
	vsdk_json *j = vsdk_json_new();
	vsdk_error e;
	const char *s, *raw;
	size_t len;
	uint64_t u;
	int64_t i;
	bool b;
	cr_assert(vsdk_json_load(j, doc, strlen(doc), &e), "%s", e.msg);
	cr_assert_eq(vsdk_json_get_str(j, "a.b", &s, &e), VSDK_JSON_OK);
	cr_assert_str_eq(s, "x\xc3\xa9\xf0\x9f\x98\x80\n");
	cr_assert_eq(vsdk_json_get_u64(j, "a.n", &u, &e), VSDK_JSON_OK);
	cr_assert_eq(u, 12);
	cr_assert_eq(vsdk_json_get_u64(j, "a.neg", &u, &e), VSDK_JSON_BAD_TYPE);
	cr_assert_str_eq(e.msg, "'a.neg' must be a non-negative integer");
	cr_assert_eq(vsdk_json_get_i64(j, "a.neg", &i, &e), VSDK_JSON_OK);
	cr_assert_eq(i, -3);
	cr_assert_eq(vsdk_json_get_bool(j, "a.t", &b, &e), VSDK_JSON_OK);
	cr_assert(b);
	cr_assert_eq(vsdk_json_get_str(j, "a.n", &s, &e), VSDK_JSON_BAD_TYPE);
	cr_assert_eq(vsdk_json_get_str(j, "a.missing", &s, &e), VSDK_JSON_ABSENT);
	cr_assert_eq(vsdk_json_get_str(j, "s.deeper", &s, &e), VSDK_JSON_ABSENT);
	cr_assert_eq(vsdk_json_get_raw(j, "a.arr", &raw, &len), VSDK_JSON_OK);
	cr_assert_eq(strncmp(raw, "[1,{\"z\":2}]", len), 0);
	cr_assert_eq(len, strlen("[1,{\"z\":2}]"));
	cr_assert_eq(vsdk_json_get_raw(j, "s", &raw, &len), VSDK_JSON_OK);
	cr_assert_eq(strncmp(raw, "\"str\"", len), 0);
	/* empty config = {} ; malformed input = error with the byte offset */
	cr_assert(vsdk_json_load(j, "  ", 2, &e));
	cr_assert_eq(vsdk_json_get_str(j, "s", &s, &e), VSDK_JSON_ABSENT);
	cr_assert_not(vsdk_json_load(j, "{\"a\":", 5, &e));
	cr_assert(strstr(e.msg, "invalid JSON at byte"), "%s", e.msg);
	cr_assert_not(vsdk_json_load(j, "{\"a\" 1}", 7, &e));
	/* a lone surrogate is a bad escape, reported as a type error */
	cr_assert(vsdk_json_load(j, "{\"s\":\"\\ud83d\"}", 14, &e), "%s", e.msg);
	cr_assert_eq(vsdk_json_get_str(j, "s", &s, &e), VSDK_JSON_BAD_TYPE);
	vsdk_json_free(j);
}

Test(plugin_sdk, json_nesting_is_bounded)
{
	enum { DEPTH = 100000 };
	char *doc = malloc(2 * DEPTH + 16);
	vsdk_json *j = vsdk_json_new();
	vsdk_error e;
	const char *s;
	size_t n = 0;
	for (int i = 0; i < DEPTH; i++)
		doc[n++] = '[';
	for (int i = 0; i < DEPTH; i++)
		doc[n++] = ']';
	cr_assert_not(vsdk_json_load(j, doc, n, &e));
	cr_assert_str_eq(e.msg, "invalid JSON at byte 256: nested deeper than 256 levels");
	/* 256 levels are fine, and brackets inside strings do not count */
	n = 0;
	for (int i = 0; i < 255; i++)
		doc[n++] = '[';
	n += (size_t)sprintf(doc + n, "{\"k\":\"[[[[\\\"[[\"}");
	for (int i = 0; i < 255; i++)
		doc[n++] = ']';
	cr_assert(vsdk_json_load(j, doc, n, &e), "%s", e.msg);
	cr_assert_eq(vsdk_json_get_str(j, "a", &s, &e), VSDK_JSON_ABSENT);
	vsdk_json_free(j);
	free(doc);
}

Test(plugin_sdk, fields_json_round_trip)
{
	static const vsdk_field fields[] = {
		{"uint64", "x.count", "Count", "A \"quoted\" desc\twith tab", VSDK_FIELD_ADD_OUTPUT | VSDK_FIELD_LIST},
		{"string", "x.arg", NULL, "Keyed", VSDK_ARG_KEY | VSDK_ARG_REQUIRED | VSDK_FIELD_DOTTED_KEY |
							 VSDK_FIELD_HIDDEN | VSDK_FIELD_NO_TRANSFORM | VSDK_FIELD_FILTER_ONLY},
		{"int64", "x.delta", NULL, "Signed", VSDK_ARG_INDEX},
	};
	char small[16], buf[1024];
	vg_err err;
	vg_field_info *out;
	uint32_t n;
	cr_assert_null(vsdk_fields_json_into(fields, 3, small, sizeof(small)), "must not truncate");
	const char *json = vsdk_fields_json_into(fields, 3, buf, sizeof(buf));
	cr_assert_not_null(json);
	vg_arena *a = vg_arena_new(0);
	cr_assert_eq(vg_plugin_fields_parse(json, a, &out, &n, &err), VG_OK, "%s: %s", err.msg, json);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(out[0].desc, "A \"quoted\" desc\twith tab");
	cr_assert_str_eq(out[0].display, "Count");
	cr_assert_eq(out[0].flags, VG_FIELD_ADD_OUTPUT | VG_FIELD_LIST);
	cr_assert_eq(out[1].arg, VG_ARG_KEY | VG_ARG_REQUIRED | VG_ARG_DOTTED);
	cr_assert_eq(out[1].flags, VG_FIELD_HIDDEN | VG_FIELD_NO_TRANSFORM | VG_FIELD_FILTER_ONLY);
	cr_assert_eq(out[2].type, VG_FT_INT64);
	cr_assert_eq(out[2].arg, VG_ARG_INDEX);
	cr_assert_eq(out[2].id, 2);
	vg_arena_free(a);
}
