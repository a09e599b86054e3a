/* Kubernetes objects as `kube play` decodes them from YAML (kube/yaml.h) with
 * the field tables of kube/schema.h, one file per kind (kube/kind-*.c).
 *
 * Ownership: every pointer inside a decoded object is owned by that object
 * and freed by kube_object_release().  Strings are NUL terminated copies;
 * an absent string field is NULL unless the kind's table gives a default
 * (then it is that default, as the API server would fill it in).  Lists are
 * an array plus a count (NULL and 0 when absent); string lists are
 * NULL-terminated vectors (NULL when absent).
 */
#ifndef PEA_KUBE_H
#define PEA_KUBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "kube/yaml.h"

/* map[string]string and map[string][]byte: parallel vectors in document
 * order.  keys and values are NULL-terminated; lens[i] is the length of
 * values[i] (values decoded from base64 may hold NULs, and are NUL
 * terminated anyway).  An absent map is all NULL/0. */
struct kube_map {
	size_t n;
	char **keys;
	char **values;
	size_t *lens;
};

/* Index of key in m, or -1. */
int kube_map_find(const struct kube_map *m, const char *key);
/* Value of key or NULL. */
const char *kube_map_get(const struct kube_map *m, const char *key);
/* Set key to a copy of value[0..len) (replacing an existing value). */
void kube_map_set(struct kube_map *m, const char *key, const char *value, size_t len);
void kube_map_release(struct kube_map *m);

/* intstr.IntOrString */
struct kube_intstr {
	bool set;
	bool is_str;
	int32_t i;
	char *s;
};

struct kube_meta {
	char *name;        /* required; DNS-1123 subdomain */
	char *namespace;   /* NULL when absent */
	struct kube_map labels;
	struct kube_map annotations;
};

struct kube_configmap {
	struct kube_meta meta;
	struct kube_map data;
	struct kube_map binary_data; /* base64-decoded */
	bool immutable;
};

struct kube_secret {
	struct kube_meta meta;
	char *type;                  /* default "Opaque" */
	struct kube_map data;        /* base64-decoded, stringData merged in */
	struct kube_map string_data; /* always empty after decoding (merged) */
	bool immutable;
};

struct kube_env {
	char *name;  /* required */
	char *value; /* NULL when absent */
};

struct kube_port {
	char *name;
	int32_t container_port; /* required, 1-65535 */
	int32_t host_port;      /* 0 when absent, else 1-65535 */
	char *host_ip;
	char *protocol;         /* TCP (default), UDP or SCTP */
};

struct kube_container {
	char *name;             /* required; DNS-1123 label */
	char *image;
	char **command;
	char **args;
	char *working_dir;
	struct kube_env *env;
	size_t nenv;
	struct kube_port *ports;
	size_t nports;
};

struct kube_pod_spec {
	struct kube_container *containers; /* required, >= 1 */
	size_t ncontainers;
	struct kube_container *init_containers;
	size_t ninit_containers;
	char *restart_policy;              /* Always (default), OnFailure, Never */
	bool host_network;
	char *hostname;
	int64_t termination_grace_period_seconds; /* default 30 */
};

struct kube_pod {
	struct kube_meta meta;
	struct kube_pod_spec spec;
};

enum kube_kind {
	KUBE_UNKNOWN = 0, /* a kind peapod does not run: kind_name says which */
	KUBE_POD,
	KUBE_CONFIGMAP,
	KUBE_SECRET,
};

struct kube_object {
	enum kube_kind kind;
	char *api_version;
	char *kind_name;   /* as written ("Service", "Pod", ...) */
	int doc, line;     /* document index and first line in the stream */
	union {
		struct kube_pod pod;
		struct kube_configmap configmap;
		struct kube_secret secret;
	} u;
};

/* Decode one document of `file` into *out (zeroed first).
 *
 * apiVersion and kind are required strings; Pod, ConfigMap and Secret of
 * apiVersion v1 are decoded and validated; a known kind under another
 * apiVersion is an error; any other kind gives out->kind = KUBE_UNKNOWN with
 * api_version and kind_name set and nothing else decoded (the caller warns
 * "skipping kind Service").
 *
 * Warnings (unknown fields, like kubectl --validate=warn) are appended to
 * *warnings (a NULL-terminated vector; *warnings may be NULL), each as
 * "FILE:LINE:COL: PATH: unknown field \"x\"" where PATH is the path of the
 * mapping holding the field (omitted at the top level).  They are appended
 * on failure too.
 *
 * Errors: type mismatches, missing required fields, invalid values.  Up to
 * KSCHEMA_MAX_ERRORS are collected; then -1 is returned with *err set (kind
 * PEA_E_INVALID), its message every error on its own line:
 * "FILE:LINE:COL: PATH: MESSAGE".  *out is released on failure. */
int kube_decode(const char *file, const struct kyaml_doc *doc, struct kube_object *out,
		char ***warnings, struct pea_err **err);
void kube_object_release(struct kube_object *o);

#endif
