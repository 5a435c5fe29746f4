/* Alert formatting (text and JSON, byte for byte), the bounded queue and its drop accounting. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outputs/outputs.h"
#include "util/log.h"

/* 2023-11-14T22:13:31.726060287Z */
#define TS 1700000011726060287ull

static vg_config cfg;
static vg_outputs *out;
static vg_err err;
static vg_buf line;

static void setup(void)
{
	setenv("VIGIL_HOSTNAME", "node-1", 1);
	setenv("TZ", "UTC", 1);
	tzset();
	vg_config_defaults(&cfg);
	cfg.stdout_output.enabled = false;
	cfg.syslog_output.enabled = false;
	vg_buf_init(&line);
	vg_err_clear(&err);
	out = NULL;
	vg_log_configure(&(vg_log_opts){ .level = VG_LOG_EMERG, .to_stderr = false });
}

static void teardown(void)
{
	vg_outputs_free(out);
	vg_buf_free(&line);
	vg_config_free(&cfg);
	vg_log_set_sink(NULL, NULL);
}

TestSuite(outputs, .init = setup, .fini = teardown);

static const char *const shell_tags[] = { "container", "shell" };

static const vg_alert shell = {
	.ts = TS,
	.priority = 4,
	.rule = "Shell in container",
	.source = "syscall",
	.message = "Shell started (user=root cmd=sh -c id container=3f2a1b9c8d7e)",
	.output_fields_json = "{\"container.id\":\"3f2a1b9c8d7e\",\"evt.time\":1700000011726060287,"
			      "\"proc.cmdline\":\"sh -c id\",\"user.name\":\"root\"}",
	.tags = shell_tags,
	.ntags = 2,
};

static const char *format(const vg_alert *a)
{
	if (!out)
		cr_assert_eq(vg_outputs_new(&cfg, &out, &err), VG_OK, "%s", err.msg);
	vg_buf_reset(&line);
	vg_outputs_format(out, a, &line);
	return line.data;
}

Test(outputs, text_line_local_time)
{
	cr_assert_str_eq(format(&shell),
			 "22:13:31.726060287: Warning Shell started (user=root cmd=sh -c id container=3f2a1b9c8d7e)");
}

Test(outputs, text_line_local_time_follows_tz)
{
	setenv("TZ", "Asia/Kolkata", 1); /* +05:30, no DST */
	tzset();
	cr_assert_str_eq(format(&shell),
			 "03:43:31.726060287: Warning Shell started (user=root cmd=sh -c id container=3f2a1b9c8d7e)");
}

Test(outputs, text_line_iso8601)
{
	cfg.time_format_iso_8601 = true;
	cr_assert_str_eq(format(&shell), "2023-11-14T22:13:31.726060287+0000: Warning Shell started (user=root cmd=sh "
					 "-c id container=3f2a1b9c8d7e)");
}

Test(outputs, json_falco_shape)
{
	cfg.json_output = true;
	cr_assert_str_eq(format(&shell),
			 "{\"hostname\":\"node-1\",\"output\":\"22:13:31.726060287: Warning Shell started (user=root cmd=sh -c "
			 "id container=3f2a1b9c8d7e)\",\"output_fields\":{\"container.id\":\"3f2a1b9c8d7e\",\"evt.time\":"
			 "1700000011726060287,\"proc.cmdline\":\"sh -c id\",\"user.name\":\"root\"},\"priority\":\"Warning\","
			 "\"rule\":\"Shell in container\",\"source\":\"syscall\",\"tags\":[\"container\",\"shell\"],"
			 "\"time\":\"2023-11-14T22:13:31.726060287Z\"}");
}

Test(outputs, json_every_switch_off_plus_message)
{
	cfg.json_output = true;
	cfg.json_include_output_property = false;
	cfg.json_include_output_fields_property = false;
	cfg.json_include_tags_property = false;
	cfg.json_include_message_property = true;
	cr_assert_str_eq(format(&shell), "{\"hostname\":\"node-1\",\"message\":\"Shell started (user=root cmd=sh -c id "
					 "container=3f2a1b9c8d7e)\",\"priority\":\"Warning\",\"rule\":\"Shell in container\","
					 "\"source\":\"syscall\",\"time\":\"2023-11-14T22:13:31.726060287Z\"}");
}

