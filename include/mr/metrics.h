/*
 * The proxy's counters and latency histograms, rendered in the
 * Prometheus text format (version 0.0.4) for GET /metrics.  Thread-safe;
 * an update is a hash lookup under a mutex, well under a microsecond.
 */
#ifndef MR_METRICS_H
#define MR_METRICS_H

#include <stdbool.h>

#include "mr/gateway.h"
#include "mr/util.h"

struct mr_metrics;

/* One request the proxy answered, however it ended. */
struct mr_metrics_req {
	const char	*api;		/* chat, responses, ..., or "other" */
	int		 status;	/* the HTTP status the client got */
	const char	*engine;	/* NULL: not routed */
	const char	*backend;	/* the one that answered, or NULL */
	bool		 stream;
	bool		 fallback;
	double		 seconds;	/* receipt to answer (stream: to end) */
	double		 ttfb_seconds;	/* streams; < 0 unknown */
	struct mr_gw_usage usage;	/* -1 where unknown */
};

struct mr_metrics *mr_metrics_new(void);
void	 mr_metrics_free(struct mr_metrics *m);
void	 mr_metrics_request(struct mr_metrics *m,
	    const struct mr_metrics_req *r);
/* A failed attempt at BACKEND: connect, timeout, 5xx, 429, other. */
void	 mr_metrics_upstream_error(struct mr_metrics *m, const char *backend,
	    const char *reason);
/* A retry of BACKEND after a failure. */
void	 mr_metrics_retry(struct mr_metrics *m, const char *backend);
/* NAME="VALUE" escaped for the text format, after a comma when B has
 * text already. */
void	 mr_prom_label(struct mr_buf *b, const char *name, const char *v);
/* Everything so far, in the text format, appended to OUT. */
void	 mr_metrics_render(struct mr_metrics *m, struct mr_buf *out);

#endif
