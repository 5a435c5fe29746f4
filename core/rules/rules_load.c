#include "rules/rules_load.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct loader {
	vg_rl_coll *c;
	const char *file; /* arena copy */
	vg_rules_result *res;
	const char *item_type; /* current item, for diagnostics */
	const char *item_name;
} loader;

/* ---- collection ---- */

vg_rl_coll *vg_rules_load_coll_new(const char *engine_version)
{
	vg_rl_coll *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	/* rules files have always been accepted up to 1000 levels deep (a config stops at 128) */
	const vg_yaml_opts yopts = { .max_depth = 1000 };
	if (!(c->arena = vg_arena_new(0)) || !(c->yaml = vg_yaml_doc_new(&yopts)) ||
	    !(c->engine_version = vg_arena_strdup(c->arena, engine_version))) {
		vg_rules_load_coll_free(c);
		return NULL;
	}
	return c;
}

void vg_rules_load_coll_free(vg_rl_coll *c)
{
	if (!c)
		return;
	vg_arena_free(c->arena);
	vg_yaml_doc_free(c->yaml);
	free(c);
}

/* Arrays grow inside the arena (the old copy is simply abandoned): no per-array frees. */
static bool grow(vg_arena *a, void **arr, uint32_t n, uint32_t *cap, size_t elem)
{
	if (n < *cap)
		return true;
	uint32_t ncap = *cap ? *cap * 2 : 8;
	void *p = vg_arena_alloc(a, elem * ncap);
	if (!p)
		return false;
	if (n)
		memcpy(p, *arr, elem * n);
	*arr = p;
	*cap = ncap;
	return true;
}

#define GROW(L, arr, n, cap) grow((L)->c->arena, (void **)&(arr), (n), &(cap), sizeof(*(arr)))

/* ---- diagnostics ---- */

static vg_rc error_at(loader *L, vg_rules_code code, const vg_yaml_node *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void warn_at(loader *L, vg_rules_code code, const vg_yaml_node *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_diag(loader *L, bool error, vg_rules_code code, const vg_yaml_node *at, const char *fmt,
		     va_list ap)
{
	vg_buf msg;
	vg_buf_init(&msg);
	vg_buf_vprintf(&msg, fmt, ap);
	vg_rules_result_add(L->res, error, code, L->file, at ? at->line : 0, at ? at->col : 0,
			    at ? (uint32_t)at->offset : 0, L->item_type, L->item_name, "%s", msg.data);
	vg_buf_free(&msg);
}

static vg_rc error_at(loader *L, vg_rules_code code, const vg_yaml_node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_diag(L, true, code, at, fmt, ap);
	va_end(ap);
	return code == VG_LOAD_ERR_YAML_PARSE ? VG_ERR_PARSE : VG_ERR_INVALID;
}

static void warn_at(loader *L, vg_rules_code code, const vg_yaml_node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_diag(L, false, code, at, fmt, ap);
	va_end(ap);
}

static vg_rc nomem(loader *L)
{
	vg_rules_result_add(L->res, true, VG_LOAD_ERR_YAML_VALIDATE, L->file, 0, 0, 0, NULL, NULL, "out of memory");
	return VG_ERR_NOMEM;
}

static vg_rl_loc loc_of(loader *L, const vg_yaml_node *n)
{
	return (vg_rl_loc){ L->file, n ? n->line : 0, n ? n->col : 0, n ? (uint32_t)n->offset : 0 };
}

/* ---- typed accessors ---- */

/* A required or optional non-empty string; *out stays NULL when absent and optional. */
static vg_rc get_str(loader *L, const vg_yaml_node *item, const char *key, bool required, const char **out)
{
	const vg_yaml_node *n = vg_yaml_map_first(item, key);
	*out = NULL;
	if (!n) {
		if (required)
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, item, "Item has no mapping for key '%s'", key);
		return VG_OK;
	}
	if (n->kind != VG_YAML_SCALAR || vg_yaml_is_null(n) || !n->len)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, n, "Value of '%s' must be a non-empty string", key);
	*out = n->str;
	return VG_OK;
}

static vg_rc get_bool(loader *L, const vg_yaml_node *item, const char *key, bool *out, bool *present)
{
	const vg_yaml_node *n = vg_yaml_map_first(item, key);
	if (present)
		*present = n != NULL;
	if (!n)
		return VG_OK;
	if (!vg_yaml_bool(n, out))
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, n, "Value of '%s' must be a boolean", key);
	return VG_OK;
}

