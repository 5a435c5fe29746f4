#include "k8sa_payload.h"

#include <stdlib.h>
#include <string.h>

/* Arrays of events may nest (an array of EventLists...), but only this deep. */
#define K8SA_MAX_EVENT_NESTING 8

void k8sa_parser_init(k8sa_parser *p, size_t max_event_size, bool bounded, k8sa_queue *q,
		      k8sa_stats *stats, k8sa_log *log, const char *origin)
{
	jdoc_init(&p->doc);
	p->scratch = NULL;
	p->scratch_cap = 0;
	p->max_event_size = max_event_size;
	p->bounded = bounded;
	p->queue = q;
	p->stats = stats;
	p->log = log;
	p->origin = origin;
}

void k8sa_parser_free(k8sa_parser *p)
{
	jdoc_free(&p->doc);
	free(p->scratch);
	p->scratch = NULL;
}

/* ---- timestamps ---- */

static bool fixed_digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Hinnant's civil algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Parses ".ddd…" at s[*i]: up to 9 digits are kept (ns), further digits are truncated. */
static bool parse_fraction(const char *s, size_t n, size_t *i, uint64_t *frac)
{
	size_t digits = 0;
	*frac = 0;
	if (*i >= n || s[*i] != '.')
		return true;
	for ((*i)++; *i < n && s[*i] >= '0' && s[*i] <= '9'; (*i)++, digits++) {
		if (digits < 9)
			*frac = *frac * 10 + (uint64_t)(s[*i] - '0');
	}
	for (size_t k = digits; k < 9; k++)
		*frac *= 10;
	return digits > 0;
}

static bool parse_zone(const char *s, size_t n, size_t i, int64_t *offset)
{
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		*offset = 0;
		return true;
	}
	int hh, mm;
	if (i + 6 != n || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':' ||
	    !fixed_digits(s + i + 1, 2, &hh) || !fixed_digits(s + i + 4, 2, &mm) || hh > 23 || mm > 59)
		return false;
	*offset = (s[i] == '-' ? -1 : 1) * (int64_t)(hh * 3600 + mm * 60);
	return true;
}

bool k8sa_parse_rfc3339(const char *s, size_t n, uint64_t *ns)
{
	int y, mo, d, h, mi, sec;
	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
	    s[16] != ':')
		return false;
	if (!fixed_digits(s, 4, &y) || !fixed_digits(s + 5, 2, &mo) || !fixed_digits(s + 8, 2, &d) ||
	    !fixed_digits(s + 11, 2, &h) || !fixed_digits(s + 14, 2, &mi) ||
	    !fixed_digits(s + 17, 2, &sec))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		return false;
	size_t i = 19;
	uint64_t frac;
	int64_t offset;
	if (!parse_fraction(s, n, &i, &frac) || !parse_zone(s, n, i, &offset))
		return false;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
	if (secs < 0 || (uint64_t)secs > UINT64_MAX / 1000000000ull - 1)
		return false;
	*ns = (uint64_t)secs * 1000000000ull + frac;
	return true;
}

/* ---- re-serialization ---- */

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 when invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t more;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		more = 1;
	else if (c >= 0xE0 && c <= 0xEF) {
		more = 2;
		lo = c == 0xE0 ? 0xA0 : 0x80; /* no overlong forms */
		hi = c == 0xED ? 0x9F : 0xBF; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		more = 3;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF; /* nothing above U+10FFFF */
	} else
		return 0;
	if (n <= more || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i <= more; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	}
	return more + 1;
}

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends src[0..k) unless that would pass limit; out == NULL only counts. */
static bool put(char *out, size_t *o, size_t limit, const void *src, size_t k)
{
	if (k > limit - *o)
		return false;
	if (out)
		memcpy(out + *o, src, k);
	*o += k;
	return true;
}

/* Writes (out == NULL: measures) the compact form of token t, giving up with SIZE_MAX once it
 * would exceed limit bytes. Input is validated JSON, so outside strings only ASCII structure
 * and whitespace remain; inside strings escapes are copied as they are and runs of plain ASCII
 * are copied at once. */
