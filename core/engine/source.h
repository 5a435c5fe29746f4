/* A source instance: one sourcing plugin state plus the states of every extractor and parser
 * plugin compatible with its source, the field registry built from them, and the thread that
 * pulls events and runs them through parse → rules → outputs.
 *
 * Two instances may share a source name: the eBPF driver and the gVisor listener both feed
 * "syscall", each with its own sysstate state, so their thread tables never mix. */
#ifndef VG_SOURCE_H
#define VG_SOURCE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "fields/fields.h"
#include "fields/generic.h"
#include "plugin/plugin.h"
#include "util/arena.h"
#include "util/err.h"

struct vg_engine;

/* How a configured plugin is used: which library and with which config. Borrowed. */
typedef struct vg_source_plugin_cfg {
	vg_plugin_lib *lib;
	const char *init_config;
	const char *open_params;
} vg_source_plugin_cfg;

typedef struct vg_source_stats {
	_Atomic uint64_t events;
	_Atomic uint64_t timeouts;
	_Atomic uint64_t parse_failures;
	_Atomic uint64_t extract_failures;
	_Atomic uint64_t alerts;
} vg_source_stats;

typedef struct vg_source {
	char *source;              /* source name ("syscall", "k8s_audit", ...) */
	char *plugin_name;         /* sourcing plugin name */
	vg_plugin *src;            /* sourcing plugin state */
	const char *open_params;   /* borrowed from the configuration */
	const char *init_config;   /* the sourcing plugin's, borrowed from the configuration */
	vg_plugin **states;        /* every plugin state of this instance (incl. src), owned */
	uint32_t nstates;
	vg_plugin **parsers;       /* subset of states with parsing for this source, in load order */
	uint32_t nparsers;
	vg_fields *fields;         /* generic + plugin fields, owned */
	vg_generic_source generic; /* generic field extractor data */
	void *rules;               /* the engine's compiled rules for this instance (opaque here) */
	void *rules_state;         /* per-thread evaluation state */
	vg_source_stats stats;
	const struct vg_engine *engine;
	pthread_t thread;
	bool started;
	_Atomic bool finished;
	vg_rc exit_rc;             /* why the thread ended */
	vg_err exit_err;
	vg_arena *scratch;         /* reset after every event */
	vg_evctx ev;
} vg_source;

/* Creates the instance for cfgs[src_idx] (a sourcing plugin): initialises its state and one
 * state of every other configured plugin that extracts from or parses this source, then builds
 * the field registry (generic fields first; a clash between extractors is an error). cfgs is
 * the whole configured plugin list, in load order. */
vg_rc vg_source_new(const vg_source_plugin_cfg *cfgs, uint32_t ncfgs, uint32_t src_idx, const char *hostname,
		    vg_source **out, vg_err *err);
void vg_source_free(vg_source *s);

#endif
