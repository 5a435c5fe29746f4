/*
 * vigil plugin API — binary-compatible with the Falco plugin API 3.12.0.
 *
 * Every type, enum constant, macro and struct below carries the name and the exact memory layout
 * of the Falco plugin API, so that:
 *   - a plugin source written for Falco's API compiles against this header unchanged, and
 *   - a shared object built against either header loads in vigil and in Falco.
 * Layouts are fixed: the API only grows by appending members to input structs under a new minor
 * version. The _Static_asserts at the end pin every size and offset on LP64 (x86-64, arm64).
 *
 * Memory rules (apply to every function below):
 *   - The PLUGIN owns every pointer it returns. Identity strings (get_name, get_version, ...) stay
 *     valid until destroy; any other returned pointer stays valid until the next call of the same
 *     function on the same state (or instance), or until close/destroy.
 *   - The HOST owns every pointer it passes in (input structs, event buffers, config strings);
 *     they are borrowed for the duration of the call only.
 *   - The host copies returned strings immediately, so a plugin may reuse one static buffer.
 *
 * Concurrency: next_batch, get_progress, event_to_string, extract_fields and parse_event may run
 * concurrently on DISTINCT ss_plugin_t / ss_instance_t values; every other function is called by
 * one thread at a time. One shared object may be init'ed several times in one process.
 */
#ifndef VIGIL_PLUGIN_API_H
#define VIGIL_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Versions and limits
 * ------------------------------------------------------------------------------------------- */

#define PLUGIN_API_VERSION_MAJOR 3
#define PLUGIN_API_VERSION_MINOR 12
#define PLUGIN_API_VERSION_PATCH 0

#define VIGIL_PLUGIN_QUOTE_(x) #x
#define VIGIL_PLUGIN_EXPAND_QUOTE_(x) VIGIL_PLUGIN_QUOTE_(x)
#define PLUGIN_API_VERSION PLUGIN_API_VERSION_MAJOR.PLUGIN_API_VERSION_MINOR.PLUGIN_API_VERSION_PATCH
/* "3.12.0". A plugin should rather return the LOWEST version it needs (see
 * plugin_get_required_api_version) so that it also loads in older hosts. */
#define PLUGIN_API_VERSION_STR VIGIL_PLUGIN_EXPAND_QUOTE_(PLUGIN_API_VERSION)

/* Size of the error buffers exchanged with the host, terminating NUL included. */
#define PLUGIN_MAX_ERRLEN 1024

/* Offset of the payload inside a plugin event (type 322): 26 header + 2*4 lengths + 4 plugin id. */
#define PLUGIN_EVENT_PAYLOAD_OFFSET 38

/* Since the project builds with -fvisibility=hidden, plugin authors mark their plugin_* functions
 * with this (the prototypes below already carry it, so a definition that follows the
 * #include is exported even without it). */
#if defined(_WIN32)
#define VIGIL_PLUGIN_EXPORT __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define VIGIL_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define VIGIL_PLUGIN_EXPORT
#endif

/* ---------------------------------------------------------------------------------------------
 * Basic types, return codes, enums
 * ------------------------------------------------------------------------------------------- */

typedef enum ss_plugin_rc {
	SS_PLUGIN_SUCCESS = 0,
	SS_PLUGIN_FAILURE = 1,
	SS_PLUGIN_TIMEOUT = -1,
	SS_PLUGIN_EOF = 2,
	SS_PLUGIN_NOT_SUPPORTED = 3
} ss_plugin_rc;

typedef enum ss_plugin_schema_type {
	SS_PLUGIN_SCHEMA_NONE = 0,
	SS_PLUGIN_SCHEMA_JSON = 1
} ss_plugin_schema_type;

/* Same numeric values as libscap's PT_* parameter types. */
typedef enum ss_plugin_field_type {
	FTYPE_UINT64 = 8,
	FTYPE_STRING = 9,
	FTYPE_RELTIME = 20,
	FTYPE_ABSTIME = 21,
	FTYPE_BOOL = 25,
	FTYPE_IPADDR = 40,
	FTYPE_IPNET = 41
} ss_plugin_field_type;

