/* NULL-terminated string vectors (argv-like).  A NULL vector is "unset",
 * distinct from an empty one ({ NULL }). */
#ifndef PEA_STRV_H
#define PEA_STRV_H

#include <stddef.h>

size_t strv_len(char *const *v);
/* Deep copy; NULL stays NULL. */
char **strv_dup(char *const *v);
/* Append a copy of s (v may point at NULL: it becomes a vector). */
void strv_push(char ***v, const char *s);
/* Index of s in v, or -1. */
int strv_find(char *const *v, const char *s);
void strv_free(char **v);

#endif
