/* syscall plugin — the syscalls the driver supports and which of them to enable.
 *
 * The enabled set is the rules' set (names as in evt.type) plus a base set that state
 * tracking needs, following Falco's `base_syscalls` semantics:
 *   all: true          -> every supported syscall;
 *   custom_set: [...]  -> the base is exactly these names ("!name" removes a name from the
 *                         final set);
 *   repair: true       -> the base is the minimal set that keeps process/fd state consistent
 *                         for the rules' syscalls;
 *   default            -> the full state-tracking set.
 * No rules' set at all means "everything the driver supports". */
#ifndef SP_SELECT_H
#define SP_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One supported syscall (or "procexit", the sched_process_exit tracepoint). */
typedef struct sp_syscall {
	const char *name;     /* evt.type */
	uint16_t nr;          /* x86_64 number, or the driver's procexit slot */
	uint16_t exit_code;   /* PPME_* of the event it produces */
	const char *filler;   /* BPF program tail-called for it, NULL for tracepoint events */
	bool explicit_only;   /* enabled only when named (never by "all" or the default) */
} sp_syscall;

/* Static table of supported syscalls; *n receives its length. */
const sp_syscall *sp_select_table(size_t *n);

/* Index in the table of `name`, or -1. */
int sp_select_find(const char *name);

#define SP_SELECT_MAX 96

typedef struct sp_selection {
	bool on[SP_SELECT_MAX]; /* indexed like the table */
} sp_selection;

typedef struct sp_select_opts {
	const char *const *rules; /* borrowed; NULL = no rules' set (enable all) */
	size_t nrules;
	const char *const *custom_set; /* borrowed; may contain "!name" */
	size_t ncustom;
	bool repair;
	bool all;
} sp_select_opts;

/* Computes the selection. Unknown names are ignored (other sources' events, or syscalls the
 * driver does not trace) and counted in *unknown when non-NULL. */
void sp_select_compute(const sp_select_opts *o, sp_selection *out, size_t *unknown);

size_t sp_select_count(const sp_selection *s);

#endif
