/* Safe I/O: every helper retries EINTR and short counts, and poll()s on
 * EAGAIN.  close() is never retried.  Errors follow base/err.h. */
#ifndef PEA_IO_H
#define PEA_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"
#include "base/strbuf.h"

/* Write all of buf; returns 0 or -1 with errno set (async-signal-safe). */
int xwrite_all(int fd, const void *buf, size_t len);
/* Read up to len bytes, retrying short reads until EOF; returns bytes read or -1. */
ssize_t xread_full(int fd, void *buf, size_t len);
/* One read() retried on EINTR/EAGAIN; returns what read() returns. */
ssize_t xread(int fd, void *buf, size_t len);

/* Read an fd to EOF into sb (appends). */
int io_read_fd(int fd, struct strbuf *sb, struct pea_err **err);
/* Read a whole file into sb (appends).  Kind NOT_FOUND on ENOENT. */
int io_read_file(const char *path, struct strbuf *sb, struct pea_err **err);
/* Read a file relative to dirfd, refusing to follow a symlink in the last component. */
int io_read_fileat(int dirfd, const char *name, struct strbuf *sb, struct pea_err **err);

/* Replace `path` atomically: write path.lock (O_EXCL), fsync, rename, fsync
 * the directory.  The lock file is removed on failure. */
int io_write_file_atomic(const char *path, const void *data, size_t len,
			 mode_t mode, struct pea_err **err);

/* Write a value into an existing file (sysctls, sysfs knobs); never creates. */
int io_write_existing(const char *path, const char *value, struct pea_err **err);

/* mkdir -p; existing directories are fine. */
int io_mkdir_p(const char *path, mode_t mode, struct pea_err **err);
/* rm -rf without following symlinks and without crossing mount points.
 * A missing path is not an error. */
int io_rm_rf(const char *path, struct pea_err **err);
/* Like io_rm_rf but relative to a directory fd. */
int io_rm_rf_at(int dirfd, const char *name, struct pea_err **err);
bool io_exists(const char *path);

/* "a" + "b" -> "a/b" without doubled slashes.  Caller frees. */
char *path_join(const char *a, const char *b);

/* Copy a file's data (used by vfs and archive code). */
int io_copy_fd(int in, int out, struct pea_err **err);

#endif
