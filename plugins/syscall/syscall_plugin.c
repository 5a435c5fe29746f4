/* syscall — id-0 sourcing plugin feeding the "syscall" source from vigil's modern eBPF driver,
 * or replaying a scap capture file.
 *
 * init config (JSON, every key optional):
 *   buffer_bytes          per-ring size, default 8 MiB (rounded up to a power of two)
 *   cpus_for_each_buffer  CPUs sharing one ring, default 1 (0 = a single ring)
 *   snaplen               I/O bytes captured, default 80
 *   drop_failed           drop failed syscalls in the kernel, default false
 *   capture_env           capture execve environments, default true
 *   syscalls              evt.type names the rules need; absent = everything supported
 *   base_syscalls         {custom_set: [names, "!name"], repair: bool, all: bool} (Falco's)
 * open params: "" or "live" = trace this host; "capture:FILE" = replay a scap file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp_capture.h"
#include "sp_driver.h"
#include "sp_rings.h"
#include "sp_select.h"
#include "vigil/plugin_api.h"
#include "vigil/plugin_sdk.h"
#include "vigil/scap_events.h"

#define SP_BATCH_MAX 512
#define SP_BACKOFF_START_US 500
#define SP_BACKOFF_MAX_US 30000
#define SP_MAX_NAMES 512

enum sp_metric_idx {
	M_EVTS, M_DROPS, M_DROPS_BUFFER, M_DROPS_MAX_SIZE, M_DROPS_SCRATCH, M_DELIVERED,
	M_SELECTED, M_COUNT
};

typedef struct sp_names {
	char *text;          /* owned: the names, NUL-separated */
	const char *v[SP_MAX_NAMES];
	size_t n;
	bool present;
} sp_names;

typedef struct sp_plugin sp_plugin;

typedef struct sp_instance {
	sp_plugin *p;
	sp_driver *drv;
	sp_rings *rings;
	sp_capture *cap;
	bool cap_eof;
	uint8_t *copy;       /* capture replay: events of the current batch, back to back */
	size_t copycap;
	const uint8_t *raw[SP_BATCH_MAX];
	ss_plugin_event *evts[SP_BATCH_MAX];
	uint32_t backoff_us;
	uint64_t delivered;
	size_t selected;
} sp_instance;

struct sp_plugin {
	vsdk_error err;
	vsdk_logger log;
	sp_driver_opts dopts;
	sp_names rules;
	sp_names custom;
	bool repair;
	bool all;
	sp_instance *live; /* for metrics */
	uint64_t closed_delivered;
	uint64_t last_selected;
	/* Per-CPU counters of live instances already closed: metrics stay monotonic, and the
	 * final `--stats` read after close still shows every drop. Reported per CPU as
	 * n_evts_cpu_N / n_drops_cpu_N, and summed into the totals. Sized at init for the
	 * possible CPUs, which do not change. */
	uint32_t ncpus;
	bool per_cpu_reported; /* from the first live open on (a capture replay has no CPUs) */
	sp_driver_stats *cpu_closed;
	char (*cpu_names)[2][24];
	ss_plugin_metric *metrics; /* M_COUNT + 2 * ncpus */
};

/* ---- identity ------------------------------------------------------------------------- */

/* 3.5: get_metrics. */
VIGIL_PLUGIN_EXPORT const char *plugin_get_required_api_version(void) { return "3.5.0"; }
VIGIL_PLUGIN_EXPORT const char *plugin_get_version(void) { return "0.1.0"; }
VIGIL_PLUGIN_EXPORT const char *plugin_get_name(void) { return "syscall"; }
VIGIL_PLUGIN_EXPORT const char *plugin_get_contact(void) { return "https://github.com/vigil"; }
VIGIL_PLUGIN_EXPORT const char *plugin_get_description(void)
{
	return "Host syscall events from vigil's modern eBPF driver, or a scap capture replay";
}
/* No get_id/get_event_source: a sourcing plugin without them has id 0 and feeds "syscall". */

VIGIL_PLUGIN_EXPORT const char *plugin_get_init_schema(ss_plugin_schema_type *schema_type)
{
	*schema_type = SS_PLUGIN_SCHEMA_JSON;
	return "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"object\","
	       "\"properties\":{"
	       "\"buffer_bytes\":{\"type\":\"integer\",\"minimum\":4096},"
	       "\"cpus_for_each_buffer\":{\"type\":\"integer\",\"minimum\":0},"
	       "\"snaplen\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":4096},"
	       "\"drop_failed\":{\"type\":\"boolean\"},\"capture_env\":{\"type\":\"boolean\"},"
	       "\"syscalls\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	       "\"base_syscalls\":{\"type\":\"object\",\"properties\":{"
	       "\"custom_set\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
	       "\"repair\":{\"type\":\"boolean\"},\"all\":{\"type\":\"boolean\"}}}}}";
}

