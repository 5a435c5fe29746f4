// SPDX-License-Identifier: GPL-2.0-only
/* vigil modern eBPF driver.
 *
 * One program on tp_btf/sys_exit (the dispatcher) checks the syscall against the table of
 * interesting syscalls set by userspace and tail-calls that syscall's filler, which writes a
 * libscap exit event carrying all parameters; sched_process_exec only keeps execve's filename
 * for its exit, sched_process_exit reports thread exits (procexit).
 * While open/openat/openat2/creat/connect is selected, programs on those syscalls' entry
 * (fentry, else their tracepoints, else tp_btf/sys_enter) copy their path / sockaddr before
 * the kernel uses it, so that another thread rewriting the user buffer during the syscall
 * cannot change what the exit event reports.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "vigil/scap_events.h"
#include "vigil/scap_flags.h"
#include "vigil_driver.h"

char LICENSE[] SEC("license") = "GPL";

#include "vigil_evt.bpf.h"
#include "vigil_task.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, VG_DRV_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, __u32);
} vg_fillers SEC(".maps");

#define TS_COMPAT 0x0002
#define FMODE_CREATED (1u << 20)

static __always_inline bool is_self(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == vg_self_tgid;
}

/* A 32-bit syscall: its numbers mean something else than the table's. */
static __always_inline bool is_compat_task(void)
{
	return BPF_CORE_READ(cur_task(), thread_info.status) & TS_COMPAT;
}

/* ---- enter-side capture (TOCTOU) --------------------------------------------------- */

#define VG_ENTER_SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage) */

/* What sys_enter copied for one thread's syscall in flight; `len` includes the path's NUL. */
struct vg_enter_arg {
	__u32 nr;
	__u32 len;
	__u8 data[VG_DRV_MAX_PATH];
};

/* Keyed by tid. Not preallocated: only syscalls in flight hold an entry (4 KiB each). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct vg_enter_arg);
} vg_enter_args SEC(".maps");

/* The value is too big for the BPF stack: built here, then copied into the hash. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vg_enter_arg);
} vg_enter_scratch SEC(".maps");

static __always_inline bool is_enter_captured(__u32 id)
{
	return id == VG_DRV_NR_OPEN || id == VG_DRV_NR_OPENAT || id == VG_DRV_NR_OPENAT2 ||
	       id == VG_DRV_NR_CREAT || id == VG_DRV_NR_CONNECT;
}

/* Copies syscall `id`'s path (first argument of open/creat, second of openat/openat2) or
 * sockaddr (connect's second and third) into vg_enter_args for its exit filler. */
static __always_inline int capture_enter(__u32 id, __u64 a0, __u64 a1, __u64 a2)
{
	if (!vg_interesting[id & (VG_DRV_MAX_SYSCALLS - 1)] || is_self() || is_compat_task())
		return 0;
	__u32 zero = 0;
	struct vg_enter_arg *a = bpf_map_lookup_elem(&vg_enter_scratch, &zero);
	if (!a)
		return 0;
	a->nr = id;
	long n;
	if (id == VG_DRV_NR_CONNECT) {
		__u64 len = a2 > VG_ENTER_SOCKADDR_MAX ? VG_ENTER_SOCKADDR_MAX : a2;
		n = len && bpf_probe_read_user(a->data, len & (VG_ENTER_SOCKADDR_MAX * 2 - 1),
		                               (void *)a1) == 0 ? (long)len : -1;
	} else {
		const void *path = (void *)(id == VG_DRV_NR_OPEN || id == VG_DRV_NR_CREAT ? a0 : a1);
		n = bpf_probe_read_user_str(a->data, VG_DRV_MAX_PATH, path);
	}
	/* unreadable now (NULL, bad or not-present page): the exit reads it as before */
	if (n <= 0)
		return 0;
	a->len = n;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&vg_enter_args, &tid, a, BPF_ANY);
	return 0;
}

/* Three ways to run the capture, cheapest for the other syscalls first; the loader takes
 * the first the kernel allows. fentry on the five syscall functions costs the others
 * nothing (the wrappers take the user's pt_regs). */
