/* vigil — libscap flag and enum values carried inside event parameters, and their names.
 *
 * Drivers translate kernel values to these (e.g. O_CREAT -> PPM_O_CREAT) so that captures are
 * portable across architectures; rules compare against the names ("evt.arg.flags contains
 * O_CREAT", "evt.arg.request=PTRACE_ATTACH", "evt.arg.prot contains PROT_EXEC"). Values are
 * libs' (falcosecurity/libs driver/ppm_events_public.h, schema 4.5.1).
 *
 * The PPM_* constants need no libc and are shared with the BPF programs.
 */
#ifndef VIGIL_SCAP_FLAGS_H
#define VIGIL_SCAP_FLAGS_H

/* open flags (PT_FLAGS32 "flags" of open/openat/openat2/creat...) */
#define PPM_O_NONE 0
#define PPM_O_RDONLY (1u << 0)
#define PPM_O_WRONLY (1u << 1)
#define PPM_O_RDWR (PPM_O_RDONLY | PPM_O_WRONLY)
#define PPM_O_CREAT (1u << 2)
#define PPM_O_APPEND (1u << 3)
#define PPM_O_DSYNC (1u << 4)
#define PPM_O_EXCL (1u << 5)
#define PPM_O_NONBLOCK (1u << 6)
#define PPM_O_SYNC (1u << 7)
#define PPM_O_TRUNC (1u << 8)
#define PPM_O_DIRECT (1u << 9)
#define PPM_O_DIRECTORY (1u << 10)
#define PPM_O_LARGEFILE (1u << 11)
#define PPM_O_CLOEXEC (1u << 12)
#define PPM_O_TMPFILE (1u << 13)
#define PPM_O_F_CREATED (1u << 14)    /* set by the driver: the call created the file */
#define PPM_FD_UPPER_LAYER (1u << 15) /* the opened file is on an overlayfs upper layer */
#define PPM_FD_LOWER_LAYER (1u << 16)

/* file mode bits (PT_MODE) */
#define PPM_S_IXOTH (1u << 0)
#define PPM_S_IWOTH (1u << 1)
#define PPM_S_IROTH (1u << 2)
#define PPM_S_IXGRP (1u << 3)
#define PPM_S_IWGRP (1u << 4)
#define PPM_S_IRGRP (1u << 5)
#define PPM_S_IXUSR (1u << 6)
#define PPM_S_IWUSR (1u << 7)
#define PPM_S_IRUSR (1u << 8)
#define PPM_S_ISVTX (1u << 9)
#define PPM_S_ISGID (1u << 10)
#define PPM_S_ISUID (1u << 11)

/* clone flags (clone/fork/vfork/clone3 "flags", unshare/setns) */
#define PPM_CL_CLONE_FILES (1u << 0)
#define PPM_CL_CLONE_FS (1u << 1)
#define PPM_CL_CLONE_IO (1u << 2)
#define PPM_CL_CLONE_NEWIPC (1u << 3)
#define PPM_CL_CLONE_NEWNET (1u << 4)
#define PPM_CL_CLONE_NEWNS (1u << 5)
#define PPM_CL_CLONE_NEWPID (1u << 6)
#define PPM_CL_CLONE_NEWUTS (1u << 7)
#define PPM_CL_CLONE_PARENT (1u << 8)
#define PPM_CL_CLONE_PARENT_SETTID (1u << 9)
#define PPM_CL_CLONE_PTRACE (1u << 10)
#define PPM_CL_CLONE_SIGHAND (1u << 11)
#define PPM_CL_CLONE_SYSVSEM (1u << 12)
#define PPM_CL_CLONE_THREAD (1u << 13)
#define PPM_CL_CLONE_UNTRACED (1u << 14)
#define PPM_CL_CLONE_VM (1u << 15)
#define PPM_CL_CLONE_INVERTED (1u << 16)
#define PPM_CL_NAME_CHANGED (1u << 17)
#define PPM_CL_CLOSED (1u << 18)
#define PPM_CL_ACTIVE (1u << 19)
#define PPM_CL_CLONE_NEWUSER (1u << 20)
#define PPM_CL_PIPE_SRC (1u << 21)
#define PPM_CL_PIPE_DST (1u << 22)
#define PPM_CL_CLONE_CHILD_CLEARTID (1u << 23)
#define PPM_CL_CLONE_CHILD_SETTID (1u << 24)
#define PPM_CL_CLONE_SETTLS (1u << 25)
#define PPM_CL_CLONE_STOPPED (1u << 26)
#define PPM_CL_CLONE_VFORK (1u << 27)
#define PPM_CL_CLONE_NEWCGROUP (1u << 28)
#define PPM_CL_CHILD_IN_PIDNS (1u << 29) /* the new task is not in the initial pid namespace */
#define PPM_CL_IS_MAIN_THREAD (1u << 30)

