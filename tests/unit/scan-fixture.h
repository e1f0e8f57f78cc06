/*
 * Fixture trees for discovery tests and benchmarks, written under ROOT:
 *
 *   ROOT/home   a user's home: LM Studio with its downloads folder moved
 *               (to ROOT/disk/lms), an Ollama store, a Hugging Face cache
 *               with two snapshots sharing blobs, llama.cpp's cache, and
 *               ~/models with a split GGUF, an MLX folder and bad input
 *               (garbage and hostile GGUF headers, a broken link, a loop)
 *   ROOT/sys    /proc/meminfo and /proc/cpuinfo of a 32 GiB, 2-core box
 *
 * fixture_big() writes NMODELS models and about NFILES files in all for
 * the scan benchmark.  Everything is deterministic: same bytes each time.
 */
#ifndef MR_TEST_SCAN_FIXTURE_H
#define MR_TEST_SCAN_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gguf-writer.h"

#define FX_HEX1 "1111111111111111111111111111111111111111111111111111111111111111"
#define FX_HEX2 "2222222222222222222222222222222222222222222222222222222222222222"
#define FX_HEX3 "3333333333333333333333333333333333333333333333333333333333333333"

/* Makes ROOT/REL's parent folders (and REL itself when DIR). */
static inline int
fx_mkdirs(const char *root, const char *rel, int dir)
{
	char full[1024], *p;

	snprintf(full, sizeof(full), "%s/%s", root, rel);
	for (p = full + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(full, 0755);
		*p = '/';
	}
	if (dir)
		mkdir(full, 0755);
	return 0;
}

