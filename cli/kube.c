/* kube commands: kube play (alias play kube), kube down, kube generate
 * (alias generate kube; cli/kube-generate.c).  Flags into
 * options and plan adjustments; the plan from kube-input.c; play_run /
 * play_down (podengine/play.h) do the work; podman's output shapes. */
#include "cli/cli.h"
#include "cli/kube-input.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/container.h"
#include "podengine/play.h"
#include "podengine/pod.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

enum {
	OPT_REPLACE = 2000, OPT_DOWN, OPT_FORCE, OPT_START, OPT_NETWORK, OPT_PUBLISH_ALL,
	OPT_CONFIGMAP, OPT_ANNOTATION, OPT_LOG_DRIVER, OPT_LOG_OPT, OPT_NO_HOSTS, OPT_IP,
	OPT_USERNS, OPT_AUTHFILE, OPT_CREDS, OPT_TLS, OPT_PULL, OPT_SECCOMP_ROOT, OPT_WAIT,
	OPT_WAIT_TIMEOUT,
};

#define WAIT_TIMEOUT_DEFAULT "5m"

struct play_cli {
	struct play_opts po;
	bool down, force, wait, publish_all, replace_report, no_hosts;
	bool wait_ready;               /* --wait=ready */
	const char *wait_timeout;      /* --wait-timeout as given (for messages) */
	int64_t wait_timeout_ms;       /* 0: no limit */
	char **files, **networks, **configmaps, **annotations, **ips;
	struct net_port *ports;
	size_t n_ports;
	int64_t log_max_size;
	bool has_log_max_size;
	const char *seccomp_root;
};

static void play_cli_release(struct play_cli *o)
{
	strv_free(o->files);
	strv_free(o->networks);
	strv_free(o->configmaps);
	strv_free(o->annotations);
	strv_free(o->ips);
	free(o->ports);
}

/* ---- flags ---------------------------------------------------------------- */

int cli_kube_getopt_files(int argc, char **argv, const char *shortopts,
			const struct option *longopts, char ***files)
{
	int c;

	for (;;) {
		c = cli_getopt(argc, argv, shortopts, longopts);
		if (c != -1 || optind >= argc)
			return c;
		if (!strcmp(argv[optind - 1], "--")) {
			for (; optind < argc; optind++)
				strv_push(files, argv[optind]);
			return -1;
		}
		strv_push(files, argv[optind++]);
	}
}

static int parse_pull(const char *arg, enum pull_policy *p, struct pea_err **err)
{
	if (!strcmp(arg, "always"))
		*p = PULL_ALWAYS;
	else if (!strcmp(arg, "missing"))
		*p = PULL_MISSING;
	else if (!strcmp(arg, "never"))
		*p = PULL_NEVER;
	else if (!strcmp(arg, "newer"))
		*p = PULL_NEWER;
	else
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "bad --pull '%s' (always, missing, never, newer)", arg);
	return 0;
}

static int add_networks(struct play_cli *o, const char *arg)
{
	cleanup_free char *copy = xstrdup(arg);
	char *p, *comma;

	if (!strncmp(arg, "ns:", 3)) {
		strv_push(&o->networks, arg);
		return 0;
	}
	for (p = copy; p; p = comma ? comma + 1 : NULL) {
		if ((comma = strchr(p, ',')))
			*comma = '\0';
		strv_push(&o->networks, p);
	}
	return 0;
}

static int add_port(struct play_cli *o, const char *arg, struct pea_err **err)
{
	struct net_port p;

	if (net_parse_port(arg, &p, err) < 0)
		return pea_err_wrap(err, "--publish");
	o->ports = xrealloc(o->ports, (o->n_ports + 1) * sizeof(*o->ports));
	o->ports[o->n_ports++] = p;
	return 0;
}

static int log_opt(struct play_cli *o, const char *arg, struct pea_err **err)
{
	if (!strncmp(arg, "max-size=", 9)) {
		o->has_log_max_size = true;
		return parse_size(arg + 9, &o->log_max_size, "--log-opt max-size", err);
	}
	if (!strncmp(arg, "path=", 5) || !strncmp(arg, "tag=", 4) || !strncmp(arg, "max-file=", 9))
		return 0; /* accepted, not used (as `run`) */
	return pea_err_setk(err, PEA_E_INVALID, 0, "unsupported --log-opt '%s' (max-size=SIZE)",
			    arg);
}

