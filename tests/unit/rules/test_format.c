/* Alert formatting: output text (tokens, width, <NA>, transformers, sanitising) and the typed
 * output_fields JSON, byte for byte; append_output and static_fields; the per-event field cache. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "rules_testlib.h"

static vg_rules *R;
static vg_rules_result *RES;
static vg_err ERR;
static vg_buf MSG, JSON;

static void setup(void)
{
	vg_buf_init(&MSG);
	vg_buf_init(&JSON);
}

static void cleanup(void)
{
	vg_rules_free(R);
	vg_rules_result_free(RES);
	R = NULL;
	RES = NULL;
	vg_buf_free(&MSG);
	vg_buf_free(&JSON);
}

TestSuite(format, .init = setup, .fini = cleanup);

static void render_cb(const vg_rule *rule, vg_evctx *ev, void *ud)
{
	vg_ruleset_format(rule, ud, ev, &MSG, &JSON);
}

/* Loads one rule with this output and formats it on t. */
static vg_rc render(const char *output, const vg_rules_opts *opts, tev *t)
{
	vg_rules_free(R);
	vg_rules_result_free(RES);
	char yaml[4096];
	snprintf(yaml, sizeof(yaml),
		 "- rule: R\n  desc: d\n  condition: t.u64 exists or not t.u64 exists\n  priority: INFO\n"
		 "  tags: [x, y]\n  output: |\n    %s\n",
		 output);
	vg_rc rc = tl_load(yaml, opts, &R, &RES, &ERR);
	if (rc)
		return rc;
	vg_ruleset *rs = vg_rules_ruleset(R, "syscall");
	vg_ruleset_state *st = vg_ruleset_state_new(rs);
	ss_plugin_event hdr;
	vg_evctx ev;
	tl_event(t, &hdr, &ev);
	cr_assert_eq(vg_ruleset_match(rs, st, &ev, render_cb, st), 1);
	vg_ruleset_state_free(st);
	return VG_OK;
}

Test(format, text_and_json_byte_for_byte)
{
	tev t = { .str = "bash", .has_i64 = true, .i64 = -3, .has_u64 = true, .u64 = 7, .has_b = true, .b = false,
		  .iplen = 4, .ip = { 10, 0, 0, 1 }, .list = { "g1", "g2" }, .nlist = 2, .anc = { "sh", "init" },
		  .nanc = 2, .ts = 1700000011726060287ull };
	cr_assert_eq(render("Shell (name=%t.str i=%t.i64 u=%t.u64 b=%t.b ip=%t.ip l=%t.list a=%t.aname[1] "
			    "miss=%t.str2 lower=%toupper(t.str))",
			    NULL, &t),
		     VG_OK, "%s", ERR.msg);
	cr_assert_str_eq(MSG.data, "Shell (name=bash i=-3 u=7 b=false ip=10.0.0.1 l=(g1,g2) a=init miss=<NA> lower=BASH)");
	cr_assert_str_eq(JSON.data, "{\"evt.time\":1700000011726060287,\"t.aname[1]\":\"init\",\"t.b\":false,"
				    "\"t.i64\":-3,\"t.ip\":\"10.0.0.1\",\"t.list\":[\"g1\",\"g2\"],\"t.str\":\"bash\","
				    "\"t.str2\":null,\"t.u64\":7}");
}

Test(format, longest_prefix_width_and_sanitising)
{
	tev t = { .str = "a\tb\x01\xff", .str2 = "abcdefgh", .arg_key = "flags", .arg_val = "O_RDONLY" };
	cr_assert_eq(render("(%t.str2) [%4t.str2] [%10t.str2] %t.arg.flags. %t.str", NULL, &t), VG_OK, "%s", ERR.msg);
	cr_assert_str_eq(MSG.data, "(abcdefgh) [abcd] [abcdefgh  ] O_RDONLY. a\\tb\\u0001\xef\xbf\xbd");
	cr_assert_str_eq(JSON.data, "{\"evt.time\":0,\"t.arg.flags\":\"O_RDONLY\",\"t.str\":\"a\\tb\\u0001\xef\xbf\xbd\","
				    "\"t.str2\":\"abcdefgh\"}");
}

