/* Files volumes: configMap, secret, downwardAPI and projected volumes
 * become pod_volume FILES with their vol_files, as the kubelet's
 * MakePayload writes them:
 *
 *  - without items every key (data, then binaryData) is a file named after
 *    it; with items only those keys, at their paths;
 *  - mode: the item's, else defaultMode (projected: the projected volume's),
 *    else 0644;
 *  - a missing ConfigMap/Secret or item key is an error unless the source is
 *    optional (then the volume or the file is simply absent);
 *  - two files at one path (or a file where another needs a directory) are
 *    an error ("conflicting duplicate paths"). */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

#define DEFAULT_MODE 0644

/* "a//./b" -> "a/b"; NULL when absolute, empty or with a ".." part. */
static char *clean_path(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path, *e;
	size_t n;

	if (!path || *path == '/')
		return NULL;
	while (*p) {
		e = strchrnul(p, '/');
		n = (size_t)(e - p);
		if (n == 2 && !memcmp(p, "..", 2)) {
			strbuf_release(&sb);
			return NULL;
		}
		if (n && !(n == 1 && *p == '.')) {
			if (sb.len)
				strbuf_addch(&sb, '/');
			strbuf_add(&sb, p, n);
		}
		p = *e ? e + 1 : e;
	}
	if (!sb.len) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* a is b, or a directory above b. */
static bool path_covers(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

/* Add one file; errors at the current path (an item's path). */
static int add_file(struct kplan_pod *p, const struct kube_volume *v, struct pod_volume *out,
		    const char *path, const char *data, size_t len, uint32_t mode)
{
	cleanup_free char *clean = clean_path(path);
	struct vol_file *f;
	size_t i;

	if (!clean) {
		kplan_fail(p->k, &v->pos, "invalid value \"%s\": must be a relative path "
			   "without '..'", path ? path : "");
		return -1;
	}
	for (i = 0; i < out->n_files; i++) {
		if (!path_covers(out->files[i].path, clean) &&
		    !path_covers(clean, out->files[i].path))
			continue;
		if (!strcmp(clean, out->files[i].path))
			kplan_fail(p->k, &v->pos, "invalid value \"%s\": conflicting duplicate "
				   "paths", path);
		else
			kplan_fail(p->k, &v->pos, "invalid value \"%s\": conflicts with the file "
				   "\"%s\"", path, out->files[i].path);
		return -1;
	}
	out->files = xrealloc(out->files, (out->n_files + 1) * sizeof(*out->files));
	f = &out->files[out->n_files++];
	f->path = steal_ptr(clean);
	f->data = xmalloc(len + 1);
	memcpy(f->data, data, len);
	f->data[len] = '\0';
	f->len = len;
	f->mode = mode & 0777;
	return 0;
}

/* configMap or secret (volume or projection). */
static int add_keys(struct kplan_pod *p, const struct kube_volume *v,
		    const struct kube_cm_source *src, bool secret, int32_t def_mode,
		    struct pod_volume *out)
{
	const char *what = secret ? "secret" : "configmap";
	const struct kube_map *data = NULL, *bin = NULL;
	size_t i;
	int ret = 0, j;

	if (secret) {
		const struct kube_secret *s = kplan_secret(p->k, src->name, p->namespace);

		data = s ? &s->data : NULL;
	} else {
		const struct kube_configmap *cm = kplan_configmap(p->k, src->name, p->namespace);

		data = cm ? &cm->data : NULL;
		bin = cm ? &cm->binary_data : NULL;
	}
	if (!data) {
		if (src->optional)
			return 0;
		kplan_fail(p->k, &v->pos, "%s \"%s\" not found", what, src->name ? src->name : "");
		return -1;
	}
	if (!src->nitems) {
		for (i = 0; i < data->n; i++)
			if (add_file(p, v, out, data->keys[i], data->values[i], data->lens[i],
				     (uint32_t)def_mode) < 0)
				ret = -1;
		for (i = 0; bin && i < bin->n; i++)
			if (add_file(p, v, out, bin->keys[i], bin->values[i], bin->lens[i],
				     (uint32_t)def_mode) < 0)
				ret = -1;
		return ret;
	}
	for (i = 0; i < src->nitems; i++) {
		const struct kube_key_path *it = &src->items[i];
		const struct kube_map *m = data;

		kplan_idx(p->k, "items", i);
		j = it->key ? kube_map_find(m, it->key) : -1;
		if (j < 0 && bin && it->key && (j = kube_map_find(bin, it->key)) >= 0)
			m = bin;
		if (j < 0 && !src->optional) {
			kplan_key(p->k, "key");
			kplan_fail(p->k, &v->pos, "key \"%s\" not found in %s \"%s\"",
				   it->key ? it->key : "", what, src->name ? src->name : "");
			kplan_pop(p->k, 1);
			ret = -1;
		} else if (j >= 0) {
			kplan_key(p->k, "path");
			if (add_file(p, v, out, it->path, m->values[j], m->lens[j],
				     (uint32_t)(it->has_mode ? it->mode : def_mode)) < 0)
				ret = -1;
			kplan_pop(p->k, 1);
		}
		kplan_pop(p->k, 1);
	}
	return ret;
}

static int add_dapi(struct kplan_pod *p, const struct kube_volume *v,
		    const struct kube_dapi_source *src, int32_t def_mode, struct pod_volume *out)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < src->nitems; i++) {
		const struct kube_dapi_file *it = &src->items[i];
		cleanup_free char *value = NULL;
		bool pod_ip;

		kplan_idx(p->k, "items", i);
		if (it->field_ref) {
			kplan_key(p->k, "fieldRef");
			value = kplan_field_value(p, &v->pos, it->field_ref, true, &pod_ip);
			kplan_pop(p->k, 1);
		} else if (it->resource_field_ref) {
			kplan_key(p->k, "resourceFieldRef");
			value = kplan_resource_value(p, &v->pos, NULL, it->resource_field_ref);
			kplan_pop(p->k, 1);
		} else {
			kplan_fail(p->k, &v->pos, "required value: fieldRef or resourceFieldRef");
		}
		if (value) {
			kplan_key(p->k, "path");
			if (add_file(p, v, out, it->path, value, strlen(value),
				     (uint32_t)(it->has_mode ? it->mode : def_mode)) < 0)
				ret = -1;
			kplan_pop(p->k, 1);
		} else {
			ret = -1;
		}
		kplan_pop(p->k, 1);
	}
	return ret;
}