/* execve/execveat "flags" */
#define PPM_EXE_WRITABLE (1u << 0)
#define PPM_EXE_UPPER_LAYER (1u << 1)
#define PPM_EXE_FROM_MEMFD (1u << 2)
#define PPM_EXE_LOWER_LAYER (1u << 3)

/* execveat input flags */
#define PPM_EXVAT_AT_EMPTY_PATH (1u << 0)
#define PPM_EXVAT_AT_SYMLINK_NOFOLLOW (1u << 1)

/* memory protection (mmap/mprotect "prot") */
#define PPM_PROT_NONE 0
#define PPM_PROT_READ (1u << 0)
#define PPM_PROT_WRITE (1u << 1)
#define PPM_PROT_EXEC (1u << 2)
#define PPM_PROT_SEM (1u << 3)
#define PPM_PROT_GROWSDOWN (1u << 4)
#define PPM_PROT_GROWSUP (1u << 5)
#define PPM_PROT_SAO (1u << 6)

/* mmap flags */
#define PPM_MAP_SHARED (1u << 0)
#define PPM_MAP_PRIVATE (1u << 1)
#define PPM_MAP_FIXED (1u << 2)
#define PPM_MAP_ANONYMOUS (1u << 3)
#define PPM_MAP_32BIT (1u << 4)
#define PPM_MAP_RENAME (1u << 5)
#define PPM_MAP_NORESERVE (1u << 6)
#define PPM_MAP_POPULATE (1u << 7)
#define PPM_MAP_NONBLOCK (1u << 8)
#define PPM_MAP_GROWSDOWN (1u << 9)
#define PPM_MAP_DENYWRITE (1u << 10)
#define PPM_MAP_EXECUTABLE (1u << 11)
#define PPM_MAP_INHERIT (1u << 12)
#define PPM_MAP_FILE (1u << 13)
#define PPM_MAP_LOCKED (1u << 14)

/* mount flags (subset of MS_* with the same bit positions up to MS_LAZYTIME) */
#define PPM_MS_RDONLY (1u << 0)
#define PPM_MS_NOSUID (1u << 1)
#define PPM_MS_NODEV (1u << 2)
#define PPM_MS_NOEXEC (1u << 3)
#define PPM_MS_REMOUNT (1u << 5)
#define PPM_MS_BIND (1u << 12)
#define PPM_MS_MOVE (1u << 13)
#define PPM_MS_REC (1u << 14)

/* umount2 flags (1:1 with the kernel's) */
#define PPM_MNT_FORCE (1u << 0)
#define PPM_MNT_DETACH (1u << 1)
#define PPM_MNT_EXPIRE (1u << 2)
#define PPM_UMOUNT_NOFOLLOW (1u << 3)

/* *at() flags */
#define PPM_AT_FDCWD (-100)
#define PPM_AT_REMOVEDIR 0x200u
#define PPM_AT_SYMLINK_FOLLOW 0x400u
#define PPM_AT_EMPTY_PATH 0x1000u

/* renameat2 flags */
#define PPM_RENAME_NOREPLACE (1u << 0)
#define PPM_RENAME_EXCHANGE (1u << 1)
#define PPM_RENAME_WHITEOUT (1u << 2)

/* openat2 resolve flags */
#define PPM_RESOLVE_BENEATH (1u << 0)
#define PPM_RESOLVE_IN_ROOT (1u << 1)
#define PPM_RESOLVE_NO_MAGICLINKS (1u << 2)
#define PPM_RESOLVE_NO_SYMLINKS (1u << 3)
#define PPM_RESOLVE_NO_XDEV (1u << 4)
#define PPM_RESOLVE_CACHED (1u << 5)

/* memfd_create flags (same bits as the kernel's MFD_*) */
#define PPM_MFD_CLOEXEC (1u << 0)
#define PPM_MFD_ALLOW_SEALING (1u << 1)
#define PPM_MFD_HUGETLB (1u << 2)

