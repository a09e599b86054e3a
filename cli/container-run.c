/* `run` and `create` flags -> struct ctr_spec, and the pull policy. */
#include "cli/container.h"
#include "cli/cli.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

enum {
	O_RM = 3000, O_ENVFILE, O_NAME, O_ENTRYPOINT, O_MOUNT, O_TMPFS, O_HOSTNAME, O_ANNOT,
	O_CPUS, O_CPUSHARES, O_PIDS, O_RESTART, O_NETWORK, O_INIT, O_RUNTIME, O_PRIV, O_CAPADD,
	O_CAPDROP, O_SECOPT, O_RO, O_ROTMPFS, O_STOPSIG, O_STOPTIMEOUT, O_LOGOPT, O_ULIMIT,
	O_SYSCTL, O_ADDHOST, O_DNS, O_DNSSEARCH, O_DNSOPT, O_PULL, O_TLS, O_CREDS, O_AUTHFILE,
	O_CERTDIR, O_POD, O_CGPARENT, O_GROUPADD, O_HELP, O_MEMSWAP, O_LOGDRIVER,
};

static const struct option run_opts[] = {
	{ "detach", no_argument, NULL, 'd' },
	{ "rm", no_argument, NULL, O_RM },
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "env", required_argument, NULL, 'e' },
	{ "env-file", required_argument, NULL, O_ENVFILE },
	{ "name", required_argument, NULL, O_NAME },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "entrypoint", required_argument, NULL, O_ENTRYPOINT },
	{ "volume", required_argument, NULL, 'v' },
	{ "mount", required_argument, NULL, O_MOUNT },
	{ "tmpfs", required_argument, NULL, O_TMPFS },
	{ "hostname", required_argument, NULL, O_HOSTNAME },
	{ "label", required_argument, NULL, 'l' },
	{ "annotation", required_argument, NULL, O_ANNOT },
	{ "memory", required_argument, NULL, 'm' },
	{ "memory-swap", required_argument, NULL, O_MEMSWAP },
	{ "cpus", required_argument, NULL, O_CPUS },
	{ "cpu-shares", required_argument, NULL, O_CPUSHARES },
	{ "pids-limit", required_argument, NULL, O_PIDS },
	{ "restart", required_argument, NULL, O_RESTART },
	{ "network", required_argument, NULL, O_NETWORK },
	{ "net", required_argument, NULL, O_NETWORK },
	{ "init", no_argument, NULL, O_INIT },
	{ "runtime", required_argument, NULL, O_RUNTIME },
	{ "privileged", no_argument, NULL, O_PRIV },
	{ "cap-add", required_argument, NULL, O_CAPADD },
	{ "cap-drop", required_argument, NULL, O_CAPDROP },
	{ "security-opt", required_argument, NULL, O_SECOPT },
	{ "read-only", no_argument, NULL, O_RO },
	{ "read-only-tmpfs", optional_argument, NULL, O_ROTMPFS },
	{ "stop-signal", required_argument, NULL, O_STOPSIG },
	{ "stop-timeout", required_argument, NULL, O_STOPTIMEOUT },
	{ "log-opt", required_argument, NULL, O_LOGOPT },
	{ "log-driver", required_argument, NULL, O_LOGDRIVER },
	{ "ulimit", required_argument, NULL, O_ULIMIT },
	{ "sysctl", required_argument, NULL, O_SYSCTL },
	{ "add-host", required_argument, NULL, O_ADDHOST },
	{ "dns", required_argument, NULL, O_DNS },
	{ "dns-search", required_argument, NULL, O_DNSSEARCH },
	{ "dns-option", required_argument, NULL, O_DNSOPT },
	{ "pull", required_argument, NULL, O_PULL },
	{ "tls-verify", optional_argument, NULL, O_TLS },
	{ "creds", required_argument, NULL, O_CREDS },
	{ "authfile", required_argument, NULL, O_AUTHFILE },
	{ "cert-dir", required_argument, NULL, O_CERTDIR },
	{ "pod", required_argument, NULL, O_POD },
	{ "cgroup-parent", required_argument, NULL, O_CGPARENT },
	{ "group-add", required_argument, NULL, O_GROUPADD },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

