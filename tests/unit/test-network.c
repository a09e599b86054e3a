#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/json.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "network/ipam.h"
#include "network/network.h"
#include "network/rtnl.h"
#include "podengine/state.h"

#include <stdlib.h>
#include <unistd.h>

#include "base/banned.h"

static struct pea_ctx *ctx_new(void)
{
	char tmpl[] = "/tmp/pea-network-XXXXXX";
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

	state_close(ctx->state);
	ctx->state = NULL;
	io_rm_rf(top, NULL);
	ctx_release(ctx);
	free(ctx);
}

static struct ipam_prefix P(const char *s)
{
	struct ipam_prefix p;

	ipam_prefix_parse(s, &p, NULL);
	return p;
}

TEST(subnet_choice_avoids_used_prefixes)
{
	struct ipam_prefix used[] = {
		P("10.88.0.0/24"), P("10.88.1.5/32"), P("10.88.2.0/23"), P("fd00::/8"),
	};
	struct ipam_prefix wide[] = { P("10.0.0.0/8"), P("172.16.0.0/12") };
	char out[64];

	CHECK_INT(ipam_pick_subnet4(NULL, 0, out, NULL), 0);
	CHECK_STR(out, "10.88.0.0/24");
	CHECK_INT(ipam_pick_subnet4(used, 4, out, NULL), 0);
	CHECK_STR(out, "10.88.4.0/24");
	CHECK_INT(ipam_pick_subnet4(wide, 2, out, NULL), 0);
	CHECK_STR(out, "192.168.0.0/24");
}

TEST(ula_subnet_from_network_id)
{
	const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct ipam_prefix used[] = { P("fd01:2345:6789::/64") };
	char out[64];

	CHECK_INT(ipam_pick_subnet6(id, NULL, 0, out, NULL), 0);
	CHECK_STR(out, "fd01:2345:6789::/64");
	CHECK_INT(ipam_pick_subnet6(id, used, 1, out, NULL), 0);
	CHECK_STR(out, "fd01:2345:6789:1::/64");
}

TEST(host_prefixes_are_listed)
{
	struct ipam_prefix *v = NULL, lo = P("127.0.0.1/32");
	size_t n = 0;
	bool has_lo = false;

	CHECK_INT(rtnl_used_prefixes(&v, &n, NULL), 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(v[i].len > 0);
		if (ipam_prefix_contains(&v[i], &lo))
			has_lo = true;
	}
	CHECK(has_lo);
	free(v);
}

TEST(config_json_round_trip)
{
	struct net_subnet subs[] = { { "10.1.2.0/24", "10.1.2.1" }, { "fd00:1::/64", "fd00:1::1" } };
	char *labels[] = { "a=b", "c=", NULL };
	struct net_config nc = { .name = "n1", .id = "abc", .driver = "bridge", .bridge = "br9",
				 .subnets = subs, .n_subnets = 2, .ipv6 = true, .internal = true,
				 .dns_enabled = false, .labels = labels, .created = 1234 };
	cleanup_json struct json_object *o = net_config_to_json(&nc);
	cleanup_json struct json_object *o2 = NULL;
	struct net_config back;

	CHECK_INT(net_config_from_json(o, &back, NULL), 0);
	CHECK_STR(back.name, "n1");
	CHECK_STR(back.id, "abc");
	CHECK_STR(back.bridge, "br9");
	CHECK_INT(back.n_subnets, 2);
	CHECK_STR(back.subnets[1].subnet, "fd00:1::/64");
	CHECK_STR(back.subnets[1].gateway, "fd00:1::1");
	CHECK(back.ipv6 && back.internal && !back.dns_enabled);
	CHECK_INT(back.created, 1234);
	CHECK_INT(strv_len(back.labels), 2);
	CHECK(strv_find(back.labels, "a=b") >= 0 && strv_find(back.labels, "c=") >= 0);
	o2 = net_config_to_json(&back);
	CHECK_STR(json_object_to_json_string(o), json_object_to_json_string(o2));
	net_config_release(&back);
}

TEST(create_lookup_list_remove)
{
	struct pea_ctx *ctx = ctx_new();
	char *s1[] = { "10.231.77.0/24", NULL };
	char *s2[] = { "10.231.77.128/25", NULL };
	struct net_create_opts o1 = { .name = "one", .subnets = s1, .internal = true,
				      .bridge = "pptestnet1" };
	struct net_create_opts o2 = { .name = "two", .subnets = s2 };
	struct net_create_opts o3 = { .ipv6 = true };
	struct net_config a = { 0 }, b = { 0 }, *list = NULL;
	struct pea_err *err = NULL;
	size_t n = 0;

	CHECK_INT(net_create(ctx, &o1, &a, &err), 0);
	CHECK_STR(a.bridge, "pptestnet1");
	CHECK_STR(a.subnets[0].gateway, "10.231.77.1");
	CHECK_INT(strlen(a.id), 64);
	CHECK_INT(net_create(ctx, &o1, NULL, &err), -1);      /* same name */
	CHECK(pea_err_is(err, PEA_E_EXISTS));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(net_create(ctx, &o2, NULL, &err), -1);      /* overlapping subnet */
	CHECK(pea_err_is(err, PEA_E_EXISTS));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(net_create(ctx, &o3, &b, &err), 0);         /* auto name, dual stack */
	CHECK_STR(b.name, "peapod1");
	CHECK(!strncmp(b.bridge, "peapod", 6) && strcmp(b.bridge, "peapod0"));
	CHECK_INT(b.n_subnets, 2);
	CHECK(b.ipv6 && b.subnets[1].subnet && !strncmp(b.subnets[1].subnet, "fd", 2));
	CHECK(strcmp(a.subnets[0].subnet, b.subnets[0].subnet));
	CHECK_INT(net_list(ctx, &list, &n, &err), 0);
	CHECK_INT(n, 2);
	net_config_list_free(list, n);
	CHECK(net_exists(ctx, "one"));
	CHECK(!net_exists(ctx, "three"));
	CHECK_INT(net_remove(ctx, "one", false, &err), 0);
	if (err)
		printf("# %s\n", err->msg);
	CHECK(!net_exists(ctx, "one"));
	CHECK_INT(net_remove(ctx, "one", false, &err), -1);
	CHECK(pea_err_is(err, PEA_E_NOT_FOUND));
	pea_err_free(err);
	net_config_release(&a);
	net_config_release(&b);
	ctx_free(ctx);
}

