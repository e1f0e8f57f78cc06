/*
 * Backup archives with libarchive: a gzip-compressed pax tar holding
 * MANIFEST.json (format, time, reason, and for each file its original
 * path, mode and member name) and the files as files/0, files/1, ...
 * Member names never come from user paths, so restoring never writes
 * where the manifest does not say.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mr/archive-dl.h"
#include "mr/backup.h"
#include "mr/fileio.h"

#define FORMAT "model-router-backup/1"
#define MAX_MEMBER (64 << 20)

/* What libarchive says went wrong with A (it may say nothing). */
static const char *
ar_error(struct archive *a)
{
	const char *s = mr_ar.error_string(a);

	return s != NULL ? s : "unknown error";
}

char *
mr_backup_dir(void)
{
	const char *h = getenv("MODEL_ROUTER_HOME");

	if (h != NULL && *h)
		return mr_xasprintf("%s/backups", h);
	return mr_expand_home("~/.model-router/backups");
}

static bool
valid_id(const char *id)
{
	size_t i, n = strlen(id);

	if (n < 16 || n > 24)
		return false;
	for (i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || id[i] == 'T' ||
		    id[i] == 'Z' || id[i] == '-'))
			return false;
	return true;
}

static int
add_member(struct archive *a, const char *name, const void *data,
    size_t len, mode_t mode, time_t mtime)
{
	struct archive_entry *e = mr_ar.entry_new();
	int rc;

	mr_ar.entry_set_pathname(e, name);
	mr_ar.entry_set_size(e, (la_int64_t)len);
	mr_ar.entry_set_filetype(e, AE_IFREG);
	mr_ar.entry_set_perm(e, mode & 07777);
	mr_ar.entry_set_mtime(e, mtime, 0);
	rc = mr_ar.write_header(a, e) == ARCHIVE_OK &&
	    (len == 0 || mr_ar.write_data(a, data, len) == (la_ssize_t)len) ?
	    0 : -1;
	mr_ar.entry_free(e);
	return rc;
}

int
mr_backup_create(const char *dir, const char *const *paths, size_t n,
    const char *reason, char **id, struct mr_error *err)
{
	struct mr_buf *data = mr_xcalloc(n ? n : 1, sizeof(*data));
	struct stat *st = mr_xcalloc(n ? n : 1, sizeof(*st));
	bool *have = mr_xcalloc(n ? n : 1, sizeof(*have));
	char stamp[32], iso[32], member[32], *path = NULL, *tmp = NULL;
	char *manifest = NULL, *abs;
	struct archive *a = NULL;
	cJSON *m, *files, *f;
	size_t i, k, count = 0;
	time_t now = time(NULL);
	struct tm tm;
	int fd, rc = -1;

	*id = NULL;
	for (i = 0; i < n; i++) {
		mr_buf_init(&data[i]);
		if (stat(paths[i], &st[i]) != 0 || !S_ISREG(st[i].st_mode))
			continue;
		if (mr_read_file(paths[i], MAX_MEMBER, &data[i]) < 0) {
			mr_error_set(err, paths[i], 0, 0, "cannot read it to "
			    "back it up: %s", strerror(errno));
			goto out;
		}
		have[i] = true;
		count++;
	}
	if (count == 0) {
		rc = 0;
		goto out;
	}
	/* before anything is made: no empty backup left behind */
	if (mr_archive_load("a backup", err) < 0)
		goto out;
	if (mr_mkdirs(dir, 0700, err) < 0)
		goto out;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* a second backup within the same second gets -2, -3, ... */
	for (k = 1; k < 1000; k++) {
		free(path);
		*id = k == 1 ? mr_xstrdup(stamp) : mr_xasprintf("%s-%zu",
		    stamp, k);
		path = mr_xasprintf("%s/%s.tar.gz", dir, *id);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0)
			break;
		free(*id);
		*id = NULL;
		if (errno != EEXIST) {
			mr_error_set(err, path, 0, 0, "cannot create the "
			    "backup: %s", strerror(errno));
			goto out;
		}
	}
	if (*id == NULL) {
		mr_error_set(err, dir, 0, 0, "too many backups this second");
		goto out;
	}
	close(fd);

	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "format", FORMAT);
	cJSON_AddStringToObject(m, "created", iso);
	cJSON_AddStringToObject(m, "reason", reason ? reason : "");
	files = cJSON_AddArrayToObject(m, "files");
	for (i = 0, k = 0; i < n; i++) {
		if (!have[i])
			continue;
		f = cJSON_CreateObject();
		abs = realpath(paths[i], NULL);
		cJSON_AddStringToObject(f, "path", abs ? abs : paths[i]);
		free(abs);
		cJSON_AddNumberToObject(f, "mode", st[i].st_mode & 07777);
		snprintf(member, sizeof(member), "files/%zu", k++);
		cJSON_AddStringToObject(f, "member", member);
		cJSON_AddItemToArray(files, f);
	}
	manifest = cJSON_Print(m);
	cJSON_Delete(m);

	/* written beside, then renamed over the reserved name */
	tmp = mr_xasprintf("%s.part", path);
	a = mr_ar.write_new();
	mr_ar.write_add_filter_gzip(a);
	mr_ar.write_set_format_pax_restricted(a);
	if (mr_ar.write_open_filename(a, tmp) != ARCHIVE_OK)
		goto aerr;
	chmod(tmp, 0600);
	if (add_member(a, "MANIFEST.json", manifest, strlen(manifest), 0600,
	    now) < 0)
		goto aerr;
	for (i = 0, k = 0; i < n; i++) {
		if (!have[i])
			continue;
		snprintf(member, sizeof(member), "files/%zu", k++);
		if (add_member(a, member, data[i].buf, data[i].len,
		    st[i].st_mode, st[i].st_mtime) < 0)
			goto aerr;
	}
	if (mr_ar.write_close(a) != ARCHIVE_OK)
		goto aerr;
	if (rename(tmp, path) < 0) {
		mr_error_set(err, path, 0, 0, "cannot finish the backup: %s",
		    strerror(errno));
		goto fail;
	}
	rc = 0;
	goto out;
