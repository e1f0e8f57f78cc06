/*
 * The doctor's checks.  Configs first (nothing else can be checked
 * without them), then every backend and Hermes's endpoint probed in one
 * concurrent batch, then what needs their answers.  Each check is
 * reported as soon as it is decided.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mr/config.h"
#include "mr/doctor.h"
#include "mr/hardware.h"
#include "mr/hermes.h"
#include "mr/http.h"
#include "mr/json.h"
#include "mr/proxycfg.h"
#include "mr/ydoc.h"

#include "doctor-int.h"

struct doc {
	const struct mr_doctor_opts	*o;
	const struct mr_doctor_cb	*cb;
	struct mr_doctor_result		*r;
};

const char *
mr_check_status_name(enum mr_check_status s)
{
	switch (s) {
	case MR_CHECK_OK:
		return "ok";
	case MR_CHECK_WARN:
		return "warn";
	case MR_CHECK_FAIL:
		return "fail";
	case MR_CHECK_SKIP:
		return "skip";
	}
	return "?";
}

static const char *
env(const struct doc *d, const char *name)
{
	const char *v = d->o->getenv_fn ? d->o->getenv_fn(name) : getenv(name);

	return v && *v ? v : NULL;
}

/* Records a check; FIX may be NULL.  FMT makes the finding. */
static void
report(struct doc *d, const char *group, const char *id,
    enum mr_check_status st, const char *fix, const char *fmt, ...)
    MR_PRINTF(6, 7);

static void
report(struct doc *d, const char *group, const char *id,
    enum mr_check_status st, const char *fix, const char *fmt, ...)
{
	struct mr_check *c;
	struct mr_buf raw = MR_BUF_INIT, b = MR_BUF_INIT, f = MR_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	mr_buf_vprintf(&raw, fmt, ap);
	va_end(ap);
	/* findings quote URLs and configs: no password or key gets out */
	if (mr_redact(raw.buf, raw.len, &b) < 0)
		mr_buf_addstr(&b, "(a finding that cannot be shown safely)");
	mr_buf_release(&raw);
	if (fix != NULL && mr_redact(fix, strlen(fix), &f) < 0)
		mr_buf_addstr(&f, "(a fix that cannot be shown safely)");
	d->r->checks = mr_xrealloc(d->r->checks, (d->r->n + 1) *
	    sizeof(*d->r->checks));
	c = &d->r->checks[d->r->n++];
	c->id = mr_xstrdup(id);
	c->group = mr_xstrdup(group);
	c->status = st;
	c->finding = mr_buf_detach(&b);
	c->fix = fix ? mr_buf_detach(&f) : NULL;
	mr_buf_release(&f);
	d->r->fails += st == MR_CHECK_FAIL;
	d->r->warns += st == MR_CHECK_WARN;
	if (d->cb != NULL && d->cb->check != NULL)
		d->cb->check(d->cb->ctx, c);
}

static const char *
any_set(const char *name)
{
	(void)name;
	return "set";
}

static char *
proxy_path(const struct doc *d)
{
	const char *h = env(d, "MODEL_ROUTER_HOME");

	if (d->o->proxy_config != NULL)
		return mr_expand_home(d->o->proxy_config);
	if (h != NULL)
		return mr_xasprintf("%s/routing_proxy.yaml", h);
	return mr_expand_home("~/.model-router/routing_proxy.yaml");
}

/* ---- configs ---------------------------------------------------------- */

