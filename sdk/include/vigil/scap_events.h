/* vigil — libscap event format: codes, parameter layouts, builder and reader.
 *
 * Events are byte-compatible with falcosecurity/libs (event schema 4.5.1, exit-only drivers):
 * a packed 26-byte header, then `nparams` parameter lengths (u16, or u32 when the event type has
 * EF_LARGE_PAYLOAD), then the parameter values back to back. Integers are host byte order.
 *
 * The event table (vg_scap_event_info_get) gives, for every code vigil knows, the name shown as
 * `evt.type` (without direction: "openat"), the flags and the parameter names that rules use as
 * `evt.arg.NAME`. It is the contract between the syscall driver, the gVisor source, capture files
 * and the syscall state/fields plugin. Values of parameters, by type:
 *
 *   PT_INT8..PT_UINT64, PT_FLAGS*, PT_ENUMFLAGS*, PT_UID, PT_GID, PT_MODE, PT_SIGTYPE, PT_BOOL(u32)
 *                      fixed-size integers of the type's width.
 *   PT_ERRNO, PT_FD, PT_PID, PT_RELTIME, PT_ABSTIME   8 bytes (signed for ERRNO/FD/PID: -errno on
 *                      failure).
 *   PT_CHARBUF, PT_FSPATH, PT_FSRELPATH   NUL-terminated string, the NUL counted in the length.
 *                      FSRELPATH is relative to the PT_FD parameter named by `dirfd_param`.
 *   PT_BYTEBUF         raw bytes. `args`, `env`, `cgroups` are several NUL-terminated strings
 *                      back to back (cgroups are "subsys=/path").
 *   PT_SOCKADDR        u8 family (VG_SCAP_AF_*), then INET: 4-byte address (network order) +
 *                      u16 port (host order); INET6: 16 + u16 port; UNIX: NUL-terminated path.
 *   PT_SOCKTUPLE       u8 family, then INET: sip(4) sport(u16) dip(4) dport(u16); INET6: 16+2+16+2;
 *                      UNIX: u64 source socket + u64 peer socket + NUL-terminated path.
 *                      As in libs, INET tuples are written client -> server whatever side the
 *                      event comes from: connect/sendto/sendmsg write local then remote, while
 *                      accept/accept4 write the REMOTE (client) end first and the local
 *                      (server) end second. UNIX tuples are always this socket, then its peer.
 *   PT_DYN             first byte selects the variant, then the value (ptrace addr/data).
 *   An empty parameter (length 0) means "not available" (e.g. a path that could not be read).
 *
 * Flag values inside PT_FLAGS* parameters are libscap's (PPM_O_*, PPM_CL_* ...), not the kernel's:
 * see vigil/scap_flags.h for the values and the names rules compare against.
 */
#ifndef VIGIL_SCAP_EVENTS_H
#define VIGIL_SCAP_EVENTS_H

/* The BPF side (clang -target bpf, vmlinux.h instead of libc) only uses the constants. */
#ifndef __bpf__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define VG_SCAP_SCHEMA_VERSION "4.5.1"
#define VG_SCAP_HEADER_LEN 26u
/* Largest event the builder/driver produce; larger ones exist only with EF_LARGE_PAYLOAD. */
#define VG_SCAP_MAX_EVENT_LEN 65536u
#define VG_SCAP_MAX_PARAMS 32u
/* `dirfd_param` value for parameters that are not relative paths. */
#define VG_SCAP_NO_DIRFD 0xFFu

/* Event codes (libscap `ppm_event_code`). Even = enter, odd = exit. Suffixes _N_ are layout
 * versions; the current one for each syscall is what drivers emit (see vg_scap_event_is_old). */
