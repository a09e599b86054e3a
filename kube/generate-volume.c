/* Volumes and volumeMounts.
 *
 * Pods of `kube play` keep their volumes as written (pod_spec.kube):
 * hostPath, emptyDir, persistentVolumeClaim, and configMap, secret,
 * downwardAPI and projected volumes that name their ConfigMaps and Secrets
 * (their data is not printed).  Kinds peapod did not run (nfs, ...) and
 * projections it cannot make (serviceAccountToken, ...) are left out with
 * a note, and so are the mounts of such volumes.
 *
 * Containers without kube objects get volumes from their mounts, named as
 * podman names them: a bind mount of /srv/data is hostPath volume
 * "srv-data-host" (with the type of what is there), a named volume "db"
 * is claim "db" mounted through volume "db-pvc", a tmpfs on /run/x is an
 * emptyDir of medium Memory "run-x-tmpfs".  Two mounts of the same thing
 * share one volume. */
#include "kube/generate-internal.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

static const char *const volume_kinds[] = {
	"hostPath", "emptyDir", "persistentVolumeClaim", "configMap", "secret",
	"downwardAPI", "projected", NULL,
};

static const char *const projections[] = { "configMap", "secret", "downwardAPI", NULL };

char *kgen_claim(struct kgen *g, const char *vol)
{
	char *name = kgen_name(g, "volume", vol, true, "volume");

	if (strv_find(g->claims, name) < 0) {
		strv_push(&g->claims, name);
		strv_push(&g->claim_vols, vol);
	}
	return name;
}

/* A volume's source kind: its key other than "name". */
static const char *source_kind(const struct kgen_node *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], "name"))
			return v->keys[i];
	return "emptyDir";
}

static void add_volume(struct kgen_pod *p, const char *name, const char *key,
		       struct kgen_node *v)
{
	strv_push(&p->vol_names, name);
	strv_push(&p->vol_keys, key);
	kgen_push(p->volumes, v);
}

/* The projections peapod makes; false when none is left. */
static bool keep_projections(struct kgen_pod *p, const char *vname, struct kgen_node *proj)
{
	struct kgen_node *src = kgen_get(proj, "sources");
	size_t i;

	for (i = 0; src && i < src->n;) {
		const char *kind = src->items[i]->n ? src->items[i]->keys[0] : "";

		if (strv_find((char *const *)projections, kind) >= 0) {
			i++;
			continue;
		}
		kgen_note(p->g, "pod \"%s\": volume \"%s\": %s projections cannot be generated; "
			  "left out", p->name, vname, kind);
		kgen_free(src->items[i]);
		memmove(&src->items[i], &src->items[i + 1], (src->n - i - 1) * sizeof(*src->items));
		src->n--;
	}
	return src && src->n;
}

