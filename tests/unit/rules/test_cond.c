/* Condition language: parser (grammar, escapes, error positions, depth) and evaluator
 * (every operator per type, missing values, list fields, modifiers, transformers, val()). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "rules/cond_parse.h"
#include "rules_testlib.h"

static vg_err err;

static int ev_str(const char *cond, const char *value)
{
	tev t = { .str = value };
	return tl_eval(cond, &t, &err);
}

static const char *parse_error(const char *cond)
{
	vg_arena *a = vg_arena_new(0);
	vg_err_clear(&err);
	vg_cond_node *n = vg_cond_parse(a, cond, strlen(cond), &err);
	vg_arena_free(a);
	return n ? NULL : err.msg;
}

static const char *canon(const char *cond)
{
	static char out[4096];
	vg_arena *a = vg_arena_new(0);
	vg_cond_node *n = vg_cond_parse(a, cond, strlen(cond), &err);
	vg_buf b;
	vg_buf_init(&b);
	if (n)
		vg_cond_parse_print(n, &b);
	snprintf(out, sizeof(out), "%s", n ? b.data : err.msg);
	vg_buf_free(&b);
	vg_arena_free(a);
	return out;
}

Test(cond_parse, precedence_not_and_or)
{
	cr_assert_str_eq(canon("a or b and not c"), "(a or (b and not c))");
	cr_assert_str_eq(canon("not not a"), "a");
	cr_assert_str_eq(canon("not(a) and (b or c)"), "(not a and (b or c))");
	cr_assert_str_eq(canon("a and b and c"), "(a and b and c)");
}

Test(cond_parse, operators_values_lists)
{
	cr_assert_str_eq(canon("t.str=abc"), "t.str = \"abc\"");
	cr_assert_str_eq(canon("t.str in (a, 'b c', \"d\")"), "t.str in (\"a\", \"b c\", \"d\")");
	cr_assert_str_eq(canon("t.str in ()"), "t.str in ()");
	cr_assert_str_eq(canon("t.str intersects (a)"), "t.str intersects (\"a\")");
	cr_assert_str_eq(canon("t.i64>=-5"), "t.i64 >= \"-5\"");
	cr_assert_str_eq(canon("t.u64 < 0x1F"), "t.u64 < \"0x1F\"");
	cr_assert_str_eq(canon("t.str exists"), "t.str exists");
	cr_assert_str_eq(canon("t.aname[2] = sshd"), "t.aname[\"2\"] = \"sshd\"");
	cr_assert_str_eq(canon("t.env['A B'] = x"), "t.env[\"A B\"] = \"x\"");
	cr_assert_str_eq(canon("t.str startswith anyof (a, b)"), "t.str startswith anyof (\"a\", \"b\")");
	cr_assert_str_eq(canon("tolower(basename(t.str)) = x"), "tolower(basename(t.str)) = \"x\"");
	cr_assert_str_eq(canon("t.str = val(t.str2)"), "t.str = val(t.str2)");
	cr_assert_str_eq(canon("t.str=runc:[0:PARENT]"), "t.str = \"runc:[0:PARENT]\"");
	cr_assert_str_eq(canon("(t.str contains /etc/)"), "t.str contains \"/etc/\"");
}

Test(cond_parse, escapes)
{
	cr_assert_str_eq(canon("t.str = \"a\\tb\\\\c\\\"d\\x41\""), "t.str = \"a\tb\\\\c\\\"dA\"");
	cr_assert_str_eq(canon("t.str = 'it\\'s'"), "t.str = \"it's\"");
	cr_assert_not_null(parse_error("t.str = \"a\\qb\""));
	cr_assert(strstr(parse_error("t.str = \"a\\qb\""), "invalid escape") != NULL, "%s", err.msg);
	cr_assert_not_null(parse_error("t.str = 'a\\\"b'"), "\\\" is not valid in single quotes");
	cr_assert_not_null(parse_error("t.str = \"\\x4\""));
}

Test(cond_parse, error_positions)
{
	cr_assert_str_eq(parse_error("t.str = a and"), "unexpected end of condition at 1:14");
	cr_assert_str_eq(parse_error("(t.str = a"), "missing ')' at 1:11");
	cr_assert_str_eq(parse_error("t.str = a)"), "unbalanced ')' at 1:10");
	cr_assert_str_eq(parse_error("t.str\n  foo a"), "expected an operator, found 'foo a' at 2:3");
	cr_assert_str_eq(parse_error("t.i64 < abc"), "expected a number, found 'abc' at 1:9");
	cr_assert_str_eq(parse_error("t.str in a"), "expected '(' to start a list after 'in' at 1:10");
	cr_assert_str_eq(parse_error("t.str = \"abc"), "unterminated quoted string at 1:9");
	cr_assert_str_eq(parse_error("   "), "empty condition");
	cr_assert_str_eq(parse_error("t.str = a b"), "unexpected token 'b' at 1:11");
	cr_assert_str_eq(parse_error("t.strcontains x"), "expected an operator, found 'x' at 1:15");
}

Test(cond_parse, depth_is_bounded)
{
	char deep[4100];
	memset(deep, '(', 2000);
	strcpy(deep + 2000, "a");
	cr_assert(strstr(parse_error(deep), "nesting deeper than 1000") != NULL, "%s", err.msg);
	char nots[6000] = "";
	for (int i = 0; i < 1100; i++)
		strcat(nots, "not ");
	strcat(nots, "a");
	cr_assert(strstr(parse_error(nots), "nesting deeper") != NULL, "%s", err.msg);
	memset(deep, '(', 900);
	strcpy(deep + 900, "a");
	memset(deep + 901, ')', 900);
	deep[1801] = '\0';
	cr_assert_null(parse_error(deep), "900 levels are fine: %s", err.msg);
}

Test(cond_eval, string_operators)
{
	cr_assert_eq(ev_str("t.str = /etc/passwd", "/etc/passwd"), 1);
	cr_assert_eq(ev_str("t.str == /etc/passwd", "/etc/passwdx"), 0);
	cr_assert_eq(ev_str("t.str != /etc/passwd", "/etc/shadow"), 1);
	cr_assert_eq(ev_str("t.str contains pass", "/etc/passwd"), 1);
	cr_assert_eq(ev_str("t.str contains Pass", "/etc/passwd"), 0);
	cr_assert_eq(ev_str("t.str icontains PASS", "/etc/passwd"), 1);
	cr_assert_eq(ev_str("t.str startswith /etc", "/etc/passwd"), 1);
	cr_assert_eq(ev_str("t.str startswith /usr", "/etc/passwd"), 0);
	cr_assert_eq(ev_str("t.str endswith wd", "/etc/passwd"), 1);
	cr_assert_eq(ev_str("t.str glob '/etc/*'", "/etc/a/b"), 1, "* crosses /");
	cr_assert_eq(ev_str("t.str glob '/ETC/*'", "/etc/a"), 0);
	cr_assert_eq(ev_str("t.str iglob '/ETC/*'", "/etc/a"), 1);
	cr_assert_eq(ev_str("t.str < 5", "10"), 1, "strcmp order");
	cr_assert_eq(ev_str("t.str > 5", "10"), 0);
	cr_assert_eq(ev_str("t.str in (a, b, c)", "b"), 1);
	cr_assert_eq(ev_str("t.str in (a, b, c)", "d"), 0);
	cr_assert_eq(ev_str("t.str in ()", "d"), 0);
	cr_assert_eq(ev_str("t.str intersects (a, b)", "a"), 1);
	cr_assert_eq(ev_str("t.str = ''", ""), 1);
}

Test(cond_eval, regex_is_full_match)
{
	cr_assert_eq(ev_str("t.str regex 'ab+c'", "abbbc"), 1);
	cr_assert_eq(ev_str("t.str regex 'ab+c'", "xabbbcx"), 0, "regex must be anchored");
	cr_assert_eq(ev_str("t.str regex 'b+'", "abbb"), 0);
	cr_assert_eq(ev_str("t.str regex '.*b.*'", "abbb"), 1);
	cr_assert_eq(ev_str("t.str regex '(a'", "a"), -1);
	cr_assert(strstr(err.msg, "invalid regex") != NULL, "%s", err.msg);
}

Test(cond_eval, pmatch_by_components)
{
	cr_assert_eq(ev_str("t.str pmatch (/var/run, /tmp)", "/var/run/docker"), 1);
	cr_assert_eq(ev_str("t.str pmatch (/var/run, /tmp)", "/var/run"), 1);
	cr_assert_eq(ev_str("t.str pmatch (/var/run, /tmp)", "/var/runx"), 0);
	cr_assert_eq(ev_str("t.str pmatch (/var/run, /tmp)", "/var"), 0);
	cr_assert_eq(ev_str("t.str pmatch (/var/run/)", "/var/run/x"), 1);
	cr_assert_eq(ev_str("t.str pmatch (/)", "/anything"), 1);
}

Test(cond_eval, numbers_bool_port)
{
	tev t = { .has_i64 = true, .i64 = -5, .has_u64 = true, .u64 = 42, .has_port = true, .port = 22,
		  .has_b = true, .b = true };
	cr_assert_eq(tl_eval("t.i64 < 0", &t, &err), 1);
	cr_assert_eq(tl_eval("t.i64 = -5", &t, &err), 1);
	cr_assert_eq(tl_eval("t.i64 >= -4", &t, &err), 0);
	cr_assert_eq(tl_eval("t.u64 > 41 and t.u64 <= 42", &t, &err), 1);
	cr_assert_eq(tl_eval("t.u64 in (1, 42)", &t, &err), 1);
	cr_assert_eq(tl_eval("t.u64 != 42", &t, &err), 0);
	cr_assert_eq(tl_eval("t.u64 = 0x2A", &t, &err), -1, "hex fails at compile time");
	cr_assert_eq(tl_eval("t.u64 = 4.2", &t, &err), -1);
	cr_assert_eq(tl_eval("t.u64 = -1", &t, &err), -1);
	cr_assert_eq(tl_eval("t.port = 22", &t, &err), 1);
	cr_assert_eq(tl_eval("t.port = ssh", &t, &err), 1, "service names resolve: %s", err.msg);
	cr_assert_eq(tl_eval("t.port in (http, ssh)", &t, &err), 1);
	cr_assert_eq(tl_eval("t.b = true", &t, &err), 1);
	cr_assert_eq(tl_eval("t.b != true", &t, &err), 0);
	cr_assert_eq(tl_eval("t.b = yes", &t, &err), -1);
	cr_assert_eq(tl_eval("t.u64 contains 4", &t, &err), -1);
	cr_assert(strstr(err.msg, "not supported") != NULL, "%s", err.msg);
}

Test(cond_eval, ip_and_net)
{
	tev t = { .iplen = 4, .ip = { 10, 1, 2, 3 } };
	cr_assert_eq(tl_eval("t.ip = 10.1.2.3", &t, &err), 1);
	cr_assert_eq(tl_eval("t.ip != 10.1.2.3", &t, &err), 0);
	cr_assert_eq(tl_eval("t.ip in (127.0.0.1, 10.1.2.3)", &t, &err), 1);
	cr_assert_eq(tl_eval("t.net = 10.0.0.0/8", &t, &err), 1);
	cr_assert_eq(tl_eval("t.net = 10.1.2.0/25", &t, &err), 1);
	cr_assert_eq(tl_eval("t.net in (192.168.0.0/16, 172.16.0.0/12)", &t, &err), 0);
	cr_assert_eq(tl_eval("t.net = 10.1.2.3", &t, &err), -1, "ipnet needs CIDR");
	cr_assert_eq(tl_eval("t.ip = 10.1.2", &t, &err), -1);
	cr_assert_eq(tl_eval("t.ip = ::1", &t, &err), 0);
	cr_assert_eq(tl_eval("t.ip contains 10", &t, &err), -1);
}

Test(cond_eval, bytebuf)
{
	static const uint8_t data[] = { 0xca, 0xfe, 0xba, 0xbe, 'h', 'i' };
	tev t = { .has_buf = true, .buf = data, .buflen = sizeof(data) };
	cr_assert_eq(tl_eval("t.buf bcontains BABE", &t, &err), 1);
	cr_assert_eq(tl_eval("t.buf bstartswith cafe", &t, &err), 1);
	cr_assert_eq(tl_eval("t.buf bstartswith babe", &t, &err), 0);
	cr_assert_eq(tl_eval("t.buf bcontains BAB", &t, &err), -1, "odd hex");
	cr_assert_eq(tl_eval("t.buf endswith hi", &t, &err), 1);
	cr_assert_eq(tl_eval("t.str bcontains 00", &t, &err), -1, "strings have no b-operators");
	cr_assert_eq(tl_eval("t.buf glob x", &t, &err), -1);
}

Test(cond_eval, missing_value_is_false_for_every_operator)
{
	static const char *const conds[] = {
		"t.str = x", "t.str != x", "t.str contains x", "t.str icontains x", "t.str startswith x",
		"t.str endswith x", "t.str glob x", "t.str iglob x", "t.str regex x", "t.str in (x)",
		"t.str intersects (x)", "t.str pmatch (/x)", "t.str exists", "t.str < 1", "t.i64 != 1",
		"t.i64 < 1", "t.ip != 1.2.3.4", "t.b != true", "t.str = val(t.str2)", "t.list intersects (a)",
		"t.list in (a)", "t.str != anyof (a, b)", "tolower(t.str) != x",
	};
	tev empty = { 0 };
	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++)
		cr_assert_eq(tl_eval(conds[i], &empty, &err), 0, "%s: %s", conds[i], err.msg);
	cr_assert_eq(tl_eval("not t.str = x", &empty, &err), 1);
	tev right_missing = { .str = "x" };
	cr_assert_eq(tl_eval("t.str != val(t.str2)", &right_missing, &err), 0, "missing val() rhs is false too");
}

Test(cond_eval, list_fields)
{
	tev t = { .list = { "a", "b" }, .nlist = 2 };
	cr_assert_eq(tl_eval("t.list in (a, b, c)", &t, &err), 1, "all values in the set");
	cr_assert_eq(tl_eval("t.list in (a, c)", &t, &err), 0);
	cr_assert_eq(tl_eval("t.list intersects (b, z)", &t, &err), 1);
	cr_assert_eq(tl_eval("t.list intersects (y, z)", &t, &err), 0);
	cr_assert_eq(tl_eval("t.list exists", &t, &err), 1);
	cr_assert_eq(tl_eval("t.list = a", &t, &err), -1);
	cr_assert(strstr(err.msg, "only supports in, intersects and exists") != NULL, "%s", err.msg);
	cr_assert_eq(tl_eval("len(t.list) = 2", &t, &err), 1);
	tev t2 = { .list = { "a", "b" }, .nlist = 2, .list2 = { "b", "a", "q" }, .nlist2 = 3 };
	cr_assert_eq(tl_eval("t.list in val(t.list2)", &t2, &err), 1, "%s", err.msg);
	cr_assert_eq(tl_eval("t.list2 in val(t.list)", &t2, &err), 0);
}

Test(cond_eval, multi_valued_field_without_arg_matches_any)
{
	tev t = { .anc = { "bash", "sshd", "init" }, .nanc = 3 };
	cr_assert_eq(tl_eval("t.aname = sshd", &t, &err), 1);
	cr_assert_eq(tl_eval("t.aname[1] = sshd", &t, &err), 1);
	cr_assert_eq(tl_eval("t.aname[0] = sshd", &t, &err), 0);
	cr_assert_eq(tl_eval("t.aname[9] = sshd", &t, &err), 0);
	cr_assert_eq(tl_eval("t.aname in (cron, init)", &t, &err), 1);
	cr_assert_eq(tl_eval("t.aname[x] = a", &t, &err), -1, "index args must be numeric");
	cr_assert_eq(tl_eval("tolower(t.aname) = a", &t, &err), -1, "no-transform field");
	cr_assert_eq(tl_eval("t.str = val(t.aname)", &t, &err), -1);
}

Test(cond_eval, field_arguments)
{
	tev t = { .env_key = "HOME", .env_val = "/root", .arg_key = "flags", .arg_val = "O_RDONLY|O_TRUNC" };
	cr_assert_eq(tl_eval("t.env[HOME] = /root", &t, &err), 1);
	cr_assert_eq(tl_eval("t.env[PATH] = /root", &t, &err), 0);
	cr_assert_eq(tl_eval("t.env = /root", &t, &err), -1, "argument required");
	cr_assert_eq(tl_eval("t.arg.flags contains O_TRUNC", &t, &err), 1, "dotted key: %s", err.msg);
	cr_assert_eq(tl_eval("t.arg[flags] contains O_TRUNC", &t, &err), 1);
	cr_assert_eq(tl_eval("t.str[1] = x", &t, &err), -1, "field takes no argument");
	cr_assert_eq(tl_eval("t.nope = x", &t, &err), -1);
	cr_assert_str_eq(err.msg, "unknown field 't.nope' at 1:1");
}

Test(cond_eval, modifiers)
{
	cr_assert_eq(ev_str("t.str startswith anyof (/usr, /etc)", "/etc/x"), 1);
	cr_assert_eq(ev_str("t.str startswith anyof (/usr, /bin)", "/etc/x"), 0);
	cr_assert_eq(ev_str("t.str contains allof (a, b)", "xaxbx"), 1);
	cr_assert_eq(ev_str("t.str contains allof (a, c)", "xaxbx"), 0);
	cr_assert_eq(ev_str("t.str contains oneof (a, b)", "xax"), 1);
	cr_assert_eq(ev_str("t.str contains oneof (a, x)", "xax"), 0);
	cr_assert_eq(ev_str("t.str = anyof (a, b)", "b"), 1);
	cr_assert_eq(ev_str("t.str != allof (a, b)", "b"), 0);
	cr_assert_eq(ev_str("t.str != allof (a, b)", "c"), 1);
	cr_assert_eq(ev_str("t.str endswith anyof ()", "c"), 0);
}

Test(cond_eval, transformers)
{
	tev t = { .str = "/usr/BIN/Bash", .str2 = "L3Vzci9iaW4=" };
	cr_assert_eq(tl_eval("tolower(t.str) = /usr/bin/bash", &t, &err), 1);
	cr_assert_eq(tl_eval("toupper(t.str) = /USR/BIN/BASH", &t, &err), 1);
	cr_assert_eq(tl_eval("basename(t.str) = Bash", &t, &err), 1);
	cr_assert_eq(tl_eval("tolower(basename(t.str)) = bash", &t, &err), 1);
	cr_assert_eq(tl_eval("len(t.str) = 13", &t, &err), 1);
	cr_assert_eq(tl_eval("len(t.str) > 20", &t, &err), 0);
	cr_assert_eq(tl_eval("b64(t.str2) = /usr/bin", &t, &err), 1);
	cr_assert_eq(tl_eval("t.str endswith toupper(t.str2)", &t, &err), 0);
	cr_assert_eq(tl_eval("tolower(t.u64) = x", &t, &err), -1);
	cr_assert_eq(tl_eval("val(t.str) = x", &t, &err), -1);
	cr_assert_eq(tl_eval("t.str regex val(t.str2)", &t, &err), -1);
	cr_assert_eq(tl_eval("t.str = val(t.u64)", &t, &err), -1, "types must match");
	tev u = { .str = "abc", .str2 = "ABC" };
	cr_assert_eq(tl_eval("t.str = tolower(t.str2)", &u, &err), 1);
	cr_assert_eq(tl_eval("t.str icontains val(t.str2)", &u, &err), 1);
	cr_assert_eq(tl_eval("t.str = val(t.str2)", &u, &err), 0);
}

Test(cond_eval, evt_type_checks)
{
	tev t = { .type = 5 };
	cr_assert_eq(tl_eval("evt.type = openat", &t, &err), 1);
	cr_assert_eq(tl_eval("evt.type in (open, execve)", &t, &err), 0);
	cr_assert_eq(tl_eval("evt.type != openat", &t, &err), 0);
	cr_assert_eq(tl_eval("not evt.type in (open, execve)", &t, &err), 1);
	cr_assert_eq(tl_eval("evt.type startswith open", &t, &err), 1, "falls back to the string value");
	cr_assert_eq(tl_eval("evt.type = nosuchevent", &t, &err), -1);
	cr_assert_str_eq(err.msg, "unknown event type 'nosuchevent' at 1:12");
}

static vg_evtset types_of(const char *cond)
{
	vg_fields *reg = tl_registry("syscall");
	vg_cond_ctx_opts o = { .registry = reg, .evttype_lookup = tl_evttype_lookup };
	vg_cond_ctx *ctx = vg_cond_compile_ctx_new(&o);
	vg_cond_node *ast = vg_cond_parse(vg_cond_compile_arena(ctx), cond, strlen(cond), &err);
	vg_cond_fail why;
	vg_cond_cnode *c = vg_cond_compile(ctx, ast, cond, strlen(cond), &why, &err);
	cr_assert_not_null(c, "%s", err.msg);
	vg_evtset s;
	vg_cond_compile_evttypes(c, &s);
	vg_cond_compile_ctx_free(ctx);
	vg_fields_free(reg);
	return s;
}

Test(cond_eval, evttypes_from_the_ast)
{
	vg_evtset s = types_of("evt.type in (open, openat) and t.str = x");
	cr_assert_eq(vg_cond_compile_evtset_count(&s), 4);
	cr_assert(vg_evtset_has(&s, 2) && vg_evtset_has(&s, 5) && !vg_evtset_has(&s, 10));
	s = types_of("evt.type = open or t.str = x");
	cr_assert_eq(vg_cond_compile_evtset_count(&s), VG_EVTSET_BITS, "or with a non-type check: all");
	s = types_of("evt.type = open or evt.type = execve");
	cr_assert_eq(vg_cond_compile_evtset_count(&s), 4);
	s = types_of("not evt.type != execve");
	cr_assert_eq(vg_cond_compile_evtset_count(&s), 2);
	s = types_of("evt.type != execve");
	cr_assert_eq(vg_cond_compile_evtset_count(&s), VG_EVTSET_BITS - 2);
	s = types_of("not (evt.type = open and t.str = x)");
	cr_assert_eq(vg_cond_compile_evtset_count(&s), VG_EVTSET_BITS, "De Morgan: not(a and b) = not a or not b");
	s = types_of("not (evt.type = open or evt.type = execve)");
	cr_assert_eq(vg_cond_compile_evtset_count(&s), VG_EVTSET_BITS - 4);
	cr_assert(!vg_evtset_has(&s, 3) && vg_evtset_has(&s, 4));
}

/* ---- join / concat / getopt (Falco 0.44) ---- */

