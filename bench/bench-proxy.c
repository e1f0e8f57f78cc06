/*
 * bench-proxy: the latency the routing proxy adds, printed as JSON.
 *
 * A fast C mock upstream (libmicrohttpd, a canned chat completion) on
 * 127.0.0.1, the proxy on a thread in front of it; one client with a
 * kept-alive connection sends the same small chat request N times
 * straight to the upstream and N times through the proxy, interleaved.
 * Added latency = proxy percentile - direct percentile (concurrency 1),
 * for a small chat, a 100 KB prompt, and a stream's first byte.
 *
 * Throughput: 32 client threads, each with its own kept-alive
 * connection, send requests for a few seconds, straight to the upstream
 * and then through the proxy; the direct figure is what this machine's
 * client and upstream manage alone, so it bounds the proxy's.
 *
 * A separate `model-router proxy run` process (argv[1]) gives the idle
 * RSS and the time from exec to its first 200 on /health; `proxy start`
 * the idle RSS of the background proxy.  Most of a foreground process's
 * RSS is the pages of its ~36 shared libraries that the dynamic linker
 * and their initialisers touch at start (libcrypto ~2 MiB, GnuTLS and
 * its helpers ~2 MiB); its anonymous memory is reported beside it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "mr/fileio.h"
#include "mr/proxy.h"

#include "../tests/unit/fake-servers.h"
#include "../tests/unit/proxy-thread.h"
#include "../tests/unit/tmpdir.h"

#define N	2000
#define NBIG	300
#define WARMUP	200
#define CONNS	32
#define LOAD_S	3.0

static struct proxy_thread px;
static char *config;

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

/* ---- first byte of a stream ------------------------------------------- */

struct first {
	double	 t0, at;
};

static size_t
first_byte(char *d, size_t s, size_t n, void *arg)
{
	struct first *f = arg;

	(void)d;
	if (f->at == 0)
		f->at = now_us();
	return s * n;
}

static double
ttfb(CURL *e)
{
	struct first f = { now_us(), 0 };
	long status = 0;

	curl_easy_setopt(e, CURLOPT_WRITEDATA, &f);
	if (curl_easy_perform(e) != CURLE_OK)
		return -1;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	return status == 200 && f.at > 0 ? f.at - f.t0 : -1;
}

/* ---- many connections --------------------------------------------------- */

struct load {
	int		 port;
	const char	*req;
	size_t		 reqlen;
	double		 until;
	long		 ok, bad;
};

