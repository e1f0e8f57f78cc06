/*
 * Unit tests for the router config (src/config): the embedded default,
 * the reference's data file, every validation message with its position,
 * our stricter checks, YAML details and hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/config.h"
#include "../../src/config/config-int.h"

#define FIXTURE	"tests/fixtures/config/reference_model_router.yaml"

/*
 * Ten lines: the nine required engines sharing one anchored definition.
 * Test documents append to it, so their own lines start at line 11.
 */
#define BASE \
	"engines:\n" \
	"  intent_router: &e {provider: local, model: m, adapter: a, " \
	"strengths: [], max_context: 100, cost_tier: free, " \
	"latency_tier: low, enabled: true}\n" \
	"  fast_local: *e\n" \
	"  balanced_local: *e\n" \
	"  reasoning_local: *e\n" \
	"  code_agent: *e\n" \
	"  web_research: *e\n" \
	"  multimodal_vision: *e\n" \
	"  image_generation: *e\n" \
	"  human_confirm: *e\n"

static struct mr_config *
load(const char *text, struct mr_error *e)
{
	return mr_config_load_buffer("t.yaml", text, strlen(text), e);
}

static char *
with_base(const char *suffix)
{
	return mr_xasprintf("%s%s", BASE, suffix);
}

/*
 * The 1-based position of the first AT in DOC at or after FROM ("<EOF>":
 * the end of the document).
 */
static void
position_of(const char *doc, size_t from, const char *at, int *line,
    int *col)
{
	const char *p, *s;

	if (strcmp(at, "<EOF>") == 0)
		p = doc + strlen(doc);
	else
		p = strstr(doc + from, at);

	assert_non_null(p);
	*line = 1;
	*col = 1;
	for (s = doc; s < p; s++) {
		if (*s == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

struct err_case {
	const char	*doc;	/* appended to BASE unless whole */
	bool		 whole;
	const char	*msg;
	const char	*at;	/* first occurrence marks the position */
};

static void
run_error_cases(const struct err_case *cases, size_t n)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_config *cfg;
	size_t i;
	char *doc;
	int line, col;

	for (i = 0; i < n; i++) {
		doc = cases[i].whole ? mr_xstrdup(cases[i].doc) :
		    with_base(cases[i].doc);
		cfg = load(doc, &e);
		if (cfg != NULL || e.msg == NULL ||
		    strcmp(e.msg, cases[i].msg) != 0)
			print_error("case %zu: %s\n  want: %s\n   got: %s\n", i,
			    cases[i].doc, cases[i].msg, e.msg ? e.msg : "(ok)");
		assert_null(cfg);
		assert_string_equal(e.msg, cases[i].msg);
		assert_string_equal(e.file, "t.yaml");
		if (cases[i].at == NULL) {
			line = col = 0;
		} else
			position_of(doc, cases[i].whole ? 0 : strlen(BASE),
			    cases[i].at, &line, &col);
		if (e.line != line || e.col != col)
			print_error("case %zu: %s\n  want %d:%d got %d:%d\n", i,
			    cases[i].doc, line, col, e.line, e.col);
		assert_int_equal(e.line, line);
		assert_int_equal(e.col, col);
		mr_error_clear(&e);
		free(doc);
	}
}

static struct mr_config *
load_ok(const char *doc)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_config *cfg = load(doc, &e);

	if (cfg == NULL)
		print_error("unexpected error: %d:%d: %s\n", e.line, e.col,
		    e.msg);
	assert_non_null(cfg);
	mr_error_clear(&e);
	return cfg;
}

static struct mr_config *
load_ok_base(const char *suffix)
{
	char *doc = with_base(suffix);
	struct mr_config *cfg = load_ok(doc);

	free(doc);
	return cfg;
}

static const struct mr_engine *
engine(const struct mr_config *cfg, const char *name)
{
	int i = mr_config_engine_index(cfg, name);

	assert_true(i >= 0);
	return &cfg->engines[i];
}

static char *
joined(const struct mr_strlist *l)
{
	struct mr_buf b = MR_BUF_INIT;

	mr_strlist_join(l, ",", &b);
	return mr_buf_detach(&b);
}

static void
assert_list(const struct mr_strlist *l, const char *want)
{
	char *s = joined(l);

	assert_string_equal(s, want);
	free(s);
}

/*
 * The embedded default (router-core.md §1.11).
 */

struct engine_row {
	const char	*name;
	const char	*provider;
	const char	*adapter;
	long		 ctx;
	const char	*cost_tier;
	const char	*latency_tier;
	bool		 tools;
	const char	*modalities;
	bool		 enabled;
	const char	*fallback;
	int		 cap, trust, cost, lat;
};

static const struct engine_row default_rows[] = {
	{ "intent_router", "local", "heuristic_router", 8192, "free", "low",
	    false, "", true, "fast_local", 50, 60, 0, 15 },
	{ "fast_local", "local", "local_chat", 8192, "free", "low",
	    false, "", true, "balanced_local", 50, 60, 0, 15 },
	{ "balanced_local", "local", "local_chat", 16384, "free", "medium",
	    false, "", true, "reasoning_local", 70, 60, 0, 45 },
	{ "reasoning_local", "local", "local_reasoning", 65536, "free", "high",
	    false, "", true, "human_confirm", 85, 60, 0, 75 },
	{ "code_agent", "local", "local_code", 65536, "free", "medium",
	    true, "", true, "reasoning_local", 85, 60, 0, 45 },
	{ "claude_code", "anthropic", "claude_code", 200000, "high", "medium",
	    true, "", false, "code_agent", 90, 85, 80, 45 },
	{ "codex", "openai", "codex", 200000, "high", "medium",
	    true, "", false, "code_agent", 90, 85, 80, 45 },
	{ "openai_api", "openai", "openai_chat", 128000, "paid", "medium",
	    true, "image", false, "balanced_local", 90, 85, 50, 45 },
	{ "anthropic_api", "anthropic", "anthropic_chat", 200000, "paid",
	    "medium", true, "image,pdf", false, "reasoning_local",
	    90, 85, 50, 45 },
	{ "web_research", "local", "web_research", 32768, "medium", "high",
	    true, "", true, "reasoning_local", 70, 60, 50, 75 },
	{ "multimodal_vision", "local", "local_vision", 32768, "medium",
	    "medium", true, "image,pdf", true, "reasoning_local",
	    70, 60, 50, 45 },
	{ "image_generation", "local", "local_image_generation", 4096,
	    "medium", "high", true, "image", true, "human_confirm",
	    50, 60, 50, 75 },
	{ "human_confirm", "human", "confirmation_gate", 4096, "none",
	    "manual", true, "", true, NULL, 50, 100, 0, 100 },
};

static void
check_default_engines(const struct mr_config *cfg)
{
	const struct engine_row *r;
	const struct mr_engine *e;
	size_t i;

	assert_int_equal(cfg->nengines, MR_NELEM(default_rows));
	for (i = 0; i < MR_NELEM(default_rows); i++) {
		r = &default_rows[i];
		e = &cfg->engines[i];
		assert_string_equal(e->name, r->name);
		assert_string_equal(e->provider, r->provider);
		assert_string_equal(e->adapter, r->adapter);
		assert_int_equal(e->max_context, r->ctx);
		assert_string_equal(e->cost_tier, r->cost_tier);
		assert_string_equal(e->latency_tier, r->latency_tier);
		assert_int_equal(e->cost_rank, mr_cost_tier_rank(r->cost_tier));
		assert_int_equal(e->latency_rank,
		    mr_latency_tier_rank(r->latency_tier));
		assert_int_equal(e->supports_tools, r->tools);
		assert_list(&e->modalities, r->modalities);
		assert_int_equal(e->enabled, r->enabled);
		if (r->fallback == NULL) {
			assert_null(e->fallback);
			assert_int_equal(e->fallback_idx, -1);
		} else {
			assert_string_equal(e->fallback, r->fallback);
			assert_int_equal(e->fallback_idx,
			    mr_config_engine_index(cfg, r->fallback));
		}
		assert_int_equal(e->capability, r->cap);
		assert_int_equal(e->trust, r->trust);
		assert_int_equal(e->cost, r->cost);
		assert_int_equal(e->latency, r->lat);
		assert_int_equal(e->avail_status,
		    strcmp(r->name, "human_confirm") == 0 ?
		    MR_AVAIL_AVAILABLE : MR_AVAIL_AUTO);
	}
	assert_int_equal(engine(cfg, "anthropic_api")->modality_mask,
	    MR_MOD_IMAGE | MR_MOD_PDF);
	assert_int_equal(engine(cfg, "openai_api")->modality_mask,
	    MR_MOD_IMAGE);
	assert_int_equal(engine(cfg, "fast_local")->modality_mask, 0);
	assert_list(&engine(cfg, "claude_code")->required_commands, "claude");
	assert_list(&engine(cfg, "openai_api")->required_env,
	    "OPENAI_API_KEY");
	assert_list(&engine(cfg, "fast_local")->strengths,
	    "rewrite,extraction,formatting");
}

static void
check_default_rest(const struct mr_config *cfg)
{
	static const char *const engines[] = {
		"fast_local", "balanced_local", "reasoning_local",
		"code_agent", "web_research", "multimodal_vision",
		"image_generation", "human_confirm"
	};
	static const int packaged[MR_W_COUNT] = {
#define X(id, dim, name, code_default, pk) pk,
		MR_WEIGHTS
#undef X
	};
	size_t i;

	assert_int_equal(cfg->ntargets, MR_TARGET_COUNT);
	for (i = 0; i < MR_TARGET_COUNT; i++) {
		assert_string_equal(cfg->targets[i].name,
		    mr_target_name((enum mr_target)i));
		assert_string_equal(cfg->targets[i].engine, engines[i]);
		assert_int_equal(mr_config_target_engine(cfg,
		    (enum mr_target)i), mr_config_engine_index(cfg,
		    engines[i]));
	}
	assert_int_equal(cfg->scoring.saturation_k, 50);
	for (i = 0; i < MR_W_COUNT; i++)
		assert_int_equal(cfg->scoring.w[i], packaged[i]);
	/* Spot checks straight from the §2.4 table. */
	assert_int_equal(cfg->scoring.w[MR_W_R_DESTRUCTIVE_ACTION], 100);
	assert_int_equal(cfg->scoring.w[MR_W_C_LONG_CONTEXT], 35);
	assert_int_equal(cfg->scoring.w[MR_W_R_PRODUCTION], 20);
	assert_int_equal(cfg->scoring.w[MR_W_R_PII], 20);
	assert_int_equal(cfg->scoring.w[MR_W_K_EMPTY_PROMPT], 40);

	assert_true(cfg->safety.require_human_confirmation);
	assert_false(cfg->safety.allow_destructive_actions);
	assert_false(cfg->safety.allow_send_actions);
	assert_false(cfg->safety.allow_purchase_actions);
	assert_false(cfg->safety.allow_high_impact_external_actions);
	assert_false(cfg->safety.allow_ambiguous_high_impact);
	assert_int_equal(cfg->policy.allowlist.n, 0);
	assert_int_equal(cfg->policy.denylist.n, 0);
	assert_false(cfg->policy.local_only);
	assert_true(cfg->policy.hosted_allowed);
	assert_null(cfg->policy.max_cost_tier);
	assert_null(cfg->policy.max_latency_tier);
	assert_int_equal(cfg->npools, 0);
	assert_int_equal(cfg->warnings.n, 0);
}

static void
test_default_loads(void **state)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_config *cfg;

	(void)state;
	cfg = mr_config_load_default(&e);
	assert_non_null(cfg);
	assert_null(e.msg);
	assert_string_equal(cfg->source, "embedded:catalog/model_router.yaml");
	check_default_engines(cfg);
	check_default_rest(cfg);
	mr_config_free(cfg);
}

