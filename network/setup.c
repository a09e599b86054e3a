/* A pod's network: the bridge (created on first use), one veth per network
 * with its peer inside the pod's netns, addresses from IPAM, the default
 * route and the firewall rules; and the way back.
 *
 * Nothing about a pod's interfaces is stored here: the host-side veth name
 * is derived from (owner, network) and the networks an owner is attached to
 * are those it holds addresses in, so net_teardown needs only the owner.
 *
 * Rootless (ctx->rootless; docs/design.md, "Rootless networking"): the
 * "host side" (bridges, the veths' host ends) is done by a thread moved
 * into the rootless netns (netns_rootless_path) instead of in the host's
 * netns: host_run().  No firewall at all: no masquerade, no DNAT, no
 * hairpin.  The pod's interfaces get no default route; pasta (pasta.h)
 * gives the pod the host's address and default route on "tap0" and
 * publishes its ports.  Every entry point that changes the host side holds
 * <runroot>/rootless-net.lock, so that the rootless netns, removed with the
 * last address of the run root, never goes away under a pod being set up. */
#include "network/network.h"
#include "network/dns.h"
#include "network/firewall.h"
#include "network/ipam.h"
#include "network/net-internal.h"
#include "network/pasta.h"
#include "network/rtnl.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/lockfile.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "base/banned.h"

void net_veth_name(const char *owner, const char *network, char out[16])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t lo = strlen(owner), ln = strlen(network);
	cleanup_free char *buf = xmalloc(lo + ln + 1);

	memcpy(buf, owner, lo + 1);
	memcpy(buf + lo + 1, network, ln);
	EVP_Digest(buf, lo + ln + 1, md, &mdlen, EVP_sha256(), NULL);
	snprintf(out, 16, "veth%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
}

static int prefix_len_of(const char *subnet)
{
	struct ipam_prefix p;

	if (ipam_prefix_parse(subnet, &p, NULL) < 0)
		return 0;
	return p.len;
}

/* Create-or-complete, so concurrent peapods and a half-made bridge are fine. */
static int ensure_bridge(const struct net_config *nc, struct pea_err **err)
{
	struct pea_err *e = NULL;

	if (!rtnl_link_exists(nc->bridge) && rtnl_bridge_create(nc->bridge, &e) < 0) {
		if (!pea_err_is(e, PEA_E_EXISTS))
			return pea_err_pass(err, e);
		pea_err_free(e);
		e = NULL;
	}
	for (size_t i = 0; i < nc->n_subnets; i++) {
		const struct net_subnet *s = &nc->subnets[i];

		if (!s->gateway)
			continue;
		if (rtnl_addr_add(nc->bridge, s->gateway, prefix_len_of(s->subnet), &e) < 0) {
			if (!pea_err_is(e, PEA_E_EXISTS))
				return pea_err_pass(err, e);
			pea_err_free(e);
			e = NULL;
		}
	}
	return rtnl_link_set_up(nc->bridge, err);
}

/* What is done inside the pod's netns for one interface. */
struct pod_side {
	const char *ifname;
	bool default_route;       /* not for internal networks, never rootless */
	struct net_iface_status *st;
	char mac[18];
};

static int ignore_exists(int rc, struct pea_err **e, struct pea_err **err)
{
	if (rc == 0)
		return 0;
	if (pea_err_is(*e, PEA_E_EXISTS)) {
		pea_err_free(*e);
		*e = NULL;
		return 0;
	}
	if (err)
		*err = *e;
	else
		pea_err_free(*e);
	*e = NULL;
	return -1;
}

static int pod_side_fn(void *data, struct pea_err **err)
{
	struct pod_side *ps = data;
	struct net_iface_status *st = ps->st;
	struct pea_err *e = NULL;

	if (rtnl_link_set_up("lo", err) < 0)
		return -1;
	if (st->ip4 && rtnl_addr_add(ps->ifname, st->ip4, st->prefix4, err) < 0)
		return -1;
	if (st->ip6 && rtnl_addr_add(ps->ifname, st->ip6, st->prefix6, err) < 0)
		return -1;
	if (rtnl_link_set_up(ps->ifname, err) < 0)
		return -1;
	/* With several networks the first non-internal one gives the route. */
	if (ps->default_route && st->gw4 &&
	    ignore_exists(rtnl_route_add_default(ps->ifname, st->gw4, &e), &e, err) < 0)
		return -1;
	if (ps->default_route && st->gw6 &&
	    ignore_exists(rtnl_route_add_default(ps->ifname, st->gw6, &e), &e, err) < 0)
		return -1;
	return rtnl_link_mac(ps->ifname, ps->mac, err);
}

