/*
 * libFuzzer target for the routing proxy config loader (routing_proxy.yaml
 * is user-edited, and init/settings rewrite it): any input gives a config
 * or an error, never a crash, a leak or a hang.  What loads is described
 * and looked up, which must not crash either.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/proxycfg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Variables whose name starts with "SET" exist; the rest do not. */
static const char *
fuzz_getenv(const char *name)
{
	return strncmp(name, "SET", 3) == 0 ? "fuzz-secret-value" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf b = MR_BUF_INIT;
	struct mr_proxy_config *cfg;
	size_t i;
	char *msg;

	cfg = mr_proxycfg_load_buffer("fuzz.yaml", (const char *)data, size,
	    fuzz_getenv, &err);
	if (cfg == NULL) {
		msg = mr_error_format(&err);
		free(msg);
		mr_error_clear(&err);
		return 0;
	}
	mr_proxycfg_describe(cfg, &b);
	for (i = 0; i < cfg->engines.n; i++)
		if (mr_proxycfg_engine_backend(cfg, cfg->engines.v[i]) == NULL)
			abort();	/* the loader checked every target */
	for (i = 0; i < cfg->nfallbacks; i++)
		if (mr_proxycfg_fallbacks(cfg, cfg->fallbacks[i].backend) ==
		    NULL)
			abort();
	for (i = 0; i < cfg->nbackends; i++)
		if (!mr_proxycfg_http_url(cfg->backends[i].base_url))
			abort();
	mr_buf_release(&b);
	mr_proxycfg_free(cfg);
	return 0;
}
