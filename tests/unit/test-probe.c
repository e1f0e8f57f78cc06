/*
 * End-to-end test of server probing: fake servers on 127.0.0.1 answering
 * like LM Studio, Ollama, llama.cpp (ready and loading), vLLM, a web
 * server and a hanging one, plus a port that refuses; all probed at once.
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

#include "mr/servers.h"

#if MHD_VERSION >= 0x00097002
#define MHD_RESULT enum MHD_Result
#else
#define MHD_RESULT int
#endif

enum fake { F_LMSTUDIO, F_OLLAMA, F_LLAMACPP, F_LOADING, F_VLLM, F_HTML,
	F_HANG, F_COUNT };

static struct MHD_Daemon *daemons[F_COUNT];
static volatile int stopping;	/* lets hanging handlers return */
static unsigned ports[F_COUNT];
static const enum fake kinds[F_COUNT] = { F_LMSTUDIO, F_OLLAMA, F_LLAMACPP,
	F_LOADING, F_VLLM, F_HTML, F_HANG };

/* The answer KIND gives for URL: status and body. */
static const char *
reply(enum fake kind, const char *url, unsigned *status)
{
	*status = 200;
	switch (kind) {
	case F_LMSTUDIO:
		if (strcmp(url, "/api/v1/models") == 0)
			return "{\"models\":[{\"type\":\"llm\",\"key\":"
			    "\"qwen/qwen3-8b\",\"loaded_instances\":[{\"id\":"
			    "\"qwen/qwen3-8b\",\"config\":{\"context_length\":"
			    "4096}}],\"max_context_length\":40960,"
			    "\"capabilities\":{\"trained_for_tool_use\":true}}]}";
		/* LM Studio answers unknown paths with 200 and an error */
		return "{\"error\":\"Unexpected endpoint or method.\"}";
	case F_OLLAMA:
		if (strcmp(url, "/api/version") == 0)
			return "{\"version\":\"0.12.3\"}";
		if (strcmp(url, "/api/ps") == 0)
			return "{\"models\":[{\"name\":\"qwen3:8b\",\"model\":"
			    "\"qwen3:8b\",\"context_length\":65536}]}";
		if (strcmp(url, "/v1/models") == 0)
			return "{\"object\":\"list\",\"data\":[{\"id\":"
			    "\"qwen3:8b\",\"owned_by\":\"library\"}]}";
		*status = 404;
		return "404 page not found";
	case F_LLAMACPP:
		if (strcmp(url, "/props") == 0)
			return "{\"default_generation_settings\":{\"n_ctx\":"
			    "131072},\"model_path\":\"/m/Qwen3-8B-Q4_K_M.gguf\","
			    "\"chat_template_caps\":{\"supports_tool_calls\":"
			    "true},\"build_info\":\"b6500\"}";
		if (strcmp(url, "/health") == 0)
			return "{\"status\":\"ok\"}";
		*status = 404;
		return "{\"error\":{\"code\":404,\"message\":\"File Not Found\"}}";
	case F_LOADING:
		*status = 503;
		return "{\"error\":{\"code\":503,\"message\":\"Loading model\","
		    "\"type\":\"unavailable_error\"}}";
	case F_VLLM:
		if (strcmp(url, "/v1/models") == 0)
			return "{\"object\":\"list\",\"data\":[{\"id\":"
			    "\"Qwen/Qwen3-8B\",\"owned_by\":\"vllm\","
			    "\"max_model_len\":32768}]}";
		*status = 404;
		return "{\"detail\":\"Not Found\"}";
	case F_HTML:
		return "<html><body>my blog</body></html>";
	case F_HANG:
	case F_COUNT:
		break;
	}
	/* hang, far past the probe's timeout, until the test ends */
	for (int i = 0; i < 500 && !stopping; i++)
		usleep(20000);
	*status = 500;
	return "late";
}

static MHD_RESULT
answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	const enum fake *kind = cls;
	struct MHD_Response *r;
	unsigned status;
	const char *body;
	MHD_RESULT rc;

	(void)method; (void)version; (void)upload; (void)upload_len;
	(void)con_cls;
	body = reply(*kind, url, &status);
	r = MHD_create_response_from_buffer(strlen(body),
	    (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static unsigned
start(int i)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	daemons[i] = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, answer,
	    (void *)&kinds[i], MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	assert_non_null(daemons[i]);
	info = MHD_get_daemon_info(daemons[i], MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	return info->port;
}

static unsigned
closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned p;

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
test_probe_all(void **state)
{
	char bases[F_COUNT + 1][64];
	const char *b[F_COUNT + 1];
	struct mr_server_result *res = calloc(F_COUNT + 1, sizeof(*res));
	int i;

	(void)state;
	assert_non_null(res);
	for (i = 0; i < F_COUNT; i++) {
		ports[i] = start(i);
		/* a trailing /v1/ is accepted, as users write it */
		snprintf(bases[i], sizeof(bases[i]), "http://127.0.0.1:%u%s",
		    ports[i], i == F_OLLAMA ? "/v1/" : "");
		b[i] = bases[i];
	}
	snprintf(bases[F_COUNT], sizeof(bases[F_COUNT]),
	    "http://127.0.0.1:%u", closed_port());
	b[F_COUNT] = bases[F_COUNT];

	/* (how long this takes is measured by make bench, not here) */
	mr_probe_servers(b, F_COUNT + 1, 1500, NULL, res);

	assert_int_equal(res[F_LMSTUDIO].info.kind, MR_SRV_LMSTUDIO);
	assert_int_equal(res[F_LMSTUDIO].info.nmodels, 1);
	assert_int_equal(res[F_LMSTUDIO].info.models[0].loaded_context, 4096);
	assert_false(mr_context_ok(
	    res[F_LMSTUDIO].info.models[0].loaded_context));

	assert_int_equal(res[F_OLLAMA].info.kind, MR_SRV_OLLAMA);
	assert_string_equal(res[F_OLLAMA].info.version, "0.12.3");
	assert_int_equal(res[F_OLLAMA].info.models[0].loaded_context, 65536);
	/* the base URL lost its /v1/ suffix */
	assert_null(strstr(res[F_OLLAMA].base, "/v1"));
	assert_int_equal(res[F_OLLAMA].base[strlen(res[F_OLLAMA].base) - 1] ==
	    '/', 0);

	assert_int_equal(res[F_LLAMACPP].info.kind, MR_SRV_LLAMACPP);
	assert_int_equal(res[F_LLAMACPP].info.models[0].loaded_context, 131072);
	assert_int_equal(res[F_LLAMACPP].info.models[0].tools, 1);

	assert_true(res[F_LOADING].loading);
	assert_int_equal(res[F_LOADING].info.kind, MR_SRV_LLAMACPP);

	assert_int_equal(res[F_VLLM].info.kind, MR_SRV_VLLM);
	assert_int_equal(res[F_VLLM].info.models[0].loaded_context, 32768);

	assert_true(res[F_HTML].reachable);
	assert_int_equal(res[F_HTML].info.kind, MR_SRV_UNKNOWN);
	assert_non_null(strstr(res[F_HTML].problem, "(HTML)"));

	assert_false(res[F_HANG].reachable);
	assert_string_equal(res[F_HANG].problem, "no answer in time");
	assert_false(res[F_COUNT].reachable);
	assert_string_equal(res[F_COUNT].problem, "connection refused");

	stopping = 1;
	for (i = 0; i < F_COUNT; i++)
		MHD_stop_daemon(daemons[i]);
	free(res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
