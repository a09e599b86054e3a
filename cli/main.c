/* peapod: main(), global flags, dispatch. */
#include "cli/cli.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"
#include "podengine/rootless.h"
#include "podengine/state.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"


static const char top_help[] =
	"Usage: peapod [global options] COMMAND [options] [args]\n"
	"\n"
	"Run Kubernetes pods on one machine, without a daemon.\n"
	"\n"
	"Global options:\n"
	"  --root DIR             storage root (default /var/lib/peapod; rootless: ~/.local/share/peapod)\n"
	"  --runroot DIR          run root (default /run/peapod; rootless: $XDG_RUNTIME_DIR/peapod)\n"
	"  --runtime NAME|PATH    OCI runtime (default crun, falling back to runc)\n"
	"  --storage-driver NAME  overlay, fuse-overlayfs or vfs (default: the store's, else\n"
	"                         the first that works)\n"
	"  --log-level LEVEL      error, warn, info, debug, trace (default warn)\n"
	"  --log-format FMT       text (default) or json\n"
	"  -v, --version          print the version\n"
	"  -h, --help             this help\n";

int cli_usage_error(struct pea_err **err, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pea_err_vset(err, PEA_E_INVALID, 0, fmt, ap);
	va_end(ap);
	return pea_err_wrap(err, "%s", cmd);
}

/* A missing argument is reported by getopt as ':' (the "+:" prefix); it
 * is returned as '?' like any bad flag, with MISSING_ARG marked in optopt
 * so cli_bad_flag can tell the two apart. */
#define MISSING_ARG 0x10000

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	char opts[64];
	int c;

	snprintf(opts, sizeof(opts), "+:%s", shortopts + (shortopts[0] == '+'));
	c = getopt_long(argc, argv, opts, longopts, NULL);
	if (c == ':') {
		optopt |= MISSING_ARG;
		return '?';
	}
	return c;
}

int cli_bad_flag(struct pea_err **err, const char *cmd, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
	cleanup_free char *hint = strcmp(cmd, "peapod") ? xasprintf("peapod %s --help", cmd)
							: xstrdup("peapod --help");
	int opt = optopt & ~MISSING_ARG;

	if ((optopt & MISSING_ARG) && opt)
		return cli_usage_error(err, cmd, "flag needs an argument: '-%c' (see '%s')", opt,
				       hint);
	if (optopt & MISSING_ARG)
		return cli_usage_error(err, cmd, "flag needs an argument: %s (see '%s')", arg, hint);
	if (opt)
		return cli_usage_error(err, cmd, "unknown shorthand flag: '%c' (see '%s')", opt, hint);
	return cli_usage_error(err, cmd, "unknown flag: %s (see '%s')", arg, hint);
}

bool cli_confirm(const char *question)
{
	char line[16] = "";

	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

int cli_no_flags(const char *cmd, int argc, char **argv, struct pea_err **err)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	if (cli_getopt(argc, argv, "+", none) != -1)
		return cli_bad_flag(err, cmd, argc, argv);
	return 0;
}

static void list_cmds(const struct cli_cmd *s);

void cli_print_help(const struct cli_cmd *cmd, const char *prefix)
{
	if (cmd->help)
		printf("%s", cmd->help);
	else
		printf("Usage: %s COMMAND\n\n%s\n", prefix, cmd->summary ? cmd->summary : "");
	if (!cmd->sub)
		return;
	printf("\nCommands:\n");
	list_cmds(cmd->sub);
}

/* An entry with an empty name includes another table (top-level shortcuts
 * such as `pull` that live in their group's file). */
static const struct cli_cmd *find_cmd(const struct cli_cmd *table, const char *name)
{
	for (; table->name; table++) {
		if (!table->name[0] && table->sub) {
			const struct cli_cmd *c = find_cmd(table->sub, name);

			if (c)
				return c;
		} else if (!strcmp(table->name, name)) {
			return table;
		}
	}
	return NULL;
}

static void list_cmds(const struct cli_cmd *s)
{
	for (; s->name; s++) {
		if (!s->name[0] && s->sub)
			list_cmds(s->sub);
		else if (!s->hidden)
			printf("  %-12s %s\n", s->name, s->summary ? s->summary : "");
	}
}

/* --help among the leading options (before the first operand, so that
 * `run busybox ls -h` runs ls -h). */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--") || argv[i][0] != '-')
			return false;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

