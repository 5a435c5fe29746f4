/* Per-state storage for extract_fields results: a chunked bump allocator so that values set
 * earlier in one call never move while later ones are added. */
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin_sdk.h>

struct vsdk_chunk {
	struct vsdk_chunk *next;
	size_t cap, used;
	_Alignas(8) unsigned char data[];
};

enum { VSDK_CHUNK_MIN = 4096 };

void vsdk_values_init(vsdk_values *v)
{
	v->head = NULL;
	v->used = 0;
}

void vsdk_values_free(vsdk_values *v)
{
	while (v->head) {
		struct vsdk_chunk *next = v->head->next;
		free(v->head);
		v->head = next;
	}
	v->used = 0;
}

void vsdk_values_reset(vsdk_values *v)
{
	if (!v->head)
		return;
	if (v->head->next) {
		/* Several chunks were needed: replace them by one big enough for the whole call so
		 * the next calls of the same size stay in one chunk without allocating. */
		size_t want = v->used;
		vsdk_values_free(v);
		struct vsdk_chunk *c = malloc(sizeof(*c) + want);
		if (c) {
			c->next = NULL;
			c->cap = want;
			v->head = c;
		}
	}
	if (v->head)
		v->head->used = 0;
	v->used = 0;
}

void *vsdk_values_alloc(vsdk_values *v, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	struct vsdk_chunk *c = v->head;
	if (!c || c->cap - c->used < size) {
		size_t cap = VSDK_CHUNK_MIN;
		if (c && c->cap * 2 > cap)
			cap = c->cap * 2;
		if (cap < size)
			cap = size;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = v->head;
		v->head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	v->used += size;
	return p;
}

static bool vsdk_none(ss_plugin_extract_field *f)
{
	f->res_len = 0;
	return false;
}

bool vsdk_set_u64_list(vsdk_values *v, ss_plugin_extract_field *f, const uint64_t *xs, uint32_t n)
{
	uint64_t *p = vsdk_values_alloc(v, (n ? n : 1) * sizeof(*p));
	if (!p)
		return vsdk_none(f);
	if (n)
		memcpy(p, xs, n * sizeof(*p));
	f->res.u64 = p;
	f->res_len = n;
	return true;
}

bool vsdk_set_u64(vsdk_values *v, ss_plugin_extract_field *f, uint64_t x)
{
	return vsdk_set_u64_list(v, f, &x, 1);
}

bool vsdk_set_bool(vsdk_values *v, ss_plugin_extract_field *f, bool x)
{
	ss_plugin_bool *p = vsdk_values_alloc(v, sizeof(*p));
	if (!p)
		return vsdk_none(f);
	*p = x ? 1 : 0;
	f->res.boolean = p;
	f->res_len = 1;
	return true;
}

static const char *vsdk_copy_str(vsdk_values *v, const char *s, size_t n)
{
	char *p = vsdk_values_alloc(v, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

bool vsdk_set_strn(vsdk_values *v, ss_plugin_extract_field *f, const char *s, size_t n)
{
	const char **slot = vsdk_values_alloc(v, sizeof(*slot));
	if (!slot || !(*slot = vsdk_copy_str(v, s, n)))
		return vsdk_none(f);
	f->res.str = slot;
	f->res_len = 1;
	return true;
}

bool vsdk_set_str(vsdk_values *v, ss_plugin_extract_field *f, const char *s)
{
	return vsdk_set_strn(v, f, s, strlen(s));
}

bool vsdk_set_str_list(vsdk_values *v, ss_plugin_extract_field *f, const char *const *ss, uint32_t n)
{
	const char **slots = vsdk_values_alloc(v, (n ? n : 1) * sizeof(*slots));
	if (!slots)
		return vsdk_none(f);
	for (uint32_t i = 0; i < n; i++)
		if (!(slots[i] = vsdk_copy_str(v, ss[i], strlen(ss[i]))))
			return vsdk_none(f);
	f->res.str = slots;
	f->res_len = n;
	return true;
}

bool vsdk_set_buf(vsdk_values *v, ss_plugin_extract_field *f, const void *p, uint32_t n)
{
	ss_plugin_byte_buffer *b = vsdk_values_alloc(v, sizeof(*b));
	void *copy = vsdk_values_alloc(v, n ? n : 1);
	if (!b || !copy)
		return vsdk_none(f);
	memcpy(copy, p, n);
	b->len = n;
	b->ptr = copy;
	f->res.buf = b;
	f->res_len = 1;
	return true;
}
