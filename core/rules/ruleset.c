#include "rules/ruleset.h"

#include <stdlib.h>
#include <string.h>

#include "rules/cond_eval.h"

struct vg_ruleset {
	char *source;
	vg_cond_ctx *ctx;
	vg_rule **rules;
	uint32_t n, cap;
	bool indexed;
	bool first;
	/* buckets: rules of event-type bit t are entries[offs[t] .. offs[t+1]) (CSR layout) */
	uint32_t *offs;
	struct bucket_entry *entries;
};

/* The condition sits next to the rule index so that the per-event loop touches the rule itself
 * only when it matches. */
typedef struct bucket_entry {
	const vg_cond_cnode *cond;
	uint32_t rule;
} bucket_entry;

struct vg_ruleset_state {
	const vg_ruleset *rs;
	vg_cond_state *cs;
};

vg_ruleset *vg_ruleset_new(const char *source, const vg_fields *registry, vg_evttype_lookup_fn lookup,
			   void *lookup_ud, bool indexed)
{
	vg_ruleset *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return NULL;
	vg_cond_ctx_opts o = { .registry = registry, .evttype_lookup = lookup, .evttype_ud = lookup_ud };
	rs->source = strdup(source);
	rs->ctx = vg_cond_compile_ctx_new(&o);
	rs->indexed = indexed;
	if (!rs->source || !rs->ctx) {
		vg_ruleset_free(rs);
		return NULL;
	}
	return rs;
}

void vg_ruleset_free(vg_ruleset *rs)
{
	if (!rs)
		return;
	vg_cond_compile_ctx_free(rs->ctx);
	free(rs->source);
	free(rs->rules);
	free(rs->offs);
	free(rs->entries);
	free(rs);
}

vg_cond_ctx *vg_ruleset_ctx(vg_ruleset *rs)
{
	return rs->ctx;
}

const char *vg_ruleset_source(const vg_ruleset *rs)
{
	return rs->source;
}

bool vg_ruleset_add(vg_ruleset *rs, vg_rule *r)
{
	if (rs->n == rs->cap) {
		uint32_t cap = rs->cap ? rs->cap * 2 : 32;
		vg_rule **grown = realloc(rs->rules, sizeof(*grown) * cap);
		if (!grown)
			return false;
		rs->rules = grown;
		rs->cap = cap;
	}
	rs->rules[rs->n++] = r;
	r->priv.rs = rs;
	return true;
}

uint32_t vg_ruleset_count(const vg_ruleset *rs)
{
	return rs->n;
}

vg_rule *vg_ruleset_rule_at(const vg_ruleset *rs, uint32_t i)
{
	return i < rs->n ? rs->rules[i] : NULL;
}

static bool rule_in_bucket(const vg_ruleset *rs, const vg_rule *r, uint32_t t)
{
	if (!r->enabled || !r->loaded)
		return false;
	return !rs->indexed || ((r->priv.evts.w[t / 64] >> (t % 64)) & 1u);
}

/* Whether the evt.type check c is true for every event type in types. */
static bool evttype_check_covers(const vg_cond_cnode *c, const vg_evtset *types)
{
	for (size_t w = 0; w < sizeof(types->w) / sizeof(types->w[0]); w++) {
		uint64_t yes = c->op == VG_OP_NE ? ~c->evts->w[w] : c->evts->w[w];
		if (types->w[w] & ~yes)
			return false;
	}
	return true;
}

static bool is_implied_by_bucket(const vg_cond_cnode *kid, const vg_rule *r)
{
	return kid->kind == VG_CK_CHECK && kid->evts && evttype_check_covers(kid, &r->priv.evts);
}

/* What the rule evaluates inside its event-type buckets: a top-level `evt.type` conjunct that
 * holds for all of the rule's types is already answered by the bucket, so it is left out. NULL
 * on allocation failure. */
static const vg_cond_cnode *bucket_cond(vg_ruleset *rs, const vg_rule *r)
{
	const vg_cond_cnode *c = r->priv.cond;
	if (!rs->indexed || c->kind != VG_CK_AND)
		return c;
	uint32_t kept = 0;
	for (uint32_t i = 0; i < c->nkids; i++)
		kept += !is_implied_by_bucket(c->kids[i], r);
	if (kept == c->nkids || kept == 0)
		return c;
	vg_arena *a = vg_cond_compile_arena(rs->ctx);
	vg_cond_cnode *and = vg_arena_alloc(a, sizeof(*and));
	vg_cond_cnode **kids = vg_arena_alloc(a, sizeof(*kids) * kept);
	if (!and || !kids)
		return NULL;
	*and = *c;
	and->nkids = 0;
	and->kids = kids;
	for (uint32_t i = 0; i < c->nkids; i++)
		if (!is_implied_by_bucket(c->kids[i], r))
			kids[and->nkids++] = c->kids[i];
	return and->nkids == 1 ? and->kids[0] : and;
}

