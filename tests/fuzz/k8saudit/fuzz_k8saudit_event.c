/* libFuzzer target: an arbitrary payload through the k8saudit payload parser (as a webhook body
 * or file line), then every ka.* field, with and without arguments, on each event it yields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8sa_fields.h"
#include "k8sa_log.h"
#include "k8sa_payload.h"
#include "k8sa_queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void extract_all(k8sa_extractor *x, k8sa_evt *e, uint64_t evtnum)
{
	static const struct {
		const char *key;
		uint64_t index;
	} args[] = {{NULL, UINT64_MAX}, {"0", 0}, {"1", 1}, {"command", UINT64_MAX}, {"/etc*", UINT64_MAX}};
	ss_plugin_event_input ev = {.evt = k8sa_evt_hdr(e), .evtnum = evtnum, .evtsrc = "k8s_audit"};
	char err[256];
	for (uint32_t id = 0; id < k8sa_fields_count(); id++) {
		for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
			ss_plugin_extract_field f = {.field_id = id, .arg_key = args[a].key,
						     .arg_index = args[a].index,
						     .arg_present = args[a].key != NULL};
			ss_plugin_extract_value_offsets offs = {NULL, NULL};
			ss_plugin_field_extract_input in = {.num_fields = 1, .fields = &f,
							    .value_offsets = &offs};
			if (k8sa_extract(x, &ev, &in, err, sizeof(err)) != SS_PLUGIN_SUCCESS)
				return;
			for (uint64_t i = 0; i < f.res_len; i++) {
				volatile size_t n = strlen(f.res.str[i]);
				(void)n;
			}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	k8sa_queue q;
	k8sa_stats stats;
	k8sa_log log;
	memset(&stats, 0, sizeof(stats));
	k8sa_log_init(&log, NULL, NULL);
	if (!k8sa_queue_init(&q, 64, 1 << 20))
		return 0;
	k8sa_parser p;
	k8sa_parser_init(&p, 1 << 16, true, &q, &stats, &log, "fuzz");
	k8sa_payload_report rep;
	k8sa_payload_parse(&p, (const char *)data, size, &rep);
	k8sa_parser_free(&p);
	k8sa_extractor x;
	k8sa_extractor_init(&x);
	k8sa_evt *evts[64];
	size_t n = k8sa_queue_pop(&q, evts, 64, 0);
	for (size_t i = 0; i < n; i++) {
		extract_all(&x, evts[i], i + 1);
		free(evts[i]);
	}
	/* The raw input as an event payload too: extraction must cope with anything. */
	k8sa_evt *raw = size < (1u << 20) ? k8sa_evt_new(1, (uint32_t)size) : NULL;
	if (raw) {
		memcpy(k8sa_evt_payload(raw), data, size);
		extract_all(&x, raw, 1000);
		free(raw);
	}
	k8sa_extractor_free(&x);
	k8sa_queue_destroy(&q);
	return 0;
}
