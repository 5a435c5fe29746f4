/* Kernel -> libscap translations: open/fd/clone flags, fcntl commands, socket addresses. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/un.h>

#include <vigil/scap_events.h>
#include <vigil/scap_flags.h>

#include "gv_flags.h"

Test(gv_flags, open_flags)
{
	cr_assert_eq(gv_flags_open(O_RDONLY), PPM_O_RDONLY);
	cr_assert_eq(gv_flags_open(O_WRONLY | O_CREAT | O_TRUNC), PPM_O_WRONLY | PPM_O_CREAT | PPM_O_TRUNC);
	cr_assert_eq(gv_flags_open(O_RDWR | O_CLOEXEC | O_APPEND), PPM_O_RDWR | PPM_O_CLOEXEC | PPM_O_APPEND);
	cr_assert_eq(gv_flags_open(O_SYNC) & (PPM_O_SYNC | PPM_O_DSYNC), PPM_O_SYNC | PPM_O_DSYNC);
	cr_assert_eq(gv_flags_open(O_DSYNC) & PPM_O_SYNC, 0);
	cr_assert(gv_flags_open(O_TMPFILE | O_RDWR) & PPM_O_TMPFILE);
	cr_assert_eq(gv_flags_open(O_DIRECTORY) & PPM_O_TMPFILE, 0);
	cr_assert_eq(gv_flags_fd(O_CLOEXEC | O_NONBLOCK), PPM_O_CLOEXEC | PPM_O_NONBLOCK);
	cr_assert_eq(gv_flags_fd(0), 0);
}

Test(gv_flags, clone_flags_and_fcntl)
{
	cr_assert_eq(gv_flags_clone(CLONE_VM | CLONE_VFORK | SIGCHLD), PPM_CL_CLONE_VM | PPM_CL_CLONE_VFORK);
	cr_assert_eq(gv_flags_clone(CLONE_THREAD | CLONE_SIGHAND), PPM_CL_CLONE_THREAD | PPM_CL_CLONE_SIGHAND);
	cr_assert_eq(gv_flags_fcntl_cmd(F_SETFD), 3);
	cr_assert_eq(gv_flags_fcntl_cmd(F_DUPFD_CLOEXEC), 26);
	cr_assert_eq(gv_flags_fcntl_cmd(12345), 0);
}

Test(gv_flags, inet6_address_and_tuple)
{
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6, .sin6_port = htons(443)};
	inet_pton(AF_INET6, "2001:db8::1", &s6.sin6_addr);
	uint8_t out[GV_FLAGS_SOCKADDR_MAX];
	cr_assert_eq(gv_flags_sockaddr((const uint8_t *)&s6, sizeof(s6), out), 19);
	cr_assert_eq(out[0], VG_SCAP_AF_INET6);
	cr_assert_eq(memcmp(out + 1, &s6.sin6_addr, 16), 0);
	uint16_t port;
	memcpy(&port, out + 17, 2);
	cr_assert_eq(port, 443);
	cr_assert_eq(gv_flags_socktuple((const uint8_t *)&s6, sizeof(s6), out), 37);
	uint8_t zero[18] = {0};
	cr_assert_eq(memcmp(out + 1, zero, 18), 0, "local side unknown");
	cr_assert_eq(memcmp(out + 19, &s6.sin6_addr, 16), 0);
	memcpy(&port, out + 35, 2);
	cr_assert_eq(port, 443);
}

Test(gv_flags, unix_paths_and_bad_input)
{
	struct sockaddr_un su = {.sun_family = AF_UNIX};
	memcpy(su.sun_path, "\0abstract", 9);
	uint8_t out[GV_FLAGS_SOCKADDR_MAX];
	uint32_t n = gv_flags_sockaddr((const uint8_t *)&su, 2 + 9, out);
	cr_assert_eq(n, 1 + 10);
	cr_assert_str_eq((const char *)out + 1, "@abstract");
	/* A full-size path without NUL is cut at sun_path's size, still NUL-terminated. */
	memset(su.sun_path, 'x', sizeof(su.sun_path));
	n = gv_flags_socktuple((const uint8_t *)&su, sizeof(su), out);
	cr_assert_eq(n, 17 + sizeof(su.sun_path) + 1);
	cr_assert_eq(out[n - 1], '\0');
	cr_assert_leq(n, GV_FLAGS_SOCKADDR_MAX);
	const uint8_t short_inet[5] = {AF_INET, 0, 0, 80, 127};
	cr_assert_eq(gv_flags_sockaddr(short_inet, sizeof(short_inet), out), 0);
	const uint8_t netlink[12] = {16, 0};
	cr_assert_eq(gv_flags_sockaddr(netlink, sizeof(netlink), out), 0);
	cr_assert_eq(gv_flags_sockaddr(netlink, 1, out), 0);
}
