/* Event sequences through the real plugin ABI: the tables follow clone/execve/open/dup/
 * connect/close/procexit and every field reads back what the events said. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vigil/scap_flags.h>

#include "sst_test.h"

#define ID64 "3f1b6c0a9d2e4f5061728394a5b6c7d8e9f00112233445566778899aabbccdde"
#define NOPROC "{\"procfs\":false}"

static sst_tplug P;
static sst_tevt E;

static void setup(void)
{
	cr_assert(sst_tplug_open(&P, NOPROC));
}

static void teardown(void)
{
	sst_tplug_close(&P);
}

static void feed(void)
{
	const ss_plugin_event *evt = sst_tevt_end(&E);
	cr_assert_not_null(evt, "event %u did not build", E.type);
	sst_tplug_parse(&P, evt);
}

static const char *S(const char *field)
{
	return sst_tplug_str(&P, field, NULL);
}

static const char *SA(const char *field, const char *arg)
{
	return sst_tplug_str(&P, field, arg);
}

static int64_t I(const char *field)
{
	bool ok;
	int64_t v = sst_tplug_int(&P, field, NULL, &ok);
	cr_assert(ok, "%s has no value", field);
	return v;
}

static bool B(const char *field)
{
	bool ok;
	bool v = sst_tplug_bool(&P, field, &ok);
	cr_assert(ok, "%s has no value", field);
	return v;
}

static void assert_missing(const char *field)
{
	ss_plugin_extract_field f;
	cr_assert_eq(sst_tplug_extract(&P, field, NULL, &f), 0, "%s should be missing", field);
}

static void ev_execve(uint64_t tid, int64_t pid, int64_t ptid, const char *comm, const char *exepath,
		   const void *args, uint32_t args_len, const char *cgroups, uint32_t cg_len)
{
	sst_tevt_begin(&E, PPME_SYSCALL_EXECVE_19_X, tid, 1000 + P.evtnum);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_str(&E, "exe", comm);
	sst_tevt_bytes(&E, "args", args, args_len);
	sst_tevt_int(&E, "tid", (int64_t)tid);
	sst_tevt_int(&E, "pid", pid);
	sst_tevt_int(&E, "ptid", ptid);
	sst_tevt_str(&E, "cwd", "/home/alice");
	sst_tevt_str(&E, "comm", comm);
	sst_tevt_bytes(&E, "cgroups", cgroups, cg_len);
	const char env[] = "HOME=/home/alice\0PATH=/bin\0";
	sst_tevt_bytes(&E, "env", env, sizeof env - 1);
	sst_tevt_int(&E, "tty", 34816);
	sst_tevt_int(&E, "vpgid", pid);
	sst_tevt_int(&E, "pgid", pid);
	sst_tevt_int(&E, "loginuid", 1000);
	sst_tevt_int(&E, "flags", PPM_EXE_UPPER_LAYER);
	sst_tevt_int(&E, "cap_inheritable", 0);
	sst_tevt_int(&E, "cap_permitted", (1ll << 21) | 1);
	sst_tevt_int(&E, "cap_effective", 1ll << 21);
	sst_tevt_int(&E, "exe_ino", 4242);
	sst_tevt_int(&E, "exe_ino_ctime", 111);
	sst_tevt_int(&E, "exe_ino_mtime", 222);
	sst_tevt_int(&E, "uid", 1000);
	sst_tevt_str(&E, "trusted_exepath", exepath);
	sst_tevt_int(&E, "gid", 1000);
	feed();
}

static void clone_exit(uint64_t tid, int64_t res, int64_t pid, int64_t ptid, uint32_t flags)
{
	sst_tevt_begin(&E, PPME_SYSCALL_CLONE_20_X, tid, 1000 + P.evtnum);
	sst_tevt_int(&E, "res", res);
	sst_tevt_str(&E, "exe", "bash");
	sst_tevt_bytes(&E, "args", "-c\0ls\0", 6);
	sst_tevt_int(&E, "tid", (int64_t)tid);
	sst_tevt_int(&E, "pid", pid);
	sst_tevt_int(&E, "ptid", ptid);
	sst_tevt_str(&E, "cwd", "/home/alice");
	sst_tevt_str(&E, "comm", "bash");
	sst_tevt_int(&E, "flags", flags);
	sst_tevt_int(&E, "uid", 1000);
	sst_tevt_int(&E, "gid", 1000);
	sst_tevt_int(&E, "vtid", (int64_t)tid);
	sst_tevt_int(&E, "vpid", pid);
	feed();
}

static void ev_openat_at(uint64_t tid, int64_t fd, int64_t dirfd, const char *name, uint32_t flags,
			 uint32_t mode);

static void ev_openat(uint64_t tid, int64_t fd, const char *name, uint32_t flags)
{
	ev_openat_at(tid, fd, PPM_AT_FDCWD, name, flags, 0);
}

static void simple_fd_event(uint16_t type, uint64_t tid, int64_t res, int64_t fd)
{
	sst_tevt_begin(&E, type, tid, 1000 + P.evtnum);
	sst_tevt_int(&E, "res", res);
	sst_tevt_int(&E, "fd", fd);
	feed();
}

static void ev_socket(uint64_t tid, int64_t fd, int64_t domain, int64_t type)
{
	sst_tevt_begin(&E, PPME_SOCKET_SOCKET_X, tid, 1000 + P.evtnum);
	sst_tevt_int(&E, "fd", fd);
	sst_tevt_int(&E, "domain", domain);
	sst_tevt_int(&E, "type", type);
	feed();
}

static void ev_connect4(uint64_t tid, int64_t fd, const char *sip, uint16_t sport, const char *dip, uint16_t dport)
{
	sst_tevt_begin(&E, PPME_SOCKET_CONNECT_X, tid, 1000 + P.evtnum);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_tuple4(&E, "tuple", sip, sport, dip, dport);
	sst_tevt_int(&E, "fd", fd);
	feed();
}

/* openat(dirfd, name, flags, mode) returning fd */
static void ev_openat_at(uint64_t tid, int64_t fd, int64_t dirfd, const char *name, uint32_t flags, uint32_t mode)
{
	sst_tevt_begin(&E, PPME_SYSCALL_OPENAT_2_X, tid, 1000 + P.evtnum);
	sst_tevt_int(&E, "fd", fd);
	sst_tevt_int(&E, "dirfd", dirfd);
	sst_tevt_str(&E, "name", name);
	sst_tevt_int(&E, "flags", flags);
	sst_tevt_int(&E, "mode", mode);
	sst_tevt_int(&E, "dev", 0x801);
	sst_tevt_int(&E, "ino", 77);
	feed();
}

