/*
 * Forwarding one routed request: the backends of its chain in order,
 * each retried with a jittered, doubling backoff, until one answers.  A
 * stream is relayed chunk by chunk through a small buffer between the
 * upstream's thread and the client's; it falls back only before its
 * first byte.  Every outcome ends in one telemetry event and the
 * metrics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proxy-int.h"

/* How often a waiting request looks whether its client is still there. */
#define CLIENT_CHECK_S	0.1

static const char *const api_names[] = {
	"chat", "responses", "completions", "embeddings"
};

/* What one request has been through, for its event and metrics. */
struct outcome {
	char			 id[9];
	enum mr_gw_api		 api;
	const struct state	*s;
	struct mr_gw_route	 rt;
	char			*prompt;
	const struct mr_proxy_backend *b;	/* the one that answered */
	bool			 fallback;
	bool			 stream;
	struct mr_strlist	 tried;		/* "name: why" */
	double			 t0, route_ms, ttfb_ms;
	int			 status;
	const char		*status_text;
	struct mr_gw_usage	 usage;
};

static void
finish(struct server *sv, struct outcome *oc)
{
	struct mr_tel_event e;
	struct mr_metrics_req m;
	double total = (mono_now() - oc->t0) * 1000;

	memset(&m, 0, sizeof(m));
	m.api = api_names[oc->api];
	m.status = oc->status;
	m.engine = oc->rt.engine;
	m.backend = oc->b ? oc->b->name : NULL;
	m.stream = oc->stream;
	m.fallback = oc->fallback;
	m.seconds = total / 1000;
	m.ttfb_seconds = oc->ttfb_ms >= 0 ? oc->ttfb_ms / 1000 : -1;
	m.usage = oc->usage;
	mr_metrics_request(sv->metrics, &m);
	if (oc->s->tel == NULL)
		return;
	memset(&e, 0, sizeof(e));
	e.request_id = oc->id;
	e.route_api = oc->rt.mode != NULL && strcmp(oc->rt.mode, "decision") ==
	    0 ? "route_fast" : oc->rt.mode;
	e.engine = oc->rt.engine;
	e.mode = oc->rt.mode;
	e.profile = oc->s->pc->proxy.routing_profile;
	e.backend = oc->b ? oc->b->name : NULL;
	e.model = oc->b ? oc->b->model : NULL;
	e.api = api_names[oc->api];
	e.status = oc->status_text;
	e.status_code = oc->status;
	e.fallback = oc->fallback;
	e.stream = oc->stream;
	e.tried = &oc->tried;
	e.route_ms = oc->route_ms;
	e.upstream_ms = total - oc->route_ms;
	e.ttfb_ms = oc->ttfb_ms;
	e.total_ms = total;
	e.prompt = oc->prompt;
	e.usage = oc->usage;
	e.config_source = oc->s->config_source;
	mr_telemetry_record(oc->s->tel, &e);
}

static void
outcome_release(struct outcome *oc)
{
	free(oc->prompt);
	mr_strlist_clear(&oc->tried);
}

/* ---- headers ---------------------------------------------------------- */

static void
header(struct route_hdrs *h, const char *name, const char *value)
{
	char *v = h->value[h->n];
	size_t i;

	/* printable ASCII only, at most 128 characters */
	for (i = 0; value[i] && i < 128; i++)
		v[i] = value[i] >= 0x20 && value[i] < 0x7f ? value[i] : '?';
	v[i] = '\0';
	h->name[h->n++] = name;
}

static void
route_headers(struct route_hdrs *h, const struct outcome *oc,
    const struct mr_proxy_backend *b)
{
	h->n = 0;
	header(h, "X-ModelRouter-Request-ID", oc->id);
	header(h, "X-ModelRouter-Engine", oc->rt.engine ? oc->rt.engine : "");
	header(h, "X-ModelRouter-Mode", oc->rt.mode ? oc->rt.mode :
	    "decision");
	header(h, "X-ModelRouter-Profile", oc->s->pc->proxy.routing_profile);
	if (b != NULL) {
		header(h, "X-ModelRouter-Backend", b->name);
		header(h, "X-ModelRouter-Model", b->model);
		header(h, "X-ModelRouter-Fallback", oc->fallback ? "true" :
		    "false");
	}
}

