/*
 * Receipts: explanations, reason codes and delegation hints derived from a
 * decision (router-core.md §4.2), and dry-run dispatch plans (§4.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/json.h"
#include "mr/receipt.h"

#define WRONG_ROUTE "If this route was wrong, review the local event with " \
	"`model-router telemetry review`, then label the proxy request id " \
	"with `model-router feedback <request_id> <expected_engine>` or " \
	"rerun `model-router decide --explain` with adjusted profile/provider " \
	"policy."

struct delegation {
	bool	 mechanical, judgment, verification, repo_wide, risky, ambiguity;
	struct mr_strlist reasons;
	const char *guidance;
};

/* Everything a receipt says beyond the decision itself. */
struct info {
	char		*summary;
	const char	*route_expl_fixed;
	char		*route_expl;
	char		*policy_expl;
	char		*rejection_expl;
	char		*fallback_expl;
	const char	*safety_expl;
	char		*privacy_expl;
	struct mr_strlist codes;
	struct delegation del;
};

static bool
feat(const struct mr_decision *d, enum mr_feature f)
{
	return mr_has(&d->analysis, f);
}

static bool
local_only(const struct mr_decision *d)
{
	size_t i;

	if (d->req.allowed_providers.n == 0)
		return false;
	for (i = 0; i < d->req.allowed_providers.n; i++)
		if (strcmp(d->req.allowed_providers.v[i], "local") != 0 &&
		    strcmp(d->req.allowed_providers.v[i], "human") != 0)
			return false;
	return true;
}

static void
delegation(const struct mr_decision *d, struct delegation *g)
{
	bool coding = feat(d, MR_F_CODING_INTENT);

	g->risky = d->requires_confirmation || feat(d, MR_F_EXTERNAL_ACTION) ||
	    feat(d, MR_F_HIGH_IMPACT_EXTERNAL_ACTION) ||
	    feat(d, MR_F_DESTRUCTIVE_ACTION) || feat(d, MR_F_SEND_ACTION) ||
	    feat(d, MR_F_PURCHASE_ACTION);
	g->ambiguity = feat(d, MR_F_AMBIGUOUS) || d->confidence < 60 ||
	    (feat(d, MR_F_SENSITIVE_DOMAIN) && d->confidence < 75);
	g->judgment = feat(d, MR_F_JUDGMENT_HEAVY_INTENT) ||
	    feat(d, MR_F_MULTI_STEP_REASONING) || feat(d, MR_F_LONG_CONTEXT) ||
	    (d->complexity >= 60 && !feat(d, MR_F_MECHANICAL_WORK_INTENT));
	g->mechanical = !g->risky && (feat(d, MR_F_MECHANICAL_WORK_INTENT) ||
	    (coding && feat(d, MR_F_REPO_WIDE_INTENT) && !g->judgment));
	g->verification = feat(d, MR_F_VERIFICATION_INTENT) ||
	    (coding && feat(d, MR_F_SHELL_INTENT));
	g->repo_wide = feat(d, MR_F_REPO_WIDE_INTENT);
	if (g->mechanical)
		mr_strlist_push(&g->reasons,
		    "Mechanical or repetitive code work is likely.");
	if (g->judgment)
		mr_strlist_push(&g->reasons,
		    "Substantive judgment, planning, or review is likely.");
	if (g->verification)
		mr_strlist_push(&g->reasons,
		    "Verification or test-running cost is likely.");
	if (g->repo_wide)
		mr_strlist_push(&g->reasons,
		    "Repository-wide or multi-file scope is likely.");
	if (g->risky)
		mr_strlist_push(&g->reasons,
		    "Risky or external action policy applies.");
	if (g->ambiguity)
		mr_strlist_push(&g->reasons,
		    "Ambiguity or sensitivity should stay on a stronger path.");
	if (g->risky)
		g->guidance = "Do not delegate without satisfying "
		    "human-confirmation policy.";
	else if (g->judgment || g->ambiguity)
		g->guidance = "Keep planning, ambiguity resolution, and final "
		    "review on a stronger route; delegate only narrow "
		    "implementation or verification work.";
	else if (g->mechanical || g->verification)
		g->guidance = "Candidate for sidekick-style delegation when "
		    "host policy and provider constraints allow it.";
	else
		g->guidance = "No strong sidekick-delegation signal in this "
		    "receipt.";
}

