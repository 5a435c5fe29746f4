#!/usr/bin/env bash
# Loads an upstream-style Falco rules file (e.g. falcosecurity/rules' falco_rules.yaml) with
# vigil's syscall plugins, offline: the file is named by VIGIL_UPSTREAM_RULES, nothing is
# fetched. The file must validate once two documented differences are applied to a copy:
#   * required_plugin_versions entries are dropped: upstream asks for Falco's `container`
#     plugin, whose container.id vigil's sysstate plugin provides;
#   * every rule gets `skip-if-unknown-filter: true`, so a rule using a field vigil does not
#     provide is dropped with a warning instead of failing the load.
# Every field vigil then reports as unknown must be in the documented list below (override it
# with VIGIL_UPSTREAM_UNSUPPORTED); anything else fails the test.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
[ -n "${VIGIL_UPSTREAM_RULES:-}" ] ||
	e2e_skip "set VIGIL_UPSTREAM_RULES to an upstream rules file (e.g. falco_rules.yaml) to run this test"
[ -r "$VIGIL_UPSTREAM_RULES" ] || e2e_skip "VIGIL_UPSTREAM_RULES=$VIGIL_UPSTREAM_RULES is not readable"
e2e_require_built
"$E2E_PY" -c "import yaml" 2>/dev/null || e2e_skip "PyYAML is needed to prepare the rules copy"

# Fields of Falco's container plugin (beyond container.id) and a few newer syscall fields that
# vigil does not provide (yet).
UNSUPPORTED=${VIGIL_UPSTREAM_UNSUPPORTED:-"container.name container.image container.image.repository
container.image.tag container.image.id container.privileged container.mounts container.mount
container.mount.dest container.mount.source container.start_ts container.type container.info
k8s.ns.name k8s.pod.name k8s.pod.uid k8s.pod.labels proc.exe_ino.ctime_duration_proc_start
proc.ppid.duration fd.types"}

PREPARED=$E2E_WORK/upstream_prepared.yaml
"$E2E_PY" - "$VIGIL_UPSTREAM_RULES" "$PREPARED" <<'PY' || { echo "FAIL: cannot prepare the rules copy"; exit 1; }
import sys, yaml
src, dst = sys.argv[1], sys.argv[2]
out = []
for doc in yaml.safe_load_all(open(src)):
    if not doc:
        continue
    for item in doc:
        if isinstance(item, dict) and "required_plugin_versions" in item:
            continue
        if isinstance(item, dict) and "rule" in item and "condition" in item and "append" not in item \
                and "override" not in item:
            item.setdefault("skip-if-unknown-filter", True)
        out.append(item)
yaml.safe_dump(out, open(dst, "w"), sort_keys=False, width=4096)
PY

e2e_write_config
timeout -k 5 90 "$VIGIL_BIN" -c "$E2E_WORK/vigil.yaml" -o json_output=false -V "$PREPARED" >"$E2E_WORK/validate.out" 2>&1
RC=$?
cat "$E2E_WORK/validate.out"
if [ "$RC" -ne 0 ]; then
	e2e_fail "vigil could not load $VIGIL_UPSTREAM_RULES (status $RC)"
else
	E2E_PASSES=$((E2E_PASSES + 1))
fi

# Field names vigil mentions as unknown, in conditions ("unknown field 'container.image.repository'")
# and in outputs ("invalid formatting token '%container.start_ts': unknown field").
{
	grep -io "unknown[a-z ]*field[^a-z]*[a-z][a-z0-9_]*\(\.[a-z0-9_]\+\)\+" "$E2E_WORK/validate.out" |
		grep -o "[a-z][a-z0-9_]*\(\.[a-z0-9_]\+\)\+$"
	grep -o "token '%[0-9]*[a-z][a-z0-9_]*\(\.[a-z0-9_]\+\)\+[^']*': unknown field" "$E2E_WORK/validate.out" |
		grep -o "%[0-9]*[a-z][a-z0-9_.]*" | sed 's/^%[0-9]*//'
} | sort -u >"$E2E_WORK/unknown_fields"
UNSUPPORTED_WORDS=" $(printf '%s' "$UNSUPPORTED" | tr -s ' \n\t' '   ') "
while read -r field; do
	case "$UNSUPPORTED_WORDS" in
	*" $field "*) e2e_log "documented unsupported field: $field" ;;
	*) e2e_fail "field '$field' used by upstream rules is missing and not documented as unsupported" ;;
	esac
done <"$E2E_WORK/unknown_fields"
e2e_finish
