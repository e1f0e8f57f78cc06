/*
 * libFuzzer target for the router config loader: any input must give a
 * config or an error, never a crash, a leak or a hang.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mr/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A fixed, empty environment keeps runs reproducible. */
static const char *
no_env(const char *name)
{
	(void)name;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_config *cfg;
	char *msg;

	cfg = mr_config_load_buffer("fuzz.yaml", (const char *)data, size,
	    &err);
	if (cfg != NULL) {
		mr_config_check_availability(cfg, true, no_env);
		mr_config_free(cfg);
	} else {
		msg = mr_error_format(&err);
		free(msg);
	}
	mr_error_clear(&err);
	return 0;
}