static bool
contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static void
lower_copy(const char *s, char *buf, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < n; i++)
		buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	buf[i] = '\0';
}

static void
reason_codes(const struct mr_decision *d, const struct delegation *g,
    struct mr_strlist *c)
{
	const char *route;
	char buf[1024];
	const char *rs;
	size_t i;

	snprintf(buf, sizeof(buf), "profile.%s", mr_profile_name(d->profile));
	mr_strlist_push_unique(c, buf);
	if (!d->config_valid)
		mr_strlist_push_unique(c, "config.invalid");
	if (!d->availability_valid)
		mr_strlist_push_unique(c, "availability.issue");
	if (strcmp(d->selected_engine, "human_confirm") == 0)
		route = "route.confirmation";
	else if (d->requires_image_generation)
		route = "route.image_generation";
	else if (d->requires_vision)
		route = "route.vision";
	else if (d->requires_freshness)
		route = "route.research";
	else if (d->requires_code_execution)
		route = "route.coding";
	else if (d->complexity >= 60)
		route = "route.reasoning";
	else if (strcmp(d->selected_engine, "fast_local") == 0)
		route = "route.simple";
	else
		route = "route.balanced";
	mr_strlist_push_unique(c, route);
	if (d->requires_tools)
		mr_strlist_push_unique(c, "requirement.tools");
	if (d->requires_freshness)
		mr_strlist_push_unique(c, "requirement.freshness");
	if (d->requires_code_execution)
		mr_strlist_push_unique(c, "requirement.code_execution");
	if (d->requires_vision)
		mr_strlist_push_unique(c, "requirement.vision");
	if (d->requires_image_generation)
		mr_strlist_push_unique(c, "requirement.image_generation");
	if (d->req.required_modalities.n > 0)
		mr_strlist_push_unique(c, "requirement.modality");
	if (d->req.allowed_providers.n > 0)
		mr_strlist_push_unique(c, "policy.provider_allowlist");
	if (local_only(d))
		mr_strlist_push_unique(c, "policy.local_only");
	if (d->req.denied_providers.n > 0)
		mr_strlist_push_unique(c, "policy.provider_denylist");
	if (d->req.max_cost_tier)
		mr_strlist_push_unique(c, "policy.max_cost_tier");
	if (d->req.max_latency_tier)
		mr_strlist_push_unique(c, "policy.max_latency_tier");
	if (d->req.profile_reasons.n > 0)
		mr_strlist_push_unique(c, "policy.profile");
	if (d->req.provider_policy_reasons.n > 0)
		mr_strlist_push_unique(c, "policy.provider");
	if (g->mechanical)
		mr_strlist_push_unique(c, "delegation.mechanical_work_likely");
	if (g->judgment)
		mr_strlist_push_unique(c, "delegation.judgment_heavy_likely");
	if (g->verification)
		mr_strlist_push_unique(c,
		    "delegation.verification_heavy_likely");
	if (g->repo_wide)
		mr_strlist_push_unique(c, "delegation.repo_wide_likely");
	if (g->risky)
		mr_strlist_push_unique(c, "delegation.risky_or_external_action");
	if (g->ambiguity)
		mr_strlist_push_unique(c, "delegation.ambiguity_sensitive");
	for (i = 0; i < d->reasons.n; i++) {
		lower_copy(d->reasons.v[i], buf, sizeof(buf));
		if (contains(buf, "forced engine"))
			mr_strlist_push_unique(c, "force_engine.requested");
		if (contains(buf, "force_engine ignored"))
			mr_strlist_push_unique(c, "force_engine.ignored");
		if (contains(buf, "human confirmation") ||
		    contains(buf, "requires confirmation"))
			mr_strlist_push_unique(c,
			    "safety.confirmation_required");
		if (contains(buf, "private") && contains(buf, "local"))
			mr_strlist_push_unique(c, "policy.local_only");
		if (contains(buf, "safe") && contains(buf, "confirmation"))
			mr_strlist_push_unique(c, "profile.safe_confirmation");
		if (contains(buf, "fresh") ||
		    contains(buf, "current information"))
			mr_strlist_push_unique(c, "route.research");
		if (contains(buf, "coding") || contains(buf, "repository"))
			mr_strlist_push_unique(c, "route.coding");
	}
	for (i = 0; i < d->nrejected; i++) {
		lower_copy(d->rejected[i].reason, buf, sizeof(buf));
		rs = NULL;
		if (contains(buf, "provider") && contains(buf, "denied"))
			rs = "rejection.provider_denied";
		else if (contains(buf, "provider") &&
		    contains(buf, "not allowed"))
			rs = "rejection.provider_not_allowed";
		else if (contains(buf, "backend") && contains(buf, "denied"))
			rs = "rejection.backend_denied";
		else if (contains(buf, "backend") &&
		    contains(buf, "not allowed"))
			rs = "rejection.backend_not_allowed";
		else if (contains(buf, "tools required"))
			rs = "rejection.tools_missing";
		else if (contains(buf, "modality"))
			rs = "rejection.modality_missing";
		else if (contains(buf, "cost_tier"))
			rs = "rejection.cost_tier";
		else if (contains(buf, "latency_tier"))
			rs = "rejection.latency_tier";
		else if (contains(buf, "unavailable"))
			rs = "rejection.unavailable";
		else if (contains(buf, "disabled"))
			rs = "rejection.disabled";
		else if (contains(buf, "undefined"))
			rs = "rejection.undefined";
		else if (contains(buf, "cycle"))
			rs = "rejection.fallback_cycle";
		if (rs)
			mr_strlist_push_unique(c, rs);
	}
	if (d->fallback_used)
		mr_strlist_push_unique(c, "fallback.used");
	else if (d->fallback_engine)
		mr_strlist_push_unique(c, "fallback.configured");
	mr_strlist_push_unique(c, d->requires_confirmation ?
	    "safety.confirmation_required" : "safety.no_confirmation_required");
}

