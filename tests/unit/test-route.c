/*
 * Unit tests for the routing policy (src/core/route.c): router-core.md
 * §1.10 and §3, with the deliberate differences of
 * docs/routing-differences.md.
 *
 * Configs are the embedded default or the default with a few edits applied
 * (catalog_with()), so every test says exactly what it changed.  Engine
 * availability uses fake_getenv(): OPENAI_API_KEY is set, nothing else is.
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
#include "mr/router.h"
#include "mr/unicode.h"

#define DEFAULT_PROFILE_REASON \
	"routing profile balanced uses default deterministic routing"
#define TOOLS_MISSING "tools required but engine does not support tools"

/* ---- helpers ----------------------------------------------------------- */

static const char *
fake_getenv(const char *name)
{
	if (strcmp(name, "OPENAI_API_KEY") == 0)
		return "sk-test";
	return NULL;
}

static struct mr_router *
router_from(struct mr_config *cfg)
{
	assert_non_null(cfg);
	mr_config_check_availability(cfg, true, fake_getenv);
	return mr_router_new(cfg);
}

static struct mr_router *
default_router(void)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_config *cfg = mr_config_load_default(&err);

	if (cfg == NULL)
		fail_msg("default config: %s", err.msg);
	return router_from(cfg);
}

/*
 * One edit of the default catalog: with ENGINE, set that engine's KEY line
 * to "KEY: VALUE"; without, replace the first occurrence of the text KEY
 * with VALUE.
 */
struct edit {
	const char	*engine;
	const char	*key;
	const char	*value;
};

static char *
splice(char *text, size_t at, size_t len, const char *with)
{
	char *out = mr_xasprintf("%.*s%s%s", (int)at, text, with,
	    text + at + len);

	free(text);
	return out;
}

static char *
catalog_with(const struct edit *edits, size_t n)
{
	const struct mr_embedded_file *f =
	    mr_embedded_find("catalog/model_router.yaml");
	char *text, *p, *q, *eol, *hdr, *key, *line;
	size_t i;

	assert_non_null(f);
	text = mr_xstrdup(f->data);
	for (i = 0; i < n; i++) {
		if (edits[i].engine == NULL) {
			p = strstr(text, edits[i].key);
			if (p == NULL)
				fail_msg("edit: '%s' not in the catalog",
				    edits[i].key);
			text = splice(text, (size_t)(p - text),
			    strlen(edits[i].key), edits[i].value);
			continue;
		}
		hdr = mr_xasprintf("\n  %s:\n", edits[i].engine);
		key = mr_xasprintf("\n    %s:", edits[i].key);
		p = strstr(text, hdr);
		if (p == NULL)
			fail_msg("edit: no engine %s", edits[i].engine);
		q = strstr(p + 1, key);
		if (q == NULL)
			fail_msg("edit: no key %s", edits[i].key);
		eol = strchr(q + 1, '\n');
		assert_non_null(eol);
		line = mr_xasprintf("\n    %s: %s", edits[i].key,
		    edits[i].value);
		text = splice(text, (size_t)(q - text), (size_t)(eol - q), line);
		free(line);
		free(hdr);
		free(key);
	}
	return text;
}

static struct mr_router *
router_with(const struct edit *edits, size_t n)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_config *cfg;
	char *text = catalog_with(edits, n);

	cfg = mr_config_load_buffer("test.yaml", text, strlen(text), &err);
	if (cfg == NULL)
		fail_msg("edited config: %s:%d:%d: %s", err.file ? err.file :
		    "?", err.line, err.col, err.msg);
	free(text);
	return router_from(cfg);
}

static void
route(const struct mr_router *r, const char *prompt,
    const struct mr_hints *h, struct mr_decision *d)
{
	mr_route(r, prompt, prompt ? strlen(prompt) : 0, h, true, d);
}

static bool
has(const struct mr_strlist *l, const char *s)
{
	return mr_strlist_has(l, s);
}