/* ---- one upstream request --------------------------------------------- */

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

void	 mr_proxy_share_init(struct server *sv);

void
mr_proxy_share_init(struct server *sv)
{
	int i;

	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&sv->share_mu[i], NULL);
	sv->share = curl_share_init();
	curl_share_setopt(sv->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(sv->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(sv->share, CURLSHOPT_USERDATA, sv);
	/*
	 * DNS only.  libcurl cannot share a connection cache between threads
	 * that transfer at the same time (its known bug, curl/curl#4915): it
	 * corrupted the heap here, rarely.  A client connection's thread
	 * keeps its upstream connections in its own handle instead.
	 */
	curl_share_setopt(sv->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
}

/* What an attempt learnt besides the body. */
struct meta {
	long		 retry_after;	/* seconds, 0 when absent */
	char		 ctype[128];
	double		 first_byte;	/* mono_now() of the first header */
	/* given up by us: the client left, or no first byte in time */
	bool		 client_gone;
	bool		 first_byte_late;
	/* for the progress check */
	int		 client_fd;
	double		 start;
	double		 checked;	/* when the client was last looked at */
	double		 fbt;		/* first-byte timeout, 0 none */
};

static size_t
on_header(char *line, size_t size, size_t n, void *arg)
{
	struct meta *m = arg;
	size_t len = size * n, k;

	if (m->first_byte == 0)
		m->first_byte = mono_now();
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

/* Whether the client closed its side: a peek reads 0 bytes. */
static bool
client_gone(int fd)
{
	char c;
	ssize_t n;

	if (fd < 0)
		return false;
	n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR);
}

/* Non-zero stops the transfer: the client left, or the first byte is
 * late. */
static int
check_progress(struct meta *m)
{
	double now = mono_now();

	if (m->fbt > 0 && m->first_byte == 0 && now - m->start > m->fbt) {
		m->first_byte_late = true;
		return 1;
	}
	/* the client's socket, at most every CLIENT_CHECK_S: a quick
	 * answer costs no extra system call */
	if (now - m->checked >= CLIENT_CHECK_S) {
		m->checked = now;
		if (client_gone(m->client_fd)) {
			m->client_gone = true;
			return 1;
		}
	}
	return 0;
}

static int
plain_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
    curl_off_t d)
{
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return check_progress(arg);
}

/*
 * A client connection's thread keeps one easy handle, and with it the
 * upstream connections it made, for the requests of that client: making
 * a handle and a connection costs more than the rest of a small request.
 * A stream lends the handle to its relay thread; the client's thread
 * does nothing else meanwhile, so the handle is never used by two
 * threads at once.
 */
static pthread_key_t easy_key;
static pthread_once_t easy_once = PTHREAD_ONCE_INIT;

/* A thread's handle, and the last upstream URL it parsed: a client's
 * requests mostly go to one backend, whose URL is parsed once. */
struct thread_easy {
	CURL	*easy;
	CURLU	*u;
	char	*url;
	char	 err[CURL_ERROR_SIZE];	/* libcurl's words for a failure */
};

static void
easy_free(void *arg)
{
	struct thread_easy *t = arg;

	curl_easy_cleanup(t->easy);
	curl_url_cleanup(t->u);
	free(t->url);
	free(t);
}

static void
easy_key_make(void)
{
	pthread_key_create(&easy_key, easy_free);
}

static struct thread_easy *
thread_easy(struct server *sv)
{
	struct thread_easy *t;

	pthread_once(&easy_once, easy_key_make);
	if ((t = pthread_getspecific(easy_key)) != NULL)
		return t;
	t = mr_xcalloc(1, sizeof(*t));
	if ((t->easy = curl_easy_init()) == NULL ||
	    (t->u = curl_url()) == NULL) {
		curl_easy_cleanup(t->easy);
		free(t);
		return NULL;
	}
	/* what every request of the handle has; the rest is set anew for
	 * each (and every use sets the same options, so none is left over
	 * from the last) */
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->err);
	curl_easy_setopt(t->easy, CURLOPT_SHARE, sv->share);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	pthread_setspecific(easy_key, t);
	return t;
}

