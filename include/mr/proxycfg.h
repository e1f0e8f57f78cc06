/*
 * The routing proxy configuration (routing_proxy.yaml): schema, defaults,
 * load order and error texts of hermes-router's loader
 * (reference-cli-proxy-setup.md §A.3), with these differences:
 *
 *  - every error carries the file, line and column of the offending node
 *    (the node's parent when the key is missing, 1:1 for an empty file);
 *  - base_url and readiness_url must be http(s) URLs with a host
 *    ("backend 'x' base_url must be an http(s) URL with a host, not '...'");
 *  - proxy.port must also be at most 65535, and NaN or infinite numbers are
 *    not positive numbers;
 *  - unknown keys at the top level and in proxy, backends.*, runtime,
 *    observability and health are warnings ("file:line:col: unknown key 'x'
 *    in proxy (did you mean 'y'?)") instead of being ignored;
 *  - the environment is read through a callback, so api_key_env checks
 *    are testable;
 *  - API keys are kept (they are needed to talk to backends) but
 *    mr_proxycfg_describe() never prints them, error messages never contain
 *    them and mr_proxycfg_free() wipes them.
 *
 * Loading never prints.  Strings are kept as written: paths keep their "~".
 */
#ifndef MR_PROXYCFG_H
#define MR_PROXYCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"

/*
 * A process the proxy starts on demand for one backend (§C.7).  Timeouts
 * are in seconds.
 */
struct mr_proxy_runtime {
	bool		 enabled;	/* false: nothing else is set */
	char		*kind;	/* llama-server, mlx-lm, generic */
	struct mr_strlist command;	/* argv, never a shell line */
	char		*readiness_url;
	double		 readiness_timeout;	/* 30 */
	double		 idle_timeout;		/* 900 */
	double		 shutdown_timeout;	/* 5 */
	char		*log_path;
};

/* The failures that move on (fallback_on: connect, timeout, 5xx, 429). */
#define MR_FALLBACK_CONNECT	0x1u
#define MR_FALLBACK_TIMEOUT	0x2u
#define MR_FALLBACK_5XX		0x4u
#define MR_FALLBACK_429		0x8u
#define MR_FALLBACK_ALL		0xfu

/* One OpenAI-compatible upstream. */
struct mr_proxy_backend {
	char		*name;
	char		*base_url;
	char		*model;		/* the id sent upstream */
	/*
	 * SECRET.  The key to send: api_key as written, or the value of
	 * the environment variable api_key_env.  NULL when there is none.
	 */
	char		*api_key;
	char		*api_key_env;	/* its variable, or NULL */
	double		 timeout_seconds;	/* 300: the whole request */
	double		 connect_timeout_seconds;	/* 5 */
	/* no byte of the answer by then: give up (0: only the total) */
	double		 first_byte_timeout_seconds;	/* 0 */
	long long	 max_retries;	/* 1: tries again before falling back */
	double		 retry_backoff_seconds;	/* 0.2, doubled, jittered */
	/* MR_FALLBACK_* bits: what moves on to a retry or the next backend */
	unsigned	 fallback_on;	/* all */
	bool		 strip_tools;
	struct mr_proxy_runtime runtime;
	int		 line;		/* of the backend's name */
	int		 col;
};

/* One fallback_backends entry: BACKEND falls back to CHAIN in order. */
struct mr_proxy_fallback {
	char		*backend;
	struct mr_strlist chain;
};

/* Defaults in comments; enumerated strings are always one of those. */
struct mr_proxy_config {
	char		*path;	/* the name given to the loader */

	struct {
		char	*host;			/* 127.0.0.1 */
		int	 port;			/* 8082 */
		/* a client connection silent this long is closed (a request
		 * waiting on its backend is not silent) */
		double	 idle_timeout_seconds;	/* 60 */
		char	*routing_profile;	/* balanced */
		char	*routing_mode;		/* decision, manual */
		char	*default_backend;	/* NULL when unset */
		char	*default_model;		/* NULL when unset */
		/* default: true in manual mode, false in decision mode */
		bool	 respect_client_model;
		/* fallback_to_default, reject_404 */
		char	*unknown_model_behavior;
		/* decision_only, always_static, off */
		char	*safety_gate_mode;
		char	*api_key;		/* SECRET, as above */
		char	*api_key_env;
		struct mr_strlist model_ids;	/* deduplicated */
	} proxy;

