#include "sst_parse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vigil/scap_flags.h>

#include "sst_cgroup.h"
#include "sst_render.h"

/* ---- small helpers ---- */

static const vg_scap_param *sst_parse_nonempty(const sst_state *st, sst_pname n)
{
	const vg_scap_param *p = sst_state_param(st, n);
	return p && p->len ? p : NULL;
}

/* Copies a string parameter (without its NUL) into dst when present and non-empty. */
static void sst_parse_take_str(const sst_state *st, sst_pname n, sst_str *dst)
{
	const vg_scap_param *p = sst_parse_nonempty(st, n);
	if (!p)
		return;
	uint32_t len = (uint32_t)strnlen((const char *)p->ptr, p->len);
	sst_str_set(dst, (const char *)p->ptr, len);
}

/* Copies a NUL-separated list parameter (args, env), making sure it ends with a NUL. */
static void sst_parse_take_list(const sst_state *st, sst_pname n, sst_str *dst)
{
	const vg_scap_param *p = sst_state_param(st, n);
	if (!p)
		return;
	if (!sst_str_set(dst, (const char *)p->ptr, p->len))
		return;
	if (dst->len && dst->p[dst->len - 1] != '\0' && sst_str_reserve(dst, dst->len + 1)) {
		dst->p[dst->len++] = '\0';
		dst->p[dst->len] = '\0';
	}
}

static void sst_parse_take_u32(const sst_state *st, sst_pname n, uint32_t *dst)
{
	uint64_t v;
	if (sst_state_uint(st, n, &v))
		*dst = (uint32_t)v;
}

static void sst_parse_take_u64(const sst_state *st, sst_pname n, uint64_t *dst)
{
	uint64_t v;
	if (sst_state_uint(st, n, &v))
		*dst = v;
}

static void sst_parse_take_i64(const sst_state *st, sst_pname n, int64_t *dst)
{
	int64_t v;
	if (sst_state_int(st, n, &v))
		*dst = v;
}

static void sst_parse_take_container(const sst_state *st, sst_proc *p)
{
	const vg_scap_param *cg = sst_state_param(st, SST_P_CGROUPS);
	if (cg && cg->len)
		sst_cgroup_from_list((const char *)cg->ptr, cg->len, p->container_id);
}

static sst_thread *sst_parse_thread(sst_state *st)
{
	int64_t tid = (int64_t)st->ctx.evt->tid;
	sst_thread *th = sst_threads_get(&st->threads, tid);
	return th ? th : sst_state_lookup_unknown(st, tid, st->ctx.evt->ts);
}

/* ---- processes ---- */

/* The process description every clone/execve exit carries. */
static void sst_parse_fill_proc(sst_state *st, sst_proc *p)
{
	sst_parse_take_str(st, SST_P_EXE, &p->exe);
	sst_parse_take_list(st, SST_P_ARGS, &p->args);
	sst_parse_take_str(st, SST_P_COMM, &p->comm);
	sst_parse_take_str(st, SST_P_CWD, &p->cwd);
	sst_parse_take_container(st, p);
	sst_parse_take_u32(st, SST_P_UID, &p->uid);
	sst_parse_take_u32(st, SST_P_GID, &p->gid);
	sst_parse_take_i64(st, SST_P_VPID, &p->vpid);
}

static void sst_parse_new_process(sst_state *st, sst_proc *p, const sst_proc *parent)
{
	if (parent)
		sst_threads_proc_inherit(&st->threads, p, parent);
	sst_parse_fill_proc(st, p);
	p->start_ts = st->ctx.evt->ts;
}

/* Replaces a process entry left behind by a missed exit when its pid is reused. */
static void sst_parse_forget_stale(sst_state *st, int64_t pid)
{
	sst_thread *old = sst_threads_get(&st->threads, pid);
	if (old)
		sst_threads_remove(&st->threads, pid, 0);
	sst_proc *p = sst_threads_proc(&st->threads, pid);
	if (p)
		sst_map_del(&st->threads.procs, (uint64_t)pid);
}

