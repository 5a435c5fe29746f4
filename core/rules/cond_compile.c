#include "rules/cond_compile.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/scap_events.h>

/* Bounds on what macro expansion can build from small input (a macro used twice by a macro used
 * twice ... doubles each level). */
#define MAX_COMPILE_DEPTH 1000
#define MAX_COMPILE_NODES 1000000u

struct vg_cond_ctx {
	vg_cond_ctx_opts opts;
	vg_arena *arena;
	vg_cond_slot *slots;
	uint32_t nslots, slots_cap;
	pcre2_code **regexes;
	uint32_t nregexes, regexes_cap;
	/* per compile call */
	const char *text;
	size_t len;
	const vg_cond_node *cur; /* node being compiled: its text and origin locate errors */
	vg_err *err;
	vg_cond_fail why;
	uint32_t nodes;
};

/* ---- event-type sets ---- */

void vg_cond_compile_evtset_fill(vg_evtset *s)
{
	memset(s, 0xff, sizeof(*s));
}

uint32_t vg_cond_compile_evtset_count(const vg_evtset *s)
{
	uint32_t n = 0;
	for (size_t i = 0; i < sizeof(s->w) / sizeof(s->w[0]); i++)
		n += (uint32_t)__builtin_popcountll(s->w[i]);
	return n;
}

bool vg_cond_compile_scap_lookup(const char *name, vg_evtset *out, void *ud)
{
	uint16_t codes[64];
	size_t n = vg_scap_event_codes_by_name(name, codes, sizeof(codes) / sizeof(codes[0]));
	if (n > sizeof(codes) / sizeof(codes[0]))
		n = sizeof(codes) / sizeof(codes[0]);
	for (size_t i = 0; i < n; i++)
		vg_evtset_add(out, codes[i]);
	return n > 0;
}

/* ---- context ---- */

