/*
 * Loading and checking model catalogs: ours (version 1, "models" entries
 * with an id) and the reference tool's (entries with route and repo_id).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mr/catalog.h"
#include "mr/embedded.h"
#include "mr/ydoc.h"

#define CATALOG_MAX_BYTES (8 << 20)
#define GB 1e9

static const char *const role_names[MR_ROLE_COUNT + 1] = {
	"fast", "balanced", "reasoning", "code", "vision", NULL
};

/* Index of S in the NULL-terminated list V, or -1. */
static int
str_index(const char *s, const char *const *v)
{
	int i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(s, v[i]) == 0)
			return i;
	return -1;
}

static size_t
count(const char *const *v)
{
	size_t n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

/* The reference's route names, mapped to our roles. */
static const struct {
	const char	*route;
	enum mr_role	 role;
} route_map[] = {
	{ "fast_local", MR_ROLE_FAST },
	{ "balanced_local", MR_ROLE_BALANCED },
	{ "reasoning_local", MR_ROLE_REASONING },
	{ "code_local", MR_ROLE_CODE },
	{ "code_agent", MR_ROLE_CODE },
	{ "multimodal_vision", MR_ROLE_VISION },
	{ "vision_local", MR_ROLE_VISION },
};

static const char *const model_keys[] = {
	"id", "name", "publisher", "license", "card", "released", "roles",
	"quality", "params_b", "active_params_b", "arch", "context", "tools",
	"thinking", "vision", "gguf", "mlx", "ollama", NULL
};
static const char *const arch_keys[] = {
	"type", "layers", "kv_heads", "head_dim", "attention",
	"sliding_window", "full_layers", "kv_lora_rank", NULL
};
static const char *const ref_keys[] = {
	"route", "repo_id", "provider", "adapter", "reason", "min_memory_gb",
	"recommended_memory_gb", "quality_score", "speed_score", "profiles",
	"hardware", "include", "runtime_kind", "model_size_b", "quantization",
	"context_length", NULL
};

const char *
mr_role_name(enum mr_role r)
{
	return r < MR_ROLE_COUNT ? role_names[r] : "?";
}

int
mr_role_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < MR_ROLE_COUNT; i++)
		if (strcmp(name, role_names[i]) == 0)
			return (int)i;
	for (i = 0; i < MR_NELEM(route_map); i++)
		if (strcmp(name, route_map[i].route) == 0)
			return (int)route_map[i].role;
	return -1;
}

bool
mr_role_hermes_facing(enum mr_role r)
{
	return r == MR_ROLE_BALANCED || r == MR_ROLE_REASONING ||
	    r == MR_ROLE_CODE;
}

double
mr_quant_bpw(const char *q)
{
	static const struct {
		const char	*quant;
		double		 bpw;
	} t[] = {
		{ "Q2_K", 3.35 }, { "Q3_K_S", 3.5 }, { "Q3_K_M", 3.9 },
		{ "Q3_K_L", 4.27 }, { "IQ4_XS", 4.25 }, { "Q4_0", 4.55 },
		{ "Q4_K_S", 4.58 }, { "Q4_K_M", 4.9 }, { "Q4_K_XL", 5.0 },
		{ "MXFP4", 4.25 }, { "Q5_K_S", 5.54 }, { "Q5_K_M", 5.7 },
		{ "Q6_K", 6.59 }, { "Q8_0", 8.5 }, { "F16", 16 }, { "BF16", 16 },
		{ "3bit", 3.5 }, { "4bit", 4.5 }, { "5bit", 5.5 }, { "6bit", 6.5 },
		{ "8bit", 8.5 },
	};
	size_t i;

	for (i = 0; i < MR_NELEM(t); i++)
		if (strcasecmp(q, t[i].quant) == 0)
			return t[i].bpw;
	return 0;
}

void
mr_catalog_init(struct mr_catalog *c)
{
	memset(c, 0, sizeof(*c));
}

