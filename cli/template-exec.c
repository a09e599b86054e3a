/* Evaluation of parsed templates over json-c values, and the values as Go's
 * %v prints them. */
#include "cli/format.h"
#include "cli/template.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cleanup.h"
#include "base/xalloc.h"

#include "base/banned.h"

/* ---------- values as Go prints them ---------- */

/* json-c keeps integral numbers that were written as 1.0 as doubles: print
 * them as Go would print the integer they stand for. */
static bool double_is_integral(double d)
{
	return d > -1e15 && d < 1e15 && d == (double)(int64_t)d;
}

static void add_double(struct strbuf *sb, double d)
{
	char buf[64];
	int prec;

	if (double_is_integral(d)) {
		strbuf_addf(sb, "%" PRId64, (int64_t)d);
		return;
	}
	/* shortest representation that reads back exactly, like Go's %v */
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof(buf), "%.17g", d);
	strbuf_addstr(sb, buf);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keys of an object, sorted (Go prints maps and ranges over them sorted).
 * The strings belong to the object; free only the array. */
static const char **sorted_keys(struct json_object *obj, size_t *n)
{
	const char **keys = xcalloc((size_t)json_object_object_length(obj) + 1, sizeof(*keys));
	size_t i = 0;

	json_object_object_foreach(obj, k, v) {
		(void)v;
		keys[i++] = k;
	}
	qsort(keys, i, sizeof(*keys), cmp_strp);
	*n = i;
	return keys;
}

/* Go's %v. */
static void value_print(struct strbuf *sb, struct json_object *v, bool top)
{
	size_t i, n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		strbuf_addstr(sb, top ? "<no value>" : "<nil>");
		break;
	case json_type_boolean:
		strbuf_addstr(sb, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_int:
		strbuf_addf(sb, "%" PRId64, json_object_get_int64(v));
		break;
	case json_type_double:
		add_double(sb, json_object_get_double(v));
		break;
	case json_type_string:
		strbuf_add(sb, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		strbuf_addch(sb, '[');
		for (i = 0; i < json_object_array_length(v); i++) {
			if (i)
				strbuf_addch(sb, ' ');
			value_print(sb, json_object_array_get_idx(v, i), false);
		}
		strbuf_addch(sb, ']');
		break;
	case json_type_object: {
		cleanup_free const char **keys = sorted_keys(v, &n);

		strbuf_addstr(sb, "map[");
		for (i = 0; i < n; i++) {
			strbuf_addf(sb, "%s%s:", i ? " " : "", keys[i]);
			value_print(sb, json_object_object_get(v, keys[i]), false);
		}
		strbuf_addch(sb, ']');
		break;
	}
	}
}

static bool value_truth(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return false;
	case json_type_boolean: return json_object_get_boolean(v);
	case json_type_int: return json_object_get_int64(v) != 0;
	case json_type_double: return json_object_get_double(v) != 0;
	case json_type_string: return json_object_get_string_len(v) > 0;
	case json_type_array: return json_object_array_length(v) > 0;
	case json_type_object: return json_object_object_length(v) > 0;
	}
	return false;
}

