/*
 * A soak of the routing proxy: SOAK_N requests (3,000 by default; `make
 * soak` sends 100,000 under ASan) from 8 client threads, each picked at
 * random among healthy, failing, cut, garbage, refused and hanging
 * upstreams, streams, bad bodies, the human gate, unknown endpoints and
 * clients that give up.  Every answer must be a success or a well-formed
 * error; the proxy's open descriptors and live heap must not grow.  The
 * upstreams run in a process of their own (fake-server, beside this
 * test), so that what is counted here is the proxy's and the clients'.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <libgen.h>
#include <malloc.h>
#include <sys/wait.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "mr/fileio.h"
#include "mr/proxy.h"

#include "fake-servers.h"	/* fake_closed_port() */
#include "proxy-thread.h"
#include "tmpdir.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MR_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define MR_ASAN 1
#endif
#ifdef MR_ASAN
/* in every ASan runtime (GCC ships no header for it) */
size_t	__sanitizer_get_current_allocated_bytes(void);
#endif

#define THREADS	8

static char root[64];
static struct proxy_thread px;
static char *config;
static atomic_long next_req, bad_answers, by_status[600];
static long total;
static char failure[512];

static size_t
collect(char *d, size_t s, size_t n, void *arg)
{
	mr_buf_add(arg, d, s * n);
	return s * n;
}

static long
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static size_t
live_heap(void)
{
#ifdef MR_ASAN
	return __sanitizer_get_current_allocated_bytes();
#else
	return mallinfo2().uordblks;
#endif
}

/* The requests a client may send: path, body, and whether it gives up. */
struct kind {
	const char	*path;
	const char	*body;
	bool		 stream;
	long		 give_up_ms;
};

static const struct kind kinds[] = {
	/* routed: fast -> err500 -> rate429 -> ok; balanced ok */
	{ "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\","
	    "\"content\":\"rewrite this text\"}]}", false, 0 },
	{ "/v1/chat/completions", "{\"stream\":true,\"messages\":[{\"role\":"
	    "\"user\",\"content\":\"summarize my meeting notes\"}]}", true, 0 },
	/* straight to each kind of upstream by its model */
	{ "/v1/chat/completions", "{\"model\":\"garbage\",\"messages\":[{"
	    "\"role\":\"user\",\"content\":\"hi\"}]}", false, 0 },
	{ "/v1/chat/completions", "{\"model\":\"broken\",\"stream\":true,"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", true, 0 },
	{ "/v1/chat/completions", "{\"model\":\"refused\",\"messages\":[{"
	    "\"role\":\"user\",\"content\":\"hi\"}]}", false, 0 },
	{ "/v1/chat/completions", "{\"model\":\"hang\",\"messages\":[{"
	    "\"role\":\"user\",\"content\":\"hi\"}]}", false, 0 },
	{ "/v1/chat/completions", "{\"model\":\"slow\",\"stream\":true,"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", true,
	    10 },
	{ "/v1/chat/completions", "{\"model\":\"e500\",\"messages\":[{"
	    "\"role\":\"user\",\"content\":\"hi\"}]}", false, 0 },
	{ "/v1/embeddings", "{\"input\":\"hello\"}", false, 0 },
	/* the gate, bad bodies, unknown endpoints, the small endpoints */
	{ "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\","
	    "\"content\":\"drop the production database\"}]}", false, 0 },
	{ "/v1/chat/completions", "{\"messages\":", false, 0 },
	{ "/v1/chat/completions", "[]", false, 0 },
	{ "/v1/files", "{}", false, 0 },
	{ "/v1/models", NULL, false, 0 },
	{ "/health", NULL, false, 0 },
	{ "/metrics", NULL, false, 0 },
	{ "/v1/chat/completions", "{\"model\":\"slow\",\"messages\":[{"
	    "\"role\":\"user\",\"content\":\"hi\"}]}", false, 10 },
	/* a stream that goes silent after its first event; the client
	 * gives up */
	{ "/v1/chat/completions", "{\"model\":\"stall\",\"stream\":true,"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", true,
	    30 },
};

static void
fail_once(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&bad_answers, 1) == 0) {
		va_start(ap, fmt);
		vsnprintf(failure, sizeof(failure), fmt, ap);
		va_end(ap);
	}
}

