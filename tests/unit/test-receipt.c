/*
 * Unit tests for receipts, dispatch plans and JSON printing
 * (src/core/receipt.c, src/util/json.c): router-core.md §4.2–4.3 and the
 * receipt notes in docs/routing-differences.md.
 *
 * Besides exact strings for chosen decisions, check_receipt() recomputes
 * every derived field from the decision with the rules of §4.2 and
 * compares, for many prompts, hints and configs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/config.h"
#include "mr/embedded.h"
#include "mr/json.h"
#include "mr/receipt.h"
#include "mr/router.h"
#include "mr/unicode.h"

#define DEFAULT_PROFILE_REASON \
	"routing profile balanced uses default deterministic routing"
#define TOOLS_MISSING "tools required but engine does not support tools"
#define WRONG_ROUTE "If this route was wrong, review the local event with " \
	"`model-router telemetry review`, then label the proxy request id " \
	"with `model-router feedback <request_id> <expected_engine>` or " \
	"rerun `model-router decide --explain` with adjusted profile/provider " \
	"policy."

/* The reference receipt's keys (§4.2), sorted. */
static const char *const receipt_keys[] = {
	"alternatives", "availability_reasons", "availability_valid",
	"complexity_score", "confidence_score", "config_valid",
	"delegation_suitability", "fallback_engine", "fallback_explanation",
	"fallback_used", "policy_explanation", "privacy_explanation",
	"reason_codes", "reasons", "rejected_engines",
	"rejection_explanation", "requirements", "requires_code_execution",
	"requires_confirmation", "requires_freshness",
	"requires_image_generation", "requires_tools", "requires_vision",
	"risk_score", "routing_profile", "safety_explanation",
	"selected_engine", "selected_route_explanation", "summary",
	"wrong_route_next_action",
};

/* ---- helpers ----------------------------------------------------------- */

static const char *
fake_getenv(const char *name)
{
	if (strcmp(name, "OPENAI_API_KEY") == 0)
		return "sk-test";
	return NULL;
}

static char *
catalog_replace(const char *const *pairs, size_t npairs)
{
	const struct mr_embedded_file *f =
	    mr_embedded_find("catalog/model_router.yaml");
	char *text, *p, *out;
	size_t i;

	assert_non_null(f);
	text = mr_xstrdup(f->data);
	for (i = 0; i + 1 < npairs; i += 2) {
		p = strstr(text, pairs[i]);
		if (p == NULL)
			fail_msg("'%s' not in the catalog", pairs[i]);
		out = mr_xasprintf("%.*s%s%s", (int)(p - text), text,
		    pairs[i + 1], p + strlen(pairs[i]));
		free(text);
		text = out;
	}
	return text;
}

static struct mr_router *
router_replacing(const char *const *pairs, size_t npairs)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_config *cfg;
	char *text = catalog_replace(pairs, npairs);

	cfg = mr_config_load_buffer("test.yaml", text, strlen(text), &err);
	free(text);
	if (cfg == NULL)
		fail_msg("config: %d:%d: %s", err.line, err.col, err.msg);
	mr_config_check_availability(cfg, true, fake_getenv);
	return mr_router_new(cfg);
}

static struct mr_router *
default_router(void)
{
	return router_replacing(NULL, 0);
}

static void
route(const struct mr_router *r, const char *prompt,
    const struct mr_hints *h, struct mr_decision *d)
{
	mr_route(r, prompt, strlen(prompt), h, true, d);
}

static const char *
jstr(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsString(it))
		fail_msg("'%s' is not a string", key);
	return it->valuestring;
}

static bool
jbool(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsBool(it))
		fail_msg("'%s' is not a bool", key);
	return cJSON_IsTrue(it);
}

static void
assert_jlist(const cJSON *a, const char *const *want, size_t n)
{
	const cJSON *it;
	size_t i = 0;

	assert_true(cJSON_IsArray(a));
	cJSON_ArrayForEach(it, a) {
		assert_true(cJSON_IsString(it));
		if (i >= n)
			fail_msg("extra item %zu '%s'", i, it->valuestring);
		if (strcmp(it->valuestring, want[i]) != 0)
			fail_msg("item %zu: got '%s', want '%s'", i,
			    it->valuestring, want[i]);
		i++;
	}
	if (i != n)
		fail_msg("got %zu items, want %zu (next '%s')", i, n, want[i]);
}
#define ASSERT_JLIST(a, ...) do { \
	const char *const want_[] = { __VA_ARGS__ }; \
	assert_jlist((a), want_, MR_NELEM(want_)); \
} while (0)

static bool
jlist_has(const cJSON *a, const char *s)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, a)
		if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
			return true;
	return false;
}

/* Index of S in the string array A, or -1. */
static int
jlist_index(const cJSON *a, const char *s)
{
	const cJSON *it;
	int i = 0;

	cJSON_ArrayForEach(it, a) {
		if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
			return i;
		i++;
	}
	return -1;
}

static char *
printed(const cJSON *j)
{
	struct mr_buf b = MR_BUF_INIT;

	mr_json_print(j, &b);
	return mr_buf_detach(&b);
}

/* ---- an oracle for §4.2 ------------------------------------------------ */

static void
join(struct mr_buf *b, const struct mr_strlist *l, const char *sep)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		mr_buf_printf(b, "%s%s", i ? sep : "", l->v[i]);
}

static bool
only_local(const struct mr_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], "local") != 0 &&
		    strcmp(l->v[i], "human") != 0)
			return false;
	return l->n > 0;
}

static void
push(struct mr_strlist *l, const char *s)
{
	mr_strlist_push_unique(l, s);
}

static bool
icontains(const char *hay, const char *needle)
{
	char *low = mr_xstrdup(hay);
	bool found;
	size_t i;

	for (i = 0; low[i]; i++)
		if (low[i] >= 'A' && low[i] <= 'Z')
			low[i] = (char)(low[i] + 32);
	found = strstr(low, needle) != NULL;
	free(low);
	return found;
}