typedef enum ss_plugin_state_type {
	SS_PLUGIN_ST_INT8 = 1,
	SS_PLUGIN_ST_INT16 = 2,
	SS_PLUGIN_ST_INT32 = 3,
	SS_PLUGIN_ST_INT64 = 4,
	SS_PLUGIN_ST_UINT8 = 5,
	SS_PLUGIN_ST_UINT16 = 6,
	SS_PLUGIN_ST_UINT32 = 7,
	SS_PLUGIN_ST_UINT64 = 8,
	SS_PLUGIN_ST_STRING = 9,
	SS_PLUGIN_ST_TABLE = 10,
	SS_PLUGIN_ST_BOOL = 25
} ss_plugin_state_type;

typedef enum ss_plugin_log_severity {
	SS_PLUGIN_LOG_SEV_FATAL = 1,
	SS_PLUGIN_LOG_SEV_CRITICAL = 2,
	SS_PLUGIN_LOG_SEV_ERROR = 3,
	SS_PLUGIN_LOG_SEV_WARNING = 4,
	SS_PLUGIN_LOG_SEV_NOTICE = 5,
	SS_PLUGIN_LOG_SEV_INFO = 6,
	SS_PLUGIN_LOG_SEV_DEBUG = 7,
	SS_PLUGIN_LOG_SEV_TRACE = 8
} ss_plugin_log_severity;

typedef enum ss_plugin_metric_type {
	SS_PLUGIN_METRIC_TYPE_MONOTONIC = 0,
	SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC = 1
} ss_plugin_metric_type;

typedef enum ss_plugin_metric_value_type {
	SS_PLUGIN_METRIC_VALUE_TYPE_U32 = 0,
	SS_PLUGIN_METRIC_VALUE_TYPE_S32 = 1,
	SS_PLUGIN_METRIC_VALUE_TYPE_U64 = 2,
	SS_PLUGIN_METRIC_VALUE_TYPE_S64 = 3,
	SS_PLUGIN_METRIC_VALUE_TYPE_D = 4,
	SS_PLUGIN_METRIC_VALUE_TYPE_F = 5,
	SS_PLUGIN_METRIC_VALUE_TYPE_I = 6
} ss_plugin_metric_value_type;

/* 4 bytes since API 3.0; values 0/1. */
typedef uint32_t ss_plugin_bool;

/* Opaque handles. */
typedef void ss_plugin_t;                      /* plugin state, from plugin_init */
typedef void ss_instance_t;                    /* open capture, from plugin_open */
typedef void ss_plugin_owner_t;                /* host handle, passed back in callbacks */
typedef void ss_plugin_table_t;
typedef void ss_plugin_table_entry_t;
typedef void ss_plugin_table_field_t;
typedef void ss_plugin_table_iterator_state_t;
typedef void ss_plugin_routine_t;
typedef void ss_plugin_routine_state_t;

/* ---------------------------------------------------------------------------------------------
 * Events (libscap format)
 * ------------------------------------------------------------------------------------------- */

/* Event header, identical to libscap's ppm_evt_hdr (packed, 26 bytes). It is followed by nparams
 * parameter lengths (u16, or u32 for large-payload types such as 322) and the parameter bytes.
 * ts == UINT64_MAX asks the host to fill in the current time; tid == (uint64_t)-1 means none.
 * vigil never defines PPM_ENABLE_SENTINEL. */
#pragma pack(push, 1)
typedef struct ss_plugin_event {
#ifdef PPM_ENABLE_SENTINEL
	uint32_t sentinel_begin;
#endif
	uint64_t ts;
	uint64_t tid;
	uint32_t len;
	uint16_t type;
	uint32_t nparams;
} ss_plugin_event;
#pragma pack(pop)

/* An event handed to the plugin. evt is borrowed for the call; evtsrc is "syscall" for non-plugin
 * events, otherwise the source name. */
typedef struct ss_plugin_event_input {
	const ss_plugin_event *evt;
	uint64_t evtnum;
	const char *evtsrc;
} ss_plugin_event_input;

typedef struct ss_plugin_byte_buffer {
	uint32_t len;
	const void *ptr;
} ss_plugin_byte_buffer;

/* ---------------------------------------------------------------------------------------------
 * State tables (shared host/plugin state)
 * ------------------------------------------------------------------------------------------- */

typedef union ss_plugin_state_data {
	int8_t s8;
	int16_t s16;
	int32_t s32;
	int64_t s64;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const char *str;
	ss_plugin_table_t *table;
	ss_plugin_bool b;
} ss_plugin_state_data;

typedef struct ss_plugin_table_info {
	const char *name;
	ss_plugin_state_type key_type;
} ss_plugin_table_info;

