/* The sinks: stdout stream, file (keep_alive on/off, rotation), program (keep_alive on/off,
 * restart after the reader exits), http (against a tiny HTTP/1.1 server in a thread). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "outputs/outputs.h"
#include "outputs/sink_file.h"
#include "outputs/sink_http.h"
#include "outputs/sink_program.h"
#include "outputs/sink_stdout.h"
#include "outputs/sink_syslog.h"
#include "util/log.h"

static char dir[64];
static char path[128];
static vg_err err;

static void setup(void)
{
	strcpy(dir, "/tmp/vg_sinks_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events.txt", dir);
	vg_err_clear(&err);
	setenv("TZ", "UTC", 1);
	tzset();
	vg_log_configure(&(vg_log_opts){ .level = VG_LOG_EMERG, .to_stderr = false });
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(sinks, .init = setup, .fini = teardown);

/* Whole file as a malloc'ed string ("" when missing). */
static char *slurp(const char *p)
{
	FILE *f = fopen(p, "rb");
	vg_buf b;
	vg_buf_init(&b);
	vg_buf_puts(&b, "");
	if (f) {
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			vg_buf_append(&b, chunk, n);
		fclose(f);
	}
	return vg_buf_steal(&b);
}

static void assert_file(const char *p, const char *want)
{
	char *got = slurp(p);
	cr_assert_str_eq(got, want, "%s", p);
	free(got);
}

static void write_line(vg_sink *s, const char *l, int prio)
{
	cr_assert_eq(s->ops->write(s, l, strlen(l), prio, &err), VG_OK, "%s", err.msg);
}

static bool fd_open_on(const char *target)
{
	char link[64], dest[256];
	for (int fd = 0; fd < 1024; fd++) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, dest, sizeof(dest) - 1);
		if (n > 0) {
			dest[n] = '\0';
			if (strcmp(dest, target) == 0)
				return true;
		}
	}
	return false;
}

Test(sinks, stdout_stream)
{
	FILE *f = fopen(path, "w+");
	vg_sink *s = vg_sink_stdout_new(f);
	write_line(s, "one", 4);
	write_line(s, "two", 4);
	s->ops->flush(s);
	assert_file(path, "one\ntwo\n");
	s->ops->destroy(s);
	fclose(f);
}

Test(sinks, syslog_accepts_lines)
{
	vg_sink *s = vg_sink_syslog_new();
	write_line(s, "vigil unit test alert", 7);
	s->ops->destroy(s);
}

Test(sinks, file_without_keep_alive_opens_per_alert)
{
	vg_sink *s = vg_sink_file_new(path, false);
	write_line(s, "first", 4);
	cr_assert_not(fd_open_on(path), "without keep_alive the file is closed after each alert");
	assert_file(path, "first\n");
	char moved[160];
	snprintf(moved, sizeof(moved), "%s.1", path);
	cr_assert_eq(rename(path, moved), 0);
	write_line(s, "second", 4);
	assert_file(moved, "first\n");
	assert_file(path, "second\n");
	s->ops->destroy(s);
}

Test(sinks, file_keep_alive_stays_open_and_follows_rotation)
{
	vg_sink *s = vg_sink_file_new(path, true);
	write_line(s, "first", 4);
	s->ops->flush(s);
	cr_assert(fd_open_on(path), "keep_alive keeps the file open");
	assert_file(path, "first\n");
	write_line(s, "second", 4);
	s->ops->flush(s);
	assert_file(path, "first\nsecond\n");

	char moved[160];
	snprintf(moved, sizeof(moved), "%s.1", path);
	cr_assert_eq(rename(path, moved), 0);
	write_line(s, "third", 4);
	s->ops->flush(s);
	assert_file(moved, "first\nsecond\n");
	assert_file(path, "third\n");

	s->ops->reopen(s); /* SIGHUP path */
	cr_assert_not(fd_open_on(path));
	write_line(s, "fourth", 4);
	s->ops->destroy(s);
	assert_file(path, "third\nfourth\n");
}

Test(sinks, file_unwritable_is_an_error_not_a_crash)
{
	vg_sink *s = vg_sink_file_new("/nonexistent-dir/x.txt", true);
	cr_assert_eq(s->ops->write(s, "x", 1, 4, &err), VG_ERR_IO);
	cr_assert_str_eq(err.msg, "/nonexistent-dir/x.txt: No such file or directory");
	s->ops->destroy(s);
}

