/*
 * setup recommend: which catalog models this machine runs well for each
 * role, at the context Hermes Agent needs, and why.  The hardware comes
 * from a scan unless --ram-gb/--vram-gb/--gpu pin it; what is on disk and
 * loaded comes from the same scan.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli-int.h"
#include "mr/catalog.h"
#include "mr/discover.h"
#include "mr/json.h"
#include "mr/recommend-json.h"
#include "mr/recommend.h"

enum {
	OPT_ROUTE = 400, OPT_PROFILE_R, OPT_CONTEXT, OPT_RAM, OPT_VRAM,
	OPT_DISK, OPT_GPU, OPT_TOP, OPT_CATALOG, OPT_MODEL_DIR_R,
	OPT_NO_DEFAULT_DIRS_R, OPT_SERVER_R, OPT_NO_SERVERS_R, OPT_TIMEOUT_R
};

static const struct option options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "route", required_argument, NULL, OPT_ROUTE },
	{ "profile", required_argument, NULL, OPT_PROFILE_R },
	{ "context", required_argument, NULL, OPT_CONTEXT },
	{ "ram-gb", required_argument, NULL, OPT_RAM },
	{ "vram-gb", required_argument, NULL, OPT_VRAM },
	{ "disk-gb", required_argument, NULL, OPT_DISK },
	{ "gpu", required_argument, NULL, OPT_GPU },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "catalog", required_argument, NULL, OPT_CATALOG },
	{ "model-dir", required_argument, NULL, OPT_MODEL_DIR_R },
	{ "no-default-dirs", no_argument, NULL, OPT_NO_DEFAULT_DIRS_R },
	{ "server", required_argument, NULL, OPT_SERVER_R },
	{ "no-servers", no_argument, NULL, OPT_NO_SERVERS_R },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT_R },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static const char *const gpu_kinds[] = {
	"none", "nvidia", "amd", "intel", "apple", NULL
};

#define GiB (1024.0 * 1024 * 1024)

static int
number(const struct mr_cmd *cmd, const char *opt, const char *arg, double lo,
    double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(*out >= lo &&
	    *out <= hi))
		return mr_cli_usage_error(cmd, "%s wants a number from %g to "
		    "%g, not '%s'", opt, lo, hi, arg);
	return MR_EXIT_OK;
}

static const char *
role_title(enum mr_role r)
{
	switch (r) {
	case MR_ROLE_FAST:
		return "quick chat, rewrites, extraction";
	case MR_ROLE_BALANCED:
		return "general assistant";
	case MR_ROLE_REASONING:
		return "hard problems, planning";
	case MR_ROLE_CODE:
		return "coding agent";
	case MR_ROLE_VISION:
		return "images";
	case MR_ROLE_COUNT:
		break;
	}
	return "";
}

static void
print_text(const struct mr_catalog *cat, const struct mr_rec_hw *hw,
    const char *source, enum mr_rec_profile prof,
    const struct mr_role_rec *recs, const struct mr_strlist *warnings,
    struct mr_buf *b)
{
	const struct mr_pick *p;
	const struct mr_role_rec *rr;
	char x[32], y[32];
	size_t i, k;

	mr_buf_printf(b, "Machine (%s): %s RAM", source,
	    mr_fmt_bytes(hw->ram_total, x, sizeof(x)));
	if (hw->unified)
		mr_buf_addstr(b, ", Apple silicon (unified memory)");
	else if (hw->vram_total > 0)
		mr_buf_printf(b, ", %s%s%s VRAM", hw->gpu_name[0] ?
		    hw->gpu_name : "", hw->gpu_name[0] ? " " : "",
		    mr_fmt_bytes(hw->vram_total, y, sizeof(y)));
	else
		mr_buf_addstr(b, ", no GPU");
	if (hw->disk_known)
		mr_buf_printf(b, ", %s free disk", mr_fmt_bytes(hw->disk_free,
		    x, sizeof(x)));
	mr_buf_printf(b, "\nProfile %s; %zu catalog models\n",
	    mr_rec_profile_name(prof), cat->n);
	for (i = 0; i < MR_ROLE_COUNT; i++) {
		rr = &recs[i];
		if (rr->context == 0)
			continue;
		mr_buf_printf(b, "\n%s (%s; context %llu%s)\n",
		    mr_role_name(rr->role), role_title(rr->role),
		    (unsigned long long)rr->context,
		    mr_role_hermes_facing(rr->role) ? ", tool calls: Hermes "
		    "Agent" : "");
		if (rr->npicks == 0) {
			mr_buf_printf(b, "  %s\n", rr->advice);
			continue;
		}
		for (k = 0; k < rr->npicks; k++) {
			p = &rr->picks[k];
			mr_buf_printf(b, "  %zu. %s [%s]%s\n", k + 1,
			    p->model->name, p->model->id, p->loaded ?
			    "  (loaded)" : p->installed ? "  (on disk)" : "");
			mr_buf_printf(b, "     %s\n", p->why);
			if (p->loaded)
				mr_buf_printf(b, "     serving: %s\n",
				    p->loaded_on);
			else if (p->installed)
				mr_buf_printf(b, "     at: %s\n",
				    p->installed_at);
			else if (p->file->mlx)
				mr_buf_printf(b, "     get: %s (%s%s)\n",
				    p->file->repo, mr_fmt_bytes(
				    p->file->size_bytes, x, sizeof(x)),
				    p->file->estimated ? ", estimated" : "");
			else if (p->file->file == NULL)
				mr_buf_printf(b, "     get: a %s file of %s (about "
				    "%s)\n", p->file->quant, p->model->gguf_repo,
				    mr_fmt_bytes(p->file->size_bytes, x,
				    sizeof(x)));
			else
				mr_buf_printf(b, "     get: %s %s (%s%s%s)\n",
				    p->model->gguf_repo, p->file->file,
				    mr_fmt_bytes(p->file->size_bytes, x,
				    sizeof(x)), p->file->shards > 1 ?
				    ", split" : "", p->file->estimated ?
				    ", estimated" : "");
		}
	}
	for (i = 0; i < warnings->n; i++)
		mr_cli_warn("warning: %s", warnings->v[i]);
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_strlist dirs = MR_STRLIST_INIT, servers = MR_STRLIST_INIT;
	struct mr_strlist list = MR_STRLIST_INIT;	/* what is probed */
	struct mr_catalog cat;
	struct mr_discover_opts o;
	struct mr_discovery d;
	struct mr_rec_opts ro;
	struct mr_rec_hw hw;
	struct mr_role_rec recs[MR_ROLE_COUNT];
	struct mr_rec_json_in ji;
	struct mr_error err = MR_ERROR_INIT;
	struct mr_buf b = MR_BUF_INIT;
	const char *catalog = NULL, *sysroot, *source;
	double ram = -1, vram = -1, disk = -1, v, timeout = 0.5;
	char *tok, *save = NULL, *copy;
	bool json = false, no_servers = false, no_default_dirs = false;
	bool have_disc = false;
	int c, k, gpu = -1, rc = MR_EXIT_USAGE;

	mr_catalog_init(&cat);
	memset(&ro, 0, sizeof(ro));
	ro.profile = MR_REC_BALANCED;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			rc = MR_EXIT_OK;
			goto out;
		case OPT_JSON:
			json = true;
			break;
		case OPT_ROUTE:
			copy = mr_xstrdup(optarg);
			for (tok = strtok_r(copy, ",", &save); tok != NULL;
			    tok = strtok_r(NULL, ",", &save)) {
				if ((k = mr_role_from_name(tok)) < 0) {
					rc = mr_cli_usage_error(cmd, "unknown "
					    "route '%s' (fast, balanced, "
					    "reasoning, code, vision)", tok);
					free(copy);
					goto out;
				}
				ro.roles |= 1u << k;
			}
			free(copy);
			break;
		case OPT_PROFILE_R:
			if ((k = mr_rec_profile_from_name(optarg)) < 0) {
				rc = mr_cli_usage_error(cmd, "unknown profile "
				    "'%s' (lightweight, balanced, quality)",
				    optarg);
				goto out;
			}
			ro.profile = (enum mr_rec_profile)k;
			break;
		case OPT_CONTEXT:
			if ((rc = number(cmd, "--context", optarg, 512, 1e7,
			    &v)) != MR_EXIT_OK)
				goto out;
			ro.context = (uint64_t)v;
			break;
		case OPT_RAM:
			if ((rc = number(cmd, "--ram-gb", optarg, 0.5, 65536,
			    &ram)) != MR_EXIT_OK)
				goto out;
			break;
		case OPT_VRAM:
			if ((rc = number(cmd, "--vram-gb", optarg, 0, 65536,
			    &vram)) != MR_EXIT_OK)
				goto out;
			break;
		case OPT_DISK:
			if ((rc = number(cmd, "--disk-gb", optarg, 0, 1e7,
			    &disk)) != MR_EXIT_OK)
				goto out;
			break;
		case OPT_GPU:
			for (gpu = 0; gpu_kinds[gpu] != NULL; gpu++)
				if (strcmp(optarg, gpu_kinds[gpu]) == 0)
					break;
			if (gpu_kinds[gpu] == NULL) {
				rc = mr_cli_usage_error(cmd, "unknown --gpu '%s' "
				    "(none, nvidia, amd, intel, apple)", optarg);
				goto out;
			}
			break;
		case OPT_TOP:
			if ((rc = number(cmd, "--top", optarg, 1,
			    MR_REC_MAX_PICKS, &v)) != MR_EXIT_OK)
				goto out;
			ro.top = (size_t)v;
			break;
		case OPT_CATALOG:
			catalog = optarg;
			break;
		case OPT_MODEL_DIR_R:
			mr_strlist_push(&dirs, optarg);
			break;
		case OPT_NO_DEFAULT_DIRS_R:
			no_default_dirs = true;
			break;
		case OPT_SERVER_R:
			if ((rc = mr_cli_server_url(cmd, optarg)) !=
			    MR_EXIT_OK)
				goto out;
			mr_strlist_push_unique(&servers, optarg);
			break;
		case OPT_NO_SERVERS_R:
			no_servers = true;
			break;
		case OPT_TIMEOUT_R:
			if ((rc = mr_cli_seconds(cmd, "--timeout", optarg,
			    &timeout)) != MR_EXIT_OK)
				goto out;
			break;
		default:
			rc = mr_cli_bad_option(cmd, c, argv);
			goto out;
		}
	}
	rc = MR_EXIT_USAGE;
	if (optind < argc) {
		rc = mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
		goto out;
	}
	if (gpu == 4 && vram > 0) {
		rc = mr_cli_usage_error(cmd, "--gpu apple has unified memory: "
		    "give --ram-gb, not --vram-gb");
		goto out;
	}

	if (mr_catalog_load(&cat, catalog, &err) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}

	/* the machine and what is on it */
	memset(&o, 0, sizeof(o));
	o.model_dirs = (const char *const *)dirs.v;
	o.nmodel_dirs = dirs.n;
	o.no_default_dirs = no_default_dirs;
	mr_cli_discover_servers(&list, &servers, &o);
	o.no_servers = no_servers;
	o.timeout_ms = lrint(timeout * 1000);
	sysroot = getenv("MODEL_ROUTER_SYSROOT");
	o.sysroot = sysroot != NULL && *sysroot ? sysroot : NULL;
	mr_discover(&o, NULL, &d);
	have_disc = true;
	mr_rec_hw_from_discovery(&d, &hw);
	source = "detected";
	if (ram > 0 || vram >= 0 || gpu >= 0) {
		source = "given";
		if (ram > 0)
			hw.ram_total = (uint64_t)(ram * GiB);
		if (gpu == 0 || gpu == 4) {
			hw.vram_total = 0;
			hw.gpu_name[0] = '\0';
		}
		hw.unified = gpu == 4;
		if (vram >= 0 && gpu != 4) {
			hw.vram_total = (uint64_t)(vram * GiB);
			if (gpu > 0)
				mr_strlcpy(hw.gpu_name, sizeof(hw.gpu_name),
				    gpu == 1 ? "NVIDIA" : gpu == 2 ? "AMD" :
				    "Intel");
			else
				hw.gpu_name[0] = '\0';
		}
	}
	if (disk >= 0) {
		hw.disk_known = true;
		hw.disk_free = (uint64_t)(disk * GiB);
	}

	mr_recommend(&cat, &hw, &d, &ro, recs);
	if (json) {
		cJSON *j;

		memset(&ji, 0, sizeof(ji));
		ji.cat = &cat;
		ji.hw = &hw;
		ji.hw_source = source;
		ji.profile = ro.profile;
		ji.context = ro.context ? ro.context : MR_REC_DEFAULT_CONTEXT;
		ji.recs = recs;
		ji.warnings = &cat.warnings;
		j = mr_recommend_json(&ji);
		mr_json_print(j, &b);
		mr_buf_addch(&b, '\n');
		cJSON_Delete(j);
	} else {
		print_text(&cat, &hw, source, ro.profile, recs, &cat.warnings,
		    &b);
	}
	rc = mr_cli_write(&b) ? MR_EXIT_OK : MR_EXIT_FAIL;
