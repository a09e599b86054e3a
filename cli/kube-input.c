/* Reading, decoding and planning what `kube play` / `kube down` are given
 * (kube-input.h). */
#include "cli/kube-input.h"

#include <curl/curl.h>
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

struct fetch {
	struct strbuf *sb;
	size_t start;
	bool over;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch *f = arg;
	size_t n = size * nmemb;

	if (f->sb->len - f->start + n > KUBE_INPUT_MAX) {
		f->over = true;
		return 0;   /* aborts the transfer */
	}
	strbuf_add(f->sb, data, n);
	return n;
}

static void curl_cleanupp(CURL **h)
{
	if (*h)
		curl_easy_cleanup(*h);
}

static int read_url(const char *url, struct strbuf *sb, struct pea_err **err)
{
	__attribute__((cleanup(curl_cleanupp))) CURL *h = curl_easy_init();
	char errbuf[CURL_ERROR_SIZE] = "";
	struct fetch f = { sb, sb->len, false };
	long status = 0;
	CURLcode rc;

	if (!h)
		return pea_err_set(err, 0, "fetch '%s': cannot initialise libcurl", url);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(h, CURLOPT_USERAGENT, "peapod/0.1");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, KUBE_INPUT_URL_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &f);
	rc = curl_easy_perform(h);
	if (f.over)
		return too_big(url, err);
	if (rc != CURLE_OK)
		return pea_err_set(err, 0, "fetch '%s': %s", url,
				   errbuf[0] ? errbuf : curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 400)
		return pea_err_setk(err, status == 404 ? PEA_E_NOT_FOUND : PEA_E_GENERIC, 0,
				    "fetch '%s': HTTP status %ld", url, status);
	return 0;
}

int cli_kube_read(const char *src, struct strbuf *sb, struct pea_err **err)
{
	cleanup_close int fd = -1;

	if (!strncmp(src, "http://", 7) || !strncmp(src, "https://", 8))
		return read_url(src, sb, err);
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

static bool kind_is_run(const char *kind)
{
	static const char *const known[] = {
		"Pod", "ConfigMap", "Secret", "Deployment", "DaemonSet", "Job",
		"PersistentVolumeClaim", "List", NULL,
	};
	const char *const *k;

	for (k = known; kind && *k; k++)
		if (!strcmp(kind, *k))
			return true;
	return false;
}

static void push_unknown_name(char ***names, const struct kyaml_node *obj)
{
	const char *kind = kyaml_as_str(kyaml_get(obj, "kind"));
	const char *name = kyaml_as_str(kyaml_get(kyaml_get(obj, "metadata"), "name"));

	if (kind && !kind_is_run(kind))
		strv_push(names, name ? name : "");
}

/* metadata.name of every object of a kind that is not run, in object order
 * (List items flattened): kube_decode keeps nothing of such objects. */
static char **unknown_names(const char *src, const struct strbuf *sb)
{
	struct kyaml_doc *docs = NULL;
	char **names = NULL;
	size_t n = 0, i, j;

	if (kyaml_parse(src, sb->buf, sb->len, &docs, &n, NULL) < 0)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct kyaml_node *root = docs[i].root;
		const struct kyaml_node *items = kyaml_get(root, "items");
		const char *kind = kyaml_as_str(kyaml_get(root, "kind"));

		if (!kind || strcmp(kind, "List") || !items || items->kind != KYAML_SEQUENCE) {
			push_unknown_name(&names, root);
			continue;
		}
		for (j = 0; j < items->nitems; j++)
			push_unknown_name(&names, items->items[j]);
	}
	kyaml_docs_free(docs, n);
	return names;
}

/* Names for the skipped objects new in objs since `first` (kept parallel to
 * them in *skip_names; "" when unknown). */
static void name_skipped(const char *src, const struct strbuf *sb,
			 const struct kube_objects *objs, size_t first, char ***skip_names)
{
	cleanup_strv char **names = NULL;
	size_t i, k = 0, nu = 0;

	for (i = first; i < objs->n; i++)
		nu += objs->v[i].kind == KUBE_UNKNOWN;
	if (!nu)
		return;
	names = unknown_names(src, sb);
	if (strv_len(names) != nu) {
		strv_free(names);
		names = NULL;
	}
	for (i = first; i < objs->n; i++)
		if (objs->v[i].kind == KUBE_UNKNOWN)
			strv_push(skip_names, names ? names[k++] : "");
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
	name_skipped(src, &sb, objs, first, &in->skip_names);
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
	size_t i, k = 0, ns = strv_len(in->skip_names);

	for (i = 0; i < in->objs.n; i++) {
		const struct kube_object *o = &in->objs.v[i];
		const char *kind = o->kind_name ? o->kind_name : "?";
		const char *file = o->file ? o->file : "?";
		const char *name = k < ns ? in->skip_names[k] : "";

		if (o->kind != KUBE_UNKNOWN)
			continue;
		k++;
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
	strv_free(in->skip_names);
	for (i = 0; i < in->n_down_vols; i++)
		play_volume_release(&in->down_vols[i]);
	free(in->down_vols);
	memset(in, 0, sizeof(*in));
}
