/* Numbers parsed with range checks (atoi is banned).  Each returns 0 on
 * success and -1 with *err set (kind INVALID) otherwise; `what` names the
 * value in the message. */
#ifndef PEA_PARSE_H
#define PEA_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"

int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
	      const char *what, struct pea_err **err);
int parse_int(const char *s, int min, int max, int *out, const char *what,
	      struct pea_err **err);
/* Sizes like 64m, 1g, 512k, 100 (bytes); binary multiples as podman. */
int parse_size(const char *s, int64_t *out, const char *what, struct pea_err **err);
/* podman's rule for container, pod and volume names:
 * [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most max characters (0: no limit). */
bool parse_name_ok(const char *s, size_t max);
/* A duration: Go's form ("300ms", "90s", "5m", "1h30m", "1.5h") or whole
 * seconds ("90"); non-negative.  Result in milliseconds. */
int parse_duration_ms(const char *s, int64_t *out, const char *what, struct pea_err **err);
/* Go's time.ParseDuration for non-negative values, in nanoseconds; -1 when
 * s is not one (no message: callers try other forms first). */
int parse_go_duration_ns(const char *s, int64_t *out);
/* true/false, yes/no, 1/0, on/off. */
int parse_bool(const char *s, int *out, const char *what, struct pea_err **err);

#endif
