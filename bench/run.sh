#!/bin/sh
# make bench: in-process router timings and whole-process CLI timings,
# as one JSON document on stdout (also saved under bench/results/).
set -u
cd "$(dirname "$0")/.." || exit 2
B=${MR_BUILD:-build}
MR="$B/model-router"
mkdir -p bench/results
out=bench/results/bench-$(date -u +%Y%m%dT%H%M%SZ).json

# Whole process: N runs, median wall time in ms (bench-exec reads the
# clock around fork and wait; a shell's date(1) would add its own start).
proc_ms() {	# proc_ms N ARGS...
	n=$1
	shift
	"$B/bench/bench-exec" "$n" "$MR" "$@" |
	    sed -n 's/.*"median": \([0-9.]*\).*/\1/p'
}

inproc=$("$B/bench/bench-router") || exit 1
scan=$("$B/bench/bench-scan") || exit 1
proxy=$("$B/bench/bench-proxy" "$MR") || exit 1
HOME=$(mktemp -d)
export HOME
d1=$(proc_ms 200 decide "fix the repo and run tests")
d2=$(proc_ms 200 decide --json "drop the production database")
d3=$(proc_ms 100 dispatch-plan --json "Design a distributed task scheduler")
d4=$(proc_ms 100 validate-config --json)
rm -rf "$HOME"
hf=""
if command -v hyperfine >/dev/null 2>&1; then
	hf=$(hyperfine -N --warmup 20 --runs 300 --export-json /dev/stdout \
	    "$MR decide --json 'fix the repo and run tests'" 2>/dev/null |
	    awk -F': ' '/"median"/ { gsub(/,/, "", $2); printf "%.3f", $2 * 1000; exit }')
fi

{
	echo "{"
	echo "  \"in_process\": $(echo "$inproc" | sed '1!s/^/  /'),"
	echo "  \"discovery\": $(echo "$scan" | sed '1!s/^/  /'),"
	echo "  \"proxy\": $(echo "$proxy" | sed '1!s/^/  /'),"
	echo "  \"process_ms\": {"
	echo "    \"decide\": ${d1:-null},"
	echo "    \"decide_json\": ${d2:-null},"
	echo "    \"dispatch_plan_json\": ${d3:-null},"
	echo "    \"validate_config_json\": ${d4:-null},"
	echo "    \"decide_json_hyperfine_median\": ${hf:-null},"
	echo "    \"target\": 5, \"met\": $(awk -v a="$d2" 'BEGIN { print (a != "" && a <= 5) ? "true" : "false" }'), \"reference\": 160"
	echo "  }"
	echo "}"
} | tee "$out"
