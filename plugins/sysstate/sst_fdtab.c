#include "sst_fdtab.h"

#include <stdlib.h>
#include <string.h>

#include <vigil/scap_flags.h>

bool sst_str_reserve(sst_str *s, uint32_t n)
{
	if (n < s->cap)
		return true;
	if (n >= UINT32_MAX / 2)
		return false;
	uint32_t ncap = s->cap ? s->cap : 32;
	while (ncap <= n)
		ncap *= 2;
	char *p = realloc(s->p, ncap);
	if (!p)
		return false;
	s->p = p;
	s->cap = ncap;
	return true;
}

bool sst_str_set(sst_str *dst, const char *s, uint32_t n)
{
	if (!sst_str_reserve(dst, n))
		return false;
	if (n)
		memmove(dst->p, s, n);
	dst->p[n] = '\0';
	dst->len = n;
	return true;
}

void sst_str_free(sst_str *s)
{
	free(s->p);
	s->p = NULL;
	s->len = s->cap = 0;
}

void sst_fdtab_pool_init(sst_fdtab_pool *p, uint32_t max_per_proc)
{
	p->free = NULL;
	p->max_per_proc = max_per_proc;
	p->dropped = 0;
}

void sst_fdtab_pool_free(sst_fdtab_pool *p)
{
	while (p->free) {
		sst_fd *f = p->free;
		p->free = f->next_free;
		sst_str_free(&f->name);
		sst_str_free(&f->nameraw);
		free(f);
	}
}

void sst_fdtab_clear_entry(sst_fd *f)
{
	sst_str name = f->name, raw = f->nameraw;
	memset(f, 0, sizeof *f);
	f->name = name;
	f->nameraw = raw;
	f->name.len = f->nameraw.len = 0;
	if (f->name.p)
		f->name.p[0] = '\0';
	if (f->nameraw.p)
		f->nameraw.p[0] = '\0';
}

static sst_fd *sst_fdtab_take(sst_fdtab_pool *p)
{
	sst_fd *f = p->free;
	if (f)
		p->free = f->next_free;
	else if (!(f = calloc(1, sizeof *f)))
		return NULL;
	sst_fdtab_clear_entry(f);
	return f;
}

static void sst_fdtab_give(sst_fdtab_pool *p, sst_fd *f)
{
	f->next_free = p->free;
	p->free = f;
}

sst_fd *sst_fdtab_add(sst_fdtab_pool *p, sst_map *tab, int64_t fd)
{
	sst_fd *f = sst_fdtab_get(tab, fd);
	if (f) {
		sst_fdtab_clear_entry(f);
		f->num = fd;
		return f;
	}
	if (tab->count >= p->max_per_proc || !(f = sst_fdtab_take(p))) {
		p->dropped++;
		return NULL;
	}
	f->num = fd;
	if (!sst_map_put(tab, (uint64_t)fd, f)) {
		sst_fdtab_give(p, f);
		p->dropped++;
		return NULL;
	}
	return f;
}

void sst_fdtab_del(sst_fdtab_pool *p, sst_map *tab, int64_t fd)
{
	sst_fd *f = sst_map_del(tab, (uint64_t)fd);
	if (f)
		sst_fdtab_give(p, f);
}

static bool sst_fdtab_copy_entry(sst_fd *dst, const sst_fd *src)
{
	sst_str name = dst->name, raw = dst->nameraw;
	*dst = *src;
	dst->name = name;
	dst->nameraw = raw;
	dst->next_free = NULL;
	return sst_str_set(&dst->name, src->name.p, src->name.len) &&
	       sst_str_set(&dst->nameraw, src->nameraw.p, src->nameraw.len);
}

sst_fd *sst_fdtab_dup(sst_fdtab_pool *p, sst_map *tab, int64_t oldfd, int64_t newfd, bool cloexec)
{
	const sst_fd *src = sst_fdtab_get(tab, oldfd);
	if (!src || oldfd == newfd)
		return NULL;
	sst_fd *dst = sst_fdtab_add(p, tab, newfd);
	if (!dst)
		return NULL;
	/* add() never moves src: map slots hold pointers, entries themselves stay put. */
	if (!sst_fdtab_copy_entry(dst, src)) {
		sst_fdtab_del(p, tab, newfd);
		return NULL;
	}
	dst->num = newfd;
	dst->flags = cloexec ? (dst->flags | PPM_O_CLOEXEC) : (dst->flags & ~PPM_O_CLOEXEC);
	return dst;
}