static int alloc_addrs(struct pea_ctx *ctx, const char *owner, const struct net_config *nc,
		       const struct net_attach *at, struct net_iface_status *st,
		       struct pea_err **err)
{
	bool static_used = false;

	for (size_t i = 0; i < nc->n_subnets; i++) {
		const struct net_subnet *s = &nc->subnets[i];
		bool v6 = strchr(s->subnet, ':') != NULL;
		const char *want = NULL;
		char ip[64];

		if (v6 ? st->ip6 != NULL : st->ip4 != NULL)
			continue;         /* one address per family */
		if (at->static_ip && (strchr(at->static_ip, ':') != NULL) == v6) {
			want = at->static_ip;
			static_used = true;
		}
		if (ipam_alloc(ctx, nc->name, s, owner, want, ip, err) < 0)
			return -1;
		if (v6) {
			st->ip6 = xstrdup(ip);
			st->gw6 = s->gateway ? xstrdup(s->gateway) : NULL;
			st->prefix6 = prefix_len_of(s->subnet);
		} else {
			st->ip4 = xstrdup(ip);
			st->gw4 = s->gateway ? xstrdup(s->gateway) : NULL;
			st->prefix4 = prefix_len_of(s->subnet);
		}
	}
	if (at->static_ip && !static_used)
		return pea_err_setk(err, PEA_E_INVALID, 0, "no subnet of network '%s' fits ip '%s'",
				    nc->name, at->static_ip);
	return 0;
}

/* A pod reaching its own published port: the DNAT sends the packet back
 * out of the bridge port it came in on, which a bridge only does with
 * hairpin mode on (bridged traffic goes through the firewall here). */
static int set_hairpin(const char *veth, struct pea_err **err)
{
	cleanup_free char *path = xasprintf("/sys/class/net/%s/brport/hairpin_mode", veth);

	if (io_write_existing(path, "1", err) < 0)
		return pea_err_wrap(err, "enable hairpin mode on '%s'", veth);
	return 0;
}

/* ---- rootless: the host side lives in the rootless netns ---------------- */

/* Rootless: take <runroot>/rootless-net.lock into *fd (see the top of this
 * file).  Rootful: nothing to take, *fd = -1. */
static int net_lock(struct pea_ctx *ctx, int *fd, struct pea_err **err)
{
	cleanup_free char *path = NULL;

	*fd = -1;
	if (!ctx->rootless)
		return 0;
	path = path_join(ctx->runroot, "rootless-net.lock");
	if (io_mkdir_p(ctx->runroot, 0700, err) < 0 || (*fd = lockfile_lock(path, err)) < 0)
		return -1;
	return 0;
}

/* Run fn where the host side of the bridges is: rootful right here (the
 * host's netns), rootless in a thread inside the rootless netns, which is
 * created first when `create`; without it (and !create) there is nothing
 * of the host side left to change and fn does not run. */
static int host_run(struct pea_ctx *ctx, bool create, int (*fn)(void *data, struct pea_err **err),
		    void *data, struct pea_err **err)
{
	cleanup_free char *path = NULL;

	if (!ctx->rootless)
		return fn(data, err);
	path = netns_rootless_path(ctx);
	if (create ? netns_rootless_ensure(ctx, err) < 0 : !netns_is_netns(path))
		return create ? -1 : 0;
	return netns_run(path, fn, data, err);
}

/* Rootless: once no address of the run root is left, no pod needs the
 * rootless netns (the bridges in it go with it). */
static int rootless_release_if_unused(struct pea_ctx *ctx, struct pea_err **err)
{
	cleanup_strv char **owners = NULL;

	if (!ctx->rootless)
		return 0;
	if (ipam_network_owners(ctx, NULL, &owners, err) < 0)
		return -1;
	return owners[0] ? 0 : netns_rootless_remove(ctx, err);
}

/* ---- one network ---------------------------------------------------- */

