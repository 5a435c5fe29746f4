/*
 * vigil plugin SDK: small C helpers that make a plugin written against plugin_api.h short.
 * Link the static library `vigil_plugin_sdk` (pkg-config --libs vigil-plugin). Everything here
 * is plain C with no global state; each helper lives inside the plugin's own state, so several
 * states (one per host source thread) never share anything.
 *
 *   vsdk_error   the state's last-error buffer (plugin_get_last_error returns vsdk_error_str)
 *   vsdk_logger  printf-style logging through the host's log_fn
 *   vsdk_batch   builds plugin events (type 322) for next_batch in one reusable buffer
 *   vsdk_field   a static field table turned into get_fields JSON
 *   vsdk_values  per-state storage for extracted values (extract_fields results)
 *   vsdk_json    reusable JSON reader for init config, open params and payloads (jsmn inside)
 *
 * Prefix: vsdk_. Ownership is stated on every function.
 */
#ifndef VIGIL_PLUGIN_SDK_H
#define VIGIL_PLUGIN_SDK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vigil/plugin_api.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define VSDK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define VSDK_PRINTF(f, a)
#endif

/* ---- last error ---------------------------------------------------------------------------- */

/* The ABI caps error text at PLUGIN_MAX_ERRLEN, so a fixed buffer is the contract, not a limit
 * of ours; longer messages end in "...". */
typedef struct vsdk_error {
	char msg[PLUGIN_MAX_ERRLEN];
} vsdk_error;

/* Formats the message into e; returns SS_PLUGIN_FAILURE so callers can
 * `return vsdk_error_set(&st->err, "bad path '%s'", p);`. */
ss_plugin_rc vsdk_error_set(vsdk_error *e, const char *fmt, ...) VSDK_PRINTF(2, 3);
ss_plugin_rc vsdk_error_vset(vsdk_error *e, const char *fmt, va_list ap);
/* The message, owned by e ("" when none). Suitable as plugin_get_last_error's result. */
const char *vsdk_error_str(const vsdk_error *e);

/* ---- logging ------------------------------------------------------------------------------- */

typedef struct vsdk_logger {
	ss_plugin_owner_t *owner;
	ss_plugin_log_fn_t fn; /* may be NULL (hosts older than 3.3): messages are dropped */
} vsdk_logger;

/* Remembers the host's log function from init's input (in is only read). log_fn exists since API
 * 3.3: a plugin using this must declare "3.3.0" or later in plugin_get_required_api_version. */
void vsdk_logger_init(vsdk_logger *l, const ss_plugin_init_input *in);
/* Formats and hands one line to the host (component = the plugin's name). */
void vsdk_log(const vsdk_logger *l, ss_plugin_log_severity sev, const char *fmt, ...) VSDK_PRINTF(3, 4);

/* ---- event batches ------------------------------------------------------------------------- */

/* One buffer holding a batch of plugin events plus the pointer array next_batch returns. The
 * plugin owns the batch (usually in its open instance); events stay valid until the next
 * vsdk_batch_reset, which is exactly the ABI's "until the next next_batch or close". */
typedef struct vsdk_batch {
	uint8_t *buf;
	size_t len, cap;
	size_t *offs;            /* event start offsets into buf */
	ss_plugin_event **evts;  /* built by vsdk_batch_emit */
	uint32_t n, cap_evts;
	uint32_t plugin_id;      /* written into each event's plugin_id parameter */
} vsdk_batch;

void vsdk_batch_init(vsdk_batch *b, uint32_t plugin_id);
void vsdk_batch_free(vsdk_batch *b);
/* Drops the events of the previous batch, keeping the memory. */
void vsdk_batch_reset(vsdk_batch *b);
/* Appends a type-322 event carrying payload[0..len) (copied). ts = UINT64_MAX lets the host stamp
 * the time; tid is always -1 for plugin events. Returns false on allocation failure or when the
 * event would exceed UINT32_MAX bytes. */
