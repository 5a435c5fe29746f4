/* Field registry and extracted values: the contract between extractors (the core's generic
 * evt.* fields, extractor plugins) and their consumers (rule conditions, output formats).
 *
 * One vg_fields registry exists per event source ("syscall", "k8s_audit", ...). Its field
 * infos point at the extractor that serves them; an extractor's state is per source thread,
 * so a compiled rule only ever runs on the thread of its own source. */
#ifndef VG_FIELDS_H
#define VG_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include <vigil/plugin_api.h>

#include "util/arena.h"
#include "util/err.h"

/* Value types. Numbers are libscap's PT_* codes; the plugin ABI defines UINT64, STRING,
 * RELTIME, ABSTIME, BOOL, IPADDR, IPNET. INT64, BYTEBUF and PORT are vigil extensions that our
 * own plugins declare in get_fields JSON as "int64", "bytebuf" and "port" (Falco would refuse
 * those plugins, which is fine: they are vigil's syscall state, Falco has its own). */
typedef enum vg_ftype {
	VG_FT_NONE = 0,
	VG_FT_INT64 = 4,    /* delivered through the ABI's u64 slot, two's complement */
	VG_FT_UINT64 = 8,
	VG_FT_STRING = 9,
	VG_FT_BYTEBUF = 10, /* delivered through the ABI's byte-buffer slot */
	VG_FT_RELTIME = 20, /* ns */
	VG_FT_ABSTIME = 21, /* ns since epoch */
	VG_FT_PORT = 22,    /* u64; literals may be service names ("ssh") */
	VG_FT_BOOL = 25,
	VG_FT_IPADDR = 40,  /* bytes: 4 (IPv4) or 16 (IPv6), network order */
	VG_FT_IPNET = 41,   /* same bytes; compared against CIDR literals */
} vg_ftype;

const char *vg_ftype_name(vg_ftype t);           /* "uint64", "string", ... */
bool vg_ftype_parse(const char *name, vg_ftype *out);

/* One extracted value. Strings are NUL-terminated at ptr[len] (len excludes the NUL). */
typedef struct vg_value {
	union {
		uint64_t u64; /* UINT64, RELTIME, ABSTIME, PORT */
		int64_t i64;  /* INT64 */
		bool b;       /* BOOL */
		struct {
			const uint8_t *ptr; /* STRING, BYTEBUF, IPADDR, IPNET */
			uint32_t len;
		} bytes;
	};
} vg_value;

/* The values of one field on one event. n == 0 means "no value" (missing), which makes every
 * comparison false. Non-list fields have n <= 1. Memory is owned by the extractor (or the
 * event's scratch arena) and valid until the next event on that source thread. */
typedef struct vg_values {
	uint32_t n;
	const vg_value *v;
} vg_values;

/* Field argument kinds (from get_fields "arg"). */
enum {
	VG_ARG_INDEX = 1u << 0,    /* name[N] */
	VG_ARG_KEY = 1u << 1,      /* name[text] */
	VG_ARG_REQUIRED = 1u << 2,
	VG_ARG_DOTTED = 1u << 3,   /* also written name.KEY (evt.arg.flags ≡ evt.arg[flags]); from
				    * the get_fields property "vigil:dotted_key" */
};

/* Field flags. */
enum {
	VG_FIELD_LIST = 1u << 0,        /* isList */
	VG_FIELD_HIDDEN = 1u << 1,      /* property "hidden": not listed */
	VG_FIELD_ADD_OUTPUT = 1u << 2,  /* addOutput: suggested output */
	VG_FIELD_NO_TRANSFORM = 1u << 3, /* cannot be transformed or used in val() (proc.aname, fd.ip ...) */
	VG_FIELD_FILTER_ONLY = 1u << 4, /* not usable in outputs */
	/* Several values that are NOT a list: a comparison holds when it holds for any value
	 * (Falco's proc.aname without index, fd.ip, fd.port, fd.net), so every operator applies.
	 * From the get_fields property "vigil:multi_value". */
	VG_FIELD_MULTI = 1u << 5,
};

struct vg_evctx;
struct vg_field_info;

/* How a rule wrote the argument of a field reference. */
typedef struct vg_field_arg {
	bool present;     /* brackets were given */
	const char *key;  /* argument text (also set for index args), or NULL */
	uint64_t index;   /* parsed index, or UINT64_MAX when the text is not an index */
} vg_field_arg;

/* Something that can produce field values: the core (generic fields) or one plugin state.
 * extract() returns VG_OK with out->n == 0 for "no value"; a non-OK rc also means no value and
 * is counted/logged by the caller. */
typedef struct vg_extractor {
	const char *name; /* "vigil" or the plugin name, for errors and --list */
	vg_rc (*extract)(void *ud, struct vg_evctx *ev, const struct vg_field_info *f,
			 const vg_field_arg *arg, vg_values *out);
	void *ud;
} vg_extractor;

typedef struct vg_field_info {
	const char *name;
	const char *desc;
	const char *display; /* may be NULL */
	vg_ftype type;
	uint32_t flags;      /* VG_FIELD_* */
	uint32_t arg;        /* VG_ARG_* */
	const vg_extractor *ext;
	uint32_t id;         /* extractor-local id (the plugin's field_id) */
} vg_field_info;

/* Per-event context handed to extractors and the rule evaluator. The pipeline owns it; it is
 * reused for every event of a source thread. */
typedef struct vg_evctx {
	const ss_plugin_event *evt; /* libscap-format event (header + params) */
	uint64_t evtnum;            /* 1-based event number on this source */
	const char *source;         /* "syscall", "k8s_audit", ... */
	uint32_t source_idx;        /* index of the source in the engine */
	uint64_t gen;               /* changes for every event: extraction caches key on it */
	uint64_t first_ts;          /* timestamp of the first event (evt.reltime) */
	const char *plugin_name;    /* sourcing plugin (evt.pluginname) */
	void *source_ud;            /* the engine's per-source data (for core generic fields) */
	vg_arena *scratch;          /* reset after every event: extraction temporaries */
} vg_evctx;

/* ---- registry ---- */

typedef struct vg_fields vg_fields;

/* Ownership: the registry owns copies of everything added to it. */
vg_fields *vg_fields_new(const char *source);
void vg_fields_free(vg_fields *reg);
const char *vg_fields_source(const vg_fields *reg);

/* Adds a field; fails with VG_ERR_EXISTS naming both extractors when the name is taken. The
 * registry copies the strings; ext must outlive the registry. */
vg_rc vg_fields_add(vg_fields *reg, const vg_field_info *f, const vg_extractor *ext, vg_err *err);

/* Exact-name lookup, NULL when unknown. Hash lookup; safe to call from any thread once the
 * registry is no longer modified. */
const vg_field_info *vg_fields_find(const vg_fields *reg, const char *name);

/* Resolves a field reference as written in a rule or output ("proc.aname[2]" is split by the
 * caller; this handles the dotted-key form): on success *f is the field and, for a dotted key,
 * *dotted_key points into name just after the field name (else NULL). */
const vg_field_info *vg_fields_resolve(const vg_fields *reg, const char *name, const char **dotted_key);

uint32_t vg_fields_count(const vg_fields *reg);
const vg_field_info *vg_fields_at(const vg_fields *reg, uint32_t i); /* in insertion order */

/* Calls the field's extractor. */
static inline vg_rc vg_field_extract(const vg_field_info *f, const vg_field_arg *arg, vg_evctx *ev,
				     vg_values *out)
{
	out->n = 0;
	out->v = 0;
	return f->ext->extract(f->ext->ud, ev, f, arg, out);
}

#endif