static void ev_procexit(uint64_t tid, int64_t reaper)
{
	sst_tevt_begin(&E, PPME_PROCEXIT_1_E, tid, 1000 + P.evtnum);
	sst_tevt_int(&E, "status", 0);
	sst_tevt_int(&E, "reaper_tid", reaper);
	feed();
}

static const char BASH_ARGS[] = "-c\0ls\0";
static const char DOCKER_CG[] = "cpu=/docker/" ID64 "\0";

/* bash (100) forks 101 which execs "cat /etc/shadow". */
static void spawn_family(void)
{
	ev_execve(100, 100, 1, "bash", "/usr/bin/bash", BASH_ARGS, sizeof BASH_ARGS - 1, DOCKER_CG,
	       sizeof DOCKER_CG - 1);
	clone_exit(100, 101, 100, 1, 0);
	clone_exit(101, 0, 101, 100, 0);
	ev_execve(101, 101, 100, "cat", "/usr/bin/cat", "/etc/shadow\0", 12, DOCKER_CG, sizeof DOCKER_CG - 1);
}

TestSuite(sysstate_events, .init = setup, .fini = teardown);

Test(sysstate_events, execve_fills_the_process)
{
	ev_execve(100, 100, 1, "bash", "/usr/bin/bash", BASH_ARGS, sizeof BASH_ARGS - 1, DOCKER_CG,
	       sizeof DOCKER_CG - 1);
	cr_assert_str_eq(S("proc.name"), "bash");
	cr_assert_str_eq(S("proc.exe"), "bash");
	cr_assert_str_eq(S("proc.exepath"), "/usr/bin/bash");
	cr_assert_str_eq(S("proc.cmdline"), "bash -c ls");
	cr_assert_str_eq(S("proc.args"), "-c ls");
	cr_assert_str_eq(S("proc.cwd"), "/home/alice");
	cr_assert_eq(I("proc.tty"), 34816);
	cr_assert_eq(I("proc.pid"), 100);
	cr_assert_eq(I("proc.ppid"), 1);
	cr_assert_eq(I("thread.tid"), 100);
	cr_assert_eq(I("user.uid"), 1000);
	cr_assert_eq(I("user.loginuid"), 1000);
	cr_assert_eq(I("group.gid"), 1000);
	cr_assert_str_eq(S("container.id"), "3f1b6c0a9d2e");
	cr_assert_str_eq(SA("proc.env", "HOME"), "/home/alice");
	cr_assert_null(SA("proc.env", "NOPE"));
	cr_assert_str_eq(S("proc.env"), "HOME=/home/alice PATH=/bin");
	cr_assert(B("proc.is_exe_upper_layer"));
	cr_assert_not(B("proc.is_exe_from_memfd"));
	cr_assert_str_eq(S("thread.cap_effective"), "CAP_SYS_ADMIN");
	cr_assert_str_eq(S("thread.cap_permitted"), "CAP_CHOWN CAP_SYS_ADMIN");
	cr_assert_eq(I("proc.exe_ino"), 4242);
	cr_assert_eq(I("proc.exe_ino.ctime"), 111);
	cr_assert(B("proc.is_vpgid_leader"));
	cr_assert_str_eq(S("evt.res"), "SUCCESS");
	cr_assert_eq(I("evt.rawres"), 0);
	cr_assert_not(B("evt.failed"));
	cr_assert_str_eq(SA("evt.arg", "exe"), "bash");
	cr_assert_str_eq(SA("evt.arg", "1"), "bash");
	cr_assert_str_eq(SA("evt.arg", "args"), "-c ls");
	cr_assert_str_eq(SA("evt.arg", "flags"), "EXE_UPPER_LAYER");
}

