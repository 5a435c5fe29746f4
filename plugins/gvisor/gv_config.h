/* Generates the pod-init-config JSON runsc needs (--pod-init-config, or `runsc trace create
 * --config`): trace session "Default" with the points and context fields the gVisor plugin
 * converts, and a remote sink pointing at vigil's socket.
 *
 * This file and gv_text.c need only libc, so the CLI may also compile them in; the plugin
 * exports it as `vigil_gvisor_generate_config` (see gv_plugin.c) so `vigil
 * --gvisor-generate-config[=SOCKET]` can dlopen the plugin and print the config that matches it. */
#ifndef GV_CONFIG_H
#define GV_CONFIG_H

#include <stddef.h>

#define GV_CONFIG_DEFAULT_SOCKET "/run/vigil/gvisor.sock"

/* Writes the JSON (NUL-terminated, ending in a newline) into buf[0..cap) and returns its length
 * without the NUL, like snprintf: when the result is >= cap the output was cut and the caller
 * retries with a bigger buffer (buf may be NULL when cap is 0). endpoint NULL or "" = default
 * socket. */
size_t gv_config_generate(const char *endpoint, char *buf, size_t cap);

/* The same function as exported by libgvisor.so (dlsym name), for the CLI:
 *   size_t (*gen)(const char *, char *, size_t) = dlsym(h, "vigil_gvisor_generate_config"); */
size_t vigil_gvisor_generate_config(const char *endpoint, char *buf, size_t cap);

#endif
