#include "k8sa_webhook.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "k8sa_payload.h"

#define K8SA_HTTP_THREADS 2
#define K8SA_HTTP_IDLE_TIMEOUT_S 30
/* Request bodies buffered at once, all connections together, are bounded by this many maximal
 * bodies (and at least K8SA_INFLIGHT_MIN bytes): beyond it uploads get 503 and are retried. */
#define K8SA_INFLIGHT_BODIES 4
#define K8SA_INFLIGHT_MIN (64u * 1024 * 1024)
/* Certificates and keys are small; a bigger file is a configuration mistake. */
#define K8SA_PEM_MAX (1024 * 1024)

struct k8sa_webhook {
	struct MHD_Daemon *daemon;
	k8sa_webhook_cfg cfg;   /* cert/key pointers are not used after start */
	char *cert_pem;         /* owned, kept for the daemon's lifetime */
	char *key_pem;          /* owned */
	uint16_t port;
	_Atomic size_t inflight;    /* body bytes reserved by requests being received */
	size_t inflight_cap;
	char origin[1400];      /* "webhook http://host:port/path" for log lines */
};

/* One request being received. */
typedef struct k8sa_req {
	unsigned status;  /* non-zero once a response was queued */
	char *body;       /* owned */
	size_t len;
	size_t cap;
	size_t reserved;  /* bytes counted in the webhook's inflight total */
	bool too_large;
	bool busy;        /* the inflight total had no room for this body */
} k8sa_req;

/* ---- open params ---- */

static bool url_fail(char *err, size_t errlen, const char *fmt, const char *what)
{
	snprintf(err, errlen, fmt, what);
	return false;
}

static bool parse_port(const char *s, size_t n, uint16_t *port)
{
	if (n == 0 || n > 5)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

bool k8sa_url_parse(const char *s, k8sa_url *u, char *err, size_t errlen)
{
	memset(u, 0, sizeof(*u));
	const char *rest;
	if (strncmp(s, "http://", 7) == 0)
		rest = s + 7;
	else if (strncmp(s, "https://", 8) == 0) {
		rest = s + 8;
		u->tls = true;
	} else
		return url_fail(err, errlen, "'%s': expected http:// or https://", s);
	const char *slash = strchr(rest, '/');
	size_t authlen = slash ? (size_t)(slash - rest) : strlen(rest);
	const char *path = slash ? slash : "/";
	if (strlen(path) >= sizeof(u->path))
		return url_fail(err, errlen, "'%s': path too long", s);
	strcpy(u->path, path);
	const char *host = rest, *colon;
	size_t hostlen;
	if (authlen && rest[0] == '[') {
		const char *close = memchr(rest, ']', authlen);
		if (!close)
			return url_fail(err, errlen, "'%s': unterminated IPv6 address", s);
		host = rest + 1;
		hostlen = (size_t)(close - host);
		colon = close + 1 < rest + authlen && close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = memchr(rest, ':', authlen);
		hostlen = colon ? (size_t)(colon - rest) : authlen;
	}
	if (!colon || !parse_port(colon + 1, (size_t)(rest + authlen - colon - 1), &u->port))
		return url_fail(err, errlen, "'%s': expected a port number (0-65535) after the host", s);
	if (hostlen >= sizeof(u->host))
		return url_fail(err, errlen, "'%s': host name too long", s);
	memcpy(u->host, host, hostlen);
	u->host[hostlen] = '\0';
	return true;
}

/* ---- responses ---- */

static enum MHD_Result reply(struct MHD_Connection *c, k8sa_webhook *w, k8sa_req *r,
			     unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static enum MHD_Result reply(struct MHD_Connection *c, k8sa_webhook *w, k8sa_req *r,
			     unsigned status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(msg) - 2)
		n = (int)sizeof(msg) - 2;
	msg[n++] = '\n';
	r->status = status;
	if (status != MHD_HTTP_OK)
		atomic_fetch_add(&w->cfg.stats->requests_rejected, 1);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer((size_t)n, msg, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "POST");
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	enum MHD_Result ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result reply_too_large(struct MHD_Connection *c, k8sa_webhook *w, k8sa_req *r)
{
	return reply(c, w, r, MHD_HTTP_CONTENT_TOO_LARGE,
		     "request body too large: the limit is webhookMaxBatchSize=%zu bytes",
		     w->cfg.max_body);
}

/* ---- request handling ---- */

/* Counts n more buffered bytes for r, unless all requests together would pass the cap. */
static bool reserve(k8sa_webhook *w, k8sa_req *r, size_t n)
{
	size_t before = atomic_fetch_add(&w->inflight, n);
	if (before + n > w->inflight_cap) {
		atomic_fetch_sub(&w->inflight, n);
		return false;
	}
	r->reserved += n;
	return true;
}

static enum MHD_Result reply_busy(struct MHD_Connection *c, k8sa_webhook *w, k8sa_req *r)
{
	return reply(c, w, r, MHD_HTTP_SERVICE_UNAVAILABLE,
		     "too many request bodies being received at once, retry later");
}

/* Checks what can be checked before the body arrives; queues the error response if any. */
static enum MHD_Result check_request(struct MHD_Connection *c, k8sa_webhook *w, k8sa_req *r,
				     const char *url, const char *method)
{
	if (strcmp(url, w->cfg.url.path) != 0)
		return reply(c, w, r, MHD_HTTP_NOT_FOUND, "not found: the audit webhook is at %s",
			     w->cfg.url.path);
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return reply(c, w, r, MHD_HTTP_METHOD_NOT_ALLOWED, "%s method not allowed", method);
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct || !strcasestr(ct, "application/json"))
		return reply(c, w, r, MHD_HTTP_BAD_REQUEST,
			     "wrong Content Type: expected application/json, got '%s'", ct ? ct : "");
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl) {
		errno = 0;
		unsigned long long n = strtoull(cl, NULL, 10);
		if (errno || n > w->cfg.max_body)
			return reply_too_large(c, w, r);
		/* Size the buffer once when the length is announced. */
		if (!reserve(w, r, n + 1))
			return reply_busy(c, w, r);
		r->body = malloc(n + 1);
		if (!r->body)
			return reply_busy(c, w, r);
		r->cap = n + 1;
	}
	return MHD_YES;
}

