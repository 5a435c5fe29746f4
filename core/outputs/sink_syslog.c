#include "outputs/sink_syslog.h"

#include <stdlib.h>
#include <syslog.h>

static vg_rc syslog_write(vg_sink *s, const char *line, size_t len, int priority, vg_err *err)
{
	syslog(LOG_USER | (priority & 7), "%s", line);
	return VG_OK;
}

static void syslog_destroy(vg_sink *s)
{
	free(s);
}

static const vg_sink_ops syslog_ops = { .name = "syslog", .write = syslog_write, .destroy = syslog_destroy };

vg_sink *vg_sink_syslog_new(void)
{
	vg_sink *s = calloc(1, sizeof(*s));
	if (s)
		s->ops = &syslog_ops;
	return s;
}
