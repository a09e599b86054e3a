/* Rootless networking's way out: one pasta(1) process (passt's namespace
 * mode) per pod, attached to the pod's netns.  It copies the host's address
 * and default route onto an interface "tap0" of its own in the netns (so the
 * pod's bridge veth carries only its subnet route), forwards the pod's
 * published ports from the host (-t/-u), forwards DNS queries sent to
 * PASTA_DNS_FORWARD to the host's resolver, and maps the gateway address to
 * the host (pasta's default): a pod reaches a service on the host's
 * 127.0.0.1 through the gateway.  See docs/design.md, "Rootless networking".
 *
 * pasta daemonizes once the netns is configured; its pid goes to
 * <runroot>/pasta/<owner>.pid.  pasta_stop() kills it only after checking
 * that the pid still runs pasta with that very pid file (pid reuse).
 * Errors follow base/err.h. */
#ifndef PEA_PASTA_H
#define PEA_PASTA_H

#include <stddef.h>

#include "base/ctx.h"
#include "base/err.h"
#include "network/network.h"

#define PASTA_IFNAME "tap0"
/* A link-local address: pasta answers DNS sent there from the host's first
 * resolver, which may be a loopback one (systemd-resolved) that a pod
 * could not reach otherwise.  Equal to NET_PASTA_DNS (network.h). */
#define PASTA_DNS_FORWARD NET_PASTA_DNS

struct pasta_opts {
	const char *netns_path;          /* the pod's netns (bind mount) */
	const char *pid_file;            /* where pasta writes its pid */
	const struct net_port *ports;    /* entries with host_port 0 are skipped */
	size_t n_ports;
};

/* pasta's argument vector (argv[0] = `bin`), NULL-terminated, caller frees
 * (strv_free).  Kind INVALID for a protocol other than tcp/udp. */
char **pasta_argv(const char *bin, const struct pasta_opts *o, struct pea_err **err);

/* Refuse (kind INVALID) a published host port below `unpriv_start` (the
 * value of net.ipv4.ip_unprivileged_port_start), with podman's wording. */
int pasta_check_ports(const struct net_port *ports, size_t n, long unpriv_start,
		      struct pea_err **err);

/* net.ipv4.ip_unprivileged_port_start of the calling thread's netns (the
 * host's for a rootless command), 1024 when it cannot be read. */
long pasta_unpriv_port_start(void);

/* Kind IN_USE ("cannot publish port 8080/tcp on 0.0.0.0: Address already
 * in use") when something on the host (this thread's netns) listens on a
 * published host port in IPv4 or IPv6: pasta would publish it in the other
 * family only.  Run by pasta_start. */
int pasta_ports_free(const struct net_port *ports, size_t n, struct pea_err **err);

/* The pid file of owner's pasta: <runroot>/pasta/<owner>.pid.  Caller frees. */
char *pasta_pid_file(struct pea_ctx *ctx, const char *owner);

/* Start owner's pasta on netns_path and wait until it has configured the
 * netns (its parent exits).  On failure nothing runs and pasta's own message
 * is in the error ("pasta: Failed to bind any port for '-t 8080:80'"). */
int pasta_start(struct pea_ctx *ctx, const char *owner, const char *netns_path,
		const struct net_port *ports, size_t n_ports, struct pea_err **err);

/* End owner's pasta (SIGTERM, SIGKILL after 2 s) and remove its pid file.
 * Fine when none runs; a pid that no longer runs this pasta is left alone. */
int pasta_stop(struct pea_ctx *ctx, const char *owner, struct pea_err **err);

/* `system reset`: pasta_stop for every pid file of the run root. */
int pasta_reset(struct pea_ctx *ctx, struct pea_err **err);

#endif