TEST(default_network_is_created_once)
{
	struct pea_ctx *ctx = ctx_new();
	struct net_config a = { 0 }, b = { 0 };

	CHECK_INT(net_default(ctx, &a, NULL), 0);
	CHECK_STR(a.name, NET_DEFAULT_NAME);
	CHECK(!strncmp(a.bridge, "peapod", 6));
	CHECK_INT(net_default(ctx, &b, NULL), 0);
	CHECK_STR(a.id, b.id);
	CHECK_STR(a.subnets[0].subnet, b.subnets[0].subnet);
	net_config_release(&a);
	net_config_release(&b);
	ctx_free(ctx);
}

TEST(bad_names_are_refused)
{
	struct pea_ctx *ctx = ctx_new();
	struct net_create_opts o = { .name = "-bad" };
	struct net_create_opts o2 = { .name = "x", .driver = "macvlan" };
	struct pea_err *err = NULL;

	CHECK_INT(net_create(ctx, &o, NULL, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(net_create(ctx, &o2, NULL, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	ctx_free(ctx);
}

#define PORT_OK(arg, hip, hp, cp, rng, pr)                                             \
	do {                                                                           \
		struct net_port q_;                                                    \
		CHECK_INT(net_parse_port(arg, &q_, NULL), 0);                          \
		CHECK_STR(q_.host_ip, hip);                                            \
		CHECK_INT(q_.host_port, hp);                                           \
		CHECK_INT(q_.container_port, cp);                                      \
		CHECK_INT(q_.range, rng);                                              \
		CHECK_STR(q_.proto, pr);                                               \
	} while (0)

TEST(port_parsing)
{
	struct net_port p;

	PORT_OK("80", "", 0, 80, 1, "tcp");
	PORT_OK("8080:80", "", 8080, 80, 1, "tcp");
	PORT_OK("8080:80/udp", "", 8080, 80, 1, "udp");
	PORT_OK("127.0.0.1:8080:80", "127.0.0.1", 8080, 80, 1, "tcp");
	PORT_OK("127.0.0.1::80", "127.0.0.1", 0, 80, 1, "tcp");
	PORT_OK("[::1]:8080:80/tcp", "::1", 8080, 80, 1, "tcp");
	PORT_OK("9000-9002:7000-7002", "", 9000, 7000, 3, "tcp");
	PORT_OK("53/udp", "", 0, 53, 1, "udp");
	CHECK_INT(net_parse_port("0:80", &p, NULL), -1);
	CHECK_INT(net_parse_port("70000:80", &p, NULL), -1);
	CHECK_INT(net_parse_port("8080:80/sctp", &p, NULL), -1);
	CHECK_INT(net_parse_port("9000-9001:80", &p, NULL), -1);
	CHECK_INT(net_parse_port("nohost:8080:80", &p, NULL), -1);
	CHECK_INT(net_parse_port("", &p, NULL), -1);
	CHECK_INT(net_parse_port("80-", &p, NULL), -1);
}

TEST(status_json_round_trip)
{
	struct net_iface_status ifs[] = { { .network = "n", .ifname = "eth0", .mac = "aa:bb:cc:dd:ee:ff",
					    .ip4 = "10.1.2.3", .gw4 = "10.1.2.1", .prefix4 = 24,
					    .ip6 = "fd00::3", .gw6 = "fd00::1", .prefix6 = 64 } };
	struct net_status st = { ifs, 1 }, back;
	cleanup_json struct json_object *o = net_status_to_json(&st);

	CHECK_INT(net_status_from_json(o, &back, NULL), 0);
	CHECK_INT(back.n, 1);
	CHECK_STR(back.ifaces[0].ifname, "eth0");
	CHECK_STR(back.ifaces[0].ip6, "fd00::3");
	CHECK_INT(back.ifaces[0].prefix4, 24);
	CHECK_STR(back.ifaces[0].mac, "aa:bb:cc:dd:ee:ff");
	net_status_release(&back);
}

TEST(veth_names_are_stable_and_short)
{
	char a[16], b[16], c[16];

	net_veth_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		      "peapod", a);
	net_veth_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		      "peapod", b);
	net_veth_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		      "other", c);
	CHECK_STR(a, b);
	CHECK(strcmp(a, c));
	CHECK_INT(strlen(a), 12);
	CHECK(!strncmp(a, "veth", 4));
}

int main(void)
{
	RUN(subnet_choice_avoids_used_prefixes);
	RUN(ula_subnet_from_network_id);
	RUN(host_prefixes_are_listed);
	RUN(config_json_round_trip);
	RUN(create_lookup_list_remove);
	RUN(default_network_is_created_once);
	RUN(bad_names_are_refused);
	RUN(port_parsing);
	RUN(status_json_round_trip);
	RUN(veth_names_are_stable_and_short);
	return tap_done();
}