Test(outputs, json_escapes_and_empty_fields)
{
	cfg.json_output = true;
	cfg.time_format_iso_8601 = true;
	setenv("VIGIL_HOSTNAME", "", 1);
	setenv("FALCO_HOSTNAME", "falco-host", 1);
	vg_alert a = { .ts = 5, .priority = 0, .rule = "R \"q\"", .source = "internal", .message = "a\nb\t\"c\"" };
	cr_assert_str_eq(format(&a), "{\"hostname\":\"falco-host\",\"output\":\"1970-01-01T00:00:00.000000005+0000: "
				     "Emergency a\\nb\\t\\\"c\\\"\",\"output_fields\":{},\"priority\":\"Emergency\","
				     "\"rule\":\"R \\\"q\\\"\",\"source\":\"internal\",\"tags\":[],"
				     "\"time\":\"1970-01-01T00:00:00.000000005Z\"}");
	unsetenv("FALCO_HOSTNAME");
}

Test(outputs, priority_names)
{
	static const char *const names[] = { "Emergency", "Alert", "Critical", "Error",
					     "Warning", "Notice", "Informational", "Debug" };
	for (int p = 0; p < 8; p++) {
		vg_alert a = shell;
		a.priority = p;
		char want[128];
		snprintf(want, sizeof(want), "22:13:31.726060287: %s m", names[p]);
		a.message = "m";
		cr_assert_str_eq(format(&a), want);
	}
}

/* ---- a sink that records lines, optionally blocking until released ---- */

typedef struct rec_sink {
	vg_sink base;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool block, entered;
	vg_buf lines;
	int writes;
} rec_sink;

static vg_rc rec_write(vg_sink *s, const char *l, size_t len, int priority, vg_err *e)
{
	rec_sink *r = (rec_sink *)s;
	pthread_mutex_lock(&r->lock);
	r->entered = true;
	pthread_cond_broadcast(&r->cond);
	while (r->block)
		pthread_cond_wait(&r->cond, &r->lock);
	vg_buf_printf(&r->lines, "%d|%s\n", priority, l);
	r->writes++;
	pthread_mutex_unlock(&r->lock);
	return VG_OK;
}

static void rec_destroy(vg_sink *s)
{
	rec_sink *r = (rec_sink *)s;
	vg_buf_free(&r->lines);
	free(r);
}

static const vg_sink_ops rec_ops = { .name = "rec", .write = rec_write, .destroy = rec_destroy };