/* ptrace requests (PT_ENUMFLAGS16 "request") */
#define PPM_PTRACE_UNKNOWN 0
#define PPM_PTRACE_TRACEME 1
#define PPM_PTRACE_PEEKTEXT 2
#define PPM_PTRACE_PEEKDATA 3
#define PPM_PTRACE_PEEKUSR 4
#define PPM_PTRACE_POKETEXT 5
#define PPM_PTRACE_POKEDATA 6
#define PPM_PTRACE_POKEUSR 7
#define PPM_PTRACE_CONT 8
#define PPM_PTRACE_KILL 9
#define PPM_PTRACE_SINGLESTEP 10
#define PPM_PTRACE_ATTACH 11
#define PPM_PTRACE_DETACH 12
#define PPM_PTRACE_SYSCALL 13
#define PPM_PTRACE_SETOPTIONS 14
#define PPM_PTRACE_GETEVENTMSG 15
#define PPM_PTRACE_GETSIGINFO 16
#define PPM_PTRACE_SETSIGINFO 17
#define PPM_PTRACE_GETREGSET 18
#define PPM_PTRACE_SETREGSET 19
#define PPM_PTRACE_SEIZE 20
#define PPM_PTRACE_INTERRUPT 21
#define PPM_PTRACE_LISTEN 22
#define PPM_PTRACE_PEEKSIGINFO 23
#define PPM_PTRACE_GETSIGMASK 24
#define PPM_PTRACE_SETSIGMASK 25
#define PPM_PTRACE_GETREGS 26
#define PPM_PTRACE_SETREGS 27
#define PPM_PTRACE_GETFPREGS 28
#define PPM_PTRACE_SETFPREGS 29
#define PPM_PTRACE_GETFPXREGS 30
#define PPM_PTRACE_SETFPXREGS 31
#define PPM_PTRACE_OLDSETOPTIONS 32
#define PPM_PTRACE_GET_THREAD_AREA 33
#define PPM_PTRACE_SET_THREAD_AREA 34
#define PPM_PTRACE_ARCH_PRCTL 35
#define PPM_PTRACE_SYSEMU 36
#define PPM_PTRACE_SYSEMU_SINGLESTEP 37
#define PPM_PTRACE_SINGLEBLOCK 38
/* first byte of the ptrace PT_DYN addr/data parameters */
#define PPM_PTRACE_IDX_UINT64 0
#define PPM_PTRACE_IDX_SIGTYPE 1

/* shutdown how, lseek whence */
#define PPM_SHUT_RD 0
#define PPM_SHUT_WR 1
#define PPM_SHUT_RDWR 2

/* fcntl commands (PT_ENUMFLAGS8 "cmd" of fcntl). The *LK64 values only exist on 32-bit ABIs. */
#define PPM_FCNTL_UNKNOWN 0
#define PPM_FCNTL_F_DUPFD 1
#define PPM_FCNTL_F_GETFD 2
#define PPM_FCNTL_F_SETFD 3
#define PPM_FCNTL_F_GETFL 4
#define PPM_FCNTL_F_SETFL 5
#define PPM_FCNTL_F_GETLK 6
#define PPM_FCNTL_F_SETLK 8
#define PPM_FCNTL_F_SETLKW 9
#define PPM_FCNTL_F_SETOWN 10
#define PPM_FCNTL_F_GETOWN 12
#define PPM_FCNTL_F_SETSIG 13
#define PPM_FCNTL_F_GETSIG 15
#define PPM_FCNTL_F_GETLK64 17
#define PPM_FCNTL_F_SETLK64 18
#define PPM_FCNTL_F_SETLKW64 19
#define PPM_FCNTL_F_SETOWN_EX 21
#define PPM_FCNTL_F_GETOWN_EX 22
#define PPM_FCNTL_F_SETLEASE 23
#define PPM_FCNTL_F_GETLEASE 24
#define PPM_FCNTL_F_CANCELLK 25
#define PPM_FCNTL_F_DUPFD_CLOEXEC 26
#define PPM_FCNTL_F_NOTIFY 27
#define PPM_FCNTL_F_SETPIPE_SZ 28
#define PPM_FCNTL_F_GETPIPE_SZ 29
#define PPM_FCNTL_F_OFD_GETLK 30
#define PPM_FCNTL_F_OFD_SETLK 31
#define PPM_FCNTL_F_OFD_SETLKW 32