/* The child's own clone exit (res == 0): its ids in the event are authoritative. */
static void sst_parse_clone_child(sst_state *st, uint64_t flags)
{
	int64_t tid = (int64_t)st->ctx.evt->tid, pid = tid, ptid = 0, vtid = tid;
	sst_parse_take_i64(st, SST_P_PID, &pid);
	sst_parse_take_i64(st, SST_P_PTID, &ptid);
	sst_parse_take_i64(st, SST_P_VTID, &vtid);
	sst_thread *th = sst_threads_get(&st->threads, tid);
	if (th && th->proc->pid == pid) {
		th->vtid = vtid; /* created from the parent's exit, which cannot know namespaced ids */
		sst_parse_take_i64(st, SST_P_VPID, &th->proc->vpid);
		return;
	}
	if (th)
		sst_threads_remove(&st->threads, tid, 0);
	sst_thread *parent = ptid > 0 ? sst_threads_get(&st->threads, ptid) : NULL;
	bool is_thread = flags & PPM_CL_CLONE_THREAD;
	if (!is_thread)
		sst_parse_forget_stale(st, pid);
	int64_t ppid = parent ? parent->proc->pid : ptid;
	if (is_thread && parent)
		ppid = parent->proc->ppid;
	bool created;
	th = sst_threads_add(&st->threads, tid, pid, ppid, st->ctx.evt->ts, &created);
	if (!th)
		return;
	th->vtid = vtid;
	if (created) {
		const sst_proc *from = parent && (!is_thread || parent->proc->pid == pid) ? parent->proc : NULL;
		sst_parse_new_process(st, th->proc, from);
	}
}

/* The parent's clone exit (res = child tid). Only trusted outside pid namespaces and gVisor
 * sandboxes, where res is the child's global tid; otherwise the child's own exit creates it. */
static void sst_parse_clone_parent(sst_state *st, int64_t child, uint64_t flags)
{
	sst_thread *pt = sst_parse_thread(st);
	if (!pt || pt->vtid != pt->tid || pt->tid > INT32_MAX || (flags & PPM_CL_CHILD_IN_PIDNS))
		return;
	if (sst_threads_get(&st->threads, child))
		return;
	bool is_thread = flags & PPM_CL_CLONE_THREAD;
	int64_t pid = is_thread ? pt->proc->pid : child;
	int64_t ppid = is_thread || (flags & PPM_CL_CLONE_PARENT) ? pt->proc->ppid : pt->proc->pid;
	if (!is_thread)
		sst_parse_forget_stale(st, pid);
	bool created;
	sst_thread *th = sst_threads_add(&st->threads, child, pid, ppid, st->ctx.evt->ts, &created);
	if (th && created) {
		sst_threads_proc_inherit(&st->threads, th->proc, pt->proc);
		th->proc->start_ts = st->ctx.evt->ts;
	}
}

static void sst_parse_clone(sst_state *st)
{
	int64_t res;
	uint64_t flags = 0;
	if (!sst_state_int(st, SST_P_RES, &res) || res < 0)
		return;
	sst_state_uint(st, SST_P_FLAGS, &flags);
	if (res == 0)
		sst_parse_clone_child(st, flags);
	else
		sst_parse_clone_parent(st, res, flags);
}

static void sst_parse_exe_flags(const sst_state *st, sst_proc *p)
{
	uint64_t f;
	if (!sst_state_uint(st, SST_P_FLAGS, &f))
		return;
	p->flags = 0;
	if (f & PPM_EXE_WRITABLE)
		p->flags |= SST_PROC_EXE_WRITABLE;
	if (f & PPM_EXE_UPPER_LAYER)
		p->flags |= SST_PROC_EXE_UPPER_LAYER;
	if (f & PPM_EXE_FROM_MEMFD)
		p->flags |= SST_PROC_EXE_FROM_MEMFD;
	if (f & PPM_EXE_LOWER_LAYER)
		p->flags |= SST_PROC_EXE_LOWER_LAYER;
}

