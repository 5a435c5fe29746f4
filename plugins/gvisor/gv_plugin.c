/* gvisor: an id-0 sourcing plugin (it feeds the "syscall" source) that listens for gVisor
 * sandboxes' runtime-monitoring streams and turns them into libscap syscall events.
 *
 * init config (JSON, all optional):
 *   {"socket": "/run/vigil/gvisor.sock", "poll_timeout_ms": 20, "max_sandboxes": 1024,
 *    "batch_max": 1024}
 * open params: a socket path overriding "socket" (empty = use the config's).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin_api.h>
#include <vigil/scap_events.h>

#define JSMN_STATIC
#include <jsmn.h>

#include "gv_config.h"
#include "gv_conv.h"
#include "gv_decode.h"
#include "gv_evbuf.h"
#include "gv_listen.h"
#include "gv_render.h"

#define GV_DEFAULT_POLL_MS 20
#define GV_DEFAULT_MAX_SANDBOXES 1024u
#define GV_DEFAULT_BATCH 1024u
/* Corrupt-datagram log lines: the first few, then one per this many (a hostile sandbox must not
 * be able to flood the log). */
#define GV_LOG_FIRST 10u
#define GV_LOG_EVERY 1000u

enum {
	GV_M_SANDBOXES, GV_M_SANDBOXES_TOTAL, GV_M_MESSAGES, GV_M_EVENTS, GV_M_DROPS, GV_M_CORRUPT,
	GV_M_UNSUPPORTED, GV_M_UNCONVERTED, GV_M_UNKNOWN_FIELDS, GV_M_COUNT
};

typedef struct gv_inst gv_inst;

typedef struct gv_plugin {
	char err[PLUGIN_MAX_ERRLEN];
	ss_plugin_owner_t *owner;
	ss_plugin_log_fn_t log;
	char *socket;
	int poll_ms;
	uint32_t max_sandboxes, batch_max;
	gv_inst *inst;            /* the open capture, for metrics; NULL when closed */
	char *text;               /* event_to_string result, reused */
	size_t text_cap;
	ss_plugin_metric metrics[GV_M_COUNT];
	bool have_metrics;        /* metrics[] filled at least once */
} gv_plugin;

struct gv_inst {
	gv_plugin *p;
	gv_listen *l;
	gv_decode *dec;
	gv_conv conv;
	gv_evbuf evs;
	uint64_t drops, corrupt, unsupported;
};

