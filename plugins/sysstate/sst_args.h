/* evt.arg / evt.args / evt.rawarg: parameters of the current event rendered the way Falco
 * shows them (fds and pids as numbers, errors as errno names, flags as O_RDONLY|O_CLOEXEC,
 * addresses as ip:port, tuples as ip:port->ip:port, paths resolved against the cwd). */
#ifndef SST_ARGS_H
#define SST_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "sst_state.h"

/* Index of the parameter called name, or -1. */
int sst_args_find(const sst_state *st, const char *name);

/* Renders parameter i of the current event into out. False when i is out of range or the
 * parameter is empty (no value). */
bool sst_args_render(sst_state *st, int i, sst_str *out);

/* "name=value name=value ..." for every parameter (evt.args). */
bool sst_args_render_all(sst_state *st, sst_str *out);

/* The integer value of parameter i (sign-extended for signed types); false for strings,
 * buffers and addresses. */
bool sst_args_raw(const sst_state *st, int i, int64_t *out);

#endif
