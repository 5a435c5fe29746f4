#include "gv_flags.h"

#include <fcntl.h>
#include <stdbool.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <vigil/scap_events.h>
#include <vigil/scap_flags.h>

uint32_t gv_flags_open(uint32_t f)
{
	uint32_t r = 0;
	switch (f & O_ACCMODE) {
	case O_RDONLY: r |= PPM_O_RDONLY; break;
	case O_WRONLY: r |= PPM_O_WRONLY; break;
	case O_RDWR: r |= PPM_O_RDWR; break;
	default: break;
	}
	static const struct { uint32_t k, p; } bits[] = {
		{O_CREAT, PPM_O_CREAT},         {O_APPEND, PPM_O_APPEND},
		{O_DSYNC, PPM_O_DSYNC},         {O_EXCL, PPM_O_EXCL},
		{O_NONBLOCK, PPM_O_NONBLOCK},   {O_TRUNC, PPM_O_TRUNC},
		{O_DIRECT, PPM_O_DIRECT},       {O_DIRECTORY, PPM_O_DIRECTORY},
		{O_LARGEFILE, PPM_O_LARGEFILE}, {O_CLOEXEC, PPM_O_CLOEXEC},
	};
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (f & bits[i].k)
			r |= bits[i].p;
	/* O_SYNC and O_TMPFILE are multi-bit: they include O_DSYNC / O_DIRECTORY. */
	if ((f & O_SYNC) == O_SYNC)
		r |= PPM_O_SYNC;
	if ((f & O_TMPFILE) == O_TMPFILE)
		r |= PPM_O_TMPFILE;
	return r;
}

uint32_t gv_flags_fd(uint32_t f)
{
	return gv_flags_open(f & ~(uint32_t)O_ACCMODE) & ~(uint32_t)PPM_O_RDWR;
}

uint32_t gv_flags_clone(uint64_t f)
{
	static const struct { uint64_t k; uint32_t p; } bits[] = {
		{CLONE_FILES, PPM_CL_CLONE_FILES},
		{CLONE_FS, PPM_CL_CLONE_FS},
		{CLONE_IO, PPM_CL_CLONE_IO},
		{CLONE_NEWIPC, PPM_CL_CLONE_NEWIPC},
		{CLONE_NEWNET, PPM_CL_CLONE_NEWNET},
		{CLONE_NEWNS, PPM_CL_CLONE_NEWNS},
		{CLONE_NEWPID, PPM_CL_CLONE_NEWPID},
		{CLONE_NEWUTS, PPM_CL_CLONE_NEWUTS},
		{CLONE_PARENT, PPM_CL_CLONE_PARENT},
		{CLONE_PARENT_SETTID, PPM_CL_CLONE_PARENT_SETTID},
		{CLONE_PTRACE, PPM_CL_CLONE_PTRACE},
		{CLONE_SIGHAND, PPM_CL_CLONE_SIGHAND},
		{CLONE_SYSVSEM, PPM_CL_CLONE_SYSVSEM},
		{CLONE_THREAD, PPM_CL_CLONE_THREAD},
		{CLONE_UNTRACED, PPM_CL_CLONE_UNTRACED},
		{CLONE_VM, PPM_CL_CLONE_VM},
		{CLONE_NEWUSER, PPM_CL_CLONE_NEWUSER},
		{CLONE_CHILD_CLEARTID, PPM_CL_CLONE_CHILD_CLEARTID},
		{CLONE_CHILD_SETTID, PPM_CL_CLONE_CHILD_SETTID},
		{CLONE_SETTLS, PPM_CL_CLONE_SETTLS},
		{CLONE_VFORK, PPM_CL_CLONE_VFORK},
		{CLONE_NEWCGROUP, PPM_CL_CLONE_NEWCGROUP},
	};
	uint32_t r = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (f & bits[i].k)
			r |= bits[i].p;
	return r;
}