static void sst_parse_exepath(sst_state *st, sst_proc *p)
{
	const vg_scap_param *tp = sst_parse_nonempty(st, SST_P_TRUSTED_EXEPATH);
	if (tp) {
		sst_parse_take_str(st, SST_P_TRUSTED_EXEPATH, &p->exepath);
		return;
	}
	/* Older drivers: the filename as executed, resolved against the cwd. */
	const char *full = sst_state_resolve_path(st, p, sst_state_pidx(st->ctx.type, SST_P_FILENAME));
	if (full)
		sst_str_set(&p->exepath, full, st->tmp.len);
	else
		sst_str_set(&p->exepath, p->exe.p, p->exe.len);
}

static void sst_parse_execve(sst_state *st)
{
	int64_t res;
	if (!sst_state_int(st, SST_P_RES, &res) || res != 0)
		return;
	sst_thread *th = sst_parse_thread(st);
	if (!th) {
		int64_t tid = (int64_t)st->ctx.evt->tid, pid = tid, ptid = 0;
		sst_parse_take_i64(st, SST_P_PID, &pid);
		sst_parse_take_i64(st, SST_P_PTID, &ptid);
		const sst_thread *pt = ptid > 0 ? sst_threads_get(&st->threads, ptid) : NULL;
		bool created;
		th = sst_threads_add(&st->threads, tid, pid, pt ? pt->proc->pid : ptid, st->ctx.evt->ts,
				     &created);
		if (!th)
			return;
		if (created)
			th->proc->start_ts = st->ctx.evt->ts;
	}
	sst_proc *p = th->proc;
	sst_parse_fill_proc(st, p);
	sst_parse_take_list(st, SST_P_ENV, &p->env);
	sst_parse_take_u32(st, SST_P_TTY, &p->tty);
	sst_parse_take_i64(st, SST_P_VPGID, &p->vpgid);
	sst_parse_take_i64(st, SST_P_PGID, &p->pgid);
	sst_parse_take_u32(st, SST_P_LOGINUID, &p->loginuid);
	sst_parse_take_u64(st, SST_P_CAP_INH, &p->cap_inheritable);
	sst_parse_take_u64(st, SST_P_CAP_PRM, &p->cap_permitted);
	sst_parse_take_u64(st, SST_P_CAP_EFF, &p->cap_effective);
	sst_parse_take_u64(st, SST_P_EXE_INO, &p->exe_ino);
	sst_parse_take_u64(st, SST_P_EXE_INO_CTIME, &p->exe_ino_ctime);
	sst_parse_take_u64(st, SST_P_EXE_INO_MTIME, &p->exe_ino_mtime);
	sst_parse_exe_flags(st, p);
	sst_parse_exepath(st, p);
	/* The kernel closes O_CLOEXEC descriptors on a successful exec. */
	sst_fdtab_clear(&st->threads.fdpool, &p->fds, true);
}

static void sst_parse_procexit(sst_state *st)
{
	int64_t reaper = 0;
	sst_parse_take_i64(st, SST_P_REAPER, &reaper);
	int64_t tid = (int64_t)st->ctx.evt->tid;
	if (reaper > 0) {
		const sst_thread *r = sst_threads_get(&st->threads, reaper);
		reaper = r ? r->proc->pid : reaper;
	} else {
		/* Unknown reaper: the init of the exiting task's pid space (gVisor keeps the sandbox
		 * id in the high bits). */
		reaper = (int64_t)(((uint64_t)tid & ~(uint64_t)UINT32_MAX) | 1);
	}
	st->pending_exit = true;
	st->pending_exit_tid = tid;
	st->pending_exit_reaper = reaper;
}

/* ---- fds ---- */

static sst_fd *sst_parse_new_fd(sst_state *st, sst_thread *th, int64_t fd)
{
	return th && fd >= 0 ? sst_fdtab_add(&st->threads.fdpool, &th->proc->fds, fd) : NULL;
}

static void sst_parse_open(sst_state *st)
{
	int64_t fd;
	if (!sst_state_int(st, SST_P_FD, &fd) || fd < 0)
		return;
	sst_thread *th = sst_parse_thread(st);
	sst_fd *f = sst_parse_new_fd(st, th, fd);
	if (f)
		sst_state_fill_open(st, th->proc, f);
}

