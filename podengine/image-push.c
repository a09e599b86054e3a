/* img_push: local image -> registry.  The stored manifest is pushed as it
 * is when all its blobs are still in the blob store; otherwise (images
 * that were imported or loaded without their compressed layers) a new OCI
 * manifest with uncompressed layers exported from the layer store. */
#include "podengine/image.h"
#include "base/json.h"
#include "podengine/blobstore.h"
#include "podengine/layers.h"
#include "podengine/manifest.h"
#include "podengine/reference.h"
#include "podengine/registry.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

struct push {
	struct pea_ctx *ctx;
	struct reg_client *client;
	bool quiet;
};

static int push_blob(struct push *p, const char *what, const char *digest,
		     struct pea_err **err)
{
	cleanup_close int fd = -1;
	int64_t size;
	int r = reg_blob_exists(p->client, digest, err);

	if (r < 0)
		return -1;
	if (!p->quiet)
		fprintf(stderr, "Copying %s %s%s\n", what, digest, r ? " skipped: already exists" : "");
	if (r)
		return 0;
	fd = blob_open(p->ctx->root, digest, err);
	if (fd < 0)
		return -1;
	size = blob_size(p->ctx->root, digest);
	return reg_put_blob(p->client, digest, fd, size, err);
}

/* Export a layer as an uncompressed tar into the blob store; its digest
 * goes to `out`.  Re-archiving need not reproduce the original tar byte for
 * byte, so the digest may differ from the layer's diff_id. */
static int export_layer_blob(struct pea_ctx *ctx, const char *diff_id, char out[DIGEST_MAX],
			     struct pea_err **err)
{
	cleanup_free char *tmpdir = xasprintf("%s/blobs/tmp", ctx->root);
	cleanup_close int fd = -1;
	struct blob_writer *w;
	char buf[65536];
	ssize_t n;

	if (io_mkdir_p(tmpdir, 0700, err) < 0)
		return -1;
	fd = open(tmpdir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return pea_err_set(err, errno, "create temporary file in '%s'", tmpdir);
	if (layer_export_fd(ctx, diff_id, fd, err) < 0)
		return pea_err_wrap(err, "export layer %s", diff_id);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return pea_err_set(err, errno, "rewind exported layer");
	w = blob_writer_new(ctx->root, NULL, -1, err);
	if (!w)
		return -1;
	while ((n = xread(fd, buf, sizeof(buf))) > 0) {
		if (blob_writer_write(w, buf, (size_t)n, err) < 0) {
			blob_writer_abort(w);
			return -1;
		}
	}
	if (n < 0) {
		blob_writer_abort(w);
		return pea_err_set(err, errno, "read exported layer");
	}
	return blob_writer_commit(w, out, err);
}

static struct json_object *descriptor_json(const char *mt, const char *digest, int64_t size)
{
	struct json_object *d = json_object_new_object();

	json_object_object_add(d, "mediaType", json_object_new_string(mt));
	json_object_object_add(d, "digest", json_object_new_string(digest));
	json_object_object_add(d, "size", json_object_new_int64(size));
	return d;
}

/* Store a copy of the image config whose rootfs.diff_ids are `ids`. */
static int rewrite_config(struct push *p, const char *config_digest, struct json_object *ids,
			  char out[DIGEST_MAX], struct pea_err **err)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	cleanup_json struct json_object *cfg = NULL;
	struct json_object *rootfs;
	const char *text;

	if (blob_read(p->ctx->root, config_digest, &sb, err) < 0)
		return -1;
	cfg = json_tokener_parse(sb.buf);
	if (!cfg || !json_object_object_get_ex(cfg, "rootfs", &rootfs) ||
	    !json_object_is_type(rootfs, json_type_object))
		return pea_err_setk(err, PEA_E_INVALID, 0, "config %s: no rootfs", config_digest);
	json_object_object_add(rootfs, "diff_ids", json_object_get(ids));
	text = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN |
						   JSON_C_TO_STRING_NOSLASHESCAPE);
	return blob_put(p->ctx->root, text, strlen(text), NULL, out, err);
}

/* A fresh OCI manifest over uncompressed layers exported from the layer
 * store (and a config naming them); the text goes to sb. */
static int build_manifest(struct push *p, const struct img_info *info, struct strbuf *sb,
			  struct pea_err **err)
{
	cleanup_json struct json_object *m = json_object_new_object();
	cleanup_json struct json_object *ids = json_object_new_array();
	struct json_object *layers = json_object_new_array();
	const char *root = p->ctx->root;
	char cfg[DIGEST_MAX];
	bool same = true;

