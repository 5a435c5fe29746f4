/* vigil's own log (not alerts): leveled, thread-safe, one line per message, to stderr and/or
 * syslog as configured by log_level / log_stderr / log_syslog. Plugin log_fn messages land
 * here too, tagged with the plugin's name. */
#ifndef VG_LOG_H
#define VG_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* Same order and numbers as syslog severities, like Falco's log_level. */
typedef enum vg_log_level {
	VG_LOG_EMERG = 0,
	VG_LOG_ALERT = 1,
	VG_LOG_CRIT = 2,
	VG_LOG_ERR = 3,
	VG_LOG_WARN = 4,
	VG_LOG_NOTICE = 5,
	VG_LOG_INFO = 6,
	VG_LOG_DEBUG = 7,
	VG_LOG_TRACE = 8,
} vg_log_level;

typedef struct vg_log_opts {
	vg_log_level level; /* messages above this level are discarded */
	bool to_stderr;
	bool to_syslog;
} vg_log_opts;

void vg_log_configure(const vg_log_opts *opts);
vg_log_level vg_log_get_level(void);

/* Parses "info", "warning", "debug", ... (Falco names, case-insensitive). Returns false when
 * the name is unknown. */
bool vg_log_level_parse(const char *name, vg_log_level *out);
const char *vg_log_level_name(vg_log_level level);

/* component may be NULL ("vigil"); it names the module or plugin that speaks. */
void vg_log(vg_log_level level, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vg_logv(vg_log_level level, const char *component, const char *fmt, va_list ap);

/* Test hook: when set, every emitted line is also handed to fn (which must be thread-safe). */
typedef void (*vg_log_sink_fn)(vg_log_level level, const char *line, void *ud);
void vg_log_set_sink(vg_log_sink_fn fn, void *ud);

#define vg_err_log(...) vg_log(VG_LOG_ERR, NULL, __VA_ARGS__)
#define vg_warn(...) vg_log(VG_LOG_WARN, NULL, __VA_ARGS__)
#define vg_info(...) vg_log(VG_LOG_INFO, NULL, __VA_ARGS__)
#define vg_debug(...) vg_log(VG_LOG_DEBUG, NULL, __VA_ARGS__)

#endif
