/* Containers (core/v1 Container): image, command, env with its value
 * sources, envFrom, ports, resources, the security context and volume
 * mounts.  Probes and lifecycle handlers are in kube/kind-probe.c; what
 * needs the whole pod (volume names, hostPorts, init containers) is checked
 * in kube/kind-pod.c. */
#include "kube/schema.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <stddef.h>
#include <string.h>

#include "base/banned.h"

KSCHEMA_ENUM_CHECK(check_pull_policy, "Always", "IfNotPresent", "Never")
KSCHEMA_ENUM_CHECK(check_protocol, "TCP", "UDP", "SCTP")
KSCHEMA_ENUM_CHECK(check_term_policy, "File", "FallbackToLogsOnError")
KSCHEMA_ENUM_CHECK(check_proc_mount, "Default", "Unmasked")
KSCHEMA_ENUM_CHECK(check_seccomp_type, "Localhost", "RuntimeDefault", "Unconfined")
KSCHEMA_ENUM_CHECK(check_propagation, "Bidirectional", "HostToContainer", "None")
KSCHEMA_ENUM_CHECK(check_rro, "Disabled", "IfPossible", "Enabled")

static const char env_oneof[] = "may not have more than one field specified at a time";

/* ---- downward API selectors (env and volumes) ---- */

/* fieldPath of an ObjectFieldSelector: one of `plain`, or
 * metadata.labels['KEY'] / metadata.annotations['KEY']. */
static char *field_path_msg(const char *fp, const char *const *plain)
{
	size_t len = strlen(fp);
	const char *open = strstr(fp, "['");
	char *msg;

	if (len > 2 && !strcmp(fp + len - 2, "']") && open && open != fp) {
		cleanup_free char *path = xstrndup(fp, (size_t)(open - fp));
		cleanup_free char *key = xstrndup(open + 2, len - 2 - (size_t)(open + 2 - fp));

		if (strcmp(path, "metadata.labels") && strcmp(path, "metadata.annotations"))
			return xasprintf("invalid value \"%s\": does not support subscript",
					 path);
		msg = kschema_check_label_key(&key);
		return msg;
	}
	return kschema_enum_msg(fp, plain);
}

static char *check_env_field_path(const void *value)
{
	static const char *const ok[] = { "metadata.name",	    "metadata.namespace",
					  "metadata.uid",	    "spec.nodeName",
					  "spec.serviceAccountName", "status.hostIP",
					  "status.hostIPs",	    "status.podIP",
					  "status.podIPs",	    NULL };

	return field_path_msg(*(char *const *)value, ok);
}

static char *check_vol_field_path(const void *value)
{
	static const char *const ok[] = { "metadata.annotations", "metadata.labels",
					  "metadata.name",	  "metadata.namespace",
					  "metadata.uid",	  NULL };

	return field_path_msg(*(char *const *)value, ok);
}

static int field_ref_validate(struct kschema_ctx *c, const struct kschema_field *table,
			      const struct kyaml_node *map, void *obj)
{
	const struct kube_field_ref *r = obj;

	if (r->api_version && strcmp(r->api_version, "v1") && r->field_path)
		return kschema_fail_key(c, map, "fieldPath",
					"invalid value \"%s\": error converting fieldPath: "
					"unsupported pod version: %s",
					r->field_path, r->api_version);
	return 0;
}

#define FREF(f) offsetof(struct kube_field_ref, f)
static const struct kschema_field field_ref_env_fields[] = {
	{ "apiVersion", KSCHEMA_STRING, FREF(api_version), KSCHEMA_DEFAULT, .def = "v1" },
	{ "fieldPath", KSCHEMA_STRING, FREF(field_path), KSCHEMA_REQUIRED,
	  check_env_field_path },
	{ "", KSCHEMA_VALIDATE, .validate = field_ref_validate },
	{ NULL },
};

const struct kschema_field kube_field_ref_vol_fields[] = {
	{ "apiVersion", KSCHEMA_STRING, FREF(api_version), KSCHEMA_DEFAULT, .def = "v1" },
	{ "fieldPath", KSCHEMA_STRING, FREF(field_path), KSCHEMA_REQUIRED,
	  check_vol_field_path },
	{ "", KSCHEMA_VALIDATE, .validate = field_ref_validate },
	{ NULL },
};