static void
model_clear(struct mr_cat_model *m)
{
	size_t i;

	free(m->id);
	free(m->name);
	free(m->publisher);
	free(m->license);
	free(m->card);
	free(m->released);
	free(m->gguf_repo);
	free(m->origin);
	mr_strlist_clear(&m->ollama);
	for (i = 0; i < m->nfiles; i++) {
		free(m->files[i].file);
		free(m->files[i].repo);
	}
	free(m->files);
	memset(m, 0, sizeof(*m));
}

void
mr_catalog_release(struct mr_catalog *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		model_clear(&c->models[i]);
	free(c->models);
	mr_strlist_clear(&c->sources);
	mr_strlist_clear(&c->warnings);
	memset(c, 0, sizeof(*c));
}

const struct mr_cat_model *
mr_catalog_find(const struct mr_catalog *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->models[i].id, id) == 0)
			return &c->models[i];
	return NULL;
}

/* ---- checking values ---------------------------------------------------- */

struct ctx {
	const char		*name;
	struct mr_error		*err;
	struct mr_strlist	*warnings;
};

static int
fail(struct ctx *c, const struct yv *at, const char *fmt, ...)
    MR_PRINTF(3, 4);

static int
fail(struct ctx *c, const struct yv *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mr_error_set(c->err, c->name, at ? at->line : 0, at ? at->col : 0,
	    "%s", msg);
	return -1;
}

static void
warn(struct ctx *c, const struct yv *at, const char *fmt, ...)
    MR_PRINTF(3, 4);

static void
warn(struct ctx *c, const struct yv *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mr_strlist_push_take(c->warnings, mr_xasprintf("%s:%d:%d: %s",
	    c->name, at->line, at->col, msg));
}

static void
unknown_keys(struct ctx *c, const struct yv *map, const char *const *known,
    const char *where)
{
	const char *k, *hint;
	size_t i;

	for (i = 0; i < map->n; i++) {
		k = yv_text(map->ents[i].key);
		if (str_index(k, known) >= 0)
			continue;
		hint = mr_did_you_mean(k, known, count(known));
		warn(c, map->ents[i].key, "unknown key '%s' in %s%s%s%s", k,
		    where, hint ? " (did you mean '" : "", hint ? hint : "",
		    hint ? "'?)" : "");
	}
}

static int
get_text(struct ctx *c, const struct yv *map, const char *key, bool required,
    char **out)
{
	const struct yv *v = yv_get(map, key);

	*out = NULL;
	if (v == NULL || v->type == YV_NULL) {
		if (required)
			return fail(c, map, "'%s' is required", key);
		return 0;
	}
	if (v->type != YV_STR && v->type != YV_INT && v->type != YV_FLOAT)
		return fail(c, v, "'%s' must be text", key);
	if (v->len == 0 && required)
		return fail(c, v, "'%s' must not be empty", key);
	*out = mr_xstrndup(v->s, v->len);
	return 0;
}

static int
get_num(struct ctx *c, const struct yv *map, const char *key, double lo,
    double hi, bool required, double *out)
{
	const struct yv *v = yv_get(map, key);
	double d;

	if (v == NULL || v->type == YV_NULL) {
		if (required)
			return fail(c, map, "'%s' is required", key);
		return 0;
	}
	if (v->type == YV_INT && !v->ibig)
		d = (double)v->i;
	else if (v->type == YV_FLOAT)
		d = v->f;
	else
		return fail(c, v, "'%s' must be a number", key);
	if (!(d >= lo && d <= hi))
		return fail(c, v, "'%s' must be from %g to %g, not %g", key, lo,
		    hi, d);
	*out = d;
	return 0;
}

static int
get_uint(struct ctx *c, const struct yv *map, const char *key, double hi,
    bool required, unsigned *out)
{
	const struct yv *v = yv_get(map, key);
	double d = 0;

	if (get_num(c, map, key, 0, hi, required, &d) < 0)
		return -1;
	if (v == NULL || v->type == YV_NULL)
		return 0;	/* absent: *OUT keeps its default */
	if (d != floor(d))
		return fail(c, yv_get(map, key), "'%s' must be a whole number",
		    key);
	*out = (unsigned)d;
	return 0;
}

