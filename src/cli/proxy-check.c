/*
 * The check init runs on the routing_proxy.yaml it is about to write: the
 * full loader, with any key variable counted as set (whether the key is
 * in the environment yet is a warning for later, not a reason to refuse).
 */
#include <stdlib.h>

#include "cli-int.h"
#include "mr/proxycfg.h"

static const char *
any_set(const char *name)
{
	(void)name;
	return "set";
}

int
mr_cli_check_proxy_text(const char *name, const char *text, size_t len,
    struct mr_error *err)
{
	struct mr_proxy_config *pc;

	if ((pc = mr_proxycfg_load_buffer(name, text, len, any_set,
	    err)) == NULL)
		return -1;
	mr_proxycfg_free(pc);
	return 0;
}
