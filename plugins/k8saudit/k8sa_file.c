#include "k8sa_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define K8SA_READ_CHUNK (64 * 1024)

struct k8sa_file {
	bool tail;
	char *path;         /* owned: follow mode's path */
	char **files;       /* owned: read-once inputs, oldest first */
	size_t nfiles;
	size_t next_file;
	int fd;             /* current input, -1 when none */
	dev_t dev;          /* identity of the file behind fd (follow mode) */
	ino_t ino;
	off_t off;          /* bytes read from fd */
	int inotify_fd;     /* -1 when inotify is unavailable: plain sleeps instead */
	char *buf;          /* owned: bytes read but not yet consumed (a partial line) */
	size_t len;
	size_t cap;
	bool discarding;    /* inside a line that exceeded max_line */
	size_t max_line;
	uint32_t queued;    /* events queued during the current fill */
	k8sa_parser *parser;
	k8sa_log *log;
	k8sa_stats *stats;
};

/* ---- lines ---- */

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	}
	return true;
}

static void handle_line(k8sa_file *f, const char *line, size_t n)
{
	if (blank(line, n))
		return;
	k8sa_payload_report rep;
	k8sa_payload_parse(f->parser, line, n, &rep);
	f->queued += rep.queued;
}

/* Consumes the complete lines in buf, keeps the trailing partial line. */
static void consume_lines(k8sa_file *f)
{
	size_t start = 0;
	for (;;) {
		char *nl = memchr(f->buf + start, '\n', f->len - start);
		if (!nl)
			break;
		size_t end = (size_t)(nl - f->buf);
		if (f->discarding)
			f->discarding = false;
		else
			handle_line(f, f->buf + start, end - start);
		start = end + 1;
	}
	memmove(f->buf, f->buf + start, f->len - start);
	f->len -= start;
	if (f->len > f->max_line) {
		if (!f->discarding) {
			atomic_fetch_add(&f->stats->lines_too_long, 1);
			k8sa_logf(f->log, SS_PLUGIN_LOG_SEV_WARNING,
				  "%s: line longer than %zu bytes skipped", f->parser->origin, f->max_line);
		}
		f->discarding = true;
		f->len = 0;
	}
}

/* The last line of a file may lack its newline. */
static void flush_partial(k8sa_file *f)
{
	if (!f->discarding && f->len)
		handle_line(f, f->buf, f->len);
	f->len = 0;
	f->discarding = false;
}

/* Reads one chunk: >0 bytes read, 0 at end of file, -1 on error. */
static ssize_t read_chunk(k8sa_file *f)
{
	if (f->cap - f->len < K8SA_READ_CHUNK) {
		size_t cap = f->cap * 2 > f->len + K8SA_READ_CHUNK ? f->cap * 2 : f->len + K8SA_READ_CHUNK;
		char *b = realloc(f->buf, cap);
		if (!b)
			return -1;
		f->buf = b;
		f->cap = cap;
	}
	ssize_t n;
	do
		n = read(f->fd, f->buf + f->len, K8SA_READ_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		f->len += (size_t)n;
		f->off += n;
		consume_lines(f);
	}
	return n;
}

static void close_input(k8sa_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* ---- read once ---- */

typedef struct dated_file {
	char *path;
	struct timespec mtime;
} dated_file;

static int by_mtime(const void *a, const void *b)
{
	const dated_file *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->path, y->path);
}

static bool add_file(k8sa_file *f, dated_file **list, size_t *cap, const char *path,
		     struct timespec mtime)
{
	if (f->nfiles == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		dated_file *l = realloc(*list, c * sizeof(*l));
		if (!l)
			return false;
		*list = l;
		*cap = c;
	}
	char *p = strdup(path);
	if (!p)
		return false;
	(*list)[f->nfiles++] = (dated_file){p, mtime};
	return true;
}

static bool list_directory(k8sa_file *f, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "'%s': %s", dir, strerror(errno));
		return false;
	}
	dated_file *list = NULL;
	size_t cap = 0;
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d))) {
		char *p;
		struct stat st;
		if (asprintf(&p, "%s/%s", dir, e->d_name) < 0) {
			ok = false;
			break;
		}
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			ok = add_file(f, &list, &cap, p, st.st_mtim);
		free(p);
	}
	closedir(d);
	if (list)
		qsort(list, f->nfiles, sizeof(*list), by_mtime);
	f->files = calloc(f->nfiles ? f->nfiles : 1, sizeof(*f->files));
	for (size_t i = 0; i < f->nfiles; i++) {
		if (f->files)
			f->files[i] = list[i].path;
		else
			free(list[i].path);
	}
	free(list);
	if (!ok || !f->files) {
		snprintf(err, errlen, "'%s': out of memory", dir);
		return false;
	}
	return true;
}

static bool open_read_once(k8sa_file *f, const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "'%s': %s", path, strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode))
		return list_directory(f, path, err, errlen);
	f->files = calloc(1, sizeof(*f->files));
	if (!f->files || !(f->files[0] = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	f->nfiles = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "'%s': %s", path, strerror(errno));
		return false;
	}
	close(fd);
	return true;
}

