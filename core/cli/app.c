#include "cli/app.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/dump.h"
#include "cli/listing.h"
#include "config/config.h"
#include "engine/detect.h"
#include "engine/drops.h"
#include "engine/engine.h"
#include "engine/syscall_select.h"
#include "outputs/outputs.h"
#include "util/json.h"
#include "util/log.h"

struct vg_app {
	const vg_cli *cli;
	vg_config cfg;
	bool cfg_loaded;
	const char *const *rules_files; /* -r (borrowed from argv) or the config's list */
	size_t n_rules_files;
	vg_engine *engine;
	vg_detect *detect;
	vg_drops *drops;
	vg_outputs *outputs;
	_Atomic(vg_engine *) running;   /* set while sources run, for signal handlers */
	_Atomic(vg_outputs *) live_outputs;
};

static int fail(int code, const vg_err *err)
{
	vg_log(VG_LOG_ERR, NULL, "%s", err->msg);
	fprintf(stderr, "vigil: %s\n", err->msg);
	return code;
}

int vg_app_new(const vg_cli *cli, vg_app **out)
{
	vg_app *app = calloc(1, sizeof(*app));
	*out = app;
	if (!app)
		return VG_EXIT_RUNTIME;
	app->cli = cli;
	vg_err err;
	vg_err_clear(&err);
	vg_config_load_opts lo = { .path = cli->config_file, .overrides = cli->options.v, .n_overrides = cli->options.n };
	if (vg_config_load(&app->cfg, &lo, &err) != VG_OK)
		return fail(VG_EXIT_CONFIG, &err);
	app->cfg_loaded = true;
	if (cli->unbuffered)
		app->cfg.buffered_outputs = false;
	vg_log_opts log = { .level = app->cfg.log_level, .to_stderr = app->cfg.log_stderr, .to_syslog = app->cfg.log_syslog };
	vg_log_configure(&log);
	if (cli->rules_files.n) {
		app->rules_files = cli->rules_files.v;
		app->n_rules_files = cli->rules_files.n;
	} else {
		app->rules_files = app->cfg.rules_files;
		app->n_rules_files = app->cfg.n_rules_files;
	}
	return VG_EXIT_OK;
}

void vg_app_free(vg_app *app)
{
	if (!app)
		return;
	vg_detect_free(app->detect);
	vg_drops_free(app->drops);
	vg_outputs_free(app->outputs);
	vg_engine_free(app->engine);
	if (app->cfg_loaded)
		vg_config_free(&app->cfg);
	free(app);
}

void vg_app_stop(vg_app *app)
{
	vg_engine *e = atomic_load(&app->running);
	if (e)
		vg_engine_stop(e);
}

void vg_app_reopen_outputs(vg_app *app)
{
	vg_outputs *o = atomic_load(&app->live_outputs);
	if (o)
		vg_outputs_reopen(o);
}

/* ---- listings ---- */

static const char *caps_text(uint32_t caps, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s%s%s", caps & VG_PLUGIN_CAP_SOURCING ? "sourcing " : "",
		 caps & VG_PLUGIN_CAP_EXTRACTION ? "extraction " : "", caps & VG_PLUGIN_CAP_PARSING ? "parsing " : "",
		 caps & VG_PLUGIN_CAP_ASYNC ? "async " : "",
		 caps & VG_PLUGIN_CAP_CAPTURE_LISTENING ? "capture-listening " : "");
	size_t n = strlen(buf);
	if (n)
		buf[n - 1] = '\0';
	return buf;
}

static void print_plugin(FILE *out, const vg_plugin_info *info)
{
	char caps[128];
	fprintf(out, "Name: %s\nVersion: %s\nDescription: %s\nContact: %s\nRequired API version: %s\nPath: %s\n"
		     "Capabilities: %s\n",
		info->name, info->version, info->description, info->contact, info->required_api_version, info->path,
		caps_text(info->caps, caps, sizeof(caps)));
	if (info->caps & VG_PLUGIN_CAP_SOURCING)
		fprintf(out, "  - Event source: %s (id %u)\n", info->event_source, info->id);
	if (info->caps & VG_PLUGIN_CAP_EXTRACTION) {
		fputs("  - Extracts from: ", out);
		if (!info->n_extract_sources)
			fputs("every source", out);
		for (uint32_t i = 0; i < info->n_extract_sources; i++)
			fprintf(out, "%s%s", i ? ", " : "", info->extract_sources[i]);
		fputc('\n', out);
	}
}

