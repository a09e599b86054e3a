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
 * opaque xattr on its directory (trusted.overlay.opaque, or
 * user.overlay.opaque in a user namespace).
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

/* How whiteouts are written.  CHARDEV is what the kernel's overlay and
 * fuse-overlayfs read natively: a 0/0 character device (mknod of 0/0 is
 * allowed to root and, since Linux 5.8, to root of a user namespace; in a
 * user namespace a refused mknod falls back to XATTR).  XATTR: a zero-size
 * file carrying user.overlay.whiteout (overlay with "userxattr" reads it
 * from 6.7 on; the vfs driver and layer_pack_dir() always). */
enum layer_whiteout_fmt {
	LAYER_WHITEOUT_CHARDEV = 0,
	LAYER_WHITEOUT_XATTR,
};

struct layer_unpack_opts {
	/* Digest the uncompressed stream must have; NULL = no check. */
	const char *expected_diff_id;
	/* Give entries the owners of the tar (root, or root of a user
	 * namespace: then only ids mapped in it, see `userns`). */
	bool privileged;
	/* Inside a rootless user namespace: opaque directories are marked
	 * user.overlay.opaque (overlay's "userxattr"; trusted.* is root's of the
	 * initial namespace only), device nodes are skipped (the kernel refuses
	 * mknod of real devices there, and a rootless container could not use
	 * them anyway: containers-storage skips them too), and an owner that is
	 * not mapped fails with a message that says to add subordinate ids. */
	bool userns;
	/* With `userns` and a single-id mapping (no subordinate ids): an owner
	 * that is not mapped leaves the entry root's instead of failing, as
	 * podman's ignore_chown_errors does; each such entry is counted in
	 * *unmapped (may be NULL). */
	bool ignore_unmapped;
	size_t *unmapped;
	enum layer_whiteout_fmt whiteouts;
};

/* Unpack the stream read from `fd` beneath the directory `dirfd` (which
 * should be empty).  `opts` may be NULL (defaults: no check, privileged iff
 * euid 0, not a user namespace, chardev whiteouts).  On success the sha256 of the uncompressed
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

/* Make the whiteout `name` in the directory pfd as layer_unpack_fd() does:
 * in format `fmt`; with `userns`, a 0/0 mknod that the file system refuses
 * (EPERM) falls back to the XATTR form.  0, or -1 with errno set. */
int layer_make_whiteout(int pfd, const char *name, enum layer_whiteout_fmt fmt, bool userns);

/* Remove everything beneath dirfd (the directory itself stays). */
int layer_empty_dir(int dirfd, struct pea_err **err);

#endif
