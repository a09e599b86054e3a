/* Pod specs: lifecycle, the JSON form stored in the pods table, --share. */
#include "podengine/spec.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

void pod_spec_init(struct pod_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->share_net = s->share_ipc = s->share_uts = true;
	s->infra = true;
	s->fs_group = -1;
}

void pod_volume_release(struct pod_volume *v)
{
	size_t i;

	free(v->name);
	for (i = 0; i < v->n_files; i++) {
		free(v->files[i].path);
		free(v->files[i].data);
	}
	free(v->files);
	free(v->kube);
	memset(v, 0, sizeof(*v));
}

void play_pod_release(struct play_pod *p)
{
	size_t i;

	pod_spec_release(&p->pod);
	for (i = 0; i < p->n_ctrs; i++)
		ctr_spec_release(&p->ctrs[i]);
	free(p->ctrs);
	free(p->workload);
	memset(p, 0, sizeof(*p));
}

void play_volume_release(struct play_volume *v)
{
	free(v->name);
	strv_free(v->labels);
	memset(v, 0, sizeof(*v));
}

void pod_spec_release(struct pod_spec *s)
{
	free(s->name);
	free(s->hostname);
	strv_free(s->labels);
	strv_free(s->annotations);
	free(s->ports);
	strv_free(s->networks);
	strv_free(s->add_hosts);
	strv_free(s->dns_servers);
	strv_free(s->dns_search);
	strv_free(s->dns_options);
	free(s->cgroup_parent);
	free(s->fqdn);
	for (size_t i = 0; i < s->n_volumes; i++)
		pod_volume_release(&s->volumes[i]);
	free(s->volumes);
	free(s->kube);
	pod_spec_init(s);
}

const char *pod_spec_net_mode(const struct pod_spec *s)
{
	const char *n = s->networks && s->networks[0] ? s->networks[0] : NULL;

	if (!n || !strcmp(n, "bridge"))
		return "bridge";
	if (!strcmp(n, "none") || !strcmp(n, "host"))
		return n;
	if (!strncmp(n, "ns:", 3))
		return "ns";
	return "bridge";   /* named networks */
}

/* ---- to JSON ---------------------------------------------------------- */

static struct json_object *ports_json(const struct pod_spec *s)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < s->n_ports; i++) {
		const struct net_port *p = &s->ports[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "host_port", json_object_new_int(p->host_port));
		json_object_object_add(o, "container_port", json_object_new_int(p->container_port));
		json_object_object_add(o, "range", json_object_new_int(p->range));
		json_put_str(o, "proto", p->proto);
		json_put_str(o, "host_ip", p->host_ip);
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *pod_spec_to_json(const struct pod_spec *s)
{
	struct json_object *o = json_object_new_object();

	json_put_str(o, "name", s->name);
	json_put_str(o, "hostname", s->hostname);
	json_put_strv(o, "labels", s->labels);
	json_put_strv(o, "annotations", s->annotations);
	json_put_bool(o, "share_net", s->share_net);
	json_put_bool(o, "share_ipc", s->share_ipc);
	json_put_bool(o, "share_uts", s->share_uts);
	json_put_bool(o, "share_pid", s->share_pid);
	json_put_bool(o, "infra", s->infra);
	json_object_object_add(o, "ports", ports_json(s));
	json_put_strv(o, "networks", s->networks);
	json_put_strv(o, "add_hosts", s->add_hosts);
	json_put_strv(o, "dns_servers", s->dns_servers);
	json_put_strv(o, "dns_search", s->dns_search);
	json_put_strv(o, "dns_options", s->dns_options);
	json_put_str(o, "cgroup_parent", s->cgroup_parent);
	return o;
}

/* ---- from JSON -------------------------------------------------------- */

static int get_port_num(struct json_object *o, const char *k, uint16_t *out,
			struct pea_err **err)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, k, &v)) {
		*out = 0;
		return 0;
	}
	n = json_object_get_int64(v);
	if (n < 0 || n > 65535)
		return pea_err_setk(err, PEA_E_INVALID, 0, "pod spec: %s %lld out of range", k,
				    (long long)n);
	*out = (uint16_t)n;
	return 0;
}

