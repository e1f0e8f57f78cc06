/*
 * Unit tests for the routing events file: one JSON line per event with
 * sorted keys, rotation by max_bytes into BACKUPS files, modes 0600, a
 * salt made once and kept (the same prompt hashes the same across runs,
 * differently on another install), capture off/preview/full.
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

#include "mr/fileio.h"
#include "mr/telemetry.h"

#include "tmpdir.h"

static char root[64];

static struct mr_tel_event
event(const char *prompt)
{
	static const struct mr_strlist none = MR_STRLIST_INIT;
	struct mr_tel_event e;

	memset(&e, 0, sizeof(e));
	e.request_id = "0badcafe";
	e.route_api = "route_fast";
	e.engine = "fast_local";
	e.mode = "decision";
	e.backend = "fast";
	e.model = "qwen3:8b";
	e.status = "forwarded";
	e.status_code = 200;
	e.tried = &none;
	e.route_ms = 0.01234;
	e.ttfb_ms = -1;
	e.total_ms = 3;
	e.prompt = prompt;
	e.usage.prompt = e.usage.completion = e.usage.total = -1;
	return e;
}

/* The hash in the first line of PATH. */
static char *
hash_of(const char *path)
{
	struct mr_buf b = MR_BUF_INIT;
	char *p, *h;

	assert_int_equal(mr_read_file(path, 1 << 20, &b), 0);
	assert_non_null(p = strstr(b.buf, "\"prompt_hash\":\""));
	h = mr_xstrndup(p + 15, 64);
	mr_buf_release(&b);
	return h;
}

