/* Parser of the Go text/template subset: pipelines ("{{.A | upper}}") and
 * the text with its if/range/with blocks, into the tree of cli/template.h. */
#include "cli/template.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#include "base/banned.h"

/* ---------- template syntax tree ---------- */

static void pipe_free(struct tpipe *p);

void tmpl_list_free(struct tlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i]->text);
		pipe_free(l->v[i]->pipe);
		tmpl_list_free(&l->v[i]->body);
		tmpl_list_free(&l->v[i]->alt);
		free(l->v[i]);
	}
	free(l->v);
}

static void pipe_free(struct tpipe *p)
{
	size_t c, a, f;

	if (!p)
		return;
	for (c = 0; c < p->n; c++) {
		for (a = 0; a < p->cmds[c].n; a++) {
			struct targ *g = &p->cmds[c].args[a];

			free(g->text);
			free(g->name);
			for (f = 0; f < g->nfields; f++)
				free(g->fields[f]);
			free(g->fields);
			pipe_free(g->sub);
		}
		free(p->cmds[c].args);
	}
	free(p->cmds);
	free(p->decl[0]);
	free(p->decl[1]);
	free(p);
}

static struct tnode *list_add(struct tlist *l, enum node_kind kind)
{
	struct tnode *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = n;
	return n;
}

/* ---------- parsing pipelines ---------- */

struct scan {
	const char *s;
	size_t i, n;
	struct pea_err **err;
};

static int scan_err(struct scan *sc, const char *what)
{
	return pea_err_setk(sc->err, PEA_E_INVALID, 0, "template: %s in \"%.*s\"", what,
			    (int)sc->n, sc->s);
}

