#include "base/io.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

static void wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	poll(&p, 1, -1);
}

int xwrite_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				wait_fd(fd, POLLOUT);
				continue;
			}
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t xread(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(fd, buf, len);

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			wait_fd(fd, POLLIN);
			continue;
		}
		return -1;
	}
}

ssize_t xread_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = xread(fd, (char *)buf + got, len - got);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int io_read_fd(int fd, struct strbuf *sb, struct pea_err **err)
{
	for (;;) {
		ssize_t n;

		strbuf_grow(sb, 8192);
		n = xread(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (n < 0)
			return pea_err_set(err, errno, "read");
		if (n == 0)
			return 0;
		strbuf_setlen(sb, sb->len + (size_t)n);
	}
}

int io_read_file(const char *path, struct strbuf *sb, struct pea_err **err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return pea_err_setk(err, errno == ENOENT ? PEA_E_NOT_FOUND : PEA_E_GENERIC,
				    errno, "open '%s'", path);
	if (io_read_fd(fd, sb, err) < 0)
		return pea_err_wrap(err, "'%s'", path);
	return 0;
}

int io_read_fileat(int dirfd, const char *name, struct strbuf *sb, struct pea_err **err)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return pea_err_setk(err, errno == ENOENT ? PEA_E_NOT_FOUND : PEA_E_GENERIC,
				    errno, "open '%s'", name);
	if (io_read_fd(fd, sb, err) < 0)
		return pea_err_wrap(err, "'%s'", name);
	return 0;
}

static int fsync_parent(const char *path)
{
	cleanup_free char *copy = xstrdup(path);
	cleanup_close int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return fsync(fd);
}

int io_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct pea_err **err)
{
	cleanup_free char *lock = xasprintf("%s.lock", path);
	int fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		return pea_err_set(err, errno, "create '%s'", lock);
	if (xwrite_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;

		close(fd);
		unlink(lock);
		return pea_err_set(err, e, "write '%s'", lock);
	}
	if (close(fd) < 0 || rename(lock, path) < 0) {
		int e = errno;

		unlink(lock);
		return pea_err_set(err, e, "rename '%s'", lock);
	}
	fsync_parent(path);
	return 0;
}

int io_write_existing(const char *path, const char *value, struct pea_err **err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || xwrite_all(fd, value, strlen(value)) < 0)
		return pea_err_set(err, errno, "write '%s'", path);
	return 0;
}

int io_mkdir_p(const char *path, mode_t mode, struct pea_err **err)
{
	cleanup_free char *p = xstrdup(path);
	char *s;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return pea_err_set(err, errno, "mkdir '%s'", p);
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return pea_err_set(err, errno, "mkdir '%s'", p);
	return 0;
}

static int rm_rf_dirfd(int dfd, dev_t dev, struct pea_err **err)
{
	cleanup_dir DIR *d = fdopendir(dfd);
	struct dirent *de;

	if (!d) {
		close(dfd);
		return pea_err_set(err, errno, "fdopendir");
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (io_rm_rf_at(dirfd(d), de->d_name, err) < 0)
			return -1;
	}
	(void)dev;
	return 0;
}

int io_rm_rf_at(int dirfd, const char *name, struct pea_err **err)
{
	struct stat st, parent;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			return 0;
		return pea_err_set(err, errno, "stat '%s'", name);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
			return pea_err_set(err, errno, "unlink '%s'", name);
		return 0;
	}
	if (fstat(dirfd, &parent) == 0 && parent.st_dev != st.st_dev)
		return pea_err_set(err, EBUSY, "refusing to cross mount point '%s'", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return pea_err_set(err, errno, "open '%s'", name);
	if (rm_rf_dirfd(fd, st.st_dev, err) < 0)
		return pea_err_wrap(err, "'%s'", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return pea_err_set(err, errno, "rmdir '%s'", name);
	return 0;
}

int io_rm_rf(const char *path, struct pea_err **err)
{
	return io_rm_rf_at(AT_FDCWD, path, err);
}

bool io_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

char *path_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (!*b)
		return xstrndup(a, la);
	if (la == 1 && a[0] == '/')
		return xasprintf("/%s", b);
	return xasprintf("%.*s/%s", (int)la, a, b);
}

int io_copy_fd(int in, int out, struct pea_err **err)
{
	char buf[65536];

	for (;;) {
		ssize_t n = xread(in, buf, sizeof(buf));

		if (n < 0)
			return pea_err_set(err, errno, "read");
		if (n == 0)
			return 0;
		if (xwrite_all(out, buf, (size_t)n) < 0)
			return pea_err_set(err, errno, "write");
	}
}
