#!/bin/sh
# The hermes commands on config files written here: golden diffs and
# files, secrets that never show, a broken file left untouched, CRLF kept.
. tests/lib.sh
CHECK_SED="s/[0-9]{8}T[0-9]{6}Z(-[0-9]+)?/<id>/g"
HH="$T/hermes"
mkdir -p "$HH"
cat >"$HH/config.yaml" <<'YAML'
# Hermes Agent config, hand-edited.
model:
  provider: openrouter        # the cloud, for now
  default: 'anthropic/claude-sonnet-4'
  context_length: 200000

custom_providers:
  - name: Old Box
    base_url: http://10.0.0.9:8080/v1   # legacy entry
    model: qwen3:8b

display: {skin: mono, compact: yes}
YAML
printf 'OPENROUTER_API_KEY="sk-or-very-secret"\n' >"$HH/.env"
chmod 600 "$HH/.env"
cp "$HH/config.yaml" "$T/original.yaml"
set -- env HOME="$T/home" "$MR" hermes

check hermes-show "$@" show --hermes-home "$HH"
check hermes-show-json "$@" show --hermes-home "$HH" --json
check hermes-use-proxy-dry "$@" use-proxy --hermes-home "$HH" --url http://127.0.0.1:8082/v1 --dry-run
if cmp -s "$HH/config.yaml" "$T/original.yaml"; then ok "a dry run changes nothing"; else
	not_ok "a dry run changes nothing"
fi
check hermes-use-proxy "$@" use-proxy --hermes-home "$HH" --url http://127.0.0.1:8082/v1
check hermes-after-use-proxy cat "$HH/config.yaml"
check hermes-use-proxy-again "$@" use-proxy --hermes-home "$HH" --url http://127.0.0.1:8082/v1

# a key from standard input: into .env, 0600, never shown
secret=sk-lab-do-not-print-4f7a
out=$(printf '%s\n' "$secret" | env HOME="$T/home" "$MR" hermes add-provider lab-vllm \
    --hermes-home "$HH" --base-url http://10.0.0.5:8000/v1 --model '@lab/Qwen3-32B' \
    --api-key-stdin --context-length 131072 --json 2>&1)
case $out in
*"$secret"*) not_ok "the key is not printed" ;;
*) ok "the key is not printed" ;;
esac
if grep -q "LAB_VLLM_API_KEY=$secret" "$HH/.env" && [ "$(stat -c %a "$HH/.env")" = 600 ] &&
    ! grep -q "$secret" "$HH/config.yaml"; then
	ok "the key is in .env (0600), not in config.yaml"
else
	not_ok "the key is in .env (0600), not in config.yaml"
fi
for c in "show --json" "show"; do
	# shellcheck disable=SC2086
	if env HOME="$T/home" "$MR" hermes $c --hermes-home "$HH" 2>&1 | grep -q -e "$secret" -e sk-or-very-secret; then
		not_ok "hermes $c shows no key"
	else
		ok "hermes $c shows no key"
	fi
done
check hermes-after-add cat "$HH/config.yaml"
check hermes-set-model "$@" set-model custom:lab-vllm '@lab/Qwen3-32B' --hermes-home "$HH"
check hermes-remove-selected "$@" remove-provider lab-vllm --hermes-home "$HH"
check hermes-set-ctx-low "$@" set providers.lab-vllm.context_length 32000 --hermes-home "$HH"
check hermes-set "$@" set providers.lab-vllm.context_length 98304 --hermes-home "$HH" --dry-run
check hermes-backups env HOME="$T/home" MODEL_ROUTER_HOME="$T/home/.model-router" "$MR" backups list

# a file Hermes itself would refuse is left alone
mkdir -p "$T/dup"
printf 'model:\n  provider: a\n  provider: b\n' >"$T/dup/config.yaml"
cp "$T/dup/config.yaml" "$T/dup.orig"
check hermes-duplicate "$@" use-proxy --hermes-home "$T/dup" --url http://127.0.0.1:8082/v1
if cmp -s "$T/dup/config.yaml" "$T/dup.orig"; then ok "a refused file is untouched"; else
	not_ok "a refused file is untouched"
fi

# CRLF stays CRLF
mkdir -p "$T/crlf"
printf 'model:\r\n  provider: openrouter\r\n  default: x\r\n' >"$T/crlf/config.yaml"
env HOME="$T/home" "$MR" hermes use-proxy --hermes-home "$T/crlf" --url http://127.0.0.1:8082/v1 >/dev/null 2>&1
lines=$(wc -l <"$T/crlf/config.yaml")
crs=$(tr -cd '\r' <"$T/crlf/config.yaml" | wc -c)
if [ "$lines" -gt 3 ] && [ "$lines" -eq "$crs" ]; then ok "CRLF lines stay CRLF"; else
	not_ok "CRLF lines stay CRLF ($lines lines, $crs CRs)"
fi

check hermes-bad-ctx "$@" use-proxy --hermes-home "$HH" --context-length 4096
check hermes-no-args "$@" set-model --hermes-home "$HH"

# managed installs: a managed scope wins over the user's file; a package
# manager's lock refuses writes (as Hermes does)
mkdir -p "$T/mh" "$T/managed" "$T/root/etc/hermes" "$T/noroot"
printf 'model:\n  provider: openrouter\n' >"$T/mh/config.yaml"
printf '# set by IT\nmodel:\n  provider: corp-gateway\nsecurity:\n  redact: true\n' \
    >"$T/managed/config.yaml"
set -- env HOME="$T/home" MODEL_ROUTER_SYSROOT="$T/noroot" \
    HERMES_MANAGED_DIR="$T/managed" "$MR" hermes
check hermes-managed-show "$@" show --hermes-home "$T/mh"
check hermes-managed-use-proxy "$@" use-proxy --hermes-home "$T/mh" --url http://127.0.0.1:8082/v1
check hermes-managed-set-pinned "$@" set --hermes-home "$T/mh" model.provider custom:x
expect_rc 0 "a key the managed config leaves alone can be set" \
    "$@" set --hermes-home "$T/mh" model.context_length 65536
cp "$T/managed/config.yaml" "$T/root/etc/hermes/config.yaml"
expect_grep '"dir": "'"$T"'/root/etc/hermes"' "/etc/hermes is a managed scope" \
    env HOME="$T/home" MODEL_ROUTER_SYSROOT="$T/root" "$MR" hermes show --hermes-home "$T/mh" --json
cp "$T/mh/config.yaml" "$T/mh.orig"
check hermes-locked env HOME="$T/home" MODEL_ROUTER_SYSROOT="$T/noroot" HERMES_MANAGED=true \
    "$MR" hermes use-proxy --hermes-home "$T/mh" --url http://127.0.0.1:8082/v1
: >"$T/mh/.managed"
expect_rc 1 "a .managed file locks too" env HOME="$T/home" MODEL_ROUTER_SYSROOT="$T/noroot" \
    "$MR" hermes set-model --hermes-home "$T/mh" openrouter x
expect_rc 0 "a dry run still shows the edit" env HOME="$T/home" MODEL_ROUTER_SYSROOT="$T/noroot" \
    "$MR" hermes set-model --hermes-home "$T/mh" openrouter x --dry-run
if cmp -s "$T/mh/config.yaml" "$T/mh.orig"; then ok "a locked config is untouched"; else
	not_ok "a locked config is untouched"
fi
finish
