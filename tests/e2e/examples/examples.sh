#!/usr/bin/env bash
# End-to-end: the example plugins build out of tree with pkg-config (Makefile and CMake), export
# only plugin_* symbols, and run in vigil: events dumped, fields listed.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
src=${VIGIL_SOURCE_DIR:?}
build=${VIGIL_BUILD_DIR:?}
vigil=${VIGIL_BIN:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT


command -v pkg-config >/dev/null || { echo "skipped: pkg-config is not installed"; exit 77; }
# The uninstalled .pc points at the source headers and the built helper library.
export PKG_CONFIG_PATH="$build/sdk/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
[ -f "$build/sdk/libvigil_plugin_sdk.a" ] || { bad "libvigil_plugin_sdk.a not built"; exit 1; }

# 1. Out-of-tree builds, exactly as a third party would do them.
for p in jsonl_tail jsonl_meta; do
	cp -r "$src/examples/$p" "$work/$p"
	if make -s -C "$work/$p" >"$work/$p.make.log" 2>&1; then ok; else bad "make $p: $(tail -5 "$work/$p.make.log")"; fi
	if cmake -S "$work/$p" -B "$work/$p/build" >"$work/$p.cmake.log" 2>&1 &&
		cmake --build "$work/$p/build" >>"$work/$p.cmake.log" 2>&1 &&
		[ -f "$work/$p/build/lib$p.so" ]; then ok; else bad "cmake $p: $(tail -5 "$work/$p.cmake.log")"; fi
	exported=$(nm -D --defined-only "$work/$p/lib$p.so" | awk '$2 == "T" {print $3}' | grep -v '^plugin_' | tr '\n' ' ')
	expect_eq "$exported" "" "$p exports only plugin_* functions"
done

# 2. vigil loads both and dumps the events of a JSON-lines file.
cat >"$work/app.jsonl" <<'JSONL'
{"level":"info","user":"alice","msg":"login"}

{"level":"ERR","user":{"name":"bob"},"msg":"disk full"}
plain text line
JSONL
cat >"$work/vigil.yaml" <<YAML
engine:
  kind: nodriver
plugins:
  - name: jsonl_tail
    library_path: $work/jsonl_tail/libjsonl_tail.so
    init_config:
      follow: false
    open_params: "$work/app.jsonl"
  - name: jsonl_meta
    library_path: $work/jsonl_meta/libjsonl_meta.so
load_plugins: [jsonl_tail, jsonl_meta]
YAML
"$vigil" -c "$work/vigil.yaml" --dump-events >"$work/out" 2>"$work/err"
expect_eq "$?" 0 "dump exit code ($(head -c 300 "$work/err"))"
expect_eq "$(wc -l <"$work/out")" 3 "three non-blank lines, three events"
expect_grep '"msg":"disk full"' "$work/out" "event_to_string shows the line"
expect_grep "jsonl" "$work/out" "source column"

# 3. Both plugins' fields are listed for the jsonl source.
"$vigil" -c "$work/vigil.yaml" --list jsonl -N >"$work/list" 2>"$work/err"
expect_eq "$?" 0 "--list exit code"
expect_grep "^jsonl.value$" "$work/list" "source plugin field listed"
expect_grep "^jmeta.level$" "$work/list" "extractor plugin field listed"

# 4. A bad init config is refused before the plugin runs, naming the key.
sed 's/follow: false/folow: false/' "$work/vigil.yaml" >"$work/bad.yaml"
"$vigil" -c "$work/bad.yaml" --dry-run >/dev/null 2>"$work/err"
expect_eq "$?" 4 "bad init_config exit code"
expect_grep "unknown property 'folow'" "$work/err" "bad init_config reason"

finish
