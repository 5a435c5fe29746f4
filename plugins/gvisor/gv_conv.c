#include "gv_conv.h"

#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include <vigil/scap_events.h>
#include <vigil/scap_flags.h>

#include "common.pb-c.h"
#include "container.pb-c.h"
#include "gv_event.h"
#include "gv_flags.h"
#include "sentry.pb-c.h"
#include "syscall.pb-c.h"

/* The eBPF driver reads at most this much of argv/env (MAX_PROC_ARG_ENV); so do we, so rules
 * see the same proc.cmdline on both sources. */
#define GV_CONV_ARG_MAX 4096u
/* Linux comm length without the NUL (TASK_COMM_LEN - 1). */
#define GV_CONV_COMM_MAX 15u

typedef Gvisor__Common__ContextData gv_cd;
typedef Gvisor__Syscall__Exit gv_exit;

/* Every message we read starts with context_data (field 1); schematized syscalls and the raw
 * syscall continue with exit and sysno. The converter reads these through one view. */
typedef struct gv_head {
	ProtobufCMessage base;
	gv_cd *context_data;
	gv_exit *exit;
	uint64_t sysno;
} gv_head;

#define GV_SAME_HEAD(T)                                                                            \
	_Static_assert(offsetof(T, context_data) == offsetof(gv_head, context_data) &&                \
	                   offsetof(T, exit) == offsetof(gv_head, exit) &&                            \
	                   offsetof(T, sysno) == offsetof(gv_head, sysno),                            \
	               #T " head layout")
GV_SAME_HEAD(Gvisor__Syscall__Syscall);
GV_SAME_HEAD(Gvisor__Syscall__Open);
GV_SAME_HEAD(Gvisor__Syscall__Close);
GV_SAME_HEAD(Gvisor__Syscall__ReadWrite);
GV_SAME_HEAD(Gvisor__Syscall__Connect);
GV_SAME_HEAD(Gvisor__Syscall__Bind);
GV_SAME_HEAD(Gvisor__Syscall__Accept);
GV_SAME_HEAD(Gvisor__Syscall__Execve);
GV_SAME_HEAD(Gvisor__Syscall__Socket);
GV_SAME_HEAD(Gvisor__Syscall__SocketPair);
GV_SAME_HEAD(Gvisor__Syscall__Chdir);
GV_SAME_HEAD(Gvisor__Syscall__Chroot);
GV_SAME_HEAD(Gvisor__Syscall__Setid);
GV_SAME_HEAD(Gvisor__Syscall__Setresid);
GV_SAME_HEAD(Gvisor__Syscall__Prlimit);
GV_SAME_HEAD(Gvisor__Syscall__Pipe);
GV_SAME_HEAD(Gvisor__Syscall__Fcntl);
GV_SAME_HEAD(Gvisor__Syscall__Dup);
GV_SAME_HEAD(Gvisor__Syscall__Signalfd);
GV_SAME_HEAD(Gvisor__Syscall__Eventfd);
GV_SAME_HEAD(Gvisor__Syscall__Clone);
GV_SAME_HEAD(Gvisor__Syscall__Fork);
GV_SAME_HEAD(Gvisor__Syscall__TimerfdCreate);
GV_SAME_HEAD(Gvisor__Syscall__InotifyInit);
_Static_assert(offsetof(Gvisor__Container__Start, context_data) == offsetof(gv_head, context_data),
               "start head");
_Static_assert(offsetof(Gvisor__Sentry__CloneInfo, context_data) == offsetof(gv_head, context_data),
               "clone head");
_Static_assert(offsetof(Gvisor__Sentry__ExecveInfo, context_data) == offsetof(gv_head, context_data),
               "exec head");
_Static_assert(offsetof(Gvisor__Sentry__ExitInfo, context_data) == offsetof(gv_head, context_data),
               "exit head");

/* Everything one conversion needs. */
typedef struct gv_ctx {
	gv_conv *c;
	gv_sandbox *sb;
	gv_evbuf *out;
	const gv_cd *cd;   /* NULL when the point has no context fields */
	uint64_t ts;
	int32_t tid;
	uint64_t etid;     /* encoded tid for the event header */
	gv_thread *th;     /* NULL when tid is unknown (0) */
	uint32_t emitted;
} gv_ctx;

uint64_t gv_conv_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void gv_conv_init(gv_conv *c)
{
	memset(c, 0, sizeof(*c));
	c->cache = calloc(1, sizeof(*c->cache)); /* optional: lookups work without it */
}

void gv_conv_free(gv_conv *c)
{
	free(c->args);
	free(c->env);
	free(c->cgroups);
	free(c->cache);
	memset(c, 0, sizeof(*c));
}

static bool gv_reserve(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap *= 2;
	char *nb = realloc(*buf, ncap);
	if (!nb)
		return false;
	*buf = nb;
	*cap = ncap;
	return true;
}

/* Joins strs[from..n) as NUL-terminated strings back to back, cut at GV_CONV_ARG_MAX bytes
 * (the last string is then truncated but still NUL-terminated, as the driver does). Returns
 * the length; *out points into the reused buffer. */
static uint32_t gv_join(char **buf, size_t *cap, char *const *strs, size_t n, size_t from,
                        const char **out)
{
	*out = NULL;
	if (!gv_reserve(buf, cap, GV_CONV_ARG_MAX))
		return 0;
	uint32_t len = 0;
	for (size_t i = from; i < n && len < GV_CONV_ARG_MAX; i++) {
		size_t room = GV_CONV_ARG_MAX - len - 1;
		size_t sl = strlen(strs[i]);
		if (sl > room)
			sl = room;
		memcpy(*buf + len, strs[i], sl);
		len += (uint32_t)sl;
		(*buf)[len++] = '\0';
	}
	*out = *buf;
	return len;
}

static const char *gv_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int64_t gv_res(const gv_exit *e)
{
	if (!e)
		return 0;
	return e->errorno ? -e->errorno : e->result;
}

static const char *gv_str_or_null(const char *s)
{
	return s && *s ? s : NULL;
}

static const char *gv_container_id(const gv_ctx *x)
{
	if (x->cd && x->cd->container_id && *x->cd->container_id)
		return x->cd->container_id;
	return x->sb->container_id;
}

/* cgroups value "gvisor=/<container id>": the syscall fields plugin maps it to container.id. */
static uint32_t gv_cgroups(gv_ctx *x, const char **out)
{
	const char *cid = gv_container_id(x);
	*out = NULL;
	if (!cid)
		return 0;
	size_t need = strlen("gvisor=/") + strlen(cid) + 1;
	if (!gv_reserve(&x->c->cgroups, &x->c->cgroups_cap, need))
		return 0;
	memcpy(x->c->cgroups, "gvisor=/", 8);
	memcpy(x->c->cgroups + 8, cid, need - 8);
	*out = x->c->cgroups;
	return (uint32_t)need;
}

static void gv_emit(gv_ctx *x, gv_event *e)
{
	if (gv_event_end(e, x->out)) {
		x->emitted++;
		x->c->st.events++;
	} else {
		x->c->st.build_failures++;
	}
}

/* Starts an event for the message's thread; false (counted) when the table lacks the type. */
static bool gv_begin(gv_ctx *x, gv_event *e, uint16_t type)
{
	if (gv_event_begin(e, x->c->cache, type, x->ts, x->etid))
		return true;
	x->c->st.unconverted++;
	return false;
}

/* ---- process events ------------------------------------------------------------------------ */

typedef struct gv_proc {
	uint16_t type;
	int64_t res;
	int32_t tid, tgid, ptid;    /* sandbox ids of the thread the event describes */
	const char *exe, *args;     /* args: NUL-separated, args_len bytes */
	uint32_t args_len;
	const char *comm, *cwd, *exepath, *filename;
	const char *env;
	uint32_t env_len;
	uint32_t clone_flags;       /* PPM_CL_* */
} gv_proc;

static void gv_put_creds(gv_event *e, const gv_cd *cd)
{
	const Gvisor__Common__Credentials *cr = cd ? cd->credentials : NULL;
	gv_event_int(e, "uid", cr ? cr->effective_uid : 0);
	gv_event_int(e, "gid", cr ? cr->effective_gid : 0);
}

/* A clone/fork/vfork/clone3 (layout 20) or execve/execveat exit describing one thread. */
static void gv_emit_proc(gv_ctx *x, const gv_proc *p, uint64_t header_tid)
{
	gv_event e;
	if (!gv_event_begin(&e, x->c->cache, p->type, x->ts, header_tid)) {
		x->c->st.unconverted++;
		return;
	}
	gv_sandbox *sb = x->sb;
	char comm[GV_CONV_COMM_MAX + 1];
	snprintf(comm, sizeof(comm), "%s", p->comm ? p->comm : "");
	const char *cg;
	uint32_t cg_len = gv_cgroups(x, &cg);
	bool is_clone = p->type != PPME_SYSCALL_EXECVE_19_X && p->type != PPME_SYSCALL_EXECVEAT_X;

	gv_event_res(&e, p->res);
	gv_event_str(&e, "exe", p->exe ? p->exe : comm);
	gv_event_bytes(&e, "args", p->args, p->args_len);
	gv_event_int(&e, "tid", (int64_t)gv_sandbox_tid(sb, p->tid));
	gv_event_int(&e, "pid", (int64_t)gv_sandbox_tid(sb, p->tgid));
	gv_event_int(&e, "ptid", (int64_t)gv_sandbox_tid(sb, p->ptid));
	gv_event_str(&e, "cwd", x->cd && *x->cd->cwd ? x->cd->cwd : p->cwd);
	gv_event_str(&e, "comm", comm);
	gv_event_bytes(&e, "cgroups", cg, cg_len);
	gv_put_creds(&e, x->cd);
	if (is_clone) {
		gv_event_int(&e, "flags", p->clone_flags);
		gv_event_int(&e, "vtid", p->tid);
		gv_event_int(&e, "vpid", p->tgid);
		gv_event_int(&e, "pidns_init_start_ts", (int64_t)sb->init_start_ns);
	} else {
		gv_event_bytes(&e, "env", p->env, p->env_len);
		gv_event_int(&e, "vpgid", p->tgid);
		gv_event_int(&e, "pgid", (int64_t)gv_sandbox_tid(sb, p->tgid));
		gv_event_int(&e, "loginuid", -1);
		gv_event_str(&e, "trusted_exepath", p->exepath);
		if (p->type == PPME_SYSCALL_EXECVE_19_X)
			gv_event_str(&e, "filename", p->filename);
	}
	gv_emit(x, &e);
}

/* Announces a thread vigil has not seen being created, from the message's context. */
static void gv_introduce(gv_ctx *x)
{
	const gv_cd *cd = x->cd;
	gv_thread *t = x->th;
	t->tgid = cd->thread_group_id ? cd->thread_group_id : x->tid;
	t->ptid = cd->parent_thread_group_id;
	gv_proc p = {
		.type = PPME_SYSCALL_CLONE_20_X,
		.tid = x->tid, .tgid = t->tgid, .ptid = t->ptid,
		.comm = cd->process_name, .exe = cd->process_name,
		.clone_flags = PPM_CL_CHILD_IN_PIDNS,
	};
	gv_emit_proc(x, &p, x->etid);
}

static gv_proc gv_proc_of_thread(const gv_ctx *x, uint16_t type, int64_t res)
{
	const gv_thread *t = x->th;
	gv_proc p = {.type = type, .res = res, .tid = x->tid};
	p.comm = x->cd ? x->cd->process_name : NULL;
	if (t) {
		p.tgid = t->tgid;
		p.ptid = t->ptid;
		p.exe = t->exe;
		p.args = t->args;
		p.args_len = t->args_len;
		p.exepath = t->exepath;
		if (t->comm)
			p.comm = t->comm;
	}
	if (!p.exe)
		p.exe = p.comm;
	return p;
}

static uint16_t gv_clone_type_of_sysno(uint64_t sysno)
{
	switch (sysno) {
	case SYS_fork: return PPME_SYSCALL_FORK_20_X;
	case SYS_vfork: return PPME_SYSCALL_VFORK_20_X;
	case SYS_clone3: return PPME_SYSCALL_CLONE3_X;
	default: return PPME_SYSCALL_CLONE_20_X;
	}
}

static void gv_sentry_clone(gv_ctx *x, const Gvisor__Sentry__CloneInfo *m)
{
	int32_t ct = m->created_thread_id;
	bool created;
	gv_thread *child = gv_sandbox_add(x->sb, ct, &created);
	if (!child)
		return;
	/* Re-find the parent: adding may have moved the table. */
	x->th = gv_sandbox_find(x->sb, x->tid);
	const gv_thread *parent = x->th;
	child->tgid = m->created_thread_group_id ? m->created_thread_group_id : ct;
	if (m->flags & CLONE_THREAD)
		child->ptid = parent ? parent->ptid : 0;
	else
		child->ptid = parent ? parent->tgid : x->tid;
	if (parent)
		gv_sandbox_copy_image(child, parent);

	uint16_t type;
	if (parent && parent->enter_sysno)
		type = gv_clone_type_of_sysno(parent->enter_sysno);
	else if (m->flags & CLONE_VFORK)
		type = PPME_SYSCALL_VFORK_20_X;
	else
		type = PPME_SYSCALL_CLONE_20_X;
	gv_proc p = {
		.type = type, .res = 0, .tid = ct, .tgid = child->tgid, .ptid = child->ptid,
		.exe = child->exe, .args = child->args, .args_len = child->args_len,
		.comm = child->comm ? child->comm : (x->cd ? x->cd->process_name : NULL),
		.clone_flags = gv_flags_clone(m->flags) | PPM_CL_CHILD_IN_PIDNS,
	};
	if (!p.exe)
		p.exe = p.comm;
	gv_emit_proc(x, &p, gv_sandbox_tid(x->sb, ct));
}

/* Parent side of clone/fork/vfork: res is the child's (encoded) tid. */
static void gv_syscall_clone_exit(gv_ctx *x, uint64_t sysno, const gv_exit *ex, uint64_t flags)
{
	int64_t res = gv_res(ex);
	if (res > 0)
		res = (int64_t)gv_sandbox_tid(x->sb, (int32_t)res);
	gv_proc p = gv_proc_of_thread(x, gv_clone_type_of_sysno(sysno), res);
	p.clone_flags = gv_flags_clone(flags);
	gv_emit_proc(x, &p, x->etid);
	if (x->th)
		x->th->enter_sysno = 0;
}

static void gv_set_comm_from_path(gv_thread *t, const char *path)
{
	char comm[GV_CONV_COMM_MAX + 1];
	snprintf(comm, sizeof(comm), "%s", gv_basename(path));
	char *c = strdup(comm);
	if (c) {
		free(t->comm);
		t->comm = c;
	}
}

/* A successful exec: replaces the thread's image and emits the execve exit. */
static void gv_exec_success(gv_ctx *x, uint16_t type, const char *binary, char *const *argv,
                            size_t argc, char *const *envv, size_t envc, const char *filename)
{
	gv_thread *t = x->th;
	if (!t)
		return;
	const char *args, *env;
	uint32_t args_len = gv_join(&x->c->args, &x->c->args_cap, argv, argc, 1, &args);
	uint32_t env_len = gv_join(&x->c->env, &x->c->env_cap, envv, envc, 0, &env);
	const char *exe = argc > 0 ? argv[0] : binary;
	gv_sandbox_set_image(t, exe, args, args_len, gv_str_or_null(binary), t->comm);
	gv_set_comm_from_path(t, filename && *filename ? filename : exe ? exe : "");
	gv_proc p = gv_proc_of_thread(x, type, 0);
	p.env = env;
	p.env_len = env_len;
	p.filename = gv_str_or_null(filename);
	gv_emit_proc(x, &p, x->etid);
}

static void gv_sentry_exec(gv_ctx *x, const Gvisor__Sentry__ExecveInfo *m)
{
	gv_thread *t = x->th;
	if (!t)
		return;
	uint16_t type = t->enter_sysno == SYS_execveat ? PPME_SYSCALL_EXECVEAT_X
	                                               : PPME_SYSCALL_EXECVE_19_X;
	/* Linux names the task after the path given to execve (/bin/sh -> "sh", even when it
	 * resolves to dash), so prefer the enter's pathname, then argv[0], then the resolved path. */
	char *path = t->exec_path;
	t->exec_path = NULL;
	const char *name = path && *path ? path : m->n_argv > 0 && *m->argv[0] ? m->argv[0] : m->binary_path;
	gv_exec_success(x, type, m->binary_path, m->argv, m->n_argv, m->env, m->n_env, name);
	free(path);
	if (x->th)
		x->th->exec_emitted = true;
}

static void gv_syscall_execve(gv_ctx *x, const Gvisor__Syscall__Execve *m)
{
	gv_thread *t = x->th;
	if (!t)
		return;
	uint16_t type = m->sysno == SYS_execveat ? PPME_SYSCALL_EXECVEAT_X : PPME_SYSCALL_EXECVE_19_X;
	int64_t res = gv_res(m->exit);
	if (res == 0 && t->exec_emitted) {
		t->exec_emitted = false; /* sentry/execve already reported it with the right comm */
	} else if (res == 0) {
		gv_exec_success(x, type, NULL, m->argv, m->n_argv, m->envv, m->n_envv, m->pathname);
	} else {
		gv_proc p = gv_proc_of_thread(x, type, res);
		p.filename = gv_str_or_null(m->pathname);
		gv_emit_proc(x, &p, x->etid);
	}
	if (x->th) {
		x->th->enter_sysno = 0;
		free(x->th->exec_path);
		x->th->exec_path = NULL;
	}
}

static void gv_container_start(gv_ctx *x, const Gvisor__Container__Start *m)
{
	if (!x->th)
		return;
	if (x->cd && x->cd->thread_group_id == 1)
		x->sb->init_start_ns = (uint64_t)x->cd->thread_group_start_time_ns;
	const char *exe = m->n_args > 0 ? m->args[0] : NULL;
	gv_thread *t = x->th;
	const char *args;
	uint32_t args_len = gv_join(&x->c->args, &x->c->args_cap, m->args, m->n_args, 1, &args);
	gv_sandbox_set_image(t, exe, args, args_len, NULL, NULL);
	if (exe)
		gv_set_comm_from_path(t, exe);
	const char *env;
	uint32_t env_len = gv_join(&x->c->env, &x->c->env_cap, m->env, m->n_env, 0, &env);
	gv_proc p = gv_proc_of_thread(x, PPME_SYSCALL_EXECVE_19_X, 0);
	p.env = env;
	p.env_len = env_len;
	p.cwd = m->cwd;
	p.filename = exe;
	gv_emit_proc(x, &p, x->etid);
}

static void gv_task_exit(gv_ctx *x, const Gvisor__Sentry__ExitInfo *m)
{
	if (!x->th)
		return; /* already reported by task_exit, or never seen */
	gv_event e;
	if (gv_begin(x, &e, PPME_PROCEXIT_1_E)) {
		int st = m->exit_status;
		gv_event_int(&e, "status", st);
		gv_event_int(&e, "ret", WIFEXITED(st) ? WEXITSTATUS(st) : 0);
		gv_event_int(&e, "sig", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		gv_event_int(&e, "core", WIFSIGNALED(st) && WCOREDUMP(st));
		gv_event_int(&e, "reaper_tid", 0);
		gv_emit(x, &e);
	}
	gv_sandbox_remove(x->sb, x->tid);
	x->th = NULL;
}

/* ---- file and fd syscalls ------------------------------------------------------------------ */

static void gv_open(gv_ctx *x, const Gvisor__Syscall__Open *m)
{
	uint16_t type = m->sysno == SYS_open    ? PPME_SYSCALL_OPEN_X
	                : m->sysno == SYS_creat ? PPME_SYSCALL_CREAT_X
	                                        : PPME_SYSCALL_OPENAT_2_X;
	gv_event e;
	if (!gv_begin(x, &e, type))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_str(&e, "name", m->pathname);
	gv_event_int(&e, "mode", m->mode);
	if (type == PPME_SYSCALL_CREAT_X) {
		gv_event_int(&e, "creat_flags", gv_flags_open(O_CREAT | O_WRONLY | O_TRUNC));
	} else {
		gv_event_int(&e, "flags", gv_flags_open(m->flags));
		if (type == PPME_SYSCALL_OPENAT_2_X)
			gv_event_int(&e, "dirfd", m->fd);
	}
	gv_emit(x, &e);
}

static void gv_close(gv_ctx *x, const Gvisor__Syscall__Close *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SYSCALL_CLOSE_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "fd", m->fd);
	gv_emit(x, &e);
}

static void gv_read_write(gv_ctx *x, const Gvisor__Syscall__ReadWrite *m, bool write)
{
	uint16_t type;
	bool pos = false;
	switch (m->sysno) {
	case SYS_pread64: type = write ? 0 : PPME_SYSCALL_PREAD_X; pos = true; break;
	case SYS_pwrite64: type = write ? PPME_SYSCALL_PWRITE_X : 0; pos = true; break;
	case SYS_readv: type = PPME_SYSCALL_READV_X; break;
	case SYS_writev: type = PPME_SYSCALL_WRITEV_X; break;
	case SYS_preadv: case SYS_preadv2: type = PPME_SYSCALL_PREADV_X; pos = true; break;
	case SYS_pwritev: case SYS_pwritev2: type = PPME_SYSCALL_PWRITEV_X; pos = true; break;
	default: type = write ? PPME_SYSCALL_WRITE_X : PPME_SYSCALL_READ_X; break;
	}
	gv_event e;
	if (!type || !gv_begin(x, &e, type))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "fd", m->fd);
	gv_event_int(&e, "size", (int64_t)m->count);
	if (pos)
		gv_event_int(&e, "pos", m->offset);
	gv_emit(x, &e);
}

