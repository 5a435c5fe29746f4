#include <criterion/criterion.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/arena.h"

Test(arena, allocations_are_aligned_and_distinct)
{
	vg_arena *a = vg_arena_new(128);
	char *p = vg_arena_alloc(a, 3);
	char *q = vg_arena_alloc(a, 5);
	cr_assert_neq(p, q);
	cr_assert_eq((uintptr_t)p % alignof(max_align_t), 0);
	cr_assert_eq((uintptr_t)q % alignof(max_align_t), 0);
	vg_arena_free(a);
}

Test(arena, grows_past_chunk_size_and_keeps_old_data)
{
	vg_arena *a = vg_arena_new(64);
	char *first = vg_arena_strdup(a, "first");
	char *big = vg_arena_alloc(a, 10000);
	memset(big, 'x', 10000);
	for (int i = 0; i < 100; i++)
		cr_assert_not_null(vg_arena_sprintf(a, "item %d", i));
	cr_assert_str_eq(first, "first");
	vg_arena_free(a);
}

Test(arena, reset_reuses_memory_and_counts_from_zero)
{
	vg_arena *a = vg_arena_new(256);
	for (int i = 0; i < 50; i++)
		vg_arena_alloc(a, 100);
	cr_assert_gt(vg_arena_used(a), 256);
	vg_arena_reset(a);
	cr_assert_eq(vg_arena_used(a), 0);
	/* After a reset the kept chunk holds the previous peak: the same workload fits. */
	char *p0 = vg_arena_alloc(a, 100);
	for (int i = 1; i < 50; i++)
		vg_arena_alloc(a, 100);
	char *p1 = vg_arena_alloc(a, 1);
	cr_assert_lt(p0, p1, "same chunk: later allocations are at higher addresses");
	vg_arena_free(a);
}

Test(arena, zalloc_zeroes_and_strndup_terminates)
{
	vg_arena *a = vg_arena_new(0);
	unsigned char *z = vg_arena_zalloc(a, 64);
	for (int i = 0; i < 64; i++)
		cr_assert_eq(z[i], 0);
	char *s = vg_arena_strndup(a, "abcdef", 3);
	cr_assert_str_eq(s, "abc");
	cr_assert_null(vg_arena_strdup(a, NULL));
	vg_arena_free(a);
}