vg_cond_ctx *vg_cond_compile_ctx_new(const vg_cond_ctx_opts *opts)
{
	vg_cond_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->opts = *opts;
	if (!(ctx->arena = vg_arena_new(0))) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

void vg_cond_compile_ctx_free(vg_cond_ctx *ctx)
{
	if (!ctx)
		return;
	for (uint32_t i = 0; i < ctx->nregexes; i++)
		pcre2_code_free(ctx->regexes[i]);
	free(ctx->regexes);
	free(ctx->slots);
	vg_arena_free(ctx->arena);
	free(ctx);
}

vg_arena *vg_cond_compile_arena(vg_cond_ctx *ctx)
{
	return ctx->arena;
}

uint32_t vg_cond_compile_nslots(const vg_cond_ctx *ctx)
{
	return ctx->nslots;
}

const vg_cond_slot *vg_cond_compile_slots(const vg_cond_ctx *ctx)
{
	return ctx->slots;
}

const vg_fields *vg_cond_compile_registry(const vg_cond_ctx *ctx)
{
	return ctx->opts.registry;
}

/* ---- errors ---- */

static bool fail(vg_cond_ctx *ctx, vg_cond_fail why, uint32_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool fail(vg_cond_ctx *ctx, vg_cond_fail why, uint32_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vg_err_vset(ctx->err, VG_ERR_INVALID, fmt, ap);
	va_end(ap);
	const char *text = ctx->cur && ctx->cur->src ? ctx->cur->src : ctx->text;
	if (text && ctx->err) {
		uint32_t line, col;
		vg_cond_parse_linecol(text, text == ctx->text ? ctx->len : strlen(text), off, &line, &col);
		size_t n = strlen(ctx->err->msg);
		if (ctx->cur && ctx->cur->origin)
			snprintf(ctx->err->msg + n, sizeof(ctx->err->msg) - n, " at %u:%u of macro '%s'", line, col,
				 ctx->cur->origin);
		else
			snprintf(ctx->err->msg + n, sizeof(ctx->err->msg) - n, " at %u:%u", line, col);
	}
	ctx->why = why;
	return false;
}

static bool nomem(vg_cond_ctx *ctx)
{
	vg_err_set(ctx->err, VG_ERR_NOMEM, "out of memory compiling condition");
	ctx->why = VG_CF_OTHER;
	return false;
}

/* ---- field expressions ---- */

static bool same_arg(const vg_field_arg *a, const vg_field_arg *b)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	return strcmp(a->key, b->key) == 0;
}

static bool intern_slot(vg_cond_ctx *ctx, const vg_field_info *f, const vg_field_arg *arg, uint32_t *out)
{
	for (uint32_t i = 0; i < ctx->nslots; i++) {
		if (ctx->slots[i].field == f && same_arg(&ctx->slots[i].arg, arg)) {
			*out = i;
			return true;
		}
	}
	if (ctx->nslots == ctx->slots_cap) {
		uint32_t cap = ctx->slots_cap ? ctx->slots_cap * 2 : 32;
		vg_cond_slot *s = realloc(ctx->slots, sizeof(*s) * cap);
		if (!s)
			return nomem(ctx);
		ctx->slots = s;
		ctx->slots_cap = cap;
	}
	ctx->slots[ctx->nslots] = (vg_cond_slot){ .field = f, .arg = *arg };
	*out = ctx->nslots++;
	return true;
}

static bool parse_index(const char *s, uint64_t *out)
{
	if (!*s)
		return false;
	uint64_t v = 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static bool make_arg(vg_cond_ctx *ctx, const vg_field_info *f, const vg_cond_expr *e, const char *dotted,
		     vg_field_arg *arg)
{
	*arg = (vg_field_arg){ .index = UINT64_MAX };
	if (dotted && e->has_arg)
		return fail(ctx, VG_CF_OTHER, e->off, "field '%s' has both a dotted key and an argument", e->name);
	const char *text = dotted ? dotted : e->has_arg ? e->arg : NULL;
	if (!text) {
		if (f->arg & VG_ARG_REQUIRED)
			return fail(ctx, VG_CF_OTHER, e->off, "field '%s' requires an argument", f->name);
		return true;
	}
	if (!(f->arg & (VG_ARG_INDEX | VG_ARG_KEY)))
		return fail(ctx, VG_CF_OTHER, e->off, "field '%s' does not take an argument", f->name);
	bool is_index = parse_index(text, &arg->index);
	if (!is_index)
		arg->index = UINT64_MAX;
	if ((f->arg & (VG_ARG_INDEX | VG_ARG_KEY)) == VG_ARG_INDEX && !is_index)
		return fail(ctx, VG_CF_OTHER, e->off, "field '%s' takes a numeric index, not '%s'", f->name, text);
	arg->present = true;
	if (!(arg->key = vg_arena_strdup(ctx->arena, text)))
		return nomem(ctx);
	return true;
}

static bool compile_field(vg_cond_ctx *ctx, const vg_cond_expr *e, vg_cond_fexpr *out)
{
	const char *dotted = NULL;
	const vg_field_info *f = vg_fields_resolve(ctx->opts.registry, e->name, &dotted);
	if (!f)
		return fail(ctx, VG_CF_UNKNOWN_FIELD, e->off, "unknown field '%s'", e->name);
	vg_field_arg arg;
	if (!make_arg(ctx, f, e, dotted, &arg))
		return false;
	memset(out, 0, sizeof(*out));
	out->field = f;
	out->type = f->type;
	out->list = (f->flags & VG_FIELD_LIST) != 0;
	return intern_slot(ctx, f, &arg, &out->slot);
}

static const struct {
	const char *name;
	vg_cond_tr tr;
} tr_names[] = {
	{ "tolower", VG_TR_TOLOWER }, { "toupper", VG_TR_TOUPPER }, { "b64", VG_TR_B64 },
	{ "basename", VG_TR_BASENAME }, { "len", VG_TR_LEN },
};

static bool apply_transformer_type(vg_cond_ctx *ctx, const vg_cond_expr *e, vg_cond_tr tr, vg_cond_fexpr *out)
{
	bool text = out->type == VG_FT_STRING;
	bool bytes = text || out->type == VG_FT_BYTEBUF;
	switch (tr) {
	case VG_TR_TOLOWER:
	case VG_TR_TOUPPER:
	case VG_TR_BASENAME:
		if (!text)
			return fail(ctx, VG_CF_OTHER, e->off, "%s() needs a string, '%s' is %s", e->name,
				    out->field->name, vg_ftype_name(out->type));
		break;
	case VG_TR_B64:
		if (!bytes)
			return fail(ctx, VG_CF_OTHER, e->off, "b64() needs a string or buffer, '%s' is %s",
				    out->field->name, vg_ftype_name(out->type));
		break;
	case VG_TR_LEN:
		if (!bytes && !out->list)
			return fail(ctx, VG_CF_OTHER, e->off, "len() needs a string, buffer or list, '%s' is %s",
				    out->field->name, vg_ftype_name(out->type));
		out->type = VG_FT_UINT64;
		out->list = false;
		break;
	}
	if (out->ntr == VG_COND_MAX_TR)
		return fail(ctx, VG_CF_OTHER, e->off, "more than %d nested transformers", VG_COND_MAX_TR);
	out->tr[out->ntr++] = (uint8_t)tr;
	return true;
}

/* ---- join / concat / getopt ---- */

/* What a multi-operand transformer yields, for type checks and messages. */
static const vg_field_info join_result = { .name = "join()", .type = VG_FT_STRING };
static const vg_field_info concat_result = { .name = "concat()", .type = VG_FT_STRING };
static const vg_field_info getopt_result = { .name = "getopt()", .type = VG_FT_STRING, .flags = VG_FIELD_LIST };
static const vg_field_info getopt_selected = { .name = "getopt()[]", .type = VG_FT_STRING };

static const struct {
	const char *name;
	vg_cond_mtr kind;
	const vg_field_info *result;
} mtr_names[] = {
	{ "join", VG_MTR_JOIN, &join_result },
	{ "concat", VG_MTR_CONCAT, &concat_result },
	{ "getopt", VG_MTR_GETOPT, &getopt_result },
};

void vg_cond_compile_optstring(const char *s, size_t len, vg_cond_optstring *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = (len && s[0] == ':') ? 1 : 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':')
			continue;
		out->valid[c] = true;
		if (i + 1 < len && s[i + 1] == ':') {
			out->takes_arg[c] = true;
			i++;
		}
	}
}