static int bool_opt(const char *arg, bool *out, const char *what, struct pea_err **err)
{
	int v = 1;

	if (arg && parse_bool(arg, &v, what, err) < 0)
		return -1;
	*out = v;
	return 0;
}

static int registry_flag(struct play_cli *o, int c, const char *arg, struct pea_err **err)
{
	bool b;

	switch (c) {
	case 'q': o->po.quiet = true; return 0;
	case OPT_AUTHFILE: o->po.authfile = arg; return 0;
	case OPT_CREDS: o->po.creds = arg; return 0;
	case OPT_TLS:
		if (bool_opt(arg, &b, "--tls-verify", err) < 0)
			return -1;
		o->po.tls_verify = b;
		return 0;
	case OPT_PULL:
		o->po.has_pull = true;
		return parse_pull(arg, &o->po.pull, err);
	}
	return 1;
}

/* --wait (no value: the foreground mode), --wait=ready, --wait-timeout. */
static int wait_flag(struct play_cli *o, int c, const char *arg, struct pea_err **err)
{
	if (c == OPT_WAIT_TIMEOUT) {
		o->wait_timeout = arg;
		return parse_duration_ms(arg, &o->wait_timeout_ms, "--wait-timeout", err);
	}
	if (!arg)
		o->wait = true;
	else if (!strcmp(arg, "ready"))
		o->wait_ready = true;
	else
		return pea_err_setk(err, PEA_E_INVALID, 0, "--wait='%s': unknown value (--wait or "
				    "--wait=ready)", arg);
	return 0;
}

static int play_flag(struct play_cli *o, int c, const char *arg, struct pea_err **err)
{
	bool b;

	switch (c) {
	case OPT_REPLACE: o->po.replace = true; return 0;
	case OPT_DOWN: o->down = true; return 0;
	case OPT_FORCE: o->force = true; return 0;
	case 'w': o->wait = true; return 0;
	case OPT_WAIT:
	case OPT_WAIT_TIMEOUT: return wait_flag(o, c, arg, err);
	case OPT_START:
		if (bool_opt(arg, &b, "--start", err) < 0)
			return -1;
		o->po.no_start = !b;
		return 0;
	case OPT_NETWORK: return add_networks(o, arg);
	case 'p': return add_port(o, arg, err);
	case OPT_PUBLISH_ALL: o->publish_all = true; return 0;
	case OPT_CONFIGMAP: strv_push(&o->configmaps, arg); return 0;
	case OPT_ANNOTATION:
		if (!strchr(arg, '=') || arg[0] == '=')
			return pea_err_setk(err, PEA_E_INVALID, 0, "annotation \"%s\" must include "
					    "an '=' sign", arg);
		strv_push(&o->annotations, arg);
		return 0;
	case OPT_LOG_DRIVER:
		if (strcmp(arg, "k8s-file"))
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "unsupported --log-driver '%s' (k8s-file)", arg);
		return 0;
	case OPT_LOG_OPT: return log_opt(o, arg, err);
	case OPT_NO_HOSTS: o->no_hosts = true; return 0;
	case OPT_IP:
		if (inet_pton(AF_INET, arg, &(struct in_addr){ 0 }) != 1)
			return pea_err_setk(err, PEA_E_INVALID, 0, "--ip '%s': not an IPv4 address",
					    arg);
		strv_push(&o->ips, arg);
		return 0;
	case OPT_USERNS:
		if (*arg && strcmp(arg, "host"))
			return pea_err_setk(err, PEA_E_INVALID, 0, "--userns '%s': not supported yet "
					    "(\"\" or \"host\")", arg);
		return 0;
	case OPT_SECCOMP_ROOT: o->seccomp_root = arg; return 0;
	}
	return registry_flag(o, c, arg, err);
}

