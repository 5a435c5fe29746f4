#include "config/yamldoc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/arena.h"
#include "util/json.h"

#define DEFAULT_MAX_DEPTH 128u
#define DEFAULT_MAX_ALIAS_NODES 100000u

struct vg_yaml_doc {
	vg_arena *arena;
	vg_yaml_opts opts;
	vg_yaml_node **roots;
	uint32_t nroots, cap;
	uint32_t alias_nodes; /* nodes copied so far by alias expansion (all parses) */
	vg_yaml_syntax_err syntax; /* of the last parse */
};

vg_yaml_doc *vg_yaml_doc_new(const vg_yaml_opts *opts)
{
	vg_yaml_doc *doc = calloc(1, sizeof(*doc));
	if (!doc)
		return NULL;
	doc->arena = vg_arena_new(0);
	if (!doc->arena) {
		free(doc);
		return NULL;
	}
	if (opts)
		doc->opts = *opts;
	if (!doc->opts.max_depth)
		doc->opts.max_depth = DEFAULT_MAX_DEPTH;
	if (!doc->opts.max_alias_nodes)
		doc->opts.max_alias_nodes = DEFAULT_MAX_ALIAS_NODES;
	return doc;
}

void vg_yaml_doc_free(vg_yaml_doc *doc)
{
	if (!doc)
		return;
	vg_arena_free(doc->arena);
	free(doc->roots);
	free(doc);
}

vg_yaml_syntax_err vg_yaml_last_syntax_err(const vg_yaml_doc *doc)
{
	return doc->syntax;
}

uint32_t vg_yaml_doc_count(const vg_yaml_doc *doc)
{
	return doc->nroots;
}

vg_yaml_node *vg_yaml_doc_root(const vg_yaml_doc *doc, uint32_t i)
{
	return i < doc->nroots ? doc->roots[i] : NULL;
}

const char *vg_yaml_strdup(vg_yaml_doc *doc, const char *s)
{
	return vg_arena_strdup(doc->arena, s);
}

/* ---- node construction ---- */

