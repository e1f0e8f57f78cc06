/*
 * The routing proxy's HTTP side.  libmicrohttpd with a thread per client
 * connection (a request may wait on its upstream for minutes; nothing
 * else waits behind it), libcurl upstream with connections shared across
 * threads (keep-alive), streams relayed chunk by chunk through a small
 * buffer between the upstream thread and the client's.
 */
#define _GNU_SOURCE	/* memmem */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <microhttpd.h>

#include "mr/config.h"
#include "mr/gateway.h"
#include "mr/proxy.h"
#include "mr/proxycfg.h"
#include "mr/router.h"

#if MHD_VERSION >= 0x00097002
#define MHD_RESULT enum MHD_Result
#else
#define MHD_RESULT int
#endif

#define COOLDOWN_S	10	/* a failing backend is skipped this long */
#define RETRY_AFTER_MAX	60

/* What the proxy serves from: swapped whole on reload. */
struct state {
	struct mr_proxy_config	*pc;
	struct mr_router	*router;
	char			*key;		/* the clients' key, or NULL */
	atomic_int		 refs;
};

struct server {
	pthread_mutex_t		 mu;		/* guards cur and cooldowns */
	struct state		*cur;
	const struct mr_proxy_opts *o;
	size_t			 max_body;
	CURLSH			*share;
	pthread_mutex_t		 share_mu[CURL_LOCK_DATA_LAST];
	/* backend name -> when it may be tried again */
	struct mr_strlist	 cool_names;
	time_t			*cool_until;
	atomic_ulong		 requests, forwarded, fallbacks, errors;
};

/* ---- state ------------------------------------------------------------- */

static void
state_put(struct state *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	mr_proxycfg_free(s->pc);
	mr_router_free(s->router);
	if (s->key != NULL) {
		memset(s->key, 0, strlen(s->key));
		free(s->key);
	}
	free(s);
}

static struct state *
state_get(struct server *sv)
{
	struct state *s;

	pthread_mutex_lock(&sv->mu);
	s = sv->cur;
	atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&sv->mu);
	return s;
}

static struct state *
state_load(const char *path, struct mr_error *err)
{
	struct state *s = mr_xcalloc(1, sizeof(*s));
	struct mr_config *cfg;
	char *rp;

	if ((s->pc = mr_proxycfg_load_file(path, NULL, err)) == NULL) {
		free(s);
		return NULL;
	}
	rp = s->pc->router_config ? mr_expand_home(s->pc->router_config) :
	    NULL;
	cfg = rp ? mr_config_load_file(rp, err) : mr_config_load_default(err);
	free(rp);
	if (cfg == NULL) {
		mr_proxycfg_free(s->pc);
		free(s);
		return NULL;
	}
	mr_config_check_availability(cfg, true, NULL);
	s->router = mr_router_new(cfg);
	s->key = s->pc->proxy.api_key ? mr_xstrdup(s->pc->proxy.api_key) :
	    NULL;
	atomic_init(&s->refs, 1);
	return s;
}

/* ---- cooldowns (a small circuit breaker) ---------------------------------- */

static bool
cooling(struct server *sv, const char *name)
{
	time_t now = time(NULL);
	bool yes = false;
	size_t i;

	pthread_mutex_lock(&sv->mu);
	for (i = 0; i < sv->cool_names.n; i++)
		if (strcmp(sv->cool_names.v[i], name) == 0)
			yes = sv->cool_until[i] > now;
	pthread_mutex_unlock(&sv->mu);
	return yes;
}

static void
cool(struct server *sv, const char *name, long seconds)
{
	size_t i;

	pthread_mutex_lock(&sv->mu);
	for (i = 0; i < sv->cool_names.n; i++)
		if (strcmp(sv->cool_names.v[i], name) == 0)
			break;
	if (i == sv->cool_names.n) {
		mr_strlist_push(&sv->cool_names, name);
		sv->cool_until = mr_xrealloc(sv->cool_until,
		    sv->cool_names.n * sizeof(*sv->cool_until));
	}
	sv->cool_until[i] = seconds > 0 ? time(NULL) + seconds : 0;
	pthread_mutex_unlock(&sv->mu);
}

