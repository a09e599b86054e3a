/* The plan (kube/plan*.c): decoded objects -> play_pods.  Objects are built
 * in C here (what kube_decode fills), so that every rule is tested on its
 * own; test-kube-play-yaml.c feeds whole manifests through kube_load. */
#include "tests/unit/tap.h"
#include "kube/kube.h"
#include "kube/plan.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include "base/banned.h"

#define MAXOBJ 8

static struct kube_object ov[MAXOBJ];
static struct kube_objects objs = { ov, 0 };
static struct kube_plan plan;
static char **warns;
static char *errmsg;
static const struct kube_plan_env node = {
	.node_name = "node1",
	.host_ip = "192.0.2.10",
	.node_cpu_milli = 4000,
	.node_memory = 8LL << 30,
	.seccomp_root = "/var/lib/kubelet/seccomp",
};

static void reset(void)
{
	kube_plan_release(&plan);
	strv_free(warns);
	warns = NULL;
	free(errmsg);
	errmsg = NULL;
	memset(ov, 0, sizeof(ov));
	objs.n = 0;
}

static int build(void)
{
	struct pea_err *err = NULL;

	kube_plan_release(&plan);
	strv_free(warns);
	warns = NULL;
	free(errmsg);
	errmsg = NULL;
	if (kube_plan_build(&objs, &node, &plan, &warns, &err) < 0) {
		if (err->kind != PEA_E_INVALID)
			printf("#   error kind %d\n", err->kind);
		errmsg = xstrdup(err->msg);
		pea_err_free(err);
		if (plan.pods || plan.n_pods || plan.pod_names)
			printf("#   plan not released on failure\n");
		return -1;
	}
	return 0;
}

#define BUILD_OK()                                                        \
	do {                                                              \
		if (build() < 0) {                                        \
			printf("#   unexpected error: %s\n", errmsg);     \
			tap_cur_failed = 1;                               \
			return;                                           \
		}                                                         \
	} while (0)

#define BUILD_ERR(want)                                                   \
	do {                                                              \
		CHECK_INT(build(), -1);                                   \
		CHECK_STR(errmsg, want);                                  \
	} while (0)

static bool has_warning(const char *w)
{
	return strv_find(warns, w) >= 0;
}

#define CHECK_WARN(w)                                                              \
	do {                                                                       \
		if (!has_warning(w)) {                                             \
			printf("#   %s:%d: no warning \"%s\"; got:\n", __FILE__,   \
			       __LINE__, w);                                       \
			for (char **_w = warns; _w && *_w; _w++)                   \
				printf("#     %s\n", *_w);                         \
			tap_cur_failed = 1;                                        \
		}                                                                  \
	} while (0)

static struct kube_object *add_object(enum kube_kind kind, const char *kind_name, int line)
{
	struct kube_object *o = &ov[objs.n++];

	o->kind = kind;
	o->kind_name = (char *)kind_name;
	o->api_version = "v1";
	o->file = "app.yaml";
	o->line = line;
	return o;
}

static void default_spec(struct kube_pod_spec *s, struct kube_container *c, size_t n)
{
	s->containers = c;
	s->ncontainers = n;
	s->restart_policy = "Always";
	s->termination_grace_period_seconds = 30;
}

static struct kube_pod *add_pod(const char *name, struct kube_container *c, size_t n)
{
	struct kube_object *o = add_object(KUBE_POD, "Pod", 1);

	o->u.pod.meta.name = (char *)name;
	default_spec(&o->u.pod.spec, c, n);
	return &o->u.pod;
}

/* The environment of a container as one "K=V;K=V" string. */
static char *env_str(const struct ctr_spec *c)
{
	struct strbuf sb = STRBUF_INIT;
	char **e;

	for (e = c->env; e && *e; e++)
		strbuf_addf(&sb, "%s%s", e == c->env ? "" : ";", *e);
	return strbuf_detach(&sb, NULL);
}

static char *strv_str(char *const *v)
{
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return xstrdup("(null)");
	for (; *v; v++)
		strbuf_addf(&sb, "[%s]", *v);
	return strbuf_detach(&sb, NULL);
}

#define CHECK_STRV(v, want)                     \
	do {                                    \
		char *_s = strv_str(v);         \
		CHECK_STR(_s, want);            \
		free(_s);                       \
	} while (0)

#define CHECK_ENV(c, want)                      \
	do {                                    \
		char *_s = env_str(c);          \
		CHECK_STR(_s, want);            \
		free(_s);                       \
	} while (0)

/* ---- names, roles, basics ---- */

TEST(pod_basics)
{
	struct kube_container c[2] = {
		{ .name = "app", .image = "registry.example:5000/team/app:1.2", .tty = true,
		  .stdin = true, .working_dir = "/srv" },
		{ .name = "log", .image = "busybox" },
	};
	struct kube_container init[2] = {
		{ .name = "setup", .image = "busybox@sha256:abcd" },
		{ .name = "proxy", .image = "envoy:latest", .restart_policy = "Always" },
	};
	struct kube_pod *p;

	reset();
	p = add_pod("web", c, 2);
	p->spec.init_containers = init;
	p->spec.ninit_containers = 2;
	p->spec.share_process_namespace = true;
	p->spec.termination_grace_period_seconds = 45;
	kube_map_set(&p->meta.labels, "app", "web", 3);
	kube_map_set(&p->meta.annotations, "note", "a=b", 3);
	BUILD_OK();
	CHECK_INT(plan.n_pods, 1);
	CHECK_STRV(plan.pod_names, "[web]");
	CHECK(plan.skipped == NULL);
	CHECK_STR(plan.pods[0].workload, "Pod/web");
	CHECK_STR(plan.pods[0].pod.name, "web");
	CHECK_STR(plan.pods[0].pod.hostname, "web");
	CHECK(plan.pods[0].pod.fqdn == NULL);
	CHECK(plan.pods[0].pod.share_pid);
	CHECK(plan.pods[0].pod.networks == NULL);
	CHECK_INT(plan.pods[0].pod.fs_group, -1);
	CHECK_STRV(plan.pods[0].pod.labels, "[app=web]");
	CHECK_STRV(plan.pods[0].pod.annotations, "[note=a=b]");
	CHECK_INT(plan.pods[0].n_ctrs, 4);
	/* init containers first, in order; then the apps */
	CHECK_STR(plan.pods[0].ctrs[0].name, "web-setup");
	CHECK_INT(plan.pods[0].ctrs[0].role, CTR_ROLE_INIT);
	CHECK_INT(plan.pods[0].ctrs[0].restart, RESTART_NO);
	CHECK_INT(plan.pods[0].ctrs[0].pull, PULL_MISSING); /* digest */
	CHECK_STR(plan.pods[0].ctrs[1].name, "web-proxy");
	CHECK_INT(plan.pods[0].ctrs[1].role, CTR_ROLE_SIDECAR);
	CHECK_INT(plan.pods[0].ctrs[1].restart, RESTART_ALWAYS);
	CHECK_INT(plan.pods[0].ctrs[1].pull, PULL_ALWAYS); /* :latest */
	CHECK_STR(plan.pods[0].ctrs[2].name, "web-app");
	CHECK_INT(plan.pods[0].ctrs[2].role, CTR_ROLE_APP);
	CHECK_INT(plan.pods[0].ctrs[2].restart, RESTART_ALWAYS);
	CHECK_INT(plan.pods[0].ctrs[2].pull, PULL_MISSING); /* a tag, port in the host */
	CHECK_STR(plan.pods[0].ctrs[2].image, "registry.example:5000/team/app:1.2");
	CHECK_STR(plan.pods[0].ctrs[2].pod, "web");
	CHECK_STR(plan.pods[0].ctrs[2].workdir, "/srv");
	CHECK(plan.pods[0].ctrs[2].tty && plan.pods[0].ctrs[2].stdin_open);
	CHECK_INT(plan.pods[0].ctrs[2].stop_timeout, 45);
	CHECK_STRV(plan.pods[0].ctrs[2].labels, "[app=web]");
	CHECK_STRV(plan.pods[0].ctrs[2].annotations, "[note=a=b]");
	CHECK(!plan.pods[0].ctrs[2].security.readonly_tmpfs);
	CHECK_INT(plan.pods[0].ctrs[3].pull, PULL_ALWAYS); /* no tag */
	CHECK(plan.pods[0].ctrs[3].entrypoint == NULL && plan.pods[0].ctrs[3].cmd == NULL);
	CHECK(plan.pods[0].pod.kube != NULL && plan.pods[0].ctrs[2].kube != NULL);
	CHECK(warns == NULL);
	kube_map_release(&p->meta.labels);
	kube_map_release(&p->meta.annotations);
}

