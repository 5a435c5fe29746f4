/* vigil — building libscap events in BPF.
 *
 * Every event is assembled in a per-CPU scratch buffer ("auxmap": an ARRAY indexed by CPU,
 * because per-CPU array values are capped at 32 KiB) and then copied into the ring of its CPU
 * group with bpf_ringbuf_output(..., BPF_RB_NO_WAKEUP): the consumer polls, nobody is woken per
 * event. Offsets are masked with VG_DRV_MAX_EVENT - 1; the scratch is twice that size so that
 * any masked offset plus one maximal write stays inside the value. */
#ifndef VIGIL_EVT_BPF_H
#define VIGIL_EVT_BPF_H

#define OFF_MASK (VG_DRV_MAX_EVENT - 1)
#define HDR_LEN 26

struct vg_aux {
	__u8 data[VG_DRV_AUX_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* set to the number of possible CPUs by the loader */
	__type(key, __u32);
	__type(value, struct vg_aux);
} vg_auxmap SEC(".maps");

struct vg_ringbuf {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 64); /* real rings are created by the loader */
};

/* One slot per possible CPU; CPUs of a group share a ring. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct vg_ringbuf);
} vg_rings SEC(".maps");

/* Set by the loader before load. */
const volatile __u64 vg_boot_time = 0;   /* realtime - boottime, ns */
const volatile __u32 vg_self_tgid = 0;   /* vigil never traces itself */
const volatile __u32 vg_snaplen = 80;    /* bytes of I/O data captured */
const volatile __u8 vg_capture_env = 1;  /* execve env */

/* Written by userspace at any time (.bss is mmapped). */
__u8 vg_interesting[VG_DRV_MAX_SYSCALLS];
__u8 vg_drop_failed;
struct vg_drv_counters vg_counters[VG_DRV_MAX_CPUS];

struct evb {
	__u8 *buf;
	__u32 pos;
	__u32 idx;
	__u32 cpu;
};

static __always_inline struct vg_drv_counters *my_counters(__u32 cpu)
{
	return &vg_counters[cpu & (VG_DRV_MAX_CPUS - 1)];
}

/* Starts an event of `type` with `nparams` u16-length parameters for thread `tid`. */
static __always_inline bool evb_begin_tid(struct evb *e, __u16 type, __u32 nparams, __u64 tid)
{
	__u32 cpu = bpf_get_smp_processor_id();
	e->cpu = cpu;
	my_counters(cpu)->n_evts++;
	struct vg_aux *a = bpf_map_lookup_elem(&vg_auxmap, &cpu);
	if (!a) {
		my_counters(cpu)->n_drops_scratch++;
		return false;
	}
	e->buf = a->data;
	e->idx = 0;
	e->pos = HDR_LEN + nparams * 2;
	__u64 ts = vg_boot_time + bpf_ktime_get_boot_ns();
	__builtin_memcpy(&e->buf[0], &ts, 8);
	__builtin_memcpy(&e->buf[8], &tid, 8);
	__builtin_memcpy(&e->buf[20], &type, 2);
	__builtin_memcpy(&e->buf[22], &nparams, 4);
	return true;
}

static __always_inline bool evb_begin(struct evb *e, __u16 type, __u32 nparams)
{
	return evb_begin_tid(e, type, nparams, (__u32)bpf_get_current_pid_tgid());
}

/* Records the length of the parameter just written at e->pos. */
static __always_inline void evb_commit(struct evb *e, __u32 len)
{
	__u16 l16 = len;
	__builtin_memcpy(&e->buf[(HDR_LEN + e->idx * 2) & 0xff], &l16, 2);
	e->pos += len;
	e->idx++;
}

#define EVB_PUT_FIXED(e, type, v)                                          \
	do {                                                               \
		type _v = (type)(v);                                       \
		__builtin_memcpy(&(e)->buf[(e)->pos & OFF_MASK], &_v, sizeof(_v)); \
		evb_commit(e, sizeof(_v));                                 \
	} while (0)

static __always_inline void put_u8(struct evb *e, __u8 v) { EVB_PUT_FIXED(e, __u8, v); }
static __always_inline void put_u16(struct evb *e, __u16 v) { EVB_PUT_FIXED(e, __u16, v); }
static __always_inline void put_u32(struct evb *e, __u32 v) { EVB_PUT_FIXED(e, __u32, v); }
static __always_inline void put_u64(struct evb *e, __u64 v) { EVB_PUT_FIXED(e, __u64, v); }
static __always_inline void put_s64(struct evb *e, __s64 v) { EVB_PUT_FIXED(e, __s64, v); }
static __always_inline void put_empty(struct evb *e) { evb_commit(e, 0); }

