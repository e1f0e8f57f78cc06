/*
 * Loading and checking routing_proxy.yaml, the routing proxy's config
 * (reference-cli-proxy-setup.md §A.3).  The checks, their order and their
 * messages are the reference's, so a config that fails there fails here
 * with the same text; what we add is the position of the offending node,
 * URL checks, unknown-key warnings and an injectable environment.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mr/proxycfg.h"
#include "mr/ydoc.h"

#define PROXYCFG_MAX_SIZE	(4 << 20)
#define DEFAULT_LOG_PATH	"~/.model-router/routing-events.jsonl"
#define DEFAULT_PROMPT_TEMPLATE \
	"Review the ModelRouter route receipt metadata. Selected engine: " \
	"{selected_engine}. Receipt summary: {receipt_summary}. Return a " \
	"concise JSON object with ok and rationale."

static const char *const top_keys[] = {
	"proxy", "router_config", "observability", "health", "backends",
	"engine_backends", "fallback_backends", "backend_policy", "verifier",
	NULL
};
static const char *const proxy_keys[] = {
	"host", "port", "routing_profile", "routing_mode", "default_backend",
	"default_model", "respect_client_model", "unknown_model_behavior",
	"safety_gate_mode", "api_key", "api_key_env", "model_ids",
	"idle_timeout_seconds", NULL
};
static const char *const backend_keys[] = {
	"base_url", "model", "api_key", "api_key_env", "timeout_seconds",
	"connect_timeout_seconds", "first_byte_timeout_seconds", "max_retries",
	"retry_backoff_seconds", "fallback_on", "strip_tools", "runtime", NULL
};
static const char *const runtime_keys[] = {
	"enabled", "kind", "command", "readiness_url",
	"readiness_timeout_seconds", "idle_timeout_seconds",
	"shutdown_timeout_seconds", "log_path", NULL
};
static const char *const observability_keys[] = {
	"enabled", "log_path", "prompt_capture", "max_bytes", "backups", NULL
};
static const char *const health_keys[] = {
	"backend_timeout_seconds", NULL
};
static const char *const policy_keys[] = {
	"version", "backend_allowlist", "backend_denylist", NULL
};
static const char *const verifier_keys[] = {
	"version", "mode", "backend", "sample_rate", "route_codes",
	"timeout_seconds", "failure_behavior", "prompt_template",
	"include_response_preview", "max_response_preview_chars", NULL
};

static const char *const profiles[] = {
	"fast", "balanced", "quality", "private", "safe", NULL
};
static const char *const routing_modes[] = { "decision", "manual", NULL };
static const char *const unknown_model_behaviors[] = {
	"fallback_to_default", "reject_404", NULL
};
static const char *const safety_gate_modes[] = {
	"decision_only", "always_static", "off", NULL
};
static const char *const runtime_kinds[] = {
	"llama-server", "mlx-lm", "generic", NULL
};
static const char *const prompt_captures[] = {
	"off", "redacted_preview", "full", NULL
};
static const char *const verifier_modes[] = {
	"off", "receipt-only", "sampled", "always-for-risky-output", NULL
};
static const char *const failure_behaviors[] = {
	"log_only", "fail_closed", NULL
};

struct ctx {
	const char		 *file;
	struct ydoc		 *doc;
	struct mr_error		 *err;
	struct mr_proxy_config	 *cfg;
	mr_proxycfg_getenv_fn	  getenv_fn;
	const struct yv		 *root;
	/* Python reprs made for messages, freed with the context. */
	struct mr_strlist	  scratch;
	/* Backends sorted by name, for lookups while checking. */
	struct mr_proxy_backend	**byname;
	/* Nodes needed after their section is read. */
	const struct yv		**backend_maps;	/* per backend */
	const struct yv		**fallback_lists; /* per fallback */
	const struct yv		 *proxy_map;
};

/* ---- small helpers ------------------------------------------------------- */

static size_t
count(const char *const *v)
{
	size_t n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

static bool
member(const char *s, const char *const *v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(s, v[i]) == 0)
			return true;
	return false;
}

static void
join(struct mr_buf *b, const char *const *v, const char *sep)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++) {
		if (i > 0)
			mr_buf_addstr(b, sep);
		mr_buf_addstr(b, v[i]);
	}
}

/* Python's repr() of S, valid until the context is released. */
static const char *
repr(struct ctx *c, const char *s)
{
	struct mr_buf b = MR_BUF_INIT;

	py_repr(&b, s);
	mr_strlist_push_take(&c->scratch, mr_buf_detach(&b));
	return c->scratch.v[c->scratch.n - 1];
}

/* What Python prints for a key that is not necessarily a string. */
static const char *
repr_value(struct ctx *c, const struct yv *v)
{
	switch (v->type) {
	case YV_STR:
		return repr(c, v->s);
	case YV_NULL:
		return "None";
	case YV_BOOL:
		return v->b ? "True" : "False";
	default:
		return yv_text(v);
	}
}

/* The same, for a URL whose password must not reach a message. */
static const char *
repr_url(struct ctx *c, const char *url)
{
	struct mr_buf b = MR_BUF_INIT;
	const char *r;

	mr_proxycfg_redact_url(&b, url);
	r = repr(c, b.buf);
	mr_buf_release(&b);
	return r;
}

static int
fail(struct ctx *c, const struct yv *at, const char *fmt, ...)
    MR_PRINTF(3, 4);

static int
fail(struct ctx *c, const struct yv *at, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	struct mr_buf b = MR_BUF_INIT;

	va_start(ap, fmt);
	mr_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	msg = mr_buf_detach(&b);
	/* An empty document has no node: its first character stands in. */
	mr_error_set(c->err, c->file, at ? at->line : 1, at ? at->col : 1,
	    "%s", msg);
	free(msg);
	return -1;
}

/* Warns about keys of MAP that are not in KNOWN; WHERE names MAP. */
static void
unknown_keys(struct ctx *c, const struct yv *map, const char *const *known,
    const char *where)
{
	const struct yv *k;
	const char *hint;
	size_t i;

	for (i = 0; i < map->n; i++) {
		k = map->ents[i].key;
		if (k->type == YV_STR && member(k->s, known))
			continue;
		hint = mr_did_you_mean(yv_text(k), known, count(known));
		ydoc_warn(c->doc, k->line, k->col,
		    "unknown key '%s' in %s%s%s%s", yv_text(k), where,
		    hint ? " (did you mean '" : "", hint ? hint : "",
		    hint ? "'?)" : "");
	}
}

