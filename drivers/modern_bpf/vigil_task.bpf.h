/* vigil — process, file and socket information read from kernel structures with CO-RE. */
#ifndef VIGIL_TASK_BPF_H
#define VIGIL_TASK_BPF_H

#define MAX_PATH_COMPONENTS 32
#define MAX_CGROUP_DEPTH 8
#define MAX_CGROUP_SUBSYS 16
#define PATH_SCRATCH 4096
#define OVERLAYFS_SUPER_MAGIC 0x794c7630

/* State of the path and cgroup walks. It lives in the map value, not on the stack: the
 * verifier does not track map contents, so every exit of a walk reaches the code after it in
 * the same verifier state and is checked once, not once per iteration and branch (which
 * overflowed the 1M-instruction budget of execve and clone). */
struct vg_walk {
	__u64 d, vmnt, mnt; /* path walk: current dentry, vfsmount and mount */
	__u64 kn;           /* cgroup walk: current kernfs node */
	__u64 task;         /* cgroups walk */
	__u32 pos;          /* path walk: data[pos..PATH_SCRATCH) holds the path built so far */
	__u32 kpos;         /* cgroup walk: the same for a cgroup path */
	__u32 start, cur;   /* cgroups walk: the parameter's bounds in the event */
	__u32 nsub;
};

/* Per-CPU scratch for paths assembled backwards (leaf first). */
struct vg_pathbuf {
	__u8 data[PATH_SCRATCH * 2];
	struct vg_walk w;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* number of possible CPUs, set by the loader */
	__type(key, __u32);
	__type(value, struct vg_pathbuf);
} vg_pathmap SEC(".maps");

/* Kernels before 6.15 call the kernfs parent "parent". */
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

/* Kernels before 6.7 keep inode times as struct timespec64. */
struct inode___old {
	struct timespec64 i_mtime;
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

/* bpf_get_current_task_btf needs 5.11; the untyped helper with CO-RE reads works on 5.8. */
static __always_inline struct task_struct *cur_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node, __parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___old *)kn, parent);
}

static __always_inline __u64 inode_mtime(struct inode *ino)
{
	if (bpf_core_field_exists(struct inode, i_mtime_sec))
		return BPF_CORE_READ(ino, i_mtime_sec) * 1000000000ULL + BPF_CORE_READ(ino, i_mtime_nsec);
	struct inode___old *o = (void *)ino;
	return BPF_CORE_READ(o, i_mtime.tv_sec) * 1000000000ULL + BPF_CORE_READ(o, i_mtime.tv_nsec);
}

static __always_inline __u64 inode_ctime(struct inode *ino)
{
	if (bpf_core_field_exists(struct inode, i_ctime_sec))
		/* the top bit of i_ctime_nsec is a kernel flag (ctime queried), not time */
		return BPF_CORE_READ(ino, i_ctime_sec) * 1000000000ULL +
		       (BPF_CORE_READ(ino, i_ctime_nsec) & 0x3fffffff);
	struct inode___old *o = (void *)ino;
	return BPF_CORE_READ(o, i_ctime.tv_sec) * 1000000000ULL + BPF_CORE_READ(o, i_ctime.tv_nsec);
}

/* Runs step(i, ...) for i < n until it returns non-zero, as a bounded loop (kernel >= 5.3;
 * bpf_loop would need 5.17), kept rolled so programs stay small. */
#define VG_BOUNDED_LOOP(n, step, ...)                                            \
	_Pragma("clang loop unroll(disable)") for (__u32 _i = 0; _i < (n); _i++) \
		if (step(_i, __VA_ARGS__))                                         \
			break

/* The same, written out: for loops with early "continue" exits. Clang lays such a loop out with
 * its latch falling through into an entry in the middle of the body, which kernels before 6.x
 * refuse ("back-edge from insn X to X+1": their CFG check accepts a back-edge only from a jump;
 * test_driver_compat replays that check). */
#define VG_REP8(F, b) F((b) + 0) F((b) + 1) F((b) + 2) F((b) + 3) F((b) + 4) F((b) + 5) \
	F((b) + 6) F((b) + 7)

