/*
 * Unit tests for the stream relay's event reader and the usage reader:
 * events split anywhere, CRLF endings, the usage chunk the proxy asked
 * for dropped (and only it), the end of a stream noticed, usage read
 * from chat and responses shapes; and the metrics' text format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mr/gateway.h"
#include "mr/metrics.h"

static const char chat_stream[] =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
    "\"stop\"}]}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
    "\"completion_tokens\":2,\"total_tokens\":11}}\n\n"
    "data: [DONE]\n\n";

/* Feeds TEXT in pieces of STEP bytes; the output into OUT. */
static void
feed(struct mr_sse *s, const char *text, size_t step, struct mr_buf *out)
{
	size_t n = strlen(text), i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		mr_sse_feed(s, text + i, k, out);
	}
	mr_sse_finish(s, out);
}

static void
test_pass_through_any_split(void **state)
{
	size_t step;

	(void)state;
	for (step = 1; step <= sizeof(chat_stream); step++) {
		struct mr_sse s;
		struct mr_buf out = MR_BUF_INIT;

		mr_sse_init(&s, false);
		feed(&s, chat_stream, step, &out);
		/* not asked for by us: every byte passes, in order */
		assert_int_equal(out.len, strlen(chat_stream));
		assert_memory_equal(out.buf, chat_stream, out.len);
		assert_true(s.done);
		assert_int_equal(s.events, 4);
		assert_int_equal(s.usage.prompt, 9);
		assert_int_equal(s.usage.completion, 2);
		assert_int_equal(s.usage.total, 11);
		mr_buf_release(&out);
		mr_sse_release(&s);
	}
}

static void
test_drop_our_usage_chunk(void **state)
{
	size_t step;

	(void)state;
	for (step = 1; step <= sizeof(chat_stream); step += 7) {
		struct mr_sse s;
		struct mr_buf out = MR_BUF_INIT;

		mr_sse_init(&s, true);
		feed(&s, chat_stream, step, &out);
		mr_buf_addch(&out, '\0');
		assert_null(strstr(out.buf, "usage"));
		assert_non_null(strstr(out.buf, "\"content\":\"Hi\""));
		assert_non_null(strstr(out.buf, "finish_reason"));
		assert_non_null(strstr(out.buf, "data: [DONE]\n\n"));
		assert_int_equal(s.usage.total, 11);
		mr_buf_release(&out);
		mr_sse_release(&s);
	}
}

static void
test_usage_in_a_content_chunk_is_kept(void **state)
{
	struct mr_sse s;
	struct mr_buf out = MR_BUF_INIT;
	/* vLLM's continuous usage: usage rides on a chunk with content */
	const char *t = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}],"
	    "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\r\n\r\n";

	(void)state;
	mr_sse_init(&s, true);
	feed(&s, t, 5, &out);
	assert_int_equal(out.len, strlen(t));
	assert_int_equal(s.usage.total, 2);	/* summed when absent */
	assert_false(s.done);
	mr_buf_release(&out);
	mr_sse_release(&s);
}

static void
test_cut_stream_not_done(void **state)
{
	struct mr_sse s;
	struct mr_buf out = MR_BUF_INIT;
	const char *t = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}"
	    "\n\ndata: {\"choices\":[{\"index\":0,\"del";

	(void)state;
	mr_sse_init(&s, true);
	feed(&s, t, 3, &out);
	/* the partial event still goes out at the end, as it came */
	assert_int_equal(out.len, strlen(t));
	assert_false(s.done);
	assert_int_equal(s.usage.total, -1);
	mr_buf_release(&out);
	mr_sse_release(&s);
}

static void
test_responses_stream(void **state)
{
	struct mr_sse s;
	struct mr_buf out = MR_BUF_INIT;
	const char *t = "event: response.output_text.delta\ndata: {\"type\":"
	    "\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n"
	    "event: response.completed\ndata: {\"type\":\"response.completed\","
	    "\"response\":{\"usage\":{\"input_tokens\":12,\"output_tokens\":3,"
	    "\"total_tokens\":15}}}\n\n";

	(void)state;
	mr_sse_init(&s, false);
	feed(&s, t, 11, &out);
	assert_true(s.done);
	assert_int_equal(s.usage.prompt, 12);
	assert_int_equal(s.usage.completion, 3);
	assert_int_equal(s.usage.total, 15);
	mr_buf_release(&out);
	mr_sse_release(&s);
}

