/*
 * hermes show | use-proxy | add-provider | remove-provider | set-model |
 * set: read and edit Hermes Agent's config.yaml and .env.  The edits are
 * src/hermes's (byte-preserving, checked by parsing again); here the
 * files are found, backed up and written atomically, keys go to .env
 * (0600) and never to the screen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/backup.h"
#include "mr/fileio.h"
#include "mr/hermes.h"
#include "mr/json.h"
#include "mr/proxycfg.h"

enum {
	OPT_H_HOME = 800, OPT_H_PROFILE, OPT_H_DRY, OPT_H_NAME, OPT_H_PCONF,
	OPT_H_URL, OPT_H_MODEL, OPT_H_CTX, OPT_H_KEY_ENV, OPT_H_BASE_URL,
	OPT_H_API_MODE, OPT_H_KEY_STDIN
};

#define COMMON_OPTS \
	{ "hermes-home", required_argument, NULL, OPT_H_HOME }, \
	{ "profile", required_argument, NULL, OPT_H_PROFILE }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "help", no_argument, NULL, OPT_HELP }

#define WRITE_OPTS \
	{ "dry-run", no_argument, NULL, OPT_H_DRY }

static const struct option show_options[] = {
	COMMON_OPTS, { NULL, 0, NULL, 0 }
};
static const struct option use_proxy_options[] = {
	COMMON_OPTS, WRITE_OPTS,
	{ "name", required_argument, NULL, OPT_H_NAME },
	{ "proxy-config", required_argument, NULL, OPT_H_PCONF },
	{ "url", required_argument, NULL, OPT_H_URL },
	{ "model", required_argument, NULL, OPT_H_MODEL },
	{ "context-length", required_argument, NULL, OPT_H_CTX },
	{ NULL, 0, NULL, 0 }
};
static const struct option add_options[] = {
	COMMON_OPTS, WRITE_OPTS,
	{ "base-url", required_argument, NULL, OPT_H_BASE_URL },
	{ "model", required_argument, NULL, OPT_H_MODEL },
	{ "api-mode", required_argument, NULL, OPT_H_API_MODE },
	{ "key-env", required_argument, NULL, OPT_H_KEY_ENV },
	{ "api-key-stdin", no_argument, NULL, OPT_H_KEY_STDIN },
	{ "context-length", required_argument, NULL, OPT_H_CTX },
	{ NULL, 0, NULL, 0 }
};
static const struct option write_options[] = {
	COMMON_OPTS, WRITE_OPTS, { NULL, 0, NULL, 0 }
};

struct hopts {
	const char	*home;
	const char	*profile;
	bool		 json;
	bool		 dry;
	const char	*name;
	const char	*proxy_config;
	const char	*url;
	const char	*model;
	const char	*api_mode;
	const char	*key_env;
	bool		 key_stdin;
	long long	 context;
	const char	*args[2];
};

static int
parse(const struct mr_cmd *cmd, int argc, char **argv, size_t nargs,
    struct hopts *o)
{
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", cmd->options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return -1;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_H_HOME:
			o->home = optarg;
			break;
		case OPT_H_PROFILE:
			o->profile = optarg;
			break;
		case OPT_H_DRY:
			o->dry = true;
			break;
		case OPT_H_NAME:
			o->name = optarg;
			break;
		case OPT_H_PCONF:
			o->proxy_config = optarg;
			break;
		case OPT_H_URL:
		case OPT_H_BASE_URL:
			o->url = optarg;
			break;
		case OPT_H_MODEL:
			o->model = optarg;
			break;
		case OPT_H_API_MODE:
			o->api_mode = optarg;
			break;
		case OPT_H_KEY_ENV:
			o->key_env = optarg;
			break;
		case OPT_H_KEY_STDIN:
			o->key_stdin = true;
			break;
		case OPT_H_CTX:
			errno = 0;
			o->context = strtoll(optarg, &end, 10);
			if (errno || *end || o->context < 1)
				return mr_cli_usage_error(cmd, "--context-length "
				    "wants a number of tokens, not '%s'", optarg);
			if (o->context < MR_HERMES_CONFIG_MIN_CONTEXT)
				return mr_cli_usage_error(cmd, "--context-length "
				    "%lld is below the %d tokens Hermes Agent "
				    "needs", o->context,
				    MR_HERMES_CONFIG_MIN_CONTEXT);
			break;
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if ((size_t)(argc - optind) != nargs)
		return mr_cli_usage_error(cmd, argc - optind < (int)nargs ?
		    "missing argument" : "unexpected argument '%s'",
		    argc - optind > (int)nargs ? argv[optind + nargs] : "");
	for (c = 0; (size_t)c < nargs; c++)
		o->args[c] = argv[optind + c];
	return MR_EXIT_OK;
}

/* The Hermes home: --hermes-home, else as Hermes finds it. */
static char *
home_of(const struct hopts *o, struct mr_error *err)
{
	if (o->home != NULL)
		return mr_expand_home(o->home);
	return mr_hermes_home(o->profile, NULL, err);
}

