/* A pod's own volumes (spec.h: struct pod_volume): emptyDir and files
 * volumes (ConfigMap, Secret, downwardAPI data).
 *
 * Places: <root>/pods/<id>/volumes/ (0700: a secret's files are readable
 * only through the containers' mounts) holds one directory per volume,
 * made at pod_create.  An emptyDir is 0777 (02777 and group fs_group with
 * an fsGroup), as the kubelet makes it.  A files volume's directories are
 * 0755 and its files have exactly the mode asked for; with an fsGroup
 * they are group-owned by it, directories setgid, and files get u+r,g+r
 * (the kubelet's SetVolumeOwnership for read-only volumes).  Files are
 * written relative to directory fds, every component opened with
 * O_NOFOLLOW and every file created O_EXCL: nothing planted in the
 * directory can redirect a write (the lesson of CVE-2025-9566).
 *
 * A memory emptyDir is a tmpfs at <runroot>/pods/<id>/volumes/<name>,
 * mounted when the first container that uses it starts and unmounted when
 * the pod stops (its contents go with it, as when a Kubernetes pod dies).
 * Everything goes with the pod's directories at pod removal. */
#ifndef PEA_POD_VOLUME_H
#define PEA_POD_VOLUME_H

#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"
#include "podengine/pod.h"

/* Validate the volumes of a spec (names unique and valid, files paths
 * relative without "." or ".." parts, modes <= 0777, memory only for
 * emptyDir, no negative size).  Kind INVALID. */
int podvol_check(const struct pod_spec *s, struct pea_err **err);

/* At pod_create: <pi->dir>/volumes and every volume of the spec in it.
 * On failure what was made is removed again. */
int podvol_create_all(const struct pod_info *pi, struct pea_err **err);

/* Make volume v's directory in the directory open at volsfd and fill it
 * (files volumes).  The name must not exist yet.  For tests and
 * podvol_create_all. */
int podvol_make(int volsfd, const struct pod_volume *v, int64_t fs_group,
		struct pea_err **err);
/* Write a files volume's files under the directory open at dirfd. */
int podvol_write_files(int dirfd, const struct pod_volume *v, int64_t fs_group,
		       struct pea_err **err);

/* The volume called name, or NULL. */
const struct pod_volume *podvol_find(const struct pod_spec *s, const char *name);
/* Where a volume's data is on the host (no mount is made); caller frees. */
char *podvol_path(struct pea_ctx *ctx, const char *pod_id, const struct pod_volume *v);
/* For a starting container: the volume's directory, its tmpfs mounted
 * first for a memory volume.  Kind NOT_FOUND for an unknown name.  Caller
 * frees. */
char *podvol_source(struct pea_ctx *ctx, const struct pod_info *pi, const char *name,
		    struct pea_err **err);
/* Unmount the pod's memory volumes (lazily; fine when not mounted). */
void podvol_umount(struct pea_ctx *ctx, const struct pod_info *pi);

#endif