TEST(pull_policy)
{
	static const struct {
		const char *image, *policy;
		enum pull_policy want;
	} cases[] = {
		{ "busybox", NULL, PULL_ALWAYS },
		{ "busybox:latest", NULL, PULL_ALWAYS },
		{ "busybox:1.36", NULL, PULL_MISSING },
		{ "localhost:5000/busybox", NULL, PULL_ALWAYS },
		{ "localhost:5000/busybox:v1", NULL, PULL_MISSING },
		{ "busybox@sha256:0123", NULL, PULL_MISSING },
		{ "busybox:latest@sha256:0123", NULL, PULL_ALWAYS },
		{ "busybox:1", "Always", PULL_ALWAYS },
		{ "busybox", "IfNotPresent", PULL_MISSING },
		{ "busybox", "Never", PULL_NEVER },
	};
	struct kube_container c = { .name = "c" };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reset();
		c.image = (char *)cases[i].image;
		c.image_pull_policy = (char *)cases[i].policy;
		add_pod("p", &c, 1);
		BUILD_OK();
		if (plan.pods[0].ctrs[0].pull != cases[i].want) {
			printf("#   %s %s: got %d want %d\n", cases[i].image,
			       cases[i].policy ? cases[i].policy : "-", plan.pods[0].ctrs[0].pull,
			       cases[i].want);
			tap_cur_failed = 1;
		}
	}
}

TEST(command_args)
{
	static char *cmd[] = { "sh", "-c", NULL }, *args[] = { "echo hi", NULL };
	static char *empty[] = { NULL };
	struct kube_container c[5] = {
		{ .name = "none", .image = "i" },
		{ .name = "cmd", .image = "i", .command = cmd },
		{ .name = "args", .image = "i", .args = args },
		{ .name = "both", .image = "i", .command = cmd, .args = args },
		{ .name = "empty", .image = "i", .command = empty, .args = empty },
	};
	struct ctr_spec *s;

	reset();
	add_pod("p", c, 5);
	BUILD_OK();
	s = plan.pods[0].ctrs;
	/* image ENTRYPOINT + CMD */
	CHECK(s[0].entrypoint == NULL && s[0].cmd == NULL);
	/* command only: the image's CMD is dropped too */
	CHECK_STRV(s[1].entrypoint, "[sh][-c]");
	CHECK_STRV(s[1].cmd, "");
	/* args only: the image's ENTRYPOINT with args */
	CHECK(s[2].entrypoint == NULL);
	CHECK_STRV(s[2].cmd, "[echo hi]");
	CHECK_STRV(s[3].entrypoint, "[sh][-c]");
	CHECK_STRV(s[3].cmd, "[echo hi]");
	/* empty lists are unset, as for the kubelet */
	CHECK(s[4].entrypoint == NULL && s[4].cmd == NULL);
}

TEST(workload_names)
{
	struct kube_container c = { .name = "app", .image = "i:1" };
	struct kube_object *d, *z, *ds, *j;

	reset();
	d = add_object(KUBE_DEPLOYMENT, "Deployment", 1);
	d->u.deployment.meta.name = "front";
	d->u.deployment.replicas = 3;
	default_spec(&d->u.deployment.template.spec, &c, 1);
	kube_map_set(&d->u.deployment.template.meta.labels, "tier", "front", 5);
	z = add_object(KUBE_DEPLOYMENT, "Deployment", 20);
	z->u.deployment.meta.name = "off";
	z->u.deployment.replicas = 0;
	default_spec(&z->u.deployment.template.spec, &c, 1);
	ds = add_object(KUBE_DAEMONSET, "DaemonSet", 30);
	ds->u.deployment.meta.name = "agent";
	ds->u.deployment.replicas = 5; /* unused */
	default_spec(&ds->u.deployment.template.spec, &c, 1);
	j = add_object(KUBE_JOB, "Job", 40);
	j->u.job.meta.name = "batch";
	j->u.job.has_completions = true;
	j->u.job.completions = 2;
	j->u.job.parallelism = 1;
	j->u.job.backoff_limit = 4;
	default_spec(&j->u.job.template.spec, &c, 1);
	j->u.job.template.spec.restart_policy = "OnFailure";
	add_object(KUBE_UNKNOWN, "Service", 50);
	BUILD_OK();
	CHECK_STRV(plan.pod_names, "[front-pod-0][front-pod-1][front-pod-2][agent-pod]"
				   "[batch-pod-0][batch-pod-1]");
	CHECK_INT(plan.n_pods, 6);
	CHECK_STR(plan.pods[1].pod.name, "front-pod-1");
	CHECK_STR(plan.pods[1].pod.hostname, "front-pod-1");
	CHECK_STR(plan.pods[1].workload, "Deployment/front");
	CHECK_STR(plan.pods[1].ctrs[0].name, "front-pod-1-app");
	CHECK_STRV(plan.pods[2].pod.labels, "[tier=front]");
	CHECK_STR(plan.pods[3].workload, "DaemonSet/agent");
	CHECK_STR(plan.pods[4].ctrs[0].name, "batch-pod-0-app");
	CHECK_INT(plan.pods[4].ctrs[0].restart, RESTART_ON_FAILURE);
	CHECK_INT(plan.pods[4].ctrs[0].restart_max, 4);
	CHECK_STRV(plan.skipped, "[Service]");
	CHECK_WARN("app.yaml:40: spec.parallelism: not enforced yet: all 2 pods of the job "
		   "start at once");
	CHECK_INT(strv_len(warns), 1);

	/* backoffLimit 0: no retry at all */
	j->u.job.backoff_limit = 0;
	j->u.job.completions = 1;
	BUILD_OK();
	CHECK_STR(plan.pods[4].pod.name, "batch-pod");
	CHECK_INT(plan.pods[4].ctrs[0].restart, RESTART_NO);
	CHECK(warns == NULL);

	j->u.job.template.spec.restart_policy = "Always";
	BUILD_ERR("app.yaml:40: spec.template.spec.restartPolicy: unsupported value \"Always\": "
		  "supported values: \"OnFailure\", \"Never\"");
	kube_map_release(&d->u.deployment.template.meta.labels);
}

