/*
 * The proxy's decisions, without any network: what text a request is
 * routed on, which engine and backend it goes to (and which backends
 * after that, if they fail), the body sent upstream, and the error bodies
 * the client gets.  Follows hermes-router's proxy (reference §C.3-C.5)
 * where it is right; transitive, cycle-safe fallbacks and a model_map
 * mode are ours.
 */
#ifndef MR_GATEWAY_H
#define MR_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/proxycfg.h"
#include "mr/router.h"
#include "mr/util.h"

struct cJSON;

enum mr_gw_api {
	MR_GW_CHAT,		/* /v1/chat/completions */
	MR_GW_RESPONSES,	/* /v1/responses */
	MR_GW_COMPLETIONS,	/* /v1/completions */
	MR_GW_EMBEDDINGS	/* /v1/embeddings */
};
/* The API of a request path ("/v1/chat/completions"), or -1. */
int	 mr_gw_api_from_path(const char *path);
/* The upstream path for API ("/chat/completions"). */
const char *mr_gw_upstream_path(enum mr_gw_api api);

/*
 * The text a request is routed on (§C.3 step 4): the last three user
 * messages of a chat, the user items of a responses input, the first
 * three prompts, the first eight embedding inputs.  Caller frees.
 */
char	*mr_gw_prompt(enum mr_gw_api api, const struct cJSON *body);

/* The outcome of routing one request. */
struct mr_gw_route {
	const char	*engine;	/* selected engine ("manual" in manual) */
	const char	*mode;		/* decision, manual, model_map */
	/* the backends to try, in order: the chosen one, then its fallbacks
	 * (transitively, each once, minus what the policy denies) */
	const struct mr_proxy_backend *chain[32];
	size_t		 nchain;
	/* when no backend can be used: the HTTP status, error type and
	 * message of the answer */
	int		 status;
	const char	*error_type;
	char		 message[256];
};

/*
 * Routes a parsed request BODY for API.  ROUTER may be NULL only in
 * manual mode.
 */
void	 mr_gw_route(const struct mr_proxy_config *pc,
	    const struct mr_router *router, enum mr_gw_api api,
	    const struct cJSON *body, struct mr_gw_route *out);

/*
 * The body to send backend B: BODY with "model" set to B's model and, for
 * a backend with strip_tools, no tools, tool_choice, parallel_tool_calls
 * or functions.  For a stream, usage is asked for; *ADDED_USAGE says the
 * client did not ask for it (so the proxy must not pass that chunk on).
 * Caller frees.
 */
char	*mr_gw_upstream_body(const struct cJSON *body,
	    const struct mr_proxy_backend *b, bool *added_usage);

/* {"error":{"message","type"},"selected_engine"} (engine may be NULL). */
char	*mr_gw_error_body(const char *type, const char *message,
	    const char *engine);

/* Whether a response status should move on to the next backend. */
bool	 mr_gw_retryable(long status);

#endif
