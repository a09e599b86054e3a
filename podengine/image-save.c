/* `image save`: images from the store written as a docker-archive (plain
 * layer tars, manifest.json) or an oci-archive (blobs/, index.json,
 * oci-layout).  Every entry is written once, with mtime 0.  The reverse,
 * `image load`, is in image-archive.c. */
#include "podengine/image.h"
#include "podengine/archive-util.h"
#include "podengine/image-archive.h"
#include "base/json.h"
#include "podengine/blobstore.h"
#include "podengine/digest.h"
#include "podengine/layers.h"
#include "podengine/manifest.h"
#include "podengine/reference.h"
#include "podengine/state.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

static int write_header(struct archive *a, const char *name, int64_t size,
			struct pea_err **err)
{
	struct archive_entry *e = archive_entry_new();
	int rc;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, size);
	archive_entry_set_mtime(e, 0, 0);
	rc = archive_write_header(a, e);
	archive_entry_free(e);
	if (rc != ARCHIVE_OK)
		return pea_err_set(err, 0, "write '%s': %s", name, archive_error_string(a));
	return 0;
}

static int write_mem(struct archive *a, const char *name, const void *data, size_t len,
		     struct pea_err **err)
{
	if (write_header(a, name, (int64_t)len, err) < 0)
		return -1;
	if (len && archive_write_data(a, data, len) != (la_ssize_t)len)
		return pea_err_set(err, 0, "write '%s': %s", name, archive_error_string(a));
	return 0;
}

static int write_json(struct archive *a, const char *name, struct json_object *o,
		      struct pea_err **err)
{
	size_t len = 0;
	const char *t = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	return write_mem(a, name, t, len, err);
}

static int write_fd(struct archive *a, const char *name, int fd, int64_t size,
		    struct pea_err **err)
{
	char buf[65536];
	int64_t left = size;
	ssize_t n;

	if (write_header(a, name, size, err) < 0)
		return -1;
	while (left > 0) {
		n = xread(fd, buf, left < (int64_t)sizeof(buf) ? (size_t)left : sizeof(buf));
		if (n <= 0)
			return pea_err_set(err, n < 0 ? errno : 0, "read data for '%s'", name);
		if (archive_write_data(a, buf, (size_t)n) != n)
			return pea_err_set(err, 0, "write '%s': %s", name, archive_error_string(a));
		left -= n;
	}
	return 0;
}

static int write_blob(struct pea_ctx *ctx, struct archive *a, const char *name,
		      const char *digest, struct pea_err **err)
{
	cleanup_close int fd = blob_open(ctx->root, digest, err);

	if (fd < 0)
		return -1;
	return write_fd(a, name, fd, blob_size(ctx->root, digest), err);
}

static int tmp_file(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_free char *dir = path_join(ctx->root, "tmp");
	cleanup_free char *path = NULL;
	int fd;

	if (io_mkdir_p(dir, 0700, err) < 0)
		return -1;
	path = path_join(dir, "save-XXXXXX");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return pea_err_set(err, errno, "create temporary file in '%s'", dir);
	unlink(path);
	return fd;
}

/* Decompress a stored layer blob into fd, checking it against diff_id. */
static int decompress_blob(struct pea_ctx *ctx, const char *blob, const char *diff_id, int fd,
			   struct pea_err **err)
{
	cleanup_free char *path = blob_path(ctx->root, blob);
	cleanup_archive_read struct archive *a = archive_read_new();
	struct digester *dg = digester_new(NULL);
	struct archive_entry *e;
	char buf[65536], got[DIGEST_MAX];
	la_ssize_t n = 0;

	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, path, sizeof(buf)) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK)
		goto bad;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		digester_update(dg, buf, (size_t)n);
		if (xwrite_all(fd, buf, (size_t)n) < 0) {
			digester_free(dg);
			return pea_err_set(err, errno, "write temporary layer");
		}
	}
	if (n < 0)
		goto bad;
	digester_final(dg, got);
	digester_free(dg);
	if (strcmp(got, diff_id))
		return pea_err_set(err, 0, "layer blob '%s' unpacks to '%s', not '%s'", blob,
				   got, diff_id);
	return 0;
