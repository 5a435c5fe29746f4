#include "plugin/plugin_fields.h"

#include <stdbool.h>
#include <string.h>

#include "util/buf.h"
#include "util/json.h"

enum { VG_PLUGIN_JSON_DEPTH = 16 };

/* Unescaped copy of string token t in a, or NULL when t is not a string. */
static char *vg_plugin_fields_str(const vg_json *j, int t, vg_arena *a, vg_buf *tmp)
{
	vg_buf_reset(tmp);
	if (t < 0 || !vg_json_str(j, t, tmp) || tmp->oom)
		return NULL;
	return vg_arena_strdup(a, tmp->data);
}

/* Optional boolean member: absent = false; anything but true/false is an error. */
static vg_rc vg_plugin_fields_flag(const vg_json *j, int obj, const char *key, bool *val, vg_err *err)
{
	int t = vg_json_get(j, obj, key);
	*val = false;
	if (t >= 0 && !vg_json_is_bool(j, t, val))
		return vg_err_set(err, VG_ERR_INVALID, "'%s' must be a boolean", key);
	return VG_OK;
}

static vg_rc vg_plugin_fields_arg(const vg_json *j, int obj, vg_field_info *f, vg_err *err)
{
	int t = vg_json_get(j, obj, "arg");
	bool idx, key, req;
	if (t < 0)
		return VG_OK;
	if (!vg_json_is_obj(j, t))
		return vg_err_set(err, VG_ERR_INVALID, "'arg' must be an object");
	if (vg_plugin_fields_flag(j, t, "isIndex", &idx, err) || vg_plugin_fields_flag(j, t, "isKey", &key, err) ||
	    vg_plugin_fields_flag(j, t, "isRequired", &req, err))
		return vg_err_prefix(err, "arg");
	if (req && !idx && !key)
		return vg_err_set(err, VG_ERR_INVALID, "arg: 'isRequired' needs 'isIndex' or 'isKey'");
	f->arg |= (idx ? VG_ARG_INDEX : 0) | (key ? VG_ARG_KEY : 0) | (req ? VG_ARG_REQUIRED : 0);
	return VG_OK;
}

static vg_rc vg_plugin_fields_properties(const vg_json *j, int obj, vg_field_info *f, vg_err *err)
{
	static const struct {
		const char *name;
		uint32_t flag, arg;
	} known[] = {
		{"hidden", VG_FIELD_HIDDEN, 0},
		{"vigil:dotted_key", 0, VG_ARG_DOTTED},
		{"vigil:no_transform", VG_FIELD_NO_TRANSFORM, 0},
		{"vigil:filter_only", VG_FIELD_FILTER_ONLY, 0},
		{"vigil:multi_value", VG_FIELD_MULTI, 0},
	};
	int t = vg_json_get(j, obj, "properties");
	if (t < 0)
		return VG_OK;
	if (!vg_json_is_arr(j, t))
		return vg_err_set(err, VG_ERR_INVALID, "'properties' must be an array of strings");
	int e = t + 1;
	for (int i = 0; i < j->tok[t].size; i++, e = vg_json_skip(j, e)) {
		if (!vg_json_is_str(j, e))
			return vg_err_set(err, VG_ERR_INVALID, "'properties' must be an array of strings");
		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
			if (vg_json_str_eq(j, e, known[k].name)) {
				f->flags |= known[k].flag;
				f->arg |= known[k].arg;
			}
		}
	}
	return VG_OK;
}

/* name and desc must be non-empty strings; display is optional. */
static vg_rc vg_plugin_fields_texts(const vg_json *j, int obj, vg_field_info *f, vg_arena *a, vg_buf *tmp,
				    vg_err *err)
{
	char *name = vg_plugin_fields_str(j, vg_json_get(j, obj, "name"), a, tmp);
	if (!name || !*name)
		return vg_err_set(err, VG_ERR_INVALID, "missing or empty 'name'");
	f->name = name;
	if (strcspn(name, " \t\r\n[]") != strlen(name))
		return vg_err_set(err, VG_ERR_INVALID, "'%s': name contains blanks or brackets", name);
	char *desc = vg_plugin_fields_str(j, vg_json_get(j, obj, "desc"), a, tmp);
	if (!desc || !*desc)
		return vg_err_set(err, VG_ERR_INVALID, "'%s': missing or empty 'desc'", name);
	f->desc = desc;
	int d = vg_json_get(j, obj, "display");
	if (d >= 0 && !(f->display = vg_plugin_fields_str(j, d, a, tmp)))
		return vg_err_set(err, VG_ERR_INVALID, "'%s': 'display' must be a string", name);
	return VG_OK;
}

static vg_rc vg_plugin_fields_type(const vg_json *j, int obj, vg_field_info *f, vg_buf *tmp, vg_err *err)
{
	int t = vg_json_get(j, obj, "type");
	vg_buf_reset(tmp);
	if (t < 0 || !vg_json_str(j, t, tmp))
		return vg_err_set(err, VG_ERR_INVALID, "missing 'type'");
	if (!vg_ftype_parse(tmp->data, &f->type))
		return vg_err_set(err, VG_ERR_INVALID, "unknown type '%s'", tmp->data);
	return VG_OK;
}

