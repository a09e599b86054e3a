/* A directory packed as a layer tar: layer_pack_dir() (see layer-unpack.h).
 *
 * The tar is written through a callback that hashes every byte on its way
 * to out_fd, so the digest comes without reading the output back. */
#include "podengine/layer-unpack.h"
#include "podengine/layer-tar.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/banned.h"

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct packer {
	struct archive *a;
	struct digester *dg;
	int out_fd;
	struct hardlink *links;
	size_t nlinks, alloc_links;
};

static la_ssize_t pack_write(struct archive *a, void *data, const void *buf, size_t len)
{
	struct packer *p = data;

	if (xwrite_all(p->out_fd, buf, len) < 0) {
		archive_set_error(a, errno, "write");
		return -1;
	}
	digester_update(p->dg, buf, len);
	return (la_ssize_t)len;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dirfd, sorted bytewise; NULL-terminated, caller frees. */
static char **sorted_names(int dirfd, struct pea_err **err)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_dir DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;

	if (!d) {
		pea_err_set(err, errno, "open directory");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ALLOC_GROW(names, n + 2, alloc);
		names[n++] = xstrdup(de->d_name);
	}
	ALLOC_GROW(names, n + 1, alloc);
	names[n] = NULL;
	qsort(names, n, sizeof(*names), cmp_names);
	return names;
}

static void add_xattrs(struct archive_entry *e, int fd)
{
	char list[65536], value[65536];
	ssize_t len = flistxattr(fd, list, sizeof(list));
	const char *name;

	for (name = list; len > 0 && name < list + len; name += strlen(name) + 1) {
		ssize_t vlen;

		if (overlay_xattr(name))
			continue;
		vlen = fgetxattr(fd, name, value, sizeof(value));
		if (vlen >= 0)
			archive_entry_xattr_add_entry(e, name, value, (size_t)vlen);
	}
}

static bool has_xattr(int fd, const char *name, const char *want)
{
	char v[8];
	ssize_t n = fgetxattr(fd, name, v, sizeof(v));

	return n == (ssize_t)strlen(want) && !memcmp(v, want, (size_t)n);
}

static struct archive_entry *new_entry(const char *path, const struct stat *st)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_copy_stat(e, st);
	archive_entry_set_pathname(e, path);
	archive_entry_unset_atime(e);
	archive_entry_unset_ctime(e);
	archive_entry_unset_birthtime(e);
	archive_entry_set_nlink(e, 1);
	archive_entry_set_ino(e, 0);
	archive_entry_set_dev(e, 0);
	if (!S_ISREG(st->st_mode))
		archive_entry_set_size(e, 0);
	return e;
}

static int put_header(struct packer *p, struct archive_entry *e, const char *path,
		      struct pea_err **err)
{
	int r = archive_write_header(p->a, e);

	archive_entry_free(e);
	if (r < ARCHIVE_WARN)
		return pea_err_set(err, archive_errno(p->a), "write tar entry '%s': %s", path,
				   archive_error_string(p->a));
	return 0;
}

/* An empty regular file: an OCI whiteout or opaque marker. */
static int put_marker(struct packer *p, const char *path, const struct stat *st, mode_t mode,
		      struct pea_err **err)
{
	struct stat m = *st;

	m.st_mode = S_IFREG | mode;
	m.st_size = 0;
	m.st_uid = m.st_gid = 0;
	m.st_rdev = 0;
	return put_header(p, new_entry(path, &m), path, err);
}

static int put_file(struct packer *p, const char *path, int fd, const struct stat *st,
		    struct pea_err **err)
{
	struct archive_entry *e = new_entry(path, st);
	char buf[65536];
	size_t i;
	ssize_t n;

	if (st->st_nlink > 1) {
		for (i = 0; i < p->nlinks; i++) {
			if (p->links[i].dev == st->st_dev && p->links[i].ino == st->st_ino) {
				archive_entry_set_hardlink(e, p->links[i].path);
				archive_entry_set_size(e, 0);
				return put_header(p, e, path, err);
			}
		}
		ALLOC_GROW(p->links, p->nlinks + 1, p->alloc_links);
		p->links[p->nlinks++] = (struct hardlink){ st->st_dev, st->st_ino, xstrdup(path) };
	}
	add_xattrs(e, fd);
	if (put_header(p, e, path, err) < 0)
		return -1;
	while ((n = xread(fd, buf, sizeof(buf))) > 0) {
		if (archive_write_data(p->a, buf, (size_t)n) < 0)
			return pea_err_set(err, archive_errno(p->a), "write '%s': %s", path,
					   archive_error_string(p->a));
	}
	if (n < 0)
		return pea_err_set(err, errno, "read '%s'", path);
	return 0;
}

