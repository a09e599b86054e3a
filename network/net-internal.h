/* Shared between the files of network/ only. */
#ifndef PEA_NET_INTERNAL_H
#define PEA_NET_INTERNAL_H

#include "network/network.h"
#include "podengine/state.h"

/* Every network of the state, read with the caller's connection (works
 * inside a transaction). */
int net_list_st(struct state *st, struct net_config **out, size_t *n, struct pea_err **err);
/* Delete the record of `name` (and its allocations and pod_networks rows). */
int net_record_delete(struct pea_ctx *ctx, const char *name, struct pea_err **err);
/* Remove the host side of a network: the veths of its users, their
 * firewall rules and addresses, the network's firewall rules, the bridge. */
int net_host_teardown(struct pea_ctx *ctx, const struct net_config *nc, struct pea_err **err);

#endif
