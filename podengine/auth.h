/* Registry credentials in the auth.json format that podman and docker
 * write: {"auths": {"host[:port]": {"auth": base64("user:pass")}}}.
 *
 * Lookup order when no file is named: $REGISTRY_AUTH_FILE, podman's
 * auth_default_path(), then docker's $DOCKER_CONFIG/config.json or
 * $HOME/.docker/config.json.  Missing files are skipped; a file that exists
 * but is malformed is an error (kind INVALID). */
#ifndef PEA_AUTH_H
#define PEA_AUTH_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

/* podman's file: ${XDG_RUNTIME_DIR}/containers/auth.json, else
 * /run/containers/0/auth.json for root, /run/user/<uid>/containers/
 * auth.json otherwise.  $REGISTRY_AUTH_FILE overrides.  `uid` is the user's
 * uid on the host (ctx->uid), not geteuid(): rootless, peapod runs as uid 0
 * of its user namespace.  Caller frees. */
char *auth_default_path(uid_t uid);

/* Credentials for `host` ("127.0.0.1:5000", "docker.io", ...).  With
 * `authfile` only that file is read (else the defaults, for `uid` as in
 * auth_default_path).  Returns 0 and sets *user and *pass
 * (caller frees) when found, 1 when there are none, -1 on error. */
int auth_lookup(const char *authfile, uid_t uid, const char *host, char **user, char **pass,
		struct pea_err **err);

/* Split --creds "user:pass" (the password may contain ':').  Kind INVALID
 * without a ':' or with an empty user.  Caller frees both. */
int auth_parse_creds(const char *creds, char **user, char **pass, struct pea_err **err);

/* Store credentials for `host` in `authfile` (NULL: auth_default_path(uid)),
 * keeping the other entries; the file is created 0600 (and its directory
 * 0700) and replaced atomically. */
int auth_login(const char *authfile, uid_t uid, const char *host, const char *user,
	       const char *pass, struct pea_err **err);
/* Remove the entry for `host`; kind NOT_FOUND "not logged into ..." if
 * there is none.  With host == NULL remove every entry. */
int auth_logout(const char *authfile, uid_t uid, const char *host, struct pea_err **err);

/* base64 helpers (standard alphabet, padded).  Caller frees; decode
 * returns NULL on malformed input and sets *len. */
char *auth_b64_encode(const void *data, size_t len);
char *auth_b64_decode(const char *s, size_t *len);

#endif