static __always_inline long path_step(__u32 i, struct vg_pathbuf *pb)
{
	struct vg_walk *w = &pb->w;
	struct dentry *d = (void *)w->d;
	struct vfsmount *vmnt = (void *)w->vmnt;
	struct mount *mnt = (void *)w->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(vmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	if (d == mnt_root) {
		struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);
		if (!mp || mp == mnt)
			return 1;
		w->d = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = (__u64)mp;
		w->vmnt = (__u64)mp + bpf_core_field_offset(struct mount, mnt);
		return 0;
	}
	if (!parent)
		return 1;
	/* a pseudo dentry (memfd, pipe...) is its own parent: its name is the whole path */
	__u32 last = d == parent;
	__u32 len = BPF_CORE_READ(d, d_name.len);
	const unsigned char *name = BPF_CORE_READ(d, d_name.name);
	__u32 pos = w->pos;
	if (len > 255 || len + 1 > pos)
		return 1;
	pos -= len;
	bpf_probe_read_kernel(&pb->data[pos & (PATH_SCRATCH - 1)], len & 255, name);
	pos -= 1;
	pb->data[pos & (PATH_SCRATCH - 1)] = '/';
	w->pos = pos;
	w->d = (__u64)parent;
	return last;
}

/* Copies pb->data[pos..PATH_SCRATCH) ("/" when empty) plus a NUL to e->buf[cur]; returns the
 * bytes written. */
static __always_inline __u32 emit_walked(__u8 *buf, struct vg_pathbuf *pb, __u32 pos, __u32 cur)
{
	if (pos >= PATH_SCRATCH) {
		pos = PATH_SCRATCH - 1;
		pb->data[pos] = '/';
	}
	__u32 len = (PATH_SCRATCH - pos) & (PATH_SCRATCH - 1);
	bpf_probe_read_kernel(&buf[cur & OFF_MASK], len, &pb->data[pos & (PATH_SCRATCH - 1)]);
	buf[(cur + len) & OFF_MASK] = 0;
	return len + 1;
}

/* Appends a NUL-terminated absolute path for (mnt, dentry), walking dentries and crossing
 * mounts up to MAX_PATH_COMPONENTS. Paths longer than that lose their top components. */
static __always_inline void put_path(struct evb *e, struct vfsmount *vmnt, struct dentry *d)
{
	__u32 cpu = e->cpu;
	struct vg_pathbuf *pb = bpf_map_lookup_elem(&vg_pathmap, &cpu);
	if (!pb || !d || !vmnt) {
		put_empty(e);
		return;
	}
	pb->w.d = (__u64)d;
	pb->w.vmnt = (__u64)vmnt;
	pb->w.mnt = (__u64)vmnt - bpf_core_field_offset(struct mount, mnt);
	pb->w.pos = PATH_SCRATCH;
	VG_BOUNDED_LOOP(MAX_PATH_COMPONENTS, path_step, pb);
	evb_commit(e, emit_walked(e->buf, pb, pb->w.pos, e->pos));
}

static __always_inline void put_file_path(struct evb *e, struct file *f)
{
	if (!f) {
		put_empty(e);
		return;
	}
	put_path(e, BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry));
}

static __always_inline struct file *task_fd_file(struct task_struct *t, __s64 fd)
{
	if (fd < 0)
		return NULL;
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	struct file **arr = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd & 0xfffff]);
	return f;
}

/* "exe" (argv[0]) and "args" (the other arguments, NUL-separated) from the task's mm. */
static __always_inline void put_exe_args(struct evb *e, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	unsigned long start = mm ? BPF_CORE_READ(mm, arg_start) : 0;
	unsigned long end = mm ? BPF_CORE_READ(mm, arg_end) : 0;
	if (!mm || end <= start) {
		put_empty(e);
		put_empty(e);
		return;
	}
	unsigned long total = end - start;
	if (total > VG_DRV_MAX_ARGS)
		total = VG_DRV_MAX_ARGS;
	long n = bpf_probe_read_user_str(&e->buf[e->pos & OFF_MASK], VG_DRV_MAX_ARGS, (void *)start);
	if (n <= 0) {
		put_empty(e);
		put_empty(e);
		return;
	}
	evb_commit(e, n);
	unsigned long rest = total > (unsigned long)n ? total - n : 0;
	put_user_buf(e, (void *)(start + n), rest, VG_DRV_MAX_ARGS);
}

