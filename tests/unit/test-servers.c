/*
 * Unit tests for the parsers of local model servers' answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mr/servers.h"

typedef int (*parser)(const char *, size_t, struct mr_server_info *);

static int
run(parser p, const char *body, struct mr_server_info *out)
{
	memset(out, 0, sizeof(*out));
	return p(body, strlen(body), out);
}

static const char lms_v0[] =
	"{\"object\":\"list\",\"data\":["
	"{\"id\":\"qwen3-8b\",\"object\":\"model\",\"type\":\"llm\","
	"\"publisher\":\"qwen\",\"arch\":\"qwen3\",\"compatibility_type\":\"gguf\","
	"\"quantization\":\"Q4_K_M\",\"state\":\"loaded\","
	"\"max_context_length\":40960,\"loaded_context_length\":4096,"
	"\"capabilities\":[\"tool_use\"]},"
	"{\"id\":\"gemma-3-12b\",\"object\":\"model\",\"type\":\"vlm\","
	"\"compatibility_type\":\"gguf\",\"quantization\":\"Q4_0\","
	"\"state\":\"not-loaded\",\"max_context_length\":131072,"
	"\"capabilities\":[]}]}";

static const char lms_v1[] =
	"{\"models\":[{\"type\":\"llm\",\"publisher\":\"qwen\","
	"\"key\":\"qwen/qwen3-8b\",\"display_name\":\"Qwen3 8B\","
	"\"quantization\":{\"name\":\"Q4_K_M\",\"bits_per_weight\":4},"
	"\"loaded_instances\":[{\"id\":\"qwen/qwen3-8b\",\"config\":"
	"{\"context_length\":65536,\"parallel\":1}},{\"id\":\"qwen/qwen3-8b:2\","
	"\"config\":{\"context_length\":131072}}],"
	"\"max_context_length\":131072,\"format\":\"gguf\","
	"\"capabilities\":{\"vision\":false,\"trained_for_tool_use\":true}},"
	"{\"type\":\"embedding\",\"key\":\"nomic\",\"loaded_instances\":[]}]}";

static void
test_lmstudio(void **state)
{
	struct mr_server_info s;

	(void)state;
	assert_int_equal(run(mr_parse_lmstudio_v0_models, lms_v0, &s), 0);
	assert_int_equal(s.kind, MR_SRV_LMSTUDIO);
	assert_int_equal(s.nmodels, 2);
	assert_string_equal(s.models[0].id, "qwen3-8b");
	assert_true(s.models[0].loaded);
	assert_int_equal(s.models[0].loaded_context, 4096);
	assert_false(mr_context_ok(s.models[0].loaded_context));
	assert_int_equal(s.models[0].max_context, 40960);
	assert_int_equal(s.models[0].tools, 1);
	assert_string_equal(s.models[0].quant, "Q4_K_M");
	assert_false(s.models[1].loaded);
	assert_int_equal(s.models[1].loaded_context, 0);
	assert_int_equal(s.models[1].tools, 0);

	assert_int_equal(run(mr_parse_lmstudio_v1_models, lms_v1, &s), 0);
	assert_int_equal(s.nmodels, 2);
	assert_string_equal(s.models[0].id, "qwen/qwen3-8b");
	/* the smallest loaded instance */
	assert_int_equal(s.models[0].loaded_context, 65536);
	assert_true(mr_context_ok(s.models[0].loaded_context));
	assert_int_equal(s.models[0].tools, 1);
	assert_false(s.models[1].loaded);

	/* each shape is its own fingerprint */
	assert_int_equal(run(mr_parse_lmstudio_v0_models, lms_v1, &s), -1);
	assert_int_equal(run(mr_parse_lmstudio_v1_models, lms_v0, &s), -1);
}

