#include "sst_render.h"

#include <arpa/inet.h>
#include <string.h>

#include <vigil/scap_events.h>

/* Decimal digits of v at out; returns the count. (printf costs ~10x more on this path.) */
static size_t sst_render_uint(char *out, unsigned v)
{
	char tmp[12];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

size_t sst_render_addr(char *out, uint8_t family, const uint8_t *ip, uint16_t port, bool with_port)
{
	size_t n = 0;
	if (family == VG_SCAP_AF_INET6) {
		char ipbuf[INET6_ADDRSTRLEN];
		if (!inet_ntop(AF_INET6, ip, ipbuf, sizeof ipbuf))
			strcpy(ipbuf, "?");
		n = strlen(ipbuf);
		memcpy(out, ipbuf, n);
	} else {
		for (int i = 0; i < 4; i++) {
			if (i)
				out[n++] = '.';
			n += sst_render_uint(out + n, ip[i]);
		}
	}
	if (with_port) {
		out[n++] = ':';
		n += sst_render_uint(out + n, port);
	}
	out[n] = '\0';
	return n;
}

size_t sst_render_tuple(const sst_fd *f, char *out)
{
	if (!f->connected && f->role != SST_ROLE_CLIENT)
		return sst_render_addr(out, f->family, f->sip, f->sport, true);
	size_t n = sst_render_addr(out, f->family, f->cip, f->cport, true);
	memcpy(out + n, "->", 2);
	n += 2;
	return n + sst_render_addr(out + n, f->family, f->sip, f->sport, true);
}

bool sst_render_fd_tuple(sst_fd *f)
{
	char buf[SST_RENDER_TUPLE_MAX];
	size_t n = sst_render_tuple(f, buf);
	return sst_str_set(&f->name, buf, (uint32_t)n);
}

static const char *const sst_render_cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

size_t sst_render_caps(char *out, uint64_t mask)
{
	size_t n = 0;
	const size_t known = sizeof sst_render_cap_names / sizeof sst_render_cap_names[0];
	for (size_t bit = 0; bit < known; bit++) {
		if (!(mask & (1ull << bit)))
			continue;
		size_t k = strlen(sst_render_cap_names[bit]);
		if (n)
			out[n++] = ' ';
		memcpy(out + n, sst_render_cap_names[bit], k);
		n += k;
	}
	out[n] = '\0';
	return n;
}

/* Appends one component to the normalised path held in dst[0..*len). */
static void sst_render_push(char *dst, uint32_t *len, const char *c, uint32_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (*len > 1 && dst[*len - 1] != '/')
			(*len)--;
		if (*len > 1)
			(*len)--; /* drop the slash too, but keep the root */
		return;
	}
	if (*len > 1)
		dst[(*len)++] = '/';
	memcpy(dst + *len, c, n);
	*len += n;
}

static void sst_render_push_all(char *dst, uint32_t *len, const char *s, uint32_t n)
{
	uint32_t i = 0;
	while (i < n) {
		while (i < n && s[i] == '/')
			i++;
		uint32_t start = i;
		while (i < n && s[i] != '/')
			i++;
		sst_render_push(dst, len, s + start, i - start);
	}
}

bool sst_render_path(sst_str *dst, const char *base, uint32_t base_len, const char *path,
		     uint32_t path_len)
{
	bool absolute = path_len && path[0] == '/';
	uint32_t need = (absolute ? 0 : base_len) + path_len + 3;
	/* Grow once to the worst case (normalising never lengthens), then write in place. */
	if (!sst_str_reserve(dst, need))
		return false;
	char *out = dst->p;
	uint32_t len = 1;
	out[0] = '/';
	if (!absolute)
		sst_render_push_all(out, &len, base, base_len);
	sst_render_push_all(out, &len, path, path_len);
	out[len] = '\0';
	dst->len = len;
	return true;
}
