/* Plugin host: loads plugin shared objects (Falco plugin API 3.12 ABI) and drives them.
 *
 * Three levels, so one .so can serve several source threads:
 *   vg_plugin_registry  every loaded library of the process; enforces unique names and ids and
 *                       owns the libraries (freed with the registry).
 *   vg_plugin_lib       one dlopen'ed library: resolved symbols, checked version and
 *                       capabilities, and copies of everything it said about itself.
 *   vg_plugin           one plugin state (plugin_init) with at most one open capture; used by one
 *                       source thread. Created/destroyed by the engine; must be destroyed before
 *                       its registry is freed.
 *
 * Errors: every failure fills a vg_err whose message names the plugin (name when known, and
 * the library path) and the phase: "plugin 'dummy' (/usr/share/vigil/plugins/libdummy.so):
 * init: <reason>". Loading/init/open/close run on one thread at a time; next_batch, extract,
 * parse and event_to_string may run concurrently on distinct vg_plugin values.
 */
#ifndef VG_PLUGIN_H
#define VG_PLUGIN_H

#include <stdbool.h>
#include <stdint.h>

#include <vigil/plugin_api.h>

#include "fields/fields.h"
#include "util/err.h"

/* Host API version vigil claims. */
#define VG_PLUGIN_HOST_API_VERSION "3.12.0"

/* Capability bits (same values as the ABI reference's plugin_caps_t). */
enum {
	VG_PLUGIN_CAP_SOURCING = 1u << 0,
	VG_PLUGIN_CAP_EXTRACTION = 1u << 1,
	VG_PLUGIN_CAP_PARSING = 1u << 2,
	VG_PLUGIN_CAP_ASYNC = 1u << 3,             /* accepted with a warning, events not delivered */
	VG_PLUGIN_CAP_CAPTURE_LISTENING = 1u << 4, /* accepted with a warning, never called */
};

typedef struct vg_plugin_registry vg_plugin_registry;
typedef struct vg_plugin_lib vg_plugin_lib;
typedef struct vg_plugin vg_plugin;

/* What a library said about itself, copied at load time. Every pointer is owned by the library
 * and valid until the registry is freed. */
typedef struct vg_plugin_info {
	const char *path;                 /* resolved absolute path of the .so */
	const char *name;
	const char *version;              /* semver */
	const char *required_api_version; /* "3.0.0" ... */
	const char *description;
	const char *contact;
	uint32_t caps;                    /* VG_PLUGIN_CAP_* */
	uint32_t id;                      /* sourcing: 0 = feeds "syscall"; else registered id */
	const char *event_source;         /* sourcing: own source ("syscall" for id 0), else NULL */
	const char *init_schema;          /* JSON Schema text, or NULL */
	const vg_field_info *fields;      /* extraction: declared fields (ext NULL, id = index) */
	uint32_t nfields;
	const char *fields_json;          /* extraction: get_fields text as returned */
	/* Sources the plugin extracts from / parses. n == 0 means "every source". A sourcing plugin
	 * with a specific source always has its own source in the list. */
	const char *const *extract_sources;
	uint32_t n_extract_sources;
	const char *const *parse_sources;
	uint32_t n_parse_sources;
} vg_plugin_info;

/* ---- registry ---- */

/* plugin_dir: where relative library paths resolve (NULL = VIGIL_PLUGIN_DIR). Copied. */
vg_plugin_registry *vg_plugin_registry_new(const char *plugin_dir);
/* Unloads every library. All vg_plugin states must have been destroyed before. */
void vg_plugin_registry_free(vg_plugin_registry *reg);

/* Loads library_path (absolute, or relative to the plugin dir; ".." is refused), checks it and
 * adds it to the registry. Refuses world-writable files, version mismatches, missing required
 * symbols, invalid semver, broken or unsupported capabilities, invalid get_fields JSON, duplicate
 * plugin names and duplicate/reserved source ids. *out is owned by the registry. */
vg_rc vg_plugin_registry_load(vg_plugin_registry *reg, const char *library_path, vg_plugin_lib **out,
			      vg_err *err);
/* Lookup by plugin name; NULL when not loaded. */
vg_plugin_lib *vg_plugin_registry_find(const vg_plugin_registry *reg, const char *name);
uint32_t vg_plugin_registry_count(const vg_plugin_registry *reg);
vg_plugin_lib *vg_plugin_registry_at(const vg_plugin_registry *reg, uint32_t i); /* load order */

/* ---- library ---- */

