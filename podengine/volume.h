/* Named volumes, local driver (podman's `volume` model).
 *
 * A volume is a row of the `volumes` table (state.c, migration 3) and a
 * directory <root>/volumes/<name>/ (0700 parent, root owned) whose _data/
 * (0755) is what containers mount.  Users are rows of `volume_users`
 * (volume, container_id); a volume with users cannot be removed.
 *
 * Names match [a-zA-Z0-9][a-zA-Z0-9_.-]*; a volume created without a name
 * gets 64 random hex digits.  Labels and options are "k=v" strings, stored
 * as JSON objects.  Options (podman's --opt):
 *   type=tmpfs device=tmpfs o=size=64m,mode=1777,uid=N,gid=N,nr_inodes=N,
 *       nodev,noexec,nosuid   a tmpfs mounted on _data by vol_ensure() and
 *                             unmounted when the last user detaches or the
 *                             volume is removed (contents do not persist);
 *   no type: o=uid=N,gid=N    owner of _data at creation; o=nocopy skips
 *                             the copy-up (vol_populate).
 * Anything else is refused (kind INVALID).
 *
 * Copy-up: the first vol_populate() of a volume copies the image's content
 * into it when it is empty; a marker file <root>/volumes/<name>/.copied
 * records that it happened (NeedsCopyUp in inspect is its absence).
 *
 * Transactions: each function runs its own statements; vol_attach and
 * vol_detach may be wrapped by the caller in state_begin/state_commit
 * (they never begin one themselves).  The other changing functions open
 * their own transaction and must NOT be called inside one.
 *
 * Errors follow base/err.h: kind NOT_FOUND for a missing volume, EXISTS
 * for a duplicate name, INVALID for bad names/options/filters, IN_USE for
 * removal of a volume that containers use. */
#ifndef PEA_VOLUME_H
#define PEA_VOLUME_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ctx.h"
#include "base/err.h"

struct vol_info {
	char *name;
	char *driver;             /* "local" */
	char *mountpoint;         /* <root>/volumes/<name>/_data */
	char *labels;             /* JSON object text, never NULL */
	char *options;            /* JSON object text, never NULL */
	bool anonymous;
	int64_t created;          /* unix seconds */
	int users;                /* containers using it */
	bool needs_copy_up;       /* no .copied marker yet */
};

void vol_info_release(struct vol_info *vi);
void vol_info_list_free(struct vol_info *list, size_t n);

/* True if name matches [a-zA-Z0-9][a-zA-Z0-9_.-]* (and is not too long). */
bool vol_name_valid(const char *name);

/* Create a volume.  name NULL = 64 random hex digits.  labels/options:
 * NULL-terminated "k=v" vectors or NULL.  With ignore_exists an existing
 * volume of that name is fine (its options are not compared).  *out_name
 * (may be NULL) receives the name, caller frees. */
int vol_create(struct pea_ctx *ctx, const char *name, char *const *labels,
	       char *const *options, bool anonymous, bool ignore_exists, char **out_name,
	       struct pea_err **err);

/* Get or create (no labels/options) volume `name`, mount its tmpfs if it
 * has one, and return its data dir <root>/volumes/<name>/_data (caller
 * frees). */
char *vol_ensure(struct pea_ctx *ctx, const char *name, struct pea_err **err);

/* Copy-up on first use: if the volume was never populated and its data dir
 * is empty, copy src_dir's tree (modes, owners, times, symlinks, devices,
 * xattrs best-effort; the top directory's mode and owner too) into it.
 * Marks the volume populated either way; a missing src_dir copies nothing.
 * No-op on later calls. */
int vol_populate(struct pea_ctx *ctx, const char *name, const char *src_dir,
		 struct pea_err **err);

/* Record that container ctr_id (a containers row) uses the volume.
 * Attaching twice is fine.  Kind NOT_FOUND if the volume is missing. */
int vol_attach(struct pea_ctx *ctx, const char *name, const char *ctr_id,
	       struct pea_err **err);
/* Undo vol_attach (missing row is fine); unmounts a tmpfs volume when it
 * was the last user.  Call it before deleting the container row: the ON
 * DELETE CASCADE only keeps the table consistent, it does not unmount. */
int vol_detach(struct pea_ctx *ctx, const char *name, const char *ctr_id,
	       struct pea_err **err);
/* Detach container ctr_id from every volume it uses; with remove_anonymous
 * its anonymous volumes that have no other user are removed too
 * (`rm -v`). */
int vol_detach_all(struct pea_ctx *ctx, const char *ctr_id, bool remove_anonymous,
		   struct pea_err **err);

/* Remove a volume and its data.  Refused with kind IN_USE ("volume 'x' is
 * being used by the following container(s): id, id") while containers use
 * it, force or not: with force, the caller removes those containers first
 * (vol_users) and then calls this. */
int vol_remove(struct pea_ctx *ctx, const char *name, bool force, struct pea_err **err);

/* Ids of the containers using the volume (NULL-terminated, caller frees
 * with strv_free). */
char **vol_users(struct pea_ctx *ctx, const char *name, struct pea_err **err);

int vol_lookup(struct pea_ctx *ctx, const char *name, struct vol_info *out,
	       struct pea_err **err);
bool vol_exists(struct pea_ctx *ctx, const char *name);

/* Volumes sorted by name, filtered by podman's --filter strings (NULL =
 * all): name=REGEX, label=KEY[=VALUE], label!=KEY[=VALUE], driver=D,
 * dangling=true|false, anonymous=true|false.  The same key given twice
 * matches either value; different keys must all match.  Unknown keys are
 * kind INVALID. */
int vol_list(struct pea_ctx *ctx, char *const *filters, struct vol_info **out, size_t *n,
	     struct pea_err **err);

/* podman's inspect object: Name, Driver, Mountpoint, CreatedAt (RFC 3339,
 * local time), Labels, Scope ("local"), Options, MountCount (users),
 * NeedsCopyUp, NeedsChown, Anonymous.  New reference. */
struct json_object *vol_inspect_json(const struct vol_info *vi);

/* Remove every volume no container uses (and that matches filters, as for
 * vol_list).  report() (may be NULL) gets each removed name. */
int vol_prune(struct pea_ctx *ctx, char *const *filters,
	      void (*report)(const char *name, void *data), void *data, struct pea_err **err);

#endif
