#include "tests/unit/tap.h"

#include <stdint.h>

#include "podengine/host-node.h"

#include "base/banned.h"

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
	RUN(mem_total);
	RUN(this_host);
	return tap_done();
}
