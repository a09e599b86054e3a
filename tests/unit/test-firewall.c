/* The firewall against the real kernel (root): a throwaway topology made with
 * `ip` in the test only — a bridge ppfw<r> (10.232.<r>.1/24), a "pod" netns
 * on it at 10.232.<r>.2 running a TCP and a UDP responder, and an "outside"
 * netns linked to the host by a veth pair (10.233.<r>.0/30) — then the
 * published port is tried from 127.0.0.1, from the outside, and from the pod
 * itself.  Everything the test made is removed at exit, even on failure.
 * Traffic goes only to 127.0.0.1 and to the test's own netns. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <nftables/libnftables.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/tap.h"
#include "base/ctx.h"
#include "base/err.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "network/firewall.h"

#include "base/banned.h"

static struct pea_ctx ctx;
static int r;                       /* random third octet */
static char bridge[16], podns[32], outns[32], vpod[16], vout[16];
static char pod_ip[32], gw_ip[32], host_out_ip[32], subnet[32];
static pid_t listener = -1;
static bool made_table;
static char runroot[] = "/tmp/ppfw-XXXXXX";
static struct net_subnet sn;
static struct net_config nc;

#define OWNER1 "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define OWNER2 "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
#define OWNER4 "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4"
#define OWNER3 "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char *cmd, *full;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	full = xasprintf("%s >/dev/null 2>&1", cmd);
	rc = system(full);
	free(full);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* The JSON listing of the table, or NULL when it does not exist. */
static char *listing(void)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	char *out = NULL;

	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	nft_ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON);
	if (nft_run_cmd_from_buffer(nft, "list table inet peapod") == 0)
		out = xstrdup(nft_ctx_get_output_buffer(nft));
	nft_ctx_free(nft);
	return out;
}

/* nf_tables with NAT: a throwaway table with a nat chain. */
static bool have_nft_nat(void)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	char cmd[256];
	int rc;

	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	snprintf(cmd, sizeof(cmd), "add table inet ppfwprobe%d\n"
		 "add chain inet ppfwprobe%d p { type nat hook postrouting priority srcnat; }\n"
		 "delete table inet ppfwprobe%d\n", r, r, r);
	rc = nft_run_cmd_from_buffer(nft, cmd);
	nft_ctx_free(nft);
	return rc == 0;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	while (hay && (hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static int count_comment(const char *l, const char *comment)
{
	char *pat = xasprintf("\"comment\": \"%s\"", comment);
	int n = count(l, pat);

	free(pat);
	return n;
}

static void cleanup(void)
{
	if (listener > 0) {
		kill(listener, SIGKILL);
		waitpid(listener, NULL, 0);
		listener = -1;
	}
	if (made_table)
		fw_reset(&ctx, NULL);
	sh("ip netns del %s", podns);
	sh("ip netns del %s", outns);
	sh("ip link del %s", vpod);
	sh("ip link del %s", vout);
	sh("ip link del %s", bridge);
	io_rm_rf(runroot, NULL);
}

static void on_signal(int sig)
{
	(void)sig;
	exit(2);        /* runs cleanup through atexit */
}

static int enter_netns(const char *name)
{
	char path[128];
	int fd, rc;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

/* Dual stack: [::]:port takes IPv4 too. */
static int bound_socket(int type, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int one = 1, zero = 0, fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0))
		return -1;
	return fd;
}

/* In the pod netns: TCP :80 answers "pod-tcp", UDP :81 answers "pod-udp". */
static void listener_main(int ready)
{
	struct pollfd p[2];
	char buf[64];

	if (enter_netns(podns) < 0)
		_exit(1);
	p[0].fd = bound_socket(SOCK_STREAM, 80);
	p[1].fd = bound_socket(SOCK_DGRAM, 81);
	if (p[0].fd < 0 || p[1].fd < 0)
		_exit(1);
	p[0].events = p[1].events = POLLIN;
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents & POLLIN) {
			int c = accept(p[0].fd, NULL, NULL);

			if (c >= 0) {
				if (write(c, "pod-tcp", 7) < 0)
					_exit(1);
				close(c);
			}
		}
		if (p[1].revents & POLLIN) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);

			if (recvfrom(p[1].fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) >= 0)
				sendto(p[1].fd, "pod-udp", 7, 0, (struct sockaddr *)&from, fl);
		}
	}
}

