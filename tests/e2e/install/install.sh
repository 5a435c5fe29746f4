#!/usr/bin/env bash
# End-to-end: `cmake --install` lays out the binary, plugins, rules, default config and the SDK;
# a third-party plugin then builds against the INSTALLED SDK with pkg-config alone (relocatable
# .pc) and runs in the installed vigil.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
src=${VIGIL_SOURCE_DIR:?}
build=${VIGIL_BUILD_DIR:?}
command -v pkg-config >/dev/null || skip "pkg-config is not installed"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1
expect_eq "$?" 0 "cmake --install ($(tail -3 "$work/install.log"))"
for f in bin/vigil share/vigil/plugins/libsyscall.so share/vigil/plugins/libsysstate.so \
	share/vigil/plugins/libgvisor.so share/vigil/plugins/libk8saudit.so share/vigil/plugins/libjson.so \
	share/vigil/rules/vigil_rules.yaml share/vigil/rules/k8s_audit_rules.yaml etc/vigil/vigil.yaml \
	include/vigil/plugin_api.h include/vigil/plugin_sdk.h lib/pkgconfig/vigil-plugin.pc; do
	if [ -e "$prefix/$f" ]; then ok; else bad "installed file missing: $f"; fi
done

# The example source plugin, copied out of the source tree, built with the installed SDK only.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
inc=$(pkg-config --cflags-only-I vigil-plugin | awk '{print $1}' | sed 's/^-I//')
expect_eq "$(realpath "$inc")" "$(realpath "$prefix/include")" "pkg-config --cflags resolves into the prefix"
cp -r "$src/examples/jsonl_tail" "$work/jsonl_tail"
make -C "$work/jsonl_tail" >"$work/make.log" 2>&1
expect_eq "$?" 0 "example plugin builds against the installed SDK ($(tail -3 "$work/make.log"))"

printf '{"level":"error","msg":"disk full"}\n{"level":"info","msg":"ok"}\n' >"$work/events.jsonl"
cat >"$work/vigil.yaml" <<YAML
engine: {kind: nodriver}
plugins:
  - name: jsonl_tail
    library_path: $work/jsonl_tail/libjsonl_tail.so
    open_params: $work/events.jsonl
YAML
: >"$work/empty.yaml"
"$prefix/bin/vigil" -c "$work/vigil.yaml" -r "$work/empty.yaml" --dump-events >"$work/out" 2>"$work/err"
expect_eq "$?" 0 "installed vigil runs the out-of-tree plugin ($(tail -2 "$work/err"))"
expect_eq "$(wc -l <"$work/out")" 2 "two events dumped"
"$prefix/bin/vigil" --plugin-dir "$prefix/share/vigil/plugins" -r "$prefix/share/vigil/rules/vigil_rules.yaml" \
	-o engine.kind=modern_ebpf --list syscall -N >"$work/fields" 2>"$work/err"
expect_eq "$?" 0 "installed syscall plugins load from the plugin dir"
expect_grep "^proc.name$" "$work/fields" "syscall fields listed"
"$prefix/bin/vigil" --plugin-dir "$prefix/share/vigil/plugins" -V "$prefix/share/vigil/rules/vigil_rules.yaml" \
	-o engine.kind=modern_ebpf >"$work/out" 2>&1
expect_eq "$?" 0 "installed default rules validate ($(tail -2 "$work/out"))"
finish
