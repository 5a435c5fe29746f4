#include "sst_state.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/scap_flags.h>

#include "sst_procfs.h"
#include "sst_render.h"

/* ---- parameter name index (immutable after the first init, shared by every state) ---- */

static const char *const sst_state_pnames[SST_P_COUNT] = {
	[SST_P_RES] = "res", [SST_P_FD] = "fd", [SST_P_DIRFD] = "dirfd", [SST_P_NAME] = "name",
	[SST_P_FLAGS] = "flags", [SST_P_OLDFD] = "oldfd", [SST_P_NEWFD] = "newfd",
	[SST_P_FD1] = "fd1", [SST_P_FD2] = "fd2", [SST_P_TUPLE] = "tuple", [SST_P_ADDR] = "addr",
	[SST_P_EXE] = "exe", [SST_P_ARGS] = "args", [SST_P_TID] = "tid", [SST_P_PID] = "pid",
	[SST_P_PTID] = "ptid", [SST_P_CWD] = "cwd", [SST_P_COMM] = "comm",
	[SST_P_CGROUPS] = "cgroups", [SST_P_ENV] = "env", [SST_P_TTY] = "tty",
	[SST_P_VPGID] = "vpgid", [SST_P_PGID] = "pgid", [SST_P_LOGINUID] = "loginuid",
	[SST_P_CAP_INH] = "cap_inheritable", [SST_P_CAP_PRM] = "cap_permitted",
	[SST_P_CAP_EFF] = "cap_effective", [SST_P_EXE_INO] = "exe_ino",
	[SST_P_EXE_INO_CTIME] = "exe_ino_ctime", [SST_P_EXE_INO_MTIME] = "exe_ino_mtime",
	[SST_P_UID] = "uid", [SST_P_GID] = "gid", [SST_P_EUID] = "euid", [SST_P_EGID] = "egid",
	[SST_P_RUID] = "ruid", [SST_P_RGID] = "rgid", [SST_P_TRUSTED_EXEPATH] = "trusted_exepath",
	[SST_P_FILENAME] = "filename", [SST_P_VTID] = "vtid", [SST_P_VPID] = "vpid",
	[SST_P_PATH] = "path", [SST_P_REAPER] = "reaper_tid", [SST_P_DOMAIN] = "domain",
	[SST_P_TYPE] = "type", [SST_P_PROTO] = "proto", [SST_P_INO] = "ino", [SST_P_DEV] = "dev",
	[SST_P_CMD] = "cmd", [SST_P_CREAT_FLAGS] = "creat_flags", [SST_P_DATA] = "data",
	[SST_P_OLDPATH] = "oldpath", [SST_P_NEWPATH] = "newpath", [SST_P_TARGET] = "target",
	[SST_P_LINKPATH] = "linkpath", [SST_P_PATHNAME] = "pathname", [SST_P_SOURCE] = "source",
	[SST_P_PEER] = "peer", [SST_P_DIR] = "dir", [SST_P_MODE] = "mode",
};

static int8_t sst_state_pidx_table[PPM_EVENT_MAX][SST_P_COUNT];
static pthread_once_t sst_state_pidx_once = PTHREAD_ONCE_INIT;

static void sst_state_build_pidx(void)
{
	for (uint32_t t = 0; t < PPM_EVENT_MAX; t++) {
		const vg_scap_event_info *info = vg_scap_event_info_get((uint16_t)t);
		for (int n = 0; n < SST_P_COUNT; n++)
			sst_state_pidx_table[t][n] =
				info ? (int8_t)vg_scap_event_param_index(info, sst_state_pnames[n]) : -1;
	}
}

int sst_state_pidx(uint16_t type, sst_pname name)
{
	return type < PPM_EVENT_MAX ? sst_state_pidx_table[type][name] : -1;
}

/* ---- configuration ---- */

/* Reads an optional integer key into *dst, checking min..max. False (err set) when present but
 * not such an integer. */
