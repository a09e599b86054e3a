/* The layer store: every layer unpacked once, under
 * <root>/layers/<diff_id hex>/diff, and shared by every image and container
 * that has it.  A row in the `layers` table exists iff the directory is
 * complete (unpack goes to a temporary directory that is renamed in place). */
#ifndef PEA_LAYERS_H
#define PEA_LAYERS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"

/* Make sure the layer with uncompressed digest `diff_id` is unpacked, taking
 * it from the stored blob `blob_digest` (gzip, zstd or plain tar: detected
 * from the data, `media_type` is only a hint and may be NULL).  The digest
 * of the uncompressed stream must equal diff_id, or nothing is stored.
 * Safe to call concurrently from several processes for the same layer. */
int layer_ensure(struct pea_ctx *ctx, const char *blob_digest, const char *media_type,
		 const char *diff_id, struct pea_err **err);
/* Unpack a stream (any compression) whose diff_id is not known in advance
 * (import, docker-archive load); the computed diff_id goes to out. */
int layer_import_fd(struct pea_ctx *ctx, int fd, char out_diff_id[136], struct pea_err **err);
bool layer_exists(struct pea_ctx *ctx, const char *diff_id);
/* Directory holding the unpacked tree of a layer.  Caller frees. */
char *layer_diff_dir(struct pea_ctx *ctx, const char *diff_id);
/* Write the layer back as an uncompressed tar (overlay whiteouts become OCI
 * .wh. files) to fd.  The tar is rebuilt from the unpacked tree (sorted,
 * pax), so its digest is in general NOT the stored diff_id: use
 * layer_export() to learn it. */
int layer_export_fd(struct pea_ctx *ctx, const char *diff_id, int fd, struct pea_err **err);
/* Same; the sha256 of the bytes written goes to out_digest (may be NULL). */
int layer_export(struct pea_ctx *ctx, const char *diff_id, int fd, char out_digest[136],
		 struct pea_err **err);
/* Short name of the layer's link <root>/l/<name> -> ../layers/<hex>/diff,
 * created on first use (overlay lowerdir lists use these names to stay
 * within a page).  Caller frees. */
char *layer_link(struct pea_ctx *ctx, const char *diff_id, struct pea_err **err);
/* Remove layers that no image references (and no container uses); returns
 * the number removed. */
int layer_prune(struct pea_ctx *ctx, struct pea_err **err);
/* Bytes used by a layer's unpacked tree (as recorded). */
int64_t layer_size(struct pea_ctx *ctx, const char *diff_id);

#endif