bad:
	digester_free(dg);
	return pea_err_set(err, 0, "decompress '%s': %s", blob, archive_error_string(a));
}

static char *layer_blob_digest(struct pea_ctx *ctx, const char *diff_id)
{
	struct state *st = state_get(ctx, NULL);
	cleanup_stmt sqlite3_stmt *s = NULL;
	const char *t;

	if (!st || !(s = state_prepare(st, "SELECT blob_digest FROM layers WHERE diff_id = ?1",
				       NULL)))
		return NULL;
	sqlite3_bind_text(s, 1, diff_id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_ROW || !(t = (const char *)sqlite3_column_text(s, 0)))
		return NULL;
	return xstrdup(t);
}

/* An uncompressed layer tar as docker-archive wants it: the stored blob if
 * it is plain, else the blob decompressed, else the unpacked tree exported. */
static int write_plain_layer(struct pea_ctx *ctx, struct archive *a, const char *name,
			     const char *diff_id, struct pea_err **err)
{
	cleanup_free char *blob = layer_blob_digest(ctx, diff_id);
	cleanup_close int fd = -1;
	off_t size;

	if (blob_exists(ctx->root, diff_id))
		return write_blob(ctx, a, name, diff_id, err);
	fd = tmp_file(ctx, err);
	if (fd < 0)
		return -1;
	if (blob && blob_exists(ctx->root, blob)) {
		if (decompress_blob(ctx, blob, diff_id, fd, err) < 0)
			return -1;
	} else if (layer_export_fd(ctx, diff_id, fd, err) < 0) {
		return -1;
	}
	size = lseek(fd, 0, SEEK_CUR);
	if (size < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return pea_err_set(err, errno, "seek temporary layer");
	return write_fd(a, name, fd, (int64_t)size, err);
}

static bool seen(char ***v, size_t *n, size_t *alloc, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return true;
	ALLOC_GROW(*v, *n + 2, *alloc);
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
	return false;
}

struct save {
	struct pea_ctx *ctx;
	struct archive *a;
	char **written;
	size_t n_written, alloc_written;
};

/* The names to record for what the user asked for: the one name it
 * matched, or every name of an image given by id. */
static struct json_object *save_tags(const char *arg, const struct img_info *info)
{
	struct json_object *tags = json_object_new_array();
	struct img_ref ref = { 0 };
	cleanup_free char *full = NULL;
	char **p;

	if (img_ref_parse(arg, &ref, NULL) == 0 && !ref.digest)
		full = img_ref_string(&ref);
	img_ref_release(&ref);
	for (p = info->names; p && *p; p++)
		if (full && !strcmp(*p, full))
			break;
	if (full && p && *p) {
		json_object_array_add(tags, json_object_new_string(full));
		return tags;
	}
	for (p = info->names; p && *p; p++)
		json_object_array_add(tags, json_object_new_string(*p));
	return tags;
}

static int save_docker_image(struct save *sv, const char *arg, const struct img_info *info,
			     struct json_object *manifest, struct pea_err **err)
{
	struct json_object *item = json_object_new_object(), *layers = json_object_new_array();
	cleanup_free char *cname = xasprintf("%s.json", info->id);
	size_t i;

	json_object_object_add(item, "Config", json_object_new_string(cname));
	json_object_object_add(item, "RepoTags", save_tags(arg, info));
	json_object_object_add(item, "Layers", layers);
	json_object_array_add(manifest, item);
	if (!seen(&sv->written, &sv->n_written, &sv->alloc_written, cname) &&
	    write_blob(sv->ctx, sv->a, cname, info->config_digest, err) < 0)
		return -1;
	for (i = 0; i < info->n_layers; i++) {
		cleanup_free char *lname = xasprintf("%s.tar", digest_hex(info->diff_ids[i]));

		json_object_array_add(layers, json_object_new_string(lname));
		if (!seen(&sv->written, &sv->n_written, &sv->alloc_written, lname) &&
		    write_plain_layer(sv->ctx, sv->a, lname, info->diff_ids[i], err) < 0)
			return pea_err_wrap(err, "layer '%s'", info->diff_ids[i]);
	}
	return 0;
}

static int write_blob_file(struct save *sv, const char *digest, struct pea_err **err)
{
	char algo[16];
	cleanup_free char *name = NULL;

	digest_algo(digest, algo);
	name = xasprintf("blobs/%s/%s", algo, digest_hex(digest));
	if (seen(&sv->written, &sv->n_written, &sv->alloc_written, name))
		return 0;
	return write_blob(sv->ctx, sv->a, name, digest, err);
}

static int save_oci_image(struct save *sv, const char *arg, const struct img_info *info,
			  struct json_object *manifests, struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	cleanup_json struct json_object *tags = save_tags(arg, info);
	struct mf_manifest m = { 0 };
	struct json_object *d;
	size_t i;
	int rc = 0;

	if (blob_read(sv->ctx->root, info->manifest_digest, &sb, err) < 0 ||
	    mf_manifest_parse(sb.buf, sb.len, &m, err) < 0)
		return -1;
	rc = write_blob_file(sv, m.config.digest, err);
	for (i = 0; rc == 0 && i < m.n_layers; i++)
		rc = write_blob_file(sv, m.layers[i].digest, err);
	mf_manifest_release(&m);
	if (rc < 0 || write_blob_file(sv, info->manifest_digest, err) < 0)
		return -1;
	d = descriptor(info->manifest_media_type, info->manifest_digest, (int64_t)sb.len);
	if (json_object_array_length(tags)) {
		struct json_object *an = json_object_new_object();

		json_object_object_add(an, ANNOT_REF_NAME,
				       json_object_get(json_object_array_get_idx(tags, 0)));
		json_object_object_add(d, "annotations", an);
	}
	json_object_array_add(manifests, d);
	return 0;
}

static int save_all(struct save *sv, const char *const *names, size_t n,
		    enum img_archive_format fmt, struct pea_err **err)
{
	cleanup_json struct json_object *list = json_object_new_array();
	cleanup_json struct json_object *index = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		struct img_info info = { 0 };

		if (img_lookup(sv->ctx, names[i], &info, err) < 0)
			return -1;
		if (fmt == IMG_DOCKER_ARCHIVE)
			rc = save_docker_image(sv, names[i], &info, list, err);
		else
			rc = save_oci_image(sv, names[i], &info, list, err);
		img_info_release(&info);
		if (rc < 0)
			return pea_err_wrap(err, "image '%s'", names[i]);
	}
	if (fmt == IMG_DOCKER_ARCHIVE)
		return write_json(sv->a, "manifest.json", list, err);
	index = json_object_new_object();
	json_object_object_add(index, "schemaVersion", json_object_new_int(2));
	json_object_object_add(index, "mediaType", json_object_new_string(MT_OCI_INDEX));
	json_object_object_add(index, "manifests", json_object_get(list));
	if (write_mem(sv->a, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30, err) < 0)
		return -1;
	return write_json(sv->a, "index.json", index, err);
}

