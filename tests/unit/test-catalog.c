/*
 * Unit tests for catalog loading: our format, the reference's format,
 * overrides by id, and errors with file:line:col.  The bundled catalog
 * must load cleanly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mr/catalog.h"
#include "mr/embedded.h"

static const char good[] =
	"version: 1\n"
	"models:\n"
	"  - id: tiny-1b\n"
	"    name: Tiny 1B\n"
	"    license: apache-2.0\n"
	"    card: https://huggingface.co/x/tiny\n"
	"    roles: [fast]\n"
	"    quality: 20\n"
	"    params_b: 1.0\n"
	"    arch: {type: llama, layers: 16, kv_heads: 8, head_dim: 64}\n"
	"    context: {native: 131072}\n"
	"    tools: true\n"
	"    gguf:\n"
	"      repo: x/tiny-GGUF\n"
	"      files:\n"
	"        - {quant: Q4_K_M, file: tiny-Q4_K_M.gguf, size_gb: 0.8}\n"
	"        - {quant: Q8_0, file: tiny-Q8_0.gguf}\n"
	"    mlx:\n"
	"      - {repo: mlx-community/tiny-4bit, quant: 4bit, size_gb: 0.7}\n"
	"    ollama: [tiny:1b]\n";

/* Loads TEXT; returns 0 or -1 with the formatted error in *MSG. */
static int
load(struct mr_catalog *c, const char *text, char **msg)
{
	struct mr_error err = MR_ERROR_INIT;
	int rc = mr_catalog_add_mem(c, text, strlen(text), "t.yaml", &err);

	*msg = rc < 0 ? mr_error_format(&err) : NULL;
	mr_error_clear(&err);
	return rc;
}

static void
test_good(void **state)
{
	struct mr_catalog c;
	const struct mr_cat_model *m;
	char *msg;

	(void)state;
	mr_catalog_init(&c);
	assert_int_equal(load(&c, good, &msg), 0);
	assert_int_equal(c.n, 1);
	m = mr_catalog_find(&c, "tiny-1b");
	assert_non_null(m);
	assert_int_equal(m->roles, 1u << MR_ROLE_FAST);
	assert_int_equal(m->layers, 16);
	assert_int_equal(m->full_layers, 16);
	assert_int_equal(m->attention, MR_ATTN_FULL);
	assert_int_equal(m->ctx_native, 131072);
	assert_int_equal(m->ctx_max, 131072);
	assert_int_equal(m->tools, 1);
	assert_int_equal(m->thinking, -1);
	assert_int_equal(m->nfiles, 3);
	assert_int_equal(m->files[0].size_bytes, 800000000ULL);
	assert_false(m->files[0].estimated);
	/* no size listed: params x bits per weight, marked estimated */
	assert_true(m->files[1].estimated);
	assert_int_equal(m->files[1].size_bytes, 1062500000ULL);
	assert_true(m->files[2].mlx);
	assert_string_equal(m->files[2].repo, "mlx-community/tiny-4bit");
	assert_true(mr_strlist_has(&m->ollama, "tiny:1b"));
	assert_string_equal(m->origin, "t.yaml:3");
	assert_int_equal(c.warnings.n, 0);
	mr_catalog_release(&c);
}

static void
test_override_and_reference(void **state)
{
	static const char ref[] =
		"version: 1\n"
		"models:\n"
		"  - route: fast_local\n"
		"    repo_id: lmstudio-community/Qwen3-0.6B-GGUF\n"
		"    adapter: local_chat\n"
		"    reason: Fast.\n"
		"    recommended_memory_gb: 8\n"
		"    quality_score: 2\n"
		"    model_size_b: 0.6\n"
		"    quantization: Q4_K_M\n"
		"    hardware: [cpu]\n"
		"  - route: balanced_local\n"
		"    repo_id: mlx-community/Qwen3-4B-4bit\n"
		"    adapter: local_chat\n"
		"    reason: MLX.\n"
		"    runtime_kind: mlx-lm\n";
	static const char over[] =
		"version: 1\n"
		"models:\n"
		"  - id: tiny-1b\n"
		"    name: Tiny 1B v2\n"
		"    license: mit\n"
		"    card: https://huggingface.co/x/tiny2\n"
		"    roles: [fast, balanced]\n"
		"    quality: 25\n"
		"    params_b: 1.0\n"
		"    arch: {type: llama, layers: 16, kv_heads: 8, head_dim: 64}\n"
		"    context: {native: 131072}\n"
		"    frobnicate: 1\n"
		"    gguf: {repo: x/t, files: [{quant: Q4_K_M, file: t.gguf, "
		"size_gb: 0.8}]}\n";
	struct mr_catalog c;
	const struct mr_cat_model *m;
	char *msg;

	(void)state;
	mr_catalog_init(&c);
	assert_int_equal(load(&c, good, &msg), 0);
	assert_int_equal(load(&c, ref, &msg), 0);
	assert_int_equal(c.n, 3);
	m = mr_catalog_find(&c, "lmstudio-community/Qwen3-0.6B-GGUF");
	assert_non_null(m);
	assert_true(m->reference);
	assert_int_equal(m->roles, 1u << MR_ROLE_FAST);
	assert_int_equal(m->quality, 30);
	assert_false(m->files[0].mlx);
	assert_int_equal(m->ctx_max, 0);	/* unknown: never for 64K */
	m = mr_catalog_find(&c, "mlx-community/Qwen3-4B-4bit");
	assert_true(m->files[0].mlx);
	assert_string_equal(m->files[0].quant, "4bit");

	/* a later entry with the same id replaces the first */
	assert_int_equal(load(&c, over, &msg), 0);
	assert_int_equal(c.n, 3);
	m = mr_catalog_find(&c, "tiny-1b");
	assert_string_equal(m->name, "Tiny 1B v2");
	assert_int_equal(c.warnings.n, 1);
	assert_string_equal(c.warnings.v[0],
	    "t.yaml:12:5: unknown key 'frobnicate' in a model entry");
	assert_int_equal(c.sources.n, 3);
	mr_catalog_release(&c);
}

