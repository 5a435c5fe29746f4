/* jsonl_tail: a source plugin that reads a file of JSON lines (one JSON document per line) and
 * emits one event per line, optionally following the file as it grows (like `tail -f`).
 *
 *   id 999 ("test" in the Falco plugin registry: register your own id before shipping)
 *   source "jsonl"; event payload = the line's bytes, so any JSON-aware extractor can read it
 *   open params: path of the file
 *   init config: {"follow": bool, "poll_ms": int, "max_line": int, "batch": int}
 *   fields: jsonl.line, jsonl.size, jsonl.value[key.path]
 *
 * Written only against the installed SDK (<vigil/plugin_api.h>, <vigil/plugin_sdk.h>). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <vigil/plugin_sdk.h>

#define JT_NAME "jsonl_tail"
#define JT_ID 999
#define JT_SOURCE "jsonl"

typedef struct jt_state {
	vsdk_error err;
	vsdk_logger log;
	vsdk_values vals;
	vsdk_json *doc;     /* JSON of the event last parsed by extract_fields */
	char *doc_text;     /* the text doc borrows */
	uint64_t doc_evtnum;
	bool doc_ok;
	char *text;         /* NUL-terminated copy of the current payload */
	char *line_str;     /* event_to_string result */
	bool follow;
	uint64_t poll_ms, max_line, batch;
} jt_state;

typedef struct jt_inst {
	FILE *f;
	char *path;
	char *line;
	size_t cap;
	vsdk_batch batch;
} jt_inst;

const char *plugin_get_required_api_version(void) { return "3.3.0"; /* log_fn */ }
const char *plugin_get_version(void) { return "0.1.0"; }
const char *plugin_get_name(void) { return JT_NAME; }
const char *plugin_get_description(void) { return "Reads JSON lines from a file, optionally following it"; }
const char *plugin_get_contact(void) { return "vigil examples"; }
uint32_t plugin_get_id(void) { return JT_ID; }
const char *plugin_get_event_source(void) { return JT_SOURCE; }
const char *plugin_get_last_error(ss_plugin_t *s) { return vsdk_error_str(&((jt_state *)s)->err); }

const char *plugin_get_init_schema(ss_plugin_schema_type *type)
{
	*type = SS_PLUGIN_SCHEMA_JSON;
	return "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
	       "\"follow\":{\"type\":\"boolean\",\"description\":\"keep waiting for new lines at end of file\"},"
	       "\"poll_ms\":{\"type\":\"integer\",\"description\":\"wait between polls when following\"},"
	       "\"max_line\":{\"type\":\"integer\",\"description\":\"longer lines are skipped\"},"
	       "\"batch\":{\"type\":\"integer\",\"description\":\"max events per batch\"}}}";
}

static bool jt_config(jt_state *s, const char *config)
{
	vsdk_json *cfg = vsdk_json_new();
	bool ok = cfg && vsdk_json_load(cfg, config, strlen(config), &s->err) &&
		  vsdk_json_get_bool(cfg, "follow", &s->follow, &s->err) != VSDK_JSON_BAD_TYPE &&
		  vsdk_json_get_u64(cfg, "poll_ms", &s->poll_ms, &s->err) != VSDK_JSON_BAD_TYPE &&
		  vsdk_json_get_u64(cfg, "max_line", &s->max_line, &s->err) != VSDK_JSON_BAD_TYPE &&
		  vsdk_json_get_u64(cfg, "batch", &s->batch, &s->err) != VSDK_JSON_BAD_TYPE;
	vsdk_json_free(cfg);
	if (ok && (s->batch == 0 || s->max_line == 0))
		ok = !vsdk_error_set(&s->err, "'batch' and 'max_line' must be positive");
	return ok;
}

ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	jt_state *s = calloc(1, sizeof(*s));
	if (!s) {
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	s->poll_ms = 100;
	s->max_line = 1 << 20;
	s->batch = 64;
	vsdk_values_init(&s->vals);
	vsdk_logger_init(&s->log, in);
	s->doc = vsdk_json_new();
	*rc = s->doc && jt_config(s, in->config ? in->config : "") ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
	return s;
}

