/* Container commands: run, create, start, stop, kill, restart, rm, wait,
 * logs, exec, attach, top, port, inspect, and `container *`.  `ps` is in
 * container-ps.c; run/create flags in container-run.c. */
#include "cli/cli.h"
#include "cli/container.h"
#include "cli/format.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/container.h"
#include "podengine/pod.h"
#include "podengine/ctr-attach.h"
#include "podengine/ctr-logs.h"
#include "podengine/ctr-top.h"
#include "podengine/image-inspect.h"

#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

int cmd_ps(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);
extern const char cli_ps_help[];

enum { OPT_FORMAT = 4000, OPT_TYPE, OPT_SINCE, OPT_UNTIL, OPT_TAIL, OPT_NOSTDIN,
       OPT_SIGPROXY, OPT_ENVFILE, OPT_HELP, OPT_DETACHKEYS, OPT_TIME };


/* The exit code of a container that conmon has finished with: `wait`, or
 * the exit file when --rm already removed the record. */
static int exit_code_of(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_free char *path = xasprintf("%s/exits/%s", ctx->runroot, id);
	struct strbuf sb = STRBUF_INIT;
	struct pea_err *e = NULL;
	int code = 0;

	if (ctr_wait(ctx, id, &code, &e) == 0)
		return code;
	if (!pea_err_is(e, PEA_E_NOT_FOUND)) {
		*err = e;
		return -1;
	}
	pea_err_free(e);
	if (io_read_file(path, &sb, NULL) == 0) {
		strbuf_rtrim(&sb);
		if (parse_int(sb.buf, 0, 255, &code, "exit code", NULL) < 0)
			code = 0;
	}
	strbuf_release(&sb);
	return code;
}

/* --rm: the exit command removes the container; wait (up to 30 s) until it
 * is gone so that `ps -a` right after us does not show it. */
static void wait_removed(struct pea_ctx *ctx, const char *id)
{
	int i;

	for (i = 0; i < 300 && ctr_exists(ctx, id); i++)
		poll(NULL, 0, 100);
}

/* Start with the attach socket connected first, relay, return the exit code. */
static int start_attached(struct pea_ctx *ctx, const char *id, bool stdin_open, bool tty,
			  bool auto_remove, struct pea_err **err)
{
	struct ctr_start_opts so = { .attach = true, .attach_fd = -1 };
	int code = -1, rc;
	struct ctr_relay_opts ro = { .stdin_open = stdin_open, .tty = tty, .sig_proxy = id,
				     .exit_id = id, .exit_code = &code };

	if (ctr_start(ctx, id, &so, err) < 0) {
		if (so.attach_fd >= 0)
			close(so.attach_fd);
		return -1;
	}
	rc = ctr_attach_relay(ctx, so.attach_fd, &ro, err);
	close(so.attach_fd);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return 0; /* detached: the container keeps running */
	rc = code >= 0 && auto_remove ? code : exit_code_of(ctx, id, err);
	if (rc >= 0 && auto_remove)
		wait_removed(ctx, id);
	return rc;
}

/* ctr_create, with podman's `--pod new:NAME`: the pod is made first and
 * removed again if the container cannot be created. */
static char *create_container(struct pea_ctx *ctx, struct cli_run_opts *o, struct pea_err **err)
{
	cleanup_free char *pod_id = NULL;
	char *id;

	if (o->spec.pod && !strncmp(o->spec.pod, "new:", 4)) {
		struct pod_spec ps;

		pod_spec_init(&ps);
		ps.name = xstrdup(o->spec.pod + 4);
		pod_id = pod_create(ctx, &ps, err);
		pod_spec_release(&ps);
		if (!pod_id)
			return NULL;
		free(o->spec.pod);
		o->spec.pod = xstrdup(pod_id);
	}
	id = ctr_create(ctx, &o->spec, err);
	if (!id && pod_id) {
		struct pea_err *e = NULL;

		if (pod_remove(ctx, pod_id, true, &e) < 0)
			pea_err_free(e);
	}
	return id;
}

