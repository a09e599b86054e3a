/* Pods: an infra container holding the network, IPC and UTS (and with
 * --share pid, PID) namespaces, and app containers that join them.
 *
 * Records live in the `pods` table (state.c); a pod's files in
 * <root>/pods/<id>/: hosts, resolv.conf, hostname (bind-mounted into every
 * container of the pod), infra-rootfs/ (the infra's empty read-only root)
 * and volumes/ (the pod's own volumes, pod-volume.h).  The pod's netns is bind-mounted under the run root
 * (network/netns.c).  Every container of a pod runs under the cgroup
 * parent "/peapod/pod-<id>" unless the spec says otherwise.
 *
 * Locking: lifecycle operations hold <runroot>/locks/pod-<id>.lock; they
 * take container locks inside it (never the other way round: a container
 * start that must bring up its pod's infra only tries the pod lock).
 *
 * Who implements what:
 *   pod.c        records, lifecycle, the join of app containers, inspect
 *   pod-spec.c   struct pod_spec (spec.h) and its JSON
 *   pod-volume.c the pod's emptyDir and files volumes (podvol_*)
 *   infra.c      the infra container (pod_infra_*)
 *
 * Kubernetes parts: init containers (ctr_spec.role CTR_ROLE_INIT) run one
 * by one at pod start, each to a successful end, before the sidecars and
 * apps; they run again when the pod's infra is started anew (pod start
 * after stop, pod restart).  host_pid / host_ipc put every container in
 * the host's namespace (and /dev/shm); fqdn is an extra /etc/hosts name. */
#ifndef PEA_POD_H
#define PEA_POD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"
#include "podengine/container.h"
#include "podengine/spec.h"

/* Whether the network module (network/) is linked in: pods then get a
 * netns under the run root, a veth and an address (net_setup).  With 0 a
 * "bridge" pod behaves like --network none (the infra's runtime creates a
 * private netns with loopback only) and -p is refused. */
#ifndef POD_NETWORK
#define POD_NETWORK 1
#endif

struct pod_info {
	char *id;                 /* 64 hex */
	char *name;
	char *infra_id;           /* NULL without infra */
	char *state;              /* stored: "created", "running", "exited" */
	char *netns;              /* netns bind mount, or NULL */
	int64_t created;          /* unix nanoseconds */
	char *dir;                /* <root>/pods/<id> */
	char *ip;                 /* first IPv4 address from net_setup, or NULL */
	struct pod_spec spec;
};

void pod_info_release(struct pod_info *pi);
void pod_info_list_free(struct pod_info *list, size_t n);

/* Make the record (state "created"), the pod directory and, unless
 * spec->infra is false, the infra container.  All or nothing.  Returns the
 * id (caller frees).  Kind EXISTS when the name is taken. */
char *pod_create(struct pea_ctx *ctx, const struct pod_spec *spec, struct pea_err **err);
/* By full id, unique id prefix or name.  Kind NOT_FOUND. */
int pod_lookup(struct pea_ctx *ctx, const char *name, struct pod_info *out,
	       struct pea_err **err);
int pod_exists(struct pea_ctx *ctx, const char *name);
/* Newest first. */
int pod_list(struct pea_ctx *ctx, struct pod_info **out, size_t *n, struct pea_err **err);
/* The pod's containers (infra included) in creation order. */
int pod_containers(struct pea_ctx *ctx, const char *pod_id, struct ctr_info **out, size_t *n,
		   struct pea_err **err);

/* Infra (netns, infra container, net_setup), then the containers in
 * creation order: init containers started and waited for (exit != 0:
 * "init container 'NAME' exited with code N"), the others started.  On
 * failure what was started is stopped again. */
int pod_start(struct pea_ctx *ctx, const char *name, struct pea_err **err);
/* App containers in reverse order, then the infra; network torn down;
 * timeout < 0: each container's own. */
int pod_stop(struct pea_ctx *ctx, const char *name, int timeout, struct pea_err **err);
/* Signal every running container of the pod (infra included). */
int pod_kill(struct pea_ctx *ctx, const char *name, int sig, struct pea_err **err);
int pod_restart(struct pea_ctx *ctx, const char *name, int timeout, struct pea_err **err);
/* Remove the pod and its containers; running containers only with force
 * (kind IN_USE otherwise). */
int pod_remove(struct pea_ctx *ctx, const char *name, bool force, struct pea_err **err);
/* Remove every pod without running containers; names of the removed pods'
 * ids in *removed (caller frees with strv_free). */
int pod_prune(struct pea_ctx *ctx, char ***removed, struct pea_err **err);

