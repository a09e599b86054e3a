/* net_setup / net_teardown against the real kernel (root only): a test
 * network with its own bridge "pptest<rand>" and subnet 10.231.<rand>.0/24,
 * pod netns under a temporary run root.  Traffic stays inside the bridge.
 * The rootless layout (bridge in the run root's rootless netns, pasta) is
 * exercised as root too, with ctx->rootless set and a stand-in pasta. */
#include "tests/unit/tap.h"
#include "tests/unit/pasta-test.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "network/ipam.h"
#include "network/network.h"
#include "network/pasta.h"
#include "network/rtnl.h"
#include "podengine/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/banned.h"

static struct pea_ctx *ctx_new(void)
{
	char tmpl[] = "/tmp/pea-netsetup-XXXXXX";
	char *d = mkdtemp(tmpl);
	struct pea_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->root = path_join(d, "root");
	ctx->runroot = path_join(d, "run");
	log_init(&ctx->log);
	return ctx;
}

static void ctx_free(struct pea_ctx *ctx)
{
	cleanup_free char *top = xstrndup(ctx->root, strlen(ctx->root) - strlen("/root"));

	if (netns_dir_release(ctx, NULL) < 0)
		printf("# could not release the netns dir\n");
	state_close(ctx->state);
	ctx->state = NULL;
	io_rm_rf(top, NULL);
	ctx_release(ctx);
	free(ctx);
}

static bool sys_has(const char *ifname)
{
	cleanup_free char *p = xasprintf("/sys/class/net/%s", ifname);

	return io_exists(p);
}

/* A listening TCP socket on addr (any family), port chosen by the kernel. */
static int listen_on(const char *addr, int *port)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int v6 = strchr(addr, ':') != NULL;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (v6) {
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &s4->sin_addr);
		len = sizeof(*s4);
	}
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 4) < 0) {
		printf("# listen on %s: %s\n", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(v6 ? s6->sin6_port : s4->sin_port);
	return fd;
}

struct probe {
	const char *addr;
	int port;
	int listen_fd;    /* for listen_fn */
	char ifaddr[64];  /* for has_addr_fn */
};

/* In the pod: TCP connect to addr:port (3 s). */
static int connect_fn(void *data, struct pea_err **err)
{
	struct probe *p = data;
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	int v6 = strchr(p->addr, ':') != NULL;
	cleanup_close int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 3, 0 };
	socklen_t len;

	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p->port);
		inet_pton(AF_INET6, p->addr, &s6->sin6_addr);
		len = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p->port);
		inet_pton(AF_INET, p->addr, &s4->sin_addr);
		len = sizeof(*s4);
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return pea_err_set(err, errno, "connect to '%s'", p->addr);
	return 0;
}

/* In the pod: a listener (the socket keeps its netns after the thread ends). */
static int listen_fn(void *data, struct pea_err **err)
{
	struct probe *p = data;

	p->listen_fd = listen_on(p->addr, &p->port);
	return p->listen_fd < 0 ? pea_err_set(err, errno, "listen") : 0;
}

static int eth0_fn(void *data, struct pea_err **err)
{
	return rtnl_link_exists("eth0") ? 0 : pea_err_set(err, 0, "no eth0 in the pod");
}

static bool accepted(int lfd)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int c;

	if (poll(&pfd, 1, 3000) != 1)
		return false;
	c = accept(lfd, NULL, NULL);
	if (c >= 0)
		close(c);
	return c >= 0;
}

static void show(struct pea_err *err)
{
	if (err) {
		cleanup_free char *t = pea_err_text(err);

		printf("# %s\n", t);
		pea_err_free(err);
	}
}

struct fixture {
	struct pea_ctx *ctx;
	char name[32], bridge[16], subnet[64], subnet6[64];
	struct net_config nc;
};

static int fixture_init_rl(struct fixture *f, bool ipv6, bool rootless)
{
	unsigned r;
	char *subs[] = { f->subnet, ipv6 ? f->subnet6 : NULL, NULL };
	/* rootful: internal, so that no forwarding sysctl is touched; rootless
	 * networks change nothing of the host's */
	struct net_create_opts o = { .name = f->name, .subnets = subs, .internal = !rootless,
				     .bridge = f->bridge };
	struct pea_err *err = NULL;

	getrandom(&r, sizeof(r), 0);
	f->ctx = ctx_new();
	f->ctx->rootless = rootless;
	snprintf(f->name, sizeof(f->name), "pptest%05u", r % 100000);
	snprintf(f->bridge, sizeof(f->bridge), "pptest%05u", r % 100000);
	snprintf(f->subnet, sizeof(f->subnet), "10.231.%u.0/24", (r >> 17) % 250 + 2);
	snprintf(f->subnet6, sizeof(f->subnet6), "fd99:%x:%x::/64", r & 0xffff, r >> 16);
	if (net_create(f->ctx, &o, &f->nc, &err) < 0) {
		show(err);
		return -1;
	}
	return 0;
}

