/* Volumes of a pod and the mounts of its containers:
 *
 *   hostPath              -> MOUNT_BIND of the path, with host_path_type
 *   emptyDir (or nothing) -> pod_volume EMPTYDIR, MOUNT_POD_VOLUME
 *   configMap, secret,
 *   downwardAPI, projected -> pod_volume FILES (plan-files.c), mounted
 *                            read-only as the kubelet does
 *   persistentVolumeClaim -> MOUNT_VOLUME of the claim's name, and the claim
 *                            in the plan's volumes
 *   anything else         -> a warning for the volume and for each mount of
 *                            it, which is skipped (the container runs with
 *                            what its image has at that path)
 *
 * subPathExpr is expanded with the container's whole environment and must
 * stay relative, without "..", as the kubelet checks it. */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

static bool is_files(const struct kube_volume *v)
{
	return v->config_map || v->secret || v->downward_api || v->has_projected ||
	       v->projected_sources;
}

static int plan_empty_dir(struct kplan_pod *p, const struct kube_volume *v,
			  struct pod_volume *out)
{
	const char *medium = v->empty_dir_medium ? v->empty_dir_medium : "";
	struct pea_err *err = NULL;
	int64_t size = 0;

	out->kind = POD_VOL_EMPTYDIR;
	out->memory = !strcmp(medium, "Memory");
	if (*medium && !out->memory) {
		kplan_key(p->k, "emptyDir.medium");
		kplan_warn(p->k, &v->pos, "medium \"%s\" is not supported; a directory on disk "
			   "is used", medium);
		kplan_pop(p->k, 1);
	}
	if (!v->empty_dir_size_limit)
		return 0;
	kplan_key(p->k, "emptyDir.sizeLimit");
	if (kube_quantity_value(v->empty_dir_size_limit, &size, &err) < 0) {
		kplan_fail(p->k, &v->pos, "%s", err->msg);
		pea_err_free(err);
	} else if (size < 0) {
		kplan_fail(p->k, &v->pos, "invalid value \"%s\": must be greater than or equal "
			   "to 0", v->empty_dir_size_limit);
	}
	kplan_pop(p->k, 1);
	out->size_limit = size > 0 ? size : 0;
	return size < 0 || err ? -1 : 0;
}

int kplan_pod_volumes(struct kplan_pod *p)
{
	const struct kube_pod_spec *s = p->spec;
	struct pod_spec *pod = &p->out->pod;
	size_t i;
	int ret = 0, r;

	for (i = 0; i < s->nvolumes; i++) {
		const struct kube_volume *v = &s->volumes[i];
		struct pod_volume *pv;

		kplan_idx(p->k, "volumes", i);
		if (v->unsupported) {
			kplan_warn(p->k, &v->pos, "volume \"%s\": %s volumes are not supported; "
				   "skipped", v->name, v->unsupported);
		} else if (v->pvc_claim_name) {
			kplan_add_volume(p->k, v->pvc_claim_name, NULL);
		} else if (!v->has_host_path) {
			pod->volumes = xrealloc(pod->volumes,
						(pod->n_volumes + 1) * sizeof(*pod->volumes));
			pv = &pod->volumes[pod->n_volumes++];
			memset(pv, 0, sizeof(*pv));
			pv->name = xstrdup(v->name ? v->name : "");
			r = is_files(v) ? kplan_volume_files(p, v, pv) : plan_empty_dir(p, v, pv);
			if (r < 0)
				ret = -1;
			pv->kube = kplan_json_volume(v);
		}
		kplan_pop(p->k, 1);
	}
	return ret;
}

static const struct kube_volume *find_volume(const struct kube_pod_spec *s, const char *name)
{
	size_t i;

	for (i = 0; name && i < s->nvolumes; i++)
		if (s->volumes[i].name && !strcmp(s->volumes[i].name, name))
			return &s->volumes[i];
	return NULL;
}

static bool relative_down(const char *path)
{
	const char *p = path, *e;

	if (*path == '/')
		return false;
	for (; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, '/');
		if (e - p == 2 && !memcmp(p, "..", 2))
			return false;
	}
	return true;
}

/* subPath, or subPathExpr expanded: the subpath (NULL = whole), or -1. */
static int plan_subpath(struct kplan_pod *p, const struct kube_vol_mount *m,
			struct kplan_env *env, char **out)
{
	const char *field = m->sub_path_expr ? "subPathExpr" : "subPath";
	cleanup_free char *s = NULL;

