#include "network/rtnl.h"
#include "base/cleanup.h"
#include "base/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/banned.h"

/* One request, one socket: every call opens NETLINK_ROUTE in the calling
 * thread's netns, sends `nlh` and reads replies until the ACK or the end of
 * the dump, handing data messages to cb. */
static int rtnl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data, struct pea_err **err)
{
	cleanup_free char *buf = xmalloc(MNL_SOCKET_BUFFER_SIZE);
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	unsigned portid, seq = (unsigned)time(NULL);
	ssize_t n;
	int rc = 1;

	if (!nl)
		return pea_err_set(err, errno, "open rtnetlink socket");
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		pea_err_set(err, errno, "bind rtnetlink socket");
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		pea_err_set(err, errno, "send rtnetlink request");
		goto out;
	}
	while (rc > 0) {
		n = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE);
		if (n < 0) {
			rc = -1;
			break;
		}
		rc = mnl_cb_run(buf, n, seq, portid, cb, data);
	}
	if (rc < 0)
		pea_err_set(err, errno, "rtnetlink request");
out:
	mnl_socket_close(nl);
	return rc < 0 ? -1 : 0;
}

static struct nlmsghdr *msg_new(char *buf, int type, int flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

/* Map errno of a failed request onto the error kinds callers test. */
static int talk_kind(struct nlmsghdr *nlh, struct pea_err **err, const char *what, const char *a)
{
	struct pea_err *e = NULL;
	enum pea_err_kind kind = PEA_E_GENERIC;
	int errnum;

	if (rtnl_talk(nlh, NULL, NULL, &e) == 0)
		return 0;
	errnum = e->errnum;
	pea_err_free(e);
	if (errnum == EEXIST)
		kind = PEA_E_EXISTS;
	else if (errnum == ENODEV || errnum == ENOENT || errnum == ESRCH)
		kind = PEA_E_NOT_FOUND;
	return pea_err_setk(err, kind, errnum, "%s '%s'", what, a);
}

int rtnl_link_index(const char *name, struct pea_err **err)
{
	unsigned idx = if_nametoindex(name);

	if (idx == 0)
		return pea_err_setk(err, PEA_E_NOT_FOUND, errno, "no link '%s'", name);
	return (int)idx;
}

bool rtnl_link_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

static struct ifinfomsg *link_msg(char *buf, struct nlmsghdr **nlhp, int type, int flags)
{
	struct nlmsghdr *nlh = msg_new(buf, type, flags | NLM_F_ACK);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	*nlhp = nlh;
	return ifm;
}

int rtnl_bridge_create(const char *name, struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh;
	struct nlattr *linkinfo;

	unsigned char mac[6];

	/* A MAC of its own: otherwise the bridge takes the lowest of its ports'
	 * and changes it as pods come and go, and the pods' neighbour entries
	 * for the gateway go stale. */
	if (getrandom(mac, sizeof(mac), 0) != (ssize_t)sizeof(mac))
		return pea_err_set(err, errno, "random mac address");
	mac[0] = (unsigned char)((mac[0] & 0xfe) | 0x02);   /* unicast, locally administered */
	link_msg(buf, &nlh, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, linkinfo);
	return talk_kind(nlh, err, "create bridge", name);
}

int rtnl_veth_create(const char *name, const char *peer, int peer_netns_fd,
		     struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh;
	struct nlattr *linkinfo, *data, *peerinfo;
	struct ifinfomsg *pifm;

	link_msg(buf, &nlh, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of its own. */
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	memset(pifm, 0, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
	mnl_attr_nest_end(nlh, peerinfo);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return talk_kind(nlh, err, "create veth", name);
}

/* RTM_NEWLINK on an existing link by index, with the caller's attributes. */
static struct nlmsghdr *link_change(char *buf, const char *name, unsigned change,
				    unsigned flags, struct pea_err **err)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int idx = rtnl_link_index(name, err);

	if (idx < 0)
		return NULL;
	ifm = link_msg(buf, &nlh, RTM_NEWLINK, 0);
	ifm->ifi_index = idx;
	ifm->ifi_change = change;
	ifm->ifi_flags = flags;
	return nlh;
}

int rtnl_link_set_master(const char *name, const char *master, struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh = link_change(buf, name, 0, 0, err);
	int midx;

	if (!nlh)
		return -1;
	midx = rtnl_link_index(master, err);
	if (midx < 0)
		return -1;
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)midx);
	return talk_kind(nlh, err, "attach to a bridge the link", name);
}

int rtnl_link_set_up(const char *name, struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh = link_change(buf, name, IFF_UP, IFF_UP, err);

	if (!nlh)
		return -1;
	return talk_kind(nlh, err, "set up link", name);
}

int rtnl_link_set_mtu(const char *name, unsigned mtu, struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh = link_change(buf, name, 0, 0, err);

	if (!nlh)
		return -1;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return talk_kind(nlh, err, "set mtu of", name);
}

