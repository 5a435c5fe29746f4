/* Test helper: loads one of our plugins with dlopen (as the host does) and drives it through
 * its exported ABI functions only. */
#ifndef K8SA_TPLUGIN_H
#define K8SA_TPLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIGIL_PLUGIN_NO_PROTOTYPES
#include <vigil/plugin_api.h>

typedef struct tplugin {
	void *dl;
	const char *(*get_required_api_version)(void);
	const char *(*get_name)(void);
	const char *(*get_version)(void);
	const char *(*get_fields)(void);
	const char *(*get_init_schema)(ss_plugin_schema_type *);
	ss_plugin_t *(*init)(const ss_plugin_init_input *, ss_plugin_rc *);
	void (*destroy)(ss_plugin_t *);
	const char *(*get_last_error)(ss_plugin_t *);
	ss_instance_t *(*open)(ss_plugin_t *, const char *, ss_plugin_rc *);
	void (*close)(ss_plugin_t *, ss_instance_t *);
	ss_plugin_rc (*next_batch)(ss_plugin_t *, ss_instance_t *, uint32_t *, ss_plugin_event ***);
	const char *(*event_to_string)(ss_plugin_t *, const ss_plugin_event_input *);
	const char *(*list_open_params)(ss_plugin_t *, ss_plugin_rc *);
	ss_plugin_rc (*extract_fields)(ss_plugin_t *, const ss_plugin_event_input *,
				       const ss_plugin_field_extract_input *);
	ss_plugin_metric *(*get_metrics)(ss_plugin_t *, uint32_t *);
	const char *(*get_extract_event_sources)(void);
	uint32_t (*get_id)(void);
	const char *(*get_event_source)(void);
	ss_plugin_t *state;
} tplugin;

/* Loads $VIGIL_BUILD_DIR/plugins/lib<name>.so and inits it with config (NULL = none). Log
 * lines are appended to a buffer readable with tplugin_log(). Aborts the test on failure. */
void tplugin_load(tplugin *p, const char *name, const char *config);
void tplugin_unload(tplugin *p);
/* Everything logged so far (NUL-terminated; valid until the next log line). */
const char *tplugin_log(void);
void tplugin_log_clear(void);

/* A plugin event (type 322, plugin id 1) with json as payload; free() it. */
ss_plugin_event *tplugin_event(const char *json, size_t len, uint64_t ts);

/* Extracts one field (arg: "[...]" content or NULL). Returns the number of values and stores
 * them in vals (borrowed until the next extraction). -1 when extraction failed. */
int tplugin_extract(tplugin *p, const ss_plugin_event *evt, uint64_t evtnum, const char *field,
		    const char *arg, const char ***vals);
/* Same, returning the only value or NULL when there is none. */
const char *tplugin_extract1(tplugin *p, const ss_plugin_event *evt, uint64_t evtnum,
			     const char *field, const char *arg);

/* Reads a file under tests/unit/k8saudit/data (aborts when missing); free() it. */
char *tplugin_fixture(const char *name, size_t *len);

/* Metric value by name, or UINT64_MAX when absent. */
uint64_t tplugin_metric(tplugin *p, const char *name);

#endif