out:
	if (have_disc)
		mr_discovery_release(&d);
	mr_catalog_release(&cat);
	mr_buf_release(&b);
	mr_strlist_clear(&dirs);
	mr_strlist_clear(&servers);
	mr_strlist_clear(&list);
	return rc;
}

const struct mr_cmd mr_cmd_setup_recommend = {
	.name = "setup recommend",
	.summary = "Recommend models this machine runs well, for each role",
	.usage = "setup recommend [--json] [--route R] [--profile P] "
	    "[--context N]\n"
	    "                    [--ram-gb N] [--vram-gb N] [--disk-gb N] "
	    "[--gpu KIND]\n"
	    "                    [--top N] [--catalog FILE] [scan options]",
	.help =
	    "  --json                    print one JSON document (schema in\n"
	    "                            model-router(1), SETUP RECOMMEND "
	    "JSON)\n"
	    "  --route R                 only these roles: fast, balanced,\n"
	    "                            reasoning, code, vision (comma list)\n"
	    "  --profile P               lightweight, balanced (default) or\n"
	    "                            quality\n"
	    "  --context N               tokens to fit (default 65536; roles\n"
	    "                            that run Hermes Agent never go lower)\n"
	    "  --ram-gb N                pretend this much RAM (GiB)\n"
	    "  --vram-gb N               pretend this much VRAM (GiB)\n"
	    "  --disk-gb N               pretend this much free disk (GiB)\n"
	    "  --gpu KIND                none, nvidia, amd, intel or apple\n"
	    "                            (apple: unified memory of --ram-gb)\n"
	    "  --top N                   picks per role (default 3)\n"
	    "  --catalog FILE            a catalog to add to the built-in one\n"
	    "                            (default ~/.model-router/catalog.yaml)\n"
	    "  --model-dir D, --no-default-dirs, --server URL, --no-servers,\n"
	    "  --timeout S               as for setup scan: where to look for\n"
	    "                            models on disk and loaded\n"
	    "  -h, --help                show this help\n"
	    "\nEach pick says what it needs: weights, the KV cache at the\n"
	    "context, overhead, against what this machine offers, and\n"
	    "whether it is on disk already. Models on disk or loaded come\n"
	    "first when they fit.\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};
