#include "fields/generic.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <vigil/scap_events.h>

#include "util/timefmt.h"

enum generic_id {
	G_NUM,
	G_TIME,
	G_TIME_S,
	G_TIME_ISO8601,
	G_DATETIME,
	G_DATETIME_S,
	G_RAWTIME,
	G_RAWTIME_S,
	G_RAWTIME_NS,
	G_RELTIME,
	G_RELTIME_S,
	G_RELTIME_NS,
	G_TYPE,
	G_SOURCE,
	G_PLUGINNAME,
	G_PLUGININFO,
	G_HOSTNAME,
	G_IS_ASYNC,
	G_ASYNCTYPE,
	G_DIR,
};

static const vg_field_info generic_fields[] = {
	[G_NUM] = { "evt.num", "Event number, counted from 1 on each source.", NULL, VG_FT_UINT64, 0, 0, NULL, G_NUM },
	[G_TIME] = { "evt.time", "Event timestamp as local time HH:MM:SS.nnnnnnnnn.", NULL, VG_FT_STRING, 0, 0, NULL, G_TIME },
	[G_TIME_S] = { "evt.time.s", "Event timestamp as local time HH:MM:SS.", NULL, VG_FT_STRING, 0, 0, NULL, G_TIME_S },
	[G_TIME_ISO8601] = { "evt.time.iso8601", "Event timestamp in ISO 8601 (UTC) with nanoseconds.", NULL, VG_FT_STRING, 0, 0, NULL, G_TIME_ISO8601 },
	[G_DATETIME] = { "evt.datetime", "Event timestamp as local date and time with nanoseconds.", NULL, VG_FT_STRING, 0, 0, NULL, G_DATETIME },
	[G_DATETIME_S] = { "evt.datetime.s", "Event timestamp as local date and time.", NULL, VG_FT_STRING, 0, 0, NULL, G_DATETIME_S },
	[G_RAWTIME] = { "evt.rawtime", "Event timestamp in nanoseconds since the epoch.", NULL, VG_FT_ABSTIME, 0, 0, NULL, G_RAWTIME },
	[G_RAWTIME_S] = { "evt.rawtime.s", "Integer part of the event timestamp in seconds.", NULL, VG_FT_UINT64, 0, 0, NULL, G_RAWTIME_S },
	[G_RAWTIME_NS] = { "evt.rawtime.ns", "Fractional part of the event timestamp in nanoseconds.", NULL, VG_FT_UINT64, 0, 0, NULL, G_RAWTIME_NS },
	[G_RELTIME] = { "evt.reltime", "Nanoseconds since the first event of this source.", NULL, VG_FT_RELTIME, 0, 0, NULL, G_RELTIME },
	[G_RELTIME_S] = { "evt.reltime.s", "Seconds part of evt.reltime.", NULL, VG_FT_UINT64, 0, 0, NULL, G_RELTIME_S },
	[G_RELTIME_NS] = { "evt.reltime.ns", "Nanoseconds part of evt.reltime.", NULL, VG_FT_UINT64, 0, 0, NULL, G_RELTIME_NS },
	[G_TYPE] = { "evt.type", "Event type name (openat, execve, ...; pluginevent for plugin events).", NULL, VG_FT_STRING, 0, 0, NULL, G_TYPE },
	[G_SOURCE] = { "evt.source", "Name of the event source (syscall, k8s_audit, ...).", NULL, VG_FT_STRING, 0, 0, NULL, G_SOURCE },
	[G_PLUGINNAME] = { "evt.pluginname", "Name of the plugin that produced the event.", NULL, VG_FT_STRING, 0, 0, NULL, G_PLUGINNAME },
	[G_PLUGININFO] = { "evt.plugininfo", "Text rendering of the event by its source plugin (event_to_string).", NULL, VG_FT_STRING, 0, 0, NULL, G_PLUGININFO },
	[G_HOSTNAME] = { "evt.hostname", "Host name of the machine running vigil (FALCO_HOSTNAME/VIGIL_HOSTNAME override it).", NULL, VG_FT_STRING, 0, 0, NULL, G_HOSTNAME },
	[G_IS_ASYNC] = { "evt.is_async", "True for asynchronous events injected by plugins.", NULL, VG_FT_BOOL, 0, 0, NULL, G_IS_ASYNC },
	[G_ASYNCTYPE] = { "evt.asynctype", "Name of an asynchronous event.", NULL, VG_FT_STRING, 0, 0, NULL, G_ASYNCTYPE },
	[G_DIR] = { "evt.dir", "Deprecated: '>' for enter events, '<' for exit events (vigil's drivers emit exit events only).",
		    NULL, VG_FT_STRING, 0, 0, NULL, G_DIR },
};

#define PPME_PLUGIN 322
#define PPME_ASYNC 402

const char *vg_generic_event_name(uint16_t type)
{
	if (type == PPME_PLUGIN)
		return "pluginevent";
	const vg_scap_event_info *info = vg_scap_event_info_get(type);
	return info ? info->name : "unknown";
}

