#include "sst_threads.h"

#include <stdlib.h>
#include <string.h>

void sst_threads_init(sst_threads *t, uint32_t max_threads, uint32_t max_fds_per_proc)
{
	memset(t, 0, sizeof *t);
	sst_map_init(&t->threads);
	sst_map_init(&t->procs);
	t->max_threads = max_threads ? max_threads : 1;
	sst_fdtab_pool_init(&t->fdpool, max_fds_per_proc);
}

static void sst_threads_proc_release_strings(sst_proc *p)
{
	sst_str_free(&p->comm);
	sst_str_free(&p->exe);
	sst_str_free(&p->exepath);
	sst_str_free(&p->cwd);
	sst_str_free(&p->args);
	sst_str_free(&p->env);
}

void sst_threads_free(sst_threads *t)
{
	for (uint32_t i = 0; i < t->threads.cap; i++)
		free(t->threads.slots[i].val);
	for (uint32_t i = 0; i < t->procs.cap; i++) {
		sst_proc *p = t->procs.slots[i].val;
		if (!p)
			continue;
		sst_fdtab_clear(&t->fdpool, &p->fds, false);
		sst_threads_proc_release_strings(p);
		free(p);
	}
	while (t->proc_free) {
		sst_proc *p = t->proc_free;
		t->proc_free = p->next_free;
		sst_threads_proc_release_strings(p);
		free(p);
	}
	while (t->thread_free) {
		sst_thread *th = t->thread_free;
		t->thread_free = th->lru_next;
		free(th);
	}
	sst_map_free(&t->threads);
	sst_map_free(&t->procs);
	sst_fdtab_pool_free(&t->fdpool);
}

/* ---- LRU list ---- */

static void sst_threads_lru_unlink(sst_threads *t, sst_thread *th)
{
	if (th->lru_prev)
		th->lru_prev->lru_next = th->lru_next;
	else
		t->lru_head = th->lru_next;
	if (th->lru_next)
		th->lru_next->lru_prev = th->lru_prev;
	else
		t->lru_tail = th->lru_prev;
	th->lru_prev = th->lru_next = NULL;
}

static void sst_threads_lru_push(sst_threads *t, sst_thread *th)
{
	th->lru_prev = NULL;
	th->lru_next = t->lru_head;
	if (t->lru_head)
		t->lru_head->lru_prev = th;
	t->lru_head = th;
	if (!t->lru_tail)
		t->lru_tail = th;
}

void sst_threads_touch(sst_threads *t, sst_thread *th, uint64_t ts)
{
	th->last_ts = ts;
	if (t->lru_head == th)
		return;
	sst_threads_lru_unlink(t, th);
	sst_threads_lru_push(t, th);
}

/* ---- process tree ---- */

static void sst_threads_unlink_parent(sst_proc *p)
{
	if (!p->parent)
		return;
	if (p->prev_sib)
		p->prev_sib->next_sib = p->next_sib;
	else
		p->parent->first_child = p->next_sib;
	if (p->next_sib)
		p->next_sib->prev_sib = p->prev_sib;
	p->parent = p->prev_sib = p->next_sib = NULL;
}

static void sst_threads_link_parent(sst_proc *p, sst_proc *parent)
{
	p->parent = parent;
	p->prev_sib = NULL;
	p->next_sib = parent->first_child;
	if (parent->first_child)
		parent->first_child->prev_sib = p;
	parent->first_child = p;
}

void sst_threads_set_parent(sst_threads *t, sst_proc *p, int64_t ppid)
{
	sst_threads_unlink_parent(p);
	p->ppid = ppid;
	sst_proc *parent = ppid != p->pid ? sst_threads_proc(t, ppid) : NULL;
	/* A cycle would make ancestor walks loop; they are bounded anyway, but do not link one. */
	for (sst_proc *a = parent; a; a = a->parent)
		if (a == p)
			return;
	if (parent)
		sst_threads_link_parent(p, parent);
}

/* ---- processes ---- */

static sst_proc *sst_threads_new_proc(sst_threads *t, int64_t pid)
{
	sst_proc *p = t->proc_free;
	if (p) {
		t->proc_free = p->next_free;
	} else if (!(p = calloc(1, sizeof *p))) {
		return NULL;
	}
	/* Keep string buffers for reuse; reset everything else. */
	sst_str comm = p->comm, exe = p->exe, exepath = p->exepath, cwd = p->cwd, args = p->args,
		env = p->env;
	memset(p, 0, sizeof *p);
	p->comm = comm;
	p->exe = exe;
	p->exepath = exepath;
	p->cwd = cwd;
	p->args = args;
	p->env = env;
	sst_str *strs[] = {&p->comm, &p->exe, &p->exepath, &p->cwd, &p->args, &p->env};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		strs[i]->len = 0;
		if (strs[i]->p)
			strs[i]->p[0] = '\0';
	}
	p->pid = pid;
	p->vpid = pid;
	p->loginuid = SST_LOGINUID_UNSET;
	strcpy(p->container_id, "host");
	sst_map_init(&p->fds);
	if (!sst_map_put(&t->procs, (uint64_t)pid, p)) {
		p->next_free = t->proc_free;
		t->proc_free = p;
		return NULL;
	}
	return p;
}

