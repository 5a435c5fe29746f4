#include "cli/dump.h"

#include <string.h>

#include <vigil/scap_events.h>

#include "util/buf.h"

static bool extract_text(vg_source *src, vg_evctx *ev, const char *name, vg_buf *out)
{
	const vg_field_info *f = vg_fields_find(src->fields, name);
	if (!f)
		return false;
	vg_values vals;
	vg_field_arg arg = { .index = UINT64_MAX };
	if (vg_field_extract(f, &arg, ev, &vals) != VG_OK || vals.n == 0 || f->type != VG_FT_STRING)
		return false;
	vg_buf_append(out, vals.v[0].bytes.ptr, vals.v[0].bytes.len);
	return true;
}

static void put_printable(vg_buf *b, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f)
			vg_buf_putc(b, (char)p[i]);
		else if (p[i] == 0 && i + 1 == n)
			break; /* the NUL of a CHARBUF */
		else
			vg_buf_printf(b, "\\x%02x", p[i]);
	}
}

/* Raw parameters by name with the libscap table: numbers as numbers, text as text. */
static void put_raw_params(vg_buf *b, const ss_plugin_event *evt)
{
	const vg_scap_event_info *info = vg_scap_event_info_get(evt->type);
	vg_buf_puts(b, info ? info->name : "unknown");
	vg_scap_param params[32];
	int n = vg_scap_event_params(evt, params, 32);
	for (int i = 0; i < n; i++) {
		const char *pname = info && (uint32_t)i < info->nparams ? info->params[i].name : "?";
		vg_buf_printf(b, " %s=", pname);
		uint8_t type = info && (uint32_t)i < info->nparams ? info->params[i].type : PT_BYTEBUF;
		int64_t sv;
		uint64_t uv;
		if ((type == PT_INT8 || type == PT_INT16 || type == PT_INT32 || type == PT_INT64 || type == PT_FD ||
		     type == PT_PID || type == PT_ERRNO) &&
		    vg_scap_param_int(&params[i], &sv))
			vg_buf_printf(b, "%lld", (long long)sv);
		else if (params[i].len <= 8 && type != PT_CHARBUF && type != PT_FSPATH && type != PT_BYTEBUF &&
			 vg_scap_param_uint(&params[i], &uv))
			vg_buf_printf(b, "%llu", (unsigned long long)uv);
		else
			put_printable(b, params[i].ptr, params[i].len > 256 ? 256 : params[i].len);
	}
}

void vg_dump_event(FILE *out, vg_source *src, vg_evctx *ev)
{
	vg_buf line;
	vg_buf_init(&line);
	vg_buf_printf(&line, "%llu ", (unsigned long long)ev->evtnum);
	extract_text(src, ev, "evt.time.iso8601", &line);
	vg_buf_printf(&line, " %s %s tid=%lld ", src->source, src->plugin_name, (long long)ev->evt->tid);
	size_t before = line.len;
	if (!extract_text(src, ev, "evt.plugininfo", &line)) {
		if (ev->evt->type != 322 && vg_fields_find(src->fields, "evt.args")) {
			vg_buf_printf(&line, "%s ", vg_scap_event_info_get(ev->evt->type)
							? vg_scap_event_info_get(ev->evt->type)->name
							: "unknown");
			if (!extract_text(src, ev, "evt.args", &line))
				line.len = before;
		}
		if (line.len == before)
			put_raw_params(&line, ev->evt);
	}
	vg_buf_putc(&line, '\n');
	fwrite(line.data, 1, line.len, out);
	vg_buf_free(&line);
}
