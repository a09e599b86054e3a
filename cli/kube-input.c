/* Reading, decoding and planning what `kube play` / `kube down` are given
 * (kube-input.h). */
#include "cli/kube-input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "kube/yaml.h"
#include "podengine/host-node.h"
#include "podengine/http.h"

#include "base/banned.h"

/* ---- reading ---------------------------------------------------------- */

static int too_big(const char *src, struct pea_err **err)
{
	return pea_err_setk(err, PEA_E_INVALID, 0, "'%s': larger than %u MiB", src,
			    KUBE_INPUT_MAX >> 20);
}

static int read_fd_limited(int fd, const char *src, struct strbuf *sb, struct pea_err **err)
{
	size_t start = sb->len;
	char buf[65536];
	ssize_t r;

	while ((r = xread(fd, buf, sizeof(buf))) > 0) {
		if (sb->len - start + (size_t)r > KUBE_INPUT_MAX)
			return too_big(src, err);
		strbuf_add(sb, buf, (size_t)r);
	}
	if (r < 0)
		return pea_err_set(err, errno, "read '%s'", src);
	return 0;
}

int cli_kube_read(const char *src, struct strbuf *sb, struct pea_err **err)
{
	cleanup_close int fd = -1;

	if (!strncmp(src, "http://", 7) || !strncmp(src, "https://", 8))
		return http_fetch(src, KUBE_INPUT_MAX, KUBE_INPUT_URL_TIMEOUT, sb, err);
	if (!strcmp(src, "-"))
		return read_fd_limited(STDIN_FILENO, "<stdin>", sb, err);
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pea_err_setk(err, errno == ENOENT ? PEA_E_NOT_FOUND : PEA_E_GENERIC, errno,
				    "open '%s'", src);
	return read_fd_limited(fd, src, sb, err);
}

/* ---- decoding ------------------------------------------------------------ */

static void print_warnings(char *const *w)
{
	for (; w && *w; w++)
		fprintf(stderr, "Warning: %s\n", *w);
}

/* Append e's text to the collected errors (one per line). */
static void collect(struct strbuf *errs, struct pea_err *e)
{
	cleanup_free char *text = pea_err_text(e);

	if (errs->len)
		strbuf_addch(errs, '\n');
	strbuf_addstr(errs, text);
	pea_err_free(e);
}

/* Load one source; with only_configmaps every object must be a ConfigMap. */
static void load_one(const char *src, bool only_configmaps, struct kube_input *in,
		     char ***warnings, struct strbuf *errs)
{
	struct kube_objects *objs = &in->objs;
	struct strbuf sb = STRBUF_INIT;
	struct pea_err *e = NULL;
	size_t first = objs->n, i;

	if (cli_kube_read(src, &sb, &e) < 0) {
		collect(errs, e);
	} else if (kube_load(src, sb.buf, sb.len, objs, warnings, &e) < 0) {
		collect(errs, e);
	}
	strbuf_release(&sb);
	for (i = first; only_configmaps && i < objs->n; i++) {
		const struct kube_object *o = &objs->v[i];

		if (o->kind == KUBE_CONFIGMAP)
			continue;
		pea_err_setk(&e, PEA_E_INVALID, 0, "%s:%d: --configmap: kind %s is not a ConfigMap",
			     o->file ? o->file : src, o->line,
			     o->kind_name ? o->kind_name : "?");
		collect(errs, e);
	}
}

/* "Warning: FILE: skipping kind Service \"frontend\": not supported", one
 * per object of a kind that is not run, never silently. */
static void warn_skipped(const struct kube_input *in)
{
	size_t i;

	for (i = 0; i < in->objs.n; i++) {
		const struct kube_object *o = &in->objs.v[i];
		const char *kind = o->kind_name ? o->kind_name : "?";
		const char *file = o->file ? o->file : "?";
		const char *name = o->name ? o->name : "";

		if (o->kind != KUBE_UNKNOWN)
			continue;
		if (*name)
			fprintf(stderr, "Warning: %s: skipping kind %s \"%s\": not supported\n",
				file, kind, name);
		else
			fprintf(stderr, "Warning: %s:%d: skipping kind %s: not supported\n", file,
				o->line, kind);
	}
}

static void host_env(const char *seccomp_root, struct host_node *node,
		     struct kube_plan_env *env)
{
	struct pea_err *e = NULL;

	if (host_node_get(node, &e) < 0) {
		/* uname failed: a node must still have a name */
		pea_err_free(e);
		node->name = xstrdup("localhost");
		node->ipv4 = xstrdup("127.0.0.1");
		node->cpu_milli = 1000;
	}
	env->node_name = node->name;
	env->host_ip = node->ipv4;
	env->node_cpu_milli = node->cpu_milli;
	env->node_memory = node->memory;
	env->seccomp_root = seccomp_root;
}

/* ---- names for kube down -------------------------------------------------- */

