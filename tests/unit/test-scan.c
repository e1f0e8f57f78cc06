/*
 * Unit tests for model discovery, on fixture trees with synthetic GGUF
 * files.
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

#include "mr/scan.h"
#include "mr/util.h"

#include "gguf-writer.h"
#include "tmpdir.h"

static char root[64];

/* What the callbacks saw. */
struct seen {
	struct mr_model	 models[32];
	size_t		 n;
	struct mr_strlist warnings;
};

static void
on_model(void *ctx, const struct mr_model *m)
{
	struct seen *s = ctx;

	assert_true(s->n < 32);
	mr_model_copy(&s->models[s->n++], m);
}

static void
on_warning(void *ctx, const char *msg)
{
	mr_strlist_push(&((struct seen *)ctx)->warnings, msg);
}

static void
seen_release(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		mr_model_release(&s->models[i]);
	mr_strlist_clear(&s->warnings);
}

static const struct mr_model *
find(const struct seen *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->models[i].name, name) == 0)
			return &s->models[i];
	fail_msg("no model %s", name);
	return NULL;
}

static bool
warned(const struct seen *s, const char *needle)
{
	size_t i;

	for (i = 0; i < s->warnings.n; i++)
		if (strstr(s->warnings.v[i], needle) != NULL)
			return true;
	return false;
}

static void
mkdirs(const char *rel)
{
	tmpdir_mkdirs(root, rel, 1);
}

static char *
at(const char *rel)
{
	return mr_xasprintf("%s/%s", root, rel);
}

static void
write_text(const char *rel, const char *text)
{
	char *p = at(rel);
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

/* A small model file: ARCH, trained context CTX, optional template. */
static void
write_gguf(const char *rel, const char *arch, uint32_t ctx, int ftype,
    const char *tmpl)
{
	struct gw g;
	char key[64], *p = at(rel);

	gw_begin(&g, 3, 0);
	kv_str(&g, "general.architecture", arch);
	kv_str(&g, "general.size_label", "8B");
	if (ftype >= 0)
		kv_u32(&g, "general.file_type", (uint32_t)ftype);
	snprintf(key, sizeof(key), "%s.context_length", arch);
	kv_u32(&g, key, ctx);
	if (tmpl)
		kv_str(&g, "tokenizer.chat_template", tmpl);
	gw_end(&g);
	/* pad, so sizes differ from the header length */
	mr_buf_addstr(&g.b, "................................");
	assert_int_equal(gw_write(&g, p), 0);
	mr_buf_release(&g.b);
	free(p);
}

static int
setup(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_make(root, sizeof(root), "mr-scan"), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(tmpdir_remove(root), 0);
	return 0;
}

static void
test_lmstudio(void **state)
{
	struct seen s;
	struct mr_scan_cb cb = { on_model, on_warning, &s };
	const struct mr_model *m;
	char *models = at("models"), *a, *b;
	struct stat st1, st2;

	(void)state;
	memset(&s, 0, sizeof(s));
	mkdirs("models/lmstudio-community/Qwen3-8B-GGUF");
	write_gguf("models/lmstudio-community/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf",
	    "qwen3", 40960, 15, "{% if tools %}{{ tools }}{% endif %}");
	write_gguf("models/lmstudio-community/Qwen3-8B-GGUF/mmproj-F16.gguf",
	    "clip", 0, 1, NULL);
	mkdirs("models/unsloth/Big-GGUF");
	write_gguf("models/unsloth/Big-GGUF/Big-Q8_0-00001-of-00002.gguf",
	    "llama", 131072, -1, "plain");
	write_gguf("models/unsloth/Big-GGUF/Big-Q8_0-00002-of-00002.gguf",
	    "llama", 131072, -1, "plain");
	mkdirs("models/mlx-community/Llama-3.2-3B-Instruct-4bit");
	write_text("models/mlx-community/Llama-3.2-3B-Instruct-4bit/config.json",
	    "{\"model_type\": \"llama\", \"max_position_embeddings\": 131072,"
	    " \"quantization\": {\"group_size\": 64, \"bits\": 4}}");
	write_text("models/mlx-community/Llama-3.2-3B-Instruct-4bit/"
	    "model.safetensors", "weights");
	/* too shallow: LM Studio ignores these */
	write_gguf("models/stray.gguf", "llama", 4096, -1, NULL);
	mkdirs("models/pub");
	write_gguf("models/pub/shallow.gguf", "llama", 4096, -1, NULL);
	/* a broken link, a loop and garbage */
	mkdirs("models/bad/repo");
	a = at("models/bad/repo/gone.gguf");
	assert_int_equal(symlink("/nonexistent/x.gguf", a), 0);
	free(a);
	a = at("models/bad/repo/loop.gguf");
	assert_int_equal(symlink(a, a), 0);
	free(a);
	write_text("models/bad/repo/garbage.gguf", "this is not GGUF at all");

	mr_scan_lmstudio(models, &cb);

	assert_int_equal(s.n, 3);
	m = find(&s, "lmstudio-community/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf");
	assert_int_equal(m->source, MR_SRC_LMSTUDIO);
	assert_int_equal(m->format, MR_FMT_GGUF);
	assert_string_equal(m->arch, "qwen3");
	assert_int_equal(m->context_length, 40960);
	assert_string_equal(m->quant, "Q4_K_M");
	assert_string_equal(m->size_label, "8B");
	assert_int_equal(m->tools, 1);
	assert_true(m->has_projector);
	assert_int_equal(m->shards, 1);

	m = find(&s, "unsloth/Big-GGUF/Big-Q8_0");
	assert_int_equal(m->shards, 2);
	assert_int_equal(m->paths.n, 2);
	a = m->paths.v[0];
	b = m->paths.v[1];
	assert_int_equal(stat(a, &st1), 0);
	assert_int_equal(stat(b, &st2), 0);
	assert_int_equal(m->size_bytes, (uint64_t)(st1.st_size + st2.st_size));
	/* no file_type key: the name says Q8_0 */
	assert_string_equal(m->quant, "Q8_0");
	assert_int_equal(m->tools, 0);
	assert_false(m->has_projector);

	m = find(&s, "mlx-community/Llama-3.2-3B-Instruct-4bit");
	assert_int_equal(m->format, MR_FMT_MLX);
	assert_int_equal(m->context_length, 131072);
	assert_string_equal(m->quant, "4bit");
	assert_string_equal(m->arch, "llama");

	/* garbage is no model to run: a warning, not a model */
	assert_true(warned(&s, "garbage.gguf: not a GGUF file; not listed"));
	assert_true(warned(&s, "does not exist (a broken link?)"));
	assert_true(warned(&s, "symbolic link loop"));

	seen_release(&s);
	free(models);
}

static void
test_missing_shard_and_empty(void **state)
{
	struct seen s;
	struct mr_scan_cb cb = { on_model, on_warning, &s };
	char *models = at("models");

	(void)state;
	memset(&s, 0, sizeof(s));
	/* a folder that does not exist is no error */
	mr_scan_lmstudio(models, &cb);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.warnings.n, 0);

	mkdirs("models/p/r");
	write_gguf("models/p/r/M-00001-of-00003.gguf", "llama", 8192, -1, NULL);
	write_gguf("models/p/r/M-00003-of-00003.gguf", "llama", 8192, -1, NULL);
	mr_scan_lmstudio(models, &cb);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.models[0].shards, 2);
	assert_true(warned(&s, "missing shards"));
	seen_release(&s);
	free(models);
}

