/* Test plugin for the plugin host's unit tests. One source, many shared objects: each variant is
 * built with TP_* definitions (see CMakeLists.txt) that remove a symbol, change a returned string
 * or make a call fail, so every refusal path has a real .so to load.
 *
 * The good build is a source (id 999, source "tp") + extractor. Its open params are a script that
 * drives next_batch, one step per call, then EOF:
 *   T  → TIMEOUT        E<n> → n events, SUCCESS     F<n> → n events + FAILURE
 *   Z  → SUCCESS with 0 events (contract violation)  N    → one non-322 event
 *   I  → one event carrying another plugin's id      S    → one event with ts = UINT64_MAX
 *   D<n> → count n dropped events (metric tp.drops)   W<ms> → sleep, then TIMEOUT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vigil/plugin_sdk.h>

#ifndef TP_API
#define TP_API "3.0.0"
#endif
#ifndef TP_ID
#define TP_ID 999
#endif
#ifndef TP_SOURCE
#define TP_SOURCE "tp"
#endif
#ifndef TP_VERSION_STR
#define TP_VERSION_STR "1.2.3"
#endif
#ifndef TP_NAME
#define TP_NAME "tp"
#endif

typedef struct tp_state {
	vsdk_error err;
	vsdk_values vals;
	vsdk_logger log;
	uint64_t start;
	uint64_t drops; /* reported by plugin_get_metrics as tp.drops */
	ss_plugin_metric metric;
	char str[64];
} tp_state;

typedef struct tp_inst {
	vsdk_batch batch;
	char script[256];
	char *step;
	uint64_t counter;
	uint8_t raw[64]; /* hand-made non-322 event */
} tp_inst;

#ifdef TP_SHARED_BUFFER
/* Quirk reproduced from SDK-built plugins: every getter returns the same static buffer. */
static char tp_shared[2048];
#define TP_RET(s) (snprintf(tp_shared, sizeof(tp_shared), "%s", (s)), tp_shared)
#else
#define TP_RET(s) (s)
#endif

const char *plugin_get_required_api_version(void) { return TP_RET(TP_API); }
const char *plugin_get_version(void) { return TP_RET(TP_VERSION_STR); }
#ifndef TP_NO_NAME
const char *plugin_get_name(void) { return TP_RET(TP_NAME); }
#endif
const char *plugin_get_description(void) { return TP_RET("test plugin"); }
const char *plugin_get_contact(void) { return TP_RET("vigil tests"); }

const char *plugin_get_init_schema(ss_plugin_schema_type *t)
{
	*t = SS_PLUGIN_SCHEMA_JSON;
	return "{\"type\":\"object\",\"properties\":{\"start\":{\"type\":\"integer\"},"
	       "\"mode\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]}},\"additionalProperties\":false}";
}

ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	tp_state *s = calloc(1, sizeof(*s));
	vsdk_json *cfg = vsdk_json_new();
	vsdk_values_init(&s->vals);
	vsdk_logger_init(&s->log, in);
	*rc = SS_PLUGIN_SUCCESS;
	if (!in->tables || !in->log_fn || !in->tables->fields.get_table_field || !in->tables->reader_ext)
		*rc = vsdk_error_set(&s->err, "host passed NULL tables or log_fn");
	else if (!vsdk_json_load(cfg, in->config, strlen(in->config), &s->err) ||
		 vsdk_json_get_u64(cfg, "start", &s->start, &s->err) == VSDK_JSON_BAD_TYPE)
		*rc = SS_PLUGIN_FAILURE;
#ifdef TP_INIT_FAIL
	*rc = vsdk_error_set(&s->err, "tp cannot start: %s", "no coffee");
#endif
	vsdk_json_free(cfg);
	vsdk_log(&s->log, SS_PLUGIN_LOG_SEV_INFO, "initialised, start=%llu", (unsigned long long)s->start);
	return s;
}

void plugin_destroy(ss_plugin_t *st)
{
	tp_state *s = st;
	vsdk_values_free(&s->vals);
	free(s);
}

const char *plugin_get_last_error(ss_plugin_t *st) { return vsdk_error_str(&((tp_state *)st)->err); }

#ifndef TP_NO_SOURCING
uint32_t plugin_get_id(void) { return TP_ID; }
const char *plugin_get_event_source(void) { return TP_RET(TP_SOURCE); }

const char *plugin_list_open_params(ss_plugin_t *st, ss_plugin_rc *rc)
{
	*rc = SS_PLUGIN_SUCCESS;
	return "[{\"value\":\"E3\",\"desc\":\"three events, then EOF\"},"
	       "{\"value\":\"TE1F1\",\"desc\":\"timeout, one event, one event with a failure\"}]";
}

