/*
 * Hermes Agent's home, its config.yaml as settings, and the edits that
 * point Hermes at a model: all built on the byte-preserving editor.
 *
 * Hermes reads several spellings of the same setting (api / url /
 * base_url, key_env / api_key_env / ...).  Reading takes them in Hermes's
 * order; editing updates every spelling already present, so no stale one
 * keeps winning, and adds the canonical one when none is.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/hermes.h"

#define CONFIG_MAX_BYTES	(4u << 20)
#define ENV_MAX_BYTES		(1u << 20)

/* ---------------------------------------------------------------- home */

static const char *
real_getenv(const char *name)
{
	return getenv(name);
}

static char *
trimmed(const char *s)
{
	const char *e;

	if (s == NULL)
		return mr_xstrdup("");
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		e--;
	return mr_xstrndup(s, (size_t)(e - s));
}

/* Hermes's profile ids: ^[a-z0-9][a-z0-9_-]{0,63}$ */
static bool
profile_name_ok(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		    s[i] == '-') || i > 63)
			return false;
	return true;
}

static bool
path_exists(const char *p)
{
	struct stat st;

	return lstat(p, &st) == 0;
}

static bool
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ~/.hermes plus HERMES_DATA_DIR_SUFFIX. */
static char *
native_root(mr_getenv_fn genv, struct mr_error *err)
{
	char *home = trimmed(genv("HOME")), *r;
	const char *suffix = genv("HERMES_DATA_DIR_SUFFIX");
	struct passwd *pw;

	if (home[0] == '\0') {
		free(home);
		if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL ||
		    pw->pw_dir[0] == '\0') {
			mr_error_set(err, NULL, 0, 0, "cannot find the home "
			    "folder: HOME is not set");
			return NULL;
		}
		home = mr_xstrdup(pw->pw_dir);
	}
	while (strlen(home) > 1 && home[strlen(home) - 1] == '/')
		home[strlen(home) - 1] = '\0';
	r = mr_xasprintf("%s/.hermes%s", home, suffix ? suffix : "");
	free(home);
	return r;
}

/* The parent folder of P (a copy), or NULL at the top. */
static char *
parent_of(const char *p)
{
	const char *s = strrchr(p, '/');

	if (s == NULL || s == p)
		return NULL;
	return mr_xstrndup(p, (size_t)(s - p));
}

static const char *
base_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/*
 * The root that holds profiles/ when HERMES_HOME is HH: the default root
 * when HH is inside it, <root> when HH is <root>/profiles/<name> (Docker's
 * /opt/data layout), else HH itself.
 */
static char *
profiles_root(const char *native, const char *hh)
{
	size_t n = strlen(native);
	char *up, *upup;

	if (strncmp(hh, native, n) == 0 && (hh[n] == '\0' || hh[n] == '/'))
		return mr_xstrdup(native);
	if ((up = parent_of(hh)) != NULL && strcmp(base_of(up),
	    "profiles") == 0 && (upup = parent_of(up)) != NULL) {
		free(up);
		return upup;
	}
	free(up);
	return mr_xstrdup(hh);
}

static char *
named_profile(const char *root, const char *name, struct mr_error *err)
{
	char *dir, *tomb;

	if (!profile_name_ok(name)) {
		mr_error_set(err, NULL, 0, 0, "\"%.80s\" is not a Hermes "
		    "profile name (lower-case letters, digits, '-' and '_')",
		    name);
		return NULL;
	}
	if (strcmp(name, "default") == 0)
		return mr_xstrdup(root);
	tomb = mr_xasprintf("%s/profiles/.deleted/%s", root, name);
	dir = mr_xasprintf("%s/profiles/%s", root, name);
	if (path_exists(tomb)) {
		mr_error_set(err, NULL, 0, 0, "Hermes profile %s was deleted "
		    "(%s exists); create it again with 'hermes profile create "
		    "%s'", name, tomb, name);
		free(dir);
		dir = NULL;
	} else if (!is_dir(dir)) {
		mr_error_set(err, NULL, 0, 0, "Hermes profile %s does not "
		    "exist (no %s); create it with 'hermes profile create %s'",
		    name, dir, name);
		free(dir);
		dir = NULL;
	}
	free(tomb);
	return dir;
}

char *
mr_hermes_home(const char *profile, mr_getenv_fn genv, struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	char *hh, *native = NULL, *root, *active, *path, *r = NULL;

	if (genv == NULL)
		genv = real_getenv;
	hh = trimmed(genv("HERMES_HOME"));
	if (profile != NULL && profile[0] != '\0') {
		if (hh[0] != '\0' && hh[0] == '/' &&
		    (native = native_root(genv, NULL)) != NULL)
			root = profiles_root(native, hh);
		else if (hh[0] != '\0')
			root = mr_xstrdup(hh);
		else if ((root = native_root(genv, err)) == NULL)
			goto out;
		r = named_profile(root, profile, err);
		free(root);
		goto out;
	}
	if (hh[0] != '\0') {
		r = hh;
		hh = NULL;
		goto out;
	}
	if ((native = native_root(genv, err)) == NULL)
		goto out;
	/* The sticky default of "hermes profile use". */
	path = mr_xasprintf("%s/active_profile", native);
	if (mr_read_file(path, 4096, &b) == 0) {
		active = trimmed(b.buf);
		if (active[0] != '\0' && strcmp(active, "default") != 0) {
			r = named_profile(native, active, err);
			if (r == NULL && err != NULL && err->msg != NULL) {
				char *m = err->msg;

				err->msg = mr_xasprintf("%s (named in %s)", m,
				    path);
				free(m);
			}
		} else
			r = mr_xstrdup(native);
		free(active);
	} else
		r = mr_xstrdup(native);
	free(path);
out:
	mr_buf_release(&b);
	free(native);
	free(hh);
	return r;
}

char *
mr_hermes_config_path(const char *home)
{
	return mr_xasprintf("%s/config.yaml", home);
}

char *
mr_hermes_env_path(const char *home)
{
	return mr_xasprintf("%s/.env", home);
}

/* ------------------------------------------------------------ reading */

void
mr_hermes_config_init(struct mr_hermes_config *c)
{
	memset(c, 0, sizeof(*c));
}

static void
provider_release(struct mr_hermes_provider *p)
{
	size_t i;

	free(p->key);
	free(p->name);
	free(p->url);
	free(p->key_env);
	free(p->api_mode);
	free(p->default_model);
	for (i = 0; i < p->nmodels; i++)
		free(p->models[i].id);
	free(p->models);
}

