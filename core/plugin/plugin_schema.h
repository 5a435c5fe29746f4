/* Init-config validation against the JSON Schema a plugin returns from get_init_schema.
 * Supported keywords (enough for the schemas plugins ship, draft-04 style): type (name or array
 * of names), properties (recursively), required, items, enum, additionalProperties: false.
 * Other keywords are ignored, as a lenient validator would. */
#ifndef VG_PLUGIN_SCHEMA_H
#define VG_PLUGIN_SCHEMA_H

#include "util/err.h"

/* Checks config (JSON text) against schema (JSON Schema text). Both borrowed. Errors name the
 * JSON path and the reason: "'options.size': expected integer, got string". A schema that is
 * not valid JSON is reported as such (the plugin is at fault). */
vg_rc vg_plugin_schema_validate(const char *schema, const char *config, vg_err *err);

#endif