static bool compile_expr(vg_cond_ctx *ctx, const vg_cond_expr *e, vg_cond_fexpr *out, int depth);

/* Operand i of transformer e: want_list says whether it must be a list of strings (else one
 * string); a quoted literal is a single string. */
static bool compile_marg(vg_cond_ctx *ctx, const vg_cond_expr *e, uint32_t i, bool want_list, int depth,
			 vg_cond_marg *out)
{
	const vg_cond_expr *a = e->args[i];
	if (a->is_literal) {
		if (want_list)
			return fail(ctx, VG_CF_OTHER, a->off, "%s() argument %u must be a list, not a string literal",
				    e->name, i + 1);
		out->lit.bytes.ptr = (const uint8_t *)a->name;
		out->lit.bytes.len = (uint32_t)strlen(a->name);
		return true;
	}
	vg_cond_fexpr *fx = vg_arena_zalloc(ctx->arena, sizeof(*fx));
	if (!fx)
		return nomem(ctx);
	if (!compile_expr(ctx, a, fx, depth + 1))
		return false;
	if (fx->field->flags & VG_FIELD_NO_TRANSFORM)
		return fail(ctx, VG_CF_OTHER, a->off, "field '%s' cannot be transformed", fx->field->name);
	if (fx->type != VG_FT_STRING || fx->list != want_list)
		return fail(ctx, VG_CF_OTHER, a->off, "%s() argument %u must be %s, '%s' is %s%s", e->name, i + 1,
			    want_list ? "a list of strings" : "a string", fx->field->name, fx->list ? "a list of " : "",
			    vg_ftype_name(fx->type));
	out->expr = fx;
	return true;
}

static bool check_mtr_arity(vg_cond_ctx *ctx, const vg_cond_expr *e, vg_cond_mtr kind)
{
	if (kind == VG_MTR_CONCAT ? e->nargs < 2 : e->nargs != 2)
		return fail(ctx, VG_CF_OTHER, e->off, "%s() takes %s", e->name,
			    kind == VG_MTR_JOIN     ? "exactly two arguments: a separator and a list"
			    : kind == VG_MTR_GETOPT ? "exactly two arguments: a list and an optstring"
						    : "at least two arguments");
	if (e->has_arg && (kind != VG_MTR_GETOPT || strlen(e->arg) != 1))
		return fail(ctx, VG_CF_OTHER, e->off, "%s", kind == VG_MTR_GETOPT ?
			    "getopt()[c] takes a single option character" : "only getopt() takes an argument");
	return true;
}

