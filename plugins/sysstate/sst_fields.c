#include "sst_fields.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/scap_flags.h>

#include "sst_args.h"
#include "sst_render.h"

#define IDX VSDK_ARG_INDEX
#define KEY VSDK_ARG_KEY
#define REQ VSDK_ARG_REQUIRED
#define LIST VSDK_FIELD_LIST
#define MULTI VSDK_FIELD_MULTI_VALUE
#define NOTR VSDK_FIELD_NO_TRANSFORM
#define FONLY VSDK_FIELD_FILTER_ONLY
#define DOT VSDK_FIELD_DOTTED_KEY

/* X(id, type, name, flags, description) */
#define SST_FIELDS(X)                                                                                  \
	X(EVT_ARG, "string", "evt.arg", KEY | IDX | REQ | DOT,                                          \
	  "One event argument by name or index, as text (evt.arg.fd, evt.arg[0]).")                     \
	X(EVT_RAWARG, "int64", "evt.rawarg", KEY | IDX | REQ | DOT | NOTR,                              \
	  "One numeric event argument by name or index, unformatted (evt.rawarg.res).")                 \
	X(EVT_ARGS, "string", "evt.args", 0, "All event arguments as name=value pairs.")               \
	X(EVT_RES, "string", "evt.res", 0, "Syscall result: SUCCESS or the errno name (ENOENT).")      \
	X(EVT_RAWRES, "int64", "evt.rawres", 0, "Syscall result as a number (negative errno on failure).") \
	X(EVT_FAILED, "bool", "evt.failed", 0, "True for syscalls that returned an error.")            \
	X(EVT_IS_OPEN_READ, "bool", "evt.is_open_read", 0,                                              \
	  "True for open/openat/openat2/creat events that open for reading.")                            \
	X(EVT_IS_OPEN_WRITE, "bool", "evt.is_open_write", 0,                                            \
	  "True for open/openat/openat2/creat events that open for writing.")                            \
	X(EVT_IS_OPEN_EXEC, "bool", "evt.is_open_exec", 0,                                              \
	  "True for open events that create a file with execute permission bits.")                       \
	X(EVT_BUFFER, "bytebuf", "evt.buffer", 0, "The data buffer of I/O events (read, write ...).")   \
	X(PROC_NAME, "string", "proc.name", 0, "Process name (comm, at most 16 characters).")          \
	X(PROC_PID, "int64", "proc.pid", 0, "Process id.")                                               \
	X(PROC_PPID, "int64", "proc.ppid", 0, "Parent process id.")                                      \
	X(PROC_VPID, "int64", "proc.vpid", 0, "Process id in its own pid namespace.")                  \
	X(PROC_PVPID, "int64", "proc.pvpid", 0, "Parent process id in its pid namespace.")            \
	X(PROC_EXE, "string", "proc.exe", 0, "First command-line argument (argv[0]).")                 \
	X(PROC_EXEPATH, "string", "proc.exepath", 0, "Full path of the executable.")                   \
	X(PROC_CMDLINE, "string", "proc.cmdline", 0, "Process name and arguments.")                     \
	X(PROC_ARGS, "string", "proc.args", 0, "Command-line arguments without argv[0].")              \
	X(PROC_CWD, "string", "proc.cwd", 0, "Current working directory.")                              \
	X(PROC_TTY, "uint64", "proc.tty", 0, "Controlling terminal (0 for none).")                     \
	X(PROC_PNAME, "string", "proc.pname", 0, "Parent process name.")                                \
	X(PROC_PEXE, "string", "proc.pexe", 0, "Parent's argv[0].")                                      \
	X(PROC_PEXEPATH, "string", "proc.pexepath", 0, "Parent's executable path.")                    \
	X(PROC_PCMDLINE, "string", "proc.pcmdline", 0, "Parent's name and arguments.")                 \
	X(PROC_ANAME, "string", "proc.aname", MULTI | IDX | NOTR,                                        \
	  "Ancestor name: [0] self, [1] parent ...; without index, all ancestors (matches any).")       \
	X(PROC_APID, "int64", "proc.apid", MULTI | IDX | NOTR,                                           \
	  "Ancestor pid: [0] self, [1] parent ...; without index, all ancestors.")                      \
	X(PROC_AEXE, "string", "proc.aexe", MULTI | IDX,                                                  \
	  "Ancestor argv[0]: [0] self, [1] parent ...; without index, all ancestors.")                  \
	X(PROC_AEXEPATH, "string", "proc.aexepath", MULTI | IDX,                                          \
	  "Ancestor executable path: [0] self, [1] parent ...; without index, all ancestors.")          \
	X(PROC_ENV, "string", "proc.env", KEY,                                                          \
	  "Environment: all variables, or the value of one (proc.env[HOME]).")                          \
	X(PROC_DURATION, "reltime", "proc.duration", 0, "Time since the process started (ns).")        \
	X(PROC_SNAME, "string", "proc.sname", 0, "Name of the session leader.")                         \
	X(PROC_SID, "int64", "proc.sid", 0, "Session id.")                                               \
	X(PROC_VPGID, "int64", "proc.vpgid", 0, "Process group id in the pid namespace.")              \
	X(PROC_IS_VPGID_LEADER, "bool", "proc.is_vpgid_leader", 0,                                      \
	  "True if the process leads its process group.")                                               \
	X(PROC_IS_SID_LEADER, "bool", "proc.is_sid_leader", 0, "True if the process leads its session.") \
	X(PROC_IS_EXE_UPPER_LAYER, "bool", "proc.is_exe_upper_layer", 0,                                \
	  "True if the executable is on the upper (writable) layer of an overlay filesystem.")           \
	X(PROC_IS_EXE_LOWER_LAYER, "bool", "proc.is_exe_lower_layer", 0,                                \
	  "True if the executable is on a lower layer of an overlay filesystem.")                        \
	X(PROC_IS_EXE_FROM_MEMFD, "bool", "proc.is_exe_from_memfd", 0,                                  \
	  "True if the executable is a memfd (fileless execution).")                                     \
	X(PROC_IS_EXE_WRITABLE, "bool", "proc.is_exe_writable", 0,                                      \
	  "True if the executable is writable by the process' user.")                                   \
	X(PROC_EXE_INO, "int64", "proc.exe_ino", 0, "Inode number of the executable.")                \
	X(PROC_EXE_INO_CTIME, "abstime", "proc.exe_ino.ctime", 0, "Change time of the executable's inode.") \
	X(PROC_EXE_INO_MTIME, "abstime", "proc.exe_ino.mtime", 0,                                       \
	  "Modification time of the executable's inode.")                                                \
	X(THREAD_TID, "int64", "thread.tid", 0, "Thread id.")                                            \
	X(THREAD_VTID, "int64", "thread.vtid", 0, "Thread id in its pid namespace.")                   \
	X(THREAD_CAP_PERMITTED, "string", "thread.cap_permitted", 0, "Permitted capabilities.")       \
	X(THREAD_CAP_EFFECTIVE, "string", "thread.cap_effective", 0, "Effective capabilities.")       \
	X(THREAD_CAP_INHERITABLE, "string", "thread.cap_inheritable", 0, "Inheritable capabilities.") \
	X(USER_UID, "uint64", "user.uid", 0, "User id.")                                                 \
	X(USER_NAME, "string", "user.name", 0, "User name.")                                             \
	X(USER_HOMEDIR, "string", "user.homedir", 0, "User's home directory.")                         \
	X(USER_SHELL, "string", "user.shell", 0, "User's login shell.")                                 \
	X(USER_LOGINUID, "int64", "user.loginuid", 0, "Audit login uid (-1 when unset).")              \
	X(USER_LOGINNAME, "string", "user.loginname", 0, "Name of the audit login user.")              \
	X(GROUP_GID, "uint64", "group.gid", 0, "Group id.")                                              \
	X(GROUP_NAME, "string", "group.name", 0, "Group name.")                                          \
	X(FD_NUM, "int64", "fd.num", 0, "File descriptor number (-1 for a failed open).")              \
	X(FD_TYPE, "string", "fd.type", 0, "Kind of fd: file, directory, ipv4, ipv6, unix, pipe ...") \
	X(FD_TYPECHAR, "string", "fd.typechar", 0, "Kind of fd as one letter: f d 4 6 u p e s l i t n b r m P o.") \
	X(FD_NAME, "string", "fd.name", 0, "Full path of a file, or the connection tuple of a socket.") \
	X(FD_NAMERAW, "string", "fd.nameraw", 0, "Path as the program passed it (not resolved).")      \
	X(FD_DIRECTORY, "string", "fd.directory", 0, "Directory of a file fd (the path of a directory fd).") \
	X(FD_FILENAME, "string", "fd.filename", 0, "File name of a file fd, without its directory.")  \
	X(FD_INO, "uint64", "fd.ino", 0, "Inode number of the file.")                                    \
	X(FD_DEV, "uint64", "fd.dev", 0, "Device number of the file.")                                   \
	X(FD_IP, "ipaddr", "fd.ip", MULTI | NOTR | FONLY, "Client or server IP address (matches either).") \
	X(FD_CIP, "ipaddr", "fd.cip", 0, "Client IP address.")                                           \
	X(FD_SIP, "ipaddr", "fd.sip", 0, "Server IP address.")                                           \
	X(FD_LIP, "ipaddr", "fd.lip", 0, "Local IP address.")                                            \
	X(FD_RIP, "ipaddr", "fd.rip", 0, "Remote IP address.")                                           \
	X(FD_PORT, "port", "fd.port", MULTI | NOTR | FONLY, "Client or server port (matches either).")  \
	X(FD_CPORT, "port", "fd.cport", 0, "Client port.")                                               \
	X(FD_SPORT, "port", "fd.sport", 0, "Server port.")                                               \
	X(FD_LPORT, "port", "fd.lport", 0, "Local port.")                                                \
	X(FD_RPORT, "port", "fd.rport", 0, "Remote port.")                                               \
	X(FD_L4PROTO, "string", "fd.l4proto", 0, "Transport protocol: tcp, udp, icmp or raw.")          \
	X(FD_SOCKFAMILY, "string", "fd.sockfamily", 0, "Socket family: ip or unix.")                   \
	X(FD_NET, "ipnet", "fd.net", MULTI | NOTR | FONLY, "Client or server network (CIDR compare).")  \
	X(FD_CNET, "ipnet", "fd.cnet", NOTR, "Client network (CIDR compare).")                          \
	X(FD_SNET, "ipnet", "fd.snet", NOTR, "Server network (CIDR compare).")                          \
	X(FD_LNET, "ipnet", "fd.lnet", NOTR, "Local network (CIDR compare).")                           \
	X(FD_RNET, "ipnet", "fd.rnet", NOTR, "Remote network (CIDR compare).")                          \
	X(FD_CIP_NAME, "string", "fd.cip.name", NOTR, "Host name of the client IP (hosts file only).")  \
	X(FD_SIP_NAME, "string", "fd.sip.name", NOTR, "Host name of the server IP (hosts file only).")  \
	X(FD_LIP_NAME, "string", "fd.lip.name", NOTR, "Host name of the local IP (hosts file only).")   \
	X(FD_RIP_NAME, "string", "fd.rip.name", NOTR, "Host name of the remote IP (hosts file only).")  \
	X(FD_CONNECTED, "bool", "fd.connected", 0, "True for connected sockets.")                        \
	X(FD_NAME_CHANGED, "bool", "fd.name_changed", 0,                                                 \
	  "True when this event changed the fd's name (e.g. a UDP socket connected elsewhere).")         \
	X(FS_PATH_NAME, "string", "fs.path.name", 0, "Resolved path a filesystem event operates on.")  \
	X(FS_PATH_NAMERAW, "string", "fs.path.nameraw", 0, "Path a filesystem event operates on, as given.") \
	X(FS_PATH_SOURCE, "string", "fs.path.source", 0, "Resolved source path of rename/link/symlink.") \
	X(FS_PATH_SOURCERAW, "string", "fs.path.sourceraw", 0, "Source path of rename/link/symlink, as given.") \
	X(FS_PATH_TARGET, "string", "fs.path.target", 0, "Resolved target path of rename/link/symlink.") \
	X(FS_PATH_TARGETRAW, "string", "fs.path.targetraw", 0, "Target path of rename/link/symlink, as given.") \
	X(CONTAINER_ID, "string", "container.id", 0,                                                     \
	  "Container id (12 characters) from the process' cgroups, or \"host\".")

