/* A pod's Ready condition and whether it can still come (pod.h), for pod
 * inspect, pod ps and `kube play --wait=ready`. */
#include "podengine/pod.h"
#include "podengine/ctr-probe.h"

#include <string.h>

#include "base/banned.h"

/* App containers and sidecars count; the infra and init containers not. */
static bool counts(const struct ctr_info *ci)
{
	return !ci->infra && ci->spec.role != CTR_ROLE_INIT;
}

bool pod_ready_of(struct pea_ctx *ctx, const struct ctr_info *ctrs, size_t n)
{
	size_t i, apps = 0;

	for (i = 0; i < n; i++) {
		if (!counts(&ctrs[i]))
			continue;
		apps++;
		if (!ctr_probe_ready(ctx, &ctrs[i]))
			return false;
	}
	return apps > 0;
}

/* An EXITED record is final: ctr_cleanup decides on a restart in the same
 * transaction that records the exit (RESTARTING otherwise). */
static enum pod_readiness readiness_of(struct pea_ctx *ctx, const struct ctr_info *ctrs,
				       size_t n, struct strbuf *why)
{
	size_t i, apps = 0, done = 0;
	const struct ctr_info *waiting = NULL;

	for (i = 0; i < n; i++) {
		const struct ctr_info *ci = &ctrs[i];

		if (!counts(ci))
			continue;
		apps++;
		if (ci->state == CTR_EXITED && (ci->exit_code != 0 || !ci->started_at)) {
			if (why)
				strbuf_addf(why, "container '%s' exited with code %d%s%s", ci->name,
					    ci->exit_code, ci->error ? ": " : "",
					    ci->error ? ci->error : "");
			return POD_FAILED;
		}
		if (ci->state == CTR_EXITED)
			done++;
		else if (!waiting && !ctr_probe_ready(ctx, ci))
			waiting = ci;
	}
	if (apps && done == apps)
		return POD_SUCCEEDED;
	if (apps && !waiting && !done)
		return POD_READY;
	if (why && waiting)
		ctr_probe_why_not_ready(ctx, waiting, why);
	else if (why && !apps)
		strbuf_addstr(why, "no containers");
	else if (why)
		strbuf_addstr(why, "some containers have completed, others run");
	return POD_NOT_READY;
}

int pod_readiness(struct pea_ctx *ctx, const char *pod_id, struct strbuf *why,
		  struct pea_err **err)
{
	struct ctr_info *ctrs = NULL;
	size_t n = 0;
	int rc;

	if (pod_containers(ctx, pod_id, &ctrs, &n, err) < 0)
		return -1;
	rc = readiness_of(ctx, ctrs, n, why);
	ctr_info_list_free(ctrs, n);
	return rc;
}
