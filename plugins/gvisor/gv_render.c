#include "gv_render.h"

#include <string.h>

#include <vigil/scap_events.h>
#include <vigil/scap_flags.h>

#include "gv_text.h"

/* Bytes of a buffer parameter shown before "...": enough for a command line. */
#define GV_RENDER_BUF_MAX 256u

/* Printable rendering of bytes: NUL separators as spaces, other control bytes as '.'. */
static void gv_put_bytes(gv_text *t, const uint8_t *p, uint32_t len)
{
	uint32_t n = len > GV_RENDER_BUF_MAX ? GV_RENDER_BUF_MAX : len;
	while (n && p[n - 1] == '\0')
		n--;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		gv_text_put(t, "%c", c == '\0' ? ' ' : (c < 0x20 || c == 0x7f) ? '.' : (char)c);
	}
	if (len > GV_RENDER_BUF_MAX)
		gv_text_put(t, "...");
}

static void gv_put_inet(gv_text *t, const uint8_t *a, const uint8_t *port)
{
	uint16_t p;
	memcpy(&p, port, 2);
	gv_text_put(t, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], p);
}

static void gv_put_addr(gv_text *t, const vg_scap_param *v, bool tuple)
{
	const uint8_t *p = v->ptr;
	if (v->len == 0) {
		gv_text_put(t, "<NA>");
		return;
	}
	if (p[0] == VG_SCAP_AF_INET && v->len >= (tuple ? 13u : 7u)) {
		gv_put_inet(t, p + 1, p + 5);
		if (tuple) {
			gv_text_put(t, "->");
			gv_put_inet(t, p + 7, p + 11);
		}
	} else if (p[0] == VG_SCAP_AF_UNIX && v->len > (tuple ? 17u : 1u)) {
		gv_put_bytes(t, p + (tuple ? 17 : 1), v->len - (tuple ? 17 : 1));
	} else {
		gv_text_put(t, "family=%u len=%u", p[0], v->len);
	}
}

static void gv_put_number(gv_text *t, const vg_scap_param_info *pi, const vg_scap_param *v)
{
	int64_t s;
	uint64_t u;
	switch (pi->type) {
	case PT_INT8: case PT_INT16: case PT_INT32: case PT_INT64: case PT_ERRNO: case PT_FD:
	case PT_PID:
		if (vg_scap_param_int(v, &s))
			gv_text_put(t, "%lld", (long long)s);
		return;
	default:
		break;
	}
	if (!vg_scap_param_uint(v, &u))
		return;
	if (pi->names && (pi->type == PT_FLAGS8 || pi->type == PT_FLAGS16 || pi->type == PT_FLAGS32 ||
	                  pi->type == PT_MODE)) {
		char names[256];
		size_t n = vg_scap_flags_format(pi->names, (uint32_t)u, names, sizeof(names));
		if (n < sizeof(names)) {
			gv_text_put(t, "%s", names);
			return;
		}
	}
	if (pi->fmt == PF_HEX)
		gv_text_put(t, "0x%llx", (unsigned long long)u);
	else if (pi->fmt == PF_OCT)
		gv_text_put(t, "0%llo", (unsigned long long)u);
	else
		gv_text_put(t, "%llu", (unsigned long long)u);
}

size_t gv_render_event(const uint8_t *evt, char *buf, size_t cap)
{
	gv_text t = {buf, cap, 0};
	if (cap)
		buf[0] = '\0';
	vg_scap_evt h;
	memcpy(&h, evt, sizeof(h));
	const vg_scap_event_info *info = vg_scap_event_info_get(h.type);
	if (!vg_scap_event_valid(evt, h.len) || !info) {
		gv_text_put(&t, "<malformed event>");
		return t.len;
	}
	gv_text_put(&t, "%s %s", info->name, PPME_IS_ENTER(h.type) ? ">" : "<");
	for (uint32_t i = 0; i < info->nparams && i < h.nparams; i++) {
		const vg_scap_param_info *pi = &info->params[i];
		vg_scap_param v;
		if (!vg_scap_event_param(evt, i, &v))
			break;
		gv_text_put(&t, " %s=", pi->name);
		switch (pi->type) {
		case PT_CHARBUF: case PT_FSPATH: case PT_FSRELPATH: case PT_BYTEBUF:
			gv_put_bytes(&t, v.ptr, v.len);
			break;
		case PT_SOCKADDR:
			gv_put_addr(&t, &v, false);
			break;
		case PT_SOCKTUPLE:
			gv_put_addr(&t, &v, true);
			break;
		default:
			gv_put_number(&t, pi, &v);
			break;
		}
	}
	return t.len;
}