struct host_job {
	struct pea_ctx *ctx;
	const char *owner;
	const char *netns_path;
	int nsfd;
	const struct net_config *nc;
	struct pod_side *ps;
};

/* The bridge (rootless; rootful setup_one made it already), the veth with
 * its peer in the pod's netns, then the pod's side of it (from inside that
 * netns). */
static int host_side_fn(void *data, struct pea_err **err)
{
	struct host_job *j = data;
	char veth[16];

	if (j->ctx->rootless && ensure_bridge(j->nc, err) < 0)
		return -1;
	net_veth_name(j->owner, j->nc->name, veth);
	if (rtnl_veth_create(veth, j->ps->ifname, j->nsfd, err) < 0 ||
	    rtnl_link_set_master(veth, j->nc->bridge, err) < 0 ||
	    (!j->ctx->rootless && set_hairpin(veth, err) < 0) || rtnl_link_set_up(veth, err) < 0)
		return -1;
	return netns_run(j->netns_path, pod_side_fn, j->ps, err);
}

/* Everything for one network, used by net_setup and net_attach_one; on
 * failure the caller undoes it (net_teardown or net_detach_one). */
static int setup_one(struct pea_ctx *ctx, const char *owner, const char *netns_path, int nsfd,
		     const struct net_config *nc, const struct net_attach *at, size_t idx,
		     struct net_iface_status *st, struct pea_err **err)
{
	cleanup_free char *ifname = xasprintf("eth%zu", idx);
	struct pod_side ps = { .ifname = ifname, .st = st,
			       .default_route = !nc->internal && !ctx->rootless };
	struct host_job job = { ctx, owner, netns_path, nsfd, nc, &ps };

	st->network = xstrdup(nc->name);
	st->ifname = xstrdup(ifname);
	if (!ctx->rootless && (ensure_bridge(nc, err) < 0 || fw_network_setup(ctx, nc, err) < 0))
		return -1;
	if (alloc_addrs(ctx, owner, nc, at, st, err) < 0)
		return -1;
	if (host_run(ctx, true, host_side_fn, &job, err) < 0)
		return -1;
	st->mac = xstrdup(ps.mac);
	return 0;
}

static int resolve_network(struct pea_ctx *ctx, const char *name, struct net_config *nc,
			   struct pea_err **err)
{
	if (!name || !strcmp(name, NET_DEFAULT_NAME))
		return net_default(ctx, nc, err);
	return net_lookup(ctx, name, nc, err);
}

static int setup_all(struct pea_ctx *ctx, const struct net_setup_in *in, int nsfd,
		     const struct net_attach *atts, size_t n, struct net_status *out,
		     bool *outside, struct pea_err **err)
{
	struct net_config first = { 0 };
	int rc = -1;

	*outside = false;
	for (size_t i = 0; i < n; i++) {
		struct net_config nc;

		/* in the caller's (the host's) netns: new subnets avoid its routes */
		if (resolve_network(ctx, atts[i].network, &nc, err) < 0)
			goto out;
		out->n++;
		*outside = *outside || !nc.internal;
		rc = setup_one(ctx, in->owner, in->netns_path, nsfd, &nc, &atts[i], i,
			       &out->ifaces[i], err);
		if (rc == 0 && i == 0)
			first = nc;
		else
			net_config_release(&nc);
		if (rc < 0)
			goto out;
		rc = -1;
	}
	/* Published ports go to the address on the first network (rootless:
	 * to pasta, by the caller). */
	if (!ctx->rootless && in->n_ports &&
	    fw_ports_add(ctx, in->owner, &first, out->ifaces[0].ip4, out->ifaces[0].ip6,
			 in->ports, in->n_ports, err) < 0)
		goto out;
	rc = 0;
out:
	net_config_release(&first);
	return rc;
}

static int teardown_locked(struct pea_ctx *ctx, const char *owner, struct pea_err **err);

int net_setup(struct pea_ctx *ctx, const struct net_setup_in *in, struct net_status *out,
	      struct pea_err **err)
{
	static const struct net_attach def = { 0 };
	const struct net_attach *atts = in->n_attach ? in->attach : &def;
	size_t n = in->n_attach ? in->n_attach : 1;
	cleanup_close int nsfd = open(in->netns_path, O_RDONLY | O_CLOEXEC);
	cleanup_close int lock = -1;
	bool outside = false;

