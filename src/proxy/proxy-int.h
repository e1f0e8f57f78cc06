/*
 * What the proxy's files share: the server, the config it serves from,
 * cooldowns and the answers every path sends.
 */
#ifndef MR_PROXY_INT_H
#define MR_PROXY_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <microhttpd.h>

#include "mr/gateway.h"
#include "mr/metrics.h"
#include "mr/proxy.h"
#include "mr/proxycfg.h"
#include "mr/router.h"
#include "mr/telemetry.h"

#if MHD_VERSION >= 0x00097002
#define MHD_RESULT enum MHD_Result
#else
#define MHD_RESULT int
#endif

#define RETRY_AFTER_DEFAULT 10	/* a 429 without Retry-After: this long */
#define RETRY_AFTER_MAX	60
#define PROBE_EVERY_MS	1000	/* how often a cooled backend is probed */

/* What the proxy serves from: swapped whole on reload. */
struct state {
	struct mr_proxy_config	*pc;
	struct mr_router	*router;
	struct mr_telemetry	*tel;		/* NULL: no events */
	char			*key;		/* the clients' key, or NULL */
	char			*config_source;	/* router config, "default" */
	atomic_int		 refs;
};

/* A backend that failed: skipped until UNTIL, and while DOWN until a
 * probe of it succeeds. */
struct cooldown {
	char			*name;
	time_t			 until;
	bool			 down;
};

struct server {
	pthread_mutex_t		 mu;		/* guards cur and cool */
	struct state		*cur;
	const struct mr_proxy_opts *o;
	size_t			 max_body;
	CURLSH			*share;
	pthread_mutex_t		 share_mu[CURL_LOCK_DATA_LAST];
	struct cooldown		*cool;
	size_t			 ncool;
	struct mr_metrics	*metrics;
	atomic_long		 in_flight;
	atomic_long		 connections;	/* client connections open */
	atomic_ulong		 requests, forwarded, fallbacks, errors;
	/* the prober of cooled backends */
	pthread_t		 prober;
	pthread_mutex_t		 probe_mu;
	pthread_cond_t		 probe_cv;
	bool			 probe_work;	/* a backend went down */
	bool			 stopping;
};

/* server.c */
struct state *state_get(struct server *sv);
void	 state_put(struct state *s);
bool	 cooling(struct server *sv, const char *name);
/* A failure: DOWN waits for a probe; else it is a 429's wait of
 * SECONDS. */
void	 cool(struct server *sv, const char *name, long seconds, bool down);
/* A success: a request's clears both; a probe's only DOWN. */
void	 uncool(struct server *sv, const char *name, bool probe);
/* The X-ModelRouter-* headers of an answer, values made printable. */
struct route_hdrs {
	size_t		 n;
	const char	*name[8];
	char		 value[8][129];
};
MHD_RESULT send_body(struct MHD_Connection *c, unsigned status,
	    const char *ctype, const char *body, size_t len,
	    const struct route_hdrs *headers);
MHD_RESULT send_json(struct MHD_Connection *c, unsigned status, char *json,
	    const struct route_hdrs *headers);
double	 mono_now(void);

/* forward.c */
MHD_RESULT routed(struct MHD_Connection *c, struct server *sv,
	    struct state *s, enum mr_gw_api api, const char *data, size_t len,
	    double t0);

/* probe.c */
MHD_RESULT health_backends(struct MHD_Connection *c, struct server *sv,
	    const struct state *s);
void	*prober_main(void *arg);

#endif
