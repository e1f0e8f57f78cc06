/*
 * decide: route a prompt and print the decision receipt.
 */
#include <stdlib.h>
#include <string.h>

#include "cli-int.h"
#include "mr/json.h"
#include "mr/receipt.h"

#define ROUTE_OPTIONS \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "config", required_argument, NULL, OPT_CONFIG }, \
	{ "profile", required_argument, NULL, OPT_PROFILE }, \
	{ "attachment", required_argument, NULL, OPT_ATTACHMENT }, \
	{ "force-engine", required_argument, NULL, OPT_FORCE_ENGINE }, \
	{ "max-cost-tier", required_argument, NULL, OPT_MAX_COST }, \
	{ "max-latency-tier", required_argument, NULL, OPT_MAX_LATENCY }, \
	{ "latency-sensitive", no_argument, NULL, OPT_LATENCY_SENSITIVE }, \
	{ "provider-allow", required_argument, NULL, OPT_ALLOW }, \
	{ "provider-deny", required_argument, NULL, OPT_DENY }, \
	{ "local-only", no_argument, NULL, OPT_LOCAL_ONLY }, \
	{ "no-hosted", no_argument, NULL, OPT_NO_HOSTED }, \
	{ "include-alternatives", no_argument, NULL, OPT_INCLUDE_ALTS }, \
	{ "help", no_argument, NULL, OPT_HELP }

static const struct option decide_options[] = {
	ROUTE_OPTIONS,
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "no-alternatives", no_argument, NULL, OPT_NO_ALTS },
	{ NULL, 0, NULL, 0 }
};

static const struct option plan_options[] = {
	ROUTE_OPTIONS,
	{ NULL, 0, NULL, 0 }
};

#define ROUTE_HELP \
	"  --json                    print JSON\n" \
	"  --config PATH             router config (default: $MODEL_ROUTER_HOME/\n" \
	"                            model_router.yaml, ~/.model-router/\n" \
	"                            model_router.yaml, else the built-in one)\n" \
	"  --profile P               fast, balanced, quality, private or safe\n" \
	"  --attachment KIND         image, pdf, audio or code (repeatable)\n" \
	"  --force-engine E          route to engine E (ignored when the\n" \
	"                            request needs confirmation)\n" \
	"  --max-cost-tier T         none, free, low, medium, paid or high\n" \
	"  --max-latency-tier T      low, medium, high or manual\n" \
	"  --latency-sensitive       prefer low-latency engines\n" \
	"  --provider-allow P        allow only provider P (repeatable)\n" \
	"  --provider-deny P         never use provider P (repeatable)\n" \
	"  --local-only              local providers only\n" \
	"  --no-hosted               no hosted providers (implies --local-only)\n"

/*
 * Routes the prompt of O.  When the config cannot be loaded the decision
 * fails closed (router-core.md §1.10) and the error goes to stderr.
 */
static struct mr_router *
route(const struct route_opts *o, bool alternatives, struct mr_decision *d)
{
	struct mr_router *r;
	char *err = NULL;

	r = mr_cli_load_router(o->config, &err);
	if (r == NULL) {
		mr_cli_warn("%s", err);
		mr_cli_warn("the decision fails closed to human_confirm until "
		    "the config is fixed");
		mr_route_config_error(err, o->prompt.buf, o->prompt.len,
		    &o->hints, d);
		free(err);
		return NULL;
	}
	mr_route(r, o->prompt.buf, o->prompt.len, &o->hints, alternatives, d);
	if (!d->config_valid || (d->reasons.n > 0 && strncmp(
	    d->reasons.v[d->reasons.n - 1], "fail-closed: ", 13) == 0))
		mr_cli_warn("%s", d->reasons.v[d->reasons.n - 1]);
	return r;
}

