/* Shared by the files of `kube generate` (kube/generate*.c); not for other
 * modules.
 *
 * The objects are built as a tree of nodes (maps keep the order keys were
 * put in) and printed by generate-yaml.c.  One kube_generate call is a
 * struct kgen; each pod being generated a struct kgen_pod. */
#ifndef PEA_KUBE_GENERATE_INTERNAL_H
#define PEA_KUBE_GENERATE_INTERNAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strbuf.h"
#include "kube/generate.h"

/* ---- the tree (generate-tree.c) ---- */

enum kgen_type { KGEN_MAP, KGEN_SEQ, KGEN_STR, KGEN_INT, KGEN_BOOL };

struct kgen_node {
	enum kgen_type type;
	char *str;                   /* STR */
	int64_t i;                   /* INT */
	bool b;                      /* BOOL */
	char **keys;                 /* MAP: keys[i] names items[i] */
	struct kgen_node **items;    /* MAP values, SEQ items */
	size_t n, alloc;
};

struct kgen_node *kgen_map(void);
struct kgen_node *kgen_seq(void);
struct kgen_node *kgen_str(const char *s);
struct kgen_node *kgen_int(int64_t v);
struct kgen_node *kgen_bool(bool v);
void kgen_free(struct kgen_node *n);
/* Put v (owned by the map from now on) under key, replacing a value there;
 * v NULL: nothing.  Empty maps and sequences are put too. */
void kgen_put(struct kgen_node *map, const char *key, struct kgen_node *v);
/* As kgen_put, but an empty map or sequence is freed and not put. */
void kgen_put_nonempty(struct kgen_node *map, const char *key, struct kgen_node *v);
void kgen_put_str(struct kgen_node *map, const char *key, const char *s); /* NULL: nothing */
void kgen_push(struct kgen_node *seq, struct kgen_node *v);
struct kgen_node *kgen_get(const struct kgen_node *map, const char *key);
const char *kgen_get_str(const struct kgen_node *map, const char *key);
/* Take the value under key out of the map (caller owns it), or NULL. */
struct kgen_node *kgen_take(struct kgen_node *map, const char *key);
void kgen_del(struct kgen_node *map, const char *key);
/* Sort a map's keys (byte order), as Kubernetes prints maps. */
void kgen_sort(struct kgen_node *map);
/* Move keys (NULL-terminated) to the front of the map, in that order. */
void kgen_order(struct kgen_node *map, const char *const *keys);
struct kgen_node *kgen_strv(char *const *v);            /* SEQ of strings */
/* "k=v" vector into a sorted map (later keys win); NULL when v is empty. */
struct kgen_node *kgen_kv_map(char *const *v);
struct kgen_node *kgen_copy(const struct kgen_node *n);
bool kgen_equal(const struct kgen_node *a, const struct kgen_node *b);
/* A JSON value as a node (objects keep their order); NULL for NULL. */
struct kgen_node *kgen_from_json(struct json_object *o);

/* ---- YAML (generate-yaml.c) ---- */

/* One document: a map printed in block style, kubectl's layout. */
void kgen_yaml(struct strbuf *sb, const struct kgen_node *doc);
/* Whether s can be written as a plain scalar (read back as the same
 * string by YAML 1.1 and 1.2 readers). */
bool kgen_plain_ok(const char *s);

/* ---- one call, one pod ---- */

struct kgen {
	const struct kube_gen_opts *opts;
	char ***notes;
	char **claims;               /* PersistentVolumeClaims, first use first ... */
	char **claim_vols;           /* ... and the volume each names */
};

void kgen_note(struct kgen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct kgen_pod {
	struct kgen *g;
	const struct kube_gen_pod *in;
	const struct pod_spec *spec;         /* NULL for grouped containers */
	const char *orig_name;               /* the pod's name, or the group's */
	char *name;                          /* valid for Kubernetes */
	struct json_object *kube;            /* pod_spec.kube parsed, or NULL */
	struct kgen_node *volumes;           /* SEQ of the pod's volumes */
	char **vol_names;                    /* their names ... */
	char **vol_keys;                     /* ... and what each is ("host:/x", ...) */
	char **ctr_names;                    /* names given to containers so far */
	char **dropped_vols;                 /* kube volumes left out (mounts go too) */
};

/* ---- names (generate-names.c) ---- */

/* A DNS-1123 label (subdomain: '.' allowed too) from s, at most 63
 * characters; fallback when nothing is left.  A note "WHAT name "s"
 * changed to "x"" when it differs.  Caller frees. */
char *kgen_name(struct kgen *g, const char *what, const char *s, bool subdomain,
		const char *fallback);
/* The same without a note. */
char *kgen_name_quiet(const char *s, bool subdomain, const char *fallback);
/* base, or base with "-2", "-3", ... when that is in taken (not added). */
char *kgen_unique(char *const *taken, const char *base);
/* Text for a Kubernetes string that expands $(VAR): "$" before "(" or "$"
 * doubled, so that the kubelet gives back s.  Caller frees. */
char *kgen_escape_expand(const char *s);

/* ---- quantities and resources (generate-security.c) ---- */

char *kgen_cpu_quantity(int64_t milli);
char *kgen_mem_quantity(int64_t bytes);
/* resources and securityContext of a container from its spec (for
 * containers without kube objects); NULL when there is nothing to say. */
struct kgen_node *kgen_spec_resources(const struct ctr_spec *s);
struct kgen_node *kgen_spec_security(struct kgen_pod *p, const struct ctr_info *ci);
/* The container securityContext of a kube object, defaults left out. */
struct kgen_node *kgen_kube_security(struct json_object *sc);

/* ---- volumes (generate-volume.c) ---- */

/* The pod's kube volumes into p->volumes (unsupported ones dropped with a
 * note, claims recorded). */
void kgen_kube_volumes(struct kgen_pod *p);
/* volumeMounts of a container from its spec, adding the volumes they need. */
struct kgen_node *kgen_spec_mounts(struct kgen_pod *p, const struct ctr_info *ci);
/* volumeMounts of a kube container object (mounts of dropped volumes left out). */
struct kgen_node *kgen_kube_mounts(struct kgen_pod *p, struct json_object *mounts);
/* The claim for named volume `vol`: its valid name (a note when it is
 * not vol), recorded for a PersistentVolumeClaim.  Caller frees. */
char *kgen_claim(struct kgen *g, const char *vol);

/* ---- containers (generate-ctr.c) ---- */

/* The container object; its name is made unique within the pod. */
struct kgen_node *kgen_container(struct kgen_pod *p, const struct ctr_info *ci);
/* "Always", "OnFailure" or "Never" for a ctr_spec restart policy. */
const char *kgen_restart_name(enum restart_policy r);

/* ---- the pod (generate-pod.c) ---- */

/* metadata and spec of the pod (metadata without the name when templ).
 * -1 with *err for a pod with nothing to run. */
int kgen_pod_build(struct kgen_pod *p, struct kgen_node **meta, struct kgen_node **spec,
		   struct kgen_node **svc_ports, struct pea_err **err);

#endif
