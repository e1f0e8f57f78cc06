/*
 * End-to-end tests of the routing proxy: it runs on a thread, on a free
 * port of 127.0.0.1, in front of fake upstreams (healthy, refusing, 500,
 * 429 with Retry-After, a stream cut half-way, hanging); libcurl is the
 * client.  Also the telemetry file, /metrics, /health/backends, the
 * breaker's recovery once a probe succeeds, retries, first-byte timeouts
 * and a client that leaves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <curl/curl.h>

#include "mr/fileio.h"
#include "mr/proxy.h"

#include "fake-servers.h"
#include "proxy-thread.h"
#include "tmpdir.h"

static char root[64];
static struct MHD_Daemon *ups[F_COUNT];
static unsigned ports[F_COUNT];
static struct proxy_thread px;
static char *config;

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
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", px.port, path);
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
get(const char *path, struct reply *r)
{
	post(path, NULL, NULL, r);
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
	px.config = config;
	px.max_body = 1 << 20;
	assert_true(proxy_thread_start(&px) > 0);
}

static void
stop_proxy(void)
{
	assert_int_equal(proxy_thread_stop(&px), 0);
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


/* The value of metric line NAME{LABELS} in TEXT, or -1. */
static double
metric(const char *text, const char *series)
{
	const char *p = text;
	size_t n = strlen(series);

	while ((p = strstr(p, series)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

static void
test_telemetry_and_metrics(void **state)
{
	char yaml[2048], *log, *line, *save;
	struct mr_buf b = MR_BUF_INIT;
	struct reply r;
	int lines = 0, streamed = 0, plain = 0;

	(void)state;
	log = mr_xasprintf("%s/logs/events.jsonl", root);
	snprintf(yaml, sizeof(yaml),
	    "observability:\n  enabled: true\n  log_path: %s\n"
	    "  prompt_capture: full\n"
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n    model: b\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    ENGINES, log, ports[F_LLAMACPP], ports[F_LLAMACPP],
	    ports[F_LLAMACPP], ports[F_LLAMACPP]);
	start_proxy(yaml);
	/* secrets in the prompt never reach the file */
	post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\","
	    "\"content\":\"rewrite: Authorization: Bearer abcdefghijklmnopqrstu "
	    "key sk-proj-zyxwvutsrqponm mail jane@example.com\"}]}", NULL, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	post("/v1/chat/completions", "{\"stream\":true,\"messages\":[{\"role\":"
	    "\"user\",\"content\":\"summarize my meeting notes\"}]}", NULL, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\","
	    "\"content\":\"drop the production database\"}]}", NULL, &r);
	assert_int_equal(r.status, 409);
	reply_release(&r);

	get("/metrics", &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "Content-Type: text/plain; version=0.0.4"));
	assert_true(metric(r.body.buf,
	    "model_router_requests_total{api=\"chat\",code=\"200\"}") == 2);
	assert_true(metric(r.body.buf,
	    "model_router_requests_total{api=\"chat\",code=\"409\"}") == 1);
	/* tokens from the plain answer (30+9) and the stream (9+2) */
	{
		const char *k[] = { "fast", "balanced", "reasoning", "code" };
		double sum = 0, v;
		char series[128];
		size_t i;

		for (i = 0; i < 4; i++) {
			snprintf(series, sizeof(series), "model_router_tokens_"
			    "total{backend=\"%s\",kind=\"prompt\"}", k[i]);
			if ((v = metric(r.body.buf, series)) > 0)
				sum += v;
		}
		assert_true(sum == 39);
	}
	assert_non_null(strstr(r.body.buf,
	    "# TYPE model_router_request_duration_seconds histogram"));
	assert_non_null(strstr(r.body.buf, "le=\"+Inf\"} "));
	assert_true(metric(r.body.buf,
	    "model_router_backend_up{backend=\"code\"}") == 1);
	assert_true(metric(r.body.buf, "model_router_events_dropped") == 0);
	reply_release(&r);
	stop_proxy();	/* the writer empties its queue */

	assert_int_equal(mr_read_file(log, 1 << 20, &b), 0);
	assert_null(strstr(b.buf, "abcdefghijklmnopqrstu"));
	assert_null(strstr(b.buf, "zyxwvutsrqponm"));
	assert_null(strstr(b.buf, "jane@example.com"));
	for (line = strtok_r(b.buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		lines++;
		assert_non_null(strstr(line, "\"event_type\":\"routing_event\""));
		assert_non_null(strstr(line, "\"prompt_hash\":\""));
		/* the full decision's diagnostics, off the request path */
		assert_non_null(strstr(line, "\"complexity_score\":"));
		assert_non_null(strstr(line, "\"reason_codes\":["));
		if (strstr(line, "\"stream\":true") != NULL) {
			streamed++;
			assert_non_null(strstr(line,
			    "\"usage_total_tokens\":11"));
			assert_non_null(strstr(line, "time_to_first_byte_ms"));
			assert_non_null(strstr(line, "\"status\":\"forwarded\""));
		} else if (strstr(line, "\"status_code\":200") != NULL) {
			plain++;
			assert_non_null(strstr(line,
			    "\"usage_total_tokens\":39"));
			assert_non_null(strstr(line, "Bearer [REDACTED]"));
		} else {
			assert_non_null(strstr(line,
			    "\"status\":\"human_confirm\""));
		}
	}
	assert_int_equal(lines, 3);
	assert_int_equal(streamed, 1);
	assert_int_equal(plain, 1);
	mr_buf_release(&b);
	free(log);
}

/* Polls /health until backend NAME's cooling_down is WANT (3 s). */
static bool
wait_cooling(const char *name, bool want)
{
	char needle[128];
	struct reply r;
	bool ok = false;
	int i;

	snprintf(needle, sizeof(needle), "\"name\":\"%s\"", name);
	for (i = 0; i < 60 && !ok; i++) {
		get("/health", &r);
		const char *p = strstr(r.body.buf, needle);
		ok = p != NULL && strncmp(strstr(p, "\"cooling_down\":") + 15,
		    want ? "true" : "false", want ? 4 : 5) == 0;
		reply_release(&r);
		if (!ok)
			usleep(50000);
	}
	return ok;
}

static void
test_breaker_recovers_on_probe(void **state)
{
	char yaml[2048];
	unsigned port = fake_closed_port();
	struct MHD_Daemon *late;
	struct reply r;

	(void)state;
	snprintf(yaml, sizeof(yaml),
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "    max_retries: 0\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n    model: b\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    ENGINES
	    "fallback_backends:\n  fast: [code]\n", port, ports[F_LLAMACPP],
	    ports[F_LLAMACPP], ports[F_LLAMACPP]);
	start_proxy(yaml);
	post("/v1/chat/completions", chat_hi, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "X-ModelRouter-Backend: code"));
	reply_release(&r);
	assert_true(wait_cooling("fast", true));
	/* still down: skipped without being tried */
	post("/v1/chat/completions", chat_hi, NULL, &r);
	assert_true(has_header(&r, "X-ModelRouter-Backend: code"));
	reply_release(&r);
	get("/health/backends", &r);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.body.buf, "\"status\":\"degraded\""));
	reply_release(&r);

	/* it comes up: a probe sees it, requests go back to it */
	assert_non_null(late = fake_start_on(F_LLAMACPP, &port));
	assert_true(wait_cooling("fast", false));
	post("/v1/chat/completions", chat_hi, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "X-ModelRouter-Backend: fast"));
	assert_true(has_header(&r, "X-ModelRouter-Fallback: false"));
	reply_release(&r);
	get("/health/backends", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.buf, "\"status\":\"ok\""));
	assert_non_null(strstr(r.body.buf, "\"reachable\":true"));
	reply_release(&r);
	stop_proxy();
	MHD_stop_daemon(late);
}

