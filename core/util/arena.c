#include "util/arena.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
	struct chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	alignas(max_align_t) unsigned char data[];
} chunk;

struct vg_arena {
	chunk *head;     /* current chunk, allocations bump here */
	size_t chunk_size;
	size_t total;    /* bytes handed out since last reset */
	size_t high;     /* largest total seen, to size the kept chunk on reset */
};

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

static chunk *chunk_new(size_t size)
{
	chunk *c = malloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

vg_arena *vg_arena_new(size_t chunk_size)
{
	vg_arena *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
	a->head = chunk_new(a->chunk_size);
	if (!a->head) {
		free(a);
		return NULL;
	}
	return a;
}

static void free_chunks(chunk *c)
{
	while (c) {
		chunk *next = c->next;
		free(c);
		c = next;
	}
}

void vg_arena_free(vg_arena *a)
{
	if (!a)
		return;
	free_chunks(a->head);
	free(a);
}

void vg_arena_reset(vg_arena *a)
{
	if (a->total > a->high)
		a->high = a->total;
	if (a->head->next) {
		/* Several chunks were needed: replace them by one big enough for the peak. */
		size_t want = ALIGN_UP(a->high) + a->chunk_size;
		chunk *big = chunk_new(want);
		if (big) {
			free_chunks(a->head);
			a->head = big;
		} else {
			free_chunks(a->head->next);
			a->head->next = NULL;
		}
	}
	a->head->used = 0;
	a->total = 0;
}

void *vg_arena_alloc(vg_arena *a, size_t size)
{
	size_t need = ALIGN_UP(size ? size : 1);
	chunk *c = a->head;
	if (c->size - c->used < need) {
		size_t csize = need > a->chunk_size ? need : a->chunk_size;
		chunk *fresh = chunk_new(csize);
		if (!fresh)
			return NULL;
		fresh->next = c;
		a->head = fresh;
		c = fresh;
	}
	void *p = c->data + c->used;
	c->used += need;
	a->total += need;
	return p;
}

void *vg_arena_zalloc(vg_arena *a, size_t size)
{
	void *p = vg_arena_alloc(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

void *vg_arena_memdup(vg_arena *a, const void *src, size_t n)
{
	void *p = vg_arena_alloc(a, n);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

char *vg_arena_strndup(vg_arena *a, const char *s, size_t n)
{
	char *p = vg_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *vg_arena_strdup(vg_arena *a, const char *s)
{
	return s ? vg_arena_strndup(a, s, strlen(s)) : NULL;
}

char *vg_arena_sprintf(vg_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = n >= 0 ? vg_arena_alloc(a, (size_t)n + 1) : NULL;
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

size_t vg_arena_used(const vg_arena *a)
{
	return a->total;
}
