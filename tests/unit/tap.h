/* A tiny TAP harness for tests/unit/test-<module>.c.
 *
 *   TEST(name) { CHECK(cond); CHECK_STR(a, b); CHECK_INT(a, b); }
 *   int main(void) { RUN(name); ...; return tap_done(); }
 *
 * Prints TAP ("ok N - name" / "not ok N - name" with the failing check,
 * file:line and both values) and ends with "N passed, N failed, N skipped". */
#ifndef PEA_TAP_H
#define PEA_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_pass, tap_fail, tap_skip, tap_cur_failed;
static const char *tap_skip_reason;

#define TEST(name) static void test_##name(void)

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			tap_cur_failed = 1;                                             \
		}                                                                       \
	} while (0)

#define CHECK_INT(a, b)                                                                 \
	do {                                                                            \
		long long _a = (long long)(a), _b = (long long)(b);                     \
		if (_a != _b) {                                                         \
			printf("#   %s:%d: %s == %s: got %lld, want %lld\n", __FILE__,      \
			       __LINE__, #a, #b, _a, _b);                               \
			tap_cur_failed = 1;                                             \
		}                                                                       \
	} while (0)

#define CHECK_STR(a, b)                                                                 \
	do {                                                                            \
		const char *_a = (a), *_b = (b);                                        \
		if (!_a || !_b || strcmp(_a, _b)) {                                     \
			printf("#   %s:%d: %s == %s: got \"%s\", want \"%s\"\n", __FILE__, \
			       __LINE__, #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); \
			tap_cur_failed = 1;                                             \
		}                                                                       \
	} while (0)

/* Skip the current test, naming what is missing. */
#define SKIP(reason) do { tap_skip_reason = (reason); return; } while (0)

#define RUN(name)                                                                       \
	do {                                                                            \
		tap_cur_failed = 0;                                                     \
		tap_skip_reason = NULL;                                                 \
		test_##name();                                                          \
		tap_n++;                                                                \
		if (tap_skip_reason) {                                                  \
			tap_skip++;                                                     \
			printf("ok %d - %s # SKIP %s\n", tap_n, #name, tap_skip_reason); \
		} else if (tap_cur_failed) {                                            \
			tap_fail++;                                                     \
			printf("not ok %d - %s\n", tap_n, #name);                       \
		} else {                                                                \
			tap_pass++;                                                     \
			printf("ok %d - %s\n", tap_n, #name);                           \
		}                                                                       \
		fflush(stdout);                                                         \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_skip)
		printf("%d passed, %d failed, %d skipped\n", tap_pass, tap_fail, tap_skip);
	else
		printf("%d passed, %d failed\n", tap_pass, tap_fail);
	return tap_fail ? 1 : 0;
}

#endif
