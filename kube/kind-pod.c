/* Pod (v1): the pod spec, the pod security context, hostAliases and
 * dnsConfig, and the checks that need the whole pod (container and volume
 * names, volume mounts, host ports, init containers, namespaces).  The
 * container fields are in kube/kind-container.c, volumes in
 * kube/kind-volume.c.  Fields that cannot apply on one machine (scheduling,
 * service accounts, ...) are accepted and ignored. */
#include "kube/schema.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "base/banned.h"

KSCHEMA_ENUM_CHECK(check_restart_policy, "Always", "OnFailure", "Never")
KSCHEMA_ENUM_CHECK(check_dns_policy, "ClusterFirstWithHostNet", "ClusterFirst", "Default",
		   "None")
KSCHEMA_ENUM_CHECK(check_fs_group_policy, "OnRootMismatch", "Always")

static char *check_deadline(const void *value)
{
	int64_t v = *(const int64_t *)value;

	if (v >= 1 && v <= INT32_MAX)
		return NULL;
	return xasprintf("invalid value %lld: must be between 1 and 2147483647, inclusive",
			 (long long)v);
}

/* A search domain: a DNS subdomain, a trailing dot allowed. */
static char *check_search(const void *value)
{
	const char *s = *(char *const *)value;
	size_t len = strlen(s);
	cleanup_free char *trimmed = xstrndup(s, len && s[len - 1] == '.' ? len - 1 : len);

	return kschema_check_dns_subdomain(&trimmed);
}

/* [a-z0-9]([-_a-z0-9]*[a-z0-9])? */
static bool sysctl_segment_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || strchr("-_", s[0]) || strchr("-_", s[len - 1]))
		return false;
	for (i = 0; i < len; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= '0' && s[i] <= '9') &&
		    !strchr("-_", s[i]))
			return false;
	return true;
}

/* Segments separated by '.' or '/' (IsValidSysctlName). */
static char *check_sysctl(const void *value)
{
	const char *s = *(char *const *)value, *p = s;
	size_t len;

	for (;;) {
		len = strcspn(p, "./");
		if (!sysctl_segment_ok(p, len) || strlen(s) > 253)
			return xasprintf("invalid value \"%s\": must have at most 253 characters "
					 "and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*"
					 "[a-z0-9]([-_a-z0-9]*[a-z0-9])?$", s);
		if (!p[len])
			return NULL;
		p += len + 1;
	}
}

#define SYS(f) offsetof(struct kube_sysctl, f)
static const struct kschema_field sysctl_fields[] = {
	{ "name", KSCHEMA_STRING, SYS(name), KSCHEMA_REQUIRED, check_sysctl },
	{ "value", KSCHEMA_STRING, SYS(value) },
	{ NULL },
};

static int pod_sc_validate(struct kschema_ctx *c, const struct kschema_field *table,
			   const struct kyaml_node *map, void *obj)
{
	const struct kube_pod_security_context *sc = obj;
	const struct kyaml_node *seq = kyaml_get(map, "sysctls");
	size_t i, j;
	int ret = 0;

	for (i = 0; i < sc->nsysctls; i++) {
		for (j = 0; sc->sysctls[i].name && j < i; j++) {
			const char *other = sc->sysctls[j].name;

			if (!other || strcmp(other, sc->sysctls[i].name))
				continue;
			kschema_enter(c, map, "sysctls");
			ret = kschema_fail_key(c, kschema_enter_index(c, seq, i), "name",
					       "duplicate value \"%s\"", sc->sysctls[i].name);
			kschema_leave(c, 2);
			break;
		}
	}
	return ret;
}

