#!/bin/sh
# Runs every fuzz target for SECONDS each (make fuzz FUZZ_SECONDS=N).
set -u
secs=${1:-60}
cd "$(dirname "$0")/.." || exit 2
rc=0
for t in build/fuzz/fuzz-*; do
	[ -x "$t" ] || continue
	n=$(basename "$t" | sed 's/^fuzz-//')
	mkdir -p "build/fuzz/corpus-$n"
	dict=""
	[ -f "fuzz/$n.dict" ] && dict="-dict=fuzz/$n.dict"
	echo "fuzz: $n for ${secs}s"
	# shellcheck disable=SC2086
	"$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
	    -artifact_prefix=build/fuzz/ $dict "build/fuzz/corpus-$n" "fuzz/corpus/$n" \
	    2>"build/fuzz/$n.log" || { rc=1; tail -n 30 "build/fuzz/$n.log"; }
	tail -n 1 "build/fuzz/$n.log"
done
exit $rc
