# fish completion for model-router.  Install as
# $(FISHCOMPDIR)/model-router.fish (make install does).  The commands and
# options mirror `model-router __commands` and `model-router __options CMD`;
# tests/cli/t-docs.sh checks they agree.

set -l route '__fish_seen_subcommand_from decide dispatch-plan'
set -l decide '__fish_seen_subcommand_from decide'
set -l check '__fish_seen_subcommand_from validate-config'
set -l scan '__fish_seen_subcommand_from setup; and __fish_seen_subcommand_from scan'
set -l rec '__fish_seen_subcommand_from setup; and __fish_seen_subcommand_from recommend'
set -l scanrec '__fish_seen_subcommand_from setup; and __fish_seen_subcommand_from scan recommend'
set -l init '__fish_seen_subcommand_from init'
set -l vpc '__fish_seen_subcommand_from validate-proxy-config'
set -l bk '__fish_seen_subcommand_from backups'
set -l bkr '__fish_seen_subcommand_from backups; and __fish_seen_subcommand_from restore'
set -l doc '__fish_seen_subcommand_from doctor'
set -l prun '__fish_seen_subcommand_from proxy; and __fish_seen_subcommand_from run start restart'
set -l pstop '__fish_seen_subcommand_from proxy; and __fish_seen_subcommand_from stop'
set -l pstat '__fish_seen_subcommand_from proxy; and __fish_seen_subcommand_from status'
set -l plogs '__fish_seen_subcommand_from proxy; and __fish_seen_subcommand_from logs'
set -l fb '__fish_seen_subcommand_from feedback'
set -l herm '__fish_seen_subcommand_from hermes'
set -l hup '__fish_seen_subcommand_from hermes; and __fish_seen_subcommand_from use-proxy'
set -l hadd '__fish_seen_subcommand_from hermes; and __fish_seen_subcommand_from add-provider'
set -l hw '__fish_seen_subcommand_from hermes; and __fish_seen_subcommand_from use-proxy add-provider remove-provider set-model set'
set -l any '__fish_seen_subcommand_from decide dispatch-plan validate-config scan recommend init validate-proxy-config doctor run start stop restart status logs feedback hermes backups'
# The engines of the built-in config; your config may add others.
set -l engines intent_router fast_local balanced_local reasoning_local \
    code_agent claude_code codex openai_api anthropic_api web_research \
    multimodal_vision image_generation human_confirm
set -l providers local human openai anthropic

# Prompt words are free text: no file names unless asked for.
complete -c model-router -f