Test(sysstate_events, clone_then_execve_builds_the_tree)
{
	spawn_family();
	cr_assert_str_eq(S("proc.name"), "cat");
	cr_assert_str_eq(S("proc.cmdline"), "cat /etc/shadow");
	cr_assert_eq(I("proc.pid"), 101);
	cr_assert_eq(I("proc.ppid"), 100);
	cr_assert_str_eq(S("proc.pname"), "bash");
	cr_assert_str_eq(S("proc.pexepath"), "/usr/bin/bash");
	cr_assert_str_eq(S("proc.pcmdline"), "bash -c ls");
	cr_assert_str_eq(SA("proc.aname", "0"), "cat");
	cr_assert_str_eq(SA("proc.aname", "1"), "bash");
	cr_assert_null(SA("proc.aname", "2"));
	cr_assert_str_eq(S("proc.aname"), "bash");
	cr_assert_eq(sst_tplug_int(&P, "proc.apid", "1", &(bool){0}), 100);
	cr_assert_str_eq(SA("proc.aexepath", "1"), "/usr/bin/bash");
	/* clone exit seen from the parent: the result is the child's tid */
	clone_exit(100, 102, 100, 1, 0);
	cr_assert_eq(I("evt.rawres"), 102);
	cr_assert_eq(I("proc.pid"), 100);
	cr_assert_eq(I("proc.duration"), (int64_t)(1000 + P.evtnum) - (int64_t)(1000 + 1));
}

Test(sysstate_events, threads_share_the_process)
{
	ev_execve(100, 100, 1, "bash", "/usr/bin/bash", BASH_ARGS, sizeof BASH_ARGS - 1, DOCKER_CG,
	       sizeof DOCKER_CG - 1);
	clone_exit(100, 105, 100, 1, PPM_CL_CLONE_THREAD);
	ev_openat(105, 7, "/etc/hosts", PPM_O_RDONLY);
	cr_assert_eq(I("proc.pid"), 100);
	cr_assert_eq(I("thread.tid"), 105);
	simple_fd_event(PPME_SYSCALL_CLOSE_X, 100, -9, 7); /* failed close keeps the fd */
	simple_fd_event(PPME_SYSCALL_FCHDIR_X, 100, -20, 7);
	cr_assert_str_eq(S("fd.name"), "/etc/hosts");
}

Test(sysstate_events, open_resolves_paths_and_flags)
{
	spawn_family();
	ev_openat(101, 3, "../bob/.ssh/id_rsa", PPM_O_RDONLY | PPM_O_CLOEXEC);
	cr_assert_eq(I("fd.num"), 3);
	cr_assert_str_eq(S("fd.name"), "/home/bob/.ssh/id_rsa");
	cr_assert_str_eq(S("fd.nameraw"), "../bob/.ssh/id_rsa");
	cr_assert_str_eq(S("fd.directory"), "/home/bob/.ssh");
	cr_assert_str_eq(S("fd.filename"), "id_rsa");
	cr_assert_str_eq(S("fd.type"), "file");
	cr_assert_str_eq(S("fd.typechar"), "f");
	cr_assert_eq(I("fd.ino"), 77);
	cr_assert(B("evt.is_open_read"));
	cr_assert_not(B("evt.is_open_write"));
	cr_assert_str_eq(SA("evt.arg", "flags"), "O_RDONLY|O_CLOEXEC");
	cr_assert_str_eq(SA("evt.arg", "fd"), "3");
	cr_assert_str_eq(SA("evt.arg", "dirfd"), "-100");
	cr_assert_str_eq(SA("evt.arg", "name"), "/home/bob/.ssh/id_rsa");
	cr_assert_eq(sst_tplug_int(&P, "evt.rawarg", "flags", &(bool){0}), PPM_O_RDONLY | PPM_O_CLOEXEC);
	cr_assert_str_eq(S("fs.path.name"), "/home/bob/.ssh/id_rsa");
	cr_assert_str_eq(S("fs.path.nameraw"), "../bob/.ssh/id_rsa");
	cr_assert_not_null(strstr(S("evt.args"), "name=/home/bob/.ssh/id_rsa"));

	ev_openat(101, -2, "/etc/nope", PPM_O_WRONLY | PPM_O_TRUNC);
	cr_assert_eq(I("fd.num"), -1);
	cr_assert_str_eq(S("evt.res"), "ENOENT");
	cr_assert_eq(I("evt.rawres"), -2);
	cr_assert(B("evt.failed"));
	cr_assert_str_eq(S("fd.name"), "/etc/nope");
	cr_assert_str_eq(S("fd.typechar"), "f");
	cr_assert(B("evt.is_open_write"));
	cr_assert_str_eq(SA("evt.arg", "fd"), "-2"); /* fds render as numbers */
}

