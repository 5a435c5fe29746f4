#!/usr/bin/env python3
"""Performs one threat behaviour for real, for the live syscall tests.

  threats.py ACTION [ARGS...]

When the behaviour happens in a child process, the child's pid is printed on stdout (the test
looks for that pid in the alerts); otherwise this process is the actor and prints nothing.
Exit 0 = behaviour performed, 77 = this machine cannot perform it (the case is skipped),
anything else = the action itself broke.
"""
import ctypes
import os
import platform
import signal
import socket
import subprocess
import sys
import time

SKIP = 77
PTRACE_TRACEME, PTRACE_ATTACH, PTRACE_DETACH = 0, 16, 17
# finit_module(2) has no libc wrapper everywhere; its number per architecture.
FINIT_MODULE_NR = {"x86_64": 313, "aarch64": 273, "riscv64": 273, "s390x": 344, "ppc64le": 353}


def libc():
    lib = ctypes.CDLL(None, use_errno=True)
    lib.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    lib.ptrace.restype = ctypes.c_long
    lib.syscall.restype = ctypes.c_long
    return lib


def wait_child(pid):
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def spawn(argv):
    """Runs argv as a child of this (non-shell) process; prints the child's pid."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(proc.pid, flush=True)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return 0


def memfd_exec(tag, payload="/bin/true"):
    """Copies a harmless program into an anonymous memory file and runs it from there."""
    if not hasattr(os, "memfd_create"):
        return SKIP
    with open(payload, "rb") as f:
        image = f.read()
    fd = os.memfd_create("vigil-e2e", 0)  # no MFD_CLOEXEC: the child execs through the fd
    os.write(fd, image)
    pid = os.fork()
    if pid == 0:
        try:
            os.execve("/proc/self/fd/%d" % fd, ["memfd-payload", tag], {})
        except OSError:
            os._exit(SKIP)  # vm.memfd_noexec or a hardened kernel refuses: not our bug
    print(pid, flush=True)
    rc = wait_child(pid)
    return SKIP if rc == SKIP else rc


def ptrace_attach():
    """Attaches to a sleeping child, waits for it to stop, detaches, and ends it."""
    lib = libc()
    target = subprocess.Popen(["sleep", "30"])
    try:
        time.sleep(0.1)
        if lib.ptrace(PTRACE_ATTACH, target.pid, None, None) == 0:
            os.waitpid(target.pid, 0)
            lib.ptrace(PTRACE_DETACH, target.pid, None, None)
        else:
            print("ptrace attach failed: %s" % os.strerror(ctypes.get_errno()), file=sys.stderr)
    finally:
        target.kill()
        target.wait()
    return 0


def ptrace_traceme():
    """A child asks to be traced by its parent (this process), then exits."""
    pid = os.fork()
    if pid == 0:
        libc().ptrace(PTRACE_TRACEME, 0, None, None)
        os._exit(0)
    print(pid, flush=True)
    wait_child(pid)
    return 0


def kernel_module_load():
    """finit_module on an invalid fd: the kernel refuses (EBADF) without loading anything."""
    nr = FINIT_MODULE_NR.get(platform.machine())
    if nr is None:
        return SKIP
    rc = libc().syscall(ctypes.c_long(nr), ctypes.c_int(-1), ctypes.c_char_p(b""), ctypes.c_int(0))
    if rc == 0:
        print("finit_module(-1) unexpectedly succeeded", file=sys.stderr)
        return 1
    return 0


def packet_socket():
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        s.close()
    except OSError as e:  # the attempt is what the rule sees; report it anyway
        print("AF_PACKET socket: %s" % e, file=sys.stderr)
    return 0


def dup_socket_to_stdin():
    """Makes a connected TCP socket (over loopback) this process' stdin, then restores it."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    cli = socket.create_connection(srv.getsockname(), timeout=5)
    conn, _ = srv.accept()
    saved = os.dup(0)
    os.dup2(cli.fileno(), 0)
    os.dup2(saved, 0)
    os.close(saved)
    for s in (conn, cli, srv):
        s.close()
    return 0


def create_then_truncate(path):
    """Creates path without O_TRUNC, writes to it, then reopens it with O_TRUNC."""
    with open(path, "x") as f:
        f.write("line that an intruder wants gone\n")
    with open(path, "w"):
        pass
    return 0


def write_then_remove(path):
    """Creates a file (open for write) in a protected directory and removes it again."""
    with open(path, "w") as f:
        f.write("#!/bin/sh\n")
    os.unlink(path)
    return 0


def open_preload():
    """Opens /etc/ld.so.preload for appending and writes nothing: an existing file keeps its
    content; one that did not exist is removed again (an empty list preloads nothing)."""
    path = "/etc/ld.so.preload"
    existed = os.path.exists(path)
    with open(path, "a"):
        pass
    if not existed:
        os.unlink(path)
    return 0


def read_file(path):
    with open(path, "rb") as f:
        f.read(64)
    return 0


def truncate_own(path):
    """Benign: rewrite a file of our own (O_TRUNC outside any log or history)."""
    with open(path, "w") as f:
        f.write("scratch\n")
    return 0


ACTIONS = {
    "spawn": lambda a: spawn(a),
    "memfd-exec": lambda a: memfd_exec(*a),
    "ptrace-attach": lambda a: ptrace_attach(),
    "ptrace-traceme": lambda a: ptrace_traceme(),
    "kmod-load": lambda a: kernel_module_load(),
    "packet-socket": lambda a: packet_socket(),
    "dup-socket": lambda a: dup_socket_to_stdin(),
    "create-then-truncate": lambda a: create_then_truncate(*a),
    "write-then-remove": lambda a: write_then_remove(*a),
    "read-file": lambda a: read_file(*a),
    "open-preload": lambda a: open_preload(),
    "truncate-own": lambda a: truncate_own(*a),
}


def main(argv):
    if not argv or argv[0] not in ACTIONS:
        print(__doc__.strip())
        print("actions: " + ", ".join(sorted(ACTIONS)))
        return 2
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return ACTIONS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
