/*
 * Unit tests for model store locations and GGUF file-name conventions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/modelpaths.h"

#include "tmpdir.h"

static char home[64];
static const char *env_names[8], *env_values[8];
static size_t nenv;

static const char *
fake_getenv(const char *name)
{
	size_t i;

	for (i = 0; i < nenv; i++)
		if (strcmp(env_names[i], name) == 0)
			return env_values[i];
	return NULL;
}

static void
setenv_fake(const char *name, const char *value)
{
	env_names[nenv] = name;
	env_values[nenv++] = value;
}

static void
write_file(const char *path, const char *content)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(content, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_make(home, sizeof(home), "mr-home"), 0);
	nenv = 0;
	setenv_fake("HOME", home);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_remove(home), 0);
	return 0;
}

static void
expect_path(char *got, const char *fmt, const char *arg)
{
	char want[256];

	snprintf(want, sizeof(want), fmt, arg);
	assert_string_equal(got, want);
	free(got);
}

static void
test_lmstudio(void **state)
{
	char path[256];

	(void)state;
	/* nothing there: ~/.lmstudio */
	expect_path(mr_lmstudio_home(fake_getenv), "%s/.lmstudio", home);
	/* the legacy folder when it exists */
	snprintf(path, sizeof(path), "%s/.cache", home);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/.cache/lm-studio", home);
	mkdir(path, 0755);
	expect_path(mr_lmstudio_home(fake_getenv), "%s/.cache/lm-studio",
	    home);
	/* the pointer file wins */
	snprintf(path, sizeof(path), "%s/.lmstudio-home-pointer", home);
	write_file(path, "  /data/lmstudio\n");
	expect_path(mr_lmstudio_home(fake_getenv), "%s", "/data/lmstudio");
	/* a relative pointer is ignored */
	write_file(path, "relative/dir\n");
	expect_path(mr_lmstudio_home(fake_getenv), "%s/.cache/lm-studio",
	    home);

	/* models: <home>/models, or a moved downloads folder */
	expect_path(mr_lmstudio_models_dir(home), "%s/models", home);
	snprintf(path, sizeof(path), "%s/settings.json", home);
	write_file(path, "{\"downloadsFolder\": \"/mnt/big/models\"}");
	expect_path(mr_lmstudio_models_dir(home), "%s", "/mnt/big/models");
	write_file(path, "{\"downloadsFolder\": 42}");
	expect_path(mr_lmstudio_models_dir(home), "%s/models", home);
	write_file(path, "not json");
	expect_path(mr_lmstudio_models_dir(home), "%s/models", home);
}

static void
test_hf_cache(void **state)
{
	(void)state;
	expect_path(mr_hf_hub_cache(fake_getenv), "%s/.cache/huggingface/hub",
	    home);
	setenv_fake("XDG_CACHE_HOME", "/xdg");
	expect_path(mr_hf_hub_cache(fake_getenv), "%s", "/xdg/huggingface/hub");
	setenv_fake("HF_HOME", "/hf");
	expect_path(mr_hf_hub_cache(fake_getenv), "%s", "/hf/hub");
	setenv_fake("HUGGINGFACE_HUB_CACHE", "/legacy");
	expect_path(mr_hf_hub_cache(fake_getenv), "%s", "/legacy");
	setenv_fake("HF_HUB_CACHE", "/new");
	expect_path(mr_hf_hub_cache(fake_getenv), "%s", "/new");
}

static void
test_ollama(void **state)
{
	(void)state;
	expect_path(mr_ollama_models_dir(fake_getenv), "%s/.ollama/models",
	    home);
	setenv_fake("OLLAMA_MODELS", "/srv/ollama");
	expect_path(mr_ollama_models_dir(fake_getenv), "%s", "/srv/ollama");
}

static void
test_llamacpp(void **state)
{
	(void)state;
	expect_path(mr_llamacpp_cache(fake_getenv), "%s/.cache/llama.cpp",
	    home);
	setenv_fake("XDG_CACHE_HOME", "/xdg");
	expect_path(mr_llamacpp_cache(fake_getenv), "%s", "/xdg/llama.cpp");
	setenv_fake("LLAMA_CACHE", "/srv/llama");
	expect_path(mr_llamacpp_cache(fake_getenv), "%s", "/srv/llama");
}

static void
test_shards(void **state)
{
	unsigned i, n;
	size_t stem;

	(void)state;
	assert_true(mr_gguf_shard("Qwen3-235B-A22B-Q4_K_M-00002-of-00005.gguf",
	    &i, &n, &stem));
	assert_int_equal(i, 2);
	assert_int_equal(n, 5);
	assert_int_equal(stem, strlen("Qwen3-235B-A22B-Q4_K_M"));
	assert_false(mr_gguf_shard("model-Q4_K_M.gguf", &i, &n, &stem));
	assert_false(mr_gguf_shard("-00001-of-00003.gguf", &i, &n, &stem));
	assert_false(mr_gguf_shard("m-00004-of-00003.gguf", &i, &n, &stem));
	assert_false(mr_gguf_shard("m-00000-of-00003.gguf", &i, &n, &stem));
	assert_false(mr_gguf_shard("m-0000x-of-00003.gguf", &i, &n, &stem));
}

static void
test_quant_names(void **state)
{
	static const char *const cases[][2] = {
		{ "Qwen3-8B-Q4_K_M.gguf", "Q4_K_M" },
		{ "qwen3-8b-instruct-q4_k_m.gguf", "Q4_K_M" },
		{ "gemma-3-27b-it-IQ2_XXS.gguf", "IQ2_XXS" },
		{ "model.Q8_0.gguf", "Q8_0" },
		{ "Llama-3.1-8B-Instruct-BF16-00001-of-00002.gguf", "BF16" },
		{ "gpt-oss-20b-MXFP4.gguf", "MXFP4" },
		{ "Qwen3-30B-A3B-UD-Q4_K_XL.gguf", "Q4_K_XL" },
		{ "mmproj-F16.gguf", "F16" },
		{ "model.gguf", NULL },
		{ "MyQ4_K_Mmodel.gguf", NULL },
	};
	char out[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i][1] == NULL) {
			assert_false(mr_gguf_name_quant(cases[i][0], out,
			    sizeof(out)));
			continue;
		}
		assert_true(mr_gguf_name_quant(cases[i][0], out, sizeof(out)));
		assert_string_equal(out, cases[i][1]);
	}
	assert_false(mr_gguf_name_quant("x-Q4_K_M.gguf", out, 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lmstudio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hf_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ollama, setup, teardown),
		cmocka_unit_test_setup_teardown(test_llamacpp, setup, teardown),
		cmocka_unit_test(test_shards),
		cmocka_unit_test(test_quant_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