static int cmd_run(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	struct cli_run_opts o;
	cleanup_free char *id = NULL;
	int rc;

	if (cli_run_parse(argc, argv, &o, err) < 0 || o.help) {
		if (o.help)
			printf("%s", cli_run_help);
		cli_run_opts_release(&o);
		return o.help ? 0 : -1;
	}
	if (cli_run_pull(ctx, &o, err) < 0 || !(id = create_container(ctx, &o, err))) {
		cli_run_opts_release(&o);
		return -1;
	}
	if (o.detach) {
		rc = ctr_start(ctx, id, NULL, err);
		if (rc == 0)
			printf("%s\n", id);
	} else {
		fflush(stdout);
		rc = start_attached(ctx, id, o.spec.stdin_open, o.spec.tty, o.spec.auto_remove,
				    err);
	}
	if (rc < 0 && o.spec.auto_remove) {
		struct pea_err *e = NULL;

		if (ctr_remove(ctx, id, true, true, &e) < 0)
			pea_err_free(e);
	}
	cli_run_opts_release(&o);
	return rc;
}

static int cmd_create(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	struct cli_run_opts o;
	cleanup_free char *id = NULL;

	if (cli_run_parse(argc, argv, &o, err) < 0 || o.help) {
		if (o.help)
			printf("%s", cli_create_help);
		cli_run_opts_release(&o);
		return o.help ? 0 : -1;
	}
	if (cli_run_pull(ctx, &o, err) == 0)
		id = create_container(ctx, &o, err);
	cli_run_opts_release(&o);
	if (!id)
		return -1;
	printf("%s\n", id);
	return 0;
}

