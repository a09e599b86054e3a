#include "tests/unit/tap.h"
#include "kube/kube.h"
#include "kube/schema.h"
#include "kube/yaml.h"
#include "base/err.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include "base/banned.h"

static struct kube_object obj;
static char **warns;
static char *errmsg;

/* Decode the first document of s as "app.yaml"; 0 or -1 (errmsg set). */
static int decode(const char *s)
{
	struct kyaml_doc *docs = NULL;
	struct pea_err *err = NULL;
	size_t n = 0;
	int ret;

	kube_object_release(&obj);
	strv_free(warns);
	warns = NULL;
	free(errmsg);
	errmsg = NULL;
	if (kyaml_parse("app.yaml", s, strlen(s), &docs, &n, &err) < 0 || n < 1) {
		errmsg = xstrdup(err ? err->msg : "no document");
		pea_err_free(err);
		return -2;
	}
	ret = kube_decode("app.yaml", &docs[0], &obj, &warns, &err);
	if (ret < 0) {
		if (err->kind != PEA_E_INVALID)
			printf("#   error kind %d\n", err->kind);
		errmsg = xstrdup(err->msg);
		pea_err_free(err);
	}
	kyaml_docs_free(docs, n);
	return ret;
}

#define CHECK_OK(s)                                                               \
	do {                                                                      \
		if (decode(s) < 0) {                                              \
			printf("#   unexpected error: %s\n", errmsg);             \
			tap_cur_failed = 1;                                       \
			return;                                                   \
		}                                                                 \
	} while (0)

#define CHECK_ERR(s, want)                                                        \
	do {                                                                      \
		CHECK_INT(decode(s), -1);                                         \
		CHECK_STR(errmsg, want);                                          \
	} while (0)

#define POD_HEAD "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n"
#define CTR_PORTS POD_HEAD "  containers:\n  - name: a\n    image: x\n    ports:\n"

TEST(configmap_good)
{
	CHECK_OK("apiVersion: v1\n"
		 "kind: ConfigMap\n"
		 "metadata:\n"
		 "  name: cfg.example\n"
		 "  namespace: prod\n"
		 "  labels: {app: web, tier: \"1\"}\n"
		 "data:\n"
		 "  a.conf: hello\n"
		 "  empty:\n"
		 "binaryData:\n"
		 "  bin: AAEC/w==\n"
		 "immutable: true\n");
	CHECK_INT(obj.kind, KUBE_CONFIGMAP);
	CHECK_STR(obj.kind_name, "ConfigMap");
	CHECK_STR(obj.u.configmap.meta.name, "cfg.example");
	CHECK_STR(obj.u.configmap.meta.namespace, "prod");
	CHECK_INT(obj.u.configmap.meta.labels.n, 2);
	CHECK_STR(kube_map_get(&obj.u.configmap.meta.labels, "tier"), "1");
	CHECK_STR(obj.u.configmap.meta.labels.keys[0], "app");
	CHECK(obj.u.configmap.meta.labels.keys[2] == NULL);
	CHECK_STR(kube_map_get(&obj.u.configmap.data, "a.conf"), "hello");
	CHECK_STR(kube_map_get(&obj.u.configmap.data, "empty"), "");
	CHECK_INT(obj.u.configmap.binary_data.lens[0], 4);
	CHECK(!memcmp(obj.u.configmap.binary_data.values[0], "\x00\x01\x02\xff", 4));
	CHECK(obj.u.configmap.immutable);
	CHECK(warns == NULL);
}

TEST(configmap_errors)
{
	CHECK_ERR("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n",
		  "app.yaml:4:9: metadata.name: invalid value \"Bad_Name\": a lowercase RFC "
		  "1123 subdomain must consist of lower case alphanumeric characters, '-' or "
		  "'.', start and end with an alphanumeric character, and be at most 253 "
		  "characters");
	CHECK_ERR("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  k: 5\n",
		  "app.yaml:5:6: data[k]: expected string, got integer");
	CHECK_ERR("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
		  "data: {k: v}\nbinaryData: {k: AA==}\n",
		  "app.yaml:5:14: binaryData[k]: duplicate of key \"k\" present in data");
	CHECK_ERR("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
		  "app.yaml:3:11: metadata.name: required value");
	CHECK_ERR("apiVersion: apps/v1\nkind: ConfigMap\nmetadata: {name: x}\n",
		  "app.yaml:1:13: apiVersion: no kind \"ConfigMap\" is registered for version "
		  "\"apps/v1\" (want \"v1\")");
}

