#include "rules/yaml_tree.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef struct frame {
	vg_ynode *node;
	const yaml_char_t *anchor; /* registered when the collection closes, so it cannot contain itself */
	vg_ynode **items;
	uint32_t n, cap;
} frame;

typedef struct anchor {
	const char *name;
	vg_ynode *node;
} anchor;

typedef struct builder {
	vg_arena *a;
	frame stack[VG_YTREE_MAX_DEPTH + 1];
	int depth;
	anchor *anchors;
	uint32_t nanchors, anchors_cap;
	vg_ynode **docs;
	uint32_t ndocs, docs_cap;
	vg_err *err;
} builder;

static vg_rc nomem(builder *b)
{
	return vg_err_set(b->err, VG_ERR_NOMEM, "out of memory reading YAML");
}

static bool push_ptr(vg_ynode ***arr, uint32_t *n, uint32_t *cap, vg_ynode *p)
{
	if (*n == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		vg_ynode **grown = realloc(*arr, sizeof(*grown) * ncap);
		if (!grown)
			return false;
		*arr = grown;
		*cap = ncap;
	}
	(*arr)[(*n)++] = p;
	return true;
}

static vg_rc remember_anchor(builder *b, const yaml_char_t *name, vg_ynode *node)
{
	if (!name)
		return VG_OK;
	if (b->nanchors == b->anchors_cap) {
		uint32_t cap = b->anchors_cap ? b->anchors_cap * 2 : 8;
		anchor *grown = realloc(b->anchors, sizeof(*grown) * cap);
		if (!grown)
			return nomem(b);
		b->anchors = grown;
		b->anchors_cap = cap;
	}
	const char *copy = vg_arena_strdup(b->a, (const char *)name);
	if (!copy)
		return nomem(b);
	b->anchors[b->nanchors++] = (anchor){ copy, node };
	return VG_OK;
}

static vg_ynode *find_anchor(builder *b, const yaml_char_t *name)
{
	for (uint32_t i = b->nanchors; i-- > 0;)
		if (strcmp(b->anchors[i].name, (const char *)name) == 0)
			return b->anchors[i].node;
	return NULL;
}

/* Attaches a finished node to its parent (or makes it a document root). */
static vg_rc attach(builder *b, vg_ynode *node)
{
	if (b->depth == 0) {
		if (!push_ptr(&b->docs, &b->ndocs, &b->docs_cap, node))
			return nomem(b);
		return VG_OK;
	}
	frame *f = &b->stack[b->depth - 1];
	if (!push_ptr(&f->items, &f->n, &f->cap, node))
		return nomem(b);
	return VG_OK;
}

static vg_ynode *new_node(builder *b, vg_ykind kind, const yaml_mark_t *m)
{
	vg_ynode *n = vg_arena_zalloc(b->a, sizeof(*n));
	if (n) {
		n->kind = kind;
		n->line = (uint32_t)m->line + 1;
		n->col = (uint32_t)m->column + 1;
		n->offset = (uint32_t)m->index;
	}
	return n;
}

static vg_rc open_collection(builder *b, const yaml_event_t *ev, vg_ykind kind)
{
	if (b->depth >= VG_YTREE_MAX_DEPTH)
		return vg_err_set(b->err, VG_ERR_LIMIT, "%zu:%zu: YAML nesting deeper than %d levels",
				  ev->start_mark.line + 1, ev->start_mark.column + 1, VG_YTREE_MAX_DEPTH);
	vg_ynode *n = new_node(b, kind, &ev->start_mark);
	if (!n)
		return nomem(b);
	const yaml_char_t *anchor_name = kind == VG_Y_SEQ ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
	const char *copy = anchor_name ? vg_arena_strdup(b->a, (const char *)anchor_name) : NULL;
	if (anchor_name && !copy)
		return nomem(b);
	b->stack[b->depth++] = (frame){ .node = n, .anchor = (const yaml_char_t *)copy };
	return VG_OK;
}

