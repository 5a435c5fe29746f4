#!/usr/bin/env bash
# Live test: the real vigil with only the gVisor source and the default rules, two real runsc
# sandboxes traced from their start with the config `vigil --gvisor-generate-config` prints:
# A started with `runsc run --bundle`, B with `runsc do`.
# Sandbox A reads /etc/shadow, drops a program below /usr/bin (its own overlay: the host is
# untouched), runs a shell under a process named nginx and wires a shell's stdin to a TCP
# connection (a reverse shell, to a listener on the sandbox's loopback: --network=none).
# Sandbox B, at the same time, reads /etc/shadow with another program. Each alert must carry
# its own sandbox's container id and the acting process, although both sandboxes number their
# processes from 1.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
gv_require gvisor
gv_start_vigil main

DROPPED=/usr/bin/$E2E_TAG
e2e_cleanup_path "$DROPPED" # only if the sandbox's overlay leaked to the host (asserted below)
PORT=4444
REVERSE_SHELL="exec 0<>/dev/tcp/127.0.0.1/$PORT; echo connected"
# A server that accepts one connection, and a "victim" shell that connects to it as its stdin.
LISTENER="
import socket, subprocess, sys
srv = socket.socket()
srv.settimeout(15)
srv.bind(('127.0.0.1', $PORT))
srv.listen(1)
shell = subprocess.Popen(['/bin/bash', '-c', sys.argv[1]])
srv.accept()
sys.exit(shell.wait())
"

gv_run_start "vga-$$" "set -e
cat /etc/shadow >/dev/null
cp /bin/true $DROPPED
mkdir -p /run/vg && ln -s /bin/bash /run/vg/nginx && /run/vg/nginx -c '/bin/sh -c \"id >/dev/null\"; true'
python3 -c \"$LISTENER\" '$REVERSE_SHELL'" traced
A_PID=$GV_PID A=$GV_CID
gv_do_start "set -e; head -c 1 /etc/shadow >/dev/null; sleep 2"
B_PID=$GV_PID B=$GV_CID
e2e_log "sandboxes $A (runsc run) and $B (runsc do) started"

gv_wait "$A_PID"
gv_expect_ok "$GV_RC" "sandbox A's workload"
gv_wait "$B_PID"
gv_expect_ok "$GV_RC" "sandbox B's workload"

e2e_arm_deadline
expect_alert "Credential file read by untrusted program" container.id="$A" proc.name=cat \
	proc.cmdline="cat /etc/shadow" fd.name=/etc/shadow proc.pname=sh user.name=root user.uid=0 \
	proc.exepath="$(gv_exepath cat)" evt.arg.flags=O_RDONLY evt.pluginname=gvisor
expect_alert "Write below binary directory" container.id="$A" proc.name=cp \
	proc.cmdline="cp /bin/true $DROPPED" fd.name="$DROPPED" proc.pname=sh evt.arg.flags~O_CREAT \
	proc.exepath="$(gv_exepath cp)"
expect_alert "Shell spawned by a service" container.id="$A" proc.name=sh proc.pname=nginx \
	proc.cmdline='sh -c id >/dev/null' proc.exepath="$(gv_exepath sh)" \
	proc.pcmdline~"nginx -c /bin/sh -c" proc.aname[2]=sh
expect_alert "Standard stream redirected to network connection" container.id="$A" proc.name=bash \
	proc.cmdline="bash -c $REVERSE_SHELL" proc.pname=python3 evt.rawres=0 fd.type=ipv4 \
	fd.l4proto=tcp fd.sip=127.0.0.1 fd.sport="$PORT"
expect_alert "Credential file read by untrusted program" container.id="$B" proc.name=head \
	proc.cmdline="head -c 1 /etc/shadow" fd.name=/etc/shadow proc.pname=sh

# Exactly these rules and no others; no process of one sandbox shows up under the other's id.
gv_expect_rules "$A" "Credential file read by untrusted program" "Write below binary directory" \
	"Shell spawned by a service" "Standard stream redirected to network connection"
gv_expect_rules "$B" "Credential file read by untrusted program"
expect_no_alert container.id="$B" proc.name=cat
expect_no_alert container.id="$A" proc.name=head
expect_no_alert container.id=host

if [ -e "$DROPPED" ]; then
	e2e_fail "the sandbox's write reached the host: $DROPPED exists"
else
	E2E_PASSES=$((E2E_PASSES + 1))
fi

# At exit vigil reports what its gVisor source saw (drops are only logged: a loaded machine
# may drop a few points, and any alert lost to them has failed above).
gv_stop_vigil
if grep -Eq '^source syscall \(gvisor\): events=[1-9][0-9]* drops=[0-9]+ ' "$E2E_VIGIL_LOG"; then
	E2E_PASSES=$((E2E_PASSES + 1))
	e2e_log "$(grep '^source syscall (gvisor)' "$E2E_VIGIL_LOG")"
else
	e2e_fail "vigil --stats: no 'source syscall (gvisor): events=N drops=N' line: $(grep '^source' "$E2E_VIGIL_LOG")"
fi
e2e_finish