/* Recomputes the §4.2 fields of D and compares them with J. */
static void
check_receipt(const struct mr_decision *d, const cJSON *j, const char *what)
{
	const struct mr_analysis *a = &d->analysis;
	const struct mr_requirements *q = &d->req;
	struct mr_buf b = MR_BUF_INIT;
	struct mr_strlist codes = MR_STRLIST_INIT, dr = MR_STRLIST_INIT;
	const cJSON *g, *it;
	const char *fb = d->fallback_engine, *s, *route, *guidance;
	bool risky, amb, judg, mech, verif, repo, gate;
	size_t i, n;

	gate = strcmp(d->selected_engine, "human_confirm") == 0;
#define CHECK(key, want) do { \
	if (strcmp(jstr(j, key), (want)) != 0) \
		fail_msg("%s: %s:\n  got  %s\n  want %s", what, key, \
		    jstr(j, key), (want)); \
} while (0)

	/* summary */
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
	CHECK("summary", b.buf);
	mr_buf_reset(&b);

	/* selected_route_explanation */
	if (gate)
		mr_buf_addstr(&b, "Selected human_confirm because the request "
		    "needs explicit review before dispatch.");
	else
		mr_buf_printf(&b, "Selected %s for %s.", d->selected_engine,
		    d->requires_image_generation ? "image generation" :
		    d->requires_vision ? "vision, OCR, or attachment handling" :
		    d->requires_freshness ?
		    "fresh research or current information" :
		    d->requires_code_execution ? "coding or repository work" :
		    d->requires_tools ? "tool-capable handling" :
		    d->complexity >= 60 ? "higher-complexity reasoning" :
		    "the deterministic route matched this request");
	CHECK("selected_route_explanation", b.buf);
	mr_buf_reset(&b);

	/* policy_explanation */
	n = 0;
	if (q->profile_reasons.n) {
		mr_buf_addstr(&b, "Profile: ");
		join(&b, &q->profile_reasons, "; ");
		n++;
	}
	if (q->provider_policy_reasons.n) {
		mr_buf_addstr(&b, n++ ? ". Provider policy: " :
		    "Provider policy: ");
		join(&b, &q->provider_policy_reasons, "; ");
	}
	if (q->allowed_providers.n) {
		mr_buf_addstr(&b, n++ ? ". Allowed providers: " :
		    "Allowed providers: ");
		join(&b, &q->allowed_providers, ", ");
	}
	if (q->denied_providers.n) {
		mr_buf_addstr(&b, n++ ? ". Denied providers: " :
		    "Denied providers: ");
		join(&b, &q->denied_providers, ", ");
	}
	if (q->max_cost_tier)
		mr_buf_printf(&b, "%sMax cost tier: %s", n++ ? ". " : "",
		    q->max_cost_tier);
	if (q->max_latency_tier)
		mr_buf_printf(&b, "%sMax latency tier: %s", n++ ? ". " : "",
		    q->max_latency_tier);
	if (n)
		mr_buf_addch(&b, '.');
	else
		mr_buf_addstr(&b, "No profile or provider policy constraints "
		    "changed this route.");
	CHECK("policy_explanation", b.buf);
	mr_buf_reset(&b);

	/* rejection_explanation */
	if (d->nrejected == 0)
		mr_buf_addstr(&b, "No engines were rejected before selecting "
		    "this route.");
	else {
		mr_buf_addstr(&b, "Rejected engines: ");
		for (i = 0; i < d->nrejected && i < 4; i++)
			mr_buf_printf(&b, "%s%s: %s", i ? "; " : "",
			    d->rejected[i].engine, d->rejected[i].reason);
		if (d->nrejected > 4)
			mr_buf_printf(&b, "; %zu more rejected",
			    d->nrejected - 4);
		mr_buf_addch(&b, '.');
	}
	CHECK("rejection_explanation", b.buf);
	mr_buf_reset(&b);

	/* fallback_explanation */
	if (d->fallback_used && fb)
		mr_buf_printf(&b, "Fallback selected %s after the primary route "
		    "was unavailable, incompatible, or blocked by policy.", fb);
	else if (d->fallback_used)
		mr_buf_addstr(&b, "Fallback handling was used and the request "
		    "failed closed.");
	else if (fb)
		mr_buf_printf(&b, "No fallback was used; %s remains the "
		    "configured fallback.", fb);
	else
		mr_buf_addstr(&b, "No fallback was used and no fallback engine "
		    "is configured.");
	CHECK("fallback_explanation", b.buf);
	mr_buf_reset(&b);

	/* safety_explanation */
	CHECK("safety_explanation", d->requires_confirmation ?
	    "Human confirmation is required before dispatch." : gate ?
	    "The request failed closed to human confirmation." :
	    "No human confirmation is required by the current safety policy.");

	/* privacy_explanation */
	if (only_local(&q->allowed_providers))
		mr_buf_addstr(&b, "Local-only routing is active; hosted "
		    "providers are excluded.");
	else if (q->denied_providers.n) {
		mr_buf_addstr(&b, "Provider denylist active: ");
		join(&b, &q->denied_providers, ", ");
		mr_buf_addch(&b, '.');
	} else if (d->profile == MR_PROFILE_PRIVATE)
		mr_buf_addstr(&b, "Private profile is active; hosted providers "
		    "are excluded.");
	else
		mr_buf_addstr(&b, "No raw prompt text is stored in this "
		    "receipt; provider use follows the configured catalog and "
		    "policy.");
	CHECK("privacy_explanation", b.buf);
	mr_buf_reset(&b);
	CHECK("wrong_route_next_action", WRONG_ROUTE);

	/* delegation_suitability */
#define F(x) mr_has(a, MR_F_##x)
	risky = d->requires_confirmation || F(EXTERNAL_ACTION) ||
	    F(HIGH_IMPACT_EXTERNAL_ACTION) || F(DESTRUCTIVE_ACTION) ||
	    F(SEND_ACTION) || F(PURCHASE_ACTION);
	amb = F(AMBIGUOUS) || d->confidence < 60 ||
	    (F(SENSITIVE_DOMAIN) && d->confidence < 75);
	judg = F(JUDGMENT_HEAVY_INTENT) || F(MULTI_STEP_REASONING) ||
	    F(LONG_CONTEXT) || (d->complexity >= 60 &&
	    !F(MECHANICAL_WORK_INTENT));
	mech = !risky && (F(MECHANICAL_WORK_INTENT) ||
	    (F(CODING_INTENT) && F(REPO_WIDE_INTENT) && !judg));
	verif = F(VERIFICATION_INTENT) || (F(CODING_INTENT) && F(SHELL_INTENT));
	repo = F(REPO_WIDE_INTENT);
