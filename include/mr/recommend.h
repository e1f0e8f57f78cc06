/*
 * Hardware-aware recommendations: for each role, the catalog models that
 * fit this machine at the requested context (64K by default), ranked by
 * quality within what fits with headroom, models already on disk or
 * loaded first.  Memory = weights + KV cache for the architecture's real
 * attention layout + runtime overhead (local-servers-hf-hardware.md §7).
 * Pure computation: the hardware and what is installed come in.
 */
#ifndef MR_RECOMMEND_H
#define MR_RECOMMEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/catalog.h"

struct mr_discovery;

#define MR_REC_DEFAULT_CONTEXT 65536
#define MR_REC_MAX_PICKS 8

/* The machine as the estimate sees it. */
struct mr_rec_hw {
	uint64_t	 ram_total;	/* bytes (cgroup limit when lower) */
	uint64_t	 vram_total;	/* discrete GPUs, summed */
	bool		 unified;	/* Apple silicon: the GPU uses RAM */
	bool		 disk_known;
	uint64_t	 disk_free;	/* where downloads would go */
	int		 cpu_cores;
	char		 gpu_name[128];	/* for messages; "" none */
};

enum mr_rec_profile {
	MR_REC_LIGHTWEIGHT,
	MR_REC_BALANCED,
	MR_REC_QUALITY
};
const char *mr_rec_profile_name(enum mr_rec_profile p);
int	 mr_rec_profile_from_name(const char *name);	/* -1 unknown */

enum mr_placement {
	MR_PLACE_GPU,		/* all in VRAM */
	MR_PLACE_UNIFIED,	/* Apple silicon's GPU share of RAM */
	MR_PLACE_SPLIT,		/* VRAM and RAM (partial offload) */
	MR_PLACE_CPU		/* RAM only */
};
const char *mr_placement_name(enum mr_placement p);

struct mr_mem_estimate {
	uint64_t	 weights;
	uint64_t	 kv;
	uint64_t	 overhead;
	uint64_t	 total;
};

/* KV cache bytes at CTX tokens (f16), by the attention layout. */
uint64_t mr_kv_bytes(const struct mr_cat_model *m, uint64_t ctx);
void	 mr_estimate_memory(const struct mr_cat_model *m,
	    const struct mr_cat_file *f, uint64_t ctx,
	    struct mr_mem_estimate *out);

struct mr_pick {
	const struct mr_cat_model *model;
	const struct mr_cat_file *file;
	struct mr_mem_estimate mem;
	enum mr_placement place;
	uint64_t	 budget;	/* memory the placement offers */
	uint64_t	 context;	/* the context estimated at */
	double		 tok_s;		/* rough generation speed */
	double		 score;
	bool		 installed;
	char		 installed_at[256];	/* path or Ollama name */
	bool		 loaded;
	char		 loaded_on[256];	/* server URL */
	char		 why[384];	/* the one-line explanation */
};

struct mr_role_rec {
	enum mr_role	 role;
	uint64_t	 context;	/* required for this role */
	struct mr_pick	 picks[MR_REC_MAX_PICKS];
	size_t		 npicks;
	size_t		 considered;	/* catalog models with the role */
	char		 advice[512];	/* when nothing fits: what would */
};

struct mr_rec_opts {
	enum mr_rec_profile profile;
	uint64_t	 context;	/* 0: MR_REC_DEFAULT_CONTEXT */
	unsigned	 roles;		/* 1 << role; 0: every role */
	size_t		 top;		/* picks per role; 0: 3 */
};

/*
 * Fills OUT[role] for each role asked.  DISC (may be NULL) says what is
 * on disk and loaded.
 */
void	 mr_recommend(const struct mr_catalog *cat, const struct mr_rec_hw *hw,
	    const struct mr_discovery *disc, const struct mr_rec_opts *opts,
	    struct mr_role_rec out[MR_ROLE_COUNT]);

/* The machine from a discovery (memory, GPUs, the downloads disk). */
void	 mr_rec_hw_from_discovery(const struct mr_discovery *d,
	    struct mr_rec_hw *hw);

/* Memory each placement offers on HW (bytes). */
uint64_t mr_budget(const struct mr_rec_hw *hw, enum mr_placement p);

#endif