/* What went wrong with this thread's last request: libcurl's own
 * words ("Failed to connect to 127.0.0.1 port 9 after 0 ms: ..."), or
 * the code's. */
static const char *
easy_error(CURLcode cr)
{
	struct thread_easy *t;

	pthread_once(&easy_once, easy_key_make);
	t = pthread_getspecific(easy_key);
	return t != NULL && t->err[0] != '\0' ? t->err :
	    curl_easy_strerror(cr);
}

/* libcurl adds "Expect: 100-continue" to a POST body above this size
 * (1 MiB since 7.69.0, 1 KiB before); an empty "Expect:" stops it, and
 * would cost a round trip to the upstream otherwise. */
static size_t
expect_from(void)
{
	static atomic_size_t from;
	size_t v = atomic_load_explicit(&from, memory_order_relaxed);

	if (v == 0) {
		v = curl_version_info(CURLVERSION_NOW)->version_num >=
		    0x074500 ? 1024 * 1024 : 1024;
		atomic_store_explicit(&from, v, memory_order_relaxed);
	}
	return v;
}

static CURL *
easy_for(struct server *sv, const struct mr_proxy_backend *b, const char *url,
    const char *body, struct curl_slist **hdrs)
{
	struct thread_easy *t = thread_easy(sv);
	size_t len = strlen(body);
	char *auth;
	CURL *e;

	if (t == NULL)
		return NULL;
	e = t->easy;
	t->err[0] = '\0';
	/* the user agent as a header of ours: libcurl formats its own
	 * CURLOPT_USERAGENT line anew for every request */
	*hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	*hdrs = curl_slist_append(*hdrs, "User-Agent: model-router/"
	    MR_VERSION);
	if (len >= expect_from())
		*hdrs = curl_slist_append(*hdrs, "Expect:");
	if (b->api_key != NULL) {
		auth = mr_xasprintf("Authorization: Bearer %s", b->api_key);
		*hdrs = curl_slist_append(*hdrs, auth);
		memset(auth, 0, strlen(auth));
		free(auth);
	}
	if (t->url == NULL || strcmp(t->url, url) != 0) {
		free(t->url);
		t->url = curl_url_set(t->u, CURLUPART_URL, url, 0) ==
		    CURLUE_OK ? mr_xstrdup(url) : NULL;
	}
	if (t->url != NULL) {
		curl_easy_setopt(e, CURLOPT_CURLU, t->u);
	} else {
		curl_easy_setopt(e, CURLOPT_CURLU, NULL);
		curl_easy_setopt(e, CURLOPT_URL, url);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, *hdrs);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(b->timeout_seconds *
	    1000));
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(b->connect_timeout_seconds * 1000));
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	return e;
}

/* A request's end: the handle keeps its options and connections, but
 * not the pointers to what is freed next (the next request sets them
 * all again). */
static void
easy_done(CURL *e)
{
	/* no progress callback with no request to look at */
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, NULL);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, NULL);
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

/* Why an attempt failed, as fallback_on names it (a bit), or 0. */
static unsigned
failure(CURLcode cr, long status, const struct meta *m)
{
	if (cr == CURLE_OPERATION_TIMEDOUT || m->first_byte_late)
		return MR_FALLBACK_TIMEOUT;
	if (cr != CURLE_OK)
		return MR_FALLBACK_CONNECT;
	if (status == 429)
		return MR_FALLBACK_429;
	if (status >= 500 && status <= 599)
		return MR_FALLBACK_5XX;
	return 0;
}

static const char *
failure_name(unsigned f)
{
	return f == MR_FALLBACK_TIMEOUT ? "timeout" : f == MR_FALLBACK_CONNECT ?
	    "connect" : f == MR_FALLBACK_429 ? "429" : "5xx";
}

