/* `pod inspect` and `pod ps --format json`: podman's shapes (pod.h). */
#include "podengine/pod.h"
#include "podengine/ctr-probe.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <string.h>
#include <time.h>

#include "base/banned.h"
#include "base/json.h"

/* ---- JSON --------------------------------------------------------------- */

/* RFC 3339 with nanoseconds in local time, as podman prints. */
static char *rfc3339nano(int64_t ns)
{
	time_t t = (time_t)(ns / 1000000000LL);
	struct tm tm;
	char date[64], zone[16];

	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	if (!strcmp(zone, "+0000"))
		return xasprintf("%s.%09lldZ", date, (long long)(ns % 1000000000LL));
	return xasprintf("%s.%09lld%.3s:%s", date, (long long)(ns % 1000000000LL), zone, zone + 3);
}

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static struct json_object *labels_json(char *const *v)
{
	struct json_object *o = json_object_new_object();

	for (; v && *v; v++) {
		const char *eq = strchr(*v, '=');
		cleanup_free char *k = eq ? xstrndup(*v, (size_t)(eq - *v)) : xstrdup(*v);

		json_object_object_add(o, k, jstr(eq ? eq + 1 : ""));
	}
	return o;
}

static struct json_object *port_bindings(const struct pod_spec *s)
{
	struct json_object *o = json_object_new_object();
	size_t i;
	int k;

	for (i = 0; i < s->n_ports; i++) {
		const struct net_port *p = &s->ports[i];

		for (k = 0; k < (p->range ? p->range : 1); k++) {
			cleanup_free char *key = xasprintf("%d/%s", p->container_port + k,
							   p->proto[0] ? p->proto : "tcp");
			cleanup_free char *hp = xasprintf("%d", p->host_port ? p->host_port + k : 0);
			struct json_object *b = json_object_new_object(), *arr;

			json_object_object_add(b, "HostIp", jstr(p->host_ip));
			json_object_object_add(b, "HostPort", jstr(p->host_port ? hp : ""));
			if (!json_object_object_get_ex(o, key, &arr)) {
				arr = json_object_new_array();
				json_object_object_add(o, key, arr);
			}
			json_object_array_add(arr, b);
		}
	}
	return o;
}

static struct json_object *infra_config(const struct pod_info *pi)
{
	const struct pod_spec *s = &pi->spec;
	struct json_object *o = json_object_new_object();
	const char *mode = pod_spec_net_mode(s);

	json_object_object_add(o, "PortBindings", port_bindings(s));
	json_object_object_add(o, "HostNetwork", json_object_new_boolean(!strcmp(mode, "host")));
	json_object_object_add(o, "StaticIP", jstr(""));
	json_object_object_add(o, "StaticMAC", jstr(""));
	json_object_object_add(o, "NoManageResolvConf", json_object_new_boolean(false));
	json_object_object_add(o, "DNSServer", json_strv_new(s->dns_servers));
	json_object_object_add(o, "DNSSearch", json_strv_new(s->dns_search));
	json_object_object_add(o, "DNSOption", json_strv_new(s->dns_options));
	json_object_object_add(o, "NoManageHosts", json_object_new_boolean(false));
	json_object_object_add(o, "HostAdd", json_strv_new(s->add_hosts));
	if (s->networks)
		json_object_object_add(o, "Networks", json_strv_new(s->networks));
	else if (!strcmp(mode, "bridge") && POD_NETWORK)
		json_object_object_add(o, "Networks", json_strv_new((char *const[]){ NET_DEFAULT_NAME,
									      NULL }));
	else
		json_object_object_add(o, "Networks", json_object_new_array());
	json_object_object_add(o, "NetworkOptions", NULL);
	return o;
}

static struct json_object *shared_ns(const struct pod_spec *s)
{
	struct json_object *a = json_object_new_array();

	if (!s->infra)
		return a;
	if (s->share_ipc)
		json_object_array_add(a, jstr("ipc"));
	if (s->share_net)
		json_object_array_add(a, jstr("net"));
	if (s->share_pid)
		json_object_array_add(a, jstr("pid"));
	if (s->share_uts)
		json_object_array_add(a, jstr("uts"));
	return a;
}

/* Names and kinds only: a files volume may hold a Secret's data. */
static struct json_object *volumes_json(const struct pod_spec *s)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < s->n_volumes; i++) {
		const struct pod_volume *v = &s->volumes[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "Name", jstr(v->name));
		json_object_object_add(o, "Kind", jstr(v->kind == POD_VOL_FILES ? "files"
										 : "emptyDir"));
		if (v->memory)
			json_object_object_add(o, "Medium", jstr("Memory"));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *containers_json(struct pea_ctx *ctx, const struct ctr_info *ctrs,
					   size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "Id", jstr(ctrs[i].id));
		json_object_object_add(c, "Name", jstr(ctrs[i].name));
		json_object_object_add(c, "State", jstr(ctr_state_name(ctrs[i].state)));
		json_object_object_add(c, "Ready", json_object_new_boolean(
			ctr_probe_ready(ctx, &ctrs[i])));
		json_object_object_add(c, "RestartCount", json_object_new_int(ctrs[i].restart_count));
		json_object_array_add(a, c);
	}
	return a;
}

