/* The configuration vigil hands its syscall source once the rules are loaded: the user's
 * init_config, Falco's engine.modern_ebpf / base_syscalls / falco_libs.snaplen keys translated
 * to the plugin's keys, and the event types the enabled rules can match ("syscalls"), so the
 * kernel only produces what some rule or the state tracking needs. Keys the user set in the
 * plugin's init_config win. */
#ifndef VG_SYSCALL_SELECT_H
#define VG_SYSCALL_SELECT_H

#include <stdint.h>

#include "config/config.h"
#include "util/buf.h"
#include "util/err.h"

/* user_json: the plugin's init_config ("" or a JSON object). codes: libscap event codes the
 * rules need. Writes a JSON object to out. */
vg_rc vg_syscall_select_config(const vg_config *cfg, const char *user_json, const uint16_t *codes, uint32_t ncodes,
			       vg_buf *out, vg_err *err);

#endif