static vg_rc check_keys(loader *L, const vg_yaml_node *item, const char *const *allowed)
{
	for (uint32_t i = 0; i < item->n; i++) {
		const vg_yaml_node *k = item->keys[i];
		const char *key = vg_yaml_str(k);
		if (!key)
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, k, "keys must be strings");
		bool known = false;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, key) == 0;
		if (!known)
			warn_at(L, VG_LOAD_UNKNOWN_KEY, k, "Unknown key '%s'. The key will be ignored.", key);
	}
	return VG_OK;
}

static char *trimmed(loader *L, const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return vg_arena_strndup(L->c->arena, s, n);
}

static const char *joined(loader *L, const char *a, const char *b)
{
	return vg_arena_sprintf(L->c->arena, "%s %s", a, b);
}

/* ---- override ---- */

typedef enum { OV_NONE, OV_APPEND, OV_REPLACE } ov_mode;

typedef struct override_spec {
	const char *keys[16];
	ov_mode modes[16];
	uint32_t n;
	bool present;
} override_spec;

static ov_mode override_of(const override_spec *o, const char *key)
{
	for (uint32_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->modes[i];
	return OV_NONE;
}

static bool in_list(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

/* Reads `override:` and checks it against the item: every listed key present on the item and
 * every overridable key present listed. */
static vg_rc parse_override(loader *L, const vg_yaml_node *item, const char *const *appendable,
			    const char *const *replaceable, override_spec *o)
{
	memset(o, 0, sizeof(*o));
	const vg_yaml_node *ov = vg_yaml_map_first(item, "override");
	if (!ov)
		return VG_OK;
	o->present = true;
	if (ov->kind != VG_YAML_MAP)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, ov, "Value of 'override' must be a map");
	for (uint32_t i = 0; i < ov->n; i++) {
		const char *key = vg_yaml_str(ov->keys[i]);
		const char *mode = vg_yaml_str(ov->vals[i]);
		const vg_yaml_node *at = ov->keys[i];
		if (!key || !mode || (strcmp(mode, "append") && strcmp(mode, "replace")))
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, at, "Override must be 'append' or 'replace'");
		bool app = strcmp(mode, "append") == 0;
		if (!in_list(key, app ? appendable : replaceable))
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, at, "Key '%s' cannot be %s", key,
					app ? "appended" : "replaced");
		if (!vg_yaml_map_first(item, key))
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, at, "An override is defined for '%s' but the key is missing",
					key);
		if (o->n == sizeof(o->keys) / sizeof(o->keys[0]))
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, at, "too many override keys");
		o->keys[o->n] = key;
		o->modes[o->n++] = app ? OV_APPEND : OV_REPLACE;
	}
	for (const char *const *k = replaceable; *k; k++)
		if (vg_yaml_map_first(item, *k) && override_of(o, *k) == OV_NONE)
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, vg_yaml_map_first(item, *k),
					"Unexpected key '%s': no corresponding entry under 'override' is defined.", *k);
	return VG_OK;
}

/* The part every list/macro/rule item shares: its name, known keys, append and override. */
static vg_rc item_header(loader *L, const vg_yaml_node *item, const char *kind, const char *const *keys,
			 const char *const *appendable, const char *const *replaceable, const char **name,
			 bool *append, override_spec *ov)
{
	vg_rc rc = get_str(L, item, kind, true, name);
	if (rc)
		return rc;
	L->item_name = *name;
	*append = false;
	if ((rc = check_keys(L, item, keys)) || (rc = get_bool(L, item, "append", append, NULL)) ||
	    (rc = parse_override(L, item, appendable, replaceable, ov)))
		return rc;
	if (*append && ov->present)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, item, "Keys 'override' and 'append: true' cannot be used together.");
	if (*append)
		warn_at(L, VG_LOAD_DEPRECATED_ITEM, item, "The 'append' key is deprecated. Use 'override' instead.");
	return VG_OK;
}

/* Lists, macros, rules and exceptions all start with their name: one lookup serves them all. */
static void *find_named(void *arr, uint32_t n, size_t stride, const char *name)
{
	for (uint32_t i = 0; i < n; i++) {
		char *item = (char *)arr + i * stride;
		if (strcmp(*(const char **)item, name) == 0)
			return item;
	}
	return NULL;
}

