/* A layer tar stream unpacked into a directory (see layer-unpack.h; the
 * reverse, layer_pack_dir(), is in layer-pack.c).
 *
 * The diff_id is the digest of the *uncompressed* stream, so reading is two
 * archives deep: `raw` only decompresses (format "raw"), and `tar` parses the
 * tar it is fed from raw through a read callback that hashes every byte on
 * the way.  Extraction is our own rather than archive_write_disk's, because
 * that one works on paths relative to the process's working directory; here
 * everything is relative to directory fds opened with O_NOFOLLOW. */
#include "podengine/layer-unpack.h"
#include "podengine/layer-tar.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/banned.h"

struct dir_meta {
	char *path;
	mode_t mode;
	struct timespec times[2];
};

struct unpacker {
	struct archive *raw;
	struct archive *tar;
	struct digester *dg;
	bool raw_eof;
	int rootfd;
	struct layer_unpack_opts opts;
	int64_t size;
	struct strbuf cached_path;   /* parent directory whose fd is cached */
	int cached_fd;
	struct dir_meta *dirs;       /* mode and times applied at the end */
	size_t ndirs, alloc_dirs;
};

static int entry_err(struct pea_err **err, int errnum, const char *entry, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int entry_err(struct pea_err **err, int errnum, const char *entry, const char *fmt, ...)
{
	va_list ap;
	cleanup_free char *msg = NULL;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	return pea_err_setk(err, errnum ? PEA_E_GENERIC : PEA_E_INVALID, errnum,
			    "layer entry '%s': %s", entry, msg);
}

/* A tar name as a clean relative path: leading '/' stripped, '.' and empty
 * components dropped.  -1 if any component is "..". */
static int clean_path(const char *in, struct strbuf *out)
{
	const char *p = in;

	strbuf_reset(out);
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (len && !(len == 1 && p[0] == '.')) {
			if (out->len)
				strbuf_addch(out, '/');
			strbuf_add(out, p, len);
		}
		p = *end ? end + 1 : end;
	}
	return 0;
}

/* Open the directory `path` (clean, relative) beneath rootfd one component
 * at a time, never following a symlink; missing components are created
 * (0755) when `create`.  On failure returns -1 with errno set and the
 * failing component's path length in *bad. */
static int open_beneath(int rootfd, const char *path, bool create, size_t *bad)
{
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *p = path;

	while (fd >= 0 && *p) {
		const char *end = strchrnul(p, '/');
		cleanup_free char *comp = xstrndup(p, (size_t)(end - p));
		int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST)
				goto fail;
			next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0)
			goto fail;
		close(fd);
		fd = next;
		p = *end ? end + 1 : end;
		continue;
	fail:;
		int e = errno;

		close(fd);
		*bad = (size_t)(end - path);
		errno = e;
		return -1;
	}
	return fd;
}

/* Error for a parent that could not be opened: a symlink or a
 * non-directory on the way escapes (or breaks) the layer. */
static int parent_err(struct pea_err **err, int errnum, const char *entry, const char *path,
		      size_t bad)
{
	if (errnum == ELOOP || errnum == ENOTDIR)
		return entry_err(err, 0, entry, "path escapes the layer through '%.*s'",
				 (int)bad, path);
	return entry_err(err, errnum, entry, "open parent '%.*s'", (int)bad, path);
}

/* fd of the parent directory, cached across entries (tars are mostly in
 * directory order).  Owned by the unpacker. */
static int parent_fd(struct unpacker *u, const char *parent, const char *entry,
		     struct pea_err **err)
{
	size_t bad = 0;

	if (u->cached_fd >= 0 && !strcmp(u->cached_path.buf, parent))
		return u->cached_fd;
	if (u->cached_fd >= 0)
		close(u->cached_fd);
	u->cached_fd = open_beneath(u->rootfd, parent, true, &bad);
	if (u->cached_fd < 0)
		return parent_err(err, errno, entry, parent, bad);
	strbuf_reset(&u->cached_path);
	strbuf_addstr(&u->cached_path, parent);
	return u->cached_fd;
}

/* Forget the cached parent if it lies at or beneath `path` (removed). */
static void invalidate_under(struct unpacker *u, const char *path)
{
	size_t len = strlen(path);

	if (u->cached_fd < 0 || strncmp(u->cached_path.buf, path, len) ||
	    (u->cached_path.buf[len] && u->cached_path.buf[len] != '/'))
		return;
	close(u->cached_fd);
	u->cached_fd = -1;
}

