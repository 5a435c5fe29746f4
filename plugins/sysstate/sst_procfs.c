#include "sst_procfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <vigil/scap_events.h>
#include <vigil/scap_flags.h>

#include "sst_render.h"

/* A socket seen in root/net/{tcp,tcp6,udp,udp6,unix}, keyed by inode. */
typedef struct sst_procfs_sock {
	uint8_t family, l4proto, listening;
	uint8_t lip[16], rip[16];
	uint16_t lport, rport;
	char *path; /* unix sockets, owned */
} sst_procfs_sock;

typedef struct sst_procfs_ctx {
	sst_threads *t;
	const char *root;
	sst_str buf;        /* file contents */
	sst_str path;       /* scratch path */
	sst_map socks;      /* inode -> sst_procfs_sock */
	uint64_t boot_ns;
	long ticks;
} sst_procfs_ctx;

/* ---- small readers ---- */

/* Reads a whole file into c->buf (NUL-terminated); false when unreadable. */
static bool sst_procfs_slurp(sst_procfs_ctx *c, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	c->buf.len = 0;
	for (;;) {
		if (!sst_str_reserve(&c->buf, c->buf.len + 4096)) {
			close(fd);
			return false;
		}
		ssize_t n = read(fd, c->buf.p + c->buf.len, c->buf.cap - c->buf.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		c->buf.len += (uint32_t)n;
	}
	close(fd);
	c->buf.p[c->buf.len] = '\0';
	return true;
}

/* Formats a procfs path into c->path: fmt takes the root (%s), an id (%lld) and a suffix (%s,
 * "" when b is NULL), e.g. "%s/%lld/fd/%s". Returns c->path.p, or NULL if it does not fit. */
static const char *sst_procfs_pathf(sst_procfs_ctx *c, const char *fmt, int64_t a, const char *b)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof tmp, fmt, c->root, (long long)a, b ? b : "");
	if (n < 0 || (size_t)n >= sizeof tmp || !sst_str_set(&c->path, tmp, (uint32_t)n))
		return NULL;
	return c->path.p;
}

/* readlink into dst; removes a trailing " (deleted)". */
static bool sst_procfs_link(const char *path, sst_str *dst)
{
	char tmp[4096];
	ssize_t n = readlink(path, tmp, sizeof tmp - 1);
	if (n < 0)
		return false;
	static const char del[] = " (deleted)";
	if ((size_t)n > sizeof del - 1 && memcmp(tmp + n - (sizeof del - 1), del, sizeof del - 1) == 0)
		n -= (ssize_t)(sizeof del - 1);
	return sst_str_set(dst, tmp, (uint32_t)n);
}

static const char *sst_procfs_status_field(const char *status, const char *key)
{
	size_t k = strlen(key);
	for (const char *l = status; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strncmp(l, key, k) == 0 && l[k] == ':')
			return l + k + 1;
	return NULL;
}

/* The last number of a tab-separated list ("NSpid:\t812\t1" -> 1: the innermost namespace). */
static bool sst_procfs_last_num(const char *s, int64_t *out)
{
	if (!s)
		return false;
	bool any = false;
	while (*s && *s != '\n') {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!isdigit((unsigned char)*s))
			break;
		char *end;
		*out = strtoll(s, &end, 10);
		any = true;
		s = end;
	}
	return any;
}

uint32_t sst_procfs_open_flags(uint32_t k)
{
	uint32_t f = 0;
	switch (k & O_ACCMODE) {
	case O_RDONLY: f |= PPM_O_RDONLY; break;
	case O_WRONLY: f |= PPM_O_WRONLY; break;
	case O_RDWR: f |= PPM_O_RDWR; break;
	default: break;
	}
	static const struct {
		uint32_t k, p;
	} map[] = {
		{O_CREAT, PPM_O_CREAT},         {O_APPEND, PPM_O_APPEND},     {O_DSYNC, PPM_O_DSYNC},
		{O_EXCL, PPM_O_EXCL},           {O_NONBLOCK, PPM_O_NONBLOCK}, {O_TRUNC, PPM_O_TRUNC},
		{O_DIRECT, PPM_O_DIRECT},       {O_DIRECTORY, PPM_O_DIRECTORY},
		{O_LARGEFILE, PPM_O_LARGEFILE}, {O_CLOEXEC, PPM_O_CLOEXEC},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].k && (k & map[i].k) == map[i].k)
			f |= map[i].p;
	if ((k & O_SYNC) == O_SYNC)
		f |= PPM_O_SYNC;
	return f;
}