enum vg_scap_event_code {
	PPME_GENERIC_E = 0, PPME_GENERIC_X = 1,
	PPME_SYSCALL_OPEN_E = 2, PPME_SYSCALL_OPEN_X = 3,
	PPME_SYSCALL_CLOSE_E = 4, PPME_SYSCALL_CLOSE_X = 5,
	PPME_SYSCALL_READ_E = 6, PPME_SYSCALL_READ_X = 7,
	PPME_SYSCALL_WRITE_E = 8, PPME_SYSCALL_WRITE_X = 9,
	PPME_SYSCALL_BRK_1_E = 10, PPME_SYSCALL_BRK_1_X = 11,
	PPME_SYSCALL_EXECVE_8_E = 12, PPME_SYSCALL_EXECVE_8_X = 13,
	PPME_SYSCALL_CLONE_11_E = 14, PPME_SYSCALL_CLONE_11_X = 15,
	PPME_PROCEXIT_E = 16, PPME_PROCEXIT_X = 17,
	PPME_SOCKET_SOCKET_E = 18, PPME_SOCKET_SOCKET_X = 19,
	PPME_SOCKET_BIND_E = 20, PPME_SOCKET_BIND_X = 21,
	PPME_SOCKET_CONNECT_E = 22, PPME_SOCKET_CONNECT_X = 23,
	PPME_SOCKET_LISTEN_E = 24, PPME_SOCKET_LISTEN_X = 25,
	PPME_SOCKET_ACCEPT_E = 26, PPME_SOCKET_ACCEPT_X = 27,
	PPME_SOCKET_SEND_E = 28, PPME_SOCKET_SEND_X = 29,
	PPME_SOCKET_SENDTO_E = 30, PPME_SOCKET_SENDTO_X = 31,
	PPME_SOCKET_RECV_E = 32, PPME_SOCKET_RECV_X = 33,
	PPME_SOCKET_RECVFROM_E = 34, PPME_SOCKET_RECVFROM_X = 35,
	PPME_SOCKET_SHUTDOWN_E = 36, PPME_SOCKET_SHUTDOWN_X = 37,
	PPME_SOCKET_GETSOCKNAME_E = 38, PPME_SOCKET_GETSOCKNAME_X = 39,
	PPME_SOCKET_GETPEERNAME_E = 40, PPME_SOCKET_GETPEERNAME_X = 41,
	PPME_SOCKET_SOCKETPAIR_E = 42, PPME_SOCKET_SOCKETPAIR_X = 43,
	PPME_SOCKET_SETSOCKOPT_E = 44, PPME_SOCKET_SETSOCKOPT_X = 45,
	PPME_SOCKET_GETSOCKOPT_E = 46, PPME_SOCKET_GETSOCKOPT_X = 47,
	PPME_SOCKET_SENDMSG_E = 48, PPME_SOCKET_SENDMSG_X = 49,
	PPME_SOCKET_SENDMMSG_E = 50, PPME_SOCKET_SENDMMSG_X = 51,
	PPME_SOCKET_RECVMSG_E = 52, PPME_SOCKET_RECVMSG_X = 53,
	PPME_SOCKET_RECVMMSG_E = 54, PPME_SOCKET_RECVMMSG_X = 55,
	PPME_SOCKET_ACCEPT4_E = 56, PPME_SOCKET_ACCEPT4_X = 57,
	PPME_SYSCALL_CREAT_E = 58, PPME_SYSCALL_CREAT_X = 59,
	PPME_SYSCALL_PIPE_E = 60, PPME_SYSCALL_PIPE_X = 61,
	PPME_SYSCALL_EVENTFD_E = 62, PPME_SYSCALL_EVENTFD_X = 63,
	PPME_SYSCALL_FUTEX_E = 64, PPME_SYSCALL_FUTEX_X = 65,
	PPME_SYSCALL_STAT_E = 66, PPME_SYSCALL_STAT_X = 67,
	PPME_SYSCALL_LSTAT_E = 68, PPME_SYSCALL_LSTAT_X = 69,
	PPME_SYSCALL_FSTAT_E = 70, PPME_SYSCALL_FSTAT_X = 71,
	PPME_SYSCALL_STAT64_E = 72, PPME_SYSCALL_STAT64_X = 73,
	PPME_SYSCALL_LSTAT64_E = 74, PPME_SYSCALL_LSTAT64_X = 75,
	PPME_SYSCALL_FSTAT64_E = 76, PPME_SYSCALL_FSTAT64_X = 77,
	PPME_SYSCALL_EPOLLWAIT_E = 78, PPME_SYSCALL_EPOLLWAIT_X = 79,
	PPME_SYSCALL_POLL_E = 80, PPME_SYSCALL_POLL_X = 81,
	PPME_SYSCALL_SELECT_E = 82, PPME_SYSCALL_SELECT_X = 83,
	PPME_SYSCALL_NEWSELECT_E = 84, PPME_SYSCALL_NEWSELECT_X = 85,
	PPME_SYSCALL_LSEEK_E = 86, PPME_SYSCALL_LSEEK_X = 87,
	PPME_SYSCALL_LLSEEK_E = 88, PPME_SYSCALL_LLSEEK_X = 89,
	PPME_SYSCALL_IOCTL_2_E = 90, PPME_SYSCALL_IOCTL_2_X = 91,
	PPME_SYSCALL_GETCWD_E = 92, PPME_SYSCALL_GETCWD_X = 93,
	PPME_SYSCALL_CHDIR_E = 94, PPME_SYSCALL_CHDIR_X = 95,
	PPME_SYSCALL_FCHDIR_E = 96, PPME_SYSCALL_FCHDIR_X = 97,
	PPME_SYSCALL_MKDIR_E = 98, PPME_SYSCALL_MKDIR_X = 99,
	PPME_SYSCALL_RMDIR_E = 100, PPME_SYSCALL_RMDIR_X = 101,
	PPME_SYSCALL_OPENAT_E = 102, PPME_SYSCALL_OPENAT_X = 103,
	PPME_SYSCALL_LINK_E = 104, PPME_SYSCALL_LINK_X = 105,
	PPME_SYSCALL_LINKAT_E = 106, PPME_SYSCALL_LINKAT_X = 107,
	PPME_SYSCALL_UNLINK_E = 108, PPME_SYSCALL_UNLINK_X = 109,
	PPME_SYSCALL_UNLINKAT_E = 110, PPME_SYSCALL_UNLINKAT_X = 111,
	PPME_SYSCALL_PREAD_E = 112, PPME_SYSCALL_PREAD_X = 113,
	PPME_SYSCALL_PWRITE_E = 114, PPME_SYSCALL_PWRITE_X = 115,
	PPME_SYSCALL_READV_E = 116, PPME_SYSCALL_READV_X = 117,
	PPME_SYSCALL_WRITEV_E = 118, PPME_SYSCALL_WRITEV_X = 119,
	PPME_SYSCALL_PREADV_E = 120, PPME_SYSCALL_PREADV_X = 121,
	PPME_SYSCALL_PWRITEV_E = 122, PPME_SYSCALL_PWRITEV_X = 123,
	PPME_SYSCALL_DUP_E = 124, PPME_SYSCALL_DUP_X = 125,
	PPME_SYSCALL_SIGNALFD_E = 126, PPME_SYSCALL_SIGNALFD_X = 127,
	PPME_SYSCALL_KILL_E = 128, PPME_SYSCALL_KILL_X = 129,
	PPME_SYSCALL_TKILL_E = 130, PPME_SYSCALL_TKILL_X = 131,
	PPME_SYSCALL_TGKILL_E = 132, PPME_SYSCALL_TGKILL_X = 133,
	PPME_SYSCALL_NANOSLEEP_E = 134, PPME_SYSCALL_NANOSLEEP_X = 135,
	PPME_SYSCALL_TIMERFD_CREATE_E = 136, PPME_SYSCALL_TIMERFD_CREATE_X = 137,
	PPME_SYSCALL_INOTIFY_INIT_E = 138, PPME_SYSCALL_INOTIFY_INIT_X = 139,
	PPME_SYSCALL_GETRLIMIT_E = 140, PPME_SYSCALL_GETRLIMIT_X = 141,
	PPME_SYSCALL_SETRLIMIT_E = 142, PPME_SYSCALL_SETRLIMIT_X = 143,
	PPME_SYSCALL_PRLIMIT_E = 144, PPME_SYSCALL_PRLIMIT_X = 145,
	PPME_SCHEDSWITCH_1_E = 146, PPME_SCHEDSWITCH_1_X = 147,
	PPME_DROP_E = 148, PPME_DROP_X = 149,
	PPME_SYSCALL_FCNTL_E = 150, PPME_SYSCALL_FCNTL_X = 151,
	PPME_SCHEDSWITCH_6_E = 152, PPME_SCHEDSWITCH_6_X = 153,
	PPME_SYSCALL_EXECVE_13_E = 154, PPME_SYSCALL_EXECVE_13_X = 155,
	PPME_SYSCALL_CLONE_16_E = 156, PPME_SYSCALL_CLONE_16_X = 157,
	PPME_SYSCALL_BRK_4_E = 158, PPME_SYSCALL_BRK_4_X = 159,
	PPME_SYSCALL_MMAP_E = 160, PPME_SYSCALL_MMAP_X = 161,
	PPME_SYSCALL_MMAP2_E = 162, PPME_SYSCALL_MMAP2_X = 163,
	PPME_SYSCALL_MUNMAP_E = 164, PPME_SYSCALL_MUNMAP_X = 165,
	PPME_SYSCALL_SPLICE_E = 166, PPME_SYSCALL_SPLICE_X = 167,
	PPME_SYSCALL_PTRACE_E = 168, PPME_SYSCALL_PTRACE_X = 169,
	PPME_SYSCALL_IOCTL_3_E = 170, PPME_SYSCALL_IOCTL_3_X = 171,
	PPME_SYSCALL_EXECVE_14_E = 172, PPME_SYSCALL_EXECVE_14_X = 173,
	PPME_SYSCALL_RENAME_E = 174, PPME_SYSCALL_RENAME_X = 175,
	PPME_SYSCALL_RENAMEAT_E = 176, PPME_SYSCALL_RENAMEAT_X = 177,
	PPME_SYSCALL_SYMLINK_E = 178, PPME_SYSCALL_SYMLINK_X = 179,
	PPME_SYSCALL_SYMLINKAT_E = 180, PPME_SYSCALL_SYMLINKAT_X = 181,
	PPME_SYSCALL_FORK_E = 182, PPME_SYSCALL_FORK_X = 183,
	PPME_SYSCALL_VFORK_E = 184, PPME_SYSCALL_VFORK_X = 185,
	PPME_PROCEXIT_1_E = 186, PPME_PROCEXIT_1_X = 187,
	PPME_SYSCALL_SENDFILE_E = 188, PPME_SYSCALL_SENDFILE_X = 189,
	PPME_SYSCALL_QUOTACTL_E = 190, PPME_SYSCALL_QUOTACTL_X = 191,
	PPME_SYSCALL_SETRESUID_E = 192, PPME_SYSCALL_SETRESUID_X = 193,
	PPME_SYSCALL_SETRESGID_E = 194, PPME_SYSCALL_SETRESGID_X = 195,
	PPME_SCAPEVENT_E = 196, PPME_SCAPEVENT_X = 197,
	PPME_SYSCALL_SETUID_E = 198, PPME_SYSCALL_SETUID_X = 199,
	PPME_SYSCALL_SETGID_E = 200, PPME_SYSCALL_SETGID_X = 201,
	PPME_SYSCALL_GETUID_E = 202, PPME_SYSCALL_GETUID_X = 203,
	PPME_SYSCALL_GETEUID_E = 204, PPME_SYSCALL_GETEUID_X = 205,
	PPME_SYSCALL_GETGID_E = 206, PPME_SYSCALL_GETGID_X = 207,
	PPME_SYSCALL_GETEGID_E = 208, PPME_SYSCALL_GETEGID_X = 209,
	PPME_SYSCALL_GETRESUID_E = 210, PPME_SYSCALL_GETRESUID_X = 211,
	PPME_SYSCALL_GETRESGID_E = 212, PPME_SYSCALL_GETRESGID_X = 213,
	PPME_SYSCALL_EXECVE_15_E = 214, PPME_SYSCALL_EXECVE_15_X = 215,
	PPME_SYSCALL_CLONE_17_E = 216, PPME_SYSCALL_CLONE_17_X = 217,
	PPME_SYSCALL_FORK_17_E = 218, PPME_SYSCALL_FORK_17_X = 219,
	PPME_SYSCALL_VFORK_17_E = 220, PPME_SYSCALL_VFORK_17_X = 221,
	PPME_SYSCALL_CLONE_20_E = 222, PPME_SYSCALL_CLONE_20_X = 223,
	PPME_SYSCALL_FORK_20_E = 224, PPME_SYSCALL_FORK_20_X = 225,
	PPME_SYSCALL_VFORK_20_E = 226, PPME_SYSCALL_VFORK_20_X = 227,
	PPME_CONTAINER_E = 228, PPME_CONTAINER_X = 229,
	PPME_SYSCALL_EXECVE_16_E = 230, PPME_SYSCALL_EXECVE_16_X = 231,
	PPME_SIGNALDELIVER_E = 232, PPME_SIGNALDELIVER_X = 233,
	PPME_PROCINFO_E = 234, PPME_PROCINFO_X = 235,
	PPME_SYSCALL_GETDENTS_E = 236, PPME_SYSCALL_GETDENTS_X = 237,
	PPME_SYSCALL_GETDENTS64_E = 238, PPME_SYSCALL_GETDENTS64_X = 239,
	PPME_SYSCALL_SETNS_E = 240, PPME_SYSCALL_SETNS_X = 241,
	PPME_SYSCALL_FLOCK_E = 242, PPME_SYSCALL_FLOCK_X = 243,
	PPME_CPU_HOTPLUG_E = 244, PPME_CPU_HOTPLUG_X = 245,
	PPME_SOCKET_ACCEPT_5_E = 246, PPME_SOCKET_ACCEPT_5_X = 247,
	PPME_SOCKET_ACCEPT4_5_E = 248, PPME_SOCKET_ACCEPT4_5_X = 249,
	PPME_SYSCALL_SEMOP_E = 250, PPME_SYSCALL_SEMOP_X = 251,
	PPME_SYSCALL_SEMCTL_E = 252, PPME_SYSCALL_SEMCTL_X = 253,
	PPME_SYSCALL_PPOLL_E = 254, PPME_SYSCALL_PPOLL_X = 255,
	PPME_SYSCALL_MOUNT_E = 256, PPME_SYSCALL_MOUNT_X = 257,
	PPME_SYSCALL_UMOUNT_E = 258, PPME_SYSCALL_UMOUNT_X = 259,
	PPME_K8S_E = 260, PPME_K8S_X = 261,
	PPME_SYSCALL_SEMGET_E = 262, PPME_SYSCALL_SEMGET_X = 263,
	PPME_SYSCALL_ACCESS_E = 264, PPME_SYSCALL_ACCESS_X = 265,
	PPME_SYSCALL_CHROOT_E = 266, PPME_SYSCALL_CHROOT_X = 267,
	PPME_TRACER_E = 268, PPME_TRACER_X = 269,
	PPME_MESOS_E = 270, PPME_MESOS_X = 271,
	PPME_CONTAINER_JSON_E = 272, PPME_CONTAINER_JSON_X = 273,
	PPME_SYSCALL_SETSID_E = 274, PPME_SYSCALL_SETSID_X = 275,
	PPME_SYSCALL_MKDIR_2_E = 276, PPME_SYSCALL_MKDIR_2_X = 277,
	PPME_SYSCALL_RMDIR_2_E = 278, PPME_SYSCALL_RMDIR_2_X = 279,
	PPME_NOTIFICATION_E = 280, PPME_NOTIFICATION_X = 281,
	PPME_SYSCALL_EXECVE_17_E = 282, PPME_SYSCALL_EXECVE_17_X = 283,
	PPME_SYSCALL_UNSHARE_E = 284, PPME_SYSCALL_UNSHARE_X = 285,
	PPME_INFRASTRUCTURE_EVENT_E = 286, PPME_INFRASTRUCTURE_EVENT_X = 287,
	PPME_SYSCALL_EXECVE_18_E = 288, PPME_SYSCALL_EXECVE_18_X = 289,
	PPME_PAGE_FAULT_E = 290, PPME_PAGE_FAULT_X = 291,
	PPME_SYSCALL_EXECVE_19_E = 292, PPME_SYSCALL_EXECVE_19_X = 293,
	PPME_SYSCALL_SETPGID_E = 294, PPME_SYSCALL_SETPGID_X = 295,
	PPME_SYSCALL_BPF_E = 296, PPME_SYSCALL_BPF_X = 297,
	PPME_SYSCALL_SECCOMP_E = 298, PPME_SYSCALL_SECCOMP_X = 299,
	PPME_SYSCALL_UNLINK_2_E = 300, PPME_SYSCALL_UNLINK_2_X = 301,
	PPME_SYSCALL_UNLINKAT_2_E = 302, PPME_SYSCALL_UNLINKAT_2_X = 303,
	PPME_SYSCALL_MKDIRAT_E = 304, PPME_SYSCALL_MKDIRAT_X = 305,
	PPME_SYSCALL_OPENAT_2_E = 306, PPME_SYSCALL_OPENAT_2_X = 307,
	PPME_SYSCALL_LINK_2_E = 308, PPME_SYSCALL_LINK_2_X = 309,
	PPME_SYSCALL_LINKAT_2_E = 310, PPME_SYSCALL_LINKAT_2_X = 311,
	PPME_SYSCALL_FCHMODAT_E = 312, PPME_SYSCALL_FCHMODAT_X = 313,
	PPME_SYSCALL_CHMOD_E = 314, PPME_SYSCALL_CHMOD_X = 315,
	PPME_SYSCALL_FCHMOD_E = 316, PPME_SYSCALL_FCHMOD_X = 317,
	PPME_SYSCALL_RENAMEAT2_E = 318, PPME_SYSCALL_RENAMEAT2_X = 319,
	PPME_SYSCALL_USERFAULTFD_E = 320, PPME_SYSCALL_USERFAULTFD_X = 321,
	PPME_PLUGINEVENT_E = 322, PPME_PLUGINEVENT_X = 323,
	PPME_CONTAINER_JSON_2_E = 324, PPME_CONTAINER_JSON_2_X = 325,
	PPME_SYSCALL_OPENAT2_E = 326, PPME_SYSCALL_OPENAT2_X = 327,
	PPME_SYSCALL_MPROTECT_E = 328, PPME_SYSCALL_MPROTECT_X = 329,
	PPME_SYSCALL_EXECVEAT_E = 330, PPME_SYSCALL_EXECVEAT_X = 331,
	PPME_SYSCALL_COPY_FILE_RANGE_E = 332, PPME_SYSCALL_COPY_FILE_RANGE_X = 333,
	PPME_SYSCALL_CLONE3_E = 334, PPME_SYSCALL_CLONE3_X = 335,
	PPME_SYSCALL_OPEN_BY_HANDLE_AT_E = 336, PPME_SYSCALL_OPEN_BY_HANDLE_AT_X = 337,
	PPME_SYSCALL_IO_URING_SETUP_E = 338, PPME_SYSCALL_IO_URING_SETUP_X = 339,
	PPME_SYSCALL_IO_URING_ENTER_E = 340, PPME_SYSCALL_IO_URING_ENTER_X = 341,
	PPME_SYSCALL_IO_URING_REGISTER_E = 342, PPME_SYSCALL_IO_URING_REGISTER_X = 343,
	PPME_SYSCALL_MLOCK_E = 344, PPME_SYSCALL_MLOCK_X = 345,
	PPME_SYSCALL_MUNLOCK_E = 346, PPME_SYSCALL_MUNLOCK_X = 347,
	PPME_SYSCALL_MLOCKALL_E = 348, PPME_SYSCALL_MLOCKALL_X = 349,
	PPME_SYSCALL_MUNLOCKALL_E = 350, PPME_SYSCALL_MUNLOCKALL_X = 351,
	PPME_SYSCALL_CAPSET_E = 352, PPME_SYSCALL_CAPSET_X = 353,
	PPME_USER_ADDED_E = 354, PPME_USER_ADDED_X = 355,
	PPME_USER_DELETED_E = 356, PPME_USER_DELETED_X = 357,
	PPME_GROUP_ADDED_E = 358, PPME_GROUP_ADDED_X = 359,
	PPME_GROUP_DELETED_E = 360, PPME_GROUP_DELETED_X = 361,
	PPME_SYSCALL_DUP2_E = 362, PPME_SYSCALL_DUP2_X = 363,
	PPME_SYSCALL_DUP3_E = 364, PPME_SYSCALL_DUP3_X = 365,
	PPME_SYSCALL_DUP_1_E = 366, PPME_SYSCALL_DUP_1_X = 367,
	PPME_SYSCALL_BPF_2_E = 368, PPME_SYSCALL_BPF_2_X = 369,
	PPME_SYSCALL_MLOCK2_E = 370, PPME_SYSCALL_MLOCK2_X = 371,
	PPME_SYSCALL_FSCONFIG_E = 372, PPME_SYSCALL_FSCONFIG_X = 373,
	PPME_SYSCALL_EPOLL_CREATE_E = 374, PPME_SYSCALL_EPOLL_CREATE_X = 375,
	PPME_SYSCALL_EPOLL_CREATE1_E = 376, PPME_SYSCALL_EPOLL_CREATE1_X = 377,
	PPME_SYSCALL_CHOWN_E = 378, PPME_SYSCALL_CHOWN_X = 379,
	PPME_SYSCALL_LCHOWN_E = 380, PPME_SYSCALL_LCHOWN_X = 381,
	PPME_SYSCALL_FCHOWN_E = 382, PPME_SYSCALL_FCHOWN_X = 383,
	PPME_SYSCALL_FCHOWNAT_E = 384, PPME_SYSCALL_FCHOWNAT_X = 385,
	PPME_SYSCALL_UMOUNT_1_E = 386, PPME_SYSCALL_UMOUNT_1_X = 387,
	PPME_SOCKET_ACCEPT4_6_E = 388, PPME_SOCKET_ACCEPT4_6_X = 389,
	PPME_SYSCALL_UMOUNT2_E = 390, PPME_SYSCALL_UMOUNT2_X = 391,
	PPME_SYSCALL_PIPE2_E = 392, PPME_SYSCALL_PIPE2_X = 393,
	PPME_SYSCALL_INOTIFY_INIT1_E = 394, PPME_SYSCALL_INOTIFY_INIT1_X = 395,
	PPME_SYSCALL_EVENTFD2_E = 396, PPME_SYSCALL_EVENTFD2_X = 397,
	PPME_SYSCALL_SIGNALFD4_E = 398, PPME_SYSCALL_SIGNALFD4_X = 399,
	PPME_SYSCALL_PRCTL_E = 400, PPME_SYSCALL_PRCTL_X = 401,
	PPME_ASYNCEVENT_E = 402, PPME_ASYNCEVENT_X = 403,
	PPME_SYSCALL_MEMFD_CREATE_E = 404, PPME_SYSCALL_MEMFD_CREATE_X = 405,
	PPME_SYSCALL_PIDFD_GETFD_E = 406, PPME_SYSCALL_PIDFD_GETFD_X = 407,
	PPME_SYSCALL_PIDFD_OPEN_E = 408, PPME_SYSCALL_PIDFD_OPEN_X = 409,
	PPME_SYSCALL_INIT_MODULE_E = 410, PPME_SYSCALL_INIT_MODULE_X = 411,
	PPME_SYSCALL_FINIT_MODULE_E = 412, PPME_SYSCALL_FINIT_MODULE_X = 413,
	PPME_SYSCALL_MKNOD_E = 414, PPME_SYSCALL_MKNOD_X = 415,
	PPME_SYSCALL_MKNODAT_E = 416, PPME_SYSCALL_MKNODAT_X = 417,
	PPME_SYSCALL_NEWFSTATAT_E = 418, PPME_SYSCALL_NEWFSTATAT_X = 419,
	PPME_SYSCALL_PROCESS_VM_READV_E = 420, PPME_SYSCALL_PROCESS_VM_READV_X = 421,
	PPME_SYSCALL_PROCESS_VM_WRITEV_E = 422, PPME_SYSCALL_PROCESS_VM_WRITEV_X = 423,
	PPME_SYSCALL_DELETE_MODULE_E = 424, PPME_SYSCALL_DELETE_MODULE_X = 425,
	PPME_SYSCALL_SETREUID_E = 426, PPME_SYSCALL_SETREUID_X = 427,
	PPME_SYSCALL_SETREGID_E = 428, PPME_SYSCALL_SETREGID_X = 429,
	/* Codes at or above this are newer than vigil's table: readers skip them. */
	PPM_EVENT_MAX = 430
};

