/* k8sa_config: k8saudit's init_config (a JSON object; schema from k8sa_config_schema).
 *
 *   sslCertificate       PEM certificate for https (also holds the key unless sslKey is set)
 *   sslKey               PEM private key for https, when kept apart from the certificate
 *   maxEventSize         largest re-serialized audit event kept, in bytes
 *   webhookMaxBatchSize  largest HTTP body (and file line), in bytes
 *   useAsync             accepted for compatibility; no effect */
#ifndef K8SA_CONFIG_H
#define K8SA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define K8SA_DEFAULT_CERT "/etc/falco/falco.pem"
#define K8SA_DEFAULT_MAX_EVENT (256 * 1024)
#define K8SA_DEFAULT_MAX_BATCH (12 * 1024 * 1024)
#define K8SA_LIMIT_MAX_EVENT (256u * 1024 * 1024)
#define K8SA_LIMIT_MAX_BATCH (1024u * 1024 * 1024)

typedef struct k8sa_config {
	char *ssl_certificate; /* owned */
	char *ssl_key;         /* owned, "" = key inside ssl_certificate */
	uint64_t max_event_size;
	uint64_t max_batch_size;
	bool use_async;
} k8sa_config;

/* Parses json (NULL or blank = all defaults) into c. False with err filled ("init_config:
 * maxEventSize: must be an integer between 1 and 268435456") on bad input; c is then still
 * safe to free. */
bool k8sa_config_parse(const char *json, k8sa_config *c, char *err, size_t errlen);
void k8sa_config_free(k8sa_config *c);
/* JSON Schema (draft-04) of the init config. */
const char *k8sa_config_schema(void);

#endif
