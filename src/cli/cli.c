/*
 * Command dispatch: one table of commands, help generated from it, the
 * overview printed with no arguments, and two hidden commands the docs
 * test uses to compare the table with the man page and the completions
 * (`__commands`, `__options CMD`).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/config.h"
#include "mr/discover.h"
#include "mr/unicode.h"

const struct mr_cmd *const mr_commands[] = {
	&mr_cmd_decide,
	&mr_cmd_dispatch_plan,
	&mr_cmd_validate_config,
	&mr_cmd_setup_scan,
	&mr_cmd_setup_recommend,
	&mr_cmd_init,
	&mr_cmd_validate_proxy_config,
	&mr_cmd_doctor,
	&mr_cmd_proxy_run,
	&mr_cmd_proxy_start,
	&mr_cmd_proxy_stop,
	&mr_cmd_proxy_restart,
	&mr_cmd_proxy_status,
	&mr_cmd_proxy_logs,
	&mr_cmd_feedback,
	&mr_cmd_hermes_show,
	&mr_cmd_hermes_use_proxy,
	&mr_cmd_hermes_add_provider,
	&mr_cmd_hermes_remove_provider,
	&mr_cmd_hermes_set_model,
	&mr_cmd_hermes_set,
	&mr_cmd_backups_list,
	&mr_cmd_backups_show,
	&mr_cmd_backups_restore,
	NULL
};

/* True when NAME is the first word of a two-word command ("setup"). */
static bool
is_group(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; mr_commands[i] != NULL; i++)
		if (strncmp(mr_commands[i]->name, name, n) == 0 &&
		    mr_commands[i]->name[n] == ' ')
			return true;
	return false;
}

/* The commands of group NAME: "scan, recommend". */
static void
group_list(const char *name, struct mr_buf *b)
{
	size_t i, n = strlen(name);

	for (i = 0; mr_commands[i] != NULL; i++)
		if (strncmp(mr_commands[i]->name, name, n) == 0 &&
		    mr_commands[i]->name[n] == ' ')
			mr_buf_printf(b, "%s%s", b->len ? ", " : "",
			    mr_commands[i]->name + n + 1);
}

/* Finds "GROUP SUB" from two words. */
static const struct mr_cmd *
find2(const char *group, const char *sub)
{
	char name[64];

	snprintf(name, sizeof(name), "%s %s", group, sub);
	return mr_cli_find(name);
}

const struct mr_cmd *
mr_cli_find(const char *name)
{
	size_t i;

	for (i = 0; mr_commands[i] != NULL; i++)
		if (strcmp(mr_commands[i]->name, name) == 0)
			return mr_commands[i];
	return NULL;
}

