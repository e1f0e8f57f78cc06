/*
 * The model catalog: open-weight models with the facts a memory estimate
 * and a recommendation need (catalog/models.yaml, embedded; a user's
 * ~/.model-router/catalog.yaml adds or overrides entries).  Also reads the
 * reference tool's catalog format (route/repo_id entries), whose entries
 * carry fewer facts.  Errors name the file, line and column.
 */
#ifndef MR_CATALOG_H
#define MR_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

enum mr_role {
	MR_ROLE_FAST,
	MR_ROLE_BALANCED,
	MR_ROLE_REASONING,
	MR_ROLE_CODE,
	MR_ROLE_VISION,
	MR_ROLE_COUNT
};
const char *mr_role_name(enum mr_role r);
/* Our role names and the reference's route names (fast_local, ...); -1. */
int	 mr_role_from_name(const char *name);
/* Roles whose engine runs Hermes Agent's own loop: 64K context required. */
bool	 mr_role_hermes_facing(enum mr_role r);

enum mr_attention {
	MR_ATTN_FULL,	/* every layer caches the whole context */
	MR_ATTN_SWA,	/* windowed layers cache sliding_window tokens */
	MR_ATTN_HYBRID,	/* only full_layers (attention) layers hold KV */
	MR_ATTN_MLA	/* a compressed latent of kv_lora_rank per layer */
};

struct mr_cat_file {
	char		 quant[16];	/* "Q4_K_M", "MXFP4", "4bit" */
	char		*file;		/* GGUF: the (first) file name */
	char		*repo;		/* MLX: the repository */
	uint64_t	 size_bytes;
	unsigned	 shards;
	bool		 estimated;	/* size computed, not listed */
	bool		 mlx;
};

struct mr_cat_model {
	char		*id;
	char		*name;
	char		*publisher;
	char		*license;
	char		*card;
	char		*released;
	char		*gguf_repo;
	char		*origin;	/* "file:line" of the entry */
	unsigned	 roles;		/* 1 << enum mr_role */
	int		 quality;	/* 0-100 */
	double		 params_b;
	double		 active_params_b;
	char		 arch[32];
	unsigned	 layers;
	unsigned	 kv_heads;
	unsigned	 head_dim;
	enum mr_attention attention;
	unsigned	 sliding_window;
	unsigned	 full_layers;
	unsigned	 kv_lora_rank;
	uint64_t	 ctx_native;
	uint64_t	 ctx_max;
	int		 tools;		/* 1, 0, -1 unknown */
	int		 thinking;
	bool		 vision;
	struct mr_strlist ollama;	/* Ollama library names */
	struct mr_cat_file *files;	/* GGUF files, then MLX ones */
	size_t		 nfiles;
	/* reference-format entries: what they say instead of facts */
	bool		 reference;
	double		 ref_min_gb;
	double		 ref_recommended_gb;
};

struct mr_catalog {
	struct mr_cat_model *models;
	size_t		 n;
	struct mr_strlist sources;	/* files read, in order */
	struct mr_strlist warnings;	/* "file:line:col: message" */
};

void	 mr_catalog_init(struct mr_catalog *c);
/*
 * Adds the entries of the YAML document TEXT (named NAME in messages) to
 * C; an entry whose id is already there replaces it.  -1 and ERR on the
 * first error (C keeps what it had).
 */
int	 mr_catalog_add_mem(struct mr_catalog *c, const char *text, size_t len,
	    const char *name, struct mr_error *err);
int	 mr_catalog_add_file(struct mr_catalog *c, const char *path,
	    struct mr_error *err);
/*
 * The embedded catalog, then USER_PATH when it exists (NULL: the default
 * ~/.model-router/catalog.yaml, or $MODEL_ROUTER_HOME/catalog.yaml).
 */
int	 mr_catalog_load(struct mr_catalog *c, const char *user_path,
	    struct mr_error *err);
const struct mr_cat_model *mr_catalog_find(const struct mr_catalog *c,
	    const char *id);
void	 mr_catalog_release(struct mr_catalog *c);

/* Bits per weight of a quantization, for sizes not listed; 0 unknown. */
double	 mr_quant_bpw(const char *quant);

#endif