#define ENTER_FENTRY(fn, nr) \
	SEC("fentry/" #fn) int BPF_PROG(vg_enter_##fn, struct pt_regs *regs) \
	{ return capture_enter(nr, regs->di, regs->si, regs->dx); }

ENTER_FENTRY(__x64_sys_open, VG_DRV_NR_OPEN)
ENTER_FENTRY(__x64_sys_openat, VG_DRV_NR_OPENAT)
ENTER_FENTRY(__x64_sys_openat2, VG_DRV_NR_OPENAT2)
ENTER_FENTRY(__x64_sys_creat, VG_DRV_NR_CREAT)
ENTER_FENTRY(__x64_sys_connect, VG_DRV_NR_CONNECT)

/* The per-syscall tracepoints (CONFIG_FTRACE_SYSCALLS): the others pay the kernel's test of
 * its enabled-syscalls bitmap, not a BPF program run. */
#define ENTER_TRACEPOINT(name, nr) \
	SEC("tracepoint/syscalls/sys_enter_" #name) \
	int vg_enter_tp_##name(struct trace_event_raw_sys_enter *ctx) \
	{ return capture_enter(nr, ctx->args[0], ctx->args[1], ctx->args[2]); }

ENTER_TRACEPOINT(open, VG_DRV_NR_OPEN)
ENTER_TRACEPOINT(openat, VG_DRV_NR_OPENAT)
ENTER_TRACEPOINT(openat2, VG_DRV_NR_OPENAT2)
ENTER_TRACEPOINT(creat, VG_DRV_NR_CREAT)
ENTER_TRACEPOINT(connect, VG_DRV_NR_CONNECT)

/* Last resort: one program on every syscall's entry. */
SEC("tp_btf/sys_enter")
int BPF_PROG(vg_sys_enter, struct pt_regs *regs, long id)
{
	if (!is_enter_captured(id))
		return 0;
	return capture_enter(id, regs->di, regs->si, regs->dx);
}

/* The entry sys_enter made for this thread's syscall `nr`, or NULL (attached mid-syscall, or
 * unreadable at enter). The caller releases it with drop_enter_arg once done with it. */
static __always_inline struct vg_enter_arg *enter_arg(__u32 nr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct vg_enter_arg *a = bpf_map_lookup_elem(&vg_enter_args, &tid);
	if (a && a->nr != nr) {
		bpf_map_delete_elem(&vg_enter_args, &tid);
		return NULL;
	}
	return a;
}

static __always_inline void drop_enter_arg(struct vg_enter_arg *a)
{
	if (!a)
		return;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_delete_elem(&vg_enter_args, &tid);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(vg_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 id = (__u32)regs->orig_ax;
	if (id >= VG_DRV_MAX_SYSCALLS || !vg_interesting[id])
		return 0;
	if (is_self() || is_compat_task())
		return 0;
	if (vg_drop_failed && ret < 0 && id != VG_DRV_NR_EXECVE && id != VG_DRV_NR_EXECVEAT) {
		if (is_enter_captured(id)) { /* no filler will release sys_enter's copy */
			__u32 tid = (__u32)bpf_get_current_pid_tgid();
			bpf_map_delete_elem(&vg_enter_args, &tid);
		}
		return 0;
	}
	bpf_tail_call(ctx, &vg_fillers, id);
	return 0;
}

/* ---- argument and flag helpers ------------------------------------------------------ */

#define ARG0 (regs->di)
#define ARG1 (regs->si)
#define ARG2 (regs->dx)
#define ARG3 (regs->r10)
#define ARG4 (regs->r8)
#define ARG5 (regs->r9)

#define FILLER(name) \
	SEC("tp_btf/sys_exit") int BPF_PROG(name, struct pt_regs *regs, long ret)

/* kernel bit -> libscap bit; translated with one bounded loop per table */
struct flag_map {
	__u64 k;
	__u32 p;
};

static const struct flag_map open_map[] = {
	{0100, PPM_O_CREAT}, {0200, PPM_O_EXCL}, {01000, PPM_O_TRUNC}, {02000, PPM_O_APPEND},
	{04000, PPM_O_NONBLOCK}, {010000, PPM_O_DSYNC}, {040000, PPM_O_DIRECT},
	{0100000, PPM_O_LARGEFILE}, {0200000, PPM_O_DIRECTORY}, {02000000, PPM_O_CLOEXEC},
	{04000000, PPM_O_SYNC}, {020000000, PPM_O_TMPFILE},
};

static const struct flag_map clone_map[] = {
	{0x400, PPM_CL_CLONE_FILES}, {0x200, PPM_CL_CLONE_FS}, {0x80000000ULL, PPM_CL_CLONE_IO},
	{0x8000000, PPM_CL_CLONE_NEWIPC}, {0x40000000, PPM_CL_CLONE_NEWNET},
	{0x20000, PPM_CL_CLONE_NEWNS}, {0x20000000, PPM_CL_CLONE_NEWPID},
	{0x4000000, PPM_CL_CLONE_NEWUTS}, {0x8000, PPM_CL_CLONE_PARENT},
	{0x100000, PPM_CL_CLONE_PARENT_SETTID}, {0x2000, PPM_CL_CLONE_PTRACE},
	{0x800, PPM_CL_CLONE_SIGHAND}, {0x40000, PPM_CL_CLONE_SYSVSEM},
	{0x10000, PPM_CL_CLONE_THREAD}, {0x800000, PPM_CL_CLONE_UNTRACED}, {0x100, PPM_CL_CLONE_VM},
	{0x10000000, PPM_CL_CLONE_NEWUSER}, {0x200000, PPM_CL_CLONE_CHILD_CLEARTID},
	{0x1000000, PPM_CL_CLONE_CHILD_SETTID}, {0x80000, PPM_CL_CLONE_SETTLS},
	{0x4000, PPM_CL_CLONE_VFORK}, {0x2000000, PPM_CL_CLONE_NEWCGROUP},
};

static const struct flag_map prot_map[] = {
	{1, PPM_PROT_READ}, {2, PPM_PROT_WRITE}, {4, PPM_PROT_EXEC}, {8, PPM_PROT_SEM},
	{0x01000000, PPM_PROT_GROWSDOWN}, {0x02000000, PPM_PROT_GROWSUP},
};

static const struct flag_map mmap_map[] = {
	{1, PPM_MAP_SHARED}, {2, PPM_MAP_PRIVATE}, {0x10, PPM_MAP_FIXED}, {0x20, PPM_MAP_ANONYMOUS},
	{0x40, PPM_MAP_32BIT}, {0x100, PPM_MAP_GROWSDOWN}, {0x800, PPM_MAP_DENYWRITE},
	{0x1000, PPM_MAP_EXECUTABLE}, {0x2000, PPM_MAP_LOCKED}, {0x4000, PPM_MAP_NORESERVE},
	{0x8000, PPM_MAP_POPULATE}, {0x10000, PPM_MAP_NONBLOCK},
};

#define MAP_FLAGS(table, f)                                              \
	({                                                               \
		__u32 _r = 0;                                            \
		_Pragma("unroll") for (int _i = 0; _i < (int)(sizeof(table) / sizeof(table[0])); _i++) \
			if ((f) & table[_i].k)                           \
				_r |= table[_i].p;                       \
		_r;                                                      \
	})

static __always_inline __u32 open_flags_to_scap(__u64 f)
{
	__u32 acc = (f & 3) == 0 ? PPM_O_RDONLY : (f & 3) == 1 ? PPM_O_WRONLY : PPM_O_RDWR;
	return acc | MAP_FLAGS(open_map, f);
}

static __always_inline __u32 open_mode(__u64 flags, __u64 mode)
{
	return (flags & (0100 | 020000000)) ? (mode & 07777) : 0;
}

static __always_inline __u32 clone_flags_to_scap(__u64 f) { return MAP_FLAGS(clone_map, f); }
static __always_inline __u32 prot_to_scap(__u64 p) { return MAP_FLAGS(prot_map, p); }
static __always_inline __u32 mmap_flags_to_scap(__u64 f) { return MAP_FLAGS(mmap_map, f); }

static __always_inline __u16 ptrace_req_to_scap(__u64 req)
{
	if (req <= 9)
		return req + 1; /* TRACEME .. SINGLESTEP are contiguous in both numberings */
	switch (req) {
	case 12: return PPM_PTRACE_GETREGS;
	case 13: return PPM_PTRACE_SETREGS;
	case 14: return PPM_PTRACE_GETFPREGS;
	case 15: return PPM_PTRACE_SETFPREGS;
	case 16: return PPM_PTRACE_ATTACH;
	case 17: return PPM_PTRACE_DETACH;
	case 18: return PPM_PTRACE_GETFPXREGS;
	case 19: return PPM_PTRACE_SETFPXREGS;
	case 24: return PPM_PTRACE_SYSCALL;
	case 25: return PPM_PTRACE_GET_THREAD_AREA;
	case 26: return PPM_PTRACE_SET_THREAD_AREA;
	case 30: return PPM_PTRACE_ARCH_PRCTL;
	case 31: return PPM_PTRACE_SYSEMU;
	case 32: return PPM_PTRACE_SYSEMU_SINGLESTEP;
	case 33: return PPM_PTRACE_SINGLEBLOCK;
	case 0x4200: return PPM_PTRACE_SETOPTIONS;
	case 0x4201: return PPM_PTRACE_GETEVENTMSG;
	case 0x4202: return PPM_PTRACE_GETSIGINFO;
	case 0x4203: return PPM_PTRACE_SETSIGINFO;
	case 0x4204: return PPM_PTRACE_GETREGSET;
	case 0x4205: return PPM_PTRACE_SETREGSET;
	case 0x4206: return PPM_PTRACE_SEIZE;
	case 0x4207: return PPM_PTRACE_INTERRUPT;
	case 0x4208: return PPM_PTRACE_LISTEN;
	case 0x4209: return PPM_PTRACE_PEEKSIGINFO;
	case 0x420a: return PPM_PTRACE_GETSIGMASK;
	case 0x420b: return PPM_PTRACE_SETSIGMASK;
	default: return PPM_PTRACE_UNKNOWN;
	}
}

static __always_inline __u32 encode_dev(__u32 kdev)
{
	/* kernel dev_t is MAJOR << 20 | MINOR; userspace st_dev encoding */
	__u32 major = kdev >> 20, minor = kdev & 0xfffff;
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* fd/dev/ino/flags of the file a successful open returned. */
static __always_inline void opened_file_info(long fd, __u32 *flags, __u32 *dev, __u64 *ino)
{
	*dev = 0;
	*ino = 0;
	if (fd < 0)
		return;
	struct file *f = task_fd_file(cur_task(), fd);
	if (!f)
		return;
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	*ino = BPF_CORE_READ(inode, i_ino);
	*dev = encode_dev(BPF_CORE_READ(inode, i_sb, s_dev));
	if (BPF_CORE_READ(f, f_mode) & FMODE_CREATED)
		*flags |= PPM_O_F_CREATED;
	if (BPF_CORE_READ(inode, i_sb, s_magic) == OVERLAYFS_SUPER_MAGIC)
		*flags |= ovl_has_upper(inode) ? PPM_FD_UPPER_LAYER : PPM_FD_LOWER_LAYER;
}

/* The path sys_enter captured for `nr`, else the user string as it is now. */
static __always_inline void put_path_arg(struct evb *e, struct vg_enter_arg *a, const void *uptr)
{
	if (a)
		put_kernel_str(e, a->data, VG_DRV_MAX_PATH);
	else
		put_user_str(e, uptr, VG_DRV_MAX_PATH);
}

/* A syscall without a dedicated layout (getppid, used by the overhead benchmark): libscap's
 * generic event. ID should be libscap's ppm_sc number; the driver has no such table yet and
 * puts the native number in both parameters. */
FILLER(vg_generic_x)
{
	fixed_event_2x16(PPME_GENERIC_X, regs->orig_ax, regs->orig_ax);
	return 0;
}

/* ---- files ------------------------------------------------------------------------- */

FILLER(vg_open_x)
{
	struct vg_enter_arg *a = enter_arg(VG_DRV_NR_OPEN);
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_OPEN_X, 6))
		goto out;
	__u32 flags = open_flags_to_scap(ARG1), dev;
	__u64 ino;
	opened_file_info(ret, &flags, &dev, &ino);
	put_s64(&e, ret);
	put_path_arg(&e, a, (void *)ARG0);
	put_u32(&e, flags);
	put_u32(&e, open_mode(ARG1, ARG2));
	put_u32(&e, dev);
	put_u64(&e, ino);
	evb_submit(&e);
out:
	drop_enter_arg(a);
	return 0;
}

FILLER(vg_openat_x)
{
	struct vg_enter_arg *a = enter_arg(VG_DRV_NR_OPENAT);
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_OPENAT_2_X, 7))
		goto out;
	__u32 flags = open_flags_to_scap(ARG2), dev;
	__u64 ino;
	opened_file_info(ret, &flags, &dev, &ino);
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_path_arg(&e, a, (void *)ARG1);
	put_u32(&e, flags);
	put_u32(&e, open_mode(ARG2, ARG3));
	put_u32(&e, dev);
	put_u64(&e, ino);
	evb_submit(&e);
out:
	drop_enter_arg(a);
	return 0;
}

