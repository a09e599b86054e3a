#include "tests/unit/tap.h"
#include "kube/yaml.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <math.h>

#include "base/banned.h"

static struct kyaml_doc *docs;
static size_t ndocs;

/* Parse s as "app.yaml"; returns the error message (caller frees) or NULL. */
static char *parse(const char *s)
{
	struct pea_err *err = NULL;
	char *m;

	kyaml_docs_free(docs, ndocs);
	docs = NULL;
	ndocs = 0;
	if (kyaml_parse("app.yaml", s, strlen(s), &docs, &ndocs, &err) == 0)
		return NULL;
	if (err->kind != PEA_E_INVALID)
		printf("#   error kind %d\n", err->kind);
	m = xstrdup(err->msg);
	pea_err_free(err);
	return m;
}

#define CHECK_OK(s)                                                   \
	do {                                                          \
		char *_m = parse(s);                                  \
		if (_m) {                                             \
			printf("#   unexpected error: %s\n", _m);     \
			tap_cur_failed = 1;                           \
			free(_m);                                     \
			return;                                       \
		}                                                     \
	} while (0)

#define CHECK_ERR(s, want)                                            \
	do {                                                          \
		char *_m = parse(s);                                  \
		CHECK_STR(_m, want);                                  \
		free(_m);                                             \
	} while (0)

/* The node at a dotted path of keys ("spec.containers") below the root of doc i. */
static const struct kyaml_node *at(size_t i, const char *path)
{
	const struct kyaml_node *n = i < ndocs ? docs[i].root : NULL;
	char *copy = xstrdup(path), *p = copy, *dot;

	while (n && *p) {
		dot = strchr(p, '.');
		if (dot)
			*dot = '\0';
		if (n->kind == KYAML_SEQUENCE && *p >= '0' && *p <= '9') {
			size_t idx = (size_t)strtoul(p, NULL, 10);

			n = idx < n->nitems ? n->items[idx] : NULL;
		} else {
			n = kyaml_get(n, p);
		}
		p = dot ? dot + 1 : p + strlen(p);
	}
	free(copy);
	return n;
}

#define CHECK_LOC(n, l, c)                                            \
	do {                                                          \
		const struct kyaml_node *_n = (n);                    \
		CHECK(_n != NULL);                                    \
		if (_n) {                                             \
			CHECK_INT(_n->line, l);                       \
			CHECK_INT(_n->col, c);                        \
		}                                                     \
	} while (0)

TEST(block_locations)
{
	CHECK_OK("apiVersion: v1\n"
		 "kind: Pod\n"
		 "spec:\n"
		 "  containers:\n"
		 "  - name: web\n"
		 "    image: busybox\n"
		 "    ports:\n"
		 "      - containerPort: 80\n"
		 "        hostPort: 8080\n");
	CHECK_INT(ndocs, 1);
	CHECK_INT(docs[0].index, 0);
	CHECK_LOC(at(0, "kind"), 2, 7);
	CHECK_LOC(at(0, "spec"), 4, 3);
	CHECK_LOC(at(0, "spec.containers"), 5, 3);
	CHECK_LOC(at(0, "spec.containers.0.image"), 6, 12);
	CHECK_LOC(at(0, "spec.containers.0.ports.0.hostPort"), 9, 19);
	CHECK_STR(kyaml_as_str(at(0, "spec.containers.0.name")), "web");
	/* keys carry their own location */
	CHECK_LOC(docs[0].root->pairs[1].key, 2, 1);
}

TEST(flow_locations_trailing_commas_comments)
{
	int64_t v = 0;

	CHECK_OK("spec: {a: 1, b: [x, y,], c: {d: 2,},}\n"
		 "flow: {\n"
		 "  # a comment inside braces\n"
		 "  k: v, # another\n"
		 "  list: [1, # one\n"
		 "         2],\n"
		 "}\n");
	CHECK_LOC(at(0, "spec"), 1, 7);
	CHECK_LOC(at(0, "spec.a"), 1, 11);
	CHECK_LOC(at(0, "spec.b.1"), 1, 21);
	CHECK_INT(at(0, "spec.b")->nitems, 2);
	CHECK_INT(at(0, "spec")->npairs, 3);
	CHECK(kyaml_as_int(at(0, "spec.c.d"), &v));
	CHECK_INT(v, 2);
	CHECK_STR(kyaml_as_str(at(0, "flow.k")), "v");
	CHECK_INT(at(0, "flow")->npairs, 2);
	CHECK_INT(at(0, "flow.list")->nitems, 2);
	CHECK_LOC(at(0, "flow.list.1"), 6, 10);
}

