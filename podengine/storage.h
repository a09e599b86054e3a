/* Container and image root filesystems over the layer store (layers.h).
 *
 * Three drivers behind a table of function pointers (crun's cgroup-manager
 * style):
 *   overlay         the kernel's overlay: lower = the layers' diff dirs
 *                   (through the short links in <root>/l so that 120+
 *                   layers fit in one page of mount options), upper/work
 *                   per container; rootless inside the user namespace with
 *                   "userxattr" (Linux >= 5.11);
 *   fuse-overlayfs  the same layout mounted by the fuse-overlayfs program
 *                   (rootless on older kernels; needs /dev/fuse);
 *   vfs             a full copy of the layers, whiteouts applied,
 *                   bind-mounted.
 *
 * Layout: <root>/containers/<id>/{driver,lower,upper,work,merged} (overlay,
 * fuse-overlayfs) or {driver,rootfs,merged} (vfs); image views under
 * <root>/image-mounts/<image_id>/ likewise.  The driver that created a
 * rootfs is recorded in it and used for every later operation; the store's
 * own driver (for new ones) is recorded in <root>/storage-driver.
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
extern const struct storage_driver_ops store_fuse_overlay_ops;
extern const struct storage_driver_ops store_vfs_ops;

/* The driver for new root filesystems: ctx->storage_driver if set
 * (--storage-driver, for this command); else the store's, recorded in
 * <root>/storage-driver; else the first that passes a test mount under the
 * graph root, which is then recorded, so that a store keeps the driver it
 * was made with:
 *   rootful   overlay, vfs
 *   rootless  overlay (userxattr), fuse-overlayfs, vfs
 * Static string or ctx's; never NULL. */
const char *store_driver_name(struct pea_ctx *ctx);
/* Why the store has that driver, for `info`: what was recorded with it
 * (e.g. "fuse-overlayfs: /dev/fuse: Permission denied" for a fallback).
 * Caller frees; never NULL. */
char *store_driver_reason(struct pea_ctx *ctx);
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

/* ---- pure helpers (storage-choice.c) ---- */

/* <root>/storage-driver holds "NAME\nREASON\n".  Parse it: 0 with *name and
 * *reason set (caller frees; reason "" when the line is missing), -1 when
 * the name is not a driver's. */
int store_record_parse(const char *text, char **name, char **reason);
/* The text of a record; newlines in reason become spaces.  Caller frees. */
char *store_record_format(const char *name, const char *reason);

/* ---- shared by the drivers ---- */

/* True if `path` is a mount point (also a FUSE mount whose daemon died:
 * "Transport endpoint is not connected"). */
bool store_is_mountpoint(const char *path);
/* The name of the opaque-directory xattr in this store's layers:
 * trusted.overlay.opaque, or user.overlay.opaque rootless (layer-unpack.h). */
const char *store_opaque_xattr(struct pea_ctx *ctx);
/* overlay's create (storage-overlay.c); fuse-overlayfs uses the same layout. */
int store_overlay_create(struct pea_ctx *ctx, const char *dir, const char *const *diff_ids,
			 size_t n, bool with_upper, struct pea_err **err);
/* Test mounts (see store_driver_name): in a fresh directory under the graph
 * root, two lower layers in the layer store's format (a 0/0 whiteout and
 * an opaque directory) and an upper; true when the merged view hides what
 * it must.  False with *why (caller frees) saying what failed.
 * store_probe_prepare/check are the parts both overlay drivers share. */
bool store_overlay_works(struct pea_ctx *ctx, char **why);
bool store_fuse_overlay_works(struct pea_ctx *ctx, char **why);
int store_probe_prepare(struct pea_ctx *ctx, const char *tmp, struct pea_err **err);
int store_probe_check(const char *merged, struct pea_err **err);
/* "DRIVER: what failed" from e, which it frees.  Caller frees. */
char *store_probe_why(const char *driver, struct pea_err *e);
/* The fuse-overlayfs program ($PATH, then the system dirs); NULL if none.
 * Caller frees. */
char *store_fuse_program(void);

#endif
