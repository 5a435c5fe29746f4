#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fields/fields.h"
#include "fields/generic.h"

static vg_rc fake_extract(void *ud, vg_evctx *ev, const vg_field_info *f, const vg_field_arg *arg, vg_values *out)
{
	return VG_OK;
}

static const vg_extractor ext_a = { "plugin_a", fake_extract, NULL };
static const vg_extractor ext_b = { "plugin_b", fake_extract, NULL };

Test(fields, add_find_and_iterate_in_order)
{
	vg_fields *reg = vg_fields_new("demo");
	vg_err e;
	char name[32];
	for (int i = 0; i < 500; i++) { /* forces several hash-table growths */
		snprintf(name, sizeof(name), "demo.f%d", i);
		vg_field_info f = { .name = name, .desc = "d", .type = VG_FT_UINT64, .id = (uint32_t)i };
		cr_assert_eq(vg_fields_add(reg, &f, &ext_a, &e), VG_OK, "%s", e.msg);
	}
	cr_assert_eq(vg_fields_count(reg), 500);
	const vg_field_info *f = vg_fields_find(reg, "demo.f377");
	cr_assert_not_null(f);
	cr_assert_eq(f->id, 377);
	cr_assert_eq(f->ext, &ext_a);
	cr_assert_str_eq(vg_fields_at(reg, 10)->name, "demo.f10");
	cr_assert_null(vg_fields_find(reg, "demo.f500"));
	cr_assert_null(vg_fields_find(reg, "demo.f"), "no prefix matches");
	vg_fields_free(reg);
}

Test(fields, clash_names_both_extractors_and_source)
{
	vg_fields *reg = vg_fields_new("k8s_audit");
	vg_err e;
	vg_field_info f = { .name = "ka.user.name", .desc = "d", .type = VG_FT_STRING };
	cr_assert_eq(vg_fields_add(reg, &f, &ext_a, &e), VG_OK);
	cr_assert_eq(vg_fields_add(reg, &f, &ext_b, &e), VG_ERR_EXISTS);
	cr_assert(strstr(e.msg, "ka.user.name") && strstr(e.msg, "plugin_a") && strstr(e.msg, "plugin_b") &&
		  strstr(e.msg, "k8s_audit"), "%s", e.msg);
	vg_fields_free(reg);
}

Test(fields, resolve_dotted_keys_only_when_declared)
{
	vg_fields *reg = vg_fields_new("syscall");
	vg_err e;
	vg_field_info arg = { .name = "evt.arg", .desc = "d", .type = VG_FT_STRING,
			      .arg = VG_ARG_KEY | VG_ARG_INDEX | VG_ARG_DOTTED };
	vg_field_info plain = { .name = "proc.name", .desc = "d", .type = VG_FT_STRING };
	cr_assert_eq(vg_fields_add(reg, &arg, &ext_a, &e), VG_OK);
	cr_assert_eq(vg_fields_add(reg, &plain, &ext_a, &e), VG_OK);
	const char *key;
	const vg_field_info *f = vg_fields_resolve(reg, "evt.arg.flags", &key);
	cr_assert_not_null(f);
	cr_assert_str_eq(f->name, "evt.arg");
	cr_assert_str_eq(key, "flags");
	f = vg_fields_resolve(reg, "proc.name", &key);
	cr_assert_not_null(f);
	cr_assert_null(key);
	cr_assert_null(vg_fields_resolve(reg, "proc.name.x", &key), "proc.name takes no dotted key");
	cr_assert_null(vg_fields_resolve(reg, "evt.arg.", &key));
	vg_fields_free(reg);
}

Test(fields, type_names_round_trip)
{
	vg_ftype t;
	const char *names[] = { "uint64", "int64", "string", "bytebuf", "reltime", "abstime", "port", "bool", "ipaddr", "ipnet" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_assert(vg_ftype_parse(names[i], &t), "%s", names[i]);
		cr_assert_str_eq(vg_ftype_name(t), names[i]);
	}
	cr_assert_not(vg_ftype_parse("float", &t));
}

static ss_plugin_event *make_event(uint64_t ts, uint16_t type)
{
	static unsigned char buf[64];
	ss_plugin_event *e = (ss_plugin_event *)buf;
	memset(buf, 0, sizeof(buf));
	e->ts = ts;
	e->tid = 7;
	e->len = 26;
	e->type = type;
	return e;
}