static void append_body(k8sa_webhook *w, k8sa_req *r, const char *data, size_t n)
{
	if (r->too_large || r->busy || n > w->cfg.max_body - r->len) {
		r->too_large = !r->busy; /* keep draining, answer at the end */
		return;
	}
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 64 * 1024;
		while (cap < r->len + n)
			cap *= 2;
		if (cap > w->cfg.max_body)
			cap = w->cfg.max_body;
		char *b = reserve(w, r, cap - r->cap) ? realloc(r->body, cap) : NULL;
		if (!b) {
			r->busy = true;
			return;
		}
		r->body = b;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
}

static enum MHD_Result answer_payload(struct MHD_Connection *c, k8sa_webhook *w, k8sa_req *r)
{
	k8sa_parser p;
	k8sa_payload_report rep;
	k8sa_parser_init(&p, w->cfg.max_event_size, true, w->cfg.queue, w->cfg.stats, w->cfg.log,
			 w->origin);
	k8sa_payload_rc rc = k8sa_payload_parse(&p, r->body ? r->body : "", r->len, &rep);
	k8sa_parser_free(&p);
	switch (rc) {
	case K8SA_PAYLOAD_MALFORMED:
		return reply(c, w, r, MHD_HTTP_BAD_REQUEST, "malformed JSON: %s at byte %zu",
			     rep.err.reason, rep.err.offset);
	case K8SA_PAYLOAD_UNRECOGNIZED:
		return reply(c, w, r, MHD_HTTP_BAD_REQUEST, "data not recognized as a k8s audit event");
	case K8SA_PAYLOAD_QUEUE_FULL:
		return reply(c, w, r, MHD_HTTP_SERVICE_UNAVAILABLE, "event queue full, retry later");
	case K8SA_PAYLOAD_OK:
		break;
	}
	return reply(c, w, r, MHD_HTTP_OK,
		     "accepted %u events (dropped: %u over maxEventSize, %u invalid, %u queue full)",
		     rep.queued, rep.too_large, rep.invalid, rep.dropped_full);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	k8sa_webhook *w = cls;
	k8sa_req *r = *con_cls;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		atomic_fetch_add(&w->cfg.stats->requests, 1);
		return check_request(c, w, r, url, method);
	}
	if (r->status) { /* already answered: discard whatever still arrives */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		append_body(w, r, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->busy)
		return reply_busy(c, w, r);
	if (r->too_large)
		return reply_too_large(c, w, r);
	return answer_payload(c, w, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)c;
	(void)toe;
	k8sa_webhook *w = cls;
	k8sa_req *r = *con_cls;
	if (r) {
		atomic_fetch_sub(&w->inflight, r->reserved);
		free(r->body);
		free(r);
		*con_cls = NULL;
	}
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	k8sa_webhook *w = cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	k8sa_logf(w->cfg.log, SS_PLUGIN_LOG_SEV_WARNING, "%s: %s", w->origin, msg);
}

/* ---- start/stop ---- */

