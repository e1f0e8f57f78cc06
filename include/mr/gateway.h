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
 * The client's key order is kept; a second "model" key is dropped.  BODY
 * is changed while the text is made (no copy when only the model
 * changes) and is as it was on return.  Caller frees.
 */
char	*mr_gw_upstream_body(struct cJSON *body,
	    const struct mr_proxy_backend *b, bool *added_usage);

/* {"error":{"message","type"},"selected_engine"} (engine may be NULL). */
char	*mr_gw_error_body(const char *type, const char *message,
	    const char *engine);

/* Whether a response status should move on to the next backend. */
bool	 mr_gw_retryable(long status);

/* Token counts of an answer; -1 where the upstream did not say. */
struct mr_gw_usage {
	long long	 prompt;
	long long	 completion;
	long long	 total;
};

/*
 * The usage an answer body reports (its last "usage" object: chat's
 * prompt/completion_tokens or responses' input/output_tokens).  Fills
 * U and returns true when there is one.
 */
bool	 mr_gw_usage(const char *body, size_t len, struct mr_gw_usage *u);

/*
 * A server-sent-events stream on its way to the client, fed as it
 * arrives.  Complete events go to OUT at once (a partial one waits for
 * its end only when events must be looked at one by one); the usage the
 * proxy asked for on the client's behalf is dropped; the usage reported
 * and whether the stream ended properly ([DONE], or a responses stream's
 * final event) are noted on the way.
 */
struct mr_sse {
	struct mr_buf	 ev;		/* the event being read */
	size_t		 scanned;	/* of ev, known to hold no end */
	bool		 drop_usage;
	bool		 done;		/* the stream said it ended */
	struct mr_gw_usage usage;
	size_t		 events;
};

void	 mr_sse_init(struct mr_sse *s, bool drop_usage);
void	 mr_sse_feed(struct mr_sse *s, const char *data, size_t len,
	    struct mr_buf *out);
/* The end of the upstream's answer: a partial event goes out as is. */
void	 mr_sse_finish(struct mr_sse *s, struct mr_buf *out);
void	 mr_sse_release(struct mr_sse *s);

#endif
