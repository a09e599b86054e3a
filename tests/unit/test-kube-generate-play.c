/* kube generate (kube/generate.h) of pods made by kube play: manifests
 * in, exact YAML out, every output played again and generated again to
 * the same bytes (the fixed point). */
#include "tests/unit/kube-generate-test.h"

#include "base/banned.h"

static const char objects[] =
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  mode: fast\n---\n"
	"apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n"
	"stringData:\n  password: hunter2-secret\n";

static const char manifest[] =
	"apiVersion: v1\n"
	"kind: Pod\n"
	"metadata:\n"
	"  name: shop\n"
	"  namespace: team-a\n"
	"  labels: {tier: front, app: store}\n"
	"  annotations:\n"
	"    example.com/long: " /* no truncation at 63 */
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	"spec:\n"
	"  terminationGracePeriodSeconds: 5\n"
	"  hostAliases: [{ip: 10.0.0.9, hostnames: [db]}]\n"
	"  securityContext: {runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000}\n"
	"  initContainers:\n"
	"  - name: log\n"
	"    image: localhost/busybox:1\n"
	"    restartPolicy: Always\n"
	"    command: [sh, -c, 'tail -F /logs/app.log']\n"
	"    volumeMounts: [{name: logs, mountPath: /logs}]\n"
	"  - name: setup\n"
	"    image: localhost/kentry:1\n"
	"  containers:\n"
	"  - name: web\n"
	"    image: localhost/busybox:1\n"
	"    imagePullPolicy: IfNotPresent\n"
	"    command: [httpd, -f, -p, '8080']\n"
	"    env:\n"
	"    - {name: PATH, value: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}\n"
	"    - {name: MODE, valueFrom: {configMapKeyRef: {name: cfg, key: mode}}}\n"
	"    - {name: PASS, valueFrom: {secretKeyRef: {name: creds, key: password}}}\n"
	"    - {name: ME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n"
	"    - {name: URL, value: 'http://$(ME):8080'}\n"
	"    envFrom: [{prefix: CFG_, configMapRef: {name: cfg}}]\n"
	"    ports: [{name: http, containerPort: 8080, hostPort: 18080}, {containerPort: 9090}]\n"
	"    resources:\n"
	"      requests: {memory: 32Mi, cpu: 100m}\n"
	"      limits: {memory: 64Mi, cpu: '1'}\n"
	"    securityContext:\n"
	"      allowPrivilegeEscalation: false\n"
	"      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}\n"
	"    volumeMounts:\n"
	"    - {name: logs, mountPath: /logs}\n"
	"    - {name: conf, mountPath: /etc/web, readOnly: true}\n"
	"    - {name: pass, mountPath: /run/secrets/web}\n"
	"    - {name: token, mountPath: /var/run/token}\n"
	"    - {name: remote, mountPath: /mnt/nfs}\n"
	"    livenessProbe:\n"
	"      httpGet: {path: /healthz, port: http}\n"
	"      periodSeconds: 5\n"
	"    readinessProbe:\n"
	"      exec: {command: [cat, /tmp/ready]}\n"
	"    lifecycle:\n"
	"      preStop: {exec: {command: [sh, -c, 'sleep 1']}}\n"
	"  volumes:\n"
	"  - {name: logs, emptyDir: {medium: Memory, sizeLimit: 16Mi}}\n"
	"  - name: conf\n"
	"    configMap: {name: cfg, items: [{key: mode, path: mode.txt}]}\n"
	"  - name: pass\n"
	"    secret: {secretName: creds, defaultMode: 0400}\n"
	"  - name: token\n"
	"    projected:\n"
	"      sources:\n"
	"      - serviceAccountToken: {path: token}\n"
	"      - downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}\n"
	"  - name: remote\n"
	"    nfs: {server: 10.0.0.1, path: /export}\n";