	*out = NULL;
	if (m->sub_path && *m->sub_path && m->sub_path_expr && *m->sub_path_expr) {
		kplan_key(p->k, "subPathExpr");
		kplan_fail(p->k, &m->pos, "subPathExpr and subPath are mutually exclusive");
		kplan_pop(p->k, 1);
		return -1;
	}
	kplan_key(p->k, field);
	if (m->sub_path_expr)
		s = kplan_expand(p, &m->pos, env, m->sub_path_expr);
	else if (m->sub_path)
		s = xstrdup(m->sub_path);
	if (s && !relative_down(s)) {
		kplan_fail(p->k, &m->pos, "invalid value \"%s\"%s: must be a relative path "
			   "without '..'", s, m->sub_path_expr ? " after expansion" : "");
		kplan_pop(p->k, 1);
		return -1;
	}
	kplan_pop(p->k, 1);
	if (s && *s)
		*out = steal_ptr(s);
	return 0;
}

/* HostToContainer -> rslave; Bidirectional -> rshared (privileged only). */
static int plan_propagation(struct kplan_pod *p, const struct kube_vol_mount *m,
			    bool privileged, struct mount_spec *ms)
{
	const char *mp = m->mount_propagation;

	if (!mp || !*mp || !strcmp(mp, "None"))
		return 0;
	kplan_key(p->k, "mountPropagation");
	if (!strcmp(mp, "HostToContainer")) {
		strv_push(&ms->options, "rslave");
	} else if (strcmp(mp, "Bidirectional")) {
		kplan_fail(p->k, &m->pos, "unsupported value \"%s\": supported values: "
			   "\"Bidirectional\", \"HostToContainer\", \"None\"", mp);
	} else if (!privileged) {
		kplan_fail(p->k, &m->pos, "Bidirectional mount propagation is available only to "
			   "privileged containers");
	} else {
		strv_push(&ms->options, "rshared");
	}
	kplan_pop(p->k, 1);
	return ms->options ? 0 : -1;
}

static void mount_source(const struct kube_volume *v, const struct kube_vol_mount *m,
			 struct mount_spec *ms)
{
	ms->readonly = m->read_only;
	if (v->has_host_path) {
		ms->kind = MOUNT_BIND;
		ms->source = xstrdup(v->host_path ? v->host_path : "");
		if (v->host_path_type && *v->host_path_type)
			ms->host_path_type = xstrdup(v->host_path_type);
	} else if (v->pvc_claim_name) {
		ms->kind = MOUNT_VOLUME;
		ms->source = xstrdup(v->pvc_claim_name);
		ms->readonly |= v->pvc_read_only;
	} else {
		ms->kind = MOUNT_POD_VOLUME;
		ms->source = xstrdup(v->name);
		ms->readonly |= is_files(v);
	}
}

static int plan_mount(struct kplan_pod *p, const struct kube_vol_mount *m,
		      struct kplan_env *env, bool privileged, struct ctr_spec *out)
{
	const struct kube_volume *v = find_volume(p->spec, m->name);
	struct mount_spec ms = { 0 };
	size_t i;

	if (!v) {
		kplan_key(p->k, "name");
		kplan_fail(p->k, &m->pos, "volume \"%s\" not found", m->name ? m->name : "");
		kplan_pop(p->k, 1);
		return -1;
	}
	if (v->unsupported) {
		kplan_warn(p->k, &m->pos, "volume \"%s\": %s volumes are not supported; the "
			   "mount at %s is skipped", v->name, v->unsupported,
			   m->mount_path ? m->mount_path : "");
		return 0;
	}
	for (i = 0; m->mount_path && i < out->n_mounts; i++) {
		if (strcmp(out->mounts[i].destination, m->mount_path))
			continue;
		kplan_key(p->k, "mountPath");
		kplan_fail(p->k, &m->pos, "invalid value \"%s\": must be unique", m->mount_path);
		kplan_pop(p->k, 1);
		return -1;
	}
	ms.destination = xstrdup(m->mount_path ? m->mount_path : "");
	if (plan_subpath(p, m, env, &ms.subpath) < 0 ||
	    plan_propagation(p, m, privileged, &ms) < 0) {
		mount_spec_release(&ms);
		return -1;
	}
	mount_source(v, m, &ms);
	out->mounts = xrealloc(out->mounts, (out->n_mounts + 1) * sizeof(*out->mounts));
	out->mounts[out->n_mounts++] = ms;
	return 0;
}

int kplan_container_mounts(struct kplan_pod *p, const struct kube_container *c,
			   struct kplan_env *env, bool privileged, struct ctr_spec *out)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < c->nvolume_mounts; i++) {
		kplan_idx(p->k, "volumeMounts", i);
		if (plan_mount(p, &c->volume_mounts[i], env, privileged, out) < 0)
			ret = -1;
		kplan_pop(p->k, 1);
	}
	return ret;
}
