#include "outputs/sink_program.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct program_sink {
	vg_sink base;
	char *program;
	bool keep_alive;
	pid_t pid; /* 0 when no process runs */
	int fd;    /* write end of the child's stdin, -1 when closed */
} program_sink;

static vg_rc spawn_program(program_sink *ps, vg_err *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return vg_err_set(err, VG_ERR_IO, "program '%s': pipe: %s", ps->program, strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, pipe_only;
	sigemptyset(&none);
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	posix_spawnattr_init(&attr);
	/* The output thread blocks SIGPIPE; the program must start with normal signal handling. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &pipe_only);
	char *argv[] = { "sh", "-c", ps->program, NULL };
	int rc = posix_spawn(&ps->pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(p[0]);
	if (rc != 0) {
		close(p[1]);
		ps->pid = 0;
		return vg_err_set(err, VG_ERR_IO, "program '%s': spawn: %s", ps->program, strerror(rc));
	}
	ps->fd = p[1];
	return VG_OK;
}

static void stop_program(program_sink *ps)
{
	if (ps->fd >= 0)
		close(ps->fd);
	ps->fd = -1;
	if (ps->pid > 0)
		while (waitpid(ps->pid, NULL, 0) < 0 && errno == EINTR)
			;
	ps->pid = 0;
}

/* Drops the SIGPIPE our failed write raised on this thread (it is blocked, hence pending). */
static void consume_sigpipe(void)
{
	sigset_t set;
	struct timespec zero = { 0, 0 };
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	while (sigtimedwait(&set, NULL, &zero) == SIGPIPE)
		;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* SIGPIPE is blocked around the write (the output thread already blocks it; this keeps the
 * sink safe on any thread), so a dead reader is an EPIPE, never a dead vigil. */
static int send_line(program_sink *ps, const char *line, size_t len)
{
	sigset_t pipe_only, old;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	int e = write_all(ps->fd, line, len);
	if (!e)
		e = write_all(ps->fd, "\n", 1);
	if (e == EPIPE)
		consume_sigpipe();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return e;
}

static vg_rc program_write(vg_sink *s, const char *line, size_t len, int priority, vg_err *err)
{
	program_sink *ps = (program_sink *)s;
	int e = 0;
	/* Two attempts: a kept-alive reader that exited gets one restart per alert. */
	for (int attempt = 0; attempt < 2; attempt++) {
		if (ps->fd < 0) {
			vg_rc rc = spawn_program(ps, err);
			if (rc != VG_OK)
				return rc;
		}
		e = send_line(ps, line, len);
		if (!ps->keep_alive || e)
			stop_program(ps);
		if (e != EPIPE)
			break;
	}
	if (e)
		return vg_err_set(err, VG_ERR_IO, "program '%s': write: %s", ps->program, strerror(e));
	return VG_OK;
}

static void program_reopen(vg_sink *s)
{
	stop_program((program_sink *)s);
}

static void program_destroy(vg_sink *s)
{
	program_sink *ps = (program_sink *)s;
	stop_program(ps);
	free(ps->program);
	free(ps);
}

static const vg_sink_ops program_ops = {
	.name = "program", .write = program_write, .reopen = program_reopen, .destroy = program_destroy,
};

vg_sink *vg_sink_program_new(const char *program, bool keep_alive)
{
	program_sink *ps = calloc(1, sizeof(*ps));
	if (!ps || !(ps->program = strdup(program))) {
		free(ps);
		return NULL;
	}
	ps->base.ops = &program_ops;
	ps->keep_alive = keep_alive;
	ps->fd = -1;
	return &ps->base;
}
