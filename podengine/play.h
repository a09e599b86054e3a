/* kube play and kube down in the engine: run a plan (struct play_pod from
 * kube/plan.c) as pods and containers, all or nothing, and take pods down.
 *
 * play_run, in this order:
 *   1. refuse at once (creating nothing) when a pod or container name is
 *      taken (kind EXISTS), unless opts->replace and the name belongs to a
 *      pod of the plan (then that pod goes in step 3), or, rootless, when a
 *      pod publishes a privileged host port (net_ports_check);
 *   2. images: each container's pull policy (opts->pull overrides it when
 *      set), each image once with the strongest policy asked for: Always
 *      and Newer pull (when the pull fails and a local copy exists, that
 *      copy is used with a warning, as kube-semantics.md says),
 *      IfNotPresent pulls when missing, Never fails when missing; an image
 *      of the registry "localhost" is never pulled;
 *   3. with opts->replace: the pods of step 1 stopped and removed;
 *   4. named volumes of the plan created when missing (labelled);
 *   5. per pod: pod_create (its files volumes written), the containers in
 *      order (ctr_create, spec->pod set to the pod id), then, unless
 *      opts->no_start, pod_start (infra, init containers one by one, each
 *      must exit 0, sidecars, apps).
 * Any failure rolls back everything this call created (pods of earlier
 * documents, volumes it made; pulled images stay, replaced pods are gone)
 * and returns -1 with the error prefixed by the workload ("Deployment/web:
 * ...").  *out is filled on success only.
 *
 * play_down: pods by name (an exact name, never an id prefix), stopped and
 * removed; missing ones skipped; with opts->force the named volumes of the
 * plan too. */
#ifndef PEA_PLAY_H
#define PEA_PLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ctx.h"
#include "base/err.h"
#include "podengine/spec.h"

struct play_opts {
	bool replace;               /* --replace */
	bool no_start;              /* --start=false */
	bool has_pull;              /* a --pull override was given */
	enum pull_policy pull;
	const char *authfile;       /* NULL = default */
	const char *creds;          /* "user[:pass]" or NULL */
	int tls_verify;             /* -1 default, 0, 1 */
	bool quiet;                 /* no pull progress */
};

/* What play_run made: for each pod of the plan, in order. */
struct play_result_pod {
	char *name;
	char *id;
	char **ctr_ids;             /* app and init containers, in creation order
				     * (parallel to the play_pod's ctrs) */
};

struct play_result {
	struct play_result_pod *pods;
	size_t n;
	char **volumes;             /* named volumes it created */
	char **replaced;            /* ids of the pods --replace removed */
	char **warnings;            /* e.g. "using the local copy of IMAGE: ..." */
};

void play_result_release(struct play_result *r);

int play_run(struct pea_ctx *ctx, struct play_pod *pods, size_t n_pods,
	     const struct play_volume *vols, size_t n_vols, const struct play_opts *opts,
	     struct play_result *out, struct pea_err **err);

struct play_down_opts {
	bool force;                 /* also remove the plan's named volumes */
	int timeout;                /* stop timeout; -1 = each container's own */
};

/* Ids of removed pods in *removed (strv, caller frees); volumes removed
 * in *removed_vols when force.  Every pod and volume is tried; on failure
 * -1 with the first error, and the lists hold what was removed. */
int play_down(struct pea_ctx *ctx, char *const *pod_names, const struct play_volume *vols,
	      size_t n_vols, const struct play_down_opts *opts, char ***removed,
	      char ***removed_vols, struct pea_err **err);

#endif
