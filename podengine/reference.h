/* Image references with the docker grammar:
 *   busybox                 -> docker.io/library/busybox:latest
 *   user/app:1              -> docker.io/user/app:1
 *   host:5000/repo:tag@sha256:...   (tag and digest may both be present)
 *   localhost/x             -> localhost/x:latest
 * A first component is a registry host when it contains '.' or ':' or is
 * "localhost".  Repository path components are lowercase [a-z0-9] separated
 * by '.', '_', '__' or '-'+; tags are [\w][\w.-]{0,127}; digests as digest.h. */
#ifndef PEA_REFERENCE_H
#define PEA_REFERENCE_H

#include "base/err.h"

struct img_ref {
	char *domain;   /* "docker.io", "127.0.0.1:5000", "localhost" */
	char *path;     /* "library/busybox" */
	char *tag;      /* NULL when only a digest was given; "latest" by default */
	char *digest;   /* "sha256:..." or NULL */
};

/* Parse and normalise.  Kind INVALID with a message naming the problem. */
int img_ref_parse(const char *s, struct img_ref *out, struct pea_err **err);
void img_ref_release(struct img_ref *ref);
/* "domain/path:tag", "domain/path@digest" or "domain/path:tag@digest".  Caller frees. */
char *img_ref_string(const struct img_ref *ref);
/* "domain/path".  Caller frees. */
char *img_ref_repo(const struct img_ref *ref);
/* True if s looks like a full or short image id (hex, >= 3 chars, <= 64). */
int img_ref_is_id_prefix(const char *s);

#endif
