/* A registry (distribution v2 API) client over libcurl.
 *
 * One client talks to one repository ("domain/path") and keeps the
 * credentials and the bearer token it obtained.  TLS is verified by
 * default; tls_verify=0 talks plain http (and does not verify https it is
 * redirected to).  CA certificates and client certificates come from
 * cert_dir, or /etc/containers/certs.d/<domain>/ (*.crt added to the system
 * CAs; *.cert with the matching *.key as client certificate).
 *
 * Errors: 401 -> kind PEA_E_AUTH ("authentication required" or "invalid
 * username or password"); 404 -> kind PEA_E_NOT_FOUND with the registry's
 * own message ("manifest unknown", "blob unknown"); transport failures name
 * the URL and curl's reason ("connection refused").
 *
 * Not thread safe: use a client from one thread (parallelism is inside,
 * through curl's multi interface). */
#ifndef PEA_REGISTRY_H
#define PEA_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"
#include "podengine/digest.h"
#include "podengine/image.h"

struct reg_client;

/* `push` asks for the pull,push scope.  Credentials: opts->creds, else
 * auth_lookup(opts->authfile, domain).  Returns NULL on error. */
struct reg_client *reg_client_new(const char *domain, const char *path,
				  const struct img_registry_opts *opts, bool push,
				  struct pea_err **err);
void reg_client_free(struct reg_client *c);

/* GET /v2/ and authenticate if challenged (used by login to check
 * credentials). */
int reg_ping(struct reg_client *c, struct pea_err **err);

/* Fetch a manifest or index by tag or digest.  The body is appended to
 * `body`; *content_type (may be NULL, caller frees) gets the Content-Type;
 * `digest` the digest of the body (verified to equal `reference` when that
 * is a digest). */
int reg_get_manifest(struct reg_client *c, const char *reference, struct strbuf *body,
		     char **content_type, char digest[DIGEST_MAX], struct pea_err **err);

enum reg_progress {
	REG_PROGRESS_NONE,   /* quiet */
	REG_PROGRESS_LINES,  /* "Copying blob sha256:..." lines on stderr */
	REG_PROGRESS_BARS,   /* redrawn progress bars on stderr (a TTY) */
};

struct reg_blob {
	const char *digest;
	int64_t size;        /* -1 if unknown */
};

/* Download blobs into the blob store at `blob_root`, several at a time.
 * Blobs already there are skipped.  Each is verified while it streams; a
 * blob that does not match leaves nothing behind.  On error the transfers
 * still running are aborted; blobs completed before stay. */
int reg_get_blobs(struct reg_client *c, const char *blob_root, const struct reg_blob *blobs,
		  size_t n, enum reg_progress progress, struct pea_err **err);

/* 1 if the registry has the blob, 0 if not, -1 on error. */
int reg_blob_exists(struct reg_client *c, const char *digest, struct pea_err **err);
/* Upload `size` bytes read from fd (from its current start, offset 0) as
 * blob `digest` (POST + monolithic PUT). */
int reg_put_blob(struct reg_client *c, const char *digest, int fd, int64_t size,
		 struct pea_err **err);
/* PUT a manifest under a tag or digest. */
int reg_put_manifest(struct reg_client *c, const char *reference, const char *media_type,
		     const void *data, size_t len, struct pea_err **err);

#endif
