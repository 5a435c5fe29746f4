#include "rules/cond_parse.h"

#include "util/stackguard.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct parser {
	const char *s;
	size_t n;
	size_t pos;
	vg_arena *a;
	const char *origin;
	int depth;
	vg_err *err;
	bool failed;
} parser;

static const char *const op_names[VG_OP_COUNT_] = {
	[VG_OP_EQ] = "=", [VG_OP_NE] = "!=", [VG_OP_LT] = "<", [VG_OP_LE] = "<=", [VG_OP_GT] = ">",
	[VG_OP_GE] = ">=", [VG_OP_CONTAINS] = "contains", [VG_OP_ICONTAINS] = "icontains",
	[VG_OP_BCONTAINS] = "bcontains", [VG_OP_STARTSWITH] = "startswith",
	[VG_OP_BSTARTSWITH] = "bstartswith", [VG_OP_ENDSWITH] = "endswith", [VG_OP_GLOB] = "glob",
	[VG_OP_IGLOB] = "iglob", [VG_OP_REGEX] = "regex", [VG_OP_IN] = "in",
	[VG_OP_INTERSECTS] = "intersects", [VG_OP_PMATCH] = "pmatch", [VG_OP_EXISTS] = "exists",
};

/* Longest spellings first so "<=" wins over "<" and "intersects" over "in". */
static const struct {
	const char *text;
	vg_cond_op op;
	bool word;
} op_table[] = {
	{ "<=", VG_OP_LE, false },          { "<", VG_OP_LT, false },
	{ ">=", VG_OP_GE, false },          { ">", VG_OP_GT, false },
	{ "==", VG_OP_EQ, false },          { "=", VG_OP_EQ, false },
	{ "!=", VG_OP_NE, false },          { "bcontains", VG_OP_BCONTAINS, true },
	{ "bstartswith", VG_OP_BSTARTSWITH, true }, { "contains", VG_OP_CONTAINS, true },
	{ "icontains", VG_OP_ICONTAINS, true }, { "startswith", VG_OP_STARTSWITH, true },
	{ "endswith", VG_OP_ENDSWITH, true }, { "glob", VG_OP_GLOB, true },
	{ "iglob", VG_OP_IGLOB, true },      { "regex", VG_OP_REGEX, true },
	{ "intersects", VG_OP_INTERSECTS, true }, { "in", VG_OP_IN, true },
	{ "pmatch", VG_OP_PMATCH, true },
};

static const char *const transformers[] = { "tolower", "toupper", "b64", "basename", "len", "val",
					    "join",    "concat",  "getopt" };

const char *vg_cond_parse_op_name(vg_cond_op op)
{
	return (unsigned)op < VG_OP_COUNT_ ? op_names[op] : "?";
}

const char *vg_cond_parse_mod_name(vg_cond_mod mod)
{
	switch (mod) {
	case VG_MOD_ONEOF: return "oneof";
	case VG_MOD_ANYOF: return "anyof";
	case VG_MOD_ALLOF: return "allof";
	default: return "";
	}
}

bool vg_cond_parse_is_transformer(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(transformers) / sizeof(transformers[0]); i++)
		if (strlen(transformers[i]) == len && memcmp(transformers[i], name, len) == 0)
			return true;
	return false;
}

