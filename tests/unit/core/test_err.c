#include <criterion/criterion.h>

#include "util/err.h"

Test(err, set_and_prefix_build_context_chain)
{
	vg_err e;
	vg_err_clear(&e);
	cr_assert_eq(vg_err_set(&e, VG_ERR_PARSE, "unknown field '%s'", "y"), VG_ERR_PARSE);
	vg_err_prefix(&e, "condition");
	vg_err_prefix(&e, "rule '%s'", "X");
	vg_err_prefix(&e, "%s:%d:%d", "rules.yaml", 42, 7);
	cr_assert_str_eq(e.msg, "rules.yaml:42:7: rule 'X': condition: unknown field 'y'");
	cr_assert_eq(e.rc, VG_ERR_PARSE);
}

Test(err, strerror_covers_every_code)
{
	for (int rc = 0; rc < VG_RC_LAST; rc++)
		cr_assert_str_neq(vg_strerror((vg_rc)rc), "unknown error", "code %d has no text", rc);
	cr_assert_str_eq(vg_strerror((vg_rc)9999), "unknown error");
}

Test(err, null_err_is_allowed)
{
	cr_assert_eq(vg_err_set(NULL, VG_ERR_IO, "ignored"), VG_ERR_IO);
}