static const char manifest_yaml[] =
	"apiVersion: v1\n"
	"kind: Pod\n"
	"metadata:\n"
	"  name: shop\n"
	"  namespace: team-a\n"
	"  labels:\n"
	"    app: store\n"
	"    tier: front\n"
	"  annotations:\n"
	"    example.com/long: "
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	"spec:\n"
	"  restartPolicy: Always\n"
	"  terminationGracePeriodSeconds: 5\n"
	"  hostAliases:\n"
	"  - ip: 10.0.0.9\n"
	"    hostnames:\n"
	"    - db\n"
	"  securityContext:\n"
	"    runAsUser: 1000\n"
	"    runAsGroup: 1000\n"
	"    fsGroup: 2000\n"
	"  initContainers:\n"
	"  - name: log\n"
	"    image: localhost/busybox:1\n"
	"    restartPolicy: Always\n"
	"    command:\n"
	"    - sh\n"
	"    - -c\n"
	"    - tail -F /logs/app.log\n"
	"    volumeMounts:\n"
	"    - name: logs\n"
	"      mountPath: /logs\n"
	"  - name: setup\n"
	"    image: localhost/kentry:1\n"
	"  containers:\n"
	"  - name: web\n"
	"    image: localhost/busybox:1\n"
	"    imagePullPolicy: IfNotPresent\n"
	"    command:\n"
	"    - httpd\n"
	"    - -f\n"
	"    - -p\n"
	"    - \"8080\"\n"
	"    env:\n"
	"    - name: MODE\n"
	"      valueFrom:\n"
	"        configMapKeyRef:\n"
	"          name: cfg\n"
	"          key: mode\n"
	"    - name: PASS\n"
	"      valueFrom:\n"
	"        secretKeyRef:\n"
	"          name: creds\n"
	"          key: password\n"
	"    - name: ME\n"
	"      valueFrom:\n"
	"        fieldRef:\n"
	"          apiVersion: v1\n"
	"          fieldPath: metadata.name\n"
	"    - name: URL\n"
	"      value: http://$(ME):8080\n"
	"    envFrom:\n"
	"    - prefix: CFG_\n"
	"      configMapRef:\n"
	"        name: cfg\n"
	"    ports:\n"
	"    - name: http\n"
	"      containerPort: 8080\n"
	"      hostPort: 18080\n"
	"      protocol: TCP\n"
	"    - containerPort: 9090\n"
	"      protocol: TCP\n"
	"    resources:\n"
	"      limits:\n"
	"        cpu: \"1\"\n"
	"        memory: 64Mi\n"
	"      requests:\n"
	"        cpu: 100m\n"
	"        memory: 32Mi\n"
	"    securityContext:\n"
	"      allowPrivilegeEscalation: false\n"
	"      capabilities:\n"
	"        add:\n"
	"        - NET_BIND_SERVICE\n"
	"        drop:\n"
	"        - ALL\n"
	"    volumeMounts:\n"
	"    - name: logs\n"
	"      mountPath: /logs\n"
	"    - name: conf\n"
	"      mountPath: /etc/web\n"
	"      readOnly: true\n"
	"    - name: pass\n"
	"      mountPath: /run/secrets/web\n"
	"    - name: token\n"
	"      mountPath: /var/run/token\n"
	"    livenessProbe:\n"
	"      httpGet:\n"
	"        path: /healthz\n"
	"        scheme: HTTP\n"
	"        port: http\n"
	"      initialDelaySeconds: 0\n"
	"      timeoutSeconds: 1\n"
	"      periodSeconds: 5\n"
	"      successThreshold: 1\n"
	"      failureThreshold: 3\n"
	"    readinessProbe:\n"
	"      exec:\n"
	"        command:\n"
	"        - cat\n"
	"        - /tmp/ready\n"
	"      initialDelaySeconds: 0\n"
	"      timeoutSeconds: 1\n"
	"      periodSeconds: 10\n"
	"      successThreshold: 1\n"
	"      failureThreshold: 3\n"
	"    lifecycle:\n"
	"      preStop:\n"
	"        exec:\n"
	"          command:\n"
	"          - sh\n"
	"          - -c\n"
	"          - sleep 1\n"
	"  volumes:\n"
	"  - name: logs\n"
	"    emptyDir:\n"
	"      medium: Memory\n"
	"      sizeLimit: 16Mi\n"
	"  - name: conf\n"
	"    configMap:\n"
	"      name: cfg\n"
	"      items:\n"
	"      - key: mode\n"
	"        path: mode.txt\n"
	"  - name: pass\n"
	"    secret:\n"
	"      secretName: creds\n"
	"      defaultMode: 256\n"
	"  - name: token\n"
	"    projected:\n"
	"      sources:\n"
	"      - downwardAPI:\n"
	"          items:\n"
	"          - path: name\n"
	"            fieldRef:\n"
	"              apiVersion: v1\n"
	"              fieldPath: metadata.name\n";

TEST(kube_pod_as_written)
{
	char *in = xasprintf("%s---\n%s", objects, manifest);
	char *out = gen_played(in, NULL);

	CHECK_STR(out, manifest_yaml);
	CHECK(out && !strstr(out, "hunter2"));
	CHECK(has_note("pod \"shop\": volume \"token\": serviceAccountToken projections cannot "
		       "be generated; left out"));
	CHECK(has_note("pod \"shop\": volume \"remote\": nfs volumes cannot be generated; left "
		       "out with its mounts"));
	if (out)
		check_fixed_point(out, objects);
	free(out);
	free(in);
}