static char *check_resource_field(const void *value)
{
	static const char *const ok[] = { "limits.cpu",	     "limits.ephemeral-storage",
					  "limits.memory",   "requests.cpu",
					  "requests.ephemeral-storage", "requests.memory",
					  NULL };
	const char *s = *(char *const *)value;

	if (!strncmp(s, "limits.hugepages-", 17) || !strncmp(s, "requests.hugepages-", 19))
		return NULL;
	return kschema_enum_msg(s, ok);
}

/* The divisors the API server accepts for each resource (as written). */
static int resource_ref_validate(struct kschema_ctx *c, const struct kschema_field *table,
				 const struct kyaml_node *map, void *obj)
{
	static const char *const cpu[] = { "1m", "1", NULL };
	static const char *const mem[] = { "1",	 "1k", "1M", "1G", "1T", "1P", "1E",
					   "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei", NULL };
	const struct kube_resource_ref *r = obj;
	const char *const *ok = NULL, *what = NULL, *dot;
	size_t i;

	if (!r->resource || !r->divisor || strspn(r->divisor, "0.") == strlen(r->divisor))
		return 0;
	dot = strchr(r->resource, '.');
	if (dot && !strcmp(dot, ".cpu"))
		ok = cpu, what = "1m and 1 are supported with the cpu resource";
	else if (dot && !strcmp(dot, ".memory"))
		ok = mem, what = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are "
				 "supported with the memory resource";
	else if (dot && !strcmp(dot, ".ephemeral-storage"))
		ok = mem, what = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are "
				 "supported with the local ephemeral storage resource";
	for (i = 0; ok && ok[i]; i++)
		if (!strcmp(ok[i], r->divisor))
			return 0;
	if (!ok)
		return 0;
	return kschema_fail_key(c, map, "divisor", "invalid value \"%s\": only divisor's values %s",
				r->resource, what);
}

#define RREF(f) offsetof(struct kube_resource_ref, f)
static const struct kschema_field resource_ref_env_fields[] = {
	{ "containerName", KSCHEMA_STRING, RREF(container_name) },
	{ "resource", KSCHEMA_STRING, RREF(resource), KSCHEMA_REQUIRED, check_resource_field },
	{ "divisor", KSCHEMA_QUANTITY, RREF(divisor) },
	{ "", KSCHEMA_VALIDATE, .validate = resource_ref_validate },
	{ NULL },
};

const struct kschema_field kube_resource_ref_vol_fields[] = {
	{ "containerName", KSCHEMA_STRING, RREF(container_name), KSCHEMA_REQUIRED },
	{ "resource", KSCHEMA_STRING, RREF(resource), KSCHEMA_REQUIRED, check_resource_field },
	{ "divisor", KSCHEMA_QUANTITY, RREF(divisor) },
	{ "", KSCHEMA_VALIDATE, .validate = resource_ref_validate },
	{ NULL },
};

/* ---- env and envFrom ---- */

#define KREF(f) offsetof(struct kube_key_ref, f)
static const struct kschema_field key_ref_fields[] = {
	{ "name", KSCHEMA_STRING, KREF(name), KSCHEMA_REQUIRED, kschema_check_dns_subdomain },
	{ "key", KSCHEMA_STRING, KREF(key), KSCHEMA_REQUIRED, kschema_check_config_key },
	{ "optional", KSCHEMA_BOOL, KREF(optional) },
	{ NULL },
};

static const struct kschema_field env_from_ref_fields[] = {
	{ "name", KSCHEMA_STRING, KREF(name), KSCHEMA_REQUIRED, kschema_check_dns_subdomain },
	{ "optional", KSCHEMA_BOOL, KREF(optional) },
	{ NULL },
};

static int env_source_validate(struct kschema_ctx *c, const struct kschema_field *table,
			       const struct kyaml_node *map, void *obj)
{
	if (kschema_oneof_count(table, map))
		return 0;
	kschema_fail(c, map, "must specify one of: `fieldRef`, `resourceFieldRef`, "
			     "`configMapKeyRef` or `secretKeyRef`");
	return -1;
}