Test(sysstate_events, sockets_dup_close_and_exit)
{
	spawn_family();
	ev_openat(101, 3, "/etc/shadow", PPM_O_RDONLY);
	ev_socket(101, 4, VG_SCAP_AF_INET, 1);
	cr_assert_str_eq(S("fd.type"), "ipv4");
	cr_assert_str_eq(SA("evt.arg", "domain"), "AF_INET");

	sst_tevt_begin(&E, PPME_SOCKET_CONNECT_X, 101, 5001);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_tuple4(&E, "tuple", "10.0.0.5", 40000, "93.184.216.34", 443);
	sst_tevt_int(&E, "fd", 4);
	sst_tevt_sockaddr4(&E, "addr", "93.184.216.34", 443);
	feed();
	cr_assert_str_eq(S("fd.name"), "10.0.0.5:40000->93.184.216.34:443");
	cr_assert_str_eq(SA("evt.arg", "tuple"), "10.0.0.5:40000->93.184.216.34:443");
	cr_assert_str_eq(SA("evt.arg", "addr"), "93.184.216.34:443");
	cr_assert_str_eq(S("fd.typechar"), "4");
	cr_assert_str_eq(S("fd.l4proto"), "tcp");
	cr_assert_str_eq(S("fd.sockfamily"), "ip");
	cr_assert_eq(I("fd.sport"), 443);
	cr_assert_eq(I("fd.rport"), 443);
	cr_assert_eq(I("fd.lport"), 40000);
	cr_assert_eq(I("fd.cport"), 40000);
	cr_assert(B("fd.connected"));
	cr_assert_not(B("fd.name_changed"));
	ss_plugin_extract_field f;
	cr_assert_eq(sst_tplug_extract(&P, "fd.sip", NULL, &f), 1);
	uint8_t want[4];
	inet_pton(AF_INET, "93.184.216.34", want);
	cr_assert_eq(f.res.buf[0].len, 4);
	cr_assert_eq(memcmp(f.res.buf[0].ptr, want, 4), 0);
	cr_assert_eq(sst_tplug_extract(&P, "fd.rip", NULL, &f), 1);
	cr_assert_eq(memcmp(f.res.buf[0].ptr, want, 4), 0);
	cr_assert_eq(sst_tplug_extract(&P, "fd.ip", NULL, &f), 2, "fd.ip: client and server");

	/* dup2(4, 1): stdout now goes to the network (rule "Redirect STDOUT/STDIN ...") */
	sst_tevt_begin(&E, PPME_SYSCALL_DUP2_X, 101, 5002);
	sst_tevt_int(&E, "res", 1);
	sst_tevt_int(&E, "oldfd", 4);
	sst_tevt_int(&E, "newfd", 1);
	feed();
	cr_assert_eq(I("evt.rawres"), 1);
	cr_assert_str_eq(S("fd.type"), "ipv4");
	sst_tevt_begin(&E, PPME_SYSCALL_WRITE_X, 101, 5003);
	sst_tevt_int(&E, "res", 5);
	sst_tevt_bytes(&E, "data", "hello", 5);
	sst_tevt_int(&E, "fd", 1);
	sst_tevt_int(&E, "size", 5);
	feed();
	cr_assert_str_eq(S("fd.name"), "10.0.0.5:40000->93.184.216.34:443");
	cr_assert_eq(sst_tplug_extract(&P, "evt.buffer", NULL, &f), 1);
	cr_assert_eq(f.res.buf[0].len, 5);
	cr_assert_eq(memcmp(f.res.buf[0].ptr, "hello", 5), 0);

	/* close: the fd is still known on the close event itself, gone afterwards */
	simple_fd_event(PPME_SYSCALL_CLOSE_X, 101, 0, 3);
	cr_assert_str_eq(S("fd.name"), "/etc/shadow");
	simple_fd_event(PPME_SYSCALL_FCHDIR_X, 101, -9, 3);
	cr_assert_eq(I("fd.num"), 3);
	assert_missing("fd.name");

	/* exit: fields still work on procexit, the thread is gone afterwards */
	ev_procexit(101, 0);
	cr_assert_str_eq(S("proc.name"), "cat");
	simple_fd_event(PPME_SYSCALL_CLOSE_X, 101, 0, 4);
	assert_missing("proc.name");
	assert_missing("proc.pid");
	assert_missing("fd.name");
	cr_assert_str_eq(S("evt.res"), "SUCCESS");
	simple_fd_event(PPME_SYSCALL_CLOSE_X, 100, 0, 0);
	cr_assert_str_eq(S("proc.name"), "bash");
}

Test(sysstate_events, fork_child_inherits_fds_and_exec_drops_cloexec)
{
	ev_execve(100, 100, 1, "bash", "/usr/bin/bash", BASH_ARGS, sizeof BASH_ARGS - 1, DOCKER_CG,
	       sizeof DOCKER_CG - 1);
	ev_openat(100, 5, "/var/log/app.log", PPM_O_WRONLY | PPM_O_APPEND);
	ev_openat(100, 6, "/etc/passwd", PPM_O_RDONLY | PPM_O_CLOEXEC);
	clone_exit(100, 101, 100, 1, 0);
	clone_exit(101, 0, 101, 100, 0);
	simple_fd_event(PPME_SYSCALL_FCHDIR_X, 101, -20, 6);
	cr_assert_str_eq(S("fd.name"), "/etc/passwd");
	ev_execve(101, 101, 100, "cat", "/usr/bin/cat", "x\0", 2, DOCKER_CG, sizeof DOCKER_CG - 1);
	simple_fd_event(PPME_SYSCALL_FCHDIR_X, 101, -20, 6);
	assert_missing("fd.name");
	simple_fd_event(PPME_SYSCALL_FCHDIR_X, 101, -20, 5);
	cr_assert_str_eq(S("fd.name"), "/var/log/app.log");
	/* fcntl(5, F_DUPFD_CLOEXEC) = 10 */
	sst_tevt_begin(&E, PPME_SYSCALL_FCNTL_X, 101, 9300);
	sst_tevt_int(&E, "res", 10);
	sst_tevt_int(&E, "fd", 5);
	sst_tevt_int(&E, "cmd", PPM_FCNTL_F_DUPFD_CLOEXEC);
	feed();
	simple_fd_event(PPME_SYSCALL_FCHDIR_X, 101, -20, 10);
	cr_assert_str_eq(S("fd.name"), "/var/log/app.log");
}

