/* syscall plugin — loading the eBPF driver (libbpf skeleton), ring creation, selection. */
#include "sp_driver.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vigil_driver.h"
#include "vigil.skel.h"

/* How the enter capture is attached, cheapest for the syscalls not captured first. */
enum sp_enter_hook { SP_ENTER_FENTRY, SP_ENTER_TRACEPOINT, SP_ENTER_SYS_ENTER };

/* Syscalls whose user arguments are copied at entry, before the kernel reads them (TOCTOU),
 * with the kernel function their fentry program attaches to. */
#define SP_ENTER_CAPTURED 5
static const struct {
	uint32_t nr;
	const char *fn;
} enter_captured_tab[SP_ENTER_CAPTURED] = {
	{VG_DRV_NR_OPEN, "__x64_sys_open"}, {VG_DRV_NR_OPENAT, "__x64_sys_openat"},
	{VG_DRV_NR_OPENAT2, "__x64_sys_openat2"}, {VG_DRV_NR_CREAT, "__x64_sys_creat"},
	{VG_DRV_NR_CONNECT, "__x64_sys_connect"},
};

struct sp_driver {
	struct vigil_bpf *skel;
	uint32_t ncpus;
	uint32_t nrings;
	uint64_t ring_bytes;
	int *ring_fds;
	struct bpf_link *sys_exit;
	struct bpf_link *sys_enter;
	struct bpf_link *enter[SP_ENTER_CAPTURED]; /* per-syscall enter capture (fentry or tp) */
	enum sp_enter_hook hook;
	struct bpf_link *sched_exec;
	struct bpf_link *sched_exit;
};

/* libbpf reports a failure in several messages: "prog 'X': BPF program load failed", the
 * verifier's log (whose last lines say why), then more generic ones. The first message naming
 * a program and the log's tail go into the error. */
static char last_libbpf_msg[512];
static char last_verifier_lines[512];

static void keep_line(char *dst, size_t cap, const char *src, size_t n)
{
	while (n && (src[n - 1] == '\n' || src[n - 1] == ' '))
		n--;
	snprintf(dst, cap, "%.*s", (int)n, src);
}

/* The last three lines of a verifier log (the failing instruction, the reason, the totals),
 * joined with '|'. */
static void keep_verifier_tail(const char *log)
{
	const char *end = strstr(log, "-- END PROG LOAD LOG --");
	if (!end)
		end = log + strlen(log);
	const char *start = strstr(log, "-- BEGIN PROG LOAD LOG --");
	start = start ? start + 25 : log;
	const char *p = end;
	int lines = 0;
	while (p > start && lines < 3)
		if (*--p == '\n' && p + 1 < end && p[1] != '\n')
			lines++;
	char tail[512];
	keep_line(tail, sizeof tail, p + (*p == '\n'), (size_t)(end - p - (*p == '\n')));
	for (char *c = tail; *c; c++)
		if (*c == '\n')
			*c = '|';
	snprintf(last_verifier_lines, sizeof last_verifier_lines, "%s", tail);
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		return 0;
	if (strstr(msg, "-- BEGIN PROG LOAD LOG --"))
		keep_verifier_tail(msg);
	else if (msg[0] != '\0' && strcmp(msg, "\n") != 0 && !strstr(last_libbpf_msg, "prog '"))
		keep_line(last_libbpf_msg, sizeof last_libbpf_msg, msg, strlen(msg)); /* first per prog */
	free(msg);
	return 0;
}

static uint64_t boot_time_ns(void)
{
	struct timespec rt, bt;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return (uint64_t)(rt.tv_sec - bt.tv_sec) * 1000000000ULL + (uint64_t)rt.tv_nsec -
	       (uint64_t)bt.tv_nsec;
}

static uint64_t ring_size(uint64_t want)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), sz = page;
	while (sz < want && sz < (1ULL << 30))
		sz <<= 1;
	return sz;
}

static bool create_rings(sp_driver *d, const sp_driver_opts *o, vsdk_error *err)
{
	uint32_t per = o->cpus_per_ring ? o->cpus_per_ring : d->ncpus;
	d->nrings = (d->ncpus + per - 1) / per;
	d->ring_bytes = ring_size(o->buffer_bytes ? o->buffer_bytes : 8ULL << 20);
	d->ring_fds = calloc(d->nrings, sizeof *d->ring_fds);
	if (!d->ring_fds) {
		vsdk_error_set(err, "out of memory");
		return false;
	}
	for (uint32_t i = 0; i < d->nrings; i++)
		d->ring_fds[i] = -1;
	for (uint32_t i = 0; i < d->nrings; i++) {
		d->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "vigil_ring", 0, 0,
		                                (uint32_t)d->ring_bytes, NULL);
		if (d->ring_fds[i] < 0) {
			vsdk_error_set(err, "creating ring %u of %llu bytes: %s", i,
			               (unsigned long long)d->ring_bytes, strerror(errno));
			return false;
		}
	}
	int outer = bpf_map__fd(d->skel->maps.vg_rings);
	for (uint32_t cpu = 0; cpu < d->ncpus; cpu++) {
		int fd = d->ring_fds[cpu / per];
		if (bpf_map_update_elem(outer, &cpu, &fd, BPF_ANY) != 0) {
			vsdk_error_set(err, "mapping cpu %u to its ring: %s", cpu, strerror(errno));
			return false;
		}
	}
	return true;
}

