/* syscall plugin — supported syscalls and base_syscalls selection. */
#include "sp_select.h"

#include <string.h>

#include "vigil/scap_events.h"
#include "vigil_driver.h"

#define SC(name, nr, code) {#name, nr, code, "vg_" #name "_x", false}

static const sp_syscall table[] = {
	SC(read, 0, PPME_SYSCALL_READ_X),
	SC(write, 1, PPME_SYSCALL_WRITE_X),
	SC(open, 2, PPME_SYSCALL_OPEN_X),
	SC(close, 3, PPME_SYSCALL_CLOSE_X),
	SC(mmap, 9, PPME_SYSCALL_MMAP_X),
	SC(mprotect, 10, PPME_SYSCALL_MPROTECT_X),
	SC(pipe, 22, PPME_SYSCALL_PIPE_X),
	SC(dup, 32, PPME_SYSCALL_DUP_1_X),
	SC(dup2, 33, PPME_SYSCALL_DUP2_X),
	SC(sendmsg, 46, PPME_SOCKET_SENDMSG_X),
	SC(recvmsg, 47, PPME_SOCKET_RECVMSG_X),
	SC(socket, 41, PPME_SOCKET_SOCKET_X),
	SC(connect, 42, PPME_SOCKET_CONNECT_X),
	SC(accept, 43, PPME_SOCKET_ACCEPT_5_X),
	SC(sendto, 44, PPME_SOCKET_SENDTO_X),
	SC(recvfrom, 45, PPME_SOCKET_RECVFROM_X),
	SC(bind, 49, PPME_SOCKET_BIND_X),
	SC(listen, 50, PPME_SOCKET_LISTEN_X),
	SC(clone, 56, PPME_SYSCALL_CLONE_20_X),
	SC(fork, 57, PPME_SYSCALL_FORK_20_X),
	SC(vfork, 58, PPME_SYSCALL_VFORK_20_X),
	SC(execve, 59, PPME_SYSCALL_EXECVE_19_X),
	SC(kill, 62, PPME_SYSCALL_KILL_X),
	SC(fcntl, 72, PPME_SYSCALL_FCNTL_X),
	SC(chdir, 80, PPME_SYSCALL_CHDIR_X),
	SC(fchdir, 81, PPME_SYSCALL_FCHDIR_X),
	SC(rename, 82, PPME_SYSCALL_RENAME_X),
	SC(mkdir, 83, PPME_SYSCALL_MKDIR_2_X),
	SC(rmdir, 84, PPME_SYSCALL_RMDIR_2_X),
	SC(creat, 85, PPME_SYSCALL_CREAT_X),
	SC(link, 86, PPME_SYSCALL_LINK_2_X),
	SC(unlink, 87, PPME_SYSCALL_UNLINK_2_X),
	SC(symlink, 88, PPME_SYSCALL_SYMLINK_X),
	SC(chmod, 90, PPME_SYSCALL_CHMOD_X),
	SC(fchmod, 91, PPME_SYSCALL_FCHMOD_X),
	SC(chown, 92, PPME_SYSCALL_CHOWN_X),
	SC(fchown, 93, PPME_SYSCALL_FCHOWN_X),
	SC(lchown, 94, PPME_SYSCALL_LCHOWN_X),
	SC(ptrace, 101, PPME_SYSCALL_PTRACE_X),
	SC(setuid, 105, PPME_SYSCALL_SETUID_X),
	SC(setgid, 106, PPME_SYSCALL_SETGID_X),
	SC(setreuid, 113, PPME_SYSCALL_SETREUID_X),
	SC(setregid, 114, PPME_SYSCALL_SETREGID_X),
	SC(setresuid, 117, PPME_SYSCALL_SETRESUID_X),
	SC(setresgid, 119, PPME_SYSCALL_SETRESGID_X),
	SC(capset, 126, PPME_SYSCALL_CAPSET_X),
	SC(prctl, 157, PPME_SYSCALL_PRCTL_X),
	SC(chroot, 161, PPME_SYSCALL_CHROOT_X),
	SC(mount, 165, PPME_SYSCALL_MOUNT_X),
	SC(umount2, 166, PPME_SYSCALL_UMOUNT2_X),
	SC(init_module, 175, PPME_SYSCALL_INIT_MODULE_X),
	SC(tkill, 200, PPME_SYSCALL_TKILL_X),
	SC(epoll_create, 213, PPME_SYSCALL_EPOLL_CREATE_X),
	SC(tgkill, 234, PPME_SYSCALL_TGKILL_X),
	SC(inotify_init, 253, PPME_SYSCALL_INOTIFY_INIT_X),
	SC(openat, 257, PPME_SYSCALL_OPENAT_2_X),
	SC(mkdirat, 258, PPME_SYSCALL_MKDIRAT_X),
	SC(fchownat, 260, PPME_SYSCALL_FCHOWNAT_X),
	SC(unlinkat, 263, PPME_SYSCALL_UNLINKAT_2_X),
	SC(renameat, 264, PPME_SYSCALL_RENAMEAT_X),
	SC(linkat, 265, PPME_SYSCALL_LINKAT_2_X),
	SC(symlinkat, 266, PPME_SYSCALL_SYMLINKAT_X),
	SC(fchmodat, 268, PPME_SYSCALL_FCHMODAT_X),
	SC(unshare, 272, PPME_SYSCALL_UNSHARE_X),
	SC(signalfd, 282, PPME_SYSCALL_SIGNALFD_X),
	SC(timerfd_create, 283, PPME_SYSCALL_TIMERFD_CREATE_X),
	SC(eventfd, 284, PPME_SYSCALL_EVENTFD_X),
	SC(accept4, 288, PPME_SOCKET_ACCEPT4_6_X),
	SC(signalfd4, 289, PPME_SYSCALL_SIGNALFD4_X),
	SC(eventfd2, 290, PPME_SYSCALL_EVENTFD2_X),
	SC(epoll_create1, 291, PPME_SYSCALL_EPOLL_CREATE1_X),
	SC(dup3, 292, PPME_SYSCALL_DUP3_X),
	SC(pipe2, 293, PPME_SYSCALL_PIPE2_X),
	SC(inotify_init1, 294, PPME_SYSCALL_INOTIFY_INIT1_X),
	SC(prlimit, 302, PPME_SYSCALL_PRLIMIT_X),
	SC(setns, 308, PPME_SYSCALL_SETNS_X),
	SC(finit_module, 313, PPME_SYSCALL_FINIT_MODULE_X),
	SC(renameat2, 316, PPME_SYSCALL_RENAMEAT2_X),
	SC(memfd_create, 319, PPME_SYSCALL_MEMFD_CREATE_X),
	SC(bpf, 321, PPME_SYSCALL_BPF_2_X),
	SC(execveat, 322, PPME_SYSCALL_EXECVEAT_X),
	SC(userfaultfd, 323, PPME_SYSCALL_USERFAULTFD_X),
	SC(pidfd_open, 434, PPME_SYSCALL_PIDFD_OPEN_X),
	SC(clone3, 435, PPME_SYSCALL_CLONE3_X),
	SC(openat2, 437, PPME_SYSCALL_OPENAT2_X),
	SC(pidfd_getfd, 438, PPME_SYSCALL_PIDFD_GETFD_X),
	{"procexit", VG_DRV_PROCEXIT_SLOT, PPME_PROCEXIT_1_E, NULL, false},
	/* generic event, for benchmarks: a syscall every process makes and no rule needs */
	{"getppid", 110, PPME_GENERIC_X, "vg_generic_x", true},
};