static char *read_pem(const char *path, const char *what, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s '%s': %s", what, path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(K8SA_PEM_MAX + 1);
	size_t n = buf ? fread(buf, 1, K8SA_PEM_MAX + 1, f) : 0;
	bool bad = ferror(f) || n > K8SA_PEM_MAX;
	fclose(f);
	if (!buf || bad || n == 0) {
		snprintf(err, errlen, "%s '%s': %s", what, path,
			 !buf ? "out of memory" : n == 0 ? "empty file" : "unreadable or larger than 1 MiB");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static bool load_tls(k8sa_webhook *w, const k8sa_webhook_cfg *cfg, char *err, size_t errlen)
{
	const char *cert = cfg->cert_file && *cfg->cert_file ? cfg->cert_file : NULL;
	if (!cert) {
		snprintf(err, errlen, "https needs sslCertificate");
		return false;
	}
	w->cert_pem = read_pem(cert, "sslCertificate", err, errlen);
	if (!w->cert_pem)
		return false;
	/* The single-PEM form (Falco's) keeps the key next to the certificate. */
	const char *key = cfg->key_file && *cfg->key_file ? cfg->key_file : cert;
	w->key_pem = read_pem(key, cfg->key_file && *cfg->key_file ? "sslKey" : "sslCertificate",
			      err, errlen);
	if (!w->key_pem)
		return false;
	if (!strstr(w->key_pem, "PRIVATE KEY-----")) {
		snprintf(err, errlen, "'%s' holds no PEM private key (set sslKey, or put the key in "
			 "sslCertificate)", key);
		return false;
	}
	return true;
}

static bool resolve(const k8sa_url *u, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(u->host, NULL, &hints, &res);
	if (rc != 0 || !res) {
		snprintf(err, errlen, "cannot resolve '%s': %s", u->host, gai_strerror(rc));
		return false;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(u->port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons(u->port);
	return true;
}

static struct MHD_Daemon *start_daemon(k8sa_webhook *w, unsigned flags,
				       const struct sockaddr *addr)
{
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, w->cert_pem},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, w->key_pem},
		{MHD_OPTION_END, 0, NULL},
	};
	struct MHD_OptionItem none[] = {{MHD_OPTION_END, 0, NULL}};
	return MHD_start_daemon(
		flags, w->cfg.url.port, NULL, NULL, on_request, w,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, w, /* first, so every message goes there */
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)K8SA_HTTP_THREADS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)K8SA_HTTP_IDLE_TIMEOUT_S,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, w,
		MHD_OPTION_ARRAY, w->cfg.url.tls ? tls_opts : none,
		addr ? MHD_OPTION_SOCK_ADDR : MHD_OPTION_END, addr,
		MHD_OPTION_END);
}

k8sa_webhook *k8sa_webhook_start(const k8sa_webhook_cfg *cfg, char *err, size_t errlen)
{
	k8sa_webhook *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->cfg = *cfg;
	w->cfg.cert_file = w->cfg.key_file = NULL;
	w->inflight_cap = cfg->max_body > K8SA_INFLIGHT_MIN / K8SA_INFLIGHT_BODIES
				  ? cfg->max_body * K8SA_INFLIGHT_BODIES
				  : K8SA_INFLIGHT_MIN;
	snprintf(w->origin, sizeof(w->origin), "webhook %s://%s:%u%s", cfg->url.tls ? "https" : "http",
		 cfg->url.host, cfg->url.port, cfg->url.path);
	if (cfg->url.tls && !MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		snprintf(err, errlen, "https: libmicrohttpd was built without TLS support");
		goto fail;
	}
	if (cfg->url.tls && !load_tls(w, cfg, err, errlen))
		goto fail;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
			 (cfg->url.tls ? MHD_USE_TLS : 0);
	if (cfg->url.host[0]) {
		struct sockaddr_storage ss;
		if (!resolve(&cfg->url, &ss, err, errlen))
			goto fail;
		w->daemon = start_daemon(w, flags | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
					 (const struct sockaddr *)&ss);
	} else {
		/* All interfaces: both IPv6 and IPv4 where the host has IPv6, else IPv4 only. */
		w->daemon = start_daemon(w, flags | MHD_USE_DUAL_STACK, NULL);
		if (!w->daemon)
			w->daemon = start_daemon(w, flags, NULL);
	}
	if (!w->daemon) {
		snprintf(err, errlen, "%s: cannot start the HTTP server (address in use, bad address "
			 "or bad TLS material; see the log)", w->origin);
		goto fail;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(w->daemon, MHD_DAEMON_INFO_BIND_PORT);
	w->port = info ? info->port : cfg->url.port;
	snprintf(w->origin, sizeof(w->origin), "webhook %s://%s:%u%s", cfg->url.tls ? "https" : "http",
		 cfg->url.host, w->port, cfg->url.path);
	k8sa_logf(cfg->log, SS_PLUGIN_LOG_SEV_INFO, "listening on %s://%s%s%s:%u%s",
		  cfg->url.tls ? "https" : "http", strchr(cfg->url.host, ':') ? "[" : "",
		  cfg->url.host, strchr(cfg->url.host, ':') ? "]" : "", w->port, cfg->url.path);
	return w;
fail:
	k8sa_webhook_stop(w);
	return NULL;
}

void k8sa_webhook_stop(k8sa_webhook *w)
{
	if (!w)
		return;
	if (w->daemon)
		MHD_stop_daemon(w->daemon);
	free(w->cert_pem);
	free(w->key_pem);
	free(w);
}

uint16_t k8sa_webhook_port(const k8sa_webhook *w)
{
	return w->port;
}