static const char *extract_str(vg_fields *reg, vg_evctx *ev, const char *name)
{
	const vg_field_info *f = vg_fields_find(reg, name);
	cr_assert_not_null(f, "%s", name);
	vg_values out;
	vg_field_arg arg = { 0 };
	cr_assert_eq(vg_field_extract(f, &arg, ev, &out), VG_OK);
	if (out.n == 0)
		return NULL;
	return (const char *)out.v[0].bytes.ptr;
}

static uint64_t extract_u64(vg_fields *reg, vg_evctx *ev, const char *name)
{
	const vg_field_info *f = vg_fields_find(reg, name);
	vg_values out;
	vg_field_arg arg = { 0 };
	cr_assert_eq(vg_field_extract(f, &arg, ev, &out), VG_OK);
	cr_assert_eq(out.n, 1, "%s", name);
	return out.v[0].u64;
}

static const char *plugininfo(void *ud, const vg_evctx *ev)
{
	return "info from plugin";
}

Test(generic, evt_fields_on_a_plugin_event)
{
	setenv("TZ", "UTC", 1);
	tzset();
	vg_fields *reg = vg_fields_new("demo");
	vg_generic_source src = { .hostname = "node-1", .plugininfo = plugininfo };
	vg_err e;
	cr_assert_eq(vg_generic_register(reg, &src, &e), VG_OK, "%s", e.msg);
	vg_arena *scratch = vg_arena_new(0);
	/* 2023-11-14T22:13:31.726060287Z */
	uint64_t ts = 1700000011726060287ull;
	vg_evctx ev = { .evt = make_event(ts, 322), .evtnum = 42, .source = "demo", .plugin_name = "dummy",
			.first_ts = ts - 1500000000ull, .scratch = scratch };
	cr_assert_eq(extract_u64(reg, &ev, "evt.num"), 42);
	cr_assert_str_eq(extract_str(reg, &ev, "evt.time"), "22:13:31.726060287");
	cr_assert_str_eq(extract_str(reg, &ev, "evt.time.s"), "22:13:31");
	cr_assert_str_eq(extract_str(reg, &ev, "evt.time.iso8601"), "2023-11-14T22:13:31.726060287+0000");
	cr_assert_str_eq(extract_str(reg, &ev, "evt.datetime"), "2023-11-14 22:13:31.726060287");
	cr_assert_str_eq(extract_str(reg, &ev, "evt.datetime.s"), "2023-11-14 22:13:31");
	cr_assert_eq(extract_u64(reg, &ev, "evt.rawtime"), ts);
	cr_assert_eq(extract_u64(reg, &ev, "evt.rawtime.s"), 1700000011ull);
	cr_assert_eq(extract_u64(reg, &ev, "evt.rawtime.ns"), 726060287ull);
	cr_assert_eq(extract_u64(reg, &ev, "evt.reltime"), 1500000000ull);
	cr_assert_eq(extract_u64(reg, &ev, "evt.reltime.s"), 1);
	cr_assert_eq(extract_u64(reg, &ev, "evt.reltime.ns"), 500000000ull);
	cr_assert_str_eq(extract_str(reg, &ev, "evt.type"), "pluginevent");
	cr_assert_str_eq(extract_str(reg, &ev, "evt.source"), "demo");
	cr_assert_str_eq(extract_str(reg, &ev, "evt.pluginname"), "dummy");
	cr_assert_str_eq(extract_str(reg, &ev, "evt.plugininfo"), "info from plugin");
	cr_assert_str_eq(extract_str(reg, &ev, "evt.hostname"), "node-1");
	cr_assert_null(extract_str(reg, &ev, "evt.asynctype"), "not an async event: no value");
	cr_assert_null(extract_str(reg, &ev, "evt.dir"), "plugin events have no direction");
	ev.evt = make_event(ts, 307); /* an exit event code: odd */
	cr_assert_str_eq(extract_str(reg, &ev, "evt.dir"), "<");
	vg_arena_free(scratch);
	vg_fields_free(reg);
}

Test(generic, plugininfo_missing_without_event_to_string)
{
	vg_fields *reg = vg_fields_new("demo");
	vg_generic_source src = { .hostname = "h" };
	cr_assert_eq(vg_generic_register(reg, &src, NULL), VG_OK);
	vg_arena *scratch = vg_arena_new(0);
	vg_evctx ev = { .evt = make_event(1, 322), .scratch = scratch };
	cr_assert_null(extract_str(reg, &ev, "evt.plugininfo"));
	vg_arena_free(scratch);
	vg_fields_free(reg);
}
