/* sysstate: vigil's syscall state and fields plugin. It parses every event of the "syscall"
 * source (host eBPF driver, gVisor sandboxes, capture replay) to keep thread and fd tables, and
 * extracts proc.*, fd.*, user.*, evt.arg* ... from them. Parsing and extraction only: it sources
 * no events. Every call works on its own ss_plugin_t, so one process can run one instance per
 * syscall source thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin_api.h>
#include <vigil/plugin_sdk.h>

#include "sst_fields.h"
#include "sst_parse.h"
#include "sst_state.h"

#define SST_PLUGIN_VERSION "0.1.0"

/* Metrics the host can read with get_metrics; the array lives in a per-state wrapper. */
enum { SST_M_THREADS, SST_M_PROCS, SST_M_EVICTED, SST_M_PURGED, SST_M_FD_DROPPED,
       SST_M_MALFORMED, SST_M_PROCFS_LOOKUPS, SST_M_COUNT };

typedef struct sst_plugin {
	sst_state *st;
	ss_plugin_metric metrics[SST_M_COUNT];
	vsdk_error err; /* init errors, before a state exists */
} sst_plugin;

const char *plugin_get_required_api_version(void)
{
	return PLUGIN_API_VERSION_STR;
}

const char *plugin_get_version(void)
{
	return SST_PLUGIN_VERSION;
}

const char *plugin_get_name(void)
{
	return "sysstate";
}

const char *plugin_get_description(void)
{
	return "Thread and fd state for syscall sources, and the syscall fields (proc.*, fd.*, "
	       "user.*, evt.arg* ...)";
}

const char *plugin_get_contact(void)
{
	return "vigil maintainers";
}

const char *plugin_get_required_event_schema_version(ss_plugin_t *s)
{
	(void)s;
	/* Parameters are looked up by name, so any 4.x layout works. */
	return "4.0.0";
}

const char *plugin_get_init_schema(ss_plugin_schema_type *schema_type)
{
	*schema_type = SS_PLUGIN_SCHEMA_JSON;
	return "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
	       "\"properties\":{"
	       "\"thread_table_size\":{\"type\":\"integer\",\"minimum\":1,\"description\":"
	       "\"Most threads tracked; the least recently active is evicted beyond it (262144)\"},"
	       "\"fd_table_size\":{\"type\":\"integer\",\"minimum\":1,\"description\":"
	       "\"Most fds tracked per process (4096)\"},"
	       "\"procfs\":{\"type\":\"boolean\",\"description\":"
	       "\"Seed from procfs at start and look up unknown host threads there (true)\"},"
	       "\"proc_root\":{\"type\":\"string\",\"description\":\"procfs mount (/proc)\"},"
	       "\"host_root\":{\"type\":\"string\",\"description\":"
	       "\"Prefix of the host's /etc/passwd and /etc/group (empty)\"},"
	       "\"thread_timeout_s\":{\"type\":\"integer\",\"minimum\":0,\"description\":"
	       "\"Inactivity after which a thread is checked for a missed exit (1800)\"},"
	       "\"purge_interval_s\":{\"type\":\"integer\",\"minimum\":1,\"description\":"
	       "\"How often the stale-thread purge runs (60)\"}},"
	       "\"additionalProperties\":false}";
}

ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	sst_plugin *pl = calloc(1, sizeof *pl);
	if (!pl) {
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	pl->st = sst_state_new(in ? in->config : NULL, in, &pl->err);
	*rc = pl->st ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
	return pl;
}

void plugin_destroy(ss_plugin_t *s)
{
	sst_plugin *pl = s;
	if (!pl)
		return;
	sst_state_free(pl->st);
	free(pl);
}

const char *plugin_get_last_error(ss_plugin_t *s)
{
	sst_plugin *pl = s;
	return pl->st ? vsdk_error_str(&pl->st->err) : vsdk_error_str(&pl->err);
}

const char *plugin_get_fields(void)
{
	return sst_fields_json();
}

const char *plugin_get_extract_event_sources(void)
{
	return "[\"syscall\"]";
}

const char *plugin_get_parse_event_sources(void)
{
	return "[\"syscall\"]";
}

ss_plugin_rc plugin_parse_event(ss_plugin_t *s, const ss_plugin_event_input *evt,
				const ss_plugin_event_parse_input *in)
{
	(void)in;
	sst_plugin *pl = s;
	if (!pl->st || !evt || !evt->evt)
		return SS_PLUGIN_FAILURE;
	sst_parse_event(pl->st, evt->evtnum, evt->evt);
	return SS_PLUGIN_SUCCESS;
}

ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *evt,
				   const ss_plugin_field_extract_input *in)
{
	sst_plugin *pl = s;
	sst_state *st = pl->st;
	if (!st || !evt || !evt->evt || !in)
		return SS_PLUGIN_FAILURE;
	/* Normally parse_event already decoded this event; otherwise decode it read-only. */
	if (st->ctx.evtnum != evt->evtnum || st->ctx.evt != evt->evt)
		sst_state_load_ctx(st, evt->evtnum, evt->evt);
	return sst_fields_extract(st, in->fields, in->num_fields);
}

ss_plugin_metric *plugin_get_metrics(ss_plugin_t *s, uint32_t *num_metrics)
{
	sst_plugin *pl = s;
	*num_metrics = 0;
	if (!pl->st)
		return NULL;
	const sst_state *st = pl->st;
	const struct {
		const char *name;
		ss_plugin_metric_type type;
		uint64_t v;
	} m[SST_M_COUNT] = {
		[SST_M_THREADS] = {"sysstate.n_threads", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC, st->threads.threads.count},
		[SST_M_PROCS] = {"sysstate.n_processes", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC, st->threads.procs.count},
		[SST_M_EVICTED] = {"sysstate.n_threads_evicted", SS_PLUGIN_METRIC_TYPE_MONOTONIC, st->threads.evicted},
		[SST_M_PURGED] = {"sysstate.n_threads_purged", SS_PLUGIN_METRIC_TYPE_MONOTONIC, st->threads.purged},
		[SST_M_FD_DROPPED] = {"sysstate.n_fds_untracked", SS_PLUGIN_METRIC_TYPE_MONOTONIC, st->threads.fdpool.dropped},
		[SST_M_MALFORMED] = {"sysstate.n_events_malformed", SS_PLUGIN_METRIC_TYPE_MONOTONIC, st->n_malformed},
		[SST_M_PROCFS_LOOKUPS] = {"sysstate.n_procfs_lookups", SS_PLUGIN_METRIC_TYPE_MONOTONIC, st->n_procfs_lookups},
	};
	for (int i = 0; i < SST_M_COUNT; i++) {
		pl->metrics[i].name = m[i].name;
		pl->metrics[i].type = m[i].type;
		pl->metrics[i].value.u64 = m[i].v;
		pl->metrics[i].value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64;
	}
	*num_metrics = SST_M_COUNT;
	return pl->metrics;
}