enum {
#define SST_FIELD_ENUM(id, type, name, flags, desc) SST_F_##id,
	SST_FIELDS(SST_FIELD_ENUM)
#undef SST_FIELD_ENUM
	SST_F_COUNT
};

static const vsdk_field sst_fields_table[SST_F_COUNT] = {
#define SST_FIELD_ROW(id, type, name, flags, desc) {type, name, NULL, desc, flags},
	SST_FIELDS(SST_FIELD_ROW)
#undef SST_FIELD_ROW
};

static char *sst_fields_json_text;
static pthread_once_t sst_fields_json_once = PTHREAD_ONCE_INIT;

static void sst_fields_build_json(void)
{
	sst_fields_json_text = vsdk_fields_json(sst_fields_table, SST_F_COUNT);
}

/* Freed when the plugin is unloaded (dlclose), so repeated load/unload does not leak. */
__attribute__((destructor)) static void sst_fields_free_json(void)
{
	free(sst_fields_json_text);
	sst_fields_json_text = NULL;
}

const char *sst_fields_json(void)
{
	pthread_once(&sst_fields_json_once, sst_fields_build_json);
	return sst_fields_json_text;
}

uint32_t sst_fields_count(void)
{
	return SST_F_COUNT;
}

/* ---- value helpers ---- */

