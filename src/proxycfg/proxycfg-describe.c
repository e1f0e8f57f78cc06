/*
 * A routing proxy config as text, for people and logs.  It is printed by
 * commands whose output gets pasted into bug reports, so API keys are
 * only ever said to be set, and URL passwords are masked.
 */
#include <string.h>

#include "mr/proxycfg.h"

/*
 * Control characters are escaped: a value is one line, and a config
 * cannot send escape sequences to the terminal that shows it.
 */
static void
text(struct mr_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			mr_buf_addstr(b, "\\n");
		else if (*s == '\t')
			mr_buf_addstr(b, "\\t");
		else if ((unsigned char)*s < ' ' || *s == 0x7f)
			mr_buf_printf(b, "\\x%02x", (unsigned char)*s);
		else
			mr_buf_addch(b, *s);
	}
}

static void
line(struct mr_buf *b, int indent, const char *key, const char *val)
{
	mr_buf_printf(b, "%*s", indent, "");
	text(b, key);
	mr_buf_addstr(b, ": ");
	text(b, val);
	mr_buf_addch(b, '\n');
}

static void
num(struct mr_buf *b, int indent, const char *key, double d)
{
	mr_buf_printf(b, "%*s%s: %g\n", indent, "", key, d);
}

static void
flag(struct mr_buf *b, int indent, const char *key, bool on)
{
	line(b, indent, key, on ? "true" : "false");
}

static void
opt(struct mr_buf *b, int indent, const char *key, const char *val)
{
	line(b, indent, key, val != NULL ? val : "(none)");
}

static void
url(struct mr_buf *b, int indent, const char *key, const char *u)
{
	struct mr_buf r = MR_BUF_INIT;

	mr_proxycfg_redact_url(&r, u);
	line(b, indent, key, r.buf);
	mr_buf_release(&r);
}

/* Never the key itself: where it comes from and whether it is there. */
static void
secret(struct mr_buf *b, int indent, const char *key, const char *val,
    const char *env)
{
	mr_buf_printf(b, "%*s%s: ", indent, "", key);
	if (env != NULL) {
		mr_buf_addstr(b, "from $");
		text(b, env);
		mr_buf_addstr(b, val != NULL ? " (set)\n" : " (not set)\n");
	} else
		mr_buf_addstr(b, val != NULL ? "(set)\n" : "(none)\n");
}

static void
list(struct mr_buf *b, int indent, const char *key,
    const struct mr_strlist *l)
{
	struct mr_buf j = MR_BUF_INIT;

	if (l->n == 0)
		mr_buf_addstr(&j, "[]");
	else
		mr_strlist_join(l, ", ", &j);
	line(b, indent, key, j.buf);
	mr_buf_release(&j);
}

/* An argv as a shell would need it typed, for reading only. */
static void
argv_text(struct mr_buf *b, const struct mr_strlist *argv)
{
	const char *s;
	size_t i;

	for (i = 0; i < argv->n; i++) {
		if (i > 0)
			mr_buf_addch(b, ' ');
		if (argv->v[i][strcspn(argv->v[i], " \t\n'\"\\$`")] == '\0') {
			mr_buf_addstr(b, argv->v[i]);
			continue;
		}
		mr_buf_addch(b, '\'');
		for (s = argv->v[i]; *s != '\0'; s++)
			if (*s == '\'')
				mr_buf_addstr(b, "'\\''");
			else
				mr_buf_addch(b, *s);
		mr_buf_addch(b, '\'');
	}
}

static void
backend(struct mr_buf *b, const struct mr_proxy_backend *be)
{
	const struct mr_proxy_runtime *rt = &be->runtime;
	struct mr_buf cmd = MR_BUF_INIT;

	mr_buf_addstr(b, "  ");
	text(b, be->name);
	mr_buf_addstr(b, ":\n");
	url(b, 4, "base_url", be->base_url);
	line(b, 4, "model", be->model);
	secret(b, 4, "api_key", be->api_key, be->api_key_env);
	num(b, 4, "timeout_seconds", be->timeout_seconds);
	/* the reliability knobs only when changed: most never touch them */
	if (be->connect_timeout_seconds != 5)
		num(b, 4, "connect_timeout_seconds",
		    be->connect_timeout_seconds);
	if (be->first_byte_timeout_seconds > 0)
		num(b, 4, "first_byte_timeout_seconds",
		    be->first_byte_timeout_seconds);
	if (be->max_retries != 1)
		num(b, 4, "max_retries", (double)be->max_retries);
	if (be->retry_backoff_seconds != 0.2)
		num(b, 4, "retry_backoff_seconds", be->retry_backoff_seconds);
	if (be->fallback_on != MR_FALLBACK_ALL) {
		static const char *const names[] = { "connect", "timeout",
		    "5xx", "429" };
		struct mr_buf l = MR_BUF_INIT;
		size_t k;

		for (k = 0; k < MR_NELEM(names); k++)
			if (be->fallback_on & (1u << k)) {
				if (l.len > 0)
					mr_buf_addstr(&l, ", ");
				mr_buf_addstr(&l, names[k]);
			}
		line(b, 4, "fallback_on", l.len ? l.buf : "(nothing)");
		mr_buf_release(&l);
	}
	flag(b, 4, "strip_tools", be->strip_tools);
	if (!rt->enabled) {
		line(b, 4, "runtime", "(not managed)");
		return;
	}
	mr_buf_addstr(b, "    runtime:\n");
	line(b, 6, "kind", rt->kind);
	argv_text(&cmd, &rt->command);
	line(b, 6, "command", cmd.buf);
	mr_buf_release(&cmd);
	url(b, 6, "readiness_url", rt->readiness_url);
	num(b, 6, "readiness_timeout_seconds", rt->readiness_timeout);
	num(b, 6, "idle_timeout_seconds", rt->idle_timeout);
	num(b, 6, "shutdown_timeout_seconds", rt->shutdown_timeout);
	line(b, 6, "log_path", rt->log_path);
}

