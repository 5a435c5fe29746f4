/* Last-error buffer and host logging. */
#include <stdio.h>
#include <string.h>

#include <vigil/plugin_sdk.h>

ss_plugin_rc vsdk_error_vset(vsdk_error *e, const char *fmt, va_list ap)
{
	int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	if (n >= (int)sizeof(e->msg)) /* make truncation visible rather than silent */
		memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);
	return SS_PLUGIN_FAILURE;
}

ss_plugin_rc vsdk_error_set(vsdk_error *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsdk_error_vset(e, fmt, ap);
	va_end(ap);
	return SS_PLUGIN_FAILURE;
}

const char *vsdk_error_str(const vsdk_error *e)
{
	return e->msg;
}

void vsdk_logger_init(vsdk_logger *l, const ss_plugin_init_input *in)
{
	l->owner = in ? in->owner : NULL;
	l->fn = in ? in->log_fn : NULL;
}

void vsdk_log(const vsdk_logger *l, ss_plugin_log_severity sev, const char *fmt, ...)
{
	if (!l->fn)
		return;
	vsdk_error line; /* same bound as every other message crossing the ABI */
	va_list ap;
	va_start(ap, fmt);
	vsdk_error_vset(&line, fmt, ap);
	va_end(ap);
	l->fn(l->owner, NULL, line.msg, sev);
}