static bool is_ident(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static void scan_ws(struct scan *sc)
{
	while (sc->i < sc->n && isspace((unsigned char)sc->s[sc->i]))
		sc->i++;
}

static char *scan_ident(struct scan *sc)
{
	size_t start = sc->i;

	while (sc->i < sc->n && is_ident(sc->s[sc->i]))
		sc->i++;
	return xstrndup(sc->s + start, sc->i - start);
}

static void scan_fields(struct scan *sc, struct targ *a)
{
	size_t alloc = 0;

	while (sc->i + 1 < sc->n && sc->s[sc->i] == '.' && is_ident(sc->s[sc->i + 1])) {
		sc->i++;
		ALLOC_GROW(a->fields, a->nfields + 1, alloc);
		a->fields[a->nfields++] = scan_ident(sc);
	}
}

static int scan_string(struct scan *sc, struct targ *a)
{
	struct strbuf sb = STRBUF_INIT;
	char q = sc->s[sc->i++];

	for (; sc->i < sc->n && sc->s[sc->i] != q; sc->i++) {
		char c = sc->s[sc->i];

		if (q == '"' && c == '\\' && sc->i + 1 < sc->n) {
			c = sc->s[++sc->i];
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
		}
		strbuf_addch(&sb, c);
	}
	if (sc->i >= sc->n) {
		strbuf_release(&sb);
		return scan_err(sc, "unterminated quoted string");
	}
	sc->i++;
	a->kind = A_STR;
	a->name = strbuf_detach(&sb, NULL);
	return 0;
}

static int scan_number(struct scan *sc, struct targ *a)
{
	const char *start = sc->s + sc->i;
	char *end;

	errno = 0;
	a->i = strtoll(start, &end, 0);
	if (*end == '.' || *end == 'e' || *end == 'E') {
		a->d = strtod(start, &end);
		a->kind = A_FLOAT;
	} else {
		a->kind = A_INT;
	}
	if (errno || end == start || (size_t)(end - sc->s) > sc->n)
		return scan_err(sc, "bad number");
	sc->i = (size_t)(end - sc->s);
	return 0;
}

static int parse_pipe_at(struct scan *sc, struct tpipe **out, bool paren);

static int scan_arg(struct scan *sc, struct targ *a)
{
	char c = sc->s[sc->i];

	if (c == '(') {
		sc->i++;
		a->kind = A_PIPE;
		if (parse_pipe_at(sc, &a->sub, true) < 0)
			return -1;
		scan_fields(sc, a);
		return 0;
	}
	if (c == '"' || c == '`')
		return scan_string(sc, a);
	if (c == '.') {
		a->kind = sc->i + 1 < sc->n && is_ident(sc->s[sc->i + 1]) ? A_FIELD : A_DOT;
		if (a->kind == A_DOT)
			sc->i++;
		scan_fields(sc, a);
		return 0;
	}
	if (c == '$') {
		sc->i++;
		a->kind = A_VAR;
		a->name = scan_ident(sc);
		scan_fields(sc, a);
		return 0;
	}
	if (isdigit((unsigned char)c) || ((c == '-' || c == '+') && sc->i + 1 < sc->n &&
					  isdigit((unsigned char)sc->s[sc->i + 1])))
		return scan_number(sc, a);
	if (!isalpha((unsigned char)c) && c != '_')
		return scan_err(sc, "unexpected character");
	a->name = scan_ident(sc);
	if (!strcmp(a->name, "true") || !strcmp(a->name, "false")) {
		a->kind = A_BOOL;
		a->i = a->name[0] == 't';
	} else {
		a->kind = !strcmp(a->name, "nil") ? A_NIL : A_FUNC;
	}
	return 0;
}

/* "$k, $v :=" or "$v :=" at the start of a pipeline. */
static void scan_decl(struct scan *sc, struct tpipe *p)
{
	size_t save = sc->i;

	while (p->ndecl < 2 && sc->i < sc->n && sc->s[sc->i] == '$') {
		sc->i++;
		p->decl[p->ndecl++] = scan_ident(sc);
		scan_ws(sc);
		if (sc->i < sc->n && sc->s[sc->i] == ',') {
			sc->i++;
			scan_ws(sc);
			continue;
		}
		if (sc->i + 1 < sc->n && sc->s[sc->i] == ':' && sc->s[sc->i + 1] == '=') {
			sc->i += 2;
			return;
		}
		break;
	}
	free(p->decl[0]);
	free(p->decl[1]);
	p->decl[0] = p->decl[1] = NULL;
	p->ndecl = 0;
	sc->i = save;
}

static int parse_pipe_at(struct scan *sc, struct tpipe **out, bool paren)
{
	struct tpipe *p = xcalloc(1, sizeof(*p));
	struct tcmd *cmd = NULL;

	scan_ws(sc);
	if (!paren)
		scan_decl(sc, p);
	for (;;) {
		scan_ws(sc);
		if (sc->i >= sc->n || (paren && sc->s[sc->i] == ')'))
			break;
		if (sc->s[sc->i] == '|') {
			if (!cmd || cmd->n == 0)
				goto bad;
			cmd = NULL;
			sc->i++;
			continue;
		}
		if (!cmd) {
			ALLOC_GROW(p->cmds, p->n + 1, p->alloc);
			cmd = &p->cmds[p->n++];
			memset(cmd, 0, sizeof(*cmd));
		}
		ALLOC_GROW(cmd->args, cmd->n + 1, cmd->alloc);
		memset(&cmd->args[cmd->n], 0, sizeof(*cmd->args));
		size_t start = sc->i;
		if (scan_arg(sc, &cmd->args[cmd->n++]) < 0) {
			pipe_free(p);
			return -1;
		}
		cmd->args[cmd->n - 1].text = xstrndup(sc->s + start, sc->i - start);
	}
	if (paren && (sc->i >= sc->n || sc->s[sc->i++] != ')'))
		goto bad;
	if (p->n == 0 || (cmd && cmd->n == 0))
		goto bad;
	*out = p;
	return 0;
bad:
	pipe_free(p);
	return scan_err(sc, paren ? "unclosed or empty parenthesis" : "missing value for command");
}

static int parse_pipe(const char *s, size_t len, struct tpipe **out, struct pea_err **err)
{
	struct scan sc = { s, 0, len, err };

	return parse_pipe_at(&sc, out, false);
}

/* ---------- parsing the template text ---------- */

struct tparser {
	const char *s;
	size_t pos;
	bool trim_left;       /* previous action ended with " -}}" */
	struct pea_err **err;
};

enum term { T_EOF, T_END, T_ELSE, T_ELSE_IF };

/* Find the end of the action starting at `from` (just after "{{"), skipping
 * quoted strings.  Returns the index of "}}" or 0. */
static size_t action_end(const char *s, size_t from)
{
	size_t i;
	char q = 0;

	for (i = from; s[i]; i++) {
		if (q) {
			if (s[i] == '\\' && q == '"' && s[i + 1])
				i++;
			else if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '`') {
			q = s[i];
		} else if (s[i] == '}' && s[i + 1] == '}') {
			return i;
		}
	}
	return 0;
}

static bool keyword(const char *a, size_t len, const char *kw, size_t *rest)
{
	size_t k = strlen(kw);

	if (len < k || strncmp(a, kw, k) || (len > k && !isspace((unsigned char)a[k])))
		return false;
	*rest = k;
	return true;
}

/* Add the text before an action, honouring trim markers. */
static void add_text(struct tparser *p, struct tlist *l, size_t end, bool trim_right)
{
	size_t a = p->pos, b = end;

	if (p->trim_left)
		while (a < b && isspace((unsigned char)p->s[a]))
			a++;
	if (trim_right)
		while (b > a && isspace((unsigned char)p->s[b - 1]))
			b--;
	if (b > a)
		list_add(l, N_TEXT)->text = xstrndup(p->s + a, b - a);
}

/* Read the next action; returns its content in *a and *alen, or 0 at EOF. */
static int next_action(struct tparser *p, struct tlist *l, const char **a, size_t *alen)
{
	const char *open = strstr(p->s + p->pos, "{{");
	size_t start, end;
	bool tl = false, tr = false;

	if (!open) {
		add_text(p, l, strlen(p->s), false);
		return 0;
	}
	start = (size_t)(open - p->s) + 2;
	if (p->s[start] == '-' && isspace((unsigned char)p->s[start + 1])) {
		tl = true;
		start += 2;
	}
	end = action_end(p->s, start);
	if (!end)
		return pea_err_setk(p->err, PEA_E_INVALID, 0, "template: unclosed action");
	add_text(p, l, (size_t)(open - p->s), tl);
	p->pos = end + 2;
	if (end > start + 1 && p->s[end - 1] == '-' && isspace((unsigned char)p->s[end - 2])) {
		tr = true;
		end -= 2;
	}
	p->trim_left = tr;
	while (start < end && isspace((unsigned char)p->s[start]))
		start++;
	while (end > start && isspace((unsigned char)p->s[end - 1]))
		end--;
	*a = p->s + start;
	*alen = end - start;
	return 1;
}

static int parse_list(struct tparser *p, struct tlist *l, enum term *term, struct tpipe **elif);

/* Body and else-branches of if/range/with; consumes the {{end}}. */
static int parse_block(struct tparser *p, struct tnode *n)
{
	struct tpipe *elif = NULL;
	enum term t;

	if (parse_list(p, &n->body, &t, &elif) < 0)
		return -1;
	if (t == T_ELSE && parse_list(p, &n->alt, &t, &elif) < 0)
		return -1;
	if (t == T_ELSE_IF) {
		struct tnode *nested = list_add(&n->alt, N_IF);

		nested->pipe = elif;
		return parse_block(p, nested);
	}
	if (t != T_END)
		return pea_err_setk(p->err, PEA_E_INVALID, 0, "template: unexpected EOF");
	return 0;
}

static int parse_list(struct tparser *p, struct tlist *l, enum term *term, struct tpipe **elif)
{
	static const struct { const char *kw; enum node_kind kind; } blocks[] = {
		{ "if", N_IF }, { "range", N_RANGE }, { "with", N_WITH },
	};
	const char *a = NULL;
	size_t alen = 0, rest, i;
	int r;

	while ((r = next_action(p, l, &a, &alen)) > 0) {
		if (alen >= 2 && !strncmp(a, "/*", 2))
			continue;
		if (keyword(a, alen, "end", &rest)) {
			*term = T_END;
			return 0;
		}
		if (keyword(a, alen, "else", &rest)) {
			*term = T_ELSE;
			while (rest < alen && isspace((unsigned char)a[rest]))
				rest++;
			if (rest == alen)
				return 0;
			if (!keyword(a + rest, alen - rest, "if", &i))
				return pea_err_setk(p->err, PEA_E_INVALID, 0,
						    "template: unexpected \"%.*s\" in else",
						    (int)alen, a);
			*term = T_ELSE_IF;
			return parse_pipe(a + rest + i, alen - rest - i, elif, p->err);
		}
		for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
			if (keyword(a, alen, blocks[i].kw, &rest))
				break;
		struct tnode *n = list_add(l, i < 3 ? blocks[i].kind : N_ACTION);
		if (parse_pipe(a + (i < 3 ? rest : 0), alen - (i < 3 ? rest : 0), &n->pipe,
			       p->err) < 0)
			return -1;
		if (i < 3 && parse_block(p, n) < 0)
			return -1;
	}
	*term = T_EOF;
	return r;
}

int tmpl_parse(const char *src, struct tlist *root, struct pea_err **err)
{
	struct tparser p = { src, 0, false, err };
	enum term t;
	struct tpipe *elif = NULL;

	if (parse_list(&p, root, &t, &elif) < 0)
		return -1;
	if (t != T_EOF) {
		pipe_free(elif);
		return pea_err_setk(err, PEA_E_INVALID, 0, "template: unexpected {{%s}}",
				    t == T_END ? "end" : "else");
	}
	return 0;
}
