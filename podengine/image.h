/* Local images: records in the state database over blobs (blobstore.h) and
 * unpacked layers (layers.h).  An image's id is the hex of its config
 * digest, as podman shows it.  Names are full references
 * ("docker.io/library/busybox:latest"); a name belongs to one image at a
 * time (tagging moves it).
 *
 * Who implements what:
 *   image.c          records, lookup, list, tag, untag, remove, prune, mount
 *   image-pull.c     img_pull (registry.h)
 *   image-push.c     img_push
 *   image-archive.c  img_load (docker-archive, oci-archive)
 *   image-save.c     img_save
 *   image-import.c   img_import
 */
#ifndef PEA_IMAGE_H
#define PEA_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"

/* What img_commit records.  Blobs and layers must already be stored. */
struct img_new {
	const char *config_digest;
	const char *manifest_digest;
	const char *manifest_media_type;
	const char *index_digest;          /* may be NULL */
	const char *const *diff_ids;       /* bottom first */
	size_t n_layers;
	const char *name;                  /* full reference to give it; may be NULL */
	const char *repo;                  /* "domain/path" the manifest digest is known under; may be NULL */
	const char *created;               /* from the config; may be NULL */
	int64_t size;                      /* unpacked bytes of all layers */
};

struct img_info {
	char *id;                  /* 64 hex */
	char *config_digest;
	char *manifest_digest;
	char *manifest_media_type;
	char **names;              /* NULL-terminated full references */
	char **repo_digests;       /* NULL-terminated "repo@sha256:..." */
	char **diff_ids;           /* bottom first */
	size_t n_layers;
	int64_t size;
	char *created;             /* RFC 3339 from the config, may be NULL */
	int64_t added;             /* unix seconds */
};

/* Record (or update) an image in one transaction; `out_id` (may be NULL)
 * receives a copy of the id, caller frees. */
int img_commit(struct pea_ctx *ctx, const struct img_new *in, char **out_id,
	       struct pea_err **err);

/* Find an image by full or short name (busybox -> docker.io/library/
 * busybox:latest, also tried as localhost/busybox:latest), by id or unique id
 * prefix, or by name@digest / repo@digest.  Kind NOT_FOUND if there is none. */
int img_lookup(struct pea_ctx *ctx, const char *name, struct img_info *out,
	       struct pea_err **err);
int img_exists(struct pea_ctx *ctx, const char *name);
/* All images, newest first. */
int img_list(struct pea_ctx *ctx, struct img_info **out, size_t *n, struct pea_err **err);
void img_info_release(struct img_info *info);
void img_info_list_free(struct img_info *list, size_t n);

/* Give image `src` the name `new_name` (normalised). */
int img_tag(struct pea_ctx *ctx, const char *src, const char *new_name, struct pea_err **err);
/* Remove a name, or the whole image when given an id or its last name.
 * Refused (kind IN_USE) while a container uses it, unless force.  Prints
 * nothing; `untagged`/`deleted` callbacks may be NULL. */
int img_remove(struct pea_ctx *ctx, const char *name, bool force,
	       void (*report)(const char *what, const char *value, void *data), void *data,
	       struct pea_err **err);
/* Remove dangling images (all unused ones with `all`), then unreferenced
 * layers and blobs.  report() is called with each removed image id. */
int img_prune(struct pea_ctx *ctx, bool all,
	      void (*report)(const char *id, void *data), void *data, struct pea_err **err);

/* The store lock (<root>/store.lock): pull, load and import hold it shared
 * from their first stored blob until their image is recorded; removing
 * unreferenced blobs and layers holds it exclusively.  Returns the fd. */
int img_store_lock(struct pea_ctx *ctx, bool exclusive, struct pea_err **err);
/* After a failed pull/load/import: drop the shared lock (fd set to -1),
 * take it exclusively and remove every blob and layer nothing references,
 * so a failed command leaves nothing stored.  Failures are logged. */
void img_rollback_storage(struct pea_ctx *ctx, int *shared_lock_fd);

/* Image config JSON text (the blob), caller frees. */
char *img_config_json(struct pea_ctx *ctx, const struct img_info *info, struct pea_err **err);

/* Read-only view of an image's merged tree (overlay of its layers, or a vfs
 * copy); returns the mount point, caller frees.  img_unmount undoes it. */
char *img_mount(struct pea_ctx *ctx, const char *name, struct pea_err **err);
int img_unmount(struct pea_ctx *ctx, const char *name, struct pea_err **err);

/* ---- registry side (image-pull.c, image-push.c) ---- */

struct img_registry_opts {
	const char *creds;       /* "user:pass" or NULL */
	const char *authfile;    /* NULL: podman's then docker's default files */
	const char *cert_dir;    /* NULL: /etc/containers/certs.d/<host> */
	int tls_verify;          /* 1 verify (default), 0 plain http / no verify */
	const char *platform;    /* "os/arch[/variant]" or NULL for the host */
	bool quiet;              /* no progress output */
	uid_t uid;               /* the user's uid on the host, for the default auth
				  * file (auth.h); the engine sets it from ctx->uid */
};

/* Pull `ref`; returns the image id (caller frees) or NULL. */
char *img_pull(struct pea_ctx *ctx, const char *ref, const struct img_registry_opts *opts,
	       struct pea_err **err);
/* Push local image `src` to `dest` (a reference; NULL = src's own name). */
int img_push(struct pea_ctx *ctx, const char *src, const char *dest,
	     const struct img_registry_opts *opts, struct pea_err **err);

/* Check credentials against `server` ("host[:port]", a URL is accepted)
 * and store them in opts->authfile (NULL: podman's auth.json). */
int img_login(struct pea_ctx *ctx, const char *server, const char *user, const char *pass,
	      const struct img_registry_opts *opts, struct pea_err **err);
/* Forget the credentials of `server` (NULL: of every registry). */
int img_logout(struct pea_ctx *ctx, const char *server, const char *authfile,
	       struct pea_err **err);

/* ---- archives (image-archive.c, image-import.c) ---- */

enum img_archive_format { IMG_DOCKER_ARCHIVE, IMG_OCI_ARCHIVE };

/* Load a docker-archive or oci-archive (detected) from `path` ("-" or NULL
 * = stdin).  Returns the NULL-terminated list of names (or ids for unnamed
 * images) loaded; caller frees with the strv cleanup. */
char **img_load(struct pea_ctx *ctx, const char *path, struct pea_err **err);
/* Save images to `path` ("-" or NULL = stdout); several names only for
 * docker-archive (as podman's --multi-image-archive). */
int img_save(struct pea_ctx *ctx, const char *const *names, size_t n,
	     enum img_archive_format fmt, const char *path, struct pea_err **err);
/* Import a rootfs tarball as a one-layer image with config changes
 * ("CMD ...", "ENTRYPOINT ...", "ENV k=v", "WORKDIR /x", "USER u",
 * Dockerfile syntax: JSON arrays or shell form).  Returns the id. */
char *img_import(struct pea_ctx *ctx, const char *path, const char *name,
		 const char *const *changes, size_t n_changes, struct pea_err **err);

struct json_object;
/* Apply one Dockerfile-style change ("CMD [\"sh\"]", "ENV k=v", "EXPOSE 80",
 * also "CMD=/bin/sh") to the "config" object of an image config.  Kind
 * INVALID for an unknown instruction or a malformed argument. */
int img_parse_change(const char *change, struct json_object *config, struct pea_err **err);

#endif
