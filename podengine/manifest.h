/* OCI and Docker schema 2 manifests, indexes (manifest lists) and image
 * configs, parsed with json-c.  All strings are owned by the struct and
 * freed by the matching *_release(). */
#ifndef PEA_MANIFEST_H
#define PEA_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

struct mf_descriptor {
	char *media_type;
	char *digest;
	int64_t size;
	/* platform (index entries only) */
	char *os, *arch, *variant;
};

struct mf_manifest {
	char *media_type;            /* as declared, or inferred */
	struct mf_descriptor config;
	struct mf_descriptor *layers;
	size_t n_layers;
};

struct mf_index {
	char *media_type;
	struct mf_descriptor *manifests;
	size_t n_manifests;
};

/* The parts of an image config peapod uses; `raw` keeps the whole JSON text. */
struct mf_config {
	char *os, *arch, *variant;
	char *created;
	char *user, *working_dir, *stop_signal;
	char **env, **entrypoint, **cmd;   /* NULL-terminated, or NULL if absent */
	char **exposed_ports;              /* "80/tcp", ... */
	char **volumes;
	char **label_keys, **label_values; /* parallel, NULL-terminated */
	char **diff_ids;                   /* rootfs.diff_ids, bottom first */
	size_t n_diff_ids;
};

/* Kind of a document: returns MT_* of a manifest or index judged from the
 * declared mediaType, the Content-Type (may be NULL) and the shape. */
const char *mf_detect_type(const char *json, size_t len, const char *content_type);
int mf_is_index_type(const char *media_type);

int mf_manifest_parse(const char *json, size_t len, struct mf_manifest *out,
		      struct pea_err **err);
void mf_manifest_release(struct mf_manifest *m);
int mf_index_parse(const char *json, size_t len, struct mf_index *out, struct pea_err **err);
void mf_index_release(struct mf_index *ix);
int mf_config_parse(const char *json, size_t len, struct mf_config *out, struct pea_err **err);
void mf_config_release(struct mf_config *c);

/* Pick the manifest for a platform "os/arch[/variant]" (NULL = this host).
 * Returns the index into ix->manifests, or -1 with kind NOT_FOUND listing
 * the platforms that are there. */
int mf_index_select(const struct mf_index *ix, const char *platform, struct pea_err **err);
/* This host's platform as OCI names it ("linux/amd64"). */
const char *mf_host_platform(void);

#endif
