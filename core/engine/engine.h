/* The engine: loads the configured plugins, builds one source instance per enabled event
 * source, runs one thread per instance and stops them cleanly (signal, -M deadline, EOF of
 * every source, or a source failure). Rules and outputs are attached by the caller. */
#ifndef VG_ENGINE_H
#define VG_ENGINE_H

#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"
#include "engine/source.h"
#include "plugin/plugin.h"

typedef struct vg_engine vg_engine;

/* Called on the source's thread for every event, after the parse plugins ran. The context
 * (and everything extracted) is valid only during the call. */
typedef void (*vg_engine_event_fn)(void *ud, vg_source *src, vg_evctx *ev);

typedef struct vg_engine_opts {
	const vg_config *cfg;               /* borrowed; must outlive the engine */
	const char *plugin_dir;             /* NULL = VIGIL_PLUGIN_DIR */
	const char *const *enable_sources;  /* --enable-source (borrowed) */
	uint32_t n_enable_sources;
	const char *const *disable_sources; /* --disable-source (borrowed) */
	uint32_t n_disable_sources;
} vg_engine_opts;

/* Loads plugins (config `plugins` + `load_plugins`, plus the syscall source and its state
 * plugin when engine.kind asks for syscalls and none is configured) and builds the enabled
 * source instances. Nothing is opened yet. */
vg_rc vg_engine_new(const vg_engine_opts *opts, vg_engine **out, vg_err *err);
void vg_engine_free(vg_engine *e);

vg_plugin_registry *vg_engine_plugins(vg_engine *e);
uint32_t vg_engine_source_count(const vg_engine *e);
vg_source *vg_engine_source_at(vg_engine *e, uint32_t i);
/* Registry of the first instance of a source name, NULL when no instance has it. */
const vg_fields *vg_engine_fields_for(const vg_engine *e, const char *source);
const char *vg_engine_hostname(const vg_engine *e);

/* Called about once a second from the thread running vg_engine_run; returning false stops the
 * engine as a failure (e.g. syscall_event_drops.actions: exit). */
typedef bool (*vg_engine_tick_fn)(void *ud, vg_source *const *sources, uint32_t n, uint64_t now_ns);
void vg_engine_on_tick(vg_engine *e, vg_engine_tick_fn fn, void *ud);

/* Sets the per-event callback (rules, or the event dumper). */
void vg_engine_on_event(vg_engine *e, vg_engine_event_fn fn, void *ud);

/* Opens every source, starts the threads and blocks until: vg_engine_stop(), duration_s
 * elapsed (0 = no limit), every source reached EOF, or a source failed (VG_ERR_PLUGIN with the
 * plugin's message in err). Threads are joined before it returns. */
vg_rc vg_engine_run(vg_engine *e, double duration_s, vg_err *err);
/* Asks the engine to stop; async-signal-safe. */
void vg_engine_stop(vg_engine *e);

/* Events, timeouts, plugin metrics per source. */
void vg_engine_print_stats(vg_engine *e, FILE *out);

#endif
