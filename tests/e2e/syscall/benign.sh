#!/usr/bin/env bash
# Live test, benign controls: everyday commands that look a little like the threats (reading a
# file in /etc, listing, a symlink to a harmless file, rewriting a file of our own, a shell
# started by a shell, a grep) must raise no alert at all.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_require_live
e2e_start_vigil

CONTROL_PIDS=()
control() {
	e2e_run "$@"
	CONTROL_PIDS+=("$E2E_PID")
}

printf 'hello\n' >"$E2E_WORK/notes.txt"
control cat /etc/hostname
control ls -la "$E2E_WORK"
control ls /usr/bin
control "$E2E_PY" "$E2E_DIR/threats.py" read-file /etc/passwd
control "$E2E_PY" "$E2E_DIR/threats.py" truncate-own "$E2E_WORK/notes.txt"
control ln -s /etc/hostname "$E2E_WORK/hostname-link"
control grep -r hello "$E2E_WORK/notes.txt"
control find "$E2E_WORK" -name notes.txt
control sh -c "true $E2E_TAG"
control id
control uname -a

# A real threat last: once its alert is out, every earlier event has been through the rules.
e2e_run ln -s /etc/shadow "$E2E_WORK/sentinel-link"
SENTINEL_PID=$E2E_PID

e2e_arm_deadline
expect_alert "Symlink to credential file created" proc.pid="$SENTINEL_PID" evt.arg.target=/etc/shadow
for pid in "${CONTROL_PIDS[@]}"; do
	expect_no_alert proc.pid="$pid"
done
expect_no_alert output~"$E2E_WORK/notes.txt"
expect_no_alert output~/etc/hostname
e2e_finish
