#include "config/config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/arena.h"

#ifndef VIGIL_CONFIG_FILE
#define VIGIL_CONFIG_FILE "/etc/vigil/vigil.yaml"
#endif
#ifndef VIGIL_RULES_DIR
#define VIGIL_RULES_DIR "/usr/share/vigil/rules"
#endif

struct vg_config_private {
	vg_yaml_doc *doc;
	vg_arena *arena;
	const vg_config_plugin **enabled;
	size_t n_enabled;
};

/* ---- defaults ---- */

static const char *default_rules_files[] = { VIGIL_RULES_DIR };

void vg_config_defaults(vg_config *c)
{
	memset(c, 0, sizeof(*c));
	c->rules_files = default_rules_files;
	c->n_rules_files = 1;
	c->priority = VG_PRIO_DEBUG;
	c->rule_matching_all = false;
	c->json_include_output_property = true;
	c->json_include_tags_property = true;
	c->json_include_output_fields_property = true;
	c->stdout_output.enabled = true;
	c->syslog_output.enabled = true;
	c->file_output.filename = "./events.txt";
	c->program_output.program = "";
	c->http_output.url = "";
	c->http_output.user_agent = "falcosecurity/falco";
	c->http_output.ca_cert = "";
	c->http_output.ca_bundle = "";
	c->http_output.ca_path = "/etc/ssl/certs";
	c->http_output.client_cert = "/etc/ssl/certs/client.crt";
	c->http_output.client_key = "/etc/ssl/certs/client.key";
	c->http_output.max_consecutive_timeouts = 5;
	c->output_timeout_ms = 2000;
	c->log_level = VG_LOG_INFO;
	c->log_stderr = true;
	c->log_syslog = true;
	c->engine_kind = VG_ENGINE_MODERN_EBPF;
	c->modern_ebpf.cpus_for_each_buffer = 2;
	c->modern_ebpf.buf_size_preset = 4;
	c->replay_capture_file = "";
	c->syscall_event_drops.threshold = 0.1;
	c->syscall_event_drops.rate = 0.03333;
	c->syscall_event_drops.actions = VG_DROP_ACTION_LOG | VG_DROP_ACTION_ALERT;
	c->syscall_event_drops.max_burst = 1;
	c->thread_table_size = 262144;
	c->snaplen = 80;
	c->webserver.enabled = true;
	c->webserver.listen_port = 8765;
	c->webserver.listen_address = "0.0.0.0";
	c->webserver.k8s_healthz_endpoint = "/healthz";
	c->webserver.ssl_certificate = "/etc/vigil/vigil.pem";
	c->metrics.interval = "1h";
	c->metrics.output_rule = true;
	c->metrics.output_file = "";
	c->watch_config_files = true;
}

void vg_config_free(vg_config *c)
{
	if (c->priv) {
		vg_yaml_doc_free(c->priv->doc);
		vg_arena_free(c->priv->arena);
		free(c->priv);
	}
	memset(c, 0, sizeof(*c));
}

size_t vg_config_enabled_plugins(const vg_config *c, const vg_config_plugin *const **out)
{
	*out = c->priv ? c->priv->enabled : NULL;
	return c->priv ? c->priv->n_enabled : 0;
}

/* ---- the key table ---- */

typedef struct loader {
	vg_config *c;
	vg_yaml_doc *doc;
	vg_arena *arena;
	vg_err *err;
} loader;

typedef enum key_type {
	K_SECTION,      /* a map whose children are listed in the table (unknown children warn) */
	K_OPEN_SECTION, /* a map whose listed children are typed, others accepted silently */
	K_ANY,          /* accepted, not typed here */
	K_BOOL,
	K_U32,
	K_U64,
	K_DOUBLE,
	K_STR,
	K_STRLIST,
	K_CUSTOM,
} key_type;

typedef vg_rc (*key_fn)(loader *l, const char *path, const vg_yaml_node *n);

typedef struct key_spec {
	const char *path;
	key_type type;
	size_t off;  /* into vg_config (typed kinds); K_STRLIST: the array, count right after */
	key_fn fn;   /* K_CUSTOM */
} key_spec;

static vg_rc type_error(loader *l, const char *path, const vg_yaml_node *n, const char *what)
{
	char where[VG_YAML_WHERE_MAX];
	return vg_err_set(l->err, VG_ERR_INVALID, "%s: key '%s': expected %s", vg_yaml_where(n, where, sizeof(where)),
			  path, what);
}

static vg_rc get_str(loader *l, const char *path, const vg_yaml_node *n, const char **out)
{
	if (n->kind != VG_YAML_SCALAR)
		return type_error(l, path, n, "a string");
	*out = vg_arena_strndup(l->arena, n->str, n->len);
	return *out ? VG_OK : vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
}

/* A sequence of strings (or one string) into a NULL-free arena array. */
static vg_rc get_strlist(loader *l, const char *path, const vg_yaml_node *n, const char ***out, size_t *count)
{
	if (n->kind == VG_YAML_MAP)
		return type_error(l, path, n, "a list of strings");
	size_t cnt = n->kind == VG_YAML_SEQ ? n->n : 1;
	const char **v = vg_arena_zalloc(l->arena, (cnt ? cnt : 1) * sizeof(*v));
	if (!v)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		const vg_yaml_node *item = n->kind == VG_YAML_SEQ ? n->vals[i] : n;
		if (item->kind != VG_YAML_SCALAR)
			return type_error(l, path, item, "a list of strings");
		vg_rc rc = get_str(l, path, item, &v[i]);
		if (rc != VG_OK)
			return rc;
	}
	*out = v;
	*count = cnt;
	return VG_OK;
}

