# shellcheck shell=bash
# shellcheck disable=SC2034  # the E2E_*/GV_* results are read by the scripts that source this file
# Harness for the live gVisor tests: the real vigil binary with the gvisor source, real runsc
# sandboxes. Builds on the syscall tests' harness (../syscall/lib.sh: work directory, cleanup
# on exit, alert queries with alerts.py, e2e_finish) and adds:
#   gv_require gvisor [syscall] skip (77) unless root, runsc that can start a sandbox here, the
#                               vigil binary and the plugins (+ eBPF prerequisites with "syscall")
#   gv_start_vigil NAME [syscall]  vigil with the gvisor source (+ the eBPF one), default rules,
#                               JSON alerts in $E2E_WORK/alerts.NAME.json (E2E_ALERTS); waits for
#                               "vigil ready"
#   gv_stop_vigil               SIGTERM; vigil must exit 0 with no sanitizer report; its --stats
#                               are then at the end of $E2E_VIGIL_LOG
#   gv_kill_vigil               SIGKILL vigil, as a crash would
#   gv_do_start SCRIPT          `runsc do` in the background, traced from the start; sets GV_PID
#                               and GV_CID (the sandbox's container id)
#   gv_run_start ID SCRIPT [traced]  `runsc run` of a bundle (host root, overlay) in the background
#   gv_wait PID [SECONDS]       wait for a background command, bounded; sets GV_RC
#   gv_runsc ARGS...            runsc on this test's own state root ($GV_ROOT), bounded
# Every sandbox is killed and deleted on exit, whatever the outcome.

# shellcheck source=../syscall/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../syscall/lib.sh"

GV_RUNSC=${VIGIL_RUNSC:-/usr/bin/runsc}
GV_ENV=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
GV_SANDBOX_TIMEOUT=${VIGIL_E2E_SANDBOX_TIMEOUT:-30}   # seconds for one sandbox's workload
GV_PID=
GV_CID=
GV_RC=

gv_require() {
	local with_syscall=${2:-}
	[ "$(id -u)" -eq 0 ] || e2e_skip "needs root to run runsc sandboxes"
	[ -x "$GV_RUNSC" ] || e2e_skip "runsc not installed ($GV_RUNSC; Debian package runsc)"
	if [ "$with_syscall" = syscall ]; then
		e2e_require_live
	else
		e2e_require_built
	fi
	[ -f "$VIGIL_BUILD_DIR/plugins/libgvisor.so" ] ||
		e2e_skip "plugin libgvisor.so not built yet in $VIGIL_BUILD_DIR/plugins"
	GV_SOCK=$E2E_WORK/gv.sock
	GV_ROOT=$E2E_WORK/state
	# runsc do keeps its throw-away bundle and root in TMPDIR. The sandbox drops privileges
	# and must be able to reach them: a directory of its own that others may traverse.
	GV_TMP=$(mktemp -d "/tmp/$E2E_TAG-runsc.XXXXXX")
	e2e_cleanup_path "$GV_TMP"
	chmod 711 "$GV_TMP"
	mkdir -p "$GV_ROOT"
	GV_ENV+=("TMPDIR=$GV_TMP")
	e2e_cleanup_cmd gv_cleanup_sandboxes
	"$VIGIL_BIN" --plugin-dir "$VIGIL_BUILD_DIR/plugins" --gvisor-generate-config="$GV_SOCK" \
		>"$E2E_WORK/pod-init.json" 2>"$E2E_WORK/genconfig.err" ||
		{
			e2e_fail "vigil --gvisor-generate-config failed: $(cat "$E2E_WORK/genconfig.err")"
			exit 1
		}
	GV_POD_INIT=$E2E_WORK/pod-init.json
	gv_probe_runsc
}

# Without a listener, a sandbox that cannot start here (no ptrace, nested restrictions) is not a
# vigil failure: find out with an untraced sandbox first.
gv_probe_runsc() {
	"${GV_ENV[@]}" "$GV_RUNSC" --network=none "do" /bin/true >"$E2E_WORK/probe.log" 2>&1 </dev/null &
	gv_wait $! 20
	if [ "$GV_RC" -ne 0 ]; then
		echo "runsc do /bin/true exited with $GV_RC:"
		tail -n 5 "$E2E_WORK/probe.log"
		e2e_skip "runsc cannot start a sandbox on this machine"
	fi
}

