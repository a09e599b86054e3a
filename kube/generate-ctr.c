/* One container object.
 *
 * command and args follow Kubernetes' semantics (command = ENTRYPOINT,
 * args = CMD, command alone clears CMD) and are left out when the
 * container runs what its image says; workingDir and env likewise only
 * where they differ from the image.  For containers of `kube play` the
 * values are the ones written (unexpanded $(VAR), env from ConfigMaps and
 * Secrets by reference); for the others the spec's, with "$" doubled
 * where the kubelet would expand it. */
#include "kube/generate-internal.h"
#include "base/cleanup.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

/* peapod's own PATH for images without one (podengine/oci-spec.c). */
#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const char *kgen_restart_name(enum restart_policy r)
{
	switch (r) {
	case RESTART_ALWAYS:
	case RESTART_UNLESS_STOPPED:
		return "Always";
	case RESTART_ON_FAILURE:
		return "OnFailure";
	default:
		return "Never";
	}
}

/* A string array of the image config (NULL when absent or null). */
static char **img_strv(const struct ctr_info *ci, const char *key)
{
	return ci->image_config ? json_dup_strv(ci->image_config, key) : NULL;
}

static bool strv_eq(char *const *a, char *const *b)
{
	size_t i, n = strv_len(a);

	if (n != strv_len(b))
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

static struct kgen_node *json_list(struct json_object *kube, const char *key)
{
	struct json_object *v;

	if (!kube || !json_object_object_get_ex(kube, key, &v) ||
	    !json_object_is_type(v, json_type_array) || !json_object_array_length(v))
		return NULL;
	return kgen_from_json(v);
}

/* command or args: the kube object's as written, else the spec's. */
static void put_argv(struct kgen_node *c, const char *key, char *const *v,
		     struct json_object *kube)
{
	struct kgen_node *n;

	if (!strv_len(v))
		return;
	n = json_list(kube, key);
	if (!n) {
		n = kgen_seq();
		for (; *v; v++) {
			cleanup_free char *e = kgen_escape_expand(*v);

			kgen_push(n, kgen_str(e));
		}
	}
	kgen_put(c, key, n);
}

static void command_args(struct kgen_node *c, const struct ctr_info *ci,
			 struct json_object *kube)
{
	const struct ctr_spec *s = &ci->spec;
	cleanup_strv char **iep = img_strv(ci, "Entrypoint"), **icmd = img_strv(ci, "Cmd");
	char *const *ep = s->entrypoint ? s->entrypoint : iep;
	char *const *cmd = s->cmd ? s->cmd : icmd;
	char *const *out_cmd = NULL, *const *out_args = NULL;

	if (!ci->image_config) {
		out_cmd = s->entrypoint;
		out_args = s->cmd;
	} else if (strv_eq(ep, iep)) {
		if (strv_eq(cmd, icmd))
			return;
		if (strv_len(cmd))
			out_args = cmd;
		else
			out_cmd = ep;           /* command alone: no CMD */
	} else if (strv_len(ep)) {
		out_cmd = ep;
		out_args = cmd;
	} else {
		out_cmd = cmd;                  /* an empty ENTRYPOINT: argv is CMD */
	}
	put_argv(c, "command", out_cmd, kube);
	put_argv(c, "args", out_args, kube);
}

static void working_dir(struct kgen_node *c, const struct ctr_info *ci)
{
	const char *wd = ci->spec.workdir;
	cleanup_free char *img = ci->image_config ? json_dup_str(ci->image_config, "WorkingDir")
						  : NULL;

	if (!wd || !*wd)
		return;
	if (!strcmp(wd, img && *img ? img : "/"))
		return;
	kgen_put_str(c, "workingDir", wd);
}

static struct kgen_node *spec_env(const struct ctr_info *ci)
{
	cleanup_strv char **img = img_strv(ci, "Env");
	struct kgen_node *env = kgen_seq();
	bool img_path = false;
	char **e;

	for (e = img; e && *e; e++)
		img_path = img_path || !strncmp(*e, "PATH=", 5);
	for (e = ci->spec.env; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		cleanup_free char *name = NULL, *value = NULL;
		struct kgen_node *v;

		if (!eq || eq == *e || strv_find(img, *e) >= 0 ||
		    (!img_path && !strcmp(*e, DEFAULT_PATH)))
			continue;
		name = xstrndup(*e, (size_t)(eq - *e));
		value = kgen_escape_expand(eq + 1);
		v = kgen_map();
		kgen_put_str(v, "name", name);
		kgen_put_str(v, "value", value);
		kgen_push(env, v);
	}
	return env;
}

/* Whether an envFrom source could set name (no prefix, or name has it). */
static bool env_from_may_set(struct json_object *kube, const char *name)
{
	struct json_object *ef, *e, *pfx;
	size_t i;

	if (!kube || !json_object_object_get_ex(kube, "envFrom", &ef) ||
	    !json_object_is_type(ef, json_type_array))
		return false;
	for (i = 0; i < json_object_array_length(ef); i++) {
		e = json_object_array_get_idx(ef, i);
		if (!json_object_object_get_ex(e, "prefix", &pfx) ||
		    !strncmp(name, json_object_get_string(pfx),
			     strlen(json_object_get_string(pfx))))
			return true;
	}
	return false;
}

/* The kube env without plain values the image sets the same way (unless
 * envFrom could set them first). */
static struct kgen_node *kube_env(const struct ctr_info *ci, struct json_object *kube)
{
	cleanup_strv char **img = img_strv(ci, "Env");
	struct kgen_node *all = json_list(kube, "env"), *env = kgen_seq();
	size_t i;

	for (i = 0; all && i < all->n; i++) {
		const struct kgen_node *e = all->items[i];
		const char *name = kgen_get_str(e, "name"), *value = kgen_get_str(e, "value");

		if (name && value && !kgen_get(e, "valueFrom") && !env_from_may_set(kube, name)) {
			cleanup_free char *kv = xasprintf("%s=%s", name, value);

			if (strv_find(img, kv) >= 0)
				continue;
		}
		kgen_push(env, kgen_copy(e));
	}
	kgen_free(all);
	return env;
}

/* The resources of a kube object, maps sorted. */
static struct kgen_node *kube_resources(struct json_object *kube)
{
	struct kgen_node *r = kgen_from_json(json_get_obj(kube, "resources"));

	if (!r)
		return NULL;
	kgen_sort(kgen_get(r, "limits"));
	kgen_sort(kgen_get(r, "requests"));
	return r;
}

static void put_json(struct kgen_node *c, const char *key, struct json_object *kube)
{
	struct json_object *v;

	if (kube && json_object_object_get_ex(kube, key, &v))
		kgen_put(c, key, kgen_from_json(v));
}

/* A kube string field unless it has the value the API server defaults. */
static void put_json_str(struct kgen_node *c, const char *key, struct json_object *kube,
			 const char *dflt)
{
	struct json_object *v;

	if (!kube || !json_object_object_get_ex(kube, key, &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    (dflt && !strcmp(json_object_get_string(v), dflt)))
		return;
	kgen_put_str(c, key, json_object_get_string(v));
}

/* "<pod>-<name>" -> "<name>" (kube play adds the prefix), made valid and
 * unique within the pod. */
static char *ctr_name(struct kgen_pod *p, const struct ctr_info *ci)
{
	size_t pl = strlen(p->orig_name);
	const char *n = ci->name;
	cleanup_free char *valid = NULL;
	char *name;

	if (p->in->pod && !strncmp(n, p->orig_name, pl) && n[pl] == '-' && n[pl + 1])
		n += pl + 1;
	valid = kgen_name(p->g, "container", n, false, "container");
	name = kgen_unique(p->ctr_names, valid);
	strv_push(&p->ctr_names, name);
	return name;
}

/* ports: the pod fills in its published ports (generate-pod.c); an empty
 * list keeps their place and is dropped at the end. */
static void kube_fields(struct kgen_pod *p, const struct ctr_info *ci, struct kgen_node *c,
			struct json_object *k)
{
	struct json_object *mounts = NULL;

	kgen_put_nonempty(c, "env", kube_env(ci, k));
	put_json(c, "envFrom", k);
	kgen_put(c, "ports", kgen_seq());
	kgen_put(c, "ports", json_list(k, "ports"));   /* over the placeholder */
	kgen_put(c, "resources", kube_resources(k));
	kgen_put(c, "securityContext", kgen_kube_security(json_get_obj(k, "securityContext")));
	json_object_object_get_ex(k, "volumeMounts", &mounts);
	kgen_put_nonempty(c, "volumeMounts", kgen_kube_mounts(p, mounts));
	put_json(c, "livenessProbe", k);
	put_json(c, "readinessProbe", k);
	put_json(c, "startupProbe", k);
	put_json(c, "lifecycle", k);
	put_json_str(c, "terminationMessagePath", k, "/dev/termination-log");
	put_json_str(c, "terminationMessagePolicy", k, "File");
	put_json(c, "stdin", k);
	put_json(c, "stdinOnce", k);
	put_json(c, "tty", k);
}

static void spec_fields(struct kgen_pod *p, const struct ctr_info *ci, struct kgen_node *c)
{
	kgen_put_nonempty(c, "env", spec_env(ci));
	kgen_put(c, "ports", kgen_seq());
	kgen_put(c, "resources", kgen_spec_resources(&ci->spec));
	kgen_put(c, "securityContext", kgen_spec_security(p, ci));
	kgen_put_nonempty(c, "volumeMounts", kgen_spec_mounts(p, ci));
	if (ci->spec.stdin_open)
		kgen_put(c, "stdin", kgen_bool(true));
	if (ci->spec.tty)
		kgen_put(c, "tty", kgen_bool(true));
}

struct kgen_node *kgen_container(struct kgen_pod *p, const struct ctr_info *ci)
{
	cleanup_json struct json_object *k = ci->spec.kube ? json_tokener_parse(ci->spec.kube)
							   : NULL;
	cleanup_free char *name = ctr_name(p, ci);
	struct kgen_node *c = kgen_map();

	if (k && !json_object_is_type(k, json_type_object)) {
		json_object_put(k);
		k = NULL;
	}
	kgen_put_str(c, "name", name);
	kgen_put_str(c, "image", ci->spec.image ? ci->spec.image : ci->image_name);
	put_json_str(c, "imagePullPolicy", k, NULL);
	if (ci->spec.role == CTR_ROLE_SIDECAR)
		kgen_put_str(c, "restartPolicy", "Always");
	command_args(c, ci, k);
	working_dir(c, ci);
	if (k)
		kube_fields(p, ci, c, k);
	else
		spec_fields(p, ci, c);
	return c;
}
