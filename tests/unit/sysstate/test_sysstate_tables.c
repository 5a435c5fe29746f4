/* The hash map, thread/process tables (eviction, re-parenting) and fd tables. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/scap_flags.h>

#include "sst_fdtab.h"
#include "sst_map.h"
#include "sst_render.h"
#include "sst_threads.h"

Test(sysstate_tables, map_matches_a_reference_under_random_churn)
{
	enum { N = 4096 };
	static uintptr_t ref[N];
	memset(ref, 0, sizeof ref);
	sst_map m;
	sst_map_init(&m);
	srand(7);
	for (int step = 0; step < 200000; step++) {
		uint64_t k = (uint64_t)(rand() % N);
		if (rand() % 3) {
			uintptr_t v = (uintptr_t)(rand() | 1);
			cr_assert(sst_map_put(&m, k, (void *)v));
			ref[k] = v;
		} else {
			void *old = sst_map_del(&m, k);
			cr_assert_eq((uintptr_t)old, ref[k]);
			ref[k] = 0;
		}
	}
	uint32_t live = 0;
	for (uint64_t k = 0; k < N; k++) {
		cr_assert_eq((uintptr_t)sst_map_get(&m, k), ref[k], "key %lu", (unsigned long)k);
		live += ref[k] != 0;
	}
	cr_assert_eq(m.count, live);
	sst_map_free(&m);
}

Test(sysstate_tables, map_keys_above_32_bits)
{
	sst_map m;
	sst_map_init(&m);
	uint64_t a = (7ull << 40) | 100, b = (8ull << 40) | 100;
	sst_map_put(&m, a, (void *)1);
	sst_map_put(&m, b, (void *)2);
	sst_map_put(&m, 100, (void *)3);
	cr_assert_eq((uintptr_t)sst_map_get(&m, a), 1);
	cr_assert_eq((uintptr_t)sst_map_get(&m, b), 2);
	cr_assert_eq((uintptr_t)sst_map_get(&m, 100), 3);
	sst_map_free(&m);
}

Test(sysstate_tables, eviction_keeps_the_bound_and_drops_the_least_recent)
{
	sst_threads t;
	sst_threads_init(&t, 100, 16);
	bool created;
	for (int64_t tid = 1; tid <= 1000; tid++) {
		cr_assert_not_null(sst_threads_add(&t, tid, tid, 1, (uint64_t)tid, &created));
		cr_assert_leq(t.threads.count, 100);
		if (tid == 50) /* keep thread 10 warm */
			sst_threads_touch(&t, sst_threads_get(&t, 10), 50);
	}
	cr_assert_eq(t.threads.count, 100);
	cr_assert_eq(t.procs.count, 100);
	cr_assert_eq(t.evicted, 900);
	cr_assert_not_null(sst_threads_get(&t, 1000));
	cr_assert_not_null(sst_threads_get(&t, 901));
	cr_assert_null(sst_threads_get(&t, 900));
	cr_assert_null(sst_threads_get(&t, 10)); /* warm, but 950 newer threads came after */
	sst_threads_free(&t);
}

Test(sysstate_tables, threads_share_their_process_and_it_goes_with_the_last)
{
	sst_threads t;
	sst_threads_init(&t, 64, 16);
	bool created;
	sst_thread *lead = sst_threads_add(&t, 10, 10, 1, 1, &created);
	cr_assert(created);
	sst_thread *worker = sst_threads_add(&t, 11, 10, 1, 2, &created);
	cr_assert_not(created);
	cr_assert_eq(lead->proc, worker->proc);
	cr_assert_eq(lead->proc->nthreads, 2);
	sst_threads_remove(&t, 10, 0);
	cr_assert_not_null(sst_threads_proc(&t, 10));
	sst_threads_remove(&t, 11, 0);
	cr_assert_null(sst_threads_proc(&t, 10));
	sst_threads_free(&t);
}

Test(sysstate_tables, exit_reparents_children_to_the_reaper)
{
	sst_threads t;
	sst_threads_init(&t, 64, 16);
	bool c;
	sst_threads_add(&t, 1, 1, 0, 1, &c);
	sst_threads_add(&t, 20, 20, 1, 2, &c);
	sst_thread *kid = sst_threads_add(&t, 30, 30, 20, 3, &c);
	sst_thread *kid2 = sst_threads_add(&t, 31, 31, 20, 3, &c);
	cr_assert_eq(sst_threads_parent(&t, kid->proc)->pid, 20);
	sst_threads_remove(&t, 20, 1);
	cr_assert_eq(kid->proc->ppid, 1);
	cr_assert_eq(kid2->proc->ppid, 1);
	cr_assert_eq(kid->proc->parent, sst_threads_proc(&t, 1));
	/* the reaper now lists both as children */
	int n = 0;
	for (sst_proc *p = sst_threads_proc(&t, 1)->first_child; p; p = p->next_sib)
		n++;
	cr_assert_eq(n, 2);
	sst_threads_free(&t);
}

