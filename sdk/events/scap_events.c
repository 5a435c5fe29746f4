/* vigil — libscap event table (schema 4.5.1) and the non-inline part of the builder/reader.
 *
 * Each entry: evt.type name, category, flags, parameters (name, type, print format, flag
 * names or dirfd index). Enter events of syscalls drivers now report exit-only are marked
 * EF_OLD_VERSION, as libs does; they are kept so old captures stay readable.
 */
#include "vigil/scap_events.h"
#include "vigil/scap_flags.h"

#include <string.h>

/* Parameter descriptions. */
#define P(n, t, f) {n, PT_##t, PF_##f, VG_SCAP_NO_DIRFD, NULL}
#define PN(n, t, f, names) {n, PT_##t, PF_##f, VG_SCAP_NO_DIRFD, names}
#define PREL(n, dirfd) {n, PT_FSRELPATH, PF_NA, dirfd, NULL}

#define PARAMS(...) ((const vg_scap_param_info[]){__VA_ARGS__})
#define COUNT(...) (sizeof(PARAMS(__VA_ARGS__)) / sizeof(vg_scap_param_info))
#define EV(code, name, cat, flags, ...) \
	[code] = {name, cat, flags, COUNT(__VA_ARGS__), PARAMS(__VA_ARGS__)}
#define EV0(code, name, cat, flags) [code] = {name, cat, flags, 0, NULL}

#define SC EC_SYSCALL
#define OLD EF_OLD_VERSION

/* Shared parameter lists. */
#define RES P("res", ERRNO, DEC)
#define FD P("fd", FD, DEC)
#define OPEN_FLAGS PN("flags", FLAGS32, HEX, vg_scap_flags_open)
#define CLONE_FLAGS PN("flags", FLAGS32, HEX, vg_scap_flags_clone)
#define MODE_BITS PN("mode", MODE, OCT, vg_scap_flags_mode)

/* The process description carried by clone/fork/vfork/clone3 exits (layout version 20). */
#define CLONE20_PARAMS \
	P("res", PID, DEC), P("exe", CHARBUF, NA), P("args", BYTEBUF, NA), P("tid", PID, DEC), \
	P("pid", PID, DEC), P("ptid", PID, DEC), P("cwd", CHARBUF, NA), P("fdlimit", INT64, DEC), \
	P("pgft_maj", UINT64, DEC), P("pgft_min", UINT64, DEC), P("vm_size", UINT32, DEC), \
	P("vm_rss", UINT32, DEC), P("vm_swap", UINT32, DEC), P("comm", CHARBUF, NA), \
	P("cgroups", BYTEBUF, NA), CLONE_FLAGS, P("uid", UINT32, DEC), P("gid", UINT32, DEC), \
	P("vtid", PID, DEC), P("vpid", PID, DEC), P("pidns_init_start_ts", UINT64, DEC)

/* execve/execveat exits share the first 30 parameters (execve version 19 adds "filename"). */
#define EXECVE_COMMON_PARAMS \
	RES, P("exe", CHARBUF, NA), P("args", BYTEBUF, NA), P("tid", PID, DEC), \
	P("pid", PID, DEC), P("ptid", PID, DEC), P("cwd", CHARBUF, NA), P("fdlimit", UINT64, DEC), \
	P("pgft_maj", UINT64, DEC), P("pgft_min", UINT64, DEC), P("vm_size", UINT32, DEC), \
	P("vm_rss", UINT32, DEC), P("vm_swap", UINT32, DEC), P("comm", CHARBUF, NA), \
	P("cgroups", BYTEBUF, NA), P("env", BYTEBUF, NA), P("tty", UINT32, DEC), \
	P("vpgid", PID, DEC), P("loginuid", UID, DEC), \
	PN("flags", FLAGS32, HEX, vg_scap_flags_execve), P("cap_inheritable", UINT64, HEX), \
	P("cap_permitted", UINT64, HEX), P("cap_effective", UINT64, HEX), \
	P("exe_ino", UINT64, DEC), P("exe_ino_ctime", ABSTIME, DEC), \
	P("exe_ino_mtime", ABSTIME, DEC), P("uid", UID, DEC), P("trusted_exepath", FSPATH, NA), \
	P("pgid", PID, NA), P("gid", GID, DEC)

#define FCNTL_CMD PN("cmd", ENUMFLAGS8, DEC, vg_scap_enum_fcntl)
#define RLIMIT_RESOURCE PN("resource", ENUMFLAGS8, DEC, vg_scap_enum_rlimit)
#define CREATES_FD (EF_CREATES_FD | EF_MODIFIES_STATE)
#define CHOWN_IDS P("uid", UINT32, DEC), P("gid", UINT32, DEC)
#define MEM_COUNTERS P("vm_size", UINT32, DEC), P("vm_rss", UINT32, DEC), P("vm_swap", UINT32, DEC)