void tmpl_json_scalar(struct strbuf *sb, struct json_object *v)
{
	if (json_object_is_type(v, json_type_double) &&
	    double_is_integral(json_object_get_double(v)))
		add_double(sb, json_object_get_double(v));
	else
		strbuf_addstr(sb, json_object_to_json_string_ext(
			v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void json_compact(struct strbuf *sb, struct json_object *v)
{
	size_t i = 0, n;

	if (json_object_is_type(v, json_type_object)) {
		n = (size_t)json_object_object_length(v);
		strbuf_addch(sb, '{');
		json_object_object_foreach(v, key, val) {
			strbuf_addch(sb, '"');
			strbuf_add_json_escaped(sb, key);
			strbuf_addstr(sb, "\":");
			json_compact(sb, val);
			if (++i < n)
				strbuf_addch(sb, ',');
		}
		strbuf_addch(sb, '}');
	} else if (json_object_is_type(v, json_type_array)) {
		strbuf_addch(sb, '[');
		for (i = 0; i < json_object_array_length(v); i++) {
			if (i)
				strbuf_addch(sb, ',');
			json_compact(sb, json_object_array_get_idx(v, i));
		}
		strbuf_addch(sb, ']');
	} else {
		tmpl_json_scalar(sb, v);
	}
}

/* ---------- execution ---------- */

struct tvar {
	const char *name;
	struct json_object *v;   /* owned reference */
};

struct texec {
	struct strbuf *out;
	struct json_object *root;
	struct tvar *vars;
	size_t nvars, avars;
	bool header;
	const char *const *headers;
	struct pea_err **err;
};

static void var_push(struct texec *e, const char *name, struct json_object *v)
{
	ALLOC_GROW(e->vars, e->nvars + 1, e->avars);
	e->vars[e->nvars].name = name;
	e->vars[e->nvars++].v = v;
}

static void var_pop_to(struct texec *e, size_t n)
{
	while (e->nvars > n)
		json_object_put(e->vars[--e->nvars].v);
}

/* "ImageID" -> "IMAGE ID", "CreatedAt" -> "CREATED AT" (camelcase.Split). */
static char *header_name(const char *field)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; field[i]; i++) {
		unsigned char c = (unsigned char)field[i], prev = i ? (unsigned char)field[i - 1] : 0;
		unsigned char next = (unsigned char)field[i + 1];

		if (i && ((isupper(c) && (islower(prev) || isdigit(prev) ||
					  (isupper(prev) && islower(next)))) ||
			  (!isdigit(c) != !isdigit(prev))))
			strbuf_addch(&sb, ' ');
		strbuf_addch(&sb, (char)toupper(c));
	}
	return strbuf_detach(&sb, NULL);
}

static struct json_object *header_value(struct texec *e, const struct targ *a)
{
	const char *f = a->nfields ? a->fields[a->nfields - 1] : "";
	const char *const *h;
	cleanup_free char *name = NULL;

	for (h = e->headers; h && h[0] && h[1]; h += 2)
		if (!strcmp(h[0], f))
			return json_object_new_string(h[1]);
	name = header_name(f);
	return json_object_new_string(name);
}

static int exec_err(struct texec *e, const struct targ *a, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int exec_err(struct texec *e, const struct targ *a, const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	return pea_err_setk(e->err, PEA_E_INVALID, 0, "template: executing at <%s>: %s",
			    a->text ? a->text : "", msg);
}

/* Documents printed with camelCase keys (info: "host", "graphDriverName")
 * answer podman's Go field names ({{.Host.GraphDriverName}}) too. */
static struct json_object *field_nocase(struct json_object *v, const char *f)
{
	json_object_object_foreach(v, key, val) {
		if (!strcasecmp(key, f))
			return val;
	}
	return NULL;
}

/* Follow a field chain from v (a new reference is returned in *out). */
static int walk_fields(struct texec *e, const struct targ *a, struct json_object *v,
		       struct json_object **out)
{
	size_t i;

	for (i = 0; i < a->nfields && v; i++) {
		const char *f = a->fields[i];
		struct json_object *child = NULL;

		if (!json_object_is_type(v, json_type_object))
			return exec_err(e, a, "can't evaluate field %s in a non-object", f);
		if (!json_object_object_get_ex(v, f, &child) && isupper((unsigned char)f[0]) &&
		    !(child = field_nocase(v, f)))
			return exec_err(e, a, "can't evaluate field %s", f);
		v = child;
	}
	*out = json_object_get(v);
	return 0;
}

static int eval_pipe(struct texec *e, const struct tpipe *p, struct json_object *dot,
		     struct json_object **out);

static int eval_arg(struct texec *e, const struct targ *a, struct json_object *dot,
		    struct json_object **out)
{
	size_t i;

	*out = NULL;
	switch (a->kind) {
	case A_DOT: *out = json_object_get(dot); return 0;
	case A_STR: *out = json_object_new_string(a->name); return 0;
	case A_INT: *out = json_object_new_int64(a->i); return 0;
	case A_FLOAT: *out = json_object_new_double(a->d); return 0;
	case A_BOOL: *out = json_object_new_boolean(a->i != 0); return 0;
	case A_NIL: return 0;
	case A_PIPE: {
		struct json_object *v = NULL;
		int r = eval_pipe(e, a->sub, dot, &v);

		if (r == 0 && a->nfields && !e->header)
			r = walk_fields(e, a, v, out);
		else
			*out = json_object_get(v);
		json_object_put(v);
		return r;
	}
	case A_FUNC: return exec_err(e, a, "%s is a function, not a value", a->name);
	case A_FIELD:
		if (e->header) {
			*out = header_value(e, a);
			return 0;
		}
		return walk_fields(e, a, dot, out);
	case A_VAR:
		if (e->header && a->nfields) {
			*out = header_value(e, a);
			return 0;
		}
		if (!a->name[0])
			return walk_fields(e, a, e->root, out);
		for (i = e->nvars; i-- > 0;)
			if (!strcmp(e->vars[i].name, a->name))
				return walk_fields(e, a, e->vars[i].v, out);
		return exec_err(e, a, "undefined variable: $%s", a->name);
	}
	return 0;
}

static const char *as_text(struct json_object *v, struct strbuf *tmp)
{
	strbuf_reset(tmp);
	value_print(tmp, v, true);
	return tmp->buf;
}

static bool values_equal(struct json_object *a, struct json_object *b)
{
	enum json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
	bool na = ta == json_type_int || ta == json_type_double;
	bool nb = tb == json_type_int || tb == json_type_double;

	if (na && nb)
		return (ta == json_type_int && tb == json_type_int)
			       ? json_object_get_int64(a) == json_object_get_int64(b)
			       : json_object_get_double(a) == json_object_get_double(b);
	if (ta != tb)
		return false;
	if (ta == json_type_string)
		return !strcmp(json_object_get_string(a), json_object_get_string(b));
	if (ta == json_type_boolean)
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	return ta == json_type_null;
}

static struct json_object *fn_index(struct json_object **argv, size_t argc, bool *bad)
{
	struct json_object *v = argv[0], *next = NULL;
	size_t i;

	for (i = 1; i < argc; i++) {
		if (json_object_is_type(v, json_type_object) &&
		    json_object_is_type(argv[i], json_type_string)) {
			/* Go's index returns the map's zero value for a missing key */
			if (!json_object_object_get_ex(v, json_object_get_string(argv[i]), &next))
				return json_object_new_string("");
		} else if (json_object_is_type(v, json_type_array) &&
			   json_object_is_type(argv[i], json_type_int)) {
			int64_t k = json_object_get_int64(argv[i]);

			if (k < 0 || (size_t)k >= json_object_array_length(v)) {
				*bad = true;
				return NULL;
			}
			next = json_object_array_get_idx(v, (size_t)k);
		} else {
			*bad = true;
			return NULL;
		}
		v = next;
	}
	return json_object_get(v);
}

static struct json_object *fn_case(const char *name, struct json_object *arg)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t i;
	bool word = true;

	as_text(arg, &tmp);
	for (i = 0; i < tmp.len; i++) {
		unsigned char c = (unsigned char)tmp.buf[i];

		if (name[0] == 'u' || (name[0] == 't' && word))
			tmp.buf[i] = (char)toupper(c);
		else if (name[0] == 'l')
			tmp.buf[i] = (char)tolower(c);
		word = isspace(c);
	}
	struct json_object *r = json_object_new_string_len(tmp.buf, (int)tmp.len);
	strbuf_release(&tmp);
	return r;
}

static struct json_object *fn_print(struct json_object **argv, size_t argc, bool ln)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < argc; i++) {
		bool str = json_object_is_type(argv[i], json_type_string);
		bool pstr = i && json_object_is_type(argv[i - 1], json_type_string);

