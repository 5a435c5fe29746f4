/* Alert lines appended to a file (file_output). keep_alive keeps the file open between alerts
 * (and reopens it when it was rotated away or on vg_outputs_reopen); without keep_alive every
 * alert opens, appends and closes, so external rotation needs no signal at all. */
#ifndef VG_SINK_FILE_H
#define VG_SINK_FILE_H

#include <stdbool.h>

#include "outputs/sink.h"

/* filename is copied. The file is created on first write (mode 0644 minus umask), not here.
 * Free with s->ops->destroy. NULL on allocation failure. */
vg_sink *vg_sink_file_new(const char *filename, bool keep_alive);

#endif
