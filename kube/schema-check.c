/* The validators shared by the kinds, with the messages of the API server's
 * validation (k8s.io/apimachinery/pkg/util/validation and
 * pkg/apis/core/validation), and Go's base64 decoding of []byte. */
#include "kube/schema.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static const char subdomain_msg[] =
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
	"'-' or '.', start and end with an alphanumeric character, and be at most 253 "
	"characters";
static const char qualified_msg[] =
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
	"with an alphanumeric character";

static bool is_lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool is_alnum(char ch)
{
	return is_lower_alnum(ch) || (ch >= 'A' && ch <= 'Z');
}

static char *invalid(const char *v, const char *msg)
{
	return xasprintf("invalid value \"%s\": %s", v, msg);
}

static bool dns_label_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > 63)
		return false;
	for (i = 0; i < len; i++)
		if (!is_lower_alnum(s[i]) && (s[i] != '-' || i == 0 || i == len - 1))
			return false;
	return true;
}

static bool dns_subdomain_ok(const char *s, size_t total)
{
	const char *p = s, *end = s + total, *dot;

	if (!total || total > 253)
		return false;
	for (;;) {
		dot = memchr(p, '.', (size_t)(end - p));
		if (!dns_label_ok(p, dot ? (size_t)(dot - p) : (size_t)(end - p)))
			return false;
		if (!dot)
			return true;
		p = dot + 1;
	}
}

char *kschema_check_dns_label(const void *value)
{
	const char *s = *(char *const *)value;

	if (dns_label_ok(s, strlen(s)))
		return NULL;
	return invalid(s, "a lowercase RFC 1123 label must consist of lower case alphanumeric "
			  "characters or '-', start and end with an alphanumeric character, "
			  "and be at most 63 characters");
}

char *kschema_check_dns_subdomain(const void *value)
{
	const char *s = *(char *const *)value;

	return dns_subdomain_ok(s, strlen(s)) ? NULL : invalid(s, subdomain_msg);
}

char *kschema_check_port(const void *value)
{
	int32_t v = *(const int32_t *)value;

	if (v >= 1 && v <= 65535)
		return NULL;
	return xasprintf("invalid value %d: must be between 1 and 65535, inclusive", (int)v);
}

static const char *port_name_msg(const char *s)
{
	size_t i, len = strlen(s);
	bool letter = false;

	if (len > 15)
		return "must be no more than 15 characters";
	for (i = 0; i < len; i++) {
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return "must contain only alpha-numeric characters (a-z, 0-9), and "
			       "hyphens (-)";
		letter |= s[i] >= 'a' && s[i] <= 'z';
	}
	if (!letter)
		return "must contain at least one letter (a-z)";
	if (strstr(s, "--"))
		return "must not contain consecutive hyphens";
	if (s[0] == '-' || s[len - 1] == '-')
		return "must not begin or end with a hyphen";
	return NULL;
}

char *kschema_check_port_name(const void *value)
{
	const char *s = *(char *const *)value;
	const char *msg = port_name_msg(s);

	return msg ? invalid(s, msg) : NULL;
}

char *kschema_check_intstr_port(const void *value)
{
	const struct kube_intstr *is = value;

	if (!is->is_str)
		return kschema_check_port(&is->i);
	return kschema_check_port_name(&is->s);
}

char *kschema_check_config_key(const void *value)
{
	const char *s = *(char *const *)value;
	size_t i, len = strlen(s);

	for (i = 0; i < len; i++)
		if (!strchr("-._", s[i]) && !is_alnum(s[i]))
			break;
	if (len && i == len && len <= 253 && strcmp(s, ".") && strcmp(s, ".."))
		return NULL;
	return xasprintf("invalid key \"%s\": a valid config key must consist of "
			 "alphanumeric characters, '-', '_' or '.'", s);
}

char *kschema_check_env_name(const void *value)
{
	const char *s = *(char *const *)value;
	size_t i;

	for (i = 0; s[i]; i++)
		if (!strchr("-._", s[i]) && !is_alnum(s[i]))
			break;
	if (!*s || s[i] || (s[0] >= '0' && s[0] <= '9'))
		return invalid(s, "a valid environment variable name must consist of alphabetic "
				  "characters, digits, '_', '-', or '.', and must not start "
				  "with a digit");
	if (!strcmp(s, "."))
		return invalid(s, "must not be '.'");
	if (!strcmp(s, ".."))
		return invalid(s, "must not be '..'");
	if (!strncmp(s, "..", 2))
		return invalid(s, "must not start with '..'");
	return NULL;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..len) */
