#include "rules/format.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

typedef struct token {
	const char *text; /* literal text, or the field as written (JSON key) */
	uint32_t len;
	bool is_field;
	bool is_transformer;
	uint32_t width;   /* 0 = none */
	vg_cond_fexpr fx;
} token;

struct vg_format {
	token *toks;
	uint32_t n;
};

typedef enum { JF_FIELD, JF_FORMAT, JF_STATIC, JF_EVT_TIME } jkind;

typedef struct jfield {
	const char *key;
	jkind kind;
	vg_cond_fexpr fx;
	const vg_format *fmt;
	const char *str;
	uint32_t order; /* insertion order, so "first added wins" survives sorting */
} jfield;

struct vg_format_json {
	vg_cond_ctx *ctx;
	jfield *f;
	uint32_t n, cap;
};

/* ---- compile ---- */

static bool add_token(vg_arena *a, token **toks, uint32_t *n, uint32_t *cap, const token *t)
{
	if (*n == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		token *grown = vg_arena_alloc(a, sizeof(*grown) * ncap);
		if (!grown)
			return false;
		if (*n)
			memcpy(grown, *toks, sizeof(*grown) * *n);
		*toks = grown;
		*cap = ncap;
	}
	(*toks)[(*n)++] = *t;
	return true;
}

static bool field_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* Field names are short; this bounds the quadratic prefix search on hostile outputs. */
#define MAX_TOKEN_SCAN 512

/* The longest prefix of s[0..n) that resolves to a field; 0 if none. */
static size_t longest_field(const vg_fields *reg, vg_arena *a, const char *s, size_t n)
{
	if (n > MAX_TOKEN_SCAN)
		n = MAX_TOKEN_SCAN;
	char *name = vg_arena_strndup(a, s, n);
	if (!name)
		return 0;
	for (size_t len = n; len > 0; len--) {
		name[len] = '\0'; /* shorten in place */
		const char *dotted;
		if (name[len - 1] != '.' && vg_fields_resolve(reg, name, &dotted))
			return len;
	}
	return 0;
}

static bool compile_field_token(vg_cond_ctx *ctx, const char *s, size_t avail, token *t, size_t *used,
				vg_cond_fail *why, vg_err *err)
{
	vg_arena *a = vg_cond_compile_arena(ctx);
	size_t n = 0;
	while (n < avail && field_char(s[n]))
		n++;
	size_t len = longest_field(vg_cond_compile_registry(ctx), a, s, n);
	if (!len) {
		*why = VG_CF_UNKNOWN_FIELD;
		vg_err_set(err, VG_ERR_INVALID, "invalid formatting token '%%%.*s': unknown field", (int)(n ? n : 1), s);
		return false;
	}
	vg_cond_expr e = { .name = vg_arena_strndup(a, s, len) };
	size_t end = len;
	if (end < avail && s[end] == '[') {
		const char *close = memchr(s + end, ']', avail - end);
		if (!close) {
			*why = VG_CF_OTHER;
			vg_err_set(err, VG_ERR_INVALID, "missing ']' in output token '%%%.*s'", (int)len, s);
			return false;
		}
		e.has_arg = true;
		e.arg = vg_arena_strndup(a, s + end + 1, (size_t)(close - s) - end - 1);
		end = (size_t)(close - s) + 1;
	}
	if (!e.name || (e.has_arg && !e.arg) || !vg_cond_compile_fexpr(ctx, &e, &t->fx, why, err))
		return false;
	if (t->fx.field->flags & VG_FIELD_FILTER_ONLY) {
		*why = VG_CF_OTHER;
		vg_err_set(err, VG_ERR_INVALID, "field '%s' cannot be used in outputs", t->fx.field->name);
		return false;
	}
	t->text = vg_arena_strndup(a, s, end);
	t->len = (uint32_t)end;
	*used = end;
	return t->text != NULL;
}

