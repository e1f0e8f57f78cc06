/*
 * The router configuration: schema, defaults, derivations and validation
 * of model_router.yaml (router-core.md §1), plus availability checks.
 *
 * Validation follows the reference's order and message texts exactly; the
 * first error wins.  Our deliberate differences: engine cost and latency
 * tiers must be known tiers, and unknown or duplicate keys that the
 * reference silently accepts produce warnings.
 */
#include "mr/config.h"
#include "mr/embedded.h"

#include "config-int.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX_SIZE		(16u << 20)
#define EMBEDDED_NAME		"catalog/model_router.yaml"
#define EMBEDDED_SOURCE		"embedded:" EMBEDDED_NAME

#define SAFETY_WRAP	"model router safety config invalid: "
#define POLICY_WRAP	"model router provider policy invalid: "
#define SCORING_WRAP	"model router scoring config invalid: "

static const char *const required_engines[] = {
#define X(id, name) name,
	MR_REQUIRED_ENGINES
#undef X
	NULL
};

static const char *const target_names[MR_TARGET_COUNT + 1] = {
	"simple", "balanced", "reasoning", "coding", "research", "vision",
	"image_generation", "confirmation", NULL
};

static const char *const target_defaults[MR_TARGET_COUNT] = {
	"fast_local", "balanced_local", "reasoning_local", "code_agent",
	"web_research", "multimodal_vision", "image_generation",
	"human_confirm"
};

const char *const mr_cost_tiers[] = {
	"none", "free", "low", "medium", "paid", "high", NULL
};
static const int cost_ranks[] = { 0, 0, 1, 2, 2, 3 };

const char *const mr_latency_tiers[] = {
	"low", "medium", "high", "manual", NULL
};
static const int latency_ranks[] = { 1, 2, 3, 4 };

const struct mr_weight_info mr_weight_info[MR_W_COUNT] = {
#define X(id, dim, name, code_default, packaged) \
	{ name, MR_DIM_##dim, code_default },
	MR_WEIGHTS
#undef X
};

static const char *const dimension_names[] = {
	"complexity", "risk", "confidence", NULL
};

static const char *const top_keys[] = {
	"engines", "routing_targets", "safety", "provider_policy", "scoring",
	NULL
};

static const char *const engine_keys[] = {
	"provider", "model", "adapter", "strengths", "max_context",
	"cost_tier", "latency_tier", "enabled", "fallback", "availability",
	"supports_tools", "modalities", "capability_tier", "trust_tier",
	"capability", "trust", "cost", "latency", NULL
};

/* The first eight of engine_keys, in the order the reference lists them. */
#define ENGINE_REQUIRED	8

static const char *const availability_keys[] = {
	"status", "required_env", "required_commands", "required_paths", NULL
};

static const char *const scoring_keys[] = {
	"weights", "saturation_k", NULL
};

static const char *const safety_keys[] = {
	"require_human_confirmation", "confirmation_overrides", NULL
};

static const char *const override_keys[] = {
	"allow_destructive_actions", "allow_send_actions",
	"allow_purchase_actions", "allow_high_impact_external_actions",
	"allow_ambiguous_high_impact", NULL
};

static const char *const policy_keys[] = {
	"version", "provider_allowlist", "provider_denylist", "local_only",
	"hosted_allowed", "max_cost_tier", "max_latency_tier", "route_pools",
	NULL
};

static const char *const tools_words[] = {
	"code", "codex", "claude", "tool", "web", "research", "rag", "vision",
	"ocr", "image generation", "diffusion", "confirm", NULL
};

static const char *const image_words[] = {
	"vision", "ocr", "screenshot", "chart", "image", NULL
};

/* Validation state. */
struct vctx {
	const char	*file;
	struct ydoc	*doc;
	struct mr_error	*err;
	const char	*wrap;		/* prefix of section errors */
};

static int	verr(struct vctx *, const struct yv *, const char *, ...)
		    MR_PRINTF(3, 4);

/*
 * Small helpers.
 */

static size_t
count(const char *const *v)
{
	size_t n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

static int
index_of(const char *s, const char *const *v)
{
	int i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(s, v[i]) == 0)
			return i;
	return -1;
}

/* Sets the error at node AT (NULL: no position); always returns -1. */
static int
verr(struct vctx *c, const struct yv *at, const char *fmt, ...)
{
	struct mr_buf b = MR_BUF_INIT;
	va_list ap;

	if (c->wrap != NULL)
		mr_buf_addstr(&b, c->wrap);
	va_start(ap, fmt);
	mr_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	mr_error_set(c->err, c->file, at ? at->line : 0, at ? at->col : 0,
	    "%s", b.buf);
	mr_buf_release(&b);
	return -1;
}

static bool
is_type(const struct yv *v, enum yv_type t)
{
	return v != NULL && v->type == t;
}

/* A non-blank string, as the reference's `not value.strip()` sees it. */
static bool
is_text(const struct yv *v)
{
	return is_type(v, YV_STR) && !py_blank(v->s);
}

static bool
is_null_or_absent(const struct yv *v)
{
	return v == NULL || v->type == YV_NULL;
}

static bool
seq_of_strings(const struct yv *v)
{
	size_t i;

	if (!is_type(v, YV_SEQ))
		return false;
	for (i = 0; i < v->n; i++)
		if (v->items[i]->type != YV_STR)
			return false;
	return true;
}

/* A "; did you mean 'x'?" suffix, or "". */
static void
add_suggestion(struct mr_buf *b, const char *word, const char *const *cands)
{
	const char *s = mr_did_you_mean(word, cands, count(cands));

	if (s != NULL)
		mr_buf_printf(b, "; did you mean '%s'?", s);
}

/* Warns about keys of MAP not in KNOWN (the reference ignores them). */
static void
warn_unknown(struct vctx *c, const struct yv *map, const char *const *known,
    const char *where)
{
	struct mr_buf b = MR_BUF_INIT;
	const struct yv *k;
	size_t i;

	for (i = 0; i < map->n; i++) {
		k = map->ents[i].key;
		if (k->type == YV_STR && index_of(k->s, known) >= 0)
			continue;
		mr_buf_reset(&b);
		mr_buf_printf(&b, "unknown key '%s' in %s", yv_text(k), where);
		if (k->type == YV_STR)
			add_suggestion(&b, k->s, known);
		ydoc_warn(c->doc, k->line, k->col, "%s", b.buf);
	}
	mr_buf_release(&b);
}

static int
cmp_keytext(const void *a, const void *b)
{
	const struct yv *const *ka = a, *const *kb = b;

	return strcmp(yv_text(*ka), yv_text(*kb));
}

/*
 * Rejects keys of MAP not in ALLOWED with "<context> unknown keys: a, b"
 * (sorted, as the reference does).
 */
static int
check_unknown(struct vctx *c, const struct yv *map,
    const char *const *allowed, const char *context)
{
	const struct yv **bad;
	struct mr_buf b = MR_BUF_INIT;
	size_t i, n = 0;
	int rc = 0;

	bad = mr_xcalloc(map->n ? map->n : 1, sizeof(*bad));
	for (i = 0; i < map->n; i++) {
		const struct yv *k = map->ents[i].key;

		if (k->type != YV_STR || index_of(k->s, allowed) < 0)
			bad[n++] = k;
	}
	if (n > 0) {
		qsort(bad, n, sizeof(*bad), cmp_keytext);
		for (i = 0; i < n; i++) {
			if (i > 0)
				mr_buf_addstr(&b, ", ");
			mr_buf_addstr(&b, yv_text(bad[i]));
		}
		rc = verr(c, bad[0], "%s unknown keys: %s", context, b.buf);
	}
	mr_buf_release(&b);
	free(bad);
	return rc;
}

static char *
repr(const char *s)
{
	struct mr_buf b = MR_BUF_INIT;

	py_repr(&b, s);
	return mr_buf_detach(&b);
}

static void
lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static bool
contains_any(const char *text, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strstr(text, *words) != NULL)
			return true;
	return false;
}

