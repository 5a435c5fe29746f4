#!/usr/bin/env bash
# Live test, container rules: a container is faked the way vigil recognises one (a process in
# a cgroup named like a runtime's "docker-<id>.scope"), with an overlay file system for its
# writable layer. Skips when cgroups or overlayfs cannot be created here.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_require_live
e2e_fake_container || e2e_skip "cannot create cgroups to fake a container on this machine"
mkdir "$E2E_WORK"/{lower,upper,ovlwork,rootfs,bin}
cp /bin/true "$E2E_WORK/lower/image-true"
mount -t overlay overlay -o "lowerdir=$E2E_WORK/lower,upperdir=$E2E_WORK/upper,workdir=$E2E_WORK/ovlwork" \
	"$E2E_WORK/rootfs" 2>/dev/null || e2e_skip "cannot mount overlayfs on this machine"
e2e_cleanup_cmd "umount -l '$E2E_WORK/rootfs'"
e2e_start_vigil

# Drop and execute: a program written into the container's writable layer after it started.
cp /bin/true "$E2E_WORK/rootfs/$E2E_TAG-dropped"
e2e_run "${E2E_IN_CONTAINER[@]}" "$E2E_WORK/rootfs/$E2E_TAG-dropped"
DROP_PID=$E2E_PID
DROP_RC=$E2E_RC

# A program from the image (lower layer) is not a dropped binary.
e2e_run "${E2E_IN_CONTAINER[@]}" "$E2E_WORK/rootfs/image-true"
IMAGE_PID=$E2E_PID

# A kernel module load attempt from inside the container (refused by the kernel).
e2e_run "${E2E_IN_CONTAINER[@]}" "$E2E_PY" "$E2E_DIR/threats.py" kmod-load
KMOD_PID=$E2E_PID
KMOD_RC=$E2E_RC

# kubectl exec -it: a runtime process ("runc", bash under that name) starts a shell on a
# terminal (script(1) provides the pseudo-terminal).
ln -s "$(command -v bash)" "$E2E_WORK/bin/runc"
e2e_run "${E2E_IN_CONTAINER[@]}" script -qec "$E2E_WORK/bin/runc -c \"sh -c ': $E2E_TAG'; true\"" /dev/null
SCRIPT_RC=$E2E_RC

# A file named release_agent (our own, not a cgroup's) opened for writing by root in the
# container: the shape of the cgroup v1 escape.
e2e_run "${E2E_IN_CONTAINER[@]}" "$E2E_PY" "$E2E_DIR/threats.py" truncate-own "$E2E_WORK/release_agent"
AGENT_PID=$E2E_PID

# debugfs started in the container (it only prints its version).
DEBUGFS=$(command -v debugfs || true)
if [ -n "$DEBUGFS" ]; then
	e2e_run "${E2E_IN_CONTAINER[@]}" "$DEBUGFS" -V
	DEBUGFS_PID=$E2E_PID
fi

e2e_arm_deadline
if [ "$DROP_RC" -eq 99 ]; then
	e2e_fail "could not move a process into the fake container's cgroups"
else
	expect_alert "Dropped binary executed in container" proc.pid="$DROP_PID" \
		container.id="$E2E_CONTAINER_ID" proc.exepath~"$E2E_TAG-dropped"
fi
if [ "$KMOD_RC" -eq 77 ]; then
	e2e_case_skip "finit_module syscall number unknown on $(uname -m)"
else
	expect_alert "Kernel module load from container" proc.pid="$KMOD_PID" container.id="$E2E_CONTAINER_ID"
	expect_no_alert --rule "Kernel module load by unexpected program" proc.pid="$KMOD_PID"
fi
if [ "$SCRIPT_RC" -eq 0 ]; then
	expect_alert "Interactive shell in container" proc.name=sh proc.pname=runc \
		proc.cmdline~"$E2E_TAG" container.id="$E2E_CONTAINER_ID"
else
	e2e_case_skip "script(1) could not provide a terminal (status $SCRIPT_RC)"
fi
expect_alert "Container escape through cgroup release_agent" proc.pid="$AGENT_PID" \
	fd.name="$E2E_WORK/release_agent" container.id="$E2E_CONTAINER_ID"
if [ -n "$DEBUGFS" ]; then
	expect_alert "Debugfs started in container with CAP_SYS_ADMIN" proc.pid="$DEBUGFS_PID" \
		container.id="$E2E_CONTAINER_ID"
else
	e2e_case_skip "no debugfs installed"
fi
expect_no_alert --rule "Dropped binary executed in container" proc.pid="$IMAGE_PID"
e2e_finish
