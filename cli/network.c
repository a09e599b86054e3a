/* Network commands: network create|ls|list|inspect|rm|prune|exists|connect|
 * disconnect (podman's flags and output shapes). */
#include "cli/cli.h"
#include "cli/format.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "network/network.h"
#include "podengine/pod.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

enum { OPT_FORMAT = 2000, OPT_SUBNET, OPT_GATEWAY, OPT_INTERNAL, OPT_IPV6, OPT_NO_DNS,
       OPT_IGNORE, OPT_NO_TRUNC, OPT_INTERFACE };

/* podman's exit statuses of `network rm`. */
enum { EXIT_NO_SUCH_NETWORK = 1, EXIT_NETWORK_IN_USE = 2 };

static int cmd_create(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "subnet", required_argument, NULL, OPT_SUBNET },
		{ "gateway", required_argument, NULL, OPT_GATEWAY },
		{ "internal", no_argument, NULL, OPT_INTERNAL },
		{ "ipv6", no_argument, NULL, OPT_IPV6 },
		{ "disable-dns", no_argument, NULL, OPT_NO_DNS },
		{ "label", required_argument, NULL, 'l' },
		{ "interface-name", required_argument, NULL, OPT_INTERFACE },
		{ "ignore", no_argument, NULL, OPT_IGNORE },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strv char **subnets = NULL, **gateways = NULL, **labels = NULL;
	struct net_create_opts o = { 0 };
	struct net_config nc;
	struct pea_err *e = NULL;
	bool ignore = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+d:l:", opts)) != -1) {
		switch (c) {
		case 'd': o.driver = optarg; break;
		case OPT_SUBNET: strv_push(&subnets, optarg); break;
		case OPT_GATEWAY: strv_push(&gateways, optarg); break;
		case OPT_INTERNAL: o.internal = true; break;
		case OPT_IPV6: o.ipv6 = true; break;
		case OPT_NO_DNS: o.disable_dns = true; break;
		case 'l': strv_push(&labels, optarg); break;
		case OPT_INTERFACE: o.bridge = optarg; break;
		case OPT_IGNORE: ignore = true; break;
		default: return cli_bad_flag(err, "network create", argc, argv);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error(err, "network create", "takes at most one network name");
	if (strv_len(gateways) > strv_len(subnets))
		return cli_usage_error(err, "network create", "cannot set more gateways than "
				       "subnets");
	o.name = optind < argc ? argv[optind] : NULL;
	o.subnets = subnets;
	o.gateways = gateways;
	o.labels = labels;
	if (net_create(ctx, &o, &nc, &e) < 0) {
		if (!(ignore && o.name && pea_err_is(e, PEA_E_EXISTS) && net_exists(ctx, o.name))) {
			*err = e;
			return -1;
		}
		pea_err_free(e);
		printf("%s\n", o.name);
		return 0;
	}
	printf("%s\n", nc.name);
	net_config_release(&nc);
	return 0;
}

/* ---- JSON: podman's netavark shape, and Go field names for templates --- */

static char *created_text(int64_t t)
{
	struct timespec ts = { .tv_sec = (time_t)t };

	return fmt_time_rfc3339nano(ts);
}

/* Pod names attached to the network (by their specs). */
static struct json_object *users_json(struct pod_info *pods, size_t np, const char *net)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < np; i++)
		if (pod_uses_network(&pods[i], net))
			json_object_object_add(o, pods[i].id, json_object_new_string(pods[i].name));
	return o;
}

static struct json_object *inspect_json(const struct net_config *nc, struct json_object *users)
{
	struct json_object *raw = net_config_to_json(nc), *o = json_object_new_object(), *v;
	struct json_object *ipam = json_object_new_object();
	static const char *const keys[] = { "name", "id", "driver", "network_interface", NULL,
					    "subnets", "ipv6_enabled", "internal", "dns_enabled",
					    "labels" };
	cleanup_free char *created = created_text(nc->created);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!keys[i])
			json_object_object_add(o, "created", json_object_new_string(created));
		else if (json_object_object_get_ex(raw, keys[i], &v))
			json_object_object_add(o, keys[i], json_object_get(v));
	}
	json_object_object_add(ipam, "driver", json_object_new_string("host-local"));
	json_object_object_add(o, "ipam_options", ipam);
	json_object_object_add(o, "containers", users ? users : json_object_new_object());
	json_object_put(raw);
	return o;
}

