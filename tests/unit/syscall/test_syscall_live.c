/* Live driver test: loads the syscall plugin (the built .so, through its ABI), runs a child
 * that opens/reads a file, connects to a local listener and execs `cat`, and checks the exact
 * events and parameters. Needs root and kernel BTF; skipped otherwise. */
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/prctl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sp_capture.h"
#include "vigil/plugin_api.h"
#include "vigil/scap_events.h"
#include "vigil/scap_flags.h"

typedef struct api {
	void *dl;
	ss_plugin_t *(*init)(const ss_plugin_init_input *, ss_plugin_rc *);
	void (*destroy)(ss_plugin_t *);
	const char *(*last_error)(ss_plugin_t *);
	ss_instance_t *(*open)(ss_plugin_t *, const char *, ss_plugin_rc *);
	void (*close)(ss_plugin_t *, ss_instance_t *);
	ss_plugin_rc (*next_batch)(ss_plugin_t *, ss_instance_t *, uint32_t *, ss_plugin_event ***);
	ss_plugin_metric *(*metrics)(ss_plugin_t *, uint32_t *);
} api;

static void skip_unless_possible(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to load the eBPF driver");
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		cr_skip_test("no kernel BTF (/sys/kernel/btf/vmlinux)");
}

static void load_api(api *a)
{
	const char *bd = getenv("VIGIL_BUILD_DIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/plugins/libsyscall.so", bd ? bd : ".");
	a->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	cr_assert_not_null(a->dl, "dlopen %s: %s", path, dlerror());
	*(void **)&a->init = dlsym(a->dl, "plugin_init");
	*(void **)&a->destroy = dlsym(a->dl, "plugin_destroy");
	*(void **)&a->last_error = dlsym(a->dl, "plugin_get_last_error");
	*(void **)&a->open = dlsym(a->dl, "plugin_open");
	*(void **)&a->close = dlsym(a->dl, "plugin_close");
	*(void **)&a->next_batch = dlsym(a->dl, "plugin_next_batch");
	*(void **)&a->metrics = dlsym(a->dl, "plugin_get_metrics");
	cr_assert(a->init && a->open && a->next_batch && a->metrics);
}

static ss_plugin_t *start(api *a, const char *config, ss_instance_t **inst)
{
	ss_plugin_init_input in = {.config = config};
	ss_plugin_rc rc;
	ss_plugin_t *s = a->init(&in, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "init: %s", s ? a->last_error(s) : "?");
	*inst = a->open(s, "live", &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "open: %s", a->last_error(s));
	return s;
}

static uint64_t metric(api *a, ss_plugin_t *s, const char *name)
{
	uint32_t n;
	ss_plugin_metric *m = a->metrics(s, &n);
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return m[i].value.u64;
	cr_assert_fail("no metric %s", name);
	return 0;
}

/* Events kept from the drain: copies, so they outlive the batch. */
typedef struct evlist {
	uint8_t *ev[4096];
	size_t n;
} evlist;

static void drain(api *a, ss_plugin_t *s, ss_instance_t *h, pid_t pid, evlist *out, int ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		uint32_t n = 0;
		ss_plugin_event **evts;
		a->next_batch(s, h, &n, &evts);
		for (uint32_t i = 0; i < n; i++) {
			cr_assert(vg_scap_event_valid(evts[i], evts[i]->len), "malformed event type %u",
			          evts[i]->type);
			if ((pid_t)evts[i]->tid != pid || out->n == 4096)
				continue;
			out->ev[out->n] = malloc(evts[i]->len);
			memcpy(out->ev[out->n++], evts[i], evts[i]->len);
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			break;
	}
}

static const uint8_t *find(const evlist *l, uint16_t type, int nth)
{
	for (size_t i = 0; i < l->n; i++)
		if (vg_scap_evt_type(l->ev[i]) == type && nth-- == 0)
			return l->ev[i];
	return NULL;
}

static int64_t p_int(const uint8_t *ev, uint32_t i)
{
	vg_scap_param p;
	int64_t v = 0;
	cr_assert(vg_scap_event_param(ev, i, &p));
	cr_assert(vg_scap_param_int(&p, &v), "param %u has length %u", i, p.len);
	return v;
}

static const char *p_str(const uint8_t *ev, uint32_t i)
{
	vg_scap_param p;
	cr_assert(vg_scap_event_param(ev, i, &p));
	const char *s = vg_scap_param_str(&p);
	cr_assert_not_null(s, "param %u is not a string", i);
	return s;
}

static vg_scap_param p_raw(const uint8_t *ev, uint32_t i)
{
	vg_scap_param p;
	cr_assert(vg_scap_event_param(ev, i, &p));
	return p;
}

static void child_workload(uint16_t port)
{
	char buf[256];
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof buf) < 0)
		_exit(10);
	close(fd);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof sin) != 0)
		_exit(11);
	close(s);
	int null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	execl("/bin/cat", "cat", "/etc/hostname", (char *)NULL);
	_exit(12);
}