/* The failed attempt at B, told to the client's 502, metrics, breaker. */
static void
note_failure(struct server *sv, struct outcome *oc,
    const struct mr_proxy_backend *b, unsigned f, CURLcode cr, long status,
    const struct meta *m)
{
	long wait;

	if (f == MR_FALLBACK_TIMEOUT && m->first_byte_late)
		mr_strlist_push_take(&oc->tried, mr_xasprintf("%s: no first "
		    "byte within %gs", b->name, b->first_byte_timeout_seconds));
	else if (f == MR_FALLBACK_CONNECT || f == MR_FALLBACK_TIMEOUT)
		mr_strlist_push_take(&oc->tried, mr_xasprintf("%s: %s",
		    b->name, easy_error(cr)));
	else
		mr_strlist_push_take(&oc->tried, mr_xasprintf("%s: HTTP %ld",
		    b->name, status));
	mr_metrics_upstream_error(sv->metrics, b->name, failure_name(f));
	if (f == MR_FALLBACK_429) {
		/* up, but busy: skipped for as long as it asks */
		wait = m->retry_after > 0 ? m->retry_after :
		    RETRY_AFTER_DEFAULT;
		cool(sv, b->name, wait < RETRY_AFTER_MAX ? wait :
		    RETRY_AFTER_MAX, false);
	} else {
		cool(sv, b->name, 0, true);
	}
}

/* ---- streams ------------------------------------------------------------ */

struct relay {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	pthread_t		 tid;
	CURL			*easy;
	struct curl_slist	*hdrs;
	char			*url;
	char			*body;
	struct meta		 meta;
	struct mr_sse		 sse;
	struct mr_buf		 out;		/* bytes for the client */
	size_t			 off;
	bool			 headers_done;
	long			 status;
	bool			 finished;
	CURLcode		 result;
	bool			 error_sent;
	bool			 is_sse;	/* text/event-stream */
	atomic_bool		 abort;
	/* once handed to the client: what its event needs */
	struct server		*sv;
	struct state		*s;		/* a reference of its own */
	struct outcome		 oc;
	bool			 handed;
};

static size_t
relay_write(char *data, size_t size, size_t n, void *arg)
{
	struct relay *r = arg;

	pthread_mutex_lock(&r->mu);
	if (!r->headers_done) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
		r->headers_done = true;
	}
	mr_sse_feed(&r->sse, data, size * n, &r->out);
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return atomic_load(&r->abort) ? 0 : size * n;
}

