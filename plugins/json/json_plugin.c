/* json: extract-only plugin reading fields out of any event whose payload is a JSON document.
 *
 * Fields (with jevt.* aliases kept for rules written for the old Falco k8s audit engine):
 *   json.value[/ptr]  RFC 6901 pointer lookup; strings raw, anything else compact JSON
 *   json.obj          the whole payload, indented by two spaces
 *   json.rawtime      the event timestamp in ns, as decimal text
 * The payload is parsed once per event (jcache) whatever the number of fields extracted. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin_api.h>

#include "jcache.h"
#include "jdoc.h"
#include "jstore.h"

/* Only the 3.0 members of every input struct are read: no log_fn, no value offsets. */
#define JP_REQUIRED_API "3.0.0"
#define JP_PLUGIN_EVENT 322

enum jp_field { JP_VALUE, JP_OBJ, JP_RAWTIME, JP_NFIELDS };

typedef struct jp_state {
	jcache cache;
	jstore store;        /* extracted values, valid until the next extract call */
	const char **res;    /* one result pointer per extracted field, reused */
	uint32_t res_cap;
	char lasterr[PLUGIN_MAX_ERRLEN];
} jp_state;

const char *plugin_get_required_api_version(void)
{
	return JP_REQUIRED_API;
}

const char *plugin_get_version(void)
{
	return "0.7.0";
}

const char *plugin_get_name(void)
{
	return "json";
}

const char *plugin_get_description(void)
{
	return "Extracts values from JSON event payloads of any source (JSON pointers, whole "
	       "document, raw timestamp).";
}

const char *plugin_get_contact(void)
{
	return "vigil project";
}

const char *plugin_get_fields(void)
{
	return "["
	       "{\"type\":\"string\",\"name\":\"json.value\",\"display\":\"JSON value\","
	       "\"desc\":\"The value at a JSON pointer (RFC 6901) in the payload, e.g. "
	       "json.value[/user/username]; strings are returned unquoted, other values as compact "
	       "JSON.\",\"arg\":{\"isRequired\":true,\"isKey\":true}},"
	       "{\"type\":\"string\",\"name\":\"json.obj\",\"display\":\"JSON document\","
	       "\"desc\":\"The whole JSON payload, indented.\"},"
	       "{\"type\":\"string\",\"name\":\"json.rawtime\",\"display\":\"Raw time\","
	       "\"desc\":\"The event timestamp in nanoseconds since the epoch, as text.\"},"
	       "{\"type\":\"string\",\"name\":\"jevt.value\",\"display\":\"JSON value\","
	       "\"desc\":\"Alias of json.value.\",\"arg\":{\"isRequired\":true,\"isKey\":true}},"
	       "{\"type\":\"string\",\"name\":\"jevt.obj\",\"display\":\"JSON document\","
	       "\"desc\":\"Alias of json.obj.\"},"
	       "{\"type\":\"string\",\"name\":\"jevt.rawtime\",\"display\":\"Raw time\","
	       "\"desc\":\"Alias of json.rawtime.\"}"
	       "]";
}

/* Field ids follow get_fields: the jevt.* aliases come after the json.* fields. */
static enum jp_field jp_field_of(uint32_t field_id)
{
	return (enum jp_field)(field_id % JP_NFIELDS);
}

/* An empty list makes the plugin compatible with every source. */
const char *plugin_get_extract_event_sources(void)
{
	return "[]";
}

/* Payloads only exist on plugin events; never be called for syscall events. */
uint16_t *plugin_get_extract_event_types(uint32_t *numtypes, ss_plugin_t *s)
{
	static uint16_t types[] = {JP_PLUGIN_EVENT};
	(void)s;
	*numtypes = 1;
	return types;
}

ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	(void)in;
	jp_state *st = calloc(1, sizeof(*st));
	if (!st) {
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	jcache_init(&st->cache);
	jstore_init(&st->store);
	*rc = SS_PLUGIN_SUCCESS;
	return st;
}

void plugin_destroy(ss_plugin_t *s)
{
	jp_state *st = s;
	if (!st)
		return;
	jcache_free(&st->cache);
	jstore_free(&st->store);
	free(st->res);
	free(st);
}

const char *plugin_get_last_error(ss_plugin_t *s)
{
	jp_state *st = s;
	return st ? st->lasterr : "no plugin state";
}

/* ---- json.obj ---- */

/* Writes (or, with out == NULL, only measures) the two-space indentation of a validated
 * document: a newline after every opening bracket and comma, ": " after keys, empty containers
 * kept on one line. */
typedef struct jp_pp {
	char *out;
	size_t o;
} jp_pp;

static void pp_put(jp_pp *p, char c)
{
	if (p->out)
		p->out[p->o] = c;
	p->o++;
}

static void pp_indent(jp_pp *p, int depth)
{
	pp_put(p, '\n');
	for (int i = 0; i < depth * 2; i++)
		pp_put(p, ' ');
}