void
mr_hermes_config_release(struct mr_hermes_config *c)
{
	size_t i;

	free(c->provider);
	free(c->model);
	free(c->base_url);
	free(c->api_mode);
	free(c->api_key_ref);
	for (i = 0; i < c->nproviders; i++)
		provider_release(&c->providers[i]);
	free(c->providers);
	mr_strlist_clear(&c->secrets);
	mr_strlist_clear(&c->warnings);
	memset(c, 0, sizeof(*c));
}

/* A scalar's text, or NULL for a null, a collection or nothing. */
static char *
text_of(const struct mr_ynode *n)
{
	n = mr_ynode_deref(n);
	if (n == NULL || n->kind != MR_YN_SCALAR || n->type == MR_YT_NULL)
		return NULL;
	return mr_xstrndup(n->val, n->len);
}

/* The first of KEYS that MAP has with a value. */
static const struct mr_ynode *
get_any(const struct mr_ynode *map, const char *const *keys)
{
	const struct mr_ynode *v;
	size_t i;

	for (i = 0; keys[i] != NULL; i++)
		if ((v = mr_ynode_get(map, keys[i])) != NULL &&
		    !mr_ynode_is_null(v))
			return v;
	return NULL;
}

static char *
text_any(const struct mr_ynode *map, const char *const *keys)
{
	return text_of(get_any(map, keys));
}

static void
warn(struct mr_hermes_config *c, const struct mr_ynode *n, const char *fmt,
    const char *a, const char *b)
{
	char *msg = mr_xasprintf(fmt, a, b);

	if (n != NULL)
		mr_strlist_push_take(&c->warnings, mr_xasprintf("line %d: %s",
		    n->line, msg));
	else
		mr_strlist_push(&c->warnings, msg);
	free(msg);
}

/* A context length: the integer, 0 when absent, -1 (warned) otherwise. */
static long long
ctx_of(struct mr_hermes_config *c, const struct mr_ynode *n, const char *what)
{
	char *t;

	n = mr_ynode_deref(n);
	if (n == NULL || mr_ynode_is_null(n))
		return 0;
	if (n->kind == MR_YN_SCALAR && n->type == MR_YT_INT && !n->ibig &&
	    n->ival > 0)
		return n->ival;
	t = text_of(n);
	warn(c, n, "%s is not a positive integer (%s): Hermes ignores it and "
	    "detects the context instead", what, t ? t : "not a scalar");
	free(t);
	return -1;
}

static const char *const url_keys[] = { "api", "url", "base_url", "baseUrl",
	NULL };
static const char *const key_env_keys[] = { "key_env", "api_key_env",
	"apiKeyEnv", "keyEnv", NULL };
static const char *const api_key_keys[] = { "api_key", "apiKey", NULL };
static const char *const mode_keys[] = { "api_mode", "transport", "apiMode",
	NULL };
static const char *const dmodel_keys[] = { "default_model", "model",
	"defaultModel", NULL };
static const char *const ctx_keys[] = { "context_length", "contextLength",
	NULL };

static void
add_model(struct mr_hermes_provider *p, const char *id, long long ctx)
{
	p->models = mr_xrealloc(p->models, (p->nmodels + 1) *
	    sizeof(*p->models));
	p->models[p->nmodels].id = mr_xstrdup(id);
	p->models[p->nmodels].context_length = ctx;
	p->nmodels++;
}

/* models: a mapping of id to settings, a list of ids, or of {id: ...}. */
static void
read_models(struct mr_hermes_config *c, struct mr_hermes_provider *p,
    const struct mr_ynode *m)
{
	const struct mr_ynode *it, *k;
	char *id, *what;
	size_t i;

	m = mr_ynode_deref(m);
	if (m == NULL)
		return;
	if (m->kind == MR_YN_MAP) {
		for (i = 0; i + 1 < m->nkids && p->nmodels < 4096; i += 2) {
			k = mr_ynode_deref(m->kids[i]);
			if (k->kind != MR_YN_SCALAR || k->type == MR_YT_MERGE)
				continue;
			id = mr_xstrndup(k->val, k->len);
			what = mr_xasprintf("providers.%s.models.%s."
			    "context_length", p->key, id);
			add_model(p, id, ctx_of(c, get_any(m->kids[i + 1],
			    ctx_keys), what));
			free(what);
			free(id);
		}
	} else if (m->kind == MR_YN_SEQ) {
		for (i = 0; i < m->nkids && p->nmodels < 4096; i++) {
			it = mr_ynode_deref(m->kids[i]);
			if (it->kind == MR_YN_SCALAR) {
				if ((id = text_of(it)) != NULL)
					add_model(p, id, 0);
			} else if ((id = text_of(mr_ynode_get(it, "id"))) !=
			    NULL) {
				what = mr_xasprintf("models.%s.context_length",
				    id);
				add_model(p, id, ctx_of(c, get_any(it,
				    ctx_keys), what));
				free(what);
			} else
				id = NULL;
			free(id);
		}
	}
}

static void
read_provider(struct mr_hermes_config *c, const char *key,
    const struct mr_ynode *e, bool legacy)
{
	struct mr_hermes_provider *p;
	const struct mr_ynode *en;
	char *what;
	static const char *const legacy_url[] = { "base_url", "api", "url",
		NULL };

	c->providers = mr_xrealloc(c->providers, (c->nproviders + 1) *
	    sizeof(*c->providers));
	p = &c->providers[c->nproviders++];
	memset(p, 0, sizeof(*p));
	e = mr_ynode_deref(e);
	p->key = mr_xstrdup(key);
	p->legacy = legacy;
	p->line = e->line;
	p->name = text_of(mr_ynode_get(e, "name"));
	p->url = text_any(e, legacy ? legacy_url : url_keys);
	p->key_env = text_any(e, key_env_keys);
	p->has_api_key = get_any(e, api_key_keys) != NULL;
	p->api_mode = text_any(e, mode_keys);
	p->default_model = text_any(e, dmodel_keys);
	what = mr_xasprintf("%s%s.context_length", legacy ?
	    "custom_providers." : "providers.", key);
	p->context_length = ctx_of(c, get_any(e, ctx_keys), what);
	free(what);
	read_models(c, p, mr_ynode_get(e, "models"));
	en = mr_ynode_deref(mr_ynode_get(e, "enabled"));
	p->enabled = !(en != NULL && en->kind == MR_YN_SCALAR &&
	    en->type == MR_YT_BOOL && !en->bval);
	if (p->url == NULL)
		warn(c, e, "provider %s has no URL (api, url or base_url)%s",
		    key, "");
}

char *
mr_hermes_slug(const char *name)
{
	char *s = mr_xstrdup(name), *p;

	for (p = s; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (*p == ' ')
			*p = '-';
	}
	return s;
}

