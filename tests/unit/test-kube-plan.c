/* The plan (kube/plan*.c): pods, names, commands, the pod's network
 * fields, security context and warnings, from objects built in C (what
 * kube_decode fills) so that each rule is tested on its own.  Environment:
 * test-kube-plan-env.c; volumes: test-kube-plan-volume.c; whole manifests
 * through kube_load: test-kube-plan-yaml.c. */
#include "tests/unit/kube-plan-test.h"

#include "base/banned.h"

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
	add_object(KUBE_UNKNOWN, "Service", 50)->name = "front";
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
	CHECK_STRV(plan.skipped, "[Service/front]");
	/* parallelism 1 of 2: the pods carry the Job, the engine paces them */
	CHECK_STR(plan.pods[4].pod.job, "batch");
	CHECK_INT(plan.pods[5].pod.job_parallelism, 1);
	CHECK(plan.pods[0].pod.job == NULL);
	CHECK_INT(strv_len(warns), 0);

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

TEST(host_port_taken)
{
	struct kube_port port = { .container_port = 80, .host_port = 8080, .protocol = "TCP" };
	struct kube_port port2 = port;
	struct kube_container c = { .name = "app", .image = "i:1", .ports = &port, .nports = 1,
				    .pos = { 12, 9 } };
	struct kube_container c2 = c;
	struct kube_object *d;

	c2.ports = &port2;
	reset();
	d = add_object(KUBE_DEPLOYMENT, "Deployment", 1);
	d->u.deployment.meta.name = "web";
	d->u.deployment.replicas = 2;
	default_spec(&d->u.deployment.template.spec, &c, 1);
	BUILD_ERR("app.yaml:12:9: spec.template.spec.containers[0].ports[0].hostPort: host port "
		  "8080/TCP is already taken by pod \"web-pod-0\": a node runs only one pod per "
		  "host port");
	/* a specific address is inside "every address"; another protocol is free */
	d->u.deployment.replicas = 1;
	add_pod("other", &c2, 1);
	port2.host_ip = "127.0.0.1";
	BUILD_ERR("app.yaml:12:9: spec.containers[0].ports[0].hostPort: host port 8080/TCP is "
		  "already taken by pod \"web-pod\": a node runs only one pod per host port");
	port2.protocol = "UDP";
	BUILD_OK();
	CHECK_INT(plan.n_pods, 2);
	/* hostNetwork pods take their container ports */
	port2.protocol = "TCP";
	port.host_port = port2.host_port = 0;
	ov[1].u.pod.spec.host_network = true;
	d->u.deployment.template.spec.host_network = true;
	BUILD_ERR("app.yaml:12:9: spec.containers[0].ports[0].hostPort: host port 80/TCP is "
		  "already taken by pod \"web-pod\": a node runs only one pod per host port");
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

/* ---- warnings for what is kept but not enforced ---- */

TEST(warnings)
{
	static char *cmd[] = { "true", NULL };
	struct kube_probe probe = { .handler = { .exec_command = cmd }, .period_seconds = 10 };
	struct kube_probe grpc = { .handler = { .has_grpc = true, .grpc_port = 9 },
				   .period_seconds = 10 };
	struct kube_handler hook = { .has_http_get = true, .http_scheme = "HTTPS",
				     .http_port = { .set = true, .i = 443 } };
	struct kube_lifecycle lc = { .pre_stop = &hook, .stop_signal = "SIGQUIT" };
	struct kube_container c = { .name = "app", .image = "i:1", .liveness_probe = &probe,
				    .readiness_probe = &grpc, .lifecycle = &lc,
				    .pos = { 5, 3 } };
	struct kube_pod *p;

	reset();
	p = add_pod("p", &c, 1);
	p->spec.has_host_users = p->spec.host_users = true;
	p->spec.has_active_deadline_seconds = true;
	p->spec.active_deadline_seconds = 60;
	BUILD_OK();
	/* every handler kind runs (issue 7): exec, grpc and HTTPS warn nothing */
	CHECK_WARN("app.yaml:1: spec.activeDeadlineSeconds: not enforced yet; the pod runs "
		   "until it ends");
	CHECK_INT(strv_len(warns), 1);
	CHECK(strstr(plan.pods[0].ctrs[0].kube, "\"readinessProbe\":{\"grpc\":{\"port\":9"));
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
		d->u.deployment.template.spec.has_active_deadline_seconds = true;
		d->u.deployment.template.spec.active_deadline_seconds = 60;
	}
	BUILD_OK();
	CHECK_INT(plan.n_pods, 3);
	CHECK_INT(strv_len(warns), 1);
	CHECK(warns && strstr(warns[0], "activeDeadlineSeconds: not enforced yet"));
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
	RUN(host_port_taken);
	RUN(hostname_truncated);
	RUN(security);
	RUN(warnings);
	RUN(missing_image);
	reset();
	return tap_done();
}
