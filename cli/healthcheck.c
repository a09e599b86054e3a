/* healthcheck run CTR: the container's liveness probe once (podman's verb);
 * and the hidden probe-attempt, which peapod-conmon runs for HTTPS and grpc
 * probes (base/probe.h). */
#include "cli/cli.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "podengine/container.h"

#include <stdio.h>
#include <unistd.h>

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

static const char attempt_help[] =
	"Usage: peapod probe-attempt --timeout-ms N < HANDLER.json\n\n"
	"Internal: run one HTTPS or grpc probe attempt from the current network namespace\n"
	"(peapod-conmon runs this for those probes).  Prints one line; exit status 0:\n"
	"success, 1: failure, 125: bad input.\n";

static int cmd_attempt(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "timeout-ms", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_strbuf struct strbuf in = STRBUF_INIT;
	cleanup_strbuf struct strbuf msg = STRBUF_INIT;
	int c, timeout_ms = 1000, rc;

	while ((c = cli_getopt(argc, argv, "+", opts)) != -1) {
		if (c != 't')
			return cli_bad_flag(err, "probe-attempt", argc, argv);
		if (parse_int(optarg, 1, 86400 * 1000, &timeout_ms, "--timeout-ms", err) < 0)
			return -1;
	}
	if (optind != argc)
		return cli_usage_error(err, "probe-attempt", "takes no arguments");
	if (io_read_fd(0, &in, err) < 0)
		return pea_err_wrap(err, "probe-attempt: read stdin");
	rc = ctr_probe_attempt(in.buf ? in.buf : "", timeout_ms, &msg, err);
	if (rc < 0)
		return -1;
	printf("%s\n", msg.buf ? msg.buf : "");
	return rc;
}

const struct cli_cmd cli_probe_attempt_cmds[] = {
	{ "probe-attempt", "run one HTTPS or grpc probe attempt (internal)", attempt_help,
	  cmd_attempt, NULL, true },
	{ NULL, NULL, NULL, NULL, NULL, false },
};

const struct cli_cmd cli_healthcheck_cmds[] = {
	{ "run", "run a container's liveness probe once", run_help, cmd_run, NULL, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};
