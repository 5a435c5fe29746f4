/* The json extractor: JSON pointers, pretty-printed documents, raw time, jevt.* aliases. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tplugin.h"

static tplugin P;

static void setup(void)
{
	tplugin_load(&P, "json", NULL);
}

static void teardown(void)
{
	tplugin_unload(&P);
}

TestSuite(json_plugin, .init = setup, .fini = teardown);

static const char DOC[] =
	"{ \"stage\": \"ResponseComplete\", \"a/b\": 1, \"m~n\": [true, null, 2.5e3],\n"
	"  \"obj\": {\"x\": [ {\"y\": \"deep\"} ], \"empty\": {}, \"none\": []},\n"
	"  \"esc\": \"line\\nbreak \\u00e9\", \"\": \"blank key\", \"0\": \"zero key\" }";

static const char *get(ss_plugin_event *e, const char *field, const char *arg)
{
	return tplugin_extract1(&P, e, 1, field, arg);
}

Test(json_plugin, pointers)
{
	ss_plugin_event *e = tplugin_event(DOC, strlen(DOC), 42);
	cr_expect_str_eq(get(e, "json.value", "/stage"), "ResponseComplete");
	cr_expect_str_eq(get(e, "jevt.value", "/stage"), "ResponseComplete");
	cr_expect_str_eq(get(e, "json.value", "stage"), "ResponseComplete", "leading / optional");
	cr_expect_str_eq(get(e, "json.value", "/a~1b"), "1");
	cr_expect_str_eq(get(e, "json.value", "/m~0n/0"), "true");
	cr_expect_str_eq(get(e, "json.value", "/m~0n/1"), "null");
	cr_expect_str_eq(get(e, "json.value", "/m~0n/2"), "2.5e3");
	cr_expect_str_eq(get(e, "json.value", "/m~0n"), "[true,null,2.5e3]");
	cr_expect_str_eq(get(e, "json.value", "/obj/x/0/y"), "deep");
	cr_expect_str_eq(get(e, "json.value", "/obj/empty"), "{}");
	cr_expect_str_eq(get(e, "json.value", "/esc"), "line\nbreak \xc3\xa9");
	cr_expect_str_eq(get(e, "json.value", "/"), "blank key");
	cr_expect_str_eq(get(e, "json.value", "/0"), "zero key", "digits are keys on objects");
	cr_expect_null(get(e, "json.value", "/m~0n/3"));
	cr_expect_null(get(e, "json.value", "/m~0n/01"), "no leading zeros");
	cr_expect_null(get(e, "json.value", "/m~0n/-"));
	cr_expect_null(get(e, "json.value", "/missing"));
	cr_expect_null(get(e, "json.value", "/stage/x"));
	cr_expect_null(get(e, "json.value", "/a~2b"), "bad escape");
	const char *root = get(e, "json.value", "");
	cr_assert_not_null(root);
	cr_expect_eq(root[0], '{');
	cr_expect(strstr(root, "\"stage\":\"ResponseComplete\",\"a/b\":1") != NULL, "%s", root);
	free(e);
}

Test(json_plugin, obj_and_rawtime)
{
	const char doc[] = "{\"a\":[1,{\"b\":\"x, y: z\"}],\"c\":{},\"d\":[]}";
	ss_plugin_event *e = tplugin_event(doc, strlen(doc), 1714557600123456789ull);
	cr_expect_str_eq(get(e, "json.obj", NULL),
			 "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"x, y: z\"\n    }\n  ],\n"
			 "  \"c\": {},\n  \"d\": []\n}");
	cr_expect_str_eq(get(e, "jevt.obj", NULL), get(e, "json.obj", NULL));
	cr_expect_str_eq(get(e, "json.rawtime", NULL), "1714557600123456789");
	cr_expect_str_eq(get(e, "jevt.rawtime", NULL), "1714557600123456789");
	free(e);
}

Test(json_plugin, not_json_fails)
{
	const char *bad[] = {"hello", "", " {\"a\":1}", "{\"a\":", "[1,2", "{\"a\":tru}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ss_plugin_event *e = tplugin_event(bad[i], strlen(bad[i]), 1);
		const char **vals;
		cr_expect_eq(tplugin_extract(&P, e, 10 + i, "json.value", "/a", &vals), -1, "'%s'", bad[i]);
		free(e);
	}
	cr_expect(strstr(P.get_last_error(P.state), "json") != NULL);
}

Test(json_plugin, identity)
{
	cr_expect_str_eq(P.get_name(), "json");
	cr_expect_str_eq(P.get_extract_event_sources(), "[]");
	cr_expect(strstr(P.get_fields(), "\"name\":\"jevt.value\"") != NULL);
	cr_expect_str_eq(P.get_required_api_version(), "3.0.0");
	cr_expect_null(P.open, "extract-only");
}
