/* Pod (v1): metadata and spec; the container fields kube play runs so far.
 * Fields not listed here warn as unknown. */
#include "kube/schema.h"
#include "base/xalloc.h"

#include <stddef.h>
#include <string.h>

#include "base/banned.h"

static char *check_one_of(const char *v, const char *const *allowed)
{
	size_t i;

	for (i = 0; allowed[i]; i++)
		if (!strcmp(v, allowed[i]))
			return NULL;
	return xasprintf("unsupported value \"%s\": supported values: %s", v, allowed[i + 1]);
}

static char *check_protocol(const void *value)
{
	static const char *const ok[] = { "TCP", "UDP", "SCTP", NULL,
					  "\"TCP\", \"UDP\", \"SCTP\"" };

	return check_one_of(*(char *const *)value, ok);
}

static char *check_restart_policy(const void *value)
{
	static const char *const ok[] = { "Always", "OnFailure", "Never", NULL,
					  "\"Always\", \"OnFailure\", \"Never\"" };

	return check_one_of(*(char *const *)value, ok);
}

static char *check_grace(const void *value)
{
	int64_t v = *(const int64_t *)value;

	return v < 0 ? xasprintf("invalid value %lld: must be greater than or equal to 0",
				 (long long)v)
		     : NULL;
}

#define ENV(f) offsetof(struct kube_env, f)
static const struct kschema_field env_fields[] = {
	{ "name", KSCHEMA_STRING, ENV(name), KSCHEMA_REQUIRED },
	{ "value", KSCHEMA_STRING, ENV(value) },
	{ NULL },
};

#define PORT(f) offsetof(struct kube_port, f)
static const struct kschema_field port_fields[] = {
	{ "name", KSCHEMA_STRING, PORT(name) },
	{ "containerPort", KSCHEMA_INT32, PORT(container_port), KSCHEMA_REQUIRED,
	  kschema_check_port },
	{ "hostPort", KSCHEMA_INT32, PORT(host_port), 0, kschema_check_port },
	{ "hostIP", KSCHEMA_STRING, PORT(host_ip) },
	{ "protocol", KSCHEMA_STRING, PORT(protocol), KSCHEMA_DEFAULT, check_protocol,
	  .def = "TCP" },
	{ NULL },
};

#define CTR(f) offsetof(struct kube_container, f)
static const struct kschema_field container_fields[] = {
	{ "name", KSCHEMA_STRING, CTR(name), KSCHEMA_REQUIRED, kschema_check_dns_label },
	{ "image", KSCHEMA_STRING, CTR(image) },
	{ "command", KSCHEMA_STRLIST, CTR(command) },
	{ "args", KSCHEMA_STRLIST, CTR(args) },
	{ "workingDir", KSCHEMA_STRING, CTR(working_dir) },
	{ "env", KSCHEMA_OBJLIST, CTR(env), 0, .sub = env_fields,
	  .elem_size = sizeof(struct kube_env), .count_off = CTR(nenv) },
	{ "ports", KSCHEMA_OBJLIST, CTR(ports), 0, .sub = port_fields,
	  .elem_size = sizeof(struct kube_port), .count_off = CTR(nports) },
	{ NULL },
};

#define SPEC(f) offsetof(struct kube_pod_spec, f)
static const struct kschema_field spec_fields[] = {
	{ "containers", KSCHEMA_OBJLIST, SPEC(containers), KSCHEMA_REQUIRED,
	  .sub = container_fields, .elem_size = sizeof(struct kube_container),
	  .count_off = SPEC(ncontainers) },
	{ "initContainers", KSCHEMA_OBJLIST, SPEC(init_containers), 0,
	  .sub = container_fields, .elem_size = sizeof(struct kube_container),
	  .count_off = SPEC(ninit_containers) },
	{ "restartPolicy", KSCHEMA_STRING, SPEC(restart_policy), KSCHEMA_DEFAULT,
	  check_restart_policy, .def = "Always" },
	{ "hostNetwork", KSCHEMA_BOOL, SPEC(host_network) },
	{ "hostname", KSCHEMA_STRING, SPEC(hostname), 0, kschema_check_dns_label },
	{ "terminationGracePeriodSeconds", KSCHEMA_INT64,
	  SPEC(termination_grace_period_seconds), KSCHEMA_DEFAULT, check_grace, .idef = 30 },
	/* cannot apply on one machine: accepted and ignored */
	{ "nodeName", KSCHEMA_IGNORE },
	{ "nodeSelector", KSCHEMA_IGNORE },
	{ "affinity", KSCHEMA_IGNORE },
	{ "tolerations", KSCHEMA_IGNORE },
	{ "schedulerName", KSCHEMA_IGNORE },
	{ "priority", KSCHEMA_IGNORE },
	{ "priorityClassName", KSCHEMA_IGNORE },
	{ "topologySpreadConstraints", KSCHEMA_IGNORE },
	{ NULL },
};

#define POD(f) offsetof(struct kube_pod, f)
static const struct kschema_field pod_fields[] = {
	{ "apiVersion", KSCHEMA_IGNORE },
	{ "kind", KSCHEMA_IGNORE },
	{ "metadata", KSCHEMA_OBJECT, POD(meta), KSCHEMA_REQUIRED, .sub = kube_meta_fields },
	{ "spec", KSCHEMA_OBJECT, POD(spec), KSCHEMA_REQUIRED, .sub = spec_fields },
	{ "status", KSCHEMA_IGNORE },
	{ NULL },
};

/* Container names are unique across containers and initContainers. */
static int check_names(struct kschema_ctx *c, const struct kyaml_node *root,
		       const struct kube_pod *p)
{
	static const char *const lists[] = { "initContainers", "containers" };
	const struct kyaml_node *spec = kyaml_get(root, "spec");
	const char *seen[256];
	size_t nseen = 0, l, i, j;
	int ret = 0;

	for (l = 0; l < 2; l++) {
		const struct kube_container *ctrs = l ? p->spec.containers
						      : p->spec.init_containers;
		size_t n = l ? p->spec.ncontainers : p->spec.ninit_containers;
		const struct kyaml_node *seq = kyaml_get(spec, lists[l]);

		for (i = 0; i < n && nseen < 256; i++) {
			for (j = 0; ctrs[i].name && j < nseen; j++)
				if (!strcmp(seen[j], ctrs[i].name))
					break;
			if (ctrs[i].name && j == nseen) {
				seen[nseen++] = ctrs[i].name;
				continue;
			}
			if (!ctrs[i].name)
				continue;
			kyaml_path_push_key(&c->path, "spec");
			kyaml_path_push_key(&c->path, lists[l]);
			kyaml_path_push_index(&c->path, i);
			kyaml_path_push_key(&c->path, "name");
			kschema_fail(c, kyaml_get(seq->items[i], "name"),
				     "duplicate value \"%s\"", ctrs[i].name);
			for (j = 0; j < 4; j++)
				kyaml_path_pop(&c->path);
			ret = -1;
		}
	}
	return ret;
}

int kube_pod_decode(struct kschema_ctx *c, const struct kyaml_node *root, struct kube_pod *out)
{
	if (kschema_decode(c, pod_fields, root, out) < 0)
		return -1;
	return check_names(c, root, out);
}

void kube_pod_release(struct kube_pod *p)
{
	kschema_free(pod_fields, p);
}
