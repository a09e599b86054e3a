/* Volume commands: volume create|ls|list|inspect|rm|prune|exists. */
#include "cli/cli.h"
#include "cli/format.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/volume.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

enum { OPT_FORMAT = 2000, OPT_IGNORE, OPT_DRIVER, OPT_FILTER };

/* podman's exit statuses of `volume rm`. */
enum { EXIT_NO_SUCH_VOLUME = 1, EXIT_VOLUME_IN_USE = 2 };

static const char *const ls_headers[] = { "Name", "VOLUME NAME", NULL };

static int cmd_create(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "label", required_argument, NULL, 'l' },
		{ "opt", required_argument, NULL, 'o' },
		{ "ignore", no_argument, NULL, OPT_IGNORE },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strv char **labels = NULL, **options = NULL;
	cleanup_free char *name = NULL;
	bool ignore = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+d:l:o:", opts)) != -1) {
		switch (c) {
		case 'd':
			if (strcmp(optarg, "local"))
				return cli_usage_error(err, "volume create", "volume driver '%s' is "
						       "not supported (only 'local')", optarg);
			break;
		case 'l': strv_push(&labels, optarg); break;
		case 'o': strv_push(&options, optarg); break;
		case OPT_IGNORE: ignore = true; break;
		default: return cli_bad_flag(err, "volume create", argc, argv);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(err, "volume create", "takes at most one volume name");
	if (vol_create(ctx, optind < argc ? argv[optind] : NULL, labels, options, false, ignore,
		       &name, err) < 0)
		return -1;
	printf("%s\n", name);
	return 0;
}

static struct json_object *list_json(const struct vol_info *list, size_t n)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, vol_inspect_json(&list[i]));
	return arr;
}