static const struct option play_opts[] = {
	{ "replace", no_argument, NULL, OPT_REPLACE },
	{ "down", no_argument, NULL, OPT_DOWN },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "start", optional_argument, NULL, OPT_START },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "net", required_argument, NULL, OPT_NETWORK },
	{ "publish", required_argument, NULL, 'p' },
	{ "publish-all", no_argument, NULL, OPT_PUBLISH_ALL },
	{ "configmap", required_argument, NULL, OPT_CONFIGMAP },
	{ "annotation", required_argument, NULL, OPT_ANNOTATION },
	{ "log-driver", required_argument, NULL, OPT_LOG_DRIVER },
	{ "log-opt", required_argument, NULL, OPT_LOG_OPT },
	{ "no-hosts", no_argument, NULL, OPT_NO_HOSTS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "userns", required_argument, NULL, OPT_USERNS },
	{ "authfile", required_argument, NULL, OPT_AUTHFILE },
	{ "creds", required_argument, NULL, OPT_CREDS },
	{ "tls-verify", optional_argument, NULL, OPT_TLS },
	{ "pull", required_argument, NULL, OPT_PULL },
	{ "seccomp-profile-root", required_argument, NULL, OPT_SECCOMP_ROOT },
	{ "wait", optional_argument, NULL, OPT_WAIT },
	{ "wait-timeout", required_argument, NULL, OPT_WAIT_TIMEOUT },
	{ NULL, 0, NULL, 0 },
};

static int check_combinations(const struct play_cli *o, const char *cmd, struct pea_err **err)
{
	size_t nn = strv_len(o->networks);

	if (o->force && !o->down)
		return cli_usage_error(err, cmd, "--force may be specified only with --down");
	if ((o->wait || o->wait_ready) && o->po.no_start)
		return cli_usage_error(err, cmd, "--wait and --start=false cannot be used together");
	if (o->wait && o->wait_ready)
		return cli_usage_error(err, cmd, "--wait and --wait=ready cannot be used together");
	if (o->wait_timeout && !o->wait_ready)
		return cli_usage_error(err, cmd, "--wait-timeout needs --wait=ready");
	for (size_t i = 0; i < nn; i++)
		if ((!strcmp(o->networks[i], "host") || !strcmp(o->networks[i], "none")) &&
		    (o->n_ports || o->publish_all))
			return cli_usage_error(err, cmd, "--publish and --publish-all need a bridge "
					       "network, not --network %s", o->networks[i]);
	return 0;
}

static int parse_play(int argc, char **argv, struct play_cli *o, struct pea_err **err)
{
	const char *cmd = "kube play";
	int c, r;

	memset(o, 0, sizeof(*o));
	o->po.tls_verify = -1;
	o->wait_timeout_ms = 5 * 60 * 1000;  /* WAIT_TIMEOUT_DEFAULT */
	while ((c = cli_kube_getopt_files(argc, argv, "+p:qw", play_opts, &o->files)) != -1) {
		if (c == '?' || c == ':')
			return cli_bad_flag(err, cmd, argc, argv);
		r = play_flag(o, c, optarg, err);
		if (r < 0)
			return pea_err_wrap(err, "%s", cmd);
		if (r > 0)
			return cli_bad_flag(err, cmd, argc, argv);
	}
	if (!o->files)
		return cli_usage_error(err, cmd, "requires at least one FILE, '-' or URL (see "
				       "'peapod kube play --help')");
	return check_combinations(o, cmd, err);
}

/* ---- flags applied to the plan ------------------------------------------- */

/* Set "k=v" in a "k=v" vector, replacing the value of an existing k. */
static void kv_set(char ***v, const char *kv)
{
	size_t kl = strcspn(kv, "=");
	char **p;

	for (p = *v; p && *p; p++) {
		if (!strncmp(*p, kv, kl) && (*p)[kl] == '=') {
			free(*p);
			*p = xstrdup(kv);
			return;
		}
	}
	strv_push(v, kv);
}

static bool has_port(const struct pod_spec *s, unsigned port, const char *proto)
{
	size_t i;

	for (i = 0; i < s->n_ports; i++)
		if (s->ports[i].container_port == port && !strcmp(s->ports[i].proto, proto))
			return true;
	return false;
}

static void push_port(struct pod_spec *s, const struct net_port *p)
{
	s->ports = xrealloc(s->ports, (s->n_ports + 1) * sizeof(*s->ports));
	s->ports[s->n_ports++] = *p;
}

/* --publish-all: every containerPort on the same host port.  Ports the
 * plan kept unpublished (host_port 0) get theirs; containerPorts only in
 * the containers' kube objects are added. */
