#!/usr/bin/env bash
# Live test: attaching vigil to a gVisor sandbox that is already running, and surviving a vigil
# crash. The sandbox is started WITHOUT tracing; `runsc trace create` with the config
# `vigil --gvisor-generate-config` prints attaches it to vigil's socket, and its /etc/shadow
# reads raise alerts. Then vigil is killed (SIGKILL) while the sandbox streams: the sandbox
# must keep running, and once vigil is back, `runsc trace create --force` replaces the dead
# session and alerts arrive again.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
gv_require gvisor
gv_start_vigil first

# A long id like the ones Kubernetes uses: alerts carry its first 12 characters, as for Docker.
ID=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
CID=${ID:0:12}
gv_run_start "$ID" "while :; do cat /etc/shadow >/dev/null; sleep 0.2; done"
SANDBOX_PID=$GV_PID

# gv_state: the sandbox's status as runsc reports it ("running", "stopped"...).
gv_state() {
	gv_runsc state "$ID" 2>/dev/null | "$E2E_PY" -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null
}

deadline=$((SECONDS + 30))
until [ "$(gv_state)" = running ]; do
	if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
		e2e_fail "sandbox $ID not running after 30s: $(tail -n 5 "$E2E_WORK/run.$ID.out")"
		exit 1
	fi
	sleep 0.2
done
e2e_log "sandbox $CID... running, untraced"

# gv_attach [--force]: `runsc trace create`, retried a few times (bounded) while the sandbox
# settles. Fails the test if it never attaches.
gv_attach() {
	local attempt
	for attempt in 1 2 3 4 5; do
		if gv_runsc trace create "$@" --config "$GV_POD_INIT" "$ID" >>"$E2E_WORK/trace.out" 2>&1; then
			return 0
		fi
		e2e_log "trace create attempt $attempt failed"
		sleep 0.5
	done
	e2e_fail "runsc trace create $* did not attach: $(tail -n 3 "$E2E_WORK/trace.out")"
	return 1
}

# Nothing arrives before the attach.
sleep 1
expect_no_alert container.id="$CID"

gv_attach || exit 1
e2e_arm_deadline
expect_alert "Credential file read by untrusted program" container.id="$CID" proc.name=cat \
	proc.cmdline="cat /etc/shadow" fd.name=/etc/shadow proc.pname=sh user.name=root \
	evt.pluginname=gvisor

# vigil dies while the sandbox streams to it.
gv_kill_vigil
e2e_log "vigil killed (SIGKILL)"
sleep 2
gv_expect_running() {
	if [ "$(gv_state)" = running ] && kill -0 "$SANDBOX_PID" 2>/dev/null; then
		E2E_PASSES=$((E2E_PASSES + 1))
	else
		e2e_fail "sandbox $ID stopped after vigil was killed (status '$(gv_state)')"
	fi
}
gv_expect_running
# Its workload goes on: the shell is still there, and the dead session counts the events it
# could not send (drops, not a blocked sandbox).
if gv_runsc ps "$ID" 2>&1 | grep -q ' sh$'; then
	E2E_PASSES=$((E2E_PASSES + 1))
else
	e2e_fail "runsc ps $ID shows no shell: $(gv_runsc ps "$ID" 2>&1 | head -n 5)"
fi
dropped=$(gv_runsc trace list "$ID" 2>&1 | sed -n 's/.*Sink: "remote", dropped: \([0-9]*\).*/\1/p')
if [ "${dropped:-0}" -gt 0 ]; then
	E2E_PASSES=$((E2E_PASSES + 1))
	e2e_log "the orphaned session dropped $dropped events in 2s"
else
	e2e_fail "runsc trace list $ID: expected drops on the dead session, got '${dropped}'"
fi

# A new vigil. The sandbox's dead session is still there: a plain `trace create` connects,
# handshakes and gives up (runsc 20221219: session "Default" already exists), which vigil
# must shrug off; --force replaces the session.
gv_start_vigil second
gv_runsc trace create --config "$GV_POD_INIT" "$ID" >>"$E2E_WORK/trace.out" 2>&1
e2e_log "trace create without --force exited with $?"
gv_attach --force || exit 1
e2e_arm_deadline
expect_alert "Credential file read by untrusted program" container.id="$CID" proc.name=cat \
	proc.cmdline="cat /etc/shadow" fd.name=/etc/shadow proc.pname=sh evt.pluginname=gvisor
gv_expect_running

gv_runsc kill "$ID" KILL >/dev/null 2>&1
gv_wait "$SANDBOX_PID" 20
gv_stop_vigil
e2e_finish