static uint8_t sst_parse_l4(uint64_t type, uint64_t proto)
{
	switch (type & 0xf) { /* SOCK_NONBLOCK/SOCK_CLOEXEC live in the high bits */
	case 1: return SST_L4_TCP;
	case 2: return SST_L4_UDP;
	case 3: return proto == 1 || proto == 58 ? SST_L4_ICMP : SST_L4_RAW;
	default: return SST_L4_UNKNOWN;
	}
}

static void sst_parse_socket_kind(sst_fd *f, uint64_t domain)
{
	f->family = (uint8_t)domain;
	switch (domain) {
	case VG_SCAP_AF_INET: f->type = SST_FD_IPV4; break;
	case VG_SCAP_AF_INET6: f->type = SST_FD_IPV6; break;
	case VG_SCAP_AF_UNIX: f->type = SST_FD_UNIX; break;
	case VG_SCAP_AF_NETLINK: f->type = SST_FD_NETLINK; break;
	default: f->type = SST_FD_UNKNOWN; break;
	}
}

static void sst_parse_socket(sst_state *st)
{
	int64_t fd;
	uint64_t domain = 0, type = 0, proto = 0;
	if (!sst_state_int(st, SST_P_FD, &fd) || fd < 0)
		return;
	sst_state_uint(st, SST_P_DOMAIN, &domain);
	sst_state_uint(st, SST_P_TYPE, &type);
	sst_state_uint(st, SST_P_PROTO, &proto);
	sst_fd *f = sst_parse_new_fd(st, sst_parse_thread(st), fd);
	if (!f)
		return;
	sst_parse_socket_kind(f, domain);
	f->l4proto = sst_parse_l4(type, proto);
	if (type & 02000000) /* SOCK_CLOEXEC */
		f->flags |= PPM_O_CLOEXEC;
}

/* pipe/pipe2/socketpair: true with both new fds when the call succeeded. */
static bool sst_parse_fd_pair(const sst_state *st, int64_t fds[2])
{
	int64_t res;
	return sst_state_int(st, SST_P_RES, &res) && res >= 0 && sst_state_int(st, SST_P_FD1, &fds[0]) &&
	       sst_state_int(st, SST_P_FD2, &fds[1]);
}

static void sst_parse_socketpair(sst_state *st)
{
	int64_t fds[2];
	uint64_t domain = VG_SCAP_AF_UNIX, type = 0, proto = 0, src = 0, peer = 0;
	if (!sst_parse_fd_pair(st, fds))
		return;
	sst_state_uint(st, SST_P_DOMAIN, &domain);
	sst_state_uint(st, SST_P_TYPE, &type);
	sst_state_uint(st, SST_P_PROTO, &proto);
	sst_state_uint(st, SST_P_SOURCE, &src);
	sst_state_uint(st, SST_P_PEER, &peer);
	sst_thread *th = sst_parse_thread(st);
	for (int i = 0; i < 2; i++) {
		sst_fd *f = sst_parse_new_fd(st, th, fds[i]);
		if (!f)
			continue;
		sst_parse_socket_kind(f, domain);
		f->l4proto = sst_parse_l4(type, proto);
		f->ino = i == 0 ? src : peer;
	}
}

/* Reads a PT_SOCKADDR or PT_SOCKTUPLE into f. A tuple is always client -> server, as libs'
 * drivers write it (connect: local first; accept: remote first), so f->role alone tells which
 * end is local. Returns false when the value is too short for its family (f unchanged). */
