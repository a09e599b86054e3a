/* The table-driven decoder of Kubernetes objects (see kube/schema.h): the
 * decoding context with its errors and warnings, the walk of a mapping over a
 * table, and the matching free. */
#include "kube/schema.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/* ---- context ---- */

void kschema_ctx_init(struct kschema_ctx *c, const char *file)
{
	c->file = file;
	kyaml_path_init(&c->path);
	c->warnings = NULL;
	strbuf_init(&c->errors, 0);
	c->nerrors = 0;
}

void kschema_ctx_release(struct kschema_ctx *c)
{
	kyaml_path_release(&c->path);
	strv_free(c->warnings);
	c->warnings = NULL;
	strbuf_release(&c->errors);
	c->nerrors = 0;
}

bool kschema_full(const struct kschema_ctx *c)
{
	return c->nerrors >= KSCHEMA_MAX_ERRORS;
}

static void __attribute__((format(printf, 3, 0)))
vfail(struct kschema_ctx *c, const struct kyaml_node *at, const char *fmt, va_list ap)
{
	cleanup_free char *text = NULL, *m = NULL;

	if (kschema_full(c))
		return;
	text = xvasprintf(fmt, ap);
	m = kyaml_msg(c->file, at, kyaml_path_str(&c->path), "%s", text);
	if (c->errors.len)
		strbuf_addch(&c->errors, '\n');
	strbuf_addstr(&c->errors, m);
	c->nerrors++;
}

void kschema_fail(struct kschema_ctx *c, const struct kyaml_node *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, at, fmt, ap);
	va_end(ap);
}

void kschema_warn(struct kschema_ctx *c, const struct kyaml_node *at, const char *fmt, ...)
{
	cleanup_free char *text = NULL, *m = NULL;
	va_list ap;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	m = kyaml_msg(c->file, at, kyaml_path_str(&c->path), "%s", text);
	strv_push(&c->warnings, m);
}

int kschema_fail_key(struct kschema_ctx *c, const struct kyaml_node *map, const char *key,
		     const char *fmt, ...)
{
	const struct kyaml_node *at = kyaml_get(map, key);
	va_list ap;

	kyaml_path_push_key(&c->path, key);
	va_start(ap, fmt);
	vfail(c, at ? at : map, fmt, ap);
	va_end(ap);
	kyaml_path_pop(&c->path);
	return -1;
}

const struct kyaml_node *kschema_enter(struct kschema_ctx *c, const struct kyaml_node *map,
				       const char *key)
{
	kyaml_path_push_key(&c->path, key);
	return kyaml_get(map, key);
}

const struct kyaml_node *kschema_enter_index(struct kschema_ctx *c,
					     const struct kyaml_node *seq, size_t i)
{
	kyaml_path_push_index(&c->path, i);
	if (!seq || seq->kind != KYAML_SEQUENCE || i >= seq->nitems)
		return NULL;
	return seq->items[i];
}

void kschema_leave(struct kschema_ctx *c, int steps)
{
	while (steps-- > 0)
		kyaml_path_pop(&c->path);
}

bool kschema_has_key(const struct kyaml_node *map, const char *key)
{
	const struct kyaml_node *v = kyaml_get(map, key);

	return v && !kyaml_is_null(v);
}

size_t kschema_oneof_count(const struct kschema_field *table, const struct kyaml_node *map)
{
	size_t n = 0;

	for (; table->name; table++)
		if (table->oneof && kschema_has_key(map, table->name))
			n++;
	return n;
}

int kschema_finish(struct kschema_ctx *c, char ***warnings, struct pea_err **err)
{
	size_t i;

	for (i = 0; warnings && c->warnings && c->warnings[i]; i++)
		strv_push(warnings, c->warnings[i]);
	if (!c->nerrors)
		return 0;
	if (kschema_full(c))
		strbuf_addstr(&c->errors, "\ntoo many errors");
	return pea_err_setk(err, PEA_E_INVALID, 0, "%s", c->errors.buf);
}

/* ---- decoding ---- */

static void *field_ptr(void *obj, const struct kschema_field *f)
{
	return (char *)obj + f->off;
}

