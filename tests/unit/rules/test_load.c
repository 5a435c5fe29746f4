/* Rules files: items, lists (textual expansion), macros (ordering), append/override, exceptions,
 * warnings, errors with file:line:col, selectors, priority threshold, matching modes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <vigil/scap_events.h>

#include "rules_testlib.h"

static vg_rules *R;
static vg_rules_result *RES;
static vg_err ERR;

static void cleanup(void)
{
	vg_rules_free(R);
	vg_rules_result_free(RES);
	R = NULL;
	RES = NULL;
}

TestSuite(rules_load, .fini = cleanup);

static vg_rc load(const char *yaml)
{
	cleanup();
	return tl_load(yaml, NULL, &R, &RES, &ERR);
}

static vg_rc load_opts(const char *yaml, const vg_rules_opts *o)
{
	cleanup();
	return tl_load(yaml, o, &R, &RES, &ERR);
}

#define RULE(name, cond) "- rule: " name "\n  desc: d\n  output: o\n  priority: WARNING\n  condition: " cond "\n"

static const char *cond_of(const char *name)
{
	static char text[4096];
	const vg_rule *r = vg_rules_find(R, name);
	cr_assert_not_null(r, "no rule %s", name);
	vg_buf b;
	vg_buf_init(&b);
	snprintf(text, sizeof(text), "%s", r->condition);
	vg_buf_free(&b);
	return text;
}

Test(rules_load, basic_rule_and_listing)
{
	cr_assert_eq(load("- required_engine_version: 0.57.0\n"
			  "- rule: Shell\n  desc: A shell\n  condition: t.str = bash\n  output: shell %t.str\n"
			  "  priority: notice\n  tags: [a, b, a]\n"),
		     VG_OK, "%s", ERR.msg);
	cr_assert_eq(vg_rules_count(R), 1);
	const vg_rule *r = vg_rules_at(R, 0);
	cr_assert_str_eq(r->name, "Shell");
	cr_assert_eq(r->priority, VG_PRIO_NOTICE);
	cr_assert_eq(r->ntags, 2, "tags are a set");
	cr_assert_str_eq(r->source, "syscall");
	cr_assert(r->enabled && r->loaded);
	tev t = { .str = "bash" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Shell");
	t.str = "zsh";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	vg_buf b;
	vg_buf_init(&b);
	vg_rules_list_text(R, &b);
	cr_assert_str_eq(b.data, "Shell | Notice | syscall | enabled | a,b\n");
	vg_buf_reset(&b);
	vg_rules_list_json(R, &b);
	cr_assert_str_eq(b.data, "[{\"rule\":\"Shell\",\"desc\":\"A shell\",\"priority\":\"Notice\",\"source\":\"syscall\","
				 "\"tags\":[\"a\",\"b\"],\"enabled\":true,\"loaded\":true}]");
	vg_buf_reset(&b);
	cr_assert_eq(vg_rules_describe(R, "Shell", &b), VG_OK);
	cr_assert(strstr(b.data, "Condition: t.str = bash\n") != NULL, "%s", b.data);
	cr_assert_eq(vg_rules_describe(R, "Nope", &b), VG_ERR_NOTFOUND);
	vg_buf_free(&b);
}

Test(rules_load, list_expansion)
{
	cr_assert_eq(load("- list: shells\n  items: [bash, sh]\n"
			  "- list: more\n  items: [shells, 'with space', zsh]\n"
			  "- list: empty\n  items: []\n"
			  "- list: later_used_early\n  items: [x]\n"
			  RULE("r1", "t.str in (more)")
			  RULE("r2", "t.str in (empty, shells)")
			  RULE("r3", "t.str in (shells, empty)")
			  RULE("r4", "t.str in (empty)")
			  RULE("r5", "t.str in (later_used_early)")),
		     VG_OK, "%s", ERR.msg);
	tev t = { .str = "with space" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "r1");
	t.str = "sh";
	vg_rules_opts o;
	tl_opts(&o);
	o.matching = VG_RULE_MATCHING_ALL;
	const char *yaml = "- list: shells\n  items: [bash, sh]\n- list: empty\n  items: []\n"
			   RULE("r2", "t.str in (empty, shells)") RULE("r3", "t.str in (shells, empty)")
				   RULE("r4", "t.str in (empty)");
	cr_assert_eq(load_opts(yaml, &o), VG_OK, "%s", ERR.msg);
	cr_assert_str_eq(tl_match(R, "syscall", &t), "r2,r3");
	cr_assert_neq(load("- list: shells\n  items: [bash, sh]\n" RULE("r5", "t.str=shells")), VG_OK,
		      "textual expansion after '=' yields 'bash, sh', like upstream");
}

Test(rules_load, list_of_list_defined_later_is_not_expanded)
{
	cr_assert_eq(load("- list: a\n  items: [b_list, x]\n- list: b_list\n  items: [y]\n" RULE("r", "t.str in (a)")),
		     VG_OK, "%s", ERR.msg);
	tev t = { .str = "y" };
	/* a = "b_list, x", then b_list is substituted textually in the condition too */
	cr_assert_str_eq(tl_match(R, "syscall", &t), "r");
	t.str = "b_list";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
}

