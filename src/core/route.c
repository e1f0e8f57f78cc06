/*
 * The routing policy (router-core.md §3).
 *
 * mr_route_fast() and mr_route() share every step: the scorer, hint
 * validation, target selection, requirement derivation, the compatibility
 * check and the fallback walk.  The full path passes a `struct trace` that
 * records reasons and rejections; the fast path passes NULL and allocates
 * nothing.  Deliberate differences from the reference are marked "Ours" and
 * listed in docs/routing-differences.md.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core-int.h"

#define REQ_MAX		128	/* providers in one requirement list */
#define CFG_LIST_MAX	64	/* providers in one config policy list */
#define MAX_ENGINES	1024

static const char *const profile_names[MR_PROFILE_COUNT] = {
	"fast", "balanced", "quality", "private", "safe"
};

static const char *const profile_reasons[MR_PROFILE_COUNT] = {
	"routing profile fast prefers low-latency and low-cost backends",
	"routing profile balanced uses default deterministic routing",
	"routing profile quality permits stronger configured fallbacks",
	"routing profile private applies local-only provider policy",
	"routing profile safe applies stricter confirmation policy",
};

static const char *const target_reasons[MR_TARGET_COUNT] = {
	"simple rewrite/extraction/formatting",
	"general task",
	"complex planning or long-context reasoning",
	"coding or repository work",
	"fresh research or current information required",
	"multimodal vision or OCR required",
	"image generation required",
	"high-risk action requires human confirmation",
};

static const char *const attachment_names[] = { "image", "pdf", "audio",
	"code" };

struct mr_router {
	struct mr_config *cfg;
	int		 human;			/* index of human_confirm */
	int		 intent;		/* index of intent_router */
	int		 fast[MR_TARGET_COUNT];	/* no-hint selection */
	bool		 broken;		/* beyond our fixed limits */
};

/* Validated hints with the profile's constraints merged in. */
struct hints {
	enum mr_profile	 profile;
	const char	*force;
	bool		 latency_sensitive;
	const char	*max_cost;
	const char	*max_latency;
	int		 attach[MR_MAX_ATTACHMENTS];
	size_t		 nattach;
	bool		 allow_set;	/* an allowlist restricts */
	const char	*allow[MR_MAX_HINT_PROVIDERS + 2];
	size_t		 nallow;
	const char	*deny[MR_MAX_HINT_PROVIDERS];
	size_t		 ndeny;
	bool		 local_only;
	int		 hosted_allowed;
};

/* Requirements without allocation (strings borrowed). */
struct req {
	enum mr_target	 target;
	enum mr_profile	 profile;
	bool		 needs_tools;
	const char	*mods[MR_MAX_ATTACHMENTS];
	size_t		 nmods;
	const char	*max_cost;
	const char	*max_latency;
	int		 max_cost_rank;		/* -1: none */
	int		 max_latency_rank;
	const char	*allowed[REQ_MAX];
	size_t		 nallowed;
	const char	*denied[REQ_MAX];
	size_t		 ndenied;
	/* for provider_policy_reasons */
	const struct mr_route_pool *pool;
	const char	*pol_allow[REQ_MAX];
	size_t		 npol_allow;
	const char	*pol_deny[REQ_MAX];
	size_t		 npol_deny;
	bool		 pol_local;
	const char	*pol_max_cost;
	const char	*pol_max_latency;
};

/* What the full path records; NULL on the fast path. */
struct trace {
	struct mr_decision *d;
	struct mr_strlist fallback_reasons;
};

/* Result of a fallback walk. */
struct walk {
	int		 selected;	/* engine index */
	int		 fallback;	/* engine index, -1 none */
	bool		 used;
	bool		 valid;
};

const char *
mr_profile_name(enum mr_profile p)
{
	return (unsigned)p < MR_PROFILE_COUNT ? profile_names[p] : "balanced";
}

int
mr_profile_from_name(const char *s)
{
	char buf[32];
	size_t n, i;
	int p;

	while (*s && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= sizeof(buf))
		return -1;
	for (i = 0; i < n; i++)
		buf[i] = s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
	buf[n] = '\0';
	for (p = 0; p < MR_PROFILE_COUNT; p++)
		if (strcmp(buf, profile_names[p]) == 0)
			return p;
	return -1;
}

void
mr_hints_init(struct mr_hints *h)
{
	memset(h, 0, sizeof(*h));
	h->hosted_allowed = -1;
}

