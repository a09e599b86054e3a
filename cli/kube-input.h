/* Private to cli/kube*.c: what `kube play` and `kube down` read (files, "-"
 * for stdin, http(s) URLs), decoded (kube_load) and planned
 * (kube_plan_build) before anything on the host changes. */
#ifndef PEA_CLI_KUBE_INPUT_H
#define PEA_CLI_KUBE_INPUT_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/ctx.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "kube/kube.h"
#include "kube/plan.h"

/* The most a file, stdin or URL may hold. */
#define KUBE_INPUT_MAX (16u << 20)
/* Seconds a URL may take in all. */
#define KUBE_INPUT_URL_TIMEOUT 60L

struct kube_input {
	struct kube_objects objs;
	struct kube_plan plan;
	bool planned;             /* plan is valid */
	/* for_down: the pods and claims to take down (from the plan, or from
	 * the objects when there is no plan); owned here */
	char **down_pods;
	struct play_volume *down_vols;
	size_t n_down_vols;
};

/* Append the contents of src ("-" = stdin, "http://" or "https://" = a
 * URL, else a file path) to sb.  Kind INVALID when it is larger than
 * KUBE_INPUT_MAX; a URL answering with an HTTP error fails with the status. */
int cli_kube_read(const char *src, struct strbuf *sb, struct pea_err **err);

/* Read and decode every file (and every --configmap file: those may hold
 * only ConfigMaps), then build one plan over all objects with this
 * machine's facts.  Every error of every file is reported in one *err
 * (one per line).  Warnings (unknown fields, kinds that are skipped, the
 * plan's) are printed to stderr as "Warning: TEXT", also on failure.
 * With for_down a plan that cannot be built (a ConfigMap given to `play
 * --configmap` and not to `down`) is not an error: the names are taken
 * from the objects by the plan's naming rules.  down_pods/down_vols are
 * filled only with for_down. */
int cli_kube_load(char *const *files, char *const *configmaps, const char *seccomp_root,
		  bool for_down, struct kube_input *in, struct pea_err **err);
void cli_kube_input_release(struct kube_input *in);

/* getopt that, as podman's, takes flags after the operands too: operands
 * are collected into *files ("--" ends the flags).  Returns like
 * cli_getopt. */
int cli_kube_getopt_files(int argc, char **argv, const char *shortopts,
			  const struct option *longopts, char ***files);

/* `kube generate` (cli/kube-generate.c). */
int cli_kube_generate(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);
extern const char cli_kube_generate_help[];


#endif