static void gv_log(gv_plugin *p, ss_plugin_log_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void gv_log(gv_plugin *p, ss_plugin_log_severity sev, const char *fmt, ...)
{
	if (!p->log)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->log(p->owner, NULL, msg, sev);
}

static ss_plugin_rc gv_fail(gv_plugin *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static ss_plugin_rc gv_fail(gv_plugin *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	return SS_PLUGIN_FAILURE;
}

/* ---- identity ------------------------------------------------------------------------------ */

/* 3.5: the lowest API with get_metrics (log_fn needs 3.3). */
VIGIL_PLUGIN_EXPORT const char *plugin_get_required_api_version(void) { return "3.5.0"; }
VIGIL_PLUGIN_EXPORT const char *plugin_get_version(void) { return "0.1.0"; }
VIGIL_PLUGIN_EXPORT const char *plugin_get_name(void) { return "gvisor"; }
VIGIL_PLUGIN_EXPORT const char *plugin_get_contact(void) { return "https://github.com/vigil"; }
VIGIL_PLUGIN_EXPORT const char *plugin_get_description(void)
{
	return "Syscall events from gVisor sandboxes (runsc remote trace sink)";
}

VIGIL_PLUGIN_EXPORT const char *plugin_get_init_schema(ss_plugin_schema_type *schema_type)
{
	*schema_type = SS_PLUGIN_SCHEMA_JSON;
	return "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
	       "\"additionalProperties\":false,\"properties\":{"
	       "\"socket\":{\"type\":\"string\",\"description\":\"Unix socket runsc connects to "
	       "(trace sink endpoint)\",\"default\":\"" GV_CONFIG_DEFAULT_SOCKET "\"},"
	       "\"poll_timeout_ms\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000,"
	       "\"description\":\"Longest wait for data in one next_batch call\"},"
	       "\"max_sandboxes\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":65536,"
	       "\"description\":\"Sandboxes connected at the same time\"},"
	       "\"batch_max\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":65536,"
	       "\"description\":\"Datagrams read per next_batch call\"}}}";
}

/* ---- init config --------------------------------------------------------------------------- */

static bool gv_tok_eq(const char *js, const jsmntok_t *t, const char *s)
{
	size_t n = strlen(s);
	return t->type == JSMN_STRING && (size_t)(t->end - t->start) == n &&
	       memcmp(js + t->start, s, n) == 0;
}

static bool gv_tok_int(const char *js, const jsmntok_t *t, long lo, long hi, long *out)
{
	if (t->type != JSMN_PRIMITIVE)
		return false;
	char buf[24];
	int n = t->end - t->start;
	if (n <= 0 || n >= (int)sizeof(buf))
		return false;
	memcpy(buf, js + t->start, (size_t)n);
	buf[n] = '\0';
	char *end;
	errno = 0;
	long v = strtol(buf, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Copies a JSON string token, rejecting escapes (a socket path never needs them). */
static char *gv_tok_str(const char *js, const jsmntok_t *t)
{
	if (t->type != JSMN_STRING || memchr(js + t->start, '\\', (size_t)(t->end - t->start)))
		return NULL;
	return strndup(js + t->start, (size_t)(t->end - t->start));
}

static ss_plugin_rc gv_parse_config(gv_plugin *p, const char *cfg)
{
	size_t len = cfg ? strlen(cfg) : 0;
	while (len && (cfg[len - 1] == ' ' || cfg[len - 1] == '\n'))
		len--;
	if (len == 0)
		return SS_PLUGIN_SUCCESS;
	jsmn_parser parser;
	jsmntok_t toks[32];
	jsmn_init(&parser);
	int n = jsmn_parse(&parser, cfg, len, toks, 32);
	if (n < 1 || toks[0].type != JSMN_OBJECT)
		return gv_fail(p, "init config: expected a JSON object with at most 4 keys");
	for (int i = 1; i + 1 < n; i += 2) {
		const jsmntok_t *k = &toks[i], *v = &toks[i + 1];
		long num;
		if (gv_tok_eq(cfg, k, "socket")) {
			char *s = gv_tok_str(cfg, v);
			if (!s || !*s) {
				free(s);
				return gv_fail(p, "init config: 'socket' must be a non-empty string (offset %d)",
				               v->start);
			}
			free(p->socket);
			p->socket = s;
		} else if (gv_tok_eq(cfg, k, "poll_timeout_ms") && gv_tok_int(cfg, v, 0, 1000, &num)) {
			p->poll_ms = (int)num;
		} else if (gv_tok_eq(cfg, k, "max_sandboxes") && gv_tok_int(cfg, v, 1, 65536, &num)) {
			p->max_sandboxes = (uint32_t)num;
		} else if (gv_tok_eq(cfg, k, "batch_max") && gv_tok_int(cfg, v, 1, 65536, &num)) {
			p->batch_max = (uint32_t)num;
		} else {
			return gv_fail(p, "init config: unknown key or bad value at offset %d: '%.*s'",
			               k->start, k->end - k->start, cfg + k->start);
		}
		if (v->type == JSMN_OBJECT || v->type == JSMN_ARRAY)
			return gv_fail(p, "init config: nested values are not allowed (offset %d)", v->start);
	}
	return SS_PLUGIN_SUCCESS;
}

VIGIL_PLUGIN_EXPORT ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	gv_plugin *p = calloc(1, sizeof(*p));
	if (!p) {
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	p->owner = in ? in->owner : NULL;
	p->log = in ? in->log_fn : NULL;
	p->poll_ms = GV_DEFAULT_POLL_MS;
	p->max_sandboxes = GV_DEFAULT_MAX_SANDBOXES;
	p->batch_max = GV_DEFAULT_BATCH;
	p->socket = strdup(GV_CONFIG_DEFAULT_SOCKET);
	*rc = p->socket ? gv_parse_config(p, in ? in->config : NULL) : SS_PLUGIN_FAILURE;
	return p;
}

VIGIL_PLUGIN_EXPORT void plugin_destroy(ss_plugin_t *s)
{
	gv_plugin *p = s;
	if (!p)
		return;
	free(p->socket);
	free(p->text);
	free(p);
}

VIGIL_PLUGIN_EXPORT const char *plugin_get_last_error(ss_plugin_t *s)
{
	return ((gv_plugin *)s)->err;
}

/* ---- capture ------------------------------------------------------------------------------- */

static void gv_on_datagram(void *ctx, gv_sandbox *sb, const uint8_t *data, size_t len)
{
	gv_inst *in = ctx;
	gv_wire_header hdr;
	const char *why = NULL;
	if (gv_decode_header(data, len, &hdr, &why))
		in->drops += gv_sandbox_drops(sb, hdr.dropped_count);
	gv_msg m;
	gv_decode_rc rc = gv_decode_datagram(in->dec, data, len, &m, &why);
	if (rc == GV_DECODE_OK) {
		gv_conv_message(&in->conv, sb, &m, &in->evs);
	} else if (rc == GV_DECODE_UNSUPPORTED) {
		in->unsupported++;
	} else {
		in->corrupt++;
		if (in->corrupt <= GV_LOG_FIRST || in->corrupt % GV_LOG_EVERY == 0)
			gv_log(in->p, SS_PLUGIN_LOG_SEV_WARNING,
			       "sandbox %u: dropped a %zu-byte datagram (type %u): %s (%llu so far)", sb->index,
			       len, len >= 4 ? (unsigned)(data[2] | data[3] << 8) : 0u, why,
			       (unsigned long long)in->corrupt);
	}
}

static void gv_on_closed(void *ctx, gv_sandbox *sb)
{
	gv_inst *in = ctx;
	gv_conv_disconnect(&in->conv, sb, gv_conv_now_ns(), &in->evs);
}

static void gv_on_log(void *ctx, bool warning, const char *msg)
{
	gv_inst *in = ctx;
	gv_log(in->p, warning ? SS_PLUGIN_LOG_SEV_WARNING : SS_PLUGIN_LOG_SEV_INFO, "%s", msg);
}

static const gv_listen_ops gv_ops = {gv_on_datagram, gv_on_closed, gv_on_log};

static void gv_inst_free(gv_inst *in)
{
	if (!in)
		return;
	gv_listen_close(in->l);
	gv_decode_free(in->dec);
	gv_conv_free(&in->conv);
	gv_evbuf_free(&in->evs);
	free(in);
}

/* Open params: an optional socket path, surrounding blanks ignored. */
static char *gv_open_path(const gv_plugin *p, const char *params)
{
	if (!params)
		return strdup(p->socket);
	while (*params == ' ' || *params == '\t' || *params == '\n')
		params++;
	size_t n = strlen(params);
	while (n && (params[n - 1] == ' ' || params[n - 1] == '\t' || params[n - 1] == '\n'))
		n--;
	return n ? strndup(params, n) : strdup(p->socket);
}

VIGIL_PLUGIN_EXPORT ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc)
{
	gv_plugin *p = s;
	gv_inst *in = calloc(1, sizeof(*in));
	char *path = gv_open_path(p, params);
	*rc = SS_PLUGIN_FAILURE;
	if (!in || !path) {
		free(path);
		free(in);
		gv_fail(p, "out of memory");
		return NULL;
	}
	in->p = p;
	gv_conv_init(&in->conv);
	gv_evbuf_init(&in->evs);
	in->dec = gv_decode_new();
	char err[512] = "out of memory";
	if (in->dec)
		in->l = gv_listen_open(path, p->max_sandboxes, &gv_ops, in, in->dec, err, sizeof(err));
	if (!in->l) {
		gv_fail(p, "gvisor: cannot listen: %s", err);
		free(path);
		gv_inst_free(in);
		return NULL;
	}
	gv_log(p, SS_PLUGIN_LOG_SEV_INFO, "listening for gVisor sandboxes on %s", path);
	free(path);
	p->inst = in;
	*rc = SS_PLUGIN_SUCCESS;
	return in;
}

static void gv_metric(gv_plugin *p, int i, const char *name, ss_plugin_metric_type type, uint64_t v)
{
	p->metrics[i].name = name;
	p->metrics[i].type = type;
	p->metrics[i].value.u64 = v;
	p->metrics[i].value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64;
}

static void gv_metrics_update(gv_plugin *p, const gv_inst *in)
{
	const gv_conv_stats *st = &in->conv.st;
	const ss_plugin_metric_type mono = SS_PLUGIN_METRIC_TYPE_MONOTONIC;
	gv_metric(p, GV_M_SANDBOXES, "gvisor.sandboxes", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC,
	          gv_listen_connections(in->l));
	gv_metric(p, GV_M_SANDBOXES_TOTAL, "gvisor.sandboxes_total", mono,
	          gv_listen_get_stats(in->l)->accepted);
	gv_metric(p, GV_M_MESSAGES, "gvisor.messages", mono, st->messages);
	gv_metric(p, GV_M_EVENTS, "gvisor.events", mono, st->events);
	gv_metric(p, GV_M_DROPS, "gvisor.drops", mono, in->drops);
	gv_metric(p, GV_M_CORRUPT, "gvisor.corrupt", mono,
	          in->corrupt + gv_listen_get_stats(in->l)->truncated);
	gv_metric(p, GV_M_UNSUPPORTED, "gvisor.unsupported_types", mono, in->unsupported);
	gv_metric(p, GV_M_UNCONVERTED, "gvisor.unconverted", mono, st->unconverted);
	gv_metric(p, GV_M_UNKNOWN_FIELDS, "gvisor.unknown_fields", mono, st->unknown_fields);
	p->have_metrics = true;
}

VIGIL_PLUGIN_EXPORT void plugin_close(ss_plugin_t *s, ss_instance_t *h)
{
	gv_plugin *p = s;
	if (p->inst == h) {
		/* Hosts read the counters after closing the source (vigil --stats does): keep the
		 * last values; every connection is gone with the instance. */
		gv_metrics_update(p, h);
		p->metrics[GV_M_SANDBOXES].value.u64 = 0;
		p->inst = NULL;
	}
	gv_inst_free(h);
}

VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *h, uint32_t *nevts,
                                                   ss_plugin_event ***evts)
{
	gv_plugin *p = s;
	gv_inst *in = h;
	gv_evbuf_reset(&in->evs);
	*nevts = 0;
	char err[256];
	/* A wait only when there is nothing to return; each call reads at most batch_max. */
	if (gv_listen_poll(in->l, p->poll_ms, p->batch_max, err, sizeof(err)) < 0)
		return gv_fail(p, "gvisor: %s", err);
	if (in->evs.n == 0)
		return SS_PLUGIN_TIMEOUT;
	*evts = gv_evbuf_events(&in->evs);
	*nevts = in->evs.n;
	return SS_PLUGIN_SUCCESS;
}

VIGIL_PLUGIN_EXPORT const char *plugin_list_open_params(ss_plugin_t *s, ss_plugin_rc *rc)
{
	(void)s;
	*rc = SS_PLUGIN_SUCCESS;
	return "[{\"value\":\"" GV_CONFIG_DEFAULT_SOCKET "\",\"desc\":\"Unix socket the runsc trace "
	       "sink connects to (set the same path as the remote sink endpoint)\"}]";
}

VIGIL_PLUGIN_EXPORT const char *plugin_event_to_string(ss_plugin_t *s, const ss_plugin_event_input *evt)
{
	gv_plugin *p = s;
	size_t need = gv_render_event((const uint8_t *)evt->evt, p->text, p->text_cap);
	if (need >= p->text_cap) {
		char *t = realloc(p->text, need + 1);
		if (!t)
			return "";
		p->text = t;
		p->text_cap = need + 1;
		gv_render_event((const uint8_t *)evt->evt, p->text, p->text_cap);
	}
	return p->text;
}

/* The open instance's counters; once it is closed, its final values (none before an open). */
VIGIL_PLUGIN_EXPORT ss_plugin_metric *plugin_get_metrics(ss_plugin_t *s, uint32_t *num_metrics)
{
	gv_plugin *p = s;
	if (p->inst)
		gv_metrics_update(p, p->inst);
	*num_metrics = p->have_metrics ? GV_M_COUNT : 0;
	return p->metrics;
}

/* Extra symbol for `vigil --gvisor-generate-config[=SOCKET]`: the CLI dlopens this plugin and
 * calls it (see gv_config.h for the contract). */
VIGIL_PLUGIN_EXPORT size_t vigil_gvisor_generate_config(const char *endpoint, char *buf, size_t cap)
{
	return gv_config_generate(endpoint, buf, cap);
}