static inline int
fx_text(const char *root, const char *rel, const char *text)
{
	char full[1024];
	FILE *fp;
	int rc;

	fx_mkdirs(root, rel, 0);
	snprintf(full, sizeof(full), "%s/%s", root, rel);
	if ((fp = fopen(full, "w")) == NULL)
		return -1;
	rc = fputs(text, fp) >= 0 ? 0 : -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

static inline int
fx_link(const char *root, const char *target, const char *rel)
{
	char full[1024];

	fx_mkdirs(root, rel, 0);
	snprintf(full, sizeof(full), "%s/%s", root, rel);
	return symlink(target, full);
}

/*
 * A small GGUF: ARCH, trained context CTX, file type FTYPE (-1: none),
 * chat template TMPL (NULL: none), PARAMS parameters in one tensor.
 */
static inline int
fx_gguf(const char *root, const char *rel, const char *arch, uint32_t ctx,
    int ftype, const char *tmpl, uint64_t params)
{
	struct gw g;
	char key[96], full[1024];
	int rc;

	fx_mkdirs(root, rel, 0);
	snprintf(full, sizeof(full), "%s/%s", root, rel);
	gw_begin(&g, 3, params > 0 ? 1 : 0);
	kv_str(&g, "general.architecture", arch);
	if (ftype >= 0)
		kv_u32(&g, "general.file_type", (uint32_t)ftype);
	snprintf(key, sizeof(key), "%s.context_length", arch);
	kv_u32(&g, key, ctx);
	if (tmpl != NULL)
		kv_str(&g, "tokenizer.chat_template", tmpl);
	gw_end(&g);
	if (params > 0)
		tensor(&g, "token_embd.weight", &params, 1);
	rc = gw_write(&g, full);
	mr_buf_release(&g.b);
	return rc;
}

/* A GGUF that claims 2^60 metadata entries. */
static inline int
fx_hostile_gguf(const char *root, const char *rel)
{
	struct gw g;
	char full[1024];
	int rc;

	fx_mkdirs(root, rel, 0);
	snprintf(full, sizeof(full), "%s/%s", root, rel);
	gw_begin(&g, 3, 0);
	g.nkv = (uint64_t)1 << 60;
	gw_end(&g);
	kv_str(&g, "general.architecture", "llama");
	rc = gw_write(&g, full);
	mr_buf_release(&g.b);
	return rc;
}

#define FX_TOOLS "{% if tools %}{{ tools | tojson }}{% endif %}"

static inline int
fixture_home(const char *root)
{
	char buf[1024];
	int rc = 0;

	mkdir(root, 0755);
	/* the machine */
	rc |= fx_text(root, "sys/proc/meminfo", "MemTotal:       33554432 kB\n"
	    "MemFree:         1048576 kB\nMemAvailable:   25165824 kB\n");
	rc |= fx_text(root, "sys/proc/cpuinfo",
	    "processor\t: 0\nmodel name\t: Fixture CPU 8000\n"
	    "physical id\t: 0\ncore id\t\t: 0\n\n"
	    "processor\t: 1\nmodel name\t: Fixture CPU 8000\n"
	    "physical id\t: 0\ncore id\t\t: 1\n\n");

	/* LM Studio, its downloads folder moved to another disk */
	snprintf(buf, sizeof(buf), "{\"downloadsFolder\": \"%s/disk/lms\"}",
	    root);
	rc |= fx_text(root, "home/.lmstudio/settings.json", buf);
	rc |= fx_gguf(root, "disk/lms/lmstudio-community/Qwen3-8B-GGUF/"
	    "Qwen3-8B-Q4_K_M.gguf", "qwen3", 40960, 15, FX_TOOLS, 8190735360ULL);
	rc |= fx_gguf(root, "disk/lms/lmstudio-community/Qwen3-8B-GGUF/"
	    "mmproj-Qwen3-8B-F16.gguf", "clip", 0, 1, NULL, 0);
	rc |= fx_gguf(root, "disk/lms/unsloth/GLM-4.5-Air-GGUF/"
	    "GLM-4.5-Air-Q4_K_M-00001-of-00002.gguf", "glm4moe", 131072, 15,
	    "{{ tool_call }}", 60000000000ULL);
	rc |= fx_gguf(root, "disk/lms/unsloth/GLM-4.5-Air-GGUF/"
	    "GLM-4.5-Air-Q4_K_M-00002-of-00002.gguf", "glm4moe", 131072, 15,
	    NULL, 46000000000ULL);
	rc |= fx_text(root, "disk/lms/mlx-community/Qwen3-4B-4bit/config.json",
	    "{\"model_type\": \"qwen3\", \"max_position_embeddings\": 40960, "
	    "\"quantization\": {\"group_size\": 64, \"bits\": 4}}");
	rc |= fx_text(root, "disk/lms/mlx-community/Qwen3-4B-4bit/"
	    "model.safetensors", "safetensors weights");
	/* the default folder is left empty: the move is followed */
	fx_mkdirs(root, "home/.lmstudio/models", 1);

	/* Ollama: two tags of one blob, num_ctx in a params blob */
	rc |= fx_gguf(root, "home/.ollama/models/blobs/sha256-" FX_HEX1,
	    "llama", 131072, 15, "{{ if .Tools }}tools{{ end }}", 3212749888ULL);
	rc |= fx_text(root, "home/.ollama/models/blobs/sha256-" FX_HEX2,
	    "{\"num_ctx\": 65536}");
	rc |= fx_text(root, "home/.ollama/models/blobs/sha256-" FX_HEX3,
	    "{\"model_format\":\"gguf\",\"file_type\":\"Q4_K_M\","
	    "\"model_type\":\"3.2B\"}");
	snprintf(buf, sizeof(buf), "{\"schemaVersion\":2,\"config\":{\"digest\""
	    ":\"sha256:" FX_HEX3 "\",\"size\":80},\"layers\":[{\"mediaType\":"
	    "\"application/vnd.ollama.image.model\",\"digest\":\"sha256:" FX_HEX1
	    "\",\"size\":2019393189},{\"mediaType\":\"application/vnd.ollama."
	    "image.params\",\"digest\":\"sha256:" FX_HEX2 "\",\"size\":18}]}");
	rc |= fx_text(root, "home/.ollama/models/manifests/registry.ollama.ai/"
	    "library/llama3.2/3b", buf);
	rc |= fx_text(root, "home/.ollama/models/manifests/registry.ollama.ai/"
	    "library/llama3.2/latest", buf);
	rc |= fx_text(root, "home/.ollama/models/manifests/registry.ollama.ai/"
	    "library/llama3.2/broken", "{\"layers\": 7");

	/* the Hugging Face cache: refs/main names rev2, blobs shared */
	rc |= fx_gguf(root, "home/.cache/huggingface/hub/models--unsloth--"
	    "Qwen3-1.7B-GGUF/blobs/aaaa", "qwen3", 40960, 15, FX_TOOLS,
	    2031739904ULL);
	rc |= fx_text(root, "home/.cache/huggingface/hub/models--unsloth--"
	    "Qwen3-1.7B-GGUF/refs/main", "rev2\n");
	rc |= fx_link(root, "../../blobs/aaaa", "home/.cache/huggingface/hub/"
	    "models--unsloth--Qwen3-1.7B-GGUF/snapshots/rev1/"
	    "Qwen3-1.7B-Q4_K_M.gguf");
	rc |= fx_link(root, "../../blobs/aaaa", "home/.cache/huggingface/hub/"
	    "models--unsloth--Qwen3-1.7B-GGUF/snapshots/rev2/"
	    "Qwen3-1.7B-Q4_K_M.gguf");
	rc |= fx_text(root, "home/.cache/huggingface/hub/models--Qwen--"
	    "Qwen3-0.6B/blobs/cfg", "{\"model_type\": \"qwen3\", "
	    "\"max_position_embeddings\": 40960}");
	rc |= fx_text(root, "home/.cache/huggingface/hub/models--Qwen--"
	    "Qwen3-0.6B/blobs/w", "0123456789abcdef");
	rc |= fx_link(root, "../../blobs/cfg", "home/.cache/huggingface/hub/"
	    "models--Qwen--Qwen3-0.6B/snapshots/r/config.json");
	rc |= fx_link(root, "../../blobs/w", "home/.cache/huggingface/hub/"
	    "models--Qwen--Qwen3-0.6B/snapshots/r/model.safetensors");
	/* a second name for the same weights blob: its room counts once */
	rc |= fx_link(root, "../../blobs/w", "home/.cache/huggingface/hub/"
	    "models--Qwen--Qwen3-0.6B/snapshots/r/model-copy.safetensors");

	/* llama.cpp's -hf cache */
	rc |= fx_gguf(root, "home/.cache/llama.cpp/ggml-org_gemma-3-1b-it-GGUF_"
	    "gemma-3-1b-it-Q4_K_M.gguf", "gemma3", 32768, 15, "plain", 0);

	/* ~/models: a model, then bad input of every kind */
	rc |= fx_gguf(root, "home/models/Mistral-Small-3.2-24B-Instruct-Q4_K_M."
	    "gguf", "llama", 131072, -1, FX_TOOLS, 0);
	rc |= fx_text(root, "home/models/junk/garbage.gguf", "not a GGUF file");
	rc |= fx_hostile_gguf(root, "home/models/junk/hostile.gguf");
	rc |= fx_link(root, "/nonexistent/model.gguf",
	    "home/models/junk/gone.gguf");
	snprintf(buf, sizeof(buf), "%s/home/models/junk/loop.gguf", root);
	rc |= fx_link(root, buf, "home/models/junk/loop.gguf");
	rc |= fx_link(root, "..", "home/models/junk/up");
	return rc;
}

/*
 * NMODELS GGUF models in folders of FILES_PER files each (the rest small
 * text files), under ROOT/models: what a big collection looks like.
 */
static inline int
fixture_big(const char *root, unsigned nmodels, unsigned files_per)
{
	char rel[256];
	unsigned i, k;
	int rc = 0;

	mkdir(root, 0755);
	for (i = 0; i < nmodels; i++) {
		snprintf(rel, sizeof(rel), "models/pub%02u/Model-%03u-GGUF/"
		    "Model-%03u-Q4_K_M.gguf", i % 20, i, i);
		rc |= fx_gguf(root, rel, "llama", 131072, 15, FX_TOOLS,
		    1000000ULL + i);
		for (k = 1; k < files_per; k++) {
			snprintf(rel, sizeof(rel), "models/pub%02u/Model-%03u-"
			    "GGUF/notes/note-%04u.txt", i % 20, i, k);
			rc |= fx_text(root, rel, "x");
		}
	}
	return rc;
}

#endif
