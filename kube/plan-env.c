/* A container's environment as the kubelet makes it (makeEnvironment-
 * Variables): envFrom sources in order (keys prefixed; later wins), then
 * env in order, each value with $(VAR) expanded from what is defined before
 * it, valueFrom resolved from the ConfigMaps and Secrets of the stream and
 * the Downward API.  A variable keeps the place of its first definition and
 * the value of its last.
 *
 * status.podIP is known only when the pod has its address: such variables
 * go to ctr_spec.env_pod_ip (set at start), and a $(VAR) naming one stays as
 * written, with a warning. */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

static ssize_t env_find(const struct kplan_env *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->names[i], name))
			return (ssize_t)i;
	return -1;
}

static void env_set(struct kplan_env *e, const char *name, const char *value, bool pod_ip)
{
	ssize_t i = env_find(e, name);

	if (i < 0) {
		if (e->n == e->alloc) {
			e->alloc = e->alloc ? 2 * e->alloc : 16;
			e->names = xrealloc(e->names, e->alloc * sizeof(char *));
			e->values = xrealloc(e->values, e->alloc * sizeof(char *));
		}
		i = (ssize_t)e->n++;
		e->names[i] = xstrdup(name);
	} else {
		free(e->values[i]);
	}
	e->values[i] = pod_ip ? NULL : xstrdup(value);
}

/* kube_expand's lookup: defined variables; NULL for the pod IP ones (and
 * noted, for the warning). */
struct lookup_arg {
	struct kplan_env *env;
	char *pod_ip_ref;
};

static const char *lookup(void *arg, const char *name)
{
	struct lookup_arg *a = arg;
	ssize_t i = env_find(a->env, name);

	if (i < 0)
		return NULL;
	if (!a->env->values[i] && !a->pod_ip_ref)
		a->pod_ip_ref = xstrdup(name);
	return a->env->values[i];
}

char *kplan_expand(struct kplan_pod *p, const struct kube_pos *pos, struct kplan_env *env,
		   const char *in)
{
	struct lookup_arg a = { .env = env };
	char *s = kube_expand(in, lookup, &a);

	if (a.pod_ip_ref) {
		kplan_warn(p->k, pos, "$(%s) is the pod's IP address, known only when the pod "
			   "starts: kept as written", a.pod_ip_ref);
		free(a.pod_ip_ref);
	}
	return s;
}

void kplan_env_release(struct kplan_env *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->names[i]);
		free(e->values[i]);
	}
	free(e->names);
	free(e->values);
	memset(e, 0, sizeof(*e));
}

/* Environment variable names as Kubernetes (RelaxedEnvironmentVariable-
 * Validation, GA in 1.34) accepts them: printable ASCII but '='. */
static bool env_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 32 || *s > 126 || *s == '=')
			return false;
	return true;
}

static void add_source(struct kplan_pod *p, const struct kube_env_from *f,
		       const struct kube_map *data, struct kplan_env *env)
{
	struct strbuf bad = STRBUF_INIT;
	size_t i;

	for (i = 0; i < data->n; i++) {
		cleanup_free char *name = xasprintf("%s%s", f->prefix ? f->prefix : "",
						    data->keys[i]);

		if (!env_name_ok(name) || memchr(data->values[i], '\0', data->lens[i])) {
			strbuf_addf(&bad, "%s\"%s\"", bad.len ? ", " : "", name);
			continue;
		}
		env_set(env, name, data->values[i], false);
	}
	if (bad.len)
		kplan_warn(p->k, &f->pos, "keys %s skipped: not valid environment variables "
			   "(a name with '=' or a control character, or a value with a NUL byte)",
			   bad.buf);
	strbuf_release(&bad);
}

static int plan_env_from(struct kplan_pod *p, const struct kube_env_from *f,
			 struct kplan_env *env)
{
	const struct kube_key_ref *ref = f->config_map_ref ? f->config_map_ref : f->secret_ref;
	const struct kube_configmap *cm = NULL;
	const struct kube_secret *sec = NULL;
	const char *what = f->config_map_ref ? "configmap" : "secret";

	if (!ref)
		return 0;
	if (f->config_map_ref)
		cm = kplan_configmap(p->k, ref->name, p->namespace);
	else
		sec = kplan_secret(p->k, ref->name, p->namespace);
	if (!cm && !sec) {
		if (ref->optional)
			return 0;
		kplan_key(p->k, f->config_map_ref ? "configMapRef" : "secretRef");
		kplan_fail(p->k, &f->pos, "%s \"%s\" not found", what, ref->name ? ref->name : "");
		kplan_pop(p->k, 1);
		return -1;
	}
	add_source(p, f, cm ? &cm->data : &sec->data, env);
	return 0;
}