static struct mr_proxy_config *
check_configs(struct doc *d, const char *path)
{
	struct mr_proxy_config *pc;
	struct mr_config *rc;
	struct mr_error err = MR_ERROR_INIT;
	char *msg, *rpath, *fix, *dir, *slash;
	uint64_t freeb;
	size_t i, t, missing = 0;

	if (access(path, F_OK) != 0) {
		report(d, "config", "config.proxy", MR_CHECK_FAIL,
		    "model-router init --auto", "no proxy config at %s", path);
		return NULL;
	}
	/* structure first; unset key variables are their own checks */
	if ((pc = mr_proxycfg_load_file(path, any_set, &err)) == NULL) {
		msg = mr_error_format(&err);
		fix = mr_xasprintf("model-router validate-proxy-config --config "
		    "%s", path);
		report(d, "config", "config.proxy", MR_CHECK_FAIL, fix, "%s",
		    msg);
		free(fix);
		free(msg);
		mr_error_clear(&err);
		return NULL;
	}
	report(d, "config", "config.proxy", pc->warnings.n ? MR_CHECK_WARN :
	    MR_CHECK_OK, pc->warnings.n ? "model-router validate-proxy-config"
	    : NULL, "%s loads: %zu backends%s%s", path, pc->nbackends,
	    pc->warnings.n ? "; " : "", pc->warnings.n ? pc->warnings.v[0] :
	    "");

	rpath = pc->router_config ? mr_expand_home(pc->router_config) : NULL;
	rc = rpath ? mr_config_load_file(rpath, &err) :
	    mr_config_load_default(&err);
	if (rc == NULL) {
		msg = mr_error_format(&err);
		fix = mr_xasprintf("model-router validate-config --config %s",
		    rpath ? rpath : "");
		report(d, "config", "config.router", MR_CHECK_FAIL, fix, "%s",
		    msg);
		free(fix);
		free(msg);
		mr_error_clear(&err);
	} else {
		report(d, "config", "config.router", MR_CHECK_OK, NULL,
		    "%s loads: %zu engines", rpath ? rpath : "the built-in "
		    "router config", rc->nengines);
		for (t = 0; t < rc->ntargets; t++) {
			if (t == MR_TARGET_CONFIRMATION ||
			    mr_proxycfg_engine_backend(pc,
			    rc->targets[t].engine) != NULL)
				continue;
			missing++;
			fix = mr_xasprintf("add '%s: balanced' under "
			    "engine_backends in %s", rc->targets[t].engine,
			    path);
			report(d, "config", "config.engines", MR_CHECK_FAIL, fix,
			    "engine %s (routing target %s) has no backend",
			    rc->targets[t].engine, rc->targets[t].name);
			free(fix);
		}
		if (missing == 0)
			report(d, "config", "config.engines", MR_CHECK_OK, NULL,
			    "every engine the router chooses has a backend");
		mr_config_free(rc);
	}
	free(rpath);

	/* the key variables the backends name */
	for (i = 0; i < pc->nbackends; i++) {
		const struct mr_proxy_backend *b = &pc->backends[i];
		char id[160];

		if (b->api_key_env == NULL)
			continue;
		snprintf(id, sizeof(id), "backend.%s.key", b->name);
		if (env(d, b->api_key_env) == NULL) {
			fix = mr_xasprintf("export %s=... (in the proxy's "
			    "environment)", b->api_key_env);
			report(d, "backend", id, MR_CHECK_FAIL, fix, "%s is not "
			    "set", b->api_key_env);
			free(fix);
		} else {
			report(d, "backend", id, MR_CHECK_OK, NULL, "%s is set",
			    b->api_key_env);
		}
	}

	/* the log folder, and room on the disk */
	if (pc->observability.enabled && pc->observability.log_path) {
		char *lp = mr_expand_home(pc->observability.log_path);

		dir = mr_xstrdup(lp);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		if (access(dir, W_OK) == 0) {
			report(d, "config", "config.logs", MR_CHECK_OK, NULL,
			    "%s is writable", dir);
		} else {
			fix = mr_xasprintf("mkdir -p '%s'", dir);
			report(d, "config", "config.logs", MR_CHECK_FAIL, fix,
			    "the log folder %s cannot be written: %s", dir,
			    strerror(errno));
			free(fix);
		}
		if (mr_disk_free(dir, &freeb) == 0) {
			if (freeb < (100ULL << 20))
				report(d, "config", "config.disk",
				    MR_CHECK_WARN, "free some disk space",
				    "only %llu MiB free where the logs go",
				    (unsigned long long)(freeb >> 20));
			else
				report(d, "config", "config.disk", MR_CHECK_OK,
				    NULL, "%llu MiB free where the logs go",
				    (unsigned long long)(freeb >> 20));
		}
		free(dir);
		free(lp);
	}
	return pc;
}

/* ---- the proxy's own port --------------------------------------------- */

static bool
loopback(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") ==
	    0 || strcmp(host, "::1") == 0 || strncmp(host, "127.", 4) == 0;
}

/* Whether something accepts connections on HOST:PORT. */
static bool
listening(const char *host, int port)
{
	struct addrinfo hints, *ai = NULL;
	char ps[16];
	int fd, ok = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(ps, sizeof(ps), "%d", port);
	if (getaddrinfo(strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host, ps,
	    &hints, &ai) != 0 || ai == NULL)
		return false;
	if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) >= 0) {
		ok = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
		close(fd);
	}
	freeaddrinfo(ai);
	return ok;
}

static void
check_proxy(struct doc *d, const struct mr_proxy_config *pc, const char *path)
{
	char *fix;

	if (listening(pc->proxy.host, pc->proxy.port)) {
		fix = mr_xasprintf("stop what listens on %s:%d, or set "
		    "proxy.port in %s to a free port", pc->proxy.host,
		    pc->proxy.port, path);
		report(d, "proxy", "proxy.port", MR_CHECK_WARN, fix,
		    "something already listens on %s:%d (the routing proxy is "
		    "not part of this build, so it is another program)",
		    pc->proxy.host, pc->proxy.port);
		free(fix);
	} else {
		report(d, "proxy", "proxy.port", MR_CHECK_OK, NULL, "%s:%d is "
		    "free for the proxy", pc->proxy.host, pc->proxy.port);
	}
	if (!loopback(pc->proxy.host) && pc->proxy.api_key == NULL &&
	    pc->proxy.api_key_env == NULL) {
		fix = mr_xasprintf("set proxy.api_key_env in %s (and export "
		    "that variable), or proxy.host: 127.0.0.1", path);
		report(d, "proxy", "proxy.auth", MR_CHECK_FAIL, fix, "the proxy "
		    "listens on %s with no key: anyone on the network can use "
		    "your models", pc->proxy.host);
		free(fix);
	} else {
		report(d, "proxy", "proxy.auth", MR_CHECK_OK, NULL, "%s",
		    loopback(pc->proxy.host) ? "listens on loopback only" :
		    "a key is required");
	}
}

/* ---- backends ------------------------------------------------------------ */

static const struct mr_served_model *
served(const struct mr_server_result *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->info.nmodels; i++)
		if (strcmp(s->info.models[i].id, id) == 0)
			return &s->info.models[i];
	return NULL;
}

