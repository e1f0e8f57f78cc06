/*
 * Unit tests for Ollama manifest, config and params parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mr/ollama.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define D1 "sha256:" H64
#define D2 "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static const char manifest[] =
	"{\"schemaVersion\":2,"
	"\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
	"\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
	"\"digest\":\"" D2 "\",\"size\":485},"
	"\"layers\":["
	"{\"mediaType\":\"application/vnd.ollama.image.model\",\"digest\":\"" D1
	"\",\"size\":4683073184},"
	"{\"mediaType\":\"application/vnd.ollama.image.template\",\"digest\":\""
	D2 "\",\"size\":1429},"
	"{\"mediaType\":\"application/vnd.ollama.image.license\",\"digest\":\""
	D2 "\",\"size\":11343},"
	"{\"mediaType\":\"application/vnd.ollama.image.params\",\"digest\":\""
	D2 "\",\"size\":96}]}";

static void
test_manifest(void **state)
{
	struct mr_ollama_manifest m;
	struct mr_error e = MR_ERROR_INIT;

	(void)state;
	assert_int_equal(mr_ollama_parse_manifest(manifest, strlen(manifest),
	    &m, &e), 0);
	assert_int_equal(m.schema_version, 2);
	assert_int_equal(m.nlayers, 4);
	assert_true(m.has_model);
	assert_string_equal(m.model_digest, D1);
	assert_int_equal(m.model_size, 4683073184ULL);
	assert_true(m.has_template);
	assert_true(m.has_params);
	assert_false(m.has_projector);
	assert_string_equal(m.config_digest, D2);
	assert_int_equal(m.total_size, 485ULL + 4683073184ULL + 1429 + 11343 +
	    96);
}

static void
expect_bad(const char *json, const char *want)
{
	struct mr_ollama_manifest m;
	struct mr_error e = MR_ERROR_INIT;

	assert_int_equal(mr_ollama_parse_manifest(json, strlen(json), &m, &e),
	    -1);
	assert_non_null(e.msg);
	if (strstr(e.msg, want) == NULL)
		fail_msg("'%s' lacks '%s'", e.msg, want);
	mr_error_clear(&e);
}

static void
test_bad_manifests(void **state)
{
	(void)state;
	expect_bad("", "not a JSON object");
	expect_bad("[1,2]", "not a JSON object");
	expect_bad("{\"layers\": 3}", "no layers");
	expect_bad("{\"layers\": []}", "no model layer");
	/* a digest that would escape the blobs folder */
	expect_bad("{\"layers\":[{\"mediaType\":\"application/vnd.ollama.image."
	    "model\",\"digest\":\"sha256:../../../../etc/passwd\"}]}",
	    "no model layer");
	/* upper-case hex is not a digest Ollama writes */
	expect_bad("{\"layers\":[{\"mediaType\":\"application/vnd.ollama.image."
	    "model\",\"digest\":\"sha256:" "0123456789ABCDEF0123456789abcdef"
	    "0123456789abcdef0123456789abcdef\"}]}", "no model layer");
	expect_bad("{\"layers\":[{\"mediaType\":7,\"digest\":null}]}",
	    "no model layer");
}

static void
test_odd_sizes(void **state)
{
	static const char j[] = "{\"layers\":[{\"mediaType\":"
	    "\"application/vnd.ollama.image.model\",\"digest\":\"" D1 "\","
	    "\"size\":-5},{\"size\":1e300},{\"size\":1.5},\"junk\",null]}";
	struct mr_ollama_manifest m;

	(void)state;
	assert_int_equal(mr_ollama_parse_manifest(j, strlen(j), &m, NULL), 0);
	assert_int_equal(m.model_size, 0);
	assert_int_equal(m.total_size, 0);
	assert_int_equal(m.nlayers, 3);
}

static void
test_digests(void **state)
{
	char out[80];

	(void)state;
	assert_true(mr_ollama_digest_valid(D1));
	assert_false(mr_ollama_digest_valid("sha256:abc"));
	assert_false(mr_ollama_digest_valid("sha512:" H64));
	assert_false(mr_ollama_digest_valid(NULL));
	assert_true(mr_ollama_blob_name(D1, out, sizeof(out)));
	assert_string_equal(out, "sha256-" H64);
	assert_false(mr_ollama_blob_name(D1, out, 10));
	assert_false(mr_ollama_blob_name("sha256:/x", out, sizeof(out)));
}

static void
test_names(void **state)
{
	char out[128];

	(void)state;
	mr_ollama_display_name("registry.ollama.ai", "library", "qwen3", "8b",
	    out, sizeof(out));
	assert_string_equal(out, "qwen3:8b");
	mr_ollama_display_name("registry.ollama.ai", "jane", "tiny", "latest",
	    out, sizeof(out));
	assert_string_equal(out, "jane/tiny:latest");
	mr_ollama_display_name("hf.co", "unsloth", "Qwen3-8B-GGUF", "Q4_K_M",
	    out, sizeof(out));
	assert_string_equal(out, "hf.co/unsloth/Qwen3-8B-GGUF:Q4_K_M");
	mr_ollama_display_name("hf.co", "unsloth", "Qwen3-8B-GGUF", "Q4_K_M",
	    out, 8);
	assert_string_equal(out, "hf.co/u");
}

static int
params(const char *json, uint64_t *n, struct mr_error *e)
{
	return mr_ollama_parse_params(json, strlen(json), n, e);
}

static void
test_config_and_params(void **state)
{
	static const char cfg[] = "{\"model_format\":\"gguf\",\"model_family\":"
	    "\"qwen3\",\"model_families\":[\"qwen3\"],\"model_type\":\"8.2B\","
	    "\"file_type\":\"Q4_K_M\"}";
	struct mr_ollama_config c;
	struct mr_error e = MR_ERROR_INIT;
	uint64_t n;

	(void)state;
	assert_int_equal(mr_ollama_parse_config(cfg, strlen(cfg), &c, &e), 0);
	assert_string_equal(c.model_format, "gguf");
	assert_string_equal(c.model_family, "qwen3");
	assert_string_equal(c.model_type, "8.2B");
	assert_string_equal(c.file_type, "Q4_K_M");
	assert_int_equal(params("{\"num_ctx\":65536,\"stop\":"
	    "[\"<|im_end|>\"]}", &n, &e), 0);
	assert_int_equal(n, 65536);
	assert_int_equal(params("{\"stop\":[]}", &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(params("{\"num_ctx\":-1}", &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(params("{\"num_ctx\":2.5}", &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(params("nope", &n, &e), -1);
	mr_error_clear(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_bad_manifests),
		cmocka_unit_test(test_odd_sizes),
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_config_and_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