bool sst_fdtab_copy(sst_fdtab_pool *p, sst_map *dst, const sst_map *src)
{
	for (uint32_t i = 0; i < src->cap; i++) {
		const sst_fd *s = src->slots[i].val;
		if (!s)
			continue;
		sst_fd *d = sst_fdtab_add(p, dst, s->num);
		if (!d)
			return false;
		if (!sst_fdtab_copy_entry(d, s)) {
			sst_fdtab_del(p, dst, s->num);
			return false;
		}
	}
	return true;
}

void sst_fdtab_clear(sst_fdtab_pool *p, sst_map *tab, bool cloexec_only)
{
	if (!cloexec_only) {
		for (uint32_t i = 0; i < tab->cap; i++)
			if (tab->slots[i].val)
				sst_fdtab_give(p, tab->slots[i].val);
		sst_map_free(tab);
		return;
	}
	/* Deleting shifts later slots backwards, so re-examine the same index after a removal. */
	for (uint32_t i = 0; i < tab->cap;) {
		sst_fd *f = tab->slots[i].val;
		if (f && (f->flags & PPM_O_CLOEXEC)) {
			sst_fdtab_del(p, tab, f->num);
			continue;
		}
		i++;
	}
}

static const char *const sst_fdtab_names[SST_FD_TYPE_COUNT] = {
	[SST_FD_UNKNOWN] = "unknown",   [SST_FD_FILE] = "file",         [SST_FD_DIRECTORY] = "directory",
	[SST_FD_IPV4] = "ipv4",         [SST_FD_IPV6] = "ipv6",         [SST_FD_UNIX] = "unix",
	[SST_FD_PIPE] = "pipe",         [SST_FD_EVENT] = "event",       [SST_FD_SIGNALFD] = "signalfd",
	[SST_FD_EVENTPOLL] = "eventpoll", [SST_FD_INOTIFY] = "inotify", [SST_FD_TIMERFD] = "timerfd",
	[SST_FD_NETLINK] = "netlink",   [SST_FD_BPF] = "bpf",           [SST_FD_USERFAULTFD] = "userfaultfd",
	[SST_FD_IOURING] = "io_uring",  [SST_FD_MEMFD] = "memfd",       [SST_FD_PIDFD] = "pidfd",
};

static const char *const sst_fdtab_chars[SST_FD_TYPE_COUNT] = {
	[SST_FD_UNKNOWN] = "o",   [SST_FD_FILE] = "f",      [SST_FD_DIRECTORY] = "d", [SST_FD_IPV4] = "4",
	[SST_FD_IPV6] = "6",      [SST_FD_UNIX] = "u",      [SST_FD_PIPE] = "p",      [SST_FD_EVENT] = "e",
	[SST_FD_SIGNALFD] = "s",  [SST_FD_EVENTPOLL] = "l", [SST_FD_INOTIFY] = "i",   [SST_FD_TIMERFD] = "t",
	[SST_FD_NETLINK] = "n",   [SST_FD_BPF] = "b",       [SST_FD_USERFAULTFD] = "u", [SST_FD_IOURING] = "r",
	[SST_FD_MEMFD] = "m",     [SST_FD_PIDFD] = "P",
};

const char *sst_fdtab_type_name(uint8_t type)
{
	return type < SST_FD_TYPE_COUNT ? sst_fdtab_names[type] : sst_fdtab_names[0];
}

const char *sst_fdtab_typechar(uint8_t type)
{
	return type < SST_FD_TYPE_COUNT ? sst_fdtab_chars[type] : sst_fdtab_chars[0];
}

const char *sst_fdtab_l4_name(uint8_t l4)
{
	switch (l4) {
	case SST_L4_TCP: return "tcp";
	case SST_L4_UDP: return "udp";
	case SST_L4_ICMP: return "icmp";
	case SST_L4_RAW: return "raw";
	default: return NULL;
	}
}