static bool never_alive(void *ud, int64_t tid)
{
	(void)ud;
	(void)tid;
	return false;
}

static bool even_alive(void *ud, int64_t tid)
{
	(void)ud;
	return tid % 2 == 0;
}

Test(sysstate_tables, purge_removes_only_stale_dead_threads)
{
	sst_threads t;
	sst_threads_init(&t, 64, 16);
	bool c;
	for (int64_t tid = 1; tid <= 10; tid++)
		sst_threads_add(&t, tid, tid, 0, (uint64_t)tid * 100, &c);
	/* stale = last activity before 500: tids 1..4; even ones are still alive */
	cr_assert_eq(sst_threads_purge(&t, 500, 2000, 100, even_alive, NULL), 2);
	cr_assert_null(sst_threads_get(&t, 1));
	cr_assert_null(sst_threads_get(&t, 3));
	cr_assert_not_null(sst_threads_get(&t, 2));
	cr_assert_eq(sst_threads_get(&t, 2)->last_ts, 2000);
	cr_assert_eq(sst_threads_purge(&t, 2500, 3000, 3, never_alive, NULL), 3); /* budget */
	sst_threads_free(&t);
}

Test(sysstate_tables, fd_table_cap_dup_copy_and_cloexec)
{
	sst_threads t;
	sst_threads_init(&t, 8, 4);
	bool c;
	sst_thread *th = sst_threads_add(&t, 5, 5, 1, 1, &c);
	sst_map *fds = &th->proc->fds;
	for (int64_t fd = 0; fd < 4; fd++) {
		sst_fd *f = sst_fdtab_add(&t.fdpool, fds, fd);
		cr_assert_not_null(f);
		f->type = SST_FD_FILE;
		sst_str_set(&f->name, "/tmp/x", 6);
		f->flags = fd % 2 ? PPM_O_CLOEXEC : 0;
	}
	cr_assert_null(sst_fdtab_add(&t.fdpool, fds, 9), "cap of 4 fds per process");
	cr_assert_eq(t.fdpool.dropped, 1);
	sst_fdtab_del(&t.fdpool, fds, 3);
	sst_fd *d = sst_fdtab_dup(&t.fdpool, fds, 0, 7, true);
	cr_assert_not_null(d);
	cr_assert_str_eq(d->name.p, "/tmp/x");
	cr_assert(d->flags & PPM_O_CLOEXEC);
	sst_thread *child = sst_threads_add(&t, 6, 6, 5, 2, &c);
	cr_assert(sst_threads_proc_inherit(&t, child->proc, th->proc));
	cr_assert_eq(child->proc->fds.count, 4);
	sst_fdtab_clear(&t.fdpool, &child->proc->fds, true);
	cr_assert_eq(child->proc->fds.count, 2); /* fds 0 and 2 survive exec */
	cr_assert_not_null(sst_fdtab_get(&child->proc->fds, 0));
	cr_assert_not_null(sst_fdtab_get(&child->proc->fds, 2));
	cr_assert_null(sst_fdtab_get(&child->proc->fds, 7));
	sst_threads_free(&t);
}

Test(sysstate_tables, path_normalisation)
{
	sst_str s = {0};
	cr_assert(sst_render_path(&s, "/home/u", 7, "x/../y//./z", 11));
	cr_assert_str_eq(s.p, "/home/u/y/z");
	cr_assert(sst_render_path(&s, "/home/u", 7, "/etc/../../passwd", 17));
	cr_assert_str_eq(s.p, "/passwd");
	cr_assert(sst_render_path(&s, "/", 1, "..", 2));
	cr_assert_str_eq(s.p, "/");
	cr_assert(sst_render_path(&s, "/a", 2, "", 0));
	cr_assert_str_eq(s.p, "/a");
	sst_str_free(&s);
}

Test(sysstate_tables, capability_names)
{
	char buf[SST_RENDER_CAPS_MAX];
	sst_render_caps(buf, (1ull << 21) | (1ull << 16) | 1ull);
	cr_assert_str_eq(buf, "CAP_CHOWN CAP_SYS_MODULE CAP_SYS_ADMIN");
	sst_render_caps(buf, 0);
	cr_assert_str_eq(buf, "");
	sst_render_caps(buf, ~0ull);
	cr_assert(strstr(buf, "CAP_CHECKPOINT_RESTORE") != NULL);
}