/* One "Label: a; b" part of the policy explanation. */
static void
part(struct mr_buf *b, size_t *nparts, const char *label,
    const struct mr_strlist *l, const char *sep)
{
	if (l->n == 0)
		return;
	if ((*nparts)++)
		mr_buf_addstr(b, ". ");
	mr_buf_addstr(b, label);
	mr_strlist_join(l, sep, b);
}

static void
info_build(const struct mr_decision *d, struct info *in)
{
	struct mr_buf b = MR_BUF_INIT;
	const char *fb = d->fallback_engine;
	size_t i, nparts = 0;

	memset(in, 0, sizeof(*in));
	mr_buf_printf(&b, "Selected %s under the %s profile; %s; ",
	    d->selected_engine, mr_profile_name(d->profile),
	    d->requires_confirmation ? "human confirmation required" :
	    "no confirmation required");
	if (d->fallback_used && fb)
		mr_buf_printf(&b, "fallback used: %s.", fb);
	else if (fb)
		mr_buf_printf(&b, "fallback available: %s.", fb);
	else
		mr_buf_addstr(&b, "no fallback configured.");
	in->summary = mr_buf_detach(&b);

	if (strcmp(d->selected_engine, "human_confirm") == 0)
		in->route_expl = mr_xstrdup("Selected human_confirm because the "
		    "request needs explicit review before dispatch.");
	else
		in->route_expl = mr_xasprintf("Selected %s for %s.",
		    d->selected_engine,
		    d->requires_image_generation ? "image generation" :
		    d->requires_vision ? "vision, OCR, or attachment handling" :
		    d->requires_freshness ?
		    "fresh research or current information" :
		    d->requires_code_execution ? "coding or repository work" :
		    d->requires_tools ? "tool-capable handling" :
		    d->complexity >= 60 ? "higher-complexity reasoning" :
		    "the deterministic route matched this request");

	part(&b, &nparts, "Profile: ", &d->req.profile_reasons, "; ");
	part(&b, &nparts, "Provider policy: ",
	    &d->req.provider_policy_reasons, "; ");
	part(&b, &nparts, "Allowed providers: ", &d->req.allowed_providers,
	    ", ");
	part(&b, &nparts, "Denied providers: ", &d->req.denied_providers,
	    ", ");
	if (d->req.max_cost_tier) {
		if (nparts++)
			mr_buf_addstr(&b, ". ");
		mr_buf_printf(&b, "Max cost tier: %s", d->req.max_cost_tier);
	}
	if (d->req.max_latency_tier) {
		if (nparts++)
			mr_buf_addstr(&b, ". ");
		mr_buf_printf(&b, "Max latency tier: %s",
		    d->req.max_latency_tier);
	}
	if (nparts)
		mr_buf_addch(&b, '.');
	else
		mr_buf_addstr(&b, "No profile or provider policy constraints "
		    "changed this route.");
	in->policy_expl = mr_buf_detach(&b);

	if (d->nrejected == 0)
		in->rejection_expl = mr_xstrdup("No engines were rejected "
		    "before selecting this route.");
	else {
		mr_buf_addstr(&b, "Rejected engines: ");
		for (i = 0; i < d->nrejected && i < 4; i++)
			mr_buf_printf(&b, "%s%s: %s", i ? "; " : "",
			    d->rejected[i].engine, d->rejected[i].reason);
		if (d->nrejected > 4)
			mr_buf_printf(&b, "; %zu more rejected",
			    d->nrejected - 4);
		mr_buf_addch(&b, '.');
		in->rejection_expl = mr_buf_detach(&b);
	}

	if (d->fallback_used && fb)
		in->fallback_expl = mr_xasprintf("Fallback selected %s after the "
		    "primary route was unavailable, incompatible, or blocked by "
		    "policy.", fb);
	else if (d->fallback_used)
		in->fallback_expl = mr_xstrdup("Fallback handling was used and "
		    "the request failed closed.");
	else if (fb)
		in->fallback_expl = mr_xasprintf("No fallback was used; %s "
		    "remains the configured fallback.", fb);
	else
		in->fallback_expl = mr_xstrdup("No fallback was used and no "
		    "fallback engine is configured.");

	if (d->requires_confirmation)
		in->safety_expl = "Human confirmation is required before "
		    "dispatch.";
	else if (strcmp(d->selected_engine, "human_confirm") == 0)
		in->safety_expl = "The request failed closed to human "
		    "confirmation.";
	else
		in->safety_expl = "No human confirmation is required by the "
		    "current safety policy.";

	if (local_only(d))
		in->privacy_expl = mr_xstrdup("Local-only routing is active; "
		    "hosted providers are excluded.");
	else if (d->req.denied_providers.n > 0) {
		mr_buf_addstr(&b, "Provider denylist active: ");
		mr_strlist_join(&d->req.denied_providers, ", ", &b);
		mr_buf_addch(&b, '.');
		in->privacy_expl = mr_buf_detach(&b);
	} else if (d->profile == MR_PROFILE_PRIVATE)
		in->privacy_expl = mr_xstrdup("Private profile is active; "
		    "hosted providers are excluded.");
	else
		in->privacy_expl = mr_xstrdup("No raw prompt text is stored in "
		    "this receipt; provider use follows the configured catalog "
		    "and policy.");

	delegation(d, &in->del);
	reason_codes(d, &in->del, &in->codes);
}

