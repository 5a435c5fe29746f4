/* Alert lines to a stdio stream (stdout in production, any FILE in tests). */
#ifndef VG_SINK_STDOUT_H
#define VG_SINK_STDOUT_H

#include <stdio.h>

#include "outputs/sink.h"

/* f is borrowed (not closed on destroy). Free with s->ops->destroy. NULL on allocation failure. */
vg_sink *vg_sink_stdout_new(FILE *f);

#endif
