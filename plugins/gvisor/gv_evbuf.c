#include "gv_evbuf.h"

#include <stdlib.h>
#include <string.h>

void gv_evbuf_init(gv_evbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void gv_evbuf_free(gv_evbuf *b)
{
	free(b->buf);
	free(b->offs);
	free(b->evts);
	memset(b, 0, sizeof(*b));
}

void gv_evbuf_reset(gv_evbuf *b)
{
	b->len = 0;
	b->n = 0;
}

uint8_t *gv_evbuf_reserve(gv_evbuf *b, size_t size)
{
	size += 8; /* room for the alignment padding commit adds */
	if (size > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		while (cap - b->len < size)
			cap *= 2;
		uint8_t *nb = realloc(b->buf, cap);
		if (!nb)
			return NULL;
		b->buf = nb;
		b->cap = cap;
	}
	/* Events are addressed by offset, so growing the buffer later does not break them. */
	return b->buf + b->len;
}

bool gv_evbuf_commit(gv_evbuf *b, uint32_t len)
{
	if (b->n == b->cap_evts) {
		uint32_t cap = b->cap_evts ? b->cap_evts * 2 : 256;
		size_t *no = realloc(b->offs, cap * sizeof(*no));
		if (!no)
			return false;
		b->offs = no;
		ss_plugin_event **ne = realloc(b->evts, cap * sizeof(*ne));
		if (!ne)
			return false;
		b->evts = ne;
		b->cap_evts = cap;
	}
	b->offs[b->n++] = b->len;
	/* Keep every event 8-byte aligned so readers may use aligned loads on the header. */
	b->len += ((size_t)len + 7) & ~(size_t)7;
	return true;
}

ss_plugin_event **gv_evbuf_events(gv_evbuf *b)
{
	for (uint32_t i = 0; i < b->n; i++)
		b->evts[i] = (ss_plugin_event *)(b->buf + b->offs[i]);
	return b->evts;
}

const uint8_t *gv_evbuf_at(const gv_evbuf *b, uint32_t i)
{
	return b->buf + b->offs[i];
}
