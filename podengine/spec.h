/* The engine's common language (DESIGN.md): what a container should be.
 * cli/ fills these from flags, kube/ from YAML; podengine/ only sees specs.
 * A spec is stored with its container (as JSON, spec.c) so that start,
 * restart and `kube generate` see exactly what was asked for.
 *
 * Ownership: every pointer in a spec is owned by the spec and freed by
 * ctr_spec_release().  String vectors are NULL-terminated (NULL = unset,
 * which differs from empty: an empty `cmd` clears the image's CMD). */
#ifndef PEA_SPEC_H
#define PEA_SPEC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/strv.h"
#include "network/network.h"

enum mount_kind {
	MOUNT_BIND,       /* host path */
	MOUNT_VOLUME,     /* named volume (created on first use) */
	MOUNT_TMPFS,
	MOUNT_POD_VOLUME, /* source = the name of a volume of the container's pod
			   * (pod_spec.volumes): emptyDir or a files volume */
};

struct mount_spec {
	enum mount_kind kind;
	char *source;        /* host path or volume name; NULL for tmpfs */
	char *destination;   /* absolute path in the container */
	char **options;      /* "ro", "rw", "nosuid", "size=64m", "mode=1777", "rprivate", ... */
	bool readonly;
	char *subpath;       /* within the source (kube subPath); NULL = whole.
			      * Resolved at start inside the source without
			      * leaving it: a symlink that escapes fails */
	char *host_path_type; /* MOUNT_BIND from kube hostPath: NULL/"" no check, else
			       * "DirectoryOrCreate", "Directory", "FileOrCreate",
			       * "File", "Socket", "CharDevice", "BlockDevice":
			       * checked (or created) at start, as the kubelet does */
};

/* Stands for the pod's IPv4 address in env values and arguments until the
 * container starts (kube: "$(POD_IP)" where POD_IP is a status.podIP
 * variable).  Control characters: no YAML author writes this by accident. */
#define SPEC_POD_IP_MARK "\x1epeapod-pod-ip\x1e"

/* Image pull policy (podman --pull; kube imagePullPolicy). */
enum pull_policy {
	PULL_MISSING = 0,    /* IfNotPresent */
	PULL_ALWAYS,
	PULL_NEVER,
	PULL_NEWER,
};

/* The role of a container in its pod (Kubernetes init containers). */
enum ctr_role {
	CTR_ROLE_APP = 0,
	CTR_ROLE_INIT,       /* started in order at pod start; must exit 0 before
			      * the next container starts */
	CTR_ROLE_SIDECAR,    /* init container with restartPolicy Always: started
			      * in order, kept running, the pod goes on */
};

enum restart_policy {
	RESTART_NO = 0,
	RESTART_ALWAYS,
	RESTART_ON_FAILURE,
	RESTART_UNLESS_STOPPED,
};

struct rlimit_spec {
	char *type;          /* "RLIMIT_NOFILE" */
	uint64_t soft, hard;
};

struct resources_spec {
	int64_t memory;          /* bytes; 0 = unlimited */
	int64_t memory_swap;     /* bytes; 0 = default, -1 = unlimited */
	int64_t cpu_quota;       /* microseconds per period; 0 = unlimited */
	uint64_t cpu_period;     /* microseconds; 0 = default 100000 */
	uint64_t cpu_shares;     /* cgroup v1 shares (v2 weight derived); 0 = default */
	int64_t pids_limit;      /* 0 = unlimited */
};

struct security_spec {
	bool privileged;
	char **cap_add;          /* names without CAP_ prefix, upper case; "ALL" allowed */
	char **cap_drop;
	char *seccomp_profile;   /* NULL = default, "unconfined", or a JSON file path */
	bool no_new_privileges;
	bool readonly_rootfs;
	bool readonly_tmpfs;     /* with readonly_rootfs: writable /tmp, /run as tmpfs (default true) */
	char **sysctls;          /* "net.ipv4.ip_forward=1" */
	bool unmasked_proc;      /* kube procMount: Unmasked */
};