#define PSC(f) offsetof(struct kube_pod_security_context, f)
static const struct kschema_field pod_sc_fields[] = {
	{ "runAsUser", KSCHEMA_INT64, PSC(run_as_user), KSCHEMA_HAS, kschema_check_id,
	  .has_off = PSC(has_run_as_user) },
	{ "runAsGroup", KSCHEMA_INT64, PSC(run_as_group), KSCHEMA_HAS, kschema_check_id,
	  .has_off = PSC(has_run_as_group) },
	{ "runAsNonRoot", KSCHEMA_BOOL, PSC(run_as_non_root), KSCHEMA_HAS,
	  .has_off = PSC(has_run_as_non_root) },
	{ "fsGroup", KSCHEMA_INT64, PSC(fs_group), KSCHEMA_HAS, kschema_check_id,
	  .has_off = PSC(has_fs_group) },
	{ "supplementalGroups", KSCHEMA_INT64LIST, PSC(supplemental_groups), 0,
	  kschema_check_id, .count_off = PSC(nsupplemental_groups) },
	{ "fsGroupChangePolicy", KSCHEMA_STRING, PSC(fs_group_change_policy), 0,
	  check_fs_group_policy },
	{ "sysctls", KSCHEMA_OBJLIST, PSC(sysctls), .sub = sysctl_fields,
	  .elem_size = sizeof(struct kube_sysctl), .count_off = PSC(nsysctls) },
	{ "seccompProfile", KSCHEMA_OBJPTR, PSC(seccomp_profile), .sub = kube_seccomp_fields,
	  .elem_size = sizeof(struct kube_seccomp) },
	{ "supplementalGroupsPolicy", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "seLinuxOptions", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "seLinuxChangePolicy", KSCHEMA_IGNORE },
	{ "appArmorProfile", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "windowsOptions", KSCHEMA_IGNORE },
	{ "", KSCHEMA_VALIDATE, .validate = pod_sc_validate },
	{ NULL },
};

#define HA(f) offsetof(struct kube_host_alias, f)
static const struct kschema_field host_alias_fields[] = {
	{ "ip", KSCHEMA_STRING, HA(ip), KSCHEMA_REQUIRED, kschema_check_ip },
	{ "hostnames", KSCHEMA_STRLIST, HA(hostnames), 0, kschema_check_dns_subdomain },
	{ NULL },
};

#define DO(f) offsetof(struct kube_dns_option, f)
static const struct kschema_field dns_option_fields[] = {
	{ "name", KSCHEMA_STRING, DO(name), KSCHEMA_REQUIRED },
	{ "value", KSCHEMA_STRING, DO(value) },
	{ NULL },
};

static int dns_config_validate(struct kschema_ctx *c, const struct kschema_field *table,
			       const struct kyaml_node *map, void *obj)
{
	const struct kube_dns_config *d = obj;
	size_t i, len = 0, n = 0;

	if (strv_len(d->nameservers) > 3)
		return kschema_fail_key(c, map, "nameservers",
					"invalid value: must not have more than 3 nameservers");
	for (i = 0; d->searches && d->searches[i]; i++, n++)
		len += strlen(d->searches[i]) + (i ? 1 : 0);
	if (n > 32)
		return kschema_fail_key(c, map, "searches",
					"invalid value: must not have more than 32 search paths");
	if (len > 2048)
		return kschema_fail_key(c, map, "searches",
					"invalid value: must not have more than 2048 characters "
					"(including spaces) in the search list");
	return 0;
}

#define DC(f) offsetof(struct kube_dns_config, f)
static const struct kschema_field dns_config_fields[] = {
	{ "nameservers", KSCHEMA_STRLIST, DC(nameservers), 0, kschema_check_ip },
	{ "searches", KSCHEMA_STRLIST, DC(searches), 0, check_search },
	{ "options", KSCHEMA_OBJLIST, DC(options), .sub = dns_option_fields,
	  .elem_size = sizeof(struct kube_dns_option), .count_off = DC(noptions) },
	{ "", KSCHEMA_VALIDATE, .validate = dns_config_validate },
	{ NULL },
};

/* ---- checks across the pod ---- */

/* Record an error at spec.LIST[i].FIELD, or spec.LIST[i].SUB[j].FIELD when
 * sub is not NULL. */
static int __attribute__((format(printf, 8, 9)))
ctr_fail(struct kschema_ctx *c, const struct kyaml_node *spec, const char *list, size_t i,
	 const char *sub, size_t j, const char *field, const char *fmt, ...)
{
	const struct kyaml_node *n;
	cleanup_free char *msg = NULL;
	va_list ap;
	int steps = 2;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	n = kschema_enter_index(c, kschema_enter(c, spec, list), i);
	if (sub) {
		n = kschema_enter_index(c, kschema_enter(c, n, sub), j);
		steps += 2;
	}
	kschema_fail_key(c, n, field, "%s", msg);
	kschema_leave(c, steps);
	return -1;
}

struct pod_walk {
	struct kschema_ctx *c;
	const struct kyaml_node *spec;
	const struct kube_pod_spec *p;
	const char *seen[256]; /* container names */
	size_t nseen;
	int ret;
};

static bool has_volume(const struct kube_pod_spec *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nvolumes; i++)
		if (p->volumes[i].name && !strcmp(p->volumes[i].name, name))
			return true;
	return false;
}

