/* Seeding the thread table from procfs: every process, its threads and its fds at start, and a
 * single thread on demand when an event comes from a tid the table does not know (its clone
 * was missed). `root` is the procfs mount ("/proc", or a host's procfs mounted elsewhere when
 * running in a container). Only host tids (< 2^32) are ever looked up. */
#ifndef SST_PROCFS_H
#define SST_PROCFS_H

#include <stdbool.h>
#include <stdint.h>

#include "sst_threads.h"

/* Loads every process and thread under root. Returns the number of threads added. */
uint32_t sst_procfs_scan(sst_threads *t, const char *root);

/* Loads thread tid (and its process when not tracked yet, with its fds). NULL when /proc has no
 * such task (it already exited) or memory ran out. */
sst_thread *sst_procfs_load_thread(sst_threads *t, const char *root, int64_t tid, uint64_t ts);

/* True when root/<tid> exists (used by the stale-thread purge). */
bool sst_procfs_alive(const char *root, int64_t tid);

/* Translates kernel open(2) flags (O_*) to libscap's PPM_O_* bits. */
uint32_t sst_procfs_open_flags(uint32_t kflags);

#endif