static size_t skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

static size_t pretty_run(const char *s, size_t n, char *out)
{
	jp_pp p = {out, 0};
	int depth = 0;
	jdoc_strscan st = {false, false};
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (jdoc_in_string(&st, c)) {
			pp_put(&p, c);
			continue;
		}
		switch (c) {
		case ' ': case '\t': case '\n': case '\r':
			break;
		case '{': case '[': {
			size_t j = skip_ws(s, i + 1, n);
			pp_put(&p, c);
			if (j < n && (s[j] == '}' || s[j] == ']')) {
				pp_put(&p, s[j]);
				i = j;
			} else {
				pp_indent(&p, ++depth);
			}
			break;
		}
		case '}': case ']':
			pp_indent(&p, --depth);
			pp_put(&p, c);
			break;
		case ',':
			pp_put(&p, ',');
			pp_indent(&p, depth);
			break;
		case ':':
			pp_put(&p, ':');
			pp_put(&p, ' ');
			break;
		default:
			pp_put(&p, c);
		}
	}
	return p.o;
}

static const char *pretty_print(jp_state *st, const jdoc *d)
{
	size_t n = pretty_run(d->text, d->len, NULL);
	char *out = jstore_alloc(&st->store, n + 1);
	if (!out)
		return NULL;
	pretty_run(d->text, d->len, out);
	out[n] = '\0';
	return out;
}

/* ---- extraction ---- */

/* The parsed payload, parsed at most once per event; NULL with lasterr set when unusable. */
static const jdoc *jp_document(jp_state *st, const ss_plugin_event_input *ev)
{
	jdoc_error err;
	const jdoc *d = jcache_get(&st->cache, ev, &err);
	if (!d)
		snprintf(st->lasterr, sizeof(st->lasterr), "json: event %" PRIu64 ": %s at byte %zu",
			 ev ? ev->evtnum : 0, err.reason, err.offset);
	return d;
}

static const char *jp_value(jp_state *st, const jdoc *d, const char *ptr)
{
	int t = ptr ? jdoc_pointer(d, ptr, strlen(ptr)) : -1;
	if (t < 0)
		return NULL;
	char *out = jstore_alloc(&st->store, jdoc_render_cap(d, t));
	if (out)
		jdoc_render(d, t, out);
	return out;
}

/* json.rawtime needs no parsing: only the payload's first byte is checked, so rules that merely
 * test jevt.rawtime cost no JSON work. */
static const char *jp_rawtime(jp_state *st, const ss_plugin_event_input *ev, bool *ok)
{
	const char *p;
	uint32_t n;
	*ok = ev && jcache_payload(ev->evt, &p, &n) && n && (p[0] == '{' || p[0] == '[');
	if (!*ok) {
		snprintf(st->lasterr, sizeof(st->lasterr), "json: invalid json format");
		return NULL;
	}
	char buf[24];
	int k = snprintf(buf, sizeof(buf), "%" PRIu64, ev->evt->ts);
	return jstore_strndup(&st->store, buf, (size_t)k);
}

/* Extracts one field into *out (NULL = no value); false when the payload is unusable. */
static bool jp_extract_field(jp_state *st, const ss_plugin_event_input *ev,
			     const ss_plugin_extract_field *f, const char **out)
{
	bool ok = true;
	const jdoc *d;
	*out = NULL;
	switch (jp_field_of(f->field_id)) {
	case JP_VALUE:
		if (!(d = jp_document(st, ev)))
			return false;
		*out = jp_value(st, d, f->arg_key);
		break;
	case JP_OBJ:
		if (!(d = jp_document(st, ev)))
			return false;
		*out = pretty_print(st, d);
		break;
	case JP_RAWTIME:
		*out = jp_rawtime(st, ev, &ok);
		break;
	case JP_NFIELDS:
		break;
	}
	return ok;
}

static bool reserve_results(jp_state *st, uint32_t n)
{
	if (n <= st->res_cap)
		return true;
	const char **r = realloc(st->res, n * sizeof(*r));
	if (!r)
		return false;
	st->res = r;
	st->res_cap = n;
	return true;
}

ss_plugin_rc plugin_extract_fields(ss_plugin_t *s, const ss_plugin_event_input *ev,
				   const ss_plugin_field_extract_input *in)
{
	jp_state *st = s;
	jstore_reset(&st->store);
	if (!reserve_results(st, in->num_fields)) {
		snprintf(st->lasterr, sizeof(st->lasterr), "json: out of memory");
		return SS_PLUGIN_FAILURE;
	}
	for (uint32_t i = 0; i < in->num_fields; i++)
		in->fields[i].res_len = 0;
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *f = &in->fields[i];
		if (!jp_extract_field(st, ev, f, &st->res[i]))
			return SS_PLUGIN_FAILURE;
		f->res.str = &st->res[i];
		f->res_len = st->res[i] ? 1 : 0;
	}
	return SS_PLUGIN_SUCCESS;
}