static void client_main(int out, const char *ns, int type, const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct timeval tv = { .tv_sec = 2 };
	bool v6 = strchr(ip, ':') != NULL;
	char buf[64];
	ssize_t n;
	int fd;

	if (ns && enter_netns(ns) < 0)
		_exit(1);
	inet_pton(AF_INET, ip, &a.sin_addr);
	inet_pton(AF_INET6, ip, &a6.sin6_addr);
	fd = socket(v6 ? AF_INET6 : AF_INET, type, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a,
		    v6 ? sizeof(a6) : sizeof(a)) < 0)
		_exit(1);
	if (type == SOCK_DGRAM && send(fd, "ping", 4, 0) != 4)
		_exit(1);
	n = read(fd, buf, sizeof(buf));
	if (n <= 0 || write(out, buf, (size_t)n) != n)
		_exit(1);
	_exit(0);
}

/* What the service at ip:port answers, seen from netns ns (NULL = host); "" for nothing. */
static char *ask(const char *ns, const char *proto, const char *ip, int port)
{
	struct strbuf sb = STRBUF_INIT;
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return xstrdup("");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		client_main(p[1], ns, strcmp(proto, "udp") ? SOCK_STREAM : SOCK_DGRAM, ip, port);
	}
	close(p[1]);
	io_read_fd(p[0], &sb, NULL);
	close(p[0]);
	waitpid(pid, NULL, 0);
	return strbuf_detach(&sb, NULL);
}

