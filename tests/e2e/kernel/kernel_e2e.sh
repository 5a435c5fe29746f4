#!/usr/bin/env bash
# Kernel matrix, live syscall monitoring: boots each kernel under test in qemu with an
# initramfs holding busybox, the built vigil, every plugin, the default rules and init.sh. In
# the guest vigil runs with the eBPF driver exactly as the host live tests run it, a few
# threats are performed, and the report comes back on the serial console. Here we check that
# the driver loaded and the alerts carry the right fields.
#
# Kernels: VIGIL_TEST_KERNELS, a ':'-separated list of kernel images, of directories holding a
# "vmlinuz", or of directories whose subdirectories do (default /var/cache/vigil/kernels, where
# scripts/fetch-kernel.sh puts Debian bullseye's 5.10). Skips (77) without qemu, busybox or a
# kernel. Uses KVM when a guest boots with it, else TCG (slower: timeouts are raised).
#   VIGIL_KTEST_ACCEL         auto (default), kvm or tcg
#   VIGIL_KTEST_BOOT_TIMEOUT  seconds one guest may run in all (default 120, 400 under TCG)
#   VIGIL_KTEST_KEEP=1        keep the work directory (initramfs, console logs) and say where
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../syscall/lib.sh"
# shellcheck disable=SC2034  # read by syscall/lib.sh's messages
E2E_NAME=kernel_e2e
KTEST_DIR=$(cd "$(dirname "$0")" && pwd)

QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || e2e_skip "qemu-system-x86_64 not installed (scripts/deps.sh --tests installs it)"
BUSYBOX=
for b in /bin/busybox /usr/bin/busybox "$(command -v busybox || true)"; do
	if [ -n "$b" ] && [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
		BUSYBOX=$b
		break
	fi
done
[ -n "$BUSYBOX" ] || e2e_skip "no statically linked busybox (install busybox-static)"
command -v cpio >/dev/null || e2e_skip "cpio not installed"
BPFTOOL=
for b in /usr/sbin/bpftool "$(command -v bpftool || true)"; do
	if [ -n "$b" ] && [ -x "$b" ] && [ "$(head -c 4 "$b" | tail -c 3)" = ELF ]; then
		BPFTOOL=$b
		break
	fi
done

# Every kernel image named by VIGIL_TEST_KERNELS.
find_kernels() {
	local entry sub
	local IFS=:
	for entry in ${VIGIL_TEST_KERNELS:-/var/cache/vigil/kernels}; do
		if [ -f "$entry" ]; then
			echo "$entry"
		elif [ -f "$entry/vmlinuz" ]; then
			echo "$entry/vmlinuz"
		elif [ -d "$entry" ]; then
			for sub in "$entry"/*/vmlinuz; do
				[ -f "$sub" ] && echo "$sub"
			done
		fi
	done
}
mapfile -t KERNELS < <(find_kernels)
[ ${#KERNELS[@]} -gt 0 ] ||
	e2e_skip "no kernel image in '${VIGIL_TEST_KERNELS:-/var/cache/vigil/kernels}': fetch one with" \
		"scripts/fetch-kernel.sh (or scripts/deps.sh --tests), or set VIGIL_TEST_KERNELS"

e2e_require_built
if [ "${VIGIL_KTEST_KEEP:-0}" = 1 ]; then
	KEEP=$(mktemp -d "${VIGIL_BUILD_DIR}/kernel-e2e.XXXXXX")
	e2e_log "keeping the work files in $KEEP"
fi

# A usable /dev/kvm does not promise a booting guest: under nested virtualisation qemu may
# abort (an MSR the outer hypervisor refuses) or the guest may hang before its first line. So
# KVM is tried once with the first kernel and no initramfs (it panics at once for want of a
# root file system); it is used only if that kernel printed its banner.
kvm_boots() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	timeout --kill-after=2 10 "$QEMU" -enable-kvm -cpu host,-arch-capabilities -m 256 \
		-nographic -no-reboot -kernel "${KERNELS[0]}" -append "console=ttyS0 panic=-1" \
		</dev/null 2>&1 | grep -aq "Linux version"
}

case "${VIGIL_KTEST_ACCEL:-auto}" in
kvm) USE_KVM=1 ;;
tcg) USE_KVM=0 ;;
*)
	if kvm_boots; then
		USE_KVM=1
	else
		USE_KVM=0
		e2e_log "KVM unusable here (no /dev/kvm, or a guest does not boot with it): emulating" \
			"the CPU (TCG), which is slower"
	fi
	;;
esac
if [ "$USE_KVM" = 1 ]; then
	# arch-capabilities off: nested KVM hosts often refuse to set that MSR.
	# shellcheck disable=SC2054  # the commas are qemu's
	ACCEL=(-enable-kvm -cpu host,-arch-capabilities)
	BOOT_TIMEOUT=${VIGIL_KTEST_BOOT_TIMEOUT:-120}
	GUEST_ENV="READY_TIMEOUT=60 LIVE_TIMEOUT=30 ALERT_TIMEOUT=20"
else
	ACCEL=(-accel tcg -cpu max)
	BOOT_TIMEOUT=${VIGIL_KTEST_BOOT_TIMEOUT:-400}
	GUEST_ENV="READY_TIMEOUT=240 LIVE_TIMEOUT=60 ALERT_TIMEOUT=60"
fi

# Copies FILE into the root at the same absolute path, with the libraries it links against
# (ldd's view, the dynamic loader included).
ROOT=$E2E_WORK/root
add_with_libs() {
	local f=$1 dest=${2:-$1} lib
	mkdir -p "$ROOT$(dirname "$dest")"
	cp -L "$f" "$ROOT$dest"
	for lib in $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | sort -u); do
		[ -e "$ROOT$lib" ] && continue
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
}

# The config the host live tests use (syscall/lib.sh), with the guest's paths.
write_guest_config() {
	local E2E_WORK=$ROOT/vigil VIGIL_BUILD_DIR=/vigil E2E_RULES=/vigil/rules/vigil_rules.yaml
	e2e_write_config
}

build_initramfs() {
	local a p
	mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc,vigil/bin,vigil/plugins,vigil/rules}
	cp "$BUSYBOX" "$ROOT/bin/busybox"
	for a in $("$ROOT/bin/busybox" --list); do
		[ -e "$ROOT/bin/$a" ] || ln -s busybox "$ROOT/bin/$a"
	done
	# Debian's lib and bin directories are links into /usr; make them so in the guest too.
	for d in lib lib64; do
		[ -L "/$d" ] && ln -sfn "usr/$d" "$ROOT/$d" && mkdir -p "$ROOT/usr/$d"
	done
	add_with_libs "$VIGIL_BIN" /vigil/bin/vigil
	for p in "$VIGIL_BUILD_DIR"/plugins/*.so; do
		add_with_libs "$p" "/vigil/plugins/$(basename "$p")"
	done
	cp "$E2E_RULES" "$ROOT/vigil/rules/vigil_rules.yaml"
	# For a diagnosis when the driver does not load (see init.sh): the driver's object file.
	if [ -n "$BPFTOOL" ] && [ -r "$VIGIL_BUILD_DIR/drivers/modern_bpf/vigil.bpf.o" ]; then
		add_with_libs "$BPFTOOL" /vigil/diag/bpftool
		cp "$VIGIL_BUILD_DIR/drivers/modern_bpf/vigil.bpf.o" "$ROOT/vigil/diag/"
	fi
	write_guest_config
	echo "$GUEST_ENV" | tr ' ' '\n' >"$ROOT/vigil/ktest.env"
	cp "$KTEST_DIR/init.sh" "$ROOT/init"
	chmod 755 "$ROOT/init"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$ROOT/etc/passwd"
	printf 'root:x:0:\nshadow:x:42:\nnogroup:x:65534:\n' >"$ROOT/etc/group"
	printf 'root:*:19000:0:99999:7:::\n' >"$ROOT/etc/shadow"
	chmod 640 "$ROOT/etc/shadow"
	echo vigil-ktest >"$ROOT/etc/hostname"
	# The kernel opens /dev/console before /init runs; init.sh reopens it after mounting
	# devtmpfs in case this node could not be made (not root).
	mknod -m 600 "$ROOT/dev/console" c 5 1 2>/dev/null || true
	(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$E2E_WORK/initrd.gz"
}

# The text between the BEGIN and END markers of section NAME of console log FILE.
section() {
	awk -v b="@@VIGIL-KTEST BEGIN $1" -v e="@@VIGIL-KTEST END $1" \
		'$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$2"
}

# The value of "@@VIGIL-KTEST KEY=VALUE" in FILE (the last one), or "<none>".
fact() {
	local v
	v=$(sed -n "s/^@@VIGIL-KTEST $1=//p" "$2" | tail -n 1)
	echo "${v:-<none>}"
}

# The initramfs for KERNEL: the common one, followed (the kernel unpacks concatenated archives
# in turn) by the modules listed in modules/order next to the kernel, if there is such a list.
initrd_for() {
	local kdir out m
	kdir=$(dirname "$1")
	if [ ! -r "$kdir/modules/order" ]; then
		echo "$E2E_WORK/initrd.gz"
		return
	fi
	out=$E2E_WORK/initrd-$2.gz
	rm -rf "$E2E_WORK/mods"
	mkdir -p "$E2E_WORK/mods/vigil/modules"
	while read -r m; do
		cp "$kdir/modules/$m.ko" "$E2E_WORK/mods/vigil/modules/"
	done <"$kdir/modules/order"
	cp "$kdir/modules/order" "$E2E_WORK/mods/vigil/modules/"
	cp "$E2E_WORK/initrd.gz" "$out"
	(cd "$E2E_WORK/mods" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >>"$out"
	echo "$out"
}

# Boots KERNEL with INITRD; leaves its serial console, carriage returns removed, in $CONSOLE.
boot() {
	local kernel=$1 initrd=$2 raw=$CONSOLE.raw start=$SECONDS
	# qemu's stdin is /dev/null: nothing may reach its monitor. The hard timeout is the guard
	# against a guest that never powers off; qemu is also killed if this script is stopped.
	timeout --kill-after=5 "$BOOT_TIMEOUT" "$QEMU" "${ACCEL[@]}" -m 1024 -smp 2 \
		-nographic -no-reboot -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 loglevel=4 rdinit=/init" >"$raw" 2>&1 </dev/null &
	QEMU_PID=$!
	wait "$QEMU_PID"
	QEMU_RC=$?
	QEMU_PID=
	tr -d '\r' <"$raw" >"$CONSOLE"
	BOOT_SECONDS=$((SECONDS - start))
}

# Prints what an engineer needs to see about a failed run: vigil's log (with libbpf's and the
# verifier's lines), the guest facts, and the kernel's messages when vigil never ran.
explain_failure() {
	local log=$1 console=$2
	echo "--- $LABEL: facts ---"
	grep '^@@VIGIL-KTEST [a-z_.]*=' "$console" | sed 's/^@@VIGIL-KTEST /  /'
	if [ -s "$log" ]; then
		echo "--- $LABEL: vigil log (last 80 lines) ---"
		tail -n 80 "$log"
	fi
	if section bpftool "$console" | grep -q .; then
		echo "--- $LABEL: bpftool loading the same driver object (libbpf lines; verifier log tail) ---"
		section bpftool "$console" | grep -v '^[0-9]*: (' | grep -E 'libbpf|rror|invalid|unknown' | head -n 30
		section bpftool "$console" | awk '/BEGIN PROG LOAD LOG/ { n++; on = (n == 1) } on { print }
			/END PROG LOAD LOG/ { on = 0 }' | tail -n 40
	fi
	if ! grep -q '@@VIGIL-KTEST START' "$console"; then
		echo "--- $LABEL: console (init never started; last 60 lines) ---"
		tail -n 60 "$console"
	else
		echo "--- $LABEL: kernel messages about bpf or errors ---"
		section dmesg "$console" | grep -iE 'bpf|btf|verifier|error|warn|oops|bug' | tail -n 30
	fi
}

check_kernel() {
	local kernel=$1 name fails_before=$fails log
	name=$(basename "$(dirname "$kernel")")
	[ "$(basename "$kernel")" = vmlinuz ] || name=$(basename "$kernel")
	LABEL="kernel $name"
	CONSOLE=$E2E_WORK/console-$name.log
	log=$E2E_WORK/vigil-$name.log
	ALERTS=$E2E_WORK/alerts-$name.json
	e2e_log "$LABEL: booting $kernel"
	boot "$kernel" "$(initrd_for "$kernel" "$name")"
	section vigil.log "$CONSOLE" >"$log"
	section alerts.json "$CONSOLE" >"$ALERTS"
	e2e_log "$LABEL: guest ran ${BOOT_SECONDS}s, qemu exit $QEMU_RC, guest kernel $(fact kernel "$CONSOLE")"

	expect_eq "$QEMU_RC" 0 "$LABEL: qemu exit status (124 = killed after ${BOOT_TIMEOUT}s)"
	expect_grep '@@VIGIL-KTEST DONE' "$CONSOLE" "$LABEL: guest init ran to its end"
	expect_eq "$(fact btf "$CONSOLE")" yes "$LABEL: /sys/kernel/btf/vmlinux in the guest"
	# "loading the eBPF driver: <why>", "opening the eBPF driver: <why>".
	expect_no_grep 'the eBPF driver' "$log" "$LABEL: vigil reported a driver error"
	expect_grep 'eBPF driver loaded' "$log" "$LABEL: vigil's syscall source loaded the driver"
	# The TOCTOU entry capture takes the cheapest hook the kernel allows: fentry on Debian's 6.x
	# (no lockdown in the guest); 5.10's BTF declares the syscall wrappers' pt_regs only
	# forward, so the driver must fall back to the syscall tracepoints there.
	local hook=fentry
	case "$(fact kernel "$CONSOLE")" in [1-5].*) hook="syscall tracepoints" ;; esac
	expect_grep "entry capture by $hook\$" "$log" "$LABEL: entry capture by $hook"
	expect_no_grep ' vigil \(emergency\|alert\|critical\|error\): ' "$log" "$LABEL: vigil logged an error"
	expect_eq "$(fact ready "$CONSOLE")" yes "$LABEL: vigil said 'vigil ready'"
	expect_eq "$(fact live "$CONSOLE")" yes "$LABEL: events flowing (probe symlink alert)"
	expect_eq "$(fact vigil_exit "$CONSOLE")" 0 "$LABEL: vigil exit status after SIGTERM"

	if [ "$(fact live "$CONSOLE")" = yes ]; then
		expect_alert "Credential file read by untrusted program" \
			proc.pid="$(fact pid.cat_shadow "$CONSOLE")" fd.name=/etc/shadow proc.name=cat \
			user.name=root proc.cmdline="cat /etc/shadow"
		expect_alert "Search for private keys or passwords" \
			proc.pid="$(fact pid.grep_key "$CONSOLE")" proc.name=grep \
			proc.cmdline~"BEGIN OPENSSH PRIVATE KEY"
		expect_alert "Symlink to credential file created" \
			proc.pid="$(fact pid.ln_symlink "$CONSOLE")" proc.name=ln \
			evt.arg.target=/etc/shadow evt.arg.linkpath=/tmp/ktest-shadow-link
	fi

	if [ "$fails" -gt "$fails_before" ]; then
		explain_failure "$log" "$CONSOLE"
	else
		e2e_log "$LABEL: OK"
	fi
	[ -z "${KEEP:-}" ] || cp "$CONSOLE" "$log" "$ALERTS" "$KEEP/"
}

# The host tests' expect_alert, on the alerts of the kernel being checked, counted by lib.sh.
expect_alert() {
	if "$E2E_PY" "$E2E_DIR/alerts.py" wait "$ALERTS" --timeout 1 "$@"; then
		ok
	else
		bad "$LABEL: no alert '$1' with $*"
	fi
}

# timeout passes SIGTERM on to qemu.
QEMU_PID=
# shellcheck disable=SC2016  # expanded when the cleanup runs
e2e_cleanup_cmd '[ -z "$QEMU_PID" ] || kill -TERM "$QEMU_PID"'
build_initramfs
[ -z "${KEEP:-}" ] || cp "$E2E_WORK/initrd.gz" "$KEEP/"
e2e_log "initramfs: $(du -h "$E2E_WORK/initrd.gz" | cut -f1), ${#KERNELS[@]} kernel(s), accel ${ACCEL[*]}"
for k in "${KERNELS[@]}"; do
	check_kernel "$k"
done
finish
