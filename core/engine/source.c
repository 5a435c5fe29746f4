#include "engine/source.h"

#include <stdlib.h>
#include <string.h>

static const char *state_event_to_string(void *ud, const vg_evctx *ev)
{
	/* The generic extractor hands a const context; the plugin copies into the (mutable) scratch
	 * arena it points to, which is what vg_plugin_event_to_string needs. */
	return vg_plugin_event_to_string(ud, (vg_evctx *)ev);
}

static vg_rc add_state(vg_source *s, vg_plugin *p, vg_err *err)
{
	vg_plugin **states = realloc(s->states, sizeof(*states) * (s->nstates + 1));
	if (!states) {
		vg_plugin_destroy(p);
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	}
	s->states = states;
	s->states[s->nstates++] = p;
	return VG_OK;
}

static vg_rc register_fields(vg_source *s, vg_plugin *p, vg_err *err)
{
	const vg_plugin_info *info = vg_plugin_get_info(p);
	const vg_extractor *ext = vg_plugin_extractor(p);
	for (uint32_t i = 0; i < info->nfields; i++) {
		vg_rc rc = vg_fields_add(s->fields, &info->fields[i], ext, err);
		if (rc != VG_OK)
			return vg_err_prefix(err, "plugin '%s'", info->name);
	}
	return VG_OK;
}

static vg_rc add_parser(vg_source *s, vg_plugin *p, vg_err *err)
{
	vg_plugin **parsers = realloc(s->parsers, sizeof(*parsers) * (s->nparsers + 1));
	if (!parsers)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	s->parsers = parsers;
	s->parsers[s->nparsers++] = p;
	return VG_OK;
}

/* Inits one state of cfg for this source when it serves it, and wires its capabilities. */
static vg_rc attach_plugin(vg_source *s, const vg_source_plugin_cfg *cfg, bool is_source, vg_err *err)
{
	const vg_plugin_info *info = vg_plugin_lib_info(cfg->lib);
	bool extracts = (info->caps & VG_PLUGIN_CAP_EXTRACTION) && vg_plugin_lib_extracts_from(cfg->lib, s->source);
	bool parses = (info->caps & VG_PLUGIN_CAP_PARSING) && vg_plugin_lib_parses_from(cfg->lib, s->source);
	if (!is_source && !extracts && !parses)
		return VG_OK;
	vg_plugin *p;
	vg_rc rc = vg_plugin_init(cfg->lib, cfg->init_config, &p, err);
	if (rc != VG_OK)
		return err->rc = VG_ERR_PLUGIN;
	if ((rc = add_state(s, p, err)) != VG_OK)
		return rc;
	if (is_source)
		s->src = p;
	if (extracts && (rc = register_fields(s, p, err)) != VG_OK)
		return rc;
	if (parses && (rc = add_parser(s, p, err)) != VG_OK)
		return rc;
	return VG_OK;
}

vg_rc vg_source_new(const vg_source_plugin_cfg *cfgs, uint32_t ncfgs, uint32_t src_idx, const char *hostname,
		    vg_source **out, vg_err *err)
{
	const vg_plugin_info *src_info = vg_plugin_lib_info(cfgs[src_idx].lib);
	vg_source *s = calloc(1, sizeof(*s));
	if (!s)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	s->source = strdup(src_info->event_source);
	s->plugin_name = strdup(src_info->name);
	s->open_params = cfgs[src_idx].open_params;
	s->init_config = cfgs[src_idx].init_config;
	s->fields = s->source ? vg_fields_new(s->source) : NULL;
	s->scratch = vg_arena_new(64 * 1024);
	if (!s->source || !s->plugin_name || !s->fields || !s->scratch) {
		vg_source_free(s);
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	}
	s->generic.hostname = hostname;
	vg_rc rc = vg_generic_register(s->fields, &s->generic, err);
	/* Load order decides field order in --list and which parser runs first, as in Falco. */
	for (uint32_t i = 0; rc == VG_OK && i < ncfgs; i++)
		rc = attach_plugin(s, &cfgs[i], i == src_idx, err);
	if (rc != VG_OK) {
		vg_source_free(s);
		return vg_err_prefix(err, "source '%s'", src_info->event_source);
	}
	s->generic.plugininfo = state_event_to_string;
	s->generic.plugininfo_ud = s->src;
	s->ev.source = s->source;
	s->ev.plugin_name = s->plugin_name;
	s->ev.scratch = s->scratch;
	*out = s;
	return VG_OK;
}

void vg_source_free(vg_source *s)
{
	if (!s)
		return;
	/* Reverse order: extractors may hold references into the sourcing plugin's events. */
	for (uint32_t i = s->nstates; i-- > 0;)
		vg_plugin_destroy(s->states[i]);
	free(s->states);
	free(s->parsers);
	vg_fields_free(s->fields);
	vg_arena_free(s->scratch);
	free(s->source);
	free(s->plugin_name);
	free(s);
}
