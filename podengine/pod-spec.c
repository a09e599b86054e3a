/* Pod specs: lifecycle, the JSON form stored in the pods table, --share. */
#include "podengine/spec.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/xalloc.h"

#include <limits.h>
#include <openssl/evp.h>
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

/* vol_file data is bytes (it may hold NULs): base64 in JSON. */
static char *b64_encode(const char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)data, (int)len);
	return out;
}

/* Strict: only the standard alphabet, padded; NULL otherwise. */
static char *b64_decode(const char *s, size_t *len)
{
	size_t n = strlen(s), pad = 0, i;
	unsigned char *out;
	int r;

	*len = 0;
	if (n % 4 || n > INT_MAX)
		return NULL;
	while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
		pad++;
	for (i = 0; i < n - pad; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return NULL;
	}
	out = xmalloc(3 * (n / 4) + 1);
	r = n ? EVP_DecodeBlock(out, (const unsigned char *)s, (int)n) : 0;
	if (r < 0 || (size_t)r < pad) {
		free(out);
		return NULL;
	}
	*len = (size_t)r - pad;
	out[*len] = '\0';
	return (char *)out;
}

static const char *const vol_kinds[] = { "emptyDir", "files" };

static struct json_object *volumes_json(const struct pod_spec *s)
{
	struct json_object *a = json_object_new_array();
	size_t i, j;

	for (i = 0; i < s->n_volumes; i++) {
		const struct pod_volume *v = &s->volumes[i];
		struct json_object *o = json_object_new_object(), *files;

		json_put_str(o, "name", v->name);
		json_put_str(o, "kind", vol_kinds[v->kind == POD_VOL_FILES]);
		json_put_bool(o, "memory", v->memory);
		json_put_i64(o, "size_limit", v->size_limit);
		files = json_object_new_array();
		for (j = 0; j < v->n_files; j++) {
			const struct vol_file *f = &v->files[j];
			struct json_object *fo = json_object_new_object();
			cleanup_free char *b64 = b64_encode(f->data ? f->data : "", f->len);

			json_put_str(fo, "path", f->path);
			json_put_str(fo, "data", b64);
			json_object_object_add(fo, "mode", json_object_new_int64(f->mode));
			json_object_array_add(files, fo);
		}
		json_object_object_add(o, "files", files);
		json_put_str(o, "kube", v->kube);
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
	if (s->host_pid)
		json_put_bool(o, "host_pid", true);
	if (s->host_ipc)
		json_put_bool(o, "host_ipc", true);
	json_put_str(o, "fqdn", s->fqdn);
	if (s->n_volumes)
		json_object_object_add(o, "volumes", volumes_json(s));
	/* 0 is a group too: only -1 (none) is left out */
	if (s->fs_group >= 0)
		json_object_object_add(o, "fs_group", json_object_new_int64(s->fs_group));
	json_put_str(o, "kube", s->kube);
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

static int vol_files_from_json(struct json_object *vo, struct pod_volume *v,
			       struct pea_err **err)
{
	struct json_object *a;
	size_t i, n;

	if (!json_object_object_get_ex(vo, "files", &a) || !json_object_is_type(a, json_type_array))
		return 0;
	n = json_object_array_length(a);
	v->files = xcalloc(n ? n : 1, sizeof(*v->files));
	for (i = 0; i < n; i++) {
		struct json_object *fo = json_object_array_get_idx(a, i);
		struct vol_file *f = &v->files[i];
		cleanup_free char *b64 = json_dup_str(fo, "data");
		int64_t mode = json_get_i64(fo, "mode", 0644);

		f->path = json_dup_str(fo, "path");
		v->n_files++;
		f->data = b64_decode(b64 ? b64 : "", &f->len);
		if (!f->path || !f->data || mode < 0 || mode > 07777)
			return pea_err_setk(err, PEA_E_INVALID, 0, "pod spec: volume '%s': invalid "
					    "file '%s'", v->name ? v->name : "",
					    f->path ? f->path : "");
		f->mode = (uint32_t)mode;
	}
	return 0;
}

static int volumes_from_json(struct json_object *o, struct pod_spec *s, struct pea_err **err)
{
	struct json_object *a;
	size_t i, n;

	if (!json_object_object_get_ex(o, "volumes", &a) || !json_object_is_type(a, json_type_array))
		return 0;
	n = json_object_array_length(a);
	s->volumes = xcalloc(n ? n : 1, sizeof(*s->volumes));
	for (i = 0; i < n; i++) {
		struct json_object *vo = json_object_array_get_idx(a, i);
		struct pod_volume *v = &s->volumes[i];
		cleanup_free char *kind = json_dup_str(vo, "kind");

		s->n_volumes++;
		if (!json_object_is_type(vo, json_type_object))
			return pea_err_setk(err, PEA_E_INVALID, 0, "pod spec: volume is not an object");
		v->name = json_dup_str(vo, "name");
		if (kind && !strcmp(kind, vol_kinds[1]))
			v->kind = POD_VOL_FILES;
		else if (!kind || strcmp(kind, vol_kinds[0]))
			return pea_err_setk(err, PEA_E_INVALID, 0, "pod spec: volume '%s': unknown "
					    "kind '%s'", v->name ? v->name : "", kind ? kind : "");
		v->memory = json_get_bool(vo, "memory", false);
		v->size_limit = json_get_i64(vo, "size_limit", 0);
		v->kube = json_dup_str(vo, "kube");
		if (vol_files_from_json(vo, v, err) < 0)
			return -1;
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
	s->host_pid = json_get_bool(o, "host_pid", false);
	s->host_ipc = json_get_bool(o, "host_ipc", false);
	s->fqdn = json_dup_str(o, "fqdn");
	s->fs_group = json_get_i64(o, "fs_group", -1);
	s->kube = json_dup_str(o, "kube");
	return volumes_from_json(o, s, err);
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
