/* Event timestamps (ns since the epoch) as Falco prints them, shared by the evt.time* fields and
 * the alert lines so both always agree. */
#ifndef VG_TIMEFMT_H
#define VG_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define VG_TIMEFMT_MAX 96 /* every format below, NUL included, even for absurd years */

/* Local time "HH:MM:SS.nnnnnnnnn". */
void vg_timefmt_local(uint64_t ts, char out[VG_TIMEFMT_MAX]);
/* UTC "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn" followed by zone ("+0000" in text lines and
 * evt.time.iso8601, "Z" in JSON alerts). */
void vg_timefmt_iso8601(uint64_t ts, const char *zone, char out[VG_TIMEFMT_MAX]);
/* Local "YYYY-MM-DD HH:MM:SS" with ".nnnnnnnnn" when with_ns. */
void vg_timefmt_datetime(uint64_t ts, int with_ns, char out[VG_TIMEFMT_MAX]);

#endif