static int
emit(struct mr_buf *b, cJSON *j)
{
	bool ok;

	if (j != NULL) {
		mr_json_print(j, b);
		mr_buf_addch(b, '\n');
		cJSON_Delete(j);
	}
	ok = mr_cli_write(b);
	mr_buf_release(b);
	return ok ? MR_EXIT_OK : MR_EXIT_FAIL;
}

/* decide and dispatch-plan: parse, route, print.  PLAN selects the plan. */
static int
run_route(const struct mr_cmd *cmd, int argc, char **argv, bool plan)
{
	struct route_opts o;
	struct mr_decision d;
	struct mr_router *r;
	const struct mr_config *cfg;
	struct mr_buf b = MR_BUF_INIT;
	bool done, alts;
	int rc;

	rc = mr_route_opts_parse(cmd, argc, argv, &o, &done);
	if (rc != MR_EXIT_OK || done) {
		mr_route_opts_release(&o);
		return rc;
	}
	/* decide ranks alternatives unless told not to; plans only when asked */
	alts = o.alternatives_set ? o.alternatives : !plan;
	r = route(&o, alts, &d);
	cfg = r ? mr_router_config(r) : NULL;
	if (plan && o.json)
		rc = emit(&b, mr_dispatch_plan_json(cfg, &d));
	else if (o.json)
		rc = emit(&b, mr_receipt_json(&d));
	else {
		if (plan)
			mr_dispatch_plan_text(cfg, &d, &b);
		else if (o.explain)
			mr_receipt_explain(&d, &b);
		else
			mr_receipt_text(&d, &b);
		rc = emit(&b, NULL);
	}
	mr_decision_release(&d);
	mr_router_free(r);
	mr_route_opts_release(&o);
	return rc;
}

static int
run_decide(const struct mr_cmd *cmd, int argc, char **argv)
{
	return run_route(cmd, argc, argv, false);
}

static int
run_plan(const struct mr_cmd *cmd, int argc, char **argv)
{
	return run_route(cmd, argc, argv, true);
}

const struct mr_cmd mr_cmd_decide = {
	.name = "decide",
	.summary = "Route a prompt and print the decision receipt",
	.usage = "decide [--json | --explain] [--config PATH] [--profile P] "
	    "[--attachment KIND]... [--force-engine E] [--max-cost-tier T] "
	    "[--max-latency-tier T] [--latency-sensitive] "
	    "[--provider-allow P]... [--provider-deny P]... [--local-only] "
	    "[--no-hosted] [--include-alternatives | --no-alternatives] "
	    "[--] PROMPT... | -",
	.help = ROUTE_HELP
	    "  --explain                 print the receipt's explanations\n"
	    "  --include-alternatives    rank the other engines (default)\n"
	    "  --no-alternatives         do not rank the other engines\n"
	    "  -h, --help                show this help\n"
	    "\nA lone '-' reads the prompt from standard input. An invalid\n"
	    "config or hint makes the decision fail closed to human_confirm\n"
	    "(exit status 0, the error on standard error).\n",
	.options = decide_options,
	.shortopts = ":h",
	.run = run_decide,
};

const struct mr_cmd mr_cmd_dispatch_plan = {
	.name = "dispatch-plan",
	.summary = "Show what would be dispatched for a prompt, without "
	    "running anything",
	.usage = "dispatch-plan [--json] [--config PATH] [--profile P] "
	    "[--attachment KIND]... [--force-engine E] [--max-cost-tier T] "
	    "[--max-latency-tier T] [--latency-sensitive] "
	    "[--provider-allow P]... [--provider-deny P]... [--local-only] "
	    "[--no-hosted] [--include-alternatives] [--] PROMPT... | -",
	.help = ROUTE_HELP
	    "  --include-alternatives    rank the other engines in the receipt\n"
	    "  -h, --help                show this help\n"
	    "\nThe plan is blocked when the request needs confirmation, the\n"
	    "selection is the human gate, the config is invalid, or the\n"
	    "selected engine is not available.\n",
	.options = plan_options,
	.shortopts = ":h",
	.run = run_plan,
};
