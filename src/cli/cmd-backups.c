/*
 * backups list | show ID | restore ID [--dry-run]: the archives every
 * writing command makes before it changes a file.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/archive-dl.h"
#include "mr/backup.h"
#include "mr/fileio.h"
#include "mr/json.h"

enum { OPT_B_DRY_RUN = 600 };

static const struct option list_options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static const struct option restore_options[] = {
	{ "dry-run", no_argument, NULL, OPT_B_DRY_RUN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

/* Options, then exactly NARGS operands into ARGS.  MR_EXIT_OK to go on;
 * -1 when help was printed. */
static int
parse(const struct mr_cmd *cmd, int argc, char **argv, bool *json, bool *dry,
    size_t nargs, const char **args)
{
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", cmd->options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return -1;
		case OPT_JSON:
			*json = true;
			break;
		case OPT_B_DRY_RUN:
			*dry = true;
			break;
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if ((size_t)(argc - optind) != nargs)
		return mr_cli_usage_error(cmd, nargs ? "give one backup id "
		    "(see 'model-router backups list')" : "unexpected argument "
		    "'%s'", argc > optind ? argv[optind] : "");
	for (c = 0; (size_t)c < nargs; c++)
		args[c] = argv[optind + c];
	return MR_EXIT_OK;
}

static int
run_list(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_strlist ids = MR_STRLIST_INIT;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf out = MR_BUF_INIT;
	struct mr_backup b;
	char *dir = mr_backup_dir();
	bool json = false, dry = false;
	cJSON *j = NULL, *e;
	size_t i, k;
	int rc;

	if ((rc = parse(cmd, argc, argv, &json, &dry, 0, NULL)) != MR_EXIT_OK)
		goto out;
	rc = MR_EXIT_FAIL;
	/* without libarchive every backup would be listed as unreadable */
	if (mr_backup_list(dir, &ids, &err) < 0 || (ids.n > 0 &&
	    mr_archive_load("backups list", &err) < 0)) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (json)
		j = cJSON_CreateArray();
	else if (ids.n == 0)
		mr_buf_printf(&out, "No backups in %s yet.\n", dir);
	for (i = 0; i < ids.n; i++) {
		if (mr_backup_load(dir, ids.v[i], &b, &err) < 0) {
			/* a damaged archive is listed, not fatal */
			char *msg = mr_error_format(&err);

			if (json) {
				e = cJSON_CreateObject();
				cJSON_AddStringToObject(e, "id", ids.v[i]);
				cJSON_AddStringToObject(e, "error", msg);
				cJSON_AddItemToArray(j, e);
			} else {
				mr_buf_printf(&out, "%s  (unreadable: %s)\n",
				    ids.v[i], msg);
			}
			free(msg);
			mr_error_clear(&err);
			continue;
		}
		if (json) {
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "id", b.id);
			cJSON_AddStringToObject(e, "created", b.created);
			cJSON_AddStringToObject(e, "reason", b.reason);
			cJSON_AddItemToObject(e, "files", cJSON_CreateArray());
			for (k = 0; k < b.nfiles; k++)
				cJSON_AddItemToArray(cJSON_GetObjectItem(e,
				    "files"), cJSON_CreateString(
				    b.files[k].path));
			cJSON_AddItemToArray(j, e);
		} else {
			mr_buf_printf(&out, "%s  %s  %zu file%s\n", b.id,
			    b.reason, b.nfiles, b.nfiles == 1 ? "" : "s");
		}
		mr_backup_release(&b);
	}
	if (json) {
		mr_json_print(j, &out);
		mr_buf_addch(&out, '\n');
		cJSON_Delete(j);
	}
	rc = mr_cli_write(&out) ? MR_EXIT_OK : MR_EXIT_FAIL;
out:
	if (rc < 0)
		rc = MR_EXIT_OK;
	mr_strlist_clear(&ids);
	mr_buf_release(&out);
	free(dir);
	return rc;
}

static int
run_show(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf out = MR_BUF_INIT;
	struct mr_backup b;
	const char *id;
	char *dir = mr_backup_dir();
	bool json = false, dry = false;
	cJSON *j, *files, *f;
	size_t k;
	int rc;

	if ((rc = parse(cmd, argc, argv, &json, &dry, 1, &id)) != MR_EXIT_OK)
		goto out;
	if (mr_backup_load(dir, id, &b, &err) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (json) {
		j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "id", b.id);
		cJSON_AddStringToObject(j, "archive", b.archive);
		cJSON_AddStringToObject(j, "created", b.created);
		cJSON_AddStringToObject(j, "reason", b.reason);
		files = cJSON_AddArrayToObject(j, "files");
		for (k = 0; k < b.nfiles; k++) {
			f = cJSON_CreateObject();
			cJSON_AddStringToObject(f, "path", b.files[k].path);
			cJSON_AddNumberToObject(f, "mode", b.files[k].mode);
			cJSON_AddNumberToObject(f, "size", (double)b.files[k].len);
			cJSON_AddItemToArray(files, f);
		}
		mr_json_print(j, &out);
		mr_buf_addch(&out, '\n');
		cJSON_Delete(j);
	} else {
		mr_buf_printf(&out, "Backup %s\nMade: %s, before: %s\n"
		    "Archive: %s\n", b.id, b.created, b.reason, b.archive);
		for (k = 0; k < b.nfiles; k++)
			mr_buf_printf(&out, "  %s  (%04o, %zu bytes)\n",
			    b.files[k].path, (unsigned)b.files[k].mode,
			    b.files[k].len);
	}
	mr_backup_release(&b);
	rc = mr_cli_write(&out) ? MR_EXIT_OK : MR_EXIT_FAIL;
out:
	if (rc < 0)
		rc = MR_EXIT_OK;
	mr_buf_release(&out);
	free(dir);
	return rc;
}