/* ${VAR} or ${env:VAR}: the name, else NULL. */
static char *
env_ref(const char *s)
{
	size_t n;

	if (s == NULL || strncmp(s, "${", 2) != 0)
		return NULL;
	s += 2;
	if (strncmp(s, "env:", 4) == 0)
		s += 4;
	n = strlen(s);
	if (n < 2 || s[n - 1] != '}' || strchr(s, '$') != NULL)
		return NULL;
	return mr_xstrndup(s, n - 1);
}

static void
read_model(struct mr_hermes_config *c, const struct mr_ynode *root)
{
	static const char *const default_keys[] = { "default", "model",
		"name", NULL };
	static const char *const base_keys[] = { "base_url", "api_base",
		NULL };
	static const char *const key_keys[] = { "api_key", "api", NULL };
	const struct mr_ynode *m = mr_ynode_deref(mr_ynode_get(root, "model"));
	const struct mr_ynode *d, *k;
	char *t;

	if (m != NULL && m->kind == MR_YN_SCALAR)
		c->model = text_of(m);	/* "model: foo" is {default: foo} */
	else if (m != NULL && m->kind == MR_YN_MAP) {
		c->provider = text_of(mr_ynode_get(m, "provider"));
		d = mr_ynode_deref(get_any(m, default_keys));
		if (d != NULL && d->kind == MR_YN_MAP) {
			/* {default: {provider: p, model: m}} is flattened */
			c->model = text_of(mr_ynode_get(d, "model"));
			if (c->provider == NULL)
				c->provider = text_of(mr_ynode_get(d,
				    "provider"));
		} else
			c->model = text_of(d);
		c->base_url = text_any(m, base_keys);
		if ((k = get_any(m, key_keys)) != NULL) {
			c->has_api_key = true;
			t = text_of(k);
			c->api_key_ref = env_ref(t);
			if (t != NULL) {
				memset(t, 0, strlen(t));
				free(t);
			}
		}
		c->api_mode = text_of(mr_ynode_get(m, "api_mode"));
		c->context_length = ctx_of(c, mr_ynode_get(m,
		    "context_length"), "model.context_length");
	} else if (m != NULL && !mr_ynode_is_null(m))
		warn(c, m, "model is a %s; Hermes expects a mapping%s",
		    mr_ynode_kind_name(m), "");
	/* Root-level leftovers fill what model: lacks, as Hermes's loader
	 * moves them under model:. */
	if (c->provider == NULL)
		c->provider = text_of(mr_ynode_get(root, "provider"));
	if (c->base_url == NULL)
		c->base_url = text_of(mr_ynode_get(root, "base_url"));
	if (c->context_length == 0)
		c->context_length = ctx_of(c, mr_ynode_get(root,
		    "context_length"), "context_length");
}

int
mr_hermes_config_parse(struct mr_hermes_config *c, const char *text,
    size_t len, const char *file, struct mr_error *err)
{
	struct mr_ytree t;
	const struct mr_ynode *root, *ps, *k, *it;
	char *key, *name;
	size_t i;

	if (mr_ytree_parse(&t, text, len, err) < 0) {
		if (err != NULL && err->file == NULL)
			err->file = mr_xstrdup(file ? file : "config.yaml");
		return -1;
	}
	root = t.root;
	if (root == NULL || mr_ynode_is_null(root)) {
		mr_ytree_free(&t);
		return 0;
	}
	root = mr_ynode_deref(root);
	if (root->kind != MR_YN_MAP) {
		mr_error_set(err, file ? file : "config.yaml", root->line,
		    root->col, "the top level is a %s, not a mapping: Hermes "
		    "refuses this file", mr_ynode_kind_name(root));
		mr_ytree_free(&t);
		return -1;
	}
	read_model(c, root);
	ps = mr_ynode_deref(mr_ynode_get(root, "providers"));
	if (ps != NULL && ps->kind == MR_YN_MAP) {
		for (i = 0; i + 1 < ps->nkids; i += 2) {
			k = mr_ynode_deref(ps->kids[i]);
			it = mr_ynode_deref(ps->kids[i + 1]);
			if (k->kind != MR_YN_SCALAR || k->type == MR_YT_MERGE)
				continue;
			key = mr_xstrndup(k->val, k->len);
			if (it->kind == MR_YN_MAP)
				read_provider(c, key, it, false);
			else if (!mr_ynode_is_null(it))
				warn(c, it, "providers.%s is a %s, not a "
				    "mapping", key, mr_ynode_kind_name(it));
			free(key);
		}
	} else if (ps != NULL && !mr_ynode_is_null(ps))
		warn(c, ps, "providers is a %s, not a mapping%s",
		    mr_ynode_kind_name(ps), "");
	ps = mr_ynode_deref(mr_ynode_get(root, "custom_providers"));
	if (ps != NULL && ps->kind == MR_YN_SEQ) {
		for (i = 0; i < ps->nkids; i++) {
			it = mr_ynode_deref(ps->kids[i]);
			name = it->kind == MR_YN_MAP ?
			    text_of(mr_ynode_get(it, "name")) : NULL;
			if (name == NULL) {
				warn(c, it, "a custom_providers entry has no "
				    "name%s%s", "", "");
				continue;
			}
			key = mr_hermes_slug(name);
			read_provider(c, key, it, true);
			free(key);
			free(name);
		}
	} else if (ps != NULL && !mr_ynode_is_null(ps))
		warn(c, ps, "custom_providers is a %s, not a list: Hermes "
		    "skips it%s", mr_ynode_kind_name(ps), "");
	mr_ytree_free(&t);
	return 0;
}

int
mr_hermes_config_load(struct mr_hermes_config *c, const char *home,
    struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	struct mr_hermes_env env;
	char *path = mr_hermes_config_path(home);
	size_t i;
	int rc = -1;

	if (mr_read_file(path, CONFIG_MAX_BYTES, &b) < 0 && errno != ENOENT) {
		mr_error_set(err, path, 0, 0, "cannot read: %s",
		    strerror(errno));
		goto out;
	}
	if (mr_hermes_config_parse(c, b.buf, b.len, path, err) < 0)
		goto out;
	free(path);
	path = mr_hermes_env_path(home);
	mr_buf_reset(&b);
	if (mr_read_file(path, ENV_MAX_BYTES, &b) < 0) {
		if (errno != ENOENT) {
			mr_error_set(err, path, 0, 0, "cannot read: %s",
			    strerror(errno));
			goto out;
		}
	} else {
		mr_hermes_env_parse(&env, b.buf, b.len);
		for (i = 0; i < env.n; i++)
			if (env.v[i].value[0] != '\0')
				mr_strlist_push_unique(&c->secrets,
				    env.v[i].name);
		mr_hermes_env_release(&env);
	}
	rc = 0;
out:
	if (b.alloc > 0)
		memset(b.buf, 0, b.alloc);	/* it held secrets */
	mr_buf_release(&b);
	free(path);
	return rc;
}

