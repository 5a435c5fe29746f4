#include "gv_event.h"

#include <stdatomic.h>
#include <string.h>

static _Atomic uint64_t gv_bad_names;

uint64_t gv_event_bad_names(void)
{
	return atomic_load(&gv_bad_names);
}

/* Bytes of a fixed-size parameter type, 0 for variable-size ones. */
static uint32_t gv_event_width(uint8_t type)
{
	switch (type) {
	case PT_INT8: case PT_UINT8: case PT_FLAGS8: case PT_ENUMFLAGS8: case PT_SIGTYPE:
	case PT_L4PROTO: case PT_SOCKFAMILY:
		return 1;
	case PT_INT16: case PT_UINT16: case PT_FLAGS16: case PT_ENUMFLAGS16: case PT_PORT:
	case PT_SYSCALLID:
		return 2;
	case PT_INT32: case PT_UINT32: case PT_FLAGS32: case PT_ENUMFLAGS32: case PT_UID: case PT_GID:
	case PT_MODE: case PT_BOOL: case PT_IPV4ADDR: case PT_SIGSET:
		return 4;
	case PT_INT64: case PT_UINT64: case PT_ERRNO: case PT_FD: case PT_PID: case PT_RELTIME:
	case PT_ABSTIME: case PT_DOUBLE:
		return 8;
	default:
		return 0;
	}
}

bool gv_event_begin(gv_event *e, gv_event_cache *cache, uint16_t type, uint64_t ts, uint64_t tid)
{
	e->info = vg_scap_event_info_get(type);
	e->cache = cache;
	e->type = type;
	e->ts = ts;
	e->tid = tid;
	if (!e->info || e->info->nparams > VG_SCAP_MAX_PARAMS)
		return false;
	for (uint32_t i = 0; i < e->info->nparams; i++)
		e->v[i].set = false;
	return true;
}

static int gv_event_find(const vg_scap_event_info *info, const char *name)
{
	for (uint32_t i = 0; i < info->nparams; i++)
		if (strcmp(info->params[i].name, name) == 0)
			return (int)i;
	return -1;
}

static gv_event_val *gv_event_slot(gv_event *e, const char *name)
{
	if (!e->info)
		return NULL;
	int idx;
	if (e->cache) {
		uintptr_t h = ((uintptr_t)e->info >> 4) ^ ((uintptr_t)name * 0x9E3779B1u);
		gv_event_cache_slot *c = &e->cache->slot[(h >> 4) % GV_EVENT_CACHE_SLOTS];
		if (c->info != e->info || c->name != name) {
			c->info = e->info;
			c->name = name;
			c->idx = gv_event_find(e->info, name);
		}
		idx = c->idx;
	} else {
		idx = gv_event_find(e->info, name);
	}
	if (idx < 0) {
		atomic_fetch_add(&gv_bad_names, 1);
		return NULL;
	}
	return &e->v[idx];
}

void gv_event_int(gv_event *e, const char *name, int64_t v)
{
	gv_event_val *s = gv_event_slot(e, name);
	if (s) {
		s->set = true;
		s->num = (uint64_t)v;
		s->ptr = NULL;
		s->len = 0;
	}
}

void gv_event_res(gv_event *e, int64_t v)
{
	if (e->info && e->info->nparams > 0) {
		e->v[0].set = true;
		e->v[0].num = (uint64_t)v;
		e->v[0].ptr = NULL;
		e->v[0].len = 0;
	}
}

void gv_event_bytes(gv_event *e, const char *name, const void *p, uint32_t len)
{
	gv_event_val *s = gv_event_slot(e, name);
	if (s) {
		s->set = true;
		s->ptr = p;
		s->len = p ? len : 0;
		s->num = 0;
	}
}

void gv_event_str(gv_event *e, const char *name, const char *s)
{
	if (s)
		gv_event_bytes(e, name, s, (uint32_t)strlen(s) + 1);
	else
		gv_event_bytes(e, name, NULL, 0);
}

/* Writes an integer in the low `width` bytes (host order, as the drivers do). */
static void gv_event_put_num(vg_scap_builder *b, uint64_t v, uint32_t width)
{
	switch (width) {
	case 1: vg_scap_put_u8(b, (uint8_t)v); break;
	case 2: vg_scap_put_u16(b, (uint16_t)v); break;
	case 4: vg_scap_put_u32(b, (uint32_t)v); break;
	default: vg_scap_put_u64(b, v); break;
	}
}

bool gv_event_end(gv_event *e, gv_evbuf *out)
{
	if (!e->info)
		return false;
	uint32_t n = e->info->nparams;
	bool large = (e->info->flags & EF_LARGE_PAYLOAD) != 0;
	size_t size = VG_SCAP_HEADER_LEN + (size_t)n * (large ? 4 : 2);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w = gv_event_width(e->info->params[i].type);
		size += w ? w : (e->v[i].set ? e->v[i].len : 0);
	}
	if (size > UINT32_MAX)
		return false;
	uint8_t *dst = gv_evbuf_reserve(out, size);
	if (!dst)
		return false;
	vg_scap_builder b;
	vg_scap_builder_begin_raw(&b, dst, (uint32_t)size, e->type, n, large, e->ts, e->tid);
	for (uint32_t i = 0; i < n; i++) {
		const gv_event_val *v = &e->v[i];
		uint8_t type = e->info->params[i].type;
		uint32_t w = gv_event_width(type);
		if (w)
			gv_event_put_num(&b, v->set ? v->num : (type == PT_FD ? UINT64_MAX : 0), w);
		else if (v->set && v->len)
			vg_scap_put(&b, v->ptr, v->len);
		else
			vg_scap_put_empty(&b);
	}
	uint32_t len = vg_scap_builder_finish(&b);
	return len && gv_evbuf_commit(out, len);
}
