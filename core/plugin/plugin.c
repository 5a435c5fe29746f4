#include "plugin/plugin.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "plugin/plugin_fields.h"
#include "plugin/plugin_schema.h"
#include "plugin/plugin_tables.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

#ifndef VIGIL_PLUGIN_DIR
#define VIGIL_PLUGIN_DIR "/usr/share/vigil/plugins"
#endif

enum {
	VG_PLUGIN_EVT_HDR = 26,
	VG_PLUGIN_EVT_PLUGIN = 322,
	VG_PLUGIN_MAX_VALUES = 1 << 20, /* a plugin claiming more values per field is misbehaving */
};

/* Every plugin_* symbol the host looks up, resolved by name into a private table (never the
 * upstream plugin_api struct, whose layout moved between minors). */
#define VG_PLUGIN_SYMBOLS(X)                                                                             \
	X(get_required_api_version) X(get_version) X(get_name) X(get_description) X(get_contact)         \
	X(init) X(destroy) X(get_last_error) X(get_init_schema) X(set_config) X(get_metrics)             \
	X(get_required_event_schema_version) X(get_id) X(get_event_source) X(open) X(close)              \
	X(next_batch) X(list_open_params) X(get_progress) X(event_to_string) X(get_fields)              \
	X(extract_fields) X(get_extract_event_sources) X(get_extract_event_types) X(parse_event)         \
	X(get_parse_event_sources) X(get_parse_event_types) X(get_async_events)                          \
	X(get_async_event_sources) X(set_async_event_handler) X(dump_state) X(capture_open)              \
	X(capture_close)

typedef struct vg_plugin_syms {
#define VG_PLUGIN_SYM_MEMBER(n) __typeof__(plugin_##n) *n;
	VG_PLUGIN_SYMBOLS(VG_PLUGIN_SYM_MEMBER)
#undef VG_PLUGIN_SYM_MEMBER
} vg_plugin_syms;

struct vg_plugin_lib {
	void *handle;
	vg_plugin_syms sym;
	vg_plugin_info info;
	vg_arena *arena; /* every string and array of info */
};

struct vg_plugin_registry {
	char *dir;
	vg_plugin_lib **libs;
	uint32_t n, cap;
};

struct vg_plugin {
	vg_plugin_lib *lib;
	ss_plugin_t *state;
	ss_instance_t *inst;
	bool open;
	vg_extractor ext;
	ss_plugin_field_extract_input extract_in; /* template: tables filled once */
	ss_plugin_event_parse_input parse_in;
	uint16_t *extract_types, *parse_types;
	uint32_t n_extract_types, n_parse_types;
	char *progress;
	uint64_t extract_failures; /* source thread only */
};

/* ---- errors ---------------------------------------------------------------------------------- */

/* Prefixes err's message with "plugin 'name' (path): phase" ("plugin path: phase" before the
 * name is known); returns err->rc. */
static vg_rc vg_plugin_context(const vg_plugin_lib *lib, const char *path, const char *phase, vg_err *err)
{
	if (lib && lib->info.name)
		return vg_err_prefix(err, "plugin '%s' (%s): %s", lib->info.name, lib->info.path, phase);
	return vg_err_prefix(err, "plugin %s: %s", lib && lib->info.path ? lib->info.path : path, phase);
}

static vg_rc vg_plugin_fail(const vg_plugin_lib *lib, const char *path, const char *phase, vg_err *err, vg_rc rc,
			    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static vg_rc vg_plugin_fail(const vg_plugin_lib *lib, const char *path, const char *phase, vg_err *err, vg_rc rc,
			    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vg_err_vset(err, rc, fmt, ap);
	va_end(ap);
	return vg_plugin_context(lib, path, phase, err);
}

/* The plugin's own explanation, copied; "(no message)" when it gives none. */
static const char *vg_plugin_last_error(const vg_plugin_lib *lib, ss_plugin_t *state)
{
	const char *msg = state ? lib->sym.get_last_error(state) : NULL;
	return msg && *msg ? msg : "(no message)";
}

/* ---- paths and file safety --------------------------------------------------------------------- */

static bool vg_plugin_path_escapes(const char *path)
{
	const char *p = path;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += n;
		p += strspn(p, "/");
	}
	return false;
}

