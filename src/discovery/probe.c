/*
 * Probing running model servers: every fingerprint endpoint of every
 * server in one concurrent batch, then the answers' shapes tell the kind
 * of server (local-servers-hf-hardware.md §0, §1.3, §2.2, §3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/http.h"
#include "mr/servers.h"

/* Endpoints asked of every server, in the order they are tried. */
enum {
	EP_LMS_V1, EP_LMS_V0, EP_OLLAMA_VERSION, EP_OLLAMA_PS, EP_PROPS,
	EP_HEALTH, EP_V1_MODELS, EP_COUNT
};
static const char *const endpoints[EP_COUNT] = {
	"/api/v1/models", "/api/v0/models", "/api/version", "/api/ps",
	"/props", "/health", "/v1/models"
};

static bool
answered(const struct mr_http_get *r)
{
	return r->done && r->status == 200 && r->body.len > 0;
}

static bool
try_parse(int (*p)(const char *, size_t, struct mr_server_info *),
    const struct mr_http_get *r, struct mr_server_info *info)
{
	struct mr_server_info tmp;

	if (!answered(r))
		return false;
	memset(&tmp, 0, sizeof(tmp));
	if (p(r->body.buf, r->body.len, &tmp) != 0)
		return false;
	*info = tmp;
	return true;
}

static void
classify(struct mr_http_get *r, struct mr_server_result *out)
{
	struct mr_server_info ver;
	size_t i;

	for (i = 0; i < EP_COUNT; i++)
		if (r[i].done)
			out->reachable = true;
	if (!out->reachable) {
		mr_strlcpy(out->problem, sizeof(out->problem),
		    r[EP_V1_MODELS].timed_out ? "no answer in time" :
		    r[EP_V1_MODELS].refused ? "connection refused" :
		    r[EP_V1_MODELS].error[0] ? r[EP_V1_MODELS].error :
		    "no answer");
		return;
	}
	/* LM Studio first: it answers Ollama's paths with 200 errors */
	if (try_parse(mr_parse_lmstudio_v1_models, &r[EP_LMS_V1], &out->info) ||
	    try_parse(mr_parse_lmstudio_v0_models, &r[EP_LMS_V0], &out->info))
		return;
	if (try_parse(mr_parse_ollama_ps, &r[EP_OLLAMA_PS], &out->info)) {
		memset(&ver, 0, sizeof(ver));
		if (try_parse(mr_parse_ollama_version, &r[EP_OLLAMA_VERSION],
		    &ver))
			memcpy(out->info.version, ver.version,
			    sizeof(ver.version));
		return;
	}
	if (try_parse(mr_parse_llamacpp_props, &r[EP_PROPS], &out->info))
		return;
	if (r[EP_HEALTH].done && r[EP_HEALTH].status == 503 &&
	    strstr(r[EP_HEALTH].body.buf, "oading") != NULL) {
		/* llama.cpp while it loads the model: alive, not ready */
		out->loading = true;
		out->info.kind = MR_SRV_LLAMACPP;
		return;
	}
	if (try_parse(mr_parse_openai_models, &r[EP_V1_MODELS], &out->info))
		return;
	snprintf(out->problem, sizeof(out->problem), "answers HTTP %ld but "
	    "not like a model server%s", r[EP_V1_MODELS].status,
	    r[EP_V1_MODELS].body.len > 0 && r[EP_V1_MODELS].body.buf[0] == '<' ?
	    " (HTML)" : "");
}

void
mr_probe_servers(const char *const *bases, size_t n, long timeout_ms,
    mr_http_fn http, struct mr_server_result *out)
{
	struct mr_http_get *reqs;
	char **urls;
	size_t i, e, k, blen;

	if (n == 0)
		return;
	if (http == NULL)
		http = mr_http_get_all;
	reqs = mr_xcalloc(n * EP_COUNT, sizeof(*reqs));
	urls = mr_xcalloc(n * EP_COUNT, sizeof(*urls));
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		mr_strlcpy(out[i].base, sizeof(out[i].base), bases[i]);
		/* no trailing slash, no /v1: the endpoints add their own */
		blen = strlen(out[i].base);
		while (blen > 0 && out[i].base[blen - 1] == '/')
			out[i].base[--blen] = '\0';
		if (blen >= 3 && strcmp(out[i].base + blen - 3, "/v1") == 0)
			out[i].base[blen - 3] = '\0';
		for (e = 0; e < EP_COUNT; e++) {
			k = i * EP_COUNT + e;
			urls[k] = mr_xasprintf("%s%s", out[i].base,
			    endpoints[e]);
			reqs[k].url = urls[k];
			reqs[k].timeout_ms = timeout_ms;
		}
	}
	http(reqs, n * EP_COUNT);
	for (i = 0; i < n; i++)
		classify(&reqs[i * EP_COUNT], &out[i]);
	for (k = 0; k < n * EP_COUNT; k++) {
		mr_http_get_release(&reqs[k]);
		free(urls[k]);
	}
	free(reqs);
	free(urls);
}
