/*
 * Fake local model servers for tests and benchmarks: libmicrohttpd daemons
 * on 127.0.0.1 (an ephemeral port each) that answer like LM Studio,
 * Ollama, llama.cpp (ready or loading), vLLM, a web server, or not at all
 * (a hang, until fake_stop()).  The answers follow the shapes in
 * local-servers-hf-hardware.md §1.3, §2.2, §3.
 */
#ifndef MR_TEST_FAKE_SERVERS_H
#define MR_TEST_FAKE_SERVERS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#if MHD_VERSION >= 0x00097002
#define FAKE_RESULT enum MHD_Result
#else
#define FAKE_RESULT int
#endif

enum fake { F_LMSTUDIO, F_OLLAMA, F_LLAMACPP, F_LOADING, F_VLLM, F_HTML,
	F_HANG, F_SLOW, F_NOTFOUND, F_OLLAMA4K, F_BROKEN, F_NOTOOLS, F_ERR500,
	F_RATE429, F_GARBAGE, F_STALL, F_COUNT };

static const char *const fake_names[F_COUNT] = {
	"lmstudio", "ollama", "llamacpp", "loading", "vllm", "html", "hang",
	"slow", "notfound", "ollama4k", "broken", "notools", "err500",
	"rate429", "garbage", "stall"
};
static const enum fake fake_kinds[F_COUNT] = { F_LMSTUDIO, F_OLLAMA,
	F_LLAMACPP, F_LOADING, F_VLLM, F_HTML, F_HANG, F_SLOW, F_NOTFOUND,
	F_OLLAMA4K, F_BROKEN, F_NOTOOLS, F_ERR500, F_RATE429, F_GARBAGE,
	F_STALL };

/* Chat completions as llama-server answers them (a tool call, or a stream
 * with usage and [DONE]); BROKEN streams stop half-way, NOTOOLS answers a
 * tool request in text. */
static const char *
fake_chat(enum fake kind, const char *posted)
{
	bool stream = strstr(posted, "\"stream\":true") != NULL;

	if (stream && kind == F_BROKEN)
		return "data: {\"choices\":[{\"index\":0,\"delta\":"
		    "{\"role\":\"assistant\",\"content\":\"Hi\"}}]}\n\n"
		    "data: {\"choices\":[{\"index\":0,\"del";
	if (stream)
		return "data: {\"choices\":[{\"index\":0,\"delta\":"
		    "{\"role\":\"assistant\",\"content\":\"Hi\"}}]}\n\n"
		    "data: {\"choices\":[{\"index\":0,\"delta\":{},"
		    "\"finish_reason\":\"stop\"}]}\n\n"
		    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,"
		    "\"completion_tokens\":2,\"total_tokens\":11}}\n\n"
		    "data: [DONE]\n\n";
	if (kind == F_NOTOOLS || strstr(posted, "\"tools\"") == NULL)
		return "{\"object\":\"chat.completion\",\"choices\":[{"
		    "\"index\":0,\"message\":{\"role\":\"assistant\","
		    "\"content\":\"I would call get_weather(city=Paris).\"},"
		    "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"
		    "30,\"completion_tokens\":9,\"total_tokens\":39}}";
	return "{\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
	    "\"message\":{\"role\":\"assistant\",\"content\":null,"
	    "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
	    "\"function\":{\"name\":\"get_weather\",\"arguments\":"
	    "\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":"
	    "\"tool_calls\"}],\"usage\":{\"prompt_tokens\":80,"
	    "\"completion_tokens\":12,\"total_tokens\":92}}";
}

static atomic_int fake_stopping;	/* lets hanging handlers return */

/* A POST body as it arrives. */
struct fake_post {
	char	 body[1024];
	size_t	 len;
};

