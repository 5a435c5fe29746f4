/* Text form of a libscap event for plugin_event_to_string (--dump-events, evt.plugininfo):
 * "openat < res=3 dirfd=-100 name=/etc/shadow flags=O_RDONLY|O_CLOEXEC ...". */
#ifndef GV_RENDER_H
#define GV_RENDER_H

#include <stddef.h>
#include <stdint.h>

/* Writes the text (NUL-terminated) into buf[0..cap) and returns its full length like snprintf
 * (>= cap = cut; retry with a bigger buffer; buf may be NULL with cap 0). A malformed event
 * renders as "<malformed event>". */
size_t gv_render_event(const uint8_t *evt, char *buf, size_t cap);

#endif
