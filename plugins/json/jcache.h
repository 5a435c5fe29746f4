/* jcache: the parsed JSON payload of the event being extracted, kept across extract calls.
 *
 * The host extracts fields one call at a time (libsinsp passes one field per call), so parsing
 * the payload per call would parse each event once per field. A jcache parses an event's
 * payload once and serves every later call for the same event (same number, pointer, length
 * and timestamp) from the cached tokens. */
#ifndef VIGIL_JCACHE_H
#define VIGIL_JCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <vigil/plugin_api.h>

#include "jdoc.h"

typedef struct jcache {
	jdoc doc;             /* tokens of the cached payload; doc.text is borrowed from the event */
	jdoc_error err;       /* why the cached payload is unusable, when !ok */
	uint64_t evtnum;
	const ss_plugin_event *evt;
	uint64_t ts;
	uint32_t len;
	bool valid;           /* something is cached */
	bool ok;              /* the cached payload parsed */
} jcache;

void jcache_init(jcache *c);
void jcache_free(jcache *c);

/* Finds the payload of a plugin event (type 322): sets *payload and *len (borrowed from evt).
 * False when the event is not a well-formed plugin event. */
bool jcache_payload(const ss_plugin_event *evt, const char **payload, uint32_t *len);

/* The parsed payload of in's event, or NULL with *err set (not JSON, malformed, not a plugin
 * event). The document is owned by c and valid until the next call with another event. */
const jdoc *jcache_get(jcache *c, const ss_plugin_event_input *in, jdoc_error *err);

#endif