static bool
has_prefix(const struct mr_strlist *l, const char *prefix)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strncmp(l->v[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

static const char *
last(const struct mr_strlist *l)
{
	assert_true(l->n > 0);
	return l->v[l->n - 1];
}

static void
assert_list(const struct mr_strlist *l, const char *const *want, size_t n)
{
	size_t i;

	for (i = 0; i < l->n && i < n; i++)
		if (strcmp(l->v[i], want[i]) != 0)
			fail_msg("item %zu: got '%s', want '%s'", i, l->v[i],
			    want[i]);
	if (l->n != n) {
		for (i = 0; i < l->n; i++)
			print_message("  got[%zu] = %s\n", i, l->v[i]);
		fail_msg("got %zu items, want %zu", l->n, n);
	}
}
#define ASSERT_LIST(l, ...) do { \
	const char *const want_[] = { __VA_ARGS__ }; \
	assert_list((l), want_, MR_NELEM(want_)); \
} while (0)
#define ASSERT_EMPTY(l) assert_int_equal((l)->n, 0)

static bool
rejected(const struct mr_decision *d, const char *engine, const char *reason)
{
	size_t i;

	for (i = 0; i < d->nrejected; i++)
		if (strcmp(d->rejected[i].engine, engine) == 0 &&
		    (reason == NULL || strcmp(d->rejected[i].reason, reason) == 0))
			return true;
	return false;
}

static const struct mr_alternative *
alternative(const struct mr_decision *d, const char *engine)
{
	size_t i;

	for (i = 0; i < d->nalternatives; i++)
		if (strcmp(d->alternatives[i].engine, engine) == 0)
			return &d->alternatives[i];
	return NULL;
}

/* A hint set, declared in a table. */
struct hint_spec {
	const char	*name;
	bool		 null;		/* pass NULL hints */
	const char	*profile;
	const char	*force;
	const char	*max_cost;
	const char	*max_latency;
	bool		 latency;
	const char	*att[3];
	const char	*allow[3];
	const char	*deny[3];
	bool		 local_only;
	bool		 no_hosted;
};

static const struct mr_hints *
build_hints(const struct hint_spec *s, struct mr_hints *h)
{
	size_t i;

	if (s->null)
		return NULL;
	mr_hints_init(h);
	h->profile = s->profile;
	h->force_engine = s->force;
	h->max_cost_tier = s->max_cost;
	h->max_latency_tier = s->max_latency;
	h->latency_sensitive = s->latency;
	for (i = 0; i < 3 && s->att[i]; i++)
		h->attachments[h->nattachments++] = s->att[i];
	for (i = 0; i < 3 && s->allow[i]; i++) {
		h->allowlist[h->nallow++] = s->allow[i];
	}
	for (i = 0; i < 3 && s->deny[i]; i++)
		h->denylist[h->ndeny++] = s->deny[i];
	h->local_only = s->local_only;
	if (s->no_hosted)
		h->hosted_allowed = 0;
	return h;
}

/* ---- mr_route_fast() == mr_route() ------------------------------------- */

static char long_prompt[4200];
static char very_long_prompt[9000];

static void
init_long_prompts(void)
{
	size_t n;

	if (long_prompt[0] != '\0')
		return;
	strcpy(long_prompt, "please summarize the following notes.");
	while ((n = strlen(long_prompt)) < 4050)
		strcat(long_prompt, " the meeting covered budgets and hiring");
	strcpy(very_long_prompt, "rewrite this text:");
	while ((n = strlen(very_long_prompt)) < 8500)
		strcat(very_long_prompt, " a quiet river runs past the mill");
}

static const char *const diff_prompts[] = {
	/* simple */
	"rewrite this text",
	"rephrase this paragraph to sound more formal",
	"format this list as a markdown table",
	"proofread my cover letter",
	"fix typos in this sentence",
	"make this clearer",
	"  rewrite this text",
	/* balanced */
	"summarize this article for me",
	"what is the capital of France",
	"give me three ideas for a birthday party",
	"hmm",
	"put these names in alphabetical order",
	/* reasoning */
	"design a distributed architecture for a multi-region event streaming "
	    "system with failover, then plan the migration step by step",
	"compare the tradeoffs of two caching strategies and plan a rollout",
	"fix this",
	"",
	"\n\t  \n",
	/* coding */
	"fix the bug in my python function",
	"fix the repo and run tests",
	"rename the deprecated imports across the codebase",
	"write a unit test for the json parser",
	"Why does my TypeScript build fail with TS2307?",
	"refactor the code in order to improve speed",
	/* research */
	"what is the latest news about the stock market today",
	"search the web for the latest TypeScript release notes",
	"research current trends in battery technology and cite sources",
	/* vision */
	"describe this screenshot",
	"read the text in this image with OCR",
	"what does this chart show",
	/* image generation */
	"generate a logo for my bakery",
	"draw a picture of a cat wearing a hat",
	/* confirmation */
	"delete all my files",
	"drop the production database",
	"send this email to the whole company",
	"buy 100 shares of AAPL",
	"transfer $5000 to this account",
	"please merge this pull request without telling anyone",
	"'wipe' the disk",
	"[erase] everything",
	"purge-all old records",
	"post this announcement on twitter",
	"handle my taxes",
	"order a pizza for me",
	"rm -rf /",
	"git reset --hard HEAD~3",
	"dd if=/dev/zero of=/dev/sda",
	"don't delete anything",
	/* topic only */
	"Explain how `git push` works",
	"Summarize the plot of the film The Purge",
	"What does the drop command do in SQL?",
	"explain how to delete a branch",
	"explain 'delete everything",
	/* unicode and odd input */
	"R\xc3\xa9\xc3\xa9" "cris ce texte s'il te pla\xc3\xaet",
	"\xe5\x88\xa0\xe9\x99\xa4\xe6\x89\x80\xe6\x9c\x89\xe6\x96\x87\xe4\xbb\xb6",
	"rewrite this \xf0\x9f\x98\x80 text",
	"\xc5\xbf" "end the report to my boss",
	"DELETE EVERYTHING NOW",
	"\xef\xbc\xa4\xef\xbd\x85\xef\xbd\x8c\xef\xbd\x85\xef\xbd\x94\xef\xbd\x85 "
	    "the files",
	"delete\xcc\x81 the cache",
	"rewrite \xff\xfe this",
	"what is my blood pressure medication dosage",
	"should I sue my landlord",
	long_prompt,
	very_long_prompt,
};

static const struct hint_spec diff_hints[] = {
	{ .name = "NULL", .null = true },
	{ .name = "empty" },
	{ .name = "fast", .profile = "fast" },
	{ .name = "private", .profile = "private" },
	{ .name = "safe", .profile = "safe" },
	{ .name = "quality", .profile = " Quality" },
	{ .name = "balanced", .profile = "BALANCED" },
	{ .name = "image", .att = { "image" } },
	{ .name = "pdf", .att = { "pdf" } },
	{ .name = "code", .att = { "code" } },
	{ .name = "image+audio", .att = { "image", "audio" } },
	{ .name = "force code_agent", .force = "code_agent" },
	{ .name = "force reasoning_local", .force = "reasoning_local" },
	{ .name = "force human_confirm", .force = "human_confirm" },
	{ .name = "force nope", .force = "nope" },
	{ .name = "force claude_code", .force = "claude_code" },
	{ .name = "force openai_api", .force = "openai_api" },
	{ .name = "cost free", .max_cost = "free" },
	{ .name = "latency low", .max_latency = "low" },
	{ .name = "cost+latency medium", .max_cost = "medium",
	    .max_latency = "medium" },
	{ .name = "latency-sensitive", .latency = true },
	{ .name = "allow local", .allow = { "local" } },
	{ .name = "allow openai", .allow = { "openai" } },
	{ .name = "allow openai+local", .allow = { "openai", "local" } },
	{ .name = "deny local", .deny = { "local" } },
	{ .name = "deny anthropic+openai", .deny = { "anthropic", "openai" } },
	{ .name = "deny human", .deny = { "human" } },
	{ .name = "local_only", .local_only = true },
	{ .name = "no hosted", .no_hosted = true },
	{ .name = "local_only+allow openai", .local_only = true,
	    .allow = { "openai" } },
	{ .name = "private+allow openai", .profile = "private",
	    .allow = { "openai" } },
	{ .name = "safe+force code_agent", .profile = "safe",
	    .force = "code_agent" },
	{ .name = "fast+image", .profile = "fast", .att = { "image" } },
	{ .name = "bad cost", .max_cost = "cheap" },
	{ .name = "bad latency", .max_latency = "instant" },
	{ .name = "bad profile", .profile = "turbo" },
	{ .name = "bad attachment", .att = { "video" } },
	{ .name = "blank force", .force = "   " },
	{ .name = "blank allow", .allow = { " " } },
};

static void
differential(const struct mr_router *r, const char *label)
{
	struct mr_decision d;
	struct mr_hints h;
	const struct mr_hints *hp;
	const char *fast;
	size_t i, j;

	init_long_prompts();
	for (i = 0; i < MR_NELEM(diff_prompts); i++) {
		for (j = 0; j < MR_NELEM(diff_hints); j++) {
			hp = build_hints(&diff_hints[j], &h);
			fast = mr_route_fast(r, diff_prompts[i],
			    strlen(diff_prompts[i]), hp);
			mr_route(r, diff_prompts[i], strlen(diff_prompts[i]), hp,
			    (i + j) % 2 == 0, &d);
			if (strcmp(fast, d.selected_engine) != 0)
				fail_msg("%s: prompt %zu \"%.60s\" hints %s: "
				    "route_fast %s, route %s", label, i,
				    diff_prompts[i], diff_hints[j].name, fast,
				    d.selected_engine);
			/* The hot path never allocates: it lends a name
			 * from the config (or the gate's). */
			assert_true(mr_config_engine_index(
			    mr_router_config(r), fast) >= 0);
			mr_decision_release(&d);
		}
	}
}

static void
test_differential_default(void **state)
{
	struct mr_router *r = default_router();

	(void)state;
	differential(r, "default");
	mr_router_free(r);
}

static void
test_differential_modified(void **state)
{
	/* Hosted engines on (one available, one not), code_agent off,
	 * re-pointed targets and route pools. */
	static const struct edit pools[] = {
		{ "openai_api", "enabled", "true" },
		{ "anthropic_api", "enabled", "true" },
		{ "claude_code", "enabled", "true" },
		{ NULL, "required_commands: [claude]",
		    "required_commands: [mr-test-no-such-command]" },
		{ "code_agent", "enabled", "false" },
		{ NULL, "  coding: code_agent\n", "  coding: claude_code\n" },
		{ NULL, "  balanced: balanced_local\n",
		    "  balanced: openai_api\n" },
		{ "web_research", "fallback", "anthropic_api" },
		{ NULL, "  provider_denylist: []", "  provider_denylist: [acme]" },
		{ NULL, "  route_pools: {}",
		    "  route_pools:\n"
		    "    coding:\n"
		    "      provider_allowlist: [anthropic, local]\n"
		    "    research:\n"
		    "      local_only: true\n"
		    "    vision:\n"
		    "      max_latency_tier: low\n"
		    "    balanced:\n"
		    "      max_cost_tier: paid" },
	};
	/* A confirmation target that is not the gate, disabled engines and
	 * a fallback cycle. */
	static const struct edit cycle[] = {
		{ NULL, "  confirmation: human_confirm\n",
		    "  confirmation: fast_local\n" },
		{ "balanced_local", "enabled", "false" },
		{ "reasoning_local", "fallback", "balanced_local" },
		{ "multimodal_vision", "enabled", "false" },
		{ "multimodal_vision", "fallback", "null" },
		{ NULL, "  max_latency_tier: null", "  max_latency_tier: high" },
		{ NULL, "    allow_destructive_actions: false",
		    "    allow_destructive_actions: true" },
	};
	/* Base policy: local only with an allowlist. */
	static const struct edit local[] = {
		{ "openai_api", "enabled", "true" },
		{ NULL, "  provider_allowlist: []",
		    "  provider_allowlist: [local, openai]" },
		{ NULL, "  local_only: false", "  local_only: true" },
		{ NULL, "  max_cost_tier: null", "  max_cost_tier: free" },
	};
	struct mr_router *r;

	(void)state;
	r = router_with(pools, MR_NELEM(pools));
	differential(r, "pools");
	mr_router_free(r);
	r = router_with(cycle, MR_NELEM(cycle));
	differential(r, "cycle");
	mr_router_free(r);
	r = router_with(local, MR_NELEM(local));
	differential(r, "local");
	mr_router_free(r);
}

/* ---- §3.3 target selection --------------------------------------------- */

struct target_case {
	const char	*prompt;
	const char	*engine;
	const char	*target_reason;	/* present in reasons */
	bool		 confirm;
	bool		 tools;
};

static void
test_targets(void **state)
{
	static const struct target_case cases[] = {
		{ "rewrite this text", "fast_local",
		    "simple rewrite/extraction/formatting", false, false },
		{ "summarize this article for me", "balanced_local",
		    "general task", false, false },
		/* complexity >= 60 (multi-step + architecture) */
		{ "design a distributed architecture for a multi-region event "
		    "streaming system with failover, then plan the migration "
		    "step by step", "reasoning_local",
		    "complex planning or long-context reasoning", false,
		    false },
		/* §2.9: confidence 55 */
		{ "fix this", "reasoning_local",
		    "low confidence routes upward", false, false },
		/* §2.9: confidence 40 */
		{ "", "reasoning_local", "low confidence routes upward", false,
		    false },
		{ "fix the repo and run tests", "code_agent",
		    "coding or repository work", false, true },
		{ "fix the bug in my python function", "code_agent",
		    "coding or repository work", false, true },
		{ "what is the latest news about the stock market today",
		    "web_research",
		    "fresh research or current information required", false,
		    true },
		{ "describe this screenshot", "multimodal_vision",
		    "multimodal vision or OCR required", false, true },
		{ "generate a logo for my bakery", "image_generation",
		    "image generation required", false, true },
		{ "drop the production database", "human_confirm",
		    "high-risk action requires human confirmation", true,
		    false },
		{ "delete all my files", "human_confirm",
		    "high-risk action requires human confirmation", true,
		    false },
	};
	struct mr_router *r = default_router();
	struct mr_decision d;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		route(r, cases[i].prompt, NULL, &d);
		if (strcmp(d.selected_engine, cases[i].engine) != 0)
			fail_msg("\"%s\": got %s, want %s", cases[i].prompt,
			    d.selected_engine, cases[i].engine);
		if (!has(&d.reasons, cases[i].target_reason))
			fail_msg("\"%s\": no reason '%s'", cases[i].prompt,
			    cases[i].target_reason);
		assert_true(has(&d.reasons, DEFAULT_PROFILE_REASON));
		assert_int_equal(d.requires_confirmation, cases[i].confirm);
		assert_int_equal(d.requires_tools, cases[i].tools);
		assert_int_equal(d.req.needs_tools, cases[i].tools);
		assert_true(d.config_valid);
		assert_true(d.availability_valid);
		assert_false(d.fallback_used);
		assert_int_equal(d.profile, MR_PROFILE_BALANCED);
		mr_decision_release(&d);
	}
	mr_router_free(r);
}