/* The probe result for URL (its /v1 and slash stripped as the probe does). */
static const struct mr_server_result *
result_for(const struct mr_server_result *res, size_t n, const char *url)
{
	char base[256];
	size_t i, len;

	mr_strlcpy(base, sizeof(base), url);
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		base[--len] = '\0';
	if (len >= 3 && strcmp(base + len - 3, "/v1") == 0)
		base[len - 3] = '\0';
	for (i = 0; i < n; i++)
		if (strcmp(res[i].base, base) == 0)
			return &res[i];
	return NULL;
}

/* How to start the server a URL's port usually belongs to. */
static char *
start_fix(const char *url, const char *name, const char *path)
{
	const char *colon = strrchr(url, ':');
	long port = colon ? strtol(colon + 1, NULL, 10) : 0;
	const char *how = port == 1234 ? "start LM Studio's server (lms server "
	    "start)" : port == 11434 ? "start Ollama (ollama serve)" : port ==
	    8080 || port == 9931 ? "start llama-server (llama-server -m MODEL "
	    "-c 65536 --jinja)" : port == 8000 ? "start vLLM (vllm serve MODEL "
	    "--max-model-len 65536)" : "start the model server";

	return mr_xasprintf("%s at %s, or fix backends.%s.base_url in %s", how,
	    url, name, path);
}

/* True when the backend serves its model (a live request makes sense). */
static bool
check_backend(struct doc *d, const struct mr_proxy_config *pc,
    const struct mr_proxy_backend *b, const struct mr_server_result *s,
    const char *path)
{
	const struct mr_served_model *m;
	const char **ids;
	const char *hint;
	char id[160], fixbuf[320], *fix;
	size_t k, len = strlen(b->base_url);
	bool hermes = !b->strip_tools;	/* a tool-less lane serves no agent */

	snprintf(id, sizeof(id), "backend.%s.url", b->name);
	if (len < 3 || strcmp(b->base_url + len - 3, "/v1") != 0) {
		fix = mr_xasprintf("set backends.%s.base_url in %s to %s/v1",
		    b->name, path, b->base_url);
		report(d, "backend", id, MR_CHECK_WARN, fix, "%s does not end "
		    "in /v1; OpenAI-compatible servers answer under /v1",
		    b->base_url);
		free(fix);
	}
	snprintf(id, sizeof(id), "backend.%s.reachable", b->name);
	if (s == NULL || !s->reachable) {
		fix = start_fix(b->base_url, b->name, path);
		report(d, "backend", id, MR_CHECK_FAIL, fix, "%s: %s",
		    b->base_url, s ? s->problem : "not probed");
		free(fix);
		return false;
	}
	if (s->loading) {
		report(d, "backend", id, MR_CHECK_WARN, "wait until the model "
		    "has loaded, then run the doctor again", "%s is a %s still "
		    "loading its model", b->base_url,
		    mr_server_kind_name(s->info.kind));
		return false;
	}
	if (s->info.kind == MR_SRV_UNKNOWN) {
		fix = mr_xasprintf("point backends.%s.base_url in %s at the "
		    "model server's /v1", b->name, path);
		report(d, "backend", id, MR_CHECK_FAIL, fix, "%s %s", b->base_url,
		    s->problem);
		free(fix);
		return false;
	}
	report(d, "backend", id, MR_CHECK_OK, NULL, "%s answers: %s%s%s",
	    b->base_url, mr_server_kind_name(s->info.kind),
	    s->info.version[0] ? " " : "", s->info.version);

	snprintf(id, sizeof(id), "backend.%s.model", b->name);
	if ((m = served(s, b->model)) == NULL) {
		ids = mr_xcalloc(s->info.nmodels + 1, sizeof(*ids));
		for (k = 0; k < s->info.nmodels; k++)
			ids[k] = s->info.models[k].id;
		hint = mr_did_you_mean(b->model, ids, s->info.nmodels);
		if (hint == NULL && s->info.nmodels > 0)
			hint = ids[0];
		fix = hint ? mr_xasprintf("set backends.%s.model in %s to "
		    "\"%s\"", b->name, path, hint) : mr_xasprintf("load a model "
		    "on %s, then set backends.%s.model in %s", b->base_url,
		    b->name, path);
		report(d, "backend", id, MR_CHECK_FAIL, fix, "%s does not serve "
		    "'%s'%s%s%s", b->base_url, b->model, hint ? " (did you "
		    "mean '" : "", hint ? hint : "", hint ? "'?)" : "");
		free(fix);
		free(ids);
		return false;
	}
	report(d, "backend", id, MR_CHECK_OK, NULL, "%s serves %s",
	    b->base_url, b->model);

	snprintf(id, sizeof(id), "backend.%s.context", b->name);
	if (m->loading) {
		report(d, "backend", id, MR_CHECK_WARN, "wait for the load to "
		    "finish", "%s is still loading", b->model);
	} else if (!m->loaded && (s->info.kind == MR_SRV_LMSTUDIO ||
	    s->info.kind == MR_SRV_OLLAMA)) {
		report(d, "backend", id, hermes ? MR_CHECK_WARN : MR_CHECK_OK,
		    hermes ? mr_server_context_fix(s->info.kind, b->model,
		    fixbuf, sizeof(fixbuf)) : NULL, "%s is not loaded; %s loads "
		    "it at 4096 tokens unless told otherwise", b->model,
		    mr_server_kind_name(s->info.kind));
	} else if (m->loaded_context == 0) {
		report(d, "backend", id, MR_CHECK_SKIP, NULL, "%s does not say "
		    "what context %s has loaded", mr_server_kind_name(
		    s->info.kind), b->model);
	} else if (!mr_context_ok(m->loaded_context) && hermes) {
		report(d, "backend", id, MR_CHECK_FAIL, mr_server_context_fix(
		    s->info.kind, b->model, fixbuf, sizeof(fixbuf)), "%s is "
		    "loaded with a %llu-token context; Hermes Agent needs "
		    "65536 and would lose the conversation", b->model,
		    (unsigned long long)m->loaded_context);
	} else {
		report(d, "backend", id, MR_CHECK_OK, NULL, "%s has %llu tokens "
		    "loaded", b->model, (unsigned long long)m->loaded_context);
	}

	snprintf(id, sizeof(id), "backend.%s.tools", b->name);
	if (!hermes)
		report(d, "backend", id, MR_CHECK_SKIP, NULL, "strip_tools: "
		    "this lane answers without tools");
	else if (m->tools == 0)
		report(d, "backend", id, MR_CHECK_FAIL, s->info.kind ==
		    MR_SRV_LLAMACPP ? "restart llama-server with --jinja, or use "
		    "a model whose chat template handles tools" : "choose a "
		    "model whose chat template handles tools (model-router setup "
		    "recommend)", "%s's chat template cannot call tools, which "
		    "Hermes Agent needs", b->model);
	else if (m->tools == 1)
		report(d, "backend", id, MR_CHECK_OK, NULL, "%s can call tools",
		    b->model);
	else
		report(d, "backend", id, MR_CHECK_SKIP, NULL, "%s does not say "
		    "whether %s calls tools (model-router doctor --live will "
		    "test it)", mr_server_kind_name(s->info.kind), b->model);
	(void)pc;
	return hermes;
}