static void
info_release(struct info *in)
{
	free(in->summary);
	free(in->route_expl);
	free(in->policy_expl);
	free(in->rejection_expl);
	free(in->fallback_expl);
	free(in->privacy_expl);
	mr_strlist_clear(&in->codes);
	mr_strlist_clear(&in->del.reasons);
}

static cJSON *
requirements_json(const struct mr_requirements *q)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "allowed_providers",
	    mr_json_strlist(&q->allowed_providers));
	mr_json_add_str(o, "max_cost_tier", q->max_cost_tier);
	mr_json_add_str(o, "max_latency_tier", q->max_latency_tier);
	cJSON_AddBoolToObject(o, "needs_tools", q->needs_tools);
	cJSON_AddItemToObject(o, "profile_reasons",
	    mr_json_strlist(&q->profile_reasons));
	cJSON_AddItemToObject(o, "provider_denylist",
	    mr_json_strlist(&q->denied_providers));
	cJSON_AddItemToObject(o, "provider_policy_reasons",
	    mr_json_strlist(&q->provider_policy_reasons));
	cJSON_AddItemToObject(o, "required_modalities",
	    mr_json_strlist(&q->required_modalities));
	cJSON_AddStringToObject(o, "routing_profile",
	    mr_profile_name(q->profile));
	return o;
}

