/* syscall plugin — BPF ring buffer consumer with a min-timestamp merge. */
#include "sp_rings.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct ring {
	unsigned long *consumer_pos; /* shared page, written by us */
	unsigned long *producer_pos; /* shared page, written by the kernel */
	uint8_t *data;               /* data area, mapped twice so records never wrap */
	void *prod_map;
	uint64_t mask;
	unsigned long pos;           /* next unread record, committed at the next batch */
	unsigned long prod_seen;
	const uint8_t *head;         /* current first record, NULL when empty */
	uint64_t head_ts;
};

struct sp_rings {
	uint32_t n;
	size_t page;
	uint64_t bytes;
	struct ring r[];
};

static uint32_t record_span(uint32_t len)
{
	return (len + BPF_RINGBUF_HDR_SZ + 7u) & ~7u;
}

/* Finds the first committed record at or after r->pos, skipping discarded ones. */
static void peek(struct ring *r)
{
	r->head = NULL;
	for (;;) {
		if (r->pos == r->prod_seen) {
			r->prod_seen = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
			if (r->pos == r->prod_seen)
				return;
		}
		const uint32_t *hdr = (const uint32_t *)(r->data + (r->pos & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT)
			return; /* reserved but not yet submitted */
		if (len & BPF_RINGBUF_DISCARD_BIT) {
			r->pos += record_span(len & ~BPF_RINGBUF_DISCARD_BIT);
			continue;
		}
		r->head = (const uint8_t *)hdr + BPF_RINGBUF_HDR_SZ;
		memcpy(&r->head_ts, r->head, sizeof r->head_ts);
		return;
	}
}

sp_rings *sp_rings_open(const int *fds, uint32_t n, uint64_t bytes, vsdk_error *err)
{
	sp_rings *rs = calloc(1, sizeof *rs + n * sizeof(struct ring));
	if (!rs) {
		vsdk_error_set(err, "out of memory");
		return NULL;
	}
	rs->n = n;
	rs->page = (size_t)sysconf(_SC_PAGESIZE);
	rs->bytes = bytes;
	for (uint32_t i = 0; i < n; i++) {
		struct ring *r = &rs->r[i];
		void *cons = mmap(NULL, rs->page, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], 0);
		void *prod = mmap(NULL, rs->page + 2 * bytes, PROT_READ, MAP_SHARED, fds[i],
		                  (off_t)rs->page);
		if (cons == MAP_FAILED || prod == MAP_FAILED) {
			int e = errno;
			if (cons != MAP_FAILED)
				munmap(cons, rs->page);
			if (prod != MAP_FAILED)
				munmap(prod, rs->page + 2 * bytes);
			rs->n = i;
			sp_rings_close(rs);
			vsdk_error_set(err, "mapping ring %u: %s", i, strerror(e));
			return NULL;
		}
		r->consumer_pos = cons;
		r->producer_pos = prod;
		r->prod_map = prod;
		r->data = (uint8_t *)prod + rs->page;
		r->mask = bytes - 1;
		r->pos = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
		r->prod_seen = r->pos;
	}
	return rs;
}

uint32_t sp_rings_next_batch(sp_rings *rs, const uint8_t **out, uint32_t max)
{
	for (uint32_t i = 0; i < rs->n; i++) {
		struct ring *r = &rs->r[i];
		__atomic_store_n(r->consumer_pos, r->pos, __ATOMIC_RELEASE);
		peek(r);
	}
	uint32_t got = 0;
	while (got < max) {
		struct ring *best = NULL;
		for (uint32_t i = 0; i < rs->n; i++) {
			struct ring *r = &rs->r[i];
			if (r->head && (!best || r->head_ts < best->head_ts))
				best = r;
		}
		if (!best)
			break;
		out[got++] = best->head;
		uint32_t len;
		memcpy(&len, best->head - BPF_RINGBUF_HDR_SZ, sizeof len);
		best->pos += record_span(len);
		peek(best);
	}
	return got;
}

uint64_t sp_rings_pending(const sp_rings *rs)
{
	uint64_t total = 0;
	for (uint32_t i = 0; i < rs->n; i++) {
		unsigned long prod = __atomic_load_n(rs->r[i].producer_pos, __ATOMIC_ACQUIRE);
		unsigned long cons = __atomic_load_n(rs->r[i].consumer_pos, __ATOMIC_ACQUIRE);
		total += prod - cons;
	}
	return total;
}

void sp_rings_close(sp_rings *rs)
{
	if (!rs)
		return;
	for (uint32_t i = 0; i < rs->n; i++) {
		munmap(rs->r[i].consumer_pos, rs->page);
		munmap(rs->r[i].prod_map, rs->page + 2 * rs->bytes);
	}
	free(rs);
}
