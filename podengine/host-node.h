/* What `kube play` tells the plan about this machine as a Kubernetes node
 * (kube/plan.h struct kube_plan_env): its name, its address, its CPUs and
 * memory.  Everything is read locally (/proc, getifaddrs); nothing is sent. */
#ifndef PEA_HOST_NODE_H
#define PEA_HOST_NODE_H

#include <stdint.h>

#include "base/err.h"

struct host_node {
	char *name;          /* the host name, lower case (as the kubelet's node name) */
	char *ipv4;          /* the address of the default route's interface, else the
			      * first non-loopback IPv4 address, else "127.0.0.1" */
	int64_t cpu_milli;   /* online CPUs * 1000 */
	int64_t memory;      /* MemTotal in bytes (0 if unreadable) */
};

/* Fills *out; fails only when nothing at all can be read (no host name). */
int host_node_get(struct host_node *out, struct pea_err **err);
void host_node_release(struct host_node *n);

/* Parsers, for tests.  The interface of the default IPv4 route (lowest
 * metric) in the text of /proc/net/route, or NULL; caller frees. */
char *host_node_default_iface(const char *proc_net_route);
/* MemTotal of /proc/meminfo text in bytes, or 0. */
int64_t host_node_mem_total(const char *proc_meminfo);

#endif
