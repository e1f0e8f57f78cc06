/*
 * Fit and ranking (local-servers-hf-hardware.md §7).
 *
 * Memory: the weights (the file's size), the KV cache at the requested
 * context in f16 for the architecture's real layout (windowed layers cache
 * only their window, hybrid models only their attention layers, MLA a
 * compressed latent), and runtime overhead (512 MiB plus 3 % of the
 * weights, for compute buffers and the runtime).  A placement fits when
 * the need plus headroom (10 %, at least 512 MiB) is within its budget:
 * discrete VRAM less 5 %; Apple silicon's GPU share of RAM (2/3 up to
 * 36 GB, 3/4 above, macOS's default wired limit); RAM less what the
 * system keeps (15 %, at least 2 GiB).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mr/discover.h"
#include "mr/recommend.h"

#define GiB (1024.0 * 1024 * 1024)
#define MiB (1024.0 * 1024)

static const char *const profile_names[] = {
	"lightweight", "balanced", "quality", NULL
};

const char *
mr_rec_profile_name(enum mr_rec_profile p)
{
	return p <= MR_REC_QUALITY ? profile_names[p] : "?";
}

int
mr_rec_profile_from_name(const char *name)
{
	int i;

	for (i = 0; profile_names[i] != NULL; i++)
		if (strcmp(name, profile_names[i]) == 0)
			return i;
	return -1;
}

const char *
mr_placement_name(enum mr_placement p)
{
	switch (p) {
	case MR_PLACE_GPU:
		return "gpu";
	case MR_PLACE_UNIFIED:
		return "unified";
	case MR_PLACE_SPLIT:
		return "gpu+cpu";
	case MR_PLACE_CPU:
		return "cpu";
	}
	return "?";
}

uint64_t
mr_kv_bytes(const struct mr_cat_model *m, uint64_t ctx)
{
	double per_layer_tok = 2.0 * m->kv_heads * m->head_dim * 2;	/* K+V, f16 */
	double win, full, windowed;

	if (m->layers == 0)
		return 0;
	switch (m->attention) {
	case MR_ATTN_MLA:
		/* one latent vector per token and layer */
		return (uint64_t)((double)m->layers * ctx * m->kv_lora_rank * 2);
	case MR_ATTN_SWA:
		win = (double)m->sliding_window < (double)ctx ?
		    m->sliding_window : (double)ctx;
		full = m->full_layers;
		windowed = m->layers - m->full_layers;
		return (uint64_t)(per_layer_tok * (full * ctx + windowed * win));
	case MR_ATTN_HYBRID:
		return (uint64_t)(per_layer_tok * m->full_layers * ctx);
	case MR_ATTN_FULL:
		break;
	}
	return (uint64_t)(per_layer_tok * m->layers * ctx);
}

void
mr_estimate_memory(const struct mr_cat_model *m, const struct mr_cat_file *f,
    uint64_t ctx, struct mr_mem_estimate *out)
{
	uint64_t said;

	out->weights = f->size_bytes;
	out->kv = mr_kv_bytes(m, ctx);
	out->overhead = (uint64_t)(512 * MiB + 0.03 * (double)f->size_bytes);
	out->total = out->weights + out->kv + out->overhead;
	if (m->reference && m->layers == 0) {
		/* a reference-format entry has no architecture: trust its
		 * recommended memory, less what the weights explain */
		said = (uint64_t)(m->ref_recommended_gb * 1e9);
		if (said > out->total) {
			out->kv = said - out->weights - out->overhead;
			out->total = said;
		}
	}
}

static uint64_t
keep_free(uint64_t need)
{
	uint64_t h = need / 10;

	return h < 512 * MiB ? (uint64_t)(512 * MiB) : h;
}

uint64_t
mr_budget(const struct mr_rec_hw *hw, enum mr_placement p)
{
	uint64_t sys, ram;

	sys = hw->ram_total * 15 / 100;
	if (sys < 2 * GiB)
		sys = (uint64_t)(2 * GiB);
	ram = hw->ram_total > sys ? hw->ram_total - sys : 0;
	switch (p) {
	case MR_PLACE_GPU:
		return hw->unified ? 0 : hw->vram_total * 95 / 100;
	case MR_PLACE_UNIFIED:
		if (!hw->unified)
			return 0;
		return hw->ram_total <= 36 * GiB ? hw->ram_total * 2 / 3 :
		    hw->ram_total * 3 / 4;
	case MR_PLACE_SPLIT:
		return hw->unified || hw->vram_total == 0 ? 0 :
		    hw->vram_total * 95 / 100 + ram;
	case MR_PLACE_CPU:
		return ram;
	}
	return 0;
}

