/* Shared by the tests of kube generate (tests/unit/test-kube-generate*.c):
 * containers of `peapod run` / `pod create` built as the engine stores them
 * (ctr_info with its ctr_spec and image config), pods of `kube play` from
 * manifests through kube_load and the plan, as the engine would store them,
 * and the fixed-point check (generated, played again, generated again: the
 * same bytes).  Static on purpose: each test binary has its own. */
#ifndef PEA_TESTS_KUBE_GENERATE_TEST_H
#define PEA_TESTS_KUBE_GENERATE_TEST_H

#include "tests/unit/tap.h"
#include "kube/generate.h"
#include "kube/generate-internal.h"
#include "kube/kube.h"
#include "kube/plan.h"
#include "kube/yaml.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <json-c/json.h>

static char **notes;
static char *errmsg;

static const char *const busybox_cfg =
	"{\"Cmd\":[\"sh\"],\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
	"/sbin:/bin\"]}";
static const char *const entry_cfg =
	"{\"Entrypoint\":[\"/bin/echo\",\"ep\"],\"Cmd\":[\"img-cmd\"],"
	"\"Env\":[\"PATH=/bin\",\"IMG_VAR=from-image\"],\"WorkingDir\":\"/srv\",\"User\":\"1000\"}";

static __attribute__((unused)) void reset(void)
{
	strv_free(notes);
	notes = NULL;
	free(errmsg);
	errmsg = NULL;
}

static __attribute__((unused)) bool has_note(const char *n)
{
	return strv_find(notes, n) >= 0;
}

/* ---- containers as the engine keeps them ---- */

static __attribute__((unused)) struct ctr_info mk(const char *name, const char *image,
						  const char *cfg)
{
	struct ctr_info ci;

	memset(&ci, 0, sizeof(ci));
	ctr_spec_init(&ci.spec);
	ci.id = xasprintf("%s0123456789abcdef0123456789abcdef0123456789abcdef0123456789", "ab");
	ci.name = xstrdup(name);
	ci.spec.name = xstrdup(name);
	ci.spec.image = image ? xstrdup(image) : NULL;
	ci.image_config = cfg ? json_tokener_parse(cfg) : NULL;
	return ci;
}

static __attribute__((unused)) void push(char ***v, const char *s)
{
	strv_push(v, s);
}

static __attribute__((unused)) void add_mount(struct ctr_spec *s, enum mount_kind kind,
					      const char *src, const char *dst, const char *opt)
{
	struct mount_spec *m;

	s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof(*s->mounts));
	m = &s->mounts[s->n_mounts++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->source = src ? xstrdup(src) : NULL;
	m->destination = xstrdup(dst);
	if (opt)
		strv_push(&m->options, opt);
}

static __attribute__((unused)) const char *fake_type(void *arg, const char *path)
{
	(void)arg;
	return !strcmp(path, "/srv/data") ? "Directory" : "DirectoryOrCreate";
}

static __attribute__((unused)) char **fake_labels(void *arg, const char *name)
{
	char **v = NULL;

	(void)arg;
	if (!strcmp(name, "db"))
		strv_push(&v, "tier=data");
	return v;
}

static const struct kube_gen_opts pod_opts = {
	.host_path_type = fake_type, .volume_labels = fake_labels,
};

