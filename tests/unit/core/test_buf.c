#include <criterion/criterion.h>
#include <stdlib.h>

#include "util/buf.h"

Test(buf, starts_empty_and_appends)
{
	vg_buf b;
	vg_buf_init(&b);
	cr_assert_str_eq(b.data, "");
	vg_buf_puts(&b, "abc");
	vg_buf_putc(&b, '-');
	vg_buf_printf(&b, "%d/%s", 42, "x");
	cr_assert_str_eq(b.data, "abc-42/x");
	cr_assert_eq(b.len, 8);
	vg_buf_free(&b);
}

Test(buf, reset_keeps_capacity)
{
	vg_buf b;
	vg_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		vg_buf_puts(&b, "0123456789");
	size_t cap = b.cap;
	vg_buf_reset(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.data, "");
	cr_assert_eq(b.cap, cap);
	vg_buf_free(&b);
}

Test(buf, steal_transfers_ownership)
{
	vg_buf b;
	vg_buf_init(&b);
	char *empty = vg_buf_steal(&b);
	cr_assert_str_eq(empty, "");
	free(empty);
	vg_buf_puts(&b, "mine");
	char *s = vg_buf_steal(&b);
	cr_assert_str_eq(s, "mine");
	cr_assert_str_eq(b.data, "");
	free(s);
}
