/* Builds one libscap event by parameter name, in the order and widths of the shared event table
 * (<vigil/scap_events.h>). Converters say "tid = 5" instead of "param 3 is 8 bytes", so an event
 * layout change in the table cannot silently shift our values; parameters we do not set get the
 * neutral value of their type (0, -1 for fds, empty for strings and buffers). Setting a name the
 * table does not have is counted (gv_event_bad_names) and the unit tests require zero. */
#ifndef GV_EVENT_H
#define GV_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include <vigil/scap_events.h>

#include "gv_evbuf.h"

typedef struct gv_event_val {
	const void *ptr; /* borrowed until gv_event_end, or points at num */
	uint32_t len;
	bool set;
	uint64_t num;
} gv_event_val;

/* Remembers where (type, name) pairs live so the per-event cost is a pointer compare instead
 * of string compares. Names are compared by address: callers pass string literals. */
#define GV_EVENT_CACHE_SLOTS 1024u
typedef struct gv_event_cache_slot {
	const vg_scap_event_info *info;
	const char *name;
	int idx; /* parameter index, -1 = the table has no such name */
} gv_event_cache_slot;

typedef struct gv_event_cache {
	gv_event_cache_slot slot[GV_EVENT_CACHE_SLOTS];
} gv_event_cache;

typedef struct gv_event {
	const vg_scap_event_info *info; /* NULL when the type is not in the table */
	gv_event_cache *cache;          /* borrowed, may be NULL (no caching) */
	uint16_t type;
	uint64_t ts, tid;
	gv_event_val v[VG_SCAP_MAX_PARAMS];
} gv_event;

/* Starts an event. Returns false when the shared table does not describe `type`. cache
 * (borrowed, may be NULL) speeds up name lookups; one cache per thread. */
bool gv_event_begin(gv_event *e, gv_event_cache *cache, uint16_t type, uint64_t ts, uint64_t tid);
/* Integer parameter, written with the width the table declares for it. */
void gv_event_int(gv_event *e, const char *name, int64_t v);
/* The return value (parameter 0 of every exit event, named "res" or "fd"). */
void gv_event_res(gv_event *e, int64_t v);
/* NUL-terminated string (s borrowed until gv_event_end); NULL leaves the parameter empty. */
void gv_event_str(gv_event *e, const char *name, const char *s);
/* Raw bytes (borrowed until gv_event_end). */
void gv_event_bytes(gv_event *e, const char *name, const void *p, uint32_t len);
/* Writes the event at the end of `out`; false when out of memory or a value does not fit the
 * table's length width (the event is then not emitted). */
bool gv_event_end(gv_event *e, gv_evbuf *out);

/* Names set that the table does not know, since the process started (a schema mismatch). */
uint64_t gv_event_bad_names(void);

#endif
