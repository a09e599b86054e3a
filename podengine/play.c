/* kube play / kube down in the engine (play.h): names checked first, images,
 * replaced pods, volumes, then pods one by one; any failure undoes what
 * this call made. */
#include "podengine/play.h"
#include "podengine/parallel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/log.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/container.h"
#include "podengine/image.h"
#include "podengine/pod.h"
#include "podengine/reference.h"
#include "podengine/volume.h"
#include "network/network.h"

#include "base/banned.h"

void play_result_release(struct play_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->pods[i].name);
		free(r->pods[i].id);
		strv_free(r->pods[i].ctr_ids);
	}
	free(r->pods);
	strv_free(r->volumes);
	strv_free(r->replaced);
	strv_free(r->warnings);
	memset(r, 0, sizeof(*r));
}

/* Keep the first error; later ones are added to its message, one per line. */
static void keep_err(struct pea_err **first, struct pea_err *e)
{
	cleanup_free char *text = NULL;
	char *msg;

	if (!e)
		return;
	if (!*first) {
		*first = e;
		return;
	}
	text = pea_err_text(e);
	msg = xasprintf("%s\n%s", (*first)->msg, text);
	free((*first)->msg);
	(*first)->msg = msg;
	pea_err_free(e);
}

/* Hand e over to the caller's err (which may be NULL); returns -1. */
static int pass_err(struct pea_err **err, struct pea_err *e)
{
	if (err)
		*err = e;
	else
		pea_err_free(e);
	return -1;
}

/* ---- 1. names ------------------------------------------------------------ */

/* The id of the pod called exactly `name` in list, or NULL. */
static const char *pod_by_name(const struct pod_info *list, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			return list[i].id;
	return NULL;
}

static int check_plan_unique(const struct play_pod *pods, size_t n, struct pea_err **err)
{
	cleanup_strv char **pnames = NULL, **cnames = NULL;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (strv_find(pnames, pods[i].pod.name) >= 0)
			return pea_err_setk(err, PEA_E_INVALID, 0, "%s: pod name \"%s\" is used "
					    "twice", pods[i].workload, pods[i].pod.name);
		strv_push(&pnames, pods[i].pod.name);
		for (j = 0; j < pods[i].n_ctrs; j++) {
			const char *c = pods[i].ctrs[j].name;

			if (c && strv_find(cnames, c) >= 0)
				return pea_err_setk(err, PEA_E_INVALID, 0, "%s: container name \"%s\" "
						    "is used twice", pods[i].workload, c);
			if (c)
				strv_push(&cnames, c);
		}
	}
	return 0;
}