static int
get_bool(struct ctx *c, const struct yv *map, const char *key, int *out)
{
	const struct yv *v = yv_get(map, key);

	if (v == NULL || v->type == YV_NULL)
		return 0;
	if (v->type != YV_BOOL)
		return fail(c, v, "'%s' must be true or false", key);
	*out = v->b;
	return 0;
}

static bool
valid_id(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		    *s == '-' || *s == '.' || *s == '_'))
			return false;
	return true;
}

static bool
valid_quant(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 16)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* ---- our format --------------------------------------------------------- */

static int
parse_roles(struct ctx *c, const struct yv *m, unsigned *roles)
{
	const struct yv *v = yv_get(m, "roles");
	const char *hint;
	char *name;
	size_t i;
	int r;

	if (v == NULL || v->type != YV_SEQ || v->n == 0)
		return fail(c, v ? v : m, "'roles' must be a list of fast, "
		    "balanced, reasoning, code, vision");
	for (i = 0; i < v->n; i++) {
		if (v->items[i]->type != YV_STR)
			return fail(c, v->items[i], "a role must be text");
		name = mr_xstrndup(v->items[i]->s, v->items[i]->len);
		r = mr_role_from_name(name);
		if (r < 0) {
			hint = mr_did_you_mean(name, role_names,
			    MR_ROLE_COUNT);
			fail(c, v->items[i], "unknown role '%s'%s%s%s", name,
			    hint ? " (did you mean '" : "", hint ? hint : "",
			    hint ? "'?)" : "");
			free(name);
			return -1;
		}
		free(name);
		*roles |= 1u << r;
	}
	return 0;
}

static int
parse_arch(struct ctx *c, const struct yv *m, struct mr_cat_model *e)
{
	static const char *const kinds[] = { "full", "swa", "hybrid", "mla",
		NULL };
	const struct yv *a = yv_get(m, "arch");
	char *s = NULL;
	int k;

	if (a == NULL || a->type != YV_MAP)
		return fail(c, a ? a : m, "'arch' must be a mapping with type, "
		    "layers, kv_heads, head_dim");
	unknown_keys(c, a, arch_keys, "arch");
	if (get_text(c, a, "type", true, &s) < 0)
		return -1;
	mr_strlcpy(e->arch, sizeof(e->arch), s);
	free(s);
	if (get_uint(c, a, "layers", 1000, true, &e->layers) < 0 ||
	    get_uint(c, a, "kv_heads", 1024, true, &e->kv_heads) < 0 ||
	    get_uint(c, a, "head_dim", 4096, true, &e->head_dim) < 0 ||
	    get_uint(c, a, "sliding_window", 1e7, false,
	    &e->sliding_window) < 0 ||
	    get_uint(c, a, "kv_lora_rank", 65536, false, &e->kv_lora_rank) < 0)
		return -1;
	e->full_layers = e->layers;
	if (get_uint(c, a, "full_layers", 1000, false, &e->full_layers) < 0)
		return -1;
	if (e->layers == 0)
		return fail(c, yv_get(a, "layers"), "'layers' must be above 0");
	if (e->full_layers > e->layers)
		return fail(c, yv_get(a, "full_layers"), "'full_layers' (%u) "
		    "is more than 'layers' (%u)", e->full_layers, e->layers);
	if (get_text(c, a, "attention", false, &s) < 0)
		return -1;
	e->attention = MR_ATTN_FULL;
	if (s != NULL) {
		k = str_index(s, kinds);
		if (k < 0) {
			fail(c, yv_get(a, "attention"), "'attention' must be "
			    "full, swa, hybrid or mla, not '%s'", s);
			free(s);
			return -1;
		}
		e->attention = (enum mr_attention)k;
		free(s);
	}
	if (e->attention == MR_ATTN_SWA && e->sliding_window == 0)
		return fail(c, a, "swa attention needs 'sliding_window'");
	if (e->attention == MR_ATTN_MLA && e->kv_lora_rank == 0)
		return fail(c, a, "mla attention needs 'kv_lora_rank'");
	return 0;
}

