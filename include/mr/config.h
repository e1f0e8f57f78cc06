/*
 * The router configuration (model_router.yaml): schema, defaults and
 * validation compatible with hermes-router 0.7.4 (router-core.md §1), with
 * the deliberate differences listed in docs/routing-differences.md
 * (cost and latency tiers are validated).
 *
 * Loading never prints; every failure fills a struct mr_error with the file,
 * line and column of the offending node.
 */
#ifndef MR_CONFIG_H
#define MR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"

/* The nine engines every config must define, in the reference's order. */
#define MR_REQUIRED_ENGINES \
	X(INTENT_ROUTER, "intent_router") \
	X(FAST_LOCAL, "fast_local") \
	X(BALANCED_LOCAL, "balanced_local") \
	X(REASONING_LOCAL, "reasoning_local") \
	X(CODE_AGENT, "code_agent") \
	X(WEB_RESEARCH, "web_research") \
	X(MULTIMODAL_VISION, "multimodal_vision") \
	X(IMAGE_GENERATION, "image_generation") \
	X(HUMAN_CONFIRM, "human_confirm")

/* Route categories (routing_targets keys), in the reference's order. */
enum mr_target {
	MR_TARGET_SIMPLE,
	MR_TARGET_BALANCED,
	MR_TARGET_REASONING,
	MR_TARGET_CODING,
	MR_TARGET_RESEARCH,
	MR_TARGET_VISION,
	MR_TARGET_IMAGE_GENERATION,
	MR_TARGET_CONFIRMATION,
	MR_TARGET_COUNT
};
const char *mr_target_name(enum mr_target t);
/* -1 when NAME is not a target. */
int	 mr_target_from_name(const char *name);

/*
 * Tier vocabularies.  Cost: none=0 free=0 low=1 medium=2 paid=2 high=3.
 * Latency: low=1 medium=2 high=3 manual=4.  -1 for an unknown tier.
 */
int	 mr_cost_tier_rank(const char *tier);
int	 mr_latency_tier_rank(const char *tier);
extern const char *const mr_cost_tiers[];	/* NULL-terminated */
extern const char *const mr_latency_tiers[];	/* NULL-terminated */

/* Modalities the router knows; engines may list others (kept as text). */
enum {
	MR_MOD_IMAGE = 1 << 0,
	MR_MOD_PDF = 1 << 1,
	MR_MOD_AUDIO = 1 << 2
};

enum mr_avail_status {
	MR_AVAIL_AUTO,
	MR_AVAIL_AVAILABLE,
	MR_AVAIL_UNAVAILABLE
};

struct mr_engine {
	char		*name;
	char		*provider;
	char		*model;
	char		*adapter;
	struct mr_strlist strengths;
	long		 max_context;
	char		*cost_tier;
	char		*latency_tier;
	int		 cost_rank;	/* mr_cost_tier_rank(cost_tier) */
	int		 latency_rank;	/* mr_latency_tier_rank(latency_tier) */
	bool		 enabled;
	char		*fallback;	/* NULL when none */
	int		 fallback_idx;	/* index into engines, -1 when none */

	enum mr_avail_status avail_status;
	struct mr_strlist required_env;
	struct mr_strlist required_commands;
	struct mr_strlist required_paths;

	bool		 supports_tools;
	struct mr_strlist modalities;	/* as written (blanks dropped) */
	unsigned	 modality_mask;	/* MR_MOD_* present in modalities */
	char		*capability_tier;
	char		*trust_tier;
	int		 capability;	/* 0..100 */
	int		 trust;
	int		 cost;
	int		 latency;

	/* Availability, filled by mr_config_check_availability(). */
	bool		 available;
	struct mr_strlist availability_reasons;

	/* Where the engine is defined, for messages. */
	int		 line;
	int		 col;
};

/* Provider policy (config section or one route pool). */
struct mr_policy {
	struct mr_strlist allowlist;
	struct mr_strlist denylist;
	bool		 local_only;
	bool		 hosted_allowed;
	char		*max_cost_tier;		/* NULL when unset */
	char		*max_latency_tier;	/* NULL when unset */
};

struct mr_route_pool {
	char		*target;	/* key as written (stripped) */
	struct mr_policy policy;
};

