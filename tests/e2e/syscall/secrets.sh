#!/usr/bin/env bash
# Live test, secrets access: credential files read, keys searched for, links to /etc/shadow.
# Each behaviour is performed for real; each must raise its rule's alert with the actor's pid.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_require_live
e2e_start_vigil

EMPTY=$E2E_WORK/empty
mkdir "$EMPTY" "$E2E_WORK/bin"

# A "web server" (bash started under the name nginx) reading /etc/shadow itself once it has run
# for more than 5 s. Started first so its wait overlaps the other actions.
ln -s "$(command -v bash)" "$E2E_WORK/bin/nginx"
"$E2E_WORK/bin/nginx" -c 'sleep 6; read -r _ </etc/shadow' </dev/null &
SERVER_PID=$!

# An unexpected program reads the shadow password file.
e2e_run cat /etc/shadow
SHADOW_PID=$E2E_PID

# An SSH private key of a user, read by a program that is not an SSH tool.
SSH_KEY=
if [ -d /home ]; then
	SSH_HOME=/home/$E2E_TAG
	mkdir -p "$SSH_HOME/.ssh" && e2e_cleanup_path "$SSH_HOME"
	SSH_KEY=$SSH_HOME/.ssh/id_ed25519
	printf 'not a real key\n' >"$SSH_KEY"
	e2e_run cat "$SSH_KEY"
	SSH_PID=$E2E_PID
	rm -rf "$SSH_HOME"
fi

# /etc/hostname reached through "../../" from a non-shell parent (traversal payload shape).
e2e_threat spawn cat "$E2E_WORK/../../etc/hostname"
TRAVERSAL_PID=$(e2e_out_pid)

# A symlink and a hard link to /etc/shadow. The hard link goes to another file system when
# there is one, so the kernel refuses it (EXDEV) and no second name of the file ever exists;
# the attempt is what the rule reports.
e2e_run ln -s /etc/shadow "$E2E_WORK/shadow-symlink"
SYMLINK_PID=$E2E_PID
HARDLINK_DIR=$E2E_WORK
if [ "$(stat -c %d /etc)" != "$(stat -c %d /dev/shm)" ]; then
	HARDLINK_DIR=/dev/shm
fi
e2e_cleanup_path "$HARDLINK_DIR/$E2E_TAG-shadow-hardlink"
e2e_run ln /etc/shadow "$HARDLINK_DIR/$E2E_TAG-shadow-hardlink"
HARDLINK_PID=$E2E_PID
rm -f "$HARDLINK_DIR/$E2E_TAG-shadow-hardlink"

# Hunting for keys and cloud credentials (in an empty directory: nothing is found).
e2e_run grep -r "BEGIN OPENSSH PRIVATE KEY" "$EMPTY"
GREP_KEY_PID=$E2E_PID
e2e_run find "$EMPTY" -name id_rsa
FIND_KEY_PID=$E2E_PID
e2e_run grep -ri aws_secret_access_key "$EMPTY"
GREP_AWS_PID=$E2E_PID
e2e_run find "$EMPTY" -path "*/.aws/credentials"
FIND_AWS_PID=$E2E_PID

wait "$SERVER_PID"

e2e_arm_deadline
expect_alert "Credential file read by untrusted program" proc.pid="$SHADOW_PID" \
	fd.name=/etc/shadow proc.name=cat user.name=root container.id=host proc.cmdline="cat /etc/shadow"
if [ -n "$SSH_KEY" ]; then
	expect_alert "Credential file read by untrusted program" proc.pid="$SSH_PID" fd.name="$SSH_KEY" proc.name=cat
else
	e2e_case_skip "no /home: SSH key read"
fi
if [ -n "$TRAVERSAL_PID" ]; then
	expect_alert "Monitored file read through path traversal" proc.pid="$TRAVERSAL_PID" \
		fd.name=/etc/hostname fd.nameraw~"../../etc/hostname" proc.name=cat proc.pname="$E2E_PY_NAME"
else
	e2e_fail "traversal action printed no pid"
fi
expect_alert "Symlink to credential file created" proc.pid="$SYMLINK_PID" evt.arg.target=/etc/shadow \
	evt.arg.linkpath~shadow-symlink proc.name=ln
expect_alert "Hardlink to credential file created" proc.pid="$HARDLINK_PID" evt.arg.oldpath=/etc/shadow proc.name=ln
expect_alert "Search for private keys or passwords" proc.pid="$GREP_KEY_PID" proc.name=grep \
	proc.cmdline~"BEGIN OPENSSH PRIVATE KEY"
expect_alert "Search for private keys or passwords" proc.pid="$FIND_KEY_PID" proc.name=find
expect_alert "Search for cloud credentials" proc.pid="$GREP_AWS_PID" proc.name=grep
expect_alert "Search for cloud credentials" proc.pid="$FIND_AWS_PID" proc.name=find
expect_alert "Credential file read by server after startup" proc.pid="$SERVER_PID" fd.name=/etc/shadow \
	proc.name=nginx
expect_no_alert --rule "Credential file read by untrusted program" proc.pid="$SERVER_PID"
# The key search must not also be taken for a cloud credential search, and vice versa.
expect_no_alert --rule "Search for cloud credentials" proc.pid="$GREP_KEY_PID"
expect_no_alert --rule "Search for private keys or passwords" proc.pid="$GREP_AWS_PID"
e2e_finish