VIGIL_PLUGIN_EXPORT const char *plugin_get_last_error(ss_plugin_t *s)
{
	return vsdk_error_str(&((sp_plugin *)s)->err);
}

VIGIL_PLUGIN_EXPORT const char *plugin_list_open_params(ss_plugin_t *s, ss_plugin_rc *rc)
{
	*rc = SS_PLUGIN_SUCCESS;
	return "[{\"value\":\"live\",\"desc\":\"trace this host with the eBPF driver\"},"
	       "{\"value\":\"capture:/path/file.scap\",\"desc\":\"replay a scap capture "
	       "(plain or gzip)\"}]";
}

/* ---- init config ---------------------------------------------------------------------- */

/* Parses a JSON array of plain strings (syscall names: no escapes) into `out`. */
static bool parse_names(const char *raw, size_t len, sp_names *out, const char *key,
                        vsdk_error *err)
{
	out->text = malloc(len + 1);
	if (!out->text)
		return vsdk_error_set(err, "out of memory"), false;
	size_t i = 0, w = 0;
	while (i < len && raw[i] != '[')
		i++;
	if (i == len)
		return vsdk_error_set(err, "init config: '%s' must be an array of strings", key), false;
	for (i++; i < len;) {
		char ch = raw[i];
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ',') {
			i++;
			continue;
		}
		if (ch == ']') {
			out->present = true;
			return true;
		}
		if (ch != '"')
			return vsdk_error_set(err, "init config: '%s' must hold strings (byte %zu)", key,
			                      i), false;
		size_t start = ++i;
		while (i < len && raw[i] != '"' && raw[i] != '\\')
			i++;
		if (i == len || raw[i] == '\\')
			return vsdk_error_set(err, "init config: bad name in '%s' (byte %zu)", key, start),
			       false;
		if (out->n == SP_MAX_NAMES)
			return vsdk_error_set(err, "init config: more than %d names in '%s'",
			                      SP_MAX_NAMES, key), false;
		memcpy(out->text + w, raw + start, i - start);
		out->text[w + (i - start)] = '\0';
		out->v[out->n++] = out->text + w;
		w += i - start + 1;
		i++;
	}
	return vsdk_error_set(err, "init config: unterminated array '%s'", key), false;
}

static bool get_u32(vsdk_json *j, const char *key, uint32_t *out, vsdk_error *err)
{
	uint64_t v;
	vsdk_json_rc rc = vsdk_json_get_u64(j, key, &v, err);
	if (rc == VSDK_JSON_BAD_TYPE)
		return false;
	if (rc == VSDK_JSON_OK) {
		if (v > UINT32_MAX)
			return vsdk_error_set(err, "init config: '%s' is too large", key), false;
		*out = (uint32_t)v;
	}
	return true;
}

static bool get_names(vsdk_json *j, const char *key, sp_names *out, vsdk_error *err)
{
	const char *raw;
	size_t len;
	if (vsdk_json_get_raw(j, key, &raw, &len) != VSDK_JSON_OK)
		return true;
	return parse_names(raw, len, out, key, err);
}

static bool parse_config(sp_plugin *p, const char *config, vsdk_error *err)
{
	vsdk_json *j = vsdk_json_new();
	if (!j)
		return vsdk_error_set(err, "out of memory"), false;
	bool ok = vsdk_json_load(j, config ? config : "", config ? strlen(config) : 0, err);
	uint64_t bytes = p->dopts.buffer_bytes;
	ok = ok && vsdk_json_get_u64(j, "buffer_bytes", &bytes, err) != VSDK_JSON_BAD_TYPE;
	p->dopts.buffer_bytes = bytes;
	ok = ok && get_u32(j, "cpus_for_each_buffer", &p->dopts.cpus_per_ring, err);
	ok = ok && get_u32(j, "snaplen", &p->dopts.snaplen, err);
	ok = ok && vsdk_json_get_bool(j, "drop_failed", &p->dopts.drop_failed, err) != VSDK_JSON_BAD_TYPE;
	ok = ok && vsdk_json_get_bool(j, "capture_env", &p->dopts.capture_env, err) != VSDK_JSON_BAD_TYPE;
	ok = ok && get_names(j, "syscalls", &p->rules, err);
	ok = ok && get_names(j, "base_syscalls.custom_set", &p->custom, err);
	ok = ok && vsdk_json_get_bool(j, "base_syscalls.repair", &p->repair, err) != VSDK_JSON_BAD_TYPE;
	ok = ok && vsdk_json_get_bool(j, "base_syscalls.all", &p->all, err) != VSDK_JSON_BAD_TYPE;
	if (ok && p->dopts.snaplen > 4096)
		ok = (vsdk_error_set(err, "init config: snaplen must be at most 4096"), false);
	if (ok && p->dopts.buffer_bytes < 4096)
		ok = (vsdk_error_set(err, "init config: buffer_bytes must be at least 4096"), false);
	vsdk_json_free(j);
	return ok;
}