bool vsdk_batch_add(vsdk_batch *b, uint64_t ts, const void *payload, uint32_t len);
uint32_t vsdk_batch_count(const vsdk_batch *b);
/* Hands the batch to the host: sets nevts and evts (pointers owned by b) and returns rc unchanged,
 * e.g. `return vsdk_batch_emit(b, nevts, evts, n ? SS_PLUGIN_SUCCESS : SS_PLUGIN_TIMEOUT);`.
 * Returns SS_PLUGIN_FAILURE (and 0 events) when memory runs out. */
ss_plugin_rc vsdk_batch_emit(vsdk_batch *b, uint32_t *nevts, ss_plugin_event ***evts, ss_plugin_rc rc);

/* Reads a type-322 event: returns a pointer to its payload (borrowed from evt) and sets *len and
 * (when non-NULL) *plugin_id; returns NULL when evt is not a well-formed plugin event. */
const uint8_t *vsdk_event_payload(const ss_plugin_event *evt, uint32_t *len, uint32_t *plugin_id);

/* ---- field tables -------------------------------------------------------------------------- */

enum {
	VSDK_FIELD_LIST = 1u << 0,        /* "isList": true */
	VSDK_FIELD_ADD_OUTPUT = 1u << 1,  /* "addOutput": true (3.8) */
	VSDK_FIELD_HIDDEN = 1u << 2,      /* property "hidden" */
	VSDK_ARG_INDEX = 1u << 3,         /* arg.isIndex: name[3] */
	VSDK_ARG_KEY = 1u << 4,           /* arg.isKey: name[text] */
	VSDK_ARG_REQUIRED = 1u << 5,      /* arg.isRequired (needs INDEX or KEY) */
	/* vigil extensions, ignored by Falco */
	VSDK_FIELD_DOTTED_KEY = 1u << 6,  /* property "vigil:dotted_key": name.KEY ≡ name[KEY] */
	VSDK_FIELD_NO_TRANSFORM = 1u << 7, /* property "vigil:no_transform" */
	VSDK_FIELD_FILTER_ONLY = 1u << 8, /* property "vigil:filter_only" */
	VSDK_FIELD_MULTI_VALUE = 1u << 9, /* property "vigil:multi_value": several values, any matches */
};

typedef struct vsdk_field {
	const char *type;    /* "uint64", "string", "reltime", "abstime", "bool", "ipaddr", "ipnet" */
	const char *name;
	const char *display; /* may be NULL */
	const char *desc;
	uint32_t flags;      /* VSDK_FIELD_* | VSDK_ARG_* */
} vsdk_field;

/* Builds the get_fields JSON for fields[0..n). Returns a malloc'ed string the caller owns (free()),
 * or NULL on allocation failure. */
char *vsdk_fields_json(const vsdk_field *fields, size_t n);
/* Same, written into buf[0..cap) (typically a static buffer returned by plugin_get_fields, so
 * nothing leaks when the host unloads the plugin). Returns buf, or NULL when it does not fit or
 * memory runs out: the host then refuses the plugin with a clear error, nothing is truncated. */
const char *vsdk_fields_json_into(const vsdk_field *fields, size_t n, char *buf, size_t cap);

/* ---- extracted values ---------------------------------------------------------------------- */

/* Storage for extract_fields results, kept in the plugin state. Values stay valid until the next
 * vsdk_values_reset (call it at the start of every extract_fields). Memory is reused: a warmed-up
 * plugin does not allocate per event. */
typedef struct vsdk_values {
	struct vsdk_chunk *head; /* private */
	size_t used;
} vsdk_values;

void vsdk_values_init(vsdk_values *v);
void vsdk_values_free(vsdk_values *v);
void vsdk_values_reset(vsdk_values *v);
/* Set one value on f (res_len = 1). Strings are copied (n bytes, NUL added), so they may point
 * into the event. Return false on allocation failure (f then has no value). */
