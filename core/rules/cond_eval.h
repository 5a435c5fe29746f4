/* Condition evaluator: runs compiled conditions (cond_compile) on one event.
 *
 * Fields are extracted lazily, at most once per event per slot: the per-thread state caches each
 * slot's values stamped with the event's generation (vg_evctx.gen). Transformer results and
 * other temporaries go to the state's scratch arena, reset by vg_cond_eval_begin(); once warmed
 * up, evaluation does not allocate. A check whose field has no value is false whatever the
 * operator (including !=). */
#ifndef VG_COND_EVAL_H
#define VG_COND_EVAL_H

#include <stdbool.h>

#include "fields/fields.h"
#include "rules/cond_compile.h"

typedef struct vg_cond_state vg_cond_state;

/* slots is borrowed (the compile context's table; must not change while the state is used).
 * One state per thread. NULL on allocation failure. */
vg_cond_state *vg_cond_eval_state_new(const vg_cond_slot *slots, uint32_t nslots);
void vg_cond_eval_state_free(vg_cond_state *st);

/* Call once per event before evaluating: resets the scratch arena. */
void vg_cond_eval_begin(vg_cond_state *st, vg_evctx *ev);

bool vg_cond_eval(const vg_cond_cnode *n, vg_cond_state *st, vg_evctx *ev);

/* Values of a field expression on this event (transformers applied). The values are valid until
 * the next vg_cond_eval_begin(). */
void vg_cond_eval_fexpr(const vg_cond_fexpr *e, vg_cond_state *st, vg_evctx *ev, vg_values *out);

/* The per-event scratch arena (reset by vg_cond_eval_begin) for callers' temporaries. */
vg_arena *vg_cond_eval_scratch(vg_cond_state *st);

/* Counters for tests and benchmarks: extractor calls since the state was created. */
uint64_t vg_cond_eval_extractions(const vg_cond_state *st);

#endif
