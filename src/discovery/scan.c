/*
 * Model discovery shared parts and the LM Studio scanner
 * (local-servers-hf-hardware.md §1.2): models/<publisher>/<repo>/ holds
 * GGUF files (split shards counting as one model, mmproj- sidecars as a
 * vision projector) or an MLX folder (config.json and .safetensors).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "mr/gguf.h"
#include "mr/modelpaths.h"
#include "mr/scan.h"

#include "scan-int.h"

const char *
mr_model_source_name(enum mr_model_source s)
{
	switch (s) {
	case MR_SRC_LMSTUDIO:
		return "lmstudio";
	case MR_SRC_OLLAMA:
		return "ollama";
	case MR_SRC_HF_CACHE:
		return "huggingface";
	case MR_SRC_LLAMACPP:
		return "llamacpp-cache";
	case MR_SRC_FOLDER:
		return "folder";
	}
	return "?";
}

const char *
mr_model_format_name(enum mr_model_format f)
{
	switch (f) {
	case MR_FMT_GGUF:
		return "gguf";
	case MR_FMT_SAFETENSORS:
		return "safetensors";
	case MR_FMT_MLX:
		return "mlx";
	}
	return "?";
}

void
mr_model_release(struct mr_model *m)
{
	free(m->name);
	mr_strlist_clear(&m->paths);
	memset(m, 0, sizeof(*m));
}

void
mr_model_copy(struct mr_model *dst, const struct mr_model *src)
{
	*dst = *src;
	dst->name = mr_xstrdup(src->name);
	memset(&dst->paths, 0, sizeof(dst->paths));
	mr_strlist_copy(&dst->paths, &src->paths);
}

bool
scan_inodes_add(struct scan_inodes *s, const struct stat *st)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].dev == st->st_dev && s->v[i].ino == st->st_ino)
			return false;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = mr_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n].dev = st->st_dev;
	s->v[s->n++].ino = st->st_ino;
	return true;
}

void
scan_inodes_clear(struct scan_inodes *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void
scan_warn(const struct mr_scan_cb *cb, const char *fmt, const char *a,
    const char *b)
{
	char *msg;

	if (cb->warning == NULL)
		return;
	msg = mr_xasprintf(fmt, a, b);
	cb->warning(cb->ctx, msg);
	free(msg);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
scan_list_dir(const char *path, struct mr_strlist *names,
    const struct mr_scan_cb *cb)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(path)) == NULL) {
		if (errno != ENOENT)
			scan_warn(cb, "%s: cannot read the folder: %s", path,
			    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			mr_strlist_push(names, de->d_name);
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof(*names->v), name_cmp);
	return 0;
}

int
scan_stat(const char *path, struct stat *st, const struct mr_scan_cb *cb)
{
	if (stat(path, st) == 0)
		return 0;
	if (errno == ELOOP)
		scan_warn(cb, "%s: a symbolic link loop%s", path, "");
	else if (errno == ENOENT)
		scan_warn(cb, "%s: does not exist (a broken link?)%s", path,
		    "");
	else
		scan_warn(cb, "%s: %s", path, strerror(errno));
	return -1;
}

bool
scan_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

bool
scan_fill_gguf(struct mr_model *m, const char *path,
    const struct mr_scan_cb *cb)
{
	struct mr_gguf_info in, more;
	struct mr_error err = MR_ERROR_INIT;
	const char *ft;
	size_t i;

	m->format = MR_FMT_GGUF;
	m->tools = -1;
	if (mr_gguf_read_file(path, MR_GGUF_TENSORS, &in, &err) < 0) {
		scan_warn(cb, "%s: %s; not listed", path, err.msg);
		mr_error_clear(&err);
		return false;
	}
	memcpy(m->arch, in.architecture, sizeof(m->arch));
	mr_strlcpy(m->size_label, sizeof(m->size_label), in.size_label);
	m->context_length = in.context_length;
	if ((ft = mr_gguf_file_type_name(in.file_type)) != NULL)
		mr_strlcpy(m->quant, sizeof(m->quant), ft);
	m->tools = in.has_chat_template ? in.template_tools : -1;
	m->params = in.have_params ? in.param_count : 0;
	/* split models: every shard lists its own tensors */
	for (i = 1; i < m->paths.n && m->params > 0; i++) {
		if (mr_gguf_read_file(m->paths.v[i], MR_GGUF_TENSORS, &more,
		    &err) < 0 || !more.have_params) {
			scan_warn(cb, "%s: %s", m->paths.v[i], err.msg != NULL ?
			    err.msg : "no tensor list");
			mr_error_clear(&err);
			m->params = 0;
			break;
		}
		m->params += more.param_count;
	}
	return true;
}