/*
 * Strict sections (backend_policy, verifier) reject unknown keys, listed
 * sorted like the reference; the first one in the file is blamed.
 */
static int
reject_unknown(struct ctx *c, const struct yv *map, const char *const *known,
    const char *section)
{
	struct mr_strlist bad = MR_STRLIST_INIT;
	struct mr_buf b = MR_BUF_INIT;
	const struct yv *first = NULL;
	char *tmp;
	size_t i, k;
	int rc = 0;

	for (i = 0; i < map->n; i++) {
		if (map->ents[i].key->type == YV_STR &&
		    member(map->ents[i].key->s, known))
			continue;
		if (first == NULL)
			first = map->ents[i].key;
		mr_strlist_push(&bad, yv_text(map->ents[i].key));
	}
	if (first != NULL) {
		/* insertion sort: the list is short and this runs once */
		for (i = 1; i < bad.n; i++)
			for (k = i; k > 0 && strcmp(bad.v[k - 1], bad.v[k]) > 0;
			    k--) {
				tmp = bad.v[k];
				bad.v[k] = bad.v[k - 1];
				bad.v[k - 1] = tmp;
			}
		mr_strlist_join(&bad, ", ", &b);
		rc = fail(c, first, "%s unknown keys: %s", section, b.buf);
	}
	mr_buf_release(&b);
	mr_strlist_clear(&bad);
	return rc;
}

/* A string Python's `isinstance(v, str) and v.strip()` accepts. */
static bool
good_string(const struct yv *v)
{
	/* an embedded NUL would silently cut the value short in C */
	return v != NULL && v->type == YV_STR && strlen(v->s) == v->len &&
	    !py_blank(v->s);
}

/*
 * Python's `data.get(key)` then `_optional_string`: absent or null is
 * unset, anything else must be a non-empty string.
 */
static int
opt_str(struct ctx *c, const struct yv *m, const char *key, char **out,
    const struct yv **node)
{
	const struct yv *v = yv_get(m, key);

	if (node != NULL)
		*node = v;
	if (v == NULL || v->type == YV_NULL)
		return 0;
	if (!good_string(v))
		return fail(c, v, "%s must be a non-empty string", key);
	free(*out);
	*out = mr_xstrdup(v->s);
	return 0;
}

/*
 * `data.get(key, default)` then `_string`: only absence gives the default
 * (none: the key is required, and its absence blames ANCHOR); an explicit
 * null is an error like any other non-string.
 */
static int
req_str(struct ctx *c, const struct yv *m, const struct yv *anchor,
    const char *key, const char *def, char **out, const struct yv **node)
{
	const struct yv *v = yv_get(m, key);

	if (node != NULL)
		*node = v;
	if (v == NULL) {
		if (def == NULL)
			return fail(c, anchor, "%s must be a non-empty string",
			    key);
		free(*out);
		*out = mr_xstrdup(def);
		return 0;
	}
	if (!good_string(v))
		return fail(c, v, "%s must be a non-empty string", key);
	free(*out);
	*out = mr_xstrdup(v->s);
	return 0;
}

/* A string setting from a closed list, with the reference's message. */
static int
choice(struct ctx *c, const struct yv *m, const struct yv *anchor,
    const char *key, const char *def, const char *const *allowed,
    const char *label, char **out)
{
	struct mr_buf b = MR_BUF_INIT;
	const struct yv *v;
	int rc;

	if (req_str(c, m, anchor, key, def, out, &v) < 0)
		return -1;
	if (member(*out, allowed))
		return 0;
	join(&b, allowed, ", ");
	rc = fail(c, v, "%s must be one of: %s", label, b.buf);
	mr_buf_release(&b);
	return rc;
}

static int
boolean(struct ctx *c, const struct yv *m, const char *key, bool *out)
{
	const struct yv *v = yv_get(m, key);

	if (v == NULL)
		return 0;
	if (v->type != YV_BOOL)
		return fail(c, v, "%s must be a boolean", key);
	*out = v->b;
	return 0;
}

/*
 * An integer setting at least MIN (0 or 1).  YAML booleans are not
 * integers here (Python's bool is, hence the reference's explicit check).
 * Integers too large for C mean "as large as possible".
 */
static int
integer(struct ctx *c, const struct yv *m, const char *key, long long min,
    long long *out)
{
	const struct yv *v = yv_get(m, key);

	if (v == NULL)
		return 0;
	if (v->type != YV_INT || (v->ibig ? v->ibig < 0 : v->i < min))
		return fail(c, v, "%s must be a %s integer", key,
		    min > 0 ? "positive" : "non-negative");
	*out = v->ibig ? LLONG_MAX : v->i;
	return 0;
}

/* A number as Python sees int and float (not bool), or false. */
static bool
number(const struct yv *v, double *d)
{
	if (v->type == YV_INT)
		*d = v->ibig ? v->ibig * (double)LLONG_MAX : (double)v->i;
	else if (v->type == YV_FLOAT)
		*d = v->f;
	else
		return false;
	return true;
}

/* A positive number of seconds; NaN and infinity are not. */
static int
positive(struct ctx *c, const struct yv *m, const char *key, double *out)
{
	const struct yv *v = yv_get(m, key);
	double d;

	if (v == NULL)
		return 0;
	if (!number(v, &d) || !(d > 0) || !isfinite(d))
		return fail(c, v, "%s must be a positive number", key);
	*out = d;
	return 0;
}

/*
 * A list of non-empty strings (`_string_tuple`): absent or null keeps the
 * default in OUT, otherwise OUT is replaced, deduplicated when asked.
 */
static int
str_list(struct ctx *c, const struct yv *m, const char *key, bool dedup,
    struct mr_strlist *out, const struct yv **node)
{
	const struct yv *v = yv_get(m, key);
	size_t i;

	if (node != NULL)
		*node = v;
	if (v == NULL || v->type == YV_NULL)
		return 0;
	if (v->type != YV_SEQ)
		return fail(c, v, "%s must be a list of non-empty strings",
		    key);
	for (i = 0; i < v->n; i++)
		if (!good_string(v->items[i]))
			return fail(c, v->items[i], "%s must be a list of "
			    "non-empty strings", key);
	mr_strlist_clear(out);
	for (i = 0; i < v->n; i++) {
		if (dedup)
			mr_strlist_push_unique(out, v->items[i]->s);
		else
			mr_strlist_push(out, v->items[i]->s);
	}
	return 0;
}