static void publish_all(struct play_pod *pp)
{
	struct pod_spec *s = &pp->pod;
	size_t i, j;

	for (i = 0; i < s->n_ports; i++)
		if (!s->ports[i].host_port)
			s->ports[i].host_port = s->ports[i].container_port;
	for (j = 0; j < pp->n_ctrs; j++) {
		cleanup_json struct json_object *k = pp->ctrs[j].kube ?
						      json_tokener_parse(pp->ctrs[j].kube) : NULL;
		struct json_object *ports = NULL;

		if (!k || !json_object_object_get_ex(k, "ports", &ports) ||
		    !json_object_is_type(ports, json_type_array))
			continue;
		for (i = 0; i < json_object_array_length(ports); i++) {
			struct json_object *po = json_object_array_get_idx(ports, i), *v;
			struct net_port np = { .range = 1 };
			const char *proto = "TCP";
			int32_t cp;

			if (!json_object_object_get_ex(po, "containerPort", &v))
				continue;
			cp = json_object_get_int(v);
			if (json_object_object_get_ex(po, "protocol", &v))
				proto = json_object_get_string(v);
			if (cp < 1 || cp > 65535 || (strcmp(proto, "TCP") && strcmp(proto, "UDP")))
				continue;   /* SCTP cannot be published; the plan warned */
			snprintf(np.proto, sizeof(np.proto), "%s", !strcmp(proto, "UDP") ? "udp" : "tcp");
			if (has_port(s, (unsigned)cp, np.proto))
				continue;
			np.container_port = np.host_port = (uint16_t)cp;
			push_port(s, &np);
		}
	}
}

/* The n-th pod gets the n-th --ip. */
static void apply_to_pod(const struct play_cli *o, struct play_pod *pp, size_t n)
{
	struct pod_spec *s = &pp->pod;
	bool host_net = !strcmp(pod_spec_net_mode(s), "host");
	size_t i, j;

	/* hostNetwork pods stay on the host: the manifest asked for it */
	if (o->networks && !host_net) {
		strv_free(s->networks);
		s->networks = strv_dup(o->networks);
		if (!strcmp(pod_spec_net_mode(s), "host")) {
			free(s->ports);   /* ports are the host's own now */
			s->ports = NULL;
			s->n_ports = 0;
		}
	}
	if (!strcmp(pod_spec_net_mode(s), "bridge")) {
		for (i = 0; i < o->n_ports; i++)
			push_port(s, &o->ports[i]);
		if (o->publish_all)
			publish_all(pp);
	}
	for (i = 0; o->annotations && o->annotations[i]; i++) {
		kv_set(&s->annotations, o->annotations[i]);
		for (j = 0; j < pp->n_ctrs; j++)
			kv_set(&pp->ctrs[j].annotations, o->annotations[i]);
	}
	for (j = 0; o->has_log_max_size && j < pp->n_ctrs; j++)
		pp->ctrs[j].log_max_size = o->log_max_size;
	for (j = 0; o->no_hosts && j < pp->n_ctrs; j++)
		pp->ctrs[j].no_hosts = true;
	if (n < strv_len(o->ips) && !host_net) {
		free(s->static_ip);
		s->static_ip = xstrdup(o->ips[n]);
	}
}

/* ---- output ----------------------------------------------------------------- */

static void print_ids(const char *title, char *const *ids)
{
	printf("%s\n", title);
	for (; ids && *ids; ids++)
		printf("%s\n", *ids);
}

/* podman's `kube down` report. */
static void print_down(char *const *pods, char *const *vols)
{
	print_ids("Pods stopped:", pods);
	print_ids("Pods removed:", pods);
	print_ids("Secrets removed:", NULL);
	print_ids("Volumes removed:", vols);
}

/* podman's `kube play` report: volumes made, then per pod its id and its
 * containers (init containers are not listed, as podman), a blank line
 * after each pod. */