static int list_plugins(vg_app *app)
{
	vg_plugin_registry *reg = vg_engine_plugins(app->engine);
	printf("%u plugins loaded:\n", vg_plugin_registry_count(reg));
	for (uint32_t i = 0; i < vg_plugin_registry_count(reg); i++) {
		putchar('\n');
		print_plugin(stdout, vg_plugin_lib_info(vg_plugin_registry_at(reg, i)));
	}
	return VG_EXIT_OK;
}

static const char *config_for(const vg_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_plugins; i++)
		if (strcmp(cfg->plugins[i].name, name) == 0)
			return cfg->plugins[i].init_config;
	return "";
}

static int plugin_info(vg_app *app, const char *name)
{
	vg_plugin_lib *lib = vg_plugin_registry_find(vg_engine_plugins(app->engine), name);
	if (!lib) {
		fprintf(stderr, "vigil: --plugin-info: no loaded plugin is called '%s' (see --list-plugins)\n", name);
		return VG_EXIT_USAGE;
	}
	const vg_plugin_info *info = vg_plugin_lib_info(lib);
	print_plugin(stdout, info);
	printf("Init config schema: %s\n", info->init_schema ? info->init_schema : "(none: the config is opaque)");
	if (info->caps & VG_PLUGIN_CAP_EXTRACTION) {
		printf("Fields:\n");
		for (uint32_t i = 0; i < info->nfields; i++)
			printf("  %-32s %-8s %s\n", info->fields[i].name, vg_ftype_name(info->fields[i].type), info->fields[i].desc);
	}
	if (info->caps & VG_PLUGIN_CAP_SOURCING) {
		vg_plugin *p;
		vg_err err;
		char *params = NULL;
		if (vg_plugin_init(lib, config_for(&app->cfg, name), &p, &err) == VG_OK) {
			if (vg_plugin_list_open_params(p, &params, &err) == VG_OK)
				printf("Suggested open params: %s\n", params ? params : "(none)");
			free(params);
			vg_plugin_destroy(p);
		} else {
			printf("Suggested open params: unavailable (%s)\n", err.msg);
		}
	}
	return VG_EXIT_OK;
}

static int list_fields(vg_app *app)
{
	const vg_cli *cli = app->cli;
	bool first = true, found = false;
	if (cli->list_format == VG_LIST_JSON)
		vg_listing_json_begin(stdout);
	for (uint32_t i = 0; i < vg_engine_source_count(app->engine); i++) {
		vg_source *s = vg_engine_source_at(app->engine, i);
		if (cli->list_source && strcmp(cli->list_source, s->source) != 0)
			continue;
		/* Two instances of one source (eBPF and gVisor) have the same fields: list it once. */
		bool dup = false;
		for (uint32_t j = 0; j < i; j++)
			dup |= strcmp(vg_engine_source_at(app->engine, j)->source, s->source) == 0;
		if (dup)
			continue;
		vg_listing_fields(stdout, s->fields, cli->list_format, cli->names_only, first);
		first = false;
		found = true;
	}
	if (cli->list_format == VG_LIST_JSON)
		vg_listing_json_end(stdout);
	if (!found && cli->list_source) {
		fprintf(stderr, "vigil: --list: no loaded plugin provides source '%s'\n", cli->list_source);
		return VG_EXIT_USAGE;
	}
	return VG_EXIT_OK;
}

/* The gVisor plugin knows which trace points and context fields it decodes, so it writes the
 * pod-init-config; the CLI only finds the plugin and prints. */