Test(syscall_live, child_open_read_connect_exec_events)
{
	skip_unless_possible();
	api a;
	load_api(&a);
	ss_instance_t *h;
	ss_plugin_t *s = start(&a,
	                       "{\"syscalls\":[\"openat\",\"read\",\"close\",\"socket\",\"connect\","
	                       "\"execve\",\"procexit\"],\"base_syscalls\":{\"repair\":true}}",
	                       &h);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sin;
	cr_assert(bind(ls, (struct sockaddr *)&sin, sizeof sin) == 0 && listen(ls, 4) == 0);
	getsockname(ls, (struct sockaddr *)&sin, &sl);
	uint16_t port = ntohs(sin.sin_port);

	char hostname[256] = {0};
	FILE *f = fopen("/etc/hostname", "r");
	cr_assert_not_null(f);
	size_t hlen = fread(hostname, 1, sizeof hostname - 1, f);
	fclose(f);
	struct stat st;
	cr_assert(stat("/etc/hostname", &st) == 0);
	char cwd[4096];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));

	pid_t pid = fork();
	if (pid == 0)
		child_workload(port);
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed: %d", status);
	evlist l = {.n = 0};
	drain(&a, s, h, pid, &l, 1500);
	close(ls);

	/* openat: fd, dirfd, name, flags, mode, dev, ino */
	const uint8_t *op = NULL;
	for (int k = 0; (op = find(&l, PPME_SYSCALL_OPENAT_2_X, k)); k++)
		if (strcmp(p_str(op, 2), "/etc/hostname") == 0)
			break;
	cr_assert_not_null(op, "no openat of /etc/hostname among %zu events", l.n);
	int64_t fd = p_int(op, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(p_int(op, 1), AT_FDCWD);
	cr_assert_eq((uint32_t)p_int(op, 3), PPM_O_RDONLY | PPM_O_CLOEXEC);
	cr_assert_eq(p_int(op, 4), 0);
	cr_assert_eq((uint64_t)p_int(op, 6), (uint64_t)st.st_ino);
	cr_assert_eq((uint32_t)p_int(op, 5), (uint32_t)st.st_dev);

	/* read of that fd: res, data (snaplen 80), fd, size */
	const uint8_t *rd = NULL;
	for (int k = 0; (rd = find(&l, PPME_SYSCALL_READ_X, k)); k++)
		if (p_int(rd, 2) == fd)
			break;
	cr_assert_not_null(rd);
	cr_assert_eq(p_int(rd, 0), (int64_t)hlen);
	vg_scap_param data = p_raw(rd, 1);
	cr_assert_eq(data.len, hlen < 80 ? hlen : 80);
	cr_assert_eq(memcmp(data.ptr, hostname, data.len), 0);
	cr_assert_eq(p_int(rd, 3), 256);

	/* connect: res, tuple, fd, addr */
	const uint8_t *cn = find(&l, PPME_SOCKET_CONNECT_X, 0);
	cr_assert_not_null(cn);
	cr_assert_eq(p_int(cn, 0), 0);
	vg_scap_param addr = p_raw(cn, 3);
	cr_assert_eq(addr.len, 7);
	cr_assert_eq(addr.ptr[0], VG_SCAP_AF_INET);
	uint32_t ip;
	uint16_t aport;
	memcpy(&ip, addr.ptr + 1, 4);
	memcpy(&aport, addr.ptr + 5, 2);
	cr_assert_eq(ip, htonl(INADDR_LOOPBACK));
	cr_assert_eq(aport, port);
	vg_scap_param tup = p_raw(cn, 1);
	cr_assert_eq(tup.len, 13);
	uint16_t dport;
	memcpy(&dport, tup.ptr + 11, 2);
	cr_assert_eq(dport, port, "tuple destination is the listener");

	/* execve: res 0, exe/args/filename, pid, comm, cwd, trusted_exepath */
	const uint8_t *ex = find(&l, PPME_SYSCALL_EXECVE_19_X, 0);
	cr_assert_not_null(ex);
	cr_assert_eq(vg_scap_evt_len(ex), vg_scap_evt_len(ex));
	cr_assert_eq(p_int(ex, 0), 0);
	cr_assert_str_eq(p_str(ex, 1), "cat");
	vg_scap_param args = p_raw(ex, 2);
	cr_assert_eq(args.len, sizeof "/etc/hostname");
	cr_assert_str_eq((const char *)args.ptr, "/etc/hostname");
	cr_assert_eq(p_int(ex, 3), pid);
	cr_assert_eq(p_int(ex, 4), pid);
	cr_assert_eq(p_int(ex, 5), getpid());
	cr_assert_str_eq(p_str(ex, 6), cwd);
	cr_assert_str_eq(p_str(ex, 13), "cat");
	char real[4096];
	cr_assert_not_null(realpath("/bin/cat", real));
	cr_assert_str_eq(p_str(ex, 27), real);
	cr_assert_str_eq(p_str(ex, 30), "/bin/cat");
	cr_assert_eq((uint32_t)p_int(ex, 26), geteuid());
	vg_scap_param cg = p_raw(ex, 14);
	cr_assert_gt(cg.len, 0, "cgroups present");
	cr_assert_not_null(strchr((const char *)cg.ptr, '='), "subsys=path");

	/* procexit of the child */
	const uint8_t *px = find(&l, PPME_PROCEXIT_1_E, 0);
	cr_assert_not_null(px);
	cr_assert_eq(p_int(px, 1), 0, "exit status of cat");

	cr_assert_null(find(&l, PPME_SYSCALL_UNLINK_2_X, 0), "unselected syscalls are not traced");
	cr_assert_gt(metric(&a, s, "n_evts_delivered"), 0);
	for (size_t i = 0; i < l.n; i++)
		free(l.ev[i]);
	a.close(s, h);
	a.destroy(s);
}