#define HEX1 "1111111111111111111111111111111111111111111111111111111111111111"
#define HEX2 "2222222222222222222222222222222222222222222222222222222222222222"
#define HEX3 "3333333333333333333333333333333333333333333333333333333333333333"
#define HEX4 "4444444444444444444444444444444444444444444444444444444444444444"

static void
test_ollama(void **state)
{
	struct seen s;
	struct mr_scan_cb cb = { on_model, on_warning, &s };
	const struct mr_model *m;
	char *models = at("ollama");

	(void)state;
	memset(&s, 0, sizeof(s));
	mkdirs("ollama/blobs");
	mkdirs("ollama/manifests/registry.ollama.ai/library/qwen3");
	mkdirs("ollama/manifests/hf.co/unsloth/Qwen3-8B-GGUF");
	write_gguf("ollama/blobs/sha256-" HEX1, "qwen3", 40960, 15,
	    "{{ if .Tools }}tools{{ end }}");
	write_text("ollama/blobs/sha256-" HEX2, "{\"num_ctx\": 65536}");
	write_text("ollama/blobs/sha256-" HEX3,
	    "{\"model_format\":\"gguf\",\"file_type\":\"Q4_K_M\","
	    "\"model_type\":\"8.2B\"}");
	write_text("ollama/manifests/registry.ollama.ai/library/qwen3/8b",
	    "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" HEX3
	    "\",\"size\":100},\"layers\":["
	    "{\"mediaType\":\"application/vnd.ollama.image.model\","
	    "\"digest\":\"sha256:" HEX1 "\",\"size\":5000000000},"
	    "{\"mediaType\":\"application/vnd.ollama.image.params\","
	    "\"digest\":\"sha256:" HEX2 "\",\"size\":20}]}");
	/* a manifest whose model blob is gone, and a garbage one */
	write_text("ollama/manifests/hf.co/unsloth/Qwen3-8B-GGUF/Q4_K_M",
	    "{\"layers\":[{\"mediaType\":\"application/vnd.ollama.image."
	    "model\",\"digest\":\"sha256:" HEX4 "\",\"size\":1}]}");
	write_text("ollama/manifests/registry.ollama.ai/library/qwen3/bad",
	    "<html>not json</html>");

	mr_scan_ollama(models, &cb);

	assert_int_equal(s.n, 1);
	m = find(&s, "qwen3:8b");
	assert_int_equal(m->source, MR_SRC_OLLAMA);
	assert_string_equal(m->arch, "qwen3");
	assert_int_equal(m->context_length, 40960);
	assert_int_equal(m->configured_context, 65536);
	assert_string_equal(m->quant, "Q4_K_M");
	assert_int_equal(m->size_bytes, 5000000120ULL);
	assert_int_equal(m->tools, 1);
	assert_true(warned(&s, "sha256-" HEX4 ": does not exist"));
	assert_true(warned(&s, "bad: manifest is not a JSON object"));
	seen_release(&s);
	free(models);
}

