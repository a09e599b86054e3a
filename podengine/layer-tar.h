/* What layer-unpack.c and layer-pack.c share about layer tars: the OCI
 * whiteout names and the overlay xattrs a tar never carries.  Internal to
 * podengine. */
#ifndef PEA_LAYER_TAR_H
#define PEA_LAYER_TAR_H

#include <stdbool.h>
#include <string.h>

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define WH_META ".wh..wh."

static inline bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Overlay's (and fuse-overlayfs's) own xattrs are never taken from (or
 * given to) a tar: a layer could otherwise plant redirects, metacopy or
 * opaque markers. */
static inline bool overlay_xattr(const char *name)
{
	return starts_with(name, "trusted.overlay.") || starts_with(name, "user.overlay.") ||
	       starts_with(name, "user.fuseoverlayfs.");
}

#endif
