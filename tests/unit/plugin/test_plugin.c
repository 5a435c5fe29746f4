/* Plugin host: loading, refusals, init, sourcing contract and extraction, against the test
 * plugins of tests/unit/plugins_testdata (one .so per variant of tp.c). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "plugin/plugin.h"
#include "plugin/plugin_schema.h"
#include "util/log.h"

static vg_plugin_registry *reg;
static vg_err err;

static void setup(void)
{
	reg = vg_plugin_registry_new(TP_DIR);
	cr_assert_not_null(reg);
	vg_err_clear(&err);
}

static void teardown(void)
{
	vg_plugin_registry_free(reg);
}

TestSuite(plugin, .init = setup, .fini = teardown);

static vg_rc load(const char *variant, vg_plugin_lib **lib)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/lib%s.so", TP_DIR, variant);
	return vg_plugin_registry_load(reg, path, lib, &err);
}

static vg_plugin_lib *load_ok(const char *variant)
{
	vg_plugin_lib *lib = NULL;
	cr_assert_eq(load(variant, &lib), VG_OK, "%s: %s", variant, err.msg);
	return lib;
}

/* A refusal: the right code, one line, naming the library and the reason. */
static void expect_refused(const char *variant, vg_rc rc, const char *reason)
{
	vg_plugin_lib *lib = NULL;
	cr_assert_eq(load(variant, &lib), rc, "%s: got %d: %s", variant, err.rc, err.msg);
	cr_assert_null(strchr(err.msg, '\n'), "multi-line error: %s", err.msg);
	cr_assert(strstr(err.msg, variant), "error does not name the plugin: %s", err.msg);
	cr_assert(strstr(err.msg, ": load: "), "error does not name the phase: %s", err.msg);
	cr_assert(strstr(err.msg, reason), "expected '%s' in: %s", reason, err.msg);
	cr_assert_eq(vg_plugin_registry_count(reg), 0);
}

static const vg_field_info *field(const vg_plugin_info *info, const char *name)
{
	for (uint32_t i = 0; i < info->nfields; i++)
		if (strcmp(info->fields[i].name, name) == 0)
			return &info->fields[i];
	cr_assert_fail("no field %s", name);
	return NULL;
}

Test(plugin, good_plugin_metadata)
{
	const vg_plugin_info *info = vg_plugin_lib_info(load_ok("tp_good"));
	cr_assert_str_eq(info->name, "tp");
	cr_assert_str_eq(info->version, "1.2.3");
	cr_assert_str_eq(info->required_api_version, "3.0.0");
	cr_assert_eq(info->caps, VG_PLUGIN_CAP_SOURCING | VG_PLUGIN_CAP_EXTRACTION);
	cr_assert_eq(info->id, 999);
	cr_assert_str_eq(info->event_source, "tp");
	cr_assert_not_null(info->init_schema);
	cr_assert_eq(info->nfields, 8);
	cr_assert_eq(field(info, "tp.n")->type, VG_FT_UINT64);
	cr_assert_eq(field(info, "tp.n")->flags, VG_FIELD_ADD_OUTPUT);
	cr_assert_str_eq(field(info, "tp.s")->display, "Text");
	cr_assert_eq(field(info, "tp.mul")->arg, VG_ARG_INDEX | VG_ARG_REQUIRED);
	cr_assert_eq(field(info, "tp.tags")->flags, VG_FIELD_LIST);
	cr_assert_eq(field(info, "tp.even")->flags, VG_FIELD_HIDDEN);
	cr_assert_eq(field(info, "tp.ip")->type, VG_FT_IPADDR);
	cr_assert_eq(field(info, "tp.key")->arg, VG_ARG_KEY | VG_ARG_DOTTED);
	cr_assert_eq(field(info, "tp.key")->id, 6);
	/* a sourcing plugin always extracts from its own source, and only from it here */
	cr_assert_eq(info->n_extract_sources, 1);
	cr_assert(vg_plugin_lib_extracts_from(vg_plugin_registry_find(reg, "tp"), "tp"));
	cr_assert_not(vg_plugin_lib_extracts_from(vg_plugin_registry_find(reg, "tp"), "syscall"));
	cr_assert_not(vg_plugin_lib_parses_from(vg_plugin_registry_find(reg, "tp"), "tp"));
}

