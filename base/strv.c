#include "base/strv.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

char **strv_dup(char *const *v)
{
	size_t n = strv_len(v), i;
	char **r;

	if (!v)
		return NULL;
	r = xcalloc(n + 1, sizeof(*r));
	for (i = 0; i < n; i++)
		r[i] = xstrdup(v[i]);
	return r;
}

void strv_push(char ***v, const char *s)
{
	size_t n = strv_len(*v);

	*v = xrealloc(*v, (n + 2) * sizeof(**v));
	(*v)[n] = xstrdup(s);
	(*v)[n + 1] = NULL;
}

int strv_find(char *const *v, const char *s)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return (int)i;
	return -1;
}

void strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
