/* The command line: a dispatch table of commands, each parsing its flags
 * into an options struct and calling one engine function (crun style: no
 * engine logic here). */
#ifndef PEA_CLI_H
#define PEA_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "base/ctx.h"
#include "base/err.h"

struct cli_cmd;

#define PEAPOD_VERSION "0.1.0"

/* A command returns its exit status (>= 0), or -1 with *err set (main prints
 * it and exits with err->exit_status, 125 by default). */
typedef int (*cli_fn)(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);

struct cli_cmd {
	const char *name;
	const char *summary;       /* one line for the parent's list */
	const char *help;          /* "Usage: ...\n\nOptions:\n..." (without the name line) */
	cli_fn fn;                 /* NULL for a pure group */
	const struct cli_cmd *sub; /* subcommands, terminated by { NULL } */
	bool hidden;               /* alias: not listed */
};

/* Tables defined in each command-group file. */
extern const struct cli_cmd cli_container_cmds[];
extern const struct cli_cmd cli_container_top_cmds[];
extern const struct cli_cmd cli_generate_cmds[];
extern const struct cli_cmd cli_image_cmds[];
extern const struct cli_cmd cli_image_top_cmds[];
extern const struct cli_cmd cli_kube_cmds[];
extern const struct cli_cmd cli_login_cmds[];
extern const struct cli_cmd cli_network_cmds[];
extern const struct cli_cmd cli_play_cmds[];
extern const struct cli_cmd cli_pod_cmds[];
extern const struct cli_cmd cli_system_cmds[];
extern const struct cli_cmd cli_top_cmds[];
extern const struct cli_cmd cli_volume_cmds[];

/* Run argv[0] from table; prints help for groups and --help. */
int cli_dispatch(struct pea_ctx *ctx, const struct cli_cmd *table, const char *prefix,
		 int argc, char **argv, struct pea_err **err);
void cli_print_help(const struct cli_cmd *cmd, const char *prefix);

/* getopt_long with "+" semantics (stop at the first operand), --help
 * handled by the caller through cli_dispatch; resets optind.  Returns like
 * getopt_long. */
int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts);

/* After cli_getopt returned '?' or ':': an error naming the bad flag
 * (kind INVALID, exit 125). */
int cli_bad_flag(struct pea_err **err, const char *cmd, int argc, char **argv);
/* For commands without flags: fail on a leading option; leaves optind at
 * the first operand. */
int cli_no_flags(const char *cmd, int argc, char **argv, struct pea_err **err);

/* Ask on stderr, read a line from stdin: true for y/Y. */
bool cli_confirm(const char *question);

/* Errors for bad usage: kind INVALID, exit 125. */
int cli_usage_error(struct pea_err **err, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
