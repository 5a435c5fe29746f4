#include "rules/cond_eval.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

typedef struct cache_entry {
	uint64_t epoch;
	vg_values vals;
} cache_entry;

struct vg_cond_state {
	const vg_cond_slot *slots;
	uint32_t nslots;
	cache_entry *cache;
	uint64_t epoch;       /* bumped per event: cache entries from older epochs are stale */
	vg_arena *scratch;
	pcre2_match_data *md; /* one per thread: PCRE2 match data must not be shared */
	uint64_t extractions;
};

vg_cond_state *vg_cond_eval_state_new(const vg_cond_slot *slots, uint32_t nslots)
{
	vg_cond_state *st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->slots = slots;
	st->nslots = nslots;
	st->cache = calloc(nslots ? nslots : 1, sizeof(*st->cache));
	st->scratch = vg_arena_new(16 * 1024);
	st->md = pcre2_match_data_create(1, NULL);
	st->epoch = 1;
	if (!st->cache || !st->scratch || !st->md) {
		vg_cond_eval_state_free(st);
		return NULL;
	}
	return st;
}

void vg_cond_eval_state_free(vg_cond_state *st)
{
	if (!st)
		return;
	free(st->cache);
	vg_arena_free(st->scratch);
	pcre2_match_data_free(st->md);
	free(st);
}

void vg_cond_eval_begin(vg_cond_state *st, vg_evctx *ev)
{
	st->epoch++;
	vg_arena_reset(st->scratch);
}

vg_arena *vg_cond_eval_scratch(vg_cond_state *st)
{
	return st->scratch;
}

uint64_t vg_cond_eval_extractions(const vg_cond_state *st)
{
	return st->extractions;
}

static const vg_values *slot_values(vg_cond_state *st, vg_evctx *ev, uint32_t slot)
{
	cache_entry *c = &st->cache[slot];
	if (c->epoch != st->epoch) {
		c->epoch = st->epoch;
		const vg_cond_slot *s = &st->slots[slot];
		if (vg_field_extract(s->field, &s->arg, ev, &c->vals) != VG_OK)
			c->vals.n = 0;
		st->extractions++;
	}
	return &c->vals;
}

/* ---- transformers ---- */

static const uint8_t *copy_case(vg_arena *a, const uint8_t *s, uint32_t n, bool upper)
{
	uint8_t *out = vg_arena_alloc(a, (size_t)n + 1);
	if (!out)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		out[i] = (uint8_t)(upper ? toupper(s[i]) : tolower(s[i]));
	out[n] = 0;
	return out;
}

static int b64_digit(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Standard base64 with optional padding; false on any other byte. */
static bool b64_decode(vg_arena *a, const uint8_t *s, uint32_t n, vg_value *out)
{
	while (n && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return false;
	uint8_t *dst = vg_arena_alloc(a, (size_t)n * 3 / 4 + 1);
	if (!dst)
		return false;
	uint32_t bits = 0, nbits = 0, len = 0;
	for (uint32_t i = 0; i < n; i++) {
		int d = b64_digit(s[i]);
		if (d < 0)
			return false;
		bits = (bits << 6) | (uint32_t)d;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			dst[len++] = (uint8_t)(bits >> nbits);
		}
	}
	dst[len] = 0;
	out->bytes.ptr = dst;
	out->bytes.len = len;
	return true;
}

static bool transform_one(vg_arena *a, vg_cond_tr tr, const vg_value *in, vg_value *out)
{
	const uint8_t *s = in->bytes.ptr;
	uint32_t n = in->bytes.len;
	switch (tr) {
	case VG_TR_TOLOWER:
	case VG_TR_TOUPPER:
		out->bytes.ptr = copy_case(a, s, n, tr == VG_TR_TOUPPER);
		out->bytes.len = n;
		return out->bytes.ptr != NULL;
	case VG_TR_BASENAME: {
		const uint8_t *slash = n ? memrchr(s, '/', n) : NULL;
		out->bytes.ptr = slash ? slash + 1 : s; /* a suffix keeps the NUL terminator */
		out->bytes.len = slash ? (uint32_t)(s + n - slash - 1) : n;
		return true;
	}
	case VG_TR_B64:
		return b64_decode(a, s, n, out);
	case VG_TR_LEN:
		out->u64 = n;
		return true;
	}
	return false;
}

static void apply_transformer(vg_cond_state *st, vg_cond_tr tr, bool list_in, vg_values *v)
{
	if (!v->n)
		return;
	vg_value *out = vg_arena_alloc(st->scratch, sizeof(*out) * v->n);
	if (!out) {
		v->n = 0;
		return;
	}
	if (tr == VG_TR_LEN && list_in) {
		out[0].u64 = v->n;
		v->n = 1;
		v->v = out;
		return;
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < v->n; i++)
		if (transform_one(st->scratch, tr, &v->v[i], &out[n]))
			n++;
	v->n = n;
	v->v = out;
}

/* ---- join / concat / getopt ---- */

/* Values of operand a: the literal, or its expression's values. */
static void marg_values(const vg_cond_marg *a, vg_cond_state *st, vg_evctx *ev, vg_values *out)
{
	if (a->expr)
		vg_cond_eval_fexpr(a->expr, st, ev, out);
	else
		*out = (vg_values){ .n = 1, .v = &a->lit };
}

/* One NUL-terminated string value in the scratch arena made of parts[0..n) with sep between. */
static bool glue(vg_arena *a, const vg_value *parts, uint32_t n, const vg_value *sep, vg_value *out)
{
	size_t len = 0;
	for (uint32_t i = 0; i < n; i++)
		len += parts[i].bytes.len + (i && sep ? sep->bytes.len : 0);
	if (len > UINT32_MAX - 1)
		return false;
	uint8_t *dst = vg_arena_alloc(a, len + 1);
	if (!dst)
		return false;
	size_t at = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (i && sep) {
			memcpy(dst + at, sep->bytes.ptr, sep->bytes.len);
			at += sep->bytes.len;
		}
		memcpy(dst + at, parts[i].bytes.ptr, parts[i].bytes.len);
		at += parts[i].bytes.len;
	}
	dst[at] = 0;
	out->bytes.ptr = dst;
	out->bytes.len = (uint32_t)at;
	return true;
}

