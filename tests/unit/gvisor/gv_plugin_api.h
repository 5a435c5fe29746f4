/* Loads build/plugins/libgvisor.so with dlopen and resolves the plugin_* symbols the tests use,
 * so the tests exercise exactly what a host sees. */
#ifndef GV_PLUGIN_API_H
#define GV_PLUGIN_API_H

#include <vigil/plugin_api.h>

typedef struct gv_api {
	void *handle;
	ss_plugin_t *(*init)(const ss_plugin_init_input *, ss_plugin_rc *);
	void (*destroy)(ss_plugin_t *);
	const char *(*get_last_error)(ss_plugin_t *);
	ss_instance_t *(*open)(ss_plugin_t *, const char *, ss_plugin_rc *);
	void (*close)(ss_plugin_t *, ss_instance_t *);
	ss_plugin_rc (*next_batch)(ss_plugin_t *, ss_instance_t *, uint32_t *, ss_plugin_event ***);
	const char *(*event_to_string)(ss_plugin_t *, const ss_plugin_event_input *);
	ss_plugin_metric *(*get_metrics)(ss_plugin_t *, uint32_t *);
	const char *(*list_open_params)(ss_plugin_t *, ss_plugin_rc *);
	const char *(*get_init_schema)(ss_plugin_schema_type *);
	size_t (*generate_config)(const char *, char *, size_t);
} gv_api;

/* Returns 0, or -1 with the reason on stderr. */
int gv_api_load(gv_api *api);
void gv_api_unload(gv_api *api);
/* Value of the metric called name, or UINT64_MAX when absent. */
uint64_t gv_api_metric(const gv_api *api, ss_plugin_t *s, const char *name);
/* init with a JSON config (NULL = none); returns the state, asserting success. */
ss_plugin_t *gv_api_init(const gv_api *api, const char *config, ss_plugin_rc *rc);

#endif
