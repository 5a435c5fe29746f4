/* A stack budget for recursion over untrusted input (rule conditions, macro chains).
 *
 * A depth limit alone is not enough: frame sizes vary about tenfold between release and
 * sanitizer builds, and recursions nest across modules (resolving a macro parses the next one
 * from deep inside the resolver). So every recursive step also asks vg_stack_ok(), which
 * measures from one per-thread anchor set by the outermost vg_stack_enter(), and fails with an
 * error instead of crashing once half of the thread's stack is used. */
#ifndef VG_STACKGUARD_H
#define VG_STACKGUARD_H

#include <stdbool.h>

/* Enter/leave a guarded region; they nest (only the outermost sets the anchor). */
void vg_stack_enter(void);
void vg_stack_leave(void);

/* True while the caller is within budget; always true outside a guarded region. */
bool vg_stack_ok(void);

#endif
