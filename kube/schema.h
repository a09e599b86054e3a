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
 *   KSCHEMA_QUANTITY  char *            resource.Quantity: string or number, syntax
 *                                       checked, >= 0; kept as written (integers
 *                                       in decimal: `0x10` is "16")
 *   KSCHEMA_INTSTR    struct kube_intstr
 *   KSCHEMA_STRLIST   char **           NULL-terminated vector of strings
 *   KSCHEMA_INT64LIST int64_t * + size_t  the count is a size_t at count_off
 *   KSCHEMA_STRMAP    struct kube_map   string values (null is "")
 *   KSCHEMA_BYTESMAP  struct kube_map   base64 string values, stored decoded
 *   KSCHEMA_QUANTMAP  struct kube_map   quantity values (null is "0")
 *   KSCHEMA_OBJECT    embedded struct   decoded with `sub` at obj + off: an
 *                                       offset of 0 with a sub table written for
 *                                       the parent struct flattens the object
 *                                       into the parent (httpGet, hostPath)
 *   KSCHEMA_OBJPTR    T *               allocated (elem_size, zeroed) when the key
 *                                       is there and not null, decoded with `sub`
 *   KSCHEMA_OBJLIST   T * + size_t      array of elem_size elements decoded with
 *                                       `sub`; the count is a size_t at count_off
 *   KSCHEMA_KEYNAME   char *            the value must be an object; its content
 *                                       is not read and a copy of the field's JSON
 *                                       name is stored (volume sources peapod does
 *                                       not run: nfs, csi, ...)
 *   KSCHEMA_IGNORE    nothing           accepted without a warning (status, ...)
 *
 * and two entries that match no key (their name is "" by convention; the
 * engine never looks them up by name, so a key "" stays unknown):
 *
 *   KSCHEMA_POS       struct kube_pos   the line:col of the mapping itself
 *   KSCHEMA_VALIDATE  nothing           `validate` is called once the mapping is
 *                                       decoded (defaults applied), for checks
 *                                       across fields
 *
 * Flags: KSCHEMA_REQUIRED, KSCHEMA_DEFAULT, KSCHEMA_HAS (a bool at has_off is
 * set when the key is there and not null: the has_* of optional ints, bools
 * and flattened objects), KSCHEMA_WARN (accepted with a warning that peapod
 * does not support the field).  A field with `oneof` set belongs to the
 * table's "exactly one of" group (Kubernetes' volume sources, handlers,
 * EnvVarSource, projections): a second member present is an error with the
 * `oneof` text as message; none present is for the table's validate to judge
 * (kschema_oneof_count).
 *
 * A null value is the same as an absent field (Kubernetes' JSON decoding).
 * Unknown keys are warnings; wrong types, missing required fields and values
 * refused by a field's `check` are errors.  Errors are collected in the
 * context (up to KSCHEMA_MAX_ERRORS, then decoding stops) and turned into one
 * pea_err by kschema_finish().
 *
 * Messages follow the API server's field errors, in lower case:
 * "required value", "invalid value \"x\": DETAIL", "unsupported value \"x\":
 * supported values: \"a\", \"b\"", "duplicate value \"x\"", "not found \"x\"",
 * "forbidden: DETAIL".
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
	KSCHEMA_INT64LIST,
	KSCHEMA_STRMAP,
	KSCHEMA_BYTESMAP,
	KSCHEMA_QUANTMAP,
	KSCHEMA_OBJECT,
	KSCHEMA_OBJPTR,
	KSCHEMA_OBJLIST,
	KSCHEMA_KEYNAME,
	KSCHEMA_IGNORE,
	KSCHEMA_POS,
	KSCHEMA_VALIDATE,
};