TEST(duplicate_names)
{
	struct kube_container c = { .name = "app", .image = "i:1" };
	struct kube_container c2 = { .name = "b-app", .image = "i:1" };
	struct kube_object *d;

	reset();
	add_pod("front-pod", &c, 1);
	d = add_object(KUBE_DEPLOYMENT, "Deployment", 12);
	d->u.deployment.meta.name = "front";
	d->u.deployment.replicas = 1;
	default_spec(&d->u.deployment.template.spec, &c, 1);
	BUILD_ERR("app.yaml:12: pod name \"front-pod\" is also made by Pod/front-pod at "
		  "app.yaml:1");

	/* "a-b" + "app" and "a" + "b-app" make the same container name */
	reset();
	add_pod("a-b", &c, 1);
	add_pod("a", &c2, 1);
	ov[1].line = 9;
	BUILD_ERR("app.yaml:9: spec.containers[0].name: container name \"a-b-app\" (pod \"a\", "
		  "container \"b-app\") is also a container of pod \"a-b\"");
}

TEST(pod_network_fields)
{
	static char *names[] = { "db", "db.local", NULL };
	static char *ns[] = { "192.0.2.53", NULL }, *search[] = { "corp.example", NULL };
	struct kube_dns_option opts[2] = { { .name = "ndots", .value = "2" }, { .name = "edns0" } };
	struct kube_dns_config dns = { .nameservers = ns, .searches = search, .options = opts,
				       .noptions = 2 };
	struct kube_host_alias ha = { .ip = "10.1.2.3", .hostnames = names };
	struct kube_port ports[3] = {
		{ .container_port = 80, .host_port = 8080, .protocol = "TCP" },
		{ .container_port = 53, .host_port = 5353, .protocol = "UDP",
		  .host_ip = "127.0.0.1" },
		{ .container_port = 9000, .protocol = "TCP" }, /* not published */
	};
	struct kube_container c = { .name = "app", .image = "i:1", .ports = ports, .nports = 3 };
	struct kube_pod *p;

	reset();
	p = add_pod("web", &c, 1);
	p->meta.namespace = "shop";
	p->spec.hostname = "www";
	p->spec.subdomain = "frontend";
	p->spec.host_aliases = &ha;
	p->spec.nhost_aliases = 1;
	p->spec.dns_policy = "None";
	p->spec.dns_config = &dns;
	BUILD_OK();
	CHECK_STR(plan.pods[0].pod.hostname, "www");
	CHECK_STR(plan.pods[0].pod.fqdn, "www.frontend.shop.svc.cluster.local");
	CHECK_STRV(plan.pods[0].pod.add_hosts, "[db:10.1.2.3][db.local:10.1.2.3]");
	CHECK_STRV(plan.pods[0].pod.dns_servers, "[192.0.2.53]");
	CHECK_STRV(plan.pods[0].pod.dns_search, "[corp.example]");
	CHECK_STRV(plan.pods[0].pod.dns_options, "[ndots:2][edns0]");
	CHECK_INT(plan.pods[0].pod.n_ports, 2);
	CHECK_INT(plan.pods[0].pod.ports[0].host_port, 8080);
	CHECK_INT(plan.pods[0].pod.ports[0].container_port, 80);
	CHECK_INT(plan.pods[0].pod.ports[0].range, 1);
	CHECK_STR(plan.pods[0].pod.ports[0].proto, "tcp");
	CHECK_STR(plan.pods[0].pod.ports[0].host_ip, "");
	CHECK_STR(plan.pods[0].pod.ports[1].proto, "udp");
	CHECK_STR(plan.pods[0].pod.ports[1].host_ip, "127.0.0.1");

	/* dnsPolicy None needs dnsConfig */
	p->spec.dns_config = NULL;
	BUILD_ERR("app.yaml:1: spec.dnsConfig: required value: must provide dnsConfig when "
		  "dnsPolicy is None");
	/* other policies: the host's resolv.conf, dnsConfig added */
	p->spec.dns_policy = "ClusterFirst";
	BUILD_OK();
	CHECK(plan.pods[0].pod.dns_servers == NULL);

	ports[2].host_port = 8080;
	c.pos = (struct kube_pos){ 7, 5 };
	BUILD_ERR("app.yaml:7:5: spec.containers[0].ports[2].hostPort: duplicate value "
		  "\"8080/TCP\"");
	ports[2].protocol = "SCTP";
	BUILD_ERR("app.yaml:7:5: spec.containers[0].ports[2].protocol: unsupported value "
		  "\"SCTP\": peapod publishes TCP and UDP host ports only");
	ports[2].host_port = 0;

	/* hostNetwork: the host's network and name; nothing published */
	p->spec.host_network = true;
	ports[0].host_port = 80;
	ports[1].host_port = 53;
	BUILD_OK();
	CHECK_STRV(plan.pods[0].pod.networks, "[host]");
	CHECK_STR(plan.pods[0].pod.hostname, "node1");
	CHECK_INT(plan.pods[0].pod.n_ports, 0);
	ports[0].host_port = 8080;
	BUILD_ERR("app.yaml:7:5: spec.containers[0].ports[0].hostPort: invalid value 8080: must "
		  "match containerPort when hostNetwork is true");
}

TEST(hostname_truncated)
{
	struct kube_container c = { .name = "app", .image = "i:1" };
	char name[80];

	reset();
	memset(name, 'a', sizeof(name));
	memcpy(name + 60, "bc-.defgh", 9);
	name[75] = '\0';
	add_pod(name, &c, 1);
	BUILD_OK();
	CHECK_INT(strlen(plan.pods[0].pod.hostname), 62);
	CHECK(!strncmp(plan.pods[0].pod.hostname + 58, "aabc", 4));
}

/* ---- environment ---- */

static struct kube_object *add_configmap(const char *name)
{
	struct kube_object *o = add_object(KUBE_CONFIGMAP, "ConfigMap", 60);

