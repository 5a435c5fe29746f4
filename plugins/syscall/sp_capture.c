/* syscall plugin — scap capture reader and writer. */
#include "sp_capture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "vigil/scap_events.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_EV 0x204u
#define BT_EV_LEGACY 0x8010ABCDu
#define BT_EVF 0x208u
#define BT_EV_V2 0x216u
#define BT_EVF_V2 0x217u
#define BT_EV_V2_LARGE 0x221u
#define BT_EVF_V2_LARGE 0x222u
#define SHB_MAGIC 0x1A2B3C4Du
#define V1_HEADER_LEN 22u
/* No legitimate block is this big; refusing it keeps hostile files from exhausting memory. */
#define MAX_BLOCK (64u << 20)

struct sp_capture {
	gzFile gz;
	const uint8_t *mem;
	size_t memlen, mempos;
	uint8_t *body;
	size_t bodycap;
	uint8_t *conv;
	size_t convcap;
	uint64_t offset; /* of the block being read */
	uint64_t skipped;
	bool seen_shb;
};

static size_t src_read(sp_capture *c, void *buf, size_t n)
{
	if (!c->gz) {
		size_t avail = c->memlen - c->mempos;
		size_t k = n < avail ? n : avail;
		memcpy(buf, c->mem + c->mempos, k);
		c->mempos += k;
		return k;
	}
	size_t done = 0;
	while (done < n) {
		size_t want = n - done > (1u << 30) ? (1u << 30) : n - done;
		int k = gzread(c->gz, (uint8_t *)buf + done, (unsigned)want);
		if (k <= 0)
			break;
		done += (size_t)k;
	}
	return done;
}

sp_capture *sp_capture_open(const char *path, vsdk_error *err)
{
	sp_capture *c = calloc(1, sizeof *c);
	if (!c) {
		vsdk_error_set(err, "out of memory");
		return NULL;
	}
	c->gz = gzopen(path, "rb");
	if (!c->gz) {
		vsdk_error_set(err, "%s: %s", path, strerror(errno ? errno : ENOENT));
		free(c);
		return NULL;
	}
	gzbuffer(c->gz, 1u << 17);
	return c;
}

sp_capture *sp_capture_open_mem(const void *buf, size_t len)
{
	sp_capture *c = calloc(1, sizeof *c);
	if (c) {
		c->mem = buf;
		c->memlen = len;
	}
	return c;
}

