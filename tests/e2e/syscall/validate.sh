#!/usr/bin/env bash
# vigil -V on the default syscall rules, with the syscall plugins loaded (no root needed: -V
# opens no source). They must load without errors or warnings, and a copy with one field vigil
# does not provide must be refused, so the check is known to look at fields.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
e2e_require_built
e2e_write_config

validate() {
	timeout -k 5 60 "$VIGIL_BIN" -c "$E2E_WORK/vigil.yaml" -o json_output=false -V "$1" >"$E2E_WORK/validate.out" 2>&1
	VALIDATE_RC=$?
	cat "$E2E_WORK/validate.out"
}

validate "$E2E_RULES"
if [ "$VALIDATE_RC" -eq 124 ]; then
	e2e_fail "vigil -V did not return within 60s"
elif [ "$VALIDATE_RC" -ne 0 ]; then
	e2e_fail "vigil -V refused $E2E_RULES (status $VALIDATE_RC)"
elif grep -q "LOAD_" "$E2E_WORK/validate.out"; then
	e2e_fail "the default rules load with warnings"
else
	E2E_PASSES=$((E2E_PASSES + 1))
fi

BROKEN=$E2E_WORK/broken_rules.yaml
sed 's|and fd.name = /etc/ld.so.preload|and fd.name = /etc/ld.so.preload and container.image.repository = x|' \
	"$E2E_RULES" >"$BROKEN"
grep -q container.image.repository "$BROKEN" || e2e_fail "could not prepare the broken copy"
validate "$BROKEN"
if [ "$VALIDATE_RC" -eq 0 ] || [ "$VALIDATE_RC" -eq 124 ]; then
	e2e_fail "vigil -V accepted a rule using container.image.repository (status $VALIDATE_RC)"
elif ! grep -q "container.image.repository" "$E2E_WORK/validate.out"; then
	e2e_fail "the refusal does not name the unknown field"
else
	E2E_PASSES=$((E2E_PASSES + 1))
fi
e2e_finish
