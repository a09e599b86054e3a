/* `kube generate` (alias `generate kube`): look the names up (containers,
 * then pods, then volumes, as podman does), gather the records and hand
 * them to kube_generate (kube/generate.h), which reads nothing itself:
 * the hostPath types and volume labels it asks for are looked up here.
 * Output to stdout, or to a new file with -f (an existing one is never
 * overwritten); notes about renamed objects to stderr. */
#include "cli/cli.h"
#include "cli/kube-input.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "kube/generate.h"
#include "podengine/container.h"
#include "podengine/pod.h"
#include "podengine/volume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/banned.h"

enum { OPT_NO_TRUNC = 3000 };

struct gen_cli {
	struct kube_gen_opts go;
	const char *file;
	char **names;
};

/* What the names found: pods with their containers, containers outside
 * pods, volumes. */
struct gen_input {
	struct pod_info *pods;
	struct ctr_info **pod_ctrs;
	size_t *n_pod_ctrs, n_pods;
	struct ctr_info *alone;
	size_t n_alone;
	char **volumes;
};

static void gen_input_release(struct gen_input *in)
{
	size_t i;

	for (i = 0; i < in->n_pods; i++) {
		pod_info_release(&in->pods[i]);
		ctr_info_list_free(in->pod_ctrs[i], in->n_pod_ctrs[i]);
	}
	free(in->pods);
	free(in->pod_ctrs);
	free(in->n_pod_ctrs);
	ctr_info_list_free(in->alone, in->n_alone);
	strv_free(in->volumes);
}

static int parse_kind(const char *arg, enum kube_gen_kind *kind, struct pea_err **err)
{
	static const char *const names[] = { "pod", "deployment", "daemonset", "job" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i])) {
			*kind = (enum kube_gen_kind)i;
			return 0;
		}
	}
	return pea_err_setk(err, PEA_E_INVALID, 0, "invalid generation type - only pods, "
			    "deployments, jobs, and daemonsets are currently supported: %s", arg);
}

static int parse_generate(int argc, char **argv, struct gen_cli *o, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "replicas", required_argument, NULL, 'r' },
		{ "service", no_argument, NULL, 's' },
		{ "filename", required_argument, NULL, 'f' },
		{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = "kube generate";
	int c, r;

	o->go.replicas = 1;
	while ((c = cli_kube_getopt_files(argc, argv, "+t:r:sf:", opts, &o->names)) != -1) {
		switch (c) {
		case 't':
			if (parse_kind(optarg, &o->go.kind, err) < 0)
				return -1;
			break;
		case 'r':
			if (parse_int(optarg, INT32_MIN, INT32_MAX, &r, "--replicas", err) < 0)
				return -1;
			o->go.replicas = r;
			break;
		case 's':
			o->go.service = true;
			break;
		case 'f':
			o->file = optarg;
			break;
		case OPT_NO_TRUNC:
			break;   /* peapod never truncates annotations */
		default:
			return cli_bad_flag(err, cmd, argc, argv);
		}
	}
	if (!o->names)
		return cli_usage_error(err, cmd, "requires at least one POD, CONTAINER or VOLUME "
				       "(see 'peapod kube generate --help')");
	if (o->go.replicas > 1 && o->go.kind != KUBE_GEN_DEPLOYMENT)
		return pea_err_setk(err, PEA_E_INVALID, 0, "--replicas can only be set when --type "
				    "is set to deployment");
	if (o->go.replicas < 1)
		return pea_err_setk(err, PEA_E_INVALID, 0, "--replicas has to be greater than or "
				    "equal to 1. By default, --replicas is set to 1");
	return 0;
}

/* ---- looking the names up ---- */

static int add_container(struct gen_input *in, struct ctr_info *ci, struct pea_err **err)
{
	size_t i;

	if (ci->pod_id)
		return pea_err_setk(err, PEA_E_INVALID, 0, "container %s is associated with pod "
				    "%s: use generate on the pod itself", ci->id, ci->pod_id);
	for (i = 0; i < in->n_alone; i++)
		if (!strcmp(in->alone[i].id, ci->id))
			return 0;
	in->alone = xrealloc(in->alone, (in->n_alone + 1) * sizeof(*in->alone));
	in->alone[in->n_alone++] = *ci;
	memset(ci, 0, sizeof(*ci));
	return 0;
}

static int add_pod(struct pea_ctx *ctx, struct gen_input *in, struct pod_info *pi,
		   struct pea_err **err)
{
	size_t i, n = in->n_pods;

	for (i = 0; i < n; i++)
		if (!strcmp(in->pods[i].id, pi->id))
			return 0;
	in->pods = xrealloc(in->pods, (n + 1) * sizeof(*in->pods));
	in->pod_ctrs = xrealloc(in->pod_ctrs, (n + 1) * sizeof(*in->pod_ctrs));
	in->n_pod_ctrs = xrealloc(in->n_pod_ctrs, (n + 1) * sizeof(*in->n_pod_ctrs));
	if (pod_containers(ctx, pi->id, &in->pod_ctrs[n], &in->n_pod_ctrs[n], err) < 0)
		return -1;
	in->pods[n] = *pi;
	memset(pi, 0, sizeof(*pi));
	in->n_pods++;
	return 0;
}

static int lookup_one(struct pea_ctx *ctx, const char *name, struct gen_input *in,
		      struct pea_err **err)
{
	struct ctr_info ci = { 0 };
	struct pod_info pi = { 0 };
	struct pea_err *e = NULL;
	int rc;

