/*
 * Ollama's on-disk model store (local-servers-hf-hardware.md §2.1):
 * manifests, the config blob and the params blob.  All input is untrusted
 * JSON; a digest is accepted only as "sha256:" and 64 lower-case hex
 * digits, so it can safely become a blob file name.
 */
#ifndef MR_OLLAMA_H
#define MR_OLLAMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/util.h"

#define MR_DIGEST_LEN 71	/* "sha256:" + 64 hex */

struct mr_ollama_manifest {
	int		 schema_version;
	size_t		 nlayers;
	uint64_t	 total_size;	/* layers + config, as Ollama counts */
	char		 config_digest[MR_DIGEST_LEN + 1];
	char		 model_digest[MR_DIGEST_LEN + 1];	/* the GGUF */
	uint64_t	 model_size;
	char		 projector_digest[MR_DIGEST_LEN + 1];	/* vision */
	char		 params_digest[MR_DIGEST_LEN + 1];
	char		 template_digest[MR_DIGEST_LEN + 1];
	bool		 has_model;
	bool		 has_projector;
	bool		 has_params;
	bool		 has_template;
};

struct mr_ollama_config {
	char		 model_format[32];	/* "gguf" */
	char		 model_family[64];
	char		 model_type[32];	/* parameter size, "7.6B" */
	char		 file_type[32];		/* quantization, "Q4_K_M" */
};

/* 0 on success; -1 with ERR on anything that is not a usable manifest. */
int	 mr_ollama_parse_manifest(const char *json, size_t len,
	    struct mr_ollama_manifest *m, struct mr_error *err);
int	 mr_ollama_parse_config(const char *json, size_t len,
	    struct mr_ollama_config *c, struct mr_error *err);
/* num_ctx from a params blob; 0 when it sets none. -1 on bad JSON. */
int	 mr_ollama_parse_params(const char *json, size_t len,
	    uint64_t *num_ctx, struct mr_error *err);

/* True for "sha256:<64 lower-case hex>". */
bool	 mr_ollama_digest_valid(const char *digest);
/* The blob file name ("sha256-<hex>") of a valid digest into OUT. */
bool	 mr_ollama_blob_name(const char *digest, char *out, size_t n);
/*
 * The name Ollama shows for manifests/<host>/<namespace>/<model>/<tag>:
 * "model:tag" for the default registry and library, else with the
 * namespace, and with the host when it is not the default.
 */
void	 mr_ollama_display_name(const char *host, const char *ns,
	    const char *model, const char *tag, char *out, size_t n);

#endif