bool vg_ruleset_build(vg_ruleset *rs, vg_rule_matching matching)
{
	uint32_t nb = rs->indexed ? VG_EVTSET_BITS : 1;
	rs->first = matching == VG_RULE_MATCHING_FIRST;
	free(rs->offs);
	free(rs->entries);
	rs->entries = NULL;
	rs->offs = calloc(nb + 1, sizeof(*rs->offs));
	if (!rs->offs)
		return false;
	uint64_t total = 0;
	for (uint32_t t = 0; t < nb; t++)
		for (uint32_t i = 0; i < rs->n; i++)
			total += rule_in_bucket(rs, rs->rules[i], t);
	const vg_cond_cnode **conds = calloc(rs->n ? rs->n : 1, sizeof(*conds));
	rs->entries = malloc(sizeof(*rs->entries) * (total ? total : 1));
	bool ok = conds && rs->entries;
	for (uint32_t i = 0; ok && i < rs->n; i++)
		if (rs->rules[i]->enabled && rs->rules[i]->loaded)
			ok = (conds[i] = bucket_cond(rs, rs->rules[i])) != NULL;
	uint32_t k = 0;
	for (uint32_t t = 0; ok && t < nb; t++) {
		rs->offs[t] = k;
		for (uint32_t i = 0; i < rs->n; i++)
			if (rule_in_bucket(rs, rs->rules[i], t))
				rs->entries[k++] = (bucket_entry){ .cond = conds[i], .rule = i };
	}
	rs->offs[nb] = k;
	free(conds);
	return ok;
}

void vg_ruleset_evttypes(const vg_ruleset *rs, vg_evtset *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < rs->n; i++) {
		const vg_rule *r = rs->rules[i];
		if (!r->enabled || !r->loaded)
			continue;
		for (size_t w = 0; w < sizeof(out->w) / sizeof(out->w[0]); w++)
			out->w[w] |= r->priv.evts.w[w];
	}
}

vg_ruleset_state *vg_ruleset_state_new(const vg_ruleset *rs)
{
	vg_ruleset_state *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->rs = rs;
	st->cs = vg_cond_eval_state_new(vg_cond_compile_slots(rs->ctx), vg_cond_compile_nslots(rs->ctx));
	if (!st->cs) {
		free(st);
		return NULL;
	}
	return st;
}

void vg_ruleset_state_free(vg_ruleset_state *st)
{
	if (!st)
		return;
	vg_cond_eval_state_free(st->cs);
	free(st);
}

uint64_t vg_ruleset_state_extractions(const vg_ruleset_state *st)
{
	return vg_cond_eval_extractions(st->cs);
}

uint32_t vg_ruleset_match(const vg_ruleset *rs, vg_ruleset_state *st, vg_evctx *ev, vg_ruleset_match_fn fn,
			  void *ud)
{
	vg_cond_eval_begin(st->cs, ev);
	uint32_t b = rs->indexed ? vg_evtset_index(ev->evt ? ev->evt->type : UINT16_MAX) : 0;
	uint32_t matched = 0;
	uint32_t end = rs->offs[b + 1];
	for (uint32_t k = rs->offs[b]; k < end; k++) {
		if (k + 1 < end) /* the next rule's root is usually a cache miss: start it early */
			__builtin_prefetch(rs->entries[k + 1].cond);
		if (!vg_cond_eval(rs->entries[k].cond, st->cs, ev))
			continue;
		const vg_rule *r = rs->rules[rs->entries[k].rule];
		matched++;
		if (fn)
			fn(r, ev, ud);
		if (rs->first)
			break;
	}
	return matched;
}

void vg_ruleset_format(const vg_rule *rule, vg_ruleset_state *st, vg_evctx *ev, vg_buf *message,
		       vg_buf *fields_json)
{
	if (message) {
		vg_buf_reset(message);
		vg_format_text(rule->priv.message, st->cs, ev, message);
	}
	if (fields_json) {
		vg_buf_reset(fields_json);
		vg_format_json_render(rule->priv.fields, st->cs, ev, fields_json);
	}
}
