/* Containers: records in the state database, their root filesystems, OCI
 * bundles and lifecycle through peapod-conmon and the OCI runtime.
 *
 * Process model (see docs/design.md): `ctr_start` writes the bundle, spawns
 * peapod-conmon (which daemonizes and runs `<runtime> create`), reads the
 * pid over a sync pipe and runs `<runtime> start`.  Nothing of peapod stays
 * but conmon.  When the container exits conmon writes the exit file and
 * runs the exit command `peapod --root R --runroot RR container cleanup ID`
 * (ctr_cleanup), which records the exit, unmounts, removes --rm containers
 * and applies the restart policy.
 *
 * Locking: every lifecycle operation on one container holds
 * <runroot>/locks/<id>.lock (flock) for its duration; state changes are
 * single transactions.
 *
 * Who implements what:
 *   container.c        records: create, lookup, list, remove, state updates
 *   ctr-lifecycle.c    start, stop, kill, restart, wait, cleanup, restart policy
 *   mount-source.c     the host side of the mounts at start (volumes, pod
 *                      volumes, hostPath types, subPaths)
 *   ctr-runtime.c      the OCI runtime CLI driver and conmon spawning
 *   oci-spec.c         config.json (with seccomp.c, caps.c, user.c, etc-files.c)
 *   ctr-logs.c         logs;  ctr-exec.c exec;  ctr-attach.c attach;  ctr-inspect.c
 */
#ifndef PEA_CONTAINER_H
#define PEA_CONTAINER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/ctx.h"
#include "base/err.h"
#include "base/strbuf.h"
#include "podengine/spec.h"

enum ctr_state {
	CTR_CREATED = 0,
	CTR_RUNNING,
	CTR_STOPPING,     /* stop requested, waiting for exit */
	CTR_EXITED,
	CTR_RESTARTING,   /* exited; waiting out the restart backoff */
	CTR_REMOVING,
};

const char *ctr_state_name(enum ctr_state s);   /* podman's words: created, running, ... */
/* "SIGTERM", "TERM", "term", "15" -> 15; kind INVALID otherwise. */
int ctr_parse_signal(const char *s, struct pea_err **err);

struct ctr_info {
	char *id;                 /* 64 hex */
	char *name;
	char *image_id;
	char *image_name;         /* as the user gave it */
	char *pod_id;             /* NULL when not in a pod */
	bool infra;               /* the pod's infra container */
	enum ctr_state state;
	pid_t pid;                /* container init pid while running, else 0 */
	pid_t conmon_pid;
	int exit_code;
	bool oom_killed;
	bool stopped_by_user;     /* stop/kill asked: no restart (unless-stopped, always) */
	int restart_count;
	int64_t created;          /* unix nanoseconds */
	int64_t started_at;       /* 0 = never */
	int64_t finished_at;      /* 0 = never */
	char *runtime;            /* runtime path used */
	char *bundle;             /* <root>/containers/<id>/userdata */
	char *rootfs;             /* merged mount point */
	char *log_path;
	struct ctr_spec spec;     /* as created (after defaults) */
	struct json_object *image_config;   /* the image config's "config" object; may be NULL */
	char *error;              /* why the last start failed (State.Error), or NULL */
	int backoff;              /* seconds of the last restart backoff; 0 = none yet */
};

void ctr_info_release(struct ctr_info *ci);
void ctr_info_list_free(struct ctr_info *list, size_t n);

/* Create: resolve the image (pulling is the caller's job), make the record,
 * the rootfs and the bundle directory.  Nothing runs yet.  On failure all
 * of it is undone.  Returns the id (caller frees). */
char *ctr_create(struct pea_ctx *ctx, const struct ctr_spec *spec, struct pea_err **err);
/* By full id, unique id prefix or name.  Kind NOT_FOUND. */
int ctr_lookup(struct pea_ctx *ctx, const char *name, struct ctr_info *out, struct pea_err **err);
int ctr_exists(struct pea_ctx *ctx, const char *name);
/* Newest first; `all` includes non-running containers. */
int ctr_list(struct pea_ctx *ctx, bool all, struct ctr_info **out, size_t *n,
	     struct pea_err **err);