static void vg_plugin_warn_dir(const char *resolved)
{
	char *dir = strdup(resolved);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	struct stat st;
	if (slash) {
		*slash = '\0';
		if (stat(*dir ? dir : "/", &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
			vg_warn("plugin %s: directory %s is world-writable: anyone can replace the plugin", resolved,
				*dir ? dir : "/");
	}
	free(dir);
}

/* Resolves library_path to an absolute real path (malloc'ed into *out) and checks it is a regular
 * file nobody else can rewrite. */
static vg_rc vg_plugin_resolve_path(const char *dir, const char *path, char **out, vg_err *err)
{
	vg_buf joined;
	struct stat st;
	*out = NULL;
	if (!path || !*path)
		return vg_plugin_fail(NULL, "(none)", "load", err, VG_ERR_INVALID, "empty library path");
	if (path[0] != '/' && vg_plugin_path_escapes(path))
		return vg_plugin_fail(NULL, path, "load", err, VG_ERR_PERM,
				      "'..' is not allowed in a relative library path (plugin dir %s)", dir);
	vg_buf_init(&joined);
	if (path[0] != '/')
		vg_buf_printf(&joined, "%s/", dir);
	vg_buf_puts(&joined, path);
	char *real = joined.oom ? NULL : realpath(joined.data, NULL);
	if (!real) {
		vg_plugin_fail(NULL, joined.data, "load", err, VG_ERR_NOTFOUND, "cannot resolve path: %s",
			       strerror(errno));
		vg_buf_free(&joined);
		return err->rc;
	}
	vg_buf_free(&joined);
	vg_rc rc = VG_OK;
	if (stat(real, &st) != 0)
		rc = vg_plugin_fail(NULL, real, "load", err, VG_ERR_IO, "stat failed: %s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = vg_plugin_fail(NULL, real, "load", err, VG_ERR_INVALID, "not a regular file");
	else if (st.st_mode & S_IWOTH)
		rc = vg_plugin_fail(NULL, real, "load", err, VG_ERR_PERM,
				    "refusing a world-writable plugin file (chmod o-w it)");
	if (rc) {
		free(real);
		return rc;
	}
	vg_plugin_warn_dir(real);
	*out = real;
	return VG_OK;
}

/* ---- versions ---------------------------------------------------------------------------------- */

static bool vg_plugin_parse_version(const char *v, unsigned *maj, unsigned *min, unsigned *patch)
{
	return v && sscanf(v, "%u.%u.%u", maj, min, patch) == 3;
}

static bool vg_plugin_semver_num(const char **p)
{
	const char *s = *p;
	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	*p = s;
	return true;
}

static bool vg_plugin_semver_ident(const char **p)
{
	const char *s = *p;
	size_t n = strspn(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-.");
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	*p = s + n;
	return true;
}

/* MAJOR.MINOR.PATCH[-prerelease][+build] */
static bool vg_plugin_semver_ok(const char *v)
{
	if (!v || !vg_plugin_semver_num(&v) || *v++ != '.' || !vg_plugin_semver_num(&v) || *v++ != '.' ||
	    !vg_plugin_semver_num(&v))
		return false;
	if (*v == '-' && (++v, !vg_plugin_semver_ident(&v)))
		return false;
	if (*v == '+' && (++v, !vg_plugin_semver_ident(&v)))
		return false;
	return *v == '\0';
}

bool vg_plugin_version_satisfies(const char *have, const char *want)
{
	unsigned h[3], w[3];
	if (!vg_plugin_parse_version(have, &h[0], &h[1], &h[2]) || !vg_plugin_parse_version(want, &w[0], &w[1], &w[2]))
		return false;
	if (h[0] != w[0])
		return false;
	return h[1] != w[1] ? h[1] > w[1] : h[2] >= w[2];
}

static vg_rc vg_plugin_check_api(vg_plugin_lib *lib, vg_err *err)
{
	unsigned maj, min, patch;
	if (!lib->sym.get_required_api_version)
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN,
				      "missing required symbol plugin_get_required_api_version");
	const char *req = lib->sym.get_required_api_version();
	if (!vg_plugin_parse_version(req, &maj, &min, &patch))
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_VERSION,
				      "unparsable required API version '%s'", req ? req : "(null)");
	lib->info.required_api_version = vg_arena_strdup(lib->arena, req);
	if (maj != PLUGIN_API_VERSION_MAJOR || min > PLUGIN_API_VERSION_MINOR ||
	    (min == PLUGIN_API_VERSION_MINOR && patch > PLUGIN_API_VERSION_PATCH))
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_VERSION,
				      "plugin requires API version %u.%u.%u, incompatible with vigil's %s", maj, min,
				      patch, VG_PLUGIN_HOST_API_VERSION);
	return VG_OK;
}

/* ---- symbols, identity and capabilities ----------------------------------------------------------- */

static void vg_plugin_resolve_symbols(vg_plugin_lib *lib)
{
#define VG_PLUGIN_SYM_RESOLVE(n) *(void **)&lib->sym.n = dlsym(lib->handle, "plugin_" #n);
	VG_PLUGIN_SYMBOLS(VG_PLUGIN_SYM_RESOLVE)
#undef VG_PLUGIN_SYM_RESOLVE
}

static vg_rc vg_plugin_check_required(vg_plugin_lib *lib, vg_err *err)
{
	const struct {
		const char *name;
		bool present;
	} req[] = {
		{"plugin_get_version", lib->sym.get_version != NULL},
		{"plugin_get_name", lib->sym.get_name != NULL},
		{"plugin_get_description", lib->sym.get_description != NULL},
		{"plugin_get_contact", lib->sym.get_contact != NULL},
		{"plugin_init", lib->sym.init != NULL},
		{"plugin_destroy", lib->sym.destroy != NULL},
		{"plugin_get_last_error", lib->sym.get_last_error != NULL},
	};
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if (!req[i].present)
			return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN, "missing required symbol %s",
					      req[i].name);
	return VG_OK;
}

/* Plugins may return every string from one shared buffer: copy each right after its call. */
static const char *vg_plugin_copy(vg_plugin_lib *lib, const char *s)
{
	return vg_arena_strdup(lib->arena, s ? s : "");
}

static vg_rc vg_plugin_read_identity(vg_plugin_lib *lib, vg_err *err)
{
	lib->info.name = vg_plugin_copy(lib, lib->sym.get_name());
	if (!*lib->info.name) {
		lib->info.name = NULL;
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN, "plugin_get_name returned an empty name");
	}
	lib->info.version = vg_plugin_copy(lib, lib->sym.get_version());
	lib->info.description = vg_plugin_copy(lib, lib->sym.get_description());
	lib->info.contact = vg_plugin_copy(lib, lib->sym.get_contact());
	if (!vg_plugin_semver_ok(lib->info.version))
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_VERSION, "invalid version string '%s' (not semver)",
				      lib->info.version);
	return VG_OK;
}