/* A "version: 1" key; absent means 1. */
static int
version_one(struct ctx *c, const struct yv *m, const char *section, int *out)
{
	const struct yv *v = yv_get(m, "version");

	*out = 1;
	if (v != NULL && (v->type != YV_INT || v->ibig || v->i != 1))
		return fail(c, v, "%s version must be 1", section);
	return 0;
}

/* ---- URLs ---------------------------------------------------------------- */

/*
 * An http or https URL with a host, optional user info and port, and no
 * blanks or control characters: what httpx and urllib can connect to.
 */
bool
mr_proxycfg_http_url(const char *s)
{
	const char *p, *end, *host, *hend, *q;
	unsigned long port;
	size_t n;

	if (strncasecmp(s, "http://", 7) == 0)
		p = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		p = s + 8;
	else
		return false;
	for (q = s; *q != '\0'; q++)
		if ((unsigned char)*q <= ' ' || *q == 0x7f)
			return false;
	end = p + strcspn(p, "/?#");
	host = p;
	for (q = p; q < end; q++)
		if (*q == '@')
			host = q + 1;
	if (host < end && *host == '[') {
		/* an IPv6 literal */
		if ((q = memchr(host, ']', (size_t)(end - host))) == NULL ||
		    q == host + 1)
			return false;
		/* hex, colons, dots, and a zone after "%25" */
		if (memchr(host, ':', (size_t)(q - host)) == NULL)
			return false;
		for (p = host + 1; p < q; p++)
			if (strchr("0123456789abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ:.%-_~", *p) == NULL)
				return false;
		hend = q + 1;
		if (hend < end && *hend != ':')
			return false;
	} else {
		hend = memchr(host, ':', (size_t)(end - host));
		if (hend == NULL)
			hend = end;
		if (hend == host)
			return false;
		for (p = host; p < hend; p++)
			if (!((unsigned char)*p >= 0x80 ||
			    strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%",
			    *p) != NULL))
				return false;
	}
	if (hend == end)
		return true;
	/* ":port", 1 to 65535 */
	n = (size_t)(end - hend - 1);
	if (n == 0 || n > 5 || strspn(hend + 1, "0123456789") < n)
		return false;
	port = strtoul(hend + 1, NULL, 10);
	return port >= 1 && port <= 65535;
}

void
mr_proxycfg_redact_url(struct mr_buf *b, const char *url)
{
	const char *p, *end, *at = NULL, *colon, *q;

	if ((p = strstr(url, "://")) == NULL) {
		mr_buf_addstr(b, url);
		return;
	}
	p += 3;
	end = p + strcspn(p, "/?#");
	for (q = p; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL) {
		mr_buf_addstr(b, url);
		return;
	}
	/* "user:password@" keeps the user; a lone "token@" is all secret */
	colon = memchr(p, ':', (size_t)(at - p));
	if (colon != NULL) {
		mr_buf_add(b, url, (size_t)(colon - url));
		mr_buf_addstr(b, ":***");
	} else {
		mr_buf_add(b, url, (size_t)(p - url));
		mr_buf_addstr(b, "***");
	}
	mr_buf_addstr(b, at);
}

static int
check_url(struct ctx *c, const struct yv *v, const char *backend,
    const char *key)
{
	if (mr_proxycfg_http_url(v->s))
		return 0;
	return fail(c, v, "backend %s %s must be an http(s) URL with a host, "
	    "not %s", repr(c, backend), key, repr_url(c, v->s));
}

/* ---- backends by name ---------------------------------------------------- */

