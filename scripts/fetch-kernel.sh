#!/usr/bin/env bash
# Fetches an old Debian kernel for the kernel-matrix e2e test (tests/e2e/kernel/): the newest
# 5.10 kernel of Debian bullseye, the oldest kernel line vigil's eBPF driver must support that
# the Debian archive still carries. Writes into DEST_DIR (default /var/cache/vigil/kernels/5.10):
#   vmlinuz   the kernel image     config   its build configuration
#   PACKAGE   "name version" of the .deb it came from
# The cloud flavour has everything the test needs built in (8250 serial console, initramfs,
# BPF, BTF, tracefs, cgroup2), so its modules are not kept, except those named in
# VIGIL_KERNEL_MODULES (e.g. "overlay"): they go to modules/, and the test loads them, in that
# order, before vigil starts (to try the driver with a module's BTF present).
# Idempotent: when DEST_DIR already holds a kernel, nothing is downloaded.
#
# The package is found and downloaded by apt itself, so the archive's signature (Release file
# checked against /usr/share/keyrings/debian-archive-keyring.gpg) and the .deb's hash are
# verified; apt runs on a private sources list, index and cache under DEST_DIR/.apt and never
# reads or changes the system's apt sources.
#
# Usage: scripts/fetch-kernel.sh [DEST_DIR]
# Environment: VIGIL_KERNEL_SUITE (bullseye), VIGIL_KERNEL_SERIES (5.10), VIGIL_KERNEL_FLAVOUR
# (cloud-amd64: serial console, virtio, BPF and BTF built in; "amd64" for the generic kernel),
# VIGIL_KERNEL_MODULES (none), VIGIL_DEBIAN_MIRROR (http://deb.debian.org/debian).
set -euo pipefail

suite=${VIGIL_KERNEL_SUITE:-bullseye}
series=${VIGIL_KERNEL_SERIES:-5.10}
flavour=${VIGIL_KERNEL_FLAVOUR:-cloud-amd64}
mirror=${VIGIL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
modules=${VIGIL_KERNEL_MODULES:-}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
dest=${1:-/var/cache/vigil/kernels/$series}

say() { echo "fetch-kernel: $*" >&2; }
die() {
  say "$*"
  exit 1
}

if [ -s "$dest/vmlinuz" ] && [ -s "$dest/PACKAGE" ]; then
  say "already present: $(cat "$dest/PACKAGE")"
  echo "$dest/vmlinuz"
  exit 0
fi

command -v apt-get >/dev/null || die "apt-get is needed (Debian or a derivative)"
command -v dpkg-deb >/dev/null || die "dpkg-deb is needed"
[ -r "$keyring" ] || die "$keyring missing: install debian-archive-keyring"

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
apt_dir=$dest/.apt
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/preferences.d" "$apt_dir/lists/partial" \
  "$apt_dir/cache/archives/partial" "$apt_dir/download"
echo "deb [signed-by=$keyring] $mirror $suite main" >"$apt_dir/sources.list"

# Everything apt would otherwise take from /etc/apt or /var/lib/apt is pointed at apt_dir. The
# dpkg status is an empty file so that the host's installed packages play no part either.
: >"$apt_dir/status"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
  -o "Dir::Etc::Preferences=$apt_dir/preferences"
  -o "Dir::Etc::PreferencesParts=$apt_dir/preferences.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::State::Status=$apt_dir/status"
  -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Architecture=amd64"
  -o "APT::Architectures::=amd64"
  -o "Acquire::Languages=none"
  -o "Debug::NoLocking=true"
)
# apt drops privileges to _apt for downloads; it must be able to write the private dirs.
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
  chown -R _apt "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/download"
fi

say "reading the $suite index from $mirror"
apt-get "${apt_opts[@]}" -qq update || die "apt-get update of $suite failed (is $mirror reachable?)"

# Newest ABI of the series in the wanted flavour: linux-image-5.10.0-32-cloud-amd64-unsigned in
# bullseye, linux-image-6.12.43+deb13-cloud-amd64-unsigned in trixie.
pattern="^linux-image-${series//./\\.}[.0-9]*(-[0-9]+|\\+deb[0-9]+)-${flavour}-unsigned\$"
pkg=$(apt-cache "${apt_opts[@]}" pkgnames linux-image- | grep -E "$pattern" | sort -V | tail -n 1 || true)
[ -n "$pkg" ] || die "no package matching $pattern in $suite"
version=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$pkg" | sed -n 's/^Version: //p' | head -n 1)
say "downloading $pkg $version"
(cd "$apt_dir/download" && apt-get "${apt_opts[@]}" -qq download "$pkg") || die "apt-get download $pkg failed"
deb=$(find "$apt_dir/download" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
[ -n "$deb" ] || die "apt-get download left no .deb for $pkg"

# Unpack next to the destination and move into place last, so an interrupted run leaves no
# half-written kernel that the idempotency check would take for a complete one.
tmp=$(mktemp -d "$dest/.unpack.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
image=$(find "$tmp/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)
config=$(find "$tmp/boot" -maxdepth 1 -name 'config-*' | head -n 1)
[ -n "$image" ] || die "$pkg has no /boot/vmlinuz-*"
rm -rf "$dest/modules"
for m in $modules; do
  # /lib/modules, or /usr/lib/modules in releases after the /usr merge.
  ko=$(find "$tmp" -path '*/lib/modules/*' \( -name "$m.ko" -o -name "$m.ko.xz" \) | head -n 1)
  [ -n "$ko" ] || die "$pkg has no module $m"
  mkdir -p "$dest/modules"
  case "$ko" in *.xz) xz -dc "$ko" >"$dest/modules/$m.ko" ;; *) cp "$ko" "$dest/modules/$m.ko" ;; esac
  echo "$m" >>"$dest/modules/order"
done
[ -z "$config" ] || mv "$config" "$dest/config"
mv "$image" "$dest/vmlinuz"
echo "$pkg $version" >"$dest/PACKAGE"
rm -rf "$apt_dir"
say "installed $pkg $version"
echo "$dest/vmlinuz"