Test(sysstate_events, chdir_and_setuid_update_the_process)
{
	spawn_family();
	sst_tevt_begin(&E, PPME_SYSCALL_CHDIR_X, 101, 6000);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_str(&E, "path", "../../tmp");
	feed();
	cr_assert_str_eq(S("proc.cwd"), "/tmp");
	sst_tevt_begin(&E, PPME_SYSCALL_SETUID_X, 101, 6001);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "uid", 0);
	feed();
	cr_assert_eq(I("user.uid"), 0);
	cr_assert_str_eq(S("user.name"), "root");
	cr_assert_str_eq(S("user.homedir"), "/root");
	sst_tevt_begin(&E, PPME_SYSCALL_SETGID_X, 101, 6002);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "gid", 0);
	feed();
	cr_assert_eq(I("group.gid"), 0);
	cr_assert_str_eq(S("group.name"), "root");
}

/* setreuid/setregid: the effective id becomes user.uid/group.gid; -1 keeps it; failures change
 * nothing. */
Test(sysstate_events, setreuid_and_setregid_follow_the_effective_id)
{
	spawn_family();
	cr_assert_eq(I("user.uid"), 1000, "starts unprivileged");
	sst_tevt_begin(&E, PPME_SYSCALL_SETREUID_X, 101, 6100);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "ruid", 1000);
	sst_tevt_int(&E, "euid", 0);
	feed();
	cr_assert_eq(I("user.uid"), 0);
	sst_tevt_begin(&E, PPME_SYSCALL_SETREUID_X, 101, 6101);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "ruid", 0);
	sst_tevt_int(&E, "euid", UINT32_MAX);
	feed();
	cr_assert_eq(I("user.uid"), 0, "-1 keeps the effective id");
	sst_tevt_begin(&E, PPME_SYSCALL_SETREUID_X, 101, 6102);
	sst_tevt_int(&E, "res", -1);
	sst_tevt_int(&E, "ruid", 1000);
	sst_tevt_int(&E, "euid", 1000);
	feed();
	cr_assert_eq(I("user.uid"), 0, "a failed call changes nothing");
	sst_tevt_begin(&E, PPME_SYSCALL_SETREGID_X, 101, 6103);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "rgid", 5);
	sst_tevt_int(&E, "egid", 7);
	feed();
	cr_assert_eq(I("group.gid"), 7);
}

Test(sysstate_events, gvisor_tids_and_container)
{
	uint64_t sb = 3ull << 32;
	const char cg[] = "gvisor=/" ID64 "\0";
	ev_execve(sb | 1, (int64_t)(sb | 1), 0, "sh", "/bin/sh", "\0", 1, cg, sizeof cg - 1);
	clone_exit(sb | 1, 7, (int64_t)(sb | 1), 0, 0); /* parent side in a sandbox: res is namespaced, ignored */
	clone_exit(sb | 7, 0, (int64_t)(sb | 7), (int64_t)(sb | 1), 0);
	cr_assert_eq((uint64_t)I("proc.pid"), sb | 7);
	cr_assert_eq((uint64_t)I("proc.ppid"), sb | 1);
	cr_assert_str_eq(S("proc.pname"), "sh");
	cr_assert_str_eq(S("container.id"), "3f1b6c0a9d2e");
	/* the same small tid on the host is a different thread */
	simple_fd_event(PPME_SYSCALL_CLOSE_X, 7, 0, 3);
	assert_missing("proc.name");
}

Test(sysstate_events, unknown_threads_and_foreign_events_have_no_values)
{
	simple_fd_event(PPME_SYSCALL_CLOSE_X, 999, -9, 3);
	assert_missing("proc.name");
	assert_missing("proc.aname");
	assert_missing("user.name");
	assert_missing("container.id");
	assert_missing("fd.name");
	cr_assert_eq(I("fd.num"), 3);
	cr_assert_str_eq(S("evt.res"), "EBADF");
	/* a plugin event is not a syscall event */
	uint8_t pe[46] = {0};
	ss_plugin_event *h = (ss_plugin_event *)pe;
	h->len = 46;
	h->type = PPME_PLUGINEVENT_E;
	h->nparams = 2;
	h->tid = UINT64_MAX;
	uint32_t lens[2] = {4, 8};
	memcpy(pe + 26, lens, 8);
	sst_tplug_parse(&P, h);
	assert_missing("evt.res");
	assert_missing("proc.name");
}