	json_object_object_add(m, "schemaVersion", json_object_new_int(2));
	json_object_object_add(m, "mediaType", json_object_new_string(MT_OCI_MANIFEST));
	for (size_t i = 0; i < info->n_layers; i++) {
		char d[DIGEST_MAX];

		if (export_layer_blob(p->ctx, info->diff_ids[i], d, err) < 0) {
			json_object_put(layers);
			return -1;
		}
		same &= !strcmp(d, info->diff_ids[i]);
		json_object_array_add(ids, json_object_new_string(d));
		json_object_array_add(layers, descriptor_json(MT_OCI_LAYER, d, blob_size(root, d)));
	}
	snprintf(cfg, sizeof(cfg), "%s", info->config_digest);
	if (!same && rewrite_config(p, info->config_digest, ids, cfg, err) < 0) {
		json_object_put(layers);
		return -1;
	}
	json_object_object_add(m, "config", descriptor_json(MT_OCI_CONFIG, cfg,
							    blob_size(root, cfg)));
	json_object_object_add(m, "layers", layers);
	strbuf_addstr(sb, json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	return 0;
}

/* The stored manifest, if it and every blob it names are in the store. */
static int stored_manifest(struct push *p, const struct img_info *info, struct strbuf *sb,
			   struct mf_manifest *m)
{
	const char *root = p->ctx->root;

	if (!info->manifest_digest || blob_read(root, info->manifest_digest, sb, NULL) < 0)
		return -1;
	if (mf_manifest_parse(sb->buf, sb->len, m, NULL) < 0)
		goto no;
	if (!blob_exists(root, m->config.digest))
		goto no;
	for (size_t i = 0; i < m->n_layers; i++)
		if (!blob_exists(root, m->layers[i].digest))
			goto no;
	return 0;
no:
	mf_manifest_release(m);
	strbuf_reset(sb);
	return -1;
}

static int push_image(struct push *p, const struct img_info *info, const struct img_ref *ref,
		      struct pea_err **err)
{
	cleanup_strbuf struct strbuf body = STRBUF_INIT;
	struct mf_manifest m;
	int r = -1;

	if (stored_manifest(p, info, &body, &m) < 0) {
		if (build_manifest(p, info, &body, err) < 0 ||
		    mf_manifest_parse(body.buf, body.len, &m, err) < 0)
			return -1;
	}
	if (!p->quiet)
		fprintf(stderr, "Getting image source signatures\n");
	for (size_t i = 0; i < m.n_layers; i++)
		if (push_blob(p, "blob", m.layers[i].digest, err) < 0)
			goto out;
	if (push_blob(p, "config", m.config.digest, err) < 0)
		goto out;
	if (!p->quiet)
		fprintf(stderr, "Writing manifest to image destination\n");
	r = reg_put_manifest(p->client, ref->tag ? ref->tag : ref->digest, m.media_type,
			     body.buf, body.len, err);
out:
	mf_manifest_release(&m);
	return r;
}

/* Where to push: `dest`, else the image's own name (or its first name when
 * it was given by id). */
static const char *dest_name(const char *src, const char *dest, const struct img_info *info)
{
	if (dest)
		return dest;
	if (img_ref_is_id_prefix(src) && info->names && info->names[0])
		return info->names[0];
	return src;
}

int img_push(struct pea_ctx *ctx, const char *src, const char *dest,
	     const struct img_registry_opts *opts, struct pea_err **err)
{
	static const struct img_registry_opts defaults = { .tls_verify = 1 };
	struct img_registry_opts o = opts ? *opts : defaults;
	struct img_info info = { 0 };
	struct img_ref ref = { 0 };
	struct push p = { .ctx = ctx, .quiet = opts ? opts->quiet : false };
	int r = -1;

	o.uid = ctx->uid;
	opts = &o;
	if (img_lookup(ctx, src, &info, err) < 0)
		goto out;
	if (img_ref_parse(dest_name(src, dest, &info), &ref, err) < 0)
		goto out;
	p.client = reg_client_new(ref.domain, ref.path, opts, true, err);
	if (p.client)
		r = push_image(&p, &info, &ref, err);
out:
	if (r < 0)
		pea_err_wrap(err, "push '%s'", dest ? dest : src);
	reg_client_free(p.client);
	img_ref_release(&ref);
	img_info_release(&info);
	return r;
}