/*
 * Tiers, targets and weights.
 */

const char *
mr_target_name(enum mr_target t)
{
	if ((int)t < 0 || t >= MR_TARGET_COUNT)
		return NULL;
	return target_names[t];
}

int
mr_target_from_name(const char *name)
{
	return name ? index_of(name, target_names) : -1;
}

int
mr_cost_tier_rank(const char *tier)
{
	int i = tier ? index_of(tier, mr_cost_tiers) : -1;

	return i < 0 ? -1 : cost_ranks[i];
}

int
mr_latency_tier_rank(const char *tier)
{
	int i = tier ? index_of(tier, mr_latency_tiers) : -1;

	return i < 0 ? -1 : latency_ranks[i];
}

void
mr_scoring_defaults(struct mr_scoring *s)
{
	size_t i;

	s->saturation_k = 50;
	for (i = 0; i < MR_W_COUNT; i++)
		s->w[i] = mr_weight_info[i].code_default;
}

/*
 * Freeing.
 */

static void
engine_clear(struct mr_engine *e)
{
	free(e->name);
	free(e->provider);
	free(e->model);
	free(e->adapter);
	mr_strlist_clear(&e->strengths);
	free(e->cost_tier);
	free(e->latency_tier);
	free(e->fallback);
	mr_strlist_clear(&e->required_env);
	mr_strlist_clear(&e->required_commands);
	mr_strlist_clear(&e->required_paths);
	mr_strlist_clear(&e->modalities);
	free(e->capability_tier);
	free(e->trust_tier);
	mr_strlist_clear(&e->availability_reasons);
	memset(e, 0, sizeof(*e));
}

static void
policy_clear(struct mr_policy *p)
{
	mr_strlist_clear(&p->allowlist);
	mr_strlist_clear(&p->denylist);
	free(p->max_cost_tier);
	free(p->max_latency_tier);
	memset(p, 0, sizeof(*p));
	p->hosted_allowed = true;
}

void
mr_config_free(struct mr_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->source);
	for (i = 0; i < cfg->nengines; i++)
		engine_clear(&cfg->engines[i]);
	free(cfg->engines);
	for (i = 0; i < cfg->ntargets; i++) {
		free(cfg->targets[i].name);
		free(cfg->targets[i].engine);
	}
	free(cfg->targets);
	policy_clear(&cfg->policy);
	for (i = 0; i < cfg->npools; i++) {
		free(cfg->pools[i].target);
		policy_clear(&cfg->pools[i].policy);
	}
	free(cfg->pools);
	mr_strlist_clear(&cfg->warnings);
	free(cfg);
}

/*
 * Engines.
 */

static int
parse_string_list(struct vctx *c, const struct yv *m, const char *key,
    const char *ename, struct mr_strlist *out)
{
	const struct yv *v = yv_get(m, key);
	size_t i;

	if (v == NULL)
		return 0;
	if (!seq_of_strings(v))
		return verr(c, v, "engine %s availability '%s' must be a list "
		    "of strings", ename, key);
	for (i = 0; i < v->n; i++)
		if (!py_blank(v->items[i]->s))
			mr_strlist_push(out, v->items[i]->s);
	return 0;
}

static int
parse_availability(struct vctx *c, const struct yv *m, struct mr_engine *e,
    const char *ename)
{
	const struct yv *v = yv_get(m, "availability"), *st;
	char *where;
	int i;

	e->avail_status = MR_AVAIL_AUTO;
	if (is_null_or_absent(v))
		return 0;
	if (v->type != YV_MAP)
		return verr(c, v, "engine %s availability must be a mapping",
		    ename);
	where = mr_xasprintf("engine %s availability", ename);
	warn_unknown(c, v, availability_keys, where);
	free(where);
	if ((st = yv_get(v, "status")) != NULL) {
		static const char *const statuses[] = {
			"auto", "available", "unavailable", NULL
		};

		if (st->type != YV_STR ||
		    (i = index_of(st->s, statuses)) < 0)
			return verr(c, st, "engine %s availability status "
			    "must be auto, available, or unavailable", ename);
		e->avail_status = (enum mr_avail_status)i;
	}
	if (parse_string_list(c, v, "required_env", ename,
	    &e->required_env) < 0 ||
	    parse_string_list(c, v, "required_commands", ename,
	    &e->required_commands) < 0 ||
	    parse_string_list(c, v, "required_paths", ename,
	    &e->required_paths) < 0)
		return -1;
	return 0;
}