enum {
	/* Absent or null is an error ("required value"); for OBJLIST and
	 * STRLIST an empty list is too. */
	KSCHEMA_REQUIRED = 1 << 0,
	/* When absent: STRING fields get a copy of `def`, INT32/INT64 `idef`.
	 * A present empty string is "required value" too. */
	KSCHEMA_DEFAULT = 1 << 1,
	/* Set the bool at has_off when the key is there and not null. */
	KSCHEMA_HAS = 1 << 2,
	/* Warn "not supported by peapod, ignored" when the key is there. */
	KSCHEMA_WARN = 1 << 3,
};

/* A validator: NULL if the decoded value is fine, else a new message
 * ("must be between 1 and 65535, inclusive").  `value` points at the field
 * in the struct (char **, int32_t *, ...); for STRMAP, BYTESMAP and QUANTMAP
 * it is called once per key with a `const char *const *` to the key, for
 * STRLIST and INT64LIST once per element (char **, int64_t *). */
typedef char *(*kschema_check_fn)(const void *value);

struct kschema_ctx;
struct kschema_field;

/* A KSCHEMA_VALIDATE hook: `map` is the mapping just decoded into `obj` with
 * `table`, c->path its path.  Records errors with kschema_fail*() and returns
 * -1 if it recorded any.  May fill defaults (fields of the table only, so
 * that kschema_free frees them). */
typedef int (*kschema_validate_fn)(struct kschema_ctx *c, const struct kschema_field *table,
				   const struct kyaml_node *map, void *obj);