static void names_free(sp_names *n)
{
	free(n->text);
	memset(n, 0, sizeof *n);
}

VIGIL_PLUGIN_EXPORT void plugin_destroy(ss_plugin_t *s)
{
	sp_plugin *p = s;
	if (!p)
		return;
	names_free(&p->rules);
	names_free(&p->custom);
	free(p->cpu_closed);
	free(p->cpu_names);
	free(p->metrics);
	free(p);
}

static void set_defaults(sp_plugin *p)
{
	p->dopts = (sp_driver_opts){.buffer_bytes = 8ULL << 20, .cpus_per_ring = 1, .snaplen = 80,
	                            .drop_failed = false, .capture_env = true};
	p->repair = p->all = false;
}

static bool alloc_metrics(sp_plugin *p)
{
	p->ncpus = sp_driver_possible_cpus();
	size_t slots = p->ncpus ? p->ncpus : 1;
	p->cpu_closed = calloc(slots, sizeof *p->cpu_closed);
	p->cpu_names = calloc(slots, sizeof *p->cpu_names);
	p->metrics = calloc(M_COUNT + 2 * slots, sizeof *p->metrics);
	if (!p->cpu_closed || !p->cpu_names || !p->metrics)
		return vsdk_error_set(&p->err, "out of memory"), false;
	for (uint32_t cpu = 0; cpu < p->ncpus; cpu++) {
		snprintf(p->cpu_names[cpu][0], sizeof p->cpu_names[cpu][0], "n_evts_cpu_%u", cpu);
		snprintf(p->cpu_names[cpu][1], sizeof p->cpu_names[cpu][1], "n_drops_cpu_%u", cpu);
	}
	return true;
}