static size_t compact_run(const jdoc *d, int t, char *out, size_t limit)
{
	static const unsigned char fffd[3] = {0xEF, 0xBF, 0xBD};
	const unsigned char *s = (const unsigned char *)d->text;
	size_t i = (size_t)d->tok[t].start, end = (size_t)d->tok[t].end;
	if (d->tok[t].type == JSMN_STRING) {
		i--;
		end++;
	}
	size_t o = 0;
	bool in_str = false, ok = true;
	while (ok && i < end) {
		unsigned char c = s[i];
		if (!in_str) {
			if (!is_ws(c)) {
				ok = put(out, &o, limit, &c, 1);
				in_str = c == '"';
			}
			i++;
			continue;
		}
		size_t j = i;
		while (j < end && s[j] < 0x80 && s[j] != '"' && s[j] != '\\')
			j++;
		if (j > i) {
			ok = put(out, &o, limit, s + i, j - i);
			i = j;
		} else if (c == '\\') {
			ok = put(out, &o, limit, s + i, 2); /* the escaped character is ASCII */
			i += 2;
		} else if (c == '"') {
			ok = put(out, &o, limit, &c, 1);
			in_str = false;
			i++;
		} else {
			size_t k = utf8_seq_len(s + i, end - i);
			ok = k ? put(out, &o, limit, s + i, k) : put(out, &o, limit, fffd, 3);
			i += k ? k : 1;
		}
	}
	return ok ? o : SIZE_MAX;
}

size_t k8sa_payload_compact_len(const jdoc *d, int t)
{
	return compact_run(d, t, NULL, SIZE_MAX);
}

size_t k8sa_payload_compact(const jdoc *d, int t, char *out)
{
	return compact_run(d, t, out, SIZE_MAX);
}

/* Compacts event ev into the parser's scratch buffer; SIZE_MAX when it exceeds max. */
static size_t compact_bounded(k8sa_parser *p, int ev, size_t max)
{
	const jdoc *d = &p->doc;
	size_t span = (size_t)(d->tok[ev].end - d->tok[ev].start);
	size_t need = span > max / 3 ? max : span * 3; /* invalid bytes grow threefold at most */
	if (need > p->scratch_cap) {
		char *b = realloc(p->scratch, need);
		if (!b)
			return SIZE_MAX - 1;
		p->scratch = b;
		p->scratch_cap = need;
	}
	return compact_run(d, ev, p->scratch, need);
}

/* ---- walking a payload ---- */

typedef struct k8sa_walk {
	k8sa_parser *p;
	k8sa_payload_report *rep;
	uint32_t found;        /* objects with kind "Event" */
	uint32_t unrecognized; /* anything else where an event was expected */
} k8sa_walk;

static void count(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add(c, n);
}

static bool event_timestamp(const jdoc *d, int ev, uint64_t *ts)
{
	int t = jdoc_getc(d, ev, "stageTimestamp");
	char buf[64];
	if (!jdoc_is_str(d, t) || jdoc_render_cap(d, t) > sizeof(buf))
		return false;
	size_t n = jdoc_render(d, t, buf);
	return k8sa_parse_rfc3339(buf, n, ts);
}