bool vsdk_set_u64(vsdk_values *v, ss_plugin_extract_field *f, uint64_t x);
bool vsdk_set_bool(vsdk_values *v, ss_plugin_extract_field *f, bool x);
bool vsdk_set_str(vsdk_values *v, ss_plugin_extract_field *f, const char *s);
bool vsdk_set_strn(vsdk_values *v, ss_plugin_extract_field *f, const char *s, size_t n);
bool vsdk_set_buf(vsdk_values *v, ss_plugin_extract_field *f, const void *p, uint32_t n);
/* List values (res_len = n). */
bool vsdk_set_u64_list(vsdk_values *v, ss_plugin_extract_field *f, const uint64_t *xs, uint32_t n);
bool vsdk_set_str_list(vsdk_values *v, ss_plugin_extract_field *f, const char *const *ss, uint32_t n);
/* Raw bump allocation from the same storage (8-byte aligned, valid until reset). */
void *vsdk_values_alloc(vsdk_values *v, size_t size);

/* ---- JSON reading -------------------------------------------------------------------------- */

/* A reusable JSON document. Paths are member names joined by '.', e.g. "options.buffer_size";
 * "" is the root. Strings returned by the getters are unescaped copies owned by the document,
 * valid until the next vsdk_json_load or vsdk_json_free. */
typedef struct vsdk_json vsdk_json;

vsdk_json *vsdk_json_new(void);
void vsdk_json_free(vsdk_json *j);
/* Parses text[0..len) (the text is borrowed until the next load). An empty or all-blank text is
 * loaded as {}. Nesting deeper than 256 levels is refused (bounds the parsing cost of hostile
 * input). On failure writes the reason (with byte offset) to err and returns false. */
bool vsdk_json_load(vsdk_json *j, const char *text, size_t len, vsdk_error *err);

/* Shared by every JSON reader in vigil (the SDK's, the json/k8saudit plugins', the core's), so
 * they agree on the details. */

/* Decodes one character of a JSON string body s[*i..n) (the text between the quotes) into out
 * and advances *i: plain bytes, the two-character escapes, and \uXXXX with surrogate pairs.
 * A lone surrogate becomes U+FFFD (data must not be lost), or is a bad escape with
 * VSDK_JSON_STRICT (configuration should say what is wrong). Returns the bytes written (1..4),
 * or 0 on a bad escape. Never writes more bytes than it consumes, so an output buffer of n
 * bytes is enough for the whole body. */
enum { VSDK_JSON_STRICT = 1u << 0 };
size_t vsdk_json_unescape_char(const char *s, size_t n, size_t *i, char out[4], unsigned flags);

/* Linear pre-scan: true when [/{ nesting (strings skipped) stays within max_depth. jsmn's cost
 * grows with tokens x depth, so readers refuse deeper input before tokenizing. On false *where
 * is the byte offset of the first bracket too deep. */
bool vsdk_json_nesting_ok(const char *s, size_t n, int max_depth, size_t *where);

typedef enum vsdk_json_rc {
	VSDK_JSON_OK = 0,
	VSDK_JSON_ABSENT = 1,    /* no such member: keep your default */
	VSDK_JSON_BAD_TYPE = 2,  /* present with another type (err describes it) */
} vsdk_json_rc;

vsdk_json_rc vsdk_json_get_str(vsdk_json *j, const char *path, const char **out, vsdk_error *err);
vsdk_json_rc vsdk_json_get_u64(vsdk_json *j, const char *path, uint64_t *out, vsdk_error *err);
vsdk_json_rc vsdk_json_get_i64(vsdk_json *j, const char *path, int64_t *out, vsdk_error *err);
vsdk_json_rc vsdk_json_get_bool(vsdk_json *j, const char *path, bool *out, vsdk_error *err);
/* Raw text of any value (objects and arrays included), borrowed from the loaded text. */
vsdk_json_rc vsdk_json_get_raw(vsdk_json *j, const char *path, const char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_PLUGIN_SDK_H */