cJSON *
mr_receipt_json(const struct mr_decision *d)
{
	cJSON *o = cJSON_CreateObject(), *a, *e, *g;
	struct info in;
	size_t i;

	info_build(d, &in);
	cJSON_AddStringToObject(o, "selected_engine", d->selected_engine);
	a = cJSON_AddArrayToObject(o, "alternatives");
	for (i = 0; i < d->nalternatives; i++) {
		e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "capability",
		    d->alternatives[i].capability);
		cJSON_AddNumberToObject(e, "cost", d->alternatives[i].cost);
		cJSON_AddStringToObject(e, "engine", d->alternatives[i].engine);
		cJSON_AddNumberToObject(e, "latency",
		    d->alternatives[i].latency);
		cJSON_AddNumberToObject(e, "rank_score",
		    d->alternatives[i].rank_score);
		cJSON_AddItemToObject(e, "reasons",
		    mr_json_strlist(&d->alternatives[i].reasons));
		cJSON_AddNumberToObject(e, "trust", d->alternatives[i].trust);
		cJSON_AddItemToArray(a, e);
	}
	cJSON_AddItemToObject(o, "availability_reasons",
	    mr_json_strlist(&d->availability_reasons));
	cJSON_AddBoolToObject(o, "availability_valid", d->availability_valid);
	cJSON_AddNumberToObject(o, "complexity_score", d->complexity);
	cJSON_AddNumberToObject(o, "confidence_score", d->confidence);
	cJSON_AddBoolToObject(o, "config_valid", d->config_valid);
	g = cJSON_AddObjectToObject(o, "delegation_suitability");
	cJSON_AddBoolToObject(g, "ambiguity_sensitive", in.del.ambiguity);
	cJSON_AddStringToObject(g, "guidance", in.del.guidance);
	cJSON_AddBoolToObject(g, "judgment_heavy_likely", in.del.judgment);
	cJSON_AddBoolToObject(g, "mechanical_work_likely", in.del.mechanical);
	cJSON_AddItemToObject(g, "reasons", mr_json_strlist(&in.del.reasons));
	cJSON_AddBoolToObject(g, "repo_wide_likely", in.del.repo_wide);
	cJSON_AddBoolToObject(g, "risky_or_external_action", in.del.risky);
	cJSON_AddBoolToObject(g, "verification_heavy_likely",
	    in.del.verification);
	mr_json_add_str(o, "fallback_engine", d->fallback_engine);
	cJSON_AddStringToObject(o, "fallback_explanation", in.fallback_expl);
	cJSON_AddBoolToObject(o, "fallback_used", d->fallback_used);
	cJSON_AddStringToObject(o, "policy_explanation", in.policy_expl);
	cJSON_AddStringToObject(o, "privacy_explanation", in.privacy_expl);
	cJSON_AddItemToObject(o, "reason_codes", mr_json_strlist(&in.codes));
	cJSON_AddItemToObject(o, "reasons", mr_json_strlist(&d->reasons));
	a = cJSON_AddArrayToObject(o, "rejected_engines");
	for (i = 0; i < d->nrejected; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "engine", d->rejected[i].engine);
		cJSON_AddStringToObject(e, "reason", d->rejected[i].reason);
		cJSON_AddItemToArray(a, e);
	}
	cJSON_AddStringToObject(o, "rejection_explanation", in.rejection_expl);
	cJSON_AddItemToObject(o, "requirements",
	    requirements_json(&d->req));
	cJSON_AddBoolToObject(o, "requires_code_execution",
	    d->requires_code_execution);
	cJSON_AddBoolToObject(o, "requires_confirmation",
	    d->requires_confirmation);
	cJSON_AddBoolToObject(o, "requires_freshness", d->requires_freshness);
	cJSON_AddBoolToObject(o, "requires_image_generation",
	    d->requires_image_generation);
	cJSON_AddBoolToObject(o, "requires_tools", d->requires_tools);
	cJSON_AddBoolToObject(o, "requires_vision", d->requires_vision);
	cJSON_AddNumberToObject(o, "risk_score", d->risk);
	cJSON_AddStringToObject(o, "routing_profile",
	    mr_profile_name(d->profile));
	cJSON_AddStringToObject(o, "safety_explanation", in.safety_expl);
	cJSON_AddStringToObject(o, "selected_route_explanation",
	    in.route_expl);
	cJSON_AddStringToObject(o, "summary", in.summary);
	cJSON_AddStringToObject(o, "wrong_route_next_action", WRONG_ROUTE);
	info_release(&in);
	return o;
}

static const char *
tf(bool b)
{
	return b ? "true" : "false";
}