/* The same data under podman's Go field names ({{.Name}}, {{.ID}}, ...). */
static struct json_object *template_json(struct json_object *j)
{
	static const char *const map[][2] = {
		{ "name", "Name" }, { "id", "ID" }, { "driver", "Driver" },
		{ "network_interface", "NetworkInterface" }, { "created", "Created" },
		{ "ipv6_enabled", "IPv6Enabled" }, { "internal", "Internal" },
		{ "dns_enabled", "DNSEnabled" }, { "labels", "Labels" },
		{ "ipam_options", "IPAMOptions" }, { "containers", "Containers" },
	};
	struct json_object *o = json_object_new_object(), *v, *subs, *gs;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (json_object_object_get_ex(j, map[i][0], &v))
			json_object_object_add(o, map[i][1], json_object_get(v));
	gs = json_object_new_array();
	if (json_object_object_get_ex(j, "subnets", &subs)) {
		for (size_t i = 0; i < json_object_array_length(subs); i++) {
			struct json_object *s = json_object_array_get_idx(subs, i);
			struct json_object *g = json_object_new_object();

			if (json_object_object_get_ex(s, "subnet", &v))
				json_object_object_add(g, "Subnet", json_object_get(v));
			if (json_object_object_get_ex(s, "gateway", &v))
				json_object_object_add(g, "Gateway", json_object_get(v));
			json_object_array_add(gs, g);
		}
	}
	json_object_object_add(o, "Subnets", gs);
	return o;
}

static int print_json_or_template(const char *format, struct json_object *arr,
				  const char *const *headers, struct pea_err **err)
{
	cleanup_json struct json_object *t = NULL;

	if (fmt_is_default(format) || !strcmp(format, "json"))
		return fmt_print(stdout, "json", arr, false, err);
	t = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		json_object_array_add(t, template_json(json_object_array_get_idx(arr, i)));
	return fmt_print_ex(stdout, format, t, true, headers, err);
}

/* ---- ls, inspect -------------------------------------------------------- */

static int load_all(struct pea_ctx *ctx, struct net_config **nets, size_t *n,
		    struct pod_info **pods, size_t *np, struct pea_err **err)
{
	struct net_config def;

	/* podman always lists its default network */
	if (net_default(ctx, &def, err) < 0)
		return -1;
	net_config_release(&def);
	if (net_list(ctx, nets, n, err) < 0)
		return -1;
	if (pod_list(ctx, pods, np, err) < 0) {
		net_config_list_free(*nets, *n);
		return -1;
	}
	return 0;
}

static const char *const ls_headers[] = { "ID", "NETWORK ID", NULL };