static void copy_fixed(char *dst, size_t size, struct json_object *o, const char *k)
{
	cleanup_free char *v = json_dup_str(o, k);

	snprintf(dst, size, "%s", v ? v : "");
}

static int ports_from_json(struct json_object *o, struct pod_spec *s, struct pea_err **err)
{
	struct json_object *a;
	size_t i, n;

	if (!json_object_object_get_ex(o, "ports", &a) || !json_object_is_type(a, json_type_array))
		return 0;
	n = json_object_array_length(a);
	s->ports = xcalloc(n ? n : 1, sizeof(*s->ports));
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(a, i);
		struct net_port *np = &s->ports[i];

		if (!json_object_is_type(p, json_type_object))
			return pea_err_setk(err, PEA_E_INVALID, 0, "pod spec: port is not an object");
		if (get_port_num(p, "host_port", &np->host_port, err) < 0 ||
		    get_port_num(p, "container_port", &np->container_port, err) < 0 ||
		    get_port_num(p, "range", &np->range, err) < 0)
			return -1;
		copy_fixed(np->proto, sizeof(np->proto), p, "proto");
		copy_fixed(np->host_ip, sizeof(np->host_ip), p, "host_ip");
		s->n_ports++;
	}
	return 0;
}

int pod_spec_from_json(struct json_object *o, struct pod_spec *s, struct pea_err **err)
{
	if (!json_object_is_type(o, json_type_object))
		return pea_err_setk(err, PEA_E_INVALID, 0, "pod spec: not a JSON object");
	s->name = json_dup_str(o, "name");
	s->hostname = json_dup_str(o, "hostname");
	s->labels = json_dup_strv(o, "labels");
	s->annotations = json_dup_strv(o, "annotations");
	s->share_net = json_get_bool(o, "share_net", true);
	s->share_ipc = json_get_bool(o, "share_ipc", true);
	s->share_uts = json_get_bool(o, "share_uts", true);
	s->share_pid = json_get_bool(o, "share_pid", false);
	s->infra = json_get_bool(o, "infra", true);
	if (ports_from_json(o, s, err) < 0)
		return -1;
	s->networks = json_dup_strv(o, "networks");
	s->add_hosts = json_dup_strv(o, "add_hosts");
	s->dns_servers = json_dup_strv(o, "dns_servers");
	s->dns_search = json_dup_strv(o, "dns_search");
	s->dns_options = json_dup_strv(o, "dns_options");
	s->cgroup_parent = json_dup_str(o, "cgroup_parent");
	return 0;
}

/* ---- --share ----------------------------------------------------------- */

int pod_spec_parse_share(const char *arg, struct pod_spec *s, struct pea_err **err)
{
	bool add = arg[0] == '+';
	cleanup_free char *copy = xstrdup(add ? arg + 1 : arg);
	bool net = false, ipc = false, uts = false, pid = false;
	char *save = NULL, *w;

	for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "net"))
			net = true;
		else if (!strcmp(w, "ipc"))
			ipc = true;
		else if (!strcmp(w, "uts"))
			uts = true;
		else if (!strcmp(w, "pid"))
			pid = true;
		else if (strcmp(w, "none") && strcmp(w, "cgroup"))
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid kernel namespace to "
					    "share: %s: must be ipc, net, pid or uts", w);
	}
	if (add) {
		s->share_net |= net;
		s->share_ipc |= ipc;
		s->share_uts |= uts;
		s->share_pid |= pid;
	} else {
		s->share_net = net;
		s->share_ipc = ipc;
		s->share_uts = uts;
		s->share_pid = pid;
	}
	return 0;
}
