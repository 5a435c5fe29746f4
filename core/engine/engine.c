#include "engine/engine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/drops.h"
#include "util/log.h"

struct vg_engine {
	const vg_config *cfg;
	vg_plugin_registry *plugins;
	vg_source_plugin_cfg *pcfgs; /* configured plugins in load order */
	uint32_t npcfgs;
	vg_source **sources;
	uint32_t nsources;
	char hostname[256];
	char replay_params[4200]; /* open params of the implicit syscall source in replay mode */
	vg_engine_event_fn on_event;
	void *on_event_ud;
	vg_engine_tick_fn on_tick;
	void *on_tick_ud;
	bool tick_failed;
	_Atomic bool stop;
	pthread_mutex_t lock; /* guards wake */
	pthread_cond_t wake;  /* signalled when a source thread ends */
};

static void resolve_hostname(vg_engine *e)
{
	const char *env = getenv("VIGIL_HOSTNAME");
	if (!env || !*env)
		env = getenv("FALCO_HOSTNAME"); /* Falco's variable, honoured for drop-in use */
	if (env && *env)
		snprintf(e->hostname, sizeof(e->hostname), "%s", env);
	else if (gethostname(e->hostname, sizeof(e->hostname)) != 0)
		snprintf(e->hostname, sizeof(e->hostname), "localhost");
	e->hostname[sizeof(e->hostname) - 1] = '\0';
}

static vg_rc push_pcfg(vg_engine *e, vg_plugin_lib *lib, const char *init_config, const char *open_params, vg_err *err)
{
	vg_source_plugin_cfg *p = realloc(e->pcfgs, sizeof(*p) * (e->npcfgs + 1));
	if (!p)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	e->pcfgs = p;
	e->pcfgs[e->npcfgs++] = (vg_source_plugin_cfg){ lib, init_config, open_params };
	return VG_OK;
}

static vg_rc load_one(vg_engine *e, const vg_config_plugin *cp, vg_err *err)
{
	vg_plugin_lib *lib;
	/* Whatever the host's reason (missing file, bad symbol, version...), for the caller this
	 * is a plugin failure: the exit code says so. */
	if (vg_plugin_registry_load(e->plugins, cp->library_path, &lib, err) != VG_OK)
		return err->rc = VG_ERR_PLUGIN;
	const vg_plugin_info *info = vg_plugin_lib_info(lib);
	if (cp->name && *cp->name && strcmp(cp->name, info->name) != 0)
		vg_warn("plugins: entry '%s' loaded a plugin that calls itself '%s' (%s)", cp->name, info->name, info->path);
	return push_pcfg(e, lib, cp->init_config, cp->open_params, err);
}

