/* Kubernetes objects as `kube play` decodes them from YAML (kube/yaml.h) with
 * the field tables of kube/schema.h, one file per kind (kube/kind-*.c).
 *
 * Ownership: every pointer inside a decoded object is owned by that object
 * and freed by kube_object_release().  Strings are NUL terminated copies;
 * an absent string field is NULL unless the kind's table gives a default
 * (then it is that default, as the API server would fill it in).  Lists are
 * an array plus a count (NULL and 0 when absent); string lists are
 * NULL-terminated vectors (NULL when absent).
 */
#ifndef PEA_KUBE_H
#define PEA_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "kube/yaml.h"

/* map[string]string and map[string][]byte: parallel vectors in document
 * order.  keys and values are NULL-terminated; lens[i] is the length of
 * values[i] (values decoded from base64 may hold NULs, and are NUL
 * terminated anyway).  An absent map is all NULL/0. */
struct kube_map {
	size_t n;
	char **keys;
	char **values;
	size_t *lens;
};

/* Index of key in m, or -1. */
int kube_map_find(const struct kube_map *m, const char *key);
/* Value of key or NULL. */
const char *kube_map_get(const struct kube_map *m, const char *key);
/* Set key to a copy of value[0..len) (replacing an existing value). */
void kube_map_set(struct kube_map *m, const char *key, const char *value, size_t len);
void kube_map_release(struct kube_map *m);

/* intstr.IntOrString */
struct kube_intstr {
	bool set;
	bool is_str;
	int32_t i;
	char *s;
};

struct kube_meta {
	char *name;        /* required; DNS-1123 subdomain */
	char *namespace;   /* NULL when absent */
	struct kube_map labels;
	struct kube_map annotations;
};

struct kube_configmap {
	struct kube_meta meta;
	struct kube_map data;
	struct kube_map binary_data; /* base64-decoded */
	bool immutable;
};

struct kube_secret {
	struct kube_meta meta;
	char *type;                  /* default "Opaque" */
	struct kube_map data;        /* base64-decoded, stringData merged in */
	struct kube_map string_data; /* always empty after decoding (merged) */
	bool immutable;
};

/* Where a mapping started in its file (1-based), for errors found after
 * decoding (the plan): filled by a KSCHEMA_POS entry of the table. */
struct kube_pos {
	int line, col;
};

/* ---- references and value sources ---- */

struct kube_key_ref {          /* configMapKeyRef, secretKeyRef */
	char *name;
	char *key;             /* required */
	bool optional;
};

struct kube_field_ref {        /* ObjectFieldSelector */
	char *api_version;     /* default "v1" */
	char *field_path;      /* required: metadata.name, metadata.labels['k'], ... */
};

struct kube_resource_ref {     /* ResourceFieldSelector */
	char *container_name;  /* required in volumes, optional in env */
	char *resource;        /* required: limits.cpu, requests.memory, ... */
	char *divisor;         /* quantity as written; NULL = "1" */
};

struct kube_env_source {       /* EnvVarSource: exactly one is set */
	struct kube_key_ref *config_map_key_ref;
	struct kube_key_ref *secret_key_ref;
	struct kube_field_ref *field_ref;
	struct kube_resource_ref *resource_field_ref;
};

struct kube_env {
	struct kube_pos pos;
	char *name;  /* required */
	char *value; /* NULL when absent */
	struct kube_env_source *value_from;   /* NULL when absent */
};

struct kube_env_from {
	struct kube_pos pos;
	char *prefix;
	struct kube_key_ref *config_map_ref;  /* key unused */
	struct kube_key_ref *secret_ref;      /* key unused */
};

struct kube_port {
	char *name;
	int32_t container_port; /* required, 1-65535 */
	int32_t host_port;      /* 0 when absent, else 1-65535 */
	char *host_ip;
	char *protocol;         /* TCP (default), UDP or SCTP */
};

/* ResourceRequirements: quantities kept as written ("100m", "0.5", "64Mi"). */
struct kube_resources {
	struct kube_map limits;     /* cpu, memory, ephemeral-storage, hugepages-* */
	struct kube_map requests;
};

struct kube_capabilities {
	char **add;                 /* as written, with or without CAP_ */
	char **drop;
};

struct kube_seccomp {
	char *type;                 /* required: RuntimeDefault, Unconfined, Localhost */
	char *localhost_profile;    /* required for Localhost, relative path */
};

