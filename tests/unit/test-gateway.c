/*
 * Unit tests for the proxy's decisions: the routing text of each API, the
 * engine and backend chain, the upstream body and the error bodies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/config.h"
#include "mr/gateway.h"

static void
expect_prompt(enum mr_gw_api api, const char *json, const char *want)
{
	cJSON *b = cJSON_Parse(json);
	char *p;

	assert_non_null(b);
	p = mr_gw_prompt(api, b);
	assert_string_equal(p, want);
	free(p);
	cJSON_Delete(b);
}

static void
test_prompt(void **state)
{
	(void)state;
	/* the last three user messages, in order; parts joined */
	expect_prompt(MR_GW_CHAT, "{\"messages\":["
	    "{\"role\":\"user\",\"content\":\"one\"},"
	    "{\"role\":\"assistant\",\"content\":\"x\"},"
	    "{\"role\":\"user\",\"content\":\"two\"},"
	    "{\"role\":\"system\",\"content\":\"sys\"},"
	    "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
	    "\"three\"},{\"type\":\"image_url\",\"image_url\":{}},{\"type\":"
	    "\"text\",\"text\":\"more\"}]},"
	    "{\"role\":\"user\",\"content\":\"four\"}]}",
	    "two three more four");
	expect_prompt(MR_GW_CHAT, "{\"messages\":[{\"role\":\"system\","
	    "\"content\":\"only\"}]}", "");
	expect_prompt(MR_GW_RESPONSES, "{\"input\":\"hello\"}", "hello");
	expect_prompt(MR_GW_RESPONSES, "{\"input\":[{\"role\":\"developer\","
	    "\"content\":\"no\"},{\"role\":\"user\",\"content\":[{\"type\":"
	    "\"input_text\",\"text\":\"yes\"}]},\"also\"]}", "yes also");
	expect_prompt(MR_GW_COMPLETIONS, "{\"prompt\":[\"a\",\"\",\"b\",\"c\","
	    "\"d\"]}", "a b c");
	expect_prompt(MR_GW_EMBEDDINGS, "{\"input\":[[1,2,3]]}", "");
	expect_prompt(MR_GW_EMBEDDINGS, "{\"input\":\"vec\"}", "vec");
}

static const char proxy_yaml[] =
	"backends:\n"
	"  fast:\n    base_url: http://127.0.0.1:1/v1\n    model: f\n"
	"    strip_tools: true\n"
	"  balanced:\n    base_url: http://127.0.0.1:2/v1\n    model: b\n"
	"  reasoning:\n    base_url: http://127.0.0.1:3/v1\n    model: r\n"
	"  code:\n    base_url: http://127.0.0.1:4/v1\n    model: c\n"
	"engine_backends:\n  fast_local: fast\n  balanced_local: balanced\n"
	"  reasoning_local: reasoning\n  code_agent: code\n"
	"  web_research: reasoning\n  multimodal_vision: reasoning\n"
	"  image_generation: reasoning\n"
	"fallback_backends:\n  fast: [balanced]\n  balanced: [reasoning, code]\n"
	"  reasoning: [code]\n"
	"backend_policy:\n  version: 1\n  backend_allowlist: []\n"
	"  backend_denylist: [code]\n";

static void
test_route(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_proxy_config *pc;
	struct mr_config *cfg;
	struct mr_router *r;
	struct mr_gw_route rt;
	cJSON *b;

	(void)state;
	pc = mr_proxycfg_load_buffer("p.yaml", proxy_yaml,
	    sizeof(proxy_yaml) - 1, NULL, &err);
	assert_non_null(pc);
	cfg = mr_config_load_default(&err);
	assert_non_null(cfg);
	mr_config_check_availability(cfg, true, NULL);
	r = mr_router_new(cfg);

	b = cJSON_Parse("{\"messages\":[{\"role\":\"user\",\"content\":"
	    "\"rewrite this text\"}]}");
	mr_gw_route(pc, r, MR_GW_CHAT, b, &rt);
	assert_string_equal(rt.engine, "fast_local");
	/* transitive, each once, the denied backend left out */
	assert_int_equal(rt.nchain, 3);
	assert_string_equal(rt.chain[0]->name, "fast");
	assert_string_equal(rt.chain[1]->name, "balanced");
	assert_string_equal(rt.chain[2]->name, "reasoning");
	cJSON_Delete(b);

	/* the chosen backend itself denied: 502 */
	b = cJSON_Parse("{\"messages\":[{\"role\":\"user\",\"content\":"
	    "\"fix the failing tests in this repo\"}]}");
	mr_gw_route(pc, r, MR_GW_CHAT, b, &rt);
	assert_string_equal(rt.engine, "code_agent");
	assert_int_equal(rt.nchain, 0);
	assert_int_equal(rt.status, 502);
	assert_string_equal(rt.error_type, "backend_policy_rejected");
	cJSON_Delete(b);

	/* model_map: a backend model, or model-router/NAME */
	b = cJSON_Parse("{\"model\":\"model-router/reasoning\",\"messages\":"
	    "[]}");
	mr_gw_route(pc, r, MR_GW_CHAT, b, &rt);
	assert_string_equal(rt.mode, "model_map");
	assert_string_equal(rt.chain[0]->name, "reasoning");
	cJSON_Delete(b);

	mr_router_free(r);
	mr_proxycfg_free(pc);
}

