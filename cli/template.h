/* The Go text/template subset behind --format (see cli/format.h for the
 * language): a syntax tree, its parser and its evaluator.  Internal to cli/:
 * only cli/format.c, cli/template-*.c and the unit tests include this. */
#ifndef PEA_CLI_TEMPLATE_H
#define PEA_CLI_TEMPLATE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"

enum arg_kind { A_DOT, A_FIELD, A_VAR, A_STR, A_INT, A_FLOAT, A_BOOL, A_NIL, A_FUNC, A_PIPE };

struct tpipe;

struct targ {
	enum arg_kind kind;
	char *text;        /* source text, for messages */
	char *name;        /* A_VAR name ("" for $), A_FUNC name, A_STR value */
	char **fields;     /* A_FIELD / A_VAR chain */
	size_t nfields;
	int64_t i;
	double d;
	struct tpipe *sub; /* A_PIPE */
};

struct tcmd {
	struct targ *args;
	size_t n, alloc;
};

struct tpipe {
	struct tcmd *cmds;
	size_t n, alloc;
	char *decl[2];     /* "$k, $v :=" / "$v :=" declarations (names without $) */
	size_t ndecl;
};

enum node_kind { N_TEXT, N_ACTION, N_IF, N_RANGE, N_WITH };

struct tlist {
	struct tnode **v;
	size_t n, alloc;
};

struct tnode {
	enum node_kind kind;
	char *text;
	struct tpipe *pipe;
	struct tlist body, alt;
};

/* Parse `src` into root (zeroed by the caller).  Returns 0, or -1 with *err
 * set (kind PEA_E_INVALID); root must be released with tmpl_list_free()
 * either way. */
int tmpl_parse(const char *src, struct tlist *root, struct pea_err **err);
/* Free the nodes of a list (not the list itself). */
void tmpl_list_free(struct tlist *l);

/* Execute a parsed template with `dot` as {{.}} and {{$}}, appending to out
 * (see fmt_template_exec()).  Returns 0, or -1 with *err set; out may hold
 * partial output on error.  No reference to dot is kept. */
int tmpl_exec(struct strbuf *out, const struct tlist *t, struct json_object *dot,
	      bool header, const char *const *headers, struct pea_err **err);

/* A JSON scalar (or compact JSON of anything else) as Go's encoding/json
 * writes it: integral doubles as integers, '/' not escaped. */
void tmpl_json_scalar(struct strbuf *sb, struct json_object *v);

#endif