static void
test_ollama(void **state)
{
	static const char ps[] = "{\"models\":[{\"name\":\"qwen3:8b\","
	    "\"model\":\"qwen3:8b\",\"size\":6654289920,\"digest\":\"x\","
	    "\"details\":{\"format\":\"gguf\",\"quantization_level\":\"Q4_K_M\"},"
	    "\"expires_at\":\"2026-11-21T06:00:00Z\",\"size_vram\":6654289920,"
	    "\"context_length\":4096}]}";
	struct mr_server_info s;

	(void)state;
	assert_int_equal(run(mr_parse_ollama_ps, ps, &s), 0);
	assert_int_equal(s.kind, MR_SRV_OLLAMA);
	assert_int_equal(s.nmodels, 1);
	assert_int_equal(s.models[0].loaded_context, 4096);
	assert_string_equal(s.models[0].quant, "Q4_K_M");
	assert_int_equal(run(mr_parse_ollama_ps, "{\"models\":[]}", &s), 0);
	assert_int_equal(s.nmodels, 0);

	assert_int_equal(run(mr_parse_ollama_version,
	    "{\"version\":\"0.12.3\"}", &s), 0);
	assert_string_equal(s.version, "0.12.3");
	/* LM Studio answers /api/tags and friends with 200 and an error */
	assert_int_equal(run(mr_parse_ollama_version, "{\"error\":\"Unexpected "
	    "endpoint or method. (GET /api/version)\"}", &s), -1);
	assert_int_equal(run(mr_parse_ollama_version, "{\"version\":\"1\","
	    "\"other\":2}", &s), -1);
}

static int
show_run(const char *body, struct mr_served_model *m)
{
	return mr_parse_ollama_show(body, strlen(body), m);
}

static void
test_ollama_tags_and_show(void **state)
{
	static const char ps[] = "{\"models\":[{\"name\":\"qwen3:8b\","
	    "\"model\":\"qwen3:8b\",\"context_length\":4096}]}";
	static const char tags[] = "{\"models\":[{\"name\":\"llama3.2:3b\","
	    "\"model\":\"llama3.2:3b\",\"details\":{\"quantization_level\":"
	    "\"Q4_K_M\"}},{\"name\":\"qwen3:8b\",\"model\":\"qwen3:8b\","
	    "\"details\":{\"quantization_level\":\"Q8_0\"}}]}";
	static const char show[] = "{\"modelfile\":\"FROM x\",\"details\":{},"
	    "\"model_info\":{\"general.architecture\":\"qwen3\","
	    "\"general.parameter_count\":8190735360,"
	    "\"qwen3.context_length\":40960},"
	    "\"capabilities\":[\"completion\",\"tools\",\"thinking\"]}";
	struct mr_server_info s;
	struct mr_served_model m;
	char longarch[130], body[400];

	(void)state;
	assert_int_equal(run(mr_parse_ollama_ps, ps, &s), 0);
	/* merged: the loaded model keeps its entry, the other is added */
	assert_int_equal(mr_parse_ollama_tags(tags, strlen(tags), &s), 0);
	assert_int_equal(s.nmodels, 2);
	assert_string_equal(s.models[0].id, "qwen3:8b");
	assert_true(s.models[0].loaded);
	assert_int_equal(s.models[0].loaded_context, 4096);
	assert_string_equal(s.models[0].quant, "Q8_0");
	assert_string_equal(s.models[1].id, "llama3.2:3b");
	assert_false(s.models[1].loaded);
	assert_string_equal(s.models[1].quant, "Q4_K_M");

	memset(&m, 0, sizeof(m));
	m.tools = -1;
	assert_int_equal(mr_parse_ollama_show(show, strlen(show), &m), 0);
	assert_int_equal(m.max_context, 40960);
	assert_int_equal(m.tools, 1);
	memset(&m, 0, sizeof(m));
	assert_int_equal(show_run("{\"capabilities\":[\"completion\"]}", &m),
	    0);
	assert_int_equal(m.tools, 0);
	assert_int_equal(m.max_context, 0);
	/* an architecture name that does not fit the key is ignored */
	memset(&m, 0, sizeof(m));
	memset(longarch, 'a', sizeof(longarch) - 1);
	longarch[sizeof(longarch) - 1] = '\0';
	snprintf(body, sizeof(body), "{\"model_info\":{\"general.architecture"
	    "\":\"%s\",\"%s.context_length\":4096}}", longarch, longarch);
	assert_int_equal(show_run(body, &m), 0);
	assert_int_equal(m.max_context, 0);
	assert_int_equal(show_run("{\"error\":\"model not found\"}", &m), -1);
	assert_int_equal(show_run("<html>", &m), -1);
}