static int cmd_ls(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_json struct json_object *arr = json_object_new_array();
	const char *format = NULL;
	struct net_config *nets = NULL;
	struct pod_info *pods = NULL;
	size_t n = 0, np = 0;
	bool quiet = false, trunc = true;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+q", opts)) != -1) {
		switch (c) {
		case 'q': quiet = true; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_NO_TRUNC: trunc = false; break;
		default: return cli_bad_flag(err, "network ls", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(err, "network ls", "takes no arguments");
	if (load_all(ctx, &nets, &n, &pods, &np, err) < 0)
		return -1;
	if (quiet || fmt_is_default(format)) {
		struct fmt_table *t = quiet ? NULL : fmt_table_new();

		if (t)
			fmt_table_row(t, "NETWORK ID", "NAME", "DRIVER", NULL);
		for (size_t i = 0; i < n; i++) {
			if (!t) {
				printf("%s\n", nets[i].name);
				continue;
			}
			fmt_table_addf(t, "%.*s", trunc ? 12 : 64, nets[i].id);
			fmt_table_row(t, nets[i].name, nets[i].driver, NULL);
		}
		if (t) {
			fmt_table_print(t, stdout);
			fmt_table_free(t);
		}
	} else {
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, inspect_json(&nets[i],
								users_json(pods, np, nets[i].name)));
		rc = print_json_or_template(format, arr, ls_headers, err);
	}
	net_config_list_free(nets, n);
	pod_info_list_free(pods, np);
	return rc;
}

static int cmd_inspect(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_json struct json_object *arr = json_object_new_array();
	const char *format = NULL;
	struct pod_info *pods = NULL;
	size_t np = 0;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+f:", opts)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		default: return cli_bad_flag(err, "network inspect", argc, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(err, "network inspect", "requires at least one network name");
	if (pod_list(ctx, &pods, &np, err) < 0)
		return -1;
	for (int i = optind; i < argc && rc == 0; i++) {
		struct net_config nc;

		if ((!strcmp(argv[i], NET_DEFAULT_NAME) ? net_default(ctx, &nc, err)
							: net_lookup(ctx, argv[i], &nc, err)) < 0) {
			rc = -1;
			break;
		}
		json_object_array_add(arr, inspect_json(&nc, users_json(pods, np, nc.name)));
		net_config_release(&nc);
	}
	pod_info_list_free(pods, np);
	if (rc < 0)
		return -1;
	return print_json_or_template(format, arr, NULL, err);
}

/* ---- rm, prune ---------------------------------------------------------- */

/* Print each error but the last, which goes back to main(). */
static void keep_error(struct pea_err **last, struct pea_err *e)
{
	if (*last) {
		cleanup_free char *text = pea_err_text(*last);

		fprintf(stderr, "Error: %s\n", text);
		pea_err_free(*last);
	}
	*last = e;
}

/* Refuse while pods use the network; with force remove them first. */
static int remove_one(struct pea_ctx *ctx, const char *name, bool force, struct pea_err **err)
{
	struct pod_info *pods = NULL;
	size_t np = 0;
	int rc = 0;

	if (!strcmp(name, NET_DEFAULT_NAME))
		return pea_err_setk(err, PEA_E_INVALID, 0, "default network %s cannot be removed",
				    name);
	if (!net_exists(ctx, name))
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "unable to find network with name or "
				    "ID %s: network not found", name);
	if (pod_list(ctx, &pods, &np, err) < 0)
		return -1;
	for (size_t i = 0; i < np && rc == 0; i++) {
		if (!pod_uses_network(&pods[i], name))
			continue;
		if (!force)
			rc = pea_err_setk(err, PEA_E_IN_USE, 0, "network '%s' is used by pod '%s' "
					  "(remove the pod first, or use -f to remove it too)",
					  name, pods[i].name);
		else
			rc = pod_remove(ctx, pods[i].id, true, err);
	}
	pod_info_list_free(pods, np);
	if (rc < 0)
		return -1;
	return net_remove(ctx, name, force, err);
}

