/*
 * Unit tests for concurrent HTTP GETs, against a real HTTP server the test
 * starts on 127.0.0.1 (libmicrohttpd, one thread per connection so a
 * hanging answer blocks nothing else).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "mr/http.h"

#if MHD_VERSION >= 0x00097002
#define MHD_RESULT enum MHD_Result
#else
#define MHD_RESULT int
#endif

static struct MHD_Daemon *daemon_;
static volatile int stopping;	/* lets hanging handlers return */
static unsigned port;
static char big[MR_HTTP_BODY_MAX + 100];

static MHD_RESULT
answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	struct MHD_Response *r;
	const char *auth, *body = "{\"version\":\"0.12.3\"}";
	size_t len;
	unsigned status = MHD_HTTP_OK;
	MHD_RESULT rc;

	static char posted[256];
	static size_t nposted;
	static int marker;

	(void)cls; (void)version;
	if (strcmp(url, "/echo") == 0 && strcmp(method, "POST") == 0) {
		/* libmicrohttpd hands the body over in pieces, then asks
		 * once more with none left: answer then */
		if (*con_cls == NULL) {
			*con_cls = &marker;
			nposted = 0;
			return MHD_YES;
		}
		if (*upload_len > 0) {
			len = *upload_len < sizeof(posted) - 1 - nposted ?
			    *upload_len : sizeof(posted) - 1 - nposted;
			memcpy(posted + nposted, upload, len);
			nposted += len;
			posted[nposted] = '\0';
			*upload_len = 0;
			return MHD_YES;
		}
		auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Content-Type");
		body = auth && strcmp(auth, "application/json") == 0 ?
		    posted : "wrong content type";
	} else if (strcmp(url, "/hang") == 0) {
		/* hang, far past the timeout, until the test ends */
		for (int i = 0; i < 500 && !stopping; i++)
			usleep(20000);
	} else if (strcmp(url, "/big") == 0) {
		r = MHD_create_response_from_buffer(sizeof(big), big,
		    MHD_RESPMEM_PERSISTENT);
		rc = MHD_queue_response(c, MHD_HTTP_OK, r);
		MHD_destroy_response(r);
		return rc;
	} else if (strcmp(url, "/auth") == 0) {
		auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Authorization");
		body = auth && strcmp(auth, "Bearer sk-test") == 0 ? "yes" :
		    "no";
	} else if (strcmp(url, "/missing") == 0) {
		status = MHD_HTTP_NOT_FOUND;
		body = "<html>404</html>";
	}
	len = strlen(body);
	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static int
setup(void **state)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	(void)state;
	memset(big, 'x', sizeof(big));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	daemon_ = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer, NULL,
	    MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	assert_non_null(daemon_);
	info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	port = info->port;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	stopping = 1;
	MHD_stop_daemon(daemon_);
	return 0;
}

/* A loopback port nobody listens on. */
static unsigned
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned p;

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	p = ntohs(sa.sin_port);
	close(fd);
	return p;
}

static void
test_concurrent(void **state)
{
	char u[6][128];
	struct mr_http_get r[6];
	size_t i;

	(void)state;
	snprintf(u[0], sizeof(u[0]), "http://127.0.0.1:%u/api/version", port);
	snprintf(u[1], sizeof(u[1]), "http://127.0.0.1:%u/hang", port);
	snprintf(u[2], sizeof(u[2]), "http://127.0.0.1:%u/hang", port);
	snprintf(u[3], sizeof(u[3]), "http://127.0.0.1:%u/missing", port);
	snprintf(u[4], sizeof(u[4]), "http://127.0.0.1:%u/", closed_port());
	snprintf(u[5], sizeof(u[5]), "http://127.0.0.1:%u/auth", port);
	memset(r, 0, sizeof(r));
	for (i = 0; i < 6; i++) {
		r[i].url = u[i];
		r[i].timeout_ms = 1500;
	}
	r[5].bearer = "sk-test";
	r[5].post_json = NULL;
	/* (how long this takes is measured by make bench, not here) */
	mr_http_get_all(r, 6);
	assert_true(r[0].done);
	assert_int_equal(r[0].status, 200);
	assert_string_equal(r[0].body.buf, "{\"version\":\"0.12.3\"}");
	assert_false(r[1].done);
	assert_true(r[1].timed_out);
	assert_true(r[2].timed_out);
	assert_true(r[3].done);
	assert_int_equal(r[3].status, 404);
	assert_false(r[4].done);
	assert_true(r[4].refused);
	assert_true(r[4].error[0] != '\0');
	assert_string_equal(r[5].body.buf, "yes");
	for (i = 0; i < 6; i++)
		mr_http_get_release(&r[i]);
}

static void
test_big_body_and_bad_urls(void **state)
{
	char u[128];
	struct mr_http_get r[3];
	size_t i;

	(void)state;
	snprintf(u, sizeof(u), "http://127.0.0.1:%u/big", port);
	memset(r, 0, sizeof(r));
	r[0].url = u;
	r[0].timeout_ms = 2000;
	r[1].url = "file:///etc/passwd";	/* not HTTP: refused */
	r[2].url = "http://[::1";		/* malformed */
	mr_http_get_all(r, 3);
	assert_true(r[0].done);
	assert_true(r[0].truncated);
	assert_int_equal(r[0].body.len, MR_HTTP_BODY_MAX);
	assert_false(r[1].done);
	assert_int_equal(r[1].body.len, 0);
	assert_true(r[1].error[0] != '\0');
	assert_false(r[2].done);
	for (i = 0; i < 3; i++)
		mr_http_get_release(&r[i]);
	mr_http_get_all(NULL, 0);
}

static void
test_post_json(void **state)
{
	char u[128];
	struct mr_http_get r;

	(void)state;
	snprintf(u, sizeof(u), "http://127.0.0.1:%u/echo", port);
	memset(&r, 0, sizeof(r));
	r.url = u;
	r.timeout_ms = 2000;
	r.post_json = "{\"model\":\"qwen3:8b\",\"verbose\":false}";
	r.bearer = "sk-test";
	mr_http_get_all(&r, 1);
	assert_true(r.done);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.buf, r.post_json);
	mr_http_get_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_big_body_and_bad_urls),
		cmocka_unit_test(test_post_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
