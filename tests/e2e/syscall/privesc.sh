#!/usr/bin/env bash
# Live test, privilege escalation and persistence: writes below binary dirs and /etc, setuid
# bits, ptrace, kernel module loading. Every change is undone before the test ends.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_require_live
e2e_start_vigil

# A new file below /usr/bin, created and removed by a program that is no package manager.
BIN_FILE=/usr/bin/$E2E_TAG
e2e_cleanup_path "$BIN_FILE"
e2e_threat write-then-remove "$BIN_FILE"
BIN_PID=$E2E_PID

# The same below /etc.
ETC_FILE=/etc/$E2E_TAG.conf
e2e_cleanup_path "$ETC_FILE"
e2e_threat write-then-remove "$ETC_FILE"
ETC_PID=$E2E_PID

# The dynamic linker's preload list opened for writing (nothing is written; see threats.py).
e2e_threat open-preload
PRELOAD_PID=$E2E_PID

# The setuid bit on a copy of a harmless program in our own directory.
cp /bin/true "$E2E_WORK/suid-true"
e2e_run chmod u+s "$E2E_WORK/suid-true"
SUID_PID=$E2E_PID

# ptrace: attach to a child, then a child asking to be traced (anti-debugging).
e2e_threat ptrace-attach
ATTACH_PID=$E2E_PID
e2e_threat ptrace-traceme
TRACEME_PID=$(e2e_out_pid)

# A kernel module load attempt that cannot succeed (finit_module on an invalid fd).
e2e_threat kmod-load
KMOD_PID=$E2E_PID
KMOD_RC=$E2E_RC

# A service account (nobody) running a command in an "SSH session": below a process named sshd
# (bash started under that name), setpriv drops to nobody and execs id.
SETPRIV=$(command -v setpriv || true)
if [ -n "$SETPRIV" ]; then
	mkdir "$E2E_WORK/bin"
	ln -s "$(command -v bash)" "$E2E_WORK/bin/sshd"
	e2e_run "$E2E_WORK/bin/sshd" -c "$SETPRIV --reuid=65534 --regid=65534 --clear-groups id $E2E_TAG; true"
fi

e2e_arm_deadline
expect_alert "Write below binary directory" proc.pid="$BIN_PID" fd.name="$BIN_FILE" \
	proc.name="$E2E_PY_NAME" user.name=root container.id=host
expect_alert "Binary directory modified" proc.pid="$BIN_PID" fs.path.name="$BIN_FILE"
expect_alert "Write below /etc" proc.pid="$ETC_PID" fd.name="$ETC_FILE" proc.name="$E2E_PY_NAME"
expect_alert "Dynamic linker preload configured" proc.pid="$PRELOAD_PID" fd.name=/etc/ld.so.preload
expect_alert "Setuid or setgid bit set on a file" proc.pid="$SUID_PID" proc.name=chmod \
	evt.arg.mode~S_ISUID
expect_alert "Process attached with ptrace" proc.pid="$ATTACH_PID" evt.arg.request~PTRACE_ATTACH \
	proc.name="$E2E_PY_NAME"
if [ -n "$TRACEME_PID" ]; then
	expect_alert "Anti-debugging with PTRACE_TRACEME" proc.pid="$TRACEME_PID"
else
	e2e_fail "traceme action printed no pid"
fi
if [ "$KMOD_RC" -eq 77 ]; then
	e2e_case_skip "finit_module syscall number unknown on $(uname -m)"
else
	expect_alert "Kernel module load by unexpected program" proc.pid="$KMOD_PID" evt.type=finit_module \
		container.id=host
fi
if [ -n "$SETPRIV" ]; then
	expect_alert "System account ran an interactive command" proc.name=id proc.pname=sshd \
		user.uid=65534 proc.cmdline~"$E2E_TAG"
else
	e2e_case_skip "no setpriv: system account in an SSH session"
fi
# Writing below /usr/bin is not a write below /etc, and the reverse.
expect_no_alert --rule "Write below /etc" proc.pid="$BIN_PID"
expect_no_alert --rule "Write below binary directory" proc.pid="$ETC_PID"
e2e_finish
