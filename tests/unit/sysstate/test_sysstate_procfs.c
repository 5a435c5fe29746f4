/* Seeding from the real /proc: the test process finds itself. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sst_procfs.h"
#include "sst_test.h"
#include "sst_threads.h"

Test(sysstate_procfs, seeding_finds_this_process)
{
	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	sst_threads t;
	sst_threads_init(&t, 262144, 4096);
	uint32_t n = sst_procfs_scan(&t, "/proc");
	cr_assert_gt(n, 1);

	sst_thread *me = sst_threads_get(&t, getpid());
	cr_assert_not_null(me, "own pid %d not seeded", getpid());
	sst_proc *p = me->proc;
	cr_assert_eq(p->pid, getpid());
	cr_assert_eq(p->ppid, getppid());
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	cr_assert_gt(k, 0);
	exe[k] = '\0';
	cr_assert_str_eq(p->exepath.p, exe);
	/* comm is the executable's basename cut to 15 characters */
	const char *base = strrchr(exe, '/') + 1;
	cr_assert_eq(strncmp(p->comm.p, base, 15), 0, "comm %s vs %s", p->comm.p, base);
	char cwd[PATH_MAX];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	cr_assert_str_eq(p->cwd.p, cwd);
	cr_assert_eq(p->uid, getuid());
	cr_assert_gt(p->start_ts, 0);
	/* the parent is tracked and linked */
	sst_proc *parent = sst_threads_parent(&t, p);
	cr_assert_not_null(parent);
	cr_assert_eq(parent->pid, getppid());

	const sst_fd *f = sst_fdtab_get(&p->fds, fd);
	cr_assert_not_null(f);
	cr_assert_eq(f->type, SST_FD_FILE);
	cr_assert_str_eq(f->name.p, "/etc/hostname");
	close(fd);
	sst_threads_free(&t);
}

Test(sysstate_procfs, single_thread_lookup_and_liveness)
{
	sst_threads t;
	sst_threads_init(&t, 64, 64);
	sst_thread *th = sst_procfs_load_thread(&t, "/proc", getpid(), 1);
	cr_assert_not_null(th);
	cr_assert_eq(th->proc->pid, getpid());
	cr_assert(sst_procfs_alive("/proc", getpid()));
	cr_assert_not(sst_procfs_alive("/proc", (int64_t)1 << 40), "sandboxed tids never hit procfs");
	cr_assert_null(sst_procfs_load_thread(&t, "/proc", (int64_t)INT32_MAX, 1));
	sst_threads_free(&t);
	sst_threads_init(&t, 64, 64);
	cr_assert_null(sst_procfs_load_thread(&t, "/nonexistent", getpid(), 1));
	cr_assert_eq(t.threads.count, 0);
	sst_threads_free(&t);
}

Test(sysstate_procfs, open_flag_translation)
{
	uint32_t f = sst_procfs_open_flags(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
	cr_assert_eq(f, (1u << 1) | (1u << 2) | (1u << 8) | (1u << 12));
	cr_assert_eq(sst_procfs_open_flags(O_RDWR), 3u);
	cr_assert_eq(sst_procfs_open_flags(O_RDONLY), 1u);
}

/* Through the plugin: the tables are seeded at init, before any event (a process that exits
 * before the first event is parsed is still known, and so are its children's parents), so an
 * event from this very process resolves its fields; procfs false reads nothing. */
Test(sysstate_procfs, plugin_seeds_at_init)
{
	sst_tplug p;
	uint32_t n;
	cr_assert(sst_tplug_open(&p, "{\"procfs\":false}"));
	cr_assert_eq(p.metrics(p.s, &n)[0].value.u64, 0, "procfs false: nothing read");
	sst_tplug_close(&p);

	int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC); /* open before: the seed sees it */
	cr_assert_geq(fd, 0);
	cr_assert(sst_tplug_open(&p, "{}"));
	cr_assert_gt(p.metrics(p.s, &n)[0].value.u64, 1, "seeded before the first event");
	sst_tevt e;
	sst_tevt_begin(&e, PPME_SYSCALL_CLOSE_X, (uint64_t)getpid(), 2);
	sst_tevt_int(&e, "res", 0);
	sst_tevt_int(&e, "fd", fd);
	sst_tplug_parse(&p, sst_tevt_end(&e));
	char exe[PATH_MAX];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	cr_assert_gt(k, 0);
	exe[k] = '\0';
	cr_assert_str_eq(sst_tplug_str(&p, "proc.exepath", NULL), exe);
	bool ok;
	cr_assert_eq(sst_tplug_int(&p, "proc.ppid", NULL, &ok), getppid());
	cr_assert_str_eq(sst_tplug_str(&p, "fd.name", NULL), "/etc/hostname");
	close(fd);
	sst_tplug_close(&p);
}
