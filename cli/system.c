/* version, info, system df|reset|info */
#include "cli/cli.h"

#include <stdio.h>

#include "base/banned.h"

int cmd_version(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);

int cmd_version(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	printf("Version:      0.1.0\n");
	return 0;
}

const struct cli_cmd cli_system_cmds[] = {
	{ NULL, NULL, NULL, NULL, NULL, false },
};
