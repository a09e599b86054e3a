/* kube_map: map[string]string and map[string][]byte of decoded objects, as
 * parallel vectors in document order (see kube/kube.h). */
#include "kube/kube.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

int kube_map_find(const struct kube_map *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->keys[i], key))
			return (int)i;
	return -1;
}

const char *kube_map_get(const struct kube_map *m, const char *key)
{
	int i = kube_map_find(m, key);

	return i < 0 ? NULL : m->values[i];
}

void kube_map_set(struct kube_map *m, const char *key, const char *value, size_t len)
{
	int i = kube_map_find(m, key);
	char *v = xmalloc(len + 1);

	memcpy(v, value, len);
	v[len] = '\0';
	if (i >= 0) {
		free(m->values[i]);
		m->values[i] = v;
		m->lens[i] = len;
		return;
	}
	m->keys = xrealloc(m->keys, (m->n + 2) * sizeof(*m->keys));
	m->values = xrealloc(m->values, (m->n + 2) * sizeof(*m->values));
	m->lens = xrealloc(m->lens, (m->n + 1) * sizeof(*m->lens));
	m->keys[m->n] = xstrdup(key);
	m->values[m->n] = v;
	m->lens[m->n] = len;
	m->n++;
	m->keys[m->n] = NULL;
	m->values[m->n] = NULL;
}

void kube_map_release(struct kube_map *m)
{
	strv_free(m->keys);
	strv_free(m->values);
	free(m->lens);
	memset(m, 0, sizeof(*m));
}