static void
test_usage_of_bodies(void **state)
{
	struct mr_gw_usage u;
	const char *a = "{\"choices\":[{\"message\":{\"content\":\"the "
	    "\\\"usage\\\" word\"}}],\"usage\": {\"prompt_tokens\": 30, "
	    "\"completion_tokens\": 9, \"total_tokens\": 39}}";

	(void)state;
	assert_true(mr_gw_usage(a, strlen(a), &u));
	assert_int_equal(u.prompt, 30);
	assert_int_equal(u.total, 39);
	assert_false(mr_gw_usage("{\"usage\":null}", 14, &u));
	assert_false(mr_gw_usage("{\"usage\":{}}", 12, &u));
	assert_false(mr_gw_usage("{\"usage\":{\"prompt_tokens\":", 26, &u));
	assert_false(mr_gw_usage("{}", 2, &u));
	/* found by fuzzing: a count too big for a long long is no count */
	assert_false(mr_gw_usage("{\"usage\":{\"prompt_tokens\":1e125}}", 33,
	    &u));
}

static double
value(const char *text, const char *series)
{
	const char *p = strstr(text, series);

	return p ? strtod(p + strlen(series) + 1, NULL) : -1;
}

static void
test_metrics_text(void **state)
{
	struct mr_metrics *m = mr_metrics_new();
	struct mr_buf out = MR_BUF_INIT;
	struct mr_metrics_req r;
	char name[32];
	int i;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.api = "chat";
	r.status = 200;
	r.engine = "fast_local";
	r.backend = "lm\"studio";	/* escaped in the label */
	r.seconds = 0.003;
	r.ttfb_seconds = -1;
	r.usage.prompt = 10;
	r.usage.completion = 5;
	r.usage.total = 15;
	mr_metrics_request(m, &r);
	r.seconds = 7;
	r.stream = true;
	r.ttfb_seconds = 0.2;
	r.fallback = true;
	mr_metrics_request(m, &r);
	mr_metrics_upstream_error(m, "ollama", "connect");
	mr_metrics_upstream_error(m, "a\\b\nc\"", "x");
	mr_metrics_retry(m, "ollama");
	/* many series: the table grows */
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "b%d", i);
		mr_metrics_retry(m, name);
	}
	mr_metrics_render(m, &out);
	mr_buf_addch(&out, '\0');
	assert_true(value(out.buf, "model_router_requests_total{api=\"chat\","
	    "code=\"200\"}") == 2);
	assert_true(value(out.buf, "model_router_tokens_total{backend="
	    "\"lm\\\"studio\",kind=\"completion\"}") == 10);
	assert_true(value(out.buf, "model_router_fallbacks_total{backend="
	    "\"lm\\\"studio\"}") == 1);
	/* cumulative buckets: 0.003 is in le=0.005, 7 only from le=10 */
	assert_true(value(out.buf, "model_router_request_duration_seconds_"
	    "bucket{backend=\"lm\\\"studio\",le=\"0.005\"}") == 1);
	assert_true(value(out.buf, "model_router_request_duration_seconds_"
	    "bucket{backend=\"lm\\\"studio\",le=\"10\"}") == 2);
	assert_true(value(out.buf, "model_router_request_duration_seconds_"
	    "bucket{backend=\"lm\\\"studio\",le=\"+Inf\"}") == 2);
	assert_true(value(out.buf, "model_router_request_duration_seconds_"
	    "count{backend=\"lm\\\"studio\"}") == 2);
	assert_true(value(out.buf, "model_router_stream_first_byte_seconds_"
	    "count{backend=\"lm\\\"studio\"}") == 1);
	assert_true(value(out.buf, "model_router_upstream_errors_total{"
	    "backend=\"ollama\",reason=\"connect\"}") == 1);
	assert_true(value(out.buf, "model_router_retries_total{backend="
	    "\"b99\"}") == 1);
	assert_true(value(out.buf, "model_router_routed_total{engine="
	    "\"fast_local\",backend=\"lm\\\"studio\"}") == 2);
	assert_true(value(out.buf, "model_router_tokens_total{backend="
	    "\"lm\\\"studio\",kind=\"prompt\"}") == 20);
	/* backslash, newline and quote, each as the text format wants */
	assert_true(value(out.buf, "model_router_upstream_errors_total{"
	    "backend=\"a\\\\b\\nc\\\"\",reason=\"x\"}") == 1);
	assert_non_null(strstr(out.buf, "# TYPE model_router_requests_total "
	    "counter\n"));
	mr_buf_release(&out);
	mr_metrics_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_through_any_split),
		cmocka_unit_test(test_drop_our_usage_chunk),
		cmocka_unit_test(test_usage_in_a_content_chunk_is_kept),
		cmocka_unit_test(test_cut_stream_not_done),
		cmocka_unit_test(test_responses_stream),
		cmocka_unit_test(test_usage_of_bodies),
		cmocka_unit_test(test_metrics_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