const vg_plugin_info *vg_plugin_lib_info(const vg_plugin_lib *lib);
/* Whether the library extracts from / parses events of source (declared lists, see above). */
bool vg_plugin_lib_extracts_from(const vg_plugin_lib *lib, const char *source);
bool vg_plugin_lib_parses_from(const vg_plugin_lib *lib, const char *source);
/* Suggested open params (list_open_params needs a state, so this takes one): the JSON text is
 * copied into *out (malloc'ed, caller frees); *out = NULL when the plugin has none. */
vg_rc vg_plugin_list_open_params(vg_plugin *p, char **out, vg_err *err);
/* Comparison helper used for required_plugin_versions: same major and have >= want. */
bool vg_plugin_version_satisfies(const char *have, const char *want);

/* ---- state ---- */

/* Creates a state (plugin_init). config: the init config string (borrowed; NULL = ""). When the
 * plugin declares a JSON schema, "" becomes "{}" and the config is validated against the schema
 * first. On FAILURE the plugin's get_last_error is reported and the state destroyed.
 * *out is owned by the caller, freed with vg_plugin_destroy. */
vg_rc vg_plugin_init(vg_plugin_lib *lib, const char *config, vg_plugin **out, vg_err *err);
/* Closes an open capture if any, then plugin_destroy. NULL is a no-op. */
void vg_plugin_destroy(vg_plugin *p);
vg_plugin_lib *vg_plugin_get_lib(const vg_plugin *p);
const vg_plugin_info *vg_plugin_get_info(const vg_plugin *p);

/* Event-type filters returned after init (NULL/0 = no filter, see the ABI reference). Owned by
 * p; valid until vg_plugin_destroy. */
const uint16_t *vg_plugin_extract_types(const vg_plugin *p, uint32_t *n);
const uint16_t *vg_plugin_parse_types(const vg_plugin *p, uint32_t *n);

/* Applies a new config to a live state (set_config); VG_ERR_UNSUPPORTED when not exported. */
vg_rc vg_plugin_set_config(vg_plugin *p, const char *config, vg_err *err);

/* ---- sourcing ---- */

/* One batch from next_batch. evts and every event are owned by the plugin until the next
 * vg_plugin_next_batch or vg_plugin_close on the same state. Events have been fixed up: ts
 * UINT64_MAX → now; for type 322 tid = -1 and plugin_id 0 → own id. */
typedef struct vg_plugin_batch {
	uint32_t n;
	ss_plugin_event *const *evts;
} vg_plugin_batch;

/* Opens the capture (params borrowed; NULL = ""). One open capture per state. */
vg_rc vg_plugin_open(vg_plugin *p, const char *params, vg_err *err);
/* Closes the open capture; no-op when none. */
void vg_plugin_close(vg_plugin *p);
/* Next batch. Always consume out->n events first (they may come with a non-OK result), then act
 * on the result: VG_OK (n > 0), VG_ERR_TIMEOUT (no data now, call again), VG_ERR_EOF (capture
 * ended), VG_ERR_PLUGIN (err has the plugin's message or the contract violation; events before
 * a malformed one are still delivered). */
vg_rc vg_plugin_next_batch(vg_plugin *p, vg_plugin_batch *out, vg_err *err);
/* Progress 0..10000 and its text copied into p (valid until the next call); false when the
 * plugin does not report progress. */
bool vg_plugin_progress(vg_plugin *p, uint32_t *pct, const char **text);
/* event_to_string copied into ev->scratch; NULL when not exported or on failure. */
const char *vg_plugin_event_to_string(vg_plugin *p, vg_evctx *ev);

/* ---- extraction and parsing ---- */

/* The extractor serving this state's fields: register lib->fields with it (vg_fields_add). Its
 * extract() calls plugin_extract_fields with one field and copies results into ev->scratch, so
 * values stay valid for the whole event. Owned by p. */
const vg_extractor *vg_plugin_extractor(vg_plugin *p);
/* After an extractor call returned VG_ERR_PLUGIN: fills err with "plugin 'x' (path): <phase>:
 * <the plugin's get_last_error>" and returns VG_ERR_PLUGIN. Same thread as the failed call. */
vg_rc vg_plugin_explain(vg_plugin *p, const char *phase, vg_err *err);
/* parse_event on ev (call at most once per event, before extraction). VG_ERR_PLUGIN with the
 * plugin's message on failure. */
vg_rc vg_plugin_parse(vg_plugin *p, vg_evctx *ev, vg_err *err);

/* ---- metrics ---- */

/* Metrics of the state: *out points to the plugin's array (valid until the next call), *n its
 * length; *n = 0 when the plugin exports none. */
void vg_plugin_metrics(vg_plugin *p, const ss_plugin_metric **out, uint32_t *n);

#endif
