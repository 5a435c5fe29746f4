#include "plugin/plugin_schema.h"

#include <stdbool.h>
#include <string.h>

#include "util/buf.h"
#include "util/json.h"

/* Nesting bound for both documents; the walk recurses once per schema level, so this also
 * bounds the recursion. */
enum { VG_PLUGIN_SCHEMA_DEPTH = 64 };

typedef struct vg_plugin_schema_ctx {
	const vg_json *s; /* schema */
	const vg_json *c; /* config */
	vg_buf path;      /* "a.b[2]" of the config value being checked */
	vg_err *err;
} vg_plugin_schema_ctx;

/* JSON Schema type name of config token t ("integer" for whole numbers). */
static const char *vg_plugin_schema_kind(const vg_json *c, int t)
{
	bool b;
	size_t n;
	const char *raw;
	switch (c->tok[t].type) {
	case JSMN_OBJECT: return "object";
	case JSMN_ARRAY: return "array";
	case JSMN_STRING: return "string";
	default: break;
	}
	if (vg_json_is_bool(c, t, &b))
		return "boolean";
	if (vg_json_is_null(c, t))
		return "null";
	raw = vg_json_raw(c, t, &n);
	return memchr(raw, '.', n) || memchr(raw, 'e', n) || memchr(raw, 'E', n) ? "number" : "integer";
}

static const char *vg_plugin_schema_where(vg_plugin_schema_ctx *x)
{
	return x->path.len ? x->path.data : "(root)";
}

static bool vg_plugin_schema_type_is(const vg_json *s, int t, const char *kind)
{
	if (vg_json_str_eq(s, t, kind))
		return true;
	return strcmp(kind, "integer") == 0 && vg_json_str_eq(s, t, "number");
}

static vg_rc vg_plugin_schema_type(vg_plugin_schema_ctx *x, int st, int ct)
{
	const char *kind = vg_plugin_schema_kind(x->c, ct);
	int t = vg_json_get(x->s, st, "type");
	if (t < 0)
		return VG_OK;
	if (vg_json_is_str(x->s, t)) {
		if (vg_plugin_schema_type_is(x->s, t, kind))
			return VG_OK;
	} else if (vg_json_is_arr(x->s, t)) {
		int e = t + 1;
		for (int i = 0; i < x->s->tok[t].size; i++, e = vg_json_skip(x->s, e))
			if (vg_plugin_schema_type_is(x->s, e, kind))
				return VG_OK;
	} else {
		return VG_OK; /* malformed "type": not the user's fault, do not block the config */
	}
	size_t n;
	const char *want = vg_json_raw(x->s, t, &n);
	return vg_err_set(x->err, VG_ERR_INVALID, "'%s': expected %.*s, got %s", vg_plugin_schema_where(x), (int)n,
			  want, kind);
}

static vg_rc vg_plugin_schema_enum(vg_plugin_schema_ctx *x, int st, int ct)
{
	int t = vg_json_get(x->s, st, "enum");
	size_t cn, en;
	if (t < 0 || !vg_json_is_arr(x->s, t))
		return VG_OK;
	const char *craw = vg_json_raw(x->c, ct, &cn);
	int e = t + 1;
	for (int i = 0; i < x->s->tok[t].size; i++, e = vg_json_skip(x->s, e)) {
		const char *eraw = vg_json_raw(x->s, e, &en);
		if (x->s->tok[e].type == x->c->tok[ct].type && en == cn && memcmp(eraw, craw, cn) == 0)
			return VG_OK;
	}
	return vg_err_set(x->err, VG_ERR_INVALID, "'%s': value '%.*s' is not one of the allowed values",
			  vg_plugin_schema_where(x), (int)cn, craw);
}

static vg_rc vg_plugin_schema_node(vg_plugin_schema_ctx *x, int st, int ct);

/* Runs node() on a child whose path segment the caller appended after byte `saved`; restores
 * the path after. */
static vg_rc vg_plugin_schema_child(vg_plugin_schema_ctx *x, int st, int ct, size_t saved)
{
	vg_rc rc = vg_plugin_schema_node(x, st, ct);
	x->path.len = saved;
	if (x->path.cap)
		x->path.data[saved] = '\0';
	return rc;
}