static int cmd_start(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "attach", no_argument, NULL, 'a' },
		{ "interactive", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	bool attach = false, interactive = false;
	struct ctr_info ci = { 0 };
	int c, i, rc;

	while ((c = cli_getopt(argc, argv, "+ai", opts)) != -1) {
		switch (c) {
		case 'a': attach = true; break;
		case 'i': interactive = true; break;
		default: return cli_bad_flag(err, "start", argc, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(err, "start", "requires at least one container");
	if (!attach) {
		for (i = optind; i < argc; i++) {
			if (ctr_start(ctx, argv[i], NULL, err) < 0)
				return -1;
			printf("%s\n", argv[i]);
		}
		return 0;
	}
	if (argc - optind != 1)
		return cli_usage_error(err, "start", "--attach takes exactly one container");
	if (ctr_lookup(ctx, argv[optind], &ci, err) < 0)
		return -1;
	rc = start_attached(ctx, ci.id, interactive && ci.spec.stdin_open, ci.spec.tty,
			    ci.spec.auto_remove, err);
	ctr_info_release(&ci);
	return rc;
}

static int parse_timeout(const char *arg, int *out, struct pea_err **err)
{
	return parse_int(arg, 0, 1000000, out, "--time", err);
}

static int cmd_stop_restart(struct pea_ctx *ctx, int argc, char **argv, bool restart,
			    struct pea_err **err)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = restart ? "restart" : "stop";
	int c, i, timeout = -1;
	bool all = false;
	cleanup_strv char **names = NULL;
	struct ctr_info *list = NULL;
	size_t n = 0, k;

	while ((c = cli_getopt(argc, argv, "+t:a", opts)) != -1) {
		if (c == 't' && parse_timeout(optarg, &timeout, err) < 0)
			return -1;
		if (c == 'a')
			all = true;
		else if (c != 't')
			return cli_bad_flag(err, cmd, argc, argv);
	}
	if (all) {
		if (ctr_list(ctx, !restart ? false : true, &list, &n, err) < 0)
			return -1;
		for (k = 0; k < n; k++)
			if (list[k].state == CTR_RUNNING || restart)
				strv_push(&names, list[k].id);
		ctr_info_list_free(list, n);
	}
	for (i = optind; i < argc; i++)
		strv_push(&names, argv[i]);
	if (!names && !all)
		return cli_usage_error(err, cmd, "requires at least one container (or --all)");
	for (i = 0; names && names[i]; i++) {
		if ((restart ? ctr_restart(ctx, names[i], timeout, err)
			     : ctr_stop(ctx, names[i], timeout, err)) < 0)
			return -1;
		printf("%s\n", names[i]);
	}
	return 0;
}

static int cmd_stop(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return cmd_stop_restart(ctx, argc, argv, false, err);
}

static int cmd_restart(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return cmd_stop_restart(ctx, argc, argv, true, err);
}

static int parse_signal(const char *s, int *sig, struct pea_err **err)
{
	const char *name = strncasecmp(s, "SIG", 3) ? s : s + 3;
	int i;

	if (parse_int(s, 1, 64, sig, "signal", NULL) == 0)
		return 0;
	for (i = 1; i < 32; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && !strcasecmp(abbrev, name)) {
			*sig = i;
			return 0;
		}
	}
	return pea_err_setk(err, PEA_E_INVALID, 0, "unknown signal '%s'", s);
}

static int cmd_kill(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "signal", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c, i, sig = SIGKILL;

	while ((c = cli_getopt(argc, argv, "+s:", opts)) != -1) {
		if (c != 's')
			return cli_bad_flag(err, "kill", argc, argv);
		if (parse_signal(optarg, &sig, err) < 0)
			return pea_err_wrap(err, "kill");
	}
	if (optind >= argc)
		return cli_usage_error(err, "kill", "requires at least one container");
	for (i = optind; i < argc; i++) {
		if (ctr_kill(ctx, argv[i], sig, err) < 0)
			return -1;
		printf("%s\n", argv[i]);
	}
	return 0;
}

static int cmd_rm(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "volumes", no_argument, NULL, 'v' },
		{ "all", no_argument, NULL, 'a' },
		{ "ignore", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false, volumes = false, all = false, ignore = false;
	struct ctr_info *list = NULL;
	size_t n = 0, k;
	int c, i, rc = 0;

	while ((c = cli_getopt(argc, argv, "+fvai", opts)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'v': volumes = true; break;
		case 'a': all = true; break;
		case 'i': ignore = true; break;
		default: return cli_bad_flag(err, "rm", argc, argv);
		}
	}
	if (all) {
		if (ctr_list(ctx, true, &list, &n, err) < 0)
			return -1;
		for (k = 0; k < n && rc == 0; k++) {
			rc = ctr_remove(ctx, list[k].id, force, volumes, err);
			if (rc == 0)
				printf("%s\n", list[k].id);
		}
		ctr_info_list_free(list, n);
		return rc;
	}
	if (optind >= argc)
		return cli_usage_error(err, "rm", "requires at least one container (or --all)");
	for (i = optind; i < argc; i++) {
		if (ctr_remove(ctx, argv[i], force, volumes, err) < 0) {
			if (ignore && pea_err_is(*err, PEA_E_NOT_FOUND)) {
				pea_err_free(*err);
				*err = NULL;
				continue;
			}
			return -1;
		}
		printf("%s\n", argv[i]);
	}
	return 0;
}

static int cmd_wait(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	int i, code;

	if (argc < 2)
		return cli_usage_error(err, "wait", "requires at least one container");
	for (i = 1; i < argc; i++) {
		if (ctr_wait(ctx, argv[i], &code, err) < 0)
			return -1;
		printf("%d\n", code);
	}
	return 0;
}

static int cmd_logs(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "timestamps", no_argument, NULL, 't' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "until", required_argument, NULL, OPT_UNTIL },
		{ "tail", required_argument, NULL, OPT_TAIL },
		{ "names", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctr_logs_opts o = { .tail = -1 };
	struct timespec now;
	int64_t now_ns;
	bool names = false;
	int c, i;

	clock_gettime(CLOCK_REALTIME, &now);
	now_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
	while ((c = cli_getopt(argc, argv, "+ftn", opts)) != -1) {
		switch (c) {
		case 'f': o.follow = true; break;
		case 't': o.timestamps = true; break;
		case 'n': names = true; break;
		case OPT_SINCE:
			if (ctr_logs_parse_time(optarg, now_ns, &o.since, err) < 0)
				return pea_err_wrap(err, "logs --since");
			break;
		case OPT_UNTIL:
			if (ctr_logs_parse_time(optarg, now_ns, &o.until, err) < 0)
				return pea_err_wrap(err, "logs --until");
			break;
		case OPT_TAIL:
			if (parse_i64(optarg, -1, INT64_MAX, &o.tail, "--tail", err) < 0)
				return pea_err_wrap(err, "logs");
			break;
		default: return cli_bad_flag(err, "logs", argc, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(err, "logs", "requires at least one container");
	for (i = optind; i < argc; i++) {
		cleanup_free char *prefix = NULL;

		if (names || argc - optind > 1)
			o.prefix = prefix = xasprintf("%s ", argv[i]);
		if (ctr_logs(ctx, argv[i], &o, err) < 0)
			return -1;
	}
	return 0;
}

static const char exec_help[] =
	"Usage: peapod exec [options] CONTAINER COMMAND [ARG...]\n\n"
	"Run a process in a running container; exits with its exit code (126: it could\n"
	"not be run, 127: it was not found).\n\nOptions:\n"
	"  -d, --detach           run in the background\n"
	"  -e, --env K=V|K        set a variable (K alone: from our environment)\n"
	"  --env-file FILE        variables from a file\n"
	"  -i, --interactive      relay stdin (else the process gets /dev/null)\n"
	"  -t, --tty              allocate a terminal (the runtime relays it)\n"
	"  -u, --user USER[:GROUP]  names from the container's /etc/passwd, or ids\n"
	"  -w, --workdir DIR      working directory\n";

static void exec_env(char ***env, const char *arg)
{
	const char *v;

	if (strchr(arg, '=')) {
		strv_push(env, arg);
	} else if ((v = getenv(arg))) {
		cleanup_free char *kv = xasprintf("%s=%s", arg, v);

		strv_push(env, kv);
	}
}

static int exec_env_file(char ***env, const char *path, struct pea_err **err)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;

	if (io_read_file(path, &sb, err) < 0)
		return pea_err_wrap(err, "--env-file");
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (*line && *line != '#')
			exec_env(env, line);
	strbuf_release(&sb);
	return 0;
}

static int cmd_exec(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "env", required_argument, NULL, 'e' },
		{ "env-file", required_argument, NULL, OPT_ENVFILE },
		{ "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct ctr_exec_opts o = { 0 };
	cleanup_strv char **env = NULL;
	int c, rc;

	while ((c = cli_getopt(argc, argv, "+de:itu:w:", opts)) != -1) {
		switch (c) {
		case 'd': o.detach = true; break;
		case 'e': exec_env(&env, optarg); break;
		case OPT_ENVFILE:
			if (exec_env_file(&env, optarg, err) < 0)
				return -1;
			break;
		case 'i': o.interactive = true; break;
		case 't': o.tty = true; break;
		case 'u': o.user = optarg; break;
		case 'w': o.workdir = optarg; break;
		case OPT_HELP: printf("%s", exec_help); return 0;
		default: return cli_bad_flag(err, "exec", argc, argv);
		}
	}
	if (argc - optind < 2)
		return cli_usage_error(err, "exec", "requires CONTAINER COMMAND [ARG...]");
	o.argv = argv + optind + 1;
	o.env = env;
	fflush(stdout);
	rc = ctr_exec(ctx, argv[optind], &o, err);
	return rc;
}

static int cmd_attach(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "no-stdin", no_argument, NULL, OPT_NOSTDIN },
		{ "sig-proxy", optional_argument, NULL, OPT_SIGPROXY },
		{ "detach-keys", required_argument, NULL, OPT_DETACHKEYS },
		{ NULL, 0, NULL, 0 },
	};
	bool no_stdin = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+", opts)) != -1) {
		if (c == OPT_NOSTDIN)
			no_stdin = true;
		else if (c != OPT_SIGPROXY && c != OPT_DETACHKEYS)
			return cli_bad_flag(err, "attach", argc, argv);
	}
	if (argc - optind != 1)
		return cli_usage_error(err, "attach", "requires exactly one container");
	return ctr_attach(ctx, argv[optind], no_stdin, err);
}

