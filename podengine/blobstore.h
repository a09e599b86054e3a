/* Content-addressed blob store under <root>/blobs/<algo>/<hex>.
 *
 * A blob lands only through a blob_writer: data goes to a temporary file
 * under <root>/blobs/tmp while it is hashed; commit verifies the digest,
 * fsyncs and renames into place.  A blob that does not match the digest it
 * was announced with never lands, and abort (or a failed commit) leaves no
 * partial file.  Blobs are immutable once stored. */
#ifndef PEA_BLOBSTORE_H
#define PEA_BLOBSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "podengine/digest.h"

struct blob_writer;

/* Start a blob.  `expected` (may be NULL) is the digest it must have, and
 * `expected_size` (-1 if unknown) its size.  Returns NULL on error. */
struct blob_writer *blob_writer_new(const char *root, const char *expected,
				    int64_t expected_size, struct pea_err **err);
/* Append data (hashing it).  Fails if the expected size is exceeded. */
int blob_writer_write(struct blob_writer *w, const void *data, size_t len,
		      struct pea_err **err);
/* Bytes written so far. */
int64_t blob_writer_size(const struct blob_writer *w);
/* Verify and store; the computed digest goes to out (may be NULL).  The
 * writer is freed whatever the result. */
int blob_writer_commit(struct blob_writer *w, char out[DIGEST_MAX], struct pea_err **err);
/* Drop the temporary file and free the writer.  NULL is fine. */
void blob_writer_abort(struct blob_writer *w);

/* Store a whole buffer (manifests, configs). */
int blob_put(const char *root, const void *data, size_t len, const char *expected,
	     char out[DIGEST_MAX], struct pea_err **err);
/* Path of a stored blob (whether or not it exists).  Caller frees. */
char *blob_path(const char *root, const char *digest);
bool blob_exists(const char *root, const char *digest);
/* Read a stored blob into sb (appends); kind NOT_FOUND if missing. */
int blob_read(const char *root, const char *digest, struct strbuf *sb, struct pea_err **err);
/* Open a stored blob read-only; kind NOT_FOUND if missing. */
int blob_open(const char *root, const char *digest, struct pea_err **err);
int64_t blob_size(const char *root, const char *digest);
/* Remove a blob; a missing one is fine. */
int blob_remove(const char *root, const char *digest, struct pea_err **err);

#endif
