#include "rules/rules_result.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

static const struct {
	const char *name;
	const char *desc;
} codes[VG_LOAD_CODE_COUNT_] = {
	[VG_LOAD_ERR_FILE_READ] = { "LOAD_ERR_FILE_READ", "File read error" },
	[VG_LOAD_ERR_YAML_PARSE] = { "LOAD_ERR_YAML_PARSE", "YAML parse error" },
	[VG_LOAD_ERR_YAML_VALIDATE] = { "LOAD_ERR_YAML_VALIDATE", "Error validating internal structure of YAML file" },
	[VG_LOAD_ERR_COMPILE_CONDITION] = { "LOAD_ERR_COMPILE_CONDITION", "Error compiling condition" },
	[VG_LOAD_ERR_COMPILE_OUTPUT] = { "LOAD_ERR_COMPILE_OUTPUT", "Error compiling output" },
	[VG_LOAD_ERR_VALIDATE] = { "LOAD_ERR_VALIDATE", "Error validating rule/macro/list/exception objects" },
	[VG_LOAD_UNKNOWN_SOURCE] = { "LOAD_UNKNOWN_SOURCE", "Unknown rule source" },
	[VG_LOAD_UNSAFE_NA_CHECK] = { "LOAD_UNSAFE_NA_CHECK", "Unsafe <NA> comparison in condition" },
	[VG_LOAD_NO_EVTTYPE] = { "LOAD_NO_EVTTYPE", "Condition has no event-type restriction" },
	[VG_LOAD_UNKNOWN_FILTER] = { "LOAD_UNKNOWN_FILTER", "Unknown field or event-type in condition or output" },
	[VG_LOAD_UNUSED_MACRO] = { "LOAD_UNUSED_MACRO", "Unused macro" },
	[VG_LOAD_UNUSED_LIST] = { "LOAD_UNUSED_LIST", "Unused list" },
	[VG_LOAD_UNKNOWN_ITEM] = { "LOAD_UNKNOWN_ITEM", "Unknown rules file item" },
	[VG_LOAD_DEPRECATED_ITEM] = { "LOAD_DEPRECATED_ITEM", "Used deprecated item" },
	[VG_LOAD_APPEND_NO_VALUES] = { "LOAD_APPEND_NO_VALUES", "Overriding/appending exception with no values" },
	[VG_LOAD_EXCEPTION_NAME_NOT_UNIQUE] = { "LOAD_EXCEPTION_NAME_NOT_UNIQUE", "Multiple exceptions defined with the same name" },
	[VG_LOAD_INVALID_MACRO_NAME] = { "LOAD_INVALID_MACRO_NAME", "Invalid macro name" },
	[VG_LOAD_INVALID_LIST_NAME] = { "LOAD_INVALID_LIST_NAME", "Invalid list name" },
	[VG_LOAD_COMPILE_CONDITION] = { "LOAD_COMPILE_CONDITION", "Condition has issues" },
	[VG_LOAD_UNKNOWN_KEY] = { "LOAD_UNKNOWN_KEY", "Unknown key" },
	[VG_LOAD_SHADOWED_RULE] = { "LOAD_SHADOWED_RULE", "Rule can never match under rule_matching: first" },
};

vg_rules_result *vg_rules_result_new(void)
{
	vg_rules_result *r = calloc(1, sizeof(*r));
	if (r && !(r->arena = vg_arena_new(0))) {
		free(r);
		return NULL;
	}
	return r;
}

void vg_rules_result_free(vg_rules_result *r)
{
	if (!r)
		return;
	free(r->diags);
	free(r->files);
	vg_arena_free(r->arena);
	free(r);
}

bool vg_rules_result_ok(const vg_rules_result *r)
{
	return !r->failed;
}

uint32_t vg_rules_result_count(const vg_rules_result *r, bool errors)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->n; i++)
		n += r->diags[i].error == errors;
	return n;
}

const char *vg_rules_result_code_name(vg_rules_code code)
{
	return (unsigned)code < VG_LOAD_CODE_COUNT_ ? codes[code].name : "LOAD_UNKNOWN";
}

const char *vg_rules_result_code_desc(vg_rules_code code)
{
	return (unsigned)code < VG_LOAD_CODE_COUNT_ ? codes[code].desc : "Unknown";
}

static const char *dup_or_null(vg_arena *a, const char *s)
{
	return s ? vg_arena_strdup(a, s) : NULL;
}

void vg_rules_result_add_file(vg_rules_result *r, const char *file)
{
	if (r->nfiles == r->files_cap) {
		uint32_t cap = r->files_cap ? r->files_cap * 2 : 8;
		const char **f = realloc(r->files, sizeof(*f) * cap);
		if (!f)
			return;
		r->files = f;
		r->files_cap = cap;
	}
	const char *copy = vg_arena_strdup(r->arena, file);
	if (copy)
		r->files[r->nfiles++] = copy;
}

