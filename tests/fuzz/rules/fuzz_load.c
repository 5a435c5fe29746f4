/* libFuzzer target: a whole rules file through the loader, compiler and one match. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_testlib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_match(const vg_rule *rule, vg_evctx *ev, void *ud)
{
	vg_buf msg, json;
	vg_buf_init(&msg);
	vg_buf_init(&json);
	vg_ruleset_format(rule, ud, ev, &msg, &json);
	vg_buf_free(&msg);
	vg_buf_free(&json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vg_rules_opts o;
	tl_opts(&o);
	o.matching = VG_RULE_MATCHING_ALL;
	vg_rules_input in = { "fuzz.yaml", (const char *)data, size };
	vg_rules *r = NULL;
	vg_rules_result *res = NULL;
	vg_err err;
	if (vg_rules_load_inputs(&o, &in, 1, &r, &res, &err) == VG_OK) {
		vg_ruleset *rs = vg_rules_ruleset(r, "syscall");
		if (rs) {
			vg_ruleset_state *st = vg_ruleset_state_new(rs);
			tev t = { .type = 3, .str = "bash", .str2 = "x", .has_u64 = true, .u64 = 1 };
			ss_plugin_event hdr;
			vg_evctx ev;
			tl_event(&t, &hdr, &ev);
			vg_ruleset_match(rs, st, &ev, on_match, st);
			vg_ruleset_state_free(st);
		}
	}
	vg_buf b;
	vg_buf_init(&b);
	vg_rules_result_json(res, &b);
	vg_rules_result_text(res, &b);
	vg_buf_free(&b);
	vg_rules_free(r);
	vg_rules_result_free(res);
	return 0;
}