/* Container names unique across both lists; mounts name declared volumes. */
static void check_container(struct pod_walk *w, const char *list, size_t i,
			    const struct kube_container *k)
{
	size_t j;

	for (j = 0; k->name && j < w->nseen; j++)
		if (!strcmp(w->seen[j], k->name))
			break;
	if (k->name && j < w->nseen)
		w->ret = ctr_fail(w->c, w->spec, list, i, NULL, 0, "name",
				  "duplicate value \"%s\"", k->name);
	else if (k->name && w->nseen < 256)
		w->seen[w->nseen++] = k->name;
	for (j = 0; j < k->nvolume_mounts; j++) {
		const char *name = k->volume_mounts[j].name;

		if (name && !has_volume(w->p, name))
			w->ret = ctr_fail(w->c, w->spec, list, i, "volumeMounts", j, "name",
					  "not found \"%s\"", name);
	}
}

/* Init containers: restartPolicy only Always (a sidecar); without it no
 * probes and no lifecycle.  App containers: no restartPolicy. */
static void check_restart(struct pod_walk *w, const char *list, size_t i,
			  const struct kube_container *k, bool init)
{
	static const char *const ok[] = { "Always", NULL };
	static const char forbid[] = "forbidden: may not be set for init containers without "
				     "restartPolicy=Always";
	cleanup_free char *msg = NULL;
	bool sidecar = k->restart_policy && !strcmp(k->restart_policy, "Always");

	if (!init) {
		if (k->restart_policy)
			w->ret = ctr_fail(w->c, w->spec, list, i, NULL, 0, "restartPolicy",
					  "forbidden: may not be set for non-init containers");
		return;
	}
	if (k->restart_policy && (msg = kschema_enum_msg(k->restart_policy, ok)))
		w->ret = ctr_fail(w->c, w->spec, list, i, NULL, 0, "restartPolicy", "%s", msg);
	if (sidecar)
		return;
	if (k->lifecycle)
		w->ret = ctr_fail(w->c, w->spec, list, i, NULL, 0, "lifecycle", forbid);
	if (k->liveness_probe)
		w->ret = ctr_fail(w->c, w->spec, list, i, NULL, 0, "livenessProbe", forbid);
	if (k->readiness_probe)
		w->ret = ctr_fail(w->c, w->spec, list, i, NULL, 0, "readinessProbe", forbid);
	if (k->startup_probe)
		w->ret = ctr_fail(w->c, w->spec, list, i, NULL, 0, "startupProbe", forbid);
}

/* hostIP/protocol/hostPort unique among the app containers (an init
 * container only against itself: they run one at a time); with
 * hostNetwork, containerPort must equal hostPort. */
static void check_ports(struct pod_walk *w, const char *list,
			const struct kube_container *ctrs, size_t n, bool init)
{
	size_t i, j, a, b;

	for (i = 0; i < n; i++) {
		for (j = 0; j < ctrs[i].nports; j++) {
			const struct kube_port *p = &ctrs[i].ports[j];
			bool dup = false;

			if (!p->host_port)
				continue;
			if (w->p->host_network && p->host_port != p->container_port)
				w->ret = ctr_fail(w->c, w->spec, list, i, "ports", j,
						  "containerPort",
						  "invalid value %d: must match `hostPort` when "
						  "`hostNetwork` is true",
						  (int)p->container_port);
			for (a = init ? i : 0; a <= i && !dup; a++)
				for (b = 0; b < (a == i ? j : ctrs[a].nports) && !dup; b++) {
					const struct kube_port *q = &ctrs[a].ports[b];

					dup = q->host_port == p->host_port &&
					      !strcmp(q->protocol ? q->protocol : "",
						      p->protocol ? p->protocol : "") &&
					      !strcmp(q->host_ip ? q->host_ip : "",
						      p->host_ip ? p->host_ip : "");
				}
			if (dup)
				w->ret = ctr_fail(w->c, w->spec, list, i, "ports", j, "hostPort",
						  "duplicate value \"%s/%s/%d\"",
						  p->host_ip ? p->host_ip : "",
						  p->protocol ? p->protocol : "",
						  (int)p->host_port);
		}
	}
}

static void check_volumes(struct pod_walk *w)
{
	const struct kyaml_node *seq = kyaml_get(w->spec, "volumes");
	size_t i, j;

	for (i = 0; i < w->p->nvolumes; i++) {
		const char *name = w->p->volumes[i].name;

		for (j = 0; name && j < i; j++) {
			if (!w->p->volumes[j].name || strcmp(w->p->volumes[j].name, name))
				continue;
			kschema_enter(w->c, w->spec, "volumes");
			w->ret = kschema_fail_key(w->c, kschema_enter_index(w->c, seq, i), "name",
						  "duplicate value \"%s\"", name);
			kschema_leave(w->c, 2);
			break;
		}
	}
}

