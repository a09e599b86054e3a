/* Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource):
 * "100m", "0.5", "64Mi", "1e3", "1G".
 *
 * The grammar is the one of parseQuantityString, quirks included: a sign
 * and digits with an optional fraction ("+", "." and "5." are numbers: 0, 0,
 * 5), then a suffix that must be "", n, u, m, k, M, G, T, P, E, Ki, Mi, Gi,
 * Ti, Pi, Ei or e/E and a signed integer.  The value is exact (digits times
 * a power of ten times a power of two) until it is rounded up, away from
 * zero as Quantity.Value()/MilliValue() do; results beyond int64 saturate
 * (Kubernetes caps quantities at 2^63-1). */
#include "kube/plan.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

#define QUANTITY_SYNTAX \
	"quantities must match the regular expression " \
	"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

/* A parsed quantity: (-1)^neg * digits * 10^exp10 * 2^exp2. */
struct quantity {
	bool neg;
	char *digits;   /* decimal digits, no leading zeros, "" for zero */
	int64_t exp10;
	int exp2;
};

static size_t span_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/* The suffix: decimal SI, binary SI or an exponent.  0 or -1. */
static int interpret_suffix(const char *suf, int64_t *exp10, int *exp2)
{
	static const char dec[] = "num\0kMGTPE";
	static const int dec_exp[] = { -9, -6, -3, 0, 3, 6, 9, 12, 15, 18 };
	static const char bin[] = "KMGTPE";
	const char *p;
	char *end;
	long long v;

	*exp10 = 0;
	*exp2 = 0;
	if (!suf[0])
		return 0;
	if (!suf[1] && (p = memchr(dec, suf[0], sizeof(dec) - 1)) && *p) {
		*exp10 = dec_exp[p - dec];
		return 0;
	}
	if (suf[1] == 'i' && !suf[2] && suf[0] && (p = strchr(bin, suf[0]))) {
		*exp2 = 10 * (int)(p - bin + 1);
		return 0;
	}
	if ((suf[0] == 'e' || suf[0] == 'E') && suf[1]) {
		/* strconv.ParseInt: optional sign, then digits only */
		p = suf + 1 + (suf[1] == '+' || suf[1] == '-');
		if (!*p || span_digits(p) != strlen(p))
			return -1;
		errno = 0;
		v = strtoll(suf + 1, &end, 10);
		if (errno || *end)
			return -1;
		*exp10 = v;
		return 0;
	}
	return -1;
}

static int parse_quantity(const char *s, struct quantity *q, struct pea_err **err)
{
	const char *p = s, *num, *den = "", *suf;
	size_t nnum, nden = 0, nsuf;
	struct strbuf sb = STRBUF_INIT;

	memset(q, 0, sizeof(*q));
	if (!s || !*s)
		return pea_err_setk(err, PEA_E_INVALID, 0, "quantity \"\": expected a quantity");
	if (*p == '+' || *p == '-')
		q->neg = *p++ == '-';
	num = p;
	nnum = span_digits(p);
	p += nnum;
	if (*p == '.') {
		den = ++p;
		nden = span_digits(p);
		p += nden;
	}
	/* the suffix: letters of "eEinumkKMGTP", an optional sign, digits */
	suf = p;
	nsuf = strspn(p, "eEinumkKMGTP");
	p += nsuf;
	if (*p == '+' || *p == '-')
		p++;
	p += span_digits(p);
	if (*p || interpret_suffix(suf, &q->exp10, &q->exp2) < 0)
		return pea_err_setk(err, PEA_E_INVALID, 0, "quantity \"%s\": %s", s,
				    QUANTITY_SYNTAX);
	/* keep exponent arithmetic far from int64 overflow: beyond these the
	 * result saturates or is the smallest unit anyway */
	if (q->exp10 < INT32_MIN)
		q->exp10 = INT32_MIN;
	if (q->exp10 > INT32_MAX)
		q->exp10 = INT32_MAX;
	while (nnum && *num == '0')
		num++, nnum--;
	strbuf_add(&sb, num, nnum);
	strbuf_add(&sb, den, nden);
	q->digits = strbuf_detach(&sb, NULL);
	/* leading zeros (of "0.05") and trailing ones (of "100") carry nothing */
	p = q->digits + strspn(q->digits, "0");
	memmove(q->digits, p, strlen(p) + 1);
	nnum = strlen(q->digits);
	while (nnum && q->digits[nnum - 1] == '0')
		q->digits[--nnum] = '\0', q->exp10++;
	q->exp10 -= (int64_t)nden;
	return 0;
}

/* Multiply the decimal digit string in sb by m (small). */
static void digits_mul(struct strbuf *sb, unsigned m)
{
	unsigned carry = 0;
	size_t i;

	for (i = sb->len; i-- > 0;) {
		unsigned d = (unsigned)(sb->buf[i] - '0') * m + carry;

		sb->buf[i] = (char)('0' + d % 10);
		carry = d / 10;
	}
	while (carry) {
		char c = (char)('0' + carry % 10);

		strbuf_grow(sb, 1);
		memmove(sb->buf + 1, sb->buf, sb->len + 1);
		sb->buf[0] = c;
		sb->len++;
		carry /= 10;
	}
}

/* ceil(|q| * 10^scale), saturated at INT64_MAX, with q's sign. */
static int64_t quantity_scaled(const struct quantity *q, int scale)
{
	struct strbuf sb = STRBUF_INIT;
	int64_t t = q->exp10 + scale, v = 0;
	bool frac = false, sat = false;
	size_t keep, i;
	int b;

	if (!q->digits[0])
		return 0;
	strbuf_addstr(&sb, q->digits);
	for (b = 0; b < q->exp2; b += 10)
		digits_mul(&sb, 1024);
	if (t > 19) {
		sat = true;
	} else if (t >= 0) {
		for (; t > 0; t--)
			strbuf_addch(&sb, '0');
		keep = sb.len;
	} else if ((uint64_t)-t >= sb.len) {
		keep = 0;
		frac = true;
	} else {
		keep = sb.len - (size_t)-t;
		for (i = keep; i < sb.len; i++)
			frac |= sb.buf[i] != '0';
	}
	for (i = 0; !sat && i < keep; i++) {
		int d = sb.buf[i] - '0';

		if (v > (INT64_MAX - d) / 10)
			sat = true;
		else
			v = v * 10 + d;
	}
	strbuf_release(&sb);
	if (sat)
		v = INT64_MAX;
	else if (frac && v < INT64_MAX)
		v++;
	return q->neg ? -v : v;
}

int kube_quantity_milli(const char *q, int64_t *milli, struct pea_err **err)
{
	struct quantity p;

	if (parse_quantity(q, &p, err) < 0)
		return -1;
	*milli = quantity_scaled(&p, 3);
	free(p.digits);
	return 0;
}

int kube_quantity_value(const char *q, int64_t *value, struct pea_err **err)
{
	struct quantity p;

	if (parse_quantity(q, &p, err) < 0)
		return -1;
	*value = quantity_scaled(&p, 0);
	free(p.digits);
	return 0;
}
