#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yamldoc.h"

static vg_yaml_doc *doc;
static vg_err err;

static void setup(void)
{
	doc = vg_yaml_doc_new(NULL);
	vg_err_clear(&err);
}

static void teardown(void)
{
	vg_yaml_doc_free(doc);
}

TestSuite(yamldoc, .init = setup, .fini = teardown);

static vg_yaml_node *parse(const char *text)
{
	uint32_t first = 0;
	vg_rc rc = vg_yaml_parse_str(doc, "t.yaml", text, strlen(text), &first, &err);
	cr_assert_eq(rc, VG_OK, "%s", err.msg);
	return vg_yaml_doc_root(doc, first);
}

static void parse_fails(const char *text, vg_rc want, const char *msg)
{
	vg_rc rc = vg_yaml_parse_str(doc, "t.yaml", text, strlen(text), NULL, &err);
	cr_assert_eq(rc, want, "rc %d for %s (%s)", rc, text, err.msg);
	cr_assert_str_eq(err.msg, msg);
	cr_assert_eq(vg_yaml_doc_count(doc), 0, "a failed parse appends no root");
}

Test(yamldoc, positions_order_and_styles)
{
	vg_yaml_node *root = parse("zeta: 1\nalpha:\n  name: \"quoted\"\n  list: [a, 'b']\n");
	cr_assert_eq(root->kind, VG_YAML_MAP);
	cr_assert_eq(root->n, 2);
	cr_assert_str_eq(vg_yaml_key_str(root->keys[0]), "zeta", "key order is kept");
	cr_assert_str_eq(vg_yaml_key_str(root->keys[1]), "alpha");
	vg_yaml_node *one = root->vals[0];
	cr_assert_eq(one->line, 1);
	cr_assert_eq(one->col, 7);
	cr_assert_eq(one->style, VG_YAML_PLAIN);
	vg_yaml_node *name = vg_yaml_get(root, "alpha.name");
	cr_assert_str_eq(name->str, "quoted");
	cr_assert_eq(name->style, VG_YAML_QUOTED);
	cr_assert_eq(name->line, 3);
	cr_assert_eq(name->col, 9);
	cr_assert_str_eq(name->file, "t.yaml");
	vg_yaml_node *b = vg_yaml_get(root, "alpha.list[1]");
	cr_assert_str_eq(b->str, "b");
	cr_assert_eq(b->style, VG_YAML_QUOTED);
	cr_assert_eq(b->line, 4);
	cr_assert_eq(b->col, 13);
	char where[VG_YAML_WHERE_MAX];
	cr_assert_str_eq(vg_yaml_where(b, where, sizeof(where)), "t.yaml:4:13");
}

Test(yamldoc, str_tag_and_block_scalars_are_strings)
{
	vg_yaml_node *root = parse("a: !!str 123\nb: |\n  line\nc: 123\n");
	cr_assert_eq(vg_yaml_map_get(root, "a")->style, VG_YAML_QUOTED);
	cr_assert_eq(vg_yaml_map_get(root, "b")->style, VG_YAML_QUOTED);
	cr_assert_str_eq(vg_yaml_map_get(root, "b")->str, "line\n");
	cr_assert_eq(vg_yaml_map_get(root, "c")->style, VG_YAML_PLAIN);
}

Test(yamldoc, syntax_errors_name_line_and_column)
{
	parse_fails("a: 1\nb: [1, 2\nc: 3\n", VG_ERR_PARSE,
		    "t.yaml:3:2: while parsing a flow sequence did not find expected ',' or ']'");
}

Test(yamldoc, bad_indentation_error)
{
	parse_fails("key: value\n  bad: indent\n", VG_ERR_PARSE,
		    "t.yaml:2:6: mapping values are not allowed in this context");
}

Test(yamldoc, tab_error)
{
	parse_fails("a:\n\tb: 1\n", VG_ERR_PARSE,
		    "t.yaml:2:1: while scanning for the next token found character that cannot start any token");
}

Test(yamldoc, unknown_anchor)
{
	parse_fails("a: 1\nb: *nope\n", VG_ERR_PARSE, "t.yaml:2:4: unknown anchor 'nope'");
}

Test(yamldoc, self_reference_is_unknown_not_a_cycle)
{
	parse_fails("a: &x [1, *x]\n", VG_ERR_PARSE, "t.yaml:1:11: unknown anchor 'x'");
}

Test(yamldoc, depth_is_bounded)
{
	char text[400];
	memset(text, '[', 300);
	text[300] = '\0';
	parse_fails(text, VG_ERR_LIMIT, "t.yaml:1:129: nesting deeper than 128 levels");
}