/* Rough memory bandwidth per placement, GB/s: only ranks speed. */
static double
bandwidth(enum mr_placement p)
{
	switch (p) {
	case MR_PLACE_GPU:
		return 300;
	case MR_PLACE_UNIFIED:
		return 150;
	case MR_PLACE_SPLIT:
		return 60;
	case MR_PLACE_CPU:
		return 40;
	}
	return 40;
}

static bool
fits(uint64_t need, uint64_t budget)
{
	return budget > 0 && need + keep_free(need) <= budget;
}

/* The best placement for NEED bytes, or -1.  MLX runs on the GPU only. */
static int
place(const struct mr_rec_hw *hw, uint64_t need, bool mlx, uint64_t *budget)
{
	static const enum mr_placement order[] = { MR_PLACE_GPU,
		MR_PLACE_UNIFIED, MR_PLACE_SPLIT, MR_PLACE_CPU };
	size_t i;

	for (i = 0; i < MR_NELEM(order); i++) {
		if (mlx && order[i] != MR_PLACE_UNIFIED)
			continue;
		*budget = mr_budget(hw, order[i]);
		if (fits(need, *budget))
			return (int)order[i];
	}
	return -1;
}

static double
file_bpw(const struct mr_cat_model *m, const struct mr_cat_file *f)
{
	double b = mr_quant_bpw(f->quant);

	if (b == 0 && m->params_b > 0)
		b = (double)f->size_bytes * 8 / (m->params_b * 1e9);
	return b;
}

/* ---- what is installed and loaded ---------------------------------------- */

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* NAME without a trailing quantization ("qwen3-8b-q4_k_m" -> "qwen3-8b"). */
static bool
same_id(const char *served, const char *id)
{
	const char *b = base_name(served);
	size_t n = strlen(id);

	return strncasecmp(b, id, n) == 0 && (b[n] == '\0' || b[n] == '@' ||
	    b[n] == ':' || (b[n] == '-' && (toupper((unsigned char)b[n + 1]) ==
	    'Q' || toupper((unsigned char)b[n + 1]) == 'I')));
}

static void
find_installed(const struct mr_cat_model *m, const struct mr_cat_file *f,
    const struct mr_discovery *d, struct mr_pick *p)
{
	const struct mr_model *dm;
	const struct mr_server_result *r;
	size_t i, k;

	if (d == NULL)
		return;
	for (i = 0; i < d->nmodels && !p->installed; i++) {
		dm = &d->models[i];
		if (dm->paths.n == 0)
			continue;
		if (f->mlx ? (dm->format != MR_FMT_GGUF &&
		    strcasecmp(base_name(dm->name), base_name(f->repo)) == 0) :
		    (dm->format == MR_FMT_GGUF && f->file != NULL &&
		    strcasecmp(base_name(dm->paths.v[0]), base_name(f->file)) ==
		    0)) {
			p->installed = true;
			mr_strlcpy(p->installed_at, sizeof(p->installed_at),
			    dm->paths.v[0]);
		}
		if (!f->mlx && dm->source == MR_SRC_OLLAMA &&
		    mr_strlist_has(&m->ollama, dm->name) &&
		    strcasecmp(dm->quant, f->quant) == 0) {
			p->installed = true;
			snprintf(p->installed_at, sizeof(p->installed_at),
			    "ollama %s", dm->name);
		}
	}
	for (i = 0; i < d->nservers && !p->loaded; i++) {
		r = &d->servers[i];
		for (k = 0; k < r->info.nmodels; k++) {
			const struct mr_served_model *s = &r->info.models[k];

			if (!s->loaded)
				continue;
			if ((f->file != NULL && strcasecmp(base_name(s->id),
			    base_name(f->file)) == 0) ||
			    mr_strlist_has(&m->ollama, s->id) ||
			    same_id(s->id, m->id)) {
				p->loaded = true;
				snprintf(p->loaded_on, sizeof(p->loaded_on),
				    "%.120s (%.120s)", r->base, s->id);
				break;
			}
		}
	}
}