/* ---- --live: a real tool call and a real stream ------------------------ */

static char *
tool_request(const char *model)
{
	cJSON *o = cJSON_CreateObject(), *msgs, *m, *tools, *t, *f, *params;
	char *s;

	cJSON_AddStringToObject(o, "model", model);
	msgs = cJSON_AddArrayToObject(o, "messages");
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "user");
	cJSON_AddStringToObject(m, "content", "What is the weather in Paris? "
	    "Answer by calling the get_weather tool.");
	cJSON_AddItemToArray(msgs, m);
	tools = cJSON_AddArrayToObject(o, "tools");
	t = cJSON_CreateObject();
	cJSON_AddStringToObject(t, "type", "function");
	f = cJSON_AddObjectToObject(t, "function");
	cJSON_AddStringToObject(f, "name", "get_weather");
	cJSON_AddStringToObject(f, "description", "Current weather of a city");
	params = cJSON_Parse("{\"type\":\"object\",\"properties\":{\"city\":"
	    "{\"type\":\"string\"}},\"required\":[\"city\"]}");
	cJSON_AddItemToObject(f, "parameters", params);
	cJSON_AddItemToArray(tools, t);
	cJSON_AddStringToObject(o, "tool_choice", "auto");
	cJSON_AddNumberToObject(o, "max_tokens", 96);
	cJSON_AddNumberToObject(o, "temperature", 0);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

static char *
stream_request(const char *model)
{
	cJSON *o = cJSON_CreateObject(), *msgs, *m, *so;
	char *s;

	cJSON_AddStringToObject(o, "model", model);
	msgs = cJSON_AddArrayToObject(o, "messages");
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "role", "user");
	cJSON_AddStringToObject(m, "content", "Say hi.");
	cJSON_AddItemToArray(msgs, m);
	cJSON_AddTrueToObject(o, "stream");
	so = cJSON_AddObjectToObject(o, "stream_options");
	cJSON_AddTrueToObject(so, "include_usage");
	cJSON_AddNumberToObject(o, "max_tokens", 16);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

/* The error message of an OpenAI-style error body, or the status. */
static void
http_problem(const struct mr_http_get *r, char *out, size_t n)
{
	cJSON *j;
	const cJSON *e, *m;

	if (!r->done) {
		snprintf(out, n, "%s", r->error[0] ? r->error : "no answer");
		return;
	}
	j = cJSON_ParseWithLength(r->body.buf, r->body.len);
	e = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;
	m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") :
	    e;
	if (cJSON_IsString(m))
		snprintf(out, n, "HTTP %ld: %.200s", r->status, m->valuestring);
	else
		snprintf(out, n, "HTTP %ld", r->status);
	cJSON_Delete(j);
}

static void
judge_tools(struct doc *d, const struct mr_proxy_backend *b,
    const struct mr_http_get *r)
{
	char id[160], why[300];
	cJSON *j = NULL;
	const cJSON *ch, *msg, *calls, *fn, *name, *usage;

	snprintf(id, sizeof(id), "backend.%s.live.tools", b->name);
	if (!r->done || r->status != 200) {
		http_problem(r, why, sizeof(why));
		report(d, "backend", id, MR_CHECK_FAIL, "run the request by hand "
		    "and read the server's log", "a chat request with a tool "
		    "failed: %s", why);
		return;
	}
	j = cJSON_ParseWithLength(r->body.buf, r->body.len);
	ch = j ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j,
	    "choices"), 0) : NULL;
	msg = ch ? cJSON_GetObjectItemCaseSensitive(ch, "message") : NULL;
	calls = msg ? cJSON_GetObjectItemCaseSensitive(msg, "tool_calls") :
	    NULL;
	fn = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(calls, 0),
	    "function");
	name = fn ? cJSON_GetObjectItemCaseSensitive(fn, "name") : NULL;
	usage = j ? cJSON_GetObjectItemCaseSensitive(j, "usage") : NULL;
	if (msg == NULL)
		report(d, "backend", id, MR_CHECK_FAIL, "check that base_url is "
		    "the server's /v1", "the answer is not a chat completion");
	else if (!cJSON_IsString(name) || strcmp(name->valuestring,
	    "get_weather") != 0)
		report(d, "backend", id, MR_CHECK_FAIL, "for llama-server add "
		    "--jinja; else choose a model whose template handles tools "
		    "(model-router setup recommend)", "%s answered in text, not "
		    "with a tool call: Hermes Agent's tools would not run",
		    b->model);
	else if (!cJSON_IsObject(usage))
		report(d, "backend", id, MR_CHECK_WARN, NULL, "%s called the "
		    "tool, but reports no usage", b->model);
	else
		report(d, "backend", id, MR_CHECK_OK, NULL, "%s called "
		    "get_weather as a tool call", b->model);
	cJSON_Delete(j);
}