static __always_inline void put_env(struct evb *e, struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!vg_capture_env || !mm) {
		put_empty(e);
		return;
	}
	unsigned long start = BPF_CORE_READ(mm, env_start);
	unsigned long end = BPF_CORE_READ(mm, env_end);
	put_user_buf(e, (void *)start, end > start ? end - start : 0, VG_DRV_MAX_ARGS);
}

static __always_inline long cgroup_step(__u32 i, struct vg_pathbuf *pb)
{
	struct vg_walk *w = &pb->w;
	struct kernfs_node *kn = (void *)w->kn;
	struct kernfs_node *parent = kn ? kn_parent(kn) : NULL;
	if (!parent)
		return 1; /* the root node has no name in the path */
	long n = bpf_probe_read_kernel_str(&pb->data[PATH_SCRATCH], 256, BPF_CORE_READ(kn, name));
	__u32 pos = w->kpos;
	if (n <= 1 || (__u32)n > pos)
		return 1;
	pos -= n - 1;
	bpf_probe_read_kernel(&pb->data[pos & (PATH_SCRATCH - 1)], (n - 1) & 255,
	                      &pb->data[PATH_SCRATCH]);
	pos -= 1;
	pb->data[pos & (PATH_SCRATCH - 1)] = '/';
	w->kpos = pos;
	w->kn = (__u64)parent;
	return 0;
}

/* Appends "subsys=/path" for controller i; `buf` is the event's scratch (a map value). */
static __always_inline long cgroups_step(__u32 i, struct vg_pathbuf *pb, __u8 *buf)
{
	struct vg_walk *w = &pb->w;
	if (i >= w->nsub || w->cur - w->start > 3000)
		return 1;
	struct task_struct *t = (void *)w->task;
	struct css_set *cs = BPF_CORE_READ(t, cgroups);
	struct cgroup_subsys_state *css = NULL;
	if (cs)
		bpf_probe_read_kernel(&css, sizeof(css),
		                      (void *)cs + bpf_core_field_offset(struct css_set, subsys) +
		                              (i & 15) * sizeof(css));
	if (!css)
		return 0;
	__u32 cur = w->cur;
	long n = bpf_probe_read_kernel_str(&buf[cur & OFF_MASK], 32, BPF_CORE_READ(css, ss, name));
	if (n <= 0)
		return 0;
	cur += n - 1;
	buf[cur & OFF_MASK] = '=';
	cur++;
	w->kn = (__u64)BPF_CORE_READ(css, cgroup, kn);
	w->kpos = PATH_SCRATCH;
	VG_BOUNDED_LOOP(MAX_CGROUP_DEPTH, cgroup_step, pb);
	w->cur = cur + emit_walked(buf, pb, w->kpos, cur);
	return 0;
}

/* "cgroups": one "subsys=/path" string per controller, NUL-separated. */
static __always_inline void put_cgroups(struct evb *e, struct task_struct *t)
{
	__u32 cpu = e->cpu;
	struct vg_pathbuf *pb = bpf_map_lookup_elem(&vg_pathmap, &cpu);
	if (!pb) {
		put_empty(e);
		return;
	}
	pb->w.task = (__u64)t;
	pb->w.start = pb->w.cur = e->pos;
	pb->w.nsub = bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
	__u8 *buf = e->buf;
	_Static_assert(MAX_CGROUP_SUBSYS == 16, "the walk below has 16 steps");
	/* unrolled: a controller without a cgroup continues with the next one */
#define CGROUPS_STEP(i) if (cgroups_step(i, pb, buf)) break;
	do {
		VG_REP8(CGROUPS_STEP, 0) VG_REP8(CGROUPS_STEP, 8)
	} while (0);
#undef CGROUPS_STEP
	evb_commit(e, pb->w.cur - pb->w.start);
}

static __always_inline __u64 read_cap(const kernel_cap_t *cap)
{
	__u64 v = 0;
	bpf_core_read(&v, sizeof(v), cap);
	return v;
}

/* pid number of `p` as seen from the task's own (deepest) namespace. */
static __always_inline __s64 pid_vnr(struct pid *p)
{
	if (!p)
		return 0;
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up = {};
	bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & 31]);
	return up.nr;
}

static __always_inline __s64 pid_nr(struct pid *p)
{
	return p ? BPF_CORE_READ(p, numbers[0].nr) : 0;
}