/* The answer KIND gives to METHOD URL (POST body POSTED). */
static const char *
fake_reply(enum fake kind, const char *method, const char *url,
    const char *posted, unsigned *status)
{
	*status = 200;
	switch (kind) {
	case F_LMSTUDIO:
		if (strcmp(url, "/api/v1/models") == 0)
			return "{\"models\":[{\"type\":\"llm\",\"key\":"
			    "\"qwen/qwen3-8b\",\"loaded_instances\":[{\"id\":"
			    "\"qwen/qwen3-8b\",\"config\":{\"context_length\":"
			    "4096}}],\"max_context_length\":40960,"
			    "\"quantization\":{\"name\":\"Q4_K_M\"},"
			    "\"capabilities\":{\"trained_for_tool_use\":true}},"
			    "{\"type\":\"llm\",\"key\":\"google/gemma-3-12b\","
			    "\"loaded_instances\":[],\"max_context_length\":"
			    "131072,\"capabilities\":{\"trained_for_tool_use\":"
			    "false}}]}";
		/* LM Studio answers unknown paths with 200 and an error */
		return "{\"error\":\"Unexpected endpoint or method.\"}";
	case F_OLLAMA:
	case F_OLLAMA4K:
		if (strcmp(url, "/api/version") == 0)
			return "{\"version\":\"0.12.3\"}";
		if (strcmp(url, "/api/ps") == 0)
			return kind == F_OLLAMA4K ? "{\"models\":[{\"name\":"
			    "\"qwen3:8b\",\"model\":\"qwen3:8b\",\"context_length\""
			    ":4096,\"details\":{\"quantization_level\":"
			    "\"Q4_K_M\"}}]}" :
			    "{\"models\":[{\"name\":\"qwen3:8b\",\"model\":"
			    "\"qwen3:8b\",\"context_length\":65536,"
			    "\"details\":{\"quantization_level\":\"Q4_K_M\"}}]}";
		if (strcmp(url, "/api/tags") == 0)
			return "{\"models\":[{\"name\":\"llama3.2:3b\","
			    "\"model\":\"llama3.2:3b\",\"details\":"
			    "{\"quantization_level\":\"Q4_K_M\"}},{\"name\":"
			    "\"qwen3:8b\",\"model\":\"qwen3:8b\",\"details\":"
			    "{\"quantization_level\":\"Q4_K_M\"}}]}";
		if (strcmp(url, "/api/show") == 0 &&
		    strcmp(method, "POST") == 0) {
			if (strstr(posted, "\"qwen3:8b\"") != NULL)
				return "{\"model_info\":{\"general.architecture"
				    "\":\"qwen3\",\"qwen3.context_length\":"
				    "40960},\"capabilities\":[\"completion\","
				    "\"tools\",\"thinking\"]}";
			if (strstr(posted, "\"llama3.2:3b\"") != NULL)
				return "{\"model_info\":{\"general.architecture"
				    "\":\"llama\",\"llama.context_length\":"
				    "131072},\"capabilities\":[\"completion\"]}";
			*status = 404;
			return "{\"error\":\"model not found\"}";
		}
		if (strcmp(url, "/v1/models") == 0)
			return "{\"object\":\"list\",\"data\":[{\"id\":"
			    "\"qwen3:8b\",\"owned_by\":\"library\"}]}";
		*status = 404;
		return "404 page not found";
	case F_SLOW:
		/* answers, but takes its time */
		for (int i = 0; i < 15 && !fake_stopping; i++)
			usleep(20000);
		/* FALLTHROUGH */
	case F_LLAMACPP:
	case F_BROKEN:
	case F_NOTOOLS:
		if (strcmp(url, "/v1/chat/completions") == 0 &&
		    strcmp(method, "POST") == 0)
			return fake_chat(kind, posted);
		if (strcmp(url, "/props") == 0)
			return kind == F_NOTOOLS ?
			    "{\"default_generation_settings\":{\"n_ctx\":"
			    "131072},\"model_path\":\"/m/Qwen3-8B-Q4_K_M.gguf\","
			    "\"chat_template_caps\":{\"supports_tool_calls\":"
			    "false},\"build_info\":\"b6500\"}" :
			    "{\"default_generation_settings\":{\"n_ctx\":"
			    "131072},\"model_path\":\"/m/Qwen3-8B-Q4_K_M.gguf\","
			    "\"chat_template_caps\":{\"supports_tool_calls\":"
			    "true},\"build_info\":\"b6500\"}";
		if (strcmp(url, "/v1/models") == 0)
			return "{\"object\":\"list\",\"data\":[{\"id\":"
			    "\"/m/Qwen3-8B-Q4_K_M.gguf\",\"owned_by\":"
			    "\"llamacpp\",\"meta\":{\"n_ctx_train\":40960}}]}";
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
	case F_NOTFOUND:
		*status = 404;
		return "404 page not found";
	case F_ERR500:
		*status = 500;
		return "{\"error\":{\"message\":\"model crashed\"}}";
	case F_RATE429:
		*status = 429;
		return "{\"error\":{\"message\":\"slow down\"}}";
	case F_GARBAGE:
		return "\x01\x02 not json at all";
	case F_STALL:		/* answered by fake_stall() */
	case F_HANG:
	case F_COUNT:
		break;
	}
	/* hang, far past any probe's timeout, until fake_stop() */
	for (int i = 0; i < 1500 && !fake_stopping; i++)
		usleep(20000);
	*status = 500;
	return "late";
}

