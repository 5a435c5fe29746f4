/* k8sa_log: the plugin's logger and counters, shared by the HTTP threads, the file readers and
 * the plugin entry points.
 *
 * Log lines go to the host's log_fn (thread-safe on the host side). A flood of bad requests must
 * not turn into a flood of log lines, so at most K8SA_LOG_BURST lines are written per second;
 * the rest are counted and reported with the next line that gets through. */
#ifndef K8SA_LOG_H
#define K8SA_LOG_H

#include <stdatomic.h>
#include <stdint.h>

#include <vigil/plugin_api.h>

#define K8SA_LOG_BURST 20

typedef struct k8sa_log {
	ss_plugin_log_fn_t fn;      /* borrowed from the init input; NULL = silent */
	ss_plugin_owner_t *owner;   /* borrowed */
	_Atomic int64_t window;     /* second the current burst belongs to */
	_Atomic uint32_t in_window; /* lines written in that second */
	_Atomic uint64_t suppressed;
} k8sa_log;

/* Monotonic counters exposed through plugin_get_metrics. */
typedef struct k8sa_stats {
	_Atomic uint64_t requests;          /* HTTP requests received */
	_Atomic uint64_t requests_rejected; /* answered with a non-2xx status */
	_Atomic uint64_t bytes;             /* payload bytes received (HTTP bodies, file lines) */
	_Atomic uint64_t payloads_malformed;/* payloads that were not valid JSON */
	_Atomic uint64_t events;            /* events queued for next_batch */
	_Atomic uint64_t dropped_queue_full;
	_Atomic uint64_t dropped_too_large; /* events over maxEventSize */
	_Atomic uint64_t dropped_invalid;   /* not an audit event, or no usable stageTimestamp */
	_Atomic uint64_t lines_too_long;    /* file lines over the line limit */
} k8sa_stats;

void k8sa_log_init(k8sa_log *l, ss_plugin_log_fn_t fn, ss_plugin_owner_t *owner);
void k8sa_logf(k8sa_log *l, ss_plugin_log_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