Test(yamldoc, aliases_are_copied)
{
	vg_yaml_node *root = parse("base: &b {x: 1, y: [2]}\nother: *b\nname: &n hello\nagain: *n\n");
	vg_yaml_node *other = vg_yaml_map_get(root, "other");
	cr_assert_eq(other->kind, VG_YAML_MAP);
	cr_assert_str_eq(vg_yaml_get(root, "other.x")->str, "1");
	cr_assert_str_eq(vg_yaml_get(root, "other.y[0]")->str, "2");
	cr_assert_str_eq(vg_yaml_get(root, "again")->str, "hello");
	cr_assert_neq(other, vg_yaml_map_get(root, "base"), "an alias is a copy, not a shared node");
	vg_yaml_node *v = vg_yaml_new_scalar(doc, "9", 1, VG_YAML_PLAIN, "x", 1, 1);
	cr_assert_eq(vg_yaml_set(doc, root, "other.x", v, &err), VG_OK);
	cr_assert_str_eq(vg_yaml_get(root, "base.x")->str, "1", "editing the copy leaves the anchor alone");
}

Test(yamldoc, billion_laughs_is_refused)
{
	const char *text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
			   "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
	vg_rc rc = vg_yaml_parse_str(doc, "t.yaml", text, strlen(text), NULL, &err);
	cr_assert_eq(rc, VG_ERR_LIMIT, "%s", err.msg);
	cr_assert(strstr(err.msg, "alias expansion exceeds 100000 nodes"), "%s", err.msg);
}

Test(yamldoc, multiple_documents)
{
	uint32_t first;
	const char *text = "a: 1\n---\nb: 2\n---\n";
	cr_assert_eq(vg_yaml_parse_str(doc, "m.yaml", text, strlen(text), &first, &err), VG_OK);
	cr_assert_eq(vg_yaml_doc_count(doc), 3);
	cr_assert_str_eq(vg_yaml_map_get(vg_yaml_doc_root(doc, 1), "b")->str, "2");
	cr_assert(vg_yaml_is_null(vg_yaml_doc_root(doc, 2)), "an empty document is null");
	cr_assert_null(vg_yaml_doc_root(doc, 3));
}

Test(yamldoc, scalar_conversions)
{
	vg_yaml_node *root = parse("t: yes\nf: Off\nbad: maybe\nhex: 0x1F\noct: 0o17\nneg: -5\n"
				   "big: 18446744073709551615\nover: 18446744073709551616\nflt: 0.25\nnul: ~\n");
	bool b;
	int64_t i;
	uint64_t u;
	double d;
	cr_assert(vg_yaml_bool(vg_yaml_map_get(root, "t"), &b) && b);
	cr_assert(vg_yaml_bool(vg_yaml_map_get(root, "f"), &b) && !b);
	cr_assert_not(vg_yaml_bool(vg_yaml_map_get(root, "bad"), &b));
	cr_assert(vg_yaml_int(vg_yaml_map_get(root, "hex"), &i) && i == 31);
	cr_assert(vg_yaml_int(vg_yaml_map_get(root, "oct"), &i) && i == 15);
	cr_assert(vg_yaml_int(vg_yaml_map_get(root, "neg"), &i) && i == -5);
	cr_assert_not(vg_yaml_uint(vg_yaml_map_get(root, "neg"), &u));
	cr_assert(vg_yaml_uint(vg_yaml_map_get(root, "big"), &u) && u == UINT64_MAX);
	cr_assert_not(vg_yaml_int(vg_yaml_map_get(root, "big"), &i));
	cr_assert_not(vg_yaml_uint(vg_yaml_map_get(root, "over"), &u));
	cr_assert(vg_yaml_double(vg_yaml_map_get(root, "flt"), &d) && d == 0.25);
	cr_assert(vg_yaml_is_null(vg_yaml_map_get(root, "nul")));
	cr_assert_not(vg_yaml_is_null(vg_yaml_map_get(root, "bad")));
}

Test(yamldoc, get_by_path)
{
	vg_yaml_node *root = parse("a:\n  b:\n    - c: 1\n    - c: 2\n\"k8s.io/x\": dotted\n");
	cr_assert_str_eq(vg_yaml_get(root, "a.b[1].c")->str, "2");
	cr_assert_str_eq(vg_yaml_get(root, "k8s\\.io/x")->str, "dotted");
	cr_assert_null(vg_yaml_get(root, "a.b[2]"));
	cr_assert_null(vg_yaml_get(root, "a.b.c"));
	cr_assert_null(vg_yaml_get(root, "a..b"));
	cr_assert_null(vg_yaml_get(root, "a.b[x]"));
	cr_assert_null(vg_yaml_get(root, ""));
}