static vg_rc vg_plugin_fields_one(const vg_json *j, int obj, vg_field_info *f, vg_arena *a, vg_buf *tmp, vg_err *err)
{
	bool list, add_output;
	if (!vg_json_is_obj(j, obj))
		return vg_err_set(err, VG_ERR_INVALID, "not an object");
	vg_rc rc = vg_plugin_fields_texts(j, obj, f, a, tmp, err);
	if (!rc)
		rc = vg_plugin_fields_type(j, obj, f, tmp, err);
	if (!rc)
		rc = vg_plugin_fields_flag(j, obj, "isList", &list, err);
	if (!rc)
		rc = vg_plugin_fields_flag(j, obj, "addOutput", &add_output, err);
	if (!rc)
		rc = vg_plugin_fields_arg(j, obj, f, err);
	if (!rc)
		rc = vg_plugin_fields_properties(j, obj, f, err);
	if (rc)
		return rc;
	f->flags |= (list ? VG_FIELD_LIST : 0) | (add_output ? VG_FIELD_ADD_OUTPUT : 0);
	return VG_OK;
}

static bool vg_plugin_fields_dup(const vg_field_info *v, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return true;
	return false;
}

static vg_rc vg_plugin_fields_array(const vg_json *j, vg_arena *a, vg_field_info **out, uint32_t *n, vg_err *err)
{
	if (!vg_json_is_arr(j, 0))
		return vg_err_set(err, VG_ERR_INVALID, "not a JSON array");
	uint32_t count = (uint32_t)j->tok[0].size;
	if (count == 0)
		return vg_err_set(err, VG_ERR_INVALID, "no fields declared");
	vg_field_info *v = vg_arena_zalloc(a, count * sizeof(*v));
	vg_buf tmp;
	vg_rc rc = VG_OK;
	if (!v)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	vg_buf_init(&tmp);
	int t = 1;
	for (uint32_t i = 0; i < count && !rc; i++, t = vg_json_skip(j, t)) {
		v[i].id = i;
		rc = vg_plugin_fields_one(j, t, &v[i], a, &tmp, err);
		if (!rc && vg_plugin_fields_dup(v, i, v[i].name))
			rc = vg_err_set(err, VG_ERR_EXISTS, "'%s' declared twice", v[i].name);
		if (rc)
			vg_err_prefix(err, "field #%u", i);
	}
	vg_buf_free(&tmp);
	*out = v;
	*n = count;
	return rc;
}

vg_rc vg_plugin_fields_parse(const char *json, vg_arena *a, vg_field_info **out, uint32_t *n, vg_err *err)
{
	vg_json j;
	*out = NULL;
	*n = 0;
	if (!json || !*json)
		return vg_err_set(err, VG_ERR_INVALID, "get_fields returned no JSON");
	if (vg_json_parse(&j, json, strlen(json), VG_PLUGIN_JSON_DEPTH, err))
		return vg_err_prefix(err, "get_fields: bad JSON");
	vg_rc rc = vg_plugin_fields_array(&j, a, out, n, err);
	vg_json_free(&j);
	if (rc) {
		*out = NULL;
		*n = 0;
		return vg_err_prefix(err, "get_fields");
	}
	return VG_OK;
}

vg_rc vg_plugin_fields_strlist(const char *json, vg_arena *a, char ***out, uint32_t *n, vg_err *err)
{
	vg_json j;
	vg_buf tmp;
	vg_rc rc = VG_OK;
	*out = NULL;
	*n = 0;
	if (!json || !*json)
		return VG_OK;
	if (vg_json_parse(&j, json, strlen(json), VG_PLUGIN_JSON_DEPTH, err))
		return vg_err_prefix(err, "bad JSON");
	if (!vg_json_is_arr(&j, 0)) {
		vg_json_free(&j);
		return vg_err_set(err, VG_ERR_INVALID, "not a JSON array of strings");
	}
	uint32_t count = (uint32_t)j.tok[0].size;
	char **v = vg_arena_zalloc(a, (count + 1) * sizeof(*v));
	vg_buf_init(&tmp);
	int t = 1;
	for (uint32_t i = 0; i < count && !rc; i++, t = vg_json_skip(&j, t)) {
		if (!v)
			rc = vg_err_set(err, VG_ERR_NOMEM, "out of memory");
		else if (!(v[i] = vg_plugin_fields_str(&j, t, a, &tmp)) || !*v[i])
			rc = vg_err_set(err, VG_ERR_INVALID, "element #%u is not a non-empty string", i);
	}
	vg_buf_free(&tmp);
	vg_json_free(&j);
	if (rc)
		return rc;
	*out = v;
	*n = count;
	return VG_OK;
}
