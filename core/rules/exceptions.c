#include "rules/exceptions.h"

#include <string.h>

static const char *const valid_ops[] = {
	"=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith",
	"bstartswith", "endswith", "glob", "iglob", "regex", "in", "intersects", "pmatch",
};

static bool op_known(const char *op, size_t n)
{
	for (size_t i = 0; i < sizeof(valid_ops) / sizeof(valid_ops[0]); i++)
		if (strlen(valid_ops[i]) == n && memcmp(valid_ops[i], op, n) == 0)
			return true;
	return false;
}

/* "op" or "op modifier". */
static bool comp_valid(const char *comp, bool *list_op)
{
	const char *sp = strchr(comp, ' ');
	size_t n = sp ? (size_t)(sp - comp) : strlen(comp);
	if (!op_known(comp, n))
		return false;
	if (sp) {
		const char *mod = sp + 1;
		if (strcmp(mod, "oneof") && strcmp(mod, "anyof") && strcmp(mod, "allof"))
			return false;
	}
	*list_op = sp || (n == 2 && memcmp(comp, "in", 2) == 0) || (n == 10 && memcmp(comp, "intersects", 10) == 0) ||
		   (n == 6 && memcmp(comp, "pmatch", 6) == 0);
	return true;
}

static const char *comp_at(const vg_exception *e, uint32_t i, bool list_form)
{
	if (!e->comps)
		return list_form ? "=" : "in";
	if (e->comps->kind == VG_YAML_SCALAR)
		return e->comps->str;
	return i < e->comps->n ? vg_yaml_str(e->comps->vals[i]) : NULL;
}

vg_rc vg_exceptions_validate(const vg_exception *e, vg_err *err)
{
	if (!e->fields || vg_yaml_is_null(e->fields))
		return vg_err_set(err, VG_ERR_INVALID, "exception '%s': missing 'fields'", e->name);
	bool list_form = e->fields->kind == VG_YAML_SEQ;
	if (!list_form && e->fields->kind != VG_YAML_SCALAR)
		return vg_err_set(err, VG_ERR_INVALID, "exception '%s': 'fields' must be a field or a list", e->name);
	if (e->comps && e->comps->kind == VG_YAML_MAP)
		return vg_err_set(err, VG_ERR_INVALID, "exception '%s': 'comps' must be an operator or a list", e->name);
	if (list_form) {
		if (e->comps && e->comps->kind == VG_YAML_SEQ && e->comps->n != e->fields->n)
			return vg_err_set(err, VG_ERR_INVALID, "exception '%s': fields and comps lists must have the same length",
					  e->name);
		if (e->comps && e->comps->kind == VG_YAML_SCALAR)
			return vg_err_set(err, VG_ERR_INVALID, "exception '%s': comps must be a list when fields is a list",
					  e->name);
		for (uint32_t i = 0; i < e->fields->n; i++)
			if (!vg_yaml_str(e->fields->vals[i]))
				return vg_err_set(err, VG_ERR_INVALID, "exception '%s': field %u is not a string", e->name, i + 1);
	}
	uint32_t n = list_form ? e->fields->n : 1;
	for (uint32_t i = 0; i < n; i++) {
		const char *comp = comp_at(e, i, list_form);
		bool list_op;
		if (!comp || !comp_valid(comp, &list_op))
			return vg_err_set(err, VG_ERR_INVALID, "exception '%s': invalid comparison operator '%s'", e->name,
					  comp ? comp : "");
		if (!list_form && !list_op)
			return vg_err_set(err, VG_ERR_INVALID,
					  "exception '%s': with a single field the operator must be in, pmatch, intersects or take a modifier, not '%s'",
					  e->name, comp);
	}
	return VG_OK;
}

/* A value is quoted when it holds a space and is not quoted already. */
static void put_value(vg_buf *out, const char *v)
{
	bool quote = v[0] != '"' && v[0] != '\'' && strchr(v, ' ') != NULL;
	if (quote)
		vg_buf_putc(out, '"');
	vg_buf_puts(out, v);
	if (quote)
		vg_buf_putc(out, '"');
}