static int
run_restore(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf out = MR_BUF_INIT, cur = MR_BUF_INIT;
	struct mr_strlist changed = MR_STRLIST_INIT;
	struct mr_backup b;
	const char *id;
	char *dir = mr_backup_dir(), *reason, *saved = NULL;
	bool json = false, dry = false, loaded = false;
	size_t k;
	int rc;

	if ((rc = parse(cmd, argc, argv, &json, &dry, 1, &id)) != MR_EXIT_OK)
		goto out;
	rc = MR_EXIT_FAIL;
	if (mr_backup_load(dir, id, &b, &err) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	loaded = true;
	for (k = 0; k < b.nfiles; k++) {
		mr_buf_reset(&cur);
		if (access(b.files[k].path, F_OK) == 0 &&
		    mr_read_file(b.files[k].path, 64 << 20, &cur) < 0) {
			mr_error_set(&err, b.files[k].path, 0, 0, "cannot read "
			    "it");
			rc = mr_cli_fail(&err);
			goto out;
		}
		if (cur.len == b.files[k].len && memcmp(cur.buf,
		    b.files[k].data, cur.len) == 0)
			continue;
		mr_strlist_push(&changed, b.files[k].path);
		if (dry && mr_unified_diff(b.files[k].path, cur.buf, cur.len,
		    b.files[k].data, b.files[k].len, &out, &err) < 0) {
			rc = mr_cli_fail(&err);
			goto out;
		}
	}
	if (!dry && changed.n > 0) {
		/* what is there now is kept too: a restore can be undone */
		reason = mr_xasprintf("backups restore %s", id);
		rc = mr_backup_create(dir, (const char *const *)changed.v,
		    changed.n, reason, &saved, &err);
		free(reason);
		if (rc < 0) {
			rc = mr_cli_fail(&err);
			goto out;
		}
		for (k = 0; k < b.nfiles; k++) {
			if (!mr_strlist_has(&changed, b.files[k].path))
				continue;
			if (mr_write_atomic(b.files[k].path, b.files[k].data,
			    b.files[k].len, b.files[k].mode, &err) < 0) {
				rc = mr_cli_fail(&err);
				goto out;
			}
		}
	}
	if (json) {
		cJSON *j = cJSON_CreateObject();

		cJSON_AddStringToObject(j, "id", id);
		cJSON_AddBoolToObject(j, "dry_run", dry);
		cJSON_AddItemToObject(j, "changed", mr_json_strlist(&changed));
		mr_json_add_str(j, "backup_of_current", saved);
		if (dry)
			cJSON_AddStringToObject(j, "diff", out.buf);
		mr_buf_reset(&out);
		mr_json_print(j, &out);
		mr_buf_addch(&out, '\n');
		cJSON_Delete(j);
	} else if (changed.n == 0) {
		mr_buf_printf(&out, "Nothing to restore: the files already "
		    "match backup %s.\n", id);
	} else if (dry) {
		mr_buf_printf(&out, "Dry run: %zu file%s would change; nothing "
		    "written.\n", changed.n, changed.n == 1 ? "" : "s");
	} else {
		for (k = 0; k < changed.n; k++)
			mr_buf_printf(&out, "Restored %s\n", changed.v[k]);
		mr_buf_printf(&out, "The files replaced are in backup %s.\n",
		    saved);
	}
	rc = mr_cli_write(&out) ? MR_EXIT_OK : MR_EXIT_FAIL;
out:
	if (rc < 0)
		rc = MR_EXIT_OK;
	if (loaded)
		mr_backup_release(&b);
	mr_strlist_clear(&changed);
	mr_buf_release(&out);
	mr_buf_release(&cur);
	free(dir);
	free(saved);
	return rc;
}

#define BACKUPS_NOTE \
	"\nBackups live in $MODEL_ROUTER_HOME/backups or\n" \
	"~/.model-router/backups, one .tar.gz per change.\n"

const struct mr_cmd mr_cmd_backups_list = {
	.name = "backups list",
	.summary = "List the backups made before files were changed",
	.usage = "backups list [--json]",
	.help =
	    "  --json                    print JSON\n"
	    "  -h, --help                show this help\n" BACKUPS_NOTE,
	.options = list_options,
	.shortopts = ":h",
	.run = run_list,
};

const struct mr_cmd mr_cmd_backups_show = {
	.name = "backups show",
	.summary = "Show what a backup holds",
	.usage = "backups show ID [--json]",
	.help =
	    "  --json                    print JSON\n"
	    "  -h, --help                show this help\n" BACKUPS_NOTE,
	.options = list_options,
	.shortopts = ":h",
	.run = run_show,
};

const struct mr_cmd mr_cmd_backups_restore = {
	.name = "backups restore",
	.summary = "Put the files of a backup back (the current ones are "
	    "backed up first)",
	.usage = "backups restore ID [--dry-run] [--json]",
	.help =
	    "  --dry-run                 print the changes as a diff; write\n"
	    "                            nothing\n"
	    "  --json                    print JSON\n"
	    "  -h, --help                show this help\n" BACKUPS_NOTE,
	.options = restore_options,
	.shortopts = ":h",
	.run = run_restore,
};