static int ev_list(const char *cond, const char *const *items, uint32_t n)
{
	tev t = { .str = "s", .str2 = "t" };
	for (uint32_t i = 0; i < n; i++)
		t.list[i] = items[i];
	t.nlist = n;
	return tl_eval(cond, &t, &err);
}

Test(cond_parse, multi_operand_transformers)
{
	cr_assert_str_eq(canon("join(',', t.list) = x"), "join(\",\", t.list) = \"x\"");
	cr_assert_str_eq(canon("concat(t.str, \"-\", t.str2) = x"), "concat(t.str, \"-\", t.str2) = \"x\"");
	cr_assert_str_eq(canon("getopt(t.list, \"ab:\")[b] = x"), "getopt(t.list, \"ab:\")[\"b\"] = \"x\"");
	cr_assert_str_eq(canon("len(getopt(t.list, 'a')) > 1"), "len(getopt(t.list, \"a\")) > \"1\"");
	cr_assert_not_null(parse_error("join(',' t.list) = x"), "a missing comma is a parse error");
}

Test(cond_eval, join)
{
	const char *const l[] = { "a", "bc", "" };
	cr_assert_eq(ev_list("join(',', t.list) = 'a,bc,'", l, 3), 1);
	cr_assert_eq(ev_list("join(\"\", t.list) = abc", l, 3), 1);
	cr_assert_eq(ev_list("join(t.str, t.list) = asbcs", l, 3), 1, "the separator may be a field");
	cr_assert_eq(ev_list("toupper(join('+', t.list)) = 'A+BC+'", l, 3), 1);
	cr_assert_eq(ev_list("len(join('--', t.list)) = 7", l, 3), 1);
	cr_assert_eq(ev_list("join(',', t.list) = a", l, 1), 1, "one element, no separator");
	cr_assert_eq(ev_list("join(',', t.list) exists", l, 0), 0, "an empty list is missing");
	cr_assert_eq(ev_list("join(',', t.list) = a", l, 0), 0);
	cr_assert_eq(ev_list("join(t.list, t.list) = a", l, 1), -1);
	cr_assert(strstr(err.msg, "join() argument 1 must be a string, 't.list' is a list of string at 1:6"),
		  "%s", err.msg);
	cr_assert_eq(ev_list("join(',', t.str) = a", l, 1), -1);
	cr_assert(strstr(err.msg, "join() argument 2 must be a list of strings"), "%s", err.msg);
	cr_assert_eq(ev_list("join(',') = a", l, 1), -1);
	cr_assert(strstr(err.msg, "join() takes exactly two arguments"), "%s", err.msg);
	cr_assert_eq(ev_list("join(',', t.list)[x] = a", l, 1), -1);
	cr_assert(strstr(err.msg, "only getopt() takes an argument"), "%s", err.msg);
}