static vg_rc set_typed(loader *l, const key_spec *k, const vg_yaml_node *n)
{
	char *field = (char *)l->c + k->off;
	uint64_t u;
	switch (k->type) {
	case K_BOOL:
		return vg_yaml_bool(n, (bool *)field) ? VG_OK : type_error(l, k->path, n, "a boolean");
	case K_U32:
		if (!vg_yaml_uint(n, &u) || u > UINT32_MAX)
			return type_error(l, k->path, n, "an unsigned 32-bit integer");
		*(uint32_t *)field = (uint32_t)u;
		return VG_OK;
	case K_U64:
		return vg_yaml_uint(n, (uint64_t *)field) ? VG_OK : type_error(l, k->path, n, "an unsigned integer");
	case K_DOUBLE:
		return vg_yaml_double(n, (double *)field) ? VG_OK : type_error(l, k->path, n, "a number");
	case K_STR:
		return get_str(l, k->path, n, (const char **)field);
	case K_STRLIST:
		return get_strlist(l, k->path, n, (const char ***)field, (size_t *)(field + sizeof(char **)));
	case K_CUSTOM:
		return k->fn(l, k->path, n);
	default:
		return VG_OK;
	}
}

/* ---- custom keys ---- */

static vg_rc key_priority(loader *l, const char *path, const vg_yaml_node *n)
{
	if (n->kind != VG_YAML_SCALAR || !vg_priority_parse(n->str, &l->c->priority))
		return type_error(l, path, n, "a priority (emergency, alert, critical, error, warning, notice, "
					      "informational, debug)");
	return VG_OK;
}

static vg_rc key_rule_matching(loader *l, const char *path, const vg_yaml_node *n)
{
	if (n->kind == VG_YAML_SCALAR && strcmp(n->str, "first") == 0)
		l->c->rule_matching_all = false;
	else if (n->kind == VG_YAML_SCALAR && strcmp(n->str, "all") == 0)
		l->c->rule_matching_all = true;
	else
		return type_error(l, path, n, "'first' or 'all'");
	return VG_OK;
}

static vg_rc key_log_level(loader *l, const char *path, const vg_yaml_node *n)
{
	if (n->kind != VG_YAML_SCALAR || !vg_log_level_parse(n->str, &l->c->log_level))
		return type_error(l, path, n, "a log level (emergency .. debug)");
	return VG_OK;
}

static vg_rc key_engine_kind(loader *l, const char *path, const vg_yaml_node *n)
{
	static const char *const kinds[] = { "modern_ebpf", "kmod", "replay", "nodriver", "ebpf", "gvisor" };
	for (size_t i = 0; n->kind == VG_YAML_SCALAR && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(n->str, kinds[i]) == 0) {
			l->c->engine_kind = (vg_config_engine_kind)i;
			return VG_OK;
		}
	}
	return type_error(l, path, n, "one of modern_ebpf, kmod, replay, nodriver, ebpf, gvisor");
}

static vg_rc key_rules_files(loader *l, const char *path, const vg_yaml_node *n)
{
	return get_strlist(l, path, n, (const char ***)&l->c->rules_files, &l->c->n_rules_files);
}

static vg_rc key_rules_file(loader *l, const char *path, const vg_yaml_node *n)
{
	char where[VG_YAML_WHERE_MAX];
	vg_warn("%s: key 'rules_file' is deprecated, use 'rules_files'", vg_yaml_where(n, where, sizeof(where)));
	if (vg_yaml_map_get(l->c->root, "rules_files"))
		return VG_OK; /* the current key wins */
	return key_rules_files(l, path, n);
}

static vg_rc selector(loader *l, const vg_yaml_node *entry, vg_config_rule_selector *out, size_t *count)
{
	const char *path = "rules";
	if (entry->kind != VG_YAML_MAP || entry->n != 1)
		return type_error(l, path, entry, "{enable: {...}} or {disable: {...}}");
	const char *action = vg_yaml_key_str(entry->keys[0]);
	const vg_yaml_node *body = entry->vals[0];
	bool enable = action && strcmp(action, "enable") == 0;
	if (!enable && !(action && strcmp(action, "disable") == 0))
		return type_error(l, path, entry->keys[0], "'enable' or 'disable'");
	if (body->kind != VG_YAML_MAP || !body->n)
		return type_error(l, path, body, "a map with 'rule' or 'tag'");
	for (uint32_t i = 0; i < body->n; i++) {
		const char *k = vg_yaml_key_str(body->keys[i]);
		bool by_tag = k && strcmp(k, "tag") == 0;
		if (!by_tag && !(k && strcmp(k, "rule") == 0))
			return type_error(l, path, body->keys[i], "'rule' or 'tag'");
		vg_config_rule_selector *s = &out[(*count)++];
		s->enable = enable;
		s->by_tag = by_tag;
		s->node = body->vals[i];
		vg_rc rc = get_str(l, path, body->vals[i], &s->value);
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}

static vg_rc key_rules(loader *l, const char *path, const vg_yaml_node *n)
{
	if (n->kind != VG_YAML_SEQ)
		return type_error(l, path, n, "a list of enable/disable selectors");
	size_t total = 0;
	for (uint32_t i = 0; i < n->n; i++)
		total += n->vals[i]->kind == VG_YAML_MAP && n->vals[i]->n == 1 && n->vals[i]->vals[0]->kind == VG_YAML_MAP
				 ? n->vals[i]->vals[0]->n
				 : 1;
	vg_config_rule_selector *sel = vg_arena_zalloc(l->arena, (total ? total : 1) * sizeof(*sel));
	if (!sel)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	size_t count = 0;
	for (uint32_t i = 0; i < n->n; i++) {
		vg_rc rc = selector(l, n->vals[i], sel, &count);
		if (rc != VG_OK)
			return rc;
	}
	l->c->rules = sel;
	l->c->n_rules = count;
	return VG_OK;
}

static vg_rc key_static_fields(loader *l, const char *path, const vg_yaml_node *n)
{
	if (n->kind != VG_YAML_MAP)
		return type_error(l, path, n, "a map of names to values");
	vg_config_kv *kv = vg_arena_zalloc(l->arena, (n->n ? n->n : 1) * sizeof(*kv));
	if (!kv)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < n->n; i++) {
		vg_rc rc = get_str(l, path, n->keys[i], &kv[i].key);
		if (rc == VG_OK)
			rc = get_str(l, path, n->vals[i], &kv[i].value);
		if (rc != VG_OK)
			return rc;
	}
	l->c->static_fields = kv;
	l->c->n_static_fields = n->n;
	return VG_OK;
}