static int gvisor_config(vg_app *app)
{
	const char *dir = app->cli->plugin_dir ? app->cli->plugin_dir : VIGIL_PLUGIN_DIR;
	char path[4096];
	snprintf(path, sizeof(path), "%s/libgvisor.so", dir);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "vigil: --gvisor-generate-config: cannot load the gVisor plugin: %s\n", dlerror());
		return VG_EXIT_PLUGIN;
	}
	size_t (*gen)(const char *, char *, size_t) =
		(size_t(*)(const char *, char *, size_t))dlsym(h, "vigil_gvisor_generate_config");
	int code = VG_EXIT_OK;
	if (!gen) {
		fprintf(stderr, "vigil: --gvisor-generate-config: %s does not export vigil_gvisor_generate_config\n", path);
		code = VG_EXIT_PLUGIN;
	} else {
		size_t need = gen(app->cli->gvisor_socket, NULL, 0);
		char *buf = malloc(need + 1);
		if (buf) {
			gen(app->cli->gvisor_socket, buf, need + 1);
			fputs(buf, stdout);
			if (need && buf[need - 1] != '\n')
				fputc('\n', stdout);
			free(buf);
		} else {
			code = VG_EXIT_RUNTIME;
		}
	}
	dlclose(h);
	return code;
}

/* ---- rules ---- */

/* Warnings are logged one per line; errors go to stderr too so a failing start says why. */
static void report_result(const vg_rules_result *res)
{
	vg_buf b;
	vg_buf_init(&b);
	for (uint32_t i = 0; i < res->n; i++) {
		vg_buf_reset(&b);
		vg_rules_result_format_diag(&res->diags[i], &b);
		vg_log(res->diags[i].error ? VG_LOG_ERR : VG_LOG_WARN, "rules", "%s", b.data);
	}
	vg_buf_free(&b);
}

static int validate(vg_app *app)
{
	vg_rules_result *res = NULL;
	vg_err err;
	vg_err_clear(&err);
	vg_rc rc = vg_detect_validate(&app->cfg, app->engine, app->cli->validate.v, app->cli->validate.n, &res, &err);
	vg_buf out;
	vg_buf_init(&out);
	if (res && app->cfg.json_output)
		vg_rules_result_json(res, &out);
	else if (res)
		vg_rules_result_text(res, &out);
	else
		vg_buf_printf(&out, "%s", err.msg);
	puts(out.data);
	vg_buf_free(&out);
	vg_rules_result_free(res);
	return rc == VG_OK ? VG_EXIT_OK : VG_EXIT_CONFIG;
}

static int load_rules(vg_app *app)
{
	vg_rules_result *res = NULL;
	vg_err err;
	vg_err_clear(&err);
	vg_rc rc = vg_detect_new(&app->cfg, app->engine, app->outputs, app->rules_files, app->n_rules_files,
				 &app->detect, &res, &err);
	if (res)
		report_result(res);
	vg_rules_result_free(res);
	if (rc != VG_OK) {
		fprintf(stderr, "vigil: %s\n", err.msg);
		return VG_EXIT_CONFIG;
	}
	return VG_EXIT_OK;
}

static int list_rules(vg_app *app)
{
	vg_buf out;
	vg_buf_init(&out);
	int code = VG_EXIT_OK;
	const vg_rules *rules = vg_detect_rules(app->detect);
	if (app->cli->describe_rule) {
		if (vg_rules_describe(rules, app->cli->describe_rule, &out) != VG_OK) {
			fprintf(stderr, "vigil: -l: no rule is called '%s'\n", app->cli->describe_rule);
			code = VG_EXIT_USAGE;
		}
	} else if (app->cfg.json_output) {
		vg_rules_list_json(rules, &out);
	} else {
		vg_rules_list_text(rules, &out);
	}
	fputs(out.data, stdout);
	if (out.len && out.data[out.len - 1] != '\n')
		fputc('\n', stdout);
	vg_buf_free(&out);
	return code;
}

/* vigil's eBPF source only produces what the rules (and state tracking) need. */
static int select_syscalls(vg_app *app)
{
	uint32_t ncodes = 0;
	uint16_t *codes = NULL;
	int code = VG_EXIT_OK;
	vg_buf json;
	vg_buf_init(&json);
	for (uint32_t i = 0; i < vg_engine_source_count(app->engine) && code == VG_EXIT_OK; i++) {
		vg_source *s = vg_engine_source_at(app->engine, i);
		if (strcmp(s->plugin_name, "syscall") != 0)
			continue;
		if (!codes && app->detect)
			codes = vg_detect_syscall_evttypes(app->detect, &ncodes);
		vg_err err;
		vg_err_clear(&err);
		if (vg_syscall_select_config(&app->cfg, s->init_config, codes, ncodes, &json, &err) != VG_OK ||
		    vg_plugin_set_config(s->src, json.data, &err) != VG_OK)
			code = fail(VG_EXIT_PLUGIN, &err);
		else
			vg_debug("syscall source config: %s", json.data);
	}
	free(codes);
	vg_buf_free(&json);
	return code;
}