/* ---- responses ---------------------------------------------------------- */

static MHD_RESULT
send_body(struct MHD_Connection *c, unsigned status, const char *ctype,
    const char *body, size_t len, const struct mr_strlist *headers)
{
	struct MHD_Response *r;
	MHD_RESULT rc;
	size_t i;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", ctype);
	for (i = 0; headers != NULL && i + 1 < headers->n; i += 2)
		MHD_add_response_header(r, headers->v[i], headers->v[i + 1]);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static MHD_RESULT
send_json(struct MHD_Connection *c, unsigned status, char *json,
    const struct mr_strlist *headers)
{
	MHD_RESULT rc = send_body(c, status, "application/json", json,
	    strlen(json), headers);

	free(json);
	return rc;
}

static void
header(struct mr_strlist *h, const char *name, const char *value)
{
	char v[129];
	size_t i;

	/* printable ASCII only, at most 128 characters */
	for (i = 0; value[i] && i < 128; i++)
		v[i] = value[i] >= 0x20 && value[i] < 0x7f ? value[i] : '?';
	v[i] = '\0';
	mr_strlist_push(h, name);
	mr_strlist_push(h, v);
}

static void
route_headers(struct mr_strlist *h, const char *id, const struct state *s,
    const struct mr_gw_route *rt, const struct mr_proxy_backend *b,
    bool fallback)
{
	header(h, "X-ModelRouter-Request-ID", id);
	header(h, "X-ModelRouter-Engine", rt->engine ? rt->engine : "");
	header(h, "X-ModelRouter-Mode", rt->mode ? rt->mode : "decision");
	header(h, "X-ModelRouter-Profile", s->pc->proxy.routing_profile);
	if (b != NULL) {
		header(h, "X-ModelRouter-Backend", b->name);
		header(h, "X-ModelRouter-Model", b->model);
		header(h, "X-ModelRouter-Fallback", fallback ? "true" : "false");
	}
}

/* ---- upstream ----------------------------------------------------------- */

static void
share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *u)
{
	struct server *sv = u;

	(void)h;
	(void)a;
	pthread_mutex_lock(&sv->share_mu[d]);
}

static void
share_unlock(CURL *h, curl_lock_data d, void *u)
{
	struct server *sv = u;

	(void)h;
	pthread_mutex_unlock(&sv->share_mu[d]);
}

static CURL *
easy_for(struct server *sv, const struct mr_proxy_backend *b, const char *url,
    const char *body, struct curl_slist **hdrs)
{
	CURL *e = curl_easy_init();
	char *auth;

	if (e == NULL)
		return NULL;
	*hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (b->api_key != NULL) {
		auth = mr_xasprintf("Authorization: Bearer %s", b->api_key);
		*hdrs = curl_slist_append(*hdrs, auth);
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, *hdrs);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(b->timeout_seconds *
	    1000));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(e, CURLOPT_SHARE, sv->share);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "model-router/" MR_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	return e;
}

static size_t
to_buf(char *data, size_t size, size_t n, void *arg)
{
	struct mr_buf *b = arg;

	if (b->len + size * n > (64u << 20))
		return 0;	/* an answer this big is not a chat answer */
	mr_buf_add(b, data, size * n);
	return size * n;
}

/* Retry-After in seconds (only the number form), 0 when absent. */
struct resp_meta {
	long	 retry_after;
	char	 ctype[128];
};

