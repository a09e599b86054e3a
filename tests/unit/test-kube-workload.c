/* Decoding of Deployments, DaemonSets, Jobs, PersistentVolumeClaims and v1
 * Lists, and kube_load() over multi-document streams. */
#include "tests/unit/tap.h"
#include "tests/unit/kube-test.h"

#include "base/banned.h"

#define DEPLOY_HEAD "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
#define TEMPLATE                                                                  \
	"  template:\n"                                                           \
	"    metadata:\n"                                                          \
	"      labels: {app: web, tier: front}\n"                                  \
	"    spec:\n"                                                              \
	"      containers: [{name: app, image: nginx}]\n"

TEST(deployment)
{
	CHECK_OK(DEPLOY_HEAD
		 "  replicas: 3\n"
		 "  selector:\n"
		 "    matchLabels: {app: web}\n"
		 "    matchExpressions:\n"
		 "    - {key: tier, operator: In, values: [front, back]}\n"
		 "    - {key: canary, operator: DoesNotExist}\n"
		 "  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}\n"
		 "  minReadySeconds: 5\n"
		 "  revisionHistoryLimit: 2\n"
		 "  progressDeadlineSeconds: 60\n"
		 "  paused: false\n"
		 TEMPLATE
		 "status: {replicas: 3}\n");
	CHECK_INT(obj.kind, KUBE_DEPLOYMENT);
	struct kube_deployment *d = &obj.u.deployment;
	CHECK_STR(d->meta.name, "web");
	CHECK_INT(d->replicas, 3);
	CHECK_STR(kube_map_get(&d->selector_labels, "app"), "web");
	CHECK_INT(d->nselector_exprs, 2);
	CHECK_STR(d->selector_exprs[0].op, "In");
	CHECK_STR(d->selector_exprs[0].values[1], "back");
	CHECK(d->selector_exprs[1].values == NULL);
	CHECK(d->template.meta.name == NULL);
	CHECK_STR(kube_map_get(&d->template.meta.labels, "tier"), "front");
	CHECK_STR(d->template.spec.containers[0].image, "nginx");
	CHECK_STR(d->template.spec.restart_policy, "Always");
	CHECK_NO_WARNINGS();

	/* flow style, replicas defaulted, 0 allowed */
	CHECK_OK("{apiVersion: apps/v1, kind: Deployment, metadata: {name: w},\n"
		 " spec: {selector: {matchLabels: {app: w}},\n"
		 "  template: {metadata: {labels: {app: w}},\n"
		 "   spec: {containers: [{name: c, image: i}]}}}}\n");
	CHECK_INT(obj.u.deployment.replicas, 1);
	CHECK_OK(DEPLOY_HEAD "  replicas: 0\n  selector: {matchLabels: {app: web}}\n" TEMPLATE);
	CHECK_INT(obj.u.deployment.replicas, 0);
}

