#!/bin/sh
# The background proxy: proxy start|status|logs|restart|stop with a pid
# file and a log under a hermetic home, a second instance refused, a stale
# pid file cleaned, SIGHUP reloads (a bad config refused), a bad config at
# start reported with file:line:col; an upstream TLS certificate that does
# not verify refused; and feedback labels.
. tests/lib.sh
B=${MR_BUILD:-build}
FS="$B/tests/fake-server"
H="$T/home/.model-router"
MRA=$(cd "$(dirname "$MR")" && pwd)/$(basename "$MR")

mkfifo "$T/ctl"
: >"$T/ports"
"$FS" --lifetime 60 llamacpp <"$T/ctl" >"$T/ports" 2>&1 &
fs_pid=$!
exec 9>"$T/ctl"
cleanup() {
	hermetic "$MRA" proxy stop --timeout 5 >/dev/null 2>&1
	exec 9>&-
	kill "$fs_pid" 2>/dev/null
	wait "$fs_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
i=0
while [ "$(wc -l <"$T/ports")" -lt 1 ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
read -r _ up <"$T/ports"

mkdir -p "$H"
good_config() {
	cat >"$H/routing_proxy.yaml" <<YAML
backends:
  local:
    base_url: http://127.0.0.1:$up/v1
    model: Qwen3-8B-Q4_K_M.gguf
engine_backends:
  fast_local: local
  balanced_local: local
  reasoning_local: local
  code_agent: local
  web_research: local
  multimodal_vision: local
  image_generation: local
YAML
}

# a config that does not load: the error at start, no pid file left
printf 'backends:\n  local: [1\n' >"$H/routing_proxy.yaml"
expect_rc 1 "start with a broken config fails" "$MRA" proxy start --port 0
expect_grep "routing_proxy.yaml:3:1" "the error names file:line:col" \
    "$MRA" proxy start --port 0
if [ -e "$H/proxy.pid" ]; then not_ok "no pid file after a failed start"
else ok "no pid file after a failed start"; fi

good_config
expect_grep "model-router-proxy started (pid [0-9]*): http://127.0.0.1:[0-9]*/v1" \
    "start" "$MRA" proxy start --port 0
expect_rc 1 "a second start is refused" "$MRA" proxy start --port 0
expect_grep "already running (pid [0-9]*" "and says which runs" \
    "$MRA" proxy start --port 0
expect_rc 0 "status: running" "$MRA" proxy status
expect_grep "backends:  local (ok)" "status reads /health" "$MRA" proxy status
expect_grep '"running": true' "status --json" "$MRA" proxy status --json
expect_grep "listening on http://127.0.0.1:" "logs" "$MRA" proxy logs

# an idle proxy sleeps: no thread wakes up in a second (Linux /proc)
pid=$(sed -n 1p "$H/proxy.pid")
if [ -r "/proc/$pid/task" ]; then
	wakes() {
		cat /proc/"$pid"/task/*/status 2>/dev/null |
		    awk '/^voluntary_ctxt_switches/ { n += $2 } END { print n }'
	}
	sleep 0.3
	w0=$(wakes); sleep 1; w1=$(wakes)
	if [ $((w1 - w0)) -le 1 ]; then ok "an idle proxy does not wake up"
	else not_ok "an idle proxy does not wake up ($((w1 - w0)) wake-ups in 1 s)"; fi
else
	ok "an idle proxy does not wake up # SKIP no /proc"
fi

# SIGHUP: a good config is read again; a bad one is refused, the old kept
pid=$(sed -n 1p "$H/proxy.pid")
kill -HUP "$pid"
sleep 0.3
expect_grep "config reloaded" "SIGHUP reloads" "$MRA" proxy logs -n 1
printf 'backends: 7\n' >"$H/routing_proxy.yaml"
kill -HUP "$pid"
sleep 0.3
expect_grep "reload refused, the old config stays" "a bad reload is refused" \
    "$MRA" proxy logs -n 1
expect_rc 0 "and it still runs" "$MRA" proxy status
good_config

expect_grep "model-router-proxy stopped (pid [0-9]*)" "restart stops" \
    "$MRA" proxy restart --port 0
expect_rc 0 "restart starts again" "$MRA" proxy status
newpid=$(sed -n 1p "$H/proxy.pid")
if [ "$newpid" != "$pid" ]; then ok "a new process"; else not_ok "a new process"; fi
expect_grep "model-router-proxy stopped (pid $newpid)" "stop" "$MRA" proxy stop
expect_rc 1 "status: not running" "$MRA" proxy status
expect_grep "is not running" "stop when not running" "$MRA" proxy stop
expect_rc 0 "which is not an error" "$MRA" proxy stop

# a pid file left by a process that died: told, then cleaned by start
printf '999999\n8082\n\n' >"$H/proxy.pid"
expect_grep "a stale pid file is left" "status sees a stale pid file" \
    "$MRA" proxy status
expect_grep "removed a stale pid file (pid 999999 is gone)" \
    "start cleans a stale pid file" "$MRA" proxy start --port 0
expect_rc 0 "and runs" "$MRA" proxy status
expect_rc 0 "stopped again" "$MRA" proxy stop

# an upstream whose TLS certificate does not verify (self-signed, on
# 127.0.0.1): refused by the TLS library the binary links, and the 502
# says why in libcurl's words
if command -v openssl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1
then
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	    -keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1
	tp=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	openssl s_server -quiet -www -accept "127.0.0.1:$tp" \
	    -cert "$T/tls.crt" -key "$T/tls.key" >/dev/null 2>&1 &
	tls_pid=$!
	sed "s|http://127.0.0.1:$up/v1|https://127.0.0.1:$tp/v1|" \
	    "$H/routing_proxy.yaml" >"$T/tls.yaml"
	# "model-router-proxy started (pid N): http://127.0.0.1:PORT/v1"
	pp=$(hermetic "$MRA" proxy start --config "$T/tls.yaml" --port 0 2>&1 |
	    sed -n 's|.*http://127.0.0.1:\([0-9]*\)/v1.*|\1|p')
	python3 - "$pp" >"$T/tls.out" 2>&1 <<'PY'
import sys, time, urllib.request, urllib.error
req = urllib.request.Request("http://127.0.0.1:%s/v1/chat/completions" % sys.argv[1],
    data=b'{"model":"model-router","messages":[{"role":"user","content":"hi"}]}',
    headers={"Content-Type": "application/json"})
for _ in range(50):     # until the TLS server listens
    try:
        urllib.request.urlopen(req, timeout=10)
        print("200")
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        if "onnect" in body:
            time.sleep(0.1)
            continue
        print(e.code, body)
    break
PY
	if grep -q '^502 .*certificate' "$T/tls.out"; then
		ok "an upstream certificate that does not verify is refused"
	else
		not_ok "an upstream certificate that does not verify is refused"
		cat "$T/tls.out"
	fi
	hermetic "$MRA" proxy stop >/dev/null 2>&1
	kill "$tls_pid" 2>/dev/null
	wait "$tls_pid" 2>/dev/null
else
	ok "an upstream certificate that does not verify is refused # SKIP no openssl or python3"
fi

# proxy run becomes model-router-proxy, the proxy alone, when that sits
# beside model-router; without it, model-router serves itself
expect_grep "usage: model-router proxy run" "model-router-proxy --help" \
    "$(dirname "$MRA")/model-router-proxy" --help
runs_as() {	# runs_as NAME BINARY: proxy run's process is NAME
	# env, not hermetic(): $! is then the proxy's own pid
	env -i PATH="/usr/bin:/bin" HOME="$T/home" LC_ALL=C TZ=UTC "$2" \
	    proxy run --config "$H/routing_proxy.yaml" --port 0 \
	    2>"$T/run.err" </dev/null &
	rp=$!
	i=0
	while ! grep -q "listening on" "$T/run.err" && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	exe=$(readlink "/proc/$rp/exe" 2>/dev/null)
	kill "$rp" 2>/dev/null
	wait "$rp" 2>/dev/null
	[ "$(basename "$exe")" = "$1" ] && grep -q "listening on" "$T/run.err"
}
if [ -r /proc/self/exe ]; then
	if runs_as model-router-proxy "$MRA"; then
		ok "proxy run runs model-router-proxy"
	else not_ok "proxy run runs model-router-proxy ($exe)"; fi
	mkdir -p "$T/alone"
	cp "$MRA" "$T/alone/model-router"
	if runs_as model-router "$T/alone/model-router"; then
		ok "and serves itself without it"
	else not_ok "and serves itself without it ($exe)"; cat "$T/run.err"; fi
else
	ok "proxy run runs model-router-proxy # SKIP no /proc"
	ok "and serves itself without it # SKIP no /proc"
fi

# beyond loopback without a key: refused before anything listens
check proxy-no-key-beyond-loopback "$MRA" proxy run --host 0.0.0.0 --port 0
check proxy-logs-bad-option "$MRA" proxy logs -n 3 --bogus
expect_rc 2 "logs: -n wants a count" "$MRA" proxy logs -n x

# feedback: the reference's line, the engine checked
check feedback "$MRA" feedback --notes "wanted code" --outcome wrong_route \
    0badcafe code_agent
line=$(cat "$H/routing-feedback.jsonl")
case $line in
'{"event_type":"routing_feedback","expected_engine":"code_agent","notes":"wanted code","outcome_label":"wrong_route","request_id":"0badcafe","timestamp":"'*'Z"}')
	ok "the feedback line" ;;
*) not_ok "the feedback line: $line" ;;
esac
mode=$(stat -c %a "$H/routing-feedback.jsonl")
if [ "$mode" = 600 ]; then ok "feedback file 0600"; else not_ok "feedback file mode $mode"; fi
check feedback-unknown-engine "$MRA" feedback 0badcafe code_agnt
check feedback-bad-outcome "$MRA" feedback --outcome great 0badcafe fast_local
check feedback-odd-id "$MRA" feedback --output "$T/fb.jsonl" req-1 fast_local
finish
