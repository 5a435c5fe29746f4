/* vigil modern eBPF driver — definitions shared by the BPF programs (vigil.bpf.c) and the
 * userspace loader (plugins/syscall). Plain C, no libc: both sides include it. */
#ifndef VIGIL_DRIVER_H
#define VIGIL_DRIVER_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Largest event the driver emits (scap u16 lengths); offsets into the per-CPU scratch are
 * masked with VG_DRV_MAX_EVENT - 1 so the verifier can prove every access in bounds. */
#define VG_DRV_MAX_EVENT 65536
#define VG_DRV_AUX_SIZE (2 * VG_DRV_MAX_EVENT)
#define VG_DRV_MAX_PATH 4096
#define VG_DRV_MAX_ARGS 4096
#define VG_DRV_MAX_SNAPLEN 4096
/* x86_64 syscall numbers are below this; index of the selection table and tail-call array. */
#define VG_DRV_MAX_SYSCALLS 512
/* Slot of the selection table that enables procexit (sched_process_exit); x86_64 has no
 * syscall with this number. */
#define VG_DRV_PROCEXIT_SLOT (VG_DRV_MAX_SYSCALLS - 1)
/* x86_64 syscall numbers both sides act on: exec (its exit needs sched_process_exec's stash)
 * and the five whose user arguments are copied at entry (TOCTOU). */
#define VG_DRV_NR_OPEN 2
#define VG_DRV_NR_CONNECT 42
#define VG_DRV_NR_EXECVE 59
#define VG_DRV_NR_CREAT 85
#define VG_DRV_NR_OPENAT 257
#define VG_DRV_NR_EXECVEAT 322
#define VG_DRV_NR_OPENAT2 437
/* Power of two; per-CPU counters are indexed by cpu & (VG_DRV_MAX_CPUS - 1). */
#define VG_DRV_MAX_CPUS 1024

/* Per-CPU counters, read by userspace from the .bss map (one cache line per CPU). */
struct vg_drv_counters {
	__u64 n_evts;           /* events attempted (drops included) */
	__u64 n_drops_buffer;   /* ring full: bpf_ringbuf_output failed */
	__u64 n_drops_max_size; /* event larger than VG_DRV_MAX_EVENT */
	__u64 n_drops_scratch;  /* no ring or scratch buffer for this CPU */
	__u64 pad[4];
};

#endif
