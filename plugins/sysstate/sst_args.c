#include "sst_args.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <vigil/scap_flags.h>

#include "sst_render.h"

int sst_args_find(const sst_state *st, const char *name)
{
	if (!st->ctx.valid)
		return -1;
	int i = vg_scap_event_param_index(st->ctx.info, name);
	return i >= 0 && (uint32_t)i < st->ctx.nparams ? i : -1;
}

static bool sst_args_is_signed(uint8_t type)
{
	switch (type) {
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64: case PT_ERRNO: case PT_FD:
	case PT_PID: case PT_RELTIME:
		return true;
	default:
		return false;
	}
}

static bool sst_args_is_text(uint8_t type)
{
	switch (type) {
	case PT_CHARBUF: case PT_FSPATH: case PT_FSRELPATH: case PT_BYTEBUF: case PT_SOCKADDR:
	case PT_SOCKTUPLE: case PT_FDLIST: case PT_CHARBUFARRAY: case PT_CHARBUF_PAIR_ARRAY:
	case PT_DYN: case PT_SIGSET:
		return true;
	default:
		return false;
	}
}

bool sst_args_raw(const sst_state *st, int i, int64_t *out)
{
	if (i < 0 || (uint32_t)i >= st->ctx.nparams)
		return false;
	const vg_scap_param_info *pi = &st->ctx.info->params[i];
	const vg_scap_param *p = &st->ctx.params[i];
	if (sst_args_is_text(pi->type))
		return false;
	if (sst_args_is_signed(pi->type))
		return vg_scap_param_int(p, out);
	uint64_t u;
	if (!vg_scap_param_uint(p, &u))
		return false;
	*out = (int64_t)u;
	return true;
}

static bool sst_args_set_cstr(sst_str *out, const char *s)
{
	return sst_str_set(out, s, (uint32_t)strlen(s));
}

/* Bytes with NULs shown as spaces (args, env) and other non-printables as '.', as libsinsp's
 * normal buffer format does. */
