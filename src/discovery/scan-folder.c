/*
 * Plain folders: ~/models, llama.cpp's cache, whatever --model-dir names.
 * A walk down to MR_SCAN_DEPTH levels that hands each folder to the
 * model-folder scanner, Hugging Face repositories (models--org--name) to
 * the cache scanner and Ollama stores (manifests/ and blobs/) to the
 * Ollama scanner.  Each folder is entered once, so links that lead back
 * up the tree cost a warning, not a loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mr/scan.h"

#include "scan-int.h"

struct walk {
	const struct mr_scan_cb	*cb;
	enum mr_model_source	 source;
	struct scan_inodes	 entered;
};

/* Folders a model store keeps for itself, never models of their own. */
static bool
skipped(const char *name)
{
	static const char *const names[] = {
		"blobs", "manifests", "refs", "snapshots", "node_modules",
		"__pycache__",
	};
	size_t i;

	for (i = 0; i < MR_NELEM(names); i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

static bool
has_subdir(const char *dir, const char *name)
{
	struct stat st;
	char *p = mr_xasprintf("%s/%s", dir, name);
	bool yes = stat(p, &st) == 0 && S_ISDIR(st.st_mode);

	free(p);
	return yes;
}

static void
walk(struct walk *w, const char *dir, const char *label, int depth)
{
	struct mr_strlist names = MR_STRLIST_INIT;
	struct stat st;
	char *sub, *sublabel;
	size_t i;

	if (scan_stat(dir, &st, w->cb) < 0 || !S_ISDIR(st.st_mode))
		return;
	if (!scan_inodes_add(&w->entered, &st)) {
		scan_warn(w->cb, "%s: the same folder as one already scanned; "
		    "skipped%s", dir, "");
		return;
	}
	if (has_subdir(dir, "manifests") && has_subdir(dir, "blobs")) {
		mr_scan_ollama(dir, w->cb);
		return;
	}
	scan_model_dir(dir, label, w->source, w->cb);
	if (depth >= MR_SCAN_DEPTH || scan_list_dir(dir, &names, w->cb) < 0)
		goto out;
	for (i = 0; i < names.n; i++) {
		if (skipped(names.v[i]))
			continue;
		sub = mr_xasprintf("%s/%s", dir, names.v[i]);
		/* files were the model scanner's; only folders go on */
		if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode)) {
			free(sub);
			continue;
		}
		if (strncmp(names.v[i], "models--", 8) == 0 &&
		    names.v[i][8] != '\0') {
			if (scan_inodes_add(&w->entered, &st))
				scan_hf_repo(dir, names.v[i], w->cb);
		} else {
			sublabel = mr_xasprintf("%s%s%s", label,
			    *label ? "/" : "", names.v[i]);
			walk(w, sub, sublabel, depth + 1);
			free(sublabel);
		}
		free(sub);
	}
out:
	mr_strlist_clear(&names);
}

void
mr_scan_folder(const char *dir, enum mr_model_source source,
    const struct mr_scan_cb *cb)
{
	struct walk w;

	memset(&w, 0, sizeof(w));
	w.cb = cb;
	w.source = source;
	walk(&w, dir, "", 0);
	scan_inodes_clear(&w.entered);
}