static size_t
on_header(char *line, size_t size, size_t n, void *arg)
{
	struct resp_meta *m = arg;
	size_t len = size * n, k;

	if (len > 12 && strncasecmp(line, "retry-after:", 12) == 0)
		m->retry_after = strtol(line + 12, NULL, 10);
	if (len > 13 && strncasecmp(line, "content-type:", 13) == 0) {
		for (k = 13; k < len && line[k] == ' '; k++)
			;
		snprintf(m->ctype, sizeof(m->ctype), "%.*s", (int)(len - k),
		    line + k);
		m->ctype[strcspn(m->ctype, "\r\n")] = '\0';
	}
	return len;
}

/* ---- streams ------------------------------------------------------------- */

struct relay {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	pthread_t		 tid;
	CURL			*easy;
	struct curl_slist	*hdrs;
	char			*url;
	char			*body;
	struct resp_meta	 meta;
	struct mr_buf		 out;		/* bytes for the client */
	size_t			 off;
	struct mr_buf		 ev;		/* a partial SSE event */
	bool			 drop_usage;	/* we asked for it, not them */
	bool			 headers_done;
	long			 status;
	bool			 finished;
	CURLcode		 result;
	bool			 sent_any;
	bool			 error_sent;
	bool			 sse;		/* text/event-stream */
	atomic_bool		 abort;
};

/* Passes SSE events on, except the usage-only one we asked for. */
static void
relay_events(struct relay *r, const char *data, size_t len)
{
	const char *p, *end;
	size_t k;

	if (!r->drop_usage) {
		mr_buf_add(&r->out, data, len);
		return;
	}
	mr_buf_add(&r->ev, data, len);
	for (;;) {
		p = r->ev.buf;
		end = NULL;
		for (k = 0; k + 1 < r->ev.len; k++)
			if (p[k] == '\n' && p[k + 1] == '\n') {
				end = p + k + 2;
				break;
			}
		if (end == NULL)
			break;
		/* within this event only */
		k = (size_t)(end - p);
		if (!(strncmp(p, "data: ", 6) == 0 && memmem(p, k, "\"usage\"",
		    7) != NULL && (memmem(p, k, "\"choices\":[]", 12) != NULL ||
		    memmem(p, k, "\"choices\": []", 13) != NULL)))
			mr_buf_add(&r->out, p, k);
		memmove(r->ev.buf, end, r->ev.len - (size_t)(end - p));
		r->ev.len -= (size_t)(end - p);
		r->ev.buf[r->ev.len] = '\0';
	}
}

static size_t
relay_write(char *data, size_t size, size_t n, void *arg)
{
	struct relay *r = arg;

	pthread_mutex_lock(&r->mu);
	if (!r->headers_done) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
		r->headers_done = true;
	}
	relay_events(r, data, size * n);
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return atomic_load(&r->abort) ? 0 : size * n;
}

static int
relay_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
    curl_off_t d)
{
	struct relay *r = arg;

	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return atomic_load(&r->abort) ? 1 : 0;	/* the client went away */
}

static void *
relay_main(void *arg)
{
	struct relay *r = arg;
	CURLcode rc = curl_easy_perform(r->easy);

	pthread_mutex_lock(&r->mu);
	if (!r->headers_done) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
		r->headers_done = r->status > 0;
	}
	if (r->ev.len > 0) {
		mr_buf_add(&r->out, r->ev.buf, r->ev.len);
		mr_buf_reset(&r->ev);
	}
	r->result = rc;
	r->finished = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static void
relay_free(struct relay *r)
{
	atomic_store(&r->abort, true);
	pthread_join(r->tid, NULL);
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->hdrs);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	mr_buf_release(&r->out);
	mr_buf_release(&r->ev);
	free(r->url);
	free(r->body);
	free(r);
}

