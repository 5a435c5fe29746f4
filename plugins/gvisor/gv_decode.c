#include "gv_decode.h"

#include <stdlib.h>
#include <string.h>

#include "common.pb-c.h"
#include "container.pb-c.h"
#include "sentry.pb-c.h"
#include "syscall.pb-c.h"

/* Memory protobuf-c may take for one datagram. Decoded structs are at most ~20x the wire size
 * (an empty repeated string is 2 bytes on the wire, a pointer plus a copy in memory); with the
 * 1 MiB receive buffer this leaves room for any datagram a sender can produce. */
#define GV_ARENA_LIMIT (32u << 20)
#define GV_ARENA_CHUNK (64u << 10)
#define GV_ARENA_ALIGN 16u

typedef struct gv_chunk {
	struct gv_chunk *next;
	size_t cap, used;
	_Alignas(16) unsigned char mem[];
} gv_chunk;

struct gv_decode {
	gv_chunk *head;   /* chunk being filled */
	gv_chunk *chunks; /* every chunk, kept across datagrams */
	size_t total;     /* bytes in all chunks */
	ProtobufCAllocator alloc;
};

static const struct {
	const char *name;
	const ProtobufCMessageDescriptor *desc;
} gv_types[GV_MSG_TYPE_LIMIT] = {
	[GV_MSG_CONTAINER_START] = {"CONTAINER_START", &gvisor__container__start__descriptor},
	[GV_MSG_SENTRY_CLONE] = {"SENTRY_CLONE", &gvisor__sentry__clone_info__descriptor},
	[GV_MSG_SENTRY_EXEC] = {"SENTRY_EXEC", &gvisor__sentry__execve_info__descriptor},
	[GV_MSG_SENTRY_EXIT_NOTIFY_PARENT] = {"SENTRY_EXIT_NOTIFY_PARENT",
	                                      &gvisor__sentry__exit_info__descriptor},
	[GV_MSG_SENTRY_TASK_EXIT] = {"SENTRY_TASK_EXIT", &gvisor__sentry__exit_info__descriptor},
	[GV_MSG_SYSCALL_RAW] = {"SYSCALL_RAW", &gvisor__syscall__syscall__descriptor},
	[GV_MSG_SYSCALL_OPEN] = {"SYSCALL_OPEN", &gvisor__syscall__open__descriptor},
	[GV_MSG_SYSCALL_CLOSE] = {"SYSCALL_CLOSE", &gvisor__syscall__close__descriptor},
	[GV_MSG_SYSCALL_READ] = {"SYSCALL_READ", &gvisor__syscall__read_write__descriptor},
	[GV_MSG_SYSCALL_CONNECT] = {"SYSCALL_CONNECT", &gvisor__syscall__connect__descriptor},
	[GV_MSG_SYSCALL_EXECVE] = {"SYSCALL_EXECVE", &gvisor__syscall__execve__descriptor},
	[GV_MSG_SYSCALL_SOCKET] = {"SYSCALL_SOCKET", &gvisor__syscall__socket__descriptor},
	[GV_MSG_SYSCALL_CHDIR] = {"SYSCALL_CHDIR", &gvisor__syscall__chdir__descriptor},
	[GV_MSG_SYSCALL_SETID] = {"SYSCALL_SETID", &gvisor__syscall__setid__descriptor},
	[GV_MSG_SYSCALL_SETRESID] = {"SYSCALL_SETRESID", &gvisor__syscall__setresid__descriptor},
	[GV_MSG_SYSCALL_PRLIMIT64] = {"SYSCALL_PRLIMIT64", &gvisor__syscall__prlimit__descriptor},
	[GV_MSG_SYSCALL_PIPE] = {"SYSCALL_PIPE", &gvisor__syscall__pipe__descriptor},
	[GV_MSG_SYSCALL_FCNTL] = {"SYSCALL_FCNTL", &gvisor__syscall__fcntl__descriptor},
	[GV_MSG_SYSCALL_DUP] = {"SYSCALL_DUP", &gvisor__syscall__dup__descriptor},
	[GV_MSG_SYSCALL_SIGNALFD] = {"SYSCALL_SIGNALFD", &gvisor__syscall__signalfd__descriptor},
	[GV_MSG_SYSCALL_CHROOT] = {"SYSCALL_CHROOT", &gvisor__syscall__chroot__descriptor},
	[GV_MSG_SYSCALL_EVENTFD] = {"SYSCALL_EVENTFD", &gvisor__syscall__eventfd__descriptor},
	[GV_MSG_SYSCALL_CLONE] = {"SYSCALL_CLONE", &gvisor__syscall__clone__descriptor},
	[GV_MSG_SYSCALL_BIND] = {"SYSCALL_BIND", &gvisor__syscall__bind__descriptor},
	[GV_MSG_SYSCALL_ACCEPT] = {"SYSCALL_ACCEPT", &gvisor__syscall__accept__descriptor},
	[GV_MSG_SYSCALL_TIMERFD_CREATE] = {"SYSCALL_TIMERFD_CREATE",
	                                   &gvisor__syscall__timerfd_create__descriptor},
	[GV_MSG_SYSCALL_TIMERFD_SETTIME] = {"SYSCALL_TIMERFD_SETTIME", NULL},
	[GV_MSG_SYSCALL_TIMERFD_GETTIME] = {"SYSCALL_TIMERFD_GETTIME", NULL},
	[GV_MSG_SYSCALL_FORK] = {"SYSCALL_FORK", &gvisor__syscall__fork__descriptor},
	[GV_MSG_SYSCALL_INOTIFY_INIT] = {"SYSCALL_INOTIFY_INIT", &gvisor__syscall__inotify_init__descriptor},
	[GV_MSG_SYSCALL_INOTIFY_ADD_WATCH] = {"SYSCALL_INOTIFY_ADD_WATCH", NULL},
	[GV_MSG_SYSCALL_INOTIFY_RM_WATCH] = {"SYSCALL_INOTIFY_RM_WATCH", NULL},
	[GV_MSG_SYSCALL_SOCKETPAIR] = {"SYSCALL_SOCKETPAIR", &gvisor__syscall__socket_pair__descriptor},
	[GV_MSG_SYSCALL_WRITE] = {"SYSCALL_WRITE", &gvisor__syscall__read_write__descriptor},
};

