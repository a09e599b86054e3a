/* Container and image root filesystems over the layer store (layers.h).
 *
 * Two drivers behind a table of function pointers (crun's cgroup-manager
 * style):
 *   overlay  lower = the layers' diff dirs (through the short links in
 *            <root>/l so that 120+ layers fit in one page of mount
 *            options), upper/work per container;
 *   vfs      a full copy of the layers, whiteouts applied, bind-mounted.
 *
 * Layout: <root>/containers/<id>/{driver,lower,upper,work,merged} (overlay)
 * or {driver,rootfs,merged} (vfs); image views under
 * <root>/image-mounts/<image_id>/ likewise.  The driver that created a
 * rootfs is recorded in it and used for every later operation.
 *
 * Mounting is idempotent: an already mounted rootfs is returned as is (no
 * mount count; one umount unmounts).  No function changes the caller's
 * working directory: overlay is mounted from a short-lived child process
 * that chdir()s into <root>/l. */
#ifndef PEA_STORAGE_H
#define PEA_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ctx.h"
#include "base/err.h"

struct storage_driver_ops {
	const char *name;
	/* Set up <dir> for layers `diff_ids` (bottom first); `dir` exists. */
	int (*create)(struct pea_ctx *ctx, const char *dir, const char *const *diff_ids, size_t n,
		      bool with_upper, struct pea_err **err);
	/* Mount <dir>/merged (not mounted yet). */
	int (*mount)(struct pea_ctx *ctx, const char *dir, bool readonly, struct pea_err **err);
};

extern const struct storage_driver_ops store_overlay_ops;
extern const struct storage_driver_ops store_vfs_ops;

/* ctx->storage_driver if set, else "overlay" when the kernel can mount it
 * under the graph root (probed once, cached in <runroot>/storage-driver),
 * else "vfs".  Static string or ctx's; never NULL. */
const char *store_driver_name(struct pea_ctx *ctx);
/* The ops of a driver name; NULL and kind INVALID if unknown. */
const struct storage_driver_ops *store_driver_ops(const char *name, struct pea_err **err);

/* Create <root>/containers/<id> with the current driver.  Kind EXISTS if it
 * is there already. */
int store_rootfs_create(struct pea_ctx *ctx, const char *id, const char *const *diff_ids,
			size_t n, struct pea_err **err);
/* Mount the container's rootfs; returns the merged path (caller frees). */
char *store_rootfs_mount(struct pea_ctx *ctx, const char *id, bool readonly,
			 struct pea_err **err);
/* Unmount if mounted; fine when not mounted. */
int store_rootfs_umount(struct pea_ctx *ctx, const char *id, struct pea_err **err);
/* Unmount and remove the container's directory; a missing one is fine. */
int store_rootfs_remove(struct pea_ctx *ctx, const char *id, struct pea_err **err);
/* True if the container's rootfs is mounted now. */
bool store_rootfs_mounted(struct pea_ctx *ctx, const char *id);

/* Read-only view of an image's layers (overlay without upper, or a vfs
 * copy) at <root>/image-mounts/<image_id>/merged; returns that path
 * (caller frees).  Idempotent. */
char *store_image_mount(struct pea_ctx *ctx, const char *image_id, const char *const *diff_ids,
			size_t n, struct pea_err **err);
/* Unmount and remove the image view; fine when not mounted. */
int store_image_umount(struct pea_ctx *ctx, const char *image_id, struct pea_err **err);

/* ---- shared by the drivers (storage.c) ---- */

/* True if `path` is a mount point. */
bool store_is_mountpoint(const char *path);
/* Whether overlay can be mounted under the graph root (storage-overlay.c). */
bool store_overlay_supported(struct pea_ctx *ctx);

#endif