#define PPME_IS_ENTER(t) (((t) & 1u) == 0)
#define PPME_IS_EXIT(t) (((t) & 1u) == 1)

/* Event categories (libscap ppm_event_category): low bits = syscall class, high bits = origin. */
enum vg_scap_category {
	EC_UNKNOWN = 0, EC_OTHER = 1, EC_FILE = 2, EC_NET = 3, EC_IPC = 4, EC_MEMORY = 5,
	EC_PROCESS = 6, EC_SLEEP = 7, EC_SYSTEM = 8, EC_SIGNAL = 9, EC_USER = 10, EC_TIME = 11,
	EC_PROCESSING = 12, EC_IO_BASE = 32, EC_IO_READ = 32, EC_IO_WRITE = 33, EC_IO_OTHER = 34,
	EC_WAIT = 1 << 6, EC_SCHEDULER = 1 << 7, EC_INTERNAL = 1 << 8, EC_SYSCALL = 1 << 9,
	EC_TRACEPOINT = 1 << 10, EC_PLUGIN = 1 << 11, EC_METAEVENT = 1 << 12
};

/* Event flags (libscap ppm_event_flags). */
enum vg_scap_event_flag {
	EF_NONE = 0,
	EF_CREATES_FD = 1 << 0,
	EF_DESTROYS_FD = 1 << 1,
	EF_USES_FD = 1 << 2,       /* first parameter named "fd" (or res) refers to an fd */
	EF_READS_FROM_FD = 1 << 3,
	EF_WRITES_TO_FD = 1 << 4,
	EF_MODIFIES_STATE = 1 << 5,
	EF_UNUSED = 1 << 6,        /* placeholder code, never emitted */
	EF_WAITS = 1 << 7,
	EF_SKIPPARSERESET = 1 << 8,
	EF_OLD_VERSION = 1 << 9,   /* superseded layout, only found in old captures */
	EF_LARGE_PAYLOAD = 1 << 11 /* u32 parameter lengths */
};