static void
expect_error(const char *text, const char *want)
{
	struct mr_catalog c;
	char *msg = NULL;

	mr_catalog_init(&c);
	assert_int_equal(load(&c, text, &msg), -1);
	assert_non_null(msg);
	if (strcmp(msg, want) != 0)
		fail_msg("got  %s\nwant %s", msg, want);
	assert_int_equal(c.n, 0);
	free(msg);
	mr_catalog_release(&c);
}

/* GOOD with the line starting with FROM replaced by TO. */
static char *
edit(const char *from, const char *to)
{
	const char *at = strstr(good, from);
	const char *eol;
	char *out;

	assert_non_null(at);
	eol = strchr(at, '\n');
	out = mr_xasprintf("%.*s%s%s", (int)(at - good), good, to, eol);
	return out;
}

static void
test_errors(void **state)
{
	char *t;

	(void)state;
	expect_error("version: 2\nmodels: []\n", "t.yaml:1:10: 'version' "
	    "must be 1");
	expect_error("models: [\n", "t.yaml:2:1: invalid YAML: did not find "
	    "expected node content while parsing a flow node");
	expect_error("- 1\n", "t.yaml:1:1: a catalog must be a mapping with "
	    "'version' and 'models'");
	t = edit("    roles:", "    roles: [resoning]");
	expect_error(t, "t.yaml:7:13: unknown role 'resoning' (did you mean "
	    "'reasoning'?)");
	free(t);
	t = edit("    quality:", "    quality: 200");
	expect_error(t, "t.yaml:8:14: 'quality' must be from 0 to 100, not "
	    "200");
	free(t);
	t = edit("    arch:", "    arch: {type: llama, layers: 16, kv_heads: "
	    "8, head_dim: 64, attention: swa}");
	expect_error(t, "t.yaml:10:11: swa attention needs 'sliding_window'");
	free(t);
	t = edit("    arch:", "    arch: {type: llama, layers: 16, kv_heads: "
	    "8, head_dim: 64, full_layers: 17}");
	expect_error(t, "t.yaml:10:77: 'full_layers' (17) is more than "
	    "'layers' (16)");
	free(t);
	t = edit("    card:", "    card: http://example.com");
	expect_error(t, "t.yaml:6:11: 'card' must be an https:// link to the "
	    "model card");
	free(t);
	t = edit("  - id:", "  - id: Tiny_1B!");
	expect_error(t, "t.yaml:3:9: id 'Tiny_1B!' may hold only a-z, 0-9, "
	    "'-', '.' and '_'");
	free(t);
	t = edit("        - {quant: Q8_0", "        - {quant: Q8_0, file: x, "
	    "size_gb: -1}");
	expect_error(t, "t.yaml:17:43: 'size_gb' must be from 0.001 to 2000, "
	    "not -1");
	free(t);
	t = edit("    context:", "    context: {native: 8192, max: 4096}");
	expect_error(t, "t.yaml:11:34: 'max' context is below 'native'");
	free(t);
	/* the same id twice in one file */
	t = mr_xasprintf("%s%s", good, strstr(good, "  - id:"));
	expect_error(t, "t.yaml:21:9: id 'tiny-1b' is already used at line 3");
	free(t);
}

static void
test_bundled(void **state)
{
	const struct mr_embedded_file *f = mr_embedded_find(
	    "catalog/models.yaml");
	struct mr_catalog c;
	struct mr_error err = MR_ERROR_INIT;
	size_t i, k, roles[MR_ROLE_COUNT] = { 0 };

	(void)state;
	assert_non_null(f);
	mr_catalog_init(&c);
	if (mr_catalog_add_mem(&c, f->data, f->len, "models.yaml", &err) < 0)
		fail_msg("%s", mr_error_format(&err));
	/* clean: no warnings at all */
	for (i = 0; i < c.warnings.n; i++)
		print_error("%s\n", c.warnings.v[i]);
	assert_int_equal(c.warnings.n, 0);
	for (i = 0; i < c.n; i++) {
		const struct mr_cat_model *m = &c.models[i];

		assert_false(m->reference);
		assert_true(strncmp(m->card, "https://", 8) == 0);
		assert_true(m->layers > 0 && m->kv_heads > 0 &&
		    m->head_dim > 0);
		assert_true(m->nfiles > 0);
		for (k = 0; k < MR_ROLE_COUNT; k++)
			if (m->roles & (1u << k))
				roles[k]++;
	}
	for (k = 0; k < MR_ROLE_COUNT; k++)
		assert_true(roles[k] > 0);
	mr_catalog_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_override_and_reference),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bundled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