TEST(multi_document)
{
	CHECK_OK("a: 1\n"
		 "---\n"
		 "---\n"
		 "# only a comment\n"
		 "---\n"
		 "b: 2\n"
		 "...\n"
		 "---\n"
		 "c: 3\n"
		 "---\n"
		 "null\n");
	CHECK_INT(ndocs, 3);
	if (ndocs != 3)
		return;
	CHECK(at(0, "a") != NULL);
	CHECK(at(1, "b") != NULL);
	CHECK(at(2, "c") != NULL);
	CHECK_INT(docs[0].index, 0);
	CHECK_INT(docs[1].index, 3);
	CHECK_INT(docs[2].index, 4);
	CHECK_INT(docs[1].line, 5);
	CHECK_LOC(at(2, "c"), 9, 4);
	CHECK_INT(at(2, "c")->doc, 4);
	CHECK_OK("");
	CHECK_INT(ndocs, 0);
	CHECK_OK("---\n");
	CHECK_INT(ndocs, 0);
}

struct scalar_case {
	const char *yaml;
	enum kyaml_type type;
	int64_t i;
	double f;
};

static const struct scalar_case scalars[] = {
	{ "~", KYAML_NULL, 0, 0 },         { "null", KYAML_NULL, 0, 0 },
	{ "Null", KYAML_NULL, 0, 0 },      { "NULL", KYAML_NULL, 0, 0 },
	{ "", KYAML_NULL, 0, 0 },          { "nULL", KYAML_STR, 0, 0 },
	{ "yes", KYAML_BOOL, 1, 0 },       { "Yes", KYAML_BOOL, 1, 0 },
	{ "on", KYAML_BOOL, 1, 0 },        { "ON", KYAML_BOOL, 1, 0 },
	{ "y", KYAML_BOOL, 1, 0 },         { "TRUE", KYAML_BOOL, 1, 0 },
	{ "no", KYAML_BOOL, 0, 0 },        { "off", KYAML_BOOL, 0, 0 },
	{ "N", KYAML_BOOL, 0, 0 },         { "False", KYAML_BOOL, 0, 0 },
	{ "yEs", KYAML_STR, 0, 0 },        { "\"yes\"", KYAML_STR, 0, 0 },
	{ "'on'", KYAML_STR, 0, 0 },       { "0644", KYAML_INT, 420, 0 },
	{ "0o17", KYAML_INT, 15, 0 },      { "0x1F", KYAML_INT, 31, 0 },
	{ "-0x1F", KYAML_INT, -31, 0 },    { "0b101", KYAML_INT, 5, 0 },
	{ "1_000", KYAML_INT, 1000, 0 },   { "+42", KYAML_INT, 42, 0 },
	{ "-17", KYAML_INT, -17, 0 },      { "0", KYAML_INT, 0, 0 },
	{ "\"0644\"", KYAML_STR, 0, 0 },   { "08", KYAML_FLOAT, 0, 8 },
	{ "1.5", KYAML_FLOAT, 0, 1.5 },    { "-2e3", KYAML_FLOAT, 0, -2000 },
	{ ".5", KYAML_FLOAT, 0, 0.5 },     { "1.", KYAML_FLOAT, 0, 1 },
	{ ".inf", KYAML_FLOAT, 0, INFINITY }, { "-.Inf", KYAML_FLOAT, 0, -INFINITY },
	{ ".NaN", KYAML_FLOAT, 0, NAN },   { "1e400", KYAML_STR, 0, 0 },
	{ "9223372036854775807", KYAML_INT, INT64_MAX, 0 },
	{ "-9223372036854775808", KYAML_INT, INT64_MIN, 0 },
	{ "2001-12-14", KYAML_STR, 0, 0 }, { "1.2.3", KYAML_STR, 0, 0 },
	{ "0x", KYAML_STR, 0, 0 },         { "12abc", KYAML_STR, 0, 0 },
	{ "!!str 123", KYAML_STR, 0, 0 },  { "|\n  123\n", KYAML_STR, 0, 0 },
	{ "<<x", KYAML_STR, 0, 0 },
};