static void
test_target_details(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;

	(void)state;
	/* §2.9 worked example; the scorer and target reasons coincide and
	 * are de-duplicated (§3.9). */
	route(r, "rewrite this text", NULL, &d);
	assert_int_equal(d.complexity, 10);
	assert_int_equal(d.risk, 0);
	assert_int_equal(d.confidence, 90);
	ASSERT_LIST(&d.reasons, "simple rewrite/extraction/formatting",
	    DEFAULT_PROFILE_REASON);
	assert_string_equal(d.fallback_engine, "balanced_local");
	ASSERT_LIST(&d.availability_reasons,
	    "fast_local: no availability requirements declared");
	mr_decision_release(&d);

	route(r, "fix the repo and run tests", NULL, &d);
	assert_int_equal(d.complexity, 56);
	assert_int_equal(d.risk, 38);
	assert_int_equal(d.confidence, 90);
	assert_true(d.requires_code_execution);
	ASSERT_LIST(&d.reasons, "coding or repository intent",
	    "tool use likely", "file, shell, or GitHub operation",
	    DEFAULT_PROFILE_REASON, "coding or repository work");
	assert_string_equal(d.fallback_engine, "reasoning_local");
	mr_decision_release(&d);

	route(r, "drop the production database", NULL, &d);
	assert_int_equal(d.complexity, 10);
	assert_int_equal(d.risk, 71);
	assert_int_equal(d.confidence, 75);
	ASSERT_LIST(&d.reasons, "destructive external action",
	    "production or live-system risk", DEFAULT_PROFILE_REASON,
	    "high-risk action requires human confirmation");
	assert_null(d.fallback_engine);	/* human_confirm has none */
	ASSERT_LIST(&d.availability_reasons,
	    "human_confirm: marked available in config");
	mr_decision_release(&d);

	/* The empty prompt scores 10/0/40 (§2.9). */
	route(r, "", NULL, &d);
	assert_int_equal(d.complexity, 10);
	assert_int_equal(d.confidence, 40);
	assert_string_equal(d.fallback_engine, "human_confirm");
	mr_decision_release(&d);

	/* A long prompt (>= 3997 code points) is long_context: reasoning. */
	init_long_prompts();
	route(r, long_prompt, NULL, &d);
	assert_string_equal(d.selected_engine, "reasoning_local");
	assert_true(has(&d.reasons, "long-context need"));
	assert_true(has(&d.reasons,
	    "complex planning or long-context reasoning"));
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_target_attachments(void **state)
{
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	/* §3.3 rule 4: any non-code attachment routes to vision. */
	mr_hints_init(&h);
	h.attachments[h.nattachments++] = "pdf";
	route(r, "summarize this article for me", &h, &d);
	assert_string_equal(d.selected_engine, "multimodal_vision");
	assert_true(has(&d.reasons,
	    "attachment modality requires vision or extraction"));
	ASSERT_LIST(&d.req.required_modalities, "pdf");
	assert_true(d.requires_vision);
	assert_true(d.requires_tools);
	mr_decision_release(&d);

	/* audio: no engine has the modality; the chain rejects it. */
	mr_hints_init(&h);
	h.attachments[h.nattachments++] = "audio";
	route(r, "summarize this recording", &h, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(rejected(&d, "multimodal_vision",
	    "missing required modality audio"));
	assert_true(d.fallback_used);
	mr_decision_release(&d);

	/* "code" is not a modality and does not change the route. */
	mr_hints_init(&h);
	h.attachments[h.nattachments++] = "code";
	route(r, "summarize this article for me", &h, &d);
	assert_string_equal(d.selected_engine, "balanced_local");
	ASSERT_EMPTY(&d.req.required_modalities);
	assert_false(d.requires_tools);
	assert_false(d.requires_vision);
	mr_decision_release(&d);

	/* Image generation wins over the attachment (rule 3 before 4). */
	mr_hints_init(&h);
	h.attachments[h.nattachments++] = "image";
	route(r, "generate a logo for my bakery", &h, &d);
	assert_string_equal(d.selected_engine, "image_generation");
	assert_true(has(&d.reasons, "image generation required"));
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- §3.6 fallback walk ------------------------------------------------ */

static void
test_fallback_disabled_with_fallback(void **state)
{
	static const struct edit e[] = {
		{ "fast_local", "enabled", "false" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "rewrite this text", NULL, &d);
	assert_string_equal(d.selected_engine, "balanced_local");
	assert_string_equal(d.fallback_engine, "balanced_local");
	assert_true(d.fallback_used);
	assert_true(d.availability_valid);
	assert_true(d.config_valid);
	assert_false(d.requires_confirmation);
	assert_string_equal(last(&d.reasons),
	    "fallback to balanced_local: fast_local disabled");
	assert_true(rejected(&d, "fast_local", "engine disabled"));
	ASSERT_LIST(&d.availability_reasons,
	    "balanced_local: no availability requirements declared");
	assert_string_equal(mr_route_fast(r, "rewrite this text", 17, NULL),
	    "balanced_local");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_fallback_disabled_no_fallback(void **state)
{
	static const struct edit e[] = {
		{ "code_agent", "enabled", "false" },
		{ "code_agent", "fallback", "null" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "fix the bug in my python function", NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_string_equal(d.fallback_engine, "human_confirm");
	assert_true(d.fallback_used);
	assert_false(d.availability_valid);
	assert_true(d.config_valid);
	assert_true(d.requires_confirmation);
	ASSERT_LIST(&d.availability_reasons,
	    "code_agent disabled with no fallback");
	assert_string_equal(last(&d.reasons),
	    "fallback to human_confirm: code_agent disabled");
	assert_true(rejected(&d, "code_agent", "engine disabled"));
	assert_string_equal(mr_route_fast(r,
	    "fix the bug in my python function", 33, NULL), "human_confirm");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_fallback_cycle(void **state)
{
	/* fast_local (off) -> balanced_local (off) -> fast_local again */
	static const struct edit e[] = {
		{ "fast_local", "enabled", "false" },
		{ "balanced_local", "enabled", "false" },
		{ "balanced_local", "fallback", "fast_local" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "rewrite this text", NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_string_equal(d.fallback_engine, "human_confirm");
	assert_true(d.fallback_used);
	assert_false(d.availability_valid);
	assert_true(d.config_valid);
	ASSERT_LIST(&d.availability_reasons, "fallback cycle detected");
	assert_string_equal(last(&d.reasons),
	    "fallback to human_confirm: fallback cycle detected");
	assert_true(d.nrejected >= 3);
	assert_string_equal(d.rejected[0].engine, "fast_local");
	assert_string_equal(d.rejected[0].reason, "engine disabled");
	assert_string_equal(d.rejected[1].engine, "balanced_local");
	assert_string_equal(d.rejected[1].reason, "engine disabled");
	assert_string_equal(d.rejected[2].engine, "fast_local");
	assert_string_equal(d.rejected[2].reason, "fallback cycle detected");
	assert_string_equal(mr_route_fast(r, "rewrite this text", 17, NULL),
	    "human_confirm");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_fallback_unavailable(void **state)
{
	/* anthropic_api needs ANTHROPIC_API_KEY, which fake_getenv lacks. */
	static const struct edit e[] = {
		{ "anthropic_api", "enabled", "true" },
		{ NULL, "  balanced: balanced_local\n",
		    "  balanced: anthropic_api\n" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "summarize this article for me", NULL, &d);
	/* anthropic_api -> reasoning_local, which serves a balanced
	 * request. */
	assert_string_equal(d.selected_engine, "reasoning_local");
	assert_string_equal(d.fallback_engine, "reasoning_local");
	assert_true(d.fallback_used);
	assert_true(d.availability_valid);
	ASSERT_LIST(&d.availability_reasons,
	    "anthropic_api: missing env var ANTHROPIC_API_KEY",
	    "anthropic_api unavailable; trying fallback reasoning_local",
	    "reasoning_local: no availability requirements declared");
	assert_string_equal(last(&d.reasons),
	    "fallback to reasoning_local: anthropic_api unavailable");
	assert_true(rejected(&d, "anthropic_api", "engine unavailable"));
	mr_decision_release(&d);

	/* With the key present it is selected directly. */
	mr_router_free(r);
	{
		struct mr_error err = MR_ERROR_INIT;
		char *text = catalog_with(e, MR_NELEM(e));
		struct mr_config *cfg = mr_config_load_buffer("t.yaml", text,
		    strlen(text), &err);

		free(text);
		assert_non_null(cfg);
		/* Validation off: every engine counts as available. */
		mr_config_check_availability(cfg, false, fake_getenv);
		r = mr_router_new(cfg);
	}
	route(r, "summarize this article for me", NULL, &d);
	assert_string_equal(d.selected_engine, "anthropic_api");
	assert_false(d.fallback_used);
	assert_string_equal(d.fallback_engine, "reasoning_local");
	ASSERT_LIST(&d.availability_reasons,
	    "anthropic_api: availability validation disabled");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_fallback_unavailable_no_fallback(void **state)
{
	static const struct edit e[] = {
		{ "anthropic_api", "enabled", "true" },
		{ "anthropic_api", "fallback", "null" },
		{ NULL, "  balanced: balanced_local\n",
		    "  balanced: anthropic_api\n" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "summarize this article for me", NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_string_equal(d.fallback_engine, "human_confirm");
	assert_false(d.availability_valid);
	assert_true(d.fallback_used);
	assert_string_equal(last(&d.reasons),
	    "fallback to human_confirm: anthropic_api unavailable");
	assert_true(has(&d.availability_reasons,
	    "anthropic_api: missing env var ANTHROPIC_API_KEY"));
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_fallback_tools_rejection(void **state)
{
	static const struct edit e[] = {
		{ NULL, "  coding: code_agent\n", "  coding: balanced_local\n" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "fix the bug in my python function", NULL, &d);
	/* balanced_local -> reasoning_local -> human_confirm: both local
	 * engines lack tools; the gate is reached normally. */
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_string_equal(d.fallback_engine, "human_confirm");
	assert_true(d.fallback_used);
	assert_true(d.availability_valid);
	assert_true(d.requires_confirmation);
	assert_true(rejected(&d, "balanced_local", TOOLS_MISSING));
	assert_true(rejected(&d, "reasoning_local", TOOLS_MISSING));
	ASSERT_LIST(&d.availability_reasons,
	    "balanced_local: no availability requirements declared",
	    "balanced_local rejected (" TOOLS_MISSING "); trying fallback "
	    "reasoning_local",
	    "reasoning_local: no availability requirements declared",
	    "reasoning_local rejected (" TOOLS_MISSING "); trying fallback "
	    "human_confirm",
	    "human_confirm: marked available in config");
	assert_string_equal(last(&d.reasons),
	    "fallback to human_confirm: balanced_local rejected");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_fallback_rejected_no_fallback(void **state)
{
	static const struct edit e[] = {
		{ NULL, "  coding: code_agent\n", "  coding: balanced_local\n" },
		{ "balanced_local", "fallback", "null" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "fix the bug in my python function", NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_false(d.availability_valid);
	assert_string_equal(last(&d.reasons),
	    "fallback to human_confirm: balanced_local rejected");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_fallback_chain_to_gate_is_valid(void **state)
{
	/* reasoning_local -> human_confirm is a normal chain (§3.6). */
	static const struct edit e[] = {
		{ "reasoning_local", "enabled", "false" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "fix this", NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_string_equal(d.fallback_engine, "human_confirm");
	assert_true(d.fallback_used);
	assert_true(d.availability_valid);
	assert_true(d.config_valid);
	assert_true(d.requires_confirmation);
	assert_string_equal(last(&d.reasons),
	    "fallback to human_confirm: reasoning_local disabled");
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- §3.7 force_engine ------------------------------------------------- */

static void
test_force_engine(void **state)
{
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	mr_hints_init(&h);
	h.force_engine = "reasoning_local";
	route(r, "summarize this article for me", &h, &d);
	assert_string_equal(d.selected_engine, "reasoning_local");
	assert_string_equal(d.fallback_engine, "human_confirm");
	assert_false(d.fallback_used);
	assert_false(d.requires_confirmation);
	ASSERT_LIST(&d.reasons, DEFAULT_PROFILE_REASON,
	    "forced engine reasoning_local");
	assert_true(d.nalternatives > 0);
	mr_decision_release(&d);

	/* Forcing the gate needs no confirmation-worthy prompt. */
	h.force_engine = "human_confirm";
	route(r, "rewrite this text", &h, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(d.requires_confirmation);
	assert_true(has(&d.reasons, "forced engine human_confirm"));
	assert_int_equal(d.nalternatives, 0);
	mr_decision_release(&d);

	/* A forced tool-less engine for a coding prompt walks its chain
	 * against the classified target's requirements. */
	h.force_engine = "reasoning_local";
	route(r, "fix the bug in my python function", &h, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(d.fallback_used);
	assert_true(d.availability_valid);
	assert_true(d.requires_confirmation);
	assert_true(rejected(&d, "reasoning_local", TOOLS_MISSING));
	ASSERT_LIST(&d.reasons, "coding or repository intent",
	    DEFAULT_PROFILE_REASON, "forced engine reasoning_local",
	    "fallback to human_confirm: reasoning_local rejected");
	/* §3.7: alternatives are dropped when the gate is selected. */
	assert_int_equal(d.nalternatives, 0);
	mr_decision_release(&d);

	/* A forced disabled engine follows its fallback. */
	h.force_engine = "claude_code";
	route(r, "fix the bug in my python function", &h, &d);
	assert_string_equal(d.selected_engine, "code_agent");
	assert_string_equal(d.fallback_engine, "code_agent");
	assert_true(d.fallback_used);
	assert_string_equal(last(&d.reasons),
	    "fallback to code_agent: claude_code disabled");
	assert_true(has(&d.reasons, "forced engine claude_code"));
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_force_unknown(void **state)
{
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	mr_hints_init(&h);
	h.force_engine = "gpt-9000";
	route(r, "summarize this article for me", &h, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_string_equal(d.fallback_engine, "human_confirm");
	assert_false(d.availability_valid);
	assert_true(d.config_valid);
	assert_true(d.requires_confirmation);
	ASSERT_LIST(&d.reasons, DEFAULT_PROFILE_REASON,
	    "forced engine gpt-9000", "unknown forced engine gpt-9000",
	    "fallback to human_confirm: engine 'gpt-9000' is undefined");
	ASSERT_LIST(&d.availability_reasons,
	    "engine 'gpt-9000' is undefined");
	assert_true(rejected(&d, "gpt-9000", "engine is undefined"));
	assert_string_equal(mr_route_fast(r, "summarize this article for me",
	    29, &h), "human_confirm");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_force_ignored_when_risky(void **state)
{
	static const char *const forced[] = { "code_agent", "fast_local",
		"nope" };
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;
	char *want;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(forced); i++) {
		mr_hints_init(&h);
		h.force_engine = forced[i];
		route(r, "delete all my files", &h, &d);
		assert_string_equal(d.selected_engine, "human_confirm");
		assert_true(d.requires_confirmation);
		assert_true(d.availability_valid);
		assert_false(d.fallback_used);
		want = mr_xasprintf("force_engine ignored for request "
		    "requiring confirmation: %s", forced[i]);
		assert_string_equal(last(&d.reasons), want);
		free(want);
		assert_false(has_prefix(&d.reasons, "forced engine"));
		assert_false(has(&d.reasons,
		    "high-risk action requires human confirmation"));
		assert_int_equal(d.nalternatives, 0);
		assert_string_equal(mr_route_fast(r, "delete all my files", 19,
		    &h), "human_confirm");
		mr_decision_release(&d);
	}
	mr_router_free(r);
}

/* ---- profiles ---------------------------------------------------------- */

static void
test_profile_fast(void **state)
{
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	mr_hints_init(&h);
	h.profile = "fast";
	route(r, "summarize this article for me", &h, &d);
	assert_int_equal(d.profile, MR_PROFILE_FAST);
	assert_string_equal(d.req.max_cost_tier, "low");
	assert_string_equal(d.req.max_latency_tier, "medium");
	ASSERT_LIST(&d.req.profile_reasons,
	    "routing profile fast prefers low-latency and low-cost backends");
	assert_true(has(&d.reasons,
	    "routing profile fast prefers low-latency and low-cost backends"));
	assert_false(has(&d.reasons, DEFAULT_PROFILE_REASON));
	assert_string_equal(d.selected_engine, "balanced_local");
	/* fast implies latency-sensitive ranking */
	assert_true(d.nalternatives > 0);
	assert_true(has(&d.alternatives[0].reasons,
	    "latency-sensitive ranking"));
	assert_true(rejected(&d, "reasoning_local",
	    "latency_tier high exceeds medium"));
	assert_true(rejected(&d, "multimodal_vision",
	    "cost_tier medium exceeds low"));
	mr_decision_release(&d);

	/* A caller's tier wins over the profile default. */
	h.max_cost_tier = "high";
	route(r, "summarize this article for me", &h, &d);
	assert_string_equal(d.req.max_cost_tier, "high");
	assert_string_equal(d.req.max_latency_tier, "medium");
	mr_decision_release(&d);

	/* Ours: the gate is never rejected by the manual latency tier. */
	mr_hints_init(&h);
	h.profile = "fast";
	route(r, "delete all my files", &h, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(d.availability_valid);
	assert_false(d.fallback_used);
	assert_false(rejected(&d, "human_confirm", NULL));
	assert_true(has(&d.reasons,
	    "high-risk action requires human confirmation"));
	mr_decision_release(&d);

	/* The same with latency_sensitive alone. */
	mr_hints_init(&h);
	h.latency_sensitive = true;
	route(r, "delete all my files", &h, &d);
	assert_true(d.availability_valid);
	assert_false(d.fallback_used);
	assert_string_equal(d.req.max_latency_tier, "medium");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_profile_safe(void **state)
{
	static const char *const confirm[] = {
		"explain the tax implications of selling my house", /* sensitive */
		"handle it",					/* ambiguous */
		"delete all my files",				/* risk */
	};
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;
	size_t i;

	(void)state;
	mr_hints_init(&h);
	h.profile = "safe";
	for (i = 0; i < MR_NELEM(confirm); i++) {
		route(r, confirm[i], &h, &d);
		if (strcmp(d.selected_engine, "human_confirm") != 0)
			fail_msg("safe \"%s\": %s", confirm[i],
			    d.selected_engine);
		assert_true(d.requires_confirmation);
		assert_true(d.availability_valid);
		assert_int_equal(d.profile, MR_PROFILE_SAFE);
		assert_true(has(&d.reasons,
		    "routing profile safe applies stricter confirmation "
		    "policy"));
		assert_string_equal(last(&d.reasons),
		    "routing profile safe requires confirmation");
		mr_decision_release(&d);
	}
	/* The sensitive prompt does not confirm without the profile. */
	route(r, confirm[0], NULL, &d);
	assert_string_not_equal(d.selected_engine, "human_confirm");
	mr_decision_release(&d);

	/* An ordinary prompt is routed as usual. */
	route(r, "rewrite this text", &h, &d);
	assert_string_equal(d.selected_engine, "fast_local");
	assert_false(d.requires_confirmation);
	mr_decision_release(&d);

	/* SAFE is off when require_human_confirmation is off. */
	mr_router_free(r);
	{
		static const struct edit e[] = {
			{ NULL, "  require_human_confirmation: true",
			    "  require_human_confirmation: false" },
		};
		r = router_with(e, MR_NELEM(e));
	}
	route(r, confirm[0], &h, &d);
	assert_string_not_equal(d.selected_engine, "human_confirm");
	assert_false(d.requires_confirmation);
	mr_decision_release(&d);
	route(r, "delete all my files", &h, &d);
	assert_false(d.requires_confirmation);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_profile_private(void **state)
{
	static const struct edit e[] = {
		{ "openai_api", "enabled", "true" },
		{ NULL, "  balanced: balanced_local\n",
		    "  balanced: openai_api\n" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	/* Without the profile the hosted engine serves balanced. */
	route(r, "summarize this article for me", NULL, &d);
	assert_string_equal(d.selected_engine, "openai_api");
	mr_decision_release(&d);

	mr_hints_init(&h);
	h.profile = "private";
	route(r, "summarize this article for me", &h, &d);
	assert_int_equal(d.profile, MR_PROFILE_PRIVATE);
	ASSERT_LIST(&d.req.allowed_providers, "local", "human");
	assert_true(rejected(&d, "openai_api",
	    "provider openai excluded by private routing profile "
	    "(local-only)"));
	/* openai_api -> balanced_local */
	assert_string_equal(d.selected_engine, "balanced_local");
	assert_true(d.fallback_used);
	assert_true(has(&d.reasons,
	    "routing profile private applies local-only provider policy"));
	assert_null(alternative(&d, "openai_api"));
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_profile_names(void **state)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
		{ "fast", MR_PROFILE_FAST }, { " Quality ", MR_PROFILE_QUALITY },
		{ "PRIVATE", MR_PROFILE_PRIVATE }, { "safe", MR_PROFILE_SAFE },
		{ "balanced", MR_PROFILE_BALANCED }, { "turbo", -1 },
		{ "", -1 }, { "fast-", -1 },
	};
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++)
		assert_int_equal(mr_profile_from_name(cases[i].in),
		    cases[i].want);
	assert_string_equal(mr_profile_name(MR_PROFILE_QUALITY), "quality");

	mr_hints_init(&h);
	h.profile = "quality";
	route(r, "summarize this article for me", &h, &d);
	assert_int_equal(d.profile, MR_PROFILE_QUALITY);
	ASSERT_LIST(&d.reasons,
	    "routing profile quality permits stronger configured fallbacks",
	    "general task");
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- provider policy cannot be loosened (routing-differences.md) ------- */

static void
test_policy_disjoint_allowlists(void **state)
{
	/* Config allows only local; balanced points at an available hosted
	 * engine.  A hint allowlist [openai] shares nothing with [local]. */
	static const struct edit e[] = {
		{ "openai_api", "enabled", "true" },
		{ NULL, "  balanced: balanced_local\n",
		    "  balanced: openai_api\n" },
		{ NULL, "  provider_allowlist: []",
		    "  provider_allowlist: [local]" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	mr_hints_init(&h);
	h.allowlist[h.nallow++] = "openai";
	route(r, "summarize this article for me", &h, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(d.requires_confirmation);
	/* openai_api -> balanced_local -> reasoning_local -> human_confirm:
	 * the gate ends the chain normally (§3.6), so availability stays
	 * valid; nothing hosted is reachable. */
	assert_true(d.availability_valid);
	assert_true(d.fallback_used);
	assert_string_equal(last(&d.reasons),
	    "fallback to human_confirm: openai_api rejected");
	ASSERT_LIST(&d.req.allowed_providers, "human");
	assert_true(rejected(&d, "openai_api",
	    "provider openai not allowed by provider policy"));
	assert_true(rejected(&d, "balanced_local",
	    "provider local not allowed by provider policy"));
	assert_int_equal(d.nalternatives, 0);
	assert_true(has(&d.req.provider_policy_reasons,
	    "provider policy allowlist: local"));
	assert_string_equal(mr_route_fast(r, "summarize this article for me",
	    29, &h), "human_confirm");
	mr_decision_release(&d);

	/* The config alone keeps the hosted engine out too. */
	route(r, "summarize this article for me", NULL, &d);
	assert_string_equal(d.selected_engine, "balanced_local");
	ASSERT_LIST(&d.req.allowed_providers, "local", "human");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_policy_private_allowlist_narrows(void **state)
{
	static const struct edit e[] = {
		{ "openai_api", "enabled", "true" },
		{ NULL, "  balanced: balanced_local\n",
		    "  balanced: openai_api\n" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_hints h;
	struct mr_decision d;
	size_t i;

	(void)state;
	mr_hints_init(&h);
	h.profile = "private";
	h.allowlist[h.nallow++] = "openai";
	route(r, "summarize this article for me", &h, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	ASSERT_LIST(&d.req.allowed_providers, "human");
	assert_true(rejected(&d, "openai_api",
	    "provider openai excluded by private routing profile "
	    "(local-only)"));
	for (i = 0; i < d.nalternatives; i++)
		assert_string_not_equal(d.alternatives[i].engine,
		    "openai_api");
	assert_string_equal(mr_route_fast(r, "summarize this article for me",
	    29, &h), "human_confirm");
	mr_decision_release(&d);

	/* An allowlist inside [local, human] narrows it. */
	h.allowlist[0] = "local";
	route(r, "summarize this article for me", &h, &d);
	assert_string_equal(d.selected_engine, "balanced_local");
	ASSERT_LIST(&d.req.allowed_providers, "local", "human");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_policy_pool_cannot_loosen(void **state)
{
	static const struct edit e[] = {
		{ NULL, "  max_cost_tier: null", "  max_cost_tier: low" },
		{ NULL, "  route_pools: {}",
		    "  route_pools:\n    research:\n      max_cost_tier: high" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;
	const char *p = "what is the latest news about the weather today";

	(void)state;
	route(r, p, NULL, &d);
	assert_string_equal(d.req.max_cost_tier, "low");
	assert_true(rejected(&d, "web_research",
	    "cost_tier medium exceeds low"));
	assert_string_not_equal(d.selected_engine, "web_research");
	assert_true(has(&d.req.provider_policy_reasons,
	    "provider policy route pool applied for research"));
	assert_true(has(&d.req.provider_policy_reasons,
	    "provider policy max cost tier: low"));
	assert_string_equal(mr_route_fast(r, p, strlen(p), NULL),
	    d.selected_engine);
	mr_decision_release(&d);
	mr_router_free(r);

	/* A stricter pool tier does tighten. */
	{
		static const struct edit t[] = {
			{ NULL, "  route_pools: {}",
			    "  route_pools:\n    research:\n"
			    "      max_latency_tier: medium" },
		};
		r = router_with(t, MR_NELEM(t));
	}
	route(r, p, NULL, &d);
	assert_string_equal(d.req.max_latency_tier, "medium");
	assert_true(rejected(&d, "web_research",
	    "latency_tier high exceeds medium"));
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_policy_local_only_allowlist(void **state)
{
	static const struct edit e[] = {
		{ "openai_api", "enabled", "true" },
		{ NULL, "  balanced: balanced_local\n",
		    "  balanced: openai_api\n" },
		{ NULL, "  provider_allowlist: []",
		    "  provider_allowlist: [openai]" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	mr_hints_init(&h);
	h.local_only = true;
	route(r, "summarize this article for me", &h, &d);
	ASSERT_LIST(&d.req.allowed_providers, "human");
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(rejected(&d, "openai_api",
	    "provider openai not allowed by provider policy"));
	mr_decision_release(&d);

	/* hosted_allowed false acts the same. */
	mr_hints_init(&h);
	h.hosted_allowed = 0;
	route(r, "summarize this article for me", &h, &d);
	ASSERT_LIST(&d.req.allowed_providers, "human");
	assert_string_equal(d.selected_engine, "human_confirm");
	mr_decision_release(&d);

	/* local_only with no allowlist at all: [local, human]. */
	mr_router_free(r);
	r = default_router();
	mr_hints_init(&h);
	h.local_only = true;
	route(r, "summarize this article for me", &h, &d);
	ASSERT_LIST(&d.req.allowed_providers, "local", "human");
	assert_string_equal(d.selected_engine, "balanced_local");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_policy_denylist(void **state)
{
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	mr_hints_init(&h);
	h.denylist[h.ndeny++] = "local";
	h.denylist[h.ndeny++] = "human";
	h.denylist[h.ndeny++] = "local";
	route(r, "rewrite this text", &h, &d);
	/* human is never denied; duplicates go. */
	ASSERT_LIST(&d.req.denied_providers, "local");
	assert_true(rejected(&d, "fast_local",
	    "provider local denied by provider policy"));
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(d.fallback_used);
	mr_decision_release(&d);

	/* Provider allowlist from a hint gets "human" appended. */
	mr_hints_init(&h);
	h.allowlist[h.nallow++] = "local";
	h.allowlist[h.nallow++] = "local";
	route(r, "rewrite this text", &h, &d);
	ASSERT_LIST(&d.req.allowed_providers, "local", "human");
	assert_string_equal(d.selected_engine, "fast_local");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_requirements_tiers(void **state)
{
	static const struct edit e[] = {
		{ NULL, "  max_cost_tier: null", "  max_cost_tier: medium" },
		{ NULL, "  max_latency_tier: null", "  max_latency_tier: high" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	/* stricter(hint, policy): the lower rank wins. */
	mr_hints_init(&h);
	h.max_cost_tier = "high";
	h.max_latency_tier = "low";
	route(r, "rewrite this text", &h, &d);
	assert_string_equal(d.req.max_cost_tier, "medium");
	assert_string_equal(d.req.max_latency_tier, "low");
	ASSERT_LIST(&d.req.provider_policy_reasons,
	    "provider policy max cost tier: medium",
	    "provider policy max latency tier: high");
	mr_decision_release(&d);

	/* Ties go to the hint: "paid" and "medium" share a rank. */
	h.max_cost_tier = "paid";
	route(r, "rewrite this text", &h, &d);
	assert_string_equal(d.req.max_cost_tier, "paid");
	mr_decision_release(&d);

	/* latency_sensitive means "medium" unless a tier is given. */
	mr_hints_init(&h);
	h.latency_sensitive = true;
	route(r, "rewrite this text", &h, &d);
	assert_string_equal(d.req.max_latency_tier, "medium");
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- invalid hints (§1.10; ours: config_valid stays true) -------------- */

static void
test_invalid_hints(void **state)
{
	static const struct {
		struct hint_spec spec;
		const char *msg;
	} cases[] = {
		{ { .max_cost = "cheap" }, "routing hint max_cost_tier must be "
		    "one of: none, free, low, medium, paid, high" },
		{ { .max_latency = "instant" }, "routing hint max_latency_tier "
		    "must be one of: low, medium, high, manual" },
		{ { .profile = "turbo" }, "routing profile must be one of: "
		    "fast, balanced, quality, private, safe" },
		{ { .att = { "image", "video" } }, "routing hint attachments "
		    "must be image, pdf, audio, or code" },
		{ { .force = " " }, "routing hint force_engine must be a "
		    "string" },
		{ { .allow = { "" } }, "routing hint provider_allowlist must "
		    "be a list of non-empty strings" },
		{ { .deny = { "\t" } }, "routing hint provider_denylist must "
		    "be a list of non-empty strings" },
	};
	struct mr_router *r = default_router();
	struct mr_hints h;
	const struct mr_hints *hp;
	struct mr_decision d;
	char *want;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		hp = build_hints(&cases[i].spec, &h);
		route(r, "rewrite this text", hp, &d);
		assert_string_equal(d.selected_engine, "human_confirm");
		assert_null(d.fallback_engine);
		assert_true(d.config_valid);		/* ours */
		assert_false(d.availability_valid);
		assert_true(d.fallback_used);
		assert_true(d.requires_confirmation);
		assert_int_equal(d.profile, MR_PROFILE_BALANCED);
		want = mr_xasprintf("fail-closed: invalid routing hints: %s",
		    cases[i].msg);
		assert_string_equal(last(&d.reasons), want);
		ASSERT_LIST(&d.availability_reasons, want);
		free(want);
		/* scorer reasons first, then the failure */
		assert_string_equal(d.reasons.v[0],
		    "simple rewrite/extraction/formatting");
		assert_int_equal(d.reasons.n, 2);
		/* bare requirements: no profile reasons */
		ASSERT_EMPTY(&d.req.profile_reasons);
		assert_true(d.risk >= 80);
		assert_true(d.confidence <= 50);
		assert_int_equal(d.nalternatives, 0);
		assert_int_equal(d.nrejected, 0);
		assert_true(mr_has(&d.analysis, MR_F_REQUIRES_CONFIRMATION));
		assert_string_equal(mr_route_fast(r, "rewrite this text", 17,
		    hp), "human_confirm");
		mr_decision_release(&d);
	}
	mr_router_free(r);
}

static void
test_invalid_hints_bare_requirements(void **state)
{
	static const struct edit e[] = {
		{ NULL, "  provider_allowlist: []",
		    "  provider_allowlist: [local]" },
	};
	struct mr_router *r;
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	r = router_with(e, MR_NELEM(e));
	mr_hints_init(&h);
	h.max_cost_tier = "cheap";
	route(r, "rewrite this text", &h, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	ASSERT_EMPTY(&d.req.allowed_providers);
	ASSERT_EMPTY(&d.req.provider_policy_reasons);
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- §1.10 config errors ----------------------------------------------- */

static void
test_config_error(void **state)
{
	struct mr_decision d;
	struct mr_hints h;

	(void)state;
	mr_route_config_error("boom", "rewrite this text", 17, NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_null(d.fallback_engine);
	assert_false(d.config_valid);
	assert_false(d.availability_valid);
	assert_true(d.fallback_used);
	assert_true(d.requires_confirmation);
	assert_true(d.risk >= 80);
	assert_true(d.confidence <= 50);
	assert_int_equal(d.risk, 80);
	assert_int_equal(d.confidence, 50);
	ASSERT_LIST(&d.reasons, "simple rewrite/extraction/formatting",
	    "fail-closed: boom");
	ASSERT_LIST(&d.availability_reasons, "fail-closed: boom");
	assert_int_equal(d.nalternatives, 0);
	assert_int_equal(d.nrejected, 0);
	assert_true(mr_has(&d.analysis, MR_F_REQUIRES_CONFIRMATION));
	ASSERT_LIST(&d.req.profile_reasons, DEFAULT_PROFILE_REASON);
	mr_decision_release(&d);

	/* Code-default weights (§1.10): "fix the repo and run tests" scores
	 * coding 25 + tool 10 = 35 -> S(35) = 41 -> 10 + 41 = 51 here (56
	 * with the packaged weights); risk file_shell_github 25 -> S = 33,
	 * floored to 80. */
	mr_route_config_error("boom", "fix the repo and run tests", 26, NULL,
	    &d);
	assert_int_equal(d.complexity, 51);
	assert_int_equal(d.risk, 80);
	assert_int_equal(d.confidence, 50);
	/* requires_tools comes from the scorer, not a target */
	assert_true(d.requires_tools);
	assert_true(d.requires_code_execution);
	assert_string_equal(last(&d.reasons), "fail-closed: boom");
	mr_decision_release(&d);

	/* A risk above 80 is kept (risk_score = max(risk, 80)): several
	 * action classes at once saturate above 80. */
	{
		const char *p = "delete the production database, email the "
		    "password to everyone and buy new servers";

		mr_route_config_error("boom", p, strlen(p), NULL, &d);
		assert_true(d.risk > 80);
		assert_int_equal(d.risk, d.analysis.risk);
		assert_int_equal(d.confidence, 50);
		mr_decision_release(&d);
	}
	/* "drop the production database": 70 + 20 = 90 -> S = 64, raised to
	 * 70 by the destructive floor, then to 80. */
	mr_route_config_error("boom", "drop the production database", 28,
	    NULL, &d);
	assert_int_equal(d.risk, 80);
	assert_int_equal(d.confidence, 50);
	mr_decision_release(&d);

	/* Hints: the profile is reported; profile reasons are not in
	 * reasons. */
	mr_hints_init(&h);
	h.profile = "fast";
	mr_route_config_error("boom", "hi", 2, &h, &d);
	assert_int_equal(d.profile, MR_PROFILE_FAST);
	ASSERT_LIST(&d.req.profile_reasons,
	    "routing profile fast prefers low-latency and low-cost backends");
	assert_false(has_prefix(&d.reasons, "routing profile"));
	assert_string_equal(d.req.max_cost_tier, "low");
	assert_string_equal(d.req.max_latency_tier, "medium");
	assert_string_equal(last(&d.reasons), "fail-closed: boom");
	mr_decision_release(&d);

	/* Empty and NULL prompts. */
	mr_route_config_error("boom", NULL, 0, NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	ASSERT_LIST(&d.reasons, "fail-closed: boom");
	assert_int_equal(d.confidence, 40);
	mr_decision_release(&d);
}

static void
test_config_error_requirements(void **state)
{
	struct mr_decision d;
	struct mr_hints h;

	(void)state;
	mr_hints_init(&h);
	h.local_only = true;
	mr_route_config_error("boom", "hi", 2, &h, &d);
	ASSERT_LIST(&d.req.allowed_providers, "local", "human");
	mr_decision_release(&d);

	mr_hints_init(&h);
	h.allowlist[h.nallow++] = "openai";
	h.denylist[h.ndeny++] = "human";
	h.attachments[h.nattachments++] = "image";
	mr_route_config_error("boom", "hi", 2, &h, &d);
	ASSERT_LIST(&d.req.allowed_providers, "openai", "human");
	ASSERT_EMPTY(&d.req.denied_providers);
	ASSERT_LIST(&d.req.required_modalities, "image");
	assert_true(d.req.needs_tools);
	mr_decision_release(&d);
}

/* ---- §3.8 alternatives ------------------------------------------------- */

struct alt_want {
	const char	*engine;
	int		 rank;
};

static void
assert_alts(const struct mr_decision *d, const struct alt_want *w, size_t n,
    const char *mode)
{
	size_t i;

	if (d->nalternatives != n)
		for (i = 0; i < d->nalternatives; i++)
			print_message("  alt %s %d\n", d->alternatives[i].engine,
			    d->alternatives[i].rank_score);
	assert_int_equal(d->nalternatives, n);
	for (i = 0; i < n; i++) {
		assert_string_equal(d->alternatives[i].engine, w[i].engine);
		assert_int_equal(d->alternatives[i].rank_score, w[i].rank);
		if (mode != NULL) {
			assert_int_equal(d->alternatives[i].reasons.n, 5);
			assert_string_equal(d->alternatives[i].reasons.v[4],
			    mode);
		} else
			assert_int_equal(d->alternatives[i].reasons.n, 4);
	}
}

static void
test_alternatives_coding_default(void **state)
{
	/*
	 * Default weights 0.45/0.30/0.20/0.05 and the §1.11 table:
	 *   multimodal_vision 70*.45 + 60*.30 + 50*.20 + 55*.05 = 62.25 -> 62
	 *   web_research      31.5 + 18 + 10 + 25*.05 = 60.75          -> 61
	 *   image_generation  22.5 + 18 + 10 + 1.25 = 51.75            -> 52
	 * fast/balanced/reasoning_local lack tools; intent_router,
	 * human_confirm, the selection and disabled engines never compete.
	 */
	static const struct alt_want want[] = {
		{ "multimodal_vision", 62 }, { "web_research", 61 },
		{ "image_generation", 52 },
	};
	struct mr_router *r = default_router();
	struct mr_decision d;
	const struct mr_alternative *a;

	(void)state;
	route(r, "fix the bug in my python function", NULL, &d);
	assert_string_equal(d.selected_engine, "code_agent");
	assert_alts(&d, want, MR_NELEM(want), NULL);
	a = &d.alternatives[0];
	assert_int_equal(a->capability, 70);
	assert_int_equal(a->trust, 60);
	assert_int_equal(a->cost, 50);
	assert_int_equal(a->latency, 45);
	ASSERT_LIST(&a->reasons, "capability 70/100", "trust 60/100",
	    "cost 50/100", "latency 45/100");
	assert_int_equal(d.nrejected, 3);
	assert_true(rejected(&d, "fast_local", TOOLS_MISSING));
	assert_true(rejected(&d, "balanced_local", TOOLS_MISSING));
	assert_true(rejected(&d, "reasoning_local", TOOLS_MISSING));
	assert_false(rejected(&d, "intent_router", NULL));
	assert_false(rejected(&d, "claude_code", NULL));
	mr_decision_release(&d);

	/*
	 * A general prompt: everything competes.  reasoning_local is
	 * 38.25 + 18 + 20 + 1.25 = 77.5 -> 78 (half-even), code_agent
	 * 38.25 + 18 + 20 + 2.75 = 79, fast_local 22.5+18+20+4.25 = 64.75.
	 */
	{
		static const struct alt_want all[] = {
			{ "code_agent", 79 }, { "reasoning_local", 78 },
			{ "fast_local", 65 }, { "multimodal_vision", 62 },
			{ "web_research", 61 }, { "image_generation", 52 },
		};
		route(r, "summarize this article for me", NULL, &d);
		assert_string_equal(d.selected_engine, "balanced_local");
		assert_alts(&d, all, MR_NELEM(all), NULL);
		assert_int_equal(d.nrejected, 0);
		mr_decision_release(&d);
	}
	mr_router_free(r);
}

static void
test_alternatives_modes(void **state)
{
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	/* latency-sensitive 0.20/0.20/0.10/0.50: multimodal_vision
	 * 14 + 12 + 5 + 27.5 = 58.5 -> 58 (half-even); web_research and
	 * image_generation are high latency, over the implied medium cap. */
	{
		static const struct alt_want want[] = {
			{ "multimodal_vision", 58 },
		};
		mr_hints_init(&h);
		h.latency_sensitive = true;
		route(r, "fix the bug in my python function", &h, &d);
		assert_alts(&d, want, MR_NELEM(want),
		    "latency-sensitive ranking");
		assert_true(rejected(&d, "web_research",
		    "latency_tier high exceeds medium"));
		assert_true(rejected(&d, "image_generation",
		    "latency_tier high exceeds medium"));
		mr_decision_release(&d);
	}
	/* risk-sensitive 0.25/0.50/0.15/0.10 (sensitive domain):
	 * code_agent 21.25+30+15+5.5 = 71.75 -> 72, multimodal_vision
	 * 17.5+30+7.5+5.5 = 60.5 -> 60, image_generation 12.5+30+7.5+2.5 =
	 * 52.5 -> 52. */
	{
		static const struct alt_want want[] = {
			{ "code_agent", 72 }, { "multimodal_vision", 60 },
			{ "image_generation", 52 },
		};
		route(r, "what is the latest news about the stock market today",
		    NULL, &d);
		assert_string_equal(d.selected_engine, "web_research");
		assert_alts(&d, want, MR_NELEM(want),
		    "risk-sensitive ranking");
		mr_decision_release(&d);
	}
	/* complexity-sensitive 0.55/0.25/0.15/0.05 (complexity 60):
	 * code_agent 46.75+15+15+2.75 = 79.5 -> 80, balanced_local 71.25 ->
	 * 71, multimodal_vision 63.75 -> 64, web_research 62.25 -> 62 and
	 * fast_local 61.75 -> 62 tie: capability 70 beats 50,
	 * image_generation 51.25 -> 51. */
	{
		static const struct alt_want want[] = {
			{ "code_agent", 80 }, { "balanced_local", 71 },
			{ "multimodal_vision", 64 }, { "web_research", 62 },
			{ "fast_local", 62 }, { "image_generation", 51 },
		};
		route(r, "design a distributed architecture for a multi-region "
		    "event streaming system with failover, then plan the "
		    "migration step by step", NULL, &d);
		assert_string_equal(d.selected_engine, "reasoning_local");
		assert_int_equal(d.complexity, 60);
		assert_alts(&d, want, MR_NELEM(want),
		    "complexity-sensitive ranking");
		mr_decision_release(&d);
	}
	/* latency beats risk: a sensitive prompt whose engine (code_agent,
	 * medium latency) survives the latency cap */
	mr_hints_init(&h);
	h.latency_sensitive = true;
	route(r, "fix the tax calculation bug in the python invoice module",
	    &h, &d);
	assert_string_equal(d.selected_engine, "code_agent");
	assert_true(mr_has(&d.analysis, MR_F_SENSITIVE_DOMAIN));
	assert_true(d.nalternatives > 0);
	assert_string_equal(d.alternatives[0].reasons.v[4],
	    "latency-sensitive ranking");
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_alternatives_tiebreak(void **state)
{
	/* Two clones of fast_local and an openai_api: ties on every
	 * number fall back to reverse name order. */
	static const struct edit e[] = {
		{ "openai_api", "enabled", "true" },
		{ NULL, "engines:\n",
		    "engines:\n"
		    "  aaa_local: &clone\n"
		    "    provider: local\n"
		    "    model: m\n"
		    "    adapter: local_chat\n"
		    "    strengths: []\n"
		    "    max_context: 8192\n"
		    "    cost_tier: free\n"
		    "    latency_tier: low\n"
		    "    supports_tools: false\n"
		    "    enabled: true\n"
		    "  zzz_local: *clone\n" },
	};
	static const struct alt_want want[] = {
		/* openai_api 40.5+25.5+10+2.75 = 78.75 -> 79 ties code_agent
		 * at 79; capability 90 > 85. */
		{ "openai_api", 79 }, { "code_agent", 79 },
		{ "reasoning_local", 78 },
		{ "zzz_local", 65 }, { "fast_local", 65 }, { "aaa_local", 65 },
		{ "multimodal_vision", 62 }, { "web_research", 61 },
		{ "image_generation", 52 },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "summarize this article for me", NULL, &d);
	assert_string_equal(d.selected_engine, "balanced_local");
	assert_alts(&d, want, MR_NELEM(want), NULL);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_alternatives_on_off(void **state)
{
	struct mr_router *r = default_router();
	struct mr_decision d;
	const char *p = "fix the bug in my python function";

	(void)state;
	mr_route(r, p, strlen(p), NULL, true, &d);
	assert_int_equal(d.nrejected, 3);
	assert_true(rejected(&d, "fast_local", TOOLS_MISSING));
	assert_int_equal(d.nalternatives, 3);
	mr_decision_release(&d);

	mr_route(r, p, strlen(p), NULL, false, &d);
	assert_string_equal(d.selected_engine, "code_agent");
	assert_int_equal(d.nrejected, 0);
	assert_int_equal(d.nalternatives, 0);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_alternatives_chain_rejections_first(void **state)
{
	/* Chain rejections come first; identical pairs are merged. */
	static const struct edit e[] = {
		{ NULL, "  coding: code_agent\n", "  coding: balanced_local\n" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;
	size_t i, j;

	(void)state;
	route(r, "fix the bug in my python function", NULL, &d);
	assert_true(d.nrejected >= 3);
	assert_string_equal(d.rejected[0].engine, "balanced_local");
	assert_string_equal(d.rejected[1].engine, "reasoning_local");
	assert_string_equal(d.rejected[2].engine, "fast_local");
	for (i = 0; i < d.nrejected; i++)
		for (j = i + 1; j < d.nrejected; j++)
			assert_false(strcmp(d.rejected[i].engine,
			    d.rejected[j].engine) == 0 &&
			    strcmp(d.rejected[i].reason,
			    d.rejected[j].reason) == 0);
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_alternatives_cleared_when_confirming(void **state)
{
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	route(r, "drop the production database", NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_int_equal(d.nalternatives, 0);
	mr_decision_release(&d);

	/* Rejections stay even though the alternatives go (§3.8). */
	mr_hints_init(&h);
	h.profile = "fast";
	route(r, "delete all my files", &h, &d);
	assert_int_equal(d.nalternatives, 0);
	assert_true(rejected(&d, "reasoning_local",
	    "latency_tier high exceeds medium"));
	assert_true(rejected(&d, "web_research",
	    "cost_tier medium exceeds low"));
	mr_decision_release(&d);
	mr_router_free(r);
}

static void
test_alternatives_cleared_chain_to_gate(void **state)
{
	static const struct edit e[] = {
		{ "code_agent", "enabled", "false" },
		{ "code_agent", "fallback", "null" },
	};
	struct mr_router *r;
	struct mr_decision d;

	(void)state;
	r = router_with(e, MR_NELEM(e));
	route(r, "fix the bug in my python function", NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(d.requires_confirmation);
	assert_int_equal(d.nalternatives, 0);
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- destructive commands (ours) --------------------------------------- */

static void
test_destructive_commands(void **state)
{
	static const char *const cmds[] = {
		"rm -rf /",
		"mkfs.ext4 /dev/sdb1",
		"dd if=/dev/zero of=/dev/sda",
		"git reset --hard HEAD~3",
		"please run rm -rf / on the build box",
	};
	static const struct edit e[] = {
		{ NULL, "    allow_destructive_actions: false",
		    "    allow_destructive_actions: true" },
	};
	struct mr_router *def = default_router();
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cmds); i++) {
		route(def, cmds[i], NULL, &d);
		if (strcmp(d.selected_engine, "human_confirm") != 0)
			fail_msg("default \"%s\": %s", cmds[i],
			    d.selected_engine);
		assert_true(d.risk >= 70);
		assert_true(mr_has(&d.analysis, MR_F_DESTRUCTIVE_ACTION));
		mr_decision_release(&d);

		route(r, cmds[i], NULL, &d);
		if (strcmp(d.selected_engine, "human_confirm") != 0)
			fail_msg("override \"%s\": %s", cmds[i],
			    d.selected_engine);
		assert_true(d.requires_confirmation);
		assert_true(d.risk >= 70);
		assert_true(has(&d.reasons,
		    "high-risk action requires human confirmation"));
		assert_string_equal(mr_route_fast(r, cmds[i], strlen(cmds[i]),
		    NULL), "human_confirm");
		mr_decision_release(&d);
	}
	/* An ordinary destructive request is waived by the override
	 * (§3.2: risk >= 70 does not re-trigger once an action flag is
	 * overridden). */
	route(r, "delete the temp file", NULL, &d);
	assert_string_not_equal(d.selected_engine, "human_confirm");
	assert_false(d.requires_confirmation);
	assert_true(d.risk >= 70);
	mr_decision_release(&d);
	route(def, "delete the temp file", NULL, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	mr_decision_release(&d);
	mr_router_free(r);
	mr_router_free(def);
}

/* ---- topic-only prompts (ours) ----------------------------------------- */

static void
test_topic_only(void **state)
{
	static const char *const no_confirm[] = {
		"Explain how `git push` works",
		"Summarize the plot of the film The Purge",
		"What does the drop command do in SQL?",
	};
	static const char *const confirm[] = {
		"explain how to delete a branch",
		"Summarize the doc, then delete it",
		"Explain `git push` and push my branch",
		"what does 'drop' do? drop it",
		"explain 'delete everything",
		"Explain how `git push` works and run it",
		"don't delete anything",
	};
	struct mr_router *r = default_router();
	struct mr_decision d;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(no_confirm); i++) {
		route(r, no_confirm[i], NULL, &d);
		if (d.requires_confirmation)
			fail_msg("\"%s\" confirms", no_confirm[i]);
		assert_string_not_equal(d.selected_engine, "human_confirm");
		assert_false(mr_has(&d.analysis, MR_F_DESTRUCTIVE_ACTION));
		assert_false(mr_has(&d.analysis, MR_F_SEND_ACTION));
		assert_true(d.risk < 70);
		assert_string_equal(mr_route_fast(r, no_confirm[i],
		    strlen(no_confirm[i]), NULL), d.selected_engine);
		mr_decision_release(&d);
	}
	for (i = 0; i < MR_NELEM(confirm); i++) {
		route(r, confirm[i], NULL, &d);
		if (strcmp(d.selected_engine, "human_confirm") != 0)
			fail_msg("\"%s\" does not confirm: %s", confirm[i],
			    d.selected_engine);
		assert_true(d.requires_confirmation);
		assert_string_equal(mr_route_fast(r, confirm[i],
		    strlen(confirm[i]), NULL), "human_confirm");
		mr_decision_release(&d);
	}
	mr_router_free(r);
}

/* ---- §1.4: the confirmation target may name any engine ----------------- */

static void
test_confirmation_target_repointed(void **state)
{
	static const struct edit e[] = {
		{ NULL, "  confirmation: human_confirm\n",
		    "  confirmation: fast_local\n" },
	};
	struct mr_router *r = router_with(e, MR_NELEM(e));
	struct mr_decision d;

	(void)state;
	route(r, "delete all my files", NULL, &d);
	assert_string_equal(d.selected_engine, "fast_local");
	assert_true(d.requires_confirmation);
	assert_true(has(&d.reasons,
	    "high-risk action requires human confirmation"));
	assert_string_equal(mr_route_fast(r, "delete all my files", 19, NULL),
	    "fast_local");
	mr_decision_release(&d);
	mr_router_free(r);
}

/* ---- robustness -------------------------------------------------------- */

static void
test_huge_prompt(void **state)
{
	static const char filler[] = "the quick brown fox jumps over it ";
	const size_t size = 10u * 1024 * 1024;
	struct mr_router *r = default_router();
	struct mr_decision d;
	char *p = mr_xmalloc(size + 16);
	size_t n = 0, fl = strlen(filler);

	(void)state;
	while (n + fl < size) {
		memcpy(p + n, filler, fl);
		n += fl;
	}
	memcpy(p + n, "delete", 6);
	n += 6;
	p[n] = '\0';

	assert_string_equal(mr_route_fast(r, p, n, NULL), "human_confirm");
	mr_route(r, p, n, NULL, true, &d);
	assert_string_equal(d.selected_engine, "human_confirm");
	assert_true(d.requires_confirmation);
	assert_true(mr_has(&d.analysis, MR_F_DESTRUCTIVE_ACTION));
	assert_true(mr_has(&d.analysis, MR_F_LONG_CONTEXT));
	assert_int_equal(d.analysis.prompt_length, n);
	assert_int_equal(d.analysis.estimated_tokens, (n + 3) / 4);
	mr_decision_release(&d);
	free(p);
	mr_router_free(r);
}

static void
test_odd_bytes(void **state)
{
	static const struct {
		const char *p;
		size_t len;
	} cases[] = {
#define BYTES(s) { s, sizeof(s) - 1 }
		BYTES("\xff\xfe delete \xc3"),
		BYTES("\x80\x80\x80 delete all my files \xed\xa0\x80"),
		BYTES("delete\0 all"),
		BYTES("\0\0\0delete\0"),
		BYTES("please \0delete\0 the logs"),
		BYTES("\xc0\xaf\xf8\x88\x80\x80\x80 drop\0 the database"),
#undef BYTES
	};
	struct mr_router *r = default_router();
	struct mr_decision d;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++) {
		mr_route(r, cases[i].p, cases[i].len, NULL, true, &d);
		if (strcmp(d.selected_engine, "human_confirm") != 0)
			fail_msg("case %zu: %s", i, d.selected_engine);
		assert_true(d.requires_confirmation);
		assert_string_equal(mr_route_fast(r, cases[i].p, cases[i].len,
		    NULL), "human_confirm");
		mr_decision_release(&d);
	}
	mr_router_free(r);
}

static void
test_null_prompt(void **state)
{
	struct mr_router *r = default_router();
	struct mr_hints h;
	struct mr_decision d;

	(void)state;
	mr_route(r, NULL, 0, NULL, true, &d);
	assert_string_equal(d.selected_engine, "reasoning_local");
	assert_int_equal(d.confidence, 40);
	assert_int_equal(d.analysis.prompt_length, 0);
	assert_int_equal(d.analysis.estimated_tokens, 0);
	assert_true(has(&d.reasons, "low confidence routes upward"));
	mr_decision_release(&d);
	assert_string_equal(mr_route_fast(r, NULL, 0, NULL), "reasoning_local");
	mr_hints_init(&h);
	h.profile = "fast";
	mr_route(r, NULL, 0, &h, false, &d);
	assert_string_equal(mr_route_fast(r, NULL, 0, &h), d.selected_engine);
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
		cmocka_unit_test(test_differential_default),
		cmocka_unit_test(test_differential_modified),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_target_details),
		cmocka_unit_test(test_target_attachments),
		cmocka_unit_test(test_fallback_disabled_with_fallback),
		cmocka_unit_test(test_fallback_disabled_no_fallback),
		cmocka_unit_test(test_fallback_cycle),
		cmocka_unit_test(test_fallback_unavailable),
		cmocka_unit_test(test_fallback_unavailable_no_fallback),
		cmocka_unit_test(test_fallback_tools_rejection),
		cmocka_unit_test(test_fallback_rejected_no_fallback),
		cmocka_unit_test(test_fallback_chain_to_gate_is_valid),
		cmocka_unit_test(test_force_engine),
		cmocka_unit_test(test_force_unknown),
		cmocka_unit_test(test_force_ignored_when_risky),
		cmocka_unit_test(test_profile_fast),
		cmocka_unit_test(test_profile_safe),
		cmocka_unit_test(test_profile_private),
		cmocka_unit_test(test_profile_names),
		cmocka_unit_test(test_policy_disjoint_allowlists),
		cmocka_unit_test(test_policy_private_allowlist_narrows),
		cmocka_unit_test(test_policy_pool_cannot_loosen),
		cmocka_unit_test(test_policy_local_only_allowlist),
		cmocka_unit_test(test_policy_denylist),
		cmocka_unit_test(test_requirements_tiers),
		cmocka_unit_test(test_invalid_hints),
		cmocka_unit_test(test_invalid_hints_bare_requirements),
		cmocka_unit_test(test_config_error),
		cmocka_unit_test(test_config_error_requirements),
		cmocka_unit_test(test_alternatives_coding_default),
		cmocka_unit_test(test_alternatives_modes),
		cmocka_unit_test(test_alternatives_tiebreak),
		cmocka_unit_test(test_alternatives_on_off),
		cmocka_unit_test(test_alternatives_chain_rejections_first),
		cmocka_unit_test(test_alternatives_cleared_when_confirming),
		cmocka_unit_test(test_alternatives_cleared_chain_to_gate),
		cmocka_unit_test(test_destructive_commands),
		cmocka_unit_test(test_topic_only),
		cmocka_unit_test(test_confirmation_target_repointed),
		cmocka_unit_test(test_huge_prompt),
		cmocka_unit_test(test_odd_bytes),
		cmocka_unit_test(test_null_prompt),
	};

	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