#define SST_MAX_ANCESTORS 64

/* A NUL-terminated string that stays put until the next parse_event (static names, table
 * strings, user and host names): no copy either. */
static bool sst_fields_cstr(sst_state *st, ss_plugin_extract_field *f, const char *s)
{
	if (!s)
		return false;
	const char **slot = vsdk_values_alloc(&st->vals, sizeof *slot);
	if (!slot)
		return false;
	*slot = s;
	f->res.str = slot;
	f->res_len = 1;
	return true;
}

/* A string owned by the tables, handed out without a copy: tables change only in parse_event,
 * which comes after the host is done with this event's values. */
static bool sst_fields_str(sst_state *st, ss_plugin_extract_field *f, const sst_str *s)
{
	return sst_fields_cstr(st, f, s->p);
}

/* A string in scratch storage that the next field may reuse: copied. */
static bool sst_fields_copy(sst_state *st, ss_plugin_extract_field *f, const sst_str *s)
{
	return s->p && vsdk_set_strn(&st->vals, f, s->p, s->len);
}

static bool sst_fields_i64(sst_state *st, ss_plugin_extract_field *f, int64_t v)
{
	return vsdk_set_u64(&st->vals, f, (uint64_t)v);
}

static bool sst_fields_ip(sst_state *st, ss_plugin_extract_field *f, const sst_fd *fd, const uint8_t *ip)
{
	return vsdk_set_buf(&st->vals, f, ip, fd->family == VG_SCAP_AF_INET6 ? 16 : 4);
}

/* ---- process fields ---- */