uint8_t gv_flags_fcntl_cmd(int32_t cmd)
{
	/* libscap PPM_FCNTL_* numbering (ppm_events_public.h), 64-bit build. */
	switch (cmd) {
	case F_DUPFD: return 1;
	case F_GETFD: return 2;
	case F_SETFD: return 3;
	case F_GETFL: return 4;
	case F_SETFL: return 5;
	case F_GETLK: return 6;
	case F_SETLK: return 8;
	case F_SETLKW: return 9;
	case F_SETOWN: return 10;
	case F_GETOWN: return 12;
	case F_SETSIG: return 13;
	case F_GETSIG: return 15;
	case F_SETOWN_EX: return 21;
	case F_GETOWN_EX: return 22;
	case F_SETLEASE: return 23;
	case F_GETLEASE: return 24;
	case 1029 /* F_CANCELLK */: return 25;
	case F_DUPFD_CLOEXEC: return 26;
	case F_NOTIFY: return 27;
	case F_SETPIPE_SZ: return 28;
	case F_GETPIPE_SZ: return 29;
	case F_OFD_GETLK: return 30;
	case F_OFD_SETLK: return 31;
	case F_OFD_SETLKW: return 32;
	default: return 0;
	}
}

static uint16_t gv_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* sun_path up to its first NUL (or the end of the address); abstract sockets (leading NUL)
 * are shown with '@' as Linux tools do. Writes path + NUL, returns bytes written. */
static uint32_t gv_unix_path(const uint8_t *sa, size_t len, uint8_t *out)
{
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t n = len > off ? len - off : 0;
	if (n > sizeof(((struct sockaddr_un *)0)->sun_path))
		n = sizeof(((struct sockaddr_un *)0)->sun_path);
	const uint8_t *p = sa + off;
	uint32_t w = 0;
	size_t i = 0;
	if (n > 0 && p[0] == '\0') {
		out[w++] = '@';
		i = 1;
	}
	for (; i < n && p[i]; i++)
		out[w++] = p[i];
	out[w++] = '\0';
	return w;
}

/* The parts of a raw sockaddr that libscap encodes. */
typedef struct gv_sa {
	uint8_t family;      /* VG_SCAP_AF_* */
	const uint8_t *addr; /* 4 or 16 bytes (INET/INET6), borrowed */
	uint32_t addr_len;
	uint16_t port;       /* host order */
} gv_sa;

/* Parses AF_INET/AF_INET6 addresses; AF_UNIX sets only the family. False for anything else. */
static bool gv_sa_parse(const uint8_t *sa, size_t len, gv_sa *out)
{
	if (len < 2)
		return false;
	uint16_t fam = (uint16_t)(sa[0] | sa[1] << 8);
	if (fam == AF_INET && len >= 8) {
		*out = (gv_sa){VG_SCAP_AF_INET, sa + 4, 4, gv_be16(sa + 2)};
		return true;
	}
	if (fam == AF_INET6 && len >= 24) {
		*out = (gv_sa){VG_SCAP_AF_INET6, sa + 8, 16, gv_be16(sa + 2)};
		return true;
	}
	if (fam == AF_UNIX) {
		*out = (gv_sa){VG_SCAP_AF_UNIX, NULL, 0, 0};
		return true;
	}
	return false;
}

/* address + port as PT_SOCKADDR/PT_SOCKTUPLE write them; returns bytes written. */
static uint32_t gv_put_endpoint(uint8_t *out, const uint8_t *addr, uint32_t addr_len, uint16_t port)
{
	if (addr)
		memcpy(out, addr, addr_len);
	else
		memset(out, 0, addr_len);
	memcpy(out + addr_len, &port, 2);
	return addr_len + 2;
}

uint32_t gv_flags_sockaddr(const uint8_t *sa, size_t len, uint8_t *out)
{
	gv_sa p;
	if (!gv_sa_parse(sa, len, &p))
		return 0;
	out[0] = p.family;
	if (p.family == VG_SCAP_AF_UNIX)
		return 1 + gv_unix_path(sa, len, out + 1);
	return 1 + gv_put_endpoint(out + 1, p.addr, p.addr_len, p.port);
}

uint32_t gv_flags_socktuple(const uint8_t *sa, size_t len, uint8_t *out)
{
	gv_sa p;
	if (!gv_sa_parse(sa, len, &p))
		return 0;
	out[0] = p.family;
	if (p.family == VG_SCAP_AF_UNIX) {
		memset(out + 1, 0, 16); /* socket identities: not reported by gVisor */
		return 17 + gv_unix_path(sa, len, out + 17);
	}
	/* The local side is unknown (gVisor reports only the address argument): zeros. */
	uint32_t n = 1 + gv_put_endpoint(out + 1, NULL, p.addr_len, 0);
	return n + gv_put_endpoint(out + n, p.addr, p.addr_len, p.port);
}