static bool qualified_part_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return false;
	for (i = 0; i < len; i++)
		if (!is_alnum(s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

char *kschema_check_label_key(const void *value)
{
	const char *s = *(char *const *)value, *slash = strchr(s, '/'), *name = s;

	if (slash && strchr(slash + 1, '/'))
		return invalid(s, "a qualified name must consist of alphanumeric characters, '-', "
				  "'_' or '.', and must start and end with an alphanumeric "
				  "character, with an optional DNS subdomain prefix and '/' (e.g. "
				  "'example.com/MyName')");
	if (slash) {
		if (slash == s)
			return invalid(s, "prefix part must be non-empty");
		if (!dns_subdomain_ok(s, (size_t)(slash - s)))
			return xasprintf("invalid value \"%s\": prefix part %s", s, subdomain_msg);
		name = slash + 1;
	}
	if (!*name)
		return invalid(s, "name part must be non-empty");
	if (strlen(name) > 63)
		return invalid(s, "name part must be no more than 63 characters");
	if (!qualified_part_ok(name, strlen(name)))
		return xasprintf("invalid value \"%s\": name part %s", s, qualified_msg);
	return NULL;
}

char *kschema_label_value_msg(const char *v)
{
	size_t len = strlen(v);

	if (len > 63)
		return invalid(v, "must be no more than 63 characters");
	if (len && !qualified_part_ok(v, len))
		return xasprintf("invalid value \"%s\": a valid label must be an empty string or "
				 "%s", v, qualified_msg + strlen("must "));
	return NULL;
}

char *kschema_check_ip(const void *value)
{
	const char *s = *(char *const *)value;
	unsigned char buf[16];

	if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
		return NULL;
	return invalid(s, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
}

char *kschema_check_mode(const void *value)
{
	int32_t v = *(const int32_t *)value;

	if (v >= 0 && v <= 0777)
		return NULL;
	return xasprintf("invalid value %d: must be a number between 0 and 0777 (octal), "
			 "both inclusive", (int)v);
}

char *kschema_check_nonneg32(const void *value)
{
	int32_t v = *(const int32_t *)value;

	return v < 0 ? xasprintf("invalid value %d: must be greater than or equal to 0", (int)v)
		     : NULL;
}

char *kschema_check_nonneg64(const void *value)
{
	int64_t v = *(const int64_t *)value;

	return v < 0 ? xasprintf("invalid value %lld: must be greater than or equal to 0",
				 (long long)v)
		     : NULL;
}

char *kschema_check_positive64(const void *value)
{
	int64_t v = *(const int64_t *)value;

	return v <= 0 ? xasprintf("invalid value %lld: must be greater than 0", (long long)v)
		      : NULL;
}

char *kschema_check_id(const void *value)
{
	int64_t v = *(const int64_t *)value;

	if (v >= 0 && v <= INT32_MAX)
		return NULL;
	return xasprintf("invalid value %lld: must be between 0 and 2147483647, inclusive",
			 (long long)v);
}

char *kschema_check_no_backsteps(const void *value)
{
	const char *s = *(char *const *)value, *p = s;

	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 2 && !strncmp(p, "..", 2))
			return invalid(s, "must not contain '..'");
		if (!slash)
			return NULL;
		p = slash + 1;
	}
}

char *kschema_check_rel_path(const void *value)
{
	const char *s = *(char *const *)value;

	if (s[0] == '/')
		return invalid(s, "must be a relative path");
	return kschema_check_no_backsteps(value);
}

char *kschema_check_key_path(const void *value)
{
	const char *s = *(char *const *)value;
	char *msg = kschema_check_rel_path(value);

	if (!msg && !strncmp(s, "..", 2) && strncmp(s, "../", 3))
		msg = invalid(s, "must not start with '..'");
	return msg;
}

char *kschema_check_resource_name(const void *value)
{
	const char *s = *(char *const *)value;
	char *msg = kschema_check_label_key(value);

	if (msg || strchr(s, '/'))
		return msg;
	if (!strcmp(s, "cpu") || !strcmp(s, "memory") || !strcmp(s, "ephemeral-storage") ||
	    !strncmp(s, "hugepages-", 10))
		return NULL;
	return invalid(s, "must be a standard resource for containers");
}

char *kschema_enum_msg(const char *v, const char *const *allowed)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; allowed[i]; i++)
		if (!strcmp(v, allowed[i]))
			return NULL;
	strbuf_addf(&sb, "unsupported value \"%s\": supported values: ", v);
	for (i = 0; allowed[i]; i++)
		strbuf_addf(&sb, "%s\"%s\"", i ? ", " : "", allowed[i]);
	return strbuf_detach(&sb, NULL);
}

/* ---- resource.Quantity (k8s.io/apimachinery/pkg/api/resource) ---- */

static size_t span_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

static bool quantity_suffix_ok(const char *sfx)
{
	static const char *const known[] = { "",  "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u",
					     "m", "k",  "M",  "G",  "T",  "P",  "E",  NULL };
	size_t i;

	for (i = 0; known[i]; i++)
		if (!strcmp(sfx, known[i]))
			return true;
	if ((sfx[0] != 'e' && sfx[0] != 'E') || !sfx[1])
		return false;
	sfx += 1 + (sfx[1] == '+' || sfx[1] == '-');
	return *sfx && span_digits(sfx) == strlen(sfx);
}

/* Go's parseQuantityString: [+-]digits[.digits] then the suffix characters
 * "eEinumkKMGTP", an optional sign and digits, nothing else. */
char *kschema_quantity_msg(const char *q)
{
	const char *p = q, *sfx;
	bool neg = *p == '-';

	if (*p == '+' || *p == '-')
		p++;
	p += span_digits(p);
	if (*p == '.')
		p += 1 + span_digits(p + 1);
	sfx = p;
	while (*p && strchr("eEinumkKMGTP", *p))
		p++;
	if (*p == '+' || *p == '-')
		p++;
	p += span_digits(p);
	if (!*q || *p || sfx == q + (*q == '+' || *q == '-'))
		return invalid(q, "quantities must match the regular expression "
				  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	if (!quantity_suffix_ok(sfx))
		return invalid(q, "unable to parse quantity's suffix");
	if (neg && strspn(q + 1, "0.") != (size_t)(sfx - q - 1))
		return invalid(q, "must be greater than or equal to 0");
	return NULL;
}

/* ---- base64 ---- */

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
	if (q) { /* a short last group: a bad character in it comes first */
		size_t k;

		*bad = len;
		for (k = 0; k < q; k++)
			if (g[k] != '=' && b64_val((unsigned char)g[k]) < 0) {
				*bad = at[k];
				break;
			}
		return NULL;
	}
	*outlen = n;
	out[n] = '\0';
	return steal_ptr(out);
}
