/* Copy a directory tree between directory fds, keeping modes, owners
 * (when privileged), xattrs, times, symlinks, fifos and devices. */
#ifndef PEA_COPY_TREE_H
#define PEA_COPY_TREE_H

#include <stdbool.h>

#include "base/err.h"

struct copytree_opts {
	bool privileged;  /* chown and device nodes (else skipped) */
	bool userns;      /* root of a user namespace: chown (mapped ids) but
			   * no device nodes, which the kernel refuses there */
	bool layers;      /* src is an overlay layer on top of dst: whiteouts (0/0
			   * or user.overlay.whiteout, layer-unpack.h) delete,
			   * opaque directories (trusted.overlay.opaque or
			   * user.overlay.opaque) replace */
};

/* Copy the contents of src into dst (merging into what dst has), then give
 * dst src's own owner, mode, xattrs and times. */
int copytree_into(int src, int dst, const struct copytree_opts *opts, struct pea_err **err);

#endif
