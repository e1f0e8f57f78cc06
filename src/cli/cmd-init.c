/*
 * init: write model_router.yaml and routing_proxy.yaml (and logs/) into
 * the config folder, with the backends' real model ids from what is
 * running or installed.  Both files are built and checked before either is
 * written; existing files are replaced only with --force, after a backup.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/backup.h"
#include "mr/catalog.h"
#include "mr/config.h"
#include "mr/discover.h"
#include "mr/embedded.h"
#include "mr/fileio.h"
#include "mr/json.h"
#include "mr/setup.h"

enum {
	OPT_PRESET = 500, OPT_AUTO, OPT_YES, OPT_FORCE, OPT_PORT,
	OPT_CONFIG_DIR, OPT_DRY_RUN, OPT_INIT_TIMEOUT
};

static const struct option options[] = {
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "auto", no_argument, NULL, OPT_AUTO },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "timeout", required_argument, NULL, OPT_INIT_TIMEOUT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* The config folder: --config-dir, $MODEL_ROUTER_HOME, ~/.model-router. */
static char *
config_dir(const char *given)
{
	const char *h = getenv("MODEL_ROUTER_HOME");
	char *d = given ? mr_expand_home(given) : h && *h ? mr_xstrdup(h) :
	    mr_expand_home("~/.model-router");
	char *abs;

	if (d[0] != '/' && (abs = realpath(".", NULL)) != NULL) {
		char *j = mr_xasprintf("%s/%s", abs, d);

		free(abs);
		free(d);
		d = j;
	}
	return d;
}

/* Asks on the terminal which preset; DEF is the answer to Enter. */
static const struct mr_preset *
ask_preset(const struct mr_preset *def)
{
	char line[128], *e;
	size_t i;
	long k;

	fprintf(stderr, "Presets:\n");
	for (i = 0; i < mr_npresets; i++)
		fprintf(stderr, "  %zu. %-26s %s\n", i + 1, mr_presets[i].name,
		    mr_presets[i].title);
	for (;;) {
		fprintf(stderr, "Choose a preset [%s]: ", def->name);
		fflush(stderr);
		if (fgets(line, sizeof(line), stdin) == NULL)
			return NULL;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			return def;
		k = strtol(line, &e, 10);
		if (*e == '\0' && k >= 1 && (size_t)k <= mr_npresets)
			return &mr_presets[k - 1];
		if (mr_preset_find(line) != NULL)
			return mr_preset_find(line);
		fprintf(stderr, "'%s' is not one of them.\n", line);
	}
}