/* Points every supported syscall's slot of the tail-call array at its filler. */
static bool fill_prog_array(sp_driver *d, vsdk_error *err)
{
	size_t n;
	const sp_syscall *t = sp_select_table(&n);
	int arr = bpf_map__fd(d->skel->maps.vg_fillers);
	for (size_t i = 0; i < n; i++) {
		if (!t[i].filler)
			continue;
		struct bpf_program *p = bpf_object__find_program_by_name(d->skel->obj, t[i].filler);
		if (!p)
			return vsdk_error_set(err, "driver has no program %s", t[i].filler), false;
		int fd = bpf_program__fd(p);
		uint32_t key = t[i].nr;
		if (bpf_map_update_elem(arr, &key, &fd, BPF_ANY) != 0)
			return vsdk_error_set(err, "installing %s: %s", t[i].filler, strerror(errno)), false;
	}
	return true;
}

/* The program capturing enter_captured_tab[i] for a per-syscall hook. */
static struct bpf_program *enter_prog(const sp_driver *d, enum sp_enter_hook hook, size_t i)
{
	const struct vigil_bpf *k = d->skel;
	struct bpf_program *fentry[SP_ENTER_CAPTURED] = {
		k->progs.vg_enter___x64_sys_open, k->progs.vg_enter___x64_sys_openat,
		k->progs.vg_enter___x64_sys_openat2, k->progs.vg_enter___x64_sys_creat,
		k->progs.vg_enter___x64_sys_connect,
	};
	struct bpf_program *tp[SP_ENTER_CAPTURED] = {
		k->progs.vg_enter_tp_open, k->progs.vg_enter_tp_openat, k->progs.vg_enter_tp_openat2,
		k->progs.vg_enter_tp_creat, k->progs.vg_enter_tp_connect,
	};
	return hook == SP_ENTER_FENTRY ? fentry[i] : tp[i];
}

/* Whether the kernel lets us load an fentry program on `fn` that reads its first argument
 * (it may not: lockdown, no trampolines, the function missing from BTF, or its pt_regs
 * argument only a forward declaration there, as in 5.10's BTF). */
static bool fentry_loadable(const struct btf *vmlinux, const char *fn)
{
	int id = btf__find_by_name_kind(vmlinux, fn, BTF_KIND_FUNC);
	if (id < 0)
		return false;
	const struct bpf_insn read_arg0[] = {
		{.code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1, .src_reg = BPF_REG_1},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY,
	            .attach_btf_id = (uint32_t)id);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "vg_probe", "GPL", read_arg0, 3, &o);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* fentry programs that cannot load would fail the whole skeleton: they are loaded only when a
 * probe of every one of them loads. */
static bool fentry_usable(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	bool ok = vmlinux != NULL;
	for (size_t i = 0; ok && i < SP_ENTER_CAPTURED; i++)
		ok = fentry_loadable(vmlinux, enter_captured_tab[i].fn);
	btf__free(vmlinux);
	return ok;
}

/* Fillers run only through tail calls; the entry points are attached by sp_driver_select
 * according to the selection, so nothing is attached automatically. */
static void disable_autoattach(struct vigil_bpf *skel)
{
	struct bpf_program *p;
	bpf_object__for_each_program(p, skel->obj)
		bpf_program__set_autoattach(p, false);
}

/* Opens, configures and loads the skeleton; `fentry` says whether the fentry capture programs
 * are loaded. Returns the libbpf error (0 on success). */