#define RUN_OPTIONS_HELP                                                                   \
	"  -d, --detach             run in the background and print the container id\n"     \
	"  --rm                     remove the container when it exits\n"                   \
	"  -i, --interactive        keep stdin open and relay it\n"                         \
	"  -t, --tty                allocate a terminal\n"                                  \
	"  -e, --env K=V|K          set a variable (K alone: from our environment)\n"       \
	"  --env-file FILE          variables from a file (K=V lines, # comments)\n"       \
	"  --name NAME              container name (default: generated)\n"                 \
	"  -w, --workdir DIR        working directory\n"                                    \
	"  -u, --user USER[:GROUP]  names or ids (names from the image's /etc/passwd)\n"   \
	"  --group-add GROUP        additional group; repeatable\n"                         \
	"  --entrypoint CMD         a string or a JSON array; clears the image's CMD\n"     \
	"  -v, --volume SPEC        HOST:CTR[:ro|rw|z], VOLUME:CTR[:opts], or /CTR (anonymous)\n" \
	"  --mount type=bind|volume|tmpfs,source=..,destination=..[,ro]\n"                  \
	"  --tmpfs /DIR[:OPTS]      a tmpfs (rw,nosuid,nodev,size=...)\n"                   \
	"  --hostname NAME          the container's hostname\n"                             \
	"  -l, --label K=V          a label; repeatable\n"                                  \
	"  --annotation K=V         an OCI annotation; repeatable\n"                        \
	"  -m, --memory SIZE        memory limit (512m, 1g)\n"                              \
	"  --memory-swap SIZE       memory+swap limit (-1: unlimited)\n"                    \
	"  --cpus N                 CPU quota (1.5 = 150000us per 100000us)\n"              \
	"  --cpu-shares N           CPU weight (cgroup v1 shares)\n"                        \
	"  --pids-limit N           process limit (-1: unlimited)\n"                        \
	"  --restart POLICY         no, always, on-failure[:N], unless-stopped\n"           \
	"  --network MODE           none, host, or private (default): a private network\n"  \
	"                           namespace with only loopback up (bridge networks come\n" \
	"                           with pods)\n"                                           \
	"  --init                   run peapod-pause as PID 1 (reaps zombies)\n"            \
	"  --runtime NAME|PATH      OCI runtime for this container\n"                       \
	"  --privileged             all capabilities, devices, no seccomp or masked paths\n" \
	"  --cap-add CAP, --cap-drop CAP   capabilities (ALL allowed); repeatable\n"       \
	"  --security-opt OPT       seccomp=unconfined|FILE, no-new-privileges,\n"          \
	"                           label=disable, unmask=ALL\n"                            \
	"  --read-only              read-only root (writable tmpfs /tmp, /run)\n"           \
	"  --read-only-tmpfs=BOOL   with --read-only: the tmpfs mounts (default true)\n"   \
	"  --stop-signal SIG        signal for stop (default: image's, else SIGTERM)\n"     \
	"  --stop-timeout N         seconds before SIGKILL (default 10)\n"                  \
	"  --log-opt max-size=SIZE  rotate the log at SIZE\n"                               \
	"  --ulimit TYPE=SOFT[:HARD]  e.g. nofile=1024:2048\n"                              \
	"  --sysctl K=V             namespaced sysctl\n"                                    \
	"  --add-host HOST:IP       an /etc/hosts entry\n"                                  \
	"  --dns IP, --dns-search DOMAIN, --dns-option OPT   resolv.conf\n"               \
	"  --pull POLICY            missing (default), always, never, newer\n"              \
	"  --tls-verify[=BOOL], --creds USER:PASS, --authfile FILE, --cert-dir DIR\n"      \
	"                           registry options for the pull\n"                        \
	"  -q, --quiet              no pull progress\n"

const char cli_run_help[] =
	"Usage: peapod run [options] IMAGE [COMMAND [ARG...]]\n\n"
	"Create a container from IMAGE and start it.  Without -d the output is relayed\n"
	"and peapod exits with the container's exit code (125: peapod failed, 126: the\n"
	"command could not be run, 127: it was not found).  SIGINT and SIGTERM are\n"
	"forwarded to the container.\n\nOptions:\n" RUN_OPTIONS_HELP;
const char cli_create_help[] =
	"Usage: peapod create [options] IMAGE [COMMAND [ARG...]]\n\n"
	"Create a container without starting it and print its id.\n\nOptions:\n"
	RUN_OPTIONS_HELP;

static int env_add(struct ctr_spec *s, const char *arg)
{
	const char *v;

	if (strchr(arg, '=')) {
		strv_push(&s->env, arg);
		return 0;
	}
	v = getenv(arg);
	if (v) {
		cleanup_free char *kv = xasprintf("%s=%s", arg, v);

		strv_push(&s->env, kv);
	}
	return 0;
}