Test(cond_eval, concat)
{
	tev t = { .str = "/usr", .str2 = "bin" };
	cr_assert_eq(tl_eval("concat(t.str, '/', t.str2) = /usr/bin", &t, &err), 1);
	cr_assert_eq(tl_eval("concat(t.str, t.str2) = /usrbin", &t, &err), 1);
	cr_assert_eq(tl_eval("concat(basename(t.str), '.', toupper(t.str2)) = usr.BIN", &t, &err), 1);
	cr_assert_eq(tl_eval("t.str2 = val(concat(t.str2, ''))", &t, &err), -1, "val() takes a field");
	cr_assert_eq(tl_eval("concat(t.str, t.str2) startswith val(t.str)", &t, &err), 1);
	cr_assert_eq(tl_eval("concat(t.str, 'x') = t", &t, &err), 0);
	tev missing = { .str = "/usr" };
	cr_assert_eq(tl_eval("concat(t.str, t.str2) exists", &missing, &err), 0, "a missing operand");
	cr_assert_eq(tl_eval("not concat(t.str, t.str2) = /usr", &missing, &err), 1);
	cr_assert_eq(tl_eval("concat(t.str) = x", &t, &err), -1);
	cr_assert(strstr(err.msg, "concat() takes at least two arguments"), "%s", err.msg);
	cr_assert_eq(tl_eval("concat(t.str, t.i64) = x", &t, &err), -1);
	cr_assert(strstr(err.msg, "concat() argument 2 must be a string, 't.i64' is int64"), "%s", err.msg);
	cr_assert_eq(tl_eval("concat(t.str, t.list) = x", &t, &err), -1);
	cr_assert_eq(tl_eval("tolower('X') = x", &t, &err), -1);
	cr_assert(strstr(err.msg, "a string literal is only allowed as an argument of join()"), "%s", err.msg);
}