gv_write_config() {
	local file=$1 with_syscall=$2
	local syscall_plugin="" load="gvisor, sysstate" engine=""
	if [ "$with_syscall" = syscall ]; then
		syscall_plugin="  - name: syscall
    library_path: $VIGIL_BUILD_DIR/plugins/libsyscall.so"
		load="syscall, gvisor, sysstate"
		engine="engine:
  kind: modern_ebpf
  modern_ebpf:
    cpus_for_each_buffer: 2
    buf_size_preset: 4
    drop_failed_exit: false"
	fi
	cat >"$file" <<EOF
# Written by $E2E_NAME: vigil's default rules on gVisor sandboxes, JSON alerts on stdout.
# evt.pluginname is appended to every alert so the test can tell which source saw it.
rules_files:
  - $E2E_RULES
plugins:
$syscall_plugin
  - name: gvisor
    library_path: $VIGIL_BUILD_DIR/plugins/libgvisor.so
    init_config:
      socket: $GV_SOCK
  - name: sysstate
    library_path: $VIGIL_BUILD_DIR/plugins/libsysstate.so
load_plugins: [$load]
$engine
append_output:
  - extra_fields: [evt.pluginname]
EOF
	e2e_output_config >>"$file"
}

gv_start_vigil() {
	local name=$1 with_syscall=${2:-}
	[ -z "$E2E_VIGIL_PID" ] || e2e_stop_vigil
	gv_write_config "$E2E_WORK/vigil.$name.yaml" "$with_syscall"
	E2E_ALERTS=$E2E_WORK/alerts.$name.json
	E2E_VIGIL_LOG=$E2E_WORK/vigil.$name.log
	"$VIGIL_BIN" -c "$E2E_WORK/vigil.$name.yaml" --stats >"$E2E_ALERTS" 2>"$E2E_VIGIL_LOG" &
	E2E_VIGIL_PID=$!
	e2e_wait_ready
	[ -S "$GV_SOCK" ] || {
		echo "FAIL ($E2E_NAME): vigil is ready but $GV_SOCK is not a socket"
		exit 1
	}
	e2e_log "vigil ready (pid $E2E_VIGIL_PID, $name)"
}

# gv_expect_ok RC WHAT: a workload exited with 0.
gv_expect_ok() {
	if [ "$1" -eq 0 ]; then
		E2E_PASSES=$((E2E_PASSES + 1))
	else
		e2e_fail "$2 exited with $1"
	fi
}

# gv_stop_vigil: SIGTERM, as a service manager stops it; vigil must exit 0 (its --stats are
# then at the end of $E2E_VIGIL_LOG) without a sanitizer report (ASan/UBSan builds).
gv_stop_vigil() {
	local pid=$E2E_VIGIL_PID rc
	kill -TERM "$pid" 2>/dev/null
	gv_wait "$pid" 20
	rc=$GV_RC
	E2E_VIGIL_PID=
	gv_expect_ok "$rc" "vigil (SIGTERM)"
	if grep -Eq 'Sanitizer|runtime error:' "$E2E_VIGIL_LOG"; then
		e2e_fail "sanitizer report in vigil's log: $(grep -E -m 3 'Sanitizer|runtime error:' "$E2E_VIGIL_LOG")"
	else
		E2E_PASSES=$((E2E_PASSES + 1))
	fi
}

gv_kill_vigil() {
	kill -KILL "$E2E_VIGIL_PID" 2>/dev/null
	wait "$E2E_VIGIL_PID" 2>/dev/null
	E2E_VIGIL_PID=
}

gv_wait() {
	local pid=$1 limit=${2:-$GV_SANDBOX_TIMEOUT}
	local deadline=$((SECONDS + limit))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			e2e_log "pid $pid still running after ${limit}s; killing it"
			kill -KILL "$pid" 2>/dev/null
			break
		fi
		sleep 0.05
	done
	wait "$pid"
	GV_RC=$?
}

