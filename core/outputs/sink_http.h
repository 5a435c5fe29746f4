/* Alert lines POSTed with libcurl (http_output): one request per alert, Content-Type
 * application/json when json_output else text/plain, optional TLS settings and mTLS, gzip
 * bodies with compress_uploads, connection reuse with keep_alive. Failures (connection,
 * timeout, HTTP status >= 400) are returned as errors, which the output module logs and counts;
 * they are never fatal. A timed-out request is retried up to max_consecutive_timeouts times. */
#ifndef VG_SINK_HTTP_H
#define VG_SINK_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "outputs/sink.h"

typedef struct vg_sink_http_opts {
	const char *url;            /* required */
	const char *user_agent;     /* NULL/"" = libcurl's none */
	bool json;                  /* Content-Type application/json, else text/plain */
	bool insecure;              /* skip peer and host verification */
	const char *ca_cert;        /* CA file ("" = system default) */
	const char *ca_bundle;      /* CA bundle file; wins over ca_cert */
	const char *ca_path;        /* CA directory */
	bool mtls;
	const char *client_cert, *client_key; /* used when mtls */
	bool echo;                  /* copy response bodies to echo_to */
	FILE *echo_to;              /* borrowed; NULL = stdout */
	bool compress_uploads;      /* gzip the body, Content-Encoding: gzip */
	bool keep_alive;            /* reuse the connection */
	uint32_t timeout_ms;        /* whole request; 0 = 2000 */
	uint32_t max_consecutive_timeouts;
} vg_sink_http_opts;

/* Strings in opts are copied. Returns NULL with err set when libcurl cannot be set up.
 * Free with s->ops->destroy. */
vg_sink *vg_sink_http_new(const vg_sink_http_opts *opts, vg_err *err);

#endif