static rec_sink *add_rec(bool block)
{
	rec_sink *r = calloc(1, sizeof(*r));
	r->base.ops = &rec_ops;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->block = block;
	vg_buf_init(&r->lines);
	cr_assert_eq(vg_outputs_new(&cfg, &out, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_outputs_add_sink(out, &r->base, &err), VG_OK);
	return r;
}

static void wait_entered(rec_sink *r)
{
	pthread_mutex_lock(&r->lock);
	while (!r->entered)
		pthread_cond_wait(&r->cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

static void release(rec_sink *r)
{
	pthread_mutex_lock(&r->lock);
	r->block = false;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static vg_buf warnings;
static void capture(vg_log_level level, const char *l, void *ud)
{
	vg_buf_puts(&warnings, l);
	vg_buf_putc(&warnings, '\n');
}

static int count_lines_with(const char *text, const char *needle)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

Test(outputs, full_queue_drops_without_blocking)
{
	cfg.outputs_queue_capacity = 2;
	vg_buf_init(&warnings);
	vg_log_set_sink(capture, NULL);
	rec_sink *r = add_rec(true);
	cr_assert_eq(vg_outputs_start(out, &err), VG_OK);
	vg_alert a = shell;
	a.message = "first";
	cr_assert(vg_outputs_submit(out, &a));
	wait_entered(r); /* the output thread holds "first" inside the blocked sink */

	double t0 = now_s();
	bool accepted[6];
	for (int i = 0; i < 6; i++)
		accepted[i] = vg_outputs_submit(out, &a);
	double elapsed = now_s() - t0;
	cr_assert_lt(elapsed, 0.5, "submit must not wait for the blocked sink (took %.3fs)", elapsed);
	cr_assert(accepted[0] && accepted[1], "two alerts fit in the queue");
	for (int i = 2; i < 6; i++)
		cr_assert_not(accepted[i], "alert %d must be dropped", i);

	vg_outputs_stats st;
	vg_outputs_stats_get(out, &st);
	cr_assert_eq(st.submitted, 7);
	cr_assert_eq(st.dropped, 4);
	cr_assert(strstr(warnings.data, "warning: outputs: alert queue full (capacity 2): alert dropped (1 dropped in total"),
		  "%s", warnings.data);
	cr_assert_eq(count_lines_with(warnings.data, "alert queue full"), 1,
		     "the warning is rate limited to one line: %s", warnings.data);

	release(r);
	vg_outputs_flush_and_stop(out);
	vg_outputs_stats_get(out, &st);
	cr_assert_eq(st.nsinks, 1);
	cr_assert_str_eq(st.sinks[0].name, "rec");
	cr_assert_eq(st.sinks[0].written, 3);
	cr_assert_eq(st.sinks[0].errors, 0);
	vg_log_set_sink(NULL, NULL);
	vg_buf_free(&warnings);
}

Test(outputs, flush_and_stop_drains_everything_in_order)
{
	rec_sink *r = add_rec(false);
	cr_assert_eq(vg_outputs_start(out, &err), VG_OK);
	char msg[32];
	vg_alert a = shell;
	a.message = msg;
	vg_buf want;
	vg_buf_init(&want);
	for (int i = 0; i < 500; i++) {
		snprintf(msg, sizeof(msg), "alert %d", i);
		a.priority = i % 8;
		cr_assert(vg_outputs_submit(out, &a));
		vg_buf_printf(&want, "%d|", i % 8);
		vg_outputs_format(out, &a, &want);
		vg_buf_putc(&want, '\n');
	}
	vg_outputs_flush_and_stop(out);
	vg_outputs_flush_and_stop(out); /* idempotent */
	cr_assert_str_eq(r->lines.data, want.data);
	cr_assert_not(vg_outputs_submit(out, &a), "after stop, alerts are refused");
	vg_buf_free(&want);
}

Test(outputs, internal_alerts_use_the_same_path)
{
	cfg.json_output = true;
	rec_sink *r = add_rec(false);
	cr_assert_eq(vg_outputs_start(out, &err), VG_OK);
	cr_assert(vg_outputs_submit_internal(out, 3, "Falco internal: syscall event drop", "3 system calls dropped",
					     "{\"n_drops\":3}"));
	vg_outputs_flush_and_stop(out);
	cr_assert(strstr(r->lines.data, "3|{\"hostname\":\"node-1\",\"output\":\""), "%s", r->lines.data);
	cr_assert(strstr(r->lines.data, "Error 3 system calls dropped\",\"output_fields\":{\"n_drops\":3},"
					"\"priority\":\"Error\",\"rule\":\"Falco internal: syscall event drop\","
					"\"source\":\"internal\",\"tags\":[],\"time\":\""),
		  "%s", r->lines.data);
}

Test(outputs, not_started_stop_still_drains)
{
	rec_sink *r = add_rec(false);
	vg_alert a = shell;
	cr_assert(vg_outputs_submit(out, &a));
	vg_outputs_flush_and_stop(out);
	cr_assert_eq(r->writes, 1);
}

Test(outputs, bad_sink_config_is_an_error)
{
	cfg.file_output.enabled = true;
	cfg.file_output.filename = "";
	cr_assert_eq(vg_outputs_new(&cfg, &out, &err), VG_ERR_INVALID);
	cr_assert_str_eq(err.msg, "outputs: file_output is enabled but file_output.filename is empty");
	out = NULL;
}

Test(outputs, oversized_queue_is_a_config_error)
{
	cfg.outputs_queue_capacity = 100000000;
	cr_assert_eq(vg_outputs_new(&cfg, &out, &err), VG_ERR_LIMIT);
	cr_assert_str_eq(err.msg, "outputs_queue.capacity 100000000 is above the maximum 16777216");
	out = NULL;
}

static void *submitter(void *arg)
{
	vg_alert a = shell;
	for (int i = 0; i < 2000; i++)
		vg_outputs_submit(out, &a);
	return NULL;
}

Test(outputs, concurrent_submitters_lose_nothing_silently)
{
	cfg.outputs_queue_capacity = 64;
	rec_sink *r = add_rec(false);
	cr_assert_eq(vg_outputs_start(out, &err), VG_OK);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, submitter, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	vg_outputs_flush_and_stop(out);
	vg_outputs_stats st;
	vg_outputs_stats_get(out, &st);
	cr_assert_eq(st.submitted, 8000);
	cr_assert_eq(st.sinks[0].written + st.dropped, 8000, "every alert is either written or counted as dropped");
	cr_assert_eq((uint64_t)r->writes, st.sinks[0].written);
}