struct kschema_field {
	const char *name; /* JSON name; NULL ends the table */
	enum kschema_type type;
	size_t off;
	unsigned flags;
	kschema_check_fn check;
	const struct kschema_field *sub; /* OBJECT, OBJLIST */
	size_t elem_size;                /* OBJLIST */
	size_t count_off;                /* OBJLIST, INT64LIST */
	const char *def;                 /* STRING default */
	int64_t idef;                    /* INT32/INT64 default */
	size_t has_off;                  /* KSCHEMA_HAS: offset of a bool */
	const char *oneof;               /* "exactly one of" group: the message */
	kschema_validate_fn validate;    /* KSCHEMA_VALIDATE */
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

/* For validate hooks: kschema_fail at the value of `key` in `map` (at map
 * when the key is absent), with ".key" on the path; returns -1. */
int kschema_fail_key(struct kschema_ctx *c, const struct kyaml_node *map, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Step down to the value of `key` / the i-th element of a sequence: the path
 * gets the component, the child is returned (NULL when absent).  Undo with
 * kschema_leave(c, number of steps). */
const struct kyaml_node *kschema_enter(struct kschema_ctx *c, const struct kyaml_node *map,
				       const char *key);
const struct kyaml_node *kschema_enter_index(struct kschema_ctx *c,
					     const struct kyaml_node *seq, size_t i);
void kschema_leave(struct kschema_ctx *c, int steps);
/* Whether `key` is in `map` with a non-null value. */
bool kschema_has_key(const struct kyaml_node *map, const char *key);
/* How many members of the table's oneof group `map` holds (non-null). */
size_t kschema_oneof_count(const struct kschema_field *table, const struct kyaml_node *map);

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

/* Validators shared by the kinds (kube/schema-check.c), with the API
 * server's messages. */
char *kschema_check_dns_label(const void *value);     /* char ** */
char *kschema_check_dns_subdomain(const void *value); /* char ** */
char *kschema_check_port(const void *value);          /* int32_t *, 1-65535 */
char *kschema_check_port_name(const void *value);     /* char **, IANA_SVC_NAME */
char *kschema_check_intstr_port(const void *value);   /* kube_intstr *: number or name */
char *kschema_check_config_key(const void *value);    /* key of a data map */
char *kschema_check_env_name(const void *value);      /* char ** */
char *kschema_check_label_key(const void *value);     /* char **: qualified name */
char *kschema_check_ip(const void *value);            /* char **: IPv4 or IPv6 */
char *kschema_check_mode(const void *value);          /* int32_t *: 0-0777 */
char *kschema_check_nonneg32(const void *value);      /* int32_t *: >= 0 */
char *kschema_check_nonneg64(const void *value);      /* int64_t *: >= 0 */
char *kschema_check_positive64(const void *value);    /* int64_t *: > 0 */
char *kschema_check_id(const void *value);            /* int64_t *: 0-2147483647 */
char *kschema_check_rel_path(const void *value);      /* char **: relative, no ".." */
char *kschema_check_key_path(const void *value);      /* char **: rel_path, no "..x" */
char *kschema_check_no_backsteps(const void *value);  /* char **: no ".." element */
char *kschema_check_resource_name(const void *value); /* char **: limits/requests key */

/* Messages for a value rather than a field. */
char *kschema_label_value_msg(const char *v);         /* NULL if a valid label value */
char *kschema_quantity_msg(const char *q);            /* NULL if a valid quantity >= 0 */
/* NULL if v is one of the NULL-terminated `allowed`, else "unsupported value
 * \"v\": supported values: \"a\", \"b\"". */
char *kschema_enum_msg(const char *v, const char *const *allowed);

/* A static check function accepting only the listed strings. */
#define KSCHEMA_ENUM_CHECK(fn, ...)                                            \
	static char *fn(const void *value)                                     \
	{                                                                      \
		static const char *const ok_[] = { __VA_ARGS__, NULL };        \
		return kschema_enum_msg(*(char *const *)value, ok_);           \
	}

/* Standard base64 as Go's encoding/json reads []byte (padded; \r and \n are
 * skipped).  Returns a new NUL-terminated buffer and its length, or NULL with
 * *bad set to the offset of the first bad input byte. */
char *kschema_b64_decode(const char *s, size_t len, size_t *outlen, size_t *bad);

/* The kinds (kube/kind-*.c).  Each decodes root (a mapping) into a zeroed
 * struct, recording errors and warnings in c; returns -1 if it recorded any
 * error.  The release functions free what decoding left. */
extern const struct kschema_field kube_meta_fields[];     /* name required */
extern const struct kschema_field kube_template_meta_fields[]; /* name optional */
int kube_configmap_decode(struct kschema_ctx *c, const struct kyaml_node *root,
			  struct kube_configmap *out);
void kube_configmap_release(struct kube_configmap *cm);
int kube_secret_decode(struct kschema_ctx *c, const struct kyaml_node *root,
		       struct kube_secret *out);
void kube_secret_release(struct kube_secret *s);
int kube_pod_decode(struct kschema_ctx *c, const struct kyaml_node *root, struct kube_pod *out);
void kube_pod_release(struct kube_pod *p);
/* Deployment and DaemonSet (kind tells which), Job, PersistentVolumeClaim. */
int kube_deployment_decode(struct kschema_ctx *c, const struct kyaml_node *root,
			   enum kube_kind kind, struct kube_deployment *out);
void kube_deployment_release(struct kube_deployment *d);
int kube_job_decode(struct kschema_ctx *c, const struct kyaml_node *root, struct kube_job *out);
void kube_job_release(struct kube_job *j);
int kube_pvc_decode(struct kschema_ctx *c, const struct kyaml_node *root, struct kube_pvc *out);
void kube_pvc_release(struct kube_pvc *p);

/* Tables shared between the kind files. */
extern const struct kschema_field kube_pod_spec_fields[];     /* struct kube_pod_spec */
extern const struct kschema_field kube_container_fields[];    /* struct kube_container */
extern const struct kschema_field kube_volume_fields[];       /* struct kube_volume */
extern const struct kschema_field kube_seccomp_fields[];      /* struct kube_seccomp */
extern const struct kschema_field kube_liveness_probe_fields[]; /* struct kube_probe */
extern const struct kschema_field kube_readiness_probe_fields[];
extern const struct kschema_field kube_lifecycle_fields[];    /* struct kube_lifecycle */
extern const struct kschema_field kube_field_ref_vol_fields[]; /* struct kube_field_ref */
extern const struct kschema_field kube_resource_ref_vol_fields[]; /* kube_resource_ref */

#endif