aerr:
	mr_error_set(err, path, 0, 0, "cannot write the backup: %s",
	    ar_error(a));
fail:
	unlink(tmp);
	unlink(path);
	free(*id);
	*id = NULL;
out:
	if (a != NULL)
		mr_ar.write_free(a);
	for (i = 0; i < n; i++)
		mr_buf_release(&data[i]);
	free(data);
	free(st);
	free(have);
	free(path);
	free(tmp);
	free(manifest);
	return rc;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
mr_backup_list(const char *dir, struct mr_strlist *ids, struct mr_error *err)
{
	struct dirent *de;
	size_t n;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;	/* no backups yet */
		mr_error_set(err, dir, 0, 0, "cannot read: %s",
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n > 7 && strcmp(de->d_name + n - 7, ".tar.gz") == 0) {
			char *id = mr_xstrndup(de->d_name, n - 7);

			if (valid_id(id))
				mr_strlist_push_take(ids, id);
			else
				free(id);
		}
	}
	closedir(d);
	if (ids->n > 1)
		qsort(ids->v, ids->n, sizeof(*ids->v), id_cmp);
	return 0;
}

void
mr_backup_release(struct mr_backup *b)
{
	size_t i;

	free(b->id);
	free(b->archive);
	free(b->created);
	free(b->reason);
	for (i = 0; i < b->nfiles; i++) {
		free(b->files[i].path);
		free(b->files[i].data);
	}
	free(b->files);
	memset(b, 0, sizeof(*b));
}

/* Reads every member into names/bufs (small archives only). */
static int
read_members(const char *path, struct mr_strlist *names, struct mr_buf **bufs,
    struct mr_error *err)
{
	struct archive *a = mr_ar.read_new();
	struct archive_entry *e;
	struct mr_buf *v = NULL;
	char chunk[8192];
	la_ssize_t r;
	size_t n = 0;
	int rc = -1, st;

