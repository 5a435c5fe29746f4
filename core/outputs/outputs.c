#include "outputs/outputs.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outputs/sink_file.h"
#include "outputs/sink_http.h"
#include "outputs/sink_program.h"
#include "outputs/sink_stdout.h"
#include "outputs/sink_syslog.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timefmt.h"

typedef struct slot {
	vg_buf line;
	int priority;
} slot;

typedef struct sink_entry {
	vg_sink *sink;
	atomic_uint_fast64_t written, errors;
	struct timespec last_error_log; /* output thread only */
	uint64_t errors_unlogged;
} sink_entry;

struct vg_outputs {
	/* formatting (read-only after new) */
	bool json, inc_output, inc_tags, inc_message, inc_fields, iso8601, buffered;
	char *hostname;

	sink_entry sinks[VG_OUTPUTS_MAX_SINKS];
	uint32_t nsinks;

	atomic_uint_fast64_t submitted, dropped;
	atomic_int reopen;

	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t cond;
	slot *ring;
	uint32_t cap, head, count;
	bool started, stopping, joined;
	pthread_t thread;
	struct timespec last_drop_log;
	uint64_t drops_unlogged;
};

/* Out-of-range priorities print as Debug rather than crash or print garbage. */
static const char *priority_name(int p)
{
	return p >= VG_PRIO_EMERGENCY && p <= VG_PRIO_DEBUG ? vg_priority_name((vg_priority)p) : "Debug";
}

/* ---- formatting ---- */

static void put_time_local(vg_buf *out, uint64_t ts)
{
	char t[VG_TIMEFMT_MAX];
	vg_timefmt_local(ts, t);
	vg_buf_puts(out, t);
}

static void put_time_iso(vg_buf *out, uint64_t ts, const char *zone)
{
	char t[VG_TIMEFMT_MAX];
	vg_timefmt_iso8601(ts, zone, t);
	vg_buf_puts(out, t);
}

/* "<time>: <Priority> " — the text line's prefix (only digits, letters and punctuation, so it
 * needs no JSON escaping when it becomes the start of "output"). */
static void put_text_prefix(const vg_outputs *o, const vg_alert *a, vg_buf *out)
{
	if (o->iso8601)
		put_time_iso(out, a->ts, "+0000");
	else
		put_time_local(out, a->ts);
	vg_buf_puts(out, ": ");
	vg_buf_puts(out, priority_name(a->priority));
	vg_buf_putc(out, ' ');
}

static void put_key(vg_buf *out, const char *key, bool *first)
{
	if (!*first)
		vg_buf_putc(out, ',');
	*first = false;
	vg_json_put_cstr(out, key);
	vg_buf_putc(out, ':');
}

/* Keys in alphabetical order, as Falco's JSON alerts have them. */
static void format_json(const vg_outputs *o, const vg_alert *a, vg_buf *out)
{
	const char *msg = a->message ? a->message : "";
	bool first = true;
	vg_buf_putc(out, '{');
	put_key(out, "hostname", &first);
	vg_json_put_cstr(out, o->hostname);
	if (o->inc_message) {
		put_key(out, "message", &first);
		vg_json_put_cstr(out, msg);
	}
	if (o->inc_output) {
		put_key(out, "output", &first);
		vg_buf_putc(out, '"');
		put_text_prefix(o, a, out);
		vg_json_put_escaped(out, msg, strlen(msg));
		vg_buf_putc(out, '"');
	}
	if (o->inc_fields) {
		put_key(out, "output_fields", &first);
		vg_buf_puts(out, a->output_fields_json ? a->output_fields_json : "{}");
	}
	put_key(out, "priority", &first);
	vg_json_put_cstr(out, priority_name(a->priority));
	put_key(out, "rule", &first);
	vg_json_put_cstr(out, a->rule ? a->rule : "");
	put_key(out, "source", &first);
	vg_json_put_cstr(out, a->source ? a->source : "");
	if (o->inc_tags) {
		put_key(out, "tags", &first);
		vg_buf_putc(out, '[');
		for (uint32_t i = 0; i < a->ntags; i++) {
			if (i)
				vg_buf_putc(out, ',');
			vg_json_put_cstr(out, a->tags[i] ? a->tags[i] : "");
		}
		vg_buf_putc(out, ']');
	}
	put_key(out, "time", &first);
	vg_buf_putc(out, '"');
	put_time_iso(out, a->ts, "Z");
	vg_buf_puts(out, "\"}");
}

