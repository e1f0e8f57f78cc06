#!/bin/sh
# setup scan end to end: a fixture home and /proc written by scan-fixture,
# fake model servers on 127.0.0.1 (fake-server), golden text and JSON.
. tests/lib.sh
B=${MR_BUILD:-build}
FS="$B/tests/fake-server"
FX="$B/tests/scan-fixture"

"$FX" home "$T/fx" || not_ok "scan-fixture writes the fixture"

# The servers serve until the pipe closes (or 60 s pass, whatever happens).
mkfifo "$T/ctl"
: >"$T/ports"
"$FS" --lifetime 60 lmstudio ollama llamacpp loading vllm html hang \
    <"$T/ctl" >"$T/ports" 2>&1 &
fs_pid=$!
exec 9>"$T/ctl"
trap 'exec 9>&-; kill "$fs_pid" 2>/dev/null; wait "$fs_pid" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while [ "$(wc -l <"$T/ports")" -lt 7 ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

urls=
CHECK_SED=
while read -r kind port; do
	urls="$urls http://127.0.0.1:$port"
	CHECK_SED="${CHECK_SED}s/127\\.0\\.0\\.1:$port\\b/127.0.0.1:<$kind>/g;"
done <"$T/ports"
# a closed port: refused
urls="$urls http://127.0.0.1:9"
# free space changes from run to run
CHECK_SED="${CHECK_SED}s/ +[0-9.]+ (B|KiB|MiB|GiB|TiB)\$/ <free>/;s/ +FREE\$/ <free>/;"
CHECK_SED="$CHECK_SED"'s/"free_bytes": [0-9]+/"free_bytes": <free>/;'
# the folder table's widths follow the length of the temporary folder
CHECK_SED="${CHECK_SED}/^  (FOLDER|\\\$TMP)/s/  +/  /g"

# check runs a command, not a function: the scan's environment as words
set -- env HOME="$T/fx/home" MODEL_ROUTER_SYSROOT="$T/fx/sys" \
    MODEL_ROUTER_DEFAULT_SERVERS="$urls" "$MR" setup scan

check scan-text "$@" --timeout 1
check scan-json "$@" --timeout 1 --json
check scan-given-dirs "$@" --no-servers --no-default-dirs \
    --model-dir "$T/fx/disk" --model-dir "$T/fx/disk/lms" \
    --model-dir "$T/fx/nowhere"
check scan-nothing "$@" --no-servers --no-default-dirs
check setup-help "$MR" setup --help
check setup-scan-help "$MR" setup scan --help
check setup-no-action "$MR" setup
check setup-bad-action "$MR" setup scna
check scan-bad-timeout "$MR" setup scan --timeout 0
check scan-bad-server "$MR" setup scan --server ftp://127.0.0.1:1
check scan-bad-option "$MR" setup scan --deep
check scan-stray-argument "$MR" setup scan models

# The scan waits for a hanging server no longer than its timeout: with
# one server that never answers and --timeout 0.3 it ends in well under
# the hang (this bounds the test, the benchmark measures it).
hang=$(sed -n 's/^hang //p' "$T/ports")
start=$(date +%s)
hermetic env HOME="$T/fx/home" MODEL_ROUTER_SYSROOT="$T/fx/sys" \
    MODEL_ROUTER_DEFAULT_SERVERS= "$MR" setup scan --no-default-dirs \
    --timeout 0.3 --server "http://127.0.0.1:$hang" >"$T/out" 2>&1
end=$(date +%s)
if [ $((end - start)) -le 5 ] && grep -q "no answer in time" "$T/out"; then
	ok "a hanging server is given up on"
else
	not_ok "a hanging server is given up on ($((end - start)) s)"
fi

finish
