#include "podengine/blobstore.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

struct blob_writer {
	char *root;
	char *tmp_path;
	char expected[DIGEST_MAX];
	int64_t expected_size;
	int64_t size;
	int fd;
	struct digester *dg;
};

char *blob_path(const char *root, const char *digest)
{
	char algo[16];

	digest_algo(digest, algo);
	return xasprintf("%s/blobs/%s/%s", root, algo, digest_hex(digest));
}

struct blob_writer *blob_writer_new(const char *root, const char *expected,
				    int64_t expected_size, struct pea_err **err)
{
	cleanup_free char *tmpdir = xasprintf("%s/blobs/tmp", root);
	struct blob_writer *w;
	char algo[16] = "sha256";

	if (expected) {
		if (digest_validate(expected, err) < 0)
			return NULL;
		digest_algo(expected, algo);
	}
	if (io_mkdir_p(tmpdir, 0700, err) < 0)
		return NULL;
	w = xcalloc(1, sizeof(*w));
	w->root = xstrdup(root);
	w->tmp_path = xasprintf("%s/blob-XXXXXX", tmpdir);
	w->expected_size = expected_size;
	if (expected)
		snprintf(w->expected, sizeof(w->expected), "%s", expected);
	w->fd = mkostemp(w->tmp_path, O_CLOEXEC);
	if (w->fd < 0) {
		pea_err_set(err, errno, "create temporary blob in '%s'", tmpdir);
		free(w->tmp_path);
		w->tmp_path = NULL;
		blob_writer_abort(w);
		return NULL;
	}
	w->dg = digester_new(algo);
	return w;
}

int blob_writer_write(struct blob_writer *w, const void *data, size_t len,
		      struct pea_err **err)
{
	if (w->expected_size >= 0 && w->size + (int64_t)len > w->expected_size)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "blob %s: more data than the %lld bytes announced",
				    w->expected[0] ? w->expected : "", (long long)w->expected_size);
	if (xwrite_all(w->fd, data, len) < 0)
		return pea_err_set(err, errno, "write '%s'", w->tmp_path);
	digester_update(w->dg, data, len);
	w->size += (int64_t)len;
	return 0;
}

int64_t blob_writer_size(const struct blob_writer *w)
{
	return w->size;
}

void blob_writer_abort(struct blob_writer *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp_path)
		unlink(w->tmp_path);
	digester_free(w->dg);
	free(w->tmp_path);
	free(w->root);
	free(w);
}

static int writer_verify(struct blob_writer *w, const char *got, struct pea_err **err)
{
	if (w->expected[0] && strcmp(w->expected, got))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "digest mismatch: expected %s, got %s", w->expected, got);
	if (w->expected_size >= 0 && w->size != w->expected_size)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "blob %s: size %lld, expected %lld", got,
				    (long long)w->size, (long long)w->expected_size);
	return 0;
}

int blob_writer_commit(struct blob_writer *w, char out[DIGEST_MAX], struct pea_err **err)
{
	char got[DIGEST_MAX];
	cleanup_free char *dst = NULL;
	cleanup_free char *dir = NULL;
	char algo[16];

	digester_final(w->dg, got);
	if (writer_verify(w, got, err) < 0)
		goto fail;
	if (fsync(w->fd) < 0) {
		pea_err_set(err, errno, "fsync '%s'", w->tmp_path);
		goto fail;
	}
	digest_algo(got, algo);
	dir = xasprintf("%s/blobs/%s", w->root, algo);
	if (io_mkdir_p(dir, 0755, err) < 0)
		goto fail;
	fchmod(w->fd, 0644);
	dst = blob_path(w->root, got);
	if (rename(w->tmp_path, dst) < 0) {
		pea_err_set(err, errno, "store blob '%s'", dst);
		goto fail;
	}
	free(w->tmp_path);
	w->tmp_path = NULL;
	if (out)
		memcpy(out, got, DIGEST_MAX);
	blob_writer_abort(w);
	return 0;
fail:
	blob_writer_abort(w);
	return -1;
}

int blob_put(const char *root, const void *data, size_t len, const char *expected,
	     char out[DIGEST_MAX], struct pea_err **err)
{
	struct blob_writer *w = blob_writer_new(root, expected, (int64_t)len, err);

	if (!w)
		return -1;
	if (blob_writer_write(w, data, len, err) < 0) {
		blob_writer_abort(w);
		return -1;
	}
	return blob_writer_commit(w, out, err);
}

bool blob_exists(const char *root, const char *digest)
{
	cleanup_free char *p = NULL;

	if (digest_validate(digest, NULL) < 0)
		return false;
	p = blob_path(root, digest);
	return access(p, F_OK) == 0;
}

int blob_open(const char *root, const char *digest, struct pea_err **err)
{
	cleanup_free char *p = NULL;
	int fd;

	if (digest_validate(digest, err) < 0)
		return -1;
	p = blob_path(root, digest);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pea_err_setk(err, errno == ENOENT ? PEA_E_NOT_FOUND : PEA_E_GENERIC,
				    errno, "blob %s", digest);
	return fd;
}

int blob_read(const char *root, const char *digest, struct strbuf *sb, struct pea_err **err)
{
	cleanup_close int fd = blob_open(root, digest, err);

	if (fd < 0)
		return -1;
	return io_read_fd(fd, sb, err);
}

int64_t blob_size(const char *root, const char *digest)
{
	cleanup_free char *p = NULL;
	struct stat st;

	if (digest_validate(digest, NULL) < 0)
		return -1;
	p = blob_path(root, digest);
	if (stat(p, &st) < 0)
		return -1;
	return st.st_size;
}

int blob_remove(const char *root, const char *digest, struct pea_err **err)
{
	cleanup_free char *p = NULL;

	if (digest_validate(digest, err) < 0)
		return -1;
	p = blob_path(root, digest);
	if (unlink(p) < 0 && errno != ENOENT)
		return pea_err_set(err, errno, "remove blob %s", digest);
	return 0;
}
