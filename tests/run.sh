#!/bin/sh
# Runs every test suite and ends with the line "N passed, N failed".
#   unit tests (cmocka, TAP output), the routing corpus check, and the
#   hermetic CLI suites in tests/cli/t-*.sh (each prints ok / not ok lines).
# Environment: MR_BUILD (build dir, default build), UPDATE_GOLDEN=1.
set -u
cd "$(dirname "$0")/.." || exit 2
B=${MR_BUILD:-build}
MR="$PWD/$B/model-router"
export MR B
LOG=$(mktemp -d "${TMPDIR:-/tmp}/mr-tests.XXXXXX")
trap 'rm -rf "$LOG"' EXIT INT TERM
pass=0
fail=0

count() {	# count ok / not ok lines of a TAP-ish log
	p=$(grep -c '^ok ' "$1")
	f=$(grep -c '^not ok ' "$1")
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -gt 0 ]; then
		grep '^not ok ' "$1" | sed "s|^|  $2: |"
	fi
}

# Each suite that exits non-zero without printing "not ok" still fails once.
suite() {	# suite NAME CMD...
	name=$1
	shift
	out="$LOG/$(echo "$name" | tr '/ ' '__').log"
	"$@" >"$out" 2>&1
	rc=$?
	count "$out" "$name"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		fail=$((fail + 1))
		echo "  $name: exited $rc"
		tail -n 20 "$out" | sed 's/^/    /'
	fi
	printf '%-40s %s\n' "$name" "$(grep -c '^ok ' "$out") ok, $(grep -c '^not ok ' "$out") failed"
	case $name in
	corpus | differential) grep '^#' "$out" | sed 's/^/  /' ;;
	esac
	return 0
}

for t in "$B"/tests/test-*; do
	[ -x "$t" ] || continue
	suite "unit/$(basename "$t")" env CMOCKA_MESSAGE_OUTPUT=TAP "$t"
done
suite corpus "$B/tests/corpus-check" tests/fixtures/routing-corpus.jsonl \
    docs/routing-differences.md
# The scorer against a Python model of the reference (when python3 exists).
if command -v python3 >/dev/null 2>&1; then
	suite differential python3 tests/diff/run.py "$B/tests/score-lines" 5000 1 20
	suite portable-lexer python3 tests/diff/portable.py \
	    "$B/tests/score-lines" "$B/tests/score-lines-portable" 20000 1
else
	echo "differential, portable-lexer             skipped (no python3)"
fi
for t in tests/cli/t-*.sh; do
	[ -f "$t" ] || continue
	suite "cli/$(basename "$t" .sh)" sh "$t"
done

# Leak check of the CLI (not under sanitizers, which valgrind cannot host).
case $B in
*sanitize*) ;;
*) if command -v valgrind >/dev/null 2>&1; then
	suite valgrind env MR="$MR" sh tests/valgrind.sh
fi ;;
esac

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