static vg_rc put_element(const vg_exception *e, const vg_yaml_node *v, bool list_op, vg_buf *out, vg_err *err)
{
	if (v->kind == VG_YAML_SCALAR) {
		if (list_op)
			vg_buf_putc(out, '(');
		put_value(out, v->str);
		if (list_op)
			vg_buf_putc(out, ')');
		return VG_OK;
	}
	if (v->kind != VG_YAML_SEQ)
		return vg_err_set(err, VG_ERR_INVALID, "exception '%s': values must be strings or lists (line %u)", e->name,
				  v->line);
	vg_buf_putc(out, '(');
	for (uint32_t i = 0; i < v->n; i++) {
		const char *s = vg_yaml_str(v->vals[i]);
		if (!s)
			return vg_err_set(err, VG_ERR_INVALID, "exception '%s': nested value lists must hold strings (line %u)",
					  e->name, v->vals[i]->line);
		if (i)
			vg_buf_puts(out, ", ");
		put_value(out, s);
	}
	vg_buf_putc(out, ')');
	return VG_OK;
}

static vg_rc render_tuple(const vg_exception *e, const vg_yaml_node *tuple, vg_buf *out, vg_err *err)
{
	if (tuple->kind != VG_YAML_SEQ || tuple->n != e->fields->n)
		return vg_err_set(err, VG_ERR_INVALID,
				  "exception '%s': each value must be a list of %u elements, like fields (line %u)", e->name,
				  e->fields->n, tuple->line);
	vg_buf_putc(out, '(');
	for (uint32_t i = 0; i < tuple->n; i++) {
		const char *comp = comp_at(e, i, true);
		bool list_op = false;
		comp_valid(comp, &list_op);
		if (i)
			vg_buf_puts(out, " and ");
		vg_buf_printf(out, "%s %s ", e->fields->vals[i]->str, comp);
		vg_rc rc = put_element(e, tuple->vals[i], list_op, out, err);
		if (rc)
			return rc;
	}
	vg_buf_putc(out, ')');
	return VG_OK;
}

static vg_rc render_scalar_field(const vg_exception *e, vg_buf *out, vg_err *err)
{
	vg_buf_printf(out, "%s %s (", e->fields->str, comp_at(e, 0, false));
	bool first = true;
	for (uint32_t k = 0; k < e->nvalues; k++) {
		const vg_yaml_node *vals = e->values[k];
		for (uint32_t i = 0; i < vals->n; i++) {
			const char *s = vg_yaml_str(vals->vals[i]);
			if (!s)
				return vg_err_set(err, VG_ERR_INVALID, "exception '%s': values must be strings (line %u)", e->name,
						  vals->vals[i]->line);
			if (!first)
				vg_buf_puts(out, ", ");
			first = false;
			put_value(out, s);
		}
	}
	vg_buf_putc(out, ')');
	return VG_OK;
}

static uint32_t value_count(const vg_exception *e)
{
	uint32_t n = 0;
	for (uint32_t k = 0; k < e->nvalues; k++)
		n += e->values[k]->n;
	return n;
}

vg_rc vg_exceptions_render(const vg_exception *e, vg_buf *out, vg_err *err)
{
	for (uint32_t k = 0; k < e->nvalues; k++)
		if (e->values[k]->kind != VG_YAML_SEQ)
			return vg_err_set(err, VG_ERR_INVALID, "exception '%s': 'values' must be a list", e->name);
	if (!value_count(e))
		return VG_OK;
	vg_buf_puts(out, " and not (");
	if (e->fields->kind == VG_YAML_SCALAR) {
		vg_rc rc = render_scalar_field(e, out, err);
		if (rc)
			return rc;
		vg_buf_putc(out, ')');
		return VG_OK;
	}
	bool first = true;
	for (uint32_t k = 0; k < e->nvalues; k++) {
		for (uint32_t i = 0; i < e->values[k]->n; i++) {
			if (!first)
				vg_buf_puts(out, " or ");
			first = false;
			vg_rc rc = render_tuple(e, e->values[k]->vals[i], out, err);
			if (rc)
				return rc;
		}
	}
	vg_buf_putc(out, ')');
	return VG_OK;
}
