/*
 * Discovery: hardware, model stores and running servers in one pass
 * (local-servers-hf-hardware.md §1-§4, §6).  The servers are probed on a
 * thread while the files are scanned; every callback runs under one lock,
 * so callers never see two at once.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mr/discover.h"

#include "scan-int.h"

struct disc {
	const struct mr_discover_opts	*opts;
	const struct mr_discover_cb	*cb;
	struct mr_discovery		*out;
	pthread_mutex_t			 lock;
	struct scan_inodes		 models_seen;	/* first files */
	struct mr_strlist		 tags_seen;	/* Ollama: file+name */
	struct scan_inodes		 roots_seen;
	struct mr_scan_root		*root;		/* being scanned */
	struct mr_strlist		 bases;
};

static const char *
env(const struct mr_discover_opts *o, const char *name)
{
	const char *v = o->getenv_fn ? o->getenv_fn(name) : getenv(name);

	return v && *v ? v : NULL;
}

/* Reports what is being done now; takes MSG. */
static void
progress(struct disc *d, char *msg)
{
	if (d->cb != NULL && d->cb->progress != NULL) {
		pthread_mutex_lock(&d->lock);
		d->cb->progress(d->cb->ctx, msg);
		pthread_mutex_unlock(&d->lock);
	}
	free(msg);
}

/* Called with the lock held. */
static void
warn_locked(struct disc *d, const char *msg)
{
	if (d->out != NULL)
		mr_strlist_push(&d->out->warnings, msg);
	if (d->cb != NULL && d->cb->warning != NULL)
		d->cb->warning(d->cb->ctx, msg);
}

static void
on_warning(void *ctx, const char *msg)
{
	struct disc *d = ctx;

	pthread_mutex_lock(&d->lock);
	warn_locked(d, msg);
	pthread_mutex_unlock(&d->lock);
}

static void
on_model(void *ctx, const struct mr_model *m)
{
	struct disc *d = ctx;
	struct mr_discovery *out = d->out;
	struct stat st;
	char key[600];
	bool again = false;

	/*
	 * The same file reached through a second root counts once; Ollama's
	 * tags are names for blobs, so there the name counts too.
	 */
	if (m->paths.n > 0 && stat(m->paths.v[0], &st) == 0) {
		if (m->source == MR_SRC_OLLAMA) {
			snprintf(key, sizeof(key), "%ju:%ju:%s",
			    (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
			    m->name);
			again = mr_strlist_has(&d->tags_seen, key);
			if (!again)
				mr_strlist_push(&d->tags_seen, key);
		} else {
			again = !scan_inodes_add(&d->models_seen, &st);
		}
	}
	if (again) {
		if (out != NULL) {
			pthread_mutex_lock(&d->lock);
			out->duplicates++;
			pthread_mutex_unlock(&d->lock);
		}
		return;
	}
	pthread_mutex_lock(&d->lock);
	if (out != NULL) {
		out->models = mr_xrealloc(out->models,
		    (out->nmodels + 1) * sizeof(*out->models));
		mr_model_copy(&out->models[out->nmodels++], m);
	}
	if (d->root != NULL)
		d->root->nmodels++;
	if (d->cb != NULL && d->cb->model != NULL)
		d->cb->model(d->cb->ctx, m);
	pthread_mutex_unlock(&d->lock);
}

static void
on_server(void *ctx, size_t i, const struct mr_server_result *r)
{
	struct disc *d = ctx;

	(void)i;
	pthread_mutex_lock(&d->lock);
	if (d->cb != NULL && d->cb->server != NULL)
		d->cb->server(d->cb->ctx, r);
	pthread_mutex_unlock(&d->lock);
}

void
mr_default_servers(mr_getenv_fn getenv_fn, struct mr_strlist *out)
{
	/* LM Studio, llama.cpp (also LocalAI and MLX-LM), llama.cpp's new
	 * default, vLLM; Ollama from OLLAMA_HOST */
	static const unsigned ports[] = { 1234, 8080, 9931, 8000 };
	const char *h = getenv_fn ? getenv_fn("OLLAMA_HOST") :
	    getenv("OLLAMA_HOST");
	unsigned port = 11434, p;
	const char *colon;
	char url[64];
	size_t i;

	/* OLLAMA_HOST: [scheme://]host[:port] */
	if (h != NULL && (colon = strrchr(h, ':')) != NULL &&
	    isdigit((unsigned char)colon[1])) {
		p = (unsigned)strtoul(colon + 1, NULL, 10);
		if (p > 0 && p < 65536)
			port = p;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", ports[0]);
	mr_strlist_push_unique(out, url);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
	mr_strlist_push_unique(out, url);
	for (i = 1; i < MR_NELEM(ports); i++) {
		snprintf(url, sizeof(url), "http://127.0.0.1:%u", ports[i]);
		mr_strlist_push_unique(out, url);
	}
}

static void *
probe_thread(void *arg)
{
	struct disc *d = arg;
	const struct mr_discover_opts *o = d->opts;
	struct mr_server_result *res;
	size_t n = d->bases.n;

	res = mr_xcalloc(n, sizeof(*res));
	mr_probe_servers((const char *const *)d->bases.v, n, o->timeout_ms > 0 ?
	    o->timeout_ms : MR_DISCOVER_TIMEOUT_MS, o->http, res, on_server, d);
	pthread_mutex_lock(&d->lock);
	if (d->out != NULL) {
		d->out->servers = res;
		d->out->nservers = n;
		res = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	free(res);
	return NULL;
}

/* Adds a root unless it is missing a path or repeats an earlier one. */
static void
add_root(struct disc *d, struct mr_scan_root **roots, size_t *n, char *path,
    enum mr_model_source source, bool given)
{
	struct mr_scan_root *r;
	struct stat st;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*roots)[i].path, path) == 0) {
			free(path);
			return;
		}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	    !scan_inodes_add(&d->roots_seen, &st)) {
		free(path);	/* another name for a root we have */
		return;
	}
	*roots = mr_xrealloc(*roots, (*n + 1) * sizeof(**roots));
	r = &(*roots)[(*n)++];
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->source = source;
	r->given = given;
	r->exists = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *
