/* The vfs storage driver: each rootfs is a full copy of its layers, applied
 * bottom up with the overlay whiteouts and opaque markers honoured, and
 * bind-mounted on merged.  Every file operation is relative to directory
 * fds opened with O_NOFOLLOW, so a symlink left by a lower layer is
 * replaced, never followed. */
#include "podengine/storage.h"
#include "podengine/copy-tree.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"
#include "podengine/layers.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/banned.h"

static int vfs_create(struct pea_ctx *ctx, const char *dir, const char *const *diff_ids,
		      size_t n, bool with_upper, struct pea_err **err)
{
	cleanup_free char *rootfs = path_join(dir, "rootfs");
	cleanup_free char *merged = path_join(dir, "merged");
	cleanup_close int dst = -1;
	/* Rootless we are root of the user namespace: the copies keep the
	 * layers' owners (all mapped, layer_ensure saw to that). */
	struct copytree_opts c = {
		.privileged = geteuid() == 0, .userns = ctx->rootless, .layers = true,
	};
	size_t i;

	(void)with_upper;
	if (mkdir(rootfs, 0755) < 0 || mkdir(merged, 0755) < 0)
		return pea_err_set(err, errno, "create '%s'", dir);
	dst = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		return pea_err_set(err, errno, "open '%s'", rootfs);
	for (i = 0; i < n; i++) {
		cleanup_free char *diff = layer_diff_dir(ctx, diff_ids[i]);
		cleanup_close int src = open(diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (src < 0)
			return pea_err_setk(err, errno == ENOENT ? PEA_E_NOT_FOUND : PEA_E_GENERIC,
					    errno, "layer '%s'", diff_ids[i]);
		if (copytree_into(src, dst, &c, err) < 0)
			return pea_err_wrap(err, "copy layer '%s'", diff_ids[i]);
	}
	return 0;
}

static int vfs_mount(struct pea_ctx *ctx, const char *dir, bool readonly, struct pea_err **err)
{
	cleanup_free char *rootfs = path_join(dir, "rootfs");
	cleanup_free char *merged = path_join(dir, "merged");

	(void)ctx;
	if (mount(rootfs, merged, NULL, MS_BIND | MS_REC, NULL) < 0)
		return pea_err_set(err, errno, "bind '%s' on '%s'", rootfs, merged);
	if (readonly && mount(NULL, merged, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
		int e = errno;

		umount2(merged, MNT_DETACH);
		return pea_err_set(err, e, "remount '%s' read-only", merged);
	}
	return 0;
}

const struct storage_driver_ops store_vfs_ops = {
	.name = "vfs",
	.create = vfs_create,
	.mount = vfs_mount,
};
