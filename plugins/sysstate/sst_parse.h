/* Keeping the thread and fd tables current from syscall events (exit events of the exit-only
 * schema): clone/fork/vfork/clone3, execve/execveat, procexit, the fd-creating calls, connect/
 * accept/bind/listen, dup*, close, chdir/fchdir, set*id and capset. Malformed events change
 * nothing. */
#ifndef SST_PARSE_H
#define SST_PARSE_H

#include "sst_state.h"

/* Updates st from evt and leaves st->ctx describing it for extraction. Never fails: events
 * that cannot be used are counted and skipped. */
void sst_parse_event(sst_state *st, uint64_t evtnum, const ss_plugin_event *evt);

#endif
