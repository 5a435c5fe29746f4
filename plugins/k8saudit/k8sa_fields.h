/* k8sa_fields: the ka.* fields of Kubernetes audit events.
 *
 * All fields are strings. Non-string JSON values are rendered as compact JSON text ("201",
 * "true", "{...}"). A field has no value when the event has no auditID or the path is absent;
 * list fields skip missing elements and have no value when empty. Index arguments ([i]) select
 * one element of the array a field walks (container, rule, volume, port); key arguments ([k])
 * are required where declared.
 *
 * Where Falco's k8saudit plugin has quirks, these fields do the correct thing: ka.sourceips reads
 * the top-level sourceIPs; eff_run_as_user/group fall back from the container's securityContext
 * to the pod's securityContext, then "0"; image.repository keeps registry ports
 * ("reg:5000/app:1" gives "reg:5000/app"); one container lacking a key never hides the others. */
#ifndef K8SA_FIELDS_H
#define K8SA_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <vigil/plugin_api.h>

#include "jcache.h"
#include "jstore.h"

typedef struct k8sa_extractor {
	jcache cache;        /* parsed payload of the last event seen */
	jstore store;        /* values returned by the current extract call */
	const char **vals;   /* values of the field being extracted, reused */
	size_t nvals;
	size_t cap;
	uint32_t *off_start; /* value offsets (API 3.11), one per field of the call, reused */
	uint32_t *off_len;
	uint32_t off_cap;
} k8sa_extractor;

/* The get_fields JSON array (static storage, built on first use, thread-safe). */
const char *k8sa_fields_json(void);
/* Number of fields, i.e. valid field ids are [0, k8sa_fields_count()). */
uint32_t k8sa_fields_count(void);

void k8sa_extractor_init(k8sa_extractor *x);
void k8sa_extractor_free(k8sa_extractor *x);

/* Extracts in->fields for ev. Values stay valid until the next call on x. FAILURE (with err
 * filled) when the payload is not a JSON document or memory runs out. */
ss_plugin_rc k8sa_extract(k8sa_extractor *x, const ss_plugin_event_input *ev,
			  const ss_plugin_field_extract_input *in, char *err, size_t errlen);

#endif