/* A capability is present when all its symbols are. It is broken when it was attempted but is
 * incomplete: for sourcing any of its symbols counts as an attempt, for the others the first. */
typedef struct vg_plugin_capdef {
	uint32_t cap;
	const char *what;
	bool any_attempts;
	const char *names[3]; /* NULL-terminated when shorter */
	bool have[3];
} vg_plugin_capdef;

static vg_rc vg_plugin_cap(vg_plugin_lib *lib, const vg_plugin_capdef *d, vg_err *err)
{
	size_t n = 0, count = 0;
	for (; n < 3 && d->names[n]; n++)
		count += d->have[n];
	if (count == n)
		lib->info.caps |= d->cap;
	else if (d->any_attempts ? count > 0 : d->have[0])
		for (size_t i = 0; i < n; i++)
			if (!d->have[i])
				return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN,
						      "broken plugin capabilities: %s without %s", d->what, d->names[i]);
	return VG_OK;
}

static vg_rc vg_plugin_derive_caps(vg_plugin_lib *lib, vg_err *err)
{
	const vg_plugin_syms *s = &lib->sym;
	const vg_plugin_capdef defs[] = {
		{VG_PLUGIN_CAP_SOURCING, "event sourcing", true,
		 {"plugin_open", "plugin_close", "plugin_next_batch"}, {s->open, s->close, s->next_batch}},
		{VG_PLUGIN_CAP_EXTRACTION, "field extraction", false,
		 {"plugin_extract_fields", "plugin_get_fields"}, {s->extract_fields, s->get_fields}},
		{VG_PLUGIN_CAP_PARSING, "event parsing", false, {"plugin_parse_event"}, {s->parse_event}},
		{VG_PLUGIN_CAP_ASYNC, "async events", false,
		 {"plugin_set_async_event_handler", "plugin_get_async_events"},
		 {s->set_async_event_handler, s->get_async_events}},
		{VG_PLUGIN_CAP_CAPTURE_LISTENING, "capture listening", false,
		 {"plugin_capture_open", "plugin_capture_close"}, {s->capture_open, s->capture_close}},
	};
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		vg_rc rc = vg_plugin_cap(lib, &defs[i], err);
		if (rc)
			return rc;
	}
	return VG_OK;
}

static vg_rc vg_plugin_check_caps(vg_plugin_lib *lib, vg_err *err)
{
	const uint32_t served = VG_PLUGIN_CAP_SOURCING | VG_PLUGIN_CAP_EXTRACTION | VG_PLUGIN_CAP_PARSING;
	uint32_t caps = lib->info.caps;
	if (!caps)
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN, "plugin does not implement any capability");
	if (!(caps & served))
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_UNSUPPORTED,
				      "plugin only implements %s, which vigil does not support yet",
				      caps & VG_PLUGIN_CAP_ASYNC ? "async events" : "capture listening");
	if (caps & VG_PLUGIN_CAP_ASYNC)
		vg_log(VG_LOG_WARN, lib->info.name, "%s: async events are not delivered by vigil yet", lib->info.path);
	if (caps & VG_PLUGIN_CAP_CAPTURE_LISTENING)
		vg_log(VG_LOG_WARN, lib->info.name, "%s: capture listening is not supported by vigil; ignored",
		       lib->info.path);
	return VG_OK;
}

static bool vg_plugin_reserved_source(const char *s)
{
	return !strcmp(s, "syscall") || !strcmp(s, "internal") || !strcmp(s, "plugins");
}

static vg_rc vg_plugin_read_source(vg_plugin_lib *lib, vg_err *err)
{
	const vg_plugin_syms *s = &lib->sym;
	if (!(lib->info.caps & VG_PLUGIN_CAP_SOURCING))
		return VG_OK;
	if (!s->get_id != !s->get_event_source)
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN,
				      "broken plugin capabilities: event sourcing with %s but without %s",
				      s->get_id ? "plugin_get_id" : "plugin_get_event_source",
				      s->get_id ? "plugin_get_event_source" : "plugin_get_id");
	lib->info.id = s->get_id ? s->get_id() : 0;
	const char *src = vg_plugin_copy(lib, s->get_event_source ? s->get_event_source() : NULL);
	if ((lib->info.id == 0) != (*src == '\0'))
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN,
				      "broken plugin capabilities: id %u with event source '%s' (both or neither)",
				      lib->info.id, src);
	if (lib->info.id != 0 && vg_plugin_reserved_source(src))
		return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN,
				      "plugin can't implement the reserved event source '%s'", src);
	lib->info.event_source = lib->info.id ? src : "syscall";
	return VG_OK;
}

/* Declared source list + (sourcing plugins with a specific source) their own source. */
static vg_rc vg_plugin_read_sources(vg_plugin_lib *lib, const char *(*get)(void), const char *what,
				    const char *const **out, uint32_t *n, vg_err *err)
{
	char **list;
	uint32_t count;
	if (vg_plugin_fields_strlist(get ? get() : NULL, lib->arena, &list, &count, err))
	{
		vg_err_prefix(err, "%s", what);
		err->rc = VG_ERR_PLUGIN;
		return vg_plugin_context(lib, NULL, "load", err);
	}
	if (lib->info.id != 0) {
		bool has_own = false;
		for (uint32_t i = 0; i < count; i++)
			has_own |= strcmp(list[i], lib->info.event_source) == 0;
		if (!has_own) {
			char **grown = vg_arena_zalloc(lib->arena, (count + 2) * sizeof(*grown));
			if (!grown)
				return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_NOMEM, "out of memory");
			if (count)
				memcpy(grown, list, count * sizeof(*grown));
			grown[count++] = (char *)lib->info.event_source;
			list = grown;
		}
	}
	*out = (const char *const *)list;
	*n = count;
	return VG_OK;
}