static int load_skeleton(sp_driver *d, const sp_driver_opts *o, bool fentry)
{
	last_libbpf_msg[0] = last_verifier_lines[0] = '\0';
	d->skel = vigil_bpf__open();
	if (!d->skel)
		return -errno;
	d->skel->rodata->vg_boot_time = boot_time_ns();
	d->skel->rodata->vg_self_tgid = (uint32_t)getpid();
	d->skel->rodata->vg_snaplen = o->snaplen > VG_DRV_MAX_SNAPLEN ? VG_DRV_MAX_SNAPLEN : o->snaplen;
	d->skel->rodata->vg_capture_env = o->capture_env;
	bpf_map__set_max_entries(d->skel->maps.vg_rings, d->ncpus);
	bpf_map__set_max_entries(d->skel->maps.vg_auxmap, d->ncpus);
	bpf_map__set_max_entries(d->skel->maps.vg_pathmap, d->ncpus);
	disable_autoattach(d->skel);
	d->hook = fentry ? SP_ENTER_FENTRY : SP_ENTER_TRACEPOINT;
	for (size_t i = 0; !fentry && i < SP_ENTER_CAPTURED; i++)
		bpf_program__set_autoload(enter_prog(d, SP_ENTER_FENTRY, i), false);
	return vigil_bpf__load(d->skel);
}

sp_driver *sp_driver_open(const sp_driver_opts *o, vsdk_error *err)
{
	libbpf_set_print(libbpf_log);
	sp_driver *d = calloc(1, sizeof *d);
	if (!d) {
		vsdk_error_set(err, "out of memory");
		return NULL;
	}
	d->ncpus = sp_driver_possible_cpus();
	if (d->ncpus == 0) {
		vsdk_error_set(err, "unsupported number of CPUs (%d)", libbpf_num_possible_cpus());
		free(d);
		return NULL;
	}
	bool fentry = fentry_usable();
	int rc = load_skeleton(d, o, fentry);
	if (rc != 0 && fentry) {
		/* an fentry program refused in a way the probe did not catch (or another failure,
		 * which the second load reports): the capture falls back to tracepoints */
		vigil_bpf__destroy(d->skel);
		rc = load_skeleton(d, o, false);
	}
	if (rc != 0) {
		vsdk_error_set(err, "%s the eBPF driver: %s%s%s%s%s%s", d->skel ? "loading" : "opening",
		               strerror(-rc), last_libbpf_msg[0] ? ": " : "", last_libbpf_msg,
		               last_verifier_lines[0] ? " (verifier: " : "", last_verifier_lines,
		               last_verifier_lines[0] ? ")" : "");
		sp_driver_close(d);
		return NULL;
	}
	d->skel->bss->vg_drop_failed = o->drop_failed;
	if (!create_rings(d, o, err) || !fill_prog_array(d, err)) {
		sp_driver_close(d);
		return NULL;
	}
	return d;
}

/* Attaches `prog` when wanted and not attached, detaches when attached and not wanted. */
static bool toggle(struct bpf_program *prog, struct bpf_link **link, bool want, vsdk_error *err)
{
	if (want && !*link) {
		*link = bpf_program__attach(prog);
		if (!*link) {
			int e = errno;
			*link = NULL;
			return vsdk_error_set(err, "attaching %s: %s", bpf_program__name(prog),
			                      strerror(e)), false;
		}
	} else if (!want && *link) {
		bpf_link__destroy(*link);
		*link = NULL;
	}
	return true;
}

static bool enter_captured(uint32_t nr)
{
	for (size_t i = 0; i < SP_ENTER_CAPTURED; i++)
		if (enter_captured_tab[i].nr == nr)
			return true;
	return false;
}

/* Entries left by a previous attachment (a syscall whose exit was deselected) would be taken
 * for the copy of a syscall that entered before the capture came back: start empty. */
static void clear_enter_args(sp_driver *d)
{
	int fd = bpf_map__fd(d->skel->maps.vg_enter_args);
	uint32_t key;
	while (bpf_map_get_next_key(fd, NULL, &key) == 0)
		if (bpf_map_delete_elem(fd, &key) != 0)
			break;
}

static bool any_enter_attached(const sp_driver *d)
{
	for (size_t i = 0; i < SP_ENTER_CAPTURED; i++)
		if (d->enter[i])
			return true;
	return d->sys_enter != NULL;
}

static void detach_per_syscall(sp_driver *d)
{
	for (size_t i = 0; i < SP_ENTER_CAPTURED; i++) {
		bpf_link__destroy(d->enter[i]);
		d->enter[i] = NULL;
	}
}

/* Attaches the current per-syscall hook's program of each selected captured syscall. */
static bool select_per_syscall(sp_driver *d, bool want, vsdk_error *err)
{
	const volatile __u8 *on = d->skel->bss->vg_interesting;
	for (size_t i = 0; i < SP_ENTER_CAPTURED; i++) {
		bool w = want && on[enter_captured_tab[i].nr] != 0;
		if (!toggle(enter_prog(d, d->hook, i), &d->enter[i], w, err))
			return false;
	}
	return true;
}