static ssize_t
fake_stall(void *cls, uint64_t pos, char *buf, size_t max)
{
	static const char first[] = "data: {\"choices\":[{\"index\":0,"
	    "\"delta\":{\"content\":\"Hm\"}}]}\n\n";
	int i;

	(void)cls;
	if (pos == 0 && max >= sizeof(first) - 1) {
		memcpy(buf, first, sizeof(first) - 1);
		return (ssize_t)(sizeof(first) - 1);
	}
	for (i = 0; i < 1500 && !fake_stopping; i++)
		usleep(20000);
	return MHD_CONTENT_READER_END_OF_STREAM;
}

static FAKE_RESULT
fake_answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	const enum fake *kind = cls;
	struct fake_post *p = *con_cls;
	struct MHD_Response *r;
	unsigned status;
	const char *body;
	size_t n;
	FAKE_RESULT rc;

	(void)version;
	if (strcmp(method, "POST") == 0) {
		/* the body comes in pieces, then one call with none left */
		if (p == NULL) {
			if ((p = calloc(1, sizeof(*p))) == NULL)
				return MHD_NO;
			*con_cls = p;
			return MHD_YES;
		}
		if (*upload_len > 0) {
			n = sizeof(p->body) - 1 - p->len;
			n = *upload_len < n ? *upload_len : n;
			memcpy(p->body + p->len, upload, n);
			p->len += n;
			*upload_len = 0;
			return MHD_YES;
		}
	}
	if (*kind == F_STALL) {
		/* one event of a stream, then silence until fake_stop() */
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024,
		    fake_stall, NULL, NULL);
		MHD_add_response_header(r, "Content-Type", "text/event-stream");
		rc = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return rc;
	}
	body = fake_reply(*kind, method, url, p != NULL ? p->body : "",
	    &status);
	r = MHD_create_response_from_buffer(strlen(body),
	    (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	if (*kind == F_RATE429)
		MHD_add_response_header(r, "Retry-After", "7");
	MHD_add_response_header(r, "Content-Type", body[0] == '<' ?
	    "text/html" : strncmp(body, "data: ", 6) == 0 ?
	    "text/event-stream" : "application/json");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static void
fake_done(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode code)
{
	(void)cls; (void)c; (void)code;
	free(*con_cls);
	*con_cls = NULL;
}

/* Starts a fake KIND server on 127.0.0.1 port *PORT (0: any free one,
 * then told in *PORT). */
static struct MHD_Daemon *
fake_start_on(enum fake kind, unsigned *port)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)*port);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, fake_answer,
	    (void *)&fake_kinds[kind], MHD_OPTION_SOCK_ADDR, &sa,
	    MHD_OPTION_NOTIFY_COMPLETED, fake_done, NULL, MHD_OPTION_END);
	if (d == NULL)
		return NULL;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL) {
		MHD_stop_daemon(d);
		return NULL;
	}
	*port = info->port;
	return d;
}

/* Starts a fake KIND server on a free port of 127.0.0.1, told in *PORT. */
static inline struct MHD_Daemon *
fake_start(enum fake kind, unsigned *port)
{
	*port = 0;
	return fake_start_on(kind, port);
}

/* A loopback port nobody listens on (free a moment ago). */
static inline unsigned
fake_closed_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned p = 0;

	if (fd < 0)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		p = ntohs(sa.sin_port);
	close(fd);
	return p;
}

#endif