static bool compile_transformer_token(vg_cond_ctx *ctx, const char *s, size_t avail, token *t, size_t *used,
				      vg_cond_fail *why, vg_err *err)
{
	vg_arena *a = vg_cond_compile_arena(ctx);
	vg_cond_expr *e = vg_cond_parse_expr(a, s, avail, used, err);
	if (!e) {
		*why = VG_CF_OTHER;
		return false;
	}
	t->is_transformer = true;
	t->text = vg_arena_strndup(a, s, *used);
	t->len = (uint32_t)*used;
	return t->text && vg_cond_compile_fexpr(ctx, e, &t->fx, why, err);
}

static bool starts_transformer(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && isalpha((unsigned char)s[i]))
		i++;
	return i < n && s[i] == '(' && vg_cond_parse_is_transformer(s, i);
}

vg_format *vg_format_compile(vg_cond_ctx *ctx, const char *fmt, vg_cond_fail *why, vg_err *err)
{
	vg_arena *a = vg_cond_compile_arena(ctx);
	vg_format *f = vg_arena_zalloc(a, sizeof(*f));
	uint32_t cap = 0;
	size_t n = strlen(fmt), i = 0;
	*why = VG_CF_NONE;
	if (!f)
		goto oom;
	while (i < n) {
		const char *pct = memchr(fmt + i, '%', n - i);
		size_t lit_end = pct ? (size_t)(pct - fmt) : n;
		if (lit_end > i) {
			token t = { .text = fmt + i, .len = (uint32_t)(lit_end - i) };
			if (!(t.text = vg_arena_strndup(a, t.text, t.len)) || !add_token(a, &f->toks, &f->n, &cap, &t))
				goto oom;
		}
		if (!pct)
			break;
		i = lit_end + 1;
		token t = { .is_field = true };
		while (i < n && isdigit((unsigned char)fmt[i]) && t.width < 100000)
			t.width = t.width * 10 + (uint32_t)(fmt[i++] - '0');
		if (i >= n) {
			*why = VG_CF_OTHER;
			vg_err_set(err, VG_ERR_INVALID, "invalid output format: '%%' at the end");
			return NULL;
		}
		size_t used = 0;
		bool ok = starts_transformer(fmt + i, n - i)
				  ? compile_transformer_token(ctx, fmt + i, n - i, &t, &used, why, err)
				  : compile_field_token(ctx, fmt + i, n - i, &t, &used, why, err);
		if (!ok)
			return NULL;
		if (!add_token(a, &f->toks, &f->n, &cap, &t))
			goto oom;
		i += used;
	}
	return f;
oom:
	*why = VG_CF_OTHER;
	vg_err_set(err, VG_ERR_NOMEM, "out of memory compiling output");
	return NULL;
}

/* ---- text rendering ---- */

/* Control characters as JSON escapes and invalid UTF-8 as U+FFFD, like Falco's text outputs. */
static void put_sanitized(vg_buf *out, const uint8_t *s, uint32_t n)
{
	uint32_t i = 0;
	while (i < n) {
		uint32_t run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f)
			run++;
		vg_buf_append(out, s + i, run - i);
		if (run == n)
			break;
		/* let the JSON writer escape/repair the next awkward stretch */
		uint32_t end = run;
		while (end < n && (s[end] < 0x20 || s[end] >= 0x7f))
			end++;
		vg_json_put_escaped(out, (const char *)s + run, end - run);
		i = end;
	}
}

static void put_ip(vg_buf *out, const vg_value *v)
{
	char text[INET6_ADDRSTRLEN];
	int af = v->bytes.len == 4 ? AF_INET : v->bytes.len == 16 ? AF_INET6 : 0;
	if (af && inet_ntop(af, v->bytes.ptr, text, sizeof(text)))
		vg_buf_puts(out, text);
	else
		vg_buf_puts(out, "<NA>");
}