/* Whether the answer to K is a success or a well-formed error. */
static void
judge(const struct kind *k, CURLcode cr, long status, struct mr_buf *b)
{
	cJSON *o;

	if (k->give_up_ms > 0 && cr == CURLE_OPERATION_TIMEDOUT)
		return;		/* the client left; the proxy must not mind */
	if (cr != CURLE_OK) {
		fail_once("%s %s: %s", k->path, k->body ? k->body : "",
		    curl_easy_strerror(cr));
		return;
	}
	atomic_fetch_add(&by_status[status > 0 && status < 600 ? status : 0],
	    1);
	mr_buf_addch(b, '\0');
	if (strcmp(k->path, "/metrics") == 0) {
		if (status != 200 || strstr(b->buf, "# TYPE") == NULL)
			fail_once("/metrics: %ld", status);
		return;
	}
	if (k->stream && status == 200) {
		size_t n = b->len - 1;
		const char *done = "data: [DONE]\n\n";

		if (!(n >= strlen(done) && strcmp(b->buf + n - strlen(done),
		    done) == 0) && strstr(b->buf,
		    "\"upstream_stream_interrupted\"}}\n\n") == NULL)
			fail_once("a stream neither done nor said cut: %.200s",
			    b->buf);
		return;
	}
	if ((o = cJSON_Parse(b->buf)) == NULL) {
		fail_once("%s %s: %ld not JSON: %.200s", k->path, k->body ?
		    k->body : "", status, b->buf);
		return;
	}
	if (status >= 400 && !cJSON_IsObject(cJSON_GetObjectItem(o, "error")) &&
	    cJSON_GetObjectItem(o, "detail") == NULL)
		fail_once("%s: %ld without an error object: %.200s", k->path,
		    status, b->buf);
	if (status != 200 && status != 400 && status != 404 && status != 409 &&
	    status != 500 && status != 502)
		fail_once("%s %s: unexpected status %ld", k->path, k->body ?
		    k->body : "", status);
	cJSON_Delete(o);
}

static void *
client(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 7919u + 1;
	struct mr_buf b = MR_BUF_INIT;
	struct curl_slist *h = curl_slist_append(NULL,
	    "Content-Type: application/json");
	CURL *e = curl_easy_init();
	const struct kind *k;
	char url[160];
	long status;
	CURLcode cr;
	int r;

	while (atomic_fetch_add(&next_req, 1) < total) {
		r = rand_r(&seed) % 100;
		/* mostly the common paths; faults often enough to matter */
		k = r < 30 ? &kinds[0] : r < 50 ? &kinds[1] :
		    &kinds[(size_t)rand_r(&seed) % MR_NELEM(kinds)];
		snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", px.port,
		    k->path);
		curl_easy_reset(e);
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
		if (k->body != NULL)
			curl_easy_setopt(e, CURLOPT_POSTFIELDS, k->body);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, k->give_up_ms > 0 ?
		    k->give_up_ms : 30000L);
		mr_buf_reset(&b);
		status = 0;
		cr = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		judge(k, cr, status, &b);
	}
	curl_easy_cleanup(e);
	curl_slist_free_all(h);
	mr_buf_release(&b);
	return NULL;
}

static void
run_clients(long n)
{
	pthread_t t[THREADS];
	size_t i;

	total = n;
	atomic_store(&next_req, 0);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, client,
		    (void *)(uintptr_t)(i + 1)), 0);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
}

