/* The plan (kube/plan.h): every Pod, Deployment, DaemonSet and Job of the
 * stream becomes play_pods, every PersistentVolumeClaim a play_volume;
 * ConfigMaps and Secrets are looked up; other kinds are listed as skipped.
 *
 * Pods per object: a Pod one; a Deployment `replicas` (0: none); a
 * DaemonSet one (this machine is the only node); a Job `completions`, all
 * started at once (parallelism is not enforced: a warning), each retried in
 * place up to backoffLimit times with restartPolicy OnFailure (a cluster
 * would make new pods instead).
 *
 * This file walks the objects, names the pods of workloads, refuses a pod
 * name made twice, and carries the messages; the pod itself is
 * plan-pod.c's.  Errors do not stop the walk: one run reports every one. */
#include "kube/plan-internal.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

/* ---- messages and paths ---- */

static char *vmessage(struct kplan *k, const struct kube_pos *pos, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static char *vmessage(struct kplan *k, const struct kube_pos *pos, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	const char *path = kyaml_path_str(&k->path);
	const char *file = k->obj && k->obj->file ? k->obj->file : "<input>";

	if (pos && pos->line > 0)
		strbuf_addf(&sb, "%s:%d:%d: ", file, pos->line, pos->col);
	else if (k->obj && k->obj->line > 0)
		strbuf_addf(&sb, "%s:%d: ", file, k->obj->line);
	else
		strbuf_addf(&sb, "%s: ", file);
	if (*path)
		strbuf_addf(&sb, "%s: ", path);
	strbuf_vaddf(&sb, fmt, ap);
	return strbuf_detach(&sb, NULL);
}

void kplan_fail(struct kplan *k, const struct kube_pos *pos, const char *fmt, ...)
{
	cleanup_free char *m = NULL;
	va_list ap;

	k->nerrors++;
	if (k->nerrors > KPLAN_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	m = vmessage(k, pos, fmt, ap);
	va_end(ap);
	if (k->errors.len)
		strbuf_addch(&k->errors, '\n');
	strbuf_addstr(&k->errors, m);
}

void kplan_warn(struct kplan *k, const struct kube_pos *pos, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (k->quiet || !k->warnings)
		return;
	va_start(ap, fmt);
	m = vmessage(k, pos, fmt, ap);
	va_end(ap);
	/* the same field of the same object warns once */
	if (strv_find(*k->warnings, m) < 0)
		strv_push(k->warnings, m);
	free(m);
}

void kplan_key(struct kplan *k, const char *key)
{
	kyaml_path_push_key(&k->path, key);
}

void kplan_idx(struct kplan *k, const char *key, size_t i)
{
	cleanup_free char *s = xasprintf("%s[%zu]", key, i);

	kyaml_path_push_key(&k->path, s);
}

void kplan_pop(struct kplan *k, size_t n)
{
	while (n--)
		kyaml_path_pop(&k->path);
}

char **kplan_map_strv(const struct kube_map *m)
{
	char **v = NULL;
	size_t i;

	for (i = 0; i < m->n; i++) {
		cleanup_free char *kv = xasprintf("%s=%s", m->keys[i], m->values[i]);

		strv_push(&v, kv);
	}
	return v;
}

/* ---- lookups ---- */

static const struct kube_meta *object_meta(const struct kube_object *o)
{
	switch (o->kind) {
	case KUBE_POD:
		return &o->u.pod.meta;
	case KUBE_CONFIGMAP:
		return &o->u.configmap.meta;
	case KUBE_SECRET:
		return &o->u.secret.meta;
	case KUBE_DEPLOYMENT:
	case KUBE_DAEMONSET:
		return &o->u.deployment.meta;
	case KUBE_JOB:
		return &o->u.job.meta;
	case KUBE_PVC:
		return &o->u.pvc.meta;
	default:
		return NULL;
	}
}

static const char *ns_of(const struct kube_meta *m)
{
	return m->namespace && *m->namespace ? m->namespace : "default";
}

/* The last object of `kind` named `name`, in namespace ns if there is one
 * there.  Lists are searched too. */
static const struct kube_object *find_in(const struct kube_object *v, size_t n,
					 enum kube_kind kind, const char *name, const char *ns,
					 const struct kube_object *best)
{
	const struct kube_meta *m;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].kind == KUBE_LIST) {
			best = find_in(v[i].u.list.items, v[i].u.list.nitems, kind, name, ns,
				       best);
			continue;
		}
		m = object_meta(&v[i]);
		if (v[i].kind != kind || !m || !m->name || strcmp(m->name, name))
			continue;
		if (!best || !strcmp(ns_of(m), ns) ||
		    strcmp(ns_of(object_meta(best)), ns))
			best = &v[i];
	}
	return best;
}

