/* k8sa_file: audit events from files.
 *
 *  PATH         a JSON-lines file read once; a directory = its regular files, oldest first
 *               (by mtime), each read to its end. End of input ends the stream.
 *  file://PATH  follows PATH like `tail -F`: starts at its end, reads appended lines, follows
 *               rotation (the old file is drained, then the new one is read from its start) and
 *               truncation (copytruncate: reading restarts at offset 0). The file may not exist
 *               yet. Waits for changes with inotify on the parent directory.
 *
 * Each line is one payload (k8sa_payload). Lines have no fixed length limit: a line is bounded
 * only by max_line (webhookMaxBatchSize, the same bound as one HTTP body); a longer line is
 * skipped, logged and counted, and reading continues with the next one. */
#ifndef K8SA_FILE_H
#define K8SA_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "k8sa_log.h"
#include "k8sa_payload.h"

typedef struct k8sa_file k8sa_file;

typedef enum k8sa_fill_rc {
	K8SA_FILL_MORE,  /* call again (events may have been queued) */
	K8SA_FILL_EOF,   /* read-once input fully consumed */
	K8SA_FILL_ERROR, /* unrecoverable read error (message in the log and in err) */
} k8sa_fill_rc;

/* Opens path (tail = follow mode). Events go through parser (borrowed, unbounded pushes).
 * NULL with err filled when path cannot be read (read-once mode) or its directory does not
 * exist (follow mode). */
k8sa_file *k8sa_file_open(const char *path, bool tail, size_t max_line, k8sa_parser *parser,
			  k8sa_log *log, k8sa_stats *stats, char *err, size_t errlen);
void k8sa_file_close(k8sa_file *f);

/* Reads until at least one event is queued, the input ends, or (follow mode) wait_ms pass
 * without new data. */
k8sa_fill_rc k8sa_file_fill(k8sa_file *f, int wait_ms, char *err, size_t errlen);

#endif
