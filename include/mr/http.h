/*
 * Concurrent HTTP requests for probing local servers: every request runs at
 * the same time (libcurl's multi interface), each with its own timeout,
 * so a hanging server costs its timeout and nothing more.  Bodies are
 * capped.  Only src/http includes libcurl.
 */
#ifndef MR_HTTP_H
#define MR_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "mr/util.h"

#define MR_HTTP_BODY_MAX (4 << 20)

struct mr_http_get {
	/* in */
	const char	*url;
	long		 timeout_ms;	/* whole request; 0: 500 ms */
	const char	*bearer;	/* Authorization token, or NULL */
	const char	*post_json;	/* POST this JSON body; NULL: GET */
	/* out */
	bool		 done;		/* an HTTP answer arrived */
	long		 status;	/* HTTP status, 0 when none */
	struct mr_buf	 body;		/* at most MR_HTTP_BODY_MAX bytes */
	bool		 truncated;	/* the body was longer */
	bool		 timed_out;
	bool		 refused;	/* connection refused */
	char		 error[256];	/* why there is no answer */
	double		 seconds;	/* time taken */
};

/*
 * Runs the N requests concurrently and returns when all have finished or
 * timed out.  Release bodies with mr_http_get_release().
 */
void	 mr_http_get_all(struct mr_http_get *reqs, size_t n);
void	 mr_http_get_release(struct mr_http_get *req);

#endif