static vg_rc vg_plugin_read_fields(vg_plugin_lib *lib, vg_err *err)
{
	const vg_plugin_syms *s = &lib->sym;
	vg_rc rc;
	if (lib->info.caps & VG_PLUGIN_CAP_EXTRACTION) {
		vg_field_info *fields;
		lib->info.fields_json = vg_plugin_copy(lib, s->get_fields());
		if (vg_plugin_fields_parse(lib->info.fields_json, lib->arena, &fields, &lib->info.nfields, err))
		{
			err->rc = VG_ERR_PLUGIN;
			return vg_plugin_context(lib, NULL, "load", err);
		}
		lib->info.fields = fields;
		rc = vg_plugin_read_sources(lib, s->get_extract_event_sources, "get_extract_event_sources",
					    &lib->info.extract_sources, &lib->info.n_extract_sources, err);
		if (rc)
			return rc;
	}
	if (lib->info.caps & VG_PLUGIN_CAP_PARSING)
		return vg_plugin_read_sources(lib, s->get_parse_event_sources, "get_parse_event_sources",
					      &lib->info.parse_sources, &lib->info.n_parse_sources, err);
	return VG_OK;
}

static void vg_plugin_read_schema(vg_plugin_lib *lib)
{
	ss_plugin_schema_type type = SS_PLUGIN_SCHEMA_NONE;
	const char *schema = lib->sym.get_init_schema ? lib->sym.get_init_schema(&type) : NULL;
	if (type == SS_PLUGIN_SCHEMA_JSON && schema && *schema)
		lib->info.init_schema = vg_plugin_copy(lib, schema);
}

static void vg_plugin_lib_free(vg_plugin_lib *lib)
{
	if (!lib)
		return;
	if (lib->handle)
		dlclose(lib->handle);
	vg_arena_free(lib->arena);
	free(lib);
}

/* Every check of a freshly opened library, in the reference's order. */
static vg_rc vg_plugin_lib_check(vg_plugin_lib *lib, vg_err *err)
{
	vg_rc rc;
	vg_plugin_resolve_symbols(lib);
	if ((rc = vg_plugin_check_api(lib, err)) || (rc = vg_plugin_check_required(lib, err)) ||
	    (rc = vg_plugin_read_identity(lib, err)) || (rc = vg_plugin_derive_caps(lib, err)) ||
	    (rc = vg_plugin_check_caps(lib, err)) || (rc = vg_plugin_read_source(lib, err)) ||
	    (rc = vg_plugin_read_fields(lib, err)))
		return rc;
	vg_plugin_read_schema(lib);
	return VG_OK;
}

static vg_rc vg_plugin_lib_open(const char *dir, const char *library_path, vg_plugin_lib **out, vg_err *err)
{
	char *real;
	vg_rc rc = vg_plugin_resolve_path(dir, library_path, &real, err);
	if (rc)
		return rc;
	vg_plugin_lib *lib = calloc(1, sizeof(*lib));
	if (!lib || !(lib->arena = vg_arena_new(4096))) {
		free(real);
		free(lib);
		return vg_plugin_fail(NULL, library_path, "load", err, VG_ERR_NOMEM, "out of memory");
	}
	lib->info.path = vg_arena_strdup(lib->arena, real);
	free(real);
	if (!lib->info.path) {
		vg_plugin_lib_free(lib);
		return vg_plugin_fail(NULL, library_path, "load", err, VG_ERR_NOMEM, "out of memory");
	}
	lib->handle = dlopen(lib->info.path, RTLD_NOW | RTLD_LOCAL);
	if (!lib->handle) {
		const char *why = dlerror();
		rc = vg_plugin_fail(lib, NULL, "load", err, VG_ERR_PLUGIN, "dlopen failed: %s", why ? why : "unknown");
	} else {
		rc = vg_plugin_lib_check(lib, err);
	}
	if (rc) {
		vg_plugin_lib_free(lib);
		return rc;
	}
	*out = lib;
	return VG_OK;
}

/* ---- registry ------------------------------------------------------------------------------------- */

vg_plugin_registry *vg_plugin_registry_new(const char *plugin_dir)
{
	vg_plugin_registry *reg = calloc(1, sizeof(*reg));
	if (!reg)
		return NULL;
	reg->dir = strdup(plugin_dir ? plugin_dir : VIGIL_PLUGIN_DIR);
	if (!reg->dir) {
		free(reg);
		return NULL;
	}
	return reg;
}

void vg_plugin_registry_free(vg_plugin_registry *reg)
{
	if (!reg)
		return;
	for (uint32_t i = reg->n; i-- > 0;)
		vg_plugin_lib_free(reg->libs[i]);
	free(reg->libs);
	free(reg->dir);
	free(reg);
}

/* Names are unique; sourcing ids other than 0 are unique. */
static vg_rc vg_plugin_registry_check(const vg_plugin_registry *reg, const vg_plugin_lib *lib, vg_err *err)
{
	for (uint32_t i = 0; i < reg->n; i++) {
		const vg_plugin_info *o = &reg->libs[i]->info;
		if (strcmp(o->name, lib->info.name) == 0)
			return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_EXISTS,
					      "a plugin named '%s' is already loaded from %s", o->name, o->path);
		if (lib->info.id && o->id == lib->info.id && (o->caps & VG_PLUGIN_CAP_SOURCING))
			return vg_plugin_fail(lib, NULL, "load", err, VG_ERR_EXISTS,
					      "plugin id %u is already used by plugin '%s'", o->id, o->name);
	}
	return VG_OK;
}