FILLER(vg_openat2_x)
{
	struct vg_enter_arg *a = enter_arg(VG_DRV_NR_OPENAT2);
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_OPENAT2_X, 8))
		goto out;
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)ARG2);
	__u32 flags = open_flags_to_scap(how.flags), dev;
	__u64 ino;
	opened_file_info(ret, &flags, &dev, &ino);
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_path_arg(&e, a, (void *)ARG1);
	put_u32(&e, flags);
	put_u32(&e, open_mode(how.flags, how.mode));
	put_u32(&e, how.resolve & 0x3f); /* RESOLVE_* share libscap's bit positions */
	put_u32(&e, dev);
	put_u64(&e, ino);
	evb_submit(&e);
out:
	drop_enter_arg(a);
	return 0;
}

FILLER(vg_creat_x)
{
	struct vg_enter_arg *a = enter_arg(VG_DRV_NR_CREAT);
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_CREAT_X, 6))
		goto out;
	__u32 flags = 0, dev;
	__u64 ino;
	opened_file_info(ret, &flags, &dev, &ino);
	put_s64(&e, ret);
	put_path_arg(&e, a, (void *)ARG0);
	put_u32(&e, ARG1 & 07777);
	put_u32(&e, dev);
	put_u64(&e, ino);
	put_u16(&e, flags & 0xffff);
	evb_submit(&e);
out:
	drop_enter_arg(a);
	return 0;
}

FILLER(vg_close_x)
{
	fixed_event_2x64(PPME_SYSCALL_CLOSE_X, ret, (__s64)(int)ARG0);
	return 0;
}

static __always_inline int rw_exit(struct pt_regs *regs, long ret, __u16 type)
{
	struct evb e;
	if (!evb_begin(&e, type, 4))
		return 0;
	put_s64(&e, ret);
	put_user_buf(&e, (void *)ARG1, ret > 0 ? ret : 0, vg_snaplen);
	put_s64(&e, (int)ARG0);
	put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

FILLER(vg_read_x) { return rw_exit(regs, ret, PPME_SYSCALL_READ_X); }

FILLER(vg_write_x)
{
	/* what was written is in the buffer whatever the result */
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_WRITE_X, 4))
		return 0;
	put_s64(&e, ret);
	put_user_buf(&e, (void *)ARG1, ARG2, vg_snaplen);
	put_s64(&e, (int)ARG0);
	put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

/* res + one user path */
static __always_inline int res_path_exit(struct pt_regs *regs, long ret, __u16 type,
                                         const void *path)
{
	struct evb e;
	if (!evb_begin(&e, type, 2))
		return 0;
	put_s64(&e, ret);
	put_user_str(&e, path, VG_DRV_MAX_PATH);
	evb_submit(&e);
	return 0;
}

FILLER(vg_unlink_x) { return res_path_exit(regs, ret, PPME_SYSCALL_UNLINK_2_X, (void *)ARG0); }
FILLER(vg_rmdir_x) { return res_path_exit(regs, ret, PPME_SYSCALL_RMDIR_2_X, (void *)ARG0); }
FILLER(vg_chroot_x) { return res_path_exit(regs, ret, PPME_SYSCALL_CHROOT_X, (void *)ARG0); }
FILLER(vg_chdir_x) { return res_path_exit(regs, ret, PPME_SYSCALL_CHDIR_X, (void *)ARG0); }

FILLER(vg_unlinkat_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_UNLINKAT_2_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_user_str(&e, (void *)ARG1, VG_DRV_MAX_PATH);
	put_u32(&e, ARG2 & PPM_AT_REMOVEDIR);
	evb_submit(&e);
	return 0;
}

FILLER(vg_mkdir_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_MKDIR_2_X, 3))
		return 0;
	put_s64(&e, ret);
	put_user_str(&e, (void *)ARG0, VG_DRV_MAX_PATH);
	put_u32(&e, ARG1);
	evb_submit(&e);
	return 0;
}

