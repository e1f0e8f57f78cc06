/*
 * libFuzzer target for the scorer and the routing policy: any bytes as a
 * prompt.  Checks the invariants that must hold for every input: scores in
 * range, the fast path and the full decision agree, and a prompt with a
 * destructive word is never routed past the confirmation gate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mr/router.h"

static struct mr_router *router;

static void
check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_config *cfg;
	struct mr_decision d;
	struct mr_hints h;
	const char *p = (const char *)data;
	const char *fast;

	if (router == NULL) {
		cfg = mr_config_load_default(&err);
		check(cfg != NULL);
		mr_config_check_availability(cfg, true, NULL);
		router = mr_router_new(cfg);
	}
	fast = mr_route_fast(router, p, size, NULL);
	mr_route(router, p, size, NULL, true, &d);
	check(strcmp(fast, d.selected_engine) == 0);
	check(d.complexity >= 10 && d.complexity <= 100);
	check(d.risk >= 0 && d.risk <= 100);
	check(d.confidence >= 0 && d.confidence <= 100);
	check(d.analysis.prompt_length <= size);
	if (mr_has(&d.analysis, MR_F_DESTRUCTIVE_ACTION))
		check(d.requires_confirmation &&
		    strcmp(d.selected_engine, "human_confirm") == 0);
	mr_decision_release(&d);

	/* The same prompt under hints drawn from its first byte. */
	mr_hints_init(&h);
	if (size > 0) {
		static const char *const profiles[] = { "fast", "balanced",
			"quality", "private", "safe" };
		h.profile = profiles[data[0] % 5];
		if (data[0] & 0x20) {
			h.attachments[0] = "image";
			h.nattachments = 1;
		}
		if (data[0] & 0x40)
			h.local_only = true;
	}
	fast = mr_route_fast(router, p, size, &h);
	mr_route(router, p, size, &h, false, &d);
	check(strcmp(fast, d.selected_engine) == 0);
	mr_decision_release(&d);
	return 0;
}