TEST(secret)
{
	CHECK_OK("apiVersion: v1\n"
		 "kind: Secret\n"
		 "metadata: {name: creds}\n"
		 "data:\n"
		 "  user: YWRtaW4=\n"
		 "  pass: c2VjcmV0\n"
		 "stringData:\n"
		 "  pass: override\n"
		 "  extra: \"yes\"\n");
	CHECK_INT(obj.kind, KUBE_SECRET);
	CHECK_STR(obj.u.secret.type, "Opaque");
	CHECK_INT(obj.u.secret.data.n, 3);
	CHECK_STR(kube_map_get(&obj.u.secret.data, "user"), "admin");
	CHECK_STR(kube_map_get(&obj.u.secret.data, "pass"), "override");
	CHECK_STR(kube_map_get(&obj.u.secret.data, "extra"), "yes");
	CHECK_INT(obj.u.secret.string_data.n, 0);

	CHECK_ERR("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
		  "type: kubernetes.io/tls\ndata:\n  user: YWRt*W4=\n",
		  "app.yaml:6:9: data[user]: illegal base64 data at input byte 4");
	CHECK_ERR("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: YWRtaW4\n",
		  "app.yaml:5:6: data[k]: illegal base64 data at input byte 7");
	CHECK_INT(decode("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
			 "type: kubernetes.io/tls\ndata: {a: YQ==, b: YWI=}\n"), 0);
	CHECK_STR(obj.u.secret.type, "kubernetes.io/tls");
	CHECK_STR(kube_map_get(&obj.u.secret.data, "a"), "a");
	CHECK_STR(kube_map_get(&obj.u.secret.data, "b"), "ab");
}

TEST(pod_good)
{
	CHECK_OK(POD_HEAD
		 "  hostNetwork: true\n"
		 "  restartPolicy: OnFailure\n"
		 "  initContainers:\n"
		 "  - name: init\n"
		 "    image: busybox\n"
		 "  containers:\n"
		 "  - name: app\n"
		 "    image: nginx:1.25\n"
		 "    command: [sh, -c]\n"
		 "    args: [\"echo $(A)\"]\n"
		 "    workingDir: /srv\n"
		 "    env:\n"
		 "    - {name: A, value: \"yes\"}\n"
		 "    - name: B\n"
		 "    ports:\n"
		 "    - containerPort: 8080\n"
		 "      hostPort: 8080\n"
		 "    - {containerPort: 53, protocol: UDP, hostIP: 127.0.0.1, name: dns}\n"
		 "  - name: side\n"
		 "    image: busybox\n"
		 "status: {phase: Running}\n");
	CHECK_INT(obj.kind, KUBE_POD);
	CHECK_STR(obj.u.pod.meta.name, "web");
	CHECK(obj.u.pod.spec.host_network);
	CHECK_STR(obj.u.pod.spec.restart_policy, "OnFailure");
	CHECK_INT(obj.u.pod.spec.termination_grace_period_seconds, 30);
	CHECK_INT(obj.u.pod.spec.ninit_containers, 1);
	CHECK_STR(obj.u.pod.spec.init_containers[0].name, "init");
	CHECK_INT(obj.u.pod.spec.ncontainers, 2);
	struct kube_container *k = &obj.u.pod.spec.containers[0];
	CHECK_STR(k->image, "nginx:1.25");
	CHECK_INT(strv_len(k->command), 2);
	CHECK_STR(k->command[1], "-c");
	CHECK_STR(k->args[0], "echo $(A)");
	CHECK_STR(k->working_dir, "/srv");
	CHECK_INT(k->nenv, 2);
	CHECK_STR(k->env[0].value, "yes");
	CHECK(k->env[1].value == NULL);
	CHECK_INT(k->nports, 2);
	CHECK_INT(k->ports[0].container_port, 8080);
	CHECK_INT(k->ports[0].host_port, 8080);
	CHECK_STR(k->ports[0].protocol, "TCP");
	CHECK_STR(k->ports[1].protocol, "UDP");
	CHECK_STR(k->ports[1].host_ip, "127.0.0.1");
	CHECK_STR(k->ports[1].name, "dns");
	CHECK_STR(obj.u.pod.spec.containers[1].image, "busybox");
	CHECK(warns == NULL);
}