static void
list_value(const struct mr_strlist *l, struct mr_buf *out)
{
	if (l->n == 0)
		mr_buf_addstr(out, "none");
	else
		mr_strlist_join(l, ", ", out);
}

void
mr_receipt_text(const struct mr_decision *d, struct mr_buf *out)
{
	const struct mr_requirements *q = &d->req;
	struct info in;
	size_t i;

	info_build(d, &in);
	mr_buf_printf(out, "Summary: %s\n", in.summary);
	mr_buf_printf(out, "Selected engine: %s\n", d->selected_engine);
	mr_buf_printf(out, "Routing profile: %s\n",
	    mr_profile_name(d->profile));
	mr_buf_printf(out, "Fallback engine: %s\n",
	    d->fallback_engine ? d->fallback_engine : "none");
	mr_buf_printf(out, "Complexity: %d/100\n", d->complexity);
	mr_buf_printf(out, "Risk: %d/100\n", d->risk);
	mr_buf_printf(out, "Confidence: %d/100\n", d->confidence);
	mr_buf_printf(out, "Requires confirmation: %s\n",
	    tf(d->requires_confirmation));
	mr_buf_printf(out, "Requires tools: %s\n", tf(d->requires_tools));
	mr_buf_printf(out, "Requires freshness: %s\n",
	    tf(d->requires_freshness));
	mr_buf_printf(out, "Requires code execution: %s\n",
	    tf(d->requires_code_execution));
	mr_buf_printf(out, "Requires vision: %s\n", tf(d->requires_vision));
	mr_buf_printf(out, "Requires image generation: %s\n",
	    tf(d->requires_image_generation));
	mr_buf_printf(out, "Config valid: %s\n", tf(d->config_valid));
	mr_buf_printf(out, "Availability valid: %s\n",
	    tf(d->availability_valid));
	mr_buf_printf(out, "Fallback used: %s\n", tf(d->fallback_used));
	mr_buf_addstr(out, "Requirements:\n");
	mr_buf_addstr(out, "- allowed_providers: ");
	list_value(&q->allowed_providers, out);
	mr_buf_printf(out, "\n- max_cost_tier: %s\n",
	    q->max_cost_tier ? q->max_cost_tier : "none");
	mr_buf_printf(out, "- max_latency_tier: %s\n",
	    q->max_latency_tier ? q->max_latency_tier : "none");
	mr_buf_printf(out, "- needs_tools: %s\n", tf(q->needs_tools));
	mr_buf_addstr(out, "- profile_reasons: ");
	list_value(&q->profile_reasons, out);
	mr_buf_addstr(out, "\n- provider_denylist: ");
	list_value(&q->denied_providers, out);
	mr_buf_addstr(out, "\n- provider_policy_reasons: ");
	list_value(&q->provider_policy_reasons, out);
	mr_buf_addstr(out, "\n- required_modalities: ");
	list_value(&q->required_modalities, out);
	mr_buf_printf(out, "\n- routing_profile: %s\n",
	    mr_profile_name(q->profile));
	mr_buf_addstr(out, "Rejected engines:\n");
	if (d->nrejected == 0)
		mr_buf_addstr(out, "- none\n");
	for (i = 0; i < d->nrejected; i++)
		mr_buf_printf(out, "- %s: %s\n", d->rejected[i].engine,
		    d->rejected[i].reason);
	mr_buf_addstr(out, "Alternatives:\n");
	if (d->nalternatives == 0)
		mr_buf_addstr(out, "- none\n");
	for (i = 0; i < d->nalternatives; i++)
		mr_buf_printf(out, "- %s: rank %d/100\n",
		    d->alternatives[i].engine, d->alternatives[i].rank_score);
	mr_buf_addstr(out, "Availability:\n");
	for (i = 0; i < d->availability_reasons.n; i++)
		mr_buf_printf(out, "- %s\n", d->availability_reasons.v[i]);
	mr_buf_addstr(out, "Reasons:\n");
	for (i = 0; i < d->reasons.n; i++)
		mr_buf_printf(out, "- %s\n", d->reasons.v[i]);
	info_release(&in);
}