Test(cond_eval, getopt_selector)
{
	const char *const nc[] = { "-lvp", "4444", "-e", "/bin/sh", "target" };
	cr_assert_eq(ev_list("getopt(t.list, 'lvp:e:')[e] = /bin/sh", nc, 5), 1);
	cr_assert_eq(ev_list("getopt(t.list, 'lvp:e:')[p] = 4444", nc, 5), 1, "value in the next token");
	cr_assert_eq(ev_list("getopt(t.list, 'lvp:e:')[l] = l", nc, 5), 1, "a flag yields its own letter");
	cr_assert_eq(ev_list("getopt(t.list, 'lvp:e:')[x] exists", nc, 5), 0, "absent option: missing");
	cr_assert_eq(ev_list("getopt(t.list, ':lvpe:')[p] = p", nc, 5), 1, "p is a flag here");
	const char *const attached[] = { "-e/bin/bash", "-e", "/bin/zsh" };
	cr_assert_eq(ev_list("getopt(t.list, 'e:')[e] = /bin/zsh", attached, 3), 1, "the last one wins");
	const char *const dangling[] = { "-x", "-e" };
	cr_assert_eq(ev_list("getopt(t.list, 'xe:')[e] = ''", dangling, 2), 1, "a missing value is empty");
	const char *const stop[] = { "-a", "--", "-e", "x" };
	cr_assert_eq(ev_list("getopt(t.list, 'ae:')[e] exists", stop, 4), 0, "-- ends the options");
	const char *const nonopt[] = { "file", "-e", "x" };
	cr_assert_eq(ev_list("getopt(t.list, 'e:')[e] exists", nonopt, 3), 0, "stops at a non-option");
	const char *const longopt[] = { "--exec", "-e", "x", "-", "-e", "y" };
	cr_assert_eq(ev_list("getopt(t.list, 'e:')[e] = x", longopt, 6), 1, "long options skipped, '-' stops");
	tev t = { .str = "e:", .list = { "-ey" }, .nlist = 1 };
	cr_assert_eq(tl_eval("getopt(t.list, t.str)[e] = y", &t, &err), 1, "optstring from a field");
	cr_assert_eq(ev_list("getopt(t.list, 'e:')[ee] = x", nc, 5), -1);
	cr_assert(strstr(err.msg, "getopt()[c] takes a single option character"), "%s", err.msg);
	cr_assert_eq(ev_list("getopt(t.str, 'e:')[e] = x", nc, 5), -1);
	cr_assert(strstr(err.msg, "getopt() argument 1 must be a list of strings"), "%s", err.msg);
}

Test(cond_eval, getopt_list)
{
	const char *const a[] = { "-ab", "-q", "-cval", "-c", "rest", "x" };
	/* a b ? (q unknown) c val c rest */
	cr_assert_eq(ev_list("len(getopt(t.list, 'abc:')) = 7", a, 6), 1);
	cr_assert_eq(ev_list("join(' ', getopt(t.list, 'abc:')) = 'a b ? c val c rest'", a, 6), 1);
	cr_assert_eq(ev_list("getopt(t.list, 'abc:') intersects (val)", a, 6), 1);
	cr_assert_eq(ev_list("getopt(t.list, 'abc:') in (a, b, '?', c, val, rest)", a, 6), 1);
	const char *const dangling[] = { "-a", "-c" };
	cr_assert_eq(ev_list("join(',', getopt(t.list, 'ac:')) = 'a,'", dangling, 2), 1,
		     "a missing value is one empty element");
	const char *const none[] = { "plain" };
	cr_assert_eq(ev_list("getopt(t.list, 'a') exists", none, 1), 0, "no options: missing");
}
