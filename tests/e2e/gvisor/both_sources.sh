#!/usr/bin/env bash
# Live test: one vigil runs the eBPF syscall source and the gVisor source at the same time. Both
# are id-0 plugins feeding the "syscall" source; the engine runs each in its own source
# instance with its own syscall state. The same rule is triggered on the host and inside a
# sandbox: both alerts arrive, both say source "syscall", and evt.pluginname (appended to every
# alert by the test's config) and container.id tell which one saw what.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
gv_require gvisor syscall
gv_start_vigil both syscall
e2e_wait_live

SANDBOX=vgb-$$
gv_run_start "$SANDBOX" "set -e; cat /etc/shadow >/dev/null" traced
SANDBOX_PID=$GV_PID
e2e_run cat /etc/shadow
HOST_PID=$E2E_PID
gv_wait "$SANDBOX_PID"
gv_expect_ok "$GV_RC" "the sandbox's workload"

e2e_arm_deadline
expect_alert "Credential file read by untrusted program" source=syscall evt.pluginname=syscall \
	container.id=host proc.pid="$HOST_PID" proc.name=cat proc.cmdline="cat /etc/shadow" \
	fd.name=/etc/shadow
expect_alert "Credential file read by untrusted program" source=syscall evt.pluginname=gvisor \
	container.id="$SANDBOX" proc.name=cat proc.cmdline="cat /etc/shadow" fd.name=/etc/shadow \
	proc.pname=sh
# Each source only reports what it saw: the host's probe never comes from gVisor, the
# sandbox's process never from eBPF (runsc's own host processes may, under their own names).
expect_no_alert evt.pluginname=gvisor container.id=host
expect_no_alert evt.pluginname=syscall container.id="$SANDBOX"
expect_no_alert evt.pluginname=gvisor proc.pid="$HOST_PID"
expect_alert_count 1 "Credential file read by untrusted program" evt.pluginname=gvisor

# Both sources ran side by side until the end, each with its own counters.
gv_stop_vigil
for src in syscall gvisor; do
	if grep -Eq "^source syscall \\($src\\): events=[1-9]" "$E2E_VIGIL_LOG"; then
		E2E_PASSES=$((E2E_PASSES + 1))
	else
		e2e_fail "vigil --stats: no events counted for the $src source: $(grep '^source' "$E2E_VIGIL_LOG")"
	fi
done
e2e_finish