static void program_roundtrip(bool keep_alive)
{
	char prog[256];
	snprintf(prog, sizeof(prog), "cat >> %s", path);
	vg_sink *s = vg_sink_program_new(prog, keep_alive);
	write_line(s, "alert one", 4);
	write_line(s, "alert two", 4);
	if (!keep_alive)
		assert_file(path, "alert one\nalert two\n"); /* each process was waited for */
	s->ops->destroy(s);                                   /* closes stdin, waits for cat */
	assert_file(path, "alert one\nalert two\n");
}

Test(sinks, program_keep_alive)
{
	program_roundtrip(true);
}

Test(sinks, program_per_alert)
{
	program_roundtrip(false);
}

static bool wait_for_file(const char *p, const char *want)
{
	for (int i = 0; i < 500; i++) {
		char *got = slurp(p);
		bool ok = strcmp(got, want) == 0;
		free(got);
		if (ok)
			return true;
		usleep(10000);
	}
	return false;
}

/* True once a child of ours has exited (seen as a zombie, not reaped: the sink reaps it). */
static bool wait_child_exited(void)
{
	for (int i = 0; i < 500; i++) {
		siginfo_t si = { 0 };
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid)
			return true;
		usleep(10000);
	}
	return false;
}

Test(sinks, program_restarts_after_reader_exit)
{
	char prog[256];
	/* Reads one line and exits: the next alert meets a broken pipe and must restart it. */
	snprintf(prog, sizeof(prog), "read line; echo \"$line\" >> %s", path);
	vg_sink *s = vg_sink_program_new(prog, true);
	write_line(s, "one", 4);
	cr_assert(wait_for_file(path, "one\n"));
	cr_assert(wait_child_exited(), "the reader exits after one line"); /* the pipe now has no reader */
	write_line(s, "two", 4);
	cr_assert(wait_for_file(path, "one\ntwo\n"), "the program was restarted for the second alert");
	s->ops->destroy(s);
}

/* ---- a tiny HTTP/1.1 server ---- */

typedef struct server {
	int lfd, port, status;
	atomic_bool stop;
	pthread_t thread;
	pthread_mutex_t lock;
	vg_buf requests; /* every request: headers + body, separated by "\n====\n" */
	int nrequests, nconnections;
} server;

static size_t content_length(const char *headers)
{
	for (const char *p = headers; (p = strchr(p, '\n')); p++)
		if (strncasecmp(p + 1, "Content-Length:", 15) == 0)
			return strtoul(p + 16, NULL, 10);
	return 0;
}

/* Serves requests on one connection until the peer closes it. */
static void serve_conn(server *sv, int fd)
{
	vg_buf in;
	vg_buf_init(&in);
	char chunk[4096];
	for (;;) {
		char *end = in.data ? strstr(in.data, "\r\n\r\n") : NULL;
		if (end) {
			size_t hlen = (size_t)(end - in.data) + 4;
			size_t total = hlen + content_length(in.data);
			if (in.len >= total) {
				pthread_mutex_lock(&sv->lock);
				vg_buf_append(&sv->requests, in.data, total);
				vg_buf_puts(&sv->requests, "\n====\n");
				sv->nrequests++;
				pthread_mutex_unlock(&sv->lock);
				char resp[128];
				int n = snprintf(resp, sizeof(resp), "HTTP/1.1 %d X\r\nContent-Length: 4\r\n\r\npong", sv->status);
				if (sv->status) /* 0: a server that never answers (timeouts) */
					cr_assert_eq(write(fd, resp, (size_t)n), n);
				memmove(in.data, in.data + total, in.len - total);
				in.len -= total;
				in.data[in.len] = '\0';
				continue;
			}
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 100) == 0) {
			if (atomic_load(&sv->stop))
				break;
			continue;
		}
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r <= 0)
			break;
		vg_buf_append(&in, chunk, (size_t)r);
	}
	vg_buf_free(&in);
	close(fd);
}