static void
test_retries_and_timeouts(void **state)
{
	char yaml[2048];
	struct MHD_Daemon *hang;
	unsigned hport;
	struct reply r;
	int i;

	(void)state;
	assert_non_null(hang = fake_start(F_HANG, &hport));
	/* fast: 500 twice more, then its own error answer (nothing to fall
	 * back to); balanced: 500 that must not fall back; reasoning: hangs,
	 * given up at the first byte, then code */
	snprintf(yaml, sizeof(yaml),
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "    max_retries: 2\n    retry_backoff_seconds: 0.01\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n    model: b\n"
	    "    fallback_on: [connect, timeout]\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "    first_byte_timeout_seconds: 0.3\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    "  slowpoke:\n    base_url: http://127.0.0.1:%u/v1\n    model: sp\n"
	    ENGINES
	    "fallback_backends:\n  balanced: [code]\n  reasoning: [code]\n",
	    ports[F_ERR500], ports[F_ERR500], hport, ports[F_LLAMACPP], hport);
	start_proxy(yaml);
	post("/v1/chat/completions", chat_hi, NULL, &r);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(r.body.buf, "model crashed"));
	reply_release(&r);
	/* a 500 from balanced is passed on: fallback_on has no 5xx */
	post("/v1/chat/completions", "{\"model\":\"b\",\"messages\":[{\"role\":"
	    "\"user\",\"content\":\"hi\"}]}", NULL, &r);
	assert_int_equal(r.status, 500);
	assert_true(has_header(&r, "X-ModelRouter-Backend: balanced"));
	reply_release(&r);
	/* reasoning never starts answering: code answers instead */
	post("/v1/chat/completions", "{\"model\":\"r\",\"messages\":[{\"role\":"
	    "\"user\",\"content\":\"hi\"}]}", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(has_header(&r, "X-ModelRouter-Backend: code"));
	reply_release(&r);
	get("/metrics", &r);
	assert_true(metric(r.body.buf,
	    "model_router_retries_total{backend=\"fast\"}") == 2);
	assert_true(metric(r.body.buf, "model_router_upstream_errors_total{"
	    "backend=\"fast\",reason=\"5xx\"}") == 3);
	assert_true(metric(r.body.buf, "model_router_upstream_errors_total{"
	    "backend=\"reasoning\",reason=\"timeout\"}") == 1);
	reply_release(&r);

	/* a client that leaves: its upstream request is stopped */
	{
		CURL *e = curl_easy_init();
		char url[128];

		snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/chat/"
		    "completions", px.port);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, "{\"model\":\"sp\","
		    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 300L);
		assert_int_equal(curl_easy_perform(e),
		    CURLE_OPERATION_TIMEDOUT);
		curl_easy_cleanup(e);
	}
	for (i = 0; i < 60; i++) {
		get("/metrics", &r);
		if (metric(r.body.buf, "model_router_requests_total{api="
		    "\"chat\",code=\"499\"}") == 1)
			break;
		reply_release(&r);
		usleep(50000);
	}
	assert_true(i < 60);
	reply_release(&r);
	stop_proxy();
	fake_stopping = 1;	/* its handlers still sleep: wake them */
	MHD_stop_daemon(hang);
	fake_stopping = 0;
}

