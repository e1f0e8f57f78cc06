/*
 * Unit test of the doctor: fake servers on 127.0.0.1 behind a proxy
 * config, every check reported once through the callback, the statuses
 * and fixes of the cases that matter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mr/doctor.h"
#include "mr/fileio.h"

#include "fake-servers.h"
#include "tmpdir.h"

static char root[64];
static unsigned seen;

static void
on_check(void *ctx, const struct mr_check *c)
{
	(void)ctx;
	assert_non_null(c->id);
	assert_non_null(c->finding);
	/* a failed check always says how to fix it */
	if (c->status == MR_CHECK_FAIL)
		assert_non_null(c->fix);
	seen++;
}

static const struct mr_check *
find(const struct mr_doctor_result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	fail_msg("no check %s", id);
	return NULL;
}

static const char *
no_env(const char *name)
{
	(void)name;
	return NULL;
}

static void
test_doctor(void **state)
{
	struct MHD_Daemon *lms, *oll;
	struct mr_doctor_opts o;
	struct mr_doctor_cb cb = { on_check, NULL };
	struct mr_doctor_result r;
	unsigned pl = 0, po = 0;
	char cfg[2048], *path, *hh;
	const struct mr_check *c;

	(void)state;
	assert_non_null(lms = fake_start(F_LMSTUDIO, &pl));
	assert_non_null(oll = fake_start(F_OLLAMA, &po));
	snprintf(cfg, sizeof(cfg),
	    "backends:\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: \"qwen3:8b\"\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: qwen/qwen3-8b\n"
	    "  hosted:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: qwen/qwen3-8b\n    api_key_env: NOT_SET_ANYWHERE\n"
	    "engine_backends:\n  fast_local: balanced\n"
	    "  balanced_local: balanced\n  reasoning_local: reasoning\n"
	    "  code_agent: reasoning\n  web_research: reasoning\n"
	    "  multimodal_vision: reasoning\n", po, pl, pl);
	path = mr_xasprintf("%s/routing_proxy.yaml", root);
	assert_int_equal(mr_write_atomic(path, cfg, strlen(cfg), 0600, NULL),
	    0);
	hh = mr_xasprintf("%s/hermes", root);

	memset(&o, 0, sizeof(o));
	o.proxy_config = path;
	o.hermes_home = hh;	/* no config there: a warning */
	o.timeout_ms = 1000;
	o.getenv_fn = no_env;
	seen = 0;
	mr_doctor_run(&o, &cb, &r);

	assert_int_equal(seen, r.n);
	/* image_generation has no backend */
	c = find(&r, "config.engines");
	assert_int_equal(c->status, MR_CHECK_FAIL);
	assert_non_null(strstr(c->finding, "image_generation"));
	assert_int_equal(find(&r, "backend.balanced.context")->status,
	    MR_CHECK_OK);
	c = find(&r, "backend.reasoning.context");
	assert_int_equal(c->status, MR_CHECK_FAIL);
	assert_string_equal(c->fix, "lms load qwen/qwen3-8b --context-length "
	    "65536");
	c = find(&r, "backend.hosted.key");
	assert_int_equal(c->status, MR_CHECK_FAIL);
	assert_non_null(strstr(c->fix, "NOT_SET_ANYWHERE"));
	assert_int_equal(find(&r, "hermes.config")->status, MR_CHECK_WARN);
	/* engines, the two 4K contexts, the unset key */
	assert_int_equal(find(&r, "backend.hosted.context")->status,
	    MR_CHECK_FAIL);
	assert_int_equal(r.fails, 4);
	mr_doctor_result_release(&r);

	/* no proxy config at all: one failing check, and the fix is init */
	memset(&o, 0, sizeof(o));
	o.proxy_config = "/nonexistent/routing_proxy.yaml";
	o.no_hermes = true;
	mr_doctor_run(&o, NULL, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.checks[0].fix, "model-router init --auto");
	mr_doctor_result_release(&r);

	fake_stopping = 1;
	MHD_stop_daemon(lms);
	MHD_stop_daemon(oll);
	free(path);
	free(hh);
}

static void
expect_redacted(const char *in, const char *want)
{
	struct mr_buf out = MR_BUF_INIT;

	assert_int_equal(mr_redact(in, strlen(in), &out), 0);
	assert_string_equal(out.buf, want);
	mr_buf_release(&out);
}

static void
test_redact(void **state)
{
	(void)state;
	expect_redacted("api_key: sk-abc123456789\nmodel: x\n",
	    "api_key: [REDACTED]\nmodel: x\n");
	/* the token after Bearer, not just the word */
	expect_redacted("Authorization: Bearer tok-123456",
	    "Authorization: Bearer [REDACTED]");
	expect_redacted("{\"api_key\": \"abc\", \"n\": 1}",
	    "{\"api_key\": \"[REDACTED]\", \"n\": 1}");
	expect_redacted("see sk-proj-AbCdEf123 and hf_AbCdEf123 here",
	    "see sk-[REDACTED] and hf_[REDACTED] here");
	expect_redacted("http://user:hunter2@host:8000/v1",
	    "http://user:[REDACTED]@host:8000/v1");
	/* a variable's name goes too: better too much than too little */
	expect_redacted("api_key_env: OPENAI_API_KEY\n",
	    "api_key_env: [REDACTED]\n");
	/* empty and null values stay: there is nothing to hide */
	expect_redacted("api_key: null\ntoken:\n", "api_key: null\ntoken:\n");
	expect_redacted("plain text, nothing secret\n",
	    "plain text, nothing secret\n");
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_make(root, sizeof(root), "mr-doctor"), 0);
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
		cmocka_unit_test_setup_teardown(test_doctor, setup, teardown),
		cmocka_unit_test(test_redact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
