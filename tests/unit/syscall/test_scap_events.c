/* Event table, builder and reader of vigil/scap_events.h, flag names of vigil/scap_flags.h. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vigil/scap_events.h"
#include "vigil/scap_flags.h"

Test(scap_table, codes_match_libscap_numbers)
{
	cr_assert_eq(PPME_SYSCALL_OPENAT_2_X, 307);
	cr_assert_eq(PPME_SYSCALL_EXECVE_19_X, 293);
	cr_assert_eq(PPME_SYSCALL_CLONE_20_X, 223);
	cr_assert_eq(PPME_PROCEXIT_1_E, 186);
	cr_assert_eq(PPME_PLUGINEVENT_E, 322);
	cr_assert_eq(PPME_ASYNCEVENT_E, 402);
	cr_assert_eq(PPME_SYSCALL_MEMFD_CREATE_X, 405);
	cr_assert_eq(PPME_SYSCALL_DELETE_MODULE_X, 425);
	cr_assert_eq(PPM_EVENT_MAX, 430);
}

Test(scap_table, openat_exit_layout)
{
	const vg_scap_event_info *i = vg_scap_event_info_get(PPME_SYSCALL_OPENAT_2_X);
	cr_assert_not_null(i);
	cr_assert_str_eq(i->name, "openat");
	cr_assert_eq(i->nparams, 7);
	const char *names[] = {"fd", "dirfd", "name", "flags", "mode", "dev", "ino"};
	const uint8_t types[] = {PT_FD, PT_FD, PT_FSRELPATH, PT_FLAGS32, PT_UINT32, PT_UINT32, PT_UINT64};
	for (int k = 0; k < 7; k++) {
		cr_assert_str_eq(i->params[k].name, names[k]);
		cr_assert_eq(i->params[k].type, types[k], "param %d", k);
	}
	cr_assert_eq(i->params[2].dirfd_param, 1);
	cr_assert_eq(i->params[3].names, vg_scap_flags_open);
	cr_assert(i->flags & EF_CREATES_FD);
	cr_assert_not(vg_scap_event_is_old(PPME_SYSCALL_OPENAT_2_X));
	cr_assert(vg_scap_event_is_old(PPME_SYSCALL_OPENAT_2_E));
}

Test(scap_table, execve_and_clone_param_counts)
{
	cr_assert_eq(vg_scap_event_info_get(PPME_SYSCALL_EXECVE_19_X)->nparams, 31);
	cr_assert_eq(vg_scap_event_info_get(PPME_SYSCALL_EXECVEAT_X)->nparams, 30);
	cr_assert_eq(vg_scap_event_info_get(PPME_SYSCALL_CLONE_20_X)->nparams, 21);
	cr_assert_eq(vg_scap_event_info_get(PPME_SYSCALL_CLONE3_X)->nparams, 21);
	cr_assert_eq(vg_scap_event_info_get(PPME_SOCKET_CONNECT_X)->nparams, 4);
	const vg_scap_event_info *ex = vg_scap_event_info_get(PPME_SYSCALL_EXECVE_19_X);
	cr_assert_eq(vg_scap_event_param_index(ex, "trusted_exepath"), 27);
	cr_assert_eq(vg_scap_event_param_index(ex, "filename"), 30);
	cr_assert_eq(vg_scap_event_param_index(ex, "nope"), -1);
}

Test(scap_table, unknown_and_out_of_range)
{
	cr_assert_null(vg_scap_event_info_get(PPM_EVENT_MAX));
	cr_assert_null(vg_scap_event_info_get(65535));
	cr_assert(vg_scap_event_is_old(PPM_EVENT_MAX));
	cr_assert_not(vg_scap_event_is_large(PPME_SYSCALL_OPENAT_2_X));
	cr_assert(vg_scap_event_is_large(PPME_PLUGINEVENT_E));
	cr_assert(vg_scap_event_is_large(PPME_ASYNCEVENT_E));
}

Test(scap_table, codes_by_name_lists_all_versions)
{
	uint16_t codes[8];
	size_t n = vg_scap_event_codes_by_name("openat", codes, 8);
	cr_assert_eq(n, 2);
	cr_assert_eq(codes[0], PPME_SYSCALL_OPENAT_2_E);
	cr_assert_eq(codes[1], PPME_SYSCALL_OPENAT_2_X);
	cr_assert_eq(vg_scap_event_codes_by_name("procexit", codes, 8), 1);
	cr_assert_eq(vg_scap_event_codes_by_name("NA", codes, 8), 0, "unused slots are not named");
	cr_assert_eq(vg_scap_event_codes_by_name("no_such_syscall", codes, 8), 0);
	/* cap smaller than the count still reports the count */
	cr_assert_eq(vg_scap_event_codes_by_name("openat", codes, 1), 2);
}