#define FIND(arr, n, name) find_named((arr), (n), sizeof(*(arr)), (name))

/* ---- lists ---- */

static vg_rl_list *find_list(vg_rl_coll *c, const char *name)
{
	return FIND(c->lists, c->nlists, name);
}

static bool list_name_valid(const char *name)
{
	for (const char *p = name; *p; p++)
		if (strchr("()\"'=,", *p) || isspace((unsigned char)*p))
			return false;
	return true;
}

static vg_rc add_items(loader *L, vg_rl_list *l, const vg_yaml_node *items)
{
	for (uint32_t i = 0; i < items->n; i++) {
		const char *s = vg_yaml_str(items->vals[i]);
		if (!s)
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, items->vals[i], "List items must be strings");
		if (!GROW(L, l->items, l->nitems, l->cap))
			return nomem(L);
		l->items[l->nitems++] = s;
	}
	return VG_OK;
}

static vg_rc load_list(loader *L, const vg_yaml_node *item)
{
	static const char *const keys[] = { "list", "items", "append", "override", NULL };
	static const char *const ov_keys[] = { "items", NULL };
	const char *name;
	bool append;
	override_spec ov;
	vg_rc rc = item_header(L, item, "list", keys, ov_keys, ov_keys, &name, &append, &ov);
	if (rc)
		return rc;
	if (!list_name_valid(name))
		warn_at(L, VG_LOAD_INVALID_LIST_NAME, item, "List has an invalid name");
	const vg_yaml_node *items = vg_yaml_map_first(item, "items");
	if (!items)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, item, "Item has no mapping for key 'items'");
	if (vg_yaml_is_null(items))
		items = NULL;
	else if (items->kind != VG_YAML_SEQ)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, items, "Value of 'items' must be a sequence");
	vg_rl_list *prev = find_list(L->c, name);
	if (append || override_of(&ov, "items") == OV_APPEND) {
		if (!prev)
			return error_at(L, VG_LOAD_ERR_VALIDATE, item, "List has 'append' key or an append override but no list by that name already exists");
		return items ? add_items(L, prev, items) : VG_OK;
	}
	if (ov.present && !prev)
		return error_at(L, VG_LOAD_ERR_VALIDATE, item, "An override is defined but no list by that name already exists");
	if (!prev) {
		if (!GROW(L, L->c->lists, L->c->nlists, L->c->lists_cap))
			return nomem(L);
		prev = &L->c->lists[L->c->nlists++];
		memset(prev, 0, sizeof(*prev));
		prev->name = name;
	}
	prev->nitems = 0; /* redefinition: new items, same position */
	prev->loc = loc_of(L, item);
	return items ? add_items(L, prev, items) : VG_OK;
}

/* ---- macros ---- */

static vg_rl_macro *find_macro(vg_rl_coll *c, const char *name)
{
	return FIND(c->macros, c->nmacros, name);
}