Test(plugin, id0_source_feeds_syscall)
{
	const vg_plugin_info *info = vg_plugin_lib_info(load_ok("tp_syscall"));
	cr_assert_eq(info->id, 0);
	cr_assert_str_eq(info->event_source, "syscall");
	cr_assert(vg_plugin_lib_extracts_from(vg_plugin_registry_find(reg, "tp_syscall"), "anything"));
}

Test(plugin, api_versions)
{
	expect_refused("tp_major", VG_ERR_VERSION, "requires API version 4.0.0");
	expect_refused("tp_minor", VG_ERR_VERSION, "requires API version 3.13.0");
	expect_refused("tp_patch", VG_ERR_VERSION, "requires API version 3.12.1");
	expect_refused("tp_api_garbage", VG_ERR_VERSION, "unparsable required API version 'three'");
	cr_assert_str_eq(vg_plugin_lib_info(load_ok("tp_api312"))->required_api_version, "3.12.0");
}

Test(plugin, missing_required_symbol)
{
	expect_refused("tp_no_name", VG_ERR_PLUGIN, "missing required symbol plugin_get_name");
}

Test(plugin, invalid_semver)
{
	expect_refused("tp_semver", VG_ERR_VERSION, "invalid version string '1.2'");
	cr_assert(strstr(err.msg, "plugin 'tp'"), "%s", err.msg);
}

Test(plugin, broken_capabilities)
{
	expect_refused("tp_no_next", VG_ERR_PLUGIN, "broken plugin capabilities: event sourcing without plugin_next_batch");
	expect_refused("tp_no_get_fields", VG_ERR_PLUGIN,
		       "broken plugin capabilities: field extraction without plugin_get_fields");
}

Test(plugin, reserved_source_refused)
{
	expect_refused("tp_reserved", VG_ERR_PLUGIN, "reserved event source 'syscall'");
}

static char last_warning[1024], last_info[1024];

static void capture_log(vg_log_level level, const char *line, void *ud)
{
	if (level == VG_LOG_WARN)
		snprintf(last_warning, sizeof(last_warning), "%s", line);
	if (level == VG_LOG_INFO)
		snprintf(last_info, sizeof(last_info), "%s", line);
}

Test(plugin, log_fn_routes_to_vigil_log)
{
	vg_plugin *p = NULL;
	last_info[0] = '\0';
	vg_log_configure(&(vg_log_opts){.level = VG_LOG_INFO, .to_stderr = false});
	vg_log_set_sink(capture_log, NULL);
	cr_assert_eq(vg_plugin_init(load_ok("tp_good"), "{\"start\":5}", &p, &err), VG_OK, "%s", err.msg);
	vg_log_set_sink(NULL, NULL);
	cr_assert(strstr(last_info, "tp: initialised, start=5"), "log line: '%s'", last_info);
	vg_plugin_destroy(p);
}

Test(plugin, async_capability)
{
	expect_refused("tp_async_only", VG_ERR_UNSUPPORTED, "only implements async events");
	last_warning[0] = '\0';
	vg_log_set_sink(capture_log, NULL);
	load_ok("tp_async_extra");
	vg_log_set_sink(NULL, NULL);
	cr_assert(strstr(last_warning, "async events are not delivered"), "warning: '%s'", last_warning);
}

Test(plugin, bad_get_fields_json)
{
	static const char *const reasons[] = {
		"get_fields: bad JSON",
		"get_fields: not a JSON array",
		"field #0: unknown type 'float'",
		"field #0: missing 'type'",
		"field #0: 'x.y': missing or empty 'desc'",
		"field #0: missing or empty 'name'",
		"field #0: 'isList' must be a boolean",
		"field #0: arg: 'isRequired' needs 'isIndex' or 'isKey'",
		"get_fields: no fields declared",
		"field #0: 'addOutput' must be a boolean",
		"field #1: 'x.y' declared twice",
	};
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		char variant[32];
		snprintf(variant, sizeof(variant), "tp_bad_fields_%zu", i);
		expect_refused(variant, VG_ERR_PLUGIN, reasons[i]);
	}
}

