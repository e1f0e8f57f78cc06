/*
 * Unit tests for routing_proxy.yaml: the presets load with the values
 * they say, defaults, every error of the reference with its exact text and
 * the position of the node at fault, unknown-key warnings, fallback
 * cycles, api_key_env through a fake environment, and secrets kept out of
 * descriptions and messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mr/proxycfg.h"
#include "tmpdir.h"

#define FIXTURES	"tests/fixtures/proxycfg"
#define REFERENCE_DATA	"/work/shared/reference-data"

/*
 * Eight lines: two backends and the engines that use them.  Test
 * documents append to it; a repeated top-level key replaces BASE's (the
 * last of duplicate keys wins, as in PyYAML).
 */
#define BASE \
	"backends:\n" \
	"  fast:\n" \
	"    base_url: http://127.0.0.1:8080/v1\n" \
	"    model: fast-model\n" \
	"  balanced:\n" \
	"    base_url: http://127.0.0.1:8081/v1\n" \
	"    model: balanced-model\n" \
	"engine_backends: {fast_local: fast, balanced_local: balanced}\n"

#define DEFAULT_TEMPLATE \
	"Review the ModelRouter route receipt metadata. Selected engine: " \
	"{selected_engine}. Receipt summary: {receipt_summary}. Return a " \
	"concise JSON object with ok and rationale."

static char fake_home[64];
static int env_calls;

static const char *
fake_getenv(const char *name)
{
	env_calls++;
	if (strcmp(name, "OPENAI_API_KEY") == 0)
		return "sk-openai-test-key-0123456789";
	if (strcmp(name, "SET_KEY") == 0)
		return "sk-set-secret-value";
	if (strcmp(name, "PROXY_KEY") == 0)
		return "proxy-secret-value";
	if (strcmp(name, "EMPTY_KEY") == 0)
		return "";
	if (strcmp(name, "HOME") == 0)
		return fake_home;
	return NULL;
}

static struct mr_proxy_config *
load(const char *text, struct mr_error *e)
{
	return mr_proxycfg_load_buffer("t.yaml", text, strlen(text),
	    fake_getenv, e);
}

static struct mr_proxy_config *
load_ok(const char *text)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_proxy_config *cfg = load(text, &e);

	if (cfg == NULL)
		fail_msg("unexpected error: %d:%d: %s", e.line, e.col, e.msg);
	mr_error_clear(&e);
	return cfg;
}

static struct mr_proxy_config *
load_ok_base(const char *suffix)
{
	char *doc = mr_xasprintf("%s%s", BASE, suffix);
	struct mr_proxy_config *cfg = load_ok(doc);

	free(doc);
	return cfg;
}

