/*
 * The proxy's routing events: one JSON line per request outcome in the
 * fields of hermes-router's log (reference §C.8), plus the backends tried,
 * time to first byte and usage for streams.  Lines are written by a
 * thread of their own, so a slow disk never slows a request; the file
 * rotates at max_bytes into BACKUPS files.  Nothing secret is stored:
 * prompt previews go through mr_redact(), and the prompt's hash is salted
 * per install (a salt file beside the log, mode 0600).  Capture "full"
 * keeps the whole routing text, redacted all the same.
 */
#ifndef MR_TELEMETRY_H
#define MR_TELEMETRY_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/gateway.h"
#include "mr/router.h"
#include "mr/util.h"

struct mr_telemetry;

enum mr_capture { MR_CAPTURE_OFF, MR_CAPTURE_PREVIEW, MR_CAPTURE_FULL };

struct mr_tel_event {
	const char	*request_id;
	const char	*route_api;	/* route_fast, manual, model_map */
	const char	*engine;
	const char	*mode;
	const char	*profile;
	const char	*backend;	/* the one that answered, or NULL */
	const char	*model;
	const char	*api;		/* chat, responses, ... */
	const char	*status;	/* forwarded, human_confirm, ... */
	int		 status_code;
	bool		 fallback;
	bool		 stream;
	const struct mr_strlist *tried;	/* "name: why" of failed attempts */
	double		 route_ms;
	double		 upstream_ms;
	double		 ttfb_ms;	/* streams; < 0 unknown */
	double		 total_ms;
	const char	*prompt;	/* the routing text */
	struct mr_gw_usage usage;	/* -1 where unknown */
	const char	*config_source;
};

/*
 * Opens the log at PATH (created 0600 with its folder); the salt lives
 * beside it.  NULL with ERR when it cannot be.
 */
struct mr_telemetry *mr_telemetry_open(const char *path, long long max_bytes,
	    long long backups, enum mr_capture capture, struct mr_error *err);
/*
 * With a router, each event with a prompt also carries the full
 * decision's diagnostics (scores, reasons, reason codes, explanations,
 * as hermes-router logs them), computed by the writer's thread.  R must
 * outlive T; PROFILE is the proxy's routing profile.
 */
void	 mr_telemetry_set_router(struct mr_telemetry *t,
	    const struct mr_router *r, const char *profile);
/*
 * Queues a copy of one event: the line is made and written by the
 * writer's thread, never on the request's.
 */
void	 mr_telemetry_record(struct mr_telemetry *t,
	    const struct mr_tel_event *e);
/* Events lost because the disk could not keep up (queue full). */
size_t	 mr_telemetry_dropped(struct mr_telemetry *t);
/* Writes what is queued, stops the writer, frees. */
void	 mr_telemetry_close(struct mr_telemetry *t);
enum mr_capture mr_capture_from_name(const char *s);

#endif
