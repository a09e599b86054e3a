/* The table-driven decoder of Kubernetes objects (see kube/schema.h), the
 * shared validators, kube_map, and kube_decode(), the dispatch by kind. */
#include "kube/schema.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

/* ---- kube_map ---- */

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

static char *vmsg(struct kschema_ctx *c, const struct kyaml_node *at, const char *fmt,
		  va_list ap)
{
	cleanup_free char *text = xvasprintf(fmt, ap);

	return kyaml_msg(c->file, at, kyaml_path_str(&c->path), "%s", text);
}

void kschema_fail(struct kschema_ctx *c, const struct kyaml_node *at, const char *fmt, ...)
{
	cleanup_free char *m = NULL;
	va_list ap;

	if (kschema_full(c))
		return;
	va_start(ap, fmt);
	m = vmsg(c, at, fmt, ap);
	va_end(ap);
	if (c->errors.len)
		strbuf_addch(&c->errors, '\n');
	strbuf_addstr(&c->errors, m);
	c->nerrors++;
}

void kschema_warn(struct kschema_ctx *c, const struct kyaml_node *at, const char *fmt, ...)
{
	cleanup_free char *m = NULL;
	va_list ap;

	va_start(ap, fmt);
	m = vmsg(c, at, fmt, ap);
	va_end(ap);
	strv_push(&c->warnings, m);
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

/* ---- validators ---- */

static bool dns_label_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > 63)
		return false;
	for (i = 0; i < len; i++) {
		char ch = s[i];
		bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

		if (!alnum && (ch != '-' || i == 0 || i == len - 1))
			return false;
	}
	return true;
}

char *kschema_check_dns_label(const void *value)
{
	const char *s = *(char *const *)value;

	if (dns_label_ok(s, strlen(s)))
		return NULL;
	return xasprintf("invalid value \"%s\": a lowercase RFC 1123 label must consist of "
			 "lower case alphanumeric characters or '-', start and end with an "
			 "alphanumeric character, and be at most 63 characters", s);
}

char *kschema_check_dns_subdomain(const void *value)
{
	const char *s = *(char *const *)value, *p = s, *dot;
	size_t total = strlen(s);
	bool ok = total > 0 && total <= 253;

	while (ok) {
		dot = strchr(p, '.');
		ok = dns_label_ok(p, dot ? (size_t)(dot - p) : strlen(p));
		if (!dot)
			break;
		p = dot + 1;
	}
	if (ok)
		return NULL;
	return xasprintf("invalid value \"%s\": a lowercase RFC 1123 subdomain must consist "
			 "of lower case alphanumeric characters, '-' or '.', start and end "
			 "with an alphanumeric character, and be at most 253 characters", s);
}

char *kschema_check_port(const void *value)
{
	int32_t v = *(const int32_t *)value;

	if (v >= 1 && v <= 65535)
		return NULL;
	return xasprintf("invalid value %d: must be between 1 and 65535, inclusive", (int)v);
}

char *kschema_check_config_key(const void *value)
{
	const char *s = *(char *const *)value;
	size_t i, len = strlen(s);

	for (i = 0; i < len; i++)
		if (!strchr("-._", s[i]) && !(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= 'A' && s[i] <= 'Z') && !(s[i] >= '0' && s[i] <= '9'))
			break;
	if (len && i == len && len <= 253 && strcmp(s, ".") && strcmp(s, ".."))
		return NULL;
	return xasprintf("invalid key \"%s\": a valid config key must consist of "
			 "alphanumeric characters, '-', '_' or '.'", s);
}