Test(scap_table, every_entry_is_consistent)
{
	for (uint16_t t = 0; t < PPM_EVENT_MAX; t++) {
		const vg_scap_event_info *i = vg_scap_event_info_get(t);
		if (!i)
			continue;
		cr_assert(i->nparams <= VG_SCAP_MAX_PARAMS, "type %u", t);
		cr_assert(i->nparams == 0 || i->params != NULL, "type %u", t);
		for (uint32_t k = 0; k < i->nparams; k++) {
			const vg_scap_param_info *p = &i->params[k];
			cr_assert(p->type > PT_NONE && p->type < PT_MAX, "type %u param %u", t, k);
			if (p->type == PT_FSRELPATH) {
				cr_assert(p->dirfd_param < i->nparams, "type %u param %u", t, k);
				cr_assert_eq(i->params[p->dirfd_param].type, PT_FD, "type %u param %u", t, k);
			} else {
				cr_assert_eq(p->dirfd_param, VG_SCAP_NO_DIRFD, "type %u param %u", t, k);
			}
		}
		/* the enter/exit partner of a described syscall event has the same name */
		const vg_scap_event_info *pair = vg_scap_event_info_get(t ^ 1u);
		if (pair && !(i->flags & EF_UNUSED) && !(pair->flags & EF_UNUSED))
			cr_assert_str_eq(i->name, pair->name, "type %u", t);
	}
}

Test(scap_builder, builds_and_reads_back_openat)
{
	uint8_t buf[256];
	vg_scap_builder b;
	cr_assert(vg_scap_builder_begin(&b, buf, sizeof buf, PPME_SYSCALL_OPENAT_2_X, 1234, 42));
	vg_scap_put_i64(&b, 3);
	vg_scap_put_i64(&b, -100);
	vg_scap_put_str(&b, "/etc/hostname");
	vg_scap_put_u32(&b, PPM_O_RDONLY | PPM_O_CLOEXEC);
	vg_scap_put_u32(&b, 0);
	vg_scap_put_u32(&b, 0x803);
	vg_scap_put_u64(&b, 777);
	uint32_t len = vg_scap_builder_finish(&b);
	cr_assert_eq(len, 26 + 7 * 2 + 8 + 8 + 14 + 4 + 4 + 4 + 8);

	cr_assert(vg_scap_event_valid(buf, len));
	cr_assert_eq(vg_scap_evt_type(buf), PPME_SYSCALL_OPENAT_2_X);
	cr_assert_eq(vg_scap_evt_len(buf), len);
	vg_scap_evt h;
	memcpy(&h, buf, sizeof h);
	cr_assert_eq(h.ts, 1234);
	cr_assert_eq(h.tid, 42);
	cr_assert_eq(h.nparams, 7);

	vg_scap_param p[8];
	cr_assert_eq(vg_scap_event_params(buf, p, 8), 7);
	int64_t fd, dirfd;
	cr_assert(vg_scap_param_int(&p[0], &fd));
	cr_assert(vg_scap_param_int(&p[1], &dirfd));
	cr_assert_eq(fd, 3);
	cr_assert_eq(dirfd, -100);
	cr_assert_str_eq(vg_scap_param_str(&p[2]), "/etc/hostname");
	uint64_t flags, ino;
	cr_assert(vg_scap_param_uint(&p[3], &flags));
	cr_assert_eq(flags, PPM_O_RDONLY | PPM_O_CLOEXEC);
	vg_scap_param one;
	cr_assert(vg_scap_event_param(buf, 6, &one));
	cr_assert(vg_scap_param_uint(&one, &ino));
	cr_assert_eq(ino, 777);
	cr_assert_not(vg_scap_event_param(buf, 7, &one));
}