static vg_rc close_collection(builder *b)
{
	frame *f = &b->stack[--b->depth];
	vg_ynode *n = f->node;
	n->n = n->kind == VG_Y_MAP ? f->n / 2 : f->n;
	if (f->n) {
		n->items = vg_arena_memdup(b->a, f->items, sizeof(*f->items) * f->n);
		free(f->items);
		if (!n->items)
			return nomem(b);
	}
	vg_rc rc = remember_anchor(b, f->anchor, n);
	return rc ? rc : attach(b, n);
}

static vg_rc on_scalar(builder *b, const yaml_event_t *ev)
{
	vg_ynode *n = new_node(b, VG_Y_SCALAR, &ev->start_mark);
	if (!n || !(n->str = vg_arena_strndup(b->a, (const char *)ev->data.scalar.value, ev->data.scalar.length)))
		return nomem(b);
	n->len = ev->data.scalar.length;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	vg_rc rc = remember_anchor(b, ev->data.scalar.anchor, n);
	return rc ? rc : attach(b, n);
}

static vg_rc on_event(builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return open_collection(b, ev, VG_Y_SEQ);
	case YAML_MAPPING_START_EVENT:
		return open_collection(b, ev, VG_Y_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return close_collection(b);
	case YAML_ALIAS_EVENT: {
		vg_ynode *target = find_anchor(b, ev->data.alias.anchor);
		if (!target)
			return vg_err_set(b->err, VG_ERR_PARSE, "%zu:%zu: unknown anchor '%s'", ev->start_mark.line + 1,
					  ev->start_mark.column + 1, (const char *)ev->data.alias.anchor);
		return attach(b, target);
	}
	case YAML_DOCUMENT_START_EVENT:
		b->nanchors = 0; /* anchors are per document */
		return VG_OK;
	case YAML_DOCUMENT_END_EVENT:
		/* an empty document produced no node */
		return VG_OK;
	default:
		return VG_OK;
	}
}

static void free_builder(builder *b)
{
	while (b->depth > 0)
		free(b->stack[--b->depth].items);
	free(b->anchors);
	free(b->docs);
}

vg_rc vg_ytree_parse(vg_arena *arena, const char *text, size_t len, vg_ynode ***docs, uint32_t *ndocs,
		     vg_err *err)
{
	builder *b = calloc(1, sizeof(*b));
	if (!b)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory reading YAML");
	b->a = arena;
	b->err = err;
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		free(b);
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory reading YAML");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	vg_rc rc = VG_OK;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = vg_err_set(err, VG_ERR_PARSE, "%zu:%zu: %s%s%s", parser.problem_mark.line + 1,
					parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error",
					parser.context ? " " : "", parser.context ? parser.context : "");
			break;
		}
		bool done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(b, &ev);
		yaml_event_delete(&ev);
		if (rc || done)
			break;
	}
	yaml_parser_delete(&parser);
	if (!rc) {
		*ndocs = b->ndocs;
		*docs = b->ndocs ? vg_arena_memdup(arena, b->docs, sizeof(*b->docs) * b->ndocs) : NULL;
		if (b->ndocs && !*docs)
			rc = vg_err_set(err, VG_ERR_NOMEM, "out of memory reading YAML");
	}
	free_builder(b);
	free(b);
	return rc;
}

bool vg_ytree_is_null(const vg_ynode *n)
{
	if (!n)
		return true;
	if (n->kind != VG_Y_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	       strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

const vg_ynode *vg_ytree_get(const vg_ynode *map, const char *key)
{
	if (!map || map->kind != VG_Y_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->n; i++) {
		const vg_ynode *k = map->items[2 * i];
		if (k->kind == VG_Y_SCALAR && strcmp(k->str, key) == 0)
			return map->items[2 * i + 1];
	}
	return NULL;
}

const char *vg_ytree_str(const vg_ynode *n)
{
	return n && n->kind == VG_Y_SCALAR ? n->str : NULL;
}

bool vg_ytree_bool(const vg_ynode *n, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
	if (!n || n->kind != VG_Y_SCALAR)
		return false;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(n->str, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcmp(n->str, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}
