#include "gv_sandbox.h"

#include <stdlib.h>
#include <string.h>

gv_sandbox *gv_sandbox_new(uint32_t index)
{
	gv_sandbox *sb = calloc(1, sizeof(*sb));
	if (!sb)
		return NULL;
	sb->index = index;
	sb->cap = 64;
	sb->slots = calloc(sb->cap, sizeof(*sb->slots));
	if (!sb->slots) {
		free(sb);
		return NULL;
	}
	return sb;
}

static void gv_thread_clear(gv_thread *t)
{
	free(t->exe);
	free(t->args);
	free(t->exepath);
	free(t->comm);
	free(t->exec_path);
	memset(t, 0, sizeof(*t));
}

void gv_sandbox_clear_threads(gv_sandbox *sb)
{
	for (uint32_t i = 0; i < sb->cap; i++)
		if (sb->slots[i].tid)
			gv_thread_clear(&sb->slots[i]);
	sb->count = 0;
}

void gv_sandbox_free(gv_sandbox *sb)
{
	if (!sb)
		return;
	gv_sandbox_clear_threads(sb);
	free(sb->slots);
	free(sb->container_id);
	free(sb);
}

uint64_t gv_sandbox_tid(const gv_sandbox *sb, int32_t tid)
{
	if (tid <= 0)
		return 0;
	return (uint64_t)sb->index << 32 | (uint32_t)tid;
}

uint32_t gv_sandbox_drops(gv_sandbox *sb, uint32_t dropped_count)
{
	/* The sandbox's task goroutines read the counter and send concurrently, so a header
	 * written before a drop can arrive after one written after it (seen live: 3, 4, 3, 4, 7,
	 * 5, 7). Serial-number arithmetic: a step of less than 2^31 forward is new drops (also
	 * across the 2^32 wrap), anything else is a late header and counts nothing. */
	uint32_t delta = dropped_count - sb->last_dropped;
	if (delta == 0 || delta >= UINT32_C(1) << 31)
		return 0;
	sb->last_dropped = dropped_count;
	return delta;
}

void gv_sandbox_learn_container(gv_sandbox *sb, const char *id)
{
	if (!sb->container_id && id && *id)
		sb->container_id = strdup(id);
}

static uint32_t gv_slot_of(int32_t tid, uint32_t cap)
{
	return ((uint32_t)tid * 2654435761u) & (cap - 1);
}

gv_thread *gv_sandbox_find(gv_sandbox *sb, int32_t tid)
{
	if (tid <= 0)
		return NULL;
	for (uint32_t i = gv_slot_of(tid, sb->cap);; i = (i + 1) & (sb->cap - 1)) {
		if (sb->slots[i].tid == tid)
			return &sb->slots[i];
		if (sb->slots[i].tid == 0)
			return NULL;
	}
}

static bool gv_sandbox_grow(gv_sandbox *sb)
{
	uint32_t ncap = sb->cap * 2;
	gv_thread *ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return false;
	for (uint32_t i = 0; i < sb->cap; i++) {
		if (!sb->slots[i].tid)
			continue;
		uint32_t j = gv_slot_of(sb->slots[i].tid, ncap);
		while (ns[j].tid)
			j = (j + 1) & (ncap - 1);
		ns[j] = sb->slots[i];
	}
	free(sb->slots);
	sb->slots = ns;
	sb->cap = ncap;
	return true;
}

gv_thread *gv_sandbox_add(gv_sandbox *sb, int32_t tid, bool *created)
{
	*created = false;
	if (tid <= 0)
		return NULL;
	gv_thread *t = gv_sandbox_find(sb, tid);
	if (t)
		return t;
	if (sb->count >= GV_SANDBOX_MAX_THREADS)
		return NULL;
	if ((sb->count + 1) * 2 > sb->cap && !gv_sandbox_grow(sb))
		return NULL;
	uint32_t i = gv_slot_of(tid, sb->cap);
	while (sb->slots[i].tid)
		i = (i + 1) & (sb->cap - 1);
	sb->slots[i].tid = tid;
	sb->count++;
	*created = true;
	return &sb->slots[i];
}

void gv_sandbox_remove(gv_sandbox *sb, int32_t tid)
{
	gv_thread *t = gv_sandbox_find(sb, tid);
	if (!t)
		return;
	gv_thread_clear(t);
	sb->count--;
	/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
	uint32_t hole = (uint32_t)(t - sb->slots);
	for (uint32_t i = (hole + 1) & (sb->cap - 1); sb->slots[i].tid; i = (i + 1) & (sb->cap - 1)) {
		uint32_t home = gv_slot_of(sb->slots[i].tid, sb->cap);
		/* Move the entry if its home is not in the cyclic range (hole, i]. */
		bool in_range = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
		if (!in_range) {
			sb->slots[hole] = sb->slots[i];
			memset(&sb->slots[i], 0, sizeof(sb->slots[i]));
			hole = i;
		}
	}
}

static bool gv_dup(char **dst, const char *src, size_t len)
{
	char *c = NULL;
	if (src) {
		c = malloc(len + 1);
		if (!c)
			return false;
		memcpy(c, src, len);
		c[len] = '\0';
	}
	free(*dst);
	*dst = c;
	return true;
}

bool gv_sandbox_set_image(gv_thread *t, const char *exe, const char *args, uint32_t args_len,
                          const char *exepath, const char *comm)
{
	bool ok = gv_dup(&t->exe, exe, exe ? strlen(exe) : 0);
	ok &= gv_dup(&t->args, args, args_len);
	t->args_len = t->args ? args_len : 0;
	ok &= gv_dup(&t->exepath, exepath, exepath ? strlen(exepath) : 0);
	ok &= gv_dup(&t->comm, comm, comm ? strlen(comm) : 0);
	return ok;
}

bool gv_sandbox_copy_image(gv_thread *to, const gv_thread *from)
{
	return gv_sandbox_set_image(to, from->exe, from->args, from->args_len, from->exepath, from->comm);
}
