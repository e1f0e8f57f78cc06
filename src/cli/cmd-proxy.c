/*
 * proxy run (and model-router-proxy): the routing proxy in the
 * foreground.  SIGTERM and SIGINT stop it after the requests in flight;
 * SIGHUP reads the config again.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-int.h"
#include "mr/proxy.h"

enum {
	OPT_P_CONFIG = 1000, OPT_P_HOST, OPT_P_PORT, OPT_P_INSECURE,
	OPT_P_LOG_LEVEL
};

static const struct option options[] = {
	{ "config", required_argument, NULL, OPT_P_CONFIG },
	{ "host", required_argument, NULL, OPT_P_HOST },
	{ "port", required_argument, NULL, OPT_P_PORT },
	{ "insecure-no-auth", no_argument, NULL, OPT_P_INSECURE },
	{ "log-level", required_argument, NULL, OPT_P_LOG_LEVEL },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static volatile sig_atomic_t stop, reload;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	reload = 1;
}

static void
on_ready(void *ctx, int port)
{
	const char *host = ctx;

	fprintf(stderr, "model-router-proxy: listening on http://%s:%d/v1\n",
	    host, port);
	fflush(stderr);
}

static void
on_log(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "model-router-proxy: %s\n", line);
	fflush(stderr);
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_proxy_opts o;
	struct mr_error err = MR_ERROR_INIT;
	struct sigaction sa;
	const char *h = getenv("MODEL_ROUTER_HOME");
	char *path = NULL, *end;
	long port;
	int c, rc;

	memset(&o, 0, sizeof(o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return MR_EXIT_OK;
		case OPT_P_CONFIG:
			o.config_path = optarg;
			break;
		case OPT_P_HOST:
			o.host = optarg;
			break;
		case OPT_P_PORT:
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno || *end || port < 0 || port > 65535)
				return mr_cli_usage_error(cmd, "--port wants a "
				    "port from 0 to 65535, not '%s'", optarg);
			o.port = port == 0 ? -1 : (int)port;
			break;
		case OPT_P_INSECURE:
			o.insecure_no_auth = true;
			break;
		case OPT_P_LOG_LEVEL:
			break;	/* accepted for the reference's command line */
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if (optind < argc)
		return mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
	if (o.config_path == NULL) {
		path = h && *h ? mr_xasprintf("%s/routing_proxy.yaml", h) :
		    mr_expand_home("~/.model-router/routing_proxy.yaml");
		o.config_path = path;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	o.stop = &stop;
	o.reload = &reload;
	o.ready = on_ready;
	o.log = on_log;
	o.ctx = (void *)(o.host ? o.host : "127.0.0.1");
	rc = mr_proxy_run(&o, &err) == 0 ? MR_EXIT_OK : mr_cli_fail(&err);
	free(path);
	return rc;
}

const struct mr_cmd mr_cmd_proxy_run = {
	.name = "proxy run",
	.summary = "Run the routing proxy in the foreground",
	.usage = "proxy run [--config PATH] [--host H] [--port N] "
	    "[--insecure-no-auth]",
	.help =
	    "  --config PATH             the proxy config (default\n"
	    "                            $MODEL_ROUTER_HOME/routing_proxy.yaml\n"
	    "                            or ~/.model-router/routing_proxy.yaml)\n"
	    "  --host H                  listen on H (default: the config's)\n"
	    "  --port N                  listen on N (default: the config's;\n"
	    "                            0 picks a free one)\n"
	    "  --insecure-no-auth        allow a non-loopback address without\n"
	    "                            a key\n"
	    "  --log-level L             accepted for hermes-router's command\n"
	    "                            line; ignored\n"
	    "  -h, --help                show this help\n"
	    "\nAlso runs as 'model-router-proxy [options]'. SIGTERM stops it\n"
	    "after the requests in flight; SIGHUP reloads the config (a bad\n"
	    "one is refused and the old one kept).\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};
