#include "rules/bset.h"

#include <string.h>

typedef struct slot {
	const uint8_t *key; /* NULL = empty */
	uint32_t len;
	uint32_t hash;
} slot;

struct vg_bset {
	slot *slots;
	uint32_t mask;
	uint32_t n, max;
	vg_arena *arena;
};

vg_bset *vg_bset_new(vg_arena *arena, uint32_t n)
{
	uint32_t size = 8;
	while (size < n * 2u + 2u && size < (1u << 30))
		size <<= 1;
	vg_bset *s = vg_arena_zalloc(arena, sizeof(*s));
	if (!s || !(s->slots = vg_arena_zalloc(arena, sizeof(slot) * size)))
		return NULL;
	s->mask = size - 1;
	s->max = size / 2;
	s->arena = arena;
	return s;
}

uint32_t vg_bset_hash(const void *key, size_t len)
{
	uint32_t h = VG_BSET_HASH_INIT;
	for (size_t i = 0; i < len; i++)
		h = vg_bset_hash_step(h, ((const uint8_t *)key)[i]);
	return h;
}

static const slot *find(const vg_bset *s, uint32_t hash, const void *key, size_t len)
{
	for (uint32_t i = hash & s->mask;; i = (i + 1) & s->mask) {
		const slot *sl = &s->slots[i];
		if (!sl->key)
			return sl;
		if (sl->hash == hash && sl->len == len && memcmp(sl->key, key, len) == 0)
			return sl;
	}
}

bool vg_bset_add(vg_bset *s, const void *key, size_t len)
{
	uint32_t hash = vg_bset_hash(key, len);
	slot *sl = (slot *)find(s, hash, key, len);
	if (sl->key)
		return true;
	if (s->n >= s->max || len > UINT32_MAX)
		return false;
	/* +1 so empty keys still get a non-NULL pointer */
	uint8_t *copy = vg_arena_alloc(s->arena, len + 1);
	if (!copy)
		return false;
	memcpy(copy, key, len);
	sl->key = copy;
	sl->len = (uint32_t)len;
	sl->hash = hash;
	s->n++;
	return true;
}

bool vg_bset_has_hashed(const vg_bset *s, uint32_t hash, const void *key, size_t len)
{
	return find(s, hash, key, len)->key != NULL;
}

bool vg_bset_has(const vg_bset *s, const void *key, size_t len)
{
	return vg_bset_has_hashed(s, vg_bset_hash(key, len), key, len);
}

uint32_t vg_bset_count(const vg_bset *s)
{
	return s->n;
}
