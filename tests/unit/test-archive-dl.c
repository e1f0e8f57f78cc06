/*
 * Unit tests for libarchive opened on first use: threads racing to load
 * it, every function resolved and working, a second load that changes
 * nothing; a library that is not there and one without the functions
 * fail with a message naming the library.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mr/archive-dl.h"

#include "tmpdir.h"

#define NTHREADS 8

static size_t
count_set(const struct mr_archive_fns *f)
{
	size_t n = 0;

#define COUNT(name)	n += f->name != NULL;
	MR_ARCHIVE_FNS(COUNT)
#undef COUNT
	return n;
}

static size_t
count_all(void)
{
	size_t n = 0;

#define ONE(name)	n++;
	MR_ARCHIVE_FNS(ONE)
#undef ONE
	return n;
}

static void *
loader(void *arg)
{
	*(int *)arg = mr_archive_load("test", NULL);
	return NULL;
}

static void
test_load(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_archive_fns first, again;
	pthread_t t[NTHREADS];
	int rc[NTHREADS], i;

	(void)state;
	/* nothing is opened before it is asked for */
	assert_int_equal(count_set(&mr_ar), 0);
	for (i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, loader, &rc[i]),
		    0);
	for (i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(rc[i], 0);
	}
	assert_int_equal(count_set(&mr_ar), count_all());
	first = mr_ar;
	/* a second load is a no-op */
	assert_int_equal(mr_archive_load("test", &err), 0);
	assert_null(err.msg);
	again = mr_ar;
	assert_memory_equal(&first, &again, sizeof(first));
	/* opening it again finds the very same functions */
	memset(&again, 0, sizeof(again));
	assert_int_equal(mr_archive_open(mr_archive_library(), &again, "test",
	    &err), 0);
	assert_memory_equal(&first, &again, sizeof(first));
}

/* The functions work: a .tar.gz written and read back through mr_ar. */
static void
test_roundtrip(void **state)
{
	struct archive *a;
	struct archive_entry *e;
	char dir[64], *path, buf[64];
	la_ssize_t n;

	(void)state;
	assert_int_equal(mr_archive_load("test", NULL), 0);
	assert_int_equal(tmpdir_make(dir, sizeof(dir), "mr-archive-dl"), 0);
	path = mr_xasprintf("%s/t.tar.gz", dir);

	a = mr_ar.write_new();
	assert_int_equal(mr_ar.write_add_filter_gzip(a), ARCHIVE_OK);
	assert_int_equal(mr_ar.write_set_format_pax_restricted(a), ARCHIVE_OK);
	assert_int_equal(mr_ar.write_open_filename(a, path), ARCHIVE_OK);
	e = mr_ar.entry_new();
	mr_ar.entry_set_pathname(e, "hello.txt");
	mr_ar.entry_set_size(e, 5);
	mr_ar.entry_set_filetype(e, AE_IFREG);
	mr_ar.entry_set_perm(e, 0600);
	mr_ar.entry_set_mtime(e, 0, 0);
	assert_int_equal(mr_ar.write_header(a, e), ARCHIVE_OK);
	assert_int_equal(mr_ar.write_data(a, "hello", 5), 5);
	mr_ar.entry_free(e);
	assert_int_equal(mr_ar.write_close(a), ARCHIVE_OK);
	assert_int_equal(mr_ar.write_free(a), ARCHIVE_OK);

	a = mr_ar.read_new();
	assert_int_equal(mr_ar.read_support_filter_gzip(a), ARCHIVE_OK);
	assert_int_equal(mr_ar.read_support_format_tar(a), ARCHIVE_OK);
	assert_int_equal(mr_ar.read_open_filename(a, path, 16384),
	    ARCHIVE_OK);
	assert_int_equal(mr_ar.read_next_header(a, &e), ARCHIVE_OK);
	assert_string_equal(mr_ar.entry_pathname(e), "hello.txt");
	assert_int_equal(mr_ar.entry_size(e), 5);
	n = mr_ar.read_data(a, buf, sizeof(buf));
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(mr_ar.read_next_header(a, &e), ARCHIVE_EOF);
	assert_null(mr_ar.error_string(a));
	assert_int_equal(mr_ar.read_free(a), ARCHIVE_OK);

	free(path);
	assert_int_equal(tmpdir_remove(dir), 0);
}

#define PREFIX "doctor --bundle needs libarchive (libmr-not-there.so.0): "

static void
test_no_library(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_archive_fns f;
	char *msg, *why;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(mr_archive_open("libmr-not-there.so.0", &f,
	    "doctor --bundle", &err), -1);
	msg = mr_error_format(&err);
	why = strstr(msg, PREFIX);
	assert_non_null(why);
	/* then what dlerror() said, which names it too */
	assert_non_null(strstr(why + strlen(PREFIX), "libmr-not-there.so.0"));
	free(msg);
	mr_error_clear(&err);
	assert_int_equal(count_set(&f), 0);
}

static void
test_missing_function(void **state)
{
#ifdef __APPLE__
	const char *other = "/usr/lib/libSystem.B.dylib";
#else
	const char *other = "libm.so.6";
#endif
	struct mr_error err = MR_ERROR_INIT;
	struct mr_archive_fns f;
	char *msg;

	(void)state;
	/* a library that opens but has none of the functions */
	memset(&f, 0, sizeof(f));
	assert_int_equal(mr_archive_open(other, &f, "a backup", &err), -1);
	msg = mr_error_format(&err);
	assert_non_null(strstr(msg, "a backup needs libarchive ("));
	assert_non_null(strstr(msg, other));
	assert_non_null(strstr(msg, "archive_entry_free"));
	free(msg);
	mr_error_clear(&err);
	/* all or nothing */
	assert_int_equal(count_set(&f), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_no_library),
		cmocka_unit_test(test_missing_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
