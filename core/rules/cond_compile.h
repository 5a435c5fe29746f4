/* Condition compiler: turns a (macro-expanded) AST into a tree the evaluator runs without any
 * string work. Field references are resolved against the source's registry and interned in a
 * slot table shared by every rule of a ruleset (so each field+argument is extracted at most once
 * per event); literals are converted to the field's type; `in` sets are hashed, pmatch prefixes
 * go in a prefix set, icontains needles are case-folded, regexes compiled by PCRE2 (JIT, full
 * match), evt.type names mapped to event codes. */
#ifndef VG_COND_COMPILE_H
#define VG_COND_COMPILE_H

#include <stdbool.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fields/fields.h"
#include "rules/bset.h"
#include "rules/cond_parse.h"
#include "util/arena.h"
#include "util/err.h"

/* Event-type sets: one bit per libscap event code. Codes at or beyond VG_EVTSET_OTHER (none
 * exist today: PPM_EVENT_MAX is 426) all map to the VG_EVTSET_OTHER bit. */
#define VG_EVTSET_BITS 512
#define VG_EVTSET_OTHER (VG_EVTSET_BITS - 1)
typedef struct vg_evtset {
	uint64_t w[VG_EVTSET_BITS / 64];
} vg_evtset;

static inline uint32_t vg_evtset_index(uint16_t code)
{
	return code < VG_EVTSET_OTHER ? code : VG_EVTSET_OTHER;
}
static inline bool vg_evtset_has(const vg_evtset *s, uint16_t code)
{
	uint32_t i = vg_evtset_index(code);
	return (s->w[i / 64] >> (i % 64)) & 1u;
}
static inline void vg_evtset_add(vg_evtset *s, uint16_t code)
{
	uint32_t i = vg_evtset_index(code);
	s->w[i / 64] |= 1ull << (i % 64);
}
void vg_cond_compile_evtset_fill(vg_evtset *s);
uint32_t vg_cond_compile_evtset_count(const vg_evtset *s);

/* Adds the event codes called `name` to out; false when the name is unknown. */
typedef bool (*vg_evttype_lookup_fn)(const char *name, vg_evtset *out, void *ud);
/* The default lookup: the libscap event table (vigil/scap_events.h). */
bool vg_cond_compile_scap_lookup(const char *name, vg_evtset *out, void *ud);

typedef enum vg_cond_tr { VG_TR_TOLOWER, VG_TR_TOUPPER, VG_TR_B64, VG_TR_BASENAME, VG_TR_LEN } vg_cond_tr;
#define VG_COND_MAX_TR 8

/* One distinct field+argument of a ruleset. */
typedef struct vg_cond_slot {
	const vg_field_info *field;
	vg_field_arg arg;
} vg_cond_slot;

/* Transformers over several operands (Falco 0.44): their result replaces the slot's values. */
typedef enum vg_cond_mtr { VG_MTR_JOIN = 1, VG_MTR_CONCAT, VG_MTR_GETOPT } vg_cond_mtr;

struct vg_cond_fexpr;

/* One operand: a field expression, or a string literal when expr is NULL. */
typedef struct vg_cond_marg {
	const struct vg_cond_fexpr *expr;
	vg_value lit;
} vg_cond_marg;

/* getopt(3) option tables, decoded once from a literal optstring. */
typedef struct vg_cond_optstring {
	bool valid[256];
	bool takes_arg[256];
} vg_cond_optstring;

typedef struct vg_cond_multi {
	vg_cond_mtr kind;
	uint32_t nargs;
	const vg_cond_marg *args;
	unsigned char selector;        /* getopt(...)[c]: the value of option c; 0 = every option */
	const vg_cond_optstring *opts; /* getopt with a literal optstring; NULL = decode per event */
} vg_cond_multi;

/* A compiled field expression: a slot (or a multi-operand transformer) and the transformers
 * applied to it, innermost first. */