static int env_file(struct ctr_spec *s, const char *path, struct pea_err **err)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;

	if (io_read_file(path, &sb, err) < 0)
		return pea_err_wrap(err, "--env-file");
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);

		while (l && (line[l - 1] == '\r' || isspace((unsigned char)line[l - 1])))
			line[--l] = 0;
		while (isspace((unsigned char)*line))
			line++;
		if (*line && *line != '#')
			env_add(s, line);
	}
	strbuf_release(&sb);
	return 0;
}

static int set_entrypoint(struct ctr_spec *s, const char *arg, struct pea_err **err)
{
	strv_free(s->entrypoint);
	s->entrypoint = xcalloc(1, sizeof(char *));
	if (arg[0] == '[') {
		cleanup_json struct json_object *a = json_tokener_parse(arg);
		size_t i;

		if (!a || !json_object_is_type(a, json_type_array))
			return pea_err_setk(err, PEA_E_INVALID, 0, "bad --entrypoint '%s'", arg);
		for (i = 0; i < json_object_array_length(a); i++)
			strv_push(&s->entrypoint,
				  json_object_get_string(json_object_array_get_idx(a, i)));
	} else if (*arg) {
		strv_push(&s->entrypoint, arg);
	}
	return 0;
}

static void add_mount(struct ctr_spec *s, struct mount_spec *m)
{
	s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof(*s->mounts));
	s->mounts[s->n_mounts++] = *m;
}

