/* libFuzzer target for the gVisor datagram path: header + protobuf decoding, conversion into
 * libscap events (with thread state kept across inputs, as a long-lived connection would) and
 * rendering of every produced event. Seeds are datagrams cut from the recorded runsc session. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/scap_events.h>

#include "gv_conv.h"
#include "gv_decode.h"
#include "gv_evbuf.h"
#include "gv_render.h"
#include "gv_sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gv_decode *dec;
static gv_conv conv;
static gv_evbuf out;
static gv_sandbox *sb;
static unsigned runs;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dec) {
		dec = gv_decode_new();
		gv_conv_init(&conv);
		gv_evbuf_init(&out);
		sb = gv_sandbox_new(1);
	}
	gv_evbuf_reset(&out);
	gv_msg m;
	const char *why = NULL;
	if (gv_decode_datagram(dec, data, size, &m, &why) == GV_DECODE_OK)
		gv_conv_message(&conv, sb, &m, &out);
	/* Every so often the sandbox "disconnects", exercising the clean-up path. */
	if (++runs % 256 == 0)
		gv_conv_disconnect(&conv, sb, 1, &out);
	for (uint32_t i = 0; i < out.n; i++) {
		const uint8_t *e = gv_evbuf_at(&out, i);
		vg_scap_evt h;
		memcpy(&h, e, sizeof(h));
		if (!vg_scap_event_valid(e, h.len))
			abort(); /* the converter must only produce well-formed events */
		char text[512];
		gv_render_event(e, text, sizeof(text));
	}
	return 0;
}
