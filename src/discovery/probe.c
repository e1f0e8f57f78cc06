/*
 * Probing running model servers: every fingerprint endpoint of every
 * server in one concurrent batch, then the answers' shapes tell the kind
 * of server (local-servers-hf-hardware.md §0, §1.3, §2.2, §3).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "mr/http.h"
#include "mr/servers.h"

/* Endpoints asked of every server, in the order they are tried. */
enum {
	EP_LMS_V1, EP_LMS_V0, EP_OLLAMA_VERSION, EP_OLLAMA_PS, EP_OLLAMA_TAGS,
	EP_PROPS, EP_HEALTH, EP_V1_MODELS, EP_COUNT
};
static const char *const endpoints[EP_COUNT] = {
	"/api/v1/models", "/api/v0/models", "/api/version", "/api/ps",
	"/api/tags", "/props", "/health", "/v1/models"
};

/* Ollama models asked about with POST /api/show, per server. */
#define SHOW_MAX 32

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
		/* every installed model, not only the loaded ones */
		if (answered(&r[EP_OLLAMA_TAGS]))
			(void)mr_parse_ollama_tags(r[EP_OLLAMA_TAGS].body.buf,
			    r[EP_OLLAMA_TAGS].body.len, &out->info);
		memset(&ver, 0, sizeof(ver));
		if (try_parse(mr_parse_ollama_version, &r[EP_OLLAMA_VERSION],
		    &ver))
			memcpy(out->info.version, ver.version,
			    sizeof(ver.version));
		return;
	}
	if (try_parse(mr_parse_llamacpp_props, &r[EP_PROPS], &out->info)) {
		/* /v1/models adds the trained context (meta.n_ctx_train) */
		memset(&ver, 0, sizeof(ver));
		if (out->info.nmodels == 1 &&
		    try_parse(mr_parse_openai_models, &r[EP_V1_MODELS], &ver) &&
		    ver.nmodels == 1)
			out->info.models[0].max_context =
			    ver.models[0].max_context;
		return;
	}
	if (r[EP_HEALTH].done && r[EP_HEALTH].status == 503 &&
	    strstr(r[EP_HEALTH].body.buf, "oading") != NULL) {
		/* llama.cpp while it loads the model: alive, not ready */
		out->loading = true;
		out->info.kind = MR_SRV_LLAMACPP;
		return;
	}
	if (try_parse(mr_parse_openai_models, &r[EP_V1_MODELS], &out->info))
		return;
	snprintf(out->problem, sizeof(out->problem), "answers HTTP %ld, but "
	    "not like a model server%s", r[EP_V1_MODELS].status,
	    r[EP_V1_MODELS].body.len > 0 && r[EP_V1_MODELS].body.buf[0] == '<' ?
	    " (HTML)" : "");
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)((t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000);
}

/*
 * Ollama's list says nothing of contexts or tools: ask POST /api/show
 * about each model, all servers at once, within what is left of the
 * time budget.
 */
static void
ollama_show(struct mr_server_result *out, size_t n, long left_ms,
    mr_http_fn http)
{
	struct mr_http_get *reqs;
	struct mr_served_model **who;
	char **bufs;
	size_t i, k, nreq = 0, cap = 0;
	cJSON *o;

	for (i = 0; i < n; i++)
		if (out[i].info.kind == MR_SRV_OLLAMA)
			cap += out[i].info.nmodels < SHOW_MAX ?
			    out[i].info.nmodels : SHOW_MAX;
	if (cap == 0 || left_ms <= 0)
		return;
	reqs = mr_xcalloc(cap, sizeof(*reqs));
	who = mr_xcalloc(cap, sizeof(*who));
	bufs = mr_xcalloc(cap * 2, sizeof(*bufs));
	for (i = 0; i < n; i++) {
		if (out[i].info.kind != MR_SRV_OLLAMA)
			continue;
		for (k = 0; k < out[i].info.nmodels && k < SHOW_MAX; k++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "model",
			    out[i].info.models[k].id);
			bufs[2 * nreq] = cJSON_PrintUnformatted(o);
			cJSON_Delete(o);
			bufs[2 * nreq + 1] = mr_xasprintf("%s/api/show",
			    out[i].base);
			if (bufs[2 * nreq] == NULL) {
				free(bufs[2 * nreq + 1]);
				continue;
			}
			reqs[nreq].url = bufs[2 * nreq + 1];
			reqs[nreq].post_json = bufs[2 * nreq];
			reqs[nreq].timeout_ms = left_ms;
			who[nreq++] = &out[i].info.models[k];
		}
	}
	http(reqs, nreq);
	for (i = 0; i < nreq; i++) {
		if (answered(&reqs[i]))
			(void)mr_parse_ollama_show(reqs[i].body.buf,
			    reqs[i].body.len, who[i]);
		mr_http_get_release(&reqs[i]);
		free(bufs[2 * i]);
		free(bufs[2 * i + 1]);
	}
	free(reqs);
	free(who);
	free(bufs);
}