Test(rules_load, list_redefinition_and_append)
{
	cr_assert_eq(load("- list: l\n  items: [a]\n- list: l\n  items: [b]\n- list: l\n  items: [c]\n  append: true\n"
			  "- list: l\n  items: [d]\n  override: {items: append}\n" RULE("r", "t.str in (l)")),
		     VG_OK, "%s", ERR.msg);
	tev t = { .str = "a" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "", "redefinition replaces items");
	t.str = "d";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "r");
	t.str = "c";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "r");
	cr_assert(tl_has_diag(RES, VG_LOAD_DEPRECATED_ITEM, "rules.yaml:5:3: list 'l'"), "%s", tl_diags(RES));
}

Test(rules_load, macros_and_ordering)
{
	cr_assert_eq(load("- macro: m1\n  condition: t.str = a\n- macro: m2\n  condition: m1 or t.str = b\n"
			  RULE("r", "m2 and not m1")),
		     VG_OK, "%s", ERR.msg);
	tev t = { .str = "b" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "r");
	t.str = "a";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	cr_assert_neq(load("- macro: m2\n  condition: m1 or t.str = b\n- macro: m1\n  condition: t.str = a\n"
			   RULE("r", "m2")),
		      VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:2:14: macro 'm2': Undefined macro 'm1' used in filter.");
	cr_assert_neq(load(RULE("r", "nosuch and t.str = x")), VG_OK);
	cr_assert(strstr(ERR.msg, "Undefined macro 'nosuch'") != NULL, "%s", ERR.msg);
}

Test(rules_load, redefined_macro_may_use_macros_defined_before_its_last_definition)
{
	cr_assert_eq(load("- macro: user_known\n  condition: t.str = never\n- macro: helper\n  condition: t.str = b\n"
			  "- macro: user_known\n  condition: helper\n" RULE("R", "t.str exists and not user_known")),
		     VG_OK, "%s", ERR.msg);
	tev t = { .str = "b" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	t.str = "c";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "R");
	cr_assert_neq(load("- macro: a\n  condition: t.str = x\n- macro: a\n  condition: a and t.str2 = y\n" RULE("R", "a")),
		      VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:4:14: macro 'a': Macro refers to itself");
	cr_assert_neq(load("- macro: a\n  condition: t.str = x\n- macro: b\n  condition: a\n- macro: a\n  condition: b\n"
			   RULE("R", "a")),
		      VG_OK);
	cr_assert(strstr(ERR.msg, "refers to itself") != NULL, "%s", ERR.msg);
}

Test(rules_load, rule_may_use_macro_defined_after_it)
{
	cr_assert_eq(load(RULE("r", "m") "- macro: m\n  condition: t.str = a\n"), VG_OK, "%s", ERR.msg);
}

Test(rules_load, macro_from_later_file_fails_at_earlier_file)
{
	const char *names[] = { "a.yaml", "b.yaml" };
	const char *files[] = { RULE("r", "m"), "- macro: m\n  condition: t.str = a\n" };
	cleanup();
	cr_assert_neq(tl_load_files(names, files, 2, NULL, &R, &RES, &ERR), VG_OK);
	cr_assert(strstr(ERR.msg, "a.yaml:5:14: rule 'r': Undefined macro 'm'") != NULL, "%s", ERR.msg);
	const char *files2[] = { "- macro: m\n  condition: t.str = a\n", RULE("r", "m") };
	cleanup();
	cr_assert_eq(tl_load_files(names, files2, 2, NULL, &R, &RES, &ERR), VG_OK, "%s", ERR.msg);
}

Test(rules_load, errors_name_file_line_col)
{
	cr_assert_neq(load("- list: x\n  items: [a]\n" RULE("Bad", "t.str = a and t.nope = b")), VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:7:14: rule 'Bad': condition: unknown field 't.nope' at 1:15");
	cr_assert(tl_has_diag(RES, VG_LOAD_ERR_COMPILE_CONDITION, "t.nope"));
	cr_assert_neq(load("- rule: R\n  desc: d\n  condition: t.str = a\n  output: bad %t.nope\n  priority: INFO\n"), VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:4:11: rule 'R': output: invalid formatting token '%t.nope': unknown field");
	cr_assert_neq(load("- rule: R\n  desc: d\n  condition: t.str = a\n  output: o\n  priority: LOUD\n"), VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:5:13: rule 'R': Invalid priority level: LOUD");
	cr_assert_neq(load("- rule: R\n  desc: d\n  output: o\n  priority: INFO\n"), VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:1:3: rule 'R': Item has no mapping for key 'condition'");
	cr_assert_neq(load("- rule: R\n  desc: [d\n"), VG_OK);
	cr_assert(strstr(ERR.msg, "rules.yaml:3:1: ") == ERR.msg, "%s", ERR.msg);
	cr_assert(tl_has_diag(RES, VG_LOAD_ERR_YAML_PARSE, ""));
	cr_assert_neq(load("rule: R\n"), VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:1:1: Rules content is not yaml array of objects");
	cr_assert_neq(load(RULE("R", "t.str = (")), VG_OK);
	cr_assert(strstr(ERR.msg, "rules.yaml:5:14: rule 'R': condition: ") == ERR.msg, "%s", ERR.msg);
	cr_assert_neq(load("- macro: m\n  condition: t.str = a and\n    t.bad = 1\n" RULE("R", "m")), VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:8:14: rule 'R': condition: unknown field 't.bad' at 1:15 of macro 'm'");
	cr_assert_neq(load(RULE("R", "evt.type = bogus")), VG_OK);
	cr_assert(strstr(ERR.msg, "unknown event type 'bogus'") != NULL, "%s", ERR.msg);
}

Test(rules_load, warnings_do_not_stop_loading)
{
	cr_assert_eq(load("- list: unused_l\n  items: [a]\n- macro: unused_m\n  condition: t.str = a\n"
			  "- macro: bad-name\n  condition: t.str = a\n"
			  "- whatever: 1\n"
			  "- rule: R\n  desc: d\n  condition: t.str = a\n  output: o\n  priority: INFO\n  color: blue\n"
			  "- rule: K\n  desc: d\n  condition: t.str = a\n  output: o\n  priority: INFO\n  source: k8s\n"),
		     VG_OK, "%s", ERR.msg);
	cr_assert(tl_has_diag(RES, VG_LOAD_UNUSED_LIST, "rules.yaml:1:3: list 'unused_l'"), "%s", tl_diags(RES));
	cr_assert(tl_has_diag(RES, VG_LOAD_UNUSED_MACRO, "macro 'unused_m'"));
	cr_assert(tl_has_diag(RES, VG_LOAD_INVALID_MACRO_NAME, "bad-name"));
	cr_assert(tl_has_diag(RES, VG_LOAD_UNKNOWN_ITEM, "rules.yaml:7:3"));
	cr_assert(tl_has_diag(RES, VG_LOAD_UNKNOWN_KEY, "Unknown key 'color'"));
	cr_assert(tl_has_diag(RES, VG_LOAD_UNKNOWN_SOURCE, "rule 'K'"));
	cr_assert(tl_has_diag(RES, VG_LOAD_NO_EVTTYPE, "rule 'R'"));
	cr_assert_not(vg_rules_find(R, "K")->loaded);
	cr_assert(vg_rules_result_ok(RES));
	vg_buf b;
	vg_buf_init(&b);
	vg_rules_result_json(RES, &b);
	cr_assert(strstr(b.data, "{\"falco_load_results\":[{\"name\":\"rules.yaml\",\"successful\":true,\"errors\":[],"
				 "\"warnings\":[{\"code\":\"LOAD_INVALID_MACRO_NAME\"") == b.data,
		  "%s", b.data);
	cr_assert(strstr(b.data, "{\"code\":\"LOAD_INVALID_MACRO_NAME\",\"codedesc\":\"Invalid macro name\",\"message\":"
				 "\"Macro has an invalid name\",\"context\":{\"locations\":[{\"item_type\":\"macro\","
				 "\"item_name\":\"bad-name\",\"position\":{\"name\":\"rules.yaml\",\"line\":5,\"column\":3,"
				 "\"offset\":73}}],\"snippet\":\"\"}}") != NULL,
		  "%s", b.data);
	vg_buf_free(&b);
}

Test(rules_load, rule_redefinition_keeps_position)
{
	vg_rules_opts o;
	tl_opts(&o);
	o.matching = VG_RULE_MATCHING_ALL;
	cr_assert_eq(load_opts(RULE("A", "t.str = a") RULE("B", "t.str exists") RULE("A", "t.str = x"), &o), VG_OK,
		     "%s", ERR.msg);
	cr_assert_eq(vg_rules_count(R), 2);
	cr_assert_str_eq(vg_rules_at(R, 0)->name, "A");
	tev t = { .str = "x" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "A,B");
	cr_assert_neq(load(RULE("A", "t.str = a") "- rule: A\n  desc: d\n  output: o\n  priority: INFO\n  condition: "
								     "t.str = a\n  source: plugsrc\n"),
		      VG_OK);
	cr_assert(strstr(ERR.msg, "re-defined with a different source") != NULL, "%s", ERR.msg);
}

Test(rules_load, legacy_append_is_textual)
{
	cr_assert_eq(load(RULE("R", "t.str = a or t.str = b") "- rule: R\n  condition: and not t.str2 = c\n  append: true\n"),
		     VG_OK, "%s", ERR.msg);
	cr_assert_str_eq(cond_of("R"), "t.str = a or t.str = b and not t.str2 = c");
	tev t = { .str = "a", .str2 = "c" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "R", "A or (B and not C)");
	cr_assert(tl_has_diag(RES, VG_LOAD_DEPRECATED_ITEM, "rule 'R'"));
	cr_assert_neq(load("- rule: R\n  condition: x\n  append: true\n"), VG_OK);
	cr_assert(strstr(ERR.msg, "no rule by that name already exists") != NULL, "%s", ERR.msg);
	cr_assert_neq(load(RULE("R", "t.str = a") "- rule: R\n  condition: x\n  append: true\n  override: {condition: append}\n"),
		      VG_OK);
	cr_assert(strstr(ERR.msg, "cannot be used together") != NULL, "%s", ERR.msg);
}

Test(rules_load, override_append_and_replace)
{
	cr_assert_eq(load("- rule: R\n  desc: d\n  output: out\n  priority: WARNING\n  condition: t.str = a\n  tags: [x]\n"
			  "- rule: R\n  condition: and t.str2 = b\n  priority: ERROR\n  output: more\n  tags: [y]\n"
			  "  override: {condition: append, priority: replace, output: append, tags: append}\n"),
		     VG_OK, "%s", ERR.msg);
	const vg_rule *r = vg_rules_find(R, "R");
	cr_assert_str_eq(r->condition, "t.str = a and t.str2 = b");
	cr_assert_str_eq(r->output, "out more");
	cr_assert_eq(r->priority, VG_PRIO_ERROR);
	cr_assert_eq(r->ntags, 2);
	cr_assert_neq(load(RULE("R", "t.str = a") "- rule: R\n  condition: and x\n  priority: ERROR\n"
						  "  override: {condition: append}\n"),
		      VG_OK);
	cr_assert(strstr(ERR.msg, "Unexpected key 'priority'") != NULL, "%s", ERR.msg);
	cr_assert_neq(load(RULE("R", "t.str = a") "- rule: R\n  override: {enabled: replace}\n"), VG_OK);
	cr_assert(strstr(ERR.msg, "key is missing") != NULL, "%s", ERR.msg);
	cr_assert_neq(load(RULE("R", "t.str = a") "- rule: R\n  priority: INFO\n  override: {priority: append}\n"), VG_OK);
	cr_assert(strstr(ERR.msg, "cannot be appended") != NULL, "%s", ERR.msg);
	cr_assert_neq(load("- rule: Q\n  enabled: false\n  override: {enabled: replace}\n"), VG_OK);
	cr_assert(strstr(ERR.msg, "no rule by that name") != NULL, "%s", ERR.msg);
}

Test(rules_load, enabled_toggles)
{
	cr_assert_eq(load(RULE("R", "t.str = a") "- rule: R\n  enabled: false\n"), VG_OK, "%s", ERR.msg);
	cr_assert_not(vg_rules_find(R, "R")->enabled);
	cr_assert(tl_has_diag(RES, VG_LOAD_DEPRECATED_ITEM, "standalone 'enabled'"));
	tev t = { .str = "a" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	cr_assert_eq(load(RULE("R", "t.str = a") "- rule: R\n  enabled: false\n  override: {enabled: replace}\n"), VG_OK);
	cr_assert_not(vg_rules_find(R, "R")->enabled);
	cr_assert_neq(load("- rule: R\n  desc: d\n  condition: t.nope = 1\n  output: o\n  priority: INFO\n  enabled: false\n"),
		      VG_OK, "disabled rules are still compiled");
}

Test(rules_load, exceptions_expand)
{
	cr_assert_eq(load("- list: backup_dirs\n  items: [/srv, /backup]\n"
			  "- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.str exists\n"
			  "  exceptions:\n"
			  "    - name: pairs\n      fields: [t.str, t.str2]\n      comps: [=, pmatch]\n"
			  "      values: [[backup, /var/lib], [rsync, backup_dirs], ['a b', [/x, /y]]]\n"
			  "    - name: names\n      fields: t.str\n      values: [cron, 'with space']\n"
			  "    - name: empty\n      fields: [t.str]\n"),
		     VG_OK, "%s", ERR.msg);
	tev t = { .str = "backup", .str2 = "/var/lib/x" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	t.str2 = "/home";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "R");
	t.str = "rsync";
	t.str2 = "/backup/1";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "", "list names inside values expand");
	t.str = "a b";
	t.str2 = "/y";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "", "tuple element as a list");
	t.str = "with space";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	t.str = "cron";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	t.str = "other";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "R");
}

Test(rules_load, exceptions_append_and_errors)
{
	cr_assert_eq(load("- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.str exists\n"
			  "  exceptions:\n    - name: e\n      fields: [t.str]\n      values: [[a]]\n"
			  "    - name: e\n      fields: [t.str]\n"
			  "- rule: R\n  exceptions:\n    - name: e\n      values: [[b]]\n    - name: e2\n      fields: t.str2\n"
			  "      comps: pmatch\n      values: [/tmp]\n  override: {exceptions: append}\n"
			  "- rule: R\n  exceptions:\n    - name: e\n  override: {exceptions: append}\n"),
		     VG_OK, "%s", ERR.msg);
	cr_assert(tl_has_diag(RES, VG_LOAD_EXCEPTION_NAME_NOT_UNIQUE, "exception 'e'"), "%s", tl_diags(RES));
	cr_assert(tl_has_diag(RES, VG_LOAD_APPEND_NO_VALUES, "exception 'e'"));
	tev t = { .str = "b" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	t.str = "c";
	t.str2 = "/tmp/x";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	t.str2 = "/var";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "R");
	cr_assert_neq(load("- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.str exists\n"
			   "  exceptions:\n    - name: e\n      fields: [t.str, t.str2]\n      comps: [=]\n"),
		      VG_OK);
	cr_assert(strstr(ERR.msg, "same length") != NULL, "%s", ERR.msg);
	cr_assert_neq(load("- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.str exists\n"
			   "  exceptions:\n    - name: e\n      fields: t.str\n      comps: =\n"),
		      VG_OK);
	cr_assert(strstr(ERR.msg, "must be in, pmatch, intersects") != NULL, "%s", ERR.msg);
	cr_assert_neq(load("- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.str exists\n"
			   "  exceptions:\n    - name: e\n      fields: [t.str]\n      comps: [like]\n"),
		      VG_OK);
	cr_assert(strstr(ERR.msg, "invalid comparison operator 'like'") != NULL, "%s", ERR.msg);
	cr_assert_neq(load("- rule: R\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.str exists\n"
			   "  exceptions:\n    - name: e\n      fields: [t.str, t.str2]\n      values: [[a]]\n"),
		      VG_OK);
	cr_assert(strstr(ERR.msg, "list of 2 elements") != NULL, "%s", ERR.msg);
}

Test(rules_load, selectors_priority_and_matching)
{
	const char *yaml = "- rule: Net one\n  desc: d\n  output: o\n  priority: WARNING\n  condition: t.str = a\n  tags: [net]\n"
			   "- rule: Net two\n  desc: d\n  output: o\n  priority: DEBUG\n  condition: t.str = a and t.str2 exists\n"
			   "- rule: File\n  desc: d\n  output: o\n  priority: ERROR\n  condition: t.str = a\n  enabled: false\n";
	vg_rules_opts o;
	tl_opts(&o);
	o.matching = VG_RULE_MATCHING_ALL;
	vg_rules_selector sel[] = { { .enable = false, .rule = "*" }, { .enable = true, .rule = "Net*" },
				    { .enable = false, .tag = "net" }, { .enable = true, .rule = "File" } };
	o.selectors = sel;
	o.nselectors = 4;
	cr_assert_eq(load_opts(yaml, &o), VG_OK, "%s", ERR.msg);
	tev t = { .str = "a", .str2 = "z" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Net two,File");
	o.min_priority = VG_PRIO_WARNING;
	cr_assert_eq(load_opts(yaml, &o), VG_OK, "%s", ERR.msg);
	cr_assert_str_eq(tl_match(R, "syscall", &t), "File", "debug is below the threshold");
	o.nselectors = 0;
	o.min_priority = VG_PRIO_DEBUG;
	o.matching = VG_RULE_MATCHING_FIRST;
	cr_assert_eq(load_opts(yaml, &o), VG_OK, "%s", ERR.msg);
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Net one", "first match wins");
	cr_assert(tl_has_diag(RES, VG_LOAD_SHADOWED_RULE, "rule 'Net two': never matches"), "%s", tl_diags(RES));
	cr_assert_not(tl_has_diag(RES, VG_LOAD_SHADOWED_RULE, "rule 'File'"), "disabled rules are not reported");
	o.matching = VG_RULE_MATCHING_ALL;
	cr_assert_eq(load_opts(yaml, &o), VG_OK, "%s", ERR.msg);
	cr_assert_not(tl_has_diag(RES, VG_LOAD_SHADOWED_RULE, ""));
	cr_assert(vg_rules_select_wildcard("a*c*e", "abcde"));
	cr_assert_not(vg_rules_select_wildcard("a*c", "abcd"));
	cr_assert(vg_rules_select_wildcard("*", ""));
}

Test(rules_load, event_type_index)
{
	vg_rules_opts o;
	tl_opts(&o);
	o.matching = VG_RULE_MATCHING_ALL;
	cr_assert_eq(load_opts(RULE("Open", "evt.type in (open, openat) and t.str = a") RULE("Exec", "evt.type = execve")
				       RULE("Any", "t.str = a"),
			       &o),
		     VG_OK, "%s", ERR.msg);
	tev t = { .type = 3, .str = "a" };
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Open,Any");
	t.type = 10;
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Exec,Any");
	t.type = 600;
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Any");
	uint16_t codes[600];
	cr_assert_eq(vg_rules_evttypes(R, "syscall", codes, 600), VG_EVTSET_OTHER, "Any has no evt.type");
	cr_assert_eq(load_opts(RULE("Open", "evt.type in (open, openat)") RULE("Exec", "evt.type = execve"), &o), VG_OK);
	cr_assert_eq(vg_rules_evttypes(R, "syscall", codes, 600), 6);
	cr_assert_eq(codes[0], 2);
	cr_assert_eq(codes[5], 11);
}

/* Inside a bucket the ruleset leaves out top-level evt.type conjuncts the bucket answers; the
 * decisions must stay those of the full condition for every kind of evt.type check. */
Test(rules_load, event_type_conjuncts_answered_by_buckets)
{
	vg_rules_opts o;
	tl_opts(&o);
	o.matching = VG_RULE_MATCHING_ALL;
	cr_assert_eq(load_opts(RULE("In", "evt.type in (open, openat) and t.str = a")
			       RULE("Two", "evt.type in (open, openat) and evt.type = openat and t.str = a")
			       RULE("Ne", "evt.type != execve and t.str = a")
			       RULE("NotIn", "not evt.type in (open, execve) and evt.type in (openat, connect) and t.str = a")
			       RULE("Only", "evt.type = connect and evt.type != open")
			       RULE("Or", "(evt.type = open or t.str = b) and t.str = a"),
			       &o),
		     VG_OK, "%s", ERR.msg);
	tev t = { .type = 2, .str = "a" }; /* open */
	cr_assert_str_eq(tl_match(R, "syscall", &t), "In,Ne,Or");
	t.type = 4; /* openat */
	cr_assert_str_eq(tl_match(R, "syscall", &t), "In,Two,Ne,NotIn");
	t.type = 10; /* execve */
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
	t.type = 20; /* connect */
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Ne,NotIn,Only");
	t.str = "b";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Only");
	t.type = 600;
	t.str = "a";
	cr_assert_str_eq(tl_match(R, "syscall", &t), "Ne");
}

Test(rules_load, plugin_sources_and_requirements)
{
	cr_assert_eq(load("- required_plugin_versions:\n  - name: json\n    version: 0.7.0\n"
			  "- rule: P\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.str = a\n  source: plugsrc\n"),
		     VG_OK, "%s", ERR.msg);
	tev t = { .type = 322, .str = "a" };
	cr_assert_str_eq(tl_match(R, "plugsrc", &t), "P");
	cr_assert_str_eq(tl_match(R, "syscall", &t), "");
}

static const char *plugin_version(const char *name, void *ud)
{
	return strcmp(name, "json") == 0 ? "0.7.2" : strcmp(name, "k8saudit") == 0 ? "0.9.5" : NULL;
}

Test(rules_load, required_versions)
{
	vg_rules_opts o;
	tl_opts(&o);
	o.plugin_version = plugin_version;
	cr_assert_eq(load_opts("- required_plugin_versions:\n  - name: json\n    version: 0.7.0\n"
			       "  - name: k8saudit-eks\n    version: 0.1.0\n    alternatives:\n"
			       "      - name: k8saudit\n        version: 0.9.0\n",
			       &o),
		     VG_OK, "%s", ERR.msg);
	cr_assert_neq(load_opts("- required_plugin_versions:\n  - name: json\n    version: 0.8.0\n"
				"    alternatives: [{name: other, version: 1.0.0}]\n",
				&o),
		      VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:2:5: Plugin requirement not satisfied, must load one of: json (>= 0.8.0), "
				  "other (>= 1.0.0)");
	cr_assert_eq(load("- required_engine_version: 15\n"), VG_OK, "%s", ERR.msg);
	cr_assert_neq(load("- required_engine_version: 0.99.0\n"), VG_OK);
	cr_assert_str_eq(ERR.msg, "rules.yaml:1:28: Rules require engine version 0.99.0, but engine version is 0.63.0");
	cr_assert_neq(load("- required_engine_version: 1.0.0\n"), VG_OK);
}

Test(rules_load, deprecated_fields_and_container_info)
{
	cr_assert_eq(load("- rule: R\n  desc: d\n  condition: t.str = a\n  output: o=%t.str %container.info end\n  priority: INFO\n"),
		     VG_OK, "%s", ERR.msg);
	cr_assert(tl_has_diag(RES, VG_LOAD_DEPRECATED_ITEM, "rules.yaml:4:11: rule 'R': %container.info is deprecated"),
		  "%s", tl_diags(RES));
	cr_assert_eq(load(RULE("R", "t.str = a and evt.type = open and not t.str2 exists")), VG_OK);
	cr_assert_not(tl_has_diag(RES, VG_LOAD_DEPRECATED_ITEM, ""));
	cr_assert_eq(load(RULE("R", "concat(t.str, 'evt.dir') = x")), VG_OK, "%s", ERR.msg);
	cr_assert_not(tl_has_diag(RES, VG_LOAD_DEPRECATED_ITEM, ""), "a string literal is not a field");
	vg_rules_opts o;
	tl_opts(&o);
	cr_assert_eq(load_opts("- rule: P\n  desc: d\n  output: o\n  priority: INFO\n  source: k8s_audit\n"
			       "  condition: ka.user.name != \"<NA>\" and ka.verb = create\n",
			       &o),
		     VG_OK);
	cr_assert_eq(load("- macro: spawned\n  condition: evt.type = execve and evt.dir=<\n"
			  "- rule: S\n  desc: d\n  output: o\n  priority: INFO\n  condition: spawned\n"
			  "  skip-if-unknown-filter: true\n"),
		     VG_OK, "%s", ERR.msg);
	cr_assert(tl_has_diag(RES, VG_LOAD_DEPRECATED_ITEM, "macro 'spawned': The field 'evt.dir' is deprecated"),
		  "%s", tl_diags(RES));
	cr_assert(tl_has_diag(RES, VG_LOAD_UNKNOWN_FILTER, "unknown field 'evt.dir' at 1:23 of macro 'spawned'"),
		  "%s", tl_diags(RES));
	cr_assert_eq(load_opts("- rule: P\n  desc: d\n  output: o\n  priority: INFO\n  source: k8s_audit\n"
			       "  condition: ka.user.name != \"<NA>\" and ka.verb = create\n",
			       &o),
		     VG_OK);
	cr_assert(tl_has_diag(RES, VG_LOAD_UNSAFE_NA_CHECK, "rule 'P': 'ka.user.name' is compared with \"<NA>\""),
		  "%s", tl_diags(RES));
	cr_assert_not(tl_has_diag(RES, VG_LOAD_DEPRECATED_ITEM, ""));
}

Test(rules_load, skip_if_unknown_filter)
{
	cr_assert_eq(load("- rule: S\n  desc: d\n  output: o\n  priority: INFO\n  condition: t.nope = a\n"
			  "  skip-if-unknown-filter: true\n"
			  "- rule: O\n  desc: d\n  output: o %t.nope\n  priority: INFO\n  condition: t.str = a\n"
			  "  skip-if-unknown-filter: true\n"),
		     VG_OK, "%s", ERR.msg);
	cr_assert(tl_has_diag(RES, VG_LOAD_UNKNOWN_FILTER, "rule 'S'"));
	cr_assert(tl_has_diag(RES, VG_LOAD_UNKNOWN_FILTER, "rule 'O'"));
	cr_assert_not(vg_rules_find(R, "S")->loaded);
}

Test(rules_load, yaml_anchors_and_multiple_documents)
{
	cr_assert_eq(load("- list: &l l1\n  items: &items [a, b]\n---\n- list: l2\n  items: [c]\n"
			  RULE("R", "t.str in (l1, l2)") "---\n"),
		     VG_OK, "%s", ERR.msg);
	cr_assert_neq(load("- list: x\n  items: &a [*a]\n"), VG_OK, "self-referencing alias");
	cr_assert_eq(load(""), VG_OK, "empty file");
	cr_assert_eq(load("---\n---\n"), VG_OK);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

Test(rules_load, files_and_directories_in_order)
{
	char dir[] = "/tmp/vigil-rules-test-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char a[128], b[128], c[128], single[128];
	snprintf(a, sizeof(a), "%s/a.yml", dir);
	snprintf(b, sizeof(b), "%s/b.yaml", dir);
	snprintf(c, sizeof(c), "%s/c.txt", dir);
	snprintf(single, sizeof(single), "%s.yaml", dir);
	write_file(b, RULE("B", "m"));
	write_file(a, "- macro: m\n  condition: t.str = a\n");
	write_file(c, "not yaml: [");
	write_file(single, "- rule: B\n  enabled: false\n  override: {enabled: replace}\n");
	vg_rules_opts o;
	tl_opts(&o);
	const char *paths[] = { dir, single };
	cleanup();
	cr_assert_eq(vg_rules_load(&o, paths, 2, &R, &RES, &ERR), VG_OK, "%s", ERR.msg);
	cr_assert_not(vg_rules_find(R, "B")->enabled, "the later file wins");
	cr_assert_eq(RES->nfiles, 3, "a.yml, b.yaml, then the file; c.txt ignored");
	cr_assert(strstr(RES->files[0], "/a.yml") != NULL);
	const char *missing[] = { "/nonexistent/rules.yaml" };
	cleanup();
	cr_assert_eq(vg_rules_load(&o, missing, 1, &R, &RES, &ERR), VG_ERR_IO);
	cr_assert(tl_has_diag(RES, VG_LOAD_ERR_FILE_READ, "/nonexistent/rules.yaml: cannot open"), "%s", tl_diags(RES));
	remove(a);
	remove(b);
	remove(c);
	remove(single);
	rmdir(dir);
}

Test(rules_load, deep_macro_chains_are_bounded)
{
	vg_buf y;
	vg_buf_init(&y);
	/* first definitions, then redefinitions where each uses the next: resolving m0 recurses
	 * through all of them */
	for (int m = 0; m < 20; m++)
		vg_buf_printf(&y, "- macro: m%d\n  condition: t.str = a\n", m);
	for (int m = 0; m < 20; m++) {
		vg_buf_printf(&y, "- macro: m%d\n  condition: ", m);
		for (int d = 0; d < 600; d++) /* parentheses alone add no depth: alternate and/or */
			vg_buf_puts(&y, d % 2 ? "(t.str = z and " : "(t.str = z or ");
		if (m < 19)
			vg_buf_printf(&y, "m%d", m + 1);
		else
			vg_buf_puts(&y, "t.str = a");
		for (int d = 0; d < 600; d++)
			vg_buf_putc(&y, ')');
		vg_buf_putc(&y, '\n');
	}
	vg_buf_puts(&y, RULE("R", "m0"));
	cr_assert_neq(load(y.data), VG_OK);
	/* Which limit answers first depends on frame sizes (the stack guard in sanitizer builds). */
	cr_assert(strstr(ERR.msg, "conditions nest deeper than 8000 levels through macros") != NULL ||
		  strstr(ERR.msg, "nest too deeply through macros for the stack") != NULL ||
		  strstr(ERR.msg, "nesting too deep for the stack") != NULL, "%s", ERR.msg);
	vg_buf_free(&y);
}

Test(rules_load, default_event_table_resolves_libscap_names)
{
	vg_rules_opts o;
	tl_opts(&o);
	o.evttype_lookup = NULL; /* the libscap table, as the engine uses it */
	cr_assert_eq(load_opts(RULE("R", "evt.type in (execve, openat) and t.str = a"), &o), VG_OK, "%s", ERR.msg);
	uint16_t codes[64];
	uint32_t n = vg_rules_evttypes(R, "syscall", codes, 64);
	cr_assert(n >= 4 && n <= 64, "enter/exit codes of both names: %u", n);
	for (uint32_t i = 0; i < n; i++) {
		const vg_scap_event_info *info = vg_scap_event_info_get(codes[i]);
		cr_assert_not_null(info, "code %u", codes[i]);
		cr_assert(strcmp(info->name, "execve") == 0 || strcmp(info->name, "openat") == 0, "%s", info->name);
	}
	cr_assert_neq(load_opts(RULE("R", "evt.type = not_a_syscall"), &o), VG_OK);
	cr_assert(strstr(ERR.msg, "unknown event type 'not_a_syscall'") != NULL, "%s", ERR.msg);
}
