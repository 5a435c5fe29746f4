/* k8saudit throughput: payload parsing (EventList bodies to queued events), field extraction
 * with a rule-like field mix, and the webhook end to end (libcurl POSTs of 500-event EventLists,
 * next_batch draining on this thread). Prints events/s and ns/event. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "k8sa_fields.h"
#include "k8sa_log.h"
#include "k8sa_payload.h"
#include "k8sa_queue.h"
#include "k8sa_webhook.h"

#define EVENTS_PER_BODY 500

static const char EVENT_FMT[] =
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\","
	"\"auditID\":\"6c1f3d2e-0b9a-4c55-9d0e-%08zx\",\"stage\":\"ResponseComplete\","
	"\"requestURI\":\"/api/v1/namespaces/default/pods\",\"verb\":\"create\","
	"\"user\":{\"username\":\"alice\",\"groups\":[\"dev\",\"system:authenticated\"]},"
	"\"sourceIPs\":[\"10.0.0.7\"],\"userAgent\":\"kubectl/v1.30.1\","
	"\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"name\":\"web\",\"apiVersion\":\"v1\"},"
	"\"responseStatus\":{\"metadata\":{},\"code\":201},"
	"\"requestObject\":{\"kind\":\"Pod\",\"spec\":{\"hostNetwork\":true,\"volumes\":[{\"name\":\"d\","
	"\"hostPath\":{\"path\":\"/var/run/docker.sock\"}}],\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\","
	"\"securityContext\":{\"privileged\":true}}]}},"
	"\"responseObject\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"}},"
	"\"requestReceivedTimestamp\":\"2024-05-01T10:00:00.000000Z\",\"stageTimestamp\":\"2024-05-01T10:00:00.012345Z\","
	"\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed\"}}";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *event_list(size_t n, size_t *len)
{
	char *b = malloc(64 + n * (sizeof(EVENT_FMT) + 16));
	size_t o = (size_t)sprintf(b, "{\"kind\":\"EventList\",\"items\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			b[o++] = ',';
		o += (size_t)sprintf(b + o, EVENT_FMT, i);
	}
	o += (size_t)sprintf(b + o, "]}");
	*len = o;
	return b;
}

static void bench_parse(const char *body, size_t len, k8sa_evt **keep, size_t *nkeep)
{
	k8sa_queue q;
	k8sa_stats st = {0};
	k8sa_log log;
	k8sa_log_init(&log, NULL, NULL);
	k8sa_queue_init(&q, 1 << 20, (size_t)1 << 34);
	k8sa_parser p;
	k8sa_parser_init(&p, 1 << 20, false, &q, &st, &log, "bench");
	int rounds = 200;
	double t0 = now_s();
	for (int r = 0; r < rounds; r++) {
		k8sa_payload_report rep;
		k8sa_payload_parse(&p, body, len, &rep);
		k8sa_evt *evts[EVENTS_PER_BODY];
		size_t n = k8sa_queue_pop(&q, evts, EVENTS_PER_BODY, 0);
		for (size_t i = 0; i < n; i++) {
			if (r == 0)
				keep[(*nkeep)++] = evts[i];
			else
				free(evts[i]);
		}
	}
	double dt = now_s() - t0;
	double n = (double)rounds * EVENTS_PER_BODY;
	printf("k8saudit payload parse: %.0f events/s, %.0f ns/event (%zu-byte EventLists of %d)\n",
	       n / dt, dt * 1e9 / n, len, EVENTS_PER_BODY);
	k8sa_parser_free(&p);
	k8sa_queue_destroy(&q);
}

/* Fields a typical ruleset reads per event, one host call each (as libsinsp does). */
static const char *const MIX[] = {"ka.stage", "ka.verb", "ka.target.resource", "ka.target.subresource",
				  "ka.user.name", "ka.response.code", "ka.target.namespace", "ka.target.name",
				  "ka.req.pod.containers.privileged", "ka.req.pod.host_network",
				  "ka.req.pod.volumes.hostpath", "ka.req.pod.containers.image.repository",
				  "ka.auth.decision", "ka.uri"};

