#include "k8sa_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

k8sa_evt *k8sa_evt_new(uint64_t ts, uint32_t n)
{
	uint32_t size = K8SA_EVT_PAYLOAD_OFFSET + n;
	if (size < n)
		return NULL;
	k8sa_evt *e = malloc(sizeof(*e) + size);
	if (!e)
		return NULL;
	e->next = NULL;
	e->size = size;
	ss_plugin_event *h = k8sa_evt_hdr(e);
	h->ts = ts;
	h->tid = UINT64_MAX;
	h->len = size;
	h->type = K8SA_EVT_PLUGINEVENT;
	h->nparams = 2;
	uint32_t lens[3] = {4, n, K8SA_PLUGIN_ID};
	memcpy(e->data + sizeof(ss_plugin_event), lens, sizeof(lens));
	return e;
}

void k8sa_evt_free_list(k8sa_evt *e)
{
	while (e) {
		k8sa_evt *n = e->next;
		free(e);
		e = n;
	}
}

bool k8sa_queue_init(k8sa_queue *q, size_t max_count, size_t max_bytes)
{
	memset(q, 0, sizeof(*q));
	q->max_count = max_count;
	q->max_bytes = max_bytes;
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) != 0)
		return false;
	/* Waits are timeouts, not deadlines: a wall-clock jump must not stretch them. */
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	bool ok = pthread_cond_init(&q->cv, &ca) == 0;
	if (ok && pthread_cond_init(&q->not_full, &ca) != 0) {
		pthread_cond_destroy(&q->cv);
		ok = false;
	}
	pthread_condattr_destroy(&ca);
	if (!ok)
		return false;
	if (pthread_mutex_init(&q->mu, NULL) != 0) {
		pthread_cond_destroy(&q->cv);
		pthread_cond_destroy(&q->not_full);
		return false;
	}
	return true;
}

void k8sa_queue_destroy(k8sa_queue *q)
{
	k8sa_evt_free_list(q->head);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	pthread_cond_destroy(&q->not_full);
	q->head = q->tail = NULL;
}

static bool full(const k8sa_queue *q, const k8sa_evt *e)
{
	return q->count >= q->max_count || q->bytes + e->size > q->max_bytes;
}

bool k8sa_queue_push(k8sa_queue *q, k8sa_evt *e, bool bounded, const struct timespec *deadline)
{
	pthread_mutex_lock(&q->mu);
	while (bounded && full(q, e)) {
		int rc = ETIMEDOUT;
		if (deadline && !q->stopping) {
			q->waiting++;
			rc = pthread_cond_timedwait(&q->not_full, &q->mu, deadline);
			q->waiting--;
		}
		if (rc != 0) {
			if (full(q, e)) {
				pthread_mutex_unlock(&q->mu);
				return false;
			}
		}
	}
	e->next = NULL;
	bool was_empty = !q->head;
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
	q->count++;
	q->bytes += e->size;
	/* The consumer only ever waits on an empty queue: wake it once, not per event. */
	if (was_empty)
		pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return true;
}

void k8sa_queue_stop_waiting(k8sa_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->stopping = true;
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}

void k8sa_deadline_after(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

size_t k8sa_queue_pop(k8sa_queue *q, k8sa_evt **out, size_t max, int wait_ms)
{
	pthread_mutex_lock(&q->mu);
	if (!q->head && wait_ms > 0) {
		struct timespec deadline;
		k8sa_deadline_after(&deadline, wait_ms);
		while (!q->head) {
			if (pthread_cond_timedwait(&q->cv, &q->mu, &deadline) != 0)
				break;
		}
	}
	size_t n = 0;
	while (n < max && q->head) {
		k8sa_evt *e = q->head;
		q->head = e->next;
		e->next = NULL;
		q->count--;
		q->bytes -= e->size;
		out[n++] = e;
	}
	if (!q->head)
		q->tail = NULL;
	if (n && q->waiting)
		pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
	return n;
}
