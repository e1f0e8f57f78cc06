/*
 * libFuzzer target for Ollama's manifest, config and params blobs: any
 * bytes as each.  A parsed model digest must always be a safe blob name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/ollama.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_ollama_manifest m;
	struct mr_ollama_config c;
	struct mr_error err = MR_ERROR_INIT;
	char blob[80];
	uint64_t n;

	if (mr_ollama_parse_manifest((const char *)data, size, &m, &err) == 0) {
		if (!mr_ollama_blob_name(m.model_digest, blob, sizeof(blob)) ||
		    strchr(blob, '/') != NULL)
			abort();
	}
	mr_error_clear(&err);
	mr_ollama_parse_config((const char *)data, size, &c, &err);
	mr_error_clear(&err);
	mr_ollama_parse_params((const char *)data, size, &n, &err);
	mr_error_clear(&err);
	return 0;
}
