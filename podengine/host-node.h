/* What `kube play` tells the plan about this machine as a Kubernetes node
 * (kube/plan.h struct kube_plan_env): its name, its address, its CPUs and
 * memory.  Everything is read locally (/proc, getifaddrs); nothing is sent. */
#ifndef PEA_HOST_NODE_H
#define PEA_HOST_NODE_H

#include <stdint.h>

#include "base/err.h"

struct host_node {
	char *name;          /* the host name, lower case (as the kubelet's node name) */
	char *ipv4;          /* host_primary_ip4() (hostinfo.h) */
	int64_t cpu_milli;   /* online CPUs * 1000 */
	int64_t memory;      /* MemTotal in bytes (0 if unreadable) */
};

/* Fills *out; fails only when nothing at all can be read (no host name). */
int host_node_get(struct host_node *out, struct pea_err **err);
void host_node_release(struct host_node *n);

/* For tests: MemTotal of /proc/meminfo text in bytes, or 0. */
int64_t host_node_mem_total(const char *proc_meminfo);

#endif