static vg_rc key_append_output(loader *l, const char *path, const vg_yaml_node *n)
{
	if (n->kind != VG_YAML_SEQ)
		return type_error(l, path, n, "a list");
	l->c->append_output = n;
	return VG_OK;
}

static vg_rc key_drop_actions(loader *l, const char *path, const vg_yaml_node *n)
{
	static const char *const names[] = { "ignore", "log", "alert", "exit" };
	const char **list;
	size_t cnt;
	vg_rc rc = get_strlist(l, path, n, &list, &cnt);
	uint32_t bits = 0;
	for (size_t i = 0; rc == VG_OK && i < cnt; i++) {
		size_t j = 0;
		while (j < 4 && strcmp(list[i], names[j]) != 0)
			j++;
		if (j == 4)
			return type_error(l, path, n->kind == VG_YAML_SEQ ? n->vals[i] : n,
					  "actions among ignore, log, alert, exit");
		bits |= 1u << j;
	}
	if (rc == VG_OK)
		l->c->syscall_event_drops.actions = bits;
	return rc;
}

static vg_rc key_webserver(loader *l, const char *path, const vg_yaml_node *n)
{
	l->c->webserver_node = n;
	return VG_OK;
}

static vg_rc key_metrics(loader *l, const char *path, const vg_yaml_node *n)
{
	l->c->metrics_node = n;
	return VG_OK;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

static vg_rc plugin_init_config(loader *l, const vg_yaml_node *n, const char **out)
{
	if (vg_yaml_is_null(n)) {
		*out = "";
		return VG_OK;
	}
	if (n->kind == VG_YAML_SCALAR)
		return get_str(l, "plugins.init_config", n, out);
	vg_buf json;
	vg_buf_init(&json);
	vg_rc rc = vg_yaml_to_json(n, &json, l->err);
	if (rc == VG_OK && !(*out = vg_arena_strndup(l->arena, json.data, json.len)))
		rc = vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	vg_buf_free(&json);
	return rc;
}

static vg_rc plugin_entry(loader *l, const vg_yaml_node *e, vg_config_plugin *p)
{
	char where[VG_YAML_WHERE_MAX];
	if (e->kind != VG_YAML_MAP)
		return type_error(l, "plugins", e, "a map {name, library_path, init_config, open_params}");
	p->node = e;
	p->init_config = p->open_params = "";
	for (uint32_t i = 0; i < e->n; i++) {
		const char *k = vg_yaml_key_str(e->keys[i]);
		const vg_yaml_node *v = e->vals[i];
		vg_rc rc = VG_OK;
		if (k && strcmp(k, "name") == 0)
			rc = get_str(l, "plugins.name", v, &p->name);
		else if (k && strcmp(k, "library_path") == 0)
			rc = get_str(l, "plugins.library_path", v, &p->library_path);
		else if (k && strcmp(k, "init_config") == 0)
			rc = plugin_init_config(l, v, &p->init_config);
		else if (k && strcmp(k, "open_params") == 0 && !vg_yaml_is_null(v))
			rc = get_str(l, "plugins.open_params", v, &p->open_params);
		else if (!(k && strcmp(k, "open_params") == 0))
			vg_warn("%s: unknown configuration key 'plugins.%s' (ignored)",
				vg_yaml_where(e->keys[i], where, sizeof(where)), k ? k : "?");
		if (rc != VG_OK)
			return rc;
	}
	p->open_params = trim((char *)p->open_params);
	if (!p->name || !*p->name)
		return vg_err_set(l->err, VG_ERR_INVALID, "%s: plugin entry without a 'name'", vg_yaml_where(e, where, sizeof(where)));
	if (!p->library_path || !*p->library_path)
		return vg_err_set(l->err, VG_ERR_INVALID, "%s: plugin '%s' has no 'library_path'",
				  vg_yaml_where(e, where, sizeof(where)), p->name);
	return VG_OK;
}

static vg_rc key_plugins(loader *l, const char *path, const vg_yaml_node *n)
{
	char where[VG_YAML_WHERE_MAX];
	if (n->kind != VG_YAML_SEQ)
		return type_error(l, path, n, "a list of plugins");
	vg_config_plugin *p = vg_arena_zalloc(l->arena, (n->n ? n->n : 1) * sizeof(*p));
	if (!p)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < n->n; i++) {
		vg_rc rc = plugin_entry(l, n->vals[i], &p[i]);
		if (rc != VG_OK)
			return rc;
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(p[j].name, p[i].name) == 0)
				return vg_err_set(l->err, VG_ERR_EXISTS, "%s: plugin '%s' is listed twice",
						  vg_yaml_where(n->vals[i], where, sizeof(where)), p[i].name);
	}
	l->c->plugins = p;
	l->c->n_plugins = n->n;
	return VG_OK;
}

