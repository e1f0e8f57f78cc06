/*
 * The routing proxy's HTTP side.  libmicrohttpd with a thread per client
 * connection (a request may wait on its upstream for minutes; nothing
 * else waits behind it), libcurl upstream with connections shared across
 * threads (keep-alive).  Forwarding is in forward.c, the probes of the
 * backends in probe.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "mr/config.h"

#include "proxy-int.h"

void	 mr_proxy_share_init(struct server *sv);

double
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- state ------------------------------------------------------------- */

void
state_put(struct state *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	mr_telemetry_close(s->tel);
	mr_proxycfg_free(s->pc);
	mr_router_free(s->router);
	if (s->key != NULL) {
		memset(s->key, 0, strlen(s->key));
		free(s->key);
	}
	free(s->config_source);
	free(s);
}

struct state *
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
	char *rp, *lp;

	if ((s->pc = mr_proxycfg_load_file(path, NULL, err)) == NULL) {
		free(s);
		return NULL;
	}
	rp = s->pc->router_config ? mr_expand_home(s->pc->router_config) :
	    NULL;
	cfg = rp ? mr_config_load_file(rp, err) : mr_config_load_default(err);
	s->config_source = rp ? rp : mr_xstrdup("default");
	if (cfg == NULL) {
		mr_proxycfg_free(s->pc);
		free(s->config_source);
		free(s);
		return NULL;
	}
	mr_config_check_availability(cfg, true, NULL);
	s->router = mr_router_new(cfg);
	if (s->pc->observability.enabled) {
		lp = mr_expand_home(s->pc->observability.log_path);
		s->tel = mr_telemetry_open(lp, s->pc->observability.max_bytes,
		    s->pc->observability.backups, mr_capture_from_name(
		    s->pc->observability.prompt_capture), err);
		free(lp);
		if (s->tel != NULL)
			mr_telemetry_set_router(s->tel, s->router,
			    s->pc->proxy.routing_profile);
		if (s->tel == NULL) {
			mr_router_free(s->router);
			mr_proxycfg_free(s->pc);
			free(s->config_source);
			free(s);
			return NULL;
		}
	}
	s->key = s->pc->proxy.api_key ? mr_xstrdup(s->pc->proxy.api_key) :
	    NULL;
	atomic_init(&s->refs, 1);
	return s;
}

/* ---- cooldowns (a small circuit breaker) ---------------------------------- */

bool
cooling(struct server *sv, const char *name)
{
	time_t now = time(NULL);
	bool yes = false;
	size_t i;

	pthread_mutex_lock(&sv->mu);
	for (i = 0; i < sv->ncool; i++)
		if (strcmp(sv->cool[i].name, name) == 0)
			yes = sv->cool[i].down || sv->cool[i].until > now;
	pthread_mutex_unlock(&sv->mu);
	return yes;
}

void
cool(struct server *sv, const char *name, long seconds, bool down)
{
	size_t i;

	pthread_mutex_lock(&sv->mu);
	for (i = 0; i < sv->ncool; i++)
		if (strcmp(sv->cool[i].name, name) == 0)
			break;
	if (i == sv->ncool) {
		sv->cool = mr_xrealloc(sv->cool, (sv->ncool + 1) *
		    sizeof(*sv->cool));
		sv->cool[i].name = mr_xstrdup(name);
		sv->ncool++;
	}
	/* down: until a probe sees it up, however long that takes */
	sv->cool[i].until = down ? 0 : time(NULL) + seconds;
	sv->cool[i].down = down;
	pthread_mutex_unlock(&sv->mu);
	if (down) {		/* the prober has work */
		pthread_mutex_lock(&sv->probe_mu);
		sv->probe_work = true;
		pthread_cond_signal(&sv->probe_cv);
		pthread_mutex_unlock(&sv->probe_mu);
	}
}

void
uncool(struct server *sv, const char *name, bool probe)
{
	size_t i;

	pthread_mutex_lock(&sv->mu);
	for (i = 0; i < sv->ncool; i++)
		if (strcmp(sv->cool[i].name, name) == 0) {
			/* a probe says it is up, not that it stopped asking
			 * for a pause (429) */
			if (!probe)
				sv->cool[i].until = 0;
			sv->cool[i].down = false;
		}
	pthread_mutex_unlock(&sv->mu);
}

