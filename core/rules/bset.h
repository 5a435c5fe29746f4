/* A set of byte strings built once at rule-compile time and then only queried: hashed `in` /
 * `intersects` literal sets and pmatch prefix sets. Open addressing, arena-allocated, no
 * allocation when querying. */
#ifndef VG_BSET_H
#define VG_BSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

typedef struct vg_bset vg_bset;

/* Room for at least n items (the set does not grow). NULL on allocation failure. The set and
 * its copies of the keys live in arena. */
vg_bset *vg_bset_new(vg_arena *arena, uint32_t n);
/* Copies the key. False on allocation failure or when full. Duplicates are ignored. */
bool vg_bset_add(vg_bset *s, const void *key, size_t len);
bool vg_bset_has(const vg_bset *s, const void *key, size_t len);
/* Hash of key, usable with vg_bset_has_hashed() to look up incrementally built keys. */
uint32_t vg_bset_hash(const void *key, size_t len);
/* FNV-1a step: vg_bset_hash(k, n+1) == vg_bset_hash_step(vg_bset_hash(k, n), k[n]). */
static inline uint32_t vg_bset_hash_step(uint32_t h, uint8_t c)
{
	return (h ^ c) * 16777619u;
}
#define VG_BSET_HASH_INIT 2166136261u
bool vg_bset_has_hashed(const vg_bset *s, uint32_t hash, const void *key, size_t len);
uint32_t vg_bset_count(const vg_bset *s);

#endif