static int
parse_file(struct ctx *c, const struct yv *f, bool mlx, double params_b,
    struct mr_cat_file *out)
{
	static const char *const gguf_keys[] = { "quant", "file", "size_gb",
		"shards", "size_estimated", NULL };
	static const char *const mlx_keys[] = { "repo", "quant", "size_gb",
		"size_estimated", NULL };
	char *q = NULL;
	double gb = 0, bpw;
	int est = 0;

	memset(out, 0, sizeof(*out));
	out->mlx = mlx;
	out->shards = 1;
	if (f->type != YV_MAP)
		return fail(c, f, "a %s file must be a mapping", mlx ? "MLX" :
		    "GGUF");
	unknown_keys(c, f, mlx ? mlx_keys : gguf_keys, mlx ? "mlx" : "gguf");
	if (get_text(c, f, "quant", true, &q) < 0)
		return -1;
	if (!valid_quant(q)) {
		fail(c, yv_get(f, "quant"), "'%s' is not a quantization name",
		    q);
		free(q);
		return -1;
	}
	mr_strlcpy(out->quant, sizeof(out->quant), q);
	free(q);
	if (mlx ? get_text(c, f, "repo", true, &out->repo) < 0 :
	    get_text(c, f, "file", true, &out->file) < 0)
		return -1;
	if (!mlx && out->file != NULL && (strchr(out->file, '/') != NULL &&
	    strstr(out->file, "..") != NULL))
		return fail(c, yv_get(f, "file"), "'file' must stay inside "
		    "the repository");
	if (get_num(c, f, "size_gb", 0.001, 2000, false, &gb) < 0 ||
	    get_uint(c, f, "shards", 100, false, &out->shards) < 0 ||
	    get_bool(c, f, "size_estimated", &est) < 0)
		return -1;
	if (out->shards == 0)
		out->shards = 1;
	out->estimated = est;
	if (gb == 0) {
		/* not listed: params x bits per weight */
		bpw = mr_quant_bpw(out->quant);
		if (bpw == 0 || params_b == 0)
			return fail(c, f, "'size_gb' is required for %s (its "
			    "size cannot be estimated)", out->quant);
		gb = params_b * bpw / 8;
		out->estimated = true;
	}
	out->size_bytes = (uint64_t)llrint(gb * GB);
	return 0;
}

static int
parse_files(struct ctx *c, const struct yv *m, struct mr_cat_model *e)
{
	static const char *const gguf_keys[] = { "repo", "files", NULL };
	const struct yv *g = yv_get(m, "gguf"), *x = yv_get(m, "mlx"), *fl;
	size_t i, n = 0;

	if (g != NULL && g->type != YV_NULL) {
		if (g->type != YV_MAP)
			return fail(c, g, "'gguf' must be a mapping with repo "
			    "and files");
		unknown_keys(c, g, gguf_keys, "gguf");
		if (get_text(c, g, "repo", true, &e->gguf_repo) < 0)
			return -1;
		fl = yv_get(g, "files");
		if (fl == NULL || fl->type != YV_SEQ || fl->n == 0)
			return fail(c, fl ? fl : g, "'gguf.files' must be a "
			    "list of files");
		n += fl->n;
	}
	if (x != NULL && x->type != YV_NULL) {
		if (x->type != YV_SEQ)
			return fail(c, x, "'mlx' must be a list");
		n += x->n;
	}
	if (n == 0)
		return fail(c, m, "an entry needs 'gguf' or 'mlx' files");
	e->files = mr_xcalloc(n, sizeof(*e->files));
	if (g != NULL && g->type == YV_MAP) {
		fl = yv_get(g, "files");
		for (i = 0; i < fl->n; i++)
			if (parse_file(c, fl->items[i], false, e->params_b,
			    &e->files[e->nfiles++]) < 0)
				return -1;
	}
	if (x != NULL && x->type == YV_SEQ)
		for (i = 0; i < x->n; i++)
			if (parse_file(c, x->items[i], true, e->params_b,
			    &e->files[e->nfiles++]) < 0)
				return -1;
	return 0;
}

