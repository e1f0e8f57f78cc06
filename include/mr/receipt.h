/*
 * Receipts and dry-run dispatch plans (router-core.md §4.2–4.3): the
 * explanation fields derived from a decision, as JSON or text.
 */
#ifndef MR_RECEIPT_H
#define MR_RECEIPT_H

#include <cjson/cJSON.h>

#include "mr/router.h"

/* The full receipt; selected_engine first, then the reference's keys. */
cJSON	*mr_receipt_json(const struct mr_decision *d);

/* `decide` readable output (one "Key: value" per line). */
void	 mr_receipt_text(const struct mr_decision *d, struct mr_buf *out);
/* `decide --explain`. */
void	 mr_receipt_explain(const struct mr_decision *d, struct mr_buf *out);

/*
 * Dispatch plan for D.  CFG may be NULL (config could not load): provider,
 * model and adapter are then "unknown".
 */
cJSON	*mr_dispatch_plan_json(const struct mr_config *cfg,
	    const struct mr_decision *d);
void	 mr_dispatch_plan_text(const struct mr_config *cfg,
	    const struct mr_decision *d, struct mr_buf *out);

#endif