static size_t *count_ptr(void *obj, const struct kschema_field *f)
{
	return (size_t *)((char *)obj + f->count_off);
}

static void type_error(struct kschema_ctx *c, const struct kyaml_node *n, const char *want)
{
	kschema_fail(c, n, "expected %s, got %s", want, kyaml_type_name(n));
}

/* Run a check; 0, or -1 with its message recorded at n. */
static int run_check(struct kschema_ctx *c, kschema_check_fn check, const void *value,
		     const struct kyaml_node *n)
{
	cleanup_free char *msg = check ? check(value) : NULL;

	if (!msg)
		return 0;
	kschema_fail(c, n, "%s", msg);
	return -1;
}

static int decode_int(struct kschema_ctx *c, enum kschema_type type,
		      const struct kyaml_node *n, void *dst)
{
	int64_t v;

	if (!kyaml_as_int(n, &v)) {
		if (n->kind == KYAML_SCALAR && (n->type == KYAML_INT || n->type == KYAML_FLOAT))
			kschema_fail(c, n, "invalid value %s: out of range", n->text);
		else
			type_error(c, n, "integer");
		return -1;
	}
	if (type == KSCHEMA_INT64) {
		*(int64_t *)dst = v;
		return 0;
	}
	if (v < INT32_MIN || v > INT32_MAX) {
		kschema_fail(c, n, "invalid value %s: out of range for a 32-bit integer", n->text);
		return -1;
	}
	*(int32_t *)dst = (int32_t)v;
	return 0;
}

/* A quantity as its text (integers in decimal, as JSON would carry them);
 * NULL after recording an error. */
static char *decode_quantity(struct kschema_ctx *c, const struct kyaml_node *n)
{
	cleanup_free char *q = NULL, *msg = NULL;

	if (kyaml_is_null(n))
		return xstrdup("0");
	if (n->kind != KYAML_SCALAR ||
	    (n->type != KYAML_STR && n->type != KYAML_INT && n->type != KYAML_FLOAT)) {
		type_error(c, n, "quantity (string or number)");
		return NULL;
	}
	if (n->type == KYAML_INT && !n->big)
		q = xasprintf("%" PRId64, n->i);
	else
		q = xstrdup(n->text);
	if ((msg = kschema_quantity_msg(q))) {
		kschema_fail(c, n, "%s", msg);
		return NULL;
	}
	return steal_ptr(q);
}

static int decode_list(struct kschema_ctx *c, const struct kschema_field *f,
		       const struct kyaml_node *n, void *obj)
{
	void *dst = field_ptr(obj, f);
	size_t i;
	int ret = 0;

	if (n->kind != KYAML_SEQUENCE) {
		type_error(c, n, "array");
		return -1;
	}
	if (f->type == KSCHEMA_STRLIST)
		*(char ***)dst = xcalloc(n->nitems + 1, sizeof(char *));
	else
		*(int64_t **)dst = xcalloc(n->nitems ? n->nitems : 1, sizeof(int64_t));
	for (i = 0; i < n->nitems; i++) {
		const struct kyaml_node *item = n->items[i];
		const char *s = kyaml_as_str(item);
		void *elem;

		kyaml_path_push_index(&c->path, i);
		if (f->type == KSCHEMA_STRLIST) {
			/* keep the vector dense: an empty string where an error was */
			elem = &(*(char ***)dst)[i];
			*(char **)elem = xstrdup(s ? s : "");
			if (!s) {
				type_error(c, item, "string");
				ret = -1;
			} else if (run_check(c, f->check, elem, item) < 0) {
				ret = -1;
			}
		} else {
			elem = &(*(int64_t **)dst)[i];
			if (decode_int(c, KSCHEMA_INT64, item, elem) < 0 ||
			    run_check(c, f->check, elem, item) < 0)
				ret = -1;
			(*count_ptr(obj, f))++;
		}
		kyaml_path_pop(&c->path);
	}
	return ret;
}