static int add_projected(struct kplan_pod *p, const struct kube_volume *v,
			 struct pod_volume *out)
{
	int32_t def = v->has_projected_default_mode ? v->projected_default_mode : DEFAULT_MODE;
	size_t i;
	int ret = 0;

	for (i = 0; i < v->nprojected_sources; i++) {
		const struct kube_projection *s = &v->projected_sources[i];

		kplan_idx(p->k, "projected.sources", i);
		if (s->config_map) {
			kplan_key(p->k, "configMap");
			if (add_keys(p, v, s->config_map, false, def, out) < 0)
				ret = -1;
			kplan_pop(p->k, 1);
		} else if (s->secret) {
			kplan_key(p->k, "secret");
			if (add_keys(p, v, s->secret, true, def, out) < 0)
				ret = -1;
			kplan_pop(p->k, 1);
		} else if (s->downward_api) {
			kplan_key(p->k, "downwardAPI");
			if (add_dapi(p, v, s->downward_api, def, out) < 0)
				ret = -1;
			kplan_pop(p->k, 1);
		} else if (s->service_account_token) {
			kplan_key(p->k, "serviceAccountToken");
			kplan_warn(p->k, &v->pos, "no token is written: there is no API server");
			kplan_pop(p->k, 1);
		} else if (s->unsupported) {
			kplan_key(p->k, s->unsupported);
			kplan_warn(p->k, &v->pos, "not supported; no file is written");
			kplan_pop(p->k, 1);
		}
		kplan_pop(p->k, 1);
	}
	return ret;
}

int kplan_volume_files(struct kplan_pod *p, const struct kube_volume *v,
		       struct pod_volume *out)
{
	const struct kube_cm_source *cm = v->config_map ? v->config_map : v->secret;
	int ret;

	out->kind = POD_VOL_FILES;
	if (cm) {
		kplan_key(p->k, v->config_map ? "configMap" : "secret");
		ret = add_keys(p, v, cm, !v->config_map, cm->has_default_mode
			       ? cm->default_mode : DEFAULT_MODE, out);
		kplan_pop(p->k, 1);
		return ret;
	}
	if (v->downward_api) {
		kplan_key(p->k, "downwardAPI");
		ret = add_dapi(p, v, v->downward_api, v->downward_api->has_default_mode
			       ? v->downward_api->default_mode : DEFAULT_MODE, out);
		kplan_pop(p->k, 1);
		return ret;
	}
	return add_projected(p, v, out);
}