const struct mr_hermes_provider *
mr_hermes_find_provider(const struct mr_hermes_config *c, const char *ref)
{
	const char *key = ref;
	char *slug;
	size_t i;

	if (ref == NULL)
		return NULL;
	if (strncmp(ref, "custom:", 7) == 0)
		key = ref + 7;
	for (i = 0; i < c->nproviders; i++)
		if (!c->providers[i].legacy &&
		    strcmp(c->providers[i].key, key) == 0)
			return &c->providers[i];
	slug = mr_hermes_slug(key);
	for (i = 0; i < c->nproviders; i++)
		if (c->providers[i].legacy &&
		    (strcmp(c->providers[i].key, slug) == 0 ||
		    mr_streq(c->providers[i].name, key))) {
			free(slug);
			return &c->providers[i];
		}
	free(slug);
	return NULL;
}

bool
mr_hermes_secret_set(const struct mr_hermes_config *c, const char *name)
{
	return name != NULL && mr_strlist_has(&c->secrets, name);
}

static const char *
or_dash(const char *s)
{
	return s ? s : "-";
}

void
mr_hermes_config_describe(const struct mr_hermes_config *c,
    struct mr_buf *out)
{
	const struct mr_hermes_provider *p;
	size_t i, j;

	mr_buf_printf(out, "provider  %s\n", or_dash(c->provider));
	mr_buf_printf(out, "model     %s\n", or_dash(c->model));
	if (c->base_url)
		mr_buf_printf(out, "base_url  %s\n", c->base_url);
	if (c->api_mode)
		mr_buf_printf(out, "api_mode  %s\n", c->api_mode);
	if (c->api_key_ref)
		mr_buf_printf(out, "api_key   ${%s} (%s)\n", c->api_key_ref,
		    mr_hermes_secret_set(c, c->api_key_ref) ? "set" :
		    "not set");
	else if (c->has_api_key)
		mr_buf_addstr(out, "api_key   inline (hidden)\n");
	if (c->context_length > 0)
		mr_buf_printf(out, "context   %lld\n", c->context_length);
	for (i = 0; i < c->nproviders; i++) {
		p = &c->providers[i];
		mr_buf_printf(out, "%s %s: %s", p->legacy ?
		    "custom_providers" : "providers", p->key, or_dash(p->url));
		if (p->api_mode)
			mr_buf_printf(out, " %s", p->api_mode);
		if (p->key_env)
			mr_buf_printf(out, " key %s (%s)", p->key_env,
			    mr_hermes_secret_set(c, p->key_env) ? "set" :
			    "not set");
		else if (p->has_api_key)
			mr_buf_addstr(out, " key inline (hidden)");
		if (p->default_model)
			mr_buf_printf(out, " model %s", p->default_model);
		if (!p->enabled)
			mr_buf_addstr(out, " (disabled)");
		mr_buf_addch(out, '\n');
		for (j = 0; j < p->nmodels; j++)
			if (p->models[j].context_length > 0)
				mr_buf_printf(out, "  %s context %lld\n",
				    p->models[j].id,
				    p->models[j].context_length);
	}
}

/* ------------------------------------------------------------ editing */

const char *
mr_hermes_api_mode(const char *s)
{
	static const struct {
		const char	*alias;
		const char	*canon;
	} modes[] = {
		{ "chat_completions", "chat_completions" },
		{ "openai", "chat_completions" },
		{ "openai_chat", "chat_completions" },
		{ "openai-chat", "chat_completions" },
		{ "chat-completions", "chat_completions" },
		{ "chatcompletions", "chat_completions" },
		{ "codex_responses", "codex_responses" },
		{ "responses", "codex_responses" },
		{ "openai_responses", "codex_responses" },
		{ "openai-responses", "codex_responses" },
		{ "anthropic_messages", "anthropic_messages" },
		{ "anthropic", "anthropic_messages" },
		{ "anthropic-messages", "anthropic_messages" },
		{ "messages", "anthropic_messages" },
		{ "bedrock_converse", "bedrock_converse" },
		{ "bedrock", "bedrock_converse" },
		{ "bedrock-converse", "bedrock_converse" },
		{ "codex_app_server", "codex_app_server" },
	};
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < MR_NELEM(modes); i++)
		if (strcmp(s, modes[i].alias) == 0)
			return modes[i].canon;
	return NULL;
}

static bool
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static int
check_name(const char *name, struct mr_error *err)
{
	size_t i;

	if (name == NULL || name[0] == '\0')
		goto bad;
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
		    name[i] == '_' || (name[i] == '.' && i > 0)) || i >= 64)
			goto bad;
	return 0;
bad:
	mr_error_set(err, NULL, 0, 0, "\"%.64s\" is not a usable provider "
	    "name (letters, digits, '-', '_' and '.', at most 64)",
	    name ? name : "");
	return -1;
}

static int
check_url(const char *url, struct mr_error *err)
{
	const char *h;

	if (url == NULL || url[0] == '\0') {
		mr_error_set(err, NULL, 0, 0, "a base URL is required");
		return -1;
	}
	if (strlen(url) > 2048 || has_control(url) || strchr(url, ' ')) {
		mr_error_set(err, NULL, 0, 0, "the base URL has spaces or "
		    "control characters");
		return -1;
	}
	/* Hermes takes ${VAR} placeholders in URLs as they are. */
	if (strncmp(url, "${", 2) == 0)
		return 0;
	if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else {
		mr_error_set(err, NULL, 0, 0, "the base URL %.200s must start "
		    "with http:// or https://", url);
		return -1;
	}
	if (*h == '\0' || *h == '/' || *h == '?' || *h == '#') {
		mr_error_set(err, NULL, 0, 0, "the base URL %.200s has no "
		    "host", url);
		return -1;
	}
	return 0;
}

static int
check_model(const char *m, struct mr_error *err)
{
	size_t n = m ? strlen(m) : 0;

	if (n == 0) {
		mr_error_set(err, NULL, 0, 0, "a model id is required");
		return -1;
	}
	if (n > 256 || has_control(m) || m[0] == ' ' || m[n - 1] == ' ') {
		mr_error_set(err, NULL, 0, 0, "the model id is not usable "
		    "(too long, control characters or surrounding spaces)");
		return -1;
	}
	return 0;
}

