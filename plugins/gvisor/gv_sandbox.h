/* State of one connected sandbox: its number, container id, drop counter and thread table.
 *
 * Thread ids inside a sandbox are those of the sandbox's root pid namespace and collide across
 * sandboxes, so every tid/pid vigil emits is encoded as
 *     (uint64_t)sandbox_index << 32 | (uint32_t)sandbox_tid
 * with sandbox_index >= 1 assigned per accepted connection (never reused by one plugin
 * instance). The raw sandbox ids are kept as the namespace ids (vtid/vpid), so proc.vpid = 1 is
 * the sandbox's init, as it would be for a container on the host. */
#ifndef GV_SANDBOX_H
#define GV_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>

/* Threads tracked per sandbox. gVisor input is untrusted (a fork bomb inside a sandbox must not
 * exhaust vigil's memory); threads beyond this still produce events, without image details. */
#define GV_SANDBOX_MAX_THREADS (1u << 16)

typedef struct gv_thread {
	int32_t tid;            /* sandbox tid; 0 marks a free slot */
	int32_t tgid, ptid;     /* sandbox ids */
	char *exe;              /* owned: argv[0] of the current image */
	char *args;             /* owned: argv[1..] as NUL-terminated strings back to back */
	uint32_t args_len;
	char *exepath;          /* owned: resolved binary path, NULL when unknown */
	char *comm;             /* owned: name after the last exec, NULL = use process_name */
	char *exec_path;        /* owned: pathname of the execve enter in progress, NULL = none */
	uint16_t enter_sysno;   /* clone/fork/vfork/execve enter seen last, 0 = none */
	bool exec_emitted;      /* sentry/execve produced the execve event; skip the syscall exit */
} gv_thread;

typedef struct gv_sandbox {
	uint32_t index;         /* >= 1, high half of every emitted tid */
	char *container_id;     /* owned: first container id the sandbox sent, NULL until then */
	uint64_t init_start_ns; /* start time of the sandbox init (pid namespace start) */
	uint32_t last_dropped;  /* highest dropped_count header value seen (serial order) */
	gv_thread *slots;       /* owned: open-addressing table, `cap` entries (power of two) */
	uint32_t cap, count;
} gv_sandbox;

/* New sandbox state (free with gv_sandbox_free), NULL when out of memory. */
gv_sandbox *gv_sandbox_new(uint32_t index);
void gv_sandbox_free(gv_sandbox *sb);

/* Encoded id for events; 0 stays 0 (no such thread, e.g. the parent of init). */
uint64_t gv_sandbox_tid(const gv_sandbox *sb, int32_t tid);

/* Points this connection failed to send since the highest dropped_count seen so far (a running
 * total that wraps at 2^32; headers may arrive slightly out of order, a late one counts 0).
 * Updates the remembered value. */
uint32_t gv_sandbox_drops(gv_sandbox *sb, uint32_t dropped_count);

/* Remembers the container id if none is known yet (copied). */
void gv_sandbox_learn_container(gv_sandbox *sb, const char *id);

/* Thread lookup; the pointer is valid until the next add/remove. */
gv_thread *gv_sandbox_find(gv_sandbox *sb, int32_t tid);
/* Finds or inserts tid (tid > 0); *created tells which. NULL when out of memory or when the
 * sandbox already has GV_SANDBOX_MAX_THREADS threads. */
gv_thread *gv_sandbox_add(gv_sandbox *sb, int32_t tid, bool *created);
void gv_sandbox_remove(gv_sandbox *sb, int32_t tid);
/* Forgets every thread (the sandbox disconnected). */
void gv_sandbox_clear_threads(gv_sandbox *sb);

/* Replaces the image description of t (strings copied); false when out of memory. */
bool gv_sandbox_set_image(gv_thread *t, const char *exe, const char *args, uint32_t args_len,
                          const char *exepath, const char *comm);
/* Copies the image description of `from` into `to` (fork: the child runs the parent's image). */
bool gv_sandbox_copy_image(gv_thread *to, const gv_thread *from);

#endif
