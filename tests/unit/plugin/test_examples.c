/* The example plugins (examples/) driven through the host: jsonl_tail sources a file of JSON
 * lines, jsonl_meta adds fields to the same events. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin/plugin.h"

static vg_plugin_registry *reg;
static vg_plugin *tail, *meta;
static char file[] = "/tmp/vigil-jsonl-XXXXXX";
static vg_err err;

#define FIRST_LINE "{\"level\":\"WARN\",\"user\":{\"name\":\"alice\"},\"ts\":1700000000.5,\"n\":3}"

static void setup(void)
{
	static const char lines[] = FIRST_LINE "\n"
				    "\n"
				    "not json at all\n"
				    "{\"severity\":\"err\",\"user\":\"bob\",\"msg\":\"a\\tb\"}\n";
	int fd = mkstemp(file);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, lines, sizeof(lines) - 1), (ssize_t)sizeof(lines) - 1);
	close(fd);
	reg = vg_plugin_registry_new(EXAMPLES_DIR);
	vg_plugin_lib *lt, *lm;
	cr_assert_eq(vg_plugin_registry_load(reg, "libjsonl_tail.so", &lt, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_plugin_registry_load(reg, "libjsonl_meta.so", &lm, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_plugin_init(lt, "{\"follow\":false,\"batch\":2}", &tail, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_plugin_init(lm, NULL, &meta, &err), VG_OK, "%s", err.msg);
}

static void teardown(void)
{
	vg_plugin_destroy(tail);
	vg_plugin_destroy(meta);
	vg_plugin_registry_free(reg);
	unlink(file);
}

TestSuite(examples, .init = setup, .fini = teardown);

Test(examples, metadata)
{
	const vg_plugin_info *t = vg_plugin_get_info(tail), *m = vg_plugin_get_info(meta);
	cr_assert_eq(t->id, 999);
	cr_assert_str_eq(t->event_source, "jsonl");
	cr_assert_eq(t->caps, VG_PLUGIN_CAP_SOURCING | VG_PLUGIN_CAP_EXTRACTION);
	cr_assert_eq(m->caps, VG_PLUGIN_CAP_EXTRACTION);
	cr_assert(vg_plugin_lib_extracts_from(vg_plugin_get_lib(meta), "jsonl"));
	cr_assert_not(vg_plugin_lib_extracts_from(vg_plugin_get_lib(meta), "syscall"));
}

Test(examples, bad_config_and_missing_file)
{
	vg_plugin *p;
	cr_assert_eq(vg_plugin_init(vg_plugin_get_lib(tail), "{\"follow\":1}", &p, &err), VG_ERR_INVALID);
	cr_assert(strstr(err.msg, "'follow': expected boolean, got integer"), "%s", err.msg);
	cr_assert_eq(vg_plugin_init(vg_plugin_get_lib(tail), "{\"batch\":0}", &p, &err), VG_ERR_PLUGIN);
	cr_assert(strstr(err.msg, "init: 'batch' and 'max_line' must be positive"), "%s", err.msg);
	cr_assert_eq(vg_plugin_open(tail, "/nonexistent/x.jsonl", &err), VG_ERR_PLUGIN);
	cr_assert(strstr(err.msg, "plugin 'jsonl_tail' ("), "%s", err.msg);
	cr_assert(strstr(err.msg, "): open: cannot open '/nonexistent/x.jsonl'"), "%s", err.msg);
}

static const char *str_field(vg_plugin *p, vg_evctx *ev, const char *name, const char *key)
{
	const vg_plugin_info *info = vg_plugin_get_info(p);
	vg_field_arg arg = {.present = key != NULL, .key = key, .index = UINT64_MAX};
	vg_values out;
	for (uint32_t i = 0; i < info->nfields; i++) {
		if (strcmp(info->fields[i].name, name))
			continue;
		const vg_extractor *x = vg_plugin_extractor(p);
		cr_assert_eq(x->extract(x->ud, ev, &info->fields[i], &arg, &out), VG_OK);
		if (out.n == 0)
			return NULL;
		if (info->fields[i].type == VG_FT_BOOL)
			return out.v[0].b ? "true" : "false";
		if (info->fields[i].type == VG_FT_ABSTIME || info->fields[i].type == VG_FT_UINT64)
			return vg_arena_sprintf(ev->scratch, "%llu", (unsigned long long)out.v[0].u64);
		return (const char *)out.v[0].bytes.ptr;
	}
	cr_assert_fail("no field %s", name);
	return NULL;
}

Test(examples, tail_and_extract)
{
	vg_plugin_batch b;
	cr_assert_eq(vg_plugin_open(tail, file, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_plugin_next_batch(tail, &b, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(b.n, 2, "batch size is 2; the blank line is skipped");
	vg_evctx ev = {.evt = b.evts[0], .evtnum = 1, .source = "jsonl", .scratch = vg_arena_new(0)};
	cr_assert_str_eq(str_field(meta, &ev, "jmeta.level", NULL), "warning");
	cr_assert_str_eq(str_field(meta, &ev, "jmeta.is_error", NULL), "false");
	cr_assert_str_eq(str_field(meta, &ev, "jmeta.user", NULL), "alice");
	cr_assert_str_eq(str_field(meta, &ev, "jmeta.time", NULL), "1700000000500000000");
	cr_assert_str_eq(str_field(tail, &ev, "jsonl.value", "user.name"), "alice");
	cr_assert_str_eq(str_field(tail, &ev, "jsonl.value", "n"), "3");
	cr_assert_null(str_field(tail, &ev, "jsonl.value", "missing"));
	char size[16];
	snprintf(size, sizeof(size), "%zu", strlen(FIRST_LINE));
	cr_assert_str_eq(str_field(tail, &ev, "jsonl.size", NULL), size);
	cr_assert_str_eq(str_field(tail, &ev, "jsonl.line", NULL), FIRST_LINE);
	ev = (vg_evctx){.evt = b.evts[1], .evtnum = 2, .source = "jsonl", .scratch = ev.scratch};
	cr_assert_str_eq(str_field(tail, &ev, "jsonl.line", NULL), "not json at all");
	cr_assert_null(str_field(meta, &ev, "jmeta.level", NULL));
	cr_assert_null(str_field(tail, &ev, "jsonl.value", "n"));
	cr_assert_eq(vg_plugin_next_batch(tail, &b, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(b.n, 1);
	ev = (vg_evctx){.evt = b.evts[0], .evtnum = 3, .source = "jsonl", .scratch = ev.scratch};
	cr_assert_str_eq(str_field(meta, &ev, "jmeta.level", NULL), "error");
	cr_assert_str_eq(str_field(meta, &ev, "jmeta.is_error", NULL), "true");
	cr_assert_str_eq(str_field(meta, &ev, "jmeta.user", NULL), "bob");
	cr_assert_str_eq(str_field(tail, &ev, "jsonl.value", "msg"), "a\tb");
	cr_assert_str_eq(vg_plugin_event_to_string(tail, &ev), "{\"severity\":\"err\",\"user\":\"bob\",\"msg\":\"a\\tb\"}");
	cr_assert_eq(vg_plugin_next_batch(tail, &b, &err), VG_ERR_EOF);
	vg_arena_free(ev.scratch);
}