static bool
list_has(const char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void
list_add(const char **v, size_t *n, size_t cap, const char *s)
{
	if (*n < cap && !list_has(v, *n, s))
		v[(*n)++] = s;
}

static const char *
tier_canon(const char *s, const char *const *vocab)
{
	size_t i;

	for (i = 0; vocab[i] != NULL; i++)
		if (strcmp(s, vocab[i]) == 0)
			return vocab[i];
	return NULL;
}

/*
 * Validates caller hints and merges the profile's constraints.  On failure
 * returns -1 with a static message in *MSG.
 */
static int
hints_prepare(const struct mr_hints *in, struct hints *h, const char **msg)
{
	static const char *const local_human[] = { "local", "human" };
	size_t i, j;
	int p;

	memset(h, 0, sizeof(*h));
	h->profile = MR_PROFILE_BALANCED;
	h->hosted_allowed = -1;
	if (in == NULL)
		return 0;
	if (in->force_engine != NULL) {
		if (mr_is_blank(in->force_engine)) {
			*msg = "routing hint force_engine must be a string";
			return -1;
		}
		h->force = in->force_engine;
	}
	if (in->profile != NULL) {
		if ((p = mr_profile_from_name(in->profile)) < 0) {
			*msg = "routing profile must be one of: fast, balanced, "
			    "quality, private, safe";
			return -1;
		}
		h->profile = (enum mr_profile)p;
	}
	h->latency_sensitive = in->latency_sensitive;
	if (in->max_cost_tier != NULL &&
	    (h->max_cost = tier_canon(in->max_cost_tier, mr_cost_tiers)) ==
	    NULL) {
		*msg = "routing hint max_cost_tier must be one of: none, free, "
		    "low, medium, paid, high";
		return -1;
	}
	if (in->max_latency_tier != NULL &&
	    (h->max_latency = tier_canon(in->max_latency_tier,
	    mr_latency_tiers)) == NULL) {
		*msg = "routing hint max_latency_tier must be one of: low, "
		    "medium, high, manual";
		return -1;
	}
	for (i = 0; i < in->nattachments && i < MR_MAX_ATTACHMENTS; i++) {
		for (j = 0; j < MR_NELEM(attachment_names); j++)
			if (in->attachments[i] != NULL &&
			    strcmp(in->attachments[i], attachment_names[j]) == 0)
				break;
		if (j == MR_NELEM(attachment_names)) {
			*msg = "routing hint attachments must be image, pdf, "
			    "audio, or code";
			return -1;
		}
		h->attach[h->nattach++] = (int)j;
	}
	for (i = 0; i < in->nallow && i < MR_MAX_HINT_PROVIDERS; i++) {
		if (mr_is_blank(in->allowlist[i])) {
			*msg = "routing hint provider_allowlist must be a list of "
			    "non-empty strings";
			return -1;
		}
		list_add(h->allow, &h->nallow, MR_MAX_HINT_PROVIDERS,
		    in->allowlist[i]);
	}
	/* As in the reference, an empty allowlist restricts nothing. */
	h->allow_set = h->nallow > 0;
	for (i = 0; i < in->ndeny && i < MR_MAX_HINT_PROVIDERS; i++) {
		if (mr_is_blank(in->denylist[i])) {
			*msg = "routing hint provider_denylist must be a list of "
			    "non-empty strings";
			return -1;
		}
		list_add(h->deny, &h->ndeny, MR_MAX_HINT_PROVIDERS,
		    in->denylist[i]);
	}
	h->local_only = in->local_only;
	h->hosted_allowed = in->hosted_allowed;

	switch (h->profile) {
	case MR_PROFILE_FAST:
		h->latency_sensitive = true;
		if (h->max_cost == NULL)
			h->max_cost = "low";
		if (h->max_latency == NULL)
			h->max_latency = "medium";
		break;
	case MR_PROFILE_PRIVATE:
		/*
		 * Ours: a caller allowlist narrows the private profile's
		 * [local, human] instead of replacing it.
		 */
		if (!h->allow_set) {
			h->allow[0] = local_human[0];
			h->allow[1] = local_human[1];
			h->nallow = 2;
			h->allow_set = true;
		} else {
			for (i = j = 0; i < h->nallow; i++)
				if (list_has(local_human, 2, h->allow[i]))
					h->allow[j++] = h->allow[i];
			h->nallow = j;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* The stricter of two tiers (NULL: unset); ties go to A. */
static const char *
stricter(const char *a, const char *b, int (*rank)(const char *))
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return rank(b) < rank(a) ? b : a;
}

static bool
is_local_or_human(const char *p)
{
	return strcmp(p, "local") == 0 || strcmp(p, "human") == 0;
}

/*
 * Intersects A (restricting when A_SET) with B (restricting when B_SET)
 * into OUT.  Ours: two restricting lists that share nothing restrict to
 * nothing, where the reference lifted the restriction.
 */
static bool
intersect(const char *const *a, size_t na, bool a_set,
    const char *const *b, size_t nb, bool b_set, const char **out,
    size_t *nout)
{
	size_t i;

	*nout = 0;
	if (a_set && b_set) {
		for (i = 0; i < na; i++)
			if (list_has(b, nb, a[i]))
				list_add(out, nout, REQ_MAX, a[i]);
		return true;
	}
	if (a_set) {
		for (i = 0; i < na; i++)
			list_add(out, nout, REQ_MAX, a[i]);
		return true;
	}
	if (b_set) {
		for (i = 0; i < nb; i++)
			list_add(out, nout, REQ_MAX, b[i]);
		return true;
	}
	return false;
}

/*
 * Requirements for TARGET under hints H (§3.4).  CFG may be NULL: no
 * provider policy (the config could not be loaded).
 */
static void
derive_req(const struct mr_config *cfg, const struct hints *h,
    enum mr_target target, struct req *q)
{
	static const struct mr_policy none = { .hosted_allowed = true };
	const struct mr_policy *base = cfg ? &cfg->policy : &none, *pool = NULL;
	const char *start[REQ_MAX];
	size_t nstart = 0, i;
	bool pol_set, restrict_set, local;

	memset(q, 0, sizeof(*q));
	q->target = target;
	q->profile = h->profile;
	q->pool = cfg ? mr_config_pool(cfg, mr_target_name(target)) : NULL;
	if (q->pool != NULL)
		pool = &q->pool->policy;

	/* 1. Effective policy: base merged with the route pool. */
	pol_set = intersect((const char *const *)base->allowlist.v,
	    base->allowlist.n, base->allowlist.n > 0,
	    pool ? (const char *const *)pool->allowlist.v : NULL,
	    pool ? pool->allowlist.n : 0, pool && pool->allowlist.n > 0,
	    q->pol_allow, &q->npol_allow);
	for (i = 0; i < base->denylist.n; i++)
		list_add(q->pol_deny, &q->npol_deny, REQ_MAX,
		    base->denylist.v[i]);
	for (i = 0; pool && i < pool->denylist.n; i++)
		list_add(q->pol_deny, &q->npol_deny, REQ_MAX,
		    pool->denylist.v[i]);
	q->pol_local = base->local_only || !base->hosted_allowed ||
	    (pool && (pool->local_only || !pool->hosted_allowed));
	/* Ours: a pool can tighten the base caps but never loosen them. */
	q->pol_max_cost = stricter(base->max_cost_tier,
	    pool ? pool->max_cost_tier : NULL, mr_cost_tier_rank);
	q->pol_max_latency = stricter(base->max_latency_tier,
	    pool ? pool->max_latency_tier : NULL, mr_latency_tier_rank);

	/* 2-3. Modalities and tools. */
	for (i = 0; i < h->nattach; i++)
		if (h->attach[i] != MR_ATT_CODE)
			q->mods[q->nmods++] = attachment_names[h->attach[i]];
	q->needs_tools = target == MR_TARGET_CODING ||
	    target == MR_TARGET_RESEARCH || target == MR_TARGET_VISION ||
	    target == MR_TARGET_IMAGE_GENERATION || q->nmods > 0;

	/* 4. Allowed providers. */
	restrict_set = intersect(q->pol_allow, q->npol_allow, pol_set,
	    h->allow, h->nallow, h->allow_set, start, &nstart);
	local = q->pol_local || h->local_only || h->hosted_allowed == 0;
	if (local) {
		if (!restrict_set) {
			q->allowed[q->nallowed++] = "local";
			q->allowed[q->nallowed++] = "human";
		} else {
			/* Ours: no widening back to local when the
			 * allowlist had no local provider. */
			for (i = 0; i < nstart; i++)
				if (is_local_or_human(start[i]))
					list_add(q->allowed, &q->nallowed,
					    REQ_MAX, start[i]);
		}
		restrict_set = true;
	} else {
		for (i = 0; i < nstart; i++)
			list_add(q->allowed, &q->nallowed, REQ_MAX, start[i]);
	}
	if (restrict_set)
		list_add(q->allowed, &q->nallowed, REQ_MAX, "human");

	/* 5. Denied providers (never the human gate). */
	for (i = 0; i < q->npol_deny; i++)
		if (strcmp(q->pol_deny[i], "human") != 0)
			list_add(q->denied, &q->ndenied, REQ_MAX,
			    q->pol_deny[i]);
	for (i = 0; i < h->ndeny; i++)
		if (strcmp(h->deny[i], "human") != 0)
			list_add(q->denied, &q->ndenied, REQ_MAX, h->deny[i]);

	/* 6. Tier caps. */
	q->max_cost = stricter(h->max_cost, q->pol_max_cost,
	    mr_cost_tier_rank);
	q->max_latency = stricter(h->max_latency ? h->max_latency :
	    (h->latency_sensitive ? "medium" : NULL), q->pol_max_latency,
	    mr_latency_tier_rank);
	q->max_cost_rank = q->max_cost ? mr_cost_tier_rank(q->max_cost) : -1;
	q->max_latency_rank = q->max_latency ?
	    mr_latency_tier_rank(q->max_latency) : -1;
}

/*
 * The compatibility check (§3.5): NULL when engine E may serve Q, else the
 * rejection reason, written into BUF.
 */
static const char *
incompatible(const struct mr_engine *e, const struct req *q, char *buf,
    size_t bufsz)
{
	size_t i;
	bool gate = strcmp(e->provider, "human") == 0;

	if (list_has(q->denied, q->ndenied, e->provider)) {
		snprintf(buf, bufsz, "provider %s denied by provider policy",
		    e->provider);
		return buf;
	}
	if (q->nallowed > 0 && !list_has(q->allowed, q->nallowed,
	    e->provider)) {
		if (q->profile == MR_PROFILE_PRIVATE)
			snprintf(buf, bufsz, "provider %s excluded by private "
			    "routing profile (local-only)", e->provider);
		else
			snprintf(buf, bufsz, "provider %s not allowed by "
			    "provider policy", e->provider);
		return buf;
	}
	/* Ours: the human confirmation gate accepts every request. */
	if (gate)
		return NULL;
	if (q->needs_tools && !e->supports_tools)
		return "tools required but engine does not support tools";
	for (i = 0; i < q->nmods; i++) {
		if (!mr_strlist_has(&e->modalities, q->mods[i])) {
			snprintf(buf, bufsz, "missing required modality %s",
			    q->mods[i]);
			return buf;
		}
	}
	if (q->max_cost_rank >= 0 && e->cost_rank > q->max_cost_rank) {
		snprintf(buf, bufsz, "cost_tier %s exceeds %s", e->cost_tier,
		    q->max_cost);
		return buf;
	}
	if (q->max_latency_rank >= 0 &&
	    e->latency_rank > q->max_latency_rank) {
		snprintf(buf, bufsz, "latency_tier %s exceeds %s",
		    e->latency_tier, q->max_latency);
		return buf;
	}
	return NULL;
}

static void
reject(struct trace *t, const char *engine, const char *reason)
{
	struct mr_decision *d = t->d;
	size_t i;

	for (i = 0; i < d->nrejected; i++)
		if (strcmp(d->rejected[i].engine, engine) == 0 &&
		    strcmp(d->rejected[i].reason, reason) == 0)
			return;
	d->rejected = mr_xrealloc(d->rejected,
	    (d->nrejected + 1) * sizeof(*d->rejected));
	d->rejected[d->nrejected].engine = mr_xstrdup(engine);
	d->rejected[d->nrejected].reason = mr_xstrdup(reason);
	d->nrejected++;
}

static void
walk_fail(const struct mr_router *r, struct walk *w)
{
	w->selected = r->human;
	w->fallback = r->human;
	w->used = true;
	w->valid = false;
}

/*
 * Walks the fallback chain from the engine called NAME (§3.6).  T may be
 * NULL (fast path).
 */
static void
resolve(const struct mr_router *r, const char *name, const struct req *q,
    struct trace *t, struct walk *w)
{
	const struct mr_config *cfg = r->cfg;
	const struct mr_engine *e;
	uint64_t visited[MAX_ENGINES / 64];
	const char *cause = "disabled", *why;
	char buf[256];
	int cur, first;
	size_t i;

	memset(visited, 0, sizeof(visited));
	memset(w, 0, sizeof(*w));
	w->fallback = -1;
	w->valid = true;
	first = cur = mr_config_engine_index(cfg, name);
	for (;;) {
		if (cur < 0) {
			if (t) {
				reject(t, name, "engine is undefined");
				mr_strlist_clear(&t->d->availability_reasons);
				mr_strlist_push_take(&t->d->availability_reasons,
				    mr_xasprintf("engine '%s' is undefined",
				    name));
				mr_strlist_push_take(&t->fallback_reasons,
				    mr_xasprintf("fallback to human_confirm: "
				    "engine '%s' is undefined", name));
			}
			walk_fail(r, w);
			return;
		}
		e = &cfg->engines[cur];
		if (visited[cur / 64] & ((uint64_t)1 << (cur % 64))) {
			if (t) {
				reject(t, e->name, "fallback cycle detected");
				mr_strlist_clear(&t->d->availability_reasons);
				mr_strlist_push(&t->d->availability_reasons,
				    "fallback cycle detected");
				mr_strlist_push(&t->fallback_reasons,
				    "fallback to human_confirm: fallback cycle "
				    "detected");
			}
			walk_fail(r, w);
			return;
		}
		visited[cur / 64] |= (uint64_t)1 << (cur % 64);
		if (!e->enabled) {
			if (t)
				reject(t, e->name, "engine disabled");
			if (e->fallback_idx < 0 && e->fallback == NULL) {
				if (t) {
					mr_strlist_clear(
					    &t->d->availability_reasons);
					mr_strlist_push_take(
					    &t->d->availability_reasons,
					    mr_xasprintf("%s disabled with no "
					    "fallback", e->name));
					mr_strlist_push_take(&t->fallback_reasons,
					    mr_xasprintf("fallback to "
					    "human_confirm: %s disabled",
					    e->name));
				}
				walk_fail(r, w);
				return;
			}
			name = e->fallback;
			cur = e->fallback_idx;
			continue;
		}
		if (t)
			for (i = 0; i < e->availability_reasons.n; i++)
				mr_strlist_push_take(&t->d->availability_reasons,
				    mr_xasprintf("%s: %s", e->name,
				    e->availability_reasons.v[i]));
		why = e->available ? incompatible(e, q, buf, sizeof(buf)) :
		    "engine unavailable";
		if (why != NULL) {
			if (t)
				reject(t, e->name, why);
			if (e->fallback == NULL) {
				if (t)
					mr_strlist_push_take(&t->fallback_reasons,
					    mr_xasprintf("fallback to "
					    "human_confirm: %s %s", e->name,
					    e->available ? "rejected" :
					    "unavailable"));
				walk_fail(r, w);
				return;
			}
			if (t) {
				if (e->available)
					mr_strlist_push_take(
					    &t->d->availability_reasons,
					    mr_xasprintf("%s rejected (%s); "
					    "trying fallback %s", e->name, why,
					    e->fallback));
				else
					mr_strlist_push_take(
					    &t->d->availability_reasons,
					    mr_xasprintf("%s unavailable; trying "
					    "fallback %s", e->name,
					    e->fallback));
			}
			cause = e->available ? "rejected" : "unavailable";
			name = e->fallback;
			cur = e->fallback_idx;
			continue;
		}
		w->selected = cur;
		if (cur == first) {
			w->fallback = e->fallback_idx;
			w->used = false;
		} else {
			w->fallback = cur;
			w->used = true;
			if (t)
				mr_strlist_push_take(&t->fallback_reasons,
				    mr_xasprintf("fallback to %s: %s %s",
				    e->name, cfg->engines[first].name, cause));
		}
		return;
	}
}

/* Confirmation predicates and the route category (§3.2–3.3). */
struct choice {
	enum mr_target	 target;
	bool		 confirm;	/* HC or AHI or SAFE */
	const char	*reason;
	bool		 force_ignored;
};

static void
choose_target(const struct mr_config *cfg, const struct mr_analysis *a,
    const struct hints *h, struct choice *c)
{
	const struct mr_safety *s = &cfg->safety;
	bool hc, ahi, safe, any_action;
	size_t i;

#define HAS(x) mr_has(a, MR_F_##x)
	any_action = HAS(DESTRUCTIVE_ACTION) || HAS(SEND_ACTION) ||
	    HAS(PURCHASE_ACTION) || HAS(HIGH_IMPACT_EXTERNAL_ACTION);
	hc = s->require_human_confirmation &&
	    ((HAS(DESTRUCTIVE_ACTION) && !s->allow_destructive_actions) ||
	    (HAS(SEND_ACTION) && !s->allow_send_actions) ||
	    (HAS(PURCHASE_ACTION) && !s->allow_purchase_actions) ||
	    (HAS(HIGH_IMPACT_EXTERNAL_ACTION) &&
	    !s->allow_high_impact_external_actions) ||
	    (HAS(REQUIRES_CONFIRMATION) && !any_action));
	/* Ours: a destructive shell command is never waived by overrides. */
	if (s->require_human_confirmation && HAS(DESTRUCTIVE_COMMAND))
		hc = true;
	ahi = s->require_human_confirmation &&
	    !s->allow_ambiguous_high_impact && HAS(AMBIGUOUS) &&
	    HAS(SENSITIVE_DOMAIN);
	safe = s->require_human_confirmation &&
	    h->profile == MR_PROFILE_SAFE && (HAS(AMBIGUOUS) ||
	    HAS(SENSITIVE_DOMAIN) || HAS(REQUIRES_CONFIRMATION) ||
	    a->risk >= 50);

	memset(c, 0, sizeof(*c));
	c->confirm = hc || ahi || safe;
	if (h->force != NULL && c->confirm &&
	    strcmp(h->force, "human_confirm") != 0) {
		c->target = MR_TARGET_CONFIRMATION;
		c->force_ignored = true;
		return;
	}
	if (safe) {
		c->target = MR_TARGET_CONFIRMATION;
		c->reason = "routing profile safe requires confirmation";
		return;
	}
	if (hc) {
		c->target = MR_TARGET_CONFIRMATION;
		c->reason = target_reasons[MR_TARGET_CONFIRMATION];
		return;
	}
	if (ahi) {
		c->target = MR_TARGET_CONFIRMATION;
		c->reason = "ambiguous high-impact request";
		return;
	}
	if (HAS(REQUIRES_IMAGE_GENERATION)) {
		c->target = MR_TARGET_IMAGE_GENERATION;
		c->reason = target_reasons[c->target];
		return;
	}
	for (i = 0; i < h->nattach; i++) {
		if (h->attach[i] != MR_ATT_CODE) {
			c->target = MR_TARGET_VISION;
			c->reason = "attachment modality requires vision or "
			    "extraction";
			return;
		}
	}
	if (HAS(REQUIRES_VISION) && !HAS(REQUIRES_CODE_EXECUTION))
		c->target = MR_TARGET_VISION;
	else if (HAS(REQUIRES_FRESHNESS))
		c->target = MR_TARGET_RESEARCH;
	else if (HAS(REQUIRES_CODE_EXECUTION) || HAS(CODING_INTENT))
		c->target = MR_TARGET_CODING;
	else if (a->complexity >= 60 || HAS(MULTI_STEP_REASONING) ||
	    HAS(LONG_CONTEXT))
		c->target = MR_TARGET_REASONING;
	else if (a->confidence < 60) {
		c->target = MR_TARGET_REASONING;
		c->reason = "low confidence routes upward";
		return;
	} else if (HAS(SIMPLE_TRANSFORM) && a->complexity < 35 && a->risk < 20)
		c->target = MR_TARGET_SIMPLE;
	else
		c->target = MR_TARGET_BALANCED;
	c->reason = target_reasons[c->target];
#undef HAS
}

/* Everything route() and route_fast() decide, before any text is made. */
struct core {
	struct mr_analysis a;
	struct hints	 h;
	struct choice	 c;
	struct req	 q;
	struct walk	 w;
	const char	*hint_error;	/* invalid hints: fail closed */
};

static void
decide_core(const struct mr_router *r, const char *prompt, size_t len,
    const struct mr_hints *in, struct core *k, struct trace *t)
{
	const char *engine;

	mr_score(&r->cfg->scoring, prompt, len, &k->a);
	k->hint_error = NULL;
	if (hints_prepare(in, &k->h, &k->hint_error) < 0 || r->broken) {
		if (r->broken)
			k->hint_error = "provider policy lists exceed the "
			    "supported size";
		walk_fail(r, &k->w);
		return;
	}
	choose_target(r->cfg, &k->a, &k->h, &k->c);
	derive_req(r->cfg, &k->h, k->c.target, &k->q);
	if (k->h.force != NULL && !k->c.force_ignored)
		engine = k->h.force;
	else
		engine = r->cfg->targets[k->c.target].engine;
	resolve(r, engine, &k->q, t, &k->w);
}

const char *
mr_route_fast(const struct mr_router *r, const char *prompt, size_t len,
    const struct mr_hints *hints)
{
	struct mr_analysis a;
	struct hints h;
	struct choice c;
	struct core k;

	if (hints == NULL && !r->broken) {
		/* No hints: the selection per target is precomputed. */
		mr_score(&r->cfg->scoring, prompt, len, &a);
		memset(&h, 0, sizeof(h));
		h.profile = MR_PROFILE_BALANCED;
		h.hosted_allowed = -1;
		choose_target(r->cfg, &a, &h, &c);
		return r->cfg->engines[r->fast[c.target]].name;
	}
	decide_core(r, prompt, len, hints, &k, NULL);
	return r->cfg->engines[k.w.selected].name;
}

struct mr_router *
mr_router_new(struct mr_config *cfg)
{
	struct mr_router *r = mr_xcalloc(1, sizeof(*r));
	struct hints h;
	struct req q;
	struct walk w;
	size_t i;
	int t;

	r->cfg = cfg;
	r->human = mr_config_engine_index(cfg, "human_confirm");
	r->intent = mr_config_engine_index(cfg, "intent_router");
	if (cfg->nengines > MAX_ENGINES || cfg->policy.allowlist.n >
	    CFG_LIST_MAX || cfg->policy.denylist.n > CFG_LIST_MAX)
		r->broken = true;
	for (i = 0; i < cfg->npools; i++)
		if (cfg->pools[i].policy.allowlist.n > CFG_LIST_MAX ||
		    cfg->pools[i].policy.denylist.n > CFG_LIST_MAX)
			r->broken = true;
	memset(&h, 0, sizeof(h));
	h.profile = MR_PROFILE_BALANCED;
	h.hosted_allowed = -1;
	for (t = 0; t < MR_TARGET_COUNT; t++) {
		if (r->broken) {
			r->fast[t] = r->human;
			continue;
		}
		derive_req(cfg, &h, (enum mr_target)t, &q);
		resolve(r, cfg->targets[t].engine, &q, NULL, &w);
		r->fast[t] = w.selected;
	}
	return r;
}

void
mr_router_free(struct mr_router *r)
{
	if (r == NULL)
		return;
	mr_config_free(r->cfg);
	free(r);
}

const struct mr_config *
mr_router_config(const struct mr_router *r)
{
	return r->cfg;
}

/* ---- the full decision ------------------------------------------------ */

static void
add_reason(struct mr_decision *d, const char *s)
{
	mr_strlist_push_unique(&d->reasons, s);
}

static void
scorer_reasons(const struct mr_analysis *a, struct mr_decision *d)
{
	int i;

	for (i = 0; i < MR_S_COUNT; i++)
		if (a->signals & (1u << i))
			add_reason(d, mr_signal_info[i].reason);
}

static void
fill_requirements(const struct req *q, struct mr_requirements *out)
{
	struct mr_buf b = MR_BUF_INIT;
	size_t i;

	out->profile = q->profile;
	out->needs_tools = q->needs_tools;
	for (i = 0; i < q->nmods; i++)
		mr_strlist_push(&out->required_modalities, q->mods[i]);
	out->max_cost_tier = q->max_cost;
	out->max_latency_tier = q->max_latency;
	for (i = 0; i < q->nallowed; i++)
		mr_strlist_push(&out->allowed_providers, q->allowed[i]);
	for (i = 0; i < q->ndenied; i++)
		mr_strlist_push(&out->denied_providers, q->denied[i]);
	mr_strlist_push(&out->profile_reasons, profile_reasons[q->profile]);
	if (q->pool != NULL)
		mr_strlist_push_take(&out->provider_policy_reasons,
		    mr_xasprintf("provider policy route pool applied for %s",
		    mr_target_name(q->target)));
	if (q->pol_local)
		mr_strlist_push(&out->provider_policy_reasons,
		    "provider policy local-only excludes hosted providers");
	if (q->npol_allow > 0) {
		mr_buf_addstr(&b, "provider policy allowlist: ");
		for (i = 0; i < q->npol_allow; i++)
			mr_buf_printf(&b, "%s%s", i ? ", " : "",
			    q->pol_allow[i]);
		mr_strlist_push_take(&out->provider_policy_reasons,
		    mr_buf_detach(&b));
	}
	if (q->npol_deny > 0) {
		mr_buf_addstr(&b, "provider policy denylist: ");
		for (i = 0; i < q->npol_deny; i++)
			mr_buf_printf(&b, "%s%s", i ? ", " : "",
			    q->pol_deny[i]);
		mr_strlist_push_take(&out->provider_policy_reasons,
		    mr_buf_detach(&b));
	}
	if (q->pol_max_cost)
		mr_strlist_push_take(&out->provider_policy_reasons,
		    mr_xasprintf("provider policy max cost tier: %s",
		    q->pol_max_cost));
	if (q->pol_max_latency)
		mr_strlist_push_take(&out->provider_policy_reasons,
		    mr_xasprintf("provider policy max latency tier: %s",
		    q->pol_max_latency));
}

static int
rank_score(const struct mr_engine *e, const double *wt)
{
	double v = e->capability * wt[0] + e->trust * wt[1] +
	    (100 - e->cost) * wt[2] + (100 - e->latency) * wt[3];
	int s = (int)lrint(v);	/* half to even, as Python's round() */

	return s < 0 ? 0 : s > 100 ? 100 : s;
}

static int
alt_cmp(const void *pa, const void *pb)
{
	const struct mr_alternative *a = pa, *b = pb;

	/* descending by (rank, capability, 100-cost, 100-latency, name) */
	if (a->rank_score != b->rank_score)
		return b->rank_score - a->rank_score;
	if (a->capability != b->capability)
		return b->capability - a->capability;
	if (a->cost != b->cost)
		return a->cost - b->cost;
	if (a->latency != b->latency)
		return a->latency - b->latency;
	return strcmp(b->engine, a->engine);
}

static void
alternatives(const struct mr_router *r, const struct core *k,
    struct trace *t)
{
	static const double w_lat[4] = { 0.20, 0.20, 0.10, 0.50 };
	static const double w_risk[4] = { 0.25, 0.50, 0.15, 0.10 };
	static const double w_cx[4] = { 0.55, 0.25, 0.15, 0.05 };
	static const double w_def[4] = { 0.45, 0.30, 0.20, 0.05 };
	const struct mr_config *cfg = r->cfg;
	struct mr_decision *d = t->d;
	const struct mr_engine *e;
	const double *wt = w_def;
	const char *mode = NULL, *why;
	struct mr_alternative *alt;
	char buf[256];
	size_t i;

	if (k->h.latency_sensitive) {
		wt = w_lat;
		mode = "latency-sensitive ranking";
	} else if (k->a.risk >= 50 ||
	    mr_has(&k->a, MR_F_SENSITIVE_DOMAIN)) {
		wt = w_risk;
		mode = "risk-sensitive ranking";
	} else if (k->a.complexity >= 60 || mr_has(&k->a, MR_F_LONG_CONTEXT)) {
		wt = w_cx;
		mode = "complexity-sensitive ranking";
	}
	for (i = 0; i < cfg->nengines; i++) {
		e = &cfg->engines[i];
		if ((int)i == k->w.selected || !e->enabled ||
		    (int)i == r->human || (int)i == r->intent)
			continue;
		why = e->available ? incompatible(e, &k->q, buf, sizeof(buf)) :
		    "engine unavailable";
		if (why != NULL) {
			reject(t, e->name, why);
			continue;
		}
		d->alternatives = mr_xrealloc(d->alternatives,
		    (d->nalternatives + 1) * sizeof(*d->alternatives));
		alt = &d->alternatives[d->nalternatives++];
		memset(alt, 0, sizeof(*alt));
		alt->engine = e->name;
		alt->rank_score = rank_score(e, wt);
		alt->capability = e->capability;
		alt->trust = e->trust;
		alt->cost = e->cost;
		alt->latency = e->latency;
		mr_strlist_push_take(&alt->reasons,
		    mr_xasprintf("capability %d/100", e->capability));
		mr_strlist_push_take(&alt->reasons,
		    mr_xasprintf("trust %d/100", e->trust));
		mr_strlist_push_take(&alt->reasons,
		    mr_xasprintf("cost %d/100", e->cost));
		mr_strlist_push_take(&alt->reasons,
		    mr_xasprintf("latency %d/100", e->latency));
		if (mode)
			mr_strlist_push(&alt->reasons, mode);
	}
	if (d->nalternatives > 1)
		qsort(d->alternatives, d->nalternatives,
		    sizeof(*d->alternatives), alt_cmp);
}

static void
clear_alternatives(struct mr_decision *d)
{
	size_t i;

	for (i = 0; i < d->nalternatives; i++)
		mr_strlist_clear(&d->alternatives[i].reasons);
	free(d->alternatives);
	d->alternatives = NULL;
	d->nalternatives = 0;
}

/* The shape shared by both fail-closed decisions (§1.10). */
static void
fail_closed_shape(struct mr_decision *d, const struct mr_analysis *a,
    const char *error)
{
	d->selected_engine = "human_confirm";
	d->fallback_engine = NULL;
	d->requires_confirmation = true;
	d->availability_valid = false;
	d->fallback_used = true;
	d->complexity = a->complexity;
	d->risk = a->risk > 80 ? a->risk : 80;
	d->confidence = a->confidence < 50 ? a->confidence : 50;
	d->requires_tools = mr_has(a, MR_F_REQUIRES_TOOLS);
	d->requires_vision = mr_has(a, MR_F_REQUIRES_VISION);
	d->requires_freshness = mr_has(a, MR_F_REQUIRES_FRESHNESS);
	d->requires_code_execution = mr_has(a, MR_F_REQUIRES_CODE_EXECUTION);
	d->requires_image_generation =
	    mr_has(a, MR_F_REQUIRES_IMAGE_GENERATION);
	d->analysis = *a;
	d->analysis.features |= MR_FBIT(REQUIRES_CONFIRMATION);
	scorer_reasons(a, d);
	mr_strlist_push_take(&d->availability_reasons,
	    mr_xasprintf("fail-closed: %s", error));
	mr_strlist_push_take(&d->reasons, mr_xasprintf("fail-closed: %s",
	    error));
}

void
mr_route(const struct mr_router *r, const char *prompt, size_t len,
    const struct mr_hints *hints, bool include_alternatives,
    struct mr_decision *d)
{
	const struct mr_config *cfg = r->cfg;
	struct trace t;
	struct core k;
	char *msg;
	size_t i;
	int fb;

	memset(d, 0, sizeof(*d));
	memset(&t, 0, sizeof(t));
	t.d = d;
	decide_core(r, prompt, len, hints, &k, &t);
	d->profile = k.h.profile;
	d->config_valid = true;

	if (k.hint_error != NULL) {
		/* Invalid hints fail closed with bare requirements. */
		msg = mr_xasprintf("invalid routing hints: %s", k.hint_error);
		fail_closed_shape(d, &k.a, msg);
		free(msg);
		/* Bare requirements: no profile, no policy. */
		d->req.profile = MR_PROFILE_BALANCED;
		d->profile = MR_PROFILE_BALANCED;
		return;
	}

	d->analysis = k.a;
	d->complexity = k.a.complexity;
	d->risk = k.a.risk;
	d->confidence = k.a.confidence;
	fill_requirements(&k.q, &d->req);

	scorer_reasons(&k.a, d);
	for (i = 0; i < d->req.profile_reasons.n; i++)
		add_reason(d, d->req.profile_reasons.v[i]);
	for (i = 0; i < d->req.provider_policy_reasons.n; i++)
		add_reason(d, d->req.provider_policy_reasons.v[i]);
	if (k.h.force != NULL && !k.c.force_ignored) {
		msg = mr_xasprintf("forced engine %s", k.h.force);
		add_reason(d, msg);
		free(msg);
		if (mr_config_engine_index(cfg, k.h.force) < 0) {
			msg = mr_xasprintf("unknown forced engine %s",
			    k.h.force);
			add_reason(d, msg);
			free(msg);
		}
	} else if (k.c.force_ignored) {
		msg = mr_xasprintf("force_engine ignored for request requiring "
		    "confirmation: %s", k.h.force);
		add_reason(d, msg);
		free(msg);
	} else if (k.c.reason != NULL)
		add_reason(d, k.c.reason);
	for (i = 0; i < t.fallback_reasons.n; i++)
		add_reason(d, t.fallback_reasons.v[i]);
	mr_strlist_clear(&t.fallback_reasons);

	d->selected_engine = cfg->engines[k.w.selected].name;
	fb = k.w.fallback;
	d->fallback_engine = fb >= 0 ? cfg->engines[fb].name : NULL;
	d->fallback_used = k.w.used;
	d->availability_valid = k.w.valid;
	d->requires_confirmation = k.c.confirm || k.w.selected == r->human;
	d->requires_tools = k.q.needs_tools;
	d->requires_vision = mr_has(&k.a, MR_F_REQUIRES_VISION) ||
	    k.q.nmods > 0;
	d->requires_freshness = mr_has(&k.a, MR_F_REQUIRES_FRESHNESS);
	d->requires_code_execution =
	    mr_has(&k.a, MR_F_REQUIRES_CODE_EXECUTION);
	d->requires_image_generation =
	    mr_has(&k.a, MR_F_REQUIRES_IMAGE_GENERATION);

	if (include_alternatives) {
		alternatives(r, &k, &t);
		/* The gate is selected: the request needs confirmation. */
		if (k.w.selected == r->human)
			clear_alternatives(d);
	}
}

void
mr_route_config_error(const char *error, const char *prompt, size_t len,
    const struct mr_hints *hints, struct mr_decision *d)
{
	struct mr_scoring s;
	struct mr_analysis a;
	struct hints h;
	struct req q;
	const char *msg;

	memset(d, 0, sizeof(*d));
	mr_scoring_defaults(&s);
	mr_score(&s, prompt, len, &a);
	fail_closed_shape(d, &a, error);
	d->config_valid = false;
	if (hints_prepare(hints, &h, &msg) < 0) {
		memset(&h, 0, sizeof(h));
		h.profile = MR_PROFILE_BALANCED;
		h.hosted_allowed = -1;
	}
	/* Requirements from the hints alone: there is no policy to read. */
	derive_req(NULL, &h, MR_TARGET_CONFIRMATION, &q);
	fill_requirements(&q, &d->req);
	d->profile = h.profile;
}

void
mr_decision_release(struct mr_decision *d)
{
	size_t i;

	mr_strlist_clear(&d->reasons);
	mr_strlist_clear(&d->availability_reasons);
	mr_strlist_clear(&d->req.required_modalities);
	mr_strlist_clear(&d->req.allowed_providers);
	mr_strlist_clear(&d->req.denied_providers);
	mr_strlist_clear(&d->req.profile_reasons);
	mr_strlist_clear(&d->req.provider_policy_reasons);
	for (i = 0; i < d->nrejected; i++) {
		free(d->rejected[i].engine);
		free(d->rejected[i].reason);
	}
	free(d->rejected);
	clear_alternatives(d);
	memset(d, 0, sizeof(*d));
}