#define SRC(f) offsetof(struct kube_env_source, f)
static const struct kschema_field env_source_fields[] = {
	{ "configMapKeyRef", KSCHEMA_OBJPTR, SRC(config_map_key_ref), .sub = key_ref_fields,
	  .elem_size = sizeof(struct kube_key_ref), .oneof = env_oneof },
	{ "secretKeyRef", KSCHEMA_OBJPTR, SRC(secret_key_ref), .sub = key_ref_fields,
	  .elem_size = sizeof(struct kube_key_ref), .oneof = env_oneof },
	{ "fieldRef", KSCHEMA_OBJPTR, SRC(field_ref), .sub = field_ref_env_fields,
	  .elem_size = sizeof(struct kube_field_ref), .oneof = env_oneof },
	{ "resourceFieldRef", KSCHEMA_OBJPTR, SRC(resource_field_ref),
	  .sub = resource_ref_env_fields, .elem_size = sizeof(struct kube_resource_ref),
	  .oneof = env_oneof },
	{ "", KSCHEMA_VALIDATE, .validate = env_source_validate },
	{ NULL },
};

static int env_validate(struct kschema_ctx *c, const struct kschema_field *table,
			const struct kyaml_node *map, void *obj)
{
	const struct kube_env *e = obj;

	if (e->value && *e->value && e->value_from)
		return kschema_fail_key(c, map, "valueFrom",
					"may not be specified when `value` is not empty");
	return 0;
}

#define ENV(f) offsetof(struct kube_env, f)
static const struct kschema_field env_fields[] = {
	{ "", KSCHEMA_POS, ENV(pos) },
	{ "name", KSCHEMA_STRING, ENV(name), KSCHEMA_REQUIRED, kschema_check_env_name },
	{ "value", KSCHEMA_STRING, ENV(value) },
	{ "valueFrom", KSCHEMA_OBJPTR, ENV(value_from), .sub = env_source_fields,
	  .elem_size = sizeof(struct kube_env_source) },
	{ "", KSCHEMA_VALIDATE, .validate = env_validate },
	{ NULL },
};

static char *check_prefix(const void *value)
{
	return **(char *const *)value ? kschema_check_env_name(value) : NULL;
}

static int env_from_validate(struct kschema_ctx *c, const struct kschema_field *table,
			     const struct kyaml_node *map, void *obj)
{
	if (kschema_oneof_count(table, map))
		return 0;
	kschema_fail(c, map, "must specify one of: `configMapRef` or `secretRef`");
	return -1;
}

#define EFROM(f) offsetof(struct kube_env_from, f)
static const struct kschema_field env_from_fields[] = {
	{ "", KSCHEMA_POS, EFROM(pos) },
	{ "prefix", KSCHEMA_STRING, EFROM(prefix), 0, check_prefix },
	{ "configMapRef", KSCHEMA_OBJPTR, EFROM(config_map_ref), .sub = env_from_ref_fields,
	  .elem_size = sizeof(struct kube_key_ref), .oneof = env_oneof },
	{ "secretRef", KSCHEMA_OBJPTR, EFROM(secret_ref), .sub = env_from_ref_fields,
	  .elem_size = sizeof(struct kube_key_ref), .oneof = env_oneof },
	{ "", KSCHEMA_VALIDATE, .validate = env_from_validate },
	{ NULL },
};

/* ---- ports and resources ---- */

#define PORT(f) offsetof(struct kube_port, f)
static const struct kschema_field port_fields[] = {
	{ "name", KSCHEMA_STRING, PORT(name), 0, kschema_check_port_name },
	{ "containerPort", KSCHEMA_INT32, PORT(container_port), KSCHEMA_REQUIRED,
	  kschema_check_port },
	{ "hostPort", KSCHEMA_INT32, PORT(host_port), 0, kschema_check_port },
	{ "hostIP", KSCHEMA_STRING, PORT(host_ip), 0, kschema_check_ip },
	{ "protocol", KSCHEMA_STRING, PORT(protocol), KSCHEMA_DEFAULT, check_protocol,
	  .def = "TCP" },
	{ NULL },
};

