/* Per-object lock files (flock) so that two lifecycle operations on one
 * object don't race.  Locks live under the run root. */
#ifndef PEA_LOCKFILE_H
#define PEA_LOCKFILE_H

#include "base/err.h"

/* Open (creating) `path` and take an exclusive flock; returns the fd, which
 * holds the lock until closed (cleanup_close works). */
int lockfile_lock(const char *path, struct pea_err **err);
/* Same with a shared lock. */
int lockfile_lock_shared(const char *path, struct pea_err **err);

/* Path of the lock of one object: <runroot>/locks/<name>.lock (the
 * directory is created).  Caller frees. */
char *lockfile_path(const char *runroot, const char *name, struct pea_err **err);
/* Exclusive flock without blocking longer than wait_ms; returns the fd, or
 * -1 when the lock is busy or cannot be taken (no error is set). */
int lockfile_trylock(const char *path, int wait_ms);

#endif
