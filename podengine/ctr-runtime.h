/* The OCI runtime CLI driver and the spawning of peapod-conmon.
 *
 * Every runtime call is `<runtime> --root <runroot>/runtime/<name> VERB ...`
 * (name = basename of the runtime path), run with fork/exec: between fork
 * and exec the child only makes async-signal-safe calls and reports an
 * exec failure over a CLOEXEC pipe (git's run-command).  stdout and stderr
 * are captured; a non-zero exit becomes an error carrying the runtime's
 * first line of stderr.
 *
 * Errors: when the runtime (or conmon reporting `create`) says the
 * container's command was not found, err->exit_status is 127; permission
 * denied gives 126 (podman's exit codes). */
#ifndef PEA_CTR_RUNTIME_H
#define PEA_CTR_RUNTIME_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/ctx.h"
#include "base/err.h"
#include "base/strbuf.h"

struct ctr_info;

/* <runroot>/runtime/<basename of runtime>; caller frees. */
char *ctr_runtime_root(struct pea_ctx *ctx, const char *runtime);

/* Run `runtime --root R args...`; stdout appended to `out` (may be NULL).
 * Returns 0 when it exited 0, else -1 with *err ("runtime 'runc' VERB
 * failed: <stderr>"). */
int ctr_runtime_run(struct pea_ctx *ctx, const char *runtime, const char *const *args,
		    struct strbuf *out, struct pea_err **err);

int ctr_runtime_start(struct pea_ctx *ctx, const struct ctr_info *ci, struct pea_err **err);
/* Signal the container's init (`kill ID SIG`). */
int ctr_runtime_kill(struct pea_ctx *ctx, const struct ctr_info *ci, int sig,
		     struct pea_err **err);
/* `delete [-f] ID`; a container the runtime does not know is fine. */
int ctr_runtime_delete(struct pea_ctx *ctx, const struct ctr_info *ci, bool force,
		       struct pea_err **err);
/* `state ID` -> "created", "running", "stopped"; NULL status out when the
 * runtime does not know the container (returns 0). Caller frees *status. */
int ctr_runtime_state(struct pea_ctx *ctx, const struct ctr_info *ci, char **status,
		      pid_t *pid, struct pea_err **err);

/* Spawn peapod-conmon for the container (bundle already written) and wait
 * for its report.  Returns the container's pid (> 0) and conmon's pid in
 * *conmon_pid, or -1 with *err (exit_status 126/127 as above). */
pid_t ctr_conmon_spawn(struct pea_ctx *ctx, const struct ctr_info *ci, pid_t *conmon_pid,
		       struct pea_err **err);

/* Map a runtime error text to 126/127, or 0 when it is neither. */
int ctr_runtime_exit_status(const char *msg);

/* Whether pid is a live process (zombies count as dead). */
bool ctr_pid_alive(pid_t pid);

/* Path of a helper binary (peapod-conmon, peapod-pause): next to
 * /proc/self/exe, then PEAPOD_LIBEXECDIR.  Caller frees; NULL with *err. */
char *ctr_helper_path(const char *name, struct pea_err **err);

#endif
