/*
 * Presets, and choosing real models for their backends from discovery.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mr/embedded.h"
#include "mr/setup.h"

const struct mr_preset mr_presets[] = {
	{ "lmstudio", "LM Studio", MR_SRV_LMSTUDIO, 1234 },
	{ "ollama", "Ollama", MR_SRV_OLLAMA, 11434 },
	{ "llamacpp", "llama.cpp server", MR_SRV_LLAMACPP, 0 },
	{ "vllm", "vLLM", MR_SRV_VLLM, 8000 },
	{ "mlx-lm", "MLX-LM server", MR_SRV_OPENAI, 0 },
	{ "localai", "LocalAI", MR_SRV_OPENAI, 8080 },
	{ "hosted-openai-compatible", "hosted OpenAI-compatible API",
	    MR_SRV_UNKNOWN, 0 },
};
const size_t mr_npresets = MR_NELEM(mr_presets);

static const char *const role_names[MR_BR_COUNT] = {
	"fast", "balanced", "reasoning", "code"
};

const char *
mr_backend_role_name(enum mr_backend_role r)
{
	return r < MR_BR_COUNT ? role_names[r] : "?";
}

const struct mr_preset *
mr_preset_find(const char *name)
{
	size_t i;

	for (i = 0; i < mr_npresets; i++)
		if (strcmp(mr_presets[i].name, name) == 0)
			return &mr_presets[i];
	return NULL;
}

const char *
mr_preset_text(const struct mr_preset *p, size_t *len)
{
	char path[96];
	const struct mr_embedded_file *f;

	snprintf(path, sizeof(path), "presets/%s.yaml", p->name);
	if ((f = mr_embedded_find(path)) == NULL)
		return NULL;
	*len = f->len;
	return f->data;
}

/* ---- what a served model is ------------------------------------------- */

struct cand {
	const char	*id;
	const char	*base;		/* the server's URL */
	bool		 loaded;
	uint64_t	 loaded_ctx;
	int		 tools;		/* 1, 0, -1 */
	double		 size_b;	/* parameters, 0 unknown */
	int		 quality;
	unsigned	 roles;		/* catalog roles, 0 unknown */
	bool		 thinking;
	const struct mr_server_result *srv;
};

/* "qwen3-8b", "llama3.2:3b", "Qwen3-30B-A3B": the first NNb in the id. */
static double
size_from_id(const char *id)
{
	const char *p;
	char *end;
	double v;

	for (p = id; *p; p++) {
		if (!isdigit((unsigned char)*p) || (p > id &&
		    (isalnum((unsigned char)p[-1]) && p[-1] != 'b' &&
		    p[-1] != 'B' && !isdigit((unsigned char)p[-1]) &&
		    p[-1] != '-')))
			continue;
		v = strtod(p, &end);
		if ((*end == 'b' || *end == 'B') &&
		    !isalnum((unsigned char)end[1]) && v > 0 && v < 2000)
			return v;
		p = end - 1 > p ? end - 1 : p;
	}
	return 0;
}

static bool
has_word(const char *id, const char *w)
{
	const char *p;
	size_t n = strlen(w);

	for (p = id; *p; p++)
		if (strncasecmp(p, w, n) == 0)
			return true;
	return false;
}

/* The catalog entry SERVED names, when one does. */
static const struct mr_cat_model *
catalog_match(const struct mr_catalog *cat, const char *served)
{
	const char *b = strrchr(served, '/') ? strrchr(served, '/') + 1 :
	    served;
	size_t i, k, n;

	for (i = 0; cat != NULL && i < cat->n; i++) {
		const struct mr_cat_model *m = &cat->models[i];

		if (mr_strlist_has(&m->ollama, served))
			return m;
		n = strlen(m->id);
		if (strncasecmp(b, m->id, n) == 0 && (b[n] == '\0' ||
		    b[n] == '@' || b[n] == ':' || b[n] == '-'))
			return m;
		for (k = 0; k < m->nfiles; k++)
			if (m->files[k].file != NULL &&
			    strcasecmp(b, m->files[k].file) == 0)
				return m;
	}
	return NULL;
}

