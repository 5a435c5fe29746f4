/* k8saudit: Kubernetes audit events as the k8s_audit source (plugin id 1), with the ka.* fields.
 *
 * Open params select the input: http[s]://host:port/path (webhook, k8sa_webhook), file://PATH
 * (follow a log file, k8sa_file), PATH (read a JSON-lines file or a directory once). Every input
 * feeds an instance queue that next_batch drains; field extraction is in k8sa_fields. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin_api.h>

#include "jcache.h"
#include "k8sa_config.h"
#include "k8sa_fields.h"
#include "k8sa_file.h"
#include "k8sa_log.h"
#include "k8sa_payload.h"
#include "k8sa_queue.h"
#include "k8sa_webhook.h"

/* log_fn (3.3) and value offsets (3.11) are read from the host's input structs. */
#define K8SA_REQUIRED_API "3.11.0"
#define K8SA_BATCH_MAX 512
/* How long an empty next_batch waits for events before answering TIMEOUT. */
#define K8SA_WAIT_MS 50
#define K8SA_QUEUE_MAX_EVENTS 65536
#define K8SA_QUEUE_MIN_BYTES (64u * 1024 * 1024)
#define K8SA_NMETRICS 9

typedef struct k8sa_state {
	k8sa_config cfg;
	k8sa_log log;
	k8sa_stats stats;
	k8sa_extractor ex;
	char *evtstr;      /* event_to_string result, reused */
	size_t evtstr_cap;
	ss_plugin_metric metrics[K8SA_NMETRICS];
	char lasterr[PLUGIN_MAX_ERRLEN];
} k8sa_state;

typedef struct k8sa_inst {
	k8sa_state *st;
	k8sa_queue queue;
	k8sa_webhook *webhook; /* webhook mode */
	k8sa_file *file;       /* file modes */
	k8sa_parser parser;    /* file modes: runs inside next_batch */
	char origin[1100];
	k8sa_evt *nodes[K8SA_BATCH_MAX]; /* events of the last batch, owned until the next call */
	ss_plugin_event *batch[K8SA_BATCH_MAX];
	size_t nbatch;
} k8sa_inst;

/* ---- identity ---- */

const char *plugin_get_required_api_version(void)
{
	return K8SA_REQUIRED_API;
}

const char *plugin_get_version(void)
{
	return "0.18.0";
}

const char *plugin_get_name(void)
{
	return "k8saudit";
}

const char *plugin_get_description(void)
{
	return "Kubernetes audit events from the API server's audit webhook or audit log files.";
}

const char *plugin_get_contact(void)
{
	return "vigil project";
}

uint32_t plugin_get_id(void)
{
	return K8SA_PLUGIN_ID;
}

const char *plugin_get_event_source(void)
{
	return "k8s_audit";
}

const char *plugin_get_fields(void)
{
	return k8sa_fields_json();
}

const char *plugin_get_init_schema(ss_plugin_schema_type *schema_type)
{
	*schema_type = SS_PLUGIN_SCHEMA_JSON;
	return k8sa_config_schema();
}

const char *plugin_list_open_params(ss_plugin_t *s, ss_plugin_rc *rc)
{
	(void)s;
	*rc = SS_PLUGIN_SUCCESS;
	return "["
	       "{\"value\":\"http://:9765/k8s-audit\",\"desc\":\"Audit webhook on all interfaces, "
	       "port 9765, path /k8s-audit\"},"
	       "{\"value\":\"https://:9765/k8s-audit\",\"desc\":\"Same over TLS (sslCertificate, "
	       "sslKey)\"},"
	       "{\"value\":\"file:///var/log/kubernetes/audit.log\",\"desc\":\"Follow an audit log "
	       "file across rotation and truncation\"},"
	       "{\"value\":\"/var/log/kubernetes/audit.log\",\"desc\":\"Read a JSON-lines audit log "
	       "(or every file of a directory) once\"}"
	       "]";
}

/* ---- lifecycle ---- */

