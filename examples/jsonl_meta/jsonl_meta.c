/* jsonl_meta: an extractor-only plugin adding normalised log metadata to the events of the
 * "jsonl" source (from jsonl_tail or any plugin emitting JSON payloads on that source).
 *
 *   no id, no event source: it only extracts
 *   fields: jmeta.level, jmeta.is_error, jmeta.user, jmeta.time
 *
 * It needs nothing newer than API 3.0.0, so it also loads in every Falco since 0.35. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin_sdk.h>

typedef struct jm_state {
	vsdk_error err;
	vsdk_values vals;
	vsdk_json *doc;
	char *text; /* NUL-terminated copy of the payload doc borrows */
} jm_state;

const char *plugin_get_required_api_version(void) { return "3.0.0"; }
const char *plugin_get_version(void) { return "0.1.0"; }
const char *plugin_get_name(void) { return "jsonl_meta"; }
const char *plugin_get_description(void) { return "Normalised level, user and time of JSON log lines"; }
const char *plugin_get_contact(void) { return "vigil examples"; }
const char *plugin_get_last_error(ss_plugin_t *s) { return vsdk_error_str(&((jm_state *)s)->err); }
const char *plugin_get_extract_event_sources(void) { return "[\"jsonl\"]"; }

ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	jm_state *s = calloc(1, sizeof(*s));
	*rc = SS_PLUGIN_FAILURE;
	if (!s)
		return NULL;
	vsdk_values_init(&s->vals);
	if ((s->doc = vsdk_json_new()))
		*rc = SS_PLUGIN_SUCCESS;
	else
		vsdk_error_set(&s->err, "out of memory");
	return s;
}

void plugin_destroy(ss_plugin_t *st)
{
	jm_state *s = st;
	vsdk_values_free(&s->vals);
	vsdk_json_free(s->doc);
	free(s->text);
	free(s);
}

const char *plugin_get_fields(void)
{
	static const vsdk_field fields[] = {
		{"string", "jmeta.level", "Level",
		 "Severity from level/severity/lvl, lowercase, with warn→warning and err→error", VSDK_FIELD_ADD_OUTPUT},
		{"bool", "jmeta.is_error", "Is error", "The level is error, critical or fatal", 0},
		{"string", "jmeta.user", "User", "User from user, user.name or username", VSDK_FIELD_ADD_OUTPUT},
		{"abstime", "jmeta.time", "Time", "Time from ts/time in epoch seconds (fractions allowed)", 0},
	};
	static char json[2048];
	return vsdk_fields_json_into(fields, sizeof(fields) / sizeof(fields[0]), json, sizeof(json));
}

/* First of the paths that holds a string. */
static const char *jm_first_str(jm_state *s, const char *const *paths)
{
	const char *v;
	for (; *paths; paths++)
		if (vsdk_json_get_str(s->doc, *paths, &v, NULL) == VSDK_JSON_OK)
			return v;
	return NULL;
}

static const char *jm_level(jm_state *s, char *buf, size_t cap)
{
	static const char *const paths[] = {"level", "severity", "lvl", NULL};
	static const char *const alias[][2] = {{"warn", "warning"}, {"err", "error"}, {"crit", "critical"}};
	const char *v = jm_first_str(s, paths);
	size_t i = 0;
	if (!v || strlen(v) >= cap)
		return v; /* unusually long: keep it as written rather than cut it */
	for (; v[i]; i++)
		buf[i] = (char)tolower((unsigned char)v[i]);
	buf[i] = '\0';
	for (size_t a = 0; a < sizeof(alias) / sizeof(alias[0]); a++)
		if (strcmp(buf, alias[a][0]) == 0)
			return alias[a][1];
	return buf;
}

static bool jm_time(jm_state *s, uint64_t *ns)
{
	static const char *const paths[] = {"ts", "time"};
	for (size_t i = 0; i < 2; i++) {
		const char *raw;
		size_t len;
		char num[40], *end;
		if (vsdk_json_get_raw(s->doc, paths[i], &raw, &len) != VSDK_JSON_OK || len >= sizeof(num))
			continue;
		memcpy(num, raw, len);
		num[len] = '\0';
		double secs = strtod(num, &end);
		if (*end == '\0' && secs >= 0 && secs < 1e10) {
			*ns = (uint64_t)(secs * 1e9);
			return true;
		}
	}
	return false;
}

static bool jm_load(jm_state *s, const ss_plugin_event_input *ev)
{
	uint32_t len;
	const uint8_t *p = vsdk_event_payload(ev->evt, &len, NULL);
	char *t = p ? realloc(s->text, len + 1) : NULL;
	if (!t)
		return false;
	memcpy(t, p, len);
	t[len] = '\0';
	s->text = t;
	return vsdk_json_load(s->doc, t, len, &s->err);
}

ss_plugin_rc plugin_extract_fields(ss_plugin_t *st, const ss_plugin_event_input *ev, const ss_plugin_field_extract_input *in)
{
	static const char *const user_paths[] = {"user", "user.name", "username", NULL};
	jm_state *s = st;
	char level_buf[32];
	uint64_t ns;
	vsdk_values_reset(&s->vals);
	bool json = jm_load(s, ev); /* a line that is not JSON simply has no metadata */
	const char *level = json ? jm_level(s, level_buf, sizeof(level_buf)) : NULL;
	for (uint32_t i = 0; i < in->num_fields; i++) {
		ss_plugin_extract_field *f = &in->fields[i];
		const char *user = NULL;
		f->res_len = 0;
		switch (f->field_id) {
		case 0: if (level) vsdk_set_str(&s->vals, f, level); break;
		case 1:
			if (level)
				vsdk_set_bool(&s->vals, f, !strcmp(level, "error") || !strcmp(level, "critical") ||
								   !strcmp(level, "fatal"));
			break;
		case 2: if (json && (user = jm_first_str(s, user_paths))) vsdk_set_str(&s->vals, f, user); break;
		case 3: if (json && jm_time(s, &ns)) vsdk_set_u64(&s->vals, f, ns); break;
		default: return vsdk_error_set(&s->err, "unknown field id %u", f->field_id);
		}
	}
	return SS_PLUGIN_SUCCESS;
}
