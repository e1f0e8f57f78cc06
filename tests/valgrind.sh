#!/bin/sh
# make valgrind: the CLI commands under valgrind's leak checker.
set -u
cd "$(dirname "$0")/.." || exit 2
MR=${MR:-build/model-router}
HOME=$(mktemp -d)
export HOME
trap 'rm -rf "$HOME"' EXIT INT TERM
rc=0
RUN_ENV=	# VAR=value words for the next runs (no blanks in values)
run() {
	# shellcheck disable=SC2086
	if env $RUN_ENV valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	    "$MR" "$@" >/dev/null 2>"$HOME/vg.log"; then :; else
		if [ $? -eq 99 ]; then
			echo "not ok - valgrind: $*"
			cat "$HOME/vg.log"
			rc=1
			return
		fi
	fi
	echo "ok - valgrind: $*"
}
run decide "fix the repo and run tests"
run decide --json "drop the production database"
run decide --explain --profile private --provider-allow openai "summarize"
run decide --json --max-cost-tier cheap "hello"
run decide --config tests/fixtures/cli/broken.yaml "hello"
run dispatch-plan --json --include-alternatives "generate a logo"
run validate-config --json
run validate-config --config tests/fixtures/cli/bad-yaml.yaml
run
run setup scan --bad-option
# discovery over the fixture home, with a refused server probed
FX=${MR_BUILD:-build}/tests/scan-fixture
if [ -x "$FX" ] && "$FX" home "$HOME/fx"; then
	RUN_ENV="HOME=$HOME/fx/home MODEL_ROUTER_SYSROOT=$HOME/fx/sys"
	RUN_ENV="$RUN_ENV MODEL_ROUTER_DEFAULT_SERVERS=http://127.0.0.1:9"
	run setup scan --timeout 0.5
	run setup scan --json --no-servers --model-dir "$HOME/fx/disk"
	run setup recommend --no-servers --no-default-dirs --ram-gb 32 --vram-gb 24
	RUN_ENV=
fi
# writing commands: init, the Hermes editor, backups, doctor
RUN_ENV="MODEL_ROUTER_DEFAULT_SERVERS=http://127.0.0.1:9"
run init --preset ollama --timeout 0.2
run validate-proxy-config
mkdir -p "$HOME/.hermes"
printf 'model:\n  provider: openrouter  # keep\n  default: x\n' >"$HOME/.hermes/config.yaml"
run hermes use-proxy
run hermes show --json
run doctor --timeout 0.2
run backups list
RUN_ENV=
exit $rc
