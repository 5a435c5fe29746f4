#include "sst_map.h"

#include <stdlib.h>

static inline uint32_t sst_map_hash(uint64_t k, uint32_t mask)
{
	/* splitmix64 finaliser: tids and fds are small and dense, so they need mixing. */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebull;
	k ^= k >> 31;
	return (uint32_t)k & mask;
}

void sst_map_init(sst_map *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void sst_map_free(sst_map *m)
{
	free(m->slots);
	sst_map_init(m);
}

void *sst_map_get(const sst_map *m, uint64_t key)
{
	if (!m->count)
		return NULL;
	uint32_t mask = m->cap - 1;
	for (uint32_t i = sst_map_hash(key, mask);; i = (i + 1) & mask) {
		const sst_map_slot *s = &m->slots[i];
		if (!s->val)
			return NULL;
		if (s->key == key)
			return s->val;
	}
}

static void sst_map_place(sst_map_slot *slots, uint32_t mask, uint64_t key, void *val)
{
	uint32_t i = sst_map_hash(key, mask);
	while (slots[i].val)
		i = (i + 1) & mask;
	slots[i].key = key;
	slots[i].val = val;
}

static bool sst_map_grow(sst_map *m)
{
	uint32_t ncap = m->cap ? m->cap * 2 : 16;
	if (ncap < m->cap)
		return false;
	sst_map_slot *ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return false;
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->slots[i].val)
			sst_map_place(ns, ncap - 1, m->slots[i].key, m->slots[i].val);
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return true;
}

bool sst_map_put(sst_map *m, uint64_t key, void *val)
{
	if ((uint64_t)(m->count + 1) * 4 > (uint64_t)m->cap * 3 && !sst_map_grow(m))
		return false;
	uint32_t mask = m->cap - 1;
	for (uint32_t i = sst_map_hash(key, mask);; i = (i + 1) & mask) {
		sst_map_slot *s = &m->slots[i];
		if (!s->val) {
			s->key = key;
			s->val = val;
			m->count++;
			return true;
		}
		if (s->key == key) {
			s->val = val;
			return true;
		}
	}
}

void *sst_map_del(sst_map *m, uint64_t key)
{
	if (!m->count)
		return NULL;
	uint32_t mask = m->cap - 1;
	uint32_t i = sst_map_hash(key, mask);
	while (m->slots[i].val && m->slots[i].key != key)
		i = (i + 1) & mask;
	void *old = m->slots[i].val;
	if (!old)
		return NULL;
	/* Backward shift: pull later members of the probe run into the hole when their home slot
	 * does not lie (cyclically) between the hole and their current position. */
	uint32_t hole = i;
	for (uint32_t j = (i + 1) & mask; m->slots[j].val; j = (j + 1) & mask) {
		uint32_t home = sst_map_hash(m->slots[j].key, mask);
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (!stays) {
			m->slots[hole] = m->slots[j];
			hole = j;
		}
	}
	m->slots[hole].val = NULL;
	m->count--;
	return old;
}