void
mr_proxycfg_describe(const struct mr_proxy_config *cfg, struct mr_buf *b)
{
	size_t i;

	line(b, 0, "proxy config", cfg->path);
	mr_buf_addstr(b, "proxy:\n");
	mr_buf_addstr(b, "  listen: ");
	text(b, cfg->proxy.host);
	mr_buf_printf(b, ":%d\n", cfg->proxy.port);
	if (cfg->proxy.idle_timeout_seconds != 60)
		num(b, 2, "idle_timeout_seconds",
		    cfg->proxy.idle_timeout_seconds);
	line(b, 2, "routing_profile", cfg->proxy.routing_profile);
	line(b, 2, "routing_mode", cfg->proxy.routing_mode);
	opt(b, 2, "default_backend", cfg->proxy.default_backend);
	opt(b, 2, "default_model", cfg->proxy.default_model);
	flag(b, 2, "respect_client_model", cfg->proxy.respect_client_model);
	line(b, 2, "unknown_model_behavior", cfg->proxy.unknown_model_behavior);
	line(b, 2, "safety_gate_mode", cfg->proxy.safety_gate_mode);
	secret(b, 2, "api_key", cfg->proxy.api_key, cfg->proxy.api_key_env);
	list(b, 2, "model_ids", &cfg->proxy.model_ids);
	line(b, 0, "router_config", cfg->router_config != NULL ?
	    cfg->router_config : "(packaged default)");
	mr_buf_addstr(b, "backends:\n");
	for (i = 0; i < cfg->nbackends; i++)
		backend(b, &cfg->backends[i]);
	mr_buf_addstr(b, "engine_backends:\n");
	for (i = 0; i < cfg->engines.n; i++)
		line(b, 2, cfg->engines.v[i], cfg->engine_targets.v[i]);
	mr_buf_addstr(b, "fallback_backends:");
	mr_buf_addstr(b, cfg->nfallbacks == 0 ? " {}\n" : "\n");
	for (i = 0; i < cfg->nfallbacks; i++)
		list(b, 2, cfg->fallbacks[i].backend, &cfg->fallbacks[i].chain);
	mr_buf_addstr(b, "observability:\n");
	flag(b, 2, "enabled", cfg->observability.enabled);
	line(b, 2, "log_path", cfg->observability.log_path);
	line(b, 2, "prompt_capture", cfg->observability.prompt_capture);
	mr_buf_printf(b, "  max_bytes: %lld\n", cfg->observability.max_bytes);
	mr_buf_printf(b, "  backups: %lld\n", cfg->observability.backups);
	mr_buf_addstr(b, "health:\n");
	num(b, 2, "backend_timeout_seconds",
	    cfg->health.backend_timeout_seconds);
	mr_buf_addstr(b, "backend_policy:\n");
	mr_buf_printf(b, "  version: %d\n", cfg->backend_policy.version);
	list(b, 2, "backend_allowlist", &cfg->backend_policy.allowlist);
	list(b, 2, "backend_denylist", &cfg->backend_policy.denylist);
	mr_buf_addstr(b, "verifier:\n");
	mr_buf_printf(b, "  version: %d\n", cfg->verifier.version);
	line(b, 2, "mode", cfg->verifier.mode);
	opt(b, 2, "backend", cfg->verifier.backend);
	num(b, 2, "sample_rate", cfg->verifier.sample_rate);
	list(b, 2, "route_codes", &cfg->verifier.route_codes);
	num(b, 2, "timeout_seconds", cfg->verifier.timeout_seconds);
	line(b, 2, "failure_behavior", cfg->verifier.failure_behavior);
	line(b, 2, "prompt_template", cfg->verifier.prompt_template);
	flag(b, 2, "include_response_preview",
	    cfg->verifier.include_response_preview);
	mr_buf_printf(b, "  max_response_preview_chars: %lld\n",
	    cfg->verifier.max_response_preview_chars);
}