static k8sa_fill_rc fill_read_once(k8sa_file *f, char *err, size_t errlen)
{
	while (f->queued == 0) {
		if (f->fd < 0) {
			if (f->next_file == f->nfiles)
				return K8SA_FILL_EOF;
			const char *p = f->files[f->next_file++];
			f->fd = open(p, O_RDONLY | O_CLOEXEC);
			if (f->fd < 0) {
				k8sa_logf(f->log, SS_PLUGIN_LOG_SEV_WARNING, "'%s' skipped: %s", p,
					  strerror(errno));
				continue;
			}
		}
		ssize_t n = read_chunk(f);
		if (n < 0) {
			snprintf(err, errlen, "'%s': read error: %s", f->files[f->next_file - 1],
				 strerror(errno));
			return K8SA_FILL_ERROR;
		}
		if (n == 0) {
			flush_partial(f);
			close_input(f);
		}
	}
	return K8SA_FILL_MORE;
}

/* ---- follow ---- */

static bool open_followed(k8sa_file *f, bool at_end)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return false;
	}
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->off = at_end ? lseek(fd, 0, SEEK_END) : 0;
	if (f->off < 0)
		f->off = 0;
	f->len = 0;
	f->discarding = false;
	return true;
}

static bool open_follow(k8sa_file *f, const char *path, char *err, size_t errlen)
{
	f->path = strdup(path);
	char *dir = f->path ? strdup(path) : NULL;
	if (!dir) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	const char *parent = dirname(dir);
	struct stat st;
	bool ok = stat(parent, &st) == 0 && S_ISDIR(st.st_mode);
	if (!ok)
		snprintf(err, errlen, "'%s': directory '%s' does not exist", path, parent);
	f->inotify_fd = ok ? inotify_init1(IN_NONBLOCK | IN_CLOEXEC) : -1;
	if (f->inotify_fd >= 0 &&
	    inotify_add_watch(f->inotify_fd, parent,
			      IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
				      IN_CLOSE_WRITE | IN_ATTRIB) < 0) {
		close(f->inotify_fd);
		f->inotify_fd = -1;
	}
	free(dir);
	if (ok)
		open_followed(f, true); /* a missing file is fine: it is picked up when created */
	return ok;
}

/* After EOF on the current file: switch to a new file at the path (rotation) or rewind
 * (truncation). Returns true when there may be more to read now. */
static bool check_rotation(k8sa_file *f)
{
	struct stat st;
	if (stat(f->path, &st) != 0)
		return false; /* moved away and not recreated yet: keep draining the old file */
	if (f->fd < 0 || st.st_ino != f->ino || st.st_dev != f->dev) {
		if (f->fd >= 0) {
			flush_partial(f);
			close_input(f);
		}
		return open_followed(f, false);
	}
	if (st.st_size < f->off) {
		k8sa_logf(f->log, SS_PLUGIN_LOG_SEV_INFO, "'%s' was truncated; reading from its start",
			  f->path);
		lseek(f->fd, 0, SEEK_SET);
		f->off = 0;
		f->len = 0;
		f->discarding = false;
		return true;
	}
	return false;
}

static int ms_until(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

static void wait_for_change(k8sa_file *f, int ms)
{
	if (f->inotify_fd < 0) {
		struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		return;
	}
	struct pollfd p = {.fd = f->inotify_fd, .events = POLLIN};
	if (poll(&p, 1, ms) > 0) {
		char drain[4096];
		while (read(f->inotify_fd, drain, sizeof(drain)) > 0) {
		}
	}
}

static k8sa_fill_rc fill_follow(k8sa_file *f, int wait_ms, char *err, size_t errlen)
{
	struct timespec deadline;
	k8sa_deadline_after(&deadline, wait_ms);
	for (;;) {
		ssize_t n = f->fd >= 0 ? read_chunk(f) : 0;
		if (n < 0) {
			snprintf(err, errlen, "'%s': read error: %s", f->path, strerror(errno));
			return K8SA_FILL_ERROR;
		}
		if (f->queued)
			return K8SA_FILL_MORE;
		if (n > 0 || check_rotation(f))
			continue;
		int ms = ms_until(&deadline);
		if (ms == 0)
			return K8SA_FILL_MORE;
		wait_for_change(f, ms);
	}
}

/* ---- public ---- */

k8sa_file *k8sa_file_open(const char *path, bool tail, size_t max_line, k8sa_parser *parser,
			  k8sa_log *log, k8sa_stats *stats, char *err, size_t errlen)
{
	k8sa_file *f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->tail = tail;
	f->fd = -1;
	f->inotify_fd = -1;
	f->max_line = max_line;
	f->parser = parser;
	f->log = log;
	f->stats = stats;
	bool ok = tail ? open_follow(f, path, err, errlen) : open_read_once(f, path, err, errlen);
	if (!ok) {
		k8sa_file_close(f);
		return NULL;
	}
	return f;
}

void k8sa_file_close(k8sa_file *f)
{
	if (!f)
		return;
	close_input(f);
	if (f->inotify_fd >= 0)
		close(f->inotify_fd);
	for (size_t i = 0; i < f->nfiles; i++)
		free(f->files[i]);
	free(f->files);
	free(f->path);
	free(f->buf);
	free(f);
}

k8sa_fill_rc k8sa_file_fill(k8sa_file *f, int wait_ms, char *err, size_t errlen)
{
	f->queued = 0;
	return f->tail ? fill_follow(f, wait_ms, err, errlen) : fill_read_once(f, err, errlen);
}
