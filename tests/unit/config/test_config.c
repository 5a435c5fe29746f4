#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "util/buf.h"
#include "util/log.h"

static vg_config cfg;
static vg_err err;
static vg_buf logged; /* every log line, '\n'-separated */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char tmpdir[64];

static void capture(vg_log_level level, const char *line, void *ud)
{
	pthread_mutex_lock(&log_lock);
	vg_buf_puts(&logged, line);
	vg_buf_putc(&logged, '\n');
	pthread_mutex_unlock(&log_lock);
}

static void setup(void)
{
	vg_buf_init(&logged);
	vg_log_set_sink(capture, NULL);
	vg_log_configure(&(vg_log_opts){ .level = VG_LOG_EMERG, .to_stderr = false });
	vg_err_clear(&err);
	strcpy(tmpdir, "/tmp/vg_config_XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
	vg_config_free(&cfg);
	vg_log_set_sink(NULL, NULL);
	vg_buf_free(&logged);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(config, .init = setup, .fini = teardown);

static void load(const char *text)
{
	vg_rc rc = vg_config_load_str(&cfg, "t.yaml", text, strlen(text), NULL, 0, &err);
	cr_assert_eq(rc, VG_OK, "%s", err.msg);
}

static void load_with(const char *text, const char *const *ov, size_t n)
{
	vg_rc rc = vg_config_load_str(&cfg, "t.yaml", text, strlen(text), ov, n, &err);
	cr_assert_eq(rc, VG_OK, "%s", err.msg);
}

static void load_fails(const char *text, const char *msg)
{
	vg_rc rc = vg_config_load_str(&cfg, "t.yaml", text, strlen(text), NULL, 0, &err);
	cr_assert_neq(rc, VG_OK, "expected a failure for: %s", text);
	cr_assert_str_eq(err.msg, msg);
	cr_assert_null(cfg.priv, "a failed load leaves the config freed");
}

static void write_file(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

Test(config, defaults_match_falco)
{
	load("");
	cr_assert_eq(cfg.priority, 7);
	cr_assert_not(cfg.rule_matching_all);
	cr_assert_not(cfg.json_output);
	cr_assert(cfg.json_include_output_property);
	cr_assert(cfg.json_include_tags_property);
	cr_assert_not(cfg.json_include_message_property);
	cr_assert(cfg.json_include_output_fields_property);
	cr_assert_not(cfg.time_format_iso_8601);
	cr_assert_not(cfg.buffered_outputs);
	cr_assert_eq(cfg.outputs_queue_capacity, 0);
	cr_assert(cfg.stdout_output.enabled);
	cr_assert(cfg.syslog_output.enabled);
	cr_assert_not(cfg.file_output.enabled);
	cr_assert_not(cfg.file_output.keep_alive);
	cr_assert_str_eq(cfg.file_output.filename, "./events.txt");
	cr_assert_not(cfg.program_output.enabled);
	cr_assert_not(cfg.http_output.enabled);
	cr_assert_str_eq(cfg.http_output.user_agent, "falcosecurity/falco");
	cr_assert_str_eq(cfg.http_output.ca_path, "/etc/ssl/certs");
	cr_assert_eq(cfg.http_output.max_consecutive_timeouts, 5);
	cr_assert_eq(cfg.output_timeout_ms, 2000);
	cr_assert_eq(cfg.log_level, VG_LOG_INFO);
	cr_assert(cfg.log_stderr);
	cr_assert_eq(cfg.engine_kind, VG_ENGINE_MODERN_EBPF);
	cr_assert_eq(cfg.modern_ebpf.cpus_for_each_buffer, 2);
	cr_assert_eq(cfg.modern_ebpf.buf_size_preset, 4);
	cr_assert_not(cfg.modern_ebpf.drop_failed_exit);
	cr_assert_eq(cfg.n_base_syscalls_custom_set, 0);
	cr_assert_eq(cfg.syscall_event_drops.actions, VG_DROP_ACTION_LOG | VG_DROP_ACTION_ALERT);
	cr_assert_float_eq(cfg.syscall_event_drops.threshold, 0.1, 1e-12);
	cr_assert_eq(cfg.syscall_event_drops.max_burst, 1);
	cr_assert_eq(cfg.thread_table_size, 262144);
	cr_assert_eq(cfg.snaplen, 80);
	cr_assert(cfg.webserver.enabled);
	cr_assert_eq(cfg.webserver.listen_port, 8765);
	cr_assert_str_eq(cfg.webserver.k8s_healthz_endpoint, "/healthz");
	cr_assert_not(cfg.metrics.enabled);
	cr_assert_str_eq(cfg.metrics.interval, "1h");
	cr_assert(cfg.watch_config_files);
	cr_assert_eq(cfg.n_rules_files, 1);
	cr_assert_eq(cfg.n_plugins, 0);
	cr_assert_not(cfg.load_plugins_set);
	cr_assert_str_eq(logged.data, "", "no warnings for an empty file");
}

static const char full[] =
	"rules_files: [/a.yaml, /rules.d]\n"
	"rules:\n"
	"  - disable: {rule: \"*\"}\n"
	"  - enable: {tag: network}\n"
	"priority: warning\n"
	"rule_matching: all\n"
	"json_output: true\n"
	"json_include_output_property: false\n"
	"json_include_tags_property: false\n"
	"json_include_message_property: true\n"
	"json_include_output_fields_property: false\n"
	"time_format_iso_8601: true\n"
	"buffered_outputs: true\n"
	"outputs_queue: {capacity: 1234}\n"
	"output_timeout: 500\n"
	"stdout_output: {enabled: false}\n"
	"syslog_output: {enabled: false}\n"
	"file_output: {enabled: true, keep_alive: true, filename: /var/log/a.txt}\n"
	"program_output: {enabled: true, keep_alive: true, program: \"cat > /dev/null\"}\n"
	"http_output:\n"
	"  enabled: true\n  url: http://x/y\n  user_agent: ua/1\n  insecure: true\n  ca_cert: /c.pem\n"
	"  ca_bundle: /b.pem\n  ca_path: /cap\n  mtls: true\n  client_cert: /cc\n  client_key: /ck\n"
	"  echo: true\n  compress_uploads: true\n  keep_alive: true\n  max_consecutive_timeouts: 9\n"
	"log_level: debug\nlog_stderr: false\nlog_syslog: false\n"
	"append_output:\n  - match: {source: syscall}\n    extra_output: \"x=%proc.name\"\n"
	"static_fields: {env: prod, region: eu}\n"
	"engine:\n  kind: replay\n  modern_ebpf: {cpus_for_each_buffer: 4, buf_size_preset: 6, drop_failed_exit: true}\n"
	"  replay: {capture_file: /tmp/c.scap}\n"
	"base_syscalls: {custom_set: [open, \"!close\"], repair: true, all: true}\n"
	"syscall_event_drops: {threshold: 0.5, actions: [log, exit], rate: 2, max_burst: 3}\n"
	"webserver: {enabled: false, threadiness: 2, listen_port: 9000, listen_address: 127.0.0.1,\n"
	"            k8s_healthz_endpoint: /hz, prometheus_metrics_enabled: true, ssl_enabled: true,\n"
	"            ssl_certificate: /s.pem}\n"
	"metrics: {enabled: true, interval: 5m, output_rule: false, output_file: /m.json, convert_memory_to_mb: true}\n"
	"watch_config_files: false\n"
	"falco_libs: {thread_table_size: 1000, snaplen: 256}\n";

Test(config, every_key_is_typed)
{
	load(full);
	cr_assert_str_eq(logged.data, "", "a full Falco-style file loads without warnings: %s", logged.data);
	cr_assert_eq(cfg.n_rules_files, 2);
	cr_assert_str_eq(cfg.rules_files[1], "/rules.d");
	cr_assert_eq(cfg.n_rules, 2);
	cr_assert(!cfg.rules[0].enable && !cfg.rules[0].by_tag);
	cr_assert_str_eq(cfg.rules[0].value, "*");
	cr_assert(cfg.rules[1].enable && cfg.rules[1].by_tag);
	cr_assert_str_eq(cfg.rules[1].value, "network");
	cr_assert_eq(cfg.priority, 4);
	cr_assert(cfg.rule_matching_all);
	cr_assert(cfg.json_output);
	cr_assert_not(cfg.json_include_output_property);
	cr_assert_not(cfg.json_include_tags_property);
	cr_assert(cfg.json_include_message_property);
	cr_assert_not(cfg.json_include_output_fields_property);
	cr_assert(cfg.time_format_iso_8601);
	cr_assert(cfg.buffered_outputs);
	cr_assert_eq(cfg.outputs_queue_capacity, 1234);
	cr_assert_eq(cfg.output_timeout_ms, 500);
	cr_assert_not(cfg.stdout_output.enabled);
	cr_assert_not(cfg.syslog_output.enabled);
	cr_assert(cfg.file_output.enabled && cfg.file_output.keep_alive);
	cr_assert_str_eq(cfg.file_output.filename, "/var/log/a.txt");
	cr_assert(cfg.program_output.enabled && cfg.program_output.keep_alive);
	cr_assert_str_eq(cfg.program_output.program, "cat > /dev/null");
	cr_assert(cfg.http_output.enabled && cfg.http_output.insecure && cfg.http_output.mtls);
	cr_assert(cfg.http_output.echo && cfg.http_output.compress_uploads && cfg.http_output.keep_alive);
	cr_assert_str_eq(cfg.http_output.url, "http://x/y");
	cr_assert_str_eq(cfg.http_output.user_agent, "ua/1");
	cr_assert_str_eq(cfg.http_output.ca_cert, "/c.pem");
	cr_assert_str_eq(cfg.http_output.ca_bundle, "/b.pem");
	cr_assert_str_eq(cfg.http_output.ca_path, "/cap");
	cr_assert_str_eq(cfg.http_output.client_cert, "/cc");
	cr_assert_str_eq(cfg.http_output.client_key, "/ck");
	cr_assert_eq(cfg.http_output.max_consecutive_timeouts, 9);
	cr_assert_eq(cfg.log_level, VG_LOG_DEBUG);
	cr_assert_not(cfg.log_stderr);
	cr_assert_not(cfg.log_syslog);
	cr_assert_not_null(cfg.append_output);
	cr_assert_eq(cfg.append_output->n, 1);
	cr_assert_str_eq(vg_yaml_get(cfg.append_output, "[0].extra_output")->str, "x=%proc.name");
	cr_assert_eq(cfg.n_static_fields, 2);
	cr_assert_str_eq(cfg.static_fields[1].key, "region");
	cr_assert_str_eq(cfg.static_fields[1].value, "eu");
	cr_assert_eq(cfg.engine_kind, VG_ENGINE_REPLAY);
	cr_assert_eq(cfg.modern_ebpf.cpus_for_each_buffer, 4);
	cr_assert_eq(cfg.modern_ebpf.buf_size_preset, 6);
	cr_assert(cfg.modern_ebpf.drop_failed_exit);
	cr_assert_str_eq(cfg.replay_capture_file, "/tmp/c.scap");
	cr_assert_eq(cfg.n_base_syscalls_custom_set, 2);
	cr_assert_str_eq(cfg.base_syscalls_custom_set[1], "!close");
	cr_assert(cfg.base_syscalls_repair && cfg.base_syscalls_all);
	cr_assert_float_eq(cfg.syscall_event_drops.threshold, 0.5, 1e-12);
	cr_assert_float_eq(cfg.syscall_event_drops.rate, 2.0, 1e-12);
	cr_assert_eq(cfg.syscall_event_drops.actions, VG_DROP_ACTION_LOG | VG_DROP_ACTION_EXIT);
	cr_assert_eq(cfg.syscall_event_drops.max_burst, 3);
	cr_assert_not(cfg.webserver.enabled);
	cr_assert_eq(cfg.webserver.threadiness, 2);
	cr_assert_eq(cfg.webserver.listen_port, 9000);
	cr_assert_str_eq(cfg.webserver.listen_address, "127.0.0.1");
	cr_assert_str_eq(cfg.webserver.k8s_healthz_endpoint, "/hz");
	cr_assert(cfg.webserver.prometheus_metrics_enabled && cfg.webserver.ssl_enabled);
	cr_assert_str_eq(cfg.webserver.ssl_certificate, "/s.pem");
	cr_assert_not_null(cfg.webserver_node);
	cr_assert(cfg.metrics.enabled && !cfg.metrics.output_rule);
	cr_assert_str_eq(cfg.metrics.interval, "5m");
	cr_assert_str_eq(cfg.metrics.output_file, "/m.json");
	cr_assert_str_eq(vg_yaml_map_get(cfg.metrics_node, "convert_memory_to_mb")->str, "true");
	cr_assert_not(cfg.watch_config_files);
	cr_assert_eq(cfg.thread_table_size, 1000);
	cr_assert_eq(cfg.snaplen, 256);
}

Test(config, type_errors_name_file_line_column_and_key)
{
	load_fails("json_output: maybe\n", "t.yaml:1:14: key 'json_output': expected a boolean");
}

Test(config, nested_type_error)
{
	load_fails("file_output:\n  enabled: true\n  filename: [a]\n",
		   "t.yaml:3:13: key 'file_output.filename': expected a string");
}

Test(config, number_errors)
{
	load_fails("outputs_queue:\n  capacity: -1\n", "t.yaml:2:13: key 'outputs_queue.capacity': expected an unsigned integer");
}

Test(config, section_must_be_a_map)
{
	load_fails("http_output: yes\n", "t.yaml:1:14: key 'http_output': expected a map");
}

Test(config, enum_errors)
{
	load_fails("priority: loud\n", "t.yaml:1:11: key 'priority': expected a priority (emergency, alert, critical, "
				       "error, warning, notice, informational, debug)");
}

Test(config, rule_matching_error)
{
	load_fails("rule_matching: some\n", "t.yaml:1:16: key 'rule_matching': expected 'first' or 'all'");
}

Test(config, yaml_syntax_error)
{
	load_fails("a: 1\n b: 2\n", "t.yaml:2:3: mapping values are not allowed in this context");
}

Test(config, root_must_be_a_map)
{
	load_fails("- a\n", "t.yaml:1:1: the configuration must be a map of keys");
}

Test(config, unknown_keys_warn_with_line)
{
	load("json_output: true\nfoo: 1\nfile_output:\n  enabled: false\n  bogus: x\nmetrics: {whatever: 1}\n");
	cr_assert(cfg.json_output, "unknown keys do not stop loading");
	cr_assert_str_eq(logged.data, "warning: t.yaml:2:1: unknown configuration key 'foo' (ignored)\n"
				      "warning: t.yaml:5:3: unknown configuration key 'file_output.bogus' (ignored)\n");
}

Test(config, quoted_bool_is_accepted_like_falco)
{
	load("json_output: \"true\"\n");
	cr_assert(cfg.json_output);
}

Test(config, overrides)
{
	const char *ov[] = {
		"json_output=true",
		"file_output.filename=/tmp/x=y.txt",
		"rules[].disable.rule=*",
		"rules[].enable.tag=net",
		"rules_files[]=/extra.yaml",
		"rules_files[0]=/first.yaml",
		"static_fields.a\\.b=dotted",
		"base_syscalls.custom_set=[open, close]",
		"webserver={enabled: false, listen_port: 1}",
		"plugins[0].open_params=  spaced  ",
		"program_output.program=\"quoted: yes\"",
	};
	load_with("rules_files: [/r1.yaml]\nplugins:\n  - name: p\n    library_path: libp.so\n", ov,
		  sizeof(ov) / sizeof(ov[0]));
	cr_assert(cfg.json_output);
	cr_assert_str_eq(cfg.file_output.filename, "/tmp/x=y.txt");
	cr_assert_eq(cfg.n_rules, 2);
	cr_assert_str_eq(cfg.rules[0].value, "*");
	cr_assert(!cfg.rules[0].enable && cfg.rules[1].enable && cfg.rules[1].by_tag);
	cr_assert_eq(cfg.n_rules_files, 2);
	cr_assert_str_eq(cfg.rules_files[0], "/first.yaml");
	cr_assert_str_eq(cfg.rules_files[1], "/extra.yaml");
	cr_assert_eq(cfg.n_static_fields, 1);
	cr_assert_str_eq(cfg.static_fields[0].key, "a.b");
	cr_assert_eq(cfg.n_base_syscalls_custom_set, 2);
	cr_assert_str_eq(cfg.base_syscalls_custom_set[1], "close");
	cr_assert_not(cfg.webserver.enabled);
	cr_assert_eq(cfg.webserver.listen_port, 1);
	cr_assert_str_eq(cfg.plugins[0].open_params, "spaced");
	cr_assert_str_eq(cfg.program_output.program, "quoted: yes");
}

Test(config, override_type_error_names_the_option)
{
	const char *ov[] = { "json_output=maybe" };
	vg_rc rc = vg_config_load_str(&cfg, "t.yaml", "", 0, ov, 1, &err);
	cr_assert_eq(rc, VG_ERR_INVALID);
	cr_assert_str_eq(err.msg, "<-o json_output=maybe>:1:13: key 'json_output': expected a boolean");
}

Test(config, override_syntax_errors)
{
	const char *ov[] = { "novalue" };
	cr_assert_eq(vg_config_load_str(&cfg, "t.yaml", "", 0, ov, 1, &err), VG_ERR_INVALID);
	cr_assert_str_eq(err.msg, "-o 'novalue': expected key.path=value");
	const char *ov2[] = { "a.b[7]=1" };
	cr_assert_eq(vg_config_load_str(&cfg, "t.yaml", "a: {b: []}", 10, ov2, 1, &err), VG_ERR_NOTFOUND);
	cr_assert_str_eq(err.msg, "-o 'a.b[7]=1': key path 'a.b[7]': index 7 is past the end of the list");
	const char *ov3[] = { "x={a: [}" };
	cr_assert_eq(vg_config_load_str(&cfg, "t.yaml", "", 0, ov3, 1, &err), VG_ERR_PARSE);
	cr_assert(strstr(err.msg, "<-o x={a: [}>:1:"), "%s", err.msg);
}

Test(config, env_expansion)
{
	setenv("VG_TEST_DIR", "/var/data", 1);
	setenv("VG_TEST_BOOL", "true", 1);
	unsetenv("VG_TEST_UNSET");
	load("file_output:\n  filename: ${VG_TEST_DIR}/events.txt\n"
	     "json_output: ${VG_TEST_BOOL}\n"
	     "program_output:\n  program: \"echo $${HOME} ${VG_TEST_UNSET}x $HOME\"\n");
	cr_assert_str_eq(cfg.file_output.filename, "/var/data/events.txt");
	cr_assert(cfg.json_output, "an expanded plain scalar is typed after expansion");
	cr_assert_str_eq(cfg.program_output.program, "echo ${HOME} x $HOME");
	cr_assert_str_eq(logged.data, "warning: t.yaml:5:12: environment variable 'VG_TEST_UNSET' is not set "
				      "(expanded to an empty string)\n");
}

Test(config, plugins_and_load_plugins)
{
	load("plugins:\n"
	     "  - name: k8saudit\n    library_path: libk8saudit.so\n"
	     "    init_config:\n      maxEventSize: 262144\n      sslCertificate: /etc/x.pem\n      verify: false\n"
	     "      list: [a, 1]\n    open_params: \"  http://:9765/k8s-audit \\n\"\n"
	     "  - name: json\n    library_path: /abs/libjson.so\n    init_config: '{\"raw\": true}'\n"
	     "  - name: bare\n    library_path: libbare.so\n");
	cr_assert_eq(cfg.n_plugins, 3);
	cr_assert_str_eq(cfg.plugins[0].init_config,
			 "{\"maxEventSize\":262144,\"sslCertificate\":\"/etc/x.pem\",\"verify\":false,\"list\":[\"a\",1]}");
	cr_assert_str_eq(cfg.plugins[0].open_params, "http://:9765/k8s-audit");
	cr_assert_str_eq(cfg.plugins[1].init_config, "{\"raw\": true}");
	cr_assert_str_eq(cfg.plugins[2].init_config, "");
	cr_assert_str_eq(cfg.plugins[2].open_params, "");
	const vg_config_plugin *const *en;
	cr_assert_eq(vg_config_enabled_plugins(&cfg, &en), 3, "load_plugins absent: all, in order");
	cr_assert_str_eq(en[2]->name, "bare");
}

Test(config, load_plugins_selects_and_orders)
{
	load("plugins:\n  - {name: a, library_path: a.so}\n  - {name: b, library_path: b.so}\nload_plugins: [b]\n");
	const vg_config_plugin *const *en;
	cr_assert_eq(vg_config_enabled_plugins(&cfg, &en), 1);
	cr_assert_str_eq(en[0]->name, "b");
}

Test(config, load_plugins_empty_means_none)
{
	load("plugins:\n  - {name: a, library_path: a.so}\nload_plugins: []\n");
	const vg_config_plugin *const *en;
	cr_assert_eq(vg_config_enabled_plugins(&cfg, &en), 0);
	cr_assert(cfg.load_plugins_set);
}

Test(config, load_plugins_unknown_name_is_fatal)
{
	load_fails("plugins:\n  - {name: a, library_path: a.so}\nload_plugins: [a, nope]\n",
		   "t.yaml:3:19: load_plugins: plugin 'nope' has no entry in 'plugins'");
}

Test(config, plugin_errors)
{
	load_fails("plugins:\n  - library_path: a.so\n", "t.yaml:2:5: plugin entry without a 'name'");
}

Test(config, duplicate_plugin)
{
	load_fails("plugins:\n  - {name: a, library_path: a.so}\n  - {name: a, library_path: b.so}\n",
		   "t.yaml:3:5: plugin 'a' is listed twice");
}

Test(config, bad_rule_selector)
{
	load_fails("rules:\n  - disable: {name: x}\n", "t.yaml:2:15: key 'rules': expected 'rule' or 'tag'");
}

Test(config, legacy_rules_file_warns)
{
	load("rules_file: [/old.yaml]\n");
	cr_assert_eq(cfg.n_rules_files, 1);
	cr_assert_str_eq(cfg.rules_files[0], "/old.yaml");
	cr_assert_str_eq(logged.data, "warning: t.yaml:1:13: key 'rules_file' is deprecated, use 'rules_files'\n");
}

Test(config, missing_default_file_is_fine)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/none.yaml", tmpdir);
	vg_config_load_opts o = { .default_path = path };
	cr_assert_eq(vg_config_load(&cfg, &o, &err), VG_OK, "%s", err.msg);
	cr_assert_null(cfg.config_file);
	cr_assert(cfg.stdout_output.enabled);
}

Test(config, missing_given_file_is_an_error)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/none.yaml", tmpdir);
	vg_config_load_opts o = { .path = path };
	cr_assert_eq(vg_config_load(&cfg, &o, &err), VG_ERR_NOTFOUND);
	char want[256];
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	cr_assert_str_eq(err.msg, want);
}

Test(config, config_files_merge_in_order_with_strategies)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/conf.d", tmpdir);
	cr_assert_eq(mkdir(path, 0755), 0);
	write_file("main.yaml", "rules_files: [/main.yaml]\njson_output: false\npriority: debug\n"
				"config_files:\n  - conf.d\n  - path: over.yaml\n    strategy: override\n"
				"  - {path: add.yaml, strategy: add-only}\n  - missing.yaml\n");
	write_file("conf.d/20-b.yaml", "rules_files: [/b.yaml]\njson_output: true\n");
	write_file("conf.d/10-a.yaml", "rules_files: [/a.yaml]\nlog_level: debug\n");
	write_file("conf.d/ignored.txt", "json_output: [not yaml config]\n");
	write_file("over.yaml", "priority: error\n");
	write_file("add.yaml", "priority: notice\nsnaplen_unknown: 1\nfile_output: {filename: /added.txt}\n");
	snprintf(path, sizeof(path), "%s/main.yaml", tmpdir);
	const char *ov[] = { "priority=critical" };
	vg_config_load_opts o = { .path = path, .overrides = ov, .n_overrides = 1 };
	cr_assert_eq(vg_config_load(&cfg, &o, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(cfg.n_rules_files, 3, "append strategy appends lists");
	cr_assert_str_eq(cfg.rules_files[0], "/main.yaml");
	cr_assert_str_eq(cfg.rules_files[1], "/a.yaml", "directory files merge in name order");
	cr_assert_str_eq(cfg.rules_files[2], "/b.yaml");
	cr_assert(cfg.json_output, "append strategy overrides scalars");
	cr_assert_eq(cfg.log_level, VG_LOG_DEBUG);
	cr_assert_eq(cfg.priority, 2, "-o applies after config_files");
	cr_assert_str_eq(cfg.file_output.filename, "/added.txt", "add-only adds new keys");
	cr_assert_eq(cfg.n_merged_files, 4);
	cr_assert(strstr(cfg.merged_files[2], "over.yaml"));
	cr_assert(strstr(logged.data, "missing.yaml: No such file or directory (skipped)"), "%s", logged.data);
	cr_assert(strstr(logged.data, "add.yaml:2:1: unknown configuration key 'snaplen_unknown' (ignored)"),
		  "merged keys keep their own file and line: %s", logged.data);
}

Test(config, config_files_add_only_keeps_existing)
{
	write_file("main.yaml", "priority: debug\nconfig_files: [{path: add.yaml, strategy: add-only}, over.yaml]\n");
	write_file("add.yaml", "priority: notice\n");
	write_file("over.yaml", "json_output: true\n");
	char path[128];
	snprintf(path, sizeof(path), "%s/main.yaml", tmpdir);
	vg_config_load_opts o = { .path = path };
	cr_assert_eq(vg_config_load(&cfg, &o, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(cfg.priority, 7);
	cr_assert(cfg.json_output);
}

Test(config, config_files_error_names_the_included_file)
{
	write_file("main.yaml", "config_files: [bad.yaml]\n");
	write_file("bad.yaml", "json_output: perhaps\n");
	char path[128], want[256];
	snprintf(path, sizeof(path), "%s/main.yaml", tmpdir);
	vg_config_load_opts o = { .path = path };
	cr_assert_eq(vg_config_load(&cfg, &o, &err), VG_ERR_INVALID);
	snprintf(want, sizeof(want), "%s/bad.yaml:1:14: key 'json_output': expected a boolean", tmpdir);
	cr_assert_str_eq(err.msg, want);
}


Test(config, only_first_document_is_used)
{
	load("json_output: true\n---\njson_output: false\n");
	cr_assert(cfg.json_output);
	cr_assert_str_eq(logged.data, "warning: t.yaml:3:1: only the first YAML document of a configuration file is used\n");
}