/* HF-style config.json facts: context, architecture, MLX quantization. */
void
scan_fill_config(struct mr_model *m, const char *dir,
    const struct mr_scan_cb *cb)
{
	struct mr_buf b = MR_BUF_INIT;
	char *path = mr_xasprintf("%s/config.json", dir);
	const cJSON *t, *ctx, *mt, *q, *bits;
	cJSON *j;

	if (mr_read_file(path, 4 << 20, &b) < 0) {
		scan_warn(cb, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if ((j = cJSON_ParseWithLength(b.buf, b.len)) == NULL ||
	    !cJSON_IsObject(j)) {
		scan_warn(cb, "%s: not a JSON object%s", path, "");
		cJSON_Delete(j);
		goto out;
	}
	/* multimodal configs nest the language model under text_config */
	t = cJSON_GetObjectItemCaseSensitive(j, "text_config");
	ctx = cJSON_GetObjectItemCaseSensitive(j, "max_position_embeddings");
	if (!cJSON_IsNumber(ctx) && cJSON_IsObject(t))
		ctx = cJSON_GetObjectItemCaseSensitive(t,
		    "max_position_embeddings");
	if (cJSON_IsNumber(ctx) && ctx->valuedouble >= 1 &&
	    ctx->valuedouble < 1e9)
		m->context_length = (uint64_t)ctx->valuedouble;
	mt = cJSON_GetObjectItemCaseSensitive(j, "model_type");
	if (cJSON_IsString(mt))
		mr_strlcpy(m->arch, sizeof(m->arch), mt->valuestring);
	q = cJSON_GetObjectItemCaseSensitive(j, "quantization");
	if (!cJSON_IsObject(q))
		q = cJSON_GetObjectItemCaseSensitive(j, "quantization_config");
	bits = cJSON_IsObject(q) ? cJSON_GetObjectItemCaseSensitive(q,
	    "bits") : NULL;
	if (cJSON_IsNumber(bits) && bits->valueint > 0 && bits->valueint <= 16)
		snprintf(m->quant, sizeof(m->quant), "%dbit", bits->valueint);
	if (cJSON_IsObject(q) && m->format == MR_FMT_SAFETENSORS)
		m->format = MR_FMT_MLX;
	cJSON_Delete(j);
out:
	free(path);
	mr_buf_release(&b);
}

/*
 * One model for each GGUF (or group of shards) in DIR, and one MLX /
 * safetensors model for the folder when it has config.json and weights.
 */
void
scan_model_dir(const char *dir, const char *label,
    enum mr_model_source source, const struct mr_scan_cb *cb)
{
	struct mr_strlist names = MR_STRLIST_INIT;
	struct mr_model m;
	struct stat st;
	char *path, *first;
	size_t i, k, stem, stem2;
	unsigned idx, count, idx2, count2;
	bool projector = false, config = false, used;
	uint64_t all = 0;
	size_t nsafetensors = 0;
	struct scan_inodes seen = { NULL, 0, 0 };

	if (scan_list_dir(dir, &names, cb) < 0)
		return;
	for (i = 0; i < names.n; i++) {
		if (strncasecmp(names.v[i], "mmproj", 6) == 0 &&
		    scan_ends_with(names.v[i], ".gguf"))
			projector = true;
		if (strcmp(names.v[i], "config.json") == 0)
			config = true;
	}
	for (i = 0; i < names.n; i++) {
		path = mr_xasprintf("%s/%s", dir, names.v[i]);
		if (scan_stat(path, &st, cb) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		/* a blob two names link to takes its room once */
		if (scan_inodes_add(&seen, &st))
			all += (uint64_t)st.st_size;
		if (scan_ends_with(names.v[i], ".safetensors"))
			nsafetensors++;
		if (!scan_ends_with(names.v[i], ".gguf") ||
		    strncasecmp(names.v[i], "mmproj", 6) == 0) {
			free(path);
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.source = source;
		m.shards = 1;
		m.size_bytes = (uint64_t)st.st_size;
		m.has_projector = projector;
		if (mr_gguf_shard(names.v[i], &idx, &count, &stem)) {
			/* shards: report the group once, at shard 1 */
			if (idx != 1) {
				free(path);
				continue;
			}
			mr_strlist_push(&m.paths, path);
			for (k = 0; k < names.n; k++) {
				used = k != i && mr_gguf_shard(names.v[k], &idx2,
				    &count2, &stem2) && idx2 > 1 &&
				    count2 == count && stem2 == stem &&
				    strncmp(names.v[k], names.v[i], stem) == 0;
				if (!used)
					continue;
				first = mr_xasprintf("%s/%s", dir, names.v[k]);
				if (scan_stat(first, &st, cb) == 0) {
					m.size_bytes += (uint64_t)st.st_size;
					m.shards++;
				}
				mr_strlist_push_take(&m.paths, first);
			}
			if (m.shards != count)
				scan_warn(cb, "%s: split model is missing "
				    "shards%s", path, "");
			m.name = mr_xasprintf("%s%s%.*s", label,
			    *label ? "/" : "", (int)stem, names.v[i]);
		} else {
			mr_strlist_push(&m.paths, path);
			m.name = mr_xasprintf("%s%s%s", label, *label ? "/" : "",
			    names.v[i]);
		}
		/* a file that is not a readable GGUF is no model to run */
		if (!scan_fill_gguf(&m, path, cb)) {
			mr_model_release(&m);
			free(path);
			continue;
		}
		if (m.quant[0] == '\0')
			mr_gguf_name_quant(names.v[i], m.quant,
			    sizeof(m.quant));
		if (cb->model)
			cb->model(cb->ctx, &m);
		mr_model_release(&m);
		free(path);
	}
	if (config && nsafetensors > 0) {
		memset(&m, 0, sizeof(m));
		m.source = source;
		m.format = MR_FMT_SAFETENSORS;
		m.tools = -1;
		m.shards = (unsigned)nsafetensors;
		m.size_bytes = all;
		m.name = mr_xstrdup(*label ? label : (strrchr(dir, '/') ?
		    strrchr(dir, '/') + 1 : dir));
		mr_strlist_push(&m.paths, dir);
		scan_fill_config(&m, dir, cb);
		if (cb->model)
			cb->model(cb->ctx, &m);
		mr_model_release(&m);
	}
	mr_strlist_clear(&names);
	scan_inodes_clear(&seen);
}

void
mr_scan_lmstudio(const char *models_dir, const struct mr_scan_cb *cb)
{
	struct mr_strlist pubs = MR_STRLIST_INIT, repos = MR_STRLIST_INIT;
	struct stat st;
	char *pub, *repo, *label;
	size_t i, k;

	if (scan_list_dir(models_dir, &pubs, cb) < 0)
		return;
	for (i = 0; i < pubs.n; i++) {
		pub = mr_xasprintf("%s/%s", models_dir, pubs.v[i]);
		if (scan_stat(pub, &st, cb) < 0 || !S_ISDIR(st.st_mode)) {
			/* LM Studio ignores files this shallow */
			free(pub);
			continue;
		}
		mr_strlist_clear(&repos);
		scan_list_dir(pub, &repos, cb);
		for (k = 0; k < repos.n; k++) {
			repo = mr_xasprintf("%s/%s", pub, repos.v[k]);
			if (scan_stat(repo, &st, cb) == 0 &&
			    S_ISDIR(st.st_mode)) {
				label = mr_xasprintf("%s/%s", pubs.v[i],
				    repos.v[k]);
				scan_model_dir(repo, label, MR_SRC_LMSTUDIO, cb);
				free(label);
			}
			free(repo);
		}
		free(pub);
	}
	mr_strlist_clear(&pubs);
	mr_strlist_clear(&repos);
}