/* The managed install around HOME, for show and the writers. */
static int
managed_of(const char *home, struct mr_hermes_managed *m,
    struct mr_error *err)
{
	return mr_hermes_managed_load(m, home, NULL,
	    getenv("MODEL_ROUTER_SYSROOT"), err);
}

static int
run_show(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_hermes_config c;
	struct mr_hermes_managed mg;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf out = MR_BUF_INIT;
	struct hopts o;
	char *home = NULL;
	cJSON *j, *ps, *p, *ms, *m;
	size_t i, k;
	int rc;

	if ((rc = parse(cmd, argc, argv, 0, &o)) != MR_EXIT_OK)
		return rc < 0 ? MR_EXIT_OK : rc;
	mr_hermes_config_init(&c);
	memset(&mg, 0, sizeof(mg));
	if ((home = home_of(&o, &err)) == NULL ||
	    mr_hermes_config_load(&c, home, &err) < 0 ||
	    managed_of(home, &mg, &err) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (o.json) {
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "home", home);
		if (mg.locked || mg.dir != NULL) {
			cJSON *mj = cJSON_AddObjectToObject(j, "managed");

			cJSON_AddBoolToObject(mj, "locked", mg.locked);
			mr_json_add_str(mj, "lock_reason", mg.lock_reason);
			mr_json_add_str(mj, "dir", mg.dir);
			mr_json_add_str(mj, "config", mg.config);
			cJSON_AddItemToObject(mj, "keys",
			    mr_json_strlist(&mg.keys));
		}
		mr_json_add_str(j, "provider", c.provider);
		mr_json_add_str(j, "model", c.model);
		mr_json_add_str(j, "base_url", c.base_url);
		mr_json_add_str(j, "api_mode", c.api_mode);
		cJSON_AddBoolToObject(j, "api_key_set", c.has_api_key);
		if (c.context_length > 0)
			cJSON_AddNumberToObject(j, "context_length",
			    (double)c.context_length);
		else
			cJSON_AddNullToObject(j, "context_length");
		ps = cJSON_AddArrayToObject(j, "providers");
		for (i = 0; i < c.nproviders; i++) {
			const struct mr_hermes_provider *hp = &c.providers[i];

			p = cJSON_CreateObject();
			cJSON_AddStringToObject(p, "key", hp->key);
			mr_json_add_str(p, "name", hp->name);
			mr_json_add_str(p, "url", hp->url);
			mr_json_add_str(p, "key_env", hp->key_env);
			cJSON_AddBoolToObject(p, "key_set", hp->key_env != NULL &&
			    mr_hermes_secret_set(&c, hp->key_env));
			cJSON_AddBoolToObject(p, "inline_api_key",
			    hp->has_api_key);
			mr_json_add_str(p, "api_mode", hp->api_mode);
			mr_json_add_str(p, "default_model", hp->default_model);
			cJSON_AddBoolToObject(p, "enabled", hp->enabled);
			cJSON_AddBoolToObject(p, "legacy", hp->legacy);
			ms = cJSON_AddArrayToObject(p, "models");
			for (k = 0; k < hp->nmodels; k++) {
				m = cJSON_CreateObject();
				cJSON_AddStringToObject(m, "id",
				    hp->models[k].id);
				if (hp->models[k].context_length > 0)
					cJSON_AddNumberToObject(m,
					    "context_length", (double)
					    hp->models[k].context_length);
				else
					cJSON_AddNullToObject(m,
					    "context_length");
				cJSON_AddItemToArray(ms, m);
			}
			cJSON_AddItemToArray(ps, p);
		}
		cJSON_AddItemToObject(j, "secrets_set",
		    mr_json_strlist(&c.secrets));
		cJSON_AddItemToObject(j, "warnings", mr_json_strlist(&c.warnings));
		mr_json_print(j, &out);
		mr_buf_addch(&out, '\n');
		cJSON_Delete(j);
	} else {
		mr_buf_printf(&out, "Hermes home: %s\n", home);
		if (mg.locked)
			mr_buf_printf(&out, "Managed by a package manager (%s): "
			    "Hermes refuses to write its config.\n",
			    mg.lock_reason);
		if (mg.config != NULL && mg.keys.n > 0) {
			mr_buf_printf(&out, "Managed config %s wins for: ",
			    mg.config);
			mr_strlist_join(&mg.keys, ", ", &out);
			mr_buf_addstr(&out, "\n");
		}
		mr_hermes_config_describe(&c, &out);
	}
	rc = mr_cli_write(&out) ? MR_EXIT_OK : MR_EXIT_FAIL;
out:
	mr_hermes_managed_release(&mg);
	mr_hermes_config_release(&c);
	mr_buf_release(&out);
	free(home);
	return rc;
}

