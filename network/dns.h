/* Name resolution between the pods of one network, through their /etc/hosts
 * files (no daemon; see the comment at the top of dns.c for the design).
 *
 * A running pod on a network with dns_enabled is "registered": a record
 * under <runroot>/dns/<network>/<owner> names its hosts file, its addresses
 * on that network and its names (pod name, hostname, container names).
 * Every hosts file of a registered pod ends with a block of the other
 * registered pods of its networks; registering or unregistering a pod
 * rewrites that block in the hosts files of every pod on the networks
 * concerned, in place (same inode: the files are bind-mounted into running
 * containers).  All of it runs under one lock, <runroot>/dns/lock.
 *
 * Errors follow base/err.h; nothing here prints. */
#ifndef PEA_NET_DNS_H
#define PEA_NET_DNS_H

#include "base/ctx.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "network/network.h"

/* The line that starts the peers' block of a hosts file. */
#define NET_DNS_MARKER "# peapod: pods of the same network (rewritten by peapod)"

struct net_dns_rec {
	const char *owner;              /* pod id */
	const char *hosts_path;         /* the owner's hosts file */
	char *const *names;             /* NULL-terminated; names without blanks */
	const struct net_status *status;/* the owner's interfaces (net_setup's result) */
};

/* (Re)register rec->owner on the dns-enabled networks of rec->status
 * (replacing an earlier registration) and rewrite the peers' block of every
 * pod on those networks, the owner's included. */
int net_dns_register(struct pea_ctx *ctx, const struct net_dns_rec *rec, struct pea_err **err);
/* Forget owner and rewrite the hosts files of the pods that were its
 * peers.  Fine when owner was never registered. */
int net_dns_unregister(struct pea_ctx *ctx, const char *owner, struct pea_err **err);
/* Write path (created if missing, else truncated in place) as `base`
 * followed by the peers' block of owner, under the lock. */
int net_dns_write_hosts(struct pea_ctx *ctx, const char *owner, const char *path,
			const char *base, struct pea_err **err);
/* The peers' block of owner (without the marker), appended to out: one
 * "ADDR\tNAME..." line per address of every other pod registered on a
 * network owner is registered on.  Reads without the lock. */
int net_dns_peers(struct pea_ctx *ctx, const char *owner, struct strbuf *out,
		  struct pea_err **err);
/* `system reset`: drop every record. */
int net_dns_reset(struct pea_ctx *ctx, struct pea_err **err);

#endif