const char *gv_decode_type_name(uint32_t message_type)
{
	if (message_type < GV_MSG_TYPE_LIMIT && gv_types[message_type].name)
		return gv_types[message_type].name;
	return "UNKNOWN";
}

const ProtobufCMessageDescriptor *gv_decode_descriptor(uint32_t message_type)
{
	return message_type < GV_MSG_TYPE_LIMIT ? gv_types[message_type].desc : NULL;
}

static gv_chunk *gv_chunk_new(size_t cap)
{
	gv_chunk *c = malloc(sizeof(*c) + cap);
	if (!c)
		return NULL;
	c->next = NULL;
	c->cap = cap;
	c->used = 0;
	return c;
}

/* Finds room in the kept chunks (after the current one) or adds a chunk large enough. */
static void *gv_arena_alloc(void *data, size_t size)
{
	gv_decode *d = data;
	size = (size + GV_ARENA_ALIGN - 1) & ~(size_t)(GV_ARENA_ALIGN - 1);
	for (gv_chunk *c = d->head; c; c = c->next) {
		if (c->cap - c->used >= size) {
			void *p = c->mem + c->used;
			c->used += size;
			d->head = c;
			return p;
		}
	}
	size_t cap = size > GV_ARENA_CHUNK ? size : GV_ARENA_CHUNK;
	if (d->total + cap > GV_ARENA_LIMIT)
		return NULL;
	gv_chunk *c = gv_chunk_new(cap);
	if (!c)
		return NULL;
	d->total += cap;
	/* New chunks go to the end so rewinding walks them in order next time. */
	gv_chunk **tail = &d->chunks;
	while (*tail)
		tail = &(*tail)->next;
	*tail = c;
	c->used = size;
	d->head = c;
	return c->mem;
}

