/*
 * Concurrent HTTP requests over libcurl's multi interface.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "mr/http.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct mr_http_get *r = arg;
	size_t n = size * nmemb, room;

	room = r->body.len < MR_HTTP_BODY_MAX ? MR_HTTP_BODY_MAX - r->body.len :
	    0;
	if (n > room) {
		r->truncated = true;
		mr_buf_add(&r->body, data, room);
		return 0;	/* stop the transfer */
	}
	mr_buf_add(&r->body, data, n);
	return n;
}

static CURL *
make_easy(struct mr_http_get *r, struct curl_slist **hdrs)
{
	CURL *e = curl_easy_init();
	char auth[512];

	if (e == NULL)
		return NULL;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms > 0 ?
	    r->timeout_ms : 500L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms > 0 ?
	    r->timeout_ms : 500L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "model-router/" MR_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP |
	    CURLPROTO_HTTPS));
#endif
	if (r->bearer != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    r->bearer);
		*hdrs = curl_slist_append(*hdrs, auth);
	}
	if (r->post_json != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post_json);
		*hdrs = curl_slist_append(*hdrs,
		    "Content-Type: application/json");
	}
	if (*hdrs != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, *hdrs);
	return e;
}

static void
finish(CURL *e, CURLcode rc)
{
	struct mr_http_get *r = NULL;
	double t = 0;

	curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
	if (r == NULL)
		return;
	curl_easy_getinfo(e, CURLINFO_TOTAL_TIME, &t);
	r->seconds = t;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && r->truncated)) {
		r->done = r->status > 0;
		return;
	}
	r->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
	r->refused = rc == CURLE_COULDNT_CONNECT;
	snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(rc));
}

void
mr_http_get_all(struct mr_http_get *reqs, size_t n)
{
	CURLM *multi;
	CURL **easy;
	struct curl_slist **hdrs;
	CURLMsg *msg;
	int running = 0, left;
	size_t i;

	pthread_once(&curl_once, curl_init);
	for (i = 0; i < n; i++) {
		mr_buf_init(&reqs[i].body);
		reqs[i].done = reqs[i].truncated = false;
		reqs[i].timed_out = reqs[i].refused = false;
		reqs[i].status = 0;
		reqs[i].error[0] = '\0';
		reqs[i].seconds = 0;
	}
	if (n == 0 || (multi = curl_multi_init()) == NULL) {
		for (i = 0; i < n; i++)
			snprintf(reqs[i].error, sizeof(reqs[i].error),
			    "cannot start HTTP requests");
		return;
	}
	easy = mr_xcalloc(n, sizeof(*easy));
	hdrs = mr_xcalloc(n, sizeof(*hdrs));
	for (i = 0; i < n; i++) {
		if ((easy[i] = make_easy(&reqs[i], &hdrs[i])) == NULL) {
			snprintf(reqs[i].error, sizeof(reqs[i].error),
			    "cannot start an HTTP request");
			continue;
		}
		curl_multi_add_handle(multi, easy[i]);
	}
	do {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		while ((msg = curl_multi_info_read(multi, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE)
				finish(msg->easy_handle, msg->data.result);
		if (running > 0 &&
		    curl_multi_poll(multi, NULL, 0, 100, NULL) != CURLM_OK)
			break;
	} while (running > 0);
	while ((msg = curl_multi_info_read(multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			finish(msg->easy_handle, msg->data.result);
	for (i = 0; i < n; i++) {
		if (easy[i] != NULL) {
			curl_multi_remove_handle(multi, easy[i]);
			curl_easy_cleanup(easy[i]);
		}
		curl_slist_free_all(hdrs[i]);
	}
	curl_multi_cleanup(multi);
	free(easy);
	free(hdrs);
}

void
mr_http_get_release(struct mr_http_get *r)
{
	mr_buf_release(&r->body);
}