static bool sst_state_cfg_uint(vsdk_json *j, const char *key, uint64_t min, uint64_t max, uint64_t *dst,
			       vsdk_error *err)
{
	uint64_t u;
	vsdk_json_rc rc = vsdk_json_get_u64(j, key, &u, err);
	if (rc == VSDK_JSON_ABSENT)
		return true;
	if (rc != VSDK_JSON_OK || u < min || u > max) {
		vsdk_error_set(err, "init config: '%s' must be an integer in %llu..%llu", key,
			       (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*dst = u;
	return true;
}

/* Reads an optional string key into a malloc'ed copy (*dst keeps def when absent). */
static bool sst_state_cfg_str(vsdk_json *j, const char *key, const char *def, char **dst, vsdk_error *err)
{
	const char *s = def;
	vsdk_json_rc rc = vsdk_json_get_str(j, key, &s, err);
	if (rc == VSDK_JSON_BAD_TYPE)
		return false;
	if (!(*dst = strdup(s))) {
		vsdk_error_set(err, "init config: out of memory");
		return false;
	}
	return true;
}

static bool sst_state_read_config(sst_config *cfg, const char *text, vsdk_error *err)
{
	enum { MAX_TABLE = 1u << 26 };
	uint64_t threads = 262144, fds = 4096, timeout = 1800, interval = 60;
	bool procfs = true;
	vsdk_json *j = vsdk_json_new();
	if (!j) {
		vsdk_error_set(err, "init config: out of memory");
		return false;
	}
	bool ok = vsdk_json_load(j, text ? text : "", text ? strlen(text) : 0, err) &&
		  sst_state_cfg_uint(j, "thread_table_size", 1, MAX_TABLE, &threads, err) &&
		  sst_state_cfg_uint(j, "fd_table_size", 1, MAX_TABLE, &fds, err) &&
		  sst_state_cfg_uint(j, "thread_timeout_s", 0, UINT32_MAX, &timeout, err) &&
		  sst_state_cfg_uint(j, "purge_interval_s", 1, UINT32_MAX, &interval, err) &&
		  vsdk_json_get_bool(j, "procfs", &procfs, err) != VSDK_JSON_BAD_TYPE &&
		  sst_state_cfg_str(j, "proc_root", "/proc", &cfg->proc_root, err) &&
		  sst_state_cfg_str(j, "host_root", "", &cfg->host_root, err);
	vsdk_json_free(j);
	cfg->thread_table_size = (uint32_t)threads;
	cfg->fd_table_size = (uint32_t)fds;
	cfg->thread_timeout_s = timeout;
	cfg->purge_interval_s = interval;
	cfg->procfs = procfs;
	return ok;
}

/* Seeds the tables from procfs at init, before any source opens: seeding at the first event
 * lost every process that existed before vigil but exited before that event was parsed, with
 * the parent links of its children (a shell that runs one command is gone by the time its
 * events arrive). A vigil watching only gVisor sandboxes can set procfs false: sandboxed tids
 * never match host entries. */
static void sst_state_seed(sst_state *st)
{
	if (!st->cfg.procfs)
		return;
	uint32_t n = sst_procfs_scan(&st->threads, st->cfg.proc_root);
	vsdk_log(&st->log, SS_PLUGIN_LOG_SEV_INFO, "seeded %u threads, %u processes from %s", n,
		 st->threads.procs.count, st->cfg.proc_root);
}

sst_state *sst_state_new(const char *config, const ss_plugin_init_input *in, vsdk_error *err)
{
	pthread_once(&sst_state_pidx_once, sst_state_build_pidx);
	sst_state *st = calloc(1, sizeof *st);
	if (!st) {
		vsdk_error_set(err, "out of memory");
		return NULL;
	}
	if (!sst_state_read_config(&st->cfg, config, err)) {
		free(st->cfg.proc_root);
		free(st->cfg.host_root);
		free(st);
		return NULL;
	}
	if (in)
		vsdk_logger_init(&st->log, in);
	vsdk_values_init(&st->vals);
	sst_threads_init(&st->threads, st->cfg.thread_table_size, st->cfg.fd_table_size);
	sst_users_init(&st->users, st->cfg.host_root);
	sst_hosts_init(&st->hosts, st->cfg.host_root);
	for (size_t i = 0; i < sizeof st->miss / sizeof st->miss[0]; i++)
		st->miss[i] = -1;
	sst_state_seed(st);
	return st;
}

void sst_state_free(sst_state *st)
{
	if (!st)
		return;
	sst_threads_free(&st->threads);
	sst_users_free(&st->users);
	sst_hosts_free(&st->hosts);
	sst_str_free(&st->scratch_fd.name);
	sst_str_free(&st->scratch_fd.nameraw);
	sst_str_free(&st->tmp);
	sst_str_free(&st->argbuf);
	sst_str_free(&st->out);
	vsdk_values_free(&st->vals);
	free(st->cfg.proc_root);
	free(st->cfg.host_root);
	free(st);
}

/* ---- paths ---- */

const char *sst_state_resolve_path(sst_state *st, const sst_proc *p, int i)
{
	if (i < 0 || (uint32_t)i >= st->ctx.nparams)
		return NULL;
	const vg_scap_param *prm = &st->ctx.params[i];
	const char *raw = vg_scap_param_str(prm);
	if (!raw || !raw[0])
		return NULL;
	uint32_t rlen = (uint32_t)strlen(raw);
	const vg_scap_param_info *pi = &st->ctx.info->params[i];
	const char *base = p ? p->cwd.p : NULL;
	uint32_t blen = p ? p->cwd.len : 0;
	if (pi->type == PT_FSRELPATH && pi->dirfd_param < st->ctx.nparams) {
		int64_t dirfd;
		if (vg_scap_param_int(&st->ctx.params[pi->dirfd_param], &dirfd) && dirfd != PPM_AT_FDCWD) {
			const sst_fd *d = p ? sst_fdtab_get(&p->fds, dirfd) : NULL;
			base = d ? d->name.p : NULL;
			blen = d ? d->name.len : 0;
		}
	}
	if (raw[0] != '/' && (!base || base[0] != '/')) {
		/* No usable base: keep the path as the program gave it. */
		return sst_str_set(&st->tmp, raw, rlen) ? st->tmp.p : NULL;
	}
	return sst_render_path(&st->tmp, base, blen, raw, rlen) ? st->tmp.p : NULL;
}

static uint32_t sst_state_open_flags(const sst_state *st)
{
	uint64_t f;
	if (st->ctx.type == PPME_SYSCALL_CREAT_X) {
		/* creat() is open(O_CREAT|O_WRONLY|O_TRUNC); newer drivers say so explicitly. */
		return sst_state_uint(st, SST_P_CREAT_FLAGS, &f) && f
			       ? (uint32_t)f
			       : PPM_O_CREAT | PPM_O_WRONLY | PPM_O_TRUNC;
	}
	return sst_state_uint(st, SST_P_FLAGS, &f) ? (uint32_t)f : 0;
}

void sst_state_fill_open(sst_state *st, const sst_proc *p, sst_fd *f)
{
	int i = sst_state_pidx(st->ctx.type, SST_P_NAME);
	f->flags = sst_state_open_flags(st);
	f->type = (f->flags & PPM_O_DIRECTORY) ? SST_FD_DIRECTORY : SST_FD_FILE;
	uint64_t v;
	if (sst_state_uint(st, SST_P_DEV, &v))
		f->dev = (uint32_t)v;
	if (sst_state_uint(st, SST_P_INO, &v))
		f->ino = v;
	const char *raw = i >= 0 && (uint32_t)i < st->ctx.nparams ? vg_scap_param_str(&st->ctx.params[i]) : NULL;
	if (!raw)
		return;
	sst_str_set(&f->nameraw, raw, (uint32_t)strlen(raw));
	const char *full = sst_state_resolve_path(st, p, i);
	if (full)
		sst_str_set(&f->name, full, st->tmp.len);
}

/* ---- event context ---- */

static bool sst_state_is_failed_open(const sst_state *st)
{
	return (st->ctx.info->flags & EF_CREATES_FD) && st->ctx.fdnum < 0;
}

void sst_state_resolve_ctx(sst_state *st)
{
	sst_ctx *c = &st->ctx;
	c->th = NULL;
	c->fd = NULL;
	c->has_fd = false;
	if (!c->valid)
		return;
	c->th = sst_threads_get(&st->threads, (int64_t)c->evt->tid);
	int64_t v;
	if (sst_state_int(st, SST_P_OLDFD, &v) || sst_state_int(st, SST_P_FD, &v) ||
	    sst_state_int(st, SST_P_FD1, &v)) {
		c->has_fd = true;
		c->fdnum = v;
	}
	if (!c->has_fd)
		return;
	if (sst_state_is_failed_open(st)) {
		c->fdnum = -1;
		/* Rules still want the path a failed open tried (open_file_failed). */
		if (sst_state_pidx(c->type, SST_P_NAME) >= 0 && c->type != PPME_SYSCALL_MEMFD_CREATE_X) {
			sst_fdtab_clear_entry(&st->scratch_fd);
			st->scratch_fd.num = -1;
			sst_state_fill_open(st, c->th ? c->th->proc : NULL, &st->scratch_fd);
			c->fd = &st->scratch_fd;
		}
		return;
	}
	if (c->th)
		c->fd = sst_fdtab_get(&c->th->proc->fds, c->fdnum);
}

void sst_state_decode(sst_state *st, uint64_t evtnum, const ss_plugin_event *evt)
{
	sst_ctx *c = &st->ctx;
	c->evtnum = evtnum;
	c->evt = evt;
	c->valid = false;
	c->nparams = 0;
	c->type = evt ? evt->type : 0;
	c->info = evt ? vg_scap_event_info_get(c->type) : NULL;
	if (c->info && vg_scap_event_valid(evt, evt->len)) {
		int n = vg_scap_event_params(evt, c->params, VG_SCAP_MAX_PARAMS);
		if (n >= 0) {
			/* Parameters beyond the table's (a newer layout) have no name: ignore them. */
			c->nparams = (uint32_t)n < c->info->nparams ? (uint32_t)n : c->info->nparams;
			c->valid = true;
		}
	}
	if (!c->valid && evt)
		st->n_malformed++;
	c->th = NULL;
	c->fd = NULL;
	c->has_fd = false;
}

void sst_state_load_ctx(sst_state *st, uint64_t evtnum, const ss_plugin_event *evt)
{
	sst_state_decode(st, evtnum, evt);
	sst_state_resolve_ctx(st);
}

/* ---- unknown threads and maintenance ---- */

static bool sst_state_is_host_tid(int64_t tid)
{
	return tid > 0 && tid <= INT32_MAX;
}


sst_thread *sst_state_lookup_unknown(sst_state *st, int64_t tid, uint64_t ts)
{
	if (!st->cfg.procfs || !sst_state_is_host_tid(tid))
		return NULL;
	for (size_t i = 0; i < sizeof st->miss / sizeof st->miss[0]; i++)
		if (st->miss[i] == tid)
			return NULL;
	st->n_procfs_lookups++;
	sst_thread *th = sst_procfs_load_thread(&st->threads, st->cfg.proc_root, tid, ts);
	if (!th) {
		st->miss[st->miss_pos] = tid;
		st->miss_pos = (st->miss_pos + 1) % (uint32_t)(sizeof st->miss / sizeof st->miss[0]);
	}
	return th;
}

static bool sst_state_alive(void *ud, int64_t tid)
{
	const sst_state *st = ud;
	/* Only host threads can be checked; sandboxed (gVisor) tids just time out. */
	return st->cfg.procfs && sst_state_is_host_tid(tid) && sst_procfs_alive(st->cfg.proc_root, tid);
}

void sst_state_maintain(sst_state *st, uint64_t ts)
{
	uint64_t interval = st->cfg.purge_interval_s * 1000000000ull;
	if (st->last_maint_ts == 0) {
		st->last_maint_ts = ts;
		return;
	}
	if (ts < st->last_maint_ts + interval)
		return;
	st->last_maint_ts = ts;
	uint64_t timeout = st->cfg.thread_timeout_s * 1000000000ull;
	if (ts > timeout)
		sst_threads_purge(&st->threads, ts - timeout, ts, 1024, sst_state_alive, st);
	sst_users_refresh(&st->users);
}
