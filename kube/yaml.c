/* YAML stream -> kyaml_node trees, with go-yaml v2's reading of scalars.
 *
 * The tree is built from libyaml's events with an explicit stack (no
 * recursion on input depth).  Aliases share the anchored node (refcounted)
 * and add its expanded size to a budget, so a "billion laughs" document costs
 * a few bytes per alias and fails when the budget is exhausted. */
#include "kube/yaml.h"
#include "base/cleanup.h"
#include "base/xalloc.h"
#include "kube/yaml-internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/banned.h"

#define ANCHOR_BUCKETS 1024

struct frame {
	struct kyaml_node *node;
	char *anchor;
	size_t alloc;             /* of node->pairs or node->items */
	struct kyaml_node *key;   /* mapping: key waiting for its value */
};

struct anchor {
	char *name;
	struct kyaml_node *node;
	int next;                 /* chain in the bucket, -1 ends */
};

struct builder {
	const char *file;
	const char *buf;
	size_t len;
	struct frame *stack;
	size_t depth, stack_alloc;
	struct anchor *anchors;
	size_t nanchors, anchors_alloc;
	int buckets[ANCHOR_BUCKETS];
	size_t expanded;
	int doc, doc_line;
	struct kyaml_node *root;
	struct kyaml_doc *docs;
	size_t ndocs, docs_alloc;
	struct pea_err **err;
};

/* ---- nodes ---- */

static void node_unref(struct kyaml_node *n)
{
	size_t i;

	if (!n || --n->refs > 0)
		return;
	for (i = 0; i < n->npairs; i++) {
		node_unref(n->pairs[i].key);
		node_unref(n->pairs[i].value);
	}
	for (i = 0; i < n->nitems; i++)
		node_unref(n->items[i]);
	free(n->pairs);
	free(n->items);
	free(n->text);
	free(n);
}

static struct kyaml_node *node_new(struct builder *b, enum kyaml_kind kind, yaml_mark_t m)
{
	struct kyaml_node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	n->doc = b->doc;
	n->refs = 1;
	n->weight = 1;
	n->height = 1;
	return n;
}

static size_t sat_add(size_t a, size_t b)
{
	return a + b < a ? SIZE_MAX : a + b;
}

/* ---- errors ---- */