static bool macro_name_valid(const char *name)
{
	if (!isalpha((unsigned char)*name))
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static vg_rc load_macro(loader *L, const vg_yaml_node *item)
{
	static const char *const keys[] = { "macro", "condition", "append", "override", NULL };
	static const char *const ov_keys[] = { "condition", NULL };
	const char *name, *cond;
	bool append;
	override_spec ov;
	vg_rc rc = item_header(L, item, "macro", keys, ov_keys, ov_keys, &name, &append, &ov);
	if (rc || (rc = get_str(L, item, "condition", true, &cond)))
		return rc;
	if (!macro_name_valid(name))
		warn_at(L, VG_LOAD_INVALID_MACRO_NAME, item, "Macro has an invalid name");
	vg_rl_macro *prev = find_macro(L->c, name);
	const vg_yaml_node *cond_node = vg_yaml_map_first(item, "condition");
	if (append || override_of(&ov, "condition") == OV_APPEND) {
		if (!prev)
			return error_at(L, VG_LOAD_ERR_VALIDATE, item, "Macro has 'append' key or an append override but no macro by that name already exists");
		prev->cond = joined(L, prev->cond, cond);
		prev->last_seq = ++L->c->macro_seq;
		return prev->cond ? VG_OK : nomem(L);
	}
	if (ov.present && !prev)
		return error_at(L, VG_LOAD_ERR_VALIDATE, item, "An override is defined but no macro by that name already exists");
	if (!prev) {
		if (!GROW(L, L->c->macros, L->c->nmacros, L->c->macros_cap))
			return nomem(L);
		prev = &L->c->macros[L->c->nmacros++];
		memset(prev, 0, sizeof(*prev));
		prev->name = name;
		prev->first_seq = L->c->macro_seq + 1;
	}
	prev->last_seq = ++L->c->macro_seq;
	prev->cond = cond;
	prev->loc = loc_of(L, item);
	prev->cond_loc = loc_of(L, cond_node);
	return VG_OK;
}

/* ---- rules ---- */

static vg_rl_rule *find_rule(vg_rl_coll *c, const char *name)
{
	return FIND(c->rules, c->nrules, name);
}

static vg_rc add_tags(loader *L, vg_rl_rule *r, const vg_yaml_node *tags)
{
	if (vg_yaml_is_null(tags))
		return VG_OK;
	if (tags->kind != VG_YAML_SEQ)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, tags, "Value of 'tags' must be a sequence of strings");
	for (uint32_t i = 0; i < tags->n; i++) {
		const char *t = vg_yaml_str(tags->vals[i]);
		if (!t)
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, tags->vals[i], "Tags must be strings");
		bool dup = false;
		for (uint32_t k = 0; k < r->ntags && !dup; k++)
			dup = strcmp(r->tags[k], t) == 0;
		if (dup)
			continue;
		if (!GROW(L, r->tags, r->ntags, r->tags_cap))
			return nomem(L);
		r->tags[r->ntags++] = t;
	}
	return VG_OK;
}

static vg_exception *find_exception(vg_rl_rule *r, const char *name)
{
	return FIND(r->excs, r->nexcs, name);
}

static vg_rc add_exception_values(loader *L, vg_exception *e, const vg_yaml_node *values)
{
	if (!values || vg_yaml_is_null(values))
		return VG_OK;
	if (values->kind != VG_YAML_SEQ)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, values, "Value of 'values' must be a sequence");
	if (!GROW(L, e->values, e->nvalues, e->cap))
		return nomem(L);
	e->values[e->nvalues++] = values;
	return VG_OK;
}

static vg_rc new_exception(loader *L, vg_rl_rule *r, const vg_yaml_node *ex, const char *name)
{
	if (!GROW(L, r->excs, r->nexcs, r->excs_cap))
		return nomem(L);
	vg_exception *e = &r->excs[r->nexcs++];
	*e = (vg_exception){ .name = name, .fields = vg_yaml_map_first(ex, "fields"),
			     .comps = vg_yaml_map_first(ex, "comps"), .line = ex->line, .col = ex->col };
	vg_err err;
	vg_err_clear(&err);
	if (vg_exceptions_validate(e, &err))
		return error_at(L, VG_LOAD_ERR_VALIDATE, ex, "%s", err.msg);
	return add_exception_values(L, e, vg_yaml_map_first(ex, "values"));
}

/* appending: a known name may only add values; a new name is a full exception. */
static vg_rc load_exceptions(loader *L, vg_rl_rule *r, const vg_yaml_node *excs, bool appending)
{
	static const char *const keys[] = { "name", "fields", "comps", "values", NULL };
	if (vg_yaml_is_null(excs))
		return VG_OK;
	if (excs->kind != VG_YAML_SEQ)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, excs, "Value of 'exceptions' must be a sequence");
	for (uint32_t i = 0; i < excs->n; i++) {
		const vg_yaml_node *ex = excs->vals[i];
		if (ex->kind != VG_YAML_MAP)
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, ex, "Exceptions must be maps");
		const char *name;
		vg_rc rc = get_str(L, ex, "name", true, &name);
		if (rc || (rc = check_keys(L, ex, keys)))
			return rc;
		vg_exception *prev = find_exception(r, name);
		if (!prev) {
			if ((rc = new_exception(L, r, ex, name)))
				return rc;
			continue;
		}
		if (!appending) {
			warn_at(L, VG_LOAD_EXCEPTION_NAME_NOT_UNIQUE, ex, "Multiple definitions of exception '%s'", name);
			continue;
		}
		if (vg_yaml_map_first(ex, "fields") || vg_yaml_map_first(ex, "comps"))
			return error_at(L, VG_LOAD_ERR_VALIDATE, ex,
					"Can not append exception fields or comps to existing exception '%s', only values", name);
		if (!vg_yaml_map_first(ex, "values"))
			warn_at(L, VG_LOAD_APPEND_NO_VALUES, ex, "Overriding/appending exception '%s' with no values", name);
		if ((rc = add_exception_values(L, prev, vg_yaml_map_first(ex, "values"))))
			return rc;
	}
	return VG_OK;
}

