/*
 * The routing proxy: one OpenAI-compatible endpoint that routes each
 * request (src/gateway) and forwards it to a backend, with fallbacks,
 * streaming relayed as it arrives, and auth.  libmicrohttpd serves,
 * libcurl forwards; only src/proxy includes them.
 */
#ifndef MR_PROXY_H
#define MR_PROXY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"

#define MR_PROXY_MAX_BODY (32u << 20)
/* On stop, the requests in flight get this long to finish. */
#define MR_PROXY_DRAIN_S 30

struct mr_proxy_opts {
	const char	*config_path;	/* routing_proxy.yaml */
	const char	*host;		/* NULL: the config's */
	int		 port;		/* 0: the config's; -1: any free */
	bool		 insecure_no_auth;	/* allow non-loopback, no key */
	size_t		 max_body;	/* 0: MR_PROXY_MAX_BODY */
	/* set by the caller's signal handlers: *STOP counts the stop
	 * signals (a second one ends the drain) */
	volatile sig_atomic_t *stop;
	volatile sig_atomic_t *reload;
	/* readable once the handlers changed *STOP or *RELOAD (they write
	 * a byte to a pipe), so an idle server sleeps; 0 or less: none,
	 * the flags are looked at every 50 ms */
	int		 wake_fd;
	/* told once listening: the port actually bound (tests bind 0) */
	void		(*ready)(void *ctx, int port);
	/* one line of news (a reload, a refused config); may be NULL */
	void		(*log)(void *ctx, const char *line);
	void		*ctx;
};

/*
 * Serves until *STOP; then takes no new connection and lets the requests
 * in flight finish (MR_PROXY_DRAIN_S at most, or until *STOP reaches 2).
 * On *RELOAD reads the config again and keeps the old one when the new
 * one does not load.  0, or -1 with ERR (bad config,
 * port taken, a non-loopback address without a key).
 */
int	 mr_proxy_run(const struct mr_proxy_opts *o, struct mr_error *err);

#endif
