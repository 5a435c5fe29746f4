#include "gv_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t *gv_read_file(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		return NULL;
	}
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	uint8_t *buf = malloc(n > 0 ? (size_t)n + 1 : 1);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	if (buf) {
		buf[n > 0 ? n : 0] = 0;
		*size = n > 0 ? (size_t)n : 0;
	}
	return buf;
}

static void gv_path(char *out, size_t cap, const char *file)
{
	const char *dir = getenv("VIGIL_SHARED_DIR");
	snprintf(out, cap, "%s/fixtures/gvisor/%s", dir && *dir ? dir : "/work/shared", file);
}

static int gv_split_records(gv_fixture *f)
{
	size_t cap = 512;
	f->dgram = malloc(cap * sizeof(*f->dgram));
	f->len = malloc(cap * sizeof(*f->len));
	for (size_t off = 0; off + 4 <= f->size;) {
		uint32_t n;
		memcpy(&n, f->data + off, 4);
		off += 4;
		if (n > f->size - off) {
			fprintf(stderr, "capture-start.bin: record %u overruns the file\n", f->n);
			return -1;
		}
		if (f->n == cap) {
			cap *= 2;
			f->dgram = realloc(f->dgram, cap * sizeof(*f->dgram));
			f->len = realloc(f->len, cap * sizeof(*f->len));
		}
		f->dgram[f->n] = f->data + off;
		f->len[f->n++] = n;
		off += n;
	}
	return 0;
}

static int gv_split_json(gv_fixture *f, char *text)
{
	f->json = calloc(f->n, sizeof(*f->json));
	uint32_t i = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (i == f->n) {
			fprintf(stderr, "capture-start.jsonl: more lines than datagrams\n");
			return -1;
		}
		f->json[i++] = strdup(line);
	}
	return i == f->n ? 0 : -1;
}

int gv_fixture_load(gv_fixture *f)
{
	memset(f, 0, sizeof(*f));
	char path[4096];
	gv_path(path, sizeof(path), "capture-start.bin");
	f->data = gv_read_file(path, &f->size);
	if (!f->data || gv_split_records(f) != 0)
		return -1;
	gv_path(path, sizeof(path), "capture-start.jsonl");
	size_t jlen;
	char *text = (char *)gv_read_file(path, &jlen);
	if (!text)
		return -1;
	int rc = gv_split_json(f, text);
	free(text);
	return rc;
}

void gv_fixture_free(gv_fixture *f)
{
	if (f->json)
		for (uint32_t i = 0; i < f->n; i++)
			free(f->json[i]);
	free(f->json);
	free(f->dgram);
	free(f->len);
	free(f->data);
	memset(f, 0, sizeof(*f));
}