static vg_rc key_load_plugins(loader *l, const char *path, const vg_yaml_node *n)
{
	if (n->kind != VG_YAML_SEQ)
		return type_error(l, path, n, "a list of plugin names");
	l->c->load_plugins_set = true;
	return get_strlist(l, path, n, (const char ***)&l->c->load_plugins, &l->c->n_load_plugins);
}

#define OFF(member) offsetof(vg_config, member)

static const key_spec keys[] = {
	{ "rules_files", K_CUSTOM, 0, key_rules_files },
	{ "rules_file", K_CUSTOM, 0, key_rules_file },
	{ "rules", K_CUSTOM, 0, key_rules },
	{ "priority", K_CUSTOM, 0, key_priority },
	{ "rule_matching", K_CUSTOM, 0, key_rule_matching },
	{ "append_output", K_CUSTOM, 0, key_append_output },
	{ "static_fields", K_CUSTOM, 0, key_static_fields },
	{ "plugins", K_CUSTOM, 0, key_plugins },
	{ "load_plugins", K_CUSTOM, 0, key_load_plugins },
	{ "plugins_hostinfo", K_ANY, 0, NULL },
	{ "json_output", K_BOOL, OFF(json_output), NULL },
	{ "json_include_output_property", K_BOOL, OFF(json_include_output_property), NULL },
	{ "json_include_tags_property", K_BOOL, OFF(json_include_tags_property), NULL },
	{ "json_include_message_property", K_BOOL, OFF(json_include_message_property), NULL },
	{ "json_include_output_fields_property", K_BOOL, OFF(json_include_output_fields_property), NULL },
	{ "time_format_iso_8601", K_BOOL, OFF(time_format_iso_8601), NULL },
	{ "buffer_format_base64", K_ANY, 0, NULL },
	{ "buffered_outputs", K_BOOL, OFF(buffered_outputs), NULL },
	{ "outputs_queue", K_SECTION, 0, NULL },
	{ "outputs_queue.capacity", K_U64, OFF(outputs_queue_capacity), NULL },
	{ "output_timeout", K_U32, OFF(output_timeout_ms), NULL },
	{ "outputs", K_ANY, 0, NULL }, /* removed in Falco 0.37; accepted so old files load */
	{ "stdout_output", K_SECTION, 0, NULL },
	{ "stdout_output.enabled", K_BOOL, OFF(stdout_output.enabled), NULL },
	{ "syslog_output", K_SECTION, 0, NULL },
	{ "syslog_output.enabled", K_BOOL, OFF(syslog_output.enabled), NULL },
	{ "file_output", K_SECTION, 0, NULL },
	{ "file_output.enabled", K_BOOL, OFF(file_output.enabled), NULL },
	{ "file_output.keep_alive", K_BOOL, OFF(file_output.keep_alive), NULL },
	{ "file_output.filename", K_STR, OFF(file_output.filename), NULL },
	{ "program_output", K_SECTION, 0, NULL },
	{ "program_output.enabled", K_BOOL, OFF(program_output.enabled), NULL },
	{ "program_output.keep_alive", K_BOOL, OFF(program_output.keep_alive), NULL },
	{ "program_output.program", K_STR, OFF(program_output.program), NULL },
	{ "http_output", K_SECTION, 0, NULL },
	{ "http_output.enabled", K_BOOL, OFF(http_output.enabled), NULL },
	{ "http_output.url", K_STR, OFF(http_output.url), NULL },
	{ "http_output.user_agent", K_STR, OFF(http_output.user_agent), NULL },
	{ "http_output.insecure", K_BOOL, OFF(http_output.insecure), NULL },
	{ "http_output.ca_cert", K_STR, OFF(http_output.ca_cert), NULL },
	{ "http_output.ca_bundle", K_STR, OFF(http_output.ca_bundle), NULL },
	{ "http_output.ca_path", K_STR, OFF(http_output.ca_path), NULL },
	{ "http_output.mtls", K_BOOL, OFF(http_output.mtls), NULL },
	{ "http_output.client_cert", K_STR, OFF(http_output.client_cert), NULL },
	{ "http_output.client_key", K_STR, OFF(http_output.client_key), NULL },
	{ "http_output.echo", K_BOOL, OFF(http_output.echo), NULL },
	{ "http_output.compress_uploads", K_BOOL, OFF(http_output.compress_uploads), NULL },
	{ "http_output.keep_alive", K_BOOL, OFF(http_output.keep_alive), NULL },
	{ "http_output.max_consecutive_timeouts", K_U32, OFF(http_output.max_consecutive_timeouts), NULL },
	{ "grpc", K_ANY, 0, NULL },
	{ "grpc_output", K_ANY, 0, NULL },
	{ "log_level", K_CUSTOM, 0, key_log_level },
	{ "log_stderr", K_BOOL, OFF(log_stderr), NULL },
	{ "log_syslog", K_BOOL, OFF(log_syslog), NULL },
	{ "libs_logger", K_ANY, 0, NULL },
	{ "engine", K_SECTION, 0, NULL },
	{ "engine.kind", K_CUSTOM, 0, key_engine_kind },
	{ "engine.modern_ebpf", K_OPEN_SECTION, 0, NULL },
	{ "engine.modern_ebpf.cpus_for_each_buffer", K_U32, OFF(modern_ebpf.cpus_for_each_buffer), NULL },
	{ "engine.modern_ebpf.buf_size_preset", K_U32, OFF(modern_ebpf.buf_size_preset), NULL },
	{ "engine.modern_ebpf.drop_failed_exit", K_BOOL, OFF(modern_ebpf.drop_failed_exit), NULL },
	{ "engine.replay", K_SECTION, 0, NULL },
	{ "engine.replay.capture_file", K_STR, OFF(replay_capture_file), NULL },
	{ "engine.kmod", K_ANY, 0, NULL },
	{ "engine.ebpf", K_ANY, 0, NULL },
	{ "engine.gvisor", K_ANY, 0, NULL },
	{ "base_syscalls", K_SECTION, 0, NULL },
	{ "base_syscalls.custom_set", K_STRLIST, OFF(base_syscalls_custom_set), NULL },
	{ "base_syscalls.repair", K_BOOL, OFF(base_syscalls_repair), NULL },
	{ "base_syscalls.all", K_BOOL, OFF(base_syscalls_all), NULL },
	{ "syscall_event_drops", K_OPEN_SECTION, 0, NULL },
	{ "syscall_event_drops.threshold", K_DOUBLE, OFF(syscall_event_drops.threshold), NULL },
	{ "syscall_event_drops.actions", K_CUSTOM, 0, key_drop_actions },
	{ "syscall_event_drops.rate", K_DOUBLE, OFF(syscall_event_drops.rate), NULL },
	{ "syscall_event_drops.max_burst", K_U32, OFF(syscall_event_drops.max_burst), NULL },
	{ "syscall_event_timeouts", K_ANY, 0, NULL },
	{ "webserver", K_SECTION, 0, NULL },
	{ "webserver", K_CUSTOM, 0, key_webserver },
	{ "webserver.enabled", K_BOOL, OFF(webserver.enabled), NULL },
	{ "webserver.threadiness", K_U32, OFF(webserver.threadiness), NULL },
	{ "webserver.listen_port", K_U32, OFF(webserver.listen_port), NULL },
	{ "webserver.listen_address", K_STR, OFF(webserver.listen_address), NULL },
	{ "webserver.k8s_healthz_endpoint", K_STR, OFF(webserver.k8s_healthz_endpoint), NULL },
	{ "webserver.prometheus_metrics_enabled", K_BOOL, OFF(webserver.prometheus_metrics_enabled), NULL },
	{ "webserver.ssl_enabled", K_BOOL, OFF(webserver.ssl_enabled), NULL },
	{ "webserver.ssl_certificate", K_STR, OFF(webserver.ssl_certificate), NULL },
	{ "metrics", K_OPEN_SECTION, 0, NULL },
	{ "metrics", K_CUSTOM, 0, key_metrics },
	{ "metrics.enabled", K_BOOL, OFF(metrics.enabled), NULL },
	{ "metrics.interval", K_STR, OFF(metrics.interval), NULL },
	{ "metrics.output_rule", K_BOOL, OFF(metrics.output_rule), NULL },
	{ "metrics.output_file", K_STR, OFF(metrics.output_file), NULL },
	{ "watch_config_files", K_BOOL, OFF(watch_config_files), NULL },
	{ "config_files", K_ANY, 0, NULL }, /* consumed by the merge step */
	{ "falco_libs", K_OPEN_SECTION, 0, NULL },
	{ "falco_libs.thread_table_size", K_U64, OFF(thread_table_size), NULL },
	{ "falco_libs.snaplen", K_U32, OFF(snaplen), NULL },
	{ "capture", K_ANY, 0, NULL },
	{ "container_engines", K_ANY, 0, NULL },
	{ "modern_bpf", K_ANY, 0, NULL },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const key_spec *find_key(const char *path)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].path, path) == 0)
			return &keys[i];
	return NULL;
}