/* Taken container names, unless taken by a pod being replaced. */
static int check_ctr_names(struct pea_ctx *ctx, const struct play_pod *pods, size_t n,
			   char *const *replace_ids, struct pea_err **err)
{
	struct ctr_info *list = NULL;
	size_t nl = 0, i, j, k;
	int rc = 0;

	if (ctr_list(ctx, true, &list, &nl, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		for (j = 0; j < pods[i].n_ctrs && rc == 0; j++) {
			const char *c = pods[i].ctrs[j].name;

			for (k = 0; c && k < nl; k++) {
				if (strcmp(list[k].name, c))
					continue;
				if (list[k].pod_id && strv_find(replace_ids, list[k].pod_id) >= 0)
					break;
				rc = pea_err_setk(err, PEA_E_EXISTS, 0, "%s: the container name \"%s\" "
						  "is already in use by %s. You have to remove that "
						  "container to be able to reuse that name: that name "
						  "is already in use", pods[i].workload, c,
						  list[k].id);
				break;
			}
		}
	}
	ctr_info_list_free(list, nl);
	return rc;
}

/* Refuse taken names (creating nothing); with replace, collect the ids of
 * the plan's pods that exist. */
static int check_names(struct pea_ctx *ctx, const struct play_pod *pods, size_t n,
		       bool replace, char ***replace_ids, struct pea_err **err)
{
	struct pod_info *list = NULL;
	size_t nl = 0, i;
	int rc = 0;

	if (check_plan_unique(pods, n, err) < 0 || pod_list(ctx, &list, &nl, err) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		const char *id = pod_by_name(list, nl, pods[i].pod.name);

		if (!id)
			continue;
		if (replace)
			strv_push(replace_ids, id);
		else
			rc = pea_err_setk(err, PEA_E_EXISTS, 0, "%s: adding pod to state: name \"%s\" "
					  "is in use: pod already exists", pods[i].workload,
					  pods[i].pod.name);
	}
	pod_info_list_free(list, nl);
	if (rc == 0)
		rc = check_ctr_names(ctx, pods, n, *replace_ids, err);
	return rc;
}

/* ---- 2. images ----------------------------------------------------------- */

/* Rootless: a host port pasta could not bind fails the play before
 * anything is created. */
static int check_ports(struct pea_ctx *ctx, const struct play_pod *pods, size_t n,
		       struct pea_err **err)
{
	for (size_t i = 0; i < n; i++)
		if (net_ports_check(ctx, pods[i].pod.ports, pods[i].pod.n_ports, err) < 0)
			return pea_err_wrap(err, "%s", pods[i].workload);
	return 0;
}

static int policy_rank(enum pull_policy p)
{
	switch (p) {
	case PULL_NEVER: return 0;
	case PULL_MISSING: return 1;
	case PULL_NEWER: return 2;
	default: return 3;
	}
}

struct want_image {
	const char *image;
	enum pull_policy policy;
	const char *workload;     /* the first one that asked for it */
};

static size_t collect_images(const struct play_pod *pods, size_t n, const struct play_opts *o,
			     struct want_image **out)
{
	struct want_image *v = NULL;
	size_t nv = 0, i, j, k;

	for (i = 0; i < n; i++) {
		for (j = 0; j < pods[i].n_ctrs; j++) {
			const struct ctr_spec *c = &pods[i].ctrs[j];
			enum pull_policy p = o->has_pull ? o->pull : c->pull;

			if (c->infra || !c->image)
				continue;
			for (k = 0; k < nv && strcmp(v[k].image, c->image); k++)
				;
			if (k == nv) {
				v = xrealloc(v, (nv + 1) * sizeof(*v));
				v[nv++] = (struct want_image){ c->image, p, pods[i].workload };
			} else if (policy_rank(p) > policy_rank(v[k].policy)) {
				v[k].policy = p;
			}
		}
	}
	*out = v;
	return nv;
}

static int ensure_image(struct pea_ctx *ctx, const struct want_image *w,
			const struct play_opts *o, char ***warnings, struct pea_err **err)
{
	struct img_registry_opts reg = {
		.creds = o->creds, .authfile = o->authfile,
		.tls_verify = o->tls_verify < 0 ? 1 : o->tls_verify, .quiet = o->quiet,
	};
	struct img_ref ref = { 0 };
	struct pea_err *e = NULL;
	cleanup_free char *id = NULL, *text = NULL, *warning = NULL;
	bool have = img_exists(ctx, w->image), local;

	if (img_ref_parse(w->image, &ref, err) < 0)
		return -1;
	local = !strcmp(ref.domain, "localhost");
	img_ref_release(&ref);
	if (have && (w->policy == PULL_MISSING || w->policy == PULL_NEVER || local))
		return 0;
	if (local)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "image \"%s\" is not present, and "
				    "images of the registry localhost are never pulled", w->image);
	if (w->policy == PULL_NEVER)
		return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "container image \"%s\" is not "
				    "present with pull policy of Never", w->image);
	id = img_pull(ctx, w->image, &reg, &e);
	if (id)
		return 0;
	if (!have)
		return pass_err(err, e);
	text = pea_err_text(e);
	warning = xasprintf("%s: pulling image \"%s\" failed, using the local copy: %s",
			    w->workload, w->image, text);
	strv_push(warnings, warning);
	pea_err_free(e);
	return 0;
}

