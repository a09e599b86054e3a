/* Layer tar streams in and out of a directory, safely.
 *
 * layer_unpack_fd() reads a layer (gzip, zstd, xz, bzip2 or plain tar, told
 * apart from the data) and writes its tree beneath a directory fd.  Nothing
 * is ever written outside that directory: `..` components are refused,
 * absolute names are made relative (as docker does), every parent is opened
 * component by component with O_NOFOLLOW so a symlinked parent is refused,
 * hard links must point inside the layer, and xattrs in the overlay
 * namespaces are never taken from the tar.  OCI whiteouts become overlay
 * whiteouts: `.wh.NAME` a 0/0 character device NAME, `.wh..wh..opq` the
 * opaque xattr on its directory.
 *
 * layer_pack_dir() does the reverse (for push and save): an uncompressed
 * tar in a deterministic order with overlay whiteouts turned back into OCI
 * ones.
 *
 * Neither function changes the working directory or other process state,
 * so both may run in several threads at once. */
#ifndef PEA_LAYER_UNPACK_H
#define PEA_LAYER_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "podengine/digest.h"

/* How whiteouts are written.  CHARDEV is what the kernel's overlay reads
 * natively (needs mknod: root, or a user namespace on kernel >= 5.8).
 * XATTR is the hook for rootless overlay with "userxattr" (kernel >= 6.7
 * reads a zero-size file carrying user.overlay.whiteout, and opaque dirs
 * carry user.overlay.opaque). */
enum layer_whiteout_fmt {
	LAYER_WHITEOUT_CHARDEV = 0,
	LAYER_WHITEOUT_XATTR,
};

struct layer_unpack_opts {
	/* Digest the uncompressed stream must have; NULL = no check. */
	const char *expected_diff_id;
	/* Create device nodes and chown entries (true only when root). */
	bool privileged;
	enum layer_whiteout_fmt whiteouts;
};

/* Unpack the stream read from `fd` beneath the directory `dirfd` (which
 * should be empty).  `opts` may be NULL (defaults: no check, privileged iff
 * euid 0, chardev whiteouts).  On success the sha256 of the uncompressed
 * stream goes to out_diff_id (may be NULL) and the bytes of regular file
 * data to out_size (may be NULL).  On any failure - a hostile entry, a
 * corrupt stream or a digest mismatch - everything written beneath dirfd
 * is removed again and the error names the entry:
 *   "layer entry '../../etc/passwd': path escapes the layer" */
int layer_unpack_fd(int fd, int dirfd, const struct layer_unpack_opts *opts,
		    char out_diff_id[DIGEST_MAX], int64_t *out_size, struct pea_err **err);

/* Write the tree beneath `dirfd` to `out_fd` as an uncompressed pax tar,
 * names sorted bytewise, atime/ctime left out, hard links kept, overlay
 * whiteouts (0/0 char devices, or user.overlay.whiteout files) as `.wh.NAME`
 * and opaque directories followed by `.wh..wh..opq`.  The sha256 of the
 * bytes written goes to out_digest (may be NULL). */
int layer_pack_dir(int dirfd, int out_fd, char out_digest[DIGEST_MAX], struct pea_err **err);

/* Remove everything beneath dirfd (the directory itself stays). */
int layer_empty_dir(int dirfd, struct pea_err **err);

#endif