/* NUL-terminated user string; unreadable or NULL -> empty parameter. */
static __always_inline void put_user_str(struct evb *e, const void *uptr, __u32 max)
{
	long n = 0;
	if (uptr)
		n = bpf_probe_read_user_str(&e->buf[e->pos & OFF_MASK], max & (VG_DRV_MAX_PATH * 2 - 1), uptr);
	evb_commit(e, n > 0 ? n : 0);
}

static __always_inline void put_kernel_str(struct evb *e, const void *kptr, __u32 max)
{
	long n = 0;
	if (kptr)
		n = bpf_probe_read_kernel_str(&e->buf[e->pos & OFF_MASK], max & (VG_DRV_MAX_PATH * 2 - 1), kptr);
	evb_commit(e, n > 0 ? n : 0);
}

/* Raw user bytes, at most `max` (<= VG_DRV_MAX_SNAPLEN). */
static __always_inline void put_user_buf(struct evb *e, const void *uptr, __u64 len, __u32 max)
{
	if (!uptr || (__s64)len <= 0) {
		put_empty(e);
		return;
	}
	if (len > max)
		len = max;
	/* clang drops the mask when it can prove the bound; old verifiers cannot */
	barrier_var(len);
	len &= (VG_DRV_MAX_SNAPLEN * 2 - 1);
	if (bpf_probe_read_user(&e->buf[e->pos & OFF_MASK], len, uptr) != 0)
		len = 0;
	evb_commit(e, len);
}

/* Copies the finished event into the ring of this CPU's group. */
static __always_inline void evb_submit(struct evb *e)
{
	struct vg_drv_counters *c = my_counters(e->cpu);
	if (e->pos >= VG_DRV_MAX_EVENT) {
		c->n_drops_max_size++;
		return;
	}
	__u32 len = e->pos;
	__builtin_memcpy(&e->buf[16], &len, 4);
	void *rb = bpf_map_lookup_elem(&vg_rings, &e->cpu);
	if (!rb) {
		c->n_drops_scratch++;
		return;
	}
	/* keep the mask: clang would drop it after the range check, the verifier needs it */
	asm volatile("" : "+r"(len));
	if (bpf_ringbuf_output(rb, e->buf, len & OFF_MASK, BPF_RB_NO_WAKEUP) != 0)
		c->n_drops_buffer++;
}

/* Small fixed-size events skip the scratch buffer: reserved straight in the ring (§1.5 of the
 * driver reference; saves a lookup and a copy). Returns the record or NULL (drop counted). */
static __always_inline __u8 *fixed_begin(__u32 size, __u16 type, __u32 nparams)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct vg_drv_counters *c = my_counters(cpu);
	c->n_evts++;
	void *rb = bpf_map_lookup_elem(&vg_rings, &cpu);
	if (!rb) {
		c->n_drops_scratch++;
		return NULL;
	}
	__u8 *p = bpf_ringbuf_reserve(rb, size, 0);
	if (!p) {
		c->n_drops_buffer++;
		return NULL;
	}
	__u64 ts = vg_boot_time + bpf_ktime_get_boot_ns();
	__u64 tid = (__u32)bpf_get_current_pid_tgid();
	__builtin_memcpy(&p[0], &ts, 8);
	__builtin_memcpy(&p[8], &tid, 8);
	__builtin_memcpy(&p[16], &size, 4);
	__builtin_memcpy(&p[20], &type, 2);
	__builtin_memcpy(&p[22], &nparams, 4);
	return p;
}

/* An event made of two 8-byte parameters (res/fd pairs). */
static __always_inline void fixed_event_2x64(__u16 type, __u64 a, __u64 b)
{
	__u8 *p = fixed_begin(HDR_LEN + 4 + 16, type, 2);
	if (!p)
		return;
	__u16 l8 = 8;
	__builtin_memcpy(&p[HDR_LEN], &l8, 2);
	__builtin_memcpy(&p[HDR_LEN + 2], &l8, 2);
	__builtin_memcpy(&p[HDR_LEN + 4], &a, 8);
	__builtin_memcpy(&p[HDR_LEN + 12], &b, 8);
	bpf_ringbuf_submit(p, BPF_RB_NO_WAKEUP);
}

/* An event made of two 2-byte parameters (the generic event's syscall ids). */
static __always_inline void fixed_event_2x16(__u16 type, __u16 a, __u16 b)
{
	__u8 *p = fixed_begin(HDR_LEN + 4 + 4, type, 2);
	if (!p)
		return;
	__u16 l2 = 2;
	__builtin_memcpy(&p[HDR_LEN], &l2, 2);
	__builtin_memcpy(&p[HDR_LEN + 2], &l2, 2);
	__builtin_memcpy(&p[HDR_LEN + 4], &a, 2);
	__builtin_memcpy(&p[HDR_LEN + 6], &b, 2);
	bpf_ringbuf_submit(p, BPF_RB_NO_WAKEUP);
}

#endif