void plugin_destroy(ss_plugin_t *st)
{
	jt_state *s = st;
	vsdk_values_free(&s->vals);
	vsdk_json_free(s->doc);
	free(s->text);
	free(s->doc_text);
	free(s->line_str);
	free(s);
}

ss_instance_t *plugin_open(ss_plugin_t *st, const char *params, ss_plugin_rc *rc)
{
	jt_state *s = st;
	jt_inst *h = calloc(1, sizeof(*h));
	*rc = SS_PLUGIN_FAILURE;
	if (!h)
		return NULL;
	if (!params || !*params) {
		vsdk_error_set(&s->err, "open params must be the path of a JSON-lines file");
	} else if (!(h->f = fopen(params, "r"))) {
		vsdk_error_set(&s->err, "cannot open '%s': %s", params, strerror(errno));
	} else {
		h->path = strdup(params);
		vsdk_batch_init(&h->batch, JT_ID);
		vsdk_log(&s->log, SS_PLUGIN_LOG_SEV_INFO, "reading %s%s", params, s->follow ? " (following)" : "");
		*rc = SS_PLUGIN_SUCCESS;
		return h;
	}
	free(h);
	return NULL;
}

void plugin_close(ss_plugin_t *st, ss_instance_t *ih)
{
	jt_inst *h = ih;
	fclose(h->f);
	vsdk_batch_free(&h->batch);
	free(h->line);
	free(h->path);
	free(h);
}