static void
fill(struct cand *c, const struct mr_catalog *cat)
{
	const struct mr_cat_model *m = catalog_match(cat, c->id);

	c->size_b = size_from_id(c->id);
	c->thinking = has_word(c->id, "think") || has_word(c->id, "-r1") ||
	    has_word(c->id, "reason") || has_word(c->id, "qwq") ||
	    has_word(c->id, "magistral");
	if (m != NULL) {
		if (m->params_b > 0)
			c->size_b = m->params_b;
		c->quality = m->quality;
		c->roles = m->roles;
		if (c->tools < 0)
			c->tools = m->tools;
		c->thinking = c->thinking || m->thinking == 1;
	}
	if (c->quality == 0)	/* unknown: by size, as the catalog rates */
		c->quality = c->size_b <= 0 ? 40 : c->size_b < 2 ? 20 :
		    c->size_b < 5 ? 36 : c->size_b < 10 ? 48 : c->size_b < 16 ?
		    58 : c->size_b < 40 ? 66 : 76;
}

static bool
is_code(const struct cand *c)
{
	return has_word(c->id, "coder") || has_word(c->id, "code") ||
	    has_word(c->id, "devstral") || (c->roles &
	    (1u << MR_ROLE_CODE) && !(c->roles & (1u << MR_ROLE_BALANCED)));
}

/* How well C suits ROLE; < -1000 unusable. */
static double
suit(const struct cand *c, enum mr_backend_role r)
{
	double s = c->quality, size = c->size_b > 0 ? c->size_b : 7;

	if (has_word(c->id, "embed") || has_word(c->id, "rerank"))
		return -1e9;	/* not a chat model */
	if (r != MR_BR_FAST && c->tools == 0)
		return -1e9;	/* Hermes calls tools on these */
	switch (r) {
	case MR_BR_FAST:
		s = 100 - 4 * size + (c->roles & (1u << MR_ROLE_FAST) ? 10 : 0);
		break;
	case MR_BR_BALANCED:
		s += is_code(c) ? -15 : 0;
		s -= c->thinking ? 3 : 0;
		break;
	case MR_BR_REASONING:
		s += c->thinking ? 10 : 0;
		s += is_code(c) ? -15 : 0;
		break;
	case MR_BR_CODE:
		s += is_code(c) ? 25 : 0;
		break;
	case MR_BR_COUNT:
		break;
	}
	if (c->loaded)
		s += 5;	/* already in memory: no load on the first request */
	if (c->loaded && c->loaded_ctx > 0 && c->loaded_ctx < 65536 &&
	    r != MR_BR_FAST)
		s -= 8;
	return s;
}

