/*
 * Options shared by `decide` and `dispatch-plan`: routing hints, the config
 * path and the prompt (words joined by spaces, or a lone "-" for stdin).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli-int.h"

#define PROMPT_MAX ((size_t)64 << 20)	/* 64 MiB from stdin */

static const char *const profiles = "fast, balanced, quality, private, safe";

static bool
one_of(const char *s, const char *const *v)
{
	for (; *v; v++)
		if (strcmp(s, *v) == 0)
			return true;
	return false;
}

int
mr_route_opts_parse(const struct mr_cmd *cmd, int argc, char **argv,
    struct route_opts *o, bool *done)
{
	static const char *const attachments[] = { "image", "pdf", "audio",
		"code", NULL };
	struct mr_hints *h = &o->hints;
	int c, i;

	memset(o, 0, sizeof(*o));
	mr_buf_init(&o->prompt);
	mr_hints_init(h);
	*done = false;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, cmd->shortopts, cmd->options,
	    NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			*done = true;
			return MR_EXIT_OK;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_EXPLAIN:
			o->explain = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_PROFILE:
			if (mr_profile_from_name(optarg) < 0)
				return mr_cli_usage_error(cmd, "--profile must be "
				    "one of: %s (got '%s')", profiles, optarg);
			h->profile = optarg;
			break;
		case OPT_ATTACHMENT:
			if (!one_of(optarg, attachments))
				return mr_cli_usage_error(cmd, "--attachment must "
				    "be one of: image, pdf, audio, code (got "
				    "'%s')", optarg);
			if (h->nattachments == MR_MAX_ATTACHMENTS)
				return mr_cli_usage_error(cmd, "at most %d "
				    "attachments", MR_MAX_ATTACHMENTS);
			h->attachments[h->nattachments++] = optarg;
			break;
		case OPT_FORCE_ENGINE:
			h->force_engine = optarg;
			break;
		case OPT_MAX_COST:
			h->max_cost_tier = optarg;
			break;
		case OPT_MAX_LATENCY:
			h->max_latency_tier = optarg;
			break;
		case OPT_LATENCY_SENSITIVE:
			h->latency_sensitive = true;
			break;
		case OPT_ALLOW:
			if (h->nallow == MR_MAX_HINT_PROVIDERS)
				return mr_cli_usage_error(cmd, "too many "
				    "--provider-allow options");
			h->allowlist[h->nallow++] = optarg;
			break;
		case OPT_DENY:
			if (h->ndeny == MR_MAX_HINT_PROVIDERS)
				return mr_cli_usage_error(cmd, "too many "
				    "--provider-deny options");
			h->denylist[h->ndeny++] = optarg;
			break;
		case OPT_LOCAL_ONLY:
			h->local_only = true;
			break;
		case OPT_NO_HOSTED:
			h->local_only = true;
			h->hosted_allowed = 0;
			break;
		case OPT_INCLUDE_ALTS:
			o->alternatives = true;
			o->alternatives_set = true;
			break;
		case OPT_NO_ALTS:
			o->alternatives = false;
			o->alternatives_set = true;
			break;
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if (optind >= argc)
		return mr_cli_usage_error(cmd, "a prompt is required (use '-' "
		    "to read it from standard input)");
	if (argc - optind == 1 && strcmp(argv[optind], "-") == 0) {
		if (mr_read_fd(STDIN_FILENO, PROMPT_MAX, &o->prompt) < 0) {
			mr_cli_warn("%s: cannot read the prompt from standard "
			    "input: %s", cmd->name, errno == EFBIG ?
			    "larger than 64 MiB" : strerror(errno));
			return MR_EXIT_FAIL;
		}
		return MR_EXIT_OK;
	}
	for (i = optind; i < argc; i++) {
		if (i > optind)
			mr_buf_addch(&o->prompt, ' ');
		mr_buf_addstr(&o->prompt, argv[i]);
	}
	return MR_EXIT_OK;
}

void
mr_route_opts_release(struct route_opts *o)
{
	mr_buf_release(&o->prompt);
}
