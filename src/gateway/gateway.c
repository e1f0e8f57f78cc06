/*
 * The proxy's routing decisions (reference-cli-proxy-setup.md §C.3-C.4).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mr/gateway.h"

static const struct {
	const char	*path;
	const char	*upstream;
} apis[] = {
	{ "/v1/chat/completions", "/chat/completions" },
	{ "/v1/responses", "/responses" },
	{ "/v1/completions", "/completions" },
	{ "/v1/embeddings", "/embeddings" },
};

int
mr_gw_api_from_path(const char *path)
{
	size_t i;

	for (i = 0; i < MR_NELEM(apis); i++)
		if (strcmp(path, apis[i].path) == 0)
			return (int)i;
	return -1;
}

const char *
mr_gw_upstream_path(enum mr_gw_api api)
{
	return apis[api].upstream;
}

/* ---- the routing text ----------------------------------------------------- */

/* Appends the text of a content value: a string, or the "text" of parts. */
static void
content_text(const cJSON *c, struct mr_buf *b)
{
	const cJSON *part, *t;

	if (cJSON_IsString(c)) {
		mr_buf_addstr(b, c->valuestring);
		return;
	}
	if (!cJSON_IsArray(c))
		return;
	cJSON_ArrayForEach(part, c) {
		t = cJSON_GetObjectItemCaseSensitive(part, "text");
		if (!cJSON_IsString(t))
			continue;
		if (b->len > 0 && b->buf[b->len - 1] != ' ')
			mr_buf_addch(b, ' ');
		mr_buf_addstr(b, t->valuestring);
	}
}

/* Responses items: text, or the content of a dict, flattened. */
static void
flatten(const cJSON *v, struct mr_buf *b, int depth)
{
	const cJSON *t, *c, *e;

	if (depth > 16)
		return;
	if (cJSON_IsString(v)) {
		if (b->len > 0)
			mr_buf_addch(b, ' ');
		mr_buf_addstr(b, v->valuestring);
	} else if (cJSON_IsObject(v)) {
		t = cJSON_GetObjectItemCaseSensitive(v, "text");
		c = cJSON_GetObjectItemCaseSensitive(v, "content");
		if (cJSON_IsString(t))
			flatten(t, b, depth + 1);
		else if (c != NULL)
			flatten(c, b, depth + 1);
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(e, v)
			flatten(e, b, depth + 1);
	}
}

/* Joins up to MAX texts of PICKED (last first when REVERSED). */
static char *
join(struct mr_strlist *picked, bool reversed)
{
	struct mr_buf b = MR_BUF_INIT;
	size_t i, k;

	for (i = 0; i < picked->n; i++) {
		k = reversed ? picked->n - 1 - i : i;
		if (b.len > 0)
			mr_buf_addch(&b, ' ');
		mr_buf_addstr(&b, picked->v[k]);
	}
	mr_strlist_clear(picked);
	return mr_buf_detach(&b);
}

char *
mr_gw_prompt(enum mr_gw_api api, const cJSON *body)
{
	struct mr_strlist picked = MR_STRLIST_INIT;
	struct mr_buf t = MR_BUF_INIT;
	const cJSON *list, *e, *role;
	int i, n;

	switch (api) {
	case MR_GW_CHAT:
		list = cJSON_GetObjectItemCaseSensitive(body, "messages");
		n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
		/* the last three user messages, in order */
		for (i = n - 1; i >= 0 && picked.n < 3; i--) {
			e = cJSON_GetArrayItem(list, i);
			role = cJSON_GetObjectItemCaseSensitive(e, "role");
			if (!cJSON_IsString(role) || strcmp(role->valuestring,
			    "user") != 0)
				continue;
			mr_buf_reset(&t);
			content_text(cJSON_GetObjectItemCaseSensitive(e,
			    "content"), &t);
			mr_strlist_push(&picked, t.buf);
		}
		mr_buf_release(&t);
		return join(&picked, true);
	case MR_GW_RESPONSES:
		list = cJSON_GetObjectItemCaseSensitive(body, "input");
		if (cJSON_IsString(list) || cJSON_IsObject(list)) {
			flatten(list, &t, 0);
			return mr_buf_detach(&t);
		}
		n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
		for (i = n - 1; i >= 0 && picked.n < 3; i--) {
			e = cJSON_GetArrayItem(list, i);
			role = cJSON_GetObjectItemCaseSensitive(e, "role");
			if (cJSON_IsObject(e) && role != NULL &&
			    (!cJSON_IsString(role) || strcmp(role->valuestring,
			    "user") != 0))
				continue;
			mr_buf_reset(&t);
			flatten(e, &t, 0);
			mr_strlist_push(&picked, t.buf);
		}
		mr_buf_release(&t);
		return join(&picked, true);
	case MR_GW_COMPLETIONS:
	case MR_GW_EMBEDDINGS:
		list = cJSON_GetObjectItemCaseSensitive(body,
		    api == MR_GW_COMPLETIONS ? "prompt" : "input");
		if (cJSON_IsString(list))
			return mr_xstrdup(list->valuestring);
		if (!cJSON_IsArray(list))
			return mr_xstrdup("");
		cJSON_ArrayForEach(e, list) {
			if (picked.n == (api == MR_GW_COMPLETIONS ? 3u : 8u))
				break;
			if (cJSON_IsString(e) && e->valuestring[0])
				mr_strlist_push(&picked, e->valuestring);
		}
		return join(&picked, false);
	}
	return mr_xstrdup("");
}