/* first (may be NULL) then the NUL-separated list, joined by spaces, into st->out:
 * "name arg1 arg2" (proc.cmdline), "arg1 arg2" (proc.args), "A=1 B=2" (proc.env). */
static bool sst_fields_join(sst_state *st, const sst_str *first, const sst_str *list)
{
	sst_str *o = &st->out;
	uint32_t need = (first ? first->len + 1 : 0) + list->len + 1;
	if (!sst_str_reserve(o, need))
		return false;
	uint32_t n = 0;
	if (first && first->len) {
		memcpy(o->p, first->p, first->len);
		n = first->len;
	}
	for (uint32_t i = 0; i < list->len;) {
		const char *a = list->p + i;
		uint32_t alen = (uint32_t)strnlen(a, list->len - i);
		if (n)
			o->p[n++] = ' ';
		memcpy(o->p + n, a, alen);
		n += alen;
		i += alen + 1;
	}
	o->p[n] = '\0';
	o->len = n;
	return true;
}

static const sst_proc *sst_fields_ancestor(const sst_state *st, const sst_proc *p, uint64_t n)
{
	for (uint64_t i = 0; p && i < n; i++) {
		if (i >= SST_MAX_ANCESTORS)
			return NULL;
		p = sst_threads_parent(&st->threads, p);
	}
	return p;
}

enum { SST_ANC_NAME, SST_ANC_PID, SST_ANC_EXE, SST_ANC_EXEPATH };

static bool sst_fields_ancestor_one(sst_state *st, ss_plugin_extract_field *f, const sst_proc *a, int what)
{
	if (!a)
		return false;
	switch (what) {
	case SST_ANC_NAME: return sst_fields_str(st, f, &a->comm);
	case SST_ANC_PID: return sst_fields_i64(st, f, a->pid);
	case SST_ANC_EXE: return sst_fields_str(st, f, &a->exe);
	default: return sst_fields_str(st, f, &a->exepath);
	}
}

/* Without an index: every ancestor from the parent up, as a list (rules match any). */
static bool sst_fields_ancestors(sst_state *st, ss_plugin_extract_field *f, const sst_proc *p, int what)
{
	if (f->arg_present && f->arg_index != UINT64_MAX)
		return sst_fields_ancestor_one(st, f, sst_fields_ancestor(st, p, f->arg_index), what);
	const sst_proc *chain[SST_MAX_ANCESTORS];
	uint32_t n = 0;
	for (const sst_proc *a = sst_threads_parent(&st->threads, p); a && n < SST_MAX_ANCESTORS;
	     a = sst_threads_parent(&st->threads, a))
		chain[n++] = a;
	if (!n)
		return false;
	if (what == SST_ANC_PID) {
		uint64_t *vals = vsdk_values_alloc(&st->vals, n * sizeof *vals);
		if (!vals)
			return false;
		for (uint32_t i = 0; i < n; i++)
			vals[i] = (uint64_t)chain[i]->pid;
		f->res.u64 = vals;
		f->res_len = n;
		return true;
	}
	const char **strs = vsdk_values_alloc(&st->vals, n * sizeof *strs);
	if (!strs)
		return false;
	for (uint32_t i = 0; i < n; i++) {
		const sst_str *s = what == SST_ANC_NAME ? &chain[i]->comm
				   : what == SST_ANC_EXE ? &chain[i]->exe : &chain[i]->exepath;
		strs[i] = s->p ? s->p : "";
	}
	/* Strings point into the table: they stay put until the next parse_event, which is later
	 * than the next extract_fields as the ABI requires. */
	f->res.str = strs;
	f->res_len = n;
	return true;
}

static bool sst_fields_env(sst_state *st, ss_plugin_extract_field *f, const sst_proc *p)
{
	const char *key = f->arg_present ? f->arg_key : NULL;
	if (!key)
		return sst_fields_join(st, NULL, &p->env) && sst_fields_copy(st, f, &st->out);
	size_t klen = strlen(key);
	for (uint32_t i = 0; i < p->env.len;) {
		const char *e = p->env.p + i;
		uint32_t elen = (uint32_t)strnlen(e, p->env.len - i);
		if (elen > klen && memcmp(e, key, klen) == 0 && e[klen] == '=')
			return vsdk_set_strn(&st->vals, f, e + klen + 1, elen - klen - 1);
		i += elen + 1;
	}
	return false;
}

static bool sst_fields_caps(sst_state *st, ss_plugin_extract_field *f, uint64_t mask)
{
	char buf[SST_RENDER_CAPS_MAX];
	size_t n = sst_render_caps(buf, mask);
	return vsdk_set_strn(&st->vals, f, buf, n);
}

