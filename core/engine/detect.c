#include "engine/detect.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

/* What one source instance runs. */
typedef struct detect_source {
	vg_source *src;
	vg_rules *owned;        /* a per-instance copy for a repeated source name, else NULL */
	vg_ruleset *rs;         /* NULL: no rule for this source */
	vg_ruleset_state *st;
	vg_buf message, fields; /* reused for every alert of this thread */
} detect_source;

struct vg_detect {
	const vg_config *cfg;
	vg_engine *engine;
	vg_outputs *outputs;
	vg_rules *rules;        /* primary load */
	detect_source *sources; /* one per engine source instance */
	uint32_t nsources;
	_Atomic uint64_t *alerts; /* per rule index of the primary load */
	uint32_t nrules;
	vg_arena *arena;        /* options converted from the config */
	vg_rules_opts opts;
};

/* ---- options from the configuration ---- */

static const vg_fields *first_registry(const char *source, void *ud)
{
	return vg_engine_fields_for(((vg_detect *)ud)->engine, source);
}

static const char *plugin_version(const char *name, void *ud)
{
	vg_detect *d = ud;
	vg_plugin_lib *lib = vg_plugin_registry_find(vg_engine_plugins(d->engine), name);
	return lib ? vg_plugin_lib_info(lib)->version : NULL;
}

static const char *scalar(const vg_yaml_node *n)
{
	return n && n->kind == VG_YAML_SCALAR ? n->str : NULL;
}

static vg_rc where_err(vg_err *err, const vg_yaml_node *n, const char *what)
{
	char at[512];
	return vg_err_set(err, VG_ERR_INVALID, "%s: append_output: %s", vg_yaml_where(n, at, sizeof(at)), what);
}

static vg_rc convert_extra_fields(vg_detect *d, const vg_yaml_node *n, vg_rules_append_output *ao, vg_err *err)
{
	if (n->kind != VG_YAML_SEQ)
		return where_err(err, n, "extra_fields must be a list");
	vg_rules_kv *kv = vg_arena_zalloc(d->arena, sizeof(*kv) * (n->n ? n->n : 1) * 4);
	uint32_t k = 0;
	for (uint32_t i = 0; i < n->n; i++) {
		const vg_yaml_node *item = n->vals[i];
		if (item->kind == VG_YAML_SCALAR) {
			kv[k++] = (vg_rules_kv){ item->str, NULL }; /* a field name */
			continue;
		}
		if (item->kind != VG_YAML_MAP)
			return where_err(err, item, "extra_fields entries are field names or {name: format} maps");
		for (uint32_t j = 0; j < item->n && k < n->n * 4; j++)
			kv[k++] = (vg_rules_kv){ item->keys[j]->str, scalar(item->vals[j]) };
	}
	ao->extra_fields = kv;
	ao->nextra_fields = k;
	return VG_OK;
}

static vg_rc convert_match(vg_detect *d, const vg_yaml_node *m, vg_rules_append_output *ao, vg_err *err)
{
	if (m->kind != VG_YAML_MAP)
		return where_err(err, m, "match must be a map");
	ao->match_source = scalar(vg_yaml_map_get(m, "source"));
	ao->match_rule = scalar(vg_yaml_map_get(m, "rule"));
	const vg_yaml_node *tags = vg_yaml_map_get(m, "tags");
	if (!tags)
		return VG_OK;
	if (tags->kind != VG_YAML_SEQ)
		return where_err(err, tags, "match.tags must be a list");
	const char **t = vg_arena_zalloc(d->arena, sizeof(*t) * (tags->n ? tags->n : 1));
	for (uint32_t i = 0; i < tags->n; i++)
		t[i] = scalar(tags->vals[i]);
	ao->match_tags = t;
	ao->nmatch_tags = tags->n;
	return VG_OK;
}

static vg_rc convert_append_output(vg_detect *d, vg_err *err)
{
	const vg_yaml_node *list = d->cfg->append_output;
	if (!list)
		return VG_OK;
	if (list->kind != VG_YAML_SEQ)
		return where_err(err, list, "must be a list");
	vg_rules_append_output *aos = vg_arena_zalloc(d->arena, sizeof(*aos) * (list->n ? list->n : 1));
	for (uint32_t i = 0; i < list->n; i++) {
		const vg_yaml_node *e = list->vals[i];
		if (e->kind != VG_YAML_MAP)
			return where_err(err, e, "entries must be maps");
		const vg_yaml_node *m = vg_yaml_map_get(e, "match");
		const vg_yaml_node *ef = vg_yaml_map_get(e, "extra_fields");
		const vg_yaml_node *so = vg_yaml_map_get(e, "suggested_output");
		aos[i].extra_output = scalar(vg_yaml_map_get(e, "extra_output"));
		if (so && !vg_yaml_bool(so, &aos[i].suggested_output))
			return where_err(err, so, "suggested_output must be a boolean");
		vg_rc rc = VG_OK;
		if (m)
			rc = convert_match(d, m, &aos[i], err);
		if (rc == VG_OK && ef)
			rc = convert_extra_fields(d, ef, &aos[i], err);
		if (rc != VG_OK)
			return rc;
	}
	d->opts.append_output = aos;
	d->opts.nappend_output = list->n;
	return VG_OK;
}