int rtnl_link_rename(const char *name, const char *newname, struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh = link_change(buf, name, 0, 0, err);

	if (!nlh)
		return -1;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, newname);
	return talk_kind(nlh, err, "rename link", name);
}

int rtnl_link_delete(const char *name, struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int idx = rtnl_link_index(name, err);

	if (idx < 0)
		return -1;
	ifm = link_msg(buf, &nlh, RTM_DELLINK, 0);
	ifm->ifi_index = idx;
	return talk_kind(nlh, err, "delete link", name);
}

static int mac_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a;
	char *out = data;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		const unsigned char *m;

		if (mnl_attr_get_type(a) != IFLA_ADDRESS || mnl_attr_get_payload_len(a) != 6)
			continue;
		m = mnl_attr_get_payload(a);
		snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
			 m[5]);
	}
	return MNL_CB_OK;
}

int rtnl_link_mac(const char *name, char out[18], struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int idx = rtnl_link_index(name, err);

	if (idx < 0)
		return -1;
	nlh = msg_new(buf, RTM_GETLINK, NLM_F_ACK);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = idx;
	out[0] = '\0';
	if (rtnl_talk(nlh, mac_cb, out, err) < 0)
		return pea_err_wrap(err, "get link '%s'", name);
	if (!out[0])
		return pea_err_set(err, 0, "link '%s' has no hardware address", name);
	return 0;
}

int rtnl_addr_add(const char *ifname, const char *addr, int prefix, struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct ipam_prefix p;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int idx;

	if (ipam_prefix_parse(addr, &p, err) < 0)
		return -1;
	idx = rtnl_link_index(ifname, err);
	if (idx < 0)
		return -1;
	nlh = msg_new(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)p.family;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)idx;
	if (p.family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, p.family == AF_INET ? 4 : 16, p.addr);
	mnl_attr_put(nlh, IFA_ADDRESS, p.family == AF_INET ? 4 : 16, p.addr);
	if (p.family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return talk_kind(nlh, err, "add address", addr);
}

int rtnl_route_add_default(const char *ifname, const char *gw, struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct ipam_prefix p;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int idx;

	if (ipam_prefix_parse(gw, &p, err) < 0)
		return -1;
	idx = rtnl_link_index(ifname, err);
	if (idx < 0)
		return -1;
	nlh = msg_new(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)p.family;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, p.family == AF_INET ? 4 : 16, p.addr);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)idx);
	return talk_kind(nlh, err, "add default route via", gw);
}

struct prefix_list {
	struct ipam_prefix *v;
	size_t n, alloc;
};

static void prefix_push(struct prefix_list *l, int family, const void *addr, int len)
{
	struct ipam_prefix *p;

	if (len == 0)
		return;           /* a default route covers everything: not a use */
	if (family == AF_INET6) {
		const unsigned char *a = addr;

		if (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
			return;   /* multicast, link-local */
	}
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	p->family = family;
	memcpy(p->addr, addr, family == AF_INET ? 4 : 16);
	p->len = len;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a;

	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return MNL_CB_OK;
	if (rtm->rtm_type == RTN_MULTICAST || rtm->rtm_type == RTN_BROADCAST)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(a) == RTA_DST &&
		    mnl_attr_get_payload_len(a) >= (rtm->rtm_family == AF_INET ? 4u : 16u))
			prefix_push(data, rtm->rtm_family, mnl_attr_get_payload(a),
				    rtm->rtm_dst_len);
	}
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_ADDRESS &&
		    mnl_attr_get_payload_len(a) >= (ifa->ifa_family == AF_INET ? 4u : 16u))
			prefix_push(data, ifa->ifa_family, mnl_attr_get_payload(a),
				    ifa->ifa_prefixlen);
	}
	return MNL_CB_OK;
}

static int dump(int type, size_t hdrlen, mnl_cb_t cb, struct prefix_list *l,
		struct pea_err **err)
{
	cleanup_free char *buf = xcalloc(1, MNL_SOCKET_BUFFER_SIZE);
	struct nlmsghdr *nlh = msg_new(buf, type, NLM_F_DUMP);
	struct rtgenmsg *g = mnl_nlmsg_put_extra_header(nlh, hdrlen);

	g->rtgen_family = AF_UNSPEC;
	return rtnl_talk(nlh, cb, l, err);
}

int rtnl_used_prefixes(struct ipam_prefix **out, size_t *n, struct pea_err **err)
{
	struct prefix_list l = { 0 };

	if (dump(RTM_GETROUTE, sizeof(struct rtmsg), route_cb, &l, err) < 0 ||
	    dump(RTM_GETADDR, sizeof(struct ifaddrmsg), addr_cb, &l, err) < 0) {
		free(l.v);
		return pea_err_wrap(err, "list the host's routes and addresses");
	}
	*out = l.v;
	*n = l.n;
	return 0;
}