/* ---- sockets ---- */

static void sst_procfs_parse_hex_ip(const char *s, size_t nwords, uint8_t *out)
{
	for (size_t w = 0; w < nwords; w++) {
		char word[9];
		memcpy(word, s + w * 8, 8);
		word[8] = '\0';
		uint32_t v = (uint32_t)strtoul(word, NULL, 16);
		/* procfs prints each 32-bit word of the network-order address as a native integer. */
		memcpy(out + w * 4, &v, 4);
	}
}

/* Takes ownership of s->path only when it returns true. */
static bool sst_procfs_add_sock(sst_procfs_ctx *c, uint64_t ino, const sst_procfs_sock *s)
{
	if (!ino || sst_map_get(&c->socks, ino))
		return false;
	sst_procfs_sock *copy = malloc(sizeof *copy);
	if (!copy)
		return false;
	*copy = *s;
	if (!sst_map_put(&c->socks, ino, copy)) {
		free(copy);
		return false;
	}
	return true;
}

static void sst_procfs_load_inet(sst_procfs_ctx *c, const char *file, uint8_t family, uint8_t l4)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/net/%s", c->root, file);
	if (!sst_procfs_slurp(c, path))
		return;
	size_t words = family == VG_SCAP_AF_INET6 ? 4 : 1;
	char *save = NULL;
	char *line = strtok_r(c->buf.p, "\n", &save); /* header */
	while ((line = strtok_r(NULL, "\n", &save))) {
		char lhex[33], rhex[33];
		unsigned lport, rport, st;
		unsigned long long ino;
		if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x %32[0-9A-Fa-f]:%x %x %*s %*s %*s %*u %*u %llu",
			   lhex, &lport, rhex, &rport, &st, &ino) != 6)
			continue;
		if (strlen(lhex) != words * 8 || strlen(rhex) != words * 8)
			continue;
		sst_procfs_sock s = {.family = family, .l4proto = l4, .lport = (uint16_t)lport,
				     .rport = (uint16_t)rport};
		s.listening = l4 == SST_L4_TCP ? st == 0x0A : rport == 0;
		sst_procfs_parse_hex_ip(lhex, words, s.lip);
		sst_procfs_parse_hex_ip(rhex, words, s.rip);
		sst_procfs_add_sock(c, ino, &s);
	}
}

static void sst_procfs_load_unix(sst_procfs_ctx *c)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/net/unix", c->root);
	if (!sst_procfs_slurp(c, path))
		return;
	char *save = NULL;
	char *line = strtok_r(c->buf.p, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save))) {
		unsigned long long ino;
		int off = 0;
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %llu%n", &ino, &off) != 1)
			continue;
		const char *p = line + off;
		while (*p == ' ')
			p++;
		sst_procfs_sock s = {.family = VG_SCAP_AF_UNIX};
		s.path = *p ? strdup(p) : NULL;
		if (!sst_procfs_add_sock(c, ino, &s))
			free(s.path);
	}
}

static void sst_procfs_free_socks(sst_procfs_ctx *c)
{
	for (uint32_t i = 0; i < c->socks.cap; i++) {
		sst_procfs_sock *s = c->socks.slots[i].val;
		if (s) {
			free(s->path);
			free(s);
		}
	}
	sst_map_free(&c->socks);
}

static bool sst_procfs_is_listen_port(const sst_procfs_ctx *c, uint16_t port)
{
	for (uint32_t i = 0; i < c->socks.cap; i++) {
		const sst_procfs_sock *s = c->socks.slots[i].val;
		if (s && s->listening && s->lport == port && s->family != VG_SCAP_AF_UNIX)
			return true;
	}
	return false;
}