static const char *topology(void)
{
	int ready[2];
	char c;

	if (sh("ip link add %s type bridge", bridge) || sh("ip addr add %s/24 dev %s", gw_ip, bridge) ||
	    sh("ip link set %s up", bridge))
		return "cannot create a bridge (needs CONFIG_BRIDGE)";
	if (sh("ip netns add %s", podns) || sh("ip netns add %s", outns))
		return "cannot create network namespaces";
	if (sh("ip link add %s type veth peer name eth0 netns %s", vpod, podns) ||
	    sh("ip link set %s master %s up", vpod, bridge) ||
	    sh("ip link set %s type bridge_slave hairpin on", vpod) ||
	    sh("ip -n %s addr add %s/24 dev eth0", podns, pod_ip) ||
	    sh("ip -n %s link set eth0 up", podns) || sh("ip -n %s link set lo up", podns) ||
	    sh("ip -n %s route add default via %s", podns, gw_ip))
		return "cannot create a veth pair (needs CONFIG_VETH)";
	if (sh("ip link add %s type veth peer name eth0 netns %s", vout, outns) ||
	    sh("ip addr add %s/30 dev %s", host_out_ip, vout) || sh("ip link set %s up", vout) ||
	    sh("ip -n %s addr add 10.233.%d.2/30 dev eth0", outns, r) ||
	    sh("ip -n %s link set eth0 up", outns))
		return "cannot create the outside veth pair";
	if (pipe2(ready, O_CLOEXEC) < 0)
		return "pipe";
	listener = fork();
	if (listener == 0) {
		close(ready[0]);
		listener_main(ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		return "the listener in the pod netns did not start";
	close(ready[0]);
	return NULL;
}

static int publish(const char *owner, const char *proto, int host_port, int ctr_port, int range,
		   struct pea_err **err)
{
	struct net_port p = { .host_port = host_port, .container_port = ctr_port, .range = range };

	snprintf(p.proto, sizeof(p.proto), "%s", proto);
	return fw_ports_add(&ctx, owner, &nc, pod_ip, NULL, &p, 1, err);
}

TEST(network_setup_is_idempotent)
{
	struct pea_err *err = NULL;
	char *l, *tag = xasprintf("net:%s", nc.name);

	CHECK_INT(fw_network_setup(&ctx, &nc, &err), 0);
	made_table = true;
	CHECK_INT(fw_network_setup(&ctx, &nc, &err), 0);
	if (err)
		printf("#   %s\n", err->msg);
	l = listing();
	CHECK(l != NULL);
	CHECK_INT(count_comment(l, tag), 2);            /* postrouting + forward */
	CHECK_INT(count(l, "\"masquerade\""), 3);       /* out, hairpin, 127/8 */
	free(l);
	free(tag);
	pea_err_free(err);
}

TEST(ports_add_lists_the_owner_rules)
{
	struct net_port ports[2] = {
		{ .host_port = 18080, .container_port = 80, .range = 1, .proto = "tcp" },
		{ .host_port = 18081, .container_port = 81, .range = 1, .proto = "udp" },
	};
	struct pea_err *err = NULL;
	char *l;
	int dnat;

	CHECK_INT(fw_ports_add(&ctx, OWNER1, &nc, pod_ip, NULL, ports, 2, &err), 0);
	if (err)
		printf("#   %s\n", err->msg);
	l = listing();
	CHECK_INT(count_comment(l, OWNER1), 2);         /* prerouting + output jumps */
	CHECK(strstr(l, "\"name\": \"pod-a1a1a1a1a1a1\""));
	dnat = count(l, "\"dnat\": {");
	CHECK_INT(dnat, 2);
	free(l);
	/* again: nothing new */
	CHECK_INT(fw_ports_add(&ctx, OWNER1, &nc, pod_ip, NULL, ports, 2, &err), 0);
	l = listing();
	CHECK_INT(count_comment(l, OWNER1), 2);
	CHECK_INT(count(l, "\"dnat\": {"), dnat);
	free(l);
	pea_err_free(err);
}

TEST(published_port_answers_on_host_loopback)
{
	char *a = ask(NULL, "tcp", "127.0.0.1", 18080);

	CHECK_STR(a, "pod-tcp");
	free(a);
	a = ask(NULL, "tcp", gw_ip, 18080);
	CHECK_STR(a, "pod-tcp");
	free(a);
}

TEST(published_port_answers_from_outside)
{
	char *a = ask(outns, "tcp", host_out_ip, 18080);

	CHECK_STR(a, "pod-tcp");
	free(a);
}

TEST(pod_reaches_its_own_published_port)
{
	char *a = ask(podns, "tcp", gw_ip, 18080);

	CHECK_STR(a, "pod-tcp");
	free(a);
	a = ask(podns, "tcp", host_out_ip, 18080);
	CHECK_STR(a, "pod-tcp");
	free(a);
}

TEST(udp_port_answers)
{
	char *a = ask(NULL, "udp", "127.0.0.1", 18081);

	CHECK_STR(a, "pod-udp");
	free(a);
	a = ask(outns, "udp", host_out_ip, 18081);
	CHECK_STR(a, "pod-udp");
	free(a);
}

/* Host to a local IPv6 address: the output chain's DNAT, no forwarding
 * needed (the test leaves the host's IPv6 forwarding alone). */
TEST(ipv6_published_port_answers)
{
	struct net_port p = { .host_port = 18082, .container_port = 80, .range = 1, .proto = "tcp" };
	struct pea_err *err = NULL;
	char *l, *a, gw6[48], pod6[48];

	snprintf(gw6, sizeof(gw6), "fd00:232:%x::1", r);
	snprintf(pod6, sizeof(pod6), "fd00:232:%x::2", r);
	if (sh("ip -6 addr add %s/64 dev %s nodad", gw6, bridge) ||
	    sh("ip -n %s -6 addr add %s/64 dev eth0 nodad", podns, pod6))
		SKIP("cannot add IPv6 addresses (needs CONFIG_IPV6)");
	CHECK_INT(fw_ports_add(&ctx, OWNER4, &nc, NULL, pod6, &p, 1, &err), 0);
	if (err)
		printf("#   %s\n", err->msg);
	l = listing();
	CHECK(strstr(l, "\"family\": \"ip6\""));
	free(l);
	a = ask(NULL, "tcp", gw6, 18082);
	CHECK_STR(a, "pod-tcp");
	free(a);
	CHECK_INT(fw_owner_remove(&ctx, OWNER4, &err), 0);
	pea_err_free(err);
}

TEST(conflicting_port_is_refused)
{
	struct pea_err *err = NULL;
	char *l, *a;

	CHECK_INT(publish(OWNER2, "tcp", 18090, 80, 1, &err), 0);
	pea_err_free(err);
	err = NULL;
	CHECK_INT(publish(OWNER3, "tcp", 18080, 80, 1, &err), -1);
	CHECK(pea_err_is(err, PEA_E_IN_USE));
	CHECK(err && strstr(err->msg, "port 18080/tcp is already published by pod " OWNER1));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(publish(OWNER3, "tcp", 18085, 18085, 10, &err), -1);     /* range overlap */
	CHECK(err && strstr(err->msg, "port 18090/tcp is already published by pod " OWNER2));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(publish(OWNER3, "udp", 18080, 80, 1, &err), 0);          /* other protocol */
	/* a shifted range: one rule per port, 18100 -> 80 */
	CHECK_INT(publish(OWNER3, "tcp", 18100, 80, 3, &err), 0);
	l = listing();
	CHECK_INT(count(l, "\"comment\": \"tcp * 1810"), 3);
	free(l);
	a = ask(NULL, "tcp", "127.0.0.1", 18100);
	CHECK_STR(a, "pod-tcp");
	free(a);
	CHECK_INT(fw_owner_remove(&ctx, OWNER3, &err), 0);
	pea_err_free(err);
}

TEST(owner_remove_removes_exactly_its_rules)
{
	struct pea_err *err = NULL;
	char *l, *a;

	CHECK_INT(fw_owner_remove(&ctx, OWNER1, &err), 0);
	l = listing();
	CHECK_INT(count_comment(l, OWNER1), 0);
	CHECK(!strstr(l, "pod-a1a1a1a1a1a1"));
	CHECK_INT(count_comment(l, OWNER2), 2);
	CHECK(strstr(l, "pod-b2b2b2b2b2b2"));
	free(l);
	a = ask(NULL, "tcp", "127.0.0.1", 18080);
	CHECK_STR(a, "");
	free(a);
	a = ask(NULL, "tcp", "127.0.0.1", 18090);
	CHECK_STR(a, "pod-tcp");
	free(a);
	CHECK_INT(fw_owner_remove(&ctx, OWNER1, &err), 0);       /* idempotent */
	pea_err_free(err);
}

TEST(last_removal_deletes_the_table)
{
	struct pea_err *err = NULL;
	char *l, *tag = xasprintf("net:%s", nc.name);

	CHECK_INT(fw_network_teardown(&ctx, &nc, &err), 0);
	l = listing();
	CHECK(l != NULL);                       /* OWNER2's jumps still there */
	CHECK_INT(count_comment(l, tag), 0);
	CHECK(!strstr(l, "net-ppfw"));
	free(l);
	CHECK_INT(fw_owner_remove(&ctx, OWNER2, &err), 0);
	l = listing();
	CHECK(l == NULL);
	free(l);
	CHECK_INT(fw_network_teardown(&ctx, &nc, &err), 0);
	CHECK_INT(fw_owner_remove(&ctx, OWNER2, &err), 0);
	free(tag);
	pea_err_free(err);
}

TEST(reset_deletes_everything)
{
	struct pea_err *err = NULL;
	char *l;

	CHECK_INT(fw_network_setup(&ctx, &nc, &err), 0);
	CHECK_INT(publish(OWNER1, "tcp", 18080, 80, 1, &err), 0);
	CHECK_INT(fw_reset(&ctx, &err), 0);
	l = listing();
	CHECK(l == NULL);
	free(l);
	CHECK_INT(fw_reset(&ctx, &err), 0);
	if (err)
		printf("#   %s\n", err->msg);
	pea_err_free(err);
}

TEST(bad_input_is_refused)
{
	struct net_config bad = nc;
	struct pea_err *err = NULL;
	char *l;

	CHECK_INT(publish("bad\" owner", "tcp", 18080, 80, 1, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	err = NULL;
	bad.bridge = "br\"x";
	CHECK_INT(fw_network_setup(&ctx, &bad, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(publish(OWNER1, "sctp", 18080, 80, 1, &err), -1);
	pea_err_free(err);
	l = listing();
	CHECK(l == NULL);
	free(l);
}

static void init_names(void)
{
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	r = 20 + rand() % 230;
	snprintf(bridge, sizeof(bridge), "ppfw%d", r);
	snprintf(vpod, sizeof(vpod), "ppfwp%d", r);
	snprintf(vout, sizeof(vout), "ppfwo%d", r);
	snprintf(podns, sizeof(podns), "ppfw-pod-%d", r);
	snprintf(outns, sizeof(outns), "ppfw-out-%d", r);
	snprintf(gw_ip, sizeof(gw_ip), "10.232.%d.1", r);
	snprintf(pod_ip, sizeof(pod_ip), "10.232.%d.2", r);
	snprintf(subnet, sizeof(subnet), "10.232.%d.0/24", r);
	snprintf(host_out_ip, sizeof(host_out_ip), "10.233.%d.1", r);
	sn.subnet = subnet;
	sn.gateway = gw_ip;
	nc.name = bridge;
	nc.bridge = bridge;
	nc.subnets = &sn;
	nc.n_subnets = 1;
}

int main(void)
{
	const char *why = NULL;
	char *l;

	log_init(&ctx.log);
	init_names();
	if (geteuid() != 0)
		why = "needs root";
	else if (!mkdtemp(runroot))
		why = "mkdtemp";
	else if ((l = listing()) != NULL) {
		free(l);
		why = "table inet peapod is in use by a running peapod";
	} else if (!have_nft_nat())
		why = "needs nf_tables with nat (CONFIG_NF_TABLES, CONFIG_NFT_NAT)";
	else if (sh("ip -V"))
		why = "needs the ip command (iproute2)";
	ctx.runroot = runroot;
	if (!why) {
		atexit(cleanup);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		why = topology();
	}
	if (why) {
		tap_skip_reason = why;
		tap_n++;
		tap_skip++;
		printf("ok %d - firewall # SKIP %s\n", tap_n, why);
		return tap_done();
	}
	RUN(network_setup_is_idempotent);
	RUN(ports_add_lists_the_owner_rules);
	RUN(published_port_answers_on_host_loopback);
	RUN(published_port_answers_from_outside);
	RUN(pod_reaches_its_own_published_port);
	RUN(udp_port_answers);
	RUN(ipv6_published_port_answers);
	RUN(conflicting_port_is_refused);
	RUN(owner_remove_removes_exactly_its_rules);
	RUN(last_removal_deletes_the_table);
	RUN(reset_deletes_everything);
	RUN(bad_input_is_refused);
	return tap_done();
}