/* Namespaces the container joins instead of creating ("" = private). */
struct ns_spec {
	char *net;   /* NULL/"" private; "host"; "none"; "ns:/path" or "/proc/PID/ns/net" */
	char *ipc;
	char *uts;
	char *pid;
};

struct ctr_spec {
	char *name;
	char *image;             /* as given by the user ("busybox") */
	char **entrypoint;       /* NULL = image's */
	char **cmd;              /* NULL = image's */
	char **env;              /* "K=V", applied over the image's ENV */
	char *workdir;           /* NULL = image's */
	char *user;              /* "uid[:gid]" or "name[:group]"; NULL = image's */
	char **groups;           /* additional groups (names or ids) */
	char *hostname;
	char **labels;           /* "k=v" */
	char **annotations;      /* "k=v" */
	struct mount_spec *mounts;
	size_t n_mounts;
	struct rlimit_spec *rlimits;
	size_t n_rlimits;
	struct resources_spec resources;
	struct security_spec security;
	struct ns_spec ns;
	char **add_hosts;        /* "host:ip" */
	char **dns_servers, **dns_search, **dns_options;
	enum restart_policy restart;
	int restart_max;         /* on-failure:N; 0 = unlimited */
	bool tty;
	bool stdin_open;
	bool init;               /* run peapod-pause as init, podman --init */
	bool auto_remove;        /* --rm */
	char *stop_signal;       /* NULL = image's StopSignal, else SIGTERM */
	int stop_timeout;        /* seconds; -1 = default 10 */
	int64_t log_max_size;    /* bytes; 0 = no rotation */
	char *runtime;           /* NULL = ctx's */
	char *pod;               /* pod id or NULL */
	char *cgroup_parent;     /* NULL = default */
	bool infra;              /* a pod's infra container: no image, no storage
				  * driver; rootfs <root>/pods/<pod>/infra-rootfs */
	enum ctr_role role;      /* app (default), init or sidecar */
	enum pull_policy pull;   /* how kube play got the image (kept for generate) */
	char **env_pod_ip;       /* names of variables set to the pod's first IPv4
				  * address at start (kube status.podIP) */
	bool pod_ip_refs;        /* env values, entrypoint or cmd hold SPEC_POD_IP_MARK
				  * (a $(VAR) of such a variable), replaced at start */
	bool run_as_non_root;    /* refuse to start when the user is uid 0 */
	bool no_hosts;           /* keep the image's /etc/hosts (podman --no-hosts) */
	char *kube;              /* the kube container object as JSON text (kept for
				  * kube generate; the engine reads only its probes
				  * and lifecycle hooks, ctr-probe.c); NULL */
};

void ctr_spec_init(struct ctr_spec *s);
void ctr_spec_release(struct ctr_spec *s);
/* JSON round trip (for the state database).  from_json fills an
 * initialised spec; unknown keys are ignored so old rows still load. */
struct json_object *ctr_spec_to_json(const struct ctr_spec *s);
int ctr_spec_from_json(struct json_object *o, struct ctr_spec *s, struct pea_err **err);

/* Parsers shared by cli/ and kube/. */
/* "[host:]ctr[:opts]", "--mount type=bind,src=..,dst=..,ro", "--tmpfs /x:opts" */
int spec_parse_volume(const char *arg, struct mount_spec *out, struct pea_err **err);
int spec_parse_mount(const char *arg, struct mount_spec *out, struct pea_err **err);
int spec_parse_tmpfs(const char *arg, struct mount_spec *out, struct pea_err **err);
/* "no", "always", "on-failure[:N]", "unless-stopped" */
int spec_parse_restart(const char *arg, enum restart_policy *p, int *max, struct pea_err **err);
const char *spec_restart_name(enum restart_policy p);
void mount_spec_release(struct mount_spec *m);

/* A file of a files volume: ConfigMap, Secret, downwardAPI data. */
struct vol_file {
	char *path;              /* relative, '/'-separated, no "." or ".." parts */
	char *data;              /* len bytes, may hold NULs */
	size_t len;
	uint32_t mode;           /* permission bits (0644 default in kube) */
};