static bool sst_fields_proc(sst_state *st, ss_plugin_extract_field *f, const sst_thread *th)
{
	const sst_proc *p = th->proc;
	const sst_proc *pp = sst_threads_parent(&st->threads, p);
	switch (f->field_id) {
	case SST_F_PROC_NAME: return sst_fields_str(st, f, &p->comm);
	case SST_F_PROC_PID: return sst_fields_i64(st, f, p->pid);
	case SST_F_PROC_PPID: return sst_fields_i64(st, f, p->ppid);
	case SST_F_PROC_VPID: return sst_fields_i64(st, f, p->vpid);
	case SST_F_PROC_PVPID: return pp && sst_fields_i64(st, f, pp->vpid);
	case SST_F_PROC_EXE: return sst_fields_str(st, f, &p->exe);
	case SST_F_PROC_EXEPATH: return sst_fields_str(st, f, &p->exepath);
	case SST_F_PROC_CMDLINE: return sst_fields_join(st, &p->comm, &p->args) && sst_fields_copy(st, f, &st->out);
	case SST_F_PROC_ARGS: return sst_fields_join(st, NULL, &p->args) && sst_fields_copy(st, f, &st->out);
	case SST_F_PROC_CWD: return sst_fields_str(st, f, &p->cwd);
	case SST_F_PROC_TTY: return vsdk_set_u64(&st->vals, f, p->tty);
	case SST_F_PROC_PNAME: return pp && sst_fields_str(st, f, &pp->comm);
	case SST_F_PROC_PEXE: return pp && sst_fields_str(st, f, &pp->exe);
	case SST_F_PROC_PEXEPATH: return pp && sst_fields_str(st, f, &pp->exepath);
	case SST_F_PROC_PCMDLINE:
		return pp && sst_fields_join(st, &pp->comm, &pp->args) && sst_fields_copy(st, f, &st->out);
	case SST_F_PROC_ANAME: return sst_fields_ancestors(st, f, p, SST_ANC_NAME);
	case SST_F_PROC_APID: return sst_fields_ancestors(st, f, p, SST_ANC_PID);
	case SST_F_PROC_AEXE: return sst_fields_ancestors(st, f, p, SST_ANC_EXE);
	case SST_F_PROC_AEXEPATH: return sst_fields_ancestors(st, f, p, SST_ANC_EXEPATH);
	case SST_F_PROC_ENV: return sst_fields_env(st, f, p);
	case SST_F_PROC_DURATION:
		return p->start_ts && st->ctx.evt->ts >= p->start_ts &&
		       vsdk_set_u64(&st->vals, f, st->ctx.evt->ts - p->start_ts);
	case SST_F_PROC_SNAME: {
		const sst_proc *s = p->sid > 0 ? sst_threads_proc(&st->threads, p->sid) : NULL;
		return s && sst_fields_str(st, f, &s->comm);
	}
	case SST_F_PROC_SID: return sst_fields_i64(st, f, p->sid);
	case SST_F_PROC_VPGID: return sst_fields_i64(st, f, p->vpgid);
	case SST_F_PROC_IS_VPGID_LEADER: return vsdk_set_bool(&st->vals, f, p->vpgid == p->vpid);
	case SST_F_PROC_IS_SID_LEADER: return vsdk_set_bool(&st->vals, f, p->sid == p->pid);
	case SST_F_PROC_IS_EXE_UPPER_LAYER:
		return vsdk_set_bool(&st->vals, f, p->flags & SST_PROC_EXE_UPPER_LAYER);
	case SST_F_PROC_IS_EXE_LOWER_LAYER:
		return vsdk_set_bool(&st->vals, f, p->flags & SST_PROC_EXE_LOWER_LAYER);
	case SST_F_PROC_IS_EXE_FROM_MEMFD:
		return vsdk_set_bool(&st->vals, f, p->flags & SST_PROC_EXE_FROM_MEMFD);
	case SST_F_PROC_IS_EXE_WRITABLE:
		return vsdk_set_bool(&st->vals, f, p->flags & SST_PROC_EXE_WRITABLE);
	case SST_F_PROC_EXE_INO: return p->exe_ino && vsdk_set_u64(&st->vals, f, p->exe_ino);
	case SST_F_PROC_EXE_INO_CTIME:
		return p->exe_ino_ctime && vsdk_set_u64(&st->vals, f, p->exe_ino_ctime);
	case SST_F_PROC_EXE_INO_MTIME:
		return p->exe_ino_mtime && vsdk_set_u64(&st->vals, f, p->exe_ino_mtime);
	case SST_F_THREAD_TID: return sst_fields_i64(st, f, th->tid);
	case SST_F_THREAD_VTID: return sst_fields_i64(st, f, th->vtid);
	case SST_F_THREAD_CAP_PERMITTED: return sst_fields_caps(st, f, p->cap_permitted);
	case SST_F_THREAD_CAP_EFFECTIVE: return sst_fields_caps(st, f, p->cap_effective);
	case SST_F_THREAD_CAP_INHERITABLE: return sst_fields_caps(st, f, p->cap_inheritable);
	case SST_F_CONTAINER_ID: return sst_fields_cstr(st, f, p->container_id);
	default: return false;
	}
}