static vg_yaml_node *new_node(vg_yaml_doc *doc, vg_yaml_kind kind, const char *file, uint32_t line,
			      uint32_t col)
{
	vg_yaml_node *n = vg_arena_zalloc(doc->arena, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->file = file;
	n->line = line;
	n->col = col;
	return n;
}

vg_yaml_node *vg_yaml_new_scalar(vg_yaml_doc *doc, const char *s, size_t len, vg_yaml_style style,
				 const char *file, uint32_t line, uint32_t col)
{
	vg_yaml_node *n = new_node(doc, VG_YAML_SCALAR, file, line, col);
	if (!n)
		return NULL;
	n->style = style;
	if (vg_yaml_set_str(doc, n, s, len) != VG_OK)
		return NULL;
	return n;
}

vg_yaml_node *vg_yaml_new_map(vg_yaml_doc *doc, const char *file, uint32_t line, uint32_t col)
{
	return new_node(doc, VG_YAML_MAP, file, line, col);
}

vg_yaml_node *vg_yaml_new_seq(vg_yaml_doc *doc, const char *file, uint32_t line, uint32_t col)
{
	return new_node(doc, VG_YAML_SEQ, file, line, col);
}

vg_rc vg_yaml_set_str(vg_yaml_doc *doc, vg_yaml_node *scalar, const char *s, size_t len)
{
	char *copy = vg_arena_alloc(doc->arena, len + 1);
	if (!copy)
		return VG_ERR_NOMEM;
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	scalar->str = copy;
	scalar->len = len;
	return VG_OK;
}

static bool grow(vg_yaml_doc *doc, vg_yaml_node *c)
{
	if (c->n < c->cap)
		return true;
	uint32_t cap = c->cap ? c->cap * 2 : 4;
	vg_yaml_node **vals = vg_arena_alloc(doc->arena, cap * sizeof(*vals));
	vg_yaml_node **keys = c->kind == VG_YAML_MAP ? vg_arena_alloc(doc->arena, cap * sizeof(*keys)) : NULL;
	if (!vals || (c->kind == VG_YAML_MAP && !keys))
		return false;
	if (c->n) {
		memcpy(vals, c->vals, c->n * sizeof(*vals));
		if (keys)
			memcpy(keys, c->keys, c->n * sizeof(*keys));
	}
	c->vals = vals;
	c->keys = keys;
	c->cap = cap;
	return true;
}

vg_rc vg_yaml_append(vg_yaml_doc *doc, vg_yaml_node *container, vg_yaml_node *key, vg_yaml_node *val)
{
	if (container->kind == VG_YAML_SCALAR || (container->kind == VG_YAML_MAP) != (key != NULL))
		return VG_ERR_INVALID;
	if (!grow(doc, container))
		return VG_ERR_NOMEM;
	if (key)
		container->keys[container->n] = key;
	container->vals[container->n++] = val;
	return VG_OK;
}

static int map_find(const vg_yaml_node *map, const char *key)
{
	if (!map || map->kind != VG_YAML_MAP)
		return -1;
	for (uint32_t i = map->n; i-- > 0;) {
		const char *k = vg_yaml_key_str(map->keys[i]);
		if (k && strcmp(k, key) == 0)
			return (int)i;
	}
	return -1;
}

vg_rc vg_yaml_map_put(vg_yaml_doc *doc, vg_yaml_node *map, const char *key, vg_yaml_node *val)
{
	int i = map_find(map, key);
	if (i >= 0) {
		map->vals[i] = val;
		return VG_OK;
	}
	vg_yaml_node *k = vg_yaml_new_scalar(doc, key, strlen(key), VG_YAML_PLAIN, val->file, val->line,
					     val->col);
	if (!k)
		return VG_ERR_NOMEM;
	return vg_yaml_append(doc, map, k, val);
}

/* ---- reading ---- */

vg_yaml_node *vg_yaml_map_get(const vg_yaml_node *map, const char *key)
{
	int i = map_find(map, key);
	return i >= 0 ? map->vals[i] : NULL;
}

vg_yaml_node *vg_yaml_map_first(const vg_yaml_node *map, const char *key)
{
	if (!map || map->kind != VG_YAML_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->n; i++) {
		const char *k = vg_yaml_key_str(map->keys[i]);
		if (k && strcmp(k, key) == 0)
			return map->vals[i];
	}
	return NULL;
}

const char *vg_yaml_key_str(const vg_yaml_node *key)
{
	return vg_yaml_str(key);
}

const char *vg_yaml_str(const vg_yaml_node *n)
{
	return n && n->kind == VG_YAML_SCALAR ? n->str : NULL;
}

static bool str_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static const char *const null_words[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };
static const char *const yes_words[] = { "yes", "Yes", "YES", "on", "On", "ON", NULL };
static const char *const no_words[] = { "no", "No", "NO", "off", "Off", "OFF", NULL };

bool vg_yaml_is_null(const vg_yaml_node *n)
{
	return !n || (n->kind == VG_YAML_SCALAR && n->style == VG_YAML_PLAIN && str_in(n->str, null_words));
}

bool vg_yaml_bool(const vg_yaml_node *n, bool *out)
{
	if (!n || n->kind != VG_YAML_SCALAR)
		return false;
	if (str_in(n->str, true_words) || str_in(n->str, yes_words)) {
		*out = true;
		return true;
	}
	if (str_in(n->str, false_words) || str_in(n->str, no_words)) {
		*out = false;
		return true;
	}
	return false;
}

/* YAML 1.2 core integers: [-+]?[0-9]+, 0x[0-9a-fA-F]+, 0o[0-7]+. Sets *neg and the magnitude. */
static bool parse_int(const char *s, size_t len, bool *neg, uint64_t *mag)
{
	if (strlen(s) != len || !len)
		return false;
	*neg = false;
	if (*s == '-' || *s == '+') {
		*neg = *s == '-';
		s++;
	}
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
		base = s[1] == 'x' ? 16 : 8;
		s += 2;
	}
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (*end || errno)
		return false;
	*mag = v;
	return true;
}

bool vg_yaml_int(const vg_yaml_node *n, int64_t *out)
{
	bool neg;
	uint64_t mag;
	if (!n || n->kind != VG_YAML_SCALAR || !parse_int(n->str, n->len, &neg, &mag))
		return false;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return false;
		*out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > INT64_MAX)
			return false;
		*out = (int64_t)mag;
	}
	return true;
}

