/* Copying trees between directory fds: every entry is opened with
 * O_NOFOLLOW relative to its parent's fd, so a symlink is copied as a
 * symlink and never followed, and nothing is written outside the
 * destination.  Used by the vfs driver (layers stacked by copying) and by
 * volume copy-up. */
#include "podengine/copy-tree.h"
#include "base/cleanup.h"
#include "base/io.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/banned.h"


/* Overlay's and fuse-overlayfs's own markers describe the layer they sit
 * in, not the file: never copied. */
static bool is_overlay_xattr(const char *name)
{
	return !strncmp(name, "trusted.overlay.", 16) || !strncmp(name, "user.overlay.", 13) ||
	       !strncmp(name, "user.fuseoverlayfs.", 19);
}

static void copy_xattrs(int src, int dst)
{
	char list[65536], value[65536];
	ssize_t len = flistxattr(src, list, sizeof(list));
	const char *name;

	for (name = list; len > 0 && name < list + len; name += strlen(name) + 1) {
		ssize_t vlen;

		if (is_overlay_xattr(name))
			continue;
		vlen = fgetxattr(src, name, value, sizeof(value));
		if (vlen >= 0)
			fsetxattr(dst, name, value, (size_t)vlen, 0);
	}
}

/* Rootful layers carry trusted.overlay.opaque, rootless ones
 * user.overlay.opaque (layer-unpack.h); a tar can plant neither. */
static bool is_opaque(int fd)
{
	char v[2];

	return (fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y') ||
	       (fgetxattr(fd, "user.overlay.opaque", v, sizeof(v)) == 1 && v[0] == 'y');
}

/* A 0/0 character device, or (layer-unpack.h, XATTR form) an empty file
 * marked user.overlay.whiteout. */
static bool is_whiteout(int dir, const char *name, const struct stat *st)
{
	char v[2];
	int fd;
	bool wh;

	if (S_ISCHR(st->st_mode))
		return st->st_rdev == makedev(0, 0);
	if (!S_ISREG(st->st_mode) || st->st_size != 0)
		return false;
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	wh = fgetxattr(fd, "user.overlay.whiteout", v, sizeof(v)) == 1 && v[0] == 'y';
	close(fd);
	return wh;
}

/* Owner, mode, xattrs and times of an opened copy. */
static int finish_fd(const struct copytree_opts *c, int src, int dst, const struct stat *st,
		     const char *name, struct pea_err **err)
{
	struct timespec ts[2] = { st->st_atim, st->st_mtim };

	if (c->privileged && fchown(dst, st->st_uid, st->st_gid) < 0)
		return pea_err_set(err, errno, "chown '%s'", name);
	if (fchmod(dst, st->st_mode & 07777) < 0)
		return pea_err_set(err, errno, "chmod '%s'", name);
	copy_xattrs(src, dst);
	if (futimens(dst, ts) < 0)
		return pea_err_set(err, errno, "set times of '%s'", name);
	return 0;
}

static int copy_tree(const struct copytree_opts *c, int src, int dst, struct pea_err **err);

static int copy_dir(const struct copytree_opts *c, int src, int dst, const char *name,
		    const struct stat *st, bool exists, struct pea_err **err)
{
	cleanup_close int s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int d = -1;

	if (s < 0)
		return pea_err_set(err, errno, "open '%s'", name);
	/* An opaque directory hides everything the layers below had there. */
	if (exists && c->layers && is_opaque(s) && io_rm_rf_at(dst, name, err) < 0)
		return -1;
	if (mkdirat(dst, name, 0700) < 0 && errno != EEXIST)
		return pea_err_set(err, errno, "mkdir '%s'", name);
	d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return pea_err_set(err, errno, "open '%s'", name);
	if (copy_tree(c, s, d, err) < 0)
		return pea_err_wrap(err, "'%s'", name);
	return finish_fd(c, s, d, st, name, err);
}

static int copy_file(const struct copytree_opts *c, int src, int dst, const char *name,
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

static int copy_other(const struct copytree_opts *c, int src, int dst, const char *name,
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
	} else if (S_ISFIFO(st->st_mode) || (c->privileged && !c->userns)) {
		r = mknodat(dst, name, (st->st_mode & S_IFMT) | 0600, st->st_rdev);
	} else {
		return 0;
	}
	if (r < 0)
		return pea_err_set(err, errno, "create '%s'", name);
	if (c->privileged && fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return pea_err_set(err, errno, "chown '%s'", name);
	if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
		return pea_err_set(err, errno, "chmod '%s'", name);
	if (utimensat(dst, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return pea_err_set(err, errno, "set times of '%s'", name);
	return 0;
}

static int copy_entry(const struct copytree_opts *c, int src, int dst, const char *name,
		      struct pea_err **err)
{
	struct stat st, dt;
	bool exists;

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pea_err_set(err, errno, "stat '%s'", name);
	exists = fstatat(dst, name, &dt, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && !(S_ISDIR(st.st_mode) && S_ISDIR(dt.st_mode))) {
		if (io_rm_rf_at(dst, name, err) < 0)
			return -1;
		exists = false;
	}
	if (c->layers && is_whiteout(src, name, &st))
		return 0;   /* a whiteout: the lower entry is gone, nothing to add */
	if (S_ISDIR(st.st_mode))
		return copy_dir(c, src, dst, name, &st, exists, err);
	if (S_ISREG(st.st_mode))
		return copy_file(c, src, dst, name, &st, err);
	if (S_ISSOCK(st.st_mode))
		return 0;
	return copy_other(c, src, dst, name, &st, err);
}

static int copy_tree(const struct copytree_opts *c, int src, int dst, struct pea_err **err)
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

int copytree_into(int src, int dst, const struct copytree_opts *c, struct pea_err **err)
{
	struct stat st;

	if (copy_tree(c, src, dst, err) < 0)
		return -1;
	if (fstat(src, &st) < 0)
		return pea_err_set(err, errno, "stat source directory");
	return finish_fd(c, src, dst, &st, "/", err);
}
