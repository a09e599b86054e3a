/* One container of the plan: image and pull policy, command and args
 * against the image's, restart policy, stop signal and grace, labels.
 * Probes and hooks (every handler kind runs: podengine/ctr-probe.c) travel
 * in the container's JSON.  Environment, resources, security context and
 * mounts have files of their own. */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <limits.h>
#include <string.h>

#include "base/banned.h"

/* The kubelet's smallest grace period (minimumGracePeriodInSeconds). */
#define MIN_GRACE_SECONDS 2

/* Kubernetes' default: Always when the tag is "latest", or when there is
 * neither a tag nor a digest; IfNotPresent otherwise. */
static enum pull_policy default_pull(const char *image)
{
	const char *at = strchr(image, '@');
	size_t len = at ? (size_t)(at - image) : strlen(image);
	const char *slash = memrchr(image, '/', len);
	const char *name = slash ? slash + 1 : image;
	const char *colon = memchr(name, ':', len - (size_t)(name - image));

	if (!colon)
		return at ? PULL_MISSING : PULL_ALWAYS;
	if ((size_t)(image + len - colon - 1) == 6 && !memcmp(colon + 1, "latest", 6))
		return PULL_ALWAYS;
	return PULL_MISSING;
}

static int plan_image(struct kplan_pod *p, const struct kube_container *c,
		      struct ctr_spec *out)
{
	const char *pp = c->image_pull_policy;

	if (!c->image || !*c->image) {
		kplan_key(p->k, "image");
		kplan_fail(p->k, &c->pos, "required value");
		kplan_pop(p->k, 1);
		return -1;
	}
	out->image = xstrdup(c->image);
	if (!pp || !*pp)
		out->pull = default_pull(c->image);
	else if (!strcmp(pp, "Always"))
		out->pull = PULL_ALWAYS;
	else if (!strcmp(pp, "Never"))
		out->pull = PULL_NEVER;
	else if (!strcmp(pp, "IfNotPresent"))
		out->pull = PULL_MISSING;
	else {
		kplan_key(p->k, "imagePullPolicy");
		kplan_fail(p->k, &c->pos, "unsupported value \"%s\": supported values: "
			   "\"Always\", \"IfNotPresent\", \"Never\"", pp);
		kplan_pop(p->k, 1);
		return -1;
	}
	return 0;
}

static char **expand_all(struct kplan_pod *p, const struct kube_container *c,
			 struct kplan_env *env, const char *field, char *const *v)
{
	char **out = xcalloc(strv_len(v) + 1, sizeof(char *));
	size_t i;

	kplan_key(p->k, field);
	for (i = 0; v[i]; i++)
		out[i] = kplan_expand(p, &c->pos, env, v[i]);
	kplan_pop(p->k, 1);
	return out;
}

/* command replaces ENTRYPOINT and drops CMD; args alone replace CMD.  An
 * empty list is the same as none, as for the kubelet. */
static void plan_command(struct kplan_pod *p, const struct kube_container *c,
			 struct kplan_env *env, struct ctr_spec *out)
{
	bool cmd = c->command && c->command[0], args = c->args && c->args[0];

	if (cmd)
		out->entrypoint = expand_all(p, c, env, "command", c->command);
	if (args)
		out->cmd = expand_all(p, c, env, "args", c->args);
	else if (cmd)
		out->cmd = xcalloc(1, sizeof(char *));
}

static int plan_restart(struct kplan_pod *p, const struct kube_container *c, bool init,
			struct ctr_spec *out)
{
	const char *r = p->spec->restart_policy;

	if (init && c->restart_policy) {
		if (strcmp(c->restart_policy, "Always")) {
			kplan_key(p->k, "restartPolicy");
			kplan_fail(p->k, &c->pos, "unsupported value \"%s\": supported values: "
				   "\"Always\"", c->restart_policy);
			kplan_pop(p->k, 1);
			return -1;
		}
		out->role = CTR_ROLE_SIDECAR;
		out->restart = RESTART_ALWAYS;
		return 0;
	}
	if (init) {
		out->role = CTR_ROLE_INIT;
		out->restart = RESTART_NO;
		return 0;
	}
	if (c->restart_policy) {
		kplan_key(p->k, "restartPolicy");
		kplan_warn(p->k, &c->pos, "per-container restart policies are not supported; "
			   "the pod's restartPolicy applies");
		kplan_pop(p->k, 1);
	}
	if (!r || !strcmp(r, "Always")) {
		out->restart = RESTART_ALWAYS;
	} else if (!strcmp(r, "OnFailure")) {
		/* a Job's backoffLimit bounds the retries; 0 = none at all
		 * (restart_max 0 would mean unlimited) */
		out->restart = p->job && p->backoff_limit <= 0 ? RESTART_NO : RESTART_ON_FAILURE;
		out->restart_max = p->job ? p->backoff_limit : 0;
		if (out->restart == RESTART_NO)
			out->restart_max = 0;
	} else {
		out->restart = RESTART_NO;
	}
	return 0;
}

static void plan_stop(struct kplan_pod *p, const struct kube_container *c,
		      struct ctr_spec *out)
{
	int64_t g = p->spec->termination_grace_period_seconds;

	out->stop_timeout = g < MIN_GRACE_SECONDS ? MIN_GRACE_SECONDS : g > INT_MAX ? INT_MAX
										   : (int)g;
	if (c->lifecycle && c->lifecycle->stop_signal && *c->lifecycle->stop_signal)
		out->stop_signal = xstrdup(c->lifecycle->stop_signal);
}

int kplan_container(struct kplan_pod *p, const struct kube_container *c, size_t idx,
		    bool init, struct ctr_spec *out)
{
	struct kplan_env env = { 0 };
	int ret = 0;

	kplan_idx(p->k, init ? "initContainers" : "containers", idx);
	out->name = xasprintf("%s-%s", p->name, c->name ? c->name : "");
	out->pod = xstrdup(p->name);
	if (plan_image(p, c, out) < 0)
		ret = -1;
	if (plan_restart(p, c, init, out) < 0)
		ret = -1;
	if (kplan_container_env(p, c, out, &env) < 0)
		ret = -1;
	plan_command(p, c, &env, out);
	if (c->working_dir && *c->working_dir)
		out->workdir = xstrdup(c->working_dir);
	out->tty = c->tty;
	out->stdin_open = c->stdin;
	out->labels = kplan_map_strv(&p->meta->labels);
	out->annotations = kplan_map_strv(&p->meta->annotations);
	plan_stop(p, c, out);
	if (kplan_container_resources(p, c, out) < 0)
		ret = -1;
	if (kplan_container_security(p, c, out) < 0)
		ret = -1;
	if (kplan_container_mounts(p, c, &env, out->security.privileged, out) < 0)
		ret = -1;
	out->kube = kplan_json_container(c);
	out->pod_ip_refs = env.pod_ip_refs;
	kplan_env_release(&env);
	kplan_pop(p->k, 1);
	return ret;
}