bool vg_yaml_uint(const vg_yaml_node *n, uint64_t *out)
{
	bool neg;
	uint64_t mag;
	if (!n || n->kind != VG_YAML_SCALAR || !parse_int(n->str, n->len, &neg, &mag) || (neg && mag))
		return false;
	*out = mag;
	return true;
}

bool vg_yaml_double(const vg_yaml_node *n, double *out)
{
	if (!n || n->kind != VG_YAML_SCALAR || !n->len || strlen(n->str) != n->len)
		return false;
	int64_t i;
	if (vg_yaml_int(n, &i)) {
		*out = (double)i;
		return true;
	}
	const char *s = n->str;
	if (*s == ' ' || *s == '\t' || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		return false;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno == ERANGE)
		return false;
	*out = v;
	return true;
}

const char *vg_yaml_where(const vg_yaml_node *n, char *buf, size_t size)
{
	snprintf(buf, size, "%s:%" PRIu32 ":%" PRIu32, n->file ? n->file : "?", n->line, n->col);
	return buf;
}

/* ---- parsing ---- */

typedef struct anchor {
	struct anchor *next;
	char *name;
	vg_yaml_node *node;
} anchor;

typedef struct frame {
	vg_yaml_node *node;
	vg_yaml_node *pending_key; /* maps: key read, value not yet */
	char *anchor;              /* registered when the container ends */
} frame;

typedef struct parser {
	vg_yaml_doc *doc;
	const char *file;
	vg_err *err;
	frame *stack;
	uint32_t depth;
	anchor *anchors;
	vg_yaml_node **roots; /* roots of this parse, committed to doc on success */
	uint32_t nroots, cap;
} parser;

static vg_rc perr(parser *p, yaml_mark_t m, vg_rc rc, const char *reason)
{
	return vg_err_set(p->err, rc, "%s:%zu:%zu: %s", p->file, m.line + 1, m.column + 1, reason);
}

static vg_rc push_root(parser *p, vg_yaml_node *n)
{
	if (p->nroots == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 4;
		vg_yaml_node **r = realloc(p->roots, cap * sizeof(*r));
		if (!r)
			return vg_err_set(p->err, VG_ERR_NOMEM, "out of memory");
		p->roots = r;
		p->cap = cap;
	}
	p->roots[p->nroots++] = n;
	return VG_OK;
}

/* Attaches a finished (or just opened) node to the innermost open container. */
static vg_rc attach(parser *p, vg_yaml_node *n)
{
	if (!p->depth)
		return push_root(p, n);
	frame *f = &p->stack[p->depth - 1];
	vg_rc rc;
	if (f->node->kind == VG_YAML_MAP) {
		if (!f->pending_key) {
			f->pending_key = n;
			return VG_OK;
		}
		rc = vg_yaml_append(p->doc, f->node, f->pending_key, n);
		f->pending_key = NULL;
	} else {
		rc = vg_yaml_append(p->doc, f->node, NULL, n);
	}
	return rc == VG_OK ? VG_OK : vg_err_set(p->err, rc, "out of memory");
}

static vg_rc add_anchor(parser *p, const char *name, vg_yaml_node *n)
{
	anchor *a = vg_arena_alloc(p->doc->arena, sizeof(*a));
	if (!a || !(a->name = vg_arena_strdup(p->doc->arena, name)))
		return vg_err_set(p->err, VG_ERR_NOMEM, "out of memory");
	a->node = n;
	a->next = p->anchors;
	p->anchors = a;
	return VG_OK;
}

/* Deep copy for an alias: the result is a plain tree that -o edits cannot alias by surprise.
 * depth_left bounds nesting of the copy; the doc-wide budget bounds its size. */