static void print_play(const struct kube_plan *plan, const struct play_result *r)
{
	size_t i, j, napp;

	if (r->volumes)
		print_ids("Volumes:", r->volumes);
	for (i = 0; i < r->n; i++) {
		const struct play_pod *pp = &plan->pods[i];

		printf("Pod:\n%s\n", r->pods[i].id);
		for (napp = 0, j = 0; j < pp->n_ctrs; j++)
			napp += pp->ctrs[j].role == CTR_ROLE_APP;
		if (!napp)
			continue;
		printf("%s\n", napp == 1 ? "Container:" : "Containers:");
		for (j = 0; j < pp->n_ctrs && r->pods[i].ctr_ids && r->pods[i].ctr_ids[j]; j++)
			if (pp->ctrs[j].role == CTR_ROLE_APP)
				printf("%s\n", r->pods[i].ctr_ids[j]);
		printf("\n");
	}
	fflush(stdout);
}

/* ---- kube down ---------------------------------------------------------------- */

static int down(struct pea_ctx *ctx, char *const *pods, const struct play_volume *vols,
		size_t n_vols, bool force, struct pea_err **err)
{
	struct play_down_opts dopts = { .force = force, .timeout = -1 };
	cleanup_strv char **removed = NULL, **removed_vols = NULL;
	int rc;

	rc = play_down(ctx, pods, vols, n_vols, &dopts, &removed, &removed_vols, err);
	print_down(removed, removed_vols);
	fflush(stdout);
	return rc;
}

static int down_files(struct pea_ctx *ctx, char *const *files, char *const *configmaps,
		      bool force, struct pea_err **err)
{
	struct kube_input in;
	int rc;

	if (cli_kube_load(files, configmaps, NULL, true, &in, err) < 0) {
		cli_kube_input_release(&in);
		return -1;
	}
	rc = down(ctx, in.down_pods, in.down_vols, in.n_down_vols, force, err);
	cli_kube_input_release(&in);
	return rc;
}

/* ---- --wait ------------------------------------------------------------------ */

static bool pod_active(struct pea_ctx *ctx, const char *id)
{
	struct ctr_info *ctrs = NULL;
	size_t n = 0, i;
	bool active = false;

	if (pod_containers(ctx, id, &ctrs, &n, NULL) < 0)
		return false;   /* gone: removed by someone else */
	for (i = 0; i < n; i++)
		if (!ctrs[i].infra && (ctrs[i].state == CTR_RUNNING ||
				       ctrs[i].state == CTR_STOPPING ||
				       ctrs[i].state == CTR_RESTARTING))
			active = true;
	ctr_info_list_free(ctrs, n);
	return active;
}

/* Until SIGINT/SIGTERM (blocked by the caller) or every pod has exited;
 * true when a signal came. */
static bool wait_pods(struct pea_ctx *ctx, const struct play_result *r, const sigset_t *set)
{
	const struct timespec tick = { 0, 500 * 1000 * 1000 };
	size_t i;

	for (;;) {
		bool any = false;

		if (sigtimedwait(set, NULL, &tick) > 0)
			return true;
		for (i = 0; i < r->n && !any; i++)
			any = pod_active(ctx, r->pods[i].id);
		if (!any)
			return false;
	}
}

/* Tear down what this play made: its pods and the volumes it created. */
static int wait_teardown(struct pea_ctx *ctx, const struct play_result *r, bool signalled,
			 struct pea_err **err)
{
	cleanup_strv char **names = NULL;
	struct play_volume *vols = NULL;
	size_t nv = strv_len(r->volumes), i;
	int rc;

	printf("%sCleaning up containers, pods, and volumes...\n", signalled ? "\n" : "");
	fflush(stdout);
	for (i = 0; i < r->n; i++)
		strv_push(&names, r->pods[i].name);
	vols = xcalloc(nv + 1, sizeof(*vols));
	for (i = 0; i < nv; i++)
		vols[i].name = r->volumes[i];   /* borrowed */
	rc = down(ctx, names, vols, nv, true, err);
	free(vols);
	return rc;
}

/* ---- --wait=ready ------------------------------------------------------------ */

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One look at every pod of the play but a Job's (those run to completion,
 * they are never Ready): 1 when all are Ready (or have succeeded), 0 when
 * some are not yet (why says which and why), -1 when one failed. */