const struct kube_configmap *kplan_configmap(struct kplan *k, const char *name, const char *ns)
{
	const struct kube_object *o;

	if (!name)
		return NULL;
	o = find_in(k->objs->v, k->objs->n, KUBE_CONFIGMAP, name, ns, NULL);
	return o ? &o->u.configmap : NULL;
}

const struct kube_secret *kplan_secret(struct kplan *k, const char *name, const char *ns)
{
	const struct kube_object *o;

	if (!name)
		return NULL;
	o = find_in(k->objs->v, k->objs->n, KUBE_SECRET, name, ns, NULL);
	return o ? &o->u.secret : NULL;
}

void kplan_add_volume(struct kplan *k, const char *name, const struct kube_map *labels)
{
	struct kube_plan *out = k->out;
	struct play_volume *v;
	size_t i;

	for (i = 0; i < out->n_volumes; i++)
		if (!strcmp(out->volumes[i].name, name))
			return;
	out->volumes = xrealloc(out->volumes, (out->n_volumes + 1) * sizeof(*out->volumes));
	v = &out->volumes[out->n_volumes++];
	v->name = xstrdup(name);
	v->labels = labels ? kplan_map_strv(labels) : NULL;
}

/* ---- pods of the objects ---- */

/* A pod name may be made once: by one object, one replica. */
static int claim_name(struct kplan *k, const char *name, const char *workload)
{
	struct kplan_owner *o;
	size_t i;

	for (i = 0; i < k->nowners; i++) {
		o = &k->owners[i];
		if (strcmp(o->pod, name))
			continue;
		kplan_fail(k, NULL, "pod name \"%s\" is also made by %s at %s:%d", name,
			   o->workload, o->obj->file ? o->obj->file : "<input>", o->obj->line);
		return -1;
	}
	ALLOC_GROW(k->owners, k->nowners + 1, k->aowners);
	o = &k->owners[k->nowners++];
	o->pod = xstrdup(name);
	o->workload = xstrdup(workload);
	o->obj = k->obj;
	strv_push(&k->out->pod_names, name);
	return 0;
}

struct workload {
	const char *kind;
	const char *name;               /* the object's name */
	const char *namespace;
	const struct kube_meta *meta;   /* the pod's: template or Pod */
	const struct kube_pod_spec *spec;
	bool templ;                     /* a workload's template */
	int32_t n;                      /* pods to make */
	bool job;
	int32_t backoff_limit;
};

static void plan_pods(struct kplan *k, const struct workload *w)
{
	cleanup_free char *workload = xasprintf("%s/%s", w->kind, w->name);
	struct kube_plan *out = k->out;
	int32_t i;

	for (i = 0; i < w->n; i++) {
		cleanup_free char *name = !w->templ ? xstrdup(w->name)
				: w->n == 1 ? xasprintf("%s-pod", w->name)
					    : xasprintf("%s-pod-%d", w->name, (int)i);
		struct kplan_pod p = {
			.k = k, .name = name, .namespace = w->namespace, .meta = w->meta,
			.spec = w->spec, .job = w->job, .backoff_limit = w->backoff_limit,
		};
		struct play_pod *pp;
		int ret;

		if (claim_name(k, name, workload) < 0)
			break;
		out->pods = xrealloc(out->pods, (out->n_pods + 1) * sizeof(*out->pods));
		pp = &out->pods[out->n_pods];
		memset(pp, 0, sizeof(*pp));
		pp->workload = xstrdup(workload);
		p.out = pp;
		/* replicas differ only in names: messages once */
		k->quiet = i > 0;
		if (w->templ) {
			kplan_key(k, "spec");
			kplan_key(k, "template");
		}
		kplan_key(k, "spec");
		ret = kplan_pod_build(&p);
		kplan_pop(k, w->templ ? 3 : 1);
		k->quiet = false;
		if (ret < 0) {
			play_pod_release(pp);
			break;
		}
		out->n_pods++;
	}
}

static void warn_job(struct kplan *k, const struct kube_job *j, int32_t n)
{
	kplan_key(k, "spec");
	if (j->parallelism < n) {
		kplan_key(k, "parallelism");
		kplan_warn(k, NULL, "not enforced yet: all %d pods of the job start at once",
			   (int)n);
		kplan_pop(k, 1);
	}
	if (j->has_active_deadline_seconds) {
		kplan_key(k, "activeDeadlineSeconds");
		kplan_warn(k, NULL, "not enforced yet; the job's pods run until they end");
		kplan_pop(k, 1);
	}
	if (j->has_ttl_seconds_after_finished) {
		kplan_key(k, "ttlSecondsAfterFinished");
		kplan_warn(k, NULL, "not enforced yet; finished pods stay until kube down");
		kplan_pop(k, 1);
	}
	kplan_pop(k, 1);
}

