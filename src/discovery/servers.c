/*
 * Parsers for local model servers' answers (local-servers-hf-hardware.md
 * §1.3 LM Studio, §2.2 Ollama, §3.1 llama.cpp, §3.2 vLLM).
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/servers.h"
#include "mr/util.h"

#define BODY_MAX (8 << 20)

const char *
mr_server_kind_name(enum mr_server_kind k)
{
	switch (k) {
	case MR_SRV_LMSTUDIO:
		return "lmstudio";
	case MR_SRV_OLLAMA:
		return "ollama";
	case MR_SRV_LLAMACPP:
		return "llamacpp";
	case MR_SRV_VLLM:
		return "vllm";
	case MR_SRV_OPENAI:
		return "openai-compatible";
	case MR_SRV_UNKNOWN:
		break;
	}
	return "unknown";
}

static cJSON *
parse(const char *body, size_t len)
{
	if (body == NULL || len > BODY_MAX)
		return NULL;
	return cJSON_ParseWithLength(body, len);
}

static const cJSON *
get(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) :
	    NULL;
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *s = get(o, key);

	return cJSON_IsString(s) ? s->valuestring : NULL;
}

/* A positive integral number below 2^53, else 0. */
static uint64_t
num(const cJSON *o, const char *key)
{
	const cJSON *n = get(o, key);
	double d;

	if (!cJSON_IsNumber(n))
		return 0;
	d = n->valuedouble;
	if (!(d >= 1 && d < 9007199254740992.0) || d != (double)(uint64_t)d)
		return 0;
	return (uint64_t)d;
}

static struct mr_served_model *
add(struct mr_server_info *out, const char *id)
{
	struct mr_served_model *m;

	if (out->nmodels == MR_MAX_SERVED)
		return NULL;
	m = &out->models[out->nmodels++];
	memset(m, 0, sizeof(*m));
	m->tools = -1;
	mr_strlcpy(m->id, sizeof(m->id), id);
	return m;
}

/* LM Studio REST v0: {"object":"list","data":[{id, type, state, ...}]} */
int
mr_parse_lmstudio_v0_models(const char *body, size_t len,
    struct mr_server_info *out)
{
	cJSON *j = parse(body, len);
	const cJSON *data, *e, *caps, *c;
	const char *id, *state, *q;
	struct mr_served_model *m;
	int rc = -1;

	data = get(j, "data");
	if (!cJSON_IsArray(data) || !str(j, "object"))
		goto out;
	cJSON_ArrayForEach(e, data) {
		/* the v0 shape: a state and a compatibility type */
		if ((id = str(e, "id")) == NULL ||
		    (state = str(e, "state")) == NULL ||
		    str(e, "compatibility_type") == NULL)
			goto out;
		if ((m = add(out, id)) == NULL)
			break;
		m->loaded = strcmp(state, "loaded") == 0;
		m->loading = strcmp(state, "loading") == 0;
		m->max_context = num(e, "max_context_length");
		if (m->loaded)
			m->loaded_context = num(e, "loaded_context_length");
		if ((q = str(e, "quantization")) != NULL)
			mr_strlcpy(m->quant, sizeof(m->quant), q);
		caps = get(e, "capabilities");
		if (cJSON_IsArray(caps)) {
			m->tools = 0;
			cJSON_ArrayForEach(c, caps)
				if (cJSON_IsString(c) &&
				    strcmp(c->valuestring, "tool_use") == 0)
					m->tools = 1;
		}
	}
	out->kind = MR_SRV_LMSTUDIO;
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

/* LM Studio native v1: {"models":[{key, loaded_instances[], ...}]} */
int
mr_parse_lmstudio_v1_models(const char *body, size_t len,
    struct mr_server_info *out)
{
	cJSON *j = parse(body, len);
	const cJSON *models, *e, *inst, *i, *cfg, *caps, *q, *t;
	const char *key;
	struct mr_served_model *m;
	uint64_t ctx;
	int rc = -1;