/* Returns a one-element value array in the event's scratch arena. */
static vg_value *one_value(vg_evctx *ev, vg_values *out)
{
	vg_value *v = vg_arena_alloc(ev->scratch, sizeof(*v));
	if (v) {
		out->n = 1;
		out->v = v;
	}
	return v;
}

static vg_rc put_u64(vg_evctx *ev, vg_values *out, uint64_t x)
{
	vg_value *v = one_value(ev, out);
	if (!v)
		return VG_ERR_NOMEM;
	v->u64 = x;
	return VG_OK;
}

static vg_rc put_str(vg_evctx *ev, vg_values *out, const char *s, int copy)
{
	if (!s)
		return VG_OK; /* missing */
	vg_value *v = one_value(ev, out);
	if (!v)
		return VG_ERR_NOMEM;
	size_t n = strlen(s);
	v->bytes.ptr = (const uint8_t *)(copy ? vg_arena_strndup(ev->scratch, s, n) : s);
	v->bytes.len = (uint32_t)n;
	if (!v->bytes.ptr) {
		out->n = 0;
		return VG_ERR_NOMEM;
	}
	return VG_OK;
}

static vg_rc extract_time(vg_evctx *ev, uint32_t id, vg_values *out)
{
	char buf[VG_TIMEFMT_MAX];
	uint64_t ts = ev->evt->ts;
	switch (id) {
	case G_TIME:
		vg_timefmt_local(ts, buf);
		break;
	case G_TIME_S:
		vg_timefmt_local(ts, buf);
		buf[8] = '\0'; /* HH:MM:SS */
		break;
	case G_TIME_ISO8601:
		vg_timefmt_iso8601(ts, "+0000", buf);
		break;
	case G_DATETIME:
		vg_timefmt_datetime(ts, 1, buf);
		break;
	default:
		vg_timefmt_datetime(ts, 0, buf);
		break;
	}
	return put_str(ev, out, buf, 1);
}

static const char *async_name(const ss_plugin_event *evt)
{
	/* PPME_ASYNCEVENT_E: u32 lengths at 26/30/34, plugin_id at 38, NUL-terminated name at 42. */
	const uint8_t *p = (const uint8_t *)evt;
	if (evt->type != PPME_ASYNC || evt->nparams < 3 || evt->len < 43)
		return NULL;
	uint32_t name_len;
	memcpy(&name_len, p + 30, sizeof(name_len));
	if (name_len == 0 || 42ull + name_len > evt->len || p[42 + name_len - 1] != '\0')
		return NULL;
	return (const char *)p + 42;
}

static vg_rc generic_extract(void *ud, vg_evctx *ev, const vg_field_info *f, const vg_field_arg *arg,
			     vg_values *out)
{
	const vg_generic_source *src = ud;
	uint64_t ts = ev->evt->ts;
	uint64_t rel = ts >= ev->first_ts ? ts - ev->first_ts : 0;
	switch (f->id) {
	case G_NUM:
		return put_u64(ev, out, ev->evtnum);
	case G_TIME:
	case G_TIME_S:
	case G_TIME_ISO8601:
	case G_DATETIME:
	case G_DATETIME_S:
		return extract_time(ev, f->id, out);
	case G_RAWTIME:
		return put_u64(ev, out, ts);
	case G_RAWTIME_S:
		return put_u64(ev, out, ts / 1000000000ull);
	case G_RAWTIME_NS:
		return put_u64(ev, out, ts % 1000000000ull);
	case G_RELTIME:
		return put_u64(ev, out, rel);
	case G_RELTIME_S:
		return put_u64(ev, out, rel / 1000000000ull);
	case G_RELTIME_NS:
		return put_u64(ev, out, rel % 1000000000ull);
	case G_TYPE:
		return put_str(ev, out, vg_generic_event_name(ev->evt->type), 0);
	case G_SOURCE:
		return put_str(ev, out, ev->source, 0);
	case G_PLUGINNAME:
		return put_str(ev, out, ev->plugin_name, 0);
	case G_PLUGININFO:
		return src->plugininfo ? put_str(ev, out, src->plugininfo(src->plugininfo_ud, ev), 1) : VG_OK;
	case G_HOSTNAME:
		return put_str(ev, out, src->hostname, 0);
	case G_IS_ASYNC: {
		vg_value *v = one_value(ev, out);
		if (!v)
			return VG_ERR_NOMEM;
		v->b = ev->evt->type == PPME_ASYNC;
		return VG_OK;
	}
	case G_ASYNCTYPE:
		return put_str(ev, out, async_name(ev->evt), 0);
	case G_DIR:
		/* libscap codes: even = enter, odd = exit; plugin events have no direction. */
		return ev->evt->type == PPME_PLUGIN ? VG_OK : put_str(ev, out, ev->evt->type & 1 ? "<" : ">", 0);
	}
	return VG_ERR_INTERNAL;
}

vg_rc vg_generic_register(vg_fields *reg, vg_generic_source *src, vg_err *err)
{
	src->ext.name = "vigil";
	src->ext.extract = generic_extract;
	src->ext.ud = src;
	for (size_t i = 0; i < sizeof(generic_fields) / sizeof(generic_fields[0]); i++) {
		vg_rc rc = vg_fields_add(reg, &generic_fields[i], &src->ext, err);
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}
