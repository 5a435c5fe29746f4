#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

static const char *escaped(vg_buf *b, const char *s, size_t n)
{
	vg_buf_reset(b);
	vg_json_put_str(b, s, n);
	return b->data;
}

Test(json_writer, escapes_controls_quotes_and_bad_utf8)
{
	vg_buf b;
	vg_buf_init(&b);
	cr_assert_str_eq(escaped(&b, "a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	cr_assert_str_eq(escaped(&b, "l1\nl2\t\x01", 7), "\"l1\\nl2\\t\\u0001\"");
	cr_assert_str_eq(escaped(&b, "caf\xc3\xa9", 5), "\"caf\xc3\xa9\"", "valid UTF-8 is kept");
	cr_assert_str_eq(escaped(&b, "x\xff y", 4), "\"x\xef\xbf\xbd y\"", "invalid byte becomes U+FFFD");
	cr_assert_str_eq(escaped(&b, "\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"", "overlong form rejected");
	cr_assert_str_eq(escaped(&b, "a\0b", 3), "\"a\\u0000b\"", "embedded NUL escaped");
	vg_buf_free(&b);
}

Test(json_reader, walks_objects_and_arrays)
{
	const char *doc = "{\"a\": 1, \"b\": [true, \"x\\u00e9\", {\"c\": null}], \"d\": -5}";
	vg_json j;
	vg_err e;
	cr_assert_eq(vg_json_parse(&j, doc, strlen(doc), 0, &e), VG_OK, "%s", e.msg);
	int64_t i;
	cr_assert(vg_json_int(&j, vg_json_get(&j, 0, "a"), &i));
	cr_assert_eq(i, 1);
	cr_assert(vg_json_int(&j, vg_json_get(&j, 0, "d"), &i));
	cr_assert_eq(i, -5);
	int arr = vg_json_get(&j, 0, "b");
	bool bv;
	cr_assert(vg_json_is_bool(&j, vg_json_at(&j, arr, 0), &bv) && bv);
	vg_buf s;
	vg_buf_init(&s);
	cr_assert(vg_json_str(&j, vg_json_at(&j, arr, 1), &s));
	cr_assert_str_eq(s.data, "x\xc3\xa9");
	cr_assert(vg_json_is_null(&j, vg_json_get(&j, vg_json_at(&j, arr, 2), "c")));
	cr_assert_eq(vg_json_get(&j, 0, "missing"), -1);
	cr_assert_eq(vg_json_at(&j, arr, 3), -1);
	vg_buf_free(&s);
	vg_json_free(&j);
}

Test(json_reader, surrogate_pairs_decode_to_utf8)
{
	const char *doc = "[\"\\ud83d\\ude00\", \"\\ud800\"]";
	vg_json j;
	cr_assert_eq(vg_json_parse(&j, doc, strlen(doc), 0, NULL), VG_OK);
	vg_buf s;
	vg_buf_init(&s);
	cr_assert(vg_json_str(&j, vg_json_at(&j, 0, 0), &s));
	cr_assert_str_eq(s.data, "\xf0\x9f\x98\x80");
	vg_buf_reset(&s);
	cr_assert(vg_json_str(&j, vg_json_at(&j, 0, 1), &s));
	cr_assert_str_eq(s.data, "\xef\xbf\xbd", "lone surrogate becomes U+FFFD");
	vg_buf_free(&s);
	vg_json_free(&j);
}

Test(json_reader, rejects_bad_documents_with_reasons)
{
	struct {
		const char *doc;
		const char *reason;
	} bad[] = {
		{ "{\"a\": ", "truncated" },
		{ "{\"a\" 1}", "invalid JSON" },
		{ "", "empty" },
		{ "[1] [2]", "after the JSON value" },
		{ "[tru]", "invalid JSON" },
		{ "[01]", "not a number" },
		{ "[1.]", "not a number" },
		{ "{\"a\": -}", "not a number" },
		{ "[nulls]", "not a number" },
		{ "{\"a\" \"b\"}", "without a key and value" },
		{ "{\"a\": 1, \"b\"}", "without a key and value" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vg_json j;
		vg_err e;
		vg_err_clear(&e);
		cr_assert_neq(vg_json_parse(&j, bad[i].doc, strlen(bad[i].doc), 0, &e), VG_OK, "%s", bad[i].doc);
		cr_assert(strstr(e.msg, bad[i].reason), "'%s' -> '%s'", bad[i].doc, e.msg);
	}
}

Test(json_reader, bounds_nesting_depth)
{
	char doc[2001];
	memset(doc, '[', 1000);
	memset(doc + 1000, ']', 1000);
	doc[2000] = '\0';
	vg_json j;
	vg_err e;
	cr_assert_eq(vg_json_parse(&j, doc, 2000, 100, &e), VG_ERR_LIMIT);
	cr_assert_eq(vg_json_parse(&j, doc, 2000, 1000, &e), VG_OK, "%s", e.msg);
	vg_json_free(&j);
}

Test(json_reader, grows_token_array_for_large_documents)
{
	vg_buf b;
	vg_buf_init(&b);
	vg_buf_putc(&b, '[');
	for (int i = 0; i < 5000; i++)
		vg_buf_printf(&b, "%s%d", i ? "," : "", i);
	vg_buf_putc(&b, ']');
	vg_json j;
	cr_assert_eq(vg_json_parse(&j, b.data, b.len, 0, NULL), VG_OK);
	uint64_t v;
	cr_assert(vg_json_uint(&j, vg_json_at(&j, 0, 4999), &v));
	cr_assert_eq(v, 4999);
	vg_json_free(&j);
	vg_buf_free(&b);
}

Test(json_reader, accepts_every_number_form)
{
	const char *doc = "[0, -0, 12, -3.25, 1e5, 2E-3, 6.02e+23, true, false, null]";
	vg_json j;
	vg_err e;
	cr_assert_eq(vg_json_parse(&j, doc, strlen(doc), 0, &e), VG_OK, "%s", e.msg);
	vg_json_free(&j);
}

Test(json_reader, deep_nesting_is_refused_before_tokenizing, .timeout = 5)
{
	/* 200k levels would take jsmn minutes (tokens x depth); the pre-scan answers at once. */
	size_t n = 200000;
	char *doc = malloc(2 * n);
	memset(doc, '[', n);
	memset(doc + n, ']', n);
	vg_json j;
	vg_err e;
	cr_assert_eq(vg_json_parse(&j, doc, 2 * n, 0, &e), VG_ERR_LIMIT);
	cr_assert(strstr(e.msg, "nested too deeply"), "%s", e.msg);
	free(doc);
}

Test(json_reader, brackets_inside_strings_do_not_count_as_nesting)
{
	const char *doc = "{\"a\": \"[[[[[[[[[[\\\"{{{{{{\"}";
	vg_json j;
	vg_err e;
	cr_assert_eq(vg_json_parse(&j, doc, strlen(doc), 2, &e), VG_OK, "%s", e.msg);
	vg_json_free(&j);
}