static bool sst_parse_addr(sst_fd *f, const vg_scap_param *p, bool tuple)
{
	if (!p || p->len < 1)
		return false;
	uint8_t fam = p->ptr[0];
	const uint8_t *b = p->ptr + 1;
	uint32_t n = p->len - 1;
	if (fam == VG_SCAP_AF_INET || fam == VG_SCAP_AF_INET6) {
		uint32_t alen = fam == VG_SCAP_AF_INET ? 4 : 16;
		if (n < (tuple ? 2 * (alen + 2) : alen + 2))
			return false;
		f->family = fam;
		f->type = fam == VG_SCAP_AF_INET ? SST_FD_IPV4 : SST_FD_IPV6;
		memset(f->cip, 0, sizeof f->cip);
		memset(f->sip, 0, sizeof f->sip);
		if (!tuple) { /* bind: the local address of a server */
			memcpy(f->sip, b, alen);
			memcpy(&f->sport, b + alen, 2);
			return true;
		}
		memcpy(f->cip, b, alen);
		memcpy(&f->cport, b + alen, 2);
		memcpy(f->sip, b + alen + 2, alen);
		memcpy(&f->sport, b + 2 * alen + 2, 2);
		return true;
	}
	if (fam == VG_SCAP_AF_UNIX) {
		uint32_t skip = tuple ? 16 : 0;
		if (n < skip)
			return false;
		f->family = fam;
		f->type = SST_FD_UNIX;
		if (tuple)
			memcpy(&f->ino, b, 8);
		uint32_t plen = (uint32_t)strnlen((const char *)b + skip, n - skip);
		if (plen)
			sst_str_set(&f->name, (const char *)b + skip, plen);
		return true;
	}
	return false;
}

/* Sets f's tuple from the event and re-renders its name, noting a change of name. */
static void sst_parse_set_tuple(sst_fd *f, const vg_scap_param *p, bool tuple)
{
	if (!sst_parse_addr(f, p, tuple) || f->type == SST_FD_UNIX)
		return;
	char buf[SST_RENDER_TUPLE_MAX];
	uint32_t n = (uint32_t)sst_render_tuple(f, buf);
	bool same = f->name.len == n && memcmp(f->name.p, buf, n) == 0;
	f->name_changed = f->name.len && !same;
	if (!same)
		sst_str_set(&f->name, buf, n);
}

static void sst_parse_connect(sst_state *st)
{
	int64_t res, fd;
	if (!sst_state_int(st, SST_P_RES, &res) || !sst_state_int(st, SST_P_FD, &fd) || fd < 0)
		return;
	if (res < 0 && res != -EINPROGRESS)
		return;
	sst_thread *th = sst_parse_thread(st);
	if (!th)
		return;
	sst_fd *f = sst_fdtab_get(&th->proc->fds, fd);
	if (!f && !(f = sst_parse_new_fd(st, th, fd)))
		return;
	f->role = SST_ROLE_CLIENT;
	const vg_scap_param *tp = sst_parse_nonempty(st, SST_P_TUPLE);
	f->connected = true;
	sst_parse_set_tuple(f, tp, true);
}

static void sst_parse_accept(sst_state *st)
{
	int64_t fd;
	if (!sst_state_int(st, SST_P_FD, &fd) || fd < 0)
		return;
	sst_fd *f = sst_parse_new_fd(st, sst_parse_thread(st), fd);
	if (!f)
		return;
	f->role = SST_ROLE_SERVER;
	f->connected = true;
	f->l4proto = SST_L4_TCP;
	sst_parse_set_tuple(f, sst_parse_nonempty(st, SST_P_TUPLE), true);
}

static sst_fd *sst_parse_used_fd(sst_state *st)
{
	int64_t fd;
	sst_thread *th = sst_parse_thread(st);
	if (!th || !sst_state_int(st, SST_P_FD, &fd))
		return NULL;
	return sst_fdtab_get(&th->proc->fds, fd);
}

static void sst_parse_bind(sst_state *st)
{
	int64_t res;
	sst_fd *f;
	if (!sst_state_int(st, SST_P_RES, &res) || res < 0 || !(f = sst_parse_used_fd(st)))
		return;
	f->role = SST_ROLE_SERVER;
	sst_parse_set_tuple(f, sst_parse_nonempty(st, SST_P_ADDR), false);
}

static void sst_parse_listen(sst_state *st)
{
	int64_t res;
	sst_fd *f;
	if (sst_state_int(st, SST_P_RES, &res) && res == 0 && (f = sst_parse_used_fd(st)))
		f->role = SST_ROLE_SERVER;
}

