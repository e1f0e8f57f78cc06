/*
 * The router core: one prompt scorer, the routing policy, receipts and
 * dispatch plans (router-core.md §2–§4).
 *
 * There is exactly one scorer, mr_score().  mr_route_fast() runs it and the
 * policy with no allocation and returns an engine name; mr_route() runs the
 * same scorer and the same policy and also assembles reasons, rejections and
 * alternatives.  The two therefore always select the same engine.
 *
 * Nothing here performs I/O.
 */
#ifndef MR_ROUTER_H
#define MR_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/config.h"
#include "mr/util.h"

/*
 * Prompt features.  The first block is the reference's PromptFeatures
 * (router-core.md §4.1) in its order; the rest are internal.
 */
#define MR_FEATURES \
	X(SIMPLE_TRANSFORM, "simple_transform") \
	X(CODING_INTENT, "coding_intent") \
	X(RESEARCH_INTENT, "research_intent") \
	X(CURRENT_INFO_INTENT, "current_info_intent") \
	X(MULTI_STEP_REASONING, "multi_step_reasoning") \
	X(TOOL_INTENT, "tool_intent") \
	X(FILE_INTENT, "file_intent") \
	X(EMAIL_INTENT, "email_intent") \
	X(CALENDAR_INTENT, "calendar_intent") \
	X(SHELL_INTENT, "shell_intent") \
	X(GITHUB_INTENT, "github_intent") \
	X(VISION_INTENT, "vision_intent") \
	X(IMAGE_GENERATION_INTENT, "image_generation_intent") \
	X(LEGAL_DOMAIN, "legal_domain") \
	X(MEDICAL_DOMAIN, "medical_domain") \
	X(FINANCIAL_DOMAIN, "financial_domain") \
	X(SENSITIVE_DOMAIN, "sensitive_domain") \
	X(DESTRUCTIVE_ACTION, "destructive_action") \
	X(EXTERNAL_ACTION, "external_action") \
	X(HIGH_IMPACT_EXTERNAL_ACTION, "high_impact_external_action") \
	X(PURCHASE_ACTION, "purchase_action") \
	X(SEND_ACTION, "send_action") \
	X(STRUCTURED_OUTPUT, "structured_output") \
	X(AMBIGUOUS, "ambiguous") \
	X(LONG_CONTEXT, "long_context") \
	X(MECHANICAL_WORK_INTENT, "mechanical_work_intent") \
	X(JUDGMENT_HEAVY_INTENT, "judgment_heavy_intent") \
	X(VERIFICATION_INTENT, "verification_intent") \
	X(REPO_WIDE_INTENT, "repo_wide_intent") \
	X(REQUIRES_TOOLS, "requires_tools") \
	X(REQUIRES_FRESHNESS, "requires_freshness") \
	X(REQUIRES_CODE_EXECUTION, "requires_code_execution") \
	X(REQUIRES_VISION, "requires_vision") \
	X(REQUIRES_IMAGE_GENERATION, "requires_image_generation") \
	X(REQUIRES_CONFIRMATION, "requires_confirmation") \
	/* internal */ \
	X(ARCHITECTURE, "architecture") \
	X(FRESHNESS_OBJECT, "freshness_object") \
	X(PRODUCTION, "production") \
	X(SECURITY, "security") \
	X(PII, "pii") \
	X(CLEAR_GENERAL, "clear_general") \
	X(AMBIGUOUS_WORD, "ambiguous_word") \
	X(DESTRUCTIVE_COMMAND, "destructive_command") \
	X(TOPIC_ONLY, "topic_only")

enum mr_feature {
#define X(id, name) MR_F_##id,
	MR_FEATURES
#undef X
	MR_F_COUNT
};
#define MR_F_PUBLIC_COUNT (MR_F_REQUIRES_CONFIRMATION + 1)
#define MR_FBIT(f) ((uint64_t)1 << MR_F_##f)

const char *mr_feature_name(enum mr_feature f);

