/* The tree `kube generate` builds its objects in: maps that keep the order
 * their keys were put in (so each object's key order is written down once,
 * where it is built), sequences and scalars. */
#include "kube/generate-internal.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "base/banned.h"

static struct kgen_node *node(enum kgen_type t)
{
	struct kgen_node *n = xcalloc(1, sizeof(*n));

	n->type = t;
	return n;
}

struct kgen_node *kgen_map(void)
{
	return node(KGEN_MAP);
}

struct kgen_node *kgen_seq(void)
{
	return node(KGEN_SEQ);
}

struct kgen_node *kgen_str(const char *s)
{
	struct kgen_node *n = node(KGEN_STR);

	n->str = xstrdup(s ? s : "");
	return n;
}

struct kgen_node *kgen_int(int64_t v)
{
	struct kgen_node *n = node(KGEN_INT);

	n->i = v;
	return n;
}

struct kgen_node *kgen_bool(bool v)
{
	struct kgen_node *n = node(KGEN_BOOL);

	n->b = v;
	return n;
}

void kgen_free(struct kgen_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->keys)
			free(n->keys[i]);
		kgen_free(n->items[i]);
	}
	free(n->keys);
	free(n->items);
	free(n->str);
	free(n);
}

static ssize_t find(const struct kgen_node *map, const char *key)
{
	size_t i;

	if (!map || map->type != KGEN_MAP)
		return -1;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key))
			return (ssize_t)i;
	return -1;
}

static void append(struct kgen_node *n, const char *key, struct kgen_node *v)
{
	ALLOC_GROW(n->items, n->n + 1, n->alloc);
	if (key) {
		n->keys = xrealloc(n->keys, n->alloc * sizeof(*n->keys));
		n->keys[n->n] = xstrdup(key);
	}
	n->items[n->n++] = v;
}

void kgen_put(struct kgen_node *map, const char *key, struct kgen_node *v)
{
	ssize_t i;

	if (!v)
		return;
	i = find(map, key);
	if (i >= 0) {
		kgen_free(map->items[i]);
		map->items[i] = v;
		return;
	}
	append(map, key, v);
}

void kgen_put_nonempty(struct kgen_node *map, const char *key, struct kgen_node *v)
{
	if (v && (v->type == KGEN_MAP || v->type == KGEN_SEQ) && !v->n) {
		kgen_free(v);
		return;
	}
	kgen_put(map, key, v);
}

void kgen_put_str(struct kgen_node *map, const char *key, const char *s)
{
	if (s)
		kgen_put(map, key, kgen_str(s));
}

void kgen_push(struct kgen_node *seq, struct kgen_node *v)
{
	if (v)
		append(seq, NULL, v);
}

struct kgen_node *kgen_get(const struct kgen_node *map, const char *key)
{
	ssize_t i = find(map, key);

	return i < 0 ? NULL : map->items[i];
}

const char *kgen_get_str(const struct kgen_node *map, const char *key)
{
	const struct kgen_node *v = kgen_get(map, key);

	return v && v->type == KGEN_STR ? v->str : NULL;
}

struct kgen_node *kgen_take(struct kgen_node *map, const char *key)
{
	ssize_t i = find(map, key);
	struct kgen_node *v;

	if (i < 0)
		return NULL;
	v = map->items[i];
	free(map->keys[i]);
	memmove(&map->keys[i], &map->keys[i + 1], (map->n - (size_t)i - 1) * sizeof(char *));
	memmove(&map->items[i], &map->items[i + 1],
		(map->n - (size_t)i - 1) * sizeof(struct kgen_node *));
	map->n--;
	return v;
}

void kgen_del(struct kgen_node *map, const char *key)
{
	kgen_free(kgen_take(map, key));
}

void kgen_sort(struct kgen_node *map)
{
	size_t i, j;

	if (!map || map->type != KGEN_MAP)
		return;
	/* insertion sort: maps are small, and it is stable */
	for (i = 1; i < map->n; i++) {
		char *k = map->keys[i];
		struct kgen_node *v = map->items[i];

		for (j = i; j > 0 && strcmp(map->keys[j - 1], k) > 0; j--) {
			map->keys[j] = map->keys[j - 1];
			map->items[j] = map->items[j - 1];
		}
		map->keys[j] = k;
		map->items[j] = v;
	}
}

void kgen_order(struct kgen_node *map, const char *const *keys)
{
	size_t at = 0, i;
	ssize_t j;

	for (i = 0; map && map->type == KGEN_MAP && keys[i]; i++) {
		char *k;
		struct kgen_node *v;

		j = find(map, keys[i]);
		if (j < 0)
			continue;
		k = map->keys[j];
		v = map->items[j];
		memmove(&map->keys[at + 1], &map->keys[at], ((size_t)j - at) * sizeof(char *));
		memmove(&map->items[at + 1], &map->items[at], ((size_t)j - at) * sizeof(v));
		map->keys[at] = k;
		map->items[at] = v;
		at++;
	}
}

struct kgen_node *kgen_strv(char *const *v)
{
	struct kgen_node *s = kgen_seq();

	for (; v && *v; v++)
		kgen_push(s, kgen_str(*v));
	return s;
}

struct kgen_node *kgen_kv_map(char *const *v)
{
	struct kgen_node *m = kgen_map();

	for (; v && *v; v++) {
		const char *eq = strchr(*v, '=');
		char *k = eq ? xstrndup(*v, (size_t)(eq - *v)) : xstrdup(*v);

		kgen_put(m, k, kgen_str(eq ? eq + 1 : ""));
		free(k);
	}
	if (!m->n) {
		kgen_free(m);
		return NULL;
	}
	kgen_sort(m);
	return m;
}

struct kgen_node *kgen_copy(const struct kgen_node *n)
{
	struct kgen_node *c;
	size_t i;

	if (!n)
		return NULL;
	c = node(n->type);
	c->str = n->str ? xstrdup(n->str) : NULL;
	c->i = n->i;
	c->b = n->b;
	for (i = 0; i < n->n; i++)
		append(c, n->keys ? n->keys[i] : NULL, kgen_copy(n->items[i]));
	return c;
}

bool kgen_equal(const struct kgen_node *a, const struct kgen_node *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->type != b->type || a->n != b->n || a->i != b->i || a->b != b->b)
		return false;
	if ((a->str || b->str) && (!a->str || !b->str || strcmp(a->str, b->str)))
		return false;
	for (i = 0; i < a->n; i++) {
		if (a->type == KGEN_MAP && strcmp(a->keys[i], b->keys[i]))
			return false;
		if (!kgen_equal(a->items[i], b->items[i]))
			return false;
	}
	return true;
}

struct kgen_node *kgen_from_json(struct json_object *o)
{
	struct kgen_node *n;
	size_t i;

	if (!o)
		return NULL;
	switch (json_object_get_type(o)) {
	case json_type_object:
		n = kgen_map();
		json_object_object_foreach(o, k, v)
			kgen_put(n, k, kgen_from_json(v));
		return n;
	case json_type_array:
		n = kgen_seq();
		for (i = 0; i < json_object_array_length(o); i++)
			kgen_push(n, kgen_from_json(json_object_array_get_idx(o, i)));
		return n;
	case json_type_boolean:
		return kgen_bool(json_object_get_boolean(o));
	case json_type_int:
		return kgen_int(json_object_get_int64(o));
	case json_type_string:
		return kgen_str(json_object_get_string(o));
	case json_type_double:
		return kgen_str(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	default:
		return NULL;
	}
}