/* Generate; NULL with errmsg on failure. */
static __attribute__((unused)) char *gen(const struct kube_gen_pod *pods, size_t n,
					 char *const *vols, const struct kube_gen_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	struct pea_err *err = NULL;

	reset();
	if (kube_generate(pods, n, vols, o ? o : &pod_opts, &sb, &notes, &err) < 0) {
		errmsg = xstrdup(err->msg);
		pea_err_free(err);
		if (sb.len)
			printf("#   output on failure\n");
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* The containers, outside any pod. */
static __attribute__((unused)) char *gen_alone(struct ctr_info *c, size_t n,
					       const struct kube_gen_opts *o)
{
	struct kube_gen_pod p = { NULL, c, n };

	return gen(&p, 1, NULL, o);
}

static __attribute__((unused)) void release(struct ctr_info *c, size_t n)
{
	while (n--)
		ctr_info_release(&c[n]);
}

#define CHECK_GEN(got, want)                                                        \
	do {                                                                        \
		char *_g = (got);                                                   \
		if (!_g)                                                            \
			printf("#   error: %s\n", errmsg ? errmsg : "?");           \
		CHECK_STR(_g, want);                                                \
		free(_g);                                                           \
	} while (0)

/* ---- pods of kube play ---- */

struct played {
	struct kube_objects objs;
	struct kube_plan plan;
	struct pod_info *pis;
	struct ctr_info **ctrs;
	struct kube_gen_pod *gp;
};

static __attribute__((unused)) const char *image_cfg(const char *image)
{
	return strstr(image, "kentry") ? entry_cfg : busybox_cfg;
}

/* Plan yaml as kube play does and make the records the engine would keep. */
static __attribute__((unused)) int play(const char *yaml, struct played *pl)
{
	struct pea_err *err = NULL;
	char **warn = NULL;
	size_t i, j;

	memset(pl, 0, sizeof(*pl));
	if (kube_load("app.yaml", yaml, strlen(yaml), &pl->objs, &warn, &err) < 0 ||
	    kube_plan_build(&pl->objs, NULL, &pl->plan, &warn, &err) < 0) {
		printf("#   play: %s\n", err->msg);
		pea_err_free(err);
		strv_free(warn);
		return -1;
	}
	strv_free(warn);
	pl->pis = xcalloc(pl->plan.n_pods + 1, sizeof(*pl->pis));
	pl->ctrs = xcalloc(pl->plan.n_pods + 1, sizeof(*pl->ctrs));
	pl->gp = xcalloc(pl->plan.n_pods + 1, sizeof(*pl->gp));
	for (i = 0; i < pl->plan.n_pods; i++) {
		struct play_pod *pp = &pl->plan.pods[i];

		pl->pis[i].id = "0f0f0f0f";
		pl->pis[i].name = pp->pod.name;
		pl->pis[i].infra_id = "1e1e1e1e";
		pl->pis[i].spec = pp->pod;     /* borrowed */
		pl->ctrs[i] = xcalloc(pp->n_ctrs + 1, sizeof(**pl->ctrs));
		for (j = 0; j < pp->n_ctrs; j++) {
			pl->ctrs[i][j].id = "2d2d2d2d";
			pl->ctrs[i][j].name = pp->ctrs[j].name;
			pl->ctrs[i][j].spec = pp->ctrs[j];     /* borrowed */
			pl->ctrs[i][j].image_config =
				json_tokener_parse(image_cfg(pp->ctrs[j].image));
		}
		pl->gp[i] = (struct kube_gen_pod){ &pl->pis[i], pl->ctrs[i], pp->n_ctrs };
	}
	return 0;
}

static __attribute__((unused)) void played_release(struct played *pl)
{
	size_t i, j;

	for (i = 0; i < pl->plan.n_pods; i++) {
		for (j = 0; j < pl->plan.pods[i].n_ctrs; j++)
			json_object_put(pl->ctrs[i][j].image_config);
		free(pl->ctrs[i]);
	}
	free(pl->ctrs);
	free(pl->pis);
	free(pl->gp);
	kube_plan_release(&pl->plan);
	kube_objects_release(&pl->objs);
}

/* yaml played and generated; NULL on failure. */
static __attribute__((unused)) char *gen_played(const char *yaml, const struct kube_gen_opts *o)
{
	struct played pl;
	char *out;

	if (play(yaml, &pl) < 0)
		return NULL;
	out = gen(pl.gp, pl.plan.n_pods, NULL, o);
	played_release(&pl);
	return out;
}

/* The fixed point: what was generated, played again (with extra: the
 * ConfigMaps and Secrets it refers to, or NULL), generates the same bytes. */
static __attribute__((unused)) void check_fixed_point(const char *out, const char *extra)
{
	char *in = xasprintf("%s%s%s", out, extra ? "---\n" : "", extra ? extra : "");
	char *again = gen_played(in, NULL);

	if (!again || strcmp(again, out))
		printf("#   not a fixed point; again:\n%s\n", again ? again : errmsg);
	CHECK(again && !strcmp(again, out));
	free(again);
	free(in);
}

#endif