		if (i && (ln || (!str && !pstr)))
			strbuf_addch(&sb, ' ');
		value_print(&sb, argv[i], false);
	}
	if (ln)
		strbuf_addch(&sb, '\n');
	struct json_object *r = json_object_new_string_len(sb.buf, (int)sb.len);
	strbuf_release(&sb);
	return r;
}

static struct json_object *fn_join(struct json_object *list, struct json_object *sep)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < json_object_array_length(list); i++) {
		if (i)
			strbuf_addstr(&sb, json_object_get_string(sep));
		value_print(&sb, json_object_array_get_idx(list, i), false);
	}
	struct json_object *r = json_object_new_string_len(sb.buf, (int)sb.len);
	strbuf_release(&sb);
	return r;
}

static int64_t value_len(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_string: return json_object_get_string_len(v);
	case json_type_array: return (int64_t)json_object_array_length(v);
	case json_type_object: return json_object_object_length(v);
	default: return -1;
	}
}

/* Call a function; *out gets a new reference. */
static int call_func(struct texec *e, const struct targ *f, struct json_object **argv,
		     size_t argc, struct json_object **out)
{
	const char *n = f->name;
	struct strbuf tmp = STRBUF_INIT;
	bool bad = false;
	size_t i;

	*out = NULL;
	if (!strcmp(n, "println") || !strcmp(n, "print")) {
		*out = fn_print(argv, argc, n[5] == 'l');
		return 0;
	}
	if (e->header) { /* header row: pass the header name through */
		if (argc && (!strcmp(n, "upper") || !strcmp(n, "lower") || !strcmp(n, "title")))
			*out = fn_case(n, argv[0]);
		else if (argc)
			*out = json_object_get(argv[0]);
		return 0;
	}
	if ((!strcmp(n, "upper") || !strcmp(n, "lower") || !strcmp(n, "title")) && argc == 1) {
		*out = fn_case(n, argv[0]);
	} else if (!strcmp(n, "json") && argc == 1) {
		json_compact(&tmp, argv[0]);
		*out = json_object_new_string(tmp.buf);
	} else if (!strcmp(n, "index") && argc >= 1) {
		*out = fn_index(argv, argc, &bad);
		if (bad)
			return exec_err(e, f, "error calling %s: bad index or receiver", n);
	} else if (!strcmp(n, "len") && argc == 1) {
		if (value_len(argv[0]) < 0)
			return exec_err(e, f, "error calling %s: invalid type", n);
		*out = json_object_new_int64(value_len(argv[0]));
	} else if (!strcmp(n, "join") && argc == 2 &&
		   json_object_is_type(argv[0], json_type_array)) {
		*out = fn_join(argv[0], argv[1]);
	} else if (!strcmp(n, "not") && argc == 1) {
		*out = json_object_new_boolean(!value_truth(argv[0]));
	} else if ((!strcmp(n, "and") || !strcmp(n, "or")) && argc >= 1) {
		for (i = 0; i + 1 < argc; i++)
			if (value_truth(argv[i]) == (n[0] == 'o'))
				break;
		*out = json_object_get(argv[i]);
	} else if ((!strcmp(n, "eq") || !strcmp(n, "ne")) && argc >= 2) {
		bool eq = false;

		for (i = 1; i < argc && !eq; i++)
			eq = values_equal(argv[0], argv[i]);
		*out = json_object_new_boolean(n[0] == 'e' ? eq : !eq);
	} else {
		return exec_err(e, f, "function \"%s\" not defined or wrong number of arguments",
				n);
	}
	strbuf_release(&tmp);
	return 0;
}