	o->u.configmap.meta.name = (char *)name;
	return o;
}

static struct kube_object *add_secret(const char *name)
{
	struct kube_object *o = add_object(KUBE_SECRET, "Secret", 70);

	o->u.secret.meta.name = (char *)name;
	return o;
}

static void set(struct kube_map *m, const char *k, const char *v)
{
	kube_map_set(m, k, v, strlen(v));
}

TEST(env_order_and_value_from)
{
	struct kube_key_ref cm_ref = { .name = "cfg" }, sec_ref = { .name = "sec" };
	struct kube_key_ref k_a = { .name = "cfg", .key = "A" };
	struct kube_key_ref k_user = { .name = "sec", .key = "user" };
	struct kube_key_ref k_opt = { .name = "missing", .key = "x", .optional = true };
	struct kube_key_ref k_optkey = { .name = "cfg", .key = "nokey", .optional = true };
	struct kube_env_source s_a = { .config_map_key_ref = &k_a };
	struct kube_env_source s_user = { .secret_key_ref = &k_user };
	struct kube_env_source s_opt = { .config_map_key_ref = &k_opt };
	struct kube_env_source s_optkey = { .config_map_key_ref = &k_optkey };
	struct kube_env_from from[2] = {
		{ .config_map_ref = &cm_ref },
		{ .secret_ref = &sec_ref, .prefix = "S_" },
	};
	struct kube_env env[9] = {
		{ .name = "B", .value = "override-$(A)" },
		{ .name = "FROM_CM", .value_from = &s_a },
		{ .name = "FROM_SEC", .value_from = &s_user },
		{ .name = "OPT", .value_from = &s_opt },
		{ .name = "OPT2", .value_from = &s_optkey },
		{ .name = "LATER", .value = "$(NEXT)-$(S_user)" },
		{ .name = "NEXT", .value = "n" },
		{ .name = "A", .value = "again" },
		{ .name = "EMPTY" },
	};
	static char *args[] = { "$(A) $(NEXT) $$(A) $(NOPE)", NULL };
	struct kube_container c = { .name = "app", .image = "i:1", .env = env, .nenv = 9,
				    .env_from = from, .nenv_from = 2, .args = args,
				    .pos = { 4, 3 } };
	struct kube_object *cm, *sec;

	reset();
	add_pod("web", &c, 1);
	cm = add_configmap("cfg");
	set(&cm->u.configmap.data, "A", "1");
	set(&cm->u.configmap.data, "B", "2");
	set(&cm->u.configmap.data, "x=y", "skipped");
	sec = add_secret("sec");
	set(&sec->u.secret.data, "user", "admin");
	BUILD_OK();
	CHECK_ENV(&plan.pods[0].ctrs[0], "A=again;B=override-1;S_user=admin;FROM_CM=1;"
					 "FROM_SEC=admin;LATER=$(NEXT)-admin;NEXT=n;EMPTY=");
	CHECK_STRV(plan.pods[0].ctrs[0].cmd, "[again n $(A) $(NOPE)]");
	CHECK(plan.pods[0].ctrs[0].env_pod_ip == NULL);
	from[0].pos = (struct kube_pos){ 9, 7 };
	BUILD_OK();
	CHECK_WARN("app.yaml:9:7: spec.containers[0].envFrom[0]: keys \"x=y\" skipped: not "
		   "valid environment variables (a name with '=' or a control character, or a "
		   "value with a NUL byte)");

	/* a missing ConfigMap, Secret or key is an error at the entry */
	k_a.name = "nope";
	env[1].pos = (struct kube_pos){ 12, 7 };
	k_user.key = "pass";
	env[2].pos = (struct kube_pos){ 16, 7 };
	sec_ref.name = "gone";
	from[1].pos = (struct kube_pos){ 10, 7 };
	BUILD_ERR("app.yaml:10:7: spec.containers[0].envFrom[1].secretRef: secret \"gone\" not "
		  "found\n"
		  "app.yaml:12:7: spec.containers[0].env[1].valueFrom.configMapKeyRef: configmap "
		  "\"nope\" not found\n"
		  "app.yaml:16:7: spec.containers[0].env[2].valueFrom.secretKeyRef: key \"pass\" "
		  "not found in secret \"sec\"");
	/* optional: simply not set */
	k_a.optional = k_user.optional = sec_ref.optional = true;
	BUILD_OK();
	CHECK_ENV(&plan.pods[0].ctrs[0], "A=again;B=override-1;LATER=$(NEXT)-$(S_user);NEXT=n;"
					 "EMPTY=");
	kube_map_release(&cm->u.configmap.data);
	kube_map_release(&sec->u.secret.data);
}

/* kubernetes/website dependent-envars.yaml */
TEST(dependent_envars)
{
	struct kube_env env[6] = {
		{ .name = "SERVICE_PORT", .value = "80" },
		{ .name = "SERVICE_IP", .value = "172.17.0.1" },
		{ .name = "UNCHANGED_REFERENCE", .value = "$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)" },
		{ .name = "PROTOCOL", .value = "https" },
		{ .name = "SERVICE_ADDRESS", .value = "$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)" },
		{ .name = "ESCAPED_REFERENCE", .value = "$$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)" },
	};
	struct kube_container c = { .name = "d", .image = "busybox", .env = env, .nenv = 6 };

	reset();
	add_pod("dependent-envars-demo", &c, 1);
	BUILD_OK();
	CHECK_ENV(&plan.pods[0].ctrs[0], "SERVICE_PORT=80;SERVICE_IP=172.17.0.1;"
		  "UNCHANGED_REFERENCE=$(PROTOCOL)://172.17.0.1:80;PROTOCOL=https;"
		  "SERVICE_ADDRESS=https://172.17.0.1:80;"
		  "ESCAPED_REFERENCE=$(PROTOCOL)://172.17.0.1:80");
}