static void
test_each_backend_once(void **state)
{
	char yaml[2048];
	struct reply r;

	(void)state;
	/* fast refuses (tried twice: once and a retry), busy answers 429 */
	snprintf(yaml, sizeof(yaml),
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "    retry_backoff_seconds: 0.01\n"
	    "  busy:\n    base_url: http://127.0.0.1:%u/v1\n    model: busy\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    "engine_backends:\n  fast_local: fast\n  balanced_local: busy\n"
	    "  reasoning_local: reasoning\n  code_agent: code\n"
	    "  web_research: reasoning\n  multimodal_vision: reasoning\n"
	    "  image_generation: reasoning\n"
	    "fallback_backends:\n  fast: [busy]\n", fake_closed_port(),
	    ports[F_RATE429], ports[F_LLAMACPP], ports[F_LLAMACPP]);
	start_proxy(yaml);
	/* busy cools down for its Retry-After */
	post("/v1/chat/completions", "{\"model\":\"busy\",\"messages\":[{"
	    "\"role\":\"user\",\"content\":\"hi\"}]}", NULL, &r);
	assert_int_equal(r.status, 429);
	reply_release(&r);
	/* a probe that finds it up does not end the pause it asked for */
	get("/health/backends", &r);
	reply_release(&r);
	assert_true(wait_cooling("busy", true));
	/* fast fails and cools too; busy, cooling, is the last resort and
	 * its own 429 is the answer; fast is not tried a third time */
	post("/v1/chat/completions", chat_hi, NULL, &r);
	if (r.status != 429)
		fprintf(stderr, "%s\n%s\n", r.headers.buf, r.body.buf);
	assert_int_equal(r.status, 429);
	assert_true(has_header(&r, "X-ModelRouter-Backend: busy"));
	assert_true(has_header(&r, "X-ModelRouter-Fallback: true"));
	reply_release(&r);
	get("/metrics", &r);
	assert_true(metric(r.body.buf, "model_router_upstream_errors_total{"
	    "backend=\"fast\",reason=\"connect\"}") == 2);
	assert_true(metric(r.body.buf, "model_router_retries_total{backend="
	    "\"fast\"}") == 1);
	reply_release(&r);
	stop_proxy();
}

