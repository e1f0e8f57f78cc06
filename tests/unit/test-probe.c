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

#include "mr/servers.h"

#include "fake-servers.h"

/* Each server is reported once, as its probe ends. */
static void
found(void *ctx, size_t i, const struct mr_server_result *r)
{
	unsigned *seen = ctx;

	assert_true(i <= F_COUNT);
	assert_true(strncmp(r->base, "http://127.0.0.1:", 17) == 0);
	assert_int_equal(seen[i], 0);
	seen[i]++;
}

static void
test_probe_all(void **state)
{
	struct MHD_Daemon *daemons[F_COUNT];
	char bases[F_COUNT + 1][64];
	const char *b[F_COUNT + 1];
	struct mr_server_result *res = calloc(F_COUNT + 1, sizeof(*res));
	const struct mr_server_info *o;
	unsigned port = 0, seen[F_COUNT + 1] = { 0 };
	int i;

	(void)state;
	assert_non_null(res);
	for (i = 0; i < F_COUNT; i++) {
		daemons[i] = fake_start((enum fake)i, &port);
		assert_non_null(daemons[i]);
		/* a trailing /v1/ is accepted, as users write it */
		snprintf(bases[i], sizeof(bases[i]), "http://127.0.0.1:%u%s",
		    port, i == F_OLLAMA ? "/v1/" : "");
		b[i] = bases[i];
	}
	snprintf(bases[F_COUNT], sizeof(bases[F_COUNT]),
	    "http://127.0.0.1:%u", fake_closed_port());
	b[F_COUNT] = bases[F_COUNT];

	/* (how long this takes is measured by make bench, not here) */
	mr_probe_servers(b, F_COUNT + 1, 1500, NULL, res, found, &seen);

	for (i = 0; i <= F_COUNT; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(res[F_LMSTUDIO].info.kind, MR_SRV_LMSTUDIO);
	assert_int_equal(res[F_LMSTUDIO].info.nmodels, 2);
	assert_int_equal(res[F_LMSTUDIO].info.models[0].loaded_context, 4096);
	assert_false(mr_context_ok(
	    res[F_LMSTUDIO].info.models[0].loaded_context));
	assert_false(res[F_LMSTUDIO].info.models[1].loaded);

	o = &res[F_OLLAMA].info;
	assert_int_equal(o->kind, MR_SRV_OLLAMA);
	assert_string_equal(o->version, "0.12.3");
	/* /api/ps (loaded) merged with /api/tags (installed) */
	assert_int_equal(o->nmodels, 2);
	assert_string_equal(o->models[0].id, "qwen3:8b");
	assert_true(o->models[0].loaded);
	assert_int_equal(o->models[0].loaded_context, 65536);
	/* then POST /api/show for each: trained context and tools */
	assert_int_equal(o->models[0].max_context, 40960);
	assert_int_equal(o->models[0].tools, 1);
	assert_string_equal(o->models[1].id, "llama3.2:3b");
	assert_false(o->models[1].loaded);
	assert_int_equal(o->models[1].max_context, 131072);
	assert_int_equal(o->models[1].tools, 0);
	/* the base URL lost its /v1/ suffix */
	assert_null(strstr(res[F_OLLAMA].base, "/v1"));
	assert_int_equal(res[F_OLLAMA].base[strlen(res[F_OLLAMA].base) - 1] ==
	    '/', 0);

	assert_int_equal(res[F_LLAMACPP].info.kind, MR_SRV_LLAMACPP);
	assert_int_equal(res[F_LLAMACPP].info.models[0].loaded_context, 131072);
	assert_int_equal(res[F_LLAMACPP].info.models[0].max_context, 40960);
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

	fake_stopping = 1;
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
