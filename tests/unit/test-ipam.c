#include "tests/unit/tap.h"
#include "base/cleanup.h"
#include "base/ctx.h"
#include "base/io.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "network/ipam.h"
#include "network/network.h"
#include "podengine/state.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

static struct pea_ctx *ctx_at(const char *top)
{
	struct pea_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->root = path_join(top, "root");
	ctx->runroot = path_join(top, "run");
	log_init(&ctx->log);
	return ctx;
}

static void ctx_free(struct pea_ctx *ctx)
{
	state_close(ctx->state);
	ctx->state = NULL;
	ctx_release(ctx);
	free(ctx);
}

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/pea-ipam-XXXXXX";

	return xstrdup(mkdtemp(tmpl));
}

/* A networks row (records only: no host change). */
static void add_network(struct pea_ctx *ctx, const char *name, const char *subnet,
			const char *gw, struct net_config *out)
{
	char *subs[] = { (char *)subnet, NULL };
	char *gws[] = { (char *)gw, NULL };
	struct net_create_opts o = { .name = name, .subnets = subs, .gateways = gw ? gws : NULL,
				     .internal = true };
	struct pea_err *err = NULL;

	if (net_create(ctx, &o, out, &err) < 0) {
		printf("# net_create: %s\n", err->msg);
		pea_err_free(err);
	}
}

static int count_rows(struct pea_ctx *ctx, const char *sql)
{
	struct state *st = state_get(ctx, NULL);
	cleanup_stmt sqlite3_stmt *s = state_prepare(st, sql, NULL);

	return s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
}

TEST(allocation_order_skips_network_gateway_broadcast)
{
	cleanup_free char *top = tmpdir();
	struct pea_ctx *ctx = ctx_at(top);
	struct net_config nc = { 0 };
	struct pea_err *err = NULL;
	char ip[64];
	int i;

	add_network(ctx, "small", "10.231.7.0/29", NULL, &nc);
	CHECK_STR(nc.subnets[0].gateway, "10.231.7.1");
	CHECK_INT(ipam_alloc(ctx, "small", &nc.subnets[0], "a", NULL, ip, &err), 0);
	CHECK_STR(ip, "10.231.7.2");
	CHECK_INT(ipam_alloc(ctx, "small", &nc.subnets[0], "b", NULL, ip, &err), 0);
	CHECK_STR(ip, "10.231.7.3");
	for (i = 0; i < 3; i++)
		CHECK_INT(ipam_alloc(ctx, "small", &nc.subnets[0], "c", NULL, ip, &err), 0);
	CHECK_STR(ip, "10.231.7.6");   /* .7 is the broadcast */
	CHECK_INT(ipam_alloc(ctx, "small", &nc.subnets[0], "d", NULL, ip, &err), -1);
	CHECK(err && strstr(err->msg, "no free ip address"));
	pea_err_free(err);
	err = NULL;
	/* release and reuse: the lowest free address comes back */
	CHECK_INT(ipam_release_owner(ctx, "a", &err), 0);
	CHECK_INT(ipam_alloc(ctx, "small", &nc.subnets[0], "d", NULL, ip, &err), 0);
	CHECK_STR(ip, "10.231.7.2");
	CHECK_INT(count_rows(ctx, "SELECT count(*) FROM ip_allocations WHERE owner = 'c'"), 3);
	CHECK_INT(ipam_release_owner(ctx, "c", &err), 0);
	CHECK_INT(count_rows(ctx, "SELECT count(*) FROM ip_allocations"), 2);
	net_config_release(&nc);
	ctx_free(ctx);
	io_rm_rf(top, NULL);
}

TEST(custom_gateway_is_skipped_and_static_ips)
{
	cleanup_free char *top = tmpdir();
	struct pea_ctx *ctx = ctx_at(top);
	struct net_config nc = { 0 };
	struct pea_err *err = NULL;
	cleanup_strv char **nets = NULL;
	cleanup_strv char **addrs = NULL;
	char ip[64];

	add_network(ctx, "gw", "10.231.8.0/24", "10.231.8.2", &nc);
	CHECK_INT(ipam_alloc(ctx, "gw", &nc.subnets[0], "a", NULL, ip, &err), 0);
	CHECK_STR(ip, "10.231.8.1");
	CHECK_INT(ipam_alloc(ctx, "gw", &nc.subnets[0], "a", NULL, ip, &err), 0);
	CHECK_STR(ip, "10.231.8.3");
	CHECK_INT(ipam_alloc(ctx, "gw", &nc.subnets[0], "b", "10.231.8.50", ip, &err), 0);
	CHECK_STR(ip, "10.231.8.50");
	CHECK_INT(ipam_alloc(ctx, "gw", &nc.subnets[0], "c", "10.231.8.50", ip, &err), -1);
	CHECK(pea_err_is(err, PEA_E_EXISTS));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(ipam_alloc(ctx, "gw", &nc.subnets[0], "c", "10.231.8.2", ip, &err), -1);
	CHECK(pea_err_is(err, PEA_E_INVALID));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(ipam_alloc(ctx, "gw", &nc.subnets[0], "c", "10.231.9.5", ip, &err), -1);
	pea_err_free(err);
	err = NULL;
	CHECK_INT(ipam_alloc(ctx, "nope", &nc.subnets[0], "c", NULL, ip, &err), -1);
	CHECK(err && strstr(err->msg, "no network 'nope'"));
	pea_err_free(err);
	err = NULL;
	CHECK_INT(ipam_owner_networks(ctx, "a", &nets, &err), 0);
	CHECK_INT(strv_len(nets), 1);
	CHECK_STR(nets[0], "gw");
	CHECK_INT(ipam_owner_addrs(ctx, "a", "gw", &addrs, &err), 0);
	CHECK_INT(strv_len(addrs), 2);
	net_config_release(&nc);
	ctx_free(ctx);
	io_rm_rf(top, NULL);
}