static bool sst_args_bytes(sst_str *out, const uint8_t *b, uint32_t n)
{
	while (n && b[n - 1] == '\0')
		n--;
	if (!sst_str_reserve(out, n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = b[i];
		out->p[i] = c == '\0' ? ' ' : (c >= 0x20 && c < 0x7f) ? (char)c : '.';
	}
	out->p[n] = '\0';
	out->len = n;
	return true;
}

static bool sst_args_sockaddr(sst_str *out, const vg_scap_param *p, bool tuple)
{
	uint8_t fam = p->ptr[0];
	const uint8_t *b = p->ptr + 1;
	uint32_t n = p->len - 1;
	char buf[2 * SST_RENDER_ADDR_MAX + 64];
	size_t len = 0;
	if (fam == VG_SCAP_AF_INET || fam == VG_SCAP_AF_INET6) {
		uint32_t alen = fam == VG_SCAP_AF_INET ? 4 : 16;
		uint16_t port;
		if (n < (tuple ? 2 * (alen + 2) : alen + 2))
			return false;
		memcpy(&port, b + alen, 2);
		len = sst_render_addr(buf, fam, b, port, true);
		if (tuple) {
			memcpy(&port, b + 2 * alen + 2, 2);
			memcpy(buf + len, "->", 2);
			len += 2;
			len += sst_render_addr(buf + len, fam, b + alen + 2, port, true);
		}
		return sst_str_set(out, buf, (uint32_t)len);
	}
	if (fam == VG_SCAP_AF_UNIX) {
		uint32_t skip = tuple ? 16 : 0;
		if (n < skip)
			return false;
		const char *path = (const char *)b + skip;
		uint32_t plen = (uint32_t)strnlen(path, n - skip);
		if (tuple) {
			uint64_t src, dst;
			memcpy(&src, b, 8);
			memcpy(&dst, b + 8, 8);
			len = (size_t)snprintf(buf, sizeof buf, "%" PRIx64 "->%" PRIx64 " ", src, dst);
		}
		if (!sst_str_reserve(out, (uint32_t)len + plen))
			return false;
		memcpy(out->p, buf, len);
		memcpy(out->p + len, path, plen);
		out->len = (uint32_t)len + plen;
		out->p[out->len] = '\0';
		return true;
	}
	return false;
}

static bool sst_args_number(sst_str *out, const vg_scap_param_info *pi, const vg_scap_param *p)
{
	char buf[64];
	int n;
	if (sst_args_is_signed(pi->type)) {
		int64_t v;
		if (!vg_scap_param_int(p, &v))
			return false;
		n = snprintf(buf, sizeof buf, "%" PRId64, v);
	} else {
		uint64_t v;
		if (!vg_scap_param_uint(p, &v))
			return false;
		n = pi->fmt == PF_HEX ? snprintf(buf, sizeof buf, "0x%" PRIx64, v)
		    : pi->fmt == PF_OCT ? snprintf(buf, sizeof buf, "0%" PRIo64, v)
					: snprintf(buf, sizeof buf, "%" PRIu64, v);
	}
	return n > 0 && sst_str_set(out, buf, (uint32_t)n);
}

static bool sst_args_flags(sst_str *out, const vg_scap_param_info *pi, const vg_scap_param *p)
{
	uint64_t v;
	if (!vg_scap_param_uint(p, &v))
		return false;
	bool is_enum = pi->type == PT_ENUMFLAGS8 || pi->type == PT_ENUMFLAGS16 || pi->type == PT_ENUMFLAGS32;
	if (is_enum) {
		const char *name = vg_scap_enum_name(pi->names, (uint32_t)v);
		return name ? sst_args_set_cstr(out, name) : sst_args_number(out, pi, p);
	}
	size_t need = vg_scap_flags_format(pi->names, (uint32_t)v, out->p, out->cap);
	if (need >= out->cap) {
		if (!sst_str_reserve(out, (uint32_t)need))
			return false;
		vg_scap_flags_format(pi->names, (uint32_t)v, out->p, out->cap);
	}
	out->len = (uint32_t)need;
	/* A zero value without a name for zero renders as nothing in the table: show the number. */
	return need ? true : sst_args_number(out, pi, p);
}

static const char *sst_args_signal(uint64_t sig)
{
	static const char *const names[] = {
		NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
		"SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
		"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
		"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
	};
	return sig < sizeof names / sizeof names[0] ? names[sig] : NULL;
}

bool sst_args_render(sst_state *st, int i, sst_str *out)
{
	if (i < 0 || (uint32_t)i >= st->ctx.nparams)
		return false;
	const vg_scap_param_info *pi = &st->ctx.info->params[i];
	const vg_scap_param *p = &st->ctx.params[i];
	if (p->len == 0)
		return false;
	int64_t v;
	uint64_t u;
	switch (pi->type) {
	case PT_ERRNO:
		if (vg_scap_param_int(p, &v) && v < 0 && vg_scap_errno_name(v))
			return sst_args_set_cstr(out, vg_scap_errno_name(v));
		return sst_args_number(out, pi, p);
	case PT_FSPATH: case PT_FSRELPATH: {
		const char *full = sst_state_resolve_path(st, st->ctx.th ? st->ctx.th->proc : NULL, i);
		return full && sst_str_set(out, full, st->tmp.len);
	}
	case PT_CHARBUF:
		return sst_str_set(out, (const char *)p->ptr, (uint32_t)strnlen((const char *)p->ptr, p->len));
	case PT_BYTEBUF:
		return sst_args_bytes(out, p->ptr, p->len);
	case PT_SOCKADDR: case PT_SOCKTUPLE:
		return sst_args_sockaddr(out, p, pi->type == PT_SOCKTUPLE);
	case PT_FLAGS8: case PT_FLAGS16: case PT_FLAGS32: case PT_ENUMFLAGS8: case PT_ENUMFLAGS16:
	case PT_ENUMFLAGS32: case PT_MODE:
		return pi->names ? sst_args_flags(out, pi, p) : sst_args_number(out, pi, p);
	case PT_SIGTYPE:
		if (vg_scap_param_uint(p, &u) && sst_args_signal(u))
			return sst_args_set_cstr(out, sst_args_signal(u));
		return sst_args_number(out, pi, p);
	case PT_DYN:
		/* one selector byte, then the value (ptrace addr/data) */
		if (p->len == 9) {
			memcpy(&u, p->ptr + 1, 8);
			char buf[32];
			int n = snprintf(buf, sizeof buf, "0x%" PRIx64, u);
			return sst_str_set(out, buf, (uint32_t)n);
		}
		return sst_args_bytes(out, p->ptr, p->len);
	default:
		return sst_args_is_text(pi->type) ? sst_args_bytes(out, p->ptr, p->len)
						  : sst_args_number(out, pi, p);
	}
}

bool sst_args_render_all(sst_state *st, sst_str *out)
{
	sst_str *one = &st->argbuf;
	bool ok = sst_str_set(out, "", 0);
	for (uint32_t i = 0; ok && i < st->ctx.nparams; i++) {
		const char *name = st->ctx.info->params[i].name;
		uint32_t nlen = (uint32_t)strlen(name);
		if (!sst_args_render(st, (int)i, one))
			sst_str_set(one, "", 0);
		uint32_t need = out->len + (out->len ? 1 : 0) + nlen + 1 + one->len;
		if (!(ok = sst_str_reserve(out, need)))
			break;
		if (out->len)
			out->p[out->len++] = ' ';
		memcpy(out->p + out->len, name, nlen);
		out->len += nlen;
		out->p[out->len++] = '=';
		if (one->len)
			memcpy(out->p + out->len, one->p, one->len);
		out->len += one->len;
		out->p[out->len] = '\0';
	}
	return ok;
}