static bool compile_multi(vg_cond_ctx *ctx, const vg_cond_expr *e, size_t t, vg_cond_fexpr *out, int depth)
{
	vg_cond_mtr kind = mtr_names[t].kind;
	if (!check_mtr_arity(ctx, e, kind))
		return false;
	vg_cond_multi *m = vg_arena_zalloc(ctx->arena, sizeof(*m));
	vg_cond_marg *args = vg_arena_zalloc(ctx->arena, sizeof(*args) * e->nargs);
	if (!m || !args)
		return nomem(ctx);
	for (uint32_t i = 0; i < e->nargs; i++) {
		bool want_list = (kind == VG_MTR_JOIN && i == 1) || (kind == VG_MTR_GETOPT && i == 0);
		if (!compile_marg(ctx, e, i, want_list, depth, &args[i]))
			return false;
	}
	m->kind = kind;
	m->nargs = e->nargs;
	m->args = args;
	if (kind == VG_MTR_GETOPT && !args[1].expr) {
		vg_cond_optstring *o = vg_arena_alloc(ctx->arena, sizeof(*o));
		if (!o)
			return nomem(ctx);
		vg_cond_compile_optstring((const char *)args[1].lit.bytes.ptr, args[1].lit.bytes.len, o);
		m->opts = o;
	}
	if (e->has_arg)
		m->selector = (unsigned char)e->arg[0];
	memset(out, 0, sizeof(*out));
	out->multi = m;
	out->field = e->has_arg ? &getopt_selected : mtr_names[t].result;
	out->type = VG_FT_STRING;
	out->list = (out->field->flags & VG_FIELD_LIST) != 0;
	return true;
}

static bool compile_expr(vg_cond_ctx *ctx, const vg_cond_expr *e, vg_cond_fexpr *out, int depth)
{
	if (e->is_literal)
		return fail(ctx, VG_CF_OTHER, e->off, "a string literal is only allowed as an argument of join(), "
			    "concat() or getopt()");
	if (!e->is_transformer)
		return compile_field(ctx, e, out);
	if (depth > VG_COND_MAX_TR)
		return fail(ctx, VG_CF_OTHER, e->off, "more than %d nested transformers", VG_COND_MAX_TR);
	if (strcmp(e->name, "val") == 0)
		return fail(ctx, VG_CF_OTHER, e->off, "val() can only be used on the right-hand side of a comparison");
	for (size_t m = 0; m < sizeof(mtr_names) / sizeof(mtr_names[0]); m++)
		if (strcmp(mtr_names[m].name, e->name) == 0)
			return compile_multi(ctx, e, m, out, depth);
	size_t t = 0;
	while (t < sizeof(tr_names) / sizeof(tr_names[0]) && strcmp(tr_names[t].name, e->name) != 0)
		t++;
	if (t == sizeof(tr_names) / sizeof(tr_names[0]))
		return fail(ctx, VG_CF_OTHER, e->off, "unknown transformer '%s'", e->name);
	if (e->nargs != 1)
		return fail(ctx, VG_CF_OTHER, e->off, "%s() takes exactly one argument", e->name);
	if (e->has_arg)
		return fail(ctx, VG_CF_OTHER, e->off, "%s() does not take an argument", e->name);
	if (!compile_expr(ctx, e->args[0], out, depth + 1))
		return false;
	if (out->field->flags & VG_FIELD_NO_TRANSFORM)
		return fail(ctx, VG_CF_OTHER, e->off, "field '%s' cannot be transformed", out->field->name);
	return apply_transformer_type(ctx, e, tr_names[t].tr, out);
}

bool vg_cond_compile_fexpr(vg_cond_ctx *ctx, const vg_cond_expr *e, vg_cond_fexpr *out, vg_cond_fail *why,
			   vg_err *err)
{
	ctx->err = err;
	ctx->why = VG_CF_NONE;
	ctx->text = NULL;
	ctx->cur = NULL;
	bool ok = compile_expr(ctx, e, out, 0);
	*why = ctx->why;
	return ok;
}

/* ---- literals ---- */

static bool is_numeric(vg_ftype t)
{
	return t == VG_FT_INT64 || t == VG_FT_UINT64 || t == VG_FT_RELTIME || t == VG_FT_ABSTIME ||
	       t == VG_FT_PORT;
}

