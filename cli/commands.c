/* The top-level command table.  Entries with an empty name include another
 * table (the top-level shortcuts of a command group). */
#include "cli/cli.h"

#include <stddef.h>

#include "base/banned.h"

int cmd_version(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);
int cmd_info(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);
int cmd_unshare_top(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);
extern const char cli_unshare_help[];

static const char info_help[] =
	"Usage: peapod info [--format json|TEMPLATE]\n\n"
	"Show the host (kernel, cgroup version and layout), the OCI runtimes found and\n"
	"whether they work here, and the storage configuration.\n";

const struct cli_cmd cli_top_cmds[] = {
	{ "container", "manage containers", NULL, NULL, cli_container_cmds, false },
	{ "", NULL, NULL, NULL, cli_container_top_cmds, true },
	{ "generate", "generate Kubernetes YAML (alias of kube generate)", NULL, NULL,
	  cli_generate_cmds, true },
	{ "healthcheck", "run container probes", NULL, NULL, cli_healthcheck_cmds, false },
	{ "image", "manage images", NULL, NULL, cli_image_cmds, false },
	{ "", NULL, NULL, NULL, cli_image_top_cmds, true },
	{ "", NULL, NULL, NULL, cli_login_cmds, true },
	{ "info", "show host and runtime information", info_help, cmd_info, NULL, false },
	{ "kube", "play, take down and generate Kubernetes YAML", NULL, NULL, cli_kube_cmds, false },
	{ "network", "manage networks", NULL, NULL, cli_network_cmds, false },
	{ "play", "play Kubernetes YAML (alias of kube play)", NULL, NULL, cli_play_cmds, true },
	{ "pod", "manage pods", NULL, NULL, cli_pod_cmds, false },
	{ "", NULL, NULL, NULL, cli_probe_attempt_cmds, true },
	{ "system", "manage peapod itself", NULL, NULL, cli_system_cmds, false },
	{ "unshare", "run a command in the rootless user namespace", cli_unshare_help,
	  cmd_unshare_top, NULL, false },
	{ "version", "print the version", "Usage: peapod version\n", cmd_version, NULL, false },
	{ "volume", "manage volumes", NULL, NULL, cli_volume_cmds, false },
	{ NULL, NULL, NULL, NULL, NULL, false },
};