static int
relay_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c,
    curl_off_t d)
{
	struct relay *r = arg;
	int stop;

	(void)a;
	(void)b;
	(void)c;
	(void)d;
	if (atomic_load(&r->abort))
		return 1;	/* the client went away */
	pthread_mutex_lock(&r->mu);
	/* the client's socket is watched by its own thread once handed */
	stop = !r->handed && check_progress(&r->meta);
	pthread_mutex_unlock(&r->mu);
	return stop;
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
	mr_sse_finish(&r->sse, &r->out);
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
	if (r->handed) {
		bool cut = r->result != CURLE_OK || (r->is_sse && !r->sse.done);

		r->oc.usage = r->sse.usage;
		if (r->meta.first_byte > 0)
			r->oc.ttfb_ms = (r->meta.first_byte - r->oc.t0) * 1000;
		r->oc.status_text = r->status >= 400 ? "upstream_error" : cut ?
		    "stream_interrupted" : "forwarded";
		finish(r->sv, &r->oc);
		outcome_release(&r->oc);
		state_put(r->s);
		atomic_fetch_sub(&r->sv->in_flight, 1);
	}
	/* the handle goes back to the client's thread */
	if (r->easy != NULL)
		easy_done(r->easy);
	curl_slist_free_all(r->hdrs);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	mr_sse_release(&r->sse);
	mr_buf_release(&r->out);
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
		if (pthread_cond_timedwait(&r->cv, &r->mu, &ts) == ETIMEDOUT &&
		    client_gone(r->meta.client_fd)) {
			/* a silent upstream, and nobody left to wait for it:
			 * MHD closes, relay_done() stops the upstream */
			pthread_mutex_unlock(&r->mu);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
	}
	if (r->off < r->out.len) {
		n = r->out.len - r->off < max ? r->out.len - r->off : max;
		memcpy(buf, r->out.buf + r->off, n);
		r->off += n;
		if (r->off == r->out.len) {	/* all sent: reuse the buffer */
			mr_buf_reset(&r->out);
			r->off = 0;
		}
		pthread_mutex_unlock(&r->mu);
		return (ssize_t)n;
	}
	/* done: a cut stream says so instead of just stopping (an SSE
	 * stream that never said it ended was cut too) */
	if ((r->result != CURLE_OK || (r->is_sse && !r->sse.done)) &&
	    !r->error_sent && sizeof(cut) - 1 <= max) {
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

enum tried { ANSWERED, FAILED };

/* Where an attempt stands: more backends to come, the last backend with
 * a retry to come, or nothing after it. */
enum last { MORE, LAST_BACKEND, LAST_TRY };

/* Whether a failed attempt's own error answer goes to the client: when
 * nothing comes after it (a 429 is not tried again), or when its backend
 * must not fall back on that failure. */
static bool
pass_on(enum last last, const struct mr_proxy_backend *b, unsigned f)
{
	return last == LAST_TRY || (last == LAST_BACKEND &&
	    f == MR_FALLBACK_429) || !(b->fallback_on & f);
}

/*
 * One streamed attempt at B.  ANSWERED once a response is queued (the
 * relay then belongs to the client's connection), else FAILED with *F
 * saying why.
 */
static enum tried
try_stream(struct MHD_Connection *c, struct server *sv, struct state *s,
    struct outcome *oc, const struct mr_proxy_backend *b, const char *url,
    char *body, bool added, enum last last, unsigned *f, MHD_RESULT *rc)
{
	struct relay *r = mr_xcalloc(1, sizeof(*r));
	struct MHD_Response *resp;
	struct route_hdrs h;
	const union MHD_ConnectionInfo *ci;
	struct meta meta;
	long status;
	size_t k;

	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	atomic_init(&r->abort, false);
	mr_sse_init(&r->sse, added);
	r->url = mr_xstrdup(url);
	r->body = body;
	r->meta.start = r->meta.checked = mono_now();
	r->meta.fbt = b->first_byte_timeout_seconds;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	r->meta.client_fd = ci ? ci->connect_fd : -1;
	r->easy = easy_for(sv, b, r->url, r->body, &r->hdrs);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, relay_write);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, &r->meta);
	curl_easy_setopt(r->easy, CURLOPT_XFERINFOFUNCTION, relay_progress);
	curl_easy_setopt(r->easy, CURLOPT_XFERINFODATA, r);
	if (pthread_create(&r->tid, NULL, relay_main, r) != 0) {
		if (r->easy != NULL)
			easy_done(r->easy);
		*f = MR_FALLBACK_CONNECT;
		mr_strlist_push_take(&oc->tried, mr_xasprintf("%s: cannot start "
		    "a thread", b->name));
		pthread_mutex_destroy(&r->mu);
		pthread_cond_destroy(&r->cv);
		mr_sse_release(&r->sse);
		curl_slist_free_all(r->hdrs);
		free(r->url);
		free(r->body);
		free(r);
		return FAILED;
	}
	/* fall back only before the first byte */
	pthread_mutex_lock(&r->mu);
	while (!r->headers_done && !r->finished)
		pthread_cond_wait(&r->cv, &r->mu);
	status = r->status;
	meta = r->meta;
	pthread_mutex_unlock(&r->mu);
	if (meta.client_gone) {
		*f = 0;
		relay_free(r);
		oc->status = 499;
		*rc = MHD_NO;
		return ANSWERED;
	}
	*f = failure(r->headers_done ? CURLE_OK : r->result, status, &meta);
	if (*f != 0) {
		note_failure(sv, oc, b, *f, r->headers_done ? CURLE_OK :
		    r->result, status, &meta);
		/* the last backend's own error answer is passed on, as is one
		 * that must not fall back */
		if (!r->headers_done || !pass_on(last, b, *f)) {
			relay_free(r);
			return FAILED;
		}
	} else {
		uncool(sv, b->name, false);
	}
	pthread_mutex_lock(&r->mu);
	r->is_sse = status < 300 && (r->meta.ctype[0] == '\0' ||
	    strncasecmp(r->meta.ctype, "text/event-stream", 17) == 0);
	r->handed = true;
	r->sv = sv;
	atomic_fetch_add(&s->refs, 1);
	r->s = s;
	oc->b = b;
	oc->status = (int)status;
	r->oc = *oc;	/* the relay owns the outcome from here */
	memset(&oc->tried, 0, sizeof(oc->tried));
	oc->prompt = NULL;
	pthread_mutex_unlock(&r->mu);
	atomic_fetch_add(&sv->in_flight, 1);
	route_headers(&h, &r->oc, b);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
	    relay_read, r, relay_done);
	MHD_add_response_header(resp, "Content-Type", r->meta.ctype[0] ?
	    r->meta.ctype : "text/event-stream");
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	for (k = 0; k < h.n; k++)
		MHD_add_response_header(resp, h.name[k], h.value[k]);
	*rc = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ANSWERED;
}

