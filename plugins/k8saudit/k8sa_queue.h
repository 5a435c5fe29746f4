/* k8sa_queue: audit events waiting for next_batch, and the event buffers themselves.
 *
 * Producers are the HTTP threads (bounded pushes: when the queue is full the event is refused
 * and the caller counts a drop) and the file readers (unbounded pushes: they run inside
 * next_batch and only read more once the queue is empty, so memory stays bounded by one line).
 * The consumer is next_batch, which waits briefly on a condition variable when it is empty. */
#ifndef K8SA_QUEUE_H
#define K8SA_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <vigil/plugin_api.h>

/* k8saudit's registered plugin id, written into every event it produces. */
#define K8SA_PLUGIN_ID 1
/* libscap plugin event: 26-byte header, two u32 lengths, u32 plugin id, then the payload. */
#define K8SA_EVT_PLUGINEVENT 322
#define K8SA_EVT_PAYLOAD_OFFSET 38

/* One event in the libscap plugin-event layout, ready to hand to the host. */
typedef struct k8sa_evt {
	struct k8sa_evt *next;
	uint32_t size;                 /* bytes in data */
	_Alignas(8) unsigned char data[]; /* ss_plugin_event header, lengths, plugin id, payload */
} k8sa_evt;

/* A new event for a payload of n bytes with timestamp ts (ns); the caller writes the payload at
 * k8sa_evt_payload(). Transferred to the caller, freed with free(). NULL when out of memory. */
k8sa_evt *k8sa_evt_new(uint64_t ts, uint32_t n);
static inline char *k8sa_evt_payload(k8sa_evt *e)
{
	return (char *)e->data + K8SA_EVT_PAYLOAD_OFFSET;
}
static inline ss_plugin_event *k8sa_evt_hdr(k8sa_evt *e)
{
	return (ss_plugin_event *)e->data;
}
/* Frees a list linked through next. */
void k8sa_evt_free_list(k8sa_evt *e);

typedef struct k8sa_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* signalled on push */
	pthread_cond_t not_full; /* broadcast on pop and on stop */
	k8sa_evt *head; /* owned */
	k8sa_evt *tail;
	size_t count;
	size_t bytes;
	size_t max_count;
	size_t max_bytes;
	bool stopping;           /* producers must not wait any more */
	unsigned waiting;        /* producers blocked on not_full */
} k8sa_queue;

bool k8sa_queue_init(k8sa_queue *q, size_t max_count, size_t max_bytes);
/* Frees the queued events. */
void k8sa_queue_destroy(k8sa_queue *q);
/* Appends e (ownership transferred on success). A bounded push waits for room until deadline
 * (CLOCK_MONOTONIC; NULL = no wait), so a slow consumer slows producers down instead of losing
 * events; it fails when the queue is still at its count or byte limit then, or once
 * k8sa_queue_stop_waiting was called. On failure e still belongs to the caller. */
bool k8sa_queue_push(k8sa_queue *q, k8sa_evt *e, bool bounded, const struct timespec *deadline);
/* Makes every current and future bounded push give up at once (before stopping producers). */
void k8sa_queue_stop_waiting(k8sa_queue *q);
/* now + ms on CLOCK_MONOTONIC, for push and pop deadlines. */
void k8sa_deadline_after(struct timespec *ts, int ms);
/* Moves up to max events into out (ownership transferred). When the queue is empty, waits up to
 * wait_ms for a push. Returns the number moved. */
size_t k8sa_queue_pop(k8sa_queue *q, k8sa_evt **out, size_t max, int wait_ms);

#endif