/* Fileless execution: a memfd holding a copy of /bin/true, run with fexecve (execveat). */
static void child_memfd_exec(void)
{
	int mfd = (int)syscall(SYS_memfd_create, "vgmem", 0);
	int src = open("/bin/true", O_RDONLY);
	char buf[65536];
	ssize_t n;
	if (mfd < 0 || src < 0)
		_exit(20);
	while ((n = read(src, buf, sizeof buf)) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			_exit(21);
	char *argv[] = {"true", NULL}, *envp[] = {NULL};
	syscall(SYS_execveat, mfd, "", argv, envp, AT_EMPTY_PATH);
	_exit(22);
}

Test(syscall_live, memfd_exec_is_flagged)
{
	skip_unless_possible();
	api a;
	load_api(&a);
	ss_instance_t *h;
	ss_plugin_t *s = start(&a, "{\"syscalls\":[\"memfd_create\",\"execveat\"],"
	                           "\"base_syscalls\":{\"custom_set\":[\"memfd_create\"]}}", &h);
	pid_t pid = fork();
	if (pid == 0)
		child_memfd_exec();
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed: %d", status);
	evlist l = {.n = 0};
	drain(&a, s, h, pid, &l, 800);
	const uint8_t *mc = find(&l, PPME_SYSCALL_MEMFD_CREATE_X, 0);
	cr_assert_not_null(mc);
	cr_assert_geq(p_int(mc, 0), 0);
	cr_assert_str_eq(p_str(mc, 1), "vgmem");
	const uint8_t *ex = find(&l, PPME_SYSCALL_EXECVEAT_X, 0);
	cr_assert_not_null(ex, "no execveat among %zu events", l.n);
	cr_assert_eq(p_int(ex, 0), 0);
	cr_assert(p_int(ex, 19) & PPM_EXE_FROM_MEMFD, "flags %lld", (long long)p_int(ex, 19));
	cr_assert(strstr(p_str(ex, 27), "memfd:vgmem"), "trusted_exepath %s", p_str(ex, 27));
	for (size_t i = 0; i < l.n; i++)
		free(l.ev[i]);
	a.close(s, h);
	a.destroy(s);
}

static void child_file_ops(const char *dir)
{
	char a[512], b[512], d[512];
	snprintf(a, sizeof a, "%s/a", dir);
	snprintf(b, sizeof b, "%s/b", dir);
	snprintf(d, sizeof d, "%s/d", dir);
	int fd = open(a, O_CREAT | O_WRONLY | O_TRUNC, 0640);
	if (fd < 0 || write(fd, "hello", 5) != 5)
		_exit(30);
	close(fd);
	if (rename(a, b) != 0 || symlink(b, a) != 0 || unlink(a) != 0 || link(b, a) != 0 ||
	    mkdir(d, 0750) != 0 || rmdir(d) != 0 || chmod(b, 0600) != 0 ||
	    chown(b, getuid(), getgid()) != 0 || unlink(a) != 0 || unlink(b) != 0)
		_exit(31);
	int p2[2];
	if (pipe2(p2, O_CLOEXEC) != 0 || dup2(p2[0], 100) != 100 || setuid(getuid()) != 0 ||
	    kill(getpid(), 0) != 0 || prctl(PR_SET_NAME, "vgchild") != 0)
		_exit(32);
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m, 4096, PROT_READ | PROT_EXEC) != 0)
		_exit(33);
	_exit(0);
}