static int b64_val(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Decode one group of 4 (positions in the input in at[]); returns the bytes
 * it holds (1-3) or -1 with *bad set. */
static int b64_group(const char *g, const size_t *at, bool last, char *out, size_t *bad)
{
	int v[4], k, keep = 3;

	for (k = 0; k < 4; k++) {
		if (g[k] == '=' && last && k >= 2 && (k == 3 || g[3] == '=')) {
			keep = k == 2 ? 1 : (keep == 3 ? 2 : keep);
			v[k] = 0;
			continue;
		}
		v[k] = b64_val((unsigned char)g[k]);
		if (v[k] < 0 || keep < 3) {
			*bad = at[k];
			return -1;
		}
	}
	out[0] = (char)(v[0] << 2 | v[1] >> 4);
	out[1] = (char)(v[1] << 4 | v[2] >> 2);
	out[2] = (char)(v[2] << 6 | v[3]);
	return keep;
}

char *kschema_b64_decode(const char *s, size_t len, size_t *outlen, size_t *bad)
{
	cleanup_free char *out = xmalloc(len / 4 * 3 + 4);
	char g[4];
	size_t at[4], i, q = 0, n = 0;
	int r;

	for (i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (n % 3) { /* a short group was not the last one */
			*bad = i;
			return NULL;
		}
		g[q] = s[i];
		at[q++] = i;
		if (q < 4)
			continue;
		q = 0;
		r = b64_group(g, at, g[3] == '=', out + n, bad);
		if (r < 0)
			return NULL;
		n += (size_t)r;
	}
	if (q) {
		*bad = len;
		return NULL;
	}
	*outlen = n;
	out[n] = '\0';
	return steal_ptr(out);
}

/* ---- decoding ---- */

static void *field_ptr(void *obj, const struct kschema_field *f)
{
	return (char *)obj + f->off;
}

static void type_error(struct kschema_ctx *c, const struct kyaml_node *n, const char *want)
{
	kschema_fail(c, n, "expected %s, got %s", want, kyaml_type_name(n));
}

static int decode_int(struct kschema_ctx *c, const struct kschema_field *f,
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
	if (f->type == KSCHEMA_INT64) {
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

static int decode_strlist(struct kschema_ctx *c, const struct kyaml_node *n, char ***dst)
{
	size_t i;
	int ret = 0;

	if (n->kind != KYAML_SEQUENCE) {
		type_error(c, n, "array");
		return -1;
	}
	*dst = xcalloc(n->nitems + 1, sizeof(**dst));
	for (i = 0; i < n->nitems; i++) {
		const char *s = kyaml_as_str(n->items[i]);

		if (s) {
			(*dst)[i] = xstrdup(s);
			continue;
		}
		kyaml_path_push_index(&c->path, i);
		type_error(c, n->items[i], "string");
		kyaml_path_pop(&c->path);
		/* keep the vector dense: an empty string where the error was */
		(*dst)[i] = xstrdup("");
		ret = -1;
	}
	return ret;
}

static int decode_map_value(struct kschema_ctx *c, const struct kschema_field *f,
			    const struct kyaml_node *v, const char *key, struct kube_map *m)
{
	cleanup_free char *bytes = NULL;
	const char *s = kyaml_is_null(v) ? "" : kyaml_as_str(v);
	size_t len, bad;

	if (!s) {
		type_error(c, v, "string");
		return -1;
	}
	if (f->type == KSCHEMA_STRMAP) {
		kube_map_set(m, key, s, v->len);
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
		cleanup_free char *msg = NULL;

		if (!key) {
			type_error(c, k, "string key");
			ret = -1;
			continue;
		}
		kyaml_path_push_mapkey(&c->path, key);
		if (f->check && (msg = f->check(&key))) {
			kschema_fail(c, k, "%s", msg);
			ret = -1;
		} else if (decode_map_value(c, f, v, key, m) < 0) {
			ret = -1;
		}
		kyaml_path_pop(&c->path);
	}
	return ret;
}

static int decode_objlist(struct kschema_ctx *c, const struct kschema_field *f,
			  const struct kyaml_node *n, void *obj)
{
	void **arr = field_ptr(obj, f);
	size_t *count = (size_t *)((char *)obj + f->count_off), i;
	int ret = 0;

	if (n->kind != KYAML_SEQUENCE) {
		type_error(c, n, "array");
		return -1;
	}
	*arr = xcalloc(n->nitems ? n->nitems : 1, f->elem_size);
	*count = n->nitems;
	for (i = 0; i < n->nitems && !kschema_full(c); i++) {
		kyaml_path_push_index(&c->path, i);
		if (kschema_decode(c, f->sub, n->items[i], (char *)*arr + i * f->elem_size) < 0)
			ret = -1;
		kyaml_path_pop(&c->path);
	}
	return ret;
}

static int decode_scalar(struct kschema_ctx *c, const struct kschema_field *f,
			 const struct kyaml_node *n, void *dst)
{
	const char *s;
	bool b;

	switch (f->type) {
	case KSCHEMA_STRING:
		if (!(s = kyaml_as_str(n)))
			break;
		*(char **)dst = xstrdup(s);
		return 0;
	case KSCHEMA_BOOL:
		if (!kyaml_as_bool(n, &b))
			break;
		*(bool *)dst = b;
		return 0;
	case KSCHEMA_QUANTITY:
		if (n->kind != KYAML_SCALAR ||
		    (n->type != KYAML_STR && n->type != KYAML_INT && n->type != KYAML_FLOAT))
			break;
		*(char **)dst = xstrdup(n->text);
		return 0;
	default: /* KSCHEMA_INTSTR */
		if (n->kind == KYAML_SCALAR && n->type == KYAML_STR) {
			struct kube_intstr *is = dst;

			is->set = is->is_str = true;
			is->s = xstrdup(n->text);
			return 0;
		}
		if (n->kind == KYAML_SCALAR && n->type == KYAML_INT) {
			struct kube_intstr *is = dst;

			if (decode_int(c, &(struct kschema_field){ .type = KSCHEMA_INT32 }, n,
				       &is->i) < 0)
				return -1;
			is->set = true;
			return 0;
		}
		break;
	}
	type_error(c, n, f->type == KSCHEMA_STRING     ? "string"
			 : f->type == KSCHEMA_BOOL     ? "boolean"
			 : f->type == KSCHEMA_QUANTITY ? "quantity (string or number)"
						       : "integer or string");
	return -1;
}

/* Decode one present, non-null value; 0 or -1 (error recorded). */
static int decode_value(struct kschema_ctx *c, const struct kschema_field *f,
			const struct kyaml_node *n, void *obj)
{
	void *dst = field_ptr(obj, f);

	switch (f->type) {
	case KSCHEMA_INT32:
	case KSCHEMA_INT64:
		return decode_int(c, f, n, dst);
	case KSCHEMA_STRLIST:
		return decode_strlist(c, n, dst);
	case KSCHEMA_STRMAP:
	case KSCHEMA_BYTESMAP:
		return decode_map(c, f, n, dst);
	case KSCHEMA_OBJECT:
		return kschema_decode(c, f->sub, n, dst);
	case KSCHEMA_OBJLIST:
		return decode_objlist(c, f, n, obj);
	case KSCHEMA_IGNORE:
		return 0;
	default:
		return decode_scalar(c, f, n, dst);
	}
}

static bool list_empty(const struct kschema_field *f, void *obj)
{
	if (f->type == KSCHEMA_OBJLIST)
		return *(size_t *)((char *)obj + f->count_off) == 0;
	if (f->type == KSCHEMA_STRLIST)
		return strv_len(*(char ***)field_ptr(obj, f)) == 0;
	return false;
}

/* After the keys: required fields and defaults. */
static int decode_absent(struct kschema_ctx *c, const struct kschema_field *table,
			 const struct kyaml_node *map, void *obj, uint64_t seen,
			 uint64_t failed)
{
	const struct kschema_field *f;
	int ret = 0;

	for (f = table; f->name; f++) {
		bool have = seen & (UINT64_C(1) << (f - table));

		if (failed & (UINT64_C(1) << (f - table)))
			continue; /* already reported */
		if (f->flags & KSCHEMA_REQUIRED && (!have || list_empty(f, obj))) {
			kyaml_path_push_key(&c->path, f->name);
			kschema_fail(c, map, "required value");
			kyaml_path_pop(&c->path);
			ret = -1;
		} else if (!have && f->flags & KSCHEMA_DEFAULT) {
			void *dst = field_ptr(obj, f);

			if (f->type == KSCHEMA_STRING)
				*(char **)dst = xstrdup(f->def);
			else if (f->type == KSCHEMA_INT32)
				*(int32_t *)dst = (int32_t)f->idef;
			else if (f->type == KSCHEMA_INT64)
				*(int64_t *)dst = f->idef;
		}
	}
	return ret;
}

static const struct kschema_field *find_field(const struct kschema_field *table,
					      const char *name)
{
	for (; table->name; table++)
		if (!strcmp(table->name, name))
			return table;
	return NULL;
}

int kschema_decode(struct kschema_ctx *c, const struct kschema_field *table,
		   const struct kyaml_node *map, void *obj)
{
	uint64_t seen = 0, failed = 0;
	char buf[32];
	size_t i;
	int ret = 0;

	if (map->kind != KYAML_MAPPING) {
		type_error(c, map, "object");
		return -1;
	}
	for (i = 0; i < map->npairs && !kschema_full(c); i++) {
		const struct kyaml_node *v = map->pairs[i].value;
		const char *key = kyaml_key_string(map->pairs[i].key, buf, sizeof(buf));
		const struct kschema_field *f = key ? find_field(table, key) : NULL;
		cleanup_free char *msg = NULL;

		if (!f) {
			kschema_warn(c, map->pairs[i].key, "unknown field \"%s\"",
				     key ? key : "?");
			continue;
		}
		if (kyaml_is_null(v))
			continue;
		seen |= UINT64_C(1) << (f - table);
		kyaml_path_push_key(&c->path, f->name);
		if (decode_value(c, f, v, obj) < 0) {
			failed |= UINT64_C(1) << (f - table);
			ret = -1;
		} else if (f->check && f->type != KSCHEMA_STRMAP && f->type != KSCHEMA_BYTESMAP &&
			 (msg = f->check(field_ptr(obj, f)))) {
			kschema_fail(c, v, "%s", msg);
			ret = -1;
		}
		kyaml_path_pop(&c->path);
	}
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
		case KSCHEMA_STRMAP:
		case KSCHEMA_BYTESMAP:
			kube_map_release(dst);
			break;
		case KSCHEMA_OBJECT:
			kschema_free(f->sub, dst);
			break;
		case KSCHEMA_OBJLIST: {
			size_t *count = (size_t *)((char *)obj + f->count_off), i;
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

/* ---- objects ---- */

const struct kschema_field kube_meta_fields[] = {
	{ "name", KSCHEMA_STRING, offsetof(struct kube_meta, name), KSCHEMA_REQUIRED,
	  kschema_check_dns_subdomain },
	{ "namespace", KSCHEMA_STRING, offsetof(struct kube_meta, namespace), 0,
	  kschema_check_dns_label },
	{ "labels", KSCHEMA_STRMAP, offsetof(struct kube_meta, labels) },
	{ "annotations", KSCHEMA_STRMAP, offsetof(struct kube_meta, annotations) },
	/* written by the API server or by `kube generate`: accepted, unused */
	{ "generateName", KSCHEMA_IGNORE },
	{ "uid", KSCHEMA_IGNORE },
	{ "resourceVersion", KSCHEMA_IGNORE },
	{ "generation", KSCHEMA_IGNORE },
	{ "creationTimestamp", KSCHEMA_IGNORE },
	{ "deletionTimestamp", KSCHEMA_IGNORE },
	{ "deletionGracePeriodSeconds", KSCHEMA_IGNORE },
	{ "managedFields", KSCHEMA_IGNORE },
	{ "ownerReferences", KSCHEMA_IGNORE },
	{ "finalizers", KSCHEMA_IGNORE },
	{ "selfLink", KSCHEMA_IGNORE },
	{ NULL },
};

/* A required top-level string (apiVersion, kind); NULL after recording an error. */
static const char *head_string(struct kschema_ctx *c, const struct kyaml_node *root,
			       const char *name)
{
	const struct kyaml_node *n = kyaml_get(root, name);
	const char *s = kyaml_as_str(n);

	kyaml_path_push_key(&c->path, name);
	if (!n || kyaml_is_null(n) || (s && !*s))
		kschema_fail(c, root, "required value");
	else if (!s)
		type_error(c, n, "string");
	kyaml_path_pop(&c->path);
	return s && *s ? s : NULL;
}

static int decode_kind(struct kschema_ctx *c, const struct kyaml_node *root,
		       struct kube_object *out)
{
	if (!strcmp(out->kind_name, "Pod"))
		out->kind = KUBE_POD;
	else if (!strcmp(out->kind_name, "ConfigMap"))
		out->kind = KUBE_CONFIGMAP;
	else if (!strcmp(out->kind_name, "Secret"))
		out->kind = KUBE_SECRET;
	else
		return 0;
	if (strcmp(out->api_version, "v1")) {
		kyaml_path_push_key(&c->path, "apiVersion");
		kschema_fail(c, kyaml_get(root, "apiVersion"),
			     "no kind \"%s\" is registered for version \"%s\" (want \"v1\")",
			     out->kind_name, out->api_version);
		kyaml_path_pop(&c->path);
		return -1;
	}
	switch (out->kind) {
	case KUBE_POD:
		return kube_pod_decode(c, root, &out->u.pod);
	case KUBE_CONFIGMAP:
		return kube_configmap_decode(c, root, &out->u.configmap);
	default:
		return kube_secret_decode(c, root, &out->u.secret);
	}
}

int kube_decode(const char *file, const struct kyaml_doc *doc, struct kube_object *out,
		char ***warnings, struct pea_err **err)
{
	struct kschema_ctx c;
	const char *api, *kind;
	int ret;

	memset(out, 0, sizeof(*out));
	out->doc = doc->index;
	out->line = doc->line;
	kschema_ctx_init(&c, file);
	if (doc->root->kind != KYAML_MAPPING) {
		type_error(&c, doc->root, "object");
	} else {
		api = head_string(&c, doc->root, "apiVersion");
		kind = head_string(&c, doc->root, "kind");
		if (api && kind) {
			out->api_version = xstrdup(api);
			out->kind_name = xstrdup(kind);
			decode_kind(&c, doc->root, out);
		}
	}
	ret = kschema_finish(&c, warnings, err);
	kschema_ctx_release(&c);
	if (ret < 0)
		kube_object_release(out);
	return ret;
}

void kube_object_release(struct kube_object *o)
{
	switch (o->kind) {
	case KUBE_POD:
		kube_pod_release(&o->u.pod);
		break;
	case KUBE_CONFIGMAP:
		kube_configmap_release(&o->u.configmap);
		break;
	case KUBE_SECRET:
		kube_secret_release(&o->u.secret);
		break;
	default:
		break;
	}
	free(o->api_version);
	free(o->kind_name);
	memset(o, 0, sizeof(*o));
}
