# shellcheck shell=bash
# shellcheck disable=SC2034  # the E2E_* results are read by the scripts that source this file
# Harness for the live syscall tests, sourced by each test script:
#   e2e_require_live            skip (exit 77) unless root, BTF, the vigil binary and plugins exist
#                               (e2e_require_built: the same without root and BTF)
#   e2e_start_vigil             run vigil with the default rules and JSON alerts, wait for "vigil ready"
#   e2e_run CMD...              run one action to completion (bounded); sets E2E_PID, E2E_RC, E2E_OUT
#   expect_alert RULE COND...   an alert of RULE matching COND (KEY=VALUE, KEY~TEXT) arrives in time
#   expect_no_alert COND...     no alert matches COND (call after expect_alert of a later action)
#   expect_alert_count N RULE COND...  exactly N alerts match now (after their expect_alert)
#   e2e_finish                  summary; exit 0 pass, 1 fail, 77 if every case was skipped
# Everything created outside the work directory is removed as soon as its action is done, and
# also registered with e2e_cleanup_path / e2e_cleanup_cmd so that an interrupted run cleans up
# on exit too.

set -u

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_NAME=$(basename "$0" .sh)
: "${VIGIL_SOURCE_DIR:=$(cd "$E2E_DIR/../../.." && pwd)}"
: "${VIGIL_BUILD_DIR:=}"
: "${VIGIL_BIN:=}"
E2E_RULES=${VIGIL_E2E_RULES:-$VIGIL_SOURCE_DIR/rulesets/vigil_rules.yaml}
E2E_READY_TIMEOUT=${VIGIL_E2E_READY_TIMEOUT:-60}   # seconds for vigil to load and attach
E2E_ALERT_TIMEOUT=${VIGIL_E2E_ALERT_TIMEOUT:-20}   # seconds for all alerts of one batch
E2E_ACTION_TIMEOUT=20                              # seconds for one action
E2E_TAG="vigil-e2e-$$-$RANDOM"                     # names every file and argument we make

E2E_PASSES=0
E2E_FAILS=0
E2E_SKIPS=0
E2E_VIGIL_PID=
E2E_WORK=
E2E_CLEANUP_PATHS=()
E2E_CLEANUP_CMDS=()
E2E_DEADLINE=0

e2e_skip() {
	echo "SKIP ($E2E_NAME): $*"
	exit 77
}

e2e_log() {
	echo "[$E2E_NAME] $*"
}

e2e_fail() {
	echo "FAIL ($E2E_NAME): $*"
	E2E_FAILS=$((E2E_FAILS + 1))
}

e2e_case_skip() {
	echo "skip case: $*"
	E2E_SKIPS=$((E2E_SKIPS + 1))
}

e2e_pick_python() {
	# The distribution's interpreter: its process name is a stable "python3", unlike shims.
	if [ -x /usr/bin/python3 ]; then
		E2E_PY=/usr/bin/python3
	else
		E2E_PY=$(command -v python3 || true)
	fi
	[ -n "$E2E_PY" ] || e2e_skip "python3 is needed to drive the test"
	E2E_PY_NAME=$(basename "$E2E_PY" | cut -c1-15)
}

# Skips unless the vigil binary, both plugins and python3 exist; makes the work directory.
e2e_require_built() {
	if [ -z "$VIGIL_BIN" ] || [ ! -x "$VIGIL_BIN" ]; then
		e2e_skip "vigil binary not built yet (VIGIL_BIN='$VIGIL_BIN')"
	fi
	[ -n "$VIGIL_BUILD_DIR" ] || e2e_skip "VIGIL_BUILD_DIR is not set (run through ctest)"
	local p
	for p in syscall sysstate; do
		[ -f "$VIGIL_BUILD_DIR/plugins/lib$p.so" ] ||
			e2e_skip "plugin lib$p.so not built yet in $VIGIL_BUILD_DIR/plugins"
	done
	[ -r "$E2E_RULES" ] || e2e_skip "rules file $E2E_RULES not found"
	e2e_pick_python
	E2E_WORK=$(mktemp -d "/tmp/$E2E_TAG.XXXXXX")
	chmod 700 "$E2E_WORK"
	E2E_ALERTS=$E2E_WORK/alerts.json
	E2E_VIGIL_LOG=$E2E_WORK/vigil.log
	trap e2e_on_exit EXIT
	trap 'exit 130' INT TERM
}

# Also skips unless this process may load the eBPF driver: root, and a kernel with BTF.
e2e_require_live() {
	[ "$(id -u)" -eq 0 ] || e2e_skip "needs root to load the eBPF driver"
	[ -r /sys/kernel/btf/vmlinux ] || e2e_skip "kernel exposes no BTF (/sys/kernel/btf/vmlinux missing)"
	e2e_require_built
}

e2e_cleanup_path() {
	E2E_CLEANUP_PATHS+=("$1")
}

e2e_cleanup_cmd() {
	E2E_CLEANUP_CMDS+=("$1")
}