home_path(const struct mr_discover_opts *o, const char *rest)
{
	const char *home = env(o, "HOME");

	return mr_xasprintf("%s%s", home ? home : "", rest);
}

static void
list_roots(struct disc *d, struct mr_scan_root **roots, size_t *n)
{
	const struct mr_discover_opts *o = d->opts;
	const char *sys = o->sysroot ? o->sysroot : "";
	char *home, *msg;
	size_t i;

	for (i = 0; i < o->nmodel_dirs; i++)
		add_root(d, roots, n, mr_expand_home(o->model_dirs[i]),
		    MR_SRC_FOLDER, true);
	for (i = 0; i < *n; i++)
		if (!(*roots)[i].exists) {
			msg = mr_xasprintf("%s: not a folder (--model-dir)",
			    (*roots)[i].path);
			on_warning(d, msg);
			free(msg);
		}
	if (o->no_default_dirs)
		return;
	home = mr_lmstudio_home(o->getenv_fn);
	add_root(d, roots, n, mr_lmstudio_models_dir(home), MR_SRC_LMSTUDIO,
	    false);
	free(home);
	/* the legacy and the current home, when both are there */
	add_root(d, roots, n, home_path(o, "/.lmstudio/models"),
	    MR_SRC_LMSTUDIO, false);
	add_root(d, roots, n, home_path(o, "/.cache/lm-studio/models"),
	    MR_SRC_LMSTUDIO, false);
	add_root(d, roots, n, mr_ollama_models_dir(o->getenv_fn),
	    MR_SRC_OLLAMA, false);
	add_root(d, roots, n, mr_xasprintf("%s/usr/share/ollama/.ollama/models",
	    sys), MR_SRC_OLLAMA, false);
	add_root(d, roots, n, mr_hf_hub_cache(o->getenv_fn), MR_SRC_HF_CACHE,
	    false);
	add_root(d, roots, n, mr_llamacpp_cache(o->getenv_fn), MR_SRC_LLAMACPP,
	    false);
	add_root(d, roots, n, home_path(o, "/models"), MR_SRC_FOLDER, false);
}

static const char *
store_name(enum mr_model_source s)
{
	switch (s) {
	case MR_SRC_LMSTUDIO:
		return "LM Studio models";
	case MR_SRC_OLLAMA:
		return "Ollama models";
	case MR_SRC_HF_CACHE:
		return "the Hugging Face cache";
	case MR_SRC_LLAMACPP:
		return "llama.cpp's cache";
	case MR_SRC_FOLDER:
		break;
	}
	return "models";
}

