/* Decode + convert throughput of the gVisor path, replaying the recorded runsc session
 * (334 datagrams) many times through one converter, as a busy connection would. Prints
 * datagrams/s, events/s and ns per event (per core, from thread CPU time); decode-only figures
 * for comparison. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "gv_conv.h"
#include "gv_decode.h"
#include "gv_evbuf.h"
#include "gv_fixture.h"
#include "gv_sandbox.h"

/* CPU time of this thread: the test machines are shared, wall time mostly measures the
 * neighbours. The rates below are therefore per busy core. */
static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	gv_fixture fx;
	if (gv_fixture_load(&fx) != 0)
		return 1;
	unsigned passes = argc > 1 ? (unsigned)atoi(argv[1]) : 3000;
	gv_decode *dec = gv_decode_new();
	gv_conv conv;
	gv_conv_init(&conv);
	gv_evbuf out;
	gv_evbuf_init(&out);
	gv_sandbox *sb = gv_sandbox_new(1);
	gv_msg m;
	const char *why;

	double t0 = now_s();
	for (unsigned p = 0; p < passes; p++)
		for (uint32_t i = 0; i < fx.n; i++)
			gv_decode_datagram(dec, fx.dgram[i], fx.len[i], &m, &why);
	double decode_s = now_s() - t0;

	uint64_t events = 0;
	t0 = now_s();
	for (unsigned p = 0; p < passes; p++) {
		gv_evbuf_reset(&out); /* one next_batch per pass: 334 datagrams */
		for (uint32_t i = 0; i < fx.n; i++)
			if (gv_decode_datagram(dec, fx.dgram[i], fx.len[i], &m, &why) == GV_DECODE_OK)
				events += gv_conv_message(&conv, sb, &m, &out);
	}
	double full_s = now_s() - t0;

	double dgrams = (double)passes * fx.n;
	printf("gvisor decode only:      %.0f datagrams/s, %.1f ns/datagram\n", dgrams / decode_s,
	       decode_s * 1e9 / dgrams);
	printf("gvisor decode+convert:   %.0f datagrams/s, %.1f ns/datagram\n", dgrams / full_s,
	       full_s * 1e9 / dgrams);
	printf("gvisor events:           %.0f events/s, %.1f ns/event (%llu events, %.2f per datagram)\n",
	       (double)events / full_s, full_s * 1e9 / (double)events, (unsigned long long)events,
	       (double)events / dgrams);
	gv_sandbox_free(sb);
	gv_evbuf_free(&out);
	gv_conv_free(&conv);
	gv_decode_free(dec);
	gv_fixture_free(&fx);
	return 0;
}
