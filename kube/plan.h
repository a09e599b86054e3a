/* The plan: decoded Kubernetes objects (kube/kube.h) turned into what the
 * engine runs (podengine/spec.h: struct play_pod, struct play_volume), with
 * every reference resolved and Kubernetes' rules applied:
 *
 *  - names as podman: pod = metadata.name; Deployment/DaemonSet/Job:
 *    "<name>-pod", with replicas (or completions) > 1 "<name>-pod-0".."-N-1";
 *    containers "<pod>-<container>";
 *  - labels and annotations of the pod (template) on the pod and its
 *    containers; "app: <name>" is not invented;
 *  - command/args against the image's ENTRYPOINT/CMD (without reading the
 *    image: ctr_spec's NULL = the image's): command → entrypoint = command,
 *    cmd = args or empty; only args → cmd = args;
 *  - env in order: envFrom (each source's keys, prefixed, invalid names
 *    skipped with a warning), then env; valueFrom resolved from the
 *    ConfigMaps/Secrets among the objects (optional refs may be missing),
 *    fieldRef, resourceFieldRef (with divisor, rounded up as the kubelet
 *    does); status.podIP goes to ctr_spec.env_pod_ip;
 *  - $(VAR) in env values, command, args and subPathExpr with the
 *    container's env defined before it ($$ escapes, undefined stays literal);
 *  - volumes: hostPath → MOUNT_BIND with host_path_type; emptyDir →
 *    pod_volume EMPTYDIR; configMap, secret, downwardAPI, projected →
 *    pod_volume FILES (items, defaultMode, mode, optional); PVC → MOUNT_VOLUME
 *    (and a play_volume);
 *  - securityContext (pod, then container overrides), resources, probes and
 *    lifecycle kept as JSON (ctr_spec.kube) for what the engine does not run
 *    yet.
 *
 * Errors found here (a missing ConfigMap, a volumeMount naming no volume)
 * name the place as decoding does: "FILE:LINE:COL: PATH: MESSAGE".  Fields
 * peapod does not support give a warning, never silence; fields that cannot
 * apply on one machine are ignored.  kube/ reads nothing from the machine:
 * what it needs comes in struct kube_plan_env. */
#ifndef PEA_KUBE_PLAN_H
#define PEA_KUBE_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "kube/kube.h"
#include "podengine/spec.h"

/* Facts of this machine, filled by the caller. */
struct kube_plan_env {
	const char *node_name;      /* spec.nodeName: the host name */
	const char *host_ip;        /* status.hostIP (and status.podIP with hostNetwork) */
	int64_t node_cpu_milli;     /* allocatable CPU (limits.cpu when unset) */
	int64_t node_memory;        /* allocatable memory in bytes */
	const char *seccomp_root;   /* Localhost profiles; NULL = /var/lib/kubelet/seccomp */
};

struct kube_plan {
	struct play_pod *pods;
	size_t n_pods;
	struct play_volume *volumes; /* claims used or declared, each once */
	size_t n_volumes;
	char **pod_names;            /* every pod name the objects make, in order
				      * (for kube down: the same list) */
	char **skipped;              /* "Service/frontend": kinds not run */
};

/* Build the plan of every Pod, Deployment, DaemonSet, Job and PVC in objs
 * (ConfigMaps and Secrets are looked up, not run).  On failure -1, *err
 * with every error found (one per line) and *out released. */
int kube_plan_build(const struct kube_objects *objs, const struct kube_plan_env *env,
		    struct kube_plan *out, char ***warnings, struct pea_err **err);
void kube_plan_release(struct kube_plan *p);

/* Kubernetes' $(VAR) expansion (third_party/forked/golang/expansion):
 * "$(NAME)" → the value of NAME when lookup finds it, else kept literally;
 * "$$" → "$"; a "$" before anything else stays.  Returns a new string. */
char *kube_expand(const char *in, const char *(*lookup)(void *arg, const char *name),
		  void *arg);

/* Quantities ("100m", "0.5", "64Mi", "1e3", "1G").  *milli = value * 1000
 * rounded up (for cpu); *bytes = value rounded up (for memory).  -1 with
 * *err (kind INVALID) on a malformed quantity. */
int kube_quantity_milli(const char *q, int64_t *milli, struct pea_err **err);
int kube_quantity_value(const char *q, int64_t *value, struct pea_err **err);

#endif