Test(syscall_live, file_fd_process_ops_layouts)
{
	skip_unless_possible();
	api a;
	load_api(&a);
	ss_instance_t *h;
	ss_plugin_t *s = start(&a,
	                       "{\"syscalls\":[\"openat\",\"rename\",\"symlink\",\"unlink\",\"link\","
	                       "\"mkdir\",\"rmdir\",\"chmod\",\"chown\",\"pipe2\",\"dup2\",\"setuid\","
	                       "\"kill\",\"prctl\",\"mmap\",\"mprotect\",\"clone\"],"
	                       "\"base_syscalls\":{\"repair\":true}}",
	                       &h);
	char dir[] = "/tmp/vigil-ops-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	pid_t pid = fork();
	if (pid == 0)
		child_file_ops(dir);
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed: %d", status);
	rmdir(dir);
	evlist l = {.n = 0};
	drain(&a, s, h, pid, &l, 1200);
	char a_path[512], b_path[512];
	snprintf(a_path, sizeof a_path, "%s/a", dir);
	snprintf(b_path, sizeof b_path, "%s/b", dir);

	const uint8_t *cl = find(&l, PPME_SYSCALL_CLONE_20_X, 0);
	cr_assert_not_null(cl, "the child's side of fork");
	cr_assert_eq(p_int(cl, 0), 0);
	cr_assert_eq(p_int(cl, 3), pid);
	cr_assert_eq(p_int(cl, 5), getpid());

	const uint8_t *op = NULL; /* glibc's open() is the openat syscall */
	for (int k = 0; (op = find(&l, PPME_SYSCALL_OPENAT_2_X, k)); k++)
		if (strcmp(p_str(op, 2), a_path) == 0)
			break;
	cr_assert_not_null(op);
	cr_assert_eq((uint32_t)p_int(op, 3),
	             PPM_O_WRONLY | PPM_O_CREAT | PPM_O_TRUNC | PPM_O_F_CREATED);
	cr_assert_eq(p_int(op, 4), 0640);

	const uint8_t *rn = find(&l, PPME_SYSCALL_RENAME_X, 0);
	cr_assert_not_null(rn);
	cr_assert_str_eq(p_str(rn, 1), a_path);
	cr_assert_str_eq(p_str(rn, 2), b_path);
	const uint8_t *sl = find(&l, PPME_SYSCALL_SYMLINK_X, 0);
	cr_assert_not_null(sl);
	cr_assert_str_eq(p_str(sl, 1), b_path);
	cr_assert_str_eq(p_str(sl, 2), a_path);
	const uint8_t *ln = find(&l, PPME_SYSCALL_LINK_2_X, 0);
	cr_assert_not_null(ln);
	cr_assert_str_eq(p_str(ln, 2), a_path);
	cr_assert_not_null(find(&l, PPME_SYSCALL_UNLINK_2_X, 2), "three unlinks");
	cr_assert_not_null(find(&l, PPME_SYSCALL_MKDIR_2_X, 0));
	cr_assert_eq(p_int(find(&l, PPME_SYSCALL_MKDIR_2_X, 0), 2), 0750);
	cr_assert_not_null(find(&l, PPME_SYSCALL_RMDIR_2_X, 0));
	cr_assert_eq(p_int(find(&l, PPME_SYSCALL_CHMOD_X, 0), 2), 0600);
	cr_assert_eq((uint32_t)p_int(find(&l, PPME_SYSCALL_CHOWN_X, 0), 2), getuid());

	const uint8_t *pp = find(&l, PPME_SYSCALL_PIPE2_X, 0);
	cr_assert_not_null(pp);
	cr_assert_eq(p_int(pp, 0), 0);
	cr_assert_geq(p_int(pp, 1), 0);
	cr_assert_gt(p_int(pp, 3), 0, "pipe inode");
	cr_assert((uint32_t)p_int(pp, 4) & PPM_O_CLOEXEC);
	const uint8_t *d2 = find(&l, PPME_SYSCALL_DUP2_X, 0);
	cr_assert_eq(p_int(d2, 0), 100);
	cr_assert_eq(p_int(d2, 1), p_int(pp, 1));
	cr_assert_eq(p_int(d2, 2), 100);
	cr_assert_eq((uint32_t)p_int(find(&l, PPME_SYSCALL_SETUID_X, 0), 1), getuid());
	const uint8_t *kl = find(&l, PPME_SYSCALL_KILL_X, 0);
	cr_assert_eq(p_int(kl, 1), pid);
	cr_assert_eq(p_int(kl, 2), 0);
	const uint8_t *pc = find(&l, PPME_SYSCALL_PRCTL_X, 0);
	cr_assert_eq(p_int(pc, 1), PR_SET_NAME);
	cr_assert_str_eq(p_str(pc, 2), "vgchild");
	const uint8_t *mp = find(&l, PPME_SYSCALL_MPROTECT_X, 0);
	cr_assert_not_null(mp);
	cr_assert_eq((uint32_t)p_int(mp, 3), PPM_PROT_READ | PPM_PROT_EXEC);
	const uint8_t *mm = NULL;
	for (int k = 0; (mm = find(&l, PPME_SYSCALL_MMAP_X, k)); k++)
		if ((uint64_t)p_int(mm, 0) == (uint64_t)p_int(mp, 1))
			break;
	cr_assert_not_null(mm, "the anonymous mapping");
	cr_assert_eq((uint32_t)p_int(mm, 6), PPM_PROT_READ | PPM_PROT_WRITE);
	cr_assert_eq((uint32_t)p_int(mm, 7), PPM_MAP_PRIVATE | PPM_MAP_ANONYMOUS);
	cr_assert_eq(p_int(mm, 8), -1);
	for (size_t i = 0; i < l.n; i++)
		free(l.ev[i]);
	a.close(s, h);
	a.destroy(s);
}