#undef F
	g = cJSON_GetObjectItemCaseSensitive(j, "delegation_suitability");
	assert_true(cJSON_IsObject(g));
	assert_int_equal(jbool(g, "mechanical_work_likely"), mech);
	assert_int_equal(jbool(g, "judgment_heavy_likely"), judg);
	assert_int_equal(jbool(g, "verification_heavy_likely"), verif);
	assert_int_equal(jbool(g, "repo_wide_likely"), repo);
	assert_int_equal(jbool(g, "risky_or_external_action"), risky);
	assert_int_equal(jbool(g, "ambiguity_sensitive"), amb);
	if (mech)
		mr_strlist_push(&dr, "Mechanical or repetitive code work is "
		    "likely.");
	if (judg)
		mr_strlist_push(&dr, "Substantive judgment, planning, or review "
		    "is likely.");
	if (verif)
		mr_strlist_push(&dr, "Verification or test-running cost is "
		    "likely.");
	if (repo)
		mr_strlist_push(&dr, "Repository-wide or multi-file scope is "
		    "likely.");
	if (risky)
		mr_strlist_push(&dr, "Risky or external action policy applies.");
	if (amb)
		mr_strlist_push(&dr, "Ambiguity or sensitivity should stay on a "
		    "stronger path.");
	assert_jlist(cJSON_GetObjectItemCaseSensitive(g, "reasons"),
	    (const char *const *)dr.v, dr.n);
	guidance = risky ? "Do not delegate without satisfying "
	    "human-confirmation policy." : (judg || amb) ? "Keep planning, "
	    "ambiguity resolution, and final review on a stronger route; "
	    "delegate only narrow implementation or verification work." :
	    (mech || verif) ? "Candidate for sidekick-style delegation when "
	    "host policy and provider constraints allow it." :
	    "No strong sidekick-delegation signal in this receipt.";
	assert_string_equal(jstr(g, "guidance"), guidance);

	/* reason_codes */
	mr_buf_printf(&b, "profile.%s", mr_profile_name(d->profile));
	push(&codes, b.buf);
	mr_buf_reset(&b);
	if (!d->config_valid)
		push(&codes, "config.invalid");
	if (!d->availability_valid)
		push(&codes, "availability.issue");
	route = gate ? "route.confirmation" :
	    d->requires_image_generation ? "route.image_generation" :
	    d->requires_vision ? "route.vision" :
	    d->requires_freshness ? "route.research" :
	    d->requires_code_execution ? "route.coding" :
	    d->complexity >= 60 ? "route.reasoning" :
	    strcmp(d->selected_engine, "fast_local") == 0 ? "route.simple" :
	    "route.balanced";
	push(&codes, route);
	if (d->requires_tools)
		push(&codes, "requirement.tools");
	if (d->requires_freshness)
		push(&codes, "requirement.freshness");
	if (d->requires_code_execution)
		push(&codes, "requirement.code_execution");
	if (d->requires_vision)
		push(&codes, "requirement.vision");
	if (d->requires_image_generation)
		push(&codes, "requirement.image_generation");
	if (q->required_modalities.n)
		push(&codes, "requirement.modality");
	if (q->allowed_providers.n)
		push(&codes, "policy.provider_allowlist");
	if (only_local(&q->allowed_providers))
		push(&codes, "policy.local_only");
	if (q->denied_providers.n)
		push(&codes, "policy.provider_denylist");
	if (q->max_cost_tier)
		push(&codes, "policy.max_cost_tier");
	if (q->max_latency_tier)
		push(&codes, "policy.max_latency_tier");
	if (q->profile_reasons.n)
		push(&codes, "policy.profile");
	if (q->provider_policy_reasons.n)
		push(&codes, "policy.provider");
	if (mech)
		push(&codes, "delegation.mechanical_work_likely");
	if (judg)
		push(&codes, "delegation.judgment_heavy_likely");
	if (verif)
		push(&codes, "delegation.verification_heavy_likely");
	if (repo)
		push(&codes, "delegation.repo_wide_likely");
	if (risky)
		push(&codes, "delegation.risky_or_external_action");
	if (amb)
		push(&codes, "delegation.ambiguity_sensitive");
	for (i = 0; i < d->reasons.n; i++) {
		s = d->reasons.v[i];
		if (icontains(s, "forced engine"))
			push(&codes, "force_engine.requested");
		if (icontains(s, "force_engine ignored"))
			push(&codes, "force_engine.ignored");
		if (icontains(s, "human confirmation") ||
		    icontains(s, "requires confirmation"))
			push(&codes, "safety.confirmation_required");
		if (icontains(s, "private") && icontains(s, "local"))
			push(&codes, "policy.local_only");
		if (icontains(s, "safe") && icontains(s, "confirmation"))
			push(&codes, "profile.safe_confirmation");
		if (icontains(s, "fresh") ||
		    icontains(s, "current information"))
			push(&codes, "route.research");
		if (icontains(s, "coding") || icontains(s, "repository"))
			push(&codes, "route.coding");
	}
	for (i = 0; i < d->nrejected; i++) {
		s = d->rejected[i].reason;
		if (icontains(s, "provider") && icontains(s, "denied"))
			push(&codes, "rejection.provider_denied");
		else if (icontains(s, "provider") &&
		    icontains(s, "not allowed"))
			push(&codes, "rejection.provider_not_allowed");
		else if (icontains(s, "backend") && icontains(s, "denied"))
			push(&codes, "rejection.backend_denied");
		else if (icontains(s, "backend") &&
		    icontains(s, "not allowed"))
			push(&codes, "rejection.backend_not_allowed");
		else if (icontains(s, "tools required"))
			push(&codes, "rejection.tools_missing");
		else if (icontains(s, "modality"))
			push(&codes, "rejection.modality_missing");
		else if (icontains(s, "cost_tier"))
			push(&codes, "rejection.cost_tier");
		else if (icontains(s, "latency_tier"))
			push(&codes, "rejection.latency_tier");
		else if (icontains(s, "unavailable"))
			push(&codes, "rejection.unavailable");
		else if (icontains(s, "disabled"))
			push(&codes, "rejection.disabled");
		else if (icontains(s, "undefined"))
			push(&codes, "rejection.undefined");
		else if (icontains(s, "cycle"))
			push(&codes, "rejection.fallback_cycle");
	}
	if (d->fallback_used)
		push(&codes, "fallback.used");
	else if (fb)
		push(&codes, "fallback.configured");
	push(&codes, d->requires_confirmation ?
	    "safety.confirmation_required" : "safety.no_confirmation_required");
	assert_jlist(cJSON_GetObjectItemCaseSensitive(j, "reason_codes"),
	    (const char *const *)codes.v, codes.n);

	/* Plain copies of the decision. */
	assert_string_equal(jstr(j, "selected_engine"), d->selected_engine);
	assert_string_equal(jstr(j, "routing_profile"),
	    mr_profile_name(d->profile));
	it = cJSON_GetObjectItemCaseSensitive(j, "fallback_engine");
	if (fb)
		assert_string_equal(it->valuestring, fb);
	else
		assert_true(cJSON_IsNull(it));
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "complexity_score")->valueint, d->complexity);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "risk_score")->valueint, d->risk);
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "confidence_score")->valueint, d->confidence);
	assert_int_equal(jbool(j, "requires_confirmation"),
	    d->requires_confirmation);
	assert_int_equal(jbool(j, "requires_tools"), d->requires_tools);
	assert_int_equal(jbool(j, "config_valid"), d->config_valid);
	assert_int_equal(jbool(j, "availability_valid"),
	    d->availability_valid);
	assert_int_equal(jbool(j, "fallback_used"), d->fallback_used);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    j, "rejected_engines")), (int)d->nrejected);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	    j, "alternatives")), (int)d->nalternatives);
	assert_jlist(cJSON_GetObjectItemCaseSensitive(j, "reasons"),
	    (const char *const *)d->reasons.v, d->reasons.n);
	mr_strlist_clear(&codes);
	mr_strlist_clear(&dr);
	mr_buf_release(&b);
#undef CHECK
}

/* Keys of every object in J sorted; at the top, after selected_engine. */
static void
assert_sorted_keys(const cJSON *j, bool top)
{
	const cJSON *c, *prev = NULL;

	if (cJSON_IsArray(j)) {
		cJSON_ArrayForEach(c, j)
			assert_sorted_keys(c, false);
		return;
	}
	if (!cJSON_IsObject(j))
		return;
	for (c = j->child; c != NULL; c = c->next) {
		if (top && c == j->child) {
			assert_string_equal(c->string, "selected_engine");
			continue;
		}
		if (prev != NULL && strcmp(prev->string, c->string) >= 0)
			fail_msg("key '%s' after '%s'", c->string,
			    prev->string);
		prev = c;
		assert_sorted_keys(c, false);
	}
}

/* ---- the receipt's shape ----------------------------------------------- */

static void
assert_receipt_shape(const cJSON *j)
{
	const cJSON *c;
	size_t i, count;

	assert_true(cJSON_IsObject(j));
	assert_non_null(j->child);
	assert_string_equal(j->child->string, "selected_engine");
	for (i = 0; i < MR_NELEM(receipt_keys); i++) {
		count = 0;
		for (c = j->child; c != NULL; c = c->next)
			if (strcmp(c->string, receipt_keys[i]) == 0)
				count++;
		if (count != 1)
			fail_msg("key %s appears %zu times", receipt_keys[i],
			    count);
	}
	assert_int_equal(cJSON_GetArraySize(j), (int)MR_NELEM(receipt_keys));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "features"));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "prompt"));
	assert_sorted_keys(j, true);
	/* types */
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "alternatives")));
	assert_true(cJSON_IsObject(cJSON_GetObjectItem(j, "requirements")));
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "risk_score")));
	assert_true(cJSON_IsBool(cJSON_GetObjectItem(j, "requires_vision")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j,
	    "requirements")), 9);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j,
	    "delegation_suitability")), 8);
}

static void
test_receipt_keys(void **state)
{
	static const char *const prompts[] = {
		"rewrite this zebraquokka text",
		"fix the repo and run tests for zebraquokka",
		"drop the zebraquokka production database",
		"describe this zebraquokka screenshot",
	};
	struct mr_router *r = default_router();
	struct mr_decision d;
	struct mr_hints h;
	cJSON *j, *alt, *rej;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(prompts); i++) {
		route(r, prompts[i], NULL, &d);
		j = mr_receipt_json(&d);
		assert_receipt_shape(j);
		/* no raw prompt text anywhere */
		text = printed(j);
		assert_null(strstr(text, "zebraquokka"));
		free(text);
		check_receipt(&d, j, prompts[i]);
		cJSON_Delete(j);
		mr_decision_release(&d);
	}

	/* Alternatives and rejections are objects with sorted keys. */
	route(r, "fix the bug in my python function", NULL, &d);
	j = mr_receipt_json(&d);
	alt = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "alternatives"), 0);
	assert_non_null(alt);
	assert_string_equal(jstr(alt, "engine"), "multimodal_vision");
	assert_int_equal(cJSON_GetObjectItem(alt, "rank_score")->valueint, 62);
	assert_int_equal(cJSON_GetObjectItem(alt, "capability")->valueint, 70);
	assert_int_equal(cJSON_GetArraySize(alt), 7);
	rej = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rejected_engines"),
	    0);
	assert_string_equal(jstr(rej, "engine"), "fast_local");
	assert_string_equal(jstr(rej, "reason"), TOOLS_MISSING);
	assert_int_equal(cJSON_GetArraySize(rej), 2);
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* The fail-closed shapes too. */
	mr_route_config_error("boom", "hi", 2, NULL, &d);
	j = mr_receipt_json(&d);
	assert_receipt_shape(j);
	check_receipt(&d, j, "config error");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_hints_init(&h);
	h.max_cost_tier = "cheap";
	route(r, "hi", &h, &d);
	j = mr_receipt_json(&d);
	assert_receipt_shape(j);
	check_receipt(&d, j, "invalid hints");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- the oracle over many decisions ------------------------------------ */