static int remove_existing(struct unpacker *u, int pfd, const char *name, const char *path,
			   const char *entry, struct pea_err **err)
{
	if (io_rm_rf_at(pfd, name, err) < 0)
		return pea_err_wrap(err, "layer entry '%s'", entry);
	invalidate_under(u, path);
	return 0;
}

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
}

static int apply_xattrs(struct unpacker *u, struct archive_entry *e, int fd, const char *entry,
			struct pea_err **err)
{
	const char *name;
	const void *value;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (overlay_xattr(name))
			continue;
		if (!u->opts.privileged && (starts_with(name, "trusted.") || starts_with(name, "security.")))
			continue;
		if (fsetxattr(fd, name, value, size, 0) < 0 && errno != EPERM && errno != EACCES &&
		    errno != ENOTSUP && errno != EINVAL)
			return entry_err(err, errno, entry, "set xattr '%s'", name);
	}
	return 0;
}

static int write_data(struct unpacker *u, int fd, const char *entry, struct pea_err **err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(u->tar, &buf, &size, &off)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *p = buf;

		while (size > 0) {
			ssize_t n = pwrite(fd, p, size, off);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return entry_err(err, n < 0 ? errno : EIO, entry, "write");
			p += n;
			size -= (size_t)n;
			off += n;
		}
	}
	if (r != ARCHIVE_EOF)
		return entry_err(err, archive_errno(u->tar), entry, "read data: %s",
				 archive_error_string(u->tar));
	return 0;
}

/* Give `name` (in pfd; "" = pfd itself) the owner the tar says.  In a user
 * namespace an id without a mapping gives EINVAL: say what to do about it,
 * with podman's words. */
static int chown_entry(struct unpacker *u, struct archive_entry *e, int pfd, const char *name,
		       const char *entry, struct pea_err **err)
{
	uid_t uid = (uid_t)archive_entry_uid(e);
	gid_t gid = (gid_t)archive_entry_gid(e);

	if (!u->opts.privileged)
		return 0;
	if (fchownat(pfd, name, uid, gid, AT_SYMLINK_NOFOLLOW | (*name ? 0 : AT_EMPTY_PATH)) == 0)
		return 0;
	if (errno == EINVAL && u->opts.userns && u->opts.ignore_unmapped) {
		if (u->opts.unmapped)
			(*u->opts.unmapped)++;
		return 0;
	}
	if (errno == EINVAL && u->opts.userns)
		return entry_err(err, 0, entry,
				 "owner %u:%u is not mapped in the user namespace: potentially "
				 "insufficient UIDs or GIDs available in user namespace (add ranges "
				 "for your user to /etc/subuid and /etc/subgid)",
				 (unsigned)uid, (unsigned)gid);
	return entry_err(err, errno, entry, "chown");
}

static int make_file(struct unpacker *u, struct archive_entry *e, int pfd, const char *name,
		     const char *entry, struct pea_err **err)
{
	cleanup_close int fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				      0600);
	struct timespec ts[2];
	int64_t size = archive_entry_size(e);

	if (fd < 0)
		return entry_err(err, errno, entry, "create");
	if (write_data(u, fd, entry, err) < 0)
		return -1;
	if (size > 0 && ftruncate(fd, size) < 0)
		return entry_err(err, errno, entry, "truncate");
	u->size += size > 0 ? size : 0;
	if (chown_entry(u, e, fd, "", entry, err) < 0)
		return -1;
	if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
		return entry_err(err, errno, entry, "chmod");
	if (apply_xattrs(u, e, fd, entry, err) < 0)
		return -1;
	entry_times(e, ts);
	if (futimens(fd, ts) < 0)
		return entry_err(err, errno, entry, "set times");
	return 0;
}

static int make_dir(struct unpacker *u, struct archive_entry *e, int pfd, const char *name,
		    const char *path, const char *entry, struct pea_err **err)
{
	cleanup_close int fd = -1;
	struct dir_meta *m;

	if (mkdirat(pfd, name, 0700) < 0 && errno != EEXIST)
		return entry_err(err, errno, entry, "mkdir");
	fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return entry_err(err, errno, entry, "open directory");
	if (chown_entry(u, e, fd, "", entry, err) < 0)
		return -1;
	if (apply_xattrs(u, e, fd, entry, err) < 0)
		return -1;
	/* Mode and times last: children change the mtime, and a read-only
	 * directory would refuse them when we are not root. */
	ALLOC_GROW(u->dirs, u->ndirs + 1, u->alloc_dirs);
	m = &u->dirs[u->ndirs++];
	m->path = xstrdup(path);
	m->mode = archive_entry_perm(e) & 07777;
	entry_times(e, m->times);
	return 0;
}