static int
check_ctx(long long v, struct mr_error *err)
{
	if (v < MR_HERMES_CONFIG_MIN_CONTEXT) {
		mr_error_set(err, NULL, 0, 0, "context_length %lld is below "
		    "%d: Hermes Agent refuses a model with less context; "
		    "raise the server's context instead (e.g. 65536)", v,
		    MR_HERMES_CONFIG_MIN_CONTEXT);
		return -1;
	}
	if (v > MR_HERMES_MAX_CONTEXT) {
		mr_error_set(err, NULL, 0, 0, "context_length %lld is not a "
		    "real context length", v);
		return -1;
	}
	return 0;
}

/* Parses a context length given as text. */
static int
parse_ctx(const char *s, long long *v, struct mr_error *err)
{
	long long r = 0;
	const char *p = s;

	if (s == NULL || *s == '\0')
		goto bad;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || r > MR_HERMES_MAX_CONTEXT)
			goto bad;
		r = r * 10 + (*p - '0');
	}
	*v = r;
	return check_ctx(r, err);
bad:
	mr_error_set(err, NULL, 0, 0, "context_length must be a whole number "
	    "of tokens such as 65536, not \"%.40s\"", s ? s : "");
	return -1;
}

/* The text being edited, step by step. */
struct work {
	struct mr_buf	 cur;
	struct mr_buf	 tmp;
	bool		 changed;
};

static void
work_init(struct work *w, const char *text, size_t len)
{
	mr_buf_init(&w->cur);
	mr_buf_init(&w->tmp);
	mr_buf_add(&w->cur, text, len);
	w->changed = false;
}

static void
work_step(struct work *w, int rc)
{
	struct mr_buf t;

	if (rc != 0)
		return;
	t = w->cur;
	w->cur = w->tmp;
	w->tmp = t;
	w->changed = true;
}

static int
work_set(struct work *w, const char *const *path, size_t depth,
    const struct mr_yvalue *v, struct mr_error *err)
{
	int rc = mr_yedit_set(w->cur.buf, w->cur.len, path, depth, v, &w->tmp,
	    err);

	if (rc < 0)
		return -1;
	work_step(w, rc);
	return 0;
}

static int
work_del(struct work *w, const char *const *path, size_t depth,
    struct mr_error *err)
{
	int rc = mr_yedit_delete(w->cur.buf, w->cur.len, path, depth, &w->tmp,
	    err);

	if (rc < 0)
		return -1;
	work_step(w, rc);
	return 0;
}

static int
work_done(struct work *w, int rc, struct mr_buf *out)
{
	mr_buf_reset(out);
	if (rc == 0)
		mr_buf_add(out, w->cur.buf, w->cur.len);
	mr_buf_release(&w->cur);
	mr_buf_release(&w->tmp);
	return rc < 0 ? -1 : w->changed ? 0 : 1;
}

static int
work_tree(struct work *w, struct mr_ytree *t, struct mr_error *err)
{
	if (mr_ytree_parse(t, w->cur.buf, w->cur.len, err) < 0) {
		if (err != NULL && err->file == NULL)
			err->file = mr_xstrdup("config.yaml");
		return -1;
	}
	return 0;
}

static struct mr_yvalue
str_value(const char *s)
{
	struct mr_yvalue v = { .type = MR_YVAL_STR, .s = s };

	return v;
}

static struct mr_yvalue
int_value(long long i)
{
	struct mr_yvalue v = { .type = MR_YVAL_INT, .i = i };

	return v;
}

/* "model: foo" is Hermes's short form of {default: foo}; it is turned
 * into the mapping before keys are added under it. */
static int
model_as_map(struct work *w, struct mr_error *err)
{
	static const char *const path[] = { "model" };
	static const char *const keys[] = { "default" };
	struct mr_ytree t;
	const struct mr_ynode *m;
	struct mr_yvalue val, map;
	char *old = NULL;
	int rc = 0;

	if (work_tree(w, &t, err) < 0)
		return -1;
	if (t.root != NULL && t.root->kind == MR_YN_MAP &&
	    (m = mr_ynode_get(t.root, "model")) != NULL &&
	    mr_ynode_deref(m)->kind == MR_YN_SCALAR && !mr_ynode_is_null(m))
		old = text_of(m);
	mr_ytree_free(&t);
	if (old == NULL)
		return 0;
	val = str_value(old);
	map.type = MR_YVAL_MAP;
	map.keys = keys;
	map.vals = &val;
	map.n = 1;
	rc = work_set(w, path, 1, &map, err);
	free(old);
	return rc;
}

/*
 * Sets a field of providers.<name> under every spelling in KEYS that the
 * entry already has, or under KEYS[0] when it has none.
 */
static int
set_field(struct work *w, const char *name, const char *const *keys,
    const struct mr_yvalue *v, struct mr_error *err)
{
	struct mr_ytree t;
	const struct mr_ynode *e = NULL;
	const char *path[3] = { "providers", name, NULL };
	const char *have[8];
	size_t i, n = 0;

	if (work_tree(w, &t, err) < 0)
		return -1;
	if (t.root != NULL && t.root->kind == MR_YN_MAP)
		e = mr_ynode_deref(mr_ynode_get(mr_ynode_get(t.root,
		    "providers"), name));
	for (i = 0; keys[i] != NULL && n < MR_NELEM(have); i++) {
		const struct mr_ynode *k;
		size_t j;

		if (e == NULL || e->kind != MR_YN_MAP)
			break;
		for (j = 0; j + 1 < e->nkids; j += 2) {
			k = mr_ynode_deref(e->kids[j]);
			if (k->kind == MR_YN_SCALAR && k->type == MR_YT_STR &&
			    strcmp(k->val, keys[i]) == 0)
				have[n++] = keys[i];
		}
	}
	mr_ytree_free(&t);
	if (n == 0)
		have[n++] = keys[0];
	for (i = 0; i < n; i++) {
		path[2] = have[i];
		if (work_set(w, path, 3, v, err) < 0)
			return -1;
	}
	return 0;
}

/* The value of a provider entry's boolean field: -1 absent, 0, 1. */
static int
entry_bool(struct work *w, const char *name, const char *field)
{
	struct mr_ytree t;
	const struct mr_ynode *n;
	int r = -1;

	if (mr_ytree_parse(&t, w->cur.buf, w->cur.len, NULL) < 0)
		return -1;
	if (t.root != NULL && t.root->kind == MR_YN_MAP) {
		n = mr_ynode_deref(mr_ynode_get(mr_ynode_get(mr_ynode_get(
		    t.root, "providers"), name), field));
		if (n != NULL)
			r = n->kind == MR_YN_SCALAR && n->type == MR_YT_BOOL &&
			    n->bval;
	}
	mr_ytree_free(&t);
	return r;
}

