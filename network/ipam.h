/* IP address management in the state database, and the prefix arithmetic
 * that subnet choice needs.
 *
 * Allocations live in the table ip_allocations (network, ip, owner) whose
 * PRIMARY KEY (network, ip) keeps addresses unique across concurrent peapod
 * processes: each allocation is one transaction that reads the used
 * addresses and inserts the next free one, retrying on a constraint
 * violation.  Addresses are stored in canonical inet_ntop() form. */
#ifndef PEA_IPAM_H
#define PEA_IPAM_H

#include <stdbool.h>
#include <stddef.h>

#include "base/ctx.h"
#include "base/err.h"

struct net_subnet;

struct ipam_prefix {
	int family;               /* AF_INET or AF_INET6 */
	unsigned char addr[16];   /* network byte order; IPv4 in the first 4 */
	int len;                  /* prefix length */
};

/* "10.1.2.0/24", "fd00::/64", or a bare address (full length).  Host bits
 * are kept; see ipam_prefix_mask().  Kind INVALID on bad input. */
int ipam_prefix_parse(const char *s, struct ipam_prefix *p, struct pea_err **err);
/* Clear the host bits. */
void ipam_prefix_mask(struct ipam_prefix *p);
/* "10.1.2.0/24" (with_len) or "10.1.2.0" into out. */
void ipam_prefix_format(const struct ipam_prefix *p, bool with_len, char out[64]);
/* True if both are of one family and one contains the other. */
bool ipam_prefix_overlap(const struct ipam_prefix *a, const struct ipam_prefix *b);
/* True if the address `addr` lies inside the prefix `p`. */
bool ipam_prefix_contains(const struct ipam_prefix *p, const struct ipam_prefix *addr);
/* The address `n` hosts after the network address of p (n = 1: first host). */
void ipam_prefix_nth(const struct ipam_prefix *p, unsigned long long n, char out[64]);

/* First private IPv4 /24 that overlaps none of `used`: 10.88.0-255.0,
 * 10.89.0-255.0, 172.16-31.0-255.0, 192.168.0-255.0.  Kind GENERIC if all
 * are taken. */
int ipam_pick_subnet4(const struct ipam_prefix *used, size_t n, char out[64],
		      struct pea_err **err);
/* A ULA /64 "fdXX:XXXX:XXXX:N::/64" whose global id comes from the 64-hex
 * network id, with the first subnet number N that overlaps none of `used`. */
int ipam_pick_subnet6(const char *net_id, const struct ipam_prefix *used, size_t n,
		      char out[64], struct pea_err **err);

/* Allocate an address of `sn` in `network` for `owner` (the next free one,
 * skipping the network address, the gateway and the IPv4 broadcast; or
 * `static_ip` if not NULL, kind EXISTS if taken).  Writes it to out.  Kind
 * GENERIC "no free address" when the subnet is exhausted. */
int ipam_alloc(struct pea_ctx *ctx, const char *network, const struct net_subnet *sn,
	       const char *owner, const char *static_ip, char out[64], struct pea_err **err);
/* Release every address of `owner` (all networks). */
int ipam_release_owner(struct pea_ctx *ctx, const char *owner, struct pea_err **err);
/* Release the addresses of `owner` in `network` only. */
int ipam_release(struct pea_ctx *ctx, const char *network, const char *owner,
		 struct pea_err **err);
/* The networks in which `owner` holds addresses (sorted, unique; a
 * NULL-terminated vector owned by the caller, strv_free()). */
int ipam_owner_networks(struct pea_ctx *ctx, const char *owner, char ***out,
			struct pea_err **err);
/* The owners holding addresses in `network` (NULL: every network). */
int ipam_network_owners(struct pea_ctx *ctx, const char *network, char ***out,
			struct pea_err **err);
/* The addresses of `owner` in `network`, in the order of the rows. */
int ipam_owner_addrs(struct pea_ctx *ctx, const char *owner, const char *network, char ***out,
		     struct pea_err **err);

#endif
