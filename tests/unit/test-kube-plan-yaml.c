/* Whole manifests through kube_load and the plan, with the values a cluster
 * shows for them.  The manifests are the examples of kubernetes/website
 * (content/en/examples, CC BY 4.0, (c) The Kubernetes Authors) and
 * kubernetes/examples (Apache-2.0), some shortened where noted; their
 * expected values are those of /work/shared/k8s-examples/README.md. */
#include "tests/unit/tap.h"
#include "kube/kube.h"
#include "kube/plan.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include "base/banned.h"

static struct kube_objects objs;
static struct kube_plan plan;
static char **warns;
static char *errmsg;
static const struct kube_plan_env node = {
	.node_name = "node1",
	.host_ip = "192.0.2.10",
	.node_cpu_milli = 2000,
	.node_memory = 4LL << 30,
};

static void reset(void)
{
	kube_plan_release(&plan);
	kube_objects_release(&objs);
	strv_free(warns);
	warns = NULL;
	free(errmsg);
	errmsg = NULL;
}

/* Load yaml as "app.yaml" and plan it: 0, or -1 with errmsg. */
static int play(const char *yaml)
{
	struct pea_err *err = NULL;

	reset();
	if (kube_load("app.yaml", yaml, strlen(yaml), &objs, &warns, &err) < 0 ||
	    kube_plan_build(&objs, &node, &plan, &warns, &err) < 0) {
		errmsg = xstrdup(err->msg);
		pea_err_free(err);
		return -1;
	}
	return 0;
}

#define PLAY_OK(y)                                                          \
	do {                                                                \
		if (play(y) < 0) {                                          \
			printf("#   unexpected error: %s\n", errmsg);       \
			tap_cur_failed = 1;                                 \
			return;                                             \
		}                                                           \
	} while (0)

#define PLAY_ERR(y, want)                                                   \
	do {                                                                \
		CHECK_INT(play(y), -1);                                     \
		CHECK_STR(errmsg, want);                                    \
	} while (0)

