#!/bin/sh
# /init of the initramfs that kernel_e2e.sh boots: a busybox system whose only job is to run
# vigil with the default rules and the eBPF driver, perform a few threats the rules detect, and
# report on the console between "@@VIGIL-KTEST BEGIN <name>" and "@@VIGIL-KTEST END <name>"
# lines. Key facts go on "@@VIGIL-KTEST <key>=<value>" lines. The machine powers off at the
# end whatever happens (panic=-1 and -no-reboot turn a dying init into a qemu exit too).
# Commands are run by absolute path so that busybox execs them: a program's name (proc.name)
# is then its applet's name, as it would be on a real system.

/bin/mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec 0</dev/console 1>/dev/console 2>&1
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

READY_TIMEOUT=60 # seconds for vigil to say "vigil ready"
LIVE_TIMEOUT=30  # seconds for the first probe alert once ready
ALERT_TIMEOUT=20 # seconds for the last threat's alert
# shellcheck disable=SC1091  # written by kernel_e2e.sh next to this file
[ -r /vigil/ktest.env ] && . /vigil/ktest.env

fact() { echo "@@VIGIL-KTEST $1=$2"; }
section() {
	echo "@@VIGIL-KTEST BEGIN $1"
	cat "$2" 2>/dev/null
	echo "@@VIGIL-KTEST END $1"
}

# Polls for TEXT in FILE for up to SECONDS; 0 when found.
wait_for() {
	n=$(($3 * 5))
	while [ "$n" -gt 0 ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

shutdown_vm() {
	sync
	/bin/poweroff -f
	sleep 5
	exit 0
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
hostname vigil-ktest
# Keep kernel chatter from splitting our report lines; dmesg is reported in full at the end.
echo 1 >/proc/sys/kernel/printk

echo
echo "@@VIGIL-KTEST START"
fact kernel "$(uname -r)"
fact btf "$([ -r /sys/kernel/btf/vmlinux ] && echo yes || echo no)"
# shellcheck disable=SC3045  # busybox sh has ulimit -l
fact memlock "$(ulimit -l)"
fact cpus "$(grep -c ^processor /proc/cpuinfo)"
# Modules the kernel directory asked for (kernel_e2e.sh appends them to the initramfs).
if [ -r /vigil/modules/order ]; then
	while read -r m; do
		if /bin/insmod "/vigil/modules/$m.ko"; then fact "module.$m" loaded; else fact "module.$m" failed; fi
	done </vigil/modules/order
fi

/vigil/bin/vigil -c /vigil/vigil.yaml -r /vigil/rules/vigil_rules.yaml \
	>/tmp/alerts.json 2>/tmp/vigil.log &
VIGIL=$!

ready=no
n=$((READY_TIMEOUT * 5))
while [ "$n" -gt 0 ]; do
	if grep -q "vigil ready" /tmp/vigil.log; then
		ready=yes
		break
	fi
	kill -0 "$VIGIL" 2>/dev/null || break
	sleep 0.2
	n=$((n - 1))
done
fact ready "$ready"

live=no
if [ "$ready" = yes ]; then
	# As in the host tests: "ready" may come before the kernel side is attached, so wait for
	# the alert of a probe symlink, made again every half second.
	i=0
	while [ "$i" -lt $((LIVE_TIMEOUT * 2)) ] && kill -0 "$VIGIL" 2>/dev/null; do
		i=$((i + 1))
		/bin/ln -s /etc/shadow "/tmp/live-probe.$i"
		if wait_for /tmp/alerts.json "live-probe" 1; then
			live=yes
			break
		fi
	done
fi
fact live "$live"

if [ "$live" = yes ]; then
	mkdir /tmp/empty
	/bin/cat /etc/shadow >/dev/null &
	fact pid.cat_shadow "$!"
	wait $!
	/bin/grep -r "BEGIN OPENSSH PRIVATE KEY" /tmp/empty &
	fact pid.grep_key "$!"
	wait $!
	# Last: once its alert is out, every earlier event has been through the rules.
	/bin/ln -s /etc/shadow /tmp/ktest-shadow-link &
	fact pid.ln_symlink "$!"
	wait $!
	if wait_for /tmp/alerts.json "ktest-shadow-link" "$ALERT_TIMEOUT"; then
		fact sentinel yes
	else
		fact sentinel no
	fi
fi

if kill -0 "$VIGIL" 2>/dev/null; then
	kill -TERM "$VIGIL"
	n=50
	while [ "$n" -gt 0 ] && kill -0 "$VIGIL" 2>/dev/null; do
		sleep 0.2
		n=$((n - 1))
	done
	kill -KILL "$VIGIL" 2>/dev/null
fi
wait "$VIGIL"
fact vigil_exit "$?"

section vigil.log /tmp/vigil.log
# vigil keeps only libbpf's last line; when the driver did not come up, load the same object
# with bpftool, which prints libbpf's messages and the verifier's log of the program refused.
if [ "$ready" != yes ] && [ -x /vigil/diag/bpftool ] && [ -r /vigil/diag/vigil.bpf.o ]; then
	/vigil/diag/bpftool prog loadall /vigil/diag/vigil.bpf.o /sys/fs/bpf/vigil-diag \
		>/tmp/bpftool.txt 2>&1
	fact bpftool_exit "$?"
	section bpftool /tmp/bpftool.txt
fi
section alerts.json /tmp/alerts.json
dmesg >/tmp/dmesg.txt
section dmesg /tmp/dmesg.txt
echo "@@VIGIL-KTEST DONE"
shutdown_vm