TEST(deployment_errors)
{
	CHECK_ERR(DEPLOY_HEAD "  selector: {matchLabels: {app: other}}\n" TEMPLATE,
		  "app.yaml:9:15: spec.template.metadata.labels: invalid value: `selector` does "
		  "not match template `labels`");
	CHECK_ERR(DEPLOY_HEAD
		  "  selector:\n"
		  "    matchExpressions: [{key: tier, operator: NotIn, values: [front]}]\n"
		  TEMPLATE,
		  "app.yaml:10:15: spec.template.metadata.labels: invalid value: `selector` does "
		  "not match template `labels`");
	CHECK_ERR(DEPLOY_HEAD TEMPLATE, "app.yaml:6:3: spec.selector: required value");
	CHECK_ERR(DEPLOY_HEAD
		  "  template:\n"
		  "    spec: {restartPolicy: OnFailure, containers: [{name: a, image: b}]}\n",
		  "app.yaml:6:3: spec.selector: required value\n"
		  "app.yaml:7:27: spec.template.spec.restartPolicy: unsupported value "
		  "\"OnFailure\": supported values: \"Always\"");
	CHECK_ERR(DEPLOY_HEAD "  selector: {}\n" TEMPLATE,
		  "app.yaml:6:13: spec.selector: invalid value: empty selector is invalid for "
		  "deployment");
	CHECK_ERR(DEPLOY_HEAD "  replicas: -1\n  selector: {matchLabels: {app: web}}\n" TEMPLATE,
		  "app.yaml:6:13: spec.replicas: invalid value -1: must be greater than or equal "
		  "to 0");
	CHECK_ERR(DEPLOY_HEAD
		  "  selector: {matchLabels: {app: web}}\n"
		  "  template:\n"
		  "    metadata: {labels: {app: web}}\n"
		  "    spec:\n"
		  "      restartPolicy: Never\n"
		  "      activeDeadlineSeconds: 10\n"
		  "      containers: [{name: app, image: nginx}]\n",
		  "app.yaml:10:22: spec.template.spec.restartPolicy: unsupported value \"Never\": "
		  "supported values: \"Always\"\n"
		  "app.yaml:11:30: spec.template.spec.activeDeadlineSeconds: forbidden: "
		  "activeDeadlineSeconds in ReplicaSet is not Supported");
	CHECK_ERR(DEPLOY_HEAD
		  "  selector:\n"
		  "    matchExpressions:\n"
		  "    - {key: a, operator: In}\n"
		  "    - {key: b, operator: Exists, values: [x]}\n"
		  "    - {key: c, operator: Equals}\n"
		  "    - {operator: Exists}\n"
		  TEMPLATE,
		  "app.yaml:8:7: spec.selector.matchExpressions[0].values: required value: must "
		  "be specified when `operator` is 'In' or 'NotIn'\n"
		  "app.yaml:9:42: spec.selector.matchExpressions[1].values: forbidden: may not be "
		  "specified when `operator` is 'Exists' or 'DoesNotExist'\n"
		  "app.yaml:10:26: spec.selector.matchExpressions[2].operator: unsupported value "
		  "\"Equals\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"\n"
		  "app.yaml:11:7: spec.selector.matchExpressions[3].key: required value");
	CHECK_ERR(DEPLOY_HEAD "  selector: {matchLabels: {app: web}}\n",
		  "app.yaml:6:3: spec.template: required value");
	CHECK_ERR(DEPLOY_HEAD
		  "  selector: {matchLabels: {app: web}}\n"
		  "  template:\n"
		  "    metadata: {labels: {app: web}}\n",
		  "app.yaml:8:5: spec.template.spec: required value");
	CHECK_ERR("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: x}\n",
		  "app.yaml:1:13: apiVersion: no kind \"Deployment\" is registered for version "
		  "\"extensions/v1beta1\" (want \"apps/v1\")");
}

TEST(daemonset)
{
	CHECK_OK("apiVersion: apps/v1\n"
		 "kind: DaemonSet\n"
		 "metadata: {name: agent, labels: {tier: monitoring}}\n"
		 "spec:\n"
		 "  selector: {matchLabels: {name: agent}}\n"
		 "  updateStrategy: {type: OnDelete}\n"
		 "  template:\n"
		 "    metadata: {labels: {name: agent}}\n"
		 "    spec:\n"
		 "      hostNetwork: true\n"
		 "      containers: [{name: a, image: b}]\n");
	CHECK_INT(obj.kind, KUBE_DAEMONSET);
	CHECK_INT(obj.u.deployment.replicas, 1);
	CHECK(obj.u.deployment.template.spec.host_network);
	CHECK_NO_WARNINGS();
	/* DaemonSets have no replicas */
	CHECK_ERR("apiVersion: apps/v1\n"
		  "kind: DaemonSet\n"
		  "metadata: {name: agent}\n"
		  "spec:\n"
		  "  replicas: 3\n"
		  "  selector: {matchLabels: {name: agent}}\n"
		  "  template:\n"
		  "    spec:\n"
		  "      containers: [{name: a, image: b}]\n",
		  "app.yaml:8:5: spec.template.metadata.labels: invalid value: `selector` does "
		  "not match template `labels`");
	CHECK(strv_len(warns) == 1 &&
	      !strcmp(warns[0], "app.yaml:5:3: spec: unknown field \"replicas\""));
}

#define JOB_HEAD "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n"

