/*
 * Relaying a stream of server-sent events: split into events as bytes
 * arrive, with the usage and the end of the stream noted on the way.
 */
#define _GNU_SOURCE	/* memmem */
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/gateway.h"

static long long
count(const cJSON *o, const char *a, const char *b)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (!cJSON_IsNumber(v) && b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(o, b);
	/* a count no model reaches is not a count (nor a long long) */
	return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	    v->valuedouble < 1e15 ? (long long)v->valuedouble : -1;
}

bool
mr_gw_usage(const char *body, size_t len, struct mr_gw_usage *u)
{
	const char *p = NULL, *q, *end = body + len;
	cJSON *o;

	/* the last "usage" key: a chunk's own comes after its choices */
	for (q = body; (q = memmem(q, (size_t)(end - q), "\"usage\"", 7)) !=
	    NULL; q += 7)
		p = q;
	if (p == NULL)
		return false;
	for (p += 7; p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'); p++)
		;
	if (p == end || *p++ != ':')
		return false;
	for (; p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'); p++)
		;
	if (p == end || *p != '{')
		return false;	/* null, or not usage at all */
	/* just the object: the rest of the body is not parsed */
	o = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), NULL, false);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return false;
	}
	u->prompt = count(o, "prompt_tokens", "input_tokens");
	u->completion = count(o, "completion_tokens", "output_tokens");
	u->total = count(o, "total_tokens", NULL);
	if (u->total < 0 && u->prompt >= 0 && u->completion >= 0)
		u->total = u->prompt + u->completion;
	cJSON_Delete(o);
	return u->prompt >= 0 || u->completion >= 0 || u->total >= 0;
}

void
mr_sse_init(struct mr_sse *s, bool drop_usage)
{
	memset(s, 0, sizeof(*s));
	mr_buf_init(&s->ev);
	s->drop_usage = drop_usage;
	s->usage.prompt = s->usage.completion = s->usage.total = -1;
}

void
mr_sse_release(struct mr_sse *s)
{
	mr_buf_release(&s->ev);
}

/* The end of the first event in B (after its blank line), or 0. */
static size_t
event_end(const char *b, size_t len, size_t from)
{
	size_t k;

	for (k = from > 0 ? from - 1 : 0; k + 1 < len; k++) {
		if (b[k] != '\n' && b[k] != '\r')
			continue;
		if (b[k] == '\n' && b[k + 1] == '\n')
			return k + 2;
		if (b[k] == '\r' && b[k + 1] == '\r')
			return k + 2;
		if (k + 3 < len && memcmp(b + k, "\r\n\r\n", 4) == 0)
			return k + 4;
	}
	return 0;
}

/* Looks at one whole event; false when it must not reach the client. */
static bool
event(struct mr_sse *s, const char *p, size_t n)
{
	struct mr_gw_usage u;
	bool has_usage;

	s->events++;
	if (memmem(p, n, "data: [DONE]", 12) != NULL ||
	    memmem(p, n, "data:[DONE]", 11) != NULL ||
	    memmem(p, n, "\"response.completed\"", 20) != NULL ||
	    memmem(p, n, "\"response.incomplete\"", 21) != NULL ||
	    memmem(p, n, "\"response.failed\"", 17) != NULL)
		s->done = true;
	has_usage = memmem(p, n, "\"usage\"", 7) != NULL &&
	    mr_gw_usage(p, n, &u);
	if (has_usage)
		s->usage = u;
	/* the usage-only chunk we asked for: choices is empty */
	return !(s->drop_usage && has_usage && (memmem(p, n, "\"choices\":[]",
	    12) != NULL || memmem(p, n, "\"choices\": []", 13) != NULL));
}

void
mr_sse_feed(struct mr_sse *s, const char *data, size_t len,
    struct mr_buf *out)
{
	size_t end;

	/* nothing held back: the bytes go out now, events are read after */
	if (!s->drop_usage)
		mr_buf_add(out, data, len);
	mr_buf_add(&s->ev, data, len);
	while ((end = event_end(s->ev.buf, s->ev.len, s->scanned)) > 0) {
		if (event(s, s->ev.buf, end) && s->drop_usage)
			mr_buf_add(out, s->ev.buf, end);
		memmove(s->ev.buf, s->ev.buf + end, s->ev.len - end);
		s->ev.len -= end;
		s->ev.buf[s->ev.len] = '\0';
		s->scanned = 0;
	}
	s->scanned = s->ev.len;
	/* an "event" without end is not an event: do not hold it forever */
	if (s->ev.len > (1u << 20)) {
		if (s->drop_usage)
			mr_buf_add(out, s->ev.buf, s->ev.len);
		mr_buf_reset(&s->ev);
		s->scanned = 0;
	}
}

void
mr_sse_finish(struct mr_sse *s, struct mr_buf *out)
{
	/* (without drop_usage, it went out as it came) */
	if (s->ev.len > 0) {
		if (event(s, s->ev.buf, s->ev.len) && s->drop_usage)
			mr_buf_add(out, s->ev.buf, s->ev.len);
		mr_buf_reset(&s->ev);
	}
	s->scanned = 0;
}