/* An optional tier-like string: present means it must be non-blank. */
static int
optional_text(struct vctx *c, const struct yv *m, const char *key,
    const char *ename, const char *def, char **out)
{
	const struct yent *ent = yv_find(m, key);

	if (ent == NULL) {
		*out = mr_xstrdup(def);
		return 0;
	}
	if (!is_text(ent->val))
		return verr(c, ent->val, "engine %s field '%s' must be a "
		    "string", ename, key);
	*out = mr_xstrdup(ent->val->s);
	return 0;
}

static int
required_text(struct vctx *c, const struct yv *m, const char *key,
    const char *ename, char **out)
{
	const struct yv *v = yv_get(m, key);

	if (!is_text(v))
		return verr(c, v, "engine %s field '%s' must be a string",
		    ename, key);
	*out = mr_xstrdup(v->s);
	return 0;
}

/* Our addition: cost and latency tiers must be known. */
static int
known_tier(struct vctx *c, const struct yv *m, const char *key,
    const char *ename, const char *kind, const char *const *tiers)
{
	const struct yv *v = yv_get(m, key);
	struct mr_buf b = MR_BUF_INIT, list = MR_BUF_INIT;
	char *q;
	size_t i;
	int rc;

	if (index_of(v->s, tiers) >= 0)
		return 0;
	for (i = 0; tiers[i] != NULL; i++)
		mr_buf_printf(&list, "%s%s", i ? ", " : "", tiers[i]);
	q = repr(v->s);
	mr_buf_printf(&b, "engine %s %s %s is not a known %s tier (%s)",
	    ename, key, q, kind, list.buf);
	add_suggestion(&b, v->s, tiers);
	rc = verr(c, v, "%s", b.buf);
	free(q);
	mr_buf_release(&b);
	mr_buf_release(&list);
	return rc;
}

static int
optional_score(struct vctx *c, const struct yv *m, const char *key,
    const char *ename, int def, int *out)
{
	const struct yv *v;

	*out = def;
	if (yv_find(m, key) == NULL)
		return 0;
	v = yv_get(m, key);
	if (v->type != YV_INT || v->ibig || v->i < 0 || v->i > 100)
		return verr(c, v, "engine %s field '%s' must be an int from 0 "
		    "to 100", ename, key);
	*out = (int)v->i;
	return 0;
}

/* max_context as the reference's derivations see it (0 if not an int). */
static long
context_of(const struct yv *m)
{
	const struct yv *v = yv_get(m, "max_context");

	if (is_type(v, YV_BOOL))
		return v->b;
	if (!is_type(v, YV_INT))
		return 0;
	if (v->ibig)
		return v->ibig > 0 ? LONG_MAX : LONG_MIN;
	if (v->i > LONG_MAX)
		return LONG_MAX;
	if (v->i < LONG_MIN)
		return LONG_MIN;
	return (long)v->i;
}

static const char *
default_trust_tier(const struct yv *m)
{
	const struct yv *p = yv_get(m, "provider"), *a = yv_get(m, "adapter");
	char *prov = mr_xstrdup(is_type(p, YV_STR) ? p->s : "");
	char *adap = mr_xstrdup(is_type(a, YV_STR) ? a->s : "");
	const char *tier = "standard";

	lower_ascii(prov);
	lower_ascii(adap);
	if (strcmp(prov, "human") == 0 || strstr(adap, "confirmation") != NULL)
		tier = "critical";
	else if (strcmp(prov, "anthropic") == 0 || strcmp(prov, "openai") == 0)
		tier = "high";
	free(prov);
	free(adap);
	return tier;
}

/* Joins the engine's words for the keyword heuristics, lowercased. */
static char *
keyword_text(const struct mr_engine *e, bool with_provider)
{
	struct mr_buf b = MR_BUF_INIT;
	size_t i;

	mr_buf_addstr(&b, e->name);
	if (with_provider)
		mr_buf_printf(&b, " %s", e->provider);
	mr_buf_printf(&b, " %s %s ", e->adapter, e->model);
	for (i = 0; i < e->strengths.n; i++)
		mr_buf_printf(&b, "%s%s", i ? " " : "", e->strengths.v[i]);
	lower_ascii(b.buf);
	return mr_buf_detach(&b);
}

static int
capability_default(const char *tier, long ctx)
{
	int score = 50;

	if (strcmp(tier, "medium") == 0)
		score = 70;
	else if (strcmp(tier, "high") == 0)
		score = 85;
	else if (strcmp(tier, "critical") == 0)
		score = 95;
	if (ctx >= 128000)
		score = score > 90 ? score : 90;
	else if (ctx >= 65536)
		score = score > 80 ? score : 80;
	else if (ctx >= 16384)
		score = score > 65 ? score : 65;
	return score > 100 ? 100 : score;
}

static int
trust_default(const char *tier)
{
	if (strcmp(tier, "medium") == 0)
		return 75;
	if (strcmp(tier, "high") == 0)
		return 85;
	if (strcmp(tier, "critical") == 0)
		return 100;
	return 60;
}

static int
cost_default(const char *tier)
{
	static const int scores[] = { 0, 0, 20, 50, 50, 80 };
	int i = index_of(tier, mr_cost_tiers);

	return i < 0 ? 50 : scores[i];
}

static int
latency_default(const char *tier)
{
	static const int scores[] = { 15, 45, 75, 100 };
	int i = index_of(tier, mr_latency_tiers);

	return i < 0 ? 50 : scores[i];
}

static void
set_modality_mask(struct mr_engine *e)
{
	size_t i;

	e->modality_mask = 0;
	for (i = 0; i < e->modalities.n; i++) {
		if (strcmp(e->modalities.v[i], "image") == 0)
			e->modality_mask |= MR_MOD_IMAGE;
		else if (strcmp(e->modalities.v[i], "pdf") == 0)
			e->modality_mask |= MR_MOD_PDF;
		else if (strcmp(e->modalities.v[i], "audio") == 0)
			e->modality_mask |= MR_MOD_AUDIO;
	}
}

/*
 * One engine entry, in the reference's order of checks: missing fields,
 * strengths, fallback type, availability, capability_tier, trust_tier,
 * cost_tier, latency_tier, modalities, provider, model, adapter,
 * max_context, enabled, supports_tools, capability, trust, cost, latency.
 */