struct probe_job {
	const char		*base;
	long			 timeout_ms;
	mr_http_fn		 http;
	struct mr_server_result	*out;
	size_t			 index;
	mr_probe_found_fn	 found;
	void			*ctx;
	pthread_mutex_t		*lock;
};

/* One server: the fingerprint batch, then Ollama's per-model round. */
static void *
probe_one(void *arg)
{
	struct probe_job *j = arg;
	struct mr_server_result *out = j->out;
	struct mr_http_get reqs[EP_COUNT];
	char *urls[EP_COUNT];
	struct timespec t0;
	size_t e, blen;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(out, 0, sizeof(*out));
	memset(reqs, 0, sizeof(reqs));
	mr_strlcpy(out->base, sizeof(out->base), j->base);
	/* no trailing slash, no /v1: the endpoints add their own */
	blen = strlen(out->base);
	while (blen > 0 && out->base[blen - 1] == '/')
		out->base[--blen] = '\0';
	if (blen >= 3 && strcmp(out->base + blen - 3, "/v1") == 0)
		out->base[blen - 3] = '\0';
	for (e = 0; e < EP_COUNT; e++) {
		urls[e] = mr_xasprintf("%s%s", out->base, endpoints[e]);
		reqs[e].url = urls[e];
		reqs[e].timeout_ms = j->timeout_ms;
	}
	j->http(reqs, EP_COUNT);
	classify(reqs, out);
	for (e = 0; e < EP_COUNT; e++) {
		mr_http_get_release(&reqs[e]);
		free(urls[e]);
	}
	ollama_show(out, 1, j->timeout_ms - ms_since(&t0), j->http);
	if (j->found != NULL) {
		pthread_mutex_lock(j->lock);
		j->found(j->ctx, j->index, out);
		pthread_mutex_unlock(j->lock);
	}
	return NULL;
}

void
mr_probe_servers(const char *const *bases, size_t n, long timeout_ms,
    mr_http_fn http, struct mr_server_result *out, mr_probe_found_fn found,
    void *ctx)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct probe_job *jobs;
	pthread_t *tids;
	bool *started;
	size_t i;

	if (n == 0)
		return;
	jobs = mr_xcalloc(n, sizeof(*jobs));
	tids = mr_xcalloc(n, sizeof(*tids));
	started = mr_xcalloc(n, sizeof(*started));
	/*
	 * A thread a server, so that one server's slow answer never delays
	 * another's second round, and each is reported as it finishes.
	 */
	for (i = 0; i < n; i++) {
		jobs[i].base = bases[i];
		jobs[i].timeout_ms = timeout_ms > 0 ? timeout_ms : 500;
		jobs[i].http = http != NULL ? http : mr_http_get_all;
		jobs[i].out = &out[i];
		jobs[i].index = i;
		jobs[i].found = found;
		jobs[i].ctx = ctx;
		jobs[i].lock = &lock;
		started[i] = n > 1 &&
		    pthread_create(&tids[i], NULL, probe_one, &jobs[i]) == 0;
		if (!started[i])
			probe_one(&jobs[i]);
	}
	for (i = 0; i < n; i++)
		if (started[i])
			pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&lock);
	free(jobs);
	free(tids);
	free(started);
}