struct kube_sysctl {
	char *name;
	char *value;
};

/* Optional integers and booleans: has_* says whether the field was there
 * (Kubernetes distinguishes "absent" from 0/false for all of these). */
struct kube_security_context {     /* container level */
	bool has_run_as_user, has_run_as_group, has_run_as_non_root;
	int64_t run_as_user, run_as_group;
	bool run_as_non_root;
	bool has_privileged, privileged;
	bool has_read_only_root_filesystem, read_only_root_filesystem;
	bool has_allow_privilege_escalation, allow_privilege_escalation;
	struct kube_capabilities *capabilities;
	char *proc_mount;              /* Default, Unmasked */
	struct kube_seccomp *seccomp_profile;
};

struct kube_pod_security_context { /* pod level */
	bool has_run_as_user, has_run_as_group, has_run_as_non_root, has_fs_group;
	int64_t run_as_user, run_as_group, fs_group;
	bool run_as_non_root;
	int64_t *supplemental_groups;  /* array + count */
	size_t nsupplemental_groups;
	char *fs_group_change_policy;  /* accepted; Always/OnRootMismatch */
	struct kube_sysctl *sysctls;
	size_t nsysctls;
	struct kube_seccomp *seccomp_profile;
};

/* ---- probes and lifecycle (issue 7 runs them; kube play keeps them) ---- */

struct kube_http_header {
	char *name;
	char *value;
};

struct kube_handler {              /* exec / httpGet / tcpSocket / grpc / sleep */
	char **exec_command;           /* exec.command; NULL = not exec */
	bool has_http_get;
	char *http_path, *http_host, *http_scheme; /* scheme default HTTP */
	struct kube_intstr http_port;
	struct kube_http_header *http_headers;
	size_t nhttp_headers;
	bool has_tcp_socket;
	char *tcp_host;
	struct kube_intstr tcp_port;
	bool has_grpc;
	int32_t grpc_port;
	char *grpc_service;
	bool has_sleep;
	int64_t sleep_seconds;
};

struct kube_probe {
	struct kube_handler handler;   /* the handler fields are inline in a Probe */
	int32_t initial_delay_seconds; /* default 0 */
	int32_t timeout_seconds;       /* default 1 */
	int32_t period_seconds;        /* default 10 */
	int32_t success_threshold;     /* default 1 */
	int32_t failure_threshold;     /* default 3 */
	bool has_termination_grace_period_seconds;
	int64_t termination_grace_period_seconds;
};

struct kube_lifecycle {
	struct kube_handler *post_start;
	struct kube_handler *pre_stop;
	char *stop_signal;             /* "SIGTERM", ... */
};

/* ---- volumes ---- */

struct kube_vol_mount {
	struct kube_pos pos;
	char *name;                /* required */
	char *mount_path;          /* required, absolute */
	bool read_only;
	char *sub_path;
	char *sub_path_expr;       /* $(VAR) expanded with the container's env */
	char *mount_propagation;   /* None (default), HostToContainer, Bidirectional */
	char *recursive_read_only; /* accepted: Disabled, IfPossible, Enabled */
};

struct kube_key_path {             /* KeyToPath */
	char *key;                 /* required */
	char *path;                /* required, relative, no ".." */
	bool has_mode;
	int32_t mode;              /* 0-0777 */
};

struct kube_dapi_file {            /* DownwardAPIVolumeFile */
	char *path;                /* required */
	struct kube_field_ref *field_ref;
	struct kube_resource_ref *resource_field_ref;
	bool has_mode;
	int32_t mode;
};

/* configMap and secret volumes, and their projected forms.  For secret
 * volumes `name` is secretName. */
struct kube_cm_source {
	char *name;
	struct kube_key_path *items;
	size_t nitems;
	bool has_default_mode;
	int32_t default_mode;      /* default 0644 (volume); unused in projections */
	bool optional;
};

struct kube_dapi_source {
	struct kube_dapi_file *items;
	size_t nitems;
	bool has_default_mode;
	int32_t default_mode;
};

struct kube_projection {           /* VolumeProjection: exactly one is set */
	struct kube_cm_source *config_map;
	struct kube_cm_source *secret;
	struct kube_dapi_source *downward_api;
	bool service_account_token;    /* accepted: warned, nothing written */
	char *unsupported;             /* clusterTrustBundle, podCertificate: the
					* JSON name (the plan warns), else NULL */
};