TEST(field_refs)
{
	struct kube_field_ref f[12] = {
		{ .field_path = "metadata.name" },
		{ .field_path = "metadata.namespace" },
		{ .field_path = "metadata.uid" },
		{ .field_path = "metadata.labels['app']" },
		{ .field_path = "metadata.labels['missing']" },
		{ .field_path = "metadata.annotations['team.example/owner']" },
		{ .field_path = "spec.nodeName" },
		{ .field_path = "spec.serviceAccountName" },
		{ .field_path = "status.hostIP" },
		{ .field_path = "status.podIP" },
		{ .field_path = "status.podIPs" },
		{ .field_path = "spec.foo", .api_version = "v1" },
	};
	struct kube_env_source src[12];
	struct kube_env env[13];
	struct kube_container c = { .name = "app", .image = "i:1", .env = env, .nenv = 12 };
	static const char *const names[] = { "NAME", "NS", "UID", "APP", "MISSING", "OWNER",
					     "NODE", "SA", "HOST", "POD_IP", "IPS", "BAD" };
	struct kube_pod *p;
	char *uid1;
	size_t i;

	memset(env, 0, sizeof(env));
	for (i = 0; i < 12; i++) {
		src[i] = (struct kube_env_source){ .field_ref = &f[i] };
		env[i].name = (char *)names[i];
		env[i].value_from = &src[i];
	}
	env[11] = (struct kube_env){ .name = "USE", .value = "http://$(POD_IP):80/$(NAME)",
				     .pos = { 30, 9 } };
	reset();
	p = add_pod("web", &c, 1);
	set(&p->meta.labels, "app", "shop");
	set(&p->meta.annotations, "team.example/owner", "ann");
	BUILD_OK();
	CHECK(plan.pods[0].ctrs[0].env != NULL);
	uid1 = xstrdup(plan.pods[0].ctrs[0].env[2] + 4);
	CHECK_INT(strlen(uid1), 36);
	CHECK(uid1[14] == '8' && strchr("89ab", uid1[19]) && uid1[8] == '-');
	{
		char *want = xasprintf("NAME=web;NS=default;UID=%s;APP=shop;MISSING=;OWNER=ann;"
				       "NODE=node1;SA=default;HOST=192.0.2.10;"
				       "USE=http://$(POD_IP):80/web", uid1);

		CHECK_ENV(&plan.pods[0].ctrs[0], want);
		free(want);
	}
	CHECK_STRV(plan.pods[0].ctrs[0].env_pod_ip, "[POD_IP][IPS]");
	CHECK_WARN("app.yaml:30:9: spec.containers[0].env[11].value: $(POD_IP) is the pod's IP "
		   "address, known only when the pod starts: kept as written");
	/* stable, and different for another pod */
	BUILD_OK();
	CHECK(!strcmp(plan.pods[0].ctrs[0].env[2] + 4, uid1));
	p->meta.name = "web2";
	p->meta.namespace = "prod";
	p->spec.service_account_name = "robot";
	BUILD_OK();
	CHECK(strcmp(plan.pods[0].ctrs[0].env[2] + 4, uid1) != 0);
	CHECK_STR(plan.pods[0].ctrs[0].env[1], "NS=prod");
	CHECK_STR(plan.pods[0].ctrs[0].env[7], "SA=robot");
	free(uid1);

	/* hostNetwork: the pod's IP is the host's */
	p->spec.host_network = true;
	BUILD_OK();
	CHECK(plan.pods[0].ctrs[0].env_pod_ip == NULL);
	CHECK_STR(plan.pods[0].ctrs[0].env[9], "POD_IP=192.0.2.10");
	CHECK_STR(plan.pods[0].ctrs[0].env[11], "USE=http://192.0.2.10:80/web2");

	c.nenv = 13;
	env[12] = (struct kube_env){ .name = "BAD", .value_from = &src[11], .pos = { 33, 9 } };
	BUILD_ERR("app.yaml:33:9: spec.containers[0].env[12].valueFrom.fieldRef.fieldPath: "
		  "unsupported value \"spec.foo\": supported values: \"metadata.name\", "
		  "\"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", "
		  "\"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", "
		  "\"status.podIP\", \"status.podIPs\"");
	kube_map_release(&p->meta.labels);
	kube_map_release(&p->meta.annotations);
}

TEST(resource_field_refs)
{
	struct kube_resource_ref r[9] = {
		{ .resource = "limits.cpu", .divisor = "1m" },
		{ .resource = "limits.cpu" },
		{ .resource = "requests.cpu", .divisor = "1m" },
		{ .resource = "limits.memory", .divisor = "1Mi" },
		{ .resource = "requests.memory", .divisor = "1Mi" },
		{ .resource = "limits.cpu", .container_name = "side" },
		{ .resource = "limits.memory", .container_name = "side", .divisor = "1Gi" },
		{ .resource = "requests.cpu", .container_name = "side" },
		{ .resource = "requests.memory", .container_name = "side", .divisor = "1k" },
	};
	static const char *const names[] = { "CL", "CORES", "CR", "ML", "MR", "S_CL", "S_ML",
					     "S_CR", "S_MR" };
	struct kube_env_source src[9];
	struct kube_env env[9];
	struct kube_container c[2] = {
		{ .name = "app", .image = "i:1", .env = env, .nenv = 9 },
		{ .name = "side", .image = "i:1" },
	};
	size_t i;

	for (i = 0; i < 9; i++) {
		src[i] = (struct kube_env_source){ .resource_field_ref = &r[i] };
		env[i] = (struct kube_env){ .name = (char *)names[i], .value_from = &src[i] };
	}
	set(&c[0].resources.limits, "cpu", "500m");
	set(&c[0].resources.limits, "memory", "64Mi");
	set(&c[0].resources.requests, "cpu", "250m");
	reset();
	add_pod("p", c, 2);
	BUILD_OK();
	/* unset limits: the node's allocatable; unset requests: the limit or 0 */
	CHECK_ENV(&plan.pods[0].ctrs[0], "CL=500;CORES=1;CR=250;ML=64;MR=64;S_CL=4;S_ML=8;"
					 "S_CR=0;S_MR=0");
	r[0].divisor = "3m";
	c[0].pos = (struct kube_pos){ 3, 5 };
	env[0].pos = (struct kube_pos){ 8, 9 };
	BUILD_ERR("app.yaml:8:9: spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: "
		  "invalid value \"3m\": only divisor's values 1m and 1 are supported with the "
		  "limits.cpu resource");
	r[0].divisor = "1m";
	r[5].container_name = "nope";
	env[5].pos = (struct kube_pos){ 9, 9 };
	BUILD_ERR("app.yaml:9:9: spec.containers[0].env[5].valueFrom.resourceFieldRef."
		  "containerName: container \"nope\" not found in the pod");
	r[5].container_name = "side";
	r[1].resource = "limits.gpu";
	CHECK_INT(build(), -1);
	CHECK(errmsg && strstr(errmsg, "resourceFieldRef.resource: unsupported value "
				       "\"limits.gpu\": supported values: \"limits.cpu\""));
	kube_map_release(&c[0].resources.limits);
	kube_map_release(&c[0].resources.requests);
}