typedef struct ss_plugin_table_fieldinfo {
	const char *name;
	ss_plugin_state_type field_type;
	ss_plugin_bool read_only;
} ss_plugin_table_fieldinfo;

typedef ss_plugin_bool (*ss_plugin_table_iterator_func_t)(ss_plugin_table_iterator_state_t *s,
                                                           ss_plugin_table_entry_t *e);

/* Deprecated (by-value) vtables: still filled by the host because 3.0-era plugins only know
 * them. Prefer the *_ext variants. */
typedef struct ss_plugin_table_fields_vtable {
	const ss_plugin_table_fieldinfo *(*list_table_fields)(ss_plugin_table_t *t, uint32_t *nfields);
	ss_plugin_table_field_t *(*get_table_field)(ss_plugin_table_t *t, const char *name,
	                                            ss_plugin_state_type data_type);
	ss_plugin_table_field_t *(*add_table_field)(ss_plugin_table_t *t, const char *name,
	                                            ss_plugin_state_type data_type);
} ss_plugin_table_fields_vtable;

typedef struct ss_plugin_table_fields_vtable_ext {
	const ss_plugin_table_fieldinfo *(*list_table_fields)(ss_plugin_table_t *t, uint32_t *nfields);
	ss_plugin_table_field_t *(*get_table_field)(ss_plugin_table_t *t, const char *name,
	                                            ss_plugin_state_type data_type);
	ss_plugin_table_field_t *(*add_table_field)(ss_plugin_table_t *t, const char *name,
	                                            ss_plugin_state_type data_type);
} ss_plugin_table_fields_vtable_ext;

typedef struct ss_plugin_table_reader_vtable {
	const char *(*get_table_name)(ss_plugin_table_t *t);
	uint64_t (*get_table_size)(ss_plugin_table_t *t);
	ss_plugin_table_entry_t *(*get_table_entry)(ss_plugin_table_t *t, const ss_plugin_state_data *key);
	ss_plugin_rc (*read_entry_field)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
	                                 const ss_plugin_table_field_t *f, ss_plugin_state_data *out);
} ss_plugin_table_reader_vtable;

typedef struct ss_plugin_table_reader_vtable_ext {
	const char *(*get_table_name)(ss_plugin_table_t *t);
	uint64_t (*get_table_size)(ss_plugin_table_t *t);
	ss_plugin_table_entry_t *(*get_table_entry)(ss_plugin_table_t *t, const ss_plugin_state_data *key);
	ss_plugin_rc (*read_entry_field)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
	                                 const ss_plugin_table_field_t *f, ss_plugin_state_data *out);
	void (*release_table_entry)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e); /* 3.1 */
	ss_plugin_bool (*iterate_entries)(ss_plugin_table_t *t, ss_plugin_table_iterator_func_t it,
	                                  ss_plugin_table_iterator_state_t *s); /* 3.1 */
} ss_plugin_table_reader_vtable_ext;

typedef struct ss_plugin_table_writer_vtable {
	ss_plugin_rc (*clear_table)(ss_plugin_table_t *t);
	ss_plugin_rc (*erase_table_entry)(ss_plugin_table_t *t, const ss_plugin_state_data *key);
	ss_plugin_table_entry_t *(*create_table_entry)(ss_plugin_table_t *t);
	void (*destroy_table_entry)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e);
	ss_plugin_table_entry_t *(*add_table_entry)(ss_plugin_table_t *t, const ss_plugin_state_data *key,
	                                            ss_plugin_table_entry_t *entry);
	ss_plugin_rc (*write_entry_field)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
	                                  const ss_plugin_table_field_t *f, const ss_plugin_state_data *in);
} ss_plugin_table_writer_vtable;

typedef struct ss_plugin_table_writer_vtable_ext {
	ss_plugin_rc (*clear_table)(ss_plugin_table_t *t);
	ss_plugin_rc (*erase_table_entry)(ss_plugin_table_t *t, const ss_plugin_state_data *key);
	ss_plugin_table_entry_t *(*create_table_entry)(ss_plugin_table_t *t);
	void (*destroy_table_entry)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e);
	ss_plugin_table_entry_t *(*add_table_entry)(ss_plugin_table_t *t, const ss_plugin_state_data *key,
	                                            ss_plugin_table_entry_t *entry);
	ss_plugin_rc (*write_entry_field)(ss_plugin_table_t *t, ss_plugin_table_entry_t *e,
	                                  const ss_plugin_table_field_t *f, const ss_plugin_state_data *in);
} ss_plugin_table_writer_vtable_ext;

