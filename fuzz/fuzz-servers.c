/*
 * libFuzzer target for the parsers of model servers' answers: any bytes
 * as each answer.  A parse either fails or yields bounded results.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int (*const parsers[])(const char *, size_t,
	    struct mr_server_info *) = {
		mr_parse_lmstudio_v0_models, mr_parse_lmstudio_v1_models,
		mr_parse_ollama_ps, mr_parse_ollama_version,
		mr_parse_ollama_tags, mr_parse_llamacpp_props, mr_parse_openai_models,
	};
	static struct mr_server_info s;
	struct mr_served_model m;
	size_t i, k;

	for (i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
		memset(&s, 0, sizeof(s));
		if (parsers[i]((const char *)data, size, &s) != 0)
			continue;
		if (s.nmodels > MR_MAX_SERVED)
			abort();
		for (k = 0; k < s.nmodels; k++)
			if (memchr(s.models[k].id, '\0',
			    sizeof(s.models[k].id)) == NULL)
				abort();
	}
	memset(&m, 0, sizeof(m));
	if (mr_parse_ollama_show((const char *)data, size, &m) == 0 &&
	    (m.tools < -1 || m.tools > 1))
		abort();
	return 0;
}