static vg_rc load_configured(vg_engine *e, vg_err *err)
{
	const vg_config_plugin *const *enabled;
	size_t n = vg_config_enabled_plugins(e->cfg, &enabled);
	for (size_t i = 0; i < n; i++) {
		vg_rc rc = load_one(e, enabled[i], err);
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}

static bool source_wanted(const vg_engine_opts *o, const char *source)
{
	for (uint32_t i = 0; i < o->n_disable_sources; i++)
		if (strcmp(o->disable_sources[i], source) == 0)
			return false;
	if (!o->n_enable_sources)
		return true;
	for (uint32_t i = 0; i < o->n_enable_sources; i++)
		if (strcmp(o->enable_sources[i], source) == 0)
			return true;
	return false;
}

static bool have_lib(const vg_engine *e, bool (*pred)(const vg_plugin_info *))
{
	for (uint32_t i = 0; i < e->npcfgs; i++)
		if (pred(vg_plugin_lib_info(e->pcfgs[i].lib)))
			return true;
	return false;
}

static bool is_syscall_source(const vg_plugin_info *info)
{
	return (info->caps & VG_PLUGIN_CAP_SOURCING) && info->id == 0;
}

static bool is_syscall_state(const vg_plugin_info *info)
{
	return (info->caps & VG_PLUGIN_CAP_PARSING) && strcmp(info->name, "sysstate") == 0;
}

/* Falco runs system calls from engine.kind without any plugin entry; so does vigil, with its
 * own syscall source and state plugins from the plugin directory. */
static vg_rc add_implicit_syscall(vg_engine *e, const vg_engine_opts *o, vg_err *err)
{
	const vg_config *cfg = e->cfg;
	bool wants = cfg->engine_kind == VG_ENGINE_MODERN_EBPF || cfg->engine_kind == VG_ENGINE_REPLAY ||
		     cfg->engine_kind == VG_ENGINE_EBPF;
	if (!wants || !source_wanted(o, "syscall") || have_lib(e, is_syscall_source))
		return VG_OK;
	const char *params = "";
	if (cfg->engine_kind == VG_ENGINE_REPLAY) {
		if (!cfg->replay_capture_file || !*cfg->replay_capture_file)
			return vg_err_set(err, VG_ERR_INVALID, "engine.kind is replay but engine.replay.capture_file is empty");
		snprintf(e->replay_params, sizeof(e->replay_params), "capture:%s", cfg->replay_capture_file);
		params = e->replay_params;
	}
	vg_config_plugin sys = { .name = "syscall", .library_path = "libsyscall.so", .init_config = "", .open_params = params };
	vg_rc rc = load_one(e, &sys, err);
	if (rc != VG_OK)
		return vg_err_prefix(err, "engine.kind %s", cfg->engine_kind == VG_ENGINE_REPLAY ? "replay" : "modern_ebpf");
	if (have_lib(e, is_syscall_state))
		return VG_OK;
	vg_config_plugin st = { .name = "sysstate", .library_path = "libsysstate.so", .init_config = "", .open_params = "" };
	return load_one(e, &st, err);
}

static vg_rc build_sources(vg_engine *e, const vg_engine_opts *o, vg_err *err)
{
	for (uint32_t i = 0; i < e->npcfgs; i++) {
		const vg_plugin_info *info = vg_plugin_lib_info(e->pcfgs[i].lib);
		if (!(info->caps & VG_PLUGIN_CAP_SOURCING) || !source_wanted(o, info->event_source))
			continue;
		vg_source **v = realloc(e->sources, sizeof(*v) * (e->nsources + 1));
		if (!v)
			return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
		e->sources = v;
		vg_rc rc = vg_source_new(e->pcfgs, e->npcfgs, i, e->hostname, &e->sources[e->nsources], err);
		if (rc != VG_OK)
			return rc;
		e->sources[e->nsources]->engine = e;
		e->nsources++;
	}
	if (e->nsources == 0)
		return vg_err_set(err, VG_ERR_INVALID,
				  "no event source enabled: configure a source plugin (plugins/load_plugins), "
				  "set engine.kind, or check --enable-source/--disable-source");
	return VG_OK;
}

vg_rc vg_engine_new(const vg_engine_opts *o, vg_engine **out, vg_err *err)
{
	vg_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	e->cfg = o->cfg;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->wake, NULL);
	resolve_hostname(e);
	e->plugins = vg_plugin_registry_new(o->plugin_dir);
	vg_rc rc = e->plugins ? VG_OK : vg_err_set(err, VG_ERR_NOMEM, "out of memory");
	if (rc == VG_OK)
		rc = load_configured(e, err);
	if (rc == VG_OK)
		rc = add_implicit_syscall(e, o, err);
	if (rc == VG_OK)
		rc = build_sources(e, o, err);
	if (rc != VG_OK) {
		vg_engine_free(e);
		return rc;
	}
	*out = e;
	return VG_OK;
}

