/*
 * End-to-end tests of the routing proxy: it runs on a thread, on a free
 * port of 127.0.0.1, in front of fake upstreams (healthy, refusing, 500,
 * 429 with Retry-After, a stream cut half-way); libcurl is the client.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <signal.h>

#include <curl/curl.h>

#include "mr/fileio.h"
#include "mr/proxy.h"

#include "fake-servers.h"
#include "tmpdir.h"

static char root[64];
static struct MHD_Daemon *ups[F_COUNT];
static unsigned ports[F_COUNT];
static volatile sig_atomic_t stop_flag, reload_flag;
static int proxy_port;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_t tid;
static char *config;
static int run_rc;

static void
on_ready(void *ctx, int port)
{
	(void)ctx;
	pthread_mutex_lock(&mu);
	proxy_port = port;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void *
proxy_main(void *arg)
{
	struct mr_proxy_opts o;
	struct mr_error err = MR_ERROR_INIT;

	(void)arg;
	memset(&o, 0, sizeof(o));
	o.config_path = config;
	o.port = -1;		/* any free port */
	o.max_body = 1 << 20;
	o.stop = &stop_flag;
	o.reload = &reload_flag;
	o.ready = on_ready;
	run_rc = mr_proxy_run(&o, &err);
	if (run_rc < 0) {
		fprintf(stderr, "proxy: %s\n", err.msg);
		on_ready(NULL, -1);
	}
	mr_error_clear(&err);
	return NULL;
}

struct reply {
	long		 status;
	struct mr_buf	 body;
	struct mr_buf	 headers;
};

static size_t
collect(char *d, size_t s, size_t n, void *arg)
{
	mr_buf_add(arg, d, s * n);
	return s * n;
}

static void
post(const char *path, const char *json, const char *auth, struct reply *r)
{
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	char url[128];

	memset(r, 0, sizeof(*r));
	mr_buf_init(&r->body);
	mr_buf_init(&r->headers);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", proxy_port, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	if (json != NULL)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, json);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (auth != NULL)
		h = curl_slist_append(h, auth);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, &r->headers);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 20L);
	assert_int_equal(curl_easy_perform(e), CURLE_OK);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
}

static void
reply_release(struct reply *r)
{
	mr_buf_release(&r->body);
	mr_buf_release(&r->headers);
}

static bool
has_header(const struct reply *r, const char *line)
{
	return strstr(r->headers.buf, line) != NULL;
}

static void
start_proxy(const char *yaml)
{
	config = mr_xasprintf("%s/routing_proxy.yaml", root);
	assert_int_equal(mr_write_atomic(config, yaml, strlen(yaml), 0600,
	    NULL), 0);
	stop_flag = 0;
	proxy_port = 0;
	assert_int_equal(pthread_create(&tid, NULL, proxy_main, NULL), 0);
	pthread_mutex_lock(&mu);
	while (proxy_port == 0)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	assert_true(proxy_port > 0);
}

static void
stop_proxy(void)
{
	stop_flag = 1;
	pthread_join(tid, NULL);
	assert_int_equal(run_rc, 0);
	free(config);
}

#define ENGINES \
	"engine_backends:\n  fast_local: fast\n  balanced_local: balanced\n" \
	"  reasoning_local: reasoning\n  code_agent: code\n" \
	"  web_research: reasoning\n  multimodal_vision: reasoning\n" \
	"  image_generation: reasoning\n"

static const char chat_hi[] = "{\"model\":\"model-router\",\"messages\":"
    "[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\","
    "\"content\":\"rewrite this text\"}]}";

static void
test_routes_and_fallbacks(void **state)
{
	char yaml[2048];
	struct reply r;

	(void)state;
	/* fast is down (refused), balanced answers 500, reasoning 429,
	 * code is healthy: fast falls back through the chain to code */
	snprintf(yaml, sizeof(yaml),
	    	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n    model: b\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: Qwen3-8B-Q4_K_M.gguf\n    strip_tools: true\n"
	    ENGINES
	    "fallback_backends:\n  fast: [balanced]\n  balanced: [reasoning]\n"
	    "  reasoning: [code]\n", fake_closed_port(), ports[F_ERR500],
	    ports[F_RATE429], ports[F_LLAMACPP]);
	start_proxy(yaml);

	post("/v1/chat/completions", chat_hi, NULL, &r);
	assert_int_equal(r.status, 200);
	/* transitive: fast -> balanced -> reasoning -> code */
	assert_true(has_header(&r, "X-ModelRouter-Engine: fast_local"));
	assert_true(has_header(&r, "X-ModelRouter-Backend: code"));
	assert_true(has_header(&r, "X-ModelRouter-Fallback: true"));
	assert_non_null(strstr(r.body.buf, "chat.completion"));
	reply_release(&r);

	/* the human gate: 409, never forwarded */
	post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\","
	    "\"content\":\"drop the production database\"}]}", NULL, &r);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(r.body.buf, "human_confirmation_required"));
	assert_true(has_header(&r, "X-ModelRouter-Engine: human_confirm"));
	reply_release(&r);
	/* no user text at all: the human decides too */
	post("/v1/chat/completions", "{\"messages\":[{\"role\":\"system\","
	    "\"content\":\"x\"}]}", NULL, &r);
	assert_int_equal(r.status, 409);
	reply_release(&r);

	/* model_map: a backend's model goes there; tools stripped for it */
	post("/v1/chat/completions", "{\"model\":\"Qwen3-8B-Q4_K_M.gguf\","
	    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":"
	    "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
	    "\"parameters\":{}}}]}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "X-ModelRouter-Mode: model_map"));
	/* the fake answers in text when no tools reach it */
	assert_null(strstr(r.body.buf, "tool_calls"));
	reply_release(&r);

	/* bad bodies, unknown endpoints */
	post("/v1/chat/completions", "not json", NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.buf, "Request body must be valid JSON."));
	reply_release(&r);
	post("/v1/chat/completions", "[1,2]", NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.buf, "must be a JSON object"));
	reply_release(&r);
	post("/v1/files", "{}", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body.buf, "unsupported_endpoint"));
	reply_release(&r);
	post("/v1/messages", "{}", NULL, &r);
	assert_int_equal(r.status, 501);
	reply_release(&r);
	post("/v1/models", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.buf, "\"model-router\""));
	assert_non_null(strstr(r.body.buf, "\"Qwen3-8B-Q4_K_M.gguf\""));
	reply_release(&r);
	post("/health", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	/* the failing backends are cooling down, from memory */
	assert_non_null(strstr(r.body.buf, "\"name\":\"fast\",\"model\":\"f\","
	    "\"cooling_down\":true"));
	reply_release(&r);
	/* a body over the limit: 413 */
	{
		size_t n = (1 << 20) + 10;
		char *big = mr_xmalloc(n + 1);

		memset(big, 'a', n);
		big[n] = '\0';
		post("/v1/chat/completions", big, NULL, &r);
		assert_int_equal(r.status, 413);
		reply_release(&r);
		free(big);
	}
	stop_proxy();
}

