#include "jstore.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JSTORE_MIN_CHUNK (64 * 1024)

struct jstore_chunk {
	jstore_chunk *next;
	size_t cap;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

void jstore_init(jstore *s)
{
	s->head = s->cur = NULL;
}

void jstore_free(jstore *s)
{
	jstore_chunk *c = s->head;
	while (c) {
		jstore_chunk *n = c->next;
		free(c);
		c = n;
	}
	jstore_init(s);
}

void jstore_reset(jstore *s)
{
	for (jstore_chunk *c = s->head; c; c = c->next)
		c->used = 0;
	s->cur = s->head;
}

static size_t align_up(size_t n)
{
	size_t a = alignof(max_align_t);
	return (n + a - 1) & ~(a - 1);
}

void *jstore_alloc(jstore *s, size_t n)
{
	if (n > SIZE_MAX / 2)
		return NULL;
	n = align_up(n ? n : 1);
	/* Chunks after cur are empty (reset rewound them), so the first one big enough is taken;
	 * the tail of a chunk too small for this request stays unused until the next reset. */
	for (jstore_chunk *c = s->cur; c; c = c->next) {
		if (c->cap - c->used >= n) {
			void *p = c->data + c->used;
			c->used += n;
			s->cur = c;
			return p;
		}
	}
	size_t cap = n > JSTORE_MIN_CHUNK ? n : JSTORE_MIN_CHUNK;
	jstore_chunk *c = malloc(sizeof(*c) + cap);
	if (!c)
		return NULL;
	c->cap = cap;
	c->used = n;
	/* Insert after cur so the chunks still free this round stay reachable from it. */
	if (s->cur) {
		c->next = s->cur->next;
		s->cur->next = c;
	} else {
		c->next = s->head;
		s->head = c;
	}
	s->cur = c;
	return c->data;
}

char *jstore_strndup(jstore *st, const char *s, size_t n)
{
	char *p = jstore_alloc(st, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}