static ssize_t
relay_read(void *arg, uint64_t pos, char *buf, size_t max)
{
	struct relay *r = arg;
	struct timespec ts;
	/* on an event boundary of its own, whatever was cut */
	static const char cut[] = "\n\ndata: {\"error\":{\"message\":\"The "
	    "upstream stream ended early.\",\"type\":"
	    "\"upstream_stream_interrupted\"}}\n\n";
	size_t n;

	(void)pos;
	pthread_mutex_lock(&r->mu);
	while (r->off == r->out.len && !r->finished) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	}
	if (r->off < r->out.len) {
		n = r->out.len - r->off < max ? r->out.len - r->off : max;
		memcpy(buf, r->out.buf + r->off, n);
		r->off += n;
		r->sent_any = true;
		pthread_mutex_unlock(&r->mu);
		return (ssize_t)n;
	}
	/* done: a cut stream says so instead of just stopping (an SSE
	 * stream that never sent [DONE] was cut too) */
	if ((r->result != CURLE_OK || (r->sse && memmem(r->out.buf, r->out.len,
	    "data: [DONE]", 12) == NULL)) && !r->error_sent &&
	    sizeof(cut) - 1 <= max) {
		memcpy(buf, cut, sizeof(cut) - 1);
		r->error_sent = true;
		pthread_mutex_unlock(&r->mu);
		return (ssize_t)(sizeof(cut) - 1);
	}
	pthread_mutex_unlock(&r->mu);
	return MHD_CONTENT_READER_END_OF_STREAM;
}

static void
relay_done(void *arg)
{
	relay_free(arg);
}

/* ---- the request ------------------------------------------------------------ */

struct conn {
	struct mr_buf	 body;
	bool		 too_big;
};

static bool
authorized(struct MHD_Connection *c, const char *key)
{
	const char *h;
	size_t i, n;
	unsigned char diff = 0;

	if (key == NULL)
		return true;
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (h == NULL || strncasecmp(h, "bearer ", 7) != 0)
		return false;
	h += 7;
	while (*h == ' ')
		h++;
	n = strlen(key);
	if (strlen(h) != n)
		return false;
	for (i = 0; i < n; i++)	/* the same time whatever differs */
		diff |= (unsigned char)(h[i] ^ key[i]);
	return diff == 0;
}

static void
request_id(char out[9])
{
	static atomic_uint counter;
	unsigned v = (unsigned)time(NULL) * 2654435761u ^
	    atomic_fetch_add(&counter, 1) * 40503u ^ (unsigned)getpid();

	snprintf(out, 9, "%08x", v);
}

static char *
print_free(cJSON *o)
{
	char *t = cJSON_PrintUnformatted(o);

	cJSON_Delete(o);
	return t != NULL ? t : mr_xstrdup("{}");
}

static MHD_RESULT
models(struct MHD_Connection *c, const struct state *s)
{
	cJSON *o = cJSON_CreateObject(), *d, *m, *mr;
	size_t i, k;
	bool dup;

	cJSON_AddStringToObject(o, "object", "list");
	d = cJSON_AddArrayToObject(o, "data");
	for (i = 0; i < s->pc->proxy.model_ids.n; i++) {
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "id", s->pc->proxy.model_ids.v[i]);
		cJSON_AddStringToObject(m, "object", "model");
		cJSON_AddStringToObject(m, "owned_by", "model-router");
		mr = cJSON_AddObjectToObject(m, "modelrouter");
		cJSON_AddStringToObject(mr, "kind", "proxy_alias");
		cJSON_AddStringToObject(mr, "routing_mode",
		    s->pc->proxy.routing_mode);
		cJSON_AddItemToArray(d, m);
	}
	for (i = 0; i < s->pc->nbackends; i++) {
		for (dup = false, k = 0; k < i; k++)
			dup = dup || strcmp(s->pc->backends[k].model,
			    s->pc->backends[i].model) == 0;
		if (dup)
			continue;
		m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "id", s->pc->backends[i].model);
		cJSON_AddStringToObject(m, "object", "model");
		cJSON_AddStringToObject(m, "owned_by", "model-router-backend");
		mr = cJSON_AddObjectToObject(m, "modelrouter");
		cJSON_AddStringToObject(mr, "kind", "backend_model");
		cJSON_AddStringToObject(mr, "backend", s->pc->backends[i].name);
		cJSON_AddItemToArray(d, m);
	}
	return send_json(c, 200, print_free(o), NULL);
}