static bool parse_uint(const char *s, uint64_t *out)
{
	const char *p = s;
	if (*p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_int(const char *s, int64_t *out)
{
	const char *p = s + (*s == '+' || *s == '-');
	if (!isdigit((unsigned char)*p))
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_port(const char *s, uint64_t *out)
{
	if (parse_uint(s, out))
		return *out <= 65535;
	struct servent res, *se = NULL;
	char buf[1024];
	if (getservbyname_r(s, NULL, &res, buf, sizeof(buf), &se) != 0 || !se)
		return false;
	*out = ntohs((uint16_t)se->s_port);
	return true;
}

/* "a.b.c.d", IPv6, optionally "/bits". */
static bool parse_ip(vg_arena *a, const char *s, bool need_cidr, vg_cond_lit *lit)
{
	const char *slash = strchr(s, '/');
	if (need_cidr && !slash)
		return false;
	char host[INET6_ADDRSTRLEN + 1];
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	if (hlen >= sizeof(host))
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	uint8_t *bytes = vg_arena_alloc(a, 16);
	if (!bytes)
		return false;
	uint32_t len;
	if (inet_pton(AF_INET, host, bytes) == 1)
		len = 4;
	else if (inet_pton(AF_INET6, host, bytes) == 1)
		len = 16;
	else
		return false;
	lit->v.bytes.ptr = bytes;
	lit->v.bytes.len = len;
	lit->bits = VG_COND_EXACT;
	if (slash) {
		uint64_t bits;
		if (!parse_uint(slash + 1, &bits) || bits > len * 8u)
			return false;
		lit->bits = (uint8_t)bits;
	}
	return true;
}

static bool parse_hex(vg_arena *a, const char *s, vg_value *v)
{
	size_t n = strlen(s);
	if (n % 2)
		return false;
	uint8_t *out = vg_arena_alloc(a, n / 2 + 1);
	if (!out)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int hi = vg_cond_parse_hexdigit(s[i]), lo = vg_cond_parse_hexdigit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (uint8_t)(hi * 16 + lo);
	}
	out[n / 2] = 0;
	v->bytes.ptr = out;
	v->bytes.len = (uint32_t)(n / 2);
	return true;
}

static bool compile_regex(vg_cond_ctx *ctx, const char *pattern, uint32_t off, vg_cond_lit *lit)
{
	int ec;
	PCRE2_SIZE eoff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
				       &ec, &eoff, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		return fail(ctx, VG_CF_OTHER, off, "invalid regex '%s' (offset %zu): %s", pattern, (size_t)eoff,
			    (const char *)msg);
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* without JIT pcre2_match still works */
	if (ctx->nregexes == ctx->regexes_cap) {
		uint32_t cap = ctx->regexes_cap ? ctx->regexes_cap * 2 : 8;
		pcre2_code **r = realloc(ctx->regexes, sizeof(*r) * cap);
		if (!r) {
			pcre2_code_free(re);
			return nomem(ctx);
		}
		ctx->regexes = r;
		ctx->regexes_cap = cap;
	}
	ctx->regexes[ctx->nregexes++] = re;
	lit->re = re;
	return true;
}

static bool string_lit(vg_cond_ctx *ctx, const char *text, vg_cond_op op, vg_cond_lit *lit)
{
	size_t n = strlen(text);
	char *copy = vg_arena_strdup(ctx->arena, text);
	if (!copy)
		return nomem(ctx);
	if (op == VG_OP_ICONTAINS)
		for (size_t i = 0; i < n; i++)
			copy[i] = (char)tolower((unsigned char)copy[i]);
	if (op == VG_OP_PMATCH) /* "/var/run/" and "/var/run" name the same prefix */
		while (n > 1 && copy[n - 1] == '/')
			copy[--n] = '\0';
	lit->v.bytes.ptr = (const uint8_t *)copy;
	lit->v.bytes.len = (uint32_t)n;
	return true;
}

static bool make_lit(vg_cond_ctx *ctx, const vg_cond_fexpr *lhs, vg_cond_op op, const char *text,
		     uint32_t off, vg_cond_lit *lit)
{
	memset(lit, 0, sizeof(*lit));
	lit->bits = VG_COND_EXACT;
	bool ok = true;
	switch (lhs->type) {
	case VG_FT_INT64: ok = parse_int(text, &lit->v.i64); break;
	case VG_FT_UINT64:
	case VG_FT_RELTIME:
	case VG_FT_ABSTIME: ok = parse_uint(text, &lit->v.u64); break;
	case VG_FT_PORT: ok = parse_port(text, &lit->v.u64); break;
	case VG_FT_BOOL:
		ok = strcmp(text, "true") == 0 || strcmp(text, "false") == 0;
		lit->v.b = strcmp(text, "true") == 0;
		break;
	case VG_FT_IPADDR: ok = parse_ip(ctx->arena, text, false, lit); break;
	case VG_FT_IPNET: ok = parse_ip(ctx->arena, text, true, lit); break;
	case VG_FT_BYTEBUF:
		if (op == VG_OP_BCONTAINS || op == VG_OP_BSTARTSWITH) {
			if (!parse_hex(ctx->arena, text, &lit->v))
				return fail(ctx, VG_CF_OTHER, off, "'%s' is not a hex byte string", text);
			return true;
		}
		return string_lit(ctx, text, op, lit);
	case VG_FT_STRING:
		if (op == VG_OP_REGEX)
			return string_lit(ctx, text, op, lit) && compile_regex(ctx, text, off, lit);
		return string_lit(ctx, text, op, lit);
	default: ok = false; break;
	}
	if (!ok)
		return fail(ctx, VG_CF_OTHER, off, "invalid %s value '%s' for '%s'", vg_ftype_name(lhs->type), text,
			    lhs->field->name);
	return true;
}

/* ---- operator/type rules ---- */

static bool op_allowed(vg_ftype t, vg_cond_op op)
{
	switch (op) {
	case VG_OP_EQ:
	case VG_OP_NE:
	case VG_OP_IN:
	case VG_OP_INTERSECTS:
	case VG_OP_EXISTS:
		return true;
	case VG_OP_LT:
	case VG_OP_LE:
	case VG_OP_GT:
	case VG_OP_GE:
		return is_numeric(t) || t == VG_FT_STRING;
	case VG_OP_BCONTAINS:
	case VG_OP_BSTARTSWITH:
		return t == VG_FT_BYTEBUF;
	case VG_OP_CONTAINS:
	case VG_OP_STARTSWITH:
	case VG_OP_ENDSWITH:
		return t == VG_FT_STRING || t == VG_FT_BYTEBUF;
	case VG_OP_ICONTAINS:
	case VG_OP_GLOB:
	case VG_OP_IGLOB:
	case VG_OP_REGEX:
	case VG_OP_PMATCH:
		return t == VG_FT_STRING;
	default:
		return false;
	}
}

/* Literal sets are hashed when equality is byte equality of the value representation. */
static bool hashable(vg_ftype t)
{
	return t != VG_FT_IPADDR && t != VG_FT_IPNET;
}

static const void *lit_key(const vg_cond_lit *l, vg_ftype t, size_t *len)
{
	if (t == VG_FT_STRING || t == VG_FT_BYTEBUF) {
		*len = l->v.bytes.len;
		return l->v.bytes.ptr;
	}
	if (t == VG_FT_BOOL) {
		*len = sizeof(l->v.b);
		return &l->v.b;
	}
	*len = sizeof(l->v.u64);
	return &l->v.u64;
}

static bool build_set(vg_cond_ctx *ctx, vg_cond_cnode *c)
{
	bool set_op = c->op == VG_OP_IN || c->op == VG_OP_INTERSECTS || c->op == VG_OP_PMATCH ||
		      (c->op == VG_OP_EQ && c->mod == VG_MOD_ANYOF) || (c->op == VG_OP_NE && c->mod == VG_MOD_ALLOF);
	if (!set_op || c->rhs || !hashable(c->lhs.type))
		return true;
	if (!(c->set = vg_bset_new(ctx->arena, c->nlits)))
		return nomem(ctx);
	for (uint32_t i = 0; i < c->nlits; i++) {
		size_t len;
		const void *key = lit_key(&c->lits[i], c->lhs.type, &len);
		if (!vg_bset_add(c->set, key, len))
			return nomem(ctx);
	}
	return true;
}

static bool compile_evttype(vg_cond_ctx *ctx, const vg_cond_node *n, vg_cond_cnode *c)
{
	if (!ctx->opts.evttype_lookup || strcmp(c->lhs.field->name, "evt.type") != 0 || c->lhs.ntr ||
	    n->lhs->has_arg || c->rhs)
		return true;
	bool handled = (c->mod == VG_MOD_NONE && (c->op == VG_OP_EQ || c->op == VG_OP_NE || c->op == VG_OP_IN ||
						   c->op == VG_OP_INTERSECTS)) ||
		       (c->mod == VG_MOD_ANYOF && c->op == VG_OP_EQ) || (c->mod == VG_MOD_ALLOF && c->op == VG_OP_NE);
	if (!handled)
		return true;
	if (!(c->evts = vg_arena_zalloc(ctx->arena, sizeof(*c->evts))))
		return nomem(ctx);
	for (uint32_t i = 0; i < n->nvals; i++)
		if (!ctx->opts.evttype_lookup(n->vals[i], c->evts, ctx->opts.evttype_ud))
			return fail(ctx, VG_CF_UNKNOWN_FIELD, n->val_offs[i], "unknown event type '%s'", n->vals[i]);
	return true;
}

static bool compile_rhs_expr(vg_cond_ctx *ctx, const vg_cond_node *n, vg_cond_cnode *c)
{
	const vg_cond_expr *e = n->rhs_expr;
	if (c->op == VG_OP_PMATCH || c->op == VG_OP_REGEX)
		return fail(ctx, VG_CF_OTHER, e->off, "operator '%s' cannot compare with a field",
			    vg_cond_parse_op_name(c->op));
	if (!(c->rhs = vg_arena_zalloc(ctx->arena, sizeof(*c->rhs))))
		return nomem(ctx);
	if (strcmp(e->name, "val") == 0) {
		if (e->nargs != 1 || e->args[0]->is_transformer || e->has_arg)
			return fail(ctx, VG_CF_OTHER, e->off, "val() takes exactly one field");
		if (!compile_field(ctx, e->args[0], c->rhs))
			return false;
		if (c->rhs->field->flags & VG_FIELD_NO_TRANSFORM)
			return fail(ctx, VG_CF_OTHER, e->off, "field '%s' cannot be used in val()", c->rhs->field->name);
	} else if (!compile_expr(ctx, e, c->rhs, 0)) {
		return false;
	}
	bool list_op = c->op == VG_OP_IN || c->op == VG_OP_INTERSECTS;
	if (c->rhs->type != c->lhs.type || (!list_op && c->rhs->list != c->lhs.list))
		return fail(ctx, VG_CF_OTHER, e->off, "cannot compare %s%s with %s%s", c->lhs.list ? "list of " : "",
			    vg_ftype_name(c->lhs.type), c->rhs->list ? "list of " : "", vg_ftype_name(c->rhs->type));
	return true;
}

static bool compile_lits(vg_cond_ctx *ctx, const vg_cond_node *n, vg_cond_cnode *c)
{
	c->nlits = n->nvals;
	if (n->nvals && !(c->lits = vg_arena_zalloc(ctx->arena, sizeof(*c->lits) * n->nvals)))
		return nomem(ctx);
	for (uint32_t i = 0; i < n->nvals; i++)
		if (!make_lit(ctx, &c->lhs, c->op, n->vals[i], n->val_offs[i], &c->lits[i]))
			return false;
	return build_set(ctx, c);
}

static bool compile_check(vg_cond_ctx *ctx, const vg_cond_node *n, vg_cond_cnode *c)
{
	c->kind = VG_CK_CHECK;
	c->op = (uint8_t)n->op;
	c->mod = (uint8_t)n->mod;
	if (!compile_expr(ctx, n->lhs, &c->lhs, 0))
		return false;
	const char *fname = c->lhs.field->name;
	if (!op_allowed(c->lhs.type, n->op))
		return fail(ctx, VG_CF_OTHER, n->off, "operator '%s' is not supported on '%s' (%s)",
			    vg_cond_parse_op_name(n->op), fname, vg_ftype_name(c->lhs.type));
	if (c->lhs.list && n->op != VG_OP_IN && n->op != VG_OP_INTERSECTS && n->op != VG_OP_EXISTS)
		return fail(ctx, VG_CF_OTHER, n->off, "list field '%s' only supports in, intersects and exists", fname);
	if (n->op == VG_OP_EXISTS)
		return true;
	if (n->rhs_kind == VG_RHS_EXPR)
		return compile_rhs_expr(ctx, n, c);
	return compile_lits(ctx, n, c) && compile_evttype(ctx, n, c);
}

static vg_cond_cnode *compile_node(vg_cond_ctx *ctx, const vg_cond_node *n, int depth);

/* AND inside AND (common after macro expansion) is flattened so evaluation stays shallow. */
static bool compile_nary(vg_cond_ctx *ctx, const vg_cond_node *n, vg_cond_cnode *c, int depth)
{
	c->kind = n->kind == VG_COND_AND ? VG_CK_AND : VG_CK_OR;
	vg_cond_cnode **kids = vg_arena_alloc(ctx->arena, sizeof(*kids) * n->nkids);
	if (!kids)
		return nomem(ctx);
	uint32_t total = 0;
	for (uint32_t i = 0; i < n->nkids; i++) {
		if (!(kids[i] = compile_node(ctx, n->kids[i], depth + 1)))
			return false;
		total += kids[i]->kind == c->kind ? kids[i]->nkids : 1;
	}
	if (!(c->kids = vg_arena_alloc(ctx->arena, sizeof(*c->kids) * total)))
		return nomem(ctx);
	for (uint32_t i = 0; i < n->nkids; i++) {
		if (kids[i]->kind == c->kind) {
			memcpy(c->kids + c->nkids, kids[i]->kids, sizeof(*kids) * kids[i]->nkids);
			c->nkids += kids[i]->nkids;
		} else {
			c->kids[c->nkids++] = kids[i];
		}
	}
	return true;
}

static vg_cond_cnode *compile_node(vg_cond_ctx *ctx, const vg_cond_node *n, int depth)
{
	if (depth > MAX_COMPILE_DEPTH) {
		fail(ctx, VG_CF_OTHER, n->off, "condition nests deeper than %d levels", MAX_COMPILE_DEPTH);
		return NULL;
	}
	if (++ctx->nodes > MAX_COMPILE_NODES) {
		fail(ctx, VG_CF_OTHER, n->off, "condition expands to more than %u nodes", MAX_COMPILE_NODES);
		return NULL;
	}
	vg_cond_cnode *c = vg_arena_zalloc(ctx->arena, sizeof(*c));
	if (!c) {
		nomem(ctx);
		return NULL;
	}
	ctx->cur = n;
	bool ok = true;
	switch (n->kind) {
	case VG_COND_AND:
	case VG_COND_OR:
		ok = compile_nary(ctx, n, c, depth);
		break;
	case VG_COND_NOT:
		c->kind = VG_CK_NOT;
		c->nkids = 1;
		c->kids = vg_arena_alloc(ctx->arena, sizeof(*c->kids));
		ok = c->kids && (c->kids[0] = compile_node(ctx, n->kids[0], depth + 1));
		break;
	case VG_COND_MACRO:
		ok = fail(ctx, VG_CF_OTHER, n->off, "Undefined macro '%s' used in filter.", n->macro);
		break;
	case VG_COND_CHECK:
		ok = compile_check(ctx, n, c);
		break;
	}
	return ok ? c : NULL;
}

vg_cond_cnode *vg_cond_compile(vg_cond_ctx *ctx, const vg_cond_node *ast, const char *text, size_t len,
			       vg_cond_fail *why, vg_err *err)
{
	ctx->text = text;
	ctx->len = len;
	ctx->err = err;
	ctx->why = VG_CF_NONE;
	ctx->nodes = 0;
	ctx->cur = NULL;
	vg_cond_cnode *c = compile_node(ctx, ast, 0);
	*why = c ? VG_CF_NONE : ctx->why;
	ctx->text = NULL;
	return c;
}

/* ---- event types ---- */

static void evtset_and(vg_evtset *a, const vg_evtset *b)
{
	for (size_t i = 0; i < sizeof(a->w) / sizeof(a->w[0]); i++)
		a->w[i] &= b->w[i];
}

static void evtset_or(vg_evtset *a, const vg_evtset *b)
{
	for (size_t i = 0; i < sizeof(a->w) / sizeof(a->w[0]); i++)
		a->w[i] |= b->w[i];
}

static void evtset_not(vg_evtset *a)
{
	for (size_t i = 0; i < sizeof(a->w) / sizeof(a->w[0]); i++)
		a->w[i] = ~a->w[i];
}

static void evttypes(const vg_cond_cnode *n, bool neg, vg_evtset *out)
{
	switch (n->kind) {
	case VG_CK_NOT:
		evttypes(n->kids[0], !neg, out);
		return;
	case VG_CK_AND:
	case VG_CK_OR: {
		/* under negation and/or swap (De Morgan) */
		bool intersect = (n->kind == VG_CK_AND) != neg;
		evttypes(n->kids[0], neg, out);
		for (uint32_t i = 1; i < n->nkids; i++) {
			vg_evtset k;
			evttypes(n->kids[i], neg, &k);
			if (intersect)
				evtset_and(out, &k);
			else
				evtset_or(out, &k);
		}
		return;
	}
	case VG_CK_CHECK:
		if (!n->evts) {
			vg_cond_compile_evtset_fill(out);
			return;
		}
		*out = *n->evts;
		if ((n->op == VG_OP_NE) != neg)
			evtset_not(out);
		return;
	}
}

void vg_cond_compile_evttypes(const vg_cond_cnode *n, vg_evtset *out)
{
	evttypes(n, false, out);
}
