/* Kubernetes quantities and $(VAR) expansion (kube/quantity.c,
 * kube/expand.c): the cases of k8s.io/apimachinery's quantity_test.go and
 * third_party/forked/golang/expansion's expand_test.go that apply. */
#include "tests/unit/tap.h"
#include "kube/plan.h"
#include "base/err.h"

#include <stdint.h>

#include "base/banned.h"

struct qcase {
	const char *in;
	int64_t value, milli;
};

TEST(quantity_values)
{
	static const struct qcase cases[] = {
		{ "0", 0, 0 },
		{ "000", 0, 0 },
		{ "0Mi", 0, 0 },
		{ "1", 1, 1000 },
		{ "100m", 1, 100 },
		{ "250m", 1, 250 },
		{ "0.5", 1, 500 },
		{ ".5", 1, 500 },
		{ "5.", 5, 5000 },
		{ "0.1", 1, 100 },
		{ "0.15", 1, 150 },
		{ "2.5m", 1, 3 },              /* milli rounds up */
		{ "1n", 1, 1 },
		{ "1u", 1, 1 },
		{ "1k", 1000, 1000000 },
		{ "1Ki", 1024, 1024000 },
		{ "0.5Ki", 512, 512000 },
		{ "100Ki", 102400, 102400000 },
		{ "32Mi", 33554432, 33554432000 },
		{ "64Mi", 67108864, 67108864000 },
		{ "1.5Gi", 1610612736, 1610612736000 },
		{ "129M", 129000000, 129000000000 },
		{ "1G", 1000000000, 1000000000000 },
		{ "1T", 1000000000000, 1000000000000000 },
		{ "1e3", 1000, 1000000 },
		{ "1E3", 1000, 1000000 },
		{ "1e+3", 1000, 1000000 },
		{ "1.2e2", 120, 120000 },
		{ "1e-3", 1, 1 },
		{ "1e-20", 1, 1 },             /* rounded up to the smallest unit */
		{ "+1", 1, 1000 },
		{ "-1", -1, -1000 },
		{ "-0.5", -1, -500 },          /* away from zero, as Value() */
		{ "8E", 8000000000000000000, INT64_MAX },
		{ "10E", INT64_MAX, INT64_MAX }, /* capped at 2^63-1 */
		{ "1Ei", 1152921504606846976, INT64_MAX },
		{ "123456789012345678901234567890", INT64_MAX, INT64_MAX },
		{ "0.000000000000000000000000001", 1, 1 },
		{ "1e999999", INT64_MAX, INT64_MAX },
		{ "1e-999999", 1, 1 },
		/* parseQuantityString's quirks: a bare sign or dot is 0 */
		{ ".", 0, 0 },
		{ "+", 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pea_err *err = NULL;
		int64_t v = 42, m = 42;

		if (kube_quantity_value(cases[i].in, &v, &err) < 0 ||
		    kube_quantity_milli(cases[i].in, &m, &err) < 0) {
			printf("#   \"%s\": %s\n", cases[i].in, err->msg);
			pea_err_free(err);
			tap_cur_failed = 1;
			continue;
		}
		if (v != cases[i].value || m != cases[i].milli) {
			printf("#   \"%s\": got value %lld milli %lld, want %lld %lld\n",
			       cases[i].in, (long long)v, (long long)m, (long long)cases[i].value,
			       (long long)cases[i].milli);
			tap_cur_failed = 1;
		}
	}
}

TEST(quantity_errors)
{
	static const char *const bad[] = {
		"", "abc", "1.1.1", "1i", "1ki", "1KiB", "1 ", " 1", "1e", "1Mi3", "0x10",
		"1e1.5", "--1", "1.1.M", "1+1.0M", "0.1mi", "0.1am", ".5i", "-3.01e-", "1e+",
		"1MM", "1m1", "1e99999999999999999999",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct pea_err *err = NULL;
		int64_t v = 42;

		if (kube_quantity_value(bad[i], &v, &err) == 0) {
			printf("#   \"%s\" accepted as %lld\n", bad[i], (long long)v);
			tap_cur_failed = 1;
			continue;
		}
		CHECK_INT(err->kind, PEA_E_INVALID);
		CHECK_INT(v, 42);
		pea_err_free(err);
	}
	{
		struct pea_err *err = NULL;
		int64_t v;

		CHECK_INT(kube_quantity_milli("12x", &v, &err), -1);
		CHECK_STR(err->msg, "quantity \"12x\": quantities must match the regular "
				    "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
		pea_err_free(err);
	}
}

static const char *lookup(void *arg, const char *name)
{
	static const char *const vars[] = {
		"VAR_A", "A", "VAR_B", "B", "VAR_C", "C", "VAR_EMPTY", "", "A", "x", NULL,
	};
	size_t i;

	(void)arg;
	for (i = 0; vars[i]; i += 2)
		if (!strcmp(vars[i], name))
			return vars[i + 1];
	return NULL;
}

#define EXPANDS(in, want)                                      \
	do {                                                   \
		char *_s = kube_expand(in, lookup, NULL);      \
		CHECK_STR(_s, want);                           \
		free(_s);                                      \
	} while (0)

TEST(expand)
{
	EXPANDS("", "");
	EXPANDS("plain", "plain");
	EXPANDS("$(VAR_A)", "A");
	EXPANDS("___$(VAR_B)___", "___B___");
	EXPANDS("$(VAR_A)-$(VAR_A)", "A-A");
	EXPANDS("$(VAR_A)$(VAR_B)$(VAR_C)", "ABC");
	EXPANDS("foo$(VAR_EMPTY)bar", "foobar");
	/* undefined stays as written */
	EXPANDS("$(VAR_DNE)", "$(VAR_DNE)");
	EXPANDS("$(VAR_A)-$(VAR_DNE)", "A-$(VAR_DNE)");
	EXPANDS("$()", "$()");
	/* $$ escapes */
	EXPANDS("$$(VAR_A)", "$(VAR_A)");
	EXPANDS("$$$(VAR_A)", "$A");
	EXPANDS("$$$$(VAR_A)", "$$(VAR_A)");
	EXPANDS("$$$$", "$$");
	EXPANDS("f000-$$VAR_A", "f000-$VAR_A");
	/* a lone $ and unterminated references stay */
	EXPANDS("$", "$");
	EXPANDS("a$", "a$");
	EXPANDS("$VAR_A", "$VAR_A");
	EXPANDS("$(VAR_A", "$(VAR_A");
	EXPANDS("$(", "$(");
	EXPANDS("$(VAR_A)$(", "A$(");
	EXPANDS("$(VAR_A $(VAR_B", "$(VAR_A $(VAR_B");
	/* the name runs to the first ')' */
	EXPANDS("$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))");
	EXPANDS("$(FOO $(A)", "$(FOO $(A)");
	EXPANDS("$(A))", "x)");
	/* multi-byte text around */
	EXPANDS("é$(A)ü$ñ", "éxü$ñ");
	{
		char *s = kube_expand("$(A)", NULL, NULL);

		CHECK_STR(s, "$(A)");
		free(s);
	}
}

int main(void)
{
	RUN(quantity_values);
	RUN(quantity_errors);
	RUN(expand);
	return tap_done();
}
