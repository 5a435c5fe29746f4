#include "sst_cgroup.h"

#include <string.h>

#define SST_CGROUP_FULL_ID 64

static bool sst_cgroup_is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static bool sst_cgroup_has_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* conmon is the runtime's monitor process: it lives on the host, beside the container. */
static bool sst_cgroup_is_conmon(const char *s, size_t n)
{
	static const char tag[] = "conmon";
	for (size_t i = 0; i + sizeof tag - 1 <= n; i++)
		if (memcmp(s + i, tag, sizeof tag - 1) == 0)
			return true;
	return false;
}

/* One path component: "<64hex>", "docker-<64hex>.scope", "cri-containerd-<64hex>.scope",
 * "crio-<64hex>.scope", "libpod-<64hex>.scope", "...slice:cri-containerd:<64hex>". The id is
 * whatever follows the last '-' or ':' once ".scope" is removed. */
static bool sst_cgroup_component(const char *s, size_t n, char *out)
{
	if (sst_cgroup_has_suffix(s, n, ".scope"))
		n -= 6;
	if (n < SST_CGROUP_FULL_ID || sst_cgroup_is_conmon(s, n))
		return false;
	const char *id = s + n - SST_CGROUP_FULL_ID;
	if (id != s && id[-1] != '-' && id[-1] != ':')
		return false;
	if (!sst_cgroup_is_hex(id, SST_CGROUP_FULL_ID))
		return false;
	memcpy(out, id, SST_CGROUP_ID_LEN);
	out[SST_CGROUP_ID_LEN] = '\0';
	return true;
}

static bool sst_cgroup_gvisor(const char *path, size_t n, char *out)
{
	while (n && *path == '/') {
		path++;
		n--;
	}
	if (!n)
		return false;
	size_t k = n < SST_CGROUP_ID_LEN ? n : SST_CGROUP_ID_LEN;
	memcpy(out, path, k);
	out[k] = '\0';
	return true;
}

bool sst_cgroup_container_id(const char *entry, size_t len, char *out)
{
	const char *slash = memchr(entry, '/', len);
	if (!slash)
		return false;
	size_t plen = len - (size_t)(slash - entry);
	if (len >= 7 && memcmp(entry, "gvisor=", 7) == 0)
		return sst_cgroup_gvisor(slash, plen, out);
	/* Innermost component first: podman nests "libpod-<id>.scope/container". */
	const char *end = slash + plen;
	while (end > slash) {
		const char *start = end;
		while (start > slash && start[-1] != '/')
			start--;
		if (sst_cgroup_component(start, (size_t)(end - start), out))
			return true;
		end = start > slash ? start - 1 : slash;
	}
	return false;
}

void sst_cgroup_from_list(const char *list, size_t len, char *out)
{
	size_t i = 0;
	while (i < len) {
		const char *e = list + i;
		const char *nul = memchr(e, '\0', len - i);
		size_t n = nul ? (size_t)(nul - e) : len - i;
		if (n && sst_cgroup_container_id(e, n, out))
			return;
		i += n + 1;
	}
	strcpy(out, "host");
}