static int
parse_model(struct ctx *c, const struct yv *m, struct mr_cat_model *e)
{
	static const char *const ctx_keys[] = { "native", "max", NULL };
	const struct yv *cx, *ol;
	double d = 0, lo, hi;
	size_t i;

	unknown_keys(c, m, model_keys, "a model entry");
	if (get_text(c, m, "id", true, &e->id) < 0)
		return -1;
	if (!valid_id(e->id))
		return fail(c, yv_get(m, "id"), "id '%s' may hold only a-z, "
		    "0-9, '-', '.' and '_'", e->id);
	if (get_text(c, m, "name", true, &e->name) < 0 ||
	    get_text(c, m, "publisher", false, &e->publisher) < 0 ||
	    get_text(c, m, "license", true, &e->license) < 0 ||
	    get_text(c, m, "card", true, &e->card) < 0 ||
	    get_text(c, m, "released", false, &e->released) < 0 ||
	    parse_roles(c, m, &e->roles) < 0)
		return -1;
	if (strncmp(e->card, "https://", 8) != 0)
		return fail(c, yv_get(m, "card"), "'card' must be an https:// "
		    "link to the model card");
	if (get_num(c, m, "quality", 0, 100, true, &d) < 0)
		return -1;
	e->quality = (int)d;
	if (get_num(c, m, "params_b", 0.01, 5000, true, &e->params_b) < 0)
		return -1;
	e->active_params_b = e->params_b;
	if (get_num(c, m, "active_params_b", 0.01, 5000, false,
	    &e->active_params_b) < 0)
		return -1;
	if (e->active_params_b > e->params_b)
		return fail(c, yv_get(m, "active_params_b"), "'active_params_b' "
		    "is more than 'params_b'");
	if (parse_arch(c, m, e) < 0)
		return -1;
	cx = yv_get(m, "context");
	if (cx == NULL || cx->type != YV_MAP)
		return fail(c, cx ? cx : m, "'context' must be a mapping with "
		    "native (and max)");
	unknown_keys(c, cx, ctx_keys, "context");
	lo = 0;
	if (get_num(c, cx, "native", 512, 1e8, true, &lo) < 0)
		return -1;
	hi = lo;
	if (get_num(c, cx, "max", 512, 1e8, false, &hi) < 0)
		return -1;
	if (hi < lo)
		return fail(c, yv_get(cx, "max"), "'max' context is below "
		    "'native'");
	e->ctx_native = (uint64_t)lo;
	e->ctx_max = (uint64_t)hi;
	e->tools = e->thinking = -1;
	i = 0;
	if (get_bool(c, m, "tools", &e->tools) < 0 ||
	    get_bool(c, m, "thinking", &e->thinking) < 0)
		return -1;
	{
		int v = 0;

		if (get_bool(c, m, "vision", &v) < 0)
			return -1;
		e->vision = v;
	}
	if ((e->roles & (1u << MR_ROLE_VISION)) && !e->vision)
		return fail(c, yv_get(m, "roles"), "the vision role needs "
		    "'vision: true'");
	ol = yv_get(m, "ollama");
	if (ol != NULL && ol->type != YV_NULL) {
		if (ol->type != YV_SEQ)
			return fail(c, ol, "'ollama' must be a list of names");
		for (i = 0; i < ol->n; i++) {
			if (ol->items[i]->type != YV_STR)
				return fail(c, ol->items[i], "an Ollama name "
				    "must be text");
			mr_strlist_push_take(&e->ollama, mr_xstrndup(
			    ol->items[i]->s, ol->items[i]->len));
		}
	}
	return parse_files(c, m, e);
}

