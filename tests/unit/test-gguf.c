/*
 * Unit tests for the GGUF header reader, on synthetic files written by the
 * small GGUF writer below.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mr/gguf.h"
#include "mr/util.h"

#include "gguf-writer.h"

static const char tools_template[] =
	"{% for m in messages %}{% if tools %}<tools>{{ tools }}</tools>"
	"{% endif %}{% if m.tool_calls %}<tool_call>{% endif %}"
	"{% if m.role == 'tool' %}<tool_response>{% endif %}<think></think>"
	"{% endfor %}";

/* A llama-like file: the reference for most tests. */
static void
llama_file(struct gw *g, int version)
{
	static const uint64_t d1[] = { 4096, 32000 }, d2[] = { 4096 };

	gw_begin(g, version, 2);
	kv_u32(g, "llama.context_length", 131072);	/* before the arch */
	kv_str(g, "general.architecture", "llama");
	kv_str(g, "general.name", "Tiny Llama");
	kv_str(g, "general.size_label", "8B");
	kv_u32(g, "general.file_type", 15);
	kv_u32(g, "llama.block_count", 32);
	kv_u64(g, "llama.embedding_length", 4096);
	kv_u32(g, "llama.attention.head_count", 32);
	kv_u32(g, "llama.attention.head_count_kv", 8);
	kv_u32(g, "qwen2.context_length", 4096);	/* another arch's key */
	kv_str_array(g, "tokenizer.ggml.tokens", 1000);
	kv_str(g, "tokenizer.chat_template", tools_template);
	gw_end(g);
	tensor(g, "token_embd.weight", d1, 2);
	tensor(g, "output_norm.weight", d2, 1);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_llama(void **state)
{
	struct gw g;
	struct mr_gguf_info in;
	struct mr_error e = MR_ERROR_INIT;

	(void)state;
	llama_file(&g, 3);
	assert_int_equal(mr_gguf_read_mem(g.b.buf, g.b.len, MR_GGUF_TENSORS,
	    &in, &e), 0);
	assert_int_equal(in.version, 3);
	assert_int_equal(in.tensor_count, 2);
	assert_int_equal(in.kv_count, 12);
	assert_string_equal(in.architecture, "llama");
	assert_string_equal(in.name, "Tiny Llama");
	assert_string_equal(in.size_label, "8B");
	assert_int_equal(in.file_type, 15);
	assert_string_equal(mr_gguf_file_type_name(in.file_type), "Q4_K_M");
	assert_int_equal(in.context_length, 131072);
	assert_int_equal(in.block_count, 32);
	assert_int_equal(in.embedding_length, 4096);
	assert_int_equal(in.head_count, 32);
	assert_int_equal(in.head_count_kv, 8);
	assert_true(in.has_chat_template);
	assert_true(in.template_tools);
	assert_true(in.template_tool_round_trip);
	assert_true(in.template_thinking);
	assert_true(in.have_params);
	assert_int_equal(in.param_count, 4096ULL * 32000 + 4096);
	assert_int_equal(in.alignment, 32);
	mr_buf_release(&g.b);
}

static void
test_version1_and_no_template(void **state)
{
	struct gw g;
	struct mr_gguf_info in;

	(void)state;
	gw_begin(&g, 1, 0);
	kv_str(&g, "general.architecture", "gemma3");
	kv_u32(&g, "gemma3.context_length", 32768);
	kv_u32(&g, "gemma3.attention.sliding_window", 1024);
	kv_u32(&g, "gemma3.attention.head_count", 8);
	gw_end(&g);
	assert_int_equal(mr_gguf_read_mem(g.b.buf, g.b.len, 0, &in, NULL), 0);
	assert_int_equal(in.version, 1);
	assert_int_equal(in.context_length, 32768);
	assert_int_equal(in.sliding_window, 1024);
	/* absent head_count_kv means the same as head_count */
	assert_int_equal(in.head_count_kv, 8);
	assert_false(in.has_chat_template);
	assert_false(in.template_tools);
	assert_false(in.have_params);
	assert_int_equal(in.file_type, -1);
	assert_null(mr_gguf_file_type_name(in.file_type));
	mr_buf_release(&g.b);
}

/* Hybrid models give head_count_kv per layer (LFM2: [0,0,8,0,...]). */
static void
test_per_layer_kv_heads(void **state)
{
	static const int32_t kv[] = { 0, 0, 8, 0, 0, 8, 0, 0, 8, 0, 4, 0 };
	struct gw g;
	struct mr_gguf_info in;

	(void)state;
	gw_begin(&g, 3, 0);
	kv_str(&g, "general.architecture", "lfm2");
	kv_i32_array(&g, "lfm2.attention.head_count_kv", kv, MR_NELEM(kv));
	kv_u32(&g, "lfm2.block_count", 12);
	kv_u32(&g, "lfm2.expert_count", 32);
	kv_u32(&g, "lfm2.expert_used_count", 4);
	kv_u32(&g, "lfm2.full_attention_interval", 4);
	kv_u32(&g, "lfm2.pooling_type", 1);
	gw_end(&g);
	assert_int_equal(mr_gguf_read_mem(g.b.buf, g.b.len, 0, &in, NULL), 0);
	assert_int_equal(in.head_count_kv, 8);
	assert_int_equal(in.kv_layers, 4);
	assert_int_equal(in.expert_count, 32);
	assert_int_equal(in.expert_used_count, 4);
	assert_int_equal(in.full_attention_interval, 4);
	assert_true(in.embedding);
	mr_buf_release(&g.b);
}

/* A 100k-token vocabulary is skipped, not read into memory. */
static void
test_big_vocabulary(void **state)
{
	struct gw g;
	struct mr_gguf_info in;

	(void)state;
	gw_begin(&g, 3, 0);
	kv_str(&g, "general.architecture", "qwen3");
	kv_str_array(&g, "tokenizer.ggml.tokens", 100000);
	kv_u32(&g, "qwen3.context_length", 40960);
	gw_end(&g);
	assert_int_equal(mr_gguf_read_mem(g.b.buf, g.b.len, 0, &in, NULL), 0);
	assert_int_equal(in.context_length, 40960);
	assert_int_equal(in.header_bytes, g.b.len);
	mr_buf_release(&g.b);
}

/* Every truncation of a valid file fails cleanly; the whole one parses. */
static void
test_every_truncation(void **state)
{
	struct gw g;
	struct mr_gguf_info in;
	struct mr_error e = MR_ERROR_INIT;
	size_t n;

	(void)state;
	llama_file(&g, 3);
	for (n = 0; n < g.b.len; n++) {
		assert_int_equal(mr_gguf_read_mem(g.b.buf, n, MR_GGUF_TENSORS,
		    &in, &e), -1);
		assert_non_null(e.msg);
		mr_error_clear(&e);
	}
	assert_int_equal(mr_gguf_read_mem(g.b.buf, n, MR_GGUF_TENSORS, &in,
	    &e), 0);
	mr_buf_release(&g.b);
}

static void
expect_error(const void *buf, size_t len, const char *want)
{
	struct mr_gguf_info in;
	struct mr_error e = MR_ERROR_INIT;

	assert_int_equal(mr_gguf_read_mem(buf, len, MR_GGUF_TENSORS, &in, &e),
	    -1);
	assert_non_null(e.msg);
	if (strstr(e.msg, want) == NULL)
		fail_msg("error '%s' lacks '%s'", e.msg, want);
	mr_error_clear(&e);
}

static void
test_hostile_headers(void **state)
{
	struct gw g;
	uint64_t huge = UINT64_MAX / 2;
	int i;

	(void)state;
	expect_error("GGML\3\0\0\0", 8, "not a GGUF file");
	expect_error("GGUF\0\0\0\0" "\0\0\0\0\0\0\0\0" "\0\0\0\0\0\0\0\0", 24,
	    "unsupported GGUF version 0");
	expect_error("GGUF\0\0\0\3" "\0\0\0\0\0\0\0\0" "\0\0\0\0\0\0\0\0", 24,
	    "big-endian");

	/* a metadata count no file of this size can hold */
	gw_begin(&g, 3, 0);
	g.nkv = huge;
	gw_end(&g);
	expect_error(g.b.buf, g.b.len, "metadata entries");
	mr_buf_release(&g.b);

	/* a tensor count no file of this size can hold */
	gw_begin(&g, 3, huge);
	gw_end(&g);
	expect_error(g.b.buf, g.b.len, "tensors");
	mr_buf_release(&g.b);

	/* a giant key length */
	gw_begin(&g, 3, 0);
	put(&g, 1ULL << 40, 8);
	g.nkv = 1;
	gw_end(&g);
	for (i = 0; i < 16; i++)
		mr_buf_addch(&g.b, 'x');
	expect_error(g.b.buf, g.b.len, "GGUF key of");
	mr_buf_release(&g.b);

	/* a string value longer than the file */
	gw_begin(&g, 3, 0);
	put_str(&g, "general.name");
	put(&g, 8, 4);
	put(&g, 1ULL << 50, 8);
	g.nkv = 1;
	gw_end(&g);
	expect_error(g.b.buf, g.b.len, "truncated");
	mr_buf_release(&g.b);

	/* an array of 2^60 u64 */
	gw_begin(&g, 3, 0);
	put_str(&g, "x.y");
	put(&g, 9, 4);
	put(&g, 10, 4);
	put(&g, 1ULL << 60, 8);
	g.nkv = 1;
	gw_end(&g);
	expect_error(g.b.buf, g.b.len, "truncated");
	mr_buf_release(&g.b);

	/* arrays nested too deep */
	gw_begin(&g, 3, 0);
	put_str(&g, "x.y");
	put(&g, 9, 4);
	for (i = 0; i < 12; i++) {
		put(&g, 9, 4);
		put(&g, 1, 8);
	}
	put(&g, 0, 4);
	put(&g, 1, 8);
	put(&g, 0, 1);
	g.nkv = 1;
	gw_end(&g);
	expect_error(g.b.buf, g.b.len, "nested deeper");
	mr_buf_release(&g.b);

	/* an unknown value type */
	gw_begin(&g, 3, 0);
	put_str(&g, "x.y");
	put(&g, 77, 4);
	put(&g, 0, 8);
	g.nkv = 1;
	gw_end(&g);
	expect_error(g.b.buf, g.b.len, "unknown GGUF value type 77");
	mr_buf_release(&g.b);
}

static void
test_file(void **state)
{
	char path[] = "/tmp/mr-gguf-XXXXXX";
	struct gw g;
	struct mr_gguf_info a, b;
	struct mr_error e = MR_ERROR_INIT;
	FILE *fp;
	int fd;

	(void)state;
	llama_file(&g, 3);
	/* a vocabulary bigger than the reader's buffer */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(g.b.buf, 1, g.b.len, fp), g.b.len);
	fclose(fp);
	assert_int_equal(mr_gguf_read_file(path, MR_GGUF_TENSORS, &a, &e), 0);
	assert_int_equal(mr_gguf_read_mem(g.b.buf, g.b.len, MR_GGUF_TENSORS,
	    &b, &e), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* truncated on disk */
	assert_int_equal(truncate(path, (off_t)(g.b.len / 2)), 0);
	assert_int_equal(mr_gguf_read_file(path, 0, &a, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	mr_error_clear(&e);
	unlink(path);
	assert_int_equal(mr_gguf_read_file(path, 0, &a, &e), -1);
	assert_non_null(strstr(e.msg, "cannot open"));
	mr_error_clear(&e);
	assert_int_equal(mr_gguf_read_file("/tmp", 0, &a, &e), -1);
	assert_non_null(strstr(e.msg, "not a regular file"));
	mr_error_clear(&e);
	mr_buf_release(&g.b);
}

/* A vocabulary larger than the 64 KiB read buffer, from a file. */
static void
test_file_big_vocabulary(void **state)
{
	char path[] = "/tmp/mr-gguf-XXXXXX";
	struct gw g;
	struct mr_gguf_info in;
	struct mr_error e = MR_ERROR_INIT;
	FILE *fp;
	int fd;

	(void)state;
	gw_begin(&g, 3, 0);
	kv_str(&g, "general.architecture", "qwen3");
	kv_str_array(&g, "tokenizer.ggml.tokens", 150000);
	kv_str(&g, "tokenizer.chat_template", "{{ messages }}");
	kv_u32(&g, "qwen3.context_length", 262144);
	gw_end(&g);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(g.b.buf, 1, g.b.len, fp), g.b.len);
	fclose(fp);
	assert_int_equal(mr_gguf_read_file(path, 0, &in, &e), 0);
	assert_int_equal(in.context_length, 262144);
	assert_true(in.has_chat_template);
	assert_false(in.template_tools);
	unlink(path);
	mr_buf_release(&g.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_llama),
		cmocka_unit_test(test_version1_and_no_template),
		cmocka_unit_test(test_per_layer_kv_heads),
		cmocka_unit_test(test_big_vocabulary),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_hostile_headers),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_big_vocabulary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
