/* Content digests ("sha256:<64 hex>", the OCI grammar restricted to the
 * algorithms peapod verifies: sha256 and sha512). */
#ifndef PEA_DIGEST_H
#define PEA_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"

#define DIGEST_MAX 136   /* "sha512:" + 128 hex + NUL, rounded up */

/* 0 if `d` is a well-formed digest of a supported algorithm; -1, kind INVALID. */
int digest_validate(const char *d, struct pea_err **err);
/* The hex part of a valid digest (pointer into d). */
const char *digest_hex(const char *d);
/* Algorithm name of a valid digest into `algo` (at most 16 bytes incl. NUL). */
void digest_algo(const char *d, char algo[16]);

/* Streaming hasher; opaque. */
struct digester;
/* `algo` is "sha256" or "sha512"; NULL means sha256. */
struct digester *digester_new(const char *algo);
void digester_update(struct digester *dg, const void *data, size_t len);
/* Writes "algo:hex" into out; the digester may not be updated afterwards. */
void digester_final(struct digester *dg, char out[DIGEST_MAX]);
void digester_free(struct digester *dg);

/* sha256 of a buffer as "sha256:hex". */
void digest_buf(const void *data, size_t len, char out[DIGEST_MAX]);

#endif
