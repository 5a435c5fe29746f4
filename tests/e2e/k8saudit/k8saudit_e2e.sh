#!/usr/bin/env bash
# End to end: vigil with the k8saudit and json plugins and rulesets/k8s_audit_rules.yaml.
# A kube-apiserver-like client (curl) posts audit EventLists over http and https; bad requests
# must be refused with the right status and never stop vigil from alerting. Then the same
# events through a read-once file and a followed (rotated, truncated) log file.
# Exit 77 = skipped (no vigil binary, no curl/openssl).
set -u

BIN=${VIGIL_BIN:-}
SRC=${VIGIL_SOURCE_DIR:?}
BUILD=${VIGIL_BUILD_DIR:?}
DATA=$SRC/tests/unit/k8saudit/data
RULES=$SRC/rulesets/k8s_audit_rules.yaml
[ -x "$BIN" ] || { echo "SKIP: vigil binary not found ($BIN)"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl missing"; exit 77; }
command -v openssl >/dev/null || { echo "SKIP: openssl missing"; exit 77; }

WORK=$(mktemp -d /tmp/vigil-k8s-e2e.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000))
}

# write_config OPEN_PARAMS [INIT_CONFIG_YAML_LINES]
write_config() {
	local params=$1 init=${2:-}
	cat > "$WORK/vigil.yaml" <<YAML
plugins:
  - name: k8saudit
    library_path: $BUILD/plugins/libk8saudit.so
    init_config:
      maxEventSize: 262144
$init
    open_params: "$params"
  - name: json
    library_path: $BUILD/plugins/libjson.so
load_plugins: [k8saudit, json]
rules_files: [$RULES]
engine:
  kind: nodriver
json_output: true
rule_matching: all
stdout_output:
  enabled: true
YAML
}

# start_vigil OPEN_PARAMS [INIT_CONFIG_YAML_LINES]
start_vigil() {
	write_config "$@"
	: > "$WORK/out.log"
	"$BIN" -c "$WORK/vigil.yaml" -U > "$WORK/out.log" 2> "$WORK/err.log" &
	PID=$!
}

stop_vigil() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	PID=
}

wait_http() { # URL [curl options]: until the server answers anything
	local url=$1; shift
	for _ in $(seq 100); do
		kill -0 "$PID" 2>/dev/null || { echo "vigil exited:"; cat "$WORK/err.log"; return 1; }
		curl -s -o /dev/null "$@" "$url" && return 0
		sleep 0.1
	done
	return 1
}

post() { # URL FILE [curl options] -> prints the status code
	local url=$1 file=$2; shift 2
	curl -s -o "$WORK/resp.txt" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		--data-binary "@$file" "$@" "$url"
}

count_rule() { grep -c "\"rule\":\"$1\"" "$WORK/out.log" || true; }

