/* This machine as a Kubernetes node (host-node.h). */
#include "podengine/host-node.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"
#include "podengine/hostinfo.h"

#include "base/banned.h"

int64_t host_node_mem_total(const char *text)
{
	const char *p = text ? strstr(text, "MemTotal:") : NULL;
	unsigned long long kb;

	if (!p || sscanf(p + 9, "%llu", &kb) != 1 || kb > (unsigned long long)INT64_MAX / 1024)
		return 0;
	return (int64_t)kb * 1024;
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
	out->ipv4 = host_primary_ip4();
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
