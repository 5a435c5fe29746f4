#include "outputs/sink_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct file_sink {
	vg_sink base;
	char *filename;
	bool keep_alive;
	FILE *f; /* keep_alive only */
} file_sink;

static void file_close(file_sink *fs)
{
	if (fs->f)
		fclose(fs->f);
	fs->f = NULL;
}

/* True when the open stream no longer is the file at filename (rotated, deleted). */
static bool file_moved(const file_sink *fs)
{
	struct stat now, open_st;
	if (stat(fs->filename, &now) != 0 || fstat(fileno(fs->f), &open_st) != 0)
		return true;
	return now.st_ino != open_st.st_ino || now.st_dev != open_st.st_dev;
}

static vg_rc append_line(FILE *f, const char *line, size_t len, vg_err *err, const char *filename)
{
	if (fwrite(line, 1, len, f) != len || fputc('\n', f) == EOF)
		return vg_err_set(err, VG_ERR_IO, "%s: write failed: %s", filename, strerror(errno));
	return VG_OK;
}

static vg_rc file_write(vg_sink *s, const char *line, size_t len, int priority, vg_err *err)
{
	file_sink *fs = (file_sink *)s;
	if (fs->keep_alive && fs->f && file_moved(fs))
		file_close(fs);
	FILE *f = fs->f ? fs->f : fopen(fs->filename, "ae");
	if (!f)
		return vg_err_set(err, VG_ERR_IO, "%s: %s", fs->filename, strerror(errno));
	vg_rc rc = append_line(f, line, len, err, fs->filename);
	if (fs->keep_alive) {
		fs->f = f;
		if (rc != VG_OK)
			file_close(fs); /* start over with a fresh open next time */
	} else if (fclose(f) != 0 && rc == VG_OK) {
		rc = vg_err_set(err, VG_ERR_IO, "%s: close failed: %s", fs->filename, strerror(errno));
	}
	return rc;
}

static void file_flush(vg_sink *s)
{
	file_sink *fs = (file_sink *)s;
	if (fs->f)
		fflush(fs->f);
}

static void file_reopen(vg_sink *s)
{
	file_close((file_sink *)s);
}

static void file_destroy(vg_sink *s)
{
	file_sink *fs = (file_sink *)s;
	file_close(fs);
	free(fs->filename);
	free(fs);
}

static const vg_sink_ops file_ops = {
	.name = "file", .write = file_write, .flush = file_flush, .reopen = file_reopen, .destroy = file_destroy,
};

vg_sink *vg_sink_file_new(const char *filename, bool keep_alive)
{
	file_sink *fs = calloc(1, sizeof(*fs));
	if (!fs || !(fs->filename = strdup(filename))) {
		free(fs);
		return NULL;
	}
	fs->base.ops = &file_ops;
	fs->keep_alive = keep_alive;
	return &fs->base;
}
