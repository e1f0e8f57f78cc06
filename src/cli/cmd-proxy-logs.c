/*
 * proxy logs: the end of the background proxy's log, and with --follow
 * what it writes next.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-int.h"
#include "mr/pidfile.h"

static const struct option options[] = {
	{ "lines", required_argument, NULL, 'n' },
	{ "follow", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

static int
run(const struct mr_cmd *cmd, int argc, char **argv)
{
	struct mr_pidinfo info;
	struct mr_buf b = MR_BUF_INIT;
	struct stat st;
	bool follow = false;
	long lines = 50;
	char *path, *end, chunk[8192];
	size_t i, start;
	long count;
	off_t at;
	ssize_t n;
	int c, fd, rc = MR_EXIT_OK;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hn:f", options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case OPT_HELP:
			mr_cli_help(cmd, stdout);
			return MR_EXIT_OK;
		case 'n':
			errno = 0;
			lines = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || lines < 0)
				return mr_cli_usage_error(cmd, "--lines wants a "
				    "count, not '%s'", optarg);
			break;
		case 'f':
			follow = true;
			break;
		default:
			return mr_cli_bad_option(cmd, c, argv);
		}
	}
	if (optind < argc)
		return mr_cli_usage_error(cmd, "unexpected argument '%s'",
		    argv[optind]);
	path = mr_cli_home_file("proxy.pid");
	if (mr_pidfile_read(path, &info, NULL) == 0 && info.log[0]) {
		free(path);
		path = mr_xstrdup(info.log);
	} else {
		free(path);
		path = mr_cli_home_file("logs/proxy.log");
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "model-router: no proxy log at %s (%s); "
		    "'model-router proxy start' writes one\n", path,
		    strerror(errno));
		free(path);
		return MR_EXIT_FAIL;
	}
	/* the last LINES lines of at most the last 1 MiB */
	at = fstat(fd, &st) == 0 && st.st_size > (1 << 20) ?
	    st.st_size - (1 << 20) : 0;
	if (lseek(fd, at, SEEK_SET) < 0 || mr_read_fd(fd, 1 << 20, &b) < 0) {
		fprintf(stderr, "model-router: cannot read %s: %s\n", path,
		    strerror(errno));
		rc = MR_EXIT_FAIL;
		goto out;
	}
	/* back from the end (its own newline aside) to the LINES-th one */
	i = b.len > 0 && b.buf[b.len - 1] == '\n' ? b.len - 1 : b.len;
	for (count = 0; lines > 0 && i > 0; i--)
		if (b.buf[i - 1] == '\n' && ++count == lines)
			break;
	start = lines > 0 ? i : b.len;
	fwrite(b.buf + start, 1, b.len - start, stdout);
	fflush(stdout);
	at += (off_t)b.len;
	while (follow) {
		usleep(200000);
		if (fstat(fd, &st) == 0 && st.st_size < at)
			at = 0;		/* truncated: from its start */
		if (lseek(fd, at, SEEK_SET) < 0)
			break;
		while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
			fwrite(chunk, 1, (size_t)n, stdout);
			at += n;
		}
		fflush(stdout);
	}
out:
	close(fd);
	mr_buf_release(&b);
	free(path);
	return rc;
}

const struct mr_cmd mr_cmd_proxy_logs = {
	.name = "proxy logs",
	.summary = "Show the background proxy's log",
	.usage = "proxy logs [-n N] [--follow]",
	.help =
	    "  -n, --lines N             the last N lines (default 50)\n"
	    "  -f, --follow              then print what it writes, until\n"
	    "                            interrupted\n"
	    "  -h, --help                show this help\n",
	.options = options,
	.shortopts = ":hn:f",
	.run = run,
};