e2e_stop_vigil() {
	[ -n "$E2E_VIGIL_PID" ] || return 0
	kill -TERM "$E2E_VIGIL_PID" 2>/dev/null
	local i
	for i in $(seq 1 50); do
		kill -0 "$E2E_VIGIL_PID" 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 "$E2E_VIGIL_PID" 2>/dev/null; then
		e2e_log "vigil did not stop within 10s of SIGTERM; killing it"
		kill -KILL "$E2E_VIGIL_PID" 2>/dev/null
	fi
	wait "$E2E_VIGIL_PID" 2>/dev/null
	E2E_VIGIL_PID=
}

e2e_on_exit() {
	local rc=$? i
	e2e_stop_vigil
	for ((i = ${#E2E_CLEANUP_CMDS[@]} - 1; i >= 0; i--)); do
		eval "${E2E_CLEANUP_CMDS[$i]}" >/dev/null 2>&1
	done
	for i in "${E2E_CLEANUP_PATHS[@]}"; do
		rm -rf -- "$i"
	done
	if [ -n "$E2E_WORK" ] && [ -d "$E2E_WORK" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -f "$E2E_VIGIL_LOG" ]; then
			echo "--- vigil stderr (last 40 lines) ---"
			tail -n 40 "$E2E_VIGIL_LOG"
		fi
		rm -rf -- "$E2E_WORK"
	fi
	exit "$rc"
}

# The output part of every live test's config: all rules, every match, JSON alerts on stdout
# flushed at once, vigil's own log on stderr (where "vigil ready" is awaited).
e2e_output_config() {
	cat <<EOF
priority: debug
rule_matching: all
json_output: true
json_include_output_property: true
json_include_output_fields_property: true
json_include_tags_property: true
buffered_outputs: false
stdout_output:
  enabled: true
log_level: info
log_stderr: true
EOF
}

e2e_write_config() {
	cat >"$E2E_WORK/vigil.yaml" <<EOF
# Written by $E2E_NAME: vigil's default rules, JSON alerts on stdout, plugins from the build tree.
rules_files:
  - $E2E_RULES
plugins:
  - name: syscall
    library_path: $VIGIL_BUILD_DIR/plugins/libsyscall.so
  - name: sysstate
    library_path: $VIGIL_BUILD_DIR/plugins/libsysstate.so
load_plugins: [syscall, sysstate]
engine:
  kind: modern_ebpf
  modern_ebpf:
    cpus_for_each_buffer: 2
    buf_size_preset: 4
    drop_failed_exit: false
EOF
	e2e_output_config >>"$E2E_WORK/vigil.yaml"
}

# Waits until the vigil started as $E2E_VIGIL_PID logs "vigil ready" (every source open) on
# $E2E_VIGIL_LOG; fails the test if it exits first or takes longer than E2E_READY_TIMEOUT.
e2e_wait_ready() {
	local deadline=$((SECONDS + E2E_READY_TIMEOUT))
	until grep -q "vigil ready" "$E2E_VIGIL_LOG" 2>/dev/null; do
		if ! kill -0 "$E2E_VIGIL_PID" 2>/dev/null; then
			wait "$E2E_VIGIL_PID"
			local rc=$?
			E2E_VIGIL_PID=
			echo "FAIL ($E2E_NAME): vigil exited with status $rc before it was ready"
			exit 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "FAIL ($E2E_NAME): vigil not ready after ${E2E_READY_TIMEOUT}s (no 'vigil ready' on stderr)"
			exit 1
		fi
		sleep 0.2
	done
}

e2e_start_vigil() {
	e2e_write_config
	"$VIGIL_BIN" -c "$E2E_WORK/vigil.yaml" -r "$E2E_RULES" >"$E2E_ALERTS" 2>"$E2E_VIGIL_LOG" &
	E2E_VIGIL_PID=$!
	e2e_wait_ready
	e2e_log "vigil ready (pid $E2E_VIGIL_PID)"
	e2e_wait_live
}

# "ready" may come before the kernel side is attached. Until a probe (a symlink to /etc/shadow,
# made again every half second) raises its alert, events could still be missed. Without the
# probe alert in time, go on anyway: each case then reports what it misses.
E2E_LIVE_TIMEOUT=${VIGIL_E2E_LIVE_TIMEOUT:-30}
e2e_wait_live() {
	local deadline=$((SECONDS + E2E_LIVE_TIMEOUT)) i=0
	while [ "$SECONDS" -lt "$deadline" ]; do
		if ! kill -0 "$E2E_VIGIL_PID" 2>/dev/null; then
			echo "FAIL ($E2E_NAME): vigil exited after it said it was ready"
			exit 1
		fi
		i=$((i + 1))
		ln -s /etc/shadow "$E2E_WORK/live-probe.$i" 2>/dev/null
		if "$E2E_PY" "$E2E_DIR/alerts.py" wait "$E2E_ALERTS" --timeout 0.5 \
			"Symlink to credential file created" evt.arg.linkpath~live-probe >/dev/null; then
			e2e_log "events flowing after $i probe(s)"
			return 0
		fi
	done
	e2e_log "warning: no alert for the live probe within ${E2E_LIVE_TIMEOUT}s; continuing"
}

# Runs one action in the background and waits for it, killing it after E2E_ACTION_TIMEOUT.
# A simple command started with & is exec'd in the forked child, so E2E_PID is the pid the
# action's own events carry. Its stdout is kept in E2E_OUT (helpers print child pids there).
E2E_NRUN=0
e2e_run() {
	E2E_NRUN=$((E2E_NRUN + 1))
	E2E_OUT=$E2E_WORK/action.$E2E_NRUN.out
	"$@" >"$E2E_OUT" 2>>"$E2E_WORK/actions.err" </dev/null &
	E2E_PID=$!
	local deadline=$((SECONDS + E2E_ACTION_TIMEOUT))
	while kill -0 "$E2E_PID" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			e2e_log "action '$*' still running after ${E2E_ACTION_TIMEOUT}s; killing it"
			kill -KILL "$E2E_PID" 2>/dev/null
			break
		fi
		sleep 0.05
	done
	wait "$E2E_PID"
	E2E_RC=$?
	return 0
}

# First line the last action printed (a child's pid, for helpers that fork).
e2e_out_pid() {
	head -n 1 "$E2E_OUT" | tr -dc '0-9'
}

# Python helper actions (threats.py); sets E2E_PID like e2e_run.
e2e_threat() {
	e2e_run "$E2E_PY" "$E2E_DIR/threats.py" "$@"
}

# Starts the clock for the alerts of the actions just performed: every expectation that
# follows shares this deadline, so a broken pipeline fails in E2E_ALERT_TIMEOUT, not N times it.
e2e_arm_deadline() {
	E2E_DEADLINE=$((SECONDS + E2E_ALERT_TIMEOUT))
}

expect_alert() {
	local left=$((E2E_DEADLINE - SECONDS))
	[ "$left" -ge 1 ] || left=1
	if "$E2E_PY" "$E2E_DIR/alerts.py" wait "$E2E_ALERTS" --timeout "$left" "$@"; then
		E2E_PASSES=$((E2E_PASSES + 1))
	else
		E2E_FAILS=$((E2E_FAILS + 1))
	fi
}

expect_no_alert() {
	if "$E2E_PY" "$E2E_DIR/alerts.py" absent "$E2E_ALERTS" "$@"; then
		E2E_PASSES=$((E2E_PASSES + 1))
	else
		E2E_FAILS=$((E2E_FAILS + 1))
	fi
}

expect_alert_count() {
	if "$E2E_PY" "$E2E_DIR/alerts.py" count "$E2E_ALERTS" "$@"; then
		E2E_PASSES=$((E2E_PASSES + 1))
	else
		E2E_FAILS=$((E2E_FAILS + 1))
	fi
}

# Makes this machine look like it runs one container, the way vigil recognises containers:
# a cgroup named like a runtime's scope ("docker-<64 hex>.scope"). Sets E2E_CONTAINER_ID (the
# 12-character id alerts carry) and E2E_CGROUP_PROCS (the cgroup.procs files to join).
# Returns 1 when this machine does not allow creating cgroups.
e2e_fake_container() {
	local hex mnt type opts dir
	hex=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	[ ${#hex} -eq 64 ] || return 1
	E2E_CONTAINER_ID=${hex:0:12}
	E2E_CGROUP_PROCS=()
	while read -r _ mnt type opts _; do
		case "$type" in
		cgroup2) ;;
		cgroup) case ",$opts," in *,pids,* | *,memory,* | *,cpu,* | *,name=systemd,*) ;; *) continue ;; esac ;;
		*) continue ;;
		esac
		dir=$mnt/docker-$hex.scope
		mkdir "$dir" 2>/dev/null || continue
		e2e_cleanup_cmd "rmdir '$dir'"
		E2E_CGROUP_PROCS+=("$dir/cgroup.procs")
	done </proc/self/mounts
	[ ${#E2E_CGROUP_PROCS[@]} -gt 0 ] || return 1
	export E2E_CGROUP_LIST="${E2E_CGROUP_PROCS[*]}"
}

# Prefix that runs a command inside the fake container: the process joins the cgroups, then
# execs the command (same pid), so the exec event already carries the container's cgroups.
#   e2e_run "${E2E_IN_CONTAINER[@]}" CMD...
# shellcheck disable=SC2016  # expanded by that sh, not here
E2E_IN_CONTAINER=(sh -c 'for f in $E2E_CGROUP_LIST; do echo $$ >"$f" || exit 99; done; exec "$@"' in_container)

e2e_finish() {
	echo "[$E2E_NAME] passed=$E2E_PASSES failed=$E2E_FAILS skipped_cases=$E2E_SKIPS"
	if [ "$E2E_FAILS" -gt 0 ]; then
		exit 1
	fi
	if [ "$E2E_PASSES" -eq 0 ]; then
		echo "SKIP ($E2E_NAME): no case could run on this machine"
		exit 77
	fi
	exit 0
}
