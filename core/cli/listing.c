#include "cli/listing.h"

#include <string.h>

#include <vigil/scap_events.h>

#include "util/buf.h"
#include "util/json.h"

static const char *arg_text(const vg_field_info *f)
{
	if (!(f->arg & (VG_ARG_INDEX | VG_ARG_KEY)))
		return "";
	if (f->arg & VG_ARG_REQUIRED)
		return (f->arg & VG_ARG_INDEX) && !(f->arg & VG_ARG_KEY) ? "[N]" : "[ARG]";
	return "[ARG] (optional)";
}

static void print_text(FILE *out, const vg_field_info *f)
{
	const char *arg = arg_text(f);
	fprintf(out, "%s%s%s (%s%s)\n    %s\n", f->name, *arg ? " " : "", arg, f->flags & VG_FIELD_LIST ? "list of " : "",
		vg_ftype_name(f->type), f->desc);
}

static void print_markdown(FILE *out, const vg_field_info *f)
{
	fprintf(out, "| `%s` | %s%s | %s | %s |\n", f->name, f->flags & VG_FIELD_LIST ? "list of " : "", vg_ftype_name(f->type),
		arg_text(f), f->desc);
}

static void print_json(FILE *out, vg_buf *b, const vg_field_info *f, bool first)
{
	vg_buf_reset(b);
	vg_buf_puts(b, first ? "\n    {\"name\":" : ",\n    {\"name\":");
	vg_json_put_cstr(b, f->name);
	vg_buf_printf(b, ",\"type\":\"%s\",\"is_list\":%s,\"arg\":\"%s\",\"extractor\":", vg_ftype_name(f->type),
		      f->flags & VG_FIELD_LIST ? "true" : "false",
		      f->arg & VG_ARG_INDEX ? (f->arg & VG_ARG_KEY ? "index_or_key" : "index")
					    : (f->arg & VG_ARG_KEY ? "key" : "none"));
	vg_json_put_cstr(b, f->ext && f->ext->name ? f->ext->name : "");
	vg_buf_puts(b, ",\"desc\":");
	vg_json_put_cstr(b, f->desc);
	vg_buf_putc(b, '}');
	fputs(b->data, out);
}

void vg_listing_json_begin(FILE *out)
{
	fputs("[", out);
}

void vg_listing_json_end(FILE *out)
{
	fputs("\n]\n", out);
}

void vg_listing_fields(FILE *out, const vg_fields *reg, vg_list_format fmt, bool names_only, bool first)
{
	vg_buf b;
	vg_buf_init(&b);
	const char *source = vg_fields_source(reg);
	if (fmt == VG_LIST_JSON) {
		vg_buf_puts(&b, first ? "\n  {\"source\":" : ",\n  {\"source\":");
		vg_json_put_cstr(&b, source);
		vg_buf_puts(&b, ",\"fields\":[");
		fputs(b.data, out);
	} else if (!names_only) {
		if (fmt == VG_LIST_MARKDOWN)
			fprintf(out, "%s## Source `%s`\n\n| field | type | argument | description |\n|---|---|---|---|\n",
				first ? "" : "\n", source);
		else
			fprintf(out, "%sSource: %s\n%s\n", first ? "" : "\n", source, "----------------------------------------");
	}
	bool first_field = true;
	for (uint32_t i = 0; i < vg_fields_count(reg); i++) {
		const vg_field_info *f = vg_fields_at(reg, i);
		if (f->flags & VG_FIELD_HIDDEN)
			continue;
		if (fmt == VG_LIST_JSON)
			print_json(out, &b, f, first_field);
		else if (names_only)
			fprintf(out, "%s\n", f->name);
		else if (fmt == VG_LIST_MARKDOWN)
			print_markdown(out, f);
		else
			print_text(out, f);
		first_field = false;
	}
	if (fmt == VG_LIST_JSON)
		fputs("]}", out);
	vg_buf_free(&b);
}

static bool is_exit_type(uint16_t t)
{
	return t & 1; /* libscap: even codes are enter events, odd codes exit events */
}

void vg_listing_events(FILE *out, vg_list_format fmt)
{
	vg_buf b;
	vg_buf_init(&b);
	bool first = true;
	if (fmt == VG_LIST_JSON)
		fputs("[", out);
	for (uint32_t t = 0; t < PPM_EVENT_MAX; t++) {
		const vg_scap_event_info *info = vg_scap_event_info_get((uint16_t)t);
		/* vigil's drivers are exit-only (like current libs): list the exit layout, current version. */
		if (!info || !is_exit_type((uint16_t)t) || vg_scap_event_is_old((uint16_t)t))
			continue;
		vg_buf_reset(&b);
		if (fmt == VG_LIST_JSON) {
			vg_buf_printf(&b, "%s\n  {\"code\":%u,\"name\":", first ? "" : ",", t);
			vg_json_put_cstr(&b, info->name);
			vg_buf_puts(&b, ",\"params\":[");
			for (uint32_t i = 0; i < info->nparams; i++) {
				vg_buf_puts(&b, i ? ",{\"name\":" : "{\"name\":");
				vg_json_put_cstr(&b, info->params[i].name);
				vg_buf_printf(&b, ",\"type\":\"%s\"}", vg_scap_param_type_name(info->params[i].type));
			}
			vg_buf_puts(&b, "]}");
		} else {
			vg_buf_printf(&b, "%s%s(", fmt == VG_LIST_MARKDOWN ? "* " : "", info->name);
			for (uint32_t i = 0; i < info->nparams; i++)
				vg_buf_printf(&b, "%s%s %s", i ? ", " : "", vg_scap_param_type_name(info->params[i].type),
					      info->params[i].name);
			vg_buf_puts(&b, ")\n");
		}
		fputs(b.data, out);
		first = false;
	}
	if (fmt == VG_LIST_JSON)
		fputs("\n]\n", out);
	vg_buf_free(&b);
}
