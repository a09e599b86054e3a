/* Shared by the files of the plan (kube/plan*.c); not for other modules.
 *
 * One kube_plan_build call is a struct kplan: the objects, the machine's
 * facts, the field path being planned (for messages), the errors collected
 * (one per line) and the warnings.  Each pod being built is a struct
 * kplan_pod.  Functions that find errors record them with kplan_fail and
 * return -1; the build goes on with the next object so that one run reports
 * everything. */
#ifndef PEA_KUBE_PLAN_INTERNAL_H
#define PEA_KUBE_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "kube/kube.h"
#include "kube/plan.h"
#include "kube/yaml.h"

#define KPLAN_MAX_ERRORS 50

struct kplan_owner {                    /* who made a pod name */
	char *pod;
	char *workload;                 /* "Deployment/web" */
	const struct kube_object *obj;
};

struct kplan_hostport {                 /* a host port a pod of the plan takes */
	int port;
	char proto[8];                  /* "TCP", "UDP", "SCTP" */
	char *ip;                       /* "" = every address */
	char *pod;
};

struct kplan {
	const struct kube_objects *objs;
	struct kube_plan_env env;       /* a copy; NULL strings made "" */
	char ***warnings;               /* may be NULL: warnings dropped */
	struct strbuf errors;
	int nerrors;
	bool quiet;                     /* replicas after the first: no messages */
	const struct kube_object *obj;  /* being planned (messages: file, line) */
	struct kyaml_path path;
	struct kube_plan *out;
	struct kplan_owner *owners;     /* every pod name so far */
	size_t nowners, aowners;
	char **ctr_names;               /* every container name so far ... */
	char **ctr_pods;                /* ... and its pod */
	struct kplan_hostport *hostports;
	size_t nhostports, ahostports;
};

/* Messages "FILE:LINE:COL: PATH: MESSAGE" at pos (the object's first line
 * when pos is NULL or unset) with the current path. */
void kplan_fail(struct kplan *k, const struct kube_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kplan_warn(struct kplan *k, const struct kube_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The path (kyaml_path): push ".key" or ".key[i]" as one component; pop n. */
void kplan_key(struct kplan *k, const char *key);
void kplan_idx(struct kplan *k, const char *key, size_t i);
void kplan_pop(struct kplan *k, size_t n);

/* ConfigMaps and Secrets of the stream, by name (the pod's namespace
 * preferred; then any namespace; the last one of the stream wins). */
const struct kube_configmap *kplan_configmap(struct kplan *k, const char *name,
					     const char *ns);
const struct kube_secret *kplan_secret(struct kplan *k, const char *name, const char *ns);
/* A named volume of the plan, once (labels of a PVC object, or none). */
void kplan_add_volume(struct kplan *k, const char *name, const struct kube_map *labels);

/* One pod being built. */
struct kplan_pod {
	struct kplan *k;
	const char *name;               /* the pod's name */
	const char *namespace;          /* "default" when unset */
	const struct kube_meta *meta;   /* labels, annotations (template's) */
	const struct kube_pod_spec *spec;
	char uid[37];
	bool job;
	int32_t backoff_limit;
	struct play_pod *out;
};

/* "$(VAR)" lookups over a container's environment, built in order. */
struct kplan_env {
	char **names;
	char **values;                  /* NULL: set at start (status.podIP) */
	size_t n, alloc;
};

/* kube_expand over env, with a warning at pos for a $(VAR) that names a
 * variable set only at start (the pod IP). */
char *kplan_expand(struct kplan_pod *p, const struct kube_pos *pos, struct kplan_env *env,
		   const char *in);
void kplan_env_release(struct kplan_env *e);

/* The whole pod: pod_spec and containers (plan-pod.c). */
int kplan_pod_build(struct kplan_pod *p);

/* A container (plan-ctr.c). */
int kplan_container(struct kplan_pod *p, const struct kube_container *c, size_t idx,
		    bool init, struct ctr_spec *out);

/* The environment of c (plan-env.c): out->env, out->env_pod_ip, and the
 * lookup table for command, args and subPathExpr in *env. */
int kplan_container_env(struct kplan_pod *p, const struct kube_container *c,
			struct ctr_spec *out, struct kplan_env *env);

/* Downward API values (plan-fieldref.c).  Paths are relative to the
 * current path.  in_volume: the fields a downwardAPI volume allows (whole
 * label/annotation maps as `k="v"` lines) instead of env's. */
char *kplan_field_value(struct kplan_pod *p, const struct kube_pos *pos,
			const struct kube_field_ref *ref, bool in_volume, bool *pod_ip);
char *kplan_resource_value(struct kplan_pod *p, const struct kube_pos *pos,
			   const struct kube_container *self,
			   const struct kube_resource_ref *ref);
/* A quantity of c's resources in milli units or as a value (requests
 * default to limits, as the API server defaults them), or -1 when unset or
 * malformed (kplan_container_resources reports those). */
int64_t kplan_resource_get(const struct kube_container *c, bool limits, const char *name,
			   bool milli);
/* resources_spec of c, quantities checked (plan-resources.c). */
int kplan_container_resources(struct kplan_pod *p, const struct kube_container *c,
			      struct ctr_spec *out);

/* Volumes (plan-volume.c, plan-files.c). */
int kplan_pod_volumes(struct kplan_pod *p);
int kplan_volume_files(struct kplan_pod *p, const struct kube_volume *v,
		       struct pod_volume *out);
int kplan_container_mounts(struct kplan_pod *p, const struct kube_container *c,
			   struct kplan_env *env, bool privileged, struct ctr_spec *out);

/* Security context (plan-security.c). */
int kplan_container_security(struct kplan_pod *p, const struct kube_container *c,
			     struct ctr_spec *out);

/* JSON texts kept for kube generate (plan-json.c). */
char *kplan_json_container(const struct kube_container *c);
char *kplan_json_pod(const struct kube_meta *meta, const struct kube_pod_spec *spec);
char *kplan_json_volume(const struct kube_volume *v);

/* "k=v" vector of a map (NULL when empty). */
char **kplan_map_strv(const struct kube_map *m);

#endif
