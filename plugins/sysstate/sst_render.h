/* Text renderings shared by state keeping and field extraction: addresses, socket tuples,
 * capability sets, and path normalisation as Falco prints them. */
#ifndef SST_RENDER_H
#define SST_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sst_fdtab.h"

/* Longest text of one address with port: IPv6 (45) + ':' + port (5) + NUL. */
#define SST_RENDER_ADDR_MAX 56

/* "1.2.3.4:80" or "::1:80" (IPv6 without brackets, as libsinsp prints); port 0 is still
 * printed. family is VG_SCAP_AF_INET or VG_SCAP_AF_INET6. Returns the length. */
size_t sst_render_addr(char *out, uint8_t family, const uint8_t *ip, uint16_t port, bool with_port);

/* The name of f from its tuple: "cip:cport->sip:sport" for connected sockets, "ip:port" for
 * server sockets that only bound/listened. out holds SST_RENDER_TUPLE_MAX bytes; returns the
 * length. */
#define SST_RENDER_TUPLE_MAX (2 * SST_RENDER_ADDR_MAX + 2)
size_t sst_render_tuple(const sst_fd *f, char *out);

/* Rewrites f->name with sst_render_tuple. False on allocation failure. */
bool sst_render_fd_tuple(sst_fd *f);

/* Capability names ("CAP_CHOWN CAP_DAC_OVERRIDE ...", space separated, like Falco) of mask into
 * out (cap >= SST_RENDER_CAPS_MAX). Returns the length. */
#define SST_RENDER_CAPS_MAX 1024
size_t sst_render_caps(char *out, uint64_t mask);

/* Resolves `path` against `base` (an absolute directory) and normalises ".", ".." and repeated
 * slashes, like libsinsp's concatenate_paths. Writes into dst (grown as needed). An absolute
 * path ignores base. dst must not overlap base or path. False on allocation failure. */
bool sst_render_path(sst_str *dst, const char *base, uint32_t base_len, const char *path,
		     uint32_t path_len);

#endif