/* ---- ranking ---------------------------------------------------------------- */

static double
score(const struct mr_pick *p, enum mr_rec_profile prof, enum mr_role role)
{
	const struct mr_cat_model *m = p->model;
	double bpw = file_bpw(m, p->file), s = m->quality, slow = 0;

	if (p->tok_s < 3)
		slow = 30;
	else if (p->tok_s < 8)
		slow = 12;
	else if (p->tok_s < 15)
		slow = 4;
	if (role == MR_ROLE_REASONING && m->thinking == 1)
		s += 4;
	if (p->file->mlx)
		s += 2;		/* the native runtime on Apple silicon */
	if (role == MR_ROLE_FAST && prof != MR_REC_QUALITY)
		/* a fast lane: speed counts as much as quality */
		return 0.5 * s + 0.5 * (p->tok_s > 100 ? 100 : p->tok_s);
	switch (prof) {
	case MR_REC_QUALITY:
		s += bpw >= 8 ? 3 : bpw >= 6 ? 2 : bpw >= 5.5 ? 1 : bpw < 4 ?
		    -3 : 0;
		s -= slow;
		break;
	case MR_REC_BALANCED:
		s -= slow * 1.5;
		s += p->place == MR_PLACE_GPU || p->place == MR_PLACE_UNIFIED ?
		    0 : -4;
		break;
	case MR_REC_LIGHTWEIGHT:
		s = 0.5 * m->quality + 0.5 * (p->tok_s > 100 ? 100 : p->tok_s);
		break;
	}
	return s;
}

/* The files to try for a profile, best first (MLX only on Apple). */
static size_t
file_order(const struct mr_cat_model *m, const struct mr_rec_hw *hw,
    enum mr_rec_profile prof, const struct mr_cat_file **out)
{
	size_t i, k, n = 0;
	const struct mr_cat_file *t;
	double a, b;

	for (i = 0; i < m->nfiles; i++)
		if (!m->files[i].mlx || hw->unified)
			out[n++] = &m->files[i];
	/* by bits per weight: quality high to low, others low to high */
	for (i = 1; i < n; i++)
		for (k = i; k > 0; k--) {
			a = file_bpw(m, out[k - 1]);
			b = file_bpw(m, out[k]);
			if (prof == MR_REC_QUALITY ? a >= b : a <= b)
				break;
			t = out[k - 1];
			out[k - 1] = out[k];
			out[k] = t;
		}
	if (prof == MR_REC_BALANCED) {
		/* around 4-5 bits first, then the rest smallest first */
		for (i = 0; i < n; i++)
			if (file_bpw(m, out[i]) >= 4.2 &&
			    file_bpw(m, out[i]) <= 5.8) {
				t = out[i];
				memmove(&out[1], &out[0], i * sizeof(*out));
				out[0] = t;
				break;
			}
	}
	return n;
}

static void
explain(struct mr_pick *p, const struct mr_rec_hw *hw)
{
	char where[64];
	const struct mr_cat_model *m = p->model;
	double gb = GiB;

	switch (p->place) {
	case MR_PLACE_GPU:
		snprintf(where, sizeof(where), "VRAM");
		break;
	case MR_PLACE_UNIFIED:
		snprintf(where, sizeof(where), "GPU share of unified memory");
		break;
	case MR_PLACE_SPLIT:
		snprintf(where, sizeof(where), "VRAM+RAM");
		break;
	case MR_PLACE_CPU:
		snprintf(where, sizeof(where), "RAM");
		break;
	}
	snprintf(p->why, sizeof(p->why), "%s%s: %.1f GiB weights + %.1f GiB KV "
	    "at %llu + %.1f GiB = %.1f of %.1f GiB %s (%.1f GiB left); context "
	    "up to %llu%s; tools %s; %s", p->file->quant, p->file->mlx ? " MLX" : "",
	    p->mem.weights / gb, p->mem.kv / gb, (unsigned long long)p->context,
	    p->mem.overhead / gb, p->mem.total / gb, p->budget / gb, where,
	    (p->budget - p->mem.total) / gb, (unsigned long long)m->ctx_max,
	    p->context > m->ctx_native ? " (YaRN rope scaling past the native "
	    "length)" : "", m->tools == 1 ? "yes" : m->tools == 0 ? "no" : "unknown",
	    p->loaded ? "loaded now" : p->installed ? "on disk" :
	    "download needed");
	(void)hw;
}

