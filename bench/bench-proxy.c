/*
 * bench-proxy: the latency the routing proxy adds, printed as JSON.
 *
 * A fast C mock upstream (libmicrohttpd, a canned chat completion) on
 * 127.0.0.1, the proxy on a thread in front of it; one client with a
 * kept-alive connection sends the same small chat request N times
 * straight to the upstream and N times through the proxy, interleaved.
 * Added latency = proxy percentile - direct percentile (concurrency 1).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "mr/fileio.h"
#include "mr/proxy.h"

#include "../tests/unit/fake-servers.h"
#include "../tests/unit/tmpdir.h"

#define N	2000
#define WARMUP	200

static volatile sig_atomic_t stop_flag;
static int proxy_port;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static char *config;

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
	o.port = -1;
	o.stop = &stop_flag;
	o.ready = on_ready;
	if (mr_proxy_run(&o, &err) < 0) {
		fprintf(stderr, "bench-proxy: %s\n", err.msg);
		on_ready(NULL, -1);
	}
	mr_error_clear(&err);
	return NULL;
}

static size_t
sink(char *d, size_t s, size_t n, void *arg)
{
	(void)d;
	(void)arg;
	return s * n;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
one(CURL *e)
{
	double t0 = now_us();
	long status = 0;

	if (curl_easy_perform(e) != CURLE_OK)
		return -1;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	return status == 200 ? now_us() - t0 : -1;
}

static CURL *
client(const char *url, struct curl_slist *h, const char *body)
{
	CURL *e = curl_easy_init();

	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	return e;
}

int
main(void)
{
	static double direct[N], viaproxy[N];
	static const char body[] = "{\"model\":\"model-router\",\"messages\":"
	    "[{\"role\":\"user\",\"content\":\"summarize my meeting notes\"}]}";
	struct curl_slist *h;
	struct MHD_Daemon *up;
	char root[64], yaml[1024], u1[128], u2[128];
	unsigned port = 0;
	pthread_t tid;
	CURL *d, *p;
	int i, bad = 0;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((up = fake_start(F_LLAMACPP, &port)) == NULL ||
	    tmpdir_make(root, sizeof(root), "mr-bench-proxy") != 0)
		return 1;
	snprintf(yaml, sizeof(yaml), "backends:\n");
	for (i = 0; i < 4; i++) {
		static const char *const names[] = { "fast", "balanced",
			"reasoning", "code" };
		size_t n = strlen(yaml);

		snprintf(yaml + n, sizeof(yaml) - n, "  %s:\n    base_url: "
		    "http://127.0.0.1:%u/v1\n    model: m\n", names[i], port);
	}
	strncat(yaml, "engine_backends:\n  fast_local: fast\n"
	    "  balanced_local: balanced\n  reasoning_local: reasoning\n"
	    "  code_agent: code\n  web_research: reasoning\n"
	    "  multimodal_vision: reasoning\n  image_generation: reasoning\n",
	    sizeof(yaml) - strlen(yaml) - 1);
	config = mr_xasprintf("%s/routing_proxy.yaml", root);
	if (mr_write_atomic(config, yaml, strlen(yaml), 0600, NULL) < 0)
		return 1;
	pthread_create(&tid, NULL, proxy_main, NULL);
	pthread_mutex_lock(&mu);
	while (proxy_port == 0)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	if (proxy_port < 0)
		return 1;

	h = curl_slist_append(NULL, "Content-Type: application/json");
	snprintf(u1, sizeof(u1), "http://127.0.0.1:%u/v1/chat/completions",
	    port);
	snprintf(u2, sizeof(u2), "http://127.0.0.1:%d/v1/chat/completions",
	    proxy_port);
	d = client(u1, h, body);
	p = client(u2, h, body);
	for (i = 0; i < WARMUP; i++) {
		one(d);
		one(p);
	}
	for (i = 0; i < N; i++) {
		direct[i] = one(d);
		viaproxy[i] = one(p);
		bad += direct[i] < 0 || viaproxy[i] < 0;
	}
	qsort(direct, N, sizeof(double), dcmp);
	qsort(viaproxy, N, sizeof(double), dcmp);
	printf("{\"requests\": %d, \"failed\": %d, "
	    "\"direct_p50_ms\": %.3f, \"direct_p99_ms\": %.3f, "
	    "\"proxy_p50_ms\": %.3f, \"proxy_p99_ms\": %.3f, "
	    "\"added_p50_ms\": %.3f, \"added_p99_ms\": %.3f, "
	    "\"target_p50_ms\": 0.10, \"target_p99_ms\": 0.5, "
	    "\"met\": %s}\n", N, bad, direct[N / 2] / 1e3,
	    direct[N * 99 / 100] / 1e3, viaproxy[N / 2] / 1e3,
	    viaproxy[N * 99 / 100] / 1e3,
	    (viaproxy[N / 2] - direct[N / 2]) / 1e3,
	    (viaproxy[N * 99 / 100] - direct[N * 99 / 100]) / 1e3,
	    (viaproxy[N / 2] - direct[N / 2]) / 1e3 <= 0.10 &&
	    (viaproxy[N * 99 / 100] - direct[N * 99 / 100]) / 1e3 <= 0.5 ?
	    "true" : "false");
	curl_easy_cleanup(d);
	curl_easy_cleanup(p);
	curl_slist_free_all(h);
	stop_flag = 1;
	pthread_join(tid, NULL);
	fake_stopping = 1;
	MHD_stop_daemon(up);
	tmpdir_remove(root);
	free(config);
	return bad > 0;
}