/* Complexity and risk signals, in the order they are evaluated (§2.5–2.6). */
#define MR_SIGNALS \
	X(SIMPLE, COMPLEXITY, -1, "simple rewrite/extraction/formatting") \
	X(MEDIUM_PROMPT, COMPLEXITY, MR_W_C_MEDIUM_PROMPT, "medium prompt length") \
	X(LONG_PROMPT, COMPLEXITY, MR_W_C_LONG_PROMPT, "long prompt") \
	X(VERY_LONG_PROMPT, COMPLEXITY, MR_W_C_VERY_LONG_PROMPT, "very long prompt") \
	X(CODING, COMPLEXITY, MR_W_C_CODING_INTENT, "coding or repository intent") \
	X(RESEARCH, COMPLEXITY, MR_W_C_RESEARCH_INTENT, "research or current-information intent") \
	X(MULTI_STEP, COMPLEXITY, MR_W_C_MULTI_STEP_REASONING, "multi-step planning or architecture") \
	X(ARCHITECTURE, COMPLEXITY, MR_W_C_ARCHITECTURE, "architecture or distributed-systems intent") \
	X(TOOLS, COMPLEXITY, MR_W_C_TOOL_INTENT, "tool use likely") \
	X(STRUCTURED, COMPLEXITY, MR_W_C_STRUCTURED_OUTPUT, "structured output requested") \
	X(AMBIGUOUS, COMPLEXITY, MR_W_C_AMBIGUOUS, "ambiguous request") \
	X(LONG_CONTEXT, COMPLEXITY, MR_W_C_LONG_CONTEXT, "long-context need") \
	X(SENSITIVE, COMPLEXITY, MR_W_C_SENSITIVE_DOMAIN, "sensitive domain") \
	X(VISION, COMPLEXITY, MR_W_C_VISION_INTENT, "vision or OCR intent") \
	X(IMAGE_GEN, COMPLEXITY, MR_W_C_IMAGE_GENERATION_INTENT, "image generation intent") \
	X(DESTRUCTIVE, RISK, MR_W_R_DESTRUCTIVE_ACTION, "destructive external action") \
	X(SEND, RISK, MR_W_R_SEND_ACTION, "sending or publishing action") \
	X(PURCHASE, RISK, MR_W_R_PURCHASE_ACTION, "purchase or payment action") \
	X(EXTERNAL, RISK, MR_W_R_EXTERNAL_ACTION, "external action") \
	X(FILE_SHELL_GITHUB, RISK, MR_W_R_FILE_SHELL_GITHUB, "file, shell, or GitHub operation") \
	X(SENSITIVE_RISK, RISK, MR_W_R_SENSITIVE_DOMAIN, "sensitive legal, medical, or financial domain") \
	X(LEGAL, RISK, MR_W_R_LEGAL_DOMAIN, "legal sensitivity") \
	X(MEDICAL, RISK, MR_W_R_MEDICAL_DOMAIN, "medical sensitivity") \
	X(FINANCIAL, RISK, MR_W_R_FINANCIAL_DOMAIN, "financial sensitivity") \
	X(PRODUCTION, RISK, MR_W_R_PRODUCTION, "production or live-system risk") \
	X(SECURITY, RISK, MR_W_R_SECURITY, "security-sensitive request") \
	X(PII, RISK, MR_W_R_PII, "private data or credential sensitivity") \
	X(AMBIGUOUS_HIGH_IMPACT, RISK, MR_W_R_AMBIGUOUS_HIGH_IMPACT, "ambiguous high-impact request")

enum mr_signal {
#define X(id, dim, w, text) MR_S_##id,
	MR_SIGNALS
#undef X
	MR_S_COUNT
};

struct mr_signal_info {
	const char	*reason;
	enum mr_dimension dim;
	int		 weight;	/* enum mr_weight, or -1 */
};
extern const struct mr_signal_info mr_signal_info[MR_S_COUNT];

/* What the scorer found.  Plain data: no pointers, no allocation. */
struct mr_analysis {
	uint64_t	 features;	/* bit MR_F_x */
	uint32_t	 signals;	/* bit MR_S_x */
	size_t		 prompt_length;	/* code points of the raw prompt */
	size_t		 estimated_tokens;
	size_t		 word_count;
	int		 complexity;
	int		 risk;
	int		 confidence;
	/* Weight used by the research signal (research or current info). */
	int		 research_weight_id;
};

static inline bool
mr_has(const struct mr_analysis *a, enum mr_feature f)
{
	return (a->features >> f) & 1;
}

/* S(total) of router-core.md §2.7: round-half-even(total/(total+k)*100). */
int	 mr_saturate(long total, int k);

/*
 * Scores PROMPT (LEN bytes of UTF-8; invalid bytes and NULs are accepted)
 * with the weights in S.  Linear in LEN; never allocates.
 */
void	 mr_score(const struct mr_scoring *s, const char *prompt, size_t len,
	    struct mr_analysis *out);

