#include "sst_test.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- event builder ---- */

void sst_tevt_begin(sst_tevt *e, uint16_t type, uint64_t tid, uint64_t ts)
{
	e->type = type;
	e->tid = tid;
	e->ts = ts;
	e->nset = 0;
	e->len = 0;
}

static void sst_tevt_put(sst_tevt *e, const char *name, const void *b, uint32_t n)
{
	if (e->nset >= VG_SCAP_MAX_PARAMS || n > sizeof e->set[0].bytes)
		return;
	e->set[e->nset].name = name;
	memcpy(e->set[e->nset].bytes, b, n);
	e->set[e->nset].len = n;
	e->nset++;
}

static uint32_t sst_tevt_width(uint8_t type)
{
	switch (type) {
	case PT_INT8: case PT_UINT8: case PT_FLAGS8: case PT_ENUMFLAGS8: return 1;
	case PT_INT16: case PT_UINT16: case PT_FLAGS16: case PT_ENUMFLAGS16: case PT_PORT: return 2;
	case PT_INT32: case PT_UINT32: case PT_FLAGS32: case PT_ENUMFLAGS32: case PT_UID: case PT_GID:
	case PT_MODE: case PT_BOOL: case PT_SIGTYPE: return 4;
	default: return 8;
	}
}

void sst_tevt_int(sst_tevt *e, const char *name, int64_t v)
{
	const vg_scap_event_info *info = vg_scap_event_info_get(e->type);
	int i = info ? vg_scap_event_param_index(info, name) : -1;
	uint32_t w = i >= 0 ? sst_tevt_width(info->params[i].type) : 8;
	uint8_t b[8];
	memcpy(b, &v, 8); /* little-endian: the low bytes come first */
	sst_tevt_put(e, name, b, w);
}

void sst_tevt_str(sst_tevt *e, const char *name, const char *s)
{
	sst_tevt_put(e, name, s, (uint32_t)strlen(s) + 1);
}

void sst_tevt_bytes(sst_tevt *e, const char *name, const void *b, uint32_t n)
{
	sst_tevt_put(e, name, b, n);
}

void sst_tevt_tuple4(sst_tevt *e, const char *name, const char *sip, uint16_t sport, const char *dip,
		     uint16_t dport)
{
	uint8_t b[13];
	b[0] = VG_SCAP_AF_INET;
	inet_pton(AF_INET, sip, b + 1);
	memcpy(b + 5, &sport, 2);
	inet_pton(AF_INET, dip, b + 7);
	memcpy(b + 11, &dport, 2);
	sst_tevt_put(e, name, b, sizeof b);
}

void sst_tevt_sockaddr4(sst_tevt *e, const char *name, const char *ip, uint16_t port)
{
	uint8_t b[7];
	b[0] = VG_SCAP_AF_INET;
	inet_pton(AF_INET, ip, b + 1);
	memcpy(b + 5, &port, 2);
	sst_tevt_put(e, name, b, sizeof b);
}

const ss_plugin_event *sst_tevt_end(sst_tevt *e)
{
	vg_scap_builder b;
	if (!vg_scap_builder_begin(&b, e->buf, sizeof e->buf, e->type, e->ts, e->tid))
		return NULL;
	const vg_scap_event_info *info = vg_scap_event_info_get(e->type);
	for (uint32_t i = 0; i < info->nparams; i++) {
		uint32_t k = 0;
		while (k < e->nset && strcmp(e->set[k].name, info->params[i].name) != 0)
			k++;
		if (k < e->nset)
			vg_scap_put(&b, e->set[k].bytes, e->set[k].len);
		else
			vg_scap_put_empty(&b);
	}
	e->len = vg_scap_builder_finish(&b);
	return e->len ? (const ss_plugin_event *)e->buf : NULL;
}

/* ---- plugin ---- */

static void sst_tplug_log(ss_plugin_owner_t *o, const char *component, const char *msg,
			  ss_plugin_log_severity sev)
{
	(void)o;
	(void)component;
	(void)msg;
	(void)sev;
}