/* ---- the reference's format -------------------------------------------- */

static int
parse_reference(struct ctx *c, const struct yv *m, struct mr_cat_model *e)
{
	char *route = NULL, *quant = NULL, *kind = NULL, *slash;
	double d = 0;
	int r;

	unknown_keys(c, m, ref_keys, "a reference catalog entry");
	if (get_text(c, m, "route", true, &route) < 0)
		return -1;
	r = mr_role_from_name(route);
	if (r < 0) {
		fail(c, yv_get(m, "route"), "unknown route '%s'", route);
		free(route);
		return -1;
	}
	free(route);
	e->roles = 1u << r;
	e->reference = true;
	if (get_text(c, m, "repo_id", true, &e->id) < 0)
		return -1;
	e->name = mr_xstrdup((slash = strrchr(e->id, '/')) ? slash + 1 :
	    e->id);
	e->card = mr_xasprintf("https://huggingface.co/%s", e->id);
	e->license = mr_xstrdup("unknown");
	if (get_num(c, m, "quality_score", 1, 5, false, &d) < 0)
		return -1;
	e->quality = d > 0 ? (int)(d * 15) : 40;
	if (get_num(c, m, "model_size_b", 0.01, 5000, false, &e->params_b) < 0 ||
	    get_num(c, m, "min_memory_gb", 0, 10000, false, &e->ref_min_gb) < 0 ||
	    get_num(c, m, "recommended_memory_gb", 0, 10000, false,
	    &e->ref_recommended_gb) < 0)
		return -1;
	e->active_params_b = e->params_b;
	d = 0;
	if (get_num(c, m, "context_length", 512, 1e8, false, &d) < 0)
		return -1;
	e->ctx_native = e->ctx_max = (uint64_t)d;
	e->tools = e->thinking = -1;
	e->vision = r == MR_ROLE_VISION;
	if (get_text(c, m, "quantization", false, &quant) < 0 ||
	    get_text(c, m, "runtime_kind", false, &kind) < 0) {
		free(quant);
		return -1;
	}
	e->files = mr_xcalloc(1, sizeof(*e->files));
	e->nfiles = 1;
	e->files[0].shards = 1;
	e->files[0].estimated = true;
	e->files[0].mlx = (kind != NULL && strcmp(kind, "mlx-lm") == 0) ||
	    strncmp(e->id, "mlx-community/", 14) == 0;
	mr_strlcpy(e->files[0].quant, sizeof(e->files[0].quant),
	    quant != NULL ? quant : e->files[0].mlx ? "4bit" : "Q4_K_M");
	if (e->files[0].mlx)
		e->files[0].repo = mr_xstrdup(e->id);
	else
		e->gguf_repo = mr_xstrdup(e->id);
	if (e->params_b > 0 && mr_quant_bpw(e->files[0].quant) > 0)
		e->files[0].size_bytes = (uint64_t)(e->params_b *
		    mr_quant_bpw(e->files[0].quant) / 8 * GB);
	free(quant);
	free(kind);
	return 0;
}

/* ---- documents ---------------------------------------------------------- */

static void
put_model(struct mr_catalog *cat, struct mr_cat_model *e)
{
	size_t i;

	for (i = 0; i < cat->n; i++)
		if (strcmp(cat->models[i].id, e->id) == 0) {
			model_clear(&cat->models[i]);
			cat->models[i] = *e;
			return;
		}
	cat->models = mr_xrealloc(cat->models, (cat->n + 1) *
	    sizeof(*cat->models));
	cat->models[cat->n++] = *e;
}