/* ---- engine, backend, fallbacks -------------------------------------------- */

static bool
allowed(const struct mr_proxy_config *pc, const char *name)
{
	if (pc->backend_policy.allowlist.n > 0 &&
	    !mr_strlist_has(&pc->backend_policy.allowlist, name))
		return false;
	return !mr_strlist_has(&pc->backend_policy.denylist, name);
}

/* The chain: B, then its fallbacks breadth-first, each once, allowed. */
static void
chain_from(const struct mr_proxy_config *pc, const struct mr_proxy_backend *b,
    struct mr_gw_route *out)
{
	const struct mr_strlist *fb;
	const struct mr_proxy_backend *n;
	size_t i, k;

	out->nchain = 0;
	out->chain[out->nchain++] = b;
	for (i = 0; i < out->nchain && out->nchain < MR_NELEM(out->chain);
	    i++) {
		if ((fb = mr_proxycfg_fallbacks(pc, out->chain[i]->name)) ==
		    NULL)
			continue;
		for (k = 0; k < fb->n && out->nchain < MR_NELEM(out->chain);
		    k++) {
			n = mr_proxycfg_backend(pc, fb->v[k]);
			if (n == NULL || !allowed(pc, n->name))
				continue;
			for (size_t j = 0; j < out->nchain; j++)
				if (out->chain[j] == n)
					goto seen;
			out->chain[out->nchain++] = n;
seen:
			;
		}
	}
}

static void
fail(struct mr_gw_route *out, int status, const char *type, const char *fmt,
    const char *arg)
{
	out->nchain = 0;
	out->status = status;
	out->error_type = type;
	snprintf(out->message, sizeof(out->message), fmt, arg);
}

/* model_map: a request naming a backend's model, or model-router/NAME. */
static const struct mr_proxy_backend *
mapped(const struct mr_proxy_config *pc, const char *model)
{
	size_t i;

	if (model == NULL)
		return NULL;
	if (strncmp(model, "model-router/", 13) == 0)
		return mr_proxycfg_backend(pc, model + 13);
	for (i = 0; i < pc->nbackends; i++)
		if (strcmp(pc->backends[i].model, model) == 0)
			return &pc->backends[i];
	return NULL;
}

void
mr_gw_route(const struct mr_proxy_config *pc, const struct mr_router *router,
    enum mr_gw_api api, const cJSON *body, struct mr_gw_route *out)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(body, "model");
	const char *model = cJSON_IsString(m) ? m->valuestring : NULL;
	const struct mr_proxy_backend *b = NULL;
	struct mr_hints hints;
	char *prompt;

	memset(out, 0, sizeof(*out));
	out->mode = pc->proxy.routing_mode;
	if (strcmp(pc->proxy.routing_mode, "manual") == 0) {
		out->engine = "manual";
		b = mr_proxycfg_backend(pc, pc->proxy.default_backend ?
		    pc->proxy.default_backend : "");
		if (b == NULL) {
			fail(out, 502, "manual_backend_missing", "Manual routing "
			    "backend %s is not configured.",
			    pc->proxy.default_backend ? pc->proxy.default_backend :
			    "(none)");
			return;
		}
		chain_from(pc, b, out);
		return;
	}
	/* model_map: an explicit backend model wins; the alias is routed */
	if ((b = mapped(pc, model)) != NULL && !mr_strlist_has(
	    &pc->proxy.model_ids, model)) {
		out->mode = "model_map";
		out->engine = "model_map";
		if (!allowed(pc, b->name)) {
			fail(out, 502, "backend_policy_rejected", "backend %s "
			    "not allowed by backend policy", b->name);
			return;
		}
		chain_from(pc, b, out);
		return;
	}
	prompt = mr_gw_prompt(api, body);
	memset(&hints, 0, sizeof(hints));
	hints.profile = pc->proxy.routing_profile;
	hints.hosted_allowed = -1;
	/* an empty prompt cannot be judged: the human decides */
	out->engine = prompt[0] == '\0' || router == NULL ? "human_confirm" :
	    mr_route_fast(router, prompt, strlen(prompt), &hints);
	free(prompt);
	if (strcmp(out->engine, "human_confirm") == 0) {
		fail(out, 409, "human_confirmation_required", "Human "
		    "confirmation is required before dispatch.%s", "");
		return;
	}
	if ((b = mr_proxycfg_engine_backend(pc, out->engine)) == NULL) {
		fail(out, 502, "routing_backend_missing", "No backend configured "
		    "for selected engine %s.", out->engine);
		return;
	}
	if (!allowed(pc, b->name)) {
		fail(out, 502, "backend_policy_rejected", "backend %s not "
		    "allowed by backend policy", b->name);
		return;
	}
	chain_from(pc, b, out);
}