static void *server_main(void *arg)
{
	server *sv = arg;
	while (!atomic_load(&sv->stop)) {
		struct pollfd p = { .fd = sv->lfd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept(sv->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&sv->lock);
		sv->nconnections++;
		pthread_mutex_unlock(&sv->lock);
		serve_conn(sv, fd);
	}
	return NULL;
}

static void server_start(server *sv, int status)
{
	memset(sv, 0, sizeof(*sv));
	sv->status = status;
	pthread_mutex_init(&sv->lock, NULL);
	vg_buf_init(&sv->requests);
	sv->lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	cr_assert_eq(bind(sv->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(sv->lfd, 8), 0);
	socklen_t len = sizeof(a);
	getsockname(sv->lfd, (struct sockaddr *)&a, &len);
	sv->port = ntohs(a.sin_port);
	pthread_create(&sv->thread, NULL, server_main, sv);
}

static void server_stop(server *sv)
{
	atomic_store(&sv->stop, true);
	pthread_join(sv->thread, NULL);
	close(sv->lfd);
	vg_buf_free(&sv->requests);
}

static vg_config cfg;
static vg_outputs *out;

static void http_config(int port, bool json, bool keep_alive)
{
	static char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/alerts", port);
	setenv("VIGIL_HOSTNAME", "node-1", 1);
	vg_config_defaults(&cfg);
	cfg.stdout_output.enabled = false;
	cfg.syslog_output.enabled = false;
	cfg.json_output = json;
	cfg.http_output.enabled = true;
	cfg.http_output.url = url;
	cfg.http_output.user_agent = "vigil-test/1.0";
	cfg.http_output.keep_alive = keep_alive;
	cr_assert_eq(vg_outputs_new(&cfg, &out, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_outputs_start(out, &err), VG_OK);
}

static void http_done(server *sv)
{
	vg_outputs_free(out);
	out = NULL;
	server_stop(sv);
	vg_config_free(&cfg);
}

static const vg_alert alert = {
	.ts = 1700000011726060287ull, .priority = 4, .rule = "R", .source = "syscall", .message = "hello \"world\"",
};

static void submit_and_stop(int n)
{
	for (int i = 0; i < n; i++)
		cr_assert(vg_outputs_submit(out, &alert));
	vg_outputs_flush_and_stop(out);
}

Test(sinks, http_json_post)
{
	server sv;
	server_start(&sv, 200);
	http_config(sv.port, true, false);
	submit_and_stop(1);
	vg_outputs_stats st;
	vg_outputs_stats_get(out, &st);
	cr_assert_eq(st.sinks[0].written, 1);
	cr_assert_eq(st.sinks[0].errors, 0);

	vg_buf want;
	vg_buf_init(&want);
	vg_outputs_format(out, &alert, &want);
	const char *req = sv.requests.data;
	cr_assert(strncmp(req, "POST /alerts HTTP/1.1\r\n", 23) == 0, "%s", req);
	cr_assert(strstr(req, "\r\nUser-Agent: vigil-test/1.0\r\n"), "%s", req);
	cr_assert(strstr(req, "\r\nContent-Type: application/json\r\n"), "%s", req);
	char *body = strstr(req, "\r\n\r\n") + 4;
	cr_assert_eq(strncmp(body, want.data, want.len), 0, "body %s", body);
	cr_assert_str_eq(body + want.len, "\n====\n");
	cr_assert_eq(content_length(req), want.len);
	vg_buf_free(&want);
	http_done(&sv);
}

Test(sinks, http_text_plain_and_connection_reuse)
{
	server sv;
	server_start(&sv, 200);
	http_config(sv.port, false, true);
	submit_and_stop(3);
	cr_assert_eq(sv.nrequests, 3);
	cr_assert_eq(sv.nconnections, 1, "keep_alive reuses one connection");
	cr_assert(strstr(sv.requests.data, "\r\nContent-Type: text/plain\r\n"), "%s", sv.requests.data);
	cr_assert(strstr(sv.requests.data, "\r\n\r\n22:13:31.726060287: Warning hello \"world\"\n====\n"), "%s",
		  sv.requests.data);
	http_done(&sv);
}

Test(sinks, http_without_keep_alive_uses_fresh_connections)
{
	server sv;
	server_start(&sv, 200);
	http_config(sv.port, true, false);
	submit_and_stop(3);
	cr_assert_eq(sv.nrequests, 3);
	cr_assert_eq(sv.nconnections, 3);
	http_done(&sv);
}

Test(sinks, http_errors_are_counted_not_fatal)
{
	server sv;
	server_start(&sv, 500);
	http_config(sv.port, true, true);
	submit_and_stop(2);
	vg_outputs_stats st;
	vg_outputs_stats_get(out, &st);
	cr_assert_eq(st.sinks[0].written, 0);
	cr_assert_eq(st.sinks[0].errors, 2);
	http_done(&sv);

	/* Nobody listening: connection refused, still only counted. */
	server_start(&sv, 200);
	int port = sv.port;
	server_stop(&sv);
	http_config(port, true, false);
	submit_and_stop(1);
	vg_outputs_stats_get(out, &st);
	cr_assert_eq(st.sinks[0].errors, 1);
	vg_outputs_free(out);
	vg_config_free(&cfg);
}

Test(sinks, http_gzip_uploads)
{
	server sv;
	server_start(&sv, 200);
	http_config(sv.port, true, false);
	vg_outputs_free(out);
	cfg.http_output.compress_uploads = true;
	cr_assert_eq(vg_outputs_new(&cfg, &out, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_outputs_start(out, &err), VG_OK);
	submit_and_stop(1);
	const char *req = sv.requests.data;
	cr_assert(strstr(req, "\r\nContent-Encoding: gzip\r\n"), "%s", req);
	const unsigned char *body = (const unsigned char *)strstr(req, "\r\n\r\n") + 4;
	size_t blen = content_length(req);
	char plain[1024];
	z_stream z = { .next_in = (Bytef *)body, .avail_in = (uInt)blen, .next_out = (Bytef *)plain,
		       .avail_out = sizeof(plain) - 1 };
	cr_assert_eq(inflateInit2(&z, 15 + 16), Z_OK);
	cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
	plain[z.total_out] = '\0';
	inflateEnd(&z);
	vg_buf want;
	vg_buf_init(&want);
	vg_outputs_format(out, &alert, &want);
	cr_assert_str_eq(plain, want.data);
	vg_buf_free(&want);
	http_done(&sv);
}

Test(sinks, http_echo_copies_the_response)
{
	server sv;
	server_start(&sv, 200);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", sv.port);
	FILE *echo = fopen(path, "w+");
	vg_sink_http_opts o = { .url = url, .echo = true, .echo_to = echo };
	vg_sink *s = vg_sink_http_new(&o, &err);
	cr_assert_not_null(s, "%s", err.msg);
	write_line(s, "x", 4);
	s->ops->destroy(s);
	fclose(echo);
	assert_file(path, "pong");
	server_stop(&sv);
}

Test(sinks, http_timeouts_retry_then_fail)
{
	server sv;
	server_start(&sv, 0);
	char url[64];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", sv.port);
	vg_sink_http_opts o = { .url = url, .timeout_ms = 200, .max_consecutive_timeouts = 2, .keep_alive = false };
	vg_sink *s = vg_sink_http_new(&o, &err);
	cr_assert_not_null(s, "%s", err.msg);
	cr_assert_eq(s->ops->write(s, "x", 1, 4, &err), VG_ERR_TIMEOUT);
	cr_assert(strstr(err.msg, "Timeout"), "%s", err.msg);
	s->ops->destroy(s);
	atomic_store(&sv.stop, true);
	pthread_join(sv.thread, NULL);
	cr_assert_eq(sv.nrequests, 3, "one try plus max_consecutive_timeouts retries");
	close(sv.lfd);
	vg_buf_free(&sv.requests);
}

Test(sinks, http_needs_a_url)
{
	vg_sink_http_opts o = { .url = "" };
	cr_assert_null(vg_sink_http_new(&o, &err));
	cr_assert_str_eq(err.msg, "http output: no url");
}

/* Runs the output thread with a kept-open file sink (stdio-buffered) and reports whether an
 * alert reached the file wait_ms after it was submitted, with no further alerts arriving. */
static bool alert_visible_after(bool buffered, int wait_ms)
{
	vg_config c;
	vg_config_defaults(&c);
	c.stdout_output.enabled = false;
	c.file_output.enabled = true;
	c.file_output.keep_alive = true;
	c.file_output.filename = path;
	c.buffered_outputs = buffered;
	vg_outputs *o;
	cr_assert_eq(vg_outputs_new(&c, &o, &err), VG_OK, "%s", err.msg);
	cr_assert_eq(vg_outputs_start(o, &err), VG_OK, "%s", err.msg);
	/* A first alert starts the once-a-second flush clock; the second one is the probe. */
	vg_alert warm = { .ts = 1, .priority = 4, .rule = "r", .source = "syscall", .message = "warm up" };
	cr_assert(vg_outputs_submit(o, &warm));
	struct timespec gap = { 0, 100 * 1000000L };
	nanosleep(&gap, NULL);
	vg_alert a = { .ts = 2, .priority = 4, .rule = "r", .source = "syscall", .message = "flush me" };
	cr_assert(vg_outputs_submit(o, &a));
	struct timespec ts = { wait_ms / 1000, (wait_ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	char *got = slurp(path);
	bool visible = strstr(got, "flush me") != NULL;
	free(got);
	vg_outputs_free(o);
	vg_config_free(&c);
	return visible;
}

Test(sinks, unbuffered_alert_is_written_as_soon_as_the_queue_drains)
{
	cr_assert(alert_visible_after(false, 200));
}

Test(sinks, buffered_alert_is_held_briefly_then_flushed_without_new_alerts)
{
	cr_assert_not(alert_visible_after(true, 200), "buffered output holds the line in the sink buffer");
	unlink(path);
	cr_assert(alert_visible_after(true, 2500), "but never longer than about a second");
}
