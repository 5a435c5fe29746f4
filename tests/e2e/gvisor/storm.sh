#!/usr/bin/env bash
# Not a test: measures what vigil's gVisor source keeps up with. The real vigil (gVisor source,
# default rules) watches one `runsc do` sandbox running a syscall-heavy workload, and prints
# the sandbox's traced events/s and the drops vigil's --stats report (gvisor.drops: points the
# sandbox could not send because the socket was full).
#   VIGIL_BUILD_DIR=build VIGIL_BIN=build/vigil bash tests/e2e/gvisor/storm.sh [PROCS [OPENS]]
# PROCS processes (default 4) each open and close a file OPENS times (default 10000).
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
PROCS=${1:-4}
OPENS=${2:-10000}
gv_require gvisor
gv_start_vigil storm

WORKLOAD="i=0; while [ \$i -lt $PROCS ]; do python3 -c \"
import os
for _ in range($OPENS): os.close(os.open('/etc/hostname', os.O_RDONLY))\" & i=\$((i + 1)); done; wait"
start=$(date +%s.%N)
gv_do_start "$WORKLOAD"
gv_wait "$GV_PID" 300
end=$(date +%s.%N)
gv_expect_ok "$GV_RC" "the workload"
sleep 1 # the last datagrams
cpu=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$E2E_VIGIL_PID/stat")
gv_stop_vigil

stat() { sed -n "s/^  gvisor\\.gvisor\\.$1=//p" "$E2E_VIGIL_LOG"; }
"$E2E_PY" - "$PROCS" "$OPENS" "$start" "$end" "$(stat messages)" "$(stat events)" "$(stat drops)" "$cpu" <<'PY'
import sys
procs, opens, start, end, msgs, events, drops, cpu = sys.argv[1:]
secs = float(end) - float(start)
print("storm: %s x %s open+close in a sandbox: %.2f s, %s messages (%.0f/s), %s events (%.0f/s), "
      "gvisor.drops=%s (%.3f%% of the points), vigil CPU %s s"
      % (procs, opens, secs, msgs, int(msgs) / secs, events, int(events) / secs, drops,
         100.0 * int(drops) / max(1, int(msgs) + int(drops)), cpu))
PY
e2e_finish
