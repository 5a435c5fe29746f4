# Shared helpers for the end-to-end shell tests: source it, assert, then call `finish`.
# `finish` prints the closing "N passed, N failed" line that CI reads and sets the exit code.
pass=0
fails=0

ok() { pass=$((pass + 1)); }
bad() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
expect_eq() { if [ "$1" = "$2" ]; then ok; else bad "$3: expected '$2', got '$1'"; fi; }
expect_grep() { if grep -q -- "$1" "$2"; then ok; else bad "$3: '$1' not in $(head -c 400 "$2")"; fi; }
expect_no_grep() { if grep -q -- "$1" "$2"; then bad "$3: '$1' unexpectedly in $2"; else ok; fi; }

# skip REASON: exit code 77 tells ctest the test was skipped.
skip() {
	echo "SKIP: $*"
	exit 77
}

finish() {
	echo "$pass passed, $fails failed"
	[ "$fails" -eq 0 ]
}