/* /health: from memory, never calling an upstream. */
static MHD_RESULT
health(struct MHD_Connection *c, struct server *sv, const struct state *s)
{
	cJSON *o = cJSON_CreateObject(), *b, *e;
	size_t i;

	cJSON_AddStringToObject(o, "status", "ok");
	cJSON_AddStringToObject(o, "version", MR_VERSION);
	cJSON_AddStringToObject(o, "routing_profile", s->pc->proxy.routing_profile);
	cJSON_AddStringToObject(o, "routing_mode", s->pc->proxy.routing_mode);
	b = cJSON_AddArrayToObject(o, "backends");
	for (i = 0; i < s->pc->nbackends; i++) {
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "name", s->pc->backends[i].name);
		cJSON_AddStringToObject(e, "model", s->pc->backends[i].model);
		cJSON_AddBoolToObject(e, "cooling_down", cooling(sv,
		    s->pc->backends[i].name));
		cJSON_AddItemToArray(b, e);
	}
	cJSON_AddNumberToObject(o, "requests", (double)atomic_load(
	    &sv->requests));
	cJSON_AddNumberToObject(o, "forwarded", (double)atomic_load(
	    &sv->forwarded));
	cJSON_AddNumberToObject(o, "fallbacks", (double)atomic_load(
	    &sv->fallbacks));
	cJSON_AddNumberToObject(o, "errors", (double)atomic_load(&sv->errors));
	return send_json(c, 200, print_free(o), NULL);
}

static MHD_RESULT
error_reply(struct MHD_Connection *c, struct server *sv, unsigned status,
    const char *type, const char *msg, const char *engine,
    const struct mr_strlist *h)
{
	atomic_fetch_add(&sv->errors, 1);
	return send_json(c, status, mr_gw_error_body(type, msg, engine), h);
}

/* One routed request: the backends in order until one answers. */
static MHD_RESULT
routed(struct MHD_Connection *c, struct server *sv, struct state *s,
    enum mr_gw_api api, const char *data, size_t len)
{
	struct mr_strlist h = MR_STRLIST_INIT, why = MR_STRLIST_INIT;
	struct mr_gw_route rt;
	struct mr_buf out = MR_BUF_INIT, msg = MR_BUF_INIT;
	struct resp_meta meta;
	struct curl_slist *hdrs;
	const struct mr_proxy_backend *b;
	char id[9], *body, *url;
	cJSON *req;
	CURL *e;
	CURLcode cr;
	long status;
	bool stream, added, tried_cooling;
	size_t i, pass;
	MHD_RESULT rc;

