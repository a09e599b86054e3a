/* Shared between container.c, ctr-lifecycle.c and ctr-inspect.c; not for
 * cli/.  The lifecycle code loads records without ctr_sync (which may take
 * the container's lock: a process must never take it twice). */
#ifndef PEA_CTR_INTERNAL_H
#define PEA_CTR_INTERNAL_H

#include <stdbool.h>

#include "podengine/container.h"

/* Take <runroot>/locks/<id>.lock (blocking); returns the fd (close to unlock). */
int ctr_lock(struct pea_ctx *ctx, const char *id, struct pea_err **err);
/* Same without blocking: -1 when busy (no error set) or on failure. */
int ctr_trylock(struct pea_ctx *ctx, const char *id);

/* Load by id, name or unique id prefix without syncing.  Kind NOT_FOUND. */
int ctr_load(struct pea_ctx *ctx, const char *name, struct ctr_info *out, struct pea_err **err);
/* Write the mutable columns (state, pid, conmon_pid, exit_code, oom_killed,
 * stopped_by_user, restart_count, started_at, finished_at, backoff, error). */
int ctr_save(struct pea_ctx *ctx, const struct ctr_info *ci, struct pea_err **err);
/* Remove an already locked container (runtime state, rootfs, dirs, volume
 * users, row).  Does not stop it. */
int ctr_remove_locked(struct pea_ctx *ctx, struct ctr_info *ci, bool volumes,
		      struct pea_err **err);

/* <runroot>/exits/<id>; caller frees. */
char *ctr_exit_file(struct pea_ctx *ctx, const char *id);
/* Read the exit file: 1 (and *code, *oom) when present, 0 when absent. */
int ctr_read_exit_file(struct pea_ctx *ctx, const char *id, int *code, bool *oom);
void ctr_remove_exit_file(struct pea_ctx *ctx, const char *id);

/* The cleanup under the caller's lock; restart policy only with
 * allow_restart (the exit command).  Returns 1 when a restart is due (the
 * record is then `restarting` and the caller starts the waiter), else 0. */
int ctr_cleanup_locked(struct pea_ctx *ctx, struct ctr_info *ci, bool allow_restart,
		       struct pea_err **err);

/* Unix nanoseconds now. */
int64_t ctr_now_ns(void);

#endif