TEST(job)
{
	CHECK_OK(JOB_HEAD
		 "  template:\n"
		 "    spec:\n"
		 "      restartPolicy: Never\n"
		 "      containers: [{name: pi, image: perl, command: [perl, -e, \"1\"]}]\n");
	CHECK_INT(obj.kind, KUBE_JOB);
	struct kube_job *j = &obj.u.job;
	CHECK(j->has_completions && j->completions == 1);
	CHECK_INT(j->parallelism, 1);
	CHECK_INT(j->backoff_limit, 6);
	CHECK(!j->has_active_deadline_seconds && !j->has_ttl_seconds_after_finished);
	CHECK_STR(j->template.spec.restart_policy, "Never");
	CHECK_STR(j->template.spec.containers[0].command[2], "1");
	CHECK_NO_WARNINGS();

	CHECK_OK(JOB_HEAD
		 "  parallelism: 2\n"
		 "  backoffLimit: 0\n"
		 "  activeDeadlineSeconds: 100\n"
		 "  ttlSecondsAfterFinished: 30\n"
		 "  selector: {matchLabels: {a: b}}\n"
		 "  manualSelector: true\n"
		 "  suspend: true\n"
		 "  template:\n"
		 "    spec:\n"
		 "      restartPolicy: OnFailure\n"
		 "      containers: [{name: pi, image: perl}]\n");
	j = &obj.u.job;
	CHECK(!j->has_completions); /* a work queue: parallelism alone */
	CHECK_INT(j->parallelism, 2);
	CHECK_INT(j->backoff_limit, 0);
	CHECK(j->has_active_deadline_seconds && j->active_deadline_seconds == 100);
	CHECK(j->has_ttl_seconds_after_finished && j->ttl_seconds_after_finished == 30);
	CHECK(strv_len(warns) == 1 &&
	      !strcmp(warns[0], "app.yaml:12:3: spec.suspend: not supported by peapod, ignored"));

	CHECK_OK(JOB_HEAD "  completions: 5\n  template:\n    spec:\n      restartPolicy: Never\n"
			  "      containers: [{name: pi, image: perl}]\n");
	CHECK(obj.u.job.has_completions && obj.u.job.completions == 5);
	CHECK_INT(obj.u.job.parallelism, 1);
}

TEST(job_errors)
{
	/* the pod default "Always" is not a Job's */
	CHECK_ERR(JOB_HEAD "  template:\n    spec:\n      containers: [{name: pi, image: perl}]\n",
		  "app.yaml:8:7: spec.template.spec.restartPolicy: unsupported value \"Always\": "
		  "supported values: \"OnFailure\", \"Never\"");
	CHECK_ERR(JOB_HEAD
		  "  template:\n"
		  "    spec:\n"
		  "      restartPolicy: Always\n"
		  "      containers: [{name: pi, image: perl}]\n",
		  "app.yaml:8:22: spec.template.spec.restartPolicy: unsupported value \"Always\": "
		  "supported values: \"OnFailure\", \"Never\"");
	CHECK_ERR(JOB_HEAD
		  "  completions: -1\n"
		  "  backoffLimit: -2\n"
		  "  template:\n"
		  "    spec:\n"
		  "      restartPolicy: Never\n"
		  "      containers: [{name: pi, image: perl}]\n",
		  "app.yaml:6:16: spec.completions: invalid value -1: must be greater than or "
		  "equal to 0\n"
		  "app.yaml:7:17: spec.backoffLimit: invalid value -2: must be greater than or "
		  "equal to 0");
	CHECK_ERR(JOB_HEAD "  parallelism: 1\n", "app.yaml:6:3: spec.template: required value");
}

#define PVC_HEAD \
	"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n"

TEST(pvc)
{
	CHECK_OK(PVC_HEAD
		 "  accessModes: [ReadWriteOnce]\n"
		 "  storageClassName: \"\"\n"
		 "  resources:\n"
		 "    requests: {storage: 1Gi}\n"
		 "    limits: {storage: 2Gi}\n"
		 "  selector: {matchLabels: {a: b}}\n"
		 "  volumeName: pv1\n");
	CHECK_INT(obj.kind, KUBE_PVC);
	CHECK_STR(obj.u.pvc.meta.name, "data");
	CHECK_STR(obj.u.pvc.access_modes[0], "ReadWriteOnce");
	CHECK_STR(obj.u.pvc.storage_class_name, "");
	CHECK_STR(obj.u.pvc.volume_mode, "Filesystem");
	CHECK_STR(kube_map_get(&obj.u.pvc.resources.requests, "storage"), "1Gi");
	CHECK_STR(kube_map_get(&obj.u.pvc.resources.limits, "storage"), "2Gi");
	CHECK_NO_WARNINGS();

	CHECK_ERR(PVC_HEAD "  accessModes: [ReadWriteOnce]\n",
		  "app.yaml:6:3: spec.resources[storage]: required value");
	CHECK_ERR(PVC_HEAD "  resources: {requests: {storage: 0Gi}}\n",
		  "app.yaml:6:3: spec.accessModes: required value: at least 1 access mode is "
		  "required\n"
		  "app.yaml:6:35: spec.resources[storage]: invalid value \"0Gi\": must be greater "
		  "than zero");
	CHECK_ERR(PVC_HEAD
		  "  accessModes: [ReadWriteOncePod, ReadWriteMany, rwo]\n"
		  "  volumeMode: Raw\n"
		  "  storageClassName: Fast_SSD\n"
		  "  resources: {requests: {storage: 1Gi}}\n",
		  "app.yaml:6:50: spec.accessModes[2]: unsupported value \"rwo\": supported "
		  "values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", "
		  "\"ReadWriteOncePod\"\n"
		  "app.yaml:7:15: spec.volumeMode: unsupported value \"Raw\": supported values: "
		  "\"Block\", \"Filesystem\"\n"
		  "app.yaml:8:21: spec.storageClassName: invalid value \"Fast_SSD\": a lowercase "
		  "RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
		  "or '.', start and end with an alphanumeric character, and be at most 253 "
		  "characters\n"
		  "app.yaml:6:16: spec.accessModes: forbidden: may not use ReadWriteOncePod with "
		  "other access modes");
}

