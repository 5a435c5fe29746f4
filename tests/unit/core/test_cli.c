#include <criterion/criterion.h>
#include <string.h>

#include "cli/cli.h"

static vg_rc parse(vg_cli *cli, vg_err *e, int argc, const char **argv)
{
	vg_err_clear(e);
	return vg_cli_parse(cli, argc, (char **)argv, e);
}

Test(cli, repeatable_flags_keep_order)
{
	const char *argv[] = { "vigil", "-c", "my.yaml", "-r", "a.yaml", "-r", "dir", "-o", "json_output=true",
			       "-o", "priority=warning", "-M", "1.5", "-U", "--stats" };
	vg_cli cli;
	vg_err e;
	cr_assert_eq(parse(&cli, &e, 15, argv), VG_OK, "%s", e.msg);
	cr_assert_str_eq(cli.config_file, "my.yaml");
	cr_assert_eq(cli.rules_files.n, 2);
	cr_assert_str_eq(cli.rules_files.v[1], "dir");
	cr_assert_eq(cli.options.n, 2);
	cr_assert_str_eq(cli.options.v[0], "json_output=true");
	cr_assert_float_eq(cli.duration_s, 1.5, 1e-9);
	cr_assert(cli.unbuffered && cli.stats);
	vg_cli_free(&cli);
}

Test(cli, list_takes_an_optional_source_both_ways)
{
	vg_cli cli;
	vg_err e;
	const char *a1[] = { "vigil", "--list", "syscall", "--format", "json" };
	cr_assert_eq(parse(&cli, &e, 5, a1), VG_OK, "%s", e.msg);
	cr_assert(cli.list_fields);
	cr_assert_str_eq(cli.list_source, "syscall");
	cr_assert_eq(cli.list_format, VG_LIST_JSON);
	vg_cli_free(&cli);
	const char *a2[] = { "vigil", "--list=k8s_audit" };
	cr_assert_eq(parse(&cli, &e, 2, a2), VG_OK);
	cr_assert_str_eq(cli.list_source, "k8s_audit");
	vg_cli_free(&cli);
	const char *a3[] = { "vigil", "--list", "-N" };
	cr_assert_eq(parse(&cli, &e, 3, a3), VG_OK);
	cr_assert_null(cli.list_source);
	cr_assert(cli.names_only);
	vg_cli_free(&cli);
}

Test(cli, errors_name_the_flag)
{
	vg_cli cli;
	vg_err e;
	const char *a1[] = { "vigil", "--bogus" };
	cr_assert_neq(parse(&cli, &e, 2, a1), VG_OK);
	cr_assert(strstr(e.msg, "--bogus"), "%s", e.msg);
	vg_cli_free(&cli);
	const char *a2[] = { "vigil", "-M", "soon" };
	cr_assert_neq(parse(&cli, &e, 3, a2), VG_OK);
	cr_assert(strstr(e.msg, "-M") && strstr(e.msg, "soon"), "%s", e.msg);
	vg_cli_free(&cli);
	const char *a3[] = { "vigil", "--enable-source", "a", "--disable-source", "b" };
	cr_assert_neq(parse(&cli, &e, 5, a3), VG_OK);
	cr_assert(strstr(e.msg, "cannot be combined"), "%s", e.msg);
	vg_cli_free(&cli);
	const char *a4[] = { "vigil", "-r" };
	cr_assert_neq(parse(&cli, &e, 2, a4), VG_OK);
	cr_assert(strstr(e.msg, "needs an argument"), "%s", e.msg);
	vg_cli_free(&cli);
}

Test(cli, removed_falco_flags_get_a_migration_hint)
{
	vg_cli cli;
	vg_err e;
	const char *a1[] = { "vigil", "-e", "trace.scap" };
	cr_assert_neq(parse(&cli, &e, 3, a1), VG_OK);
	cr_assert(strstr(e.msg, "engine.replay.capture_file"), "%s", e.msg);
	vg_cli_free(&cli);
	const char *a2[] = { "vigil", "-A" };
	cr_assert_neq(parse(&cli, &e, 2, a2), VG_OK);
	cr_assert(strstr(e.msg, "base_syscalls.all"), "%s", e.msg);
	vg_cli_free(&cli);
}