static void
test_receipt_oracle(void **state)
{
	static const char *const prompts[] = {
		"rewrite this text", "summarize this article for me", "",
		"fix this", "fix the repo and run tests",
		"Why does my TypeScript build fail with TS2307?",
		"rename the deprecated imports across the codebase",
		"plan the architecture for our new billing service and review "
		    "the tradeoffs",
		"what is the latest news about the stock market today",
		"describe this screenshot", "generate a logo for my bakery",
		"delete all my files", "drop the production database",
		"send this email to the whole company", "handle my taxes",
		"explain the tax implications of selling my house",
		"run the test suite and fix failures across the repo",
		"post this announcement on twitter", "handle it",
	};
	static const struct {
		const char *profile, *force, *allow, *deny, *att;
		bool local_only, latency;
	} hints[] = {
		{ .profile = NULL }, { .profile = "fast" },
		{ .profile = "private" }, { .profile = "safe" },
		{ .profile = "quality" },
		{ .force = "reasoning_local" }, { .force = "nope" },
		{ .force = "code_agent" }, { .allow = "openai" },
		{ .deny = "local" }, { .deny = "openai" }, { .att = "image" },
		{ .att = "audio" }, { .local_only = true }, { .latency = true },
	};
	const char *const pool_cfg[] = {
		"  provider_denylist: []", "  provider_denylist: [acme]",
		"  route_pools: {}",
		"  route_pools:\n    coding:\n      max_cost_tier: free\n"
		    "    balanced:\n      local_only: true",
		"    enabled: false\n    fallback: balanced_local",
		"    enabled: true\n    fallback: balanced_local",
	};
	const char *const off_cfg[] = {
		"  coding: code_agent\n", "  coding: balanced_local\n",
		"  simple: fast_local\n", "  simple: image_generation\n",
	};
	struct mr_router *routers[3];
	struct mr_decision d;
	struct mr_hints h;
	cJSON *j;
	char what[256];
	size_t i, k, c;

	(void)state;
	routers[0] = default_router();
	routers[1] = router_replacing(pool_cfg, MR_NELEM(pool_cfg));
	routers[2] = router_replacing(off_cfg, MR_NELEM(off_cfg));
	for (c = 0; c < 3; c++) {
		for (i = 0; i < MR_NELEM(prompts); i++) {
			for (k = 0; k < MR_NELEM(hints); k++) {
				mr_hints_init(&h);
				h.profile = hints[k].profile;
				h.force_engine = hints[k].force;
				if (hints[k].allow) {
					h.allowlist[h.nallow++] =
					    hints[k].allow;
				}
				if (hints[k].deny)
					h.denylist[h.ndeny++] = hints[k].deny;
				if (hints[k].att)
					h.attachments[h.nattachments++] =
					    hints[k].att;
				h.local_only = hints[k].local_only;
				h.latency_sensitive = hints[k].latency;
				mr_route(routers[c], prompts[i],
				    strlen(prompts[i]), &h, k % 3 != 1, &d);
				j = mr_receipt_json(&d);
				snprintf(what, sizeof(what), "cfg %zu hints %zu "
				    "\"%s\"", c, k, prompts[i]);
				check_receipt(&d, j, what);
				cJSON_Delete(j);
				mr_decision_release(&d);
			}
		}
	}
	for (c = 0; c < 3; c++)
		mr_router_free(routers[c]);
}

/* ---- exact strings ----------------------------------------------------- */

static void
test_receipt_fix_repo(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	cJSON *j, *g, *q;

	(void)state;
	route(r, "fix the repo and run tests", NULL, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "selected_engine"), "code_agent");
	assert_string_equal(jstr(j, "summary"), "Selected code_agent under the "
	    "balanced profile; no confirmation required; fallback available: "
	    "reasoning_local.");
	assert_string_equal(jstr(j, "selected_route_explanation"),
	    "Selected code_agent for coding or repository work.");
	/* The profile reason is always present, so §4.2's "No profile or
	 * provider policy constraints ..." never shows for a routed
	 * request. */
	assert_string_equal(jstr(j, "policy_explanation"),
	    "Profile: " DEFAULT_PROFILE_REASON ".");
	assert_string_equal(jstr(j, "rejection_explanation"),
	    "Rejected engines: fast_local: " TOOLS_MISSING "; balanced_local: "
	    TOOLS_MISSING "; reasoning_local: " TOOLS_MISSING ".");
	assert_string_equal(jstr(j, "fallback_explanation"),
	    "No fallback was used; reasoning_local remains the configured "
	    "fallback.");
	assert_string_equal(jstr(j, "safety_explanation"),
	    "No human confirmation is required by the current safety policy.");
	assert_string_equal(jstr(j, "privacy_explanation"),
	    "No raw prompt text is stored in this receipt; provider use "
	    "follows the configured catalog and policy.");
	assert_string_equal(jstr(j, "wrong_route_next_action"), WRONG_ROUTE);
	ASSERT_JLIST(cJSON_GetObjectItem(j, "reason_codes"),
	    "profile.balanced", "route.coding", "requirement.tools",
	    "requirement.code_execution", "policy.profile",
	    "delegation.mechanical_work_likely",
	    "delegation.verification_heavy_likely",
	    "delegation.repo_wide_likely", "rejection.tools_missing",
	    "fallback.configured", "safety.no_confirmation_required");
	assert_int_equal(cJSON_GetObjectItem(j, "complexity_score")->valueint,
	    56);
	assert_int_equal(cJSON_GetObjectItem(j, "risk_score")->valueint, 38);
	assert_int_equal(cJSON_GetObjectItem(j, "confidence_score")->valueint,
	    90);
	g = cJSON_GetObjectItem(j, "delegation_suitability");
	assert_true(jbool(g, "verification_heavy_likely"));
	assert_false(jbool(g, "risky_or_external_action"));
	q = cJSON_GetObjectItem(j, "requirements");
	assert_true(jbool(q, "needs_tools"));
	assert_string_equal(jstr(q, "routing_profile"), "balanced");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(q, "max_cost_tier")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(q, "max_latency_tier")));
	ASSERT_JLIST(cJSON_GetObjectItem(q, "profile_reasons"),
	    DEFAULT_PROFILE_REASON);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(q,
	    "provider_denylist")), 0);
	check_receipt(&d, j, "fix the repo");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_receipt_confirmation(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	cJSON *j;

	(void)state;
	route(r, "drop the production database", NULL, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "summary"), "Selected human_confirm under "
	    "the balanced profile; human confirmation required; no fallback "
	    "configured.");
	assert_string_equal(jstr(j, "selected_route_explanation"),
	    "Selected human_confirm because the request needs explicit review "
	    "before dispatch.");
	assert_string_equal(jstr(j, "rejection_explanation"),
	    "No engines were rejected before selecting this route.");
	assert_string_equal(jstr(j, "fallback_explanation"),
	    "No fallback was used and no fallback engine is configured.");
	assert_string_equal(jstr(j, "safety_explanation"),
	    "Human confirmation is required before dispatch.");
	ASSERT_JLIST(cJSON_GetObjectItem(j, "reason_codes"),
	    "profile.balanced", "route.confirmation", "policy.profile",
	    "delegation.risky_or_external_action",
	    "safety.confirmation_required");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j,
	    "alternatives")), 0);
	cJSON_Delete(j);

	/* §4.2: selected human_confirm without requires_confirmation (no
	 * router path produces it) reads "failed closed". */
	d.requires_confirmation = false;
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "safety_explanation"),
	    "The request failed closed to human confirmation.");
	/* The reason string still says "human confirmation" (step 8),
	 * and step 11 adds the "no confirmation" code as well. */
	assert_true(jlist_has(cJSON_GetObjectItem(j, "reason_codes"),
	    "safety.confirmation_required"));
	assert_true(jlist_has(cJSON_GetObjectItem(j, "reason_codes"),
	    "safety.no_confirmation_required"));
	check_receipt(&d, j, "hand-made");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_route_explanations(void **state)
{
	static const struct {
		const char *prompt, *att, *want;
	} cases[] = {
		{ "generate a logo for my bakery", NULL, "Selected "
		    "image_generation for image generation." },
		{ "describe this screenshot", NULL, "Selected multimodal_vision "
		    "for vision, OCR, or attachment handling." },
		{ "summarize this article for me", "pdf", "Selected "
		    "multimodal_vision for vision, OCR, or attachment "
		    "handling." },
		{ "what is the latest news about the stock market today", NULL,
		    "Selected web_research for fresh research or current "
		    "information." },
		{ "fix the repo and run tests", NULL, "Selected code_agent for "
		    "coding or repository work." },
		/* coding intent alone: tool-capable handling */
		{ "fix the bug in my python function", NULL, "Selected "
		    "code_agent for tool-capable handling." },
		{ "design a distributed architecture for a multi-region event "
		    "streaming system with failover, then plan the migration "
		    "step by step", NULL, "Selected reasoning_local for "
		    "higher-complexity reasoning." },
		{ "rewrite this text", NULL, "Selected fast_local for the "
		    "deterministic route matched this request." },
	};
	struct mr_router *r = default_router();
	struct mr_decision d;
	struct mr_hints h;
	cJSON *j;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		mr_hints_init(&h);
		if (cases[i].att)
			h.attachments[h.nattachments++] = cases[i].att;
		route(r, cases[i].prompt, &h, &d);
		j = mr_receipt_json(&d);
		assert_string_equal(jstr(j, "selected_route_explanation"),
		    cases[i].want);
		cJSON_Delete(j);
		mr_decision_release(&d);
	}
	mr_router_free(r);
}