TEST(list)
{
	CHECK_OK("apiVersion: v1\n"
		 "kind: List\n"
		 "metadata: {resourceVersion: \"\"}\n"
		 "items:\n"
		 "- apiVersion: v1\n"
		 "  kind: ConfigMap\n"
		 "  metadata: {name: cfg}\n"
		 "  data: {a: b}\n"
		 "- apiVersion: v1\n"
		 "  kind: Service\n"
		 "  metadata: {name: svc}\n"
		 "- apiVersion: v1\n"
		 "  kind: List\n"
		 "  items:\n"
		 "  - {apiVersion: v1, kind: Pod, metadata: {name: p},\n"
		 "     spec: {containers: [{name: a, image: b}]}}\n");
	CHECK_INT(obj.kind, KUBE_LIST);
	CHECK_INT(obj.u.list.nitems, 3);
	struct kube_object *it = obj.u.list.items;
	CHECK_INT(it[0].kind, KUBE_CONFIGMAP);
	CHECK_STR(it[0].file, "app.yaml");
	CHECK_INT(it[0].line, 5);
	CHECK_STR(kube_map_get(&it[0].u.configmap.data, "a"), "b");
	CHECK_INT(it[1].kind, KUBE_UNKNOWN);
	CHECK_STR(it[1].kind_name, "Service");
	CHECK_INT(it[1].line, 9);
	/* a List inside a List is flattened */
	CHECK_INT(it[2].kind, KUBE_POD);
	CHECK_INT(it[2].line, 15);
	CHECK_STR(it[2].u.pod.meta.name, "p");
	CHECK_NO_WARNINGS();

	/* an item's errors carry that object's own paths and place */
	CHECK_ERR("apiVersion: v1\n"
		  "kind: List\n"
		  "items:\n"
		  "- apiVersion: v1\n"
		  "  kind: Pod\n"
		  "  metadata: {name: Bad}\n"
		  "  spec: {containers: [{name: a, image: b}]}\n"
		  "- kind: Secret\n"
		  "- apiVersion: apps/v1\n"
		  "  kind: Pod\n"
		  "- 5\n"
		  "bogus: 1\n",
		  "app.yaml:6:20: metadata.name: invalid value \"Bad\": a lowercase RFC 1123 "
		  "subdomain must consist of lower case alphanumeric characters, '-' or '.', "
		  "start and end with an alphanumeric character, and be at most 253 characters\n"
		  "app.yaml:8:3: apiVersion: required value\n"
		  "app.yaml:9:15: apiVersion: no kind \"Pod\" is registered for version "
		  "\"apps/v1\" (want \"v1\")\n"
		  "app.yaml:11:3: expected object, got integer");
	CHECK(strv_len(warns) == 1 &&
	      !strcmp(warns[0], "app.yaml:12:1: unknown field \"bogus\""));
	CHECK_ERR("apiVersion: v1\nkind: List\nitems: {a: b}\n",
		  "app.yaml:3:8: items: expected array, got object");
	CHECK_OK("apiVersion: v1\nkind: List\nitems: []\n");
	CHECK_INT(obj.u.list.nitems, 0);
}

