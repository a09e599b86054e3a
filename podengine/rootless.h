/* Rootless: the user namespace every peapod command of an unprivileged user
 * runs in, and the pause process that keeps it (and its mount namespace,
 * which holds peapod's overlay, bind and netns mounts) alive between
 * commands.  Design: docs/design.md, "Rootless".
 *
 * One pause process per run root: <runroot>/pause.pid.  The first command
 * forks it; it unshares a user namespace, the parent maps ids with
 * newuidmap/newgidmap from /etc/subuid and /etc/subgid (container root = the
 * user; without ranges a single-id mapping and a warning), then it unshares a
 * mount namespace and sleeps.  Every command (this one too) then setns()es
 * into both and runs as root of that namespace.  Children (peapod-conmon, its
 * exit command, probe helpers) inherit the namespaces and the environment
 * variable PEAPOD_ROOTLESS_UID, which tells them they are already inside. */
#ifndef PEA_ROOTLESS_H
#define PEA_ROOTLESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/ctx.h"
#include "base/err.h"

#define ROOTLESS_ENV_UID "PEAPOD_ROOTLESS_UID"

/* One subordinate id range of /etc/subuid or /etc/subgid. */
struct rootless_range {
	uint32_t start, count;
};

/* The first range for user `name` or numeric `id` in the file's text
 * ("name:start:count" lines; '#' comments).  Returns 1 found, 0 none, -1 on a
 * malformed line of that user. */
int rootless_parse_subid(const char *text, const char *name, uint32_t id,
			 struct rootless_range *out, struct pea_err **err);

/* True when this process runs inside a user namespace other than the
 * initial one (its uid_map is not the identity "0 0 4294967295"). */
bool rootless_in_userns(void);

/* Enter the user's namespace (creating the pause process if there is none
 * for ctx->runroot).  Makes the graph root and run root (0700) first.
 * No-op when !ctx->rootless or already inside.  Must be called while the
 * process is single-threaded.  After it returns, the process is uid 0 of
 * the namespace and ctx->in_userns is true. */
int rootless_enter(struct pea_ctx *ctx, struct pea_err **err);

/* The pause process's pid for ctx->runroot, 0 when none runs. */
pid_t rootless_pause_pid(struct pea_ctx *ctx);

/* End the pause process of ctx->runroot (system reset).  The namespaces
 * live on while a process is in them; mounts of the namespace go with the
 * last one. */
int rootless_stop_pause(struct pea_ctx *ctx, struct pea_err **err);

/* Rootless cgroups: the cgroup v2 directory (relative to /sys/fs/cgroup,
 * starting with '/') that the host delegated to this process, i.e. our own
 * cgroup when we may write to it and to its cgroup.subtree_control; NULL
 * on cgroup v1 or without delegation (then no limits can be set).  Caller
 * frees. */
char *rootless_cgroup_delegated(void);

/* Inside a user namespace that maps one id only (no subordinate ranges). */
bool rootless_single_mapping(void);

/* Is gid mapped in this process's user namespace (its gid_map)?  True
 * outside a user namespace. */
bool rootless_gid_mapped(gid_t gid);

/* "/etc/subuid" ranges of the namespace as podman's info shows them
 * (host.idMappings): the current process's uid_map/gid_map.  Caller puts. */
struct json_object;
struct json_object *rootless_id_mappings_json(void);

#endif
