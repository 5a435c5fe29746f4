/* The interface every alert sink implements (stdout, file, syslog, program, http, or a custom
 * one added with vg_outputs_add_sink). A sink embeds vg_sink as its FIRST member so the output
 * module can call it through ops.
 *
 * Threading: every op is called from the single output thread only (never concurrently), so
 * sinks need no locking and may block: a slow sink only lets the alert queue fill up. */
#ifndef VG_SINK_H
#define VG_SINK_H

#include <stddef.h>

#include "util/err.h"

typedef struct vg_sink vg_sink;

typedef struct vg_sink_ops {
	const char *name; /* static: "stdout", "file", ... (used in stats and error messages) */
	/* Writes one formatted alert line (line[len] == '\0', no trailing newline); priority is the
	 * syslog number 0..7. Returns VG_OK or an error described in err (logged by the caller,
	 * never fatal). line is borrowed for the call. */
	vg_rc (*write)(vg_sink *s, const char *line, size_t len, int priority, vg_err *err);
	void (*flush)(vg_sink *s);   /* optional: push buffered data out */
	void (*reopen)(vg_sink *s);  /* optional: reopen files/pipes (SIGHUP, log rotation) */
	void (*destroy)(vg_sink *s); /* frees the sink */
} vg_sink_ops;

struct vg_sink {
	const vg_sink_ops *ops;
};

#endif