static void
judge_stream(struct doc *d, const struct mr_proxy_backend *b,
    const struct mr_http_get *r)
{
	char id[160], why[300];
	const char *p, *e, *end;
	size_t chunks = 0;
	bool done = false, usage = false, bad = false;
	cJSON *j;

	snprintf(id, sizeof(id), "backend.%s.live.stream", b->name);
	if (!r->done || r->status != 200) {
		http_problem(r, why, sizeof(why));
		report(d, "backend", id, MR_CHECK_FAIL, "run the request by hand "
		    "and read the server's log", "a streamed request failed: %s",
		    why);
		return;
	}
	end = r->body.buf + r->body.len;
	for (p = r->body.buf; p < end; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		if ((size_t)(e - p) < 6 || strncmp(p, "data: ", 6) != 0)
			continue;
		if (e - p - 6 >= 6 && strncmp(p + 6, "[DONE]", 6) == 0) {
			done = true;
			continue;
		}
		if ((j = cJSON_ParseWithLength(p + 6, (size_t)(e - p - 6))) ==
		    NULL) {
			bad = true;
			continue;
		}
		chunks++;
		if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j,
		    "usage")))
			usage = true;
		cJSON_Delete(j);
	}
	if (bad || !done)
		report(d, "backend", id, MR_CHECK_FAIL, "update the server; a "
		    "stream must end with 'data: [DONE]'", "the stream %s after "
		    "%zu chunk%s", bad ? "broke off in the middle of a chunk" :
		    "ended without [DONE]", chunks, chunks == 1 ? "" : "s");
	else if (!usage)
		report(d, "backend", id, MR_CHECK_WARN, NULL, "the stream ends "
		    "properly but reports no usage (stream_options."
		    "include_usage)");
	else
		report(d, "backend", id, MR_CHECK_OK, NULL, "%zu chunks, usage "
		    "and [DONE]", chunks);
}

static void
check_live(struct doc *d, const struct mr_proxy_config *pc,
    const bool *eligible)
{
	struct mr_http_get *reqs;
	char **bodies, **urls;
	size_t i, n = 0, k;

	reqs = mr_xcalloc(pc->nbackends * 2 + 1, sizeof(*reqs));
	bodies = mr_xcalloc(pc->nbackends * 2 + 1, sizeof(*bodies));
	urls = mr_xcalloc(pc->nbackends + 1, sizeof(*urls));
	for (i = 0; i < pc->nbackends; i++) {
		const struct mr_proxy_backend *b = &pc->backends[i];

		if (!eligible[i])
			continue;
		urls[i] = mr_xasprintf("%s/chat/completions", b->base_url);
		for (k = 0; k < 2; k++) {
			bodies[n] = k == 0 ? tool_request(b->model) :
			    stream_request(b->model);
			reqs[n].url = urls[i];
			reqs[n].post_json = bodies[n];
			reqs[n].bearer = b->api_key;
			reqs[n].timeout_ms = d->o->live_timeout_ms > 0 ?
			    d->o->live_timeout_ms : 60000;
			n++;
		}
	}
	if (n > 0)
		mr_http_get_all(reqs, n);
	for (i = 0, k = 0; i < pc->nbackends; i++) {
		if (!eligible[i])
			continue;
		judge_tools(d, &pc->backends[i], &reqs[k]);
		judge_stream(d, &pc->backends[i], &reqs[k + 1]);
		k += 2;
	}
	for (i = 0; i < n; i++) {
		mr_http_get_release(&reqs[i]);
		free(bodies[i]);
	}
	for (i = 0; i < pc->nbackends; i++)
		free(urls[i]);
	free(reqs);
	free(bodies);
	free(urls);
}

/* ---- Hermes ------------------------------------------------------------- */

/* Hermes's context cache: a stale entry for MODEL@URL, when there is. */
static long long
cached_context(const char *home, const char *model, const char *url)
{
	struct mr_buf b = MR_BUF_INIT;
	struct mr_error err = MR_ERROR_INIT;
	struct ydoc doc;
	const struct yv *m, *v;
	char *path = mr_xasprintf("%s/context_length_cache.yaml", home), *key;
	size_t n = strlen(url);
	long long out = 0;

	while (n > 0 && url[n - 1] == '/')
		n--;
	key = mr_xasprintf("%s@%.*s", model, (int)n, url);
	if (mr_read_file(path, 4 << 20, &b) == 0 &&
	    ydoc_load(&doc, b.buf, b.len, &err) == 0) {
		m = doc.root ? yv_get(doc.root, "context_lengths") : NULL;
		v = m ? yv_get(m, key) : NULL;
		if (v != NULL && v->type == YV_INT)
			out = v->i;
		ydoc_free(&doc);
	} else {
		mr_error_clear(&err);
	}
	mr_buf_release(&b);
	free(path);
	free(key);
	return out;
}

