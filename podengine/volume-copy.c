/* Copy-up: the first use of a named volume fills it with what the image has
 * at the mount point (podman and docker do the same).  The copy works on
 * directory fds opened with O_NOFOLLOW, so a symlink in the source is
 * copied as a symlink and never followed, and nothing is written outside
 * the volume's data dir. */
#include "podengine/volume.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"
#include "podengine/copy-tree.h"
#include "podengine/volume-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/banned.h"

static bool dir_is_empty(int fd)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		return false;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return false;
	return true;
}

int vol_mark_copied(struct pea_ctx *ctx, const char *name, struct pea_err **err)
{
	cleanup_free char *dir = vol_dir(ctx, name);
	cleanup_free char *marker = path_join(dir, ".copied");
	int fd = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return pea_err_set(err, errno, "create '%s'", marker);
	close(fd);
	return 0;
}

/* The copy itself; the caller holds the volume's lock. */
static int populate_locked(struct pea_ctx *ctx, const char *data, const char *src_dir,
			   struct pea_err **err)
{
	/* Rootless we are root of the user namespace: the volume gets the
	 * image's owners as the container sees them (e.g. 33 -> subuid+32). */
	struct copytree_opts c = { .privileged = geteuid() == 0, .userns = ctx->rootless };
	cleanup_close int s = open(src_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int d = -1;
	if (s < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;   /* nothing in the image to copy */
		return pea_err_set(err, errno, "open '%s'", src_dir);
	}
	d = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return pea_err_set(err, errno, "open '%s'", data);
	if (!dir_is_empty(d))
		return 0;   /* the user's data wins */
	if (copytree_into(s, d, &c, err) < 0)
		return pea_err_wrap(err, "copy '%s'", src_dir);
	return 0;
}

int vol_populate(struct pea_ctx *ctx, const char *name, const char *src_dir,
		 struct pea_err **err)
{
	struct vol_info vi = { 0 };
	cleanup_free char *dir = vol_dir(ctx, name);
	cleanup_free char *marker = path_join(dir, ".copied");
	cleanup_close int lock = -1;
	int r;

	if (vol_lookup(ctx, name, &vi, err) < 0)
		return -1;
	vol_info_release(&vi);
	if (io_exists(marker))
		return 0;
	/* Two containers starting at once: one copies, the other waits. */
	lock = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (lock < 0)
		return pea_err_set(err, errno, "open '%s'", dir);
	if (flock(lock, LOCK_EX) < 0)
		return pea_err_set(err, errno, "lock '%s'", dir);
	if (io_exists(marker))
		return 0;
	{
		cleanup_free char *data = vol_data_dir(ctx, name);

		r = populate_locked(ctx, data, src_dir, err);
	}
	if (r < 0)
		return pea_err_wrap(err, "populate volume '%s'", name);
	return vol_mark_copied(ctx, name, err);
}