static const char stream[] = "# three documents, the second one bad\n"
			     "apiVersion: v1\n"
			     "kind: ConfigMap\n"
			     "metadata: {name: one}\n"
			     "---\n"
			     "apiVersion: v1\n"
			     "kind: Pod\n"
			     "metadata: {name: two}\n"
			     "spec:\n"
			     "  containers:\n"
			     "  - name: a\n"
			     "    image: b\n"
			     "    ports: [{containerPort: 0}]\n"
			     "    volumeMounts: [{name: v, mountPath: /v}]\n"
			     "---\n"
			     "---\n"
			     "apiVersion: v1\n"
			     "kind: List\n"
			     "items:\n"
			     "- {apiVersion: v1, kind: Secret, metadata: {name: s}, extra: 1}\n"
			     "- apiVersion: batch/v1\n"
			     "  kind: Job\n"
			     "  metadata: {name: j}\n"
			     "  spec:\n"
			     "    template:\n"
			     "      spec:\n"
			     "        containers: [{name: a, image: b}]\n"
			     "---\n"
			     "apiVersion: apps/v1\n"
			     "kind: DaemonSet\n"
			     "metadata: {name: ds}\n"
			     "spec:\n"
			     "  selector: {matchLabels: {a: b}}\n"
			     "  template:\n"
			     "    metadata: {labels: {a: b}}\n"
			     "    spec: {containers: [{name: c, image: d}]}\n";

TEST(load_stream)
{
	/* every document is decoded: all errors reported, good objects kept */
	CHECK_INT(load("app.yaml", stream), -1);
	CHECK_STR(errmsg,
		  "app.yaml:13:29: spec.containers[0].ports[0].containerPort: invalid value 0: "
		  "must be between 1 and 65535, inclusive\n"
		  "app.yaml:14:27: spec.containers[0].volumeMounts[0].name: not found \"v\"\n"
		  "app.yaml:27:9: spec.template.spec.restartPolicy: unsupported value "
		  "\"Always\": supported values: \"OnFailure\", \"Never\"");
	CHECK(strv_len(warns) == 1 &&
	      !strcmp(warns[0], "app.yaml:20:55: unknown field \"extra\""));
	/* the List with a bad item is dropped as a whole, like the bad Pod */
	CHECK_INT(objs.n, 2);
	if (objs.n == 2) {
		CHECK_INT(objs.v[0].kind, KUBE_CONFIGMAP);
		CHECK_STR(objs.v[0].file, "app.yaml");
		CHECK_INT(objs.v[0].doc, 0);
		CHECK_INT(objs.v[1].kind, KUBE_DAEMONSET);
		CHECK_INT(objs.v[1].doc, 4);
		CHECK_INT(objs.v[1].line, 28);
	}

	CHECK_INT(load("-", "---\n---\n"), 0);
	CHECK_INT(objs.n, 0);
	CHECK_INT(load("-", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
			    "data: {a: \"!\"}\n"), -1);
	CHECK_STR(errmsg, "<stdin>:4:11: data[a]: illegal base64 data at input byte 0");
	CHECK_INT(load("x.yaml", "a: [\n"), -1);
	CHECK(errmsg && !strncmp(errmsg, "x.yaml:", 7));
	/* Lists are flattened into the stream, each object keeps its file */
	CHECK_INT(load("l.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
				 "apiVersion: v1\nkind: List\nitems:\n"
				 "- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n"
				 "- {apiVersion: v1, kind: Service, metadata: {name: c}}\n"), 0);
	CHECK_INT(objs.n, 3);
	if (objs.n == 3) {
		CHECK_STR(objs.v[1].u.configmap.meta.name, "b");
		CHECK_STR(objs.v[1].file, "l.yaml");
		CHECK_INT(objs.v[1].doc, 1);
		CHECK_INT(objs.v[1].line, 8);
		CHECK_STR(objs.v[2].kind_name, "Service");
	}
	/* an empty List adds nothing */
	CHECK_INT(load("e.yaml", "apiVersion: v1\nkind: List\nitems: []\n---\n"
				 "{apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: List}]}\n"),
		  0);
	CHECK_INT(objs.n, 0);
	CHECK(objs.v == NULL);
}

int main(void)
{
	RUN(deployment);
	RUN(deployment_errors);
	RUN(daemonset);
	RUN(job);
	RUN(job_errors);
	RUN(pvc);
	RUN(list);
	RUN(load_stream);
	kt_reset();
	return tap_done();
}
