/* The command-line front end. */
#ifndef MR_CLI_H
#define MR_CLI_H

/* Exit codes every command uses. */
enum {
	MR_EXIT_OK = 0,		/* success */
	MR_EXIT_FAIL = 1,	/* the command's check failed */
	MR_EXIT_USAGE = 2	/* bad command line */
};

int	 mr_cli_main(int argc, char **argv);
/* model-router-proxy: hermes-router's proxy command line (proxy run's
 * options), messages prefixed with ARGV[0]'s name. */
int	 mr_cli_proxy_main(int argc, char **argv);

#endif
