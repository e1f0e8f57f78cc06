/*
 * doctor: every check a working setup needs, grouped, with a summary and
 * the fixes in order.  The checks are src/doctor's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli-int.h"
#include "mr/doctor.h"
#include "mr/json.h"

enum {
	OPT_D_CONFIG = 900, OPT_D_HERMES, OPT_D_NO_HERMES, OPT_D_HOME,
	OPT_D_TIMEOUT, OPT_D_LIVE, OPT_D_BUNDLE
};

static const struct option options[] = {
	{ "config", required_argument, NULL, OPT_D_CONFIG },
	{ "hermes", no_argument, NULL, OPT_D_HERMES },
	{ "no-hermes", no_argument, NULL, OPT_D_NO_HERMES },
	{ "hermes-home", required_argument, NULL, OPT_D_HOME },
	{ "timeout", required_argument, NULL, OPT_D_TIMEOUT },
	{ "live", no_argument, NULL, OPT_D_LIVE },
	{ "bundle", required_argument, NULL, OPT_D_BUNDLE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static const char *const groups[] = { "config", "backend", "proxy", "hermes" };
static const char *const titles[] = { "Configs", "Backends", "Proxy",
	"Hermes Agent" };

static const char *
mark(enum mr_check_status s)
{
	switch (s) {
	case MR_CHECK_OK:
		return "ok  ";
	case MR_CHECK_WARN:
		return "WARN";
	case MR_CHECK_FAIL:
		return "FAIL";
	case MR_CHECK_SKIP:
		return "skip";
	}
	return "?";
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_doctor_opts o;
	struct mr_doctor_result r;
	struct mr_buf out = MR_BUF_INIT;
	const struct mr_check *c;
	double timeout = 1.0;
	const char *bundle = NULL;
	struct mr_error err = MR_ERROR_INIT;
	bool json = false, bundle_failed = false;
	size_t g, i, nfix = 0, ok = 0, skip = 0, w;
	int ch, rc;

	memset(&o, 0, sizeof(o));
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (ch) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return MR_EXIT_OK;
		case OPT_D_CONFIG:
			o.proxy_config = optarg;
			break;
		case OPT_D_HERMES:
			o.no_hermes = false;
			break;
		case OPT_D_NO_HERMES:
			o.no_hermes = true;
			break;
		case OPT_D_HOME:
			o.hermes_home = optarg;
			break;
		case OPT_D_TIMEOUT:
			if ((rc = mr_cli_seconds(cmd, "--timeout", optarg,
			    &timeout)) != MR_EXIT_OK)
				return rc;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_D_LIVE:
			o.live = true;
			break;
		case OPT_D_BUNDLE:
			bundle = optarg;
			break;
		default:
			return mr_cli_bad_option(cmd, ch, argv);
		}
	}
	if (optind < argc)
		return mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
	o.timeout_ms = lrint(timeout * 1000);
	mr_doctor_run(&o, NULL, &r);

	if (bundle != NULL && mr_doctor_bundle(bundle, &r, &o, &err) < 0) {
		mr_cli_fail(&err);
		bundle_failed = true;
	}
	if (json) {
		cJSON *j = mr_doctor_json(&r);

		mr_json_print(j, &out);
		mr_buf_addch(&out, '\n');
		cJSON_Delete(j);
	} else {
		for (w = 0, i = 0; i < r.n; i++)
			if (strlen(r.checks[i].id) > w)
				w = strlen(r.checks[i].id);
		for (g = 0; g < MR_NELEM(groups); g++) {
			bool any = false;

			for (i = 0; i < r.n; i++) {
				c = &r.checks[i];
				if (strcmp(c->group, groups[g]) != 0)
					continue;
				if (!any)
					mr_buf_printf(&out, "%s%s\n", out.len ?
					    "\n" : "", titles[g]);
				any = true;
				mr_buf_printf(&out, "  %s  %-*s  %s\n",
				    mark(c->status), (int)w, c->id, c->finding);
			}
		}
		for (i = 0; i < r.n; i++) {
			ok += r.checks[i].status == MR_CHECK_OK;
			skip += r.checks[i].status == MR_CHECK_SKIP;
		}
		mr_buf_printf(&out, "\n%zu ok, %zu warning%s, %zu failed, %zu "
		    "skipped\n", ok, r.warns, r.warns == 1 ? "" : "s", r.fails,
		    skip);
		for (i = 0; i < r.n; i++) {
			c = &r.checks[i];
			if (c->fix == NULL || (c->status != MR_CHECK_FAIL &&
			    c->status != MR_CHECK_WARN))
				continue;
			if (nfix++ == 0)
				mr_buf_addstr(&out, "\nTo fix, in order:\n");
			mr_buf_printf(&out, "  %zu. [%s] %s\n", nfix, c->id,
			    c->fix);
		}
	}
	if (bundle != NULL && !bundle_failed && !json)
		mr_buf_printf(&out, "\nSupport bundle (secrets removed): %s\n",
		    bundle);
	rc = mr_cli_write(&out) && !bundle_failed ? (r.fails > 0 ?
	    MR_EXIT_FAIL : MR_EXIT_OK) : MR_EXIT_FAIL;
	mr_doctor_result_release(&r);
	mr_buf_release(&out);
	return rc;
}

const struct mr_cmd mr_cmd_doctor = {
	.name = "doctor",
	.summary = "Check the whole setup and say how to fix each problem",
	.usage = "doctor [--config PATH] [--hermes | --no-hermes] "
	    "[--hermes-home D]\n"
	    "                    [--live] [--timeout S] [--json] "
	    "[--bundle FILE.tar.gz]",
	.help =
	    "  --config PATH             the proxy config (default: as\n"
	    "                            validate-proxy-config)\n"
	    "  --hermes                  check Hermes Agent's config (default)\n"
	    "  --no-hermes               do not\n"
	    "  --hermes-home D           Hermes's home (default: as Hermes\n"
	    "                            finds it)\n"
	    "  --live                    also run each model once: a request\n"
	    "                            with a tool, and a streamed one\n"
	    "  --timeout S               seconds to wait for a server (1)\n"
	    "  --bundle FILE.tar.gz      also write a support archive: the\n"
	    "                            checks, a scan, the configs and the\n"
	    "                            last log lines, with secrets removed\n"
	    "  --json                    print every check as JSON\n"
	    "  -h, --help                show this help\n"
	    "\nChecks the configs, every backend (all at once: reachable, the\n"
	    "model served, the context it has loaded, tool calls), the\n"
	    "proxy's port and Hermes Agent's endpoint, key and context.\n"
	    "Exit status 1 when a check failed; warnings do not count.\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};
