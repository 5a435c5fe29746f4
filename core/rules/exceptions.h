/* Rule exceptions rendered to condition text, as Falco does:
 *   list form:   (<cond>) and not ((f1 c1 v1 and f2 c2 v2) or (...))
 *   scalar form: (<cond>) and not (f comp (v1, v2, ...))
 * The text is then list-expanded and parsed like any condition. */
#ifndef VG_EXCEPTIONS_H
#define VG_EXCEPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "config/yamldoc.h"
#include "util/buf.h"
#include "util/err.h"

typedef struct vg_exception {
	const char *name;
	const vg_yaml_node *fields;  /* scalar or sequence (borrowed from the rules file tree) */
	const vg_yaml_node *comps;   /* NULL, scalar or sequence */
	const vg_yaml_node **values; /* accumulated value entries (append adds more) */
	uint32_t nvalues, cap;
	uint32_t line, col;
} vg_exception;

/* Checks the shape of fields/comps (operators valid, same lengths); err names the problem. */
vg_rc vg_exceptions_validate(const vg_exception *e, vg_err *err);

/* Appends " and not (...)" for e to out (nothing when e has no values). Validates each value's
 * shape; err set on a bad one. */
vg_rc vg_exceptions_render(const vg_exception *e, vg_buf *out, vg_err *err);

#endif
