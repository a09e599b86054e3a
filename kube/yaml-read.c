/* Reading kyaml_node trees: lookups, typed accessors, located messages and
 * Kubernetes-style field paths. */
#include "kube/yaml.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "kube/yaml-internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/* ---- messages ---- */

char *kyaml_vmsg(const char *file, const struct kyaml_node *at, const char *path,
		 const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, file ? file : "<input>");
	if (at)
		strbuf_addf(&sb, ":%d:%d", at->line, at->col);
	strbuf_addstr(&sb, ": ");
	if (path && *path)
		strbuf_addf(&sb, "%s: ", path);
	strbuf_vaddf(&sb, fmt, ap);
	return strbuf_detach(&sb, NULL);
}

char *kyaml_msg(const char *file, const struct kyaml_node *at, const char *path,
		const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = kyaml_vmsg(file, at, path, fmt, ap);
	va_end(ap);
	return m;
}

int kyaml_error(struct pea_err **err, const char *file, const struct kyaml_node *at,
		const char *path, const char *fmt, ...)
{
	cleanup_free char *m = NULL;
	va_list ap;

	va_start(ap, fmt);
	m = kyaml_vmsg(file, at, path, fmt, ap);
	va_end(ap);
	return pea_err_setk(err, PEA_E_INVALID, 0, "%s", m);
}

/* ---- reading the tree ---- */

const char *kyaml_key_string(const struct kyaml_node *key, char *buf, size_t size)
{
	if (!key || key->kind != KYAML_SCALAR)
		return NULL;
	switch (key->type) {
	case KYAML_NULL:
		return "null";
	case KYAML_BOOL:
		return key->b ? "true" : "false";
	case KYAML_INT:
		if (key->big)
			return key->text;
		snprintf(buf, size, "%lld", (long long)key->i);
		return buf;
	default:
		return key->text;
	}
}

const struct kyaml_node *kyaml_get(const struct kyaml_node *map, const char *key)
{
	char buf[32];
	size_t i;

	if (!map || map->kind != KYAML_MAPPING)
		return NULL;
	for (i = 0; i < map->npairs; i++) {
		const char *k = kyaml_key_string(map->pairs[i].key, buf, sizeof(buf));

		if (k && !strcmp(k, key))
			return map->pairs[i].value;
	}
	return NULL;
}

bool kyaml_as_bool(const struct kyaml_node *node, bool *out)
{
	if (!node || node->kind != KYAML_SCALAR || node->type != KYAML_BOOL)
		return false;
	*out = node->b;
	return true;
}

bool kyaml_as_int(const struct kyaml_node *node, int64_t *out)
{
	if (!node || node->kind != KYAML_SCALAR)
		return false;
	if (node->type == KYAML_INT && !node->big) {
		*out = node->i;
		return true;
	}
	if (node->type == KYAML_FLOAT && isfinite(node->f) && node->f == floor(node->f) &&
	    node->f >= -9223372036854775808.0 && node->f < 9223372036854775808.0) {
		*out = (int64_t)node->f;
		return true;
	}
	return false;
}

const char *kyaml_str(const struct kyaml_node *node)
{
	return node && node->kind == KYAML_SCALAR ? node->text : NULL;
}

const char *kyaml_as_str(const struct kyaml_node *node)
{
	return node && node->kind == KYAML_SCALAR && node->type == KYAML_STR ? node->text
									      : NULL;
}

bool kyaml_is_null(const struct kyaml_node *node)
{
	return node && node->kind == KYAML_SCALAR && node->type == KYAML_NULL;
}

const char *kyaml_type_name(const struct kyaml_node *node)
{
	static const char *const names[] = { "null", "boolean", "integer", "number", "string" };

	if (!node)
		return "null";
	if (node->kind == KYAML_MAPPING)
		return "object";
	if (node->kind == KYAML_SEQUENCE)
		return "array";
	return names[node->type];
}

/* ---- field paths ---- */

void kyaml_path_init(struct kyaml_path *p)
{
	strbuf_init(&p->sb, 0);
	p->marks = NULL;
	p->n = p->alloc = 0;
}

void kyaml_path_release(struct kyaml_path *p)
{
	strbuf_release(&p->sb);
	free(p->marks);
	kyaml_path_init(p);
}

static void path_mark(struct kyaml_path *p)
{
	ALLOC_GROW(p->marks, p->n + 1, p->alloc);
	p->marks[p->n++] = p->sb.len;
}

void kyaml_path_push_key(struct kyaml_path *p, const char *field)
{
	path_mark(p);
	if (p->sb.len)
		strbuf_addch(&p->sb, '.');
	strbuf_addstr(&p->sb, field);
}

void kyaml_path_push_index(struct kyaml_path *p, size_t index)
{
	path_mark(p);
	strbuf_addf(&p->sb, "[%zu]", index);
}

void kyaml_path_push_mapkey(struct kyaml_path *p, const char *key)
{
	path_mark(p);
	strbuf_addf(&p->sb, "[%s]", key);
}

void kyaml_path_pop(struct kyaml_path *p)
{
	if (p->n)
		strbuf_setlen(&p->sb, p->marks[--p->n]);
}

const char *kyaml_path_str(const struct kyaml_path *p)
{
	return p->sb.buf;
}
