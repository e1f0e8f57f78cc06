#!/bin/sh
# A real client: the official OpenAI Node SDK (npm "openai") against the
# proxy, in front of a fake llama.cpp upstream on 127.0.0.1 — a chat, a
# stream, a tool call and the human gate.  Skipped without node and npm.
. tests/lib.sh
B=${MR_BUILD:-build}
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "ok # skip the OpenAI Node SDK (node or npm is not installed)"
	finish
	exit
fi
if [ ! -d tests/node/node_modules/openai ]; then
	if ! (cd tests/node && npm ci --no-audit --no-fund >"$T/npm.log" 2>&1); then
		not_ok "npm ci installs the openai package"
		tail -n 5 "$T/npm.log"
		finish
		exit
	fi
fi

mkfifo "$T/ctl"
: >"$T/ports"
"$B/tests/fake-server" --lifetime 60 llamacpp <"$T/ctl" >"$T/ports" 2>&1 &
fs_pid=$!
exec 9>"$T/ctl"
i=0
while [ "$(wc -l <"$T/ports")" -lt 1 ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
up=$(sed -n 's/^llamacpp //p' "$T/ports")
cat >"$T/proxy.yaml" <<YAML
backends:
YAML
for b in fast balanced reasoning code; do
	printf '  %s:\n    base_url: http://127.0.0.1:%s/v1\n    model: Qwen3-8B-Q4_K_M.gguf\n' \
	    "$b" "$up" >>"$T/proxy.yaml"
done
cat >>"$T/proxy.yaml" <<'YAML'
engine_backends:
  fast_local: fast
  balanced_local: balanced
  reasoning_local: reasoning
  code_agent: code
  web_research: reasoning
  multimodal_vision: reasoning
  image_generation: reasoning
YAML
"$MR" proxy run --config "$T/proxy.yaml" --port 0 2>"$T/proxy.log" &
px_pid=$!
trap 'kill "$px_pid" 2>/dev/null; wait "$px_pid" 2>/dev/null; exec 9>&-; kill "$fs_pid" 2>/dev/null; wait "$fs_pid" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while ! grep -q "listening on" "$T/proxy.log" && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$T/proxy.log")
if [ -z "$url" ]; then
	not_ok "the proxy starts"
	cat "$T/proxy.log"
	finish
	exit
fi
ok "the proxy starts ($url)"
if PROXY_URL=$url timeout 60 node tests/node/client.mjs >"$T/node.out" 2>&1; then :; fi
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	*) echo "# $line" ;;
	esac
done <"$T/node.out"
grep -q "^ok - a tool call" "$T/node.out" || not_ok "the Node client ran to the end"
finish
