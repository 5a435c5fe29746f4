/* The audit webhook: real HTTP(S) requests with libcurl against plugin_open's server. */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tplugin.h"

static tplugin P;

typedef struct resp {
	char body[2048];
	size_t len;
	char allow[64];
} resp;

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	resp *r = ud;
	size_t k = size * n;
	size_t room = sizeof(r->body) - 1 - r->len;
	size_t c = k < room ? k : room;
	memcpy(r->body + r->len, data, c);
	r->len += c;
	r->body[r->len] = '\0';
	return k;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	resp *r = ud;
	size_t k = size * n;
	if (k > 6 && strncasecmp(data, "Allow:", 6) == 0)
		snprintf(r->allow, sizeof(r->allow), "%.*s", (int)(k - 6), data + 6);
	return k;
}

/* Sends one request; returns the HTTP status (0 on transport error). cafile: https trust. */
static long request(const char *url, const char *method, const char *ctype, const char *body,
		    size_t len, const char *cafile, resp *r)
{
	CURL *c = curl_easy_init();
	cr_assert_not_null(c);
	memset(r, 0, sizeof(*r));
	struct curl_slist *h = NULL;
	if (ctype) {
		char hdr[256];
		snprintf(hdr, sizeof(hdr), "Content-Type: %s", ctype);
		h = curl_slist_append(h, hdr);
	}
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (cafile)
		curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
	long status = 0;
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	else
		snprintf(r->body, sizeof(r->body), "curl: %s", curl_easy_strerror(rc));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static long post_json(const char *url, const char *body, resp *r)
{
	return request(url, "POST", "application/json", body, strlen(body), NULL, r);
}

/* Opens the webhook on a free port and returns the URL it listens on. */
static ss_instance_t *open_webhook(tplugin *p, const char *scheme, char *url, size_t urllen)
{
	char params[128];
	snprintf(params, sizeof(params), "%s://127.0.0.1:0/k8s-audit", scheme);
	tplugin_log_clear();
	ss_plugin_rc rc;
	ss_instance_t *h = p->open(p->state, params, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "open %s: %s", params, p->get_last_error(p->state));
	char pat[64];
	snprintf(pat, sizeof(pat), "listening on %s://127.0.0.1:", scheme);
	const char *at = strstr(tplugin_log(), pat);
	cr_assert_not_null(at, "no listening line in log: %s", tplugin_log());
	unsigned port = (unsigned)atoi(at + strlen(pat));
	cr_assert_gt(port, 0);
	snprintf(url, urllen, "%s://127.0.0.1:%u/k8s-audit", scheme, port);
	return h;
}

/* Drains up to max events (waiting up to ~3 s in total); returns copies of their payloads. */
static size_t drain(tplugin *p, ss_instance_t *h, size_t max, char **payloads, uint64_t *ts)
{
	size_t got = 0;
	for (int idle = 0; got < max && idle < 60;) {
		uint32_t n = 0;
		ss_plugin_event **evts = NULL;
		ss_plugin_rc rc = p->next_batch(p->state, h, &n, &evts);
		if (rc == SS_PLUGIN_TIMEOUT) {
			cr_assert_eq(n, 0);
			idle++;
			continue;
		}
		cr_assert_eq(rc, SS_PLUGIN_SUCCESS);
		cr_assert_gt(n, 0, "SUCCESS with no events");
		for (uint32_t i = 0; i < n; i++, got++) {
			const ss_plugin_event *e = evts[i];
			cr_assert_eq(e->type, 322);
			cr_assert_eq(e->nparams, 2);
			uint32_t lens[3];
			memcpy(lens, (const char *)e + 26, sizeof(lens));
			cr_assert_eq(lens[0], 4);
			cr_assert_eq(lens[2], 1, "plugin id");
			cr_assert_eq(e->len, 38 + lens[1]);
			if (got < max && payloads)
				payloads[got] = strndup((const char *)e + 38, lens[1]);
			if (got < max && ts)
				ts[got] = e->ts;
		}
	}
	return got;
}

static void free_all(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

#define EVENT(user, ts)                                                                        \
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","             \
	"\"auditID\":\"id-" user "\",\"stage\":\"ResponseComplete\",\"verb\":\"get\","                \
	"\"requestURI\":\"/api/v1/namespaces/default/secrets/db\",\"user\":{\"username\":\"" user "\"}," \
	"\"objectRef\":{\"resource\":\"secrets\",\"namespace\":\"default\",\"name\":\"db\"},"         \
	"\"responseStatus\":{\"code\":200},\"stageTimestamp\":\"" ts "\"}"

static void setup(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	tplugin_load(&P, "k8saudit", "{\"maxEventSize\":65536}");
}

static void teardown(void)
{
	tplugin_unload(&P);
	curl_global_cleanup();
}

TestSuite(k8saudit_webhook, .init = setup, .fini = teardown, .timeout = 120);

Test(k8saudit_webhook, eventlist_single_and_array)
{
	char url[128];
	ss_instance_t *h = open_webhook(&P, "http", url, sizeof(url));
	resp r;
	/* pretty-printed, as some clients send it */
	const char *list = "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"audit.k8s.io/v1\",\n"
			   "  \"metadata\": {},\n  \"items\": [\n    " EVENT("alice", "2024-05-01T10:00:00.123456789Z")
			   ",\n    " EVENT("bob", "2024-05-01T10:00:01Z") "\n  ]\n}\n";
	cr_assert_eq(post_json(url, list, &r), 200, "%s", r.body);
	cr_assert_eq(post_json(url, EVENT("carol", "2024-05-01T10:00:02.5Z"), &r), 200, "%s", r.body);
	cr_assert_eq(post_json(url, "[" EVENT("dave", "2024-05-01T10:00:03Z") "," EVENT("erin", "2024-05-01T10:00:04Z") "]", &r), 200, "%s", r.body);
	char *p[5];
	uint64_t ts[5];
	cr_assert_eq(drain(&P, h, 5, p, ts), 5);
	cr_expect_str_eq(p[0], EVENT("alice", "2024-05-01T10:00:00.123456789Z"), "re-serialized compactly");
	cr_expect_eq(ts[0], 1714557600123456789ull);
	cr_expect_eq(ts[1], 1714557601000000000ull);
	cr_expect_eq(ts[2], 1714557602500000000ull);
	cr_expect(strstr(p[3], "\"dave\"") && strstr(p[4], "\"erin\""));
	free_all(p, 5);
	P.close(P.state, h);
}

Test(k8saudit_webhook, events_are_extractable_and_printable)
{
	char url[128];
	ss_instance_t *h = open_webhook(&P, "http", url, sizeof(url));
	resp r;
	cr_assert_eq(post_json(url, EVENT("zoe", "2024-05-01T10:00:00Z"), &r), 200);
	uint32_t n = 0;
	ss_plugin_event **evts = NULL;
	ss_plugin_rc rc;
	for (int i = 0; i < 40 && (rc = P.next_batch(P.state, h, &n, &evts)) == SS_PLUGIN_TIMEOUT; i++) {
	}
	cr_assert_eq(n, 1);
	cr_expect_str_eq(tplugin_extract1(&P, evts[0], 1, "ka.user.name", NULL), "zoe");
	cr_expect_str_eq(tplugin_extract1(&P, evts[0], 1, "ka.target.resource", NULL), "secrets");
	ss_plugin_event_input in = {.evt = evts[0], .evtnum = 1, .evtsrc = "k8s_audit"};
	cr_expect_str_eq(P.event_to_string(P.state, &in), EVENT("zoe", "2024-05-01T10:00:00Z"));
	P.close(P.state, h);
}

Test(k8saudit_webhook, refusals)
{
	char url[128];
	ss_instance_t *h = open_webhook(&P, "http", url, sizeof(url));
	resp r;
	cr_expect_eq(request(url, "GET", NULL, NULL, 0, NULL, &r), 405);
	cr_expect(strstr(r.body, "GET method not allowed") != NULL, "%s", r.body);
	cr_expect(strstr(r.allow, "POST") != NULL, "Allow: %s", r.allow);
	cr_expect_eq(request(url, "PUT", "application/json", "{}", 2, NULL, &r), 405);
	cr_expect_eq(request(url, "POST", "text/plain", EVENT("x", "2024-05-01T10:00:00Z"),
			     strlen(EVENT("x", "2024-05-01T10:00:00Z")), NULL, &r), 400);
	cr_expect(strstr(r.body, "wrong Content Type") != NULL, "%s", r.body);
	cr_expect_eq(request(url, "POST", NULL, "{}", 2, NULL, &r), 400);
	cr_expect_eq(request(url, "POST", "application/json; charset=utf-8",
			     EVENT("ok", "2024-05-01T10:00:00Z"), strlen(EVENT("ok", "2024-05-01T10:00:00Z")), NULL, &r), 200);
	char other[160];
	snprintf(other, sizeof(other), "%.*s/elsewhere", (int)(strrchr(url, '/') - url), url);
	cr_expect_eq(post_json(other, "{}", &r), 404);
	/* truncated JSON */
	tplugin_log_clear();
	cr_expect_eq(post_json(url, "{\"kind\":\"EventList\",\"items\":[{\"kind\":\"Ev", &r), 400);
	cr_expect(strstr(r.body, "malformed JSON") != NULL, "%s", r.body);
	cr_expect(strstr(tplugin_log(), "malformed JSON") != NULL, "log: %s", tplugin_log());
	cr_expect_eq(post_json(url, "{\"kind\":\"Pod\"}", &r), 400);
	cr_expect(strstr(r.body, "not recognized") != NULL, "%s", r.body);
	cr_expect_eq(post_json(url, "", &r), 400);
	cr_expect_eq(post_json(url, "{\"kind\":\"Event\",}", &r), 400);
	/* the server keeps working after all that */
	cr_expect_eq(post_json(url, EVENT("after", "2024-05-01T10:00:00Z"), &r), 200);
	char *p[2];
	cr_assert_eq(drain(&P, h, 2, p, NULL), 2);
	cr_expect(strstr(p[1], "\"after\"") != NULL);
	free_all(p, 2);
	cr_expect_geq(tplugin_metric(&P, "http_requests_rejected"), 8);
	cr_expect_geq(tplugin_metric(&P, "payloads_malformed"), 3);
	P.close(P.state, h);
}

Test(k8saudit_webhook, deep_nesting_and_invalid_utf8)
{
	char url[128];
	ss_instance_t *h = open_webhook(&P, "http", url, sizeof(url));
	resp r;
	size_t depth = 200000;
	char *deep = malloc(2 * depth + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	cr_expect_eq(post_json(url, deep, &r), 400);
	cr_expect(strstr(r.body, "nesting too deep") != NULL, "%s", r.body);
	free(deep);
	/* nesting inside an event within the limit is fine */
	const char *nested = "{\"kind\":\"Event\",\"auditID\":\"n\",\"stageTimestamp\":\"2024-05-01T10:00:00Z\","
			     "\"requestObject\":{\"a\":[[[[[[[[[[{\"b\":[[[[1]]]]}]]]]]]]]]]}}";
	cr_expect_eq(post_json(url, nested, &r), 200, "%s", r.body);
	const char bad_utf8[] = "{\"kind\":\"Event\",\"auditID\":\"u\",\"stageTimestamp\":\"2024-05-01T10:00:00Z\","
				"\"user\":{\"username\":\"ev\xff\xfeil\xc3\"},\"userAgent\":\"caf\xc3\xa9\"}";
	cr_expect_eq(post_json(url, bad_utf8, &r), 200, "%s", r.body);
	char *p[2];
	cr_assert_eq(drain(&P, h, 2, p, NULL), 2);
	cr_expect(strstr(p[1], "\"ev\xef\xbf\xbd\xef\xbf\xbdil\xef\xbf\xbd\"") != NULL,
		  "invalid bytes become U+FFFD: %s", p[1]);
	cr_expect(strstr(p[1], "caf\xc3\xa9") != NULL, "valid UTF-8 kept");
	free_all(p, 2);
	P.close(P.state, h);
}

/* Builds an EventList of n events whose total size is about n * pad bytes. */
static char *big_list(size_t n, size_t pad, size_t *len)
{
	size_t cap = 64 + n * (pad + 512);
	char *b = malloc(cap);
	size_t o = (size_t)sprintf(b, "{\"kind\":\"EventList\",\"items\":[");
	char *filler = malloc(pad + 1);
	memset(filler, 'x', pad);
	filler[pad] = '\0';
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(b + o, "%s{\"kind\":\"Event\",\"auditID\":\"%zu\",\"verb\":\"list\","
				     "\"stageTimestamp\":\"2024-05-01T10:00:00Z\",\"userAgent\":\"%s\"}",
				     i ? "," : "", i, filler);
	o += (size_t)sprintf(b + o, "]}");
	free(filler);
	*len = o;
	return b;
}

Test(k8saudit_webhook, ten_megabyte_body)
{
	char url[128];
	ss_instance_t *h = open_webhook(&P, "http", url, sizeof(url));
	size_t len, n = 10000;
	char *body = big_list(n, 1000, &len);
	cr_assert_gt(len, 10 * 1000 * 1000);
	resp r;
	cr_expect_eq(request(url, "POST", "application/json", body, len, NULL, &r), 200, "%s", r.body);
	free(body);
	cr_expect_eq(drain(&P, h, n, NULL, NULL), n);
	P.close(P.state, h);
}

Test(k8saudit_webhook, size_limits)
{
	tplugin small;
	tplugin_load(&small, "k8saudit", "{\"webhookMaxBatchSize\":4096,\"maxEventSize\":300}");
	char url[128];
	ss_instance_t *h = open_webhook(&small, "http", url, sizeof(url));
	size_t len;
	char *body = big_list(10, 500, &len);
	resp r;
	cr_expect_eq(request(url, "POST", "application/json", body, len, NULL, &r), 413);
	cr_expect(strstr(r.body, "webhookMaxBatchSize=4096") != NULL, "%s", r.body);
	free(body);
	/* one event over maxEventSize is dropped and counted, the others pass */
	body = big_list(3, 10, &len);
	char *big = big_list(1, 400, &len);
	char both[8192];
	snprintf(both, sizeof(both), "[%s,%s]", body, big);
	cr_expect_eq(post_json(url, both, &r), 200, "%s", r.body);
	cr_expect_eq(drain(&small, h, 3, NULL, NULL), 3);
	cr_expect_eq(tplugin_metric(&small, "events_dropped_too_large"), 1);
	cr_expect(strstr(tplugin_log(), "event larger than maxEventSize") != NULL);
	free(body);
	free(big);
	small.close(small.state, h);
	tplugin_unload(&small);
}

Test(k8saudit_webhook, full_queue_drops_are_counted)
{
	char url[128];
	ss_instance_t *h = open_webhook(&P, "http", url, sizeof(url));
	size_t len, n = 70000;
	char *body = big_list(n, 1, &len);
	resp r;
	cr_expect_eq(request(url, "POST", "application/json", body, len, NULL, &r), 200, "%s", r.body);
	cr_expect_eq(tplugin_metric(&P, "events_dropped_queue_full"), n - 65536);
	/* nothing fits any more: the whole payload is refused with a retryable status */
	cr_expect_eq(request(url, "POST", "application/json", body, len, NULL, &r), 503, "%s", r.body);
	free(body);
	cr_expect_eq(drain(&P, h, 65536, NULL, NULL), 65536);
	cr_expect_eq(post_json(url, EVENT("later", "2024-05-01T10:00:00Z"), &r), 200);
	cr_expect_eq(drain(&P, h, 1, NULL, NULL), 1);
	P.close(P.state, h);
}

Test(k8saudit_webhook, empty_queue_waits_then_times_out)
{
	char url[128];
	ss_instance_t *h = open_webhook(&P, "http", url, sizeof(url));
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	uint32_t n = 7;
	ss_plugin_event **evts;
	cr_expect_eq(P.next_batch(P.state, h, &n, &evts), SS_PLUGIN_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_expect_eq(n, 0);
	double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	cr_expect(ms >= 20 && ms < 1000, "waited %.1f ms", ms);
	P.close(P.state, h);
}

Test(k8saudit_webhook, bad_open_params)
{
	const char *bad[] = {"ftp://x/y", "http://127.0.0.1/k8s-audit", "http://127.0.0.1:99999/x",
			     "http://[::1/x", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ss_plugin_rc rc;
		cr_expect_null(P.open(P.state, bad[i], &rc), "%s", bad[i]);
		cr_expect_eq(rc, SS_PLUGIN_FAILURE);
	}
	ss_plugin_rc rc;
	P.open(P.state, "ftp://x/y", &rc);
	cr_expect(strstr(P.get_last_error(P.state), "scheme \"ftp\" is not supported") != NULL, "%s",
		  P.get_last_error(P.state));
}

/* ---- https ---- */

static char tmpdir[256];

static void make_cert(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/k8sa-tls-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	char cmd[2048];
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
		 "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout %s/key.pem -out %s/cert.pem "
		 ">/dev/null 2>&1 && cat %s/cert.pem %s/key.pem > %s/both.pem",
		 tmpdir, tmpdir, tmpdir, tmpdir, tmpdir);
	cr_assert_eq(system(cmd), 0, "openssl failed");
}

static void drop_cert(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

static void https_roundtrip(const char *config)
{
	tplugin t;
	tplugin_load(&t, "k8saudit", config);
	char url[128];
	ss_instance_t *h = open_webhook(&t, "https", url, sizeof(url));
	char ca[300];
	snprintf(ca, sizeof(ca), "%s/cert.pem", tmpdir);
	resp r;
	const char *ev = EVENT("tls", "2024-05-01T10:00:00Z");
	cr_expect_eq(request(url, "POST", "application/json", ev, strlen(ev), ca, &r), 200, "%s", r.body);
	char *p[1];
	cr_assert_eq(drain(&t, h, 1, p, NULL), 1);
	cr_expect_str_eq(p[0], ev);
	free(p[0]);
	/* plain http to the TLS port does not get in */
	char plain[160];
	snprintf(plain, sizeof(plain), "http%s", url + 5);
	cr_expect_neq(post_json(plain, ev, &r), 200);
	t.close(t.state, h);
	tplugin_unload(&t);
	drop_cert();
}

Test(k8saudit_webhook, https_separate_cert_and_key)
{
	make_cert();
	char cfg[700];
	snprintf(cfg, sizeof(cfg), "{\"sslCertificate\":\"%s/cert.pem\",\"sslKey\":\"%s/key.pem\"}",
		 tmpdir, tmpdir);
	https_roundtrip(cfg);
}

Test(k8saudit_webhook, https_single_pem)
{
	make_cert();
	char cfg[400];
	snprintf(cfg, sizeof(cfg), "{\"sslCertificate\":\"%s/both.pem\"}", tmpdir);
	https_roundtrip(cfg);
}

Test(k8saudit_webhook, https_without_key_is_refused)
{
	make_cert();
	char cfg[400];
	snprintf(cfg, sizeof(cfg), "{\"sslCertificate\":\"%s/cert.pem\"}", tmpdir);
	tplugin t;
	tplugin_load(&t, "k8saudit", cfg);
	ss_plugin_rc rc;
	cr_expect_null(t.open(t.state, "https://127.0.0.1:0/k8s-audit", &rc));
	cr_expect(strstr(t.get_last_error(t.state), "no PEM private key") != NULL, "%s",
		  t.get_last_error(t.state));
	tplugin_unload(&t);
	drop_cert();
}

Test(k8saudit_webhook, all_interfaces)
{
	tplugin_log_clear();
	ss_plugin_rc rc;
	ss_instance_t *h = P.open(P.state, "http://:0/audit", &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", P.get_last_error(P.state));
	const char *at = strstr(tplugin_log(), "listening on http://:");
	cr_assert_not_null(at, "%s", tplugin_log());
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/audit", atoi(at + strlen("listening on http://:")));
	resp r;
	cr_expect_eq(post_json(url, EVENT("any", "2024-05-01T10:00:00Z"), &r), 200, "%s", r.body);
	cr_expect_eq(drain(&P, h, 1, NULL, NULL), 1);
	P.close(P.state, h);
}

/* Sends a chunked POST of body (in 1000-byte chunks) over a raw socket; returns the status. */
static int post_chunked(const char *url, const char *body, size_t len)
{
	int port = atoi(strrchr(url, ':') + 1);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	const char *hdr = "POST /k8s-audit HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
			  "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
	cr_assert_eq(write(fd, hdr, strlen(hdr)), (ssize_t)strlen(hdr));
	for (size_t o = 0; o < len;) {
		size_t n = len - o < 1000 ? len - o : 1000;
		char size[32];
		int k = snprintf(size, sizeof(size), "%zx\r\n", n);
		if (write(fd, size, (size_t)k) != k || write(fd, body + o, n) != (ssize_t)n ||
		    write(fd, "\r\n", 2) != 2)
			break; /* the server may answer and close early */
		o += n;
	}
	if (write(fd, "0\r\n\r\n", 5) != 5) {
		/* ignored: the response may already be there */
	}
	char buf[512] = "";
	ssize_t got = 0, n;
	while (got < (ssize_t)sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	int status = 0;
	sscanf(buf, "HTTP/1.%*d %d", &status);
	return status;
}

Test(k8saudit_webhook, chunked_bodies)
{
	tplugin small;
	tplugin_load(&small, "k8saudit", "{\"webhookMaxBatchSize\":4096}");
	char url[128];
	ss_instance_t *h = open_webhook(&small, "http", url, sizeof(url));
	size_t len;
	char *body = big_list(3, 200, &len);
	cr_expect_eq(post_chunked(url, body, len), 200);
	cr_expect_eq(drain(&small, h, 3, NULL, NULL), 3);
	free(body);
	body = big_list(20, 500, &len);
	cr_expect_eq(post_chunked(url, body, len), 413);
	free(body);
	small.close(small.state, h);
	tplugin_unload(&small);
}

typedef struct drainer {
	ss_instance_t *h;
	size_t want;
	size_t got;
} drainer;

static void *drain_slowly(void *arg)
{
	drainer *d = arg;
	while (d->got < d->want) {
		uint32_t n = 0;
		ss_plugin_event **evts;
		ss_plugin_rc rc = P.next_batch(P.state, d->h, &n, &evts);
		if (rc == SS_PLUGIN_SUCCESS)
			d->got += n;
		usleep(20000); /* ~25K events/s: slower than the HTTP side */
	}
	return NULL;
}

/* A consumer slower than the producer makes the HTTP request wait instead of losing events. */
Test(k8saudit_webhook, slow_consumer_applies_backpressure)
{
	char url[128];
	ss_instance_t *h = open_webhook(&P, "http", url, sizeof(url));
	size_t len, n = 70000;
	char *body = big_list(n, 1, &len);
	drainer d = {h, n, 0};
	pthread_t th;
	pthread_create(&th, NULL, drain_slowly, &d);
	resp r;
	cr_expect_eq(request(url, "POST", "application/json", body, len, NULL, &r), 200, "%s", r.body);
	pthread_join(th, NULL);
	cr_expect_eq(d.got, n);
	cr_expect_eq(tplugin_metric(&P, "events_dropped_queue_full"), 0);
	free(body);
	P.close(P.state, h);
}