static void sst_procfs_fill_socket(sst_procfs_ctx *c, sst_fd *f, uint64_t ino)
{
	const sst_procfs_sock *s = sst_map_get(&c->socks, ino);
	f->ino = ino;
	if (!s)
		return; /* another network namespace, netlink, packet ...: kind unknown */
	f->family = s->family;
	if (s->family == VG_SCAP_AF_UNIX) {
		f->type = SST_FD_UNIX;
		if (s->path)
			sst_str_set(&f->name, s->path, (uint32_t)strlen(s->path));
		return;
	}
	f->type = s->family == VG_SCAP_AF_INET6 ? SST_FD_IPV6 : SST_FD_IPV4;
	f->l4proto = s->l4proto;
	size_t alen = s->family == VG_SCAP_AF_INET6 ? 16 : 4;
	if (s->listening) {
		f->role = SST_ROLE_SERVER;
		memcpy(f->sip, s->lip, alen);
		f->sport = s->lport;
	} else if (sst_procfs_is_listen_port(c, s->lport)) {
		f->role = SST_ROLE_SERVER;
		f->connected = true;
		memcpy(f->sip, s->lip, alen);
		f->sport = s->lport;
		memcpy(f->cip, s->rip, alen);
		f->cport = s->rport;
	} else {
		f->role = SST_ROLE_CLIENT;
		f->connected = true;
		memcpy(f->cip, s->lip, alen);
		f->cport = s->lport;
		memcpy(f->sip, s->rip, alen);
		f->sport = s->rport;
	}
	sst_render_fd_tuple(f);
}

/* ---- fds ---- */

static uint8_t sst_procfs_anon_type(const char *what)
{
	static const struct {
		const char *tag;
		uint8_t type;
	} kinds[] = {
		{"[eventfd]", SST_FD_EVENT},       {"[signalfd]", SST_FD_SIGNALFD},
		{"[eventpoll]", SST_FD_EVENTPOLL}, {"inotify", SST_FD_INOTIFY},
		{"[timerfd]", SST_FD_TIMERFD},     {"bpf", SST_FD_BPF},
		{"[userfaultfd]", SST_FD_USERFAULTFD}, {"[io_uring]", SST_FD_IOURING},
		{"[pidfd]", SST_FD_PIDFD},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strncmp(what, kinds[i].tag, strlen(kinds[i].tag)) == 0)
			return kinds[i].type;
	return SST_FD_UNKNOWN;
}

static void sst_procfs_load_fd(sst_procfs_ctx *c, sst_proc *p, int64_t pid, int64_t fd)
{
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)fd);
	const char *lpath = sst_procfs_pathf(c, "%s/%lld/fd/%s", pid, num);
	char target[4096];
	ssize_t n = lpath ? readlink(lpath, target, sizeof target - 1) : -1;
	if (n <= 0)
		return;
	target[n] = '\0';
	sst_fd *f = sst_fdtab_add(&c->t->fdpool, &p->fds, fd);
	if (!f)
		return;
	unsigned long long ino;
	if (sscanf(target, "socket:[%llu]", &ino) == 1) {
		sst_procfs_fill_socket(c, f, ino);
	} else if (sscanf(target, "pipe:[%llu]", &ino) == 1) {
		f->type = SST_FD_PIPE;
		f->ino = ino;
		sst_str_set(&f->name, target, (uint32_t)n);
	} else if (strncmp(target, "anon_inode:", 11) == 0) {
		f->type = sst_procfs_anon_type(target + 11);
		sst_str_set(&f->name, target, (uint32_t)n);
	} else if (strncmp(target, "/memfd:", 7) == 0) {
		f->type = SST_FD_MEMFD;
		static const char del[] = " (deleted)";
		if ((size_t)n > sizeof del - 1 && strcmp(target + n - (sizeof del - 1), del) == 0)
			n -= (ssize_t)(sizeof del - 1);
		sst_str_set(&f->name, target, (uint32_t)n);
	} else {
		struct stat st;
		f->type = stat(lpath, &st) == 0 && S_ISDIR(st.st_mode) ? SST_FD_DIRECTORY : SST_FD_FILE;
		sst_str_set(&f->name, target, (uint32_t)n);
		sst_str_set(&f->nameraw, target, (uint32_t)n);
	}
	const char *ipath = sst_procfs_pathf(c, "%s/%lld/fdinfo/%s", pid, num);
	if (ipath && sst_procfs_slurp(c, ipath)) {
		const char *fl = sst_procfs_status_field(c->buf.p, "flags");
		if (fl)
			f->flags = sst_procfs_open_flags((uint32_t)strtoul(fl, NULL, 8));
	}
}

