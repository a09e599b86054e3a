/* Networks: bridge networks over rtnetlink (libmnl), IPAM in the state
 * database, firewall and port publishing with libnftables (one table of
 * peapod's own, `inet peapod`), network namespaces under the run root.
 *
 * Who implements what:
 *   netns.c     network namespaces (create, bind-mount, remove)
 *   rtnl.c      rtnetlink over libmnl: links, bridges, veth, addresses, routes
 *   ipam.c      addresses from the state (unique under concurrency)
 *   network.c   network records (JSON in the state), default network, subnet choice
 *   setup.c     net_setup / net_teardown: a pod's interfaces, addresses, routes, ports
 *   firewall.c  nftables: masquerade, DNAT for published ports (fw_*)
 *   pasta.c     rootless: the pods' pasta processes, the port checks
 *
 * Rootless (ctx->rootless; docs/design.md, "Rootless networking"): the same
 * bridges, veths, IPAM and hosts-file DNS, but the host side of the bridges
 * lives in the rootless netns of the run root (netns_rootless_path) instead
 * of the host's netns, there is no firewall, pods get no default route over
 * their veths, and one pasta per pod (pasta.h) brings the host's address,
 * the default route and the published ports.  Rootless callers stay in the
 * host's netns; network/ moves a thread where the work is.
 *
 * Every function that changes the host is undone by its counterpart, and a
 * failing net_setup undoes everything it did before returning. */
#ifndef PEA_NETWORK_H
#define PEA_NETWORK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"

#define NET_DEFAULT_NAME "peapod"
#define NET_DEFAULT_BRIDGE "peapod0"

struct net_subnet {
	char *subnet;     /* "10.89.0.0/24", "fd00:abcd::/64" */
	char *gateway;    /* "10.89.0.1" */
};

struct net_config {
	char *name;
	char *id;                 /* 64 hex */
	char *driver;             /* "bridge" */
	char *bridge;             /* interface name, e.g. "peapod0", "peapod1" */
	struct net_subnet *subnets;
	size_t n_subnets;
	bool ipv6;                /* has an IPv6 subnet */
	bool internal;            /* no masquerade, no default route out */
	bool dns_enabled;
	char **labels;            /* "k=v" */
	int64_t created;          /* unix seconds */
};

struct net_create_opts {
	const char *name;         /* NULL: next free "peapodN" */
	const char *driver;       /* NULL or "bridge" */
	char *const *subnets;     /* NULL: pick a free private /24 (and a ULA /64 with ipv6) */
	char *const *gateways;    /* parallel to subnets, may be NULL */
	bool ipv6, internal, disable_dns;
	char *const *labels;
	const char *bridge;       /* NULL: "peapod0" for the default, else next free "peapodN" */
};

void net_config_release(struct net_config *nc);
void net_config_list_free(struct net_config *list, size_t n);
struct json_object *net_config_to_json(const struct net_config *nc);
int net_config_from_json(struct json_object *o, struct net_config *nc, struct pea_err **err);

/* Records only (no host changes until a pod uses the network). */
int net_create(struct pea_ctx *ctx, const struct net_create_opts *opts, struct net_config *out,
	       struct pea_err **err);
/* The default network, created on first use: its subnet is the first of
 * 10.88.0.0/16 (as /24s: 10.88.0.0/24, ...), 10.89..., 172.16-31.x, 192.168.x
 * that no route or address on the host already uses, and then kept. */
int net_default(struct pea_ctx *ctx, struct net_config *out, struct pea_err **err);
int net_lookup(struct pea_ctx *ctx, const char *name, struct net_config *out, struct pea_err **err);
int net_list(struct pea_ctx *ctx, struct net_config **out, size_t *n, struct pea_err **err);
/* Refused (kind IN_USE) while a pod or container is attached unless force.
 * Removes the bridge and the network's firewall rules. */
int net_remove(struct pea_ctx *ctx, const char *name, bool force, struct pea_err **err);
bool net_exists(struct pea_ctx *ctx, const char *name);
/* `system reset`: for every network of this root remove its bridge, its
 * firewall rules, the veths of its users and every allocation, then the
 * network records themselves. */
int net_reset(struct pea_ctx *ctx, struct pea_err **err);
/* The host-side veth of `owner` on `network`: "veth" + 8 hex of
 * sha256(owner NUL network), so teardown can find it again. */
void net_veth_name(const char *owner, const char *network, char out[16]);

/* ---- network namespaces (netns.c) ---- */

/* New netns bind-mounted at <runroot>/netns/<name>; returns the path. */
char *netns_create(struct pea_ctx *ctx, const char *name, struct pea_err **err);
/* Unmount and remove; a missing one is fine. */
int netns_remove(const char *path, struct pea_err **err);
/* Unmount and remove <runroot>/netns once no namespace is left in it (it
 * is a shared bind mount of itself); does nothing while one is.  Called by
 * net_reset. */
int netns_dir_release(struct pea_ctx *ctx, struct pea_err **err);
/* Run fn inside the netns (a thread is moved with setns and back). */
int netns_run(const char *path, int (*fn)(void *data, struct pea_err **err), void *data,
	      struct pea_err **err);
