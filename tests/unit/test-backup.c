/*
 * Unit tests for backup archives: create, list, load; nothing to back up;
 * two backups in one second; bad ids and damaged archives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/backup.h"
#include "mr/fileio.h"

#include "tmpdir.h"

static char root[64];

static void
put(const char *rel, const char *text, mode_t mode)
{
	char *p = mr_xasprintf("%s/%s", root, rel);

	assert_int_equal(mr_write_atomic(p, text, strlen(text), mode, NULL), 0);
	free(p);
}

static void
test_roundtrip(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_strlist ids = MR_STRLIST_INIT;
	struct mr_backup b;
	char *dir = mr_xasprintf("%s/backups", root), *id = NULL, *id2 = NULL;
	char *paths[3];
	struct stat st;

	(void)state;
	put("config.yaml", "model:\n  default: \"qwen3:8b\"  # mine\n", 0644);
	put(".env", "KEY=sk-secret\n", 0600);
	paths[0] = mr_xasprintf("%s/config.yaml", root);
	paths[1] = mr_xasprintf("%s/.env", root);
	paths[2] = mr_xasprintf("%s/not-there.yaml", root);

	assert_int_equal(mr_backup_create(dir, (const char *const *)paths, 3,
	    "hermes use-proxy", &id, &err), 0);
	assert_non_null(id);
	/* the folder and the archive keep secrets to their owner */
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	{
		char *a = mr_xasprintf("%s/%s.tar.gz", dir, id);

		assert_int_equal(stat(a, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		free(a);
	}
	/* a second one in the same second gets its own name */
	assert_int_equal(mr_backup_create(dir, (const char *const *)paths, 1,
	    "again", &id2, &err), 0);
	assert_string_not_equal(id, id2);

	assert_int_equal(mr_backup_list(dir, &ids, &err), 0);
	assert_int_equal(ids.n, 2);
	assert_string_equal(ids.v[0], id);

	assert_int_equal(mr_backup_load(dir, id, &b, &err), 0);
	assert_string_equal(b.reason, "hermes use-proxy");
	assert_int_equal(b.nfiles, 2);
	assert_string_equal(b.files[0].path, paths[0]);
	assert_int_equal(b.files[0].mode, 0644);
	assert_string_equal(b.files[0].data,
	    "model:\n  default: \"qwen3:8b\"  # mine\n");
	assert_string_equal(b.files[1].path, paths[1]);
	assert_int_equal(b.files[1].mode, 0600);
	assert_int_equal(b.files[1].len, 14);
	assert_int_equal(strlen(b.created), 20);
	mr_backup_release(&b);

	/* nothing to back up: no archive, no id */
	free(id2);
	id2 = NULL;
	assert_int_equal(mr_backup_create(dir, (const char *const *)&paths[2],
	    1, "none", &id2, &err), 0);
	assert_null(id2);

	free(id);
	mr_strlist_clear(&ids);
	free(paths[0]);
	free(paths[1]);
	free(paths[2]);
	free(dir);
}

static void
test_errors(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_strlist ids = MR_STRLIST_INIT;
	struct mr_backup b;
	char *dir = mr_xasprintf("%s/backups", root), *msg;

	(void)state;
	/* no folder yet: an empty list, not an error */
	assert_int_equal(mr_backup_list(dir, &ids, &err), 0);
	assert_int_equal(ids.n, 0);
	assert_int_equal(mr_backup_load(dir, "../../etc/passwd", &b, &err), -1);
	msg = mr_error_format(&err);
	assert_non_null(strstr(msg, "is not a backup id"));
	free(msg);
	mr_error_clear(&err);
	assert_int_equal(mr_backup_load(dir, "20260101T000000Z", &b, &err), -1);
	mr_error_clear(&err);
	/* a damaged archive */
	assert_int_equal(mr_mkdirs(dir, 0700, NULL), 0);
	put("backups/20260101T000000Z.tar.gz", "not gzip at all", 0600);
	assert_int_equal(mr_backup_list(dir, &ids, &err), 0);
	assert_int_equal(ids.n, 1);
	assert_int_equal(mr_backup_load(dir, "20260101T000000Z", &b, &err), -1);
	msg = mr_error_format(&err);
	assert_true(strstr(msg, "damaged") != NULL ||
	    strstr(msg, "not a backup") != NULL ||
	    strstr(msg, "cannot open") != NULL);
	free(msg);
	mr_error_clear(&err);
	mr_strlist_clear(&ids);
	free(dir);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_make(root, sizeof(root), "mr-backup"), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_remove(root), 0);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
