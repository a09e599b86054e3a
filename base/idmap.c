#include "base/idmap.h"

#include <stdio.h>
#include <string.h>

#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"

#include "base/banned.h"

int idmap_read(const char *path, struct idmap_range *out, size_t max)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	const char *p;
	size_t n = 0;

	if (io_read_file(path, &sb, NULL) < 0)
		return -1;
	for (p = sb.buf; p && *p && n < max;) {
		unsigned long a, b, c;

		if (sscanf(p, "%lu %lu %lu", &a, &b, &c) == 3 && a <= UINT32_MAX &&
		    b <= UINT32_MAX && c <= UINT32_MAX) {
			out[n].inside = (uint32_t)a;
			out[n].outside = (uint32_t)b;
			out[n].count = (uint32_t)c;
			n++;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return (int)n;
}

bool idmap_is_userns(const char *path)
{
	struct idmap_range r[1];

	if (idmap_read(path, r, 1) < 1)
		return false;
	return !(r[0].inside == 0 && r[0].outside == 0 && r[0].count == UINT32_MAX);
}

bool idmap_maps(const char *path, uint32_t id)
{
	struct idmap_range r[IDMAP_MAX];
	int n = idmap_read(path, r, IDMAP_MAX), i;

	if (n < 0)
		return true;
	for (i = 0; i < n; i++)
		if (id >= r[i].inside && id - r[i].inside < r[i].count)
			return true;
	return false;
}