/* fcntl, sendmsg/recvmsg, the fd creators, prlimit, setreuid/setregid and accept4's tuple. */
static void child_fd_misc(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		_exit(30);
	char msg[] = "hello-msg", in[32];
	struct iovec out_iov = {msg, 9}, in_iov = {in, sizeof in};
	struct msghdr mo = {.msg_iov = &out_iov, .msg_iovlen = 1};
	struct msghdr mi = {.msg_iov = &in_iov, .msg_iovlen = 1};
	if (sendmsg(sv[0], &mo, 0) != 9 || recvmsg(sv[1], &mi, 0) != 9)
		_exit(31);
	if (fcntl(sv[0], F_DUPFD_CLOEXEC, 100) < 100)
		_exit(32);
	eventfd(7, EFD_CLOEXEC);
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	signalfd(-1, &ss, SFD_NONBLOCK);
	timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	inotify_init1(IN_NONBLOCK);
	epoll_create1(EPOLL_CLOEXEC);
	syscall(SYS_pidfd_open, getpid(), 0);
	struct rlimit old;
	if (prlimit(0, RLIMIT_NOFILE, NULL, &old) != 0)
		_exit(33);
	if (setreuid((uid_t)-1, (uid_t)-1) != 0 || setregid((gid_t)-1, (gid_t)-1) != 0)
		_exit(34);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	if (bind(lfd, (void *)&sa, sizeof sa) || listen(lfd, 4) || getsockname(lfd, (void *)&sa, &sl) ||
	    connect(cfd, (void *)&sa, sizeof sa) || accept4(lfd, NULL, NULL, SOCK_CLOEXEC) < 0)
		_exit(35);
	_exit(0);
}

static uint16_t tuple_port(const uint8_t *ev, uint32_t i, int which)
{
	vg_scap_param t = p_raw(ev, i);
	cr_assert_eq(t.len, 13, "INET tuple");
	uint16_t port;
	memcpy(&port, t.ptr + (which ? 11 : 5), 2);
	return port;
}

Test(syscall_live, fcntl_msg_fdcreators_prlimit_layouts)
{
	skip_unless_possible();
	api a;
	load_api(&a);
	ss_instance_t *h;
	ss_plugin_t *s = start(&a,
	                       "{\"syscalls\":[\"fcntl\",\"sendmsg\",\"recvmsg\",\"eventfd2\","
	                       "\"signalfd4\",\"timerfd_create\",\"inotify_init1\",\"epoll_create1\","
	                       "\"pidfd_open\",\"prlimit\",\"setreuid\",\"setregid\",\"accept4\","
	                       "\"connect\"],\"base_syscalls\":{\"custom_set\":[\"fcntl\"]}}",
	                       &h);
	pid_t pid = fork();
	if (pid == 0)
		child_fd_misc();
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed: %d", status);
	evlist l = {.n = 0};
	drain(&a, s, h, pid, &l, 1000);

	const uint8_t *sm = find(&l, PPME_SOCKET_SENDMSG_X, 0);
	cr_assert_not_null(sm, "sendmsg among %zu events", l.n);
	cr_assert_eq(p_int(sm, 0), 9);
	vg_scap_param d = p_raw(sm, 1);
	cr_assert_eq(d.len, 9);
	cr_assert(memcmp(d.ptr, "hello-msg", 9) == 0);
	cr_assert_eq(p_int(sm, 3), 9, "size");
	cr_assert_eq(p_raw(sm, 4).ptr[0], VG_SCAP_AF_UNIX);
	const uint8_t *rm = find(&l, PPME_SOCKET_RECVMSG_X, 0);
	cr_assert_not_null(rm);
	cr_assert_eq(p_int(rm, 0), 9);
	cr_assert_eq(p_int(rm, 1), 32, "size is the buffer space offered");
	cr_assert_eq(p_raw(rm, 2).len, 9);
	cr_assert_eq(p_int(rm, 5), p_int(sm, 2) + 1, "recvmsg fd is the pair's other end");

	const uint8_t *fc = find(&l, PPME_SYSCALL_FCNTL_X, 0);
	cr_assert_not_null(fc);
	cr_assert_geq(p_int(fc, 0), 100);
	cr_assert_eq(p_int(fc, 1), p_int(sm, 2));
	cr_assert_eq(p_int(fc, 2), PPM_FCNTL_F_DUPFD_CLOEXEC);

	const uint8_t *ev = find(&l, PPME_SYSCALL_EVENTFD2_X, 0);
	cr_assert_not_null(ev);
	cr_assert_geq(p_int(ev, 0), 0);
	cr_assert_eq(p_int(ev, 1), PPM_O_CLOEXEC);
	cr_assert_eq(p_int(ev, 2), 7, "initval");
	const uint8_t *sf = find(&l, PPME_SYSCALL_SIGNALFD4_X, 0);
	cr_assert_not_null(sf);
	cr_assert_eq(p_int(sf, 1), PPM_O_NONBLOCK);
	cr_assert_eq(p_int(sf, 2), -1);
	cr_assert_eq((uint32_t)p_int(sf, 3), 1u << (SIGUSR1 - 1), "mask");
	const uint8_t *tf = find(&l, PPME_SYSCALL_TIMERFD_CREATE_X, 0);
	cr_assert_not_null(tf);
	cr_assert_eq(p_int(tf, 1), CLOCK_MONOTONIC);
	cr_assert_not_null(find(&l, PPME_SYSCALL_INOTIFY_INIT1_X, 0));
	cr_assert_eq(p_int(find(&l, PPME_SYSCALL_INOTIFY_INIT1_X, 0), 1), PPM_O_NONBLOCK);
	const uint8_t *ep = find(&l, PPME_SYSCALL_EPOLL_CREATE1_X, 0);
	cr_assert_not_null(ep);
	cr_assert_eq(p_int(ep, 1), PPM_EPOLL_CLOEXEC);
	const uint8_t *pf = find(&l, PPME_SYSCALL_PIDFD_OPEN_X, 0);
	cr_assert_not_null(pf);
	cr_assert_geq(p_int(pf, 0), 0);
	cr_assert_eq(p_int(pf, 1), pid);

	const uint8_t *pl = find(&l, PPME_SYSCALL_PRLIMIT_X, 0);
	cr_assert_not_null(pl);
	struct rlimit mine;
	getrlimit(RLIMIT_NOFILE, &mine);
	cr_assert_eq(p_int(pl, 0), 0);
	cr_assert_eq(p_int(pl, 1), -1, "no new limit given");
	cr_assert_eq((uint64_t)p_int(pl, 3), (uint64_t)mine.rlim_cur, "old soft limit (inherited)");
	cr_assert_eq(p_int(pl, 5), 0, "pid argument");
	cr_assert_eq(p_int(pl, 6), PPM_RLIMIT_NOFILE);

	const uint8_t *ru = find(&l, PPME_SYSCALL_SETREUID_X, 0);
	cr_assert_not_null(ru);
	cr_assert_eq(p_int(ru, 0), 0);
	cr_assert_eq((uint32_t)p_int(ru, 1), UINT32_MAX);
	cr_assert_not_null(find(&l, PPME_SYSCALL_SETREGID_X, 0));

	/* libs' order: accept's tuple is client -> server, like connect's */
	const uint8_t *cn = find(&l, PPME_SOCKET_CONNECT_X, 0);
	const uint8_t *ac = find(&l, PPME_SOCKET_ACCEPT4_6_X, 0);
	cr_assert_not_null(cn);
	cr_assert_not_null(ac);
	cr_assert_eq(tuple_port(ac, 1, 0), tuple_port(cn, 1, 0), "source = the client's port");
	cr_assert_eq(tuple_port(ac, 1, 1), tuple_port(cn, 1, 1), "destination = the listener");
	cr_assert_neq(tuple_port(ac, 1, 0), tuple_port(ac, 1, 1));
	for (size_t i = 0; i < l.n; i++)
		free(l.ev[i]);
	a.close(s, h);
	a.destroy(s);
}