struct json_object *pod_inspect_json(struct pea_ctx *ctx, const struct pod_info *pi,
				     struct pea_err **err)
{
	struct ctr_info *ctrs = NULL;
	size_t n = 0;
	cleanup_free char *created = rfc3339nano(pi->created);
	cleanup_free char *cg = pi->spec.cgroup_parent ? xstrdup(pi->spec.cgroup_parent)
						       : xasprintf("/peapod/pod-%s", pi->id);
	struct json_object *o;

	if (pod_containers(ctx, pi->id, &ctrs, &n, err) < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "Id", jstr(pi->id));
	json_object_object_add(o, "Name", jstr(pi->name));
	json_object_object_add(o, "Created", jstr(created));
	json_object_object_add(o, "State", jstr(pod_status(ctrs, n)));
	json_object_object_add(o, "Hostname", jstr(pi->spec.hostname ? pi->spec.hostname
								      : pi->name));
	json_object_object_add(o, "Labels", labels_json(pi->spec.labels));
	json_object_object_add(o, "CreateCgroup", json_object_new_boolean(true));
	json_object_object_add(o, "CgroupParent", jstr(cg));
	json_object_object_add(o, "CreateInfra", json_object_new_boolean(pi->spec.infra));
	if (pi->infra_id)
		json_object_object_add(o, "InfraContainerId", jstr(pi->infra_id));
	json_object_object_add(o, "InfraConfig", infra_config(pi));
	json_object_object_add(o, "SharedNamespaces", shared_ns(&pi->spec));
	if (pi->spec.host_pid || pi->spec.host_ipc) {
		json_object_object_add(o, "HostPID", json_object_new_boolean(pi->spec.host_pid));
		json_object_object_add(o, "HostIPC", json_object_new_boolean(pi->spec.host_ipc));
	}
	if (pi->spec.n_volumes)
		json_object_object_add(o, "Volumes", volumes_json(&pi->spec));
	json_object_object_add(o, "NumContainers", json_object_new_int((int)n));
	json_object_object_add(o, "Containers", containers_json(ctx, ctrs, n));
	json_object_object_add(o, "Ready", json_object_new_boolean(pod_ready_of(ctx, ctrs, n)));
	ctr_info_list_free(ctrs, n);
	return o;
}

/* `pod ps --format json`: podman's ListPodsReport. */
struct json_object *pod_ps_json(struct pea_ctx *ctx, const struct pod_info *pi,
				struct pea_err **err)
{
	struct ctr_info *ctrs = NULL;
	size_t n = 0, i;
	cleanup_free char *created = rfc3339nano(pi->created);
	struct json_object *o, *a;

	if (pod_containers(ctx, pi->id, &ctrs, &n, err) < 0)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "Cgroup", jstr(pi->spec.cgroup_parent ? pi->spec.cgroup_parent
									 : "/peapod"));
	a = json_object_new_array();
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "Id", jstr(ctrs[i].id));
		json_object_object_add(c, "Names", jstr(ctrs[i].name));
		json_object_object_add(c, "Status", jstr(ctr_state_name(ctrs[i].state)));
		json_object_object_add(c, "Ready", json_object_new_boolean(
			ctr_probe_ready(ctx, &ctrs[i])));
		json_object_object_add(c, "RestartCount", json_object_new_int(ctrs[i].restart_count));
		json_object_array_add(a, c);
	}
	json_object_object_add(o, "Containers", a);
	json_object_object_add(o, "Ready", json_object_new_boolean(pod_ready_of(ctx, ctrs, n)));
	json_object_object_add(o, "Created", jstr(created));
	json_object_object_add(o, "Id", jstr(pi->id));
	json_object_object_add(o, "InfraId", jstr(pi->infra_id));
	json_object_object_add(o, "Name", jstr(pi->name));
	json_object_object_add(o, "Namespace", jstr(""));
	json_object_object_add(o, "Networks", pi->spec.networks ? json_strv_new(pi->spec.networks)
							       : json_object_new_array());
	json_object_object_add(o, "Status", jstr(pod_status(ctrs, n)));
	json_object_object_add(o, "Labels", labels_json(pi->spec.labels));
	json_object_object_add(o, "NumberOfContainers", json_object_new_int((int)n));
	ctr_info_list_free(ctrs, n);
	return o;
}