TEST(yaml11_scalars)
{
	size_t i;

	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		const struct scalar_case *c = &scalars[i];
		char *y = xasprintf("v: %s\n", c->yaml), *m = parse(y);
		const struct kyaml_node *n;

		free(y);
		if (m) {
			printf("#   %s: %s\n", c->yaml, m);
			free(m);
			tap_cur_failed = 1;
			continue;
		}
		n = at(0, "v");
		if (!n || n->type != c->type) {
			printf("#   %s: type %d, want %d\n", c->yaml, n ? (int)n->type : -1,
			       (int)c->type);
			tap_cur_failed = 1;
			continue;
		}
		if ((c->type == KYAML_INT && n->i != c->i) ||
		    (c->type == KYAML_BOOL && n->b != (c->i != 0)) ||
		    (c->type == KYAML_FLOAT && !(n->f == c->f || (isnan(c->f) && isnan(n->f))))) {
			printf("#   %s: wrong value %lld %g\n", c->yaml, (long long)n->i, n->f);
			tap_cur_failed = 1;
		}
	}
}

TEST(big_ints_and_typed_reads)
{
	int64_t v = 0;
	bool b = false;

	CHECK_OK("big: 18446744073709551615\nf: 5.0\ns: \"7\"\nm: 0644\nt: on\n");
	CHECK_INT(at(0, "big")->type, KYAML_INT);
	CHECK(at(0, "big")->big);
	CHECK(!kyaml_as_int(at(0, "big"), &v));
	CHECK(kyaml_as_int(at(0, "f"), &v));
	CHECK_INT(v, 5);
	CHECK(!kyaml_as_int(at(0, "s"), &v));
	CHECK_STR(kyaml_str(at(0, "s")), "7");
	CHECK(kyaml_as_int(at(0, "m"), &v));
	CHECK_INT(v, 420);
	CHECK(kyaml_as_str(at(0, "m")) == NULL);
	CHECK_STR(kyaml_str(at(0, "m")), "0644");
	CHECK(kyaml_as_bool(at(0, "t"), &b));
	CHECK(b);
	CHECK_STR(kyaml_type_name(at(0, "t")), "boolean");
	CHECK_STR(kyaml_type_name(at(0, "m")), "integer");
	CHECK_STR(kyaml_type_name(docs[0].root), "object");
	/* keys become JSON keys as sigs.k8s.io/yaml makes them */
	CHECK_OK("on: 1\n0644: 2\n");
	CHECK(kyaml_get(docs[0].root, "true") != NULL);
	CHECK(kyaml_get(docs[0].root, "on") == NULL);
	CHECK(kyaml_get(docs[0].root, "420") != NULL);
}

TEST(anchors_aliases_merge)
{
	int64_t v = 0;

	CHECK_OK("base: &base\n"
		 "  image: busybox\n"
		 "  tty: true\n"
		 "other: &other {image: nginx, stdin: yes, workingDir: /x}\n"
		 "a: *base\n"
		 "b:\n"
		 "  <<: *base\n"
		 "  tty: false\n"
		 "c:\n"
		 "  name: c\n"
		 "  <<: [*other, *base]\n"
		 "d:\n"
		 "  workingDir: /d\n"
		 "  <<: *other\n"
		 "s: &s 5\n"
		 "t: *s\n");
	CHECK(at(0, "a") == at(0, "base"));
	CHECK_STR(kyaml_as_str(at(0, "a.image")), "busybox");
	CHECK_STR(kyaml_as_str(at(0, "b.image")), "busybox");
	CHECK_INT(at(0, "b.tty")->b, 0);
	CHECK_INT(at(0, "b")->npairs, 2);
	CHECK(kyaml_get(at(0, "b"), "<<") == NULL);
	CHECK_STR(kyaml_as_str(at(0, "c.image")), "nginx"); /* earlier source wins */
	CHECK_INT(at(0, "c.tty")->b, 1);
	CHECK_INT(at(0, "c")->npairs, 5);
	CHECK_STR(kyaml_as_str(docs[0].root->pairs[2].key), "a");
	CHECK_STR(kyaml_as_str(at(0, "c")->pairs[0].key), "name");
	CHECK_STR(kyaml_as_str(at(0, "d.workingDir")), "/d"); /* explicit wins */
	CHECK_INT(at(0, "d")->npairs, 3);
	CHECK(kyaml_as_int(at(0, "t"), &v));
	CHECK_INT(v, 5);
	CHECK_ERR("a: *nope\n", "app.yaml:1:4: unknown anchor \"nope\" referenced");
	CHECK_ERR("a: &x [1, *x]\n", "app.yaml:1:11: unknown anchor \"x\" referenced");
	CHECK_ERR("a:\n  <<: 5\n",
		  "app.yaml:2:7: map merge requires a mapping or a sequence of mappings");
	/* anchors do not cross documents */
	CHECK_ERR("a: &x 1\n---\nb: *x\n", "app.yaml:3:4: unknown anchor \"x\" referenced");
}