static int
dial(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* One answer on FD: its status, or -1. */
static int
read_answer(int fd, char *buf, size_t cap)
{
	size_t len = 0, body = 0, need;
	char *end = NULL, *cl;
	ssize_t n;

	for (;;) {
		if (len == cap)
			return -1;
		if ((n = read(fd, buf + len, cap - len)) <= 0)
			return -1;
		len += (size_t)n;
		buf[len < cap ? len : cap - 1] = '\0';
		if (end == NULL && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			for (cl = buf; (cl = strchr(cl, '\n')) != NULL; cl++)
				if (strncasecmp(cl + 1, "content-length:", 15) == 0)
					body = strtoul(cl + 16, NULL, 10);
		}
		if (end != NULL) {
			need = (size_t)(end + 4 - buf) + body;
			if (len >= need)
				return (int)strtol(buf + 9, NULL, 10);
		}
	}
}

static void *
loader(void *arg)
{
	struct load *l = arg;
	char buf[65536];
	int fd = dial(l->port);

	while (fd >= 0 && now_us() < l->until) {
		if (write(fd, l->req, l->reqlen) != (ssize_t)l->reqlen ||
		    read_answer(fd, buf, sizeof(buf)) != 200) {
			l->bad++;
			close(fd);
			fd = dial(l->port);
			continue;
		}
		l->ok++;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Requests per second with CONNS connections to PORT. */
static double
throughput(int port, const char *body, long *bad)
{
	static struct load l[CONNS];
	pthread_t t[CONNS];
	char *req = mr_xasprintf("POST /v1/chat/completions HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	double t0 = now_us(), until = t0 + LOAD_S * 1e6, t1;
	long ok = 0;
	int i;

	*bad = 0;
	for (i = 0; i < CONNS; i++) {
		memset(&l[i], 0, sizeof(l[i]));
		l[i].port = port;
		l[i].req = req;
		l[i].reqlen = strlen(req);
		l[i].until = until;
		pthread_create(&t[i], NULL, loader, &l[i]);
	}
	for (i = 0; i < CONNS; i++) {
		pthread_join(t[i], NULL);
		ok += l[i].ok;
		*bad += l[i].bad;
	}
	t1 = now_us();
	free(req);
	return ok / ((t1 - t0) / 1e6);
}

/* ---- a process of its own ------------------------------------------------ */

/* VmRSS and RssAnon of PID, KiB (-1 when unknown). */
static void
rss_of(pid_t pid, long *rss, long *anon)
{
	char path[64], line[256];
	FILE *fp;

	*rss = *anon = -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtol(line + 6, NULL, 10);
		if (strncmp(line, "RssAnon:", 8) == 0)
			*anon = strtol(line + 8, NULL, 10);
	}
	fclose(fp);
}

/* `MR proxy start` (the background proxy, as a service runs): its idle
 * RSS and anonymous memory, KiB. */
static int
background(const char *mr, const char *cfg, const char *home, long *rss,
    long *anon)
{
	char ps[16], *pidfile, *cmd;
	struct mr_buf b = MR_BUF_INIT;
	pid_t pid;
	int rc;

	snprintf(ps, sizeof(ps), "%u", fake_closed_port());
	setenv("MODEL_ROUTER_HOME", home, 1);
	cmd = mr_xasprintf("'%s' proxy start --config '%s' --port %s "
	    ">/dev/null 2>&1", mr, cfg, ps);
	rc = system(cmd);
	free(cmd);
	if (rc != 0)
		return -1;
	usleep(300000);
	pidfile = mr_xasprintf("%s/proxy.pid", home);
	if (mr_read_file(pidfile, 4096, &b) < 0) {
		free(pidfile);
		return -1;
	}
	pid = (pid_t)strtol(b.buf, NULL, 10);
	rss_of(pid, rss, anon);
	mr_buf_release(&b);
	free(pidfile);
	cmd = mr_xasprintf("'%s' proxy stop >/dev/null 2>&1", mr);
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* Starts `MR proxy run` on a free port: ms to the first 200 on /health,
 * and its resident set (KiB) when idle after that, and again after 2,000
 * routed chat requests (with CFG's telemetry, one event each). */
static int
process(const char *mr, const char *cfg, double *start_ms, long *rss_kb,
    long *anon_kb, long *rss_after_kb)
{
	char ps[16], buf[4096];
	static const char hreq[] = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char chat[] = "{\"model\":\"model-router\",\"messages\":"
	    "[{\"role\":\"user\",\"content\":\"summarize my meeting notes, "
	    "key sk-abcdefghijklmnopqrstuv\"}]}";
	char *creq = mr_xasprintf("POST /v1/chat/completions HTTP/1.1\r\n"
	    "Host: x\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(chat), chat);
	unsigned port = fake_closed_port();
	double t0;
	pid_t pid;
	int fd, i, rc = -1;

	snprintf(ps, sizeof(ps), "%u", port);
	t0 = now_us();
	if ((pid = fork()) == 0) {
		int nul = open("/dev/null", O_WRONLY);

		dup2(nul, 2);
		execl(mr, mr, "proxy", "run", "--config", cfg, "--port", ps,
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 5000; i++) {	/* 5 s at most */
		if ((fd = dial((int)port)) >= 0) {
			if (write(fd, hreq, sizeof(hreq) - 1) > 0 &&
			    read_answer(fd, buf, sizeof(buf)) == 200) {
				*start_ms = (now_us() - t0) / 1e3;
				rc = 0;
				close(fd);
				break;
			}
			close(fd);
		}
		usleep(200);
	}
	usleep(300000);		/* idle */
	rss_of(pid, rss_kb, anon_kb);
	*rss_after_kb = -1;
	/* and after 2,000 requests, idle again */
	if (rc == 0 && (fd = dial((int)port)) >= 0) {
		long anon;

		for (i = 0; i < 2000; i++)
			if (write(fd, creq, strlen(creq)) <= 0 ||
			    read_answer(fd, buf, sizeof(buf)) != 200)
				break;
		if (i < 2000)
			rc = -1;
		close(fd);
		usleep(300000);
		rss_of(pid, rss_after_kb, &anon);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	free(creq);
	return rc;
}

static void
added(const char *name, double *dv, double *pv, int n, double target,
    const char *comma)
{
	qsort(dv, (size_t)n, sizeof(double), dcmp);
	qsort(pv, (size_t)n, sizeof(double), dcmp);
	printf("  \"%s\": {\"n\": %d, \"direct_p50_ms\": %.3f, "
	    "\"proxy_p50_ms\": %.3f, \"added_p50_ms\": %.3f, "
	    "\"added_p99_ms\": %.3f, \"target_ms\": %.2f, \"met\": %s}%s\n",
	    name, n, dv[n / 2] / 1e3, pv[n / 2] / 1e3,
	    (pv[n / 2] - dv[n / 2]) / 1e3,
	    (pv[n * 99 / 100] - dv[n * 99 / 100]) / 1e3, target,
	    (pv[n / 2] - dv[n / 2]) / 1e3 <= target ? "true" : "false", comma);
}

int
main(int argc, char **argv)
{
	static double direct[N], viaproxy[N];
	static const char stream_body[] = "{\"model\":\"model-router\","
	    "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
	    "\"summarize my meeting notes\"}]}";
	char *big;
	double rps_direct, rps_proxy, start_ms = -1;
	long bad_direct, bad_proxy, rss = -1, rss_after = -1, anon = -1;
	long bg_rss = -1, bg_anon = -1;
	static const char body[] = "{\"model\":\"model-router\",\"messages\":"
	    "[{\"role\":\"user\",\"content\":\"summarize my meeting notes\"}]}";
	struct curl_slist *h;
	struct MHD_Daemon *up;
	char root[64], yaml[2048], u1[128], u2[128];
	unsigned port = 0;
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
	px.config = config;
	if (proxy_thread_start(&px) < 0)
		return 1;

	h = curl_slist_append(NULL, "Content-Type: application/json");
	snprintf(u1, sizeof(u1), "http://127.0.0.1:%u/v1/chat/completions",
	    port);
	snprintf(u2, sizeof(u2), "http://127.0.0.1:%d/v1/chat/completions",
	    px.port);
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
	printf("{\n  \"requests\": %d, \"failed\": %d, "
	    "\"direct_p50_ms\": %.3f, \"direct_p99_ms\": %.3f, "
	    "\"proxy_p50_ms\": %.3f, \"proxy_p99_ms\": %.3f, "
	    "\"added_p50_ms\": %.3f, \"added_p99_ms\": %.3f, "
	    "\"target_p50_ms\": 0.10, \"target_p99_ms\": 0.5, "
	    "\"met\": %s,\n", N, bad, direct[N / 2] / 1e3,
	    direct[N * 99 / 100] / 1e3, viaproxy[N / 2] / 1e3,
	    viaproxy[N * 99 / 100] / 1e3,
	    (viaproxy[N / 2] - direct[N / 2]) / 1e3,
	    (viaproxy[N * 99 / 100] - direct[N * 99 / 100]) / 1e3,
	    (viaproxy[N / 2] - direct[N / 2]) / 1e3 <= 0.10 &&
	    (viaproxy[N * 99 / 100] - direct[N * 99 / 100]) / 1e3 <= 0.5 ?
	    "true" : "false");

	/* a 100 KB prompt */
	{
		size_t n = 100 * 1024, k;
		struct mr_buf b = MR_BUF_INIT;

		mr_buf_addstr(&b, "{\"model\":\"model-router\",\"messages\":"
		    "[{\"role\":\"user\",\"content\":\"");
		for (k = 0; b.len < n; k++)
			mr_buf_addstr(&b, k % 13 == 12 ? "refactor the parser. " :
			    "lorem ipsum dolor sit amet ");
		mr_buf_addstr(&b, "\"}]}");
		big = mr_buf_detach(&b);
	}
	curl_easy_setopt(d, CURLOPT_POSTFIELDS, big);
	curl_easy_setopt(p, CURLOPT_POSTFIELDS, big);
	for (i = 0; i < 20; i++) {
		one(d);
		one(p);
	}
	for (i = 0; i < NBIG; i++) {
		direct[i] = one(d);
		viaproxy[i] = one(p);
		bad += direct[i] < 0 || viaproxy[i] < 0;
	}
	added("prompt_100kb", direct, viaproxy, NBIG, 1.0, ",");

	/* a stream's first byte */
	curl_easy_setopt(d, CURLOPT_POSTFIELDS, stream_body);
	curl_easy_setopt(p, CURLOPT_POSTFIELDS, stream_body);
	curl_easy_setopt(d, CURLOPT_WRITEFUNCTION, first_byte);
	curl_easy_setopt(p, CURLOPT_WRITEFUNCTION, first_byte);
	for (i = 0; i < WARMUP; i++) {
		ttfb(d);
		ttfb(p);
	}
	for (i = 0; i < N / 2; i++) {
		direct[i] = ttfb(d);
		viaproxy[i] = ttfb(p);
		bad += direct[i] < 0 || viaproxy[i] < 0;
	}
	added("stream_first_byte", direct, viaproxy, N / 2, 0.2, ",");

	/* 32 connections */
	rps_direct = throughput((int)port, body, &bad_direct);
	rps_proxy = throughput(px.port, body, &bad_proxy);
	printf("  \"throughput_32_connections\": {\"seconds\": %.0f, "
	    "\"direct_rps\": %.0f, \"proxy_rps\": %.0f, \"failed\": %ld, "
	    "\"cores\": %ld, \"target_rps\": 10000, \"met\": %s, "
	    "\"bound\": \"%s\"},\n", LOAD_S, rps_direct, rps_proxy,
	    bad_direct + bad_proxy, sysconf(_SC_NPROCESSORS_ONLN),
	    rps_proxy >= 10000 ? "true" : "false",
	    rps_proxy >= 10000 ? "target met" : rps_proxy >= 0.5 *
	    rps_direct ? "this machine: client, proxy and upstream share its "
	    "cores" : "the proxy");
	bad += bad_direct + bad_proxy > 0;

	/* a process of its own, in the foreground and in the background, as
	 * the presets set it up: telemetry on, previews redacted */
	{
		size_t n = strlen(yaml);

		snprintf(yaml + n, sizeof(yaml) - n, "observability:\n"
		    "  enabled: true\n  log_path: %s/logs/events.jsonl\n"
		    "  prompt_capture: redacted_preview\n", root);
		if (mr_write_atomic(config, yaml, strlen(yaml), 0600,
		    NULL) < 0)
			bad++;
	}
	if (argc > 1 && (process(argv[1], config, &start_ms, &rss, &anon,
	    &rss_after) < 0 || background(argv[1], config, root, &bg_rss,
	    &bg_anon) < 0))
		bad++;
	printf("  \"process\": {\"start_to_first_200_ms\": %.2f, "
	    "\"target_start_ms\": 50, \"proxy_run_idle_rss_kib\": %ld, "
	    "\"proxy_run_idle_anon_kib\": %ld, "
	    "\"proxy_run_rss_after_2000_routed_requests_kib\": %ld, "
	    "\"proxy_start_idle_rss_kib\": %ld, "
	    "\"proxy_start_idle_anon_kib\": %ld, "
	    "\"target_rss_kib\": 10240, \"start_met\": %s, "
	    "\"rss_met_foreground\": %s, \"rss_met_background\": %s, "
	    "\"config\": \"telemetry on, as the presets\"}\n}\n",
	    start_ms, rss, anon, rss_after, bg_rss, bg_anon,
	    start_ms >= 0 && start_ms <= 50 ? "true" : "false",
	    rss > 0 && rss <= 10240 && rss_after > 0 && rss_after <= 10240 ?
	    "true" : "false",
	    bg_rss > 0 && bg_rss <= 10240 ? "true" : "false");
	free(big);
	curl_easy_cleanup(d);
	curl_easy_cleanup(p);
	curl_slist_free_all(h);
	proxy_thread_stop(&px);
	fake_stopping = 1;
	MHD_stop_daemon(up);
	tmpdir_remove(root);
	free(config);
	return bad > 0;
}