Test(syscall_live, own_process_is_not_traced)
{
	skip_unless_possible();
	api a;
	load_api(&a);
	ss_instance_t *h;
	ss_plugin_t *s = start(&a, "{\"syscalls\":[\"openat\"],\"base_syscalls\":{\"custom_set\":[\"openat\"]}}", &h);
	for (int i = 0; i < 50; i++)
		close(open("/etc/hostname", O_RDONLY));
	evlist l = {.n = 0};
	drain(&a, s, h, getpid(), &l, 300);
	cr_assert_eq(l.n, 0, "vigil's own syscalls must not be traced");
	a.close(s, h);
	a.destroy(s);
}

Test(syscall_live, flood_counts_drops)
{
	skip_unless_possible();
	api a;
	load_api(&a);
	ss_instance_t *h;
	/* one tiny ring, never drained while the child floods */
	ss_plugin_t *s = start(&a, "{\"syscalls\":[\"close\"],\"base_syscalls\":{\"custom_set\":[\"close\"]},"
	                           "\"buffer_bytes\":8192,\"cpus_for_each_buffer\":0}", &h);
	const int calls = 200000;
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < calls; i++)
			close(-1);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	uint64_t evts = metric(&a, s, "n_evts");
	uint64_t drops = metric(&a, s, "n_drops_buffer_total");
	cr_assert_geq(evts, (uint64_t)calls, "every attempt is counted");
	cr_assert_gt(drops, (uint64_t)calls / 2, "a full ring must count drops, got %llu",
	             (unsigned long long)drops);
	evlist l = {.n = 0};
	drain(&a, s, h, pid, &l, 300);
	cr_assert_gt(l.n, 0, "what fit in the ring is delivered");
	cr_assert_lt(l.n, (size_t)calls);
	/* one snapshot: other processes' closes keep counting while we look */
	uint32_t nm;
	ss_plugin_metric *m = a.metrics(s, &nm);
	uint64_t total = 0, parts = 0, per_cpu = 0;
	uint32_t cpus = 0;
	for (uint32_t i = 0; i < nm; i++) {
		if (strcmp(m[i].name, "n_drops") == 0)
			total = m[i].value.u64;
		else if (strncmp(m[i].name, "n_drops_cpu_", 12) == 0)
			per_cpu += m[i].value.u64, cpus++;
		else if (strncmp(m[i].name, "n_drops_", 8) == 0)
			parts += m[i].value.u64;
	}
	cr_assert_eq(total, parts, "n_drops is the sum of the drop counters");
	cr_assert_eq(total, per_cpu, "n_drops is the sum of the per-CPU drops");
	cr_assert_eq(cpus, (uint32_t)libbpf_num_possible_cpus(), "one n_drops_cpu_N per CPU");
	cr_assert_geq(total, drops, "n_drops is monotonic");
	for (size_t i = 0; i < l.n; i++)
		free(l.ev[i]);
	uint64_t before_close = metric(&a, s, "n_drops");
	a.close(s, h);
	cr_assert_eq(metric(&a, s, "n_drops"), before_close,
	             "closing keeps the counters (vigil reads them for --stats after close)");
	a.destroy(s);
}