	memset(out, 0, sizeof(*out));
	if (nsfd < 0)
		pea_err_set(err, errno, "open netns '%s'", in->netns_path);
	if (nsfd < 0 || net_ports_check(ctx, in->ports, in->n_ports, err) < 0 ||
	    net_lock(ctx, &lock, err) < 0)
		return pea_err_wrap(err, "set up the network of '%s'",
				    in->name ? in->name : in->owner);
	out->ifaces = xcalloc(n, sizeof(*out->ifaces));
	/* rootless: the way out and the published ports; none for a pod on
	 * internal networks only */
	if (setup_all(ctx, in, nsfd, atts, n, out, &outside, err) == 0 &&
	    (!ctx->rootless || !outside ||
	     pasta_start(ctx, in->owner, in->netns_path, in->ports, in->n_ports, err) == 0))
		return 0;
	teardown_locked(ctx, in->owner, NULL);
	net_status_release(out);
	return pea_err_wrap(err, "set up the network of '%s'", in->name ? in->name : in->owner);
}

int net_ports_check(struct pea_ctx *ctx, const struct net_port *ports, size_t n,
		    struct pea_err **err)
{
	if (!ctx->rootless || !n)
		return 0;
	return pasta_check_ports(ports, n, pasta_unpriv_port_start(), err);
}

static void keep_first(struct pea_err **first, struct pea_err *e)
{
	if (!e)
		return;
	if (!*first)
		*first = e;
	else
		pea_err_free(e);
}

static void delete_veth(const char *owner, const char *network, struct pea_err **first)
{
	struct pea_err *e = NULL;
	char veth[16];

	net_veth_name(owner, network, veth);
	if (rtnl_link_delete(veth, &e) < 0 && pea_err_is(e, PEA_E_NOT_FOUND)) {
		pea_err_free(e);
		e = NULL;
	}
	keep_first(first, e);
}

struct veths_job {
	const char *owner;
	char *const *nets;        /* delete the owner's veth on each */
	const struct net_config *nc;  /* or: every owner's veth on nc, and its bridge */
	char *const *owners;
	struct pea_err *first;
};

static int delete_veths_fn(void *data, struct pea_err **err)
{
	struct veths_job *j = data;
	struct pea_err *e = NULL;

	(void)err;
	for (char *const *n = j->nets; n && *n; n++)
		delete_veth(j->owner, *n, &j->first);
	if (!j->nc)
		return 0;
	for (char *const *o = j->owners; o && *o; o++)
		delete_veth(*o, j->nc->name, &j->first);
	if (rtnl_link_delete(j->nc->bridge, &e) < 0 && !pea_err_is(e, PEA_E_NOT_FOUND))
		keep_first(&j->first, e);
	else
		pea_err_free(e);
	return 0;
}

/* Best effort all the way: every step runs even when one fails, and the
 * first error is reported. */
static int teardown_locked(struct pea_ctx *ctx, const char *owner, struct pea_err **err)
{
	cleanup_strv char **nets = NULL;
	struct pea_err *first = NULL, *e = NULL;
	struct veths_job job = { .owner = owner };

	/* the published ports go first: the host's ports are free at once */
	if (ctx->rootless && pasta_stop(ctx, owner, &e) < 0)
		keep_first(&first, e);
	e = NULL;
	if (ipam_owner_networks(ctx, owner, &nets, &e) < 0)
		keep_first(&first, e);
	e = NULL;
	if (!ctx->rootless && fw_owner_remove(ctx, owner, &e) < 0)
		keep_first(&first, e);
	job.nets = nets;
	e = NULL;
	if (host_run(ctx, false, delete_veths_fn, &job, &e) < 0)
		keep_first(&first, e);
	keep_first(&first, job.first);
	e = NULL;
	if (ipam_release_owner(ctx, owner, &e) < 0)
		keep_first(&first, e);
	e = NULL;
	if (rootless_release_if_unused(ctx, &e) < 0)
		keep_first(&first, e);
	if (!first)
		return 0;
	pea_err_pass(err, first);
	return pea_err_wrap(err, "tear down the network of '%s'", owner);
}

int net_teardown(struct pea_ctx *ctx, const char *owner, const char *netns_path,
		 struct pea_err **err)
{
	cleanup_close int lock = -1;