void vg_outputs_format(const vg_outputs *o, const vg_alert *a, vg_buf *out)
{
	if (o->json) {
		format_json(o, a, out);
		return;
	}
	put_text_prefix(o, a, out);
	vg_buf_puts(out, a->message ? a->message : "");
}

/* ---- setup ---- */

static char *resolve_hostname(void)
{
	const char *env = getenv("VIGIL_HOSTNAME");
	if (!env || !*env)
		env = getenv("FALCO_HOSTNAME");
	if (env && *env)
		return strdup(env);
	char name[256];
	if (gethostname(name, sizeof(name)) != 0)
		return strdup("unknown");
	name[sizeof(name) - 1] = '\0';
	return strdup(name);
}

vg_rc vg_outputs_add_sink(vg_outputs *o, vg_sink *sink, vg_err *err)
{
	if (!sink)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory creating an output");
	if (o->nsinks == VG_OUTPUTS_MAX_SINKS || o->started) {
		sink->ops->destroy(sink);
		return vg_err_set(err, o->started ? VG_ERR_INVALID : VG_ERR_LIMIT, "cannot add output '%s'%s",
				  sink->ops->name, o->started ? ": outputs already started" : ": too many outputs");
	}
	o->sinks[o->nsinks++].sink = sink;
	return VG_OK;
}

static vg_sink *http_from_config(const vg_config *cfg, vg_err *err)
{
	vg_sink_http_opts h = {
		.url = cfg->http_output.url,
		.user_agent = cfg->http_output.user_agent,
		.json = cfg->json_output,
		.insecure = cfg->http_output.insecure,
		.ca_cert = cfg->http_output.ca_cert,
		.ca_bundle = cfg->http_output.ca_bundle,
		.ca_path = cfg->http_output.ca_path,
		.mtls = cfg->http_output.mtls,
		.client_cert = cfg->http_output.client_cert,
		.client_key = cfg->http_output.client_key,
		.echo = cfg->http_output.echo,
		.compress_uploads = cfg->http_output.compress_uploads,
		.keep_alive = cfg->http_output.keep_alive,
		.timeout_ms = cfg->output_timeout_ms,
		.max_consecutive_timeouts = cfg->http_output.max_consecutive_timeouts,
	};
	return vg_sink_http_new(&h, err);
}

static vg_rc sinks_from_config(vg_outputs *o, const vg_config *cfg, vg_err *err)
{
	vg_rc rc = VG_OK;
	if (cfg->stdout_output.enabled)
		rc = vg_outputs_add_sink(o, vg_sink_stdout_new(stdout), err);
	if (rc == VG_OK && cfg->syslog_output.enabled)
		rc = vg_outputs_add_sink(o, vg_sink_syslog_new(), err);
	if (rc == VG_OK && cfg->file_output.enabled) {
		if (!cfg->file_output.filename || !*cfg->file_output.filename)
			return vg_err_set(err, VG_ERR_INVALID, "file_output is enabled but file_output.filename is empty");
		rc = vg_outputs_add_sink(o, vg_sink_file_new(cfg->file_output.filename, cfg->file_output.keep_alive), err);
	}
	if (rc == VG_OK && cfg->program_output.enabled) {
		if (!cfg->program_output.program || !*cfg->program_output.program)
			return vg_err_set(err, VG_ERR_INVALID, "program_output is enabled but program_output.program is empty");
		rc = vg_outputs_add_sink(o, vg_sink_program_new(cfg->program_output.program, cfg->program_output.keep_alive),
					 err);
	}
	if (rc == VG_OK && cfg->http_output.enabled) {
		vg_sink *h = http_from_config(cfg, err);
		rc = h ? vg_outputs_add_sink(o, h, err) : err->rc;
	}
	return rc;
}

