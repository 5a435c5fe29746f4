#include "rules/cond_text.h"

#include <string.h>

static bool is_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' || c == ')' || c == ',' || c == '=';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void vg_cond_text_join_item(vg_buf *joined, const char *item)
{
	if (joined->len)
		vg_buf_puts(joined, ", ");
	bool quote = item[0] != '"' && item[0] != '\'' && strpbrk(item, " \t\r\n") != NULL;
	if (quote)
		vg_buf_putc(joined, '"');
	vg_buf_puts(joined, item);
	if (quote)
		vg_buf_putc(joined, '"');
}

/* An empty list leaves "(a, )" behind: drop the comma before it, or else the one after it. */
static size_t drop_comma(vg_buf *out, const char *src, size_t after)
{
	size_t k = out->len;
	while (k > 0 && is_blank(out->data[k - 1]))
		k--;
	if (k > 0 && out->data[k - 1] == ',') {
		out->len = k - 1;
		out->data[out->len] = '\0';
		return after;
	}
	size_t j = after;
	while (src[j] && is_blank(src[j]))
		j++;
	return src[j] == ',' ? j + 1 : after;
}

static vg_rc substitute(const char *src, vg_cond_text_list *l, vg_buf *out, vg_err *err)
{
	size_t nlen = strlen(l->name), i = 0;
	vg_buf_reset(out);
	if (!nlen) {
		vg_buf_puts(out, src);
		return VG_OK;
	}
	for (const char *hit = strstr(src, l->name); hit; hit = strstr(src + i, l->name)) {
		size_t j = (size_t)(hit - src), end = j + nlen;
		bool bounded = (j == 0 || is_delim(src[j - 1])) && (!src[end] || is_delim(src[end]));
		if (!bounded) {
			vg_buf_append(out, src + i, j + 1 - i);
			i = j + 1;
			continue;
		}
		vg_buf_append(out, src + i, j - i);
		if (!l->joined[0])
			end = drop_comma(out, src, end);
		vg_buf_puts(out, l->joined);
		l->used = true;
		i = end;
		if (out->len > VG_COND_TEXT_MAX)
			return vg_err_set(err, VG_ERR_LIMIT, "condition longer than %u bytes after list expansion",
					  VG_COND_TEXT_MAX);
	}
	vg_buf_puts(out, src + i);
	if (out->oom)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory expanding lists");
	return VG_OK;
}

vg_rc vg_cond_text_expand(const char *text, vg_cond_text_list *lists, size_t nlists, vg_buf *out, vg_err *err)
{
	vg_buf tmp;
	vg_buf_init(&tmp);
	vg_buf_reset(out);
	vg_buf_puts(out, text);
	vg_rc rc = out->oom ? vg_err_set(err, VG_ERR_NOMEM, "out of memory expanding lists") : VG_OK;
	for (size_t k = 0; k < nlists && !rc; k++) {
		if (!strstr(out->data, lists[k].name))
			continue;
		rc = substitute(out->data, &lists[k], &tmp, err);
		vg_buf swap = *out;
		*out = tmp;
		tmp = swap;
	}
	vg_buf_free(&tmp);
	return rc;
}