void kgen_kube_volumes(struct kgen_pod *p)
{
	struct json_object *spec = p->kube ? json_get_obj(p->kube, "spec") : NULL, *vols;
	size_t i;

	if (!spec || !json_object_object_get_ex(spec, "volumes", &vols) ||
	    !json_object_is_type(vols, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(vols); i++) {
		struct kgen_node *v = kgen_from_json(json_object_array_get_idx(vols, i));
		const char *name = v ? kgen_get_str(v, "name") : NULL;
		const char *kind = name ? source_kind(v) : NULL;
		cleanup_free char *key = NULL;

		if (!name || strv_find(p->vol_names, name) >= 0) {
			kgen_free(v);
			continue;
		}
		if (strv_find((char *const *)volume_kinds, kind) < 0 ||
		    (!strcmp(kind, "projected") && !keep_projections(p, name, kgen_get(v, kind)))) {
			if (strcmp(kind, "projected"))
				kgen_note(p->g, "pod \"%s\": volume \"%s\": %s volumes cannot be "
					  "generated; left out with its mounts", p->name, name, kind);
			strv_push(&p->dropped_vols, name);
			kgen_free(v);
			continue;
		}
		if (!strcmp(kind, "persistentVolumeClaim")) {
			const char *claim = kgen_get_str(kgen_get(v, kind), "claimName");

			if (claim)
				free(kgen_claim(p->g, claim));
		}
		key = xasprintf("kube:%s", name);
		add_volume(p, name, key, v);
	}
}

struct kgen_node *kgen_kube_mounts(struct kgen_pod *p, struct json_object *mounts)
{
	struct kgen_node *m = kgen_from_json(mounts), *out = kgen_seq();
	size_t i;

	for (i = 0; m && i < m->n; i++) {
		const char *name = kgen_get_str(m->items[i], "name");

		if (name && strv_find(p->dropped_vols, name) >= 0)
			continue;
		kgen_push(out, kgen_copy(m->items[i]));
	}
	kgen_free(m);
	return out;
}

/* base (made valid) + suffix, within 63 characters. */
static char *suffixed(const char *base, const char *suffix)
{
	cleanup_free char *n = kgen_name_quiet(base, false, "vol");
	size_t keep = strlen(n), sl = strlen(suffix);

	if (keep + sl > 63)
		keep = 63 - sl;
	while (keep && n[keep - 1] == '-')
		keep--;
	return xasprintf("%.*s%s", (int)keep, n, suffix);
}

/* The volume for key, made by `make` the first time: its name. */
static const char *volume_for(struct kgen_pod *p, const char *key, const char *base,
			      struct kgen_node *(*make)(struct kgen_pod *, const struct mount_spec *,
							const char *),
			      const struct mount_spec *m)
{
	int i = strv_find(p->vol_keys, key);
	cleanup_free char *name = NULL;
	struct kgen_node *v;

	if (i >= 0)
		return p->vol_names[i];
	name = kgen_unique(p->vol_names, base);
	v = make(p, m, name);
	if (!v)
		return NULL;
	add_volume(p, name, key, v);
	return p->vol_names[strv_len(p->vol_names) - 1];
}

static struct kgen_node *named(const char *name)
{
	struct kgen_node *v = kgen_map();

	kgen_put_str(v, "name", name);
	return v;
}

static struct kgen_node *make_host(struct kgen_pod *p, const struct mount_spec *m,
				   const char *name)
{
	const struct kube_gen_opts *o = p->g->opts;
	struct kgen_node *v = named(name), *hp = kgen_map();
	const char *type = m->host_path_type && *m->host_path_type ? m->host_path_type
			   : o->host_path_type ? o->host_path_type(o->arg, m->source) : NULL;

	kgen_put_str(hp, "path", m->source);
	kgen_put_str(hp, "type", type);
	kgen_put(v, "hostPath", hp);
	return v;
}

static struct kgen_node *make_claim(struct kgen_pod *p, const struct mount_spec *m,
				    const char *name)
{
	cleanup_free char *claim = kgen_claim(p->g, m->source);
	struct kgen_node *v = named(name), *pvc = kgen_map();

	kgen_put_str(pvc, "claimName", claim);
	kgen_put(v, "persistentVolumeClaim", pvc);
	return v;
}

static struct kgen_node *empty_dir(const char *name, bool memory, int64_t size)
{
	struct kgen_node *v = named(name), *ed = kgen_map();

	if (memory)
		kgen_put_str(ed, "medium", "Memory");
	if (size > 0) {
		cleanup_free char *q = kgen_mem_quantity(size);

		kgen_put_str(ed, "sizeLimit", q);
	}
	kgen_put(v, "emptyDir", ed);
	return v;
}

static struct kgen_node *make_tmpfs(struct kgen_pod *p, const struct mount_spec *m,
				    const char *name)
{
	int64_t size = 0;
	char **o;

	(void)p;
	for (o = m->options; o && *o; o++)
		if (!strncmp(*o, "size=", 5) && parse_size(*o + 5, &size, "size", NULL) < 0)
			size = 0;
	return empty_dir(name, true, size);
}

static struct kgen_node *make_pod_volume(struct kgen_pod *p, const struct mount_spec *m,
					 const char *name)
{
	const struct pod_volume *pv = NULL;
	size_t i;

	for (i = 0; p->spec && i < p->spec->n_volumes; i++)
		if (!strcmp(p->spec->volumes[i].name, m->source))
			pv = &p->spec->volumes[i];
	if (pv && pv->kube) {
		cleanup_json struct json_object *j = json_tokener_parse(pv->kube);
		struct kgen_node *v = kgen_from_json(j);

		if (v && v->type == KGEN_MAP) {
			kgen_put_str(v, "name", name);
			return v;
		}
		kgen_free(v);
	}
	if (pv && pv->kind == POD_VOL_EMPTYDIR)
		return empty_dir(name, pv->memory, pv->size_limit);
	kgen_note(p->g, "pod \"%s\": volume \"%s\" cannot be generated; its mounts are left "
		  "out", p->name, m->source);
	return NULL;
}

/* One mount: the volume it needs and the volumeMount. */
static struct kgen_node *spec_mount(struct kgen_pod *p, const struct mount_spec *m)
{
	cleanup_free char *key = NULL, *base = NULL;
	const char *name = NULL;
	struct kgen_node *vm;
	bool ro = m->readonly;
	char **o;

	switch (m->kind) {
	case MOUNT_BIND: {
		const char *s = m->source;

		while (*s == '/')
			s++;
		key = xasprintf("host:%s", m->source);
		base = suffixed(*s ? s : "root", "-host");
		name = volume_for(p, key, base, make_host, m);
		break;
	}
	case MOUNT_VOLUME:
		key = xasprintf("pvc:%s", m->source);
		base = suffixed(m->source, "-pvc");
		name = volume_for(p, key, base, make_claim, m);
		break;
	case MOUNT_TMPFS:
		key = xasprintf("tmpfs:%s", m->destination);
		base = suffixed(m->destination, "-tmpfs");
		name = volume_for(p, key, base, make_tmpfs, m);
		break;
	case MOUNT_POD_VOLUME: {
		int i;

		key = xasprintf("kube:%s", m->source);
		i = strv_find(p->vol_keys, key);
		name = i >= 0 ? p->vol_names[i] : volume_for(p, key, m->source, make_pod_volume, m);
		break;
	}
	}
	if (!name)
		return NULL;
	vm = kgen_map();
	kgen_put_str(vm, "name", name);
	kgen_put_str(vm, "mountPath", m->destination);
	for (o = m->options; o && *o; o++)
		ro = ro || !strcmp(*o, "ro");
	if (ro)
		kgen_put(vm, "readOnly", kgen_bool(true));
	if (m->subpath && *m->subpath)
		kgen_put_str(vm, "subPath", m->subpath);
	for (o = m->options; o && *o; o++) {
		if (!strcmp(*o, "rshared") || !strcmp(*o, "shared"))
			kgen_put_str(vm, "mountPropagation", "Bidirectional");
		else if (!strcmp(*o, "rslave") || !strcmp(*o, "slave"))
			kgen_put_str(vm, "mountPropagation", "HostToContainer");
	}
	return vm;
}

struct kgen_node *kgen_spec_mounts(struct kgen_pod *p, const struct ctr_info *ci)
{
	struct kgen_node *out = kgen_seq();
	size_t i;

	for (i = 0; i < ci->spec.n_mounts; i++)
		kgen_push(out, spec_mount(p, &ci->spec.mounts[i]));
	return out;
}
