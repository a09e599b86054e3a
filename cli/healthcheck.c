/* healthcheck run CTR: the container's liveness probe once (podman's verb). */
#include "cli/cli.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "podengine/container.h"

#include <stdio.h>

#include "base/banned.h"

static const char run_help[] =
	"Usage: peapod healthcheck run CONTAINER\n\n"
	"Run the container's liveness probe once. Exit status 0: healthy, 1: unhealthy\n"
	"(\"unhealthy\" and the probe's message are printed), 125: no probe or not running.\n";

static int cmd_run(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	cleanup_strbuf struct strbuf msg = STRBUF_INIT;
	bool healthy = false;

	if (argc != 2)
		return cli_usage_error(err, "healthcheck run", "requires exactly one container");
	if (ctr_healthcheck_run(ctx, argv[1], &healthy, &msg, err) < 0)
		return -1;
	if (healthy)
		return 0;
	printf("unhealthy\n");
	if (msg.len)
		fprintf(stderr, "%s\n", msg.buf);
	return 1;
}

const struct cli_cmd cli_healthcheck_cmds[] = {
	{ "run", "run a container's liveness probe once", run_help, cmd_run, NULL, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};