bool sst_tplug_open(sst_tplug *p, const char *config)
{
	memset(p, 0, sizeof *p);
	const char *dir = getenv("VIGIL_BUILD_DIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/plugins/libsysstate.so", dir ? dir : "build");
	p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->dl) {
		fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
		return false;
	}
	*(void **)&p->get_fields = dlsym(p->dl, "plugin_get_fields");
	*(void **)&p->init = dlsym(p->dl, "plugin_init");
	*(void **)&p->destroy = dlsym(p->dl, "plugin_destroy");
	*(void **)&p->last_error = dlsym(p->dl, "plugin_get_last_error");
	*(void **)&p->parse = dlsym(p->dl, "plugin_parse_event");
	*(void **)&p->extract = dlsym(p->dl, "plugin_extract_fields");
	*(void **)&p->metrics = dlsym(p->dl, "plugin_get_metrics");
	ss_plugin_init_input in = {.config = config, .log_fn = sst_tplug_log};
	ss_plugin_rc rc;
	p->s = p->init(&in, &rc);
	if (rc != SS_PLUGIN_SUCCESS) {
		fprintf(stderr, "init: %s\n", p->s ? p->last_error(p->s) : "?");
		return false;
	}
	return true;
}

void sst_tplug_close(sst_tplug *p)
{
	if (p->s)
		p->destroy(p->s);
	if (p->dl)
		dlclose(p->dl);
	memset(p, 0, sizeof *p);
}

void sst_tplug_parse(sst_tplug *p, const ss_plugin_event *evt)
{
	ss_plugin_event_input in = {.evt = evt, .evtnum = ++p->evtnum, .evtsrc = "syscall"};
	ss_plugin_event_parse_input pin = {0};
	p->parse(p->s, &in, &pin);
	p->last = evt;
}

int sst_tplug_field_id(sst_tplug *p, const char *name)
{
	const char *json = p->get_fields();
	char needle[256];
	snprintf(needle, sizeof needle, "\"name\":\"%s\"", name);
	const char *hit = strstr(json, needle);
	if (!hit)
		return -1;
	int id = 0;
	for (const char *s = json; (s = strstr(s, "\"name\":\"")) && s < hit; s++)
		id++;
	return id;
}

uint64_t sst_tplug_extract(sst_tplug *p, const char *field, const char *arg, ss_plugin_extract_field *f)
{
	memset(f, 0, sizeof *f);
	int id = sst_tplug_field_id(p, field);
	if (id < 0) {
		fprintf(stderr, "unknown field %s\n", field);
		return 0;
	}
	f->field_id = (uint32_t)id;
	f->field = field;
	f->arg_index = UINT64_MAX;
	if (arg) {
		f->arg_present = 1;
		f->arg_key = arg;
		char *end;
		unsigned long long v = strtoull(arg, &end, 10);
		if (*arg && !*end)
			f->arg_index = v;
	}
	ss_plugin_event_input in = {.evt = p->last, .evtnum = p->evtnum, .evtsrc = "syscall"};
	ss_plugin_field_extract_input ein = {.num_fields = 1, .fields = f};
	if (p->extract(p->s, &in, &ein) != SS_PLUGIN_SUCCESS)
		return 0;
	return f->res_len;
}

const char *sst_tplug_str(sst_tplug *p, const char *field, const char *arg)
{
	static char joined[8192];
	ss_plugin_extract_field f;
	uint64_t n = sst_tplug_extract(p, field, arg, &f);
	if (n == 0)
		return NULL;
	joined[0] = '\0';
	for (uint64_t i = 0; i < n; i++) {
		if (i)
			strncat(joined, ",", sizeof joined - strlen(joined) - 1);
		strncat(joined, f.res.str[i], sizeof joined - strlen(joined) - 1);
	}
	return joined;
}

int64_t sst_tplug_int(sst_tplug *p, const char *field, const char *arg, bool *ok)
{
	ss_plugin_extract_field f;
	*ok = sst_tplug_extract(p, field, arg, &f) > 0;
	return *ok ? (int64_t)f.res.u64[0] : 0;
}

bool sst_tplug_bool(sst_tplug *p, const char *field, bool *ok)
{
	ss_plugin_extract_field f;
	*ok = sst_tplug_extract(p, field, NULL, &f) > 0;
	return *ok && f.res.boolean[0];
}
