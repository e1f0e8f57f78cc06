#!/bin/sh
# setup recommend on pinned machines (the acceptance list: a 4 GB VPS, an
# 8 GB laptop, 16 GB Apple silicon, 24 GB NVIDIA + 32 GB RAM, a 64 GB
# workstation), golden text and JSON; models on disk first (the fixture
# home of scan-fixture); bad input.
. tests/lib.sh
B=${MR_BUILD:-build}
"$B/tests/scan-fixture" home "$T/fx" || not_ok "scan-fixture writes the fixture"

# no scan of this machine: its disks and servers must not matter
set -- "$MR" setup recommend --no-servers --no-default-dirs --disk-gb 500

check rec-vps-4gb "$@" --ram-gb 4 --gpu none
check rec-laptop-8gb "$@" --ram-gb 8 --gpu none
check rec-apple-16gb "$@" --ram-gb 16 --gpu apple
check rec-nvidia-24gb "$@" --ram-gb 32 --vram-gb 24 --gpu nvidia
check rec-workstation-64gb "$@" --ram-gb 64 --gpu none
check rec-nvidia-24gb-json "$@" --ram-gb 32 --vram-gb 24 --gpu nvidia --json
check rec-quality-code "$@" --ram-gb 64 --vram-gb 48 --profile quality --route code
check rec-short-context "$@" --ram-gb 4 --gpu none --route fast,balanced --context 16384
check rec-small-disk "$@" --ram-gb 64 --vram-gb 24 --disk-gb 5 --route reasoning

# on disk first: the fixture's Qwen3 8B (LM Studio) and llama3.2:3b (Ollama)
check rec-installed env HOME="$T/fx/home" MODEL_ROUTER_SYSROOT="$T/fx/sys" \
    "$MR" setup recommend --no-servers --ram-gb 32 --gpu none --disk-gb 500 \
    --route balanced,code --top 2

# a user catalog adds and replaces entries; a broken one is an error
mkdir -p "$T/fx/home/.model-router"
cat >"$T/fx/home/.model-router/catalog.yaml" <<'YAML'
version: 1
models:
  - route: balanced_local
    repo_id: someone/Mine-GGUF
    adapter: local_chat
    reason: my own
    recommended_memory_gb: 6
    context_length: 131072
    quality_score: 5
    model_size_b: 7
YAML
check rec-user-catalog env HOME="$T/fx/home" "$MR" setup recommend \
    --no-servers --no-default-dirs --ram-gb 16 --gpu none --route balanced --top 1
printf 'version: 1\nmodels:\n  - id: x\n    roles: [fats]\n' >"$T/bad.yaml"
check rec-bad-catalog "$@" --catalog "$T/bad.yaml"
check rec-bad-route "$@" --route speedy
check rec-bad-profile "$@" --profile turbo
check rec-bad-ram "$@" --ram-gb lots
check rec-apple-vram "$@" --gpu apple --vram-gb 8

finish