TEST(ipv6_allocation)
{
	cleanup_free char *top = tmpdir();
	struct pea_ctx *ctx = ctx_at(top);
	struct net_config nc = { 0 };
	struct pea_err *err = NULL;
	char ip[64];

	add_network(ctx, "v6", "fd12:3456:789a:1::/64", NULL, &nc);
	CHECK(nc.ipv6);
	CHECK_STR(nc.subnets[0].gateway, "fd12:3456:789a:1::1");
	CHECK_INT(ipam_alloc(ctx, "v6", &nc.subnets[0], "a", NULL, ip, &err), 0);
	CHECK_STR(ip, "fd12:3456:789a:1::2");
	CHECK_INT(ipam_alloc(ctx, "v6", &nc.subnets[0], "b", NULL, ip, &err), 0);
	CHECK_STR(ip, "fd12:3456:789a:1::3");
	CHECK_INT(ipam_alloc(ctx, "v6", &nc.subnets[0], "c", "fd12:3456:789a:1::ffff", ip, &err), 0);
	CHECK_STR(ip, "fd12:3456:789a:1::ffff");
	net_config_release(&nc);
	ctx_free(ctx);
	io_rm_rf(top, NULL);
}

TEST(twenty_processes_get_twenty_addresses)
{
	cleanup_free char *top = tmpdir();
	struct pea_ctx *ctx = ctx_at(top);
	struct net_config nc = { 0 };
	pid_t pids[20];
	int ok = 0;

	add_network(ctx, "conc", "10.231.9.0/24", NULL, &nc);
	state_close(ctx->state);   /* no sqlite handle across fork */
	ctx->state = NULL;
	for (int i = 0; i < 20; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct pea_ctx *c = ctx_at(top);
			cleanup_free char *owner = xasprintf("owner%d", i);
			char ip[64];
			int rc = ipam_alloc(c, "conc", &nc.subnets[0], owner, NULL, ip, NULL);

			ctx_free(c);
			_exit(rc == 0 ? 0 : 1);
		}
	}
	for (int i = 0; i < 20; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	CHECK_INT(ok, 20);
	CHECK_INT(count_rows(ctx, "SELECT count(DISTINCT ip) FROM ip_allocations"), 20);
	CHECK_INT(count_rows(ctx, "SELECT count(*) FROM ip_allocations WHERE ip = '10.231.9.1'"
				  " OR ip = '10.231.9.0'"), 0);
	CHECK_INT(count_rows(ctx, "SELECT count(*) FROM ip_allocations WHERE ip = '10.231.9.21'"), 1);
	net_config_release(&nc);
	ctx_free(ctx);
	io_rm_rf(top, NULL);
}

TEST(prefix_arithmetic)
{
	struct ipam_prefix a, b;
	char out[64];

	CHECK_INT(ipam_prefix_parse("10.1.2.3/16", &a, NULL), 0);
	ipam_prefix_mask(&a);
	ipam_prefix_format(&a, true, out);
	CHECK_STR(out, "10.1.0.0/16");
	CHECK_INT(ipam_prefix_parse("10.1.200.0/24", &b, NULL), 0);
	CHECK(ipam_prefix_overlap(&a, &b));
	CHECK(ipam_prefix_contains(&a, &b));
	CHECK(!ipam_prefix_contains(&b, &a));
	CHECK_INT(ipam_prefix_parse("10.2.0.0/24", &b, NULL), 0);
	CHECK(!ipam_prefix_overlap(&a, &b));
	ipam_prefix_nth(&a, 257, out);
	CHECK_STR(out, "10.1.1.1");
	CHECK_INT(ipam_prefix_parse("fd00::/64", &b, NULL), 0);
	CHECK(!ipam_prefix_overlap(&a, &b));
	CHECK_INT(ipam_prefix_parse("10.1.2.3/33", &b, NULL), -1);
	CHECK_INT(ipam_prefix_parse("nonsense", &b, NULL), -1);
}

int main(void)
{
	RUN(prefix_arithmetic);
	RUN(allocation_order_skips_network_gateway_broadcast);
	RUN(custom_gateway_is_skipped_and_static_ips);
	RUN(ipv6_allocation);
	RUN(twenty_processes_get_twenty_addresses);
	return tap_done();
}
