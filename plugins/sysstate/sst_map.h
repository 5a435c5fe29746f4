/* Open-addressing hash map from a 64-bit key (tid, pid, fd) to a borrowed pointer. Linear
 * probing with backward-shift deletion (no tombstones), so lookups stay O(1) however many
 * removals happen; capacity is a power of two and doubles at 3/4 load. */
#ifndef SST_MAP_H
#define SST_MAP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sst_map_slot {
	uint64_t key;
	void *val; /* NULL = empty slot; values are never NULL */
} sst_map_slot;

typedef struct sst_map {
	sst_map_slot *slots; /* owned */
	uint32_t cap;        /* power of two, or 0 before the first insert */
	uint32_t count;
} sst_map;

void sst_map_init(sst_map *m);
void sst_map_free(sst_map *m);

/* Borrowed value for key, or NULL. */
void *sst_map_get(const sst_map *m, uint64_t key);

/* Inserts or replaces; val must not be NULL. False only when growing failed (out of memory). */
bool sst_map_put(sst_map *m, uint64_t key, void *val);

/* Removes key; returns the value it had, or NULL. */
void *sst_map_del(sst_map *m, uint64_t key);

/* Iteration over live slots: for (uint32_t i = 0; i < m->cap; i++) if (m->slots[i].val) ...
 * Do not insert or delete while iterating. */

#endif