FILLER(vg_mkdirat_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_MKDIRAT_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_user_str(&e, (void *)ARG1, VG_DRV_MAX_PATH);
	put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

/* res + two user paths (rename, link, symlink's target is not a path but is a string too) */
static __always_inline int res_two_paths_exit(long ret, __u16 type, const void *a, const void *b)
{
	struct evb e;
	if (!evb_begin(&e, type, 3))
		return 0;
	put_s64(&e, ret);
	put_user_str(&e, a, VG_DRV_MAX_PATH);
	put_user_str(&e, b, VG_DRV_MAX_PATH);
	evb_submit(&e);
	return 0;
}

FILLER(vg_rename_x) { return res_two_paths_exit(ret, PPME_SYSCALL_RENAME_X, (void *)ARG0, (void *)ARG1); }
FILLER(vg_link_x) { return res_two_paths_exit(ret, PPME_SYSCALL_LINK_2_X, (void *)ARG0, (void *)ARG1); }
FILLER(vg_symlink_x) { return res_two_paths_exit(ret, PPME_SYSCALL_SYMLINK_X, (void *)ARG0, (void *)ARG1); }

/* res, olddirfd, oldpath, newdirfd, newpath [, flags] */
static __always_inline int at_pair_exit(struct pt_regs *regs, long ret, __u16 type, __u32 n,
                                        __u32 flags)
{
	struct evb e;
	if (!evb_begin(&e, type, n))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_user_str(&e, (void *)ARG1, VG_DRV_MAX_PATH);
	put_s64(&e, (int)ARG2);
	put_user_str(&e, (void *)ARG3, VG_DRV_MAX_PATH);
	if (n == 6)
		put_u32(&e, flags);
	evb_submit(&e);
	return 0;
}

FILLER(vg_renameat_x) { return at_pair_exit(regs, ret, PPME_SYSCALL_RENAMEAT_X, 5, 0); }
FILLER(vg_renameat2_x) { return at_pair_exit(regs, ret, PPME_SYSCALL_RENAMEAT2_X, 6, ARG4 & 7); }
FILLER(vg_linkat_x)
{
	return at_pair_exit(regs, ret, PPME_SYSCALL_LINKAT_2_X, 6,
	                    ARG4 & (PPM_AT_SYMLINK_FOLLOW | PPM_AT_EMPTY_PATH));
}

FILLER(vg_symlinkat_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_SYMLINKAT_X, 4))
		return 0;
	put_s64(&e, ret);
	put_user_str(&e, (void *)ARG0, VG_DRV_MAX_PATH);
	put_s64(&e, (int)ARG1);
	put_user_str(&e, (void *)ARG2, VG_DRV_MAX_PATH);
	evb_submit(&e);
	return 0;
}

FILLER(vg_chmod_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_CHMOD_X, 3))
		return 0;
	put_s64(&e, ret);
	put_user_str(&e, (void *)ARG0, VG_DRV_MAX_PATH);
	put_u32(&e, ARG1 & 07777);
	evb_submit(&e);
	return 0;
}

FILLER(vg_fchmod_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_FCHMOD_X, 3))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u32(&e, ARG1 & 07777);
	evb_submit(&e);
	return 0;
}

FILLER(vg_fchmodat_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_FCHMODAT_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_user_str(&e, (void *)ARG1, VG_DRV_MAX_PATH);
	put_u32(&e, ARG2 & 07777);
	evb_submit(&e);
	return 0;
}

static __always_inline int chown_path_exit(struct pt_regs *regs, long ret, __u16 type)
{
	struct evb e;
	if (!evb_begin(&e, type, 4))
		return 0;
	put_s64(&e, ret);
	put_user_str(&e, (void *)ARG0, VG_DRV_MAX_PATH);
	put_u32(&e, ARG1);
	put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

FILLER(vg_chown_x) { return chown_path_exit(regs, ret, PPME_SYSCALL_CHOWN_X); }
FILLER(vg_lchown_x) { return chown_path_exit(regs, ret, PPME_SYSCALL_LCHOWN_X); }

FILLER(vg_fchown_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_FCHOWN_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u32(&e, ARG1);
	put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

FILLER(vg_fchownat_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_FCHOWNAT_X, 6))
		return 0;
	__u32 flags = 0;
	if (ARG4 & 0x100) /* AT_SYMLINK_NOFOLLOW, named after libscap's table */
		flags |= PPM_AT_SYMLINK_FOLLOW;
	if (ARG4 & 0x1000)
		flags |= PPM_AT_EMPTY_PATH;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_user_str(&e, (void *)ARG1, VG_DRV_MAX_PATH);
	put_u32(&e, ARG2);
	put_u32(&e, ARG3);
	put_u32(&e, flags);
	evb_submit(&e);
	return 0;
}

FILLER(vg_fchdir_x)
{
	fixed_event_2x64(PPME_SYSCALL_FCHDIR_X, ret, (__s64)(int)ARG0);
	return 0;
}

FILLER(vg_mount_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_MOUNT_X, 5))
		return 0;
	__u64 flags = ARG3;
	if ((flags & 0xffff0000) == 0xC0ED0000) /* MS_MGC_VAL: legacy magic, not flags */
		flags &= 0xffff;
	put_s64(&e, ret);
	put_user_str(&e, (void *)ARG0, VG_DRV_MAX_PATH);
	put_user_str(&e, (void *)ARG1, VG_DRV_MAX_PATH);
	put_user_str(&e, (void *)ARG2, 64);
	put_u32(&e, flags);
	evb_submit(&e);
	return 0;
}

FILLER(vg_umount2_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_UMOUNT2_X, 3))
		return 0;
	put_s64(&e, ret);
	put_user_str(&e, (void *)ARG0, VG_DRV_MAX_PATH);
	put_u32(&e, ARG1 & 0xf);
	evb_submit(&e);
	return 0;
}

/* ---- fds ---------------------------------------------------------------------------- */

FILLER(vg_dup_x)
{
	fixed_event_2x64(PPME_SYSCALL_DUP_1_X, ret, (__s64)(int)ARG0);
	return 0;
}

FILLER(vg_dup2_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_DUP2_X, 3))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_s64(&e, (int)ARG1);
	evb_submit(&e);
	return 0;
}

FILLER(vg_dup3_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_DUP3_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_s64(&e, (int)ARG1);
	put_u32(&e, open_flags_to_scap(ARG2) & PPM_O_CLOEXEC);
	evb_submit(&e);
	return 0;
}

static __always_inline int pipe_exit(struct pt_regs *regs, long ret, __u16 type, __u32 n)
{
	struct evb e;
	if (!evb_begin(&e, type, n))
		return 0;
	int fds[2] = {-1, -1};
	bpf_probe_read_user(fds, sizeof(fds), (void *)ARG0);
	__u64 ino = 0;
	struct file *f = ret == 0 ? task_fd_file(cur_task(), fds[0]) : NULL;
	if (f)
		ino = BPF_CORE_READ(f, f_inode, i_ino);
	put_s64(&e, ret);
	put_s64(&e, fds[0]);
	put_s64(&e, fds[1]);
	put_u64(&e, ino);
	if (n == 5)
		put_u32(&e, open_flags_to_scap(ARG1) & ~(PPM_O_RDONLY | PPM_O_WRONLY));
	evb_submit(&e);
	return 0;
}