static int
parse_engine_fields(struct vctx *c, const struct yv *m, struct mr_engine *e,
    const char *q)
{
	const struct yv *v;
	struct mr_buf b = MR_BUF_INIT;
	const char *def;
	char *text;
	size_t i;
	long ctx = context_of(m);
	int rc = -1;

	for (i = 0; i < ENGINE_REQUIRED; i++)
		if (yv_find(m, engine_keys[i]) == NULL)
			mr_buf_printf(&b, "%s%s", b.len ? ", " : "",
			    engine_keys[i]);
	if (b.len > 0) {
		verr(c, m, "engine %s missing fields: %s", q, b.buf);
		goto out;
	}
	mr_buf_printf(&b, "engine %s", q);
	warn_unknown(c, m, engine_keys, b.buf);

	v = yv_get(m, "strengths");
	if (!seq_of_strings(v)) {
		verr(c, v, "engine %s strengths must be a list of strings", q);
		goto out;
	}
	for (i = 0; i < v->n; i++)
		mr_strlist_push(&e->strengths, v->items[i]->s);

	v = yv_get(m, "fallback");
	if (!is_null_or_absent(v)) {
		if (v->type != YV_STR) {
			verr(c, v, "engine %s fallback must be a string or "
			    "null", q);
			goto out;
		}
		e->fallback = mr_xstrdup(v->s);
	}

	if (parse_availability(c, m, e, q) < 0)
		goto out;

	def = ctx >= 65536 ? "high" : ctx >= 16384 ? "medium" : "standard";
	if (optional_text(c, m, "capability_tier", q, def,
	    &e->capability_tier) < 0 ||
	    optional_text(c, m, "trust_tier", q, default_trust_tier(m),
	    &e->trust_tier) < 0)
		goto out;
	if (required_text(c, m, "cost_tier", q, &e->cost_tier) < 0 ||
	    known_tier(c, m, "cost_tier", q, "cost", mr_cost_tiers) < 0 ||
	    required_text(c, m, "latency_tier", q, &e->latency_tier) < 0 ||
	    known_tier(c, m, "latency_tier", q, "latency",
	    mr_latency_tiers) < 0)
		goto out;

	v = yv_get(m, "modalities");
	if (v != NULL) {
		if (!seq_of_strings(v)) {
			verr(c, v, "engine %s field 'modalities' must be "
			    "strings", q);
			goto out;
		}
		for (i = 0; i < v->n; i++)
			if (!py_blank(v->items[i]->s))
				mr_strlist_push(&e->modalities, v->items[i]->s);
	}

	if (required_text(c, m, "provider", q, &e->provider) < 0 ||
	    required_text(c, m, "model", q, &e->model) < 0 ||
	    required_text(c, m, "adapter", q, &e->adapter) < 0)
		goto out;

	v = yv_get(m, "max_context");
	if (v->type != YV_INT || v->ibig < 0 || (!v->ibig && v->i <= 0)) {
		verr(c, v, "engine %s field 'max_context' must be a positive "
		    "int", q);
		goto out;
	}
	e->max_context = ctx;

	v = yv_get(m, "enabled");
	if (v->type != YV_BOOL) {
		verr(c, v, "engine %s field 'enabled' must be a bool", q);
		goto out;
	}
	e->enabled = v->b;

	if (yv_find(m, "supports_tools") != NULL) {
		v = yv_get(m, "supports_tools");
		if (v->type != YV_BOOL) {
			verr(c, v, "engine %s field 'supports_tools' must be a "
			    "bool", q);
			goto out;
		}
		e->supports_tools = v->b;
	} else {
		text = keyword_text(e, true);
		e->supports_tools = contains_any(text, tools_words);
		free(text);
	}

	/* The modality default needs the adapter and model, checked above. */
	if (yv_find(m, "modalities") == NULL) {
		text = keyword_text(e, false);
		if (contains_any(text, image_words))
			mr_strlist_push(&e->modalities, "image");
		if (strstr(text, "pdf") != NULL)
			mr_strlist_push(&e->modalities, "pdf");
		if (strstr(text, "audio") != NULL)
			mr_strlist_push(&e->modalities, "audio");
		free(text);
	}

	if (optional_score(c, m, "capability", q,
	    capability_default(e->capability_tier, ctx), &e->capability) < 0 ||
	    optional_score(c, m, "trust", q, trust_default(e->trust_tier),
	    &e->trust) < 0 ||
	    optional_score(c, m, "cost", q, cost_default(e->cost_tier),
	    &e->cost) < 0 ||
	    optional_score(c, m, "latency", q,
	    latency_default(e->latency_tier), &e->latency) < 0)
		goto out;

	e->cost_rank = mr_cost_tier_rank(e->cost_tier);
	e->latency_rank = mr_latency_tier_rank(e->latency_tier);
	set_modality_mask(e);
	rc = 0;
out:
	mr_buf_release(&b);
	return rc;
}

