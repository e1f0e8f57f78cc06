/*
 * Discovery: the whole picture of a machine for `setup scan`, the doctor
 * and the wizard.  Hardware, then every model store on disk, while the
 * model servers are probed on a thread of their own (a slow server never
 * holds up the file scan).  Each finding is reported through callbacks as
 * it comes, one call at a time, and also gathered into a result.
 */
#ifndef MR_DISCOVER_H
#define MR_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mr/hardware.h"
#include "mr/modelpaths.h"
#include "mr/scan.h"
#include "mr/servers.h"
#include "mr/util.h"

/* Default probe timeout, per request. */
#define MR_DISCOVER_TIMEOUT_MS 500

/* A folder looked at for models. */
struct mr_scan_root {
	char		*path;
	enum mr_model_source source;
	bool		 given;		/* named by --model-dir */
	bool		 exists;
	bool		 free_known;
	uint64_t	 free_bytes;	/* for an unprivileged user */
	size_t		 nmodels;	/* models first found here */
};

struct mr_discover_opts {
	const char *const *model_dirs;	/* --model-dir, in order */
	size_t		 nmodel_dirs;
	bool		 no_default_dirs;
	const char *const *servers;	/* --server URL, in order */
	size_t		 nservers;
	bool		 no_default_servers;
	bool		 no_servers;
	long		 timeout_ms;	/* 0: MR_DISCOVER_TIMEOUT_MS */
	bool		 no_hardware;
	mr_getenv_fn	 getenv_fn;	/* NULL: getenv(3) */
	/*
	 * Prefix for fixed system paths (/proc, /sys, the Ollama service's
	 * store); NULL or "": the real ones.  Set, it also keeps NVML out.
	 */
	const char	*sysroot;
	mr_http_fn	 http;		/* NULL: the real HTTP engine */
};

struct mr_discover_cb {
	/* what is being looked at now ("LM Studio models in /x") */
	void	(*progress)(void *ctx, const char *what);
	void	(*hardware)(void *ctx, const struct mr_hardware *hw);
	void	(*server)(void *ctx, const struct mr_server_result *r);
	void	(*model)(void *ctx, const struct mr_model *m);
	void	(*warning)(void *ctx, const char *msg);
	void	*ctx;
};

struct mr_discovery {
	bool		 have_hardware;
	struct mr_hardware hw;
	struct mr_scan_root *roots;
	size_t		 nroots;
	struct mr_server_result *servers;	/* in the order probed */
	size_t		 nservers;
	struct mr_model	*models;		/* in the order found */
	size_t		 nmodels;
	size_t		 duplicates;	/* found again through another root */
	struct mr_strlist warnings;
};

/*
 * Runs discovery.  CB and OUT may each be NULL.  Never fails: problems
 * are warnings.
 */
void	 mr_discover(const struct mr_discover_opts *opts,
	    const struct mr_discover_cb *cb, struct mr_discovery *out);
void	 mr_discovery_release(struct mr_discovery *d);

/* The base URLs probed by default (honours OLLAMA_HOST's port). */
void	 mr_default_servers(mr_getenv_fn getenv_fn, struct mr_strlist *out);

/*
 * The discovery as one JSON document (schema in model-router(1),
 * "SETUP SCAN JSON").  Caller frees with cJSON_Delete.
 */
struct cJSON;
struct cJSON *mr_discovery_json(const struct mr_discovery *d);

#endif
