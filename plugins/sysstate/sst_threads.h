/* The thread table: tid -> thread, pid -> process. Threads of one process share one sst_proc
 * (identity, executable, credentials, cwd, fds), as in the kernel's thread group. Tables are
 * bounded: adding a thread beyond max_threads evicts the least recently active one. Keys are
 * 64-bit: the gVisor source puts a sandbox id in the high bits of tids and pids. */
#ifndef SST_THREADS_H
#define SST_THREADS_H

#include <stdbool.h>
#include <stdint.h>

#include "sst_cgroup.h"
#include "sst_fdtab.h"
#include "sst_map.h"

enum {
	SST_PROC_EXE_WRITABLE = 1u << 0,
	SST_PROC_EXE_UPPER_LAYER = 1u << 1,
	SST_PROC_EXE_FROM_MEMFD = 1u << 2,
	SST_PROC_EXE_LOWER_LAYER = 1u << 3,
};

#define SST_LOGINUID_UNSET UINT32_MAX

typedef struct sst_proc {
	int64_t pid, ppid, sid, pgid, vpid, vpgid;
	uint32_t uid, gid, euid, loginuid, tty, flags;
	uint64_t cap_inheritable, cap_permitted, cap_effective;
	uint64_t start_ts; /* ns since epoch: clone time (proc.duration) */
	uint64_t exe_ino, exe_ino_ctime, exe_ino_mtime;
	sst_str comm, exe, exepath, cwd;
	sst_str args; /* NUL-separated arguments without argv[0], each NUL-terminated */
	sst_str env;  /* NUL-separated NAME=value entries */
	char container_id[SST_CGROUP_ID_LEN + 1];
	sst_map fds;  /* fd -> sst_fd */
	uint32_t nthreads;
	/* Process tree links for re-parenting; parent is NULL when the parent is not tracked. */
	struct sst_proc *parent, *first_child, *next_sib, *prev_sib;
	struct sst_proc *next_free;
} sst_proc;

typedef struct sst_thread {
	int64_t tid, vtid;
	sst_proc *proc;       /* shared, never NULL for a live thread */
	uint64_t last_ts;     /* last event seen (stale purge) */
	struct sst_thread *lru_prev, *lru_next; /* prev = more recent */
} sst_thread;

typedef struct sst_threads {
	sst_map threads;  /* tid -> sst_thread */
	sst_map procs;    /* pid -> sst_proc */
	uint32_t max_threads;
	sst_thread *lru_head, *lru_tail; /* head = most recently active */
	sst_proc *proc_free;
	sst_thread *thread_free; /* linked through lru_next */
	sst_fdtab_pool fdpool;
	uint64_t evicted, purged;
} sst_threads;

void sst_threads_init(sst_threads *t, uint32_t max_threads, uint32_t max_fds_per_proc);
void sst_threads_free(sst_threads *t);

static inline sst_thread *sst_threads_get(const sst_threads *t, int64_t tid)
{
	return (sst_thread *)sst_map_get(&t->threads, (uint64_t)tid);
}

static inline sst_proc *sst_threads_proc(const sst_threads *t, int64_t pid)
{
	return (sst_proc *)sst_map_get(&t->procs, (uint64_t)pid);
}

/* Parent process (by ppid), or NULL when unknown. The tree link saves a hash lookup; it is
 * unset only when the parent was not tracked when the link was made. */
static inline sst_proc *sst_threads_parent(const sst_threads *t, const sst_proc *p)
{
	if (p->parent)
		return p->parent;
	return p->ppid > 0 && p->ppid != p->pid ? sst_threads_proc(t, p->ppid) : NULL;
}

/* Marks th as the most recently active thread at time ts. */
void sst_threads_touch(sst_threads *t, sst_thread *th, uint64_t ts);

/* Adds thread tid of process pid. When the process is tracked the thread joins it; otherwise a
 * new empty process (pid, ppid) is created. An existing entry for tid is returned unchanged.
 * May evict the least recently active thread. NULL on allocation failure. *created tells
 * whether a new process was made (the caller fills its details). */
sst_thread *sst_threads_add(sst_threads *t, int64_t tid, int64_t pid, int64_t ppid, uint64_t ts,
			    bool *created);

/* Removes thread tid. When it was the last thread of its process the process goes too: its
 * children are re-parented to reaper (a pid), or keep their ppid when reaper <= 0 (unknown). */
void sst_threads_remove(sst_threads *t, int64_t tid, int64_t reaper);

/* Copies identity, executable, credentials, cwd, container and fds of src into the new
 * process dst (fork). False on allocation failure (dst is left partly filled but valid). */
bool sst_threads_proc_inherit(sst_threads *t, sst_proc *dst, const sst_proc *src);

/* Changes p's parent to the process ppid (tracked or not). */
void sst_threads_set_parent(sst_threads *t, sst_proc *p, int64_t ppid);

/* Removes up to `budget` threads whose last activity is older than `before` and for which
 * still_alive(ud, tid) returns false (NULL = no check); threads found alive are touched at
 * `now`. Returns how many were removed. */
uint32_t sst_threads_purge(sst_threads *t, uint64_t before, uint64_t now, uint32_t budget,
			   bool (*still_alive)(void *ud, int64_t tid), void *ud);

#endif