static bool
root_has(struct work *w, const char *field)
{
	struct mr_ytree t;
	bool r = false;

	if (mr_ytree_parse(&t, w->cur.buf, w->cur.len, NULL) < 0)
		return false;
	if (t.root != NULL && t.root->kind == MR_YN_MAP)
		r = mr_ynode_get(t.root, field) != NULL;
	mr_ytree_free(&t);
	return r;
}

static bool
model_has(struct work *w, const char *field)
{
	struct mr_ytree t;
	bool r = false;

	if (mr_ytree_parse(&t, w->cur.buf, w->cur.len, NULL) < 0)
		return false;
	if (t.root != NULL && t.root->kind == MR_YN_MAP)
		r = mr_ynode_get(mr_ynode_get(t.root, "model"), field) != NULL;
	mr_ytree_free(&t);
	return r;
}

static int
check_spec(const struct mr_hermes_provider_spec *s, bool need_model,
    const char **mode, struct mr_error *err)
{
	if (check_name(s->name, err) < 0 || check_url(s->base_url, err) < 0)
		return -1;
	if ((need_model || s->model != NULL) && check_model(s->model, err) < 0)
		return -1;
	if (s->key_env != NULL && mr_hermes_env_name_check(s->key_env,
	    err) < 0)
		return -1;
	if (s->context_length != 0 && check_ctx(s->context_length, err) < 0)
		return -1;
	*mode = NULL;
	if (s->api_mode != NULL &&
	    (*mode = mr_hermes_api_mode(s->api_mode)) == NULL) {
		mr_error_set(err, NULL, 0, 0, "unknown api_mode \"%.40s\" "
		    "(chat_completions, codex_responses, anthropic_messages, "
		    "bedrock_converse)", s->api_mode);
		return -1;
	}
	return 0;
}

/*
 * Where the context of MODEL goes when providers.<name>.models is a list:
 * the index of its {id: MODEL} row, -2 when the list has none, -1 when
 * models is not a list.
 */
static int
models_item(struct work *w, const char *name, const char *model)
{
	struct mr_ytree t;
	const struct mr_ynode *l, *it;
	char *id;
	size_t i;
	int r = -1;

	if (mr_ytree_parse(&t, w->cur.buf, w->cur.len, NULL) < 0)
		return -1;
	l = t.root != NULL && t.root->kind == MR_YN_MAP ?
	    mr_ynode_deref(mr_ynode_get(mr_ynode_get(mr_ynode_get(t.root,
	    "providers"), name), "models")) : NULL;
	if (l != NULL && l->kind == MR_YN_SEQ) {
		r = -2;
		for (i = 0; i < l->nkids && i < 100000; i++) {
			it = mr_ynode_deref(l->kids[i]);
			if (it->kind != MR_YN_MAP || (id = text_of(mr_ynode_get(
			    it, "id"))) == NULL)
				continue;
			if (strcmp(id, model) == 0 && l->kids[i]->kind ==
			    MR_YN_MAP)
				r = (int)i;
			free(id);
			if (r >= 0)
				break;
		}
	}
	mr_ytree_free(&t);
	return r;
}

/* Writes providers.<name> from S (fields S leaves out stay alone). */
static int
write_entry(struct work *w, const struct mr_hermes_provider_spec *s,
    const char *mode, struct mr_error *err)
{
	static const char *const url_w[] = { "api", "url", "base_url", NULL };
	static const char *const mode_w[] = { "transport", "api_mode", NULL };
	static const char *const dm_w[] = { "default_model", "model", NULL };
	struct mr_yvalue v;
	const char *path[5];
	char idx[16];
	int item;

	v = str_value(s->base_url);
	if (set_field(w, s->name, url_w, &v, err) < 0)
		return -1;
	if (mode != NULL) {
		v = str_value(mode);
		if (set_field(w, s->name, mode_w, &v, err) < 0)
			return -1;
	}
	if (s->key_env != NULL) {
		v = str_value(s->key_env);
		if (set_field(w, s->name, key_env_keys, &v, err) < 0)
			return -1;
	}
	if (s->model != NULL) {
		v = str_value(s->model);
		if (set_field(w, s->name, dm_w, &v, err) < 0)
			return -1;
	}
	if (s->context_length != 0) {
		v = int_value(s->context_length);
		path[0] = "providers";
		path[1] = s->name;
		item = s->model != NULL ? models_item(w, s->name, s->model) :
		    -1;
		if (item >= 0) {
			/* models: [{id: m, context_length: n}, ...] */
			snprintf(idx, sizeof(idx), "[%d]", item);
			path[2] = "models";
			path[3] = idx;
			path[4] = "context_length";
			if (work_set(w, path, 5, &v, err) < 0)
				return -1;
		} else if (s->model != NULL && item == -1) {
			path[2] = "models";
			path[3] = s->model;
			path[4] = "context_length";
			if (work_set(w, path, 5, &v, err) < 0)
				return -1;
		} else {
			/* a list without a row to hold it: the entry's own
			 * context_length applies to its models */
			path[2] = "context_length";
			if (work_set(w, path, 3, &v, err) < 0)
				return -1;
		}
	}
	/* "enabled: false" hides an entry everywhere in Hermes. */
	if (entry_bool(w, s->name, "enabled") == 0) {
		path[0] = "providers";
		path[1] = s->name;
		path[2] = "enabled";
		v.type = MR_YVAL_BOOL;
		v.b = true;
		if (work_set(w, path, 3, &v, err) < 0)
			return -1;
	}
	return 0;
}

int
mr_hermes_add_provider(const char *text, size_t len,
    const struct mr_hermes_provider_spec *s, struct mr_buf *out,
    struct mr_error *err)
{
	struct work w;
	const char *mode;
	int rc;

	if (check_spec(s, false, &mode, err) < 0)
		return -1;
	work_init(&w, text, len);
	rc = write_entry(&w, s, mode, err);
	return work_done(&w, rc, out);
}

int
mr_hermes_use_proxy(const char *text, size_t len,
    const struct mr_hermes_provider_spec *s, struct mr_buf *out,
    struct mr_error *err)
{
	/* A leftover endpoint, key or wire mode in model: would be used
	 * with, or instead of, the entry: the named-custom flow of Hermes
	 * removes them too. */
	static const char *const stale[] = { "base_url", "api_base",
		"api_key", "api", "api_mode", NULL };
	const char *path[2] = { "model", NULL };
	struct mr_yvalue v;
	struct work w;
	const char *mode;
	char *ref = NULL;
	size_t i;
	int rc = -1;

