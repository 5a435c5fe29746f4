/* Names of IP addresses for fd.*ip.name, from the hosts file only: resolving through DNS on
 * the event path would block it. Addresses without an entry have no name (the field is
 * missing), as Falco's fields are when its DNS cache has no answer. */
#ifndef SST_HOSTS_H
#define SST_HOSTS_H

#include <stdbool.h>
#include <stdint.h>

#include "sst_map.h"

typedef struct sst_hosts {
	char *text;     /* owned hosts file contents, split in place */
	sst_map by_ip;  /* address hash -> sst_hosts_entry (owned) */
} sst_hosts;

/* Loads root + "/etc/hosts" (a missing file is an empty table). */
void sst_hosts_init(sst_hosts *h, const char *root);
void sst_hosts_free(sst_hosts *h);

/* First name listed for the address (len 4 or 16, network order), or NULL. Borrowed. */
const char *sst_hosts_name(const sst_hosts *h, const uint8_t *ip, uint32_t len);

#endif