/*
 * Reads the files, lets EDIT make the new texts, then shows a diff
 * (--dry-run) or backs up and writes what changed.
 */
struct edit {
	struct mr_buf	 cfg, env;	/* as read */
	struct mr_buf	 ncfg, nenv;	/* as they will be */
	bool		 cfg_changed, env_changed;
};

static int
load_texts(const char *home, struct edit *e, struct mr_error *err)
{
	char *cp = mr_hermes_config_path(home), *ep = mr_hermes_env_path(home);
	int rc = 0;

	if (access(cp, F_OK) == 0 && mr_read_file(cp, 16 << 20, &e->cfg) < 0) {
		mr_error_set(err, cp, 0, 0, "cannot read: %s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && access(ep, F_OK) == 0 &&
	    mr_read_file(ep, 1 << 20, &e->env) < 0) {
		mr_error_set(err, ep, 0, 0, "cannot read: %s", strerror(errno));
		rc = -1;
	}
	free(cp);
	free(ep);
	return rc;
}

static int
finish_edit(const struct hopts *o, const char *home, const char *what,
    struct edit *e, struct mr_error *err, struct mr_buf *out)
{
	char *cp = mr_hermes_config_path(home), *ep = mr_hermes_env_path(home);
	char *id = NULL, *reason, *bdir = NULL;
	const char *paths[2];
	int rc = -1;

	e->cfg_changed = e->ncfg.len != e->cfg.len || memcmp(e->ncfg.buf,
	    e->cfg.buf, e->cfg.len) != 0;
	e->env_changed = e->nenv.alloc != 0 && (e->nenv.len != e->env.len ||
	    memcmp(e->nenv.buf, e->env.buf, e->env.len) != 0);
	if (o->dry) {
		if (e->cfg_changed && mr_unified_diff(cp, e->cfg.buf,
		    e->cfg.len, e->ncfg.buf, e->ncfg.len, out, err) < 0)
			goto done;
		if (e->env_changed)	/* values are secret: names only */
			mr_buf_printf(out, "%s would change (values not "
			    "shown)\n", ep);
		rc = 0;
		goto done;
	}
	if (!e->cfg_changed && !e->env_changed) {
		rc = 0;
		goto done;
	}
	paths[0] = cp;
	paths[1] = ep;
	reason = mr_xasprintf("hermes %s", what);
	bdir = mr_backup_dir();
	if (mr_backup_create(bdir, paths, 2, reason, &id, err) < 0) {
		free(reason);
		goto done;
	}
	free(reason);
	if (mr_mkdirs(home, 0700, err) < 0)
		goto done;
	if (e->env_changed && mr_write_atomic(ep, e->nenv.buf, e->nenv.len,
	    0600, err) < 0)
		goto done;
	if (e->cfg_changed && mr_write_atomic(cp, e->ncfg.buf, e->ncfg.len,
	    0600, err) < 0)
		goto done;
	if (id != NULL)
		mr_buf_printf(out, "Backed up: model-router backups show %s\n",
		    id);
	if (e->cfg_changed)
		mr_buf_printf(out, "Updated %s\n", cp);
	if (e->env_changed)
		mr_buf_printf(out, "Updated %s (mode 0600)\n", ep);
	rc = 0;
done:
	free(cp);
	free(ep);
	free(id);
	free(bdir);
	return rc;
}

/* The .env variable for provider NAME's key: NAME_API_KEY, upper case. */
static char *
env_name_for(const char *name)
{
	struct mr_buf b = MR_BUF_INIT;
	const char *p;

	if (name[0] >= '0' && name[0] <= '9')
		mr_buf_addch(&b, '_');
	for (p = name; *p; p++)
		mr_buf_addch(&b, (*p >= 'a' && *p <= 'z') ? *p - 32 :
		    ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) ?
		    *p : '_');
	mr_buf_addstr(&b, "_API_KEY");
	return mr_buf_detach(&b);
}

