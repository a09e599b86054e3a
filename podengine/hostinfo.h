/* Facts about the host for `peapod info`: kernel, distribution, CPUs,
 * memory, the cgroup layout and which kernel features peapod needs.
 *
 * cgroup layouts:
 *   "v2"      unified: /sys/fs/cgroup is a cgroup2 mount
 *   "v1"      legacy: only v1 hierarchies under /sys/fs/cgroup
 *   "hybrid"  v1 hierarchies plus a cgroup2 mount (/sys/fs/cgroup/unified);
 *             v2_controllers then lists the controllers bound to that
 *             cgroup2 hierarchy (and so missing from v1).
 * cgroup_version is what podman reports: "v2" only for the unified layout. */
#ifndef PEA_HOSTINFO_H
#define PEA_HOSTINFO_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"

struct host_cgroups {
	const char *layout;       /* "v2", "v1", "hybrid" or "none" (static string) */
	const char *version;      /* "v2" or "v1" (static string) */
	char *v2_mount;           /* cgroup2 mount point, or NULL */
	char **v1_controllers;    /* NULL-terminated; sorted */
	char **v2_controllers;    /* NULL-terminated; sorted */
};

struct host_info {
	char *kernel;             /* uname -r */
	char *arch;               /* Go naming: amd64, arm64, ... */
	char *hostname;
	char *os_id, *os_version, *os_codename, *os_pretty;  /* /etc/os-release; may be NULL */
	long cpus;
	int64_t mem_total, mem_free, swap_total, swap_free;   /* bytes */
	int64_t uptime_seconds;
	struct host_cgroups cg;
	bool overlay;             /* "overlay" in /proc/filesystems */
	bool userns;              /* /proc/sys/user/max_user_namespaces > 0 */
};

/* Gather everything; fields that cannot be read stay empty.  Fails only
 * when the cgroup mounts cannot be read. */
int host_info_get(struct host_info *hi, struct pea_err **err);
void host_info_release(struct host_info *hi);

/* Detect the cgroup layout from the text of /proc/self/mountinfo; `root` is
 * prepended to cgroup2 paths when reading cgroup.controllers (NULL or "" =
 * the real file system; tests pass a fixture directory). */
int host_cgroups_parse(const char *mountinfo, const char *root, struct host_cgroups *cg,
		       struct pea_err **err);
void host_cgroups_release(struct host_cgroups *cg);

/* The host's primary IPv4 address: the first address of the interface of
 * the IPv4 default route (/proc/net/route), else of the first other
 * interface that is up, else "127.0.0.1".  Sends nothing.  Kubernetes'
 * status.hostIP, and status.podIP of a hostNetwork pod.  Caller frees. */
char *host_primary_ip4(void);

/* The "host" object of `info --format json` (podman's keys where they
 * exist, plus cgroupLayout, cgroupV2Controllers, overlaySupported,
 * userNamespaces).  Caller owns it. */
struct json_object *host_info_to_json(const struct host_info *hi);

/* The whole `info` document:
 *   { "host": {..., "idMappings": {uidmap, gidmap}, "rootless",
 *              "security": {"rootless"}, "ociRuntime": {...selected runtime...}},
 *     "runtimes": [ {name, path, version, works, probed, reason}, ... ],
 *     "store": { "configDir", "graphDriverName", "graphRoot", "graphStatus",
 *                "runRoot" } }
 * plus "runtimesError" (text) when probing could not be done at all.
 * idMappings are the user namespace's maps rootless (podman's
 * [{container_id, host_id, size}]), null maps rootful.  graphStatus has
 * podman's "Backing Filesystem", "Native Overlay Diff" (overlay "true",
 * fuse-overlayfs "false") and "Using metacopy", and "Driver Reason":
 * graph_reason (may be NULL), why the store has that driver.
 * graph_driver may be NULL (then ctx->storage_driver or "overlay"/"vfs" by
 * kernel support).  Runtime probing failures are reported inside the
 * document, not as an error.  Caller owns the result. */
struct json_object *host_info_json(struct pea_ctx *ctx, const char *graph_driver,
				   const char *graph_reason, struct pea_err **err);

/* podman's "Backing Filesystem" name for a statfs f_type ("extfs", "xfs",
 * "btrfs", "tmpfs", ...; "unknown").  Static string. */
const char *host_fs_name(unsigned long f_type);

#endif