/* ---- bodies -------------------------------------------------------------------- */

static const char *const tool_keys[] = { "tools", "tool_choice",
	"parallel_tool_calls", "functions" };

static bool
tool_key(const char *k)
{
	size_t i;

	for (i = 0; i < MR_NELEM(tool_keys); i++)
		if (strcmp(k, tool_keys[i]) == 0)
			return true;
	return false;
}

/* O as text with its "model" (the only one, or none) naming MODEL; O is
 * as it was after. */
static char *
print_with_model(cJSON *o, cJSON *m, const char *model)
{
	char *s, *v;
	int type;

	if (m == NULL) {
		m = cJSON_CreateStringReference(model);
		cJSON_AddItemToObject(o, "model", m);
		s = cJSON_PrintUnformatted(o);
		cJSON_Delete(cJSON_DetachItemViaPointer(o, m));
		return s;
	}
	/* the client's item lends its place: the key order is kept */
	type = m->type;
	v = m->valuestring;
	m->type = cJSON_String | (type & ~0xff);
	m->valuestring = (char *)(uintptr_t)model;
	s = cJSON_PrintUnformatted(o);
	m->type = type;
	m->valuestring = v;
	return s;
}

char *
mr_gw_upstream_body(cJSON *body, const struct mr_proxy_backend *b,
    bool *added_usage)
{
	cJSON *c, *it, *next, *m = NULL, *so;
	bool copy = false;
	char *s;
	size_t i;

	*added_usage = false;
	for (it = body->child; it != NULL; it = it->next) {
		if (it->string == NULL)
			continue;
		if (strcmp(it->string, "model") == 0) {
			if (m != NULL)
				copy = true;	/* a second one */
			else
				m = it;
		} else if (b->strip_tools && tool_key(it->string))
			copy = true;
	}
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "stream"))) {
		/* usage from the stream, without changing what the client
		 * asked for */
		so = cJSON_GetObjectItemCaseSensitive(body, "stream_options");
		*added_usage = !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		    so, "include_usage"));
		copy |= *added_usage;
	}
	if (!copy)	/* the common case: only the model changes */
		return print_with_model(body, m, b->model);

	c = cJSON_Duplicate(body, true);
	/* one "model": a later duplicate would win with many parsers */
	for (m = NULL, it = c->child; it != NULL; it = next) {
		next = it->next;
		if (it->string != NULL && strcmp(it->string, "model") == 0) {
			if (m == NULL)
				m = it;
			else
				cJSON_Delete(cJSON_DetachItemViaPointer(c, it));
		}
	}
	if (b->strip_tools)
		for (i = 0; i < MR_NELEM(tool_keys); i++)
			while (cJSON_GetObjectItemCaseSensitive(c,
			    tool_keys[i]) != NULL)
				cJSON_DeleteItemFromObjectCaseSensitive(c,
				    tool_keys[i]);
	if (*added_usage) {
		so = cJSON_GetObjectItemCaseSensitive(c, "stream_options");
		if (!cJSON_IsObject(so)) {
			cJSON_DeleteItemFromObjectCaseSensitive(c,
			    "stream_options");
			so = cJSON_AddObjectToObject(c, "stream_options");
		}
		cJSON_DeleteItemFromObjectCaseSensitive(so, "include_usage");
		cJSON_AddTrueToObject(so, "include_usage");
	}
	s = print_with_model(c, m, b->model);
	cJSON_Delete(c);
	return s;
}

char *
mr_gw_error_body(const char *type, const char *message, const char *engine)
{
	cJSON *o = cJSON_CreateObject(), *e;
	char *s;

	e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "message", message);
	cJSON_AddStringToObject(e, "type", type);
	if (engine != NULL)
		cJSON_AddStringToObject(o, "selected_engine", engine);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

bool
mr_gw_retryable(long status)
{
	return status >= 500 || status == 429 || status == 0;
}
