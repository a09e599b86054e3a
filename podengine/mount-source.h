/* The host side of a starting container's mounts (ctr-lifecycle.c): named
 * volumes ensured and filled from the image on first use, pod volumes
 * looked up (memory ones mounted), hostPath types checked or created as
 * the kubelet does, and subPaths resolved without leaving their volume.
 *
 * subPath: the source directory is opened and the subpath resolved under
 * it with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) (without
 * openat2: one component at a time with O_NOFOLLOW, refusing any symlink).
 * Symlinks that stay inside the volume are fine; one that leaves it fails
 * with "subPath 'x' of volume 'v' leaves the volume".  Missing directories
 * are made inside the volume with the volume root's mode, as the kubelet
 * does.  The result, held open, is bind-mounted through /proc/self/fd onto
 * <runroot>/containers/<id>/subpaths/<n>, and that path goes to the
 * runtime: a container that swaps a directory for a symlink after the
 * check cannot redirect the mount (the kubelet's fix of CVE-2017-1002101).
 * mntsrc_release unmounts them (exit, stop, failed start, removal). */
#ifndef PEA_MOUNT_SOURCE_H
#define PEA_MOUNT_SOURCE_H

#include <stdbool.h>

#include "base/ctx.h"
#include "base/err.h"
#include "podengine/container.h"

/* One host path per ci->spec.mounts[i] ("tmpfs" for tmpfs mounts), a
 * NULL-terminated vector (strv_free).  rootfs: the container's mounted
 * root (a volume's first use copies the image's content at the mount
 * point).  *readonly (caller frees): per mount, whether it must be
 * read-only whatever the spec says (files volumes).  On failure nothing
 * stays mounted. */
char **mntsrc_resolve(struct pea_ctx *ctx, const struct ctr_info *ci, const char *rootfs,
		      bool **readonly, struct pea_err **err);
/* Unmount and remove the container's subPath mounts; fine when none. */
void mntsrc_release(struct pea_ctx *ctx, const char *ctr_id);

/* hostPath `type` (NULL/"" = no check): DirectoryOrCreate, Directory,
 * FileOrCreate, File, Socket, CharDevice, BlockDevice, with the kubelet's
 * messages ("hostPath type check failed: /x is not a directory"). */
int mntsrc_host_path_check(const char *path, const char *type, struct pea_err **err);

/* An O_PATH fd of subpath under the directory open at basefd, missing
 * directories made (`volume` names the volume in errors).  _walk is the
 * fallback without openat2 (for tests: it refuses every symlink). */
int mntsrc_subpath_open(int basefd, const char *subpath, const char *volume,
			struct pea_err **err);
int mntsrc_subpath_walk(int basefd, const char *subpath, const char *volume,
			struct pea_err **err);

#endif
