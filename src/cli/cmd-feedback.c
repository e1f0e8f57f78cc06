/*
 * feedback: a label for one routed request (its X-ModelRouter-Request-ID)
 * saying which engine it should have gone to, appended to the feedback
 * file in the reference's format:
 * {"event_type":"routing_feedback","expected_engine",...} with sorted keys.
 * Unlike the reference, the engine is checked against the router config.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli-int.h"
#include "mr/config.h"
#include "mr/fileio.h"

enum { OPT_F_OUTPUT = 1000, OPT_F_NOTES, OPT_F_OUTCOME };

static const struct option options[] = {
	{ "output", required_argument, NULL, OPT_F_OUTPUT },
	{ "notes", required_argument, NULL, OPT_F_NOTES },
	{ "outcome", required_argument, NULL, OPT_F_OUTCOME },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static const char *const outcomes[] = {
	"accepted", "wrong_route", "too_expensive", "too_slow",
	"failed_verification"
};

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	const char *output = NULL, *notes = NULL, *outcome = NULL;
	const char *config = NULL, *id, *engine, *near;
	const struct mr_config *cfg;
	struct mr_router *router;
	struct mr_error err = MR_ERROR_INIT;
	struct timeval tv;
	struct tm tm;
	const char **names;
	char ts[40], *path = NULL, *line = NULL, *dir, *msg = NULL;
	size_t i, n;
	cJSON *o;
	int c, fd, rc = MR_EXIT_FAIL;
	bool hex = true;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return MR_EXIT_OK;
		case OPT_F_OUTPUT:
			output = optarg;
			break;
		case OPT_F_NOTES:
			notes = optarg;
			break;
		case OPT_F_OUTCOME:
			outcome = optarg;
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if (argc - optind != 2)
		return mr_cli_usage_error(cmd, "wants REQUEST_ID and "
		    "EXPECTED_ENGINE");
	id = argv[optind];
	engine = argv[optind + 1];
	if (outcome != NULL) {
		for (i = 0; i < MR_NELEM(outcomes); i++)
			if (strcmp(outcome, outcomes[i]) == 0)
				break;
		if (i == MR_NELEM(outcomes))
			return mr_cli_usage_error(cmd, "--outcome must be one "
			    "of: accepted, wrong_route, too_expensive, too_slow, "
			    "failed_verification");
	}
	if (*id == '\0' || strlen(id) > 64)
		return mr_cli_usage_error(cmd, "REQUEST_ID is the proxy's "
		    "X-ModelRouter-Request-ID (8 hex digits)");
	for (i = 0; id[i]; i++)
		hex = hex && strchr("0123456789abcdef", id[i]) != NULL;
	if (!hex || i != 8)
		mr_cli_warn("'%s' does not look like a proxy request id (8 hex "
		    "digits); written all the same", id);
	/* the engine must be one the router knows */
	if ((router = mr_cli_load_router(config, &msg)) == NULL) {
		fprintf(stderr, "model-router: %s\n", msg);
		free(msg);
		return MR_EXIT_FAIL;
	}
	cfg = mr_router_config(router);
	names = mr_xcalloc(cfg->nengines + 1, sizeof(*names));
	for (n = 0; n < cfg->nengines; n++)
		names[n] = cfg->engines[n].name;
	if (mr_config_engine_index(cfg, engine) < 0) {
		near = mr_did_you_mean(engine, names, n);
		rc = mr_cli_usage_error(cmd, "unknown engine '%s'%s%s%s", engine,
		    near ? " (did you mean '" : "", near ? near : "",
		    near ? "'?)" : "");
		free(names);
		mr_router_free(router);
		return rc;
	}
	free(names);
	mr_router_free(router);

	path = output ? mr_xstrdup(output) :
	    mr_cli_home_file("routing-feedback.jsonl");
	dir = mr_xstrdup(path);
	if (mr_mkdirs(dirname(dir), 0700, &err) < 0) {
		free(dir);
		rc = mr_cli_fail(&err);
		goto out;
	}
	free(dir);
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
	/* keys in sorted order, as the reference writes them */
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "event_type", "routing_feedback");
	cJSON_AddStringToObject(o, "expected_engine", engine);
	if (notes != NULL)
		cJSON_AddStringToObject(o, "notes", notes);
	if (outcome != NULL)
		cJSON_AddStringToObject(o, "outcome_label", outcome);
	cJSON_AddStringToObject(o, "request_id", id);
	cJSON_AddStringToObject(o, "timestamp", ts);
	msg = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	line = mr_xasprintf("%s\n", msg ? msg : "{}");
	free(msg);
	/* one write to an O_APPEND file: lines never interleave */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line)) {
		fprintf(stderr, "model-router: %s: cannot write: %s\n", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	printf("Feedback written to %s\n", path);
	rc = MR_EXIT_OK;
out:
	free(line);
	free(path);
	return rc;
}

const struct mr_cmd mr_cmd_feedback = {
	.name = "feedback",
	.summary = "Record which engine a routed request should have gone to",
	.usage = "feedback [--output PATH] [--notes TEXT] [--outcome LABEL] "
	    "REQUEST_ID EXPECTED_ENGINE",
	.help =
	    "  --output PATH             the feedback file (default\n"
	    "                            ~/.model-router/routing-feedback.jsonl)\n"
	    "  --notes TEXT              a note kept with the label\n"
	    "  --outcome LABEL           accepted, wrong_route, too_expensive,\n"
	    "                            too_slow or failed_verification\n"
	    "  --config PATH             the router config whose engines are\n"
	    "                            valid answers\n"
	    "  -h, --help                show this help\n"
	    "\nREQUEST_ID is the X-ModelRouter-Request-ID header of the proxy's\n"
	    "answer (also request_id in its events file).\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};
