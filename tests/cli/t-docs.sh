#!/bin/sh
# Docs and completions cannot drift from the command table: every command of
# `$MR __commands` and every option of `$MR __options CMD` must appear in the
# command's --help, in the man page and in the three completion files.
#
# Run from anywhere: sh tests/cli/t-docs.sh   (MR=path/to/model-router)
# Prints one "ok - ..." or "not ok - ..." line per check; exits 1 if any
# check failed.  Run it (or source it in a subshell): it ends with exit.
# The helpers below are called through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
set -u

# The source tree: the current directory if it is the tree, else the one
# this script is in.
if [ -f man/model-router.1 ] && [ -d completions ]; then
	ROOT=.
else
	ROOT=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
fi
# The binary: $MR, else model-router in $MR_BUILD (as `make check` sets
# it), else build/model-router.
if [ -z "${MR:-}" ]; then
	case ${MR_BUILD:=build} in
	/*) MR=$MR_BUILD/model-router ;;
	*) MR=$ROOT/$MR_BUILD/model-router ;;
	esac
fi
MAN=$ROOT/man/model-router.1
BASHC=$ROOT/completions/model-router.bash
ZSHC=$ROOT/completions/_model-router
FISHC=$ROOT/completions/model-router.fish

docs_failed=0
docs_tmp=${TMPDIR:-/tmp}/t-docs.$$
trap 'rm -f "$docs_tmp"' EXIT INT TERM

ok() {
	echo "ok - $*"
}

not_ok() {
	echo "not ok - $*"
	docs_failed=1
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	docs_what=$1
	shift
	if "$@"; then
		ok "$docs_what"
	else
		not_ok "$docs_what"
	fi
}

has() {
	grep -qF -e "$1" -- "$2" 2>/dev/null
}

# The man page writes options as \-\-name; accept --name as well.
man_has_option() {
	docs_esc=$(printf '%s\n' "$1" | sed 's/-/\\-/g')
	has "$docs_esc" "$MAN" || has "$1" "$MAN"
}

# A ".SS name" line, quoted or not, with - or \- in the name.
man_has_section() {
	sed -e 's/\\-/-/g' -e 's/"//g' -- "$MAN" 2>/dev/null |
	    grep -qx -e "\\.SS $1"
}

help_has() {
	grep -qF -e "$1" -- "$docs_tmp"
}

if [ ! -x "$MR" ]; then
	not_ok "the binary $MR is built"
	exit 1
fi

docs_cmds=$("$MR" __commands)
check "$MR __commands lists commands" test -n "$docs_cmds"

for f in "$MAN" "$BASHC" "$ZSHC" "$FISHC"; do
	check "$f exists" test -s "$f"
done

if command -v groff >/dev/null 2>&1; then
	docs_lint=$(groff -man -ww -z "$MAN" 2>&1)
	if [ -z "$docs_lint" ]; then
		ok "groff -man -ww -z is silent on the man page"
	else
		not_ok "groff -man -ww -z is silent on the man page"
		printf '%s\n' "$docs_lint" | sed 's/^/# /'
	fi
else
	echo "ok # skip groff -man -ww -z (groff is not installed)"
fi

if command -v bash >/dev/null 2>&1; then
	check "bash -n accepts the bash completion" bash -n "$BASHC"
else
	echo "ok # skip bash -n (bash is not installed)"
fi

# One command a line; "setup scan" is two words, passed as two arguments.
while IFS= read -r cmd; do
	[ -n "$cmd" ] || continue
	# shellcheck disable=SC2086
	if "$MR" $cmd --help >"$docs_tmp" 2>&1; then
		ok "$cmd --help exits 0"
	else
		not_ok "$cmd --help exits 0"
	fi
	check "$cmd --help mentions $cmd" help_has "$cmd"
	check "the man page has .SS $cmd" man_has_section "$cmd"
	for f in "$BASHC" "$ZSHC" "$FISHC"; do
		for word in $cmd; do
			check "${f##*/} has $cmd ($word)" has "$word" "$f"
		done
	done

	# shellcheck disable=SC2086
	if ! docs_opts=$("$MR" __options $cmd); then
		not_ok "$MR __options $cmd"
		continue
	fi
	for opt in $docs_opts; do
		opt=${opt%=}
		check "the man page has $cmd $opt" man_has_option "$opt"
		check "$cmd --help has $opt" help_has "$opt"
		docs_missing=
		for f in "$BASHC" "$ZSHC" "$FISHC"; do
			has "$opt" "$f" || docs_missing="$docs_missing ${f##*/}"
		done
		if [ -z "$docs_missing" ]; then
			ok "the completions have $cmd $opt"
		else
			not_ok "the completions have $cmd $opt (missing in:$docs_missing)"
		fi
	done
done <<EOF
$docs_cmds
EOF

exit "$docs_failed"
