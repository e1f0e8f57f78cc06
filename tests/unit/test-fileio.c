/*
 * Unit tests for atomic writes: modes, owners, symbolic links, failures,
 * and a writer killed at random points 1,000 times never leaving a
 * truncated or missing file; plus unified diffs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mr/fileio.h"

#include "tmpdir.h"

static char root[64];

static char *
at(const char *rel)
{
	return mr_xasprintf("%s/%s", root, rel);
}

static void
expect_content(const char *path, const char *want)
{
	struct mr_buf b = MR_BUF_INIT;

	assert_int_equal(mr_read_file(path, 1 << 20, &b), 0);
	assert_string_equal(b.buf, want);
	mr_buf_release(&b);
}

static void
test_modes_and_links(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	char *p = at("new.yaml"), *q = at("old.yaml"), *l = at("link.yaml");
	struct stat st;

	(void)state;
	/* a new file gets the mode asked for */
	assert_int_equal(mr_write_atomic(p, "a: 1\n", 5, 0600, &err), 0);
	expect_content(p, "a: 1\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* an existing file keeps its own */
	assert_int_equal(mr_write_atomic(q, "x", 1, 0644, &err), 0);
	assert_int_equal(chmod(q, 0640), 0);
	assert_int_equal(mr_write_atomic(q, "y", 1, 0600, &err), 0);
	assert_int_equal(stat(q, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	expect_content(q, "y");
	/* a link is followed: the link stays, its target changes */
	assert_int_equal(symlink("old.yaml", l), 0);
	assert_int_equal(mr_write_atomic(l, "z", 1, 0600, &err), 0);
	assert_int_equal(lstat(l, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	expect_content(q, "z");
	/* no temporary file is left beside them */
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 3",
		    root);
		assert_int_equal(system(cmd), 0);
	}
	free(p);
	free(q);
	free(l);
}

static void
test_failures(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	char *p = at("missing/dir/file.yaml"), *d = at("adir");
	char *msg;

	(void)state;
	assert_int_equal(mr_write_atomic(p, "a", 1, 0600, &err), -1);
	msg = mr_error_format(&err);
	assert_non_null(strstr(msg, "cannot create a temporary file"));
	free(msg);
	mr_error_clear(&err);
	/* a folder where the file should be */
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(mr_write_atomic(d, "a", 1, 0600, &err), -1);
	msg = mr_error_format(&err);
	assert_non_null(strstr(msg, "not a regular file"));
	free(msg);
	mr_error_clear(&err);
	/* mkdirs makes the parents */
	assert_int_equal(mr_mkdirs(p, 0700, &err), 0);
	free(p);
	free(d);
}

/*
 * A child rewrites one file over and over with two different contents;
 * it is killed at a random moment, 1,000 times.  Each time the file must
 * be one of the two, whole.
 */
static void
test_killed_writer(void **state)
{
	static char a[16384], b[40000];
	struct mr_buf got = MR_BUF_INIT;
	char *p = at("victim.yaml");
	struct mr_error err = MR_ERROR_INIT;
	struct timespec ts;
	unsigned seed = 12345;
	int i, st, changed = 0;
	char last = 'a';
	pid_t pid;

	(void)state;
	memset(a, 'a', sizeof(a) - 1);
	memset(b, 'b', sizeof(b) - 1);
	assert_int_equal(mr_write_atomic(p, a, strlen(a), 0600, &err), 0);
	for (i = 0; i < 1000; i++) {
		if ((pid = fork()) == 0) {
			for (int k = 0; ; k++)
				if (mr_write_atomic(p, k & 1 ? a : b,
				    strlen(k & 1 ? a : b), 0600, NULL) < 0)
					_exit(1);
		}
		assert_true(pid > 0);
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(rand_r(&seed) % 2000) * 1000;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFSIGNALED(st));
		mr_buf_reset(&got);
		assert_int_equal(mr_read_file(p, 1 << 20, &got), 0);
		assert_true((got.len == strlen(a) && strcmp(got.buf, a) == 0) ||
		    (got.len == strlen(b) && strcmp(got.buf, b) == 0));
		changed += got.buf[0] != last;
		last = got.buf[0];
	}
	/* the writer really was at work when killed, often */
	print_message("the file changed between kills %d times\n", changed);
	assert_true(changed > 100);
	mr_buf_release(&got);
	free(p);
}

static void
test_diff(void **state)
{
	struct mr_buf out = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	const char *old = "a: 1\nb: 2\n", *new = "a: 1\nb: 3\n";

	(void)state;
	assert_int_equal(mr_unified_diff("config.yaml", old, strlen(old), old,
	    strlen(old), &out, &err), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(mr_unified_diff("config.yaml", old, strlen(old), new,
	    strlen(new), &out, &err), 0);
	assert_string_equal(out.buf, "--- a/config.yaml\n+++ b/config.yaml\n"
	    "@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n");
	mr_buf_release(&out);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_make(root, sizeof(root), "mr-fileio"), 0);
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
		cmocka_unit_test_setup_teardown(test_modes_and_links, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_writer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