struct kube_volume {
	struct kube_pos pos;
	char *name;                        /* required, DNS-1123 label, unique */
	/* exactly one source (a second one is an error; none is emptyDir) */
	bool has_host_path;
	char *host_path;                   /* hostPath.path, required */
	char *host_path_type;              /* "" (default), DirectoryOrCreate, Directory,
					    * FileOrCreate, File, Socket, CharDevice, BlockDevice */
	bool has_empty_dir;
	char *empty_dir_medium;            /* "" or Memory */
	char *empty_dir_size_limit;        /* quantity as written */
	struct kube_cm_source *config_map;
	struct kube_cm_source *secret;     /* secret.secretName -> name */
	char *pvc_claim_name;              /* persistentVolumeClaim.claimName */
	bool pvc_read_only;
	struct kube_dapi_source *downward_api;
	struct kube_projection *projected_sources;  /* projected.sources */
	size_t nprojected_sources;
	bool has_projected;                /* projected: (sources may be empty) */
	bool has_projected_default_mode;
	int32_t projected_default_mode;    /* default 0644 */
	char *unsupported;                 /* the JSON name of a source peapod does not
					    * run (nfs, csi, ...), NULL otherwise */
};

/* ---- containers and pods ---- */

struct kube_container {
	struct kube_pos pos;
	char *name;             /* required; DNS-1123 label */
	char *image;
	char *image_pull_policy; /* Always, IfNotPresent, Never; NULL = by tag */
	char **command;
	char **args;
	char *working_dir;
	struct kube_env *env;
	size_t nenv;
	struct kube_env_from *env_from;
	size_t nenv_from;
	struct kube_port *ports;
	size_t nports;
	struct kube_resources resources;
	struct kube_vol_mount *volume_mounts;
	size_t nvolume_mounts;
	struct kube_security_context *security_context;
	struct kube_probe *liveness_probe, *readiness_probe, *startup_probe;
	struct kube_lifecycle *lifecycle;
	char *restart_policy;   /* init containers only: Always = native sidecar */
	bool stdin, stdin_once, tty;
	char *termination_message_path;    /* accepted */
	char *termination_message_policy;  /* accepted */
};

struct kube_host_alias {
	char *ip;               /* required */
	char **hostnames;
};

struct kube_dns_option {
	char *name;
	char *value;            /* NULL when absent */
};

struct kube_dns_config {
	char **nameservers;
	char **searches;
	struct kube_dns_option *options;
	size_t noptions;
};

struct kube_pod_spec {
	struct kube_container *containers; /* required, >= 1 */
	size_t ncontainers;
	struct kube_container *init_containers;
	size_t ninit_containers;
	struct kube_volume *volumes;
	size_t nvolumes;
	char *restart_policy;              /* Always (default), OnFailure, Never */
	bool host_network, host_pid, host_ipc, share_process_namespace;
	bool has_host_users, host_users;
	char *hostname;
	char *subdomain;
	bool set_hostname_as_fqdn;
	struct kube_host_alias *host_aliases;
	size_t nhost_aliases;
	char *dns_policy;                  /* ClusterFirst (default), Default,
					    * ClusterFirstWithHostNet, None */
	struct kube_dns_config *dns_config;
	char *service_account_name;        /* default "default" for fieldRefs */
	struct kube_pod_security_context *security_context;
	int64_t termination_grace_period_seconds; /* default 30 */
	bool has_active_deadline_seconds;
	int64_t active_deadline_seconds;
};

struct kube_pod {
	struct kube_meta meta;
	struct kube_pod_spec spec;
};

/* The pod template of a workload. */
struct kube_pod_template {
	struct kube_meta meta;             /* name optional here */
	struct kube_pod_spec spec;
};

/* LabelSelectorRequirement (spec.selector.matchExpressions) */
struct kube_label_req {
	char *key;                         /* required, a label key */
	char *op;                          /* In, NotIn, Exists, DoesNotExist */
	char **values;                     /* In/NotIn: >= 1; else NULL */
};

struct kube_deployment {               /* apps/v1 Deployment; DaemonSet too
					* (replicas unused: 1 for a DaemonSet) */
	struct kube_meta meta;
	int32_t replicas;                  /* default 1, >= 0 */
	struct kube_map selector_labels;   /* spec.selector.matchLabels */
	struct kube_label_req *selector_exprs; /* spec.selector.matchExpressions */
	size_t nselector_exprs;
	struct kube_pod_template template; /* required */
};