TEST(duplicate_keys)
{
	CHECK_ERR("apiVersion: v1\n"
		  "kind: Pod\n"
		  "metadata:\n"
		  "  name: a\n"
		  "spec:\n"
		  "  containers:\n"
		  "  - name: x\n"
		  "    image: busybox\n"
		  "    name: y\n",
		  "app.yaml:9:5: duplicate key \"name\"");
	CHECK_ERR("{a: 1, b: 2, \"a\": 3}\n", "app.yaml:1:14: duplicate key \"a\"");
	CHECK_ERR("0x10: a\n16: b\n", "app.yaml:2:1: duplicate key \"16\"");
	CHECK_ERR("a: 1\nb: 1\nb: 2\na: 3\n", "app.yaml:3:1: duplicate key \"b\"");
	/* "1" and 1 are different keys; a merged key may be overridden */
	CHECK_OK("\"1\": a\n1: b\n");
	CHECK_OK("x: &x {a: 1}\ny: {<<: *x, a: 2}\n");
}

TEST(tabs)
{
	CHECK_ERR("metadata:\n"
		  "\tname: x\n",
		  "app.yaml:2:1: tabs are not allowed for indentation");
	CHECK_ERR("spec:\n"
		  "  containers:\n"
		  "  \t- name: x\n",
		  "app.yaml:3:3: tabs are not allowed for indentation");
	/* a tab inside a value or after a key is fine, as in libyaml and go-yaml */
	CHECK_OK("a: \"x\ty\"\nb:\t1\n");
	CHECK_STR(kyaml_as_str(at(0, "a")), "x\ty");
}

TEST(malformed)
{
	CHECK_ERR("a: b: c\n", "app.yaml:1:5: mapping values are not allowed in this context");
	CHECK_ERR("a:\n  - x\n  b: 1\n",
		  "app.yaml:3:3: did not find expected '-' indicator "
		  "(while parsing a block collection at 2:3)");
	CHECK_ERR("a: [1, 2\n",
		  "app.yaml:2:1: did not find expected ',' or ']' "
		  "(while parsing a flow sequence at 1:4)");
	CHECK_ERR("a: \"x\n", "app.yaml:2:1: found unexpected end of stream "
			      "(while scanning a quoted scalar at 1:4)");
	CHECK_ERR("a: @x\n", "app.yaml:1:4: found character that cannot start any token");
	CHECK_ERR("a: \x01\n", "app.yaml:1:4: control characters are not allowed (#1)");
	CHECK_ERR("a: \xff\n", "app.yaml:1:4: invalid leading UTF-8 octet (#FF)");
}