static void sst_threads_drop_proc(sst_threads *t, sst_proc *p, int64_t reaper)
{
	sst_proc *new_parent = reaper > 0 && reaper != p->pid ? sst_threads_proc(t, reaper) : NULL;
	while (p->first_child) {
		sst_proc *c = p->first_child;
		sst_threads_unlink_parent(c);
		if (reaper > 0)
			c->ppid = reaper;
		if (new_parent)
			sst_threads_link_parent(c, new_parent);
	}
	sst_threads_unlink_parent(p);
	if (sst_threads_proc(t, p->pid) == p)
		sst_map_del(&t->procs, (uint64_t)p->pid);
	sst_fdtab_clear(&t->fdpool, &p->fds, false);
	p->next_free = t->proc_free;
	t->proc_free = p;
}

bool sst_threads_proc_inherit(sst_threads *t, sst_proc *dst, const sst_proc *src)
{
	dst->sid = src->sid;
	dst->pgid = src->pgid;
	dst->vpgid = src->vpgid;
	dst->uid = src->uid;
	dst->gid = src->gid;
	dst->euid = src->euid;
	dst->loginuid = src->loginuid;
	dst->tty = src->tty;
	dst->flags = src->flags;
	dst->cap_inheritable = src->cap_inheritable;
	dst->cap_permitted = src->cap_permitted;
	dst->cap_effective = src->cap_effective;
	dst->exe_ino = src->exe_ino;
	dst->exe_ino_ctime = src->exe_ino_ctime;
	dst->exe_ino_mtime = src->exe_ino_mtime;
	memcpy(dst->container_id, src->container_id, sizeof dst->container_id);
	return sst_str_set(&dst->comm, src->comm.p, src->comm.len) &&
	       sst_str_set(&dst->exe, src->exe.p, src->exe.len) &&
	       sst_str_set(&dst->exepath, src->exepath.p, src->exepath.len) &&
	       sst_str_set(&dst->cwd, src->cwd.p, src->cwd.len) &&
	       sst_str_set(&dst->args, src->args.p, src->args.len) &&
	       sst_str_set(&dst->env, src->env.p, src->env.len) &&
	       sst_fdtab_copy(&t->fdpool, &dst->fds, &src->fds);
}

/* ---- threads ---- */

static void sst_threads_release(sst_threads *t, sst_thread *th, int64_t reaper)
{
	sst_map_del(&t->threads, (uint64_t)th->tid);
	sst_threads_lru_unlink(t, th);
	sst_proc *p = th->proc;
	if (p && --p->nthreads == 0)
		sst_threads_drop_proc(t, p, reaper);
	th->proc = NULL;
	th->lru_next = t->thread_free;
	t->thread_free = th;
}

static void sst_threads_evict_one(sst_threads *t)
{
	sst_thread *victim = t->lru_tail;
	if (!victim)
		return;
	t->evicted++;
	/* The process is only forgotten, not dead: its children keep their ppid. */
	sst_threads_release(t, victim, 0);
}

sst_thread *sst_threads_add(sst_threads *t, int64_t tid, int64_t pid, int64_t ppid, uint64_t ts,
			    bool *created)
{
	*created = false;
	sst_thread *th = sst_threads_get(t, tid);
	if (th)
		return th;
	while (t->threads.count >= t->max_threads && t->lru_tail)
		sst_threads_evict_one(t);
	th = t->thread_free;
	if (th)
		t->thread_free = th->lru_next;
	else if (!(th = malloc(sizeof *th)))
		return NULL;
	memset(th, 0, sizeof *th);
	th->tid = tid;
	th->vtid = tid;
	sst_proc *p = sst_threads_proc(t, pid);
	if (!p) {
		p = sst_threads_new_proc(t, pid);
		if (!p) {
			th->lru_next = t->thread_free;
			t->thread_free = th;
			return NULL;
		}
		sst_threads_set_parent(t, p, ppid);
		*created = true;
	}
	if (!sst_map_put(&t->threads, (uint64_t)tid, th)) {
		if (*created)
			sst_threads_drop_proc(t, p, 0);
		*created = false;
		th->lru_next = t->thread_free;
		t->thread_free = th;
		return NULL;
	}
	th->proc = p;
	p->nthreads++;
	th->last_ts = ts;
	sst_threads_lru_push(t, th);
	return th;
}

void sst_threads_remove(sst_threads *t, int64_t tid, int64_t reaper)
{
	sst_thread *th = sst_threads_get(t, tid);
	if (th)
		sst_threads_release(t, th, reaper);
}

uint32_t sst_threads_purge(sst_threads *t, uint64_t before, uint64_t now, uint32_t budget,
			   bool (*still_alive)(void *ud, int64_t tid), void *ud)
{
	uint32_t removed = 0;
	while (budget-- && t->lru_tail && t->lru_tail->last_ts < before) {
		sst_thread *th = t->lru_tail;
		if (still_alive && still_alive(ud, th->tid)) {
			sst_threads_touch(t, th, now);
			continue;
		}
		sst_threads_release(t, th, 0);
		removed++;
	}
	t->purged += removed;
	return removed;
}
