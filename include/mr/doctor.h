/*
 * The doctor: every check a working setup needs (configs, each backend,
 * the proxy's port, Hermes Agent's config), each with an id, a status, a
 * one-line finding and a fix a user can paste.  Backends are probed all
 * at once; each result is reported through a callback as it is known, so
 * a screen can show them live.
 */
#ifndef MR_DOCTOR_H
#define MR_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/servers.h"
#include "mr/util.h"

enum mr_check_status {
	MR_CHECK_OK,
	MR_CHECK_WARN,
	MR_CHECK_FAIL,
	MR_CHECK_SKIP
};
const char *mr_check_status_name(enum mr_check_status s);

struct mr_check {
	char		*id;		/* "backend.balanced.context" */
	char		*group;		/* config, backend, proxy, hermes */
	enum mr_check_status status;
	char		*finding;	/* one line */
	char		*fix;		/* a command or edit; NULL when ok */
};

struct mr_doctor_opts {
	const char	*proxy_config;	/* NULL: the default place */
	bool		 no_hermes;
	const char	*hermes_home;	/* NULL: as Hermes finds it */
	long		 timeout_ms;	/* per request; 0: 1000 */
	bool		 live;		/* run the models: a tool call, a stream */
	long		 live_timeout_ms;	/* 0: 60000 */
	mr_http_fn	 http;		/* NULL: the real engine */
	mr_getenv_fn	 getenv_fn;	/* NULL: getenv(3) */
};

struct mr_doctor_cb {
	void	(*check)(void *ctx, const struct mr_check *c);
	void	*ctx;
};

struct mr_doctor_result {
	struct mr_check	*checks;	/* in the order reported */
	size_t		 n;
	size_t		 fails;
	size_t		 warns;
};

/* Runs every check.  CB may be NULL.  Never fails: problems are checks. */
void	 mr_doctor_run(const struct mr_doctor_opts *o,
	    const struct mr_doctor_cb *cb, struct mr_doctor_result *r);
void	 mr_doctor_result_release(struct mr_doctor_result *r);

/* The result as JSON: {checks: [{id, group, status, finding, fix}],
 * summary: {ok, warnings, failed, skipped}}. */
struct cJSON;
struct cJSON *mr_doctor_json(const struct mr_doctor_result *r);

/*
 * Writes a support archive OUT (.tar.gz, mode 0600): the checks, a scan,
 * the configs O names (or the defaults), the last log lines and Hermes's
 * config with the names its .env sets, every secret removed.
 */
int	 mr_doctor_bundle(const char *out, const struct mr_doctor_result *r,
	    const struct mr_doctor_opts *o, struct mr_error *err);


#endif