static int ensure_images(struct pea_ctx *ctx, const struct play_pod *pods, size_t n,
			 const struct play_opts *o, char ***warnings, struct pea_err **err)
{
	struct want_image *v = NULL;
	size_t nv = collect_images(pods, n, o, &v), i;
	int rc = 0;

	for (i = 0; i < nv && rc == 0; i++) {
		rc = ensure_image(ctx, &v[i], o, warnings, err);
		if (rc < 0)
			pea_err_wrap(err, "%s", v[i].workload);
	}
	free(v);
	return rc;
}

/* ---- 3-5. replace, volumes, pods ---------------------------------------- */

static int remove_replaced(struct pea_ctx *ctx, char *const *ids, char ***done,
			   struct pea_err **err)
{
	for (; ids && *ids; ids++) {
		struct pea_err *e = NULL;

		if (pod_stop(ctx, *ids, -1, &e) < 0) {
			log_debug(&ctx->log, "replace: stop pod %s: %s", *ids, e->msg);
			pea_err_free(e);
		}
		if (pod_remove(ctx, *ids, true, err) < 0)
			return pea_err_wrap(err, "replace");
		strv_push(done, *ids);
	}
	return 0;
}

static int create_volumes(struct pea_ctx *ctx, const struct play_volume *vols, size_t n,
			  char ***created, struct pea_err **err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct pea_err *e = NULL;

		if (vol_exists(ctx, vols[i].name))
			continue;
		if (vol_create(ctx, vols[i].name, vols[i].labels, NULL, false, false, NULL,
			       &e) < 0) {
			if (pea_err_is(e, PEA_E_EXISTS)) {   /* made meanwhile: not ours */
				pea_err_free(e);
				continue;
			}
			pass_err(err, e);
			return pea_err_wrap(err, "PersistentVolumeClaim/%s", vols[i].name);
		}
		strv_push(created, vols[i].name);
	}
	return 0;
}

/* A Job's pods beyond its parallelism wait: the exit of an earlier one
 * starts them (pod_job_advance). */
static bool job_waits(struct play_pod *pods, size_t i)
{
	const char *job = pods[i].pod.job;
	int started = 0;

	if (!job)
		return false;
	for (size_t j = 0; j < i; j++)
		if (pods[j].pod.job && !strcmp(pods[j].pod.job, job))
			started++;
	return started >= pods[i].pod.job_parallelism;
}

static int create_pod(struct pea_ctx *ctx, struct play_pod *pp, bool start,
		      struct play_result_pod *rp, struct pea_err **err)
{
	size_t j;

	rp->name = xstrdup(pp->pod.name);
	rp->id = pod_create(ctx, &pp->pod, err);
	if (!rp->id)
		return -1;
	for (j = 0; j < pp->n_ctrs; j++) {
		char *cid;

		free(pp->ctrs[j].pod);
		pp->ctrs[j].pod = xstrdup(rp->id);
		cid = ctr_create(ctx, &pp->ctrs[j], err);
		if (!cid)
			return -1;
		strv_push(&rp->ctr_ids, cid);
		free(cid);
	}
	if (start && pod_start(ctx, rp->id, err) < 0)
		return -1;
	return 0;
}

/* Undo: every pod made (newest first, with its containers), then the
 * volumes made.  Failures are logged: the original error is what counts. */
static void rollback(struct pea_ctx *ctx, struct play_result *r)
{
	size_t i;
	char **v;

	for (i = r->n; i-- > 0;) {
		struct pea_err *e = NULL;

		if (r->pods[i].id && pod_remove(ctx, r->pods[i].id, true, &e) < 0) {
			log_error(&ctx->log, "rollback: %s", e->msg);
			pea_err_free(e);
		}
	}
	for (v = r->volumes; v && *v; v++) {
		struct pea_err *e = NULL;

		if (vol_remove(ctx, *v, true, &e) < 0) {
			log_error(&ctx->log, "rollback: remove volume '%s': %s", *v, e->msg);
			pea_err_free(e);
		}
	}
}

