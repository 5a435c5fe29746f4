/* The syscall fields sysstate serves (evt.arg*, evt.res*, proc.*, thread.*, user.*, group.*,
 * fd.*, fs.path.*, container.id): their get_fields description and their extraction from the
 * current event context and the tables. Names and types follow Falco; vigil's extension types
 * (int64, port, bytebuf) are used where Falco's own fields have them. */
#ifndef SST_FIELDS_H
#define SST_FIELDS_H

#include "sst_state.h"

/* get_fields JSON (static storage, built once). NULL only when memory ran out. */
const char *sst_fields_json(void);

/* Number of fields (field ids are 0..count-1). */
uint32_t sst_fields_count(void);

/* Extracts fields[0..n) for the current event; values live in st->vals until the next call. */
ss_plugin_rc sst_fields_extract(sst_state *st, ss_plugin_extract_field *fields, uint32_t n);

#endif