	request_id(id);
	atomic_fetch_add(&sv->requests, 1);
	req = cJSON_ParseWithLength(data, len);
	if (req == NULL)
		return error_reply(c, sv, 400, "invalid_request_error",
		    "Request body must be valid JSON.", NULL, NULL);
	if (!cJSON_IsObject(req)) {
		cJSON_Delete(req);
		return error_reply(c, sv, 400, "invalid_request_error",
		    "Request body must be a JSON object.", NULL, NULL);
	}
	mr_gw_route(s->pc, s->router, api, req, &rt);
	if (rt.nchain == 0) {
		route_headers(&h, id, s, &rt, NULL, false);
		rc = error_reply(c, sv, (unsigned)rt.status, rt.error_type,
		    rt.message, rt.engine, &h);
		goto out;
	}
	stream = api != MR_GW_EMBEDDINGS && cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(req, "stream"));
	/*
	 * Two passes: first the backends not cooling down, then (if all of
	 * those failed) the ones that are, as a last resort.
	 */
	for (pass = 0; pass < 2; pass++)
	for (i = 0; i < rt.nchain; i++) {
		b = rt.chain[i];
		tried_cooling = cooling(sv, b->name);
		if (tried_cooling != (pass == 1))
			continue;
		body = mr_gw_upstream_body(req, b, &added);
		url = mr_xasprintf("%s%s", b->base_url,
		    mr_gw_upstream_path(api));
		if (stream) {
			struct relay *r = mr_xcalloc(1, sizeof(*r));
			struct MHD_Response *resp;

			pthread_mutex_init(&r->mu, NULL);
			pthread_cond_init(&r->cv, NULL);
			atomic_init(&r->abort, false);
			r->url = url;
			r->body = body;
			r->drop_usage = added;
			r->easy = easy_for(sv, b, r->url, r->body, &r->hdrs);
			curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION,
			    relay_write);
			curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
			curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION,
			    on_header);
			curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, &r->meta);
			curl_easy_setopt(r->easy, CURLOPT_NOPROGRESS, 0L);
			curl_easy_setopt(r->easy, CURLOPT_XFERINFOFUNCTION,
			    relay_progress);
			curl_easy_setopt(r->easy, CURLOPT_XFERINFODATA, r);
			if (pthread_create(&r->tid, NULL, relay_main, r) != 0) {
				curl_easy_cleanup(r->easy);
				curl_slist_free_all(r->hdrs);
				free(r->url);
				free(r->body);
				free(r);
				continue;
			}
			/* fall back only before the first byte */
			pthread_mutex_lock(&r->mu);
			while (!r->headers_done && !r->finished)
				pthread_cond_wait(&r->cv, &r->mu);
			status = r->status;
			pthread_mutex_unlock(&r->mu);
			if (!r->headers_done || mr_gw_retryable(status)) {
				mr_strlist_push_take(&why, mr_xasprintf("%s: %s",
				    b->name, r->headers_done ? "HTTP error" :
				    curl_easy_strerror(r->result)));
				cool(sv, b->name, status == 429 &&
				    r->meta.retry_after > 0 ?
				    (r->meta.retry_after < RETRY_AFTER_MAX ?
				    r->meta.retry_after : RETRY_AFTER_MAX) :
				    COOLDOWN_S);
				relay_free(r);
				continue;
			}
			cool(sv, b->name, 0);
			r->sse = status < 300 && (r->meta.ctype[0] == '\0' ||
			    strncasecmp(r->meta.ctype, "text/event-stream",
			    17) == 0);
			route_headers(&h, id, s, &rt, b, i > 0 || pass > 0);
			if (i > 0 || pass > 0)
				atomic_fetch_add(&sv->fallbacks, 1);
			atomic_fetch_add(&sv->forwarded, 1);
			resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
			    16384, relay_read, r, relay_done);
			MHD_add_response_header(resp, "Content-Type",
			    r->meta.ctype[0] ? r->meta.ctype :
			    "text/event-stream");
			MHD_add_response_header(resp, "Cache-Control",
			    "no-cache");
			for (size_t k = 0; k + 1 < h.n; k += 2)
				MHD_add_response_header(resp, h.v[k],
				    h.v[k + 1]);
			rc = MHD_queue_response(c, (unsigned)status, resp);
			MHD_destroy_response(resp);
			goto out;
		}
		/* not a stream: the whole answer, then the client's */
		mr_buf_reset(&out);
		memset(&meta, 0, sizeof(meta));
		e = easy_for(sv, b, url, body, &hdrs);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, to_buf);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &out);
		curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(e, CURLOPT_HEADERDATA, &meta);
		cr = curl_easy_perform(e);
		status = 0;
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(e);
		curl_slist_free_all(hdrs);
		free(body);
		free(url);
		if (cr != CURLE_OK || mr_gw_retryable(status)) {
			bool last = pass == 1 && i + 1 == rt.nchain;

			mr_strlist_push_take(&why, mr_xasprintf("%s: %s",
			    b->name, cr != CURLE_OK ? curl_easy_strerror(cr) :
			    status == 429 ? "HTTP 429" : "HTTP 5xx"));
			cool(sv, b->name, status == 429 && meta.retry_after > 0 ?
			    (meta.retry_after < RETRY_AFTER_MAX ?
			    meta.retry_after : RETRY_AFTER_MAX) : COOLDOWN_S);
			/* the last backend's own error answer is passed on */
			if (!(last && cr == CURLE_OK))
				continue;
		} else {
			cool(sv, b->name, 0);
		}
		route_headers(&h, id, s, &rt, b, i > 0 || pass > 0);
		if (i > 0 || pass > 0)
			atomic_fetch_add(&sv->fallbacks, 1);
		atomic_fetch_add(&sv->forwarded, 1);
		rc = send_body(c, (unsigned)status, meta.ctype[0] ? meta.ctype :
		    "application/json", out.buf, out.len, &h);
		goto out;
	}
	/* every backend failed: say which and why */
	mr_buf_addstr(&msg, "Upstream backend request failed: ");
	mr_strlist_join(&why, "; ", &msg);
	route_headers(&h, id, s, &rt, rt.chain[0], false);
	rc = error_reply(c, sv, 502, "upstream_request_failed", msg.buf,
	    rt.engine, &h);