/* TOCTOU: a thread blocks in a syscall on one path/address while another thread rewrites the
 * buffer in place; the event must carry what the kernel used (sys_enter's copy), not what the
 * buffer holds at exit. */
typedef struct racer {
	char *buf;            /* argument of the blocked call, rewritten while it blocks */
	const char *rewrite;  /* same length as the original */
	size_t len;
	int blocked_nr;       /* syscall the blocked thread sits in */
	pid_t blocked_tid;
	void (*release)(struct racer *);
	void *ctx;
} racer;

/* True once `tid` sits in syscall `nr` (/proc/.../syscall starts with the number). */
static bool blocked_in(pid_t tid, int nr)
{
	char path[64], line[64] = {0};
	snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(line, sizeof line, f) && atoi(line) == nr && line[0] != 'r';
	fclose(f);
	return ok;
}

static void *rewriter(void *arg)
{
	racer *r = arg;
	for (int i = 0; i < 5000 && !blocked_in(r->blocked_tid, r->blocked_nr); i++)
		usleep(1000);
	if (!blocked_in(r->blocked_tid, r->blocked_nr))
		_exit(30);
	usleep(20000); /* well inside the wait, past the path/address copy */
	memcpy(r->buf, r->rewrite, r->len);
	r->release(r);
	return NULL;
}

/* Runs `call` in this thread while a second thread rewrites r->buf and then releases it. */
static long race(racer *r, long (*call)(racer *))
{
	r->blocked_tid = (pid_t)syscall(SYS_gettid);
	pthread_t th;
	if (pthread_create(&th, NULL, rewriter, r) != 0)
		_exit(31);
	long rc = call(r);
	pthread_join(th, NULL);
	return rc;
}

static void release_fifo(racer *r)
{
	int w = open((const char *)r->ctx, O_WRONLY); /* the reader's open returns */
	if (w < 0)
		_exit(32);
	close(w);
}

static long open_fifo(racer *r) { return syscall(SYS_openat, AT_FDCWD, r->buf, O_RDONLY); }

static void release_backlog(racer *r)
{
	int ls = *(int *)r->ctx;
	int c = accept(ls, NULL, NULL); /* frees the full accept queue: the SYN retry gets in */
	if (c < 0)
		_exit(33);
	close(c);
}

static long connect_blocked(racer *r)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	return connect(s, (struct sockaddr *)r->buf, sizeof(struct sockaddr_in));
}

/* Child: the FIFO race, then the connect race; writes the racing thread's tid and the
 * listener's port to `out`. */
static void child_toctou(int out, const char *dir)
{
	char orig[512], other[512];
	snprintf(orig, sizeof orig, "%s/fifo_a", dir);
	snprintf(other, sizeof other, "%s/fifo_b", dir);
	static char buf[512];
	memcpy(buf, orig, sizeof orig);
	racer r = {.buf = buf, .rewrite = other, .len = strlen(orig) + 1,
	           .blocked_nr = SYS_openat, .release = release_fifo, .ctx = orig};
	long fd = race(&r, open_fifo);
	if (fd < 0)
		_exit(34);
	close((int)fd);

	/* listen(0) admits one queued connection; the second connect's SYN is dropped and
	 * retried after ~1 s, blocking connect() until accept() frees the queue */
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET};
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sin;
	if (bind(ls, (struct sockaddr *)&sin, sizeof sin) != 0 || listen(ls, 0) != 0 ||
	    getsockname(ls, (struct sockaddr *)&sin, &sl) != 0)
		_exit(35);
	int filler = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(filler, (struct sockaddr *)&sin, sizeof sin) != 0)
		_exit(36);
	static struct sockaddr_in addr, moved;
	addr = sin;
	moved = sin;
	moved.sin_port = htons((uint16_t)(ntohs(sin.sin_port) ^ 1));
	moved.sin_addr.s_addr = htonl(0x7f000002);
	racer c = {.buf = (char *)&addr, .rewrite = (const char *)&moved, .len = sizeof addr,
	           .blocked_nr = SYS_connect, .release = release_backlog, .ctx = &ls};
	if (race(&c, connect_blocked) != 0)
		_exit(37);
	pid_t tid = r.blocked_tid; /* both calls ran on this thread */
	uint16_t port = ntohs(sin.sin_port);
	if (write(out, &tid, sizeof tid) != sizeof tid || write(out, &port, 2) != 2)
		_exit(38);
	_exit(0);
}

