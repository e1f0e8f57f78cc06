# bash completion for model-router                      -*- shell-script -*-
#
# Install as $(BASHCOMPDIR)/model-router (make install does), or source it
# from ~/.bashrc.  The commands and options mirror `model-router __commands`
# and `model-router __options CMD`; tests/cli/t-docs.sh checks they agree.

_model_router()
{
	local cur prev cmd i
	local commands="decide dispatch-plan validate-config setup init validate-proxy-config doctor proxy feedback hermes backups help"
	local route_opts="--json --config --profile --attachment --force-engine
		--max-cost-tier --max-latency-tier --latency-sensitive
		--provider-allow --provider-deny --local-only --no-hosted
		--include-alternatives --help"
	local opts

	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# --option=value: complete the value after the '='.
	if [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	elif [[ $cur == = && $prev == --* ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi

	# The command is the first word after the program that is not an option.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*)
			cmd=${COMP_WORDS[i]}
			break
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--help --version" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
		fi
		return 0
	fi

	case $prev in
	--profile)
		if [[ $cmd == hermes ]]; then
			local p=${HERMES_HOME:-$HOME/.hermes}/profiles
			mapfile -t COMPREPLY < <(compgen -W "default $(ls "$p" 2>/dev/null)" -- "$cur")
		elif [[ $cmd == setup ]]; then
			mapfile -t COMPREPLY < <(compgen -W "lightweight balanced quality" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "fast balanced quality private safe" -- "$cur")
		fi
		return 0
		;;
	--route)
		mapfile -t COMPREPLY < <(compgen -W "fast balanced reasoning code vision" -- "$cur")
		return 0
		;;
	--preset)
		mapfile -t COMPREPLY < <(compgen -W "lmstudio ollama llamacpp vllm mlx-lm localai hosted-openai-compatible" -- "$cur")
		return 0
		;;
	--api-mode)
		mapfile -t COMPREPLY < <(compgen -W "chat_completions codex_responses anthropic_messages" -- "$cur")
		return 0
		;;
	--hermes-home | --config-dir)
		if declare -F _filedir >/dev/null; then
			_filedir -d
		else
			compopt -o dirnames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		fi
		return 0
		;;
	--host | --log-level | --port | --name | --url | --base-url | --model | --context-length | --key-env)
		return 0
		;;
	--bundle | --proxy-config)
		if declare -F _filedir >/dev/null; then
			_filedir
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
		;;
	--gpu)
		mapfile -t COMPREPLY < <(compgen -W "none nvidia amd intel apple" -- "$cur")
		return 0
		;;
	--catalog)
		if declare -F _filedir >/dev/null; then
			_filedir
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
		;;
	--attachment)
		mapfile -t COMPREPLY < <(compgen -W "image pdf audio code" -- "$cur")
		return 0
		;;
	--max-cost-tier)
		mapfile -t COMPREPLY < <(compgen -W "none free low medium paid high" -- "$cur")
		return 0
		;;
	--max-latency-tier)
		mapfile -t COMPREPLY < <(compgen -W "low medium high manual" -- "$cur")
		return 0
		;;
	--force-engine)
		# The engines of the built-in config; your config may add others.
		mapfile -t COMPREPLY < <(compgen -W "intent_router fast_local
			balanced_local reasoning_local code_agent claude_code codex
			openai_api anthropic_api web_research multimodal_vision
			image_generation human_confirm" -- "$cur")
		return 0
		;;
	--provider-allow | --provider-deny)
		mapfile -t COMPREPLY < <(compgen -W "local human openai anthropic" -- "$cur")
		return 0
		;;
	--model-dir)
		if declare -F _filedir >/dev/null; then
			_filedir -d
		else
			compopt -o dirnames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		fi
		return 0
		;;
	--server)
		mapfile -t COMPREPLY < <(compgen -W "http://127.0.0.1:" -- "$cur")
		compopt -o nospace 2>/dev/null
		return 0
		;;
	--timeout | --context | --ram-gb | --vram-gb | --disk-gb | --top)
		return 0
		;;
	--config)
		if declare -F _filedir >/dev/null; then
			_filedir
		else
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
		;;
	esac

	case $cmd in
	decide)
		opts="$route_opts --explain --no-alternatives"
		;;
	dispatch-plan)
		opts=$route_opts
		;;
	validate-config)
		opts="--json --config --help"
		;;
	init)
		opts="--preset --auto --yes --force --port --config-dir --dry-run
			--json --timeout --help"
		;;
	validate-proxy-config)
		opts="--config --json --help"
		;;
	doctor)
		opts="--config --hermes --no-hermes --hermes-home --live --timeout
			--json --bundle --help"
		;;
	proxy)
		if ((i + 1 == COMP_CWORD)); then
			mapfile -t COMPREPLY < <(compgen -W "run start stop restart status logs --help" -- "$cur")
			return 0
		fi
		case ${COMP_WORDS[i + 1]} in
		stop) opts="--timeout --help" ;;
		status) opts="--json --help" ;;
		logs) opts="--lines --follow --help" ;;
		*) opts="--config --host --port --insecure-no-auth --log-level --help" ;;
		esac
		;;
	feedback)
		case $prev in
		--outcome)
			mapfile -t COMPREPLY < <(compgen -W "accepted wrong_route too_expensive too_slow failed_verification" -- "$cur")
			return 0
			;;
		esac
		opts="--output --notes --outcome --config --help"
		;;
	hermes)
		if ((i + 1 == COMP_CWORD)); then
			mapfile -t COMPREPLY < <(compgen -W "show use-proxy add-provider remove-provider set-model set --help" -- "$cur")
			return 0
		fi
		local home_opts="--json --hermes-home --profile --help"
		case ${COMP_WORDS[i + 1]} in
		show)
			opts=$home_opts
			;;
		use-proxy)
			opts="--name --proxy-config --url --model --context-length
				--dry-run $home_opts"
			;;
		add-provider)
			opts="--base-url --model --api-mode --key-env --api-key-stdin
				--context-length --dry-run $home_opts"
			;;
		remove-provider | set-model | set)
			opts="--dry-run $home_opts"
			;;
		*)
			return 0
			;;
		esac
		;;
	backups)
		if ((i + 1 == COMP_CWORD)); then
			mapfile -t COMPREPLY < <(compgen -W "list show restore --help" -- "$cur")
			return 0
		fi
		case ${COMP_WORDS[i + 1]} in
		list | show)
			opts="--json --help"
			;;
		restore)
			opts="--dry-run --json --help"
			;;
		*)
			return 0
			;;
		esac
		;;
	setup)
		# setup ACTION: the action is the next word that is not an option
		if ((i + 1 == COMP_CWORD)); then
			mapfile -t COMPREPLY < <(compgen -W "scan recommend --help" -- "$cur")
			return 0
		fi
		case ${COMP_WORDS[i + 1]} in
		scan)
			opts="--json --model-dir --no-default-dirs --server
				--no-servers --timeout --help"
			;;
		recommend)
			opts="--json --route --profile --context --ram-gb --vram-gb
				--disk-gb --gpu --top --catalog --model-dir
				--no-default-dirs --server --no-servers --timeout --help"
			;;
		*)
			return 0
			;;
		esac
		;;
	help)
		if ((i + 1 == COMP_CWORD)); then
			mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
		fi
		return 0
		;;
	*)
		return 0
		;;
	esac

	# After a lone '--' every word is prompt text.
	for ((i = i + 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} == -- ]] && return 0
	done

	# Options, when the word starts with '-'; otherwise it is prompt text.
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	fi
	return 0
}

complete -F _model_router model-router