void vg_engine_free(vg_engine *e)
{
	if (!e)
		return;
	for (uint32_t i = 0; i < e->nsources; i++)
		vg_source_free(e->sources[i]);
	free(e->sources);
	free(e->pcfgs);
	vg_plugin_registry_free(e->plugins);
	pthread_cond_destroy(&e->wake);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

vg_plugin_registry *vg_engine_plugins(vg_engine *e)
{
	return e->plugins;
}

uint32_t vg_engine_source_count(const vg_engine *e)
{
	return e->nsources;
}

vg_source *vg_engine_source_at(vg_engine *e, uint32_t i)
{
	return i < e->nsources ? e->sources[i] : NULL;
}

const vg_fields *vg_engine_fields_for(const vg_engine *e, const char *source)
{
	for (uint32_t i = 0; i < e->nsources; i++)
		if (strcmp(e->sources[i]->source, source) == 0)
			return e->sources[i]->fields;
	return NULL;
}

const char *vg_engine_hostname(const vg_engine *e)
{
	return e->hostname;
}

void vg_engine_on_event(vg_engine *e, vg_engine_event_fn fn, void *ud)
{
	e->on_event = fn;
	e->on_event_ud = ud;
}

void vg_engine_on_tick(vg_engine *e, vg_engine_tick_fn fn, void *ud)
{
	e->on_tick = fn;
	e->on_tick_ud = ud;
}

void vg_engine_stop(vg_engine *e)
{
	atomic_store(&e->stop, true);
}

/* ---- source thread ---- */

static void process_event(vg_engine *e, vg_source *s, const ss_plugin_event *evt)
{
	vg_evctx *ev = &s->ev;
	uint64_t n = atomic_fetch_add_explicit(&s->stats.events, 1, memory_order_relaxed) + 1;
	ev->evt = evt;
	ev->evtnum = n;
	ev->gen++;
	if (n == 1)
		ev->first_ts = evt->ts;
	for (uint32_t i = 0; i < s->nparsers; i++) {
		vg_err perr;
		if (vg_plugin_parse(s->parsers[i], ev, &perr) != VG_OK) {
			uint64_t f = atomic_fetch_add_explicit(&s->stats.parse_failures, 1, memory_order_relaxed);
			if (f < 10 || (f & (f - 1)) == 0) /* first few, then powers of two: no log flood */
				vg_warn("source '%s': event %llu: %s", s->source, (unsigned long long)n, perr.msg);
		}
	}
	if (e->on_event)
		e->on_event(e->on_event_ud, s, ev);
	vg_arena_reset(s->scratch);
}

/* Sleeps after consecutive TIMEOUTs so an idle plugin that returns at once does not spin a
 * core, while the first retry stays immediate for latency. */
static void timeout_backoff(unsigned consecutive)
{
	if (consecutive < 2)
		return;
	long us = 50L << (consecutive < 8 ? consecutive : 8); /* 200 µs .. 12.8 ms */
	if (us > 10000)
		us = 10000;
	struct timespec ts = { 0, us * 1000 };
	nanosleep(&ts, NULL);
}

static void source_finished(vg_engine *e, vg_source *s, vg_rc rc)
{
	s->exit_rc = rc;
	pthread_mutex_lock(&e->lock);
	atomic_store(&s->finished, true);
	pthread_cond_broadcast(&e->wake);
	pthread_mutex_unlock(&e->lock);
}

static void *source_main(void *arg)
{
	vg_source *s = arg;
	vg_engine *e = (vg_engine *)s->engine;
	unsigned timeouts = 0;
	vg_rc rc = VG_OK;
	vg_err_clear(&s->exit_err);
	while (!atomic_load_explicit(&e->stop, memory_order_relaxed)) {
		vg_plugin_batch batch = { 0 };
		rc = vg_plugin_next_batch(s->src, &batch, &s->exit_err);
		for (uint32_t i = 0; i < batch.n; i++)
			process_event(e, s, batch.evts[i]);
		if (rc == VG_OK) {
			timeouts = 0;
		} else if (rc == VG_ERR_TIMEOUT) {
			atomic_fetch_add_explicit(&s->stats.timeouts, 1, memory_order_relaxed);
			timeout_backoff(++timeouts);
		} else {
			break; /* EOF or failure: err says which */
		}
	}
	if (rc == VG_ERR_TIMEOUT)
		rc = VG_OK;
	if (rc == VG_ERR_EOF)
		vg_info("source '%s' (%s): end of input after %llu events", s->source, s->plugin_name,
			(unsigned long long)atomic_load(&s->stats.events));
	else if (rc != VG_OK)
		vg_log(VG_LOG_ERR, NULL, "source '%s': %s", s->source, s->exit_err.msg);
	source_finished(e, s, rc);
	return NULL;
}

static vg_rc open_sources(vg_engine *e, vg_err *err)
{
	for (uint32_t i = 0; i < e->nsources; i++) {
		vg_source *s = e->sources[i];
		vg_rc rc = vg_plugin_open(s->src, s->open_params, err);
		if (rc != VG_OK)
			return rc;
	}
	return VG_OK;
}

static bool all_finished(const vg_engine *e, bool *failed)
{
	bool all = true;
	for (uint32_t i = 0; i < e->nsources; i++) {
		const vg_source *s = e->sources[i];
		if (!atomic_load(&s->finished))
			all = false;
		else if (s->exit_rc != VG_OK && s->exit_rc != VG_ERR_EOF)
			*failed = true;
	}
	return all;
}

/* Waits until a stop condition; wakes at least every 100 ms to notice signals. */
static void wait_for_end(vg_engine *e, double duration_s)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	double next_tick = 1.0;
	const char *why = NULL;
	pthread_mutex_lock(&e->lock);
	while (!why) {
		bool failed = false;
		if (atomic_load(&e->stop))
			why = "stop requested";
		else if (all_finished(e, &failed))
			why = "every source ended";
		else if (failed)
			why = "a source failed";
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		double elapsed = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
		if (!why && duration_s > 0 && elapsed >= duration_s)
			why = "run duration (-M) reached";
		if (!why && e->on_tick && elapsed >= next_tick) {
			next_tick = elapsed + 1.0;
			uint64_t now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
			pthread_mutex_unlock(&e->lock); /* the hook may take its time (metrics, outputs) */
			bool keep = e->on_tick(e->on_tick_ud, e->sources, e->nsources, now_ns);
			pthread_mutex_lock(&e->lock);
			if (!keep) {
				e->tick_failed = true;
				why = "event drops over the threshold (syscall_event_drops.actions: exit)";
			}
		}
		if (why)
			break;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&e->wake, &e->lock, &until);
	}
	pthread_mutex_unlock(&e->lock);
	atomic_store(&e->stop, true);
	vg_info("stopping: %s", why);
}