static int cmd_top(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	struct json_object *rows;
	struct fmt_table *t;
	size_t i, k;

	if (argc < 2)
		return cli_usage_error(err, "top", "requires a container");
	rows = ctr_top_rows(ctx, argv[1], argv + 2, err);
	if (!rows)
		return pea_err_wrap(err, "top");
	t = fmt_table_new();
	for (i = 0; i < json_object_array_length(rows); i++) {
		struct json_object *row = json_object_array_get_idx(rows, i);

		for (k = 0; k < json_object_array_length(row); k++)
			fmt_table_add(t, json_object_get_string(json_object_array_get_idx(row, k)));
		fmt_table_end_row(t);
	}
	fmt_table_print(t, stdout);
	fmt_table_free(t);
	json_object_put(rows);
	return 0;
}

static int cmd_port(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	struct ctr_info ci = { 0 };

	if (argc < 2)
		return cli_usage_error(err, "port", "requires a container");
	/* Published ports come with pod networking: nothing to list yet. */
	if (ctr_lookup(ctx, argv[1], &ci, err) < 0)
		return -1;
	ctr_info_release(&ci);
	return 0;
}

/* Containers first, then (unless only containers) images. */
static struct json_object *inspect_one(struct pea_ctx *ctx, const char *name, bool ctrs,
				       bool imgs, struct pea_err **err)
{
	struct ctr_info ci = { 0 };
	struct img_info ii = { 0 };
	struct json_object *o;

	if (ctrs) {
		if (ctr_lookup(ctx, name, &ci, err) == 0) {
			o = ctr_inspect_json(ctx, &ci, err);
			ctr_info_release(&ci);
			return o;
		}
		if (!imgs || !pea_err_is(*err, PEA_E_NOT_FOUND))
			return NULL;
		pea_err_free(*err);
		*err = NULL;
	}
	if (img_lookup(ctx, name, &ii, err) < 0) {
		if (ctrs && pea_err_is(*err, PEA_E_NOT_FOUND)) {
			pea_err_free(*err);
			*err = NULL;
			pea_err_setk(err, PEA_E_NOT_FOUND, 0, "no such object: '%s'", name);
		}
		return NULL;
	}
	o = img_inspect_json(ctx, &ii, err);
	img_info_release(&ii);
	return o;
}