FILLER(vg_pipe_x) { return pipe_exit(regs, ret, PPME_SYSCALL_PIPE_X, 4); }
FILLER(vg_pipe2_x) { return pipe_exit(regs, ret, PPME_SYSCALL_PIPE2_X, 5); }

FILLER(vg_memfd_create_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_MEMFD_CREATE_X, 3))
		return 0;
	put_s64(&e, ret);
	put_user_str(&e, (void *)ARG0, 256);
	put_u32(&e, ARG1 & 7);
	evb_submit(&e);
	return 0;
}

/* ---- network ------------------------------------------------------------------------ */

FILLER(vg_socket_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SOCKET_SOCKET_X, 4))
		return 0;
	put_s64(&e, ret);
	put_u32(&e, ARG0); /* AF_* numbers are libscap's */
	put_u32(&e, ARG1);
	put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

FILLER(vg_connect_x)
{
	struct vg_enter_arg *a = enter_arg(VG_DRV_NR_CONNECT);
	struct evb e;
	if (!evb_begin(&e, PPME_SOCKET_CONNECT_X, 4))
		goto out;
	put_s64(&e, ret);
	/* a non-blocking connect in progress has its endpoints already */
	if (ret == 0 || ret == -115 /* EINPROGRESS */)
		put_socktuple(&e, task_fd_file(cur_task(), (int)ARG0), false);
	else
		put_empty(&e);
	put_s64(&e, (int)ARG0);
	if (a)
		put_sockaddr(&e, a->data, a->len, false);
	else
		put_sockaddr(&e, (void *)ARG1, ARG2, true);
	evb_submit(&e);
out:
	drop_enter_arg(a);
	return 0;
}

FILLER(vg_bind_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SOCKET_BIND_X, 3))
		return 0;
	put_s64(&e, ret);
	put_user_sockaddr(&e, (void *)ARG1, ARG2);
	put_s64(&e, (int)ARG0);
	evb_submit(&e);
	return 0;
}

FILLER(vg_listen_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SOCKET_LISTEN_X, 3))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u32(&e, ARG1);
	evb_submit(&e);
	return 0;
}

static __always_inline int accept_exit(struct pt_regs *regs, long ret, __u16 type, __u32 n)
{
	struct evb e;
	if (!evb_begin(&e, type, n))
		return 0;
	struct file *f = ret >= 0 ? task_fd_file(cur_task(), ret) : NULL;
	put_s64(&e, ret);
	put_socktuple(&e, f, true);
	/* queue of the listening socket */
	struct file *lf = task_fd_file(cur_task(), (int)ARG0);
	struct socket *ls = lf ? BPF_CORE_READ(lf, private_data) : NULL;
	struct sock *lsk = ls ? BPF_CORE_READ(ls, sk) : NULL;
	__u32 qlen = lsk ? BPF_CORE_READ(lsk, sk_ack_backlog) : 0;
	__u32 qmax = lsk ? BPF_CORE_READ(lsk, sk_max_ack_backlog) : 0;
	put_u8(&e, qmax ? (__u8)(qlen * 100 / qmax) : 0);
	put_u32(&e, qlen);
	put_u32(&e, qmax);
	if (n == 6)
		put_u32(&e, ARG3);
	evb_submit(&e);
	return 0;
}

FILLER(vg_accept_x) { return accept_exit(regs, ret, PPME_SOCKET_ACCEPT_5_X, 5); }
FILLER(vg_accept4_x) { return accept_exit(regs, ret, PPME_SOCKET_ACCEPT4_6_X, 6); }

FILLER(vg_sendto_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SOCKET_SENDTO_X, 5))
		return 0;
	put_s64(&e, ret);
	put_user_buf(&e, (void *)ARG1, ARG2, vg_snaplen);
	put_s64(&e, (int)ARG0);
	put_u32(&e, ARG2);
	put_socktuple(&e, task_fd_file(cur_task(), (int)ARG0), false);
	evb_submit(&e);
	return 0;
}

FILLER(vg_recvfrom_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SOCKET_RECVFROM_X, 5))
		return 0;
	put_s64(&e, ret);
	put_user_buf(&e, (void *)ARG1, ret > 0 ? ret : 0, vg_snaplen);
	put_socktuple(&e, task_fd_file(cur_task(), (int)ARG0), true);
	put_s64(&e, (int)ARG0);
	put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

/* ---- credentials, signals, misc ------------------------------------------------------ */

FILLER(vg_setuid_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_SETUID_X, 2))
		return 0;
	put_s64(&e, ret);
	put_u32(&e, ARG0);
	evb_submit(&e);
	return 0;
}

FILLER(vg_setgid_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_SETGID_X, 2))
		return 0;
	put_s64(&e, ret);
	put_u32(&e, ARG0);
	evb_submit(&e);
	return 0;
}

/* res + the first `nids` (2 or 3) arguments as 32-bit ids: setre*id and setres*id. */
static __always_inline int res_ids_exit(struct pt_regs *regs, long ret, __u16 type, int nids)
{
	struct evb e;
	if (!evb_begin(&e, type, 1 + nids))
		return 0;
	put_s64(&e, ret);
	put_u32(&e, ARG0);
	put_u32(&e, ARG1);
	if (nids == 3)
		put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

FILLER(vg_setresuid_x) { return res_ids_exit(regs, ret, PPME_SYSCALL_SETRESUID_X, 3); }
FILLER(vg_setresgid_x) { return res_ids_exit(regs, ret, PPME_SYSCALL_SETRESGID_X, 3); }
FILLER(vg_setreuid_x) { return res_ids_exit(regs, ret, PPME_SYSCALL_SETREUID_X, 2); }
FILLER(vg_setregid_x) { return res_ids_exit(regs, ret, PPME_SYSCALL_SETREGID_X, 2); }

FILLER(vg_capset_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_CAPSET_X, 4))
		return 0;
	const struct cred *cred = BPF_CORE_READ(cur_task(), cred);
	put_s64(&e, ret);
	put_u64(&e, read_cap(&cred->cap_inheritable));
	put_u64(&e, read_cap(&cred->cap_permitted));
	put_u64(&e, read_cap(&cred->cap_effective));
	evb_submit(&e);
	return 0;
}

FILLER(vg_ptrace_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_PTRACE_X, 5))
		return 0;
	put_s64(&e, ret);
	__u8 *p = &e.buf[e.pos & OFF_MASK];
	p[0] = PPM_PTRACE_IDX_UINT64;
	__u64 addr = ARG2, data = ARG3;
	__builtin_memcpy(&p[1], &addr, 8);
	evb_commit(&e, 9);
	p = &e.buf[e.pos & OFF_MASK];
	p[0] = PPM_PTRACE_IDX_UINT64;
	__builtin_memcpy(&p[1], &data, 8);
	evb_commit(&e, 9);
	put_u16(&e, ptrace_req_to_scap(ARG0));
	put_s64(&e, (int)ARG1);
	evb_submit(&e);
	return 0;
}

FILLER(vg_kill_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_KILL_X, 3))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u8(&e, ARG1);
	evb_submit(&e);
	return 0;
}