/* A pod on bridge networks joins (connect) or leaves `network`.  A running
 * pod is attached/detached at once (its first network cannot be left while
 * it runs); a stopped one changes its spec for its next start.  Kind EXISTS
 * / NOT_FOUND when already connected / not connected; the last network
 * cannot be left. */
int pod_network_connect(struct pea_ctx *ctx, const char *name, const char *network,
			bool connect, struct pea_err **err);
/* Whether the pod (by its spec) is attached to the bridge network `network`
 * (a pod without --network is on NET_DEFAULT_NAME). */
bool pod_uses_network(const struct pod_info *pi, const char *network);

/* After a container of pod_id exited for good (no restart due): when the
 * pod belongs to a kube Job and all its app containers have exited, stop the
 * pod and start the Job's next pod that has not run (pod-job.c). */
int pod_job_advance(struct pea_ctx *ctx, const char *pod_id, struct pea_err **err);

/* podman's status words from the containers: "Created", "Running",
 * "Degraded", "Exited" (or "Stopped" when never run).  Static string. */
const char *pod_status(const struct ctr_info *ctrs, size_t n);

/* Kubernetes' pod Ready condition (pod-ready.c): every app container and
 * sidecar (not the infra, not init containers) running and ready
 * (ctr_probe_ready: its readiness probe passes, or it has none). */
bool pod_ready_of(struct pea_ctx *ctx, const struct ctr_info *ctrs, size_t n);

enum pod_readiness {
	POD_NOT_READY,    /* not yet: starting, probes failing, restarting */
	POD_READY,
	POD_SUCCEEDED,    /* every app container exited 0 and none will restart */
	POD_FAILED,       /* an app container exited non-zero and will not restart:
			   * the pod can never become Ready */
};
/* The pod's readiness by id; when not READY, why (may be NULL) gets which
 * container holds it up and why (its state, or its startup/readiness
 * probe's last output).  Returns an enum pod_readiness, or -1. */
int pod_readiness(struct pea_ctx *ctx, const char *pod_id, struct strbuf *why,
		  struct pea_err **err);

/* podman-shaped `pod inspect` and `pod ps --format json` objects. */
struct json_object *pod_inspect_json(struct pea_ctx *ctx, const struct pod_info *pi,
				     struct pea_err **err);
struct json_object *pod_ps_json(struct pea_ctx *ctx, const struct pod_info *pi,
				struct pea_err **err);

/* ---- for the container engine (container.c, ctr-lifecycle.c) ---- */

/* At container create, for a spec with spec->pod (name or id): replace it
 * by the pod's id; default hostname (the pod's), cgroup parent and the
 * pod's DNS settings.  Infra specs are left alone. */
int pod_ctr_prepare(struct pea_ctx *ctx, struct ctr_spec *s, struct pea_err **err);
/* After a container was added to (or removed from) a pod: rewrite the
 * pod's /etc/hosts.  Best effort. */
void pod_ctr_changed(struct pea_ctx *ctx, const char *pod_id);

/* What a starting container of a pod joins; every string may be NULL
 * (= a new namespace) or "host". */
struct pod_join {
	char *netns, *ipcns, *utsns, *pidns;
	char *etc_dir;            /* where hosts, resolv.conf, hostname are */
	char *shm;                /* the pod's /dev/shm (a tmpfs under the run root) */
	char *rootfs;             /* infra only: the empty root */
	char *ip;                 /* apps: the pod's first IPv4 (host network: the
				   * host's), for ctr_spec.env_pod_ip; or NULL */
};
void pod_join_release(struct pod_join *pj);
/* At container start, under the container's lock.  For an app container
 * the pod's infra is started first when it is not running (taking the pod
 * lock only if it is free within a few seconds). */
int pod_ctr_join(struct pea_ctx *ctx, const struct ctr_info *ci, struct pod_join *out,
		 struct pea_err **err);

/* ---- infra.c ---- */

/* "<first 12 of the pod id>-infra"; caller frees. */
char *pod_infra_name(const char *pod_id);
/* <root>/pods/<id>/infra-rootfs; caller frees. */
char *pod_infra_rootfs(struct pea_ctx *ctx, const char *pod_id);
/* The infra container's spec for the pod (filled into an initialised spec). */
int pod_infra_spec(struct pea_ctx *ctx, const struct pod_info *pi, struct ctr_spec *out,
		   struct pea_err **err);
/* Create the empty root and the infra container; returns its id. */
char *pod_infra_create(struct pea_ctx *ctx, const struct pod_info *pi, struct pea_err **err);

#endif