static vg_rc parse_priority(loader *L, const vg_yaml_node *item, vg_priority *out)
{
	const char *p;
	vg_rc rc = get_str(L, item, "priority", false, &p);
	if (rc || !p)
		return rc;
	if (!vg_priority_parse(p, out))
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, vg_yaml_map_first(item, "priority"),
				"Invalid priority level: %s", p);
	return VG_OK;
}

/* The scalar keys every rule definition and replace-override may carry. */
static vg_rc load_rule_flags(loader *L, vg_rl_rule *r, const vg_yaml_node *item, const override_spec *ov)
{
	vg_rc rc;
	bool replace_only = ov != NULL;
#define ALLOWED(key) (!replace_only || override_of(ov, key) == OV_REPLACE)
	if (ALLOWED("enabled") && (rc = get_bool(L, item, "enabled", &r->enabled, NULL)))
		return rc;
	if (ALLOWED("warn_evttypes") && (rc = get_bool(L, item, "warn_evttypes", &r->warn_evttypes, NULL)))
		return rc;
	if (ALLOWED("skip-if-unknown-filter") &&
	    (rc = get_bool(L, item, "skip-if-unknown-filter", &r->skip_unknown, NULL)))
		return rc;
	if (ALLOWED("capture") && (rc = get_bool(L, item, "capture", &r->capture, NULL)))
		return rc;
	if (ALLOWED("priority") && (rc = parse_priority(L, item, &r->priority)))
		return rc;
	const vg_yaml_node *cd = vg_yaml_map_first(item, "capture_duration");
	if (cd && ALLOWED("capture_duration")) {
		char *end;
		const char *s = vg_yaml_str(cd);
		unsigned long long v = s ? strtoull(s, &end, 10) : 0;
		if (!s || !isdigit((unsigned char)*s) || *end)
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, cd, "Value of 'capture_duration' must be an unsigned integer");
		r->capture_duration = v;
	}
#undef ALLOWED
	return VG_OK;
}

static vg_rc rule_text_key(loader *L, const vg_yaml_node *item, const char *key, const char **dst, vg_rl_loc *loc,
			   bool append)
{
	const char *v;
	vg_rc rc = get_str(L, item, key, false, &v);
	if (rc || !v)
		return rc;
	if (strcmp(key, "output") == 0 && !(v = trimmed(L, v)))
		return nomem(L);
	*dst = append && *dst ? joined(L, *dst, v) : v;
	if (loc && !append)
		*loc = loc_of(L, vg_yaml_map_first(item, key));
	return *dst ? VG_OK : nomem(L);
}

static vg_rc apply_override(loader *L, vg_rl_rule *r, const vg_yaml_node *item, const override_spec *ov)
{
	static const char *const text_keys[] = { "condition", "output", "desc" };
	for (size_t i = 0; i < 3; i++) {
		ov_mode m = override_of(ov, text_keys[i]);
		if (m == OV_NONE)
			continue;
		const char **dst = i == 0 ? &r->cond : i == 1 ? &r->output : &r->desc;
		vg_rl_loc *loc = i == 0 ? &r->cond_loc : i == 1 ? &r->output_loc : NULL;
		vg_rc rc = rule_text_key(L, item, text_keys[i], dst, loc, m == OV_APPEND);
		if (rc)
			return rc;
	}
	ov_mode m = override_of(ov, "tags");
	if (m == OV_REPLACE)
		r->ntags = 0;
	vg_rc rc = m != OV_NONE ? add_tags(L, r, vg_yaml_map_first(item, "tags")) : VG_OK;
	if (rc)
		return rc;
	m = override_of(ov, "exceptions");
	if (m == OV_REPLACE)
		r->nexcs = 0;
	if (m != OV_NONE && (rc = load_exceptions(L, r, vg_yaml_map_first(item, "exceptions"), m == OV_APPEND)))
		return rc;
	return load_rule_flags(L, r, item, ov);
}