vg_rc vg_outputs_new(const vg_config *cfg, vg_outputs **out, vg_err *err)
{
	vg_outputs *o = calloc(1, sizeof(*o));
	if (!o)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	o->json = cfg->json_output;
	o->inc_output = cfg->json_include_output_property;
	o->inc_tags = cfg->json_include_tags_property;
	o->inc_message = cfg->json_include_message_property;
	o->inc_fields = cfg->json_include_output_fields_property;
	o->iso8601 = cfg->time_format_iso_8601;
	o->buffered = cfg->buffered_outputs;
	if (cfg->outputs_queue_capacity > VG_OUTPUTS_MAX_CAPACITY) {
		free(o);
		return vg_err_set(err, VG_ERR_LIMIT, "outputs_queue.capacity %" PRIu64 " is above the maximum %u",
				  cfg->outputs_queue_capacity, VG_OUTPUTS_MAX_CAPACITY);
	}
	o->cap = cfg->outputs_queue_capacity ? (uint32_t)cfg->outputs_queue_capacity : VG_OUTPUTS_DEFAULT_CAPACITY;
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->cond, NULL);
	o->hostname = resolve_hostname();
	/* calloc: untouched slots stay untouched zero pages until the queue actually fills. */
	o->ring = calloc(o->cap, sizeof(*o->ring));
	vg_rc rc = o->hostname && o->ring ? VG_OK : vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	if (rc == VG_OK)
		rc = sinks_from_config(o, cfg, err);
	if (rc != VG_OK) {
		vg_err_prefix(err, "outputs");
		vg_outputs_free(o);
		return rc;
	}
	*out = o;
	return VG_OK;
}

/* ---- the output thread ---- */

/* At most one log line per second per subject; the caller reports how many were folded in. */
static bool log_allowed(struct timespec *last)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last->tv_sec && now.tv_sec - last->tv_sec < 1)
		return false;
	*last = now;
	return true;
}

static void deliver(vg_outputs *o, const vg_buf *line, int priority)
{
	for (uint32_t i = 0; i < o->nsinks; i++) {
		sink_entry *e = &o->sinks[i];
		vg_err err;
		vg_err_clear(&err);
		if (e->sink->ops->write(e->sink, line->data, line->len, priority, &err) == VG_OK) {
			atomic_fetch_add(&e->written, 1);
			continue;
		}
		atomic_fetch_add(&e->errors, 1);
		if (log_allowed(&e->last_error_log)) {
			vg_log(VG_LOG_ERR, "outputs", "%s output: %s (%" PRIu64 " earlier errors not shown)",
			       e->sink->ops->name, err.msg, e->errors_unlogged);
			e->errors_unlogged = 0;
		} else {
			e->errors_unlogged++;
		}
	}
}

