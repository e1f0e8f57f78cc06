/*
 * proxy status: whether the background proxy runs, where, and what its
 * /health says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli-int.h"
#include "mr/http.h"
#include "mr/json.h"
#include "mr/pidfile.h"

static const struct option options[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static double
num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static void
text(const struct mr_pidinfo *info, const char *pidpath, cJSON *health,
    struct mr_buf *b)
{
	const cJSON *be, *arr;
	bool first = true;

	if (!info->running) {
		mr_buf_addstr(b, "model-router-proxy is not running\n");
		if (info->pid > 0)
			mr_buf_printf(b, "  a stale pid file is left (%s, pid "
			    "%ld); 'model-router proxy start' removes it\n",
			    pidpath, (long)info->pid);
		return;
	}
	mr_buf_printf(b, "model-router-proxy is running\n"
	    "  pid:       %ld\n  url:       http://127.0.0.1:%d/v1\n"
	    "  log:       %s\n", (long)info->pid, info->port,
	    info->log[0] ? info->log : "(none)");
	if (health == NULL) {
		mr_buf_addstr(b, "  health:    no answer from /health\n");
		return;
	}
	mr_buf_printf(b, "  requests:  %.0f (forwarded %.0f, fallbacks %.0f, "
	    "errors %.0f), in flight %.0f\n", num(health, "requests"),
	    num(health, "forwarded"), num(health, "fallbacks"),
	    num(health, "errors"), num(health, "in_flight"));
	mr_buf_addstr(b, "  backends:  ");
	arr = cJSON_GetObjectItemCaseSensitive(health, "backends");
	cJSON_ArrayForEach(be, arr) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(be, "name");

		mr_buf_printf(b, "%s%s (%s)", first ? "" : ", ",
		    cJSON_IsString(n) ? n->valuestring : "?", cJSON_IsTrue(
		    cJSON_GetObjectItemCaseSensitive(be, "cooling_down")) ?
		    "skipped after failures" : "ok");
		first = false;
	}
	mr_buf_addch(b, '\n');
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_pidinfo info;
	struct mr_http_get g;
	struct mr_buf b = MR_BUF_INIT;
	char *pidpath, *url = NULL;
	cJSON *health = NULL, *o;
	bool json = false;
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
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if (optind < argc)
		return mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
	pidpath = mr_cli_home_file("proxy.pid");
	if (mr_pidfile_read(pidpath, &info, &err) < 0) {
		free(pidpath);
		return mr_cli_fail(&err);
	}
	if (info.running && info.port > 0) {
		url = mr_xasprintf("http://127.0.0.1:%d/health", info.port);
		memset(&g, 0, sizeof(g));
		g.url = url;
		g.timeout_ms = 2000;
		mr_http_get_all(&g, 1);
		if (g.status == 200)
			health = cJSON_ParseWithLength(g.body.buf, g.body.len);
		mr_http_get_release(&g);
	}
	if (json) {
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "running", info.running);
		if (info.pid > 0)
			cJSON_AddNumberToObject(o, "pid", info.pid);
		if (info.running) {
			cJSON_AddNumberToObject(o, "port", info.port);
			cJSON_AddStringToObject(o, "log", info.log);
		} else if (info.pid > 0) {
			cJSON_AddBoolToObject(o, "stale_pid_file", true);
		}
		cJSON_AddStringToObject(o, "pid_file", pidpath);
		if (health != NULL) {
			cJSON_AddItemToObject(o, "health", health);
			health = NULL;
		}
		mr_json_print(o, &b);
		mr_buf_addch(&b, '\n');
		cJSON_Delete(o);
	} else {
		text(&info, pidpath, health, &b);
	}
	rc = mr_cli_write(&b) ? (info.running ? MR_EXIT_OK : MR_EXIT_FAIL) :
	    MR_EXIT_FAIL;
	cJSON_Delete(health);
	mr_buf_release(&b);
	free(url);
	free(pidpath);
	return rc;
}

const struct mr_cmd mr_cmd_proxy_status = {
	.name = "proxy status",
	.summary = "Say whether the background proxy runs, and how it does",
	.usage = "proxy status [--json]",
	.help =
	    "  --json                    print JSON\n"
	    "  -h, --help                show this help\n"
	    "\nExit 0 when it runs, 1 when it does not.\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};
