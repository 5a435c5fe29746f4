#include "engine/drops.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

#define MAX_TRACKED 64

typedef struct tracked {
	const vg_source *src;
	uint64_t drops, events; /* counters at the last check */
} tracked;

struct vg_drops {
	const vg_config *cfg;
	vg_outputs *out;
	tracked t[MAX_TRACKED];
	uint32_t nt;
	double tokens;       /* token bucket for actions */
	uint64_t last_ns;
};

vg_drops *vg_drops_new(const vg_config *cfg, vg_outputs *out)
{
	vg_drops *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->cfg = cfg;
	d->out = out;
	d->tokens = cfg->syscall_event_drops.max_burst;
	return d;
}

void vg_drops_free(vg_drops *d)
{
	free(d);
}

static bool is_drop_metric(const char *name)
{
	size_t n = strlen(name);
	return strcmp(name, "n_drops") == 0 || (n > 6 && strcmp(name + n - 6, ".drops") == 0);
}

uint64_t vg_drops_reported(vg_source *s)
{
	uint64_t total = 0;
	const ss_plugin_metric *m;
	uint32_t nm;
	vg_plugin_metrics(s->src, &m, &nm);
	for (uint32_t i = 0; i < nm; i++) {
		if (!m[i].name || !is_drop_metric(m[i].name))
			continue;
		if (m[i].value_type == SS_PLUGIN_METRIC_VALUE_TYPE_U64)
			total += m[i].value.u64;
		else if (m[i].value_type == SS_PLUGIN_METRIC_VALUE_TYPE_U32)
			total += m[i].value.u32;
	}
	return total;
}

static tracked *track(vg_drops *d, const vg_source *s)
{
	for (uint32_t i = 0; i < d->nt; i++)
		if (d->t[i].src == s)
			return &d->t[i];
	if (d->nt == MAX_TRACKED)
		return NULL;
	d->t[d->nt] = (tracked){ .src = s };
	return &d->t[d->nt++];
}

static bool take_token(vg_drops *d, uint64_t now_ns)
{
	double rate = d->cfg->syscall_event_drops.rate;
	double burst = d->cfg->syscall_event_drops.max_burst;
	if (d->last_ns)
		d->tokens += rate * (double)(now_ns - d->last_ns) / 1e9;
	d->last_ns = now_ns;
	if (d->tokens > burst)
		d->tokens = burst;
	if (d->tokens < 1.0)
		return false;
	d->tokens -= 1.0;
	return true;
}

/* Falco's rule name for syscall drops, so alert pipelines keyed on it keep working. */
static const char *rule_name(const vg_source *s)
{
	return strcmp(s->source, "syscall") == 0 ? "Falco internal: syscall event drop" : "vigil internal: event drop";
}

static void act(vg_drops *d, const vg_source *s, uint64_t drops, uint64_t events, double ratio)
{
	uint32_t actions = d->cfg->syscall_event_drops.actions;
	char msg[512], fields[512];
	snprintf(msg, sizeof(msg), "%s. %" PRIu64 " events dropped in the last second (%.1f%%) by source %s (%s).",
		 rule_name(s), drops, ratio * 100.0, s->source, s->plugin_name);
	snprintf(fields, sizeof(fields), "{\"n_drops\":%" PRIu64 ",\"n_evts\":%" PRIu64 ",\"plugin\":\"%s\",\"source\":\"%s\"}",
		 drops, events, s->plugin_name, s->source);
	if (actions & VG_DROP_ACTION_LOG)
		vg_warn("%s", msg);
	if ((actions & VG_DROP_ACTION_ALERT) && d->out)
		vg_outputs_submit_internal(d->out, VG_PRIO_CRITICAL, rule_name(s), msg, fields);
}

bool vg_drops_check(vg_drops *d, vg_source *const *sources, uint32_t n, uint64_t now_ns)
{
	bool keep_running = true;
	for (uint32_t i = 0; i < n; i++) {
		vg_source *s = sources[i];
		tracked *t = track(d, s);
		if (!t)
			continue;
		uint64_t drops = vg_drops_reported(s);
		uint64_t events = atomic_load(&s->stats.events);
		uint64_t dd = drops - t->drops, de = events - t->events;
		t->drops = drops;
		t->events = events;
		if (dd == 0)
			continue;
		double ratio = (double)dd / (double)(dd + de);
		if (ratio <= d->cfg->syscall_event_drops.threshold)
			continue;
		if (d->cfg->syscall_event_drops.actions & VG_DROP_ACTION_EXIT) {
			vg_log(VG_LOG_CRIT, NULL, "source %s dropped %" PRIu64 " events in the last second: exiting as "
				"syscall_event_drops.actions asks", s->source, dd);
			keep_running = false;
		}
		if (take_token(d, now_ns))
			act(d, s, dd, de, ratio);
	}
	return keep_running;
}