# Commands.
complete -c model-router -n __fish_use_subcommand -a decide -d 'Route a prompt and print the decision receipt'
complete -c model-router -n __fish_use_subcommand -a dispatch-plan -d 'Show what would be dispatched for a prompt, without running anything'
complete -c model-router -n __fish_use_subcommand -a validate-config -d 'Check a router config and show which engines are available'
complete -c model-router -n __fish_use_subcommand -a setup -d 'Find what this machine has and what it runs well'
complete -c model-router -n '__fish_seen_subcommand_from setup; and not __fish_seen_subcommand_from scan recommend' -a scan -d 'Find the hardware, running model servers and model files'
complete -c model-router -n '__fish_seen_subcommand_from setup; and not __fish_seen_subcommand_from scan recommend' -a recommend -d 'Recommend models this machine runs well, for each role'
complete -c model-router -n __fish_use_subcommand -a init -d 'Write the router and proxy configs, with the models found'
complete -c model-router -n __fish_use_subcommand -a validate-proxy-config -d 'Check a routing proxy config (routing_proxy.yaml)'
complete -c model-router -n __fish_use_subcommand -a doctor -d 'Check the whole setup and say how to fix each problem'
complete -c model-router -n __fish_use_subcommand -a proxy -d 'Run the routing proxy'
set -l psub run start stop restart status logs
complete -c model-router -n "__fish_seen_subcommand_from proxy; and not __fish_seen_subcommand_from $psub" -a run -d 'Run the routing proxy in the foreground'
complete -c model-router -n "__fish_seen_subcommand_from proxy; and not __fish_seen_subcommand_from $psub" -a start -d 'Start the proxy in the background'
complete -c model-router -n "__fish_seen_subcommand_from proxy; and not __fish_seen_subcommand_from $psub" -a stop -d 'Stop the background proxy'
complete -c model-router -n "__fish_seen_subcommand_from proxy; and not __fish_seen_subcommand_from $psub" -a restart -d 'Stop and start the background proxy'
complete -c model-router -n "__fish_seen_subcommand_from proxy; and not __fish_seen_subcommand_from $psub" -a status -d 'Say whether the background proxy runs'
complete -c model-router -n "__fish_seen_subcommand_from proxy; and not __fish_seen_subcommand_from $psub" -a logs -d 'Show the background proxy log'
complete -c model-router -n __fish_use_subcommand -a feedback -d 'Record which engine a routed request should have gone to'
complete -c model-router -n __fish_use_subcommand -a hermes -d 'Read and edit Hermes Agent config'
set -l hsub show use-proxy add-provider remove-provider set-model set
complete -c model-router -n "__fish_seen_subcommand_from hermes; and not __fish_seen_subcommand_from $hsub" -a 'show' -d 'Show model settings and providers'
complete -c model-router -n "__fish_seen_subcommand_from hermes; and not __fish_seen_subcommand_from $hsub" -a 'use-proxy' -d 'Point Hermes at the routing proxy'
complete -c model-router -n "__fish_seen_subcommand_from hermes; and not __fish_seen_subcommand_from $hsub" -a 'add-provider' -d 'Add or update a provider'
complete -c model-router -n "__fish_seen_subcommand_from hermes; and not __fish_seen_subcommand_from $hsub" -a 'remove-provider' -d 'Remove a provider'
complete -c model-router -n "__fish_seen_subcommand_from hermes; and not __fish_seen_subcommand_from $hsub" -a 'set-model' -d 'Choose provider and model'
complete -c model-router -n "__fish_seen_subcommand_from hermes; and not __fish_seen_subcommand_from $hsub" -a 'set' -d 'Set one key'
complete -c model-router -n __fish_use_subcommand -a backups -d 'List, show and restore the backups made before changes'
complete -c model-router -n '__fish_seen_subcommand_from backups; and not __fish_seen_subcommand_from list show restore' -a 'list' -d 'List the backups'
complete -c model-router -n '__fish_seen_subcommand_from backups; and not __fish_seen_subcommand_from list show restore' -a 'show' -d 'Show what a backup holds'
complete -c model-router -n '__fish_seen_subcommand_from backups; and not __fish_seen_subcommand_from list show restore' -a 'restore' -d 'Put the files of a backup back'
complete -c model-router -n __fish_use_subcommand -a help -d 'Show the help of a command'
complete -c model-router -n __fish_use_subcommand -s h -l help -d 'Show the list of commands'
complete -c model-router -n __fish_use_subcommand -s V -l version -d 'Show the version'
complete -c model-router -n '__fish_seen_subcommand_from help' -a 'decide dispatch-plan validate-config setup' -d Command

# One long option: CONDITION --NAME DESCRIPTION [complete(1) flags...].
# Options are written with their dashes so that they can be grepped for.
function __model_router_opt
    complete -c model-router -n $argv[1] -l (string replace -r -- '^--' '' $argv[2]) -d $argv[3] $argv[4..-1]
end

# Options of decide and dispatch-plan.
__model_router_opt $route --json 'Print JSON'
__model_router_opt $route --config 'Router config file' -r -F
__model_router_opt $route --profile 'Routing profile' -x -a 'fast\t"Low latency and low cost" balanced\t"Default deterministic routing" quality\t"Permits stronger fallbacks" private\t"Local providers only" safe\t"Stricter confirmation"'
__model_router_opt $route --attachment 'Attachment kind (repeatable)' -x -a 'image pdf audio code'
__model_router_opt $route --force-engine 'Route to this engine' -x -a "$engines"
__model_router_opt $route --max-cost-tier 'Highest engine cost tier' -x -a 'none free low medium paid high'
__model_router_opt $route --max-latency-tier 'Highest engine latency tier' -x -a 'low medium high manual'
__model_router_opt $route --latency-sensitive 'Prefer low-latency engines'
__model_router_opt $route --provider-allow 'Allow only this provider (repeatable)' -x -a "$providers"
__model_router_opt $route --provider-deny 'Never use this provider (repeatable)' -x -a "$providers"
__model_router_opt $route --local-only 'Local providers only'
__model_router_opt $route --no-hosted 'No hosted providers (implies --local-only)'
__model_router_opt $route --include-alternatives 'Rank the other engines'

# decide only.
__model_router_opt $decide --explain "Print the receipt's explanations"
__model_router_opt $decide --no-alternatives 'Do not rank the other engines'

# validate-config.
__model_router_opt $check --json 'Print the result as JSON'
__model_router_opt $check --config 'The config to check' -r -F

# setup scan and setup recommend.
__model_router_opt $scanrec --json 'Print one JSON document'
__model_router_opt $scanrec --model-dir 'Also look for models in this folder (repeatable)' -r -a '(__fish_complete_directories)'
__model_router_opt $scanrec --no-default-dirs 'Look only in the --model-dir folders'
__model_router_opt $scanrec --server 'Also probe the server at this URL (repeatable)' -x -a 'http://127.0.0.1:'
__model_router_opt $scanrec --no-servers 'Probe no server'
__model_router_opt $scanrec --timeout 'Seconds to wait for a server (default 0.5)' -x

