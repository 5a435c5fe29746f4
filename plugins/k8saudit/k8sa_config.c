#include "k8sa_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdoc.h"

const char *k8sa_config_schema(void)
{
	return "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
	       "\"additionalProperties\":false,\"properties\":{"
	       "\"sslCertificate\":{\"type\":\"string\",\"title\":\"TLS certificate\","
	       "\"description\":\"PEM file with the certificate (chain) served for https:// open "
	       "params; it also holds the private key unless sslKey is set.\","
	       "\"default\":\"" K8SA_DEFAULT_CERT "\"},"
	       "\"sslKey\":{\"type\":\"string\",\"title\":\"TLS private key\","
	       "\"description\":\"PEM file with the private key, when it is not inside "
	       "sslCertificate.\",\"default\":\"\"},"
	       "\"maxEventSize\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":268435456,"
	       "\"title\":\"Maximum event size\",\"description\":\"Audit events larger than this "
	       "(bytes, once re-serialized) are dropped and counted.\",\"default\":262144},"
	       "\"webhookMaxBatchSize\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1073741824,"
	       "\"title\":\"Maximum webhook batch size\",\"description\":\"Largest HTTP request body "
	       "(and file line) accepted, in bytes; larger requests get 413.\","
	       "\"default\":12582912},"
	       "\"useAsync\":{\"type\":\"boolean\",\"title\":\"Async extraction\","
	       "\"description\":\"Accepted for compatibility with Falco's k8saudit; no effect.\","
	       "\"default\":true}}}";
}

static bool set_defaults(k8sa_config *c)
{
	c->ssl_certificate = strdup(K8SA_DEFAULT_CERT);
	c->ssl_key = strdup("");
	c->max_event_size = K8SA_DEFAULT_MAX_EVENT;
	c->max_batch_size = K8SA_DEFAULT_MAX_BATCH;
	c->use_async = true;
	return c->ssl_certificate && c->ssl_key;
}

static bool take_string(const jdoc *d, int t, char **out)
{
	if (!jdoc_is_str(d, t))
		return false;
	char *s = malloc(jdoc_render_cap(d, t));
	if (!s)
		return false;
	jdoc_render(d, t, s);
	free(*out);
	*out = s;
	return true;
}

static bool take_size(const jdoc *d, int t, uint64_t max, uint64_t *out)
{
	if (t < 0 || d->tok[t].type != JSMN_PRIMITIVE)
		return false;
	uint64_t v = 0;
	for (int i = d->tok[t].start; i < d->tok[t].end; i++) {
		char ch = d->text[i];
		if (ch < '0' || ch > '9' || v > max)
			return false;
		v = v * 10 + (uint64_t)(ch - '0');
	}
	if (v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

static bool take_bool(const jdoc *d, int t, bool *out)
{
	if (t < 0 || d->tok[t].type != JSMN_PRIMITIVE || d->text[d->tok[t].start] == 'n' ||
	    (d->text[d->tok[t].start] != 't' && d->text[d->tok[t].start] != 'f'))
		return false;
	*out = jdoc_is_true(d, t);
	return true;
}

static bool apply_key(const jdoc *d, int k, k8sa_config *c, char *err, size_t errlen)
{
	int v = k + 1;
	if (jdoc_str_eqc(d, k, "sslCertificate")) {
		if (take_string(d, v, &c->ssl_certificate))
			return true;
		snprintf(err, errlen, "init_config: sslCertificate: must be a string (a file path)");
	} else if (jdoc_str_eqc(d, k, "sslKey")) {
		if (take_string(d, v, &c->ssl_key))
			return true;
		snprintf(err, errlen, "init_config: sslKey: must be a string (a file path)");
	} else if (jdoc_str_eqc(d, k, "maxEventSize")) {
		if (take_size(d, v, K8SA_LIMIT_MAX_EVENT, &c->max_event_size))
			return true;
		snprintf(err, errlen, "init_config: maxEventSize: must be an integer between 1 and %u",
			 K8SA_LIMIT_MAX_EVENT);
	} else if (jdoc_str_eqc(d, k, "webhookMaxBatchSize")) {
		if (take_size(d, v, K8SA_LIMIT_MAX_BATCH, &c->max_batch_size))
			return true;
		snprintf(err, errlen,
			 "init_config: webhookMaxBatchSize: must be an integer between 1 and %u",
			 K8SA_LIMIT_MAX_BATCH);
	} else if (jdoc_str_eqc(d, k, "useAsync")) {
		if (take_bool(d, v, &c->use_async))
			return true;
		snprintf(err, errlen, "init_config: useAsync: must be true or false");
	} else {
		char key[128];
		size_t n = jdoc_render_cap(d, k) <= sizeof(key) ? jdoc_render(d, k, key) : 0;
		snprintf(err, errlen, "init_config: unknown key '%.*s' (known: sslCertificate, sslKey, "
			 "maxEventSize, webhookMaxBatchSize, useAsync)", (int)n, n ? key : "...");
	}
	return false;
}

bool k8sa_config_parse(const char *json, k8sa_config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	if (!set_defaults(c)) {
		snprintf(err, errlen, "init_config: out of memory");
		return false;
	}
	size_t len = json ? strlen(json) : 0;
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", json[i]))
		i++;
	if (i == len)
		return true;
	jdoc d;
	jdoc_error je;
	jdoc_init(&d);
	bool ok = jdoc_parse(&d, json, len, 64, &je);
	if (!ok)
		snprintf(err, errlen, "init_config: invalid JSON: %s at byte %zu", je.reason, je.offset);
	else if (!jdoc_is_obj(&d, 0)) {
		snprintf(err, errlen, "init_config: must be a JSON object");
		ok = false;
	}
	int k = jdoc_first(&d, 0);
	for (int n = ok ? jdoc_size(&d, 0) : 0; ok && n > 0; n--, k = jdoc_next(&d, k))
		ok = apply_key(&d, k, c, err, errlen);
	jdoc_free(&d);
	return ok;
}

void k8sa_config_free(k8sa_config *c)
{
	free(c->ssl_certificate);
	free(c->ssl_key);
	c->ssl_certificate = c->ssl_key = NULL;
}