static int all_ready(struct pea_ctx *ctx, const struct kube_plan *plan,
		     const struct play_result *r, struct strbuf *why, struct pea_err **err)
{
	size_t i;
	int all = 1;

	for (i = 0; i < r->n; i++) {
		cleanup_strbuf struct strbuf one = STRBUF_INIT;
		int st;

		if (plan->pods[i].pod.job)
			continue;
		st = pod_readiness(ctx, r->pods[i].id, &one, err);
		if (st < 0)
			return pea_err_wrap(err, "pod '%s'", r->pods[i].name);
		if (st == POD_FAILED)
			return pea_err_set(err, 0, "pod '%s' will not become ready: %s",
					   r->pods[i].name, one.buf);
		if (st == POD_NOT_READY) {
			strbuf_addf(why, "%spod '%s'%s%s", all ? "" : "; ", r->pods[i].name,
				    one.len ? ": " : "", one.len ? one.buf : "");
			all = 0;
		}
	}
	return all;
}

/* Until every pod is Ready; on failure or timeout the pods stay as they
 * are, for the user to look at (kubectl wait does not delete either). */
static int wait_ready(struct pea_ctx *ctx, const struct play_cli *o,
		      const struct kube_plan *plan, const struct play_result *r,
		      struct pea_err **err)
{
	const struct timespec tick = { 0, 250 * 1000 * 1000 };
	int64_t start = mono_ms();

	for (;;) {
		cleanup_strbuf struct strbuf why = STRBUF_INIT;
		int rc = all_ready(ctx, plan, r, &why, err);

		if (rc != 0)
			return rc < 0 ? -1 : 0;
		if (o->wait_timeout_ms > 0 && mono_ms() - start >= o->wait_timeout_ms)
			return pea_err_set(err, 0, "pods not ready after %s: %s",
					   o->wait_timeout ? o->wait_timeout : WAIT_TIMEOUT_DEFAULT,
					   why.buf);
		nanosleep(&tick, NULL);
	}
}

/* ---- kube play ------------------------------------------------------------------ */

static int play(struct pea_ctx *ctx, struct play_cli *o, char *const *files,
		struct pea_err **err)
{
	struct kube_input in;
	struct play_result r = { 0 };
	sigset_t set, old;
	size_t i;
	int rc;

	if (cli_kube_load(files, o->configmaps, o->seccomp_root, false, &in, err) < 0) {
		cli_kube_input_release(&in);
		return -1;
	}
	for (i = 0; i < in.plan.n_pods; i++)
		apply_to_pod(o, &in.plan.pods[i], i);
	if (o->wait) {
		/* from here on a SIGINT/SIGTERM means "tear down", never "die
		 * half way"; the runtime's children get their own mask back */
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, &old);
		printf("Use ctrl+c to clean up or wait for pods to exit\n");
		fflush(stdout);
	}
	rc = play_run(ctx, in.plan.pods, in.plan.n_pods, in.plan.volumes, in.plan.n_volumes,
		      &o->po, &r, err);
	if (rc < 0 && err && *err)
		(*err)->exit_status = PEA_EXIT_ENGINE;  /* not a container's 126/127 */
	if (rc == 0) {
		for (char **w = r.warnings; w && *w; w++)
			fprintf(stderr, "Warning: %s\n", *w);
		if (o->po.replace)
			print_down(r.replaced, NULL);
		print_play(&in.plan, &r);
		if (o->wait)
			rc = wait_teardown(ctx, &r, wait_pods(ctx, &r, &set), err);
		else if (o->wait_ready && (rc = wait_ready(ctx, o, &in.plan, &r, err)) < 0)
			pea_err_wrap(err, "kube play --wait=ready");
	}
	if (o->wait)
		sigprocmask(SIG_SETMASK, &old, NULL);
	play_result_release(&r);
	cli_kube_input_release(&in);
	return rc;
}

static int cmd_play(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	struct play_cli o;
	int rc;

	if (parse_play(argc, argv, &o, err) < 0) {
		play_cli_release(&o);
		return -1;
	}
	if (o.down)
		rc = down_files(ctx, o.files, o.configmaps, o.force, err);
	else
		rc = play(ctx, &o, o.files, err);
	play_cli_release(&o);
	return rc;
}