static void set_error(k8sa_state *st, const char *msg)
{
	snprintf(st->lasterr, sizeof(st->lasterr), "%s", msg);
}

ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	k8sa_state *st = calloc(1, sizeof(*st));
	if (!st) {
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	k8sa_log_init(&st->log, in ? in->log_fn : NULL, in ? in->owner : NULL);
	k8sa_extractor_init(&st->ex);
	char err[PLUGIN_MAX_ERRLEN];
	if (!k8sa_config_parse(in ? in->config : NULL, &st->cfg, err, sizeof(err))) {
		set_error(st, err);
		*rc = SS_PLUGIN_FAILURE;
		return st;
	}
	*rc = SS_PLUGIN_SUCCESS;
	return st;
}

void plugin_destroy(ss_plugin_t *s)
{
	k8sa_state *st = s;
	if (!st)
		return;
	k8sa_config_free(&st->cfg);
	k8sa_extractor_free(&st->ex);
	free(st->evtstr);
	free(st);
}

const char *plugin_get_last_error(ss_plugin_t *s)
{
	k8sa_state *st = s;
	return st ? st->lasterr : "no plugin state";
}

/* ---- open/close ---- */

static bool open_webhook(k8sa_inst *h, const char *params, char *err, size_t errlen)
{
	k8sa_state *st = h->st;
	k8sa_webhook_cfg cfg = {
		.cert_file = st->cfg.ssl_certificate,
		.key_file = st->cfg.ssl_key,
		.max_body = st->cfg.max_batch_size,
		.max_event_size = st->cfg.max_event_size,
		.queue = &h->queue,
		.stats = &st->stats,
		.log = &st->log,
	};
	if (!k8sa_url_parse(params, &cfg.url, err, errlen))
		return false;
	h->webhook = k8sa_webhook_start(&cfg, err, errlen);
	return h->webhook != NULL;
}

static bool open_file(k8sa_inst *h, const char *path, bool tail, char *err, size_t errlen)
{
	k8sa_state *st = h->st;
	snprintf(h->origin, sizeof(h->origin), "%s%s", tail ? "file://" : "", path);
	k8sa_parser_init(&h->parser, st->cfg.max_event_size, false, &h->queue, &st->stats, &st->log,
			 h->origin);
	/* A line is one payload, bounded like one HTTP body. */
	h->file = k8sa_file_open(path, tail, st->cfg.max_batch_size, &h->parser, &st->log,
				 &st->stats, err, errlen);
	return h->file != NULL;
}

/* Splits params into a mode; false with err for an unsupported scheme. */
static bool open_input(k8sa_inst *h, const char *params, char *err, size_t errlen)
{
	if (strncmp(params, "http://", 7) == 0 || strncmp(params, "https://", 8) == 0)
		return open_webhook(h, params, err, errlen);
	if (strncmp(params, "file://", 7) == 0)
		return open_file(h, params + 7, true, err, errlen);
	const char *sep = strstr(params, "://");
	if (sep) {
		snprintf(err, errlen, "scheme \"%.*s\" is not supported", (int)(sep - params), params);
		return false;
	}
	if (!*params) {
		snprintf(err, errlen, "empty open params: expected http[s]://host:port/path, "
			 "file://PATH or PATH");
		return false;
	}
	return open_file(h, params, false, err, errlen);
}

static size_t queue_max_bytes(const k8sa_state *st)
{
	uint64_t b = 2 * st->cfg.max_batch_size;
	return b > K8SA_QUEUE_MIN_BYTES ? (size_t)b : K8SA_QUEUE_MIN_BYTES;
}

static void free_batch(k8sa_inst *h)
{
	for (size_t i = 0; i < h->nbatch; i++)
		free(h->nodes[i]);
	h->nbatch = 0;
}

