/* Event-drop policy (Falco's syscall_event_drops): once a second, compare each source's drop
 * counter with the events it delivered; when drops/(events+drops) in that second exceeds the
 * threshold, apply the actions: log a warning, emit an internal alert, or stop vigil. Alerts
 * and logs are rate-limited by a token bucket (rate, max_burst) so a drop storm cannot flood
 * the outputs. Drops are never silent: every drop is also in --stats.
 *
 * Sourcing plugins report drops with a monotonic metric named "n_drops" or ending in ".drops"
 * (e.g. "gvisor.drops"); sources without one never trigger. */
#ifndef VG_DROPS_H
#define VG_DROPS_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "engine/source.h"
#include "outputs/outputs.h"

typedef struct vg_drops vg_drops;

/* cfg and out are borrowed (out may be NULL: alerts become log lines). */
vg_drops *vg_drops_new(const vg_config *cfg, vg_outputs *out);
void vg_drops_free(vg_drops *d);

/* Checks every source; call about once a second from one thread. Returns false when the exit
 * action fired (the caller stops the engine). now_ns: a monotonic clock. */
bool vg_drops_check(vg_drops *d, vg_source *const *sources, uint32_t n, uint64_t now_ns);

/* Total drops a source's plugins report (0 when none reports any). */
uint64_t vg_drops_reported(vg_source *s);

#endif
