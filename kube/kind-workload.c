/* Workloads: Deployment and DaemonSet (apps/v1) and Job (batch/v1): their
 * spec, the pod template (metadata + pod spec of kube/kind-pod.c) and the
 * API server's rules: the selector matches the template's labels, the pod
 * restart policy fits the kind, and the defaults (replicas 1; completions,
 * parallelism 1, backoffLimit 6).  Rollout and update settings cannot apply
 * on one machine and are accepted silently. */
#include "kube/schema.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <stddef.h>
#include <string.h>

#include "base/banned.h"

KSCHEMA_ENUM_CHECK(check_operator, "In", "NotIn", "Exists", "DoesNotExist")

#define TPL(f) offsetof(struct kube_pod_template, f)
static const struct kschema_field template_fields[] = {
	{ "metadata", KSCHEMA_OBJECT, TPL(meta), .sub = kube_template_meta_fields },
	{ "spec", KSCHEMA_OBJECT, TPL(spec), KSCHEMA_REQUIRED, .sub = kube_pod_spec_fields },
	{ NULL },
};

/* ---- label selectors ---- */

static char *check_values(const void *value)
{
	return kschema_label_value_msg(*(char *const *)value);
}

static int req_validate(struct kschema_ctx *c, const struct kschema_field *table,
			const struct kyaml_node *map, void *obj)
{
	const struct kube_label_req *r = obj;
	bool set_op;

	if (!r->op)
		return 0;
	set_op = !strcmp(r->op, "In") || !strcmp(r->op, "NotIn");
	if (set_op && !strv_len(r->values))
		return kschema_fail_key(c, map, "values",
					"required value: must be specified when `operator` is "
					"'In' or 'NotIn'");
	if (!set_op && strv_len(r->values))
		return kschema_fail_key(c, map, "values",
					"forbidden: may not be specified when `operator` is "
					"'Exists' or 'DoesNotExist'");
	return 0;
}

#define REQ(f) offsetof(struct kube_label_req, f)
static const struct kschema_field req_fields[] = {
	{ "key", KSCHEMA_STRING, REQ(key), KSCHEMA_REQUIRED, kschema_check_label_key },
	{ "operator", KSCHEMA_STRING, REQ(op), KSCHEMA_REQUIRED, check_operator },
	{ "values", KSCHEMA_STRLIST, REQ(values), 0, check_values },
	{ "", KSCHEMA_VALIDATE, .validate = req_validate },
	{ NULL },
};

static int selector_validate(struct kschema_ctx *c, const struct kschema_field *table,
			     const struct kyaml_node *map, void *obj)
{
	const struct kube_deployment *d = obj;
	const struct kyaml_node *labels = kyaml_get(map, "matchLabels");
	size_t i;
	int ret = 0;

	for (i = 0; i < d->selector_labels.n; i++) {
		cleanup_free char *msg = kschema_label_value_msg(d->selector_labels.values[i]);

		if (!msg)
			continue;
		kyaml_path_push_key(&c->path, "matchLabels");
		kyaml_path_push_mapkey(&c->path, d->selector_labels.keys[i]);
		kschema_fail(c, kyaml_get(labels, d->selector_labels.keys[i]), "%s", msg);
		kschema_leave(c, 2);
		ret = -1;
	}
	return ret;
}

/* spec.selector, written for struct kube_deployment */
#define D(f) offsetof(struct kube_deployment, f)
static const struct kschema_field selector_fields[] = {
	{ "matchLabels", KSCHEMA_STRMAP, D(selector_labels), 0, kschema_check_label_key },
	{ "matchExpressions", KSCHEMA_OBJLIST, D(selector_exprs), .sub = req_fields,
	  .elem_size = sizeof(struct kube_label_req), .count_off = D(nselector_exprs) },
	{ "", KSCHEMA_VALIDATE, .validate = selector_validate },
	{ NULL },
};

static bool req_matches(const struct kube_label_req *r, const struct kube_map *labels)
{
	const char *v = r->key ? kube_map_get(labels, r->key) : NULL;

	if (!r->op)
		return false;
	if (!strcmp(r->op, "Exists"))
		return v != NULL;
	if (!strcmp(r->op, "DoesNotExist"))
		return v == NULL;
	if (!strcmp(r->op, "In"))
		return v && strv_find(r->values, v) >= 0;
	return !v || strv_find(r->values, v) < 0; /* NotIn */
}

/* Whether the selector converts to a labels.Selector at all (else the API
 * server reports it and does not compare it with the template). */
