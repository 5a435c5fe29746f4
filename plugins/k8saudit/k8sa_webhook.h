/* k8sa_webhook: the audit webhook (libmicrohttpd) for open params http[s]://[host]:port/path.
 *
 * One handler at path: POST only (405), Content-Type containing application/json (400), body at
 * most webhookMaxBatchSize bytes (413, refused from Content-Length before reading when it is
 * known). The body is parsed in the HTTP thread, so a malformed payload gets 400 and a log line;
 * recognized payloads get 200 once their events are queued (503 when a full queue refused all
 * of them). Requests run on a small thread pool; idle connections time out. */
#ifndef K8SA_WEBHOOK_H
#define K8SA_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "k8sa_log.h"
#include "k8sa_queue.h"

typedef struct k8sa_url {
	bool tls;
	char host[256]; /* "" = all interfaces; IPv6 without brackets */
	uint16_t port;  /* 0 = any free port */
	char path[1024];
} k8sa_url;

/* Parses "http://host:port/path" / "https://…". False with err filled on anything else. */
bool k8sa_url_parse(const char *s, k8sa_url *u, char *err, size_t errlen);

typedef struct k8sa_webhook_cfg {
	k8sa_url url;
	const char *cert_file;     /* borrowed: PEM certificate (chain) for https */
	const char *key_file;      /* borrowed: PEM private key; NULL/"" = inside cert_file */
	size_t max_body;           /* webhookMaxBatchSize */
	size_t max_event_size;     /* maxEventSize */
	k8sa_queue *queue;         /* borrowed, outlives the webhook */
	k8sa_stats *stats;         /* borrowed */
	k8sa_log *log;             /* borrowed */
} k8sa_webhook_cfg;

typedef struct k8sa_webhook k8sa_webhook;

/* Starts listening. NULL with err filled when the address, the TLS material or the socket is
 * unusable. Stop with k8sa_webhook_stop. */
k8sa_webhook *k8sa_webhook_start(const k8sa_webhook_cfg *cfg, char *err, size_t errlen);
/* Stops the server (in-flight requests finish first) and frees it. */
void k8sa_webhook_stop(k8sa_webhook *w);
/* The port actually bound (useful with port 0). */
uint16_t k8sa_webhook_port(const k8sa_webhook *w);

#endif
