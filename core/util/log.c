#include "util/log.h"

#include <pthread.h>
#include <stdio.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

static vg_log_opts g_opts = { .level = VG_LOG_INFO, .to_stderr = true, .to_syslog = false };
static vg_log_sink_fn g_sink;
static void *g_sink_ud;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {
	"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug", "trace",
};

void vg_log_configure(const vg_log_opts *opts)
{
	pthread_mutex_lock(&g_lock);
	g_opts = *opts;
	pthread_mutex_unlock(&g_lock);
}

vg_log_level vg_log_get_level(void)
{
	return g_opts.level;
}

bool vg_log_level_parse(const char *name, vg_log_level *out)
{
	static const struct {
		const char *name;
		vg_log_level level;
	} aliases[] = {
		{ "emerg", VG_LOG_EMERG }, { "crit", VG_LOG_CRIT }, { "err", VG_LOG_ERR },
		{ "warn", VG_LOG_WARN },   { "informational", VG_LOG_INFO },
	};
	for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcasecmp(name, level_names[i]) == 0) {
			*out = (vg_log_level)i;
			return true;
		}
	}
	for (unsigned i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcasecmp(name, aliases[i].name) == 0) {
			*out = aliases[i].level;
			return true;
		}
	}
	return false;
}

const char *vg_log_level_name(vg_log_level level)
{
	if ((unsigned)level < sizeof(level_names) / sizeof(level_names[0]))
		return level_names[level];
	return "unknown";
}

void vg_log_set_sink(vg_log_sink_fn fn, void *ud)
{
	pthread_mutex_lock(&g_lock);
	g_sink = fn;
	g_sink_ud = ud;
	pthread_mutex_unlock(&g_lock);
}

void vg_logv(vg_log_level level, const char *component, const char *fmt, va_list ap)
{
	if (level > g_opts.level && !g_sink)
		return;
	char msg[4096];
	vsnprintf(msg, sizeof(msg), fmt, ap);

	char line[4300];
	snprintf(line, sizeof(line), "%s: %s%s%s", vg_log_level_name(level), component ? component : "",
		 component ? ": " : "", msg);

	pthread_mutex_lock(&g_lock);
	if (g_sink)
		g_sink(level, line, g_sink_ud);
	if (level <= g_opts.level) {
		if (g_opts.to_stderr) {
			struct timespec ts;
			struct tm tm;
			clock_gettime(CLOCK_REALTIME, &ts);
			localtime_r(&ts.tv_sec, &tm);
			fprintf(stderr, "%02d:%02d:%02d.%06ld vigil %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
				ts.tv_nsec / 1000, line);
		}
		if (g_opts.to_syslog)
			syslog(level > VG_LOG_DEBUG ? LOG_DEBUG : (int)level, "%s", line);
	}
	pthread_mutex_unlock(&g_lock);
}

void vg_log(vg_log_level level, const char *component, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vg_logv(level, component, fmt, ap);
	va_end(ap);
}
