#include "tplugin.h"

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char *log_buf;
static size_t log_len;

static void on_log(ss_plugin_owner_t *o, const char *component, const char *msg,
		   ss_plugin_log_severity sev)
{
	(void)o;
	(void)component;
	(void)sev;
	pthread_mutex_lock(&log_mu);
	size_t n = strlen(msg);
	char *b = realloc(log_buf, log_len + n + 2);
	if (b) {
		log_buf = b;
		memcpy(log_buf + log_len, msg, n);
		log_len += n;
		log_buf[log_len++] = '\n';
		log_buf[log_len] = '\0';
	}
	pthread_mutex_unlock(&log_mu);
}

const char *tplugin_log(void)
{
	return log_buf ? log_buf : "";
}

void tplugin_log_clear(void)
{
	pthread_mutex_lock(&log_mu);
	log_len = 0;
	if (log_buf)
		log_buf[0] = '\0';
	pthread_mutex_unlock(&log_mu);
}

static const char *owner_last_error(ss_plugin_owner_t *o)
{
	(void)o;
	return "";
}

#define SYM(p, n) (*(void **)&(p)->n = dlsym((p)->dl, "plugin_" #n))

void tplugin_load(tplugin *p, const char *name, const char *config)
{
	memset(p, 0, sizeof(*p));
	const char *dir = getenv("VIGIL_BUILD_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/plugins/lib%s.so", dir ? dir : ".", name);
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	cr_assert_not_null(p->dl, "dlopen %s: %s", path, dlerror());
	SYM(p, get_required_api_version);
	SYM(p, get_name);
	SYM(p, get_version);
	SYM(p, get_fields);
	SYM(p, get_init_schema);
	SYM(p, init);
	SYM(p, destroy);
	SYM(p, get_last_error);
	SYM(p, open);
	SYM(p, close);
	SYM(p, next_batch);
	SYM(p, event_to_string);
	SYM(p, list_open_params);
	SYM(p, extract_fields);
	SYM(p, get_metrics);
	SYM(p, get_extract_event_sources);
	SYM(p, get_id);
	SYM(p, get_event_source);
	cr_assert_not_null(p->init);
	ss_plugin_init_input in = {
		.config = config ? config : "",
		.owner = NULL,
		.get_owner_last_error = owner_last_error,
		.tables = NULL,
		.log_fn = on_log,
	};
	ss_plugin_rc rc;
	p->state = p->init(&in, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "init %s: %s", name,
		     p->state ? p->get_last_error(p->state) : "no state");
}

void tplugin_unload(tplugin *p)
{
	if (p->state)
		p->destroy(p->state);
	if (p->dl)
		dlclose(p->dl);
	memset(p, 0, sizeof(*p));
}

ss_plugin_event *tplugin_event(const char *json, size_t len, uint64_t ts)
{
	size_t total = 38 + len;
	unsigned char *b = calloc(1, total);
	cr_assert_not_null(b);
	ss_plugin_event *e = (ss_plugin_event *)b;
	e->ts = ts;
	e->tid = UINT64_MAX;
	e->len = (uint32_t)total;
	e->type = 322;
	e->nparams = 2;
	uint32_t lens[3] = {4, (uint32_t)len, 1};
	memcpy(b + 26, lens, sizeof(lens));
	memcpy(b + 38, json, len);
	return e;
}

/* Position of field name in get_fields: entries are in order and each has one "name". */
static int field_id(tplugin *p, const char *field)
{
	const char *s = p->get_fields();
	char pat[256];
	snprintf(pat, sizeof(pat), "\"name\":\"%s\"", field);
	int id = 0;
	for (const char *q = strstr(s, "\"name\":\""); q; q = strstr(q + 1, "\"name\":\"")) {
		if (strncmp(q, pat, strlen(pat)) == 0)
			return id;
		id++;
	}
	cr_assert_fail("field %s not declared", field);
	return -1;
}

int tplugin_extract(tplugin *p, const ss_plugin_event *evt, uint64_t evtnum, const char *field,
		    const char *arg, const char ***vals)
{
	ss_plugin_extract_field f = {0};
	f.field_id = (uint32_t)field_id(p, field);
	f.field = field;
	f.arg_index = UINT64_MAX;
	f.ftype = FTYPE_STRING;
	if (arg) {
		f.arg_key = arg;
		f.arg_present = 1;
		char *end;
		unsigned long long v = strtoull(arg, &end, 10);
		if (*arg && !*end)
			f.arg_index = v;
	}
	ss_plugin_event_input ev = {.evt = evt, .evtnum = evtnum, .evtsrc = "k8s_audit"};
	ss_plugin_extract_value_offsets offs = {NULL, NULL};
	ss_plugin_field_extract_input in = {.num_fields = 1, .fields = &f, .value_offsets = &offs};
	if (p->extract_fields(p->state, &ev, &in) != SS_PLUGIN_SUCCESS)
		return -1;
	*vals = f.res.str;
	return (int)f.res_len;
}

const char *tplugin_extract1(tplugin *p, const ss_plugin_event *evt, uint64_t evtnum,
			     const char *field, const char *arg)
{
	const char **vals;
	int n = tplugin_extract(p, evt, evtnum, field, arg, &vals);
	cr_assert(n <= 1, "%s: %d values for a single-value field", field, n);
	return n == 1 ? vals[0] : NULL;
}

char *tplugin_fixture(const char *name, size_t *len)
{
	const char *src = getenv("VIGIL_SOURCE_DIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tests/unit/k8saudit/data/%s", src ? src : ".", name);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "fixture %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	cr_assert_not_null(b);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b[n] = '\0';
	if (len)
		*len = (size_t)n;
	return b;
}

uint64_t tplugin_metric(tplugin *p, const char *name)
{
	uint32_t n = 0;
	ss_plugin_metric *m = p->get_metrics(p->state, &n);
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(m[i].name, name) == 0)
			return m[i].value.u64;
	}
	return UINT64_MAX;
}
