/*
 * The Hugging Face cache scanner (local-servers-hf-hardware.md §4.2).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mr/scan.h"

#include "scan-int.h"

/* The revision to scan: refs/main when its snapshot exists. */
static char *
pick_revision(const char *repo, const struct mr_strlist *revs,
    const struct mr_scan_cb *cb)
{
	struct mr_buf b = MR_BUF_INIT;
	char *ref = mr_xasprintf("%s/refs/main", repo), *out = NULL;
	size_t i, n;

	if (mr_read_file(ref, 256, &b) == 0) {
		n = b.len;
		while (n > 0 && isspace((unsigned char)b.buf[n - 1]))
			b.buf[--n] = '\0';
		for (i = 0; i < revs->n; i++)
			if (strcmp(revs->v[i], b.buf) == 0)
				out = mr_xstrdup(b.buf);
	}
	if (out == NULL && revs->n > 0) {
		if (revs->n > 1)
			scan_warn(cb, "%s: %s revisions and no usable "
			    "refs/main; scanning the first", repo, "several");
		out = mr_xstrdup(revs->v[0]);
	}
	free(ref);
	mr_buf_release(&b);
	return out;
}

void
scan_hf_repo(const char *cache, const char *folder, const struct mr_scan_cb *cb)
{
	struct mr_strlist revs = MR_STRLIST_INIT, subs = MR_STRLIST_INIT;
	char *repo = mr_xasprintf("%s/%s", cache, folder), *snaps, *rev = NULL;
	char *dir = NULL, *label = NULL, *sub, *sublabel, *sep;
	struct stat st;
	size_t i;

	/* models--<org>--<name>: the repository id is <org>/<name> */
	label = mr_xstrdup(folder + 8);
	if ((sep = strstr(label, "--")) != NULL) {
		*sep = '/';
		memmove(sep + 1, sep + 2, strlen(sep + 2) + 1);
	}
	snaps = mr_xasprintf("%s/snapshots", repo);
	if (scan_list_dir(snaps, &revs, cb) < 0 || revs.n == 0)
		goto out;
	if ((rev = pick_revision(repo, &revs, cb)) == NULL)
		goto out;
	dir = mr_xasprintf("%s/%s", snaps, rev);
	scan_model_dir(dir, label, MR_SRC_HF_CACHE, cb);
	/* GGUF repositories often keep one folder per quantization */
	scan_list_dir(dir, &subs, cb);
	for (i = 0; i < subs.n; i++) {
		sub = mr_xasprintf("%s/%s", dir, subs.v[i]);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			sublabel = mr_xasprintf("%s/%s", label, subs.v[i]);
			scan_model_dir(sub, sublabel, MR_SRC_HF_CACHE, cb);
			free(sublabel);
		}
		free(sub);
	}
out:
	mr_strlist_clear(&revs);
	mr_strlist_clear(&subs);
	free(repo);
	free(snaps);
	free(rev);
	free(dir);
	free(label);
}

void
mr_scan_hf_cache(const char *cache_dir, const struct mr_scan_cb *cb)
{
	struct mr_strlist repos = MR_STRLIST_INIT;
	size_t i;

	if (scan_list_dir(cache_dir, &repos, cb) < 0)
		return;
	for (i = 0; i < repos.n; i++)
		if (strncmp(repos.v[i], "models--", 8) == 0 &&
		    repos.v[i][8] != '\0')
			scan_hf_repo(cache_dir, repos.v[i], cb);
	mr_strlist_clear(&repos);
}