	if (check_spec(s, true, &mode, err) < 0)
		return -1;
	if (mode == NULL)
		mode = "chat_completions";
	work_init(&w, text, len);
	if (write_entry(&w, s, mode, err) < 0)
		goto out;
	if (model_as_map(&w, err) < 0)
		goto out;
	ref = mr_xasprintf("custom:%s", s->name);
	path[1] = "provider";
	v = str_value(ref);
	if (work_set(&w, path, 2, &v, err) < 0)
		goto out;
	path[1] = "default";
	v = str_value(s->model);
	if (work_set(&w, path, 2, &v, err) < 0)
		goto out;
	for (i = 0; stale[i] != NULL; i++) {
		path[1] = stale[i];
		if (work_del(&w, path, 2, err) < 0)
			goto out;
	}
	/* Hermes's loader moves root-level base_url / api_base under
	 * model: when it lacks them: those go as well. */
	for (i = 0; i < 2; i++) {
		if (work_del(&w, stale + i, 1, err) < 0)
			goto out;
	}
	/* model.context_length (or its root-level form) overrides the
	 * entry's: keep them equal */
	v = int_value(s->context_length);
	if (s->context_length != 0 && model_has(&w, "context_length")) {
		path[1] = "context_length";
		if (work_set(&w, path, 2, &v, err) < 0)
			goto out;
	} else if (s->context_length != 0 && root_has(&w, "context_length")) {
		path[0] = "context_length";
		if (work_set(&w, path, 1, &v, err) < 0)
			goto out;
	}
	rc = 0;
out:
	free(ref);
	return work_done(&w, rc, out);
}

/* Indexes of legacy custom_providers items named NAME (or its slug). */
static ssize_t
legacy_index(struct work *w, const char *name, struct mr_error *err)
{
	struct mr_ytree t;
	const struct mr_ynode *s, *it;
	char *n, *slug;
	ssize_t r = -1;
	size_t i;

	if (work_tree(w, &t, err) < 0)
		return -2;
	s = t.root != NULL && t.root->kind == MR_YN_MAP ?
	    mr_ynode_deref(mr_ynode_get(t.root, "custom_providers")) : NULL;
	for (i = 0; s != NULL && s->kind == MR_YN_SEQ && i < s->nkids; i++) {
		it = mr_ynode_deref(s->kids[i]);
		if ((n = text_of(mr_ynode_get(it, "name"))) == NULL)
			continue;
		slug = mr_hermes_slug(n);
		if (strcmp(n, name) == 0 || strcmp(slug, name) == 0)
			r = (ssize_t)i;
		free(slug);
		free(n);
		if (r >= 0)
			break;
	}
	mr_ytree_free(&t);
	return r;
}

int
mr_hermes_remove_provider(const char *text, size_t len, const char *name,
    struct mr_buf *out, struct mr_error *err)
{
	static const char *const legacy[] = { "custom_providers" };
	const char *path[2] = { "providers", name };
	struct mr_hermes_config c;
	const struct mr_hermes_provider *p;
	struct work w;
	ssize_t idx;
	int rc = -1, k;

	if (name == NULL || name[0] == '\0' || has_control(name)) {
		mr_error_set(err, NULL, 0, 0, "a provider name is required");
		return -1;
	}
	mr_hermes_config_init(&c);
	if (mr_hermes_config_parse(&c, text, len, "config.yaml", err) < 0) {
		mr_hermes_config_release(&c);
		return -1;
	}
	p = c.provider ? mr_hermes_find_provider(&c, c.provider) : NULL;
	if (p != NULL && (strcmp(p->key, name) == 0 || mr_streq(p->name,
	    name))) {
		mr_error_set(err, NULL, 0, 0, "provider %s is in use "
		    "(model.provider: %s); switch to another one first",
		    name, c.provider);
		mr_hermes_config_release(&c);
		return -1;
	}
	mr_hermes_config_release(&c);
	work_init(&w, text, len);
	if (work_del(&w, path, 2, err) < 0)
		goto out;
	for (k = 0; k < 64; k++) {
		if ((idx = legacy_index(&w, name, err)) == -2)
			goto out;
		if (idx < 0)
			break;
		rc = mr_yedit_delete_item(w.cur.buf, w.cur.len, legacy, 1,
		    (size_t)idx, &w.tmp, err);
		if (rc < 0)
			goto out;
		work_step(&w, rc);
	}
	rc = 0;
out:
	return work_done(&w, rc, out);
}

int
mr_hermes_set_model(const char *text, size_t len, const char *provider,
    const char *model, struct mr_buf *out, struct mr_error *err)
{
	static const char *const dm_w[] = { "default_model", "model", NULL };
	const char *path[2] = { "model", NULL };
	struct mr_hermes_config c;
	const struct mr_hermes_provider *p = NULL;
	struct mr_yvalue v;
	struct work w;
	char *key = NULL;
	int rc = -1;

	if (provider == NULL || provider[0] == '\0' || strlen(provider) > 128 ||
	    has_control(provider) || strchr(provider, ' ') != NULL) {
		mr_error_set(err, NULL, 0, 0, "a provider such as "
		    "custom:<name> or openrouter is required");
		return -1;
	}
	if (check_model(model, err) < 0)
		return -1;
	mr_hermes_config_init(&c);
	if (mr_hermes_config_parse(&c, text, len, "config.yaml", err) < 0) {
		mr_hermes_config_release(&c);
		return -1;
	}
	if (strncmp(provider, "custom:", 7) == 0) {
		if ((p = mr_hermes_find_provider(&c, provider)) == NULL) {
			mr_error_set(err, NULL, 0, 0, "config.yaml has no "
			    "provider %s; add it first", provider + 7);
			mr_hermes_config_release(&c);
			return -1;
		}
		if (!p->legacy)
			key = mr_xstrdup(p->key);
	}
	mr_hermes_config_release(&c);
	work_init(&w, text, len);
	if (model_as_map(&w, err) < 0)
		goto out;
	path[1] = "provider";
	v = str_value(provider);
	if (work_set(&w, path, 2, &v, err) < 0)
		goto out;
	path[1] = "default";
	v = str_value(model);
	if (work_set(&w, path, 2, &v, err) < 0)
		goto out;
	if (key != NULL && set_field(&w, key, dm_w, &v, err) < 0)
		goto out;
	rc = 0;
out:
	free(key);
	return work_done(&w, rc, out);
}