ss_instance_t *plugin_open(ss_plugin_t *st, const char *params, ss_plugin_rc *rc)
{
	tp_inst *h = calloc(1, sizeof(*h));
	vsdk_batch_init(&h->batch, 0); /* id 0 in events: the host rewrites it to ours */
	snprintf(h->script, sizeof(h->script), "%s", params);
	h->step = h->script;
	h->counter = ((tp_state *)st)->start;
	*rc = SS_PLUGIN_SUCCESS;
	return h;
}

void plugin_close(ss_plugin_t *st, ss_instance_t *ih)
{
	tp_inst *h = ih;
	vsdk_batch_free(&h->batch);
	free(h);
}

#ifndef TP_NO_NEXT_BATCH
static ss_plugin_rc tp_add(tp_inst *h, long n, uint64_t ts)
{
	for (long i = 0; i < n; i++, h->counter++)
		vsdk_batch_add(&h->batch, ts ? ts : 1000 + h->counter, &h->counter, sizeof(h->counter));
	return SS_PLUGIN_SUCCESS;
}

static ss_plugin_rc tp_step(tp_state *s, tp_inst *h, char op, long n, uint32_t *nevts, ss_plugin_event ***evts)
{
	static ss_plugin_event *one[1];
	switch (op) {
	case 'T': return SS_PLUGIN_TIMEOUT;
	case 'D': s->drops += (uint64_t)n; return SS_PLUGIN_TIMEOUT;
	case 'W': {
		struct timespec ts = { n / 1000, (n % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		return SS_PLUGIN_TIMEOUT;
	}
	case 'Z': return SS_PLUGIN_SUCCESS;
	case 'E': return tp_add(h, n, 0);
	case 'S': return tp_add(h, 1, UINT64_MAX);
	case 'F': tp_add(h, n, 0); return vsdk_error_set(&s->err, "tp source broke after %ld events", n);
	case 'I': h->batch.plugin_id = 7; return tp_add(h, 1, 0);
	case 'N': {
		ss_plugin_event e = {.ts = 1, .tid = 42, .len = 26, .type = 1, .nparams = 0};
		memcpy(h->raw, &e, sizeof(e));
		one[0] = (ss_plugin_event *)(void *)h->raw;
		*nevts = 1;
		*evts = one;
		return SS_PLUGIN_SUCCESS;
	}
	}
	return SS_PLUGIN_EOF;
}

ss_plugin_metric *plugin_get_metrics(ss_plugin_t *st, uint32_t *num_metrics)
{
	tp_state *s = st;
	s->metric = (ss_plugin_metric){ .name = "tp.drops", .type = SS_PLUGIN_METRIC_TYPE_MONOTONIC,
					.value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64 };
	s->metric.value.u64 = s->drops;
	*num_metrics = 1;
	return &s->metric;
}

ss_plugin_rc plugin_next_batch(ss_plugin_t *st, ss_instance_t *ih, uint32_t *nevts, ss_plugin_event ***evts)
{
	tp_inst *h = ih;
	vsdk_batch_reset(&h->batch);
	*nevts = 0;
	if (!*h->step)
		return SS_PLUGIN_EOF;
	char op = *h->step++;
	long n = strtol(h->step, &h->step, 10);
	h->step += strspn(h->step, ",");
	ss_plugin_rc rc = tp_step(st, h, op, n, nevts, evts);
	if (op == 'N')
		return rc;
	return vsdk_batch_emit(&h->batch, nevts, evts, rc);
}
#endif

const char *plugin_event_to_string(ss_plugin_t *st, const ss_plugin_event_input *ev)
{
	tp_state *s = st;
	uint32_t len;
	uint64_t v = 0;
	const uint8_t *p = vsdk_event_payload(ev->evt, &len, NULL);
	if (p && len == sizeof(v))
		memcpy(&v, p, sizeof(v));
	snprintf(s->str, sizeof(s->str), "tp event %llu", (unsigned long long)v);
	return s->str;
}
#endif /* TP_NO_SOURCING */

#ifdef TP_BAD_FIELDS
/* Invalid get_fields documents; the unit test expects a matching reason for each index. */
static const char *const tp_bad_fields[] = {
	"not json {",
	"{\"type\":\"uint64\"}",
	"[{\"type\":\"float\",\"name\":\"x.y\",\"desc\":\"d\"}]",
	"[{\"name\":\"x.y\",\"desc\":\"d\"}]",
	"[{\"type\":\"uint64\",\"name\":\"x.y\",\"desc\":\"\"}]",
	"[{\"type\":\"uint64\",\"name\":\"\",\"desc\":\"d\"}]",
	"[{\"type\":\"uint64\",\"name\":\"x.y\",\"desc\":\"d\",\"isList\":\"yes\"}]",
	"[{\"type\":\"uint64\",\"name\":\"x.y\",\"desc\":\"d\",\"arg\":{\"isRequired\":true}}]",
	"[]",
	"[{\"type\":\"uint64\",\"name\":\"x.y\",\"desc\":\"d\",\"addOutput\":1}]",
	"[{\"type\":\"uint64\",\"name\":\"x.y\",\"desc\":\"d\"},{\"type\":\"string\",\"name\":\"x.y\",\"desc\":\"e\"}]",
};
#endif

#ifndef TP_NO_GET_FIELDS
const char *plugin_get_fields(void)
{
#ifdef TP_BAD_FIELDS
	return tp_bad_fields[TP_BAD_FIELDS];
#else
	static const vsdk_field fields[] = {
		{"uint64", "tp.n", NULL, "Event counter", VSDK_FIELD_ADD_OUTPUT},
		{"string", "tp.s", "Text", "Counter as text", 0},
		{"uint64", "tp.mul", NULL, "Counter times the index", VSDK_ARG_INDEX | VSDK_ARG_REQUIRED},
		{"string", "tp.tags", NULL, "Tags", VSDK_FIELD_LIST},
		{"bool", "tp.even", NULL, "Counter is even", VSDK_FIELD_HIDDEN},
		{"ipaddr", "tp.ip", NULL, "An IPv4 address", 0},
		{"string", "tp.key", NULL, "The key argument", VSDK_ARG_KEY | VSDK_FIELD_DOTTED_KEY},
		{"string", "tp.multi", NULL, "The tags as several values, not a list", VSDK_FIELD_MULTI_VALUE},
	};
	static char json[2048];
	return TP_RET(vsdk_fields_json_into(fields, sizeof(fields) / sizeof(fields[0]), json, sizeof(json)));
#endif
}
#endif

#ifndef TP_NO_EXTRACT
ss_plugin_rc plugin_extract_fields(ss_plugin_t *st, const ss_plugin_event_input *ev, const ss_plugin_field_extract_input *in)
{
	tp_state *s = st;
	uint32_t len;
	uint64_t v;
	const uint8_t *p = vsdk_event_payload(ev->evt, &len, NULL);
	vsdk_values_reset(&s->vals);
	/* 3.0-era plugins only know the by-value vtables: the host must fill them too */
	if (!in->table_reader.get_table_name || !in->table_reader.read_entry_field || !in->table_reader_ext ||
	    !in->get_owner_last_error)
		return vsdk_error_set(&s->err, "host passed NULL table readers");
	if (!p || len != sizeof(v))
		return vsdk_error_set(&s->err, "not a tp event");
	memcpy(&v, p, sizeof(v));
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *f = &in->fields[i];
		char text[32];
		static const char *const tags[] = {"alpha", "beta"};
		static const uint8_t ip[4] = {10, 0, 0, 1};
		snprintf(text, sizeof(text), "n=%llu", (unsigned long long)v);
		switch (f->field_id) {
		case 0: vsdk_set_u64(&s->vals, f, v); break;
		case 1: vsdk_set_str(&s->vals, f, text); break;
		case 2: vsdk_set_u64(&s->vals, f, v * f->arg_index); break;
		case 3: vsdk_set_str_list(&s->vals, f, tags, 2); break;
		case 4: vsdk_set_bool(&s->vals, f, v % 2 == 0); break;
		case 5: vsdk_set_buf(&s->vals, f, ip, sizeof(ip)); break;
		case 6: if (f->arg_key) vsdk_set_str(&s->vals, f, f->arg_key); else f->res_len = 0; break;
		case 7: vsdk_set_str_list(&s->vals, f, tags, 2); break;
		default: return vsdk_error_set(&s->err, "unknown field id %u", f->field_id);
		}
	}
	return SS_PLUGIN_SUCCESS;
}
#endif

#ifdef TP_ASYNC
const char *plugin_get_async_events(void) { return "[\"tp_async\"]"; }
ss_plugin_rc plugin_set_async_event_handler(ss_plugin_t *s, ss_plugin_owner_t *o, const ss_plugin_async_event_handler_t h)
{
	return SS_PLUGIN_SUCCESS;
}
#endif