/* A managed install: what it pins of the model settings, or its lock. */
static void
check_managed(struct doc *d, const struct mr_hermes_config *c,
    const char *home)
{
	struct mr_hermes_managed m;
	struct mr_error err = MR_ERROR_INIT;
	const char *keys[4] = { "model.provider", "model.default",
	    "model.base_url", NULL }, *pin = NULL;
	char *prov = NULL, *msg;
	size_t i;

	if (mr_hermes_managed_load(&m, home, d->o->getenv_fn,
	    env(d, "MODEL_ROUTER_SYSROOT"), &err) < 0) {
		msg = mr_error_format(&err);
		report(d, "hermes", "hermes.managed", MR_CHECK_FAIL, "ask "
		    "whoever manages Hermes here to fix it", "the managed "
		    "config does not load: %s", msg);
		free(msg);
		mr_error_clear(&err);
		return;
	}
	if (c->provider != NULL && strncmp(c->provider, "custom:", 7) == 0)
		keys[3] = prov = mr_xasprintf("providers.%s", c->provider + 7);
	for (i = 0; i < 4 && pin == NULL; i++)
		if (keys[i] != NULL)
			pin = mr_hermes_managed_pins(&m, keys[i]);
	if (pin != NULL)
		report(d, "hermes", "hermes.managed", MR_CHECK_WARN, "change "
		    "it in the managed config, or ask whoever manages it",
		    "the managed config %s sets %s: Hermes uses that, not "
		    "%s/config.yaml", m.config, pin, home);
	else if (m.locked)
		report(d, "hermes", "hermes.managed", MR_CHECK_WARN, "change "
		    "Hermes's config where its package is configured",
		    "Hermes is managed by a package manager (%s): its config "
		    "cannot be edited here", m.lock_reason);
	else if (m.dir != NULL)
		report(d, "hermes", "hermes.managed", MR_CHECK_OK, NULL,
		    "the managed scope %s pins none of the model settings",
		    m.dir);
	free(prov);
	mr_hermes_managed_release(&m);
}