static void close_inst(k8sa_inst *h)
{
	if (h->webhook) {
		k8sa_queue_stop_waiting(&h->queue); /* requests waiting for room give up */
		k8sa_webhook_stop(h->webhook);      /* then: no more producers */
	}
	if (h->file) {
		k8sa_file_close(h->file);
		k8sa_parser_free(&h->parser);
	}
	free_batch(h);
	k8sa_queue_destroy(&h->queue);
	free(h);
}

ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc)
{
	k8sa_state *st = s;
	k8sa_inst *h = calloc(1, sizeof(*h));
	if (!h || !k8sa_queue_init(&h->queue, K8SA_QUEUE_MAX_EVENTS, queue_max_bytes(st))) {
		free(h);
		set_error(st, "k8saudit: out of memory");
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	h->st = st;
	while (params && (*params == ' ' || *params == '\t' || *params == '\n'))
		params++;
	char err[PLUGIN_MAX_ERRLEN - 32];
	if (!open_input(h, params ? params : "", err, sizeof(err))) {
		snprintf(st->lasterr, sizeof(st->lasterr), "k8saudit: open: %s", err);
		close_inst(h);
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	*rc = SS_PLUGIN_SUCCESS;
	return h;
}

void plugin_close(ss_plugin_t *s, ss_instance_t *i)
{
	(void)s;
	if (i)
		close_inst(i);
}

/* ---- events ---- */

ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *i, uint32_t *nevts,
			       ss_plugin_event ***evts)
{
	k8sa_state *st = s;
	k8sa_inst *h = i;
	free_batch(h);
	*nevts = 0;
	size_t n = k8sa_queue_pop(&h->queue, h->nodes, K8SA_BATCH_MAX, h->webhook ? K8SA_WAIT_MS : 0);
	if (n == 0 && h->file) {
		char err[PLUGIN_MAX_ERRLEN - 32];
		k8sa_fill_rc rc = k8sa_file_fill(h->file, K8SA_WAIT_MS, err, sizeof(err));
		n = k8sa_queue_pop(&h->queue, h->nodes, K8SA_BATCH_MAX, 0);
		if (n == 0 && rc == K8SA_FILL_EOF)
			return SS_PLUGIN_EOF;
		if (n == 0 && rc == K8SA_FILL_ERROR) {
			snprintf(st->lasterr, sizeof(st->lasterr), "k8saudit: %s", err);
			return SS_PLUGIN_FAILURE;
		}
	}
	if (n == 0)
		return SS_PLUGIN_TIMEOUT;
	for (size_t k = 0; k < n; k++)
		h->batch[k] = k8sa_evt_hdr(h->nodes[k]);
	h->nbatch = n;
	*nevts = (uint32_t)n;
	*evts = h->batch;
	return SS_PLUGIN_SUCCESS;
}

const char *plugin_event_to_string(ss_plugin_t *s, const ss_plugin_event_input *ev)
{
	k8sa_state *st = s;
	const char *p;
	uint32_t n;
	if (!ev || !jcache_payload(ev->evt, &p, &n))
		return "<not a k8saudit event>";
	if (n + 1u > st->evtstr_cap) {
		char *b = realloc(st->evtstr, n + 1u);
		if (!b)
			return "<out of memory>";
		st->evtstr = b;
		st->evtstr_cap = n + 1u;
	}
	memcpy(st->evtstr, p, n);
	st->evtstr[n] = '\0';
	return st->evtstr;
}

ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *ev,
				   const ss_plugin_field_extract_input *in)
{
	k8sa_state *st = s;
	return k8sa_extract(&st->ex, ev, in, st->lasterr, sizeof(st->lasterr));
}

/* ---- metrics ---- */

static void set_metric(ss_plugin_metric *m, const char *name, _Atomic uint64_t *v)
{
	m->name = name;
	m->type = SS_PLUGIN_METRIC_TYPE_MONOTONIC;
	m->value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64;
	m->value.u64 = atomic_load(v);
}

ss_plugin_metric *plugin_get_metrics(ss_plugin_t *s, uint32_t *num_metrics)
{
	k8sa_state *st = s;
	k8sa_stats *x = &st->stats;
	ss_plugin_metric *m = st->metrics;
	set_metric(&m[0], "http_requests", &x->requests);
	set_metric(&m[1], "http_requests_rejected", &x->requests_rejected);
	set_metric(&m[2], "bytes_received", &x->bytes);
	set_metric(&m[3], "payloads_malformed", &x->payloads_malformed);
	set_metric(&m[4], "events", &x->events);
	set_metric(&m[5], "events_dropped_queue_full", &x->dropped_queue_full);
	set_metric(&m[6], "events_dropped_too_large", &x->dropped_too_large);
	set_metric(&m[7], "events_dropped_invalid", &x->dropped_invalid);
	set_metric(&m[8], "lines_too_long", &x->lines_too_long);
	*num_metrics = K8SA_NMETRICS;
	return m;
}