static vg_rc load_rule_append(loader *L, vg_rl_rule *prev, const vg_yaml_node *item)
{
	if (!prev)
		return error_at(L, VG_LOAD_ERR_VALIDATE, item,
				"Rule uses 'append' but no rule by that name already exists");
	const vg_yaml_node *cond = vg_yaml_map_first(item, "condition"), *excs = vg_yaml_map_first(item, "exceptions");
	if (!cond && !excs)
		return error_at(L, VG_LOAD_ERR_VALIDATE, item,
				"Appended rule must have exceptions or condition property");
	vg_rc rc = cond ? rule_text_key(L, item, "condition", &prev->cond, NULL, true) : VG_OK;
	return rc ? rc : load_exceptions(L, prev, excs, true);
}

static vg_rc load_rule_toggle(loader *L, vg_rl_rule *prev, const vg_yaml_node *item)
{
	if (!vg_yaml_map_first(item, "enabled"))
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, item, "Item has no mapping for key 'condition'");
	warn_at(L, VG_LOAD_DEPRECATED_ITEM, item,
		"The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry in the 'override' key (i.e. 'override: {enabled: replace}').");
	if (!prev)
		return error_at(L, VG_LOAD_ERR_VALIDATE, item, "Rule has 'enabled' key but no rule by that name already exists");
	return get_bool(L, item, "enabled", &prev->enabled, NULL);
}

static vg_rc load_rule_definition(loader *L, vg_rl_rule *prev, const vg_yaml_node *item, const char *name)
{
	static const char *const required[] = { "condition", "output", "desc", "priority" };
	for (size_t i = 0; i < 4; i++) {
		const char *v;
		vg_rc rc = get_str(L, item, required[i], true, &v);
		if (rc)
			return rc;
	}
	const char *source;
	vg_rc rc = get_str(L, item, "source", false, &source);
	if (rc)
		return rc;
	if (prev && source && strcmp(prev->source, source) != 0)
		return error_at(L, VG_LOAD_ERR_VALIDATE, item, "Rule has been re-defined with a different source");
	if (!prev) {
		if (!GROW(L, L->c->rules, L->c->nrules, L->c->rules_cap))
			return nomem(L);
		prev = &L->c->rules[L->c->nrules++];
		memset(prev, 0, sizeof(*prev));
		prev->source = "syscall";
	}
	const char *keep_source = source ? source : prev->source;
	*prev = (vg_rl_rule){ .name = name, .source = keep_source, .enabled = true, .warn_evttypes = true,
			      .loc = loc_of(L, item) };
	if ((rc = rule_text_key(L, item, "condition", &prev->cond, &prev->cond_loc, false)) ||
	    (rc = rule_text_key(L, item, "output", &prev->output, &prev->output_loc, false)) ||
	    (rc = rule_text_key(L, item, "desc", &prev->desc, NULL, false)))
		return rc;
	const vg_yaml_node *tags = vg_yaml_map_first(item, "tags");
	if (tags && (rc = add_tags(L, prev, tags)))
		return rc;
	if ((rc = load_exceptions(L, prev, vg_yaml_map_first(item, "exceptions"), false)))
		return rc;
	return load_rule_flags(L, prev, item, NULL);
}

static vg_rc load_rule(loader *L, const vg_yaml_node *item)
{
	static const char *const keys[] = { "rule", "condition", "output", "desc", "priority", "source", "enabled",
					    "tags", "exceptions", "warn_evttypes", "skip-if-unknown-filter",
					    "capture", "capture_duration", "append", "override", NULL };
	static const char *const appendable[] = { "condition", "output", "desc", "tags", "exceptions", NULL };
	static const char *const replaceable[] = { "condition", "output", "desc", "tags", "exceptions", "priority",
						   "enabled", "capture", "capture_duration", "warn_evttypes",
						   "skip-if-unknown-filter", NULL };
	const char *name;
	bool append;
	override_spec ov;
	vg_rc rc = item_header(L, item, "rule", keys, appendable, replaceable, &name, &append, &ov);
	if (rc)
		return rc;
	vg_rl_rule *prev = find_rule(L->c, name);
	if (append)
		return load_rule_append(L, prev, item);
	if (ov.present) {
		if (!prev)
			return error_at(L, VG_LOAD_ERR_VALIDATE, item, "An override is defined but no rule by that name already exists");
		return apply_override(L, prev, item, &ov);
	}
	if (!vg_yaml_map_first(item, "condition") && !vg_yaml_map_first(item, "output") &&
	    !vg_yaml_map_first(item, "desc") && !vg_yaml_map_first(item, "priority"))
		return load_rule_toggle(L, prev, item);
	return load_rule_definition(L, prev, item, name);
}

