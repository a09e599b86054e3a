/* One pod of the plan: the pod_spec (names, namespaces shared with the
 * host, published ports, /etc/hosts and DNS, fsGroup, volumes) and its
 * containers, init containers first. */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

/* metadata.uid: a cluster makes a random UUID; peapod derives one from the
 * namespace and the pod name so that it is stable across replays (and so
 * the same in env, files and kube generate): two 64-bit FNV-1a hashes,
 * formatted as an RFC 9562 version 8 (custom) UUID. */
static void pod_uid(const char *ns, const char *name, char out[37])
{
	uint64_t h[2] = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };
	const char *parts[3] = { ns, "/", name };
	int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 3; j++)
			for (const unsigned char *c = (const unsigned char *)parts[j]; *c; c++) {
				h[i] ^= *c;
				h[i] *= 0x100000001b3ULL;
			}
	h[0] = (h[0] & ~0xf000ULL) | 0x8000ULL;                    /* version 8 */
	h[1] = (h[1] & ~(3ULL << 62)) | (2ULL << 62);             /* variant 10 */
	snprintf(out, 37, "%08llx-%04llx-%04llx-%04llx-%012llx",
		 (unsigned long long)(h[0] >> 32), (unsigned long long)((h[0] >> 16) & 0xffff),
		 (unsigned long long)(h[0] & 0xffff), (unsigned long long)(h[1] >> 48),
		 (unsigned long long)(h[1] & 0xffffffffffffULL));
}

/* The kubelet's: spec.hostname or the pod name, cut to 63 characters
 * without a trailing '-' or '.'. */
static char *pod_hostname(const struct kplan_pod *p)
{
	const char *h = p->spec->hostname && *p->spec->hostname ? p->spec->hostname : p->name;
	size_t n = strlen(h);

	if (n > 63) {
		n = 63;
		while (n && (h[n - 1] == '-' || h[n - 1] == '.'))
			n--;
	}
	return xstrndup(h, n);
}

