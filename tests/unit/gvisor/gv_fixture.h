/* Loads the recorded gVisor session (shared/fixtures/gvisor/capture-start.*) for tests and the
 * benchmark: the datagrams of capture-start.bin and the lines of capture-start.jsonl. */
#ifndef GV_FIXTURE_H
#define GV_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

typedef struct gv_fixture {
	uint8_t *data;          /* owned: the whole .bin file */
	size_t size;
	const uint8_t **dgram;  /* owned array: datagram i starts here (points into data) */
	uint32_t *len;          /* owned array: its length */
	char **json;            /* owned: expected decoding per datagram (NULL when not loaded) */
	uint32_t n;
} gv_fixture;

/* Reads $VIGIL_SHARED_DIR (default /work/shared)/fixtures/gvisor/capture-start.bin and .jsonl.
 * Returns 0, or -1 with a message on stderr. */
int gv_fixture_load(gv_fixture *f);
void gv_fixture_free(gv_fixture *f);

#endif
