#!/usr/bin/env bash
# Drops are counted and reported, never silently lost (issue 4).
#
# vigil runs with a deliberately tiny ring (syscall init_config buffer_bytes: 16384, one ring
# per 2 CPUs) and a rule that selects close(2). A flooder then calls close(-1) in a tight loop,
# far faster than the consumer's poll period can drain 16 KiB. The test asserts that:
#   * the kernel side counted drops: `--stats` prints "source syscall ... drops=N" with N > 0,
#     and syscall.n_drops_cpu_<i> for every CPU, adding up to syscall.n_drops;
#   * the engine turned them into Falco's internal alert "Falco internal: syscall event drop"
#     (source "internal", output_fields.n_drops > 0) on the JSON alert stream;
#   * events still flowed (the flood rule alerted), so the ring was not simply dead.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_require_live

FLOOD_CALLS=${VIGIL_E2E_FLOOD_CALLS:-3000000}
FLOOD_COMM=vgdropflood

cat >"$E2E_WORK/flood_rules.yaml" <<EOF
- rule: E2E drop flood
  desc: close(-1), what the flooder calls (drives the ring past its size)
  condition: evt.type = close and evt.rawarg.fd = -1
  output: flood close (proc.name=%proc.name fd=%evt.arg.fd)
  priority: NOTICE
EOF

cat >"$E2E_WORK/vigil.yaml" <<EOF
# Written by $E2E_NAME: tiny ring, drop alerts on, JSON alerts on stdout.
rules_files:
  - $E2E_WORK/flood_rules.yaml
plugins:
  - name: syscall
    library_path: $VIGIL_BUILD_DIR/plugins/libsyscall.so
    init_config:
      buffer_bytes: 16384
      cpus_for_each_buffer: 2
  - name: sysstate
    library_path: $VIGIL_BUILD_DIR/plugins/libsysstate.so
load_plugins: [syscall, sysstate]
syscall_event_drops:
  threshold: 0.1
  actions: [log, alert]
  rate: 1
  max_burst: 10
priority: debug
rule_matching: all
json_output: true
json_include_output_property: true
json_include_output_fields_property: true
buffered_outputs: false
stdout_output:
  enabled: true
log_level: info
log_stderr: true
EOF

"$VIGIL_BIN" -c "$E2E_WORK/vigil.yaml" --stats >"$E2E_ALERTS" 2>"$E2E_VIGIL_LOG" &
E2E_VIGIL_PID=$!
deadline=$((SECONDS + E2E_READY_TIMEOUT))
until grep -q "vigil ready" "$E2E_VIGIL_LOG" 2>/dev/null; do
	kill -0 "$E2E_VIGIL_PID" 2>/dev/null || { echo "FAIL ($E2E_NAME): vigil exited before ready"; exit 1; }
	[ "$SECONDS" -lt "$deadline" ] || { echo "FAIL ($E2E_NAME): vigil not ready"; exit 1; }
	sleep 0.2
done
e2e_log "vigil ready (pid $E2E_VIGIL_PID); flooding $FLOOD_CALLS close(-1)"

# The flooder renames itself so the rule (and only it) selects its closes. Two rounds with a
# pause: the drop policy compares counters once a second, so the flood must span a check.
"$E2E_PY" - "$FLOOD_COMM" "$FLOOD_CALLS" <<'EOF'
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME
close = libc.close
n = int(sys.argv[2])
end = time.time() + 6.0
done = 0
while done < n and time.time() < end:
    for _ in range(100000):
        close(-1)
    done += 100000
print("flooded", done, "calls")
EOF
sleep 2.5  # let at least one more drop check and the output thread run

e2e_stop_vigil

if grep -q '"rule":"E2E drop flood"' "$E2E_ALERTS"; then
	echo "ok: flood events reached the rules ($(grep -c '"rule":"E2E drop flood"' "$E2E_ALERTS") alerts)"
	E2E_PASSES=$((E2E_PASSES + 1))
else
	e2e_fail "no alert of the flood rule: the ring delivered nothing"
fi

stats_line=$(grep -E "^source syscall .*drops=" "$E2E_VIGIL_LOG" | tail -n 1)
drops=$(sed -nE 's/.* drops=([0-9]+).*/\1/p' <<<"$stats_line")
if [ -n "$drops" ] && [ "$drops" -gt 0 ]; then
	echo "ok: --stats counts drops ($stats_line)"
	E2E_PASSES=$((E2E_PASSES + 1))
else
	e2e_fail "--stats shows no syscall drops: '${stats_line:-<no stats line>}'"
fi

# The driver counts per CPU: each CPU's drops are reported and add up to the total.
total=$(sed -nE 's/^  syscall\.n_drops=([0-9]+)$/\1/p' "$E2E_VIGIL_LOG" | tail -n 1)
per_cpu=$(sed -nE 's/^  syscall\.n_drops_cpu_[0-9]+=([0-9]+)$/\1/p' "$E2E_VIGIL_LOG")
ncpu_lines=$(grep -cE '^  syscall\.n_drops_cpu_[0-9]+=' "$E2E_VIGIL_LOG")
sum=0
for v in $per_cpu; do sum=$((sum + v)); done
if [ "$ncpu_lines" -ge "$(nproc --all)" ] && [ -n "$total" ] && [ "$total" -gt 0 ] &&
	[ "$sum" -eq "$total" ]; then
	echo "ok: per-CPU drops reported for $ncpu_lines CPUs, summing to n_drops=$total"
	E2E_PASSES=$((E2E_PASSES + 1))
else
	e2e_fail "per-CPU drops: $ncpu_lines CPU lines (want one per possible CPU, >= $(nproc --all)), sum $sum, n_drops '${total}'"
fi

if "$E2E_PY" - "$E2E_ALERTS" <<'EOF'; then
import json, sys
found = None
for line in open(sys.argv[1], errors="replace"):
    try:
        a = json.loads(line)
    except ValueError:
        continue
    if a.get("rule") == "Falco internal: syscall event drop":
        found = a
        break
if not found:
    print("no 'Falco internal: syscall event drop' alert"); sys.exit(1)
f = found.get("output_fields", {})
if found.get("source") != "internal":
    print("drop alert source is", found.get("source")); sys.exit(1)
if not isinstance(f.get("n_drops"), int) or f["n_drops"] <= 0:
    print("drop alert n_drops not > 0:", f); sys.exit(1)
print("drop alert:", found.get("priority"), f)
EOF
	echo "ok: internal drop alert with n_drops > 0"
	E2E_PASSES=$((E2E_PASSES + 1))
else
	e2e_fail "the drops were not reported as an internal alert"
fi

e2e_finish