/* Scoring features that carry a weight (router-core.md §2.4). */
#define MR_WEIGHTS \
	X(C_MEDIUM_PROMPT, COMPLEXITY, "medium_prompt", 10, 10) \
	X(C_LONG_PROMPT, COMPLEXITY, "long_prompt", 15, 20) \
	X(C_VERY_LONG_PROMPT, COMPLEXITY, "very_long_prompt", 15, 25) \
	X(C_CODING_INTENT, COMPLEXITY, "coding_intent", 25, 30) \
	X(C_RESEARCH_INTENT, COMPLEXITY, "research_intent", 20, 20) \
	X(C_CURRENT_INFO_INTENT, COMPLEXITY, "current_info_intent", 20, 20) \
	X(C_MULTI_STEP_REASONING, COMPLEXITY, "multi_step_reasoning", 25, 25) \
	X(C_ARCHITECTURE, COMPLEXITY, "architecture", 25, 25) \
	X(C_TOOL_INTENT, COMPLEXITY, "tool_intent", 10, 12) \
	X(C_STRUCTURED_OUTPUT, COMPLEXITY, "structured_output", 8, 10) \
	X(C_AMBIGUOUS, COMPLEXITY, "ambiguous", 12, 15) \
	X(C_LONG_CONTEXT, COMPLEXITY, "long_context", 20, 35) \
	X(C_SENSITIVE_DOMAIN, COMPLEXITY, "sensitive_domain", 8, 8) \
	X(C_VISION_INTENT, COMPLEXITY, "vision_intent", 15, 20) \
	X(C_IMAGE_GENERATION_INTENT, COMPLEXITY, "image_generation_intent", 18, 22) \
	X(R_DESTRUCTIVE_ACTION, RISK, "destructive_action", 70, 100) \
	X(R_SEND_ACTION, RISK, "send_action", 60, 80) \
	X(R_PURCHASE_ACTION, RISK, "purchase_action", 60, 80) \
	X(R_EXTERNAL_ACTION, RISK, "external_action", 40, 50) \
	X(R_FILE_SHELL_GITHUB, RISK, "file_shell_github", 25, 30) \
	X(R_SENSITIVE_DOMAIN, RISK, "sensitive_domain", 25, 25) \
	X(R_LEGAL_DOMAIN, RISK, "legal_domain", 5, 8) \
	X(R_MEDICAL_DOMAIN, RISK, "medical_domain", 5, 8) \
	X(R_FINANCIAL_DOMAIN, RISK, "financial_domain", 5, 8) \
	X(R_AMBIGUOUS_HIGH_IMPACT, RISK, "ambiguous_high_impact", 15, 25) \
	X(R_PRODUCTION, RISK, "production", 20, 20) \
	X(R_SECURITY, RISK, "security", 15, 15) \
	X(R_PII, RISK, "pii", 20, 20) \
	X(K_AMBIGUOUS, CONFIDENCE, "ambiguous", 25, 25) \
	X(K_SHORT_HIGH_RISK, CONFIDENCE, "short_high_risk", 15, 15) \
	X(K_WEAK_FEATURE_MATCH, CONFIDENCE, "weak_feature_match", 10, 10) \
	X(K_EMPTY_PROMPT, CONFIDENCE, "empty_prompt", 40, 40)

enum mr_weight {
#define X(id, dim, name, code_default, packaged) MR_W_##id,
	MR_WEIGHTS
#undef X
	MR_W_COUNT
};

enum mr_dimension {
	MR_DIM_COMPLEXITY,
	MR_DIM_RISK,
	MR_DIM_CONFIDENCE
};

struct mr_weight_info {
	const char	*name;		/* feature name in YAML */
	enum mr_dimension dim;
	int		 code_default;	/* the reference's code defaults */
};
extern const struct mr_weight_info mr_weight_info[MR_W_COUNT];

/* Weights in effect: code defaults overlaid with the config's values. */
struct mr_scoring {
	int		 saturation_k;		/* > 0; default 50 */
	int		 w[MR_W_COUNT];
};
/* Fills S with the code defaults (k = 50). */
void	 mr_scoring_defaults(struct mr_scoring *s);

struct mr_safety {
	bool	 require_human_confirmation;
	bool	 allow_destructive_actions;
	bool	 allow_send_actions;
	bool	 allow_purchase_actions;
	bool	 allow_high_impact_external_actions;
	bool	 allow_ambiguous_high_impact;
};

struct mr_target_entry {
	char	*name;		/* target key */
	char	*engine;	/* engine name */
	int	 engine_idx;	/* index into engines */
};

struct mr_config {
	char		*source;	/* path, or "embedded:catalog/model_router.yaml" */
	struct mr_engine *engines;	/* YAML order */
	size_t		 nengines;
	/* The eight required targets first (enum mr_target order), then
	 * any extra keys in YAML order. */
	struct mr_target_entry *targets;
	size_t		 ntargets;
	struct mr_safety safety;
	struct mr_policy policy;
	struct mr_route_pool *pools;
	size_t		 npools;
	struct mr_scoring scoring;
	/* Non-fatal findings (unknown keys with a did-you-mean, duplicate
	 * keys), each "file:line:col: text". */
	struct mr_strlist warnings;
};

/*
 * Loads and validates a config.  NAME is used in messages.  Returns NULL and
 * fills ERR on failure.  The first error wins, in the reference's
 * validation order (router-core.md §1.9).
 */
struct mr_config *mr_config_load_buffer(const char *name, const char *data,
	    size_t len, struct mr_error *err);
struct mr_config *mr_config_load_file(const char *path, struct mr_error *err);
/* The embedded default (catalog/model_router.yaml). */
struct mr_config *mr_config_load_default(struct mr_error *err);
void	 mr_config_free(struct mr_config *cfg);

/* Index of the engine called NAME, or -1. */
int	 mr_config_engine_index(const struct mr_config *cfg, const char *name);
/* Index of the engine the target T maps to. */
int	 mr_config_target_engine(const struct mr_config *cfg, enum mr_target t);
/* The route pool for target NAME, or NULL. */
const struct mr_route_pool *mr_config_pool(const struct mr_config *cfg,
	    const char *target);

/*
 * Evaluates availability (router-core.md §1.8) for every enabled engine.
 * With VALIDATE false every engine is available ("availability validation
 * disabled").  GETENV may be NULL for getenv(3); tests pass their own.
 */
void	 mr_config_check_availability(struct mr_config *cfg, bool validate,
	    const char *(*getenv_fn)(const char *));

/*
 * Resolves the config path the CLI uses: EXPLICIT if given, else
 * $MODEL_ROUTER_HOME/model_router.yaml, else ~/.model-router/model_router.yaml,
 * when those exist; NULL means "use the embedded default".  Caller frees.
 */
char	*mr_config_resolve_path(const char *explicit_path);

#endif