	(void)netns_path;   /* the veth peers die with their host ends */
	if (net_lock(ctx, &lock, err) < 0)
		return pea_err_wrap(err, "tear down the network of '%s'", owner);
	return teardown_locked(ctx, owner, err);
}

static int detach_locked(struct pea_ctx *ctx, const char *owner, const char *network,
			 struct pea_err **err)
{
	struct pea_err *first = NULL, *e = NULL;
	const char *name = network ? network : NET_DEFAULT_NAME;
	char *nets[] = { (char *)name, NULL };
	struct veths_job job = { .owner = owner, .nets = nets };

	if (host_run(ctx, false, delete_veths_fn, &job, &e) < 0)
		keep_first(&first, e);
	keep_first(&first, job.first);
	e = NULL;
	if (ipam_release(ctx, name, owner, &e) < 0)
		keep_first(&first, e);
	if (!first)
		return 0;
	pea_err_pass(err, first);
	return pea_err_wrap(err, "detach '%s' from network '%s'", owner, name);
}

int net_detach_one(struct pea_ctx *ctx, const char *owner, const char *network,
		   struct pea_err **err)
{
	cleanup_close int lock = -1;

	if (net_lock(ctx, &lock, err) < 0)
		return -1;
	return detach_locked(ctx, owner, network, err);
}

static void iface_release(struct net_iface_status *s)
{
	free(s->network);
	free(s->ifname);
	free(s->mac);
	free(s->ip4);
	free(s->gw4);
	free(s->ip6);
	free(s->gw6);
	memset(s, 0, sizeof(*s));
}

static int attach_checked(struct pea_ctx *ctx, const char *owner, const char *netns_path,
			  int nsfd, const struct net_config *nc, size_t ifindex,
			  struct net_iface_status *out, struct pea_err **err)
{
	const struct net_attach at = { .network = nc->name };
	cleanup_strv char **held = NULL;

	if (ipam_owner_addrs(ctx, owner, nc->name, &held, err) < 0)
		return -1;
	if (held[0])
		return pea_err_setk(err, PEA_E_EXISTS, 0, "'%s' is already attached to network "
				    "'%s'", owner, nc->name);
	if (setup_one(ctx, owner, netns_path, nsfd, nc, &at, ifindex, out, err) == 0)
		return 0;
	detach_locked(ctx, owner, nc->name, NULL);
	iface_release(out);
	return -1;
}

int net_attach_one(struct pea_ctx *ctx, const char *owner, const char *netns_path,
		   const char *network, size_t ifindex, struct net_iface_status *out,
		   struct pea_err **err)
{
	cleanup_close int nsfd = open(netns_path, O_RDONLY | O_CLOEXEC);
	cleanup_close int lock = -1;
	struct net_config nc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (nsfd < 0)
		rc = pea_err_set(err, errno, "open netns '%s'", netns_path);
	else if (net_lock(ctx, &lock, err) < 0)
		rc = -1;
	else if ((rc = resolve_network(ctx, network, &nc, err)) == 0) {
		rc = attach_checked(ctx, owner, netns_path, nsfd, &nc, ifindex, out, err);
		net_config_release(&nc);
	}
	if (rc < 0)
		return pea_err_wrap(err, "attach '%s' to network '%s'", owner,
				    network ? network : NET_DEFAULT_NAME);
	return 0;
}

int net_host_teardown(struct pea_ctx *ctx, const struct net_config *nc, struct pea_err **err)
{
	cleanup_strv char **owners = NULL;
	struct pea_err *first = NULL, *e = NULL;
	struct veths_job job = { .nc = nc };

	if (ipam_network_owners(ctx, nc->name, &owners, &e) < 0)
		keep_first(&first, e);
	for (char **o = owners; !ctx->rootless && o && *o; o++) {
		e = NULL;
		if (fw_owner_remove(ctx, *o, &e) < 0)
			keep_first(&first, e);
	}
	e = NULL;
	if (!ctx->rootless && fw_network_teardown(ctx, nc, &e) < 0)
		keep_first(&first, e);
	job.owners = owners;
	e = NULL;
	if (host_run(ctx, false, delete_veths_fn, &job, &e) < 0)
		keep_first(&first, e);
	keep_first(&first, job.first);
	if (!first)
		return 0;
	return pea_err_pass(err, first);
}

