#!/usr/bin/env bash
# Sets up a Debian machine and runs vigil's main job: live system-call monitoring of the whole
# host with the default rules (modern eBPF driver). Installs the packages it needs, builds,
# installs vigil under /usr/local and starts it in the foreground. Needs root.
# Extra arguments are passed to vigil (e.g. -o json_output=true, -M 60).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "vigil needs root to load its eBPF driver: run it as root (sudo $0 $*)" >&2
  exit 1
fi
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr/local >/dev/null
cmake --build build -j"$(nproc)"
cmake --install build >/dev/null
exec /usr/local/bin/vigil -c /usr/local/etc/vigil/vigil.yaml "$@"