Test(plugin, getters_sharing_one_buffer)
{
	const vg_plugin_info *info = vg_plugin_lib_info(load_ok("tp_shared"));
	cr_assert_str_eq(info->name, "tp");
	cr_assert_str_eq(info->version, "1.2.3");
	cr_assert_str_eq(info->required_api_version, "3.0.0");
	cr_assert_str_eq(info->description, "test plugin");
	cr_assert_str_eq(info->contact, "vigil tests");
	cr_assert_str_eq(info->event_source, "tp");
	cr_assert_eq(info->nfields, 8);
}

Test(plugin, duplicate_name_and_id)
{
	vg_plugin_lib *lib;
	load_ok("tp_good");
	cr_assert_eq(load("tp_shared", &lib), VG_ERR_EXISTS);
	cr_assert(strstr(err.msg, "a plugin named 'tp' is already loaded"), "%s", err.msg);
	cr_assert_eq(load("tp_dup_id", &lib), VG_ERR_EXISTS);
	cr_assert(strstr(err.msg, "plugin id 999 is already used by plugin 'tp'"), "%s", err.msg);
	load_ok("tp_second");
	cr_assert_eq(vg_plugin_registry_count(reg), 2);
}

Test(plugin, relative_paths)
{
	vg_plugin_lib *lib;
	cr_assert_eq(vg_plugin_registry_load(reg, "libtp_good.so", &lib, &err), VG_OK, "%s", err.msg);
	cr_assert_str_eq(vg_plugin_lib_info(lib)->path, TP_DIR "/libtp_good.so");
	cr_assert_eq(vg_plugin_registry_load(reg, "../plugins_testdata/libtp_second.so", &lib, &err), VG_ERR_PERM);
	cr_assert(strstr(err.msg, "'..' is not allowed"), "%s", err.msg);
	cr_assert(strstr(err.msg, "libtp_second.so: load: "), "%s", err.msg);
	cr_assert_eq(vg_plugin_registry_load(reg, "libnothere.so", &lib, &err), VG_ERR_NOTFOUND);
	cr_assert(strstr(err.msg, "libnothere.so: load: cannot resolve path"), "%s", err.msg);
}

Test(plugin, world_writable_file_refused)
{
	char dir[] = "/tmp/vigil-plugin-XXXXXX", path[600], cmd[1400];
	vg_plugin_lib *lib;
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/libtp_ww.so", dir);
	snprintf(cmd, sizeof(cmd), "cp %s/libtp_good.so %s", TP_DIR, path);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(chmod(path, 0666), 0);
	cr_assert_eq(vg_plugin_registry_load(reg, path, &lib, &err), VG_ERR_PERM);
	cr_assert(strstr(err.msg, "libtp_ww.so: load: refusing a world-writable plugin file"), "%s", err.msg);
	cr_assert_eq(chmod(path, 0644), 0);
	cr_assert_eq(vg_plugin_registry_load(reg, path, &lib, &err), VG_OK, "%s", err.msg);
	unlink(path);
	rmdir(dir);
}

Test(plugin, init_failure_reports_plugin_error)
{
	vg_plugin *p = NULL;
	vg_plugin_lib *lib = load_ok("tp_init_fail");
	cr_assert_eq(vg_plugin_init(lib, NULL, &p, &err), VG_ERR_PLUGIN);
	cr_assert_null(p);
	cr_assert(strstr(err.msg, "plugin 'tp' ("), "%s", err.msg);
	cr_assert(strstr(err.msg, "libtp_init_fail.so): init: tp cannot start: no coffee"), "%s", err.msg);
}

Test(plugin, init_config_checked_against_schema)
{
	vg_plugin *p = NULL;
	vg_plugin_lib *lib = load_ok("tp_good");
	cr_assert_eq(vg_plugin_init(lib, "{\"start\":\"x\"}", &p, &err), VG_ERR_INVALID);
	cr_assert(strstr(err.msg, ": init: init config does not match the plugin's schema: 'start': expected integer, got string"),
		  "%s", err.msg);
	cr_assert_eq(vg_plugin_init(lib, "{\"bogus\":1}", &p, &err), VG_ERR_INVALID);
	cr_assert(strstr(err.msg, "unknown property 'bogus'"), "%s", err.msg);
	cr_assert_eq(vg_plugin_init(lib, "{\"mode\":\"c\"}", &p, &err), VG_ERR_INVALID);
	cr_assert(strstr(err.msg, "'mode': value 'c' is not one of the allowed values"), "%s", err.msg);
	cr_assert_eq(vg_plugin_init(lib, "{\"start\":", &p, &err), VG_ERR_PARSE);
	cr_assert(strstr(err.msg, "init config is not valid JSON"), "%s", err.msg);
	cr_assert_eq(vg_plugin_init(lib, "", &p, &err), VG_OK, "%s", err.msg);
	vg_plugin_destroy(p);
	cr_assert_eq(vg_plugin_init(lib, "{\"start\":5,\"mode\":\"b\"}", &p, &err), VG_OK, "%s", err.msg);
	vg_plugin_destroy(p);
}