static void
test_reason_codes(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	struct mr_hints h;
	cJSON *j, *c;

	(void)state;
	/* §4.2 step 4 note: coding intent alone gets route.balanced, then
	 * route.coding from the reason strings. */
	route(r, "Why does my TypeScript build fail with TS2307?", NULL, &d);
	assert_string_equal(d.selected_engine, "code_agent");
	j = mr_receipt_json(&d);
	c = cJSON_GetObjectItem(j, "reason_codes");
	assert_int_equal(jlist_index(c, "route.balanced"), 1);
	assert_true(jlist_index(c, "route.coding") > 1);
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* forced, ignored */
	mr_hints_init(&h);
	h.force_engine = "reasoning_local";
	route(r, "summarize this article for me", &h, &d);
	j = mr_receipt_json(&d);
	assert_true(jlist_has(cJSON_GetObjectItem(j, "reason_codes"),
	    "force_engine.requested"));
	cJSON_Delete(j);
	mr_decision_release(&d);
	h.force_engine = "code_agent";
	route(r, "delete all my files", &h, &d);
	j = mr_receipt_json(&d);
	c = cJSON_GetObjectItem(j, "reason_codes");
	assert_true(jlist_has(c, "force_engine.ignored"));
	assert_false(jlist_has(c, "force_engine.requested"));
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* safe profile; private profile */
	mr_hints_init(&h);
	h.profile = "safe";
	route(r, "handle it", &h, &d);
	j = mr_receipt_json(&d);
	c = cJSON_GetObjectItem(j, "reason_codes");
	assert_string_equal(cJSON_GetArrayItem(c, 0)->valuestring,
	    "profile.safe");
	assert_true(jlist_has(c, "profile.safe_confirmation"));
	assert_true(jlist_has(c, "safety.confirmation_required"));
	cJSON_Delete(j);
	mr_decision_release(&d);
	h.profile = "private";
	route(r, "summarize this article for me", &h, &d);
	j = mr_receipt_json(&d);
	c = cJSON_GetObjectItem(j, "reason_codes");
	assert_true(jlist_has(c, "policy.provider_allowlist"));
	assert_true(jlist_has(c, "policy.local_only"));
	/* "excluded by private routing profile" matches no rejection
	 * rule */
	assert_false(jlist_has(c, "rejection.provider_not_allowed"));
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* fast: tier codes; latency rejections */
	mr_hints_init(&h);
	h.profile = "fast";
	route(r, "summarize this article for me", &h, &d);
	j = mr_receipt_json(&d);
	c = cJSON_GetObjectItem(j, "reason_codes");
	assert_true(jlist_has(c, "policy.max_cost_tier"));
	assert_true(jlist_has(c, "policy.max_latency_tier"));
	assert_true(jlist_has(c, "rejection.latency_tier"));
	assert_true(jlist_has(c, "rejection.cost_tier"));
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* deny; unknown engine; invalid hints; config error */
	mr_hints_init(&h);
	h.denylist[h.ndeny++] = "local";
	route(r, "rewrite this text", &h, &d);
	j = mr_receipt_json(&d);
	c = cJSON_GetObjectItem(j, "reason_codes");
	assert_true(jlist_has(c, "policy.provider_denylist"));
	assert_true(jlist_has(c, "rejection.provider_denied"));
	assert_true(jlist_has(c, "fallback.used"));
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_hints_init(&h);
	h.force_engine = "nope";
	route(r, "rewrite this text", &h, &d);
	j = mr_receipt_json(&d);
	c = cJSON_GetObjectItem(j, "reason_codes");
	assert_int_equal(jlist_index(c, "availability.issue"), 1);
	assert_true(jlist_has(c, "rejection.undefined"));
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_route_config_error("boom", "hi", 2, NULL, &d);
	j = mr_receipt_json(&d);
	ASSERT_JLIST(cJSON_GetObjectItem(j, "reason_codes"),
	    "profile.balanced", "config.invalid", "availability.issue",
	    "route.confirmation", "policy.profile",
	    "delegation.risky_or_external_action",
	    "delegation.ambiguity_sensitive", "fallback.used",
	    "safety.confirmation_required");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_policy_explanations(void **state)
{
	static const char *const pol[] = {
		"  provider_allowlist: []", "  provider_allowlist: [local]",
		"  provider_denylist: []", "  provider_denylist: [acme]",
	};
	struct mr_router *r = default_router(), *p;
	struct mr_decision d;
	struct mr_hints h;
	cJSON *j;

	(void)state;
	mr_hints_init(&h);
	h.profile = "fast";
	route(r, "rewrite this text", &h, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "policy_explanation"), "Profile: routing "
	    "profile fast prefers low-latency and low-cost backends. Max cost "
	    "tier: low. Max latency tier: medium.");
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* Invalid hints have bare requirements and no profile reason: the
	 * only route to "No profile or provider policy constraints". */
	mr_hints_init(&h);
	h.profile = "turbo";
	route(r, "rewrite this text", &h, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "policy_explanation"),
	    "No profile or provider policy constraints changed this route.");
	ASSERT_JLIST(cJSON_GetObjectItem(cJSON_GetObjectItem(j,
	    "requirements"), "profile_reasons"));
	assert_false(jlist_has(cJSON_GetObjectItem(j, "reason_codes"),
	    "policy.profile"));
	cJSON_Delete(j);
	mr_decision_release(&d);

	p = router_replacing(pol, MR_NELEM(pol));
	route(p, "rewrite this text", NULL, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "policy_explanation"), "Profile: "
	    DEFAULT_PROFILE_REASON ". Provider policy: provider policy "
	    "allowlist: local; provider policy denylist: acme. Allowed "
	    "providers: local, human. Denied providers: acme.");
	/* allowed ⊆ {local, human} wins over the denylist */
	assert_string_equal(jstr(j, "privacy_explanation"), "Local-only "
	    "routing is active; hosted providers are excluded.");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(p);
	mr_router_free(r);
}

