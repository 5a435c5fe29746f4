/* The core's generic fields, available on every source: evt.num, evt.time*, evt.datetime*,
 * evt.rawtime*, evt.reltime*, evt.type, evt.source, evt.pluginname, evt.plugininfo,
 * evt.hostname, evt.is_async, evt.asynctype. */
#ifndef VG_GENERIC_H
#define VG_GENERIC_H

#include "fields/fields.h"

/* What the generic extractor needs to know about one source thread. Owned by the engine; must
 * outlive the registry it is registered in. */
typedef struct vg_generic_source {
	vg_extractor ext;         /* filled by vg_generic_register */
	const char *hostname;     /* borrowed */
	/* evt.plugininfo: the sourcing plugin's event_to_string, or NULL. The returned string is
	 * owned by the callee until its next call. */
	const char *(*plugininfo)(void *ud, const vg_evctx *ev);
	void *plugininfo_ud;
} vg_generic_source;

/* Registers the generic fields in reg, served by src. */
vg_rc vg_generic_register(vg_fields *reg, vg_generic_source *src, vg_err *err);

/* Name of a libscap event type without direction ("openat"), "pluginevent" for 322,
 * "unknown" for codes vigil does not know. */
const char *vg_generic_event_name(uint16_t type);

#endif