/* A plugin-owned table registered with add_table. The host borrows every pointer for as long as
 * the table stays registered. */
typedef struct ss_plugin_table_input {
	const char *name;
	ss_plugin_state_type key_type;
	ss_plugin_table_t *table;
	ss_plugin_table_reader_vtable reader;
	ss_plugin_table_writer_vtable writer;
	ss_plugin_table_fields_vtable fields;
	ss_plugin_table_reader_vtable_ext *reader_ext;
	ss_plugin_table_writer_vtable_ext *writer_ext;
	ss_plugin_table_fields_vtable_ext *fields_ext;
} ss_plugin_table_input;

/* Init-time table access. list_tables returns a host-owned array valid until the next call. */
typedef struct ss_plugin_init_tables_input {
	ss_plugin_table_info *(*list_tables)(ss_plugin_owner_t *o, uint32_t *ntables);
	ss_plugin_table_t *(*get_table)(ss_plugin_owner_t *o, const char *name, ss_plugin_state_type key_type);
	ss_plugin_rc (*add_table)(ss_plugin_owner_t *o, const ss_plugin_table_input *in);
	ss_plugin_table_fields_vtable fields;
	ss_plugin_table_fields_vtable_ext *fields_ext;
	ss_plugin_table_reader_vtable_ext *reader_ext;
	ss_plugin_table_writer_vtable_ext *writer_ext;
} ss_plugin_init_tables_input;

/* ---------------------------------------------------------------------------------------------
 * Host callbacks
 * ------------------------------------------------------------------------------------------- */

/* Logs through the host. component NULL = the plugin's name. msg is borrowed for the call. */
typedef void (*ss_plugin_log_fn_t)(ss_plugin_owner_t *o, const char *component, const char *msg,
                                   ss_plugin_log_severity sev);

/* Injects an async event (type 402). Thread-safe. On failure the host writes a message of at
 * most PLUGIN_MAX_ERRLEN bytes into err (plugin-owned buffer). */
typedef ss_plugin_rc (*ss_plugin_async_event_handler_t)(ss_plugin_owner_t *o, const ss_plugin_event *evt,
                                                        char *err);

/* Routine run on the host's thread pool; returning 0 unsubscribes it. */
typedef ss_plugin_bool (*ss_plugin_routine_fn_t)(ss_plugin_t *s, ss_plugin_routine_state_t *i);

typedef struct ss_plugin_routine_vtable {
	ss_plugin_routine_t *(*subscribe)(ss_plugin_owner_t *o, ss_plugin_routine_fn_t f,
	                                  ss_plugin_routine_state_t *i);
	ss_plugin_rc (*unsubscribe)(ss_plugin_owner_t *o, ss_plugin_routine_t *r);
} ss_plugin_routine_vtable;

/* ---------------------------------------------------------------------------------------------
 * Input structs (host-owned, borrowed for the call)
 * ------------------------------------------------------------------------------------------- */

/* plugin_init input. config is the init config string (JSON when the plugin declares a JSON
 * schema, "" or "{}" when none was given). tables and log_fn are never NULL in vigil. */
typedef struct ss_plugin_init_input {
	const char *config;
	ss_plugin_owner_t *owner;
	const char *(*get_owner_last_error)(ss_plugin_owner_t *o);
	const ss_plugin_init_tables_input *tables;
	ss_plugin_log_fn_t log_fn; /* 3.3 */
} ss_plugin_init_input;

typedef struct ss_plugin_set_config_input {
	const char *config;
} ss_plugin_set_config_input;

/* One field to extract. res and res_len are written by the plugin; res points to plugin-owned
 * storage valid until the next extract_fields call on the same state. */
typedef struct ss_plugin_extract_field {
	union {
		const char **str;             /* FTYPE_STRING */
		uint64_t *u64;                /* FTYPE_UINT64, FTYPE_RELTIME, FTYPE_ABSTIME */
		uint32_t *u32;                /* unused today */
		ss_plugin_bool *boolean;      /* FTYPE_BOOL */
		ss_plugin_byte_buffer *buf;   /* FTYPE_IPADDR, FTYPE_IPNET (len 4 or 16) */
	} res;
	uint64_t res_len;     /* out: number of values, 0 = no value */
	uint32_t field_id;    /* in: index in the get_fields array */
	const char *field;    /* in: field name */
	const char *arg_key;  /* in: key argument (isKey fields) or NULL */
	uint64_t arg_index;   /* in: index argument; (uint64_t)-1 when none was given */
	ss_plugin_bool arg_present;
	uint32_t ftype;       /* ss_plugin_field_type */
	ss_plugin_bool flist;
} ss_plugin_extract_field;