TEST(pod_unknown_field_warns)
{
	CHECK_OK(POD_HEAD
		 "  containers:\n"
		 "  - name: app\n"
		 "    image: nginx\n"
		 "    imagee: nginx\n"
		 "  bogus: 1\n"
		 "extra: x\n");
	CHECK_INT(strv_len(warns), 3);
	if (strv_len(warns) == 3) {
		CHECK_STR(warns[0], "app.yaml:9:5: spec.containers[0]: unknown field \"imagee\"");
		CHECK_STR(warns[1], "app.yaml:10:3: spec: unknown field \"bogus\"");
		CHECK_STR(warns[2], "app.yaml:11:1: unknown field \"extra\"");
	}
	CHECK_STR(obj.u.pod.spec.containers[0].name, "app");
}

TEST(pod_type_errors)
{
	CHECK_ERR(POD_HEAD
		  "  containers:\n"
		  "  - {name: a, image: x}\n"
		  "  - name: b\n"
		  "    image: x\n"
		  "    ports:\n"
		  "    - containerPort: 80\n"
		  "      hostPort: \"8080\"\n",
		  "app.yaml:12:17: spec.containers[1].ports[0].hostPort: expected integer, got "
		  "string");
	CHECK_ERR(POD_HEAD "  containers:\n  - name: 5\n    image: x\n",
		  "app.yaml:7:11: spec.containers[0].name: expected string, got integer");
	CHECK_ERR(POD_HEAD "  containers:\n  - {name: a, command: sh, image: x}\n",
		  "app.yaml:7:24: spec.containers[0].command: expected array, got string");
	CHECK_ERR(POD_HEAD "  containers:\n  - {name: a, args: [1], image: x}\n",
		  "app.yaml:7:22: spec.containers[0].args[0]: expected string, got integer");
	CHECK_ERR(POD_HEAD "  hostNetwork: \"true\"\n  containers: [{name: a, image: x}]\n",
		  "app.yaml:6:16: spec.hostNetwork: expected boolean, got string");
	CHECK_ERR(POD_HEAD "  containers: {name: a}\n",
		  "app.yaml:6:15: spec.containers: expected array, got object");
}

TEST(pod_yaml11_bool_in_env)
{
	CHECK_ERR(POD_HEAD
		  "  containers:\n"
		  "  - name: a\n"
		  "    image: x\n"
		  "    env:\n"
		  "    - name: DEBUG\n"
		  "      value: yes\n",
		  "app.yaml:11:14: spec.containers[0].env[0].value: expected string, got "
		  "boolean");
	CHECK_OK(POD_HEAD
		 "  containers:\n"
		 "  - name: a\n"
		 "    image: x\n"
		 "    env:\n"
		 "    - name: DEBUG\n"
		 "      value: \"yes\"\n");
	CHECK_STR(obj.u.pod.spec.containers[0].env[0].value, "yes");
}

TEST(pod_ports_range)
{
	CHECK_ERR(CTR_PORTS "    - containerPort: 0\n",
		  "app.yaml:10:22: spec.containers[0].ports[0].containerPort: invalid value 0: "
		  "must be between 1 and 65535, inclusive");
	CHECK_ERR(CTR_PORTS "    - containerPort: 70000\n",
		  "app.yaml:10:22: spec.containers[0].ports[0].containerPort: invalid value "
		  "70000: must be between 1 and 65535, inclusive");
	CHECK_ERR(CTR_PORTS "    - hostPort: 80\n",
		  "app.yaml:10:7: spec.containers[0].ports[0].containerPort: required value");
	CHECK_ERR(CTR_PORTS ""
		  "    - {containerPort: 80, protocol: tcp}\n",
		  "app.yaml:10:37: spec.containers[0].ports[0].protocol: unsupported value "
		  "\"tcp\": supported values: \"TCP\", \"UDP\", \"SCTP\"");
	CHECK_ERR(CTR_PORTS ""
		  "    - containerPort: 99999999999\n",
		  "app.yaml:10:22: spec.containers[0].ports[0].containerPort: invalid value "
		  "99999999999: out of range for a 32-bit integer");
}