static int
pick_cmp(const void *a, const void *b)
{
	const struct mr_pick *x = a, *y = b;

	/* what is already there, when it fits, comes first */
	if (x->loaded != y->loaded)
		return x->loaded ? -1 : 1;
	if (x->installed != y->installed)
		return x->installed ? -1 : 1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->model->id, y->model->id);
}

/* Fills P for model M if some file of it fits; false otherwise. */
static bool
try_model(const struct mr_cat_model *m, const struct mr_rec_hw *hw,
    const struct mr_discovery *disc, enum mr_rec_profile prof,
    enum mr_role role, uint64_t ctx, struct mr_pick *p, uint64_t *least)
{
	const struct mr_cat_file *files[64];
	struct mr_pick best, cur;
	size_t n, i;
	int pl;
	bool have = false;

	n = file_order(m, hw, prof, files);
	if (n > MR_NELEM(files))
		n = MR_NELEM(files);
	/* an installed file first, when one fits */
	memset(&best, 0, sizeof(best));
	for (i = 0; i < n; i++) {
		memset(&cur, 0, sizeof(cur));
		cur.model = m;
		cur.file = files[i];
		cur.context = ctx;
		mr_estimate_memory(m, files[i], ctx, &cur.mem);
		if (*least == 0 || cur.mem.total < *least)
			*least = cur.mem.total;
		find_installed(m, files[i], disc, &cur);
		if (!cur.installed && hw->disk_known &&
		    files[i]->size_bytes > hw->disk_free)
			continue;	/* no room to download it */
		if ((pl = place(hw, cur.mem.total, files[i]->mlx,
		    &cur.budget)) < 0)
			continue;
		cur.place = (enum mr_placement)pl;
		cur.tok_s = bandwidth(cur.place) * 1e9 / ((double)
		    files[i]->size_bytes * (m->active_params_b / m->params_b) +
		    1);
		cur.score = score(&cur, prof, role);
		/* the first that fits in the profile's order, unless one
		 * already on disk or loaded fits too */
		if (!have || (cur.loaded && !best.loaded) ||
		    (cur.installed && !best.installed && !best.loaded)) {
			best = cur;
			have = true;
		}
	}
	if (!have)
		return false;
	*p = best;
	explain(p, hw);
	return true;
}

/* What a role's search found, beside the picks. */
struct search {
	size_t		 n;		/* picks in ALL */
	size_t		 considered;	/* models with the role */
	size_t		 no_tools;	/* left out: no tool calls */
	uint64_t	 least;		/* smallest need seen, 0 none */
};

/* Ranks the catalog's models for ROLE at CTX into ALL (best first). */
static void
search_role(const struct mr_catalog *cat, const struct mr_rec_hw *hw,
    const struct mr_discovery *disc, enum mr_rec_profile prof,
    enum mr_role role, uint64_t ctx, struct mr_pick *all, struct search *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < cat->n; i++) {
		const struct mr_cat_model *m = &cat->models[i];

		if (!(m->roles & (1u << role)))
			continue;
		st->considered++;
		/* the context must be there, and tools for Hermes */
		if (m->ctx_max < ctx)
			continue;
		if (mr_role_hermes_facing(role) && m->tools == 0) {
			st->no_tools++;
			continue;
		}
		if (try_model(m, hw, disc, prof, role, ctx, &all[st->n],
		    &st->least))
			st->n++;
	}
	qsort(all, st->n, sizeof(*all), pick_cmp);
}

static uint64_t
best_budget(const struct mr_rec_hw *hw)
{
	uint64_t best = 0, b;
	int i;

	for (i = MR_PLACE_GPU; i <= MR_PLACE_CPU; i++)
		if ((b = mr_budget(hw, (enum mr_placement)i)) > best)
			best = b;
	return best;
}

/* When nothing fits: why, and what would. */
static void
advise(struct mr_role_rec *rr, const struct mr_catalog *cat,
    const struct mr_rec_hw *hw, const struct mr_discovery *disc,
    enum mr_rec_profile prof, const struct search *st, struct mr_pick *tmp)
{
	struct search st2;
	double gb = GiB;
	size_t len = sizeof(rr->advice);
	int n;