# `runsc do` in the background, traced from the start. It names its container runsc-<random>
# and keeps it in a throw-away root below TMPDIR: the id is read from there while the workload
# runs (so it must run for a second or two). The sandbox is --attached to the runsc process
# (env execs runsc, so that is $!): killing it takes the sandbox down too. Only one `do` at a
# time. (Sandbox output is kept for debugging only: written straight to a file it may
# overwrite itself, see the reference's pitfalls.)
GV_NDO=0
gv_do_start() {
	GV_NDO=$((GV_NDO + 1))
	"${GV_ENV[@]}" "$GV_RUNSC" --network=none --pod-init-config="$GV_POD_INIT" \
		"do" /bin/sh -c "$1" </dev/null >"$E2E_WORK/do.$GV_NDO.out" 2>&1 &
	GV_PID=$!
	e2e_cleanup_cmd "kill -KILL $GV_PID"
	GV_CID=
	local deadline=$((SECONDS + 15)) root
	while [ -z "$GV_CID" ] && [ "$SECONDS" -lt "$deadline" ] && kill -0 "$GV_PID" 2>/dev/null; do
		for root in "$GV_TMP"/runsc-do*; do
			[ -d "$root" ] && GV_CID=$("$GV_RUNSC" --root "$root" list -quiet 2>/dev/null | head -n 1)
		done
		[ -n "$GV_CID" ] || sleep 0.1
	done
	[ -n "$GV_CID" ] || e2e_fail "could not learn the container id of runsc do (pid $GV_PID)"
}

# A bundle running /bin/sh -c SCRIPT on the host's root file system, writable: always start it
# with --overlay (gv_run_start does), so that the sandbox writes into its own memory and the
# host's files stay untouched.
gv_bundle() {
	local dir=$1 script=$2
	mkdir -p "$dir"
	(cd "$dir" && "$GV_RUNSC" spec -- /bin/sh -c "$script") || {
		e2e_fail "runsc spec failed"
		exit 1
	}
	sed -i -e 's|"path": "rootfs"|"path": "/"|' -e 's|"readonly": true|"readonly": false|' \
		-e 's|"terminal": true|"terminal": false|' "$dir/config.json"
}

# gv_run_start ID SCRIPT [traced]: `runsc run` of a new bundle in the background on this test's
# state root, traced from the start with "traced"; sets GV_PID (runsc, exits with the
# workload) and GV_CID (= ID).
gv_run_start() {
	local id=$1 script=$2 traced=${3:-} pod=()
	[ "$traced" = traced ] && pod=(--pod-init-config="$GV_POD_INIT")
	gv_bundle "$GV_TMP/bundle-$id" "$script"
	"${GV_ENV[@]}" "$GV_RUNSC" --root "$GV_ROOT" --overlay --network=none "${pod[@]}" \
		run --bundle "$GV_TMP/bundle-$id" "$id" </dev/null >"$E2E_WORK/run.$id.out" 2>&1 &
	GV_PID=$!
	GV_CID=$id
	e2e_cleanup_cmd "kill -KILL $GV_PID"
}

gv_runsc() {
	timeout 20 "$GV_RUNSC" --root "$GV_ROOT" "$@"
}

# Every sandbox of this test's state root (runsc run). `runsc do` sandboxes die with their runsc
# process (killed by the commands registered in gv_do_start); their root is in GV_TMP.
gv_cleanup_sandboxes() {
	local id
	for id in $("$GV_RUNSC" --root "$GV_ROOT" list -quiet 2>/dev/null); do
		timeout 20 "$GV_RUNSC" --root "$GV_ROOT" kill "$id" KILL
		timeout 20 "$GV_RUNSC" --root "$GV_ROOT" delete -force "$id"
	done
}

# gv_expect_rules CID RULE...: the alerts for container CID are exactly these rules (each at
# least once, nothing else). Catches both misses and alerts the rules should not raise.
gv_expect_rules() {
	local cid=$1
	shift
	if "$E2E_PY" - "$E2E_ALERTS" "$cid" "$@" <<'PY'; then
import json, sys
path, cid, want = sys.argv[1], sys.argv[2], set(sys.argv[3:])
seen = set()
for line in open(path, "rb").read().split(b"\n")[:-1]:
    try:
        a = json.loads(line)
    except ValueError:
        continue
    if (a.get("output_fields") or {}).get("container.id") == cid:
        seen.add(a.get("rule"))
if seen == want:
    print("ok: container %s raised exactly %d rule(s)" % (cid, len(want)))
    sys.exit(0)
print("FAIL: container %s: missing %s, unexpected %s" % (cid, sorted(want - seen), sorted(seen - want)))
sys.exit(1)
PY
		E2E_PASSES=$((E2E_PASSES + 1))
	else
		E2E_FAILS=$((E2E_FAILS + 1))
	fi
}

# The canonical path a program name resolves to on the host (the sandboxes here run the host's
# root file system, and gVisor reports resolved executable paths).
gv_exepath() {
	readlink -f "$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v "$1")"
}