/* Parameter types (libscap ppm_param_type). Same numbers as the plugin API field types. */
enum vg_scap_param_type {
	PT_NONE = 0, PT_INT8 = 1, PT_INT16 = 2, PT_INT32 = 3, PT_INT64 = 4, PT_UINT8 = 5,
	PT_UINT16 = 6, PT_UINT32 = 7, PT_UINT64 = 8, PT_CHARBUF = 9, PT_BYTEBUF = 10, PT_ERRNO = 11,
	PT_SOCKADDR = 12, PT_SOCKTUPLE = 13, PT_FD = 14, PT_PID = 15, PT_FDLIST = 16, PT_FSPATH = 17,
	PT_SYSCALLID = 18, PT_SIGTYPE = 19, PT_RELTIME = 20, PT_ABSTIME = 21, PT_PORT = 22,
	PT_L4PROTO = 23, PT_SOCKFAMILY = 24, PT_BOOL = 25, PT_IPV4ADDR = 26, PT_DYN = 27,
	PT_FLAGS8 = 28, PT_FLAGS16 = 29, PT_FLAGS32 = 30, PT_UID = 31, PT_GID = 32, PT_DOUBLE = 33,
	PT_SIGSET = 34, PT_CHARBUFARRAY = 35, PT_CHARBUF_PAIR_ARRAY = 36, PT_IPV4NET = 37,
	PT_IPV6ADDR = 38, PT_IPV6NET = 39, PT_IPADDR = 40, PT_IPNET = 41, PT_MODE = 42,
	PT_FSRELPATH = 43, PT_ENUMFLAGS8 = 44, PT_ENUMFLAGS16 = 45, PT_ENUMFLAGS32 = 46, PT_MAX = 47
};