static const char workload_manifest[] =
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata: {name: api}\n"
	"spec:\n"
	"  replicas: 1\n"
	"  selector: {matchLabels: {app: api}}\n"
	"  template:\n"
	"    metadata: {labels: {app: api}, annotations: {a: b}}\n"
	"    spec:\n"
	"      containers:\n"
	"      - name: api\n"
	"        image: localhost/busybox:1\n"
	"        args: [sleep, '1000']\n"
	"        ports: [{containerPort: 80, hostPort: 31080}]\n";

static const char api_pod_spec[] =
	"spec:\n"
	"      restartPolicy: Always\n"
	"      containers:\n"
	"      - name: api\n"
	"        image: localhost/busybox:1\n"
	"        args:\n"
	"        - sleep\n"
	"        - \"1000\"\n"
	"        ports:\n"
	"        - containerPort: 80\n"
	"          hostPort: 31080\n"
	"          protocol: TCP\n";

TEST(workload_kinds)
{
	struct kube_gen_opts o = pod_opts;
	char *want, *out;

	o.kind = KUBE_GEN_DEPLOYMENT;
	o.replicas = 3;
	want = xasprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
			 "  name: api-pod-deployment\n  labels:\n    app: api\nspec:\n"
			 "  replicas: 3\n  selector:\n    matchLabels:\n      app: api\n"
			 "  template:\n    metadata:\n      labels:\n        app: api\n"
			 "      annotations:\n        a: b\n    %s", api_pod_spec);
	CHECK_GEN(gen_played(workload_manifest, &o), want);
	free(want);
	o.kind = KUBE_GEN_DAEMONSET;
	o.replicas = 1;
	o.service = true;
	want = xasprintf("apiVersion: v1\nkind: Service\nmetadata:\n  name: api-pod\n"
			 "  labels:\n    app: api\nspec:\n  type: NodePort\n  selector:\n"
			 "    app: api\n  ports:\n  - name: \"80\"\n    protocol: TCP\n"
			 "    port: 80\n    targetPort: 80\n    nodePort: 31080\n---\n"
			 "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n"
			 "  name: api-pod-daemonset\n  labels:\n    app: api\nspec:\n"
			 "  selector:\n    matchLabels:\n      app: api\n"
			 "  template:\n    metadata:\n      labels:\n        app: api\n"
			 "      annotations:\n        a: b\n    %s", api_pod_spec);
	/* the Service has the port: the container keeps its containerPort */
	out = strstr(want, "          hostPort: 31080\n");
	memmove(out, out + strlen("          hostPort: 31080\n"),
		strlen(out + strlen("          hostPort: 31080\n")) + 1);
	CHECK_GEN(gen_played(workload_manifest, &o), want);
	free(want);
	o.replicas = 2;
	CHECK(gen_played(workload_manifest, &o) == NULL);
	CHECK_STR(errmsg, "k8s DaemonSets don't allow setting replicas");
	o.kind = KUBE_GEN_JOB;
	o.replicas = 1;
	CHECK(gen_played(workload_manifest, &o) == NULL);
	CHECK_STR(errmsg, "k8s Jobs can not have restartPolicy set to Always; only Never and "
		  "OnFailure policies allowed");
}

TEST(job_and_deployment_restart_policies)
{
	static const char job[] =
		"apiVersion: batch/v1\nkind: Job\nmetadata: {name: once}\nspec:\n"
		"  template:\n    spec:\n      restartPolicy: OnFailure\n      containers:\n"
		"      - {name: w, image: localhost/busybox:1, args: ['true']}\n";
	struct kube_gen_opts o = pod_opts;

	o.kind = KUBE_GEN_JOB;
	CHECK_GEN(gen_played(job, &o),
		  "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once-pod-job\n"
		  "  labels:\n    app: once-pod\nspec:\n  template:\n    metadata:\n"
		  "      labels:\n        app: once-pod\n    spec:\n"
		  "      restartPolicy: OnFailure\n      containers:\n      - name: w\n"
		  "        image: localhost/busybox:1\n        args:\n        - \"true\"\n");
	o.kind = KUBE_GEN_DEPLOYMENT;
	CHECK(gen_played(job, &o) == NULL);
	CHECK_STR(errmsg, "k8s Deployments can only have restartPolicy set to Always");
}