void
mr_assign_models(const struct mr_preset *p, const struct mr_discovery *d,
    const struct mr_catalog *cat, struct mr_assignment *a)
{
	struct cand *cs = NULL, *c;
	char fix[320];
	size_t i, k, n = 0, best;
	double s, bs;
	int r;

	memset(a, 0, sizeof(*a));
	for (i = 0; d != NULL && i < d->nservers; i++) {
		const struct mr_server_result *sr = &d->servers[i];

		if (sr->info.kind != p->kind || p->kind == MR_SRV_UNKNOWN)
			continue;
		for (k = 0; k < sr->info.nmodels; k++) {
			cs = mr_xrealloc(cs, (n + 1) * sizeof(*cs));
			c = &cs[n++];
			memset(c, 0, sizeof(*c));
			c->id = sr->info.models[k].id;
			c->base = sr->base;
			c->srv = sr;
			c->loaded = sr->info.models[k].loaded;
			c->loaded_ctx = sr->info.models[k].loaded_context;
			c->tools = sr->info.models[k].tools;
			fill(c, cat);
		}
	}
	/* no server running: Ollama's store answers by name once started */
	if (n == 0 && p->kind == MR_SRV_OLLAMA && d != NULL)
		for (i = 0; i < d->nmodels; i++) {
			if (d->models[i].source != MR_SRC_OLLAMA)
				continue;
			cs = mr_xrealloc(cs, (n + 1) * sizeof(*cs));
			c = &cs[n++];
			memset(c, 0, sizeof(*c));
			c->id = d->models[i].name;
			c->tools = d->models[i].tools;
			fill(c, cat);
		}
	if (n == 0) {
		mr_strlist_push_take(&a->warnings, mr_xasprintf("no %s model "
		    "was found running or installed: the backends keep "
		    "placeholder model ids; replace them before starting the "
		    "proxy", p->title));
		free(cs);
		return;
	}
	for (r = 0; r < MR_BR_COUNT; r++) {
		bs = -1e18;
		best = n;
		for (i = 0; i < n; i++)
			if ((s = suit(&cs[i], (enum mr_backend_role)r)) > bs &&
			    s > -1e8) {
				bs = s;
				best = i;
			}
		if (best == n) {
			mr_strlist_push_take(&a->warnings, mr_xasprintf("%s: no "
			    "%s model can call tools, which Hermes Agent needs; "
			    "the placeholder stays", role_names[r], p->title));
			continue;
		}
		c = &cs[best];
		a->found[r] = true;
		mr_strlcpy(a->model[r], sizeof(a->model[r]), c->id);
		/* the server it was found on, wherever that listens */
		if (c->base != NULL)
			snprintf(a->base_url[r], sizeof(a->base_url[r]),
			    "%s/v1", c->base);
		if (c->size_b > 0)
			mr_strlist_push_take(&a->notes, mr_xasprintf("%s: %s "
			    "(%s, %.3gB parameters)", role_names[r], c->id,
			    c->loaded ? "loaded" : "available", c->size_b));
		else
			mr_strlist_push_take(&a->notes, mr_xasprintf("%s: %s "
			    "(%s)", role_names[r], c->id, c->loaded ? "loaded" :
			    "available"));
		if (c->loaded && c->loaded_ctx > 0 && c->loaded_ctx < 65536 &&
		    r != MR_BR_FAST)
			mr_strlist_push_take(&a->warnings, mr_xasprintf("%s: %s "
			    "is loaded with a %llu-token context and Hermes "
			    "Agent needs 65536: %s", role_names[r], c->id,
			    (unsigned long long)c->loaded_ctx,
			    mr_server_context_fix(p->kind, c->id, fix,
			    sizeof(fix))));
		if (r != MR_BR_FAST && c->tools < 0)
			mr_strlist_push_take(&a->warnings, mr_xasprintf("%s: "
			    "whether %s calls tools is not known; Hermes Agent "
			    "needs it", role_names[r], c->id));
	}
	free(cs);
}

void
mr_assignment_release(struct mr_assignment *a)
{
	mr_strlist_clear(&a->notes);
	mr_strlist_clear(&a->warnings);
}

const struct mr_preset *
mr_preset_detect(const struct mr_discovery *d, char *why, size_t n)
{
	static const enum mr_server_kind order[] = { MR_SRV_OLLAMA,
		MR_SRV_LMSTUDIO, MR_SRV_LLAMACPP, MR_SRV_VLLM };
	static const char *const names[] = { "ollama", "lmstudio", "llamacpp",
		"vllm" };
	size_t i, k;

	for (k = 0; k < MR_NELEM(order); k++)
		for (i = 0; d != NULL && i < d->nservers; i++)
			if (d->servers[i].info.kind == order[k]) {
				snprintf(why, n, "%s is running at %s",
				    mr_preset_find(names[k])->title,
				    d->servers[i].base);
				return mr_preset_find(names[k]);
			}
	for (i = 0; d != NULL && i < d->nmodels; i++)
		if (d->models[i].source == MR_SRC_OLLAMA) {
			snprintf(why, n, "Ollama models are installed (%s)",
			    d->models[i].name);
			return mr_preset_find("ollama");
		}
	for (i = 0; d != NULL && i < d->nmodels; i++)
		if (d->models[i].source == MR_SRC_LMSTUDIO) {
			snprintf(why, n, "LM Studio models are installed (%s)",
			    d->models[i].name);
			return mr_preset_find("lmstudio");
		}
	snprintf(why, n, "no model server or store was found");
	return NULL;
}