vg_rc vg_plugin_registry_load(vg_plugin_registry *reg, const char *library_path, vg_plugin_lib **out, vg_err *err)
{
	vg_plugin_lib *lib = NULL;
	vg_rc rc = vg_plugin_lib_open(reg->dir, library_path, &lib, err);
	if (rc)
		return rc;
	if ((rc = vg_plugin_registry_check(reg, lib, err))) {
		vg_plugin_lib_free(lib);
		return rc;
	}
	if (reg->n == reg->cap) {
		uint32_t cap = reg->cap ? reg->cap * 2 : 8;
		vg_plugin_lib **libs = realloc(reg->libs, cap * sizeof(*libs));
		if (!libs) {
			vg_plugin_lib_free(lib);
			return vg_plugin_fail(NULL, library_path, "load", err, VG_ERR_NOMEM, "out of memory");
		}
		reg->libs = libs;
		reg->cap = cap;
	}
	reg->libs[reg->n++] = lib;
	if (out)
		*out = lib;
	return VG_OK;
}

vg_plugin_lib *vg_plugin_registry_find(const vg_plugin_registry *reg, const char *name)
{
	for (uint32_t i = 0; i < reg->n; i++)
		if (strcmp(reg->libs[i]->info.name, name) == 0)
			return reg->libs[i];
	return NULL;
}

uint32_t vg_plugin_registry_count(const vg_plugin_registry *reg)
{
	return reg->n;
}

vg_plugin_lib *vg_plugin_registry_at(const vg_plugin_registry *reg, uint32_t i)
{
	return i < reg->n ? reg->libs[i] : NULL;
}

/* ---- library queries ------------------------------------------------------------------------------ */

const vg_plugin_info *vg_plugin_lib_info(const vg_plugin_lib *lib)
{
	return &lib->info;
}

static bool vg_plugin_in_list(const char *const *list, uint32_t n, const char *source)
{
	if (n == 0)
		return true;
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(list[i], source) == 0)
			return true;
	return false;
}

bool vg_plugin_lib_extracts_from(const vg_plugin_lib *lib, const char *source)
{
	return (lib->info.caps & VG_PLUGIN_CAP_EXTRACTION) &&
	       vg_plugin_in_list(lib->info.extract_sources, lib->info.n_extract_sources, source);
}

bool vg_plugin_lib_parses_from(const vg_plugin_lib *lib, const char *source)
{
	return (lib->info.caps & VG_PLUGIN_CAP_PARSING) &&
	       vg_plugin_in_list(lib->info.parse_sources, lib->info.n_parse_sources, source);
}

/* ---- state ---------------------------------------------------------------------------------------- */

static const char *vg_plugin_owner_last_error(ss_plugin_owner_t *o)
{
	return VG_PLUGIN_TABLES_UNSUPPORTED;
}

static vg_log_level vg_plugin_log_level(ss_plugin_log_severity sev)
{
	switch (sev) {
	case SS_PLUGIN_LOG_SEV_FATAL:
	case SS_PLUGIN_LOG_SEV_CRITICAL: return VG_LOG_CRIT;
	case SS_PLUGIN_LOG_SEV_ERROR: return VG_LOG_ERR;
	case SS_PLUGIN_LOG_SEV_WARNING: return VG_LOG_WARN;
	case SS_PLUGIN_LOG_SEV_NOTICE: return VG_LOG_NOTICE;
	case SS_PLUGIN_LOG_SEV_INFO: return VG_LOG_INFO;
	case SS_PLUGIN_LOG_SEV_DEBUG: return VG_LOG_DEBUG;
	case SS_PLUGIN_LOG_SEV_TRACE: return VG_LOG_TRACE;
	}
	return VG_LOG_INFO;
}

static void vg_plugin_log(ss_plugin_owner_t *o, const char *component, const char *msg, ss_plugin_log_severity sev)
{
	const vg_plugin *p = o;
	const char *name = p ? p->lib->info.name : "plugin";
	if (component && *component && strcmp(component, name) != 0)
		vg_log(vg_plugin_log_level(sev), name, "%s: %s", component, msg ? msg : "");
	else
		vg_log(vg_plugin_log_level(sev), name, "%s", msg ? msg : "");
}

static vg_rc vg_plugin_extract(void *ud, vg_evctx *ev, const vg_field_info *f, const vg_field_arg *arg,
			       vg_values *out);

static uint16_t *vg_plugin_copy_types(uint16_t *(*get)(uint32_t *, ss_plugin_t *), ss_plugin_t *state,
				      uint32_t *n)
{
	uint32_t count = 0;
	uint16_t *types = get ? get(&count, state) : NULL;
	uint16_t *copy = types && count ? malloc(count * sizeof(*copy)) : NULL;
	*n = copy ? count : 0;
	if (copy)
		memcpy(copy, types, count * sizeof(*copy));
	return copy;
}

static vg_rc vg_plugin_config(const vg_plugin_lib *lib, const char **config, vg_err *err)
{
	if (!*config)
		*config = "";
	if (!lib->info.init_schema)
		return VG_OK;
	if (!**config)
		*config = "{}";
	if (vg_plugin_schema_validate(lib->info.init_schema, *config, err))
		return vg_plugin_context(lib, NULL, "init", err);
	return VG_OK;
}