Test(sysstate_events, eviction_bound_through_the_plugin)
{
	sst_tplug_close(&P);
	cr_assert(sst_tplug_open(&P, "{\"procfs\":false,\"thread_table_size\":10}"));
	for (uint64_t tid = 200; tid < 300; tid++)
		ev_execve(tid, (int64_t)tid, 1, "w", "/w", "\0", 1, "", 0);
	uint32_t n;
	ss_plugin_metric *m = P.metrics(P.s, &n);
	cr_assert_gt(n, 2);
	cr_assert_str_eq(m[0].name, "sysstate.n_threads");
	cr_assert_eq(m[0].value.u64, 10);
	cr_assert_eq(m[2].value.u64, 90);
	cr_assert_str_eq(S("proc.name"), "w");
}

Test(sysstate_events, bad_config_is_rejected)
{
	sst_tplug_close(&P);
	cr_assert_not(sst_tplug_open(&P, "{\"thread_table_size\":0}"));
	sst_tplug_close(&P);
	cr_assert_not(sst_tplug_open(&P, "{\"procfs\":3}"));
	sst_tplug_close(&P);
	cr_assert_not(sst_tplug_open(&P, "{not json"));
	sst_tplug_close(&P);
	cr_assert(sst_tplug_open(&P, NOPROC));
}

Test(sysstate_events, malformed_events_never_crash)
{
	spawn_family();
	ev_openat(101, 3, "/etc/shadow", PPM_O_RDONLY);
	const ss_plugin_event *good = (const ss_plugin_event *)E.buf;
	uint32_t len = good->len;
	static const char *fields[] = {"proc.name", "fd.name", "evt.arg", "evt.args", "evt.res",
				       "fs.path.name", "evt.rawarg", "proc.aname", "fd.sip"};
	srand(11);
	for (int round = 0; round < 1500; round++) {
		uint8_t *copy = malloc(len);
		memcpy(copy, good, len);
		ss_plugin_event *h = (ss_plugin_event *)copy;
		switch (round % 4) {
		case 0: h->len = (uint32_t)(rand() % (len + 1)); break;                 /* short */
		case 1: h->nparams = (uint32_t)rand() % 64; break;                      /* wrong count */
		case 2: copy[26 + rand() % 14] = (uint8_t)rand(); break;                /* param lengths */
		default: copy[rand() % len] = (uint8_t)rand(); break;                  /* anything */
		}
		if (h->len > len)
			h->len = len; /* the host never hands out more bytes than it has */
		sst_tplug_parse(&P, h);
		ss_plugin_extract_field f;
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			sst_tplug_extract(&P, fields[i], i == 2 || i == 6 ? "name" : NULL, &f);
		free(copy);
	}
	/* the tables are still usable (mutations may legitimately have changed them: rebuild) */
	spawn_family();
	ev_openat(101, 9, "/etc/hosts", PPM_O_RDONLY);
	cr_assert_str_eq(S("fd.name"), "/etc/hosts");
	cr_assert_str_eq(S("proc.name"), "cat");
}

Test(sysstate_events, server_sockets_accept_and_bind)
{
	spawn_family();
	ev_socket(101, 3, VG_SCAP_AF_INET, 1);
	sst_tevt_begin(&E, PPME_SOCKET_BIND_X, 101, 7001);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_sockaddr4(&E, "addr", "0.0.0.0", 8080);
	sst_tevt_int(&E, "fd", 3);
	feed();
	cr_assert_str_eq(S("fd.name"), "0.0.0.0:8080");
	cr_assert_eq(I("fd.sport"), 8080);
	cr_assert_eq(I("fd.lport"), 8080);
	assert_missing("fd.rport");
	cr_assert_not(B("fd.connected"));
	/* accept: like libs' drivers, the tuple is client -> server (remote end first) */
	sst_tevt_begin(&E, PPME_SOCKET_ACCEPT4_6_X, 101, 7002);
	sst_tevt_int(&E, "fd", 4);
	sst_tevt_tuple4(&E, "tuple", "192.168.1.9", 51000, "10.0.0.2", 8080);
	feed();
	cr_assert_eq(I("fd.num"), 4);
	cr_assert_str_eq(S("fd.name"), "192.168.1.9:51000->10.0.0.2:8080");
	cr_assert_eq(I("fd.sport"), 8080);
	cr_assert_eq(I("fd.cport"), 51000);
	cr_assert_eq(I("fd.lport"), 8080);
	cr_assert_eq(I("fd.rport"), 51000);
	cr_assert(B("fd.connected"));
	ss_plugin_extract_field f;
	uint8_t want[4];
	inet_pton(AF_INET, "192.168.1.9", want);
	cr_assert_eq(sst_tplug_extract(&P, "fd.rip", NULL, &f), 1);
	cr_assert_eq(memcmp(f.res.buf[0].ptr, want, 4), 0);
	cr_assert_eq(sst_tplug_extract(&P, "fd.port", NULL, &f), 2);
}

Test(sysstate_events, udp_reconnect_changes_the_name)
{
	spawn_family();
	ev_socket(101, 3, VG_SCAP_AF_INET, 2);
	for (int round = 0; round < 2; round++) {
		ev_connect4(101, 3, "10.0.0.5", 5353, round ? "8.8.8.8" : "1.1.1.1", 53);
		cr_assert_str_eq(S("fd.l4proto"), "udp");
		cr_assert_eq(B("fd.name_changed"), round == 1);
	}
}