/* Starts fake-server (beside this binary) with KINDS; ports into PORT. */
static pid_t
start_fakes(const char *const *names, size_t n, unsigned *port, int *ctl)
{
	char exe[4096], *dir, *fs, line[128];
	int in[2], out[2];
	ssize_t len;
	pid_t pid;
	size_t i;
	FILE *fp;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(len > 0);
	exe[len] = '\0';
	dir = dirname(exe);
	fs = mr_xasprintf("%s/fake-server", dir);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	if ((pid = fork()) == 0) {
		char *argv[16];
		size_t k = 0;

		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		argv[k++] = fs;
		argv[k++] = (char *)"--lifetime";
		argv[k++] = (char *)"3600";
		for (i = 0; i < n; i++)
			argv[k++] = (char *)names[i];
		argv[k] = NULL;
		execv(fs, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	fp = fdopen(out[0], "r");
	for (i = 0; i < n; i++) {
		assert_non_null(fgets(line, sizeof(line), fp));
		port[i] = (unsigned)strtoul(strchr(line, ' ') + 1, NULL, 10);
	}
	fclose(fp);
	free(fs);
	*ctl = in[1];	/* closed: the servers stop */
	return pid;
}

static void
test_soak(void **state)
{
	/* a hanging server holds each connection for half a minute: in a
	 * process of its own, so it cannot starve the others of descriptors */
	static const char *const fakes[] = { "llamacpp", "err500", "rate429",
		"garbage", "broken", "slow" };
	static const char *const hangs[] = { "hang", "stall" };
	unsigned port[MR_NELEM(fakes) + MR_NELEM(hangs)];
	const char *env = getenv("SOAK_N");
	long n = env ? strtol(env, NULL, 10) : 3000, fds0, fds1;
	size_t heap0, heap1;
	struct mr_buf y = MR_BUF_INIT;
	pid_t fpid, hpid;
	int ctl, hctl;

	(void)state;
	fpid = start_fakes(fakes, MR_NELEM(fakes), port, &ctl);
	hpid = start_fakes(hangs, MR_NELEM(hangs), &port[MR_NELEM(fakes)],
	    &hctl);
	mr_buf_printf(&y,
	    "backends:\n"
	    "  fast:\n    base_url: http://127.0.0.1:%u/v1\n    model: f\n"
	    "    retry_backoff_seconds: 0.001\n"
	    "  e500:\n    base_url: http://127.0.0.1:%u/v1\n    model: e500\n"
	    "    retry_backoff_seconds: 0.001\n"
	    "  busy:\n    base_url: http://127.0.0.1:%u/v1\n    model: busy\n"
	    "  ok:\n    base_url: http://127.0.0.1:%u/v1\n    model: ok\n"
	    "  garbage:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: garbage\n"
	    "  broken:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: broken\n"
	    "  refused:\n    base_url: http://127.0.0.1:%u/v1\n"
	    "    model: refused\n"
	    "  hang:\n    base_url: http://127.0.0.1:%u/v1\n    model: hang\n"
	    "    first_byte_timeout_seconds: 0.05\n"
	    "  slow:\n    base_url: http://127.0.0.1:%u/v1\n    model: slow\n"
	    "  stall:\n    base_url: http://127.0.0.1:%u/v1\n    model: stall\n"
	    "engine_backends:\n  fast_local: fast\n  balanced_local: ok\n"
	    "  reasoning_local: ok\n  code_agent: ok\n  web_research: ok\n"
	    "  multimodal_vision: ok\n  image_generation: ok\n"
	    "fallback_backends:\n  fast: [e500]\n  e500: [busy]\n"
	    "  busy: [ok]\n",
	    port[1], port[1], port[2], port[0], port[3], port[4],
	    fake_closed_port(), port[6], port[5], port[7]);
	config = mr_xasprintf("%s/routing_proxy.yaml", root);
	assert_int_equal(mr_write_atomic(config, y.buf, y.len, 0600, NULL), 0);
	mr_buf_release(&y);
	px.config = config;
	px.max_body = 64 << 10;
	assert_true(proxy_thread_start(&px) > 0);

	/* warm up: connection pools, metrics series, cooldowns */
	run_clients(n / 10 > 500 ? 500 : n / 10);
	usleep(2500000);	/* streams given up are let go within ~1 s */
	fds0 = open_fds();
	heap0 = live_heap();
	run_clients(n);
	usleep(2500000);	/* streams and threads wind down */
	fds1 = open_fds();
	heap1 = live_heap();
	fprintf(stderr, "soak: %ld requests, %ld bad; 200: %ld, 400: %ld, "
	    "404: %ld, 409: %ld, 500: %ld, 502: %ld; fds %ld -> %ld, live "
	    "heap %zu -> %zu bytes\n", n, atomic_load(&bad_answers),
	    atomic_load(&by_status[200]), atomic_load(&by_status[400]),
	    atomic_load(&by_status[404]), atomic_load(&by_status[409]),
	    atomic_load(&by_status[500]), atomic_load(&by_status[502]), fds0,
	    fds1, heap0, heap1);
	if (atomic_load(&bad_answers) > 0)
		fprintf(stderr, "soak: first bad answer: %s\n", failure);
	assert_int_equal(atomic_load(&bad_answers), 0);
	/* pooled connections come and go; a leak grows with N */
	assert_true(fds1 <= fds0 + 16);
	assert_true(heap1 <= heap0 + (1u << 20));

	proxy_thread_stop(&px);
	close(ctl);
	close(hctl);
	kill(fpid, SIGTERM);
	kill(hpid, SIGTERM);
	waitpid(fpid, NULL, 0);
	waitpid(hpid, NULL, 0);
	free(config);
}

static int
setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	signal(SIGPIPE, SIG_IGN);
	return tmpdir_make(root, sizeof(root), "mr-soak");
}

static int
teardown(void **state)
{
	(void)state;
	curl_global_cleanup();
	return tmpdir_remove(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_soak),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