/* ---- responses ---------------------------------------------------------- */

MHD_RESULT
send_body(struct MHD_Connection *c, unsigned status, const char *ctype,
    const char *body, size_t len, const struct route_hdrs *headers)
{
	struct MHD_Response *r;
	MHD_RESULT rc;
	size_t i;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", ctype);
	for (i = 0; headers != NULL && i < headers->n; i++)
		MHD_add_response_header(r, headers->name[i],
		    headers->value[i]);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

MHD_RESULT
send_json(struct MHD_Connection *c, unsigned status, char *json,
    const struct route_hdrs *headers)
{
	MHD_RESULT rc = send_body(c, status, "application/json", json,
	    strlen(json), headers);

	free(json);
	return rc;
}

static MHD_RESULT
error_reply(struct MHD_Connection *c, struct server *sv, unsigned status,
    const char *type, const char *msg)
{
	atomic_fetch_add(&sv->errors, 1);
	mr_metrics_request(sv->metrics, &(struct mr_metrics_req){
	    .api = "other", .status = (int)status, .ttfb_seconds = -1,
	    .usage = { -1, -1, -1 } });
	return send_json(c, status, mr_gw_error_body(type, msg, NULL), NULL);
}

/* ---- the small endpoints ------------------------------------------------ */

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
	cJSON_AddNumberToObject(o, "in_flight", (double)atomic_load(
	    &sv->in_flight));
	return send_json(c, 200, print_free(o), NULL);
}

/* /metrics: the counters, then the gauges of this moment. */
static MHD_RESULT
metrics(struct MHD_Connection *c, struct server *sv, const struct state *s)
{
	struct mr_buf b = MR_BUF_INIT, l = MR_BUF_INIT;
	MHD_RESULT rc;
	size_t i;

	mr_metrics_render(sv->metrics, &b);
	mr_buf_addstr(&b, "# HELP model_router_in_flight_requests Requests "
	    "being answered now.\n# TYPE model_router_in_flight_requests "
	    "gauge\n");
	mr_buf_printf(&b, "model_router_in_flight_requests %ld\n",
	    (long)atomic_load(&sv->in_flight));
	mr_buf_printf(&b, "# HELP model_router_events_dropped Routing events "
	    "lost because the log's disk could not keep up (this config).\n"
	    "# TYPE model_router_events_dropped gauge\n"
	    "model_router_events_dropped %zu\n", mr_telemetry_dropped(s->tel));
	mr_buf_addstr(&b, "# HELP model_router_backend_up Whether a backend "
	    "is used (1) or skipped after failures (0).\n"
	    "# TYPE model_router_backend_up gauge\n");
	for (i = 0; i < s->pc->nbackends; i++) {
		mr_buf_reset(&l);
		mr_prom_label(&l, "backend", s->pc->backends[i].name);
		mr_buf_printf(&b, "model_router_backend_up{%s} %d\n", l.buf,
		    !cooling(sv, s->pc->backends[i].name));
	}
	mr_buf_release(&l);
	rc = send_body(c, 200, "text/plain; version=0.0.4; charset=utf-8",
	    b.buf, b.len, NULL);
	mr_buf_release(&b);
	return rc;
}

/* ---- requests ---------------------------------------------------------- */