/* ---- plain answers ------------------------------------------------------ */

/* Whether BODY can be a JSON answer: an object or array, ends and all. */
static bool
looks_json(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\n' ||
	    p[n - 1] == '\r' || p[n - 1] == '\t'))
		n--;
	while (n > 0 && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
		p++;
		n--;
	}
	return n >= 2 && ((p[0] == '{' && p[n - 1] == '}') ||
	    (p[0] == '[' && p[n - 1] == ']'));
}

/* B's URL for API, in BUF when it fits (else the caller frees it). */
static char *
upstream_url(char *buf, size_t cap, const struct mr_proxy_backend *b,
    enum mr_gw_api api)
{
	const char *path = mr_gw_upstream_path(api);
	size_t n = strlen(b->base_url), k = strlen(path);
	char *u = n + k < cap ? buf : mr_xmalloc(n + k + 1);

	memcpy(u, b->base_url, n);
	memcpy(u + n, path, k + 1);
	return u;
}

/* Eight hex digits, unique enough for a log: time, a counter and the
 * process. */
static void
request_id(char id[9])
{
	static atomic_uint counter, pid;  /* a system call saved */
	static const char hex[] = "0123456789abcdef";
	unsigned v, p = atomic_load_explicit(&pid, memory_order_relaxed);
	int i;

	if (p == 0)
		atomic_store_explicit(&pid, p = (unsigned)getpid(),
		    memory_order_relaxed);
	v = (unsigned)time(NULL) * 2654435761u ^
	    atomic_fetch_add(&counter, 1) * 40503u ^ p;
	for (i = 7; i >= 0; i--, v >>= 4)
		id[i] = hex[v & 15];
	id[8] = '\0';
}

static enum tried
try_plain(struct MHD_Connection *c, struct server *sv, struct outcome *oc,
    const struct mr_proxy_backend *b, const char *url, char *body,
    enum last last, unsigned *f, MHD_RESULT *rc)
{
	struct mr_buf out = MR_BUF_INIT;
	struct route_hdrs h;
	struct curl_slist *hdrs;
	const union MHD_ConnectionInfo *ci;
	struct meta meta;
	CURLcode cr;
	long status = 0;
	CURL *e;

