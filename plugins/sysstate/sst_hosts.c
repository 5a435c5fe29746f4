#include "sst_hosts.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sst_hosts_entry {
	uint8_t ip[16];
	uint32_t len;
	const char *name;              /* into text */
	struct sst_hosts_entry *next;  /* other addresses with the same hash */
} sst_hosts_entry;

static uint64_t sst_hosts_key(const uint8_t *ip, uint32_t len)
{
	uint64_t h = 0xcbf29ce484222325ull ^ len;
	for (uint32_t i = 0; i < len; i++)
		h = (h ^ ip[i]) * 0x100000001b3ull;
	return h;
}

static void sst_hosts_add(sst_hosts *h, const uint8_t *ip, uint32_t len, const char *name)
{
	if (sst_hosts_name(h, ip, len))
		return; /* the first line naming an address wins, as with gethostbyaddr */
	sst_hosts_entry *e = calloc(1, sizeof *e);
	if (!e)
		return;
	memcpy(e->ip, ip, len);
	e->len = len;
	e->name = name;
	uint64_t k = sst_hosts_key(ip, len);
	e->next = sst_map_get(&h->by_ip, k);
	if (!sst_map_put(&h->by_ip, k, e))
		free(e);
}

void sst_hosts_init(sst_hosts *h, const char *root)
{
	memset(h, 0, sizeof *h);
	sst_map_init(&h->by_ip);
	char path[4096];
	snprintf(path, sizeof path, "%s/etc/hosts", root);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	size_t cap = 0, len = 0;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0 && len < (16u << 20)) {
		char *t = realloc(h->text, cap = len + n + 1);
		if (!t)
			break;
		h->text = t;
		memcpy(h->text + len, buf, n);
		len += n;
		h->text[len] = '\0';
	}
	fclose(f);
	if (!h->text)
		return;
	char *save = NULL;
	for (char *line = strtok_r(h->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *lsave = NULL;
		char *addr = strtok_r(line, " \t", &lsave);
		char *name = addr ? strtok_r(NULL, " \t", &lsave) : NULL;
		uint8_t ip[16];
		if (!name)
			continue;
		if (inet_pton(AF_INET, addr, ip) == 1)
			sst_hosts_add(h, ip, 4, name);
		else if (inet_pton(AF_INET6, addr, ip) == 1)
			sst_hosts_add(h, ip, 16, name);
	}
}

void sst_hosts_free(sst_hosts *h)
{
	for (uint32_t i = 0; i < h->by_ip.cap; i++) {
		sst_hosts_entry *e = h->by_ip.slots[i].val;
		while (e) {
			sst_hosts_entry *next = e->next;
			free(e);
			e = next;
		}
	}
	sst_map_free(&h->by_ip);
	free(h->text);
	memset(h, 0, sizeof *h);
}

const char *sst_hosts_name(const sst_hosts *h, const uint8_t *ip, uint32_t len)
{
	for (const sst_hosts_entry *e = sst_map_get(&h->by_ip, sst_hosts_key(ip, len)); e; e = e->next)
		if (e->len == len && memcmp(e->ip, ip, len) == 0)
			return e->name;
	return NULL;
}
