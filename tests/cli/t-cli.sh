#!/bin/sh
# Hermetic CLI tests with golden output (tests/golden/NAME.{out,err,rc}).
. tests/lib.sh
F="$TOP/tests/fixtures/cli"

check overview "$MR"
check version "$MR" --version
check help "$MR" --help
check help-decide "$MR" help decide
check decide-text "$MR" decide "fix the repo and run tests"
check decide-json-risky "$MR" decide --json "drop the production database"
check decide-explain "$MR" decide --explain "search the web for the latest TypeScript release notes"
check decide-private-allow "$MR" decide --json --profile private --provider-allow openai "summarize this article"
check decide-bad-tier "$MR" decide --max-cost-tier cheap "rewrite this text"
check decide-no-alternatives "$MR" decide --json --no-alternatives "fix the repo and run tests"
uni=$(printf 'r\303\251sum\303\251 \342\200\234delete\342\200\235 the \360\237\230\200 folder')
check decide-unicode "$MR" decide --json "$uni"
uni=$(printf '\342\200\234Explain\342\200\235 what \342\200\230purge\342\200\231 means')
check decide-unicode-topic "$MR" decide "$uni"
check decide-topic "$MR" decide "Explain how \`git push\` works"
check decide-rm-rf "$MR" decide --json "rm -rf / --no-preserve-root"
check decide-no-prompt "$MR" decide --json
check decide-bad-profile "$MR" decide --profile turbo "hello"
check decide-bad-option "$MR" decide --frobnicate "hello"
check decide-broken-config "$MR" decide --config "$F/broken.yaml" "rewrite this text"
check unknown-command "$MR" decid "hello"
check plan-json "$MR" dispatch-plan --json "fix the repo and run tests"
check plan-text-risky "$MR" dispatch-plan "send the invoice to the customer"
check plan-broken-config "$MR" dispatch-plan --config "$F/bad-yaml.yaml" "hello"
check validate "$MR" validate-config
check validate-json "$MR" validate-config --json
check validate-broken "$MR" validate-config --config "$F/broken.yaml"
check validate-broken-json "$MR" validate-config --json --config "$F/bad-yaml.yaml"
check validate-missing "$MR" validate-config --config "$F/does-not-exist.yaml"
check validate-unavailable "$MR" validate-config --config "$F/openai-enabled.yaml"

# The prompt from standard input.
out=$(printf 'drop the\nproduction database' | hermetic "$MR" decide --json - |
    grep '"selected_engine"')
if [ "$out" = '  "selected_engine": "human_confirm",' ]; then
	ok "prompt from stdin"
else
	not_ok "prompt from stdin ($out)"
fi

# Config lookup: MODEL_ROUTER_HOME, then ~/.model-router.
mkdir -p "$T/mrhome" "$T/home/.model-router"
cp "$F/openai-enabled.yaml" "$T/mrhome/model_router.yaml"
cp "$F/broken.yaml" "$T/home/.model-router/model_router.yaml"
expect_grep "Config: $T/mrhome/model_router.yaml" "MODEL_ROUTER_HOME wins" \
    env MODEL_ROUTER_HOME="$T/mrhome" "$MR" validate-config
expect_grep "home/.model-router/model_router.yaml:[0-9]*:[0-9]*: engine .fast_local. cost_tier" "the home config is read next" \
    "$MR" validate-config
expect_rc 1 "a broken home config fails validation" "$MR" validate-config
expect_grep "Config: .*catalog/model_router.yaml" "--config beats the home config" \
    "$MR" validate-config --config "$TOP/catalog/model_router.yaml"
rm -rf "$T/home/.model-router"

# An API key in the environment makes the hosted engine available.
expect_rc 0 "required_env satisfied" env OPENAI_API_KEY=sk-test \
    "$MR" validate-config --config "$F/openai-enabled.yaml"

# model-router-proxy is the proxy: without a config it says so and exits 1.
ln -s "$(cd "$(dirname "$MR")" && pwd)/$(basename "$MR")" "$T/model-router-proxy"
expect_grep "routing proxy config missing" "model-router-proxy runs the proxy" "$T/model-router-proxy"
expect_rc 1 "model-router-proxy without a config exits 1" "$T/model-router-proxy"

# Help for every command exits 0.
# every command, "setup scan" as two words
"$MR" __commands >"$T/commands"
while IFS= read -r c; do
	# shellcheck disable=SC2086
	expect_rc 0 "$c --help" "$MR" $c --help
done <"$T/commands"

finish
