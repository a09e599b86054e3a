/* libFuzzer target: manifests through the whole of kube/ — kube_load, then
 * kube_plan_build on whatever decoded, then the specs' JSON forms and the
 * release.  Checks the plan's invariants: failure leaves nothing, success
 * names every pod once and every file of a volume stays inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube/kube.h"
#include "kube/plan.h"
#include "base/strv.h"

#include "base/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_pod(const struct play_pod *p)
{
	struct json_object *j;
	size_t i, k;

	if (!p->pod.name || !p->workload)
		abort();
	for (i = 0; i < p->pod.n_volumes; i++) {
		const struct pod_volume *v = &p->pod.volumes[i];

		for (k = 0; k < v->n_files; k++) {
			const char *f = v->files[k].path;

			if (!*f || *f == '/' || !strcmp(f, "..") || !strncmp(f, "../", 3) ||
			    strstr(f, "/../") || (strlen(f) >= 3 && !strcmp(f + strlen(f) - 3, "/..")))
				abort();
			if (v->files[k].data[v->files[k].len] != '\0')
				abort();
		}
	}
	j = pod_spec_to_json(&p->pod);
	json_object_put(j);
	for (i = 0; i < p->n_ctrs; i++) {
		if (!p->ctrs[i].name || !p->ctrs[i].image || !p->ctrs[i].pod)
			abort();
		j = ctr_spec_to_json(&p->ctrs[i]);
		json_object_put(j);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kube_plan_env env = {
		.node_name = "fuzz", .host_ip = "192.0.2.1", .node_cpu_milli = 2000,
		.node_memory = 1LL << 30,
	};
	struct kube_objects objs = { 0 };
	struct kube_plan plan;
	struct pea_err *err = NULL;
	char **warns = NULL;
	size_t i;

	if (kube_load("fuzz.yaml", (const char *)data, size, &objs, &warns, &err) < 0) {
		if (!err || !err->msg)
			abort();
		pea_err_free(err);
		err = NULL;
	}
	if (kube_plan_build(&objs, &env, &plan, &warns, &err) < 0) {
		if (!err || !err->msg || plan.pods || plan.n_pods || plan.pod_names)
			abort();
		pea_err_free(err);
	} else {
		if (strv_len(plan.pod_names) != plan.n_pods)
			abort();
		for (i = 0; i < plan.n_pods; i++)
			check_pod(&plan.pods[i]);
		kube_plan_release(&plan);
	}
	strv_free(warns);
	kube_objects_release(&objs);
	return 0;
}
