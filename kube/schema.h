/* The schema engine of `kube play`: Kubernetes object schemas as tables, one
 * table per struct, walked over a kyaml mapping to fill a C struct.
 *
 * A table is an array of struct kschema_field ending with { NULL }.  For each
 * key of the mapping the engine finds the field of that JSON name and decodes
 * the value into the struct at `off`:
 *
 *   KSCHEMA_STRING    char *            JSON string only (a YAML 1.1 `yes` is a
 *                                       boolean and refused, as Kubernetes does)
 *   KSCHEMA_BOOL      bool
 *   KSCHEMA_INT32     int32_t           integers (and integral floats), range checked
 *   KSCHEMA_INT64     int64_t
 *   KSCHEMA_QUANTITY  char *            string or number, kept as written
 *   KSCHEMA_INTSTR    struct kube_intstr
 *   KSCHEMA_STRLIST   char **           NULL-terminated vector of strings
 *   KSCHEMA_STRMAP    struct kube_map   string values (null is "")
 *   KSCHEMA_BYTESMAP  struct kube_map   base64 string values, stored decoded
 *   KSCHEMA_OBJECT    embedded struct   decoded with `sub`
 *   KSCHEMA_OBJLIST   T * + size_t      array of elem_size elements decoded with
 *                                       `sub`; the count is a size_t at count_off
 *   KSCHEMA_IGNORE    nothing           accepted without a warning (status, ...)
 *
 * A null value is the same as an absent field (Kubernetes' JSON decoding).
 * Unknown keys are warnings; wrong types, missing required fields and values
 * refused by a field's `check` are errors.  Errors are collected in the
 * context (up to KSCHEMA_MAX_ERRORS, then decoding stops) and turned into one
 * pea_err by kschema_finish().
 */
#ifndef PEA_KUBE_SCHEMA_H
#define PEA_KUBE_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "kube/kube.h"
#include "kube/yaml.h"

#define KSCHEMA_MAX_ERRORS 20
#define KSCHEMA_MAX_FIELDS 64 /* fields in one table */

enum kschema_type {
	KSCHEMA_STRING,
	KSCHEMA_BOOL,
	KSCHEMA_INT32,
	KSCHEMA_INT64,
	KSCHEMA_QUANTITY,
	KSCHEMA_INTSTR,
	KSCHEMA_STRLIST,
	KSCHEMA_STRMAP,
	KSCHEMA_BYTESMAP,
	KSCHEMA_OBJECT,
	KSCHEMA_OBJLIST,
	KSCHEMA_IGNORE,
};

enum {
	/* Absent or null is an error ("required value"); for OBJLIST and
	 * STRLIST an empty list is too. */
	KSCHEMA_REQUIRED = 1 << 0,
	/* When absent: STRING fields get a copy of `def`, INT32/INT64 `idef`. */
	KSCHEMA_DEFAULT = 1 << 1,
};

/* A validator: NULL if the decoded value is fine, else a new message
 * ("must be between 1 and 65535, inclusive").  `value` points at the field
 * in the struct (char **, int32_t *, ...); for STRMAP and BYTESMAP it is
 * called once per key with a `const char *const *` to the key. */
typedef char *(*kschema_check_fn)(const void *value);

struct kschema_field {
	const char *name; /* JSON name; NULL ends the table */
	enum kschema_type type;
	size_t off;
	unsigned flags;
	kschema_check_fn check;
	const struct kschema_field *sub; /* OBJECT, OBJLIST */
	size_t elem_size;                /* OBJLIST */
	size_t count_off;                /* OBJLIST */
	const char *def;                 /* STRING default */
	int64_t idef;                    /* INT32/INT64 default */
};

/* Decoding state of one document: file name, the current field path,
 * warnings and errors.  Embedded: kschema_ctx_init/kschema_ctx_release. */
struct kschema_ctx {
	const char *file;
	struct kyaml_path path;
	char **warnings;     /* NULL-terminated, owned */
	struct strbuf errors; /* one error per line */
	int nerrors;
};

void kschema_ctx_init(struct kschema_ctx *c, const char *file);
void kschema_ctx_release(struct kschema_ctx *c);

/* Record an error / a warning "FILE:L:C: PATH: MESSAGE" with the current
 * path (c->path) at node `at` (may be NULL). */
void kschema_fail(struct kschema_ctx *c, const struct kyaml_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kschema_warn(struct kschema_ctx *c, const struct kyaml_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* True once KSCHEMA_MAX_ERRORS have been recorded. */
bool kschema_full(const struct kschema_ctx *c);

/* Decode mapping `map` into `obj` with `table` (obj should be zeroed).  Path
 * components are pushed on c->path below what is there.  Returns 0, or -1
 * when this call recorded errors (obj is then partly filled: free it with
 * kschema_free). */
int kschema_decode(struct kschema_ctx *c, const struct kschema_field *table,
		   const struct kyaml_node *map, void *obj);
/* Free everything `table` decoded into obj and zero those fields. */
void kschema_free(const struct kschema_field *table, void *obj);

/* Hand the warnings over (appended to *warnings, which may be NULL or
 * `warnings` may be NULL to drop them) and turn the errors into one
 * pea_err.  Returns 0 if there were none, else -1 with *err set. */
int kschema_finish(struct kschema_ctx *c, char ***warnings, struct pea_err **err);

/* Validators shared by the kinds. */
char *kschema_check_dns_label(const void *value);     /* char ** */
char *kschema_check_dns_subdomain(const void *value); /* char ** */
char *kschema_check_port(const void *value);          /* int32_t *, 1-65535 */
char *kschema_check_config_key(const void *value);    /* key of a data map */

/* Standard base64 as Go's encoding/json reads []byte (padded; \r and \n are
 * skipped).  Returns a new NUL-terminated buffer and its length, or NULL with
 * *bad set to the offset of the first bad input byte. */
char *kschema_b64_decode(const char *s, size_t len, size_t *outlen, size_t *bad);

/* The kinds (kube/kind-*.c).  Each decodes root (a mapping) into a zeroed
 * struct, recording errors and warnings in c; returns -1 if it recorded any
 * error.  The release functions free what decoding left. */
extern const struct kschema_field kube_meta_fields[];
int kube_configmap_decode(struct kschema_ctx *c, const struct kyaml_node *root,
			  struct kube_configmap *out);
void kube_configmap_release(struct kube_configmap *cm);
int kube_secret_decode(struct kschema_ctx *c, const struct kyaml_node *root,
		       struct kube_secret *out);
void kube_secret_release(struct kube_secret *s);
int kube_pod_decode(struct kschema_ctx *c, const struct kyaml_node *root, struct kube_pod *out);
void kube_pod_release(struct kube_pod *p);

#endif
