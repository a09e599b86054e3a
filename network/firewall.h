/* The firewall of peapod: one nftables table of its own, `inet peapod`,
 * driven through libnftables (see the comment at the top of firewall.c for
 * the layout of the table).
 *
 * Every function takes the firewall lock (<runroot>/fw.lock, flock) for its
 * whole list-then-change sequence, so concurrent peapod processes don't race.
 * All changes of one call are one nftables transaction: all or nothing.
 *
 * Names that end up in rules are checked: owner and network names may hold
 * [A-Za-z0-9_.-] only, interface names no blanks, quotes or slashes, and
 * addresses must parse.  Bad input fails with kind PEA_E_INVALID. */
#ifndef PEA_FIREWALL_H
#define PEA_FIREWALL_H

#include <stddef.h>

#include "base/ctx.h"
#include "base/err.h"
#include "network/network.h"

/* Masquerade for the network's subnets (not for internal networks; those
 * get forward drops to and from other interfaces instead), forwarding accept
 * for the bridge, masquerade of 127.0.0.0/8 going out the bridge (for
 * published ports reached over 127.0.0.1) and of DNATed traffic from the
 * subnet back into it (hairpin).  Turns on IPv4 (and IPv6 for a network
 * with an IPv6 subnet) forwarding when it is off and the network is not
 * internal.  Idempotent: a second call for the same network changes nothing. */
int fw_network_setup(struct pea_ctx *ctx, const struct net_config *nc, struct pea_err **err);

/* Remove exactly what fw_network_setup added for nc (its two chains and
 * their jumps); deletes the table when no jump is left.  A network without
 * rules is fine. */
int fw_network_teardown(struct pea_ctx *ctx, const struct net_config *nc, struct pea_err **err);

/* DNAT for the published ports of one owner (a pod) to ip4 and/or ip6 (either
 * may be NULL or "").  ports[i].host_ip "" = every local address; entries
 * with host_port 0 are ignored.  Reachable from other hosts (prerouting),
 * from the host itself including 127.0.0.1 (output chain; sets route_localnet
 * on nc->bridge, which must exist), and from pods of the network including
 * the owner itself (hairpin, masqueraded by fw_network_setup's rules).
 * A port that another owner already publishes on an overlapping address
 * fails with kind PEA_E_IN_USE ("port 8080/tcp is already published by pod
 * X"); ports the same owner already publishes identically are skipped, so a
 * repeated call is harmless.  One transaction for all the rules. */
int fw_ports_add(struct pea_ctx *ctx, const char *owner, const struct net_config *nc,
		 const char *ip4, const char *ip6, const struct net_port *ports, size_t n,
		 struct pea_err **err);

/* Remove every rule and chain of owner; deletes the table when no jump is
 * left.  Idempotent. */
int fw_owner_remove(struct pea_ctx *ctx, const char *owner, struct pea_err **err);

/* Delete the whole table (system reset); a missing table is fine. */
int fw_reset(struct pea_ctx *ctx, struct pea_err **err);

#endif
