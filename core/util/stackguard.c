#include "util/stackguard.h"

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

static _Thread_local uintptr_t anchor;  /* frame address of the outermost vg_stack_enter() */
static _Thread_local size_t budget;
static _Thread_local unsigned depth;

/* Half of the current thread's stack (main thread or pthread); 1 MiB when it cannot be read. */
static size_t thread_budget(void)
{
	size_t size = 0;
	pthread_attr_t attr;
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		void *addr;
		if (pthread_attr_getstack(&attr, &addr, &size) != 0)
			size = 0;
		pthread_attr_destroy(&attr);
	}
	return size ? size / 2 : (size_t)1 << 20;
}

void vg_stack_enter(void)
{
	if (depth++ == 0) {
		anchor = (uintptr_t)__builtin_frame_address(0);
		if (!budget)
			budget = thread_budget();
	}
}

void vg_stack_leave(void)
{
	if (depth && --depth == 0)
		anchor = 0;
}

bool vg_stack_ok(void)
{
	if (!depth)
		return true;
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	/* Stacks grow down on every target vigil builds for. */
	return here > anchor || anchor - here < budget;
}