_Static_assert(sizeof table / sizeof table[0] <= SP_SELECT_MAX, "grow SP_SELECT_MAX");

/* What thread/fd state needs whatever the rules ask (Falco's default state set, restricted
 * to what the driver supports). */
static const char *const state_set[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat", "procexit", "open", "openat",
	"openat2", "creat", "close", "socket", "bind", "connect", "accept", "accept4", "listen",
	"dup", "dup2", "dup3", "pipe", "pipe2", "memfd_create", "chdir", "fchdir", "chroot",
	"setuid", "setgid", "setresuid", "setresgid", "capset", "prctl", "unshare", "setns",
	"mount", "umount2", "fcntl", "setreuid", "setregid", "eventfd", "eventfd2", "signalfd",
	"signalfd4", "timerfd_create", "inotify_init", "inotify_init1", "epoll_create",
	"epoll_create1", "userfaultfd", "pidfd_open", "pidfd_getfd",
};

/* repair: process lifecycle and identity ... */
static const char *const repair_proc[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat", "procexit", "chdir", "fchdir",
	"setuid", "setgid", "setresuid", "setresgid", "setreuid", "setregid", "capset", "prctl",
};
/* ... plus fd creation/destruction when a rule looks at fds. */
static const char *const repair_fd[] = {
	"open", "openat", "openat2", "creat", "socket", "accept", "accept4", "dup", "dup2",
	"dup3", "pipe", "pipe2", "memfd_create", "close", "connect", "bind", "fcntl",
};

const sp_syscall *sp_select_table(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}

int sp_select_find(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void enable_names(sp_selection *s, const char *const *names, size_t n, size_t *unknown)
{
	for (size_t i = 0; i < n; i++) {
		if (names[i][0] == '!')
			continue;
		int k = sp_select_find(names[i]);
		if (k >= 0)
			s->on[k] = true;
		else if (unknown)
			(*unknown)++;
	}
}

static bool rules_use_fds(const sp_select_opts *o)
{
	for (size_t i = 0; i < o->nrules; i++) {
		int k = sp_select_find(o->rules[i]);
		if (k < 0)
			continue;
		const vg_scap_event_info *info = vg_scap_event_info_get(table[k].exit_code);
		if (info && (info->flags & (EF_USES_FD | EF_CREATES_FD)))
			return true;
	}
	return false;
}

void sp_select_compute(const sp_select_opts *o, sp_selection *out, size_t *unknown)
{
	memset(out, 0, sizeof *out);
	if (unknown)
		*unknown = 0;
	size_t n = sizeof table / sizeof table[0];
	if (o->all || !o->rules) {
		for (size_t i = 0; i < n; i++)
			out->on[i] = !table[i].explicit_only;
		if (o->rules)
			enable_names(out, o->rules, o->nrules, unknown);
	} else {
		enable_names(out, o->rules, o->nrules, unknown);
		if (o->ncustom)
			enable_names(out, o->custom_set, o->ncustom, NULL);
		if (o->repair) {
			enable_names(out, repair_proc, sizeof repair_proc / sizeof *repair_proc, NULL);
			if (rules_use_fds(o))
				enable_names(out, repair_fd, sizeof repair_fd / sizeof *repair_fd, NULL);
		} else if (!o->ncustom) {
			enable_names(out, state_set, sizeof state_set / sizeof *state_set, NULL);
		}
	}
	for (size_t i = 0; i < o->ncustom; i++) {
		if (o->custom_set[i][0] != '!')
			continue;
		int k = sp_select_find(o->custom_set[i] + 1);
		if (k >= 0)
			out->on[k] = false;
	}
}

size_t sp_select_count(const sp_selection *s)
{
	size_t c = 0;
	for (size_t i = 0; i < SP_SELECT_MAX; i++)
		c += s->on[i];
	return c;
}