/* 3.11: optional offsets of each extracted value inside the event (from the header start). The
 * host sets start/length to NULL; a plugin that supports offsets points them at its own arrays of
 * num_fields entries. */
typedef struct ss_plugin_extract_value_offsets {
	uint32_t *start;
	uint32_t *length;
} ss_plugin_extract_value_offsets;

typedef struct ss_plugin_field_extract_input {
	ss_plugin_owner_t *owner;
	const char *(*get_owner_last_error)(ss_plugin_owner_t *o);
	uint32_t num_fields;
	ss_plugin_extract_field *fields;
	ss_plugin_table_reader_vtable table_reader; /* deprecated */
	ss_plugin_table_reader_vtable_ext *table_reader_ext;
	ss_plugin_extract_value_offsets *value_offsets; /* 3.11, may be NULL */
} ss_plugin_field_extract_input;

typedef struct ss_plugin_event_parse_input {
	ss_plugin_owner_t *owner;
	const char *(*get_owner_last_error)(ss_plugin_owner_t *o);
	ss_plugin_table_reader_vtable table_reader; /* deprecated */
	ss_plugin_table_writer_vtable table_writer; /* deprecated */
	ss_plugin_table_reader_vtable_ext *table_reader_ext;
	ss_plugin_table_writer_vtable_ext *table_writer_ext;
} ss_plugin_event_parse_input;

typedef struct ss_plugin_capture_listen_input {
	ss_plugin_owner_t *owner;
	ss_plugin_routine_vtable *routine;
	ss_plugin_table_reader_vtable_ext *table_reader_ext;
	ss_plugin_table_writer_vtable_ext *table_writer_ext;
	const char *(*get_owner_last_error)(ss_plugin_owner_t *o); /* 3.9 */
} ss_plugin_capture_listen_input;

/* ---------------------------------------------------------------------------------------------
 * Metrics
 * ------------------------------------------------------------------------------------------- */

typedef union ss_plugin_metric_value {
	uint32_t u32;
	int32_t s32;
	uint64_t u64;
	int64_t s64;
	double d;
	float f;
	int i;
} ss_plugin_metric_value;

typedef struct ss_plugin_metric {
	const char *name;
	ss_plugin_metric_type type;
	ss_plugin_metric_value value;
	ss_plugin_metric_value_type value_type;
} ss_plugin_metric;

/* ---------------------------------------------------------------------------------------------
 * Exported plugin functions
 *
 * The host finds these by name with dlsym. Define the ones your plugin implements; the prototypes
 * below carry VIGIL_PLUGIN_EXPORT so definitions are exported under -fvisibility=hidden.
 * Define VIGIL_PLUGIN_NO_PROTOTYPES before including this header to omit them (e.g. for a
 * source that declares its own, with another signature for an older API).
 *
 * Capabilities are derived from the symbol set:
 *   sourcing          open + close + next_batch (+ get_id and get_event_source together, or neither)
 *   extraction        get_fields + extract_fields
 *   parsing           parse_event
 *   async             get_async_events + set_async_event_handler     (not delivered by vigil yet)
 *   capture listening capture_open + capture_close                  (not supported by vigil)
 * A half-implemented capability makes the plugin unloadable.
 * ------------------------------------------------------------------------------------------- */
#ifndef VIGIL_PLUGIN_NO_PROTOTYPES

/* -- Common: required for every plugin --------------------------------------------------------- */

/* REQUIRED. Lowest API version the plugin needs, "major.minor.patch". Plugin-owned, static. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_required_api_version(void);
/* REQUIRED. Plugin version, semver. Plugin-owned, valid until destroy. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_version(void);
/* REQUIRED. Unique plugin name. Plugin-owned. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_name(void);
/* REQUIRED. One-line description. Plugin-owned. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_description(void);
/* REQUIRED. Contact (URL or mail). Plugin-owned. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_contact(void);
/* REQUIRED. Creates a state. in is borrowed for the call (copy what you keep). *rc receives the
 * result; with FAILURE the plugin may still return a state so that the host can read
 * get_last_error before calling destroy. The state is plugin-owned, freed by destroy. */