struct conn {
	struct mr_buf	 body;
	bool		 too_big;
	double		 t0;
};

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
		cn->t0 = mono_now();
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
	if (strncmp(url, "/v1/", 4) != 0 && strcmp(url, "/metrics") != 0 &&
	    strcmp(url, "/health/backends") != 0) {
		rc = send_body(c, 404, "application/json",
		    "{\"detail\":\"Not Found\"}", 22, NULL);
		goto out;
	}
	if (!authorized(c, s->key)) {
		rc = error_reply(c, sv, 401, "authentication_error", "Missing "
		    "or invalid bearer token.");
		goto out;
	}
	if (cn->too_big) {
		msg = mr_xasprintf("Request body is larger than %zu bytes.",
		    sv->max_body);
		rc = error_reply(c, sv, 413, "invalid_request_error", msg);
		free(msg);
		goto out;
	}
	if (strcmp(method, "GET") == 0 && strcmp(url, "/metrics") == 0) {
		rc = metrics(c, sv, s);
		goto out;
	}
	if (strcmp(method, "GET") == 0 && strcmp(url, "/health/backends") ==
	    0) {
		rc = health_backends(c, sv, s);
		goto out;
	}
	if (strcmp(url, "/v1/models") == 0 && strcmp(method, "GET") == 0) {
		rc = models(c, s);
		goto out;
	}
	if (strcmp(url, "/v1/messages") == 0) {
		rc = error_reply(c, sv, 501, "unsupported_endpoint", "Anthropic "
		    "Messages compatibility is planned but not supported by this "
		    "OpenAI-compatible proxy yet.");
		goto out;
	}
	if ((api = mr_gw_api_from_path(url)) >= 0 && strcmp(method, "POST") ==
	    0) {
		atomic_fetch_add(&sv->in_flight, 1);
		rc = routed(c, sv, s, (enum mr_gw_api)api, cn->body.buf,
		    cn->body.len, cn->t0);
		atomic_fetch_sub(&sv->in_flight, 1);
		goto out;
	}
	msg = mr_xasprintf("%s is not supported by this ModelRouter proxy.",
	    url);
	rc = error_reply(c, sv, 404, "unsupported_endpoint", msg);
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

static void
reload(struct server *sv, const struct mr_proxy_opts *o)
{
	struct mr_error rerr = MR_ERROR_INIT;
	struct state *s, *old;
	char *m, *line;

	/* a bad new config is refused; the old one serves on */
	if ((s = state_load(o->config_path, &rerr)) == NULL) {
		m = mr_error_format(&rerr);
		line = mr_xasprintf("reload refused, the old config stays: %s",
		    m);
		if (o->log != NULL)
			o->log(o->ctx, line);
		free(line);
		free(m);
		mr_error_clear(&rerr);
		return;
	}
	pthread_mutex_lock(&sv->mu);
	old = sv->cur;
	sv->cur = s;
	pthread_mutex_unlock(&sv->mu);
	state_put(old);
	if (o->log != NULL)
		o->log(o->ctx, "config reloaded");
}

/* One of the caller's flags (0 when there is none): set by its signal
 * handlers, or by another thread (the tests), so read atomically. */
static int
flag(volatile sig_atomic_t *p)
{
	return p == NULL ? 0 : (int)__atomic_load_n(p, __ATOMIC_RELAXED);
}

/*
 * Waits for a signal's news on O's wake descriptor, MS milliseconds at
 * most (-1: no limit); without one, sleeps 50 ms (or MS).
 */
static void
wait_news(const struct mr_proxy_opts *o, int ms)
{
	struct pollfd p;
	char buf[64];

	if (o->wake_fd <= 0) {
		usleep((useconds_t)(ms < 0 ? 50000 : ms * 1000));
		return;
	}
	p.fd = o->wake_fd;
	p.events = POLLIN;
	if (poll(&p, 1, ms) > 0)
		while (read(o->wake_fd, buf, sizeof(buf)) > 0)
			;	/* non-blocking: empties it */
}

/*
 * The last client connection closed: what the requests freed goes back
 * to the system.  glibc keeps freed memory in each thread's arena; after
 * a burst that is a megabyte or so of an idle proxy's resident memory.
 */
static void
connection_news(void *arg, struct MHD_Connection *c, void **socket_ctx,
    enum MHD_ConnectionNotificationCode code)
{
	struct server *sv = arg;

	(void)c;
	(void)socket_ctx;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&sv->connections, 1);
	else if (atomic_fetch_sub(&sv->connections, 1) == 1) {
#ifdef __GLIBC__
		malloc_trim(0);
#endif
	}
}

/*
 * OpenSSL's error strings, about 0.5 MB resident once loaded, are not
 * loaded when libcurl speaks TLS through GnuTLS: then no message the
 * proxy shows comes from them (libcrypto is there for libssh2, Kerberos
 * and the prompt hashes, none of which reports through them).  With
 * libcurl on OpenSSL they stay, for its TLS errors.  Before anything
 * starts OpenSSL.
 */
static void
no_openssl_strings(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	if (v != NULL && v->ssl_version != NULL &&
	    strncmp(v->ssl_version, "GnuTLS", 6) == 0 &&
	    strstr(v->ssl_version, "SSL") == NULL)
		OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
}