static void vg_plugin_prepare_inputs(vg_plugin *p)
{
	p->ext = (vg_extractor){.name = p->lib->info.name, .extract = vg_plugin_extract, .ud = p};
	p->extract_in = (ss_plugin_field_extract_input){.owner = p, .get_owner_last_error = vg_plugin_owner_last_error,
							 .num_fields = 1};
	vg_plugin_tables_fill_extract(&p->extract_in);
	p->parse_in = (ss_plugin_event_parse_input){.owner = p, .get_owner_last_error = vg_plugin_owner_last_error};
	vg_plugin_tables_fill_parse(&p->parse_in);
}

vg_rc vg_plugin_init(vg_plugin_lib *lib, const char *config, vg_plugin **out, vg_err *err)
{
	vg_rc rc = vg_plugin_config(lib, &config, err);
	if (rc)
		return rc;
	vg_plugin *p = calloc(1, sizeof(*p));
	if (!p)
		return vg_plugin_fail(lib, NULL, "init", err, VG_ERR_NOMEM, "out of memory");
	p->lib = lib;
	ss_plugin_init_input in = {
		.config = config,
		.owner = p,
		.get_owner_last_error = vg_plugin_owner_last_error,
		.tables = vg_plugin_tables_init_input(),
		.log_fn = vg_plugin_log,
	};
	ss_plugin_rc prc = SS_PLUGIN_FAILURE;
	p->state = lib->sym.init(&in, &prc);
	if (prc != SS_PLUGIN_SUCCESS || !p->state) {
		if (prc == SS_PLUGIN_SUCCESS)
			rc = vg_plugin_fail(lib, NULL, "init", err, VG_ERR_PLUGIN, "plugin_init returned no state");
		else
			rc = vg_plugin_fail(lib, NULL, "init", err, VG_ERR_PLUGIN, "%s", vg_plugin_last_error(lib, p->state));
		if (p->state)
			lib->sym.destroy(p->state);
		free(p);
		return rc;
	}
	p->extract_types = vg_plugin_copy_types(lib->sym.get_extract_event_types, p->state, &p->n_extract_types);
	p->parse_types = vg_plugin_copy_types(lib->sym.get_parse_event_types, p->state, &p->n_parse_types);
	vg_plugin_prepare_inputs(p);
	*out = p;
	return VG_OK;
}

void vg_plugin_destroy(vg_plugin *p)
{
	if (!p)
		return;
	vg_plugin_close(p);
	p->lib->sym.destroy(p->state);
	free(p->extract_types);
	free(p->parse_types);
	free(p->progress);
	free(p);
}

vg_plugin_lib *vg_plugin_get_lib(const vg_plugin *p)
{
	return p->lib;
}

const vg_plugin_info *vg_plugin_get_info(const vg_plugin *p)
{
	return &p->lib->info;
}

const uint16_t *vg_plugin_extract_types(const vg_plugin *p, uint32_t *n)
{
	*n = p->n_extract_types;
	return p->extract_types;
}

const uint16_t *vg_plugin_parse_types(const vg_plugin *p, uint32_t *n)
{
	*n = p->n_parse_types;
	return p->parse_types;
}

vg_rc vg_plugin_set_config(vg_plugin *p, const char *config, vg_err *err)
{
	if (!p->lib->sym.set_config)
		return vg_plugin_fail(p->lib, NULL, "set_config", err, VG_ERR_UNSUPPORTED, "plugin has no plugin_set_config");
	vg_rc rc = vg_plugin_config(p->lib, &config, err);
	if (rc)
		return rc;
	ss_plugin_set_config_input in = {.config = config};
	if (p->lib->sym.set_config(p->state, &in) != SS_PLUGIN_SUCCESS)
		return vg_plugin_fail(p->lib, NULL, "set_config", err, VG_ERR_PLUGIN, "%s",
				      vg_plugin_last_error(p->lib, p->state));
	return VG_OK;
}

vg_rc vg_plugin_list_open_params(vg_plugin *p, char **out, vg_err *err)
{
	ss_plugin_rc rc = SS_PLUGIN_SUCCESS;
	*out = NULL;
	if (!p->lib->sym.list_open_params)
		return VG_OK;
	const char *params = p->lib->sym.list_open_params(p->state, &rc);
	if (rc != SS_PLUGIN_SUCCESS)
		return vg_plugin_fail(p->lib, NULL, "list_open_params", err, VG_ERR_PLUGIN, "%s",
				      vg_plugin_last_error(p->lib, p->state));
	if (params && *params && !(*out = strdup(params)))
		return vg_plugin_fail(p->lib, NULL, "list_open_params", err, VG_ERR_NOMEM, "out of memory");
	return VG_OK;
}

void vg_plugin_metrics(vg_plugin *p, const ss_plugin_metric **out, uint32_t *n)
{
	*out = NULL;
	*n = 0;
	if (p->lib->sym.get_metrics)
		*out = p->lib->sym.get_metrics(p->state, n);
	if (!*out)
		*n = 0;
}

/* ---- sourcing ------------------------------------------------------------------------------------ */