static void sst_parse_dup(sst_state *st)
{
	int64_t res, oldfd;
	uint64_t flags = 0;
	if (!sst_state_int(st, SST_P_RES, &res) || res < 0 || !sst_state_int(st, SST_P_OLDFD, &oldfd))
		return;
	sst_state_uint(st, SST_P_FLAGS, &flags);
	sst_thread *th = sst_parse_thread(st);
	if (th)
		sst_fdtab_dup(&st->threads.fdpool, &th->proc->fds, oldfd, res, flags & PPM_O_CLOEXEC);
}

static void sst_parse_fcntl(sst_state *st)
{
	int64_t res, fd;
	uint64_t cmd;
	if (!sst_state_int(st, SST_P_RES, &res) || res < 0 || !sst_state_int(st, SST_P_FD, &fd) ||
	    !sst_state_uint(st, SST_P_CMD, &cmd) ||
	    (cmd != PPM_FCNTL_F_DUPFD && cmd != PPM_FCNTL_F_DUPFD_CLOEXEC))
		return;
	sst_thread *th = sst_parse_thread(st);
	if (th)
		sst_fdtab_dup(&st->threads.fdpool, &th->proc->fds, fd, res,
		              cmd == PPM_FCNTL_F_DUPFD_CLOEXEC);
}

static void sst_parse_close(sst_state *st)
{
	int64_t res, fd;
	sst_thread *th = sst_parse_thread(st);
	if (!th || !sst_state_int(st, SST_P_RES, &res) || res < 0 || !sst_state_int(st, SST_P_FD, &fd))
		return;
	st->pending_close = true;
	st->pending_close_pid = th->proc->pid;
	st->pending_close_fd = fd;
}

static void sst_parse_pipe(sst_state *st)
{
	int64_t fds[2];
	uint64_t ino = 0, flags = 0;
	if (!sst_parse_fd_pair(st, fds))
		return;
	sst_state_uint(st, SST_P_INO, &ino);
	sst_state_uint(st, SST_P_FLAGS, &flags);
	sst_thread *th = sst_parse_thread(st);
	for (int i = 0; i < 2; i++) {
		sst_fd *f = sst_parse_new_fd(st, th, fds[i]);
		if (!f)
			continue;
		f->type = SST_FD_PIPE;
		f->ino = ino;
		f->flags = (uint32_t)flags & PPM_O_CLOEXEC;
	}
}

static void sst_parse_memfd(sst_state *st)
{
	int64_t fd;
	uint64_t flags = 0;
	if (!sst_state_int(st, SST_P_FD, &fd) || fd < 0)
		return;
	sst_fd *f = sst_parse_new_fd(st, sst_parse_thread(st), fd);
	if (!f)
		return;
	f->type = SST_FD_MEMFD;
	sst_state_uint(st, SST_P_FLAGS, &flags);
	if (flags & PPM_MFD_CLOEXEC)
		f->flags |= PPM_O_CLOEXEC;
	const vg_scap_param *n = sst_parse_nonempty(st, SST_P_NAME);
	char buf[300];
	int len = snprintf(buf, sizeof buf, "memfd:%.*s", n ? (int)strnlen((const char *)n->ptr, n->len) : 0,
			   n ? (const char *)n->ptr : "");
	if (len > 0)
		sst_str_set(&f->name, buf, (uint32_t)(len < (int)sizeof buf ? len : (int)sizeof buf - 1));
}