static void for_each_sink(vg_outputs *o, bool reopen)
{
	for (uint32_t i = 0; i < o->nsinks; i++) {
		vg_sink *s = o->sinks[i].sink;
		void (*fn)(vg_sink *) = reopen ? s->ops->reopen : s->ops->flush;
		if (fn)
			fn(s);
	}
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* When to push sink buffers out. Unbuffered (the default): as soon as the queue is empty, so no
 * alert waits while the thread is idle, yet a burst goes out in a few large writes instead of
 * one syscall per alert. Buffered: at most once a second (and at shutdown). */
static bool flush_due(vg_outputs *o, bool drained, uint64_t *last_flush)
{
	if (!drained)
		return false;
	if (!o->buffered)
		return true;
	uint64_t now = mono_ns();
	if (now - *last_flush < 1000000000ull)
		return false;
	*last_flush = now;
	return true;
}

/* Drains the queue until stopping; also run inline by flush_and_stop when never started. */
static void *output_main(void *arg)
{
	vg_outputs *o = arg;
	vg_buf line;
	vg_buf_init(&line);
	uint64_t last_flush = 0;
	bool unflushed = false;
	pthread_mutex_lock(&o->lock);
	for (;;) {
		while (!o->count && !o->stopping) {
			if (!unflushed) {
				pthread_cond_wait(&o->cond, &o->lock);
				continue;
			}
			/* Buffered mode with data still in a sink buffer: wake up to push it out. */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			if (pthread_cond_timedwait(&o->cond, &o->lock, &until) != 0 && !o->count) {
				pthread_mutex_unlock(&o->lock);
				for_each_sink(o, false);
				last_flush = mono_ns();
				unflushed = false;
				pthread_mutex_lock(&o->lock);
			}
		}
		if (!o->count)
			break;
		slot *s = &o->ring[o->head];
		vg_buf tmp = s->line; /* swap, so both buffers keep their capacity: no malloc when warm */
		s->line = line;
		line = tmp;
		int priority = s->priority;
		o->head = (o->head + 1) % o->cap;
		bool drained = --o->count == 0;
		pthread_mutex_unlock(&o->lock);

		if (atomic_exchange(&o->reopen, 0))
			for_each_sink(o, true);
		deliver(o, &line, priority);
		unflushed = true;
		if (flush_due(o, drained, &last_flush)) {
			for_each_sink(o, false);
			unflushed = false;
		}
		pthread_mutex_lock(&o->lock);
	}
	pthread_mutex_unlock(&o->lock);
	for_each_sink(o, false);
	vg_buf_free(&line);
	return NULL;
}

vg_rc vg_outputs_start(vg_outputs *o, vg_err *err)
{
	/* The thread starts with every signal blocked: SIGINT/SIGTERM/SIGHUP go to the main
	 * thread, and SIGPIPE from a dead program/peer becomes a plain EPIPE in the sink. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_mutex_lock(&o->lock);
	int rc = o->started || o->stopping ? EINVAL : pthread_create(&o->thread, NULL, output_main, o);
	if (!rc)
		o->started = true;
	pthread_mutex_unlock(&o->lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return vg_err_set(err, VG_ERR_INTERNAL, "outputs: cannot start the output thread: %s", strerror(rc));
	return VG_OK;
}

/* ---- producers ---- */

/* Called with o->lock held (it guards the rate limiter); releases it before logging. */
static bool drop(vg_outputs *o)
{
	uint64_t total = atomic_fetch_add(&o->dropped, 1) + 1;
	bool log = log_allowed(&o->last_drop_log);
	uint64_t folded = o->drops_unlogged;
	o->drops_unlogged = log ? 0 : o->drops_unlogged + 1;
	pthread_mutex_unlock(&o->lock);
	if (log)
		vg_warn("outputs: alert queue full (capacity %" PRIu32 "): alert dropped (%" PRIu64
			" dropped in total, %" PRIu64 " since the last warning)",
			o->cap, total, folded + 1);
	return false;
}

bool vg_outputs_submit(vg_outputs *o, const vg_alert *a)
{
	atomic_fetch_add(&o->submitted, 1);
	pthread_mutex_lock(&o->lock);
	if (o->stopping || o->count == o->cap)
		return drop(o);
	slot *s = &o->ring[(o->head + o->count) % o->cap];
	vg_buf_reset(&s->line);
	vg_outputs_format(o, a, &s->line);
	if (s->line.oom)
		return drop(o);
	s->priority = a->priority;
	o->count++;
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	return true;
}

bool vg_outputs_submit_internal(vg_outputs *o, int priority, const char *rule, const char *message,
				const char *output_fields_json)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	vg_alert a = {
		.ts = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec,
		.priority = priority,
		.rule = rule,
		.source = "internal",
		.message = message,
		.output_fields_json = output_fields_json,
	};
	return vg_outputs_submit(o, &a);
}

void vg_outputs_reopen(vg_outputs *o)
{
	atomic_store(&o->reopen, 1);
}

/* ---- shutdown and stats ---- */

void vg_outputs_flush_and_stop(vg_outputs *o)
{
	pthread_mutex_lock(&o->lock);
	bool was_stopping = o->stopping;
	o->stopping = true;
	bool join = o->started && !o->joined;
	o->joined = o->started;
	pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
	if (join)
		pthread_join(o->thread, NULL);
	else if (!o->started && !was_stopping)
		output_main(o);
}

void vg_outputs_stats_get(const vg_outputs *o, vg_outputs_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->submitted = atomic_load(&o->submitted);
	out->dropped = atomic_load(&o->dropped);
	out->nsinks = o->nsinks;
	for (uint32_t i = 0; i < o->nsinks; i++) {
		out->sinks[i].name = o->sinks[i].sink->ops->name;
		out->sinks[i].written = atomic_load(&o->sinks[i].written);
		out->sinks[i].errors = atomic_load(&o->sinks[i].errors);
	}
}

void vg_outputs_free(vg_outputs *o)
{
	if (!o)
		return;
	vg_outputs_flush_and_stop(o);
	for (uint32_t i = 0; i < o->nsinks; i++)
		o->sinks[i].sink->ops->destroy(o->sinks[i].sink);
	for (uint32_t i = 0; o->ring && i < o->cap; i++)
		vg_buf_free(&o->ring[i].line);
	free(o->ring);
	free(o->hostname);
	pthread_mutex_destroy(&o->lock);
	pthread_cond_destroy(&o->cond);
	free(o);
}
