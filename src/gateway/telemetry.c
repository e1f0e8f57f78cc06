/*
 * Routing events, written off the request path.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cjson/cJSON.h>
#include <nettle/base16.h>
#include <nettle/sha2.h>
#ifdef __linux__
#include <sys/random.h>
#endif

#include "mr/fileio.h"
#include "mr/receipt.h"
#include "mr/telemetry.h"

#define PREVIEW_CHARS 180
#define QUEUE_MAX 10000		/* beyond this, events are dropped */
/*
 * The writer wakes for the first event after a quiet spell, then lets the
 * events of the next LINGER_MS gather and writes them as one batch (one
 * open, one lock); a request wakes it only when it sleeps, or when
 * WAKE_AT events wait.  Under load that is a wake-up every LINGER_MS, not
 * one per request; idle, none.
 */
#define LINGER_MS 50
#define WAKE_AT 256

/* A queued event: the caller's event with every string its own. */
struct item {
	struct mr_tel_event	 e;
	struct mr_strlist	 tried;
	struct timeval		 when;
	struct item		*next;
};

struct mr_telemetry {
	char		*path;
	long long	 max_bytes;
	long long	 backups;
	enum mr_capture	 capture;
	/* a lock file beside the log: one writer at a time rotates and
	 * appends, and one process makes the salt (a reload, or a second
	 * proxy, writes to the same file) */
	int		 lockfd;
	const struct mr_router *router;	/* NULL: no diagnostics */
	char		*profile;	/* NULL: balanced */
	unsigned char	 salt[32];
	pthread_t	 tid;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct item	*head, **tail;
	size_t		 queued;
	bool		 asleep;	/* waiting for an event, no deadline */
	bool		 closing;
	size_t		 dropped;
};

enum mr_capture
mr_capture_from_name(const char *s)
{
	if (s != NULL && strcmp(s, "off") == 0)
		return MR_CAPTURE_OFF;
	if (s != NULL && strcmp(s, "full") == 0)
		return MR_CAPTURE_FULL;
	return MR_CAPTURE_PREVIEW;
}