static void
test_lines_modes_salt(void **state)
{
	char *log = mr_xasprintf("%s/a/logs/ev.jsonl", root);
	char *log2 = mr_xasprintf("%s/b/ev.jsonl", root);
	char *salt = mr_xasprintf("%s/a/logs/.telemetry-salt", root);
	struct mr_tel_event e = event("hello sk-abcdefghijklmnop");
	struct mr_telemetry *t;
	struct mr_buf b = MR_BUF_INIT;
	struct stat st;
	char *h1, *h2, *h3;

	(void)state;
	assert_non_null(t = mr_telemetry_open(log, 0, 0, MR_CAPTURE_FULL,
	    NULL));
	mr_telemetry_record(t, &e);
	mr_telemetry_close(t);
	assert_int_equal(stat(log, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(salt, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	assert_int_equal(mr_read_file(log, 1 << 20, &b), 0);
	/* sorted keys, one line, the secret redacted even in full */
	assert_true(strncmp(b.buf, "{\"api\":", 7) == 0 ||
	    strncmp(b.buf, "{\"backend\":", 11) == 0);
	assert_non_null(strstr(b.buf, "\"route_latency_ms\":0.0123,"));
	assert_non_null(strstr(b.buf, "\"prompt\":\"hello sk-[REDACTED]\""));
	assert_null(strstr(b.buf, "abcdefghijklmnop"));
	assert_null(strstr(b.buf, "usage_total_tokens"));
	assert_int_equal(b.buf[b.len - 1], '\n');
	assert_ptr_equal(strchr(b.buf, '\n'), b.buf + b.len - 1);
	mr_buf_release(&b);
	h1 = hash_of(log);

	/* the salt is kept: the same prompt, the same hash */
	unlink(log);
	assert_non_null(t = mr_telemetry_open(log, 0, 0, MR_CAPTURE_OFF,
	    NULL));
	mr_telemetry_record(t, &e);
	mr_telemetry_close(t);
	h2 = hash_of(log);
	assert_string_equal(h1, h2);
	assert_int_equal(mr_read_file(log, 1 << 20, &b), 0);
	assert_null(strstr(b.buf, "prompt_preview"));
	assert_null(strstr(b.buf, "\"prompt\":"));
	mr_buf_release(&b);
	/* another install (salt), another hash */
	assert_non_null(t = mr_telemetry_open(log2, 0, 0, MR_CAPTURE_PREVIEW,
	    NULL));
	mr_telemetry_record(t, &e);
	mr_telemetry_close(t);
	h3 = hash_of(log2);
	assert_string_not_equal(h1, h3);
	free(h1);
	free(h2);
	free(h3);
	free(log);
	free(log2);
	free(salt);
}

/* The hash is SHA-256 of the salt's 32 bytes and then the text: a salt
 * of 00..1f and "hash me" give Python's hashlib answer. */
static void
test_hash_vector(void **state)
{
	char *log = mr_xasprintf("%s/v/ev.jsonl", root);
	char *dir = mr_xasprintf("%s/v", root);
	char *salt = mr_xasprintf("%s/v/.telemetry-salt", root);
	struct mr_tel_event e = event("hash me");
	struct mr_telemetry *t;
	unsigned char bytes[32];
	char *h;
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		bytes[i] = (unsigned char)i;
	assert_int_equal(mr_mkdirs(dir, 0700, NULL), 0);
	assert_int_equal(mr_write_atomic(salt, bytes, 32, 0600, NULL), 0);
	assert_non_null(t = mr_telemetry_open(log, 0, 0, MR_CAPTURE_OFF,
	    NULL));
	mr_telemetry_record(t, &e);
	mr_telemetry_close(t);
	h = hash_of(log);
	assert_string_equal(h, "da6c4b275cd59fd589979331cd38b2484415846ba831b1"
	    "de45ee22bccca94394");
	free(h);
	free(log);
	free(salt);
	free(dir);
}

static void
test_rotation(void **state)
{
	char *log = mr_xasprintf("%s/r/ev.jsonl", root), *p;
	struct mr_tel_event e = event("rotate me");
	struct mr_telemetry *t;
	struct stat st;
	int i;

	(void)state;
	assert_non_null(t = mr_telemetry_open(log, 2000, 2, MR_CAPTURE_PREVIEW,
	    NULL));
	for (i = 0; i < 60; i++)
		mr_telemetry_record(t, &e);
	mr_telemetry_close(t);
	assert_int_equal(stat(log, &st), 0);
	/* at most one event over the limit */
	assert_true(st.st_size < 2000 + 1500);
	p = mr_xasprintf("%s.1", log);
	assert_int_equal(stat(p, &st), 0);
	free(p);
	p = mr_xasprintf("%s.2", log);
	assert_int_equal(stat(p, &st), 0);
	free(p);
	p = mr_xasprintf("%s.3", log);
	assert_int_not_equal(stat(p, &st), 0);
	free(p);
	free(log);
}

/* Lines in LOG, or -1. */
static int
count_lines(const char *log)
{
	struct mr_buf b = MR_BUF_INIT;
	int n = 0;
	size_t i;

	if (mr_read_file(log, 1 << 24, &b) < 0)
		return -1;
	for (i = 0; i < b.len; i++)
		n += b.buf[i] == '\n';
	mr_buf_release(&b);
	return n;
}

/* Waits up to 5 s for LOG to hold N lines. */
static bool
lines_soon(const char *log, int n)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (count_lines(log) == n)
			return true;
		usleep(10000);
	}
	return false;
}

/* Events are written while the writer runs, not only when it closes: the
 * first after a quiet spell wakes it, a burst is written as batches, and
 * a later event after it went back to sleep wakes it again. */
static void
test_written_while_running(void **state)
{
	char *log = mr_xasprintf("%s/w/ev.jsonl", root);
	struct mr_tel_event e = event("write me soon");
	struct mr_telemetry *t;
	int i;

	(void)state;
	assert_non_null(t = mr_telemetry_open(log, 0, 0, MR_CAPTURE_OFF,
	    NULL));
	mr_telemetry_record(t, &e);
	assert_true(lines_soon(log, 1));
	for (i = 0; i < 700; i++)	/* past WAKE_AT, twice */
		mr_telemetry_record(t, &e);
	assert_true(lines_soon(log, 701));
	usleep(200000);			/* asleep again */
	mr_telemetry_record(t, &e);
	assert_true(lines_soon(log, 702));
	mr_telemetry_close(t);
	assert_int_equal(count_lines(log), 702);
	free(log);
}

static void
test_unwritable(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	char *f = mr_xasprintf("%s/file", root), *log;

	(void)state;
	assert_int_equal(mr_write_atomic(f, "x", 1, 0600, NULL), 0);
	log = mr_xasprintf("%s/ev.jsonl", f);	/* under a file */
	assert_null(mr_telemetry_open(log, 0, 0, MR_CAPTURE_OFF, &err));
	assert_non_null(err.msg);
	mr_error_clear(&err);
	free(log);
	free(f);
}

/* Two writers on one file (a reload, a second proxy): rotation and
 * appends take turns, so no line is lost or torn. */
static void
test_two_writers(void **state)
{
	char *log = mr_xasprintf("%s/two/ev.jsonl", root), *p;
	struct mr_tel_event e = event("two writers");
	struct mr_telemetry *a, *b;
	struct mr_buf text = MR_BUF_INIT;
	size_t lines = 0, i, k;
	int n;

	(void)state;
	assert_non_null(a = mr_telemetry_open(log, 3000, 1000,
	    MR_CAPTURE_PREVIEW, NULL));
	assert_non_null(b = mr_telemetry_open(log, 3000, 1000,
	    MR_CAPTURE_PREVIEW, NULL));
	for (n = 0; n < 300; n++) {
		mr_telemetry_record(a, &e);
		mr_telemetry_record(b, &e);
	}
	mr_telemetry_close(a);
	mr_telemetry_close(b);
	for (k = 0; k <= 1000; k++) {
		p = k == 0 ? mr_xstrdup(log) : mr_xasprintf("%s.%zu", log, k);
		mr_buf_reset(&text);
		if (mr_read_file(p, 1 << 20, &text) == 0) {
			for (i = 0; i < text.len; i++)
				if (text.buf[i] == '\n') {
					lines++;
					/* every line starts as an event does */
					assert_true(i + 1 == text.len ||
					    text.buf[i + 1] == '{');
				}
			assert_true(text.len == 0 || text.buf[0] == '{');
		}
		free(p);
	}
	assert_int_equal(lines, 600);
	mr_buf_release(&text);
	free(log);
}

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(root, sizeof(root), "mr-tel");
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_modes_salt),
		cmocka_unit_test(test_hash_vector),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_written_while_running),
		cmocka_unit_test(test_unwritable),
		cmocka_unit_test(test_two_writers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
