/*
 * Unit tests for mr_redact: every kind of secret it knows is replaced,
 * ordinary text passes unchanged, and text that is not UTF-8 is refused
 * rather than passed through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mr/util.h"

static char *
redact(const char *in)
{
	struct mr_buf b = MR_BUF_INIT;

	assert_int_equal(mr_redact(in, strlen(in), &b), 0);
	mr_buf_add(&b, "", 1);
	return b.buf;
}

static void
check(const char *in, const char *want)
{
	char *got = redact(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_bearer(void **state)
{
	(void)state;
	check("Authorization: Bearer abc.DEF-123_xyz",
	    "Authorization: Bearer [REDACTED]");
	check("curl -H 'authorization: bearer tok123' http://x",
	    "curl -H 'authorization: bearer [REDACTED]' http://x");
	check("BEARER  sk-longsecretvalue", "BEARER  [REDACTED]");
	check("Authorization: Basic dXNlcjpwYXNz",
	    "Authorization: Basic [REDACTED]");
	check("{\"authorization\": \"Token abc123\"}",
	    "{\"authorization\": \"Token [REDACTED]\"}");
}

static void
test_key_shapes(void **state)
{
	(void)state;
	check("use sk-proj-AbCdEf123456 now", "use sk-[REDACTED] now");
	check("token hf_AbCdEfGhIjKl", "token hf_[REDACTED]");
	check("push with ghp_0123456789abcdef", "push with ghp_[REDACTED]");
	check("github_pat_11ABCDEF_xyz123", "github_pat_[REDACTED]");
	/* too short to be a key: left alone */
	check("a sk-abc b", "a sk-abc b");
}

static void
test_key_values(void **state)
{
	(void)state;
	check("api_key: s3cr3t-value", "api_key: [REDACTED]");
	check("{\"apiKey\": \"abc123\"}", "{\"apiKey\": \"[REDACTED]\"}");
	check("PASSWORD=hunter2", "PASSWORD=[REDACTED]");
	/* an empty or null value stays as it is */
	check("api_key: null", "api_key: null");
	check("token:", "token:");
}

static void
test_email_and_url(void **state)
{
	(void)state;
	check("mail jane.doe+x@example.co.uk today", "mail [EMAIL] today");
	check("https://user:pa55@host/x", "https://user:[REDACTED]@host/x");
	/* a URL without user info is unchanged */
	check("http://127.0.0.1:1234/v1", "http://127.0.0.1:1234/v1");
}

static void
test_plain_text_unchanged(void **state)
{
	const char *plain = "Refactor the parser in src/core/lex.c; "
	    "keep tokens small. Ünïcödé ok — 64K context.";
	(void)state;
	check(plain, plain);
	check("", "");
}

static void
test_not_utf8_refused(void **state)
{
	struct mr_buf b = MR_BUF_INIT;
	const char bad[] = "key \xff\xfe sk-abcdefgh";

	(void)state;
	assert_int_equal(mr_redact(bad, sizeof(bad) - 1, &b), -1);
	assert_int_equal(b.len, 0);
	mr_buf_release(&b);
}

static void *
worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 200; i++) {
		char *got = redact("x Bearer t0k3n y a@b.io");
		if (strcmp(got, "x Bearer [REDACTED] y [EMAIL]") != 0) {
			free(got);
			return (void *)1;
		}
		free(got);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	pthread_t t[4];
	void *rv;
	int i, bad = 0;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &rv);
		bad += rv != NULL;
	}
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_key_shapes),
		cmocka_unit_test(test_key_values),
		cmocka_unit_test(test_email_and_url),
		cmocka_unit_test(test_plain_text_unchanged),
		cmocka_unit_test(test_not_utf8_refused),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