static __always_inline __u32 task_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	if (!tty)
		return 0;
	__u32 major = BPF_CORE_READ(tty, driver, major);
	__u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
	/* new_encode_dev(MKDEV(major, minor)) */
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* Whether an overlayfs inode has an upper (container-written) copy. struct ovl_inode lives in
 * the overlay module's BTF, which is absent until the module loads (Debian builds it as a
 * module), so it is not relocated against: its __upperdentry has followed the embedded VFS
 * inode in every kernel since 4.13. */
static __always_inline bool ovl_has_upper(struct inode *ino)
{
	struct dentry *upper = NULL;
	bpf_probe_read_kernel(&upper, sizeof(upper), (void *)ino + bpf_core_type_size(struct inode));
	return upper != NULL;
}

/* libscap PPM_EXE_* flags of the task's executable. */
static __always_inline __u32 exe_flags(struct task_struct *t, struct file *exe)
{
	if (!exe)
		return 0;
	__u32 flags = 0;
	struct inode *ino = BPF_CORE_READ(exe, f_inode);
	umode_t mode = BPF_CORE_READ(ino, i_mode);
	__u32 euid = BPF_CORE_READ(t, cred, euid.val);
	__u32 egid = BPF_CORE_READ(t, cred, egid.val);
	if (euid == 0 || (mode & 0002) || (BPF_CORE_READ(ino, i_uid.val) == euid && (mode & 0200)) ||
	    (BPF_CORE_READ(ino, i_gid.val) == egid && (mode & 0020)))
		flags |= PPM_EXE_WRITABLE;
	if (BPF_CORE_READ(ino, i_sb, s_magic) == OVERLAYFS_SUPER_MAGIC)
		flags |= ovl_has_upper(ino) ? PPM_EXE_UPPER_LAYER : PPM_EXE_LOWER_LAYER;
	char name[8] = {};
	bpf_probe_read_kernel(name, 6, BPF_CORE_READ(exe, f_path.dentry, d_name.name));
	if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
	    name[5] == ':')
		flags |= PPM_EXE_FROM_MEMFD;
	return flags;
}

/* Kernels before 6.2 keep the RSS counters in a struct mm_rss_stat, later ones in an array of
 * percpu_counter. */
struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

static __always_inline __u64 mm_counter_kb(struct mm_struct *mm, int idx)
{
	__s64 pages;
	if (bpf_core_type_exists(struct mm_rss_stat___pre62))
		pages = BPF_CORE_READ((struct mm_struct___pre62 *)mm, rss_stat.count[idx].counter);
	else
		pages = BPF_CORE_READ(mm, rss_stat[idx].count);
	return pages > 0 ? (__u64)pages * 4 : 0;
}

/* Parameters 8..13 of clone/execve: fdlimit, pgft_maj, pgft_min, vm_size, vm_rss, vm_swap. */
static __always_inline void put_mem_info(struct evb *e, struct task_struct *t, bool signed_fdlimit)
{
	__u64 fdlimit = BPF_CORE_READ(t, signal, rlim[7].rlim_cur); /* RLIMIT_NOFILE */
	if (signed_fdlimit)
		put_s64(e, (__s64)fdlimit);
	else
		put_u64(e, fdlimit);
	put_u64(e, BPF_CORE_READ(t, maj_flt));
	put_u64(e, BPF_CORE_READ(t, min_flt));
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	if (!mm) {
		put_u32(e, 0);
		put_u32(e, 0);
		put_u32(e, 0);
		return;
	}
	put_u32(e, BPF_CORE_READ(mm, total_vm) * 4);
	/* MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SWAPENTS 2, MM_SHMEMPAGES 3 */
	put_u32(e, mm_counter_kb(mm, 0) + mm_counter_kb(mm, 1) + mm_counter_kb(mm, 3));
	put_u32(e, mm_counter_kb(mm, 2));
}

/* Socket address family and endpoints of an fd, as a PT_SOCKTUPLE. `inbound` puts the peer
 * first (accept: client -> server), otherwise the local side first (connect). */