static void gv_chdir(gv_ctx *x, const Gvisor__Syscall__Chdir *m)
{
	bool fchdir = m->sysno == SYS_fchdir;
	gv_event e;
	if (!gv_begin(x, &e, fchdir ? PPME_SYSCALL_FCHDIR_X : PPME_SYSCALL_CHDIR_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	if (fchdir)
		gv_event_int(&e, "fd", m->fd);
	else
		gv_event_str(&e, "path", m->pathname);
	gv_emit(x, &e);
}

static void gv_chroot(gv_ctx *x, const Gvisor__Syscall__Chroot *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SYSCALL_CHROOT_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_str(&e, "path", m->pathname);
	gv_emit(x, &e);
}

static void gv_pipe(gv_ctx *x, const Gvisor__Syscall__Pipe *m)
{
	bool pipe2 = m->sysno == SYS_pipe2;
	gv_event e;
	if (!gv_begin(x, &e, pipe2 ? PPME_SYSCALL_PIPE2_X : PPME_SYSCALL_PIPE_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "fd1", m->reader);
	gv_event_int(&e, "fd2", m->writer);
	if (pipe2)
		gv_event_int(&e, "flags", gv_flags_fd(m->flags));
	gv_emit(x, &e);
}

static void gv_fcntl(gv_ctx *x, const Gvisor__Syscall__Fcntl *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SYSCALL_FCNTL_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "fd", m->fd);
	gv_event_int(&e, "cmd", gv_flags_fcntl_cmd(m->cmd));
	gv_emit(x, &e);
}

static void gv_dup(gv_ctx *x, const Gvisor__Syscall__Dup *m)
{
	uint16_t type = m->sysno == SYS_dup2   ? PPME_SYSCALL_DUP2_X
	                : m->sysno == SYS_dup3 ? PPME_SYSCALL_DUP3_X
	                                       : PPME_SYSCALL_DUP_1_X;
	gv_event e;
	if (!gv_begin(x, &e, type))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "oldfd", m->old_fd);
	if (type != PPME_SYSCALL_DUP_1_X)
		gv_event_int(&e, "newfd", m->new_fd);
	if (type == PPME_SYSCALL_DUP3_X)
		gv_event_int(&e, "flags", gv_flags_fd(m->flags));
	gv_emit(x, &e);
}

static void gv_signalfd(gv_ctx *x, const Gvisor__Syscall__Signalfd *m)
{
	bool v4 = m->sysno == SYS_signalfd4;
	gv_event e;
	if (!gv_begin(x, &e, v4 ? PPME_SYSCALL_SIGNALFD4_X : PPME_SYSCALL_SIGNALFD_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "fd", m->fd);
	gv_event_int(&e, "mask", (int64_t)m->sigset);
	gv_event_int(&e, "flags", m->flags);
	gv_emit(x, &e);
}

static void gv_eventfd(gv_ctx *x, const Gvisor__Syscall__Eventfd *m)
{
	bool v2 = m->sysno == SYS_eventfd2;
	gv_event e;
	if (!gv_begin(x, &e, v2 ? PPME_SYSCALL_EVENTFD2_X : PPME_SYSCALL_EVENTFD_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "initval", m->val);
	gv_event_int(&e, "flags", m->flags);
	gv_emit(x, &e);
}

static void gv_timerfd_create(gv_ctx *x, const Gvisor__Syscall__TimerfdCreate *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SYSCALL_TIMERFD_CREATE_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "clockid", m->clock_id);
	gv_event_int(&e, "flags", m->flags);
	gv_emit(x, &e);
}

static void gv_inotify_init(gv_ctx *x, const Gvisor__Syscall__InotifyInit *m)
{
	bool v1 = m->sysno == SYS_inotify_init1;
	gv_event e;
	if (!gv_begin(x, &e, v1 ? PPME_SYSCALL_INOTIFY_INIT1_X : PPME_SYSCALL_INOTIFY_INIT_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "flags", m->flags);
	gv_emit(x, &e);
}

/* ---- network ------------------------------------------------------------------------------- */

static void gv_socket(gv_ctx *x, const Gvisor__Syscall__Socket *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SOCKET_SOCKET_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "domain", m->domain);
	gv_event_int(&e, "type", m->type);
	gv_event_int(&e, "proto", m->protocol);
	gv_emit(x, &e);
}

static void gv_socketpair(gv_ctx *x, const Gvisor__Syscall__SocketPair *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SOCKET_SOCKETPAIR_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "fd1", m->socket1);
	gv_event_int(&e, "fd2", m->socket2);
	gv_event_int(&e, "domain", m->domain);
	gv_event_int(&e, "type", m->type);
	gv_event_int(&e, "proto", m->protocol);
	gv_emit(x, &e);
}

static void gv_connect(gv_ctx *x, const Gvisor__Syscall__Connect *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SOCKET_CONNECT_X))
		return;
	uint8_t addr[GV_FLAGS_SOCKADDR_MAX], tuple[GV_FLAGS_SOCKADDR_MAX];
	int64_t res = gv_res(m->exit);
	gv_event_res(&e, res);
	gv_event_int(&e, "fd", m->fd);
	gv_event_bytes(&e, "addr", addr, gv_flags_sockaddr(m->address.data, m->address.len, addr));
	/* Like the driver: a tuple only once the connection exists (or is in progress). */
	if (res == 0 || res == -115 /* EINPROGRESS */)
		gv_event_bytes(&e, "tuple", tuple,
		               gv_flags_socktuple(m->address.data, m->address.len, tuple));
	gv_emit(x, &e);
}

