/* syscall plugin — scap capture files (libscap's pcapng-like format), read and write.
 *
 * Reader: the first block must be a section header; metadata blocks (machine info, process,
 * fd, interface and user lists) and unknown blocks are skipped by length; event blocks EV,
 * EVF (22-byte v1 header, nparams recovered from the event table), EV_V2, EVF_V2,
 * EV_V2_LARGE and EVF_V2_LARGE are returned as 26-byte-header events. Files may be gzip
 * compressed. Events whose type is newer than vigil's table are skipped; malformed blocks end
 * the read with an error naming the byte offset.
 * Writer: section header + one EV_V2 (EV_V2_LARGE for EF_LARGE_PAYLOAD types) block per event. */
#ifndef SP_CAPTURE_H
#define SP_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/plugin_sdk.h"

typedef struct sp_capture sp_capture;

/* Opens a file (plain or gzip). NULL with err set on failure. */
sp_capture *sp_capture_open(const char *path, vsdk_error *err);

/* Reads from memory (borrowed for the reader's lifetime); used by the fuzzer and tests. */
sp_capture *sp_capture_open_mem(const void *buf, size_t len);

/* Next event: 1 with *evt set (owned by the reader, valid until the next call), 0 at the end,
 * -1 with err set when the file is malformed or unreadable. */
int sp_capture_next(sp_capture *c, const uint8_t **evt, vsdk_error *err);

/* Events skipped because their type is unknown or their parameters do not parse. */
uint64_t sp_capture_skipped(const sp_capture *c);

void sp_capture_close(sp_capture *c);

typedef struct sp_capture_writer sp_capture_writer;

sp_capture_writer *sp_capture_writer_open(const char *path, bool gzip, vsdk_error *err);
bool sp_capture_write(sp_capture_writer *w, const void *evt, uint16_t cpuid, vsdk_error *err);
/* Flushes and closes; false with err set if the data could not be written. */
bool sp_capture_writer_close(sp_capture_writer *w, vsdk_error *err);

#endif