static int
parse_engines(struct vctx *c, const struct yv *root, struct mr_config *cfg)
{
	const struct yv *engines = yv_get(root, "engines");
	struct mr_buf b = MR_BUF_INIT;
	const struct yent *ent;
	struct mr_engine *e;
	char *q;
	size_t i;
	int rc;

	if (!is_type(engines, YV_MAP))
		return verr(c, engines ? engines : root,
		    "model router config requires an engines mapping");
	for (i = 0; required_engines[i] != NULL; i++)
		if (yv_find(engines, required_engines[i]) == NULL)
			mr_buf_printf(&b, "%s%s", b.len ? ", " : "",
			    required_engines[i]);
	if (b.len > 0) {
		rc = verr(c, engines, "model router config missing required "
		    "engines: %s", b.buf);
		mr_buf_release(&b);
		return rc;
	}
	cfg->engines = mr_xcalloc(engines->n, sizeof(*cfg->engines));
	for (i = 0; i < engines->n; i++) {
		ent = &engines->ents[i];
		if (!is_text(ent->key))
			return verr(c, ent->key,
			    "engine names must be non-empty strings");
		if (!is_type(ent->val, YV_MAP))
			return verr(c, ent->val,
			    "engine entry must be a mapping");
		e = &cfg->engines[cfg->nengines++];
		e->name = mr_xstrdup(ent->key->s);
		e->line = ent->key->line;
		e->col = ent->key->col;
		e->fallback_idx = -1;
		q = repr(e->name);
		rc = parse_engine_fields(c, ent->val, e, q);
		free(q);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
check_fallbacks(struct vctx *c, const struct yv *root, struct mr_config *cfg)
{
	const struct yv *engines = yv_get(root, "engines"), *fb;
	struct mr_engine *e;
	char *q, *qf;
	size_t i;

	for (i = 0; i < cfg->nengines; i++) {
		e = &cfg->engines[i];
		if (e->fallback == NULL)
			continue;
		e->fallback_idx = mr_config_engine_index(cfg, e->fallback);
		if (e->fallback_idx >= 0)
			continue;
		fb = yv_get(yv_get(engines, e->name), "fallback");
		q = repr(e->name);
		qf = repr(e->fallback);
		verr(c, fb, "engine %s fallback %s is not defined", q, qf);
		free(q);
		free(qf);
		return -1;
	}
	return 0;
}

/*
 * routing_targets: user entries merged over the defaults.
 */

static void
add_target(struct mr_config *cfg, const char *name, const char *engine)
{
	struct mr_target_entry *t;

	cfg->targets = mr_xrealloc(cfg->targets,
	    (cfg->ntargets + 1) * sizeof(*cfg->targets));
	t = &cfg->targets[cfg->ntargets++];
	t->name = mr_xstrdup(name);
	t->engine = mr_xstrdup(engine);
	t->engine_idx = -1;
}

static int
parse_targets(struct vctx *c, const struct yv *root, struct mr_config *cfg)
{
	const struct yent *rt = yv_find(root, "routing_targets");
	const struct yv **where, *v;
	struct mr_buf b = MR_BUF_INIT;
	const struct yent *ent;
	const struct yv *first = NULL;
	char *q;
	size_t i, j;
	int rc = -1;

	for (i = 0; i < MR_TARGET_COUNT; i++)
		add_target(cfg, target_names[i], target_defaults[i]);
	if (rt == NULL)
		return 0;
	v = rt->val;
	if (v->type != YV_MAP)
		return verr(c, v, "model router config routing_targets must "
		    "be a mapping");
	where = mr_xcalloc(MR_TARGET_COUNT + v->n, sizeof(*where));
	for (i = 0; i < v->n; i++) {
		ent = &v->ents[i];
		if (!is_text(ent->key)) {
			verr(c, ent->key, "routing target names must be "
			    "non-empty strings");
			goto out;
		}
		if (!is_text(ent->val)) {
			q = repr(ent->key->s);
			verr(c, ent->val, "routing target %s must name an "
			    "engine", q);
			free(q);
			goto out;
		}
		for (j = 0; j < cfg->ntargets; j++)
			if (strcmp(cfg->targets[j].name, ent->key->s) == 0)
				break;
		if (j == cfg->ntargets) {
			add_target(cfg, ent->key->s, ent->val->s);
			mr_buf_reset(&b);
			mr_buf_printf(&b, "unknown key '%s' in routing_targets "
			    "(not a route category)", ent->key->s);
			add_suggestion(&b, ent->key->s, target_names);
			ydoc_warn(c->doc, ent->key->line, ent->key->col, "%s",
			    b.buf);
		} else {
			free(cfg->targets[j].engine);
			cfg->targets[j].engine = mr_xstrdup(ent->val->s);
		}
		where[j] = ent->val;
	}
	mr_buf_reset(&b);
	for (i = 0; i < cfg->ntargets; i++) {
		if (mr_config_engine_index(cfg, cfg->targets[i].engine) >= 0)
			continue;
		mr_buf_printf(&b, "%s%s -> %s", b.len ? ", " : "",
		    cfg->targets[i].name, cfg->targets[i].engine);
		if (first == NULL)
			first = where[i];
	}
	if (b.len > 0) {
		verr(c, first, "routing targets reference undefined engines: "
		    "%s", b.buf);
		goto out;
	}
	rc = 0;
out:
	free(where);
	mr_buf_release(&b);
	return rc;
}

/*
 * scoring
 */

static int
parse_weights(struct vctx *c, const struct yv *weights, struct mr_scoring *s)
{
	const struct yv *dim, *val, *feat, *w;
	const char *cands[MR_W_COUNT + 1];
	struct mr_buf b = MR_BUF_INIT;
	size_t i, j, k, n;
	int d, rc = -1;
	char *q;

	for (i = 0; i < weights->n; i++) {
		dim = weights->ents[i].key;
		val = weights->ents[i].val;
		if (dim->type != YV_STR ||
		    (d = index_of(dim->s, dimension_names)) < 0) {
			verr(c, dim, "scoring weights dimension must be "
			    "complexity, risk, or confidence");
			goto out;
		}
		if (val->type != YV_MAP) {
			q = repr(dim->s);
			verr(c, val, "scoring weights %s must be a mapping", q);
			free(q);
			goto out;
		}
		for (n = 0, k = 0; k < MR_W_COUNT; k++)
			if ((int)mr_weight_info[k].dim == d)
				cands[n++] = mr_weight_info[k].name;
		cands[n] = NULL;
		for (j = 0; j < val->n; j++) {
			feat = val->ents[j].key;
			if (!is_text(feat)) {
				verr(c, feat, "scoring weight feature names "
				    "must be strings");
				goto out;
			}
			w = val->ents[j].val;
			if (w->type != YV_INT || w->ibig || w->i < 0 ||
			    w->i > 100) {
				verr(c, w, "scoring weight %s.%s must be an "
				    "int from 0 to 100", dim->s, feat->s);
				goto out;
			}
			for (k = 0; k < MR_W_COUNT; k++)
				if ((int)mr_weight_info[k].dim == d &&
				    strcmp(mr_weight_info[k].name,
				    feat->s) == 0)
					break;
			if (k < MR_W_COUNT) {
				s->w[k] = (int)w->i;
				continue;
			}
			mr_buf_reset(&b);
			mr_buf_printf(&b, "unknown key '%s' in scoring weights "
			    "%s", feat->s, dim->s);
			add_suggestion(&b, feat->s, cands);
			ydoc_warn(c->doc, feat->line, feat->col, "%s", b.buf);
		}
	}
	rc = 0;
out:
	mr_buf_release(&b);
	return rc;
}

static int
parse_scoring(struct vctx *c, const struct yv *root, struct mr_scoring *s)
{
	const struct yv *v = yv_get(root, "scoring"), *w, *k;

	mr_scoring_defaults(s);
	if (is_null_or_absent(v))
		return 0;
	if (v->type != YV_MAP)
		return verr(c, v, "scoring config must be a mapping");
	warn_unknown(c, v, scoring_keys, "scoring");
	w = yv_get(v, "weights");
	if (w != NULL) {
		if (w->type != YV_MAP)
			return verr(c, w, "scoring weights must be a mapping");
		if (parse_weights(c, w, s) < 0)
			return -1;
	}
	if ((k = yv_get(v, "saturation_k")) != NULL) {
		if (k->type != YV_INT || k->ibig < 0 ||
		    (!k->ibig && k->i <= 0))
			return verr(c, k, "scoring saturation_k must be a "
			    "positive int");
		s->saturation_k = k->ibig || k->i > INT_MAX ? INT_MAX :
		    (int)k->i;
	}
	return 0;
}

/*
 * safety
 */

static int
config_bool(struct vctx *c, const struct yv *m, const char *key, bool def,
    const char *context, bool *out)
{
	const struct yv *v = yv_get(m, key);

	*out = def;
	if (v == NULL)
		return 0;
	if (v->type != YV_BOOL)
		return verr(c, v, "%s %s must be a bool", context, key);
	*out = v->b;
	return 0;
}

static int
parse_safety(struct vctx *c, const struct yv *root, struct mr_safety *s)
{
	const struct yv *v = yv_get(root, "safety"), *o;
	bool *flags[] = {
		&s->allow_destructive_actions, &s->allow_send_actions,
		&s->allow_purchase_actions,
		&s->allow_high_impact_external_actions,
		&s->allow_ambiguous_high_impact
	};
	const char *ctx = "safety confirmation_overrides";
	size_t i;

	memset(s, 0, sizeof(*s));
	s->require_human_confirmation = true;
	if (is_null_or_absent(v))
		return 0;
	if (v->type != YV_MAP)
		return verr(c, v, "safety config must be a mapping");
	if (check_unknown(c, v, safety_keys, "safety config") < 0 ||
	    config_bool(c, v, "require_human_confirmation", true, "safety",
	    &s->require_human_confirmation) < 0)
		return -1;
	o = yv_get(v, "confirmation_overrides");
	if (is_null_or_absent(o))
		return 0;
	if (o->type != YV_MAP)
		return verr(c, o, "%s must be a mapping", ctx);
	if (check_unknown(c, o, override_keys, ctx) < 0)
		return -1;
	for (i = 0; i < MR_NELEM(flags); i++)
		if (config_bool(c, o, override_keys[i], false, ctx,
		    flags[i]) < 0)
			return -1;
	return 0;
}

/*
 * provider_policy
 */

static int
policy_list(struct vctx *c, const struct yv *m, const char *key,
    const char *context, struct mr_strlist *out)
{
	const struct yv *v = yv_get(m, key);
	size_t i;
	char *s;

	if (is_null_or_absent(v))
		return 0;
	if (v->type != YV_SEQ)
		return verr(c, v, "%s %s must be a list of strings", context,
		    key);
	for (i = 0; i < v->n; i++)
		if (!is_text(v->items[i]))
			return verr(c, v->items[i], "%s %s must be a list of "
			    "strings", context, key);
	for (i = 0; i < v->n; i++) {
		s = py_strip(v->items[i]->s);
		mr_strlist_push_unique(out, s);
		free(s);
	}
	return 0;
}

static int
policy_tier(struct vctx *c, const struct yv *m, const char *key,
    const char *context, const char *const *tiers, char **out)
{
	const struct yv *v = yv_get(m, key);
	struct mr_buf b = MR_BUF_INIT;
	size_t i;
	int rc;

	if (is_null_or_absent(v))
		return 0;
	if (v->type == YV_STR && index_of(v->s, tiers) >= 0) {
		*out = mr_xstrdup(v->s);
		return 0;
	}
	mr_buf_printf(&b, "%s %s must be one of: ", context, key);
	for (i = 0; tiers[i] != NULL; i++)
		mr_buf_printf(&b, "%s%s", i ? ", " : "", tiers[i]);
	if (v->type == YV_STR)
		add_suggestion(&b, v->s, tiers);
	rc = verr(c, v, "%s", b.buf);
	mr_buf_release(&b);
	return rc;
}

static int parse_policy(struct vctx *, const struct yv *, const char *,
    bool, struct mr_policy *, struct mr_config *);

static int
parse_pools(struct vctx *c, const struct yv *m, const char *context,
    struct mr_config *cfg)
{
	const struct yv *rp = yv_get(m, "route_pools"), *k;
	struct mr_buf b = MR_BUF_INIT;
	struct mr_route_pool *pool;
	char *name, *sub;
	size_t i, j;
	int rc;

	if (is_null_or_absent(rp))
		return 0;
	if (rp->type != YV_MAP)
		return verr(c, rp, "%s route_pools must be a mapping",
		    context);
	for (i = 0; i < rp->n; i++) {
		k = rp->ents[i].key;
		if (!is_text(k))
			return verr(c, k, "%s route_pools keys must be "
			    "strings", context);
		name = py_strip(k->s);
		for (j = 0; j < cfg->npools; j++)
			if (strcmp(cfg->pools[j].target, name) == 0)
				break;
		if (j == cfg->npools) {
			cfg->pools = mr_xrealloc(cfg->pools,
			    (cfg->npools + 1) * sizeof(*cfg->pools));
			pool = &cfg->pools[cfg->npools++];
			memset(pool, 0, sizeof(*pool));
			pool->target = name;
		} else {
			pool = &cfg->pools[j];
			free(name);
		}
		policy_clear(&pool->policy);
		if (mr_target_from_name(pool->target) < 0) {
			mr_buf_reset(&b);
			mr_buf_printf(&b, "unknown key '%s' in %s.route_pools "
			    "(not a route category)", pool->target, context);
			add_suggestion(&b, pool->target, target_names);
			ydoc_warn(c->doc, k->line, k->col, "%s", b.buf);
		}
		sub = mr_xasprintf("%s.route_pools.%s", context, k->s);
		rc = parse_policy(c, rp->ents[i].val, sub, false,
		    &pool->policy, cfg);
		free(sub);
		if (rc < 0) {
			mr_buf_release(&b);
			return -1;
		}
	}
	mr_buf_release(&b);
	return 0;
}

/*
 * A provider policy (the section, or one route pool without route_pools).
 * The reference checks route pools before the section's own fields.
 */
static int
parse_policy(struct vctx *c, const struct yv *m, const char *context,
    bool allow_pools, struct mr_policy *p, struct mr_config *cfg)
{
	const struct yv *v;
	const char *const *allowed = policy_keys;
	const char *pool_keys[MR_NELEM(policy_keys)];
	size_t i, n = 0;

	policy_clear(p);
	if (is_null_or_absent(m))
		return 0;
	if (m->type != YV_MAP)
		return verr(c, m, "%s must be a mapping", context);
	if (!allow_pools) {
		for (i = 0; policy_keys[i] != NULL; i++)
			if (strcmp(policy_keys[i], "route_pools") != 0)
				pool_keys[n++] = policy_keys[i];
		pool_keys[n] = NULL;
		allowed = pool_keys;
	}
	if (check_unknown(c, m, allowed, context) < 0)
		return -1;
	if (allow_pools && parse_pools(c, m, context, cfg) < 0)
		return -1;
	if ((v = yv_get(m, "version")) != NULL &&
	    !(v->type == YV_INT && !v->ibig && v->i == 1) &&
	    !(v->type == YV_FLOAT && v->f == 1.0))
		return verr(c, v, "%s version must be 1", context);
	if (policy_list(c, m, "provider_allowlist", context,
	    &p->allowlist) < 0 ||
	    policy_list(c, m, "provider_denylist", context,
	    &p->denylist) < 0 ||
	    config_bool(c, m, "local_only", false, context,
	    &p->local_only) < 0 ||
	    config_bool(c, m, "hosted_allowed", true, context,
	    &p->hosted_allowed) < 0 ||
	    policy_tier(c, m, "max_cost_tier", context, mr_cost_tiers,
	    &p->max_cost_tier) < 0 ||
	    policy_tier(c, m, "max_latency_tier", context, mr_latency_tiers,
	    &p->max_latency_tier) < 0)
		return -1;
	return 0;
}

/*
 * The whole document, in the reference's order (router-core.md §1.9).
 */
static int
validate_config(struct vctx *c, const struct yv *root, struct mr_config *cfg)
{
	size_t i;

	if (!is_type(root, YV_MAP))
		return verr(c, root, "model router config must be a mapping");
	warn_unknown(c, root, top_keys, "top level");
	if (parse_engines(c, root, cfg) < 0 ||
	    check_fallbacks(c, root, cfg) < 0 ||
	    parse_targets(c, root, cfg) < 0)
		return -1;
	c->wrap = SCORING_WRAP;
	if (parse_scoring(c, root, &cfg->scoring) < 0)
		return -1;
	c->wrap = SAFETY_WRAP;
	if (parse_safety(c, root, &cfg->safety) < 0)
		return -1;
	c->wrap = POLICY_WRAP;
	if (parse_policy(c, yv_get(root, "provider_policy"),
	    "provider_policy", true, &cfg->policy, cfg) < 0)
		return -1;
	c->wrap = NULL;
	for (i = 0; i < cfg->ntargets; i++)
		cfg->targets[i].engine_idx = mr_config_engine_index(cfg,
		    cfg->targets[i].engine);
	return 0;
}



/* Moves E into OUT (which may be NULL). */
static void
error_move(struct mr_error *e, struct mr_error *out)
{
	if (out == NULL) {
		mr_error_clear(e);
		return;
	}
	mr_error_clear(out);
	*out = *e;
	memset(e, 0, sizeof(*e));
}

struct mr_config *
mr_config_load_buffer(const char *name, const char *data, size_t len,
    struct mr_error *err)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_config *cfg = NULL;
	struct ydoc doc;
	struct vctx c;
	char *msg;

	memset(&doc, 0, sizeof(doc));
	if (name == NULL)
		name = "<config>";
	if (len > CONFIG_MAX_SIZE) {
		mr_error_set(&e, name, 0, 0, "model router config "
		    "unreadable: %s", strerror(EFBIG));
		goto out;
	}
	if (ydoc_load(&doc, data ? data : "", data ? len : 0, &e) < 0) {
		msg = mr_xasprintf("model router config invalid YAML: %s",
		    e.msg);
		free(e.msg);
		e.msg = msg;
		free(e.file);
		e.file = mr_xstrdup(name);
		goto out;
	}
	cfg = mr_xcalloc(1, sizeof(*cfg));
	cfg->source = mr_xstrdup(name);
	mr_scoring_defaults(&cfg->scoring);
	cfg->safety.require_human_confirmation = true;
	cfg->policy.hosted_allowed = true;
	memset(&c, 0, sizeof(c));
	c.file = name;
	c.doc = &doc;
	c.err = &e;
	if (validate_config(&c, doc.root, cfg) < 0) {
		mr_config_free(cfg);
		cfg = NULL;
		goto out;
	}
	ydoc_take_warnings(&doc, name, &cfg->warnings);
out:
	ydoc_free(&doc);
	if (cfg == NULL)
		error_move(&e, err);
	return cfg;
}

struct mr_config *
mr_config_load_file(const char *path, struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	struct mr_config *cfg = NULL;
	struct stat st;
	char *p = mr_expand_home(path);

	if (stat(p, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP ||
		    errno == EBADF)
			/* the message names the file already */
			mr_error_set(err, NULL, 0, 0,
			    "model router config missing: %s", p);
		else
			mr_error_set(err, p, 0, 0,
			    "model router config unreadable: %s",
			    strerror(errno));
		goto out;
	}
	if (mr_read_file(p, CONFIG_MAX_SIZE, &b) < 0) {
		mr_error_set(err, p, 0, 0, "model router config unreadable: %s",
		    strerror(errno));
		goto out;
	}
	cfg = mr_config_load_buffer(p, b.buf, b.len, err);
out:
	mr_buf_release(&b);
	free(p);
	return cfg;
}

struct mr_config *
mr_config_load_default(struct mr_error *err)
{
	const struct mr_embedded_file *f = mr_embedded_find(EMBEDDED_NAME);

	if (f == NULL) {
		mr_error_set(err, EMBEDDED_SOURCE, 0, 0,
		    "model router config missing: %s", EMBEDDED_SOURCE);
		return NULL;
	}
	return mr_config_load_buffer(EMBEDDED_SOURCE, f->data, f->len, err);
}

int
mr_config_engine_index(const struct mr_config *cfg, const char *name)
{
	size_t i;

	if (cfg == NULL || name == NULL)
		return -1;
	for (i = 0; i < cfg->nengines; i++)
		if (strcmp(cfg->engines[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
mr_config_target_engine(const struct mr_config *cfg, enum mr_target t)
{
	if (cfg == NULL || (int)t < 0 || t >= MR_TARGET_COUNT ||
	    cfg->ntargets <= (size_t)t)
		return -1;
	return cfg->targets[t].engine_idx;
}

const struct mr_route_pool *
mr_config_pool(const struct mr_config *cfg, const char *target)
{
	size_t i;

	if (cfg == NULL || target == NULL)
		return NULL;
	for (i = 0; i < cfg->npools; i++)
		if (strcmp(cfg->pools[i].target, target) == 0)
			return &cfg->pools[i];
	return NULL;
}

/*
 * Availability (router-core.md §1.8).  Nothing is executed: commands are
 * looked up on PATH like Python's shutil.which, paths are stat(2)ed.
 */

static const char *
sys_getenv(const char *name)
{
	return getenv(name);
}

static bool
is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

static bool
find_command(const char *cmd, const char *path)
{
	const char *p, *end;
	char *cand;
	bool found = false;
	size_t n;

	if (strchr(cmd, '/') != NULL)
		return is_executable(cmd);
	if (path == NULL)
		path = "/bin:/usr/bin";
	if (*path == '\0')
		return false;
	for (p = path; !found; p = end + 1) {
		end = strchr(p, ':');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n == 0)
			cand = mr_xstrdup(cmd);
		else
			cand = mr_xasprintf("%.*s%s%s", (int)n, p,
			    p[n - 1] == '/' ? "" : "/", cmd);
		found = is_executable(cand);
		free(cand);
		if (end == NULL)
			break;
	}
	return found;
}

/* Expands "~", "~/..." and "~user/..." like os.path.expanduser. */
static char *
expand_user(const char *path, const char *(*getenv_fn)(const char *))
{
	struct passwd pw, *res = NULL;
	const char *home = NULL, *rest;
	char buf[4096], *user, *out;

	if (path[0] != '~')
		return mr_xstrdup(path);
	rest = strchr(path, '/');
	if (rest == NULL)
		rest = path + strlen(path);
	if (rest == path + 1) {
		home = getenv_fn("HOME");
		if (home == NULL &&
		    getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 &&
		    res != NULL)
			home = pw.pw_dir;
	} else {
		user = mr_xstrndup(path + 1, (size_t)(rest - path - 1));
		if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) == 0 &&
		    res != NULL)
			home = pw.pw_dir;
		free(user);
	}
	if (home == NULL)
		return mr_xstrdup(path);
	if (*home == '\0' && *rest == '\0')
		home = "/";
	out = mr_xasprintf("%s%s", home, rest);
	return out;
}

static void
check_engine(struct mr_engine *e, const char *(*getenv_fn)(const char *))
{
	const char *v, *path = getenv_fn("PATH");
	struct stat st;
	char *p;
	size_t i;

	if (e->avail_status == MR_AVAIL_UNAVAILABLE) {
		mr_strlist_push(&e->availability_reasons,
		    "marked unavailable in config");
		return;
	}
	for (i = 0; i < e->required_env.n; i++) {
		v = getenv_fn(e->required_env.v[i]);
		if (v == NULL || *v == '\0')
			mr_strlist_push_take(&e->availability_reasons,
			    mr_xasprintf("missing env var %s",
			    e->required_env.v[i]));
	}
	for (i = 0; i < e->required_commands.n; i++)
		if (!find_command(e->required_commands.v[i], path))
			mr_strlist_push_take(&e->availability_reasons,
			    mr_xasprintf("missing command %s",
			    e->required_commands.v[i]));
	for (i = 0; i < e->required_paths.n; i++) {
		p = expand_user(e->required_paths.v[i], getenv_fn);
		if (stat(p, &st) < 0)
			mr_strlist_push_take(&e->availability_reasons,
			    mr_xasprintf("missing path %s",
			    e->required_paths.v[i]));
		free(p);
	}
	if (e->availability_reasons.n > 0)
		return;
	e->available = true;
	if (e->avail_status == MR_AVAIL_AVAILABLE)
		mr_strlist_push(&e->availability_reasons,
		    "marked available in config");
	else if (e->required_env.n || e->required_commands.n ||
	    e->required_paths.n)
		mr_strlist_push(&e->availability_reasons,
		    "availability checks passed");
	else
		mr_strlist_push(&e->availability_reasons,
		    "no availability requirements declared");
}

void
mr_config_check_availability(struct mr_config *cfg, bool validate_avail,
    const char *(*getenv_fn)(const char *))
{
	struct mr_engine *e;
	size_t i;

	if (cfg == NULL)
		return;
	if (getenv_fn == NULL)
		getenv_fn = sys_getenv;
	for (i = 0; i < cfg->nengines; i++) {
		e = &cfg->engines[i];
		mr_strlist_clear(&e->availability_reasons);
		e->available = false;
		if (!e->enabled)
			continue;
		if (!validate_avail) {
			e->available = true;
			mr_strlist_push(&e->availability_reasons,
			    "availability validation disabled");
			continue;
		}
		check_engine(e, getenv_fn);
	}
}

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

char *
mr_config_resolve_path(const char *explicit_path)
{
	const char *env;
	char *dir, *p;
	size_t n;

	if (explicit_path != NULL)
		return mr_expand_home(explicit_path);
	env = getenv("MODEL_ROUTER_HOME");
	if (env != NULL && *env != '\0') {
		dir = mr_expand_home(env);
		n = strlen(dir);
		while (n > 1 && dir[n - 1] == '/')
			dir[--n] = '\0';
		p = mr_xasprintf("%s/model_router.yaml", dir);
		free(dir);
		if (exists(p))
			return p;
		free(p);
	}
	env = getenv("HOME");
	if (env != NULL && *env != '\0') {
		p = mr_xasprintf("%s/.model-router/model_router.yaml", env);
		if (exists(p))
			return p;
		free(p);
	}
	return NULL;
}
