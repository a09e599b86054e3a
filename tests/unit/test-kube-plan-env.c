/* The plan's environment (kube/plan-env.c, plan-fieldref.c) and
 * resources (plan-resources.c): envFrom and env order, valueFrom, $(VAR)
 * in values and args, the Downward API, quantities to cgroup limits. */
#include "tests/unit/kube-plan-test.h"

#include "base/banned.h"

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

int main(void)
{
	RUN(env_order_and_value_from);
	RUN(dependent_envars);
	RUN(field_refs);
	RUN(resource_field_refs);
	RUN(resources);
	reset();
	return tap_done();
}
