/* Textual list substitution, as Falco does it before parsing a condition: every occurrence of a
 * list name delimited by the start/end of the text or one of space, tab, CR, LF, '(', ')', ',',
 * '=' becomes the list's items joined with ", " (an empty list also removes one adjacent comma).
 * Quotes are not special, exactly like upstream. */
#ifndef VG_COND_TEXT_H
#define VG_COND_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Expanded text stops growing here (hostile lists of lists could otherwise explode). */
#define VG_COND_TEXT_MAX (4u << 20)

typedef struct vg_cond_text_list {
	const char *name;   /* borrowed */
	const char *joined; /* borrowed: items already joined with ", " ("" for an empty list) */
	bool used;          /* set when an occurrence was substituted */
} vg_cond_text_list;

/* Applies each list in order to text; the result replaces out's contents. Fails (VG_ERR_LIMIT)
 * when the result would exceed VG_COND_TEXT_MAX. */
vg_rc vg_cond_text_expand(const char *text, vg_cond_text_list *lists, size_t nlists, vg_buf *out, vg_err *err);

/* Appends item to a ", "-joined list text, double-quoting it when it holds a blank and is not
 * already quoted. */
void vg_cond_text_join_item(vg_buf *joined, const char *item);

#endif
