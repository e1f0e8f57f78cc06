/*
 * The Ollama store scanner (local-servers-hf-hardware.md §2.1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mr/ollama.h"
#include "mr/scan.h"

#include "scan-int.h"

#define MANIFEST_MAX (1 << 20)

/* Reads blob DIGEST of the store into B; false when it cannot. */
static bool
read_blob(const char *models, const char *digest, struct mr_buf *b)
{
	char name[80], *path;
	bool ok;

	if (!mr_ollama_blob_name(digest, name, sizeof(name)))
		return false;
	path = mr_xasprintf("%s/blobs/%s", models, name);
	mr_buf_reset(b);
	ok = mr_read_file(path, MANIFEST_MAX, b) == 0;
	free(path);
	return ok;
}

static void
one_manifest(const char *models, const char *file, const char *host,
    const char *ns, const char *model, const char *tag,
    const struct mr_scan_cb *cb)
{
	struct mr_buf b = MR_BUF_INIT;
	struct mr_ollama_manifest man;
	struct mr_ollama_config cfg;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_model m;
	struct stat st;
	char blob[80], name[512], *path = NULL;
	uint64_t num_ctx;

	if (mr_read_file(file, MANIFEST_MAX, &b) < 0) {
		scan_warn(cb, "%s: cannot read: %s", file, strerror(errno));
		goto out;
	}
	if (mr_ollama_parse_manifest(b.buf, b.len, &man, &err) < 0) {
		scan_warn(cb, "%s: %s", file, err.msg);
		goto out;
	}
	mr_ollama_blob_name(man.model_digest, blob, sizeof(blob));
	path = mr_xasprintf("%s/blobs/%s", models, blob);
	if (scan_stat(path, &st, cb) < 0)
		goto out;
	memset(&m, 0, sizeof(m));
	mr_ollama_display_name(host, ns, model, tag, name, sizeof(name));
	m.name = mr_xstrdup(name);
	m.source = MR_SRC_OLLAMA;
	m.shards = 1;
	m.size_bytes = man.total_size ? man.total_size : (uint64_t)st.st_size;
	m.has_projector = man.has_projector;
	mr_strlist_push(&m.paths, path);
	if (!scan_fill_gguf(&m, path, cb)) {
		mr_model_release(&m);
		goto out;
	}
	if (man.has_params && read_blob(models, man.params_digest, &b) &&
	    mr_ollama_parse_params(b.buf, b.len, &num_ctx, NULL) == 0)
		m.configured_context = num_ctx;
	if (man.config_digest[0] && read_blob(models, man.config_digest, &b) &&
	    mr_ollama_parse_config(b.buf, b.len, &cfg, NULL) == 0) {
		if (m.quant[0] == '\0')
			mr_strlcpy(m.quant, sizeof(m.quant), cfg.file_type);
		if (m.size_label[0] == '\0')
			mr_strlcpy(m.size_label, sizeof(m.size_label), cfg.model_type);
	}
	if (cb->model)
		cb->model(cb->ctx, &m);
	mr_model_release(&m);
out:
	mr_error_clear(&err);
	mr_buf_release(&b);
	free(path);
}

void
mr_scan_ollama(const char *models_dir, const struct mr_scan_cb *cb)
{
	struct mr_strlist hosts = MR_STRLIST_INIT, nss = MR_STRLIST_INIT;
	struct mr_strlist mods = MR_STRLIST_INIT, tags = MR_STRLIST_INIT;
	char *base = mr_xasprintf("%s/manifests", models_dir), *p;
	size_t h, n, m, t;
	struct stat st;

	scan_list_dir(base, &hosts, cb);
	for (h = 0; h < hosts.n; h++) {
		p = mr_xasprintf("%s/%s", base, hosts.v[h]);
		mr_strlist_clear(&nss);
		scan_list_dir(p, &nss, cb);
		free(p);
		for (n = 0; n < nss.n; n++) {
			p = mr_xasprintf("%s/%s/%s", base, hosts.v[h], nss.v[n]);
			mr_strlist_clear(&mods);
			scan_list_dir(p, &mods, cb);
			free(p);
			for (m = 0; m < mods.n; m++) {
				p = mr_xasprintf("%s/%s/%s/%s", base,
				    hosts.v[h], nss.v[n], mods.v[m]);
				mr_strlist_clear(&tags);
				scan_list_dir(p, &tags, cb);
				free(p);
				for (t = 0; t < tags.n; t++) {
					p = mr_xasprintf("%s/%s/%s/%s/%s", base,
					    hosts.v[h], nss.v[n], mods.v[m],
					    tags.v[t]);
					if (scan_stat(p, &st, cb) == 0 &&
					    S_ISREG(st.st_mode))
						one_manifest(models_dir, p,
						    hosts.v[h], nss.v[n],
						    mods.v[m], tags.v[t], cb);
					free(p);
				}
			}
		}
	}
	mr_strlist_clear(&hosts);
	mr_strlist_clear(&nss);
	mr_strlist_clear(&mods);
	mr_strlist_clear(&tags);
	free(base);
}