static int decode_map_value(struct kschema_ctx *c, const struct kschema_field *f,
			    const struct kyaml_node *v, const char *key, struct kube_map *m)
{
	cleanup_free char *bytes = NULL;
	const char *s = kyaml_is_null(v) ? "" : kyaml_as_str(v);
	size_t len, bad;

	if (f->type == KSCHEMA_QUANTMAP) {
		if (!(bytes = decode_quantity(c, v)))
			return -1;
		kube_map_set(m, key, bytes, strlen(bytes));
		return 0;
	}
	if (!s) {
		type_error(c, v, "string");
		return -1;
	}
	if (f->type == KSCHEMA_STRMAP) {
		kube_map_set(m, key, s, kyaml_is_null(v) ? 0 : v->len);
		return 0;
	}
	bytes = kschema_b64_decode(s, strlen(s), &len, &bad);
	if (!bytes) {
		kschema_fail(c, v, "illegal base64 data at input byte %zu", bad);
		return -1;
	}
	kube_map_set(m, key, bytes, len);
	return 0;
}

static int decode_map(struct kschema_ctx *c, const struct kschema_field *f,
		      const struct kyaml_node *n, struct kube_map *m)
{
	char buf[32];
	size_t i;
	int ret = 0;

	if (n->kind != KYAML_MAPPING) {
		type_error(c, n, "object");
		return -1;
	}
	for (i = 0; i < n->npairs && !kschema_full(c); i++) {
		const struct kyaml_node *k = n->pairs[i].key, *v = n->pairs[i].value;
		const char *key = kyaml_key_string(k, buf, sizeof(buf));

		if (!key) {
			type_error(c, k, "string key");
			ret = -1;
			continue;
		}
		kyaml_path_push_mapkey(&c->path, key);
		if (run_check(c, f->check, &key, k) < 0 ||
		    decode_map_value(c, f, v, key, m) < 0)
			ret = -1;
		kyaml_path_pop(&c->path);
	}
	return ret;
}

static int decode_objlist(struct kschema_ctx *c, const struct kschema_field *f,
			  const struct kyaml_node *n, void *obj)
{
	void **arr = field_ptr(obj, f);
	size_t i;
	int ret = 0;

	if (n->kind != KYAML_SEQUENCE) {
		type_error(c, n, "array");
		return -1;
	}
	*arr = xcalloc(n->nitems ? n->nitems : 1, f->elem_size);
	*count_ptr(obj, f) = n->nitems;
	for (i = 0; i < n->nitems && !kschema_full(c); i++) {
		kyaml_path_push_index(&c->path, i);
		if (kschema_decode(c, f->sub, n->items[i], (char *)*arr + i * f->elem_size) < 0)
			ret = -1;
		kyaml_path_pop(&c->path);
	}
	return ret;
}

static int decode_intstr(struct kschema_ctx *c, const struct kyaml_node *n,
			 struct kube_intstr *is)
{
	if (n->kind == KYAML_SCALAR && n->type == KYAML_STR) {
		is->set = is->is_str = true;
		is->s = xstrdup(n->text);
		return 0;
	}
	if (n->kind == KYAML_SCALAR && n->type == KYAML_INT) {
		if (decode_int(c, KSCHEMA_INT32, n, &is->i) < 0)
			return -1;
		is->set = true;
		return 0;
	}
	type_error(c, n, "integer or string");
	return -1;
}

static int decode_scalar(struct kschema_ctx *c, const struct kschema_field *f,
			 const struct kyaml_node *n, void *dst)
{
	const char *s;
	bool b;

	switch (f->type) {
	case KSCHEMA_STRING:
		if (!(s = kyaml_as_str(n))) {
			type_error(c, n, "string");
			return -1;
		}
		*(char **)dst = xstrdup(s);
		return 0;
	case KSCHEMA_QUANTITY:
		*(char **)dst = decode_quantity(c, n);
		return *(char **)dst ? 0 : -1;
	case KSCHEMA_INTSTR:
		return decode_intstr(c, n, dst);
	default: /* KSCHEMA_BOOL */
		if (!kyaml_as_bool(n, &b)) {
			type_error(c, n, "boolean");
			return -1;
		}
		*(bool *)dst = b;
		return 0;
	}
}