/* ---- versions ---- */

bool vg_rules_load_semver_cmp(const char *a, const char *b, int *cmp)
{
	unsigned long va[3] = { 0 }, vb[3] = { 0 };
	const char *s[2] = { a, b };
	unsigned long *v[2] = { va, vb };
	for (int k = 0; k < 2; k++) {
		const char *p = s[k];
		for (int i = 0; i < 3; i++) {
			if (!isdigit((unsigned char)*p))
				return false;
			char *end;
			v[k][i] = strtoul(p, &end, 10);
			p = end;
			if (*p != '.')
				break;
			p++;
		}
		if (*p && *p != '-' && *p != '+')
			return false;
	}
	*cmp = 0;
	for (int i = 0; i < 3 && !*cmp; i++)
		*cmp = va[i] < vb[i] ? -1 : va[i] > vb[i];
	return true;
}

static vg_rc load_engine_version(loader *L, const vg_yaml_node *item)
{
	L->item_type = "required_engine_version";
	const vg_yaml_node *n = vg_yaml_map_first(item, "required_engine_version");
	const char *v = vg_yaml_str(n);
	if (!v || !*v)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, n, "Value of 'required_engine_version' must be a version");
	const char *req = v;
	bool digits = true;
	for (const char *p = v; *p; p++)
		digits = digits && isdigit((unsigned char)*p);
	if (digits && !(req = vg_arena_sprintf(L->c->arena, "0.%s.0", v)))
		return nomem(L);
	int cmp;
	if (!vg_rules_load_semver_cmp(req, L->c->engine_version, &cmp))
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, n, "Unable to parse engine version '%s' as a semver string", v);
	if (cmp > 0 || req[0] != L->c->engine_version[0] || strtoul(req, NULL, 10) != strtoul(L->c->engine_version, NULL, 10))
		return error_at(L, VG_LOAD_ERR_VALIDATE, n, "Rules require engine version %s, but engine version is %s", req,
				L->c->engine_version);
	int cur = 1;
	if (!L->c->required_engine || (vg_rules_load_semver_cmp(req, L->c->required_engine, &cur) && cur > 0))
		L->c->required_engine = req;
	return VG_OK;
}

static vg_rc add_plugin_alt(loader *L, vg_rl_plugin_req *r, const vg_yaml_node *m, uint32_t *cap)
{
	const char *name, *version;
	vg_rc rc;
	if (m->kind != VG_YAML_MAP)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, m, "Plugin requirements must be maps");
	if ((rc = get_str(L, m, "name", true, &name)) || (rc = get_str(L, m, "version", true, &version)))
		return rc;
	int cmp;
	if (!vg_rules_load_semver_cmp(version, version, &cmp))
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, m, "Unable to parse plugin version '%s' as a semver string",
				version);
	uint32_t cap2 = *cap;
	if (!GROW(L, r->names, r->n, *cap) || !GROW(L, r->versions, r->n, cap2))
		return nomem(L);
	r->names[r->n] = name;
	r->versions[r->n++] = version;
	return VG_OK;
}

