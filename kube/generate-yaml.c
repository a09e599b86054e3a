/* YAML out, as kubectl lays it out: block style, two spaces per level,
 * sequences at the indentation of their key, "{}" and "[]" for empty ones.
 *
 * Strings are written plain when every YAML reader reads them back as the
 * same string, else double-quoted; YAML 1.1 (go-yaml v2, which Kubernetes
 * and kube play read with) is the stricter one: y/n/yes/no/on/off, "~",
 * numbers with "_", octal, sexagesimal "1:20" and ".5" are not strings
 * there.  Anything that starts like a number is therefore quoted, except
 * quantities ("500m", "64Mi") that no reader takes for a number.
 * Multi-line strings become literal blocks ("|", "|-") when that keeps
 * them byte for byte, else quoted with escapes. */
#include "kube/generate-internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

static const char *const words[] = {
	"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "<<", "=",
	".nan", ".inf", "+.inf", "-.inf",
};

static bool special_word(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	return false;
}

/* Whether some YAML reader takes s for a number or a timestamp: YAML 1.1
 * ints and floats ("_" separators, 0x/0o/0b, leading-0 octal, base 60
 * "1:20", ".5", "1e3"), 1.2's, and dates ("2001-12-14": go-yaml v2 makes
 * them timestamps).  "10.0.0.1", "500m", "64Mi" and "1.2.3" are strings. */
static bool number_like(const char *s)
{
	const char *p = s;
	bool digit = false, dot = false;

	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) && p[4] == '-')
		return true;
	if (*p == '+' || *p == '-')
		p++;
	if (p[0] == '0' && p[1] && strchr("xXoObB", p[1])) {
		const char *d = p + 2;

		for (p = d; isalnum((unsigned char)*p) || *p == '_'; p++)
			;
		return !*p && p > d;
	}
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			digit = true;
		else if (*p == '.' && !dot)
			dot = true;
		else if (*p == ':' && !dot && digit)
			;
		else if (*p != '_')
			break;
	}
	if (digit && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return digit && !*p;
}

/* The next UTF-8 character of s: its code point and length; -1 for a byte
 * that does not start a valid, shortest-form sequence. */