static void add_caps(char ***v, const char *arg)
{
	cleanup_free char *copy = xstrdup(arg);
	char *c, *save = NULL, *p;

	for (c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		for (p = c; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		strv_push(v, strncmp(c, "CAP_", 4) ? c : c + 4);
	}
}

static int security_opt(struct ctr_spec *s, const char *arg, struct pea_err **err)
{
	if (!strncmp(arg, "seccomp=", 8) || !strncmp(arg, "seccomp:", 8)) {
		free(s->security.seccomp_profile);
		s->security.seccomp_profile = xstrdup(arg + 8);
	} else if (!strcmp(arg, "no-new-privileges") || !strcmp(arg, "no-new-privileges=true") ||
		   !strcmp(arg, "no-new-privileges:true")) {
		s->security.no_new_privileges = true;
	} else if (!strcmp(arg, "unmask=ALL") || !strcmp(arg, "unmask=all")) {
		s->security.unmasked_proc = true;
	} else if (strncmp(arg, "label=", 6) && strncmp(arg, "label:", 6) &&
		   strncmp(arg, "apparmor=", 9) && strcmp(arg, "no-new-privileges=false")) {
		return pea_err_setk(err, PEA_E_INVALID, 0, "unsupported --security-opt '%s'", arg);
	}
	return 0;
}

static int ulimit(struct ctr_spec *s, const char *arg, struct pea_err **err)
{
	const char *eq = strchr(arg, '=');
	cleanup_free char *type = NULL, *val = NULL;
	char *colon, *p;
	int64_t soft, hard;
	struct rlimit_spec *r;

	if (!eq || eq == arg)
		return pea_err_setk(err, PEA_E_INVALID, 0, "bad --ulimit '%s' (TYPE=SOFT[:HARD])",
				    arg);
	type = xstrndup(arg, (size_t)(eq - arg));
	val = xstrdup(eq + 1);
	colon = strchr(val, ':');
	if (colon)
		*colon++ = 0;
	if (parse_i64(val, -1, INT64_MAX, &soft, "--ulimit", err) < 0 ||
	    parse_i64(colon ? colon : val, -1, INT64_MAX, &hard, "--ulimit", err) < 0)
		return -1;
	for (p = type; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	s->rlimits = xrealloc(s->rlimits, (s->n_rlimits + 1) * sizeof(*s->rlimits));
	r = &s->rlimits[s->n_rlimits++];
	r->type = strncmp(type, "RLIMIT_", 7) ? xasprintf("RLIMIT_%s", type) : xstrdup(type);
	r->soft = soft < 0 ? UINT64_MAX : (uint64_t)soft;
	r->hard = hard < 0 ? UINT64_MAX : (uint64_t)hard;
	return 0;
}

static int set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

static int resource_opt(struct ctr_spec *s, int c, const char *arg, struct pea_err **err)
{
	struct resources_spec *r = &s->resources;
	int64_t v;
	char *end;
	double cpus;

	switch (c) {
	case 'm':
		return parse_size(arg, &r->memory, "--memory", err);
	case O_MEMSWAP:
		if (!strcmp(arg, "-1")) {
			r->memory_swap = -1;
			return 0;
		}
		return parse_size(arg, &r->memory_swap, "--memory-swap", err);
	case O_CPUS:
		cpus = strtod(arg, &end);
		if (*end || end == arg || cpus < 0 || cpus > 1e6)
			return pea_err_setk(err, PEA_E_INVALID, 0, "bad --cpus '%s'", arg);
		r->cpu_period = 100000;
		r->cpu_quota = (int64_t)(cpus * 100000 + 0.5);
		return 0;
	case O_CPUSHARES:
		if (parse_i64(arg, 0, 262144, &v, "--cpu-shares", err) < 0)
			return -1;
		r->cpu_shares = (uint64_t)v;
		return 0;
	case O_PIDS:
		if (parse_i64(arg, -1, INT64_MAX, &v, "--pids-limit", err) < 0)
			return -1;
		r->pids_limit = v < 0 ? 0 : v;
		return 0;
	}
	return 1;
}

static int log_opt(struct ctr_spec *s, const char *arg, struct pea_err **err)
{
	if (!strncmp(arg, "max-size=", 9))
		return parse_size(arg + 9, &s->log_max_size, "--log-opt max-size", err);
	if (!strncmp(arg, "path=", 5) || !strncmp(arg, "tag=", 4) || !strncmp(arg, "max-file=", 9))
		return 0; /* accepted, not used */
	return pea_err_setk(err, PEA_E_INVALID, 0, "unsupported --log-opt '%s'", arg);
}

static int network_opt(struct ctr_spec *s, const char *arg, struct pea_err **err)
{
	if (!strcmp(arg, "none") || !strcmp(arg, "host"))
		return set_str(&s->ns.net, arg);
	if (!strcmp(arg, "private") || !strcmp(arg, "bridge") || !strcmp(arg, "default")) {
		free(s->ns.net);
		s->ns.net = NULL;
		return 0;
	}
	if (!strncmp(arg, "ns:", 3))
		return set_str(&s->ns.net, arg);
	return pea_err_setk(err, PEA_E_INVALID, 0,
			    "unsupported --network '%s' (none, host, private, ns:PATH)", arg);
}

static int pull_opt(struct cli_run_opts *o, const char *arg, struct pea_err **err)
{
	if (!strcmp(arg, "missing"))
		o->pull = CLI_PULL_MISSING;
	else if (!strcmp(arg, "always"))
		o->pull = CLI_PULL_ALWAYS;
	else if (!strcmp(arg, "never"))
		o->pull = CLI_PULL_NEVER;
	else if (!strcmp(arg, "newer"))
		o->pull = CLI_PULL_NEWER;
	else
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "bad --pull '%s' (missing, always, never, newer)", arg);
	return 0;
}

/* Options that take no part in the spec's sub-structures. */
static int simple_opt(struct cli_run_opts *o, int c, const char *arg, struct pea_err **err)
{
	struct ctr_spec *s = &o->spec;
	struct mount_spec m;
	int v;

	switch (c) {
	case 'd': o->detach = true; return 0;
	case O_RM: s->auto_remove = true; return 0;
	case 'i': s->stdin_open = true; return 0;
	case 't': s->tty = true; return 0;
	case 'q': o->quiet = o->reg.quiet = true; return 0;
	case 'e': return env_add(s, arg);
	case O_ENVFILE: return env_file(s, arg, err);
	case O_NAME: return set_str(&s->name, arg);
	case 'w': return set_str(&s->workdir, arg);
	case 'u': return set_str(&s->user, arg);
	case O_GROUPADD: strv_push(&s->groups, arg); return 0;
	case O_ENTRYPOINT: return set_entrypoint(s, arg, err);
	case O_HOSTNAME: return set_str(&s->hostname, arg);
	case 'l': strv_push(&s->labels, arg); return 0;
	case O_ANNOT: strv_push(&s->annotations, arg); return 0;
	case O_RESTART: return spec_parse_restart(arg, &s->restart, &s->restart_max, err);
	case O_NETWORK: return network_opt(s, arg, err);
	case O_INIT: s->init = true; return 0;
	case O_RUNTIME: return set_str(&s->runtime, arg);
	case O_POD: return set_str(&s->pod, arg);
	case O_CGPARENT: return set_str(&s->cgroup_parent, arg);
	case O_STOPSIG: return set_str(&s->stop_signal, arg);
	case O_STOPTIMEOUT:
		return parse_int(arg, 0, 1000000, &s->stop_timeout, "--stop-timeout", err);
	case O_LOGOPT: return log_opt(s, arg, err);
	case O_LOGDRIVER:
		if (strcmp(arg, "k8s-file"))
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "unsupported --log-driver '%s' (k8s-file)", arg);
		return 0;
	case O_ADDHOST: strv_push(&s->add_hosts, arg); return 0;
	case O_DNS: strv_push(&s->dns_servers, arg); return 0;
	case O_DNSSEARCH: strv_push(&s->dns_search, arg); return 0;
	case O_DNSOPT: strv_push(&s->dns_options, arg); return 0;
	case O_PULL: return pull_opt(o, arg, err);
	case O_TLS:
		if (!arg) {
			o->reg.tls_verify = 1;
			return 0;
		}
		if (parse_bool(arg, &v, "--tls-verify", err) < 0)
			return -1;
		o->reg.tls_verify = v;
		return 0;
	case O_CREDS: o->reg.creds = arg; return 0;
	case O_AUTHFILE: o->reg.authfile = arg; return 0;
	case O_CERTDIR: o->reg.cert_dir = arg; return 0;
	case 'v': case O_MOUNT: case O_TMPFS:
		memset(&m, 0, sizeof(m));
		if ((c == 'v' ? spec_parse_volume(arg, &m, err)
			      : c == O_MOUNT ? spec_parse_mount(arg, &m, err)
					     : spec_parse_tmpfs(arg, &m, err)) < 0)
			return -1;
		add_mount(s, &m);
		return 0;
	}
	return 1;
}

