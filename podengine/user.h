/* The user a container process runs as, resolved against the IMAGE's
 * /etc/passwd and /etc/group (never the host's).
 *
 * The files are opened under the rootfs one component at a time with
 * O_NOFOLLOW: a symlink anywhere on the way (/etc -> /host/etc,
 * /etc/passwd -> /etc/shadow of the host) is refused, never followed out of
 * the rootfs.  Only regular files are read (a FIFO cannot block us). */
#ifndef PEA_USER_H
#define PEA_USER_H

#include <stddef.h>
#include <sys/types.h>

#include "base/err.h"

struct user_ids {
	uid_t uid;
	gid_t gid;
	gid_t *groups;        /* additional gids (membership in /etc/group, then extra groups) */
	size_t n_groups;
	char *home;           /* passwd home, or "/" when the user has no entry */
};

/* Resolve `user` ("name", "uid", "name:group", "uid:gid"; NULL or "" =
 * root) and the extra groups (names or gids) for the rootfs open at
 * rootfd.  Numeric ids need no passwd/group entry (gid defaults to the
 * passwd entry's, else 0).  Unknown names fail with kind NOT_FOUND:
 * "unable to find user NAME: no matching entries in passwd file".
 * Fills *out (release with user_ids_release). */
int user_resolve(int rootfd, const char *user, char *const *groups, struct user_ids *out,
		 struct pea_err **err);
/* Same, with the rootfs given by path. */
int user_resolve_path(const char *rootfs, const char *user, char *const *groups,
		      struct user_ids *out, struct pea_err **err);
void user_ids_release(struct user_ids *u);

/* Kubernetes' runAsNonRoot (the kubelet's verifyRunAsNonRoot): spec_user
 * is the container's own user (runAsUser; NULL = the image's), uid the
 * resolved one.  An explicit uid 0 fails with "container's runAsUser
 * breaks non-root policy"; the image's root user (or none) with
 * "container has runAsNonRoot and image will run as root"; the image's
 * user by name (which cannot be verified before it runs) with "container
 * has runAsNonRoot and image has non-numeric user (NAME), cannot verify
 * user is non-root".  Kind INVALID. */
int user_check_non_root(const char *spec_user, const char *image_user, uid_t uid,
			struct pea_err **err);

#endif
