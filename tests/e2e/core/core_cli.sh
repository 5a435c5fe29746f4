#!/usr/bin/env bash
# End-to-end: the vigil binary with the host's test plugins. Checks dumped events, listings,
# one-line refusals with the documented exit codes, -M and clean shutdown on SIGTERM.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
plugins=${1:?test plugin directory}
vigil=${VIGIL_BIN:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT


config() { # config NAME LIB OPEN_PARAMS
	cat >"$work/$1.yaml" <<YAML
engine:
  kind: nodriver
plugins:
  - name: tp
    library_path: $2
    open_params: "$3"
YAML
}

: >"$work/empty_rules.yaml"

# 1. Events are dumped in order with numbers, source and the plugin's text.
config good "$plugins/libtp_good.so" "E2TE1"
"$vigil" -c "$work/good.yaml" --dump-events --stats >"$work/out" 2>"$work/err"
expect_eq "$?" 0 "dump exit code"
expect_eq "$(wc -l <"$work/out")" 3 "three events dumped"
expect_eq "$(awk '{print $1, $3, $4}' "$work/out" | tr '\n' ';')" "1 tp tp;2 tp tp;3 tp tp;" "evt.num/source/plugin columns"
expect_grep "tp event 2" "$work/out" "event_to_string text"
expect_grep "events=3 drops=0 timeouts=1" "$work/err" "stats at exit"

# 2. Field listing of a plugin source includes the generic and the plugin's fields.
"$vigil" -c "$work/good.yaml" --list tp -N >"$work/list"
expect_eq "$?" 0 "--list exit code"
expect_grep "^evt.num$" "$work/list" "generic field listed"
expect_grep "^evt.plugininfo$" "$work/list" "generic plugininfo listed"
"$vigil" -c "$work/good.yaml" --list --format json >"$work/list.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["source"]=="tp"; assert any(f["name"]=="evt.time" for f in d[0]["fields"])' "$work/list.json" && ok || bad "--list --format json is valid JSON with the tp source"
"$vigil" -c "$work/good.yaml" --list nosuchsource >/dev/null 2>"$work/err"
expect_eq "$?" 2 "--list of an unknown source"

# 3. --list-plugins / --plugin-info.
"$vigil" -c "$work/good.yaml" --list-plugins >"$work/plugins"
expect_grep "Capabilities: sourcing extraction" "$work/plugins" "capabilities listed"
expect_grep "Event source: tp (id 999)" "$work/plugins" "source and id listed"
"$vigil" -c "$work/good.yaml" --plugin-info tp >"$work/info"
expect_grep "Suggested open params" "$work/info" "open params shown"

# 4. Refusals: one line naming the plugin and the reason, exit code 4, no crash.
refuse() { # refuse VARIANT EXPECTED_TEXT
	config refuse "$plugins/lib$1.so" "E1"
	"$vigil" -c "$work/refuse.yaml" --dry-run >/dev/null 2>"$work/err"
	local rc=$?
	expect_eq "$rc" 4 "$1 exit code"
	expect_grep "$2" "$work/err" "$1 reason"
	expect_grep "lib$1.so" "$work/err" "$1 names the plugin path"
}
refuse tp_major "3.12.0"
refuse tp_no_next "next_batch"
refuse tp_init_fail "init"
config missing "$work/nonexistent.so" "E1"
"$vigil" -c "$work/missing.yaml" --dry-run >/dev/null 2>"$work/err"
expect_eq "$?" 4 "missing plugin file"

# 5. A failing source (events then FAILURE) stops vigil with exit code 1 after delivering them.
config fail "$plugins/libtp_good.so" "E1F2"
"$vigil" -c "$work/fail.yaml" --dump-events >"$work/out" 2>"$work/err"
expect_eq "$?" 1 "source failure exit code"
expect_eq "$(wc -l <"$work/out")" 3 "events before the failure delivered"

# 6. -M stops an endless source; SIGTERM stops cleanly with exit 0.
# 240 TIMEOUTs with the engine's idle backoff (up to 10 ms each) keep the source alive ~2 s.
config endless "$plugins/libtp_good.so" "$(printf 'T%.0s' $(seq 240))"
start=$(date +%s%N)
"$vigil" -c "$work/endless.yaml" -r "$work/empty_rules.yaml" -M 0.5 >/dev/null 2>"$work/err"
expect_eq "$?" 0 "-M exit code"
expect_grep "stopping: run duration" "$work/err" "-M reason logged"
elapsed=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed" -ge 400 ] && [ "$elapsed" -lt 5000 ] && ok || bad "-M 0.5 took ${elapsed} ms"
"$vigil" -c "$work/endless.yaml" -r "$work/empty_rules.yaml" >/dev/null 2>"$work/err" &
pid=$!
for _ in $(seq 50); do grep -q "vigil ready" "$work/err" && break; sleep 0.1; done
sleep 0.2
if kill -TERM "$pid" 2>/dev/null; then ok; else bad "vigil had already exited before SIGTERM"; fi
wait "$pid"
expect_eq "$?" 0 "SIGTERM exit code"
expect_grep "stopping: stop requested" "$work/err" "shutdown reason logged"

# 7. Bad command line and bad config.
"$vigil" --bogus >/dev/null 2>&1
expect_eq "$?" 2 "unknown flag"
printf 'json_output: [unclosed\n' >"$work/broken.yaml"
"$vigil" -c "$work/broken.yaml" --dry-run >/dev/null 2>"$work/err"
expect_eq "$?" 3 "broken config"
expect_grep "broken.yaml:" "$work/err" "config error names the file"

# 8. Drops over the threshold become an internal alert and a log line, and are in --stats.
config drops "$plugins/libtp_good.so" "E10,W1200,D50,W1500,E1"
"$vigil" -c "$work/drops.yaml" -r "$work/empty_rules.yaml" -o json_output=true --stats >"$work/out" 2>"$work/err"
expect_eq "$?" 0 "drops run exit code"
expect_grep '"rule":"vigil internal: event drop"' "$work/out" "internal drop alert"
expect_grep '"n_drops":50' "$work/out" "drop count in the alert"
expect_grep '"source":"internal"' "$work/out" "internal alert source"
expect_grep "events dropped in the last second" "$work/err" "drop log line"
expect_grep "drops=50" "$work/err" "drops in --stats"
config drops_exit "$plugins/libtp_good.so" "W1200,D50,W3000"
"$vigil" -c "$work/drops_exit.yaml" -r "$work/empty_rules.yaml" -o 'syscall_event_drops.actions=[exit]' >/dev/null 2>"$work/err"
expect_eq "$?" 1 "syscall_event_drops exit action"

# 9. Rules: alerts in text and JSON, -L, -V, a broken rules file.
cat >"$work/rules.yaml" <<'YAML'
- list: wanted_counters
  items: [1, 3]
- macro: wanted
  condition: tp.n in (wanted_counters)
- rule: Wanted counter
  desc: counters listed in wanted_counters
  condition: wanted and evt.num > 0
  output: "counter seen (n=%tp.n s=%tp.s mul=%tp.mul[2] ip=%tp.ip)"
  priority: WARNING
  source: tp
  tags: [test]
YAML
config good "$plugins/libtp_good.so" "E5"
TZ=UTC VIGIL_HOSTNAME=h1 "$vigil" -c "$work/good.yaml" -r "$work/rules.yaml" --stats >"$work/out" 2>"$work/err"
expect_eq "$?" 0 "rules run exit code"
expect_eq "$(cat "$work/out")" "00:00:00.000001001: Warning counter seen (n=1 s=n=1 mul=2 ip=10.0.0.1)
00:00:00.000001003: Warning counter seen (n=3 s=n=3 mul=6 ip=10.0.0.1)" "text alerts"
expect_grep "rule 'Wanted counter': 2 alerts" "$work/err" "alerts per rule in --stats"
TZ=UTC VIGIL_HOSTNAME=h1 "$vigil" -c "$work/good.yaml" -r "$work/rules.yaml" -o json_output=true >"$work/out" 2>/dev/null
expect_eq "$(head -1 "$work/out")" '{"hostname":"h1","output":"00:00:00.000001001: Warning counter seen (n=1 s=n=1 mul=2 ip=10.0.0.1)","output_fields":{"evt.time":1001,"tp.ip":"10.0.0.1","tp.mul[2]":2,"tp.n":1,"tp.s":"n=1"},"priority":"Warning","rule":"Wanted counter","source":"tp","tags":["test"],"time":"1970-01-01T00:00:00.000001001Z"}' "JSON alert" 
"$vigil" -c "$work/good.yaml" -r "$work/rules.yaml" -L >"$work/out" 2>/dev/null
expect_grep "Wanted counter" "$work/out" "-L lists the rule"
"$vigil" -c "$work/good.yaml" -V "$work/rules.yaml" >"$work/out" 2>&1
expect_eq "$?" 0 "-V of a good file"
printf -- '- rule: Broken\n  desc: d\n  condition: tp.n >\n  output: o\n  priority: WARNING\n  source: tp\n' >"$work/bad_rules.yaml"
"$vigil" -c "$work/good.yaml" -V "$work/bad_rules.yaml" >"$work/out" 2>&1
expect_eq "$?" 3 "-V of a broken file"
expect_grep "bad_rules.yaml:3:" "$work/out" "-V error names file and line"
"$vigil" -c "$work/good.yaml" -r "$work/bad_rules.yaml" >/dev/null 2>"$work/err"
expect_eq "$?" 3 "a broken rules file stops the start"
expect_grep "Broken" "$work/err" "the start error names the rule"

# 10. A multi-valued field matches when any value does, with any operator; a list field
# refuses '=' (Falco's semantics for proc.aname / fd.ip versus plugin list fields).
printf -- '- rule: Multi\n  desc: d\n  condition: tp.multi = beta and tp.multi != alpha and evt.num = 1\n  output: "multi %%tp.n"\n  priority: WARNING\n  source: tp\n' >"$work/multi.yaml"
config good "$plugins/libtp_good.so" "E2"
"$vigil" -c "$work/good.yaml" -r "$work/multi.yaml" >"$work/out" 2>"$work/err"
expect_eq "$?" 0 "multi-valued rule loads"
expect_eq "$(grep -c 'Warning multi 0' "$work/out")" 1 "multi-valued field: any value matches"
printf -- '- rule: ListEq\n  desc: d\n  condition: tp.tags = beta\n  output: "o"\n  priority: WARNING\n  source: tp\n' >"$work/listeq.yaml"
"$vigil" -c "$work/good.yaml" -V "$work/listeq.yaml" >"$work/out" 2>&1
expect_eq "$?" 3 "'=' on a list field is refused"

finish
