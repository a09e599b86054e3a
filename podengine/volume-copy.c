/* Copy-up: the first use of a named volume fills it with what the image has
 * at the mount point (podman and docker do the same).  The copy works on
 * directory fds opened with O_NOFOLLOW, so a symlink in the source is
 * copied as a symlink and never followed, and nothing is written outside
 * the volume's data dir. */
#include "podengine/volume.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"
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

struct copy {
	bool privileged;   /* chown errors are errors (else best-effort) */
};

static void copy_xattrs(int src, int dst)
{
	char list[65536], value[65536];
	ssize_t len = flistxattr(src, list, sizeof(list));
	const char *name;

	for (name = list; len > 0 && name < list + len; name += strlen(name) + 1) {
		ssize_t vlen = fgetxattr(src, name, value, sizeof(value));

		if (vlen >= 0)
			fsetxattr(dst, name, value, (size_t)vlen, 0);
	}
}

/* Owner, mode, xattrs and times of an opened copy. */
static int finish_fd(struct copy *c, int src, int dst, const struct stat *st,
		     const char *name, struct pea_err **err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (fchown(dst, st->st_uid, st->st_gid) < 0 && c->privileged)
		return pea_err_set(err, errno, "chown '%s'", name);
	if (fchmod(dst, st->st_mode & 07777) < 0)
		return pea_err_set(err, errno, "chmod '%s'", name);
	copy_xattrs(src, dst);
	if (futimens(dst, ts) < 0)
		return pea_err_set(err, errno, "set times of '%s'", name);
	return 0;
}

static int copy_tree(struct copy *c, int src, int dst, struct pea_err **err);

static int copy_dir(struct copy *c, int src, int dst, const char *name,
		    const struct stat *st, struct pea_err **err)
{
	cleanup_close int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int d = -1;

	if (s < 0)
		return pea_err_set(err, errno, "open '%s'", name);
	if (mkdirat(dst, name, 0700) < 0)
		return pea_err_set(err, errno, "mkdir '%s'", name);
	d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return pea_err_set(err, errno, "open '%s'", name);
	if (copy_tree(c, s, d, err) < 0)
		return pea_err_wrap(err, "'%s'", name);
	return finish_fd(c, s, d, st, name, err);
}

static int copy_file(struct copy *c, int src, int dst, const char *name,
		     const struct stat *st, struct pea_err **err)
{
	cleanup_close int s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int d = -1;

	if (s < 0)
		return pea_err_set(err, errno, "open '%s'", name);
	d = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (d < 0)
		return pea_err_set(err, errno, "create '%s'", name);
	if (io_copy_fd(s, d, err) < 0)
		return pea_err_wrap(err, "copy '%s'", name);
	return finish_fd(c, s, d, st, name, err);
}

/* Symlinks, fifos and (privileged) device nodes. */
static int copy_other(struct copy *c, int src, int dst, const char *name,
		      const struct stat *st, struct pea_err **err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	char target[4096];
	ssize_t n;
	int r;

	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(src, name, target, sizeof(target) - 1);
		if (n < 0)
			return pea_err_set(err, errno, "readlink '%s'", name);
		target[n] = '\0';
		r = symlinkat(target, dst, name);
	} else if (S_ISFIFO(st->st_mode) || c->privileged) {
		r = mknodat(dst, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev);
	} else {
		return 0;
	}
	if (r < 0)
		return pea_err_set(err, errno, "create '%s'", name);
	if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && c->privileged)
		return pea_err_set(err, errno, "chown '%s'", name);
	if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
		return pea_err_set(err, errno, "chmod '%s'", name);
	if (utimensat(dst, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return pea_err_set(err, errno, "set times of '%s'", name);
	return 0;
}

static int copy_entry(struct copy *c, int src, int dst, const char *name,
		      struct pea_err **err)
{
	struct stat st;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pea_err_set(err, errno, "stat '%s'", name);
	if (S_ISDIR(st.st_mode))
		return copy_dir(c, src, dst, name, &st, err);
	if (S_ISREG(st.st_mode))
		return copy_file(c, src, dst, name, &st, err);
	if (S_ISSOCK(st.st_mode))
		return 0;
	return copy_other(c, src, dst, name, &st, err);
}

static int copy_tree(struct copy *c, int src, int dst, struct pea_err **err)
{
	int fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return pea_err_set(err, errno, "read directory");
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (copy_entry(c, src, dst, de->d_name, err) < 0)
			return -1;
	}
	return 0;
}

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
	struct copy c = { .privileged = !ctx->rootless };
	cleanup_close int s = open(src_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int d = -1;
	struct stat st;

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
	if (fstat(s, &st) < 0)
		return pea_err_set(err, errno, "stat '%s'", src_dir);
	if (copy_tree(&c, s, d, err) < 0)
		return pea_err_wrap(err, "copy '%s'", src_dir);
	return finish_fd(&c, s, d, &st, data, err);
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