static uint32_t field_id(const char *name)
{
	const char *s = k8sa_fields_json();
	char pat[128];
	snprintf(pat, sizeof(pat), "\"name\":\"%s\"", name);
	uint32_t id = 0;
	for (const char *q = strstr(s, "\"name\":\""); q; q = strstr(q + 1, "\"name\":\""), id++) {
		if (strncmp(q, pat, strlen(pat)) == 0)
			return id;
	}
	abort();
}

static void bench_extract(k8sa_evt **evts, size_t n)
{
	size_t nf = sizeof(MIX) / sizeof(MIX[0]);
	uint32_t ids[sizeof(MIX) / sizeof(MIX[0])];
	for (size_t i = 0; i < nf; i++)
		ids[i] = field_id(MIX[i]);
	k8sa_extractor x;
	k8sa_extractor_init(&x);
	char err[256];
	int rounds = 200;
	uint64_t evtnum = 0;
	double t0 = now_s();
	for (int r = 0; r < rounds; r++) {
		for (size_t e = 0; e < n; e++) {
			ss_plugin_event_input ev = {.evt = k8sa_evt_hdr(evts[e]), .evtnum = ++evtnum,
						    .evtsrc = "k8s_audit"};
			for (size_t f = 0; f < nf; f++) {
				ss_plugin_extract_field fld = {.field_id = ids[f], .arg_index = UINT64_MAX};
				ss_plugin_field_extract_input in = {.num_fields = 1, .fields = &fld};
				k8sa_extract(&x, &ev, &in, err, sizeof(err));
			}
		}
	}
	double dt = now_s() - t0;
	double total = (double)rounds * (double)n;
	printf("k8saudit extraction (%zu fields, one call each): %.0f events/s, %.0f ns/event\n", nf,
	       total / dt, dt * 1e9 / total);
	k8sa_extractor_free(&x);
}

typedef struct poster {
	const char *url;
	const char *body;
	size_t len;
	int posts;
} poster;

static void *post_loop(void *arg)
{
	poster *p = arg;
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)p->len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fwrite);
	FILE *devnull = fopen("/dev/null", "w");
	curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
	for (int i = 0; i < p->posts; i++) {
		long code = 0;
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code == 503)
			i--; /* queue full: back off like the API server would */
	}
	fclose(devnull);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return NULL;
}

static void bench_webhook(const char *body, size_t len)
{
	k8sa_queue q;
	k8sa_stats st = {0};
	k8sa_log log;
	k8sa_log_init(&log, NULL, NULL);
	k8sa_queue_init(&q, 65536, 64u << 20);
	k8sa_webhook_cfg cfg = {.max_body = 12u << 20, .max_event_size = 1u << 18, .queue = &q,
				.stats = &st, .log = &log};
	char err[256];
	k8sa_url_parse("http://127.0.0.1:0/k8s-audit", &cfg.url, err, sizeof(err));
	k8sa_webhook *w = k8sa_webhook_start(&cfg, err, sizeof(err));
	if (!w) {
		printf("webhook: %s\n", err);
		return;
	}
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/k8s-audit", k8sa_webhook_port(w));
	poster p = {url, body, len, 100};
	size_t want = (size_t)p.posts * EVENTS_PER_BODY, got = 0;
	double t0 = now_s();
	pthread_t th;
	pthread_create(&th, NULL, post_loop, &p);
	k8sa_evt *evts[512];
	while (got < want) {
		size_t n = k8sa_queue_pop(&q, evts, 512, 50);
		for (size_t i = 0; i < n; i++)
			free(evts[i]);
		got += n;
	}
	double dt = now_s() - t0;
	pthread_join(th, NULL);
	printf("k8saudit webhook (HTTP POST to next_batch drain): %.0f events/s, %.0f ns/event\n",
	       (double)got / dt, dt * 1e9 / (double)got);
	k8sa_webhook_stop(w);
	k8sa_queue_destroy(&q);
}

int main(void)
{
	size_t len;
	char *body = event_list(EVENTS_PER_BODY, &len);
	k8sa_evt *keep[EVENTS_PER_BODY];
	size_t nkeep = 0;
	bench_parse(body, len, keep, &nkeep);
	bench_extract(keep, nkeep);
	for (size_t i = 0; i < nkeep; i++)
		free(keep[i]);
	curl_global_init(CURL_GLOBAL_ALL);
	bench_webhook(body, len);
	curl_global_cleanup();
	free(body);
	return 0;
}