static void
test_llamacpp(void **state)
{
	static const char props[] = "{\"default_generation_settings\":"
	    "{\"n_ctx\":65536,\"params\":{\"temperature\":0.8}},"
	    "\"total_slots\":1,\"model_path\":\"/models/Qwen3-8B-Q4_K_M.gguf\","
	    "\"chat_template\":\"{{ messages }}\",\"chat_template_caps\":"
	    "{\"supports_tool_calls\":true},\"build_info\":\"b6500-abc\"}";
	static const char models[] = "{\"object\":\"list\",\"data\":[{\"id\":"
	    "\"qwen3\",\"object\":\"model\",\"owned_by\":\"llamacpp\",\"meta\":"
	    "{\"n_ctx_train\":40960,\"n_params\":8190735360}}]}";
	struct mr_server_info s;

	(void)state;
	assert_int_equal(run(mr_parse_llamacpp_props, props, &s), 0);
	assert_int_equal(s.kind, MR_SRV_LLAMACPP);
	assert_string_equal(s.models[0].id, "Qwen3-8B-Q4_K_M.gguf");
	assert_int_equal(s.models[0].loaded_context, 65536);
	assert_int_equal(s.models[0].tools, 1);
	assert_string_equal(s.version, "b6500-abc");
	assert_int_equal(run(mr_parse_openai_models, models, &s), 0);
	assert_int_equal(s.kind, MR_SRV_LLAMACPP);
	assert_int_equal(s.models[0].max_context, 40960);
}

static void
test_vllm_and_generic(void **state)
{
	static const char vllm[] = "{\"object\":\"list\",\"data\":[{\"id\":"
	    "\"Qwen/Qwen3-8B\",\"object\":\"model\",\"owned_by\":\"vllm\","
	    "\"root\":\"Qwen/Qwen3-8B\",\"max_model_len\":32768}]}";
	struct mr_server_info s;

	(void)state;
	assert_int_equal(run(mr_parse_openai_models, vllm, &s), 0);
	assert_int_equal(s.kind, MR_SRV_VLLM);
	assert_int_equal(s.models[0].loaded_context, 32768);
	assert_false(mr_context_ok(s.models[0].loaded_context));
	assert_int_equal(run(mr_parse_openai_models, "{\"data\":[{\"id\":\"x\","
	    "\"owned_by\":\"organization-owner\"}]}", &s), 0);
	assert_int_equal(s.kind, MR_SRV_OPENAI);
	assert_string_equal(mr_server_kind_name(s.kind), "openai-compatible");
}

static void
test_garbage(void **state)
{
	static const parser all[] = {
		mr_parse_lmstudio_v0_models, mr_parse_lmstudio_v1_models,
		mr_parse_ollama_ps, mr_parse_ollama_version,
		mr_parse_ollama_tags,
		mr_parse_llamacpp_props, mr_parse_openai_models,
	};
	static const char *const bodies[] = {
		"", "<html><body>404</body></html>", "null", "[]", "{}",
		"{\"data\":{}}", "{\"models\":7}",
		"{\"object\":\"list\",\"data\":[{\"id\":5}]}",
		"{\"models\":[{\"name\":\"x\"}]}",
		"{\"default_generation_settings\":[],\"model_path\":\"x\"}",
	};
	struct mr_server_info s;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		for (k = 0; k < sizeof(bodies) / sizeof(bodies[0]); k++)
			assert_int_equal(run(all[i], bodies[k], &s), -1);
	memset(&s, 0, sizeof(s));
	assert_int_equal(mr_parse_openai_models(NULL, 0, &s), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lmstudio),
		cmocka_unit_test(test_ollama),
		cmocka_unit_test(test_ollama_tags_and_show),
		cmocka_unit_test(test_llamacpp),
		cmocka_unit_test(test_vllm_and_generic),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
