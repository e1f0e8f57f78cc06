/*
 * validate-config: load and check a router config; list engine
 * availability.  Exit 0 only when the config is valid and every enabled
 * engine is available.
 */
#include <stdlib.h>
#include <string.h>

#include "cli-int.h"
#include "mr/json.h"

static const struct option options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
engine_cmp(const void *a, const void *b)
{
	const struct mr_engine *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_buf b = MR_BUF_INIT;
	const struct mr_config *cfg;
	const struct mr_engine **en = NULL;
	struct mr_router *r;
	const char *config = NULL;
	cJSON *j = NULL, *engines, *e;
	char *err = NULL;
	size_t i, k, n = 0;
	bool json = false, all;
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return MR_EXIT_OK;
		case OPT_JSON:
			json = true;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if (optind < argc)
		return mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);

	r = mr_cli_load_router(config, &err);
	if (r == NULL) {
		if (json) {
			j = cJSON_CreateObject();
			cJSON_AddFalseToObject(j, "all_available");
			cJSON_AddFalseToObject(j, "config_valid");
			cJSON_AddObjectToObject(j, "engines");
			cJSON_AddStringToObject(j, "error", err);
			mr_json_print(j, &b);
			mr_buf_addch(&b, '\n');
			cJSON_Delete(j);
		} else
			mr_buf_printf(&b, "Config valid: false\nError: %s\n",
			    err);
		mr_cli_write(&b);
		mr_buf_release(&b);
		free(err);
		return MR_EXIT_FAIL;
	}
	cfg = mr_router_config(r);
	en = mr_xcalloc(cfg->nengines, sizeof(*en));
	for (i = 0; i < cfg->nengines; i++)
		if (cfg->engines[i].enabled)
			en[n++] = &cfg->engines[i];
	qsort(en, n, sizeof(*en), engine_cmp);
	all = n > 0;
	for (i = 0; i < n; i++)
		all = all && en[i]->available;

	if (json) {
		j = cJSON_CreateObject();
		cJSON_AddBoolToObject(j, "all_available", all);
		cJSON_AddTrueToObject(j, "config_valid");
		engines = cJSON_AddObjectToObject(j, "engines");
		for (i = 0; i < n; i++) {
			e = cJSON_AddObjectToObject(engines, en[i]->name);
			cJSON_AddBoolToObject(e, "available", en[i]->available);
			cJSON_AddStringToObject(e, "engine", en[i]->name);
			cJSON_AddItemToObject(e, "reasons",
			    mr_json_strlist(&en[i]->availability_reasons));
		}
		cJSON_AddStringToObject(j, "source", cfg->source);
		cJSON_AddItemToObject(j, "warnings",
		    mr_json_strlist(&cfg->warnings));
		mr_json_print(j, &b);
		mr_buf_addch(&b, '\n');
		cJSON_Delete(j);
	} else {
		mr_buf_printf(&b, "Config: %s\n", cfg->source);
		mr_buf_printf(&b, "Config valid: true\n"
		    "All enabled engines available: %s\n",
		    all ? "true" : "false");
		for (i = 0; i < n; i++) {
			mr_buf_printf(&b, "- %s: %s\n", en[i]->name,
			    en[i]->available ? "available" : "unavailable");
			for (k = 0; k < en[i]->availability_reasons.n; k++)
				mr_buf_printf(&b, "  - %s\n",
				    en[i]->availability_reasons.v[k]);
		}
		for (i = 0; i < cfg->warnings.n; i++)
			mr_cli_warn("warning: %s", cfg->warnings.v[i]);
	}
	rc = mr_cli_write(&b) && all ? MR_EXIT_OK : MR_EXIT_FAIL;
	mr_buf_release(&b);
	free(en);
	mr_router_free(r);
	return rc;
}

const struct mr_cmd mr_cmd_validate_config = {
	.name = "validate-config",
	.summary = "Check a router config and show which engines are available",
	.usage = "validate-config [--json] [--config PATH]",
	.help =
	    "  --json                    print JSON\n"
	    "  --config PATH             the config to check (default: as for\n"
	    "                            decide)\n"
	    "  -h, --help                show this help\n"
	    "\nErrors name the file, line and column. Exit status 1 when the\n"
	    "config is invalid or an enabled engine is unavailable.\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};
