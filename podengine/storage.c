/* Root filesystems over the layer store: driver choice and the parts that
 * do not depend on the driver (see storage.h). */
#include "podengine/storage.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/lockfile.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

static const struct storage_driver_ops *const drivers[] = {
	&store_overlay_ops,
	&store_fuse_overlay_ops,
	&store_vfs_ops,
};

const struct storage_driver_ops *store_driver_ops(const char *name, struct pea_err **err)
{
	size_t i;

	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (name && !strcmp(drivers[i]->name, name))
			return drivers[i];
	pea_err_setk(err, PEA_E_INVALID, 0, "unknown storage driver '%s'", name ? name : "");
	return NULL;
}

bool store_is_mountpoint(const char *path)
{
	struct statx stx;
	struct stat st, parent;
	cleanup_free char *up = NULL;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) == 0) {
		if (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
			return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
	} else if (errno == ENOTCONN) {
		return true;   /* a FUSE mount whose daemon is gone */
	}
	up = path_join(path, "..");
	if (lstat(path, &st) < 0 || stat(up, &parent) < 0)
		return false;
	return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
}

/* Ids become directory names: keep them plain. */
static int check_id(const char *id, struct pea_err **err)
{
	const char *p;

	if (!id || !*id || *id == '.' || strlen(id) > 128)
		return pea_err_setk(err, PEA_E_INVALID, 0, "invalid storage id '%s'", id ? id : "");
	for (p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return pea_err_setk(err, PEA_E_INVALID, 0, "invalid storage id '%s'", id);
	return 0;
}

/* Serialise mount/umount/remove of one object across processes. */
static int lock_object(struct pea_ctx *ctx, const char *kind, const char *id,
		       struct pea_err **err)
{
	cleanup_free char *dir = path_join(ctx->runroot, "locks");
	cleanup_free char *p = xasprintf("%s/storage-%s-%s.lock", dir, kind, id);

	if (io_mkdir_p(dir, 0700, err) < 0)
		return -1;
	return lockfile_lock(p, err);
}

static const struct storage_driver_ops *dir_driver(const char *dir, struct pea_err **err)
{
	cleanup_free char *p = path_join(dir, "driver");
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	if (io_read_file(p, &sb, err) < 0)
		return NULL;
	strbuf_rtrim(&sb);
	return store_driver_ops(sb.buf, err);
}

/* Make `dir` (which must not exist) a rootfs of the current driver. */
static int create_dir(struct pea_ctx *ctx, const char *dir, const char *const *diff_ids,
		      size_t n, bool with_upper, struct pea_err **err)
{
	const struct storage_driver_ops *ops = store_driver_ops(store_driver_name(ctx), err);
	cleanup_free char *drv = path_join(dir, "driver");

	if (!ops)
		return -1;
	if (mkdir(dir, 0700) < 0)
		return pea_err_setk(err, errno == EEXIST ? PEA_E_EXISTS : PEA_E_GENERIC, errno,
				    "create '%s'", dir);
	if (io_write_file_atomic(drv, ops->name, strlen(ops->name), 0600, err) < 0 ||
	    ops->create(ctx, dir, diff_ids, n, with_upper, err) < 0) {
		io_rm_rf(dir, NULL);
		return -1;
	}
	return 0;
}

/* merged is mounted and usable.  A FUSE mount whose daemon died (killed,
 * OOM) is taken away here, so that it is mounted afresh. */
static bool live_mount(const char *merged)
{
	struct stat st;

	if (!store_is_mountpoint(merged))
		return false;
	if (stat(merged, &st) == 0 || errno != ENOTCONN)
		return true;
	umount2(merged, MNT_DETACH | UMOUNT_NOFOLLOW);
	return false;
}

static char *mount_dir(struct pea_ctx *ctx, const char *dir, bool readonly, struct pea_err **err)
{
	cleanup_free char *merged = path_join(dir, "merged");
	const struct storage_driver_ops *ops;

	if (live_mount(merged))
		return steal_ptr(merged);
	if (!(ops = dir_driver(dir, err)) || ops->mount(ctx, dir, readonly, err) < 0)
		return NULL;
	return steal_ptr(merged);
}

static int umount_dir(const char *dir, struct pea_err **err)
{
	cleanup_free char *merged = path_join(dir, "merged");

	while (store_is_mountpoint(merged)) {
		if (umount2(merged, UMOUNT_NOFOLLOW) == 0)
			continue;   /* stacked mounts: take them all */
		if (errno == EBUSY && umount2(merged, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
			continue;
		if (errno == EINVAL || errno == ENOENT)
			break;
		return pea_err_set(err, errno, "unmount '%s'", merged);
	}
	return 0;
}

static char *ctr_dir(struct pea_ctx *ctx, const char *id)
{
	return xasprintf("%s/containers/%s", ctx->root, id);
}

int store_rootfs_create(struct pea_ctx *ctx, const char *id, const char *const *diff_ids,
			size_t n, struct pea_err **err)
{
	cleanup_free char *parent = path_join(ctx->root, "containers");
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;

	if (check_id(id, err) < 0 || io_mkdir_p(parent, 0700, err) < 0)
		return -1;
	if ((lock = lock_object(ctx, "ctr", id, err)) < 0)
		return -1;
	dir = ctr_dir(ctx, id);
	if (create_dir(ctx, dir, diff_ids, n, true, err) < 0)
		return pea_err_wrap(err, "create rootfs of '%s'", id);
	return 0;
}

char *store_rootfs_mount(struct pea_ctx *ctx, const char *id, bool readonly,
			 struct pea_err **err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;
	char *m;

	if (check_id(id, err) < 0 || (lock = lock_object(ctx, "ctr", id, err)) < 0)
		return NULL;
	dir = ctr_dir(ctx, id);
	if (!io_exists(dir)) {
		pea_err_setk(err, PEA_E_NOT_FOUND, 0, "rootfs of '%s' does not exist", id);
		return NULL;
	}
	if (!(m = mount_dir(ctx, dir, readonly, err)))
		pea_err_wrap(err, "mount rootfs of '%s'", id);
	return m;
}

int store_rootfs_umount(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;

	if (check_id(id, err) < 0 || (lock = lock_object(ctx, "ctr", id, err)) < 0)
		return -1;
	dir = ctr_dir(ctx, id);
	if (umount_dir(dir, err) < 0)
		return pea_err_wrap(err, "unmount rootfs of '%s'", id);
	return 0;
}

bool store_rootfs_mounted(struct pea_ctx *ctx, const char *id)
{
	cleanup_free char *merged = NULL;

	if (check_id(id, NULL) < 0)
		return false;
	merged = xasprintf("%s/containers/%s/merged", ctx->root, id);
	return store_is_mountpoint(merged);
}

int store_rootfs_remove(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;

	if (check_id(id, err) < 0 || (lock = lock_object(ctx, "ctr", id, err)) < 0)
		return -1;
	dir = ctr_dir(ctx, id);
	if (umount_dir(dir, err) < 0 || io_rm_rf(dir, err) < 0)
		return pea_err_wrap(err, "remove rootfs of '%s'", id);
	return 0;
}

char *store_image_mount(struct pea_ctx *ctx, const char *image_id, const char *const *diff_ids,
			size_t n, struct pea_err **err)
{
	cleanup_free char *parent = path_join(ctx->root, "image-mounts");
	cleanup_free char *dir = NULL, *merged = NULL;
	cleanup_close int lock = -1;
	char *m;

	if (check_id(image_id, err) < 0 || io_mkdir_p(parent, 0700, err) < 0 ||
	    (lock = lock_object(ctx, "img", image_id, err)) < 0)
		return NULL;
	dir = path_join(parent, image_id);
	merged = path_join(dir, "merged");
	if (live_mount(merged))
		return steal_ptr(merged);
	/* Not mounted: whatever is there is a leftover; start afresh. */
	if (io_rm_rf(dir, err) < 0 || create_dir(ctx, dir, diff_ids, n, false, err) < 0)
		goto fail;
	if (!(m = mount_dir(ctx, dir, true, err))) {
		io_rm_rf(dir, NULL);
		goto fail;
	}
	return m;
fail:
	pea_err_wrap(err, "mount image '%s'", image_id);
	return NULL;
}

int store_image_umount(struct pea_ctx *ctx, const char *image_id, struct pea_err **err)
{
	cleanup_free char *dir = NULL;
	cleanup_close int lock = -1;

	if (check_id(image_id, err) < 0 || (lock = lock_object(ctx, "img", image_id, err)) < 0)
		return -1;
	dir = xasprintf("%s/image-mounts/%s", ctx->root, image_id);
	if (umount_dir(dir, err) < 0 || io_rm_rf(dir, err) < 0)
		return pea_err_wrap(err, "unmount image '%s'", image_id);
	return 0;
}