VIGIL_PLUGIN_EXPORT ss_plugin_t *plugin_init(const ss_plugin_init_input *in, ss_plugin_rc *rc)
{
	sp_plugin *p = calloc(1, sizeof *p);
	if (!p) {
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	vsdk_logger_init(&p->log, in);
	set_defaults(p);
	bool ok = alloc_metrics(p) && parse_config(p, in->config, &p->err);
	*rc = ok ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
	return p;
}

/* vigil calls this after loading the rules and before open, to hand over the event types the
 * rules need; a new config starts again from the defaults, as init does. */
VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_set_config(ss_plugin_t *s, const ss_plugin_set_config_input *in)
{
	sp_plugin *p = s;
	if (p->live)
		return vsdk_error_set(&p->err, "set_config: the driver is already open");
	names_free(&p->rules);
	names_free(&p->custom);
	set_defaults(p);
	return parse_config(p, in->config, &p->err) ? SS_PLUGIN_SUCCESS : SS_PLUGIN_FAILURE;
}

/* ---- open / close --------------------------------------------------------------------- */

static void stats_add(sp_driver_stats *to, const sp_driver_stats *st)
{
	to->n_evts += st->n_evts;
	to->n_drops_buffer += st->n_drops_buffer;
	to->n_drops_max_size += st->n_drops_max_size;
	to->n_drops_scratch += st->n_drops_scratch;
}

static uint64_t stats_drops(const sp_driver_stats *st)
{
	return st->n_drops_buffer + st->n_drops_max_size + st->n_drops_scratch;
}

static void instance_free(sp_instance *h)
{
	if (!h)
		return;
	if (h->p && h->p->live == h) {
		sp_plugin *p = h->p;
		for (uint32_t cpu = 0; h->drv && cpu < p->ncpus; cpu++) {
			sp_driver_stats st;
			sp_driver_stats_cpu(h->drv, cpu, &st);
			stats_add(&p->cpu_closed[cpu], &st);
		}
		p->closed_delivered += h->delivered;
		p->live = NULL;
	}
	sp_rings_close(h->rings);
	sp_driver_close(h->drv);
	sp_capture_close(h->cap);
	free(h->copy);
	free(h);
}

static bool open_live(sp_plugin *p, sp_instance *h)
{
	sp_select_opts so = {
		.rules = p->rules.present ? p->rules.v : NULL, .nrules = p->rules.n,
		.custom_set = p->custom.v, .ncustom = p->custom.n, .repair = p->repair, .all = p->all,
	};
	sp_selection sel;
	size_t unknown;
	sp_select_compute(&so, &sel, &unknown);
	h->selected = sp_select_count(&sel);
	if (unknown)
		vsdk_log(&p->log, SS_PLUGIN_LOG_SEV_DEBUG,
		         "%zu requested event types are not traced by the driver", unknown);
	h->drv = sp_driver_open(&p->dopts, &p->err);
	if (!h->drv)
		return false;
	p->per_cpu_reported = true;
	uint32_t n = sp_driver_nrings(h->drv);
	int fds[1024];
	if (n > 1024)
		return vsdk_error_set(&p->err, "too many rings (%u)", n), false;
	for (uint32_t i = 0; i < n; i++)
		fds[i] = sp_driver_ring_fd(h->drv, i);
	h->rings = sp_rings_open(fds, n, sp_driver_ring_bytes(h->drv), &p->err);
	if (!h->rings || !sp_driver_select(h->drv, &sel, &p->err))
		return false;
	vsdk_log(&p->log, SS_PLUGIN_LOG_SEV_INFO,
	         "eBPF driver loaded: %zu syscalls selected, %u rings of %llu bytes, entry capture "
	         "by %s", h->selected, n, (unsigned long long)sp_driver_ring_bytes(h->drv),
	         sp_driver_enter_hook(h->drv));
	p->live = h;
	return true;
}

VIGIL_PLUGIN_EXPORT ss_instance_t *plugin_open(ss_plugin_t *s, const char *params, ss_plugin_rc *rc)
{
	sp_plugin *p = s;
	sp_instance *h = calloc(1, sizeof *h);
	if (!h) {
		*rc = vsdk_error_set(&p->err, "out of memory");
		return NULL;
	}
	h->p = p;
	h->backoff_us = SP_BACKOFF_START_US;
	const char *prm = params ? params : "";
	bool ok;
	if (strncmp(prm, "capture:", 8) == 0) {
		h->cap = sp_capture_open(prm + 8, &p->err);
		ok = h->cap != NULL;
	} else if (prm[0] == '\0' || strcmp(prm, "live") == 0) {
		ok = open_live(p, h);
	} else {
		ok = (vsdk_error_set(&p->err, "open params: expected \"live\" or \"capture:FILE\", "
		                              "got \"%s\"", prm), false);
	}
	if (!ok) {
		instance_free(h);
		*rc = SS_PLUGIN_FAILURE;
		return NULL;
	}
	*rc = SS_PLUGIN_SUCCESS;
	return h;
}

VIGIL_PLUGIN_EXPORT void plugin_close(ss_plugin_t *s, ss_instance_t *h)
{
	instance_free(h);
}

/* ---- events --------------------------------------------------------------------------- */

static void backoff_sleep(sp_instance *h)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)h->backoff_us * 1000};
	nanosleep(&ts, NULL);
	h->backoff_us = h->backoff_us * 2 > SP_BACKOFF_MAX_US ? SP_BACKOFF_MAX_US : h->backoff_us * 2;
}

static ss_plugin_rc next_live(sp_instance *h, uint32_t *nevts, ss_plugin_event ***evts)
{
	uint32_t n = sp_rings_next_batch(h->rings, h->raw, SP_BATCH_MAX);
	if (n == 0) {
		backoff_sleep(h);
		*nevts = 0;
		return SS_PLUGIN_TIMEOUT;
	}
	h->backoff_us = SP_BACKOFF_START_US;
	for (uint32_t i = 0; i < n; i++)
		h->evts[i] = (ss_plugin_event *)h->raw[i];
	h->delivered += n;
	*nevts = n;
	*evts = h->evts;
	return SS_PLUGIN_SUCCESS;
}

