/* Shared by the plan's unit tests (tests/unit/test-kube-plan*.c): objects
 * built in C as kube_decode fills them, a plan built from them, and checks
 * on its messages.  Static on purpose: each test binary has its own. */
#ifndef PEA_TESTS_KUBE_PLAN_TEST_H
#define PEA_TESTS_KUBE_PLAN_TEST_H

#include "tests/unit/tap.h"
#include "kube/kube.h"
#include "kube/plan.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#define MAXOBJ 8

static struct kube_object ov[MAXOBJ];
static struct kube_objects objs = { ov, 0 };
static struct kube_plan plan;
static char **warns;
static char *errmsg;
static const struct kube_plan_env node = {
	.node_name = "node1",
	.host_ip = "192.0.2.10",
	.node_cpu_milli = 4000,
	.node_memory = 8LL << 30,
	.seccomp_root = "/var/lib/kubelet/seccomp",
};

static __attribute__((unused)) void reset(void)
{
	kube_plan_release(&plan);
	strv_free(warns);
	warns = NULL;
	free(errmsg);
	errmsg = NULL;
	memset(ov, 0, sizeof(ov));
	objs.n = 0;
}

static __attribute__((unused)) int build(void)
{
	struct pea_err *err = NULL;

	kube_plan_release(&plan);
	strv_free(warns);
	warns = NULL;
	free(errmsg);
	errmsg = NULL;
	if (kube_plan_build(&objs, &node, &plan, &warns, &err) < 0) {
		if (err->kind != PEA_E_INVALID)
			printf("#   error kind %d\n", err->kind);
		errmsg = xstrdup(err->msg);
		pea_err_free(err);
		if (plan.pods || plan.n_pods || plan.pod_names)
			printf("#   plan not released on failure\n");
		return -1;
	}
	return 0;
}

#define BUILD_OK()                                                        \
	do {                                                              \
		if (build() < 0) {                                        \
			printf("#   unexpected error: %s\n", errmsg);     \
			tap_cur_failed = 1;                               \
			return;                                           \
		}                                                         \
	} while (0)

#define BUILD_ERR(want)                                                   \
	do {                                                              \
		CHECK_INT(build(), -1);                                   \
		CHECK_STR(errmsg, want);                                  \
	} while (0)

static __attribute__((unused)) bool has_warning(const char *w)
{
	return strv_find(warns, w) >= 0;
}

#define CHECK_WARN(w)                                                              \
	do {                                                                       \
		if (!has_warning(w)) {                                             \
			printf("#   %s:%d: no warning \"%s\"; got:\n", __FILE__,   \
			       __LINE__, w);                                       \
			for (char **_w = warns; _w && *_w; _w++)                   \
				printf("#     %s\n", *_w);                         \
			tap_cur_failed = 1;                                        \
		}                                                                  \
	} while (0)

static __attribute__((unused)) struct kube_object *add_object(enum kube_kind kind, const char *kind_name, int line)
{
	struct kube_object *o = &ov[objs.n++];

	o->kind = kind;
	o->kind_name = (char *)kind_name;
	o->api_version = "v1";
	o->file = "app.yaml";
	o->line = line;
	return o;
}

static __attribute__((unused)) void default_spec(struct kube_pod_spec *s, struct kube_container *c, size_t n)
{
	s->containers = c;
	s->ncontainers = n;
	s->restart_policy = "Always";
	s->termination_grace_period_seconds = 30;
}

static __attribute__((unused)) struct kube_pod *add_pod(const char *name, struct kube_container *c, size_t n)
{
	struct kube_object *o = add_object(KUBE_POD, "Pod", 1);

	o->u.pod.meta.name = (char *)name;
	default_spec(&o->u.pod.spec, c, n);
	return &o->u.pod;
}

/* The environment of a container as one "K=V;K=V" string. */
static __attribute__((unused)) char *env_str(const struct ctr_spec *c)
{
	struct strbuf sb = STRBUF_INIT;
	char **e;

	for (e = c->env; e && *e; e++)
		strbuf_addf(&sb, "%s%s", e == c->env ? "" : ";", *e);
	return strbuf_detach(&sb, NULL);
}

static __attribute__((unused)) char *strv_str(char *const *v)
{
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return xstrdup("(null)");
	for (; *v; v++)
		strbuf_addf(&sb, "[%s]", *v);
	return strbuf_detach(&sb, NULL);
}

#define CHECK_STRV(v, want)                     \
	do {                                    \
		char *_s = strv_str(v);         \
		CHECK_STR(_s, want);            \
		free(_s);                       \
	} while (0)

#define CHECK_ENV(c, want)                      \
	do {                                    \
		char *_s = env_str(c);          \
		CHECK_STR(_s, want);            \
		free(_s);                       \
	} while (0)

static __attribute__((unused)) struct kube_object *add_configmap(const char *name)
{
	struct kube_object *o = add_object(KUBE_CONFIGMAP, "ConfigMap", 60);

	o->u.configmap.meta.name = (char *)name;
	return o;
}

static __attribute__((unused)) struct kube_object *add_secret(const char *name)
{
	struct kube_object *o = add_object(KUBE_SECRET, "Secret", 70);

	o->u.secret.meta.name = (char *)name;
	return o;
}

static __attribute__((unused)) void set(struct kube_map *m, const char *k, const char *v)
{
	kube_map_set(m, k, v, strlen(v));
}

#endif