/* Namespaces, DNS and the deprecated serviceAccount. */
static void check_host(struct pod_walk *w, struct kube_pod_spec *p)
{
	static const char *const ns[] = { "hostNetwork", "hostPID", "hostIPC" };
	const bool on[] = { p->host_network, p->host_pid, p->host_ipc };
	const char *sa = kyaml_as_str(kyaml_get(w->spec, "serviceAccount"));
	const struct kyaml_node *eph = kyaml_get(w->spec, "ephemeralContainers");
	size_t i;

	if (p->share_process_namespace && p->host_pid)
		w->ret = kschema_fail_key(w->c, w->spec, "shareProcessNamespace",
					  "invalid value true: ShareProcessNamespace and HostPID "
					  "cannot both be enabled");
	for (i = 0; i < 3 && p->has_host_users && !p->host_users; i++)
		if (on[i])
			w->ret = kschema_fail_key(w->c, w->spec, ns[i],
						  "forbidden: when `hostUsers` is false");
	if (p->dns_policy && !strcmp(p->dns_policy, "None")) {
		if (!p->dns_config)
			w->ret = kschema_fail_key(w->c, w->spec, "dnsConfig",
						  "required value: must provide `dnsConfig` when "
						  "`dnsPolicy` is None");
		else if (!strv_len(p->dns_config->nameservers)) {
			w->ret = kschema_fail_key(w->c, kschema_enter(w->c, w->spec, "dnsConfig"),
						  "nameservers",
						  "required value: must provide at least one DNS "
						  "nameserver when `dnsPolicy` is None");
			kschema_leave(w->c, 1);
		}
	}
	if (sa && *sa && !kschema_has_key(w->spec, "serviceAccountName")) {
		free(p->service_account_name);
		p->service_account_name = xstrdup(sa);
	}
	if (eph && eph->kind == KYAML_SEQUENCE && eph->nitems)
		w->ret = kschema_fail_key(w->c, w->spec, "ephemeralContainers",
					  "forbidden: cannot be set on create");
}

static int pod_spec_validate(struct kschema_ctx *c, const struct kschema_field *table,
			     const struct kyaml_node *map, void *obj)
{
	struct kube_pod_spec *p = obj;
	struct pod_walk w = { .c = c, .spec = map, .p = p };
	size_t i;

	for (i = 0; i < p->ninit_containers; i++) {
		check_container(&w, "initContainers", i, &p->init_containers[i]);
		check_restart(&w, "initContainers", i, &p->init_containers[i], true);
	}
	for (i = 0; i < p->ncontainers; i++) {
		check_container(&w, "containers", i, &p->containers[i]);
		check_restart(&w, "containers", i, &p->containers[i], false);
	}
	check_ports(&w, "initContainers", p->init_containers, p->ninit_containers, true);
	check_ports(&w, "containers", p->containers, p->ncontainers, false);
	check_volumes(&w);
	check_host(&w, p);
	return w.ret;
}

#define SPEC(f) offsetof(struct kube_pod_spec, f)
#define CONTAINERS(json, field, count, flags)                                        \
	{ json, KSCHEMA_OBJLIST, SPEC(field), flags, .sub = kube_container_fields,   \
	  .elem_size = sizeof(struct kube_container), .count_off = SPEC(count) }