static void put_text_value(vg_buf *out, vg_ftype t, const vg_value *v)
{
	switch (t) {
	case VG_FT_STRING:
		put_sanitized(out, v->bytes.ptr, v->bytes.len);
		break;
	case VG_FT_BYTEBUF:
		for (uint32_t i = 0; i < v->bytes.len; i++)
			vg_buf_putc(out, isprint(v->bytes.ptr[i]) ? (char)v->bytes.ptr[i] : '.');
		break;
	case VG_FT_INT64:
		vg_buf_printf(out, "%" PRId64, v->i64);
		break;
	case VG_FT_BOOL:
		vg_buf_puts(out, v->b ? "true" : "false");
		break;
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		put_ip(out, v);
		break;
	default:
		vg_buf_printf(out, "%" PRIu64, v->u64);
		break;
	}
}

static void put_text_values(vg_buf *out, vg_ftype t, const vg_values *vals)
{
	if (!vals->n) {
		vg_buf_puts(out, "<NA>");
		return;
	}
	if (vals->n == 1) {
		put_text_value(out, t, &vals->v[0]);
		return;
	}
	vg_buf_putc(out, '(');
	for (uint32_t i = 0; i < vals->n; i++) {
		if (i)
			vg_buf_putc(out, ',');
		put_text_value(out, t, &vals->v[i]);
	}
	vg_buf_putc(out, ')');
}

static void put_width(vg_buf *out, size_t start, uint32_t width)
{
	size_t written = out->len - start;
	if (written > width) {
		out->len = start + width;
		out->data[out->len] = '\0';
		return;
	}
	for (; written < width; written++)
		vg_buf_putc(out, ' ');
}

void vg_format_text(const vg_format *f, vg_cond_state *st, vg_evctx *ev, vg_buf *out)
{
	for (uint32_t i = 0; i < f->n; i++) {
		const token *t = &f->toks[i];
		if (!t->is_field) {
			vg_buf_append(out, t->text, t->len);
			continue;
		}
		size_t start = out->len;
		vg_values vals;
		vg_cond_eval_fexpr(&t->fx, st, ev, &vals);
		put_text_values(out, t->fx.type, &vals);
		if (t->width && !out->oom)
			put_width(out, start, t->width);
	}
}

/* ---- JSON ---- */

vg_format_json *vg_format_json_new(vg_cond_ctx *ctx)
{
	vg_format_json *j = vg_arena_zalloc(vg_cond_compile_arena(ctx), sizeof(*j));
	if (j)
		j->ctx = ctx;
	return j;
}

static jfield *add_jfield(vg_format_json *j, const char *key, jkind kind)
{
	vg_arena *a = vg_cond_compile_arena(j->ctx);
	if (j->n == j->cap) {
		uint32_t cap = j->cap ? j->cap * 2 : 8;
		jfield *grown = vg_arena_alloc(a, sizeof(*grown) * cap);
		if (!grown)
			return NULL;
		if (j->n)
			memcpy(grown, j->f, sizeof(*grown) * j->n);
		j->f = grown;
		j->cap = cap;
	}
	jfield *f = &j->f[j->n];
	memset(f, 0, sizeof(*f));
	if (!(f->key = vg_arena_strdup(a, key)))
		return NULL;
	f->kind = kind;
	f->order = j->n++;
	return f;
}

bool vg_format_json_add_fields(vg_format_json *j, const vg_format *f)
{
	for (uint32_t i = 0; i < f->n; i++) {
		const token *t = &f->toks[i];
		if (!t->is_field || t->is_transformer)
			continue;
		jfield *jf = add_jfield(j, t->text, JF_FIELD);
		if (!jf)
			return false;
		jf->fx = t->fx;
	}
	return true;
}

bool vg_format_json_add_field(vg_format_json *j, const char *name, vg_cond_fail *why, vg_err *err)
{
	vg_format *f = vg_format_compile(j->ctx, vg_arena_sprintf(vg_cond_compile_arena(j->ctx), "%%%s", name), why, err);
	if (!f)
		return false;
	if (f->n != 1 || !f->toks[0].is_field || f->toks[0].len != strlen(name)) {
		*why = VG_CF_OTHER;
		vg_err_set(err, VG_ERR_INVALID, "'%s' is not a field", name);
		return false;
	}
	return vg_format_json_add_fields(j, f);
}

