/* --dump-events: one line per event, for plugin authors debugging a source:
 *   <evt.num> <evt.time.iso8601> <source> <plugin> <text>
 * where text is the plugin's event_to_string, else the syscall state's evt.args with the event
 * name, else the raw parameters decoded with the libscap event table. */
#ifndef VG_DUMP_H
#define VG_DUMP_H

#include <stdio.h>

#include "engine/source.h"

/* Prints ev to out as one line (borrowed; out is written under its stdio lock). */
void vg_dump_event(FILE *out, vg_source *src, vg_evctx *ev);

#endif