static void
test_rejection_explanation_more(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	struct mr_hints h;
	cJSON *j;

	(void)state;
	/* Seven rejections: the chain fast -> balanced -> reasoning and
	 * four alternatives, all local. */
	mr_hints_init(&h);
	h.denylist[h.ndeny++] = "local";
	route(r, "rewrite this text", &h, &d);
	assert_int_equal(d.nrejected, 7);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "rejection_explanation"),
	    "Rejected engines: fast_local: provider local denied by provider "
	    "policy; balanced_local: provider local denied by provider policy; "
	    "reasoning_local: provider local denied by provider policy; "
	    "code_agent: provider local denied by provider policy; 3 more "
	    "rejected.");
	assert_string_equal(jstr(j, "privacy_explanation"),
	    "Provider denylist active: local.");
	assert_string_equal(jstr(j, "fallback_explanation"),
	    "Fallback selected human_confirm after the primary route was "
	    "unavailable, incompatible, or blocked by policy.");
	assert_string_equal(jstr(j, "summary"), "Selected human_confirm under "
	    "the balanced profile; human confirmation required; fallback "
	    "used: human_confirm.");
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* Exactly four: no "more". */
	mr_hints_init(&h);
	h.profile = "fast";
	route(r, "delete all my files", &h, &d);
	assert_int_equal(d.nrejected, 4);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "rejection_explanation"),
	    "Rejected engines: reasoning_local: latency_tier high exceeds "
	    "medium; web_research: cost_tier medium exceeds low; "
	    "multimodal_vision: cost_tier medium exceeds low; "
	    "image_generation: cost_tier medium exceeds low.");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_fallback_explanations(void **state)
{
	struct mr_router *r;
	struct mr_decision d;
	cJSON *j;
	char *text;

	(void)state;
	/* fast_local disabled: the first "enabled: true" after its
	 * strengths line. */
	{
		const char *pairs[] = {
			"strengths: [rewrite, extraction, formatting]\n"
			    "    max_context: 8192\n    cost_tier: free\n"
			    "    latency_tier: low\n    supports_tools: false\n"
			    "    modalities: []\n    enabled: true",
			"strengths: [rewrite, extraction, formatting]\n"
			    "    max_context: 8192\n    cost_tier: free\n"
			    "    latency_tier: low\n    supports_tools: false\n"
			    "    modalities: []\n    enabled: false",
		};
		r = router_replacing(pairs, 2);
	}
	route(r, "rewrite this text", NULL, &d);
	assert_string_equal(d.selected_engine, "balanced_local");
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "fallback_explanation"),
	    "Fallback selected balanced_local after the primary route was "
	    "unavailable, incompatible, or blocked by policy.");
	assert_string_equal(jstr(j, "summary"), "Selected balanced_local under "
	    "the balanced profile; no confirmation required; fallback used: "
	    "balanced_local.");
	text = printed(j);
	assert_non_null(strstr(text, "\"rejection.disabled\""));
	free(text);
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);

	mr_route_config_error("boom", "rewrite this text", 17, NULL, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "fallback_explanation"),
	    "Fallback handling was used and the request failed closed.");
	assert_string_equal(jstr(j, "summary"), "Selected human_confirm under "
	    "the balanced profile; human confirmation required; no fallback "
	    "configured.");
	cJSON_Delete(j);
	mr_decision_release(&d);
}

static void
test_privacy_explanations(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	struct mr_hints h;
	cJSON *j;

	(void)state;
	mr_hints_init(&h);
	h.local_only = true;
	route(r, "rewrite this text", &h, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "privacy_explanation"), "Local-only "
	    "routing is active; hosted providers are excluded.");
	cJSON_Delete(j);
	mr_decision_release(&d);

	mr_hints_init(&h);
	h.denylist[h.ndeny++] = "openai";
	h.denylist[h.ndeny++] = "anthropic";
	route(r, "rewrite this text", &h, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "privacy_explanation"),
	    "Provider denylist active: openai, anthropic.");
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* private: allowed is [local, human], so the local-only sentence
	 * comes first ... */
	mr_hints_init(&h);
	h.profile = "private";
	route(r, "rewrite this text", &h, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "privacy_explanation"), "Local-only "
	    "routing is active; hosted providers are excluded.");
	cJSON_Delete(j);
	/* ... the private sentence needs no allowlist and no denylist. */
	mr_strlist_clear(&d.req.allowed_providers);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "privacy_explanation"), "Private profile "
	    "is active; hosted providers are excluded.");
	cJSON_Delete(j);
	mr_decision_release(&d);

	route(r, "rewrite this text", NULL, &d);
	j = mr_receipt_json(&d);
	assert_string_equal(jstr(j, "privacy_explanation"), "No raw prompt "
	    "text is stored in this receipt; provider use follows the "
	    "configured catalog and policy.");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_delegation(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	cJSON *j, *g;

	(void)state;
	route(r, "rename the deprecated imports across the codebase", NULL,
	    &d);
	j = mr_receipt_json(&d);
	g = cJSON_GetObjectItem(j, "delegation_suitability");
	assert_true(jbool(g, "mechanical_work_likely"));
	assert_true(jbool(g, "repo_wide_likely"));
	assert_false(jbool(g, "judgment_heavy_likely"));
	assert_false(jbool(g, "risky_or_external_action"));
	assert_false(jbool(g, "ambiguity_sensitive"));
	ASSERT_JLIST(cJSON_GetObjectItem(g, "reasons"),
	    "Mechanical or repetitive code work is likely.",
	    "Repository-wide or multi-file scope is likely.");
	assert_string_equal(jstr(g, "guidance"), "Candidate for sidekick-style "
	    "delegation when host policy and provider constraints allow it.");
	assert_true(jlist_has(cJSON_GetObjectItem(j, "reason_codes"),
	    "delegation.mechanical_work_likely"));
	cJSON_Delete(j);
	mr_decision_release(&d);

	route(r, "drop the production database", NULL, &d);
	j = mr_receipt_json(&d);
	g = cJSON_GetObjectItem(j, "delegation_suitability");
	assert_true(jbool(g, "risky_or_external_action"));
	assert_false(jbool(g, "mechanical_work_likely"));
	ASSERT_JLIST(cJSON_GetObjectItem(g, "reasons"),
	    "Risky or external action policy applies.");
	assert_string_equal(jstr(g, "guidance"), "Do not delegate without "
	    "satisfying human-confirmation policy.");
	cJSON_Delete(j);
	mr_decision_release(&d);

	route(r, "plan the architecture for our new billing service and "
	    "review the tradeoffs", NULL, &d);
	j = mr_receipt_json(&d);
	g = cJSON_GetObjectItem(j, "delegation_suitability");
	assert_true(jbool(g, "judgment_heavy_likely"));
	assert_false(jbool(g, "risky_or_external_action"));
	assert_false(jbool(g, "mechanical_work_likely"));
	assert_string_equal(jstr(g, "guidance"), "Keep planning, ambiguity "
	    "resolution, and final review on a stronger route; delegate only "
	    "narrow implementation or verification work.");
	assert_true(jlist_has(cJSON_GetObjectItem(g, "reasons"),
	    "Substantive judgment, planning, or review is likely."));
	cJSON_Delete(j);
	mr_decision_release(&d);

	route(r, "summarize this article for me", NULL, &d);
	j = mr_receipt_json(&d);
	g = cJSON_GetObjectItem(j, "delegation_suitability");
	ASSERT_JLIST(cJSON_GetObjectItem(g, "reasons"));
	assert_string_equal(jstr(g, "guidance"), "No strong "
	    "sidekick-delegation signal in this receipt.");
	cJSON_Delete(j);
	mr_decision_release(&d);

	/* The empty prompt: confidence 40 is ambiguity-sensitive. */
	route(r, "", NULL, &d);
	j = mr_receipt_json(&d);
	g = cJSON_GetObjectItem(j, "delegation_suitability");
	assert_true(jbool(g, "ambiguity_sensitive"));
	ASSERT_JLIST(cJSON_GetObjectItem(g, "reasons"),
	    "Ambiguity or sensitivity should stay on a stronger path.");
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- mr_json_print ----------------------------------------------------- */

static void
assert_printed(const cJSON *j, const char *want)
{
	char *got = printed(j);

	if (strcmp(got, want) != 0)
		fail_msg("got:\n%s\nwant:\n%s", got, want);
	free(got);
}

static void
test_json_layout(void **state)
{
	cJSON *o = cJSON_CreateObject(), *a, *n;
	struct mr_buf b = MR_BUF_INIT;

	(void)state;
	assert_printed(o, "{}");
	cJSON_AddStringToObject(o, "b", "x");
	cJSON_AddNumberToObject(o, "a", 12);
	cJSON_AddNumberToObject(o, "neg", -3);
	cJSON_AddTrueToObject(o, "t");
	cJSON_AddFalseToObject(o, "f");
	cJSON_AddNullToObject(o, "n");
	cJSON_AddArrayToObject(o, "empty_list");
	cJSON_AddObjectToObject(o, "empty_obj");
	a = cJSON_AddArrayToObject(o, "list");
	cJSON_AddItemToArray(a, cJSON_CreateString("one"));
	cJSON_AddItemToArray(a, cJSON_CreateNumber(2));
	n = cJSON_CreateObject();
	cJSON_AddItemToObject(n, "deep", cJSON_CreateArray());
	cJSON_AddItemToArray(a, n);
	/* insertion order is kept */
	assert_printed(o,
	    "{\n"
	    "  \"b\": \"x\",\n"
	    "  \"a\": 12,\n"
	    "  \"neg\": -3,\n"
	    "  \"t\": true,\n"
	    "  \"f\": false,\n"
	    "  \"n\": null,\n"
	    "  \"empty_list\": [],\n"
	    "  \"empty_obj\": {},\n"
	    "  \"list\": [\n"
	    "    \"one\",\n"
	    "    2,\n"
	    "    {\n"
	    "      \"deep\": []\n"
	    "    }\n"
	    "  ]\n"
	    "}");
	mr_json_print_compact(a, &b);
	assert_string_equal(b.buf, "[\"one\", 2, {\"deep\": []}]");
	mr_buf_release(&b);
	cJSON_Delete(o);

	a = cJSON_CreateArray();
	assert_printed(a, "[]");
	cJSON_Delete(a);
}

static void
test_json_escapes(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\s/", "\"q\\\"b\\\\s/\"" },
		{ "\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9", "\"caf\\u00e9\"" },
		{ "\xe2\x82\xac", "\"\\u20ac\"" },
		{ "\xef\xbb\xbf", "\"\\ufeff\"" },
		{ "\xf0\x9f\x98\x80", "\"\\ud83d\\ude00\"" },
		{ "\xf4\x8f\xbf\xbf", "\"\\udbff\\udfff\"" },
		{ "a\xffz", "\"a\\ufffdz\"" },
		{ "", "\"\"" },
	};
	struct mr_buf b = MR_BUF_INIT;
	cJSON *o;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		mr_buf_reset(&b);
		mr_json_quote(cases[i].in, &b);
		assert_string_equal(b.buf, cases[i].want);
	}
	mr_buf_release(&b);

	/* Keys are escaped the same way. */
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "k\xc3\xa9y", "\xf0\x9f\x98\x80\n");
	assert_printed(o, "{\n  \"k\\u00e9y\": \"\\ud83d\\ude00\\n\"\n}");
	cJSON_Delete(o);
}