FILLER(vg_tkill_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_TKILL_X, 3))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u8(&e, ARG1);
	evb_submit(&e);
	return 0;
}

FILLER(vg_tgkill_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_TGKILL_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_s64(&e, (int)ARG1);
	put_u8(&e, ARG2);
	evb_submit(&e);
	return 0;
}

FILLER(vg_prctl_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_PRCTL_X, 4))
		return 0;
	put_s64(&e, ret);
	put_u32(&e, ARG0); /* PR_* option number */
	if (ARG0 == 15 /* PR_SET_NAME */ || ARG0 == 16 /* PR_GET_NAME */) {
		put_user_str(&e, (void *)ARG1, 16);
		put_s64(&e, 0);
	} else {
		put_empty(&e);
		put_s64(&e, ARG1);
	}
	evb_submit(&e);
	return 0;
}

FILLER(vg_unshare_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_UNSHARE_X, 2))
		return 0;
	put_s64(&e, ret);
	put_u32(&e, clone_flags_to_scap(ARG0));
	evb_submit(&e);
	return 0;
}

FILLER(vg_setns_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_SETNS_X, 3))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u32(&e, clone_flags_to_scap(ARG1));
	evb_submit(&e);
	return 0;
}

FILLER(vg_bpf_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_BPF_2_X, 2))
		return 0;
	put_s64(&e, ret);
	put_u32(&e, ARG0);
	evb_submit(&e);
	return 0;
}

FILLER(vg_init_module_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_INIT_MODULE_X, 4))
		return 0;
	put_s64(&e, ret);
	put_user_buf(&e, (void *)ARG0, ARG1, vg_snaplen);
	put_u64(&e, ARG1);
	put_user_str(&e, (void *)ARG2, 256);
	evb_submit(&e);
	return 0;
}

FILLER(vg_finit_module_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_FINIT_MODULE_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_user_str(&e, (void *)ARG1, 256);
	put_u32(&e, ARG2 & 7); /* MODULE_INIT_* share libscap's bits */
	evb_submit(&e);
	return 0;
}

FILLER(vg_mmap_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_MMAP_X, 10))
		return 0;
	struct mm_struct *mm = BPF_CORE_READ(cur_task(), mm);
	put_s64(&e, ret);
	put_u32(&e, mm ? BPF_CORE_READ(mm, total_vm) * 4 : 0);
	put_u32(&e, mm ? mm_counter_kb(mm, 0) + mm_counter_kb(mm, 1) + mm_counter_kb(mm, 3) : 0);
	put_u32(&e, mm ? mm_counter_kb(mm, 2) : 0);
	put_u64(&e, ARG0);
	put_u64(&e, ARG1);
	put_u32(&e, prot_to_scap(ARG2));
	put_u32(&e, mmap_flags_to_scap(ARG3));
	put_s64(&e, (int)ARG4);
	put_u64(&e, ARG5);
	evb_submit(&e);
	return 0;
}

FILLER(vg_mprotect_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_MPROTECT_X, 4))
		return 0;
	put_s64(&e, ret);
	put_u64(&e, ARG0);
	put_u64(&e, ARG1);
	put_u32(&e, prot_to_scap(ARG2));
	evb_submit(&e);
	return 0;
}

/* ---- processes ---------------------------------------------------------------------- */

static __always_inline void put_cwd(struct evb *e, struct task_struct *t)
{
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	if (!fs) {
		put_empty(e);
		return;
	}
	put_path(e, BPF_CORE_READ(fs, pwd.mnt), BPF_CORE_READ(fs, pwd.dentry));
}

/* The 21 parameters of clone/fork/vfork/clone3 exits, for the task `t` (parent or child). */
static __always_inline void fill_clone(struct evb *e, struct task_struct *t, long ret, __u64 kflags)
{
	put_s64(e, ret);
	put_exe_args(e, t);
	put_s64(e, BPF_CORE_READ(t, pid));
	put_s64(e, BPF_CORE_READ(t, tgid));
	put_s64(e, BPF_CORE_READ(t, real_parent, tgid));
	put_cwd(e, t);
	put_mem_info(e, t, true);
	put_kernel_str(e, t->comm, 16);
	put_cgroups(e, t);
	__u32 flags = clone_flags_to_scap(kflags);
	struct pid *tp = BPF_CORE_READ(t, thread_pid);
	if (tp && BPF_CORE_READ(tp, level) > 0)
		flags |= PPM_CL_CHILD_IN_PIDNS;
	put_u32(e, flags);
	put_u32(e, BPF_CORE_READ(t, cred, euid.val));
	put_u32(e, BPF_CORE_READ(t, cred, egid.val));
	put_s64(e, pid_vnr(tp));
	put_s64(e, pid_vnr(BPF_CORE_READ(t, group_leader, thread_pid)));
	unsigned int level = tp ? BPF_CORE_READ(tp, level) : 0;
	struct pid_namespace *ns = NULL;
	if (tp)
		bpf_core_read(&ns, sizeof(ns), &tp->numbers[level & 31].ns);
	struct task_struct *reaper = ns ? BPF_CORE_READ(ns, child_reaper) : NULL;
	put_u64(e, reaper ? BPF_CORE_READ(reaper, start_time) + vg_boot_time : 0);
}

static __always_inline int clone_exit(long ret, __u16 type, __u64 kflags)
{
	struct evb e;
	if (!evb_begin(&e, type, 21))
		return 0;
	fill_clone(&e, cur_task(), ret, kflags);
	evb_submit(&e);
	return 0;
}

FILLER(vg_clone_x) { return clone_exit(ret, PPME_SYSCALL_CLONE_20_X, ARG0); }
FILLER(vg_fork_x) { return clone_exit(ret, PPME_SYSCALL_FORK_20_X, 17 /* SIGCHLD */); }
FILLER(vg_vfork_x) { return clone_exit(ret, PPME_SYSCALL_VFORK_20_X, 0x4000 | 0x100 | 17); }
FILLER(vg_clone3_x)
{
	__u64 kflags = 0;
	bpf_probe_read_user(&kflags, sizeof(kflags), (void *)ARG0); /* clone_args.flags */
	return clone_exit(ret, PPME_SYSCALL_CLONE3_X, kflags);
}

/* The 30 parameters shared by execve and execveat exits. */
static __always_inline void fill_execve(struct evb *e, struct task_struct *t, long ret)
{
	put_s64(e, ret);
	put_exe_args(e, t);
	put_s64(e, BPF_CORE_READ(t, pid));
	put_s64(e, BPF_CORE_READ(t, tgid));
	put_s64(e, BPF_CORE_READ(t, real_parent, tgid));
	put_cwd(e, t);
	put_mem_info(e, t, false);
	put_kernel_str(e, t->comm, 16);
	put_cgroups(e, t);
	put_env(e, t);
	put_u32(e, task_tty(t));
	put_s64(e, pid_vnr(BPF_CORE_READ(t, signal, pids[PIDTYPE_PGID])));
	put_u32(e, BPF_CORE_READ(t, loginuid.val));
	struct file *exe = BPF_CORE_READ(t, mm, exe_file);
	put_u32(e, exe_flags(t, exe));
	const struct cred *cred = BPF_CORE_READ(t, cred);
	put_u64(e, read_cap(&cred->cap_inheritable));
	put_u64(e, read_cap(&cred->cap_permitted));
	put_u64(e, read_cap(&cred->cap_effective));
	struct inode *ino = exe ? BPF_CORE_READ(exe, f_inode) : NULL;
	put_u64(e, ino ? BPF_CORE_READ(ino, i_ino) : 0);
	put_u64(e, ino ? inode_ctime(ino) : 0);
	put_u64(e, ino ? inode_mtime(ino) : 0);
	put_u32(e, BPF_CORE_READ(cred, euid.val));
	put_file_path(e, exe);
	put_s64(e, pid_nr(BPF_CORE_READ(t, signal, pids[PIDTYPE_PGID])));
	put_u32(e, BPF_CORE_READ(cred, egid.val));
}

