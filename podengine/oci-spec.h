/* config.json: the OCI runtime spec of a container, built with json-c from
 * the container spec and the image config, with podman's secure defaults:
 * a small capability set (caps.c), a seccomp allow-list (seccomp.c),
 * masked and read-only /proc and /sys paths, a device cgroup that denies
 * all but the standard character devices, and rlimits the runtime can
 * actually set.
 *
 * The bundle's hosts, resolv.conf and hostname files are bind-mounted from
 * `bundle`; writing them is the caller's job (etc_files_write, before the
 * runtime starts). */
#ifndef PEA_OCI_SPEC_H
#define PEA_OCI_SPEC_H

#include <json-c/json.h>
#include <stdbool.h>
#include <sys/resource.h>

#include "base/err.h"
#include "podengine/spec.h"

struct oci_spec_in {
	const char *id;
	const struct ctr_spec *spec;            /* podengine/spec.h */
	const char *dev_dir;                    /* privileged: the host's devices from here;
						 * NULL = "/dev" (tests point elsewhere) */
	struct json_object *image_config;       /* the image config's "config" object (Env, Entrypoint, Cmd, WorkingDir, User, StopSignal...), may be NULL */
	const char *rootfs;                      /* merged rootfs path (absolute); also used to read /etc/passwd and /etc/group */
	const char *bundle;                      /* where hosts/resolv.conf/hostname live */
	const char *shm_path;                    /* bind-mounted at /dev/shm (a pod's shared shm); NULL = own tmpfs */
	const char *etc_dir;                     /* overrides bundle for hosts/resolv.conf/hostname (a pod's); NULL = bundle */
	const char *const *mount_sources;        /* per spec->mounts[i]: resolved host path (volumes resolved and subpath applied by the caller, mount-source.c), may be NULL (then a bind mount's source; a mount with a subpath, a volume or a pod volume is an error) */
	const bool *readonly_mounts;             /* per spec->mounts[i]: force read-only (files volumes); may be NULL */
	char *const *env_extra;                  /* "K=V" set over the spec's env (the pod's IP); may be NULL */
	const char *pause_path;                  /* for spec->init: peapod-pause bind-mounted at /run/peapod-init */
	const char *cgroup_parent;               /* default "/peapod" (spec->cgroup_parent wins) */
	bool cgroup_v2;                          /* host layout */
	bool rootless;                           /* inside the rootless user namespace (rootless.h) */
	bool no_tty_gid;                         /* gid 5 (tty) is not mapped: devpts without gid=5 */
	const char *cgroup_delegated;            /* rootless: the delegated v2 cgroup to create ours under; NULL = none: no cgroupsPath, no limits */
	/* namespace paths to join (from spec->ns resolution by the caller): NULL = new namespace, "host" = don't unshare */
	const char *netns_path, *ipcns_path, *utsns_path, *pidns_path;
	/* Test hooks: 0/NULL = the host's. */
	int last_cap;                            /* highest capability of the kernel; 0 = cap_last_cap */
	int (*rlimit_max)(int resource, struct rlimit *out);  /* what may be set; NULL = getrlimit, or unlimited with CAP_SYS_RESOURCE */
};

/* The whole spec.  Errors: no command (kind INVALID), unknown user/group
 * (NOT_FOUND), unknown capability (INVALID), bad seccomp profile.
 * Caller puts the object. */
struct json_object *oci_spec_build(const struct oci_spec_in *in, struct pea_err **err);

/* Resolved process argv per the docker/podman rules: entrypoint + cmd from
 * spec, falling back to the image (spec->entrypoint set → image Cmd ignored
 * unless spec->cmd set).  Caller frees (strv_free).  Error if empty: "no
 * command specified" (kind INVALID). */
char **oci_resolve_argv(const struct ctr_spec *spec, struct json_object *image_config,
			struct pea_err **err);

/* Write config.json to bundle dir (io_write_file_atomic, mode 0600). */
int oci_spec_write(const char *bundle, struct json_object *spec, struct pea_err **err);

#endif
