/* libFuzzer target: the scap capture reader must reject or read any byte string without
 * crashing, and every event it returns must be well-formed. */
#include <stdint.h>
#include <stdlib.h>

#include "sp_capture.h"
#include "vigil/scap_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sp_capture *c = sp_capture_open_mem(data, size);
	if (!c)
		return 0;
	vsdk_error err;
	const uint8_t *ev;
	vg_scap_param params[VG_SCAP_MAX_PARAMS];
	while (sp_capture_next(c, &ev, &err) == 1) {
		if (!vg_scap_event_valid(ev, vg_scap_evt_len(ev)))
			abort();
		int n = vg_scap_event_params(ev, params, VG_SCAP_MAX_PARAMS);
		for (int i = 0; i < n; i++) {
			uint64_t u;
			(void)vg_scap_param_uint(&params[i], &u);
			(void)vg_scap_param_str(&params[i]);
		}
	}
	sp_capture_close(c);
	return 0;
}
