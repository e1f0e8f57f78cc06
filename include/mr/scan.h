/*
 * Model discovery: the models in LM Studio's folder, Ollama's store, the
 * Hugging Face cache and plain folders, reported one by one through
 * callbacks so a screen can show them as they are found.  Bad input
 * (unreadable folders, broken links, loops, hostile files) becomes a
 * warning; a scan never stops early because of it.
 */
#ifndef MR_SCAN_H
#define MR_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

enum mr_model_source {
	MR_SRC_LMSTUDIO,
	MR_SRC_OLLAMA,
	MR_SRC_HF_CACHE,
	MR_SRC_LLAMACPP,	/* llama.cpp's -hf download cache */
	MR_SRC_FOLDER
};
const char *mr_model_source_name(enum mr_model_source s);

enum mr_model_format {
	MR_FMT_GGUF,
	MR_FMT_SAFETENSORS,
	MR_FMT_MLX
};
const char *mr_model_format_name(enum mr_model_format f);

struct mr_model {
	char		*name;		/* publisher/repo/file, name:tag, ... */
	enum mr_model_source source;
	enum mr_model_format format;
	struct mr_strlist paths;	/* the file(s), or the folder */
	uint64_t	 size_bytes;	/* on disk, shared blobs counted once */
	unsigned	 shards;	/* split GGUF: number of files */
	char		 quant[32];	/* "Q4_K_M", "4bit", "BF16" */
	char		 size_label[32];
	char		 arch[64];
	uint64_t	 params;	/* 0 when unknown */
	uint64_t	 context_length;	/* trained context, 0 unknown */
	uint64_t	 configured_context;	/* e.g. Ollama num_ctx */
	int		 tools;		/* chat template: 1 yes, 0 no, -1 ? */
	bool		 has_projector;	/* vision sidecar (mmproj) */
};

struct mr_scan_cb {
	/* each model as it is found (borrowed for the call) */
	void	(*model)(void *ctx, const struct mr_model *m);
	/* a problem that did not stop the scan */
	void	(*warning)(void *ctx, const char *msg);
	void	*ctx;
};

/* LM Studio: MODELS/<publisher>/<repo>/ (GGUF files, MLX folders). */
void	 mr_scan_lmstudio(const char *models_dir, const struct mr_scan_cb *cb);

/*
 * Ollama: MODELS/manifests/<host>/<namespace>/<model>/<tag>, each
 * resolved to its GGUF blob; num_ctx from the params blob is the
 * configured context.
 */
void	 mr_scan_ollama(const char *models_dir, const struct mr_scan_cb *cb);

/*
 * Hugging Face cache: CACHE/models--<org>--<name>/snapshots/<revision>/
 * (the revision refs/main names, else the first), files resolved through
 * their blob links, first-level subfolders included.
 */
void	 mr_scan_hf_cache(const char *cache_dir, const struct mr_scan_cb *cb);

/*
 * Any folder (~/models, llama.cpp's cache, --model-dir): GGUF files and
 * MLX / safetensors folders down to MR_SCAN_DEPTH levels, Hugging Face
 * repositories (models--org--name) and Ollama stores found inside it;
 * each folder is entered once, however many links lead to it.
 */
#define MR_SCAN_DEPTH 4
void	 mr_scan_folder(const char *dir, enum mr_model_source source,
	    const struct mr_scan_cb *cb);

void	 mr_model_copy(struct mr_model *dst, const struct mr_model *src);
void	 mr_model_release(struct mr_model *m);

#endif