static int
cmp_backend(const void *a, const void *b)
{
	const struct mr_proxy_backend *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void
index_backends(struct ctx *c)
{
	size_t i;

	c->byname = mr_xcalloc(c->cfg->nbackends + 1, sizeof(*c->byname));
	for (i = 0; i < c->cfg->nbackends; i++)
		c->byname[i] = &c->cfg->backends[i];
	qsort(c->byname, c->cfg->nbackends, sizeof(*c->byname), cmp_backend);
}

/* The index of backend NAME in file order, or -1. */
static long
backend_index(struct ctx *c, const char *name)
{
	struct mr_proxy_backend key, *kp = &key, **hit;

	key.name = (char *)name;
	hit = bsearch(&kp, c->byname, c->cfg->nbackends, sizeof(*c->byname),
	    cmp_backend);
	return hit ? (long)(*hit - c->cfg->backends) : -1;
}

/* ---- sections ------------------------------------------------------------ */

static int
load_proxy(struct ctx *c, const struct yv *anchor, const struct yv *m)
{
	struct mr_proxy_config *cfg = c->cfg;
	const struct yv *v, *env;
	long long port = cfg->proxy.port;
	bool manual;

	c->proxy_map = m;
	if (m == NULL || m->type == YV_NULL)
		return 0;
	if (m->type != YV_MAP)
		return fail(c, m, "proxy must be a mapping");
	unknown_keys(c, m, proxy_keys, "proxy");
	if (opt_str(c, m, "api_key", &cfg->proxy.api_key, NULL) < 0 ||
	    opt_str(c, m, "api_key_env", &cfg->proxy.api_key_env, &env) < 0)
		return -1;
	if (cfg->proxy.api_key != NULL && cfg->proxy.api_key_env != NULL)
		return fail(c, env, "proxy may define api_key or api_key_env, "
		    "not both");
	if (str_list(c, m, "model_ids", true, &cfg->proxy.model_ids,
	    NULL) < 0 ||
	    req_str(c, m, anchor, "host", "127.0.0.1", &cfg->proxy.host,
	    NULL) < 0 ||
	    integer(c, m, "port", 1, &port) < 0)
		return -1;
	if (port > 65535)
		return fail(c, yv_get(m, "port"), "port must be at most 65535");
	cfg->proxy.port = (int)port;
	if (positive(c, m, "idle_timeout_seconds",
	    &cfg->proxy.idle_timeout_seconds) < 0)
		return -1;
	if (choice(c, m, anchor, "routing_profile", "balanced", profiles,
	    "routing profile", &cfg->proxy.routing_profile) < 0)
		return -1;
	if (req_str(c, m, anchor, "routing_mode", "decision",
	    &cfg->proxy.routing_mode, &v) < 0)
		return -1;
	if (strcmp(cfg->proxy.routing_mode, "model_map") == 0 ||
	    strcmp(cfg->proxy.routing_mode, "passthrough") == 0)
		return fail(c, v, "routing_mode %s is not implemented; "
		    "supported modes: decision, manual",
		    repr(c, cfg->proxy.routing_mode));
	if (!member(cfg->proxy.routing_mode, routing_modes))
		return fail(c, v, "routing_mode must be one of: decision, "
		    "manual");
	manual = strcmp(cfg->proxy.routing_mode, "manual") == 0;
	cfg->proxy.respect_client_model = manual;
	if (opt_str(c, m, "default_backend", &cfg->proxy.default_backend,
	    NULL) < 0 ||
	    opt_str(c, m, "default_model", &cfg->proxy.default_model,
	    NULL) < 0 ||
	    boolean(c, m, "respect_client_model",
	    &cfg->proxy.respect_client_model) < 0 ||
	    choice(c, m, anchor, "unknown_model_behavior",
	    "fallback_to_default", unknown_model_behaviors,
	    "unknown_model_behavior", &cfg->proxy.unknown_model_behavior) < 0 ||
	    choice(c, m, anchor, "safety_gate_mode", "decision_only",
	    safety_gate_modes, "safety_gate_mode",
	    &cfg->proxy.safety_gate_mode) < 0)
		return -1;
	return 0;
}

static int
load_observability(struct ctx *c, const struct yv *anchor,
    const struct yv *m)
{
	struct mr_proxy_config *cfg = c->cfg;

	if (m == NULL || m->type == YV_NULL)
		return 0;
	if (m->type != YV_MAP)
		return fail(c, m, "observability must be a mapping");
	unknown_keys(c, m, observability_keys, "observability");
	if (choice(c, m, anchor, "prompt_capture", "redacted_preview",
	    prompt_captures, "observability prompt_capture",
	    &cfg->observability.prompt_capture) < 0 ||
	    boolean(c, m, "enabled", &cfg->observability.enabled) < 0 ||
	    req_str(c, m, anchor, "log_path", DEFAULT_LOG_PATH,
	    &cfg->observability.log_path, NULL) < 0 ||
	    integer(c, m, "max_bytes", 0, &cfg->observability.max_bytes) < 0 ||
	    integer(c, m, "backups", 0, &cfg->observability.backups) < 0)
		return -1;
	return 0;
}

static int
load_health(struct ctx *c, const struct yv *m)
{
	if (m == NULL || m->type == YV_NULL)
		return 0;
	if (m->type != YV_MAP)
		return fail(c, m, "health must be a mapping");
	unknown_keys(c, m, health_keys, "health");
	return positive(c, m, "backend_timeout_seconds",
	    &c->cfg->health.backend_timeout_seconds);
}

static int
load_runtime(struct ctx *c, struct mr_proxy_backend *be,
    const struct yv *anchor, const struct yv *m)
{
	struct mr_proxy_runtime *rt = &be->runtime;
	struct mr_buf b = MR_BUF_INIT;
	const struct yv *v;
	char *where;
	int rc;

	if (m == NULL || m->type == YV_NULL)
		return 0;
	if (m->type != YV_MAP)
		return fail(c, m, "backend %s runtime must be a mapping",
		    repr(c, be->name));
	where = mr_xasprintf("backends.%s.runtime", be->name);
	unknown_keys(c, m, runtime_keys, where);
	free(where);
	if (boolean(c, m, "enabled", &rt->enabled) < 0)
		return -1;
	if (!rt->enabled)
		return 0;	/* the reference ignores the rest */
	rt->readiness_timeout = 30;
	rt->idle_timeout = 900;
	rt->shutdown_timeout = 5;
	v = yv_get(m, "kind");
	if (v == NULL)
		rt->kind = mr_xstrdup("generic");
	else if (v->type == YV_STR && strlen(v->s) == v->len &&
	    member(v->s, runtime_kinds))
		rt->kind = mr_xstrdup(v->s);
	else {
		join(&b, runtime_kinds, ", ");
		rc = fail(c, v, "backend %s runtime kind must be one of: %s",
		    repr(c, be->name), b.buf);
		mr_buf_release(&b);
		return rc;
	}
	if (str_list(c, m, "command", false, &rt->command, &v) < 0)
		return -1;
	if (rt->command.n == 0)
		return fail(c, v && v->type != YV_NULL ? v : anchor,
		    "backend %s runtime command must be a non-empty list",
		    repr(c, be->name));
	v = yv_get(m, "readiness_url");
	if (v == NULL || v->type != YV_STR || strlen(v->s) != v->len)
		return fail(c, v ? v : anchor,
		    "readiness_url must be an http(s) URL");
	if (check_url(c, v, be->name, "readiness_url") < 0)
		return -1;
	rt->readiness_url = mr_xstrdup(v->s);
	if (positive(c, m, "readiness_timeout_seconds",
	    &rt->readiness_timeout) < 0 ||
	    positive(c, m, "idle_timeout_seconds", &rt->idle_timeout) < 0 ||
	    positive(c, m, "shutdown_timeout_seconds",
	    &rt->shutdown_timeout) < 0 ||
	    req_str(c, m, anchor, "log_path", NULL, &rt->log_path, NULL) < 0)
		return -1;
	return 0;
}

/* fallback_on: a list of connect, timeout, 5xx, 429. */
static int
fallback_on(struct ctx *c, struct mr_proxy_backend *be, const struct yv *m)
{
	static const char *const names[] = { "connect", "timeout", "5xx",
	    "429" };
	const struct yv *v = yv_get(m, "fallback_on");
	struct mr_strlist l = MR_STRLIST_INIT;
	size_t i, k;

	if (str_list(c, m, "fallback_on", true, &l, NULL) < 0)
		return -1;
	if (v == NULL || v->type == YV_NULL)
		return 0;
	be->fallback_on = 0;
	for (i = 0; i < v->n; i++) {
		for (k = 0; k < MR_NELEM(names); k++)
			if (strcmp(v->items[i]->s, names[k]) == 0)
				break;
		if (k == MR_NELEM(names)) {
			mr_strlist_clear(&l);
			return fail(c, v->items[i], "backend %s fallback_on "
			    "entries must be among: connect, timeout, 5xx, 429",
			    repr(c, be->name));
		}
		be->fallback_on |= 1u << k;
	}
	mr_strlist_clear(&l);
	return 0;
}

static int
load_backend(struct ctx *c, struct mr_proxy_backend *be,
    const struct yv *key, const struct yv *m)
{
	const struct yv *v, *env;
	char *where;

	be->name = mr_xstrdup(key->s);
	be->line = key->line;
	be->col = key->col;
	be->timeout_seconds = 300;
	be->connect_timeout_seconds = 5;
	be->max_retries = 1;
	be->retry_backoff_seconds = 0.2;
	be->fallback_on = MR_FALLBACK_ALL;
	if (m->type != YV_MAP)
		return fail(c, m, "backend %s must be a mapping",
		    repr(c, be->name));
	where = mr_xasprintf("backends.%s", be->name);
	unknown_keys(c, m, backend_keys, where);
	free(where);
	if (opt_str(c, m, "api_key", &be->api_key, NULL) < 0 ||
	    opt_str(c, m, "api_key_env", &be->api_key_env, &env) < 0)
		return -1;
	if (be->api_key != NULL && be->api_key_env != NULL)
		return fail(c, env, "backend %s may define api_key or "
		    "api_key_env, not both", repr(c, be->name));
	if (req_str(c, m, key, "base_url", NULL, &be->base_url, &v) < 0 ||
	    check_url(c, v, be->name, "base_url") < 0 ||
	    req_str(c, m, key, "model", NULL, &be->model, NULL) < 0 ||
	    positive(c, m, "timeout_seconds", &be->timeout_seconds) < 0 ||
	    positive(c, m, "connect_timeout_seconds",
	    &be->connect_timeout_seconds) < 0 ||
	    positive(c, m, "first_byte_timeout_seconds",
	    &be->first_byte_timeout_seconds) < 0 ||
	    integer(c, m, "max_retries", 0, &be->max_retries) < 0 ||
	    positive(c, m, "retry_backoff_seconds",
	    &be->retry_backoff_seconds) < 0 ||
	    fallback_on(c, be, m) < 0 ||
	    boolean(c, m, "strip_tools", &be->strip_tools) < 0 ||
	    load_runtime(c, be, key, yv_get(m, "runtime")) < 0)
		return -1;
	return 0;
}

static int
load_backends(struct ctx *c, const struct yv *m)
{
	struct mr_proxy_config *cfg = c->cfg;
	const struct yv *key;
	size_t i;

	if (m == NULL || m->type != YV_MAP || m->n == 0)
		return fail(c, m ? m : c->root, "routing proxy config requires "
		    "non-empty backends");
	cfg->backends = mr_xcalloc(m->n, sizeof(*cfg->backends));
	c->backend_maps = mr_xcalloc(m->n, sizeof(*c->backend_maps));
	for (i = 0; i < m->n; i++) {
		key = m->ents[i].key;
		if (!good_string(key))
			return fail(c, key, "backend names must be non-empty "
			    "strings");
		/* counted first, so that a half-read backend is freed */
		cfg->nbackends++;
		c->backend_maps[i] = m->ents[i].val;
		if (load_backend(c, &cfg->backends[i], key,
		    m->ents[i].val) < 0)
			return -1;
	}
	index_backends(c);
	return 0;
}

/* The manual mode's requirements, once the backends are known. */
static int
check_manual(struct ctx *c)
{
	struct mr_proxy_config *cfg = c->cfg;
	const struct yv *mode = yv_get(c->proxy_map, "routing_mode");
	const struct yv *def = yv_get(c->proxy_map, "default_backend");

	if (strcmp(cfg->proxy.routing_mode, "manual") != 0) {
		/* unused in decision mode, but surely a mistake */
		if (cfg->proxy.default_backend != NULL &&
		    backend_index(c, cfg->proxy.default_backend) < 0)
			ydoc_warn(c->doc, def->line, def->col,
			    "proxy.default_backend references undefined "
			    "backend %s", repr(c, cfg->proxy.default_backend));
		return 0;
	}
	if (cfg->proxy.default_backend == NULL)
		return fail(c, mode, "manual routing mode requires "
		    "proxy.default_backend");
	if (backend_index(c, cfg->proxy.default_backend) < 0)
		return fail(c, def, "proxy.default_backend references "
		    "undefined backend %s",
		    repr(c, cfg->proxy.default_backend));
	if (cfg->proxy.default_model == NULL)
		return fail(c, mode, "manual routing mode requires "
		    "proxy.default_model");
	return 0;
}

static int
policy_names(struct ctx *c, const struct yv *list)
{
	size_t i;

	if (list == NULL || list->type != YV_SEQ)
		return 0;
	for (i = 0; i < list->n; i++)
		if (backend_index(c, list->items[i]->s) < 0)
			return fail(c, list->items[i], "backend_policy "
			    "references undefined backend %s",
			    repr(c, list->items[i]->s));
	return 0;
}

static int
load_policy(struct ctx *c, const struct yv *m)
{
	struct mr_proxy_config *cfg = c->cfg;
	const struct yv *allow, *deny;

	if (m == NULL || m->type == YV_NULL)
		return 0;
	if (m->type != YV_MAP)
		return fail(c, m, "backend_policy must be a mapping");
	if (reject_unknown(c, m, policy_keys, "backend_policy") < 0 ||
	    version_one(c, m, "backend_policy",
	    &cfg->backend_policy.version) < 0 ||
	    str_list(c, m, "backend_allowlist", false,
	    &cfg->backend_policy.allowlist, &allow) < 0 ||
	    str_list(c, m, "backend_denylist", false,
	    &cfg->backend_policy.denylist, &deny) < 0 ||
	    policy_names(c, allow) < 0 || policy_names(c, deny) < 0)
		return -1;
	return 0;
}

static int
load_verifier(struct ctx *c, const struct yv *anchor, const struct yv *m)
{
	struct mr_proxy_config *cfg = c->cfg;
	struct mr_buf b = MR_BUF_INIT;
	const struct yv *mode, *be, *rate;
	double d;
	int rc;

	if (m == NULL || m->type == YV_NULL)
		return 0;
	if (m->type != YV_MAP)
		return fail(c, m, "verifier must be a mapping");
	if (reject_unknown(c, m, verifier_keys, "verifier") < 0 ||
	    version_one(c, m, "verifier", &cfg->verifier.version) < 0)
		return -1;
	/* an unquoted `off` is YAML 1.1's false: the reference takes it */
	mode = yv_get(m, "mode");
	if (mode != NULL && !(mode->type == YV_BOOL && !mode->b)) {
		if (mode->type != YV_STR || strlen(mode->s) != mode->len ||
		    !member(mode->s, verifier_modes)) {
			join(&b, verifier_modes, ", ");
			rc = fail(c, mode, "verifier mode must be one of: %s",
			    b.buf);
			mr_buf_release(&b);
			return rc;
		}
		free(cfg->verifier.mode);
		cfg->verifier.mode = mr_xstrdup(mode->s);
	}
	if (opt_str(c, m, "backend", &cfg->verifier.backend, &be) < 0)
		return -1;
	if ((rate = yv_get(m, "sample_rate")) != NULL) {
		if (!number(rate, &d) || !(d >= 0 && d <= 1))
			return fail(c, rate, "sample_rate must be a number "
			    "between 0.0 and 1.0");
		cfg->verifier.sample_rate = d;
	}
	if (str_list(c, m, "route_codes", false, &cfg->verifier.route_codes,
	    NULL) < 0 ||
	    positive(c, m, "timeout_seconds",
	    &cfg->verifier.timeout_seconds) < 0 ||
	    choice(c, m, anchor, "failure_behavior", "log_only",
	    failure_behaviors, "failure_behavior",
	    &cfg->verifier.failure_behavior) < 0 ||
	    req_str(c, m, anchor, "prompt_template", DEFAULT_PROMPT_TEMPLATE,
	    &cfg->verifier.prompt_template, NULL) < 0 ||
	    boolean(c, m, "include_response_preview",
	    &cfg->verifier.include_response_preview) < 0 ||
	    integer(c, m, "max_response_preview_chars", 0,
	    &cfg->verifier.max_response_preview_chars) < 0)
		return -1;
	if ((strcmp(cfg->verifier.mode, "sampled") == 0 ||
	    strcmp(cfg->verifier.mode, "always-for-risky-output") == 0) &&
	    cfg->verifier.backend == NULL)
		return fail(c, mode, "verifier mode %s requires backend",
		    repr(c, cfg->verifier.mode));
	if (cfg->verifier.backend != NULL &&
	    backend_index(c, cfg->verifier.backend) < 0)
		return fail(c, be, "verifier references undefined backend %s",
		    repr(c, cfg->verifier.backend));
	if (strcmp(cfg->verifier.mode, "sampled") == 0 &&
	    !(cfg->verifier.sample_rate > 0))
		return fail(c, rate ? rate : mode, "verifier sample_rate must "
		    "be greater than 0 for sampled mode");
	return 0;
}

/*
 * api_key_env must name a variable that is set and not empty when the
 * config is loaded; its value becomes the key.
 */
static int
resolve_env(struct ctx *c)
{
	struct mr_proxy_config *cfg = c->cfg;
	struct mr_proxy_backend *be;
	const char *val;
	size_t i;

	if (cfg->proxy.api_key_env != NULL) {
		val = c->getenv_fn(cfg->proxy.api_key_env);
		if (val == NULL || *val == '\0')
			return fail(c, yv_get(c->proxy_map, "api_key_env"),
			    "proxy api_key_env %s is not set",
			    repr(c, cfg->proxy.api_key_env));
		cfg->proxy.api_key = mr_xstrdup(val);
	}
	for (i = 0; i < cfg->nbackends; i++) {
		be = &cfg->backends[i];
		if (be->api_key_env == NULL)
			continue;
		val = c->getenv_fn(be->api_key_env);
		if (val == NULL || *val == '\0')
			return fail(c, yv_get(c->backend_maps[i],
			    "api_key_env"), "backend %s api_key_env %s is not "
			    "set", repr(c, be->name), repr(c, be->api_key_env));
		be->api_key = mr_xstrdup(val);
	}
	return 0;
}

static int
load_engines(struct ctx *c, const struct yv *m)
{
	struct mr_proxy_config *cfg = c->cfg;
	const struct yv *k, *v;
	size_t i;

	if (m == NULL || m->type != YV_MAP || m->n == 0)
		return fail(c, m ? m : c->root, "routing proxy config requires "
		    "non-empty engine_backends mapping");
	for (i = 0; i < m->n; i++) {
		k = m->ents[i].key;
		v = m->ents[i].val;
		if (!good_string(k))
			return fail(c, k, "engine_backends keys must be "
			    "non-empty strings");
		if (!good_string(v))
			return fail(c, v, "engine_backends %s must name a "
			    "backend", repr(c, k->s));
		if (backend_index(c, v->s) < 0)
			return fail(c, v, "engine_backends %s references "
			    "undefined backend %s", repr(c, k->s),
			    repr(c, v->s));
		mr_strlist_push(&cfg->engines, k->s);
		mr_strlist_push(&cfg->engine_targets, v->s);
	}
	return 0;
}

static int
load_fallbacks(struct ctx *c, const struct yv *m)
{
	struct mr_proxy_config *cfg = c->cfg;
	struct mr_proxy_fallback *fb;
	const struct yv *k, *v;
	size_t i, j;

	if (m == NULL || m->type == YV_NULL)
		return 0;
	if (m->type != YV_MAP)
		return fail(c, m, "fallback_backends must be a mapping");
	cfg->fallbacks = mr_xcalloc(m->n + 1, sizeof(*cfg->fallbacks));
	c->fallback_lists = mr_xcalloc(m->n + 1, sizeof(*c->fallback_lists));
	for (i = 0; i < m->n; i++) {
		k = m->ents[i].key;
		v = m->ents[i].val;
		if (k->type != YV_STR || strlen(k->s) != k->len ||
		    backend_index(c, k->s) < 0)
			return fail(c, k, "fallback_backends references "
			    "undefined backend %s", repr_value(c, k));
		if (v->type != YV_SEQ)
			return fail(c, v, "fallback_backends %s must be a list "
			    "of backend names", repr(c, k->s));
		for (j = 0; j < v->n; j++)
			if (!good_string(v->items[j]))
				return fail(c, v->items[j], "fallback_backends "
				    "%s must be a list of backend names",
				    repr(c, k->s));
		for (j = 0; j < v->n; j++)
			if (backend_index(c, v->items[j]->s) < 0)
				return fail(c, v->items[j], "fallback_backends "
				    "%s references undefined backend %s",
				    repr(c, k->s), repr(c, v->items[j]->s));
		fb = &cfg->fallbacks[cfg->nfallbacks++];
		fb->backend = mr_xstrdup(k->s);
		for (j = 0; j < v->n; j++)
			mr_strlist_push(&fb->chain, v->items[j]->s);
		c->fallback_lists[i] = v;
	}
	return 0;
}

/*
 * The reference walks every path from every fallback_backends key in file
 * order and reports the first name that repeats on its path; walking every
 * path costs exponential time on a dense graph.  A depth-first search that
 * skips finished nodes reports the same first cycle: a finished node
 * reaches no cycle and no node of the current path, or the search would
 * have stopped inside it.
 */
static int
check_cycles(struct ctx *c)
{
	struct mr_proxy_config *cfg = c->cfg;
	struct frame {
		long	node;
		size_t	next;
	} *stack, *top;
	const struct mr_strlist *chain;
	struct mr_buf b = MR_BUF_INIT;
	long *fb_of, v;
	size_t i, k, depth;
	char *color;	/* 0 unseen, 1 on the path, 2 finished */
	int rc = 0;

	if (cfg->nfallbacks == 0)
		return 0;
	color = mr_xcalloc(cfg->nbackends, 1);
	fb_of = mr_xcalloc(cfg->nbackends, sizeof(*fb_of));
	stack = mr_xcalloc(cfg->nbackends, sizeof(*stack));
	for (i = 0; i < cfg->nbackends; i++)
		fb_of[i] = -1;
	for (i = 0; i < cfg->nfallbacks; i++)
		fb_of[backend_index(c, cfg->fallbacks[i].backend)] = (long)i;
	for (i = 0; i < cfg->nfallbacks && rc == 0; i++) {
		v = backend_index(c, cfg->fallbacks[i].backend);
		if (color[v] != 0)
			continue;
		depth = 0;
		stack[depth].node = v;
		stack[depth++].next = 0;
		color[v] = 1;
		while (depth > 0) {
			top = &stack[depth - 1];
			chain = fb_of[top->node] < 0 ? NULL :
			    &cfg->fallbacks[fb_of[top->node]].chain;
			if (chain == NULL || top->next >= chain->n) {
				color[top->node] = 2;
				depth--;
				continue;
			}
			v = backend_index(c, chain->v[top->next++]);
			if (color[v] == 0) {
				color[v] = 1;
				stack[depth].node = v;
				stack[depth++].next = 0;
			} else if (color[v] == 1) {
				for (k = 0; k < depth; k++)
					mr_buf_printf(&b, "%s -> ",
					    cfg->backends[stack[k].node].name);
				mr_buf_addstr(&b, cfg->backends[v].name);
				rc = fail(c, c->fallback_lists[fb_of[
				    top->node]]->items[top->next - 1],
				    "fallback_backends contains a cycle: %s",
				    b.buf);
				break;
			}
		}
	}
	mr_buf_release(&b);
	free(stack);
	free(fb_of);
	free(color);
	return rc;
}

/* ---- documents ----------------------------------------------------------- */

static const struct yv *
key_node(const struct yv *map, const char *key)
{
	const struct yent *e = yv_find(map, key);

	return e ? e->key : map;
}

static int
load_root(struct ctx *c)
{
	const struct yv *r = c->root;

	if (r == NULL || r->type != YV_MAP)
		return fail(c, r, "routing proxy config must be a mapping");
	unknown_keys(c, r, top_keys, "the top level");
	if (load_proxy(c, key_node(r, "proxy"), yv_get(r, "proxy")) < 0 ||
	    load_observability(c, key_node(r, "observability"),
	    yv_get(r, "observability")) < 0 ||
	    load_health(c, yv_get(r, "health")) < 0 ||
	    opt_str(c, r, "router_config", &c->cfg->router_config, NULL) < 0 ||
	    load_backends(c, yv_get(r, "backends")) < 0 ||
	    check_manual(c) < 0 ||
	    load_policy(c, yv_get(r, "backend_policy")) < 0 ||
	    load_verifier(c, key_node(r, "verifier"),
	    yv_get(r, "verifier")) < 0 ||
	    resolve_env(c) < 0 ||
	    load_engines(c, yv_get(r, "engine_backends")) < 0 ||
	    load_fallbacks(c, yv_get(r, "fallback_backends")) < 0 ||
	    check_cycles(c) < 0)
		return -1;
	return 0;
}

static struct mr_proxy_config *
config_new(const char *name)
{
	struct mr_proxy_config *cfg = mr_xcalloc(1, sizeof(*cfg));

	cfg->path = mr_xstrdup(name);
	cfg->proxy.host = mr_xstrdup("127.0.0.1");
	cfg->proxy.port = 8082;
	cfg->proxy.idle_timeout_seconds = 60;
	cfg->proxy.routing_profile = mr_xstrdup("balanced");
	cfg->proxy.routing_mode = mr_xstrdup("decision");
	cfg->proxy.unknown_model_behavior = mr_xstrdup("fallback_to_default");
	cfg->proxy.safety_gate_mode = mr_xstrdup("decision_only");
	mr_strlist_push(&cfg->proxy.model_ids, "model-router");
	cfg->observability.log_path = mr_xstrdup(DEFAULT_LOG_PATH);
	cfg->observability.prompt_capture = mr_xstrdup("redacted_preview");
	cfg->observability.max_bytes = 10485760;
	cfg->observability.backups = 5;
	cfg->health.backend_timeout_seconds = 1.0;
	cfg->backend_policy.version = 1;
	cfg->verifier.version = 1;
	cfg->verifier.mode = mr_xstrdup("off");
	cfg->verifier.timeout_seconds = 10;
	cfg->verifier.failure_behavior = mr_xstrdup("log_only");
	cfg->verifier.prompt_template = mr_xstrdup(DEFAULT_PROMPT_TEMPLATE);
	cfg->verifier.max_response_preview_chars = 500;
	return cfg;
}



static const char *
sys_getenv(const char *name)
{
	return getenv(name);
}

struct mr_proxy_config *
mr_proxycfg_load_buffer(const char *name, const char *data, size_t len,
    mr_proxycfg_getenv_fn getenv_fn, struct mr_error *err)
{
	struct mr_error yerr = MR_ERROR_INIT;
	struct mr_proxy_config *cfg = NULL;
	struct ydoc doc;
	struct ctx c;

	if (name == NULL)
		name = "<routing proxy config>";
	if (len > PROXYCFG_MAX_SIZE) {
		mr_error_set(err, name, 0, 0, "routing proxy config "
		    "unreadable: %s", strerror(EFBIG));
		return NULL;
	}
	if (ydoc_load(&doc, data ? data : "", data ? len : 0, &yerr) < 0) {
		mr_error_set(err, name, yerr.line, yerr.col, "routing proxy "
		    "config invalid YAML: %s", yerr.msg ? yerr.msg : "?");
		mr_error_clear(&yerr);
		ydoc_free(&doc);	/* what was built before the error */
		return NULL;
	}
	memset(&c, 0, sizeof(c));
	c.file = name;
	c.doc = &doc;
	c.err = err;
	c.cfg = cfg = config_new(name);
	c.getenv_fn = getenv_fn ? getenv_fn : sys_getenv;
	c.root = doc.root;
	if (load_root(&c) < 0) {
		mr_proxycfg_free(cfg);
		cfg = NULL;
	} else
		ydoc_take_warnings(&doc, name, &cfg->warnings);
	mr_strlist_clear(&c.scratch);
	free(c.byname);
	free(c.backend_maps);
	free(c.fallback_lists);
	ydoc_free(&doc);
	return cfg;
}

/* Python's expanduser() for "~" and "~/...", through GETENV_FN. */
static char *
expand_home(const char *path, mr_proxycfg_getenv_fn getenv_fn)
{
	const char *home;

	if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
		return mr_xstrdup(path);
	home = getenv_fn("HOME");
	if (home == NULL || *home == '\0')
		return mr_xstrdup(path);
	return mr_xasprintf("%s%s", home, path + 1);
}

struct mr_proxy_config *
mr_proxycfg_load_file(const char *path, mr_proxycfg_getenv_fn getenv_fn,
    struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	struct mr_proxy_config *cfg = NULL;
	struct stat st;
	char *p;

	if (getenv_fn == NULL)
		getenv_fn = sys_getenv;
	p = expand_home(path, getenv_fn);
	if (stat(p, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			/* the message names the file already */
			mr_error_set(err, NULL, 0, 0, "routing proxy config "
			    "missing: %s", p);
		else
			mr_error_set(err, p, 0, 0, "routing proxy config "
			    "unreadable: %s", strerror(errno));
		goto out;
	}
	if (mr_read_file(p, PROXYCFG_MAX_SIZE, &b) < 0) {
		mr_error_set(err, p, 0, 0, "routing proxy config "
		    "unreadable: %s", strerror(errno));
		goto out;
	}
	cfg = mr_proxycfg_load_buffer(p, b.buf, b.len, getenv_fn, err);
out:
	mr_buf_release(&b);
	free(p);
	return cfg;
}

/* Overwrites a secret before freeing it, so it does not linger. */
static void
free_secret(char *s)
{
	volatile char *p = s;

	if (s == NULL)
		return;
	while (*p != '\0')
		*p++ = '\0';
	free(s);
}

void
mr_proxycfg_free(struct mr_proxy_config *cfg)
{
	struct mr_proxy_backend *be;
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->path);
	free(cfg->proxy.host);
	free(cfg->proxy.routing_profile);
	free(cfg->proxy.routing_mode);
	free(cfg->proxy.default_backend);
	free(cfg->proxy.default_model);
	free(cfg->proxy.unknown_model_behavior);
	free(cfg->proxy.safety_gate_mode);
	free_secret(cfg->proxy.api_key);
	free(cfg->proxy.api_key_env);
	mr_strlist_clear(&cfg->proxy.model_ids);
	free(cfg->router_config);
	for (i = 0; i < cfg->nbackends; i++) {
		be = &cfg->backends[i];
		free(be->name);
		free(be->base_url);
		free(be->model);
		free_secret(be->api_key);
		free(be->api_key_env);
		free(be->runtime.kind);
		mr_strlist_clear(&be->runtime.command);
		free(be->runtime.readiness_url);
		free(be->runtime.log_path);
	}
	free(cfg->backends);
	mr_strlist_clear(&cfg->engines);
	mr_strlist_clear(&cfg->engine_targets);
	for (i = 0; i < cfg->nfallbacks; i++) {
		free(cfg->fallbacks[i].backend);
		mr_strlist_clear(&cfg->fallbacks[i].chain);
	}
	free(cfg->fallbacks);
	free(cfg->observability.log_path);
	free(cfg->observability.prompt_capture);
	mr_strlist_clear(&cfg->backend_policy.allowlist);
	mr_strlist_clear(&cfg->backend_policy.denylist);
	free(cfg->verifier.mode);
	free(cfg->verifier.backend);
	mr_strlist_clear(&cfg->verifier.route_codes);
	free(cfg->verifier.failure_behavior);
	free(cfg->verifier.prompt_template);
	mr_strlist_clear(&cfg->warnings);
	free(cfg);
}

const struct mr_proxy_backend *
mr_proxycfg_backend(const struct mr_proxy_config *cfg, const char *name)
{
	size_t i;

	if (cfg == NULL || name == NULL)
		return NULL;
	for (i = 0; i < cfg->nbackends; i++)
		if (strcmp(cfg->backends[i].name, name) == 0)
			return &cfg->backends[i];
	return NULL;
}

const struct mr_proxy_backend *
mr_proxycfg_engine_backend(const struct mr_proxy_config *cfg,
    const char *engine)
{
	size_t i;

	if (cfg == NULL || engine == NULL)
		return NULL;
	for (i = 0; i < cfg->engines.n; i++)
		if (strcmp(cfg->engines.v[i], engine) == 0)
			return mr_proxycfg_backend(cfg,
			    cfg->engine_targets.v[i]);
	return NULL;
}

const struct mr_strlist *
mr_proxycfg_fallbacks(const struct mr_proxy_config *cfg, const char *backend)
{
	size_t i;

	if (cfg == NULL || backend == NULL)
		return NULL;
	for (i = 0; i < cfg->nfallbacks; i++)
		if (strcmp(cfg->fallbacks[i].backend, backend) == 0)
			return &cfg->fallbacks[i].chain;
	return NULL;
}