static int cmd_ls(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "filter", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strv char **filters = NULL;
	cleanup_json struct json_object *arr = NULL;
	const char *format = NULL;
	struct vol_info *list = NULL;
	bool quiet = false;
	size_t n = 0, i;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+qf:", opts)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case 'f': strv_push(&filters, optarg); break;
		case OPT_FORMAT: format = optarg; break;
		default: return cli_bad_flag(err, "volume ls", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(err, "volume ls", "takes no arguments (use --filter)");
	if (vol_list(ctx, filters, &list, &n, err) < 0)
		return -1;
	if (quiet || fmt_is_default(format)) {
		struct fmt_table *t = quiet ? NULL : fmt_table_new();

		if (t)
			fmt_table_row(t, "DRIVER", "VOLUME NAME", NULL);
		for (i = 0; i < n; i++) {
			if (t)
				fmt_table_row(t, list[i].driver, list[i].name, NULL);
			else
				printf("%s\n", list[i].name);
		}
		if (t) {
			fmt_table_print(t, stdout);
			fmt_table_free(t);
		}
	} else {
		arr = list_json(list, n);
		rc = fmt_print_ex(stdout, format, arr, true, ls_headers, err);
	}
	vol_info_list_free(list, n);
	return rc;
}

static int cmd_inspect(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_json struct json_object *arr = json_object_new_array();
	const char *format = "json";
	bool all = false;
	int c, i;

	while ((c = cli_getopt(argc, argv, "+f:a", opts)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'a': all = true; break;
		default: return cli_bad_flag(err, "volume inspect", argc, argv);
		}
	}
	if (all == (optind < argc))
		return cli_usage_error(err, "volume inspect", "requires a volume name or --all");
	if (all) {
		struct vol_info *list = NULL;
		size_t n = 0, j;

		if (vol_list(ctx, NULL, &list, &n, err) < 0)
			return -1;
		for (j = 0; j < n; j++)
			json_object_array_add(arr, vol_inspect_json(&list[j]));
		vol_info_list_free(list, n);
	}
	for (i = optind; i < argc; i++) {
		struct vol_info vi = { 0 };

		if (vol_lookup(ctx, argv[i], &vi, err) < 0)
			return -1;
		json_object_array_add(arr, vol_inspect_json(&vi));
		vol_info_release(&vi);
	}
	if (fmt_is_default(format))
		format = "json";
	return fmt_print(stdout, format, arr, !!strcmp(format, "json"), err);
}

/* Print each error but the last, which goes back to main() (with its exit
 * status); so every name is tried, as podman does. */
static void keep_error(struct pea_err **last, struct pea_err *e)
{
	if (*last) {
		cleanup_free char *text = pea_err_text(*last);

		fprintf(stderr, "Error: %s\n", text);
		pea_err_free(*last);
	}
	*last = e;
}

static int cmd_rm(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strv char **names = NULL;
	struct pea_err *last = NULL;
	bool force = false, all = false;
	char **p;
	int c;

	while ((c = cli_getopt(argc, argv, "+fa", opts)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'a': all = true; break;
		default: return cli_bad_flag(err, "volume rm", argc, argv);
		}
	}
	if (all == (optind < argc))
		return cli_usage_error(err, "volume rm", "requires volume names or --all");
	if (all) {
		struct vol_info *list = NULL;
		size_t n = 0, j;

		if (vol_list(ctx, NULL, &list, &n, err) < 0)
			return -1;
		names = xcalloc(1, sizeof(*names));
		for (j = 0; j < n; j++)
			strv_push(&names, list[j].name);
		vol_info_list_free(list, n);
	} else {
		names = strv_dup(argv + optind);
	}
	for (p = names; *p; p++) {
		struct pea_err *e = NULL;

		if (vol_remove(ctx, *p, force, &e) == 0) {
			printf("%s\n", *p);
			continue;
		}
		if (pea_err_is(e, PEA_E_NOT_FOUND))
			e->exit_status = EXIT_NO_SUCH_VOLUME;
		else if (pea_err_is(e, PEA_E_IN_USE))
			e->exit_status = EXIT_VOLUME_IN_USE;
		keep_error(&last, e);
	}
	if (!last)
		return 0;
	return pea_err_pass(err, last);
}

static void print_name(const char *name, void *data)
{
	printf("%s\n", name);
}

static int cmd_prune(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strv char **filters = NULL;
	bool force = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+f", opts)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case OPT_FILTER: strv_push(&filters, optarg); break;
		default: return cli_bad_flag(err, "volume prune", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(err, "volume prune", "takes no arguments");
	if (!force && !cli_confirm("WARNING! This will remove all volumes not used by at least one "
			       "container.\nAre you sure you want to continue?"))
		return 0;
	return vol_prune(ctx, filters, print_name, NULL, err) < 0 ? -1 : 0;
}

static int cmd_exists(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	if (cli_no_flags("volume exists", argc, argv, err) < 0)
		return -1;
	if (argc - optind != 1)
		return cli_usage_error(err, "volume exists", "requires exactly one volume name");
	return vol_exists(ctx, argv[optind]) ? 0 : 1;
}

static const char create_help[] =
	"Usage: peapod volume create [options] [NAME]\n\n"
	"Create a volume and print its name (64 random hex digits when NAME is not given).\n\n"
	"Options:\n"
	"  -d, --driver DRIVER    volume driver; only 'local'\n"
	"  --ignore               do not fail if the volume exists already\n"
	"  -l, --label KEY=VALUE  set a label (repeatable)\n"
	"  -o, --opt KEY=VALUE    driver option (repeatable): type=tmpfs, device=tmpfs,\n"
	"                         o=size=64m,mode=..,uid=..,gid=..,nodev,noexec,nosuid;\n"
	"                         without type: o=uid=N,gid=N, o=nocopy\n";
static const char ls_help[] =
	"Usage: peapod volume ls [options]\n\n"
	"List volumes.\n\nOptions:\n"
	"  -f, --filter KEY=VALUE name=REGEX, label=KEY[=VALUE], label!=KEY[=VALUE],\n"
	"                         driver=local, dangling=true|false, anonymous=true|false\n"
	"  --format FORMAT        json or a Go template, e.g. '{{.Name}}'\n"
	"  -q, --quiet            names only\n";
static const char inspect_help[] =
	"Usage: peapod volume inspect [options] NAME [NAME...]\n\n"
	"Show volumes as JSON (or through a Go template).\n\nOptions:\n"
	"  -a, --all              every volume\n"
	"  -f, --format FORMAT    json or a Go template, e.g. '{{.Mountpoint}}'\n";
static const char rm_help[] =
	"Usage: peapod volume rm [options] NAME [NAME...]\n\n"
	"Remove volumes and their data.  Exit status 1 if a volume does not exist, 2 if a\n"
	"container uses it.\n\nOptions:\n"
	"  -a, --all              every volume\n"
	"  -f, --force            accepted; volumes in use are still refused\n";
static const char prune_help[] =
	"Usage: peapod volume prune [options]\n\n"
	"Remove every volume no container uses.\n\nOptions:\n"
	"  --filter KEY=VALUE     as for 'volume ls'\n"
	"  -f, --force            do not ask for confirmation\n";
static const char exists_help[] =
	"Usage: peapod volume exists NAME\n\nExit 0 if the volume exists, 1 if not.\n";

#define VOL_CMD(n, s, h, f) { n, s, h, f, NULL, false }
#define VOL_ALIAS(n, s, h, f) { n, s, h, f, NULL, true }

const struct cli_cmd cli_volume_cmds[] = {
	VOL_CMD("create", "create a volume", create_help, cmd_create),
	VOL_CMD("exists", "check whether a volume exists", exists_help, cmd_exists),
	VOL_CMD("inspect", "show volume details", inspect_help, cmd_inspect),
	VOL_CMD("list", "list volumes", ls_help, cmd_ls),
	VOL_ALIAS("ls", "list volumes", ls_help, cmd_ls),
	VOL_CMD("prune", "remove unused volumes", prune_help, cmd_prune),
	VOL_ALIAS("remove", "remove volumes", rm_help, cmd_rm),
	VOL_CMD("rm", "remove volumes", rm_help, cmd_rm),
	{ NULL, NULL, NULL, NULL, NULL, false },
};