/* True when path is a namespace bind mount (not a stale file). */
bool netns_is_netns(const char *path);

/* The rootless netns: rootless, the host side of the bridge networks (the
 * bridges, the host ends of the pods' veths) lives in a netns of the user's
 * own, <runroot>/netns/rootless, instead of the host's, which the user may
 * not change.  setup.c creates it on a pod's first use (under the rootless
 * network lock, see net_setup) and removes it when the last address of the
 * run root is released.  Caller frees the path. */
#define NETNS_ROOTLESS "rootless"
char *netns_rootless_path(struct pea_ctx *ctx);
/* Create it unless a live one is there (a stale file is replaced). */
int netns_rootless_ensure(struct pea_ctx *ctx, struct pea_err **err);
/* Unmount and remove it (what is in it goes with it); missing is fine. */
int netns_rootless_remove(struct pea_ctx *ctx, struct pea_err **err);

/* ---- a pod's network (setup.c) ---- */

struct net_port {
	uint16_t host_port;       /* 0: not published */
	uint16_t container_port;
	uint16_t range;           /* number of ports, >= 1 */
	char proto[4];            /* "tcp" or "udp" */
	char host_ip[64];         /* "" = all addresses */
};

struct net_attach {
	const char *network;      /* NULL = default */
	const char *static_ip;    /* NULL = from IPAM */
	char *const *aliases;     /* extra DNS names */
};

struct net_setup_in {
	const char *owner;        /* pod id: owns the IPs and the firewall rules */
	const char *name;         /* pod name, for DNS */
	const char *netns_path;
	const struct net_attach *attach;
	size_t n_attach;          /* 0 = the default network */
	const struct net_port *ports;
	size_t n_ports;
};

struct net_iface_status {
	char *network;
	char *ifname;             /* "eth0", "eth1", ... inside the netns */
	char *mac;
	char *ip4, *gw4;          /* may be NULL */
	char *ip6, *gw6;
	int prefix4, prefix6;
};

struct net_status {
	struct net_iface_status *ifaces;
	size_t n;
};

void net_status_release(struct net_status *st);
struct json_object *net_status_to_json(const struct net_status *st);
int net_status_from_json(struct json_object *o, struct net_status *st, struct pea_err **err);

/* Loopback up, one veth per network (peer on the bridge, created with the
 * bridge on first use), addresses from IPAM, default route (unless the
 * network is internal), masquerade and the published ports' DNAT rules.
 * Rootless: the bridge side in the rootless netns (created if needed), no
 * default route and no firewall, then the pod's pasta with the published
 * ports (none when every network is internal); ports are checked first
 * (net_ports_check).  Call from the host's netns.  All or nothing. */
int net_setup(struct pea_ctx *ctx, const struct net_setup_in *in, struct net_status *out,
	      struct pea_err **err);
/* Undo net_setup for `owner`: firewall rules (rootless: its pasta), veths,
 * IPs.  Idempotent; the bridge stays while other pods use the network
 * (removed with the network; rootless, with the rootless netns when the
 * run root's last address is released). */
int net_teardown(struct pea_ctx *ctx, const char *owner, const char *netns_path,
		 struct pea_err **err);

/* Attach a pod that is already set up (running) to one more network:
 * the bridge and the network's firewall rules if needed, addresses from
 * IPAM, the veth (host side net_veth_name(owner, network)) with its peer
 * "eth<ifindex>" in the netns at netns_path, and a default route only if
 * the netns has none yet (the network is not internal).  Published ports
 * stay on the first network.  `network` NULL or "peapod": the default one.
 * Kind EXISTS when owner already holds addresses in it.  On failure only
 * what this call did is undone (the veth, its addresses).  On success *out
 * is filled (release with net_status_release on a one-element status, or
 * free its fields). */
int net_attach_one(struct pea_ctx *ctx, const char *owner, const char *netns_path,
		   const char *network, size_t ifindex, struct net_iface_status *out,
		   struct pea_err **err);
/* Undo net_attach_one (or net_setup's part) for one network: delete the
 * veth of (owner, network) and release owner's addresses in it.  A missing
 * veth is fine.  The firewall rules of published ports are not touched:
 * callers keep the first network (see pod_network_connect). */
int net_detach_one(struct pea_ctx *ctx, const char *owner, const char *network,
		   struct pea_err **err);

/* Rootless: refuse (kind INVALID, podman's "rootlessport cannot expose
 * privileged port N, ..." naming the sysctl) a published host port below
 * net.ipv4.ip_unprivileged_port_start of the host, which pasta could not
 * bind.  Rootful, or no ports: 0.  Called before anything is created (pod
 * create, kube play, pod start) and again by net_setup. */
int net_ports_check(struct pea_ctx *ctx, const struct net_port *ports, size_t n,
		    struct pea_err **err);

/* Rootless pods' nameserver when the host's resolv.conf has none a pod
 * can use (only loopback ones): pasta forwards DNS sent there to the
 * host's resolver. */
#define NET_PASTA_DNS "169.254.1.1"

/* "[[hostip:]hostport[-end]:]ctrport[-end][/proto]" as podman's -p. */
int net_parse_port(const char *arg, struct net_port *out, struct pea_err **err);

#endif
