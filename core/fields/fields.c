#include "fields/fields.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/* Open-addressing hash from name to index in the insertion-ordered array. Registries are built
 * once at startup and then only read, concurrently, by the source's thread. */
struct vg_fields {
	char *source;
	vg_arena *arena;       /* names, descriptions */
	vg_field_info **items; /* insertion order */
	uint32_t n, cap;
	int32_t *slots;        /* hash table of indexes, -1 = empty */
	uint32_t nslots;       /* power of two */
};

static const struct {
	vg_ftype type;
	const char *name;
} type_names[] = {
	{ VG_FT_INT64, "int64" },   { VG_FT_UINT64, "uint64" },   { VG_FT_STRING, "string" },
	{ VG_FT_BYTEBUF, "bytebuf" }, { VG_FT_RELTIME, "reltime" }, { VG_FT_ABSTIME, "abstime" },
	{ VG_FT_PORT, "port" },     { VG_FT_BOOL, "bool" },       { VG_FT_IPADDR, "ipaddr" },
	{ VG_FT_IPNET, "ipnet" },
};

const char *vg_ftype_name(vg_ftype t)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == t)
			return type_names[i].name;
	return "none";
}

bool vg_ftype_parse(const char *name, vg_ftype *out)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (strcmp(type_names[i].name, name) == 0) {
			*out = type_names[i].type;
			return true;
		}
	}
	return false;
}

static uint32_t hash_name(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

vg_fields *vg_fields_new(const char *source)
{
	vg_fields *reg = calloc(1, sizeof(*reg));
	if (!reg)
		return NULL;
	reg->arena = vg_arena_new(16 * 1024);
	reg->source = strdup(source ? source : "");
	reg->nslots = 256;
	reg->slots = malloc(sizeof(int32_t) * reg->nslots);
	if (!reg->arena || !reg->source || !reg->slots) {
		vg_fields_free(reg);
		return NULL;
	}
	memset(reg->slots, 0xff, sizeof(int32_t) * reg->nslots);
	return reg;
}

void vg_fields_free(vg_fields *reg)
{
	if (!reg)
		return;
	vg_arena_free(reg->arena);
	free(reg->items);
	free(reg->slots);
	free(reg->source);
	free(reg);
}

const char *vg_fields_source(const vg_fields *reg)
{
	return reg->source;
}

static int32_t find_index(const vg_fields *reg, const char *name, size_t n)
{
	uint32_t mask = reg->nslots - 1;
	for (uint32_t i = hash_name(name, n) & mask;; i = (i + 1) & mask) {
		int32_t idx = reg->slots[i];
		if (idx < 0)
			return -1;
		const char *cand = reg->items[idx]->name;
		if (strncmp(cand, name, n) == 0 && cand[n] == '\0')
			return idx;
	}
}

static void insert_slot(vg_fields *reg, uint32_t idx)
{
	const char *name = reg->items[idx]->name;
	uint32_t mask = reg->nslots - 1;
	uint32_t i = hash_name(name, strlen(name)) & mask;
	while (reg->slots[i] >= 0)
		i = (i + 1) & mask;
	reg->slots[i] = (int32_t)idx;
}

static bool grow(vg_fields *reg)
{
	if (reg->n + 1 > reg->cap) {
		uint32_t cap = reg->cap ? reg->cap * 2 : 64;
		vg_field_info **items = realloc(reg->items, sizeof(*items) * cap);
		if (!items)
			return false;
		reg->items = items;
		reg->cap = cap;
	}
	if ((reg->n + 1) * 2 > reg->nslots) { /* keep load factor <= 1/2 */
		uint32_t nslots = reg->nslots * 2;
		int32_t *slots = malloc(sizeof(int32_t) * nslots);
		if (!slots)
			return false;
		free(reg->slots);
		reg->slots = slots;
		reg->nslots = nslots;
		memset(slots, 0xff, sizeof(int32_t) * nslots);
		for (uint32_t i = 0; i < reg->n; i++)
			insert_slot(reg, i);
	}
	return true;
}

vg_rc vg_fields_add(vg_fields *reg, const vg_field_info *f, const vg_extractor *ext, vg_err *err)
{
	if (!f->name || !f->name[0])
		return vg_err_set(err, VG_ERR_INVALID, "field with an empty name");
	const vg_field_info *prev = vg_fields_find(reg, f->name);
	if (prev)
		return vg_err_set(err, VG_ERR_EXISTS, "field '%s' of '%s' clashes with the same field of '%s' on source '%s'",
				  f->name, ext && ext->name ? ext->name : "?",
				  prev->ext && prev->ext->name ? prev->ext->name : "?", reg->source);
	if (!grow(reg))
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory registering field '%s'", f->name);
	vg_field_info *copy = vg_arena_alloc(reg->arena, sizeof(*copy));
	if (!copy)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory registering field '%s'", f->name);
	*copy = *f;
	copy->name = vg_arena_strdup(reg->arena, f->name);
	copy->desc = vg_arena_strdup(reg->arena, f->desc ? f->desc : "");
	copy->display = f->display ? vg_arena_strdup(reg->arena, f->display) : NULL;
	copy->ext = ext;
	if (!copy->name || !copy->desc)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory registering field '%s'", f->name);
	reg->items[reg->n] = copy;
	insert_slot(reg, reg->n);
	reg->n++;
	return VG_OK;
}

const vg_field_info *vg_fields_find(const vg_fields *reg, const char *name)
{
	int32_t idx = find_index(reg, name, strlen(name));
	return idx < 0 ? NULL : reg->items[idx];
}

const vg_field_info *vg_fields_resolve(const vg_fields *reg, const char *name, const char **dotted_key)
{
	*dotted_key = NULL;
	size_t n = strlen(name);
	int32_t idx = find_index(reg, name, n);
	if (idx >= 0)
		return reg->items[idx];
	/* "evt.arg.flags": try each shorter dotted prefix that declares a dotted key. */
	for (size_t i = n; i-- > 0;) {
		if (name[i] != '.' || i + 1 >= n)
			continue;
		idx = find_index(reg, name, i);
		if (idx >= 0 && (reg->items[idx]->arg & VG_ARG_DOTTED)) {
			*dotted_key = name + i + 1;
			return reg->items[idx];
		}
	}
	return NULL;
}

uint32_t vg_fields_count(const vg_fields *reg)
{
	return reg->n;
}

const vg_field_info *vg_fields_at(const vg_fields *reg, uint32_t i)
{
	return i < reg->n ? reg->items[i] : NULL;
}
