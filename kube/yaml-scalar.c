/* Plain scalars resolved with YAML 1.1 rules, as go-yaml v2's resolve():
 * null, bool, int (Go's strconv prefixes and leading-0 octal), float, else
 * string.  Quoted and block scalars stay strings unless explicitly tagged. */
#include "kube/yaml.h"
#include "base/cleanup.h"
#include "base/xalloc.h"
#include "kube/yaml-internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/banned.h"

struct word {
	const char *s;
	enum kyaml_type type;
	int val;
};

static const struct word words[] = {
	{ "~", KYAML_NULL, 0 },    { "null", KYAML_NULL, 0 },  { "Null", KYAML_NULL, 0 },
	{ "NULL", KYAML_NULL, 0 }, { "y", KYAML_BOOL, 1 },     { "Y", KYAML_BOOL, 1 },
	{ "yes", KYAML_BOOL, 1 },  { "Yes", KYAML_BOOL, 1 },   { "YES", KYAML_BOOL, 1 },
	{ "true", KYAML_BOOL, 1 }, { "True", KYAML_BOOL, 1 },  { "TRUE", KYAML_BOOL, 1 },
	{ "on", KYAML_BOOL, 1 },   { "On", KYAML_BOOL, 1 },    { "ON", KYAML_BOOL, 1 },
	{ "n", KYAML_BOOL, 0 },    { "N", KYAML_BOOL, 0 },     { "no", KYAML_BOOL, 0 },
	{ "No", KYAML_BOOL, 0 },   { "NO", KYAML_BOOL, 0 },    { "false", KYAML_BOOL, 0 },
	{ "False", KYAML_BOOL, 0 }, { "FALSE", KYAML_BOOL, 0 }, { "off", KYAML_BOOL, 0 },
	{ "Off", KYAML_BOOL, 0 },  { "OFF", KYAML_BOOL, 0 },   { ".nan", KYAML_FLOAT, 2 },
	{ ".NaN", KYAML_FLOAT, 2 }, { ".NAN", KYAML_FLOAT, 2 }, { ".inf", KYAML_FLOAT, 1 },
	{ ".Inf", KYAML_FLOAT, 1 }, { ".INF", KYAML_FLOAT, 1 }, { "+.inf", KYAML_FLOAT, 1 },
	{ "+.Inf", KYAML_FLOAT, 1 }, { "+.INF", KYAML_FLOAT, 1 }, { "-.inf", KYAML_FLOAT, -1 },
	{ "-.Inf", KYAML_FLOAT, -1 }, { "-.INF", KYAML_FLOAT, -1 },
};

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Go's strconv.ParseInt(s, 0, 64) then ParseUint(s, 0, 64): sign, 0x/0o/0b
 * prefixes, a leading 0 for octal.  Returns 0 for int64, 1 for a value that
 * only fits uint64, -1 if s is not an integer. */
static int go_parse_int(const char *s, int64_t *out)
{
	bool neg = false, sign = false;
	unsigned base = 10;
	uint64_t v = 0;

	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		sign = true;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned d = (unsigned)digit_val(*s);

		if (d >= base || v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -1;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
		return 0;
	}
	if (v > (uint64_t)INT64_MAX) {
		*out = INT64_MAX;
		return sign ? -1 : 1; /* ParseUint takes no sign */
	}
	*out = (int64_t)v;
	return 0;
}

/* go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s)
{
	const char *p;

	if (*s == '-' || *s == '+')
		s++;
	if (*s == '.') {
		for (p = ++s; *s >= '0' && *s <= '9'; s++)
			;
		if (s == p)
			return false;
	} else {
		for (p = s; *s >= '0' && *s <= '9'; s++)
			;
		if (s == p)
			return false;
		if (*s == '.')
			for (s++; *s >= '0' && *s <= '9'; s++)
				;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		for (p = s; *s >= '0' && *s <= '9'; s++)
			;
		if (s == p)
			return false;
	}
	return *s == '\0';
}

static bool parse_float(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	/* Go's ParseFloat fails on overflow (the scalar stays a string) */
	return *end == '\0' && !(errno == ERANGE && isinf(*out));
}

static void resolve_number(struct kyaml_node *n)
{
	cleanup_free char *plain = xmalloc(n->len + 1);
	size_t i, j = 0;
	int r;

	for (i = 0; i < n->len; i++)
		if (n->text[i] != '_')
			plain[j++] = n->text[i];
	plain[j] = '\0';
	r = go_parse_int(plain, &n->i);
	if (r >= 0) {
		n->type = KYAML_INT;
		n->big = r == 1;
	} else if (yaml_style_float(plain) && parse_float(plain, &n->f)) {
		n->type = KYAML_FLOAT;
	}
}

static void resolve_plain(struct kyaml_node *n)
{
	size_t i;
	char c = n->text[0];

	n->type = KYAML_STR;
	if (n->len == 0) {
		n->type = KYAML_NULL;
		return;
	}
	if (strlen(n->text) != n->len)
		return;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(n->text, words[i].s))
			continue;
		n->type = words[i].type;
		n->b = words[i].val;
		if (n->type == KYAML_FLOAT)
			n->f = words[i].val == 2 ? NAN : words[i].val * INFINITY;
		return;
	}
	if (c == '.') {
		/* go-yaml: strconv.ParseFloat on the text as is */
		if (yaml_style_float(n->text) && parse_float(n->text, &n->f))
			n->type = KYAML_FLOAT;
	} else if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
		resolve_number(n);
	}
}

static bool tag_is(const yaml_char_t *tag, const char *what)
{
	return tag && !strcmp((const char *)tag, what);
}

void kyaml_resolve_scalar(struct kyaml_node *n, const yaml_event_t *ev)
{
	const yaml_char_t *tag = ev->data.scalar.tag;

	switch (ev->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		n->style = KYAML_QUOTED;
		break;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		n->style = KYAML_BLOCK;
		break;
	default:
		n->style = KYAML_PLAIN;
	}
	n->type = KYAML_STR;
	if ((!tag && n->style == KYAML_PLAIN) || tag_is(tag, YAML_INT_TAG) ||
	    tag_is(tag, YAML_BOOL_TAG) || tag_is(tag, YAML_FLOAT_TAG) ||
	    tag_is(tag, YAML_NULL_TAG))
		resolve_plain(n);
}
