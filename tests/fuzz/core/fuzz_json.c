/* libFuzzer target: the core JSON reader (plugin get_fields, init schemas, open params and
 * configs come from plugins we do not control). Parses, then walks every token with every
 * accessor; ASan/UBSan catch what the walkers do wrong, the depth bound keeps time linear. */
#include <stddef.h>
#include <stdint.h>

#include "util/json.h"

static void walk(const vg_json *j, vg_buf *scratch)
{
	for (int t = 0; t < j->ntok; t++) {
		bool b;
		int64_t i;
		uint64_t u;
		vg_buf_reset(scratch);
		(void)vg_json_str(j, t, scratch);
		(void)vg_json_is_bool(j, t, &b);
		(void)vg_json_int(j, t, &i);
		(void)vg_json_uint(j, t, &u);
		(void)vg_json_str_eq(j, t, "name");
		if (vg_json_is_obj(j, t))
			(void)vg_json_get(j, t, "type");
		if (vg_json_is_arr(j, t))
			(void)vg_json_at(j, t, j->tok[t].size - 1);
		vg_buf_reset(scratch);
		vg_json_put_str(scratch, j->text + j->tok[t].start, (size_t)(j->tok[t].end - j->tok[t].start));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_json j;
	vg_err err;
	vg_buf scratch;
	vg_buf_init(&scratch);
	if (vg_json_parse(&j, (const char *)data, size, 64, &err) == VG_OK) {
		walk(&j, &scratch);
		vg_json_free(&j);
	}
	vg_buf_free(&scratch);
	return 0;
}
