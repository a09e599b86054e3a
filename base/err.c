#include "base/err.h"
#include "base/xalloc.h"


#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

int pea_err_vset(struct pea_err **err, enum pea_err_kind kind, int errnum,
		 const char *fmt, va_list ap)
{
	struct pea_err *e;

	if (!err)
		return -1;
	e = xcalloc(1, sizeof(*e));
	e->errnum = errnum;
	e->kind = kind;
	e->exit_status = PEA_EXIT_ENGINE;
	e->msg = xvasprintf(fmt, ap);
	if (*err)
		pea_err_free(*err);
	*err = e;
	return -1;
}

int pea_err_set(struct pea_err **err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pea_err_vset(err, PEA_E_GENERIC, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int pea_err_setk(struct pea_err **err, enum pea_err_kind kind, int errnum,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pea_err_vset(err, kind, errnum, fmt, ap);
	va_end(ap);
	return -1;
}

int pea_err_wrap(struct pea_err **err, const char *fmt, ...)
{
	va_list ap;
	char *prefix, *msg;

	if (!err || !*err)
		return -1;
	va_start(ap, fmt);
	prefix = xvasprintf(fmt, ap);
	va_end(ap);
	msg = xasprintf("%s: %s", prefix, (*err)->msg);
	free(prefix);
	free((*err)->msg);
	(*err)->msg = msg;
	return -1;
}

char *pea_err_text(const struct pea_err *err)
{
	if (!err)
		return xstrdup("unknown error");
	if (err->errnum)
		return xasprintf("%s: %s", err->msg, strerror(err->errnum));
	return xstrdup(err->msg);
}

void pea_err_free(struct pea_err *err)
{
	if (!err)
		return;
	free(err->msg);
	free(err);
}

void pea_err_freep(struct pea_err **err)
{
	pea_err_free(*err);
	*err = NULL;
}

int pea_err_pass(struct pea_err **err, struct pea_err *e)
{
	if (err)
		*err = e;
	else
		pea_err_free(e);
	return -1;
}

int pea_err_is(const struct pea_err *err, enum pea_err_kind kind)
{
	return err && err->kind == kind;
}