static void handle_event(k8sa_walk *w, int ev)
{
	k8sa_parser *p = w->p;
	const jdoc *d = &p->doc;
	w->found++;
	uint64_t ts;
	if (!event_timestamp(d, ev, &ts)) {
		w->rep->invalid++;
		count(&p->stats->dropped_invalid, 1);
		k8sa_logf(p->log, SS_PLUGIN_LOG_SEV_WARNING,
			  "%s: audit event skipped: can't read stageTimestamp (missing or not RFC 3339)",
			  p->origin);
		return;
	}
	size_t n = compact_bounded(p, ev, p->max_event_size);
	if (n == SIZE_MAX) {
		w->rep->too_large++;
		count(&p->stats->dropped_too_large, 1);
		k8sa_logf(p->log, SS_PLUGIN_LOG_SEV_WARNING,
			  "%s: audit event skipped: event larger than maxEventSize: size=%zu, maxEventSize=%zu",
			  p->origin, k8sa_payload_compact_len(d, ev), p->max_event_size);
		return;
	}
	k8sa_evt *e = n < UINT32_MAX - K8SA_EVT_PAYLOAD_OFFSET ? k8sa_evt_new(ts, (uint32_t)n) : NULL;
	if (!e) {
		w->rep->dropped_full++;
		count(&p->stats->dropped_queue_full, 1);
		return;
	}
	memcpy(k8sa_evt_payload(e), p->scratch, n);
	if (!k8sa_queue_push(p->queue, e, p->bounded, &p->push_deadline)) {
		free(e);
		w->rep->dropped_full++;
		count(&p->stats->dropped_queue_full, 1);
		return;
	}
	w->rep->queued++;
	count(&p->stats->events, 1);
}

static void handle_value(k8sa_walk *w, int t, int depth);

static void handle_elements(k8sa_walk *w, int arr, int depth)
{
	const jdoc *d = &w->p->doc;
	if (depth >= K8SA_MAX_EVENT_NESTING) {
		w->unrecognized++;
		return;
	}
	int e = jdoc_first(d, arr);
	for (int n = jdoc_size(d, arr); n > 0; n--, e = jdoc_next(d, e))
		handle_value(w, e, depth + 1);
}

static void handle_value(k8sa_walk *w, int t, int depth)
{
	const jdoc *d = &w->p->doc;
	if (jdoc_is_arr(d, t)) {
		handle_elements(w, t, depth);
		return;
	}
	int kind = jdoc_getc(d, t, "kind");
	if (jdoc_str_eqc(d, kind, "Event")) {
		handle_event(w, t);
		return;
	}
	int items = jdoc_getc(d, t, "items");
	if (jdoc_str_eqc(d, kind, "EventList") && jdoc_is_arr(d, items)) {
		handle_elements(w, items, depth);
		return;
	}
	w->unrecognized++;
}

static void report_drops(k8sa_parser *p, const k8sa_walk *w)
{
	if (w->unrecognized) {
		count(&p->stats->dropped_invalid, w->unrecognized);
		k8sa_logf(p->log, SS_PLUGIN_LOG_SEV_WARNING,
			  "%s: data not recognized as a k8s audit event (%u item%s skipped)", p->origin,
			  w->unrecognized, w->unrecognized == 1 ? "" : "s");
	}
	if (w->rep->dropped_full)
		k8sa_logf(p->log, SS_PLUGIN_LOG_SEV_WARNING,
			  "%s: event queue full: %u audit event%s dropped", p->origin,
			  w->rep->dropped_full, w->rep->dropped_full == 1 ? "" : "s");
}

k8sa_payload_rc k8sa_payload_parse(k8sa_parser *p, const char *text, size_t len,
				   k8sa_payload_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	count(&p->stats->bytes, len);
	if (!jdoc_parse(&p->doc, text, len, JDOC_DEFAULT_MAX_DEPTH, &rep->err)) {
		count(&p->stats->payloads_malformed, 1);
		k8sa_logf(p->log, SS_PLUGIN_LOG_SEV_WARNING, "%s: malformed JSON: %s at byte %zu",
			  p->origin, rep->err.reason, rep->err.offset);
		return K8SA_PAYLOAD_MALFORMED;
	}
	k8sa_deadline_after(&p->push_deadline, K8SA_PUSH_WAIT_MS);
	k8sa_walk w = {.p = p, .rep = rep};
	handle_value(&w, 0, 0);
	report_drops(p, &w);
	if (!w.found && w.unrecognized)
		return K8SA_PAYLOAD_UNRECOGNIZED;
	if (rep->dropped_full && !rep->queued)
		return K8SA_PAYLOAD_QUEUE_FULL;
	return K8SA_PAYLOAD_OK;
}
