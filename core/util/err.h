/* Result codes and error messages with context.
 *
 * vg_rc is append-only (like CURLcode): values are never renumbered or reused, so logs and
 * exit statuses stay meaningful across versions. A vg_err carries a human message that each
 * layer prefixes with its own context on the way up, e.g.
 *   "rules.yaml:42:7: rule 'X': condition: unknown field 'y'". */
#ifndef VG_ERR_H
#define VG_ERR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum vg_rc {
	VG_OK = 0,
	VG_ERR_NOMEM = 1,     /* allocation failed */
	VG_ERR_INVALID = 2,   /* bad argument or malformed input */
	VG_ERR_PARSE = 3,     /* syntax error in a config, rules file, JSON, ... */
	VG_ERR_IO = 4,        /* read/write/open failed */
	VG_ERR_NOTFOUND = 5,  /* a named thing does not exist */
	VG_ERR_PLUGIN = 6,    /* a plugin refused, failed or misbehaved */
	VG_ERR_VERSION = 7,   /* incompatible version */
	VG_ERR_EXISTS = 8,    /* duplicate name or id */
	VG_ERR_UNSUPPORTED = 9, /* valid but not implemented by vigil */
	VG_ERR_LIMIT = 10,    /* a size or depth limit was exceeded */
	VG_ERR_TIMEOUT = 11,  /* nothing happened in time (not an error for sources) */
	VG_ERR_EOF = 12,      /* end of input */
	VG_ERR_INTERNAL = 13, /* a bug in vigil */
	VG_ERR_PERM = 14,     /* refused for safety or lacking privilege */
	VG_RC_LAST            /* keep last; never stored */
} vg_rc;

#define VG_ERR_MAX 2048

typedef struct vg_err {
	vg_rc rc;
	char msg[VG_ERR_MAX];
} vg_err;

/* Static text for a code ("out of memory", ...). Never NULL. */
const char *vg_strerror(vg_rc rc);

/* Sets err (when non-NULL) to rc and a printf-style message; returns rc so callers can
 * write `return vg_err_set(err, VG_ERR_PARSE, "...")`. */
vg_rc vg_err_set(vg_err *err, vg_rc rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
vg_rc vg_err_vset(vg_err *err, vg_rc rc, const char *fmt, va_list ap);

/* Prepends context to the current message ("ctx: old message"); returns err->rc. */
vg_rc vg_err_prefix(vg_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resets to VG_OK with an empty message. */
void vg_err_clear(vg_err *err);

#endif
