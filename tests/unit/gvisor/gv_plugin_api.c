#include "gv_plugin_api.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GV_SYM(field, name)                                                                        \
	do {                                                                                           \
		*(void **)&api->field = dlsym(api->handle, name);                                          \
		if (!api->field) {                                                                         \
			fprintf(stderr, "libgvisor.so: missing %s\n", name);                                  \
			return -1;                                                                             \
		}                                                                                          \
	} while (0)

int gv_api_load(gv_api *api)
{
	memset(api, 0, sizeof(*api));
	const char *dir = getenv("VIGIL_BUILD_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/plugins/libgvisor.so", dir && *dir ? dir : ".");
	api->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!api->handle) {
		fprintf(stderr, "%s\n", dlerror());
		return -1;
	}
	GV_SYM(init, "plugin_init");
	GV_SYM(destroy, "plugin_destroy");
	GV_SYM(get_last_error, "plugin_get_last_error");
	GV_SYM(open, "plugin_open");
	GV_SYM(close, "plugin_close");
	GV_SYM(next_batch, "plugin_next_batch");
	GV_SYM(event_to_string, "plugin_event_to_string");
	GV_SYM(get_metrics, "plugin_get_metrics");
	GV_SYM(list_open_params, "plugin_list_open_params");
	GV_SYM(get_init_schema, "plugin_get_init_schema");
	GV_SYM(generate_config, "vigil_gvisor_generate_config");
	return 0;
}

void gv_api_unload(gv_api *api)
{
	if (api->handle)
		dlclose(api->handle);
	memset(api, 0, sizeof(*api));
}

uint64_t gv_api_metric(const gv_api *api, ss_plugin_t *s, const char *name)
{
	uint32_t n = 0;
	ss_plugin_metric *m = api->get_metrics(s, &n);
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return m[i].value.u64;
	return UINT64_MAX;
}

static void gv_api_log(ss_plugin_owner_t *o, const char *component, const char *msg,
                       ss_plugin_log_severity sev)
{
	(void)o;
	(void)component;
	if (getenv("GV_TEST_VERBOSE"))
		fprintf(stderr, "[gvisor %d] %s\n", (int)sev, msg);
}

ss_plugin_t *gv_api_init(const gv_api *api, const char *config, ss_plugin_rc *rc)
{
	ss_plugin_init_input in = {0};
	in.config = config ? config : "";
	in.log_fn = gv_api_log;
	return api->init(&in, rc);
}
