#!/bin/sh
# doctor against fake servers on 127.0.0.1: healthy, a 4K loaded context
# (LM Studio), a wrong model name, a model without tools, not loaded
# (Ollama), loading, a web page, a hang and a refused port; and Hermes
# configs pointing at the proxy or at a backend.  Golden text and JSON.
. tests/lib.sh
B=${MR_BUILD:-build}
FS="$B/tests/fake-server"

mkfifo "$T/ctl"
: >"$T/ports"
"$FS" --lifetime 60 lmstudio ollama llamacpp loading html hang <"$T/ctl" >"$T/ports" 2>&1 &
fs_pid=$!
exec 9>"$T/ctl"
trap 'exec 9>&-; kill "$fs_pid" 2>/dev/null; wait "$fs_pid" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while [ "$(wc -l <"$T/ports")" -lt 6 ] && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
CHECK_SED=
while read -r kind port; do
	eval "p_$kind=$port"
	CHECK_SED="${CHECK_SED}s/127\\.0\\.0\\.1:$port\\b/127.0.0.1:<$kind>/g;"
done <"$T/ports"
# free space and the proxy port's state depend on the machine
CHECK_SED="${CHECK_SED}s/[0-9]+ MiB free/<n> MiB free/;"

mkdir -p "$T/mr/logs" "$T/hermes"
# shellcheck disable=SC2154
cat >"$T/mr/routing_proxy.yaml" <<YAML
proxy:
  port: 18082
backends:
  fast:
    base_url: http://127.0.0.1:$p_llamacpp/v1
    model: Qwen3-8B-Q4_K_M.gguf
    strip_tools: true
  balanced:
    base_url: http://127.0.0.1:$p_ollama/v1
    model: "qwen3:8b"
  reasoning:
    base_url: http://127.0.0.1:$p_lmstudio/v1
    model: qwen/qwen3-8b
  code:
    base_url: http://127.0.0.1:$p_lmstudio/v1
    model: qwen/qwen3-8bb
  vision:
    base_url: http://127.0.0.1:$p_ollama/v1
    model: "llama3.2:3b"
  notools:
    base_url: http://127.0.0.1:$p_lmstudio
    model: google/gemma-3-12b
  warming:
    base_url: http://127.0.0.1:$p_loading/v1
    model: any
  web:
    base_url: http://127.0.0.1:$p_html/v1
    model: any
  slow:
    base_url: http://127.0.0.1:$p_hang/v1
    model: any
  dead:
    base_url: http://127.0.0.1:9/v1
    model: any
engine_backends:
  fast_local: fast
  balanced_local: balanced
  reasoning_local: reasoning
  code_agent: code
  web_research: reasoning
  multimodal_vision: vision
  image_generation: reasoning
observability:
  enabled: true
  log_path: $T/mr/logs/routing-events.jsonl
YAML
cat >"$T/hermes/config.yaml" <<'YAML'
model:
  provider: custom:model-router
  default: model-router
providers:
  model-router:
    api: http://127.0.0.1:18082/v1
    default_model: model-router
    models:
      model-router:
        context_length: 65536
YAML
# Hermes remembers a 4K context for the model at the proxy
printf 'context_lengths:\n  model-router@http://127.0.0.1:18082/v1: 4096\n' \
    >"$T/hermes/context_length_cache.yaml"

set -- env HOME="$T/home" "$MR" doctor --config "$T/mr/routing_proxy.yaml" \
    --hermes-home "$T/hermes" --timeout 0.5
check doctor-text "$@"
check doctor-json "$@" --json

# Hermes straight at Ollama, with a key variable that is not set
mkdir -p "$T/h2"
cat >"$T/h2/config.yaml" <<YAML
model:
  provider: custom:lab
  default: "qwen3:14b"
providers:
  lab:
    api: http://127.0.0.1:$p_ollama
    key_env: LAB_KEY
    context_length: 32000
YAML
check doctor-hermes-direct env HOME="$T/home" "$MR" doctor \
    --config "$T/mr/routing_proxy.yaml" --hermes-home "$T/h2" --timeout 0.5 --json
check doctor-no-config env HOME="$T/empty" "$MR" doctor --no-hermes
check doctor-bad-timeout "$MR" doctor --timeout 0

# a healthy setup passes: exit 0
cat >"$T/mr/healthy.yaml" <<YAML
backends:
  fast:
    base_url: http://127.0.0.1:$p_llamacpp/v1
    model: Qwen3-8B-Q4_K_M.gguf
  balanced:
    base_url: http://127.0.0.1:$p_ollama/v1
    model: "qwen3:8b"
engine_backends:
  fast_local: fast
  balanced_local: balanced
  reasoning_local: balanced
  code_agent: balanced
  web_research: balanced
  multimodal_vision: balanced
  image_generation: balanced
YAML
expect_rc 0 "a healthy setup passes" env HOME="$T/home" "$MR" doctor \
    --config "$T/mr/healthy.yaml" --no-hermes
finish