static int eval_cmd(struct texec *e, const struct tcmd *c, struct json_object *dot,
		    struct json_object *final, bool has_final, struct json_object **out)
{
	struct json_object **argv;
	size_t argc = 0, i;
	int r = 0;

	if (c->args[0].kind != A_FUNC) {
		if (c->n > 1 || has_final)
			return exec_err(e, &c->args[0], "can't give argument to non-function %s",
					c->args[0].text);
		return eval_arg(e, &c->args[0], dot, out);
	}
	argv = xcalloc(c->n + 1, sizeof(*argv));
	for (i = 1; i < c->n && r == 0; i++)
		r = eval_arg(e, &c->args[i], dot, &argv[argc++]);
	if (has_final)
		argv[argc++] = json_object_get(final);
	if (r == 0)
		r = call_func(e, &c->args[0], argv, argc, out);
	for (i = 0; i < argc; i++)
		json_object_put(argv[i]);
	free(argv);
	return r;
}

static int eval_pipe(struct texec *e, const struct tpipe *p, struct json_object *dot,
		     struct json_object **out)
{
	struct json_object *v = NULL, *next = NULL;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (eval_cmd(e, &p->cmds[i], dot, v, i > 0, &next) < 0) {
			json_object_put(v);
			return -1;
		}
		json_object_put(v);
		v = next;
	}
	*out = v;
	return 0;
}

