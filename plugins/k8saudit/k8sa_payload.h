/* k8sa_payload: turns one payload (an HTTP body or a file line) into queued audit events.
 *
 * A payload is a JSON array (each element handled the same way, nested arrays up to a small
 * depth), an EventList (each of its items) or a single Event. Each Event becomes one plugin
 * event whose payload is that Event re-serialized compactly (insignificant whitespace dropped,
 * invalid UTF-8 in strings replaced by U+FFFD) and whose timestamp is its stageTimestamp.
 * Per-event problems (no or bad stageTimestamp, larger than maxEventSize, queue full) are
 * logged, counted and skipped; they never fail the payload. */
#ifndef K8SA_PAYLOAD_H
#define K8SA_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jdoc.h"
#include "k8sa_log.h"
#include "k8sa_queue.h"

typedef struct k8sa_parser {
	jdoc doc;               /* owned, reused across payloads */
	char *scratch;          /* owned: one re-serialized event, reused */
	size_t scratch_cap;
	size_t max_event_size;  /* maxEventSize */
	bool bounded;           /* bounded queue pushes (webhook) or not (files) */
	struct timespec push_deadline; /* bounded pushes wait for room until then */
	k8sa_queue *queue;      /* borrowed */
	k8sa_stats *stats;      /* borrowed */
	k8sa_log *log;          /* borrowed */
	const char *origin;     /* borrowed: names the input in log lines */
} k8sa_parser;

typedef enum k8sa_payload_rc {
	K8SA_PAYLOAD_OK,           /* recognized (possibly with per-event drops) */
	K8SA_PAYLOAD_MALFORMED,    /* not valid JSON */
	K8SA_PAYLOAD_UNRECOGNIZED, /* valid JSON without any audit Event in it */
	K8SA_PAYLOAD_QUEUE_FULL,   /* every event was refused by a full queue */
} k8sa_payload_rc;

typedef struct k8sa_payload_report {
	uint32_t queued;
	uint32_t too_large;
	uint32_t invalid;
	uint32_t dropped_full;
	jdoc_error err;            /* for K8SA_PAYLOAD_MALFORMED */
} k8sa_payload_report;

void k8sa_parser_init(k8sa_parser *p, size_t max_event_size, bool bounded, k8sa_queue *q,
		      k8sa_stats *stats, k8sa_log *log, const char *origin);
void k8sa_parser_free(k8sa_parser *p);

/* How long one payload may wait, in total, for room in a full queue before its remaining
 * events are dropped. */
#define K8SA_PUSH_WAIT_MS 2000

/* Parses text[0..len) (borrowed for the call) and queues its events. */
k8sa_payload_rc k8sa_payload_parse(k8sa_parser *p, const char *text, size_t len,
				   k8sa_payload_report *rep);

/* RFC 3339 timestamp ("2024-05-01T10:00:00.123456789Z", any fraction length, 'Z' or ±hh:mm)
 * to ns since the epoch. False when malformed or before 1970. */
bool k8sa_parse_rfc3339(const char *s, size_t n, uint64_t *ns);

/* Length of the compact, UTF-8-sanitized form of token t (see k8sa_payload_compact). */
size_t k8sa_payload_compact_len(const jdoc *d, int t);
/* Writes that form into out (k8sa_payload_compact_len bytes); returns the length. */
size_t k8sa_payload_compact(const jdoc *d, int t, char *out);

#endif
