/*
 * Unit tests for the memory estimate and the recommendations: KV cache
 * sizes against the published shapes (local-servers-hf-hardware.md §7.2),
 * placements and headroom, the 64K bar for Hermes-facing roles, models on
 * disk first, no MLX off Apple silicon; then properties of the bundled
 * catalog on pinned machines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mr/catalog.h"
#include "mr/discover.h"
#include "mr/embedded.h"
#include "mr/recommend.h"

#define GiB (1024.0 * 1024 * 1024)

static struct mr_cat_model
shape(unsigned layers, unsigned kv, unsigned hd)
{
	struct mr_cat_model m;

	memset(&m, 0, sizeof(m));
	m.layers = m.full_layers = layers;
	m.kv_heads = kv;
	m.head_dim = hd;
	m.attention = MR_ATTN_FULL;
	return m;
}

static void
test_kv(void **state)
{
	struct mr_cat_model m;

	(void)state;
	/* §7.2: 64K f16 KV of the published shapes */
	m = shape(32, 8, 128);		/* Llama-3.x-8B */
	assert_int_equal(mr_kv_bytes(&m, 65536), (uint64_t)(8 * GiB));
	m = shape(28, 4, 128);		/* Qwen2.5-7B */
	assert_int_equal(mr_kv_bytes(&m, 65536), (uint64_t)(3.5 * GiB));
	m = shape(36, 8, 128);		/* Qwen3-8B */
	assert_int_equal(mr_kv_bytes(&m, 65536), (uint64_t)(9 * GiB));
	m = shape(80, 8, 128);		/* Llama-3.x-70B */
	assert_int_equal(mr_kv_bytes(&m, 65536), (uint64_t)(20 * GiB));
	m = shape(64, 8, 128);
	assert_int_equal(mr_kv_bytes(&m, 32768), (uint64_t)(8 * GiB));

	/* hybrid: only the attention layers (16 of 64) grow with context */
	m = shape(64, 4, 256);
	m.attention = MR_ATTN_HYBRID;
	m.full_layers = 16;
	assert_int_equal(mr_kv_bytes(&m, 262144), (uint64_t)(16 * GiB));

	/* sliding window: windowed layers hold only the window */
	m = shape(48, 8, 256);
	m.attention = MR_ATTN_SWA;
	m.full_layers = 8;
	m.sliding_window = 1024;
	assert_int_equal(mr_kv_bytes(&m, 65536),
	    (uint64_t)2 * 8 * 256 * 2 * (8ULL * 65536 + 40ULL * 1024));
	/* shorter than the window: every layer holds the context */
	assert_int_equal(mr_kv_bytes(&m, 512), (uint64_t)2 * 8 * 256 * 2 *
	    48 * 512);

	/* MLA: one latent of kv_lora_rank per token and layer */
	m = shape(27, 16, 128);
	m.attention = MR_ATTN_MLA;
	m.kv_lora_rank = 576;
	assert_int_equal(mr_kv_bytes(&m, 32768), 27ULL * 32768 * 576 * 2);
}

static const char cat_text[] =
	"version: 1\n"
	"models:\n"
	"  - id: small\n"
	"    name: Small\n"
	"    license: mit\n"
	"    card: https://huggingface.co/x/small\n"
	"    roles: [fast, balanced, code]\n"
	"    quality: 40\n"
	"    params_b: 3\n"
	"    arch: {type: llama, layers: 28, kv_heads: 8, head_dim: 128}\n"
	"    context: {native: 131072}\n"
	"    tools: true\n"
	"    gguf: {repo: x/small-GGUF, files: [{quant: Q4_K_M, file: small-Q4_K_M.gguf, size_gb: 2}, {quant: Q8_0, file: small-Q8_0.gguf, size_gb: 3.4}]}\n"
	"    mlx: [{repo: mlx-community/small-4bit, quant: 4bit, size_gb: 1.8}]\n"
	"  - id: big\n"
	"    name: Big\n"
	"    license: mit\n"
	"    card: https://huggingface.co/x/big\n"
	"    roles: [balanced, reasoning, code]\n"
	"    quality: 70\n"
	"    params_b: 32\n"
	"    arch: {type: qwen3, layers: 64, kv_heads: 8, head_dim: 128}\n"
	"    context: {native: 32768, max: 131072}\n"
	"    tools: true\n"
	"    thinking: true\n"
	"    gguf: {repo: x/big-GGUF, files: [{quant: Q4_K_M, file: big-Q4_K_M.gguf, size_gb: 19.8}, {quant: Q8_0, file: big-Q8_0.gguf, size_gb: 34.8}]}\n"
	"  - id: short\n"
	"    name: Short\n"
	"    license: mit\n"
	"    card: https://huggingface.co/x/short\n"
	"    roles: [balanced, fast]\n"
	"    quality: 90\n"
	"    params_b: 1\n"
	"    arch: {type: llama, layers: 16, kv_heads: 8, head_dim: 64}\n"
	"    context: {native: 32768}\n"
	"    tools: true\n"
	"    gguf: {repo: x/short, files: [{quant: Q4_K_M, file: short.gguf, size_gb: 0.7}]}\n"
	"  - id: notools\n"
	"    name: No Tools\n"
	"    license: mit\n"
	"    card: https://huggingface.co/x/notools\n"
	"    roles: [balanced, vision]\n"
	"    quality: 95\n"
	"    params_b: 4\n"
	"    arch: {type: gemma3, layers: 34, kv_heads: 4, head_dim: 256, attention: swa, sliding_window: 1024, full_layers: 5}\n"
	"    context: {native: 131072}\n"
	"    tools: false\n"
	"    vision: true\n"
	"    gguf: {repo: x/nt, files: [{quant: Q4_K_M, file: nt.gguf, size_gb: 2.5}]}\n";

