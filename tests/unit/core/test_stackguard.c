#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "util/stackguard.h"

/* Each level burns ~4 KiB of stack; it stops as soon as the guard says so. */
static unsigned greedy(unsigned level)
{
	volatile char frame[4096];
	memset((char *)frame, (int)level, sizeof(frame));
	if (!vg_stack_ok())
		return level;
	return greedy(level + 1) + (frame[level % sizeof(frame)] & 0);
}

static void *run_guarded(void *arg)
{
	vg_stack_enter();
	*(unsigned *)arg = greedy(0);
	vg_stack_leave();
	return NULL;
}

Test(stackguard, stops_recursion_near_half_of_a_small_thread_stack)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1u << 20); /* 1 MiB: the guard allows ~512 KiB */
	unsigned levels = 0;
	pthread_t t;
	cr_assert_eq(pthread_create(&t, &attr, run_guarded, &levels), 0);
	pthread_join(t, NULL);
	pthread_attr_destroy(&attr);
	/* Reaching the join at all means no overflow; the count shows the budget was used. */
	cr_assert_gt(levels, 32, "the guard stopped far too early (%u levels)", levels);
	cr_assert_lt(levels, 256, "the guard let the recursion use more than the whole stack (%u levels)", levels);
}

Test(stackguard, nested_regions_share_the_outermost_anchor)
{
	cr_assert(vg_stack_ok(), "outside any region everything is allowed");
	vg_stack_enter();
	vg_stack_enter();
	cr_assert(vg_stack_ok());
	vg_stack_leave();
	cr_assert(vg_stack_ok());
	vg_stack_leave();
	cr_assert(vg_stack_ok());
}
