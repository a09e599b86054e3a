/* Pod commands: pod create|start|stop|restart|kill|rm|ps|inspect|logs|top|
 * exists|prune.  Thin: flags into a spec or options, one engine call. */
#include "cli/cli.h"
#include "cli/format.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/container.h"
#include "podengine/ctr-top.h"
#include "podengine/pod.h"

#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

enum {
	OPT_FORMAT = 2000, OPT_SHARE, OPT_NETWORK, OPT_INFRA, OPT_ADD_HOST, OPT_DNS,
	OPT_DNS_SEARCH, OPT_DNS_OPTION, OPT_NO_TRUNC, OPT_HOSTNAME, OPT_CGROUP_PARENT,
	OPT_TAIL, OPT_NAME,
};

static int add_port(struct pod_spec *s, const char *arg, struct pea_err **err)
{
#if POD_NETWORK
	struct net_port p;

	if (net_parse_port(arg, &p, err) < 0)
		return -1;
	s->ports = xrealloc(s->ports, (s->n_ports + 1) * sizeof(*s->ports));
	s->ports[s->n_ports++] = p;
	return 0;
#else
	(void)s;
	return pea_err_setk(err, PEA_E_INVALID, 0, "-p '%s': publishing ports needs the network "
			    "module, which this build does not have yet", arg);
#endif
}

/* --network a,b (or repeated): each name once, in order; "ns:PATH" whole. */
static int add_networks(struct pod_spec *s, const char *arg)
{
	cleanup_free char *copy = xstrdup(arg);
	char *p = copy, *comma;

	if (!strncmp(arg, "ns:", 3)) {
		strv_push(&s->networks, arg);
		return 0;
	}
	for (; p; p = comma ? comma + 1 : NULL) {
		if ((comma = strchr(p, ',')))
			*comma = '\0';
		strv_push(&s->networks, p);
	}
	return 0;
}

static int create_flag(int c, struct pod_spec *s, struct pea_err **err)
{
	int v;

	switch (c) {
	case 'n': case OPT_NAME: free(s->name); s->name = xstrdup(optarg); break;
	case OPT_HOSTNAME: free(s->hostname); s->hostname = xstrdup(optarg); break;
	case 'p': return add_port(s, optarg, err);
	case OPT_SHARE: return pod_spec_parse_share(optarg, s, err);
	case OPT_NETWORK: return add_networks(s, optarg);
	case 'l': strv_push(&s->labels, optarg); break;
	case OPT_INFRA:
		if (parse_bool(optarg, &v, "--infra", err) < 0)
			return -1;
		s->infra = v;
		break;
	case OPT_ADD_HOST: strv_push(&s->add_hosts, optarg); break;
	case OPT_DNS: strv_push(&s->dns_servers, optarg); break;
	case OPT_DNS_SEARCH: strv_push(&s->dns_search, optarg); break;
	case OPT_DNS_OPTION: strv_push(&s->dns_options, optarg); break;
	case OPT_CGROUP_PARENT: free(s->cgroup_parent); s->cgroup_parent = xstrdup(optarg); break;
	default: return 1;
	}
	return 0;
}

static int cmd_create(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "publish", required_argument, NULL, 'p' },
		{ "share", required_argument, NULL, OPT_SHARE },
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "net", required_argument, NULL, OPT_NETWORK },
		{ "label", required_argument, NULL, 'l' },
		{ "infra", required_argument, NULL, OPT_INFRA },
		{ "add-host", required_argument, NULL, OPT_ADD_HOST },
		{ "dns", required_argument, NULL, OPT_DNS },
		{ "dns-search", required_argument, NULL, OPT_DNS_SEARCH },
		{ "dns-option", required_argument, NULL, OPT_DNS_OPTION },
		{ "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT },
		{ NULL, 0, NULL, 0 },
	};
	struct pod_spec s;
	char *id = NULL;
	int c, rc;

	pod_spec_init(&s);
	while ((c = cli_getopt(argc, argv, "+n:p:l:", opts)) != -1) {
		rc = create_flag(c, &s, err);
		if (rc != 0) {
			pod_spec_release(&s);
			return rc < 0 ? -1 : cli_bad_flag(err, "pod create", argc, argv);
		}
	}
	if (optind < argc && !s.name)
		s.name = xstrdup(argv[optind++]);
	if (optind < argc) {
		pod_spec_release(&s);
		return cli_usage_error(err, "pod create", "takes at most one pod name");
	}
	id = pod_create(ctx, &s, err);
	pod_spec_release(&s);
	if (!id)
		return -1;
	printf("%s\n", id);
	free(id);
	return 0;
}