Test(sysstate_events, pipes_memfd_socketpair_kinds)
{
	spawn_family();
	sst_tevt_begin(&E, PPME_SYSCALL_PIPE2_X, 101, 7200);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "fd1", 5);
	sst_tevt_int(&E, "fd2", 6);
	sst_tevt_int(&E, "ino", 999);
	feed();
	cr_assert_str_eq(S("fd.type"), "pipe");
	cr_assert_str_eq(S("fd.typechar"), "p");
	sst_tevt_begin(&E, PPME_SYSCALL_MEMFD_CREATE_X, 101, 7201);
	sst_tevt_int(&E, "fd", 7);
	sst_tevt_str(&E, "name", "payload");
	sst_tevt_int(&E, "flags", PPM_MFD_CLOEXEC);
	feed();
	cr_assert_str_eq(S("fd.type"), "memfd");
	cr_assert_str_eq(S("fd.name"), "memfd:payload");
	cr_assert_str_eq(SA("evt.arg", "flags"), "MFD_CLOEXEC");
	sst_tevt_begin(&E, PPME_SOCKET_SOCKETPAIR_X, 101, 7202);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "fd1", 8);
	sst_tevt_int(&E, "fd2", 9);
	sst_tevt_int(&E, "domain", VG_SCAP_AF_UNIX);
	feed();
	cr_assert_str_eq(S("fd.type"), "unix");
	cr_assert_str_eq(S("fd.sockfamily"), "unix");
}

Test(sysstate_events, fs_paths_and_open_exec)
{
	spawn_family();
	sst_tevt_begin(&E, PPME_SYSCALL_RENAMEAT2_X, 101, 7300);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "olddirfd", PPM_AT_FDCWD);
	sst_tevt_str(&E, "oldpath", "a.txt");
	sst_tevt_int(&E, "newdirfd", PPM_AT_FDCWD);
	sst_tevt_str(&E, "newpath", "/tmp/b.txt");
	feed();
	cr_assert_str_eq(S("fs.path.source"), "/home/alice/a.txt");
	cr_assert_str_eq(S("fs.path.sourceraw"), "a.txt");
	cr_assert_str_eq(S("fs.path.target"), "/tmp/b.txt");
	assert_missing("fs.path.name");
	sst_tevt_begin(&E, PPME_SYSCALL_SYMLINKAT_X, 101, 7301);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_str(&E, "target", "/etc/shadow");
	sst_tevt_int(&E, "linkdirfd", PPM_AT_FDCWD);
	sst_tevt_str(&E, "linkpath", "s");
	feed();
	cr_assert_str_eq(S("fs.path.source"), "/etc/shadow");
	cr_assert_str_eq(S("fs.path.target"), "/home/alice/s");
	cr_assert_str_eq(SA("evt.arg", "target"), "/etc/shadow");
	ev_openat_at(101, 3, PPM_AT_FDCWD, "/usr/local/bin/x", PPM_O_WRONLY | PPM_O_CREAT, 0755);
	cr_assert(B("evt.is_open_exec"));
	cr_assert(B("evt.is_open_write"));
	cr_assert_str_eq(SA("evt.arg", "mode"), "0755");
	/* openat relative to a directory fd */
	ev_openat_at(101, 4, PPM_AT_FDCWD, "/var/lib", PPM_O_RDONLY | PPM_O_DIRECTORY, 0);
	cr_assert_str_eq(S("fd.type"), "directory");
	cr_assert_str_eq(S("fd.directory"), "/var/lib");
	assert_missing("fd.filename");
	ev_openat_at(101, 5, 4, "dpkg/status", PPM_O_RDONLY, 0);
	cr_assert_str_eq(S("fd.name"), "/var/lib/dpkg/status");
}

Test(sysstate_events, exit_reparents_to_the_reaper_and_sessions)
{
	ev_execve(1, 1, 0, "systemd", "/usr/lib/systemd/systemd", "\0", 1, "", 0);
	spawn_family();
	ev_procexit(100, 1);
	simple_fd_event(PPME_SYSCALL_CLOSE_X, 101, 0, 3);
	cr_assert_eq(I("proc.ppid"), 1);
	cr_assert_str_eq(S("proc.pname"), "systemd");
	cr_assert_str_eq(S("proc.aname"), "systemd");
	/* setsid makes 101 a session leader */
	sst_tevt_begin(&E, PPME_SYSCALL_SETSID_X, 101, 8000);
	sst_tevt_int(&E, "res", 101);
	feed();
	cr_assert_eq(I("proc.sid"), 101);
	cr_assert_str_eq(S("proc.sname"), "cat");
	cr_assert(B("proc.is_sid_leader"));
}

Test(sysstate_events, login_uid_unset_is_minus_one)
{
	ev_execve(300, 300, 1, "cron", "/usr/sbin/cron", "\0", 1, "", 0);
	sst_tevt_begin(&E, PPME_SYSCALL_EXECVE_19_X, 300, 9000);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_int(&E, "loginuid", UINT32_MAX);
	feed();
	cr_assert_eq(I("user.loginuid"), -1);
	assert_missing("user.loginname");
	/* values the event did not carry keep what the process had */
	cr_assert_str_eq(S("proc.name"), "cron");
}