void
mr_cli_discover_servers(struct mr_strlist *list,
    const struct mr_strlist *given, struct mr_discover_opts *o)
{
	const char *v = getenv("MODEL_ROUTER_DEFAULT_SERVERS");
	char *copy, *tok, *save = NULL;
	size_t i;

	if (v != NULL) {
		copy = mr_xstrdup(v);
		for (tok = strtok_r(copy, " \t,", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t,", &save))
			mr_strlist_push_unique(list, tok);
		free(copy);
	}
	for (i = 0; given != NULL && i < given->n; i++)
		mr_strlist_push_unique(list, given->v[i]);
	o->servers = (const char *const *)list->v;
	o->nservers = list->n;
	/* otherwise discovery probes the defaults, then these */
	o->no_default_servers = v != NULL;
}

struct mr_router *
mr_cli_load_router(const char *config_path, char **err)
{
	struct mr_error e = MR_ERROR_INIT;
	struct mr_config *cfg;
	char *path;

	*err = NULL;
	path = mr_config_resolve_path(config_path);
	cfg = path ? mr_config_load_file(path, &e) :
	    mr_config_load_default(&e);
	free(path);
	if (cfg == NULL) {
		*err = mr_error_format(&e);
		mr_error_clear(&e);
		return NULL;
	}
	mr_config_check_availability(cfg, true, NULL);
	return mr_router_new(cfg);
}

static void
usage_all(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: model-router [--version] [--help] <command> "
	    "[options]\n       model-router help <command>\n\ncommands:\n");
	for (i = 0; mr_commands[i] != NULL; i++)
		fprintf(fp, "  %-22s %s\n", mr_commands[i]->name,
		    mr_commands[i]->summary);
	fprintf(fp, "\nRun 'model-router <command> --help' for a command's "
	    "options, and\n'model-router' alone for an overview of this "
	    "machine's setup.\n");
}

/* Whether init has written a proxy config where the tools look for it. */
static bool
have_proxy_config(void)
{
	const char *h = getenv("MODEL_ROUTER_HOME");
	char *p = h && *h ? mr_xasprintf("%s/routing_proxy.yaml", h) :
	    mr_expand_home("~/.model-router/routing_proxy.yaml");
	bool yes = p != NULL && access(p, F_OK) == 0;

	free(p);
	return yes;
}

/* `model-router` with no arguments: what it can do and what to run next. */
static int
overview(void)
{
	struct mr_buf b = MR_BUF_INIT;
	char *path = mr_config_resolve_path(NULL), *err = NULL;
	struct mr_router *r;
	size_t i;
	int rc = MR_EXIT_OK;

	mr_buf_printf(&b, "model-router %s: set up, check and run local model "
	    "routing for AI agents.\n\n", MR_VERSION);
	mr_buf_addstr(&b, "Router config: ");
	if (path)
		mr_buf_printf(&b, "%s\n", path);
	else
		mr_buf_addstr(&b, "built-in default (no "
		    "~/.model-router/model_router.yaml yet)\n");
	r = mr_cli_load_router(NULL, &err);
	if (r == NULL) {
		mr_buf_printf(&b, "  It does not load: %s\n", err);
		mr_buf_addstr(&b, "  Until it is fixed every decision fails "
		    "closed to human_confirm.\n");
		rc = MR_EXIT_FAIL;
	} else {
		mr_buf_printf(&b, "  %zu engines; ",
		    mr_router_config(r)->nengines);
		mr_buf_printf(&b, "a prompt is routed to one of them "
		    "in well under a microsecond.\n");
	}
	mr_buf_addstr(&b, "\nCommands:\n");
	for (i = 0; mr_commands[i] != NULL; i++)
		mr_buf_printf(&b, "  %-22s %s\n", mr_commands[i]->name,
		    mr_commands[i]->summary);
	mr_buf_addstr(&b, "\nNext: ");
	if (r == NULL)
		mr_buf_addstr(&b, "run 'model-router validate-config' to see "
		    "what to fix.\n");
	else if (!have_proxy_config())
		mr_buf_addstr(&b, "see what this machine has and runs well,\n"
		    "  model-router setup scan\n"
		    "  model-router setup recommend\n"
		    "then write the configs with the models found:\n"
		    "  model-router init --auto\n");
	else
		mr_buf_addstr(&b, "see where a prompt would go:\n"
		    "  model-router decide \"fix the failing tests in this "
		    "repo\"\n"
		    "then check your configs with 'model-router "
		    "validate-config' and 'model-router "
		    "validate-proxy-config'.\n");
	mr_buf_addstr(&b, "\nEach command has --help; the manual is "
	    "model-router(1).\n");
	mr_cli_write(&b);
	mr_buf_release(&b);
	free(path);
	free(err);
	mr_router_free(r);
	return rc;
}

/* Hidden: the command names, one per line. */
static int
list_commands(void)
{
	size_t i;

	for (i = 0; mr_commands[i] != NULL; i++)
		printf("%s\n", mr_commands[i]->name);
	return MR_EXIT_OK;
}

/* Hidden: a command's long options ("--name" or "--name=" for args). */
static int
list_options(const char *name, const char *sub)
{
	const struct mr_cmd *cmd = name == NULL ? NULL : sub != NULL ?
	    find2(name, sub) : mr_cli_find(name);
	const struct option *o;

	if (cmd == NULL)
		return mr_cli_usage_error(NULL, "__options: unknown command");
	for (o = cmd->options; o && o->name; o++)
		printf("--%s%s\n", o->name, o->has_arg ? "=" : "");
	return MR_EXIT_OK;
}

/* `model-router setup` alone or with --help: the group's commands. */
static int
group_help(const char *group, FILE *fp)
{
	size_t i, n = strlen(group);

	fprintf(fp, "usage: model-router %s <action> [options]\n\nactions:\n",
	    group);
	for (i = 0; mr_commands[i] != NULL; i++)
		if (strncmp(mr_commands[i]->name, group, n) == 0 &&
		    mr_commands[i]->name[n] == ' ')
			fprintf(fp, "  %-22s %s\n", mr_commands[i]->name + n + 1,
			    mr_commands[i]->summary);
	fprintf(fp, "\nRun 'model-router %s <action> --help' for its "
	    "options.\n", group);
	return MR_EXIT_OK;
}

static int
group_dispatch(const char *group, int argc, char **argv)
{
	const struct mr_cmd *cmd;
	struct mr_buf b = MR_BUF_INIT;

	if (argc < 3) {
		group_list(group, &b);
		fprintf(stderr, "%s: %s: which action? (%s)\n",
		    mr_cli_progname, group, b.buf);
		fprintf(stderr, "Try 'model-router %s --help'.\n", group);
		mr_buf_release(&b);
		return MR_EXIT_USAGE;
	}
	if (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)
		return group_help(group, stdout);
	if ((cmd = find2(group, argv[2])) == NULL) {
		group_list(group, &b);
		fprintf(stderr, "%s: %s: '%s' is not an action (%s)\n",
		    mr_cli_progname, group, argv[2], b.buf);
		mr_buf_release(&b);
		return MR_EXIT_USAGE;
	}
	return cmd->run(cmd, argc - 2, argv + 2);
}

static int
dispatch(int argc, char **argv)
{
	const struct mr_cmd *cmd;
	const char *name;
	size_t i;

	if (argc < 2)
		return overview();
	name = argv[1];
	if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0 ||
	    strcmp(name, "version") == 0) {
		printf("model-router %s\n", MR_VERSION);
		return MR_EXIT_OK;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		usage_all(stdout);
		return MR_EXIT_OK;
	}
	if (strcmp(name, "help") == 0) {
		if (argc < 3 || strcmp(argv[2], "help") == 0) {
			usage_all(stdout);
			return MR_EXIT_OK;
		}
		if (is_group(argv[2]) && argc < 4)
			return group_help(argv[2], stdout);
		cmd = is_group(argv[2]) ? find2(argv[2], argv[3]) :
		    mr_cli_find(argv[2]);
		if (cmd == NULL)
			return mr_cli_usage_error(NULL, "no such command: %s",
			    argv[2]);
		mr_cli_help(cmd, stdout);
		return MR_EXIT_OK;
	}
	if (strcmp(name, "__commands") == 0)
		return list_commands();
	if (strcmp(name, "__options") == 0)
		return list_options(argc > 2 ? argv[2] : NULL,
		    argc > 3 ? argv[3] : NULL);
	if (is_group(name))
		return group_dispatch(name, argc, argv);
	if ((cmd = mr_cli_find(name)) == NULL) {
		fprintf(stderr, "%s: '%s' is not a command.\n",
		    mr_cli_progname, name);
		for (i = 0; mr_commands[i] != NULL; i++)
			if (mr_edit_distance(name, mr_commands[i]->name, 3) < 3)
				fprintf(stderr, "Did you mean '%s'?\n",
				    mr_commands[i]->name);
		fprintf(stderr, "Run 'model-router --help' for the list of "
		    "commands.\n");
		return MR_EXIT_USAGE;
	}
	return cmd->run(cmd, argc - 1, argv + 1);
}

int
mr_cli_main(int argc, char **argv)
{
	const char *base;
	int rc;

	base = argc > 0 && argv[0] ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : (argc > 0 && argv[0] ? argv[0] : "");
	if (strcmp(base, "model-router-proxy") == 0) {
		/* the reference's command line for the proxy */
		return mr_cli_proxy_main(argc, argv);
	}
	rc = dispatch(argc, argv);
	mr_uni_cleanup();
	return rc;
}