static int pack_tree(struct packer *p, int dirfd, const char *prefix, struct pea_err **err);

static int pack_dir(struct packer *p, int dirfd, const char *name, const char *path,
		    const struct stat *st, struct pea_err **err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_free char *dpath = xasprintf("%s/", path);
	cleanup_free char *opq = xasprintf("%s/" WH_OPAQUE, path);
	struct archive_entry *e;

	if (fd < 0)
		return pea_err_set(err, errno, "open '%s'", path);
	e = new_entry(dpath, st);
	add_xattrs(e, fd);
	if (put_header(p, e, dpath, err) < 0)
		return -1;
	if ((has_xattr(fd, "trusted.overlay.opaque", "y") || has_xattr(fd, "user.overlay.opaque", "y")) &&
	    put_marker(p, opq, st, st->st_mode & 0777, err) < 0)
		return -1;
	return pack_tree(p, fd, dpath, err);
}

static int pack_one(struct packer *p, int dirfd, const char *name, const char *prefix,
		    struct pea_err **err)
{
	cleanup_free char *path = xasprintf("%s%s", prefix, name);
	cleanup_free char *wh = xasprintf("%s" WH_PREFIX "%s", prefix, name);
	cleanup_close int fd = -1;
	struct archive_entry *e;
	struct stat st;
	char target[4096];
	ssize_t n;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return pea_err_set(err, errno, "stat '%s'", path);
	if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0))
		return put_marker(p, wh, &st, 0600, err);
	if (S_ISDIR(st.st_mode))
		return pack_dir(p, dirfd, name, path, &st, err);
	if (S_ISREG(st.st_mode)) {
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return pea_err_set(err, errno, "open '%s'", path);
		if (st.st_size == 0 && has_xattr(fd, "user.overlay.whiteout", "y"))
			return put_marker(p, wh, &st, 0600, err);
		return put_file(p, path, fd, &st, err);
	}
	if (S_ISSOCK(st.st_mode))
		return 0;
	e = new_entry(path, &st);
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n < 0) {
			archive_entry_free(e);
			return pea_err_set(err, errno, "readlink '%s'", path);
		}
		target[n] = '\0';
		archive_entry_set_symlink(e, target);
	}
	return put_header(p, e, path, err);
}

static int pack_tree(struct packer *p, int dirfd, const char *prefix, struct pea_err **err)
{
	cleanup_strv char **names = sorted_names(dirfd, err);
	char **n;

	if (!names)
		return -1;
	for (n = names; *n; n++) {
		if (pack_one(p, dirfd, *n, prefix, err) < 0)
			return -1;
	}
	return 0;
}

int layer_pack_dir(int dirfd, int out_fd, char out_digest[DIGEST_MAX], struct pea_err **err)
{
	struct packer p = { .out_fd = out_fd };
	size_t i;
	int ret = -1;

	p.dg = digester_new("sha256");
	p.a = archive_write_new();
	archive_write_set_format_pax_restricted(p.a);
	archive_write_set_bytes_in_last_block(p.a, 1);
	if (archive_write_open(p.a, &p, NULL, pack_write, NULL) != ARCHIVE_OK) {
		pea_err_set(err, archive_errno(p.a), "write tar: %s", archive_error_string(p.a));
		goto out;
	}
	if (pack_tree(&p, dirfd, "", err) < 0)
		goto out;
	if (archive_write_close(p.a) != ARCHIVE_OK) {
		pea_err_set(err, archive_errno(p.a), "write tar: %s", archive_error_string(p.a));
		goto out;
	}
	if (out_digest)
		digester_final(p.dg, out_digest);
	ret = 0;
out:
	archive_write_free(p.a);
	digester_free(p.dg);
	for (i = 0; i < p.nlinks; i++)
		free(p.links[i].path);
	free(p.links);
	return ret;
}