static vg_yaml_node *scalar(const char *s)
{
	return vg_yaml_new_scalar(doc, s, strlen(s), VG_YAML_PLAIN, "-o", 1, 1);
}

Test(yamldoc, set_creates_replaces_and_appends)
{
	vg_yaml_node *root = parse("a:\n  keep: 1\n  list: [x]\nscalar: 3\n");
	cr_assert_eq(vg_yaml_set(doc, root, "a.new.deep", scalar("v"), &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_yaml_set(doc, root, "a.list[0]", scalar("y"), &err), VG_OK);
	cr_assert_eq(vg_yaml_set(doc, root, "a.list[]", scalar("z"), &err), VG_OK);
	cr_assert_eq(vg_yaml_set(doc, root, "a.list[2]", scalar("w"), &err), VG_OK, "index == length appends");
	cr_assert_eq(vg_yaml_set(doc, root, "scalar.sub", scalar("s"), &err), VG_OK, "a scalar in the way is replaced");
	cr_assert_eq(vg_yaml_set(doc, root, "rules[].disable.rule", scalar("*"), &err), VG_OK);
	cr_assert_eq(vg_yaml_set(doc, root, "lit\\.dot", scalar("d"), &err), VG_OK);

	cr_assert_str_eq(vg_yaml_get(root, "a.keep")->str, "1");
	cr_assert_str_eq(vg_yaml_get(root, "a.new.deep")->str, "v");
	vg_yaml_node *list = vg_yaml_get(root, "a.list");
	cr_assert_eq(list->n, 3);
	cr_assert_str_eq(list->vals[0]->str, "y");
	cr_assert_str_eq(list->vals[1]->str, "z");
	cr_assert_str_eq(list->vals[2]->str, "w");
	cr_assert_str_eq(vg_yaml_get(root, "scalar.sub")->str, "s");
	cr_assert_str_eq(vg_yaml_get(root, "rules[0].disable.rule")->str, "*");
	cr_assert_str_eq(vg_yaml_map_get(root, "lit.dot")->str, "d");
}

Test(yamldoc, set_errors)
{
	vg_yaml_node *root = parse("list: [x]\n");
	cr_assert_eq(vg_yaml_set(doc, root, "list[5]", scalar("v"), &err), VG_ERR_NOTFOUND);
	cr_assert_str_eq(err.msg, "key path 'list[5]': index 5 is past the end of the list");
	cr_assert_eq(vg_yaml_set(doc, root, "a..b", scalar("v"), &err), VG_ERR_INVALID);
	cr_assert_str_eq(err.msg, "invalid key path 'a..b'");
	cr_assert_eq(vg_yaml_set(doc, root, "[0]", scalar("v"), &err), VG_ERR_INVALID);
	cr_assert_str_eq(err.msg, "key path '[0]': the document root is not a sequence");
}

Test(yamldoc, to_json_types_plain_scalars_only)
{
	vg_yaml_node *root = parse("a: 1\nb: \"1\"\nc: true\nd: ~\ne: [1.5, x, -2e3]\nf: 0x10\ng: yes\n"
				   "h: {q: \"say \\\"hi\\\"\\n\"}\ni: 007\nj: ''\nk:\n");
	vg_buf out;
	vg_buf_init(&out);
	cr_assert_eq(vg_yaml_to_json(root, &out, &err), VG_OK);
	cr_assert_str_eq(out.data, "{\"a\":1,\"b\":\"1\",\"c\":true,\"d\":null,\"e\":[1.5,\"x\",-2e3],\"f\":16,"
				   "\"g\":\"yes\",\"h\":{\"q\":\"say \\\"hi\\\"\\n\"},\"i\":7,\"j\":\"\",\"k\":null}");
	vg_buf_free(&out);
}

Test(yamldoc, to_json_refuses_complex_keys)
{
	vg_yaml_node *root = parse("? [a, b]\n: 1\n");
	vg_buf out;
	vg_buf_init(&out);
	cr_assert_eq(vg_yaml_to_json(root, &out, &err), VG_ERR_INVALID);
	cr_assert_str_eq(err.msg, "t.yaml:1:3: a map key must be a scalar to convert to JSON");
	vg_buf_free(&out);
}

Test(yamldoc, parse_file_missing)
{
	cr_assert_eq(vg_yaml_parse_file(doc, "/nonexistent/x.yaml", NULL, &err), VG_ERR_NOTFOUND);
	cr_assert_str_eq(err.msg, "/nonexistent/x.yaml: No such file or directory");
}

Test(yamldoc, invalid_utf8_reports_byte_offset)
{
	parse_fails("a: \xff\xfe\n", VG_ERR_PARSE, "t.yaml: byte 3: invalid leading UTF-8 octet");
}

Test(yamldoc, byte_offsets_of_nodes)
{
	vg_yaml_node *root = parse("a: 1\nlist:\n  - x\n  - {k: v}\n");
	cr_assert_eq(root->offset, 0);
	cr_assert_eq(vg_yaml_map_get(root, "a")->offset, 3);
	vg_yaml_node *list = vg_yaml_map_get(root, "list");
	cr_assert_eq(list->vals[0]->offset, 15, "got %zu", list->vals[0]->offset);
	cr_assert_eq(list->vals[1]->offset, 21, "got %zu", list->vals[1]->offset);
	vg_yaml_node *copy = parse("a: &x [p, q]\nb: *x\n");
	cr_assert_eq(vg_yaml_map_get(copy, "b")->vals[1]->offset, 10, "an alias copy keeps the anchored position");
}

Test(yamldoc, first_or_last_of_duplicated_keys)
{
	vg_yaml_node *root = parse("k: one\nother: x\nk: two\n");
	cr_assert_str_eq(vg_yaml_map_first(root, "k")->str, "one");
	cr_assert_eq(vg_yaml_map_first(root, "k")->line, 1);
	cr_assert_str_eq(vg_yaml_map_get(root, "k")->str, "two");
	cr_assert_null(vg_yaml_map_first(root, "absent"));
	cr_assert_null(vg_yaml_map_first(root->vals[0], "k"), "a scalar is not a map");
	cr_assert_null(vg_yaml_map_first(NULL, "k"));
}

Test(yamldoc, str_of_scalars_only)
{
	vg_yaml_node *root = parse("n: 42\nq: '7'\nm: {a: b}\ns: [1]\n");
	cr_assert_str_eq(vg_yaml_str(vg_yaml_map_get(root, "n")), "42", "a number keeps its text");
	cr_assert_str_eq(vg_yaml_str(vg_yaml_map_get(root, "q")), "7");
	cr_assert_null(vg_yaml_str(vg_yaml_map_get(root, "m")));
	cr_assert_null(vg_yaml_str(vg_yaml_map_get(root, "s")));
	cr_assert_null(vg_yaml_str(NULL));
}

static vg_yaml_syntax_err syntax_err_of(const char *text)
{
	cr_assert_neq(vg_yaml_parse_str(doc, "t.yaml", text, strlen(text), NULL, &err), VG_OK);
	return vg_yaml_last_syntax_err(doc);
}

Test(yamldoc, syntax_error_parts_for_own_wording)
{
	vg_yaml_syntax_err e = syntax_err_of("a: 1\nb: [1, 2\nc: 3\n");
	cr_assert(e.found);
	cr_assert_str_eq(e.problem, "did not find expected ',' or ']'");
	cr_assert_str_eq(e.context, "while parsing a flow sequence");
	cr_assert_eq(e.line, 3);
	cr_assert_eq(e.col, 2);
	e = syntax_err_of("key: value\n  bad: indent\n");
	cr_assert_str_eq(e.problem, "mapping values are not allowed in this context");
	cr_assert_null(e.context);
	cr_assert_eq(e.line, 2);
	cr_assert_eq(e.col, 6);
}

Test(yamldoc, encoding_error_has_only_an_offset)
{
	vg_yaml_syntax_err e = syntax_err_of("a: \xff\xfe\n");
	cr_assert(e.found);
	cr_assert_str_eq(e.problem, "invalid leading UTF-8 octet");
	cr_assert_eq(e.line, 0);
	cr_assert_eq(e.col, 0);
	cr_assert_eq(e.offset, 3);
}

Test(yamldoc, syntax_error_cleared_by_other_outcomes)
{
	syntax_err_of("a: [\n");
	cr_assert(vg_yaml_last_syntax_err(doc).found);
	parse("a: 1\n");
	cr_assert_not(vg_yaml_last_syntax_err(doc).found, "a success clears it");
	syntax_err_of("a: [\n");
	syntax_err_of("a: *nope\n");
	cr_assert_not(vg_yaml_last_syntax_err(doc).found, "an unknown anchor is not libyaml's error");
}