static const vg_scap_event_info event_table[PPM_EVENT_MAX] = {
	EV(PPME_GENERIC_E, "syscall", EC_OTHER | SC, OLD,
	   P("ID", SYSCALLID, DEC), P("nativeID", UINT16, DEC)),
	EV(PPME_GENERIC_X, "syscall", EC_OTHER | SC, EF_NONE,
	   P("ID", SYSCALLID, DEC), P("nativeID", UINT16, DEC)),

	/* ---- files ---- */
	EV(PPME_SYSCALL_OPEN_E, "open", EC_FILE | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD,
	   P("name", FSPATH, NA), OPEN_FLAGS, P("mode", UINT32, OCT)),
	EV(PPME_SYSCALL_OPEN_X, "open", EC_FILE | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   FD, P("name", FSPATH, NA), OPEN_FLAGS, P("mode", UINT32, OCT), P("dev", UINT32, HEX),
	   P("ino", UINT64, DEC)),
	EV(PPME_SYSCALL_OPENAT_2_E, "openat", EC_FILE | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD,
	   P("dirfd", FD, DEC), PREL("name", 0), OPEN_FLAGS, P("mode", UINT32, OCT)),
	EV(PPME_SYSCALL_OPENAT_2_X, "openat", EC_FILE | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   FD, P("dirfd", FD, DEC), PREL("name", 1), OPEN_FLAGS, P("mode", UINT32, OCT),
	   P("dev", UINT32, HEX), P("ino", UINT64, DEC)),
	EV(PPME_SYSCALL_OPENAT2_E, "openat2", EC_FILE | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD,
	   P("dirfd", FD, DEC), PREL("name", 0), OPEN_FLAGS, P("mode", UINT32, OCT),
	   PN("resolve", FLAGS32, HEX, vg_scap_flags_openat2)),
	EV(PPME_SYSCALL_OPENAT2_X, "openat2", EC_FILE | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   FD, P("dirfd", FD, DEC), PREL("name", 1), OPEN_FLAGS, P("mode", UINT32, OCT),
	   PN("resolve", FLAGS32, HEX, vg_scap_flags_openat2), P("dev", UINT32, HEX),
	   P("ino", UINT64, DEC)),
	EV(PPME_SYSCALL_CREAT_E, "creat", EC_FILE | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD,
	   P("name", FSPATH, NA), P("mode", UINT32, OCT)),
	EV(PPME_SYSCALL_CREAT_X, "creat", EC_FILE | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   FD, P("name", FSPATH, NA), P("mode", UINT32, OCT), P("dev", UINT32, HEX),
	   P("ino", UINT64, DEC), PN("creat_flags", FLAGS16, HEX, vg_scap_flags_open)),
	EV(PPME_SYSCALL_CLOSE_E, "close", EC_IO_OTHER | SC,
	   EF_DESTROYS_FD | EF_USES_FD | EF_MODIFIES_STATE | OLD, FD),
	EV(PPME_SYSCALL_CLOSE_X, "close", EC_IO_OTHER | SC,
	   EF_DESTROYS_FD | EF_USES_FD | EF_MODIFIES_STATE, RES, FD),
	EV(PPME_SYSCALL_READ_E, "read", EC_IO_READ | SC, EF_USES_FD | EF_READS_FROM_FD | OLD,
	   FD, P("size", UINT32, DEC)),
	EV(PPME_SYSCALL_READ_X, "read", EC_IO_READ | SC, EF_USES_FD | EF_READS_FROM_FD,
	   RES, P("data", BYTEBUF, NA), FD, P("size", UINT32, DEC)),
	EV(PPME_SYSCALL_WRITE_E, "write", EC_IO_WRITE | SC, EF_USES_FD | EF_WRITES_TO_FD | OLD,
	   FD, P("size", UINT32, DEC)),
	EV(PPME_SYSCALL_WRITE_X, "write", EC_IO_WRITE | SC, EF_USES_FD | EF_WRITES_TO_FD,
	   RES, P("data", BYTEBUF, NA), FD, P("size", UINT32, DEC)),
	EV(PPME_SYSCALL_PREAD_E, "pread", EC_IO_READ | SC, EF_USES_FD | EF_READS_FROM_FD | OLD,
	   FD, P("size", UINT32, DEC), P("pos", UINT64, DEC)),
	EV(PPME_SYSCALL_PREAD_X, "pread", EC_IO_READ | SC, EF_USES_FD | EF_READS_FROM_FD,
	   RES, P("data", BYTEBUF, NA), FD, P("size", UINT32, DEC), P("pos", UINT64, DEC)),
	EV(PPME_SYSCALL_PWRITE_E, "pwrite", EC_IO_WRITE | SC, EF_USES_FD | EF_WRITES_TO_FD | OLD,
	   FD, P("size", UINT32, DEC), P("pos", UINT64, DEC)),
	EV(PPME_SYSCALL_PWRITE_X, "pwrite", EC_IO_WRITE | SC, EF_USES_FD | EF_WRITES_TO_FD,
	   RES, P("data", BYTEBUF, NA), FD, P("size", UINT32, DEC), P("pos", UINT64, DEC)),
	EV(PPME_SYSCALL_READV_E, "readv", EC_IO_READ | SC, EF_USES_FD | EF_READS_FROM_FD | OLD, FD),
	EV(PPME_SYSCALL_READV_X, "readv", EC_IO_READ | SC, EF_USES_FD | EF_READS_FROM_FD,
	   RES, P("size", UINT32, DEC), P("data", BYTEBUF, NA), FD),
	EV(PPME_SYSCALL_WRITEV_E, "writev", EC_IO_WRITE | SC, EF_USES_FD | EF_WRITES_TO_FD | OLD,
	   FD, P("size", UINT32, DEC)),
	EV(PPME_SYSCALL_WRITEV_X, "writev", EC_IO_WRITE | SC, EF_USES_FD | EF_WRITES_TO_FD,
	   RES, P("data", BYTEBUF, NA), FD, P("size", UINT32, DEC)),
	EV(PPME_SYSCALL_PREADV_E, "preadv", EC_IO_READ | SC, EF_USES_FD | EF_READS_FROM_FD | OLD,
	   FD, P("pos", UINT64, DEC)),
	EV(PPME_SYSCALL_PREADV_X, "preadv", EC_IO_READ | SC, EF_USES_FD | EF_READS_FROM_FD,
	   RES, P("size", UINT32, DEC), P("data", BYTEBUF, NA), FD, P("pos", UINT64, DEC)),
	EV(PPME_SYSCALL_PWRITEV_E, "pwritev", EC_IO_WRITE | SC, EF_USES_FD | EF_WRITES_TO_FD | OLD,
	   FD, P("size", UINT32, DEC), P("pos", UINT64, DEC)),
	EV(PPME_SYSCALL_PWRITEV_X, "pwritev", EC_IO_WRITE | SC, EF_USES_FD | EF_WRITES_TO_FD,
	   RES, P("data", BYTEBUF, NA), FD, P("size", UINT32, DEC), P("pos", UINT64, DEC)),
	EV0(PPME_SYSCALL_GETCWD_E, "getcwd", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_GETCWD_X, "getcwd", EC_FILE | SC, EF_NONE, RES, P("path", CHARBUF, NA)),
	EV0(PPME_SYSCALL_CHDIR_E, "chdir", EC_FILE | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_CHDIR_X, "chdir", EC_FILE | SC, EF_MODIFIES_STATE,
	   RES, P("path", CHARBUF, NA)),
	EV(PPME_SYSCALL_FCHDIR_E, "fchdir", EC_FILE | SC, EF_USES_FD | EF_MODIFIES_STATE | OLD,
	   P("fd", FD, NA)),
	EV(PPME_SYSCALL_FCHDIR_X, "fchdir", EC_FILE | SC, EF_USES_FD | EF_MODIFIES_STATE,
	   RES, P("fd", FD, NA)),
	EV(PPME_SYSCALL_MKDIR_2_E, "mkdir", EC_FILE | SC, OLD, P("mode", UINT32, HEX)),
	EV(PPME_SYSCALL_MKDIR_2_X, "mkdir", EC_FILE | SC, EF_NONE,
	   RES, P("path", FSPATH, NA), P("mode", UINT32, HEX)),
	EV0(PPME_SYSCALL_MKDIRAT_E, "mkdirat", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_MKDIRAT_X, "mkdirat", EC_FILE | SC, EF_USES_FD,
	   RES, P("dirfd", FD, DEC), PREL("path", 1), P("mode", UINT32, HEX)),
	EV0(PPME_SYSCALL_RMDIR_2_E, "rmdir", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_RMDIR_2_X, "rmdir", EC_FILE | SC, EF_NONE, RES, P("path", FSPATH, NA)),
	EV0(PPME_SYSCALL_UNLINK_2_E, "unlink", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_UNLINK_2_X, "unlink", EC_FILE | SC, EF_NONE, RES, P("path", FSPATH, NA)),
	EV0(PPME_SYSCALL_UNLINKAT_2_E, "unlinkat", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_UNLINKAT_2_X, "unlinkat", EC_FILE | SC, EF_USES_FD,
	   RES, P("dirfd", FD, DEC), PREL("name", 1),
	   PN("flags", FLAGS32, HEX, vg_scap_flags_unlinkat)),
	EV0(PPME_SYSCALL_RENAME_E, "rename", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_RENAME_X, "rename", EC_FILE | SC, EF_NONE,
	   RES, P("oldpath", FSPATH, NA), P("newpath", FSPATH, NA)),
	EV0(PPME_SYSCALL_RENAMEAT_E, "renameat", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_RENAMEAT_X, "renameat", EC_FILE | SC, EF_NONE,
	   RES, P("olddirfd", FD, DEC), PREL("oldpath", 1), P("newdirfd", FD, DEC),
	   PREL("newpath", 3)),
	EV0(PPME_SYSCALL_RENAMEAT2_E, "renameat2", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_RENAMEAT2_X, "renameat2", EC_FILE | SC, EF_NONE,
	   RES, P("olddirfd", FD, DEC), PREL("oldpath", 1), P("newdirfd", FD, DEC),
	   PREL("newpath", 3), PN("flags", FLAGS32, HEX, vg_scap_flags_renameat2)),
	EV0(PPME_SYSCALL_SYMLINK_E, "symlink", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_SYMLINK_X, "symlink", EC_FILE | SC, EF_NONE,
	   RES, P("target", CHARBUF, NA), P("linkpath", FSPATH, NA)),
	EV0(PPME_SYSCALL_SYMLINKAT_E, "symlinkat", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_SYMLINKAT_X, "symlinkat", EC_FILE | SC, EF_USES_FD,
	   RES, P("target", CHARBUF, NA), P("linkdirfd", FD, DEC), PREL("linkpath", 2)),
	EV0(PPME_SYSCALL_LINK_2_E, "link", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_LINK_2_X, "link", EC_FILE | SC, EF_NONE,
	   RES, P("oldpath", FSPATH, NA), P("newpath", FSPATH, NA)),
	EV0(PPME_SYSCALL_LINKAT_2_E, "linkat", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_LINKAT_2_X, "linkat", EC_FILE | SC, EF_NONE,
	   RES, P("olddir", FD, DEC), PREL("oldpath", 1), P("newdir", FD, DEC), PREL("newpath", 3),
	   PN("flags", FLAGS32, HEX, vg_scap_flags_linkat)),
	EV0(PPME_SYSCALL_CHMOD_E, "chmod", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_CHMOD_X, "chmod", EC_FILE | SC, EF_NONE,
	   RES, P("filename", FSPATH, NA), MODE_BITS),
	EV0(PPME_SYSCALL_FCHMOD_E, "fchmod", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_FCHMOD_X, "fchmod", EC_FILE | SC, EF_USES_FD, RES, FD, MODE_BITS),
	EV0(PPME_SYSCALL_FCHMODAT_E, "fchmodat", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_FCHMODAT_X, "fchmodat", EC_FILE | SC, EF_USES_FD,
	   RES, P("dirfd", FD, DEC), PREL("filename", 1), MODE_BITS),
	EV0(PPME_SYSCALL_CHOWN_E, "chown", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_CHOWN_X, "chown", EC_FILE | SC, EF_NONE,
	   RES, P("path", FSPATH, NA), CHOWN_IDS),
	EV0(PPME_SYSCALL_LCHOWN_E, "lchown", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_LCHOWN_X, "lchown", EC_FILE | SC, EF_NONE,
	   RES, P("path", FSPATH, NA), CHOWN_IDS),
	EV0(PPME_SYSCALL_FCHOWN_E, "fchown", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_FCHOWN_X, "fchown", EC_FILE | SC, EF_USES_FD, RES, FD, CHOWN_IDS),
	EV0(PPME_SYSCALL_FCHOWNAT_E, "fchownat", EC_FILE | SC, OLD),
	EV(PPME_SYSCALL_FCHOWNAT_X, "fchownat", EC_FILE | SC, EF_USES_FD,
	   RES, P("dirfd", FD, DEC), PREL("pathname", 1), CHOWN_IDS,
	   PN("flags", FLAGS32, HEX, vg_scap_flags_fchownat)),
	EV(PPME_SYSCALL_MOUNT_E, "mount", EC_FILE | SC, EF_MODIFIES_STATE | OLD,
	   PN("flags", FLAGS32, HEX, vg_scap_flags_mount)),
	EV(PPME_SYSCALL_MOUNT_X, "mount", EC_FILE | SC, EF_MODIFIES_STATE,
	   RES, P("dev", CHARBUF, NA), P("dir", FSPATH, NA), P("type", CHARBUF, NA),
	   PN("flags", FLAGS32, HEX, vg_scap_flags_mount)),
	EV(PPME_SYSCALL_UMOUNT2_E, "umount2", EC_FILE | SC, EF_MODIFIES_STATE | OLD,
	   PN("flags", FLAGS32, HEX, vg_scap_flags_umount)),
	EV(PPME_SYSCALL_UMOUNT2_X, "umount2", EC_FILE | SC, EF_MODIFIES_STATE,
	   RES, P("name", FSPATH, NA), PN("flags", FLAGS32, HEX, vg_scap_flags_umount)),
	EV0(PPME_SYSCALL_UMOUNT_1_E, "umount", EC_FILE | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_UMOUNT_1_X, "umount", EC_FILE | SC, EF_MODIFIES_STATE,
	   RES, P("name", FSPATH, NA)),
	EV0(PPME_SYSCALL_CHROOT_E, "chroot", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_CHROOT_X, "chroot", EC_PROCESS | SC, EF_MODIFIES_STATE,
	   RES, P("path", FSPATH, NA)),
	EV0(PPME_SYSCALL_MKNOD_E, "mknod", EC_OTHER | SC, OLD),
	EV(PPME_SYSCALL_MKNOD_X, "mknod", EC_OTHER | SC, EF_NONE,
	   RES, P("path", FSPATH, NA), MODE_BITS, P("dev", UINT32, DEC)),
	EV0(PPME_SYSCALL_MKNODAT_E, "mknodat", EC_OTHER | SC, OLD),
	EV(PPME_SYSCALL_MKNODAT_X, "mknodat", EC_OTHER | SC, EF_USES_FD,
	   RES, P("dirfd", FD, DEC), PREL("path", 1), MODE_BITS, P("dev", UINT32, DEC)),

	/* ---- fds ---- */
	EV(PPME_SYSCALL_DUP_1_E, "dup", EC_IO_OTHER | SC,
	   EF_CREATES_FD | EF_USES_FD | EF_MODIFIES_STATE | OLD, FD),
	EV(PPME_SYSCALL_DUP_1_X, "dup", EC_IO_OTHER | SC,
	   EF_CREATES_FD | EF_USES_FD | EF_MODIFIES_STATE, P("res", FD, DEC), P("oldfd", FD, DEC)),
	EV(PPME_SYSCALL_DUP2_E, "dup2", EC_IO_OTHER | SC,
	   EF_CREATES_FD | EF_USES_FD | EF_MODIFIES_STATE | OLD, FD),
	EV(PPME_SYSCALL_DUP2_X, "dup2", EC_IO_OTHER | SC,
	   EF_CREATES_FD | EF_USES_FD | EF_MODIFIES_STATE,
	   P("res", FD, DEC), P("oldfd", FD, DEC), P("newfd", FD, DEC)),
	EV(PPME_SYSCALL_DUP3_E, "dup3", EC_IO_OTHER | SC,
	   EF_CREATES_FD | EF_USES_FD | EF_MODIFIES_STATE | OLD, FD),
	EV(PPME_SYSCALL_DUP3_X, "dup3", EC_IO_OTHER | SC,
	   EF_CREATES_FD | EF_USES_FD | EF_MODIFIES_STATE,
	   P("res", FD, DEC), P("oldfd", FD, DEC), P("newfd", FD, DEC), OPEN_FLAGS),
	EV0(PPME_SYSCALL_PIPE_E, "pipe", EC_IPC | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_PIPE_X, "pipe", EC_IPC | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   RES, P("fd1", FD, DEC), P("fd2", FD, DEC), P("ino", UINT64, DEC)),
	EV0(PPME_SYSCALL_PIPE2_E, "pipe2", EC_IPC | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_PIPE2_X, "pipe2", EC_IPC | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   RES, P("fd1", FD, DEC), P("fd2", FD, DEC), P("ino", UINT64, DEC), OPEN_FLAGS),
	EV(PPME_SYSCALL_FCNTL_E, "fcntl", EC_IO_OTHER | SC, EF_USES_FD | EF_MODIFIES_STATE | OLD,
	   FD, FCNTL_CMD),
	EV(PPME_SYSCALL_FCNTL_X, "fcntl", EC_IO_OTHER | SC, EF_USES_FD | EF_MODIFIES_STATE,
	   P("res", FD, DEC), FD, FCNTL_CMD),
	EV0(PPME_SYSCALL_MEMFD_CREATE_E, "memfd_create", EC_MEMORY | SC,
	    EF_CREATES_FD | EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_MEMFD_CREATE_X, "memfd_create", EC_MEMORY | SC,
	   EF_CREATES_FD | EF_MODIFIES_STATE,
	   FD, P("name", CHARBUF, NA), PN("flags", FLAGS32, HEX, vg_scap_flags_memfd)),
	EV(PPME_SYSCALL_EVENTFD_E, "eventfd", EC_IPC | SC, CREATES_FD | OLD,
	   P("initval", UINT64, DEC), P("flags", FLAGS32, HEX)),
	EV(PPME_SYSCALL_EVENTFD_X, "eventfd", EC_IPC | SC, CREATES_FD,
	   P("res", FD, DEC), P("initval", UINT64, DEC), P("flags", FLAGS32, HEX)),
	EV(PPME_SYSCALL_EVENTFD2_E, "eventfd2", EC_IPC | SC, CREATES_FD | OLD,
	   P("initval", UINT64, DEC)),
	EV(PPME_SYSCALL_EVENTFD2_X, "eventfd2", EC_IPC | SC, CREATES_FD,
	   P("res", FD, DEC), PN("flags", FLAGS16, HEX, vg_scap_flags_open),
	   P("initval", UINT64, DEC)),
	EV(PPME_SYSCALL_SIGNALFD_E, "signalfd", EC_SIGNAL | SC, CREATES_FD | OLD,
	   FD, P("mask", UINT32, HEX), P("flags", FLAGS8, HEX)),
	EV(PPME_SYSCALL_SIGNALFD_X, "signalfd", EC_SIGNAL | SC, CREATES_FD,
	   P("res", FD, DEC), FD, P("mask", UINT32, HEX), P("flags", FLAGS8, HEX)),
	EV(PPME_SYSCALL_SIGNALFD4_E, "signalfd4", EC_SIGNAL | SC, CREATES_FD | OLD,
	   FD, P("mask", UINT32, HEX)),
	EV(PPME_SYSCALL_SIGNALFD4_X, "signalfd4", EC_SIGNAL | SC, CREATES_FD,
	   P("res", FD, DEC), P("flags", FLAGS16, HEX), FD, P("mask", UINT32, HEX)),
	EV(PPME_SYSCALL_TIMERFD_CREATE_E, "timerfd_create", EC_TIME | SC, CREATES_FD | OLD,
	   P("clockid", UINT8, DEC), P("flags", FLAGS8, HEX)),
	EV(PPME_SYSCALL_TIMERFD_CREATE_X, "timerfd_create", EC_TIME | SC, CREATES_FD,
	   P("res", FD, DEC), P("clockid", UINT8, DEC), P("flags", FLAGS8, HEX)),
	EV(PPME_SYSCALL_INOTIFY_INIT_E, "inotify_init", EC_IPC | SC, CREATES_FD | OLD,
	   P("flags", FLAGS8, HEX)),
	EV(PPME_SYSCALL_INOTIFY_INIT_X, "inotify_init", EC_IPC | SC, CREATES_FD,
	   P("res", FD, DEC), P("flags", FLAGS8, HEX)),
	EV0(PPME_SYSCALL_INOTIFY_INIT1_E, "inotify_init1", EC_IPC | SC, CREATES_FD | OLD),
	EV(PPME_SYSCALL_INOTIFY_INIT1_X, "inotify_init1", EC_IPC | SC, CREATES_FD,
	   P("res", FD, DEC), PN("flags", FLAGS16, HEX, vg_scap_flags_open)),
	EV(PPME_SYSCALL_EPOLL_CREATE_E, "epoll_create", EC_WAIT | SC, CREATES_FD | OLD,
	   P("size", INT32, DEC)),
	EV(PPME_SYSCALL_EPOLL_CREATE_X, "epoll_create", EC_WAIT | SC, CREATES_FD,
	   RES, P("size", INT32, DEC)),
	EV(PPME_SYSCALL_EPOLL_CREATE1_E, "epoll_create1", EC_WAIT | SC, CREATES_FD | OLD,
	   PN("flags", FLAGS32, HEX, vg_scap_flags_epoll_create1)),
	EV(PPME_SYSCALL_EPOLL_CREATE1_X, "epoll_create1", EC_WAIT | SC, CREATES_FD,
	   RES, PN("flags", FLAGS32, HEX, vg_scap_flags_epoll_create1)),
	EV0(PPME_SYSCALL_USERFAULTFD_E, "userfaultfd", EC_FILE | SC, CREATES_FD | OLD),
	EV(PPME_SYSCALL_USERFAULTFD_X, "userfaultfd", EC_FILE | SC, CREATES_FD,
	   RES, OPEN_FLAGS),
	EV0(PPME_SYSCALL_PIDFD_OPEN_E, "pidfd_open", EC_PROCESS | SC, CREATES_FD | OLD),
	EV(PPME_SYSCALL_PIDFD_OPEN_X, "pidfd_open", EC_PROCESS | SC, CREATES_FD,
	   FD, P("pid", PID, DEC), P("flags", FLAGS32, HEX)),
	EV0(PPME_SYSCALL_PIDFD_GETFD_E, "pidfd_getfd", EC_PROCESS | SC, CREATES_FD | OLD),
	EV(PPME_SYSCALL_PIDFD_GETFD_X, "pidfd_getfd", EC_PROCESS | SC, CREATES_FD,
	   FD, P("pid_fd", FD, DEC), P("target_fd", FD, DEC), P("flags", FLAGS32, HEX)),
	EV0(PPME_SYSCALL_IO_URING_SETUP_E, "io_uring_setup", EC_IO_OTHER | SC, CREATES_FD | OLD),
	EV(PPME_SYSCALL_IO_URING_SETUP_X, "io_uring_setup", EC_IO_OTHER | SC, CREATES_FD,
	   RES, P("entries", UINT32, DEC), P("sq_entries", UINT32, DEC),
	   P("cq_entries", UINT32, DEC), P("flags", FLAGS32, HEX), P("sq_thread_cpu", UINT32, DEC),
	   P("sq_thread_idle", UINT32, DEC), P("features", FLAGS32, HEX)),
	EV0(PPME_SYSCALL_OPEN_BY_HANDLE_AT_E, "open_by_handle_at", EC_FILE | SC, CREATES_FD | OLD),
	EV(PPME_SYSCALL_OPEN_BY_HANDLE_AT_X, "open_by_handle_at", EC_FILE | SC, CREATES_FD,
	   FD, P("mountfd", FD, DEC), OPEN_FLAGS, P("path", FSPATH, NA), P("dev", UINT32, HEX),
	   P("ino", UINT64, DEC)),

	/* ---- network ---- */
	EV(PPME_SOCKET_SOCKET_E, "socket", EC_NET | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD,
	   PN("domain", ENUMFLAGS32, DEC, vg_scap_enum_socket_family), P("type", UINT32, DEC),
	   P("proto", UINT32, DEC)),
	EV(PPME_SOCKET_SOCKET_X, "socket", EC_NET | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   FD, PN("domain", ENUMFLAGS32, DEC, vg_scap_enum_socket_family), P("type", UINT32, DEC),
	   P("proto", UINT32, DEC)),
	EV(PPME_SOCKET_BIND_E, "bind", EC_NET | SC, EF_USES_FD | EF_MODIFIES_STATE | OLD, FD),
	EV(PPME_SOCKET_BIND_X, "bind", EC_NET | SC, EF_USES_FD | EF_MODIFIES_STATE,
	   RES, P("addr", SOCKADDR, NA), FD),
	EV(PPME_SOCKET_CONNECT_E, "connect", EC_NET | SC, EF_USES_FD | EF_MODIFIES_STATE | OLD,
	   FD, P("addr", SOCKADDR, NA)),
	EV(PPME_SOCKET_CONNECT_X, "connect", EC_NET | SC, EF_USES_FD | EF_MODIFIES_STATE,
	   RES, P("tuple", SOCKTUPLE, NA), FD, P("addr", SOCKADDR, NA)),
	EV(PPME_SOCKET_LISTEN_E, "listen", EC_NET | SC, EF_USES_FD | OLD,
	   FD, P("backlog", INT32, DEC)),
	EV(PPME_SOCKET_LISTEN_X, "listen", EC_NET | SC, EF_USES_FD,
	   RES, FD, P("backlog", INT32, DEC)),
	EV0(PPME_SOCKET_ACCEPT_5_E, "accept", EC_NET | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD),
	EV(PPME_SOCKET_ACCEPT_5_X, "accept", EC_NET | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   FD, P("tuple", SOCKTUPLE, NA), P("queuepct", UINT8, DEC), P("queuelen", UINT32, DEC),
	   P("queuemax", UINT32, DEC)),
	EV(PPME_SOCKET_ACCEPT4_6_E, "accept4", EC_NET | SC, EF_CREATES_FD | EF_MODIFIES_STATE | OLD,
	   P("flags", INT32, HEX)),
	EV(PPME_SOCKET_ACCEPT4_6_X, "accept4", EC_NET | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   FD, P("tuple", SOCKTUPLE, NA), P("queuepct", UINT8, DEC), P("queuelen", UINT32, DEC),
	   P("queuemax", UINT32, DEC), P("flags", INT32, HEX)),
	EV(PPME_SOCKET_SENDTO_E, "sendto", EC_IO_WRITE | SC,
	   EF_USES_FD | EF_WRITES_TO_FD | EF_MODIFIES_STATE | OLD,
	   FD, P("size", UINT32, DEC), P("tuple", SOCKTUPLE, NA)),
	EV(PPME_SOCKET_SENDTO_X, "sendto", EC_IO_WRITE | SC,
	   EF_USES_FD | EF_WRITES_TO_FD | EF_MODIFIES_STATE,
	   RES, P("data", BYTEBUF, NA), FD, P("size", UINT32, DEC), P("tuple", SOCKTUPLE, NA)),
	EV(PPME_SOCKET_RECVFROM_E, "recvfrom", EC_IO_READ | SC,
	   EF_USES_FD | EF_READS_FROM_FD | EF_MODIFIES_STATE | OLD, FD, P("size", UINT32, DEC)),
	EV(PPME_SOCKET_RECVFROM_X, "recvfrom", EC_IO_READ | SC,
	   EF_USES_FD | EF_READS_FROM_FD | EF_MODIFIES_STATE,
	   RES, P("data", BYTEBUF, NA), P("tuple", SOCKTUPLE, NA), FD, P("size", UINT32, DEC)),
	EV(PPME_SOCKET_SENDMSG_E, "sendmsg", EC_IO_WRITE | SC,
	   EF_USES_FD | EF_WRITES_TO_FD | EF_MODIFIES_STATE | OLD,
	   FD, P("size", UINT32, DEC), P("tuple", SOCKTUPLE, NA)),
	EV(PPME_SOCKET_SENDMSG_X, "sendmsg", EC_IO_WRITE | SC,
	   EF_USES_FD | EF_WRITES_TO_FD | EF_MODIFIES_STATE,
	   RES, P("data", BYTEBUF, NA), FD, P("size", UINT32, DEC), P("tuple", SOCKTUPLE, NA)),
	EV(PPME_SOCKET_RECVMSG_E, "recvmsg", EC_IO_READ | SC,
	   EF_USES_FD | EF_READS_FROM_FD | EF_MODIFIES_STATE | OLD, FD),
	EV(PPME_SOCKET_RECVMSG_X, "recvmsg", EC_IO_READ | SC,
	   EF_USES_FD | EF_READS_FROM_FD | EF_MODIFIES_STATE,
	   RES, P("size", UINT32, DEC), P("data", BYTEBUF, NA), P("tuple", SOCKTUPLE, NA),
	   P("msgcontrol", BYTEBUF, NA), FD),
	EV(PPME_SOCKET_SHUTDOWN_E, "shutdown", EC_NET | SC, EF_USES_FD | EF_MODIFIES_STATE | OLD,
	   FD, PN("how", ENUMFLAGS8, HEX, vg_scap_flags_shutdown)),
	EV(PPME_SOCKET_SHUTDOWN_X, "shutdown", EC_NET | SC, EF_USES_FD | EF_MODIFIES_STATE,
	   RES, FD, PN("how", ENUMFLAGS8, HEX, vg_scap_flags_shutdown)),
	EV(PPME_SOCKET_SOCKETPAIR_E, "socketpair", EC_IPC | SC,
	   EF_CREATES_FD | EF_MODIFIES_STATE | OLD,
	   PN("domain", ENUMFLAGS32, DEC, vg_scap_enum_socket_family), P("type", UINT32, DEC),
	   P("proto", UINT32, DEC)),
	EV(PPME_SOCKET_SOCKETPAIR_X, "socketpair", EC_IPC | SC, EF_CREATES_FD | EF_MODIFIES_STATE,
	   RES, P("fd1", FD, DEC), P("fd2", FD, DEC), P("source", UINT64, HEX),
	   P("peer", UINT64, HEX), PN("domain", ENUMFLAGS32, DEC, vg_scap_enum_socket_family),
	   P("type", UINT32, DEC), P("proto", UINT32, DEC)),

	/* ---- processes ---- */
	EV(PPME_SYSCALL_EXECVE_19_E, "execve", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD,
	   P("filename", FSPATH, NA)),
	EV(PPME_SYSCALL_EXECVE_19_X, "execve", EC_PROCESS | SC, EF_MODIFIES_STATE,
	   EXECVE_COMMON_PARAMS, P("filename", FSPATH, NA)),
	EV(PPME_SYSCALL_EXECVEAT_E, "execveat", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD,
	   P("dirfd", FD, DEC), PREL("pathname", 0),
	   PN("flags", FLAGS32, HEX, vg_scap_flags_execveat)),
	EV(PPME_SYSCALL_EXECVEAT_X, "execveat", EC_PROCESS | SC, EF_MODIFIES_STATE,
	   EXECVE_COMMON_PARAMS),
	EV0(PPME_SYSCALL_CLONE_20_E, "clone", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_CLONE_20_X, "clone", EC_PROCESS | SC, EF_MODIFIES_STATE, CLONE20_PARAMS),
	EV0(PPME_SYSCALL_FORK_20_E, "fork", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_FORK_20_X, "fork", EC_PROCESS | SC, EF_MODIFIES_STATE, CLONE20_PARAMS),
	EV0(PPME_SYSCALL_VFORK_20_E, "vfork", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_VFORK_20_X, "vfork", EC_PROCESS | SC, EF_MODIFIES_STATE, CLONE20_PARAMS),
	EV0(PPME_SYSCALL_CLONE3_E, "clone3", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_CLONE3_X, "clone3", EC_PROCESS | SC, EF_MODIFIES_STATE, CLONE20_PARAMS),
	EV(PPME_PROCEXIT_1_E, "procexit", EC_PROCESS | EC_TRACEPOINT, EF_MODIFIES_STATE,
	   P("status", ERRNO, DEC), P("ret", ERRNO, DEC), P("sig", SIGTYPE, DEC),
	   P("core", UINT8, DEC), P("reaper_tid", PID, DEC)),
	EV0(PPME_PROCEXIT_1_X, "NA", EC_UNKNOWN, EF_UNUSED),
	EV(PPME_SYSCALL_PTRACE_E, "ptrace", EC_PROCESS | SC, OLD,
	   PN("request", ENUMFLAGS16, DEC, vg_scap_enum_ptrace), P("pid", PID, DEC)),
	EV(PPME_SYSCALL_PTRACE_X, "ptrace", EC_PROCESS | SC, EF_NONE,
	   RES, P("addr", DYN, HEX), P("data", DYN, HEX),
	   PN("request", ENUMFLAGS16, DEC, vg_scap_enum_ptrace), P("pid", PID, DEC)),
	EV(PPME_SYSCALL_KILL_E, "kill", EC_SIGNAL | SC, OLD,
	   P("pid", PID, DEC), P("sig", SIGTYPE, DEC)),
	EV(PPME_SYSCALL_KILL_X, "kill", EC_SIGNAL | SC, EF_NONE,
	   RES, P("pid", PID, DEC), P("sig", SIGTYPE, DEC)),
	EV(PPME_SYSCALL_TGKILL_E, "tgkill", EC_SIGNAL | SC, OLD,
	   P("pid", PID, DEC), P("tid", PID, DEC), P("sig", SIGTYPE, DEC)),
	EV(PPME_SYSCALL_TGKILL_X, "tgkill", EC_SIGNAL | SC, EF_NONE,
	   RES, P("pid", PID, DEC), P("tid", PID, DEC), P("sig", SIGTYPE, DEC)),
	EV(PPME_SYSCALL_TKILL_E, "tkill", EC_SIGNAL | SC, OLD,
	   P("tid", PID, DEC), P("sig", SIGTYPE, DEC)),
	EV(PPME_SYSCALL_TKILL_X, "tkill", EC_SIGNAL | SC, EF_NONE,
	   RES, P("tid", PID, DEC), P("sig", SIGTYPE, DEC)),
	EV0(PPME_SYSCALL_PRCTL_E, "prctl", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_PRCTL_X, "prctl", EC_PROCESS | SC, EF_MODIFIES_STATE,
	   RES, P("option", ENUMFLAGS32, DEC), P("arg2_str", CHARBUF, NA),
	   P("arg2_int", INT64, DEC)),
	EV(PPME_SYSCALL_UNSHARE_E, "unshare", EC_PROCESS | SC, OLD, CLONE_FLAGS),
	EV(PPME_SYSCALL_UNSHARE_X, "unshare", EC_PROCESS | SC, EF_NONE, RES, CLONE_FLAGS),
	EV(PPME_SYSCALL_SETNS_E, "setns", EC_PROCESS | SC, EF_USES_FD | OLD,
	   P("fd", FD, NA), PN("nstype", FLAGS32, HEX, vg_scap_flags_clone)),
	EV(PPME_SYSCALL_SETNS_X, "setns", EC_PROCESS | SC, EF_USES_FD,
	   RES, P("fd", FD, NA), PN("nstype", FLAGS32, HEX, vg_scap_flags_clone)),
	EV0(PPME_SYSCALL_SETSID_E, "setsid", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_SETSID_X, "setsid", EC_PROCESS | SC, EF_MODIFIES_STATE,
	   P("res", PID, DEC)),
	EV(PPME_SYSCALL_SETPGID_E, "setpgid", EC_PROCESS | SC, OLD,
	   P("pid", PID, DEC), P("pgid", PID, DEC)),
	EV(PPME_SYSCALL_SETPGID_X, "setpgid", EC_PROCESS | SC, EF_NONE,
	   RES, P("pid", PID, DEC), P("pgid", PID, DEC)),
	EV0(PPME_SYSCALL_CAPSET_E, "capset", EC_PROCESS | SC, EF_MODIFIES_STATE | OLD),
	EV(PPME_SYSCALL_CAPSET_X, "capset", EC_PROCESS | SC, EF_MODIFIES_STATE,
	   RES, P("cap_inheritable", UINT64, HEX), P("cap_permitted", UINT64, HEX),
	   P("cap_effective", UINT64, HEX)),
	EV(PPME_SYSCALL_SECCOMP_E, "seccomp", EC_OTHER | SC, OLD,
	   P("op", UINT64, DEC), P("flags", UINT64, HEX)),
	EV(PPME_SYSCALL_SECCOMP_X, "seccomp", EC_OTHER | SC, EF_NONE,
	   RES, P("op", UINT64, DEC), P("flags", UINT64, HEX)),

	/* ---- users ---- */
	EV(PPME_SYSCALL_SETUID_E, "setuid", EC_USER | SC, EF_MODIFIES_STATE | OLD,
	   P("uid", UID, DEC)),
	EV(PPME_SYSCALL_SETUID_X, "setuid", EC_USER | SC, EF_MODIFIES_STATE,
	   RES, P("uid", UID, DEC)),
	EV(PPME_SYSCALL_SETGID_E, "setgid", EC_USER | SC, EF_MODIFIES_STATE | OLD,
	   P("gid", GID, DEC)),
	EV(PPME_SYSCALL_SETGID_X, "setgid", EC_USER | SC, EF_MODIFIES_STATE,
	   RES, P("gid", GID, DEC)),
	EV(PPME_SYSCALL_SETRESUID_E, "setresuid", EC_USER | SC, EF_MODIFIES_STATE | OLD,
	   P("ruid", UID, DEC), P("euid", UID, DEC), P("suid", UID, DEC)),
	EV(PPME_SYSCALL_SETRESUID_X, "setresuid", EC_USER | SC, EF_MODIFIES_STATE,
	   RES, P("ruid", UID, DEC), P("euid", UID, DEC), P("suid", UID, DEC)),
	EV(PPME_SYSCALL_SETRESGID_E, "setresgid", EC_USER | SC, EF_MODIFIES_STATE | OLD,
	   P("rgid", GID, DEC), P("egid", GID, DEC), P("sgid", GID, DEC)),
	EV(PPME_SYSCALL_SETRESGID_X, "setresgid", EC_USER | SC, EF_MODIFIES_STATE,
	   RES, P("rgid", GID, DEC), P("egid", GID, DEC), P("sgid", GID, DEC)),
	EV(PPME_SYSCALL_SETREUID_E, "setreuid", EC_USER | SC, EF_MODIFIES_STATE | OLD,
	   P("ruid", UID, DEC), P("euid", UID, DEC)),
	EV(PPME_SYSCALL_SETREUID_X, "setreuid", EC_USER | SC, EF_MODIFIES_STATE,
	   RES, P("ruid", UID, DEC), P("euid", UID, DEC)),
	EV(PPME_SYSCALL_SETREGID_E, "setregid", EC_USER | SC, EF_MODIFIES_STATE | OLD,
	   P("rgid", GID, DEC), P("egid", GID, DEC)),
	EV(PPME_SYSCALL_SETREGID_X, "setregid", EC_USER | SC, EF_MODIFIES_STATE,
	   RES, P("rgid", GID, DEC), P("egid", GID, DEC)),
	EV(PPME_SYSCALL_PRLIMIT_E, "prlimit", EC_PROCESS | SC, OLD,
	   P("pid", PID, DEC), RLIMIT_RESOURCE),
	EV(PPME_SYSCALL_PRLIMIT_X, "prlimit", EC_PROCESS | SC, EF_NONE,
	   RES, P("newcur", INT64, DEC), P("newmax", INT64, DEC), P("oldcur", INT64, DEC),
	   P("oldmax", INT64, DEC), P("pid", INT64, DEC), RLIMIT_RESOURCE),

	/* ---- memory ---- */
	EV(PPME_SYSCALL_MMAP_E, "mmap", EC_MEMORY | SC, EF_USES_FD | OLD,
	   P("addr", UINT64, HEX), P("length", UINT64, DEC),
	   PN("prot", FLAGS32, HEX, vg_scap_flags_prot), PN("flags", FLAGS32, HEX, vg_scap_flags_mmap),
	   FD, P("offset", UINT64, DEC)),
	EV(PPME_SYSCALL_MMAP_X, "mmap", EC_MEMORY | SC, EF_USES_FD,
	   P("res", ERRNO, HEX), MEM_COUNTERS, P("addr", UINT64, HEX), P("length", UINT64, DEC),
	   PN("prot", FLAGS32, HEX, vg_scap_flags_prot), PN("flags", FLAGS32, HEX, vg_scap_flags_mmap),
	   FD, P("offset", UINT64, DEC)),
	EV(PPME_SYSCALL_MPROTECT_E, "mprotect", EC_MEMORY | SC, OLD,
	   P("addr", UINT64, HEX), P("length", UINT64, DEC),
	   PN("prot", FLAGS32, HEX, vg_scap_flags_prot)),
	EV(PPME_SYSCALL_MPROTECT_X, "mprotect", EC_MEMORY | SC, EF_NONE,
	   RES, P("addr", UINT64, HEX), P("length", UINT64, DEC),
	   PN("prot", FLAGS32, HEX, vg_scap_flags_prot)),

	/* ---- kernel ---- */
	EV0(PPME_SYSCALL_INIT_MODULE_E, "init_module", EC_OTHER | SC, OLD),
	EV(PPME_SYSCALL_INIT_MODULE_X, "init_module", EC_OTHER | SC, EF_NONE,
	   RES, P("img", BYTEBUF, NA), P("length", UINT64, DEC), P("uargs", CHARBUF, NA)),
	EV0(PPME_SYSCALL_FINIT_MODULE_E, "finit_module", EC_OTHER | SC, OLD),
	EV(PPME_SYSCALL_FINIT_MODULE_X, "finit_module", EC_OTHER | SC, EF_USES_FD | EF_READS_FROM_FD,
	   RES, FD, P("uargs", CHARBUF, NA), P("flags", FLAGS32, HEX)),
	EV0(PPME_SYSCALL_DELETE_MODULE_E, "delete_module", EC_OTHER | SC, OLD),
	EV(PPME_SYSCALL_DELETE_MODULE_X, "delete_module", EC_OTHER | SC, EF_NONE,
	   RES, P("name", CHARBUF, NA), P("flags", FLAGS32, HEX)),
	EV(PPME_SYSCALL_BPF_2_E, "bpf", EC_OTHER | SC, EF_CREATES_FD | OLD, P("cmd", INT64, DEC)),
	EV(PPME_SYSCALL_BPF_2_X, "bpf", EC_OTHER | SC, EF_CREATES_FD,
	   FD, P("cmd", ENUMFLAGS32, DEC)),

	/* ---- meta events ---- */
	EV(PPME_DROP_E, "drop", EC_INTERNAL | EC_METAEVENT, EF_SKIPPARSERESET,
	   P("ratio", UINT32, DEC)),
	EV(PPME_DROP_X, "drop", EC_INTERNAL | EC_METAEVENT, EF_SKIPPARSERESET,
	   P("ratio", UINT32, DEC)),
	EV(PPME_SCAPEVENT_E, "scapevent", EC_INTERNAL | EC_METAEVENT, EF_SKIPPARSERESET,
	   P("event_type", UINT32, DEC), P("event_data", UINT64, DEC)),
	EV0(PPME_SCAPEVENT_X, "NA", EC_UNKNOWN, EF_UNUSED),
	EV(PPME_CPU_HOTPLUG_E, "cpu_hotplug", EC_SYSTEM | EC_METAEVENT,
	   EF_SKIPPARSERESET | EF_MODIFIES_STATE, P("cpu", UINT32, DEC), P("action", UINT32, DEC)),
	EV0(PPME_CPU_HOTPLUG_X, "NA", EC_UNKNOWN, EF_UNUSED),
	EV(PPME_PLUGINEVENT_E, "pluginevent", EC_OTHER | EC_PLUGIN, EF_LARGE_PAYLOAD,
	   P("plugin_id", UINT32, DEC), P("event_data", BYTEBUF, NA)),
	EV0(PPME_PLUGINEVENT_X, "NA", EC_UNKNOWN, EF_UNUSED),
	EV(PPME_ASYNCEVENT_E, "asyncevent", EC_OTHER | EC_METAEVENT, EF_LARGE_PAYLOAD,
	   P("plugin_id", UINT32, DEC), P("name", CHARBUF, NA), P("data", BYTEBUF, NA)),
	EV0(PPME_ASYNCEVENT_X, "NA", EC_UNKNOWN, EF_UNUSED),
	EV(PPME_CONTAINER_JSON_2_E, "container", EC_PROCESS | EC_METAEVENT,
	   EF_MODIFIES_STATE | EF_LARGE_PAYLOAD, P("json", CHARBUF, NA)),
	EV0(PPME_CONTAINER_JSON_2_X, "NA", EC_UNKNOWN, EF_UNUSED),
};