/* Fills in the preset: port, paths, the models chosen. */
static int
build_proxy(const struct mr_preset *p, const struct mr_assignment *a,
    int port, const char *dir, struct mr_buf *out, struct mr_error *err)
{
	struct mr_buf q = MR_BUF_INIT;
	const char *text;
	char path[64], num[16];
	size_t len, r;
	int rc = 0;

	if ((text = mr_preset_text(p, &len)) == NULL) {
		mr_error_set(err, NULL, 0, 0, "preset %s is missing from this "
		    "build", p->name);
		return -1;
	}
	mr_buf_add(out, text, len);
	snprintf(num, sizeof(num), "%d", port);
	rc |= mr_template_set(out, "proxy.port", num);
	mr_buf_reset(&q);
	{
		char *s = mr_xasprintf("%s/model_router.yaml", dir);

		mr_yaml_quote(s, &q);
		free(s);
	}
	rc |= mr_template_set(out, "router_config", q.buf);
	mr_buf_reset(&q);
	{
		char *s = mr_xasprintf("%s/logs/routing-events.jsonl", dir);

		mr_yaml_quote(s, &q);
		free(s);
	}
	rc |= mr_template_set(out, "observability.log_path", q.buf);
	for (r = 0; r < MR_BR_COUNT; r++) {
		if (!a->found[r])
			continue;
		mr_buf_reset(&q);
		mr_yaml_quote(a->model[r], &q);
		snprintf(path, sizeof(path), "backends.%s.model",
		    mr_backend_role_name((enum mr_backend_role)r));
		rc |= mr_template_set(out, path, q.buf);
		if (a->base_url[r][0]) {
			snprintf(path, sizeof(path), "backends.%s.base_url",
			    mr_backend_role_name((enum mr_backend_role)r));
			rc |= mr_template_set(out, path, a->base_url[r]);
		}
	}
	mr_buf_release(&q);
	if (rc != 0)
		mr_error_set(err, NULL, 0, 0, "preset %s does not have the "
		    "layout init fills in", p->name);
	return rc != 0 ? -1 : 0;
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	const struct mr_preset *preset = NULL;
	struct mr_strlist servers = MR_STRLIST_INIT, written = MR_STRLIST_INIT;
	struct mr_strlist exist = MR_STRLIST_INIT;
	struct mr_discover_opts o;
	struct mr_discovery d;
	struct mr_assignment a;
	struct mr_catalog cat;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf proxy = MR_BUF_INIT, out = MR_BUF_INIT, diff = MR_BUF_INIT;
	struct mr_buf old = MR_BUF_INIT;
	const struct mr_embedded_file *router;
	struct mr_config *cfg;
	const char *given_dir = NULL;
	char *dir = NULL, *mr_path = NULL, *rp_path = NULL, *logs = NULL;
	char *backup_dir = NULL, *backup_id = NULL, *msg, why[256] = "";
	char *end;
	bool json = false, yes = false, force = false, dry = false;
	bool autodetect = false, have_disc = false;
	double timeout = 0.5;
	long port = 8082;
	const char *paths[2];
	size_t i;
	int c, rc = MR_EXIT_USAGE;

	mr_catalog_init(&cat);
	memset(&a, 0, sizeof(a));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hy", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			rc = MR_EXIT_OK;
			goto out;
		case OPT_PRESET:
			if ((preset = mr_preset_find(optarg)) == NULL) {
				struct mr_buf l = MR_BUF_INIT;

				for (i = 0; i < mr_npresets; i++)
					mr_buf_printf(&l, "%s%s", i ? ", " : "",
					    mr_presets[i].name);
				rc = mr_cli_usage_error(cmd, "unknown preset "
				    "'%s' (%s)", optarg, l.buf);
				mr_buf_release(&l);
				goto out;
			}
			break;
		case OPT_AUTO:
			autodetect = true;
			break;
		case 'y':
		case OPT_YES:
			yes = true;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_PORT:
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno || *end || port < 1 || port > 65535) {
				rc = mr_cli_usage_error(cmd, "--port wants a port "
				    "from 1 to 65535, not '%s'", optarg);
				goto out;
			}
			break;
		case OPT_CONFIG_DIR:
			given_dir = optarg;
			break;
		case OPT_DRY_RUN:
			dry = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_INIT_TIMEOUT:
			if ((rc = mr_cli_seconds(cmd, "--timeout", optarg,
			    &timeout)) != MR_EXIT_OK)
				goto out;
			rc = MR_EXIT_USAGE;
			break;
		default:
			rc = mr_cli_bad_option(cmd, c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		rc = mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
		goto out;
	}
	if (preset != NULL && autodetect) {
		rc = mr_cli_usage_error(cmd, "pass either --preset or --auto, "
		    "not both");
		goto out;
	}
	rc = MR_EXIT_FAIL;

	/* what is running and installed */
	memset(&o, 0, sizeof(o));
	mr_cli_discover_servers(&servers, NULL, &o);
	o.timeout_ms = (long)(timeout * 1000);
	o.no_hardware = true;
	mr_discover(&o, NULL, &d);
	have_disc = true;
	if (mr_catalog_load(&cat, NULL, &err) < 0) {
		mr_cli_fail(&err);
		goto out;
	}

	if (preset == NULL) {
		const struct mr_preset *found = mr_preset_detect(&d, why,
		    sizeof(why));

		if (!autodetect && !yes && isatty(STDIN_FILENO) &&
		    isatty(STDERR_FILENO) && !json) {
			if (found != NULL)
				fprintf(stderr, "Found: %s.\n", why);
			preset = ask_preset(found ? found :
			    mr_preset_find("lmstudio"));
			if (preset == NULL) {
				mr_cli_warn("init: no preset chosen; nothing "
				    "written");
				goto out;
			}
			snprintf(why, sizeof(why), "chosen");
		} else {
			preset = found ? found : mr_preset_find("lmstudio");
			if (found == NULL)
				snprintf(why, sizeof(why), "nothing was found "
				    "running or installed; LM Studio is the "
				    "default");
		}
	} else {
		snprintf(why, sizeof(why), "--preset");
	}
	mr_assign_models(preset, &d, &cat, &a);

	dir = config_dir(given_dir);
	mr_path = mr_xasprintf("%s/model_router.yaml", dir);
	rp_path = mr_xasprintf("%s/routing_proxy.yaml", dir);
	logs = mr_xasprintf("%s/logs", dir);

	/* build both files and check both before writing either */
	if (build_proxy(preset, &a, (int)port, dir, &proxy, &err) < 0)
		goto fail;
	if ((router = mr_embedded_find("catalog/model_router.yaml")) == NULL) {
		mr_error_set(&err, NULL, 0, 0, "the default router config is "
		    "missing from this build");
		goto fail;
	}
	if ((cfg = mr_config_load_buffer(mr_path, router->data, router->len,
	    &err)) == NULL)
		goto fail;
	mr_config_free(cfg);
	if (mr_cli_check_proxy_text(rp_path, proxy.buf, proxy.len, &err) < 0)
		goto fail;

	paths[0] = mr_path;
	paths[1] = rp_path;
	for (i = 0; i < 2; i++)
		if (access(paths[i], F_OK) == 0)
			mr_strlist_push(&exist, paths[i]);

	if (dry) {
		for (i = 0; i < 2; i++) {
			mr_buf_reset(&old);
			if (access(paths[i], F_OK) == 0)
				(void)mr_read_file(paths[i], 16 << 20, &old);
			if (mr_unified_diff(paths[i], old.buf, old.len,
			    i == 0 ? router->data : proxy.buf, i == 0 ?
			    router->len : proxy.len, &diff, &err) < 0)
				goto fail;
		}
	} else if (exist.n > 0 && !force) {
		/* never half a pair, never a user's file lost */
		for (i = 0; i < exist.n; i++)
			mr_cli_warn("init: %s exists", exist.v[i]);
		mr_cli_warn("init: nothing written; pass --force to replace "
		    "(the old files are backed up first)");
		goto out;
	} else {
		if (mr_mkdirs(logs, 0700, &err) < 0)
			goto fail;
		if (exist.n > 0) {
			backup_dir = mr_backup_dir();
			if (mr_backup_create(backup_dir, paths, 2, "init --force",
			    &backup_id, &err) < 0)
				goto fail;
		}
		if (mr_write_atomic(mr_path, router->data, router->len, 0644,
		    &err) < 0 || mr_write_atomic(rp_path, proxy.buf,
		    proxy.len, 0600, &err) < 0)
			goto fail;
		mr_strlist_push(&written, mr_path);
		mr_strlist_push(&written, rp_path);
	}

	if (json) {
		cJSON *j = cJSON_CreateObject(), *models;

		cJSON_AddBoolToObject(j, "ok", true);
		cJSON_AddBoolToObject(j, "dry_run", dry);
		cJSON_AddStringToObject(j, "config_dir", dir);
		cJSON_AddStringToObject(j, "preset", preset->name);
		cJSON_AddStringToObject(j, "preset_reason", why);
		cJSON_AddStringToObject(j, "model_router_config", mr_path);
		cJSON_AddStringToObject(j, "routing_proxy_config", rp_path);
		cJSON_AddStringToObject(j, "log_dir", logs);
		cJSON_AddItemToObject(j, "written", mr_json_strlist(&written));
		mr_json_add_str(j, "backup", backup_id);
		models = cJSON_AddObjectToObject(j, "models");
		for (i = 0; i < MR_BR_COUNT; i++)
			mr_json_add_str(models, mr_backend_role_name(
			    (enum mr_backend_role)i), a.found[i] ? a.model[i] :
			    NULL);
		cJSON_AddItemToObject(j, "notes", mr_json_strlist(&a.notes));
		cJSON_AddItemToObject(j, "warnings",
		    mr_json_strlist(&a.warnings));
		if (dry)
			cJSON_AddStringToObject(j, "diff", diff.buf);
		mr_json_print(j, &out);
		mr_buf_addch(&out, '\n');
		cJSON_Delete(j);
	} else {
		if (dry)
			mr_buf_add(&out, diff.buf, diff.len);
		mr_buf_printf(&out, "%sPreset: %s (%s)\n", dry ? "\n" : "",
		    preset->name, why);
		for (i = 0; i < a.notes.n; i++)
			mr_buf_printf(&out, "  %s\n", a.notes.v[i]);
		for (i = 0; i < a.warnings.n; i++)
			mr_buf_printf(&out, "Warning: %s\n", a.warnings.v[i]);
		if (dry) {
			mr_buf_addstr(&out, "Dry run: nothing written.\n");
		} else {
			if (backup_id != NULL)
				mr_buf_printf(&out, "Backed up the old files: "
				    "model-router backups show %s\n", backup_id);
			for (i = 0; i < written.n; i++)
				mr_buf_printf(&out, "Wrote %s\n", written.v[i]);
			mr_buf_printf(&out, "Next: model-router "
			    "validate-proxy-config --config %s\n"
			    "Then run the proxy (model-router-proxy --config "
			    "%s) and point Hermes Agent at "
			    "http://127.0.0.1:%ld/v1: model-router hermes "
			    "use-proxy\n", rp_path, rp_path, port);
		}
	}
	rc = mr_cli_write(&out) ? MR_EXIT_OK : MR_EXIT_FAIL;
	goto out;
