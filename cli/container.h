/* Private to cli/container*.c: `run`/`create` flags parsed into a spec. */
#ifndef PEA_CLI_CONTAINER_H
#define PEA_CLI_CONTAINER_H

#include <stdbool.h>

#include "base/ctx.h"
#include "base/err.h"
#include "podengine/image.h"
#include "podengine/spec.h"

enum cli_pull { CLI_PULL_MISSING = 0, CLI_PULL_ALWAYS, CLI_PULL_NEVER, CLI_PULL_NEWER };

struct cli_run_opts {
	struct ctr_spec spec;
	bool detach, quiet, help;
	enum cli_pull pull;
	struct img_registry_opts reg;
};

extern const char cli_run_help[];
extern const char cli_create_help[];

/* Parse `run`/`create` argv (argv[0] is the command name) into o (spec
 * initialised here; release with cli_run_opts_release). */
int cli_run_parse(int argc, char **argv, struct cli_run_opts *o, struct pea_err **err);
void cli_run_opts_release(struct cli_run_opts *o);
/* Pull per o->pull when needed; 0 or -1 with *err. */
int cli_run_pull(struct pea_ctx *ctx, struct cli_run_opts *o, struct pea_err **err);

#endif
