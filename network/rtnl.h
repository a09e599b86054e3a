/* rtnetlink over libmnl: the few link, address and route operations the
 * bridge driver needs.  No `ip` command is ever run.
 *
 * Every function works in the network namespace of the calling thread (it
 * opens its own NETLINK_ROUTE socket); to act inside a pod's namespace call
 * it from a netns_run() callback.  Errors follow base/err.h; a missing link
 * is kind NOT_FOUND, an existing one (or address) kind EXISTS. */
#ifndef PEA_RTNL_H
#define PEA_RTNL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "network/ipam.h"

/* Index of the link `name` in the current netns (kind NOT_FOUND if none). */
int rtnl_link_index(const char *name, struct pea_err **err);
bool rtnl_link_exists(const char *name);

/* A bridge `name` (kind EXISTS if a link of that name exists). */
int rtnl_bridge_create(const char *name, struct pea_err **err);
/* A veth pair: `name` in the current netns, `peer` created directly inside
 * the netns open at `peer_netns_fd` (-1: the current one). */
int rtnl_veth_create(const char *name, const char *peer, int peer_netns_fd,
		     struct pea_err **err);
/* Enslave `name` to the bridge `master`. */
int rtnl_link_set_master(const char *name, const char *master, struct pea_err **err);
int rtnl_link_set_up(const char *name, struct pea_err **err);
int rtnl_link_set_mtu(const char *name, unsigned mtu, struct pea_err **err);
int rtnl_link_rename(const char *name, const char *newname, struct pea_err **err);
/* Delete a link (and so its veth peer); kind NOT_FOUND if it is missing. */
int rtnl_link_delete(const char *name, struct pea_err **err);
/* The link's hardware address as "aa:bb:cc:dd:ee:ff". */
int rtnl_link_mac(const char *name, char out[18], struct pea_err **err);

/* Add `addr`/`prefix` (IPv4 or IPv6, IFA_F_NODAD for IPv6) to `ifname`.
 * Kind EXISTS if the address is already there. */
int rtnl_addr_add(const char *ifname, const char *addr, int prefix, struct pea_err **err);
/* Default route via `gw` (IPv4 or IPv6) out of `ifname`; kind EXISTS if a
 * default route of that family exists. */
int rtnl_route_add_default(const char *ifname, const char *gw, struct pea_err **err);

/* Every prefix the current netns uses: the destinations of all routes of
 * every table (default routes, multicast and IPv6 link-local excluded) and
 * every interface address with its prefix length.  *out is owned by the
 * caller (free()). */
int rtnl_used_prefixes(struct ipam_prefix **out, size_t *n, struct pea_err **err);

#endif