vg_rc vg_plugin_open(vg_plugin *p, const char *params, vg_err *err)
{
	ss_plugin_rc rc = SS_PLUGIN_FAILURE;
	if (!(p->lib->info.caps & VG_PLUGIN_CAP_SOURCING))
		return vg_plugin_fail(p->lib, NULL, "open", err, VG_ERR_INVALID, "plugin has no event sourcing capability");
	if (p->open)
		return vg_plugin_fail(p->lib, NULL, "open", err, VG_ERR_INVALID, "a capture is already open on this state");
	ss_instance_t *inst = p->lib->sym.open(p->state, params ? params : "", &rc);
	if (rc != SS_PLUGIN_SUCCESS)
		return vg_plugin_fail(p->lib, NULL, "open", err, VG_ERR_PLUGIN, "%s", vg_plugin_last_error(p->lib, p->state));
	p->inst = inst;
	p->open = true;
	return VG_OK;
}

void vg_plugin_close(vg_plugin *p)
{
	if (!p->open)
		return;
	p->lib->sym.close(p->state, p->inst);
	p->inst = NULL;
	p->open = false;
}

static uint64_t vg_plugin_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Checks one event against the contract and applies the host fix-ups; NULL when fine, else why. */
static const char *vg_plugin_fix_event(const vg_plugin *p, ss_plugin_event *evt, uint64_t *now)
{
	uint8_t *raw = (uint8_t *)evt;
	uint32_t lens[2], id;
	if (!evt)
		return "NULL event pointer";
	if (evt->len < VG_PLUGIN_EVT_HDR)
		return "event length shorter than the 26-byte header";
	if (evt->ts == UINT64_MAX)
		evt->ts = *now ? *now : (*now = vg_plugin_now_ns());
	if (evt->type != VG_PLUGIN_EVT_PLUGIN)
		return p->lib->info.id ? "event type is not 322 (plugin event)" : NULL;
	if (evt->nparams != 2 || evt->len < PLUGIN_EVENT_PAYLOAD_OFFSET)
		return "plugin event must have 2 parameters and at least 38 bytes";
	memcpy(lens, raw + VG_PLUGIN_EVT_HDR, sizeof(lens));
	if (lens[0] != 4 || lens[1] != evt->len - PLUGIN_EVENT_PAYLOAD_OFFSET)
		return "plugin event parameter lengths do not match the event length";
	evt->tid = UINT64_MAX;
	if (p->lib->info.id == 0)
		return NULL; /* a syscall-source plugin (e.g. capture replay) may carry any plugin's events */
	memcpy(&id, raw + 34, sizeof(id));
	if (id == 0) {
		id = p->lib->info.id;
		memcpy(raw + 34, &id, sizeof(id));
	} else if (id != p->lib->info.id) {
		return "plugin event carries another plugin's id";
	}
	return NULL;
}

static vg_rc vg_plugin_batch_rc(vg_plugin *p, ss_plugin_rc rc, uint32_t n, vg_err *err)
{
	switch (rc) {
	case SS_PLUGIN_SUCCESS:
		if (n > 0)
			return VG_OK;
		return vg_plugin_fail(p->lib, NULL, "next", err, VG_ERR_PLUGIN, "next_batch returned SUCCESS with no events");
	case SS_PLUGIN_TIMEOUT: return VG_ERR_TIMEOUT;
	case SS_PLUGIN_EOF: return VG_ERR_EOF;
	case SS_PLUGIN_FAILURE:
		return vg_plugin_fail(p->lib, NULL, "next", err, VG_ERR_PLUGIN, "%s", vg_plugin_last_error(p->lib, p->state));
	default:
		return vg_plugin_fail(p->lib, NULL, "next", err, VG_ERR_PLUGIN, "next_batch returned unknown code %d",
				      (int)rc);
	}
}

vg_rc vg_plugin_next_batch(vg_plugin *p, vg_plugin_batch *out, vg_err *err)
{
	uint32_t n = 0;
	ss_plugin_event **evts = NULL;
	uint64_t now = 0;
	out->n = 0;
	out->evts = NULL;
	if (!p->open)
		return vg_plugin_fail(p->lib, NULL, "next", err, VG_ERR_INVALID, "no open capture");
	ss_plugin_rc rc = p->lib->sym.next_batch(p->state, p->inst, &n, &evts);
	if (n > 0 && !evts)
		return vg_plugin_fail(p->lib, NULL, "next", err, VG_ERR_PLUGIN, "next_batch returned %u events and no array", n);
	for (uint32_t i = 0; i < n; i++) {
		const char *why = vg_plugin_fix_event(p, evts[i], &now);
		if (why) {
			out->n = i;
			out->evts = evts;
			return vg_plugin_fail(p->lib, NULL, "next", err, VG_ERR_PLUGIN, "event #%u of the batch: %s", i, why);
		}
	}
	out->n = n;
	out->evts = evts;
	return vg_plugin_batch_rc(p, rc, n, err);
}

bool vg_plugin_progress(vg_plugin *p, uint32_t *pct, const char **text)
{
	uint32_t v = 0;
	if (!p->open || !p->lib->sym.get_progress)
		return false;
	const char *s = p->lib->sym.get_progress(p->state, p->inst, &v);
	free(p->progress);
	p->progress = strdup(s ? s : "");
	*pct = v > 10000 ? 10000 : v;
	*text = p->progress ? p->progress : "";
	return true;
}

static ss_plugin_event_input vg_plugin_event_input(const vg_evctx *ev)
{
	return (ss_plugin_event_input){.evt = ev->evt, .evtnum = ev->evtnum, .evtsrc = ev->source};
}

const char *vg_plugin_event_to_string(vg_plugin *p, vg_evctx *ev)
{
	if (!p->lib->sym.event_to_string)
		return NULL;
	ss_plugin_event_input in = vg_plugin_event_input(ev);
	const char *s = p->lib->sym.event_to_string(p->state, &in);
	return s ? vg_arena_strdup(ev->scratch, s) : NULL;
}

