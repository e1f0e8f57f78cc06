/*
 * Counters and histograms for /metrics.  Each series is one entry of a
 * small open-addressing table keyed by its full name with labels, so the
 * text format falls out of the keys; families are rendered in a fixed
 * order with their HELP and TYPE lines.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/metrics.h"

/* Upper bounds, seconds: from a cached answer to a long generation. */
static const double bounds[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
	120, 300
};
#define NBOUNDS MR_NELEM(bounds)

enum family {
	F_REQUESTS, F_ROUTED, F_FALLBACKS, F_UPSTREAM_ERRORS, F_RETRIES,
	F_TOKENS, F_DURATION, F_TTFB, F_NFAMILIES
};

static const struct {
	const char	*name;
	const char	*type;
	const char	*help;
} families[F_NFAMILIES] = {
	{ "model_router_requests_total", "counter",
	    "Requests answered, by API and HTTP status." },
	{ "model_router_routed_total", "counter",
	    "Requests routed, by engine and the backend that answered." },
	{ "model_router_fallbacks_total", "counter",
	    "Requests answered by a fallback backend, by that backend." },
	{ "model_router_upstream_errors_total", "counter",
	    "Failed upstream attempts, by backend and reason." },
	{ "model_router_retries_total", "counter",
	    "Upstream attempts repeated after a failure, by backend." },
	{ "model_router_tokens_total", "counter",
	    "Tokens the backends reported, by backend and kind." },
	{ "model_router_request_duration_seconds", "histogram",
	    "Time from a request's arrival to its answer's end, by backend." },
	{ "model_router_stream_first_byte_seconds", "histogram",
	    "Time from a streamed request's arrival to the first byte of its "
	    "answer, by backend." },
};

struct series {
	char		*key;		/* name{labels}, or the labels of a
					 * histogram */
	enum family	 fam;
	double		 value;		/* counters */
	unsigned long long *buckets;	/* histograms: NBOUNDS + 1 */
	double		 sum;
	unsigned long long count;
};

struct mr_metrics {
	pthread_mutex_t	 mu;
	struct series	*tab;
	size_t		 cap;		/* a power of two */
	size_t		 n;
};

struct mr_metrics *
mr_metrics_new(void)
{
	struct mr_metrics *m = mr_xcalloc(1, sizeof(*m));

	pthread_mutex_init(&m->mu, NULL);
	m->cap = 64;
	m->tab = mr_xcalloc(m->cap, sizeof(*m->tab));
	return m;
}

void
mr_metrics_free(struct mr_metrics *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++) {
		free(m->tab[i].key);
		free(m->tab[i].buckets);
	}
	free(m->tab);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static unsigned long