int cli_dispatch(struct pea_ctx *ctx, const struct cli_cmd *table, const char *prefix,
		 int argc, char **argv, struct pea_err **err)
{
	const struct cli_cmd *cmd;
	cleanup_free char *name = NULL;

	if (argc < 1)
		return cli_usage_error(err, prefix, "missing command (see '%s --help')", prefix);
	cmd = find_cmd(table, argv[0]);
	if (!cmd)
		return cli_usage_error(err, prefix, "unknown command '%s' (see '%s --help')",
				       argv[0], prefix);
	name = xasprintf("%s %s", prefix, cmd->name);
	if (cmd->sub && (!cmd->fn || (argc > 1 && find_cmd(cmd->sub, argv[1])))) {
		if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			cli_print_help(cmd, name);
			return argc < 2 ? PEA_EXIT_ENGINE : 0;
		}
		return cli_dispatch(ctx, cmd->sub, name, argc - 1, argv + 1, err);
	}
	if (cmd->fn && !(cmd->help && wants_help(argc, argv))) {
		optind = 0;
		opterr = 0;   /* cli_bad_flag says what was wrong */
		return cmd->fn(ctx, argc, argv, err);
	}
	cli_print_help(cmd, name);
	return 0;
}

enum { OPT_ROOT = 1000, OPT_RUNROOT, OPT_RUNTIME, OPT_STORAGE, OPT_LOGLEVEL, OPT_LOGFMT };

static int parse_globals(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "runroot", required_argument, NULL, OPT_RUNROOT },
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "storage-driver", required_argument, NULL, OPT_STORAGE },
		{ "log-level", required_argument, NULL, OPT_LOGLEVEL },
		{ "log-format", required_argument, NULL, OPT_LOGFMT },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, lvl;

	opterr = 0;
	while ((c = cli_getopt(argc, argv, "+vh", opts)) != -1) {
		switch (c) {
		case OPT_ROOT: free(ctx->root); ctx->root = xstrdup(optarg); break;
		case OPT_RUNROOT: free(ctx->runroot); ctx->runroot = xstrdup(optarg); break;
		case OPT_RUNTIME: free(ctx->runtime); ctx->runtime = xstrdup(optarg); break;
		case OPT_STORAGE:
			if (strcmp(optarg, "overlay") && strcmp(optarg, "fuse-overlayfs") &&
			    strcmp(optarg, "vfs"))
				return cli_usage_error(
					err, "peapod",
					"unknown storage driver '%s' (overlay, fuse-overlayfs, vfs)",
					optarg);
			free(ctx->storage_driver);
			ctx->storage_driver = xstrdup(optarg);
			break;
		case OPT_LOGLEVEL:
			lvl = log_level_parse(optarg);
			if (lvl < 0)
				return cli_usage_error(err, "peapod", "unknown log level '%s'",
						       optarg);
			ctx->log.level = (enum pea_log_level)lvl;
			break;
		case OPT_LOGFMT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json"))
				return cli_usage_error(err, "peapod",
						       "unknown log format '%s' (text, json)", optarg);
			ctx->log.json = !strcmp(optarg, "json");
			break;
		case 'v':
			printf("peapod version %s\n", PEAPOD_VERSION);
			return 1;
		case 'h':
			printf("%s\nCommands:\n", top_help);
			list_cmds(cli_top_cmds);
			return 1;
		default:
			return cli_bad_flag(err, "peapod", argc, argv);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pea_ctx ctx = { 0 };
	struct pea_err *err = NULL;
	int rc;

	log_init(&ctx.log);
	rc = parse_globals(&ctx, argc, argv, &err);
	if (rc == 0 && optind >= argc) {
		fprintf(stderr, "%s", top_help);
		rc = -1;
		pea_err_setk(&err, PEA_E_INVALID, 0, "missing command");
	}
	if (rc == 0) {
		int first = optind;

		ctx_init_paths(&ctx, &err);
		log_debug(&ctx.log, "peapod %s: root=%s runroot=%s", argv[first], ctx.root,
			  ctx.runroot);
		/* An unprivileged user runs every command inside its user
		 * namespace, entered here while the process is single-threaded. */
		rc = rootless_enter(&ctx, &err);
		if (rc == 0)
			rc = cli_dispatch(&ctx, cli_top_cmds, "peapod", argc - first,
					  argv + first, &err);
	} else if (rc == 1) {
		rc = 0;
	}
	state_close(ctx.state);
	ctx.state = NULL;
	if (rc < 0) {
		cleanup_free char *text = pea_err_text(err);

		fflush(stdout);
		fprintf(stderr, "Error: %s\n", text);
		rc = err ? err->exit_status : PEA_EXIT_ENGINE;
		log_debug(&ctx.log, "exit %d", rc);
	}
	pea_err_free(err);
	ctx_release(&ctx);
	return rc;
}