	models = get(j, "models");
	if (!cJSON_IsArray(models))
		goto out;
	cJSON_ArrayForEach(e, models) {
		if ((key = str(e, "key")) == NULL ||
		    !cJSON_IsArray(inst = get(e, "loaded_instances")))
			goto out;
		if ((m = add(out, key)) == NULL)
			break;
		m->max_context = num(e, "max_context_length");
		cJSON_ArrayForEach(i, inst) {
			cfg = get(i, "config");
			m->loaded = true;
			/* the smallest loaded instance is what a client gets */
			ctx = num(cfg, "context_length");
			if (ctx && (m->loaded_context == 0 ||
			    ctx < m->loaded_context))
				m->loaded_context = ctx;
		}
		q = get(e, "quantization");
		if (str(q, "name"))
			mr_strlcpy(m->quant, sizeof(m->quant), str(q, "name"));
		caps = get(e, "capabilities");
		t = get(caps, "trained_for_tool_use");
		if (cJSON_IsBool(t))
			m->tools = cJSON_IsTrue(t);
	}
	out->kind = MR_SRV_LMSTUDIO;
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

/* Ollama: {"models":[{name, model, size, size_vram, context_length}]} */
int
mr_parse_ollama_ps(const char *body, size_t len, struct mr_server_info *out)
{
	cJSON *j = parse(body, len);
	const cJSON *models, *e;
	const char *name;
	struct mr_served_model *m;
	int rc = -1;

	models = get(j, "models");
	if (!cJSON_IsArray(models))
		goto out;
	cJSON_ArrayForEach(e, models) {
		if ((name = str(e, "name")) == NULL || str(e, "model") == NULL)
			goto out;
		if ((m = add(out, name)) == NULL)
			break;
		m->loaded = true;
		m->loaded_context = num(e, "context_length");
		if (str(get(e, "details"), "quantization_level"))
			mr_strlcpy(m->quant, sizeof(m->quant),
			    str(get(e, "details"), "quantization_level"));
	}
	out->kind = MR_SRV_OLLAMA;
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

/* The entry for ID, added when missing (NULL when OUT is full). */
static struct mr_served_model *
find_or_add(struct mr_server_info *out, const char *id)
{
	size_t i;

	for (i = 0; i < out->nmodels; i++)
		if (strcmp(out->models[i].id, id) == 0)
			return &out->models[i];
	return add(out, id);
}

/*
 * Ollama: {"models":[{name, model, details:{quantization_level}}]}, every
 * installed model; merged into what /api/ps said was loaded.
 */
int
mr_parse_ollama_tags(const char *body, size_t len, struct mr_server_info *out)
{
	cJSON *j = parse(body, len);
	const cJSON *models, *e;
	const char *name, *q;
	struct mr_served_model *m;
	int rc = -1;

	models = get(j, "models");
	if (!cJSON_IsArray(models))
		goto out;
	cJSON_ArrayForEach(e, models) {
		if ((name = str(e, "name")) == NULL || str(e, "model") == NULL)
			goto out;
		if ((m = find_or_add(out, name)) == NULL)
			break;
		q = str(get(e, "details"), "quantization_level");
		if (q != NULL && m->quant[0] == '\0')
			mr_strlcpy(m->quant, sizeof(m->quant), q);
	}
	out->kind = MR_SRV_OLLAMA;
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

/*
 * Ollama POST /api/show for one model: the trained context is
 * model_info["<general.architecture>.context_length"]; "tools" among the
 * capabilities says the template handles tool calls.
 */
int
mr_parse_ollama_show(const char *body, size_t len, struct mr_served_model *m)
{
	cJSON *j = parse(body, len);
	const cJSON *info, *caps, *c;
	const char *arch;
	char key[128];
	int rc = -1;

	info = get(j, "model_info");
	caps = get(j, "capabilities");
	if (!cJSON_IsObject(info) && !cJSON_IsArray(caps))
		goto out;
	if ((arch = str(info, "general.architecture")) != NULL &&
	    (size_t)snprintf(key, sizeof(key), "%s.context_length", arch) <
	    sizeof(key))
		m->max_context = num(info, key);
	if (cJSON_IsArray(caps)) {
		m->tools = 0;
		cJSON_ArrayForEach(c, caps)
			if (cJSON_IsString(c) &&
			    strcmp(c->valuestring, "tools") == 0)
				m->tools = 1;
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

int
mr_parse_ollama_version(const char *body, size_t len,
    struct mr_server_info *out)
{
	cJSON *j = parse(body, len);
	const char *v = str(j, "version");
	int rc = -1;

	/* exactly {"version": "..."}: not LM Studio's error body */
	if (v != NULL && cJSON_GetArraySize(j) == 1) {
		mr_strlcpy(out->version, sizeof(out->version), v);
		out->kind = MR_SRV_OLLAMA;
		rc = 0;
	}
	cJSON_Delete(j);
	return rc;
}

/* llama.cpp: {default_generation_settings:{n_ctx}, model_path, ...} */
int
mr_parse_llamacpp_props(const char *body, size_t len,
    struct mr_server_info *out)
{
	cJSON *j = parse(body, len);
	const cJSON *dgs = get(j, "default_generation_settings"), *caps, *t;
	const char *path = str(j, "model_path"), *base;
	struct mr_served_model *m;
	int rc = -1;

	if (!cJSON_IsObject(dgs) || path == NULL)
		goto out;
	base = strrchr(path, '/');
	if ((m = add(out, base ? base + 1 : path)) != NULL) {
		m->loaded = true;
		m->loaded_context = num(dgs, "n_ctx");
		caps = get(j, "chat_template_caps");
		t = get(caps, "supports_tool_calls");
		if (cJSON_IsBool(t))
			m->tools = cJSON_IsTrue(t);
		else if (str(j, "chat_template"))
			m->tools = strstr(str(j, "chat_template"), "tool") !=
			    NULL;
	}
	if (str(get(j, "build_info"), "version") != NULL)
		mr_strlcpy(out->version, sizeof(out->version),
		    str(get(j, "build_info"), "version"));
	else if (str(j, "build_info") != NULL)
		mr_strlcpy(out->version, sizeof(out->version), str(j, "build_info"));
	out->kind = MR_SRV_LLAMACPP;
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

int
mr_parse_openai_models(const char *body, size_t len,
    struct mr_server_info *out)
{
	cJSON *j = parse(body, len);
	const cJSON *data, *e;
	const char *id, *owner;
	struct mr_served_model *m;
	enum mr_server_kind kind = MR_SRV_OPENAI;
	int rc = -1;

	data = get(j, "data");
	if (!cJSON_IsArray(data))
		goto out;
	cJSON_ArrayForEach(e, data) {
		if ((id = str(e, "id")) == NULL)
			goto out;
		owner = str(e, "owned_by");
		if ((m = add(out, id)) == NULL)
			break;
		if (owner && strcmp(owner, "vllm") == 0) {
			kind = MR_SRV_VLLM;
			/* vLLM serves exactly max_model_len */
			m->loaded = true;
			m->loaded_context = m->max_context =
			    num(e, "max_model_len");
		} else if (owner && strcmp(owner, "llamacpp") == 0) {
			kind = MR_SRV_LLAMACPP;
			m->loaded = true;
			m->max_context = num(get(e, "meta"), "n_ctx_train");
		}
	}
	out->kind = kind;
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

const char *
mr_server_context_fix(enum mr_server_kind k, const char *id, char *buf,
    size_t n)
{
	switch (k) {
	case MR_SRV_LMSTUDIO:
		snprintf(buf, n, "lms load %s --context-length 65536", id);
		break;
	case MR_SRV_OLLAMA:
		snprintf(buf, n, "OLLAMA_CONTEXT_LENGTH=65536 ollama serve");
		break;
	case MR_SRV_LLAMACPP:
		snprintf(buf, n, "restart llama-server with -c 65536 (shared by "
		    "its --parallel slots)");
		break;
	case MR_SRV_VLLM:
		snprintf(buf, n, "restart vLLM with --max-model-len 65536");
		break;
	case MR_SRV_OPENAI:
	case MR_SRV_UNKNOWN:
		snprintf(buf, n, "load %s with a context of 65536 or more", id);
		break;
	}
	return buf;
}