static int cmd_rm(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "time", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct pea_err *last = NULL;
	bool force = false;
	int c;

	while ((c = cli_getopt(argc, argv, "+ft:", opts)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 't': break;
		default: return cli_bad_flag(err, "network rm", argc, argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error(err, "network rm", "requires at least one network name");
	for (int i = optind; i < argc; i++) {
		struct pea_err *e = NULL;

		if (remove_one(ctx, argv[i], force, &e) == 0) {
			printf("%s\n", argv[i]);
			continue;
		}
		if (pea_err_is(e, PEA_E_NOT_FOUND))
			e->exit_status = EXIT_NO_SUCH_NETWORK;
		else if (pea_err_is(e, PEA_E_IN_USE))
			e->exit_status = EXIT_NETWORK_IN_USE;
		keep_error(&last, e);
	}
	if (!last)
		return 0;
	*err = last;
	return -1;
}

static int cmd_prune(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_config *nets = NULL;
	struct pod_info *pods = NULL;
	size_t n = 0, np = 0;
	bool force = false;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+f", opts)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		default: return cli_bad_flag(err, "network prune", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(err, "network prune", "takes no arguments");
	if (!force && !cli_confirm("WARNING! This will remove all networks not used by at least "
				   "one container.\nAre you sure you want to continue?"))
		return 0;
	if (net_list(ctx, &nets, &n, err) < 0)
		return -1;
	if (pod_list(ctx, &pods, &np, err) < 0) {
		net_config_list_free(nets, n);
		return -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		bool used = !strcmp(nets[i].name, NET_DEFAULT_NAME);

		for (size_t j = 0; j < np && !used; j++)
			used = pod_uses_network(&pods[j], nets[i].name);
		if (used)
			continue;
		rc = net_remove(ctx, nets[i].name, false, err);
		if (rc == 0)
			printf("%s\n", nets[i].name);
	}
	net_config_list_free(nets, n);
	pod_info_list_free(pods, np);
	return rc;
}

static int cmd_exists(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	if (cli_no_flags("network exists", argc, argv, err) < 0)
		return -1;
	if (argc - optind != 1)
		return cli_usage_error(err, "network exists", "requires exactly one network name");
	if (!strcmp(argv[optind], NET_DEFAULT_NAME))
		return 0;
	return net_exists(ctx, argv[optind]) ? 0 : 1;
}

static int connect_cmd(struct pea_ctx *ctx, int argc, char **argv, bool connect,
		       struct pea_err **err)
{
	const char *cmd = connect ? "network connect" : "network disconnect";

	if (cli_no_flags(cmd, argc, argv, err) < 0)
		return -1;
	if (argc - optind != 2)
		return cli_usage_error(err, cmd, "requires a network and a pod");
	return pod_network_connect(ctx, argv[optind + 1], argv[optind], connect, err);
}

static int cmd_connect(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return connect_cmd(ctx, argc, argv, true, err);
}

static int cmd_disconnect(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	return connect_cmd(ctx, argc, argv, false, err);
}

static const char create_help[] =
	"Usage: peapod network create [options] [NAME]\n\n"
	"Create a bridge network and print its name (\"peapodN\" when NAME is not given).\n"
	"Nothing changes on the host until a pod uses it.\n\n"
	"Options:\n"
	"  -d, --driver DRIVER      only 'bridge'\n"
	"  --subnet CIDR            subnet (repeatable; IPv4 and/or IPv6); default: a free\n"
	"                           private /24 (and a ULA /64 with --ipv6)\n"
	"  --gateway IP             gateway of the subnet of the same position\n"
	"  --internal               no masquerade and no default route out\n"
	"  --ipv6                   dual stack: add an IPv6 subnet\n"
	"  --disable-dns            pods of the network do not get each other's names\n"
	"  --interface-name NAME    the bridge's name (default: peapodN)\n"
	"  -l, --label KEY=VALUE    set a label (repeatable)\n"
	"  --ignore                 do not fail if the network exists already\n";
static const char ls_help[] =
	"Usage: peapod network ls [options]\n\n"
	"List networks (the default network 'peapod' always).\n\nOptions:\n"
	"  --format FORMAT          json or a Go template, e.g. '{{.Name}} {{.Driver}}'\n"
	"  --no-trunc               full network ids\n"
	"  -q, --quiet              names only\n";
static const char inspect_help[] =
	"Usage: peapod network inspect [options] NAME [NAME...]\n\n"
	"Show networks as JSON (podman's netavark shape) or through a Go template.\n\n"
	"Options:\n"
	"  -f, --format FORMAT      json or a Go template, e.g. '{{.NetworkInterface}}'\n";
static const char rm_help[] =
	"Usage: peapod network rm [options] NAME [NAME...]\n\n"
	"Remove networks, their bridges and firewall rules.  A network used by a pod is\n"
	"refused (exit 2) unless -f, which removes those pods first.  Exit 1 if a network\n"
	"does not exist.\n\nOptions:\n"
	"  -f, --force              remove the pods using the network too\n";
static const char prune_help[] =
	"Usage: peapod network prune [options]\n\n"
	"Remove every network no pod uses (never the default network).\n\nOptions:\n"
	"  -f, --force              do not ask for confirmation\n";
static const char exists_help[] =
	"Usage: peapod network exists NAME\n\nExit 0 if the network exists, 1 if not.\n";
static const char connect_help[] =
	"Usage: peapod network connect NETWORK POD\n\n"
	"Attach a pod on bridge networks to one more network.  A running pod gets the\n"
	"next free interface ethN in it right away; a stopped one from its next start.\n";
static const char disconnect_help[] =
	"Usage: peapod network disconnect NETWORK POD\n\n"
	"Detach a pod from a network (not its last one).  A running pod loses that\n"
	"interface right away; it cannot leave its first network (eth0) while running.\n";

#define NET_CMD(n, s, h, f) { n, s, h, f, NULL, false }
#define NET_ALIAS(n, s, h, f) { n, s, h, f, NULL, true }

const struct cli_cmd cli_network_cmds[] = {
	NET_CMD("connect", "connect a pod to a network", connect_help, cmd_connect),
	NET_CMD("create", "create a network", create_help, cmd_create),
	NET_CMD("disconnect", "disconnect a pod from a network", disconnect_help,
		cmd_disconnect),
	NET_CMD("exists", "check whether a network exists", exists_help, cmd_exists),
	NET_CMD("inspect", "show network details", inspect_help, cmd_inspect),
	NET_CMD("list", "list networks", ls_help, cmd_ls),
	NET_ALIAS("ls", "list networks", ls_help, cmd_ls),
	NET_CMD("prune", "remove unused networks", prune_help, cmd_prune),
	NET_ALIAS("remove", "remove networks", rm_help, cmd_rm),
	NET_CMD("rm", "remove networks", rm_help, cmd_rm),
	{ NULL, NULL, NULL, NULL, NULL, false },
};