TEST(billion_laughs)
{
	struct strbuf sb = STRBUF_INIT;
	char *m;
	int i, j;

	strbuf_addstr(&sb, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++) {
		strbuf_addf(&sb, "a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			strbuf_addf(&sb, "%s*a%d", j ? ", " : "", i - 1);
		strbuf_addstr(&sb, "]\n");
	}
	m = parse(sb.buf);
	CHECK(m && strstr(m, "too many nodes after expanding aliases (more than 1000000)"));
	CHECK(m && !strncmp(m, "app.yaml:6:", 11));
	free(m);
	strbuf_release(&sb);
	/* a few levels are fine */
	CHECK_OK("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n");
}

TEST(deep_nesting)
{
	struct strbuf sb = STRBUF_INIT;
	char *m;
	int i;

	for (i = 0; i < 5000; i++)
		strbuf_addch(&sb, '[');
	m = parse(sb.buf);
	CHECK(m && strstr(m, "nesting deeper than 1000 levels"));
	free(m);
	strbuf_reset(&sb);
	/* aliases cannot stack depth either */
	strbuf_addstr(&sb, "a0: &a0 [[[[[[[[[[1]]]]]]]]]]\n");
	for (i = 1; i < 200; i++)
		strbuf_addf(&sb, "a%d: &a%d [[[[[[[[[[*a%d]]]]]]]]]]\n", i, i, i - 1);
	m = parse(sb.buf);
	CHECK(m && strstr(m, "nesting deeper than 1000 levels"));
	free(m);
	strbuf_release(&sb);
}

TEST(messages_and_paths)
{
	struct kyaml_path p;
	struct pea_err *err = NULL;
	char *m;

	kyaml_path_init(&p);
	kyaml_path_push_key(&p, "spec");
	kyaml_path_push_key(&p, "containers");
	kyaml_path_push_index(&p, 1);
	kyaml_path_push_key(&p, "ports");
	kyaml_path_push_index(&p, 0);
	kyaml_path_push_key(&p, "hostPort");
	CHECK_STR(kyaml_path_str(&p), "spec.containers[1].ports[0].hostPort");
	kyaml_path_pop(&p);
	kyaml_path_pop(&p);
	kyaml_path_push_key(&p, "x");
	CHECK_STR(kyaml_path_str(&p), "spec.containers[1].ports.x");
	kyaml_path_release(&p);
	kyaml_path_push_key(&p, "metadata");
	kyaml_path_push_key(&p, "labels");
	kyaml_path_push_mapkey(&p, "app.kubernetes.io/name");
	CHECK_STR(kyaml_path_str(&p), "metadata.labels[app.kubernetes.io/name]");
	kyaml_path_release(&p);
	CHECK_STR(kyaml_path_str(&p), "");

	CHECK_OK("spec:\n  hostPort: 70000\n");
	CHECK_INT(kyaml_error(&err, "app.yaml", at(0, "spec.hostPort"), "spec.hostPort",
			      "must be %d-%d", 1, 65535),
		  -1);
	CHECK_STR(err ? err->msg : NULL, "app.yaml:2:13: spec.hostPort: must be 1-65535");
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	m = kyaml_msg("app.yaml", NULL, NULL, "unknown kind \"%s\"", "Service");
	CHECK_STR(m, "app.yaml: unknown kind \"Service\"");
	free(m);
}

TEST(nul_bytes_and_binary_input)
{
	static const char in[] = "a: \"x\\0y\"\n";
	struct pea_err *err = NULL;

	CHECK_OK(in);
	CHECK_INT(at(0, "a")->len, 3);
	CHECK_INT(at(0, "a")->text[1], 0);
	kyaml_docs_free(docs, ndocs);
	docs = NULL;
	ndocs = 0;
	/* a NUL in the input itself is refused, not a crash */
	CHECK_INT(kyaml_parse("bin", "a: b\0c", 6, &docs, &ndocs, &err), -1);
	CHECK(err && !strncmp(err->msg, "bin:1:", 6));
	pea_err_free(err);
}

int main(void)
{
	RUN(block_locations);
	RUN(flow_locations_trailing_commas_comments);
	RUN(multi_document);
	RUN(yaml11_scalars);
	RUN(big_ints_and_typed_reads);
	RUN(anchors_aliases_merge);
	RUN(duplicate_keys);
	RUN(tabs);
	RUN(malformed);
	RUN(billion_laughs);
	RUN(deep_nesting);
	RUN(messages_and_paths);
	RUN(nul_bytes_and_binary_input);
	kyaml_docs_free(docs, ndocs);
	return tap_done();
}
