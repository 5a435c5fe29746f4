/* libFuzzer target: the condition parser, then (when it parses) the compiler and evaluator
 * against the test registry. Any input must come back as a result or a clean error. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/cond_eval.h"
#include "rules/cond_parse.h"
#include "rules_testlib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static vg_fields *reg;
	if (!reg)
		reg = tl_registry("syscall");
	vg_cond_ctx_opts o = { .registry = reg, .evttype_lookup = tl_evttype_lookup };
	vg_cond_ctx *ctx = vg_cond_compile_ctx_new(&o);
	vg_err err;
	vg_cond_node *ast = vg_cond_parse(vg_cond_compile_arena(ctx), (const char *)data, size, &err);
	if (ast) {
		vg_buf b;
		vg_buf_init(&b);
		vg_cond_parse_print(ast, &b);
		vg_buf_free(&b);
		vg_cond_fail why;
		vg_cond_cnode *c = vg_cond_compile(ctx, ast, (const char *)data, size, &why, &err);
		if (c) {
			vg_evtset s;
			vg_cond_compile_evttypes(c, &s);
			vg_cond_state *st = vg_cond_eval_state_new(vg_cond_compile_slots(ctx), vg_cond_compile_nslots(ctx));
			tev t = { .type = 5, .str = "/etc/passwd", .str2 = "YWJj", .has_u64 = true, .u64 = 3,
				  .list = { "a", "b" }, .nlist = 2, .iplen = 4, .ip = { 10, 0, 0, 1 } };
			ss_plugin_event hdr;
			vg_evctx ev;
			tl_event(&t, &hdr, &ev);
			vg_cond_eval_begin(st, &ev);
			(void)vg_cond_eval(c, st, &ev);
			vg_cond_eval_state_free(st);
		}
	}
	vg_cond_compile_ctx_free(ctx);
	return 0;
}