hash(const char *s, enum family f)
{
	unsigned long h = 2166136261u ^ (unsigned long)f;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct series *find(struct mr_metrics *m, enum family f,
    const char *key);

static void
grow(struct mr_metrics *m)
{
	struct series *old = m->tab;
	size_t oldcap = m->cap, i;

	m->cap *= 2;
	m->tab = mr_xcalloc(m->cap, sizeof(*m->tab));
	m->n = 0;
	for (i = 0; i < oldcap; i++) {
		struct series *s;

		if (old[i].key == NULL)
			continue;
		s = find(m, old[i].fam, old[i].key);
		free(s->key);
		free(s->buckets);
		*s = old[i];
	}
	free(old);
}

/* The series for KEY in family F, made when new.  Under the mutex. */
static struct series *
find(struct mr_metrics *m, enum family f, const char *key)
{
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	for (i = hash(key, f) & (m->cap - 1); m->tab[i].key != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (m->tab[i].fam == f && strcmp(m->tab[i].key, key) == 0)
			return &m->tab[i];
	m->tab[i].key = mr_xstrdup(key);
	m->tab[i].fam = f;
	if (families[f].type[0] == 'h')
		m->tab[i].buckets = mr_xcalloc(NBOUNDS + 1,
		    sizeof(*m->tab[i].buckets));
	m->n++;
	return &m->tab[i];
}

/* A label value as the text format wants it: runs without a character
 * to escape are copied whole. */
void
mr_prom_label(struct mr_buf *b, const char *name, const char *v)
{
	size_t n;

	if (b->len > 0)
		mr_buf_addch(b, ',');
	mr_buf_addstr(b, name);
	mr_buf_add(b, "=\"", 2);
	for (v = v ? v : ""; *v; v += n) {
		if ((n = strcspn(v, "\\\"\n")) > 0) {
			mr_buf_add(b, v, n);
			continue;
		}
		mr_buf_add(b, *v == '\n' ? "\\n" : *v == '"' ? "\\\"" : "\\\\",
		    2);
		n = 1;
	}
	mr_buf_addch(b, '"');
}

static void
add(struct mr_metrics *m, enum family f, const char *labels, double v)
{
	find(m, f, labels)->value += v;
}

static void
observe(struct mr_metrics *m, enum family f, const char *labels, double v)
{
	struct series *s = find(m, f, labels);
	size_t i;

	for (i = 0; i < NBOUNDS && v > bounds[i]; i++)
		;
	s->buckets[i]++;
	s->sum += v;
	s->count++;
}

void
mr_metrics_request(struct mr_metrics *m, const struct mr_metrics_req *r)
{
	struct mr_buf a = MR_BUF_INIT, b = MR_BUF_INIT, c = MR_BUF_INIT;
	struct mr_buf tp = MR_BUF_INIT, tc = MR_BUF_INIT;
	bool tokens = r->backend != NULL && (r->usage.prompt >= 0 ||
	    r->usage.completion >= 0);
	char code[16];

	/* the label sets first, so the lock is held for the sums alone */
	mr_buf_grow(&a, 64);
	if (r->status >= 100 && r->status <= 999) {	/* HTTP's own */
		code[0] = (char)('0' + r->status / 100);
		code[1] = (char)('0' + r->status / 10 % 10);
		code[2] = (char)('0' + r->status % 10);
		code[3] = '\0';
	} else
		snprintf(code, sizeof(code), "%d", r->status);
	mr_prom_label(&a, "api", r->api ? r->api : "other");
	mr_prom_label(&a, "code", code);
	if (r->backend != NULL) {
		mr_prom_label(&b, "backend", r->backend);
		if (r->engine != NULL) {
			mr_prom_label(&c, "engine", r->engine);
			mr_buf_addch(&c, ',');
			mr_buf_add(&c, b.buf, b.len);
		}
	}
	if (tokens) {
		mr_buf_add(&tp, b.buf, b.len);
		mr_prom_label(&tp, "kind", "prompt");
		mr_buf_add(&tc, b.buf, b.len);
		mr_prom_label(&tc, "kind", "completion");
	}
	pthread_mutex_lock(&m->mu);
	add(m, F_REQUESTS, a.buf, 1);
	if (r->backend != NULL) {
		if (r->engine != NULL)
			add(m, F_ROUTED, c.buf, 1);
		if (r->fallback)
			add(m, F_FALLBACKS, b.buf, 1);
		observe(m, F_DURATION, b.buf, r->seconds);
		if (r->stream && r->ttfb_seconds >= 0)
			observe(m, F_TTFB, b.buf, r->ttfb_seconds);
	}
	if (tokens && r->usage.prompt >= 0)
		add(m, F_TOKENS, tp.buf, (double)r->usage.prompt);
	if (tokens && r->usage.completion >= 0)
		add(m, F_TOKENS, tc.buf, (double)r->usage.completion);
	pthread_mutex_unlock(&m->mu);
	mr_buf_release(&a);
	mr_buf_release(&b);
	mr_buf_release(&c);
	mr_buf_release(&tp);
	mr_buf_release(&tc);
}

void
mr_metrics_upstream_error(struct mr_metrics *m, const char *backend,
    const char *reason)
{
	struct mr_buf a = MR_BUF_INIT;

	mr_prom_label(&a, "backend", backend);
	mr_prom_label(&a, "reason", reason);
	pthread_mutex_lock(&m->mu);
	add(m, F_UPSTREAM_ERRORS, a.buf, 1);
	pthread_mutex_unlock(&m->mu);
	mr_buf_release(&a);
}

void
mr_metrics_retry(struct mr_metrics *m, const char *backend)
{
	struct mr_buf a = MR_BUF_INIT;

	mr_prom_label(&a, "backend", backend);
	pthread_mutex_lock(&m->mu);
	add(m, F_RETRIES, a.buf, 1);
	pthread_mutex_unlock(&m->mu);
	mr_buf_release(&a);
}

static int
by_key(const void *x, const void *y)
{
	return strcmp((*(const struct series *const *)x)->key,
	    (*(const struct series *const *)y)->key);
}

static void
number(struct mr_buf *b, double v)
{
	if (v == (double)(long long)v)
		mr_buf_printf(b, "%lld", (long long)v);
	else
		mr_buf_printf(b, "%.6g", v);
}

static void
render_histogram(struct mr_buf *out, const char *name, const struct series *s)
{
	unsigned long long cum = 0;
	const char *sep = s->key[0] ? "," : "";
	size_t i;

	for (i = 0; i <= NBOUNDS; i++) {
		cum += s->buckets[i];
		mr_buf_printf(out, "%s_bucket{%s%sle=\"", name, s->key, sep);
		if (i < NBOUNDS)
			number(out, bounds[i]);
		else
			mr_buf_addstr(out, "+Inf");
		mr_buf_printf(out, "\"} %llu\n", cum);
	}
	mr_buf_printf(out, "%s_sum{%s} ", name, s->key);
	number(out, s->sum);
	mr_buf_printf(out, "\n%s_count{%s} %llu\n", name, s->key, s->count);
}

void
mr_metrics_render(struct mr_metrics *m, struct mr_buf *out)
{
	struct series **v;
	size_t i, n, k;
	int f;

	pthread_mutex_lock(&m->mu);
	v = mr_xcalloc(m->n + 1, sizeof(*v));
	for (f = 0; f < F_NFAMILIES; f++) {
		for (n = 0, i = 0; i < m->cap; i++)
			if (m->tab[i].key != NULL && m->tab[i].fam == (enum family)f)
				v[n++] = &m->tab[i];
		mr_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n",
		    families[f].name, families[f].help, families[f].name,
		    families[f].type);
		qsort(v, n, sizeof(*v), by_key);
		for (k = 0; k < n; k++) {
			if (families[f].type[0] == 'h') {
				render_histogram(out, families[f].name, v[k]);
				continue;
			}
			mr_buf_printf(out, "%s{%s} ", families[f].name,
			    v[k]->key);
			number(out, v[k]->value);
			mr_buf_addch(out, '\n');
		}
	}
	pthread_mutex_unlock(&m->mu);
	free(v);
}
