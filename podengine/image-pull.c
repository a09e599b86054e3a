/* img_pull: registry -> blob store -> layer store -> image record. */
#include "podengine/image.h"
#include "podengine/blobstore.h"
#include "podengine/layers.h"
#include "podengine/manifest.h"
#include "podengine/reference.h"
#include "podengine/registry.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/banned.h"

struct pull {
	struct pea_ctx *ctx;
	const struct img_registry_opts *opts;
	struct img_ref ref;
	struct reg_client *client;
	enum reg_progress progress;
	char index_digest[DIGEST_MAX];
	char manifest_digest[DIGEST_MAX];
	struct mf_manifest manifest;
	struct mf_config config;
	int lock;                       /* shared store lock */
};

static void pull_release(struct pull *p)
{
	img_ref_release(&p->ref);
	reg_client_free(p->client);
	mf_manifest_release(&p->manifest);
	mf_config_release(&p->config);
}

static void say(const struct pull *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say(const struct pull *p, const char *fmt, ...)
{
	va_list ap;

	if (p->progress == REG_PROGRESS_NONE)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Resolve an index to the manifest for the wanted platform. */
static int resolve_index(struct pull *p, struct strbuf *body, char **ctype,
			 struct pea_err **err)
{
	struct mf_index ix;
	char digest[DIGEST_MAX];
	int i;

	if (mf_index_parse(body->buf, body->len, &ix, err) < 0)
		return -1;
	i = mf_index_select(&ix, p->opts->platform, err);
	if (i < 0) {
		mf_index_release(&ix);
		return -1;
	}
	snprintf(digest, sizeof(digest), "%s", ix.manifests[i].digest);
	mf_index_release(&ix);
	if (blob_put(p->ctx->root, body->buf, body->len, p->index_digest, NULL, err) < 0)
		return -1;
	strbuf_reset(body);
	free(*ctype);
	*ctype = NULL;
	if (reg_get_manifest(p->client, digest, body, ctype, p->manifest_digest, err) < 0)
		return -1;
	if (mf_is_index_type(mf_detect_type(body->buf, body->len, *ctype)))
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "manifest %s: an index inside an index is not supported", digest);
	return 0;
}

/* Fetch the manifest (through an index if there is one) and store it. */
static int fetch_manifest(struct pull *p, struct pea_err **err)
{
	cleanup_strbuf struct strbuf body = STRBUF_INIT;
	cleanup_free char *ctype = NULL;
	const char *reference = p->ref.digest ? p->ref.digest : p->ref.tag;
	char digest[DIGEST_MAX];
	const char *type;

	if (reg_get_manifest(p->client, reference, &body, &ctype, digest, err) < 0)
		return -1;
	type = mf_detect_type(body.buf, body.len, ctype);
	if (!type)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "manifest %s: unsupported manifest type '%s'", reference,
				    ctype ? ctype : "unknown");
	if (mf_is_index_type(type)) {
		memcpy(p->index_digest, digest, DIGEST_MAX);
		if (resolve_index(p, &body, &ctype, err) < 0)
			return -1;
	} else {
		memcpy(p->manifest_digest, digest, DIGEST_MAX);
	}
	if (mf_manifest_parse(body.buf, body.len, &p->manifest, err) < 0)
		return pea_err_wrap(err, "manifest %s", p->manifest_digest);
	return blob_put(p->ctx->root, body.buf, body.len, p->manifest_digest, NULL, err);
}

static int fetch_config(struct pull *p, struct pea_err **err)
{
	struct reg_blob b = { p->manifest.config.digest, p->manifest.config.size };
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	say(p, "Copying config %s", b.digest);
	if (reg_get_blobs(p->client, p->ctx->root, &b, 1, REG_PROGRESS_NONE, err) < 0 ||
	    blob_read(p->ctx->root, b.digest, &sb, err) < 0)
		return -1;
	if (mf_config_parse(sb.buf, sb.len, &p->config, err) < 0)
		return pea_err_wrap(err, "config %s", b.digest);
	if (p->config.n_diff_ids != p->manifest.n_layers)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "config %s lists %zu layers but the manifest has %zu", b.digest,
				    p->config.n_diff_ids, p->manifest.n_layers);
	return 0;
}