struct kube_job {                      /* batch/v1 Job */
	struct kube_meta meta;
	bool has_completions;
	int32_t completions;               /* default 1 */
	int32_t parallelism;               /* default 1 */
	int32_t backoff_limit;             /* default 6 */
	bool has_active_deadline_seconds;
	int64_t active_deadline_seconds;
	bool has_ttl_seconds_after_finished;
	int32_t ttl_seconds_after_finished;
	struct kube_pod_template template; /* required; restartPolicy OnFailure or Never */
};

struct kube_pvc {                      /* v1 PersistentVolumeClaim */
	struct kube_meta meta;
	char **access_modes;
	char *storage_class_name;
	char *volume_mode;
	struct kube_resources resources;   /* requests.storage */
};

enum kube_kind {
	KUBE_UNKNOWN = 0, /* a kind peapod does not run: kind_name says which */
	KUBE_POD,
	KUBE_CONFIGMAP,
	KUBE_SECRET,
	KUBE_DEPLOYMENT,
	KUBE_DAEMONSET,
	KUBE_JOB,
	KUBE_PVC,
	KUBE_LIST,   /* v1 List: items decoded into `items` */
};

struct kube_object {
	enum kube_kind kind;
	char *api_version;
	char *kind_name;   /* as written ("Service", "Pod", ...) */
	char *file;        /* the file name used in messages (copy) */
	int doc, line;     /* document index and first line in the stream */
	union {
		struct kube_pod pod;
		struct kube_configmap configmap;
		struct kube_secret secret;
		struct kube_deployment deployment; /* Deployment and DaemonSet */
		struct kube_job job;
		struct kube_pvc pvc;
		struct {
			struct kube_object *items;
			size_t nitems;
		} list;
	} u;
};

/* Decode one document of `file` into *out (zeroed first).
 *
 * apiVersion and kind are required strings; Pod, ConfigMap, Secret,
 * PersistentVolumeClaim and List of apiVersion v1, Deployment and DaemonSet
 * of apps/v1 and Job of batch/v1 are decoded and validated (a List's items
 * each as an object of its own); a known kind under another apiVersion is an
 * error; any other kind gives out->kind = KUBE_UNKNOWN with
 * api_version and kind_name set and nothing else decoded (the caller warns
 * "skipping kind Service").
 *
 * Warnings (unknown fields, like kubectl --validate=warn) are appended to
 * *warnings (a NULL-terminated vector; *warnings may be NULL), each as
 * "FILE:LINE:COL: PATH: unknown field \"x\"" where PATH is the path of the
 * mapping holding the field (omitted at the top level), or "FILE:LINE:COL:
 * PATH: not supported by peapod, ignored" for a Kubernetes field peapod
 * accepts but does not apply (seLinuxOptions, volumeDevices, ...).  They
 * are appended on failure too.
 *
 * Paths and messages are the API server's ("spec.containers[0].image:
 * required value", "...: unsupported value \"x\": supported values: ...").
 * Each item of a List is an object of its own: its file, doc and line are
 * set, its line being the item's, and its errors carry its own paths.
 *
 * Errors: type mismatches, missing required fields, invalid values.  Up to
 * KSCHEMA_MAX_ERRORS are collected; then -1 is returned with *err set (kind
 * PEA_E_INVALID), its message every error on its own line:
 * "FILE:LINE:COL: PATH: MESSAGE".  *out is released on failure. */
int kube_decode(const char *file, const struct kyaml_doc *doc, struct kube_object *out,
		char ***warnings, struct pea_err **err);
void kube_object_release(struct kube_object *o);

/* A stream of objects, Lists flattened, in document order. */
struct kube_objects {
	struct kube_object *v;
	size_t n;
};

/* Parse `buf` (name `file` in messages: "app.yaml", "-" shown as
 * "<stdin>", a URL as given) with kyaml_parse, decode every document and
 * append the objects to *out (kept on failure: the caller frees with
 * kube_objects_release).  Empty documents are skipped.  All documents are
 * decoded even after an error, so that one run reports every bad document;
 * the errors are joined into one *err.  Warnings as for kube_decode. */
int kube_load(const char *file, const char *buf, size_t len, struct kube_objects *out,
	      char ***warnings, struct pea_err **err);
void kube_objects_release(struct kube_objects *objs);

#endif
