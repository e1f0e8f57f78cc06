/*
 * libFuzzer target for what the proxy does with a client's body: any
 * bytes as a request to each API, routed against a fixed config; the
 * routing text and the upstream body never crash, leak or hang, and the
 * upstream body is checked: one "model", the backend's; no tool keys for
 * a strip_tools backend; the client's body as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/config.h"
#include "mr/gateway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_upstream(cJSON *body, const struct mr_proxy_backend *b)
{
	char *before = cJSON_PrintUnformatted(body), *after, *u;
	const cJSON *it;
	cJSON *o;
	bool added;
	int models = 0;

	u = mr_gw_upstream_body(body, b, &added);
	after = cJSON_PrintUnformatted(body);
	if (u == NULL || before == NULL || after == NULL ||
	    strcmp(before, after) != 0)
		abort();	/* the client's body changed */
	if ((o = cJSON_Parse(u)) == NULL || !cJSON_IsObject(o))
		abort();
	cJSON_ArrayForEach(it, o) {
		if (strcmp(it->string, "model") == 0 && (++models > 1 ||
		    !cJSON_IsString(it) || strcmp(it->valuestring, b->model)))
			abort();
		if (b->strip_tools && (!strcmp(it->string, "tools") ||
		    !strcmp(it->string, "tool_choice") ||
		    !strcmp(it->string, "functions") ||
		    !strcmp(it->string, "parallel_tool_calls")))
			abort();
	}
	if (models != 1)
		abort();
	cJSON_Delete(o);
	free(before);
	free(after);
	free(u);
}

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
	char *p;
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
			for (size_t i = 0; i < rt.nchain; i++)
				check_upstream(body, rt.chain[i]);
		}
	cJSON_Delete(body);
	return 0;
}