#define RES(f) offsetof(struct kube_resources, f)
static const struct kschema_field resources_fields[] = {
	{ "limits", KSCHEMA_QUANTMAP, RES(limits), 0, kschema_check_resource_name },
	{ "requests", KSCHEMA_QUANTMAP, RES(requests), 0, kschema_check_resource_name },
	{ "claims", KSCHEMA_IGNORE }, /* DRA: a cluster's devices */
	{ NULL },
};

/* ---- security context ---- */

#define CAPS(f) offsetof(struct kube_capabilities, f)
static const struct kschema_field capabilities_fields[] = {
	{ "add", KSCHEMA_STRLIST, CAPS(add) },
	{ "drop", KSCHEMA_STRLIST, CAPS(drop) },
	{ NULL },
};

static int seccomp_validate(struct kschema_ctx *c, const struct kschema_field *table,
			    const struct kyaml_node *map, void *obj)
{
	const struct kube_seccomp *s = obj;
	bool localhost = s->type && !strcmp(s->type, "Localhost");
	cleanup_free char *msg = NULL;

	if (localhost && !s->localhost_profile)
		return kschema_fail_key(c, map, "localhostProfile",
					"required value: must be set when seccomp type is "
					"Localhost");
	if (!localhost && s->localhost_profile)
		return kschema_fail_key(c, map, "localhostProfile",
					"invalid value \"%s\": can only be set when seccomp "
					"type is Localhost",
					s->localhost_profile);
	if (localhost && (msg = kschema_check_rel_path(&s->localhost_profile)))
		return kschema_fail_key(c, map, "localhostProfile", "%s", msg);
	return 0;
}

#define SECCOMP(f) offsetof(struct kube_seccomp, f)
const struct kschema_field kube_seccomp_fields[] = {
	{ "type", KSCHEMA_STRING, SECCOMP(type), KSCHEMA_REQUIRED, check_seccomp_type },
	{ "localhostProfile", KSCHEMA_STRING, SECCOMP(localhost_profile) },
	{ "", KSCHEMA_VALIDATE, .validate = seccomp_validate },
	{ NULL },
};

static int sc_validate(struct kschema_ctx *c, const struct kschema_field *table,
		       const struct kyaml_node *map, void *obj)
{
	const struct kube_security_context *sc = obj;
	char **add = sc->capabilities ? sc->capabilities->add : NULL;

	if (!sc->has_allow_privilege_escalation || sc->allow_privilege_escalation)
		return 0;
	if (sc->privileged) {
		kschema_fail(c, map, "cannot set `allowPrivilegeEscalation` to false and "
				     "`privileged` to true");
		return -1;
	}
	for (; add && *add; add++) {
		if (strcmp(*add, "SYS_ADMIN") && strcmp(*add, "CAP_SYS_ADMIN"))
			continue;
		kschema_fail(c, map, "cannot set `allowPrivilegeEscalation` to false and "
				     "`capabilities.Add` CAP_SYS_ADMIN");
		return -1;
	}
	return 0;
}

#define SC(f) offsetof(struct kube_security_context, f)
static const struct kschema_field sc_fields[] = {
	{ "capabilities", KSCHEMA_OBJPTR, SC(capabilities), .sub = capabilities_fields,
	  .elem_size = sizeof(struct kube_capabilities) },
	{ "privileged", KSCHEMA_BOOL, SC(privileged), KSCHEMA_HAS,
	  .has_off = SC(has_privileged) },
	{ "runAsUser", KSCHEMA_INT64, SC(run_as_user), KSCHEMA_HAS, kschema_check_id,
	  .has_off = SC(has_run_as_user) },
	{ "runAsGroup", KSCHEMA_INT64, SC(run_as_group), KSCHEMA_HAS, kschema_check_id,
	  .has_off = SC(has_run_as_group) },
	{ "runAsNonRoot", KSCHEMA_BOOL, SC(run_as_non_root), KSCHEMA_HAS,
	  .has_off = SC(has_run_as_non_root) },
	{ "readOnlyRootFilesystem", KSCHEMA_BOOL, SC(read_only_root_filesystem), KSCHEMA_HAS,
	  .has_off = SC(has_read_only_root_filesystem) },
	{ "allowPrivilegeEscalation", KSCHEMA_BOOL, SC(allow_privilege_escalation),
	  KSCHEMA_HAS, .has_off = SC(has_allow_privilege_escalation) },
	{ "procMount", KSCHEMA_STRING, SC(proc_mount), KSCHEMA_DEFAULT, check_proc_mount,
	  .def = "Default" },
	{ "seccompProfile", KSCHEMA_OBJPTR, SC(seccomp_profile), .sub = kube_seccomp_fields,
	  .elem_size = sizeof(struct kube_seccomp) },
	{ "seLinuxOptions", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "appArmorProfile", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "windowsOptions", KSCHEMA_IGNORE },
	{ "", KSCHEMA_VALIDATE, .validate = sc_validate },
	{ NULL },
};

