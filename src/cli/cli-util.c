/*
 * What every command shares: help, usage errors and failures printed the
 * same way, the output written whole, files under the home folder.  Apart
 * from the command table, so that model-router-proxy links only the
 * proxy's commands.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli-int.h"

const char *mr_cli_progname = "model-router";

void
mr_cli_help(const struct mr_cmd *cmd, FILE *fp)
{
	fprintf(fp, "usage: model-router %s\n\n%s.\n", cmd->usage,
	    cmd->summary);
	if (cmd->help && *cmd->help)
		fprintf(fp, "\noptions:\n%s", cmd->help);
	fprintf(fp, "\nExit status: 0 ok, 1 the command's check failed, "
	    "2 usage error.\nSee model-router(1) for details.\n");
}

void
mr_cli_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", mr_cli_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
mr_cli_usage_error(const struct mr_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s%s", mr_cli_progname, cmd ? cmd->name : "",
	    cmd ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "usage: model-router %s\n"
		    "Try 'model-router %s --help' for more information.\n",
		    cmd->usage, cmd->name);
	else
		fprintf(stderr, "Try 'model-router --help' for more "
		    "information.\n");
	return MR_EXIT_USAGE;
}

int
mr_cli_bad_option(const struct mr_cmd *cmd, int c, char **argv)
{
	if (c == ':')
		return mr_cli_usage_error(cmd, "option '%s' needs a value",
		    argv[optind - 1]);
	return mr_cli_usage_error(cmd, "unknown option '%s'",
	    argv[optind - 1]);
}

int
mr_cli_fail(struct mr_error *err)
{
	char *msg = mr_error_format(err);

	mr_cli_warn("%s", msg);
	free(msg);
	mr_error_clear(err);
	return MR_EXIT_FAIL;
}

int
mr_cli_seconds(const struct mr_cmd *cmd, const char *opt, const char *arg,
    double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || !(v >= 0.01 &&
	    v <= 60))
		return mr_cli_usage_error(cmd, "%s wants seconds from 0.01 to "
		    "60, not '%s'", opt, arg);
	*out = v;
	return MR_EXIT_OK;
}

int
mr_cli_server_url(const struct mr_cmd *cmd, const char *arg)
{
	if ((strncmp(arg, "http://", 7) == 0 && arg[7] != '\0') ||
	    (strncmp(arg, "https://", 8) == 0 && arg[8] != '\0'))
		return MR_EXIT_OK;
	return mr_cli_usage_error(cmd, "--server wants a URL such as "
	    "http://127.0.0.1:1234, not '%s'", arg);
}

bool
mr_cli_write(const struct mr_buf *b)
{
	if (fwrite(b->buf, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
		mr_cli_warn("cannot write output: %s", strerror(errno));
		return false;
	}
	return true;
}

char *
mr_cli_home_file(const char *rel)
{
	const char *h = getenv("MODEL_ROUTER_HOME");
	char *base = h && *h ? mr_xstrdup(h) : mr_expand_home("~/.model-router");
	char *p = mr_xasprintf("%s/%s", base, rel);

	free(base);
	return p;
}