/* Download the layer blobs whose unpacked layer is not there yet. */
static int fetch_layers(struct pull *p, struct pea_err **err)
{
	cleanup_free struct reg_blob *want = xcalloc(p->manifest.n_layers + 1, sizeof(*want));
	size_t n = 0;

	for (size_t i = 0; i < p->manifest.n_layers; i++) {
		const struct mf_descriptor *l = &p->manifest.layers[i];

		if (layer_exists(p->ctx, p->config.diff_ids[i])) {
			if (p->progress == REG_PROGRESS_LINES)
				fprintf(stderr, "Copying blob %s skipped: already exists\n", l->digest);
			continue;
		}
		want[n++] = (struct reg_blob){ l->digest, l->size };
	}
	if (reg_get_blobs(p->client, p->ctx->root, want, n, p->progress, err) < 0)
		return -1;
	for (size_t i = 0; i < p->manifest.n_layers; i++) {
		const struct mf_descriptor *l = &p->manifest.layers[i];

		if (layer_ensure(p->ctx, l->digest, l->media_type, p->config.diff_ids[i], err) < 0)
			return pea_err_wrap(err, "layer %s", l->digest);
	}
	return 0;
}

static char *commit(struct pull *p, struct pea_err **err)
{
	cleanup_free char *name = p->ref.tag ? xasprintf("%s/%s:%s", p->ref.domain, p->ref.path,
							 p->ref.tag) : NULL;
	cleanup_free char *repo = img_ref_repo(&p->ref);
	char *id = NULL;
	int64_t size = 0;
	struct img_new in = {
		.config_digest = p->manifest.config.digest,
		.manifest_digest = p->manifest_digest,
		.manifest_media_type = p->manifest.media_type,
		.index_digest = p->index_digest[0] ? p->index_digest : NULL,
		.diff_ids = (const char *const *)p->config.diff_ids,
		.n_layers = p->config.n_diff_ids,
		.repo = repo,
		.created = p->config.created,
	};

	/* a digest-only reference names no tag: the image gets no name */
	in.name = name;
	for (size_t i = 0; i < p->config.n_diff_ids; i++) {
		int64_t s = layer_size(p->ctx, p->config.diff_ids[i]);

		size += s > 0 ? s : 0;
	}
	in.size = size;
	say(p, "Writing manifest to image destination");
	if (img_commit(p->ctx, &in, &id, err) < 0)
		return NULL;
	return id;
}

static char *pull(struct pull *p, const char *ref, struct pea_err **err)
{
	cleanup_free char *full = NULL;

	if (img_ref_parse(ref, &p->ref, err) < 0)
		return NULL;
	full = img_ref_string(&p->ref);
	say(p, "Trying to pull %s...", full);
	p->client = reg_client_new(p->ref.domain, p->ref.path, p->opts, false, err);
	if (!p->client || fetch_manifest(p, err) < 0)
		return NULL;
	say(p, "Getting image source signatures");
	if (fetch_config(p, err) < 0 || fetch_layers(p, err) < 0)
		return NULL;
	return commit(p, err);
}

char *img_pull(struct pea_ctx *ctx, const char *ref, const struct img_registry_opts *opts,
	       struct pea_err **err)
{
	static const struct img_registry_opts defaults = { .tls_verify = 1 };
	struct img_registry_opts o = opts ? *opts : defaults;
	struct pull p = { .ctx = ctx, .opts = &o, .lock = -1 };
	char *id;

	o.uid = ctx->uid;

	if (p.opts->quiet)
		p.progress = REG_PROGRESS_NONE;
	else
		p.progress = isatty(STDERR_FILENO) ? REG_PROGRESS_BARS : REG_PROGRESS_LINES;
	p.lock = img_store_lock(ctx, false, err);
	id = p.lock < 0 ? NULL : pull(&p, ref, err);
	if (!id) {
		pea_err_wrap(err, "pull '%s'", ref);
		if (p.lock >= 0)
			img_rollback_storage(ctx, &p.lock);
	}
	if (p.lock >= 0)
		close(p.lock);
	pull_release(&p);
	return id;
}
