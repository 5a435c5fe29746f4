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
if [ "${1:-}" = "--tests" ]; then
  packages+=(runsc strace)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "vigil: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