/* Calls whose only state effect is "fd N is now an <kind>": param 0 holds the new fd. */
static uint8_t sst_parse_simple_fd_kind(uint16_t type)
{
	switch (type) {
	case PPME_SYSCALL_EVENTFD_X: case PPME_SYSCALL_EVENTFD2_X: return SST_FD_EVENT;
	case PPME_SYSCALL_SIGNALFD_X: case PPME_SYSCALL_SIGNALFD4_X: return SST_FD_SIGNALFD;
	case PPME_SYSCALL_TIMERFD_CREATE_X: return SST_FD_TIMERFD;
	case PPME_SYSCALL_INOTIFY_INIT_X: case PPME_SYSCALL_INOTIFY_INIT1_X: return SST_FD_INOTIFY;
	case PPME_SYSCALL_EPOLL_CREATE_X: case PPME_SYSCALL_EPOLL_CREATE1_X: return SST_FD_EVENTPOLL;
	case PPME_SYSCALL_USERFAULTFD_X: return SST_FD_USERFAULTFD;
	case PPME_SYSCALL_PIDFD_OPEN_X: case PPME_SYSCALL_PIDFD_GETFD_X: return SST_FD_PIDFD;
	case PPME_SYSCALL_IO_URING_SETUP_X: return SST_FD_IOURING;
	case PPME_SYSCALL_BPF_2_X: return SST_FD_BPF;
	default: return SST_FD_TYPE_COUNT;
	}
}

static void sst_parse_simple_fd(sst_state *st, uint8_t kind)
{
	int64_t fd;
	if (st->ctx.nparams < 1 || !vg_scap_param_int(&st->ctx.params[0], &fd) || fd < 0)
		return;
	sst_fd *f = sst_parse_new_fd(st, sst_parse_thread(st), fd);
	if (f)
		f->type = kind;
}

/* ---- cwd and credentials ---- */

static void sst_parse_chdir(sst_state *st)
{
	int64_t res;
	sst_thread *th = sst_parse_thread(st);
	if (!th || !sst_state_int(st, SST_P_RES, &res) || res < 0)
		return;
	const char *full = sst_state_resolve_path(st, th->proc, sst_state_pidx(st->ctx.type, SST_P_PATH));
	if (full)
		sst_str_set(&th->proc->cwd, full, st->tmp.len);
}

static void sst_parse_fchdir(sst_state *st)
{
	int64_t res;
	sst_thread *th = sst_parse_thread(st);
	const sst_fd *f = sst_parse_used_fd(st);
	if (th && f && f->name.len && sst_state_int(st, SST_P_RES, &res) && res == 0 &&
	    sst_str_set(&st->tmp, f->name.p, f->name.len))
		sst_str_set(&th->proc->cwd, st->tmp.p, st->tmp.len);
}

static void sst_parse_creds(sst_state *st)
{
	int64_t res;
	sst_thread *th = sst_parse_thread(st);
	if (!th || !sst_state_int(st, SST_P_RES, &res) || res < 0)
		return;
	sst_proc *p = th->proc;
	uint64_t v;
	switch (st->ctx.type) {
	case PPME_SYSCALL_SETUID_X:
		sst_parse_take_u32(st, SST_P_UID, &p->uid);
		break;
	case PPME_SYSCALL_SETGID_X:
		sst_parse_take_u32(st, SST_P_GID, &p->gid);
		break;
	case PPME_SYSCALL_SETRESUID_X:
	case PPME_SYSCALL_SETREUID_X:
		/* -1 keeps the current id; user.uid follows the effective id, as in libsinsp. */
		if (sst_state_uint(st, SST_P_EUID, &v) && (uint32_t)v != UINT32_MAX)
			p->uid = (uint32_t)v;
		break;
	case PPME_SYSCALL_SETRESGID_X:
	case PPME_SYSCALL_SETREGID_X:
		if (sst_state_uint(st, SST_P_EGID, &v) && (uint32_t)v != UINT32_MAX)
			p->gid = (uint32_t)v;
		break;
	case PPME_SYSCALL_CAPSET_X:
		sst_parse_take_u64(st, SST_P_CAP_INH, &p->cap_inheritable);
		sst_parse_take_u64(st, SST_P_CAP_PRM, &p->cap_permitted);
		sst_parse_take_u64(st, SST_P_CAP_EFF, &p->cap_effective);
		break;
	case PPME_SYSCALL_SETSID_X:
		if (res > 0)
			p->sid = p->vpgid = p->pgid = res;
		break;
	default:
		break;
	}
}

/* ---- dispatch ---- */