static bool grow(uint8_t **p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t n = *cap ? *cap : 4096;
	while (n < need)
		n *= 2;
	uint8_t *q = realloc(*p, n);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static int fail(sp_capture *c, vsdk_error *err, const char *what)
{
	vsdk_error_set(err, "capture block at byte %llu: %s", (unsigned long long)c->offset, what);
	return -1;
}

/* Reads one block: type, body (total - 12 bytes) into c->body, trailer checked.
 * Returns 1, 0 at a clean end of file, -1 on error. */
static int read_block(sp_capture *c, uint32_t *type, uint32_t *bodylen, vsdk_error *err)
{
	uint32_t head[2];
	size_t k = src_read(c, head, sizeof head);
	if (k == 0)
		return 0;
	if (k != sizeof head)
		return fail(c, err, "truncated block header");
	uint32_t total = head[1];
	if (head[0] == BT_SHB && total == 0x1C000000u)
		return fail(c, err, "opposite-endian capture files are not supported");
	if (total < 12 || total > MAX_BLOCK)
		return fail(c, err, "invalid block total length");
	if (!c->gz && total - 8 > c->memlen - c->mempos)
		return fail(c, err, "truncated block");
	uint32_t blen = total - 12;
	if (!grow(&c->body, &c->bodycap, blen + 8))
		return fail(c, err, "out of memory");
	uint32_t trailer;
	if (src_read(c, c->body, blen) != blen || src_read(c, &trailer, 4) != 4)
		return fail(c, err, "truncated block");
	if (trailer != total)
		return fail(c, err, "wrong block total length");
	*type = head[0];
	*bodylen = blen;
	return 1;
}

/* Largest nparams the v1 event table allows, else from the lengths (unknown types). */
static int v1_nparams(uint16_t type, const uint8_t *ev, uint32_t evlen)
{
	const vg_scap_event_info *info = vg_scap_event_info_get(type);
	uint32_t lensz = vg_scap_event_is_large(type) ? 4 : 2;
	uint32_t start = info ? info->nparams : 0;
	for (int np = (int)start; np >= 0; np--) {
		uint64_t need = V1_HEADER_LEN + (uint64_t)np * lensz;
		if (need > evlen)
			continue;
		uint64_t sum = 0;
		for (int i = 0; i < np; i++) {
			uint32_t l = 0;
			memcpy(&l, ev + V1_HEADER_LEN + (size_t)i * lensz, lensz);
			sum += l;
		}
		if (need + sum == evlen)
			return np;
	}
	return -1;
}

/* Converts a v1 event (no nparams) into a 26-byte-header event in c->conv. */
static const uint8_t *convert_v1(sp_capture *c, const uint8_t *ev, uint32_t evlen)
{
	if (evlen < V1_HEADER_LEN)
		return NULL;
	uint16_t type;
	memcpy(&type, ev + 20, 2);
	int np = v1_nparams(type, ev, evlen);
	if (np < 0)
		return NULL;
	uint32_t newlen = evlen + 4;
	if (!grow(&c->conv, &c->convcap, newlen))
		return NULL;
	memcpy(c->conv, ev, 16);
	memcpy(c->conv + 16, &newlen, 4);
	memcpy(c->conv + 20, &type, 2);
	uint32_t n32 = (uint32_t)np;
	memcpy(c->conv + 22, &n32, 4);
	memcpy(c->conv + 26, ev + V1_HEADER_LEN, evlen - V1_HEADER_LEN);
	return c->conv;
}

/* The event inside an event block, or NULL (with *bad set for malformed blocks). */
static const uint8_t *block_event(sp_capture *c, uint32_t type, uint32_t blen, bool *bad)
{
	bool flags = type == BT_EVF || type == BT_EVF_V2 || type == BT_EVF_V2_LARGE;
	bool v1 = type == BT_EV || type == BT_EV_LEGACY || type == BT_EVF;
	uint32_t skip = 2 + (flags ? 4 : 0);
	*bad = false;
	if (blen < skip + (v1 ? V1_HEADER_LEN : VG_SCAP_HEADER_LEN)) {
		*bad = true;
		return NULL;
	}
	const uint8_t *ev = c->body + skip;
	uint32_t evlen;
	memcpy(&evlen, ev + 16, 4);
	if (evlen > blen - skip || evlen < (v1 ? V1_HEADER_LEN : VG_SCAP_HEADER_LEN)) {
		*bad = true;
		return NULL;
	}
	uint16_t etype;
	memcpy(&etype, ev + 20, 2);
	if (etype >= PPM_EVENT_MAX)
		return NULL; /* newer than us: skipped like libscap does */
	if (v1)
		return convert_v1(c, ev, evlen);
	return vg_scap_event_valid(ev, evlen) ? ev : NULL;
}

int sp_capture_next(sp_capture *c, const uint8_t **evt, vsdk_error *err)
{
	for (;;) {
		c->offset = c->gz ? (uint64_t)gztell(c->gz) : c->mempos;
		uint32_t type, blen;
		int rc = read_block(c, &type, &blen, err);
		if (rc <= 0) {
			if (rc == 0 && !c->seen_shb)
				return vsdk_error_set(err, "empty capture file"), -1;
			return rc;
		}
		if (!c->seen_shb && type != BT_SHB)
			return fail(c, err, "invalid block type: a capture must start with a section header");
		switch (type) {
		case BT_SHB: {
			uint32_t magic = 0;
			if (blen < 16)
				return fail(c, err, "section header too short");
			memcpy(&magic, c->body, 4);
			if (magic == 0x4D3C2B1Au)
				return fail(c, err, "opposite-endian capture files are not supported");
			if (magic != SHB_MAGIC)
				return fail(c, err, "bad section header byte-order magic");
			c->seen_shb = true;
			continue;
		}
		case BT_EV: case BT_EV_LEGACY: case BT_EVF: case BT_EV_V2: case BT_EVF_V2:
		case BT_EV_V2_LARGE: case BT_EVF_V2_LARGE: {
			bool bad;
			const uint8_t *ev = block_event(c, type, blen, &bad);
			if (bad)
				return fail(c, err, "malformed event block");
			if (!ev) {
				c->skipped++;
				continue;
			}
			*evt = ev;
			return 1;
		}
		default:
			continue; /* metadata or unknown: skipped by length */
		}
	}
}

uint64_t sp_capture_skipped(const sp_capture *c)
{
	return c->skipped;
}

void sp_capture_close(sp_capture *c)
{
	if (!c)
		return;
	if (c->gz)
		gzclose(c->gz);
	free(c->body);
	free(c->conv);
	free(c);
}

struct sp_capture_writer {
	gzFile gz;
};

static bool put(sp_capture_writer *w, const void *p, size_t n)
{
	return n == 0 || gzwrite(w->gz, p, (unsigned)n) == (int)n;
}

sp_capture_writer *sp_capture_writer_open(const char *path, bool gzip, vsdk_error *err)
{
	sp_capture_writer *w = calloc(1, sizeof *w);
	if (!w) {
		vsdk_error_set(err, "out of memory");
		return NULL;
	}
	w->gz = gzopen(path, gzip ? "wb" : "wT");
	if (!w->gz) {
		vsdk_error_set(err, "%s: %s", path, strerror(errno ? errno : EIO));
		free(w);
		return NULL;
	}
	uint32_t shb[7] = {BT_SHB, 28, SHB_MAGIC, 1 | (2u << 16), 0xFFFFFFFFu, 0xFFFFFFFFu, 28};
	if (!put(w, shb, sizeof shb)) {
		vsdk_error_set(err, "%s: write failed", path);
		gzclose(w->gz);
		free(w);
		return NULL;
	}
	return w;
}

bool sp_capture_write(sp_capture_writer *w, const void *evt, uint16_t cpuid, vsdk_error *err)
{
	uint32_t len = vg_scap_evt_len(evt);
	uint16_t type = vg_scap_evt_type(evt);
	uint32_t body = 2 + len;
	uint32_t pad = (4 - body % 4) % 4;
	uint32_t hdr[2] = {vg_scap_event_is_large(type) ? BT_EV_V2_LARGE : BT_EV_V2, 12 + body + pad};
	static const uint8_t zeros[4];
	if (!put(w, hdr, sizeof hdr) || !put(w, &cpuid, 2) || !put(w, evt, len) ||
	    !put(w, zeros, pad) || !put(w, &hdr[1], 4)) {
		vsdk_error_set(err, "capture write failed");
		return false;
	}
	return true;
}

bool sp_capture_writer_close(sp_capture_writer *w, vsdk_error *err)
{
	if (!w)
		return true;
	int rc = gzclose(w->gz);
	free(w);
	if (rc != Z_OK) {
		vsdk_error_set(err, "closing capture failed (zlib error %d)", rc);
		return false;
	}
	return true;
}
