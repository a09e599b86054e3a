/* $(VAR) expansion as the kubelet does it for env values, command, args and
 * subPathExpr (k8s.io/kubernetes third_party/forked/golang/expansion):
 *
 *   "$$"       -> "$"
 *   "$(NAME)"  -> lookup(NAME), or "$(NAME)" itself when lookup gives NULL
 *                 (NAME is everything up to the first ')', even "" or "$(")
 *   "$(" with no ')' after it -> kept, and scanning goes on after the "("
 *   "$" before any other character, or at the end -> kept */
#include "kube/plan.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <string.h>

#include "base/banned.h"

char *kube_expand(const char *in, const char *(*lookup)(void *arg, const char *name),
		  void *arg)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = in, *close;

	while (*p) {
		const char *dollar = strchr(p, '$');

		if (!dollar || !dollar[1]) {
			strbuf_addstr(&sb, p);
			break;
		}
		strbuf_add(&sb, p, (size_t)(dollar - p));
		p = dollar + 1;
		if (*p == '$') {
			strbuf_addch(&sb, '$');
			p++;
		} else if (*p == '(' && (close = strchr(p + 1, ')'))) {
			char *name = xstrndup(p + 1, (size_t)(close - p - 1));
			const char *v = lookup ? lookup(arg, name) : NULL;

			if (v)
				strbuf_addstr(&sb, v);
			else
				strbuf_addf(&sb, "$(%s)", name);
			free(name);
			p = close + 1;
		} else {
			/* "$(" unterminated, or "$x": both characters stay */
			strbuf_addch(&sb, '$');
			strbuf_addch(&sb, *p);
			p++;
		}
	}
	return strbuf_detach(&sb, NULL);
}