static vg_rc load_plugin_versions(loader *L, const vg_yaml_node *item)
{
	L->item_type = "required_plugin_versions";
	const vg_yaml_node *seq = vg_yaml_map_first(item, "required_plugin_versions");
	if (vg_yaml_is_null(seq))
		return VG_OK;
	if (seq->kind != VG_YAML_SEQ)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, seq, "Value of 'required_plugin_versions' must be a sequence");
	for (uint32_t i = 0; i < seq->n; i++) {
		if (!GROW(L, L->c->reqs, L->c->nreqs, L->c->reqs_cap))
			return nomem(L);
		vg_rl_plugin_req *r = &L->c->reqs[L->c->nreqs++];
		memset(r, 0, sizeof(*r));
		r->loc = loc_of(L, seq->vals[i]);
		uint32_t cap = 0;
		vg_rc rc = add_plugin_alt(L, r, seq->vals[i], &cap);
		if (rc)
			return rc;
		const vg_yaml_node *alts = vg_yaml_map_first(seq->vals[i], "alternatives");
		if (!alts || vg_yaml_is_null(alts))
			continue;
		if (alts->kind != VG_YAML_SEQ)
			return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, alts, "Value of 'alternatives' must be a sequence");
		for (uint32_t k = 0; k < alts->n; k++)
			if ((rc = add_plugin_alt(L, r, alts->vals[k], &cap)))
				return rc;
	}
	return VG_OK;
}

/* ---- items ---- */

static vg_rc load_item(loader *L, const vg_yaml_node *item)
{
	L->item_type = NULL;
	L->item_name = NULL;
	if (vg_yaml_is_null(item))
		return VG_OK;
	if (item->kind != VG_YAML_MAP)
		return error_at(L, VG_LOAD_ERR_YAML_VALIDATE, item, "Unexpected element type. Each element should be a yaml associative array.");
	if (vg_yaml_map_first(item, "required_engine_version"))
		return load_engine_version(L, item);
	if (vg_yaml_map_first(item, "required_plugin_versions"))
		return load_plugin_versions(L, item);
	if (vg_yaml_map_first(item, "list")) {
		L->item_type = "list";
		return load_list(L, item);
	}
	if (vg_yaml_map_first(item, "macro")) {
		L->item_type = "macro";
		return load_macro(L, item);
	}
	if (vg_yaml_map_first(item, "rule")) {
		L->item_type = "rule";
		return load_rule(L, item);
	}
	warn_at(L, VG_LOAD_UNKNOWN_ITEM, item, "Unknown top level item");
	return VG_OK;
}

/* A YAML error keeps the loader's wording: libyaml's "problem context", else yamldoc's reason
 * with the position moved out of the text into the diagnostic. */
static vg_rc yaml_error(loader *L, const vg_err *err)
{
	vg_yaml_syntax_err syn = vg_yaml_last_syntax_err(L->c->yaml);
	if (syn.found) {
		vg_rules_result_add(L->res, true, VG_LOAD_ERR_YAML_PARSE, L->file, syn.line, syn.col,
				    syn.line ? 0 : (uint32_t)syn.offset, NULL, NULL, "%s%s%s", syn.problem,
				    syn.context ? " " : "", syn.context ? syn.context : "");
		return VG_ERR_PARSE;
	}
	unsigned line = 0, col = 0;
	const char *msg = err->msg;
	size_t flen = strlen(L->file);
	int used = 0;
	if (strncmp(msg, L->file, flen) == 0 && msg[flen] == ':' &&
	    sscanf(msg + flen + 1, "%u:%u: %n", &line, &col, &used) == 2 && used > 0)
		msg += flen + 1 + used;
	vg_rules_result_add(L->res, true, VG_LOAD_ERR_YAML_PARSE, L->file, line, col, 0, NULL, NULL, "%s", msg);
	return VG_ERR_PARSE;
}

vg_rc vg_rules_load_text(vg_rl_coll *c, const char *file, const char *text, size_t len, vg_rules_result *res)
{
	loader L = { .c = c, .res = res, .file = vg_arena_strdup(c->arena, file) };
	if (!L.file)
		return VG_ERR_NOMEM;
	uint32_t first;
	vg_err err;
	vg_err_clear(&err);
	if (vg_yaml_parse_str(c->yaml, L.file, text, len, &first, &err))
		return yaml_error(&L, &err);
	for (uint32_t d = first; d < vg_yaml_doc_count(c->yaml); d++) {
		const vg_yaml_node *doc = vg_yaml_doc_root(c->yaml, d);
		if (vg_yaml_is_null(doc))
			continue;
		if (doc->kind != VG_YAML_SEQ)
			return error_at(&L, VG_LOAD_ERR_YAML_VALIDATE, doc, "Rules content is not yaml array of objects");
		for (uint32_t i = 0; i < doc->n; i++) {
			vg_rc rc = load_item(&L, doc->vals[i]);
			if (rc)
				return rc;
		}
	}
	return VG_OK;
}