/* The enter capture for the selected syscalls among open/openat/openat2/creat/connect. A hook
 * that fails to attach (tracefs or syscall tracepoints missing, no trampolines) is given up
 * for the next one, for the life of the driver. */
static bool select_enter(sp_driver *d, bool want, vsdk_error *err)
{
	if (want && !any_enter_attached(d))
		clear_enter_args(d);
	while (d->hook != SP_ENTER_SYS_ENTER) {
		if (select_per_syscall(d, want, err))
			return true;
		detach_per_syscall(d);
		d->hook = d->hook == SP_ENTER_FENTRY ? SP_ENTER_TRACEPOINT : SP_ENTER_SYS_ENTER;
	}
	return toggle(d->skel->progs.vg_sys_enter, &d->sys_enter, want, err);
}

const char *sp_driver_enter_hook(const sp_driver *d)
{
	static const char *const names[] = {"fentry", "syscall tracepoints", "tp_btf/sys_enter"};
	return names[d->hook];
}

bool sp_driver_select(sp_driver *d, const sp_selection *s, vsdk_error *err)
{
	size_t n;
	const sp_syscall *t = sp_select_table(&n);
	bool any_syscall = false, exec = false, procexit = false, enter = false;
	volatile __u8 *on = d->skel->bss->vg_interesting;
	memset((void *)on, 0, sizeof d->skel->bss->vg_interesting);
	for (size_t i = 0; i < n; i++) {
		if (!s->on[i])
			continue;
		on[t[i].nr] = 1;
		if (t[i].filler)
			any_syscall = true;
		if (t[i].filler && enter_captured(t[i].nr))
			enter = true;
		if (t[i].nr == VG_DRV_NR_EXECVE || t[i].nr == VG_DRV_NR_EXECVEAT) /* the exec stash */
			exec = true;
		if (t[i].nr == VG_DRV_PROCEXIT_SLOT)
			procexit = true;
	}
	/* a successful execveat exits through execve's slot (see vigil.bpf.c) */
	if (on[VG_DRV_NR_EXECVEAT] && !on[VG_DRV_NR_EXECVE])
		on[VG_DRV_NR_EXECVE] = 2;
	/* sys_exit before the enter capture: a copy is never made without an exit to release it */
	return toggle(d->skel->progs.vg_sys_exit, &d->sys_exit, any_syscall, err) &&
	       select_enter(d, enter, err) &&
	       toggle(d->skel->progs.vg_sched_exec, &d->sched_exec, exec, err) &&
	       toggle(d->skel->progs.vg_sched_exit, &d->sched_exit, procexit, err);
}

void sp_driver_stats_cpu(const sp_driver *d, uint32_t cpu, sp_driver_stats *out)
{
	const volatile struct vg_drv_counters *c = &d->skel->bss->vg_counters[cpu];
	out->n_evts = c->n_evts;
	out->n_drops_buffer = c->n_drops_buffer;
	out->n_drops_max_size = c->n_drops_max_size;
	out->n_drops_scratch = c->n_drops_scratch;
}

void sp_driver_stats_read(const sp_driver *d, sp_driver_stats *out)
{
	memset(out, 0, sizeof *out);
	for (uint32_t cpu = 0; cpu < d->ncpus; cpu++) {
		sp_driver_stats one;
		sp_driver_stats_cpu(d, cpu, &one);
		out->n_evts += one.n_evts;
		out->n_drops_buffer += one.n_drops_buffer;
		out->n_drops_max_size += one.n_drops_max_size;
		out->n_drops_scratch += one.n_drops_scratch;
	}
}

uint32_t sp_driver_possible_cpus(void)
{
	int n = libbpf_num_possible_cpus();
	return n > 0 && n <= VG_DRV_MAX_CPUS ? (uint32_t)n : 0;
}

uint32_t sp_driver_ncpus(const sp_driver *d) { return d->ncpus; }
uint32_t sp_driver_nrings(const sp_driver *d) { return d->nrings; }
int sp_driver_ring_fd(const sp_driver *d, uint32_t ring) { return d->ring_fds[ring]; }
uint64_t sp_driver_ring_bytes(const sp_driver *d) { return d->ring_bytes; }

void sp_driver_close(sp_driver *d)
{
	if (!d)
		return;
	detach_per_syscall(d);
	bpf_link__destroy(d->sys_enter);
	bpf_link__destroy(d->sys_exit);
	bpf_link__destroy(d->sched_exec);
	bpf_link__destroy(d->sched_exit);
	if (d->ring_fds) {
		for (uint32_t i = 0; i < d->nrings; i++)
			if (d->ring_fds[i] >= 0)
				close(d->ring_fds[i]);
		free(d->ring_fds);
	}
	vigil_bpf__destroy(d->skel);
	free(d);
}
