/* A batch of libscap events built for one next_batch call: one growable byte buffer plus the
 * pointer array handed to the host. Memory is kept across batches (no malloc once warm). */
#ifndef GV_EVBUF_H
#define GV_EVBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vigil/plugin_api.h>

typedef struct gv_evbuf {
	uint8_t *buf;             /* owned */
	size_t len, cap;
	size_t *offs;             /* owned: start offset of each event in buf */
	ss_plugin_event **evts;   /* owned: filled by gv_evbuf_events */
	uint32_t n, cap_evts;
} gv_evbuf;

void gv_evbuf_init(gv_evbuf *b);
void gv_evbuf_free(gv_evbuf *b);
/* Forgets the events (pointers previously returned become invalid), keeps the memory. */
void gv_evbuf_reset(gv_evbuf *b);
/* Room for one event of at most `size` bytes at the end of the buffer; owned by b, valid until
 * the next reserve/reset. NULL when out of memory. */
uint8_t *gv_evbuf_reserve(gv_evbuf *b, size_t size);
/* Appends the event just written into the reserved room (`len` bytes). */
bool gv_evbuf_commit(gv_evbuf *b, uint32_t len);
/* The pointer array for next_batch (owned by b, valid until the next reset). NULL on OOM. */
ss_plugin_event **gv_evbuf_events(gv_evbuf *b);
/* Event i (borrowed). */
const uint8_t *gv_evbuf_at(const gv_evbuf *b, uint32_t i);

#endif