Test(scap_builder, plugin_event_uses_u32_lengths)
{
	uint8_t buf[64];
	vg_scap_builder b;
	cr_assert(vg_scap_builder_begin(&b, buf, sizeof buf, PPME_PLUGINEVENT_E, UINT64_MAX, UINT64_MAX));
	vg_scap_put_u32(&b, 0);
	vg_scap_put(&b, "hello123", 8);
	uint32_t len = vg_scap_builder_finish(&b);
	cr_assert_eq(len, 46, "the plugin-ABI example: len 46 for an 8-byte payload");
	cr_assert_eq(memcmp(buf + 38, "hello123", 8), 0, "payload at PLUGIN_EVENT_PAYLOAD_OFFSET");
	uint32_t l1;
	memcpy(&l1, buf + 30, 4);
	cr_assert_eq(l1, 8);
}

Test(scap_builder, overflow_and_missing_params_fail)
{
	uint8_t buf[40];
	vg_scap_builder b;
	cr_assert(vg_scap_builder_begin(&b, buf, sizeof buf, PPME_SYSCALL_CLOSE_X, 1, 1));
	vg_scap_put_i64(&b, 0);
	cr_assert_eq(vg_scap_builder_finish(&b), 0, "one parameter missing");
	vg_scap_put_i64(&b, 5);
	cr_assert_eq(vg_scap_builder_finish(&b), 0, "26 + 4 + 16 > 40: must not fit");

	uint8_t big[64];
	cr_assert(vg_scap_builder_begin(&b, big, sizeof big, PPME_SYSCALL_CLOSE_X, 1, 1));
	vg_scap_put_i64(&b, 0);
	vg_scap_put_i64(&b, 5);
	vg_scap_put_i64(&b, 6);
	cr_assert_eq(vg_scap_builder_finish(&b), 0, "one parameter too many");

	cr_assert_not(vg_scap_builder_begin(&b, big, sizeof big, 999, 1, 1));
	cr_assert_eq(vg_scap_builder_finish(&b), 0);
}

Test(scap_reader, rejects_malformed_events)
{
	uint8_t buf[128];
	vg_scap_builder b;
	vg_scap_builder_begin(&b, buf, sizeof buf, PPME_SYSCALL_CLOSE_X, 1, 1);
	vg_scap_put_i64(&b, 0);
	vg_scap_put_i64(&b, 5);
	uint32_t len = vg_scap_builder_finish(&b);
	cr_assert(vg_scap_event_valid(buf, len));
	cr_assert_not(vg_scap_event_valid(buf, len - 1), "len beyond the available bytes");
	cr_assert_not(vg_scap_event_valid(buf, 10), "header does not fit");

	uint8_t bad[128];
	memcpy(bad, buf, len);
	uint16_t huge = 60000;
	memcpy(bad + 26, &huge, 2);
	cr_assert_not(vg_scap_event_valid(bad, len), "parameter longer than the event");

	memcpy(bad, buf, len);
	uint32_t many = 1000000;
	memcpy(bad + 22, &many, 4);
	cr_assert_not(vg_scap_event_valid(bad, len), "nparams larger than the event can hold");

	memcpy(bad, buf, len);
	uint32_t tiny = 3;
	memcpy(bad + 16, &tiny, 4);
	cr_assert_not(vg_scap_event_valid(bad, sizeof bad), "len shorter than a header");
}

Test(scap_reader, typed_getters_check_lengths)
{
	uint8_t three[3] = {1, 2, 3};
	vg_scap_param p = {three, 3};
	uint64_t u;
	int64_t s;
	cr_assert_not(vg_scap_param_uint(&p, &u));
	cr_assert_not(vg_scap_param_int(&p, &s));
	cr_assert_null(vg_scap_param_str(&p), "not NUL-terminated");
	int8_t neg = -2;
	vg_scap_param q = {(const uint8_t *)&neg, 1};
	cr_assert(vg_scap_param_int(&q, &s));
	cr_assert_eq(s, -2);
}