/* The reference's own data file, relative to $MR_SRCDIR or the cwd. */
static void
test_reference_fixture(void **state)
{
	struct mr_error e = MR_ERROR_INIT;
	const char *top = getenv("MR_SRCDIR");
	struct mr_config *cfg;
	char *path;

	(void)state;
	path = top && *top ? mr_xasprintf("%s/%s", top, FIXTURE) :
	    mr_xstrdup(FIXTURE);
	cfg = mr_config_load_file(path, &e);
	if (cfg == NULL)
		print_error("%s: %s\n", path, e.msg);
	assert_non_null(cfg);
	assert_string_equal(cfg->source, path);
	check_default_engines(cfg);
	check_default_rest(cfg);
	mr_config_free(cfg);
	free(path);
}

/*
 * Errors, with the reference's texts and our positions.
 */

static void
test_errors_document(void **state)
{
	static const struct err_case cases[] = {
		{ "", true, "model router config must be a mapping", NULL },
		{ "# only a comment\n", true,
		    "model router config must be a mapping", NULL },
		{ "- a\n- b\n", true,
		    "model router config must be a mapping", "-" },
		{ "just text\n", true,
		    "model router config must be a mapping", "just" },
		{ "--- 42\n", true,
		    "model router config must be a mapping", "42" },
		{ "other: 1\n", true,
		    "model router config requires an engines mapping",
		    "other" },
		{ "x: 1\nengines: [a]\n", true,
		    "model router config requires an engines mapping", "[a]" },
		{ "engines:\n", true,
		    "model router config requires an engines mapping", "\n" },
		{ "engines: {a: 1}\n", true,
		    "model router config missing required engines: "
		    "intent_router, fast_local, balanced_local, "
		    "reasoning_local, code_agent, web_research, "
		    "multimodal_vision, image_generation, human_confirm",
		    "{" },
		{ "engines:\n  fast_local: 1\n  code_agent: 1\n"
		    "  human_confirm: 1\n", true,
		    "model router config missing required engines: "
		    "intent_router, balanced_local, reasoning_local, "
		    "web_research, multimodal_vision, image_generation",
		    "fast_local" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_engines(void **state)
{
	static const struct err_case cases[] = {
		{ "  7: *e\n", false,
		    "engine names must be non-empty strings", "7" },
		{ "  ' ': *e\n", false,
		    "engine names must be non-empty strings", "'" },
		{ "  x: 5\n", false, "engine entry must be a mapping", "5" },
		{ "  x: [a]\n", false, "engine entry must be a mapping", "[" },
		{ "  x: {provider: local}\n", false,
		    "engine 'x' missing fields: model, adapter, strengths, "
		    "max_context, cost_tier, latency_tier, enabled", "{" },
		{ "  \"it's\": {}\n", false,
		    "engine \"it's\" missing fields: provider, model, adapter, "
		    "strengths, max_context, cost_tier, latency_tier, enabled",
		    "{" },
		{ "  x:\n    provider: p\n", false,
		    "engine 'x' missing fields: model, adapter, strengths, "
		    "max_context, cost_tier, latency_tier, enabled",
		    "provider" },
		{ "  x: {<<: *e, strengths: a}\n", false,
		    "engine 'x' strengths must be a list of strings", "a}" },
		{ "  x: {<<: *e, strengths: [a, 1]}\n", false,
		    "engine 'x' strengths must be a list of strings", "[a" },
		{ "  x: {<<: *e, fallback: [y]}\n", false,
		    "engine 'x' fallback must be a string or null", "[y" },
		{ "  x: {<<: *e, fallback: 3}\n", false,
		    "engine 'x' fallback must be a string or null", "3" },
		{ "  x: {<<: *e, availability: 5}\n", false,
		    "engine 'x' availability must be a mapping", "5" },
		{ "  x: {<<: *e, availability: {status: maybe}}\n", false,
		    "engine 'x' availability status must be auto, available, "
		    "or unavailable", "maybe" },
		{ "  x: {<<: *e, availability: {status: ~}}\n", false,
		    "engine 'x' availability status must be auto, available, "
		    "or unavailable", "~" },
		{ "  x: {<<: *e, availability: {required_env: X}}\n", false,
		    "engine 'x' availability 'required_env' must be a list "
		    "of strings", "X" },
		{ "  x: {<<: *e, availability: {required_commands: [1]}}\n",
		    false, "engine 'x' availability 'required_commands' must "
		    "be a list of strings", "[1" },
		{ "  x: {<<: *e, availability: {required_paths: ~}}\n", false,
		    "engine 'x' availability 'required_paths' must be a list "
		    "of strings", "~" },
		{ "  x: {<<: *e, capability_tier: ~}\n", false,
		    "engine 'x' field 'capability_tier' must be a string",
		    "~" },
		{ "  x: {<<: *e, trust_tier: ' '}\n", false,
		    "engine 'x' field 'trust_tier' must be a string", "' '" },
		{ "  x: {<<: *e, cost_tier: 5}\n", false,
		    "engine 'x' field 'cost_tier' must be a string", "5" },
		{ "  x: {<<: *e, latency_tier: ''}\n", false,
		    "engine 'x' field 'latency_tier' must be a string", "''" },
		{ "  x: {<<: *e, modalities: image}\n", false,
		    "engine 'x' field 'modalities' must be strings", "image" },
		{ "  x: {<<: *e, modalities: [image, 2]}\n", false,
		    "engine 'x' field 'modalities' must be strings", "[" },
		{ "  x: {<<: *e, provider: \"\\u3000\"}\n", false,
		    "engine 'x' field 'provider' must be a string", "\"" },
		{ "  x: {<<: *e, model: 1}\n", false,
		    "engine 'x' field 'model' must be a string", "1" },
		{ "  x: {<<: *e, adapter: [a]}\n", false,
		    "engine 'x' field 'adapter' must be a string", "[" },
		{ "  x: {<<: *e, max_context: 0}\n", false,
		    "engine 'x' field 'max_context' must be a positive int",
		    "0" },
		{ "  x: {<<: *e, max_context: -3}\n", false,
		    "engine 'x' field 'max_context' must be a positive int",
		    "-3" },
		{ "  x: {<<: *e, max_context: true}\n", false,
		    "engine 'x' field 'max_context' must be a positive int",
		    "true" },
		{ "  x: {<<: *e, max_context: 1.5}\n", false,
		    "engine 'x' field 'max_context' must be a positive int",
		    "1.5" },
		{ "  x: {<<: *e, max_context: '8'}\n", false,
		    "engine 'x' field 'max_context' must be a positive int",
		    "'8'" },
		{ "  x: {<<: *e, enabled: 'yes'}\n", false,
		    "engine 'x' field 'enabled' must be a bool", "'yes'" },
		{ "  x: {<<: *e, enabled: 1}\n", false,
		    "engine 'x' field 'enabled' must be a bool", "1" },
		{ "  x: {<<: *e, supports_tools: ~}\n", false,
		    "engine 'x' field 'supports_tools' must be a bool", "~" },
		{ "  x: {<<: *e, capability: 101}\n", false,
		    "engine 'x' field 'capability' must be an int from 0 to "
		    "100", "101" },
		{ "  x: {<<: *e, trust: -1}\n", false,
		    "engine 'x' field 'trust' must be an int from 0 to 100",
		    "-1" },
		{ "  x: {<<: *e, cost: true}\n", false,
		    "engine 'x' field 'cost' must be an int from 0 to 100",
		    "true" },
		{ "  x: {<<: *e, latency: 50.0}\n", false,
		    "engine 'x' field 'latency' must be an int from 0 to 100",
		    "50.0" },
		{ "  x: {<<: *e, fallback: nope}\n", false,
		    "engine 'x' fallback 'nope' is not defined", "nope" },
		{ "  x: {<<: *e, fallback: ''}\n", false,
		    "engine 'x' fallback '' is not defined", "''" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

/* Our deliberate difference: engine tiers must be known. */
static void
test_errors_tiers(void **state)
{
	static const struct err_case cases[] = {
		{ "  x: {<<: *e, cost_tier: cheap}\n", false,
		    "engine 'x' cost_tier 'cheap' is not a known cost tier "
		    "(none, free, low, medium, paid, high)", "cheap" },
		{ "  x: {<<: *e, cost_tier: lw}\n", false,
		    "engine 'x' cost_tier 'lw' is not a known cost tier "
		    "(none, free, low, medium, paid, high); did you mean "
		    "'low'?", "lw" },
		{ "  x: {<<: *e, cost_tier: Free}\n", false,
		    "engine 'x' cost_tier 'Free' is not a known cost tier "
		    "(none, free, low, medium, paid, high); did you mean "
		    "'free'?", "Free" },
		{ "  x: {<<: *e, latency_tier: mediun}\n", false,
		    "engine 'x' latency_tier 'mediun' is not a known latency "
		    "tier (low, medium, high, manual); did you mean "
		    "'medium'?", "mediun" },
		{ "  x: {<<: *e, latency_tier: instant}\n", false,
		    "engine 'x' latency_tier 'instant' is not a known latency "
		    "tier (low, medium, high, manual)", "instant" },
		/* The string check still comes first. */
		{ "  x: {<<: *e, latency_tier: 3}\n", false,
		    "engine 'x' field 'latency_tier' must be a string", "3" },
		{ "provider_policy: {max_cost_tier: cheap}\n", false,
		    "model router provider policy invalid: provider_policy "
		    "max_cost_tier must be one of: none, free, low, medium, "
		    "paid, high", "cheap" },
		{ "provider_policy: {max_cost_tier: hig}\n", false,
		    "model router provider policy invalid: provider_policy "
		    "max_cost_tier must be one of: none, free, low, medium, "
		    "paid, high; did you mean 'high'?", "hig" },
		{ "provider_policy: {max_latency_tier: 5}\n", false,
		    "model router provider policy invalid: provider_policy "
		    "max_latency_tier must be one of: low, medium, high, "
		    "manual", "5" },
		{ "provider_policy: {route_pools: {simple: "
		    "{max_latency_tier: manul}}}\n", false,
		    "model router provider policy invalid: "
		    "provider_policy.route_pools.simple max_latency_tier must "
		    "be one of: low, medium, high, manual; did you mean "
		    "'manual'?", "manul" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_targets(void **state)
{
	static const struct err_case cases[] = {
		{ "routing_targets: ~\n", false, "model router config "
		    "routing_targets must be a mapping", "~" },
		{ "routing_targets: [coding]\n", false, "model router config "
		    "routing_targets must be a mapping", "[" },
		{ "routing_targets: {1: fast_local}\n", false,
		    "routing target names must be non-empty strings", "1" },
		{ "routing_targets: {'': fast_local}\n", false,
		    "routing target names must be non-empty strings", "''" },
		{ "routing_targets: {coding: ''}\n", false,
		    "routing target 'coding' must name an engine", "''" },
		{ "routing_targets: {coding: [a]}\n", false,
		    "routing target 'coding' must name an engine", "[a" },
		{ "routing_targets: {coding: nope}\n", false,
		    "routing targets reference undefined engines: "
		    "coding -> nope", "nope" },
		{ "routing_targets: {zzz: nope, vision: nada, coding: "
		    "none}\n", false,
		    "routing targets reference undefined engines: "
		    "coding -> none, vision -> nada, zzz -> nope", "none" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_scoring(void **state)
{
#define S "model router scoring config invalid: "
	static const struct err_case cases[] = {
		{ "scoring: 5\n", false, S "scoring config must be a mapping",
		    "5" },
		{ "scoring: {weights: ~}\n", false,
		    S "scoring weights must be a mapping", "~" },
		{ "scoring: {weights: [risk]}\n", false,
		    S "scoring weights must be a mapping", "[" },
		{ "scoring: {weights: {speed: {}}}\n", false, S "scoring "
		    "weights dimension must be complexity, risk, or "
		    "confidence", "speed" },
		{ "scoring: {weights: {1: {}}}\n", false, S "scoring "
		    "weights dimension must be complexity, risk, or "
		    "confidence", "1" },
		{ "scoring: {weights: {risk: 5}}\n", false,
		    S "scoring weights 'risk' must be a mapping", "5" },
		{ "scoring: {weights: {risk: {destructive_action: 101}}}\n",
		    false, S "scoring weight risk.destructive_action must be "
		    "an int from 0 to 100", "101" },
		{ "scoring: {weights: {risk: {destructive_action: true}}}\n",
		    false, S "scoring weight risk.destructive_action must be "
		    "an int from 0 to 100", "true" },
		{ "scoring: {weights: {confidence: {new_thing: 2.5}}}\n",
		    false, S "scoring weight confidence.new_thing must be an "
		    "int from 0 to 100", "2.5" },
		{ "scoring: {weights: {risk: {1: 5}}}\n", false,
		    S "scoring weight feature names must be strings", "1" },
		{ "scoring: {saturation_k: 0}\n", false,
		    S "scoring saturation_k must be a positive int", "0" },
		{ "scoring: {saturation_k: true}\n", false,
		    S "scoring saturation_k must be a positive int", "true" },
		{ "scoring: {saturation_k: ~}\n", false,
		    S "scoring saturation_k must be a positive int", "~" },
		/* Weights are checked before saturation_k. */
		{ "scoring: {saturation_k: 0, weights: {x: {}}}\n", false,
		    S "scoring weights dimension must be complexity, risk, or "
		    "confidence", "x" },
	};
#undef S

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_safety(void **state)
{
#define S "model router safety config invalid: "
	static const struct err_case cases[] = {
		{ "safety: 5\n", false, S "safety config must be a mapping",
		    "5" },
		{ "safety: {foo: 1, bar: 2}\n", false,
		    S "safety config unknown keys: bar, foo", "bar" },
		{ "safety: {require_human_confirmation: 1}\n", false,
		    S "safety require_human_confirmation must be a bool",
		    "1" },
		{ "safety: {require_human_confirmation: ~}\n", false,
		    S "safety require_human_confirmation must be a bool",
		    "~" },
		{ "safety: {confirmation_overrides: 5}\n", false,
		    S "safety confirmation_overrides must be a mapping", "5" },
		{ "safety: {confirmation_overrides: {foo: true}}\n", false,
		    S "safety confirmation_overrides unknown keys: foo",
		    "foo" },
		{ "safety: {confirmation_overrides: {allow_send_actions: "
		    "'no'}}\n", false, S "safety confirmation_overrides "
		    "allow_send_actions must be a bool", "'no'" },
		{ "safety:\n  confirmation_overrides:\n"
		    "    allow_ambiguous_high_impact: 0\n", false,
		    S "safety confirmation_overrides "
		    "allow_ambiguous_high_impact must be a bool", "0" },
	};
#undef S

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_policy(void **state)
{
#define P "model router provider policy invalid: "
	static const struct err_case cases[] = {
		{ "provider_policy: 5\n", false,
		    P "provider_policy must be a mapping", "5" },
		{ "provider_policy: {zeta: 1, alpha: 2}\n", false,
		    P "provider_policy unknown keys: alpha, zeta", "alpha" },
		{ "provider_policy: {version: 2}\n", false,
		    P "provider_policy version must be 1", "2" },
		{ "provider_policy: {version: true}\n", false,
		    P "provider_policy version must be 1", "true" },
		{ "provider_policy: {version: '1'}\n", false,
		    P "provider_policy version must be 1", "'1'" },
		{ "provider_policy: {version: ~}\n", false,
		    P "provider_policy version must be 1", "~" },
		{ "provider_policy: {provider_allowlist: [' ']}\n", false,
		    P "provider_policy provider_allowlist must be a list of "
		    "strings", "' '" },
		{ "provider_policy: {provider_denylist: local}\n", false,
		    P "provider_policy provider_denylist must be a list of "
		    "strings", "local" },
		{ "provider_policy: {local_only: ~}\n", false,
		    P "provider_policy local_only must be a bool", "~" },
		{ "provider_policy: {hosted_allowed: 1}\n", false,
		    P "provider_policy hosted_allowed must be a bool", "1" },
		{ "provider_policy: {route_pools: 5}\n", false,
		    P "provider_policy route_pools must be a mapping", "5" },
		{ "provider_policy: {route_pools: {1: {}}}\n", false,
		    P "provider_policy route_pools keys must be strings",
		    "1" },
		{ "provider_policy: {route_pools: {simple: 5}}\n", false,
		    P "provider_policy.route_pools.simple must be a mapping",
		    "5" },
		{ "provider_policy: {route_pools: {simple: {route_pools: "
		    "{}}}}\n", false, P "provider_policy.route_pools.simple "
		    "unknown keys: route_pools", "route_pools: {}" },
		{ "provider_policy: {route_pools: {' coding ': {version: "
		    "3}}}\n", false, P "provider_policy.route_pools. coding  "
		    "version must be 1", "3" },
		/* Route pools are checked before the section's own fields. */
		{ "provider_policy: {version: 2, route_pools: {simple: "
		    "{version: 3}}}\n", false,
		    P "provider_policy.route_pools.simple version must be 1",
		    "3" },
	};
#undef P

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

/* First error wins, in the order of router-core.md §1.9. */
static void
test_validation_order(void **state)
{
	static const struct err_case cases[] = {
		/* missing required engines before any engine is parsed */
		{ "engines: {x: 5, intent_router: 1}\n", true,
		    "model router config missing required engines: "
		    "fast_local, balanced_local, reasoning_local, code_agent, "
		    "web_research, multimodal_vision, image_generation, "
		    "human_confirm", "{" },
		/* engines in YAML order */
		{ "  a: {<<: *e, model: 1}\n  b: 5\n", false,
		    "engine 'a' field 'model' must be a string", "1" },
		{ "  b: 5\n  a: {<<: *e, model: 1}\n", false,
		    "engine entry must be a mapping", "5" },
		/* within an engine: strengths, fallback, availability, ... */
		{ "  x: {<<: *e, provider: 1, strengths: 2, fallback: [],"
		    " availability: 3}\n", false,
		    "engine 'x' strengths must be a list of strings", "2" },
		{ "  x: {<<: *e, provider: 1, fallback: [], availability: "
		    "3}\n", false,
		    "engine 'x' fallback must be a string or null", "[]" },
		{ "  x: {<<: *e, provider: 1, capability_tier: 2, "
		    "availability: 3}\n", false,
		    "engine 'x' availability must be a mapping", "3" },
		{ "  x: {<<: *e, provider: 1, trust_tier: 2, "
		    "capability_tier: 3}\n", false,
		    "engine 'x' field 'capability_tier' must be a string",
		    "3" },
		{ "  x: {<<: *e, provider: 1, cost_tier: 2, trust_tier: "
		    "3}\n", false,
		    "engine 'x' field 'trust_tier' must be a string", "3" },
		{ "  x: {<<: *e, provider: 1, modalities: 2, cost_tier: "
		    "zz}\n", false,
		    "engine 'x' cost_tier 'zz' is not a known cost tier "
		    "(none, free, low, medium, paid, high)", "zz" },
		{ "  x: {<<: *e, provider: 1, modalities: 2}\n", false,
		    "engine 'x' field 'modalities' must be strings", "2" },
		{ "  x: {<<: *e, max_context: 0, provider: 1}\n", false,
		    "engine 'x' field 'provider' must be a string", "1" },
		{ "  x: {<<: *e, enabled: 0, max_context: 0}\n", false,
		    "engine 'x' field 'max_context' must be a positive int",
		    "0}" },
		{ "  x: {<<: *e, supports_tools: 0, enabled: 0}\n", false,
		    "engine 'x' field 'enabled' must be a bool", "0}" },
		{ "  x: {<<: *e, capability: -1, supports_tools: 0}\n", false,
		    "engine 'x' field 'supports_tools' must be a bool", "0" },
		{ "  x: {<<: *e, latency: -1, cost: -2, trust: -3, "
		    "capability: -4}\n", false, "engine 'x' field "
		    "'capability' must be an int from 0 to 100", "-4" },
		{ "  x: {<<: *e, latency: -1, cost: -2, trust: -3}\n", false,
		    "engine 'x' field 'trust' must be an int from 0 to 100",
		    "-3" },
		{ "  x: {<<: *e, latency: -1, cost: -2}\n", false,
		    "engine 'x' field 'cost' must be an int from 0 to 100",
		    "-2" },
		/* fallback references only after every engine parsed */
		{ "  a: {<<: *e, fallback: nope}\n  b: {<<: *e, model: 1}\n",
		    false, "engine 'b' field 'model' must be a string", "1" },
		/* then routing targets, scoring, safety, provider policy */
		{ "  a: {<<: *e, fallback: nope}\nrouting_targets: 5\n",
		    false, "engine 'a' fallback 'nope' is not defined",
		    "nope" },
		{ "provider_policy: 1\nsafety: 2\nscoring: 3\n"
		    "routing_targets: 4\n", false, "model router config "
		    "routing_targets must be a mapping", "4" },
		{ "provider_policy: 1\nsafety: 2\nscoring: 3\n", false,
		    "model router scoring config invalid: scoring config must "
		    "be a mapping", "3" },
		{ "provider_policy: 1\nsafety: 2\n", false,
		    "model router safety config invalid: safety config must "
		    "be a mapping", "2" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_yaml(void **state)
{
#define Y "model router config invalid YAML: "
	static const struct err_case cases[] = {
		{ "engines: [a\n", true, Y "did not find expected ',' or ']' "
		    "while parsing a flow sequence", "<EOF>" },
		{ "a: 1\n  b: 2\n", true, Y "mapping values are not allowed "
		    "in this context", ": 2" },
		{ "a: b\n- c\n", true, Y "did not find expected key while "
		    "parsing a block mapping", "- c" },
		{ "a: \"unterminated\n", true, Y "found unexpected end of "
		    "stream while scanning a quoted scalar", "<EOF>" },
		{ "a: *nope\n", true, Y "found undefined alias 'nope'",
		    "*nope" },
		{ "a: &x 1\nb: &x 2\n", true, Y "found duplicate anchor 'x' "
		    "(first occurrence at line 1, column 4)", "&x 2" },
		{ "--- {a: 1}\n--- {b: 2}\n", true, Y "expected a single "
		    "document in the stream, but found another document",
		    "--- {b" },
		{ "a: !foo 1\n", true, Y "could not determine a constructor "
		    "for the tag '!foo'", "!foo" },
		{ "a: !!python/object:os.system x\n", true, Y "could not "
		    "determine a constructor for the tag "
		    "'tag:yaml.org,2002:python/object:os.system'", "!!" },
		{ "a: !!int abc\n", true, Y "invalid integer 'abc'", "!!" },
		{ "a: !!float abc\n", true, Y "invalid float 'abc'", "!!" },
		{ "a: !!bool maybe\n", true, Y "invalid boolean 'maybe'",
		    "!!" },
		{ "a: !!map [1]\n", true, Y "expected a mapping node, but "
		    "found sequence", "!!" },
		{ "a: !!seq {b: 1}\n", true, Y "expected a sequence node, but "
		    "found mapping", "!!" },
		{ "a: !!str [1]\n", true, Y "expected a scalar node, but "
		    "found sequence", "!!" },
		{ "? [a]\n: 1\n", true, Y "found unhashable key while "
		    "constructing a mapping", "[a]" },
		{ "{b: 1}: 1\n", true, Y "found unhashable key while "
		    "constructing a mapping", "{" },
		{ "a: {<<: 1}\n", true, Y "expected a mapping or list of "
		    "mappings for merging, but found scalar", "1" },
		{ "a: {<<: [{b: 1}, 2]}\n", true, Y "expected a mapping for "
		    "merging, but found scalar", "2" },
		{ "a: <<\n", true, Y "could not determine a constructor for "
		    "the tag 'tag:yaml.org,2002:merge'", "<<" },
		{ "a: =\n", true, Y "could not determine a constructor for "
		    "the tag 'tag:yaml.org,2002:value'", "=" },
		{ "a: \"x\\0y\"\n", true, Y "NUL characters in scalars are not "
		    "supported", "\"" },
		{ "a: &r [*r]\n", true, Y "nesting deeper than 64 levels "
		    "(counting aliases)", "&r" },
		{ "a: &r {b: *r}\n", true, Y "nesting deeper than 64 levels "
		    "(counting aliases)", "b:" },
		{ "a: &r {<<: *r}\n", true, Y "nesting deeper than 64 levels "
		    "(counting aliases)", "&r" },
		{ "a: \x01\n", true, Y "control characters are not allowed "
		    "(#x1)", "\x01" },
		{ "a: \xff\n", true, Y "invalid leading UTF-8 octet (#xFF)",
		    "\xff" },
	};
#undef Y

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

/*
 * Positions of YAML errors reported by libyaml use its problem mark.
 */
static void
test_yaml_error_location(void **state)
{
	struct mr_error e = MR_ERROR_INIT;
	const char *doc = "engines:\n  a: 1\n  b: [1, 2\n  c: 3\n";

	(void)state;
	assert_null(load(doc, &e));
	assert_non_null(strstr(e.msg, "model router config invalid YAML: "));
	assert_string_equal(e.file, "t.yaml");
	assert_int_equal(e.line, 4);
	assert_int_equal(e.col, 4);
	mr_error_clear(&e);
}

/*
 * Warnings for what the reference silently accepts.
 */

static void
test_unknown_key_warnings(void **state)
{
	struct mr_config *cfg;

	(void)state;
	cfg = load_ok_base("  x: {<<: *e, provder: 1, wibble: 2, "
	    "availability: {stauts: auto}}\n"
	    "enginez: 1\n"
	    "42: x\n"
	    "scoring: {weigths: 1, weights: {risk: {destructiv_action: 4, "
	    "zzz: 1}}}\n"
	    "routing_targets: {codng: code_agent}\n"
	    "provider_policy: {route_pools: {simpel: {}}}\n");
	assert_int_equal(cfg->warnings.n, 10);
	assert_string_equal(cfg->warnings.v[0], "t.yaml:11:15: unknown key "
	    "'provder' in engine 'x'; did you mean 'provider'?");
	assert_string_equal(cfg->warnings.v[1], "t.yaml:11:27: unknown key "
	    "'wibble' in engine 'x'");
	assert_string_equal(cfg->warnings.v[2], "t.yaml:11:53: unknown key "
	    "'stauts' in engine 'x' availability; did you mean 'status'?");
	assert_string_equal(cfg->warnings.v[3], "t.yaml:12:1: unknown key "
	    "'enginez' in top level; did you mean 'engines'?");
	assert_string_equal(cfg->warnings.v[4], "t.yaml:13:1: unknown key "
	    "'42' in top level");
	assert_string_equal(cfg->warnings.v[5], "t.yaml:14:11: unknown key "
	    "'weigths' in scoring; did you mean 'weights'?");
	assert_string_equal(cfg->warnings.v[6], "t.yaml:14:40: unknown key "
	    "'destructiv_action' in scoring weights risk; did you mean "
	    "'destructive_action'?");
	assert_string_equal(cfg->warnings.v[7], "t.yaml:14:62: unknown key "
	    "'zzz' in scoring weights risk");
	assert_string_equal(cfg->warnings.v[8], "t.yaml:15:19: unknown key "
	    "'codng' in routing_targets (not a route category); did you "
	    "mean 'coding'?");
	assert_string_equal(cfg->warnings.v[9], "t.yaml:16:33: unknown key "
	    "'simpel' in provider_policy.route_pools (not a route "
	    "category); did you mean 'simple'?");
	mr_config_free(cfg);
}

static void
test_duplicate_key_warnings(void **state)
{
	struct mr_config *cfg;

	(void)state;
	cfg = load_ok_base("  x:\n"
	    "    <<: *e\n"
	    "    model: one\n"
	    "    model: two\n"
	    "    model: three\n"
	    "safety: {require_human_confirmation: true}\n"
	    "safety: {require_human_confirmation: false}\n");
	assert_string_equal(engine(cfg, "x")->model, "three");
	/* Merged keys overridden by explicit ones are not duplicates. */
	assert_string_equal(engine(cfg, "x")->provider, "local");
	assert_false(cfg->safety.require_human_confirmation);
	assert_int_equal(cfg->warnings.n, 3);
	assert_string_equal(cfg->warnings.v[0],
	    "t.yaml:14:5: duplicate key 'model' (the last one wins)");
	assert_string_equal(cfg->warnings.v[1],
	    "t.yaml:15:5: duplicate key 'model' (the last one wins)");
	assert_string_equal(cfg->warnings.v[2],
	    "t.yaml:17:1: duplicate key 'safety' (the last one wins)");
	mr_config_free(cfg);

	/* The first position is kept: x stays before y. */
	cfg = load_ok_base("  x: {<<: *e, model: a}\n"
	    "  y: *e\n"
	    "  x: {<<: *e, model: b}\n");
	assert_int_equal(cfg->nengines, 11);
	assert_string_equal(cfg->engines[9].name, "x");
	assert_string_equal(cfg->engines[9].model, "b");
	assert_string_equal(cfg->engines[10].name, "y");
	assert_int_equal(cfg->warnings.n, 1);
	assert_string_equal(cfg->warnings.v[0],
	    "t.yaml:13:3: duplicate key 'x' (the last one wins)");
	mr_config_free(cfg);

	/* A repeated key inside an aliased mapping is reported once. */
	cfg = load_ok_base("  x: &d {<<: *e, model: a, model: b}\n"
	    "  y: *d\n  z: *d\n");
	assert_int_equal(cfg->warnings.n, 1);
	mr_config_free(cfg);
}

static void
test_merge_keys_and_anchors(void **state)
{
	struct mr_config *cfg;
	const struct mr_engine *x;

	(void)state;
	cfg = load_ok_base("  x:\n"
	    "    <<: [{model: A, provider: P, cost_tier: high}, *e, "
	    "{model: B, strengths: &s [one, two]}]\n"
	    "    model: C\n"
	    "  y: {<<: *e, strengths: *s}\n"
	    "<<: {safety: {require_human_confirmation: false}}\n");
	x = engine(cfg, "x");
	assert_string_equal(x->model, "C");	/* explicit keys win */
	assert_string_equal(x->provider, "P");	/* earlier mappings win */
	assert_string_equal(x->cost_tier, "high");
	assert_string_equal(x->adapter, "a");
	assert_list(&x->strengths, "");		/* from *e, before B */
	assert_list(&engine(cfg, "y")->strengths, "one,two");
	assert_false(cfg->safety.require_human_confirmation);
	assert_int_equal(cfg->warnings.n, 0);
	mr_config_free(cfg);

	/* Quoted "<<" is an ordinary key (and an unknown one here). */
	cfg = load_ok_base("  x: {<<: *e, '<<': {model: Z}}\n");
	assert_string_equal(engine(cfg, "x")->model, "m");
	assert_int_equal(cfg->warnings.n, 1);
	mr_config_free(cfg);
}

/* Plain scalars resolve like PyYAML's safe_load (YAML 1.1). */
static void
test_scalar_resolution(void **state)
{
	static const struct {
		const char	*text;
		enum yv_type	 type;
		long long	 i;	/* int value, or bool */
		int		 ibig;
	} cases[] = {
		{ "~", YV_NULL, 0, 0 }, { "null", YV_NULL, 0, 0 },
		{ "Null", YV_NULL, 0, 0 }, { "NULL", YV_NULL, 0, 0 },
		{ "", YV_NULL, 0, 0 }, { "nULL", YV_STR, 0, 0 },
		{ "yes", YV_BOOL, 1, 0 }, { "No", YV_BOOL, 0, 0 },
		{ "ON", YV_BOOL, 1, 0 }, { "off", YV_BOOL, 0, 0 },
		{ "TRUE", YV_BOOL, 1, 0 }, { "False", YV_BOOL, 0, 0 },
		{ "y", YV_STR, 0, 0 }, { "tRUE", YV_STR, 0, 0 },
		{ "42", YV_INT, 42, 0 }, { "-17", YV_INT, -17, 0 },
		{ "+5", YV_INT, 5, 0 }, { "1_000", YV_INT, 1000, 0 },
		{ "0x1F", YV_INT, 31, 0 }, { "0b101", YV_INT, 5, 0 },
		{ "017", YV_INT, 15, 0 }, { "0o17", YV_STR, 0, 0 },
		{ "08", YV_STR, 0, 0 }, { "0_", YV_INT, 0, 0 },
		{ "1:30", YV_INT, 90, 0 }, { "-1:00:00", YV_INT, -3600, 0 },
		{ "1:60", YV_STR, 0, 0 }, { "0", YV_INT, 0, 0 },
		{ "99999999999999999999", YV_INT, 0, 1 },
		{ "-99999999999999999999", YV_INT, 0, -1 },
		{ "1.5", YV_FLOAT, 0, 0 }, { ".5", YV_FLOAT, 0, 0 },
		{ "-.5", YV_STR, 0, 0 }, { "1e3", YV_STR, 0, 0 },
		{ "1.0e5", YV_STR, 0, 0 }, { "1.0e+3", YV_FLOAT, 0, 0 },
		{ ".inf", YV_FLOAT, 0, 0 }, { "-.Inf", YV_FLOAT, 0, 0 },
		{ ".NaN", YV_FLOAT, 0, 0 }, { "1:30.5", YV_FLOAT, 0, 0 },
		{ "1.", YV_FLOAT, 0, 0 },
		{ "2001-12-14", YV_OTHER, 0, 0 },
		{ "2001-12-14t21:59:43.10-05:00", YV_OTHER, 0, 0 },
		{ "2001-1-1", YV_STR, 0, 0 },
		{ "'42'", YV_STR, 0, 0 }, { "\"yes\"", YV_STR, 0, 0 },
		{ "!!str 42", YV_STR, 0, 0 }, { "!!int '42'", YV_INT, 42, 0 },
		{ "!!float 1", YV_FLOAT, 0, 0 },
		{ "!!bool yes", YV_BOOL, 1, 0 },
		{ "!!null x", YV_NULL, 0, 0 }, { "! 42", YV_INT, 42, 0 },
		{ "|\n  42\n", YV_STR, 0, 0 },
	};
	struct mr_error e = MR_ERROR_INIT;
	const struct yv *v;
	struct ydoc d;
	size_t i;
	char *doc;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		doc = mr_xasprintf("v: %s\n", cases[i].text);
		if (ydoc_load(&d, doc, strlen(doc), &e) < 0)
			print_error("%s: %s\n", cases[i].text, e.msg);
		assert_null(e.msg);
		v = yv_get(d.root, "v");
		assert_non_null(v);
		if (v->type != cases[i].type)
			print_error("'%s': type %d, want %d\n", cases[i].text,
			    v->type, cases[i].type);
		assert_int_equal(v->type, cases[i].type);
		if (v->type == YV_INT) {
			assert_int_equal(v->ibig, cases[i].ibig);
			assert_int_equal(v->i, cases[i].i);
		} else if (v->type == YV_BOOL)
			assert_int_equal(v->b, cases[i].i);
		ydoc_free(&d);
		free(doc);
	}
}

/* Keys compare like Python dict keys. */
static void
test_key_equality(void **state)
{
	static const struct {
		const char	*doc;
		size_t		 n;
		const char	*last;
	} cases[] = {
		{ "{1: a, 1.0: b, true: c}", 1, "c" },
		{ "{'1': a, 1: b}", 2, "b" },
		{ "{~: a, null: b}", 1, "b" },
		{ "{0x10: a, 16: b, 020: c}", 1, "c" },
		{ "{.nan: a, .nan: b}", 2, "b" },
		{ "{=: a}", 1, "a" },
	};
	struct mr_error e = MR_ERROR_INIT;
	struct ydoc d;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		assert_int_equal(ydoc_load(&d, cases[i].doc,
		    strlen(cases[i].doc), &e), 0);
		assert_int_equal(d.root->n, cases[i].n);
		assert_string_equal(d.root->ents[d.root->n - 1].val->s,
		    cases[i].last);
		ydoc_free(&d);
	}
}

/* Derived engine fields (router-core.md §1.3). */
static void
test_engine_derivations(void **state)
{
	static const struct {
		const char	*fields;
		bool		 tools;
		const char	*modalities;
		const char	*cap_tier;
		const char	*trust_tier;
		int		 cap, trust, cost, lat;
	} cases[] = {
		{ "", false, "", "standard", "standard", 50, 60, 0, 15 },
		{ "strengths: [OCR of receipts]", true, "image", "standard",
		    "standard", 50, 60, 0, 15 },
		{ "model: Whisper-AUDIO, strengths: [PDF summaries]", false,
		    "pdf,audio", "standard", "standard", 50, 60, 0, 15 },
		{ "adapter: vision_pdf_audio", true, "image,pdf,audio",
		    "standard", "standard", 50, 60, 0, 15 },
		{ "strengths: [Screenshots, charts]", false, "image",
		    "standard", "standard", 50, 60, 0, 15 },
		{ "strengths: [image generation]", true, "image", "standard",
		    "standard", 50, 60, 0, 15 },
		{ "provider: RAG-store", true, "", "standard", "standard",
		    50, 60, 0, 15 },
		{ "provider: HUMAN", false, "", "standard", "critical",
		    50, 100, 0, 15 },
		{ "adapter: my_Confirmation_x", true, "", "standard",
		    "critical", 50, 100, 0, 15 },
		{ "provider: OpenAI", false, "", "standard", "high",
		    50, 85, 0, 15 },
		{ "provider: anthropic, max_context: 16384", false, "",
		    "medium", "high", 70, 85, 0, 15 },
		{ "max_context: 20000, capability_tier: standard", false, "",
		    "standard", "standard", 65, 60, 0, 15 },
		{ "max_context: 0x10000", false, "", "high", "standard",
		    85, 60, 0, 15 },
		{ "max_context: 200000, capability_tier: medium", false, "",
		    "medium", "standard", 90, 60, 0, 15 },
		{ "max_context: 99999999999999999999", false, "", "high",
		    "standard", 90, 60, 0, 15 },
		{ "capability_tier: critical", false, "", "critical",
		    "standard", 95, 60, 0, 15 },
		{ "capability_tier: weird, trust_tier: medium", false, "",
		    "weird", "medium", 50, 75, 0, 15 },
		{ "trust_tier: odd", false, "", "standard", "odd",
		    50, 60, 0, 15 },
		{ "cost_tier: none, latency_tier: manual", false, "",
		    "standard", "standard", 50, 60, 0, 100 },
		{ "cost_tier: low, latency_tier: medium", false, "",
		    "standard", "standard", 50, 60, 20, 45 },
		{ "cost_tier: paid, latency_tier: high", false, "",
		    "standard", "standard", 50, 60, 50, 75 },
		{ "cost_tier: high", false, "", "standard", "standard",
		    50, 60, 80, 15 },
		{ "model: codellama, supports_tools: false, modalities: []",
		    false, "", "standard", "standard", 50, 60, 0, 15 },
		{ "supports_tools: yes, modalities: [' ', Image, x, '']",
		    true, "Image,x", "standard", "standard", 50, 60, 0, 15 },
		{ "capability: 0, trust: 100, cost: 7, latency: 0x10", false,
		    "", "standard", "standard", 0, 100, 7, 16 },
	};
	const struct mr_engine *x;
	struct mr_config *cfg;
	size_t i;
	char *doc;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		doc = mr_xasprintf("  x: {<<: *e%s%s}\n",
		    *cases[i].fields ? ", " : "", cases[i].fields);
		cfg = load_ok_base(doc);
		x = engine(cfg, "x");
		if (x->supports_tools != cases[i].tools ||
		    x->capability != cases[i].cap)
			print_error("case %zu: %s\n", i, cases[i].fields);
		assert_int_equal(x->supports_tools, cases[i].tools);
		assert_list(&x->modalities, cases[i].modalities);
		assert_string_equal(x->capability_tier, cases[i].cap_tier);
		assert_string_equal(x->trust_tier, cases[i].trust_tier);
		assert_int_equal(x->capability, cases[i].cap);
		assert_int_equal(x->trust, cases[i].trust);
		assert_int_equal(x->cost, cases[i].cost);
		assert_int_equal(x->latency, cases[i].lat);
		mr_config_free(cfg);
		free(doc);
	}

	/* Strings are kept as written; blank strengths are kept. */
	cfg = load_ok_base("  x: {<<: *e, provider: ' local ', strengths: "
	    "[' ', a], max_context: 1:30}\n");
	x = engine(cfg, "x");
	assert_string_equal(x->provider, " local ");
	assert_list(&x->strengths, " ,a");
	assert_int_equal(x->max_context, 90);
	assert_int_equal(x->modality_mask, 0);
	mr_config_free(cfg);
}

static void
test_targets_scoring_safety_policy(void **state)
{
	const struct mr_route_pool *pool;
	struct mr_config *cfg;
	size_t i;

	(void)state;
	cfg = load_ok_base("routing_targets: {coding: fast_local, extra: "
	    "human_confirm}\n"
	    "scoring: {saturation_k: 7, weights: {risk: {pii: 3}, "
	    "complexity: {}}}\n"
	    "safety: {require_human_confirmation: false, "
	    "confirmation_overrides: {allow_send_actions: yes}}\n"
	    "provider_policy:\n"
	    "  version: 1.0\n"
	    "  provider_allowlist: [' local ', local, openai]\n"
	    "  provider_denylist: ~\n"
	    "  local_only: true\n"
	    "  hosted_allowed: false\n"
	    "  max_cost_tier: low\n"
	    "  max_latency_tier: ~\n"
	    "  route_pools:\n"
	    "    ' coding ': {provider_allowlist: [human]}\n"
	    "    coding: {local_only: true, max_latency_tier: high}\n"
	    "    simple: ~\n");
	assert_int_equal(cfg->ntargets, MR_TARGET_COUNT + 1);
	assert_string_equal(cfg->targets[MR_TARGET_CODING].engine,
	    "fast_local");
	assert_int_equal(mr_config_target_engine(cfg, MR_TARGET_CODING),
	    mr_config_engine_index(cfg, "fast_local"));
	assert_string_equal(cfg->targets[MR_TARGET_COUNT].name, "extra");
	assert_int_equal(cfg->targets[MR_TARGET_COUNT].engine_idx,
	    mr_config_engine_index(cfg, "human_confirm"));

	/* Code defaults overlaid, not the packaged weights. */
	assert_int_equal(cfg->scoring.saturation_k, 7);
	for (i = 0; i < MR_W_COUNT; i++)
		assert_int_equal(cfg->scoring.w[i], i == MR_W_R_PII ? 3 :
		    mr_weight_info[i].code_default);

	assert_false(cfg->safety.require_human_confirmation);
	assert_true(cfg->safety.allow_send_actions);
	assert_false(cfg->safety.allow_destructive_actions);

	assert_list(&cfg->policy.allowlist, "local,openai");
	assert_int_equal(cfg->policy.denylist.n, 0);
	assert_true(cfg->policy.local_only);
	assert_false(cfg->policy.hosted_allowed);
	assert_string_equal(cfg->policy.max_cost_tier, "low");
	assert_null(cfg->policy.max_latency_tier);
	assert_int_equal(cfg->npools, 2);
	pool = mr_config_pool(cfg, "coding");
	assert_non_null(pool);
	assert_ptr_equal(pool, &cfg->pools[0]);
	/* The last of the keys that strip alike wins. */
	assert_int_equal(pool->policy.allowlist.n, 0);
	assert_true(pool->policy.local_only);
	assert_string_equal(pool->policy.max_latency_tier, "high");
	pool = mr_config_pool(cfg, "simple");
	assert_non_null(pool);
	assert_true(pool->policy.hosted_allowed);
	assert_false(pool->policy.local_only);
	assert_null(mr_config_pool(cfg, "vision"));
	/* "extra" is accepted but worth a warning. */
	assert_int_equal(cfg->warnings.n, 1);
	mr_config_free(cfg);

	/* null sections mean defaults */
	cfg = load_ok_base("scoring: ~\nsafety: ~\nprovider_policy: ~\n");
	assert_int_equal(cfg->scoring.saturation_k, 50);
	assert_int_equal(cfg->scoring.w[MR_W_R_DESTRUCTIVE_ACTION], 70);
	assert_true(cfg->safety.require_human_confirmation);
	assert_true(cfg->policy.hosted_allowed);
	mr_config_free(cfg);

	cfg = load_ok_base("scoring: {saturation_k: 99999999999999999999}\n");
	assert_int_equal(cfg->scoring.saturation_k, 2147483647);
	mr_config_free(cfg);
}

/*
 * Availability (router-core.md §1.8) with a fake environment.
 */

static char fake_home[256];

static const char *
fake_getenv(const char *name)
{
	if (strcmp(name, "PATH") == 0)
		return "/nonexistent-mr-dir::/usr/bin:/bin";
	if (strcmp(name, "HOME") == 0)
		return fake_home;
	if (strcmp(name, "SET_VAR") == 0)
		return "1";
	if (strcmp(name, "EMPTY_VAR") == 0)
		return "";
	return NULL;
}

static void
check_avail(const struct mr_config *cfg, const char *name, bool available,
    const char *reasons)
{
	const struct mr_engine *e = engine(cfg, name);

	if (e->available != available)
		print_error("%s: available %d\n", name, e->available);
	assert_int_equal(e->available, available);
	assert_list(&e->availability_reasons, reasons);
}

static void
test_availability(void **state)
{
	struct mr_config *cfg;
	char file[300], *doc;
	FILE *fp;

	(void)state;
	snprintf(fake_home, sizeof(fake_home), "/tmp/mr-test-XXXXXX");
	assert_non_null(mkdtemp(fake_home));
	snprintf(file, sizeof(file), "%s/present", fake_home);
	assert_non_null(fp = fopen(file, "w"));
	fclose(fp);
	doc = mr_xasprintf(
	    "  env_ok: {<<: *e, availability: {required_env: [SET_VAR]}}\n"
	    "  env_bad: {<<: *e, availability: {required_env: "
	    "[SET_VAR, EMPTY_VAR, UNSET_VAR, ' ']}}\n"
	    "  cmd_ok: {<<: *e, availability: {required_commands: [sh]}}\n"
	    "  cmd_bad: {<<: *e, availability: {required_commands: "
	    "[no-such-command-mr, /bin/sh, /nonexistent/sh, .]}}\n"
	    "  path_ok: {<<: *e, availability: {required_paths: "
	    "['%s', '~/present', '~']}}\n"
	    "  path_bad: {<<: *e, availability: {required_paths: "
	    "['~/absent', /nonexistent-mr]}}\n"
	    "  marked_off: {<<: *e, availability: {status: unavailable, "
	    "required_env: [SET_VAR]}}\n"
	    "  marked_on: {<<: *e, availability: {status: available}}\n"
	    "  marked_on_bad: {<<: *e, availability: {status: available, "
	    "required_env: [UNSET_VAR]}}\n"
	    "  disabled: {<<: *e, enabled: false, availability: "
	    "{required_env: [UNSET_VAR]}}\n"
	    "  null_avail: {<<: *e, availability: ~}\n", file);
	cfg = load_ok_base(doc);
	free(doc);

	mr_config_check_availability(cfg, true, fake_getenv);
	check_avail(cfg, "intent_router", true,
	    "no availability requirements declared");
	check_avail(cfg, "null_avail", true,
	    "no availability requirements declared");
	check_avail(cfg, "env_ok", true, "availability checks passed");
	check_avail(cfg, "env_bad", false,
	    "missing env var EMPTY_VAR,missing env var UNSET_VAR");
	check_avail(cfg, "cmd_ok", true, "availability checks passed");
	check_avail(cfg, "cmd_bad", false, "missing command "
	    "no-such-command-mr,missing command /nonexistent/sh,"
	    "missing command .");
	check_avail(cfg, "path_ok", true, "availability checks passed");
	check_avail(cfg, "path_bad", false,
	    "missing path ~/absent,missing path /nonexistent-mr");
	check_avail(cfg, "marked_off", false, "marked unavailable in config");
	check_avail(cfg, "marked_on", true, "marked available in config");
	check_avail(cfg, "marked_on_bad", false, "missing env var UNSET_VAR");
	check_avail(cfg, "disabled", false, "");

	/* Re-evaluation replaces the reasons. */
	mr_config_check_availability(cfg, false, fake_getenv);
	check_avail(cfg, "env_bad", true, "availability validation disabled");
	check_avail(cfg, "marked_off", true,
	    "availability validation disabled");
	check_avail(cfg, "disabled", false, "");
	mr_config_free(cfg);

	assert_int_equal(unlink(file), 0);
	assert_int_equal(rmdir(fake_home), 0);
}

static void
test_availability_default(void **state)
{
	struct mr_config *cfg = mr_config_load_default(NULL);
	size_t i;

	(void)state;
	assert_non_null(cfg);
	mr_config_check_availability(cfg, true, NULL);
	for (i = 0; i < cfg->nengines; i++) {
		const struct mr_engine *e = &cfg->engines[i];

		assert_int_equal(e->available, e->enabled);
		if (!e->enabled)
			assert_int_equal(e->availability_reasons.n, 0);
		else if (strcmp(e->name, "human_confirm") == 0)
			assert_list(&e->availability_reasons,
			    "marked available in config");
		else
			assert_list(&e->availability_reasons,
			    "no availability requirements declared");
	}
	mr_config_free(cfg);
}

/*
 * Files and paths.
 */

struct saved_env {
	char	*home;
	char	*mrhome;
};

static void
env_save(struct saved_env *s)
{
	const char *h = getenv("HOME"), *m = getenv("MODEL_ROUTER_HOME");

	s->home = h ? strdup(h) : NULL;
	s->mrhome = m ? strdup(m) : NULL;
}

static void
env_restore(struct saved_env *s)
{
	if (s->home)
		setenv("HOME", s->home, 1);
	else
		unsetenv("HOME");
	if (s->mrhome)
		setenv("MODEL_ROUTER_HOME", s->mrhome, 1);
	else
		unsetenv("MODEL_ROUTER_HOME");
	free(s->home);
	free(s->mrhome);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_resolve_path(void **state)
{
	char dir[64] = "/tmp/mr-test-XXXXXX", a[128], b[256], c[256];
	struct saved_env env;
	char *p;

	(void)state;
	env_save(&env);
	assert_non_null(mkdtemp(dir));
	setenv("HOME", dir, 1);
	unsetenv("MODEL_ROUTER_HOME");

	p = mr_config_resolve_path("/x/y.yaml");
	assert_string_equal(p, "/x/y.yaml");
	free(p);
	p = mr_config_resolve_path("~/y.yaml");	/* need not exist */
	snprintf(a, sizeof(a), "%s/y.yaml", dir);
	assert_string_equal(p, a);
	free(p);

	assert_null(mr_config_resolve_path(NULL));
	snprintf(a, sizeof(a), "%s/.model-router", dir);
	assert_int_equal(mkdir(a, 0700), 0);
	snprintf(b, sizeof(b), "%s/model_router.yaml", a);
	write_file(b, BASE);
	p = mr_config_resolve_path(NULL);
	assert_string_equal(p, b);
	free(p);

	/* MODEL_ROUTER_HOME first, but only when its file exists. */
	setenv("MODEL_ROUTER_HOME", dir, 1);
	p = mr_config_resolve_path(NULL);
	assert_string_equal(p, b);
	free(p);
	snprintf(c, sizeof(c), "%s/model_router.yaml", dir);
	write_file(c, BASE);
	p = mr_config_resolve_path(NULL);
	assert_string_equal(p, c);
	free(p);

	assert_int_equal(unlink(c), 0);
	assert_int_equal(unlink(b), 0);
	assert_int_equal(rmdir(a), 0);
	assert_int_equal(rmdir(dir), 0);
	env_restore(&env);
}

static void
test_load_file(void **state)
{
	char dir[64] = "/tmp/mr-test-XXXXXX", path[128];
	struct mr_error e = MR_ERROR_INIT;
	struct mr_config *cfg;
	struct saved_env env;

	(void)state;
	env_save(&env);
	assert_null(mr_config_load_file("/nonexistent-mr/x.yaml", &e));
	assert_string_equal(e.msg,
	    "model router config missing: /nonexistent-mr/x.yaml");
	assert_null(e.file);	/* the message names the file */
	assert_int_equal(e.line, 0);
	mr_error_clear(&e);

	assert_non_null(mkdtemp(dir));
	assert_null(mr_config_load_file(dir, &e));
	assert_string_equal(e.msg,
	    "model router config unreadable: Is a directory");
	mr_error_clear(&e);

	setenv("HOME", dir, 1);
	snprintf(path, sizeof(path), "%s/r.yaml", dir);
	write_file(path, BASE "enginez: 1\n");
	cfg = mr_config_load_file("~/r.yaml", &e);
	assert_non_null(cfg);
	assert_string_equal(cfg->source, path);
	assert_int_equal(cfg->warnings.n, 1);
	assert_true(strncmp(cfg->warnings.v[0], path, strlen(path)) == 0);
	mr_config_free(cfg);

	write_file(path, BASE "  x: 1\n");
	assert_null(mr_config_load_file(path, &e));
	assert_string_equal(e.file, path);
	assert_int_equal(e.line, 11);
	assert_int_equal(e.col, 6);
	mr_error_clear(&e);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	env_restore(&env);
}

/* A UTF-8 BOM and CRLF line ends are fine. */
static void
test_bom_and_crlf(void **state)
{
	struct mr_buf b = MR_BUF_INIT;
	struct mr_config *cfg;
	const char *p;

	(void)state;
	mr_buf_addstr(&b, "\xef\xbb\xbf");
	for (p = BASE; *p; p++) {
		if (*p == '\n')
			mr_buf_addch(&b, '\r');
		mr_buf_addch(&b, *p);
	}
	cfg = load_ok(b.buf);
	assert_int_equal(cfg->nengines, 9);
	mr_config_free(cfg);
	mr_buf_release(&b);
}

/*
 * Hostile input: errors, never crashes, in bounded time and memory.
 */

static void
expect_yaml_error(const char *data, size_t len, const char *want)
{
	struct mr_error e = MR_ERROR_INIT;

	assert_null(mr_config_load_buffer("h.yaml", data, len, &e));
	assert_non_null(e.msg);
	if (want != NULL && strstr(e.msg, want) == NULL)
		print_error("got: %s\nwant: %s\n", e.msg, want);
	if (want != NULL)
		assert_non_null(strstr(e.msg, want));
	mr_error_clear(&e);
}

static void
test_hostile_nesting(void **state)
{
	struct mr_buf b = MR_BUF_INIT;
	int i;

	(void)state;
	for (i = 0; i < 10000; i++)
		mr_buf_addch(&b, '[');
	for (i = 0; i < 10000; i++)
		mr_buf_addch(&b, ']');
	expect_yaml_error(b.buf, b.len, "nesting deeper than 64 levels");
	mr_buf_reset(&b);
	for (i = 0; i < 10000; i++)
		mr_buf_addstr(&b, "{a: ");
	expect_yaml_error(b.buf, b.len, "model router config invalid YAML");
	mr_buf_reset(&b);
	for (i = 0; i < 200; i++)
		mr_buf_printf(&b, "%*sk:\n", i, "");
	expect_yaml_error(b.buf, b.len, "nesting deeper than 64 levels");
	mr_buf_release(&b);
}

static void
test_hostile_alias_bomb(void **state)
{
	struct mr_buf b = MR_BUF_INIT;
	int i;

	(void)state;
	mr_buf_addstr(&b, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, "
	    "lol]\n");
	for (i = 1; i < 10; i++)
		mr_buf_printf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, "
		    "*a%d, *a%d, *a%d, *a%d]\n", i, i, i - 1, i - 1, i - 1,
		    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	expect_yaml_error(b.buf, b.len, "document too complex (more than "
	    "200000 nodes after expanding aliases)");

	/* The same with merge keys. */
	mr_buf_reset(&b);
	mr_buf_addstr(&b, "m0: &m0 {a: 1, b: 2}\n");
	for (i = 1; i < 12; i++)
		mr_buf_printf(&b, "m%d: &m%d {<<: [*m%d, *m%d, *m%d, *m%d, "
		    "*m%d, *m%d, *m%d, *m%d]}\n", i, i, i - 1, i - 1, i - 1,
		    i - 1, i - 1, i - 1, i - 1, i - 1);
	expect_yaml_error(b.buf, b.len, "document too complex");

	/* Too many plain nodes. */
	mr_buf_reset(&b);
	mr_buf_addch(&b, '[');
	for (i = 0; i < YN_MAX_NODES; i++)
		mr_buf_addstr(&b, "1,");
	mr_buf_addch(&b, ']');
	expect_yaml_error(b.buf, b.len, "document too large");
	mr_buf_release(&b);
}

static void
test_hostile_garbage(void **state)
{
	static const char nul_doc[] = "engines:\0\n  a: 1\n";
	static const char nul_in_key[] = "engi\0nes: 1\n";
	size_t n = 1 << 20, i;
	uint32_t x = 12345;
	char *buf = mr_xmalloc(n);

	(void)state;
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(x >> 16);
	}
	expect_yaml_error(buf, n, "model router config");
	/* Printable garbage. */
	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (char)(' ' + (x >> 16) % 95);
	}
	expect_yaml_error(buf, n, "model router config");
	for (i = 0; i < n; i++)
		buf[i] = '\0';
	expect_yaml_error(buf, n, "model router config invalid YAML");
	free(buf);

	expect_yaml_error(nul_doc, sizeof(nul_doc) - 1,
	    "control characters are not allowed");
	expect_yaml_error(nul_in_key, sizeof(nul_in_key) - 1,
	    "control characters are not allowed");

	/* Over the size cap, without parsing. */
	n = (16u << 20) + 1;
	buf = mr_xcalloc(n, 1);
	expect_yaml_error(buf, n,
	    "model router config unreadable: File too large");
	free(buf);
}

/*
 * Small public helpers.
 */

static void
test_helpers(void **state)
{
	static const struct mr_weight_info want[MR_W_COUNT] = {
#define X(id, dim, name, code_default, packaged) \
		{ name, MR_DIM_##dim, code_default },
		MR_WEIGHTS
#undef X
	};
	struct mr_scoring s;
	struct mr_config *cfg;
	size_t i;

	(void)state;
	assert_string_equal(mr_target_name(MR_TARGET_SIMPLE), "simple");
	assert_string_equal(mr_target_name(MR_TARGET_IMAGE_GENERATION),
	    "image_generation");
	assert_string_equal(mr_target_name(MR_TARGET_CONFIRMATION),
	    "confirmation");
	assert_null(mr_target_name(MR_TARGET_COUNT));
	for (i = 0; i < MR_TARGET_COUNT; i++)
		assert_int_equal(mr_target_from_name(
		    mr_target_name((enum mr_target)i)), (int)i);
	assert_int_equal(mr_target_from_name("nope"), -1);
	assert_int_equal(mr_target_from_name(NULL), -1);

	assert_int_equal(mr_cost_tier_rank("none"), 0);
	assert_int_equal(mr_cost_tier_rank("free"), 0);
	assert_int_equal(mr_cost_tier_rank("low"), 1);
	assert_int_equal(mr_cost_tier_rank("medium"), 2);
	assert_int_equal(mr_cost_tier_rank("paid"), 2);
	assert_int_equal(mr_cost_tier_rank("high"), 3);
	assert_int_equal(mr_cost_tier_rank("cheap"), -1);
	assert_int_equal(mr_cost_tier_rank(NULL), -1);
	assert_int_equal(mr_latency_tier_rank("low"), 1);
	assert_int_equal(mr_latency_tier_rank("medium"), 2);
	assert_int_equal(mr_latency_tier_rank("high"), 3);
	assert_int_equal(mr_latency_tier_rank("manual"), 4);
	assert_int_equal(mr_latency_tier_rank("none"), -1);
	for (i = 0; mr_cost_tiers[i] != NULL; i++)
		assert_true(mr_cost_tier_rank(mr_cost_tiers[i]) >= 0);
	assert_int_equal(i, 6);
	for (i = 0; mr_latency_tiers[i] != NULL; i++)
		assert_true(mr_latency_tier_rank(mr_latency_tiers[i]) > 0);
	assert_int_equal(i, 4);

	for (i = 0; i < MR_W_COUNT; i++) {
		assert_string_equal(mr_weight_info[i].name, want[i].name);
		assert_int_equal(mr_weight_info[i].dim, want[i].dim);
		assert_int_equal(mr_weight_info[i].code_default,
		    want[i].code_default);
	}
	assert_string_equal(mr_weight_info[MR_W_R_SENSITIVE_DOMAIN].name,
	    "sensitive_domain");
	assert_int_equal(mr_weight_info[MR_W_K_EMPTY_PROMPT].dim,
	    MR_DIM_CONFIDENCE);
	mr_scoring_defaults(&s);
	assert_int_equal(s.saturation_k, 50);
	for (i = 0; i < MR_W_COUNT; i++)
		assert_int_equal(s.w[i], want[i].code_default);

	cfg = mr_config_load_default(NULL);
	assert_int_equal(mr_config_engine_index(cfg, "intent_router"), 0);
	assert_int_equal(mr_config_engine_index(cfg, "human_confirm"), 12);
	assert_int_equal(mr_config_engine_index(cfg, "nope"), -1);
	assert_int_equal(mr_config_target_engine(cfg, MR_TARGET_COUNT), -1);
	assert_null(mr_config_pool(cfg, "simple"));
	mr_config_free(cfg);
	mr_config_free(NULL);
	/* A NULL error pointer is allowed. */
	assert_null(mr_config_load_buffer("x", "- a", 3, NULL));
	assert_null(mr_config_load_file("/nonexistent-mr", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_loads),
		cmocka_unit_test(test_reference_fixture),
		cmocka_unit_test(test_errors_document),
		cmocka_unit_test(test_errors_engines),
		cmocka_unit_test(test_errors_tiers),
		cmocka_unit_test(test_errors_targets),
		cmocka_unit_test(test_errors_scoring),
		cmocka_unit_test(test_errors_safety),
		cmocka_unit_test(test_errors_policy),
		cmocka_unit_test(test_validation_order),
		cmocka_unit_test(test_errors_yaml),
		cmocka_unit_test(test_yaml_error_location),
		cmocka_unit_test(test_unknown_key_warnings),
		cmocka_unit_test(test_duplicate_key_warnings),
		cmocka_unit_test(test_merge_keys_and_anchors),
		cmocka_unit_test(test_scalar_resolution),
		cmocka_unit_test(test_key_equality),
		cmocka_unit_test(test_engine_derivations),
		cmocka_unit_test(test_targets_scoring_safety_policy),
		cmocka_unit_test(test_availability),
		cmocka_unit_test(test_availability_default),
		cmocka_unit_test(test_resolve_path),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_hostile_nesting),
		cmocka_unit_test(test_hostile_alias_bomb),
		cmocka_unit_test(test_hostile_garbage),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
