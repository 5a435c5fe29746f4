/* Alert lines on the stdin of `sh -c PROGRAM` (program_output). With keep_alive one process
 * reads every alert (restarted when it exits: broken pipe); without it, one process per alert,
 * waited for before the next alert. SIGPIPE is blocked around each write, so a dead reader is
 * an EPIPE error here (and a restart) and never kills vigil. */
#ifndef VG_SINK_PROGRAM_H
#define VG_SINK_PROGRAM_H

#include <stdbool.h>

#include "outputs/sink.h"

/* program is copied. Nothing is spawned until the first alert. Free with s->ops->destroy
 * (closes the pipe and waits for the process). NULL on allocation failure. */
vg_sink *vg_sink_program_new(const char *program, bool keep_alive);

#endif
