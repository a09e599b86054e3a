/* One pod: metadata, the pod-level spec, the containers (init containers
 * and native sidecars first, as they were created) and the published
 * ports.
 *
 * Pod-level fields of a pod of `kube play` come from its object as
 * written; those of other pods from the pod_spec (a pod of `pod create`)
 * or from the containers themselves (containers outside any pod).  Values
 * the API server defaults (restartPolicy excepted) are left out.
 *
 * Published ports (pod_spec.ports) land on the container port they
 * publish, or on the first app container, as podman puts them; with
 * `--service` they become the Service's ports and the containers keep
 * only their containerPorts. */
#include "kube/generate-internal.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

#define DEFAULT_GRACE 30
#define DEFAULT_STOP_TIMEOUT 10   /* a ctr_spec's stop_timeout -1 */
#define NODEPORT_MIN 30000
#define NODEPORT_MAX 32767

static const char *const port_keys[] = {
	"name", "containerPort", "hostPort", "hostIP", "protocol", NULL,
};

/* ---- published ports ---- */

static const char *port_proto(const struct kgen_node *port)
{
	const char *p = kgen_get_str(port, "protocol");

	return p ? p : "TCP";
}

static int64_t port_int(const struct kgen_node *port, const char *key)
{
	const struct kgen_node *v = kgen_get(port, key);

	return v && v->type == KGEN_INT ? v->i : 0;
}

/* Put host port hp (on address ip) on the container port cp/proto of a
 * container; true when one took it. */
static bool publish_on(struct kgen_node *ctrs, int64_t cp, const char *proto, int64_t hp,
		       const char *ip)
{
	size_t i, j;

	for (i = 0; ctrs && i < ctrs->n; i++) {
		struct kgen_node *ports = kgen_get(ctrs->items[i], "ports");

		for (j = 0; ports && j < ports->n; j++) {
			struct kgen_node *po = ports->items[j];
			int64_t have = port_int(po, "hostPort");

			if (port_int(po, "containerPort") != cp || strcmp(port_proto(po), proto) ||
			    (have && have != hp))
				continue;
			if (!have && hp)
				kgen_put(po, "hostPort", kgen_int(hp));
			if (*ip && !kgen_get(po, "hostIP"))
				kgen_put_str(po, "hostIP", ip);
			kgen_order(po, port_keys);
			return true;
		}
	}
	return false;
}

static void publish_ports(struct kgen_pod *p, struct kgen_node *init, struct kgen_node *apps)
{
	const struct pod_spec *s = p->spec;
	size_t i;
	unsigned r;

	for (i = 0; s && i < s->n_ports; i++) {
		const struct net_port *np = &s->ports[i];
		const char *proto = !strcasecmp(np->proto, "udp") ? "UDP"
				    : !strcasecmp(np->proto, "sctp") ? "SCTP" : "TCP";

		for (r = 0; r < (np->range ? np->range : 1u); r++) {
			int64_t cp = np->container_port + r, hp = np->host_port ? np->host_port + r : 0;
			struct kgen_node *po, *target;

			if (publish_on(apps, cp, proto, hp, np->host_ip) ||
			    publish_on(init, cp, proto, hp, np->host_ip))
				continue;
			target = apps->n ? apps->items[0] : init->items[0];
			po = kgen_map();
			kgen_put(po, "containerPort", kgen_int(cp));
			if (hp)
				kgen_put(po, "hostPort", kgen_int(hp));
			if (hp && *np->host_ip)
				kgen_put_str(po, "hostIP", np->host_ip);
			kgen_put_str(po, "protocol", proto);
			kgen_push(kgen_get(target, "ports"), po);
		}
	}
}

