#include "jcache.h"

#include <string.h>

/* libscap plugin event: header, two u32 parameter lengths, the u32 plugin id, the payload. */
#define JCACHE_PLUGINEVENT_TYPE 322
#define JCACHE_HDR_LEN 26

/* Payloads nest at most this deep; deeper ones are refused rather than walked. */
#define JCACHE_MAX_DEPTH 512

void jcache_init(jcache *c)
{
	memset(c, 0, sizeof(*c));
	jdoc_init(&c->doc);
}

void jcache_free(jcache *c)
{
	jdoc_free(&c->doc);
	jcache_init(c);
}

bool jcache_payload(const ss_plugin_event *evt, const char **payload, uint32_t *len)
{
	if (!evt || evt->type != JCACHE_PLUGINEVENT_TYPE || evt->nparams < 2 ||
	    evt->len < JCACHE_HDR_LEN + 8)
		return false;
	const unsigned char *base = (const unsigned char *)evt;
	uint32_t len0, len1;
	memcpy(&len0, base + JCACHE_HDR_LEN, sizeof(len0));
	memcpy(&len1, base + JCACHE_HDR_LEN + 4, sizeof(len1));
	uint64_t params = (uint64_t)JCACHE_HDR_LEN + 4ull * evt->nparams;
	if (params + len0 + len1 > evt->len)
		return false;
	*payload = (const char *)base + params + len0;
	*len = len1;
	return true;
}

static bool same_event(const jcache *c, const ss_plugin_event_input *in)
{
	return c->valid && c->evtnum == in->evtnum && c->evt == in->evt && c->ts == in->evt->ts &&
	       c->len == in->evt->len;
}

const jdoc *jcache_get(jcache *c, const ss_plugin_event_input *in, jdoc_error *err)
{
	if (!in || !in->evt) {
		*err = (jdoc_error){"no event", 0};
		return NULL;
	}
	if (!same_event(c, in)) {
		c->valid = true;
		c->evtnum = in->evtnum;
		c->evt = in->evt;
		c->ts = in->evt->ts;
		c->len = in->evt->len;
		const char *p;
		uint32_t n;
		if (!jcache_payload(in->evt, &p, &n)) {
			c->ok = false;
			c->err = (jdoc_error){"not a plugin event with a payload", 0};
		} else if (n == 0 || (p[0] != '{' && p[0] != '[')) {
			c->ok = false;
			c->err = (jdoc_error){"invalid json format", 0};
		} else {
			c->ok = jdoc_parse(&c->doc, p, n, JCACHE_MAX_DEPTH, &c->err);
		}
	}
	if (!c->ok) {
		*err = c->err;
		return NULL;
	}
	return &c->doc;
}