/* Refresh a record from the runtime/exit files (a container whose conmon
 * died is noticed here and marked exited). */
int ctr_sync(struct pea_ctx *ctx, struct ctr_info *ci, struct pea_err **err);

struct ctr_start_opts {
	bool attach;              /* connect to the attach socket before `start` */
	int attach_fd;            /* out: the attach socket, when attach (caller closes) */
};
int ctr_start(struct pea_ctx *ctx, const char *name, struct ctr_start_opts *opts,
	      struct pea_err **err);
/* SIGTERM (or the stop signal), then SIGKILL after timeout seconds
 * (timeout < 0: the container's stop_timeout). */
int ctr_stop(struct pea_ctx *ctx, const char *name, int timeout, struct pea_err **err);
int ctr_kill(struct pea_ctx *ctx, const char *name, int sig, struct pea_err **err);
int ctr_restart(struct pea_ctx *ctx, const char *name, int timeout, struct pea_err **err);
/* Wait until the container is not running (exited/created); exit code out. */
int ctr_wait(struct pea_ctx *ctx, const char *name, int *exit_code, struct pea_err **err);
/* Remove; refused for running containers unless force (then killed). With
 * volumes, anonymous volumes go too. */
int ctr_remove(struct pea_ctx *ctx, const char *name, bool force, bool volumes,
	       struct pea_err **err);
/* `healthcheck run`: the liveness probe once (ctr-probe.c).  *healthy
 * tells the result, msg the probe's message; -1 when the container is not
 * running or has no liveness probe. */
int ctr_healthcheck_run(struct pea_ctx *ctx, const char *name, bool *healthy,
			struct strbuf *msg, struct pea_err **err);
/* `probe-attempt` (ctr-probe-curl.c): one HTTPS or grpc probe attempt
 * from the caller's network namespace, for peapod-conmon and base/probe.c,
 * which exec peapod for these (base/probe.h).  input: {"https": {...}} or
 * {"grpc": {...}}.  0: success, 1: failure, msg the kubelet's one-line
 * message; -1 for bad input. */
int ctr_probe_attempt(const char *input, int timeout_ms, struct strbuf *msg,
		      struct pea_err **err);
/* The exit command conmon runs. */
int ctr_cleanup(struct pea_ctx *ctx, const char *id, struct pea_err **err);

/* podman-shaped JSON (`inspect`, `ps --format json`). */
struct json_object *ctr_inspect_json(struct pea_ctx *ctx, const struct ctr_info *ci,
				     struct pea_err **err);
struct json_object *ctr_ps_json(struct pea_ctx *ctx, const struct ctr_info *ci);

struct ctr_logs_opts {
	bool follow, timestamps;
	int64_t since, until;     /* unix nanoseconds; 0 = unset */
	int64_t tail;             /* -1 = all */
	const char *prefix;       /* printed before each line (pod logs); may be NULL */
};
int ctr_logs(struct pea_ctx *ctx, const char *name, const struct ctr_logs_opts *opts,
	     struct pea_err **err);

struct ctr_exec_opts {
	char **argv;
	char **env;
	const char *user, *workdir;
	bool interactive, tty, detach;
};
/* Returns the exec'd process's exit code (>= 0), or -1 with *err. */
int ctr_exec(struct pea_ctx *ctx, const char *name, const struct ctr_exec_opts *opts,
	     struct pea_err **err);
/* Relay the attach socket to stdio until the container exits or the
 * caller's stdin closes (detach keys: ctrl-p ctrl-q). */
int ctr_attach_stdio(struct pea_ctx *ctx, int attach_fd, bool stdin_open, bool tty,
		     struct pea_err **err);
int ctr_attach(struct pea_ctx *ctx, const char *name, bool no_stdin, struct pea_err **err);

#endif