static const char *env_get(const struct ctr_spec *c, const char *name)
{
	size_t n = strlen(name);
	char **e;

	for (e = c->env; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

static const struct vol_file *file_of(const struct pod_spec *p, const char *vol,
				      const char *path)
{
	size_t i, j;

	for (i = 0; i < p->n_volumes; i++)
		for (j = 0; !strcmp(p->volumes[i].name, vol) && j < p->volumes[i].n_files; j++)
			if (!strcmp(p->volumes[i].files[j].path, path))
				return &p->volumes[i].files[j];
	return NULL;
}

#define CHECK_FILE(pod, vol, path, want)                                     \
	do {                                                                 \
		const struct vol_file *_f = file_of(pod, vol, path);         \
		CHECK_STR(_f ? _f->data : NULL, want);                       \
	} while (0)

/* pods/inject/dapi-volume-resources.yaml (the shell loop shortened) */
TEST(dapi_volume_resources)
{
	const struct ctr_spec *c;

	PLAY_OK("apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  name: kubernetes-downwardapi-volume-example-2\n"
		"spec:\n"
		"  containers:\n"
		"    - name: client-container\n"
		"      image: k8s.gcr.io/busybox:1.24\n"
		"      command: [\"sh\", \"-c\"]\n"
		"      args:\n"
		"      - while true; do\n"
		"          cat /etc/podinfo/cpu_limit;\n"
		"          sleep 5;\n"
		"        done;\n"
		"      resources:\n"
		"        requests:\n"
		"          memory: \"32Mi\"\n"
		"          cpu: \"125m\"\n"
		"        limits:\n"
		"          memory: \"64Mi\"\n"
		"          cpu: \"250m\"\n"
		"      volumeMounts:\n"
		"        - name: podinfo\n"
		"          mountPath: /etc/podinfo\n"
		"  volumes:\n"
		"    - name: podinfo\n"
		"      downwardAPI:\n"
		"        items:\n"
		"          - path: \"cpu_limit\"\n"
		"            resourceFieldRef:\n"
		"              containerName: client-container\n"
		"              resource: limits.cpu\n"
		"              divisor: 1m\n"
		"          - path: \"cpu_request\"\n"
		"            resourceFieldRef:\n"
		"              containerName: client-container\n"
		"              resource: requests.cpu\n"
		"              divisor: 1m\n"
		"          - path: \"mem_limit\"\n"
		"            resourceFieldRef:\n"
		"              containerName: client-container\n"
		"              resource: limits.memory\n"
		"              divisor: 1Mi\n"
		"          - path: \"mem_request\"\n"
		"            resourceFieldRef:\n"
		"              containerName: client-container\n"
		"              resource: requests.memory\n"
		"              divisor: 1Mi\n");
	CHECK_INT(plan.n_pods, 1);
	CHECK_FILE(&plan.pods[0].pod, "podinfo", "cpu_limit", "250");
	CHECK_FILE(&plan.pods[0].pod, "podinfo", "cpu_request", "125");
	CHECK_FILE(&plan.pods[0].pod, "podinfo", "mem_limit", "64");
	CHECK_FILE(&plan.pods[0].pod, "podinfo", "mem_request", "32");
	CHECK_INT(plan.pods[0].pod.volumes[0].files[0].mode, 0644);
	c = &plan.pods[0].ctrs[0];
	CHECK_STR(c->name, "kubernetes-downwardapi-volume-example-2-client-container");
	CHECK_STR(c->entrypoint[1], "-c");
	/* the plain scalar folds into one line */
	CHECK_STR(c->cmd[0], "while true; do cat /etc/podinfo/cpu_limit; sleep 5; done;");
	CHECK(c->cmd[1] == NULL);
	CHECK_INT(c->resources.cpu_quota, 25000);
	CHECK_INT(c->resources.cpu_shares, 128);
	CHECK_INT(c->resources.memory, 64 << 20);
	CHECK_INT(c->mounts[0].kind, MOUNT_POD_VOLUME);
	CHECK(c->mounts[0].readonly);
}

/* pods/inject/dependent-envars.yaml (args shortened) */
TEST(dependent_envars)
{
	const struct ctr_spec *c;

	PLAY_OK("apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  name: dependent-envars-demo\n"
		"spec:\n"
		"  containers:\n"
		"  - name: dependent-envars-demo\n"
		"    args:\n"
		"    - printenv SERVICE_ADDRESS $(SERVICE_PORT) $$(SERVICE_PORT)\n"
		"    command:\n"
		"        - sh\n"
		"        - -c\n"
		"    image: busybox\n"
		"    env:\n"
		"    - name: SERVICE_PORT\n"
		"      value: \"80\"\n"
		"    - name: SERVICE_IP\n"
		"      value: \"172.17.0.1\"\n"
		"    - name: UNCHANGED_REFERENCE\n"
		"      value: \"$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)\"\n"
		"    - name: PROTOCOL\n"
		"      value: \"https\"\n"
		"    - name: SERVICE_ADDRESS\n"
		"      value: \"$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)\"\n"
		"    - name: ESCAPED_REFERENCE\n"
		"      value: \"$$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)\"");
	c = &plan.pods[0].ctrs[0];
	CHECK_STR(env_get(c, "SERVICE_ADDRESS"), "https://172.17.0.1:80");
	CHECK_STR(env_get(c, "UNCHANGED_REFERENCE"), "$(PROTOCOL)://172.17.0.1:80");
	CHECK_STR(env_get(c, "ESCAPED_REFERENCE"), "$(PROTOCOL)://172.17.0.1:80");
	CHECK_STR(c->cmd[0], "printenv SERVICE_ADDRESS 80 $(SERVICE_PORT)");
	CHECK_INT(c->pull, PULL_ALWAYS);
	CHECK(warns == NULL);
}

/* pods/inject/dapi-envars-pod.yaml, flow style (args shortened) */
TEST(dapi_envars_flow)
{
	const struct ctr_spec *c;

	PLAY_OK("---\n{\n  apiVersion: \"v1\",\n  kind: \"Pod\",\n"
		"  metadata: {\n    name: \"dapi-envars-fieldref\",\n  },\n"
		"  spec: {\n    containers: [{\n      name: \"test-container\",\n"
		"      image: \"registry.k8s.io/busybox:1.27.2\",\n"
		"      command: [\n        \"sh\",\n        \"-c\",\n      ],\n"
		"      args: [\n        \"echo -en '\\\\n'; printenv MY_POD_IP\",\n      ],\n"
		"      env: [{\n        name: \"MY_NODE_NAME\",\n"
		"        valueFrom: {\n          fieldRef: {\n"
		"            fieldPath: \"spec.nodeName\",\n          },\n        },\n"
		"      }, {\n        name: \"MY_POD_NAME\",\n"
		"        valueFrom: { fieldRef: { fieldPath: \"metadata.name\", }, },\n"
		"      }, {\n        name: \"MY_POD_NAMESPACE\",\n"
		"        valueFrom: { fieldRef: { fieldPath: \"metadata.namespace\", }, },\n"
		"      }, {\n        name: \"MY_POD_IP\",\n"
		"        valueFrom: { fieldRef: { fieldPath: \"status.podIP\", }, },\n"
		"      }, {\n        name: \"MY_POD_SERVICE_ACCOUNT\",\n"
		"        valueFrom: { fieldRef: { fieldPath: \"spec.serviceAccountName\", }, },\n"
		"      }],\n    }],\n    restartPolicy: \"Never\",\n  },\n}\n");
	c = &plan.pods[0].ctrs[0];
	CHECK_STR(env_get(c, "MY_NODE_NAME"), "node1");
	CHECK_STR(env_get(c, "MY_POD_NAME"), "dapi-envars-fieldref");
	CHECK_STR(env_get(c, "MY_POD_NAMESPACE"), "default");
	CHECK_STR(env_get(c, "MY_POD_SERVICE_ACCOUNT"), "default");
	CHECK(env_get(c, "MY_POD_IP") == NULL);
	CHECK_STR(c->env_pod_ip ? c->env_pod_ip[0] : NULL, "MY_POD_IP");
	CHECK_STR(c->cmd[0], "echo -en '\\n'; printenv MY_POD_IP");
	CHECK_INT(c->restart, RESTART_NO);
	CHECK_INT(c->pull, PULL_MISSING);
}

/* pods/inject/secret.yaml + secret-envars-pod.yaml, and configmap/
 * configmap-multikeys.yaml + pods/pod-configmap-envFrom.yaml, in one
 * stream: the Pods come before nothing they need. */
TEST(secret_and_configmap_env)
{
	PLAY_OK("apiVersion: v1\nkind: Pod\nmetadata:\n  name: secret-envars-test-pod\n"
		"spec:\n  containers:\n  - name: envars-test-container\n    image: nginx\n"
		"    env:\n    - name: SECRET_USERNAME\n      valueFrom:\n        secretKeyRef:\n"
		"          name: test-secret\n          key: username\n"
		"    - name: SECRET_PASSWORD\n      valueFrom:\n        secretKeyRef:\n"
		"          name: test-secret\n          key: password\n"
		"---\n{\n  apiVersion: \"v1\",\n  kind: \"Secret\",\n"
		"  metadata: {\n    name: \"test-secret\",\n  },\n"
		"  data: {\n    username: \"bXktYXBw\",\n    password: \"Mzk1MjgkdmRnN0pi\",\n  },\n}\n"
		"---\n{\n  apiVersion: \"v1\",\n  kind: \"ConfigMap\",\n"
		"  metadata: {\n    name: \"special-config\",\n    namespace: \"default\",\n  },\n"
		"  data: {\n    SPECIAL_LEVEL: \"very\",\n    SPECIAL_TYPE: \"charm\",\n  },\n}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: dapi-test-pod\nspec:\n"
		"  containers:\n    - name: test-container\n      image: registry.k8s.io/busybox\n"
		"      command: [ \"/bin/sh\", \"-c\", \"env\" ]\n      envFrom:\n"
		"      - configMapRef:\n          name: special-config\n  restartPolicy: Never\n");
	CHECK_INT(plan.n_pods, 2);
	CHECK_STR(env_get(&plan.pods[0].ctrs[0], "SECRET_USERNAME"), "my-app");
	CHECK_STR(env_get(&plan.pods[0].ctrs[0], "SECRET_PASSWORD"), "39528$vdg7Jb");
	CHECK_STR(env_get(&plan.pods[1].ctrs[0], "SPECIAL_LEVEL"), "very");
	CHECK_STR(env_get(&plan.pods[1].ctrs[0], "SPECIAL_TYPE"), "charm");
	CHECK(plan.pods[1].ctrs[0].cmd && !plan.pods[1].ctrs[0].cmd[0]);
}

/* pods/config/redis-pod.yaml + example-redis-config.yaml */
TEST(redis_configmap_volume)
{
	const struct ctr_spec *c;

	PLAY_OK("---\n{\n  apiVersion: \"v1\",\n  kind: \"ConfigMap\",\n"
		"  metadata: {\n    name: \"example-redis-config\",\n  },\n"
		"  data: {\n    redis-config: \"\\\n       maxmemory 2mb\\n\\\n"
		"       maxmemory-policy allkeys-lru\\n\\\n      \",\n  },\n}\n"
		"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: redis\nspec:\n"
		"  containers:\n  - name: redis\n    image: redis:5\n    env:\n"
		"    - name: MASTER\n      value: \"true\"\n    ports:\n"
		"    - containerPort: 6379\n    resources:\n      limits:\n        cpu: \"0.1\"\n"
		"    volumeMounts:\n    - mountPath: /data\n      name: data\n"
		"    - mountPath: /usr/local/etc/redis\n      name: config\n    args:\n"
		"    - /usr/local/etc/redis/redis.conf\n  volumes:\n    - name: data\n"
		"      emptyDir: {}\n    - name: config\n      configMap:\n"
		"        name: example-redis-config\n        items:\n"
		"        - key: redis-config\n          path: redis.conf\n");
	CHECK_FILE(&plan.pods[0].pod, "config", "redis.conf",
		   "maxmemory 2mb\nmaxmemory-policy allkeys-lru\n");
	CHECK_INT(plan.pods[0].pod.volumes[0].kind, POD_VOL_EMPTYDIR);
	CHECK_INT(plan.pods[0].pod.n_ports, 0); /* containerPort alone publishes nothing */
	c = &plan.pods[0].ctrs[0];
	CHECK(c->entrypoint == NULL); /* args only: the image's ENTRYPOINT stays */
	CHECK_STR(c->cmd[0], "/usr/local/etc/redis/redis.conf");
	CHECK_INT(c->resources.cpu_quota, 10000);
	CHECK_INT(c->resources.cpu_shares, 102);
	CHECK_INT(c->pull, PULL_MISSING);
	CHECK(strstr(c->kube, "\"ports\":[{\"containerPort\":6379,\"protocol\":\"TCP\"}]"));
}

/* application/deployment-sidecar.yaml */
TEST(deployment_sidecar)
{
	const struct play_pod *p;

	PLAY_OK("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: myapp\n"
		"  labels:\n    app: myapp\nspec:\n  replicas: 1\n  selector:\n"
		"    matchLabels:\n      app: myapp\n  template:\n    metadata:\n"
		"      labels:\n        app: myapp\n    spec:\n      containers:\n"
		"        - name: myapp\n          image: alpine:latest\n"
		"          command: ['sh', '-c', 'while true; do echo \"logging\" >> "
		"/opt/logs.txt; sleep 1; done']\n"
		"          volumeMounts:\n            - name: data\n              mountPath: /opt\n"
		"      initContainers:\n        - name: logshipper\n          image: alpine:latest\n"
		"          restartPolicy: Always\n"
		"          command: ['sh', '-c', 'tail -F /opt/logs.txt']\n"
		"          volumeMounts:\n            - name: data\n              mountPath: /opt\n"
		"      volumes:\n        - name: data\n          emptyDir: {}");
	CHECK_INT(plan.n_pods, 1);
	p = &plan.pods[0];
	CHECK_STR(p->pod.name, "myapp-pod");
	CHECK_STR(p->workload, "Deployment/myapp");
	CHECK_STR(p->pod.labels[0], "app=myapp");
	CHECK_INT(p->n_ctrs, 2);
	CHECK_STR(p->ctrs[0].name, "myapp-pod-logshipper");
	CHECK_INT(p->ctrs[0].role, CTR_ROLE_SIDECAR);
	CHECK_INT(p->ctrs[0].restart, RESTART_ALWAYS);
	CHECK_STR(p->ctrs[1].name, "myapp-pod-myapp");
	CHECK_STR(p->ctrs[1].entrypoint[2],
		  "while true; do echo \"logging\" >> /opt/logs.txt; sleep 1; done");
	CHECK_STR(p->ctrs[1].mounts[0].source, "data");
}

/* kubernetes/examples guestbook all-in-one, shortened: three Services and
 * three Deployments of 1, 2 and 3 replicas. */
TEST(guestbook)
{
	static const char *const deploy =
		"apiVersion: apps/v1 # comment\nkind: Deployment\nmetadata:\n  name: %s\n"
		"spec:\n  replicas: %d\n  selector:\n    matchLabels:\n      app: %s\n"
		"  template:\n    metadata:\n      labels:\n        app: %s\n    spec:\n"
		"      containers:\n      - name: c\n        image: registry.k8s.io/redis:e2e\n"
		"        resources:\n          requests:\n            cpu: 100m\n"
		"            memory: 100Mi\n        ports:\n        - containerPort: 6379\n---\n";
	static const char *const svc =
		"apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\nspec:\n  ports:\n"
		"  - port: 80\n---\n";
	static const char *const names[] = { "redis-master", "redis-replica", "frontend" };
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < 3; i++) {
		strbuf_addf(&sb, svc, names[i]);
		strbuf_addf(&sb, deploy, names[i], i + 1, names[i], names[i]);
	}
	CHECK_INT(play(sb.buf), 0);
	strbuf_release(&sb);
	CHECK_INT(plan.n_pods, 6);
	CHECK_INT(strv_len(plan.pod_names), 6);
	CHECK_STR(plan.pod_names[0], "redis-master-pod");
	CHECK_STR(plan.pod_names[1], "redis-replica-pod-0");
	CHECK_STR(plan.pod_names[2], "redis-replica-pod-1");
	CHECK_STR(plan.pod_names[5], "frontend-pod-2");
	CHECK_STR(plan.pods[5].ctrs[0].name, "frontend-pod-2-c");
	CHECK_INT(plan.pods[5].ctrs[0].resources.cpu_shares, 102);
	CHECK_INT(plan.pods[5].pod.n_ports, 0);
	CHECK_INT(strv_len(plan.skipped), 3);
	CHECK_STR(plan.skipped[0], "Service");
}

/* kubernetes/examples javaweb (init container, hostPort) */
TEST(javaweb_hostport)
{
	PLAY_OK("apiVersion: v1\nkind: Pod\nmetadata:\n  name: javaweb\nspec:\n"
		"  initContainers:\n    - image: resouer/sample:v1\n      name: war\n"
		"      command: [\"cp\", \"/sample.war\", \"/app\"]\n      volumeMounts:\n"
		"        - mountPath: /app\n          name: app-volume\n  containers:\n"
		"    - image: resouer/mytomcat:7.0\n      name: tomcat\n"
		"      command: [\"sh\", \"-c\", \"/root/apache-tomcat-7.0.42-v2/bin/start.sh\"]\n"
		"      volumeMounts:\n        - mountPath: /root/apache-tomcat-7.0.42-v2/webapps\n"
		"          name: app-volume\n      ports:\n        - containerPort: 8080\n"
		"          hostPort: 8001\n  volumes:\n    - name: app-volume\n      emptyDir: {}");
	CHECK_INT(plan.pods[0].pod.n_ports, 1);
	CHECK_INT(plan.pods[0].pod.ports[0].host_port, 8001);
	CHECK_INT(plan.pods[0].pod.ports[0].container_port, 8080);
	CHECK_STR(plan.pods[0].pod.ports[0].proto, "tcp");
	CHECK_INT(plan.pods[0].ctrs[0].role, CTR_ROLE_INIT);
	CHECK_STR(plan.pods[0].ctrs[0].name, "javaweb-war");
	CHECK_STR(plan.pods[0].ctrs[1].name, "javaweb-tomcat");
}

/* pods/security/security-context.yaml */
TEST(security_context)
{
	const struct ctr_spec *c;

	PLAY_OK("apiVersion: v1\nkind: Pod\nmetadata:\n  name: security-context-demo\nspec:\n"
		"  securityContext:\n    runAsUser: 1000\n    fsGroup: 2000\n  volumes:\n"
		"  - name: sec-ctx-vol\n    emptyDir: {}\n  containers:\n  - name: sec-ctx-demo\n"
		"    image: gcr.io/google-samples/node-hello:1.0\n    volumeMounts:\n"
		"    - name: sec-ctx-vol\n      mountPath: /data/demo\n    securityContext:\n"
		"      allowPrivilegeEscalation: false\n");
	c = &plan.pods[0].ctrs[0];
	CHECK_INT(plan.pods[0].pod.fs_group, 2000);
	CHECK_STR(c->user, "1000");
	CHECK_STR(c->groups ? c->groups[0] : NULL, "2000");
	CHECK(c->security.no_new_privileges);
	CHECK(!c->security.privileged);
}

/* kubernetes/examples newrelic DaemonSet: its Secret is not provided; a
 * cluster's pod would never start. */
TEST(newrelic_missing_secret)
{
	static const char *const y =
		"apiVersion: apps/v1 #  for k8s versions before 1.9.0\nkind: DaemonSet\n"
		"metadata:\n  name: newrelic-agent\nspec:\n  selector:\n    matchLabels:\n"
		"      name: newrelic\n  template:\n    metadata:\n      labels:\n"
		"        name: newrelic\n    spec:\n      hostPID: true\n      hostIPC: true\n"
		"      hostNetwork: true\n      containers:\n        - resources:\n"
		"            requests:\n              cpu: 0.15\n          securityContext:\n"
		"            privileged: true\n          image: newrelic/nrsysmond\n"
		"          name: newrelic\n          volumeMounts:\n"
		"            - name: newrelic-config\n              mountPath: /etc/kube-newrelic\n"
		"              readOnly: true\n            - name: run\n"
		"              mountPath: /var/run/docker.sock\n      volumes:\n"
		"        - name: newrelic-config\n          secret:\n"
		"            secretName: newrelic-config\n        - name: run\n          hostPath:\n"
		"              path: /var/run/docker.sock\n              type: Socket\n";
	struct strbuf sb = STRBUF_INIT;

	PLAY_ERR(y, "app.yaml:32:11: spec.template.spec.volumes[0].secret: secret "
		    "\"newrelic-config\" not found");
	/* with the Secret it runs: host namespaces, the socket checked */
	strbuf_addf(&sb, "%s---\napiVersion: v1\nkind: Secret\nmetadata: {name: "
		    "newrelic-config}\nstringData: {config: \"license=x\"}\n", y);
	CHECK_INT(play(sb.buf), 0);
	strbuf_release(&sb);
	CHECK_STR(plan.pods[0].pod.name, "newrelic-agent-pod");
	CHECK_STR(plan.pods[0].pod.networks[0], "host");
	CHECK_STR(plan.pods[0].pod.hostname, "node1");
	CHECK(plan.pods[0].pod.host_pid && plan.pods[0].pod.host_ipc);
	CHECK_STR(plan.pods[0].ctrs[0].ns.pid, "host");
	CHECK(plan.pods[0].ctrs[0].security.privileged);
	CHECK_INT(plan.pods[0].ctrs[0].resources.cpu_shares, 153);
	CHECK_INT(plan.pods[0].ctrs[0].mounts[1].kind, MOUNT_BIND);
	CHECK_STR(plan.pods[0].ctrs[0].mounts[1].host_path_type, "Socket");
	CHECK_FILE(&plan.pods[0].pod, "newrelic-config", "config", "license=x");
}

/* pods/probe/exec-liveness.yaml and pods/lifecycle-events.yaml */
TEST(probe_and_hook_warnings)
{
	PLAY_OK("apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    test: liveness\n"
		"  name: liveness-exec\nspec:\n  containers:\n  - name: liveness\n"
		"    image: k8s.gcr.io/busybox\n    args:\n    - /bin/sh\n    - -c\n"
		"    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\n"
		"    livenessProbe:\n      exec:\n        command:\n        - cat\n"
		"        - /tmp/healthy\n      initialDelaySeconds: 5\n      periodSeconds: 5\n"
		"    lifecycle:\n      postStart:\n        exec:\n"
		"          command: [\"/bin/sh\", \"-c\", \"echo hi > /usr/share/message\"]\n");
	CHECK_INT(strv_len(warns), 2);
	CHECK_STR(warns ? warns[0] : NULL, "app.yaml:9:5: spec.containers[0].livenessProbe: "
		  "probes are not run yet (issue 7); kept for kube generate");
	CHECK_STR(warns ? warns[1] : NULL, "app.yaml:9:5: spec.containers[0].lifecycle."
		  "postStart: lifecycle hooks are not run yet (issue 7); kept for kube generate");
	CHECK(strstr(plan.pods[0].ctrs[0].kube, "\"periodSeconds\":5"));
}

/* Errors found by the plan carry the line and column of what they name. */
TEST(errors_with_locations)
{
	PLAY_ERR("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
		 "  - name: a\n    image: busybox\n    env:\n    - name: X\n      valueFrom:\n"
		 "        configMapKeyRef: {name: cfg, key: k}\n    - {name: UP, value: ../etc}\n"
		 "    volumeMounts:\n    - {name: v, mountPath: /x, subPathExpr: \"$(UP)\"}\n"
		 "  - name: b\n    image: busybox\n"
		 "    envFrom:\n    - secretRef: {name: s}\n"
		 "  volumes:\n  - name: v\n    configMap:\n      name: cfg\n",
		 "app.yaml:20:5: spec.volumes[0].configMap: configmap \"cfg\" not found\n"
		 "app.yaml:9:7: spec.containers[0].env[0].valueFrom.configMapKeyRef: configmap "
		 "\"cfg\" not found\n"
		 "app.yaml:14:7: spec.containers[0].volumeMounts[0].subPathExpr: invalid value "
		 "\"../etc\" after expansion: must be a relative path without '..'\n"
		 "app.yaml:18:7: spec.containers[1].envFrom[0].secretRef: secret \"s\" not found");
	/* a pod name made twice: both places named */
	PLAY_ERR("apiVersion: v1\nkind: Pod\nmetadata: {name: web-pod}\n"
		 "spec: {containers: [{name: a, image: x}]}\n---\n"
		 "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
		 "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n"
		 "    spec: {containers: [{name: a, image: x}]}\n",
		 "app.yaml:5: pod name \"web-pod\" is also made by Pod/web-pod at app.yaml:1");
}

int main(void)
{
	RUN(dapi_volume_resources);
	RUN(dependent_envars);
	RUN(dapi_envars_flow);
	RUN(secret_and_configmap_env);
	RUN(redis_configmap_volume);
	RUN(deployment_sidecar);
	RUN(guestbook);
	RUN(javaweb_hostport);
	RUN(security_context);
	RUN(newrelic_missing_secret);
	RUN(probe_and_hook_warnings);
	RUN(errors_with_locations);
	reset();
	return tap_done();
}
