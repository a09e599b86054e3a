/* The one error type of peapod (see STYLE.md, "Errors: one type, one contract").
 *
 * Every function that can fail takes `struct pea_err **err` as its last
 * parameter.  On success it returns >= 0 (or non-NULL) and leaves *err alone.
 * On failure it returns -1 (or NULL) and sets *err exactly once.  Callers add
 * context on the way up with pea_err_wrap(); only main() prints.
 *
 * Ownership: *err is heap allocated and owned by whoever receives it; free it
 * with pea_err_free().  A NULL `err` argument is allowed: the error is dropped.
 */
#ifndef PEA_ERR_H
#define PEA_ERR_H

#include <stdarg.h>

/* Exit statuses, as podman uses them. */
enum {
	PEA_EXIT_ENGINE = 125,    /* the engine failed */
	PEA_EXIT_CANNOT_INVOKE = 126,
	PEA_EXIT_NOT_FOUND = 127,
};

/* Error kinds that callers may branch on. */
enum pea_err_kind {
	PEA_E_GENERIC = 0,
	PEA_E_NOT_FOUND,      /* object does not exist */
	PEA_E_EXISTS,         /* object already exists */
	PEA_E_INVALID,        /* bad input from the user */
	PEA_E_IN_USE,         /* refused: object is used by another */
	PEA_E_AUTH,           /* authentication failed */
};

struct pea_err {
	int errnum;               /* errno that applies, or 0 */
	enum pea_err_kind kind;
	int exit_status;          /* what main() exits with; 125 unless set */
	char *msg;                /* lowercase, no final period */
};

/* Set *err (if err != NULL) to a new error; always returns -1. */
int pea_err_set(struct pea_err **err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same, with a kind that callers may test. */
int pea_err_setk(struct pea_err **err, enum pea_err_kind kind, int errnum,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int pea_err_vset(struct pea_err **err, enum pea_err_kind kind, int errnum,
		 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
/* Prefix context to an existing error ("ctx: old message"); returns -1.
 * Does nothing but return -1 when err or *err is NULL. */
int pea_err_wrap(struct pea_err **err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Full text: message plus ": strerror(errnum)" when errnum != 0.  Caller frees. */
char *pea_err_text(const struct pea_err *err);
void pea_err_free(struct pea_err *err);
/* Hand an error caught in a local variable on to the caller: *err = e, or
 * free e when the caller passed NULL.  Returns -1. */
int pea_err_pass(struct pea_err **err, struct pea_err *e);
/* True if err is set and of that kind. */
int pea_err_is(const struct pea_err *err, enum pea_err_kind kind);

#define cleanup_err __attribute__((cleanup(pea_err_freep)))
void pea_err_freep(struct pea_err **err);

#endif