out:
	cJSON_Delete(req);
	mr_strlist_clear(&h);
	mr_strlist_clear(&why);
	mr_buf_release(&out);
	mr_buf_release(&msg);
	return rc;
}

static MHD_RESULT
answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	struct server *sv = cls;
	struct conn *cn = *con_cls;
	struct state *s;
	MHD_RESULT rc;
	char *msg;
	int api;

	(void)version;
	if (cn == NULL) {
		cn = mr_xcalloc(1, sizeof(*cn));
		mr_buf_init(&cn->body);
		*con_cls = cn;
		return MHD_YES;
	}
	if (*upload_len > 0) {
		if (cn->body.len + *upload_len > sv->max_body)
			cn->too_big = true;
		else
			mr_buf_add(&cn->body, upload, *upload_len);
		*upload_len = 0;
		return MHD_YES;
	}
	s = state_get(sv);
	if (strcmp(url, "/health") == 0 && strcmp(method, "GET") == 0) {
		rc = health(c, sv, s);
		goto out;
	}
	if (strncmp(url, "/v1/", 4) != 0) {
		rc = send_body(c, 404, "application/json",
		    "{\"detail\":\"Not Found\"}", 22, NULL);
		goto out;
	}
	if (!authorized(c, s->key)) {
		rc = error_reply(c, sv, 401, "authentication_error", "Missing "
		    "or invalid bearer token.", NULL, NULL);
		goto out;
	}
	if (cn->too_big) {
		msg = mr_xasprintf("Request body is larger than %zu bytes.",
		    sv->max_body);
		rc = error_reply(c, sv, 413, "invalid_request_error", msg, NULL,
		    NULL);
		free(msg);
		goto out;
	}
	if (strcmp(url, "/v1/models") == 0 && strcmp(method, "GET") == 0) {
		rc = models(c, s);
		goto out;
	}
	if (strcmp(url, "/v1/messages") == 0) {
		rc = error_reply(c, sv, 501, "unsupported_endpoint", "Anthropic "
		    "Messages compatibility is planned but not supported by this "
		    "OpenAI-compatible proxy yet.", NULL, NULL);
		goto out;
	}
	if ((api = mr_gw_api_from_path(url)) >= 0 && strcmp(method, "POST") ==
	    0) {
		rc = routed(c, sv, s, (enum mr_gw_api)api, cn->body.buf,
		    cn->body.len);
		goto out;
	}
	msg = mr_xasprintf("%s is not supported by this ModelRouter proxy.",
	    url);
	rc = error_reply(c, sv, 404, "unsupported_endpoint", msg, NULL, NULL);
	free(msg);