/* Print formats (libscap ppm_print_format). */
enum vg_scap_print_format {
	PF_NA = 0, PF_DEC = 1, PF_HEX = 2, PF_10_PADDED_DEC = 3, PF_ID = 4, PF_DIR = 5, PF_OCT = 6
};

/* Socket family byte at the start of PT_SOCKADDR / PT_SOCKTUPLE (libscap PPM_AF_*). */
enum vg_scap_af {
	VG_SCAP_AF_UNSPEC = 0, VG_SCAP_AF_UNIX = 1, VG_SCAP_AF_INET = 2, VG_SCAP_AF_INET6 = 10,
	VG_SCAP_AF_NETLINK = 16, VG_SCAP_AF_PACKET = 17
};

#ifndef __bpf__
#pragma pack(push, 1)
/* The 26-byte event header (libscap ppm_evt_hdr, plugin API ss_plugin_event). */
typedef struct vg_scap_evt {
	uint64_t ts;      /* ns since the epoch */
	uint64_t tid;     /* thread id in the initial pid namespace, (uint64_t)-1 = none */
	uint32_t len;     /* whole event, header included */
	uint16_t type;    /* PPME_* */
	uint32_t nparams;
} vg_scap_evt;
#pragma pack(pop)
_Static_assert(sizeof(vg_scap_evt) == VG_SCAP_HEADER_LEN, "libscap header is 26 bytes");