static void sst_parse_apply_pending(sst_state *st)
{
	if (st->pending_close) {
		sst_proc *p = sst_threads_proc(&st->threads, st->pending_close_pid);
		if (p)
			sst_fdtab_del(&st->threads.fdpool, &p->fds, st->pending_close_fd);
		st->pending_close = false;
	}
	if (st->pending_exit) {
		sst_threads_remove(&st->threads, st->pending_exit_tid, st->pending_exit_reaper);
		st->pending_exit = false;
	}
}

static void sst_parse_dispatch(sst_state *st)
{
	switch (st->ctx.type) {
	case PPME_SYSCALL_CLONE_20_X: case PPME_SYSCALL_FORK_20_X: case PPME_SYSCALL_VFORK_20_X:
	case PPME_SYSCALL_CLONE3_X:
		sst_parse_clone(st); break;
	case PPME_SYSCALL_EXECVE_19_X: case PPME_SYSCALL_EXECVEAT_X:
		sst_parse_execve(st); break;
	case PPME_PROCEXIT_1_E:
		sst_parse_procexit(st); break;
	case PPME_SYSCALL_OPEN_X: case PPME_SYSCALL_OPENAT_2_X: case PPME_SYSCALL_OPENAT2_X:
	case PPME_SYSCALL_CREAT_X:
		sst_parse_open(st); break;
	case PPME_SOCKET_SOCKET_X: sst_parse_socket(st); break;
	case PPME_SOCKET_SOCKETPAIR_X: sst_parse_socketpair(st); break;
	case PPME_SOCKET_CONNECT_X: sst_parse_connect(st); break;
	case PPME_SOCKET_ACCEPT_5_X: case PPME_SOCKET_ACCEPT4_6_X: sst_parse_accept(st); break;
	case PPME_SOCKET_BIND_X: sst_parse_bind(st); break;
	case PPME_SOCKET_LISTEN_X: sst_parse_listen(st); break;
	case PPME_SYSCALL_DUP_1_X: case PPME_SYSCALL_DUP2_X: case PPME_SYSCALL_DUP3_X:
		sst_parse_dup(st); break;
	case PPME_SYSCALL_FCNTL_X: sst_parse_fcntl(st); break;
	case PPME_SYSCALL_CLOSE_X: sst_parse_close(st); break;
	case PPME_SYSCALL_PIPE_X: case PPME_SYSCALL_PIPE2_X: sst_parse_pipe(st); break;
	case PPME_SYSCALL_MEMFD_CREATE_X: sst_parse_memfd(st); break;
	case PPME_SYSCALL_CHDIR_X: sst_parse_chdir(st); break;
	case PPME_SYSCALL_FCHDIR_X: sst_parse_fchdir(st); break;
	case PPME_SYSCALL_SETUID_X: case PPME_SYSCALL_SETGID_X: case PPME_SYSCALL_SETRESUID_X:
	case PPME_SYSCALL_SETRESGID_X: case PPME_SYSCALL_CAPSET_X: case PPME_SYSCALL_SETSID_X:
	case PPME_SYSCALL_SETREUID_X: case PPME_SYSCALL_SETREGID_X:
		sst_parse_creds(st); break;
	default: {
		uint8_t kind = sst_parse_simple_fd_kind(st->ctx.type);
		if (kind != SST_FD_TYPE_COUNT)
			sst_parse_simple_fd(st, kind);
		break;
	}
	}
}

void sst_parse_event(sst_state *st, uint64_t evtnum, const ss_plugin_event *evt)
{
	sst_parse_apply_pending(st);
	st->n_events++;
	sst_state_decode(st, evtnum, evt);
	if (!st->ctx.valid || evt->tid == UINT64_MAX)
		return;
	sst_state_maintain(st, evt->ts);
	sst_parse_dispatch(st);
	sst_state_resolve_ctx(st);
	if (!st->ctx.th && st->ctx.type != PPME_PROCEXIT_1_E) {
		/* An event from a thread whose clone was missed: fetch it once from procfs. */
		if (sst_state_lookup_unknown(st, (int64_t)evt->tid, evt->ts))
			sst_state_resolve_ctx(st);
	}
	if (st->ctx.th)
		sst_threads_touch(&st->threads, st->ctx.th, evt->ts);
}
