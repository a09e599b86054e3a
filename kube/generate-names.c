/* Names Kubernetes accepts, notes, and text for fields the kubelet expands.
 *
 * Containers, volumes, ports and label values are DNS-1123 labels
 * (lowercase letters, digits and '-', starting and ending with a letter or
 * digit, at most 63 characters); pod names are subdomains ('.' too) but
 * are also the `app` label's value, so they keep to 63 as well. */
#include "kube/generate-internal.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

#define NAME_MAX_LEN 63

void kgen_note(struct kgen *g, const char *fmt, ...)
{
	va_list ap;
	char *m;

	if (!g->notes)
		return;
	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	if (strv_find(*g->notes, m) < 0)
		strv_push(g->notes, m);
	free(m);
}

static bool keep(char c, bool subdomain)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       (subdomain && c == '.');
}

char *kgen_name_quiet(const char *s, bool subdomain, const char *fallback)
{
	char *out = xstrdup(s ? s : ""), *p = out, *q;
	size_t n;

	for (q = out; *q; q++) {
		char c = (char)tolower((unsigned char)*q);

		*q = keep(c, subdomain) ? c : '-';
	}
	/* start and end with a letter or digit */
	while (*p == '-' || *p == '.')
		p++;
	n = strlen(p);
	if (n > NAME_MAX_LEN)
		n = NAME_MAX_LEN;
	while (n && (p[n - 1] == '-' || p[n - 1] == '.'))
		n--;
	memmove(out, p, n);
	out[n] = '\0';
	if (!n) {
		free(out);
		out = xstrdup(fallback);
	}
	return out;
}

char *kgen_name(struct kgen *g, const char *what, const char *s, bool subdomain,
		const char *fallback)
{
	char *out = kgen_name_quiet(s, subdomain, fallback);

	if (strcmp(out, s ? s : ""))
		kgen_note(g, "%s name \"%s\" changed to \"%s\"", what, s ? s : "", out);
	return out;
}

char *kgen_unique(char *const *taken, const char *base)
{
	char *name = xstrdup(base);
	int i;

	for (i = 2; strv_find(taken, name) >= 0; i++) {
		char suffix[16];
		size_t keep_len, sl;

		free(name);
		snprintf(suffix, sizeof(suffix), "-%d", i);
		sl = strlen(suffix);
		keep_len = strlen(base);
		if (keep_len + sl > NAME_MAX_LEN)
			keep_len = NAME_MAX_LEN - sl;
		name = xasprintf("%.*s%s", (int)keep_len, base, suffix);
	}
	return name;
}

char *kgen_escape_expand(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s; s++) {
		if (*s == '$' && (s[1] == '(' || s[1] == '$'))
			strbuf_addch(&sb, '$');
		strbuf_addch(&sb, *s);
	}
	return strbuf_detach(&sb, NULL);
}