static vg_yaml_node *copy_tree(parser *p, const vg_yaml_node *src, uint32_t depth_left, yaml_mark_t m)
{
	vg_yaml_doc *doc = p->doc;
	if (++doc->alias_nodes > doc->opts.max_alias_nodes) {
		char why[128];
		snprintf(why, sizeof(why), "alias expansion exceeds %" PRIu32 " nodes", doc->opts.max_alias_nodes);
		perr(p, m, VG_ERR_LIMIT, why);
		return NULL;
	}
	if (src->kind != VG_YAML_SCALAR && !depth_left) {
		perr(p, m, VG_ERR_LIMIT, "alias expansion nests too deep");
		return NULL;
	}
	vg_yaml_node *n = vg_arena_memdup(doc->arena, src, sizeof(*src));
	if (!n) {
		vg_err_set(p->err, VG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (src->kind == VG_YAML_SCALAR)
		return n; /* scalar strings are immutable once parsed; sharing is safe */
	n->n = n->cap = 0;
	n->keys = n->vals = NULL;
	for (uint32_t i = 0; i < src->n; i++) {
		vg_yaml_node *k = src->keys ? copy_tree(p, src->keys[i], depth_left - 1, m) : NULL;
		vg_yaml_node *v = copy_tree(p, src->vals[i], depth_left - 1, m);
		if (!v || (src->keys && !k))
			return NULL;
		if (vg_yaml_append(doc, n, k, v) != VG_OK) {
			vg_err_set(p->err, VG_ERR_NOMEM, "out of memory");
			return NULL;
		}
	}
	return n;
}

static vg_rc on_alias(parser *p, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	for (anchor *a = p->anchors; a; a = a->next) {
		if (strcmp(a->name, name) == 0) {
			vg_yaml_node *n = copy_tree(p, a->node, p->doc->opts.max_depth - p->depth, ev->start_mark);
			return n ? attach(p, n) : p->err->rc;
		}
	}
	char why[256];
	snprintf(why, sizeof(why), "unknown anchor '%.200s'", name);
	return perr(p, ev->start_mark, VG_ERR_PARSE, why);
}

static bool is_str_tag(const yaml_char_t *tag)
{
	return tag && strcmp((const char *)tag, YAML_STR_TAG) == 0;
}

static vg_rc on_scalar(parser *p, const yaml_event_t *ev)
{
	vg_yaml_style style = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !is_str_tag(ev->data.scalar.tag)
				      ? VG_YAML_PLAIN
				      : VG_YAML_QUOTED;
	vg_yaml_node *n = vg_yaml_new_scalar(p->doc, (const char *)ev->data.scalar.value, ev->data.scalar.length,
					     style, p->file, (uint32_t)ev->start_mark.line + 1,
					     (uint32_t)ev->start_mark.column + 1);
	if (!n)
		return vg_err_set(p->err, VG_ERR_NOMEM, "out of memory");
	n->offset = ev->start_mark.index;
	if (ev->data.scalar.anchor && add_anchor(p, (const char *)ev->data.scalar.anchor, n) != VG_OK)
		return p->err->rc;
	return attach(p, n);
}

static vg_rc on_open(parser *p, const yaml_event_t *ev, vg_yaml_kind kind, const yaml_char_t *anchor_name)
{
	if (p->depth >= p->doc->opts.max_depth) {
		char why[96];
		snprintf(why, sizeof(why), "nesting deeper than %" PRIu32 " levels", p->doc->opts.max_depth);
		return perr(p, ev->start_mark, VG_ERR_LIMIT, why);
	}
	vg_yaml_node *n = new_node(p->doc, kind, p->file, (uint32_t)ev->start_mark.line + 1,
				   (uint32_t)ev->start_mark.column + 1);
	if (!n)
		return vg_err_set(p->err, VG_ERR_NOMEM, "out of memory");
	n->offset = ev->start_mark.index;
	vg_rc rc = attach(p, n);
	if (rc != VG_OK)
		return rc;
	frame *f = &p->stack[p->depth++];
	f->node = n;
	f->pending_key = NULL;
	f->anchor = anchor_name ? vg_arena_strdup(p->doc->arena, (const char *)anchor_name) : NULL;
	return VG_OK;
}

static vg_rc on_close(parser *p)
{
	frame *f = &p->stack[--p->depth];
	/* Registered only now, so an alias inside its own anchor is "unknown", never a cycle. */
	return f->anchor ? add_anchor(p, f->anchor, f->node) : VG_OK;
}

static vg_rc on_event(parser *p, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		p->anchors = NULL; /* anchors are scoped to one document */
		return VG_OK;
	case YAML_SCALAR_EVENT:
		return on_scalar(p, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(p, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_open(p, ev, VG_YAML_SEQ, ev->data.sequence_start.anchor);
	case YAML_MAPPING_START_EVENT:
		return on_open(p, ev, VG_YAML_MAP, ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_close(p);
	default:
		return VG_OK;
	}
}

static vg_rc parser_error(parser *p, const yaml_parser_t *yp)
{
	char why[512];
	if (yp->error == YAML_MEMORY_ERROR)
		return vg_err_set(p->err, VG_ERR_NOMEM, "%s: out of memory", p->file);
	const char *problem = yp->problem ? yp->problem : "invalid YAML";
	bool reader = yp->error == YAML_READER_ERROR;
	p->doc->syntax = (vg_yaml_syntax_err){
		.found = true, .problem = problem, .context = yp->context,
		.line = reader ? 0 : (uint32_t)yp->problem_mark.line + 1,
		.col = reader ? 0 : (uint32_t)yp->problem_mark.column + 1,
		.offset = reader ? yp->problem_offset : yp->problem_mark.index,
	};
	if (yp->context)
		snprintf(why, sizeof(why), "%s %s", yp->context, problem);
	else
		snprintf(why, sizeof(why), "%s", problem);
	/* Reader errors (bad UTF-8, control chars) have only a byte offset, no line. */
	if (yp->error == YAML_READER_ERROR)
		return vg_err_set(p->err, VG_ERR_PARSE, "%s: byte %zu: %s", p->file, yp->problem_offset, why);
	return perr(p, yp->problem_mark, VG_ERR_PARSE, why);
}

static vg_rc commit_roots(parser *p, uint32_t *first)
{
	vg_yaml_doc *doc = p->doc;
	if (doc->nroots + p->nroots > doc->cap) {
		uint32_t cap = doc->cap ? doc->cap : 4;
		while (cap < doc->nroots + p->nroots)
			cap *= 2;
		vg_yaml_node **r = realloc(doc->roots, cap * sizeof(*r));
		if (!r)
			return vg_err_set(p->err, VG_ERR_NOMEM, "out of memory");
		doc->roots = r;
		doc->cap = cap;
	}
	if (first)
		*first = doc->nroots;
	if (p->nroots)
		memcpy(doc->roots + doc->nroots, p->roots, p->nroots * sizeof(*p->roots));
	doc->nroots += p->nroots;
	return VG_OK;
}

vg_rc vg_yaml_parse_str(vg_yaml_doc *doc, const char *name, const char *text, size_t len,
			uint32_t *first, vg_err *err)
{
	parser p = { .doc = doc, .err = err };
	doc->syntax = (vg_yaml_syntax_err){ 0 };
	p.file = vg_arena_strdup(doc->arena, name ? name : "<string>");
	p.stack = calloc(doc->opts.max_depth, sizeof(*p.stack));
	if (!p.file || !p.stack) {
		free(p.stack);
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	}
	yaml_parser_t yp;
	if (!yaml_parser_initialize(&yp)) {
		free(p.stack);
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	}
	yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
	vg_rc rc = VG_OK;
	for (bool done = false; !done && rc == VG_OK;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&yp, &ev)) {
			rc = parser_error(&p, &yp);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(&p, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	if (rc == VG_OK)
		rc = commit_roots(&p, first);
	free(p.stack);
	free(p.roots);
	return rc;
}

vg_rc vg_yaml_parse_file(vg_yaml_doc *doc, const char *path, uint32_t *first, vg_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return vg_err_set(err, errno == ENOENT ? VG_ERR_NOTFOUND : VG_ERR_IO, "%s: %s", path, strerror(errno));
	vg_buf text;
	vg_buf_init(&text);
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		vg_buf_append(&text, chunk, got);
	bool failed = ferror(f) != 0;
	fclose(f);
	vg_rc rc;
	if (failed)
		rc = vg_err_set(err, VG_ERR_IO, "%s: read error", path);
	else if (text.oom)
		rc = vg_err_set(err, VG_ERR_NOMEM, "%s: out of memory", path);
	else
		rc = vg_yaml_parse_str(doc, path, text.data ? text.data : "", text.len, first, err);
	vg_buf_free(&text);
	return rc;
}

/* ---- paths ---- */

typedef enum step_kind { STEP_KEY, STEP_INDEX, STEP_APPEND } step_kind;

typedef struct step {
	step_kind kind;
	char *key;  /* STEP_KEY: unescaped, malloc'ed */
	size_t idx; /* STEP_INDEX */
} step;

typedef struct steps {
	step *v;
	size_t n;
} steps;

static void steps_free(steps *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].key);
	free(s->v);
}

static bool steps_push(steps *s, step st)
{
	step *v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (!v)
		return false;
	s->v = v;
	s->v[s->n++] = st;
	return true;
}

/* Reads a key up to '.', '[' or the end; "\." and "\[" and "\\" are literal. */
static const char *parse_key(const char *p, steps *out, bool *ok)
{
	vg_buf key;
	vg_buf_init(&key);
	while (*p && *p != '.' && *p != '[') {
		if (*p == '\\' && (p[1] == '.' || p[1] == '[' || p[1] == '\\'))
			p++;
		vg_buf_putc(&key, *p++);
	}
	*ok = !key.oom;
	if (key.len && *ok)
		*ok = steps_push(out, (step){ .kind = STEP_KEY, .key = vg_buf_steal(&key) });
	vg_buf_free(&key);
	return p;
}

static const char *parse_index(const char *p, steps *out, bool *ok)
{
	p++; /* '[' */
	*ok = false;
	if (*p == ']') {
		*ok = steps_push(out, (step){ .kind = STEP_APPEND });
		return p + 1;
	}
	if (*p < '0' || *p > '9')
		return p;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	if (*end != ']' || errno || v > UINT32_MAX)
		return p;
	*ok = steps_push(out, (step){ .kind = STEP_INDEX, .idx = (size_t)v });
	return end + 1;
}

static bool parse_path(const char *path, steps *out)
{
	const char *p = path;
	bool ok = true;
	if (!*p)
		return false;
	while (ok) {
		size_t before = out->n;
		p = parse_key(p, out, &ok);
		while (ok && *p == '[')
			p = parse_index(p, out, &ok);
		if (ok && out->n == before)
			ok = false; /* empty segment: "a..b", ".a", "a." */
		if (!ok || !*p)
			break;
		if (*p != '.')
			return false;
		p++;
	}
	return ok;
}

vg_yaml_node *vg_yaml_get(const vg_yaml_node *root, const char *path)
{
	steps s = { 0 };
	const vg_yaml_node *cur = root;
	if (!parse_path(path, &s))
		cur = NULL;
	for (size_t i = 0; cur && i < s.n; i++) {
		if (s.v[i].kind == STEP_KEY)
			cur = vg_yaml_map_get(cur, s.v[i].key);
		else if (s.v[i].kind == STEP_INDEX && cur->kind == VG_YAML_SEQ && s.v[i].idx < cur->n)
			cur = cur->vals[s.v[i].idx];
		else
			cur = NULL;
	}
	steps_free(&s);
	return (vg_yaml_node *)cur;
}

/* Makes *slot a container of the kind step st needs (replacing whatever is there). */
static vg_rc ensure_container(vg_yaml_doc *doc, vg_yaml_node **slot, const step *st, const vg_yaml_node *pos)
{
	vg_yaml_kind need = st->kind == STEP_KEY ? VG_YAML_MAP : VG_YAML_SEQ;
	if (*slot && (*slot)->kind == need)
		return VG_OK;
	vg_yaml_node *c = need == VG_YAML_MAP ? vg_yaml_new_map(doc, pos->file, pos->line, pos->col)
					      : vg_yaml_new_seq(doc, pos->file, pos->line, pos->col);
	if (!c)
		return VG_ERR_NOMEM;
	*slot = c;
	return VG_OK;
}

/* Slot for step st inside container c, creating a null placeholder when it is new. */
static vg_rc step_into(vg_yaml_doc *doc, vg_yaml_node *c, const step *st, const vg_yaml_node *pos,
		       vg_yaml_node ***slot)
{
	if (st->kind == STEP_KEY) {
		int i = map_find(c, st->key);
		if (i >= 0) {
			*slot = &c->vals[i];
			return VG_OK;
		}
	} else if (st->kind == STEP_INDEX && st->idx < c->n) {
		*slot = &c->vals[st->idx];
		return VG_OK;
	} else if (st->kind == STEP_INDEX && st->idx > c->n) {
		return VG_ERR_NOTFOUND;
	}
	vg_yaml_node *ph = vg_yaml_new_scalar(doc, "", 0, VG_YAML_PLAIN, pos->file, pos->line, pos->col);
	vg_yaml_node *key = st->kind == STEP_KEY ? vg_yaml_new_scalar(doc, st->key, strlen(st->key), VG_YAML_PLAIN,
								       pos->file, pos->line, pos->col)
						 : NULL;
	if (!ph || (st->kind == STEP_KEY && !key))
		return VG_ERR_NOMEM;
	vg_rc rc = vg_yaml_append(doc, c, key, ph);
	if (rc == VG_OK)
		*slot = &c->vals[c->n - 1];
	return rc;
}

vg_rc vg_yaml_set(vg_yaml_doc *doc, vg_yaml_node *root, const char *path, vg_yaml_node *val, vg_err *err)
{
	steps s = { 0 };
	if (!parse_path(path, &s)) {
		steps_free(&s);
		return vg_err_set(err, VG_ERR_INVALID, "invalid key path '%s'", path);
	}
	vg_yaml_node *top = root;
	vg_yaml_node **slot = &top;
	vg_rc rc = VG_OK;
	for (size_t i = 0; i < s.n && rc == VG_OK; i++) {
		if (slot != &top)
			rc = ensure_container(doc, slot, &s.v[i], val);
		else if ((root->kind == VG_YAML_MAP) != (s.v[i].kind == STEP_KEY))
			rc = vg_err_set(err, VG_ERR_INVALID, "key path '%s': the document root is not a %s", path,
					s.v[i].kind == STEP_KEY ? "map" : "sequence");
		if (rc == VG_OK)
			rc = step_into(doc, *slot, &s.v[i], val, &slot);
		if (rc == VG_ERR_NOTFOUND)
			rc = vg_err_set(err, rc, "key path '%s': index %zu is past the end of the list", path, s.v[i].idx);
		else if (rc == VG_ERR_NOMEM)
			rc = vg_err_set(err, rc, "out of memory");
	}
	if (rc == VG_OK)
		*slot = val;
	steps_free(&s);
	return rc;
}

/* ---- JSON ---- */

static bool is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		if (*++s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static void scalar_to_json(const vg_yaml_node *n, vg_buf *out)
{
	if (n->style == VG_YAML_PLAIN && strlen(n->str) == n->len) {
		int64_t i;
		uint64_t u;
		if (vg_yaml_is_null(n)) {
			vg_buf_puts(out, "null");
			return;
		}
		if (str_in(n->str, true_words) || str_in(n->str, false_words)) {
			vg_buf_puts(out, n->str[0] == 't' || n->str[0] == 'T' ? "true" : "false");
			return;
		}
		if (is_json_number(n->str)) {
			vg_buf_puts(out, n->str);
			return;
		}
		if (vg_yaml_int(n, &i)) {
			vg_buf_printf(out, "%" PRId64, i);
			return;
		}
		if (vg_yaml_uint(n, &u)) {
			vg_buf_printf(out, "%" PRIu64, u);
			return;
		}
	}
	vg_json_put_str(out, n->str, n->len);
}

vg_rc vg_yaml_to_json(const vg_yaml_node *n, vg_buf *out, vg_err *err)
{
	char where[VG_YAML_WHERE_MAX];
	if (n->kind == VG_YAML_SCALAR) {
		scalar_to_json(n, out);
		return VG_OK;
	}
	bool map = n->kind == VG_YAML_MAP;
	vg_buf_putc(out, map ? '{' : '[');
	for (uint32_t i = 0; i < n->n; i++) {
		if (i)
			vg_buf_putc(out, ',');
		if (map) {
			if (n->keys[i]->kind != VG_YAML_SCALAR)
				return vg_err_set(err, VG_ERR_INVALID, "%s: a map key must be a scalar to convert to JSON",
						  vg_yaml_where(n->keys[i], where, sizeof(where)));
			vg_json_put_str(out, n->keys[i]->str, n->keys[i]->len);
			vg_buf_putc(out, ':');
		}
		vg_rc rc = vg_yaml_to_json(n->vals[i], out, err);
		if (rc != VG_OK)
			return rc;
	}
	vg_buf_putc(out, map ? '}' : ']');
	return out->oom ? vg_err_set(err, VG_ERR_NOMEM, "out of memory") : VG_OK;
}
