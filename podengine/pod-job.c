/* The pods of a kube Job, without a controller: kube play starts
 * job_parallelism of them, and when one finishes (every app container has
 * exited and none will restart) its exit command stops that pod -- as the
 * kubelet tears down the sandbox of a finished pod -- and starts the next
 * pod of the Job that has not run yet. */
#include "podengine/pod.h"
#include "podengine/pod-internal.h"
#include "base/cleanup.h"
#include "base/log.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

static bool finished(const struct ctr_info *ctrs, size_t n)
{
	size_t i, apps = 0;

	for (i = 0; i < n; i++) {
		if (ctrs[i].infra || ctrs[i].spec.role != CTR_ROLE_APP)
			continue;
		apps++;
		if (ctrs[i].state != CTR_EXITED)
			return false;
	}
	return apps > 0;
}

/* Start the oldest never-started pod of `job` when fewer than `parallel`
 * of its pods run. */
static int start_next(struct pea_ctx *ctx, const char *job, int parallel, struct pea_err **err)
{
	struct pod_info *pods = NULL;
	const char *next = NULL;
	size_t n = 0, i;
	int running = 0, rc = 0;

	if (pod_list(ctx, &pods, &n, err) < 0)
		return -1;
	for (i = n; i-- > 0;) {   /* oldest first */
		if (!pods[i].spec.job || strcmp(pods[i].spec.job, job))
			continue;
		if (!strcmp(pods[i].state, "running"))
			running++;
		else if (!strcmp(pods[i].state, "created") && !next)
			next = pods[i].id;
	}
	if (next && running < parallel) {
		log_debug(&ctx->log, "job '%s': starting the next pod", job);
		rc = pod_start(ctx, next, err);
	}
	pod_info_list_free(pods, n);
	return rc;
}

int pod_job_advance(struct pea_ctx *ctx, const char *pod_id, struct pea_err **err)
{
	struct ctr_info *ctrs = NULL;
	struct pod_info pi;
	size_t n = 0;
	int rc = 0;

	if (pod_lookup(ctx, pod_id, &pi, err) < 0)
		return -1;
	if (!pi.spec.job) {
		pod_info_release(&pi);
		return 0;
	}
	if (pod_containers(ctx, pi.id, &ctrs, &n, err) < 0) {
		rc = -1;
	} else if (finished(ctrs, n)) {
		if (pod_stop(ctx, pi.id, -1, err) < 0)
			rc = -1;
		else
			rc = start_next(ctx, pi.spec.job, pi.spec.job_parallelism, err);
	}
	ctr_info_list_free(ctrs, n);
	if (rc < 0)
		pea_err_wrap(err, "job '%s'", pi.spec.job);
	pod_info_release(&pi);
	return rc;
}
