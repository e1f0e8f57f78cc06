#!/bin/sh
# make lint: architecture and hygiene rules that a compiler does not check.
#  - only src/tui may include curses, only src/proxy microhttpd, only
#    src/http and src/proxy curl (the proxy forwards with it);
#  - no banned functions (sprintf, strcpy, strcat, gets, atoi, strtok);
#  - no printing from library modules below src/cli (stdout/stderr);
#  - shell scripts pass shellcheck (when installed);
#  - the man page lints clean with groff (when installed).
set -u
cd "$(dirname "$0")/.." || exit 2
fail=0
bad() { echo "lint: $*"; fail=1; }

for f in src/*.c src/*/*.c src/*/*.h include/mr/*.h; do
	[ -f "$f" ] || continue
	case $f in
	src/tui/*) ;;
	*) grep -Hn '#include <n\{0,1\}curses' "$f" && bad "$f includes curses" ;;
	esac
	case $f in
	src/proxy/*) ;;
	*) grep -Hn '#include <microhttpd.h>' "$f" && bad "$f includes microhttpd" ;;
	esac
	case $f in
	src/http/* | src/proxy/*) ;;
	*) grep -Hn '#include <curl/' "$f" && bad "$f includes curl" ;;
	esac
	grep -HnE '\b(sprintf|vsprintf|strcpy|strcat|gets|atoi|atol|strtok)\(' "$f" &&
	    bad "$f uses a banned function"
	case $f in
	src/cli/* | src/main.c | src/tui/*) ;;
	src/*) grep -HnE '\b(printf|puts|putchar)\(|\b(stdout|stderr)\b' "$f" |
	    grep -v 'lint: allow' &&
	    bad "$f prints from a library module" ;;
	esac
done
if command -v shellcheck >/dev/null 2>&1; then
	shellcheck -s sh tools/*.sh tests/*.sh tests/cli/*.sh bench/run.sh \
	    fuzz/run.sh .ci/run || bad "shellcheck"
fi
if command -v groff >/dev/null 2>&1; then
	w=$(groff -man -ww -z man/model-router.1 2>&1)
	[ -z "$w" ] || bad "man page: $w"
fi
[ "$fail" -eq 0 ] && echo "lint: clean"
exit "$fail"
