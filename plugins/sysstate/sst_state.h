/* One sysstate instance (one per syscall source thread): the thread/fd tables, user names,
 * configuration, and the context of the event being processed (decoded parameters, its thread
 * and fd) that parse_event computes once and every extract_fields call reuses. */
#ifndef SST_STATE_H
#define SST_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <vigil/plugin_sdk.h>
#include <vigil/scap_events.h>

#include "sst_hosts.h"
#include "sst_threads.h"
#include "sst_users.h"

/* Parameter names the state code reads, resolved to per-event-type indices once. */
typedef enum sst_pname {
	SST_P_RES, SST_P_FD, SST_P_DIRFD, SST_P_NAME, SST_P_FLAGS, SST_P_OLDFD, SST_P_NEWFD,
	SST_P_FD1, SST_P_FD2, SST_P_TUPLE, SST_P_ADDR, SST_P_EXE, SST_P_ARGS, SST_P_TID, SST_P_PID,
	SST_P_PTID, SST_P_CWD, SST_P_COMM, SST_P_CGROUPS, SST_P_ENV, SST_P_TTY, SST_P_VPGID,
	SST_P_PGID, SST_P_LOGINUID, SST_P_CAP_INH, SST_P_CAP_PRM, SST_P_CAP_EFF, SST_P_EXE_INO,
	SST_P_EXE_INO_CTIME, SST_P_EXE_INO_MTIME, SST_P_UID, SST_P_GID, SST_P_EUID, SST_P_EGID,
	SST_P_RUID, SST_P_RGID, SST_P_TRUSTED_EXEPATH, SST_P_FILENAME, SST_P_VTID, SST_P_VPID,
	SST_P_PATH, SST_P_REAPER, SST_P_DOMAIN, SST_P_TYPE, SST_P_PROTO, SST_P_INO, SST_P_DEV,
	SST_P_CMD, SST_P_CREAT_FLAGS, SST_P_DATA, SST_P_OLDPATH, SST_P_NEWPATH, SST_P_TARGET,
	SST_P_LINKPATH, SST_P_PATHNAME, SST_P_SOURCE, SST_P_PEER, SST_P_DIR, SST_P_MODE,
	SST_P_COUNT
} sst_pname;

typedef struct sst_config {
	uint32_t thread_table_size; /* default 262144 */
	uint32_t fd_table_size;     /* per process, default 4096 */
	bool procfs;                /* seed from procfs (at init) and look up
	                             * unknown host threads there */
	char *proc_root;            /* owned; default "/proc" */
	char *host_root;            /* owned; prefix of /etc/passwd, /etc/group, /etc/hosts; "" */
	uint64_t thread_timeout_s;  /* stale purge: inactivity before a thread is checked, 1800 */
	uint64_t purge_interval_s;  /* how often (event time) the purge runs, default 60 */
} sst_config;

/* The current event's context, valid from parse_event until the next event. */
typedef struct sst_ctx {
	uint64_t evtnum;
	const ss_plugin_event *evt;  /* borrowed from the host for the call */
	bool valid;                  /* well-formed and described */
	uint16_t type;
	const vg_scap_event_info *info;
	uint32_t nparams;
	vg_scap_param params[VG_SCAP_MAX_PARAMS];
	sst_thread *th;              /* NULL when the thread is unknown */
	bool has_fd;
	int64_t fdnum;
	sst_fd *fd;                  /* NULL when the fd is not tracked */
} sst_ctx;

typedef struct sst_state {
	sst_config cfg;
	sst_threads threads;
	sst_users users;
	sst_hosts hosts;
	sst_ctx ctx;
	sst_fd scratch_fd;           /* stands for the fd of a failed open */
	sst_str tmp;                 /* scratch for path resolution */
	sst_str argbuf, out;         /* scratch for rendering field values */
	/* Removals deferred to the next event, so fields of this event still see the entries. */
	bool pending_exit;
	int64_t pending_exit_tid, pending_exit_reaper;
	bool pending_close;
	int64_t pending_close_pid, pending_close_fd;
	uint64_t last_maint_ts;
	int64_t miss[64];            /* tids recently not found in procfs */
	uint32_t miss_pos;
	uint64_t n_events, n_malformed, n_procfs_lookups;
	vsdk_values vals;
	vsdk_error err;
	vsdk_logger log;
} sst_state;

/* Creates a state from a JSON init config (NULL or "" = defaults). On failure returns NULL and
 * writes the reason to err. The returned state is freed with sst_state_free. */
sst_state *sst_state_new(const char *config, const ss_plugin_init_input *in, vsdk_error *err);
void sst_state_free(sst_state *st);

/* Index of parameter `name` in events of `type`, or -1. */
int sst_state_pidx(uint16_t type, sst_pname name);

/* The decoded parameter `name` of the current event, or NULL. */
static inline const vg_scap_param *sst_state_param(const sst_state *st, sst_pname name)
{
	int i = sst_state_pidx(st->ctx.type, name);
	return i >= 0 && (uint32_t)i < st->ctx.nparams ? &st->ctx.params[i] : NULL;
}

static inline bool sst_state_int(const sst_state *st, sst_pname name, int64_t *out)
{
	const vg_scap_param *p = sst_state_param(st, name);
	return p && vg_scap_param_int(p, out);
}

static inline bool sst_state_uint(const sst_state *st, sst_pname name, uint64_t *out)
{
	const vg_scap_param *p = sst_state_param(st, name);
	return p && vg_scap_param_uint(p, out);
}

/* Decodes evt into st->ctx (no state change); thread and fd are not resolved yet. */
void sst_state_decode(sst_state *st, uint64_t evtnum, const ss_plugin_event *evt);

/* Decodes evt into st->ctx (no state change) and resolves its thread and fd. */
void sst_state_load_ctx(sst_state *st, uint64_t evtnum, const ss_plugin_event *evt);

/* Resolves ctx.th/ctx.fd/ctx.fdnum from the tables (after parsing changed them). */
void sst_state_resolve_ctx(sst_state *st);

/* Resolves path parameter i of the current event (PT_FSPATH or PT_FSRELPATH) for process p
 * (NULL = unknown: relative paths stay as given) into st->tmp: relative paths are joined to
 * the cwd or to the directory fd named by the parameter's dirfd. Returns st->tmp.p, or NULL
 * when the parameter is empty or not a string. */
const char *sst_state_resolve_path(sst_state *st, const sst_proc *p, int i);

/* Fills f's name, nameraw, flags and type from the current open/openat/openat2/creat event. */
void sst_state_fill_open(sst_state *st, const sst_proc *p, sst_fd *f);

/* Looks up a thread the table does not know in procfs (host tids only, rate-limited by a small
 * negative cache). NULL when unavailable. */
sst_thread *sst_state_lookup_unknown(sst_state *st, int64_t tid, uint64_t ts);

/* Periodic work: stale-thread purge and user file refresh. */
void sst_state_maintain(sst_state *st, uint64_t ts);

#endif