/* execve's "filename" argument is gone with the old image once the exec succeeded; the
 * kernel's copy (bprm->filename) is only visible in sched_process_exec, which stashes it here
 * for the syscall's exit. Keyed by the thread id the task has at exit (after de_thread).
 * A successful execveat also exits with orig_ax == __NR_execve on the test kernels, so the
 * stash records whether the exec went through a file descriptor (bprm->fdpath): that is how
 * the exit tells execveat(fd, ...) from execve. execveat(AT_FDCWD, path) is reported as
 * execve, which it is equivalent to. */
struct vg_exec_stash {
	char name[VG_DRV_MAX_PATH];
	__u8 fd_based;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256); /* execs between sched_process_exec and their exit: few */
	__type(key, __u32);
	__type(value, struct vg_exec_stash);
} vg_exec_names SEC(".maps");

/* vg_interesting[VG_DRV_NR_EXECVE] == VG_EXEC_FOR_EXECVEAT: execve's slot is only on so that
 * successful execveat calls reach their filler. */
#define VG_EXEC_FOR_EXECVEAT 2

SEC("tp_btf/sched_process_exec")
int BPF_PROG(vg_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!vg_interesting[VG_DRV_NR_EXECVE] || is_self())
		return 0;
	__u32 cpu = bpf_get_smp_processor_id();
	struct vg_pathbuf *pb = bpf_map_lookup_elem(&vg_pathmap, &cpu);
	if (!pb)
		return 0;
	struct vg_exec_stash *st = (void *)pb->data;
	if (bpf_probe_read_kernel_str(st->name, VG_DRV_MAX_PATH, BPF_CORE_READ(bprm, filename)) <= 0)
		return 0;
	st->fd_based = bpf_core_field_exists(bprm->fdpath) && BPF_CORE_READ(bprm, fdpath) != NULL;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&vg_exec_names, &tid, st, BPF_ANY);
	return 0;
}

static __always_inline void execveat_event(long ret)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_EXECVEAT_X, 30))
		return;
	fill_execve(&e, cur_task(), ret);
	evb_submit(&e);
}

/* Both outcomes are reported at exit: on success the task already runs the new image. */
FILLER(vg_execve_x)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct vg_exec_stash *st = ret == 0 ? bpf_map_lookup_elem(&vg_exec_names, &tid) : NULL;
	if (st && st->fd_based) {
		if (vg_interesting[VG_DRV_NR_EXECVEAT])
			execveat_event(ret);
	} else if (vg_interesting[VG_DRV_NR_EXECVE] != VG_EXEC_FOR_EXECVEAT) {
		struct evb e;
		if (evb_begin(&e, PPME_SYSCALL_EXECVE_19_X, 31)) {
			fill_execve(&e, cur_task(), ret);
			if (st)
				put_kernel_str(&e, st->name, VG_DRV_MAX_PATH);
			else if (ret != 0)
				put_user_str(&e, (void *)ARG0, VG_DRV_MAX_PATH);
			else
				put_empty(&e); /* stash evicted: trusted_exepath still names the file */
			evb_submit(&e);
		}
	}
	if (st)
		bpf_map_delete_elem(&vg_exec_names, &tid);
	return 0;
}

/* Failed execveat (a successful one exits as execve, see above). */
FILLER(vg_execveat_x)
{
	execveat_event(ret);
	return 0;
}

/* procexit for every exiting thread. The reaper is left to userspace (0 = unknown). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(vg_sched_exit, struct task_struct *p)
{
	if (!vg_interesting[VG_DRV_PROCEXIT_SLOT] || is_self())
		return 0;
	struct evb e;
	if (!evb_begin_tid(&e, PPME_PROCEXIT_1_E, 5, BPF_CORE_READ(p, pid)))
		return 0;
	__s64 code = BPF_CORE_READ(p, exit_code);
	put_s64(&e, code);
	put_s64(&e, (code >> 8) & 0xff);
	put_u8(&e, code & 0x7f);
	put_u8(&e, (code & 0x80) != 0);
	put_s64(&e, 0);
	evb_submit(&e);
	return 0;
}

/* ---- fcntl, message I/O, fd-creating calls, limits --------------------------------- */

static __always_inline __u8 fcntl_cmd_to_scap(__u64 cmd)
{
	switch (cmd) {
	case 0: return PPM_FCNTL_F_DUPFD;
	case 1: return PPM_FCNTL_F_GETFD;
	case 2: return PPM_FCNTL_F_SETFD;
	case 3: return PPM_FCNTL_F_GETFL;
	case 4: return PPM_FCNTL_F_SETFL;
	case 5: return PPM_FCNTL_F_GETLK;
	case 6: return PPM_FCNTL_F_SETLK;
	case 7: return PPM_FCNTL_F_SETLKW;
	case 8: return PPM_FCNTL_F_SETOWN;
	case 9: return PPM_FCNTL_F_GETOWN;
	case 10: return PPM_FCNTL_F_SETSIG;
	case 11: return PPM_FCNTL_F_GETSIG;
	case 15: return PPM_FCNTL_F_SETOWN_EX;
	case 16: return PPM_FCNTL_F_GETOWN_EX;
	case 36: return PPM_FCNTL_F_OFD_GETLK;
	case 37: return PPM_FCNTL_F_OFD_SETLK;
	case 38: return PPM_FCNTL_F_OFD_SETLKW;
	case 1024: return PPM_FCNTL_F_SETLEASE;
	case 1025: return PPM_FCNTL_F_GETLEASE;
	case 1026: return PPM_FCNTL_F_NOTIFY;
	case 1029: return PPM_FCNTL_F_CANCELLK;
	case 1030: return PPM_FCNTL_F_DUPFD_CLOEXEC;
	case 1031: return PPM_FCNTL_F_SETPIPE_SZ;
	case 1032: return PPM_FCNTL_F_GETPIPE_SZ;
	default: return PPM_FCNTL_UNKNOWN;
	}
}

FILLER(vg_fcntl_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_FCNTL_X, 3))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u8(&e, fcntl_cmd_to_scap(ARG1));
	evb_submit(&e);
	return 0;
}

#define MSG_IOV_MAX 16

