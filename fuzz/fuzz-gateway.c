/*
 * libFuzzer target for what the proxy does with a client's body: any
 * bytes as a request to each API, routed against a fixed config; the
 * routing text and the upstream body never crash, leak or hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/config.h"
#include "mr/gateway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char yaml[] =
	"backends:\n"
	"  fast:\n    base_url: http://127.0.0.1:1/v1\n    model: f\n"
	"    strip_tools: true\n"
	"  balanced:\n    base_url: http://127.0.0.1:2/v1\n    model: b\n"
	"engine_backends:\n  fast_local: fast\n  balanced_local: balanced\n"
	"  reasoning_local: balanced\n  code_agent: balanced\n"
	"  web_research: balanced\n  multimodal_vision: balanced\n"
	"  image_generation: balanced\n"
	"fallback_backends:\n  fast: [balanced]\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mr_proxy_config *pc;
	static struct mr_router *r;
	struct mr_gw_route rt;
	struct mr_error err = MR_ERROR_INIT;
	cJSON *body;
	char *p, *u;
	bool added;
	int api;

	if (pc == NULL) {
		struct mr_config *cfg;

		pc = mr_proxycfg_load_buffer("f.yaml", yaml, sizeof(yaml) - 1,
		    NULL, &err);
		cfg = mr_config_load_default(&err);
		if (pc == NULL || cfg == NULL)
			abort();
		mr_config_check_availability(cfg, true, NULL);
		r = mr_router_new(cfg);
	}
	if ((body = cJSON_ParseWithLength((const char *)data, size)) == NULL)
		return 0;
	if (cJSON_IsObject(body))
		for (api = 0; api <= MR_GW_EMBEDDINGS; api++) {
			p = mr_gw_prompt((enum mr_gw_api)api, body);
			free(p);
			mr_gw_route(pc, r, (enum mr_gw_api)api, body, &rt);
			if (rt.nchain > 0) {
				u = mr_gw_upstream_body(body, rt.chain[0],
				    &added);
				free(u);
			}
		}
	cJSON_Delete(body);
	return 0;
}