static void
edit_release(struct edit *e)
{
	mr_buf_release(&e->cfg);
	mr_buf_release(&e->env);
	mr_buf_release(&e->ncfg);
	mr_buf_release(&e->nenv);
}

/* The proxy's URL, model and key variable from routing_proxy.yaml. */
static int
proxy_endpoint(const char *path, char **url, char **model, char **key_env,
    struct mr_error *err)
{
	const char *h = getenv("MODEL_ROUTER_HOME");
	char *p = path ? mr_expand_home(path) : h && *h ?
	    mr_xasprintf("%s/routing_proxy.yaml", h) :
	    mr_expand_home("~/.model-router/routing_proxy.yaml");
	struct mr_proxy_config *pc = mr_proxycfg_load_file(p, NULL, err);

	free(p);
	if (pc == NULL)
		return -1;
	*url = mr_xasprintf("http://%s:%d/v1", strcmp(pc->proxy.host,
	    "0.0.0.0") == 0 ? "127.0.0.1" : pc->proxy.host, pc->proxy.port);
	*model = mr_xstrdup(pc->proxy.model_ids.n > 0 ?
	    pc->proxy.model_ids.v[0] : "model-router");
	*key_env = pc->proxy.api_key_env ? mr_xstrdup(pc->proxy.api_key_env) :
	    NULL;
	mr_proxycfg_free(pc);
	return 0;
}

/*
 * The keys an edit sets that the managed config pins: `set` is refused,
 * as Hermes refuses it; the others are told that Hermes will keep using
 * the managed value.
 */
static int
pinned_check(const struct mr_hermes_managed *mg, const char *what,
    const char *const *args, const char *name, struct mr_error *err)
{
	const char *keys[3] = { NULL, NULL, NULL }, *pin;
	char *prov = NULL;
	size_t i;

	if (mg->keys.n == 0)
		return 0;
	if (strcmp(what, "set") == 0) {
		if ((pin = mr_hermes_managed_pins(mg, args[0])) != NULL) {
			mr_error_set(err, NULL, 0, 0, "%s is set by the managed "
			    "config %s (%s), which wins over yours; Hermes "
			    "refuses to change it and so does model-router",
			    args[0], mg->config, pin);
			return -1;
		}
		return 0;
	}
	if (strcmp(what, "use-proxy") == 0 || strcmp(what, "set-model") == 0) {
		keys[0] = "model.provider";
		keys[1] = "model.default";
	}
	if (strcmp(what, "use-proxy") == 0)
		prov = mr_xasprintf("providers.%s", name ? name :
		    "model-router");
	else if (strcmp(what, "add-provider") == 0 ||
	    strcmp(what, "remove-provider") == 0)
		prov = mr_xasprintf("providers.%s", args[0]);
	keys[2] = prov;
	for (i = 0; i < 3; i++)
		if (keys[i] != NULL &&
		    (pin = mr_hermes_managed_pins(mg, keys[i])) != NULL)
			mr_cli_warn("the managed config %s sets %s: Hermes will "
			    "use its value, not this edit's", mg->config, pin);
	free(prov);
	return 0;
}