static void
link_rel(const char *target, const char *rel)
{
	char *p = at(rel);

	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static void
test_hf_cache(void **state)
{
	struct seen s;
	struct mr_scan_cb cb = { on_model, on_warning, &s };
	const struct mr_model *m;
	char *hub = at("hub"), *blob;
	struct stat st;

	(void)state;
	memset(&s, 0, sizeof(s));
	mkdirs("hub/models--unsloth--Qwen3-8B-GGUF/blobs");
	mkdirs("hub/models--unsloth--Qwen3-8B-GGUF/refs");
	mkdirs("hub/models--unsloth--Qwen3-8B-GGUF/snapshots/rev1");
	mkdirs("hub/models--unsloth--Qwen3-8B-GGUF/snapshots/rev2/Q8_0");
	write_gguf("hub/models--unsloth--Qwen3-8B-GGUF/blobs/aaa", "qwen3",
	    40960, 15, "tool_call");
	write_gguf("hub/models--unsloth--Qwen3-8B-GGUF/blobs/bbb", "qwen3",
	    40960, 7, NULL);
	write_gguf("hub/models--unsloth--Qwen3-8B-GGUF/blobs/ccc", "qwen3",
	    40960, 7, NULL);
	write_text("hub/models--unsloth--Qwen3-8B-GGUF/blobs/ddd.incomplete",
	    "partial");
	write_text("hub/models--unsloth--Qwen3-8B-GGUF/refs/main", "rev2\n");
	link_rel("../../blobs/aaa", "hub/models--unsloth--Qwen3-8B-GGUF/"
	    "snapshots/rev1/Qwen3-8B-Q4_K_M.gguf");
	link_rel("../../blobs/aaa", "hub/models--unsloth--Qwen3-8B-GGUF/"
	    "snapshots/rev2/Qwen3-8B-Q4_K_M.gguf");
	link_rel("../../../blobs/bbb", "hub/models--unsloth--Qwen3-8B-GGUF/"
	    "snapshots/rev2/Q8_0/Qwen3-8B-Q8_0-00001-of-00002.gguf");
	link_rel("../../../blobs/ccc", "hub/models--unsloth--Qwen3-8B-GGUF/"
	    "snapshots/rev2/Q8_0/Qwen3-8B-Q8_0-00002-of-00002.gguf");
	link_rel("../../blobs/zzz", "hub/models--unsloth--Qwen3-8B-GGUF/"
	    "snapshots/rev2/broken.gguf");
	mkdirs("hub/models--mlx-community--Qwen3-4B-4bit/snapshots/r1");
	write_text("hub/models--mlx-community--Qwen3-4B-4bit/snapshots/r1/"
	    "config.json", "{\"model_type\":\"qwen3\",\"text_config\":"
	    "{\"max_position_embeddings\":40960},\"quantization\":"
	    "{\"bits\":4}}");
	write_text("hub/models--mlx-community--Qwen3-4B-4bit/snapshots/r1/"
	    "model.safetensors", "w");
	mkdirs("hub/datasets--x--y/snapshots/r/data");
	mkdirs("hub/.locks");

	mr_scan_hf_cache(hub, &cb);

	assert_int_equal(s.n, 3);
	m = find(&s, "unsloth/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf");
	assert_int_equal(m->source, MR_SRC_HF_CACHE);
	assert_int_equal(m->tools, 1);
	assert_string_equal(m->quant, "Q4_K_M");
	/* the revision refs/main names */
	assert_non_null(strstr(m->paths.v[0], "/snapshots/rev2/"));
	blob = at("hub/models--unsloth--Qwen3-8B-GGUF/blobs/aaa");
	assert_int_equal(stat(blob, &st), 0);
	assert_int_equal(m->size_bytes, (uint64_t)st.st_size);
	free(blob);
	m = find(&s, "unsloth/Qwen3-8B-GGUF/Q8_0/Qwen3-8B-Q8_0");
	assert_int_equal(m->shards, 2);
	assert_string_equal(m->quant, "Q8_0");
	m = find(&s, "mlx-community/Qwen3-4B-4bit");
	assert_int_equal(m->format, MR_FMT_MLX);
	assert_int_equal(m->context_length, 40960);
	assert_string_equal(m->quant, "4bit");
	assert_true(warned(&s, "broken.gguf: does not exist"));
	seen_release(&s);
	free(hub);
}

/* A GGUF with tensor infos: PARAMS parameters in one 1-D tensor. */
static void
write_gguf_tensors(const char *rel, uint64_t params)
{
	struct gw g;
	char *p = at(rel);

	gw_begin(&g, 3, 1);
	kv_str(&g, "general.architecture", "llama");
	kv_u32(&g, "llama.context_length", 131072);
	gw_end(&g);
	tensor(&g, "token_embd.weight", &params, 1);
	assert_int_equal(gw_write(&g, p), 0);
	mr_buf_release(&g.b);
	free(p);
}

static void
test_folder(void **state)
{
	struct seen s;
	struct mr_scan_cb cb = { on_model, on_warning, &s };
	const struct mr_model *m;
	char *models = at("models"), *a, *b;
	struct stat st;

	(void)state;
	memset(&s, 0, sizeof(s));
	mkdirs("models/deep/a/b/c/d/e");
	write_gguf_tensors("models/flat-Q4_K_M.gguf", 8000000000ULL);
	/* split: each shard lists its own tensors */
	mkdirs("models/Big");
	write_gguf_tensors("models/Big/Big-00001-of-00002.gguf", 1000);
	write_gguf_tensors("models/Big/Big-00002-of-00002.gguf", 234);
	/* depth 4 is scanned, depth 5 is not */
	write_gguf("models/deep/a/b/c/four.gguf", "llama", 8192, -1, NULL);
	write_gguf("models/deep/a/b/c/d/five.gguf", "llama", 8192, -1, NULL);
	/* safetensors weights, one hard-linked twice: counted once */
	mkdirs("models/st");
	write_text("models/st/config.json", "{\"model_type\":\"qwen3\","
	    "\"max_position_embeddings\":32768}");
	write_text("models/st/model-1.safetensors", "0123456789");
	a = at("models/st/model-1.safetensors");
	b = at("models/st/model-2.safetensors");
	assert_int_equal(link(a, b), 0);
	free(a);
	free(b);
	/* a Hugging Face repository and an Ollama store inside */
	mkdirs("models/hub/models--org--Name/snapshots/r1");
	write_gguf("models/hub/models--org--Name/snapshots/r1/n.gguf", "qwen3",
	    40960, 15, NULL);
	mkdirs("models/ol/blobs");
	mkdirs("models/ol/manifests/registry.ollama.ai/library/tiny");
	write_gguf("models/ol/blobs/sha256-" HEX1, "llama", 2048, 2, NULL);
	write_text("models/ol/manifests/registry.ollama.ai/library/tiny/1b",
	    "{\"layers\":[{\"mediaType\":\"application/vnd.ollama.image."
	    "model\",\"digest\":\"sha256:" HEX1 "\",\"size\":1}]}");
	/* a link back up the tree, and one to the same folder twice */
	link_rel("..", "models/deep/up");
	link_rel("Big", "models/Big-again");

	mr_scan_folder(models, MR_SRC_FOLDER, &cb);

	m = find(&s, "flat-Q4_K_M.gguf");
	assert_int_equal(m->source, MR_SRC_FOLDER);
	assert_int_equal(m->params, 8000000000ULL);
	assert_string_equal(m->quant, "Q4_K_M");
	m = find(&s, "Big/Big");
	assert_int_equal(m->shards, 2);
	assert_int_equal(m->params, 1234);
	find(&s, "deep/a/b/c/four.gguf");
	m = find(&s, "st");
	assert_int_equal(m->format, MR_FMT_SAFETENSORS);
	assert_int_equal(m->context_length, 32768);
	a = at("models/st/config.json");
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(m->size_bytes, 10 + (uint64_t)st.st_size);
	free(a);
	m = find(&s, "org/Name/n.gguf");
	assert_int_equal(m->source, MR_SRC_HF_CACHE);
	m = find(&s, "tiny:1b");
	assert_int_equal(m->source, MR_SRC_OLLAMA);
	/* nothing else: not five.gguf, not Big twice */
	assert_int_equal(s.n, 6);
	assert_true(warned(&s, "the same folder as one already scanned"));
	seen_release(&s);
	free(models);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lmstudio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_shard_and_empty,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ollama, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hf_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