/* concat(a, b, ...): missing as soon as one operand is; a multi-valued operand gives its first. */
static bool eval_concat(const vg_cond_multi *m, vg_cond_state *st, vg_evctx *ev, vg_value *out)
{
	vg_value *parts = vg_arena_alloc(st->scratch, sizeof(*parts) * m->nargs);
	if (!parts)
		return false;
	for (uint32_t i = 0; i < m->nargs; i++) {
		vg_values v;
		marg_values(&m->args[i], st, ev, &v);
		if (!v.n)
			return false;
		parts[i] = v.v[0];
	}
	return glue(st->scratch, parts, m->nargs, NULL, out);
}

static bool eval_join(const vg_cond_multi *m, vg_cond_state *st, vg_evctx *ev, vg_value *out)
{
	vg_values sep, list;
	marg_values(&m->args[0], st, ev, &sep);
	if (!sep.n)
		return false;
	marg_values(&m->args[1], st, ev, &list);
	return list.n && glue(st->scratch, list.v, list.n, &sep.v[0], out);
}

typedef struct getopt_out {
	vg_arena *a;
	vg_value *v;
	uint32_t n;
	unsigned char selector;
	bool selected;
	vg_value last;   /* selector mode: the last value of the selected option */
} getopt_out;

static bool getopt_emit(getopt_out *g, const uint8_t *s, uint32_t len)
{
	const char *copy = vg_arena_strndup(g->a, (const char *)s, len);
	if (!copy)
		return false;
	vg_value v = { .bytes = { (const uint8_t *)copy, len } };
	if (g->selector) {
		g->last = v;
		g->selected = true;
	} else {
		g->v[g->n++] = v;
	}
	return true;
}

/* Scans one argv token holding a cluster of short options ("-ab", "-tvalue", "-t" + next token);
 * advances *i past a consumed option value. */
static bool getopt_cluster(getopt_out *g, const vg_cond_optstring *o, const vg_values *argv, uint32_t *i)
{
	const uint8_t *tok = argv->v[*i].bytes.ptr;
	uint32_t len = argv->v[*i].bytes.len;
	for (uint32_t k = 1; k < len; k++) {
		unsigned char c = tok[k];
		bool wanted = !g->selector || c == g->selector;
		if (c == ':' || !o->valid[c]) {
			if (!g->selector && !getopt_emit(g, (const uint8_t *)"?", 1))
				return false;
			continue;
		}
		if (!o->takes_arg[c]) {
			if (wanted && !getopt_emit(g, tok + k, 1))
				return false;
			continue;
		}
		/* The value is the rest of this token or the next token; missing → "". */
		const uint8_t *val = tok + k + 1;
		uint32_t vlen = len - k - 1;
		bool have = vlen > 0;
		if (!have && *i + 1 < argv->n) {
			++*i;
			val = argv->v[*i].bytes.ptr;
			vlen = argv->v[*i].bytes.len;
			have = true;
		}
		if (!wanted)
			return true;
		if (!have)
			return getopt_emit(g, (const uint8_t *)"", 0);
		if (!g->selector && !getopt_emit(g, tok + k, 1))
			return false;
		return getopt_emit(g, val, vlen);
	}
	return true;
}