/* ---- volume mounts ---- */

static int mount_validate(struct kschema_ctx *c, const struct kschema_field *table,
			  const struct kyaml_node *map, void *obj)
{
	const struct kube_vol_mount *m = obj;
	const char *rro = m->recursive_read_only;

	if (m->sub_path && *m->sub_path && m->sub_path_expr && *m->sub_path_expr)
		return kschema_fail_key(c, map, "subPathExpr",
					"invalid value \"%s\": subPathExpr and subPath are "
					"mutually exclusive",
					m->sub_path_expr);
	if (!rro || !strcmp(rro, "Disabled"))
		return 0;
	if (!m->read_only)
		return kschema_fail_key(c, map, "recursiveReadOnly",
					"forbidden: may only be specified when readOnly is true");
	if (!strcmp(rro, "Enabled") && m->mount_propagation &&
	    strcmp(m->mount_propagation, "None"))
		return kschema_fail_key(c, map, "recursiveReadOnly",
					"forbidden: may only be specified when mountPropagation "
					"is None or not specified");
	return 0;
}

#define MNT(f) offsetof(struct kube_vol_mount, f)
static const struct kschema_field mount_fields[] = {
	{ "", KSCHEMA_POS, MNT(pos) },
	{ "name", KSCHEMA_STRING, MNT(name), KSCHEMA_REQUIRED },
	{ "mountPath", KSCHEMA_STRING, MNT(mount_path), KSCHEMA_REQUIRED },
	{ "readOnly", KSCHEMA_BOOL, MNT(read_only) },
	{ "subPath", KSCHEMA_STRING, MNT(sub_path), 0, kschema_check_rel_path },
	{ "subPathExpr", KSCHEMA_STRING, MNT(sub_path_expr), 0, kschema_check_rel_path },
	{ "mountPropagation", KSCHEMA_STRING, MNT(mount_propagation), 0, check_propagation },
	{ "recursiveReadOnly", KSCHEMA_STRING, MNT(recursive_read_only), 0, check_rro },
	{ "", KSCHEMA_VALIDATE, .validate = mount_validate },
	{ NULL },
};

/* ---- the container ---- */

/* Within one container: mount paths and port names unique, Bidirectional
 * propagation only for privileged containers. */
static int container_validate(struct kschema_ctx *c, const struct kschema_field *table,
			      const struct kyaml_node *map, void *obj)
{
	const struct kube_container *k = obj;
	const struct kyaml_node *mounts = kyaml_get(map, "volumeMounts");
	const struct kyaml_node *ports = kyaml_get(map, "ports"), *n;
	bool privileged = k->security_context && k->security_context->privileged;
	size_t i, j;
	int ret = 0;

	for (i = 0; i < k->nvolume_mounts; i++) {
		const struct kube_vol_mount *m = &k->volume_mounts[i];

		for (j = 0; m->mount_path && *m->mount_path && j < i; j++) {
			if (!k->volume_mounts[j].mount_path ||
			    strcmp(k->volume_mounts[j].mount_path, m->mount_path))
				continue;
			kschema_enter(c, map, "volumeMounts");
			n = kschema_enter_index(c, mounts, i);
			ret = kschema_fail_key(c, n, "mountPath",
					       "invalid value \"%s\": must be unique",
					       m->mount_path);
			kschema_leave(c, 2);
			break;
		}
		if (m->mount_propagation && !strcmp(m->mount_propagation, "Bidirectional") &&
		    !privileged) {
			kschema_enter(c, map, "volumeMounts");
			n = kschema_enter_index(c, mounts, i);
			ret = kschema_fail_key(c, n, "mountPropagation",
					       "forbidden: Bidirectional mount propagation is "
					       "available only to privileged containers");
			kschema_leave(c, 2);
		}
	}
	for (i = 0; i < k->nports; i++) {
		for (j = 0; k->ports[i].name && *k->ports[i].name && j < i; j++) {
			if (!k->ports[j].name || strcmp(k->ports[j].name, k->ports[i].name))
				continue;
			kschema_enter(c, map, "ports");
			n = kschema_enter_index(c, ports, i);
			ret = kschema_fail_key(c, n, "name", "duplicate value \"%s\"",
					       k->ports[i].name);
			kschema_leave(c, 2);
			break;
		}
	}
	return ret;
}