static int cmd_down(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strv char **files = NULL;
	bool force = false;
	int c;

	while ((c = cli_kube_getopt_files(argc, argv, "+", opts, &files)) != -1) {
		if (c != OPT_FORCE)
			return cli_bad_flag(err, "kube down", argc, argv);
		force = true;
	}
	if (!files)
		return cli_usage_error(err, "kube down", "requires at least one FILE, '-' or URL "
				       "(see 'peapod kube down --help')");
	return down_files(ctx, files, NULL, force, err);
}

/* ---- tables ---------------------------------------------------------------------- */

static const char play_help[] =
	"Usage: peapod kube play [options] FILE|-|URL [FILE|-|URL...]\n\n"
	"Run the Pods, Deployments, DaemonSets and Jobs of Kubernetes YAML as pods (with the\n"
	"ConfigMaps, Secrets and PersistentVolumeClaims they use), as a cluster would.\n"
	"Everything is read and checked before anything is created; any failure undoes all\n"
	"of it.  Prints each pod's id and its containers' ids.\n\n"
	"Options:\n"
	"  --replace                remove the pods of the YAML first when they exist\n"
	"  --down                   take the YAML's pods down instead (as 'kube down')\n"
	"  --force                  with --down: remove the YAML's volumes too\n"
	"  --start=BOOL             start the pods (default true)\n"
	"  -w, --wait               stay in the foreground; on SIGINT/SIGTERM or when every\n"
	"                           pod has exited, remove what was created\n"
	"  --wait=ready             after starting, wait until every pod is Ready (its\n"
	"                           containers running, readiness probes passing; a Job's\n"
	"                           pods and pods that completed are not waited for)\n"
	"  --wait-timeout DURATION  how long --wait=ready waits: 90s, 5m, 1h30m or seconds\n"
	"                           (default " WAIT_TIMEOUT_DEFAULT ", 0: no limit); then, or when a pod\n"
	"                           fails, exit 125 and leave the pods as they are\n"
	"  --network NAME           network(s) of every pod (repeatable), or host, none\n"
	"  -p, --publish SPEC       publish [[hostip:]hostport:]ctrport[/proto] in every pod\n"
	"  --publish-all            publish every containerPort on the same host port\n"
	"  --ip ADDRESS             a static IPv4 for the n-th pod (repeatable, in order)\n"
	"  --no-hosts               keep the image's /etc/hosts in every container\n"	"  --configmap FILE         ConfigMaps to look up (repeatable)\n"
	"  --annotation K=V         an annotation on every pod and container (repeatable)\n"
	"  --log-driver k8s-file    the only log driver\n"
	"  --log-opt max-size=SIZE  rotate every container's log at SIZE\n"
	"  --pull POLICY            always, missing, never or newer for every image,\n"
	"                           whatever its imagePullPolicy (peapod extension)\n"
	"  --authfile PATH, --creds USER[:PASS], --tls-verify=BOOL\n"
	"                           registry options for the pulls\n"
	"  -q, --quiet              no pull progress\n"
	"  --seccomp-profile-root DIR\n"
	"                           where Localhost seccomp profiles are\n"
	"                           (default /var/lib/kubelet/seccomp)\n"
	"  --userns \"\"|host         user namespace (only the host's for now)\n";

static const char down_help[] =
	"Usage: peapod kube down [--force] FILE|-|URL [FILE|-|URL...]\n\n"
	"Stop and remove the pods the YAML describes (pods that do not exist are skipped).\n\n"
	"Options:\n"
	"  --force                  remove the YAML's PersistentVolumeClaim volumes too\n";

const struct cli_cmd cli_kube_cmds[] = {
	{ "down", "remove the pods of Kubernetes YAML", down_help, cmd_down, NULL, false },
	{ "generate", "print Kubernetes YAML for pods, containers and volumes",
	  cli_kube_generate_help, cli_kube_generate, NULL, false },
	{ "play", "run Kubernetes YAML", play_help, cmd_play, NULL, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};

/* `play kube`: podman's older spelling. */
const struct cli_cmd cli_play_cmds[] = {
	{ "kube", "run Kubernetes YAML", play_help, cmd_play, NULL, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};

/* `generate kube`: podman's older spelling. */
const struct cli_cmd cli_generate_cmds[] = {
	{ "kube", "print Kubernetes YAML for pods, containers and volumes",
	  cli_kube_generate_help, cli_kube_generate, NULL, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};