int play_run(struct pea_ctx *ctx, struct play_pod *pods, size_t n_pods,
	     const struct play_volume *vols, size_t n_vols, const struct play_opts *opts,
	     struct play_result *out, struct pea_err **err)
{
	struct play_result r = { 0 };
	cleanup_strv char **replace_ids = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (check_ports(ctx, pods, n_pods, err) < 0 ||
	    check_names(ctx, pods, n_pods, opts->replace, &replace_ids, err) < 0 ||
	    ensure_images(ctx, pods, n_pods, opts, &r.warnings, err) < 0 ||
	    remove_replaced(ctx, replace_ids, &r.replaced, err) < 0)
		goto fail;
	if (create_volumes(ctx, vols, n_vols, &r.volumes, err) < 0)
		goto undo;
	r.pods = xcalloc(n_pods ? n_pods : 1, sizeof(*r.pods));
	for (i = 0; i < n_pods; i++) {
		r.n = i + 1;
		if (create_pod(ctx, &pods[i], !opts->no_start && !job_waits(pods, i), &r.pods[i],
			       err) < 0) {
			pea_err_wrap(err, "%s", pods[i].workload);
			goto undo;
		}
	}
	*out = r;
	return 0;
undo:
	rollback(ctx, &r);
fail:
	play_result_release(&r);
	return -1;
}

/* ---- kube down ------------------------------------------------------------ */

struct down_batch {
	char **ids;
	int timeout;
};

/* One pod's stop (in a child of its own: the pods of a manifest go down at
 * once, as a cluster deletes them); pod_remove later forces what it could
 * not stop. */
static int stop_pod(struct pea_ctx *ctx, size_t i, void *arg, struct pea_err **err)
{
	struct down_batch *b = arg;
	struct pea_err *e = NULL;

	(void)err;
	if (pod_stop(ctx, b->ids[i], b->timeout, &e) < 0) {
		log_warn(&ctx->log, "stop pod '%s': %s", b->ids[i], e->msg);
		pea_err_free(e);
	}
	return 0;
}

static void down_pods(struct pea_ctx *ctx, char *const *names, int timeout, char ***removed,
		      struct pea_err **first)
{
	struct down_batch b = { .timeout = timeout };
	struct pod_info *list = NULL;
	size_t nl = 0;
	struct pea_err *e = NULL;

	if (pod_list(ctx, &list, &nl, &e) < 0) {
		keep_err(first, e);
		return;
	}
	for (; names && *names; names++) {
		const char *id = pod_by_name(list, nl, *names);

		if (id)
			strv_push(&b.ids, id);
	}
	pod_info_list_free(list, nl);
	par_each(ctx, strv_len(b.ids), stop_pod, &b, NULL);
	for (char **id = b.ids; id && *id; id++) {
		e = NULL;
		if (pod_remove(ctx, *id, true, &e) < 0)
			keep_err(first, e);
		else
			strv_push(removed, *id);
	}
	strv_free(b.ids);
}

int play_down(struct pea_ctx *ctx, char *const *pod_names, const struct play_volume *vols,
	      size_t n_vols, const struct play_down_opts *opts, char ***removed,
	      char ***removed_vols, struct pea_err **err)
{
	struct pea_err *first = NULL;
	size_t i;

	*removed = NULL;
	*removed_vols = NULL;
	down_pods(ctx, pod_names, opts->timeout, removed, &first);
	for (i = 0; opts->force && i < n_vols; i++) {
		struct pea_err *e = NULL;

		if (!vol_exists(ctx, vols[i].name))
			continue;
		if (vol_remove(ctx, vols[i].name, true, &e) < 0)
			keep_err(&first, e);
		else
			strv_push(removed_vols, vols[i].name);
	}
	return first ? pass_err(err, first) : 0;
}
