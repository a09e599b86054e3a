/* The top-level command table. */
#include "cli/cli.h"

#include <stddef.h>

#include "base/banned.h"

int cmd_version(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);

const struct cli_cmd cli_top_cmds[] = {
	{ "version", "print the version", "Usage: peapod version\n", cmd_version, NULL, false },
	{ "system", "manage peapod itself", NULL, NULL, cli_system_cmds, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};
