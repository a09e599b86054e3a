/* /proc/<pid>/uid_map and gid_map: "inside outside count" lines. */
#ifndef PEA_IDMAP_H
#define PEA_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct idmap_range {
	uint32_t inside, outside, count;
};

#define IDMAP_MAX 340   /* the kernel's limit of lines per map */

/* Read a map file into out (at most max ranges); returns the number of
 * ranges, -1 when the file cannot be read. */
int idmap_read(const char *path, struct idmap_range *out, size_t max);

/* A map of a user namespace other than the initial one (whose map is the
 * identity "0 0 4294967295"); false when it cannot be read. */
bool idmap_is_userns(const char *path);

/* Does the map hold `id` (inside)?  True when the map cannot be read. */
bool idmap_maps(const char *path, uint32_t id);

#endif