/* Routing profiles. */
enum mr_profile {
	MR_PROFILE_FAST,
	MR_PROFILE_BALANCED,
	MR_PROFILE_QUALITY,
	MR_PROFILE_PRIVATE,
	MR_PROFILE_SAFE,
	MR_PROFILE_COUNT
};
const char *mr_profile_name(enum mr_profile p);
/* Accepts " Quality", "FAST" etc. (stripped, lower-cased, '_' -> '-'). */
int	 mr_profile_from_name(const char *s);

/* Attachments (the "code" kind is not a modality). */
enum mr_attachment {
	MR_ATT_IMAGE,
	MR_ATT_PDF,
	MR_ATT_AUDIO,
	MR_ATT_CODE
};
#define MR_MAX_ATTACHMENTS 16
#define MR_MAX_HINT_PROVIDERS 32

/*
 * Per-request routing hints (router-core.md §3.1), as given by a caller.
 * Strings are borrowed and validated by the router: an invalid hint makes
 * the decision fail closed.
 */
struct mr_hints {
	const char	*force_engine;		/* NULL: none */
	const char	*profile;		/* NULL: balanced */
	bool		 latency_sensitive;
	const char	*max_cost_tier;		/* NULL: none */
	const char	*max_latency_tier;	/* NULL: none */
	const char	*attachments[MR_MAX_ATTACHMENTS];
	size_t		 nattachments;
	const char	*allowlist[MR_MAX_HINT_PROVIDERS];
	size_t		 nallow;
	const char	*denylist[MR_MAX_HINT_PROVIDERS];
	size_t		 ndeny;
	bool		 local_only;
	int		 hosted_allowed;	/* -1 unset, 0 false, 1 true */
};
void	 mr_hints_init(struct mr_hints *h);

/* A router: a validated config plus tables precomputed for the fast path. */
struct mr_router;

/*
 * Takes ownership of CFG (availability must have been checked).  Never
 * fails for a config that loaded.
 */
struct mr_router *mr_router_new(struct mr_config *cfg);
void	 mr_router_free(struct mr_router *r);
const struct mr_config *mr_router_config(const struct mr_router *r);

/*
 * The hot path: the selected engine's name (borrowed from the config, or
 * "human_confirm").  HINTS may be NULL.  Never allocates.
 */
const char *mr_route_fast(const struct mr_router *r, const char *prompt,
	    size_t len, const struct mr_hints *hints);

struct mr_requirements {
	enum mr_profile	 profile;
	bool		 needs_tools;
	struct mr_strlist required_modalities;
	const char	*max_cost_tier;		/* borrowed, NULL: none */
	const char	*max_latency_tier;
	struct mr_strlist allowed_providers;
	struct mr_strlist denied_providers;
	struct mr_strlist profile_reasons;
	struct mr_strlist provider_policy_reasons;
};

struct mr_rejection {
	char	*engine;
	char	*reason;
};

struct mr_alternative {
	const char	*engine;	/* borrowed from the config */
	int		 rank_score;
	int		 capability;
	int		 trust;
	int		 cost;
	int		 latency;
	struct mr_strlist reasons;
};

struct mr_decision {
	const char	*selected_engine;	/* borrowed */
	const char	*fallback_engine;	/* borrowed, NULL: none */
	enum mr_profile	 profile;
	int		 complexity;
	int		 risk;
	int		 confidence;
	struct mr_strlist reasons;
	bool		 requires_confirmation;
	bool		 requires_tools;
	bool		 requires_freshness;
	bool		 requires_code_execution;
	bool		 requires_image_generation;
	bool		 requires_vision;
	bool		 config_valid;
	bool		 availability_valid;
	bool		 fallback_used;
	struct mr_strlist availability_reasons;
	struct mr_analysis analysis;
	struct mr_requirements req;
	struct mr_rejection *rejected;
	size_t		 nrejected;
	struct mr_alternative *alternatives;
	size_t		 nalternatives;
};

/* The full decision.  Release with mr_decision_release(). */
void	 mr_route(const struct mr_router *r, const char *prompt, size_t len,
	    const struct mr_hints *hints, bool include_alternatives,
	    struct mr_decision *out);

/*
 * The fail-closed decision for a config that could not be loaded
 * (router-core.md §1.10): scored with the code-default weights.
 */
void	 mr_route_config_error(const char *error, const char *prompt,
	    size_t len, const struct mr_hints *hints, struct mr_decision *out);

void	 mr_decision_release(struct mr_decision *d);

#endif