Test(scap_flags, formats_and_parses_names)
{
	char buf[128];
	size_t n = vg_scap_flags_format(vg_scap_flags_open, PPM_O_RDWR | PPM_O_CREAT | PPM_O_F_CREATED,
	                                buf, sizeof buf);
	cr_assert_str_eq(buf, "O_RDWR|O_CREAT|O_F_CREATED");
	cr_assert_eq(n, strlen(buf));
	vg_scap_flags_format(vg_scap_flags_prot, PPM_PROT_READ | PPM_PROT_EXEC | (1u << 20), buf,
	                     sizeof buf);
	cr_assert_str_eq(buf, "PROT_READ|PROT_EXEC|0x100000");
	vg_scap_flags_format(vg_scap_flags_prot, 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "PROT_NONE");
	char small[8];
	n = vg_scap_flags_format(vg_scap_flags_open, PPM_O_RDWR | PPM_O_CREAT, small, sizeof small);
	cr_assert_eq(n, strlen("O_RDWR|O_CREAT"), "reports the needed length");
	cr_assert_eq(strlen(small), 7);

	cr_assert_str_eq(vg_scap_enum_name(vg_scap_enum_ptrace, PPM_PTRACE_ATTACH), "PTRACE_ATTACH");
	cr_assert_str_eq(vg_scap_enum_name(vg_scap_enum_socket_family, 10), "AF_INET6");
	cr_assert_null(vg_scap_enum_name(vg_scap_enum_socket_family, 250));
	int found;
	cr_assert_eq(vg_scap_flag_value(vg_scap_flags_clone, "CLONE_NEWPID", &found),
	             PPM_CL_CLONE_NEWPID);
	cr_assert(found);
	vg_scap_flag_value(vg_scap_flags_clone, "CLONE_NOPE", &found);
	cr_assert_not(found);
}

Test(scap_flags, errno_names)
{
	cr_assert_str_eq(vg_scap_errno_name(-ENOENT), "ENOENT");
	cr_assert_str_eq(vg_scap_errno_name(EACCES), "EACCES");
	cr_assert_null(vg_scap_errno_name(0));
	cr_assert_null(vg_scap_errno_name(100000));
}

/* Exit layouts of the fd-creating and credential calls the gVisor and sysstate plugins read:
 * "name:TYPE" per parameter, in order. */
static void assert_layout(uint16_t code, const char *evname, const char *const *params, size_t n)
{
	const vg_scap_event_info *i = vg_scap_event_info_get(code);
	cr_assert_not_null(i, "code %u", code);
	cr_assert_str_eq(i->name, evname);
	cr_assert_eq(i->nparams, n, "%s: %u params", evname, i->nparams);
	cr_assert_not(vg_scap_event_is_old(code), "%s exit is current", evname);
	cr_assert(vg_scap_event_is_old(code - 1), "%s enter is old", evname);
	for (size_t k = 0; k < n; k++) {
		char want[64];
		snprintf(want, sizeof want, "%s:%s", i->params[k].name,
		         vg_scap_param_type_name(i->params[k].type));
		cr_assert_str_eq(want, params[k], "%s param %zu", evname, k);
	}
}
#define LAYOUT(code, name, ...)                                                      \
	do {                                                                         \
		static const char *const p_[] = {__VA_ARGS__};                       \
		assert_layout(code, name, p_, sizeof p_ / sizeof p_[0]);             \
	} while (0)