static bool sst_fields_user(sst_state *st, ss_plugin_extract_field *f, const sst_proc *p)
{
	const sst_user *u;
	switch (f->field_id) {
	case SST_F_USER_UID: return vsdk_set_u64(&st->vals, f, p->uid);
	case SST_F_USER_NAME: return (u = sst_users_by_uid(&st->users, p->uid)) && sst_fields_cstr(st, f, u->name);
	case SST_F_USER_HOMEDIR: return (u = sst_users_by_uid(&st->users, p->uid)) && sst_fields_cstr(st, f, u->home);
	case SST_F_USER_SHELL: return (u = sst_users_by_uid(&st->users, p->uid)) && sst_fields_cstr(st, f, u->shell);
	case SST_F_USER_LOGINUID:
		return sst_fields_i64(st, f, p->loginuid == SST_LOGINUID_UNSET ? -1 : (int64_t)p->loginuid);
	case SST_F_USER_LOGINNAME:
		return p->loginuid != SST_LOGINUID_UNSET && (u = sst_users_by_uid(&st->users, p->loginuid)) &&
		       sst_fields_cstr(st, f, u->name);
	case SST_F_GROUP_GID: return vsdk_set_u64(&st->vals, f, p->gid);
	case SST_F_GROUP_NAME: return sst_fields_cstr(st, f, sst_users_group(&st->users, p->gid));
	default: return false;
	}
}

/* ---- fd fields ---- */

static bool sst_fields_is_inet(const sst_fd *fd)
{
	return fd->type == SST_FD_IPV4 || fd->type == SST_FD_IPV6;
}

static const uint8_t *sst_fields_local_ip(const sst_fd *fd)
{
	return fd->role == SST_ROLE_SERVER ? fd->sip : fd->cip;
}

static const uint8_t *sst_fields_remote_ip(const sst_fd *fd)
{
	return fd->role == SST_ROLE_SERVER ? fd->cip : fd->sip;
}

static bool sst_fields_ip_name(sst_state *st, ss_plugin_extract_field *f, const sst_fd *fd, const uint8_t *ip)
{
	return sst_fields_cstr(st, f, sst_hosts_name(&st->hosts, ip, fd->family == VG_SCAP_AF_INET6 ? 16 : 4));
}

static bool sst_fields_both_ips(sst_state *st, ss_plugin_extract_field *f, const sst_fd *fd)
{
	uint32_t alen = fd->family == VG_SCAP_AF_INET6 ? 16 : 4;
	ss_plugin_byte_buffer *b = vsdk_values_alloc(&st->vals, 2 * sizeof *b);
	if (!b)
		return false;
	b[0] = (ss_plugin_byte_buffer){.len = alen, .ptr = fd->cip};
	b[1] = (ss_plugin_byte_buffer){.len = alen, .ptr = fd->sip};
	f->res.buf = b;
	f->res_len = fd->connected ? 2 : 1;
	if (!fd->connected)
		b[0].ptr = fd->sip; /* a server socket only has its local address */
	return true;
}

static bool sst_fields_path_parts(sst_state *st, ss_plugin_extract_field *f, const sst_fd *fd, bool dir)
{
	if (!fd->name.len || (fd->type != SST_FD_FILE && fd->type != SST_FD_DIRECTORY))
		return false;
	if (fd->type == SST_FD_DIRECTORY)
		return dir && sst_fields_str(st, f, &fd->name);
	const char *slash = memrchr(fd->name.p, '/', fd->name.len);
	if (!slash)
		return !dir && sst_fields_str(st, f, &fd->name);
	if (!dir)
		return vsdk_set_str(&st->vals, f, slash + 1);
	size_t n = (size_t)(slash - fd->name.p);
	return vsdk_set_strn(&st->vals, f, n ? fd->name.p : "/", n ? n : 1);
}