const vg_rules_diag *vg_rules_result_add(vg_rules_result *r, bool error, vg_rules_code code, const char *file,
					 uint32_t line, uint32_t col, uint32_t offset, const char *item_type,
					 const char *item_name, const char *fmt, ...)
{
	if (error)
		r->failed = true;
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 16;
		vg_rules_diag *d = realloc(r->diags, sizeof(*d) * cap);
		if (!d)
			return NULL;
		r->diags = d;
		r->cap = cap;
	}
	vg_buf msg;
	vg_buf_init(&msg);
	va_list ap;
	va_start(ap, fmt);
	vg_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	vg_rules_diag *d = &r->diags[r->n];
	*d = (vg_rules_diag){
		.error = error, .code = code, .file = dup_or_null(r->arena, file), .line = line, .col = col, .offset = offset,
		.item_type = dup_or_null(r->arena, item_type), .item_name = dup_or_null(r->arena, item_name),
		.message = vg_arena_strdup(r->arena, msg.data),
	};
	vg_buf_free(&msg);
	if (!d->message)
		return NULL;
	r->n++;
	return d;
}

void vg_rules_result_format_diag(const vg_rules_diag *d, vg_buf *out)
{
	if (d->file) {
		vg_buf_puts(out, d->file);
		if (d->line)
			vg_buf_printf(out, ":%u:%u", d->line, d->col);
		vg_buf_puts(out, ": ");
	}
	if (d->item_type && d->item_name)
		vg_buf_printf(out, "%s '%s': ", d->item_type, d->item_name);
	vg_buf_puts(out, d->message);
}

void vg_rules_result_text(const vg_rules_result *r, vg_buf *out)
{
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < r->n; i++) {
			const vg_rules_diag *d = &r->diags[i];
			if (d->error != (pass == 0))
				continue;
			vg_buf_puts(out, d->error ? "error: " : "warning: ");
			vg_rules_result_format_diag(d, out);
			vg_buf_printf(out, " [%s]\n", vg_rules_result_code_name(d->code));
		}
	}
	uint32_t e = vg_rules_result_count(r, true), w = vg_rules_result_count(r, false);
	vg_buf_printf(out, "%s: %u error%s, %u warning%s\n", r->failed ? "Invalid" : "Ok", e, e == 1 ? "" : "s", w,
		      w == 1 ? "" : "s");
}

static void json_key_str(vg_buf *out, const char *key, const char *val)
{
	vg_json_put_cstr(out, key);
	vg_buf_putc(out, ':');
	if (val)
		vg_json_put_cstr(out, val);
	else
		vg_buf_puts(out, "null");
}

static void json_diag(const vg_rules_diag *d, vg_buf *out)
{
	vg_buf_putc(out, '{');
	json_key_str(out, "code", vg_rules_result_code_name(d->code));
	vg_buf_putc(out, ',');
	json_key_str(out, "codedesc", vg_rules_result_code_desc(d->code));
	vg_buf_putc(out, ',');
	json_key_str(out, "message", d->message);
	vg_buf_puts(out, ",\"context\":{\"locations\":[{");
	json_key_str(out, "item_type", d->item_type ? d->item_type : "");
	vg_buf_putc(out, ',');
	json_key_str(out, "item_name", d->item_name ? d->item_name : "");
	vg_buf_puts(out, ",\"position\":{");
	json_key_str(out, "name", d->file ? d->file : "");
	vg_buf_printf(out, ",\"line\":%u,\"column\":%u,\"offset\":%u}}],\"snippet\":\"\"}}", d->line, d->col,
		      d->offset);
}

static bool diag_in_file(const vg_rules_diag *d, const char *file, bool first_file)
{
	if (!d->file)
		return first_file;
	return strcmp(d->file, file) == 0;
}

static void json_file(const vg_rules_result *r, const char *file, bool first_file, vg_buf *out)
{
	bool ok = true;
	for (uint32_t i = 0; i < r->n; i++)
		if (r->diags[i].error && diag_in_file(&r->diags[i], file, first_file))
			ok = false;
	vg_buf_putc(out, '{');
	json_key_str(out, "name", file);
	vg_buf_printf(out, ",\"successful\":%s", ok ? "true" : "false");
	for (int pass = 0; pass < 2; pass++) {
		vg_buf_puts(out, pass == 0 ? ",\"errors\":[" : ",\"warnings\":[");
		bool first = true;
		for (uint32_t i = 0; i < r->n; i++) {
			const vg_rules_diag *d = &r->diags[i];
			if (d->error != (pass == 0) || !diag_in_file(d, file, first_file))
				continue;
			if (!first)
				vg_buf_putc(out, ',');
			first = false;
			json_diag(d, out);
		}
		vg_buf_putc(out, ']');
	}
	vg_buf_putc(out, '}');
}

void vg_rules_result_json(const vg_rules_result *r, vg_buf *out)
{
	vg_buf_puts(out, "{\"falco_load_results\":[");
	for (uint32_t i = 0; i < r->nfiles; i++) {
		if (i)
			vg_buf_putc(out, ',');
		json_file(r, r->files[i], i == 0, out);
	}
	vg_buf_puts(out, "]}");
}