/* Every manifest feature comes back the same after a second play. */
TEST(fixed_points)
{
	static const char *const yamls[] = {
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p1}\nspec:\n"
		"  hostNetwork: true\n  hostPID: true\n  hostIPC: true\n"
		"  dnsPolicy: None\n  dnsConfig: {nameservers: [10.0.0.2], options: "
		"[{name: ndots, value: '1'}, {name: rotate}]}\n"
		"  hostname: h\n  subdomain: s\n  activeDeadlineSeconds: 100\n"
		"  containers:\n  - name: c\n    image: localhost/kentry:1\n"
		"    args: ['$(A)', '$$(B)', 'yes', '', '1e3']\n"
		"    workingDir: /srv\n    stdin: true\n    stdinOnce: true\n    tty: true\n"
		"    env: [{name: A, value: 'multi\n\n  line'}, {name: IMG_VAR, value: from-image}]\n"
		"    securityContext: {privileged: true, procMount: Default, "
		"seccompProfile: {type: Localhost, localhostProfile: p.json}}\n"
		"    startupProbe: {tcpSocket: {port: 80}, failureThreshold: 30}\n"
		"    lifecycle: {postStart: {httpGet: {path: /, port: 80, httpHeaders: "
		"[{name: X, value: 'on'}]}}}\n",
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p2}\nspec:\n"
		"  restartPolicy: Never\n  shareProcessNamespace: true\n  containers:\n"
		"  - name: c\n    image: localhost/busybox:1\n"
		"    volumeMounts: [{name: h, mountPath: /h, subPath: x}, {name: d, mountPath: /d}, "
		"{name: c, mountPath: /c}]\n"
		"  volumes:\n  - {name: h, hostPath: {path: /srv, type: Directory}}\n"
		"  - {name: d, persistentVolumeClaim: {claimName: data}}\n"
		"  - {name: c, emptyDir: {}}\n",
	};
	size_t i;

	for (i = 0; i < sizeof(yamls) / sizeof(yamls[0]); i++) {
		char *out = gen_played(yamls[i], NULL);

		printf("#   manifest %zu\n", i);
		CHECK(out != NULL);
		if (out) {
			CHECK(!strstr(out, "procMount"));
			CHECK(!strstr(out, "\x1e"));
			check_fixed_point(out, NULL);
		}
		free(out);
	}
}

/* A container added to a played pod (`run --pod`) has no kube object: it
 * is said from its spec, its volumes do not take the pod's names; the
 * pod-level fields stay the pod's as written. */
TEST(container_added_to_played_pod)
{
	static const char yaml[] =
		"apiVersion: v1\nkind: Pod\nmetadata: {name: mix}\nspec:\n"
		"  containers:\n  - name: app\n    image: localhost/busybox:1\n"
		"    volumeMounts: [{name: srv-data-host, mountPath: /d}]\n"
		"  volumes: [{name: srv-data-host, emptyDir: {}}]\n";
	struct played pl;
	struct ctr_info all[2];
	struct kube_gen_pod gp;

	if (play(yaml, &pl) < 0) {
		tap_cur_failed = 1;
		return;
	}
	all[0] = pl.ctrs[0][0];
	all[1] = mk("mix-extra", "localhost/busybox:1", busybox_cfg);
	add_mount(&all[1].spec, MOUNT_BIND, "/srv/data", "/data", NULL);
	all[1].spec.restart = RESTART_ALWAYS;
	gp = (struct kube_gen_pod){ &pl.pis[0], all, 2 };
	CHECK_GEN(gen(&gp, 1, NULL, NULL),
		  "apiVersion: v1\nkind: Pod\nmetadata:\n  name: mix\n  labels:\n"
		  "    app: mix\nspec:\n  restartPolicy: Always\n  containers:\n"
		  "  - name: app\n    image: localhost/busybox:1\n    volumeMounts:\n"
		  "    - name: srv-data-host\n      mountPath: /d\n"
		  "  - name: extra\n    image: localhost/busybox:1\n    volumeMounts:\n"
		  "    - name: srv-data-host-2\n      mountPath: /data\n"
		  "  volumes:\n  - name: srv-data-host\n    emptyDir: {}\n"
		  "  - name: srv-data-host-2\n    hostPath:\n      path: /srv/data\n"
		  "      type: Directory\n");
	ctr_info_release(&all[1]);
	played_release(&pl);
}

int main(void)
{
	RUN(kube_pod_as_written);
	RUN(workload_kinds);
	RUN(job_and_deployment_restart_policies);
	RUN(fixed_points);
	RUN(container_added_to_played_pod);
	reset();
	return tap_done();
}