vg_rc vg_engine_run(vg_engine *e, double duration_s, vg_err *err)
{
	vg_rc rc = open_sources(e, err);
	for (uint32_t i = 0; rc == VG_OK && i < e->nsources; i++) {
		vg_source *s = e->sources[i];
		int perr = pthread_create(&s->thread, NULL, source_main, s);
		if (perr != 0)
			rc = vg_err_set(err, VG_ERR_INTERNAL, "cannot start the thread of source '%s': %s", s->source, strerror(perr));
		else
			s->started = true;
	}
	if (rc == VG_OK) {
		vg_info("vigil ready: %u source(s) open, hostname %s", e->nsources, e->hostname);
		wait_for_end(e, duration_s);
	}
	atomic_store(&e->stop, true);
	for (uint32_t i = 0; i < e->nsources; i++) {
		vg_source *s = e->sources[i];
		if (s->started)
			pthread_join(s->thread, NULL);
		s->started = false;
		vg_plugin_close(s->src);
		if (rc == VG_OK && s->exit_rc != VG_OK && s->exit_rc != VG_ERR_EOF) {
			*err = s->exit_err;
			rc = s->exit_rc;
		}
	}
	if (rc == VG_OK && e->tick_failed)
		rc = vg_err_set(err, VG_ERR_LIMIT, "stopped: events dropped over syscall_event_drops.threshold");
	return rc;
}

/* "plugin.metric=value"; metrics already named "plugin.x" (gvisor.drops) are not prefixed twice. */
static void print_metric(FILE *out, const char *plugin, const ss_plugin_metric *m)
{
	size_t pl = strlen(plugin);
	bool prefixed = strncmp(m->name, plugin, pl) == 0 && m->name[pl] == '.';
	const char *sep = prefixed ? "" : ".";
	const char *pre = prefixed ? "" : plugin;
	if (m->value_type == SS_PLUGIN_METRIC_VALUE_TYPE_U64)
		fprintf(out, "  %s%s%s=%llu\n", pre, sep, m->name, (unsigned long long)m->value.u64);
	else if (m->value_type == SS_PLUGIN_METRIC_VALUE_TYPE_U32)
		fprintf(out, "  %s%s%s=%u\n", pre, sep, m->name, m->value.u32);
}

void vg_engine_print_stats(vg_engine *e, FILE *out)
{
	for (uint32_t i = 0; i < e->nsources; i++) {
		vg_source *s = e->sources[i];
		fprintf(out, "source %s (%s): events=%llu drops=%llu timeouts=%llu parse_failures=%llu alerts=%llu\n",
			s->source, s->plugin_name, (unsigned long long)atomic_load(&s->stats.events),
			(unsigned long long)vg_drops_reported(s),
			(unsigned long long)atomic_load(&s->stats.timeouts),
			(unsigned long long)atomic_load(&s->stats.parse_failures),
			(unsigned long long)atomic_load(&s->stats.alerts));
		for (uint32_t j = 0; j < s->nstates; j++) {
			const ss_plugin_metric *m;
			uint32_t nm;
			vg_plugin_metrics(s->states[j], &m, &nm);
			for (uint32_t k = 0; k < nm; k++)
				print_metric(out, vg_plugin_get_info(s->states[j])->name, &m[k]);
		}
	}
}