static bool valid_ip(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* A host port is one pod's: on a node the scheduler leaves a second pod
 * that wants it Pending; peapod refuses the plan instead of failing half
 * way through kube play. */
static int claim_host_port(struct kplan_pod *p, const struct kube_container *c, int port,
			   const char *proto, const char *ip)
{
	struct kplan *k = p->k;
	struct kplan_hostport *h;
	size_t i;

	for (i = 0; i < k->nhostports; i++) {
		h = &k->hostports[i];
		if (h->port != port || strcmp(h->proto, proto) || !strcmp(h->pod, p->name) ||
		    (*h->ip && *ip && strcmp(h->ip, ip)))
			continue;
		kplan_key(k, "hostPort");
		kplan_fail(k, &c->pos, "host port %d/%s is already taken by pod \"%s\": a node "
			   "runs only one pod per host port", port, proto, h->pod);
		kplan_pop(k, 1);
		return -1;
	}
	ALLOC_GROW(k->hostports, k->nhostports + 1, k->ahostports);
	h = &k->hostports[k->nhostports++];
	h->port = port;
	snprintf(h->proto, sizeof(h->proto), "%s", proto);
	h->ip = xstrdup(ip);
	h->pod = xstrdup(p->name);
	return 0;
}

/* One container port with a hostPort (or any port with hostNetwork). */
static int plan_port(struct kplan_pod *p, const struct kube_container *c,
		     const struct kube_port *kp)
{
	struct pod_spec *pod = &p->out->pod;
	const char *proto = kp->protocol ? kp->protocol : "TCP";
	const char *ip = kp->host_ip ? kp->host_ip : "";
	struct net_port *np;
	size_t i;

	if (p->spec->host_network && kp->host_port && kp->host_port != kp->container_port) {
		kplan_key(p->k, "hostPort");
		kplan_fail(p->k, &c->pos, "invalid value %d: must match containerPort when "
			   "hostNetwork is true", (int)kp->host_port);
		kplan_pop(p->k, 1);
		return -1;
	}
	if (p->spec->host_network) /* the host's network: nothing to publish */
		return claim_host_port(p, c, kp->container_port, proto, ip);
	if (strcmp(proto, "TCP") && strcmp(proto, "UDP")) {
		kplan_key(p->k, "protocol");
		kplan_fail(p->k, &c->pos, "unsupported value \"%s\": peapod publishes TCP and "
			   "UDP host ports only", proto);
		kplan_pop(p->k, 1);
		return -1;
	}
	if (*ip && (strlen(ip) >= sizeof(np->host_ip) || !valid_ip(ip))) {
		kplan_key(p->k, "hostIP");
		kplan_fail(p->k, &c->pos, "invalid value \"%s\": must be a valid IP address", ip);
		kplan_pop(p->k, 1);
		return -1;
	}
	for (i = 0; i < pod->n_ports; i++) {
		np = &pod->ports[i];
		if (np->host_port == kp->host_port && !strcasecmp(np->proto, proto) &&
		    !strcmp(np->host_ip, ip)) {
			kplan_key(p->k, "hostPort");
			kplan_fail(p->k, &c->pos, "duplicate value \"%d/%s\"", (int)kp->host_port,
				   proto);
			kplan_pop(p->k, 1);
			return -1;
		}
	}
	if (claim_host_port(p, c, kp->host_port, proto, ip) < 0)
		return -1;
	pod->ports = xrealloc(pod->ports, (pod->n_ports + 1) * sizeof(*pod->ports));
	np = &pod->ports[pod->n_ports++];
	memset(np, 0, sizeof(*np));
	np->host_port = (uint16_t)kp->host_port;
	np->container_port = (uint16_t)kp->container_port;
	np->range = 1;
	snprintf(np->proto, sizeof(np->proto), "%s", !strcmp(proto, "TCP") ? "tcp" : "udp");
	snprintf(np->host_ip, sizeof(np->host_ip), "%s", ip);
	return 0;
}

/* hostPorts of the app containers (the kubelet publishes those only);
 * with hostNetwork every port is the host's (the API server defaults
 * hostPort to containerPort). */
static int plan_ports(struct kplan_pod *p)
{
	const struct kube_pod_spec *s = p->spec;
	size_t i, j;
	int ret = 0;

	for (i = 0; i < s->ncontainers; i++) {
		const struct kube_container *c = &s->containers[i];

		for (j = 0; j < c->nports; j++) {
			if (c->ports[j].host_port <= 0 && !s->host_network)
				continue;
			kplan_idx(p->k, "containers", i);
			kplan_idx(p->k, "ports", j);
			if (plan_port(p, c, &c->ports[j]) < 0)
				ret = -1;
			kplan_pop(p->k, 2);
		}
	}
	return ret;
}

static void plan_hosts(struct kplan_pod *p)
{
	const struct kube_pod_spec *s = p->spec;
	size_t i;
	char **h;

	for (i = 0; i < s->nhost_aliases; i++) {
		for (h = s->host_aliases[i].hostnames; h && *h; h++) {
			cleanup_free char *e = xasprintf("%s:%s", *h, s->host_aliases[i].ip);

			strv_push(&p->out->pod.add_hosts, e);
		}
	}
}

/* dnsPolicy None: dnsConfig only.  Default, ClusterFirst (no cluster DNS
 * here) and ClusterFirstWithHostNet: the host's resolv.conf (NULL) with
 * dnsConfig's servers, searches and options added. */
static int plan_dns(struct kplan_pod *p)
{
	const struct kube_dns_config *d = p->spec->dns_config;
	struct pod_spec *pod = &p->out->pod;
	bool none = p->spec->dns_policy && !strcmp(p->spec->dns_policy, "None");
	size_t i;
	int ret = 0;

	if (none && (!d || !d->nameservers || !d->nameservers[0])) {
		kplan_key(p->k, d ? "dnsConfig.nameservers" : "dnsConfig");
		kplan_fail(p->k, NULL, "required value: must provide %s when dnsPolicy is None",
			   d ? "at least one DNS nameserver" : "dnsConfig");
		kplan_pop(p->k, 1);
		return -1;
	}
	if (!d)
		return 0;
	for (i = 0; d->nameservers && d->nameservers[i]; i++) {
		if (!valid_ip(d->nameservers[i]) || i >= 3) {
			kplan_idx(p->k, "dnsConfig.nameservers", i);
			kplan_fail(p->k, NULL, i >= 3 ? "too many: must not have more than 3 "
				   "nameservers" : "invalid value \"%s\": must be a valid IP address",
				   d->nameservers[i]);
			kplan_pop(p->k, 1);
			ret = -1;
		}
	}
	pod->dns_servers = strv_dup(d->nameservers);
	pod->dns_search = strv_dup(d->searches);
	for (i = 0; i < d->noptions; i++) {
		cleanup_free char *o = d->options[i].value
			? xasprintf("%s:%s", d->options[i].name, d->options[i].value)
			: xstrdup(d->options[i].name ? d->options[i].name : "");

		if (*o)
			strv_push(&pod->dns_options, o);
	}
	return ret;
}

static int plan_pod_spec(struct kplan_pod *p)
{
	const struct kube_pod_spec *s = p->spec;
	struct pod_spec *pod = &p->out->pod;
	int ret = 0;

	pod->name = xstrdup(p->name);
	/* with hostNetwork a cluster's pod sees the node's hostname */
	pod->hostname = s->host_network && *p->k->env.node_name ? xstrdup(p->k->env.node_name)
								: pod_hostname(p);
	if (s->subdomain && *s->subdomain)
		pod->fqdn = xasprintf("%s.%s.%s.svc.cluster.local", pod->hostname, s->subdomain,
				      p->namespace);
	if (pod->fqdn && s->set_hostname_as_fqdn && !s->host_network) {
		/* the kubelet's limit for a hostname that is the FQDN */
		if (strlen(pod->fqdn) > 64) {
			kplan_key(p->k, "setHostnameAsFQDN");
			kplan_fail(p->k, NULL, "the pod's FQDN \"%s\" is too long to be its "
				   "hostname (64 characters is the max, %zu given)", pod->fqdn,
				   strlen(pod->fqdn));
			kplan_pop(p->k, 1);
			ret = -1;
		}
		free(pod->hostname);
		pod->hostname = xstrdup(pod->fqdn);
	}
	pod->labels = kplan_map_strv(&p->meta->labels);
	pod->annotations = kplan_map_strv(&p->meta->annotations);
	pod->share_pid = s->share_process_namespace;
	pod->host_pid = s->host_pid;
	pod->host_ipc = s->host_ipc;
	if (s->host_network)
		strv_push(&pod->networks, "host");
	if (s->security_context && s->security_context->has_fs_group)
		pod->fs_group = s->security_context->fs_group;
	if (plan_ports(p) < 0)
		ret = -1;
	plan_hosts(p);
	if (plan_dns(p) < 0)
		ret = -1;
	if (kplan_pod_volumes(p) < 0)
		ret = -1;
	pod->kube = kplan_json_pod(p->meta, s);
	return ret;
}

/* Jobs run to completion: a cluster refuses restartPolicy Always. */
static int check_restart_policy(struct kplan_pod *p)
{
	const char *r = p->spec->restart_policy;

	if (!p->job || (r && (!strcmp(r, "OnFailure") || !strcmp(r, "Never"))))
		return 0;
	kplan_key(p->k, "restartPolicy");
	if (r)
		kplan_fail(p->k, NULL, "unsupported value \"%s\": supported values: "
			   "\"OnFailure\", \"Never\"", r);
	else
		kplan_fail(p->k, NULL, "required value: a job's pods restart \"OnFailure\" or "
			   "\"Never\"");
	kplan_pop(p->k, 1);
	return -1;
}

/* "<pod>-<container>" must be unique across the plan: pod "a-b" with
 * container "c" and pod "a" with container "b-c" collide. */
static int check_ctr_name(struct kplan_pod *p, const struct ctr_spec *c, const char *kname,
			  bool init, size_t idx)
{
	struct kplan *k = p->k;
	int i = strv_find(k->ctr_names, c->name);

	if (i < 0) {
		strv_push(&k->ctr_names, c->name);
		strv_push(&k->ctr_pods, p->name);
		return 0;
	}
	kplan_idx(k, init ? "initContainers" : "containers", idx);
	kplan_key(k, "name");
	kplan_fail(k, NULL, "container name \"%s\" (pod \"%s\", container \"%s\") is also a "
		   "container of pod \"%s\"", c->name, p->name, kname, k->ctr_pods[i]);
	kplan_pop(k, 2);
	return -1;
}

static void warn_pod(struct kplan_pod *p)
{
	const struct kube_pod_spec *s = p->spec;

	if (s->has_host_users && !s->host_users) {
		kplan_key(p->k, "hostUsers");
		kplan_warn(p->k, NULL, "user namespaces are not supported yet; the pod runs "
			   "without one");
		kplan_pop(p->k, 1);
	}
	if (s->has_active_deadline_seconds) {
		kplan_key(p->k, "activeDeadlineSeconds");
		kplan_warn(p->k, NULL, "not enforced yet; the pod runs until it ends");
		kplan_pop(p->k, 1);
	}
}

int kplan_pod_build(struct kplan_pod *p)
{
	const struct kube_pod_spec *s = p->spec;
	struct play_pod *pp = p->out;
	size_t i, n = s->ninit_containers + s->ncontainers;
	int ret = 0;

	pod_spec_init(&pp->pod);
	pod_uid(p->namespace, p->name, p->uid);
	if (check_restart_policy(p) < 0)
		ret = -1;
	if (plan_pod_spec(p) < 0)
		ret = -1;
	pp->ctrs = xcalloc(n ? n : 1, sizeof(*pp->ctrs));
	for (i = 0; i < n; i++)
		ctr_spec_init(&pp->ctrs[i]);
	pp->n_ctrs = n;
	for (i = 0; i < n; i++) {
		bool init = i < s->ninit_containers;
		size_t idx = init ? i : i - s->ninit_containers;
		const struct kube_container *c = init ? &s->init_containers[idx]
						      : &s->containers[idx];

		if (kplan_container(p, c, idx, init, &pp->ctrs[i]) < 0)
			ret = -1;
		else if (check_ctr_name(p, &pp->ctrs[i], c->name, init, idx) < 0)
			ret = -1;
	}
	warn_pod(p);
	return ret;
}