#define CTR(f) offsetof(struct kube_container, f)
#define PROBE(json, field, table)                                                  \
	{ json, KSCHEMA_OBJPTR, CTR(field), .sub = table,                          \
	  .elem_size = sizeof(struct kube_probe) }
const struct kschema_field kube_container_fields[] = {
	{ "", KSCHEMA_POS, CTR(pos) },
	{ "name", KSCHEMA_STRING, CTR(name), KSCHEMA_REQUIRED, kschema_check_dns_label },
	{ "image", KSCHEMA_STRING, CTR(image), KSCHEMA_REQUIRED },
	{ "imagePullPolicy", KSCHEMA_STRING, CTR(image_pull_policy), 0, check_pull_policy },
	{ "command", KSCHEMA_STRLIST, CTR(command) },
	{ "args", KSCHEMA_STRLIST, CTR(args) },
	{ "workingDir", KSCHEMA_STRING, CTR(working_dir) },
	{ "env", KSCHEMA_OBJLIST, CTR(env), .sub = env_fields,
	  .elem_size = sizeof(struct kube_env), .count_off = CTR(nenv) },
	{ "envFrom", KSCHEMA_OBJLIST, CTR(env_from), .sub = env_from_fields,
	  .elem_size = sizeof(struct kube_env_from), .count_off = CTR(nenv_from) },
	{ "ports", KSCHEMA_OBJLIST, CTR(ports), .sub = port_fields,
	  .elem_size = sizeof(struct kube_port), .count_off = CTR(nports) },
	{ "resources", KSCHEMA_OBJECT, CTR(resources), .sub = resources_fields },
	{ "volumeMounts", KSCHEMA_OBJLIST, CTR(volume_mounts), .sub = mount_fields,
	  .elem_size = sizeof(struct kube_vol_mount), .count_off = CTR(nvolume_mounts) },
	{ "securityContext", KSCHEMA_OBJPTR, CTR(security_context), .sub = sc_fields,
	  .elem_size = sizeof(struct kube_security_context) },
	PROBE("livenessProbe", liveness_probe, kube_liveness_probe_fields),
	PROBE("readinessProbe", readiness_probe, kube_readiness_probe_fields),
	PROBE("startupProbe", startup_probe, kube_liveness_probe_fields),
	{ "lifecycle", KSCHEMA_OBJPTR, CTR(lifecycle), .sub = kube_lifecycle_fields,
	  .elem_size = sizeof(struct kube_lifecycle) },
	{ "restartPolicy", KSCHEMA_STRING, CTR(restart_policy) }, /* see kind-pod.c */
	{ "stdin", KSCHEMA_BOOL, CTR(stdin) },
	{ "stdinOnce", KSCHEMA_BOOL, CTR(stdin_once) },
	{ "tty", KSCHEMA_BOOL, CTR(tty) },
	{ "terminationMessagePath", KSCHEMA_STRING, CTR(termination_message_path),
	  KSCHEMA_DEFAULT, .def = "/dev/termination-log" },
	{ "terminationMessagePolicy", KSCHEMA_STRING, CTR(termination_message_policy),
	  KSCHEMA_DEFAULT, check_term_policy, .def = "File" },
	{ "volumeDevices", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "resizePolicy", KSCHEMA_IGNORE }, /* in-place resize by the kubelet */
	{ "", KSCHEMA_VALIDATE, .validate = container_validate },
	{ NULL },
};
