/*
 * validate-proxy-config: load and check routing_proxy.yaml with every
 * check of the reference, and ours: URLs, unknown keys, every engine the
 * router can choose mapped to a backend, file:line:col in every error.
 * No network access.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/config.h"
#include "mr/json.h"
#include "mr/proxycfg.h"

enum { OPT_VP_CONFIG = 700 };

static const struct option options[] = {
	{ "config", required_argument, NULL, OPT_VP_CONFIG },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* --config, $MODEL_ROUTER_HOME/routing_proxy.yaml, ~/.model-router/... */
static char *
proxy_path(const char *given)
{
	const char *h = getenv("MODEL_ROUTER_HOME");

	if (given != NULL)
		return mr_expand_home(given);
	if (h != NULL && *h)
		return mr_xasprintf("%s/routing_proxy.yaml", h);
	return mr_expand_home("~/.model-router/routing_proxy.yaml");
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every engine a routing target of the router config names (the human
 * gate aside, which the proxy answers itself) needs a backend.
 */
static int
check_engines(const struct mr_proxy_config *pc, struct mr_error *err)
{
	struct mr_config *rc;
	struct mr_error e = MR_ERROR_INIT;
	char *path = pc->router_config ? mr_expand_home(pc->router_config) :
	    NULL;
	const char *eng;
	size_t t;
	int ret = 0;

	rc = path != NULL ? mr_config_load_file(path, &e) :
	    mr_config_load_default(&e);
	if (rc == NULL) {
		char *msg = mr_error_format(&e);

		mr_error_set(err, pc->path, 0, 0, "router_config does not load: "
		    "%s", msg);
		free(msg);
		mr_error_clear(&e);
		free(path);
		return -1;
	}
	for (t = 0; t < rc->ntargets && ret == 0; t++) {
		if (t == MR_TARGET_CONFIRMATION)
			continue;
		eng = rc->targets[t].engine;
		if (mr_proxycfg_engine_backend(pc, eng) == NULL) {
			mr_error_set(err, pc->path, 0, 0, "engine '%s' (routing "
			    "target %s) has no backend in engine_backends",
			    eng, rc->targets[t].name);
			ret = -1;
		}
	}
	mr_config_free(rc);
	free(path);
	return ret;
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_proxy_config *pc = NULL;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf out = MR_BUF_INIT;
	struct mr_strlist names = MR_STRLIST_INIT;
	const char *given = NULL;
	char *path = NULL, *msg;
	bool json = false;
	cJSON *j, *o, *m;
	size_t i;
	int c, rc = MR_EXIT_USAGE;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return MR_EXIT_OK;
		case OPT_VP_CONFIG:
			given = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if (optind < argc)
		return mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
	path = proxy_path(given);
	pc = mr_proxycfg_load_file(path, NULL, &err);
	if (pc != NULL && check_engines(pc, &err) < 0) {
		mr_proxycfg_free(pc);
		pc = NULL;
	}
	if (pc == NULL) {
		msg = mr_error_format(&err);
		if (json) {
			j = cJSON_CreateObject();
			cJSON_AddFalseToObject(j, "config_valid");
			cJSON_AddStringToObject(j, "error", msg);
			mr_json_print(j, &out);
			mr_buf_addch(&out, '\n');
			cJSON_Delete(j);
		} else {
			mr_buf_printf(&out, "Proxy config valid: false\nError: "
			    "%s\n", msg);
		}
		free(msg);
		mr_cli_write(&out);
		rc = MR_EXIT_FAIL;
		goto out;
	}
	for (i = 0; i < pc->nbackends; i++)
		mr_strlist_push(&names, pc->backends[i].name);
	qsort(names.v, names.n, sizeof(*names.v), str_cmp);
	if (json) {
		j = cJSON_CreateObject();
		cJSON_AddTrueToObject(j, "config_valid");
		cJSON_AddStringToObject(j, "proxy_config", path);
		cJSON_AddStringToObject(j, "router_config", pc->router_config ?
		    pc->router_config : "default");
		cJSON_AddStringToObject(j, "routing_profile",
		    pc->proxy.routing_profile);
		cJSON_AddItemToObject(j, "backends", mr_json_strlist(&names));
		o = cJSON_AddObjectToObject(j, "backend_policy");
		cJSON_AddNumberToObject(o, "version", pc->backend_policy.version);
		cJSON_AddItemToObject(o, "backend_allowlist",
		    mr_json_strlist(&pc->backend_policy.allowlist));
		cJSON_AddItemToObject(o, "backend_denylist",
		    mr_json_strlist(&pc->backend_policy.denylist));
		o = cJSON_AddObjectToObject(j, "verifier");
		cJSON_AddNumberToObject(o, "version", pc->verifier.version);
		cJSON_AddStringToObject(o, "mode", pc->verifier.mode);
		mr_json_add_str(o, "backend", pc->verifier.backend);
		cJSON_AddNumberToObject(o, "sample_rate",
		    pc->verifier.sample_rate);
		cJSON_AddItemToObject(o, "route_codes",
		    mr_json_strlist(&pc->verifier.route_codes));
		cJSON_AddNumberToObject(o, "timeout_seconds",
		    pc->verifier.timeout_seconds);
		cJSON_AddStringToObject(o, "failure_behavior",
		    pc->verifier.failure_behavior);
		mr_json_add_str(o, "prompt_template",
		    pc->verifier.prompt_template);
		cJSON_AddBoolToObject(o, "include_response_preview",
		    pc->verifier.include_response_preview);
		cJSON_AddNumberToObject(o, "max_response_preview_chars",
		    (double)pc->verifier.max_response_preview_chars);
		/* engine -> backend, sorted by engine */
		m = cJSON_AddObjectToObject(j, "engine_backends");
		{
			struct mr_strlist eng = MR_STRLIST_INIT;

			mr_strlist_copy(&eng, &pc->engines);
			qsort(eng.v, eng.n, sizeof(*eng.v), str_cmp);
			for (i = 0; i < eng.n; i++)
				cJSON_AddStringToObject(m, eng.v[i],
				    mr_proxycfg_engine_backend(pc,
				    eng.v[i])->name);
			mr_strlist_clear(&eng);
		}
		o = cJSON_AddObjectToObject(j, "observability");
		cJSON_AddBoolToObject(o, "enabled", pc->observability.enabled);
		cJSON_AddStringToObject(o, "prompt_capture",
		    pc->observability.prompt_capture);
		cJSON_AddNumberToObject(o, "max_bytes",
		    (double)pc->observability.max_bytes);
		cJSON_AddNumberToObject(o, "backups",
		    (double)pc->observability.backups);
		cJSON_AddItemToObject(j, "warnings",
		    mr_json_strlist(&pc->warnings));
		mr_json_print(j, &out);
		mr_buf_addch(&out, '\n');
		cJSON_Delete(j);
	} else {
		mr_buf_printf(&out, "Proxy config valid: true\nProxy config: "
		    "%s\nRouter config: %s\nRouting profile: %s\nBackends: ",
		    path, pc->router_config ? pc->router_config : "default",
		    pc->proxy.routing_profile);
		mr_strlist_join(&names, ", ", &out);
		mr_buf_addch(&out, '\n');
		for (i = 0; i < pc->warnings.n; i++)
			mr_cli_warn("warning: %s", pc->warnings.v[i]);
	}
	rc = mr_cli_write(&out) ? MR_EXIT_OK : MR_EXIT_FAIL;
out:
	mr_proxycfg_free(pc);
	mr_error_clear(&err);
	mr_strlist_clear(&names);
	mr_buf_release(&out);
	free(path);
	return rc;
}

const struct mr_cmd mr_cmd_validate_proxy_config = {
	.name = "validate-proxy-config",
	.summary = "Check a routing proxy config (routing_proxy.yaml)",
	.usage = "validate-proxy-config [--config PATH] [--json]",
	.help =
	    "  --config PATH             the proxy config (default\n"
	    "                            $MODEL_ROUTER_HOME/routing_proxy.yaml\n"
	    "                            or ~/.model-router/routing_proxy.yaml)\n"
	    "  --json                    print JSON\n"
	    "  -h, --help                show this help\n"
	    "\nErrors name the file, line and column. No network is used.\n"
	    "Exit status 1 when the config is invalid.\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};