/* Replay copies events out of the reader (it reuses its buffer per event). */
static ss_plugin_rc next_capture(sp_instance *h, uint32_t *nevts, ss_plugin_event ***evts)
{
	*nevts = 0;
	if (h->cap_eof)
		return SS_PLUGIN_EOF;
	size_t used = 0;
	uint32_t n = 0;
	size_t offs[SP_BATCH_MAX];
	while (n < SP_BATCH_MAX && used < (1u << 20)) {
		const uint8_t *ev;
		int rc = sp_capture_next(h->cap, &ev, &h->p->err);
		if (rc < 0)
			return SS_PLUGIN_FAILURE;
		if (rc == 0) {
			h->cap_eof = true;
			break;
		}
		uint32_t len = vg_scap_evt_len(ev);
		size_t need = used + ((len + 7u) & ~7u);
		if (need > h->copycap) {
			size_t cap = h->copycap ? h->copycap : 1u << 16;
			while (cap < need)
				cap *= 2;
			uint8_t *c = realloc(h->copy, cap);
			if (!c)
				return vsdk_error_set(&h->p->err, "out of memory");
			h->copy = c;
			h->copycap = cap;
		}
		memcpy(h->copy + used, ev, len);
		offs[n++] = used;
		used = need;
	}
	for (uint32_t i = 0; i < n; i++)
		h->evts[i] = (ss_plugin_event *)(h->copy + offs[i]);
	h->delivered += n;
	*nevts = n;
	*evts = h->evts;
	if (n == 0)
		return SS_PLUGIN_EOF;
	return SS_PLUGIN_SUCCESS;
}

VIGIL_PLUGIN_EXPORT ss_plugin_rc plugin_next_batch(ss_plugin_t *s, ss_instance_t *hi,
                                                   uint32_t *nevts, ss_plugin_event ***evts)
{
	sp_instance *h = hi;
	return h->cap ? next_capture(h, nevts, evts) : next_live(h, nevts, evts);
}

VIGIL_PLUGIN_EXPORT const char *plugin_get_progress(ss_plugin_t *s, ss_instance_t *hi,
                                                    uint32_t *progress_pct)
{
	*progress_pct = ((sp_instance *)hi)->cap_eof ? 10000 : 0;
	return ((sp_instance *)hi)->cap_eof ? "100.00" : "0.00";
}

/* ---- metrics -------------------------------------------------------------------------- */

static void set_metric(ss_plugin_metric *m, const char *name, ss_plugin_metric_type type,
                       uint64_t v)
{
	m->name = name;
	m->type = type;
	m->value_type = SS_PLUGIN_METRIC_VALUE_TYPE_U64;
	m->value.u64 = v;
}

/* Totals first (n_drops is what vigil's drop policy watches; each is the sum over CPUs), then
 * each CPU's events and drops: a CPU whose ring overflows shows where the load is. */
VIGIL_PLUGIN_EXPORT ss_plugin_metric *plugin_get_metrics(ss_plugin_t *s, uint32_t *num_metrics)
{
	sp_plugin *p = s;
	const ss_plugin_metric_type mono = SS_PLUGIN_METRIC_TYPE_MONOTONIC;
	sp_driver_stats st = {0};
	for (uint32_t cpu = 0; cpu < p->ncpus; cpu++) {
		sp_driver_stats c = p->cpu_closed[cpu];
		if (p->live) {
			sp_driver_stats now;
			sp_driver_stats_cpu(p->live->drv, cpu, &now);
			stats_add(&c, &now);
		}
		stats_add(&st, &c);
		set_metric(&p->metrics[M_COUNT + 2 * cpu], p->cpu_names[cpu][0], mono, c.n_evts);
		set_metric(&p->metrics[M_COUNT + 2 * cpu + 1], p->cpu_names[cpu][1], mono, stats_drops(&c));
	}
	uint64_t delivered = p->closed_delivered;
	if (p->live) {
		delivered += p->live->delivered;
		p->last_selected = p->live->selected;
	}
	set_metric(&p->metrics[M_EVTS], "n_evts", mono, st.n_evts);
	set_metric(&p->metrics[M_DROPS], "n_drops", mono, stats_drops(&st));
	set_metric(&p->metrics[M_DROPS_BUFFER], "n_drops_buffer_total", mono, st.n_drops_buffer);
	set_metric(&p->metrics[M_DROPS_MAX_SIZE], "n_drops_max_event_size", mono, st.n_drops_max_size);
	set_metric(&p->metrics[M_DROPS_SCRATCH], "n_drops_scratch_map", mono, st.n_drops_scratch);
	set_metric(&p->metrics[M_DELIVERED], "n_evts_delivered", mono, delivered);
	set_metric(&p->metrics[M_SELECTED], "n_syscalls_selected", SS_PLUGIN_METRIC_TYPE_NON_MONOTONIC,
	           p->last_selected);
	*num_metrics = M_COUNT + (p->per_cpu_reported ? 2 * p->ncpus : 0);
	return p->metrics;
}