static int fixture_init(struct fixture *f, bool ipv6)
{
	return fixture_init_rl(f, ipv6, false);
}

static void fixture_done(struct fixture *f)
{
	struct pea_err *err = NULL;

	if (net_exists(f->ctx, f->name) && net_remove(f->ctx, f->name, true, &err) < 0)
		show(err);
	if (rtnl_link_exists(f->bridge))
		rtnl_link_delete(f->bridge, NULL);
	net_config_release(&f->nc);
	ctx_free(f->ctx);
}

static int count_allocs(struct pea_ctx *ctx)
{
	cleanup_stmt sqlite3_stmt *s =
		state_prepare(state_get(ctx, NULL), "SELECT count(*) FROM ip_allocations;", NULL);

	return s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
}

static int setup_pod(struct fixture *f, const char *owner, const char *ns, struct net_status *st)
{
	struct net_attach at = { .network = f->name };
	struct net_setup_in in = { .owner = owner, .name = owner, .netns_path = ns,
				   .attach = &at, .n_attach = 1 };
	struct pea_err *err = NULL;
	int rc = net_setup(f->ctx, &in, st, &err);

	show(err);
	return rc;
}

TEST(pod_reaches_gateway_and_other_pod)
{
	struct fixture f;
	struct pea_err *err = NULL;
	cleanup_free char *ns1 = NULL, *ns2 = NULL;
	struct net_status st1 = { 0 }, st2 = { 0 };
	struct probe gw = { 0 }, pod2 = { 0 };
	char veth1[16], veth2[16];
	int lfd;

	if (geteuid() != 0)
		SKIP("needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN for netns)");
	if (fixture_init(&f, false) < 0) {
		CHECK(0);
		return;
	}
	ns1 = netns_create(f.ctx, "pod1", &err);
	show(err);
	err = NULL;
	ns2 = netns_create(f.ctx, "pod2", &err);
	show(err);
	CHECK(ns1 && ns2);
	if (!ns1 || !ns2)
		goto out;
	CHECK_INT(setup_pod(&f, "owner1", ns1, &st1), 0);
	CHECK_INT(setup_pod(&f, "owner2", ns2, &st2), 0);
	if (st1.n != 1 || st2.n != 1)
		goto out;
	CHECK(sys_has(f.bridge));
	{
		cleanup_free char *p = xasprintf("/sys/class/net/%s/addr_assign_type", f.bridge);
		struct strbuf sb = STRBUF_INIT;

		/* 3 = NET_ADDR_SET: the bridge keeps its MAC as ports come and go */
		CHECK(io_read_file(p, &sb, NULL) == 0 && sb.buf[0] == '3');
		strbuf_release(&sb);
	}
	net_veth_name("owner1", f.name, veth1);
	net_veth_name("owner2", f.name, veth2);
	CHECK(sys_has(veth1) && sys_has(veth2));
	CHECK_STR(st1.ifaces[0].ifname, "eth0");
	CHECK_STR(st1.ifaces[0].gw4, f.nc.subnets[0].gateway);
	CHECK_INT(st1.ifaces[0].prefix4, 24);
	CHECK(st1.ifaces[0].mac && strlen(st1.ifaces[0].mac) == 17);
	CHECK(strcmp(st1.ifaces[0].ip4, st2.ifaces[0].ip4));
	CHECK_INT(netns_run(ns1, eth0_fn, NULL, NULL), 0);
	/* pod -> gateway on the bridge */
	gw.addr = f.nc.subnets[0].gateway;
	lfd = listen_on(gw.addr, &gw.port);
	CHECK(lfd >= 0);
	err = NULL;
	CHECK_INT(netns_run(ns1, connect_fn, &gw, &err), 0);
	show(err);
	CHECK(lfd >= 0 && accepted(lfd));
	if (lfd >= 0)
		close(lfd);
	/* pod1 -> pod2 over the bridge */
	pod2.addr = st2.ifaces[0].ip4;
	err = NULL;
	CHECK_INT(netns_run(ns2, listen_fn, &pod2, &err), 0);
	show(err);
	err = NULL;
	CHECK_INT(netns_run(ns1, connect_fn, &pod2, &err), 0);
	show(err);
	CHECK(pod2.listen_fd >= 0 && accepted(pod2.listen_fd));
	if (pod2.listen_fd > 0)
		close(pod2.listen_fd);
	/* teardown leaves nothing of the pod */
	err = NULL;
	CHECK_INT(net_teardown(f.ctx, "owner1", ns1, &err), 0);
	show(err);
	CHECK(!sys_has(veth1));
	CHECK(sys_has(veth2));
	CHECK_INT(count_allocs(f.ctx), 1);
	CHECK_INT(net_teardown(f.ctx, "owner1", ns1, NULL), 0);   /* idempotent */
	/* the bridge stays while the network exists; removal refused while used */
	CHECK_INT(net_remove(f.ctx, f.name, false, &err), -1);
	CHECK(pea_err_is(err, PEA_E_IN_USE));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(net_teardown(f.ctx, "owner2", ns2, &err), 0);
	show(err);
	CHECK(sys_has(f.bridge));
	err = NULL;
	CHECK_INT(net_remove(f.ctx, f.name, false, &err), 0);
	show(err);
	CHECK(!sys_has(f.bridge) && !sys_has(veth2));
	CHECK_INT(count_allocs(f.ctx), 0);
out:
	net_status_release(&st1);
	net_status_release(&st2);
	if (ns1) {
		CHECK_INT(netns_remove(ns1, NULL), 0);
		CHECK(!io_exists(ns1));
	}
	if (ns2)
		netns_remove(ns2, NULL);
	fixture_done(&f);
}