/* Decode one present, non-null value; 0 or -1 (error recorded). */
static int decode_value(struct kschema_ctx *c, const struct kschema_field *f,
			const struct kyaml_node *n, void *obj)
{
	void *dst = field_ptr(obj, f);

	switch (f->type) {
	case KSCHEMA_INT32:
	case KSCHEMA_INT64:
		return decode_int(c, f->type, n, dst);
	case KSCHEMA_STRLIST:
	case KSCHEMA_INT64LIST:
		return decode_list(c, f, n, obj);
	case KSCHEMA_STRMAP:
	case KSCHEMA_BYTESMAP:
	case KSCHEMA_QUANTMAP:
		return decode_map(c, f, n, dst);
	case KSCHEMA_OBJECT:
		return kschema_decode(c, f->sub, n, dst);
	case KSCHEMA_OBJPTR:
		*(void **)dst = xcalloc(1, f->elem_size);
		return kschema_decode(c, f->sub, n, *(void **)dst);
	case KSCHEMA_OBJLIST:
		return decode_objlist(c, f, n, obj);
	case KSCHEMA_KEYNAME:
		if (n->kind != KYAML_MAPPING) {
			type_error(c, n, "object");
			return -1;
		}
		free(*(char **)dst); /* a second source: already an error */
		*(char **)dst = xstrdup(f->name);
		return 0;
	case KSCHEMA_IGNORE:
		return 0;
	default:
		return decode_scalar(c, f, n, dst);
	}
}

static bool value_empty(const struct kschema_field *f, void *obj)
{
	void *dst = field_ptr(obj, f);

	switch (f->type) {
	case KSCHEMA_OBJLIST:
	case KSCHEMA_INT64LIST:
		return *count_ptr(obj, f) == 0;
	case KSCHEMA_STRLIST:
		return strv_len(*(char ***)dst) == 0;
	case KSCHEMA_STRING:
		return !*(char **)dst || !**(char **)dst;
	default:
		return false;
	}
}

static void set_default(const struct kschema_field *f, void *obj)
{
	void *dst = field_ptr(obj, f);

	if (f->type == KSCHEMA_STRING)
		*(char **)dst = xstrdup(f->def);
	else if (f->type == KSCHEMA_INT32)
		*(int32_t *)dst = (int32_t)f->idef;
	else if (f->type == KSCHEMA_INT64)
		*(int64_t *)dst = f->idef;
}

/* After the keys: required fields, defaults, then the validate hooks. */
static int decode_absent(struct kschema_ctx *c, const struct kschema_field *table,
			 const struct kyaml_node *map, void *obj, uint64_t seen,
			 uint64_t failed)
{
	const struct kschema_field *f;
	int ret = 0;

	for (f = table; f->name; f++) {
		uint64_t bit = UINT64_C(1) << (f - table);

		if (failed & bit || f->type == KSCHEMA_POS || f->type == KSCHEMA_VALIDATE)
			continue;
		if (f->flags & KSCHEMA_REQUIRED &&
		    (!(seen & bit) || (f->type != KSCHEMA_IGNORE && value_empty(f, obj)))) {
			const struct kyaml_node *at = seen & bit ? kyaml_get(map, f->name) : map;

			kyaml_path_push_key(&c->path, f->name);
			kschema_fail(c, at, "required value");
			kyaml_path_pop(&c->path);
			ret = -1;
		} else if (!(seen & bit) && f->flags & KSCHEMA_DEFAULT) {
			set_default(f, obj);
		}
	}
	for (f = table; f->name; f++)
		if (f->type == KSCHEMA_VALIDATE && f->validate(c, table, map, obj) < 0)
			ret = -1;
	return ret;
}

static const struct kschema_field *find_field(const struct kschema_field *table,
					      const char *name)
{
	for (; table->name; table++)
		if (table->type != KSCHEMA_POS && table->type != KSCHEMA_VALIDATE &&
		    !strcmp(table->name, name))
			return table;
	return NULL;
}