Test(format, container_info_is_removed)
{
	tev t = { .str = "x" };
	cr_assert_eq(render("o=%t.str %container.info end", NULL, &t), VG_OK, "%s", ERR.msg);
	cr_assert_str_eq(MSG.data, "o=x end");
}

Test(format, output_errors)
{
	tev t = { 0 };
	cr_assert_neq(render("trailing %", NULL, &t), VG_OK);
	cr_assert(strstr(ERR.msg, "'%' at the end") != NULL, "%s", ERR.msg);
	cr_assert_neq(render("50% off", NULL, &t), VG_OK);
	cr_assert(strstr(ERR.msg, "LOAD_ERR") == NULL && strstr(ERR.msg, "unknown field") != NULL, "%s", ERR.msg);
	cr_assert_neq(render("%t.filt", NULL, &t), VG_OK);
	cr_assert(strstr(ERR.msg, "cannot be used in outputs") != NULL, "%s", ERR.msg);
	cr_assert_neq(render("%t.aname[1", NULL, &t), VG_OK);
}

Test(format, append_output_and_static_fields)
{
	static const char *const tags[] = { "x" };
	static const char *const other_tags[] = { "zz" };
	vg_rules_kv extra[] = { { "t.str2", NULL }, { "custom", "%t.str/%t.u64" } };
	vg_rules_append_output ao[] = {
		{ .extra_output = "extra=%t.str2", .extra_fields = extra, .nextra_fields = 2, .match_tags = tags,
		  .nmatch_tags = 1, .match_source = "syscall" },
		{ .extra_output = "never", .match_tags = other_tags, .nmatch_tags = 1 },
		{ .extra_output = "nor-this", .match_rule = "Other" },
		{ .suggested_output = true, .match_rule = "R" },
	};
	vg_rules_kv stat[] = { { "env", "prod" } };
	vg_rules_opts o;
	tl_opts(&o);
	o.append_output = ao;
	o.nappend_output = 4;
	o.static_fields = stat;
	o.nstatic_fields = 1;
	tev t = { .str = "s", .str2 = "s2", .has_u64 = true, .u64 = 5, .ts = 9 };
	cr_assert_eq(render("msg", &o, &t), VG_OK, "%s", ERR.msg);
	cr_assert_str_eq(MSG.data, "msg extra=s2 t_str=s");
	cr_assert_str_eq(JSON.data, "{\"custom\":\"s/5\",\"evt.time\":9,\"static.env\":\"prod\",\"t.str\":\"s\","
				    "\"t.str2\":\"s2\"}");
}

static uint32_t counted_calls;

static void count_cb(const vg_rule *rule, vg_evctx *ev, void *ud)
{
	vg_ruleset_format(rule, ud, ev, &MSG, &JSON);
	counted_calls = ((tev *)ev->source_ud)->calls;
}

Test(format, each_field_extracted_once_per_event)
{
	vg_rules_opts o;
	tl_opts(&o);
	o.matching = VG_RULE_MATCHING_ALL;
	cr_assert_eq(tl_load("- rule: A\n  desc: d\n  condition: t.str = a and t.u64 > 1\n  output: \"%t.str %t.u64\"\n  priority: INFO\n"
			     "- rule: B\n  desc: d\n  condition: t.str startswith a and t.u64 < 9\n  output: \"%t.str %t.str2\"\n  priority: INFO\n",
			     &o, &R, &RES, &ERR),
		     VG_OK, "%s", ERR.msg);
	vg_ruleset *rs = vg_rules_ruleset(R, "syscall");
	vg_ruleset_state *st = vg_ruleset_state_new(rs);
	for (int round = 0; round < 3; round++) {
		tev t = { .str = "a", .str2 = "b", .has_u64 = true, .u64 = 5 };
		ss_plugin_event hdr;
		vg_evctx ev;
		tl_event(&t, &hdr, &ev);
		cr_assert_eq(vg_ruleset_match(rs, st, &ev, count_cb, st), 2);
		cr_assert_eq(t.calls, 3, "t.str, t.u64, t.str2 once each (round %d): %u", round, t.calls);
		cr_assert_str_eq(MSG.data, "a b");
	}
	cr_assert_eq(vg_ruleset_state_extractions(st), 9);
	vg_ruleset_state_free(st);
}