/* ---- commands on named pods ------------------------------------------- */

struct each_opts {
	int timeout;
	int sig;
	bool force;
};

typedef int (*pod_fn)(struct pea_ctx *ctx, const char *name, const struct each_opts *o,
		      struct pea_err **err);

static int do_start(struct pea_ctx *ctx, const char *n, const struct each_opts *o,
		    struct pea_err **err)
{
	return pod_start(ctx, n, err);
}

static int do_stop(struct pea_ctx *ctx, const char *n, const struct each_opts *o,
		   struct pea_err **err)
{
	return pod_stop(ctx, n, o->timeout, err);
}

static int do_restart(struct pea_ctx *ctx, const char *n, const struct each_opts *o,
		      struct pea_err **err)
{
	return pod_restart(ctx, n, o->timeout, err);
}

static int do_kill(struct pea_ctx *ctx, const char *n, const struct each_opts *o,
		   struct pea_err **err)
{
	return pod_kill(ctx, n, o->sig, err);
}

static int do_rm(struct pea_ctx *ctx, const char *n, const struct each_opts *o,
		 struct pea_err **err)
{
	return pod_remove(ctx, n, o->force, err);
}

/* Run fn on every named pod (or every pod with all); prints the ids.  The
 * first error is returned after trying the others. */
static int for_each(struct pea_ctx *ctx, char **names, bool all, pod_fn fn,
		    const struct each_opts *o, struct pea_err **err)
{
	cleanup_strv char **list = NULL;
	struct pea_err *first = NULL;
	char **p;

	if (all) {
		struct pod_info *pods = NULL;
		size_t n = 0, i;

		if (pod_list(ctx, &pods, &n, err) < 0)
			return -1;
		for (i = 0; i < n; i++)
			strv_push(&list, pods[i].id);
		pod_info_list_free(pods, n);
	} else {
		list = strv_dup(names);
	}
	for (p = list; p && *p; p++) {
		struct pod_info pi;
		struct pea_err *e = NULL;

		if (pod_lookup(ctx, *p, &pi, &e) == 0) {
			if (fn(ctx, pi.id, o, &e) == 0)
				printf("%s\n", pi.id);
			pod_info_release(&pi);
		}
		if (e && !first)
			first = e;
		else if (e)
			pea_err_free(e);
	}
	fflush(stdout);
	if (first)
		return pea_err_pass(err, first);
	return 0;
}

static int each_cmd(struct pea_ctx *ctx, int argc, char **argv, const char *cmd, pod_fn fn,
		    struct pea_err **err)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "time", required_argument, NULL, 't' },
		{ "signal", required_argument, NULL, 's' },
		{ "ignore", no_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct each_opts o = { -1, SIGKILL, false };
	bool all = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+aft:s:i", opts)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'f': o.force = true; break;
		case 'i': break;
		case 't':
			if (parse_int(optarg, 0, 1 << 30, &o.timeout, "--time", err) < 0)
				return -1;
			break;
		case 's':
			if ((o.sig = ctr_parse_signal(optarg, err)) < 0)
				return -1;
			break;
		default: return cli_bad_flag(err, cmd, argc, argv);
		}
	}
	if (!all && optind >= argc)
		return cli_usage_error(err, cmd, "requires at least one pod (or --all)");
	if (all && optind < argc)
		return cli_usage_error(err, cmd, "--all and pod names cannot be used together");
	return for_each(ctx, argv + optind, all, fn, &o, err);
}

static int cmd_start(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return each_cmd(ctx, argc, argv, "pod start", do_start, err);
}

static int cmd_stop(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return each_cmd(ctx, argc, argv, "pod stop", do_stop, err);
}

static int cmd_restart(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return each_cmd(ctx, argc, argv, "pod restart", do_restart, err);
}

static int cmd_kill(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return each_cmd(ctx, argc, argv, "pod kill", do_kill, err);
}

