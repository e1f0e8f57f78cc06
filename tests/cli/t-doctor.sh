#!/bin/sh
# The p_<kind> port variables are set by eval from the fake-server list.
# shellcheck disable=SC2154
# doctor against fake servers on 127.0.0.1: healthy, slow, a 4K loaded
# context (LM Studio and Ollama styles), a wrong model name, a model
# without tools, not loaded (Ollama), loading, 404s, a web page, a hang and
# a refused port; --live (a tool call answered in text, a broken stream);
# Hermes configs pointing at the proxy or at a backend; a support bundle
# with planted secrets.  Golden text and JSON.
. tests/lib.sh
B=${MR_BUILD:-build}
FS="$B/tests/fake-server"

mkfifo "$T/ctl"
: >"$T/ports"
"$FS" --lifetime 60 lmstudio ollama llamacpp loading html hang slow notfound \
    ollama4k broken notools <"$T/ctl" >"$T/ports" 2>&1 &
fs_pid=$!
exec 9>"$T/ctl"
trap 'exec 9>&-; kill "$fs_pid" 2>/dev/null; wait "$fs_pid" 2>/dev/null; rm -rf "$T"' EXIT INT TERM
i=0
while [ "$(wc -l <"$T/ports")" -lt 11 ] && [ "$i" -lt 50 ]; do
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
  patient:
    base_url: http://127.0.0.1:$p_slow/v1
    model: Qwen3-8B-Q4_K_M.gguf
  missing:
    base_url: http://127.0.0.1:$p_notfound/v1
    model: any
  short:
    base_url: http://127.0.0.1:$p_ollama4k/v1
    model: "qwen3:8b"
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
    transport: anthropic_messages
    context_length: 32000
YAML
check doctor-hermes-direct env HOME="$T/home" "$MR" doctor \
    --config "$T/mr/routing_proxy.yaml" --hermes-home "$T/h2" --timeout 0.5 --json
check doctor-no-config env HOME="$T/empty" "$MR" doctor --no-hermes

# --live: a real tool call and a real stream on each backend
cat >"$T/mr/live.yaml" <<YAML
proxy:
  port: 18083
backends:
  good:
    base_url: http://127.0.0.1:$p_llamacpp/v1
    model: Qwen3-8B-Q4_K_M.gguf
  broken:
    base_url: http://127.0.0.1:$p_broken/v1
    model: Qwen3-8B-Q4_K_M.gguf
  notools:
    base_url: http://127.0.0.1:$p_notools/v1
    model: Qwen3-8B-Q4_K_M.gguf
engine_backends:
  fast_local: good
  balanced_local: good
  reasoning_local: good
  code_agent: good
  web_research: good
  multimodal_vision: good
  image_generation: good
YAML
check doctor-live env HOME="$T/home" "$MR" doctor --config "$T/mr/live.yaml" \
    --no-hermes --live --timeout 0.5
check doctor-live-json env HOME="$T/home" "$MR" doctor --config "$T/mr/live.yaml" \
    --no-hermes --live --timeout 0.5 --json

# a support bundle never carries a secret
cat >"$T/mr/secret.yaml" <<YAML
backends:
  good:
    base_url: http://me:pw-planted-1@127.0.0.1:$p_llamacpp/v1
    model: Qwen3-8B-Q4_K_M.gguf
    api_key: sk-planted-key-2
engine_backends:
  fast_local: good
  balanced_local: good
  reasoning_local: good
  code_agent: good
  web_research: good
  multimodal_vision: good
  image_generation: good
observability:
  enabled: true
  log_path: $T/mr/logs/events.jsonl
YAML
printf '{"h":"Authorization: Bearer tok-planted-3"}\n' >"$T/mr/logs/events.jsonl"
mkdir -p "$T/h3"
printf 'model:\n  provider: custom:x\n  api_key: hf_planted4token\nproviders:\n  x:\n    api: http://127.0.0.1:9/v1\n' >"$T/h3/config.yaml"
printf 'X_KEY=planted-5\n' >"$T/h3/.env"
env HOME="$T/home" "$MR" doctor --config "$T/mr/secret.yaml" --hermes-home "$T/h3" \
    --timeout 0.5 --bundle "$T/bundle.tar.gz" >"$T/doc.out" 2>&1
mkdir -p "$T/unpacked"
if tar xzf "$T/bundle.tar.gz" -C "$T/unpacked"; then ok "the bundle is a tar.gz"; else
	not_ok "the bundle is a tar.gz"
fi
files=$(cd "$T/unpacked" && find . -type f | sort | tr '\n' ' ')
if [ "$files" = "./configs/model_router.yaml ./configs/routing_proxy.yaml ./doctor.json ./hermes/config.yaml ./hermes/env-names.txt ./logs/routing-events.jsonl ./scan.json ./version.txt " ] ||
    [ "$files" = "./configs/routing_proxy.yaml ./doctor.json ./hermes/config.yaml ./hermes/env-names.txt ./logs/routing-events.jsonl ./scan.json ./version.txt " ]; then
	ok "the bundle holds the checks, a scan, configs, logs and Hermes's files"
else
	not_ok "the bundle holds the checks, a scan, configs, logs and Hermes's files ($files)"
fi
if grep -r planted "$T/unpacked" "$T/doc.out" >/dev/null; then
	not_ok "no planted secret in the bundle or the output"
	grep -rn planted "$T/unpacked" "$T/doc.out" | head -n 5
else
	ok "no planted secret in the bundle or the output"
fi
if [ "$(stat -c %a "$T/bundle.tar.gz")" = 600 ]; then ok "the bundle is 0600"; else
	not_ok "the bundle is 0600"
fi
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

# a managed scope that pins the model settings, and a package manager's lock
mkdir -p "$T/managed"
printf 'model:\n  provider: corp-gateway\n' >"$T/managed/config.yaml"
expect_grep "WARN  hermes.managed.*the managed config $T/managed/config.yaml sets model.provider" \
    "doctor: a managed config that pins the provider" env HOME="$T/home" \
    HERMES_MANAGED_DIR="$T/managed" "$MR" doctor --config "$T/mr/healthy.yaml" \
    --hermes-home "$T/hermes" --timeout 0.5
expect_grep "hermes.managed.*managed by a package manager (HERMES_MANAGED=true)" \
    "doctor: a package manager's lock" env HOME="$T/home" HERMES_MANAGED=true \
    "$MR" doctor --config "$T/mr/healthy.yaml" --hermes-home "$T/hermes" --timeout 0.5
finish