/* ---- running ---- */

static bool check_drops(void *ud, vg_source *const *sources, uint32_t n, uint64_t now_ns)
{
	return vg_drops_check(ud, sources, n, now_ns);
}

static void dump_event(void *ud, vg_source *src, vg_evctx *ev)
{
	(void)ud;
	vg_dump_event(stdout, src, ev);
}

static int create_engine(vg_app *app)
{
	const vg_cli *cli = app->cli;
	vg_engine_opts eo = {
		.cfg = &app->cfg,
		.plugin_dir = cli->plugin_dir,
		.enable_sources = cli->enable_sources.v,
		.n_enable_sources = cli->enable_sources.n,
		.disable_sources = cli->disable_sources.v,
		.n_disable_sources = cli->disable_sources.n,
	};
	vg_err err;
	vg_err_clear(&err);
	if (vg_engine_new(&eo, &app->engine, &err) != VG_OK)
		return fail(err.rc == VG_ERR_PLUGIN ? VG_EXIT_PLUGIN : VG_EXIT_CONFIG, &err);
	return VG_EXIT_OK;
}

static int run_sources(vg_app *app)
{
	vg_err err;
	vg_err_clear(&err);
	if (vg_outputs_start(app->outputs, &err) != VG_OK)
		return fail(VG_EXIT_RUNTIME, &err);
	atomic_store(&app->live_outputs, app->outputs);
	if (!(app->drops = vg_drops_new(&app->cfg, app->outputs)))
		return VG_EXIT_RUNTIME;
	vg_engine_on_tick(app->engine, check_drops, app->drops);
	if (app->cli->dump_events)
		vg_engine_on_event(app->engine, dump_event, app);
	else
		vg_detect_attach(app->detect);
	atomic_store(&app->running, app->engine);
	vg_rc rc = vg_engine_run(app->engine, app->cli->duration_s, &err);
	atomic_store(&app->running, NULL);
	vg_outputs_flush_and_stop(app->outputs);
	if (app->cli->stats) {
		vg_engine_print_stats(app->engine, stderr);
		if (app->detect)
			vg_detect_print_stats(app->detect, stderr);
		vg_outputs_stats st;
		vg_outputs_stats_get(app->outputs, &st);
		fprintf(stderr, "outputs: submitted=%llu dropped=%llu\n", (unsigned long long)st.submitted,
			(unsigned long long)st.dropped);
	}
	if (rc != VG_OK)
		return fail(VG_EXIT_RUNTIME, &err);
	return VG_EXIT_OK;
}

int vg_app_main(vg_app *app)
{
	const vg_cli *cli = app->cli;
	if (cli->list_events) {
		vg_listing_events(stdout, cli->list_format);
		return VG_EXIT_OK;
	}
	if (cli->gvisor_config)
		return gvisor_config(app);
	int code = create_engine(app);
	if (code != VG_EXIT_OK)
		return code;
	if (cli->list_plugins)
		return list_plugins(app);
	if (cli->plugin_info)
		return plugin_info(app, cli->plugin_info);
	if (cli->list_fields)
		return list_fields(app);
	if (cli->validate.n)
		return validate(app);
	vg_err err;
	vg_err_clear(&err);
	/* Outputs exist (not yet started) before rules load: rules keep a pointer to them. */
	if (!cli->dump_events && vg_outputs_new(&app->cfg, &app->outputs, &err) != VG_OK)
		return fail(VG_EXIT_CONFIG, &err);
	if (!cli->dump_events && (code = load_rules(app)) != VG_EXIT_OK)
		return code;
	if (cli->list_rules || cli->describe_rule)
		return list_rules(app);
	if ((code = select_syscalls(app)) != VG_EXIT_OK)
		return code;
	if (cli->dry_run)
		return VG_EXIT_OK;
	if (cli->dump_events && vg_outputs_new(&app->cfg, &app->outputs, &err) != VG_OK)
		return fail(VG_EXIT_CONFIG, &err);
	return run_sources(app);
}