static int inspect_cmd(struct pea_ctx *ctx, int argc, char **argv, bool only_ctrs,
		       struct pea_err **err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "size", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "json", *type = only_ctrs ? "container" : "all";
	struct json_object *arr;
	int c, i, rc;

	while ((c = cli_getopt(argc, argv, "+f:s", opts)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == OPT_TYPE)
			type = optarg;
		else if (c != 's')
			return cli_bad_flag(err, "inspect", argc, argv);
	}
	if (strcmp(type, "all") && strcmp(type, "container") && strcmp(type, "image"))
		return cli_usage_error(err, "inspect", "bad --type '%s' (all, container, image)",
				       type);
	if (optind >= argc)
		return cli_usage_error(err, "inspect", "requires at least one name");
	arr = json_object_new_array();
	for (i = optind; i < argc; i++) {
		struct json_object *o = inspect_one(ctx, argv[i], strcmp(type, "image") != 0,
						    strcmp(type, "container") != 0, err);

		if (!o) {
			json_object_put(arr);
			return pea_err_wrap(err, "inspect");
		}
		json_object_array_add(arr, o);
	}
	rc = fmt_print(stdout, format, arr, true, err);
	json_object_put(arr);
	return rc;
}

static int cmd_inspect(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return inspect_cmd(ctx, argc, argv, false, err);
}

static int cmd_container_inspect(struct pea_ctx *ctx, int argc, char **argv,
				 struct pea_err **err)
{
	return inspect_cmd(ctx, argc, argv, true, err);
}

static int cmd_exists(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	if (argc != 2)
		return cli_usage_error(err, "container exists", "requires exactly one container");
	return ctr_exists(ctx, argv[1]) ? 0 : 1;
}

static int cmd_cleanup(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	if (argc != 2)
		return cli_usage_error(err, "container cleanup", "requires exactly one container");
	return ctr_cleanup(ctx, argv[1], err) < 0 ? -1 : 0;
}

static const char attach_help[] =
	"Usage: peapod attach [--no-stdin] CONTAINER\n\n"
	"Relay a running container's output (and our stdin, if it was created with -i).\n"
	"With a terminal, ctrl-p ctrl-q detaches.  Exits with the container's exit code.\n";
static const char cleanup_help[] =
	"Usage: peapod container cleanup ID\n\nThe exit command peapod-conmon runs.\n";
static const char exists_help[] =
	"Usage: peapod container exists CONTAINER\n\nExit 0 if it exists, 1 if not.\n";
static const char cinspect_help[] =
	"Usage: peapod container inspect [--format json|TEMPLATE] CONTAINER...\n\n"
	"Show containers as podman-shaped JSON.\n";
static const char inspect_help[] =
	"Usage: peapod inspect [--type all|container|image] [--format FORMAT] NAME...\n\n"
	"Show containers (looked up first) or images as JSON.\n";
static const char kill_help[] =
	"Usage: peapod kill [-s SIGNAL] CONTAINER...\n\n"
	"Send a signal (default KILL; names or numbers) to containers.\n";
static const char logs_help[] =
	"Usage: peapod logs [options] CONTAINER...\n\n"
	"Print a container's output (stderr records to stderr).\n\nOptions:\n"
	"  -f, --follow           keep printing until the container stops\n"
	"  -n, --names            prefix lines with the container name\n"
	"  --since TIME           RFC3339, unix seconds, or a duration (10m) before now\n"
	"  --until TIME           same forms\n"
	"  --tail N               only the last N lines\n"
	"  -t, --timestamps       print each line's timestamp\n";