const vg_scap_event_info *vg_scap_event_info_get(uint16_t type)
{
	if (type >= PPM_EVENT_MAX || event_table[type].name == NULL)
		return NULL;
	return &event_table[type];
}

bool vg_scap_event_is_old(uint16_t type)
{
	const vg_scap_event_info *info = vg_scap_event_info_get(type);
	return !info || (info->flags & (EF_OLD_VERSION | EF_UNUSED));
}

bool vg_scap_event_is_large(uint16_t type)
{
	const vg_scap_event_info *info = vg_scap_event_info_get(type);
	return info && (info->flags & EF_LARGE_PAYLOAD);
}

size_t vg_scap_event_codes_by_name(const char *name, uint16_t *out, size_t cap)
{
	size_t n = 0;
	for (uint16_t t = 0; t < PPM_EVENT_MAX; t++) {
		const vg_scap_event_info *info = vg_scap_event_info_get(t);
		if (!info || (info->flags & EF_UNUSED) || strcmp(info->name, name) != 0)
			continue;
		if (n < cap)
			out[n] = t;
		n++;
	}
	return n;
}

int vg_scap_event_param_index(const vg_scap_event_info *info, const char *name)
{
	for (uint32_t i = 0; i < info->nparams; i++)
		if (strcmp(info->params[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *vg_scap_param_type_name(uint8_t type)
{
	static const char *const names[PT_MAX] = {
		[PT_NONE] = "NONE", [PT_INT8] = "INT8", [PT_INT16] = "INT16", [PT_INT32] = "INT32",
		[PT_INT64] = "INT64", [PT_UINT8] = "UINT8", [PT_UINT16] = "UINT16",
		[PT_UINT32] = "UINT32", [PT_UINT64] = "UINT64", [PT_CHARBUF] = "CHARBUF",
		[PT_BYTEBUF] = "BYTEBUF", [PT_ERRNO] = "ERRNO", [PT_SOCKADDR] = "SOCKADDR",
		[PT_SOCKTUPLE] = "SOCKTUPLE", [PT_FD] = "FD", [PT_PID] = "PID", [PT_FDLIST] = "FDLIST",
		[PT_FSPATH] = "FSPATH", [PT_SYSCALLID] = "SYSCALLID", [PT_SIGTYPE] = "SIGTYPE",
		[PT_RELTIME] = "RELTIME", [PT_ABSTIME] = "ABSTIME", [PT_PORT] = "PORT",
		[PT_L4PROTO] = "L4PROTO", [PT_SOCKFAMILY] = "SOCKFAMILY", [PT_BOOL] = "BOOL",
		[PT_IPV4ADDR] = "IPV4ADDR", [PT_DYN] = "DYN", [PT_FLAGS8] = "FLAGS8",
		[PT_FLAGS16] = "FLAGS16", [PT_FLAGS32] = "FLAGS32", [PT_UID] = "UID", [PT_GID] = "GID",
		[PT_DOUBLE] = "DOUBLE", [PT_SIGSET] = "SIGSET", [PT_CHARBUFARRAY] = "CHARBUFARRAY",
		[PT_CHARBUF_PAIR_ARRAY] = "CHARBUF_PAIR_ARRAY", [PT_IPV4NET] = "IPV4NET",
		[PT_IPV6ADDR] = "IPV6ADDR", [PT_IPV6NET] = "IPV6NET", [PT_IPADDR] = "IPADDR",
		[PT_IPNET] = "IPNET", [PT_MODE] = "MODE", [PT_FSRELPATH] = "FSRELPATH",
		[PT_ENUMFLAGS8] = "ENUMFLAGS8", [PT_ENUMFLAGS16] = "ENUMFLAGS16",
		[PT_ENUMFLAGS32] = "ENUMFLAGS32",
	};
	return type < PT_MAX && names[type] ? names[type] : "?";
}

bool vg_scap_builder_begin(vg_scap_builder *b, void *buf, uint32_t cap, uint16_t type,
                           uint64_t ts, uint64_t tid)
{
	const vg_scap_event_info *info = vg_scap_event_info_get(type);
	if (!info) {
		b->overflow = true;
		b->next = b->nparams = 0;
		return false;
	}
	vg_scap_builder_begin_raw(b, buf, cap, type, info->nparams,
	                          (info->flags & EF_LARGE_PAYLOAD) != 0, ts, tid);
	return !b->overflow;
}

/* Walks the length array once; the single place that trusts nothing about the event. */
static int decode_params(const uint8_t *evt, size_t avail, vg_scap_param *out, uint32_t max)
{
	if (avail < VG_SCAP_HEADER_LEN)
		return -1;
	vg_scap_evt h;
	memcpy(&h, evt, sizeof h);
	if (h.len < VG_SCAP_HEADER_LEN || h.len > avail)
		return -1;
	uint32_t lensz = vg_scap_event_is_large(h.type) ? 4 : 2;
	if (h.nparams > (h.len - VG_SCAP_HEADER_LEN) / lensz)
		return -1;
	const uint8_t *lens = evt + VG_SCAP_HEADER_LEN;
	uint64_t off = VG_SCAP_HEADER_LEN + (uint64_t)h.nparams * lensz;
	for (uint32_t i = 0; i < h.nparams; i++) {
		uint32_t len;
		if (lensz == 2) {
			uint16_t l16;
			memcpy(&l16, lens + 2 * (size_t)i, 2);
			len = l16;
		} else {
			memcpy(&len, lens + 4 * (size_t)i, 4);
		}
		if (off + len > h.len)
			return -1;
		if (i < max) {
			out[i].ptr = evt + off;
			out[i].len = len;
		}
		off += len;
	}
	return (int)(h.nparams < max ? h.nparams : max);
}

bool vg_scap_event_valid(const void *evt, size_t avail)
{
	return decode_params(evt, avail, NULL, 0) >= 0;
}

int vg_scap_event_params(const void *evt, vg_scap_param *out, uint32_t max)
{
	return decode_params(evt, vg_scap_evt_len(evt), out, max);
}

bool vg_scap_event_param(const void *evt, uint32_t i, vg_scap_param *out)
{
	vg_scap_param all[VG_SCAP_MAX_PARAMS];
	int n = decode_params(evt, vg_scap_evt_len(evt), all, VG_SCAP_MAX_PARAMS);
	if (n < 0 || i >= (uint32_t)n)
		return false;
	*out = all[i];
	return true;
}