typedef struct vg_cond_fexpr {
	const vg_cond_multi *multi; /* join/concat/getopt: its result instead of the slot's values */
	uint32_t slot;
	uint8_t ntr;
	uint8_t tr[VG_COND_MAX_TR];
	vg_ftype type;  /* type after the transformers */
	bool list;      /* list-valued (in = all, intersects = any) */
	const vg_field_info *field; /* for a multi-operand transformer, a description of its result */
} vg_cond_fexpr;

/* Decodes a getopt(3) optstring (a leading ':' only changes error reporting, so it is skipped). */
void vg_cond_compile_optstring(const char *s, size_t len, vg_cond_optstring *out);

typedef struct vg_cond_lit {
	vg_value v;
	uint8_t bits;   /* IP literals: CIDR prefix length, VG_COND_EXACT for a plain address */
	pcre2_code *re; /* regex literals (owned by the context) */
} vg_cond_lit;
#define VG_COND_EXACT 0xff

typedef enum vg_cond_ckind { VG_CK_AND, VG_CK_OR, VG_CK_NOT, VG_CK_CHECK } vg_cond_ckind;

typedef struct vg_cond_cnode {
	uint8_t kind;           /* vg_cond_ckind */
	uint8_t op;             /* vg_cond_op */
	uint8_t mod;            /* vg_cond_mod */
	uint32_t nkids;
	struct vg_cond_cnode **kids;
	vg_cond_fexpr lhs;
	vg_cond_fexpr *rhs;     /* val()/transformer right-hand side, or NULL */
	vg_cond_lit *lits;
	uint32_t nlits;
	vg_bset *set;           /* hashed literals (in/intersects/= anyof) or pmatch prefixes */
	vg_evtset *evts;        /* evt.type check answered from the event code, or NULL */
} vg_cond_cnode;

/* Compile context: one per ruleset. Owns the slot table and compiled regexes; compiled nodes
 * live in its arena. */
typedef struct vg_cond_ctx vg_cond_ctx;

typedef struct vg_cond_ctx_opts {
	const vg_fields *registry;        /* borrowed; must outlive the context */
	vg_evttype_lookup_fn evttype_lookup; /* NULL: evt.type names are not checked nor indexed */
	void *evttype_ud;
} vg_cond_ctx_opts;

vg_cond_ctx *vg_cond_compile_ctx_new(const vg_cond_ctx_opts *opts);
void vg_cond_compile_ctx_free(vg_cond_ctx *ctx);
vg_arena *vg_cond_compile_arena(vg_cond_ctx *ctx);
uint32_t vg_cond_compile_nslots(const vg_cond_ctx *ctx);
/* Borrowed; valid until the next compile call on ctx. */
const vg_cond_slot *vg_cond_compile_slots(const vg_cond_ctx *ctx);
const vg_fields *vg_cond_compile_registry(const vg_cond_ctx *ctx);

/* Why a compile failed, for the loader's error codes and skip-if-unknown-filter. */
typedef enum vg_cond_fail {
	VG_CF_NONE,
	VG_CF_UNKNOWN_FIELD, /* unknown field or evt.type name */
	VG_CF_OTHER,
} vg_cond_fail;

/* Compiles a fully macro-expanded AST (no VG_COND_MACRO nodes); text/len is the parsed text,
 * used to put line:col in errors. NULL on error (err and *why set). */
vg_cond_cnode *vg_cond_compile(vg_cond_ctx *ctx, const vg_cond_node *ast, const char *text, size_t len,
			       vg_cond_fail *why, vg_err *err);

/* Compiles one field expression for an output format (no literal); false on error. */
bool vg_cond_compile_fexpr(vg_cond_ctx *ctx, const vg_cond_expr *e, vg_cond_fexpr *out, vg_cond_fail *why,
			   vg_err *err);

/* The event types n can match (see vg_evtset); evaluation under `not` is handled by De
 * Morgan, checks on other fields match every type. */
void vg_cond_compile_evttypes(const vg_cond_cnode *n, vg_evtset *out);

#endif
