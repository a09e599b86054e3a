/* Whole-installation operations: disk usage and reset. */
#ifndef PEA_SYSTEM_H
#define PEA_SYSTEM_H

#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"

struct sys_df_row {
	const char *type;      /* "Images", ... (static string) */
	int64_t total, active;
	int64_t size, reclaimable;
};

/* Usage per object type; *out is caller-freed (free()). */
int sys_df(struct pea_ctx *ctx, struct sys_df_row **out, size_t *n, struct pea_err **err);

/* Remove everything peapod made under ctx's roots: stop what runs, unmount
 * every mount below the graph and run roots, then delete both trees.  The
 * state handle in ctx is closed.  Safe to run on a half-broken install. */
int sys_reset(struct pea_ctx *ctx, struct pea_err **err);

/* Unmount (lazily, deepest first) every mount point below `dir`; returns the
 * number unmounted. */
int sys_umount_below(const char *dir, struct pea_err **err);

#endif