static vg_rc build_opts(vg_detect *d, vg_err *err)
{
	const vg_config *cfg = d->cfg;
	vg_rules_opts_init(&d->opts);
	d->opts.registry_for_source = first_registry;
	d->opts.plugin_version = plugin_version;
	d->opts.ud = d;
	d->opts.min_priority = cfg->priority;
	d->opts.matching = cfg->rule_matching_all ? VG_RULE_MATCHING_ALL : VG_RULE_MATCHING_FIRST;
	vg_rules_selector *sel = vg_arena_zalloc(d->arena, sizeof(*sel) * (cfg->n_rules ? cfg->n_rules : 1));
	for (size_t i = 0; i < cfg->n_rules; i++) {
		sel[i].enable = cfg->rules[i].enable;
		if (cfg->rules[i].by_tag)
			sel[i].tag = cfg->rules[i].value;
		else
			sel[i].rule = cfg->rules[i].value;
	}
	d->opts.selectors = sel;
	d->opts.nselectors = (uint32_t)cfg->n_rules;
	vg_rules_kv *sf = vg_arena_zalloc(d->arena, sizeof(*sf) * (cfg->n_static_fields ? cfg->n_static_fields : 1));
	for (size_t i = 0; i < cfg->n_static_fields; i++)
		sf[i] = (vg_rules_kv){ cfg->static_fields[i].key, cfg->static_fields[i].value };
	d->opts.static_fields = sf;
	d->opts.nstatic_fields = (uint32_t)cfg->n_static_fields;
	return convert_append_output(d, err);
}

static vg_detect *detect_alloc(const vg_config *cfg, vg_engine *e, vg_outputs *out)
{
	vg_detect *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->cfg = cfg;
	d->engine = e;
	d->outputs = out;
	d->arena = vg_arena_new(0);
	if (!d->arena) {
		free(d);
		return NULL;
	}
	return d;
}

/* ---- per-instance copies ---- */

typedef struct instance_ud {
	vg_detect *d;
	vg_source *src;
} instance_ud;

static const vg_fields *instance_registry(const char *source, void *ud)
{
	instance_ud *iu = ud;
	return strcmp(source, iu->src->source) == 0 ? iu->src->fields : NULL;
}

static const char *instance_plugin_version(const char *name, void *ud)
{
	return plugin_version(name, ((instance_ud *)ud)->d);
}

/* A second instance of a source name gets its own compile of the same files, resolved against
 * its own registry; the diagnostics repeat the primary load's and are dropped. */
static vg_rc load_instance_copy(vg_detect *d, detect_source *ds, const char *const *files, size_t nfiles, vg_err *err)
{
	instance_ud iu = { d, ds->src };
	vg_rules_opts o = d->opts;
	o.registry_for_source = instance_registry;
	o.plugin_version = instance_plugin_version;
	o.ud = &iu;
	vg_rules_result *res = NULL;
	vg_rc rc = vg_rules_load(&o, files, (uint32_t)nfiles, &ds->owned, &res, err);
	vg_rules_result_free(res);
	if (rc != VG_OK)
		return vg_err_prefix(err, "rules for source '%s' of plugin '%s'", ds->src->source, ds->src->plugin_name);
	ds->rs = vg_rules_ruleset(ds->owned, ds->src->source);
	return VG_OK;
}

static vg_rc bind_sources(vg_detect *d, const char *const *files, size_t nfiles, vg_err *err)
{
	d->nsources = vg_engine_source_count(d->engine);
	d->sources = calloc(d->nsources ? d->nsources : 1, sizeof(*d->sources));
	if (!d->sources)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < d->nsources; i++) {
		detect_source *ds = &d->sources[i];
		ds->src = vg_engine_source_at(d->engine, i);
		vg_buf_init(&ds->message);
		vg_buf_init(&ds->fields);
		bool first = vg_engine_fields_for(d->engine, ds->src->source) == ds->src->fields;
		if (first) {
			ds->rs = vg_rules_ruleset(d->rules, ds->src->source);
		} else {
			vg_rc rc = load_instance_copy(d, ds, files, nfiles, err);
			if (rc != VG_OK)
				return rc;
		}
		if (ds->rs && !(ds->st = vg_ruleset_state_new(ds->rs)))
			return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	}
	return VG_OK;
}