/* A client that goes silent is dropped; one waiting on its backend is not. */
static void
test_idle_timeout(void **state)
{
	char yaml[2048], buf[256];
	struct MHD_Daemon *hang;
	struct sockaddr_in sa;
	unsigned hport;
	struct reply r;
	ssize_t n;
	int fd;

	(void)state;
	assert_non_null(hang = fake_start(F_HANG, &hport));
	snprintf(yaml, sizeof(yaml),
	    "proxy:\n  idle_timeout_seconds: 1\n"
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "    timeout_seconds: 2\n    max_retries: 0\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n    model: b\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    ENGINES, hport, ports[F_LLAMACPP], ports[F_LLAMACPP],
	    ports[F_LLAMACPP]);
	start_proxy(yaml);
	/* waiting 2 s on its backend, past the 1 s idle limit: answered */
	post("/v1/chat/completions", "{\"model\":\"f\",\"messages\":[{\"role\":"
	    "\"user\",\"content\":\"hi\"}]}", NULL, &r);
	assert_int_equal(r.status, 502);
	assert_non_null(strstr(r.body.buf, "fast:"));
	reply_release(&r);
	/* half a request, then silence: closed */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)px.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_true(write(fd, "POST /v1/chat/completions HTTP/1.1\r\n", 36) ==
	    36);
	{
		struct timeval tv = { 5, 0 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	n = read(fd, buf, sizeof(buf));
	/* closed (or reset) by the proxy, before our own 5 s wait ends */
	assert_true(n == 0 || (n < 0 && errno == ECONNRESET));
	close(fd);
	stop_proxy();
	fake_stopping = 1;
	MHD_stop_daemon(hang);
	fake_stopping = 0;
}

static size_t
first_chunk_then_leave(char *d, size_t s, size_t n, void *arg)
{
	(void)d;
	(void)arg;
	return s * n > 0 ? 0 : 0;	/* got a byte: hang up */
}

/* A client that leaves a stream whose upstream has gone silent: the
 * proxy notices within a couple of seconds and stops the upstream. */
static void
test_stream_client_leaves(void **state)
{
	char yaml[2048], url[128];
	struct reply r;
	CURL *e;
	int i;

	(void)state;
	snprintf(yaml, sizeof(yaml),
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n    model: b\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    ENGINES, ports[F_STALL], ports[F_LLAMACPP], ports[F_LLAMACPP],
	    ports[F_LLAMACPP]);
	start_proxy(yaml);
	e = curl_easy_init();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/chat/completions",
	    px.port);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, "{\"model\":\"f\",\"stream\":"
	    "true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, first_chunk_then_leave);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
	assert_int_equal(curl_easy_perform(e), CURLE_WRITE_ERROR);
	curl_easy_cleanup(e);
	/* the stream's end is counted once the proxy has let go of it */
	for (i = 0; i < 80; i++) {
		get("/metrics", &r);
		if (metric(r.body.buf, "model_router_in_flight_requests") == 0 &&
		    metric(r.body.buf, "model_router_requests_total{api="
		    "\"chat\",code=\"200\"}") == 1)
			break;
		reply_release(&r);
		usleep(50000);
	}
	assert_true(i < 80);
	reply_release(&r);
	stop_proxy();
}

static void *
slow_post(void *arg)
{
	post("/v1/chat/completions", "{\"model\":\"f\",\"messages\":[{\"role\":"
	    "\"user\",\"content\":\"hi\"}]}", NULL, arg);
	return NULL;
}

/* Stopping lets the request in flight finish (the slow upstream takes
 * 0.3 s), and takes no new one. */
static void
test_drain_on_stop(void **state)
{
	char yaml[2048], url[128];
	struct reply r;
	pthread_t t;
	CURL *e;

	(void)state;
	snprintf(yaml, sizeof(yaml),
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "  balanced:\n    base_url: http://127.0.0.1:%u/v1\n    model: b\n"
	    "  reasoning:\n    base_url: http://127.0.0.1:%u/v1\n    model: r\n"
	    "  code:\n    base_url: http://127.0.0.1:%u/v1\n    model: c\n"
	    ENGINES, ports[F_SLOW], ports[F_LLAMACPP], ports[F_LLAMACPP],
	    ports[F_LLAMACPP]);
	start_proxy(yaml);
	assert_int_equal(pthread_create(&t, NULL, slow_post, &r), 0);
	usleep(100000);
	proxy_thread_stopping(&px);
	usleep(100000);
	/* no new connection once stopping */
	e = curl_easy_init();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/health", px.port);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 2L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	{
		struct mr_buf sink = MR_BUF_INIT;

		curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
		assert_int_not_equal(curl_easy_perform(e), CURLE_OK);
		mr_buf_release(&sink);
	}
	curl_easy_cleanup(e);
	pthread_join(t, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.buf, "chat.completion"));
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
		cmocka_unit_test(test_telemetry_and_metrics),
		cmocka_unit_test(test_breaker_recovers_on_probe),
		cmocka_unit_test(test_retries_and_timeouts),
		cmocka_unit_test(test_each_backend_once),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_stream_client_leaves),
		cmocka_unit_test(test_drain_on_stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