/* Symlinks, device nodes and fifos: created by name, never opened. */
static int make_other(struct unpacker *u, struct archive_entry *e, int pfd, const char *name,
		      const char *entry, struct pea_err **err)
{
	mode_t type = archive_entry_filetype(e);
	struct timespec ts[2];
	int r;

	if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(e);

		r = symlinkat(target ? target : "", pfd, name);
	} else if (type == AE_IFIFO) {
		r = mkfifoat(pfd, name, 0600);
	} else if (!u->opts.privileged || u->opts.userns) {
		/* Device nodes need root of the initial user namespace; skipped
		 * otherwise (see layer_unpack_opts.userns): a container gets its
		 * /dev from the runtime, not from the image. */
		return 0;
	} else {
		r = mknodat(pfd, name, type | 0600, archive_entry_rdev(e));
	}
	if (r < 0)
		return entry_err(err, errno, entry, "create");
	if (chown_entry(u, e, pfd, name, entry, err) < 0)
		return -1;
	if (type != AE_IFLNK && fchmodat(pfd, name, archive_entry_perm(e) & 07777, 0) < 0)
		return entry_err(err, errno, entry, "chmod");
	entry_times(e, ts);
	if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return entry_err(err, errno, entry, "set times");
	return 0;
}

static int make_hardlink(struct unpacker *u, const char *target, int pfd, const char *name,
			 const char *entry, struct pea_err **err)
{
	cleanup_strbuf struct strbuf t = STRBUF_INIT;
	cleanup_close int tfd = -1;
	char *slash;
	size_t bad = 0;

	if (clean_path(target, &t) < 0 || !t.len)
		return entry_err(err, 0, entry, "hardlink target '%s' escapes the layer", target);
	slash = strrchr(t.buf, '/');
	if (slash)
		*slash = '\0';
	tfd = open_beneath(u->rootfd, slash ? t.buf : "", false, &bad);
	if (tfd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return entry_err(err, 0, entry, "hardlink target '%s' escapes the layer",
					 target);
		return entry_err(err, errno, entry, "hardlink target '%s'", target);
	}
	if (linkat(tfd, slash ? slash + 1 : t.buf, pfd, name, 0) < 0)
		return entry_err(err, errno, entry, "hardlink to '%s'", target);
	return 0;
}

