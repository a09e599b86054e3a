#include "tests/unit/tap.h"

#include <stdint.h>

#include "podengine/host-node.h"

#include "base/banned.h"

static const char route_hdr[] =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

TEST(default_iface_picks_the_default_route)
{
	char text[1024];
	char *got;

	snprintf(text, sizeof(text), "%s%s%s", route_hdr,
		 "eth1\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n",
		 "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
	got = host_node_default_iface(text);
	CHECK_STR(got, "eth0");
	free(got);
}

TEST(default_iface_lowest_metric_and_up_only)
{
	char text[1024];
	char *got;

	snprintf(text, sizeof(text), "%s%s%s%s", route_hdr,
		 "wlan0\t00000000\t0100A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n",
		 "down0\t00000000\t0100A8C0\t0002\t0\t0\t1\t00000000\t0\t0\t0\n",
		 "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
	got = host_node_default_iface(text);
	CHECK_STR(got, "eth0");
	free(got);
}

TEST(default_iface_none)
{
	char text[512];

	snprintf(text, sizeof(text), "%s%s", route_hdr,
		 "eth1\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
	CHECK(host_node_default_iface(text) == NULL);
	CHECK(host_node_default_iface("") == NULL);
	CHECK(host_node_default_iface("garbage\nmore garbage") == NULL);
	CHECK(host_node_default_iface(NULL) == NULL);
}

TEST(mem_total)
{
	CHECK_INT(host_node_mem_total("MemTotal:        8029160 kB\nMemFree: 1 kB\n"),
		  (int64_t)8029160 * 1024);
	CHECK_INT(host_node_mem_total("MemFree: 1 kB\n"), 0);
	CHECK_INT(host_node_mem_total("MemTotal: lots\n"), 0);
	CHECK_INT(host_node_mem_total(NULL), 0);
}

TEST(this_host)
{
	struct host_node n;

	CHECK(host_node_get(&n, NULL) == 0);
	CHECK(n.name && n.name[0]);
	CHECK(n.ipv4 && n.ipv4[0]);
	CHECK(n.cpu_milli >= 1000 && n.cpu_milli % 1000 == 0);
	CHECK(n.memory > 0);
	for (const char *p = n.name; p && *p; p++)
		CHECK(!(*p >= 'A' && *p <= 'Z'));
	host_node_release(&n);
}

int main(void)
{
	RUN(default_iface_picks_the_default_route);
	RUN(default_iface_lowest_metric_and_up_only);
	RUN(default_iface_none);
	RUN(mem_total);
	RUN(this_host);
	return tap_done();
}