/* The variant's library, loading it on first use. */
static vg_plugin_lib *lib_for(const char *variant)
{
	char suffix[64];
	snprintf(suffix, sizeof(suffix), "/lib%s.so", variant);
	for (uint32_t i = 0; i < vg_plugin_registry_count(reg); i++) {
		const char *path = vg_plugin_lib_info(vg_plugin_registry_at(reg, i))->path;
		size_t n = strlen(path), k = strlen(suffix);
		if (n > k && strcmp(path + n - k, suffix) == 0)
			return vg_plugin_registry_at(reg, i);
	}
	return load_ok(variant);
}

static vg_plugin *open_script(const char *variant, const char *config, const char *script)
{
	vg_plugin *p = NULL;
	cr_assert_eq(vg_plugin_init(lib_for(variant), config, &p, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_plugin_open(p, script, &err), VG_OK, "%s", err.msg);
	return p;
}

static uint32_t event_plugin_id(const ss_plugin_event *e)
{
	uint32_t id;
	memcpy(&id, (const uint8_t *)e + 34, 4);
	return id;
}

static uint64_t event_counter(const ss_plugin_event *e)
{
	uint64_t v;
	memcpy(&v, (const uint8_t *)e + PLUGIN_EVENT_PAYLOAD_OFFSET, 8);
	return v;
}

Test(plugin, timeout_events_then_eof)
{
	vg_plugin_batch b;
	vg_plugin *p = open_script("tp_good", "{\"start\":10}", "T,E2,S");
	cr_assert_eq(vg_plugin_next_batch(p, &b, &err), VG_ERR_TIMEOUT);
	cr_assert_eq(b.n, 0);
	cr_assert_eq(vg_plugin_next_batch(p, &b, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(b.n, 2);
	for (uint32_t i = 0; i < 2; i++) {
		cr_assert_eq(b.evts[i]->type, 322);
		cr_assert_eq(b.evts[i]->tid, UINT64_MAX);
		cr_assert_eq(event_plugin_id(b.evts[i]), 999, "plugin_id 0 must become the plugin's id");
		cr_assert_eq(event_counter(b.evts[i]), 10 + i);
		cr_assert_eq(b.evts[i]->ts, 1010 + i);
	}
	uint64_t before = (uint64_t)time(NULL) * 1000000000u;
	cr_assert_eq(vg_plugin_next_batch(p, &b, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(b.n, 1);
	cr_assert_geq(b.evts[0]->ts, before, "ts UINT64_MAX must become the current time");
	cr_assert_lt(b.evts[0]->ts, before + 5000000000u);
	cr_assert_eq(vg_plugin_next_batch(p, &b, &err), VG_ERR_EOF);
	vg_plugin_destroy(p);
}

Test(plugin, events_with_failure)
{
	vg_plugin_batch b;
	vg_plugin *p = open_script("tp_good", NULL, "F2");
	cr_assert_eq(vg_plugin_next_batch(p, &b, &err), VG_ERR_PLUGIN);
	cr_assert_eq(b.n, 2, "events of a failing batch are still delivered");
	cr_assert(strstr(err.msg, "plugin 'tp' ("), "%s", err.msg);
	cr_assert(strstr(err.msg, "): next: tp source broke after 2 events"), "%s", err.msg);
	vg_plugin_destroy(p);
}

Test(plugin, batch_contract_violations)
{
	static const struct {
		const char *script, *reason;
	} cases[] = {
		{"Z", "next_batch returned SUCCESS with no events"},
		{"N", "event #0 of the batch: event type is not 322"},
		{"I", "event #0 of the batch: plugin event carries another plugin's id"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vg_plugin_batch b;
		vg_plugin *p = open_script("tp_good", NULL, cases[i].script);
		cr_assert_eq(vg_plugin_next_batch(p, &b, &err), VG_ERR_PLUGIN, "%s", cases[i].script);
		cr_assert_eq(b.n, 0);
		cr_assert(strstr(err.msg, ": next: "), "%s", err.msg);
		cr_assert(strstr(err.msg, cases[i].reason), "%s", err.msg);
		vg_plugin_destroy(p);
	}
}

Test(plugin, id0_source_keeps_foreign_events)
{
	vg_plugin_batch b;
	vg_plugin *p = open_script("tp_syscall", NULL, "N");
	cr_assert_eq(vg_plugin_next_batch(p, &b, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(b.n, 1);
	cr_assert_eq(b.evts[0]->type, 1);
	cr_assert_eq(b.evts[0]->tid, 42, "only plugin events get tid -1");
	vg_plugin_destroy(p);
}

Test(plugin, several_states_of_one_library)
{
	vg_plugin_batch b1, b2;
	vg_plugin *p1 = open_script("tp_good", "{\"start\":100}", "E1");
	vg_plugin *p2 = NULL;
	cr_assert_eq(vg_plugin_init(vg_plugin_registry_find(reg, "tp"), "{\"start\":200}", &p2, &err), VG_OK);
	cr_assert_eq(vg_plugin_open(p2, "E1", &err), VG_OK);
	cr_assert_eq(vg_plugin_next_batch(p1, &b1, &err), VG_OK);
	cr_assert_eq(vg_plugin_next_batch(p2, &b2, &err), VG_OK);
	cr_assert_eq(event_counter(b1.evts[0]), 100);
	cr_assert_eq(event_counter(b2.evts[0]), 200);
	vg_plugin_destroy(p1);
	vg_plugin_destroy(p2);
}

static vg_values extract(vg_plugin *p, vg_evctx *ev, const char *name, const vg_field_arg *arg)
{
	vg_values out;
	const vg_field_info *f = field(vg_plugin_get_info(p), name);
	cr_assert_eq(vg_plugin_extractor(p)->extract(vg_plugin_extractor(p)->ud, ev, f, arg, &out), VG_OK, "%s", name);
	return out;
}

Test(plugin, extraction_adapter)
{
	vg_plugin_batch b;
	vg_plugin *p = open_script("tp_good", "{\"start\":7}", "E1");
	cr_assert_eq(vg_plugin_next_batch(p, &b, &err), VG_OK);
	vg_evctx ev = {.evt = b.evts[0], .evtnum = 1, .source = "tp", .scratch = vg_arena_new(0)};
	vg_values n = extract(p, &ev, "tp.n", NULL);
	cr_assert_eq(n.n, 1);
	cr_assert_eq(n.v[0].u64, 7);
	vg_values s = extract(p, &ev, "tp.s", NULL);
	vg_field_arg idx = {.present = true, .key = "3", .index = 3};
	vg_values mul = extract(p, &ev, "tp.mul", &idx);
	cr_assert_eq(mul.v[0].u64, 21);
	/* the plugin reuses its storage at every call: earlier values must survive */
	cr_assert_eq(s.n, 1);
	cr_assert_str_eq((const char *)s.v[0].bytes.ptr, "n=7");
	cr_assert_eq(s.v[0].bytes.len, 3);
	vg_values tags = extract(p, &ev, "tp.tags", NULL);
	cr_assert_eq(tags.n, 2);
	cr_assert_str_eq((const char *)tags.v[1].bytes.ptr, "beta");
	vg_values multi = extract(p, &ev, "tp.multi", NULL);
	cr_assert_eq(multi.n, 2, "vigil:multi_value fields deliver every value");
	cr_assert_eq(field(vg_plugin_get_info(p), "tp.multi")->flags, VG_FIELD_MULTI);
	cr_assert_eq(extract(p, &ev, "tp.even", NULL).v[0].b, false);
	vg_values ip = extract(p, &ev, "tp.ip", NULL);
	cr_assert_eq(ip.v[0].bytes.len, 4);
	cr_assert_eq(ip.v[0].bytes.ptr[0], 10);
	cr_assert_eq(extract(p, &ev, "tp.key", NULL).n, 0, "no key argument: no value");
	vg_field_arg key = {.present = true, .key = "hello", .index = UINT64_MAX};
	cr_assert_str_eq((const char *)extract(p, &ev, "tp.key", &key).v[0].bytes.ptr, "hello");
	cr_assert_str_eq(vg_plugin_event_to_string(p, &ev), "tp event 7");
	/* a failing extraction is explained with the plugin's own message */
	vg_evctx bad = ev;
	ss_plugin_event not_tp = {.len = 26, .type = 1};
	vg_values none;
	bad.evt = &not_tp;
	const vg_extractor *x = vg_plugin_extractor(p);
	last_warning[0] = '\0';
	vg_log_set_sink(capture_log, NULL);
	cr_assert_eq(x->extract(x->ud, &bad, field(vg_plugin_get_info(p), "tp.n"), NULL, &none), VG_ERR_PLUGIN);
	vg_log_set_sink(NULL, NULL);
	cr_assert_eq(none.n, 0);
	cr_assert(strstr(last_warning, "libtp_good.so): extract: field 'tp.n' on event 1: not a tp event"),
		  "the failure is logged with plugin, phase, field and reason: %s", last_warning);
	cr_assert_eq(vg_plugin_explain(p, "extract", &err), VG_ERR_PLUGIN);
	cr_assert(strstr(err.msg, "libtp_good.so): extract: not a tp event"), "%s", err.msg);
	vg_arena_free(ev.scratch);
	vg_plugin_destroy(p);
}

Test(plugin, open_params_copied)
{
	vg_plugin *p = open_script("tp_good", NULL, "E1");
	char *params = NULL;
	cr_assert_eq(vg_plugin_list_open_params(p, &params, &err), VG_OK, "%s", err.msg);
	cr_assert_not_null(params);
	cr_assert(strstr(params, "\"value\":\"E3\""), "%s", params);
	free(params);
	vg_plugin_destroy(p);
}

Test(plugin, schema_validation_paths)
{
	static const char schema[] =
		"{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":\"object\","
		"\"properties\":{\"list\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
		"\"opt\":{\"type\":[\"string\",\"null\"]},\"ratio\":{\"type\":\"number\"}}}}}";
	cr_assert_eq(vg_plugin_schema_validate(schema, "{\"a\":{\"list\":[1,2],\"opt\":null,\"ratio\":1}}", &err), VG_OK,
		     "%s", err.msg);
	cr_assert_eq(vg_plugin_schema_validate(schema, "{\"a\":{\"ratio\":0.5,\"opt\":\"s\"}}", &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_plugin_schema_validate(schema, "{\"a\":{\"list\":[1,\"x\"]}}", &err), VG_ERR_INVALID);
	cr_assert(strstr(err.msg, "'a.list[1]': expected integer, got string"), "%s", err.msg);
	cr_assert_eq(vg_plugin_schema_validate(schema, "{\"a\":{\"list\":[1.5]}}", &err), VG_ERR_INVALID);
	cr_assert(strstr(err.msg, "'a.list[0]': expected integer, got number"), "%s", err.msg);
	cr_assert_eq(vg_plugin_schema_validate(schema, "{\"a\":{\"opt\":3}}", &err), VG_ERR_INVALID);
	cr_assert(strstr(err.msg, "'a.opt': expected [\"string\",\"null\"], got integer"), "%s", err.msg);
	cr_assert_eq(vg_plugin_schema_validate(schema, "{}", &err), VG_ERR_INVALID);
	cr_assert(strstr(err.msg, "'(root)': missing required property 'a'"), "%s", err.msg);
	cr_assert_eq(vg_plugin_schema_validate("{\"type\":", "{}", &err), VG_ERR_PARSE);
	cr_assert(strstr(err.msg, "init schema is not valid JSON"), "%s", err.msg);
}

Test(plugin, version_satisfies)
{
	cr_assert(vg_plugin_version_satisfies("1.2.3", "1.2.0"));
	cr_assert(vg_plugin_version_satisfies("1.3.0", "1.2.9"));
	cr_assert_not(vg_plugin_version_satisfies("1.2.3", "1.2.4"));
	cr_assert_not(vg_plugin_version_satisfies("2.0.0", "1.0.0"));
	cr_assert_not(vg_plugin_version_satisfies("x", "1.0.0"));
}
