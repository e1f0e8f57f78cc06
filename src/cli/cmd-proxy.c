/*
 * proxy run (and model-router-proxy): the routing proxy in the
 * foreground.  SIGTERM and SIGINT stop it after the requests in flight;
 * SIGHUP reads the config again.  proxy start serves the same way,
 * detached, with a pid file and a log (mr_cli_proxy_serve).
 *
 * model-router-proxy is also a program of its own (src/proxy-main.c):
 * the proxy and what it needs, without the other commands.  proxy run
 * becomes that program when it sits beside model-router (exec, the same
 * process), so a proxy left running maps half the code.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/fileio.h"
#include "mr/pidfile.h"
#include "mr/proxy.h"
#include "mr/unicode.h"

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
static bool proxy_program;	/* running as model-router-proxy */
static int wake[2] = { -1, -1 };	/* the handlers' news for the server */

static void
news(void)
{
	int e = errno;

	if (wake[1] >= 0 && write(wake[1], "", 1) < 0) {
		/* full: the server has news to read anyway */
	}
	errno = e;
}

static void
on_stop(int sig)
{
	(void)sig;
	if (stop < 2)
		stop++;		/* a second signal ends the drain */
	news();
}

static void
on_hup(int sig)
{
	(void)sig;
	reload = 1;
	news();
}

/* What the callbacks need. */
struct serve_ctx {
	const char	*host;
	bool		 background;
	int		 pidfd;		/* background: the held pid file */
	const char	*log_path;
	int		 report;	/* background: the pipe to the parent */
};