/* One key of the mapping; sets the seen/failed bits of its field. */
static int decode_pair(struct kschema_ctx *c, const struct kschema_field *table,
		       const struct kyaml_pair *pair, void *obj, uint64_t *seen,
		       uint64_t *failed, bool *oneof_seen)
{
	char buf[32];
	const char *key = kyaml_key_string(pair->key, buf, sizeof(buf));
	const struct kschema_field *f = key ? find_field(table, key) : NULL;
	uint64_t bit;
	int ret = 0;

	if (!f) {
		kschema_warn(c, pair->key, "unknown field \"%s\"", key ? key : "?");
		return 0;
	}
	if (f - table >= 64) { /* a table bug, caught by the unit tests */
		kschema_fail(c, pair->key, "internal error: schema table too large");
		return -1;
	}
	if (kyaml_is_null(pair->value))
		return 0;
	bit = UINT64_C(1) << (f - table);
	*seen |= bit;
	kyaml_path_push_key(&c->path, f->name);
	if (f->flags & KSCHEMA_WARN)
		kschema_warn(c, pair->key, "not supported by peapod, ignored");
	if (f->flags & KSCHEMA_HAS)
		*(bool *)((char *)obj + f->has_off) = true;
	if (f->oneof && *oneof_seen) {
		kschema_fail(c, pair->key, "%s", f->oneof);
		ret = -1;
	}
	*oneof_seen |= f->oneof != NULL;
	if (decode_value(c, f, pair->value, obj) < 0) {
		*failed |= bit;
		ret = -1;
	} else if (f->type <= KSCHEMA_INTSTR && /* lists and maps check each element */
		   run_check(c, f->check, field_ptr(obj, f), pair->value) < 0) {
		*failed |= bit;
		ret = -1;
	}
	kyaml_path_pop(&c->path);
	return ret;
}

int kschema_decode(struct kschema_ctx *c, const struct kschema_field *table,
		   const struct kyaml_node *map, void *obj)
{
	const struct kschema_field *f;
	uint64_t seen = 0, failed = 0;
	bool oneof_seen = false;
	size_t i;
	int ret = 0;

	if (map->kind != KYAML_MAPPING) {
		type_error(c, map, "object");
		return -1;
	}
	for (f = table; f->name; f++) {
		if (f->type == KSCHEMA_POS) {
			struct kube_pos *pos = field_ptr(obj, f);

			pos->line = map->line;
			pos->col = map->col;
		}
	}
	for (i = 0; i < map->npairs && !kschema_full(c); i++)
		if (decode_pair(c, table, &map->pairs[i], obj, &seen, &failed, &oneof_seen) < 0)
			ret = -1;
	if (decode_absent(c, table, map, obj, seen, failed) < 0)
		ret = -1;
	return ret;
}

void kschema_free(const struct kschema_field *table, void *obj)
{
	const struct kschema_field *f;

	for (f = table; f && f->name; f++) {
		void *dst = field_ptr(obj, f);

		switch (f->type) {
		case KSCHEMA_STRING:
		case KSCHEMA_QUANTITY:
		case KSCHEMA_KEYNAME:
			free(*(char **)dst);
			*(char **)dst = NULL;
			break;
		case KSCHEMA_INTSTR:
			free(((struct kube_intstr *)dst)->s);
			memset(dst, 0, sizeof(struct kube_intstr));
			break;
		case KSCHEMA_STRLIST:
			strv_free(*(char ***)dst);
			*(char ***)dst = NULL;
			break;
		case KSCHEMA_INT64LIST:
			free(*(int64_t **)dst);
			*(int64_t **)dst = NULL;
			*count_ptr(obj, f) = 0;
			break;
		case KSCHEMA_STRMAP:
		case KSCHEMA_BYTESMAP:
		case KSCHEMA_QUANTMAP:
			kube_map_release(dst);
			break;
		case KSCHEMA_OBJECT:
			kschema_free(f->sub, dst);
			break;
		case KSCHEMA_OBJPTR:
			if (*(void **)dst)
				kschema_free(f->sub, *(void **)dst);
			free(*(void **)dst);
			*(void **)dst = NULL;
			break;
		case KSCHEMA_OBJLIST: {
			size_t *count = count_ptr(obj, f), i;
			char *arr = *(char **)dst;

			for (i = 0; arr && i < *count; i++)
				kschema_free(f->sub, arr + i * f->elem_size);
			free(arr);
			*(char **)dst = NULL;
			*count = 0;
			break;
		}
		default:
			break;
		}
	}
}
