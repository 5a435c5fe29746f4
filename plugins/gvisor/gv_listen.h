/* The remote-sink listener: a SOCK_SEQPACKET Unix socket that runsc connects to, one
 * connection per sandbox. Single-threaded: gv_listen_poll waits (bounded) for activity, accepts
 * and handshakes new sandboxes at once (a sandbox blocks in its handshake read until answered),
 * reads datagrams and hands them to the caller's callbacks. */
#ifndef GV_LISTEN_H
#define GV_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gv_decode.h"
#include "gv_sandbox.h"

/* Large enough for any datagram runsc can send with default socket sizes (212,960 bytes) and
 * for raised wmem limits up to 1 MiB; anything bigger is reported truncated and dropped. */
#define GV_LISTEN_RECV_BUF (1u << 20)
#define GV_LISTEN_MAX_PATH 107u

typedef struct gv_listen_ops {
	/* One datagram (header included) from sandbox sb; data borrowed for the call. */
	void (*datagram)(void *ctx, gv_sandbox *sb, const uint8_t *data, size_t len);
	/* The sandbox disconnected; sb is freed after the call. */
	void (*closed)(void *ctx, gv_sandbox *sb);
	/* A line for the operator (malformed input, refused connection ...). */
	void (*log)(void *ctx, bool warning, const char *msg);
} gv_listen_ops;

typedef struct gv_listen_stats {
	uint64_t accepted, closed, refused, handshake_failures, truncated, accept_errors;
} gv_listen_stats;

typedef struct gv_listen gv_listen;

/* Creates the parent directory if missing (0750), replaces a stale socket at path, binds,
 * sets mode 0660 and listens. On failure returns NULL and writes the reason into err[errlen].
 * ops/ctx are borrowed for the listener's lifetime; dec is used for handshakes. */
gv_listen *gv_listen_open(const char *path, uint32_t max_sandboxes, const gv_listen_ops *ops,
                          void *ctx, gv_decode *dec, char *err, size_t errlen);
/* Closes every connection (calling ops->closed), the socket, and removes its path. */
void gv_listen_close(gv_listen *l);

/* Waits at most timeout_ms for activity, then accepts/handshakes/reads, delivering at most
 * max_datagrams datagrams. Returns the number delivered, or -1 on a fatal error (err set). */
int gv_listen_poll(gv_listen *l, int timeout_ms, uint32_t max_datagrams, char *err, size_t errlen);

uint32_t gv_listen_connections(const gv_listen *l);
const gv_listen_stats *gv_listen_get_stats(const gv_listen *l);
const char *gv_listen_path(const gv_listen *l);

#endif
