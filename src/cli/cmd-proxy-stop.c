/*
 * proxy stop: SIGTERM to the background proxy, then wait while it
 * finishes the requests in flight (its pid file's lock goes with it).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/pidfile.h"

static const struct option options[] = {
	{ "timeout", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

int
mr_cli_proxy_stop(double timeout, bool quiet)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_pidinfo info;
	char *pidpath = mr_cli_home_file("proxy.pid");
	double waited = 0;
	pid_t pid;
	int rc = MR_EXIT_OK, r;

	if ((r = mr_pidfile_read(pidpath, &info, &err)) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (r == 1 || !info.running) {
		if (r == 0) {
			unlink(pidpath);
			fprintf(stderr, "model-router: removed a stale pid file "
			    "(pid %ld is gone)\n", (long)info.pid);
		}
		if (!quiet)
			printf("model-router-proxy is not running\n");
		goto out;
	}
	pid = info.pid;
	if (pid <= 0 || kill(pid, SIGTERM) < 0) {
		fprintf(stderr, "model-router: cannot stop pid %ld: %s\n",
		    (long)info.pid, info.pid <= 0 ? "the pid file names none" :
		    strerror(errno));
		rc = MR_EXIT_FAIL;
		goto out;
	}
	/* the lock is released when the process is gone */
	while (waited < timeout) {
		usleep(50000);
		waited += 0.05;
		if (mr_pidfile_read(pidpath, &info, NULL) != 0 ||
		    !info.running) {
			printf("model-router-proxy stopped (pid %ld)\n",
			    (long)pid);
			goto out;
		}
	}
	fprintf(stderr, "model-router: the proxy (pid %ld) is still finishing "
	    "requests after %g s; 'kill -KILL %ld' ends it now\n",
	    (long)pid, timeout, (long)pid);
	rc = MR_EXIT_FAIL;
out:
	free(pidpath);
	return rc;
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	double timeout = 30;
	char *end;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ht:", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return MR_EXIT_OK;
		case 't':
			timeout = strtod(optarg, &end);
			if (*end || end == optarg || !(timeout > 0) ||
			    timeout > 3600)
				return mr_cli_usage_error(cmd, "--timeout wants "
				    "seconds from 0 to 3600, not '%s'", optarg);
			break;
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if (optind < argc)
		return mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
	return mr_cli_proxy_stop(timeout, false);
}

const struct mr_cmd mr_cmd_proxy_stop = {
	.name = "proxy stop",
	.summary = "Stop the background proxy after its requests in flight",
	.usage = "proxy stop [--timeout S]",
	.help =
	    "  -t, --timeout S           wait at most S seconds (default 30)\n"
	    "  -h, --help                show this help\n"
	    "\nExit 0 when it stopped or was not running; 1 when it is still\n"
	    "running after the wait.\n",
	.options = options,
	.shortopts = ":ht:",
	.run = run,
};