	if (ctr_lookup(ctx, name, &ci, &e) == 0) {
		rc = add_container(in, &ci, err);
		ctr_info_release(&ci);
		return rc;
	}
	if (!pea_err_is(e, PEA_E_NOT_FOUND)) {
		*err = e;
		return -1;
	}
	pea_err_free(e);
	e = NULL;
	if (pod_lookup(ctx, name, &pi, &e) == 0) {
		rc = add_pod(ctx, in, &pi, err);
		pod_info_release(&pi);
		return rc;
	}
	if (!pea_err_is(e, PEA_E_NOT_FOUND)) {
		*err = e;
		return -1;
	}
	pea_err_free(e);
	if (vol_exists(ctx, name)) {
		if (strv_find(in->volumes, name) < 0)
			strv_push(&in->volumes, name);
		return 0;
	}
	return pea_err_setk(err, PEA_E_NOT_FOUND, 0, "name or ID \"%s\" not found", name);
}

/* ---- what kube/ asks ---- */

static const char *host_path_type(void *arg, const char *path)
{
	struct stat st;

	(void)arg;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? "DirectoryOrCreate" : NULL;
	if (S_ISDIR(st.st_mode))
		return "Directory";
	if (S_ISREG(st.st_mode))
		return "File";
	if (S_ISSOCK(st.st_mode))
		return "Socket";
	if (S_ISCHR(st.st_mode))
		return "CharDevice";
	if (S_ISBLK(st.st_mode))
		return "BlockDevice";
	return NULL;
}

static char **volume_labels(void *arg, const char *name)
{
	struct vol_info vi = { 0 };
	cleanup_json struct json_object *labels = NULL;
	char **out = NULL;

	if (vol_lookup(arg, name, &vi, NULL) < 0)
		return NULL;
	labels = json_tokener_parse(vi.labels);
	if (labels && json_object_is_type(labels, json_type_object)) {
		json_object_object_foreach(labels, k, v) {
			cleanup_free char *kv = xasprintf("%s=%s", k, json_object_get_string(v));

			strv_push(&out, kv);
		}
	}
	vol_info_release(&vi);
	return out;
}

/* ---- output ---- */

static int write_new_file(const char *path, const struct strbuf *sb, struct pea_err **err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0 && errno == EEXIST)
		return pea_err_setk(err, PEA_E_EXISTS, 0, "cannot write to \"%s\"; file exists",
				    path);
	if (fd < 0)
		return pea_err_setk(err, PEA_E_GENERIC, errno, "cannot write to \"%s\"", path);
	if (xwrite_all(fd, sb->buf, sb->len) < 0) {
		int e = errno;

		unlink(path);   /* ours: made with O_EXCL just now */
		return pea_err_setk(err, PEA_E_GENERIC, e, "cannot write to \"%s\"", path);
	}
	return 0;
}

static int generate(struct pea_ctx *ctx, struct gen_cli *o, struct pea_err **err)
{
	struct gen_input in = { 0 };
	struct kube_gen_pod *pods = NULL;
	struct strbuf out = STRBUF_INIT;
	cleanup_strv char **notes = NULL;
	size_t i, n = 0;
	int rc = -1;

	if (o->file && io_exists(o->file)) {
		pea_err_setk(err, PEA_E_EXISTS, 0, "cannot write to \"%s\"; file exists", o->file);
		goto out;
	}
	for (i = 0; o->names[i]; i++)
		if (lookup_one(ctx, o->names[i], &in, err) < 0)
			goto out;
	pods = xcalloc(in.n_pods + 1, sizeof(*pods));
	for (i = 0; i < in.n_pods; i++)
		pods[n++] = (struct kube_gen_pod){ &in.pods[i], in.pod_ctrs[i], in.n_pod_ctrs[i] };
	if (in.n_alone)
		pods[n++] = (struct kube_gen_pod){ NULL, in.alone, in.n_alone };
	o->go.version = PEAPOD_VERSION;
	o->go.host_path_type = host_path_type;
	o->go.volume_labels = volume_labels;
	o->go.arg = ctx;
	if (kube_generate(pods, n, in.volumes, &o->go, &out, &notes, err) < 0)
		goto out;
	for (i = 0; notes && notes[i]; i++)
		fprintf(stderr, "Note: %s\n", notes[i]);
	if (o->file)
		rc = write_new_file(o->file, &out, err);
	else if (xwrite_all(STDOUT_FILENO, out.buf, out.len) < 0)
		rc = pea_err_setk(err, PEA_E_GENERIC, errno, "write the YAML");
	else
		rc = 0;
out:
	free(pods);
	gen_input_release(&in);
	strbuf_release(&out);
	return rc;
}

int cli_kube_generate(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	struct gen_cli o = { 0 };
	int rc;

	rc = parse_generate(argc, argv, &o, err);
	if (rc == 0)
		rc = generate(ctx, &o, err);
	strv_free(o.names);
	return rc;
}

const char cli_kube_generate_help[] =
	"Usage: peapod kube generate [options] POD|CONTAINER|VOLUME [...]\n\n"
	"Print Kubernetes YAML for what runs: a Pod per pod, containers outside pods\n"
	"grouped into one pod (\"<first container>-pod\"), a PersistentVolumeClaim per\n"
	"named volume.  Pods of 'kube play' come back as they were written (probes,\n"
	"hooks, ConfigMap and Secret references included); playing the output with\n"
	"'kube play --replace' gives the same pods, and generating again the same YAML.\n\n"
	"Options:\n"
	"  -t, --type KIND          pod (default), deployment, daemonset or job\n"
	"  -r, --replicas N         replicas of a deployment (default 1)\n"
	"  -s, --service            a NodePort Service per pod for its published ports\n"
	"                           (the containers then keep only their containerPorts)\n"
	"  -f, --filename FILE      write to FILE, which must not exist yet\n";
