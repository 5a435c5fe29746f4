/* The eBPF driver must load on kernels >= 5.8. The live tests prove it on the test kernel and
 * tests/e2e/kernel boots an old one; this test checks the compiled object (no root needed)
 * for what would make an older kernel refuse it:
 *   - a helper newer than 5.8 (e.g. bpf_get_current_task_btf 5.11, bpf_loop 5.17);
 *   - a BPF-to-BPF call: combined with tail calls it needs 5.10 (x86 JIT);
 *   - a map type newer than 5.8 (ring buffers are the newest we may use);
 *   - a program type other than tracing (tp_btf, fentry: 5.5) and tracepoints. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <stdio.h>

/* The newest helper in 5.8: BPF_FUNC_csum_level (ids are append-only). */
#define NEWEST_HELPER_5_8 135

static struct bpf_object *open_driver(void)
{
	struct bpf_object *obj = bpf_object__open_file(VIGIL_BPF_OBJECT, NULL);
	cr_assert(obj != NULL, "cannot open %s", VIGIL_BPF_OBJECT);
	return obj;
}

static bool is_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL);
}

Test(driver_compat, helpers_exist_in_5_8)
{
	struct bpf_object *obj = open_driver();
	struct bpf_program *p;
	size_t calls = 0;
	bpf_object__for_each_program(p, obj) {
		const struct bpf_insn *in = bpf_program__insns(p);
		size_t n = bpf_program__insn_cnt(p);
		for (size_t i = 0; i < n; i++) {
			if (!is_call(&in[i]) || in[i].src_reg != 0)
				continue;
			calls++;
			cr_expect(in[i].imm > 0 && in[i].imm <= NEWEST_HELPER_5_8,
			          "%s: insn %zu calls helper %d, newer than kernel 5.8",
			          bpf_program__name(p), i, in[i].imm);
		}
	}
	cr_expect(calls > 100, "only %zu helper calls found: wrong object?", calls);
	bpf_object__close(obj);
}

Test(driver_compat, no_bpf_to_bpf_calls)
{
	struct bpf_object *obj = open_driver();
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj) {
		const struct bpf_insn *in = bpf_program__insns(p);
		size_t n = bpf_program__insn_cnt(p);
		for (size_t i = 0; i < n; i++)
			cr_expect(!(is_call(&in[i]) && in[i].src_reg == BPF_PSEUDO_CALL),
			          "%s: insn %zu is a BPF-to-BPF call (with tail calls: kernel >= 5.10)",
			          bpf_program__name(p), i);
	}
	bpf_object__close(obj);
}

Test(driver_compat, map_and_program_types_exist_in_5_8)
{
	struct bpf_object *obj = open_driver();
	struct bpf_map *m;
	bool ringbuf_seen = false;
	bpf_object__for_each_map(m, obj) {
		enum bpf_map_type t = bpf_map__type(m);
		cr_expect(t <= BPF_MAP_TYPE_RINGBUF, "map %s has type %d, newer than kernel 5.8",
		          bpf_map__name(m), (int)t);
		/* the rings are created by the loader; the array of them is declared here */
		if (t == BPF_MAP_TYPE_ARRAY_OF_MAPS)
			ringbuf_seen = true;
	}
	cr_expect(ringbuf_seen, "no array of ring buffers in the driver");
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj) {
		enum bpf_prog_type t = bpf_program__type(p);
		cr_expect(t == BPF_PROG_TYPE_TRACING || t == BPF_PROG_TYPE_TRACEPOINT,
		          "%s has program type %d", bpf_program__name(p), (int)t);
	}
	bpf_object__close(obj);
}
