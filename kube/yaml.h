/* The YAML reading layer of `kube play`: a multi-document YAML stream from a
 * buffer into a tree of nodes, read the way Kubernetes reads it
 * (sigs.k8s.io/yaml over go-yaml v2, itself a port of libyaml):
 *
 *  - plain scalars resolve with YAML 1.1 rules: `~`/`null`/empty are null,
 *    `yes`/`on`/`y`/`true` (and their capitalisations) are booleans, `0644` is
 *    the octal integer 420, `0x1F`, `0o17`, `0b101`, `1_000` are integers,
 *    `1.5`, `.inf`, `.nan` are floats; quoted and block scalars are strings;
 *  - anchors and aliases are resolved (an alias shares the anchored subtree),
 *    `<<` merge keys merge mappings (keys written in the mapping win, then
 *    earlier merge sources over later ones);
 *  - duplicate keys and tab indentation are errors, as in Kubernetes' strict
 *    decoding;
 *  - empty documents (`---` alone, or a bare `null`) are skipped.
 *
 * Every error is kind PEA_E_INVALID and names "FILE:LINE:COL: ...".  The
 * parser forks nothing, touches no files and is safe on hostile input: alias
 * expansion is capped (KYAML_MAX_NODES) and so is nesting (KYAML_MAX_DEPTH).
 */
#ifndef PEA_KUBE_YAML_H
#define PEA_KUBE_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"

/* Limits on hostile input. */
#define KYAML_MAX_NODES 1000000 /* nodes in a stream, aliases expanded */
#define KYAML_MAX_DEPTH 1000    /* nesting of collections, aliases included */

enum kyaml_kind { KYAML_SCALAR, KYAML_SEQUENCE, KYAML_MAPPING };

enum kyaml_style {
	KYAML_PLAIN,
	KYAML_QUOTED,   /* 'single' or "double" */
	KYAML_BLOCK,    /* | literal or > folded */
};

/* What a scalar resolves to (Kubernetes sees it as that JSON type). */
enum kyaml_type { KYAML_NULL, KYAML_BOOL, KYAML_INT, KYAML_FLOAT, KYAML_STR };

struct kyaml_node;

struct kyaml_pair {
	struct kyaml_node *key;
	struct kyaml_node *value;
};

/* A node.  Nodes are shared when an alias refers to them: treat the tree as
 * read-only.  line/col are 1-based and point at the node's first character
 * (for an alias: at the anchored node); doc is the 0-based index of the
 * document in the stream (skipped empty documents count). */
struct kyaml_node {
	enum kyaml_kind kind;
	int line, col, doc;

	/* KYAML_SCALAR: text is NUL terminated (len excludes the NUL; text may
	 * hold NULs from "\0" escapes). */
	char *text;
	size_t len;
	enum kyaml_style style;
	enum kyaml_type type;
	bool b;        /* KYAML_BOOL */
	int64_t i;     /* KYAML_INT */
	bool big;      /* KYAML_INT above INT64_MAX (fits uint64): i is unusable */
	double f;      /* KYAML_FLOAT */

	/* KYAML_MAPPING: pairs in document order, merge keys already applied. */
	struct kyaml_pair *pairs;
	size_t npairs;
	/* KYAML_SEQUENCE */
	struct kyaml_node **items;
	size_t nitems;

	/* private */
	unsigned refs;
	size_t weight, height;
};

struct kyaml_doc {
	struct kyaml_node *root; /* never NULL */
	int index;               /* document index in the stream, 0-based */
	int line;                /* 1-based line where the document starts */
};

/* Parse buf[0..len) (need not be NUL terminated).  `file` names the input in
 * messages.  On success *docs is a new array of *n non-empty documents (may be
 * 0 documents; free with kyaml_docs_free) and 0 is returned.  On failure
 * returns -1 with *err set (PEA_E_INVALID, "FILE:LINE:COL: message"). */
int kyaml_parse(const char *file, const char *buf, size_t len, struct kyaml_doc **docs,
		size_t *n, struct pea_err **err);
void kyaml_docs_free(struct kyaml_doc *docs, size_t n);

/* The value under `key` in a mapping, or NULL if absent or `map` is not a
 * mapping.  Keys compare as Kubernetes' JSON keys (see kyaml_key_string). */
const struct kyaml_node *kyaml_get(const struct kyaml_node *map, const char *key);

/* The JSON object key sigs.k8s.io/yaml makes of a scalar key: strings as is,
 * booleans "true"/"false", integers in decimal (`0644:` is "420"), null
 * "null", floats as written.  Returns NULL for a collection.  The result is
 * `buf` or the node's text. */
const char *kyaml_key_string(const struct kyaml_node *key, char *buf, size_t size);

/* Typed reads: true and *out set when the node is a scalar of that type.
 * kyaml_as_int also takes a float with an integral value in range (Kubernetes
 * reads `5.0` into an integer field through JSON). */
bool kyaml_as_bool(const struct kyaml_node *node, bool *out);
bool kyaml_as_int(const struct kyaml_node *node, int64_t *out);
/* The text of a scalar whatever its type, NULL for collections. */
const char *kyaml_str(const struct kyaml_node *node);
/* The text of a scalar that resolved to a string, NULL otherwise. */
const char *kyaml_as_str(const struct kyaml_node *node);
bool kyaml_is_null(const struct kyaml_node *node);
/* "string", "integer", "boolean", "null", "number", "object", "array". */
const char *kyaml_type_name(const struct kyaml_node *node);

/* Messages located in the input: "FILE:LINE:COL: PATH: MESSAGE".  `at` may be
 * NULL (no line:col), `path` NULL or "" (no path).  kyaml_msg returns a new
 * string (for warnings); kyaml_error sets *err (PEA_E_INVALID) and returns -1. */
char *kyaml_msg(const char *file, const struct kyaml_node *at, const char *path,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int kyaml_error(struct pea_err **err, const char *file, const struct kyaml_node *at,
		const char *path, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A field path as Kubernetes prints it: `spec.containers[1].ports[0].hostPort`,
 * `metadata.labels[app]`.  Embedded (kyaml_path_init/kyaml_path_release). */
struct kyaml_path {
	struct strbuf sb;
	size_t *marks; /* sb.len before each component */
	size_t n, alloc;
};

void kyaml_path_init(struct kyaml_path *p);
void kyaml_path_release(struct kyaml_path *p);
void kyaml_path_push_key(struct kyaml_path *p, const char *field);  /* .field */
void kyaml_path_push_index(struct kyaml_path *p, size_t index);    /* [index] */
void kyaml_path_push_mapkey(struct kyaml_path *p, const char *key); /* [key] */
void kyaml_path_pop(struct kyaml_path *p);
/* The path so far ("" when empty); valid until the next change. */
const char *kyaml_path_str(const struct kyaml_path *p);

#endif
