/* Converts decoded gVisor messages into libscap syscall events, exit-only like the eBPF driver.
 *
 * What each message becomes (the event codes are those of <vigil/scap_events.h>):
 *   container/start            clone child event introducing the init + execve exit (args, env,
 *                              cwd, cgroups "gvisor=/<container id>")
 *   sentry/clone               child side of clone/fork/vfork (type from the enter point seen, else
 *                              from the clone flags)
 *   sentry/execve              execve (execveat) exit with the new image; the syscall's own
 *                              successful exit is then skipped (it repeats the stale comm)
 *   sentry/task_exit           procexit; sentry/exit_notify_parent too if task_exit was missed
 *   syscall exits (types 7-34) the matching *_X event (open/openat/creat, close, read family,
 *                              write family, connect, bind, accept/accept4, execve/execveat on
 *                              failure or without sentry/execve, socket, socketpair, chdir/fchdir,
 *                              setuid/setgid/setsid, setresuid/setresgid, prlimit, pipe/pipe2,
 *                              fcntl, dup/dup2/dup3, signalfd(4), chroot, eventfd(2), clone/fork/
 *                              vfork parent side, timerfd_create, inotify_init(1))
 *   raw syscall exits (type 6) kill, tkill, tgkill (other raw syscalls carry only pointers)
 * Enter points are not events; clone/fork/vfork/execve enters only record which syscall runs.
 * The first message of a thread vigil has not seen created (e.g. after attaching to a running
 * sandbox) introduces it with a clone child event built from the message's context. */
#ifndef GV_CONV_H
#define GV_CONV_H

#include <stdint.h>

#include "gv_decode.h"
#include "gv_evbuf.h"
#include "gv_event.h"
#include "gv_sandbox.h"

typedef struct gv_conv_stats {
	uint64_t messages;       /* decoded messages handed to the converter */
	uint64_t events;         /* libscap events produced */
	uint64_t enters;         /* enter points (their arguments repeat in the exit) */
	uint64_t unconverted;    /* messages with no libscap counterpart (raw syscalls, etc.) */
	uint64_t unknown_fields; /* protobuf fields our schema does not declare */
	uint64_t build_failures; /* events that could not be built (too large, out of memory) */
} gv_conv_stats;

/* Scratch space for one converter (one per plugin instance, not shared between threads). */
typedef struct gv_conv {
	gv_conv_stats st;
	char *args, *env, *cgroups; /* owned, reused: joined argv / env / cgroups values */
	gv_event_cache *cache;      /* owned, NULL when it could not be allocated */
	size_t args_cap, env_cap, cgroups_cap;
} gv_conv;

void gv_conv_init(gv_conv *c);
void gv_conv_free(gv_conv *c);

/* Converts one decoded message from sandbox sb, appending 0..n events to out. Returns the
 * number of events appended. */
uint32_t gv_conv_message(gv_conv *c, gv_sandbox *sb, const gv_msg *m, gv_evbuf *out);

/* The sandbox went away: emits a procexit for every thread still alive (ts = now_ns) and empties
 * its thread table. Returns the number of events appended. */
uint32_t gv_conv_disconnect(gv_conv *c, gv_sandbox *sb, uint64_t now_ns, gv_evbuf *out);

/* Realtime clock in ns, used when a message carries no time. */
uint64_t gv_conv_now_ns(void);

#endif