enum pod_volume_kind {
	POD_VOL_EMPTYDIR = 0,    /* an empty directory (or tmpfs) for the pod's life */
	POD_VOL_FILES,           /* files written at pod create, read-only in containers */
};

/* A volume that belongs to one pod and lives in <root>/pods/<id>/volumes/
 * <name> (memory: a tmpfs under the run root).  Files are written relative
 * to a directory fd with O_NOFOLLOW, never through a path a container
 * could have changed. */
struct pod_volume {
	char *name;
	enum pod_volume_kind kind;
	bool memory;             /* EMPTYDIR medium Memory: tmpfs */
	int64_t size_limit;      /* bytes; 0 = none (tmpfs size=; not enforced on disk) */
	struct vol_file *files;  /* FILES */
	size_t n_files;
	char *kube;              /* the kube volume as JSON text, for generate; NULL */
};

void pod_volume_release(struct pod_volume *v);

/* What a pod should be (pod-spec.c).  Same ownership rules as ctr_spec:
 * everything is owned by the spec and freed by pod_spec_release(). */
struct pod_spec {
	char *name;
	char *hostname;          /* NULL = the pod's name */
	char **labels;           /* "k=v" */
	char **annotations;      /* "k=v" */
	bool share_net, share_ipc, share_uts, share_pid;   /* default net, ipc, uts */
	bool infra;              /* default true; false: no infra, nothing shared */
	struct net_port *ports;  /* published ports (network/network.h) */
	size_t n_ports;
	char **networks;         /* NULL = the default network; or "none", "host",
				  * "ns:PATH", or network names */
	char **add_hosts;        /* "host:ip" */
	char **dns_servers, **dns_search, **dns_options;
	char *cgroup_parent;     /* NULL = "/peapod/pod-<id>" */
	bool host_pid, host_ipc; /* containers use the host's PID / IPC namespace */
	bool dns_merge;          /* dns_* are added to the host's resolv.conf (kube
				  * dnsConfig) instead of replacing its lines */
	char *static_ip;         /* IPv4 on the first bridge network; NULL = from IPAM */
	char *fqdn;              /* an extra /etc/hosts name for the pod's address
				  * (kube hostname.subdomain.ns.svc.cluster.local) */
	struct pod_volume *volumes;
	size_t n_volumes;
	int64_t fs_group;        /* -1 = none; else pod volumes are group-owned by it
				  * (setgid directories, group-readable files) */
	char *kube;              /* the kube pod object (metadata + pod-level spec) as
				  * JSON text, for generate; NULL */
	char *job;               /* a kube Job's pods: the Job's name; NULL */
	int job_parallelism;     /* pods of the Job that run at once (> 0 with job):
				  * kube play starts that many, and each pod that
				  * finishes starts the next one not yet started */
};

void pod_spec_init(struct pod_spec *s);
void pod_spec_release(struct pod_spec *s);
struct json_object *pod_spec_to_json(const struct pod_spec *s);
/* Fills an initialised spec; unknown keys are ignored. */
int pod_spec_from_json(struct json_object *o, struct pod_spec *s, struct pea_err **err);
/* --share "net,ipc,uts[,pid]" ("" = nothing, "+pid" adds to the default). */
int pod_spec_parse_share(const char *arg, struct pod_spec *s, struct pea_err **err);
/* The network mode of a pod: "bridge", "none", "host" or "ns" (networks[0]
 * = "ns:PATH"); a static string. */
const char *pod_spec_net_mode(const struct pod_spec *s);

/* What `kube play` runs: one pod and its containers, and the named
 * volumes it should find (PersistentVolumeClaims).  Built by kube/plan.c,
 * run by podengine/play.c. */
struct play_pod {
	struct pod_spec pod;
	struct ctr_spec *ctrs;   /* start order: init containers, then the apps */
	size_t n_ctrs;
	char *workload;          /* "Pod/web", "Deployment/web", ... for messages */
};

struct play_volume {
	char *name;
	char **labels;           /* "k=v" */
};

void play_pod_release(struct play_pod *p);
void play_volume_release(struct play_volume *v);

#endif