void vg_cond_parse_linecol(const char *text, size_t len, uint32_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 1, c = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

static bool is_space_any(char c)
{
	return is_blank(c) || c == '\v' || c == '\f';
}

static char peek(const parser *p)
{
	return p->pos < p->n ? p->s[p->pos] : '\0';
}

static bool at_end(const parser *p)
{
	return p->pos >= p->n;
}

static void skip_blanks(parser *p)
{
	while (p->pos < p->n && is_blank(p->s[p->pos]))
		p->pos++;
}

static void *fail_at(parser *p, size_t off, const char *fmt, const char *detail)
{
	if (p->failed)
		return NULL;
	p->failed = true;
	uint32_t line, col;
	vg_cond_parse_linecol(p->s, p->n, (uint32_t)off, &line, &col);
	char reason[256];
	snprintf(reason, sizeof(reason), fmt, detail ? detail : "");
	vg_err_set(p->err, VG_ERR_PARSE, "%s at %u:%u", reason, line, col);
	return NULL;
}

static void *fail_nomem(parser *p)
{
	if (!p->failed) {
		p->failed = true;
		vg_err_set(p->err, VG_ERR_NOMEM, "out of memory parsing condition");
	}
	return NULL;
}

/* Text around pos for messages, bounded so long conditions stay readable. */
static const char *near_text(parser *p, size_t pos)
{
	size_t n = p->n > pos ? p->n - pos : 0;
	if (n > 24)
		n = 24;
	char *t = vg_arena_strndup(p->a, p->s + pos, n);
	return t ? t : "";
}

/* Word w at pos followed by a blank, '(' (when paren_ok) or, when end_ok, the end. */
static bool looking_at_word(const parser *p, const char *w, bool paren_ok, bool end_ok)
{
	size_t n = strlen(w);
	if (p->pos + n > p->n || memcmp(p->s + p->pos, w, n) != 0)
		return false;
	if (p->pos + n == p->n)
		return end_ok;
	char c = p->s[p->pos + n];
	return is_blank(c) || (paren_ok && c == '(');
}

static size_t ident_len_at(const parser *p, size_t pos)
{
	size_t i = pos;
	if (i >= p->n || !isalpha((unsigned char)p->s[i]))
		return 0;
	while (i < p->n && (isalnum((unsigned char)p->s[i]) || p->s[i] == '_'))
		i++;
	return i - pos;
}

/* FIELD = ident ("." ident)+ ; returns its length, 0 if not a field. */
static size_t field_len_at(const parser *p, size_t pos)
{
	size_t i = pos, len = ident_len_at(p, i);
	if (!len)
		return 0;
	i += len;
	int dots = 0;
	while (i < p->n && p->s[i] == '.') {
		size_t seg = ident_len_at(p, i + 1);
		if (!seg)
			break;
		i += 1 + seg;
		dots++;
	}
	return dots ? i - pos : 0;
}

/* A transformer name followed (after blanks) by '('. */
static bool transformer_at(const parser *p, size_t pos, size_t *name_len)
{
	size_t len = ident_len_at(p, pos);
	if (!len || !vg_cond_parse_is_transformer(p->s + pos, len))
		return false;
	size_t i = pos + len;
	while (i < p->n && is_blank(p->s[i]))
		i++;
	if (i >= p->n || p->s[i] != '(')
		return false;
	*name_len = len;
	return true;
}

int vg_cond_parse_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Quoted string at pos (which holds the quote); returns the unescaped text. */
static const char *parse_quoted(parser *p)
{
	char q = p->s[p->pos];
	size_t start = p->pos++;
	vg_buf b;
	vg_buf_init(&b);
	while (!at_end(p) && p->s[p->pos] != q) {
		char c = p->s[p->pos];
		if (c != '\\') {
			vg_buf_putc(&b, c);
			p->pos++;
			continue;
		}
		size_t esc = p->pos;
		if (p->pos + 1 >= p->n)
			break;
		char e = p->s[p->pos + 1];
		p->pos += 2;
		switch (e) {
		case 'b': vg_buf_putc(&b, '\b'); break;
		case 'f': vg_buf_putc(&b, '\f'); break;
		case 'n': vg_buf_putc(&b, '\n'); break;
		case 'r': vg_buf_putc(&b, '\r'); break;
		case 't': vg_buf_putc(&b, '\t'); break;
		case '\\': vg_buf_putc(&b, '\\'); break;
		case '/': vg_buf_putc(&b, '/'); break;
		case ' ': vg_buf_puts(&b, "\\ "); break; /* legacy: the backslash stays */
		case 'x': {
			int hi = p->pos < p->n ? vg_cond_parse_hexdigit(p->s[p->pos]) : -1;
			int lo = p->pos + 1 < p->n ? vg_cond_parse_hexdigit(p->s[p->pos + 1]) : -1;
			if (hi < 0 || lo < 0) {
				vg_buf_free(&b);
				return fail_at(p, esc, "invalid \\x escape in string%s", NULL);
			}
			vg_buf_putc(&b, (char)(hi * 16 + lo));
			p->pos += 2;
			break;
		}
		default:
			if (e == q) {
				vg_buf_putc(&b, q);
				break;
			}
			vg_buf_free(&b);
			return fail_at(p, esc, "invalid escape sequence '\\%s' in string",
				       vg_arena_strndup(p->a, &e, 1));
		}
	}
	if (at_end(p)) {
		vg_buf_free(&b);
		return fail_at(p, start, "unterminated quoted string%s", NULL);
	}
	p->pos++; /* closing quote */
	const char *out = b.oom ? NULL : vg_arena_strndup(p->a, b.data ? b.data : "", b.len);
	vg_buf_free(&b);
	return out ? out : fail_nomem(p);
}

static bool is_barestr_char(char c)
{
	return !is_space_any(c) && c != '(' && c != ')' && c != '"' && c != '\'' && c != '=' && c != ',' &&
	       c != '\0';
}

static const char *parse_value(parser *p)
{
	char c = peek(p);
	if (c == '"' || c == '\'')
		return parse_quoted(p);
	size_t start = p->pos;
	while (!at_end(p) && is_barestr_char(p->s[p->pos]))
		p->pos++;
	if (p->pos == start)
		return fail_at(p, start, "expected a value, found '%s'", near_text(p, start));
	const char *v = vg_arena_strndup(p->a, p->s + start, p->pos - start);
	return v ? v : fail_nomem(p);
}

/* NUMBER = [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)?  HEXNUM = 0[xX][0-9a-fA-F]+ */
static const char *parse_number(parser *p)
{
	size_t i = p->pos, start = p->pos;
	if (i + 2 < p->n + 0 && p->s[i] == '0' && (p->s[i + 1] == 'x' || p->s[i + 1] == 'X') &&
	    vg_cond_parse_hexdigit(p->s[i + 2]) >= 0) {
		i += 2;
		while (i < p->n && vg_cond_parse_hexdigit(p->s[i]) >= 0)
			i++;
	} else {
		if (i < p->n && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		size_t digits = i;
		while (i < p->n && isdigit((unsigned char)p->s[i]))
			i++;
		if (i == digits)
			return fail_at(p, start, "expected a number, found '%s'", near_text(p, start));
		if (i < p->n && p->s[i] == '.')
			for (i++; i < p->n && isdigit((unsigned char)p->s[i]);)
				i++;
		if (i + 2 < p->n + 0 && (p->s[i] == 'e' || p->s[i] == 'E') &&
		    (p->s[i + 1] == '+' || p->s[i + 1] == '-') && isdigit((unsigned char)p->s[i + 2])) {
			for (i += 2; i < p->n && isdigit((unsigned char)p->s[i]);)
				i++;
		}
	}
	p->pos = i;
	const char *v = vg_arena_strndup(p->a, p->s + start, i - start);
	return v ? v : fail_nomem(p);
}

/* ARG = quoted string | [^][\"'\s]+ between brackets; pos is at '['. */
static const char *parse_field_arg(parser *p)
{
	size_t open = p->pos++;
	const char *arg;
	if (peek(p) == '"' || peek(p) == '\'') {
		arg = parse_quoted(p);
	} else {
		size_t start = p->pos;
		while (!at_end(p) && !is_space_any(p->s[p->pos]) && !strchr("[]\"'", p->s[p->pos]))
			p->pos++;
		if (p->pos == start)
			return fail_at(p, open, "empty field argument%s", NULL);
		arg = vg_arena_strndup(p->a, p->s + start, p->pos - start);
		if (!arg)
			return fail_nomem(p);
	}
	if (!arg)
		return NULL;
	if (peek(p) != ']')
		return fail_at(p, p->pos, "expected ']' after field argument, found '%s'", near_text(p, p->pos));
	p->pos++;
	return arg;
}

static vg_cond_expr *new_expr(parser *p, size_t off, const char *name, size_t len, bool transformer)
{
	vg_cond_expr *e = vg_arena_zalloc(p->a, sizeof(*e));
	if (!e || !(e->name = vg_arena_strndup(p->a, name, len)))
		return fail_nomem(p);
	e->off = (uint32_t)off;
	e->is_transformer = transformer;
	return e;
}

static bool parse_optional_arg(parser *p, vg_cond_expr *e)
{
	if (peek(p) != '[')
		return true;
	e->has_arg = true;
	e->arg = parse_field_arg(p);
	return e->arg != NULL;
}

static vg_cond_expr *parse_expr(parser *p);

/* A transformer operand: a field expression, or a quoted string (join's separator, getopt's
 * optstring); the compiler decides which transformers accept literals. */
static vg_cond_expr *parse_transformer_arg(parser *p)
{
	if (peek(p) != '"' && peek(p) != '\'')
		return parse_expr(p);
	size_t start = p->pos;
	const char *text = parse_quoted(p);
	if (!text)
		return NULL;
	vg_cond_expr *e = vg_arena_zalloc(p->a, sizeof(*e));
	if (!e)
		return fail_nomem(p);
	e->off = (uint32_t)start;
	e->is_literal = true;
	e->name = text;
	return e;
}

static vg_cond_expr *parse_transformer(parser *p, size_t name_len)
{
	size_t start = p->pos;
	vg_cond_expr *e = new_expr(p, start, p->s + start, name_len, true);
	if (!e)
		return NULL;
	if (++p->depth > VG_COND_MAX_DEPTH)
		return fail_at(p, start, "nesting deeper than 1000 levels%s", NULL);
	if (!vg_stack_ok())
		return fail_at(p, start, "nesting too deep for the stack%s", NULL);
	p->pos += name_len;
	skip_blanks(p);
	p->pos++; /* '(' checked by transformer_at */
	vg_cond_expr *args[8];
	uint32_t n = 0;
	for (;;) {
		skip_blanks(p);
		if (n == sizeof(args) / sizeof(args[0]))
			return fail_at(p, p->pos, "too many transformer arguments%s", NULL);
		if (!(args[n++] = parse_transformer_arg(p)))
			return NULL;
		skip_blanks(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) != ')')
			return fail_at(p, p->pos, "expected ')' after transformer argument, found '%s'",
				       near_text(p, p->pos));
		p->pos++;
		break;
	}
	p->depth--;
	e->args = vg_arena_memdup(p->a, args, sizeof(args[0]) * n);
	if (!e->args)
		return fail_nomem(p);
	e->nargs = n;
	return parse_optional_arg(p, e) ? e : NULL;
}

static vg_cond_expr *parse_expr(parser *p)
{
	size_t tlen, flen;
	if (transformer_at(p, p->pos, &tlen))
		return parse_transformer(p, tlen);
	if (!(flen = field_len_at(p, p->pos)))
		return fail_at(p, p->pos, "expected a field or transformer, found '%s'", near_text(p, p->pos));
	vg_cond_expr *e = new_expr(p, p->pos, p->s + p->pos, flen, false);
	if (!e)
		return NULL;
	p->pos += flen;
	return parse_optional_arg(p, e) ? e : NULL;
}

static vg_cond_node *new_node(parser *p, vg_cond_kind kind, size_t off)
{
	vg_cond_node *n = vg_arena_zalloc(p->a, sizeof(*n));
	if (!n)
		return fail_nomem(p);
	n->kind = kind;
	n->off = (uint32_t)off;
	n->src = p->s;
	n->origin = p->origin;
	return n;
}

static bool parse_operator(parser *p, vg_cond_node *n)
{
	for (size_t i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++) {
		size_t len = strlen(op_table[i].text);
		if (p->pos + len > p->n || memcmp(p->s + p->pos, op_table[i].text, len) != 0)
			continue;
		if (op_table[i].word) {
			bool list_op = op_table[i].op == VG_OP_IN || op_table[i].op == VG_OP_INTERSECTS ||
				       op_table[i].op == VG_OP_PMATCH;
			if (!looking_at_word(p, op_table[i].text, list_op, false))
				continue;
		}
		n->op = op_table[i].op;
		p->pos += len;
		return true;
	}
	fail_at(p, p->pos, "expected an operator, found '%s'", near_text(p, p->pos));
	return false;
}

static bool op_takes_modifier(vg_cond_op op)
{
	return op <= VG_OP_REGEX && op != VG_OP_LT && op != VG_OP_LE && op != VG_OP_GT && op != VG_OP_GE;
}

static void parse_modifier(parser *p, vg_cond_node *n)
{
	static const struct {
		const char *w;
		vg_cond_mod m;
	} mods[] = { { "oneof", VG_MOD_ONEOF }, { "anyof", VG_MOD_ANYOF }, { "allof", VG_MOD_ALLOF } };
	size_t save = p->pos;
	skip_blanks(p);
	for (size_t i = 0; i < 3; i++) {
		if (looking_at_word(p, mods[i].w, true, false)) {
			n->mod = mods[i].m;
			p->pos += strlen(mods[i].w);
			return;
		}
	}
	p->pos = save;
}

static bool add_value(parser *p, vg_cond_node *n, const char *v, size_t off, uint32_t *cap)
{
	if (n->nvals == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		const char **vals = vg_arena_alloc(p->a, sizeof(*vals) * ncap);
		uint32_t *offs = vg_arena_alloc(p->a, sizeof(*offs) * ncap);
		if (!vals || !offs)
			return fail_nomem(p) != NULL;
		if (n->nvals) {
			memcpy(vals, n->vals, sizeof(*vals) * n->nvals);
			memcpy(offs, n->val_offs, sizeof(*offs) * n->nvals);
		}
		n->vals = vals;
		n->val_offs = offs;
		*cap = ncap;
	}
	n->vals[n->nvals] = v;
	n->val_offs[n->nvals++] = (uint32_t)off;
	return true;
}

static bool parse_list(parser *p, vg_cond_node *n)
{
	uint32_t cap = 0;
	n->rhs_kind = VG_RHS_LIST;
	p->pos++; /* '(' */
	skip_blanks(p);
	if (peek(p) == ')') {
		p->pos++;
		return true;
	}
	for (;;) {
		skip_blanks(p);
		size_t off = p->pos;
		const char *v = parse_value(p);
		if (!v || !add_value(p, n, v, off, &cap))
			return false;
		skip_blanks(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == ')') {
			p->pos++;
			return true;
		}
		fail_at(p, p->pos, "expected ',' or ')' in list, found '%s'", near_text(p, p->pos));
		return false;
	}
}

static bool parse_rhs(parser *p, vg_cond_node *n)
{
	skip_blanks(p);
	size_t tlen, off = p->pos;
	if (transformer_at(p, p->pos, &tlen)) {
		n->rhs_kind = VG_RHS_EXPR;
		n->rhs_expr = parse_transformer(p, tlen);
		return n->rhs_expr != NULL;
	}
	bool list = n->mod != VG_MOD_NONE || n->op == VG_OP_IN || n->op == VG_OP_INTERSECTS ||
		    n->op == VG_OP_PMATCH;
	if (list) {
		if (peek(p) != '(')
			return fail_at(p, p->pos, "expected '(' to start a list after '%s'",
				       n->mod ? vg_cond_parse_mod_name(n->mod) : op_names[n->op]) != NULL;
		return parse_list(p, n);
	}
	uint32_t cap = 0;
	bool numeric = n->op == VG_OP_LT || n->op == VG_OP_LE || n->op == VG_OP_GT || n->op == VG_OP_GE;
	const char *v = numeric ? parse_number(p) : parse_value(p);
	n->rhs_kind = VG_RHS_VALUE;
	return v && add_value(p, n, v, off, &cap);
}

static vg_cond_node *parse_check(parser *p)
{
	vg_cond_node *n = new_node(p, VG_COND_CHECK, p->pos);
	if (!n || !(n->lhs = parse_expr(p)))
		return NULL;
	skip_blanks(p);
	if (looking_at_word(p, "exists", true, true) ||
	    (p->pos + 6 <= p->n && memcmp(p->s + p->pos, "exists", 6) == 0 &&
	     (p->pos + 6 == p->n || p->s[p->pos + 6] == ')'))) {
		p->pos += 6;
		n->op = VG_OP_EXISTS;
		return n;
	}
	if (!parse_operator(p, n))
		return NULL;
	if (op_takes_modifier(n->op))
		parse_modifier(p, n);
	return parse_rhs(p, n) ? n : NULL;
}

static vg_cond_node *parse_disj(parser *p);

static vg_cond_node *parse_primary(parser *p)
{
	skip_blanks(p);
	size_t start = p->pos, tlen;
	if (peek(p) == '(') {
		if (++p->depth > VG_COND_MAX_DEPTH)
			return fail_at(p, start, "nesting deeper than 1000 levels%s", NULL);
		if (!vg_stack_ok())
			return fail_at(p, start, "nesting too deep for the stack%s", NULL);
		p->pos++;
		vg_cond_node *n = parse_disj(p);
		if (!n)
			return NULL;
		skip_blanks(p);
		if (peek(p) != ')')
			return fail_at(p, p->pos, at_end(p) ? "missing ')'%s" : "expected ')', found '%s'",
				       at_end(p) ? NULL : near_text(p, p->pos));
		p->pos++;
		p->depth--;
		return n;
	}
	if (field_len_at(p, start) || transformer_at(p, start, &tlen))
		return parse_check(p);
	size_t ilen = ident_len_at(p, start);
	if (ilen) {
		vg_cond_node *n = new_node(p, VG_COND_MACRO, start);
		if (!n || !(n->macro = vg_arena_strndup(p->a, p->s + start, ilen)))
			return n ? fail_nomem(p) : NULL;
		p->pos += ilen;
		return n;
	}
	if (at_end(p))
		return fail_at(p, start, "unexpected end of condition%s", NULL);
	return fail_at(p, start, "expected a field, a macro, 'not' or '(', found '%s'", near_text(p, start));
}

static vg_cond_node *parse_neg(parser *p)
{
	skip_blanks(p);
	size_t start = p->pos;
	bool negate = false;
	int nots = 0;
	while (looking_at_word(p, "not", true, true)) {
		if (++nots > VG_COND_MAX_DEPTH)
			return fail_at(p, p->pos, "nesting deeper than 1000 levels%s", NULL);
		negate = !negate;
		p->pos += 3;
		skip_blanks(p);
	}
	p->depth += nots;
	if (p->depth > VG_COND_MAX_DEPTH)
		return fail_at(p, start, "nesting deeper than 1000 levels%s", NULL);
	vg_cond_node *inner = parse_primary(p);
	p->depth -= nots;
	if (!inner || !negate)
		return inner;
	vg_cond_node *n = new_node(p, VG_COND_NOT, start);
	if (!n || !(n->kids = vg_arena_alloc(p->a, sizeof(*n->kids))))
		return n ? fail_nomem(p) : NULL;
	n->kids[0] = inner;
	n->nkids = 1;
	return n;
}

/* n-ary AND / OR: parses `sub { kw sub }`. */
static vg_cond_node *parse_nary(parser *p, vg_cond_kind kind, const char *kw,
				vg_cond_node *(*sub)(parser *))
{
	size_t start = p->pos;
	vg_cond_node *first = sub(p);
	if (!first)
		return NULL;
	vg_cond_node *kids[16], **all = kids;
	uint32_t n = 0, cap = 16;
	all[n++] = first;
	for (;;) {
		size_t save = p->pos;
		skip_blanks(p);
		if (!looking_at_word(p, kw, true, true)) {
			p->pos = save;
			break;
		}
		p->pos += strlen(kw);
		vg_cond_node *k = sub(p);
		if (!k)
			return NULL;
		if (n == cap) {
			vg_cond_node **grown = vg_arena_alloc(p->a, sizeof(*grown) * cap * 2);
			if (!grown)
				return fail_nomem(p);
			memcpy(grown, all, sizeof(*grown) * n);
			all = grown;
			cap *= 2;
		}
		all[n++] = k;
	}
	if (n == 1)
		return first;
	vg_cond_node *node = new_node(p, kind, start);
	if (!node || !(node->kids = vg_arena_memdup(p->a, all, sizeof(*all) * n)))
		return node ? fail_nomem(p) : NULL;
	node->nkids = n;
	return node;
}

static vg_cond_node *parse_conj(parser *p)
{
	return parse_nary(p, VG_COND_AND, "and", parse_neg);
}

static vg_cond_node *parse_disj(parser *p)
{
	return parse_nary(p, VG_COND_OR, "or", parse_conj);
}

vg_cond_node *vg_cond_parse(vg_arena *arena, const char *text, size_t len, vg_err *err)
{
	return vg_cond_parse_named(arena, text, len, NULL, err);
}

vg_cond_node *vg_cond_parse_named(vg_arena *arena, const char *text, size_t len, const char *origin, vg_err *err)
{
	parser p = { .s = text, .n = len, .a = arena, .err = err, .origin = origin };
	skip_blanks(&p);
	if (at_end(&p)) {
		vg_err_set(err, VG_ERR_PARSE, "empty condition");
		return NULL;
	}
	vg_stack_enter();
	vg_cond_node *root = parse_disj(&p);
	vg_stack_leave();
	if (!root)
		return NULL;
	skip_blanks(&p);
	if (!at_end(&p)) {
		if (p.s[p.pos] == ')')
			return fail_at(&p, p.pos, "unbalanced ')'%s", NULL);
		return fail_at(&p, p.pos, "unexpected token '%s'", near_text(&p, p.pos));
	}
	return root;
}

vg_cond_expr *vg_cond_parse_expr(vg_arena *arena, const char *text, size_t len, size_t *consumed,
				 vg_err *err)
{
	parser p = { .s = text, .n = len, .a = arena, .err = err };
	vg_stack_enter();
	vg_cond_expr *e = parse_expr(&p);
	vg_stack_leave();
	*consumed = p.pos;
	return e;
}

/* ---- printing ---- */

static void print_value(vg_buf *out, const char *v)
{
	vg_buf_putc(out, '"');
	for (const char *c = v; *c; c++) {
		if (*c == '"' || *c == '\\')
			vg_buf_putc(out, '\\');
		vg_buf_putc(out, *c);
	}
	vg_buf_putc(out, '"');
}

void vg_cond_parse_print_expr(const vg_cond_expr *e, vg_buf *out)
{
	if (e->is_literal) {
		print_value(out, e->name);
		return;
	}
	vg_buf_puts(out, e->name);
	if (e->is_transformer) {
		vg_buf_putc(out, '(');
		for (uint32_t i = 0; i < e->nargs; i++) {
			if (i)
				vg_buf_puts(out, ", ");
			vg_cond_parse_print_expr(e->args[i], out);
		}
		vg_buf_putc(out, ')');
	}
	if (e->has_arg) {
		vg_buf_putc(out, '[');
		print_value(out, e->arg);
		vg_buf_putc(out, ']');
	}
}

static void print_check(const vg_cond_node *n, vg_buf *out)
{
	vg_cond_parse_print_expr(n->lhs, out);
	vg_buf_putc(out, ' ');
	vg_buf_puts(out, op_names[n->op]);
	if (n->mod) {
		vg_buf_putc(out, ' ');
		vg_buf_puts(out, vg_cond_parse_mod_name(n->mod));
	}
	switch (n->rhs_kind) {
	case VG_RHS_VALUE:
		vg_buf_putc(out, ' ');
		print_value(out, n->vals[0]);
		break;
	case VG_RHS_LIST:
		vg_buf_puts(out, " (");
		for (uint32_t i = 0; i < n->nvals; i++) {
			if (i)
				vg_buf_puts(out, ", ");
			print_value(out, n->vals[i]);
		}
		vg_buf_putc(out, ')');
		break;
	case VG_RHS_EXPR:
		vg_buf_putc(out, ' ');
		vg_cond_parse_print_expr(n->rhs_expr, out);
		break;
	case VG_RHS_NONE:
		break;
	}
}

void vg_cond_parse_print(const vg_cond_node *n, vg_buf *out)
{
	switch (n->kind) {
	case VG_COND_AND:
	case VG_COND_OR:
		vg_buf_putc(out, '(');
		for (uint32_t i = 0; i < n->nkids; i++) {
			if (i)
				vg_buf_puts(out, n->kind == VG_COND_AND ? " and " : " or ");
			vg_cond_parse_print(n->kids[i], out);
		}
		vg_buf_putc(out, ')');
		break;
	case VG_COND_NOT:
		vg_buf_puts(out, "not ");
		vg_cond_parse_print(n->kids[0], out);
		break;
	case VG_COND_MACRO:
		vg_buf_puts(out, n->macro);
		break;
	case VG_COND_CHECK:
		print_check(n, out);
		break;
	}
}