/* getopt(argv, optstring)[c], as getopt(3) scans: stops at "--" or the first non-option, skips
 * long options; lists each option (and its value; '?' for unknown ones), or with [c] the last
 * value of option c (missing when c is absent). */
static bool eval_getopt(const vg_cond_multi *m, vg_cond_state *st, vg_evctx *ev, vg_values *out)
{
	vg_cond_optstring decoded;
	const vg_cond_optstring *o = m->opts;
	if (!o) {
		vg_values os;
		marg_values(&m->args[1], st, ev, &os);
		if (!os.n)
			return false;
		vg_cond_compile_optstring((const char *)os.v[0].bytes.ptr, os.v[0].bytes.len, &decoded);
		o = &decoded;
	}
	vg_values argv;
	marg_values(&m->args[0], st, ev, &argv);
	size_t cap = 0;
	for (uint32_t i = 0; i < argv.n; i++)
		cap += (size_t)argv.v[i].bytes.len + 1; /* each option char yields at most one value */
	getopt_out g = { .a = st->scratch, .selector = m->selector };
	if (!m->selector && !(g.v = vg_arena_alloc(st->scratch, sizeof(*g.v) * (cap ? cap : 1))))
		return false;
	for (uint32_t i = 0; i < argv.n; i++) {
		const uint8_t *tok = argv.v[i].bytes.ptr;
		uint32_t len = argv.v[i].bytes.len;
		if (len == 2 && tok[0] == '-' && tok[1] == '-')
			break;
		if (len > 2 && tok[0] == '-' && tok[1] == '-')
			continue;
		if (len < 2 || tok[0] != '-')
			break;
		if (!getopt_cluster(&g, o, &argv, &i))
			return false;
	}
	if (m->selector) {
		if (!g.selected || !(g.v = vg_arena_alloc(st->scratch, sizeof(*g.v))))
			return false;
		g.v[0] = g.last;
		g.n = 1;
	}
	*out = (vg_values){ .n = g.n, .v = g.v };
	return true;
}

static void eval_multi(const vg_cond_multi *m, vg_cond_state *st, vg_evctx *ev, vg_values *out)
{
	*out = (vg_values){ 0 };
	if (m->kind == VG_MTR_GETOPT) {
		if (!eval_getopt(m, st, ev, out))
			*out = (vg_values){ 0 };
		return;
	}
	vg_value *v = vg_arena_alloc(st->scratch, sizeof(*v));
	if (v && (m->kind == VG_MTR_JOIN ? eval_join(m, st, ev, v) : eval_concat(m, st, ev, v)))
		*out = (vg_values){ .n = 1, .v = v };
}

void vg_cond_eval_fexpr(const vg_cond_fexpr *e, vg_cond_state *st, vg_evctx *ev, vg_values *out)
{
	if (e->multi)
		eval_multi(e->multi, st, ev, out);
	else
		*out = *slot_values(st, ev, e->slot);
	bool list = (e->field->flags & VG_FIELD_LIST) != 0;
	for (uint8_t i = 0; i < e->ntr; i++) {
		apply_transformer(st, (vg_cond_tr)e->tr[i], list, out);
		if (e->tr[i] == VG_TR_LEN)
			list = false;
	}
}

/* ---- comparisons ---- */

static bool is_bytes(vg_ftype t)
{
	return t == VG_FT_STRING || t == VG_FT_BYTEBUF || t == VG_FT_IPADDR || t == VG_FT_IPNET;
}