int
mr_proxy_run(const struct mr_proxy_opts *o, struct mr_error *err)
{
	struct server sv;
	struct MHD_Daemon *d;
	struct addrinfo hints, *ai = NULL;
	const union MHD_DaemonInfo *info;
	struct state *s;
	const char *host;
	char ps[16];
	int port, rc = -1;
	MHD_socket lfd;
	double deadline;
	bool prober = false;
	size_t i;

	no_openssl_strings();
	memset(&sv, 0, sizeof(sv));
	pthread_mutex_init(&sv.mu, NULL);
	pthread_mutex_init(&sv.probe_mu, NULL);
	pthread_cond_init(&sv.probe_cv, NULL);
	sv.o = o;
	sv.max_body = o->max_body ? o->max_body : MR_PROXY_MAX_BODY;
	if ((s = state_load(o->config_path, err)) == NULL)
		goto out;
	sv.cur = s;
	sv.metrics = mr_metrics_new();
	host = o->host ? o->host : s->pc->proxy.host;
	port = o->port > 0 ? o->port : o->port < 0 ? 0 : s->pc->proxy.port;
	if (!is_loopback(host) && s->key == NULL && !o->insecure_no_auth) {
		mr_error_set(err, NULL, 0, 0, "refusing to listen on %s without "
		    "a key: set proxy.api_key_env (or pass --insecure-no-auth)",
		    host);
		goto out;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	mr_proxy_share_init(&sv);

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(ps, sizeof(ps), "%d", port);
	if (getaddrinfo(host, ps, &hints, &ai) != 0 || ai == NULL) {
		mr_error_set(err, NULL, 0, 0, "cannot resolve the address %s",
		    host);
		goto out;
	}
	/* poll(2), not select(2): no descriptor limit of 1024 */
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
	    MHD_USE_TURBO | MHD_USE_ITC | MHD_USE_INTERNAL_POLLING_THREAD |
	    (ai->ai_family == AF_INET6 ?
	    MHD_USE_IPv6 : 0), (uint16_t)port, NULL, NULL, answer, &sv,
	    MHD_OPTION_SOCK_ADDR, ai->ai_addr,
	    MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, connection_news, &sv,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)ceil(
	    s->pc->proxy.idle_timeout_seconds),
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (d == NULL) {
		mr_error_set(err, NULL, 0, 0, "cannot listen on %s:%d (is it in "
		    "use?)", host, port);
		goto out;
	}
	prober = pthread_create(&sv.prober, NULL, prober_main, &sv) == 0;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (o->ready != NULL)
		o->ready(o->ctx, info ? info->port : port);
	while (!flag(o->stop)) {
		wait_news(o, -1);
		if (flag(o->reload)) {
			__atomic_store_n(o->reload, 0, __ATOMIC_RELAXED);
			reload(&sv, o);
		}
	}
	/*
	 * Drain: no new connection is taken, the requests in flight (streams
	 * included) finish, for MR_PROXY_DRAIN_S at most or until a second
	 * signal; then the rest is closed.
	 */
	if ((lfd = MHD_quiesce_daemon(d)) != MHD_INVALID_SOCKET)
		close(lfd);
	deadline = mono_now() + MR_PROXY_DRAIN_S;
	while (atomic_load(&sv.in_flight) > 0 && mono_now() < deadline &&
	    flag(o->stop) < 2)
		wait_news(o, 20);
	if (atomic_load(&sv.in_flight) > 0 && o->log != NULL)
		o->log(o->ctx, "stopping with requests still in flight");
	MHD_stop_daemon(d);
	rc = 0;
out:
	if (prober) {
		pthread_mutex_lock(&sv.probe_mu);
		sv.stopping = true;
		pthread_cond_signal(&sv.probe_cv);
		pthread_mutex_unlock(&sv.probe_mu);
		pthread_join(sv.prober, NULL);
	}
	state_put(sv.cur);
	if (sv.share != NULL)
		curl_share_cleanup(sv.share);
	for (i = 0; i < sv.ncool; i++)
		free(sv.cool[i].name);
	free(sv.cool);
	mr_metrics_free(sv.metrics);
	pthread_mutex_destroy(&sv.mu);
	pthread_mutex_destroy(&sv.probe_mu);
	pthread_cond_destroy(&sv.probe_cv);
	return rc;
}