	memset(&meta, 0, sizeof(meta));
	meta.start = meta.checked = mono_now();
	meta.fbt = b->first_byte_timeout_seconds;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	meta.client_fd = ci ? ci->connect_fd : -1;
	if ((e = easy_for(sv, b, url, body, &hdrs)) == NULL) {
		free(body);
		*f = MR_FALLBACK_CONNECT;
		mr_strlist_push_take(&oc->tried, mr_xasprintf("%s: cannot make "
		    "a request", b->name));
		return FAILED;
	}
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, to_buf);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &out);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, &meta);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, plain_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, &meta);
	cr = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	easy_done(e);	/* the handle stays with this thread */
	curl_slist_free_all(hdrs);
	free(body);
	if (meta.client_gone) {
		/* nobody to answer: the upstream was stopped, so is this */
		mr_buf_release(&out);
		oc->status = 499;
		*rc = MHD_NO;
		return ANSWERED;
	}
	*f = failure(cr, status, &meta);
	if (*f == 0 && status < 300 && !looks_json(out.buf, out.len)) {
		/* a success that is not one: a broken server or a web page */
		*f = MR_FALLBACK_5XX;
		mr_strlist_push_take(&oc->tried, mr_xasprintf("%s: HTTP %ld "
		    "with an answer that is not JSON", b->name, status));
		mr_metrics_upstream_error(sv->metrics, b->name, "bad_answer");
		cool(sv, b->name, 0, true);
		mr_buf_release(&out);
		return FAILED;
	}
	if (*f != 0) {
		note_failure(sv, oc, b, *f, cr, status, &meta);
		/* the last backend's own error answer is passed on, as is one
		 * that must not fall back */
		if (cr != CURLE_OK || meta.first_byte_late ||
		    !pass_on(last, b, *f)) {
			mr_buf_release(&out);
			return FAILED;
		}
	} else {
		uncool(sv, b->name, false);
	}
	oc->b = b;
	oc->status = (int)status;
	oc->status_text = status < 400 ? "forwarded" : "upstream_error";
	if (meta.first_byte > 0)
		oc->ttfb_ms = (meta.first_byte - oc->t0) * 1000;
	mr_gw_usage(out.buf, out.len, &oc->usage);
	route_headers(&h, oc, b);
	*rc = send_body(c, (unsigned)status, meta.ctype[0] ? meta.ctype :
	    "application/json", out.buf, out.len, &h);
	mr_buf_release(&out);
	return ANSWERED;
}

/* ---- the request ------------------------------------------------------- */

/* The pause before retry N (1, 2, ...): base * 2^(N-1), jittered by
 * +-50 %, at most 5 s. */
static void
backoff(const struct mr_proxy_backend *b, long long n)
{
	static _Thread_local unsigned seed;
	double d = b->retry_backoff_seconds;
	long long k;

	for (k = 1; k < n && d < 5; k++)
		d *= 2;

	if (seed == 0)
		seed = (unsigned)(mono_now() * 1e6) ^ (unsigned)pthread_self();
	d *= 0.5 + (double)rand_r(&seed) / RAND_MAX;
	if (d > 5)
		d = 5;
	usleep((useconds_t)(d * 1e6));
}

static MHD_RESULT
error_out(struct MHD_Connection *c, struct server *sv, struct outcome *oc,
    unsigned status, const char *type, const char *msg,
    const struct mr_proxy_backend *b)
{
	struct route_hdrs h;
	MHD_RESULT rc;

	atomic_fetch_add(&sv->errors, 1);
	route_headers(&h, oc, b);
	rc = send_json(c, status, mr_gw_error_body(type, msg, oc->rt.engine),
	    &h);
	oc->status = (int)status;
	return rc;
}

MHD_RESULT
routed(struct MHD_Connection *c, struct server *sv, struct state *s,
    enum mr_gw_api api, const char *data, size_t len, double t0)
{
	struct outcome oc;
	struct mr_buf msg = MR_BUF_INIT;
	const struct mr_proxy_backend *b;
	char *body, *url, ubuf[512];
	cJSON *req;
	bool added, last;
	size_t i, pass, nleft;
	long long n, tries;
	bool done[MR_NELEM(oc.rt.chain)];
	unsigned f = 0;
	MHD_RESULT rc = MHD_YES;
	enum tried t;