/* One name of a flag/enum value table (terminated by {NULL, 0}). */
typedef struct vg_scap_flag_name {
	const char *name;
	uint32_t value;
} vg_scap_flag_name;

typedef struct vg_scap_param_info {
	const char *name;                 /* evt.arg.NAME */
	uint8_t type;                     /* PT_* */
	uint8_t fmt;                      /* PF_* */
	uint8_t dirfd_param;              /* PT_FSRELPATH: index of its dirfd, else VG_SCAP_NO_DIRFD */
	const vg_scap_flag_name *names;   /* flag, enum and mode params: value names, else NULL */
} vg_scap_param_info;

typedef struct vg_scap_event_info {
	const char *name;                 /* evt.type, same for enter/exit and all versions */
	uint32_t category;                /* EC_* */
	uint32_t flags;                   /* EF_* */
	uint32_t nparams;
	const vg_scap_param_info *params; /* nparams entries */
} vg_scap_event_info;

/* Static description of `type`, or NULL when vigil has no description for it (unknown,
 * out of range or a code vigil never reads). The pointer is static storage. */
const vg_scap_event_info *vg_scap_event_info_get(uint16_t type);

/* True for codes drivers no longer emit (EF_OLD_VERSION / EF_UNUSED / undescribed). */
bool vg_scap_event_is_old(uint16_t type);

