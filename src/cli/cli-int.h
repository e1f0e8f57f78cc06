/* Private to src/cli: the command table and helpers shared by commands. */
#ifndef MR_CLI_INT_H
#define MR_CLI_INT_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mr/cli.h"
#include "mr/router.h"
#include "mr/util.h"

struct mr_cmd {
	const char	*name;
	const char	*summary;	/* one line, no period */
	const char	*usage;		/* after "model-router " */
	const char	*help;		/* option lines, indented two spaces */
	const struct option *options;	/* getopt_long table */
	const char	*shortopts;
	int		(*run)(const struct mr_cmd *cmd, int argc, char **argv);
};

extern const struct mr_cmd mr_cmd_decide;
extern const struct mr_cmd mr_cmd_dispatch_plan;
extern const struct mr_cmd mr_cmd_validate_config;
extern const struct mr_cmd mr_cmd_setup_scan;
extern const struct mr_cmd mr_cmd_setup_recommend;
extern const struct mr_cmd mr_cmd_init;
extern const struct mr_cmd mr_cmd_validate_proxy_config;
extern const struct mr_cmd mr_cmd_doctor;
extern const struct mr_cmd mr_cmd_proxy_run;
extern const struct mr_cmd mr_cmd_proxy_start;
extern const struct mr_cmd mr_cmd_proxy_stop;
extern const struct mr_cmd mr_cmd_proxy_status;
extern const struct mr_cmd mr_cmd_proxy_logs;
extern const struct mr_cmd mr_cmd_proxy_restart;
extern const struct mr_cmd mr_cmd_feedback;
extern const struct mr_cmd mr_cmd_hermes_show;
extern const struct mr_cmd mr_cmd_hermes_use_proxy;
extern const struct mr_cmd mr_cmd_hermes_add_provider;
extern const struct mr_cmd mr_cmd_hermes_remove_provider;
extern const struct mr_cmd mr_cmd_hermes_set_model;
extern const struct mr_cmd mr_cmd_hermes_set;
extern const struct mr_cmd mr_cmd_backups_list;
extern const struct mr_cmd mr_cmd_backups_show;
extern const struct mr_cmd mr_cmd_backups_restore;

/* "model-router", or the name the proxy runs under; messages begin with
 * it. */
extern const char *mr_cli_progname;

/* The table, NULL-terminated, in the order help lists them. */
extern const struct mr_cmd *const mr_commands[];

const struct mr_cmd *mr_cli_find(const char *name);
void	 mr_cli_help(const struct mr_cmd *cmd, FILE *fp);
/* Prints "model-router: CMD: msg" and a hint; returns MR_EXIT_USAGE. */
int	 mr_cli_usage_error(const struct mr_cmd *cmd, const char *fmt, ...)
	    MR_PRINTF(2, 3);
void	 mr_cli_warn(const char *fmt, ...) MR_PRINTF(1, 2);
/* The usage error for getopt_long's ':' (missing value) or '?' result. */
int	 mr_cli_bad_option(const struct mr_cmd *cmd, int c, char **argv);
/* Prints ERR as "model-router: file:line:col: msg", clears it; returns
 * MR_EXIT_FAIL. */
int	 mr_cli_fail(struct mr_error *err);
/* --timeout and the like: 0.01 to 60 seconds into *OUT, or the usage
 * error's exit code. */
int	 mr_cli_seconds(const struct mr_cmd *cmd, const char *opt,
	    const char *arg, double *out);
/* --server: an http:// or https:// URL with something after the scheme,
 * MR_EXIT_OK, or the usage error's exit code. */
int	 mr_cli_server_url(const struct mr_cmd *cmd, const char *arg);
struct mr_discover_opts;
/*
 * Which servers discovery O probes: the defaults, or instead the URLs in
 * MODEL_ROUTER_DEFAULT_SERVERS (separated by blanks or commas) when it is
 * set; then GIVEN (--server; may be NULL).  LIST holds the URLs O points
 * at: the caller clears it after the discovery.
 */
void	 mr_cli_discover_servers(struct mr_strlist *list,
	    const struct mr_strlist *given, struct mr_discover_opts *o);

/* REL under $MODEL_ROUTER_HOME, else under ~/.model-router.  Caller frees. */
char	*mr_cli_home_file(const char *rel);

/*
 * The proxy commands (src/cli/cmd-proxy*.c).  serve parses run's options
 * and serves; with BACKGROUND it detaches first, with a pid file and a
 * log under the home, and returns once the proxy listens (or failed).
 * stop ends a background proxy within TIMEOUT seconds.
 */
int	 mr_cli_proxy_serve(const struct mr_cmd *cmd, int argc, char **argv,
	    bool background);
int	 mr_cli_proxy_stop(double timeout, bool quiet);

/* Writes all of B to stdout; false on a write error (reported). */
bool	 mr_cli_write(const struct mr_buf *b);

/* Checks a routing_proxy.yaml text with the full loader; 0 or -1. */
int	 mr_cli_check_proxy_text(const char *name, const char *text,
	    size_t len, struct mr_error *err);

/* Plain-text tables (src/cli/table.c). */
struct mr_table {
	size_t		 ncols;
	unsigned	 right;		/* bit c: column c right-aligned */
	struct mr_strlist cells;	/* row-major, header row first */
};
void	 mr_table_init(struct mr_table *t, size_t ncols,
	    const char *const *heads, unsigned right);
/* Adds a row of NCOLS strings (NULL prints empty). */
void	 mr_table_row(struct mr_table *t, ...);
void	 mr_table_print(const struct mr_table *t, const char *indent,
	    struct mr_buf *out);
void	 mr_table_release(struct mr_table *t);
/* "512 B", "4.7 GiB", "120 GiB" into BUF; returns BUF. */
const char *mr_fmt_bytes(uint64_t n, char *buf, size_t len);

/* Options shared by decide and dispatch-plan. */
struct route_opts {
	bool		 json;
	bool		 explain;
	const char	*config;
	bool		 alternatives;
	bool		 alternatives_set;
	struct mr_hints	 hints;
	struct mr_buf	 prompt;
};
enum {
	OPT_CONFIG = 256, OPT_PROFILE, OPT_ATTACHMENT, OPT_FORCE_ENGINE,
	OPT_MAX_COST, OPT_MAX_LATENCY, OPT_LATENCY_SENSITIVE, OPT_ALLOW,
	OPT_DENY, OPT_LOCAL_ONLY, OPT_NO_HOSTED, OPT_INCLUDE_ALTS,
	OPT_NO_ALTS, OPT_JSON, OPT_EXPLAIN, OPT_HELP
};
/* Parses decide/dispatch-plan options; returns MR_EXIT_OK or an exit code
 * (help printed, usage error). *DONE is set when help was printed. */
int	 mr_route_opts_parse(const struct mr_cmd *cmd, int argc, char **argv,
	    struct route_opts *o, bool *done);
void	 mr_route_opts_release(struct route_opts *o);

/*
 * Loads the router for a command: the config from --config, the
 * environment or the embedded default.  On failure returns NULL and sets
 * *ERR to an allocated "file:line:col: message".
 */
struct mr_router *mr_cli_load_router(const char *config_path, char **err);

#endif
