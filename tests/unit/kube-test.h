/* Helpers of the kube decoding tests (test-kube-*.c): decode YAML text as
 * the file "app.yaml" and compare errors and warnings with what a user
 * would read.  Include after tap.h. */
#ifndef PEA_TESTS_KUBE_TEST_H
#define PEA_TESTS_KUBE_TEST_H

#include "kube/kube.h"
#include "kube/yaml.h"
#include "base/err.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <string.h>

static struct kube_object obj;
static struct kube_objects objs;
static char **warns;
static char *errmsg;

static inline void kt_reset(void)
{
	kube_object_release(&obj);
	kube_objects_release(&objs);
	strv_free(warns);
	warns = NULL;
	free(errmsg);
	errmsg = NULL;
}

static inline void kt_take_err(struct pea_err *err)
{
	if (err->kind != PEA_E_INVALID)
		printf("#   error kind %d\n", err->kind);
	errmsg = xstrdup(err->msg);
	pea_err_free(err);
}

/* Decode the first document of s with kube_decode; 0 or -1 (errmsg set),
 * -2 when the YAML does not parse. */
static inline int decode(const char *s)
{
	struct kyaml_doc *docs = NULL;
	struct pea_err *err = NULL;
	size_t n = 0;
	int ret;

	kt_reset();
	if (kyaml_parse("app.yaml", s, strlen(s), &docs, &n, &err) < 0 || n < 1) {
		errmsg = xstrdup(err ? err->msg : "no document");
		pea_err_free(err);
		return -2;
	}
	ret = kube_decode("app.yaml", &docs[0], &obj, &warns, &err);
	if (ret < 0)
		kt_take_err(err);
	kyaml_docs_free(docs, n);
	return ret;
}

/* The whole stream with kube_load into objs. */
static inline int load(const char *file, const char *s)
{
	struct pea_err *err = NULL;
	int ret;

	kt_reset();
	ret = kube_load(file, s, strlen(s), &objs, &warns, &err);
	if (ret < 0)
		kt_take_err(err);
	return ret;
}

#define CHECK_OK(s)                                                               \
	do {                                                                      \
		if (decode(s) < 0) {                                              \
			printf("#   %s:%d: unexpected error: %s\n", __FILE__,     \
			       __LINE__, errmsg);                                 \
			tap_cur_failed = 1;                                       \
			return;                                                   \
		}                                                                 \
	} while (0)

#define CHECK_ERR(s, want)                                                        \
	do {                                                                      \
		CHECK_INT(decode(s), -1);                                         \
		CHECK_STR(errmsg, want);                                          \
	} while (0)

/* No warnings, or print them. */
#define CHECK_NO_WARNINGS()                                                       \
	do {                                                                      \
		for (size_t _i = 0; warns && warns[_i]; _i++)                     \
			printf("#   %s:%d: warning: %s\n", __FILE__, __LINE__,    \
			       warns[_i]);                                        \
		CHECK(warns == NULL);                                             \
	} while (0)

#endif
