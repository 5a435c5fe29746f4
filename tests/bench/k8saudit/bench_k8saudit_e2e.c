/* End-to-end k8s audit benchmark: vigil with the k8saudit and json plugins and
 * rulesets/k8s_audit_rules.yaml; a client posts EventLists of secret reads (each raises
 * "K8s Secret Read", so every event costs a full alert). Two phases on one vigil process:
 *   saturation: 200 x 500 events as fast as possible; events/s from the first POST to the last
 *               alert (latency there is mostly queueing, also printed);
 *   paced:      100-event EventLists every 10 ms (10K events/s), alert latency p50/p99;
 *   quiet:      200 x 500 events that match no rule (a service account listing pods), the last
 *               one a secret read: vigil has one source thread and a FIFO queue, so that marker's
 *               alert means every earlier event went through the whole ruleset. This is the
 *               common case in a real cluster, where most audit events raise nothing.
 * Latency = alert read on vigil's stdout minus the event's stageTimestamp (set at POST).
 * Usage: bench_k8saudit_e2e [VIGIL_BIN] (default $VIGIL_BIN or <build>/vigil). */
#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct phase {
	const char *name;
	size_t bodies;
	size_t per_body;
	useconds_t pace_us; /* pause between POSTs, 0 = none */
	bool quiet;         /* benign events; only the very last one raises an alert */
} phase;

static const phase PHASES[] = {{"saturation", 200, 500, 0, false},
			       {"paced 10K events/s", 100, 100, 10000, false},
			       {"quiet saturation", 200, 500, 0, true}};
static const phase *cur;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void rfc3339(uint64_t ns, char *out, size_t n)
{
	time_t s = (time_t)(ns / 1000000000ull);
	struct tm tm;
	gmtime_r(&s, &tm);
	size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + k, n - k, ".%09lluZ", (unsigned long long)(ns % 1000000000ull));
}

/* A service account listing pods in its namespace: matched by no rule of the ruleset. */
static size_t benign_event(char *b, size_t seq, size_t i, const char *ts)
{
	return (size_t)sprintf(b,
		"%s{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","
		"\"auditID\":\"quiet-%zu-%zu\",\"stage\":\"ResponseComplete\","
		"\"requestURI\":\"/api/v1/namespaces/prod/pods\",\"verb\":\"list\","
		"\"user\":{\"username\":\"system:serviceaccount:prod:web\",\"groups\":[\"system:serviceaccounts\"]},"
		"\"sourceIPs\":[\"10.0.0.7\"],\"userAgent\":\"web/1.0\","
		"\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"prod\",\"apiVersion\":\"v1\"},"
		"\"responseStatus\":{\"metadata\":{},\"code\":200},\"stageTimestamp\":\"%s\","
		"\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC\"}}",
		i ? "," : "", seq, i, ts);
}

static char *body(size_t seq, size_t per_body, size_t *len)
{
	char *b = malloc(64 + per_body * 700);
	size_t o = (size_t)sprintf(b, "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[");
	for (size_t i = 0; i < per_body; i++) {
		char ts[48];
		rfc3339(now_ns(), ts, sizeof(ts));
		bool marker = seq + 1 == cur->bodies && i + 1 == per_body;
		if (cur->quiet && !marker) {
			o += benign_event(b + o, seq, i, ts);
			continue;
		}
		o += (size_t)sprintf(b + o,
			"%s{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\","
			"\"auditID\":\"bench-%zu-%zu\",\"stage\":\"ResponseComplete\","
			"\"requestURI\":\"/api/v1/namespaces/prod/secrets/db-%zu\",\"verb\":\"get\","
			"\"user\":{\"username\":\"mallory\",\"groups\":[\"system:authenticated\"]},"
			"\"sourceIPs\":[\"203.0.113.9\"],\"userAgent\":\"curl/8.5.0\","
			"\"objectRef\":{\"resource\":\"secrets\",\"namespace\":\"prod\",\"name\":\"db-%zu\",\"apiVersion\":\"v1\"},"
			"\"responseStatus\":{\"metadata\":{},\"code\":200},\"stageTimestamp\":\"%s\","
			"\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC\"}}",
			i ? "," : "", seq, i, i, i, ts);
	}
	o += (size_t)sprintf(b + o, "]}");
	*len = o;
	return b;
}

static char url[128];

static size_t discard(char *d, size_t s, size_t n, void *u)
{
	(void)d;
	(void)u;
	return s * n;
}