static int exec_list(struct texec *e, const struct tlist *l, struct json_object *dot);

static int exec_range_item(struct texec *e, const struct tnode *n, struct json_object *key,
			   struct json_object *item)
{
	size_t mark = e->nvars;
	int r;

	if (n->pipe->ndecl == 2) {
		var_push(e, n->pipe->decl[0], key);
		var_push(e, n->pipe->decl[1], json_object_get(item));
	} else {
		if (n->pipe->ndecl == 1)
			var_push(e, n->pipe->decl[0], json_object_get(item));
		json_object_put(key);
	}
	r = exec_list(e, &n->body, item);
	var_pop_to(e, mark);
	return r;
}

static int exec_range(struct texec *e, const struct tnode *n, struct json_object *v,
		      struct json_object *dot)
{
	size_t i, len;
	int r = 0;

	if (e->header)
		return exec_list(e, &n->body, dot);
	if (json_object_is_type(v, json_type_array)) {
		len = json_object_array_length(v);
		for (i = 0; i < len && r == 0; i++)
			r = exec_range_item(e, n, json_object_new_int64((int64_t)i),
					    json_object_array_get_idx(v, i));
	} else if (json_object_is_type(v, json_type_object)) {
		cleanup_free const char **keys = sorted_keys(v, &len);

		for (i = 0; i < len && r == 0; i++)
			r = exec_range_item(e, n, json_object_new_string(keys[i]),
					    json_object_object_get(v, keys[i]));
	} else if (v) {
		return exec_err(e, &n->pipe->cmds[0].args[0], "range can't iterate over %s",
				json_object_get_string(v));
	}
	if (r == 0 && value_len(v) <= 0)
		r = exec_list(e, &n->alt, dot);
	return r;
}

static int exec_node(struct texec *e, const struct tnode *n, struct json_object *dot)
{
	struct json_object *v = NULL;
	int r = 0;

	if (n->kind == N_TEXT) {
		strbuf_addstr(e->out, n->text);
		return 0;
	}
	if (eval_pipe(e, n->pipe, dot, &v) < 0)
		return -1;
	switch (n->kind) {
	case N_ACTION:
		if (n->pipe->ndecl) {
			var_push(e, n->pipe->decl[n->pipe->ndecl - 1], steal_ptr(v));
			return 0;
		}
		value_print(e->out, v, true);
		break;
	case N_IF:
		r = exec_list(e, e->header || value_truth(v) ? &n->body : &n->alt, dot);
		break;
	case N_WITH:
		if (e->header || value_truth(v))
			r = exec_list(e, &n->body, e->header ? dot : v);
		else
			r = exec_list(e, &n->alt, dot);
		break;
	case N_RANGE:
		r = exec_range(e, n, v, dot);
		break;
	case N_TEXT:
		break;
	}
	json_object_put(v);
	return r;
}

static int exec_list(struct texec *e, const struct tlist *l, struct json_object *dot)
{
	size_t i, mark = e->nvars;
	int r = 0;

	for (i = 0; i < l->n && r == 0; i++)
		r = exec_node(e, l->v[i], dot);
	var_pop_to(e, mark);
	return r;
}

int tmpl_exec(struct strbuf *out, const struct tlist *t, struct json_object *dot,
		       bool header, const char *const *headers, struct pea_err **err)
{
	struct texec e = { out, dot, NULL, 0, 0, header, headers, err };
	int r = exec_list(&e, t, dot);

	var_pop_to(&e, 0);
	free(e.vars);
	return r;
}

int fmt_template_exec(struct strbuf *out, const char *tmpl, struct json_object *dot,
		      bool header, const char *const *headers, struct pea_err **err)
{
	struct tlist t = { 0 };
	int r = tmpl_parse(tmpl, &t, err);

	if (r == 0)
		r = tmpl_exec(out, &t, dot, header, headers, err);
	tmpl_list_free(&t);
	return r;
}
