/* Alert lines to syslog(3), facility LOG_USER, level = the alert's priority (as Falco does). */
#ifndef VG_SINK_SYSLOG_H
#define VG_SINK_SYSLOG_H

#include "outputs/sink.h"

/* Free with s->ops->destroy. NULL on allocation failure. */
vg_sink *vg_sink_syslog_new(void);

#endif