/* Warns about every key of map (at prefix) the table does not know; recurses into sections. */
static void warn_unknown(const vg_yaml_node *map, const char *prefix, bool open)
{
	char where[VG_YAML_WHERE_MAX];
	char path[512];
	for (uint32_t i = 0; i < map->n; i++) {
		const char *k = vg_yaml_key_str(map->keys[i]);
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", k ? k : "?");
		const key_spec *spec = k ? find_key(path) : NULL;
		if (!spec) {
			if (!open)
				vg_warn("%s: unknown configuration key '%s' (ignored)",
					vg_yaml_where(map->keys[i], where, sizeof(where)), path);
			continue;
		}
		if ((spec->type == K_SECTION || spec->type == K_OPEN_SECTION) && map->vals[i]->kind == VG_YAML_MAP)
			warn_unknown(map->vals[i], path, spec->type == K_OPEN_SECTION);
	}
}

static vg_rc type_all(loader *l)
{
	vg_yaml_node *root = l->c->root;
	for (size_t i = 0; i < NKEYS; i++) {
		const key_spec *k = &keys[i];
		vg_yaml_node *n = vg_yaml_get(root, k->path);
		if (vg_yaml_is_null(n) || k->type == K_ANY)
			continue;
		if (k->type == K_SECTION || k->type == K_OPEN_SECTION) {
			if (n->kind != VG_YAML_MAP)
				return type_error(l, k->path, n, "a map");
			continue;
		}
		vg_rc rc = set_typed(l, k, n);
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}

static vg_rc resolve_plugins(loader *l)
{
	vg_config *c = l->c;
	size_t n = c->load_plugins_set ? c->n_load_plugins : c->n_plugins;
	const vg_config_plugin **v = vg_arena_zalloc(l->arena, (n ? n : 1) * sizeof(*v));
	if (!v)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!c->load_plugins_set) {
			v[i] = &c->plugins[i];
			continue;
		}
		for (size_t j = 0; j < c->n_plugins && !v[i]; j++)
			if (strcmp(c->plugins[j].name, c->load_plugins[i]) == 0)
				v[i] = &c->plugins[j];
		if (!v[i]) {
			char where[VG_YAML_WHERE_MAX];
			const vg_yaml_node *lp = vg_yaml_map_get(c->root, "load_plugins");
			const vg_yaml_node *at = lp && lp->kind == VG_YAML_SEQ && i < lp->n ? lp->vals[i] : lp;
			return vg_err_set(l->err, VG_ERR_NOTFOUND,
					  "%s: load_plugins: plugin '%s' has no entry in 'plugins'",
					  at ? vg_yaml_where(at, where, sizeof(where)) : "config", c->load_plugins[i]);
		}
	}
	c->priv->enabled = v;
	c->priv->n_enabled = n;
	return VG_OK;
}