static void jt_sleep_ms(uint64_t ms)
{
	struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Adds the line (without its newline) unless blank or too long; false on out of memory. */
static bool jt_add_line(jt_state *s, jt_inst *h, ssize_t n)
{
	while (n > 0 && (h->line[n - 1] == '\n' || h->line[n - 1] == '\r'))
		n--;
	if (n == 0)
		return true;
	if ((uint64_t)n > s->max_line) {
		vsdk_log(&s->log, SS_PLUGIN_LOG_SEV_WARNING, "skipping a %zd-byte line (max_line %llu)", n,
			 (unsigned long long)s->max_line);
		return true;
	}
	return vsdk_batch_add(&h->batch, UINT64_MAX, h->line, (uint32_t)n);
}

ss_plugin_rc plugin_next_batch(ss_plugin_t *st, ss_instance_t *ih, uint32_t *nevts, ss_plugin_event ***evts)
{
	jt_state *s = st;
	jt_inst *h = ih;
	ssize_t n = 0;
	vsdk_batch_reset(&h->batch);
	while (vsdk_batch_count(&h->batch) < s->batch && (n = getline(&h->line, &h->cap, h->f)) > 0) {
		if (h->line[n - 1] != '\n' && s->follow) { /* partial line: wait for the rest */
			fseek(h->f, -(long)n, SEEK_CUR);
			break;
		}
		if (!jt_add_line(s, h, n))
			return vsdk_error_set(&s->err, "out of memory");
	}
	if (ferror(h->f))
		return vsdk_error_set(&s->err, "reading %s: %s", h->path, strerror(errno));
	clearerr(h->f); /* forget EOF so a followed file can grow */
	if (vsdk_batch_count(&h->batch))
		return vsdk_batch_emit(&h->batch, nevts, evts, SS_PLUGIN_SUCCESS);
	*nevts = 0;
	if (!s->follow)
		return SS_PLUGIN_EOF;
	jt_sleep_ms(s->poll_ms);
	return SS_PLUGIN_TIMEOUT;
}

const char *plugin_get_progress(ss_plugin_t *st, ss_instance_t *ih, uint32_t *pct)
{
	jt_inst *h = ih;
	struct stat sb;
	long pos = ftell(h->f);
	*pct = 0;
	if (fstat(fileno(h->f), &sb) == 0 && sb.st_size > 0 && pos >= 0)
		*pct = (uint32_t)((double)pos * 10000.0 / (double)sb.st_size);
	return "";
}

/* The event's payload as a NUL-terminated string owned by s, or NULL. */
static const char *jt_text(jt_state *s, const ss_plugin_event *evt, uint32_t *len)
{
	const uint8_t *p = vsdk_event_payload(evt, len, NULL);
	char *t = p ? realloc(s->text, *len + 1) : NULL;
	if (!t)
		return NULL;
	memcpy(t, p, *len);
	t[*len] = '\0';
	s->text = t;
	return t;
}

const char *plugin_event_to_string(ss_plugin_t *st, const ss_plugin_event_input *ev)
{
	jt_state *s = st;
	uint32_t len;
	const char *t = jt_text(s, ev->evt, &len);
	free(s->line_str);
	s->line_str = t ? strdup(t) : NULL;
	return s->line_str ? s->line_str : "";
}

const char *plugin_get_fields(void)
{
	static const vsdk_field fields[] = {
		{"string", "jsonl.line", "Line", "The JSON line as read", 0},
		{"uint64", "jsonl.size", "Size", "Length of the line in bytes", 0},
		{"string", "jsonl.value", "Value",
		 "Value at a dotted key path, e.g. jsonl.value[user.name]; strings unquoted, other values as JSON",
		 VSDK_ARG_KEY | VSDK_ARG_REQUIRED | VSDK_FIELD_ADD_OUTPUT},
	};
	static char json[2048];
	return vsdk_fields_json_into(fields, sizeof(fields) / sizeof(fields[0]), json, sizeof(json));
}

/* Parses the event's JSON once per event: extract_fields is called once per field, and the
 * same event number with the same text means the same event. */
static bool jt_doc(jt_state *s, uint64_t evtnum, const char *text, uint32_t len)
{
	if (evtnum && s->doc_evtnum == evtnum && s->doc_text && strlen(s->doc_text) == len &&
	    memcmp(s->doc_text, text, len) == 0)
		return s->doc_ok;
	char *copy = realloc(s->doc_text, len + 1);
	if (!copy)
		return false;
	memcpy(copy, text, len + 1);
	s->doc_text = copy;
	s->doc_evtnum = evtnum;
	s->doc_ok = vsdk_json_load(s->doc, copy, len, &s->err);
	return s->doc_ok;
}

static void jt_value(jt_state *s, ss_plugin_extract_field *f, bool parsed)
{
	const char *str, *raw;
	size_t len;
	f->res_len = 0;
	if (!f->arg_key || !parsed)
		return; /* not JSON: the field has no value, the line is still an event */
	if (vsdk_json_get_str(s->doc, f->arg_key, &str, NULL) == VSDK_JSON_OK)
		vsdk_set_str(&s->vals, f, str);
	else if (vsdk_json_get_raw(s->doc, f->arg_key, &raw, &len) == VSDK_JSON_OK)
		vsdk_set_strn(&s->vals, f, raw, len);
}

ss_plugin_rc plugin_extract_fields(ss_plugin_t *st, const ss_plugin_event_input *ev, const ss_plugin_field_extract_input *in)
{
	jt_state *s = st;
	uint32_t len;
	vsdk_values_reset(&s->vals);
	const char *text = jt_text(s, ev->evt, &len);
	if (!text)
		return vsdk_error_set(&s->err, "event %llu is not a jsonl event", (unsigned long long)ev->evtnum);
	bool parsed = false;
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *f = &in->fields[i];
		switch (f->field_id) {
		case 0: vsdk_set_strn(&s->vals, f, text, len); break;
		case 1: vsdk_set_u64(&s->vals, f, len); break;
		case 2:
			parsed = parsed || jt_doc(s, ev->evtnum, text, len);
			jt_value(s, f, parsed);
			break;
		default: return vsdk_error_set(&s->err, "unknown field id %u", f->field_id);
		}
	}
	return SS_PLUGIN_SUCCESS;
}