	mr_ar.read_support_filter_gzip(a);
	mr_ar.read_support_format_tar(a);
	if (mr_ar.read_open_filename(a, path, 16384) != ARCHIVE_OK) {
		mr_error_set(err, path, 0, 0, "cannot open the backup: %s",
		    ar_error(a));
		goto out;
	}
	while ((st = mr_ar.read_next_header(a, &e)) == ARCHIVE_OK) {
		if (n == 256 || mr_ar.entry_size(e) > MAX_MEMBER) {
			mr_error_set(err, path, 0, 0, "not a backup of this "
			    "tool (too large)");
			goto out;
		}
		v = mr_xrealloc(v, (n + 1) * sizeof(*v));
		mr_buf_init(&v[n]);
		mr_strlist_push(names, mr_ar.entry_pathname(e) ?
		    mr_ar.entry_pathname(e) : "");
		while ((r = mr_ar.read_data(a, chunk, sizeof(chunk))) > 0) {
			if (v[n].len + (size_t)r > MAX_MEMBER)
				break;
			mr_buf_add(&v[n], chunk, (size_t)r);
		}
		n++;
		if (r < 0) {
			mr_error_set(err, path, 0, 0, "damaged backup: %s",
			    ar_error(a));
			goto out;
		}
	}
	if (st != ARCHIVE_EOF) {
		mr_error_set(err, path, 0, 0, "damaged backup: %s",
		    ar_error(a));
		goto out;
	}
	rc = 0;
out:
	mr_ar.read_free(a);
	*bufs = v;
	if (rc < 0) {
		while (n > 0)
			mr_buf_release(&v[--n]);
		free(v);
		*bufs = NULL;
		mr_strlist_clear(names);
	}
	return rc;
}

int
mr_backup_load(const char *dir, const char *id, struct mr_backup *b,
    struct mr_error *err)
{
	struct mr_strlist names = MR_STRLIST_INIT;
	struct mr_buf *bufs = NULL;
	const cJSON *files, *f, *p, *mo, *mem;
	cJSON *m = NULL;
	size_t i, k;
	int rc = -1;

	memset(b, 0, sizeof(*b));
	if (!valid_id(id)) {
		mr_error_set(err, NULL, 0, 0, "'%s' is not a backup id (see "
		    "'model-router backups list')", id);
		return -1;
	}
	b->id = mr_xstrdup(id);
	b->archive = mr_xasprintf("%s/%s.tar.gz", dir, id);
	if (access(b->archive, F_OK) != 0) {
		mr_error_set(err, NULL, 0, 0, "no backup '%s' in %s", id, dir);
		goto out;
	}
	if (mr_archive_load("reading a backup", err) < 0 ||
	    read_members(b->archive, &names, &bufs, err) < 0)
		goto out;
	for (i = 0; i < names.n && strcmp(names.v[i], "MANIFEST.json"); i++)
		;
	if (i == names.n || (m = cJSON_ParseWithLength(bufs[i].buf,
	    bufs[i].len)) == NULL || !cJSON_IsString(cJSON_GetObjectItem(m,
	    "format")) || strcmp(cJSON_GetObjectItem(m, "format")->valuestring,
	    FORMAT) != 0) {
		mr_error_set(err, b->archive, 0, 0, "not a backup of this "
		    "tool (no manifest)");
		goto out;
	}
	b->created = mr_xstrdup(cJSON_IsString(cJSON_GetObjectItem(m,
	    "created")) ? cJSON_GetObjectItem(m, "created")->valuestring : "");
	b->reason = mr_xstrdup(cJSON_IsString(cJSON_GetObjectItem(m,
	    "reason")) ? cJSON_GetObjectItem(m, "reason")->valuestring : "");
	files = cJSON_GetObjectItem(m, "files");
	b->files = mr_xcalloc((size_t)cJSON_GetArraySize(files) + 1,
	    sizeof(*b->files));
	cJSON_ArrayForEach(f, files) {
		p = cJSON_GetObjectItem(f, "path");
		mo = cJSON_GetObjectItem(f, "mode");
		mem = cJSON_GetObjectItem(f, "member");
		if (!cJSON_IsString(p) || p->valuestring[0] != '/' ||
		    !cJSON_IsNumber(mo) || !cJSON_IsString(mem)) {
			mr_error_set(err, b->archive, 0, 0, "damaged manifest");
			goto out;
		}
		for (k = 0; k < names.n && strcmp(names.v[k],
		    mem->valuestring); k++)
			;
		if (k == names.n) {
			mr_error_set(err, b->archive, 0, 0, "damaged backup: "
			    "%s is missing", mem->valuestring);
			goto out;
		}
		b->files[b->nfiles].path = mr_xstrdup(p->valuestring);
		b->files[b->nfiles].mode = (mode_t)mo->valueint & 07777;
		b->files[b->nfiles].len = bufs[k].len;
		b->files[b->nfiles].data = mr_buf_detach(&bufs[k]);
		b->nfiles++;
	}
	rc = 0;
out:
	cJSON_Delete(m);
	for (i = 0; i < names.n; i++)
		mr_buf_release(&bufs[i]);
	free(bufs);
	mr_strlist_clear(&names);
	if (rc < 0)
		mr_backup_release(b);
	return rc;
}