static struct mr_catalog cat;

static int
setup(void **state)
{
	struct mr_error err = MR_ERROR_INIT;

	(void)state;
	mr_catalog_init(&cat);
	assert_int_equal(mr_catalog_add_mem(&cat, cat_text, sizeof(cat_text) -
	    1, "t.yaml", &err), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mr_catalog_release(&cat);
	return 0;
}

static struct mr_rec_hw
machine(double ram_gib, double vram_gib, bool apple)
{
	struct mr_rec_hw hw;

	memset(&hw, 0, sizeof(hw));
	hw.ram_total = (uint64_t)(ram_gib * GiB);
	hw.vram_total = (uint64_t)(vram_gib * GiB);
	hw.unified = apple;
	return hw;
}

static void
run(const struct mr_rec_hw *hw, const struct mr_discovery *d,
    enum mr_rec_profile p, struct mr_role_rec *out)
{
	struct mr_rec_opts o;

	memset(&o, 0, sizeof(o));
	o.profile = p;
	o.top = 8;
	mr_recommend(&cat, hw, d, &o, out);
}

/* Every pick fits its budget with headroom and meets the role's context. */
static void
check_invariants(const struct mr_role_rec *out)
{
	size_t r, k;

	for (r = 0; r < MR_ROLE_COUNT; r++)
		for (k = 0; k < out[r].npicks; k++) {
			const struct mr_pick *p = &out[r].picks[k];

			assert_true(p->mem.total + p->mem.total / 10 <=
			    p->budget);
			assert_true(p->model->ctx_max >= out[r].context);
			assert_true(out[r].context >= 65536 ||
			    !mr_role_hermes_facing((enum mr_role)r));
			if (mr_role_hermes_facing((enum mr_role)r))
				assert_int_not_equal(p->model->tools, 0);
			assert_non_null(strstr(p->why, "GiB"));
		}
}

static void
test_fit_and_bar(void **state)
{
	struct mr_role_rec out[MR_ROLE_COUNT];
	struct mr_rec_hw hw;

	(void)state;
	/* 16 GiB laptop, no GPU: only the small model (9.4 GiB at 64K);
	 * never "short" (32K), never "notools" for Hermes roles */
	hw = machine(16, 0, false);
	run(&hw, NULL, MR_REC_BALANCED, out);
	check_invariants(out);
	assert_int_equal(out[MR_ROLE_BALANCED].npicks, 1);
	assert_string_equal(out[MR_ROLE_BALANCED].picks[0].model->id, "small");
	assert_int_equal(out[MR_ROLE_BALANCED].picks[0].place, MR_PLACE_CPU);
	assert_string_equal(out[MR_ROLE_BALANCED].picks[0].file->quant,
	    "Q4_K_M");
	/* reasoning: only "big", which does not fit: advice says why */
	assert_int_equal(out[MR_ROLE_REASONING].npicks, 0);
	assert_non_null(strstr(out[MR_ROLE_REASONING].advice,
	    "nothing fits"));
	/* vision is not Hermes-facing: "notools" qualifies there */
	assert_int_equal(out[MR_ROLE_VISION].npicks, 1);
	assert_string_equal(out[MR_ROLE_VISION].picks[0].model->id,
	    "notools");
	/* no MLX off Apple silicon */
	assert_false(out[MR_ROLE_FAST].picks[0].file->mlx);

	/* 24 GiB GPU + 32 GiB RAM: big at Q4_K_M in VRAM for reasoning */
	hw = machine(32, 24, false);
	run(&hw, NULL, MR_REC_BALANCED, out);
	check_invariants(out);
	assert_string_equal(out[MR_ROLE_REASONING].picks[0].model->id, "big");
	assert_int_equal(out[MR_ROLE_REASONING].picks[0].place,
	    MR_PLACE_SPLIT);
	assert_string_equal(out[MR_ROLE_CODE].picks[0].model->id, "big");
	assert_non_null(strstr(out[MR_ROLE_REASONING].picks[0].why, "YaRN"));

	/* quality profile on a big GPU: the 8-bit file */
	hw = machine(128, 80, false);
	run(&hw, NULL, MR_REC_QUALITY, out);
	check_invariants(out);
	assert_string_equal(out[MR_ROLE_REASONING].picks[0].file->quant,
	    "Q8_0");
	assert_int_equal(out[MR_ROLE_REASONING].picks[0].place, MR_PLACE_GPU);

	/* Apple silicon: MLX first when it fits */
	hw = machine(16, 0, true);
	run(&hw, NULL, MR_REC_BALANCED, out);
	check_invariants(out);
	assert_true(out[MR_ROLE_FAST].picks[0].file->mlx);
	assert_int_equal(out[MR_ROLE_FAST].picks[0].place, MR_PLACE_UNIFIED);

	/* a short context for a non-Hermes role lets "short" in */
	{
		struct mr_rec_opts o;

		memset(&o, 0, sizeof(o));
		o.context = 16384;
		o.roles = 1u << MR_ROLE_FAST | 1u << MR_ROLE_BALANCED;
		hw = machine(16, 0, false);
		mr_recommend(&cat, &hw, NULL, &o, out);
		assert_int_equal(out[MR_ROLE_FAST].context, 16384);
		assert_string_equal(out[MR_ROLE_FAST].picks[0].model->id,
		    "short");
		/* ... but the balanced role still needs 64K */
		assert_int_equal(out[MR_ROLE_BALANCED].context, 65536);
		assert_string_equal(out[MR_ROLE_BALANCED].picks[0].model->id,
		    "small");
		assert_int_equal(out[MR_ROLE_CODE].context, 0);
	}
}

static void
test_installed_first(void **state)
{
	struct mr_role_rec out[MR_ROLE_COUNT];
	struct mr_discovery d;
	struct mr_model m;
	struct mr_rec_hw hw;

	(void)state;
	memset(&d, 0, sizeof(d));
	memset(&m, 0, sizeof(m));
	m.name = "x/small-GGUF/small-Q8_0.gguf";
	m.format = MR_FMT_GGUF;
	mr_strlist_push(&m.paths, "/models/x/small-GGUF/small-Q8_0.gguf");
	d.models = &m;
	d.nmodels = 1;
	/* the big model ranks higher, but the small one is on disk */
	hw = machine(64, 48, false);
	run(&hw, &d, MR_REC_BALANCED, out);
	check_invariants(out);
	assert_string_equal(out[MR_ROLE_CODE].picks[0].model->id, "small");
	assert_true(out[MR_ROLE_CODE].picks[0].installed);
	/* the file on disk is the one picked, not the profile's Q4_K_M */
	assert_string_equal(out[MR_ROLE_CODE].picks[0].file->quant, "Q8_0");
	assert_string_equal(out[MR_ROLE_CODE].picks[1].model->id, "big");
	mr_strlist_clear(&m.paths);
}

/* The bundled catalog on the pinned machines of the acceptance list. */
static void
test_bundled_profiles(void **state)
{
	static const struct {
		double	 ram, vram;
		bool	 apple;
	} machines[] = {
		{ 4, 0, false },	/* VPS */
		{ 8, 0, false },	/* laptop */
		{ 16, 0, true },	/* Apple silicon */
		{ 32, 24, false },	/* NVIDIA 24 GB + 32 GB RAM */
		{ 64, 0, false },	/* workstation, CPU */
	};
	const struct mr_embedded_file *f = mr_embedded_find(
	    "catalog/models.yaml");
	struct mr_catalog c;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_role_rec out[MR_ROLE_COUNT];
	struct mr_rec_opts o;
	struct mr_rec_hw hw;
	int prev_reason = -1, prev_code = -1, q;
	size_t i, r, k;

	(void)state;
	mr_catalog_init(&c);
	assert_int_equal(mr_catalog_add_mem(&c, f->data, f->len, "m.yaml",
	    &err), 0);
	memset(&o, 0, sizeof(o));
	o.profile = MR_REC_BALANCED;
	for (i = 0; i < MR_NELEM(machines); i++) {
		hw = machine(machines[i].ram, machines[i].vram,
		    machines[i].apple);
		mr_recommend(&c, &hw, NULL, &o, out);
		check_invariants(out);
		for (r = 0; r < MR_ROLE_COUNT; r++)
			for (k = 0; k < out[r].npicks; k++)
				if (!hw.unified)
					assert_false(out[r].picks[k].file->mlx);
		/* bigger machines: reasoning and code never get weaker
		 * (the 4 GB VPS may get nothing) */
		if (i >= 1) {
			q = out[MR_ROLE_REASONING].npicks ?
			    out[MR_ROLE_REASONING].picks[0].model->quality : 0;
			assert_true(q >= prev_reason);
			prev_reason = q;
			q = out[MR_ROLE_CODE].npicks ?
			    out[MR_ROLE_CODE].picks[0].model->quality : 0;
			assert_true(q >= prev_code);
			prev_code = q;
		}
	}
	mr_catalog_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv),
		cmocka_unit_test_setup_teardown(test_fit_and_bar, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_installed_first, setup,
		    teardown),
		cmocka_unit_test(test_bundled_profiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