TEST(dual_stack_pod_reaches_ipv6_gateway)
{
	struct fixture f;
	struct pea_err *err = NULL;
	cleanup_free char *ns = NULL;
	struct net_status st = { 0 };
	struct probe gw = { 0 };
	int lfd;

	if (geteuid() != 0)
		SKIP("needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN for netns)");
	if (fixture_init(&f, true) < 0) {
		CHECK(0);
		return;
	}
	ns = netns_create(f.ctx, "pod6", &err);
	show(err);
	CHECK(ns != NULL);
	if (!ns || setup_pod(&f, "owner6", ns, &st) < 0) {
		CHECK(0);
		goto out;
	}
	CHECK(st.ifaces[0].ip4 && st.ifaces[0].ip6);
	CHECK_INT(st.ifaces[0].prefix6, 64);
	gw.addr = st.ifaces[0].gw6;
	lfd = listen_on(gw.addr, &gw.port);
	CHECK(lfd >= 0);
	err = NULL;
	CHECK_INT(netns_run(ns, connect_fn, &gw, &err), 0);
	show(err);
	CHECK(lfd >= 0 && accepted(lfd));
	if (lfd >= 0)
		close(lfd);
	/* a failing setup undoes itself: the same owner cannot get eth0 twice */
	{
		struct net_status st2 = { 0 };

		CHECK_INT(setup_pod(&f, "owner6", ns, &st2), -1);
		CHECK_INT(count_allocs(f.ctx), 0);
	}
out:
	net_status_release(&st);
	if (ns)
		netns_remove(ns, NULL);
	err = NULL;
	CHECK_INT(net_reset(f.ctx, &err), 0);
	show(err);
	CHECK(!sys_has(f.bridge));
	CHECK(!net_exists(f.ctx, f.name));
	fixture_done(&f);
}

/* In the rootless netns: the bridge and the veth are there. */
struct links {
	const char *a, *b;
};

static int links_fn(void *data, struct pea_err **err)
{
	struct links *l = data;

	if (!rtnl_link_exists(l->a) || (l->b && !rtnl_link_exists(l->b)))
		return pea_err_set(err, 0, "'%s' or '%s' missing", l->a, l->b ? l->b : "");
	return 0;
}

/* In a pod: no default route yet (pasta brings one), so adding one works. */
static int no_default_fn(void *data, struct pea_err **err)
{
	return rtnl_route_add_default("eth0", data, err);
}

static int setup_pod_ports(struct fixture *f, const char *owner, const char *ns,
			   const struct net_port *ports, size_t n, struct net_status *st,
			   struct pea_err **err)
{
	struct net_attach at = { .network = f->name };
	struct net_setup_in in = { .owner = owner, .name = owner, .netns_path = ns,
				   .attach = &at, .n_attach = 1, .ports = ports, .n_ports = n };

	return net_setup(f->ctx, &in, st, err);
}

