/* Live test against a real runsc: opens the gVisor plugin through its plugin API on a fresh
 * socket, starts a sandbox with the generated pod-init-config, and checks that the sandbox's
 * activity arrives as libscap syscall events (a read of /etc/shadow, a shell execve, the
 * container id in cgroups). Exit 0 = pass, 1 = fail, 77 = skipped (runsc cannot run here).
 *
 * Modes: `gv_live do` (runsc do, tracing from sandbox start), `gv_live attach` (runsc run
 * --bundle without tracing, `runsc trace create` attaches; then the listener is closed, the
 * sandbox must keep running, and a new listener re-attaches with `trace create --force`), and
 * `gv_live storm` (not a test: an open/close-heavy workload, prints messages/s and drops). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vigil/scap_events.h>

#include "gv_plugin_api.h"

#define SKIP 77
#define WORKLOAD "cat /etc/shadow >/dev/null; /bin/sh -c id; sleep 1"

static gv_api api;
static ss_plugin_t *st;
static ss_instance_t *inst;
static char tmp[64];

typedef struct seen {
	bool shadow, shell_exec, container, procexit;
	uint32_t events;
	char cgroup[256];
} seen;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool param(const uint8_t *e, const char *name, vg_scap_param *out)
{
	vg_scap_evt h;
	memcpy(&h, e, sizeof(h));
	const vg_scap_event_info *info = vg_scap_event_info_get(h.type);
	int i = info ? vg_scap_event_param_index(info, name) : -1;
	return i >= 0 && vg_scap_event_param(e, (uint32_t)i, out);
}

static void inspect(const uint8_t *e, seen *s)
{
	vg_scap_evt h;
	memcpy(&h, e, sizeof(h));
	vg_scap_param p;
	s->events++;
	if (getenv("GV_LIVE_VERBOSE")) {
		ss_plugin_event_input in = {.evt = (const ss_plugin_event *)e, .evtsrc = "syscall"};
		fprintf(stderr, "  %s\n", api.event_to_string(st, &in));
	}
	if (h.tid >> 32 == 0)
		return; /* every sandbox event carries the sandbox number in the high half */
	if (h.type == PPME_SYSCALL_OPENAT_2_X && param(e, "name", &p) && vg_scap_param_str(&p) &&
	    strcmp((const char *)p.ptr, "/etc/shadow") == 0)
		s->shadow = true;
	if ((h.type == PPME_SYSCALL_EXECVE_19_X) && param(e, "comm", &p) && vg_scap_param_str(&p) &&
	    strcmp((const char *)p.ptr, "sh") == 0) {
		s->shell_exec = true;
		vg_scap_param cg;
		if (param(e, "cgroups", &cg) && cg.len > 9 && memcmp(cg.ptr, "gvisor=/", 8) == 0) {
			s->container = true;
			snprintf(s->cgroup, sizeof(s->cgroup), "%.*s", (int)cg.len, (const char *)cg.ptr);
		}
	}
	if (h.type == PPME_PROCEXIT_1_E)
		s->procexit = true;
}

static void pump(seen *s)
{
	uint32_t n = 0;
	ss_plugin_event **evs = NULL;
	ss_plugin_rc rc = api.next_batch(st, inst, &n, &evs);
	if (rc != SS_PLUGIN_SUCCESS && rc != SS_PLUGIN_TIMEOUT) {
		fprintf(stderr, "next_batch failed: %s\n", api.get_last_error(st));
		exit(1);
	}
	for (uint32_t i = 0; i < n; i++)
		inspect((const uint8_t *)evs[i], s);
}

/* Runs argv in the background with a clean environment, output to log. */
static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		dup2(fd, 2);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL};
		execve(argv[0], argv, envp);
		_exit(127);
	}
	return pid;
}

/* Pumps events until pid exits (or the deadline), then drains a little longer. Returns the
 * exit status, or -1 on timeout (pid killed). */
