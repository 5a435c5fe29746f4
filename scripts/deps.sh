#!/usr/bin/env bash
# Installs the Debian packages vigil needs to build, run and test. Idempotent: packages already
# present are not reinstalled, and apt is only updated when something is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libyaml-dev libjsmn-dev libcurl4-openssl-dev libpcre2-dev libmicrohttpd-dev
  libprotobuf-c-dev protobuf-c-compiler zlib1g-dev
  libbpf-dev libelf-dev bpftool clang llvm
  libcriterion-dev libclang-rt-14-dev
  curl openssl procps iproute2 python3
)
tests=0
if [ "${1:-}" = "--tests" ]; then
  tests=1
  # qemu, busybox-static and cpio: the kernel-matrix test (tests/e2e/kernel) boots old kernels.
  packages+=(runsc strace qemu-system-x86 busybox-static cpio)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "vigil: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Kernels for tests/e2e/kernel (each does nothing once fetched): 5.10, the oldest line the
# archive carries (the driver supports 5.8+), and Debian's 6.1 and 6.12, whose module BTF and
# struct layouts differ from the build host's. A failed download only makes the test run fewer
# kernels, or skip.
if [ "$tests" = 1 ]; then
  for k in bullseye:5.10 bookworm:6.1 trixie:6.12; do
    $SUDO env VIGIL_KERNEL_SUITE="${k%%:*}" VIGIL_KERNEL_SERIES="${k#*:}" \
      "$(dirname "$0")/fetch-kernel.sh" >/dev/null ||
      echo "vigil: could not fetch kernel ${k#*:} (scripts/fetch-kernel.sh); kernel_e2e runs without it" >&2
  done
fi