static int cmd_rm(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return each_cmd(ctx, argc, argv, "pod rm", do_rm, err);
}

static int cmd_exists(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	if (cli_no_flags("pod exists", argc, argv, err) < 0)
		return -1;
	if (argc - optind != 1)
		return cli_usage_error(err, "pod exists", "requires exactly one pod name");
	return pod_exists(ctx, argv[optind]) ? 0 : 1;
}

static int cmd_prune(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strv char **removed = NULL;
	bool force = false;
	int c, rc;
	char **p;

	while ((c = cli_getopt(argc, argv, "+f", opts)) != -1) {
		if (c != 'f')
			return cli_bad_flag(err, "pod prune", argc, argv);
		force = true;
	}
	if (!force && !cli_confirm("WARNING! This will remove all stopped/exited pods..\n"
				   "Are you sure you want to continue? [y/N] "))
		return 0;
	rc = pod_prune(ctx, &removed, err);
	for (p = removed; p && *p; p++)
		printf("%s\n", *p);
	return rc;
}

/* ---- ps, inspect -------------------------------------------------------- */

static const char *const ps_headers[] = {
	"Id", "POD ID", "InfraId", "INFRA ID", "NumberOfContainers", "# OF CONTAINERS", NULL,
};

static const char *jget(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_get_string(v))
		return "";
	return json_object_get_string(v);
}

static void ps_table(struct json_object *arr, const struct pod_info *pods, bool no_trunc)
{
	struct fmt_table *t = fmt_table_new();
	int64_t now = (int64_t)time(NULL);
	size_t i;

	fmt_table_row(t, "POD ID", "NAME", "STATUS", "CREATED", "INFRA ID", "# OF CONTAINERS",
		      NULL);
	for (i = 0; i < json_object_array_length(arr); i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);
		cleanup_free char *ago = fmt_human_ago(pods[i].created / 1000000000LL, now);
		cleanup_free char *id = no_trunc ? xstrdup(jget(o, "Id")) : xstrndup(jget(o, "Id"), 12);
		cleanup_free char *infra = no_trunc ? xstrdup(jget(o, "InfraId"))
						    : xstrndup(jget(o, "InfraId"), 12);

		fmt_table_row(t, id, jget(o, "Name"), jget(o, "Status"), ago, infra,
			      jget(o, "NumberOfContainers"), NULL);
	}
	fmt_table_print(t, stdout);
	fmt_table_free(t);
}