	if (st->considered == 0) {
		snprintf(rr->advice, len, "the catalog has no model for this "
		    "role");
		return;
	}
	if (st->least == 0) {
		snprintf(rr->advice, len, "no model for this role supports a "
		    "%llu-token context%s", (unsigned long long)rr->context,
		    st->no_tools ? " with tool calls" : "");
		return;
	}
	n = snprintf(rr->advice, len, "nothing fits: the smallest choice "
	    "needs %.1f GiB at a %llu-token context (%.1f GiB with headroom) "
	    "and this machine offers %.1f GiB", st->least / gb,
	    (unsigned long long)rr->context,
	    (st->least + keep_free(st->least)) / gb, best_budget(hw) / gb);
	if (n < 0 || (size_t)n >= len)
		return;
	/* a role that does not run Hermes Agent may take a shorter context */
	if (!mr_role_hermes_facing(rr->role) && rr->context > 32768) {
		search_role(cat, hw, disc, prof, rr->role, 32768, tmp, &st2);
		if (st2.n > 0) {
			snprintf(rr->advice + n, len - n, "; at --context "
			    "32768 (this role does not serve Hermes Agent) %s "
			    "%s fits in %.1f GiB", tmp[0].model->name,
			    tmp[0].file->quant, tmp[0].mem.total / gb);
			return;
		}
	}
	snprintf(rr->advice + n, len - n, "; a GPU with %.0f GiB (or that much "
	    "more memory) would run it",
	    ceil((st->least + keep_free(st->least)) / gb / 0.95));
}

void
mr_recommend(const struct mr_catalog *cat, const struct mr_rec_hw *hw,
    const struct mr_discovery *disc, const struct mr_rec_opts *opts,
    struct mr_role_rec out[MR_ROLE_COUNT])
{
	struct mr_pick *all, *tmp;
	struct search st;
	size_t r, top;
	uint64_t ctx;

	top = opts->top ? opts->top : 3;
	if (top > MR_REC_MAX_PICKS)
		top = MR_REC_MAX_PICKS;
	all = mr_xcalloc(cat->n ? cat->n : 1, sizeof(*all));
	tmp = mr_xcalloc(cat->n ? cat->n : 1, sizeof(*tmp));
	for (r = 0; r < MR_ROLE_COUNT; r++) {
		memset(&out[r], 0, sizeof(out[r]));
		out[r].role = (enum mr_role)r;
		if (opts->roles && !(opts->roles & (1u << r)))
			continue;
		ctx = opts->context ? opts->context : MR_REC_DEFAULT_CONTEXT;
		if (mr_role_hermes_facing((enum mr_role)r) &&
		    ctx < MR_REC_DEFAULT_CONTEXT)
			ctx = MR_REC_DEFAULT_CONTEXT;
		out[r].context = ctx;
		search_role(cat, hw, disc, opts->profile, (enum mr_role)r, ctx,
		    all, &st);
		out[r].considered = st.considered;
		out[r].npicks = st.n < top ? st.n : top;
		memcpy(out[r].picks, all, out[r].npicks * sizeof(*all));
		if (st.n == 0)
			advise(&out[r], cat, hw, disc, opts->profile, &st, tmp);
	}
	free(all);
	free(tmp);
}

void
mr_rec_hw_from_discovery(const struct mr_discovery *d, struct mr_rec_hw *hw)
{
	const struct mr_gpu *g;
	size_t i;

	memset(hw, 0, sizeof(*hw));
	if (d == NULL || !d->have_hardware)
		return;
	hw->ram_total = d->hw.ram_total;
	hw->cpu_cores = d->hw.cpu_cores;
	hw->unified = d->hw.apple_silicon;
	for (i = 0; i < d->hw.ngpus; i++) {
		g = &d->hw.gpus[i];
		if (g->integrated || !g->vram_known)
			continue;
		hw->vram_total += g->vram_total;
		if (hw->gpu_name[0] == '\0')
			mr_strlcpy(hw->gpu_name, sizeof(hw->gpu_name), g->name);
	}
	for (i = 0; i < d->nroots; i++)
		if (d->roots[i].exists && d->roots[i].free_known) {
			hw->disk_known = true;
			if (d->roots[i].free_bytes > hw->disk_free)
				hw->disk_free = d->roots[i].free_bytes;
		}
}