/* Total length of a user iovec array (first MSG_IOV_MAX entries) and its first buffer. */
static __always_inline __u64 iov_total(const struct iovec *uiov, __u64 n, struct iovec *first)
{
	__u64 total = 0;
	first->iov_base = NULL;
	first->iov_len = 0;
	for (int i = 0; i < MSG_IOV_MAX; i++) {
		struct iovec v;
		if (i >= n || bpf_probe_read_user(&v, sizeof(v), &uiov[i]) != 0)
			break;
		if (i == 0)
			*first = v;
		total += v.iov_len;
	}
	return total;
}

/* Size of a user msghdr's data (first MSG_IOV_MAX iovecs) and its first iovec. */
static __always_inline __u64 user_msg_iov(const void *umsg, struct iovec *first)
{
	struct user_msghdr mh = {};
	first->iov_base = NULL;
	first->iov_len = 0;
	if (bpf_probe_read_user(&mh, sizeof(mh), umsg) != 0)
		return 0;
	return iov_total(mh.msg_iov, mh.msg_iovlen, first);
}

/* data: what was transferred of the first iovec, up to snaplen (libs gathers across iovecs;
 * one is the common case and keeps the program small). */
static __always_inline void put_first_iov(struct evb *e, const struct iovec *first, long ret)
{
	__u64 n = ret > 0 ? (__u64)ret : 0;
	put_user_buf(e, first->iov_base, n < first->iov_len ? n : first->iov_len, vg_snaplen);
}

FILLER(vg_sendmsg_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SOCKET_SENDMSG_X, 5))
		return 0;
	struct iovec first;
	__u64 size = user_msg_iov((void *)ARG1, &first);
	put_s64(&e, ret);
	put_first_iov(&e, &first, ret);
	put_s64(&e, (int)ARG0);
	put_u32(&e, size);
	put_socktuple(&e, task_fd_file(cur_task(), (int)ARG0), false);
	evb_submit(&e);
	return 0;
}

/* msgcontrol is left empty (ancillary data is not captured). */
FILLER(vg_recvmsg_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SOCKET_RECVMSG_X, 6))
		return 0;
	struct iovec first;
	__u64 size = user_msg_iov((void *)ARG1, &first);
	put_s64(&e, ret);
	put_u32(&e, size);
	put_first_iov(&e, &first, ret);
	put_socktuple(&e, task_fd_file(cur_task(), (int)ARG0), true);
	put_empty(&e);
	put_s64(&e, (int)ARG0);
	evb_submit(&e);
	return 0;
}

/* O_NONBLOCK / O_CLOEXEC style flags of the fd creators, without an access mode. */
static __always_inline __u32 fd_flags_to_scap(__u64 f) { return MAP_FLAGS(open_map, f); }

FILLER(vg_eventfd_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_EVENTFD_X, 3))
		return 0;
	put_s64(&e, ret);
	put_u64(&e, (__u32)ARG0);
	put_u32(&e, 0);
	evb_submit(&e);
	return 0;
}

FILLER(vg_eventfd2_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_EVENTFD2_X, 3))
		return 0;
	put_s64(&e, ret);
	put_u16(&e, fd_flags_to_scap(ARG1));
	put_u64(&e, (__u32)ARG0);
	evb_submit(&e);
	return 0;
}

static __always_inline __u32 user_sigmask_low(const void *uptr)
{
	__u32 m = 0;
	if (uptr)
		bpf_probe_read_user(&m, sizeof(m), uptr);
	return m;
}

FILLER(vg_signalfd_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_SIGNALFD_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u32(&e, user_sigmask_low((void *)ARG1));
	put_u8(&e, 0);
	evb_submit(&e);
	return 0;
}

FILLER(vg_signalfd4_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_SIGNALFD4_X, 4))
		return 0;
	put_s64(&e, ret);
	put_u16(&e, fd_flags_to_scap(ARG3));
	put_s64(&e, (int)ARG0);
	put_u32(&e, user_sigmask_low((void *)ARG1));
	evb_submit(&e);
	return 0;
}

FILLER(vg_timerfd_create_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_TIMERFD_CREATE_X, 3))
		return 0;
	put_s64(&e, ret);
	put_u8(&e, ARG0);
	put_u8(&e, fd_flags_to_scap(ARG1));
	evb_submit(&e);
	return 0;
}

FILLER(vg_inotify_init_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_INOTIFY_INIT_X, 2))
		return 0;
	put_s64(&e, ret);
	put_u8(&e, 0);
	evb_submit(&e);
	return 0;
}

FILLER(vg_inotify_init1_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_INOTIFY_INIT1_X, 2))
		return 0;
	put_s64(&e, ret);
	put_u16(&e, fd_flags_to_scap(ARG0));
	evb_submit(&e);
	return 0;
}

/* res + one 32-bit value: the small fd creators. */
static __always_inline int res_u32_exit(long ret, __u16 type, __u32 v)
{
	struct evb e;
	if (!evb_begin(&e, type, 2))
		return 0;
	put_s64(&e, ret);
	put_u32(&e, v);
	evb_submit(&e);
	return 0;
}

FILLER(vg_epoll_create_x) { return res_u32_exit(ret, PPME_SYSCALL_EPOLL_CREATE_X, (int)ARG0); }
FILLER(vg_epoll_create1_x)
{
	return res_u32_exit(ret, PPME_SYSCALL_EPOLL_CREATE1_X,
	                    (ARG0 & 02000000) ? PPM_EPOLL_CLOEXEC : 0);
}
FILLER(vg_userfaultfd_x)
{
	return res_u32_exit(ret, PPME_SYSCALL_USERFAULTFD_X, fd_flags_to_scap(ARG0));
}

FILLER(vg_pidfd_open_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_PIDFD_OPEN_X, 3))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_u32(&e, fd_flags_to_scap(ARG1));
	evb_submit(&e);
	return 0;
}

FILLER(vg_pidfd_getfd_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_PIDFD_GETFD_X, 4))
		return 0;
	put_s64(&e, ret);
	put_s64(&e, (int)ARG0);
	put_s64(&e, (int)ARG1);
	put_u32(&e, ARG2);
	evb_submit(&e);
	return 0;
}

/* -1 for a limit pair that was not passed or could not be read. */
static __always_inline void put_rlimit_pair(struct evb *e, const void *uptr)
{
	struct { __s64 cur, max; } rl = {-1, -1};
	if (uptr && bpf_probe_read_user(&rl, sizeof(rl), uptr) != 0)
		rl.cur = rl.max = -1;
	put_s64(e, rl.cur);
	put_s64(e, rl.max);
}

/* The old limits are only written on success; RLIMIT_* numbers equal libs' PPM_RLIMIT_*. */
FILLER(vg_prlimit_x)
{
	struct evb e;
	if (!evb_begin(&e, PPME_SYSCALL_PRLIMIT_X, 7))
		return 0;
	put_s64(&e, ret);
	put_rlimit_pair(&e, (void *)ARG2);
	put_rlimit_pair(&e, ret == 0 ? (void *)ARG3 : NULL);
	put_s64(&e, (int)ARG0);
	put_u8(&e, ARG1 <= PPM_RLIMIT_RTTIME ? ARG1 : PPM_RLIMIT_UNKNOWN);
	evb_submit(&e);
	return 0;
}
