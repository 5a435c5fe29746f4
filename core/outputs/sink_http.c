#include "outputs/sink_http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/buf.h"

typedef struct http_sink {
	vg_sink base;
	CURL *curl;
	struct curl_slist *headers;
	char *url;
	bool echo, gzip;
	FILE *echo_to;
	uint32_t max_timeouts;
	vg_buf body; /* gzip output, reused */
} http_sink;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_response(char *data, size_t size, size_t nmemb, void *ud)
{
	http_sink *hs = ud;
	if (hs->echo) {
		fwrite(data, size, nmemb, hs->echo_to);
		fflush(hs->echo_to);
	}
	return size * nmemb;
}

static bool gzip_into(vg_buf *out, const char *in, size_t len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	size_t bound = deflateBound(&z, (uLong)len);
	vg_buf_reset(out);
	bool ok = vg_buf_reserve(out, bound + 1);
	if (ok) {
		z.next_in = (Bytef *)in;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)out->data;
		z.avail_out = (uInt)bound;
		ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
		out->len = z.total_out;
	}
	deflateEnd(&z);
	return ok;
}

static vg_rc http_post(http_sink *hs, const char *body, size_t len, vg_err *err)
{
	curl_easy_setopt(hs->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(hs->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	CURLcode rc = CURLE_OK;
	for (uint32_t attempt = 0; attempt <= hs->max_timeouts; attempt++) {
		rc = curl_easy_perform(hs->curl);
		if (rc != CURLE_OPERATION_TIMEDOUT)
			break;
	}
	if (rc != CURLE_OK)
		return vg_err_set(err, rc == CURLE_OPERATION_TIMEDOUT ? VG_ERR_TIMEOUT : VG_ERR_IO, "POST %s: %s",
				  hs->url, curl_easy_strerror(rc));
	long status = 0;
	curl_easy_getinfo(hs->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 400)
		return vg_err_set(err, VG_ERR_IO, "POST %s: HTTP status %ld", hs->url, status);
	return VG_OK;
}

static vg_rc http_write(vg_sink *s, const char *line, size_t len, int priority, vg_err *err)
{
	http_sink *hs = (http_sink *)s;
	if (!hs->gzip)
		return http_post(hs, line, len, err);
	if (!gzip_into(&hs->body, line, len))
		return vg_err_set(err, VG_ERR_NOMEM, "POST %s: gzip failed", hs->url);
	return http_post(hs, hs->body.data, hs->body.len, err);
}

static void http_destroy(vg_sink *s)
{
	http_sink *hs = (http_sink *)s;
	if (hs->curl)
		curl_easy_cleanup(hs->curl);
	curl_slist_free_all(hs->headers);
	vg_buf_free(&hs->body);
	free(hs->url);
	free(hs);
}

static const vg_sink_ops http_ops = { .name = "http", .write = http_write, .destroy = http_destroy };

static bool set_str(CURL *c, CURLoption opt, const char *v)
{
	return !v || !*v || curl_easy_setopt(c, opt, v) == CURLE_OK;
}

static bool add_header(http_sink *hs, const char *h)
{
	struct curl_slist *l = curl_slist_append(hs->headers, h);
	if (l)
		hs->headers = l;
	return l != NULL;
}

static bool configure(http_sink *hs, const vg_sink_http_opts *o)
{
	CURL *c = hs->curl;
	bool ok = curl_easy_setopt(c, CURLOPT_URL, o->url) == CURLE_OK;
	ok = ok && add_header(hs, o->json ? "Content-Type: application/json" : "Content-Type: text/plain");
	ok = ok && (!o->compress_uploads || add_header(hs, "Content-Encoding: gzip"));
	ok = ok && add_header(hs, "Expect:"); /* no 100-continue round trip per alert */
	ok = ok && curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs->headers) == CURLE_OK;
	ok = ok && set_str(c, CURLOPT_USERAGENT, o->user_agent);
	ok = ok && set_str(c, CURLOPT_CAINFO, o->ca_bundle && *o->ca_bundle ? o->ca_bundle : o->ca_cert);
	ok = ok && set_str(c, CURLOPT_CAPATH, o->ca_path);
	if (o->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (o->mtls) {
		ok = ok && set_str(c, CURLOPT_SSLCERT, o->client_cert);
		ok = ok && set_str(c, CURLOPT_SSLKEY, o->client_key);
	}
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* we are not the main thread */
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(o->timeout_ms ? o->timeout_ms : 2000));
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, o->keep_alive ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_response);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, hs);
	return ok;
}

vg_sink *vg_sink_http_new(const vg_sink_http_opts *o, vg_err *err)
{
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		vg_err_set(err, VG_ERR_INTERNAL, "http output: curl_global_init: %s", curl_easy_strerror(curl_init_rc));
		return NULL;
	}
	if (!o->url || !*o->url) {
		vg_err_set(err, VG_ERR_INVALID, "http output: no url");
		return NULL;
	}
	http_sink *hs = calloc(1, sizeof(*hs));
	if (!hs) {
		vg_err_set(err, VG_ERR_NOMEM, "out of memory");
		return NULL;
	}
	hs->base.ops = &http_ops;
	vg_buf_init(&hs->body);
	hs->echo = o->echo;
	hs->echo_to = o->echo_to ? o->echo_to : stdout;
	hs->gzip = o->compress_uploads;
	hs->max_timeouts = o->max_consecutive_timeouts;
	hs->url = strdup(o->url);
	hs->curl = curl_easy_init();
	if (!hs->url || !hs->curl || !configure(hs, o)) {
		vg_err_set(err, VG_ERR_INVALID, "http output: cannot configure libcurl for %s", o->url);
		http_destroy(&hs->base);
		return NULL;
	}
	return &hs->base;
}