VIGIL_PLUGIN_EXPORT ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc);
/* REQUIRED. Frees a state created by init (and everything it still owns). */
VIGIL_PLUGIN_EXPORT void plugin_destroy(ss_plugin_t *s);
/* REQUIRED. Last error of state s. Plugin-owned, valid until the next call on s. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_last_error(ss_plugin_t *s);

/* -- Common: optional -------------------------------------------------------------------------- */

/* OPTIONAL. Schema of the init config; writes its kind to *schema_type. Plugin-owned. NULL or ""
 * with SS_PLUGIN_SCHEMA_NONE = opaque config. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_init_schema(ss_plugin_schema_type *schema_type);
/* OPTIONAL (3.4). Applies a new config to a live state. in is borrowed. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_set_config(ss_plugin_t *s, const ss_plugin_set_config_input *in);
/* OPTIONAL (3.5). Array of *num_metrics metrics, plugin-owned until the next call. */
VIGIL_PLUGIN_EXPORT ss_plugin_metric *plugin_get_metrics(ss_plugin_t *s, uint32_t *num_metrics);
/* OPTIONAL (3.12). Minimum driver event schema "x.y.z" the plugin needs, or NULL. Plugin-owned. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_required_event_schema_version(ss_plugin_t *s);

/* -- Event sourcing ----------------------------------------------------------------------------- */

/* With a specific source: REQUIRED together with get_event_source. Registered plugin id (999 =
 * development). Without both, the plugin feeds the "syscall" source (id 0). */
VIGIL_PLUGIN_EXPORT uint32_t plugin_get_id(void);
/* With a specific source: REQUIRED together with get_id. Source name. Plugin-owned. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_event_source(void);
/* REQUIRED for sourcing. Opens a capture; params borrowed for the call. Returns a plugin-owned
 * instance freed by close; *rc receives the result (FAILURE: host reads get_last_error). */
VIGIL_PLUGIN_EXPORT ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc);
/* REQUIRED for sourcing. Closes an instance returned by open. */
VIGIL_PLUGIN_EXPORT void plugin_close(ss_plugin_t *s, ss_instance_t *h);
/* REQUIRED for sourcing. Writes *nevts events into *evts: the array and every event buffer are
 * plugin-owned until the next next_batch or close. A batch may carry events AND a non-SUCCESS rc
 * (events are consumed first). SUCCESS needs nevts > 0; TIMEOUT = nothing now; EOF = end;
 * FAILURE = see get_last_error. With id != 0 every event must be type 322. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *h, uint32_t *nevts,
                                                   ss_plugin_event ***evts);
/* OPTIONAL. JSON array [{"value","desc","separator"}] of suggested open params. *rc receives the
 * result. Plugin-owned until the next call. */
VIGIL_PLUGIN_EXPORT const char *plugin_list_open_params(ss_plugin_t *s, ss_plugin_rc *rc);
/* OPTIONAL. Progress text; *progress_pct in 0..10000. Plugin-owned until the next call. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_progress(ss_plugin_t *s, ss_instance_t *h, uint32_t *progress_pct);
/* OPTIONAL. One-line rendering of an event (evt.plugininfo). evt borrowed; result plugin-owned
 * until the next call on s. */
VIGIL_PLUGIN_EXPORT const char *plugin_event_to_string(ss_plugin_t *s, const ss_plugin_event_input *evt);

/* -- Field extraction -------------------------------------------------------------------------- */

/* REQUIRED for extraction. JSON array describing the fields (field_id = array position).
 * Plugin-owned, static. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_fields(void);
/* REQUIRED for extraction. Fills res/res_len of in->fields[0..num_fields). evt and in are
 * borrowed; result values are plugin-owned until the next call on s. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *evt,
                                                       const ss_plugin_field_extract_input *in);
/* OPTIONAL. JSON array of source names to extract from; NULL/"[]" = any (a sourcing plugin always
 * gets its own source). Plugin-owned. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_extract_event_sources(void);
/* OPTIONAL. Event type codes to extract from (called once after init). Note the argument order.
 * Plugin-owned array of *numtypes entries. NULL/empty = all. */
VIGIL_PLUGIN_EXPORT uint16_t *plugin_get_extract_event_types(uint32_t *numtypes, ss_plugin_t *s);

/* -- Event parsing ----------------------------------------------------------------------------- */