Test(scap_table, fd_creators_and_creds_exit_layouts)
{
	cr_assert_eq(PPME_SYSCALL_SETREUID_X, 427);
	cr_assert_eq(PPME_SYSCALL_SETREGID_X, 429);
	LAYOUT(PPME_SYSCALL_PRLIMIT_X, "prlimit", "res:ERRNO", "newcur:INT64", "newmax:INT64",
	       "oldcur:INT64", "oldmax:INT64", "pid:INT64", "resource:ENUMFLAGS8");
	LAYOUT(PPME_SYSCALL_EVENTFD_X, "eventfd", "res:FD", "initval:UINT64", "flags:FLAGS32");
	LAYOUT(PPME_SYSCALL_EVENTFD2_X, "eventfd2", "res:FD", "flags:FLAGS16", "initval:UINT64");
	LAYOUT(PPME_SYSCALL_SIGNALFD_X, "signalfd", "res:FD", "fd:FD", "mask:UINT32", "flags:FLAGS8");
	LAYOUT(PPME_SYSCALL_SIGNALFD4_X, "signalfd4", "res:FD", "flags:FLAGS16", "fd:FD",
	       "mask:UINT32");
	LAYOUT(PPME_SYSCALL_TIMERFD_CREATE_X, "timerfd_create", "res:FD", "clockid:UINT8",
	       "flags:FLAGS8");
	LAYOUT(PPME_SYSCALL_INOTIFY_INIT_X, "inotify_init", "res:FD", "flags:FLAGS8");
	LAYOUT(PPME_SYSCALL_INOTIFY_INIT1_X, "inotify_init1", "res:FD", "flags:FLAGS16");
	LAYOUT(PPME_SYSCALL_EPOLL_CREATE_X, "epoll_create", "res:ERRNO", "size:INT32");
	LAYOUT(PPME_SYSCALL_EPOLL_CREATE1_X, "epoll_create1", "res:ERRNO", "flags:FLAGS32");
	LAYOUT(PPME_SYSCALL_USERFAULTFD_X, "userfaultfd", "res:ERRNO", "flags:FLAGS32");
	LAYOUT(PPME_SYSCALL_PIDFD_OPEN_X, "pidfd_open", "fd:FD", "pid:PID", "flags:FLAGS32");
	LAYOUT(PPME_SYSCALL_PIDFD_GETFD_X, "pidfd_getfd", "fd:FD", "pid_fd:FD", "target_fd:FD",
	       "flags:FLAGS32");
	LAYOUT(PPME_SYSCALL_IO_URING_SETUP_X, "io_uring_setup", "res:ERRNO", "entries:UINT32",
	       "sq_entries:UINT32", "cq_entries:UINT32", "flags:FLAGS32", "sq_thread_cpu:UINT32",
	       "sq_thread_idle:UINT32", "features:FLAGS32");
	LAYOUT(PPME_SYSCALL_OPEN_BY_HANDLE_AT_X, "open_by_handle_at", "fd:FD", "mountfd:FD",
	       "flags:FLAGS32", "path:FSPATH", "dev:UINT32", "ino:UINT64");
	LAYOUT(PPME_SYSCALL_SETREUID_X, "setreuid", "res:ERRNO", "ruid:UID", "euid:UID");
	LAYOUT(PPME_SYSCALL_SETREGID_X, "setregid", "res:ERRNO", "rgid:GID", "egid:GID");
	LAYOUT(PPME_SYSCALL_PREADV_X, "preadv", "res:ERRNO", "size:UINT32", "data:BYTEBUF", "fd:FD",
	       "pos:UINT64");
	LAYOUT(PPME_SYSCALL_PWRITEV_X, "pwritev", "res:ERRNO", "data:BYTEBUF", "fd:FD",
	       "size:UINT32", "pos:UINT64");
	LAYOUT(PPME_SYSCALL_FCNTL_X, "fcntl", "res:FD", "fd:FD", "cmd:ENUMFLAGS8");
	cr_assert(vg_scap_event_info_get(PPME_SYSCALL_EVENTFD2_X)->flags & EF_CREATES_FD);
}

Test(scap_flags, fcntl_and_rlimit_names)
{
	const vg_scap_event_info *i = vg_scap_event_info_get(PPME_SYSCALL_FCNTL_X);
	cr_assert_eq(i->params[2].names, vg_scap_enum_fcntl);
	cr_assert_str_eq(vg_scap_enum_name(vg_scap_enum_fcntl, 1), "F_DUPFD");
	cr_assert_str_eq(vg_scap_enum_name(vg_scap_enum_fcntl, 26), "F_DUPFD_CLOEXEC");
	cr_assert_str_eq(vg_scap_enum_name(vg_scap_enum_fcntl, PPM_FCNTL_F_SETFL), "F_SETFL");
	cr_assert_null(vg_scap_enum_name(vg_scap_enum_fcntl, 7));
	int found = 0;
	cr_assert_eq(vg_scap_flag_value(vg_scap_enum_fcntl, "F_OFD_SETLKW", &found), 32);
	cr_assert(found);
	cr_assert_str_eq(vg_scap_enum_name(vg_scap_enum_rlimit, 7), "RLIMIT_NOFILE");
	cr_assert_eq(vg_scap_event_info_get(PPME_SYSCALL_PRLIMIT_X)->params[6].names,
	             vg_scap_enum_rlimit);
}