/* True when the event uses u32 parameter lengths. Unknown codes are small (u16). */
bool vg_scap_event_is_large(uint16_t type);

/* Writes into `out` (up to `cap` entries) every described code whose name is `name` (all
 * layout versions, enter and exit) in increasing order; returns how many exist (may exceed cap). */
size_t vg_scap_event_codes_by_name(const char *name, uint16_t *out, size_t cap);

/* Index of the parameter called `name` in `info`, or -1. */
int vg_scap_event_param_index(const vg_scap_event_info *info, const char *name);

/* Iteration: `for (uint16_t t = 0; t < PPM_EVENT_MAX; t++) if (vg_scap_event_info_get(t)) ...` */

/* Name of a PT_* type as libsinsp prints it ("FD", "CHARBUF" ...); "?" if unknown. */
const char *vg_scap_param_type_name(uint8_t type);

/* ---- builder: write a valid event into a caller buffer ------------------------------------ */

typedef struct vg_scap_builder {
	uint8_t *buf;       /* borrowed: the caller's buffer */
	uint32_t cap;
	uint32_t pos;       /* next value byte */
	uint32_t nparams;
	uint32_t next;      /* next parameter index */
	uint8_t lensz;      /* 2 or 4 */
	bool overflow;      /* a write did not fit: finish() fails */
} vg_scap_builder;

/* Starts an event with explicit nparams and length size (2 or 4). */
static inline void vg_scap_builder_begin_raw(vg_scap_builder *b, void *buf, uint32_t cap,
                                             uint16_t type, uint32_t nparams, bool large,
                                             uint64_t ts, uint64_t tid)
{
	b->buf = (uint8_t *)buf;
	b->cap = cap;
	b->nparams = nparams;
	b->next = 0;
	b->lensz = large ? 4 : 2;
	b->pos = VG_SCAP_HEADER_LEN + nparams * b->lensz;
	b->overflow = nparams > VG_SCAP_MAX_PARAMS || b->pos > cap;
	if (b->overflow)
		return;
	vg_scap_evt h = {.ts = ts, .tid = tid, .len = 0, .type = type, .nparams = nparams};
	memcpy(b->buf, &h, sizeof h);
}

