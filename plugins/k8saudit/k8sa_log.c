#include "k8sa_log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

void k8sa_log_init(k8sa_log *l, ss_plugin_log_fn_t fn, ss_plugin_owner_t *owner)
{
	l->fn = fn;
	l->owner = owner;
	atomic_store(&l->window, 0);
	atomic_store(&l->in_window, 0);
	atomic_store(&l->suppressed, 0);
}

static int64_t now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* True when this line fits in the current second's burst. Races between threads at a second
 * boundary can let a few extra lines through, which is harmless. */
static int admit(k8sa_log *l)
{
	int64_t now = now_seconds();
	if (atomic_exchange(&l->window, now) != now)
		atomic_store(&l->in_window, 0);
	return atomic_fetch_add(&l->in_window, 1) < K8SA_LOG_BURST;
}

void k8sa_logf(k8sa_log *l, ss_plugin_log_severity sev, const char *fmt, ...)
{
	if (!l || !l->fn)
		return;
	if (sev > SS_PLUGIN_LOG_SEV_ERROR && !admit(l)) {
		atomic_fetch_add(&l->suppressed, 1);
		return;
	}
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	uint64_t skipped = atomic_exchange(&l->suppressed, 0);
	if (skipped && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, " (%" PRIu64 " similar messages suppressed)",
			 skipped);
	l->fn(l->owner, NULL, msg, sev);
}