TEST(pod_missing_and_collected)
{
	CHECK_ERR(POD_HEAD "  restartPolicy: Never\n",
		  "app.yaml:6:3: spec.containers: required value");
	CHECK_ERR(POD_HEAD "  containers: []\n",
		  "app.yaml:6:15: spec.containers: required value");
	CHECK_ERR("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n",
		  "app.yaml:1:1: spec: required value");
	/* several errors, one per line, in document order */
	CHECK_ERR(POD_HEAD
		  "  restartPolicy: Sometimes\n"
		  "  containers:\n"
		  "  - {name: App, image: x}\n"
		  "  - image: x\n"
		  "  - {name: dup, image: x}\n"
		  "  - {name: dup, image: x}\n",
		  "app.yaml:6:18: spec.restartPolicy: unsupported value \"Sometimes\": "
		  "supported values: \"Always\", \"OnFailure\", \"Never\"\n"
		  "app.yaml:8:12: spec.containers[0].name: invalid value \"App\": a lowercase "
		  "RFC 1123 label must consist of lower case alphanumeric characters or '-', "
		  "start and end with an alphanumeric character, and be at most 63 characters\n"
		  "app.yaml:9:5: spec.containers[1].name: required value\n"
		  "app.yaml:11:12: spec.containers[3].name: duplicate value \"dup\"");
	CHECK_ERR(POD_HEAD "  containers:\n  - {name: dup, image: x}\n  - {name: dup, image: z}\n",
		  "app.yaml:8:12: spec.containers[1].name: duplicate value \"dup\"");
}

TEST(unknown_kind_and_head)
{
	CHECK_OK("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [1]}\n");
	CHECK_INT(obj.kind, KUBE_UNKNOWN);
	CHECK_STR(obj.kind_name, "Service");
	CHECK_STR(obj.api_version, "v1");
	CHECK_ERR("apiVersion: v1\nmetadata: {name: s}\n", "app.yaml:1:1: kind: required value");
	CHECK_ERR("apiVersion: 1\nkind: Pod\n",
		  "app.yaml:1:13: apiVersion: expected string, got integer");
	CHECK_ERR("- a\n", "app.yaml:1:1: expected object, got array");
}

TEST(b64)
{
	size_t len = 0, bad = 0;
	char *s;

	s = kschema_b64_decode("aGVs\nbG8=", 9, &len, &bad);
	CHECK_STR(s, "hello");
	CHECK_INT(len, 5);
	free(s);
	s = kschema_b64_decode("", 0, &len, &bad);
	CHECK_STR(s, "");
	free(s);
	CHECK(kschema_b64_decode("YQ==YQ==", 8, &len, &bad) == NULL);
	CHECK_INT(bad, 4);
	CHECK(kschema_b64_decode("YQ=", 3, &len, &bad) == NULL);
	CHECK(kschema_b64_decode("Y===", 4, &len, &bad) == NULL);
	CHECK(kschema_b64_decode("YQ=a", 4, &len, &bad) == NULL);
}

int main(void)
{
	RUN(configmap_good);
	RUN(configmap_errors);
	RUN(secret);
	RUN(pod_good);
	RUN(pod_unknown_field_warns);
	RUN(pod_type_errors);
	RUN(pod_yaml11_bool_in_env);
	RUN(pod_ports_range);
	RUN(pod_missing_and_collected);
	RUN(unknown_kind_and_head);
	RUN(b64);
	kube_object_release(&obj);
	strv_free(warns);
	free(errmsg);
	return tap_done();
}