static void
scan_roots(struct disc *d, struct mr_scan_root *roots, size_t n)
{
	struct mr_scan_cb cb = { on_model, on_warning, d };
	struct mr_scan_root *r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = &roots[i];
		if (!r->exists)
			continue;
		r->free_known = mr_disk_free(r->path, &r->free_bytes) == 0;
		progress(d, mr_xasprintf("looking for %s in %s",
		    store_name(r->source), r->path));
		d->root = r;
		switch (r->source) {
		case MR_SRC_LMSTUDIO:
			mr_scan_lmstudio(r->path, &cb);
			break;
		case MR_SRC_OLLAMA:
			mr_scan_ollama(r->path, &cb);
			break;
		case MR_SRC_HF_CACHE:
			mr_scan_hf_cache(r->path, &cb);
			break;
		case MR_SRC_LLAMACPP:
		case MR_SRC_FOLDER:
			mr_scan_folder(r->path, r->source, &cb);
			break;
		}
		d->root = NULL;
	}
}

void
mr_discover(const struct mr_discover_opts *opts,
    const struct mr_discover_cb *cb, struct mr_discovery *out)
{
	static const struct mr_discover_opts none;
	struct mr_hw_opts hwo;
	struct mr_hardware hw;
	struct mr_scan_root *roots = NULL;
	struct disc d;
	pthread_t tid;
	bool threaded = false;
	size_t i, nroots = 0;

	memset(&d, 0, sizeof(d));
	d.opts = opts != NULL ? opts : &none;
	d.cb = cb;
	d.out = out;
	pthread_mutex_init(&d.lock, NULL);
	if (out != NULL)
		memset(out, 0, sizeof(*out));

	/* servers first: they take the longest and run alongside */
	if (!d.opts->no_servers) {
		if (!d.opts->no_default_servers)
			mr_default_servers(d.opts->getenv_fn, &d.bases);
		for (i = 0; i < d.opts->nservers; i++)
			mr_strlist_push_unique(&d.bases, d.opts->servers[i]);
	}
	if (d.bases.n > 0) {
		progress(&d, mr_xasprintf("probing %zu model server%s",
		    d.bases.n, d.bases.n == 1 ? "" : "s"));
		threaded = pthread_create(&tid, NULL, probe_thread, &d) == 0;
		if (!threaded)
			probe_thread(&d);
	}

	if (!d.opts->no_hardware) {
		progress(&d, mr_xstrdup("reading the hardware"));
		memset(&hwo, 0, sizeof(hwo));
		hwo.root = d.opts->sysroot;
		hwo.no_nvml = d.opts->sysroot != NULL && *d.opts->sysroot;
		mr_hardware_detect(&hwo, &hw);
		pthread_mutex_lock(&d.lock);
		for (i = 0; i < hw.warnings.n; i++)
			warn_locked(&d, hw.warnings.v[i]);
		if (cb != NULL && cb->hardware != NULL)
			cb->hardware(cb->ctx, &hw);
		pthread_mutex_unlock(&d.lock);
		if (out != NULL) {
			out->have_hardware = true;
			out->hw = hw;
		} else {
			mr_hardware_release(&hw);
		}
	}

	list_roots(&d, &roots, &nroots);
	scan_roots(&d, roots, nroots);

	if (threaded)
		pthread_join(tid, NULL);
	if (out != NULL) {
		out->roots = roots;
		out->nroots = nroots;
	} else {
		for (i = 0; i < nroots; i++)
			free(roots[i].path);
		free(roots);
	}
	progress(&d, mr_xstrdup("done"));
	mr_strlist_clear(&d.bases);
	scan_inodes_clear(&d.models_seen);
	mr_strlist_clear(&d.tags_seen);
	scan_inodes_clear(&d.roots_seen);
	pthread_mutex_destroy(&d.lock);
}

void
mr_discovery_release(struct mr_discovery *d)
{
	size_t i;

	if (d->have_hardware)
		mr_hardware_release(&d->hw);
	for (i = 0; i < d->nroots; i++)
		free(d->roots[i].path);
	free(d->roots);
	free(d->servers);
	for (i = 0; i < d->nmodels; i++)
		mr_model_release(&d->models[i]);
	free(d->models);
	mr_strlist_clear(&d->warnings);
	memset(d, 0, sizeof(*d));
}
