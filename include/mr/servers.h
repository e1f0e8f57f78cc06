/*
 * What local model servers say about themselves
 * (local-servers-hf-hardware.md §1.3, §2.2, §3): parsers for their JSON
 * answers that tell the kind of server apart by the answer's shape (not
 * the port) and extract the models served and the context each has
 * *loaded*.  Pure functions: the probing itself lives elsewhere.
 */
#ifndef MR_SERVERS_H
#define MR_SERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MR_HERMES_MIN_CONTEXT 65536	/* Hermes Agent needs 64K */
#define MR_MAX_SERVED 128

enum mr_server_kind {
	MR_SRV_UNKNOWN,
	MR_SRV_LMSTUDIO,
	MR_SRV_OLLAMA,
	MR_SRV_LLAMACPP,
	MR_SRV_VLLM,
	MR_SRV_OPENAI		/* some other OpenAI-compatible server */
};
const char *mr_server_kind_name(enum mr_server_kind k);

struct mr_served_model {
	char		 id[256];
	bool		 loaded;
	bool		 loading;
	uint64_t	 loaded_context;	/* 0: unknown or not loaded */
	uint64_t	 max_context;		/* trained / served maximum */
	int		 tools;			/* 1, 0, -1 unknown */
	char		 quant[32];
};

struct mr_server_info {
	enum mr_server_kind kind;
	char		 version[64];
	struct mr_served_model models[MR_MAX_SERVED];
	size_t		 nmodels;
};

/*
 * Each parser fills OUT (adding models) and returns 0 when BODY has the
 * shape that server gives; -1 otherwise (OUT unchanged but for nmodels
 * entries it may have added before failing: callers start from zero).
 */
int	 mr_parse_lmstudio_v0_models(const char *body, size_t len,
	    struct mr_server_info *out);	/* GET /api/v0/models */
int	 mr_parse_lmstudio_v1_models(const char *body, size_t len,
	    struct mr_server_info *out);	/* GET /api/v1/models */
int	 mr_parse_ollama_ps(const char *body, size_t len,
	    struct mr_server_info *out);	/* GET /api/ps */
int	 mr_parse_ollama_tags(const char *body, size_t len,
	    struct mr_server_info *out);	/* GET /api/tags (merges) */
/* POST /api/show {"model": ID}: fills M's max_context and tools. */
int	 mr_parse_ollama_show(const char *body, size_t len,
	    struct mr_served_model *m);
int	 mr_parse_ollama_version(const char *body, size_t len,
	    struct mr_server_info *out);	/* GET /api/version */
int	 mr_parse_llamacpp_props(const char *body, size_t len,
	    struct mr_server_info *out);	/* GET /props */
/* GET /v1/models: vLLM (owned_by vllm, max_model_len), llama.cpp
 * (owned_by llamacpp, meta.n_ctx_train), else generic. */
int	 mr_parse_openai_models(const char *body, size_t len,
	    struct mr_server_info *out);

/* One probed server. */
struct mr_server_result {
	char		 base[256];	/* http://127.0.0.1:1234 */
	bool		 reachable;	/* something answered HTTP */
	bool		 loading;	/* llama.cpp 503 "Loading model" */
	char		 problem[256];	/* why it is not a model server */
	struct mr_server_info info;
};

struct mr_http_get;
typedef void (*mr_http_fn)(struct mr_http_get *reqs, size_t n);
/* Called as each server's probe ends (one call at a time). */
typedef void (*mr_probe_found_fn)(void *ctx, size_t i,
    const struct mr_server_result *r);

/*
 * Probes the N base URLs at once, each on its own thread: every
 * fingerprint endpoint in one concurrent batch, TIMEOUT_MS each, then
 * POST /api/show for each Ollama model in what is left of TIMEOUT_MS.
 * Fills OUT[i] for BASES[i] and calls FOUND (may be NULL) as each ends.
 * HTTP may be NULL for mr_http_get_all (tests pass a fake).
 */
void	 mr_probe_servers(const char *const *bases, size_t n, long timeout_ms,
	    mr_http_fn http, struct mr_server_result *out,
	    mr_probe_found_fn found, void *ctx);

/* The command (or step) that gives model ID a 64K context on a server
 * of kind K, into BUF; returns BUF. */
const char *mr_server_context_fix(enum mr_server_kind k, const char *id,
	    char *buf, size_t n);

/* True when a loaded context is enough for Hermes Agent. */
static inline bool
mr_context_ok(uint64_t ctx)
{
	return ctx >= MR_HERMES_MIN_CONTEXT;
}

#endif
