/* `kube generate` (kube/generate.h): the objects of every pod, in the
 * order a cluster wants them (claims, services, then the workloads, as
 * helm installs them and podman prints them), one YAML stream.
 *
 * Workload kinds wrap the pod as podman does: "<pod>-deployment" (replicas
 * when more than one), "<pod>-daemonset", "<pod>-job", selected by the
 * pod's `app` label; their restart policies must be what the kind allows
 * (Always; OnFailure or Never for a Job) and are not changed behind the
 * user's back. */
#include "kube/generate-internal.h"
#include "base/cleanup.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

#define DEFAULT_PVC_SIZE "1Gi"   /* podman's */

static const char header[] =
	"# Save the output of this file and use kubectl create -f to import\n"
	"# it into Kubernetes.\n"
	"#\n"
	"# Created with peapod-%s\n";

static struct kgen_node *object(const char *api, const char *kind, struct kgen_node *meta)
{
	struct kgen_node *o = kgen_map();

	kgen_put_str(o, "apiVersion", api);
	kgen_put_str(o, "kind", kind);
	kgen_put(o, "metadata", meta);
	return o;
}

/* metadata of an object made for the pod: name, namespace, labels. */
static struct kgen_node *meta_for(const struct kgen_node *pod_meta, const char *name)
{
	struct kgen_node *m = kgen_map();

	kgen_put_str(m, "name", name);
	kgen_put(m, "namespace", kgen_copy(kgen_get(pod_meta, "namespace")));
	kgen_put(m, "labels", kgen_copy(kgen_get(pod_meta, "labels")));
	return m;
}

static struct kgen_node *app_selector(const struct kgen_node *pod_meta)
{
	struct kgen_node *sel = kgen_map();

	kgen_put_str(sel, "app", kgen_get_str(kgen_get(pod_meta, "labels"), "app"));
	return sel;
}

static int check_restart(const struct kube_gen_opts *o, const struct kgen_node *spec,
			 struct pea_err **err)
{
	const char *r = kgen_get_str(spec, "restartPolicy");
	bool always = r && !strcmp(r, "Always");

	switch (o->kind) {
	case KUBE_GEN_DEPLOYMENT:
		if (!always)
			return pea_err_setk(err, PEA_E_INVALID, 0, "k8s Deployments can only have "
					    "restartPolicy set to Always");
		return 0;
	case KUBE_GEN_DAEMONSET:
		if (o->replicas > 1)
			return pea_err_setk(err, PEA_E_INVALID, 0,
					    "k8s DaemonSets don't allow setting replicas");
		if (!always)
			return pea_err_setk(err, PEA_E_INVALID, 0, "k8s DaemonSets can only have "
					    "restartPolicy set to Always");
		return 0;
	case KUBE_GEN_JOB:
		if (always)
			return pea_err_setk(err, PEA_E_INVALID, 0, "k8s Jobs can not have "
					    "restartPolicy set to Always; only Never and OnFailure "
					    "policies allowed");
		return 0;
	default:
		return 0;
	}
}

/* The Pod, or the workload around it; takes meta and spec. */
static struct kgen_node *workload(const struct kube_gen_opts *o, struct kgen_node *meta,
				  struct kgen_node *spec)
{
	static const char *const api[] = { "v1", "apps/v1", "apps/v1", "batch/v1" };
	static const char *const kind[] = { "Pod", "Deployment", "DaemonSet", "Job" };
	static const char *const suffix[] = { "", "-deployment", "-daemonset", "-job" };
	cleanup_free char *name = xasprintf("%s%s", kgen_get_str(meta, "name"), suffix[o->kind]);
	struct kgen_node *w, *ws, *tmeta, *sel;

	if (o->kind == KUBE_GEN_POD) {
		w = object(api[0], kind[0], meta);
		kgen_put(w, "spec", spec);
		return w;
	}
	w = object(api[o->kind], kind[o->kind], meta_for(meta, name));
	ws = kgen_map();
	if (o->kind == KUBE_GEN_DEPLOYMENT && o->replicas > 1)
		kgen_put(ws, "replicas", kgen_int(o->replicas));
	if (o->kind != KUBE_GEN_JOB) {
		sel = kgen_map();
		kgen_put(sel, "matchLabels", app_selector(meta));
		kgen_put(ws, "selector", sel);
	}
	tmeta = kgen_map();
	kgen_put(tmeta, "labels", kgen_take(meta, "labels"));
	kgen_put(tmeta, "annotations", kgen_take(meta, "annotations"));
	kgen_free(meta);
	sel = kgen_map();
	kgen_put(sel, "metadata", tmeta);
	kgen_put(sel, "spec", spec);
	kgen_put(ws, "template", sel);
	kgen_put(w, "spec", ws);
	return w;
}

static struct kgen_node *service(const struct kgen_node *pod_meta, struct kgen_node *ports)
{
	struct kgen_node *s = object("v1", "Service", meta_for(pod_meta,
							      kgen_get_str(pod_meta, "name")));
	struct kgen_node *spec = kgen_map();

	kgen_put_str(spec, "type", "NodePort");
	kgen_put(spec, "selector", app_selector(pod_meta));
	kgen_put(spec, "ports", ports);
	kgen_put(s, "spec", spec);
	return s;
}