/* The body "balanced" gets for the client's IN is WANT, and IN is as it
 * was after. */
static void
upstream_is(const struct mr_proxy_config *pc, const char *in,
    const char *want)
{
	cJSON *b = cJSON_Parse(in);
	char *s, *before;
	bool added;

	assert_non_null(b);
	before = cJSON_PrintUnformatted(b);
	s = mr_gw_upstream_body(b, mr_proxycfg_backend(pc, "balanced"),
	    &added);
	assert_string_equal(s, want);
	assert_false(added);
	free(s);
	s = cJSON_PrintUnformatted(b);
	assert_string_equal(s, before);
	free(s);
	free(before);
	cJSON_Delete(b);
}

static void
test_bodies(void **state)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_proxy_config *pc;
	cJSON *b, *o;
	char *s;
	bool added;

	(void)state;
	pc = mr_proxycfg_load_buffer("p.yaml", proxy_yaml,
	    sizeof(proxy_yaml) - 1, NULL, &err);
	assert_non_null(pc);
	b = cJSON_Parse("{\"model\":\"model-router\",\"stream\":true,"
	    "\"tools\":[{}],\"tool_choice\":\"auto\",\"functions\":[],"
	    "\"messages\":[]}");
	s = mr_gw_upstream_body(b, mr_proxycfg_backend(pc, "fast"), &added);
	o = cJSON_Parse(s);
	assert_string_equal(cJSON_GetObjectItem(o, "model")->valuestring, "f");
	assert_null(cJSON_GetObjectItem(o, "tools"));
	assert_null(cJSON_GetObjectItem(o, "tool_choice"));
	assert_null(cJSON_GetObjectItem(o, "functions"));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(o,
	    "stream_options"), "include_usage")));
	assert_true(added);
	cJSON_Delete(o);
	free(s);
	/* a backend without strip_tools keeps them, tool calls untouched */
	s = mr_gw_upstream_body(b, mr_proxycfg_backend(pc, "balanced"),
	    &added);
	o = cJSON_Parse(s);
	assert_non_null(cJSON_GetObjectItem(o, "tools"));
	cJSON_Delete(o);
	free(s);
	cJSON_Delete(b);

	/* only the model changes: in its place, the body as it was after */
	upstream_is(pc, "{\"model\":7,\"messages\":[],\"tools\":[]}",
	    "{\"model\":\"b\",\"messages\":[],\"tools\":[]}");
	/* no model: one is added; two: the second, which many parsers would
	 * take, is dropped */
	upstream_is(pc, "{\"messages\":[]}",
	    "{\"messages\":[],\"model\":\"b\"}");
	upstream_is(pc, "{\"model\":\"x\",\"messages\":[],\"model\":\"y\"}",
	    "{\"model\":\"b\",\"messages\":[]}");

	s = mr_gw_error_body("human_confirmation_required", "Human "
	    "confirmation is required before dispatch.", "human_confirm");
	assert_string_equal(s, "{\"error\":{\"message\":\"Human confirmation "
	    "is required before dispatch.\",\"type\":\"human_confirmation_"
	    "required\"},\"selected_engine\":\"human_confirm\"}");
	free(s);
	assert_true(mr_gw_retryable(503));
	assert_true(mr_gw_retryable(429));
	assert_false(mr_gw_retryable(400));
	assert_int_equal(mr_gw_api_from_path("/v1/responses"), MR_GW_RESPONSES);
	assert_int_equal(mr_gw_api_from_path("/v1/files"), -1);
	mr_proxycfg_free(pc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prompt),
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