static void
test_all_fail_and_stream(void **state)
{
	char yaml[2048];
	struct reply r;

	(void)state;
	snprintf(yaml, sizeof(yaml),
	    	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: Qwen3-8B-Q4_K_M.gguf\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    ENGINES
	    "fallback_backends:\n  fast: [code]\n",
	    fake_closed_port(), ports[F_LLAMACPP], ports[F_BROKEN],
	    fake_closed_port());
	start_proxy(yaml);

	/* both down: 502 naming both and why */
	post("/v1/chat/completions", chat_hi, NULL, &r);
	assert_int_equal(r.status, 502);
	assert_non_null(strstr(r.body.buf, "upstream_request_failed"));
	assert_non_null(strstr(r.body.buf, "fast:"));
	assert_non_null(strstr(r.body.buf, "code:"));
	reply_release(&r);

	/* a stream: chunks in order, the usage chunk we asked for is not
	 * passed to a client that did not ask, [DONE] at the end */
	post("/v1/chat/completions", "{\"stream\":true,\"messages\":[{\"role\":"
	    "\"user\",\"content\":\"summarize my meeting notes\"}]}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "X-ModelRouter-Backend: balanced"));
	assert_non_null(strstr(r.body.buf, "\"content\":\"Hi\""));
	assert_true(strstr(r.body.buf, "\"content\":\"Hi\"") <
	    strstr(r.body.buf, "finish_reason"));
	assert_null(strstr(r.body.buf, "\"usage\""));
	assert_non_null(strstr(r.body.buf, "data: [DONE]"));
	reply_release(&r);
	/* asked for: passed on */
	post("/v1/chat/completions", "{\"stream\":true,\"stream_options\":"
	    "{\"include_usage\":true},\"messages\":[{\"role\":\"user\","
	    "\"content\":\"summarize my meeting notes\"}]}", NULL, &r);
	assert_non_null(strstr(r.body.buf, "\"usage\""));
	reply_release(&r);
	/* a stream cut half-way ends with an error event, not silence */
	post("/v1/chat/completions", "{\"model\":\"r\",\"stream\":true,"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.buf, "upstream_stream_interrupted"));
	reply_release(&r);
	stop_proxy();
}

static void
test_auth(void **state)
{
	char yaml[1024];
	struct reply r;

	(void)state;
	snprintf(yaml, sizeof(yaml),
	    "proxy:\n  api_key: s3cret-token\n"
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: Qwen3-8B-Q4_K_M.gguf\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n    model: b\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    ENGINES, ports[F_LLAMACPP], ports[F_LLAMACPP], ports[F_LLAMACPP],
	    ports[F_LLAMACPP]);
	start_proxy(yaml);
	post("/v1/chat/completions", chat_hi, NULL, &r);
	assert_int_equal(r.status, 401);
	reply_release(&r);
	post("/v1/chat/completions", chat_hi, "Authorization: Bearer wrong",
	    &r);
	assert_int_equal(r.status, 401);
	reply_release(&r);
	/* the scheme in any case */
	post("/v1/chat/completions", chat_hi,
	    "Authorization: bEaReR s3cret-token", &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	/* /health needs no key */
	post("/health", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	stop_proxy();
}

static int
setup(void **state)
{
	int i;

	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	assert_int_equal(tmpdir_make(root, sizeof(root), "mr-proxy"), 0);
	for (i = 0; i < F_COUNT; i++)
		if (i != F_HANG)
			assert_non_null(ups[i] = fake_start((enum fake)i,
			    &ports[i]));
	return 0;
}

static int
teardown(void **state)
{
	int i;

	(void)state;
	fake_stopping = 1;
	for (i = 0; i < F_COUNT; i++)
		if (ups[i] != NULL)
			MHD_stop_daemon(ups[i]);
	assert_int_equal(tmpdir_remove(root), 0);
	curl_global_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes_and_fallbacks),
		cmocka_unit_test(test_all_fail_and_stream),
		cmocka_unit_test(test_auth),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