static void gv_bind(gv_ctx *x, const Gvisor__Syscall__Bind *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SOCKET_BIND_X))
		return;
	uint8_t addr[GV_FLAGS_SOCKADDR_MAX];
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "fd", m->fd);
	gv_event_bytes(&e, "addr", addr, gv_flags_sockaddr(m->address.data, m->address.len, addr));
	gv_emit(x, &e);
}

static void gv_accept(gv_ctx *x, const Gvisor__Syscall__Accept *m)
{
	bool v4 = m->sysno == SYS_accept4;
	gv_event e;
	if (!gv_begin(x, &e, v4 ? PPME_SOCKET_ACCEPT4_6_X : PPME_SOCKET_ACCEPT_5_X))
		return;
	uint8_t tuple[GV_FLAGS_SOCKADDR_MAX];
	int64_t res = gv_res(m->exit);
	gv_event_res(&e, res);
	if (res >= 0)
		gv_event_bytes(&e, "tuple", tuple,
		               gv_flags_socktuple(m->address.data, m->address.len, tuple));
	if (v4)
		gv_event_int(&e, "flags", m->flags);
	gv_emit(x, &e);
}

/* ---- credentials and limits ---------------------------------------------------------------- */

static void gv_setid(gv_ctx *x, const Gvisor__Syscall__Setid *m)
{
	uint16_t type = m->sysno == SYS_setuid   ? PPME_SYSCALL_SETUID_X
	                : m->sysno == SYS_setgid ? PPME_SYSCALL_SETGID_X
	                                         : PPME_SYSCALL_SETSID_X;
	gv_event e;
	if (!gv_begin(x, &e, type))
		return;
	int64_t res = gv_res(m->exit);
	if (type == PPME_SYSCALL_SETSID_X && res > 0)
		res = (int64_t)gv_sandbox_tid(x->sb, (int32_t)res); /* the new session id is a pid */
	gv_event_res(&e, res);
	if (type == PPME_SYSCALL_SETUID_X)
		gv_event_int(&e, "uid", m->id);
	else if (type == PPME_SYSCALL_SETGID_X)
		gv_event_int(&e, "gid", m->id);
	gv_emit(x, &e);
}