out:
	state_put(s);
	return rc;
}

static void
done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode code)
{
	struct conn *cn = *con_cls;

	(void)cls;
	(void)c;
	(void)code;
	if (cn != NULL) {
		mr_buf_release(&cn->body);
		free(cn);
	}
	*con_cls = NULL;
}

static bool
is_loopback(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") ==
	    0 || strcmp(host, "::1") == 0 || strncmp(host, "127.", 4) == 0;
}

int
mr_proxy_run(const struct mr_proxy_opts *o, struct mr_error *err)
{
	struct server sv;
	struct MHD_Daemon *d;
	struct addrinfo hints, *ai = NULL;
	const union MHD_DaemonInfo *info;
	struct state *s, *old;
	struct mr_error rerr = MR_ERROR_INIT;
	const char *host;
	char ps[16];
	int port, i, rc = -1;

	memset(&sv, 0, sizeof(sv));
	pthread_mutex_init(&sv.mu, NULL);
	sv.o = o;
	sv.max_body = o->max_body ? o->max_body : MR_PROXY_MAX_BODY;
	if ((s = state_load(o->config_path, err)) == NULL)
		return -1;
	sv.cur = s;
	host = o->host ? o->host : s->pc->proxy.host;
	port = o->port > 0 ? o->port : o->port < 0 ? 0 : s->pc->proxy.port;
	if (!is_loopback(host) && s->key == NULL && !o->insecure_no_auth) {
		mr_error_set(err, NULL, 0, 0, "refusing to listen on %s without "
		    "a key: set proxy.api_key_env (or pass --insecure-no-auth)",
		    host);
		goto out;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&sv.share_mu[i], NULL);
	sv.share = curl_share_init();
	curl_share_setopt(sv.share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(sv.share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(sv.share, CURLSHOPT_USERDATA, &sv);
	curl_share_setopt(sv.share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	curl_share_setopt(sv.share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(ps, sizeof(ps), "%d", port);
	if (getaddrinfo(host, ps, &hints, &ai) != 0 || ai == NULL) {
		mr_error_set(err, NULL, 0, 0, "cannot resolve the address %s",
		    host);
		goto out;
	}
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | (ai->ai_family == AF_INET6 ?
	    MHD_USE_IPv6 : 0), (uint16_t)port, NULL, NULL, answer, &sv,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)600,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (d == NULL) {
		mr_error_set(err, NULL, 0, 0, "cannot listen on %s:%d (is it in "
		    "use?)", host, port);
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (o->ready != NULL)
		o->ready(o->ctx, info ? info->port : port);
	while (o->stop == NULL || !*o->stop) {
		usleep(50000);
		if (o->reload != NULL && *o->reload) {
			*o->reload = 0;
			/* a bad new config is refused; the old one serves on */
			if ((s = state_load(o->config_path, &rerr)) == NULL) {
				char *m = mr_error_format(&rerr);
				char *line = mr_xasprintf("reload refused, the old "
				    "config stays: %s", m);

				if (o->log != NULL)
					o->log(o->ctx, line);
				free(line);
				free(m);
				mr_error_clear(&rerr);
				continue;
			}
			pthread_mutex_lock(&sv.mu);
			old = sv.cur;
			sv.cur = s;
			pthread_mutex_unlock(&sv.mu);
			state_put(old);
			if (o->log != NULL)
				o->log(o->ctx, "config reloaded");
		}
	}
	/* in-flight requests finish: the daemon waits for its threads */
	MHD_stop_daemon(d);
	rc = 0;
out:
	state_put(sv.cur);
	if (sv.share != NULL)
		curl_share_cleanup(sv.share);
	mr_strlist_clear(&sv.cool_names);
	free(sv.cool_until);
	pthread_mutex_destroy(&sv.mu);
	return rc;
}