	memset(&oc, 0, sizeof(oc));
	oc.api = api;
	oc.s = s;
	oc.t0 = t0;
	oc.ttfb_ms = -1;
	oc.usage.prompt = oc.usage.completion = oc.usage.total = -1;
	request_id(oc.id);
	atomic_fetch_add(&sv->requests, 1);
	req = cJSON_ParseWithLength(data, len);
	if (req == NULL || !cJSON_IsObject(req)) {
		oc.status_text = "invalid_request";
		rc = error_out(c, sv, &oc, 400, "invalid_request_error",
		    req == NULL ? "Request body must be valid JSON." :
		    "Request body must be a JSON object.", NULL);
		cJSON_Delete(req);
		mr_metrics_request(sv->metrics, &(struct mr_metrics_req){
		    .api = api_names[api], .status = 400, .ttfb_seconds = -1,
		    .usage = oc.usage });
		return rc;
	}
	oc.stream = api != MR_GW_EMBEDDINGS && cJSON_IsTrue(
	    cJSON_GetObjectItemCaseSensitive(req, "stream"));
	mr_gw_route(s->pc, s->router, api, req, &oc.rt);
	oc.route_ms = (mono_now() - t0) * 1000;
	if (s->tel != NULL)
		oc.prompt = mr_gw_prompt(api, req);
	if (oc.rt.nchain == 0) {
		oc.status_text = oc.rt.status == 409 ? "human_confirm" :
		    "no_backend";
		rc = error_out(c, sv, &oc, (unsigned)oc.rt.status,
		    oc.rt.error_type, oc.rt.message, NULL);
		goto out;
	}
	/*
	 * Two passes: first the backends not cooling down, then (if all of
	 * those failed) the ones that are, as a last resort.
	 */
	nleft = oc.rt.nchain;
	memset(done, 0, sizeof(done));
	for (pass = 0; pass < 2; pass++)
	for (i = 0; i < oc.rt.nchain; i++) {
		b = oc.rt.chain[i];
		/* each backend once: one that failed in the first pass is
		 * cooling now, but was tried */
		if (done[i] || cooling(sv, b->name) != (pass == 1))
			continue;
		done[i] = true;
		last = --nleft == 0;
		/* a backend known to be down gets one try, as a last resort */
		tries = pass == 0 ? b->max_retries : 0;
		for (n = 0; n <= tries; n++) {
			if (n > 0) {
				backoff(b, n);
				mr_metrics_retry(sv->metrics, b->name);
			}
			oc.fallback = i > 0 || pass > 0;
			body = mr_gw_upstream_body(req, b, &added);
			url = upstream_url(ubuf, sizeof(ubuf), b, api);
			t = oc.stream ? try_stream(c, sv, s, &oc, b, url, body,
			    added, !last ? MORE : n < tries ? LAST_BACKEND :
			    LAST_TRY, &f, &rc) :
			    try_plain(c, sv, &oc, b, url, body, !last ? MORE :
			    n < tries ? LAST_BACKEND : LAST_TRY, &f, &rc);
			if (url != ubuf)
				free(url);
			if (t == ANSWERED)
				goto answered;
			/* a 429 asks for a pause longer than ours, a timeout
			 * already waited; neither is retried here */
			if (f == MR_FALLBACK_429 || f == MR_FALLBACK_TIMEOUT ||
			    !(b->fallback_on & f))
				break;
		}
		if (!(b->fallback_on & f)) {
			pass = 2;	/* told not to move on */
			break;
		}
	}
	/* every backend failed: say which and why */
	mr_buf_addstr(&msg, "Upstream backend request failed: ");
	mr_strlist_join(&oc.tried, "; ", &msg);
	oc.status_text = "upstream_error";
	rc = error_out(c, sv, &oc, 502, "upstream_request_failed", msg.buf,
	    oc.rt.chain[0]);
	goto out;
answered:
	if (oc.b == NULL)
		goto out;	/* the client left */
	if (oc.fallback)
		atomic_fetch_add(&sv->fallbacks, 1);
	atomic_fetch_add(&sv->forwarded, 1);
	if (oc.stream) {
		/* its event comes when the stream ends */
		cJSON_Delete(req);
		outcome_release(&oc);
		return rc;
	}
out:
	finish(sv, &oc);
	cJSON_Delete(req);
	outcome_release(&oc);
	mr_buf_release(&msg);
	return rc;
}
