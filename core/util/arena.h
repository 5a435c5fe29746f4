/* Arena (region) allocation, nginx-pool style.
 *
 * Everything allocated from an arena lives until vg_arena_reset() or vg_arena_free(); there is
 * no per-object free. Rule ASTs and compiled rulesets live in one arena per ruleset; the event
 * pipeline resets a scratch arena after every event, so extraction temporaries cost a pointer
 * bump and no malloc once the arena has grown to its working size. Not thread-safe: one arena
 * per thread. */
#ifndef VG_ARENA_H
#define VG_ARENA_H

#include <stddef.h>

typedef struct vg_arena vg_arena;

/* chunk_size: bytes per chunk (0 = 64 KiB). Returns NULL on allocation failure.
 * Ownership: the caller owns the arena and releases it with vg_arena_free(). */
vg_arena *vg_arena_new(size_t chunk_size);
void vg_arena_free(vg_arena *a);

/* Releases every allocation but keeps the first chunk (and grows it to the largest size seen,
 * so a steady workload stops calling malloc). */
void vg_arena_reset(vg_arena *a);

/* Aligned to max_align_t. NULL only on allocation failure. Memory is not zeroed except by
 * vg_arena_zalloc(). */
void *vg_arena_alloc(vg_arena *a, size_t size);
void *vg_arena_zalloc(vg_arena *a, size_t size);
char *vg_arena_strdup(vg_arena *a, const char *s);
char *vg_arena_strndup(vg_arena *a, const char *s, size_t n);
void *vg_arena_memdup(vg_arena *a, const void *p, size_t n);
char *vg_arena_sprintf(vg_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Bytes handed out since creation or the last reset (for stats and tests). */
size_t vg_arena_used(const vg_arena *a);

#endif