/* "<name>-pod", or "<name>-pod-0".."-N-1" when n > 1 (kube/plan.h). */
static void push_workload_pods(char ***pods, const char *name, int32_t n)
{
	int32_t i;

	if (n == 1) {
		cleanup_free char *p = xasprintf("%s-pod", name);

		strv_push(pods, p);
		return;
	}
	for (i = 0; i < n; i++) {
		cleanup_free char *p = xasprintf("%s-pod-%d", name, i);

		strv_push(pods, p);
	}
}

static void add_claim(struct kube_input *in, const char *name)
{
	size_t i;

	for (i = 0; i < in->n_down_vols; i++)
		if (!strcmp(in->down_vols[i].name, name))
			return;
	in->down_vols = xrealloc(in->down_vols, (in->n_down_vols + 1) * sizeof(*in->down_vols));
	in->down_vols[in->n_down_vols++] = (struct play_volume){ xstrdup(name), NULL };
}

static void names_from_objects(struct kube_input *in)
{
	size_t i, j;

	for (i = 0; i < in->objs.n; i++) {
		const struct kube_object *o = &in->objs.v[i];
		const struct kube_pod_spec *ps = NULL;

		switch (o->kind) {
		case KUBE_POD:
			strv_push(&in->down_pods, o->u.pod.meta.name);
			ps = &o->u.pod.spec;
			break;
		case KUBE_DEPLOYMENT:
			push_workload_pods(&in->down_pods, o->u.deployment.meta.name,
					   o->u.deployment.replicas);
			ps = &o->u.deployment.template.spec;
			break;
		case KUBE_DAEMONSET:
			push_workload_pods(&in->down_pods, o->u.deployment.meta.name, 1);
			ps = &o->u.deployment.template.spec;
			break;
		case KUBE_JOB:
			push_workload_pods(&in->down_pods, o->u.job.meta.name,
					   o->u.job.has_completions ? o->u.job.completions : 1);
			ps = &o->u.job.template.spec;
			break;
		case KUBE_PVC:
			add_claim(in, o->u.pvc.meta.name);
			break;
		default:
			break;
		}
		for (j = 0; ps && j < ps->nvolumes; j++)
			if (ps->volumes[j].pvc_claim_name)
				add_claim(in, ps->volumes[j].pvc_claim_name);
	}
}

static void names_from_plan(struct kube_input *in)
{
	size_t i;

	in->down_pods = strv_dup(in->plan.pod_names);
	for (i = 0; i < in->plan.n_volumes; i++)
		add_claim(in, in->plan.volumes[i].name);
}

/* ---- load + plan ---------------------------------------------------------- */

static int plan_all(struct kube_input *in, const char *seccomp_root, bool for_down,
		    struct pea_err **err)
{
	struct kube_plan_env env = { 0 };
	struct host_node node = { 0 };
	cleanup_strv char **warnings = NULL;
	struct pea_err *e = NULL;
	int rc;

	host_env(seccomp_root, &node, &env);
	rc = kube_plan_build(&in->objs, &env, &in->plan, &warnings, &e);
	host_node_release(&node);
	if (rc == 0) {
		in->planned = true;
		if (for_down) {
			names_from_plan(in);
			return 0;
		}
		print_warnings(warnings);
		warn_skipped(in);
		return 0;
	}
	if (!for_down) {
		print_warnings(warnings);
		warn_skipped(in);
		*err = e;
		return -1;
	}
	/* kube down needs names only */
	pea_err_free(e);
	names_from_objects(in);
	return 0;
}

int cli_kube_load(char *const *files, char *const *configmaps, const char *seccomp_root,
		  bool for_down, struct kube_input *in, struct pea_err **err)
{
	cleanup_strv char **warnings = NULL;
	struct strbuf errs = STRBUF_INIT;
	int stdin_uses = 0;
	char *const *f;

	memset(in, 0, sizeof(*in));
	for (f = files; f && *f; f++)
		stdin_uses += !strcmp(*f, "-");
	for (f = configmaps; f && *f; f++)
		stdin_uses += !strcmp(*f, "-");
	if (stdin_uses > 1)
		return pea_err_setk(err, PEA_E_INVALID, 0, "'-' (stdin) can be read only once");
	for (f = files; f && *f; f++)
		load_one(*f, false, in, &warnings, &errs);
	for (f = configmaps; f && *f; f++)
		load_one(*f, true, in, &warnings, &errs);
	if (!for_down)
		print_warnings(warnings);
	if (errs.len) {
		pea_err_setk(err, PEA_E_INVALID, 0, "%s", errs.buf);
		strbuf_release(&errs);
		return -1;
	}
	strbuf_release(&errs);
	return plan_all(in, seccomp_root, for_down, err);
}

void cli_kube_input_release(struct kube_input *in)
{
	size_t i;

	if (in->planned)
		kube_plan_release(&in->plan);
	kube_objects_release(&in->objs);
	strv_free(in->down_pods);
	for (i = 0; i < in->n_down_vols; i++)
		play_volume_release(&in->down_vols[i]);
	free(in->down_vols);
	memset(in, 0, sizeof(*in));
}