static __always_inline void put_socktuple(struct evb *e, struct file *f, bool inbound)
{
	struct socket *sock = f ? BPF_CORE_READ(f, private_data) : NULL;
	struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	if (!sk) {
		put_empty(e);
		return;
	}
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 *p = &e->buf[e->pos & OFF_MASK];
	if (family == 2 /* AF_INET */) {
		__u32 laddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__u32 raddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		p[0] = VG_SCAP_AF_INET;
		__builtin_memcpy(&p[1], inbound ? &raddr : &laddr, 4);
		__builtin_memcpy(&p[5], inbound ? &rport : &lport, 2);
		__builtin_memcpy(&p[7], inbound ? &laddr : &raddr, 4);
		__builtin_memcpy(&p[11], inbound ? &lport : &rport, 2);
		evb_commit(e, 13);
	} else if (family == 10 /* AF_INET6 */) {
		__u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
		__u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		p[0] = VG_SCAP_AF_INET6;
		bpf_core_read(&p[inbound ? 19 : 1], 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(&p[inbound ? 1 : 19], 16, &sk->__sk_common.skc_v6_daddr);
		__builtin_memcpy(&p[17], inbound ? &rport : &lport, 2);
		__builtin_memcpy(&p[35], inbound ? &lport : &rport, 2);
		evb_commit(e, 37);
	} else if (family == 1 /* AF_UNIX */) {
		struct unix_sock *us = (void *)sk;
		__u64 self = (__u64)sk;
		__u64 peer = (__u64)BPF_CORE_READ(us, peer);
		p[0] = VG_SCAP_AF_UNIX;
		__builtin_memcpy(&p[1], inbound ? &peer : &self, 8);
		__builtin_memcpy(&p[9], inbound ? &self : &peer, 8);
		/* the bound name of whichever side has one (the server's) */
		struct unix_address *addr = BPF_CORE_READ(us, addr);
		if (!addr && peer)
			addr = BPF_CORE_READ((struct unix_sock *)peer, addr);
		long n = 0;
		if (addr && BPF_CORE_READ(addr, len) > 2)
			n = bpf_probe_read_kernel_str(&p[17], 108, &addr->name[0].sun_path[0]);
		if (n <= 0) {
			p[17] = 0;
			n = 1;
		}
		evb_commit(e, 17 + n);
	} else {
		put_empty(e);
	}
}

/* A user sockaddr (e.g. connect's argument) as a PT_SOCKADDR. */
/* `user`: uaddr is the caller's memory; otherwise a kernel copy (sys_enter's, see vigil.bpf.c). */
static __always_inline long read_mem(void *dst, __u32 n, const void *src, bool user)
{
	return user ? bpf_probe_read_user(dst, n, src) : bpf_probe_read_kernel(dst, n, src);
}

static __always_inline void put_sockaddr(struct evb *e, const void *uaddr, __u64 ulen, bool user)
{
	__u8 *p = &e->buf[e->pos & OFF_MASK];
	__u16 family = 0;
	if (!uaddr || ulen < 2 || read_mem(&family, 2, uaddr, user) != 0) {
		put_empty(e);
		return;
	}
	if (family == 2 && ulen >= 8) {
		struct sockaddr_in sin = {};
		read_mem(&sin, sizeof(sin), uaddr, user);
		__u16 port = bpf_ntohs(sin.sin_port);
		p[0] = VG_SCAP_AF_INET;
		__builtin_memcpy(&p[1], &sin.sin_addr.s_addr, 4);
		__builtin_memcpy(&p[5], &port, 2);
		evb_commit(e, 7);
	} else if (family == 10 && ulen >= 24) {
		struct sockaddr_in6 sin6 = {};
		read_mem(&sin6, sizeof(sin6), uaddr, user);
		__u16 port = bpf_ntohs(sin6.sin6_port);
		p[0] = VG_SCAP_AF_INET6;
		__builtin_memcpy(&p[1], &sin6.sin6_addr, 16);
		__builtin_memcpy(&p[17], &port, 2);
		evb_commit(e, 19);
	} else if (family == 1) {
		p[0] = VG_SCAP_AF_UNIX;
		long n = user ? bpf_probe_read_user_str(&p[1], 108, uaddr + 2)
		              : bpf_probe_read_kernel_str(&p[1], 108, uaddr + 2);
		if (n <= 0) {
			p[1] = 0;
			n = 1;
		}
		evb_commit(e, 1 + n);
	} else {
		p[0] = family;
		evb_commit(e, 1);
	}
}

static __always_inline void put_user_sockaddr(struct evb *e, const void *uaddr, __u64 ulen)
{
	put_sockaddr(e, uaddr, ulen, true);
}

#endif