# setup recommend.
__model_router_opt $rec --route 'Only these roles (comma list)' -x -a 'fast balanced reasoning code vision'
__model_router_opt $rec --profile 'Ranking profile' -x -a 'lightweight balanced quality'
__model_router_opt $rec --context 'Tokens to fit (default 65536)' -x
__model_router_opt $rec --ram-gb 'Pretend this much RAM (GiB)' -x
__model_router_opt $rec --vram-gb 'Pretend this much VRAM (GiB)' -x
__model_router_opt $rec --disk-gb 'Pretend this much free disk (GiB)' -x
__model_router_opt $rec --gpu 'Pretend this GPU' -x -a 'none nvidia amd intel apple'
__model_router_opt $rec --top 'Picks per role' -x
__model_router_opt $rec --catalog 'A catalog to add to the built-in one' -r -F

# init.
__model_router_opt $init --preset 'The preset' -x -a 'lmstudio ollama llamacpp vllm mlx-lm localai hosted-openai-compatible'
__model_router_opt $init --auto 'Pick the preset from what is running or installed'
__model_router_opt $init --yes 'Ask nothing' -s y
__model_router_opt $init --force 'Replace existing files (backed up first)'
__model_router_opt $init --port 'The proxy port (default 8082)' -x
__model_router_opt $init --config-dir 'Where to write' -r -a '(__fish_complete_directories)'
__model_router_opt $init --dry-run 'Print the changes as a diff; write nothing'
__model_router_opt $init --json 'Print the result as JSON'
__model_router_opt $init --timeout 'Seconds to wait for a server (default 0.5)' -x

# validate-proxy-config.
__model_router_opt $vpc --config 'The proxy config' -r -F
__model_router_opt $vpc --json 'Print JSON'

# doctor.
__model_router_opt $doc --config 'The proxy config' -r -F
__model_router_opt $doc --hermes 'Check Hermes Agent config (default)'
__model_router_opt $doc --no-hermes 'Do not check Hermes Agent config'
__model_router_opt $doc --hermes-home 'Hermes home' -r -a '(__fish_complete_directories)'
__model_router_opt $doc --timeout 'Seconds to wait for a server (default 1)' -x
__model_router_opt $doc --json 'Print every check as JSON'
__model_router_opt $doc --live 'Also run each model: a tool call and a stream'
__model_router_opt $doc --bundle 'Write a support archive without secrets' -r -F

# proxy run.
__model_router_opt $prun --config 'The proxy config' -r -F
__model_router_opt $prun --host 'Listen on this address' -x
__model_router_opt $prun --port 'Listen on this port (0: any free)' -x
__model_router_opt $prun --insecure-no-auth 'Allow a non-loopback address without a key'
__model_router_opt $prun --log-level 'Ignored' -x -a 'critical error warning info debug'
__model_router_opt $pstop --timeout 'Wait at most this many seconds' -s t -x
__model_router_opt $pstat --json 'Print JSON'
__model_router_opt $plogs --lines 'The last N lines' -s n -x
__model_router_opt $plogs --follow 'Then print what it writes' -s f

# feedback.
__model_router_opt $fb --output 'The feedback file' -r -F
__model_router_opt $fb --notes 'A note kept with the label' -x
__model_router_opt $fb --outcome 'The outcome label' -x -a 'accepted wrong_route too_expensive too_slow failed_verification'
__model_router_opt $fb --config 'The router config' -r -F

# hermes.
__model_router_opt $herm --json 'Print JSON'
__model_router_opt $herm --hermes-home 'Hermes home' -r -a '(__fish_complete_directories)'
__model_router_opt $herm --profile 'Hermes profile' -x
__model_router_opt $hw --dry-run 'Print the change as a diff; write nothing'
__model_router_opt $hup --name 'The provider entry name' -x
__model_router_opt $hup --proxy-config 'The proxy config' -r -F
__model_router_opt $hup --url 'The proxy /v1 URL' -x
__model_router_opt "$hup; or $hadd" --model 'The model' -x
__model_router_opt "$hup; or $hadd" --context-length 'Context length (64000 or more)' -x
__model_router_opt $hadd --base-url 'The endpoint' -x
__model_router_opt $hadd --api-mode 'Wire format' -x -a 'chat_completions codex_responses anthropic_messages'
__model_router_opt $hadd --key-env 'The .env variable of its key' -x
__model_router_opt $hadd --api-key-stdin 'Read the key from standard input'

# backups.
__model_router_opt $bk --json 'Print JSON'
__model_router_opt $bkr --dry-run 'Print the changes as a diff; write nothing'

# Every command.
__model_router_opt $any --help 'Show the help of this command' -s h

functions -e __model_router_opt