int img_save(struct pea_ctx *ctx, const char *const *names, size_t n,
	     enum img_archive_format fmt, const char *path, struct pea_err **err)
{
	cleanup_archive_write struct archive *a = archive_write_new();
	bool to_stdout = !path || !strcmp(path, "-");
	struct save sv = { .ctx = ctx, .a = a };
	int rc;

	if (!n)
		return pea_err_setk(err, PEA_E_INVALID, 0, "save: no image given");
	if (fmt == IMG_OCI_ARCHIVE && n > 1)
		return pea_err_setk(err, PEA_E_INVALID, 0, "save: an oci-archive holds one image");
	archive_write_set_format_pax_restricted(a);
	if ((to_stdout ? archive_write_open_fd(a, STDOUT_FILENO)
		       : archive_write_open_filename(a, path)) != ARCHIVE_OK)
		return pea_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0,
				   "save: open '%s': %s", to_stdout ? "-" : path,
				   archive_error_string(a));
	rc = save_all(&sv, names, n, fmt, err);
	if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
		rc = pea_err_set(err, 0, "save: %s", archive_error_string(a));
	for (size_t i = 0; i < sv.n_written; i++)
		free(sv.written[i]);
	free(sv.written);
	if (rc < 0) {
		if (!to_stdout)
			unlink(path);
		return pea_err_wrap(err, "save to '%s'", to_stdout ? "-" : path);
	}
	return 0;
}