/* resource limits (PT_ENUMFLAGS8 "resource" of getrlimit/setrlimit/prlimit) */
#define PPM_RLIMIT_CPU 0
#define PPM_RLIMIT_FSIZE 1
#define PPM_RLIMIT_DATA 2
#define PPM_RLIMIT_STACK 3
#define PPM_RLIMIT_CORE 4
#define PPM_RLIMIT_RSS 5
#define PPM_RLIMIT_NPROC 6
#define PPM_RLIMIT_NOFILE 7
#define PPM_RLIMIT_MEMLOCK 8
#define PPM_RLIMIT_AS 9
#define PPM_RLIMIT_LOCKS 10
#define PPM_RLIMIT_SIGPENDING 11
#define PPM_RLIMIT_MSGQUEUE 12
#define PPM_RLIMIT_NICE 13
#define PPM_RLIMIT_RTPRIO 14
#define PPM_RLIMIT_RTTIME 15
#define PPM_RLIMIT_UNKNOWN 255

/* epoll_create1 flags */
#define PPM_EPOLL_CLOEXEC (1u << 0)

/* Capabilities (cap_inheritable/cap_permitted/cap_effective of execve, capset, the process list
 * and thread.cap_*) are NOT translated: bit N is the kernel's capability number N
 * (CAP_CHOWN = bit 0 ... CAP_SYS_ADMIN = bit 21 ... CAP_CHECKPOINT_RESTORE = bit 40), as libs'
 * drivers copy the kernel_cap_t words. */

#ifndef __bpf__
#include <stddef.h>
#include <stdint.h>
#include "vigil/scap_events.h"

/* Name tables ({NULL, 0}-terminated, static storage). Bit-flag tables list multi-bit names
 * (O_RDWR) before their parts so a renderer can consume them first. */
extern const vg_scap_flag_name vg_scap_flags_open[];
extern const vg_scap_flag_name vg_scap_flags_mode[];
extern const vg_scap_flag_name vg_scap_flags_clone[];
extern const vg_scap_flag_name vg_scap_flags_execve[];
extern const vg_scap_flag_name vg_scap_flags_execveat[];
extern const vg_scap_flag_name vg_scap_flags_prot[];
extern const vg_scap_flag_name vg_scap_flags_mmap[];
extern const vg_scap_flag_name vg_scap_flags_mount[];
extern const vg_scap_flag_name vg_scap_flags_umount[];
extern const vg_scap_flag_name vg_scap_flags_unlinkat[];
extern const vg_scap_flag_name vg_scap_flags_linkat[];
extern const vg_scap_flag_name vg_scap_flags_renameat2[];
extern const vg_scap_flag_name vg_scap_flags_openat2[];
extern const vg_scap_flag_name vg_scap_flags_memfd[];
extern const vg_scap_flag_name vg_scap_flags_fchownat[];
extern const vg_scap_flag_name vg_scap_flags_shutdown[];
extern const vg_scap_flag_name vg_scap_flags_lseek[];
/* enums (one value, not a bit set) */
extern const vg_scap_flag_name vg_scap_enum_socket_family[];
extern const vg_scap_flag_name vg_scap_enum_ptrace[];
extern const vg_scap_flag_name vg_scap_enum_fcntl[];
extern const vg_scap_flag_name vg_scap_enum_rlimit[];
extern const vg_scap_flag_name vg_scap_flags_epoll_create1[];

/* errno names for evt.res ("ENOENT"), indexed by positive errno; NULL when unknown. */
const char *vg_scap_errno_name(int64_t err);

/* Renders `value` with a bit-flag table as "O_RDWR|O_CREAT" into buf (NUL-terminated, never
 * truncated silently: returns the length needed; if >= cap the output is cut and the caller
 * should retry bigger). Unnamed leftover bits are appended in hex. */
size_t vg_scap_flags_format(const vg_scap_flag_name *names, uint32_t value, char *buf, size_t cap);

/* Name of an enum value in `names`, or NULL. */
const char *vg_scap_enum_name(const vg_scap_flag_name *names, uint32_t value);

/* Value of `name` in `names`; returns 0 and sets *found=false when absent. */
uint32_t vg_scap_flag_value(const vg_scap_flag_name *names, const char *name, int *found);
#endif /* !__bpf__ */

#endif