static bool sst_fields_fd(sst_state *st, ss_plugin_extract_field *f)
{
	const sst_ctx *c = &st->ctx;
	if (f->field_id == SST_F_FD_NUM)
		return c->has_fd && sst_fields_i64(st, f, c->fdnum);
	const sst_fd *fd = c->fd;
	if (!fd)
		return false;
	bool inet = sst_fields_is_inet(fd);
	bool conn = inet && fd->connected;
	switch (f->field_id) {
	case SST_F_FD_TYPE: return sst_fields_cstr(st, f, sst_fdtab_type_name(fd->type));
	case SST_F_FD_TYPECHAR: return sst_fields_cstr(st, f, sst_fdtab_typechar(fd->type));
	case SST_F_FD_NAME: return fd->name.len && sst_fields_str(st, f, &fd->name);
	case SST_F_FD_NAMERAW:
		return sst_fields_str(st, f, fd->nameraw.len ? &fd->nameraw : &fd->name);
	case SST_F_FD_DIRECTORY: return sst_fields_path_parts(st, f, fd, true);
	case SST_F_FD_FILENAME: return sst_fields_path_parts(st, f, fd, false);
	case SST_F_FD_INO: return fd->ino && vsdk_set_u64(&st->vals, f, fd->ino);
	case SST_F_FD_DEV: return fd->dev && vsdk_set_u64(&st->vals, f, fd->dev);
	case SST_F_FD_IP: case SST_F_FD_NET: return inet && sst_fields_both_ips(st, f, fd);
	case SST_F_FD_CIP: case SST_F_FD_CNET: return conn && sst_fields_ip(st, f, fd, fd->cip);
	case SST_F_FD_SIP: case SST_F_FD_SNET: return inet && sst_fields_ip(st, f, fd, fd->sip);
	case SST_F_FD_LIP: case SST_F_FD_LNET:
		return inet && (conn || fd->role == SST_ROLE_SERVER) && sst_fields_ip(st, f, fd, sst_fields_local_ip(fd));
	case SST_F_FD_RIP: case SST_F_FD_RNET: return conn && sst_fields_ip(st, f, fd, sst_fields_remote_ip(fd));
	case SST_F_FD_PORT: {
		if (!inet)
			return false;
		uint64_t ports[2] = {fd->sport, fd->cport};
		return vsdk_set_u64_list(&st->vals, f, ports, conn ? 2 : 1);
	}
	case SST_F_FD_CPORT: return conn && vsdk_set_u64(&st->vals, f, fd->cport);
	case SST_F_FD_SPORT: return inet && vsdk_set_u64(&st->vals, f, fd->sport);
	case SST_F_FD_LPORT:
		return inet && (conn || fd->role == SST_ROLE_SERVER) &&
		       vsdk_set_u64(&st->vals, f, fd->role == SST_ROLE_SERVER ? fd->sport : fd->cport);
	case SST_F_FD_RPORT:
		return conn && vsdk_set_u64(&st->vals, f, fd->role == SST_ROLE_SERVER ? fd->cport : fd->sport);
	case SST_F_FD_L4PROTO: return inet && sst_fields_cstr(st, f, sst_fdtab_l4_name(fd->l4proto));
	case SST_F_FD_SOCKFAMILY:
		return sst_fields_cstr(st, f, inet ? "ip" : fd->type == SST_FD_UNIX ? "unix" : NULL);
	case SST_F_FD_CIP_NAME: return conn && sst_fields_ip_name(st, f, fd, fd->cip);
	case SST_F_FD_SIP_NAME: return inet && sst_fields_ip_name(st, f, fd, fd->sip);
	case SST_F_FD_LIP_NAME:
		return inet && (conn || fd->role == SST_ROLE_SERVER) &&
		       sst_fields_ip_name(st, f, fd, sst_fields_local_ip(fd));
	case SST_F_FD_RIP_NAME: return conn && sst_fields_ip_name(st, f, fd, sst_fields_remote_ip(fd));
	case SST_F_FD_CONNECTED: return vsdk_set_bool(&st->vals, f, fd->connected);
	case SST_F_FD_NAME_CHANGED: return vsdk_set_bool(&st->vals, f, fd->name_changed);
	default: return false;
	}
}

/* ---- event fields ---- */

static bool sst_fields_has_res(const sst_state *st)
{
	const sst_ctx *c = &st->ctx;
	if (!PPME_IS_EXIT(c->type) || !(c->info->category & EC_SYSCALL) || c->nparams == 0)
		return false;
	uint8_t t = c->info->params[0].type;
	return t == PT_ERRNO || t == PT_FD || t == PT_PID;
}

static bool sst_fields_rawres(const sst_state *st, int64_t *res)
{
	return sst_fields_has_res(st) && vg_scap_param_int(&st->ctx.params[0], res);
}

static bool sst_fields_is_open(uint16_t type)
{
	return type == PPME_SYSCALL_OPEN_X || type == PPME_SYSCALL_OPENAT_2_X ||
	       type == PPME_SYSCALL_OPENAT2_X || type == PPME_SYSCALL_CREAT_X ||
	       type == PPME_SYSCALL_OPEN_BY_HANDLE_AT_X;
}

static bool sst_fields_open_kind(sst_state *st, ss_plugin_extract_field *f)
{
	uint64_t flags = 0, mode = 0;
	bool is_open = sst_fields_is_open(st->ctx.type);
	if (is_open) {
		if (st->ctx.type == PPME_SYSCALL_CREAT_X)
			flags = PPM_O_CREAT | PPM_O_WRONLY;
		else
			sst_state_uint(st, SST_P_FLAGS, &flags);
		sst_state_uint(st, SST_P_MODE, &mode);
	}
	bool v = false;
	if (f->field_id == SST_F_EVT_IS_OPEN_READ)
		v = is_open && (flags & PPM_O_RDONLY);
	else if (f->field_id == SST_F_EVT_IS_OPEN_WRITE)
		v = is_open && (flags & PPM_O_WRONLY);
	else
		v = is_open && (flags & PPM_O_CREAT) && (mode & 0111);
	return vsdk_set_bool(&st->vals, f, v);
}

static int sst_fields_arg_index(const sst_state *st, const ss_plugin_extract_field *f)
{
	if (!f->arg_present)
		return -1;
	if (f->arg_index != UINT64_MAX)
		return f->arg_index < st->ctx.nparams ? (int)f->arg_index : -1;
	return f->arg_key ? sst_args_find(st, f->arg_key) : -1;
}

/* The first path-typed parameter among the usual names (fs.path.name). */
static int sst_fields_path_param(const sst_state *st)
{
	static const sst_pname names[] = {SST_P_NAME, SST_P_PATH, SST_P_PATHNAME, SST_P_FILENAME, SST_P_DIR};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int k = sst_state_pidx(st->ctx.type, names[i]);
		if (k >= 0 && (uint32_t)k < st->ctx.nparams) {
			uint8_t t = st->ctx.info->params[k].type;
			if (t == PT_FSPATH || t == PT_FSRELPATH)
				return k;
		}
	}
	return -1;
}