static bool ip_match(const vg_value *v, const vg_cond_lit *lit)
{
	if (v->bytes.len != lit->v.bytes.len)
		return false;
	if (lit->bits == VG_COND_EXACT)
		return memcmp(v->bytes.ptr, lit->v.bytes.ptr, v->bytes.len) == 0;
	uint32_t full = lit->bits / 8u, rest = lit->bits % 8u;
	if (memcmp(v->bytes.ptr, lit->v.bytes.ptr, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return (v->bytes.ptr[full] & mask) == (lit->v.bytes.ptr[full] & mask);
}

static bool equal(vg_ftype t, const vg_value *v, const vg_cond_lit *lit)
{
	switch (t) {
	case VG_FT_BOOL:
		return v->b == lit->v.b;
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		return ip_match(v, lit);
	case VG_FT_STRING:
	case VG_FT_BYTEBUF:
		return v->bytes.len == lit->v.bytes.len && memcmp(v->bytes.ptr, lit->v.bytes.ptr, v->bytes.len) == 0;
	default:
		return v->u64 == lit->v.u64;
	}
}

static int order(vg_ftype t, const vg_value *a, const vg_value *b)
{
	if (t == VG_FT_INT64)
		return a->i64 < b->i64 ? -1 : a->i64 > b->i64;
	if (!is_bytes(t))
		return a->u64 < b->u64 ? -1 : a->u64 > b->u64;
	uint32_t n = a->bytes.len < b->bytes.len ? a->bytes.len : b->bytes.len;
	int c = memcmp(a->bytes.ptr, b->bytes.ptr, n);
	if (c)
		return c;
	return a->bytes.len < b->bytes.len ? -1 : a->bytes.len > b->bytes.len;
}

/* ASCII-only folding, as Falco's icontains does. */
static inline uint8_t ascii_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool icontains(const vg_value *hay, const vg_value *needle)
{
	uint32_t n = hay->bytes.len, m = needle->bytes.len;
	if (m > n)
		return false;
	for (uint32_t i = 0; i + m <= n; i++) {
		uint32_t j = 0;
		while (j < m && ascii_lower(hay->bytes.ptr[i + j]) == ascii_lower(needle->bytes.ptr[j]))
			j++;
		if (j == m)
			return true;
	}
	return false;
}

static bool starts(const vg_value *v, const vg_value *p)
{
	return v->bytes.len >= p->bytes.len && memcmp(v->bytes.ptr, p->bytes.ptr, p->bytes.len) == 0;
}

static bool ends(const vg_value *v, const vg_value *p)
{
	return v->bytes.len >= p->bytes.len &&
	       memcmp(v->bytes.ptr + v->bytes.len - p->bytes.len, p->bytes.ptr, p->bytes.len) == 0;
}

static bool check_one(vg_cond_op op, vg_ftype t, const vg_value *v, const vg_cond_lit *lit, vg_cond_state *st)
{
	switch (op) {
	case VG_OP_EQ: return equal(t, v, lit);
	case VG_OP_NE: return !equal(t, v, lit);
	case VG_OP_LT: return order(t, v, &lit->v) < 0;
	case VG_OP_LE: return order(t, v, &lit->v) <= 0;
	case VG_OP_GT: return order(t, v, &lit->v) > 0;
	case VG_OP_GE: return order(t, v, &lit->v) >= 0;
	case VG_OP_CONTAINS:
	case VG_OP_BCONTAINS:
		return memmem(v->bytes.ptr, v->bytes.len, lit->v.bytes.ptr, lit->v.bytes.len) != NULL;
	case VG_OP_ICONTAINS: return icontains(v, &lit->v);
	case VG_OP_STARTSWITH:
	case VG_OP_BSTARTSWITH: return starts(v, &lit->v);
	case VG_OP_ENDSWITH: return ends(v, &lit->v);
	case VG_OP_GLOB:
	case VG_OP_IGLOB:
		return fnmatch((const char *)lit->v.bytes.ptr, (const char *)v->bytes.ptr,
			       op == VG_OP_IGLOB ? FNM_CASEFOLD : 0) == 0;
	case VG_OP_REGEX:
		return lit->re && pcre2_match(lit->re, v->bytes.ptr, v->bytes.len, 0, 0, st->md, NULL) >= 0;
	default: return false;
	}
}

static bool in_lits(const vg_cond_cnode *c, const vg_value *v)
{
	vg_ftype t = c->lhs.type;
	if (c->set) {
		if (t == VG_FT_STRING || t == VG_FT_BYTEBUF)
			return vg_bset_has(c->set, v->bytes.ptr, v->bytes.len);
		if (t == VG_FT_BOOL)
			return vg_bset_has(c->set, &v->b, sizeof(v->b));
		return vg_bset_has(c->set, &v->u64, sizeof(v->u64));
	}
	for (uint32_t i = 0; i < c->nlits; i++)
		if (equal(t, v, &c->lits[i]))
			return true;
	return false;
}

/* Path prefix by components: each '/'-delimited prefix of v is looked up in the prefix set. */
static bool pmatch(const vg_cond_cnode *c, const vg_value *v)
{
	const uint8_t *s = v->bytes.ptr;
	uint32_t n = v->bytes.len;
	if (!c->set)
		return false;
	if (n && s[0] == '/' && vg_bset_has(c->set, "/", 1))
		return true;
	uint32_t h = VG_BSET_HASH_INIT;
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0 && s[i] == '/' && vg_bset_has_hashed(c->set, h, s, i))
			return true;
		h = vg_bset_hash_step(h, s[i]);
	}
	return vg_bset_has_hashed(c->set, h, s, n);
}