static void plan_workload(struct kplan *k, const struct kube_object *o)
{
	const struct kube_meta *m = object_meta(o);
	struct workload w = { .kind = o->kind_name ? o->kind_name : "Pod", .name = m->name,
			      .namespace = ns_of(m), .templ = true };

	if (!m->name)
		return;
	switch (o->kind) {
	case KUBE_POD:
		w.meta = &o->u.pod.meta;
		w.spec = &o->u.pod.spec;
		w.templ = false;
		w.n = 1;
		break;
	case KUBE_DEPLOYMENT:
	case KUBE_DAEMONSET:
		w.meta = &o->u.deployment.template.meta;
		w.spec = &o->u.deployment.template.spec;
		w.n = o->kind == KUBE_DAEMONSET ? 1 : o->u.deployment.replicas;
		break;
	case KUBE_JOB:
		w.meta = &o->u.job.template.meta;
		w.spec = &o->u.job.template.spec;
		w.n = o->u.job.has_completions ? o->u.job.completions : 1;
		w.job = true;
		w.backoff_limit = o->u.job.backoff_limit;
		warn_job(k, &o->u.job, w.n);
		break;
	default:
		return;
	}
	plan_pods(k, &w);
}

static void plan_objects(struct kplan *k, const struct kube_object *v, size_t n, bool pvcs)
{
	const struct kube_meta *m;
	size_t i;

	for (i = 0; i < n && k->nerrors <= KPLAN_MAX_ERRORS; i++) {
		const struct kube_object *o = &v[i];

		k->obj = o;
		m = object_meta(o);
		if (o->kind == KUBE_LIST) {
			plan_objects(k, o->u.list.items, o->u.list.nitems, pvcs);
		} else if (pvcs) {
			if (o->kind == KUBE_PVC && m->name)
				kplan_add_volume(k, m->name, &m->labels);
		} else if (o->kind == KUBE_UNKNOWN) {
			strv_push(&k->out->skipped, o->kind_name ? o->kind_name : "(no kind)");
		} else if (o->kind != KUBE_CONFIGMAP && o->kind != KUBE_SECRET &&
			   o->kind != KUBE_PVC) {
			plan_workload(k, o);
		}
		k->obj = NULL;
	}
}

int kube_plan_build(const struct kube_objects *objs, const struct kube_plan_env *env,
		    struct kube_plan *out, char ***warnings, struct pea_err **err)
{
	struct kplan k = { .objs = objs, .warnings = warnings, .out = out };
	size_t i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	strbuf_init(&k.errors, 0);
	kyaml_path_init(&k.path);
	if (env)
		k.env = *env;
	if (!k.env.node_name)
		k.env.node_name = "";
	if (!k.env.host_ip)
		k.env.host_ip = "";
	if (!k.env.seccomp_root)
		k.env.seccomp_root = "/var/lib/kubelet/seccomp";
	/* claims declared first, so that their labels win over a bare use */
	plan_objects(&k, objs->v, objs->n, true);
	plan_objects(&k, objs->v, objs->n, false);
	if (k.nerrors) {
		if (k.nerrors > KPLAN_MAX_ERRORS)
			strbuf_addf(&k.errors, "\n(%d more errors)", k.nerrors - KPLAN_MAX_ERRORS);
		pea_err_setk(err, PEA_E_INVALID, 0, "%s", k.errors.buf);
		kube_plan_release(out);
		ret = -1;
	}
	for (i = 0; i < k.nowners; i++) {
		free(k.owners[i].pod);
		free(k.owners[i].workload);
	}
	free(k.owners);
	for (i = 0; i < k.nhostports; i++) {
		free(k.hostports[i].ip);
		free(k.hostports[i].pod);
	}
	free(k.hostports);
	strv_free(k.ctr_names);
	strv_free(k.ctr_pods);
	strbuf_release(&k.errors);
	kyaml_path_release(&k.path);
	return ret;
}

void kube_plan_release(struct kube_plan *p)
{
	size_t i;

	for (i = 0; i < p->n_pods; i++)
		play_pod_release(&p->pods[i]);
	free(p->pods);
	for (i = 0; i < p->n_volumes; i++)
		play_volume_release(&p->volumes[i]);
	free(p->volumes);
	strv_free(p->pod_names);
	strv_free(p->skipped);
	memset(p, 0, sizeof(*p));
}
