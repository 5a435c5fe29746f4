#!/usr/bin/env bash
# End-to-end: the real vigil binary runs features.yaml + features_tuning.yaml (every rule-language
# feature of issue 3) on the test plugin's deterministic `tp` events and on the example jsonl
# plugins, and checks the exact alerts (text and JSON), the selectors, the priority threshold,
# rule_matching, append_output/static_fields, -V (text and JSON), -L/-l and broken files.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
plugins=${1:?test plugin directory}
examples=${2:?example plugin directory}
vigil=${VIGIL_BIN:?}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC VIGIL_HOSTNAME=h1
for lib in "$plugins/libtp_good.so" "$examples/libjsonl_tail.so" "$examples/libjsonl_meta.so"; do
	[ -f "$lib" ] || { echo "FAIL: $lib is not built (targets vigil_test_plugins, jsonl_tail, jsonl_meta)"; exit 1; }
done
# Relative rules paths keep file names in messages independent of the checkout.
cp "$here"/*.yaml "$here"/app.jsonl "$work/"
cd "$work" || exit 1

cat >tp.yaml <<YAML
engine:
  kind: nodriver
plugins:
  - name: tp
    library_path: $plugins/libtp_good.so
    open_params: "E6"
YAML
rules=(-r features.yaml -r features_tuning.yaml)
run() { "$vigil" -c tp.yaml "${rules[@]}" "$@" 2>err; }

# 1. rule_matching: all — every matching rule, in definition order per event.
run -o rule_matching=all >out
expect_eq "$?" 0 "run exit code ($(head -c 300 err))"
expect_eq "$(cat out)" "00:00:00.000001000: Warning string s=n=0 (tuned)
00:00:00.000001000: Informational transformers up=N=0 base=c len=2
00:00:00.000001000: Debug lists tags=(alpha,beta) multi=(alpha,beta) ip=10.0.0.1 even=true
00:00:00.000001001: Critical numeric n=1 mul3=3 width=[1   ]
00:00:00.000001001: Warning string s=n=1 (tuned)
00:00:00.000001001: Notice modifiers s=n=1
00:00:00.000001001: Critical shadowed n=1
00:00:00.000001001: Critical also n=1
00:00:00.000001002: Warning string s=n=2 (tuned)
00:00:00.000001002: Notice multi n=2@alpha,beta
00:00:00.000001002: Critical shadowed n=2
00:00:00.000001003: Warning string s=n=3 (tuned)
00:00:00.000001003: Notice modifiers s=n=3
00:00:00.000001003: Notice multi n=3@alpha,beta
00:00:00.000001003: Critical shadowed n=3
00:00:00.000001003: Critical also n=3
00:00:00.000001004: Critical numeric n=4 mul3=12 width=[4   ]
00:00:00.000001004: Warning string s=n=4 (tuned)
00:00:00.000001004: Warning negations s=n=4
00:00:00.000001004: Notice modifiers s=n=4
00:00:00.000001004: Alert exceptions n=4
00:00:00.000001005: Warning string s=n=5 (tuned)
00:00:00.000001005: Informational transformers up=N=5 base=c len=2" "text alerts, rule_matching all"
expect_grep "rule 'Unknown field skipped': condition: unknown field 'tp.nosuch' at 1:1 (rule skipped)" err "skip-if-unknown-filter warning"
expect_no_grep "LOAD_SHADOWED_RULE\|never fire" err "no shadowing warning under rule_matching all"

# 2. rule_matching: first (the default) — one alert per event, and the shadowed rule is reported.
run >out
expect_eq "$(cat out)" "00:00:00.000001000: Warning string s=n=0 (tuned)
00:00:00.000001001: Critical numeric n=1 mul3=3 width=[1   ]
00:00:00.000001002: Warning string s=n=2 (tuned)
00:00:00.000001003: Warning string s=n=3 (tuned)
00:00:00.000001004: Critical numeric n=4 mul3=12 width=[4   ]
00:00:00.000001005: Warning string s=n=5 (tuned)" "text alerts, rule_matching first"
expect_grep "Shadowed under first" err "shadowed rule warned under rule_matching first"

# 3. Selectors and the priority threshold: enable a disabled rule by name (wildcard), disable a tag,
# keep only rules at least as severe as Notice.
run -o rule_matching=all -o 'rules[].enable.rule=Disabled*' -o 'rules[].disable.tag=strings' \
	-o 'rules[].disable.rule=First match wins' -o priority=notice >out
expect_eq "$(cat out)" "00:00:00.000001001: Critical numeric n=1 mul3=3 width=[1   ]
00:00:00.000001001: Notice modifiers s=n=1
00:00:00.000001001: Notice selected n=1
00:00:00.000001001: Critical also n=1
00:00:00.000001002: Notice multi n=2@alpha,beta
00:00:00.000001003: Notice modifiers s=n=3
00:00:00.000001003: Notice multi n=3@alpha,beta
00:00:00.000001003: Critical also n=3
00:00:00.000001004: Critical numeric n=4 mul3=12 width=[4   ]
00:00:00.000001004: Notice modifiers s=n=4
00:00:00.000001004: Alert exceptions n=4
00:00:00.000001005: Notice selected n=5" "selectors and priority threshold"

# 4. JSON, append_output (matched by source, tags and rule name) and static_fields.
cat >>tp.yaml <<'YAML'
json_output: true
json_include_message_property: true
static_fields:
  cluster: lab
append_output:
  - match: {source: tp, tags: [numbers]}
    extra_output: "[numbers]"
    extra_fields:
      - tp.s
      - doubled: "%tp.mul[2]"
  - match: {rule: Exceptions}
    extra_output: "on %evt.source"
  - match: {source: other}
    extra_output: "never"
YAML
run -o rule_matching=all -o 'rules[].disable.rule=*' -o 'rules[].enable.rule=Numeric comparisons' -o 'rules[].enable.rule=Exceptions' >out
expect_eq "$(cat out)" '{"hostname":"h1","message":"numeric n=1 mul3=3 width=[1   ] [numbers]","output":"00:00:00.000001001: Critical numeric n=1 mul3=3 width=[1   ] [numbers]","output_fields":{"doubled":"2","evt.time":1001,"static.cluster":"lab","tp.mul[3]":3,"tp.n":1,"tp.s":"n=1"},"priority":"Critical","rule":"Numeric comparisons","source":"tp","tags":["numbers"],"time":"1970-01-01T00:00:00.000001001Z"}
{"hostname":"h1","message":"numeric n=4 mul3=12 width=[4   ] [numbers]","output":"00:00:00.000001004: Critical numeric n=4 mul3=12 width=[4   ] [numbers]","output_fields":{"doubled":"8","evt.time":1004,"static.cluster":"lab","tp.mul[3]":12,"tp.n":4,"tp.s":"n=4"},"priority":"Critical","rule":"Numeric comparisons","source":"tp","tags":["numbers"],"time":"1970-01-01T00:00:00.000001004Z"}
{"hostname":"h1","message":"exceptions n=4 on tp","output":"00:00:00.000001004: Alert exceptions n=4 on tp","output_fields":{"evt.source":"tp","evt.time":1004,"static.cluster":"lab","tp.n":4},"priority":"Alert","rule":"Exceptions","source":"tp","tags":["exceptions"],"time":"1970-01-01T00:00:00.000001004Z"}' "JSON alerts with append_output and static_fields"

# 5. -V: the result in text and in JSON, exit code 0 with warnings only.
"$vigil" -c tp.yaml -o json_output=false -V features.yaml -V features_tuning.yaml >out 2>/dev/null
expect_eq "$?" 0 "-V exit code"
expect_grep "^warning: features_tuning.yaml:2:3: list 'small_numbers': The 'append' key is deprecated. Use 'override' instead. \[LOAD_DEPRECATED_ITEM\]$" out "-V text warning"
expect_grep "^warning: features.yaml:161:3: macro 'unused_macro': Macro not referred to by any other rule/macro \[LOAD_UNUSED_MACRO\]$" out "-V unused macro"
expect_eq "$(tail -n 2 out | head -n 1)" "Ok: 0 errors, 7 warnings" "-V summary"
"$vigil" -c tp.yaml -V features.yaml -V features_tuning.yaml >out.json 2>/dev/null
expect_eq "$?" 0 "-V JSON exit code"
python3 - out.json <<'PY' && ok || bad "-V JSON shape"
import json, sys
d = json.load(open(sys.argv[1]))
files = d["falco_load_results"]
assert [f["name"] for f in files] == ["features.yaml", "features_tuning.yaml"], files
assert all(f["successful"] and f["errors"] == [] for f in files)
w = files[0]["warnings"]
assert [x["code"] for x in w] == ["LOAD_UNKNOWN_FILTER", "LOAD_UNUSED_MACRO", "LOAD_SHADOWED_RULE"], w
assert "the earlier rule 'First match wins'" in w[2]["message"], w[2]
loc = w[1]["context"]["locations"][0]
assert loc["item_type"] == "macro" and loc["item_name"] == "unused_macro", loc
assert loc["position"]["name"] == "features.yaml" and loc["position"]["line"] == 161 and loc["position"]["column"] == 3
assert [x["code"] for x in files[1]["warnings"]] == ["LOAD_DEPRECATED_ITEM"] * 4
PY

# 6. -L (text and JSON) and -l.
run -L -o json_output=false >out
expect_eq "$(cat out)" "Numeric comparisons | Critical | tp | enabled | numbers
String operators | Warning | tp | enabled | strings,tuned
String negations | Warning | tp | enabled | strings
Modifiers | Notice | tp | enabled | modifiers
Transformers | Informational | tp | enabled | transformers
Multi-operand transformers | Notice | tp | enabled | transformers
List and multi-valued fields | Debug | tp | enabled | lists
Unknown field skipped | Emergency | tp | not loaded | 
Exceptions | Alert | tp | enabled | exceptions
Disabled in the file | Notice | tp | disabled | selected
First match wins | Critical | tp | enabled | numbers
Shadowed under first | Critical | tp | enabled | numbers" "-L text"
run -L -o json_output=true >out
python3 - out <<'PY' && ok || bad "-L JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d) == 12 and d[1]["rule"] == "String operators" and d[1]["tags"] == ["strings", "tuned"], d[1]
assert d[1]["priority"] == "Warning" and d[9]["enabled"] is False and d[7]["loaded"] is False
PY
run -l "String operators" -o json_output=false >out
expect_grep "^Priority: Warning$" out "-l priority after override"
expect_grep '^Condition: tp.s = "n=0" or .* tp.s regex "n=5|x"$' out "-l condition"
expect_grep '^ and not tp.s = "n=4"$' out "-l condition after override append (textual, after the folded newline)"
run -l "No such rule" >out
expect_eq "$?" 2 "-l of an unknown rule"

# 7. Broken files: file:line:col, the item, the reason, exit code 3; nothing runs.
broken() { # broken NAME EXPECTED_LINE  (rules text on stdin)
	cat >"$1.yaml"
	"$vigil" -c tp.yaml -o json_output=false -V "$1.yaml" >out 2>&1
	expect_eq "$?" 3 "$1: -V exit code"
	expect_grep "^error: $2" out "$1: error line"
	"$vigil" -c tp.yaml -r "$1.yaml" >out 2>err
	expect_eq "$?" 3 "$1: start exit code"
	expect_eq "$(cat out)" "" "$1: no alerts"
}
broken yaml "yaml.yaml:3:1: did not find expected ',' or ']' while parsing a flow sequence \[LOAD_ERR_YAML_PARSE\]$" <<'YAML'
- rule: Y
  desc: [unclosed
YAML
broken escape "escape.yaml:5:14: rule 'E': condition: invalid escape sequence '\\\\q' in string at 1:22 \[LOAD_ERR_COMPILE_CONDITION\]$" <<'YAML'
- rule: E
  desc: d
  output: o
  priority: INFO
  condition: tp.n = 1 or tp.s = "a\qb"
  source: tp
YAML
broken literal "literal.yaml:3:14: rule 'T': condition: invalid uint64 value 'abc' for 'tp.n' at 1:8 \[LOAD_ERR_COMPILE_CONDITION\]$" <<'YAML'
- rule: T
  desc: d
  condition: tp.n = abc
  output: o
  priority: INFO
  source: tp
YAML
broken output "output.yaml:4:11: rule 'O': output: invalid formatting token '%tp.zzz': unknown field \[LOAD_ERR_COMPILE_OUTPUT\]$" <<'YAML'
- rule: O
  desc: d
  condition: tp.n = 1
  output: "bad %tp.zzz here"
  priority: INFO
  source: tp
YAML
broken macro "macro.yaml:6:14: rule 'U': Undefined macro 'nosuch_macro' used in filter. \[LOAD_ERR_VALIDATE\]$" <<'YAML'
- macro: m
  condition: tp.n = 1
- rule: U
  desc: d
  output: o
  condition: m and not nosuch_macro
  priority: INFO
  source: tp
YAML
broken priority "priority.yaml:5:13: rule 'P': Invalid priority level: LOUD \[LOAD_ERR_YAML_VALIDATE\]$" <<'YAML'
- rule: P
  desc: d
  condition: tp.n = 1
  output: o
  priority: LOUD
  source: tp
YAML
broken missing "missing.yaml:2:3: rule 'M': Item has no mapping for key 'output' \[LOAD_ERR_YAML_VALIDATE\]$" <<'YAML'
# a rule without output
- rule: M
  desc: d
  condition: tp.n = 1
  priority: INFO
  source: tp
YAML
broken override "override.yaml:1:3: rule 'Ov': An override is defined but no rule by that name already exists \[LOAD_ERR_VALIDATE\]$" <<'YAML'
- rule: Ov
  condition: and tp.n = 2
  override: {condition: append}
YAML
broken regex "regex.yaml:3:14: rule 'R': condition: invalid regex '(unclosed' (offset 9): missing closing parenthesis at 1:12 \[LOAD_ERR_COMPILE_CONDITION\]$" <<'YAML'
- rule: R
  desc: d
  condition: tp.s regex "(unclosed"
  output: o
  priority: INFO
  source: tp
YAML
# The first error of a later file names that file; the earlier file loaded fine.
"$vigil" -c tp.yaml -o json_output=false -V features.yaml -V missing.yaml >out 2>&1
expect_eq "$?" 3 "second file broken: exit code"
expect_grep "^error: missing.yaml:2:3:" out "second file broken: names it"

# 8. The example plugins (jsonl_tail source + jsonl_meta extractor) on a JSON-lines file. Their
# events carry the wall-clock time, which is masked as T; everything else is compared exactly.
cat >jsonl_vigil.yaml <<YAML
engine:
  kind: nodriver
plugins:
  - name: jsonl_tail
    library_path: $examples/libjsonl_tail.so
    init_config: {follow: false}
    open_params: app.jsonl
  - name: jsonl_meta
    library_path: $examples/libjsonl_meta.so
load_plugins: [jsonl_tail, jsonl_meta]
rule_matching: all
YAML
mask_time() {
	sed -E -e 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: /T: /' -e 's/"output":"[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: /"output":"T: /' \
		-e 's/"evt.time":[0-9]+,/"evt.time":T,/' -e 's/"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z"/"time":"T"/'
}
"$vigil" -c jsonl_vigil.yaml -r jsonl.yaml >out 2>err
expect_eq "$?" 0 "jsonl run exit code ($(head -c 300 err))"
expect_eq "$(mask_time <out)" "T: Notice odd (msg=login 42 svc=<NA>)
T: Warning admin bob the admin read /etc/shadow (file=shadow level=warning)
T: Error error (msg=open Failed user=carol time=1700000000500000000)
T: Notice odd (msg=x svc=Web-Frontend)" "jsonl text alerts"
"$vigil" -c jsonl_vigil.yaml -r jsonl.yaml -o json_output=true >out 2>err
expect_eq "$(mask_time <out)" '{"hostname":"h1","output":"T: Notice odd (msg=login 42 svc=<NA>)","output_fields":{"evt.time":T,"jsonl.value[msg]":"login 42","jsonl.value[svc.name]":null},"priority":"Notice","rule":"Odd message text","source":"jsonl","tags":[],"time":"T"}
{"hostname":"h1","output":"T: Warning admin bob the admin read /etc/shadow (file=shadow level=warning)","output_fields":{"evt.time":T,"jmeta.level":"warning","jmeta.user":"bob the admin","jsonl.value[path]":"/etc/shadow"},"priority":"Warning","rule":"Admin touched a secret path","source":"jsonl","tags":["files"],"time":"T"}
{"hostname":"h1","output":"T: Error error (msg=open Failed user=carol time=1700000000500000000)","output_fields":{"evt.time":T,"jmeta.time":1700000000500000000,"jmeta.user":"carol","jsonl.value[msg]":"open Failed"},"priority":"Error","rule":"Error with a decoded payload","source":"jsonl","tags":["errors"],"time":"T"}
{"hostname":"h1","output":"T: Notice odd (msg=x svc=Web-Frontend)","output_fields":{"evt.time":T,"jsonl.value[msg]":"x","jsonl.value[svc.name]":"Web-Frontend"},"priority":"Notice","rule":"Odd message text","source":"jsonl","tags":[],"time":"T"}' "jsonl JSON alerts"

finish
