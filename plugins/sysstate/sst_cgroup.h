/* Container id from a process' cgroup membership, the way Falco derives it: a 64-hex-digit id
 * found in a cgroup path component (docker, containerd/cri-containerd, cri-o, podman/libpod,
 * kubepods in cgroupfs and systemd forms), truncated to 12 characters. gVisor sandboxes report
 * a pseudo-cgroup "gvisor=/<container id>". */
#ifndef SST_CGROUP_H
#define SST_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#define SST_CGROUP_ID_LEN 12

/* Looks at one cgroup entry ("subsys=/path", "N:subsys:/path" or a bare "/path") and, when it
 * names a container, writes its 12-char id + NUL into out (cap >= 13) and returns true. */
bool sst_cgroup_container_id(const char *entry, size_t len, char *out);

/* Scans a list of NUL-separated cgroup entries (the cgroups event parameter); writes "host"
 * when none names a container. out must hold 13 bytes. */
void sst_cgroup_from_list(const char *list, size_t len, char *out);

#endif