fail:
	msg = mr_error_format(&err);
	mr_cli_warn("init: %s", msg);
	free(msg);
	rc = MR_EXIT_FAIL;
out:
	mr_error_clear(&err);
	if (have_disc)
		mr_discovery_release(&d);
	mr_assignment_release(&a);
	mr_catalog_release(&cat);
	mr_strlist_clear(&servers);
	mr_strlist_clear(&written);
	mr_strlist_clear(&exist);
	mr_buf_release(&proxy);
	mr_buf_release(&out);
	mr_buf_release(&diff);
	mr_buf_release(&old);
	free(dir);
	free(mr_path);
	free(rp_path);
	free(logs);
	free(backup_dir);
	free(backup_id);
	return rc;
}

const struct mr_cmd mr_cmd_init = {
	.name = "init",
	.summary = "Write the router and proxy configs, with the models found",
	.usage = "init [--preset P | --auto] [--yes] [--force] [--port N]\n"
	    "                    [--config-dir D] [--dry-run] [--json] "
	    "[--timeout S]",
	.help =
	    "  --preset P                lmstudio, ollama, llamacpp, vllm,\n"
	    "                            mlx-lm, localai or\n"
	    "                            hosted-openai-compatible\n"
	    "  --auto                    pick the preset from what is running\n"
	    "                            or installed\n"
	    "  -y, --yes                 ask nothing (no preset: as --auto)\n"
	    "  --force                   replace existing files (backed up\n"
	    "                            first)\n"
	    "  --port N                  the proxy's port (default 8082)\n"
	    "  --config-dir D            where to write (default\n"
	    "                            $MODEL_ROUTER_HOME or ~/.model-router)\n"
	    "  --dry-run                 print the changes as a diff; write\n"
	    "                            nothing\n"
	    "  --json                    print the result as JSON\n"
	    "  --timeout S               seconds to wait for a server (0.5)\n"
	    "  -h, --help                show this help\n"
	    "\nThe backends get the model ids the running server lists (or\n"
	    "Ollama's installed tags), chosen per role by size, tool calls and\n"
	    "context; placeholders only when nothing is found, and then a\n"
	    "warning says so. Both files are checked before either is\n"
	    "written.\n",
	.options = options,
	.shortopts = ":hy",
	.run = run,
};