static int run_and_pump(pid_t pid, double timeout, seen *s)
{
	double end = now_s() + timeout;
	int status = -1;
	while (now_s() < end) {
		pump(s);
		if (waitpid(pid, &status, WNOHANG) == pid) {
			double drain = now_s() + 1.0;
			while (now_s() < drain)
				pump(s);
			return status;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static char *generated_config(const char *sockpath)
{
	size_t n = api.generate_config(sockpath, NULL, 0);
	char *buf = malloc(n + 1);
	api.generate_config(sockpath, buf, n + 1);
	return buf;
}

static void show_log(const char *log)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "tail -n 15 %s >&2", log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no log)\n");
}

/* Every point of the generated config must exist in this runsc (`runsc trace metadata`), since
 * with ignore_missing an unknown point is skipped silently. Returns the number missing. */
static int check_points_exist(void)
{
	FILE *p = popen("/usr/bin/runsc trace metadata 2>/dev/null", "r");
	if (!p)
		return 0;
	size_t cap = 1 << 20, len = 0;
	char *meta = malloc(cap);
	size_t got;
	while (len + 1 < cap && (got = fread(meta + len, 1, cap - len - 1, p)) > 0)
		len += got;
	meta[len] = '\0';
	pclose(p);
	if (len == 0) {
		free(meta);
		return 0; /* this runsc cannot list its points: nothing to compare against */
	}
	char *cfg = generated_config("/x.sock");
	int missing = 0;
	for (char *q = strstr(cfg, "{\"name\": \""); q; q = strstr(q + 1, "{\"name\": \"")) {
		char name[96], needle[128];
		if (sscanf(q, "{\"name\": \"%95[^\"]", name) != 1 || strcmp(name, "remote") == 0)
			continue;
		snprintf(needle, sizeof(needle), "Name: %s,", name);
		if (!strstr(meta, needle)) {
			fprintf(stderr, "point %s is unknown to this runsc\n", name);
			missing++;
		}
	}
	free(cfg);
	free(meta);
	return missing;
}

static int verdict(const seen *s, const char *mode)
{
	printf("gvisor live (%s): %u events; shadow read %s, shell execve %s, container %s (%s), "
	       "procexit %s\n", mode, s->events, s->shadow ? "yes" : "NO", s->shell_exec ? "yes" : "NO",
	       s->container ? "yes" : "NO", s->cgroup, s->procexit ? "yes" : "NO");
	return s->shadow && s->shell_exec && s->container ? 0 : 1;
}

static int mode_do_workload(const char *sockpath, const char *workload, seen *s, double *secs);

static int mode_do(const char *sockpath)
{
	seen s = {0};
	double secs;
	int rc = mode_do_workload(sockpath, WORKLOAD, &s, &secs);
	return rc ? rc : verdict(&s, "do");
}

static int mode_storm(const char *sockpath)
{
	seen s = {0};
	double secs;
	int rc = mode_do_workload(sockpath, "find /usr -maxdepth 4 >/dev/null 2>&1; "
	                          "find /usr -maxdepth 4 >/dev/null 2>&1", &s, &secs);
	uint64_t msgs = gv_api_metric(&api, st, "gvisor.messages");
	printf("storm: %llu messages in %.2f s (%.0f/s), %u events, %llu drops\n",
	       (unsigned long long)msgs, secs, (double)msgs / secs, s.events,
	       (unsigned long long)gv_api_metric(&api, st, "gvisor.drops"));
	return rc;
}

static int mode_do_workload(const char *sockpath, const char *workload, seen *sp, double *secs)
{
	char cfg[128], log[128], root[128];
	snprintf(cfg, sizeof(cfg), "%s/pod-init.json", tmp);
	snprintf(log, sizeof(log), "%s/runsc.log", tmp);
	snprintf(root, sizeof(root), "%s/state", tmp);
	char *json = generated_config(sockpath);
	write_file(cfg, json);
	free(json);
	char cfgarg[160], rootarg[160];
	snprintf(cfgarg, sizeof(cfgarg), "--pod-init-config=%s", cfg);
	snprintf(rootarg, sizeof(rootarg), "--root=%s", root);
	char *argv[] = {"/usr/bin/runsc", rootarg, "--network=none", cfgarg, "do", "/bin/sh", "-c",
	                (char *)workload, NULL};
	double t0 = now_s();
	int status = run_and_pump(spawn(argv, log), 120, sp);
	*secs = now_s() - t0;
	if (sp->events == 0 && (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		fprintf(stderr, "SKIP: runsc could not start a sandbox here (status %d); its log:\n", status);
		show_log(log);
		return SKIP;
	}
	if (!(sp->shadow && sp->shell_exec && sp->container) && strcmp(workload, WORKLOAD) == 0)
		show_log(log);
	return 0;
}

static int mode_attach(const char *sockpath)
{
	char bundle[128], log[128], root[128], session[128], cmd[1024];
	snprintf(bundle, sizeof(bundle), "%s/bundle", tmp);
	snprintf(log, sizeof(log), "%s/runsc.log", tmp);
	snprintf(root, sizeof(root), "%s/state", tmp);
	snprintf(session, sizeof(session), "%s/session.json", tmp);
	/* A bundle whose rootfs is the host's / (read-only), workload loops so we can attach. */
	snprintf(cmd, sizeof(cmd),
	         "mkdir -p %s && cd %s && runsc spec -- /bin/sh -c 'sleep 2; while :; do " WORKLOAD
	         "; done' && sed -i -e 's|\"path\": \"rootfs\"|\"path\": \"/\"|' "
	         "-e 's|\"readonly\": false|\"readonly\": true|' -e 's|\"terminal\": true|\"terminal\": false|' config.json",
	         bundle, bundle);
	if (system(cmd) != 0) {
		fprintf(stderr, "SKIP: cannot prepare an OCI bundle with `runsc spec`\n");
		return SKIP;
	}
	char *json = generated_config(sockpath);
	write_file(session, json);
	free(json);
	char rootarg[160], bundlearg[160];
	snprintf(rootarg, sizeof(rootarg), "--root=%s", root);
	snprintf(bundlearg, sizeof(bundlearg), "--bundle=%s", bundle);
	char *run[] = {"/usr/bin/runsc", rootarg, "--network=none", "run", bundlearg, "gvlive", NULL};
	pid_t sandbox = spawn(run, log);
	seen s = {0};
	/* Attach once the container runs (the first events come only after attaching). */
	char *trace[] = {"/usr/bin/runsc", rootarg, "trace", "create", "--config", session, "gvlive", NULL};
	int tstatus = -1;
	for (int attempt = 0; attempt < 20 && tstatus != 0; attempt++) {
		double t = now_s() + 0.5;
		while (now_s() < t)
			pump(&s);
		pid_t tp = spawn(trace, log);
		tstatus = run_and_pump(tp, 20, &s);
	}
	if (tstatus != 0) {
		fprintf(stderr, "SKIP: `runsc trace create` did not attach (status %d); log:\n", tstatus);
		show_log(log);
		kill(sandbox, SIGKILL);
		waitpid(sandbox, NULL, 0);
		return SKIP;
	}
	double end = now_s() + 15;
	while (now_s() < end && !(s.shadow && s.shell_exec))
		pump(&s);
	int rc = verdict(&s, "attach");
	/* vigil goes away mid-stream: the sandbox keeps running untraced; a new listener attaches
	 * again with `trace create --force` and sees the workload anew. */
	api.close(st, inst);
	inst = NULL;
	double t = now_s();
	while (now_s() < t + 1.0)
		usleep(10000);
	int alive = kill(sandbox, 0) == 0 && waitpid(sandbox, NULL, WNOHANG) == 0;
	ss_plugin_rc orc;
	inst = api.open(st, sockpath, &orc);
	if (!inst) {
		fprintf(stderr, "cannot reopen: %s\n", api.get_last_error(st));
		return 1;
	}
	seen again = {0};
	char *force[] = {"/usr/bin/runsc", rootarg, "trace", "create", "--force", "--config", session,
	                 "gvlive", NULL};
	int fstatus = run_and_pump(spawn(force, log), 20, &again);
	end = now_s() + 15;
	while (now_s() < end && !(again.shadow && again.shell_exec))
		pump(&again);
	printf("sandbox survived the listener restart: %s; trace create --force status %d\n",
	       alive ? "yes" : "NO", fstatus);
	rc |= !alive || fstatus != 0 || verdict(&again, "re-attach");
	char *del[] = {"/usr/bin/runsc", rootarg, "kill", "gvlive", "KILL", NULL};
	waitpid(spawn(del, log), NULL, 0);
	run_and_pump(sandbox, 20, &s);
	char *rm[] = {"/usr/bin/runsc", rootarg, "delete", "-force", "gvlive", NULL};
	waitpid(spawn(rm, log), NULL, 0);
	if (rc)
		show_log(log);
	return rc;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "do";
	if (geteuid() != 0 || access("/usr/bin/runsc", X_OK) != 0) {
		fprintf(stderr, "SKIP: needs root and /usr/bin/runsc\n");
		return SKIP;
	}
	if (gv_api_load(&api) != 0)
		return 1;
	strcpy(tmp, "/tmp/gvlive-XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	char sockpath[128];
	snprintf(sockpath, sizeof(sockpath), "%s/gv.sock", tmp);
	ss_plugin_rc rc;
	st = gv_api_init(&api, "{\"poll_timeout_ms\": 10}", &rc);
	inst = rc == SS_PLUGIN_SUCCESS ? api.open(st, sockpath, &rc) : NULL;
	if (!inst) {
		fprintf(stderr, "cannot open the plugin: %s\n", api.get_last_error(st));
		return 1;
	}
	if (check_points_exist() != 0)
		return 1;
	int result = strcmp(mode, "attach") == 0  ? mode_attach(sockpath)
	             : strcmp(mode, "storm") == 0 ? mode_storm(sockpath)
	                                          : mode_do(sockpath);
	if (inst)
		printf("metrics: messages=%llu events=%llu drops=%llu corrupt=%llu sandboxes_total=%llu\n",
	       (unsigned long long)gv_api_metric(&api, st, "gvisor.messages"),
	       (unsigned long long)gv_api_metric(&api, st, "gvisor.events"),
	       (unsigned long long)gv_api_metric(&api, st, "gvisor.drops"),
	       (unsigned long long)gv_api_metric(&api, st, "gvisor.corrupt"),
	       (unsigned long long)gv_api_metric(&api, st, "gvisor.sandboxes_total"));
	if (inst)
		api.close(st, inst);
	api.destroy(st);
	gv_api_unload(&api);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmp);
	return result;
}