/* N bytes from the kernel's random source. */
static int
random_bytes(unsigned char *b, size_t n)
{
#ifdef __linux__
	ssize_t k;

	while (n > 0) {
		if ((k = getrandom(b, n, 0)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		b += k;
		n -= (size_t)k;
	}
	return 0;
#else
	arc4random_buf(b, n);
	return 0;
#endif
}

/* The install's salt: read, or made once (0600). */
static int
salt_load(struct mr_telemetry *t, struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	char *dir = mr_xstrdup(t->path), *p;
	int rc = -1;

	p = mr_xasprintf("%s/.telemetry-salt", dirname(dir));
	flock(t->lockfd, LOCK_EX);
	if (mr_read_file(p, 64, &b) == 0 && b.len == sizeof(t->salt)) {
		memcpy(t->salt, b.buf, sizeof(t->salt));
		rc = 0;
	} else if (random_bytes(t->salt, sizeof(t->salt)) == 0 &&
	    mr_write_atomic(p, t->salt, sizeof(t->salt), 0600, err) == 0) {
		rc = 0;
	} else if (err != NULL && err->msg == NULL) {
		mr_error_set(err, p, 0, 0, "cannot make a salt");
	}
	flock(t->lockfd, LOCK_UN);
	mr_buf_release(&b);
	free(p);
	free(dir);
	return rc;
}

static void
rotate(struct mr_telemetry *t)
{
	struct stat st;
	char *a, *b;
	long long i;

	if (t->max_bytes <= 0 || t->backups <= 0 ||
	    stat(t->path, &st) != 0 || st.st_size < t->max_bytes)
		return;
	a = mr_xasprintf("%s.%lld", t->path, t->backups);
	unlink(a);
	free(a);
	for (i = t->backups - 1; i >= 1; i--) {
		a = mr_xasprintf("%s.%lld", t->path, i);
		b = mr_xasprintf("%s.%lld", t->path, i + 1);
		rename(a, b);
		free(a);
		free(b);
	}
	a = mr_xasprintf("%s.1", t->path);
	rename(t->path, a);
	free(a);
}

static char *format(struct mr_telemetry *t, const struct mr_tel_event *e,
    const struct timeval *when);

static void
item_free(struct item *it)
{
	free((char *)it->e.request_id);
	free((char *)it->e.route_api);
	free((char *)it->e.engine);
	free((char *)it->e.mode);
	free((char *)it->e.profile);
	free((char *)it->e.backend);
	free((char *)it->e.model);
	free((char *)it->e.api);
	free((char *)it->e.status);
	free((char *)it->e.prompt);
	free((char *)it->e.config_source);
	mr_strlist_clear(&it->tried);
	free(it);
}

/* One batch, a line at a time (a burst's lines are never all in memory
 * at once), with one open (and a new one after each rotation). */
static void
write_batch(struct mr_telemetry *t, struct item *batch)
{
	struct stat st;
	struct item *it;
	long long size = 0;
	char *line;
	size_t n;
	int fd = -1;

	flock(t->lockfd, LOCK_EX);
	while ((it = batch) != NULL) {
		batch = it->next;
		line = format(t, &it->e, &it->when);
		item_free(it);
		if (fd < 0 || (t->max_bytes > 0 && t->backups > 0 &&
		    size >= t->max_bytes)) {
			if (fd >= 0)
				close(fd);
			rotate(t);
			fd = open(t->path, O_WRONLY | O_CREAT | O_APPEND |
			    O_CLOEXEC, 0600);
			size = fd >= 0 && fstat(fd, &st) == 0 ? st.st_size : 0;
		}
		/* a write error loses the event, never the request */
		n = strlen(line);
		if (fd >= 0 && write(fd, line, n) == (ssize_t)n)
			size += (long long)n;
		free(line);
	}
	if (fd >= 0)
		close(fd);
	flock(t->lockfd, LOCK_UN);
}

static void
give_back(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static void *
writer(void *arg)
{
	struct mr_telemetry *t = arg;
	struct timespec until;
	struct item *batch;
	bool wrote = false;

	for (;;) {
		pthread_mutex_lock(&t->mu);
		if (t->head == NULL && !t->closing) {
			/* a quiet spell: the batches' memory goes back to the
			 * system (glibc keeps it in the arena otherwise) */
			if (wrote) {
				pthread_mutex_unlock(&t->mu);
				give_back();
				wrote = false;
				continue;
			}
			t->asleep = true;
			while (t->head == NULL && !t->closing)
				pthread_cond_wait(&t->cv, &t->mu);
			t->asleep = false;
		}
		/* a burst gathers into one batch */
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += LINGER_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!t->closing && t->queued < WAKE_AT &&
		    pthread_cond_timedwait(&t->cv, &t->mu, &until) == 0)
			;
		batch = t->head;
		t->head = NULL;
		t->tail = &t->head;
		t->queued = 0;
		if (batch == NULL && t->closing) {
			pthread_mutex_unlock(&t->mu);
			return NULL;
		}
		pthread_mutex_unlock(&t->mu);
		write_batch(t, batch);
		wrote = true;
	}
}

struct mr_telemetry *
mr_telemetry_open(const char *path, long long max_bytes, long long backups,
    enum mr_capture capture, struct mr_error *err)
{
	struct mr_telemetry *t = mr_xcalloc(1, sizeof(*t));
	char *dir = mr_xstrdup(path), *lock, *folder;

	t->path = mr_xstrdup(path);
	t->max_bytes = max_bytes;
	t->backups = backups;
	t->capture = capture;
	t->tail = &t->head;
	t->lockfd = -1;
	folder = dirname(dir);	/* (may modify DIR: called once) */
	lock = mr_xasprintf("%s/.telemetry.lock", folder);
	if (mr_mkdirs(folder, 0700, err) < 0 ||
	    (t->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0 ||
	    salt_load(t, err) < 0) {
		if (t->lockfd < 0 && err != NULL && err->msg == NULL)
			mr_error_set(err, lock, 0, 0, "cannot open: %s",
			    strerror(errno));
		if (t->lockfd >= 0)
			close(t->lockfd);
		free(lock);
		free(dir);
		free(t->path);
		free(t);
		return NULL;
	}
	free(lock);
	free(dir);
	pthread_mutex_init(&t->mu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&t->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (pthread_create(&t->tid, NULL, writer, t) != 0) {
		mr_error_set(err, path, 0, 0, "cannot start the log writer");
		close(t->lockfd);
		pthread_mutex_destroy(&t->mu);
		pthread_cond_destroy(&t->cv);
		free(t->path);
		free(t);
		return NULL;
	}
	return t;
}

void
mr_telemetry_close(struct mr_telemetry *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	t->closing = true;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->tid, NULL);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	close(t->lockfd);
	free(t->profile);
	free(t->path);
	free(t);
}

void
mr_telemetry_set_router(struct mr_telemetry *t, const struct mr_router *r,
    const char *profile)
{
	t->router = r;
	free(t->profile);
	t->profile = profile ? mr_xstrdup(profile) : NULL;
}

static void add_ms(cJSON *o, const char *key, double ms);

/* The full decision's diagnostics, as the reference's events carry them. */
static void
diagnostics(const struct mr_telemetry *t, const char *prompt, cJSON *o)
{
	static const char *const keys[] = {
		"complexity_score", "risk_score", "confidence_score", "reasons",
		"requirements", "reason_codes", "policy_explanation",
		"fallback_explanation", "safety_explanation",
		"privacy_explanation", "wrong_route_next_action"
	};
	struct mr_decision d;
	struct mr_hints h;
	struct timespec a, b;
	cJSON *r, *v;
	size_t i;

	mr_hints_init(&h);
	h.profile = t->profile;
	clock_gettime(CLOCK_MONOTONIC, &a);
	mr_route(t->router, prompt, strlen(prompt), &h, false, &d);
	r = mr_receipt_json(&d);
	clock_gettime(CLOCK_MONOTONIC, &b);
	add_ms(o, "diagnostic_latency_ms", (double)(b.tv_sec - a.tv_sec) *
	    1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6);
	for (i = 0; r != NULL && i < MR_NELEM(keys); i++)
		if ((v = cJSON_DetachItemFromObjectCaseSensitive(r,
		    keys[i])) != NULL)
			cJSON_AddItemToObject(o, keys[i], v);
	v = r ? cJSON_GetObjectItemCaseSensitive(r, "summary") : NULL;
	if (cJSON_IsString(v))
		cJSON_AddStringToObject(o, "receipt_summary", v->valuestring);
	cJSON_Delete(r);
	mr_decision_release(&d);
}

size_t
mr_telemetry_dropped(struct mr_telemetry *t)
{
	size_t n;

	if (t == NULL)
		return 0;
	pthread_mutex_lock(&t->mu);
	n = t->dropped;
	pthread_mutex_unlock(&t->mu);
	return n;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? mr_xstrdup(s) : NULL;
}

void
mr_telemetry_record(struct mr_telemetry *t, const struct mr_tel_event *e)
{
	struct item *it;
	size_t i;

	if (t == NULL)
		return;
	it = mr_xcalloc(1, sizeof(*it));
	gettimeofday(&it->when, NULL);
	it->e = *e;
	it->e.request_id = dup_or_null(e->request_id);
	it->e.route_api = dup_or_null(e->route_api);
	it->e.engine = dup_or_null(e->engine);
	it->e.mode = dup_or_null(e->mode);
	it->e.profile = dup_or_null(e->profile);
	it->e.backend = dup_or_null(e->backend);
	it->e.model = dup_or_null(e->model);
	it->e.api = dup_or_null(e->api);
	it->e.status = dup_or_null(e->status);
	it->e.prompt = dup_or_null(e->prompt);
	it->e.config_source = dup_or_null(e->config_source);
	for (i = 0; e->tried != NULL && i < e->tried->n; i++)
		mr_strlist_push(&it->tried, e->tried->v[i]);
	it->e.tried = &it->tried;
	pthread_mutex_lock(&t->mu);
	if (t->queued < QUEUE_MAX) {
		*t->tail = it;
		t->tail = &it->next;
		t->queued++;
		if (t->asleep || t->queued == WAKE_AT)
			pthread_cond_signal(&t->cv);
		it = NULL;
	} else {
		t->dropped++;	/* the disk cannot keep up: lose events */
	}
	pthread_mutex_unlock(&t->mu);
	if (it != NULL)
		item_free(it);
}

static void
add_ms(cJSON *o, const char *key, double ms)
{
	if (ms >= 0)
		/* 4 places, half to even as Python's round(x, 4) */
		cJSON_AddNumberToObject(o, key, (double)llrint(ms * 10000) /
		    10000);
}

static void
add_str(cJSON *o, const char *key, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, key, s);
}

/*
 * SHA-256 of salt + text, hex.  Nettle's, the hash GnuTLS (in this
 * process already) is built on: OpenSSL 3's EVP interface would set up
 * its provider tables for it, about 1 MB resident.
 */
static void
prompt_hash(const struct mr_telemetry *t, const char *p, char out[65])
{
	unsigned char md[SHA256_DIGEST_SIZE];
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, sizeof(t->salt), t->salt);
	sha256_update(&c, strlen(p), (const uint8_t *)p);
	sha256_digest(&c, sizeof(md), md);
	base16_encode_update(out, sizeof(md), md);
	out[BASE16_ENCODE_LENGTH(sizeof(md))] = '\0';
}

/* cJSON keeps insertion order: sort so lines compare and diff well. */
static int
key_cmp(const void *a, const void *b)
{
	return strcmp((*(cJSON *const *)a)->string,
	    (*(cJSON *const *)b)->string);
}

static cJSON *
sorted(cJSON *o)
{
	cJSON **v, *c;
	size_t n = 0, i;

	for (c = o->child; c; c = c->next)
		n++;
	if (n < 2)
		return o;
	v = mr_xcalloc(n, sizeof(*v));
	for (i = 0, c = o->child; c; c = c->next)
		v[i++] = c;
	qsort(v, n, sizeof(*v), key_cmp);
	/* relinked, not copied (cJSON's first child's prev is the last) */
	for (i = 0; i < n; i++) {
		v[i]->prev = i > 0 ? v[i - 1] : v[n - 1];
		v[i]->next = i + 1 < n ? v[i + 1] : NULL;
	}
	o->child = v[0];
	free(v);
	return o;
}

/* One event as a JSON line (in the writer's thread). */
static char *
format(struct mr_telemetry *t, const struct mr_tel_event *e,
    const struct timeval *when)
{
	struct mr_buf pv = MR_BUF_INIT;
	struct tm tm;
	char ts[40], hash[65], *line, *s;
	cJSON *o, *tried;
	size_t i, n;

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event_type", "routing_event");
	gmtime_r(&when->tv_sec, &tm);
	n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%03ldZ",
	    (long)(when->tv_usec / 1000));
	cJSON_AddStringToObject(o, "timestamp", ts);
	add_str(o, "request_id", e->request_id);
	add_str(o, "route_api", e->route_api);
	add_str(o, "selected_engine", e->engine);
	add_str(o, "routing_mode", e->mode);
	cJSON_AddBoolToObject(o, "decision_layer_enabled", e->mode != NULL &&
	    strcmp(e->mode, "decision") == 0);
	add_str(o, "routing_profile", e->profile);
	add_str(o, "selected_backend", e->backend);
	add_str(o, "backend", e->backend);
	add_str(o, "selected_model", e->model);
	add_str(o, "backend_model", e->model);
	add_str(o, "api", e->api);
	add_str(o, "status", e->status);
	if (e->status_code > 0)
		cJSON_AddNumberToObject(o, "status_code", e->status_code);
	cJSON_AddBoolToObject(o, "fallback_used", e->fallback);
	cJSON_AddBoolToObject(o, "stream", e->stream);
	tried = cJSON_AddArrayToObject(o, "backends_failed");
	for (i = 0; e->tried != NULL && i < e->tried->n; i++)
		cJSON_AddItemToArray(tried, cJSON_CreateString(e->tried->v[i]));
	add_ms(o, "route_latency_ms", e->route_ms);
	add_ms(o, "upstream_latency_ms", e->upstream_ms);
	add_ms(o, "time_to_first_byte_ms", e->ttfb_ms);
	add_ms(o, "total_latency_ms", e->total_ms);
	add_str(o, "config_source", e->config_source);
	cJSON_AddStringToObject(o, "router_version", MR_VERSION);
	if (e->prompt != NULL) {
		prompt_hash(t, e->prompt, hash);
		cJSON_AddStringToObject(o, "prompt_hash", hash);
		n = strlen(e->prompt);
		cJSON_AddNumberToObject(o, "prompt_length", (double)n);
		cJSON_AddNumberToObject(o, "estimated_tokens",
		    (double)((n + 3) / 4));
		if (t->capture != MR_CAPTURE_OFF) {
			/* a preview cut on a character, then redacted */
			for (i = 0, n = 0; e->prompt[i] && n < PREVIEW_CHARS;
			    i++)
				if (((unsigned char)e->prompt[i] & 0xC0) != 0x80)
					n++;
			while (e->prompt[i] && ((unsigned char)e->prompt[i] &
			    0xC0) == 0x80)
				i++;
			if (mr_redact(e->prompt, i, &pv) == 0)
				cJSON_AddStringToObject(o, "prompt_preview",
				    pv.buf);
		}
		/* the whole text, but never a secret in it */
		mr_buf_reset(&pv);
		if (t->capture == MR_CAPTURE_FULL &&
		    mr_redact(e->prompt, strlen(e->prompt), &pv) == 0)
			cJSON_AddStringToObject(o, "prompt", pv.buf);
		if (t->router != NULL)
			diagnostics(t, e->prompt, o);
	}
	if (e->usage.prompt >= 0)
		cJSON_AddNumberToObject(o, "usage_prompt_tokens",
		    (double)e->usage.prompt);
	if (e->usage.completion >= 0)
		cJSON_AddNumberToObject(o, "usage_completion_tokens",
		    (double)e->usage.completion);
	if (e->usage.total >= 0)
		cJSON_AddNumberToObject(o, "usage_total_tokens",
		    (double)e->usage.total);
	o = sorted(o);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	mr_buf_release(&pv);
	if (s == NULL)
		return mr_xstrdup("{}\n");
	n = strlen(s);
	line = mr_xmalloc(n + 2);
	memcpy(line, s, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	free(s);
	return line;
}