/* REQUIRED for parsing. Called at most once per event, before extraction. evt and in borrowed. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_parse_event(ss_plugin_t *s, const ss_plugin_event_input *evt,
                                                    const ss_plugin_event_parse_input *in);
/* OPTIONAL. Like get_extract_event_sources, for parsing. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_parse_event_sources(void);
/* OPTIONAL. Like get_extract_event_types, for parsing. */
VIGIL_PLUGIN_EXPORT uint16_t *plugin_get_parse_event_types(uint32_t *numtypes, ss_plugin_t *s);

/* -- Async events (declared for compatibility; vigil does not deliver them yet) ----------------- */

/* REQUIRED for async. JSON array of async event names. Plugin-owned. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_async_events(void);
/* OPTIONAL. JSON array of sources async events go to. Plugin-owned. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_async_event_sources(void);
/* REQUIRED for async. Installs (or with NULL removes) the thread-safe handler. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_set_async_event_handler(ss_plugin_t *s, ss_plugin_owner_t *owner,
                                                                const ss_plugin_async_event_handler_t handler);
/* OPTIONAL (3.10). Emits async events that reproduce the plugin's state. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_dump_state(ss_plugin_t *s, ss_plugin_owner_t *owner,
                                                   const ss_plugin_async_event_handler_t handler);

/* -- Capture listening (declared for compatibility; vigil refuses such plugins) ---------------- */

/* REQUIRED for capture listening. in borrowed. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_capture_open(ss_plugin_t *s, const ss_plugin_capture_listen_input *in);
/* REQUIRED for capture listening. in borrowed. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_capture_close(ss_plugin_t *s, const ss_plugin_capture_listen_input *in);

#endif /* VIGIL_PLUGIN_NO_PROTOTYPES */

/* ---------------------------------------------------------------------------------------------
 * Layout checks (LP64). These pin the ABI: a failing assert means a binary incompatibility.
 * ------------------------------------------------------------------------------------------- */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define VIGIL_PLUGIN_ASSERT_(cond, msg) static_assert(cond, msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define VIGIL_PLUGIN_ASSERT_(cond, msg) _Static_assert(cond, msg)
#else
#define VIGIL_PLUGIN_ASSERT_CAT2_(a, b) a##b
#define VIGIL_PLUGIN_ASSERT_CAT_(a, b) VIGIL_PLUGIN_ASSERT_CAT2_(a, b)
#define VIGIL_PLUGIN_ASSERT_(cond, msg)                                                                \
	typedef char VIGIL_PLUGIN_ASSERT_CAT_(vigil_plugin_layout_check_, __LINE__)[(cond) ? 1 : -1]
#endif

#if UINTPTR_MAX == 0xffffffffffffffffu && !defined(PPM_ENABLE_SENTINEL)
#define VIGIL_PLUGIN_SIZE_(T, n) VIGIL_PLUGIN_ASSERT_(sizeof(T) == (n), #T " size")
#define VIGIL_PLUGIN_OFF_(T, m, n) VIGIL_PLUGIN_ASSERT_(offsetof(T, m) == (n), #T "." #m " offset")

VIGIL_PLUGIN_SIZE_(ss_plugin_rc, 4);
VIGIL_PLUGIN_SIZE_(ss_plugin_bool, 4);
VIGIL_PLUGIN_SIZE_(ss_plugin_field_type, 4);
VIGIL_PLUGIN_SIZE_(ss_plugin_state_type, 4);

VIGIL_PLUGIN_SIZE_(ss_plugin_event, 26);
VIGIL_PLUGIN_OFF_(ss_plugin_event, ts, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_event, tid, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_event, len, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_event, type, 20);
VIGIL_PLUGIN_OFF_(ss_plugin_event, nparams, 22);

VIGIL_PLUGIN_SIZE_(ss_plugin_event_input, 24);
VIGIL_PLUGIN_OFF_(ss_plugin_event_input, evt, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_event_input, evtnum, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_event_input, evtsrc, 16);

VIGIL_PLUGIN_SIZE_(ss_plugin_byte_buffer, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_byte_buffer, len, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_byte_buffer, ptr, 8);

VIGIL_PLUGIN_SIZE_(ss_plugin_extract_value_offsets, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_value_offsets, start, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_value_offsets, length, 8);

VIGIL_PLUGIN_SIZE_(ss_plugin_extract_field, 64);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, res, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, res_len, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, field_id, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, field, 24);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, arg_key, 32);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, arg_index, 40);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, arg_present, 48);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, ftype, 52);
VIGIL_PLUGIN_OFF_(ss_plugin_extract_field, flist, 56);