static struct kgen_node *claim(const struct kube_gen_opts *o, const char *name,
			       const char *vol)
{
	struct kgen_node *m = kgen_map(), *spec = kgen_map(), *res = kgen_map(), *req;
	char **labels = o->volume_labels ? o->volume_labels(o->arg, vol) : NULL;

	kgen_put_str(m, "name", name);
	kgen_put(m, "labels", kgen_kv_map(labels));
	strv_free(labels);
	kgen_put(spec, "accessModes", kgen_strv((char *[]){ "ReadWriteOnce", NULL }));
	req = kgen_map();
	kgen_put_str(req, "storage", DEFAULT_PVC_SIZE);
	kgen_put(res, "requests", req);
	kgen_put(spec, "resources", res);
	m = object("v1", "PersistentVolumeClaim", m);
	kgen_put(m, "spec", spec);
	return m;
}

static void kgen_pod_release(struct kgen_pod *p)
{
	free(p->name);
	if (p->kube)
		json_object_put(p->kube);
	kgen_free(p->volumes);
	strv_free(p->vol_names);
	strv_free(p->vol_keys);
	strv_free(p->ctr_names);
	strv_free(p->dropped_vols);
}

/* The pod's name: its own, or "<first container>-pod" for containers
 * outside a pod; made valid and unique in the output. */
static char *pod_name(struct kgen *g, const struct kube_gen_pod *in, char ***taken,
		      const char **orig)
{
	cleanup_free char *valid = NULL, *first = NULL;
	char *name;
	size_t i;

	if (in->pod) {
		*orig = in->pod->name;
		valid = kgen_name(g, "pod", in->pod->name, true, "pod");
	} else {
		for (i = 0; i < in->n_ctrs && in->ctrs[i].infra; i++)
			;
		*orig = i < in->n_ctrs ? in->ctrs[i].name : "pod";
		first = kgen_name_quiet(*orig, false, "pod");
		if (strlen(first) > 59)
			first[59] = '\0';
		valid = xasprintf("%s-pod", first);
	}
	name = kgen_unique(*taken, valid);
	if (strcmp(name, valid))
		kgen_note(g, "pod name \"%s\" changed to \"%s\"", valid, name);
	strv_push(taken, name);
	return name;
}

static int one_pod(struct kgen *g, const struct kube_gen_pod *in, char ***taken,
		   struct kgen_node *svcs, struct kgen_node *works, struct pea_err **err)
{
	struct kgen_pod p = { .g = g, .in = in, .spec = in->pod ? &in->pod->spec : NULL };
	struct kgen_node *meta = NULL, *spec = NULL, *ports = NULL;
	int ret = -1;

	p.name = pod_name(g, in, taken, &p.orig_name);
	if (p.spec && p.spec->kube) {
		p.kube = json_tokener_parse(p.spec->kube);
		if (p.kube && !json_object_is_type(p.kube, json_type_object)) {
			json_object_put(p.kube);
			p.kube = NULL;
		}
	}
	if (kgen_pod_build(&p, &meta, &spec, &ports, err) < 0)
		goto out;
	if (check_restart(g->opts, spec, err) < 0) {
		kgen_free(meta);
		kgen_free(spec);
		kgen_free(ports);
		goto out;
	}
	if (g->opts->service && ports->n)
		kgen_push(svcs, service(meta, steal_ptr(ports)));
	else if (g->opts->service)
		kgen_note(g, "pod \"%s\" publishes no ports: no Service for it", p.name);
	kgen_free(ports);
	kgen_push(works, workload(g->opts, meta, spec));
	ret = 0;
out:
	kgen_pod_release(&p);
	return ret;
}

int kube_generate(const struct kube_gen_pod *pods, size_t n, char *const *volumes,
		  const struct kube_gen_opts *opts, struct strbuf *out, char ***notes,
		  struct pea_err **err)
{
	struct kgen g = { .opts = opts, .notes = notes };
	struct kgen_node *svcs = kgen_seq(), *works = kgen_seq(), *claims = kgen_seq();
	cleanup_strv char **taken = NULL;
	struct kgen_node *lists[3];
	size_t i, j, docs = 0;
	int ret = 0;

	for (i = 0; i < n && ret == 0; i++)
		ret = one_pod(&g, &pods[i], &taken, svcs, works, err);
	for (char *const *v = volumes; v && *v; v++)
		free(kgen_claim(&g, *v));
	if (ret == 0) {
		for (i = 0; g.claims && g.claims[i]; i++)
			kgen_push(claims, claim(opts, g.claims[i], g.claim_vols[i]));
		if (opts->version)
			strbuf_addf(out, header, opts->version);
		lists[0] = claims;
		lists[1] = svcs;
		lists[2] = works;
		for (i = 0; i < 3; i++) {
			for (j = 0; j < lists[i]->n; j++) {
				if (docs++)
					strbuf_addstr(out, "---\n");
				kgen_yaml(out, lists[i]->items[j]);
			}
		}
	}
	kgen_free(claims);
	kgen_free(svcs);
	kgen_free(works);
	strv_free(g.claims);
	strv_free(g.claim_vols);
	return ret;
}