/* ---- extraction and parsing ------------------------------------------------------------------------ */

const vg_extractor *vg_plugin_extractor(vg_plugin *p)
{
	return &p->ext;
}

/* Copies the plugin's res array into vg_values in the event's scratch arena: the plugin may reuse
 * its storage at the next extract_fields call, while our values must last the whole event. */
static vg_rc vg_plugin_convert(const ss_plugin_extract_field *ef, vg_ftype type, uint32_t n, vg_evctx *ev,
			       vg_values *out)
{
	vg_value *v = vg_arena_alloc(ev->scratch, n * sizeof(*v));
	if (!v)
		return VG_ERR_NOMEM;
	for (uint32_t i = 0; i < n; i++) {
		switch (type) {
		case VG_FT_STRING: {
			const char *s = ef->res.str[i] ? ef->res.str[i] : "";
			size_t len = strlen(s);
			v[i].bytes.ptr = vg_arena_memdup(ev->scratch, s, len + 1);
			v[i].bytes.len = (uint32_t)len;
			break;
		}
		case VG_FT_BOOL: v[i].b = ef->res.boolean[i] != 0; break;
		case VG_FT_BYTEBUF:
		case VG_FT_IPADDR:
		case VG_FT_IPNET:
			v[i].bytes.len = ef->res.buf[i].len;
			v[i].bytes.ptr = vg_arena_memdup(ev->scratch, ef->res.buf[i].ptr ? ef->res.buf[i].ptr : "",
							 ef->res.buf[i].len ? ef->res.buf[i].len : 1);
			break;
		default: v[i].u64 = ef->res.u64[i]; break; /* UINT64, INT64, RELTIME, ABSTIME, PORT */
		}
		if ((type == VG_FT_STRING || type == VG_FT_BYTEBUF || type == VG_FT_IPADDR || type == VG_FT_IPNET) &&
		    !v[i].bytes.ptr)
			return VG_ERR_NOMEM;
	}
	out->n = n;
	out->v = v;
	return VG_OK;
}

/* A failed extraction counts as "no value" for the rules, but must not go unnoticed: log it
 * with the plugin, phase, field and the plugin's own message, the first times and then at
 * powers of two so a plugin failing on every event cannot flood the log. */
static void report_extract_failure(vg_plugin *p, const vg_field_info *pf, const vg_evctx *ev)
{
	uint64_t n = ++p->extract_failures;
	if (n > 10 && (n & (n - 1)) != 0)
		return;
	vg_err err;
	vg_err_set(&err, VG_ERR_PLUGIN, "field '%s' on event %llu: %s (%llu failures so far)", pf->name,
		   (unsigned long long)ev->evtnum, vg_plugin_last_error(p->lib, p->state), (unsigned long long)n);
	vg_plugin_context(p->lib, NULL, "extract", &err);
	vg_log(VG_LOG_WARN, NULL, "%s", err.msg);
}

static vg_rc vg_plugin_extract(void *ud, vg_evctx *ev, const vg_field_info *f, const vg_field_arg *arg,
			       vg_values *out)
{
	vg_plugin *p = ud;
	if (f->id >= p->lib->info.nfields)
		return VG_ERR_INTERNAL;
	const vg_field_info *pf = &p->lib->info.fields[f->id];
	bool present = arg && arg->present;
	ss_plugin_extract_field ef = {
		.field_id = f->id,
		.field = pf->name,
		.arg_key = present && (pf->arg & VG_ARG_KEY) ? arg->key : NULL,
		.arg_index = present && (pf->arg & VG_ARG_INDEX) ? arg->index : UINT64_MAX,
		.arg_present = present,
		.ftype = (uint32_t)pf->type,
		.flist = (pf->flags & VG_FIELD_LIST) != 0,
	};
	ss_plugin_field_extract_input in = p->extract_in;
	ss_plugin_event_input evin = vg_plugin_event_input(ev);
	in.fields = &ef;
	out->n = 0;
	if (p->lib->sym.extract_fields(p->state, &evin, &in) != SS_PLUGIN_SUCCESS) {
		report_extract_failure(p, pf, ev);
		return VG_ERR_PLUGIN;
	}
	if (ef.res_len == 0)
		return VG_OK;
	if (ef.res_len > VG_PLUGIN_MAX_VALUES || !ef.res.u64)
		return VG_ERR_PLUGIN;
	/* A non-list field has one value, except vigil's multi-valued ones (any value matches). */
	uint32_t n = ef.flist || (pf->flags & VG_FIELD_MULTI) ? (uint32_t)ef.res_len : 1;
	return vg_plugin_convert(&ef, pf->type, n, ev, out);
}

vg_rc vg_plugin_explain(vg_plugin *p, const char *phase, vg_err *err)
{
	return vg_plugin_fail(p->lib, NULL, phase, err, VG_ERR_PLUGIN, "%s", vg_plugin_last_error(p->lib, p->state));
}

vg_rc vg_plugin_parse(vg_plugin *p, vg_evctx *ev, vg_err *err)
{
	if (!p->lib->sym.parse_event)
		return VG_OK;
	ss_plugin_event_input in = vg_plugin_event_input(ev);
	if (p->lib->sym.parse_event(p->state, &in, &p->parse_in) != SS_PLUGIN_SUCCESS)
		return vg_plugin_fail(p->lib, NULL, "parse", err, VG_ERR_PLUGIN, "event %llu: %s",
				      (unsigned long long)ev->evtnum, vg_plugin_last_error(p->lib, p->state));
	return VG_OK;
}