/* ---- ${ENV} expansion ---- */

/* Expands ${NAME} in s; "$${" stays a literal "${". Unset names expand to "" with a warning. */
static bool expand_env(const vg_yaml_node *n, vg_buf *out)
{
	const char *s = n->str;
	bool changed = false;
	for (size_t i = 0; i < n->len;) {
		if (s[i] == '$' && s[i + 1] == '$' && s[i + 2] == '{') {
			vg_buf_puts(out, "${");
			i += 3;
			changed = true;
			continue;
		}
		const char *close = s[i] == '$' && s[i + 1] == '{' ? strchr(s + i + 2, '}') : NULL;
		if (!close) {
			vg_buf_putc(out, s[i++]);
			continue;
		}
		char *name = strndup(s + i + 2, (size_t)(close - (s + i + 2)));
		const char *val = name ? getenv(name) : NULL;
		if (name && !val) {
			char where[VG_YAML_WHERE_MAX];
			vg_warn("%s: environment variable '%s' is not set (expanded to an empty string)",
				vg_yaml_where(n, where, sizeof(where)), name);
		}
		vg_buf_puts(out, val ? val : "");
		free(name);
		i = (size_t)(close - s) + 1;
		changed = true;
	}
	return changed;
}

static vg_rc expand_tree(loader *l, vg_yaml_node *n, vg_buf *tmp)
{
	if (n->kind == VG_YAML_SCALAR) {
		if (!memchr(n->str, '$', n->len))
			return VG_OK;
		vg_buf_reset(tmp);
		if (!expand_env(n, tmp))
			return VG_OK;
		if (tmp->oom || vg_yaml_set_str(l->doc, n, tmp->data, tmp->len) != VG_OK)
			return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
		return VG_OK;
	}
	for (uint32_t i = 0; i < n->n; i++) {
		vg_rc rc = expand_tree(l, n->vals[i], tmp);
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}

/* ---- -o overrides ---- */

static vg_rc override_value(loader *l, const char *arg, const char *value, vg_yaml_node **out)
{
	const char *file = vg_arena_sprintf(l->arena, "<-o %s>", arg);
	uint32_t col = (uint32_t)(value - arg) + 1;
	if (!file)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	if (value[0] && strchr("{[\"'", value[0])) {
		uint32_t idx;
		vg_rc rc = vg_yaml_parse_str(l->doc, file, value, strlen(value), &idx, l->err);
		if (rc != VG_OK)
			return rc;
		*out = vg_yaml_doc_root(l->doc, idx);
		if (!*out)
			return vg_err_set(l->err, VG_ERR_INVALID, "%s: empty value", file);
		return VG_OK;
	}
	*out = vg_yaml_new_scalar(l->doc, value, strlen(value), VG_YAML_PLAIN, file, 1, col);
	return *out ? VG_OK : vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
}

static vg_rc apply_override(loader *l, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return vg_err_set(l->err, VG_ERR_INVALID, "-o '%s': expected key.path=value", arg);
	char *path = strndup(arg, (size_t)(eq - arg));
	if (!path)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	vg_yaml_node *val = NULL;
	vg_rc rc = override_value(l, arg, eq + 1, &val);
	if (rc == VG_OK)
		rc = vg_yaml_set(l->doc, l->c->root, path, val, l->err);
	if (rc != VG_OK)
		vg_err_prefix(l->err, "-o '%s'", arg);
	free(path);
	return rc;
}

/* ---- config_files merge ---- */

typedef enum merge_strategy { MERGE_APPEND, MERGE_OVERRIDE, MERGE_ADD_ONLY } merge_strategy;

static vg_rc merge_root(loader *l, const vg_yaml_node *src, merge_strategy how)
{
	vg_yaml_node *dst = l->c->root;
	for (uint32_t i = 0; i < src->n; i++) {
		const char *k = vg_yaml_key_str(src->keys[i]);
		if (!k || strcmp(k, "config_files") == 0)
			continue; /* no nested includes: config_files is read from the main file only */
		vg_yaml_node *cur = vg_yaml_map_get(dst, k);
		vg_rc rc = VG_OK;
		if (how == MERGE_ADD_ONLY && cur)
			continue;
		if (how == MERGE_APPEND && cur && cur->kind == VG_YAML_SEQ && src->vals[i]->kind == VG_YAML_SEQ) {
			for (uint32_t j = 0; j < src->vals[i]->n && rc == VG_OK; j++)
				rc = vg_yaml_append(l->doc, cur, NULL, src->vals[i]->vals[j]);
		} else if (!cur) {
			rc = vg_yaml_append(l->doc, dst, src->keys[i], src->vals[i]); /* keeps the key's position */
		} else {
			rc = vg_yaml_map_put(l->doc, dst, k, src->vals[i]);
		}
		if (rc != VG_OK)
			return vg_err_set(l->err, rc, "out of memory");
	}
	return VG_OK;
}

static vg_rc note_merged(loader *l, const char *path)
{
	vg_config *c = l->c;
	const char **v = vg_arena_alloc(l->arena, (c->n_merged_files + 1) * sizeof(*v));
	if (!v)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	if (c->n_merged_files)
		memcpy(v, c->merged_files, c->n_merged_files * sizeof(*v));
	v[c->n_merged_files++] = vg_yaml_strdup(l->doc, path);
	c->merged_files = v;
	return VG_OK;
}

static vg_rc merge_file(loader *l, const char *path, merge_strategy how)
{
	char where[VG_YAML_WHERE_MAX];
	uint32_t first;
	uint32_t before = vg_yaml_doc_count(l->doc);
	vg_rc rc = vg_yaml_parse_file(l->doc, path, &first, l->err);
	if (rc != VG_OK)
		return rc;
	const vg_yaml_node *root = vg_yaml_doc_count(l->doc) > before ? vg_yaml_doc_root(l->doc, first) : NULL;
	if (vg_yaml_is_null(root))
		return note_merged(l, path);
	if (root->kind != VG_YAML_MAP)
		return vg_err_set(l->err, VG_ERR_INVALID, "%s: a configuration file must be a map",
				  vg_yaml_where(root, where, sizeof(where)));
	rc = merge_root(l, root, how);
	return rc == VG_OK ? note_merged(l, path) : rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool yaml_name(const char *name)
{
	size_t n = strlen(name);
	return name[0] != '.' && ((n > 5 && strcmp(name + n - 5, ".yaml") == 0) || (n > 4 && strcmp(name + n - 4, ".yml") == 0));
}

/* Every .yaml/.yml file of dir, in name order (so 10-x.yaml comes after 00-y.yaml). */
static vg_rc merge_dir(loader *l, const char *dir, merge_strategy how)
{
	DIR *d = opendir(dir);
	if (!d)
		return vg_err_set(l->err, VG_ERR_IO, "%s: %s", dir, strerror(errno));
	char **names = NULL;
	size_t n = 0;
	vg_rc rc = VG_OK;
	for (struct dirent *e; rc == VG_OK && (e = readdir(d));) {
		if (!yaml_name(e->d_name))
			continue;
		char **grown = realloc(names, (n + 1) * sizeof(*names));
		char *full = NULL;
		if (grown)
			names = grown;
		if (!grown || asprintf(&full, "%s/%s", dir, e->d_name) < 0)
			rc = vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
		else
			names[n++] = full;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; rc == VG_OK && i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			rc = merge_file(l, names[i], how);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static vg_rc merge_entry(loader *l, const vg_yaml_node *e, const char *base_dir)
{
	const vg_yaml_node *pathn = e;
	merge_strategy how = MERGE_APPEND;
	if (e->kind == VG_YAML_MAP) {
		pathn = vg_yaml_map_get(e, "path");
		const vg_yaml_node *s = vg_yaml_map_get(e, "strategy");
		if (s && s->kind == VG_YAML_SCALAR && strcmp(s->str, "override") == 0)
			how = MERGE_OVERRIDE;
		else if (s && s->kind == VG_YAML_SCALAR && strcmp(s->str, "add-only") == 0)
			how = MERGE_ADD_ONLY;
		else if (s && !(s->kind == VG_YAML_SCALAR && strcmp(s->str, "append") == 0))
			return type_error(l, "config_files.strategy", s, "append, override or add-only");
	}
	if (!pathn || pathn->kind != VG_YAML_SCALAR || !pathn->len)
		return type_error(l, "config_files", pathn ? pathn : e, "a path or {path, strategy}");
	char *path = NULL;
	if (pathn->str[0] == '/' || !base_dir)
		path = strdup(pathn->str);
	else if (asprintf(&path, "%s/%s", base_dir, pathn->str) < 0)
		path = NULL;
	if (!path)
		return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	struct stat st;
	vg_rc rc = VG_OK;
	if (stat(path, &st) != 0) {
		char where[VG_YAML_WHERE_MAX];
		vg_warn("%s: config_files: %s: %s (skipped)", vg_yaml_where(pathn, where, sizeof(where)), path,
			strerror(errno));
	} else {
		rc = S_ISDIR(st.st_mode) ? merge_dir(l, path, how) : merge_file(l, path, how);
	}
	free(path);
	return rc;
}

static vg_rc merge_config_files(loader *l, const char *main_file)
{
	vg_yaml_node *list = vg_yaml_map_get(l->c->root, "config_files");
	if (vg_yaml_is_null(list))
		return VG_OK;
	/* Relative entries resolve against the main file's folder, so a config tree can move. */
	char *dir_copy = main_file ? strdup(main_file) : NULL;
	const char *base = dir_copy ? dirname(dir_copy) : NULL;
	vg_rc rc = VG_OK;
	uint32_t n = list->kind == VG_YAML_SEQ ? list->n : 1;
	/* Snapshot the entries: an append-merged file could otherwise grow this very list. */
	vg_yaml_node **entries = list->kind == VG_YAML_SEQ ? list->vals : &list;
	vg_yaml_node **snap = malloc((n ? n : 1) * sizeof(*snap));
	if (!snap)
		rc = vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	else if (n)
		memcpy(snap, entries, n * sizeof(*snap));
	for (uint32_t i = 0; rc == VG_OK && i < n; i++)
		rc = merge_entry(l, snap[i], base);
	free(snap);
	free(dir_copy);
	return rc;
}

/* ---- top level ---- */

static vg_rc start(vg_config *c, loader *l, vg_err *err)
{
	vg_config_defaults(c);
	c->priv = calloc(1, sizeof(*c->priv));
	if (!c->priv)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	c->priv->doc = vg_yaml_doc_new(NULL);
	c->priv->arena = vg_arena_new(0);
	*l = (loader){ .c = c, .doc = c->priv->doc, .arena = c->priv->arena, .err = err };
	if (!l->doc || !l->arena)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	return VG_OK;
}

/* Picks the main tree (first document; an empty file is an empty map). */
static vg_rc take_root(loader *l, uint32_t before, uint32_t first, const char *name)
{
	vg_yaml_node *root = vg_yaml_doc_count(l->doc) > before ? vg_yaml_doc_root(l->doc, first) : NULL;
	if (vg_yaml_doc_count(l->doc) > before + 1) {
		char where[VG_YAML_WHERE_MAX];
		vg_warn("%s: only the first YAML document of a configuration file is used",
			vg_yaml_where(vg_yaml_doc_root(l->doc, first + 1), where, sizeof(where)));
	}
	if (vg_yaml_is_null(root)) {
		root = vg_yaml_new_map(l->doc, vg_yaml_strdup(l->doc, name ? name : "<config>"), 1, 1);
		if (!root)
			return vg_err_set(l->err, VG_ERR_NOMEM, "out of memory");
	}
	if (root->kind != VG_YAML_MAP) {
		char where[VG_YAML_WHERE_MAX];
		return vg_err_set(l->err, VG_ERR_INVALID, "%s: the configuration must be a map of keys",
				  vg_yaml_where(root, where, sizeof(where)));
	}
	l->c->root = root;
	return VG_OK;
}

static vg_rc finish(loader *l, const char *main_file, const char *const *overrides, size_t n_overrides)
{
	vg_rc rc = merge_config_files(l, main_file);
	for (size_t i = 0; rc == VG_OK && i < n_overrides; i++)
		rc = apply_override(l, overrides[i]);
	vg_buf tmp;
	vg_buf_init(&tmp);
	if (rc == VG_OK)
		rc = expand_tree(l, l->c->root, &tmp);
	vg_buf_free(&tmp);
	if (rc == VG_OK) {
		warn_unknown(l->c->root, "", false);
		rc = type_all(l);
	}
	if (rc == VG_OK)
		rc = resolve_plugins(l);
	return rc;
}

vg_rc vg_config_load_str(vg_config *c, const char *name, const char *text, size_t len,
			 const char *const *overrides, size_t n_overrides, vg_err *err)
{
	loader l;
	uint32_t first = 0;
	vg_rc rc = start(c, &l, err);
	uint32_t before = l.doc ? vg_yaml_doc_count(l.doc) : 0;
	if (rc == VG_OK)
		rc = vg_yaml_parse_str(l.doc, name, text, len, &first, err);
	if (rc == VG_OK)
		rc = take_root(&l, before, first, name);
	if (rc == VG_OK)
		rc = finish(&l, NULL, overrides, n_overrides);
	if (rc != VG_OK)
		vg_config_free(c);
	return rc;
}

vg_rc vg_config_load(vg_config *c, const vg_config_load_opts *opts, vg_err *err)
{
	loader l;
	const char *path = opts->path ? opts->path : opts->default_path ? opts->default_path : VIGIL_CONFIG_FILE;
	uint32_t first = 0;
	vg_rc rc = start(c, &l, err);
	if (rc == VG_OK)
		rc = vg_yaml_parse_file(l.doc, path, &first, err);
	bool missing_default = rc == VG_ERR_NOTFOUND && !opts->path;
	if (missing_default) {
		vg_info("no configuration file at %s: using defaults", path);
		rc = VG_OK;
	} else if (rc == VG_OK) {
		c->config_file = vg_yaml_strdup(l.doc, path);
	}
	if (rc == VG_OK)
		rc = take_root(&l, missing_default ? vg_yaml_doc_count(l.doc) : 0, first, path);
	if (rc == VG_OK)
		rc = finish(&l, c->config_file, opts->overrides, opts->n_overrides);
	if (rc != VG_OK)
		vg_config_free(c);
	return rc;
}
