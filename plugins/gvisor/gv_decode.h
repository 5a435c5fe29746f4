/* gVisor remote-sink datagram decoder: the 8-byte wire header plus the protobuf payload.
 *
 * Payloads are decoded by protobuf-c from our own .proto files (proto/), generated at build time.
 * protobuf-c was chosen over a hand decoder because it is the project's listed dependency, it
 * checks every wire type/length against the schema, and it keeps unknown fields so we can count
 * them. Its allocations go to a per-decoder arena that is rewound for each datagram (no malloc per
 * event once warm) and capped, so a hostile sandbox cannot make us allocate without bound. The
 * schema has no recursive messages, so nesting depth is fixed by the .proto files.
 */
#ifndef GV_DECODE_H
#define GV_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* gvisor.common.MessageType values (reference §4). */
enum gv_msg_type {
	GV_MSG_CONTAINER_START = 1,
	GV_MSG_SENTRY_CLONE = 2,
	GV_MSG_SENTRY_EXEC = 3,
	GV_MSG_SENTRY_EXIT_NOTIFY_PARENT = 4,
	GV_MSG_SENTRY_TASK_EXIT = 5,
	GV_MSG_SYSCALL_RAW = 6,
	GV_MSG_SYSCALL_OPEN = 7,
	GV_MSG_SYSCALL_CLOSE = 8,
	GV_MSG_SYSCALL_READ = 9,
	GV_MSG_SYSCALL_CONNECT = 10,
	GV_MSG_SYSCALL_EXECVE = 11,
	GV_MSG_SYSCALL_SOCKET = 12,
	GV_MSG_SYSCALL_CHDIR = 13,
	GV_MSG_SYSCALL_SETID = 14,
	GV_MSG_SYSCALL_SETRESID = 15,
	GV_MSG_SYSCALL_PRLIMIT64 = 16,
	GV_MSG_SYSCALL_PIPE = 17,
	GV_MSG_SYSCALL_FCNTL = 18,
	GV_MSG_SYSCALL_DUP = 19,
	GV_MSG_SYSCALL_SIGNALFD = 20,
	GV_MSG_SYSCALL_CHROOT = 21,
	GV_MSG_SYSCALL_EVENTFD = 22,
	GV_MSG_SYSCALL_CLONE = 23,
	GV_MSG_SYSCALL_BIND = 24,
	GV_MSG_SYSCALL_ACCEPT = 25,
	GV_MSG_SYSCALL_TIMERFD_CREATE = 26,
	GV_MSG_SYSCALL_TIMERFD_SETTIME = 27,
	GV_MSG_SYSCALL_TIMERFD_GETTIME = 28,
	GV_MSG_SYSCALL_FORK = 29,
	GV_MSG_SYSCALL_INOTIFY_INIT = 30,
	GV_MSG_SYSCALL_INOTIFY_ADD_WATCH = 31,
	GV_MSG_SYSCALL_INOTIFY_RM_WATCH = 32,
	GV_MSG_SYSCALL_SOCKETPAIR = 33,
	GV_MSG_SYSCALL_WRITE = 34,
	GV_MSG_TYPE_LIMIT = 35 /* first number we have no table slot for */
};

#define GV_WIRE_HEADER_LEN 8u

typedef struct gv_wire_header {
	uint16_t header_size;
	uint16_t message_type;
	uint32_t dropped_count; /* running total for the connection, wraps at 2^32 */
} gv_wire_header;

typedef enum gv_decode_rc {
	GV_DECODE_OK = 0,
	GV_DECODE_UNSUPPORTED = 1, /* valid header, message type we do not read: skip and count */
	GV_DECODE_CORRUPT = 2,     /* bad header or payload: drop and log the reason */
} gv_decode_rc;

/* One decoded datagram. `pb` points into the decoder's arena: valid until the next
 * gv_decode_datagram/gv_decode_handshake on the same decoder. */
typedef struct gv_msg {
	gv_wire_header hdr;
	const ProtobufCMessage *pb; /* NULL unless GV_DECODE_OK; cast per hdr.message_type */
	uint32_t unknown_fields;    /* fields our schema does not declare, at any nesting level */
} gv_msg;

typedef struct gv_decode gv_decode;

/* Returns a decoder (freed with gv_decode_free) or NULL when out of memory. */
gv_decode *gv_decode_new(void);
void gv_decode_free(gv_decode *d);

/* Parses the wire header of dgram[0..len). Returns false (and a static reason in *why) when the
 * datagram is shorter than 8 bytes or header_size is outside [8, len]. */
bool gv_decode_header(const uint8_t *dgram, size_t len, gv_wire_header *out, const char **why);

/* Decodes one datagram (header + payload). On GV_DECODE_CORRUPT *why names the reason (static
 * string). Unknown fields inside a known message are skipped and counted in out->unknown_fields. */
gv_decode_rc gv_decode_datagram(gv_decode *d, const uint8_t *dgram, size_t len, gv_msg *out,
                                const char **why);

/* Reads the client's Handshake datagram; returns false when it does not decode. An empty
 * datagram decodes as version 0, as the sink does. */
bool gv_decode_handshake(gv_decode *d, const uint8_t *buf, size_t len, uint32_t *version);

/* "SYSCALL_OPEN" for GV_MSG_SYSCALL_OPEN etc., "UNKNOWN" outside the table. Static storage. */
const char *gv_decode_type_name(uint32_t message_type);

/* protobuf-c descriptor used for a message type, NULL when we do not read that type. */
const ProtobufCMessageDescriptor *gv_decode_descriptor(uint32_t message_type);

/* Bytes the arena currently holds (for tests/metrics). */
size_t gv_decode_arena_bytes(const gv_decode *d);

#endif