static void sst_procfs_load_fds(sst_procfs_ctx *c, sst_proc *p, int64_t pid)
{
	const char *dpath = sst_procfs_pathf(c, "%s/%lld/fd%s", pid, NULL);
	DIR *d = dpath ? opendir(dpath) : NULL;
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		sst_procfs_load_fd(c, p, pid, strtoll(e->d_name, NULL, 10));
	}
	closedir(d);
}

/* ---- processes ---- */

/* Splits "argv0\0arg1\0...": exe gets argv0, args the rest (each NUL-terminated). */
static void sst_procfs_set_cmdline(sst_proc *p, const char *buf, uint32_t len)
{
	if (len == 0)
		return;
	uint32_t a0 = (uint32_t)strnlen(buf, len);
	sst_str_set(&p->exe, buf, a0);
	if (a0 + 1 < len)
		sst_str_set(&p->args, buf + a0 + 1, len - a0 - 1);
	else
		sst_str_set(&p->args, "", 0);
	/* cmdline lacks a final NUL when a process rewrote its arguments */
	if (p->args.len && p->args.p[p->args.len - 1] != '\0' && sst_str_reserve(&p->args, p->args.len + 1))
		p->args.p[p->args.len++] = '\0', p->args.p[p->args.len] = '\0';
}