static const char port_help[] =
	"Usage: peapod port CONTAINER\n\n"
	"List published ports (none yet: port publishing comes with pod networks).\n";
static const char restart_help[] =
	"Usage: peapod restart [-t SECONDS] [-a] CONTAINER...\n\nStop and start containers.\n";
static const char rm_help[] =
	"Usage: peapod rm [options] CONTAINER...\n\nRemove containers.\n\nOptions:\n"
	"  -a, --all              all containers\n"
	"  -f, --force            stop running containers first\n"
	"  -i, --ignore           no error for containers that do not exist\n"
	"  -v, --volumes          also remove their anonymous volumes\n";
static const char start_help[] =
	"Usage: peapod start [-a [-i]] CONTAINER...\n\n"
	"Start containers.  With -a, relay the output (and stdin with -i) and exit with\n"
	"the container's exit code.\n";
static const char stop_help[] =
	"Usage: peapod stop [-t SECONDS] [-a] CONTAINER...\n\n"
	"Send the stop signal (SIGTERM or the image's), then SIGKILL after the timeout\n"
	"(default: the container's --stop-timeout, 10).\n";
static const char top_help[] =
	"Usage: peapod top CONTAINER [DESCRIPTOR...]\n\n"
	"List the container's processes, podman's default columns: USER PID PPID %CPU\n"
	"ELAPSED TTY TIME COMMAND (PIDs as seen in the container).  Descriptors pick\n"
	"columns: user pid ppid pcpu etime tty time args comm.\n";
static const char wait_help[] =
	"Usage: peapod wait CONTAINER...\n\nWait until containers stop; print their exit codes.\n";

#define CMD(n, s, h, f) { n, s, h, f, NULL, false }
#define ALIAS(n, s, h, f) { n, s, h, f, NULL, true }

const struct cli_cmd cli_container_cmds[] = {
	CMD("attach", "attach to a running container", attach_help, cmd_attach),
	ALIAS("cleanup", "the exit command conmon runs", cleanup_help, cmd_cleanup),
	CMD("create", "create a container", NULL, cmd_create),
	CMD("exec", "run a process in a running container", NULL, cmd_exec),
	CMD("exists", "check whether a container exists", exists_help, cmd_exists),
	CMD("inspect", "show container details", cinspect_help, cmd_container_inspect),
	CMD("kill", "signal containers", kill_help, cmd_kill),
	CMD("list", "list containers", cli_ps_help, cmd_ps),
	CMD("logs", "show a container's output", logs_help, cmd_logs),
	ALIAS("ls", "list containers", cli_ps_help, cmd_ps),
	CMD("port", "list published ports", port_help, cmd_port),
	ALIAS("ps", "list containers", cli_ps_help, cmd_ps),
	CMD("restart", "restart containers", restart_help, cmd_restart),
	CMD("rm", "remove containers", rm_help, cmd_rm),
	CMD("run", "run a command in a new container", NULL, cmd_run),
	CMD("start", "start containers", start_help, cmd_start),
	CMD("stop", "stop containers", stop_help, cmd_stop),
	CMD("top", "list a container's processes", top_help, cmd_top),
	CMD("wait", "wait for containers to exit; print exit codes", wait_help, cmd_wait),
	{ NULL, NULL, NULL, NULL, NULL, false },
};

const struct cli_cmd cli_container_top_cmds[] = {
	CMD("attach", "attach to a running container", attach_help, cmd_attach),
	CMD("create", "create a container", NULL, cmd_create),
	CMD("exec", "run a process in a running container", NULL, cmd_exec),
	CMD("inspect", "show containers or images", inspect_help, cmd_inspect),
	CMD("kill", "signal containers", kill_help, cmd_kill),
	CMD("logs", "show a container's output", logs_help, cmd_logs),
	CMD("port", "list published ports", port_help, cmd_port),
	CMD("ps", "list containers", cli_ps_help, cmd_ps),
	CMD("restart", "restart containers", restart_help, cmd_restart),
	CMD("rm", "remove containers", rm_help, cmd_rm),
	CMD("run", "run a command in a new container", NULL, cmd_run),
	CMD("start", "start containers", start_help, cmd_start),
	CMD("stop", "stop containers", stop_help, cmd_stop),
	CMD("top", "list a container's processes", top_help, cmd_top),
	CMD("wait", "wait for containers to exit; print exit codes", wait_help, cmd_wait),
	{ NULL, NULL, NULL, NULL, NULL, false },
};
