/* Plugin event batches (type 322) for next_batch. */
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin_sdk.h>

enum { VSDK_PLUGINEVENT = 322, VSDK_ALIGN = 8 };

void vsdk_batch_init(vsdk_batch *b, uint32_t plugin_id)
{
	memset(b, 0, sizeof(*b));
	b->plugin_id = plugin_id;
}

void vsdk_batch_free(vsdk_batch *b)
{
	free(b->buf);
	free(b->offs);
	free(b->evts);
	vsdk_batch_init(b, b->plugin_id);
}

void vsdk_batch_reset(vsdk_batch *b)
{
	b->len = 0;
	b->n = 0;
}

uint32_t vsdk_batch_count(const vsdk_batch *b)
{
	return b->n;
}

static bool vsdk_batch_reserve(vsdk_batch *b, size_t bytes)
{
	if (b->cap - b->len >= bytes)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < bytes)
		cap *= 2;
	uint8_t *p = realloc(b->buf, cap);
	if (!p)
		return false;
	b->buf = p;
	b->cap = cap;
	return true;
}

static bool vsdk_batch_reserve_evts(vsdk_batch *b)
{
	if (b->n < b->cap_evts)
		return true;
	uint32_t cap = b->cap_evts ? b->cap_evts * 2 : 64;
	size_t *offs = realloc(b->offs, cap * sizeof(*offs));
	if (!offs)
		return false;
	b->offs = offs;
	ss_plugin_event **evts = realloc(b->evts, cap * sizeof(*evts));
	if (!evts)
		return false;
	b->evts = evts;
	b->cap_evts = cap;
	return true;
}

static void vsdk_put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

bool vsdk_batch_add(vsdk_batch *b, uint64_t ts, const void *payload, uint32_t len)
{
	if (len > UINT32_MAX - PLUGIN_EVENT_PAYLOAD_OFFSET)
		return false;
	size_t pad = (VSDK_ALIGN - b->len % VSDK_ALIGN) % VSDK_ALIGN;
	size_t total = (size_t)PLUGIN_EVENT_PAYLOAD_OFFSET + len;
	if (!vsdk_batch_reserve(b, pad + total) || !vsdk_batch_reserve_evts(b))
		return false;
	b->len += pad;
	uint8_t *p = b->buf + b->len;
	ss_plugin_event hdr = {.ts = ts, .tid = UINT64_MAX, .len = (uint32_t)total,
			       .type = VSDK_PLUGINEVENT, .nparams = 2};
	memcpy(p, &hdr, sizeof(hdr));
	vsdk_put_u32(p + 26, 4);
	vsdk_put_u32(p + 30, len);
	vsdk_put_u32(p + 34, b->plugin_id);
	if (len)
		memcpy(p + PLUGIN_EVENT_PAYLOAD_OFFSET, payload, len);
	b->offs[b->n++] = b->len;
	b->len += total;
	return true;
}

ss_plugin_rc vsdk_batch_emit(vsdk_batch *b, uint32_t *nevts, ss_plugin_event ***evts, ss_plugin_rc rc)
{
	/* Pointers are made only now because the buffer may move while events are added. */
	for (uint32_t i = 0; i < b->n; i++)
		b->evts[i] = (ss_plugin_event *)(void *)(b->buf + b->offs[i]);
	*nevts = b->n;
	*evts = b->evts;
	return rc;
}

const uint8_t *vsdk_event_payload(const ss_plugin_event *evt, uint32_t *len, uint32_t *plugin_id)
{
	const uint8_t *p = (const uint8_t *)evt;
	uint32_t l0, l1, id;
	if (!evt || evt->type != VSDK_PLUGINEVENT || evt->nparams != 2 || evt->len < PLUGIN_EVENT_PAYLOAD_OFFSET)
		return NULL;
	memcpy(&l0, p + 26, 4);
	memcpy(&l1, p + 30, 4);
	if (l0 != 4 || l1 != evt->len - PLUGIN_EVENT_PAYLOAD_OFFSET)
		return NULL;
	memcpy(&id, p + 34, 4);
	if (plugin_id)
		*plugin_id = id;
	*len = l1;
	return p + PLUGIN_EVENT_PAYLOAD_OFFSET;
}