static void
test_json_receipt_text(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	cJSON *j;
	char *text;

	(void)state;
	route(r, "rewrite this text", NULL, &d);
	j = mr_receipt_json(&d);
	text = printed(j);
	/* starts with the selected engine, two-space indent */
	{
		const char *head = "{\n  \"selected_engine\": \"fast_local\",\n"
		    "  \"alternatives\": [\n    {\n      \"capability\": 85,\n"
		    "      \"cost\": 0,\n      \"engine\": \"code_agent\",\n";

		assert_true(strncmp(text, head, strlen(head)) == 0);
	}
	assert_non_null(strstr(text, "\n  \"rejected_engines\": [],\n"));
	assert_non_null(strstr(text, "\n  \"fallback_used\": false,\n"));
	assert_non_null(strstr(text, "\n  \"risk_score\": 0,\n"));
	assert_non_null(strstr(text, "\n    \"max_cost_tier\": null,\n"));
	assert_non_null(strstr(text, "\n    \"allowed_providers\": [],\n"));
	assert_int_equal(text[strlen(text) - 1], '}');
	free(text);
	cJSON_Delete(j);
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- dispatch plans (§4.3) --------------------------------------------- */

static void
assert_plan_shape(const cJSON *p)
{
	static const char *const keys[] = {
		"adapter", "blocked", "can_dispatch", "dry_run", "model",
		"provider", "reasons", "receipt", "requires_confirmation",
		"selected_engine",
	};
	size_t i;

	assert_int_equal(cJSON_GetArraySize(p), (int)MR_NELEM(keys));
	for (i = 0; i < MR_NELEM(keys); i++)
		assert_non_null(cJSON_GetObjectItemCaseSensitive(p, keys[i]));
	assert_true(jbool(p, "dry_run"));
	assert_int_equal(jbool(p, "can_dispatch"), !jbool(p, "blocked"));
	assert_receipt_shape(cJSON_GetObjectItem(p, "receipt"));
}

static void
test_dispatch_plan(void **state)
{
	struct mr_router *r = default_router();
	const struct mr_config *cfg = mr_router_config(r);
	struct mr_decision d;
	struct mr_hints h;
	cJSON *p;

	(void)state;
	/* dispatch-plan routes without alternatives by default */
	mr_route(r, "fix the repo and run tests", 26, NULL, false, &d);
	p = mr_dispatch_plan_json(cfg, &d);
	assert_plan_shape(p);
	assert_string_equal(jstr(p, "selected_engine"), "code_agent");
	assert_string_equal(jstr(p, "provider"), "local");
	assert_string_equal(jstr(p, "model"), "modelrouter-local-code-agent");
	assert_string_equal(jstr(p, "adapter"), "local_code");
	assert_false(jbool(p, "blocked"));
	assert_true(jbool(p, "can_dispatch"));
	assert_false(jbool(p, "requires_confirmation"));
	ASSERT_JLIST(cJSON_GetObjectItem(p, "reasons"),
	    "dry-run dispatch plan; no adapter executed");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(p, "receipt"), "alternatives")), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(
	    cJSON_GetObjectItem(p, "receipt"), "rejected_engines")), 0);
	assert_string_equal(jstr(cJSON_GetObjectItem(p, "receipt"),
	    "rejection_explanation"),
	    "No engines were rejected before selecting this route.");
	cJSON_Delete(p);
	mr_decision_release(&d);

	mr_route(r, "drop the production database", 28, NULL, false, &d);
	p = mr_dispatch_plan_json(cfg, &d);
	assert_plan_shape(p);
	assert_true(jbool(p, "blocked"));
	assert_false(jbool(p, "can_dispatch"));
	assert_true(jbool(p, "requires_confirmation"));
	assert_string_equal(jstr(p, "provider"), "human");
	assert_string_equal(jstr(p, "model"), "human-confirmation");
	assert_string_equal(jstr(p, "adapter"), "confirmation_gate");
	ASSERT_JLIST(cJSON_GetObjectItem(p, "reasons"),
	    "dry-run dispatch plan; no adapter executed",
	    "confirmation required before any dispatch",
	    "selected engine is the human confirmation gate");
	cJSON_Delete(p);
	mr_decision_release(&d);

	/* Unavailable (unknown forced engine): blocked for availability. */
	mr_hints_init(&h);
	h.force_engine = "nope";
	mr_route(r, "rewrite this text", 17, &h, false, &d);
	p = mr_dispatch_plan_json(cfg, &d);
	ASSERT_JLIST(cJSON_GetObjectItem(p, "reasons"),
	    "dry-run dispatch plan; no adapter executed",
	    "confirmation required before any dispatch",
	    "selected engine is the human confirmation gate",
	    "selected engine is not available");
	cJSON_Delete(p);
	mr_decision_release(&d);

	/* A config that did not load. */
	mr_route_config_error("boom", "rewrite this text", 17, NULL, &d);
	p = mr_dispatch_plan_json(NULL, &d);
	assert_plan_shape(p);
	assert_string_equal(jstr(p, "provider"), "unknown");
	assert_string_equal(jstr(p, "model"), "unknown");
	assert_string_equal(jstr(p, "adapter"), "unknown");
	assert_true(jbool(p, "blocked"));
	ASSERT_JLIST(cJSON_GetObjectItem(p, "reasons"),
	    "dry-run dispatch plan; no adapter executed",
	    "confirmation required before any dispatch",
	    "selected engine is the human confirmation gate",
	    "config is invalid", "selected engine is not available");
	assert_false(jbool(cJSON_GetObjectItem(p, "receipt"), "config_valid"));
	cJSON_Delete(p);
	mr_decision_release(&d);

	/* The config given, but the engine not in it: unknown too. */
	mr_route(r, "rewrite this text", 17, NULL, false, &d);
	d.selected_engine = "not_in_config";
	p = mr_dispatch_plan_json(cfg, &d);
	assert_string_equal(jstr(p, "provider"), "unknown");
	assert_false(jbool(p, "blocked"));
	cJSON_Delete(p);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_dispatch_plan_text(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	struct mr_buf b = MR_BUF_INIT;

	(void)state;
	mr_route(r, "drop the production database", 28, NULL, false, &d);
	mr_dispatch_plan_text(mr_router_config(r), &d, &b);
	assert_string_equal(b.buf,
	    "Selected engine: human_confirm\n"
	    "Provider: human\n"
	    "Model: human-confirmation\n"
	    "Adapter: confirmation_gate\n"
	    "Dry run: true\n"
	    "Can dispatch: false\n"
	    "Blocked: true\n"
	    "Requires confirmation: true\n"
	    "Reasons:\n"
	    "- dry-run dispatch plan; no adapter executed\n"
	    "- confirmation required before any dispatch\n"
	    "- selected engine is the human confirmation gate\n");
	mr_buf_release(&b);
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- readable receipts ------------------------------------------------- */

static void
test_receipt_text(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	struct mr_buf b = MR_BUF_INIT;

	(void)state;
	route(r, "fix the repo and run tests", NULL, &d);
	mr_receipt_text(&d, &b);
	{
		const char *head = "Summary: Selected code_agent under the "
		    "balanced profile; no confirmation required; fallback "
		    "available: reasoning_local.\nSelected engine: code_agent\n";

		assert_true(strncmp(b.buf, head, strlen(head)) == 0);
	}
	assert_non_null(strstr(b.buf, "\nSelected engine: code_agent\n"));
	assert_non_null(strstr(b.buf, "\nRouting profile: balanced\n"));
	assert_non_null(strstr(b.buf, "\nFallback engine: reasoning_local\n"));
	assert_non_null(strstr(b.buf, "\nComplexity: 56/100\nRisk: 38/100\n"
	    "Confidence: 90/100\n"));
	assert_non_null(strstr(b.buf, "\nRequires confirmation: false\n"
	    "Requires tools: true\n"));
	assert_non_null(strstr(b.buf, "\nConfig valid: true\n"
	    "Availability valid: true\nFallback used: false\n"));
	assert_non_null(strstr(b.buf, "\n- allowed_providers: none\n"));
	assert_non_null(strstr(b.buf, "\n- max_cost_tier: none\n"));
	assert_non_null(strstr(b.buf, "\n- profile_reasons: "
	    DEFAULT_PROFILE_REASON "\n"));
	assert_non_null(strstr(b.buf, "\nRejected engines:\n- fast_local: "
	    TOOLS_MISSING "\n"));
	assert_non_null(strstr(b.buf, "\nAlternatives:\n- multimodal_vision: "
	    "rank 62/100\n- web_research: rank 61/100\n"));
	assert_non_null(strstr(b.buf, "\nAvailability:\n- code_agent: no "
	    "availability requirements declared\n"));
	assert_non_null(strstr(b.buf, "\nReasons:\n- coding or repository "
	    "intent\n- tool use likely\n"));
	/* no Python reprs */
	assert_null(strstr(b.buf, "['"));
	assert_null(strstr(b.buf, "None"));
	assert_null(strstr(b.buf, "True"));
	mr_buf_release(&b);
	mr_decision_release(&d);

	route(r, "drop the production database", NULL, &d);
	mr_receipt_text(&d, &b);
	assert_non_null(strstr(b.buf, "\nFallback engine: none\n"));
	assert_non_null(strstr(b.buf, "\nRejected engines:\n- none\n"
	    "Alternatives:\n- none\n"));
	mr_buf_release(&b);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_receipt_explain(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	struct mr_buf b = MR_BUF_INIT;

	(void)state;
	route(r, "fix the repo and run tests", NULL, &d);
	mr_receipt_explain(&d, &b);
	assert_string_equal(b.buf,
	    "Route Receipt\n"
	    "Summary: Selected code_agent under the balanced profile; no "
	    "confirmation required; fallback available: reasoning_local.\n"
	    "Selected: code_agent\n"
	    "Profile: balanced\n"
	    "Reason codes: profile.balanced, route.coding, requirement.tools, "
	    "requirement.code_execution, policy.profile, "
	    "delegation.mechanical_work_likely, "
	    "delegation.verification_heavy_likely, "
	    "delegation.repo_wide_likely, rejection.tools_missing, "
	    "fallback.configured, safety.no_confirmation_required\n"
	    "Selected route: Selected code_agent for coding or repository "
	    "work.\n"
	    "Policy: Profile: " DEFAULT_PROFILE_REASON ".\n"
	    "Rejected: Rejected engines: fast_local: " TOOLS_MISSING "; "
	    "balanced_local: " TOOLS_MISSING "; reasoning_local: "
	    TOOLS_MISSING ".\n"
	    "Fallback: No fallback was used; reasoning_local remains the "
	    "configured fallback.\n"
	    "Safety: No human confirmation is required by the current safety "
	    "policy.\n"
	    "Privacy: No raw prompt text is stored in this receipt; provider "
	    "use follows the configured catalog and policy.\n"
	    "Wrong route: " WRONG_ROUTE "\n");
	mr_buf_release(&b);
	mr_decision_release(&d);
	mr_router_free(r);
}

static int
teardown_all(void **state)
{
	(void)state;
	mr_uni_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receipt_keys),
		cmocka_unit_test(test_receipt_oracle),
		cmocka_unit_test(test_receipt_fix_repo),
		cmocka_unit_test(test_receipt_confirmation),
		cmocka_unit_test(test_route_explanations),
		cmocka_unit_test(test_reason_codes),
		cmocka_unit_test(test_policy_explanations),
		cmocka_unit_test(test_rejection_explanation_more),
		cmocka_unit_test(test_fallback_explanations),
		cmocka_unit_test(test_privacy_explanations),
		cmocka_unit_test(test_delegation),
		cmocka_unit_test(test_json_layout),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_receipt_text),
		cmocka_unit_test(test_dispatch_plan),
		cmocka_unit_test(test_dispatch_plan_text),
		cmocka_unit_test(test_receipt_text),
		cmocka_unit_test(test_receipt_explain),
	};

	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
