/* syscall plugin — zero-copy consumer of the driver's BPF ring buffers.
 *
 * Records are read in place from the mmapped rings and merged by timestamp across rings. A
 * batch stays valid until the next sp_rings_next_batch call, which is when the space it used
 * is handed back to the kernel (consumer_pos is only advanced then). */
#ifndef SP_RINGS_H
#define SP_RINGS_H

#include <stdint.h>

#include "vigil/plugin_sdk.h"

typedef struct sp_rings sp_rings;

/* Maps `n` ring buffer maps of `bytes` data bytes each. NULL with err set on failure. */
sp_rings *sp_rings_open(const int *fds, uint32_t n, uint64_t bytes, vsdk_error *err);

/* Releases the previous batch and fills out[0..max) with the oldest available events, in
 * timestamp order across rings (each ring is already ordered per CPU). Pointers are borrowed
 * until the next call. Returns the number of events (0 = nothing available now). */
uint32_t sp_rings_next_batch(sp_rings *r, const uint8_t **out, uint32_t max);

/* Bytes currently unread in all rings (a fill-level hint for metrics). */
uint64_t sp_rings_pending(const sp_rings *r);

void sp_rings_close(sp_rings *r);

#endif