int layer_make_whiteout(int pfd, const char *name, enum layer_whiteout_fmt fmt, bool userns)
{
	int fd, e;

	if (fmt == LAYER_WHITEOUT_CHARDEV) {
		if (mknodat(pfd, name, S_IFCHR | 0, makedev(0, 0)) == 0)
			return 0;
		/* Root of a user namespace may make 0/0 since Linux 5.8, but not
		 * on every file system (on overlayfs it may not): then the xattr
		 * form, which vfs copies and layer_pack_dir() understand, and
		 * the storage probe tells whether a driver does. */
		if (errno != EPERM || !userns)
			return -1;
	}
	/* An empty file marked user.overlay.whiteout, its directory marked
	 * user.overlay.opaque=x (overlay's "xwhiteouts", Linux >= 6.7). */
	fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0000);
	if (fd < 0)
		return -1;
	if (fsetxattr(fd, "user.overlay.whiteout", "y", 1, 0) < 0) {
		e = errno;
		close(fd);
		unlinkat(pfd, name, 0);
		errno = e;
		return -1;
	}
	close(fd);
	if (fsetxattr(pfd, "user.overlay.opaque", "x", 1, XATTR_CREATE) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int make_whiteout(struct unpacker *u, int pfd, const char *name, const char *entry,
			 struct pea_err **err)
{
	if (layer_make_whiteout(pfd, name, u->opts.whiteouts, u->opts.userns) < 0)
		return entry_err(err, errno, entry, "create whiteout");
	return 0;
}

static int make_opaque(struct unpacker *u, int pfd, const char *entry, struct pea_err **err)
{
	const char *xa = u->opts.userns || u->opts.whiteouts == LAYER_WHITEOUT_XATTR
				 ? "user.overlay.opaque"
				 : "trusted.overlay.opaque";

	if (fsetxattr(pfd, xa, "y", 1, 0) < 0)
		return entry_err(err, errno, entry, "mark directory opaque");
	return 0;
}

static int unpack_whiteout(struct unpacker *u, const char *parent, const char *base,
			   const char *path, const char *entry, struct pea_err **err)
{
	const char *name = base + strlen(WH_PREFIX);
	cleanup_free char *victim = NULL;
	int pfd = parent_fd(u, parent, entry, err);

	if (pfd < 0)
		return -1;
	if (!strcmp(base, WH_OPAQUE))
		return make_opaque(u, pfd, entry, err);
	if (starts_with(base, WH_META))
		return 0;   /* aufs bookkeeping (.wh..wh.plnk, ...) */
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return entry_err(err, 0, entry, "path escapes the layer");
	victim = *parent ? xasprintf("%s/%s", parent, name) : xstrdup(name);
	if (remove_existing(u, pfd, name, victim, entry, err) < 0)
		return -1;
	(void)path;
	return make_whiteout(u, pfd, name, entry, err);
}

static int unpack_entry(struct unpacker *u, struct archive_entry *e, struct pea_err **err)
{
	const char *entry = archive_entry_pathname(e);
	cleanup_strbuf struct strbuf path = STRBUF_INIT;
	const char *hl = archive_entry_hardlink(e);
	char *slash, *parent, *base;
	struct stat st;
	int pfd;

	if (!entry)
		entry = archive_entry_pathname_utf8(e);
	if (!entry)
		return pea_err_setk(err, PEA_E_INVALID, 0, "layer entry without a usable name");
	if (clean_path(entry, &path) < 0)
		return entry_err(err, 0, entry, "path escapes the layer");
	if (!path.len)
		return 0;   /* the layer's root directory itself */
	slash = strrchr(path.buf, '/');
	parent = slash ? path.buf : "";
	base = slash ? slash + 1 : path.buf;
	if (slash)
		*slash = '\0';
	if (starts_with(base, WH_PREFIX))
		return unpack_whiteout(u, parent, base, path.buf, entry, err);
	if ((pfd = parent_fd(u, parent, entry, err)) < 0)
		return -1;
	if (slash)
		*slash = '/';
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !(archive_entry_filetype(e) == AE_IFDIR && !hl && S_ISDIR(st.st_mode)) &&
	    remove_existing(u, pfd, base, path.buf, entry, err) < 0)
		return -1;
	if (hl)
		return make_hardlink(u, hl, pfd, base, entry, err);
	switch (archive_entry_filetype(e)) {
	case AE_IFDIR:
		return make_dir(u, e, pfd, base, path.buf, entry, err);
	case AE_IFREG:
		return make_file(u, e, pfd, base, entry, err);
	case AE_IFLNK:
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
		return make_other(u, e, pfd, base, entry, err);
	default:
		return 0;   /* sockets have no place in a layer */
	}
}

/* Read callback of the tar reader: the next decompressed block, hashed. */
static la_ssize_t feed_tar(struct archive *a, void *data, const void **buf)
{
	struct unpacker *u = data;
	size_t size = 0;
	la_int64_t off;

	while (!u->raw_eof && size == 0) {
		int r = archive_read_data_block(u->raw, buf, &size, &off);

		if (r == ARCHIVE_EOF) {
			u->raw_eof = true;
			return 0;
		}
		if (r < ARCHIVE_WARN) {
			archive_set_error(a, archive_errno(u->raw) ? archive_errno(u->raw) : EIO,
					  "decompress: %s", archive_error_string(u->raw));
			return -1;
		}
	}
	if (size)
		digester_update(u->dg, *buf, size);
	return (la_ssize_t)size;
}