static void gv_setresid(gv_ctx *x, const Gvisor__Syscall__Setresid *m)
{
	bool uid = m->sysno == SYS_setresuid;
	gv_event e;
	if (!gv_begin(x, &e, uid ? PPME_SYSCALL_SETRESUID_X : PPME_SYSCALL_SETRESGID_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, uid ? "ruid" : "rgid", m->rid);
	gv_event_int(&e, uid ? "euid" : "egid", m->eid);
	gv_event_int(&e, uid ? "suid" : "sgid", m->sid);
	gv_emit(x, &e);
}

static void gv_prlimit(gv_ctx *x, const Gvisor__Syscall__Prlimit *m)
{
	gv_event e;
	if (!gv_begin(x, &e, PPME_SYSCALL_PRLIMIT_X))
		return;
	gv_event_res(&e, gv_res(m->exit));
	gv_event_int(&e, "newcur", m->new_limit ? (int64_t)m->new_limit->cur : -1);
	gv_event_int(&e, "newmax", m->new_limit ? (int64_t)m->new_limit->max : -1);
	gv_event_int(&e, "oldcur", m->old_limit ? (int64_t)m->old_limit->cur : -1);
	gv_event_int(&e, "oldmax", m->old_limit ? (int64_t)m->old_limit->max : -1);
	gv_event_int(&e, "pid", m->pid > 0 ? (int64_t)gv_sandbox_tid(x->sb, m->pid) : m->pid);
	gv_event_int(&e, "resource", m->resource); /* PPM_RLIMIT_* numbering equals Linux' */
	gv_emit(x, &e);
}

/* Raw syscalls carry only register values; the signal calls are fully described by them. */
static void gv_raw(gv_ctx *x, const Gvisor__Syscall__Syscall *m)
{
	uint16_t type;
	switch (m->sysno) {
	case SYS_kill: type = PPME_SYSCALL_KILL_X; break;
	case SYS_tkill: type = PPME_SYSCALL_TKILL_X; break;
	case SYS_tgkill: type = PPME_SYSCALL_TGKILL_X; break;
	default: x->c->st.unconverted++; return;
	}
	gv_event e;
	if (!gv_begin(x, &e, type))
		return;
	int32_t a1 = (int32_t)m->arg1, a2 = (int32_t)m->arg2;
	/* Positive pids/tids name sandbox tasks: encode them like every other id we emit. */
	int64_t p1 = a1 > 0 ? (int64_t)gv_sandbox_tid(x->sb, a1) : a1;
	gv_event_res(&e, gv_res(m->exit));
	if (type == PPME_SYSCALL_TKILL_X) {
		gv_event_int(&e, "tid", p1);
		gv_event_int(&e, "sig", a2);
	} else if (type == PPME_SYSCALL_TGKILL_X) {
		gv_event_int(&e, "pid", p1);
		gv_event_int(&e, "tid", a2 > 0 ? (int64_t)gv_sandbox_tid(x->sb, a2) : a2);
		gv_event_int(&e, "sig", (int32_t)m->arg3);
	} else {
		gv_event_int(&e, "pid", p1);
		gv_event_int(&e, "sig", a2);
	}
	gv_emit(x, &e);
}

/* ---- dispatch ------------------------------------------------------------------------------ */

static bool gv_is_syscall_type(uint16_t type)
{
	return type >= GV_MSG_SYSCALL_RAW && type < GV_MSG_TYPE_LIMIT;
}

static void gv_dispatch_syscall(gv_ctx *x, uint16_t type, const ProtobufCMessage *pb)
{
	switch (type) {
	case GV_MSG_SYSCALL_RAW: gv_raw(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_OPEN: gv_open(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_CLOSE: gv_close(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_READ: gv_read_write(x, (const void *)pb, false); break;
	case GV_MSG_SYSCALL_WRITE: gv_read_write(x, (const void *)pb, true); break;
	case GV_MSG_SYSCALL_CONNECT: gv_connect(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_EXECVE: gv_syscall_execve(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_SOCKET: gv_socket(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_CHDIR: gv_chdir(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_SETID: gv_setid(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_SETRESID: gv_setresid(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_PRLIMIT64: gv_prlimit(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_PIPE: gv_pipe(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_FCNTL: gv_fcntl(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_DUP: gv_dup(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_SIGNALFD: gv_signalfd(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_CHROOT: gv_chroot(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_EVENTFD: gv_eventfd(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_CLONE: {
		const Gvisor__Syscall__Clone *m = (const void *)pb;
		gv_syscall_clone_exit(x, m->sysno, m->exit, m->flags);
		break;
	}
	case GV_MSG_SYSCALL_FORK: {
		const Gvisor__Syscall__Fork *m = (const void *)pb;
		gv_syscall_clone_exit(x, m->sysno, m->exit, m->sysno == SYS_vfork ? CLONE_VFORK | CLONE_VM : 0);
		break;
	}
	case GV_MSG_SYSCALL_BIND: gv_bind(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_ACCEPT: gv_accept(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_TIMERFD_CREATE: gv_timerfd_create(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_INOTIFY_INIT: gv_inotify_init(x, (const void *)pb); break;
	case GV_MSG_SYSCALL_SOCKETPAIR: gv_socketpair(x, (const void *)pb); break;
	default: x->c->st.unconverted++; break;
	}
}

/* Enter points: only remember which process-changing syscall is running (and, for execve,
 * the path it was given: it names the new process). */
static void gv_enter(gv_ctx *x, uint16_t type, const gv_head *h)
{
	x->c->st.enters++;
	if (!x->th)
		return;
	if (type == GV_MSG_SYSCALL_EXECVE) {
		const char *path = ((const Gvisor__Syscall__Execve *)h)->pathname;
		free(x->th->exec_path);
		x->th->exec_path = *path ? strdup(path) : NULL;
	}
	switch (h->sysno) {
	case SYS_clone: case SYS_fork: case SYS_vfork: case SYS_clone3: case SYS_execve:
	case SYS_execveat:
		x->th->enter_sysno = (uint16_t)h->sysno;
		break;
	default:
		break;
	}
}

/* Finds the message's thread; the first time a thread shows up it is announced. */
static void gv_bind_thread(gv_ctx *x, uint16_t type)
{
	if (x->tid <= 0)
		return;
	x->th = gv_sandbox_find(x->sb, x->tid);
	if (x->th) {
		if (x->cd->thread_group_id)
			x->th->tgid = x->cd->thread_group_id;
		return;
	}
	if (type == GV_MSG_SENTRY_TASK_EXIT || type == GV_MSG_SENTRY_EXIT_NOTIFY_PARENT)
		return; /* an exit of a thread we never knew: nothing to clean */
	bool created;
	x->th = gv_sandbox_add(x->sb, x->tid, &created);
	if (x->th && created)
		gv_introduce(x);
}

uint32_t gv_conv_message(gv_conv *c, gv_sandbox *sb, const gv_msg *m, gv_evbuf *out)
{
	const gv_head *h = (const gv_head *)m->pb;
	uint16_t type = m->hdr.message_type;
	gv_ctx x = {.c = c, .sb = sb, .out = out, .cd = h->context_data};
	c->st.messages++;
	c->st.unknown_fields += m->unknown_fields;
	if (type == GV_MSG_CONTAINER_START)
		gv_sandbox_learn_container(sb, ((const Gvisor__Container__Start *)m->pb)->id);
	if (x.cd)
		gv_sandbox_learn_container(sb, x.cd->container_id);
	x.ts = x.cd && x.cd->time_ns > 0 ? (uint64_t)x.cd->time_ns : gv_conv_now_ns();
	x.tid = x.cd ? x.cd->thread_id : 0;
	x.etid = x.tid > 0 ? gv_sandbox_tid(sb, x.tid) : (uint64_t)sb->index << 32;
	if (x.cd)
		gv_bind_thread(&x, type);

	if (gv_is_syscall_type(type)) {
		if (!h->exit)
			gv_enter(&x, type, h);
		else
			gv_dispatch_syscall(&x, type, m->pb);
		return x.emitted;
	}
	switch (type) {
	case GV_MSG_CONTAINER_START: gv_container_start(&x, (const void *)m->pb); break;
	case GV_MSG_SENTRY_CLONE: gv_sentry_clone(&x, (const void *)m->pb); break;
	case GV_MSG_SENTRY_EXEC: gv_sentry_exec(&x, (const void *)m->pb); break;
	case GV_MSG_SENTRY_TASK_EXIT:
	case GV_MSG_SENTRY_EXIT_NOTIFY_PARENT: gv_task_exit(&x, (const void *)m->pb); break;
	default: c->st.unconverted++; break;
	}
	return x.emitted;
}

uint32_t gv_conv_disconnect(gv_conv *c, gv_sandbox *sb, uint64_t now_ns, gv_evbuf *out)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < sb->cap; i++) {
		int32_t tid = sb->slots[i].tid;
		if (!tid)
			continue;
		gv_event e;
		if (gv_event_begin(&e, c->cache, PPME_PROCEXIT_1_E, now_ns, gv_sandbox_tid(sb, tid))) {
			/* The sandbox is gone: report the threads as killed. */
			gv_event_int(&e, "status", SIGKILL);
			gv_event_int(&e, "sig", SIGKILL);
			if (gv_event_end(&e, out)) {
				n++;
				c->st.events++;
			} else {
				c->st.build_failures++;
			}
		}
	}
	gv_sandbox_clear_threads(sb);
	return n;
}