/* A Service port per published port (each container port once). */
static void service_ports(struct kgen_node *ctrs, struct kgen_node *out, bool strip)
{
	size_t i, j;

	for (i = 0; i < ctrs->n; i++) {
		struct kgen_node *ports = kgen_get(ctrs->items[i], "ports");

		for (j = 0; ports && j < ports->n; j++) {
			struct kgen_node *po = ports->items[j], *sp;
			int64_t cp = port_int(po, "containerPort"), hp = port_int(po, "hostPort");
			const char *proto = port_proto(po), *pname = kgen_get_str(po, "name");
			cleanup_free char *name = NULL;
			size_t k;
			bool dup = false;

			if (!hp)
				continue;
			for (k = 0; k < out->n; k++)
				dup = dup || (port_int(out->items[k], "port") == cp &&
					      !strcmp(kgen_get_str(out->items[k], "protocol"), proto));
			if (strip) {
				kgen_del(po, "hostPort");
				kgen_del(po, "hostIP");
			}
			if (dup)
				continue;
			name = pname ? xstrdup(pname) : !strcmp(proto, "TCP")
				? xasprintf("%lld", (long long)cp)
				: xasprintf("%lld-%s", (long long)cp, proto);
			for (char *c = name; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			sp = kgen_map();
			kgen_put_str(sp, "name", name);
			kgen_put_str(sp, "protocol", proto);
			kgen_put(sp, "port", kgen_int(cp));
			kgen_put(sp, "targetPort", kgen_int(cp));
			if (hp >= NODEPORT_MIN && hp <= NODEPORT_MAX)
				kgen_put(sp, "nodePort", kgen_int(hp));
			kgen_push(out, sp);
		}
	}
}

static void drop_empty_ports(struct kgen_node *ctrs)
{
	size_t i;

	for (i = 0; i < ctrs->n; i++) {
		struct kgen_node *ports = kgen_get(ctrs->items[i], "ports");

		if (ports && !ports->n)
			kgen_del(ctrs->items[i], "ports");
	}
}

/* ---- pod-level fields ---- */

static struct json_object *kube_spec(const struct kgen_pod *p)
{
	return p->kube ? json_get_obj(p->kube, "spec") : NULL;
}

static struct json_object *kube_field(const struct kgen_pod *p, const char *key)
{
	struct json_object *ks = kube_spec(p), *v = NULL;

	if (ks)
		json_object_object_get_ex(ks, key, &v);
	return v;
}

/* "host:ip" entries: one alias per address, hostnames in order. */
static struct kgen_node *host_aliases(char *const *hosts)
{
	struct kgen_node *seq = kgen_seq();
	size_t i;

	for (; hosts && *hosts; hosts++) {
		const char *colon = strchr(*hosts, ':');
		cleanup_free char *host = NULL;
		struct kgen_node *alias = NULL;

		if (!colon || colon == *hosts || !colon[1])
			continue;
		host = xstrndup(*hosts, (size_t)(colon - *hosts));
		for (i = 0; i < seq->n && !alias; i++)
			if (!strcmp(kgen_get_str(seq->items[i], "ip"), colon + 1))
				alias = seq->items[i];
		if (!alias) {
			alias = kgen_map();
			kgen_put_str(alias, "ip", colon + 1);
			kgen_put(alias, "hostnames", kgen_seq());
			kgen_push(seq, alias);
		}
		kgen_push(kgen_get(alias, "hostnames"), kgen_str(host));
	}
	return seq;
}

static struct kgen_node *dns_config(char *const *servers, char *const *search,
				    char *const *options)
{
	struct kgen_node *d = kgen_map(), *opts = kgen_seq();

	kgen_put_nonempty(d, "nameservers", kgen_strv(servers));
	kgen_put_nonempty(d, "searches", kgen_strv(search));
	for (; options && *options; options++) {
		const char *colon = strchr(*options, ':');
		cleanup_free char *name = colon ? xstrndup(*options, (size_t)(colon - *options))
						: xstrdup(*options);
		struct kgen_node *o = kgen_map();

		kgen_put_str(o, "name", name);
		if (colon)
			kgen_put_str(o, "value", colon + 1);
		kgen_push(opts, o);
	}
	kgen_put_nonempty(d, "options", opts);
	return d;
}

static bool is_app(const struct ctr_info *ci)
{
	return !ci->infra && ci->spec.role == CTR_ROLE_APP;
}

/* The pod's restart policy: as written, else its first app container's. */
static const char *restart_policy(const struct kgen_pod *p)
{
	struct json_object *v = kube_field(p, "restartPolicy");
	size_t i;

	if (v && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	for (i = 0; i < p->in->n_ctrs; i++)
		if (is_app(&p->in->ctrs[i]))
			return kgen_restart_name(p->in->ctrs[i].spec.restart);
	return "Never";
}

static int64_t grace_period(const struct kgen_pod *p)
{
	struct json_object *v = kube_field(p, "terminationGracePeriodSeconds");
	int64_t g = -1;
	size_t i;

	if (v && json_object_is_type(v, json_type_int))
		return json_object_get_int64(v);
	for (i = 0; i < p->in->n_ctrs; i++) {
		const struct ctr_info *ci = &p->in->ctrs[i];
		int64_t t = ci->spec.stop_timeout < 0 ? DEFAULT_STOP_TIMEOUT : ci->spec.stop_timeout;

		if (!ci->infra && t > g)
			g = t;
	}
	return g < 0 ? DEFAULT_GRACE : g;
}

static void put_kube(struct kgen_node *spec, const struct kgen_pod *p, const char *key,
		     const char *dflt)
{
	struct json_object *v = kube_field(p, key);

	if (!v || (dflt && json_object_is_type(v, json_type_string) &&
		   !strcmp(json_object_get_string(v), dflt)))
		return;
	kgen_put(spec, key, kgen_from_json(v));
}

/* hostNetwork, hostPID, hostIPC, shareProcessNamespace: what the pod
 * runs with (containers outside a pod: what they all share). */
static void namespaces(struct kgen_node *spec, const struct kgen_pod *p)
{
	const struct pod_spec *s = p->spec;
	bool net = s && s->networks && s->networks[0] && !strcmp(s->networks[0], "host");
	bool pid = s && s->host_pid, ipc = s && s->host_ipc, any = false;
	size_t i;

	for (i = 0; !s && i < p->in->n_ctrs; i++) {
		const struct ns_spec *ns = &p->in->ctrs[i].spec.ns;

		net = (i == 0 || net) && ns->net && !strcmp(ns->net, "host");
		pid = pid || (ns->pid && !strcmp(ns->pid, "host"));
		ipc = ipc || (ns->ipc && !strcmp(ns->ipc, "host"));
		any = true;
	}
	if (!s && !any)
		net = false;
	if (net)
		kgen_put(spec, "hostNetwork", kgen_bool(true));
	if (pid)
		kgen_put(spec, "hostPID", kgen_bool(true));
	if (ipc)
		kgen_put(spec, "hostIPC", kgen_bool(true));
	if (s && s->share_pid)
		kgen_put(spec, "shareProcessNamespace", kgen_bool(true));
}

/* Containers outside a pod: their hosts, DNS and hostname together. */
static void group_network(struct kgen_node *spec, const struct kgen_pod *p)
{
	cleanup_strv char **hosts = NULL, **servers = NULL, **search = NULL, **opts = NULL;
	const char *hostname = NULL;
	size_t i;
	char **v;

	for (i = 0; i < p->in->n_ctrs; i++) {
		const struct ctr_spec *s = &p->in->ctrs[i].spec;

		/* not the default one, the start of the container's id */
		if (!hostname && s->hostname && *s->hostname &&
		    !strstr(p->in->ctrs[i].id ? p->in->ctrs[i].id : "", s->hostname))
			hostname = s->hostname;
		for (v = s->add_hosts; v && *v; v++)
			if (strv_find(hosts, *v) < 0)
				strv_push(&hosts, *v);
		for (v = s->dns_servers; v && *v; v++)
			if (strv_find(servers, *v) < 0)
				strv_push(&servers, *v);
		for (v = s->dns_search; v && *v; v++)
			if (strv_find(search, *v) < 0)
				strv_push(&search, *v);
		for (v = s->dns_options; v && *v; v++)
			if (strv_find(opts, *v) < 0)
				strv_push(&opts, *v);
	}
	kgen_put_str(spec, "hostname", hostname);
	kgen_put_nonempty(spec, "hostAliases", host_aliases(hosts));
	if (servers)
		kgen_put_str(spec, "dnsPolicy", "None");
	kgen_put_nonempty(spec, "dnsConfig", dns_config(servers, search, opts));
}

static void pod_network(struct kgen_node *spec, const struct kgen_pod *p)
{
	const struct pod_spec *s = p->spec;

	if (!s) {
		group_network(spec, p);
		return;
	}
	if (p->kube) {
		put_kube(spec, p, "hostname", NULL);
		put_kube(spec, p, "subdomain", NULL);
		put_kube(spec, p, "setHostnameAsFQDN", NULL);
		put_kube(spec, p, "hostAliases", NULL);
		put_kube(spec, p, "dnsPolicy", "ClusterFirst");
		put_kube(spec, p, "dnsConfig", NULL);
		return;
	}
	if (s->hostname && *s->hostname && strcmp(s->hostname, s->name))
		kgen_put_str(spec, "hostname", s->hostname);
	kgen_put_nonempty(spec, "hostAliases", host_aliases(s->add_hosts));
	if (s->dns_servers && s->dns_servers[0] && !s->dns_merge)
		kgen_put_str(spec, "dnsPolicy", "None");
	kgen_put_nonempty(spec, "dnsConfig", dns_config(s->dns_servers, s->dns_search,
							s->dns_options));
}

/* Pods without kube objects: the containers' sysctls, pod-wide in
 * Kubernetes. */
static struct kgen_node *pod_security(const struct kgen_pod *p)
{
	struct kgen_node *sc, *sysctls;
	cleanup_strv char **seen = NULL;
	size_t i;
	char **v;

	if (p->kube) {
		sc = kgen_from_json(kube_field(p, "securityContext"));
		if (sc && !sc->n) {
			kgen_free(sc);
			sc = NULL;
		}
		return sc;
	}
	sc = kgen_map();
	sysctls = kgen_seq();
	for (i = 0; i < p->in->n_ctrs; i++) {
		for (v = p->in->ctrs[i].spec.security.sysctls; v && *v; v++) {
			const char *eq = strchr(*v, '=');
			cleanup_free char *name = eq ? xstrndup(*v, (size_t)(eq - *v)) : NULL;
			struct kgen_node *e;

			if (!name || strv_find(seen, name) >= 0)
				continue;
			strv_push(&seen, name);
			e = kgen_map();
			kgen_put_str(e, "name", name);
			kgen_put_str(e, "value", eq + 1);
			kgen_push(sysctls, e);
		}
	}
	kgen_put_nonempty(sc, "sysctls", sysctls);
	if (!sc->n) {
		kgen_free(sc);
		return NULL;
	}
	return sc;
}

/* ---- metadata ---- */

/* peapod's own annotations are not the user's: none are written yet, but
 * the prefixes are reserved. */
static bool internal_annotation(const char *kv)
{
	return !strncmp(kv, "io.peapod.", 10) || !strncmp(kv, "peapod.io/", 10);
}

static void add_annotations(char ***all, char *const *v)
{
	for (; v && *v; v++) {
		size_t kl = strcspn(*v, "=");
		char **a;
		bool seen = false;

		if (internal_annotation(*v))
			continue;
		for (a = *all; a && *a && !seen; a++)
			seen = !strncmp(*a, *v, kl) && ((*a)[kl] == '=' || !(*a)[kl]);
		if (!seen)
			strv_push(all, *v);
	}
}

static struct kgen_node *metadata(struct kgen_pod *p)
{
	struct json_object *km = p->kube ? json_get_obj(p->kube, "metadata") : NULL;
	cleanup_free char *ns = km ? json_dup_str(km, "namespace") : NULL;
	cleanup_strv char **annotations = NULL;
	struct kgen_node *m = kgen_map(), *labels;
	size_t i;

	kgen_put_str(m, "name", p->name);
	if (ns && *ns)
		kgen_put_str(m, "namespace", ns);
	labels = p->spec ? kgen_kv_map(p->spec->labels) : NULL;
	if (!labels)
		labels = kgen_map();
	if (!kgen_get(labels, "app")) {
		kgen_put_str(labels, "app", p->name);
		kgen_sort(labels);
	}
	kgen_put(m, "labels", labels);
	if (p->spec)
		add_annotations(&annotations, p->spec->annotations);
	for (i = 0; i < p->in->n_ctrs; i++)
		if (!p->in->ctrs[i].infra)
			add_annotations(&annotations, p->in->ctrs[i].spec.annotations);
	kgen_put(m, "annotations", kgen_kv_map(annotations));
	return m;
}

/* ---- the pod ---- */

static int check_containers(const struct kgen_pod *p, struct pea_err **err)
{
	size_t i, n = 0;

	for (i = 0; i < p->in->n_ctrs; i++)
		n += !p->in->ctrs[i].infra;
	if (n)
		return 0;
	if (p->in->pod && p->in->pod->infra_id)
		return pea_err_setk(err, PEA_E_INVALID, 0, "pod %s only has an infra container",
				    p->in->pod->id);
	return pea_err_setk(err, PEA_E_INVALID, 0, "pod %s has no containers",
			    p->in->pod ? p->in->pod->id : p->name);
}

static struct kgen_node *pod_spec_node(struct kgen_pod *p, struct kgen_node *init,
				       struct kgen_node *apps)
{
	struct kgen_node *spec = kgen_map();
	int64_t grace = grace_period(p);

	kgen_put_str(spec, "restartPolicy", restart_policy(p));
	if (grace != DEFAULT_GRACE)
		kgen_put(spec, "terminationGracePeriodSeconds", kgen_int(grace));
	put_kube(spec, p, "activeDeadlineSeconds", NULL);
	namespaces(spec, p);
	put_kube(spec, p, "hostUsers", NULL);
	pod_network(spec, p);
	put_kube(spec, p, "serviceAccountName", "default");
	kgen_put(spec, "securityContext", pod_security(p));
	kgen_put_nonempty(spec, "initContainers", init);
	kgen_put(spec, "containers", apps);
	kgen_put_nonempty(spec, "volumes", p->volumes);
	p->volumes = NULL;
	return spec;
}

int kgen_pod_build(struct kgen_pod *p, struct kgen_node **meta, struct kgen_node **spec,
		   struct kgen_node **svc_ports, struct pea_err **err)
{
	struct kgen_node *init, *apps, *svc;
	size_t i;

	if (check_containers(p, err) < 0)
		return -1;
	if (p->spec && (!p->spec->infra || !p->spec->share_net || !p->spec->share_ipc ||
			!p->spec->share_uts))
		kgen_note(p->g, "pod \"%s\" does not share the network, IPC and UTS namespaces "
			  "among its containers; a Kubernetes pod does", p->name);
	p->volumes = kgen_seq();
	kgen_kube_volumes(p);
	init = kgen_seq();
	apps = kgen_seq();
	for (i = 0; i < p->in->n_ctrs; i++) {
		const struct ctr_info *ci = &p->in->ctrs[i];

		if (!ci->infra)
			kgen_push(is_app(ci) ? apps : init, kgen_container(p, ci));
	}
	publish_ports(p, init, apps);
	svc = kgen_seq();
	service_ports(apps, svc, p->g->opts->service);
	service_ports(init, svc, p->g->opts->service);
	drop_empty_ports(apps);
	drop_empty_ports(init);
	*spec = pod_spec_node(p, init, apps);
	*meta = metadata(p);
	*svc_ports = svc;
	return 0;
}