static void *client(void *arg)
{
	(void)arg;
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	for (size_t i = 0; i < cur->bodies; i++) {
		size_t len;
		char *b = body(i, cur->per_body, &len);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, b);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		long code = 0;
		while (curl_easy_perform(c) != CURLE_OK ||
		       (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code), code == 503))
			usleep(10000); /* not up yet, or queue full: retry like the API server */
		free(b);
		if (cur->pace_us)
			usleep(cur->pace_us);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Posts one phase and reads its alerts from vigil's stdout. */
static void run_phase(const phase *p, FILE *out)
{
	size_t total = p->quiet ? 1 : p->bodies * p->per_body, n = 0;
	uint64_t *lat = calloc(total, sizeof(*lat));
	cur = p;
	uint64_t t0 = now_ns();
	pthread_t th;
	pthread_create(&th, NULL, client, NULL);
	char *line = NULL;
	size_t cap = 0;
	while (n < total && getline(&line, &cap, out) > 0) {
		const char *t = strstr(line, "\"evt.time\":");
		if (!t || !strstr(line, "\"rule\":\"K8s Secret Read\""))
			continue;
		uint64_t evt = strtoull(t + strlen("\"evt.time\":"), NULL, 10);
		uint64_t now = now_ns();
		lat[n++] = now > evt ? now - evt : 0;
	}
	uint64_t t1 = now_ns();
	pthread_join(th, NULL);
	free(line);
	if (n == 0) {
		printf("k8saudit e2e %s: no alerts received\n", p->name);
		free(lat);
		return;
	}
	qsort(lat, n, sizeof(*lat), cmp_u64);
	double secs = (double)(t1 - t0) / 1e9;
	if (p->quiet) {
		size_t events = p->bodies * p->per_body;
		printf("k8saudit e2e %s (webhook + k8s_audit_rules.yaml, no alerts but the last): %zu events in "
		       "%.2f s = %.0f events/s, %.0f ns/event\n",
		       p->name, events, secs, (double)events / secs, secs * 1e9 / (double)events);
		free(lat);
		return;
	}
	printf("k8saudit e2e %s (webhook + k8s_audit_rules.yaml, one alert per event): %zu events in "
	       "%.2f s = %.0f events/s, %.0f ns/event; alert latency p50 %.2f ms, p99 %.2f ms\n",
	       p->name, n, secs, (double)n / secs, secs * 1e9 / (double)n, (double)lat[n / 2] / 1e6,
	       (double)lat[(n * 99) / 100] / 1e6);
	free(lat);
}

int main(int argc, char **argv)
{
	const char *bin = argc > 1 ? argv[1] : getenv("VIGIL_BIN");
	const char *src = getenv("VIGIL_SOURCE_DIR") ? getenv("VIGIL_SOURCE_DIR") : VIGIL_SOURCE_DIR_DEFAULT;
	const char *build = getenv("VIGIL_BUILD_DIR") ? getenv("VIGIL_BUILD_DIR") : VIGIL_BUILD_DIR_DEFAULT;
	char binbuf[4096];
	if (!bin) {
		snprintf(binbuf, sizeof(binbuf), "%s/vigil", build);
		bin = binbuf;
	}
	if (access(bin, X_OK) != 0) {
		printf("k8saudit e2e bench: skipped, no vigil binary at %s\n", bin);
		return 0;
	}
	int port = 20000 + (int)(getpid() % 20000);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/k8s-audit", port);
	char cfg[] = "/tmp/vigil-k8s-bench-XXXXXX";
	int fd = mkstemp(cfg);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "engine:\n  kind: nodriver\nplugins:\n  - name: k8saudit\n    library_path: %s/plugins/libk8saudit.so\n"
		"    open_params: \"%s\"\n  - name: json\n    library_path: %s/plugins/libjson.so\n"
		"load_plugins: [k8saudit, json]\nrules_files: [%s/rulesets/k8s_audit_rules.yaml]\n"
		"json_output: true\nstdout_output:\n  enabled: true\n",
		build, url, build, src);
	fclose(f);
	int pipefd[2];
	if (pipe(pipefd) != 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execl(bin, bin, "-c", cfg, "-U", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	curl_global_init(CURL_GLOBAL_ALL);
	FILE *out = fdopen(pipefd[0], "r");
	for (size_t ph = 0; ph < sizeof(PHASES) / sizeof(PHASES[0]); ph++)
		run_phase(&PHASES[ph], out);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(cfg);
	fclose(out);
	curl_global_cleanup();
	return 0;
}