static bool selector_valid(const struct kube_deployment *d)
{
	size_t i;

	for (i = 0; i < d->selector_labels.n; i++) {
		cleanup_free char *kmsg = kschema_check_label_key(&d->selector_labels.keys[i]);
		cleanup_free char *vmsg = kschema_label_value_msg(d->selector_labels.values[i]);

		if (kmsg || vmsg)
			return false;
	}
	for (i = 0; i < d->nselector_exprs; i++) {
		const struct kube_label_req *r = &d->selector_exprs[i];
		cleanup_free char *kmsg = r->key ? kschema_check_label_key(&r->key) : NULL;
		const char *op = r->op ? r->op : "";
		bool set_op = !strcmp(op, "In") || !strcmp(op, "NotIn");
		bool exist_op = !strcmp(op, "Exists") || !strcmp(op, "DoesNotExist");

		if (!r->key || kmsg || (!set_op && !exist_op) ||
		    set_op != (strv_len(r->values) > 0))
			return false;
	}
	return true;
}

static bool selector_matches(const struct kube_deployment *d)
{
	const struct kube_map *labels = &d->template.meta.labels;
	size_t i;

	for (i = 0; i < d->selector_labels.n; i++) {
		const char *v = kube_map_get(labels, d->selector_labels.keys[i]);

		if (!v || strcmp(v, d->selector_labels.values[i]))
			return false;
	}
	for (i = 0; i < d->nselector_exprs; i++)
		if (!req_matches(&d->selector_exprs[i], labels))
			return false;
	return true;
}

/* ---- template rules shared by the kinds ---- */

/* spec.template.spec.restartPolicy must be one of `ok`; at the value when
 * written, else at the template's spec (the default "Always" applies). */
static int check_template_restart(struct kschema_ctx *c, const struct kyaml_node *spec,
				  const char *policy, const char *const *ok)
{
	const struct kyaml_node *tspec;
	cleanup_free char *msg = kschema_enum_msg(policy, ok);

	if (!msg)
		return 0;
	tspec = kschema_enter(c, kschema_enter(c, spec, "template"), "spec");
	kschema_fail_key(c, tspec, "restartPolicy", "%s", msg);
	kschema_leave(c, 2);
	return -1;
}

/* `kind` names the kind in the selector message, `rs` in the deadline one
 * (the API server says "ReplicaSet" for a Deployment's template). */
static int deployment_common(struct kschema_ctx *c, const struct kyaml_node *spec,
			     struct kube_deployment *d, const char *kind, const char *rs)
{
	static const char *const always[] = { "Always", NULL };
	const struct kube_pod_spec *ps = &d->template.spec;
	const struct kyaml_node *tpl = kyaml_get(spec, "template"), *n;
	int ret = 0;

	if (!kschema_has_key(spec, "template"))
		return 0; /* "required value" already */
	if (!kschema_has_key(spec, "selector")) {
		/* "required value" already */
	} else if (!d->selector_labels.n && !d->nselector_exprs) {
		ret = kschema_fail_key(c, spec, "selector",
				       "invalid value: empty selector is invalid for %s", kind);
	} else if (selector_valid(d) && !selector_matches(d)) {
		n = kschema_enter(c, kschema_enter(c, spec, "template"), "metadata");
		ret = kschema_fail_key(c, n ? n : tpl, "labels",
				       "invalid value: `selector` does not match template "
				       "`labels`");
		kschema_leave(c, 2);
	}
	if (ps->restart_policy && check_template_restart(c, spec, ps->restart_policy, always))
		ret = -1;
	if (ps->has_active_deadline_seconds) {
		n = kschema_enter(c, kschema_enter(c, spec, "template"), "spec");
		ret = kschema_fail_key(c, n, "activeDeadlineSeconds",
				       "forbidden: activeDeadlineSeconds in %s is not Supported",
				       rs);
		kschema_leave(c, 2);
	}
	return ret;
}

/* ---- Deployment and DaemonSet ---- */

static int deployment_validate(struct kschema_ctx *c, const struct kschema_field *table,
			       const struct kyaml_node *map, void *obj)
{
	return deployment_common(c, map, obj, "deployment", "ReplicaSet");
}

static int daemonset_validate(struct kschema_ctx *c, const struct kschema_field *table,
			      const struct kyaml_node *map, void *obj)
{
	struct kube_deployment *d = obj;

	d->replicas = 1; /* one node: one pod */
	return deployment_common(c, map, obj, "daemonset", "DaemonSet");
}

#define SELECTOR_TEMPLATE                                                              \
	{ "selector", KSCHEMA_OBJECT, 0, KSCHEMA_REQUIRED, .sub = selector_fields },   \
	{ "template", KSCHEMA_OBJECT, D(template), KSCHEMA_REQUIRED,                   \
	  .sub = template_fields },                                                    \
	{ "minReadySeconds", KSCHEMA_IGNORE },                                         \
	{ "revisionHistoryLimit", KSCHEMA_IGNORE }

