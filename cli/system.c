/* version, info, system df|reset|info */
#include "cli/cli.h"
#include "base/cleanup.h"
#include "base/xalloc.h"
#include "cli/format.h"
#include "podengine/hostinfo.h"
#include "podengine/state.h"
#include "podengine/storage.h"
#include "podengine/system.h"

#include <errno.h>
#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"


int cmd_version(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);
int cmd_info(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);
int cmd_unshare_top(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);
extern const char cli_unshare_help[];

int cmd_version(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	if (cli_no_flags("version", argc, argv, err) < 0)
		return -1;
	printf("Version:      %s\n", PEAPOD_VERSION);
	printf("Built:        %s %s\n", __DATE__, __TIME__);
	return 0;
}

/* podman's go-units HumanSize with 3 significant digits ("4.34MB"). */
static char *df_size(int64_t b)
{
	static const char *units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)b;
	size_t i = 0;

	while (v >= 1000.0 && i < 5) {
		v /= 1000.0;
		i++;
	}
	return xasprintf("%.3g%s", v, units[i]);
}

static int cmd_system_df(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	cleanup_free struct sys_df_row *rows = NULL;
	size_t n = 0, i;

	if (cli_no_flags("system df", argc, argv, err) < 0)
		return -1;
	if (sys_df(ctx, &rows, &n, err) < 0)
		return -1;
	printf("%-15s%-12s%-12s%-12s%s\n", "TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE");
	for (i = 0; i < n; i++) {
		cleanup_free char *size = df_size(rows[i].size);
		cleanup_free char *recl = df_size(rows[i].reclaimable);
		int pct = rows[i].size ? (int)(rows[i].reclaimable * 100 / rows[i].size) : 0;

		printf("%-15s%-12lld%-12lld%-12s%s (%d%%)\n", rows[i].type,
		       (long long)rows[i].total, (long long)rows[i].active, size, recl, pct);
	}
	return 0;
}

static int cmd_system_reset(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+f", opts)) != -1) {
		if (c != 'f')
			return cli_bad_flag(err, "system reset", argc, argv);
		force = true;
	}
	if (!force) {
		cleanup_free char *q = xasprintf("WARNING! This will remove all peapod containers, "
						 "pods, images, volumes, networks and state under\n"
						 "  %s\n  %s\nAre you sure you want to continue?",
						 ctx->root, ctx->runroot);

		if (!cli_confirm(q))
			return 0;
	}
	return sys_reset(ctx, err) < 0 ? -1 : 0;
}

/* podman unshare: a command in the user's namespace, where the files of
 * the storage that belong to other ids of the user's ranges can be read and
 * removed. */
static int cmd_unshare(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	const char *shell = getenv("SHELL");
	char *sh_argv[] = { (char *)(shell && *shell ? shell : "/bin/sh"), NULL };
	char **run = argc > 1 ? argv + 1 : sh_argv;

	if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--"))
		return cli_bad_flag(err, "unshare", argc, argv);
	if (argc > 1 && !strcmp(argv[1], "--"))
		run = argc > 2 ? argv + 2 : sh_argv;
	if (!ctx->rootless)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "please use unshare with rootless");
	setenv("CONTAINERS_GRAPHROOT", ctx->root, 1);
	setenv("CONTAINERS_RUNROOT", ctx->runroot, 1);
	state_close(ctx->state);
	ctx->state = NULL;
	fflush(stdout);
	execvp(run[0], run);
	{
		int e = errno;

		pea_err_set(err, e, "exec '%s'", run[0]);
		if (err && *err)
			(*err)->exit_status = e == ENOENT ? PEA_EXIT_NOT_FOUND : PEA_EXIT_CANNOT_INVOKE;
	}
	return -1;
}

const char cli_unshare_help[] =
	"Usage: peapod unshare [--] [COMMAND [ARG...]]\n\n"
	"Run COMMAND (default $SHELL) in the user namespace of a rootless user, as its\n"
	"root: the ids of /etc/subuid and /etc/subgid are mapped as in containers, so\n"
	"the storage under ~/.local/share/peapod can be inspected or removed.\n"
	"CONTAINERS_GRAPHROOT and CONTAINERS_RUNROOT name the storage and run roots.\n";

int cmd_unshare_top(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return cmd_unshare(ctx, argc, argv, err);
}

static const char df_help[] = "Usage: peapod system df\n\nShow disk usage by peapod.\n";
static const char reset_help[] =
	"Usage: peapod system reset [-f]\n\n"
	"Remove everything peapod made: containers, pods, images, volumes, networks, state.\n"
	"\nOptions:\n  -f, --force            do not ask for confirmation\n";

const struct cli_cmd cli_system_cmds[] = {
	{ "df", "show disk usage", df_help, cmd_system_df, NULL, false },
	{ "reset", "remove everything peapod made", reset_help, cmd_system_reset, NULL, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};

/* podman prints `info` as YAML; this renders the JSON document that way. */
static void print_yaml(struct json_object *v, int indent, bool in_list);

static void print_scalar(struct json_object *v)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_null: printf("null\n"); break;
	case json_type_string:
		s = json_object_get_string(v);
		/* "true" as a string stays a string (graphStatus has such) */
		if (!*s || strpbrk(s, ":#{}[]\n\"'") || s[0] == ' ' || s[0] == '-' ||
		    !strcmp(s, "true") || !strcmp(s, "false") || !strcmp(s, "null"))
			printf("%s\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_NOSLASHESCAPE));
		else
			printf("%s\n", s);
		break;
	default: printf("%s\n", json_object_to_json_string(v)); break;
	}
}

static bool is_container(struct json_object *v)
{
	enum json_type t = json_object_get_type(v);

	return (t == json_type_object && json_object_object_length(v) > 0) ||
	       (t == json_type_array && json_object_array_length(v) > 0);
}

static void print_yaml(struct json_object *v, int indent, bool in_list)
{
	bool first = true;
	size_t i;

	if (json_object_get_type(v) == json_type_array) {
		for (i = 0; i < json_object_array_length(v); i++) {
			struct json_object *e = json_object_array_get_idx(v, i);

			printf("%*s- ", in_list && first ? 0 : indent, "");
			first = false;
			if (is_container(e))
				print_yaml(e, indent + 2, true);
			else
				print_scalar(e);
		}
		return;
	}
	json_object_object_foreach(v, key, val) {
		printf("%*s%s:", in_list && first ? 0 : indent, "", key);
		first = false;
		if (is_container(val)) {
			printf("\n");
			print_yaml(val, indent + 2, false);
		} else if (json_object_get_type(val) == json_type_object) {
			printf(" {}\n");
		} else if (json_object_get_type(val) == json_type_array) {
			printf(" []\n");
		} else {
			printf(" ");
			print_scalar(val);
		}
	}
}

int cmd_info(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL;
	cleanup_free char *reason = NULL;
	struct json_object *doc;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+f:", opts)) != -1) {
		if (c != 'f')
			return cli_bad_flag(err, "info", argc, argv);
		format = optarg;
	}
	reason = store_driver_reason(ctx);
	doc = host_info_json(ctx, store_driver_name(ctx), reason, err);
	if (!doc)
		return -1;
	if (fmt_is_default(format))
		print_yaml(doc, 0, false);
	else
		rc = fmt_print(stdout, format, doc, false, err);
	json_object_put(doc);
	return rc;
}