TEST(rootless_bridge_lives_in_the_rootless_netns)
{
	struct fixture f;
	struct pea_err *err = NULL;
	cleanup_free char *ns1 = NULL, *ns2 = NULL, *rl = NULL, *top = NULL, *oldpath = NULL;
	cleanup_free char *pid1 = NULL;
	struct net_status st1 = { 0 }, st2 = { 0 }, st3 = { 0 };
	struct probe pod2 = { 0 };
	struct net_port ports[1] = { { .container_port = 80, .range = 1, .proto = "tcp" } };
	struct links l;
	char veth1[16];

	if (geteuid() != 0)
		SKIP("needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN for netns)");
	if (fixture_init_rl(&f, false, true) < 0) {
		CHECK(0);
		return;
	}
	top = xstrndup(f.ctx->root, strlen(f.ctx->root) - strlen("/root"));
	oldpath = fake_pasta_install(top);
	rl = netns_rootless_path(f.ctx);
	pid1 = pasta_pid_file(f.ctx, "owner1");
	{
		/* a free host port for the stand-in's published port */
		int p = 0, fd = listen_on("127.0.0.1", &p);

		ports[0].host_port = (uint16_t)p;
		if (fd >= 0)
			close(fd);
	}
	ns1 = netns_create(f.ctx, "pod1", &err);
	ns2 = netns_create(f.ctx, "pod2", NULL);
	show(err);
	err = NULL;
	CHECK(ns1 && ns2 && oldpath);
	if (!ns1 || !ns2 || !oldpath)
		goto out;
	CHECK(!netns_is_netns(rl));
	CHECK_INT(setup_pod_ports(&f, "owner1", ns1, ports, 1, &st1, &err), 0);
	show(err);
	err = NULL;
	CHECK_INT(setup_pod(&f, "owner2", ns2, &st2), 0);
	if (st1.n != 1 || st2.n != 1)
		goto out;
	/* the host's netns holds nothing of it */
	net_veth_name("owner1", f.name, veth1);
	CHECK(!sys_has(f.bridge) && !sys_has(veth1));
	CHECK(netns_is_netns(rl));
	l = (struct links){ f.bridge, veth1 };
	CHECK_INT(netns_run(rl, links_fn, &l, &err), 0);
	show(err);
	err = NULL;
	CHECK(io_exists(pid1));
	/* pod1 -> pod2 over the bridge in the rootless netns */
	pod2.addr = st2.ifaces[0].ip4;
	CHECK_INT(netns_run(ns2, listen_fn, &pod2, &err), 0);
	show(err);
	err = NULL;
	CHECK_INT(netns_run(ns1, connect_fn, &pod2, &err), 0);
	show(err);
	err = NULL;
	CHECK(pod2.listen_fd >= 0 && accepted(pod2.listen_fd));
	if (pod2.listen_fd > 0)
		close(pod2.listen_fd);
	CHECK_INT(netns_run(ns1, no_default_fn, st1.ifaces[0].gw4, &err), 0);
	show(err);
	err = NULL;
	/* a failing pasta undoes the whole setup */
	setenv("FAKE_PASTA_FAIL", "1", 1);
	netns_remove(ns2, NULL);
	free(ns2);
	ns2 = netns_create(f.ctx, "pod3", NULL);
	CHECK_INT(net_teardown(f.ctx, "owner2", NULL, NULL), 0);
	CHECK_INT(count_allocs(f.ctx), 1);
	CHECK_INT(setup_pod_ports(&f, "owner3", ns2, NULL, 0, &st3, &err), -1);
	CHECK(err && strstr(err->msg, "pasta failed with exit code 1: Failed to bind"));
	pea_err_free(err);
	err = NULL;
	unsetenv("FAKE_PASTA_FAIL");
	CHECK_INT(count_allocs(f.ctx), 1);
	/* the last pod's teardown takes pasta and the rootless netns away */
	CHECK_INT(net_teardown(f.ctx, "owner1", ns1, &err), 0);
	show(err);
	err = NULL;
	CHECK(!io_exists(pid1));
	CHECK_INT(count_allocs(f.ctx), 0);
	CHECK(!io_exists(rl));
out:
	if (oldpath)
		setenv("PATH", oldpath, 1);
	net_status_release(&st1);
	net_status_release(&st2);
	if (ns1)
		netns_remove(ns1, NULL);
	if (ns2)
		netns_remove(ns2, NULL);
	err = NULL;
	CHECK_INT(net_reset(f.ctx, &err), 0);
	show(err);
	CHECK(!io_exists(rl));
	fixture_done(&f);
}

int main(void)
{
	RUN(pod_reaches_gateway_and_other_pod);
	RUN(dual_stack_pod_reaches_ipv6_gateway);
	RUN(rootless_bridge_lives_in_the_rootless_netns);
	return tap_done();
}