int net_remove(struct pea_ctx *ctx, const char *name, bool force, struct pea_err **err)
{
	struct net_config nc;
	cleanup_strv char **owners = NULL;
	cleanup_close int lock = -1;

	if (net_lock(ctx, &lock, err) < 0 || net_lookup(ctx, name, &nc, err) < 0)
		return -1;
	if (ipam_network_owners(ctx, name, &owners, err) < 0)
		goto fail;
	if (owners[0] && !force) {
		pea_err_setk(err, PEA_E_IN_USE, 0, "network '%s' is used by '%s'", name, owners[0]);
		goto fail;
	}
	if (net_host_teardown(ctx, &nc, err) < 0 || net_record_delete(ctx, name, err) < 0 ||
	    rootless_release_if_unused(ctx, err) < 0)
		goto fail;
	net_config_release(&nc);
	return 0;
fail:
	net_config_release(&nc);
	return pea_err_wrap(err, "remove network '%s'", name);
}

int net_reset(struct pea_ctx *ctx, struct pea_err **err)
{
	struct net_config *list = NULL;
	struct pea_err *first = NULL, *e = NULL;
	cleanup_close int lock = -1;
	size_t n = 0;

	if (net_lock(ctx, &lock, err) < 0 || net_list(ctx, &list, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		e = NULL;
		if (net_host_teardown(ctx, &list[i], &e) < 0 ||
		    net_record_delete(ctx, list[i].name, &e) < 0)
			keep_first(&first, e);
	}
	net_config_list_free(list, n);
	e = NULL;
	if (ctx->rootless && (pasta_reset(ctx, &e) < 0 || netns_rootless_remove(ctx, &e) < 0))
		keep_first(&first, e);
	e = NULL;
	if (net_dns_reset(ctx, &e) < 0)
		keep_first(&first, e);
	e = NULL;
	if (netns_dir_release(ctx, &e) < 0)
		keep_first(&first, e);
	if (!first)
		return 0;
	pea_err_pass(err, first);
	return pea_err_wrap(err, "reset networks");
}

/* ---- status JSON ---- */

void net_status_release(struct net_status *st)
{
	for (size_t i = 0; i < st->n; i++)
		iface_release(&st->ifaces[i]);
	free(st->ifaces);
	st->ifaces = NULL;
	st->n = 0;
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

struct json_object *net_status_to_json(const struct net_status *st)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < st->n; i++) {
		const struct net_iface_status *s = &st->ifaces[i];
		struct json_object *o = json_object_new_object();

		add_str(o, "network", s->network);
		add_str(o, "interface", s->ifname);
		add_str(o, "mac_address", s->mac);
		add_str(o, "ipv4", s->ip4);
		add_str(o, "gateway4", s->gw4);
		add_str(o, "ipv6", s->ip6);
		add_str(o, "gateway6", s->gw6);
		if (s->ip4)
			json_object_object_add(o, "prefix4", json_object_new_int(s->prefix4));
		if (s->ip6)
			json_object_object_add(o, "prefix6", json_object_new_int(s->prefix6));
		json_object_array_add(arr, o);
	}
	return arr;
}

static int get_int(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : 0;
}

int net_status_from_json(struct json_object *o, struct net_status *st, struct pea_err **err)
{
	size_t n;

	memset(st, 0, sizeof(*st));
	if (!json_object_is_type(o, json_type_array))
		return pea_err_setk(err, PEA_E_INVALID, 0, "network status is not an array");
	n = json_object_array_length(o);
	st->ifaces = xcalloc(n ? n : 1, sizeof(*st->ifaces));
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(o, i);
		struct net_iface_status *s = &st->ifaces[st->n++];

		s->network = json_dup_str(e, "network");
		s->ifname = json_dup_str(e, "interface");
		s->mac = json_dup_str(e, "mac_address");
		s->ip4 = json_dup_str(e, "ipv4");
		s->gw4 = json_dup_str(e, "gateway4");
		s->ip6 = json_dup_str(e, "ipv6");
		s->gw6 = json_dup_str(e, "gateway6");
		s->prefix4 = get_int(e, "prefix4");
		s->prefix6 = get_int(e, "prefix6");
	}
	return 0;
}
