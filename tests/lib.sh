# Shared helpers for tests/cli/t-*.sh (POSIX sh).
#
# Every command runs hermetically: its own HOME, LC_ALL=C, TZ=UTC, no
# MODEL_ROUTER_HOME.  check NAME CMD... compares stdout, stderr and the exit
# status with tests/golden/NAME.{out,err,rc}; UPDATE_GOLDEN=1 rewrites them.
# CHECK_SED, when set, is one more sed -E script run over both outputs
# first (for values that change from run to run: ports, free space).
set -u
: "${MR:=build/model-router}"
TOP=$(pwd)
GOLDEN="$TOP/tests/golden"
T=$(mktemp -d "${TMPDIR:-/tmp}/mr-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/home"
n_fail=0

hermetic() {
	env -i PATH="/usr/bin:/bin" HOME="$T/home" LC_ALL=C TZ=UTC "$@"
}

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; n_fail=$((n_fail + 1)); }

# check NAME CMD... : golden stdout/stderr/status
check() {
	name=$1
	shift
	hermetic "$@" >"$T/out" 2>"$T/err" </dev/null
	echo $? >"$T/rc"
	sed "s|$T|\$TMP|g; s|$TOP|\$TOP|g" "$T/err" |
	    sed -E "${CHECK_SED:-}" >"$T/err.n"
	sed "s|$T|\$TMP|g; s|$TOP|\$TOP|g" "$T/out" |
	    sed -E "${CHECK_SED:-}" >"$T/out.n"
	mv "$T/out.n" "$T/out"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$T/out" "$GOLDEN/$name.out"
		cp "$T/err.n" "$GOLDEN/$name.err"
		cp "$T/rc" "$GOLDEN/$name.rc"
	fi
	for k in out rc; do
		if ! cmp -s "$T/$k" "$GOLDEN/$name.$k"; then
			not_ok "$name ($k differs)"
			diff -u "$GOLDEN/$name.$k" "$T/$k" | head -n 30
			return
		fi
	done
	if ! cmp -s "$T/err.n" "$GOLDEN/$name.err"; then
		not_ok "$name (stderr differs)"
		diff -u "$GOLDEN/$name.err" "$T/err.n" | head -n 30
		return
	fi
	ok "$name"
}

# expect_rc WANT NAME CMD... : only the exit status
expect_rc() {
	want=$1
	name=$2
	shift 2
	hermetic "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else
		not_ok "$name (exit $rc, wanted $want)"
		head -n 5 "$T/err"
	fi
}

# expect_grep PATTERN NAME CMD... : stdout+stderr matches PATTERN
expect_grep() {
	pat=$1
	name=$2
	shift 2
	hermetic "$@" >"$T/out" 2>&1 </dev/null
	if grep -q -- "$pat" "$T/out"; then ok "$name"; else
		not_ok "$name (no '$pat')"
		head -n 10 "$T/out"
	fi
}

finish() {
	[ "$n_fail" -eq 0 ]
}