const struct kschema_field kube_pod_spec_fields[] = {
	CONTAINERS("containers", containers, ncontainers, KSCHEMA_REQUIRED),
	CONTAINERS("initContainers", init_containers, ninit_containers, 0),
	{ "volumes", KSCHEMA_OBJLIST, SPEC(volumes), .sub = kube_volume_fields,
	  .elem_size = sizeof(struct kube_volume), .count_off = SPEC(nvolumes) },
	{ "restartPolicy", KSCHEMA_STRING, SPEC(restart_policy), KSCHEMA_DEFAULT,
	  check_restart_policy, .def = "Always" },
	{ "terminationGracePeriodSeconds", KSCHEMA_INT64,
	  SPEC(termination_grace_period_seconds), KSCHEMA_DEFAULT, kschema_check_nonneg64,
	  .idef = 30 },
	{ "activeDeadlineSeconds", KSCHEMA_INT64, SPEC(active_deadline_seconds), KSCHEMA_HAS,
	  check_deadline, .has_off = SPEC(has_active_deadline_seconds) },
	{ "hostNetwork", KSCHEMA_BOOL, SPEC(host_network) },
	{ "hostPID", KSCHEMA_BOOL, SPEC(host_pid) },
	{ "hostIPC", KSCHEMA_BOOL, SPEC(host_ipc) },
	{ "shareProcessNamespace", KSCHEMA_BOOL, SPEC(share_process_namespace) },
	{ "hostUsers", KSCHEMA_BOOL, SPEC(host_users), KSCHEMA_HAS,
	  .has_off = SPEC(has_host_users) },
	{ "hostname", KSCHEMA_STRING, SPEC(hostname), 0, kschema_check_dns_label },
	{ "subdomain", KSCHEMA_STRING, SPEC(subdomain), 0, kschema_check_dns_label },
	{ "setHostnameAsFQDN", KSCHEMA_BOOL, SPEC(set_hostname_as_fqdn) },
	{ "hostAliases", KSCHEMA_OBJLIST, SPEC(host_aliases), .sub = host_alias_fields,
	  .elem_size = sizeof(struct kube_host_alias), .count_off = SPEC(nhost_aliases) },
	{ "dnsPolicy", KSCHEMA_STRING, SPEC(dns_policy), KSCHEMA_DEFAULT, check_dns_policy,
	  .def = "ClusterFirst" },
	{ "dnsConfig", KSCHEMA_OBJPTR, SPEC(dns_config), .sub = dns_config_fields,
	  .elem_size = sizeof(struct kube_dns_config) },
	{ "serviceAccountName", KSCHEMA_STRING, SPEC(service_account_name), KSCHEMA_DEFAULT,
	  kschema_check_dns_subdomain, .def = "default" },
	{ "serviceAccount", KSCHEMA_IGNORE }, /* deprecated alias, see check_host */
	{ "securityContext", KSCHEMA_OBJPTR, SPEC(security_context), .sub = pod_sc_fields,
	  .elem_size = sizeof(struct kube_pod_security_context) },
	{ "ephemeralContainers", KSCHEMA_IGNORE }, /* refused in check_host */
	{ "resources", KSCHEMA_IGNORE, 0, KSCHEMA_WARN }, /* pod-level resources */
	/* cannot apply on one machine: accepted and ignored */
	{ "nodeName", KSCHEMA_IGNORE },
	{ "nodeSelector", KSCHEMA_IGNORE },
	{ "affinity", KSCHEMA_IGNORE },
	{ "tolerations", KSCHEMA_IGNORE },
	{ "schedulerName", KSCHEMA_IGNORE },
	{ "priority", KSCHEMA_IGNORE },
	{ "priorityClassName", KSCHEMA_IGNORE },
	{ "preemptionPolicy", KSCHEMA_IGNORE },
	{ "topologySpreadConstraints", KSCHEMA_IGNORE },
	{ "automountServiceAccountToken", KSCHEMA_IGNORE },
	{ "enableServiceLinks", KSCHEMA_IGNORE },
	{ "runtimeClassName", KSCHEMA_IGNORE },
	{ "overhead", KSCHEMA_IGNORE },
	{ "readinessGates", KSCHEMA_IGNORE },
	{ "schedulingGates", KSCHEMA_IGNORE },
	{ "os", KSCHEMA_IGNORE },
	{ "resourceClaims", KSCHEMA_IGNORE },
	{ "imagePullSecrets", KSCHEMA_IGNORE },
	{ "", KSCHEMA_VALIDATE, .validate = pod_spec_validate },
	{ NULL },
};

#define POD(f) offsetof(struct kube_pod, f)
static const struct kschema_field pod_fields[] = {
	{ "apiVersion", KSCHEMA_IGNORE },
	{ "kind", KSCHEMA_IGNORE },
	{ "metadata", KSCHEMA_OBJECT, POD(meta), KSCHEMA_REQUIRED, .sub = kube_meta_fields },
	{ "spec", KSCHEMA_OBJECT, POD(spec), KSCHEMA_REQUIRED, .sub = kube_pod_spec_fields },
	{ "status", KSCHEMA_IGNORE },
	{ NULL },
};

int kube_pod_decode(struct kschema_ctx *c, const struct kyaml_node *root, struct kube_pod *out)
{
	return kschema_decode(c, pod_fields, root, out);
}

void kube_pod_release(struct kube_pod *p)
{
	kschema_free(pod_fields, p);
}
