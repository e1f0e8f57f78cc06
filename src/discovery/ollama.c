/*
 * Ollama manifests and blobs (local-servers-hf-hardware.md §2.1).
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/ollama.h"

#define JSON_MAX (1 << 20)	/* a manifest is a few hundred bytes */

static const char MEDIA_PREFIX[] = "application/vnd.ollama.image.";

bool
mr_ollama_digest_valid(const char *d)
{
	size_t i;

	if (d == NULL || strncmp(d, "sha256:", 7) != 0 ||
	    strlen(d) != MR_DIGEST_LEN)
		return false;
	for (i = 7; i < MR_DIGEST_LEN; i++)
		if (!((d[i] >= '0' && d[i] <= '9') ||
		    (d[i] >= 'a' && d[i] <= 'f')))
			return false;
	return true;
}

bool
mr_ollama_blob_name(const char *digest, char *out, size_t n)
{
	if (!mr_ollama_digest_valid(digest) || n < MR_DIGEST_LEN + 1)
		return false;
	memcpy(out, digest, MR_DIGEST_LEN + 1);
	out[6] = '-';
	return true;
}

void
mr_ollama_display_name(const char *host, const char *ns, const char *model,
    const char *tag, char *out, size_t n)
{
	bool default_host = strcmp(host, "registry.ollama.ai") == 0;

	if (default_host && strcmp(ns, "library") == 0)
		snprintf(out, n, "%s:%s", model, tag);
	else if (default_host)
		snprintf(out, n, "%s/%s:%s", ns, model, tag);
	else
		snprintf(out, n, "%s/%s/%s:%s", host, ns, model, tag);
}

static cJSON *
parse(const char *json, size_t len, const char *what, struct mr_error *err)
{
	cJSON *j;

	if (len > JSON_MAX) {
		mr_error_set(err, NULL, 0, 0, "%s is larger than 1 MiB", what);
		return NULL;
	}
	j = cJSON_ParseWithLength(json, len);
	if (j == NULL || !cJSON_IsObject(j)) {
		mr_error_set(err, NULL, 0, 0, "%s is not a JSON object", what);
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

/* A non-negative integral size, or false. */
static bool
size_of(const cJSON *o, uint64_t *v)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "size");
	double d;

	if (!cJSON_IsNumber(s))
		return false;
	d = s->valuedouble;
	if (!(d >= 0 && d < 1.8e19) || d != (double)(uint64_t)d)
		return false;
	*v = (uint64_t)d;
	return true;
}

static void
add_size(uint64_t *total, uint64_t v)
{
	*total = *total > UINT64_MAX - v ? UINT64_MAX : *total + v;
}

int
mr_ollama_parse_manifest(const char *json, size_t len,
    struct mr_ollama_manifest *m, struct mr_error *err)
{
	const cJSON *cfg, *layers, *l, *media, *digest, *sv;
	cJSON *j;
	const char *kind;
	uint64_t size;

	memset(m, 0, sizeof(*m));
	if ((j = parse(json, len, "manifest", err)) == NULL)
		return -1;
	sv = cJSON_GetObjectItemCaseSensitive(j, "schemaVersion");
	m->schema_version = cJSON_IsNumber(sv) ? sv->valueint : 0;
	cfg = cJSON_GetObjectItemCaseSensitive(j, "config");
	if (cJSON_IsObject(cfg)) {
		digest = cJSON_GetObjectItemCaseSensitive(cfg, "digest");
		if (cJSON_IsString(digest) &&
		    mr_ollama_digest_valid(digest->valuestring))
			mr_strlcpy(m->config_digest, sizeof(m->config_digest),
			    digest->valuestring);
		if (size_of(cfg, &size))
			add_size(&m->total_size, size);
	}
	layers = cJSON_GetObjectItemCaseSensitive(j, "layers");
	if (!cJSON_IsArray(layers)) {
		mr_error_set(err, NULL, 0, 0, "manifest has no layers");
		cJSON_Delete(j);
		return -1;
	}
	cJSON_ArrayForEach(l, layers) {
		if (!cJSON_IsObject(l))
			continue;
		m->nlayers++;
		if (size_of(l, &size))
			add_size(&m->total_size, size);
		else
			size = 0;
		media = cJSON_GetObjectItemCaseSensitive(l, "mediaType");
		digest = cJSON_GetObjectItemCaseSensitive(l, "digest");
		if (!cJSON_IsString(media) || !cJSON_IsString(digest) ||
		    !mr_ollama_digest_valid(digest->valuestring) ||
		    strncmp(media->valuestring, MEDIA_PREFIX,
		    sizeof(MEDIA_PREFIX) - 1) != 0)
			continue;
		kind = media->valuestring + sizeof(MEDIA_PREFIX) - 1;
		if (strcmp(kind, "model") == 0 && !m->has_model) {
			mr_strlcpy(m->model_digest, sizeof(m->model_digest),
			    digest->valuestring);
			m->model_size = size;
			m->has_model = true;
		} else if (strcmp(kind, "projector") == 0 && !m->has_projector) {
			mr_strlcpy(m->projector_digest, sizeof(m->projector_digest),
			    digest->valuestring);
			m->has_projector = true;
		} else if (strcmp(kind, "params") == 0 && !m->has_params) {
			mr_strlcpy(m->params_digest, sizeof(m->params_digest),
			    digest->valuestring);
			m->has_params = true;
		} else if (strcmp(kind, "template") == 0 && !m->has_template) {
			mr_strlcpy(m->template_digest, sizeof(m->template_digest),
			    digest->valuestring);
			m->has_template = true;
		}
	}
	cJSON_Delete(j);
	if (!m->has_model) {
		mr_error_set(err, NULL, 0, 0, "manifest has no model layer");
		return -1;
	}
	return 0;
}

static void
get_str(const cJSON *j, const char *key, char *dst, size_t n)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, key);

	if (cJSON_IsString(s))
		mr_strlcpy(dst, n, s->valuestring);
}

int
mr_ollama_parse_config(const char *json, size_t len,
    struct mr_ollama_config *c, struct mr_error *err)
{
	cJSON *j;

	memset(c, 0, sizeof(*c));
	if ((j = parse(json, len, "model config", err)) == NULL)
		return -1;
	get_str(j, "model_format", c->model_format, sizeof(c->model_format));
	get_str(j, "model_family", c->model_family, sizeof(c->model_family));
	get_str(j, "model_type", c->model_type, sizeof(c->model_type));
	get_str(j, "file_type", c->file_type, sizeof(c->file_type));
	cJSON_Delete(j);
	return 0;
}

int
mr_ollama_parse_params(const char *json, size_t len, uint64_t *num_ctx,
    struct mr_error *err)
{
	const cJSON *n;
	cJSON *j;
	double d;

	*num_ctx = 0;
	if ((j = parse(json, len, "params", err)) == NULL)
		return -1;
	n = cJSON_GetObjectItemCaseSensitive(j, "num_ctx");
	if (cJSON_IsNumber(n)) {
		d = n->valuedouble;
		if (d >= 1 && d < 1e12 && d == (double)(uint64_t)d)
			*num_ctx = (uint64_t)d;
	}
	cJSON_Delete(j);
	return 0;
}