void
mr_receipt_explain(const struct mr_decision *d, struct mr_buf *out)
{
	struct info in;

	info_build(d, &in);
	mr_buf_addstr(out, "Route Receipt\n");
	mr_buf_printf(out, "Summary: %s\n", in.summary);
	mr_buf_printf(out, "Selected: %s\n", d->selected_engine);
	mr_buf_printf(out, "Profile: %s\n", mr_profile_name(d->profile));
	mr_buf_addstr(out, "Reason codes: ");
	list_value(&in.codes, out);
	mr_buf_printf(out, "\nSelected route: %s\n", in.route_expl);
	mr_buf_printf(out, "Policy: %s\n", in.policy_expl);
	mr_buf_printf(out, "Rejected: %s\n", in.rejection_expl);
	mr_buf_printf(out, "Fallback: %s\n", in.fallback_expl);
	mr_buf_printf(out, "Safety: %s\n", in.safety_expl);
	mr_buf_printf(out, "Privacy: %s\n", in.privacy_expl);
	mr_buf_printf(out, "Wrong route: %s\n", WRONG_ROUTE);
	info_release(&in);
}

struct plan {
	const char	*provider, *model, *adapter;
	bool		 blocked;
	struct mr_strlist reasons;
};

static void
plan_build(const struct mr_config *cfg, const struct mr_decision *d,
    struct plan *p)
{
	int i = cfg ? mr_config_engine_index(cfg, d->selected_engine) : -1;
	bool gate = strcmp(d->selected_engine, "human_confirm") == 0;

	memset(p, 0, sizeof(*p));
	p->provider = i >= 0 ? cfg->engines[i].provider : "unknown";
	p->model = i >= 0 ? cfg->engines[i].model : "unknown";
	p->adapter = i >= 0 ? cfg->engines[i].adapter : "unknown";
	p->blocked = d->requires_confirmation || gate || !d->config_valid ||
	    !d->availability_valid;
	mr_strlist_push(&p->reasons, "dry-run dispatch plan; no adapter "
	    "executed");
	if (d->requires_confirmation)
		mr_strlist_push(&p->reasons, "confirmation required before any "
		    "dispatch");
	if (gate)
		mr_strlist_push(&p->reasons, "selected engine is the human "
		    "confirmation gate");
	if (!d->config_valid)
		mr_strlist_push(&p->reasons, "config is invalid");
	if (!d->availability_valid)
		mr_strlist_push(&p->reasons, "selected engine is not available");
}

cJSON *
mr_dispatch_plan_json(const struct mr_config *cfg, const struct mr_decision *d)
{
	cJSON *o = cJSON_CreateObject();
	struct plan p;

	plan_build(cfg, d, &p);
	cJSON_AddStringToObject(o, "selected_engine", d->selected_engine);
	cJSON_AddStringToObject(o, "adapter", p.adapter);
	cJSON_AddBoolToObject(o, "blocked", p.blocked);
	cJSON_AddBoolToObject(o, "can_dispatch", !p.blocked);
	cJSON_AddBoolToObject(o, "dry_run", true);
	cJSON_AddStringToObject(o, "model", p.model);
	cJSON_AddStringToObject(o, "provider", p.provider);
	cJSON_AddItemToObject(o, "reasons", mr_json_strlist(&p.reasons));
	cJSON_AddItemToObject(o, "receipt", mr_receipt_json(d));
	cJSON_AddBoolToObject(o, "requires_confirmation",
	    d->requires_confirmation);
	mr_strlist_clear(&p.reasons);
	return o;
}

void
mr_dispatch_plan_text(const struct mr_config *cfg,
    const struct mr_decision *d, struct mr_buf *out)
{
	struct plan p;
	size_t i;

	plan_build(cfg, d, &p);
	mr_buf_printf(out, "Selected engine: %s\n", d->selected_engine);
	mr_buf_printf(out, "Provider: %s\n", p.provider);
	mr_buf_printf(out, "Model: %s\n", p.model);
	mr_buf_printf(out, "Adapter: %s\n", p.adapter);
	mr_buf_addstr(out, "Dry run: true\n");
	mr_buf_printf(out, "Can dispatch: %s\n", tf(!p.blocked));
	mr_buf_printf(out, "Blocked: %s\n", tf(p.blocked));
	mr_buf_printf(out, "Requires confirmation: %s\n",
	    tf(d->requires_confirmation));
	mr_buf_addstr(out, "Reasons:\n");
	for (i = 0; i < p.reasons.n; i++)
		mr_buf_printf(out, "- %s\n", p.reasons.v[i]);
	mr_strlist_clear(&p.reasons);
}