static int security_flag(struct ctr_spec *s, int c, const char *arg, struct pea_err **err)
{
	int v;

	switch (c) {
	case O_PRIV: s->security.privileged = true; return 0;
	case O_CAPADD: add_caps(&s->security.cap_add, arg); return 0;
	case O_CAPDROP: add_caps(&s->security.cap_drop, arg); return 0;
	case O_SECOPT: return security_opt(s, arg, err);
	case O_RO: s->security.readonly_rootfs = true; return 0;
	case O_ROTMPFS:
		if (!arg) {
			s->security.readonly_tmpfs = true;
			return 0;
		}
		if (parse_bool(arg, &v, "--read-only-tmpfs", err) < 0)
			return -1;
		s->security.readonly_tmpfs = v;
		return 0;
	case O_SYSCTL: strv_push(&s->security.sysctls, arg); return 0;
	case O_ULIMIT: return ulimit(s, arg, err);
	}
	return 1;
}

int cli_run_parse(int argc, char **argv, struct cli_run_opts *o, struct pea_err **err)
{
	const char *cmd = argv[0];
	int c, r, i;

	memset(o, 0, sizeof(*o));
	ctr_spec_init(&o->spec);
	o->reg.tls_verify = 1;
	while ((c = cli_getopt(argc, argv, "+dite:w:u:v:l:m:q", run_opts)) != -1) {
		if (c == O_HELP) {
			o->help = true;
			return 0;
		}
		if (c == '?' || c == ':')
			return cli_bad_flag(err, cmd, argc, argv);
		r = simple_opt(o, c, optarg, err);
		if (r == 1)
			r = security_flag(&o->spec, c, optarg, err);
		if (r == 1)
			r = resource_opt(&o->spec, c, optarg, err);
		if (r < 0)
			return pea_err_wrap(err, "%s", cmd);
	}
	if (optind >= argc)
		return cli_usage_error(err, cmd, "requires an image (see 'peapod %s --help')", cmd);
	o->spec.image = xstrdup(argv[optind]);
	if (optind + 1 < argc || o->spec.entrypoint) {
		o->spec.cmd = xcalloc(1, sizeof(char *));
		for (i = optind + 1; i < argc; i++)
			strv_push(&o->spec.cmd, argv[i]);
	}
	if (o->detach && o->spec.auto_remove && o->spec.restart != RESTART_NO)
		return cli_usage_error(err, cmd, "--rm and --restart cannot be used together");
	return 0;
}

void cli_run_opts_release(struct cli_run_opts *o)
{
	ctr_spec_release(&o->spec);
}

int cli_run_pull(struct pea_ctx *ctx, struct cli_run_opts *o, struct pea_err **err)
{
	bool have = img_exists(ctx, o->spec.image);
	cleanup_free char *id = NULL;

	if (o->pull == CLI_PULL_NEVER || (have && o->pull != CLI_PULL_ALWAYS))
		return 0;
	id = img_pull(ctx, o->spec.image, &o->reg, err);
	if (!id)
		return -1;   /* img_pull names the reference */
	return 0;
}
