/* The compiled rules of one event source, indexed by event type, and the per-event matching and
 * alert formatting that the engine calls on that source's thread. */
#ifndef VG_RULESET_H
#define VG_RULESET_H

#include <stdbool.h>
#include <stdint.h>

#include "fields/fields.h"
#include "rules/cond_compile.h"
#include "rules/format.h"
#include "rules/priority.h"
#include "util/buf.h"

typedef enum vg_rule_matching {
	VG_RULE_MATCHING_FIRST, /* stop at the first matching rule of an event (Falco's default) */
	VG_RULE_MATCHING_ALL,
} vg_rule_matching;

typedef struct vg_ruleset vg_ruleset;

/* One rule as loaded. Public members are read-only for callers; every pointer is owned by the
 * vg_rules that produced it and valid until vg_rules_free(). */
typedef struct vg_rule {
	const char *name, *desc, *source;
	const char *condition; /* as written (after append/override), before list/macro expansion */
	const char *output;    /* as written, before append_output */
	vg_priority priority;
	const char *const *tags;
	uint32_t ntags;
	bool enabled;          /* file `enabled`, then selectors and the priority threshold */
	bool loaded;           /* false: unknown source or dropped by skip-if-unknown-filter */
	const char *file;
	uint32_t line, col;
	uint32_t index;        /* load order */
	/* private: the compiled form */
	struct {
		vg_ruleset *rs;
		vg_cond_cnode *cond;
		vg_format *message;
		vg_format_json *fields;
		vg_evtset evts;
		const char **conjuncts; /* canonical text of the top-level and-terms, for shadowing */
		uint32_t nconjuncts;
	} priv;
} vg_rule;

/* ---- building (used by rules.c) ---- */

/* registry is borrowed and must outlive the ruleset. indexed: bucket rules by event type (the
 * syscall source; plugin sources see a single event type). */
vg_ruleset *vg_ruleset_new(const char *source, const vg_fields *registry, vg_evttype_lookup_fn lookup,
			   void *lookup_ud, bool indexed);
void vg_ruleset_free(vg_ruleset *rs);
vg_cond_ctx *vg_ruleset_ctx(vg_ruleset *rs);
const char *vg_ruleset_source(const vg_ruleset *rs);
/* Adds a compiled rule (borrowed; must outlive the ruleset). */
bool vg_ruleset_add(vg_ruleset *rs, vg_rule *r);
/* Builds the event-type buckets of the enabled rules. Call once after the last add. */
bool vg_ruleset_build(vg_ruleset *rs, vg_rule_matching matching);
uint32_t vg_ruleset_count(const vg_ruleset *rs);
vg_rule *vg_ruleset_rule_at(const vg_ruleset *rs, uint32_t i);
/* Union of the event types of the enabled rules. */
void vg_ruleset_evttypes(const vg_ruleset *rs, vg_evtset *out);

/* ---- per event (source thread) ---- */

/* Per-thread evaluation state for one ruleset: field cache, scratch arena, regex match data.
 * Owned by the caller; free with vg_ruleset_state_free(). */
typedef struct vg_ruleset_state vg_ruleset_state;
vg_ruleset_state *vg_ruleset_state_new(const vg_ruleset *rs);
void vg_ruleset_state_free(vg_ruleset_state *st);

/* Called for each matching rule, in definition order; rule is borrowed. The event's field
 * cache is still valid inside the callback, so vg_ruleset_format() there costs no re-extraction. */
typedef void (*vg_ruleset_match_fn)(const vg_rule *rule, vg_evctx *ev, void *ud);

/* Evaluates the enabled rules that can match ev's event type; returns how many matched. */
uint32_t vg_ruleset_match(const vg_ruleset *rs, vg_ruleset_state *st, vg_evctx *ev, vg_ruleset_match_fn fn,
			  void *ud);

/* Formats a matched rule's alert for the current event (call from the match callback, or before
 * the next vg_ruleset_match on st): message = the output text incl. append_output extra_output;
 * fields_json = the output_fields object (typed values, evt.time in ns, extra_fields,
 * static_fields, keys sorted). Both buffers are reset first and reused by the caller. */
void vg_ruleset_format(const vg_rule *rule, vg_ruleset_state *st, vg_evctx *ev, vg_buf *message,
		       vg_buf *fields_json);

/* Extractor calls made through st so far (each field+argument at most once per event). */
uint64_t vg_ruleset_state_extractions(const vg_ruleset_state *st);

#endif
