/* `kube generate`: running pods and containers back into Kubernetes YAML
 * that a cluster accepts and that `kube play` turns into the same pods.
 *
 * What goes in: the records the engine keeps (podengine/pod.h pod_info,
 * podengine/container.h ctr_info: the ctr_spec each container runs with
 * and its image's config).  Pods made by `kube play` also carry the
 * Kubernetes objects as written (ctr_spec.kube, pod_spec.kube,
 * pod_volume.kube, kube/plan-json.c): those give what a spec cannot say
 * (probes, lifecycle hooks, env and volumes that name ConfigMaps and
 * Secrets, resource requests, the pod/container split of the security
 * context) and the spelling the user chose; everything else comes from
 * the specs.  kube/ reads nothing from the machine: what it needs
 * (hostPath types, volume labels) it asks the caller through
 * struct kube_gen_opts.
 *
 * What comes out: one YAML stream, a header comment, then the
 * PersistentVolumeClaims of the named volumes used, the Services (-s),
 * then one Pod (Deployment, DaemonSet, Job) per pod, separated by "---".
 * Keys are in a fixed order (apiVersion, kind, metadata, spec; in a
 * container name, image, command, args, ...), maps (labels, annotations,
 * resource lists) sorted; values the API server defaults are left out.
 * The same input always gives the same bytes: generating again from
 * pods played from the output gives the output again (a fixed point).
 *
 * Names become valid Kubernetes names (DNS-1123: lowercase letters,
 * digits, '-', at most 63 characters); each change is a note
 * ("container name \"My_App\" changed to \"my-app\"").  A container of a
 * pod loses the "<pod>-" prefix that `kube play` gives it. */
#ifndef PEA_KUBE_GENERATE_H
#define PEA_KUBE_GENERATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "podengine/container.h"
#include "podengine/pod.h"

enum kube_gen_kind {
	KUBE_GEN_POD = 0,
	KUBE_GEN_DEPLOYMENT,
	KUBE_GEN_DAEMONSET,
	KUBE_GEN_JOB,
};

struct kube_gen_opts {
	enum kube_gen_kind kind;
	int32_t replicas;        /* Deployment; printed when > 1 */
	bool service;            /* a NodePort Service per pod; hostPorts dropped */
	const char *version;     /* "Created with peapod-VERSION" in the header;
				  * NULL: no header */
	const char *seccomp_root; /* Localhost profiles; NULL = /var/lib/kubelet/seccomp */
	/* Machine facts, asked for by kube/ (either may be NULL):
	 * host_path_type: "Directory", "File" or "DirectoryOrCreate" (nothing
	 *   there) for a bind mount's host path, a static string or NULL;
	 * volume_labels: the labels of a named volume as "k=v" (a new vector,
	 *   freed by kube/), or NULL. */
	const char *(*host_path_type)(void *arg, const char *path);
	char **(*volume_labels)(void *arg, const char *name);
	void *arg;
};

/* One pod of the output: a pod and its containers, or (pod NULL)
 * containers outside any pod, grouped into one pod named
 * "<first container>-pod" as podman does.  Infra containers are skipped. */
struct kube_gen_pod {
	const struct pod_info *pod;
	const struct ctr_info *ctrs;     /* creation order */
	size_t n_ctrs;
};

/* Append the YAML of pods[0..n) and of the named volumes `volumes` (each
 * a PersistentVolumeClaim; may be NULL) to *out.  Notes about renamed
 * objects and what cannot be expressed are added to *notes (may be
 * NULL), without a "Note: " prefix.  Errors (kind INVALID): a pod with
 * only its infra container, a restart policy the kind does not allow,
 * replicas for a DaemonSet; *out is left as it was. */
int kube_generate(const struct kube_gen_pod *pods, size_t n, char *const *volumes,
		  const struct kube_gen_opts *opts, struct strbuf *out, char ***notes,
		  struct pea_err **err);

#endif