static void
check_hermes(struct doc *d, const struct mr_proxy_config *pc,
    const struct mr_server_result *res, size_t nres, const char *home)
{
	struct mr_hermes_config c;
	struct mr_error err = MR_ERROR_INIT;
	const struct mr_hermes_provider *p;
	const struct mr_server_result *s;
	const char *url, *model, *kenv;
	char proxy_url[300], *msg, *fix;
	long long ctx, cache;
	size_t k, len;
	bool at_proxy = false;

	mr_hermes_config_init(&c);
	if (mr_hermes_config_load(&c, home, &err) < 0) {
		msg = mr_error_format(&err);
		report(d, "hermes", "hermes.config", MR_CHECK_FAIL, "fix the "
		    "file by hand (Hermes refuses it too), or restore a backup",
		    "%s", msg);
		free(msg);
		mr_error_clear(&err);
		goto out;
	}
	if (c.provider == NULL && c.nproviders == 0) {
		report(d, "hermes", "hermes.config", MR_CHECK_WARN,
		    "model-router hermes use-proxy", "no Hermes Agent model is "
		    "configured in %s", home);
		goto out;
	}
	report(d, "hermes", "hermes.config", MR_CHECK_OK, NULL, "%s/config.yaml "
	    "parses", home);
	check_managed(d, &c, home);
	p = c.provider ? mr_hermes_find_provider(&c, c.provider) : NULL;
	url = p ? p->url : c.base_url;
	model = c.model ? c.model : p ? p->default_model : NULL;
	if (url == NULL) {
		report(d, "hermes", "hermes.provider", MR_CHECK_SKIP, NULL,
		    "model.provider is %s, not a custom endpoint",
		    c.provider ? c.provider : "unset");
		goto out;
	}
	len = strlen(url);
	if (len < 3 || strcmp(url + len - 3, "/v1") != 0) {
		fix = p ? mr_xasprintf("model-router hermes set providers.%s.api "
		    "%s/v1", p->key, url) : mr_xasprintf("model-router hermes "
		    "set model.base_url %s/v1", url);
		report(d, "hermes", "hermes.url", MR_CHECK_FAIL, fix, "%s does "
		    "not end in /v1: Hermes Agent would get 404s", url);
		free(fix);
	} else {
		report(d, "hermes", "hermes.url", MR_CHECK_OK, NULL, "%s", url);
	}
	if (pc != NULL) {
		snprintf(proxy_url, sizeof(proxy_url), "http://%s:%d/v1",
		    strcmp(pc->proxy.host, "0.0.0.0") == 0 ? "127.0.0.1" :
		    pc->proxy.host, pc->proxy.port);
		at_proxy = strcmp(url, proxy_url) == 0 || (strncmp(url,
		    "http://localhost:", 17) == 0 && strtol(url + 17, NULL, 10) ==
		    pc->proxy.port);
	}
	if (at_proxy) {
		if (model != NULL && !mr_strlist_has(&pc->proxy.model_ids,
		    model))
			report(d, "hermes", "hermes.model", MR_CHECK_FAIL,
			    "model-router hermes use-proxy", "Hermes asks the "
			    "proxy for '%s', which it does not advertise",
			    model);
		else
			report(d, "hermes", "hermes.model", MR_CHECK_OK, NULL,
			    "Hermes Agent uses the routing proxy at %s", url);
	} else if ((s = result_for(res, nres, url)) != NULL) {
		if (!s->reachable || s->info.kind == MR_SRV_UNKNOWN)
			report(d, "hermes", "hermes.model", MR_CHECK_FAIL,
			    "start that server, or model-router hermes "
			    "use-proxy", "Hermes's endpoint %s: %s", url,
			    s->problem[0] ? s->problem : "no model server");
		else if (model != NULL && served(s, model) == NULL) {
			const char **ids = mr_xcalloc(s->info.nmodels + 1,
			    sizeof(*ids));
			const char *hint;

			for (k = 0; k < s->info.nmodels; k++)
				ids[k] = s->info.models[k].id;
			hint = mr_did_you_mean(model, ids, s->info.nmodels);
			if (hint == NULL && s->info.nmodels > 0)
				hint = ids[0];
			fix = hint ? mr_xasprintf("model-router hermes set-model "
			    "%s \"%s\"", c.provider ? c.provider : "custom",
			    hint) : mr_xstrdup("load a model on that server");
			report(d, "hermes", "hermes.model", MR_CHECK_FAIL, fix,
			    "%s does not serve '%s'%s%s%s", url, model, hint ?
			    " (it serves '" : "", hint ? hint : "", hint ? "')" :
			    "");
			free(fix);
			free(ids);
		}
		else
			report(d, "hermes", "hermes.model", MR_CHECK_OK, NULL,
			    "%s serves %s", url, model ? model : "models");
	}
	/* the wire format must be one the endpoint speaks */
	{
		const char *mode = p && p->api_mode ? p->api_mode : c.api_mode;
		const char *canon = mode ? mr_hermes_api_mode(mode) : NULL;
		bool local = at_proxy || ((s = result_for(res, nres, url)) !=
		    NULL && s->info.kind != MR_SRV_UNKNOWN);

		if (mode != NULL && canon == NULL)
			report(d, "hermes", "hermes.api_mode", MR_CHECK_FAIL,
			    p ? "model-router hermes set providers.<name>."
			    "transport chat_completions" : "model-router hermes "
			    "set model.api_mode chat_completions", "api_mode '%s' "
			    "is not one Hermes knows", mode);
		else if (canon != NULL && local &&
		    strcmp(canon, "chat_completions") != 0) {
			fix = p ? mr_xasprintf("model-router hermes set "
			    "providers.%s.transport chat_completions", p->key) :
			    mr_xstrdup("model-router hermes set model.api_mode "
			    "chat_completions");
			report(d, "hermes", "hermes.api_mode", MR_CHECK_FAIL, fix,
			    "api_mode %s, but %s speaks chat_completions", canon,
			    at_proxy ? "the routing proxy" : url);
			free(fix);
		} else if (canon != NULL)
			report(d, "hermes", "hermes.api_mode", MR_CHECK_OK, NULL,
			    "api_mode %s", canon);
	}
	kenv = p ? p->key_env : c.api_key_ref;
	if (kenv != NULL) {
		if (env(d, kenv) != NULL || mr_hermes_secret_set(&c, kenv))
			report(d, "hermes", "hermes.key", MR_CHECK_OK, NULL,
			    "%s is set", kenv);
		else {
			fix = mr_xasprintf("printf '%%s\\n' \"$KEY\" | "
			    "model-router hermes add-provider %s --base-url %s "
			    "--key-env %s --api-key-stdin", p ? p->key :
			    "NAME", url, kenv);
			report(d, "hermes", "hermes.key", MR_CHECK_FAIL, fix,
			    "%s is set neither in the environment nor in "
			    ".env", kenv);
			free(fix);
		}
	}
	ctx = c.context_length;
	if (p != NULL) {
		if (p->context_length > 0)
			ctx = p->context_length;
		for (k = 0; model && k < p->nmodels; k++)
			if (strcmp(p->models[k].id, model) == 0 &&
			    p->models[k].context_length > 0)
				ctx = p->models[k].context_length;
	}
	if (ctx > 0 && ctx < MR_HERMES_CONFIG_MIN_CONTEXT) {
		fix = p ? mr_xasprintf("model-router hermes set providers.%s."
		    "context_length 65536 (after the server loads 65536)",
		    p->key) : mr_xstrdup("model-router hermes set "
		    "model.context_length 65536 (after the server loads 65536)");
		report(d, "hermes", "hermes.context", MR_CHECK_FAIL, fix,
		    "context_length %lld is below the 64000 Hermes Agent "
		    "accepts", ctx);
		free(fix);
	}
	else if (ctx > 0)
		report(d, "hermes", "hermes.context", MR_CHECK_OK, NULL,
		    "context_length %lld", ctx);
	if (model != NULL && (cache = cached_context(home, model, url)) > 0 &&
	    cache < MR_HERMES_MIN_CONTEXT) {
		fix = mr_xasprintf("delete the '%s@%s' line from "
		    "%s/context_length_cache.yaml", model, url, home);
		report(d, "hermes", "hermes.cache", MR_CHECK_WARN, fix,
		    "Hermes remembers %lld tokens for %s at %s; it will not "
		    "look again while the entry is there", cache, model, url);
		free(fix);
	}
out:
	mr_hermes_config_release(&c);
}

/* ---- all of it ------------------------------------------------------------ */

