#include "outputs/sink_stdout.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct stdout_sink {
	vg_sink base;
	FILE *f;
} stdout_sink;

static vg_rc stdout_write(vg_sink *s, const char *line, size_t len, int priority, vg_err *err)
{
	FILE *f = ((stdout_sink *)s)->f;
	if (fwrite(line, 1, len, f) != len || fputc('\n', f) == EOF) {
		clearerr(f);
		return vg_err_set(err, VG_ERR_IO, "write failed: %s", strerror(errno));
	}
	return VG_OK;
}

static void stdout_flush(vg_sink *s)
{
	fflush(((stdout_sink *)s)->f);
}

static void stdout_destroy(vg_sink *s)
{
	stdout_flush(s);
	free(s);
}

static const vg_sink_ops stdout_ops = {
	.name = "stdout", .write = stdout_write, .flush = stdout_flush, .destroy = stdout_destroy,
};

vg_sink *vg_sink_stdout_new(FILE *f)
{
	stdout_sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->base.ops = &stdout_ops;
	s->f = f;
	return &s->base;
}
