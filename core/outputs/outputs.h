/* Alert output: formatting (Falco's text and JSON shapes), a bounded queue, ONE output thread
 * and the configured sinks (stdout, file, syslog, program, http; see sink.h).
 *
 * vg_outputs_submit() formats the alert in the caller's thread and enqueues the line; it never
 * waits for a sink. When the queue is full the alert is dropped and counted, and a warning is
 * logged at most once per second. A slow sink therefore only fills the queue; it never stalls
 * event processing. vg_outputs_flush_and_stop() drains the queue at shutdown.
 *
 * Lifecycle: vg_outputs_new (sinks from the config) → optional vg_outputs_add_sink →
 * vg_outputs_start → submit* (any thread) → vg_outputs_flush_and_stop → vg_outputs_stats →
 * vg_outputs_free. */
#ifndef VG_OUTPUTS_H
#define VG_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "outputs/sink.h"
#include "util/buf.h"
#include "util/err.h"

/* One alert. Every pointer is borrowed for the duration of vg_outputs_submit() only. */
typedef struct vg_alert {
	uint64_t ts;                   /* event time, ns since the epoch */
	int priority;                  /* syslog number 0 (Emergency) .. 7 (Debug) */
	const char *rule;
	const char *source;            /* "syscall", "k8s_audit", "internal", ... */
	const char *message;           /* the rule's formatted output (no time, no priority) */
	const char *output_fields_json; /* JSON object text, or NULL ({} in JSON output) */
	const char *const *tags;
	uint32_t ntags;
} vg_alert;

/* outputs_queue.capacity 0 means this many queued alerts (Falco: unbounded; we keep a bound so
 * a stuck sink cannot eat all memory — at ~0.5 KB per JSON alert, about 50 MB when full). */
#define VG_OUTPUTS_DEFAULT_CAPACITY 100000u
#define VG_OUTPUTS_MAX_CAPACITY 16777216u /* larger values are a configuration error */
#define VG_OUTPUTS_MAX_SINKS 8u

typedef struct vg_outputs vg_outputs;

typedef struct vg_outputs_sink_stats {
	const char *name; /* static */
	uint64_t written;
	uint64_t errors;
} vg_outputs_sink_stats;

typedef struct vg_outputs_stats {
	uint64_t submitted; /* every vg_outputs_submit() call */
	uint64_t dropped;   /* refused because the queue was full */
	uint32_t nsinks;
	vg_outputs_sink_stats sinks[VG_OUTPUTS_MAX_SINKS];
} vg_outputs_stats;

/* Creates the output module and the sinks the config enables (stdout_output, file_output,
 * syslog_output, program_output, http_output). cfg is read during the call only; -U maps to
 * cfg->buffered_outputs = false. The hostname comes from VIGIL_HOSTNAME, then FALCO_HOSTNAME,
 * then gethostname(). *out is freed with vg_outputs_free. */
vg_rc vg_outputs_new(const vg_config *cfg, vg_outputs **out, vg_err *err);

/* Adds a custom sink before vg_outputs_start (ownership transferred: destroyed by
 * vg_outputs_free). Fails with VG_ERR_LIMIT beyond VG_OUTPUTS_MAX_SINKS. */
vg_rc vg_outputs_add_sink(vg_outputs *o, vg_sink *sink, vg_err *err);

/* Starts the output thread. */
vg_rc vg_outputs_start(vg_outputs *o, vg_err *err);

/* Formats and enqueues; thread-safe; never blocks on a sink. Returns false when the alert was
 * dropped (queue full, not started, or already stopped). */
bool vg_outputs_submit(vg_outputs *o, const vg_alert *a);

/* An internal alert (source "internal", time = now), e.g. for event drops. message is
 * borrowed; output_fields_json may be NULL. */
bool vg_outputs_submit_internal(vg_outputs *o, int priority, const char *rule, const char *message,
				const char *output_fields_json);

/* Appends the alert line exactly as sinks receive it (text or JSON, no newline). */
void vg_outputs_format(const vg_outputs *o, const vg_alert *a, vg_buf *out);

/* Asks every sink to reopen its file/pipe before the next alert. Async-signal-safe (SIGHUP). */
void vg_outputs_reopen(vg_outputs *o);

/* Writes every queued alert, flushes the sinks and joins the output thread. Idempotent. */
void vg_outputs_flush_and_stop(vg_outputs *o);

/* Counter snapshot (consistent enough for stats at exit; exact after flush_and_stop). */
void vg_outputs_stats_get(const vg_outputs *o, vg_outputs_stats *out);

/* Stops (if needed), destroys the sinks and frees o. NULL is fine. */
void vg_outputs_free(vg_outputs *o);

#endif