	char		*router_config;	/* NULL: the packaged one */

	struct mr_proxy_backend *backends;	/* in file order */
	size_t		 nbackends;

	/* engine_backends in file order: engines.v[i] -> engine_targets.v[i] */
	struct mr_strlist engines;
	struct mr_strlist engine_targets;

	struct mr_proxy_fallback *fallbacks;	/* in file order */
	size_t		 nfallbacks;

	struct {
		bool	 enabled;	/* false without the block */
		char	*log_path;
		char	*prompt_capture;  /* off, redacted_preview, full */
		long long max_bytes;	/* 10485760; 0: no rotation */
		long long backups;	/* 5; 0: no rotation */
	} observability;

	struct {
		double	 backend_timeout_seconds;	/* 1.0 */
	} health;

	struct {
		int	 version;	/* 1 */
		struct mr_strlist allowlist;
		struct mr_strlist denylist;
	} backend_policy;

	struct {
		int	 version;	/* 1 */
		/* off, receipt-only, sampled, always-for-risky-output */
		char	*mode;
		char	*backend;		/* NULL when unset */
		double	 sample_rate;		/* 0.0 */
		struct mr_strlist route_codes;
		double	 timeout_seconds;	/* 10 */
		char	*failure_behavior;  /* log_only, fail_closed */
		char	*prompt_template;
		bool	 include_response_preview;
		long long max_response_preview_chars;	/* 500 */
	} verifier;

	/* "file:line:col: ..." for unknown keys and YAML oddities. */
	struct mr_strlist warnings;
};

/* An environment lookup; NULL stands for getenv(3). */
typedef const char *(*mr_proxycfg_getenv_fn)(const char *);

/*
 * Loads DATA (LEN bytes) named NAME in messages.  Returns NULL and fills
 * ERR (which may be NULL) on the first error, in the reference's order:
 * proxy, observability, health, router_config, backends, the manual mode
 * checks, backend_policy, verifier, environment secrets, engine_backends,
 * fallback_backends, cycles.
 */
struct mr_proxy_config *mr_proxycfg_load_buffer(const char *name,
	    const char *data, size_t len, mr_proxycfg_getenv_fn getenv_fn,
	    struct mr_error *err);

/*
 * Loads the file at PATH ("~" expanded with GETENV_FN's HOME): "routing
 * proxy config missing: <path>" when it does not exist, "routing proxy
 * config unreadable: <why>" when it cannot be read.
 */
struct mr_proxy_config *mr_proxycfg_load_file(const char *path,
	    mr_proxycfg_getenv_fn getenv_fn, struct mr_error *err);

/* Frees CFG (NULL is fine), wiping the API keys first. */
void	 mr_proxycfg_free(struct mr_proxy_config *cfg);

/* The backend called NAME, or NULL. */
const struct mr_proxy_backend *mr_proxycfg_backend(
	    const struct mr_proxy_config *cfg, const char *name);
/* The backend engine_backends maps ENGINE to, or NULL. */
const struct mr_proxy_backend *mr_proxycfg_engine_backend(
	    const struct mr_proxy_config *cfg, const char *engine);
/* BACKEND's fallback chain, or NULL when it has none. */
const struct mr_strlist *mr_proxycfg_fallbacks(
	    const struct mr_proxy_config *cfg, const char *backend);

/*
 * Appends a human-readable description of CFG to OUT, one setting a line.
 * API keys appear as "(set)" and URL passwords as "***": never their
 * values.
 */
void	 mr_proxycfg_describe(const struct mr_proxy_config *cfg,
	    struct mr_buf *out);

/*
 * Whether S is an http or https URL with a host (and, if any, a port from
 * 1 to 65535), without blanks or control characters.
 */
bool	 mr_proxycfg_http_url(const char *s);
/* Appends URL with the password of its user info, if any, as "***". */
void	 mr_proxycfg_redact_url(struct mr_buf *b, const char *url);

#endif
