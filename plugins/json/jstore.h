/* jstore: chunked scratch storage for values handed back to the host.
 *
 * Extracted strings must stay valid until the next extract call, and one call may extract
 * several fields, so storage cannot move while a call fills it (a realloc'd buffer would). A
 * jstore is a list of chunks that are never moved: jstore_reset() rewinds them all for the next
 * call and keeps them, so once warmed up extraction allocates nothing. */
#ifndef VIGIL_JSTORE_H
#define VIGIL_JSTORE_H

#include <stddef.h>

typedef struct jstore_chunk jstore_chunk;

typedef struct jstore {
	jstore_chunk *head; /* owned */
	jstore_chunk *cur;  /* borrowed from the list: chunk being filled */
} jstore;

void jstore_init(jstore *s);
/* Frees every chunk. */
void jstore_free(jstore *s);
/* Rewinds: every pointer returned so far becomes invalid. */
void jstore_reset(jstore *s);
/* n bytes aligned for any pointer type, owned by s until the next reset; NULL when out of
 * memory. */
void *jstore_alloc(jstore *s, size_t n);
/* Copies s[0..n) plus a NUL. */
char *jstore_strndup(jstore *st, const char *s, size_t n);

#endif