wait_rule() { # RULE COUNT: wait up to 5 s for COUNT alerts of RULE
	for _ in $(seq 50); do
		[ "$(count_rule "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

expect_rule() { # RULE COUNT
	if wait_rule "$1" "$2" && [ "$(count_rule "$1")" -eq "$2" ]; then
		ok "$1 x$2"
	else
		fail "$1: expected $2 alerts, got $(count_rule "$1")"
	fi
}

# One EventList with every fixture: each event trips known rules.
make_batch() {
	local out=$1 first=1
	printf '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[' > "$out"
	for f in pod_create exec_pod crb_create clusterrole_create service_nodeport configmap_create; do
		[ $first = 1 ] || printf ',' >> "$out"
		first=0
		tr -d '\n' < "$DATA/$f.json" >> "$out"
	done
	printf ']}' >> "$out"
}

check_batch_alerts() { # MULTIPLIER
	local m=$1
	expect_rule "K8s Privileged Container Started" "$m"
	expect_rule "K8s Pod Shares Host Network" "$m"
	expect_rule "K8s Pod Shares Host IPC" "$m"
	expect_rule "K8s Pod Shares Host PID" 0
	expect_rule "K8s Pod Mounts Sensitive Host Path" "$m"
	expect_rule "K8s Exec or Attach Into Pod" "$m"
	expect_rule "K8s Binding To cluster-admin" "$m"
	expect_rule "K8s Role With Wildcard Created" "$m"
	expect_rule "K8s Role With Pod Exec Created" "$m"
	expect_rule "K8s Role With Write Access Created" "$m"
	expect_rule "K8s NodePort Service Created" "$m"
	expect_rule "K8s ConfigMap Holds Credentials" "$m"
	expect_rule "K8s Object Created" $((4 * m))
}

make_batch "$WORK/batch.json"

# Preflight: the engine must raise alerts at all (a trivial rule on a one-line file).
tr -d '\n' < "$DATA/pod_create.json" > "$WORK/one.jsonl"; echo >> "$WORK/one.jsonl"
cat > "$WORK/sanity.yaml" <<'YAML'
- rule: e2e sanity
  desc: any create
  condition: ka.verb = create
  output: "sanity %ka.user.name"
  priority: WARNING
  source: k8s_audit
YAML
write_config "$WORK/one.jsonl"
timeout 20 "$BIN" -c "$WORK/vigil.yaml" -r "$WORK/sanity.yaml" -U > "$WORK/out.log" 2> "$WORK/err.log"
if ! grep -q "sanity ci-deployer" "$WORK/out.log"; then
	echo "SKIP: vigil raised no alert for a trivial k8s_audit rule (rule engine not wired yet?)"
	tail -5 "$WORK/err.log"
	exit 77
fi

# ---- http ----
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/k8s-audit"
start_vigil "http://127.0.0.1:$PORT/k8s-audit"
wait_http "$URL" || { fail "webhook did not come up"; exit 1; }
[ "$(post "$URL" "$WORK/batch.json")" = 200 ] && ok "EventList accepted" || fail "EventList refused: $(cat "$WORK/resp.txt")"
check_batch_alerts 1

code=$(curl -s -o "$WORK/resp.txt" -w '%{http_code}' "$URL")
[ "$code" = 405 ] && ok "GET -> 405" || fail "GET -> $code"
code=$(curl -s -o "$WORK/resp.txt" -w '%{http_code}' -X POST -H 'Content-Type: text/plain' --data-binary "@$WORK/batch.json" "$URL")
[ "$code" = 400 ] && grep -q "wrong Content Type" "$WORK/resp.txt" && ok "text/plain -> 400" || fail "text/plain -> $code"
head -c 13000000 /dev/zero | tr '\0' ' ' > "$WORK/huge.json"
code=$(post "$URL" "$WORK/huge.json")
[ "$code" = 413 ] && ok "13 MB body -> 413" || fail "13 MB body -> $code"
head -c 700 "$WORK/batch.json" > "$WORK/truncated.json"
code=$(post "$URL" "$WORK/truncated.json")
[ "$code" = 400 ] && ok "truncated JSON -> 400" || fail "truncated JSON -> $code"
python3 -c 'import sys; sys.stdout.write("["*100000 + "]"*100000)' > "$WORK/deep.json" 2>/dev/null ||
	{ printf '%*s' 100000 '' | tr ' ' '[' > "$WORK/deep.json"; printf '%*s' 100000 '' | tr ' ' ']' >> "$WORK/deep.json"; }
code=$(post "$URL" "$WORK/deep.json")
[ "$code" = 400 ] && ok "deeply nested JSON -> 400" || fail "deeply nested JSON -> $code"
printf '{"kind":"Event","auditID":"u8","stage":"ResponseComplete","verb":"get","user":{"username":"\xff\xfebad"},"objectRef":{"resource":"secrets","namespace":"default","name":"db"},"responseStatus":{"code":200},"stageTimestamp":"2024-05-01T10:00:00Z"}' > "$WORK/utf8.json"
code=$(post "$URL" "$WORK/utf8.json")
[ "$code" = 200 ] && ok "invalid UTF-8 accepted" || fail "invalid UTF-8 -> $code"
expect_rule "K8s Secret Read" 1
# ~10 MB EventList of secret reads
{
	printf '{"kind":"EventList","items":['
	for i in $(seq 9000); do
		[ "$i" = 1 ] || printf ','
		printf '{"kind":"Event","auditID":"big-%d","stage":"ResponseComplete","verb":"get","user":{"username":"bulk"},"objectRef":{"resource":"secrets","namespace":"default","name":"s%d"},"responseStatus":{"code":200},"userAgent":"%0900d","stageTimestamp":"2024-05-01T10:00:00Z"}' "$i" "$i" 0
	done
	printf ']}'
} > "$WORK/ten.json"
code=$(post "$URL" "$WORK/ten.json")
[ "$code" = 200 ] && ok "$(stat -c %s "$WORK/ten.json")-byte EventList accepted" || fail "10 MB EventList -> $code"
for _ in $(seq 100); do [ "$(count_rule "K8s Secret Read")" -ge 9001 ] && break; sleep 0.1; done
expect_rule "K8s Secret Read" 9001
# still alive and alerting after all of that
[ "$(post "$URL" "$WORK/batch.json")" = 200 ] || fail "second EventList refused"
kill -0 "$PID" 2>/dev/null && ok "vigil still running" || fail "vigil died"
check_batch_alerts 2
stop_vigil

# ---- https (single PEM, as Falco configures it) ----
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1
cat "$WORK/cert.pem" "$WORK/key.pem" > "$WORK/both.pem"
PORT=$(free_port)
URL="https://127.0.0.1:$PORT/k8s-audit"
start_vigil "https://127.0.0.1:$PORT/k8s-audit" "      sslCertificate: $WORK/both.pem"
wait_http "$URL" --cacert "$WORK/cert.pem" || { fail "https webhook did not come up"; exit 1; }
[ "$(post "$URL" "$WORK/batch.json" --cacert "$WORK/cert.pem")" = 200 ] && ok "https EventList accepted" || fail "https EventList refused"
check_batch_alerts 1
stop_vigil

# ---- read-once file ----
for f in pod_create exec_pod crb_create clusterrole_create service_nodeport configmap_create; do
	tr -d '\n' < "$DATA/$f.json"; echo
done > "$WORK/audit.jsonl"
start_vigil "$WORK/audit.jsonl"
for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$PID" 2>/dev/null && fail "vigil did not exit at the end of the file"
PID=
check_batch_alerts 1

# ---- followed file: append, rotate, truncate ----
: > "$WORK/kube.log"
start_vigil "file://$WORK/kube.log"
sleep 1
cat "$WORK/audit.jsonl" >> "$WORK/kube.log"
check_batch_alerts 1
mv "$WORK/kube.log" "$WORK/kube.log.1"
cp "$WORK/audit.jsonl" "$WORK/kube.log"
check_batch_alerts 2
: > "$WORK/kube.log"
sleep 0.5
cat "$WORK/audit.jsonl" >> "$WORK/kube.log"
check_batch_alerts 3
stop_vigil

[ "$FAILS" = 0 ] && echo "all k8saudit e2e checks passed" || echo "$FAILS k8saudit e2e checks failed"
[ "$FAILS" = 0 ]