static void sst_procfs_set_cgroups(sst_procfs_ctx *c, sst_proc *p)
{
	/* Lines "hierarchy:controllers:/path"; the container id lives in the path. */
	char *save = NULL;
	for (char *line = strtok_r(c->buf.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sst_cgroup_container_id(line, strlen(line), p->container_id))
			return;
	strcpy(p->container_id, "host");
}

/* stat: "pid (comm) S ppid pgrp session tty_nr ... starttime(22nd)". comm may hold ')' or spaces,
 * so fields are counted from the last ')'. */
static bool sst_procfs_parse_stat(sst_procfs_ctx *c, sst_proc *p, int64_t *ppid)
{
	char *open_paren = strchr(c->buf.p, '(');
	char *close_paren = strrchr(c->buf.p, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return false;
	sst_str_set(&p->comm, open_paren + 1, (uint32_t)(close_paren - open_paren - 1));
	long long f[20] = {0};
	char state;
	int n = sscanf(close_paren + 1,
		       " %c %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld",
		       &state, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10],
		       &f[11], &f[12], &f[13], &f[14], &f[15], &f[16], &f[17], &f[18]);
	if (n < 5)
		return false;
	*ppid = f[0];
	p->pgid = f[1];
	p->sid = f[2];
	p->tty = (uint32_t)f[3];
	if (n >= 20 && c->ticks > 0)
		p->start_ts = c->boot_ns + (uint64_t)f[18] * (1000000000ull / (uint64_t)c->ticks);
	return true;
}

static void sst_procfs_parse_status(sst_procfs_ctx *c, sst_proc *p)
{
	const char *s = c->buf.p;
	const char *v;
	unsigned a, b;
	if ((v = sst_procfs_status_field(s, "Uid")) && sscanf(v, "%u %u", &a, &b) == 2)
		p->uid = a, p->euid = b;
	if ((v = sst_procfs_status_field(s, "Gid")) && sscanf(v, "%u", &a) == 1)
		p->gid = a;
	if ((v = sst_procfs_status_field(s, "CapInh")))
		p->cap_inheritable = strtoull(v, NULL, 16);
	if ((v = sst_procfs_status_field(s, "CapPrm")))
		p->cap_permitted = strtoull(v, NULL, 16);
	if ((v = sst_procfs_status_field(s, "CapEff")))
		p->cap_effective = strtoull(v, NULL, 16);
	int64_t x;
	if (sst_procfs_last_num(sst_procfs_status_field(s, "NStgid"), &x))
		p->vpid = x;
	if (sst_procfs_last_num(sst_procfs_status_field(s, "NSpgid"), &x))
		p->vpgid = x;
	else
		p->vpgid = p->pgid;
}

static void sst_procfs_fill_exe(sst_procfs_ctx *c, sst_proc *p, int64_t pid)
{
	const char *path = sst_procfs_pathf(c, "%s/%lld/exe%s", pid, NULL);
	if (!path)
		return;
	sst_procfs_link(path, &p->exepath);
	if (p->exepath.len >= 7 && memcmp(p->exepath.p, "/memfd:", 7) == 0)
		p->flags |= SST_PROC_EXE_FROM_MEMFD;
	struct stat st;
	if (stat(path, &st) == 0) {
		p->exe_ino = st.st_ino;
		p->exe_ino_ctime = (uint64_t)st.st_ctim.tv_sec * 1000000000ull + (uint64_t)st.st_ctim.tv_nsec;
		p->exe_ino_mtime = (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec;
	}
}

/* Fills the new process p (pid) from root/<pid>/... Returns false when the process is gone. */
static bool sst_procfs_fill_proc(sst_procfs_ctx *c, sst_proc *p, int64_t pid)
{
	const char *path;
	int64_t ppid = 0;
	if (!(path = sst_procfs_pathf(c, "%s/%lld/stat%s", pid, NULL)) || !sst_procfs_slurp(c, path) ||
	    !sst_procfs_parse_stat(c, p, &ppid))
		return false;
	sst_threads_set_parent(c->t, p, ppid);
	if ((path = sst_procfs_pathf(c, "%s/%lld/status%s", pid, NULL)) && sst_procfs_slurp(c, path))
		sst_procfs_parse_status(c, p);
	if ((path = sst_procfs_pathf(c, "%s/%lld/cmdline%s", pid, NULL)) && sst_procfs_slurp(c, path))
		sst_procfs_set_cmdline(p, c->buf.p, c->buf.len);
	if (p->exe.len == 0)
		sst_str_set(&p->exe, p->comm.p, p->comm.len); /* kernel threads */
	if ((path = sst_procfs_pathf(c, "%s/%lld/environ%s", pid, NULL)) && sst_procfs_slurp(c, path))
		sst_str_set(&p->env, c->buf.p, c->buf.len);
	if ((path = sst_procfs_pathf(c, "%s/%lld/cwd%s", pid, NULL)))
		sst_procfs_link(path, &p->cwd);
	sst_procfs_fill_exe(c, p, pid);
	if ((path = sst_procfs_pathf(c, "%s/%lld/loginuid%s", pid, NULL)) && sst_procfs_slurp(c, path))
		p->loginuid = (uint32_t)strtoul(c->buf.p, NULL, 10);
	if ((path = sst_procfs_pathf(c, "%s/%lld/cgroup%s", pid, NULL)) && sst_procfs_slurp(c, path))
		sst_procfs_set_cgroups(c, p);
	sst_procfs_load_fds(c, p, pid);
	return true;
}

static int64_t sst_procfs_task_vtid(sst_procfs_ctx *c, int64_t pid, int64_t tid)
{
	char sub[64];
	snprintf(sub, sizeof sub, "/task/%lld/status", (long long)tid);
	const char *path = sst_procfs_pathf(c, "%s/%lld%s", pid, sub);
	int64_t v = tid;
	if (path && sst_procfs_slurp(c, path))
		sst_procfs_last_num(sst_procfs_status_field(c->buf.p, "NSpid"), &v);
	return v;
}

static sst_thread *sst_procfs_add_task(sst_procfs_ctx *c, int64_t pid, int64_t tid, uint64_t ts)
{
	bool created;
	sst_thread *th = sst_threads_add(c->t, tid, pid, 0, ts, &created);
	if (!th)
		return NULL;
	if (created && !sst_procfs_fill_proc(c, th->proc, pid)) {
		sst_threads_remove(c->t, tid, 0);
		return NULL;
	}
	th->vtid = sst_procfs_task_vtid(c, pid, tid);
	return th;
}

static uint32_t sst_procfs_load_tasks(sst_procfs_ctx *c, int64_t pid, uint64_t ts)
{
	uint32_t added = 0;
	if (!sst_procfs_add_task(c, pid, pid, ts))
		return 0;
	added++;
	const char *dpath = sst_procfs_pathf(c, "%s/%lld/task%s", pid, NULL);
	DIR *d = dpath ? opendir(dpath) : NULL;
	if (!d)
		return added;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		int64_t tid = strtoll(e->d_name, NULL, 10);
		if (tid != pid && sst_procfs_add_task(c, pid, tid, ts))
			added++;
	}
	closedir(d);
	return added;
}

static void sst_procfs_ctx_init(sst_procfs_ctx *c, sst_threads *t, const char *root)
{
	memset(c, 0, sizeof *c);
	c->t = t;
	c->root = root;
	sst_map_init(&c->socks);
	c->ticks = sysconf(_SC_CLK_TCK);
	char path[4096];
	snprintf(path, sizeof path, "%s/stat", root);
	if (sst_procfs_slurp(c, path)) {
		const char *bt = strstr(c->buf.p, "\nbtime ");
		if (bt)
			c->boot_ns = strtoull(bt + 7, NULL, 10) * 1000000000ull;
	}
	sst_procfs_load_inet(c, "tcp", VG_SCAP_AF_INET, SST_L4_TCP);
	sst_procfs_load_inet(c, "tcp6", VG_SCAP_AF_INET6, SST_L4_TCP);
	sst_procfs_load_inet(c, "udp", VG_SCAP_AF_INET, SST_L4_UDP);
	sst_procfs_load_inet(c, "udp6", VG_SCAP_AF_INET6, SST_L4_UDP);
	sst_procfs_load_unix(c);
}

static void sst_procfs_ctx_free(sst_procfs_ctx *c)
{
	sst_procfs_free_socks(c);
	sst_str_free(&c->buf);
	sst_str_free(&c->path);
}

static uint64_t sst_procfs_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint32_t sst_procfs_scan(sst_threads *t, const char *root)
{
	sst_procfs_ctx c;
	sst_procfs_ctx_init(&c, t, root);
	uint32_t added = 0;
	uint64_t now = sst_procfs_now_ns();
	DIR *d = opendir(root);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (isdigit((unsigned char)e->d_name[0]))
				added += sst_procfs_load_tasks(&c, strtoll(e->d_name, NULL, 10), now);
		}
		closedir(d);
	}
	/* Parents listed after their children were not tracked when the children were linked. */
	for (uint32_t i = 0; i < t->procs.cap; i++) {
		sst_proc *p = t->procs.slots[i].val;
		if (p && !p->parent)
			sst_threads_set_parent(t, p, p->ppid);
	}
	sst_procfs_ctx_free(&c);
	return added;
}

sst_thread *sst_procfs_load_thread(sst_threads *t, const char *root, int64_t tid, uint64_t ts)
{
	if (tid <= 0 || tid > INT32_MAX)
		return NULL;
	sst_procfs_ctx c;
	memset(&c, 0, sizeof c);
	c.t = t;
	c.root = root;
	c.ticks = sysconf(_SC_CLK_TCK);
	sst_map_init(&c.socks);
	sst_thread *th = NULL;
	/* /proc/<tid>/status works for any thread; Tgid names its process. */
	const char *path = sst_procfs_pathf(&c, "%s/%lld/status%s", tid, NULL);
	int64_t pid = 0;
	if (path && sst_procfs_slurp(&c, path) &&
	    sst_procfs_last_num(sst_procfs_status_field(c.buf.p, "Tgid"), &pid) && pid > 0)
		th = sst_procfs_add_task(&c, pid, tid, ts);
	sst_procfs_ctx_free(&c);
	return th;
}

bool sst_procfs_alive(const char *root, int64_t tid)
{
	if (tid <= 0 || tid > INT32_MAX)
		return false;
	char path[4096];
	snprintf(path, sizeof path, "%s/%lld", root, (long long)tid);
	struct stat st;
	return stat(path, &st) == 0;
}
