#include "util/err.h"

#include <stdio.h>
#include <string.h>

static const char *const rc_text[VG_RC_LAST] = {
	[VG_OK] = "no error",
	[VG_ERR_NOMEM] = "out of memory",
	[VG_ERR_INVALID] = "invalid input",
	[VG_ERR_PARSE] = "parse error",
	[VG_ERR_IO] = "I/O error",
	[VG_ERR_NOTFOUND] = "not found",
	[VG_ERR_PLUGIN] = "plugin error",
	[VG_ERR_VERSION] = "incompatible version",
	[VG_ERR_EXISTS] = "already exists",
	[VG_ERR_UNSUPPORTED] = "not supported",
	[VG_ERR_LIMIT] = "limit exceeded",
	[VG_ERR_TIMEOUT] = "timeout",
	[VG_ERR_EOF] = "end of input",
	[VG_ERR_INTERNAL] = "internal error",
	[VG_ERR_PERM] = "permission denied",
};

const char *vg_strerror(vg_rc rc)
{
	if ((int)rc < 0 || rc >= VG_RC_LAST || !rc_text[rc])
		return "unknown error";
	return rc_text[rc];
}

vg_rc vg_err_vset(vg_err *err, vg_rc rc, const char *fmt, va_list ap)
{
	if (!err)
		return rc;
	err->rc = rc;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return rc;
}

vg_rc vg_err_set(vg_err *err, vg_rc rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vg_err_vset(err, rc, fmt, ap);
	va_end(ap);
	return rc;
}

vg_rc vg_err_prefix(vg_err *err, const char *fmt, ...)
{
	if (!err)
		return VG_ERR_INTERNAL;
	char prefix[VG_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (n < 0)
		return err->rc;
	/* Shift the old message right and put "prefix: " in front; the tail is cut if the whole
	 * no longer fits, which keeps the outermost context (the most useful part) intact. */
	size_t plen = strlen(prefix), olen = strlen(err->msg);
	if (plen + 2 >= sizeof(err->msg))
		plen = sizeof(err->msg) - 3;
	size_t keep = olen;
	if (plen + 2 + keep >= sizeof(err->msg))
		keep = sizeof(err->msg) - plen - 3;
	memmove(err->msg + plen + 2, err->msg, keep);
	memcpy(err->msg, prefix, plen);
	err->msg[plen] = ':';
	err->msg[plen + 1] = ' ';
	err->msg[plen + 2 + keep] = '\0';
	return err->rc;
}

void vg_err_clear(vg_err *err)
{
	if (!err)
		return;
	err->rc = VG_OK;
	err->msg[0] = '\0';
}
