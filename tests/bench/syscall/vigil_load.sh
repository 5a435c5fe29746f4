#!/usr/bin/env bash
# vigil-level benchmark (issue 4): the vigil binary with the default rules and the default
# engine settings (8 MiB rings, one per 2 CPUs) watches this host while syscall_storm drives an
# open+close storm pinned to CPU 0. Reports:
#   * for each target rate: the achieved rate, events vigil processed, drops (vigil --stats),
#     vigil CPU% (utime+stime from /proc/PID/stat over the storm) and peak RSS (VmHWM);
#   * the highest rate with 0 drops, and vigil's CPU% at the fixed rate (FIXED_RATE).
# VIGIL_BENCH_GENERATORS=2 runs two storms (CPUs 0 and 1): one core of open+close cannot
# outrun vigil on the test machines. Not a pass/fail test. Needs root (eBPF driver). Usage:
#   tests/bench/syscall/vigil_load.sh BUILD_DIR [RATES...]
# RATES are syscalls/s (open and close each count); 0 = as fast as one core can.
set -u

BUILD=${1:?usage: $0 BUILD_DIR [RATES...]}
shift
RATES=("$@")
[ ${#RATES[@]} -gt 0 ] || RATES=(50000 100000 200000 300000 400000 0)
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
STORM=$BUILD/tests/bench/syscall/syscall_storm
VIGIL=$BUILD/vigil
SECS=${VIGIL_BENCH_SECS:-8}
FIXED_RATE=${VIGIL_BENCH_FIXED_RATE:-100000}
HZ=$(getconf CLK_TCK)
NCPU=$(nproc)
# Storm processes, pinned to CPUs 0, 1, ... (each gets RATE/GENERATORS); 2 loads both cores.
GENERATORS=${VIGIL_BENCH_GENERATORS:-1}

[ "$(id -u)" -eq 0 ] || { echo "needs root (eBPF driver)"; exit 77; }
for f in "$STORM" "$VIGIL" "$BUILD/plugins/libsyscall.so" "$BUILD/plugins/libsysstate.so"; do
	[ -e "$f" ] || { echo "missing $f (cmake --build $BUILD --target vigil syscall sysstate bench)"; exit 77; }
done

WORK=$(mktemp -d /tmp/vigil-load.XXXXXX)
VPID=
cleanup() {
	[ -n "$VPID" ] && kill -TERM "$VPID" 2>/dev/null && wait "$VPID" 2>/dev/null
	rm -rf -- "$WORK"
}
trap cleanup EXIT
echo "vigil bench file" >"$WORK/target"

cat >"$WORK/vigil.yaml" <<EOF
rules_files:
  - $SRC/rulesets/vigil_rules.yaml
plugins:
  - name: syscall
    library_path: $BUILD/plugins/libsyscall.so
  - name: sysstate
    library_path: $BUILD/plugins/libsysstate.so
load_plugins: [syscall, sysstate]
engine:
  kind: modern_ebpf
  modern_ebpf:
    cpus_for_each_buffer: 2
    buf_size_preset: 4
    drop_failed_exit: false
syscall_event_drops:
  threshold: 0
  actions: [log]
  rate: 100
  max_burst: 100
json_output: false
stdout_output:
  enabled: true
log_level: info
log_stderr: true
EOF

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One run per rate: a fresh vigil, so --stats counts exactly that storm.
run_rate() {
	local rate=$1 log=$WORK/vigil.$1.log
	"$VIGIL" -c "$WORK/vigil.yaml" --stats >/dev/null 2>"$log" &
	VPID=$!
	local i
	for i in $(seq 1 150); do
		grep -q "vigil ready" "$log" && break
		sleep 0.2
	done
	sleep 1.5 # the /proc seed and attach settle
	local t0 c0 t1 c1 out
	t0=$(date +%s.%N)
	c0=$(cpu_ticks "$VPID")
	local g
	for ((g = 0; g < GENERATORS; g++)); do
		"$STORM" $((rate / GENERATORS)) "$SECS" "$WORK/target" $((g % NCPU)) >"$WORK/storm.$g" &
	done
	wait $(jobs -p | grep -vx "$VPID")
	out=$(cat "$WORK"/storm.*)
	c1=$(cpu_ticks "$VPID")
	t1=$(date +%s.%N)
	local hwm
	hwm=$(awk '/VmHWM/ {print $2}' "/proc/$VPID/status")
	sleep 1 # let the consumer drain what is in the rings
	kill -TERM "$VPID"
	wait "$VPID" 2>/dev/null
	VPID=
	local achieved events drops cpu
	achieved=$(sed -nE 's/.*achieved=([0-9]+).*/\1/p' <<<"$out" | awk '{ s += $1 } END { print s }')
	events=$(sed -nE 's/^source syscall .* events=([0-9]+).*/\1/p' "$log" | tail -n1)
	drops=$(sed -nE 's/^source syscall .* drops=([0-9]+).*/\1/p' "$log" | tail -n1)
	cpu=$(awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" -v hz="$HZ" \
		'BEGIN { printf "%.1f", 100 * (b - a) / hz / (e - s) }')
	printf "%10s %12s %12s %10s %8s %9s\n" "${rate/#0/max}" "${achieved:-?}" "${events:-?}" \
		"${drops:-?}" "$cpu" "$((hwm / 1024))"
	echo "$rate ${achieved:-0} ${drops:-1} $cpu" >>"$WORK/results"
}

version=$("$VIGIL" --version 2>/dev/null | head -n1)
echo "${version:-vigil} — default rules, $GENERATORS storm process(es), ${SECS}s per rate, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%10s %12s %12s %10s %8s %9s\n" target achieved/s events drops "cpu%" "rss_MB"
for r in "${RATES[@]}"; do
	run_rate "$r"
done
echo
awk '$3 == 0 && $2 > best { best = $2 } END { printf "highest achieved rate with 0 drops: %d syscalls/s\n", best }' \
	"$WORK/results"
awk -v f="$FIXED_RATE" '$1 == f { printf "vigil CPU at %d syscalls/s: %s%% of one core\n", f, $4 }' "$WORK/results"