/* spec, written for struct kube_deployment */
static const struct kschema_field deployment_spec_fields[] = {
	{ "replicas", KSCHEMA_INT32, D(replicas), KSCHEMA_DEFAULT, kschema_check_nonneg32,
	  .idef = 1 },
	SELECTOR_TEMPLATE,
	{ "strategy", KSCHEMA_IGNORE },
	{ "progressDeadlineSeconds", KSCHEMA_IGNORE },
	{ "paused", KSCHEMA_IGNORE },
	{ "", KSCHEMA_VALIDATE, .validate = deployment_validate },
	{ NULL },
};

static const struct kschema_field daemonset_spec_fields[] = {
	SELECTOR_TEMPLATE,
	{ "updateStrategy", KSCHEMA_IGNORE },
	{ "", KSCHEMA_VALIDATE, .validate = daemonset_validate },
	{ NULL },
};

#define WORKLOAD(spec_table, type)                                                     \
	{ "apiVersion", KSCHEMA_IGNORE },                                              \
	{ "kind", KSCHEMA_IGNORE },                                                    \
	{ "metadata", KSCHEMA_OBJECT, offsetof(type, meta), KSCHEMA_REQUIRED,          \
	  .sub = kube_meta_fields },                                                   \
	{ "spec", KSCHEMA_OBJECT, 0, KSCHEMA_REQUIRED, .sub = spec_table },            \
	{ "status", KSCHEMA_IGNORE },                                                  \
	{ NULL }

static const struct kschema_field deployment_fields[] = {
	WORKLOAD(deployment_spec_fields, struct kube_deployment),
};

static const struct kschema_field daemonset_fields[] = {
	WORKLOAD(daemonset_spec_fields, struct kube_deployment),
};

int kube_deployment_decode(struct kschema_ctx *c, const struct kyaml_node *root,
			   enum kube_kind kind, struct kube_deployment *out)
{
	return kschema_decode(c, kind == KUBE_DAEMONSET ? daemonset_fields : deployment_fields,
			      root, out);
}

void kube_deployment_release(struct kube_deployment *d)
{
	/* both tables free the same fields */
	kschema_free(deployment_fields, d);
}

/* ---- Job ---- */

/* Defaults (SetDefaults_Job): no completions and no parallelism means one
 * of each; parallelism alone leaves completions unset (a work queue). */
static int job_validate(struct kschema_ctx *c, const struct kschema_field *table,
			const struct kyaml_node *map, void *obj)
{
	static const char *const ok[] = { "OnFailure", "Never", NULL };
	struct kube_job *j = obj;
	bool has_parallelism = kschema_has_key(map, "parallelism");

	if (!j->has_completions && !has_parallelism) {
		j->has_completions = true;
		j->completions = 1;
	}
	if (!has_parallelism)
		j->parallelism = 1;
	if (!kschema_has_key(map, "template") || !j->template.spec.restart_policy)
		return 0;
	return check_template_restart(c, map, j->template.spec.restart_policy, ok);
}

#define J(f) offsetof(struct kube_job, f)
static const struct kschema_field job_spec_fields[] = {
	{ "parallelism", KSCHEMA_INT32, J(parallelism), 0, kschema_check_nonneg32 },
	{ "completions", KSCHEMA_INT32, J(completions), KSCHEMA_HAS, kschema_check_nonneg32,
	  .has_off = J(has_completions) },
	{ "backoffLimit", KSCHEMA_INT32, J(backoff_limit), KSCHEMA_DEFAULT,
	  kschema_check_nonneg32, .idef = 6 },
	{ "activeDeadlineSeconds", KSCHEMA_INT64, J(active_deadline_seconds), KSCHEMA_HAS,
	  kschema_check_nonneg64, .has_off = J(has_active_deadline_seconds) },
	{ "ttlSecondsAfterFinished", KSCHEMA_INT32, J(ttl_seconds_after_finished),
	  KSCHEMA_HAS, kschema_check_nonneg32, .has_off = J(has_ttl_seconds_after_finished) },
	{ "template", KSCHEMA_OBJECT, J(template), KSCHEMA_REQUIRED, .sub = template_fields },
	/* the controller generates the selector and tracks pods by it */
	{ "selector", KSCHEMA_IGNORE },
	{ "manualSelector", KSCHEMA_IGNORE },
	{ "podReplacementPolicy", KSCHEMA_IGNORE },
	{ "managedBy", KSCHEMA_IGNORE },
	/* not run by peapod's Job executor */
	{ "suspend", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "completionMode", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "podFailurePolicy", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "successPolicy", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "backoffLimitPerIndex", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "maxFailedIndexes", KSCHEMA_IGNORE, 0, KSCHEMA_WARN },
	{ "", KSCHEMA_VALIDATE, .validate = job_validate },
	{ NULL },
};

static const struct kschema_field job_fields[] = {
	WORKLOAD(job_spec_fields, struct kube_job),
};

int kube_job_decode(struct kschema_ctx *c, const struct kyaml_node *root, struct kube_job *out)
{
	return kschema_decode(c, job_fields, root, out);
}

void kube_job_release(struct kube_job *j)
{
	kschema_free(job_fields, j);
}