static int32_t utf8_next(const unsigned char *s, size_t *len)
{
	int32_t cp;
	size_t n, i;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		*len = 1;
		return -1;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = 1;
			return -1;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*len = n;
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

/* Characters that must be escaped in any scalar: controls, and what YAML
 * 1.1 takes for line breaks or a byte order mark. */
static bool needs_escape(int32_t cp)
{
	return cp < 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f ||
	       (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff;
}

/* Nothing to escape in s; tabs and newlines only where allowed. */
static bool all_printable(const char *s, bool allow_tab, bool allow_nl)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	while (*p) {
		int32_t cp = utf8_next(p, &len);

		if (needs_escape(cp) || (cp == '\n' && !allow_nl) || (cp == '\t' && !allow_tab))
			return false;
		p += len;
	}
	return true;
}

bool kgen_plain_ok(const char *s)
{
	size_t n = strlen(s);
	unsigned char c0 = (unsigned char)s[0], c1 = n > 1 ? (unsigned char)s[1] : 0;

	if (!n || special_word(s) || !all_printable(s, false, false))
		return false;
	if (number_like(s))
		return false;
	if (strchr("?:,[]{}#&*!|>'\"%@` ", c0) || (c0 == '-' && (!c1 || c1 == ' ' || c1 == '-')))
		return false;
	if (s[n - 1] == ' ' || s[n - 1] == ':' || strstr(s, ": ") || strstr(s, " #"))
		return false;
	return true;
}

static void add_indent(struct strbuf *sb, int n)
{
	while (n-- > 0)
		strbuf_addch(sb, ' ');
}

static void add_quoted(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	strbuf_addch(sb, '"');
	while (*p) {
		int32_t cp = utf8_next(p, &len);

		if (cp == '"' || cp == '\\')
			strbuf_addf(sb, "\\%c", (char)cp);
		else if (cp == '\n')
			strbuf_addstr(sb, "\\n");
		else if (cp == '\t')
			strbuf_addstr(sb, "\\t");
		else if (cp == '\r')
			strbuf_addstr(sb, "\\r");
		else if (cp < 0)
			strbuf_addf(sb, "\\x%02X", *p);
		else if (needs_escape(cp))
			strbuf_addf(sb, cp < 0x100 ? "\\x%02" PRIX32 : "\\u%04" PRIX32, cp);
		else
			strbuf_add(sb, p, len);
		p += len;
	}
	strbuf_addch(sb, '"');
}

/* A literal block keeps s exactly when its lines need no escapes, the
 * first one sets the indentation (does not start with a space), no line
 * is only blanks or ends in one, and at most one newline ends it. */
static bool literal_ok(const char *s)
{
	size_t n = strlen(s);
	const char *line, *nl;

	if (!strchr(s, '\n') || s[0] == ' ' || s[0] == '\t' || s[0] == '\n' ||
	    (n >= 2 && s[n - 1] == '\n' && s[n - 2] == '\n'))
		return false;
	for (line = s; *line; line = nl + 1) {
		size_t ll;

		nl = strchrnul(line, '\n');
		ll = (size_t)(nl - line);
		if (ll && (line[ll - 1] == ' ' || line[ll - 1] == '\t'))
			return false;
		if (!*nl)
			break;
	}
	/* tabs are kept inside a literal block; other controls are not */
	return all_printable(s, true, true);
}

static void add_literal(struct strbuf *sb, const char *s, int ind)
{
	size_t n = strlen(s);
	const char *line = s, *nl;

	strbuf_addstr(sb, s[n - 1] == '\n' ? "|\n" : "|-\n");
	while (*line) {
		nl = strchrnul(line, '\n');
		if (nl > line) {
			add_indent(sb, ind);
			strbuf_add(sb, line, (size_t)(nl - line));
		}
		strbuf_addch(sb, '\n');
		if (!*nl)
			break;
		line = nl + 1;
	}
}

/* A scalar and its newline; ind: where a literal block's lines go. */
static void add_scalar(struct strbuf *sb, const struct kgen_node *v, int ind)
{
	switch (v->type) {
	case KGEN_INT:
		strbuf_addf(sb, "%" PRId64 "\n", v->i);
		return;
	case KGEN_BOOL:
		strbuf_addstr(sb, v->b ? "true\n" : "false\n");
		return;
	default:
		break;
	}
	if (kgen_plain_ok(v->str)) {
		strbuf_addstr(sb, v->str);
	} else if (literal_ok(v->str)) {
		add_literal(sb, v->str, ind);
		return;
	} else {
		add_quoted(sb, v->str);
	}
	strbuf_addch(sb, '\n');
}

static void add_key(struct strbuf *sb, const char *k)
{
	if (kgen_plain_ok(k))
		strbuf_addstr(sb, k);
	else
		add_quoted(sb, k);
	strbuf_addch(sb, ':');
}

static void emit_seq(struct strbuf *sb, const struct kgen_node *s, int ind, bool inl);

static void emit_map(struct strbuf *sb, const struct kgen_node *m, int ind, bool inl)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct kgen_node *v = m->items[i];

		if (!inl || i)
			add_indent(sb, ind);
		add_key(sb, m->keys[i]);
		if (v->type == KGEN_MAP && v->n) {
			strbuf_addch(sb, '\n');
			emit_map(sb, v, ind + 2, false);
		} else if (v->type == KGEN_SEQ && v->n) {
			strbuf_addch(sb, '\n');
			emit_seq(sb, v, ind, false);
		} else if (v->type == KGEN_MAP || v->type == KGEN_SEQ) {
			strbuf_addstr(sb, v->type == KGEN_MAP ? " {}\n" : " []\n");
		} else {
			strbuf_addch(sb, ' ');
			add_scalar(sb, v, ind + 2);
		}
	}
}

static void emit_seq(struct strbuf *sb, const struct kgen_node *s, int ind, bool inl)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct kgen_node *v = s->items[i];

		if (!inl || i)
			add_indent(sb, ind);
		strbuf_addstr(sb, "- ");
		if (v->type == KGEN_MAP && v->n)
			emit_map(sb, v, ind + 2, true);
		else if (v->type == KGEN_SEQ && v->n)
			emit_seq(sb, v, ind + 2, true);
		else if (v->type == KGEN_MAP || v->type == KGEN_SEQ)
			strbuf_addstr(sb, v->type == KGEN_MAP ? "{}\n" : "[]\n");
		else
			add_scalar(sb, v, ind + 2);
	}
}

void kgen_yaml(struct strbuf *sb, const struct kgen_node *doc)
{
	if (doc->type == KGEN_MAP && doc->n)
		emit_map(sb, doc, 0, false);
	else
		strbuf_addstr(sb, "{}\n");
}