vg_rc vg_detect_new(const vg_config *cfg, vg_engine *e, vg_outputs *out, const char *const *files, size_t nfiles,
		    vg_detect **dp, vg_rules_result **result, vg_err *err)
{
	*dp = NULL;
	*result = NULL;
	vg_detect *d = detect_alloc(cfg, e, out);
	if (!d)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	vg_rc rc = build_opts(d, err);
	if (rc == VG_OK)
		rc = vg_rules_load(&d->opts, files, (uint32_t)nfiles, &d->rules, result, err);
	if (rc == VG_OK) {
		d->nrules = vg_rules_count(d->rules);
		d->alerts = calloc(d->nrules ? d->nrules : 1, sizeof(*d->alerts));
		rc = d->alerts ? bind_sources(d, files, nfiles, err) : vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	}
	if (rc != VG_OK) {
		vg_detect_free(d);
		return rc;
	}
	*dp = d;
	return VG_OK;
}

vg_rc vg_detect_validate(const vg_config *cfg, vg_engine *e, const char *const *files, size_t nfiles,
			 vg_rules_result **result, vg_err *err)
{
	*result = NULL;
	vg_detect *d = detect_alloc(cfg, e, NULL);
	if (!d)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	vg_rc rc = build_opts(d, err);
	if (rc == VG_OK)
		rc = vg_rules_load(&d->opts, files, (uint32_t)nfiles, &d->rules, result, err);
	vg_detect_free(d);
	return rc;
}

void vg_detect_free(vg_detect *d)
{
	if (!d)
		return;
	for (uint32_t i = 0; i < d->nsources; i++) {
		detect_source *ds = &d->sources[i];
		vg_ruleset_state_free(ds->st);
		vg_rules_free(ds->owned);
		vg_buf_free(&ds->message);
		vg_buf_free(&ds->fields);
	}
	free(d->sources);
	free(d->alerts);
	vg_rules_free(d->rules);
	vg_arena_free(d->arena);
	free(d);
}

const vg_rules *vg_detect_rules(const vg_detect *d)
{
	return d->rules;
}

/* ---- per event ---- */

typedef struct match_ctx {
	vg_detect *d;
	detect_source *ds;
} match_ctx;

static void on_match(const vg_rule *rule, vg_evctx *ev, void *ud)
{
	match_ctx *mc = ud;
	detect_source *ds = mc->ds;
	vg_ruleset_format(rule, ds->st, ev, &ds->message, &ds->fields);
	vg_alert a = {
		.ts = ev->evt->ts,
		.priority = (int)rule->priority,
		.rule = rule->name,
		.source = ds->src->source,
		.message = ds->message.data,
		.output_fields_json = ds->fields.data,
		.tags = rule->tags,
		.ntags = rule->ntags,
	};
	vg_outputs_submit(mc->d->outputs, &a);
	if (rule->index < mc->d->nrules)
		atomic_fetch_add_explicit(&mc->d->alerts[rule->index], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&ds->src->stats.alerts, 1, memory_order_relaxed);
}

static void on_event(void *ud, vg_source *src, vg_evctx *ev)
{
	vg_detect *d = ud;
	detect_source *ds = src->rules;
	if (!ds || !ds->rs)
		return;
	match_ctx mc = { d, ds };
	vg_ruleset_match(ds->rs, ds->st, ev, on_match, &mc);
}

void vg_detect_attach(vg_detect *d)
{
	for (uint32_t i = 0; i < d->nsources; i++)
		d->sources[i].src->rules = &d->sources[i];
	vg_engine_on_event(d->engine, on_event, d);
}

uint16_t *vg_detect_syscall_evttypes(const vg_detect *d, uint32_t *n)
{
	uint32_t count = vg_rules_evttypes(d->rules, "syscall", NULL, 0);
	uint16_t *codes = malloc(sizeof(*codes) * (count ? count : 1));
	*n = codes ? vg_rules_evttypes(d->rules, "syscall", codes, count) : 0;
	return codes;
}

void vg_detect_print_stats(const vg_detect *d, FILE *out)
{
	for (uint32_t i = 0; i < d->nrules; i++) {
		uint64_t n = atomic_load(&d->alerts[i]);
		if (n)
			fprintf(out, "rule '%s': %llu alerts\n", vg_rules_at(d->rules, i)->name, (unsigned long long)n);
	}
}