VIGIL_PLUGIN_SIZE_(ss_plugin_field_extract_input, 80);
VIGIL_PLUGIN_OFF_(ss_plugin_field_extract_input, owner, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_field_extract_input, get_owner_last_error, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_field_extract_input, num_fields, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_field_extract_input, fields, 24);
VIGIL_PLUGIN_OFF_(ss_plugin_field_extract_input, table_reader, 32);
VIGIL_PLUGIN_OFF_(ss_plugin_field_extract_input, table_reader_ext, 64);
VIGIL_PLUGIN_OFF_(ss_plugin_field_extract_input, value_offsets, 72);

VIGIL_PLUGIN_SIZE_(ss_plugin_event_parse_input, 112);
VIGIL_PLUGIN_OFF_(ss_plugin_event_parse_input, owner, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_event_parse_input, get_owner_last_error, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_event_parse_input, table_reader, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_event_parse_input, table_writer, 48);
VIGIL_PLUGIN_OFF_(ss_plugin_event_parse_input, table_reader_ext, 96);
VIGIL_PLUGIN_OFF_(ss_plugin_event_parse_input, table_writer_ext, 104);

VIGIL_PLUGIN_SIZE_(ss_plugin_init_input, 40);
VIGIL_PLUGIN_OFF_(ss_plugin_init_input, config, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_init_input, owner, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_init_input, get_owner_last_error, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_init_input, tables, 24);
VIGIL_PLUGIN_OFF_(ss_plugin_init_input, log_fn, 32);

VIGIL_PLUGIN_SIZE_(ss_plugin_init_tables_input, 72);
VIGIL_PLUGIN_OFF_(ss_plugin_init_tables_input, list_tables, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_init_tables_input, get_table, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_init_tables_input, add_table, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_init_tables_input, fields, 24);
VIGIL_PLUGIN_OFF_(ss_plugin_init_tables_input, fields_ext, 48);
VIGIL_PLUGIN_OFF_(ss_plugin_init_tables_input, reader_ext, 56);
VIGIL_PLUGIN_OFF_(ss_plugin_init_tables_input, writer_ext, 64);

VIGIL_PLUGIN_SIZE_(ss_plugin_set_config_input, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_set_config_input, config, 0);

VIGIL_PLUGIN_SIZE_(ss_plugin_metric_value, 8);
VIGIL_PLUGIN_SIZE_(ss_plugin_metric, 32);
VIGIL_PLUGIN_OFF_(ss_plugin_metric, name, 0);
VIGIL_PLUGIN_OFF_(ss_plugin_metric, type, 8);
VIGIL_PLUGIN_OFF_(ss_plugin_metric, value, 16);
VIGIL_PLUGIN_OFF_(ss_plugin_metric, value_type, 24);

VIGIL_PLUGIN_SIZE_(ss_plugin_table_info, 16);
VIGIL_PLUGIN_SIZE_(ss_plugin_table_fieldinfo, 16);
VIGIL_PLUGIN_SIZE_(ss_plugin_state_data, 8);
VIGIL_PLUGIN_SIZE_(ss_plugin_table_reader_vtable, 32);
VIGIL_PLUGIN_SIZE_(ss_plugin_table_reader_vtable_ext, 48);
VIGIL_PLUGIN_SIZE_(ss_plugin_table_writer_vtable, 48);
VIGIL_PLUGIN_SIZE_(ss_plugin_table_writer_vtable_ext, 48);
VIGIL_PLUGIN_SIZE_(ss_plugin_table_fields_vtable, 24);
VIGIL_PLUGIN_SIZE_(ss_plugin_table_fields_vtable_ext, 24);
VIGIL_PLUGIN_SIZE_(ss_plugin_table_input, 152);
VIGIL_PLUGIN_SIZE_(ss_plugin_routine_vtable, 16);
VIGIL_PLUGIN_SIZE_(ss_plugin_capture_listen_input, 40);
VIGIL_PLUGIN_OFF_(ss_plugin_capture_listen_input, get_owner_last_error, 32);

#undef VIGIL_PLUGIN_SIZE_
#undef VIGIL_PLUGIN_OFF_
#endif /* LP64 */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* VIGIL_PLUGIN_API_H */