static void gv_arena_free(void *data, void *ptr)
{
	/* Freed all at once by gv_arena_rewind. */
	(void)data;
	(void)ptr;
}

static void gv_arena_rewind(gv_decode *d)
{
	for (gv_chunk *c = d->chunks; c; c = c->next)
		c->used = 0;
	d->head = d->chunks;
}

gv_decode *gv_decode_new(void)
{
	gv_decode *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->alloc.alloc = gv_arena_alloc;
	d->alloc.free = gv_arena_free;
	d->alloc.allocator_data = d;
	return d;
}

void gv_decode_free(gv_decode *d)
{
	if (!d)
		return;
	for (gv_chunk *c = d->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(d);
}

size_t gv_decode_arena_bytes(const gv_decode *d)
{
	return d->total;
}

bool gv_decode_header(const uint8_t *dgram, size_t len, gv_wire_header *out, const char **why)
{
	if (len < GV_WIRE_HEADER_LEN) {
		*why = "datagram shorter than the 8-byte header";
		return false;
	}
	out->header_size = (uint16_t)(dgram[0] | dgram[1] << 8);
	out->message_type = (uint16_t)(dgram[2] | dgram[3] << 8);
	out->dropped_count = (uint32_t)dgram[4] | (uint32_t)dgram[5] << 8 | (uint32_t)dgram[6] << 16 |
	                     (uint32_t)dgram[7] << 24;
	if (out->header_size < GV_WIRE_HEADER_LEN || out->header_size > len) {
		*why = "header_size outside [8, datagram length]";
		return false;
	}
	return true;
}

/* Unknown fields of the message and of every sub-message it holds (our schema nests at most
 * three levels: message -> context_data -> credentials). */
static uint32_t gv_count_unknown(const ProtobufCMessage *m, unsigned depth)
{
	uint32_t n = m->n_unknown_fields;
	if (depth >= 4)
		return n;
	const ProtobufCMessageDescriptor *desc = m->descriptor;
	for (unsigned i = 0; i < desc->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &desc->fields[i];
		if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->label == PROTOBUF_C_LABEL_REPEATED)
			continue;
		const ProtobufCMessage *sub = *(ProtobufCMessage *const *)((const char *)m + f->offset);
		if (sub)
			n += gv_count_unknown(sub, depth + 1);
	}
	return n;
}

gv_decode_rc gv_decode_datagram(gv_decode *d, const uint8_t *dgram, size_t len, gv_msg *out,
                                const char **why)
{
	memset(out, 0, sizeof(*out));
	if (!gv_decode_header(dgram, len, &out->hdr, why))
		return GV_DECODE_CORRUPT;
	const ProtobufCMessageDescriptor *desc = gv_decode_descriptor(out->hdr.message_type);
	if (!desc) {
		*why = "message type not read by vigil";
		return GV_DECODE_UNSUPPORTED;
	}
	gv_arena_rewind(d);
	ProtobufCMessage *m = protobuf_c_message_unpack(desc, &d->alloc, len - out->hdr.header_size,
	                                                dgram + out->hdr.header_size);
	if (!m) {
		*why = "protobuf payload does not decode";
		return GV_DECODE_CORRUPT;
	}
	out->pb = m;
	out->unknown_fields = gv_count_unknown(m, 0);
	return GV_DECODE_OK;
}

bool gv_decode_handshake(gv_decode *d, const uint8_t *buf, size_t len, uint32_t *version)
{
	gv_arena_rewind(d);
	Gvisor__Common__Handshake *h = gvisor__common__handshake__unpack(&d->alloc, len, buf);
	if (!h)
		return false;
	*version = h->version;
	return true;
}