static int
run_write(const struct mr_cmd *cmd, int argc, char **argv, const char *what,
    size_t nargs)
{
	struct mr_hermes_provider_spec spec;
	struct mr_hermes_managed mg;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf out = MR_BUF_INIT, key = MR_BUF_INIT;
	struct edit e;
	struct hopts o;
	char *home = NULL, *url = NULL, *model = NULL, *key_env = NULL;
	char *key_var = NULL;
	const char *val;
	int rc, r = -1;

	if ((rc = parse(cmd, argc, argv, nargs, &o)) != MR_EXIT_OK)
		return rc < 0 ? MR_EXIT_OK : rc;
	memset(&e, 0, sizeof(e));
	mr_buf_init(&e.cfg);
	mr_buf_init(&e.env);
	mr_buf_init(&e.ncfg);
	mr_buf_init(&e.nenv);
	memset(&mg, 0, sizeof(mg));
	if ((home = home_of(&o, &err)) == NULL ||
	    load_texts(home, &e, &err) < 0 ||
	    managed_of(home, &mg, &err) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	/* as Hermes: a package manager's install is not written */
	if (mg.locked && !o.dry) {
		mr_error_set(&err, NULL, 0, 0, "Hermes here is managed by a "
		    "package manager (%s) and refuses changes to its config; "
		    "so does model-router. Change it where the package is "
		    "configured (--dry-run shows the edit)", mg.lock_reason);
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (pinned_check(&mg, what, o.args, o.name, &err) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	memset(&spec, 0, sizeof(spec));
	if (strcmp(what, "use-proxy") == 0) {
		if (o.url != NULL) {
			url = mr_xstrdup(o.url);
			model = mr_xstrdup(o.model ? o.model : "model-router");
		} else if (proxy_endpoint(o.proxy_config, &url, &model,
		    &key_env, &err) < 0) {
			rc = mr_cli_fail(&err);
			goto out;
		}
		spec.name = o.name ? o.name : "model-router";
		spec.base_url = url;
		spec.model = o.model ? o.model : model;
		spec.key_env = key_env;
		spec.context_length = o.context ? o.context : 65536;
		r = mr_hermes_use_proxy(e.cfg.buf, e.cfg.len, &spec, &e.ncfg,
		    &err);
	} else if (strcmp(what, "add-provider") == 0) {
		if (o.url == NULL) {
			rc = mr_cli_usage_error(cmd, "--base-url is required");
			goto out;
		}
		spec.name = o.args[0];
		spec.base_url = o.url;
		spec.model = o.model;
		spec.api_mode = o.api_mode;
		spec.context_length = o.context;
		if (o.key_stdin) {
			/* the key from standard input: never argv, never shown */
			if (mr_read_fd(STDIN_FILENO, 64 << 10, &key) < 0) {
				mr_error_set(&err, NULL, 0, 0, "cannot read the "
				    "key from standard input");
				rc = mr_cli_fail(&err);
				goto out;
			}
			while (key.len > 0 && (key.buf[key.len - 1] == '\n' ||
			    key.buf[key.len - 1] == '\r'))
				key.buf[--key.len] = '\0';
			key_var = o.key_env ? mr_xstrdup(o.key_env) :
			    env_name_for(spec.name);
			if (mr_hermes_env_name_check(key_var, &err) < 0) {
				rc = mr_cli_fail(&err);
				goto out;
			}
			if (mr_hermes_env_set(e.env.buf, e.env.len, key_var,
			    key.buf, &e.nenv, &err) < 0) {
				rc = mr_cli_fail(&err);
				goto out;
			}
		}
		spec.key_env = key_var ? key_var : o.key_env;
		r = mr_hermes_add_provider(e.cfg.buf, e.cfg.len, &spec,
		    &e.ncfg, &err);
	} else if (strcmp(what, "remove-provider") == 0) {
		r = mr_hermes_remove_provider(e.cfg.buf, e.cfg.len, o.args[0],
		    &e.ncfg, &err);
	} else if (strcmp(what, "set-model") == 0) {
		r = mr_hermes_set_model(e.cfg.buf, e.cfg.len, o.args[0],
		    o.args[1], &e.ncfg, &err);
	} else {
		val = o.args[1];
		r = mr_hermes_set(e.cfg.buf, e.cfg.len, o.args[0], val,
		    &e.ncfg, &err);
	}
	if (r < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (finish_edit(&o, home, what, &e, &err, &out) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (o.json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "home", home);
		cJSON_AddBoolToObject(j, "dry_run", o.dry);
		cJSON_AddBoolToObject(j, "config_changed", e.cfg_changed);
		cJSON_AddBoolToObject(j, "env_changed", e.env_changed);
		if (o.dry)
			cJSON_AddStringToObject(j, "diff", out.buf);
		mr_buf_reset(&out);
		mr_json_print(j, &out);
		mr_buf_addch(&out, '\n');
		cJSON_Delete(j);
	} else if (!e.cfg_changed && !e.env_changed) {
		mr_buf_addstr(&out, "Nothing to change: the config already "
		    "says so.\n");
	} else if (o.dry) {
		mr_buf_addstr(&out, "Dry run: nothing written.\n");
	}
	rc = mr_cli_write(&out) ? MR_EXIT_OK : MR_EXIT_FAIL;
out:
	mr_hermes_managed_release(&mg);
	edit_release(&e);
	/* the key leaves memory as it came: wiped */
	if (key.alloc)
		memset(key.buf, 0, key.len);
	mr_buf_release(&key);
	mr_buf_release(&out);
	free(home);
	free(url);
	free(model);
	free(key_env);
	free(key_var);
	return rc;
}

static int
run_use_proxy(const struct mr_cmd *cmd, int argc, char **argv)
{
	return run_write(cmd, argc, argv, "use-proxy", 0);
}

static int
run_add(const struct mr_cmd *cmd, int argc, char **argv)
{
	return run_write(cmd, argc, argv, "add-provider", 1);
}

static int
run_remove(const struct mr_cmd *cmd, int argc, char **argv)
{
	return run_write(cmd, argc, argv, "remove-provider", 1);
}

static int
run_set_model(const struct mr_cmd *cmd, int argc, char **argv)
{
	return run_write(cmd, argc, argv, "set-model", 2);
}

static int
run_set(const struct mr_cmd *cmd, int argc, char **argv)
{
	return run_write(cmd, argc, argv, "set", 2);
}

#define HOME_HELP \
	"  --hermes-home D           Hermes's home (default: as Hermes finds\n" \
	"                            it: $HERMES_HOME, the active profile,\n" \
	"                            ~/.hermes)\n" \
	"  --profile P               that Hermes profile's home\n" \
	"  --json                    print JSON\n"
#define WRITE_HELP \
	"  --dry-run                 print the change as a diff; write\n" \
	"                            nothing\n"
#define WRITE_NOTE \
	"\nEverything outside the changed keys stays byte for byte: comments,\n" \
	"order, quoting. The old files are backed up first (see 'backups').\n"

const struct mr_cmd mr_cmd_hermes_show = {
	.name = "hermes show",
	.summary = "Show Hermes Agent's model settings and providers",
	.usage = "hermes show [--json] [--hermes-home D] [--profile P]",
	.help = HOME_HELP
	    "  -h, --help                show this help\n"
	    "\nKeys are shown as set or not set, never their values.\n",
	.options = show_options,
	.shortopts = ":h",
	.run = run_show,
};

const struct mr_cmd mr_cmd_hermes_use_proxy = {
	.name = "hermes use-proxy",
	.summary = "Point Hermes Agent at the local routing proxy",
	.usage = "hermes use-proxy [--name N] [--proxy-config P | --url URL]\n"
	    "                    [--model ID] [--context-length N] [--dry-run]\n"
	    "                    [--json] [--hermes-home D] [--profile P]",
	.help =
	    "  --name N                  the provider entry (default\n"
	    "                            model-router)\n"
	    "  --proxy-config P          the proxy config to read the address\n"
	    "                            from (default: as validate-proxy-config)\n"
	    "  --url URL                 the proxy's /v1 URL instead\n"
	    "  --model ID                the model name to ask for (default:\n"
	    "                            the proxy's first model id)\n"
	    "  --context-length N        tokens to tell Hermes (default 65536)\n"
	    WRITE_HELP HOME_HELP
	    "  -h, --help                show this help\n" WRITE_NOTE,
	.options = use_proxy_options,
	.shortopts = ":h",
	.run = run_use_proxy,
};

const struct mr_cmd mr_cmd_hermes_add_provider = {
	.name = "hermes add-provider",
	.summary = "Add or update a Hermes Agent provider entry",
	.usage = "hermes add-provider NAME --base-url URL [--model ID]\n"
	    "                    [--api-mode M] [--key-env VAR] "
	    "[--api-key-stdin]\n"
	    "                    [--context-length N] [--dry-run] [--json]",
	.help =
	    "  --base-url URL            the endpoint (with /v1 for\n"
	    "                            OpenAI-compatible servers)\n"
	    "  --model ID                its default model\n"
	    "  --api-mode M              chat_completions, codex_responses or\n"
	    "                            anthropic_messages (default: Hermes\n"
	    "                            detects it)\n"
	    "  --key-env VAR             the .env variable holding its key\n"
	    "  --api-key-stdin           read the key from standard input into\n"
	    "                            .env (mode 0600), never the config\n"
	    "  --context-length N        the model's context (64000 or more)\n"
	    WRITE_HELP HOME_HELP
	    "  -h, --help                show this help\n" WRITE_NOTE,
	.options = add_options,
	.shortopts = ":h",
	.run = run_add,
};

const struct mr_cmd mr_cmd_hermes_remove_provider = {
	.name = "hermes remove-provider",
	.summary = "Remove a Hermes Agent provider entry",
	.usage = "hermes remove-provider NAME [--dry-run] [--json]",
	.help = WRITE_HELP HOME_HELP
	    "  -h, --help                show this help\n" WRITE_NOTE,
	.options = write_options,
	.shortopts = ":h",
	.run = run_remove,
};

const struct mr_cmd mr_cmd_hermes_set_model = {
	.name = "hermes set-model",
	.summary = "Choose Hermes Agent's provider and model",
	.usage = "hermes set-model PROVIDER MODEL [--dry-run] [--json]",
	.help = WRITE_HELP HOME_HELP
	    "  -h, --help                show this help\n" WRITE_NOTE,
	.options = write_options,
	.shortopts = ":h",
	.run = run_set_model,
};

const struct mr_cmd mr_cmd_hermes_set = {
	.name = "hermes set",
	.summary = "Set one model or provider key of Hermes Agent's config",
	.usage = "hermes set KEY VALUE [--dry-run] [--json]",
	.help = WRITE_HELP HOME_HELP
	    "  -h, --help                show this help\n"
	    "\nKEY is model.provider, model.default, model.base_url,\n"
	    "model.api_mode, model.context_length or\n"
	    "providers.NAME.{api,name,transport,key_env,default_model,\n"
	    "context_length,enabled,models.ID.context_length}.\n" WRITE_NOTE,
	.options = write_options,
	.shortopts = ":h",
	.run = run_set,
};
