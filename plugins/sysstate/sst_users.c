#include "sst_users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *sst_users_read(const char *path, struct timespec *mtime)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || st.st_size > (64 << 20)) {
		fclose(f);
		return NULL;
	}
	*mtime = st.st_mtim;
	char *text = malloc((size_t)st.st_size + 1);
	size_t n = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
	fclose(f);
	if (text)
		text[n] = '\0';
	return text;
}

/* Splits a colon-separated line into at most max fields (in place). */
static int sst_users_split(char *line, char **fields, int max)
{
	int n = 0;
	fields[n++] = line;
	for (char *p = line; *p && n < max; p++) {
		if (*p == ':') {
			*p = '\0';
			fields[n++] = p + 1;
		}
	}
	return n;
}

static void sst_users_clear_passwd(sst_users *u)
{
	for (uint32_t i = 0; i < u->by_uid.cap; i++)
		free(u->by_uid.slots[i].val);
	sst_map_free(&u->by_uid);
	free(u->passwd_text);
	u->passwd_text = NULL;
}

static void sst_users_load_passwd(sst_users *u)
{
	sst_users_clear_passwd(u);
	u->passwd_text = sst_users_read(u->passwd_path, &u->passwd_mtime);
	if (!u->passwd_text)
		return;
	char *save = NULL;
	for (char *line = strtok_r(u->passwd_text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7];
		if (line[0] == '#' || sst_users_split(line, f, 7) != 7)
			continue;
		char *end;
		unsigned long uid = strtoul(f[2], &end, 10);
		if (*end || uid > UINT32_MAX || sst_map_get(&u->by_uid, uid))
			continue; /* the first entry for a uid wins, as with getpwuid */
		sst_user *e = malloc(sizeof *e);
		if (!e)
			continue;
		*e = (sst_user){.name = f[0], .home = f[5], .shell = f[6]};
		if (!sst_map_put(&u->by_uid, uid, e))
			free(e);
	}
}

static void sst_users_load_group(sst_users *u)
{
	sst_map_free(&u->by_gid);
	free(u->group_text);
	u->group_text = sst_users_read(u->group_path, &u->group_mtime);
	if (!u->group_text)
		return;
	char *save = NULL;
	for (char *line = strtok_r(u->group_text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4];
		if (line[0] == '#' || sst_users_split(line, f, 4) < 3)
			continue;
		char *end;
		unsigned long gid = strtoul(f[2], &end, 10);
		if (*end || gid > UINT32_MAX || sst_map_get(&u->by_gid, gid))
			continue;
		sst_map_put(&u->by_gid, gid, f[0]);
	}
}

bool sst_users_init(sst_users *u, const char *root)
{
	memset(u, 0, sizeof *u);
	sst_map_init(&u->by_uid);
	sst_map_init(&u->by_gid);
	if (asprintf(&u->passwd_path, "%s/etc/passwd", root) < 0) {
		u->passwd_path = NULL;
		return false;
	}
	if (asprintf(&u->group_path, "%s/etc/group", root) < 0) {
		u->group_path = NULL;
		return false;
	}
	sst_users_load_passwd(u);
	sst_users_load_group(u);
	return true;
}

void sst_users_free(sst_users *u)
{
	sst_users_clear_passwd(u);
	sst_map_free(&u->by_gid);
	free(u->group_text);
	free(u->passwd_path);
	free(u->group_path);
	memset(u, 0, sizeof *u);
}

static bool sst_users_changed(const char *path, const struct timespec *seen)
{
	struct stat st;
	if (!path || stat(path, &st) != 0)
		return false;
	return st.st_mtim.tv_sec != seen->tv_sec || st.st_mtim.tv_nsec != seen->tv_nsec;
}

void sst_users_refresh(sst_users *u)
{
	if (sst_users_changed(u->passwd_path, &u->passwd_mtime))
		sst_users_load_passwd(u);
	if (sst_users_changed(u->group_path, &u->group_mtime))
		sst_users_load_group(u);
}