static bool match_modifier(const vg_cond_cnode *c, const vg_value *v, vg_cond_state *st)
{
	if (c->set && c->mod == VG_MOD_ANYOF)
		return in_lits(c, v);
	if (c->set && c->mod == VG_MOD_ALLOF)
		return !in_lits(c, v);
	uint32_t hits = 0;
	for (uint32_t i = 0; i < c->nlits; i++)
		hits += check_one((vg_cond_op)c->op, c->lhs.type, v, &c->lits[i], st);
	switch (c->mod) {
	case VG_MOD_ANYOF: return hits > 0;
	case VG_MOD_ALLOF: return hits == c->nlits;
	default: return hits == 1;
	}
}

static bool match_value(const vg_cond_cnode *c, const vg_value *v, vg_cond_state *st)
{
	if (c->op == VG_OP_IN || c->op == VG_OP_INTERSECTS)
		return in_lits(c, v);
	if (c->op == VG_OP_PMATCH)
		return pmatch(c, v);
	if (c->mod != VG_MOD_NONE)
		return match_modifier(c, v, st);
	return c->nlits && check_one((vg_cond_op)c->op, c->lhs.type, v, &c->lits[0], st);
}

static bool value_in(vg_ftype t, const vg_value *v, const vg_values *set)
{
	for (uint32_t i = 0; i < set->n; i++) {
		vg_cond_lit lit = { .v = set->v[i], .bits = VG_COND_EXACT };
		if (equal(t, v, &lit))
			return true;
	}
	return false;
}

static bool eval_vs_field(const vg_cond_cnode *c, const vg_values *lv, vg_cond_state *st, vg_evctx *ev)
{
	vg_values rv;
	vg_cond_eval_fexpr(c->rhs, st, ev, &rv);
	if (!rv.n)
		return false;
	vg_ftype t = c->lhs.type;
	bool list_op = c->op == VG_OP_IN || c->op == VG_OP_INTERSECTS;
	bool all = c->lhs.list && c->op == VG_OP_IN;
	for (uint32_t i = 0; i < lv->n; i++) {
		bool hit;
		if (list_op) {
			hit = value_in(t, &lv->v[i], &rv);
		} else {
			vg_cond_lit lit = { .v = rv.v[0], .bits = VG_COND_EXACT };
			hit = check_one((vg_cond_op)c->op, t, &lv->v[i], &lit, st);
		}
		if (hit != all)
			return hit;
	}
	return all;
}

static bool eval_check(const vg_cond_cnode *c, vg_cond_state *st, vg_evctx *ev)
{
	if (c->evts) {
		bool hit = vg_evtset_has(c->evts, ev->evt ? ev->evt->type : UINT16_MAX);
		return c->op == VG_OP_NE ? !hit : hit;
	}
	vg_values lv;
	if (c->lhs.ntr || c->lhs.multi)
		vg_cond_eval_fexpr(&c->lhs, st, ev, &lv);
	else
		lv = *slot_values(st, ev, c->lhs.slot); /* the common case, without a call */
	if (!lv.n)
		return false;
	if (c->op == VG_OP_EXISTS)
		return true;
	if (c->rhs)
		return eval_vs_field(c, &lv, st, ev);
	/* a list field `in` a set needs every element inside; otherwise (intersects, or a multi-valued
	 * field such as proc.aname without an argument) one matching value is enough */
	bool all = c->lhs.list && c->op == VG_OP_IN;
	for (uint32_t i = 0; i < lv.n; i++) {
		bool hit = match_value(c, &lv.v[i], st);
		if (hit != all)
			return hit;
	}
	return all;
}

bool vg_cond_eval(const vg_cond_cnode *n, vg_cond_state *st, vg_evctx *ev)
{
	switch (n->kind) {
	case VG_CK_AND:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (!vg_cond_eval(n->kids[i], st, ev))
				return false;
		return true;
	case VG_CK_OR:
		for (uint32_t i = 0; i < n->nkids; i++)
			if (vg_cond_eval(n->kids[i], st, ev))
				return true;
		return false;
	case VG_CK_NOT:
		return !vg_cond_eval(n->kids[0], st, ev);
	default:
		return eval_check(n, st, ev);
	}
}