int
mr_catalog_add_mem(struct mr_catalog *cat, const char *text, size_t len,
    const char *name, struct mr_error *err)
{
	struct ydoc d;
	struct ctx c = { name, err, &cat->warnings };
	struct mr_error yerr = MR_ERROR_INIT;
	const struct yv *root, *models, *ver, *item;
	struct mr_cat_model *all;
	size_t i, k, n;
	int rc = -1;

	if (ydoc_load(&d, text, len, &yerr) < 0) {
		mr_error_set(err, name, yerr.line, yerr.col, "invalid YAML: %s",
		    yerr.msg);
		mr_error_clear(&yerr);
		ydoc_free(&d);	/* what was built before the error */
		return -1;
	}
	root = d.root;
	if (root == NULL || root->type != YV_MAP) {
		fail(&c, root, "a catalog must be a mapping with 'version' "
		    "and 'models'");
		goto out;
	}
	ver = yv_get(root, "version");
	if (ver == NULL || ver->type != YV_INT || ver->i != 1) {
		fail(&c, ver ? ver : root, "'version' must be 1");
		goto out;
	}
	models = yv_get(root, "models");
	if (models == NULL || models->type != YV_SEQ) {
		fail(&c, models ? models : root, "'models' must be a list");
		goto out;
	}
	n = models->n;
	all = mr_xcalloc(n ? n : 1, sizeof(*all));
	for (i = 0; i < n; i++) {
		item = models->items[i];
		if (item->type != YV_MAP) {
			fail(&c, item, "a catalog entry must be a mapping");
			break;
		}
		if ((yv_get(item, "route") != NULL &&
		    yv_get(item, "id") == NULL ? parse_reference(&c, item,
		    &all[i]) : parse_model(&c, item, &all[i])) < 0)
			break;
		all[i].origin = mr_xasprintf("%s:%d", name, item->line);
		for (k = 0; k < i; k++)
			if (strcmp(all[k].id, all[i].id) == 0 &&
			    !all[i].reference) {
				fail(&c, yv_get(item, "id"), "id '%s' is "
				    "already used at line %s", all[i].id,
				    strrchr(all[k].origin, ':') + 1);
				break;
			}
		if (k < i)
			break;
	}
	if (i < n) {
		for (k = 0; k <= i && k < n; k++)
			model_clear(&all[k]);
		free(all);
		goto out;
	}
	for (i = 0; i < n; i++)
		put_model(cat, &all[i]);
	free(all);
	mr_strlist_push(&cat->sources, name);
	ydoc_take_warnings(&d, name, &cat->warnings);
	rc = 0;
out:
	ydoc_free(&d);
	return rc;
}

int
mr_catalog_add_file(struct mr_catalog *cat, const char *path,
    struct mr_error *err)
{
	struct mr_buf b = MR_BUF_INIT;
	int rc;

	if (mr_read_file(path, CATALOG_MAX_BYTES, &b) < 0) {
		mr_error_set(err, path, 0, 0, "cannot read the catalog: %s",
		    strerror(errno));
		mr_buf_release(&b);
		return -1;
	}
	rc = mr_catalog_add_mem(cat, b.buf, b.len, path, err);
	mr_buf_release(&b);
	return rc;
}

int
mr_catalog_load(struct mr_catalog *cat, const char *user_path,
    struct mr_error *err)
{
	const struct mr_embedded_file *f = mr_embedded_find(
	    "catalog/models.yaml");
	const char *home;
	char *path = NULL;
	int rc;

	if (f == NULL) {
		mr_error_set(err, "catalog/models.yaml", 0, 0,
		    "the built-in catalog is missing from this build");
		return -1;
	}
	if (mr_catalog_add_mem(cat, f->data, f->len, "(built-in)/models.yaml",
	    err) < 0)
		return -1;
	if (user_path != NULL)
		return mr_catalog_add_file(cat, user_path, err);
	if ((home = getenv("MODEL_ROUTER_HOME")) != NULL && *home)
		path = mr_xasprintf("%s/catalog.yaml", home);
	else
		path = mr_expand_home("~/.model-router/catalog.yaml");
	rc = 0;
	if (path != NULL && access(path, F_OK) == 0)
		rc = mr_catalog_add_file(cat, path, err);
	free(path);
	return rc;
}