static int err_at(struct builder *b, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int err_at(struct builder *b, int line, int col, const char *fmt, ...)
{
	struct kyaml_node at = { .line = line, .col = col };
	cleanup_free char *m = NULL;
	va_list ap;

	va_start(ap, fmt);
	m = kyaml_vmsg(b->file, &at, NULL, fmt, ap);
	va_end(ap);
	return pea_err_setk(b->err, PEA_E_INVALID, 0, "%s", m);
}

/* The character at 0-based (line, col) counted as libyaml counts (characters
 * of UTF-8, lines ended by \n), or -1. */
static int char_at(const char *buf, size_t len, size_t line, size_t col)
{
	size_t i = 0;

	while (line > 0 && i < len)
		if (buf[i++] == '\n')
			line--;
	for (; i < len && buf[i] != '\n'; i++) {
		if (((unsigned char)buf[i] & 0xc0) == 0x80)
			continue;
		if (col-- == 0)
			return (unsigned char)buf[i];
	}
	return -1;
}

/* 0-based line and column of a byte offset. */
static void offset_mark(const char *buf, size_t len, size_t off, int *line, int *col)
{
	size_t i;

	*line = 0;
	*col = 0;
	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 0;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

static int libyaml_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "invalid yaml";
	yaml_mark_t m = p->problem_mark;
	int line, col;

	switch (p->error) {
	case YAML_READER_ERROR:
		offset_mark(b->buf, b->len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return err_at(b, line + 1, col + 1, "%s (#%X)", problem,
				      (unsigned)p->problem_value);
		return err_at(b, line + 1, col + 1, "%s", problem);
	case YAML_SCANNER_ERROR:
		if (char_at(b->buf, b->len, m.line, m.column) == '\t')
			return err_at(b, (int)m.line + 1, (int)m.column + 1,
				      "tabs are not allowed for indentation");
		/* fall through */
	case YAML_PARSER_ERROR:
		if (p->context && (p->context_mark.line != m.line ||
				   p->context_mark.column != m.column))
			return err_at(b, (int)m.line + 1, (int)m.column + 1,
				      "%s (%s at %d:%d)", problem, p->context,
				      (int)p->context_mark.line + 1,
				      (int)p->context_mark.column + 1);
		return err_at(b, (int)m.line + 1, (int)m.column + 1, "%s", problem);
	case YAML_MEMORY_ERROR:
		return pea_err_setk(b->err, PEA_E_GENERIC, ENOMEM, "%s: parse yaml",
				    b->file);
	default:
		return err_at(b, (int)m.line + 1, (int)m.column + 1, "%s", problem);
	}
}

/* ---- anchors ---- */

static unsigned anchor_hash(const char *s)
{
	unsigned h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % ANCHOR_BUCKETS;
}

static void anchors_clear(struct builder *b)
{
	size_t i;

	for (i = 0; i < b->nanchors; i++) {
		free(b->anchors[i].name);
		node_unref(b->anchors[i].node);
	}
	b->nanchors = 0;
	for (i = 0; i < ANCHOR_BUCKETS; i++)
		b->buckets[i] = -1;
}

/* Takes ownership of name (may be NULL: nothing to do). */
static void anchor_add(struct builder *b, char *name, struct kyaml_node *n)
{
	unsigned h;

	if (!name)
		return;
	h = anchor_hash(name);
	ALLOC_GROW(b->anchors, b->nanchors + 1, b->anchors_alloc);
	b->anchors[b->nanchors].name = name;
	b->anchors[b->nanchors].node = n;
	b->anchors[b->nanchors].next = b->buckets[h];
	n->refs++;
	b->buckets[h] = (int)b->nanchors++;
}

static struct kyaml_node *anchor_find(struct builder *b, const char *name)
{
	int i;

	for (i = b->buckets[anchor_hash(name)]; i >= 0; i = b->anchors[i].next)
		if (!strcmp(b->anchors[i].name, name))
			return b->anchors[i].node;
	return NULL;
}

static char *anchor_dup(const yaml_char_t *a)
{
	return a ? xstrdup((const char *)a) : NULL;
}

/* ---- mappings: duplicate keys and merges ---- */

struct entry {
	const struct kyaml_pair *pair;
	int scalar;          /* the key is a scalar: comparable */
	int prio;            /* 0 written in the mapping, 1 merged */
	size_t pos, sub;     /* output order */
};

static int key_cmp(const struct kyaml_node *a, const struct kyaml_node *b)
{
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	switch (a->type) {
	case KYAML_NULL:
		return 0;
	case KYAML_BOOL:
		return a->b - b->b;
	case KYAML_INT:
		if (!a->big && !b->big)
			return a->i < b->i ? -1 : a->i > b->i;
		break;
	case KYAML_FLOAT:
		if (a->f == b->f)
			return 0;
		if (!isnan(a->f) && !isnan(b->f))
			return a->f < b->f ? -1 : 1;
		break;
	default:
		break;
	}
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->text, b->text, a->len);
}

static int entry_cmp_key(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c;

	if (a->scalar != b->scalar)
		return a->scalar - b->scalar;
	if (a->scalar && (c = key_cmp(a->pair->key, b->pair->key)))
		return c;
	if (a->prio != b->prio)
		return a->prio - b->prio;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->sub < b->sub ? -1 : a->sub > b->sub;
}

static int entry_cmp_pos(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	if (a->prio != b->prio)
		return a->prio - b->prio;
	return a->sub < b->sub ? -1 : a->sub > b->sub;
}

static bool is_merge_key(const struct kyaml_node *k)
{
	return k->kind == KYAML_SCALAR && k->style == KYAML_PLAIN && k->type == KYAML_STR &&
	       !strcmp(k->text, "<<");
}

static void add_entry(struct entry **e, size_t *n, size_t *alloc, const struct kyaml_pair *p,
		      int prio, size_t pos, size_t sub)
{
	ALLOC_GROW(*e, *n + 1, *alloc);
	(*e)[*n] = (struct entry){ p, p->key->kind == KYAML_SCALAR, prio, pos, sub };
	(*n)++;
}

/* Entries for the pairs of mapping m: its own, and those of merge sources. */
static int collect_entries(struct builder *b, const struct kyaml_node *m, struct entry **e,
			   size_t *n)
{
	size_t alloc = 0, i, j, k, sub;

	for (i = 0; i < m->npairs; i++) {
		const struct kyaml_pair *p = &m->pairs[i];
		const struct kyaml_node *v = p->value;

		if (!is_merge_key(p->key)) {
			add_entry(e, n, &alloc, p, 0, i, 0);
			continue;
		}
		if (v->kind == KYAML_MAPPING) {
			for (k = 0; k < v->npairs; k++)
				add_entry(e, n, &alloc, &v->pairs[k], 1, i, k);
			continue;
		}
		if (v->kind != KYAML_SEQUENCE)
			goto bad;
		for (j = 0, sub = 0; j < v->nitems; j++) {
			const struct kyaml_node *src = v->items[j];

			if (src->kind != KYAML_MAPPING)
				goto bad;
			for (k = 0; k < src->npairs; k++)
				add_entry(e, n, &alloc, &src->pairs[k], 1, i, sub++);
		}
		continue;
	bad:
		return err_at(b, v->line, v->col,
			      "map merge requires a mapping or a sequence of mappings");
	}
	return 0;
}

static void key_text(struct strbuf *sb, const struct kyaml_node *k)
{
	size_t i;

	for (i = 0; i < k->len && i < 200; i++)
		strbuf_addch(sb, k->text[i] ? k->text[i] : '?');
}

/* Refuse duplicate keys; apply merges (keys written win, then earlier merge
 * sources); leave m->pairs in document order. */
static int finish_mapping(struct builder *b, struct kyaml_node *m)
{
	cleanup_free struct entry *e = NULL;
	cleanup_free struct kyaml_pair *out = NULL;
	const struct entry *dup = NULL;
	size_t n = 0, i, nout = 0;

	if (collect_entries(b, m, &e, &n) < 0)
		return -1;
	if (n)
		qsort(e, n, sizeof(*e), entry_cmp_key);
	for (i = 1; i < n; i++)
		if (e[i].scalar && e[i - 1].scalar && e[i].prio == 0 && e[i - 1].prio == 0 &&
		    !key_cmp(e[i].pair->key, e[i - 1].pair->key) && (!dup || e[i].pos < dup->pos))
			dup = &e[i];
	if (dup) {
		struct strbuf sb = STRBUF_INIT;

		key_text(&sb, dup->pair->key);
		err_at(b, dup->pair->key->line, dup->pair->key->col, "duplicate key \"%s\"",
		       sb.buf);
		strbuf_release(&sb);
		return -1;
	}
	/* keep the first of each key; push the dropped ones past the end */
	for (i = 1; i < n; i++)
		if (e[i].scalar && e[i - 1].scalar &&
		    !key_cmp(e[i].pair->key, e[i - 1].pair->key))
			e[i].pos = SIZE_MAX;
	if (n)
		qsort(e, n, sizeof(*e), entry_cmp_pos);
	out = xcalloc(n ? n : 1, sizeof(*out));
	for (i = 0; i < n && e[i].pos != SIZE_MAX; i++) {
		out[nout] = *e[i].pair;
		out[nout].key->refs++;
		out[nout].value->refs++;
		nout++;
	}
	for (i = 0; i < m->npairs; i++) {
		node_unref(m->pairs[i].key);
		node_unref(m->pairs[i].value);
	}
	free(m->pairs);
	m->pairs = steal_ptr(out);
	m->npairs = nout;
	return 0;
}

/* ---- building ---- */

static void finish_sizes(struct kyaml_node *n)
{
	size_t i;

	n->weight = 1;
	n->height = 1;
	for (i = 0; i < n->npairs; i++) {
		n->weight = sat_add(n->weight, n->pairs[i].key->weight);
		n->weight = sat_add(n->weight, n->pairs[i].value->weight);
		if (n->pairs[i].value->height + 1 > n->height)
			n->height = n->pairs[i].value->height + 1;
		if (n->pairs[i].key->height + 1 > n->height)
			n->height = n->pairs[i].key->height + 1;
	}
	for (i = 0; i < n->nitems; i++) {
		n->weight = sat_add(n->weight, n->items[i]->weight);
		if (n->items[i]->height + 1 > n->height)
			n->height = n->items[i]->height + 1;
	}
}

static int count(struct builder *b, size_t w, int line, int col)
{
	b->expanded = sat_add(b->expanded, w);
	if (b->expanded > KYAML_MAX_NODES)
		return err_at(b, line, col,
			      "too many nodes after expanding aliases (more than %d)",
			      KYAML_MAX_NODES);
	return 0;
}

/* Attach n (owned) to the collection on top of the stack, or make it the root. */
static void add_child(struct builder *b, struct kyaml_node *n)
{
	struct frame *f;
	struct kyaml_node *c;

	if (b->depth == 0) {
		node_unref(b->root);
		b->root = n;
		return;
	}
	f = &b->stack[b->depth - 1];
	c = f->node;
	if (c->kind == KYAML_SEQUENCE) {
		ALLOC_GROW(c->items, c->nitems + 1, f->alloc);
		c->items[c->nitems++] = n;
	} else if (!f->key) {
		f->key = n;
	} else {
		ALLOC_GROW(c->pairs, c->npairs + 1, f->alloc);
		c->pairs[c->npairs].key = steal_ptr(f->key);
		c->pairs[c->npairs++].value = n;
	}
}

static int push(struct builder *b, enum kyaml_kind kind, const yaml_event_t *ev,
		const yaml_char_t *anchor)
{
	struct kyaml_node *n;

	if (b->depth >= KYAML_MAX_DEPTH)
		return err_at(b, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
			      "nesting deeper than %d levels", KYAML_MAX_DEPTH);
	if (count(b, 1, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1) < 0)
		return -1;
	n = node_new(b, kind, ev->start_mark);
	ALLOC_GROW(b->stack, b->depth + 1, b->stack_alloc);
	b->stack[b->depth++] = (struct frame){ n, anchor_dup(anchor), 0, NULL };
	return 0;
}

static int pop(struct builder *b)
{
	struct frame f = b->stack[--b->depth];
	struct kyaml_node *n = f.node;

	if (n->kind == KYAML_MAPPING && finish_mapping(b, n) < 0)
		goto fail;
	finish_sizes(n);
	if (n->height > KYAML_MAX_DEPTH) {
		err_at(b, n->line, n->col, "nesting deeper than %d levels", KYAML_MAX_DEPTH);
		goto fail;
	}
	anchor_add(b, steal_ptr(f.anchor), n);
	add_child(b, n);
	return 0;
fail:
	node_unref(n);
	node_unref(f.key);
	free(f.anchor);
	return -1;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct kyaml_node *n;
	int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;

	if (count(b, 1, line, col) < 0)
		return -1;
	n = node_new(b, KYAML_SCALAR, ev->start_mark);
	n->len = ev->data.scalar.length;
	n->text = xmalloc(n->len + 1);
	memcpy(n->text, ev->data.scalar.value, n->len);
	n->text[n->len] = '\0';
	kyaml_resolve_scalar(n, ev);
	anchor_add(b, anchor_dup(ev->data.scalar.anchor), n);
	add_child(b, n);
	return 0;
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct kyaml_node *n = anchor_find(b, name);
	int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;

	if (!n)
		return err_at(b, line, col, "unknown anchor \"%s\" referenced", name);
	if (count(b, n->weight, line, col) < 0)
		return -1;
	if (n->height + b->depth > KYAML_MAX_DEPTH)
		return err_at(b, line, col, "nesting deeper than %d levels", KYAML_MAX_DEPTH);
	n->refs++;
	add_child(b, n);
	return 0;
}

static void end_document(struct builder *b)
{
	struct kyaml_node *r = steal_ptr(b->root);

	anchors_clear(b);
	if (r && !(r->kind == KYAML_SCALAR && r->style == KYAML_PLAIN && r->type == KYAML_NULL)) {
		ALLOC_GROW(b->docs, b->ndocs + 1, b->docs_alloc);
		b->docs[b->ndocs++] = (struct kyaml_doc){ r, b->doc, b->doc_line };
	} else {
		node_unref(r);
	}
	b->doc++;
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		b->doc_line = (int)ev->start_mark.line + 1;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		end_document(b);
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return push(b, KYAML_SEQUENCE, ev, ev->data.sequence_start.anchor);
	case YAML_MAPPING_START_EVENT:
		return push(b, KYAML_MAPPING, ev, ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return b->depth ? pop(b) : 0;
	default:
		return 0;
	}
}

static void builder_release(struct builder *b)
{
	while (b->depth > 0) {
		struct frame *f = &b->stack[--b->depth];

		node_unref(f->node);
		node_unref(f->key);
		free(f->anchor);
	}
	free(b->stack);
	anchors_clear(b);
	free(b->anchors);
	node_unref(b->root);
	kyaml_docs_free(b->docs, b->ndocs);
}

int kyaml_parse(const char *file, const char *buf, size_t len, struct kyaml_doc **docs,
		size_t *n, struct pea_err **err)
{
	struct builder b = { .file = file, .buf = buf, .len = len, .err = err };
	yaml_parser_t p;
	yaml_event_t ev;
	int done = 0, rc = 0;

	*docs = NULL;
	*n = 0;
	anchors_clear(&b);
	if (!yaml_parser_initialize(&p))
		return pea_err_setk(err, PEA_E_GENERIC, ENOMEM, "%s: parse yaml", file);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = libyaml_error(&b, &p);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
		if (rc < 0)
			break;
	}
	yaml_parser_delete(&p);
	if (rc == 0) {
		*docs = steal_ptr(b.docs);
		*n = b.ndocs;
		b.ndocs = 0;
	}
	builder_release(&b);
	return rc;
}

void kyaml_docs_free(struct kyaml_doc *docs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		node_unref(docs[i].root);
	free(docs);
}