/* configMapKeyRef / secretKeyRef: 1 with *value, 0 when optional and
 * missing, -1 on error. */
static int key_ref_value(struct kplan_pod *p, const struct kube_env *e, bool secret,
			 char **value)
{
	const struct kube_key_ref *ref = secret ? e->value_from->secret_key_ref
						: e->value_from->config_map_key_ref;
	const char *what = secret ? "secret" : "configmap";
	const struct kube_map *data = NULL;
	int i = -1;

	if (secret) {
		const struct kube_secret *s = kplan_secret(p->k, ref->name, p->namespace);

		data = s ? &s->data : NULL;
	} else {
		const struct kube_configmap *cm = kplan_configmap(p->k, ref->name, p->namespace);

		data = cm ? &cm->data : NULL;
	}
	if (data && ref->key)
		i = kube_map_find(data, ref->key);
	if (i >= 0 && memchr(data->values[i], '\0', data->lens[i])) {
		kplan_fail(p->k, &e->pos, "key \"%s\" of %s \"%s\" holds a NUL byte, which an "
			   "environment variable cannot", ref->key, what, ref->name);
		return -1;
	}
	if (i >= 0) {
		*value = xstrdup(data->values[i]);
		return 1;
	}
	if (ref->optional)
		return 0;
	if (!data)
		kplan_fail(p->k, &e->pos, "%s \"%s\" not found", what, ref->name ? ref->name : "");
	else
		kplan_fail(p->k, &e->pos, "key \"%s\" not found in %s \"%s\"",
			   ref->key ? ref->key : "", what, ref->name ? ref->name : "");
	return -1;
}

/* valueFrom: 1 with *value (NULL = the pod IP), 0 = not set, -1 error. */
static int value_from(struct kplan_pod *p, const struct kube_container *c,
		      const struct kube_env *e, char **value)
{
	const struct kube_env_source *vf = e->value_from;
	bool pod_ip = false;
	int ret;

	kplan_key(p->k, "valueFrom");
	if (vf->config_map_key_ref || vf->secret_key_ref) {
		kplan_key(p->k, vf->secret_key_ref ? "secretKeyRef" : "configMapKeyRef");
		ret = key_ref_value(p, e, vf->secret_key_ref != NULL, value);
		kplan_pop(p->k, 1);
	} else if (vf->field_ref) {
		kplan_key(p->k, "fieldRef");
		*value = kplan_field_value(p, &e->pos, vf->field_ref, false, &pod_ip);
		ret = *value ? 1 : -1;
		if (pod_ip) {
			free(*value);
			*value = NULL;
		}
		kplan_pop(p->k, 1);
	} else if (vf->resource_field_ref) {
		kplan_key(p->k, "resourceFieldRef");
		*value = kplan_resource_value(p, &e->pos, c, vf->resource_field_ref);
		ret = *value ? 1 : -1;
		kplan_pop(p->k, 1);
	} else {
		ret = 0;
	}
	kplan_pop(p->k, 1);
	return ret;
}

static int plan_env_var(struct kplan_pod *p, const struct kube_container *c,
			const struct kube_env *e, struct kplan_env *env)
{
	cleanup_free char *value = NULL;
	int ret;

	if (!e->name)
		return 0;
	if (e->value && *e->value) {
		kplan_key(p->k, "value");
		value = kplan_expand(p, &e->pos, env, e->value);
		kplan_pop(p->k, 1);
	} else if (e->value_from) {
		ret = value_from(p, c, e, &value);
		if (ret <= 0)
			return ret;
		if (!value) {
			env_set(env, e->name, NULL, true);
			return 0;
		}
	}
	env_set(env, e->name, value ? value : "", false);
	return 0;
}

int kplan_container_env(struct kplan_pod *p, const struct kube_container *c,
			struct ctr_spec *out, struct kplan_env *env)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < c->nenv_from; i++) {
		kplan_idx(p->k, "envFrom", i);
		if (plan_env_from(p, &c->env_from[i], env) < 0)
			ret = -1;
		kplan_pop(p->k, 1);
	}
	for (i = 0; i < c->nenv; i++) {
		kplan_idx(p->k, "env", i);
		if (plan_env_var(p, c, &c->env[i], env) < 0)
			ret = -1;
		kplan_pop(p->k, 1);
	}
	for (i = 0; i < env->n; i++) {
		cleanup_free char *kv = NULL;

		if (!env->values[i]) {
			strv_push(&out->env_pod_ip, env->names[i]);
			continue;
		}
		kv = xasprintf("%s=%s", env->names[i], env->values[i]);
		strv_push(&out->env, kv);
	}
	return ret;
}
