/*
 * Asking the backends whether they are up: GET /health/backends probes
 * every one of them at once, and a thread of its own probes the ones
 * cooled down after failures, so that a backend comes back as soon as
 * it answers again (and not before).  A probe is GET <base_url>/models
 * with the backend's key, within health.backend_timeout_seconds.
 */
#include <stdlib.h>
#include <string.h>

#include "mr/http.h"

#include "proxy-int.h"

static void
probe_all(const struct state *s, struct mr_http_get *g, size_t n,
    const struct mr_proxy_backend **bs, char **urls)
{
	size_t i;

	for (i = 0; i < n; i++) {
		urls[i] = mr_xasprintf("%s/models", bs[i]->base_url);
		memset(&g[i], 0, sizeof(g[i]));
		g[i].url = urls[i];
		g[i].timeout_ms = (long)(s->pc->health.backend_timeout_seconds *
		    1000);
		g[i].bearer = bs[i]->api_key;
	}
	mr_http_get_all(g, n);
}

/* An HTTP answer below 500 is a server that is up (a 401 or 404 on
 * /models still says so). */
static bool
up(const struct mr_http_get *g)
{
	return g->done && g->status > 0 && g->status < 500;
}

MHD_RESULT
health_backends(struct MHD_Connection *c, struct server *sv,
    const struct state *s)
{
	size_t n = s->pc->nbackends, i;
	const struct mr_proxy_backend **bs = mr_xcalloc(n + 1, sizeof(*bs));
	struct mr_http_get *g = mr_xcalloc(n + 1, sizeof(*g));
	char **urls = mr_xcalloc(n + 1, sizeof(*urls));
	cJSON *o = cJSON_CreateObject(), *arr, *e, *doc, *d, *m;
	bool all = true, listed;
	char *text;
	MHD_RESULT rc;

	for (i = 0; i < n; i++)
		bs[i] = &s->pc->backends[i];
	probe_all(s, g, n, bs, urls);
	arr = cJSON_CreateArray();
	for (i = 0; i < n; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", bs[i]->name);
		cJSON_AddStringToObject(e, "base_url", bs[i]->base_url);
		cJSON_AddStringToObject(e, "model", bs[i]->model);
		cJSON_AddBoolToObject(e, "reachable", up(&g[i]));
		if (g[i].status > 0)
			cJSON_AddNumberToObject(e, "status_code",
			    (double)g[i].status);
		cJSON_AddNumberToObject(e, "latency_ms",
		    (double)(long)(g[i].seconds * 10000) / 10);
		if (g[i].status == 200 && (doc = cJSON_ParseWithLength(
		    g[i].body.buf, g[i].body.len)) != NULL) {
			listed = false;
			d = cJSON_GetObjectItemCaseSensitive(doc, "data");
			cJSON_ArrayForEach(m, d) {
				cJSON *id = cJSON_GetObjectItemCaseSensitive(m,
				    "id");
				listed = listed || (cJSON_IsString(id) &&
				    strcmp(id->valuestring, bs[i]->model) == 0);
			}
			cJSON_AddBoolToObject(e, "model_listed", listed);
			cJSON_Delete(doc);
		}
		if (!up(&g[i]))
			cJSON_AddStringToObject(e, "error", g[i].error[0] ?
			    g[i].error : g[i].status >= 500 ? "server error" :
			    "no answer");
		if (up(&g[i]))
			uncool(sv, bs[i]->name, true);
		cJSON_AddBoolToObject(e, "cooling_down", cooling(sv,
		    bs[i]->name));
		all = all && up(&g[i]);
		cJSON_AddItemToArray(arr, e);
		mr_http_get_release(&g[i]);
		free(urls[i]);
	}
	cJSON_AddStringToObject(o, "status", all ? "ok" : "degraded");
	cJSON_AddItemToObject(o, "backends", arr);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	rc = send_json(c, all ? 200 : 503, text ? text : mr_xstrdup("{}"),
	    NULL);
	free(bs);
	free(g);
	free(urls);
	return rc;
}

/*
 * Probes what is down, about once a second, until the server stops.  While
 * nothing is down it sleeps until a backend goes down: an idle proxy does
 * not wake up.
 */
void *
prober_main(void *arg)
{
	struct server *sv = arg;
	const struct mr_proxy_backend **bs;
	struct mr_http_get *g;
	struct timespec ts;
	struct state *s;
	char **urls;
	size_t n = 0, i, k;

	for (;;) {
		pthread_mutex_lock(&sv->probe_mu);
		while (n == 0 && !sv->probe_work && !sv->stopping)
			pthread_cond_wait(&sv->probe_cv, &sv->probe_mu);
		if (!sv->probe_work && !sv->stopping) {
			/* still down: again in a second, or at once when
			 * another backend goes down */
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += (long)PROBE_EVERY_MS * 1000000L;
			ts.tv_sec += ts.tv_nsec / 1000000000L;
			ts.tv_nsec %= 1000000000L;
			pthread_cond_timedwait(&sv->probe_cv, &sv->probe_mu,
			    &ts);
		}
		sv->probe_work = false;
		if (sv->stopping) {
			pthread_mutex_unlock(&sv->probe_mu);
			return NULL;
		}
		pthread_mutex_unlock(&sv->probe_mu);
		s = state_get(sv);
		bs = mr_xcalloc(s->pc->nbackends + 1, sizeof(*bs));
		pthread_mutex_lock(&sv->mu);
		for (n = 0, i = 0; i < s->pc->nbackends; i++)
			for (k = 0; k < sv->ncool; k++)
				if (sv->cool[k].down && strcmp(sv->cool[k].name,
				    s->pc->backends[i].name) == 0)
					bs[n++] = &s->pc->backends[i];
		pthread_mutex_unlock(&sv->mu);
		if (n > 0) {
			g = mr_xcalloc(n, sizeof(*g));
			urls = mr_xcalloc(n, sizeof(*urls));
			probe_all(s, g, n, bs, urls);
			for (i = 0; i < n; i++) {
				if (up(&g[i]))
					uncool(sv, bs[i]->name, true);
				mr_http_get_release(&g[i]);
				free(urls[i]);
			}
			free(g);
			free(urls);
		}
		free(bs);
		state_put(s);
	}
}