/* Starts an event of a described type (nparams and length size from the table). Returns false
 * (and marks the builder overflowed) when the type is not described. */
bool vg_scap_builder_begin(vg_scap_builder *b, void *buf, uint32_t cap, uint16_t type,
                           uint64_t ts, uint64_t tid);

/* Appends the next parameter's value (len bytes; len 0 = empty parameter). */
static inline void vg_scap_put(vg_scap_builder *b, const void *val, uint32_t len)
{
	if (b->overflow || b->next >= b->nparams || (b->lensz == 2 && len > UINT16_MAX) ||
	    len > b->cap - b->pos) {
		b->overflow = true;
		return;
	}
	uint8_t *lenp = b->buf + VG_SCAP_HEADER_LEN + (size_t)b->next * b->lensz;
	if (b->lensz == 2) {
		uint16_t l16 = (uint16_t)len;
		memcpy(lenp, &l16, 2);
	} else {
		memcpy(lenp, &len, 4);
	}
	if (len)
		memcpy(b->buf + b->pos, val, len);
	b->pos += len;
	b->next++;
}

static inline void vg_scap_put_u8(vg_scap_builder *b, uint8_t v) { vg_scap_put(b, &v, 1); }
static inline void vg_scap_put_u16(vg_scap_builder *b, uint16_t v) { vg_scap_put(b, &v, 2); }
static inline void vg_scap_put_u32(vg_scap_builder *b, uint32_t v) { vg_scap_put(b, &v, 4); }
static inline void vg_scap_put_u64(vg_scap_builder *b, uint64_t v) { vg_scap_put(b, &v, 8); }
static inline void vg_scap_put_i32(vg_scap_builder *b, int32_t v) { vg_scap_put(b, &v, 4); }
static inline void vg_scap_put_i64(vg_scap_builder *b, int64_t v) { vg_scap_put(b, &v, 8); }
static inline void vg_scap_put_empty(vg_scap_builder *b) { vg_scap_put(b, NULL, 0); }
/* NUL-terminated string, NUL included; NULL = empty parameter. */
static inline void vg_scap_put_str(vg_scap_builder *b, const char *s)
{
	if (!s)
		vg_scap_put_empty(b);
	else
		vg_scap_put(b, s, (uint32_t)strlen(s) + 1);
}

/* Completes the event: every declared parameter must have been written. Returns the event
 * length, or 0 when something did not fit or parameters are missing. */
static inline uint32_t vg_scap_builder_finish(vg_scap_builder *b)
{
	if (b->overflow || b->next != b->nparams)
		return 0;
	memcpy(b->buf + offsetof(vg_scap_evt, len), &b->pos, 4);
	return b->pos;
}

/* ---- reader: locate parameters of an event ------------------------------------------------ */

typedef struct vg_scap_param {
	const uint8_t *ptr; /* borrowed: points into the event */
	uint32_t len;
} vg_scap_param;

/* Checks that `evt` (avail readable bytes) is a well-formed event: header fits, len <= avail,
 * lengths and values fit inside len. Returns true when valid. */
bool vg_scap_event_valid(const void *evt, size_t avail);

/* Decodes up to `max` parameters of a valid event into `out`; returns the number decoded
 * (min(nparams, max)), or -1 when the event is malformed. */
int vg_scap_event_params(const void *evt, vg_scap_param *out, uint32_t max);

/* Parameter `i` of a valid event; false when i >= nparams or the event is malformed. */
bool vg_scap_event_param(const void *evt, uint32_t i, vg_scap_param *out);

static inline uint16_t vg_scap_evt_type(const void *evt)
{
	uint16_t t;
	memcpy(&t, (const uint8_t *)evt + offsetof(vg_scap_evt, type), 2);
	return t;
}

static inline uint32_t vg_scap_evt_len(const void *evt)
{
	uint32_t l;
	memcpy(&l, (const uint8_t *)evt + offsetof(vg_scap_evt, len), 4);
	return l;
}

/* Unsigned value of a 1/2/4/8-byte parameter; false for other lengths (e.g. empty). */
static inline bool vg_scap_param_uint(const vg_scap_param *p, uint64_t *v)
{
	switch (p->len) {
	case 1: *v = p->ptr[0]; return true;
	case 2: { uint16_t x; memcpy(&x, p->ptr, 2); *v = x; return true; }
	case 4: { uint32_t x; memcpy(&x, p->ptr, 4); *v = x; return true; }
	case 8: memcpy(v, p->ptr, 8); return true;
	default: return false;
	}
}

/* Sign-extended value of a 1/2/4/8-byte parameter. */
static inline bool vg_scap_param_int(const vg_scap_param *p, int64_t *v)
{
	switch (p->len) {
	case 1: *v = (int8_t)p->ptr[0]; return true;
	case 2: { int16_t x; memcpy(&x, p->ptr, 2); *v = x; return true; }
	case 4: { int32_t x; memcpy(&x, p->ptr, 4); *v = x; return true; }
	case 8: memcpy(v, p->ptr, 8); return true;
	default: return false;
	}
}

/* The parameter as a C string when it is NUL-terminated within its length, else NULL. */
static inline const char *vg_scap_param_str(const vg_scap_param *p)
{
	if (p->len == 0 || p->ptr[p->len - 1] != '\0')
		return NULL;
	return (const char *)p->ptr;
}

#endif /* !__bpf__ */

#ifdef __cplusplus
}
#endif
#endif
