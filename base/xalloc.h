/* Allocation helpers that never return NULL: out of memory aborts, as in git.
 * Every returned pointer is owned by the caller and freed with free(). */
#ifndef PEA_XALLOC_H
#define PEA_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array to hold at least `need` elements of `size` bytes. */
void *xgrow(void *p, size_t *alloc, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Take ownership out of a cleanup variable: `*out = steal_ptr(p);` */
#define steal_ptr(p) ({ __typeof__(p) _tmp = (p); (p) = NULL; _tmp; })

#define ALLOC_GROW(arr, need, alloc) \
	((arr) = xgrow((arr), &(alloc), (need), sizeof(*(arr))))

#endif