void
mr_doctor_run(const struct mr_doctor_opts *o, const struct mr_doctor_cb *cb,
    struct mr_doctor_result *r)
{
	static const struct mr_doctor_opts none;
	struct mr_proxy_config *pc;
	struct mr_server_result *res = NULL;
	struct mr_strlist urls = MR_STRLIST_INIT;
	struct mr_hermes_config hc;
	struct mr_error err = MR_ERROR_INIT;
	const struct mr_hermes_provider *hp;
	struct doc d;
	char *path, *home = NULL;
	bool *live;
	size_t i;

	memset(r, 0, sizeof(*r));
	d.o = o ? o : &none;
	d.cb = cb;
	d.r = r;
	path = proxy_path(&d);
	pc = check_configs(&d, path);

	if (!d.o->no_hermes) {
		home = d.o->hermes_home ? mr_expand_home(d.o->hermes_home) :
		    mr_hermes_home(NULL, d.o->getenv_fn, &err);
		if (home == NULL) {
			char *msg = mr_error_format(&err);

			report(&d, "hermes", "hermes.home", MR_CHECK_FAIL, NULL,
			    "%s", msg);
			free(msg);
			mr_error_clear(&err);
		}
	}

	/* every endpoint at once: the backends, and Hermes's own */
	for (i = 0; pc != NULL && i < pc->nbackends; i++)
		mr_strlist_push_unique(&urls, pc->backends[i].base_url);
	if (home != NULL) {
		mr_hermes_config_init(&hc);
		if (mr_hermes_config_load(&hc, home, &err) == 0) {
			hp = hc.provider ? mr_hermes_find_provider(&hc,
			    hc.provider) : NULL;
			if (hp && hp->url)
				mr_strlist_push_unique(&urls, hp->url);
			else if (hc.base_url)
				mr_strlist_push_unique(&urls, hc.base_url);
		}
		mr_error_clear(&err);
		mr_hermes_config_release(&hc);
	}
	if (urls.n > 0) {
		res = mr_xcalloc(urls.n, sizeof(*res));
		mr_probe_servers((const char *const *)urls.v, urls.n,
		    d.o->timeout_ms > 0 ? d.o->timeout_ms : 1000, d.o->http,
		    res, NULL, NULL);
	}
	live = pc ? mr_xcalloc(pc->nbackends + 1, sizeof(*live)) : NULL;
	for (i = 0; pc != NULL && i < pc->nbackends; i++)
		live[i] = check_backend(&d, pc, &pc->backends[i],
		    result_for(res, urls.n, pc->backends[i].base_url), path);
	if (pc != NULL && d.o->live)
		check_live(&d, pc, live);
	free(live);
	if (pc != NULL)
		check_proxy(&d, pc, path);
	if (home != NULL)
		check_hermes(&d, pc, res, urls.n, home);

	mr_proxycfg_free(pc);
	mr_strlist_clear(&urls);
	free(res);
	free(path);
	free(home);
}

cJSON *
mr_doctor_json(const struct mr_doctor_result *r)
{
	cJSON *j = cJSON_CreateObject(), *a, *e, *s;
	size_t i, ok = 0, skip = 0;

	a = cJSON_AddArrayToObject(j, "checks");
	for (i = 0; i < r->n; i++) {
		const struct mr_check *c = &r->checks[i];

		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "id", c->id);
		cJSON_AddStringToObject(e, "group", c->group);
		cJSON_AddStringToObject(e, "status",
		    mr_check_status_name(c->status));
		cJSON_AddStringToObject(e, "finding", c->finding);
		mr_json_add_str(e, "fix", c->fix);
		cJSON_AddItemToArray(a, e);
		ok += c->status == MR_CHECK_OK;
		skip += c->status == MR_CHECK_SKIP;
	}
	s = cJSON_AddObjectToObject(j, "summary");
	cJSON_AddNumberToObject(s, "ok", (double)ok);
	cJSON_AddNumberToObject(s, "warnings", (double)r->warns);
	cJSON_AddNumberToObject(s, "failed", (double)r->fails);
	cJSON_AddNumberToObject(s, "skipped", (double)skip);
	return j;
}

/* What the bundle needs to know of the setup, as the checks found it. */
void
doctor_paths(const struct mr_doctor_opts *o, char **proxy, char **router,
    char **log, char **hermes)
{
	static const struct mr_doctor_opts none;
	struct mr_proxy_config *pc;
	struct mr_error err = MR_ERROR_INIT;
	struct doc d;

	d.o = o ? o : &none;
	*proxy = proxy_path(&d);
	*router = *log = *hermes = NULL;
	if ((pc = mr_proxycfg_load_file(*proxy, any_set, &err)) != NULL) {
		*router = pc->router_config ? mr_expand_home(pc->router_config) :
		    NULL;
		*log = pc->observability.log_path ?
		    mr_expand_home(pc->observability.log_path) : NULL;
		mr_proxycfg_free(pc);
	}
	mr_error_clear(&err);
	if (!d.o->no_hermes) {
		*hermes = d.o->hermes_home ? mr_expand_home(d.o->hermes_home) :
		    mr_hermes_home(NULL, d.o->getenv_fn, &err);
		mr_error_clear(&err);
	}
}

void
mr_doctor_result_release(struct mr_doctor_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->checks[i].id);
		free(r->checks[i].group);
		free(r->checks[i].finding);
		free(r->checks[i].fix);
	}
	free(r->checks);
	memset(r, 0, sizeof(*r));
}
