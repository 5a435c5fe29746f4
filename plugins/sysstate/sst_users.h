/* User and group names from the host's passwd and group files, parsed directly (no NSS: a
 * lookup must never block on LDAP or DNS in the event path). Reloaded when a file changes. */
#ifndef SST_USERS_H
#define SST_USERS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sst_map.h"

typedef struct sst_user {
	const char *name, *home, *shell; /* point into the owning table's text */
} sst_user;

typedef struct sst_users {
	char *passwd_path, *group_path; /* owned */
	char *passwd_text, *group_text; /* owned file contents, split in place */
	sst_map by_uid;                 /* uid -> sst_user (owned) */
	sst_map by_gid;                 /* gid -> const char* name (into group_text) */
	struct timespec passwd_mtime, group_mtime;
} sst_users;

/* root is prefixed to /etc/passwd and /etc/group ("" for the host itself). */
bool sst_users_init(sst_users *u, const char *root);
void sst_users_free(sst_users *u);

/* Re-reads the files whose modification time changed. */
void sst_users_refresh(sst_users *u);

/* Borrowed entries valid until the next refresh; NULL when unknown. */
static inline const sst_user *sst_users_by_uid(const sst_users *u, uint32_t uid)
{
	return (const sst_user *)sst_map_get(&u->by_uid, uid);
}

static inline const char *sst_users_group(const sst_users *u, uint32_t gid)
{
	return (const char *)sst_map_get(&u->by_gid, gid);
}

#endif
