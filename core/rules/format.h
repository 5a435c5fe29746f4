/* Output formats: "%field", "%field[arg]", "%20field" (width: pad or truncate), "%tolower(f)".
 * A token is the longest prefix after '%' that names a field. Missing values print <NA>.
 * Also builds the typed `output_fields` JSON object of an alert (keys sorted bytewise as Falco's
 * std::map does). Fields are extracted through the ruleset's slot cache, so a field already read
 * by the condition is not extracted again. */
#ifndef VG_FORMAT_H
#define VG_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "rules/cond_compile.h"
#include "rules/cond_eval.h"
#include "util/buf.h"

typedef struct vg_format vg_format;
typedef struct vg_format_json vg_format_json;

/* Compiles fmt against the context's registry; lives in the context's arena. NULL on error
 * (err, *why set: VG_CF_UNKNOWN_FIELD for an unknown field). */
vg_format *vg_format_compile(vg_cond_ctx *ctx, const char *fmt, vg_cond_fail *why, vg_err *err);

/* Appends the formatted text. */
void vg_format_text(const vg_format *f, vg_cond_state *st, vg_evctx *ev, vg_buf *out);

/* ---- output_fields ---- */

vg_format_json *vg_format_json_new(vg_cond_ctx *ctx);
/* Adds every plain field token of f (not transformer tokens) under the name as written. */
bool vg_format_json_add_fields(vg_format_json *j, const vg_format *f);
/* Adds a field by name ("proc.name", "proc.aname[2]"); false (err set) when it does not compile. */
bool vg_format_json_add_field(vg_format_json *j, const char *name, vg_cond_fail *why, vg_err *err);
/* Adds key → formatted string of fmt. */
bool vg_format_json_add_format(vg_format_json *j, const char *key, const vg_format *fmt);
/* Adds key → constant string. Strings are copied. */
bool vg_format_json_add_static(vg_format_json *j, const char *key, const char *value);
/* Adds "evt.time" → event timestamp as an integer (ns). */
bool vg_format_json_add_evt_time(vg_format_json *j);
/* Sorts keys and drops duplicates (the first added wins). Call once after adding. */
void vg_format_json_finish(vg_format_json *j);
/* Appends the JSON object text. */
void vg_format_json_render(const vg_format_json *j, vg_cond_state *st, vg_evctx *ev, vg_buf *out);

#endif