TEST(resources)
{
	struct kube_container c[5] = {
		{ .name = "a", .image = "i:1", .pos = { 3, 5 } },
		{ .name = "b", .image = "i:1" },
		{ .name = "c", .image = "i:1" },
		{ .name = "d", .image = "i:1" },
		{ .name = "e", .image = "i:1" },
	};
	struct resources_spec *r;
	size_t i;

	set(&c[0].resources.limits, "cpu", "500m");
	set(&c[0].resources.limits, "memory", "128Mi");
	set(&c[0].resources.requests, "cpu", "250m");
	set(&c[0].resources.requests, "memory", "64Mi");
	set(&c[1].resources.limits, "cpu", "1");
	set(&c[2].resources.requests, "cpu", "1m");
	set(&c[3].resources.limits, "cpu", "1m");
	set(&c[3].resources.limits, "ephemeral-storage", "1Gi");
	set(&c[4].resources.requests, "cpu", "1000");
	reset();
	add_pod("p", c, 5);
	BUILD_OK();
	r = &plan.pods[0].ctrs[0].resources;
	CHECK_INT(r->cpu_quota, 50000);
	CHECK_INT(r->cpu_period, 100000);
	CHECK_INT(r->cpu_shares, 256);
	CHECK_INT(r->memory, 134217728);
	r = &plan.pods[0].ctrs[1].resources;   /* requests default to the limit */
	CHECK_INT(r->cpu_quota, 100000);
	CHECK_INT(r->cpu_shares, 1024);
	CHECK_INT(r->memory, 0);
	r = &plan.pods[0].ctrs[2].resources;   /* minimum shares, no quota */
	CHECK_INT(r->cpu_quota, 0);
	CHECK_INT(r->cpu_shares, 2);
	r = &plan.pods[0].ctrs[3].resources;   /* minimum quota */
	CHECK_INT(r->cpu_quota, 1000);
	CHECK_INT(r->cpu_shares, 2);
	CHECK_INT(plan.pods[0].ctrs[4].resources.cpu_shares, 262144);
	CHECK_WARN("app.yaml:1: spec.containers[3].resources.limits[ephemeral-storage]: not "
		   "enforced by peapod");
	set(&c[0].resources.requests, "cpu", "600m");
	BUILD_ERR("app.yaml:3:5: spec.containers[0].resources.requests: invalid value \"600m\": "
		  "must be less than or equal to cpu limit of 500m");
	set(&c[0].resources.requests, "cpu", "lots");
	set(&c[0].resources.limits, "memory", "-1");
	BUILD_ERR("app.yaml:3:5: spec.containers[0].resources.limits[memory]: invalid value "
		  "\"-1\": must be greater than or equal to 0\n"
		  "app.yaml:3:5: spec.containers[0].resources.requests[cpu]: quantity \"lots\": "
		  "quantities must match the regular expression "
		  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	for (i = 0; i < 5; i++) {
		kube_map_release(&c[i].resources.limits);
		kube_map_release(&c[i].resources.requests);
	}
}

/* ---- security context ---- */

TEST(security)
{
	static char *add[] = { "net_admin", "CAP_SYS_TIME", NULL }, *drop[] = { "all", NULL };
	int64_t groups[2] = { 4000, 2000 };
	struct kube_sysctl sysctls[1] = { { .name = "net.core.somaxconn", .value = "1024" } };
	struct kube_seccomp local = { .type = "Localhost", .localhost_profile = "profiles/a.json" };
	struct kube_seccomp unconf = { .type = "Unconfined" };
	struct kube_pod_security_context psc = {
		.has_run_as_user = true, .run_as_user = 1000, .has_run_as_group = true,
		.run_as_group = 3000, .has_fs_group = true, .fs_group = 2000,
		.supplemental_groups = groups, .nsupplemental_groups = 2, .sysctls = sysctls,
		.nsysctls = 1, .seccomp_profile = &local,
	};
	struct kube_capabilities caps = { .add = add, .drop = drop };
	struct kube_security_context csc = {
		.has_run_as_user = true, .run_as_user = 1001, .capabilities = &caps,
		.has_allow_privilege_escalation = true, .allow_privilege_escalation = false,
		.has_read_only_root_filesystem = true, .read_only_root_filesystem = true,
		.proc_mount = "Unmasked",
	};
	struct kube_container c[2] = {
		{ .name = "a", .image = "i:1", .security_context = &csc, .pos = { 3, 5 } },
		{ .name = "b", .image = "i:1" },
	};
	struct kube_pod *p;
	struct ctr_spec *a, *b;

	reset();
	p = add_pod("p", c, 2);
	p->spec.security_context = &psc;
	p->spec.host_pid = p->spec.host_ipc = true;
	BUILD_OK();
	a = &plan.pods[0].ctrs[0];
	b = &plan.pods[0].ctrs[1];
	CHECK_INT(plan.pods[0].pod.fs_group, 2000);
	CHECK(plan.pods[0].pod.host_pid && plan.pods[0].pod.host_ipc);
	CHECK_STR(a->user, "1001:3000");
	CHECK_STR(b->user, "1000:3000");
	CHECK_STRV(a->groups, "[4000][2000]");
	CHECK_STRV(a->security.cap_add, "[NET_ADMIN][SYS_TIME]");
	CHECK_STRV(a->security.cap_drop, "[ALL]");
	CHECK(a->security.no_new_privileges && !b->security.no_new_privileges);
	CHECK(a->security.readonly_rootfs && !a->security.readonly_tmpfs);
	CHECK(a->security.unmasked_proc && !b->security.unmasked_proc);
	CHECK_STRV(a->security.sysctls, "[net.core.somaxconn=1024]");
	CHECK_STR(a->security.seccomp_profile, "/var/lib/kubelet/seccomp/profiles/a.json");
	CHECK_STR(a->ns.pid, "host");
	CHECK_STR(a->ns.ipc, "host");
	CHECK(!a->run_as_non_root);

	csc.seccomp_profile = &unconf;
	csc.has_run_as_non_root = true;
	csc.run_as_non_root = true;
	BUILD_OK();
	CHECK_STR(plan.pods[0].ctrs[0].security.seccomp_profile, "unconfined");
	CHECK(plan.pods[0].ctrs[0].run_as_non_root);

	local.localhost_profile = "../../etc/x.json";
	csc.run_as_user = 0;
	psc.has_run_as_user = false;
	csc.privileged = csc.has_privileged = true;
	BUILD_ERR("app.yaml:3:5: spec.containers[0].securityContext.runAsUser: runAsUser 0 "
		  "breaks the runAsNonRoot policy\n"
		  "app.yaml:3:5: spec.containers[0].securityContext.allowPrivilegeEscalation: "
		  "cannot set allowPrivilegeEscalation to false and privileged to true\n"
		  "app.yaml:1: spec.containers[1]: the pod's securityContext.runAsGroup: "
		  "runAsGroup 3000 without runAsUser: container runtimes refuse a group without "
		  "a user\n"
		  "app.yaml:1: spec.containers[1]: the pod's securityContext.seccompProfile."
		  "localhostProfile: must not contain '..'");
}

/* ---- volumes ---- */

TEST(volumes)
{
	struct kube_key_path some_items[1] = {
		{ .key = "b.conf", .path = "conf/b", .has_mode = true, .mode = 0600 },
	};
	struct kube_key_path proj_items[1] = { { .key = "a.conf", .path = "x" } };
	struct kube_cm_source cm_all = { .name = "cfg" };
	struct kube_cm_source cm_some = { .name = "cfg", .items = some_items, .nitems = 1,
					  .has_default_mode = true, .default_mode = 0440 };
	struct kube_cm_source sec = { .name = "sec", .has_default_mode = true,
				      .default_mode = 0400 };
	struct kube_cm_source opt = { .name = "absent", .optional = true };
	struct kube_cm_source proj_cm = { .name = "cfg", .items = proj_items, .nitems = 1 };
	struct kube_cm_source proj_sec = { .name = "sec" };
	struct kube_field_ref f_labels = { .field_path = "metadata.labels" };
	struct kube_field_ref f_name = { .field_path = "metadata.name" };
	struct kube_resource_ref r_cpu = { .container_name = "app", .resource = "limits.cpu",
					   .divisor = "1m" };
	struct kube_dapi_file dfiles[3] = {
		{ .path = "labels", .field_ref = &f_labels },
		{ .path = "name", .field_ref = &f_name, .has_mode = true, .mode = 0444 },
		{ .path = "cpu_limit", .resource_field_ref = &r_cpu },
	};
	struct kube_dapi_source dapi = { .items = dfiles, .nitems = 3 };
	struct kube_projection proj[3] = {
		{ .config_map = &proj_cm }, { .secret = &proj_sec }, { .service_account_token = true },
	};
	struct kube_volume vols[10] = {
		{ .name = "all", .config_map = &cm_all },
		{ .name = "some", .config_map = &cm_some },
		{ .name = "sec", .secret = &sec },
		{ .name = "opt", .config_map = &opt },
		{ .name = "dapi", .downward_api = &dapi },
		{ .name = "proj", .projected_sources = proj, .nprojected_sources = 3,
		  .has_projected_default_mode = true, .projected_default_mode = 0600,
		  .pos = { 40, 5 } },
		{ .name = "scratch", .has_empty_dir = true, .empty_dir_medium = "Memory",
		  .empty_dir_size_limit = "64Mi" },
		{ .name = "host", .has_host_path = true, .host_path = "/var/log",
		  .host_path_type = "Directory" },
		{ .name = "data", .pvc_claim_name = "db-data", .pvc_read_only = true },
		{ .name = "nfs", .unsupported = "nfs", .pos = { 50, 5 } },
	};
	struct kube_vol_mount mounts[7] = {
		{ .name = "all", .mount_path = "/etc/all" },
		{ .name = "some", .mount_path = "/etc/some", .sub_path = "conf" },
		{ .name = "scratch", .mount_path = "/tmp/s" },
		{ .name = "host", .mount_path = "/host", .mount_propagation = "HostToContainer" },
		{ .name = "data", .mount_path = "/data" },
		{ .name = "nfs", .mount_path = "/nfs", .pos = { 20, 9 } },
		{ .name = "scratch", .mount_path = "/logs", .sub_path_expr = "logs/$(POD)" },
	};
	struct kube_env_source pod_src = { .field_ref = &f_name };
	struct kube_env env = { .name = "POD", .value_from = &pod_src };
	struct kube_container c = { .name = "app", .image = "i:1", .volume_mounts = mounts,
				    .nvolume_mounts = 7, .env = &env, .nenv = 1 };
	struct kube_object *cm, *so, *pvc;
	struct kube_pod *p;
	struct pod_spec *ps;
	struct ctr_spec *cs;

	set(&c.resources.limits, "cpu", "250m");
	reset();
	p = add_pod("web", &c, 1);
	p->spec.volumes = vols;
	p->spec.nvolumes = 10;
	set(&p->meta.labels, "app", "web");
	set(&p->meta.labels, "tier", "a\"b\n");
	cm = add_configmap("cfg");
	set(&cm->u.configmap.data, "a.conf", "A");
	set(&cm->u.configmap.data, "b.conf", "B");
	kube_map_set(&cm->u.configmap.binary_data, "bin", "\0\1", 2);
	so = add_secret("sec");
	set(&so->u.secret.data, "tls.key", "K");
	pvc = add_object(KUBE_PVC, "PersistentVolumeClaim", 80);
	pvc->u.pvc.meta.name = "db-data";
	set(&pvc->u.pvc.meta.labels, "keep", "yes");
	BUILD_OK();
	ps = &plan.pods[0].pod;
	CHECK_INT(ps->n_volumes, 7);
	CHECK_STR(ps->volumes[0].name, "all");
	CHECK_INT(ps->volumes[0].kind, POD_VOL_FILES);
	CHECK_INT(ps->volumes[0].n_files, 3);
	CHECK_STR(ps->volumes[0].files[0].path, "a.conf");
	CHECK_STR(ps->volumes[0].files[0].data, "A");
	CHECK_INT(ps->volumes[0].files[0].mode, 0644);
	CHECK_STR(ps->volumes[0].files[2].path, "bin");
	CHECK_INT(ps->volumes[0].files[2].len, 2);
	CHECK(!memcmp(ps->volumes[0].files[2].data, "\0\1", 2));
	CHECK_INT(ps->volumes[1].n_files, 1);
	CHECK_STR(ps->volumes[1].files[0].path, "conf/b");
	CHECK_INT(ps->volumes[1].files[0].mode, 0600);
	CHECK_STR(ps->volumes[2].files[0].path, "tls.key");
	CHECK_INT(ps->volumes[2].files[0].mode, 0400);
	CHECK_STR(ps->volumes[3].name, "opt");
	CHECK_INT(ps->volumes[3].kind, POD_VOL_FILES);
	CHECK_INT(ps->volumes[3].n_files, 0);
	CHECK_INT(ps->volumes[4].n_files, 3);
	CHECK_STR(ps->volumes[4].files[0].data, "app=\"web\"\ntier=\"a\\\"b\\n\"");
	CHECK_STR(ps->volumes[4].files[1].data, "web");
	CHECK_INT(ps->volumes[4].files[1].mode, 0444);
	CHECK_STR(ps->volumes[4].files[2].data, "250");
	CHECK_INT(ps->volumes[5].n_files, 2);
	CHECK_STR(ps->volumes[5].files[0].path, "x");
	CHECK_INT(ps->volumes[5].files[0].mode, 0600);
	CHECK_STR(ps->volumes[5].files[1].path, "tls.key");
	CHECK_INT(ps->volumes[6].kind, POD_VOL_EMPTYDIR);
	CHECK(ps->volumes[6].memory);
	CHECK_INT(ps->volumes[6].size_limit, 64 << 20);
	CHECK(ps->volumes[6].kube && strstr(ps->volumes[6].kube, "\"sizeLimit\":\"64Mi\""));

	cs = &plan.pods[0].ctrs[0];
	CHECK_INT(cs->n_mounts, 6);
	CHECK_INT(cs->mounts[0].kind, MOUNT_POD_VOLUME);
	CHECK_STR(cs->mounts[0].source, "all");
	CHECK_STR(cs->mounts[0].destination, "/etc/all");
	CHECK(cs->mounts[0].readonly);
	CHECK_STR(cs->mounts[1].subpath, "conf");
	CHECK_INT(cs->mounts[2].kind, MOUNT_POD_VOLUME);
	CHECK(!cs->mounts[2].readonly);
	CHECK_INT(cs->mounts[3].kind, MOUNT_BIND);
	CHECK_STR(cs->mounts[3].source, "/var/log");
	CHECK_STR(cs->mounts[3].host_path_type, "Directory");
	CHECK_STRV(cs->mounts[3].options, "[rslave]");
	CHECK_INT(cs->mounts[4].kind, MOUNT_VOLUME);
	CHECK_STR(cs->mounts[4].source, "db-data");
	CHECK(cs->mounts[4].readonly);
	CHECK_STR(cs->mounts[5].destination, "/logs");
	CHECK_STR(cs->mounts[5].subpath, "logs/web");
	CHECK_INT(plan.n_volumes, 1);
	CHECK_STR(plan.volumes[0].name, "db-data");
	CHECK_STRV(plan.volumes[0].labels, "[keep=yes]");
	CHECK_WARN("app.yaml:50:5: spec.volumes[9]: volume \"nfs\": nfs volumes are not "
		   "supported; skipped");
	CHECK_WARN("app.yaml:20:9: spec.containers[0].volumeMounts[5]: volume \"nfs\": nfs "
		   "volumes are not supported; the mount at /nfs is skipped");
	CHECK_WARN("app.yaml:40:5: spec.volumes[5].projected.sources[2].serviceAccountToken: no "
		   "token is written: there is no API server");

	/* errors at the volume's place */
	cm_all.name = "nope";
	vols[0].pos = (struct kube_pos){ 30, 5 };
	some_items[0].key = "c.conf";
	vols[1].pos = (struct kube_pos){ 33, 5 };
	proj_items[0].path = "tls.key";
	mounts[3].mount_propagation = "Bidirectional";
	mounts[3].pos = (struct kube_pos){ 14, 9 };
	mounts[4].name = "ghost";
	mounts[4].pos = (struct kube_pos){ 16, 9 };
	mounts[6].sub_path_expr = "$(POD)/../../etc";
	mounts[6].pos = (struct kube_pos){ 22, 9 };
	BUILD_ERR("app.yaml:30:5: spec.volumes[0].configMap: configmap \"nope\" not found\n"
		  "app.yaml:33:5: spec.volumes[1].configMap.items[0].key: key \"c.conf\" not "
		  "found in configmap \"cfg\"\n"
		  "app.yaml:40:5: spec.volumes[5].projected.sources[1].secret: invalid value "
		  "\"tls.key\": conflicting duplicate paths\n"
		  "app.yaml:14:9: spec.containers[0].volumeMounts[3].mountPropagation: "
		  "Bidirectional mount propagation is available only to privileged containers\n"
		  "app.yaml:16:9: spec.containers[0].volumeMounts[4].name: volume \"ghost\" not "
		  "found\n"
		  "app.yaml:22:9: spec.containers[0].volumeMounts[6].subPathExpr: invalid value "
		  "\"web/../../etc\" after expansion: must be a relative path without '..'");
	kube_map_release(&c.resources.limits);
	kube_map_release(&p->meta.labels);
	kube_map_release(&cm->u.configmap.data);
	kube_map_release(&cm->u.configmap.binary_data);
	kube_map_release(&so->u.secret.data);
	kube_map_release(&pvc->u.pvc.meta.labels);
}

/* ---- warnings for what is kept but not run ---- */

TEST(warnings)
{
	static char *cmd[] = { "true", NULL };
	struct kube_probe probe = { .handler = { .exec_command = cmd }, .period_seconds = 10 };
	struct kube_handler hook = { .exec_command = cmd };
	struct kube_lifecycle lc = { .pre_stop = &hook, .stop_signal = "SIGQUIT" };
	struct kube_container c = { .name = "app", .image = "i:1", .liveness_probe = &probe,
				    .readiness_probe = &probe, .lifecycle = &lc,
				    .pos = { 5, 3 } };
	struct kube_pod *p;

	reset();
	p = add_pod("p", &c, 1);
	p->spec.has_host_users = p->spec.host_users = true;
	p->spec.has_active_deadline_seconds = true;
	p->spec.active_deadline_seconds = 60;
	BUILD_OK();
	CHECK_WARN("app.yaml:5:3: spec.containers[0].livenessProbe: probes are not run yet "
		   "(issue 7); kept for kube generate");
	CHECK_WARN("app.yaml:5:3: spec.containers[0].readinessProbe: probes are not run yet "
		   "(issue 7); kept for kube generate");
	CHECK_WARN("app.yaml:5:3: spec.containers[0].lifecycle.preStop: lifecycle hooks are not "
		   "run yet (issue 7); kept for kube generate");
	CHECK_WARN("app.yaml:1: spec.activeDeadlineSeconds: not enforced yet; the pod runs "
		   "until it ends");
	CHECK_INT(strv_len(warns), 4);
	CHECK_STR(plan.pods[0].ctrs[0].stop_signal, "SIGQUIT");
	CHECK(strstr(plan.pods[0].ctrs[0].kube, "\"livenessProbe\":{\"exec\":{\"command\":"
						"[\"true\"]},\"initialDelaySeconds\":0"));
	p->spec.host_users = false;
	BUILD_OK();
	CHECK_WARN("app.yaml:1: spec.hostUsers: user namespaces are not supported yet; the pod "
		   "runs without one");
	/* replicas warn once */
	reset();
	{
		struct kube_object *d = add_object(KUBE_DEPLOYMENT, "Deployment", 1);

		d->u.deployment.meta.name = "d";
		d->u.deployment.replicas = 3;
		default_spec(&d->u.deployment.template.spec, &c, 1);
	}
	BUILD_OK();
	CHECK_INT(plan.n_pods, 3);
	CHECK_INT(strv_len(warns), 3);
	CHECK_WARN("app.yaml:5:3: spec.template.spec.containers[0].livenessProbe: probes are not "
		   "run yet (issue 7); kept for kube generate");
}

TEST(missing_image)
{
	struct kube_container c[2] = { { .name = "a", .pos = { 6, 5 } },
				       { .name = "b", .image = "", .pos = { 9, 5 } } };

	reset();
	add_pod("p", c, 2);
	BUILD_ERR("app.yaml:6:5: spec.containers[0].image: required value\n"
		  "app.yaml:9:5: spec.containers[1].image: required value");
}

int main(void)
{
	RUN(pod_basics);
	RUN(pull_policy);
	RUN(command_args);
	RUN(workload_names);
	RUN(duplicate_names);
	RUN(pod_network_fields);
	RUN(hostname_truncated);
	RUN(env_order_and_value_from);
	RUN(dependent_envars);
	RUN(field_refs);
	RUN(resource_field_refs);
	RUN(resources);
	RUN(security);
	RUN(volumes);
	RUN(warnings);
	RUN(missing_image);
	reset();
	return tap_done();
}
