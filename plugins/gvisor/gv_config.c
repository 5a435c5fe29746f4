#include "gv_config.h"

#include <stdio.h>
#include <string.h>

#include "gv_text.h"

/* Context fields, in runsc's names (reference §6). */
#define GV_CTX_ALL                                                                                 \
	"\"time\", \"thread_id\", \"task_start_time\", \"group_id\", \"thread_group_start_time\", "   \
	"\"container_id\", \"credentials\", \"cwd\", \"process_name\""
#define GV_CTX_ENTER "\"time\", \"thread_id\", \"group_id\", \"container_id\""

/* Syscalls whose exit point vigil converts. read/write families are left out on purpose: every
 * point costs the traced task a synchronous send, and the default rules do not need them. */
static const char *const gv_exit_points[] = {
	"open", "openat", "creat", "close", "connect", "execve", "execveat", "socket", "socketpair",
	"chdir", "fchdir", "setuid", "setgid", "setsid", "setresuid", "setresgid", "prlimit64",
	"pipe", "pipe2", "fcntl", "dup", "dup2", "dup3", "signalfd", "signalfd4", "chroot", "eventfd",
	"eventfd2", "clone", "fork", "vfork", "bind", "accept", "accept4", "timerfd_create",
	"inotify_init", "inotify_init1",
};
/* Enter points only tell which process-creating call is running (type of the child's event). */
static const char *const gv_enter_points[] = {"clone", "fork", "vfork", "execve", "execveat"};
/* Raw syscalls converted from their register arguments: kill, tkill, tgkill. */
static const int gv_raw_sysnos[] = {62, 200, 234};

static void gv_point(gv_text *o, const char *name, const char *optional, const char *ctx)
{
	gv_text_put(o, ",\n      {\"name\": \"%s\", ", name);
	if (optional)
		gv_text_put(o, "\"optional_fields\": [%s], ", optional);
	gv_text_put(o, "\"context_fields\": [%s]}", ctx);
}

size_t gv_config_generate(const char *endpoint, char *buf, size_t cap)
{
	gv_text o = {buf, cap, 0};
	if (!endpoint || !*endpoint)
		endpoint = GV_CONFIG_DEFAULT_SOCKET;
	gv_text_put(&o, "{\n  \"trace_session\": {\n    \"name\": \"Default\",\n"
	           "    \"ignore_missing\": true,\n    \"points\": [\n");
	gv_text_put(&o, "      {\"name\": \"container/start\", \"optional_fields\": [\"env\"], "
	           "\"context_fields\": [" GV_CTX_ALL "]}");
	gv_point(&o, "sentry/clone", NULL, GV_CTX_ALL);
	gv_point(&o, "sentry/execve", "\"binary_info\"", GV_CTX_ALL);
	gv_point(&o, "sentry/task_exit", NULL, GV_CTX_ALL);
	gv_point(&o, "sentry/exit_notify_parent", NULL, GV_CTX_ALL);
	char name[64];
	for (size_t i = 0; i < sizeof(gv_enter_points) / sizeof(gv_enter_points[0]); i++) {
		snprintf(name, sizeof(name), "syscall/%s/enter", gv_enter_points[i]);
		gv_point(&o, name, NULL, GV_CTX_ENTER);
	}
	for (size_t i = 0; i < sizeof(gv_exit_points) / sizeof(gv_exit_points[0]); i++) {
		const char *p = gv_exit_points[i];
		snprintf(name, sizeof(name), "syscall/%s/exit", p);
		gv_point(&o, name, strncmp(p, "execve", 6) == 0 ? "\"envv\"" : NULL, GV_CTX_ALL);
	}
	for (size_t i = 0; i < sizeof(gv_raw_sysnos) / sizeof(gv_raw_sysnos[0]); i++) {
		/* A raw exit takes its context fields from the enter point's configuration. */
		snprintf(name, sizeof(name), "syscall/sysno/%d/enter", gv_raw_sysnos[i]);
		gv_point(&o, name, NULL, GV_CTX_ALL);
		snprintf(name, sizeof(name), "syscall/sysno/%d/exit", gv_raw_sysnos[i]);
		gv_point(&o, name, NULL, GV_CTX_ALL);
	}
	gv_text_put(&o, "\n    ],\n    \"sinks\": [\n      {\"name\": \"remote\", \"ignore_setup_error\": true, "
	           "\"config\": {\"endpoint\": \"");
	gv_text_json_str(&o, endpoint);
	gv_text_put(&o, "\", \"retries\": 3}}\n    ]\n  }\n}\n");
	return o.len;
}