static vg_rc vg_plugin_schema_required(vg_plugin_schema_ctx *x, int st, int ct, vg_buf *key)
{
	int req = vg_json_get(x->s, st, "required");
	if (req < 0 || !vg_json_is_arr(x->s, req))
		return VG_OK;
	int e = req + 1;
	for (int i = 0; i < x->s->tok[req].size; i++, e = vg_json_skip(x->s, e)) {
		vg_buf_reset(key);
		if (!vg_json_str(x->s, e, key))
			continue;
		if (vg_json_get(x->c, ct, key->data) < 0)
			return vg_err_set(x->err, VG_ERR_INVALID, "'%s': missing required property '%s'",
					  vg_plugin_schema_where(x), key->data);
	}
	return VG_OK;
}

/* Each member of config object ct against its "properties" schema, or additionalProperties. */
static vg_rc vg_plugin_schema_members(vg_plugin_schema_ctx *x, int st, int ct, vg_buf *key)
{
	int props = vg_json_get(x->s, st, "properties");
	int extra = vg_json_get(x->s, st, "additionalProperties");
	bool allow_extra = true;
	if (extra >= 0 && !vg_json_is_bool(x->s, extra, &allow_extra))
		allow_extra = true; /* a schema object: extra members are checked by nobody */
	int k = ct + 1;
	for (int i = 0; i < x->c->tok[ct].size; i++, k = vg_json_skip(x->c, k + 1)) {
		vg_buf_reset(key);
		if (!vg_json_str(x->c, k, key))
			return vg_err_set(x->err, VG_ERR_INVALID, "'%s': bad property name", vg_plugin_schema_where(x));
		int sub = props >= 0 ? vg_json_get(x->s, props, key->data) : -1;
		vg_rc rc = VG_OK;
		if (sub >= 0 && vg_json_is_obj(x->s, sub)) {
			size_t saved = x->path.len;
			vg_buf_printf(&x->path, "%s%s", saved ? "." : "", key->data);
			rc = vg_plugin_schema_child(x, sub, k + 1, saved);
		}
		else if (sub < 0 && !allow_extra)
			rc = vg_err_set(x->err, VG_ERR_INVALID, "'%s': unknown property '%s'", vg_plugin_schema_where(x),
					key->data);
		if (rc)
			return rc;
	}
	return VG_OK;
}

static vg_rc vg_plugin_schema_object(vg_plugin_schema_ctx *x, int st, int ct)
{
	vg_buf key;
	vg_buf_init(&key);
	vg_rc rc = vg_plugin_schema_required(x, st, ct, &key);
	if (!rc)
		rc = vg_plugin_schema_members(x, st, ct, &key);
	vg_buf_free(&key);
	return rc;
}

static vg_rc vg_plugin_schema_array(vg_plugin_schema_ctx *x, int st, int ct)
{
	int items = vg_json_get(x->s, st, "items");
	if (items < 0 || !vg_json_is_obj(x->s, items))
		return VG_OK;
	int e = ct + 1;
	for (int i = 0; i < x->c->tok[ct].size; i++, e = vg_json_skip(x->c, e)) {
		size_t saved = x->path.len;
		vg_buf_printf(&x->path, "[%d]", i);
		vg_rc rc = vg_plugin_schema_child(x, items, e, saved);
		if (rc)
			return rc;
	}
	return VG_OK;
}

static vg_rc vg_plugin_schema_node(vg_plugin_schema_ctx *x, int st, int ct)
{
	vg_rc rc = vg_plugin_schema_type(x, st, ct);
	if (!rc)
		rc = vg_plugin_schema_enum(x, st, ct);
	if (rc)
		return rc;
	if (vg_json_is_obj(x->c, ct))
		return vg_plugin_schema_object(x, st, ct);
	if (vg_json_is_arr(x->c, ct))
		return vg_plugin_schema_array(x, st, ct);
	return VG_OK;
}

vg_rc vg_plugin_schema_validate(const char *schema, const char *config, vg_err *err)
{
	vg_json s, c;
	if (vg_json_parse(&s, schema, strlen(schema), VG_PLUGIN_SCHEMA_DEPTH, err))
		return vg_err_prefix(err, "init schema is not valid JSON");
	if (vg_json_parse(&c, config, strlen(config), VG_PLUGIN_SCHEMA_DEPTH, err)) {
		vg_json_free(&s);
		return vg_err_prefix(err, "init config is not valid JSON");
	}
	vg_plugin_schema_ctx x = {.s = &s, .c = &c, .err = err};
	vg_buf_init(&x.path);
	vg_rc rc = vg_json_is_obj(&s, 0) ? vg_plugin_schema_node(&x, 0, 0) : VG_OK;
	vg_buf_free(&x.path);
	vg_json_free(&s);
	vg_json_free(&c);
	return rc ? vg_err_prefix(err, "init config does not match the plugin's schema") : VG_OK;
}