bool vg_format_json_add_format(vg_format_json *j, const char *key, const vg_format *fmt)
{
	jfield *jf = add_jfield(j, key, JF_FORMAT);
	if (jf)
		jf->fmt = fmt;
	return jf != NULL;
}

bool vg_format_json_add_static(vg_format_json *j, const char *key, const char *value)
{
	jfield *jf = add_jfield(j, key, JF_STATIC);
	return jf && (jf->str = vg_arena_strdup(vg_cond_compile_arena(j->ctx), value)) != NULL;
}

bool vg_format_json_add_evt_time(vg_format_json *j)
{
	return add_jfield(j, "evt.time", JF_EVT_TIME) != NULL;
}

static int cmp_jfield(const void *a, const void *b)
{
	const jfield *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->order > y->order) - (x->order < y->order);
}

void vg_format_json_finish(vg_format_json *j)
{
	if (!j->n)
		return;
	qsort(j->f, j->n, sizeof(*j->f), cmp_jfield);
	uint32_t out = 1;
	for (uint32_t i = 1; i < j->n; i++)
		if (strcmp(j->f[i].key, j->f[out - 1].key) != 0)
			j->f[out++] = j->f[i];
	j->n = out;
}

static void put_json_value(vg_buf *out, vg_ftype t, const vg_value *v)
{
	switch (t) {
	case VG_FT_STRING:
	case VG_FT_BYTEBUF:
		vg_json_put_str(out, (const char *)v->bytes.ptr, v->bytes.len);
		break;
	case VG_FT_IPADDR:
	case VG_FT_IPNET:
		vg_buf_putc(out, '"');
		put_ip(out, v);
		vg_buf_putc(out, '"');
		break;
	default:
		put_text_value(out, t, v);
		break;
	}
}

static void put_json_values(vg_buf *out, const vg_cond_fexpr *fx, const vg_values *vals)
{
	bool array = fx->list || vals->n > 1;
	if (!vals->n && !array) {
		vg_buf_puts(out, "null");
		return;
	}
	if (!array) {
		put_json_value(out, fx->type, &vals->v[0]);
		return;
	}
	vg_buf_putc(out, '[');
	for (uint32_t i = 0; i < vals->n; i++) {
		if (i)
			vg_buf_putc(out, ',');
		put_json_value(out, fx->type, &vals->v[i]);
	}
	vg_buf_putc(out, ']');
}

void vg_format_json_render(const vg_format_json *j, vg_cond_state *st, vg_evctx *ev, vg_buf *out)
{
	vg_buf_putc(out, '{');
	for (uint32_t i = 0; i < j->n; i++) {
		const jfield *f = &j->f[i];
		if (i)
			vg_buf_putc(out, ',');
		vg_json_put_cstr(out, f->key);
		vg_buf_putc(out, ':');
		switch (f->kind) {
		case JF_FIELD: {
			vg_values vals;
			vg_cond_eval_fexpr(&f->fx, st, ev, &vals);
			put_json_values(out, &f->fx, &vals);
			break;
		}
		case JF_FORMAT: {
			/* formatted into the tail of out, then moved into a JSON string */
			size_t start = out->len;
			vg_format_text(f->fmt, st, ev, out);
			size_t n = out->len - start;
			char *tmp = vg_arena_strndup(vg_cond_eval_scratch(st), out->data + start, n);
			out->len = start;
			out->data[start] = '\0';
			vg_json_put_str(out, tmp ? tmp : "", tmp ? n : 0);
			break;
		}
		case JF_STATIC:
			vg_json_put_cstr(out, f->str);
			break;
		case JF_EVT_TIME:
			vg_buf_printf(out, "%" PRIu64, ev->evt ? ev->evt->ts : 0);
			break;
		}
	}
	vg_buf_putc(out, '}');
}
