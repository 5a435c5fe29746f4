/* syscall plugin — loading the eBPF driver, its rings and its syscall selection. */
#ifndef SP_DRIVER_H
#define SP_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "sp_select.h"
#include "vigil/plugin_sdk.h"

typedef struct sp_driver_opts {
	uint64_t buffer_bytes;  /* per ring; rounded up to a power of two >= 1 page */
	uint32_t cpus_per_ring; /* 0 = one ring shared by all CPUs */
	uint32_t snaplen;       /* I/O bytes captured (read/write/sendto/recvfrom/init_module) */
	bool drop_failed;       /* discard failed syscalls in the kernel */
	bool capture_env;       /* execve env */
} sp_driver_opts;

typedef struct sp_driver_stats {
	uint64_t n_evts;
	uint64_t n_drops_buffer;
	uint64_t n_drops_max_size;
	uint64_t n_drops_scratch;
} sp_driver_stats;

typedef struct sp_driver sp_driver;

/* Loads and verifies the driver and creates its rings; nothing is attached yet. Returns NULL
 * with err set on failure (not root, no BTF, verifier rejection...). Free with
 * sp_driver_close. */
sp_driver *sp_driver_open(const sp_driver_opts *o, vsdk_error *err);

/* Enables exactly the selected syscalls and attaches/detaches the programs accordingly. */
bool sp_driver_select(sp_driver *d, const sp_selection *s, vsdk_error *err);

/* How open/openat/openat2/creat/connect arguments are captured at entry: "fentry", "syscall
 * tracepoints" or "tp_btf/sys_enter" (static string; final after the first select). */
const char *sp_driver_enter_hook(const sp_driver *d);

/* Sums the per-CPU counters. */
void sp_driver_stats_read(const sp_driver *d, sp_driver_stats *out);

/* Per-CPU counters of one CPU (cpu < sp_driver_ncpus). */
void sp_driver_stats_cpu(const sp_driver *d, uint32_t cpu, sp_driver_stats *out);

/* CPUs the driver counts for (possible CPUs), 0 when more than it supports. */
uint32_t sp_driver_possible_cpus(void);
uint32_t sp_driver_ncpus(const sp_driver *d);
uint32_t sp_driver_nrings(const sp_driver *d);
int sp_driver_ring_fd(const sp_driver *d, uint32_t ring);
uint64_t sp_driver_ring_bytes(const sp_driver *d);

void sp_driver_close(sp_driver *d);

#endif
