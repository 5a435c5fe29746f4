/* Validation of the JSON documents a plugin returns about itself: the get_fields array (turned
 * into vg_field_info) and the string lists of get_{extract,parse}_event_sources. */
#ifndef VG_PLUGIN_FIELDS_H
#define VG_PLUGIN_FIELDS_H

#include <stdint.h>

#include "fields/fields.h"
#include "util/arena.h"
#include "util/err.h"

/* Parses get_fields JSON. On success *out is an array of *n fields allocated in a (names,
 * descriptions included), with ext = NULL and id = position in the array. Errors name the field
 * index and the reason ("field #2 'x.y': unknown type 'float'"). */
vg_rc vg_plugin_fields_parse(const char *json, vg_arena *a, vg_field_info **out, uint32_t *n, vg_err *err);

/* Parses a JSON array of non-empty strings (NULL or "" = empty list) into a's memory. */
vg_rc vg_plugin_fields_strlist(const char *json, vg_arena *a, char ***out, uint32_t *n, vg_err *err);

#endif