/* ------------------------------------------------- set / unset by key */

enum vkind {
	V_STR,
	V_URL,
	V_MODEL,
	V_MODE,
	V_ENVNAME,
	V_CTX,
	V_BOOL,
	V_PROVIDER
};

static const struct {
	const char	*field;
	enum vkind	 kind;
} model_fields[] = {
	{ "provider", V_PROVIDER },
	{ "default", V_MODEL },
	{ "base_url", V_URL },
	{ "api_mode", V_MODE },
	{ "context_length", V_CTX },
}, provider_fields[] = {
	{ "api", V_URL },
	{ "url", V_URL },
	{ "base_url", V_URL },
	{ "name", V_STR },
	{ "transport", V_MODE },
	{ "api_mode", V_MODE },
	{ "key_env", V_ENVNAME },
	{ "api_key_env", V_ENVNAME },
	{ "default_model", V_MODEL },
	{ "model", V_MODEL },
	{ "context_length", V_CTX },
	{ "enabled", V_BOOL },
};

struct keypath {
	const char	*path[5];
	size_t		 depth;
	enum vkind	 kind;
	char		*buf;	/* owns the strings in path */
};

static int
parse_key(const char *dk, struct keypath *kp, struct mr_error *err)
{
	char *rest, *dot, *mid;
	size_t i, ml;

	memset(kp, 0, sizeof(*kp));
	if (dk == NULL)
		goto bad;
	kp->buf = mr_xstrdup(dk);
	if (strncmp(kp->buf, "model.", 6) == 0) {
		for (i = 0; i < MR_NELEM(model_fields); i++)
			if (strcmp(kp->buf + 6, model_fields[i].field) == 0) {
				kp->path[0] = "model";
				kp->path[1] = kp->buf + 6;
				kp->depth = 2;
				kp->kind = model_fields[i].kind;
				return 0;
			}
		goto bad;
	}
	if (strncmp(kp->buf, "providers.", 10) != 0)
		goto bad;
	rest = kp->buf + 10;
	kp->path[0] = "providers";
	/* providers.<name>.models.<id>.context_length: model ids may have
	 * dots (qwen2.5), provider names rarely ".models." */
	if ((mid = strstr(rest, ".models.")) != NULL &&
	    (ml = strlen(mid)) > 8 + 15 &&
	    strcmp(mid + ml - 15, ".context_length") == 0) {
		mid[ml - 15] = '\0';
		*mid = '\0';
		kp->path[1] = rest;
		kp->path[2] = "models";
		kp->path[3] = mid + 8;
		kp->path[4] = "context_length";
		kp->depth = 5;
		kp->kind = V_CTX;
		return check_name(rest, err);
	}
	if ((dot = strrchr(rest, '.')) == NULL)
		goto bad;
	*dot = '\0';
	for (i = 0; i < MR_NELEM(provider_fields); i++)
		if (strcmp(dot + 1, provider_fields[i].field) == 0) {
			kp->path[1] = rest;
			kp->path[2] = dot + 1;
			kp->depth = 3;
			kp->kind = provider_fields[i].kind;
			return check_name(rest, err);
		}
bad:
	mr_error_set(err, NULL, 0, 0, "cannot set \"%.80s\": known keys are "
	    "model.{provider,default,base_url,api_mode,context_length}, "
	    "providers.<name>.{api,url,base_url,name,transport,api_mode,"
	    "key_env,default_model,context_length,enabled} and "
	    "providers.<name>.models.<id>.context_length", dk ? dk : "");
	free(kp->buf);
	kp->buf = NULL;
	return -1;
}

static int
parse_bool(const char *s, bool *b)
{
	static const char *const t[] = { "true", "yes", "on", "1", NULL };
	static const char *const f[] = { "false", "no", "off", "0", NULL };
	size_t i;

	for (i = 0; t[i] != NULL; i++)
		if (strcasecmp(s, t[i]) == 0) {
			*b = true;
			return 0;
		}
	for (i = 0; f[i] != NULL; i++)
		if (strcasecmp(s, f[i]) == 0) {
			*b = false;
			return 0;
		}
	return -1;
}

int
mr_hermes_set(const char *text, size_t len, const char *dk,
    const char *value, struct mr_buf *out, struct mr_error *err)
{
	struct keypath kp;
	struct mr_yvalue v = { .type = MR_YVAL_STR, .s = value };
	struct work w;
	int rc = -1;

	if (parse_key(dk, &kp, err) < 0)
		return -1;
	if (value == NULL)
		value = v.s = "";
	switch (kp.kind) {
	case V_URL:
		rc = check_url(value, err);
		break;
	case V_MODEL:
		rc = check_model(value, err);
		break;
	case V_MODE:
		if ((v.s = mr_hermes_api_mode(value)) == NULL) {
			mr_error_set(err, NULL, 0, 0, "unknown api_mode "
			    "\"%.40s\"", value);
			rc = -1;
		} else
			rc = 0;
		break;
	case V_ENVNAME:
		rc = mr_hermes_env_name_check(value, err);
		break;
	case V_CTX:
		v.type = MR_YVAL_INT;
		rc = parse_ctx(value, &v.i, err);
		break;
	case V_BOOL:
		v.type = MR_YVAL_BOOL;
		if ((rc = parse_bool(value, &v.b)) < 0)
			mr_error_set(err, NULL, 0, 0, "%s takes true or false",
			    dk);
		break;
	case V_PROVIDER:
		rc = value[0] != '\0' && strchr(value, ' ') == NULL &&
		    !has_control(value) ? 0 : -1;
		if (rc < 0)
			mr_error_set(err, NULL, 0, 0, "not a provider: "
			    "\"%.80s\"", value);
		break;
	case V_STR:
		rc = has_control(value) ? -1 : 0;
		if (rc < 0)
			mr_error_set(err, NULL, 0, 0, "the value of %s has "
			    "control characters", dk);
		break;
	}
	if (rc < 0) {
		free(kp.buf);
		return -1;
	}
	work_init(&w, text, len);
	if (strcmp(kp.path[0], "model") == 0 && model_as_map(&w, err) < 0)
		rc = -1;
	else
		rc = work_set(&w, kp.path, kp.depth, &v, err);
	free(kp.buf);
	return work_done(&w, rc, out);
}

int
mr_hermes_unset(const char *text, size_t len, const char *dk,
    struct mr_buf *out, struct mr_error *err)
{
	struct keypath kp;
	int rc;

	if (parse_key(dk, &kp, err) < 0)
		return -1;
	rc = mr_yedit_delete(text, len, kp.path, kp.depth, out, err);
	free(kp.buf);
	return rc;
}
