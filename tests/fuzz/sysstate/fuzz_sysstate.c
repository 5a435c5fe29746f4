/* libFuzzer target: random event streams through parse_event and every field's extraction.
 * Input = a sequence of records "u16 length, bytes", each handed over as one event of exactly
 * that many bytes (as the host does); tables are kept small so eviction and fd caps run too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sst_fields.h"
#include "sst_parse.h"
#include "sst_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_extract_all(sst_state *st)
{
	static const char *const keys[] = {NULL, "1", "name"};
	for (uint32_t id = 0; id < sst_fields_count(); id++) {
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			ss_plugin_extract_field f = {.field_id = id, .arg_index = UINT64_MAX};
			if (keys[k]) {
				f.arg_present = 1;
				f.arg_key = keys[k];
				if (keys[k][0] >= '0' && keys[k][0] <= '9')
					f.arg_index = (uint64_t)atoi(keys[k]);
			}
			sst_fields_extract(st, &f, 1);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vsdk_error err;
	sst_state *st = sst_state_new("{\"procfs\":false,\"thread_table_size\":64,\"fd_table_size\":16}",
				      NULL, &err);
	if (!st)
		abort();
	uint64_t evtnum = 0;
	size_t pos = 0;
	while (pos + 2 <= size) {
		uint16_t n;
		memcpy(&n, data + pos, 2);
		pos += 2;
		if (n > size - pos)
			n = (uint16_t)(size - pos);
		/* The host always hands over at least a header; the rest is exactly n bytes. */
		size_t alloc = n < sizeof(ss_plugin_event) ? sizeof(ss_plugin_event) : n;
		uint8_t *buf = calloc(1, alloc);
		if (!buf)
			abort();
		memcpy(buf, data + pos, n);
		pos += n;
		ss_plugin_event *evt = (ss_plugin_event *)buf;
		if (evt->len > alloc)
			evt->len = (uint32_t)alloc;
		sst_parse_event(st, ++evtnum, evt);
		fuzz_extract_all(st);
		free(buf);
	}
	sst_state_free(st);
	return 0;
}
