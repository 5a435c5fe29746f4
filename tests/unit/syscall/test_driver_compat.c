/* The eBPF driver must load on kernels >= 5.8. The live tests prove it on the test kernel and
 * tests/e2e/kernel boots an old one; this test checks the compiled object (no root needed)
 * for what would make an older kernel refuse it:
 *   - a helper newer than 5.8 (e.g. bpf_get_current_task_btf 5.11, bpf_loop 5.17);
 *   - a BPF-to-BPF call: combined with tail calls it needs 5.10 (x86 JIT);
 *   - a map type newer than 5.8 (ring buffers are the newest we may use);
 *   - a program type other than tracing (tp_btf, fentry: 5.5) and tracepoints;
 *   - a loop the verifier of kernels before 6.x refuses: their CFG check walks instructions
 *     depth-first and accepts a back-edge only from a jump, so a loop clang enters in the
 *     middle, with its latch laid out to fall through into the entry, is "back-edge from insn
 *     X to X+1" there (6.x accepts it);
 *   - more than 32767 instructions: jump offsets are 16-bit. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>

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

enum { WHITE, ON_STACK, DONE };

/* 5.10's check_cfg: depth-first, fall-through edge first; a back-edge (to an instruction still
 * on the stack) is allowed from a jump only. Returns the offending instruction or -1. */
static long fallthrough_back_edge(const struct bpf_insn *in, size_t n)
{
	unsigned char *state = calloc(n, 1);
	size_t *stack = calloc(n, sizeof *stack), *next_edge = calloc(n, sizeof *next_edge);
	cr_assert(state && stack && next_edge);
	long bad = -1;
	size_t sp = 0;
	stack[sp++] = 0;
	state[0] = ON_STACK;
	while (sp && bad < 0) {
		size_t t = stack[sp - 1];
		__u8 cls = BPF_CLASS(in[t].code), op = BPF_OP(in[t].code);
		bool jmp = cls == BPF_JMP || cls == BPF_JMP32;
		size_t targets[2];
		bool loop_ok[2];
		int nt = 0;
		if (jmp && op == BPF_EXIT) {
			nt = 0;
		} else if (jmp && op == BPF_CALL) {
			targets[nt] = t + 1, loop_ok[nt++] = false;
		} else if (jmp && op == BPF_JA) {
			targets[nt] = t + in[t].off + 1, loop_ok[nt++] = true;
		} else if (jmp) {
			targets[nt] = t + 1, loop_ok[nt++] = true;
			targets[nt] = t + in[t].off + 1, loop_ok[nt++] = true;
		} else {
			bool wide = in[t].code == (BPF_LD | BPF_IMM | BPF_DW);
			targets[nt] = t + (wide ? 2 : 1), loop_ok[nt++] = false;
		}
		if (next_edge[t] == (size_t)nt) {
			state[t] = DONE;
			sp--;
			continue;
		}
		size_t w = targets[next_edge[t]];
		bool ok = loop_ok[next_edge[t]];
		next_edge[t]++;
		if (w >= n)
			continue; /* "jump out of range": the size test reports it */
		if (state[w] == WHITE) {
			state[w] = ON_STACK;
			stack[sp++] = w;
		} else if (state[w] == ON_STACK && !ok) {
			bad = (long)t;
		}
	}
	free(state);
	free(stack);
	free(next_edge);
	return bad;
}

Test(driver_compat, loops_pass_the_5_10_cfg_check)
{
	struct bpf_object *obj = open_driver();
	struct bpf_program *p;
	bpf_object__for_each_program(p, obj) {
		size_t n = bpf_program__insn_cnt(p);
		cr_expect(n <= 32767, "%s has %zu instructions: jumps cannot span it", bpf_program__name(p), n);
		long bad = fallthrough_back_edge(bpf_program__insns(p), n);
		cr_expect(bad < 0, "%s: back-edge by fall-through from insn %ld to %ld",
		          bpf_program__name(p), bad, bad + 1);
	}
	bpf_object__close(obj);
}
