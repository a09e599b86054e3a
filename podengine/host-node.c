/* This machine as a Kubernetes node (host-node.h). */
#include "podengine/host-node.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include "base/banned.h"

#define RTF_UP_FLAG 0x1

char *host_node_default_iface(const char *text)
{
	cleanup_free char *copy = xstrdup(text ? text : "");
	char *line, *save = NULL, *best = NULL;
	unsigned long best_metric = 0;

	/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char iface[IF_NAMESIZE + 1];
		unsigned long dest, gw, flags, refcnt, use, metric, mask;

		if (sscanf(line, "%16s %lx %lx %lx %lu %lu %lu %lx", iface, &dest, &gw, &flags,
			   &refcnt, &use, &metric, &mask) != 8)
			continue;   /* the header, or garbage */
		if (dest != 0 || mask != 0 || !(flags & RTF_UP_FLAG))
			continue;
		if (!best || metric < best_metric) {
			free(best);
			best = xstrdup(iface);
			best_metric = metric;
		}
	}
	return best;
}

int64_t host_node_mem_total(const char *text)
{
	const char *p = text ? strstr(text, "MemTotal:") : NULL;
	unsigned long long kb;

	if (!p || sscanf(p + 9, "%llu", &kb) != 1 || kb > (unsigned long long)INT64_MAX / 1024)
		return 0;
	return (int64_t)kb * 1024;
}

/* First IPv4 address of an up interface: of `iface` when given, else of any
 * non-loopback one. */
static char *first_ipv4(const struct ifaddrs *ifa, const char *iface)
{
	char buf[INET_ADDRSTRLEN];

	for (; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ifa->ifa_addr;

		if (!sin || sin->sin_family != AF_INET || !(ifa->ifa_flags & IFF_UP))
			continue;
		if (iface ? strcmp(ifa->ifa_name, iface) : (ifa->ifa_flags & IFF_LOOPBACK) != 0)
			continue;
		if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)))
			return xstrdup(buf);
	}
	return NULL;
}

static char *primary_ipv4(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct ifaddrs *ifa = NULL;
	cleanup_free char *iface = NULL;
	char *ip = NULL;

	if (io_read_file("/proc/net/route", &sb, NULL) == 0)
		iface = host_node_default_iface(sb.buf);
	strbuf_release(&sb);
	if (getifaddrs(&ifa) == 0) {
		if (iface)
			ip = first_ipv4(ifa, iface);
		if (!ip)
			ip = first_ipv4(ifa, NULL);
		freeifaddrs(ifa);
	}
	return ip ? ip : xstrdup("127.0.0.1");
}

int host_node_get(struct host_node *out, struct pea_err **err)
{
	struct strbuf sb = STRBUF_INIT;
	struct utsname u;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char *p;

	memset(out, 0, sizeof(*out));
	if (uname(&u) < 0)
		return pea_err_set(err, errno, "uname");
	out->name = xstrdup(u.nodename);
	for (p = out->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	out->ipv4 = primary_ipv4();
	out->cpu_milli = (cpus > 0 ? cpus : 1) * 1000;
	if (io_read_file("/proc/meminfo", &sb, NULL) == 0)
		out->memory = host_node_mem_total(sb.buf);
	strbuf_release(&sb);
	return 0;
}

void host_node_release(struct host_node *n)
{
	free(n->name);
	free(n->ipv4);
	memset(n, 0, sizeof(*n));
}
