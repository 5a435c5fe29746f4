#!/usr/bin/env bash
# Live test, unauthorized workloads: a shell below a web server, a packet sniffer socket,
# netcat remote shells, a miner pointed at a pool.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_require_live
e2e_start_vigil

# A "web server" that runs a shell: bash started under the name nginx (the kernel names a
# process after the path it was executed by), whose child is sh.
mkdir "$E2E_WORK/bin"
ln -s "$(command -v bash)" "$E2E_WORK/bin/nginx"
e2e_run "$E2E_WORK/bin/nginx" -c "sh -c ': $E2E_TAG'; true"
NGINX_PID=$E2E_PID

# A raw AF_PACKET socket from a program that is no network tool.
e2e_threat packet-socket
PACKET_PID=$E2E_PID

# netcat wiring a program to a connection (connection refused: nothing listens on port 9).
NC=$(command -v nc || command -v ncat || command -v netcat || true)
if [ -n "$NC" ]; then
	e2e_run "$NC" -e /bin/true 127.0.0.1 9
	NC_PID=$E2E_PID
fi

# The ssh client connecting out on port 443. 203.0.113.1 is a documentation address (TEST-NET-3)
# that nothing answers: only the connection attempt is made, then ssh gives up after 2 s.
SSH=$(command -v ssh || true)
SSH_ROUTE=no
if [ -n "$SSH" ] && ip route get 203.0.113.1 >/dev/null 2>&1; then
	SSH_ROUTE=yes
	e2e_run "$SSH" -o BatchMode=yes -o ConnectTimeout=2 -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -F /dev/null -p 443 "$E2E_TAG@203.0.113.1" true
	SSH_PID=$E2E_PID
fi

# A program given a mining pool URL (true ignores its arguments).
e2e_run /bin/true --url "stratum+tcp://$E2E_TAG.invalid:3333"
MINER_PID=$E2E_PID

e2e_arm_deadline
expect_alert "Shell spawned by a service" proc.name=sh proc.pname=nginx proc.ppid="$NGINX_PID" \
	proc.cmdline~"$E2E_TAG" container.id=host
expect_alert "Packet socket created" proc.pid="$PACKET_PID" evt.arg.domain~AF_PACKET \
	proc.name="$E2E_PY_NAME" user.name=root
if [ -n "$NC" ]; then
	expect_alert "Netcat with command execution" proc.pid="$NC_PID" proc.cmdline~"-e /bin/true"
else
	e2e_case_skip "no nc/ncat/netcat installed: netcat remote shell"
fi
if [ "$SSH_ROUTE" = yes ]; then
	expect_alert "SSH connection to unusual port" proc.pid="$SSH_PID" fd.sip=203.0.113.1 fd.sport=443
else
	e2e_case_skip "no ssh client or no route out: SSH on an unusual port"
fi
expect_alert "Cryptocurrency miner started" proc.pid="$MINER_PID" proc.cmdline~stratum+tcp://
# The "web server" itself is no shell: only its child is reported.
expect_no_alert --rule "Shell spawned by a service" proc.pid="$NGINX_PID"
e2e_finish