Test(syscall_live, enter_capture_defeats_buffer_rewrite)
{
	skip_unless_possible();
	api a;
	load_api(&a);
	ss_instance_t *h;
	ss_plugin_t *s = start(&a, "{\"syscalls\":[\"openat\",\"connect\"],"
	                           "\"base_syscalls\":{\"custom_set\":[\"openat\",\"connect\"]}}", &h);
	char dir[] = "/tmp/vg_toctou_XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char orig[512], other[512];
	snprintf(orig, sizeof orig, "%s/fifo_a", dir);
	snprintf(other, sizeof other, "%s/fifo_b", dir);
	cr_assert(mkfifo(orig, 0600) == 0 && mkfifo(other, 0600) == 0);
	int p[2];
	cr_assert(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_toctou(p[1], dir);
	}
	close(p[1]);
	int status;
	waitpid(pid, &status, 0);
	pid_t tid = 0;
	uint16_t port = 0;
	bool got = read(p[0], &tid, sizeof tid) == sizeof tid && read(p[0], &port, 2) == 2;
	close(p[0]);
	unlink(orig);
	unlink(other);
	rmdir(dir);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0 && got, "child failed: %d", status);

	evlist l = {.n = 0};
	drain(&a, s, h, tid, &l, 1000);
	const uint8_t *op = NULL;
	for (int k = 0; (op = find(&l, PPME_SYSCALL_OPENAT_2_X, k)); k++)
		if (p_int(op, 0) >= 0)
			break;
	cr_assert_not_null(op, "no successful openat of the racing thread among %zu events", l.n);
	cr_assert_str_eq(p_str(op, 2), orig, "the path the kernel opened, not the rewritten buffer");

	/* the first connect fills the listener's queue, the second one races */
	const uint8_t *cn = find(&l, PPME_SOCKET_CONNECT_X, 1);
	cr_assert_not_null(cn, "no second connect of the racing thread among %zu events", l.n);
	cr_assert_null(find(&l, PPME_SOCKET_CONNECT_X, 2));
	cr_assert_eq(p_int(cn, 0), 0);
	vg_scap_param addr = p_raw(cn, 3);
	cr_assert_eq(addr.len, 7);
	uint32_t ip;
	uint16_t aport;
	memcpy(&ip, addr.ptr + 1, 4);
	memcpy(&aport, addr.ptr + 5, 2);
	cr_assert_eq(ip, htonl(INADDR_LOOPBACK), "the address connected to, not the rewritten one");
	cr_assert_eq(aport, port);
	for (size_t i = 0; i < l.n; i++)
		free(l.ev[i]);
	a.close(s, h);
	a.destroy(s);
}

/* Replay through the plugin ABI (no root needed): every event in order, then EOF. */
Test(syscall_capture_replay, replays_a_capture_then_eof)
{
	api a;
	load_api(&a);
	char path[] = "/tmp/vigil-replay-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	vsdk_error err;
	sp_capture_writer *w = sp_capture_writer_open(path, true, &err);
	cr_assert_not_null(w);
	const int total = 1500; /* more than one batch */
	for (int i = 0; i < total; i++) {
		uint8_t ev[64];
		vg_scap_builder b;
		vg_scap_builder_begin(&b, ev, sizeof ev, PPME_SYSCALL_CLOSE_X, 1000 + i, 7);
		vg_scap_put_i64(&b, 0);
		vg_scap_put_i64(&b, i);
		cr_assert_gt(vg_scap_builder_finish(&b), 0);
		cr_assert(sp_capture_write(w, ev, 0, &err));
	}
	cr_assert(sp_capture_writer_close(w, &err));

	ss_plugin_init_input in = {.config = ""};
	ss_plugin_rc rc;
	ss_plugin_t *s = a.init(&in, &rc);
	char params[64];
	snprintf(params, sizeof params, "capture:%s", path);
	ss_instance_t *h = a.open(s, params, &rc);
	cr_assert_eq(rc, SS_PLUGIN_SUCCESS, "%s", a.last_error(s));
	int seen = 0;
	for (;;) {
		uint32_t n = 0;
		ss_plugin_event **evts;
		rc = a.next_batch(s, h, &n, &evts);
		for (uint32_t i = 0; i < n; i++, seen++) {
			cr_assert_eq(evts[i]->ts, (uint64_t)(1000 + seen));
			cr_assert_eq(evts[i]->type, PPME_SYSCALL_CLOSE_X);
		}
		if (rc == SS_PLUGIN_EOF)
			break;
		cr_assert_eq(rc, SS_PLUGIN_SUCCESS);
		cr_assert_gt(n, 0, "SUCCESS with no events is an ABI error");
	}
	cr_assert_eq(seen, total);
	a.close(s, h);
	h = a.open(s, "capture:/nonexistent.scap", &rc);
	cr_assert_eq(rc, SS_PLUGIN_FAILURE);
	cr_assert(strstr(a.last_error(s), "/nonexistent.scap"), "%s", a.last_error(s));
	h = a.open(s, "bogus", &rc);
	cr_assert_eq(rc, SS_PLUGIN_FAILURE);
	a.destroy(s);
	unlink(path);
}

Test(syscall_capture_replay, bad_init_config_is_reported)
{
	api a;
	load_api(&a);
	ss_plugin_init_input in = {.config = "{\"syscalls\":\"openat\"}"};
	ss_plugin_rc rc;
	ss_plugin_t *s = a.init(&in, &rc);
	cr_assert_eq(rc, SS_PLUGIN_FAILURE);
	cr_assert(strstr(a.last_error(s), "syscalls"), "%s", a.last_error(s));
	a.destroy(s);
	in.config = "{\"snaplen\":100000}";
	s = a.init(&in, &rc);
	cr_assert_eq(rc, SS_PLUGIN_FAILURE);
	cr_assert(strstr(a.last_error(s), "snaplen"), "%s", a.last_error(s));
	a.destroy(s);
}