static int sst_fields_src_dst_param(const sst_state *st, bool source)
{
	bool is_symlink = st->ctx.type == PPME_SYSCALL_SYMLINK_X || st->ctx.type == PPME_SYSCALL_SYMLINKAT_X;
	sst_pname n = source ? (is_symlink ? SST_P_TARGET : SST_P_OLDPATH)
			     : (is_symlink ? SST_P_LINKPATH : SST_P_NEWPATH);
	int k = sst_state_pidx(st->ctx.type, n);
	return k >= 0 && (uint32_t)k < st->ctx.nparams ? k : -1;
}

static bool sst_fields_path(sst_state *st, ss_plugin_extract_field *f, int k, bool raw)
{
	if (k < 0)
		return false;
	const vg_scap_param *p = &st->ctx.params[k];
	const char *s = vg_scap_param_str(p);
	if (!s || !s[0])
		return false;
	uint8_t t = st->ctx.info->params[k].type;
	if (raw || (t != PT_FSPATH && t != PT_FSRELPATH))
		return vsdk_set_str(&st->vals, f, s);
	const char *full = sst_state_resolve_path(st, st->ctx.th ? st->ctx.th->proc : NULL, k);
	return full && vsdk_set_strn(&st->vals, f, full, st->tmp.len);
}

static bool sst_fields_event(sst_state *st, ss_plugin_extract_field *f)
{
	int64_t res, raw;
	int k;
	switch (f->field_id) {
	case SST_F_EVT_ARG:
		k = sst_fields_arg_index(st, f);
		return sst_args_render(st, k, &st->out) && sst_fields_copy(st, f, &st->out);
	case SST_F_EVT_RAWARG:
		k = sst_fields_arg_index(st, f);
		return sst_args_raw(st, k, &raw) && sst_fields_i64(st, f, raw);
	case SST_F_EVT_ARGS: return sst_args_render_all(st, &st->out) && sst_fields_copy(st, f, &st->out);
	case SST_F_EVT_RES:
		if (!sst_fields_rawres(st, &res))
			return false;
		if (res >= 0)
			return vsdk_set_str(&st->vals, f, "SUCCESS");
		if (vg_scap_errno_name(res))
			return vsdk_set_str(&st->vals, f, vg_scap_errno_name(res));
		return sst_args_render(st, 0, &st->out) && sst_fields_copy(st, f, &st->out);
	case SST_F_EVT_RAWRES: return sst_fields_rawres(st, &res) && sst_fields_i64(st, f, res);
	case SST_F_EVT_FAILED:
		return vsdk_set_bool(&st->vals, f, sst_fields_rawres(st, &res) && res < 0);
	case SST_F_EVT_IS_OPEN_READ: case SST_F_EVT_IS_OPEN_WRITE: case SST_F_EVT_IS_OPEN_EXEC:
		return sst_fields_open_kind(st, f);
	case SST_F_EVT_BUFFER: {
		const vg_scap_param *p = sst_state_param(st, SST_P_DATA);
		return p && p->len && vsdk_set_buf(&st->vals, f, p->ptr, p->len);
	}
	case SST_F_FS_PATH_NAME: return sst_fields_path(st, f, sst_fields_path_param(st), false);
	case SST_F_FS_PATH_NAMERAW: return sst_fields_path(st, f, sst_fields_path_param(st), true);
	case SST_F_FS_PATH_SOURCE: return sst_fields_path(st, f, sst_fields_src_dst_param(st, true), false);
	case SST_F_FS_PATH_SOURCERAW: return sst_fields_path(st, f, sst_fields_src_dst_param(st, true), true);
	case SST_F_FS_PATH_TARGET: return sst_fields_path(st, f, sst_fields_src_dst_param(st, false), false);
	case SST_F_FS_PATH_TARGETRAW: return sst_fields_path(st, f, sst_fields_src_dst_param(st, false), true);
	default: return false;
	}
}

static void sst_fields_one(sst_state *st, ss_plugin_extract_field *f)
{
	f->res_len = 0;
	if (!st->ctx.valid || f->field_id >= SST_F_COUNT)
		return;
	uint32_t id = f->field_id;
	if (id < SST_F_PROC_NAME || (id >= SST_F_FS_PATH_NAME && id <= SST_F_FS_PATH_TARGETRAW)) {
		sst_fields_event(st, f);
	} else if (id >= SST_F_FD_NUM && id <= SST_F_FD_NAME_CHANGED) {
		sst_fields_fd(st, f);
	} else if (st->ctx.th) {
		if (id >= SST_F_USER_UID && id <= SST_F_GROUP_NAME)
			sst_fields_user(st, f, st->ctx.th->proc);
		else
			sst_fields_proc(st, f, st->ctx.th);
	}
}

ss_plugin_rc sst_fields_extract(sst_state *st, ss_plugin_extract_field *fields, uint32_t n)
{
	vsdk_values_reset(&st->vals);
	for (uint32_t i = 0; i < n; i++)
		sst_fields_one(st, &fields[i]);
	return SS_PLUGIN_SUCCESS;
}
