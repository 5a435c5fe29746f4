/* File descriptors of one process: what each fd refers to (file, directory, socket with its
 * tuple, pipe, ...) as learned from events and /proc. A table is an sst_map fd -> sst_fd; the
 * sst_fd nodes come from a per-state pool so closing and reopening never frees memory, and
 * name buffers keep their capacity across reuse. */
#ifndef SST_FDTAB_H
#define SST_FDTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "sst_map.h"

/* fd.type values, in the order of sst_fdtab_type_name/typechar. */
typedef enum sst_fd_type {
	SST_FD_UNKNOWN = 0,
	SST_FD_FILE,
	SST_FD_DIRECTORY,
	SST_FD_IPV4,
	SST_FD_IPV6,
	SST_FD_UNIX,
	SST_FD_PIPE,
	SST_FD_EVENT,
	SST_FD_SIGNALFD,
	SST_FD_EVENTPOLL,
	SST_FD_INOTIFY,
	SST_FD_TIMERFD,
	SST_FD_NETLINK,
	SST_FD_BPF,
	SST_FD_USERFAULTFD,
	SST_FD_IOURING,
	SST_FD_MEMFD,
	SST_FD_PIDFD,
	SST_FD_TYPE_COUNT
} sst_fd_type;

typedef enum sst_fd_l4 {
	SST_L4_UNKNOWN = 0,
	SST_L4_TCP,
	SST_L4_UDP,
	SST_L4_ICMP,
	SST_L4_RAW,
} sst_fd_l4;

/* Which end of a connection this process holds. */
typedef enum sst_fd_role {
	SST_ROLE_NONE = 0,
	SST_ROLE_CLIENT, /* connect(): local end = client */
	SST_ROLE_SERVER, /* accept()/bind(): local end = server */
} sst_fd_role;

/* A growable owned string; p is NUL-terminated when non-NULL. */
typedef struct sst_str {
	char *p;
	uint32_t len, cap;
} sst_str;

/* Copies s[0..n) into dst, growing it when needed; false on allocation failure. */
bool sst_str_set(sst_str *dst, const char *s, uint32_t n);
/* Makes room for n bytes plus a NUL without changing the content's validity. */
bool sst_str_reserve(sst_str *s, uint32_t n);
void sst_str_free(sst_str *s);

typedef struct sst_fd {
	int64_t num;
	uint8_t type;     /* sst_fd_type */
	uint8_t l4proto;  /* sst_fd_l4 */
	uint8_t role;     /* sst_fd_role */
	uint8_t family;   /* VG_SCAP_AF_* for sockets, else 0 */
	bool connected;
	bool name_changed;
	uint32_t flags;   /* PPM_O_* open flags (PPM_O_CLOEXEC drives execve cleanup) */
	uint32_t dev;
	uint64_t ino;
	uint8_t cip[16], sip[16]; /* network order; 4 bytes used for IPv4 */
	uint16_t cport, sport;
	sst_str name;     /* fd.name: resolved path, socket tuple, unix path ... */
	sst_str nameraw;  /* fd.nameraw: path as the program passed it */
	struct sst_fd *next_free;
} sst_fd;

/* The per-state node pool. */
typedef struct sst_fdtab_pool {
	sst_fd *free;
	uint32_t max_per_proc; /* cap of one process' table; extra fds are not tracked */
	uint64_t dropped;      /* fds not tracked because a table was full */
} sst_fdtab_pool;

void sst_fdtab_pool_init(sst_fdtab_pool *p, uint32_t max_per_proc);
void sst_fdtab_pool_free(sst_fdtab_pool *p);

/* Resets every member of f except its string buffers (kept for reuse). */
void sst_fdtab_clear_entry(sst_fd *f);

/* Entry for fd in tab, or NULL (borrowed, valid until that fd is removed). */
static inline sst_fd *sst_fdtab_get(const sst_map *tab, int64_t fd)
{
	return (sst_fd *)sst_map_get(tab, (uint64_t)fd);
}

/* Returns a cleared entry for fd, replacing what was there; NULL when the table is full or memory
 * ran out (counted in pool->dropped). */
sst_fd *sst_fdtab_add(sst_fdtab_pool *p, sst_map *tab, int64_t fd);

/* Removes fd (no-op when absent). */
void sst_fdtab_del(sst_fdtab_pool *p, sst_map *tab, int64_t fd);

/* dst gets a copy of src's entry under number newfd (dup/dup2/dup3/fcntl F_DUPFD). Returns the new
 * entry or NULL. When cloexec is true the copy carries PPM_O_CLOEXEC, else it has none. */
sst_fd *sst_fdtab_dup(sst_fdtab_pool *p, sst_map *tab, int64_t oldfd, int64_t newfd, bool cloexec);

/* Copies every entry of src into the empty table dst (fork). False on allocation failure. */
bool sst_fdtab_copy(sst_fdtab_pool *p, sst_map *dst, const sst_map *src);

/* Removes every entry (process exit) or only those with PPM_O_CLOEXEC (execve). */
void sst_fdtab_clear(sst_fdtab_pool *p, sst_map *tab, bool cloexec_only);

const char *sst_fdtab_type_name(uint8_t type);  /* "file", "ipv4", ... */
const char *sst_fdtab_typechar(uint8_t type);   /* "f", "4", ... */
const char *sst_fdtab_l4_name(uint8_t l4);      /* "tcp", "udp", "icmp", "raw" or NULL */

#endif
