/* Work that Kubernetes does at once -- stopping the containers of a pod,
 * deleting the pods of a manifest -- done at once: each item in a forked
 * child, so that N containers that use their whole grace period take one
 * grace period, not N. */
#ifndef PEA_PARALLEL_H
#define PEA_PARALLEL_H

#include <stddef.h>

#include "base/ctx.h"
#include "base/err.h"

/* fn(ctx, i, arg, err) for every i < n, each in a child of its own (n == 1:
 * in this process).  A child never uses the parent's database connection:
 * it opens its own.  Waits for all; returns 0, or -1 with *err = the
 * first failing item's error (by index).  Kind and errno are not kept
 * across the process boundary, the message is. */
int par_each(struct pea_ctx *ctx, size_t n,
	     int (*fn)(struct pea_ctx *ctx, size_t i, void *arg, struct pea_err **err),
	     void *arg, struct pea_err **err);

#endif
