#!/usr/bin/env bash
# Upstream compatibility: Falco's own k8s_audit_rules.yaml (falcosecurity/plugins, not in this
# repository: point VIGIL_UPSTREAM_K8S_RULES at a copy) must load unchanged with vigil's k8saudit
# and json plugins and fire on matching audit events posted like kube-apiserver does.
set -uo pipefail
source "$(dirname "$0")/../lib.sh"
rules=${VIGIL_UPSTREAM_K8S_RULES:-}
[ -n "$rules" ] || skip "set VIGIL_UPSTREAM_K8S_RULES to a copy of upstream k8s_audit_rules.yaml"
[ -r "$rules" ] || skip "$rules is not readable"
vigil=${VIGIL_BIN:?}
build=${VIGIL_BUILD_DIR:?}
command -v curl >/dev/null || skip "curl is not installed"
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat >"$work/vigil.yaml" <<YAML
engine: {kind: nodriver}
json_output: true
rule_matching: all
plugins:
  - name: k8saudit
    library_path: $build/plugins/libk8saudit.so
    open_params: "http://127.0.0.1:$port/k8s-audit"
  - name: json
    library_path: $build/plugins/libjson.so
YAML

"$vigil" -c "$work/vigil.yaml" -V "$rules" >"$work/validate" 2>&1
expect_eq "$?" 0 "upstream k8s rules validate ($(grep -m3 -i error "$work/validate"))"
expect_grep '"successful":true' "$work/validate" "loaded without error"
expect_grep '"errors":\[\]' "$work/validate" "no load error"

"$vigil" -c "$work/vigil.yaml" -r "$rules" >"$work/alerts" 2>"$work/log" &
pid=$!
for _ in $(seq 100); do grep -q "vigil ready" "$work/log" && break; sleep 0.1; done
ts=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
event() { # event AUDIT_ID STAGE VERB URI RESOURCE NAME SUBRESOURCE CODE
	printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"%s","stage":"%s","requestURI":"%s","verb":"%s","user":{"username":"mallory","groups":["system:authenticated"]},"sourceIPs":["203.0.113.9"],"objectRef":{"resource":"%s","namespace":"prod","name":"%s","apiVersion":"v1"%s},"responseStatus":{"metadata":{},"code":%s},"requestReceivedTimestamp":"%s","stageTimestamp":"%s"}' \
		"$1" "$2" "$4" "$3" "$5" "$6" "${7:+,\"subresource\":\"$7\"}" "$8" "$ts" "$ts"
}
# kube-apiserver reports exec/attach at ResponseStarted (the stream stays open).
body="{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[$(event exec1 ResponseStarted create '/api/v1/namespaces/prod/pods/web-1/exec?command=sh' pods web-1 exec 101),$(event get1 ResponseComplete get /api/v1/namespaces/prod/secrets/db secrets db '' 200)]}"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$body" "http://127.0.0.1:$port/k8s-audit")
expect_eq "$code" 200 "webhook accepted the EventList"
for _ in $(seq 50); do grep -q '"rule":"K8s Secret Get Successfully"' "$work/alerts" && break; sleep 0.1; done
expect_grep '"rule":"Attach/Exec Pod"' "$work/alerts" "upstream rule fires on exec into a pod"
expect_grep '"rule":"K8s Secret Get Successfully"' "$work/alerts" "upstream rule fires on a secret read"
expect_grep '"ka.uri.param\[command\]":"sh"' "$work/alerts" "output fields extracted by k8saudit"
finish
