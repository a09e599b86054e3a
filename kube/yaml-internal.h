/* Shared between kube/yaml.c, yaml-scalar.c and yaml-read.c; not for other
 * modules. */
#ifndef PEA_KUBE_YAML_INTERNAL_H
#define PEA_KUBE_YAML_INTERNAL_H

#include <stdarg.h>
#include <yaml.h>

#include "kube/yaml.h"

/* Set n->style, n->type (and n->b/i/big/f) from a scalar event: plain or
 * core-tagged scalars resolve as go-yaml v2 does, the rest are strings.
 * n->text/len must be set.  (yaml-scalar.c) */
void kyaml_resolve_scalar(struct kyaml_node *n, const yaml_event_t *ev);

/* "FILE:LINE:COL: PATH: MESSAGE" as kyaml_msg, from a va_list; a new string.
 * (yaml-read.c) */
char *kyaml_vmsg(const char *file, const struct kyaml_node *at, const char *path,
		 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

#endif