/* The 1-based position of the first AT in DOC at or after FROM. */
static void
position_of(const char *doc, size_t from, const char *at, int *line,
    int *col)
{
	const char *p = strstr(doc + from, at), *s;

	if (p == NULL)
		fail_msg("marker '%s' is not in the document", at);
	*line = 1;
	*col = 1;
	for (s = doc; s < p; s++) {
		if (*s == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

struct err_case {
	const char	*doc;	/* appended to BASE unless whole */
	bool		 whole;
	const char	*msg;
	const char	*at;	/* first occurrence marks the position;
				   NULL: the document's start, 1:1 */
};

static void
run_error_cases(const struct err_case *cases, size_t n)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_proxy_config *cfg;
	int line, col, bad = 0;
	size_t i;
	char *doc, *text, *want;

	for (i = 0; i < n; i++) {
		doc = cases[i].whole ? mr_xstrdup(cases[i].doc) :
		    mr_xasprintf("%s%s", BASE, cases[i].doc);
		cfg = load(doc, &e);
		line = col = 1;
		if (cases[i].at != NULL)
			position_of(doc, cases[i].whole ? 0 : strlen(BASE),
			    cases[i].at, &line, &col);
		want = mr_xasprintf("t.yaml:%d:%d: %s", line, col,
		    cases[i].msg);
		text = cfg == NULL ? mr_error_format(&e) : mr_xstrdup("(ok)");
		if (strcmp(text, want) != 0) {
			print_error("case %zu:\n%s\n  want: %s\n   got: %s\n",
			    i, cases[i].doc, want, text);
			bad++;
		}
		free(text);
		free(want);
		mr_proxycfg_free(cfg);
		mr_error_clear(&e);
		free(doc);
	}
	assert_int_equal(bad, 0);
}

/* ---- presets ------------------------------------------------------------- */

static const char *const roles[] = { "fast", "balanced", "reasoning",
	"code" };

/* What every preset shares (A.1): the blocks around the backends. */
static void
check_preset_common(const struct mr_proxy_config *cfg)
{
	static const char *const engines[][2] = {
		{ "fast_local", "fast" }, { "balanced_local", "balanced" },
		{ "reasoning_local", "reasoning" }, { "code_agent", "code" },
		{ "web_research", "reasoning" },
		{ "multimodal_vision", "reasoning" },
		{ "image_generation", "reasoning" },
	};
	const struct mr_strlist *fb;
	size_t i;

	for (i = 0; i < cfg->warnings.n; i++)
		print_error("warning: %s\n", cfg->warnings.v[i]);
	assert_int_equal(cfg->warnings.n, 0);
	assert_string_equal(cfg->proxy.host, "127.0.0.1");
	assert_int_equal(cfg->proxy.port, 8082);
	assert_string_equal(cfg->proxy.routing_profile, "balanced");
	assert_string_equal(cfg->proxy.routing_mode, "decision");
	assert_null(cfg->proxy.default_backend);
	assert_null(cfg->proxy.default_model);
	assert_false(cfg->proxy.respect_client_model);
	assert_null(cfg->proxy.api_key);
	assert_int_equal(cfg->proxy.model_ids.n, 1);
	assert_string_equal(cfg->proxy.model_ids.v[0], "model-router");
	assert_true(cfg->observability.enabled);
	assert_string_equal(cfg->observability.prompt_capture,
	    "redacted_preview");
	assert_int_equal(cfg->observability.max_bytes, 10485760);
	assert_int_equal(cfg->observability.backups, 5);
	assert_true(cfg->health.backend_timeout_seconds == 1.0);
	assert_int_equal(cfg->backend_policy.version, 1);
	assert_int_equal(cfg->backend_policy.allowlist.n, 0);
	assert_string_equal(cfg->verifier.mode, "off");
	assert_null(cfg->verifier.backend);
	assert_int_equal(cfg->verifier.max_response_preview_chars, 500);
	assert_int_equal(cfg->nbackends, 4);
	for (i = 0; i < 4; i++) {
		assert_string_equal(cfg->backends[i].name, roles[i]);
		assert_true(cfg->backends[i].timeout_seconds == 300);
		/* only fast strips tools */
		assert_int_equal(cfg->backends[i].strip_tools, i == 0);
	}
	assert_int_equal(cfg->engines.n, MR_NELEM(engines));
	for (i = 0; i < MR_NELEM(engines); i++) {
		assert_string_equal(cfg->engines.v[i], engines[i][0]);
		assert_string_equal(cfg->engine_targets.v[i], engines[i][1]);
		assert_string_equal(mr_proxycfg_engine_backend(cfg,
		    engines[i][0])->name, engines[i][1]);
	}
	assert_null(mr_proxycfg_engine_backend(cfg, "intent_router"));
	assert_int_equal(cfg->nfallbacks, 3);
	fb = mr_proxycfg_fallbacks(cfg, "fast");
	assert_non_null(fb);
	assert_int_equal(fb->n, 1);
	assert_string_equal(fb->v[0], "balanced");
	assert_string_equal(mr_proxycfg_fallbacks(cfg, "balanced")->v[0],
	    "reasoning");
	assert_string_equal(mr_proxycfg_fallbacks(cfg, "code")->v[0],
	    "reasoning");
	assert_null(mr_proxycfg_fallbacks(cfg, "reasoning"));
}

static char *
fixture(const char *name)
{
	const char *top = getenv("MR_SRCDIR");

	return top && *top ? mr_xasprintf("%s/%s/%s", top, FIXTURES, name) :
	    mr_xasprintf("%s/%s", FIXTURES, name);
}

static struct mr_proxy_config *
load_fixture(const char *name)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_proxy_config *cfg;
	char *path = fixture(name);

	cfg = mr_proxycfg_load_file(path, fake_getenv, &e);
	if (cfg == NULL)
		fail_msg("%s: %s", path, mr_error_format(&e));
	assert_string_equal(cfg->path, path);
	free(path);
	return cfg;
}

static void
test_presets(void **state)
{
	static const struct {
		const char	*file;
		const char	*urls[4];
		const char	*models[4];
	} presets[] = {
		{ "lmstudio.yaml",
		  { "http://127.0.0.1:1234/v1", "http://127.0.0.1:1234/v1",
		    "http://127.0.0.1:1234/v1", "http://127.0.0.1:1234/v1" },
		  { "lmstudio-fast-model", "lmstudio-balanced-model",
		    "lmstudio-reasoning-model", "lmstudio-code-model" } },
		{ "ollama.yaml",
		  { "http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1",
		    "http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1" },
		  { "qwen3:0.6b", "qwen3:4b", "qwen3:14b",
		    "qwen2.5-coder:7b" } },
		{ "llamacpp.yaml",
		  { "http://127.0.0.1:8080/v1", "http://127.0.0.1:8081/v1",
		    "http://127.0.0.1:8084/v1", "http://127.0.0.1:8083/v1" },
		  { "local-fast-model", "local-balanced-model",
		    "local-reasoning-model", "local-code-model" } },
		{ "localai.yaml",
		  { "http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1",
		    "http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1" },
		  { "localai-fast-model", "localai-balanced-model",
		    "localai-reasoning-model", "localai-code-model" } },
		{ "hosted-openai-compatible.yaml",
		  { "https://api.openai.com/v1", "https://api.openai.com/v1",
		    "https://api.openai.com/v1", "https://api.openai.com/v1" },
		  { "hosted-fast-model", "hosted-balanced-model",
		    "hosted-reasoning-model", "hosted-code-model" } },
	};
	struct mr_proxy_config *cfg;
	size_t i, k;
	bool hosted;

	(void)state;
	for (i = 0; i < MR_NELEM(presets); i++) {
		cfg = load_fixture(presets[i].file);
		check_preset_common(cfg);
		assert_string_equal(cfg->router_config,
		    "~/.model-router/model_router.yaml");
		assert_string_equal(cfg->observability.log_path,
		    "~/.model-router/logs/routing-events.jsonl");
		hosted = strncmp(presets[i].file, "hosted", 6) == 0;
		for (k = 0; k < 4; k++) {
			const struct mr_proxy_backend *be = &cfg->backends[k];

			assert_string_equal(be->base_url, presets[i].urls[k]);
			assert_string_equal(be->model, presets[i].models[k]);
			assert_false(be->runtime.enabled);
			if (hosted) {
				assert_string_equal(be->api_key_env,
				    "OPENAI_API_KEY");
				assert_string_equal(be->api_key,
				    "sk-openai-test-key-0123456789");
			} else {
				assert_null(be->api_key_env);
				assert_null(be->api_key);
			}
		}
		mr_proxycfg_free(cfg);
	}
}

static void
test_preset_mlx(void **state)
{
	static const int ports[] = { 8090, 8091, 8094, 8093 };
	struct mr_proxy_config *cfg;
	const struct mr_proxy_runtime *rt;
	char want[128], model[64], port[8];
	size_t i, k;

	(void)state;
	cfg = load_fixture("mlx-lm.yaml");
	check_preset_common(cfg);
	for (i = 0; i < 4; i++) {
		rt = &cfg->backends[i].runtime;
		snprintf(want, sizeof(want), "http://127.0.0.1:%d/v1",
		    ports[i]);
		assert_string_equal(cfg->backends[i].base_url, want);
		snprintf(model, sizeof(model), "REPLACE_WITH_MLX_%s_MODEL",
		    roles[i]);
		for (k = 0; model[k] != '\0'; k++)
			if (model[k] >= 'a' && model[k] <= 'z')
				model[k] -= 'a' - 'A';
		assert_string_equal(cfg->backends[i].model, model);
		assert_true(rt->enabled);
		assert_string_equal(rt->kind, "mlx-lm");
		assert_int_equal(rt->command.n, 5);
		assert_string_equal(rt->command.v[0], "mlx_lm.server");
		assert_string_equal(rt->command.v[1], "--model");
		assert_string_equal(rt->command.v[2], model);
		assert_string_equal(rt->command.v[3], "--port");
		snprintf(port, sizeof(port), "%d", ports[i]);
		/* quoted in the file: argv items are strings */
		assert_string_equal(rt->command.v[4], port);
		snprintf(want, sizeof(want), "http://127.0.0.1:%d/v1/models",
		    ports[i]);
		assert_string_equal(rt->readiness_url, want);
		assert_true(rt->readiness_timeout == 30);
		assert_true(rt->idle_timeout == 900);
		assert_true(rt->shutdown_timeout == 5);
		snprintf(want, sizeof(want), "~/.model-router/logs/mlx-%s.log",
		    roles[i]);
		assert_string_equal(rt->log_path, want);
	}
	mr_proxycfg_free(cfg);
}

/* The reference's own files, when this machine has them. */
static void
test_reference_data(void **state)
{
	static const char *const files[] = {
		"routing_proxy.example.yaml",
		"proxy_template_lmstudio.yaml",
		"proxy_template_ollama.yaml",
		"proxy_template_llamacpp.yaml",
		"proxy_template_mlx-lm.yaml",
		"proxy_template_localai.yaml",
		"proxy_template_hosted-openai-compatible.yaml",
	};
	struct mr_error e = MR_ERROR_INIT;
	struct mr_proxy_config *cfg;
	char *path;
	size_t i;

	(void)state;
	if (access(REFERENCE_DATA, R_OK) != 0) {
		print_message("# %s is not here; skipped\n", REFERENCE_DATA);
		skip();
	}
	for (i = 0; i < MR_NELEM(files); i++) {
		path = mr_xasprintf("%s/%s", REFERENCE_DATA, files[i]);
		cfg = mr_proxycfg_load_file(path, fake_getenv, &e);
		if (cfg == NULL)
			fail_msg("%s", mr_error_format(&e));
		check_preset_common(cfg);
		mr_proxycfg_free(cfg);
		free(path);
	}
}

/* ---- values -------------------------------------------------------------- */

static void
test_defaults(void **state)
{
	struct mr_proxy_config *cfg;
	const struct mr_proxy_backend *be;

	(void)state;
	cfg = load_ok(BASE);
	assert_string_equal(cfg->path, "t.yaml");
	assert_string_equal(cfg->proxy.host, "127.0.0.1");
	assert_int_equal(cfg->proxy.port, 8082);
	assert_string_equal(cfg->proxy.routing_profile, "balanced");
	assert_string_equal(cfg->proxy.routing_mode, "decision");
	assert_null(cfg->proxy.default_backend);
	assert_null(cfg->proxy.default_model);
	assert_false(cfg->proxy.respect_client_model);
	assert_string_equal(cfg->proxy.unknown_model_behavior,
	    "fallback_to_default");
	assert_string_equal(cfg->proxy.safety_gate_mode, "decision_only");
	assert_null(cfg->proxy.api_key);
	assert_null(cfg->proxy.api_key_env);
	assert_int_equal(cfg->proxy.model_ids.n, 1);
	assert_string_equal(cfg->proxy.model_ids.v[0], "model-router");
	assert_null(cfg->router_config);
	assert_int_equal(cfg->nbackends, 2);
	be = mr_proxycfg_backend(cfg, "balanced");
	assert_ptr_equal(be, &cfg->backends[1]);
	assert_string_equal(be->base_url, "http://127.0.0.1:8081/v1");
	assert_string_equal(be->model, "balanced-model");
	assert_null(be->api_key);
	assert_null(be->api_key_env);
	assert_true(be->timeout_seconds == 300);
	assert_false(be->strip_tools);
	assert_false(be->runtime.enabled);
	assert_null(be->runtime.kind);
	assert_int_equal(be->line, 5);
	assert_int_equal(be->col, 3);
	assert_null(mr_proxycfg_backend(cfg, "Fast"));
	assert_int_equal(cfg->engines.n, 2);
	assert_int_equal(cfg->nfallbacks, 0);
	assert_null(mr_proxycfg_fallbacks(cfg, "fast"));
	/* no observability block: telemetry off */
	assert_false(cfg->observability.enabled);
	assert_string_equal(cfg->observability.log_path,
	    "~/.model-router/routing-events.jsonl");
	assert_string_equal(cfg->observability.prompt_capture,
	    "redacted_preview");
	assert_int_equal(cfg->observability.max_bytes, 10485760);
	assert_int_equal(cfg->observability.backups, 5);
	assert_true(cfg->health.backend_timeout_seconds == 1.0);
	assert_int_equal(cfg->backend_policy.version, 1);
	assert_int_equal(cfg->backend_policy.allowlist.n, 0);
	assert_int_equal(cfg->backend_policy.denylist.n, 0);
	assert_int_equal(cfg->verifier.version, 1);
	assert_string_equal(cfg->verifier.mode, "off");
	assert_null(cfg->verifier.backend);
	assert_true(cfg->verifier.sample_rate == 0);
	assert_int_equal(cfg->verifier.route_codes.n, 0);
	assert_true(cfg->verifier.timeout_seconds == 10);
	assert_string_equal(cfg->verifier.failure_behavior, "log_only");
	assert_string_equal(cfg->verifier.prompt_template, DEFAULT_TEMPLATE);
	assert_false(cfg->verifier.include_response_preview);
	assert_int_equal(cfg->verifier.max_response_preview_chars, 500);
	assert_int_equal(cfg->warnings.n, 0);
	mr_proxycfg_free(cfg);

	/* explicit nulls for whole sections mean "all defaults" */
	cfg = load_ok_base("proxy:\nobservability: null\nhealth:\n"
	    "backend_policy:\nverifier:\nfallback_backends:\n");
	assert_int_equal(cfg->proxy.port, 8082);
	assert_false(cfg->observability.enabled);
	assert_string_equal(cfg->verifier.mode, "off");
	mr_proxycfg_free(cfg);
}

static void
test_values(void **state)
{
	struct mr_proxy_config *cfg;
	const struct mr_proxy_backend *be;

	(void)state;
	cfg = load_ok(
	    "proxy:\n"
	    "  host: 0.0.0.0\n"
	    "  port: 9000\n"
	    "  routing_profile: private\n"
	    "  routing_mode: manual\n"
	    "  default_backend: balanced\n"
	    "  default_model: my-model\n"
	    "  unknown_model_behavior: reject_404\n"
	    "  safety_gate_mode: always_static\n"
	    "  api_key: proxy-literal\n"
	    "  model_ids: [a, b, a, c, b]\n"
	    "router_config: /etc/mr/model_router.yaml\n"
	    "backends:\n"
	    "  fast:\n"
	    "    base_url: https://[::1]:8443/v1\n"
	    "    model: m1\n"
	    "    timeout_seconds: 12.5\n"
	    "    strip_tools: true\n"
	    "    runtime:\n"
	    "      enabled: true\n"
	    "      command: [llama-server, -m, /m/x.gguf]\n"
	    "      readiness_url: http://localhost:8080/health\n"
	    "      log_path: /tmp/x.log\n"
	    "      idle_timeout_seconds: 60\n"
	    "  balanced:\n"
	    "    base_url: http://gpu-box.lan:8081\n"
	    "    model: m2\n"
	    "    api_key_env: SET_KEY\n"
	    "    runtime: {enabled: false, kind: docker, command: 5}\n"
	    "observability:\n"
	    "  enabled: true\n"
	    "  prompt_capture: full\n"
	    "  max_bytes: 0\n"
	    "  backups: 0\n"
	    "health: {backend_timeout_seconds: 2}\n"
	    "backend_policy:\n"
	    "  backend_allowlist: [fast, balanced]\n"
	    "  backend_denylist: [balanced]\n"
	    "verifier:\n"
	    "  mode: sampled\n"
	    "  backend: fast\n"
	    "  sample_rate: 0.25\n"
	    "  route_codes: [risk.high, policy.hosted]\n"
	    "  timeout_seconds: 3\n"
	    "  failure_behavior: fail_closed\n"
	    "  prompt_template: 'Check {selected_engine}'\n"
	    "  include_response_preview: true\n"
	    "  max_response_preview_chars: 0\n"
	    "engine_backends: {fast_local: fast}\n"
	    "fallback_backends:\n"
	    "  fast: [balanced]\n");
	assert_string_equal(cfg->proxy.host, "0.0.0.0");
	assert_int_equal(cfg->proxy.port, 9000);
	assert_string_equal(cfg->proxy.routing_profile, "private");
	assert_string_equal(cfg->proxy.routing_mode, "manual");
	assert_string_equal(cfg->proxy.default_backend, "balanced");
	assert_string_equal(cfg->proxy.default_model, "my-model");
	/* manual mode's default */
	assert_true(cfg->proxy.respect_client_model);
	assert_string_equal(cfg->proxy.unknown_model_behavior, "reject_404");
	assert_string_equal(cfg->proxy.safety_gate_mode, "always_static");
	assert_string_equal(cfg->proxy.api_key, "proxy-literal");
	assert_null(cfg->proxy.api_key_env);
	/* deduplicated, first occurrences in order */
	assert_int_equal(cfg->proxy.model_ids.n, 3);
	assert_string_equal(cfg->proxy.model_ids.v[0], "a");
	assert_string_equal(cfg->proxy.model_ids.v[1], "b");
	assert_string_equal(cfg->proxy.model_ids.v[2], "c");
	assert_string_equal(cfg->router_config, "/etc/mr/model_router.yaml");
	be = &cfg->backends[0];
	assert_string_equal(be->base_url, "https://[::1]:8443/v1");
	assert_true(be->timeout_seconds == 12.5);
	assert_true(be->strip_tools);
	assert_true(be->runtime.enabled);
	assert_string_equal(be->runtime.kind, "generic");
	assert_int_equal(be->runtime.command.n, 3);
	assert_string_equal(be->runtime.command.v[2], "/m/x.gguf");
	assert_string_equal(be->runtime.readiness_url,
	    "http://localhost:8080/health");
	assert_true(be->runtime.readiness_timeout == 30);
	assert_true(be->runtime.idle_timeout == 60);
	assert_true(be->runtime.shutdown_timeout == 5);
	assert_string_equal(be->runtime.log_path, "/tmp/x.log");
	be = &cfg->backends[1];
	assert_string_equal(be->api_key_env, "SET_KEY");
	assert_string_equal(be->api_key, "sk-set-secret-value");
	/* a disabled runtime's other keys are not looked at */
	assert_false(be->runtime.enabled);
	assert_null(be->runtime.kind);
	assert_int_equal(be->runtime.command.n, 0);
	assert_true(cfg->observability.enabled);
	assert_string_equal(cfg->observability.prompt_capture, "full");
	assert_int_equal(cfg->observability.max_bytes, 0);
	assert_int_equal(cfg->observability.backups, 0);
	assert_true(cfg->health.backend_timeout_seconds == 2);
	assert_int_equal(cfg->backend_policy.allowlist.n, 2);
	assert_string_equal(cfg->backend_policy.denylist.v[0], "balanced");
	assert_string_equal(cfg->verifier.mode, "sampled");
	assert_string_equal(cfg->verifier.backend, "fast");
	assert_true(cfg->verifier.sample_rate == 0.25);
	assert_int_equal(cfg->verifier.route_codes.n, 2);
	assert_string_equal(cfg->verifier.route_codes.v[1], "policy.hosted");
	assert_true(cfg->verifier.timeout_seconds == 3);
	assert_string_equal(cfg->verifier.failure_behavior, "fail_closed");
	assert_string_equal(cfg->verifier.prompt_template,
	    "Check {selected_engine}");
	assert_true(cfg->verifier.include_response_preview);
	assert_int_equal(cfg->verifier.max_response_preview_chars, 0);
	assert_string_equal(mr_proxycfg_fallbacks(cfg, "fast")->v[0],
	    "balanced");
	assert_int_equal(cfg->warnings.n, 0);
	mr_proxycfg_free(cfg);

	/* manual mode with respect_client_model turned off; empty model_ids */
	cfg = load_ok_base("proxy: {routing_mode: manual, default_backend: "
	    "fast, default_model: x, respect_client_model: false, "
	    "model_ids: []}\n");
	assert_false(cfg->proxy.respect_client_model);
	assert_int_equal(cfg->proxy.model_ids.n, 0);
	mr_proxycfg_free(cfg);

	/* YAML 1.1 reads an unquoted off as false: the verifier takes it */
	cfg = load_ok_base("verifier: {mode: off}\n");
	assert_string_equal(cfg->verifier.mode, "off");
	mr_proxycfg_free(cfg);
	cfg = load_ok_base("verifier: {mode: receipt-only}\n");
	assert_string_equal(cfg->verifier.mode, "receipt-only");
	mr_proxycfg_free(cfg);
	cfg = load_ok_base("verifier: {mode: always-for-risky-output, "
	    "backend: balanced}\n");
	assert_string_equal(cfg->verifier.mode, "always-for-risky-output");
	mr_proxycfg_free(cfg);

	/* huge integers are "as large as possible", not errors */
	cfg = load_ok_base("observability: {max_bytes: "
	    "100000000000000000000000}\n");
	assert_true(cfg->observability.max_bytes > 1000000000000000000LL);
	mr_proxycfg_free(cfg);
}

/* ---- errors -------------------------------------------------------------- */

static void
test_errors_document(void **state)
{
	static const struct err_case cases[] = {
		{ "", true, "routing proxy config must be a mapping", NULL },
		{ "# a comment\n", true,
		    "routing proxy config must be a mapping", NULL },
		{ "- a\n", true, "routing proxy config must be a mapping",
		    "-" },
		{ "just text\n", true,
		    "routing proxy config must be a mapping", "just" },
		{ "proxy: {}\n", true,
		    "routing proxy config requires non-empty backends", NULL },
		{ "backends: {}\n", false,
		    "routing proxy config requires non-empty backends", "{}" },
		{ "backends: [a]\n", false,
		    "routing proxy config requires non-empty backends",
		    "[a]" },
		{ "backends:\n", false,
		    "routing proxy config requires non-empty backends",
		    "\n" },
		{ "router_config: ''\n", false,
		    "router_config must be a non-empty string", "''" },
		{ "router_config: [a]\n", false,
		    "router_config must be a non-empty string", "[a]" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_invalid_yaml(void **state)
{
	struct mr_error e = MR_ERROR_INIT;
	static const char doc[] = "backends:\n  fast: [a\n";

	(void)state;
	assert_null(load(doc, &e));
	assert_string_equal(e.file, "t.yaml");
	assert_true(strncmp(e.msg, "routing proxy config invalid YAML: ",
	    35) == 0);
	assert_true(strlen(e.msg) > 35);
	assert_true(e.line >= 2);
	assert_true(e.col >= 1);
	mr_error_clear(&e);

	/* tabs are not indentation */
	assert_null(load("backends:\n\tfast: {}\n", &e));
	assert_true(strncmp(e.msg, "routing proxy config invalid YAML: ",
	    35) == 0);
	assert_int_equal(e.line, 2);
	mr_error_clear(&e);
}

static void
test_errors_proxy(void **state)
{
	static const struct err_case cases[] = {
		{ "proxy: [a]\n", false, "proxy must be a mapping", "[a]" },
		{ "proxy: on\n", false, "proxy must be a mapping", "on" },
		{ "proxy:\n  api_key: k\n  api_key_env: SOME_ENV\n", false,
		    "proxy may define api_key or api_key_env, not both",
		    "SOME_ENV" },
		{ "proxy: {api_key: ''}\n", false,
		    "api_key must be a non-empty string", "''" },
		{ "proxy: {api_key_env: '  '}\n", false,
		    "api_key_env must be a non-empty string", "'  '" },
		{ "proxy: {model_ids: [a, '']}\n", false,
		    "model_ids must be a list of non-empty strings", "''" },
		{ "proxy: {model_ids: abc}\n", false,
		    "model_ids must be a list of non-empty strings", "abc" },
		{ "proxy: {host: null}\n", false,
		    "host must be a non-empty string", "null" },
		{ "proxy: {host: 12}\n", false,
		    "host must be a non-empty string", "12" },
		{ "proxy: {port: 0}\n", false,
		    "port must be a positive integer", "0" },
		{ "proxy: {port: -3}\n", false,
		    "port must be a positive integer", "-3" },
		{ "proxy: {port: true}\n", false,
		    "port must be a positive integer", "true" },
		{ "proxy: {port: '8082'}\n", false,
		    "port must be a positive integer", "'8082'" },
		{ "proxy: {port: 8082.0}\n", false,
		    "port must be a positive integer", "8082.0" },
		{ "proxy: {port: 70000}\n", false,
		    "port must be at most 65535", "70000" },
		{ "proxy: {routing_profile: turbo}\n", false,
		    "routing profile must be one of: fast, balanced, quality, "
		    "private, safe", "turbo" },
		{ "proxy: {routing_profile: 3}\n", false,
		    "routing_profile must be a non-empty string", "3" },
		{ "proxy: {routing_mode: model_map}\n", false,
		    "routing_mode 'model_map' is not implemented; supported "
		    "modes: decision, manual", "model_map" },
		{ "proxy: {routing_mode: passthrough}\n", false,
		    "routing_mode 'passthrough' is not implemented; supported "
		    "modes: decision, manual", "passthrough" },
		{ "proxy: {routing_mode: auto}\n", false,
		    "routing_mode must be one of: decision, manual", "auto" },
		{ "proxy: {default_backend: ''}\n", false,
		    "default_backend must be a non-empty string", "''" },
		{ "proxy: {default_model: [m]}\n", false,
		    "default_model must be a non-empty string", "[m]" },
		{ "proxy: {respect_client_model: 'yes'}\n", false,
		    "respect_client_model must be a boolean", "'yes'" },
		{ "proxy: {unknown_model_behavior: ignore}\n", false,
		    "unknown_model_behavior must be one of: "
		    "fallback_to_default, reject_404", "ignore" },
		{ "proxy: {safety_gate_mode: loose}\n", false,
		    "safety_gate_mode must be one of: decision_only, "
		    "always_static, off", "loose" },
		/* the manual mode's checks wait for the backends */
		{ "proxy:\n  routing_mode: manual\n", false,
		    "manual routing mode requires proxy.default_backend",
		    "manual" },
		{ "proxy:\n  routing_mode: manual\n  default_backend: fast\n",
		    false, "manual routing mode requires proxy.default_model",
		    "manual" },
		{ "proxy:\n  routing_mode: manual\n  default_backend: nope\n"
		    "  default_model: m\n", false,
		    "proxy.default_backend references undefined backend "
		    "'nope'", "nope" },
		{ "proxy: {api_key_env: MISSING_VAR}\n", false,
		    "proxy api_key_env 'MISSING_VAR' is not set",
		    "MISSING_VAR" },
		{ "proxy: {api_key_env: EMPTY_KEY}\n", false,
		    "proxy api_key_env 'EMPTY_KEY' is not set", "EMPTY_KEY" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_sections(void **state)
{
	static const struct err_case cases[] = {
		{ "observability: 1\n", false,
		    "observability must be a mapping", "1" },
		{ "observability: {prompt_capture: everything}\n", false,
		    "observability prompt_capture must be one of: off, "
		    "redacted_preview, full", "everything" },
		/* an unquoted off is a boolean to YAML 1.1, as in PyYAML */
		{ "observability: {prompt_capture: off}\n", false,
		    "prompt_capture must be a non-empty string", "off" },
		{ "observability: {enabled: 1}\n", false,
		    "enabled must be a boolean", "1" },
		{ "observability: {log_path: ''}\n", false,
		    "log_path must be a non-empty string", "''" },
		{ "observability: {max_bytes: -1}\n", false,
		    "max_bytes must be a non-negative integer", "-1" },
		{ "observability: {backups: 1.5}\n", false,
		    "backups must be a non-negative integer", "1.5" },
		{ "health: []\n", false, "health must be a mapping", "[]" },
		{ "health: {backend_timeout_seconds: 0}\n", false,
		    "backend_timeout_seconds must be a positive number", "0" },
		{ "health: {backend_timeout_seconds: .nan}\n", false,
		    "backend_timeout_seconds must be a positive number",
		    ".nan" },
		{ "health: {backend_timeout_seconds: .inf}\n", false,
		    "backend_timeout_seconds must be a positive number",
		    ".inf" },
		{ "health: {backend_timeout_seconds: true}\n", false,
		    "backend_timeout_seconds must be a positive number",
		    "true" },
		{ "health: {backend_timeout_seconds: '1'}\n", false,
		    "backend_timeout_seconds must be a positive number",
		    "'1'" },
		{ "backend_policy: 1\n", false,
		    "backend_policy must be a mapping", "1" },
		{ "backend_policy:\n  zeta: 1\n  version: 1\n  alpha: 2\n",
		    false, "backend_policy unknown keys: alpha, zeta", "zeta" },
		{ "backend_policy: {version: 2}\n", false,
		    "backend_policy version must be 1", "2" },
		{ "backend_policy: {backend_allowlist: [fast, nope]}\n", false,
		    "backend_policy references undefined backend 'nope'",
		    "nope" },
		{ "backend_policy: {backend_denylist: [nope]}\n", false,
		    "backend_policy references undefined backend 'nope'",
		    "nope" },
		{ "backend_policy: {backend_denylist: fast}\n", false,
		    "backend_denylist must be a list of non-empty strings",
		    "fast}" },
		{ "verifier: x\n", false, "verifier must be a mapping", "x" },
		{ "verifier: {modee: sampled}\n", false,
		    "verifier unknown keys: modee", "modee" },
		{ "verifier: {version: 0}\n", false,
		    "verifier version must be 1", "0" },
		{ "verifier: {mode: maybe}\n", false,
		    "verifier mode must be one of: off, receipt-only, sampled, "
		    "always-for-risky-output", "maybe" },
		{ "verifier: {mode: true}\n", false,
		    "verifier mode must be one of: off, receipt-only, sampled, "
		    "always-for-risky-output", "true" },
		{ "verifier: {mode: sampled, sample_rate: 0.5}\n", false,
		    "verifier mode 'sampled' requires backend", "sampled" },
		{ "verifier: {mode: always-for-risky-output}\n", false,
		    "verifier mode 'always-for-risky-output' requires backend",
		    "always" },
		{ "verifier: {mode: receipt-only, backend: nope}\n", false,
		    "verifier references undefined backend 'nope'", "nope" },
		{ "verifier: {mode: sampled, backend: fast}\n", false,
		    "verifier sample_rate must be greater than 0 for sampled "
		    "mode", "sampled" },
		{ "verifier: {mode: sampled, backend: fast, sample_rate: 0}\n",
		    false, "verifier sample_rate must be greater than 0 for "
		    "sampled mode", "0}" },
		{ "verifier: {sample_rate: 1.5}\n", false,
		    "sample_rate must be a number between 0.0 and 1.0", "1.5" },
		{ "verifier: {sample_rate: -0.1}\n", false,
		    "sample_rate must be a number between 0.0 and 1.0",
		    "-0.1" },
		{ "verifier: {route_codes: [1]}\n", false,
		    "route_codes must be a list of non-empty strings", "1" },
		{ "verifier: {timeout_seconds: -1}\n", false,
		    "timeout_seconds must be a positive number", "-1" },
		{ "verifier: {failure_behavior: explode}\n", false,
		    "failure_behavior must be one of: log_only, fail_closed",
		    "explode" },
		{ "verifier: {prompt_template: ''}\n", false,
		    "prompt_template must be a non-empty string", "''" },
		{ "verifier: {include_response_preview: 'no'}\n", false,
		    "include_response_preview must be a boolean", "'no'" },
		{ "verifier: {max_response_preview_chars: -5}\n", false,
		    "max_response_preview_chars must be a non-negative "
		    "integer", "-5" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_backends(void **state)
{
	static const struct err_case cases[] = {
		{ "backends:\n  '': {model: m}\n", false,
		    "backend names must be non-empty strings", "''" },
		{ "backends:\n  1: {model: m}\n", false,
		    "backend names must be non-empty strings", "1:" },
		{ "backends:\n  x: 3\n", false,
		    "backend 'x' must be a mapping", "3" },
		{ "backends:\n  x:\n    model: m\n", false,
		    "base_url must be a non-empty string", "x:" },
		{ "backends:\n  x:\n    base_url: ''\n    model: m\n", false,
		    "base_url must be a non-empty string", "''" },
		{ "backends:\n  x:\n    base_url: not a url\n    model: m\n",
		    false, "backend 'x' base_url must be an http(s) URL with a "
		    "host, not 'not a url'", "not a url" },
		{ "backends:\n  x: {base_url: 'ftp://h/v1', model: m}\n",
		    false, "backend 'x' base_url must be an http(s) URL with a "
		    "host, not 'ftp://h/v1'", "'ftp" },
		{ "backends:\n  x: {base_url: 'http:///v1', model: m}\n",
		    false, "backend 'x' base_url must be an http(s) URL with a "
		    "host, not 'http:///v1'", "'http" },
		/* the password stays out of the message */
		{ "backends:\n  x: {base_url: 'https://me:hunter2@:99/v1', "
		    "model: m}\n", false, "backend 'x' base_url must be an "
		    "http(s) URL with a host, not 'https://me:***@:99/v1'",
		    "'https" },
		{ "backends:\n  x: {base_url: 'http://h:0/v1', model: m}\n",
		    false, "backend 'x' base_url must be an http(s) URL with a "
		    "host, not 'http://h:0/v1'", "'http" },
		{ "backends:\n  x:\n    base_url: http://h\n", false,
		    "model must be a non-empty string", "x:" },
		{ "backends:\n  x: {base_url: 'http://h', model: 1.5}\n", false,
		    "model must be a non-empty string", "1.5" },
		{ "backends:\n  x: {base_url: 'http://h', model: m, "
		    "api_key: k, api_key_env: E}\n", false,
		    "backend 'x' may define api_key or api_key_env, not both",
		    "E}" },
		{ "backends:\n  x: {base_url: 'http://h', model: m, "
		    "api_key_env: NOPE}\n", false,
		    "backend 'x' api_key_env 'NOPE' is not set", "NOPE" },
		{ "backends:\n  x: {base_url: 'http://h', model: m, "
		    "timeout_seconds: 0}\n", false,
		    "timeout_seconds must be a positive number", "0}" },
		{ "backends:\n  x: {base_url: 'http://h', model: m, "
		    "strip_tools: 'true'}\n", false,
		    "strip_tools must be a boolean", "'true'" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

#define RT_HEAD "backends:\n  x:\n    base_url: http://h\n    model: m\n" \
	"    runtime:\n"
#define RT_OK "      enabled: true\n      command: [srv]\n" \
	"      readiness_url: http://h/health\n      log_path: /tmp/l\n"

static void
test_errors_runtime(void **state)
{
	static const struct err_case cases[] = {
		{ "backends:\n  x: {base_url: 'http://h', model: m, "
		    "runtime: []}\n", false,
		    "backend 'x' runtime must be a mapping", "[]" },
		{ RT_HEAD "      enabled: 'true'\n", false,
		    "enabled must be a boolean", "'true'" },
		{ RT_HEAD RT_OK "      kind: docker\n", false,
		    "backend 'x' runtime kind must be one of: llama-server, "
		    "mlx-lm, generic", "docker" },
		{ RT_HEAD "      enabled: true\n      readiness_url: http://h\n"
		    "      log_path: /l\n", false,
		    "backend 'x' runtime command must be a non-empty list",
		    "x:" },
		{ RT_HEAD RT_OK "      command: []\n", false,
		    "backend 'x' runtime command must be a non-empty list",
		    "[]" },
		{ RT_HEAD RT_OK "      command: llama-server -m x\n", false,
		    "command must be a list of non-empty strings",
		    "llama-server" },
		{ RT_HEAD RT_OK "      command: [srv, '']\n", false,
		    "command must be a list of non-empty strings", "''" },
		{ RT_HEAD "      enabled: true\n      command: [srv]\n"
		    "      log_path: /l\n", false,
		    "readiness_url must be an http(s) URL", "x:" },
		{ RT_HEAD RT_OK "      readiness_url: 8080\n", false,
		    "readiness_url must be an http(s) URL", "8080" },
		{ RT_HEAD RT_OK "      readiness_url: ftp://h/\n", false,
		    "backend 'x' readiness_url must be an http(s) URL with a "
		    "host, not 'ftp://h/'", "ftp" },
		{ RT_HEAD RT_OK "      readiness_timeout_seconds: 0\n", false,
		    "readiness_timeout_seconds must be a positive number",
		    "0\n" },
		{ RT_HEAD RT_OK "      idle_timeout_seconds: -1\n", false,
		    "idle_timeout_seconds must be a positive number", "-1" },
		{ RT_HEAD RT_OK "      shutdown_timeout_seconds: x\n", false,
		    "shutdown_timeout_seconds must be a positive number",
		    "x\n" },
		{ RT_HEAD "      enabled: true\n      command: [srv]\n"
		    "      readiness_url: http://h/health\n", false,
		    "log_path must be a non-empty string", "x:" },
		{ RT_HEAD RT_OK "      log_path: '  '\n", false,
		    "log_path must be a non-empty string", "'  '" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

static void
test_errors_engines_fallbacks(void **state)
{
	static const struct err_case cases[] = {
		{ "backends: {fast: {base_url: 'http://h', model: m}}\n", true,
		    "routing proxy config requires non-empty engine_backends "
		    "mapping", NULL },
		{ "engine_backends: {}\n", false,
		    "routing proxy config requires non-empty engine_backends "
		    "mapping", "{}" },
		{ "engine_backends: [fast]\n", false,
		    "routing proxy config requires non-empty engine_backends "
		    "mapping", "[fast]" },
		{ "engine_backends: {'': fast}\n", false,
		    "engine_backends keys must be non-empty strings", "''" },
		{ "engine_backends: {fast_local: ''}\n", false,
		    "engine_backends 'fast_local' must name a backend", "''" },
		{ "engine_backends: {fast_local: [fast]}\n", false,
		    "engine_backends 'fast_local' must name a backend",
		    "[fast]" },
		{ "engine_backends: {fast_local: nope}\n", false,
		    "engine_backends 'fast_local' references undefined backend "
		    "'nope'", "nope" },
		{ "fallback_backends: [fast]\n", false,
		    "fallback_backends must be a mapping", "[fast]" },
		{ "fallback_backends:\n  nope: [fast]\n", false,
		    "fallback_backends references undefined backend 'nope'",
		    "nope" },
		{ "fallback_backends:\n  7: [fast]\n", false,
		    "fallback_backends references undefined backend 7", "7" },
		{ "fallback_backends:\n  fast: balanced\n", false,
		    "fallback_backends 'fast' must be a list of backend names",
		    "balanced" },
		{ "fallback_backends:\n  fast: [balanced, '']\n", false,
		    "fallback_backends 'fast' must be a list of backend names",
		    "''" },
		{ "fallback_backends:\n  fast: [balanced, nope]\n", false,
		    "fallback_backends 'fast' references undefined backend "
		    "'nope'", "nope" },
		{ "fallback_backends:\n  fast: [fast]\n", false,
		    "fallback_backends contains a cycle: fast -> fast",
		    "fast]" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

/* When a document has several errors, the reference's order decides. */
static void
test_error_order(void **state)
{
	static const struct err_case cases[] = {
		/* proxy before observability before health */
		{ "health: 1\nobservability: 1\nproxy: [p]\n", false,
		    "proxy must be a mapping", "[p]" },
		/* backends before the verifier, the verifier before secrets */
		{ "verifier: {version: 2}\n"
		    "backends: {x: {base_url: 'http://h', model: m, "
		    "api_key_env: NOPE}}\n", false,
		    "verifier version must be 1", "2" },
		/* secrets before engine_backends */
		{ "engine_backends: {e: nope}\n"
		    "proxy: {api_key_env: NOPE}\n", false,
		    "proxy api_key_env 'NOPE' is not set", "NOPE" },
		/* backend_policy before the verifier */
		{ "verifier: {version: 3}\nbackend_policy: {version: 2}\n",
		    false, "backend_policy version must be 1", "2}" },
	};

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));
}

/* ---- fallback cycles ----------------------------------------------------- */

#define THREE \
	"backends:\n" \
	"  fast: {base_url: 'http://h:1', model: a}\n" \
	"  balanced: {base_url: 'http://h:2', model: b}\n" \
	"  reasoning: {base_url: 'http://h:3', model: c}\n" \
	"  code: {base_url: 'http://h:4', model: d}\n" \
	"engine_backends: {fast_local: fast}\n"

static void
test_cycles(void **state)
{
	static const struct err_case cases[] = {
		/* the reference's example */
		{ THREE "fallback_backends:\n"
		    "  balanced: [reasoning]\n"
		    "  reasoning: [fast]\n"
		    "  fast: [balanced]\n", true,
		    "fallback_backends contains a cycle: balanced -> reasoning "
		    "-> fast -> balanced", "balanced]" },
		/* the path starts at the first key, even outside the cycle */
		{ THREE "fallback_backends:\n"
		    "  code: [fast]\n"
		    "  fast: [reasoning, balanced]\n"
		    "  balanced: [ fast ]\n", true,
		    "fallback_backends contains a cycle: code -> fast -> "
		    "balanced -> fast", "fast ]" },
		/* a finished branch is no cycle: reasoning is reached twice */
		{ THREE "fallback_backends:\n"
		    "  fast: [reasoning, balanced]\n"
		    "  balanced: [reasoning, code]\n"
		    "  code: [fast]\n", true,
		    "fallback_backends contains a cycle: fast -> balanced -> "
		    "code -> fast", "fast]" },
	};
	struct mr_proxy_config *cfg;

	(void)state;
	run_error_cases(cases, MR_NELEM(cases));

	/* diamonds and shared tails are not cycles */
	cfg = load_ok(THREE "fallback_backends:\n"
	    "  fast: [balanced, reasoning, reasoning]\n"
	    "  balanced: [reasoning, code]\n"
	    "  code: [reasoning]\n"
	    "  reasoning: []\n");
	assert_int_equal(cfg->nfallbacks, 4);
	assert_int_equal(mr_proxycfg_fallbacks(cfg, "fast")->n, 3);
	assert_int_equal(mr_proxycfg_fallbacks(cfg, "reasoning")->n, 0);
	mr_proxycfg_free(cfg);
}

/*
 * Forty backends, each falling back to every later one: 2^39 paths for
 * the reference's walk, one pass here.  Closing the chain gives the cycle
 * through all of them.
 */
static void
test_cycles_dense(void **state)
{
	struct mr_buf doc = MR_BUF_INIT, want = MR_BUF_INIT;
	struct mr_error e = MR_ERROR_INIT;
	struct mr_proxy_config *cfg;
	size_t i, k;
	const int n = 40;

	(void)state;
	mr_buf_addstr(&doc, "backends:\n");
	for (i = 0; i < (size_t)n; i++)
		mr_buf_printf(&doc,
		    "  b%zu: {base_url: 'http://h', model: m}\n", i);
	mr_buf_addstr(&doc, "engine_backends: {e: b0}\nfallback_backends:\n");
	for (i = 0; i < (size_t)n; i++) {
		mr_buf_printf(&doc, "  b%zu: [", i);
		for (k = i + 1; k < (size_t)n; k++)
			mr_buf_printf(&doc, "%sb%zu", k > i + 1 ? ", " : "", k);
		mr_buf_addstr(&doc, "]\n");
	}
	cfg = load_ok(doc.buf);
	assert_int_equal(cfg->nfallbacks, n);
	mr_proxycfg_free(cfg);

	/* b39 falls back to b0: the first path found is the whole chain */
	mr_buf_printf(&doc, "  b%d: [b0]\n", n - 1);
	assert_null(load(doc.buf, &e));
	mr_buf_addstr(&want, "fallback_backends contains a cycle: ");
	for (i = 0; i < (size_t)n; i++)
		mr_buf_printf(&want, "b%zu -> ", i);
	mr_buf_addstr(&want, "b0");
	assert_string_equal(e.msg, want.buf);
	/* the item of the repeated, last, b39 entry */
	assert_int_equal(e.line, 2 * n + 4);
	mr_error_clear(&e);
	mr_buf_release(&doc);
	mr_buf_release(&want);
}

/* ---- warnings ------------------------------------------------------------ */

static void
test_unknown_keys(void **state)
{
	static const char doc[] =
	    "prxy: {}\n"				/* 1 */
	    "proxy:\n"					/* 2 */
	    "  prt: 1\n"				/* 3 */
	    "  colour: blue\n"				/* 4 */
	    "backends:\n"				/* 5 */
	    "  fast:\n"					/* 6 */
	    "    base_url: http://h\n"			/* 7 */
	    "    model: m\n"				/* 8 */
	    "    strip_tool: true\n"			/* 9 */
	    "    runtime:\n"				/* 10 */
	    "      enabled: false\n"			/* 11 */
	    "      comand: [x]\n"			/* 12 */
	    "observability:\n"				/* 13 */
	    "  enable: true\n"				/* 14 */
	    "health:\n"					/* 15 */
	    "  backend_timeout: 2\n"			/* 16 */
	    "engine_backends: {e: fast}\n"		/* 17 */
	    "fallback_backend: {}\n";			/* 18 */
	static const char *const want[] = {
	    "t.yaml:1:1: unknown key 'prxy' in the top level (did you mean "
	    "'proxy'?)",
	    "t.yaml:3:3: unknown key 'prt' in proxy (did you mean 'port'?)",
	    "t.yaml:4:3: unknown key 'colour' in proxy",
	    "t.yaml:9:5: unknown key 'strip_tool' in backends.fast (did you "
	    "mean 'strip_tools'?)",
	    "t.yaml:12:7: unknown key 'comand' in backends.fast.runtime (did "
	    "you mean 'command'?)",
	    "t.yaml:14:3: unknown key 'enable' in observability (did you mean "
	    "'enabled'?)",
	    "t.yaml:16:3: unknown key 'backend_timeout' in health",
	    "t.yaml:18:1: unknown key 'fallback_backend' in the top level "
	    "(did you mean 'fallback_backends'?)",
	};
	struct mr_proxy_config *cfg;
	size_t i;

	(void)state;
	cfg = load_ok(doc);
	for (i = 0; i < cfg->warnings.n; i++)
		if (i >= MR_NELEM(want) || strcmp(cfg->warnings.v[i],
		    want[i]) != 0)
			print_error("got: %s\n", cfg->warnings.v[i]);
	assert_int_equal(cfg->warnings.n, MR_NELEM(want));
	for (i = 0; i < MR_NELEM(want); i++)
		assert_string_equal(cfg->warnings.v[i], want[i]);
	/* the misspelt keys did nothing */
	assert_int_equal(cfg->proxy.port, 8082);
	assert_false(cfg->backends[0].strip_tools);
	assert_false(cfg->observability.enabled);
	assert_int_equal(cfg->nfallbacks, 0);
	mr_proxycfg_free(cfg);

	/* a dangling default_backend is unused in decision mode: a warning */
	cfg = load_ok_base("proxy: {default_backend: nope}\n");
	assert_int_equal(cfg->warnings.n, 1);
	assert_string_equal(cfg->warnings.v[0], "t.yaml:9:26: "
	    "proxy.default_backend references undefined backend 'nope'");
	mr_proxycfg_free(cfg);
}

/* ---- the environment and secrets ----------------------------------------- */

static void
test_env(void **state)
{
	struct mr_proxy_config *cfg;

	(void)state;
	/* no api_key_env: the environment is not read */
	env_calls = 0;
	cfg = load_ok(BASE);
	assert_int_equal(env_calls, 0);
	mr_proxycfg_free(cfg);

	env_calls = 0;
	cfg = load_ok_base("proxy: {api_key_env: PROXY_KEY}\n"
	    "backends:\n"
	    "  fast: {base_url: 'http://h', model: m, api_key_env: SET_KEY}\n"
	    "  balanced: {base_url: 'http://h', model: m, api_key: lit}\n");
	assert_int_equal(env_calls, 2);
	assert_string_equal(cfg->proxy.api_key_env, "PROXY_KEY");
	assert_string_equal(cfg->proxy.api_key, "proxy-secret-value");
	assert_string_equal(cfg->backends[0].api_key, "sk-set-secret-value");
	assert_string_equal(cfg->backends[1].api_key, "lit");
	assert_null(cfg->backends[1].api_key_env);
	mr_proxycfg_free(cfg);
}

/*
 * A variable set for getenv(3) but not in the fake environment: loading
 * fails, so the callback is what was asked.
 */
static void
test_env_callback_only(void **state)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_proxy_config *cfg;
	static const char doc[] = BASE "proxy: {api_key_env: MR_TEST_REAL}\n";

	(void)state;
	setenv("MR_TEST_REAL", "from-getenv", 1);
	cfg = load(doc, &e);
	assert_null(cfg);
	assert_string_equal(e.msg, "proxy api_key_env 'MR_TEST_REAL' is not "
	    "set");
	mr_error_clear(&e);
	/* NULL stands for getenv(3) */
	cfg = mr_proxycfg_load_buffer("t.yaml", doc, strlen(doc), NULL, &e);
	assert_non_null(cfg);
	assert_string_equal(cfg->proxy.api_key, "from-getenv");
	mr_proxycfg_free(cfg);
	unsetenv("MR_TEST_REAL");
}

static void
test_describe_hides_secrets(void **state)
{
	static const char *const secrets[] = {
		"proxy-literal-secret", "sk-literal-backend-secret",
		"sk-set-secret-value", "url-password-secret",
	};
	struct mr_error e = MR_ERROR_INIT;
	struct mr_buf b = MR_BUF_INIT;
	struct mr_proxy_config *cfg;
	size_t i;

	(void)state;
	cfg = load_ok(
	    "proxy: {api_key: proxy-literal-secret, port: 9001}\n"
	    "backends:\n"
	    "  fast:\n"
	    "    base_url: https://me:url-password-secret@api.example.com/v1\n"
	    "    model: m1\n"
	    "    api_key: sk-literal-backend-secret\n"
	    "  balanced:\n"
	    "    base_url: http://127.0.0.1:8081/v1\n"
	    "    model: m2\n"
	    "    api_key_env: SET_KEY\n"
	    "    runtime:\n"
	    "      enabled: true\n"
	    "      kind: llama-server\n"
	    "      command: [llama-server, -m, /models/my model.gguf]\n"
	    "      readiness_url: http://127.0.0.1:8081/v1/models\n"
	    "      log_path: ~/l.log\n"
	    "engine_backends: {fast_local: fast}\n"
	    "fallback_backends: {fast: [balanced]}\n"
	    "verifier: {prompt_template: \"Line 1\\nLine 2\\e[31m\"}\n");
	/* the struct keeps them: the proxy needs them */
	assert_string_equal(cfg->proxy.api_key, "proxy-literal-secret");
	assert_string_equal(cfg->backends[0].api_key,
	    "sk-literal-backend-secret");
	assert_string_equal(cfg->backends[1].api_key, "sk-set-secret-value");
	mr_proxycfg_describe(cfg, &b);
	for (i = 0; i < MR_NELEM(secrets); i++)
		if (strstr(b.buf, secrets[i]) != NULL)
			fail_msg("'%s' is in the description:\n%s", secrets[i],
			    b.buf);
	assert_non_null(strstr(b.buf, "proxy config: t.yaml\n"));
	assert_non_null(strstr(b.buf, "  listen: 127.0.0.1:9001\n"));
	assert_non_null(strstr(b.buf, "\n  api_key: (set)\n"));
	assert_non_null(strstr(b.buf, "    api_key: (set)\n"));
	assert_non_null(strstr(b.buf,
	    "    api_key: from $SET_KEY (set)\n"));
	assert_non_null(strstr(b.buf,
	    "    base_url: https://me:***@api.example.com/v1\n"));
	assert_non_null(strstr(b.buf,
	    "      command: llama-server -m '/models/my model.gguf'\n"));
	assert_non_null(strstr(b.buf, "  fast_local: fast\n"));
	assert_non_null(strstr(b.buf, "  fast: balanced\n"));
	assert_non_null(strstr(b.buf, "router_config: (packaged default)\n"));
	assert_non_null(strstr(b.buf, "  mode: off\n"));
	/* one line a value, and no escape sequence reaches a terminal */
	assert_non_null(strstr(b.buf,
	    "  prompt_template: Line 1\\nLine 2\\x1b[31m\n"));
	mr_buf_release(&b);
	mr_proxycfg_free(cfg);

	/* nor does a failing load put a key into its message */
	assert_null(load(BASE "proxy: {api_key: proxy-literal-secret, "
	    "api_key_env: SET_KEY}\n", &e));
	assert_string_equal(e.msg, "proxy may define api_key or api_key_env, "
	    "not both");
	mr_error_clear(&e);
}

static void
test_urls(void **state)
{
	static const struct {
		const char	*url;
		bool		 ok;
	} cases[] = {
		{ "http://127.0.0.1:8080/v1", true },
		{ "https://api.openai.com/v1", true },
		{ "HTTP://EXAMPLE.COM", true },
		{ "http://localhost", true },
		{ "http://h:65535", true },
		{ "http://user:pw@h:1/x?y#z", true },
		{ "http://[::1]:8080/v1", true },
		{ "http://[fe80::1%25eth0]/", true },
		{ "http://gpu_box.lan/v1", true },
		{ "http://bücher.example/", true },
		{ "not a url", false },
		{ "", false },
		{ "ftp://h/", false },
		{ "http:/h", false },
		{ "http://", false },
		{ "http:///v1", false },
		{ "http://:8080/v1", false },
		{ "http://user@/v1", false },
		{ "http://h:0", false },
		{ "http://h:65536", false },
		{ "http://h:123456", false },
		{ "http://h:80a", false },
		{ "http://h:/v1", false },
		{ "http://h /v1", false },
		{ "http://h/v 1", false },
		{ "http://h\t/", false },
		{ "http://[]:80/", false },
		{ "http://[::1/", false },
		{ "http://[::1]x/", false },
		{ "http://[zz]/", false },
		{ "http://h<x>/", false },
	};
	struct mr_buf b = MR_BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < MR_NELEM(cases); i++)
		if (mr_proxycfg_http_url(cases[i].url) != cases[i].ok)
			fail_msg("'%s' should be %s", cases[i].url,
			    cases[i].ok ? "accepted" : "rejected");
	mr_proxycfg_redact_url(&b, "https://u:p@h/a@b");
	assert_string_equal(b.buf, "https://u:***@h/a@b");
	mr_buf_reset(&b);
	mr_proxycfg_redact_url(&b, "https://token@h/");
	assert_string_equal(b.buf, "https://***@h/");
	mr_buf_reset(&b);
	mr_proxycfg_redact_url(&b, "https://a:b@c:d@h/");
	assert_string_equal(b.buf, "https://a:***@h/");
	mr_buf_reset(&b);
	mr_proxycfg_redact_url(&b, "http://h/x@y");
	assert_string_equal(b.buf, "http://h/x@y");
	mr_buf_reset(&b);
	mr_proxycfg_redact_url(&b, "no scheme@all");
	assert_string_equal(b.buf, "no scheme@all");
	mr_buf_release(&b);
}

/* ---- files --------------------------------------------------------------- */

static void
test_files(void **state)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_proxy_config *cfg;
	char *path, *want;
	FILE *f;

	(void)state;
	assert_int_equal(tmpdir_make(fake_home, sizeof(fake_home),
	    "mr-proxycfg"), 0);
	path = mr_xasprintf("%s/routing_proxy.yaml", fake_home);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(BASE, f);
	fclose(f);

	/* "~" is the fake environment's HOME */
	cfg = mr_proxycfg_load_file("~/routing_proxy.yaml", fake_getenv, &e);
	assert_non_null(cfg);
	assert_string_equal(cfg->path, path);
	assert_int_equal(cfg->nbackends, 2);
	mr_proxycfg_free(cfg);

	/* missing: the message names the file, no position */
	assert_null(mr_proxycfg_load_file("~/nope.yaml", fake_getenv, &e));
	want = mr_xasprintf("routing proxy config missing: %s/nope.yaml",
	    fake_home);
	assert_string_equal(e.msg, want);
	assert_null(e.file);
	free(want);
	mr_error_clear(&e);

	/* a folder cannot be read */
	assert_null(mr_proxycfg_load_file(fake_home, fake_getenv, &e));
	assert_string_equal(e.msg, "routing proxy config unreadable: "
	    "Is a directory");
	assert_string_equal(e.file, fake_home);
	mr_error_clear(&e);

	/* errors in a file name it */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("proxy: {port: 0}\n", f);
	fclose(f);
	assert_null(mr_proxycfg_load_file(path, fake_getenv, &e));
	want = mr_xasprintf("%s:1:15: port must be a positive integer", path);
	free(path);
	path = mr_error_format(&e);
	assert_string_equal(path, want);
	free(want);
	free(path);
	mr_error_clear(&e);
	assert_int_equal(tmpdir_remove(fake_home), 0);
	fake_home[0] = '\0';
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_preset_mlx),
		cmocka_unit_test(test_reference_data),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors_document),
		cmocka_unit_test(test_errors_invalid_yaml),
		cmocka_unit_test(test_errors_proxy),
		cmocka_unit_test(test_errors_sections),
		cmocka_unit_test(test_errors_backends),
		cmocka_unit_test(test_errors_runtime),
		cmocka_unit_test(test_errors_engines_fallbacks),
		cmocka_unit_test(test_error_order),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_cycles_dense),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_env_callback_only),
		cmocka_unit_test(test_describe_hides_secrets),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
