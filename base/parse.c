#include "base/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
	      const char *what, struct pea_err **err)
{
	char *end;
	long long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: '%s' is not a number",
				    what, s ? s : "");
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: '%s' is not a number", what, s);
	if (errno == ERANGE || v < min || v > max)
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "%s: %s is out of range (%lld-%lld)", what, s,
				    (long long)min, (long long)max);
	*out = v;
	return 0;
}

int parse_int(const char *s, int min, int max, int *out, const char *what,
	      struct pea_err **err)
{
	int64_t v;

	if (parse_i64(s, min, max, &v, what, err) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

int parse_size(const char *s, int64_t *out, const char *what, struct pea_err **err)
{
	char *end;
	double v;
	int64_t mult = 1;

	if (!s || !*s)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: empty size", what);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || v < 0)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: invalid size '%s'", what, s);
	switch (tolower((unsigned char)*end)) {
	case '\0': break;
	case 'b': mult = 1; end++; break;
	case 'k': mult = 1LL << 10; end++; break;
	case 'm': mult = 1LL << 20; end++; break;
	case 'g': mult = 1LL << 30; end++; break;
	case 't': mult = 1LL << 40; end++; break;
	default:
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: invalid size '%s'", what, s);
	}
	if (*end && tolower((unsigned char)*end) == 'i' && mult > 1)
		end++;
	if (*end && tolower((unsigned char)*end) == 'b' && mult > 1)
		end++;
	if (*end)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: invalid size '%s'", what, s);
	if (v * (double)mult > 9.2e18)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: size '%s' too large", what, s);
	*out = (int64_t)(v * (double)mult);
	return 0;
}

int parse_bool(const char *s, int *out, const char *what, struct pea_err **err)
{
	static const char *yes[] = { "true", "yes", "1", "on" };
	static const char *no[] = { "false", "no", "0", "off" };
	size_t i;

	for (i = 0; s && i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return pea_err_setk(err, PEA_E_INVALID, 0, "%s: '%s' is not a boolean", what,
			    s ? s : "");
}

bool parse_name_ok(const char *s, size_t max)
{
	const char *p;

	if (!s || !*s)
		return false;
	for (p = s; *p; p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9');

		if (!alnum && (p == s || (*p != '_' && *p != '.' && *p != '-')))
			return false;
	}
	return !max || (size_t)(p - s) <= max;
}

/* Go's time.ParseDuration for non-negative values, in milliseconds. */
int parse_go_duration_ns(const char *s, int64_t *out)
{
	static const struct { const char *u; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
		{ "s", 1e9 }, { "m", 6e10 }, { "h", 3.6e12 },
	};
	double total = 0;

	if (!s || !*s)
		return -1;
	while (*s) {
		char *end;
		double v;
		size_t k, best = 0, blen = 0;

		if (!isdigit((unsigned char)*s) && *s != '.')
			return -1;
		errno = 0;
		v = strtod(s, &end);
		if (errno || end == s)
			return -1;
		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
			size_t ul = strlen(units[k].u);

			if (!strncmp(end, units[k].u, ul) && ul > blen) {
				best = k;
				blen = ul;
			}
		}
		if (!blen)
			return -1;
		total += v * units[best].ns;
		s = end + blen;
	}
	if (total > 9e18)
		return -1;
	*out = (int64_t)total;
	return 0;
}

int parse_duration_ms(const char *s, int64_t *out, const char *what, struct pea_err **err)
{
	int64_t secs;

	if (s && *s && strspn(s, "0123456789") == strlen(s)) {
		if (parse_i64(s, 0, INT64_MAX / 1000, &secs, what, err) < 0)
			return -1;
		*out = secs * 1000;
		return 0;
	}
	if (parse_go_duration_ns(s, out) < 0)
		return pea_err_setk(err, PEA_E_INVALID, 0, "%s: '%s' is not a duration (like 90s, "
				    "5m, 1h30m, or seconds)", what, s ? s : "");
	*out /= 1000000;
	return 0;
}
