/* vigil.yaml: Falco's falco.yaml keys, defaults and semantics where they apply.
 *
 * Loading order: the main file (a missing default file is fine, a missing -c file is an
 * error) → files listed in `config_files` merged after it → `-o key.path=value` overrides →
 * `${ENV}` expansion of scalar values → typing and validation into vg_config.
 * Type errors read "vigil.yaml:12:3: key 'file_output.enabled': expected a boolean". Unknown
 * keys are a warning ("vigil.yaml:7:1: unknown configuration key 'foo' (ignored)"), not an error.
 *
 * config_files entries (files, or folders whose .yaml/.yml files merge in name order) are read
 * from the main file only, resolve relative to its folder, and merge with strategy append
 * (default: lists appended, other keys replaced), override (keys replaced) or add-only (only
 * absent keys added); a missing entry is a warning. -o overrides apply after the merge, so
 * `-o config_files=...` has no effect. `$${` escapes a literal `${`.
 *
 * Ownership: every string and node pointer in a vg_config is owned by the config (or is a
 * static default) and stays valid until vg_config_free(). */
#ifndef VG_CONFIG_H
#define VG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/yamldoc.h"
#include "rules/priority.h"
#include "util/err.h"
#include "util/log.h"


typedef enum vg_config_engine_kind {
	VG_ENGINE_MODERN_EBPF = 0,
	VG_ENGINE_KMOD = 1,
	VG_ENGINE_REPLAY = 2,
	VG_ENGINE_NODRIVER = 3,
	VG_ENGINE_EBPF = 4, /* legacy probe name, accepted so old configs load */
	VG_ENGINE_GVISOR = 5,
} vg_config_engine_kind;

/* One entry of `plugins:`. */
typedef struct vg_config_plugin {
	const char *name;
	const char *library_path;
	const char *init_config; /* JSON text when the YAML value was a map/list, else the string; "" if absent */
	const char *open_params; /* trimmed; "" if absent */
	const vg_yaml_node *node; /* the entry, for error positions */
} vg_config_plugin;

/* One `rules:` selector: {enable|disable: {rule: "pattern"} | {tag: "name"}}, in file order. */
typedef struct vg_config_rule_selector {
	bool enable;       /* false = disable */
	bool by_tag;       /* false = by rule name (may contain '*' wildcards) */
	const char *value;
	const vg_yaml_node *node;
} vg_config_rule_selector;

typedef struct vg_config_kv {
	const char *key;
	const char *value;
} vg_config_kv;

/* syscall_event_drops.actions bits */
enum {
	VG_DROP_ACTION_IGNORE = 1u << 0,
	VG_DROP_ACTION_LOG = 1u << 1,
	VG_DROP_ACTION_ALERT = 1u << 2,
	VG_DROP_ACTION_EXIT = 1u << 3,
};

typedef struct vg_config {
	/* rules */
	const char **rules_files; /* files or directories, in order */
	size_t n_rules_files;
	vg_config_rule_selector *rules; /* `rules:` enable/disable selectors */
	size_t n_rules;
	vg_priority priority;           /* minimum severity loaded (default debug = every rule) */
	bool rule_matching_all;         /* rule_matching: all (default first: stop at the first match) */
	const vg_yaml_node *append_output; /* raw `append_output` list for the rules engine, or NULL */
	vg_config_kv *static_fields;       /* `static_fields` map in order */
	size_t n_static_fields;

	/* plugins */
	vg_config_plugin *plugins;  /* all entries of `plugins:` */
	size_t n_plugins;
	const char **load_plugins;  /* names to load; resolved against plugins (unknown = error) */
	size_t n_load_plugins;
	bool load_plugins_set;      /* false: key absent → load every plugin in list order */

	/* outputs */
	bool json_output;
	bool json_include_output_property;
	bool json_include_tags_property;
	bool json_include_message_property;
	bool json_include_output_fields_property;
	bool time_format_iso_8601;
	bool buffered_outputs;
	uint64_t outputs_queue_capacity; /* 0 = vigil's default bound (see outputs.h) */
	struct {
		bool enabled;
	} stdout_output, syslog_output;
	struct {
		bool enabled, keep_alive;
		const char *filename;
	} file_output;
	struct {
		bool enabled, keep_alive;
		const char *program;
	} program_output;
	struct {
		bool enabled, insecure, mtls, echo, compress_uploads, keep_alive;
		const char *url, *user_agent, *ca_cert, *ca_bundle, *ca_path, *client_cert, *client_key;
		uint32_t max_consecutive_timeouts;
	} http_output;
	uint32_t output_timeout_ms;

	/* logging */
	vg_log_level log_level;
	bool log_stderr;
	bool log_syslog;

	/* engine and syscall source */
	vg_config_engine_kind engine_kind;
	struct {
		uint32_t cpus_for_each_buffer, buf_size_preset;
		bool drop_failed_exit;
	} modern_ebpf;
	const char *replay_capture_file; /* engine.replay.capture_file, "" if unset */
	const char **base_syscalls_custom_set;
	size_t n_base_syscalls_custom_set;
	bool base_syscalls_repair;
	bool base_syscalls_all;
	struct {
		double threshold, rate;
		uint32_t actions; /* VG_DROP_ACTION_* */
		uint32_t max_burst;
	} syscall_event_drops;
	uint64_t thread_table_size; /* falco_libs.thread_table_size */
	uint32_t snaplen;           /* falco_libs.snaplen */

	/* services */
	struct {
		bool enabled, prometheus_metrics_enabled, ssl_enabled;
		uint32_t threadiness, listen_port;
		const char *listen_address, *k8s_healthz_endpoint, *ssl_certificate;
	} webserver;
	struct {
		bool enabled, output_rule;
		const char *interval, *output_file;
	} metrics;
	const vg_yaml_node *webserver_node; /* raw `webserver` map or NULL */
	const vg_yaml_node *metrics_node;   /* raw `metrics` map or NULL */
	bool watch_config_files;

	/* provenance */
	const char *config_file;   /* main file actually read, NULL when none */
	const char **merged_files; /* files merged from config_files, in order */
	size_t n_merged_files;
	vg_yaml_node *root;        /* merged tree after overrides and expansion */

	struct vg_config_private *priv;
} vg_config;

typedef struct vg_config_load_opts {
	const char *path;               /* -c FILE, or NULL for the default file */
	const char *default_path;       /* NULL = VIGIL_CONFIG_FILE (the installed vigil.yaml) */
	const char *const *overrides;   /* "-o" arguments, "key.path=value" each (borrowed) */
	size_t n_overrides;
} vg_config_load_opts;

/* Fills c with the defaults alone (no file). c must later be released with vg_config_free. */
void vg_config_defaults(vg_config *c);

/* Loads, merges, overrides, expands and types the configuration. Warnings (unknown keys,
 * deprecated rules_file, unset ${VAR}) go to vg_log. On error c is left freed-and-zeroed. */
vg_rc vg_config_load(vg_config *c, const vg_config_load_opts *opts, vg_err *err);

/* Same from in-memory text (tests, fuzzing); name is used in positions. */
vg_rc vg_config_load_str(vg_config *c, const char *name, const char *text, size_t len,
			 const char *const *overrides, size_t n_overrides, vg_err *err);

void vg_config_free(vg_config *c);

/* The plugins to load, in order: load_plugins resolved against plugins (or every plugin when
 * load_plugins is absent). *out is owned by c; returns the count. */
size_t vg_config_enabled_plugins(const vg_config *c, const vg_config_plugin *const **out);


#endif