static int open_readers(struct unpacker *u, int fd, struct pea_err **err)
{
	struct archive_entry *e;
	int r;

	u->raw = archive_read_new();
	u->tar = archive_read_new();
	/* Only in-process decompressors: filter_all would also run external
	 * programs (lrzip, lzop, ...) on a hostile blob's say-so. */
	archive_read_support_filter_gzip(u->raw);
	archive_read_support_filter_zstd(u->raw);
	archive_read_support_filter_xz(u->raw);
	archive_read_support_filter_bzip2(u->raw);
	archive_read_support_format_raw(u->raw);
	if (archive_read_open_fd(u->raw, fd, 65536) != ARCHIVE_OK)
		return pea_err_setk(err, PEA_E_INVALID, archive_errno(u->raw), "layer stream: %s",
				    archive_error_string(u->raw));
	r = archive_read_next_header(u->raw, &e);
	if (r == ARCHIVE_EOF)
		u->raw_eof = true;
	else if (r < ARCHIVE_WARN)
		return pea_err_setk(err, PEA_E_INVALID, 0, "layer stream: %s",
				    archive_error_string(u->raw));
	archive_read_support_format_tar(u->tar);
	if (archive_read_open(u->tar, u, NULL, feed_tar, NULL) != ARCHIVE_OK)
		return pea_err_setk(err, PEA_E_INVALID, 0, "layer stream: %s",
				    archive_error_string(u->tar));
	return 0;
}

static int apply_dir_meta(struct unpacker *u, struct pea_err **err)
{
	size_t i = u->ndirs;

	while (i-- > 0) {
		struct dir_meta *m = &u->dirs[i];
		size_t bad;
		cleanup_close int fd = open_beneath(u->rootfd, m->path, false, &bad);

		if (fd < 0)
			continue;   /* replaced by a later entry */
		if (fchmod(fd, m->mode) < 0 || futimens(fd, m->times) < 0)
			return entry_err(err, errno, m->path, "set mode and times");
	}
	return 0;
}

static int unpack_all(struct unpacker *u, int fd, struct pea_err **err)
{
	struct archive_entry *e;
	const void *buf;
	int r;

	if (open_readers(u, fd, err) < 0)
		return -1;
	while ((r = archive_read_next_header(u->tar, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (unpack_entry(u, e, err) < 0)
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return pea_err_setk(err, PEA_E_INVALID, 0, "layer stream: %s",
				    archive_error_string(u->tar));
	/* The digest covers the padding after the end-of-archive marker too. */
	while ((r = (int)feed_tar(u->tar, u, &buf)) > 0)
		;
	if (r < 0)
		return pea_err_setk(err, PEA_E_INVALID, 0, "layer stream: %s",
				    archive_error_string(u->tar));
	return apply_dir_meta(u, err);
}

static void unpacker_release(struct unpacker *u)
{
	size_t i;

	if (u->tar)
		archive_read_free(u->tar);
	if (u->raw)
		archive_read_free(u->raw);
	if (u->dg)
		digester_free(u->dg);
	if (u->cached_fd >= 0)
		close(u->cached_fd);
	strbuf_release(&u->cached_path);
	for (i = 0; i < u->ndirs; i++)
		free(u->dirs[i].path);
	free(u->dirs);
}

int layer_unpack_fd(int fd, int dirfd, const struct layer_unpack_opts *opts,
		    char out_diff_id[DIGEST_MAX], int64_t *out_size, struct pea_err **err)
{
	struct unpacker u = { .rootfd = dirfd, .cached_fd = -1, .cached_path = STRBUF_INIT };
	char got[DIGEST_MAX];
	int ret = -1;

	if (opts)
		u.opts = *opts;
	else
		u.opts.privileged = geteuid() == 0;
	u.dg = digester_new("sha256");
	if (unpack_all(&u, fd, err) < 0)
		goto out;
	digester_final(u.dg, got);
	if (u.opts.expected_diff_id && strcmp(got, u.opts.expected_diff_id)) {
		pea_err_setk(err, PEA_E_INVALID, 0, "layer diff_id mismatch: got '%s', want '%s'",
			     got, u.opts.expected_diff_id);
		goto out;
	}
	if (out_diff_id)
		memcpy(out_diff_id, got, DIGEST_MAX);
	if (out_size)
		*out_size = u.size;
	ret = 0;
out:
	unpacker_release(&u);
	if (ret < 0)
		layer_empty_dir(dirfd, NULL);
	return ret;
}

int layer_empty_dir(int dirfd, struct pea_err **err)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = NULL;
	struct dirent *de;

	if (fd < 0)
		return pea_err_set(err, errno, "open directory");
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return pea_err_set(err, errno, "open directory");
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (io_rm_rf_at(dirfd, de->d_name, err) < 0)
			return -1;
	}
	return 0;
}