static int cmd_ps(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_json struct json_object *arr = json_object_new_array();
	const char *format = NULL;
	struct pod_info *pods = NULL;
	bool quiet = false, no_trunc = false;
	size_t n = 0, i;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+q", opts)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_NO_TRUNC: no_trunc = true; break;
		default: return cli_bad_flag(err, "pod ps", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(err, "pod ps", "takes no arguments");
	if (pod_list(ctx, &pods, &n, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		struct json_object *o = pod_ps_json(ctx, &pods[i], err);

		if (!o)
			rc = -1;
		else
			json_object_array_add(arr, o);
	}
	if (rc == 0 && quiet) {
		for (i = 0; i < n; i++)
			printf("%s\n", no_trunc ? pods[i].id : (pods[i].id[12] = '\0', pods[i].id));
	} else if (rc == 0 && fmt_is_default(format)) {
		ps_table(arr, pods, no_trunc);
	} else if (rc == 0) {
		rc = fmt_print_ex(stdout, format, arr, true, ps_headers, err);
	}
	pod_info_list_free(pods, n);
	return rc;
}

static int cmd_inspect(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_json struct json_object *arr = json_object_new_array();
	const char *format = "json";
	int c, i;

	while ((c = cli_getopt(argc, argv, "+f:", opts)) != -1) {
		if (c != 'f')
			return cli_bad_flag(err, "pod inspect", argc, argv);
		format = optarg;
	}
	if (optind >= argc)
		return cli_usage_error(err, "pod inspect", "requires at least one pod");
	for (i = optind; i < argc; i++) {
		struct pod_info pi;
		struct json_object *o;

		if (pod_lookup(ctx, argv[i], &pi, err) < 0)
			return -1;
		o = pod_inspect_json(ctx, &pi, err);
		pod_info_release(&pi);
		if (!o)
			return -1;
		json_object_array_add(arr, o);
	}
	return fmt_print(stdout, fmt_is_default(format) ? "json" : format, arr, true, err);
}

/* ---- logs, top ---------------------------------------------------------- */

static int cmd_logs(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "timestamps", no_argument, NULL, 't' },
		{ "tail", required_argument, NULL, OPT_TAIL },
		{ "follow", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctr_logs_opts lo = { .tail = -1 };
	struct ctr_info *ctrs = NULL;
	struct pod_info pi;
	size_t n = 0, i, apps = 0;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+tf", opts)) != -1) {
		switch (c) {
		case 't': lo.timestamps = true; break;
		case 'f': lo.follow = true; break;
		case OPT_TAIL:
			if (parse_i64(optarg, -1, INT64_MAX, &lo.tail, "--tail", err) < 0)
				return -1;
			break;
		default: return cli_bad_flag(err, "pod logs", argc, argv);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(err, "pod logs", "requires exactly one pod");
	if (pod_lookup(ctx, argv[optind], &pi, err) < 0)
		return -1;
	if (pod_containers(ctx, pi.id, &ctrs, &n, err) < 0) {
		pod_info_release(&pi);
		return -1;
	}
	for (i = 0; i < n; i++)
		apps += !ctrs[i].infra;
	if (lo.follow && apps > 1)
		rc = cli_usage_error(err, "pod logs", "--follow is not supported yet for a pod "
				     "with more than one container");
	for (i = 0; i < n && rc == 0; i++) {
		cleanup_free char *prefix = xasprintf("%s ", ctrs[i].name);

		if (ctrs[i].infra)
			continue;
		lo.prefix = prefix;
		fflush(stdout);
		rc = ctr_logs(ctx, ctrs[i].id, &lo, err);
	}
	ctr_info_list_free(ctrs, n);
	pod_info_release(&pi);
	return rc;
}

static int cmd_top(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	struct ctr_info *ctrs = NULL;
	struct fmt_table *t;
	struct pod_info pi;
	size_t n = 0, i, r, k;
	bool header = false;
	int rc = 0;

	if (argc < 2)
		return cli_usage_error(err, "pod top", "requires a pod");
	if (pod_lookup(ctx, argv[1], &pi, err) < 0)
		return -1;
	if (pod_containers(ctx, pi.id, &ctrs, &n, err) < 0) {
		pod_info_release(&pi);
		return -1;
	}
	t = fmt_table_new();
	for (i = 0; i < n && rc == 0; i++) {
		struct json_object *rows;

		if (ctrs[i].state != CTR_RUNNING)
			continue;
		if (!(rows = ctr_top_rows(ctx, ctrs[i].id, argv + 2, err))) {
			rc = -1;
			break;
		}
		for (r = header ? 1 : 0; r < json_object_array_length(rows); r++) {
			struct json_object *row = json_object_array_get_idx(rows, r);

			for (k = 0; k < json_object_array_length(row); k++)
				fmt_table_add(t, json_object_get_string(
						 json_object_array_get_idx(row, k)));
			fmt_table_end_row(t);
		}
		header = true;
		json_object_put(rows);
	}
	if (rc == 0 && !header)
		rc = pea_err_set(err, 0, "pod '%s' has no running containers", pi.name);
	if (rc == 0)
		fmt_table_print(t, stdout);
	fmt_table_free(t);
	ctr_info_list_free(ctrs, n);
	pod_info_release(&pi);
	return rc;
}

/* ---- the table ---------------------------------------------------------- */

static const char create_help[] =
	"Usage: peapod pod create [options] [NAME]\n\n"
	"Create a pod (with an infra container holding its namespaces) and print its id.\n\n"
	"Options:\n"
	"  -n, --name NAME          the pod's name (default: generated)\n"
	"  --hostname NAME          hostname of the pod's containers (default: the name)\n"
	"  -p, --publish SPEC       publish [[hostip:]hostport:]ctrport[/proto]\n"
	"  --share NS,...           namespaces to share: net, ipc, uts, pid (default net,ipc,uts)\n"
	"  --network MODE           bridge (default network), none, host, ns:PATH, or network\n"
	"                           names (comma-separated or repeated: one eth per network)\n"
	"  -l, --label K=V          a label\n"
	"  --infra=false            no infra container (nothing is shared)\n"
	"  --add-host NAME:IP       an /etc/hosts entry\n"
	"  --dns IP, --dns-search DOMAIN, --dns-option OPT\n"
	"                           resolv.conf of the pod's containers\n"
	"  --cgroup-parent PATH     parent cgroup (default /peapod/pod-<id>)\n";
static const char start_help[] =
	"Usage: peapod pod start [-a] POD [POD...]\n\n"
	"Start the infra container, then the pod's containers in creation order.\n\n"
	"Options:\n  -a, --all              every pod\n";
static const char stop_help[] =
	"Usage: peapod pod stop [options] POD [POD...]\n\n"
	"Stop the pod's containers (newest first), then the infra; the network goes.\n\n"
	"Options:\n  -a, --all              every pod\n"
	"  -t, --time SECONDS     wait before SIGKILL (default: each container's)\n";
static const char restart_help[] =
	"Usage: peapod pod restart [options] POD [POD...]\n\nStop and start pods.\n\n"
	"Options:\n  -a, --all              every pod\n  -t, --time SECONDS\n";
static const char kill_help[] =
	"Usage: peapod pod kill [-s SIGNAL] POD [POD...]\n\n"
	"Signal every running container of the pod (default SIGKILL).\n";
static const char rm_help[] =
	"Usage: peapod pod rm [options] POD [POD...]\n\n"
	"Remove pods and their containers.\n\nOptions:\n"
	"  -a, --all              every pod\n"
	"  -f, --force            stop running containers first\n";
static const char ps_help[] =
	"Usage: peapod pod ps [options]\n\nList pods.\n\nOptions:\n"
	"  -q, --quiet            ids only\n"
	"  --no-trunc             full ids\n"
	"  --format FORMAT        json or a Go template, e.g. '{{.Name}} {{.Status}}'\n";
static const char inspect_help[] =
	"Usage: peapod pod inspect [-f FORMAT] POD [POD...]\n\nShow pod details as JSON.\n";
static const char logs_help[] =
	"Usage: peapod pod logs [options] POD\n\n"
	"Logs of every container of the pod, each line prefixed with the container's name.\n\n"
	"Options:\n  -t, --timestamps\n  --tail N\n  -f, --follow (one container only)\n";
static const char top_help[] =
	"Usage: peapod pod top POD [DESCRIPTORS...]\n\n"
	"The processes of the pod's running containers.\n";
static const char exists_help[] =
	"Usage: peapod pod exists POD\n\nExit 0 if the pod exists, 1 if not.\n";
static const char prune_help[] =
	"Usage: peapod pod prune [-f]\n\nRemove every pod without running containers.\n";

#define POD_CMD(n, s, h, f) { n, s, h, f, NULL, false }
#define POD_ALIAS(n, s, h, f) { n, s, h, f, NULL, true }

const struct cli_cmd cli_pod_cmds[] = {
	POD_CMD("create", "create a pod", create_help, cmd_create),
	POD_CMD("exists", "check whether a pod exists", exists_help, cmd_exists),
	POD_CMD("inspect", "show pod details", inspect_help, cmd_inspect),
	POD_CMD("kill", "signal a pod's containers", kill_help, cmd_kill),
	POD_ALIAS("list", "list pods", ps_help, cmd_ps),
	POD_CMD("logs", "show the logs of a pod's containers", logs_help, cmd_logs),
	POD_ALIAS("ls", "list pods", ps_help, cmd_ps),
	POD_CMD("prune", "remove stopped pods", prune_help, cmd_prune),
	POD_CMD("ps", "list pods", ps_help, cmd_ps),
	POD_CMD("restart", "restart pods", restart_help, cmd_restart),
	POD_ALIAS("remove", "remove pods", rm_help, cmd_rm),
	POD_CMD("rm", "remove pods", rm_help, cmd_rm),
	POD_CMD("start", "start pods", start_help, cmd_start),
	POD_CMD("stop", "stop pods", stop_help, cmd_stop),
	POD_CMD("top", "list a pod's processes", top_help, cmd_top),
	{ NULL, NULL, NULL, NULL, NULL, false },
};