Test(sysstate_events, host_names_come_from_the_hosts_file)
{
	char dir[] = "/tmp/sysstate-hostsXXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/etc", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/etc/hosts", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("# comment\n10.96.0.1\tkubernetes.default.svc.cluster.local kubernetes\n"
	      "::1 localhost6\n",
	      f);
	fclose(f);
	char cfg[512];
	snprintf(cfg, sizeof cfg, "{\"procfs\":false,\"host_root\":\"%s\"}", dir);
	sst_tplug_close(&P);
	cr_assert(sst_tplug_open(&P, cfg));
	spawn_family();
	ev_connect4(101, 3, "10.1.2.3", 40000, "10.96.0.1", 443);
	cr_assert_str_eq(S("fd.sip.name"), "kubernetes.default.svc.cluster.local");
	cr_assert_str_eq(S("fd.rip.name"), "kubernetes.default.svc.cluster.local");
	assert_missing("fd.cip.name");
	unlink(path);
	snprintf(path, sizeof path, "%s/etc", dir);
	rmdir(path);
	rmdir(dir);
}

Test(sysstate_events, ipv6_tuples)
{
	spawn_family();
	uint8_t t[1 + 2 * 18];
	t[0] = VG_SCAP_AF_INET6;
	inet_pton(AF_INET6, "fd00::5", t + 1);
	uint16_t sp = 40000, dp = 443;
	memcpy(t + 17, &sp, 2);
	inet_pton(AF_INET6, "2001:db8::1", t + 19);
	memcpy(t + 35, &dp, 2);
	sst_tevt_begin(&E, PPME_SOCKET_CONNECT_X, 101, 9200);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_bytes(&E, "tuple", t, sizeof t);
	sst_tevt_int(&E, "fd", 3);
	feed();
	cr_assert_str_eq(S("fd.type"), "ipv6");
	cr_assert_str_eq(S("fd.typechar"), "6");
	cr_assert_str_eq(S("fd.name"), "fd00::5:40000->2001:db8::1:443");
	ss_plugin_extract_field f;
	cr_assert_eq(sst_tplug_extract(&P, "fd.sip", NULL, &f), 1);
	cr_assert_eq(f.res.buf[0].len, 16);
}

/* Two states in one process (one per syscall source thread) run concurrently and never see
 * each other's threads. */
typedef struct two_states_arg {
	sst_tplug *p;
	const char *comm;
	int ok;
} two_states_arg;

static void *two_states_run(void *ud)
{
	two_states_arg *a = ud;
	sst_tevt *e = malloc(sizeof *e);
	a->ok = 1;
	for (int i = 0; i < 2000 && a->ok; i++) {
		sst_tevt_begin(e, PPME_SYSCALL_EXECVE_19_X, 100 + (uint64_t)(i % 50), (uint64_t)i + 1);
		sst_tevt_int(e, "res", 0);
		sst_tevt_str(e, "comm", a->comm);
		sst_tevt_int(e, "pid", 100 + i % 50);
		sst_tplug_parse(a->p, sst_tevt_end(e));
		ss_plugin_extract_field f;
		a->ok = sst_tplug_extract(a->p, "proc.name", NULL, &f) == 1 && strcmp(f.res.str[0], a->comm) == 0;
	}
	free(e);
	return NULL;
}

Test(sysstate_events, independent_states_in_one_process)
{
	sst_tplug other;
	cr_assert(sst_tplug_open(&other, NOPROC));
	two_states_arg a = {.p = &P, .comm = "alpha"}, b = {.p = &other, .comm = "beta"};
	pthread_t ta, tb;
	pthread_create(&ta, NULL, two_states_run, &a);
	pthread_create(&tb, NULL, two_states_run, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	cr_assert(a.ok);
	cr_assert(b.ok);
	sst_tplug_close(&other);
}

Test(sysstate_events, stale_threads_are_purged_after_the_timeout)
{
	sst_tplug_close(&P);
	cr_assert(sst_tplug_open(&P, "{\"procfs\":false,\"thread_timeout_s\":10,\"purge_interval_s\":1}"));
	const uint64_t s = 1000000000ull;
	sst_tevt_begin(&E, PPME_SYSCALL_EXECVE_19_X, 500, 1 * s);
	sst_tevt_int(&E, "res", 0);
	sst_tevt_str(&E, "comm", "gone");
	feed();
	for (uint64_t t = 2; t <= 30; t++) {
		sst_tevt_begin(&E, PPME_SYSCALL_EXECVE_19_X, 600, t * s);
		sst_tevt_int(&E, "res", 0);
		sst_tevt_str(&E, "comm", "busy");
		feed();
	}
	uint32_t n;
	ss_plugin_metric *m = P.metrics(P.s, &n);
	cr_assert_str_eq(m[3].name, "sysstate.n_threads_purged");
	cr_assert_eq(m[3].value.u64, 1);
	cr_assert_eq(m[0].value.u64, 1);
	simple_fd_event(PPME_SYSCALL_CLOSE_X, 500, 0, 3);
	assert_missing("proc.name");
}