/* A line for the log; stamped when it goes to a file. */
static void
say(const struct serve_ctx *x, const char *fmt, ...)
{
	char ts[32];
	time_t now;
	struct tm tm;
	va_list ap;

	if (x->background) {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ ", &tm);
		fputs(ts, stderr);
	}
	fputs("model-router-proxy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void
on_ready(void *ctx, int port)
{
	struct serve_ctx *x = ctx;
	char msg[32];
	int n;

	say(x, "listening on http://%s:%d/v1", x->host, port);
	if (x->background) {
		mr_pidfile_set_port(x->pidfd, x->log_path, port);
		n = snprintf(msg, sizeof(msg), "R%d\n", port);
		(void)!write(x->report, msg, (size_t)n);
		close(x->report);
		x->report = -1;
	}
}

static void
on_log(void *ctx, const char *line)
{
	say(ctx, "%s", line);
}

/* Options into O; an exit code when done (help, usage error), else -1. */
static int
parse(const struct mr_cmd *cmd, int argc, char **argv,
    struct mr_proxy_opts *o)
{
	char *end;
	long port;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return MR_EXIT_OK;
		case OPT_P_CONFIG:
			o->config_path = optarg;
			break;
		case OPT_P_HOST:
			o->host = optarg;
			break;
		case OPT_P_PORT:
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || port < 0 ||
			    port > 65535)
				return mr_cli_usage_error(cmd, "--port wants a "
				    "port from 0 to 65535, not '%s'", optarg);
			o->port = port == 0 ? -1 : (int)port;
			break;
		case OPT_P_INSECURE:
			o->insecure_no_auth = true;
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
	return -1;
}

static int
serve(struct mr_proxy_opts *o, struct serve_ctx *x, struct mr_error *err)
{
	struct sigaction sa;
	int i;

	/* a pipe, so that the server sleeps until a signal comes */
	if (wake[0] < 0 && pipe(wake) == 0)
		for (i = 0; i < 2; i++) {
			fcntl(wake[i], F_SETFD, FD_CLOEXEC);
			fcntl(wake[i], F_SETFL, O_NONBLOCK);
		}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	o->stop = &stop;
	o->reload = &reload;
	o->wake_fd = wake[0];
	o->ready = on_ready;
	o->log = on_log;
	o->ctx = x;
	return mr_proxy_run(o, err);
}

/* The detached child: never returns. */
static void
child(struct mr_proxy_opts *o, struct serve_ctx *x, const char *pidpath)
{
	struct mr_error err = MR_ERROR_INIT;
	char *m;
	int fd;

	setsid();
	if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	if ((fd = open(x->log_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0600)) >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	if ((x->pidfd = mr_pidfile_acquire(pidpath, x->log_path, &err)) < 0 ||
	    serve(o, x, &err) < 0) {
		m = mr_error_format(&err);
		say(x, "%s", m);
		if (x->report >= 0) {
			(void)!write(x->report, "E", 1);
			(void)!write(x->report, m, strlen(m));
		}
		free(m);
		if (x->pidfd >= 0)
			unlink(pidpath);
		_exit(1);
	}
	say(x, "stopped");
	unlink(pidpath);	/* still ours: the lock is held until exit */
	_exit(0);
}

/* Starts the proxy in the background; returns once it listens. */
static int
start(struct mr_proxy_opts *o, struct serve_ctx *x)
{
	struct mr_error err = MR_ERROR_INIT;
	struct mr_pidinfo info;
	struct mr_buf got = MR_BUF_INIT;
	struct pollfd pfd;
	char *pidpath = mr_cli_home_file("proxy.pid");
	char *logdir = mr_cli_home_file("logs"), chunk[512];
	int p[2], rc = MR_EXIT_FAIL;
	double left = 15000;
	ssize_t n;
	pid_t pid;

	if (mr_mkdirs(logdir, 0700, &err) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (mr_pidfile_read(pidpath, &info, &err) < 0) {
		rc = mr_cli_fail(&err);
		goto out;
	}
	if (info.running) {
		fprintf(stderr, "model-router: the proxy is already running "
		    "(pid %ld, http://127.0.0.1:%d/v1); 'model-router proxy "
		    "restart' starts it again\n", (long)info.pid, info.port);
		goto out;
	}
	if (access(pidpath, F_OK) == 0) {
		unlink(pidpath);
		fprintf(stderr, "model-router: removed a stale pid file (pid "
		    "%ld is gone)\n", (long)info.pid);
	}
	if (pipe(p) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "model-router: cannot start the proxy: %s\n",
		    strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(p[0]);
		x->report = p[1];
		child(o, x, pidpath);
	}
	close(p[1]);
	/* the child says R<port> once listening, or E<why> */
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while (left > 0 && poll(&pfd, 1, 100) >= 0) {
		left -= 100;
		if (pfd.revents == 0)
			continue;
		if ((n = read(p[0], chunk, sizeof(chunk))) <= 0)
			break;
		mr_buf_add(&got, chunk, (size_t)n);
	}
	close(p[0]);
	if (got.len > 0 && got.buf[0] == 'R') {
		printf("model-router-proxy started (pid %ld): "
		    "http://%s:%ld/v1\n  log: %s\n  stop: model-router proxy "
		    "stop\n", (long)pid, x->host, strtol(got.buf + 1, NULL, 10),
		    x->log_path);
		rc = MR_EXIT_OK;
	} else if (got.len > 0 && got.buf[0] == 'E') {
		fprintf(stderr, "model-router: %s\n", got.buf + 1);
	} else {
		fprintf(stderr, "model-router: the proxy did not start within "
		    "15 s; see %s\n", x->log_path);
	}
out:
	mr_buf_release(&got);
	free(pidpath);
	free(logdir);
	return rc;
}

/*
 * proxy run with options ARGV[1..] (checked already): runs
 * model-router-proxy from the same folder in this process's place, when
 * it is there and is not this very file.  Returns only when it does not
 * (then this process serves).  Its messages begin "model-router:" as
 * ours do: it is given that name.
 */
static void
become_proxy_program(int argc, char **argv)
{
#ifdef __linux__
	char self[4096], *slash, *path, **args;
	struct stat a, b;
	ssize_t n;
	int i;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return;
	path = mr_xasprintf("%.*s/model-router-proxy", (int)(slash - self),
	    self);
	if (stat(path, &a) == 0 && stat(self, &b) == 0 &&
	    (a.st_dev != b.st_dev || a.st_ino != b.st_ino) &&
	    access(path, X_OK) == 0) {
		args = mr_xcalloc((size_t)argc + 1, sizeof(*args));
		args[0] = (char *)"model-router";
		for (i = 1; i < argc; i++)
			args[i] = argv[i];
		fflush(NULL);
		execv(path, args);
		free(args);	/* it did not run: serve here */
	}
	free(path);
#else
	(void)argc;
	(void)argv;
#endif
}

int
mr_cli_proxy_main(int argc, char **argv)
{
	const char *base = argc > 0 && argv[0] ? strrchr(argv[0], '/') : NULL;
	int rc;

	proxy_program = true;
	mr_cli_progname = base ? base + 1 : argc > 0 && argv[0] && *argv[0] ?
	    argv[0] : "model-router-proxy";
	rc = mr_cmd_proxy_run.run(&mr_cmd_proxy_run, argc, argv);
	mr_uni_cleanup();
	return rc;
}

int
mr_cli_proxy_serve(const struct mr_cmd *cmd, int argc, char **argv,
    bool background)
{
	struct mr_proxy_opts o;
	struct mr_error err = MR_ERROR_INIT;
	struct serve_ctx x;
	char *path = NULL, *log = NULL;
	int rc;

	if ((rc = parse(cmd, argc, argv, &o)) >= 0)
		return rc;
	if (o.config_path == NULL)
		o.config_path = path = mr_cli_home_file("routing_proxy.yaml");
	memset(&x, 0, sizeof(x));
	x.host = o.host ? o.host : "127.0.0.1";
	x.background = background;
	x.pidfd = -1;
	x.report = -1;
	if (background) {
		x.log_path = log = mr_cli_home_file("logs/proxy.log");
		rc = start(&o, &x);
	} else {
		if (!proxy_program)
			become_proxy_program(argc, argv);
		rc = serve(&o, &x, &err) == 0 ? MR_EXIT_OK : mr_cli_fail(&err);
	}
	free(path);
	free(log);
	return rc;
}

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	return mr_cli_proxy_serve(cmd, argc, argv, false);
}

#define SERVE_HELP \
	"  --config PATH             the proxy config (default\n" \
	"                            $MODEL_ROUTER_HOME/routing_proxy.yaml\n" \
	"                            or ~/.model-router/routing_proxy.yaml)\n" \
	"  --host H                  listen on H (default: the config's)\n" \
	"  --port N                  listen on N (default: the config's;\n" \
	"                            0 picks a free one)\n" \
	"  --insecure-no-auth        allow a non-loopback address without\n" \
	"                            a key\n" \
	"  --log-level L             accepted for hermes-router's command\n" \
	"                            line; ignored\n" \
	"  -h, --help                show this help\n"

const struct mr_cmd mr_cmd_proxy_run = {
	.name = "proxy run",
	.summary = "Run the routing proxy in the foreground",
	.usage = "proxy run [--config PATH] [--host H] [--port N] "
	    "[--insecure-no-auth]",
	.help = SERVE_HELP
	    "\nAlso runs as 'model-router-proxy [options]'. SIGTERM stops it\n"
	    "after the requests in flight (30 s at most; a second signal\n"
	    "stops it at once); SIGHUP reloads the config (a bad one is\n"
	    "refused and the old one kept).\n",
	.options = options,
	.shortopts = ":h",
	.run = run,
};

static int
run_start(const struct mr_cmd *cmd, int argc, char **argv)
{
	return mr_cli_proxy_serve(cmd, argc, argv, true);
}

const struct mr_cmd mr_cmd_proxy_start = {
	.name = "proxy start",
	.summary = "Start the routing proxy in the background",
	.usage = "proxy start [--config PATH] [--host H] [--port N] "
	    "[--insecure-no-auth]",
	.help = SERVE_HELP
	    "\nReturns once the proxy listens. Its pid file is\n"
	    "~/.model-router/proxy.pid and its log ~/.model-router/logs/\n"
	    "proxy.log (under $MODEL_ROUTER_HOME when set). A second instance\n"
	    "is refused; a pid file left by a proxy that died is removed.\n",
	.options = options,
	.shortopts = ":h",
	.run = run_start,
};

static int
run_restart(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_proxy_opts o;
	int rc;

	/* options first: a usage error stops nothing */
	if ((rc = parse(cmd, argc, argv, &o)) >= 0)
		return rc;
	if ((rc = mr_cli_proxy_stop(30, true)) != MR_EXIT_OK)
		return rc;
	return mr_cli_proxy_serve(cmd, argc, argv, true);
}

const struct mr_cmd mr_cmd_proxy_restart = {
	.name = "proxy restart",
	.summary = "Stop the background proxy and start it again",
	.usage = "proxy restart [--config PATH] [--host H] [--port N] "
	    "[--insecure-no-auth]",
	.help = SERVE_HELP
	    "\nStops the background proxy (after its requests in flight, at\n"
	    "most 30 s) if it runs, then starts it as 'proxy start' does. To\n"
	    "read a changed config without a restart, send it SIGHUP.\n",
	.options = options,
	.shortopts = ":h",
	.run = run_restart,
};
