/* peapod-conmon: the per-container monitor.  One `struct conmon` holds the
 * options and every piece of runtime state; it is passed to each module
 * (no globals).  Modules, one concept per file:
 *
 *   main.c     options, daemonizing, setup, sync-fd report
 *   loop.c     the epoll loop (conmon_loop_*), signalfd and timerfd are fds in it
 *   logfile.c  the k8s-file (CRI) log writer with size-based rotation
 *   attach.c   the attach socket (SOCK_SEQPACKET)
 *   exit.c     exit code file, OOM note, exit command
 *   runtime.c  spawning `<runtime> create`
 *   probe.c    liveness, readiness and startup probes (--probes FILE)
 *
 * Setup (option parsing up to the sync-fd report) may bail out; after the
 * report conmon must keep running until the container has exited and its
 * exit code is written (see main.c). */
#ifndef PEA_CONMON_H
#define PEA_CONMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/err.h"

/* ---- loop.c: a small ae.c-like loop over epoll ---------------------- */

struct conmon_loop;
/* Called when fd is readable (or hung up); `mask` is the epoll event mask. */
typedef void (*conmon_loop_fn)(struct conmon_loop *loop, int fd, uint32_t mask, void *data);

struct conmon_loop *conmon_loop_new(struct pea_err **err);
void conmon_loop_free(struct conmon_loop *loop);
/* Watch fd for EPOLLIN; the loop does not own fd. */
int conmon_loop_add(struct conmon_loop *loop, int fd, conmon_loop_fn fn, void *data,
		    struct pea_err **err);
/* Stop watching fd (before closing it). Safe inside a callback. */
void conmon_loop_del(struct conmon_loop *loop, int fd);
/* Run until conmon_loop_stop(); returns 0 or -1 if epoll_wait fails. */
int conmon_loop_run(struct conmon_loop *loop, struct pea_err **err);
void conmon_loop_stop(struct conmon_loop *loop);

/* ---- logfile.c: k8s-file writer ------------------------------------- */

enum conmon_stream { CONMON_STDIN = 0, CONMON_STDOUT = 1, CONMON_STDERR = 2 };

/* Longest partial line kept in memory before it is written as a P record. */
#define CONMON_LOG_LINE_MAX 8192

struct conmon_log;
/* Open (append) `path`; max_size <= 0 disables rotation.  Owns a copy of path. */
struct conmon_log *conmon_log_open(const char *path, int64_t max_size, struct pea_err **err);
/* Append container output: complete lines become `TS stream F line` records,
 * the rest is kept until its newline comes, the line buffer fills (then a P
 * record) or conmon_log_flush() runs. */
int conmon_log_write(struct conmon_log *log, enum conmon_stream stream, const char *data,
		     size_t len, struct pea_err **err);
/* Write pending partial lines as P records. */
int conmon_log_flush(struct conmon_log *log, struct pea_err **err);
/* Whether any partial line is pending (for the idle flush timer). */
bool conmon_log_pending(const struct conmon_log *log);
void conmon_log_close(struct conmon_log *log);

/* ---- attach.c: attach socket ---------------------------------------- */

struct conmon_attach;
/* Listen on dir/attach (SOCK_SEQPACKET); takes stdin_fd on success only.  Frames out: 1 byte stream (1 stdout,
 * 2 stderr) + data.  Frames in: byte 0 + data for stdin (written to
 * stdin_fd when >= 0; an empty stdin frame closes stdin). */
struct conmon_attach *conmon_attach_new(struct conmon_loop *loop, const char *dir, int stdin_fd,
					struct pea_err **err);
/* Send output to every client; slow clients lose frames, never block us. */
void conmon_attach_broadcast(struct conmon_attach *a, enum conmon_stream stream,
			     const char *data, size_t len);
void conmon_attach_free(struct conmon_attach *a);

/* ---- runtime.c: `<runtime> create` ---------------------------------- */

struct conmon_create {
	const char *runtime;       /* path or name (PATH lookup) */
	const char *const *runtime_args; /* global args before `create`; NULL-terminated */
	const char *root;          /* --root, or NULL */
	const char *bundle, *pidfile, *cid;
	const char *console_socket; /* path, or NULL without a terminal */
	int stdio[3];              /* container stdin/stdout/stderr (child ends) */
};
/* Fork and exec the runtime; waits for it.  Returns its wait status, or -1
 * if it could not be started. */
int conmon_runtime_create(const struct conmon_create *c, struct pea_err **err);
/* Read the pid the runtime wrote to pidfile. */
int conmon_runtime_read_pid(const char *pidfile, pid_t *pid, struct pea_err **err);

/* Listen on the unix socket the runtime sends the pty master to; returns the fd. */
int conmon_runtime_console_listen(const char *path, struct pea_err **err);
/* After `create` succeeded: accept the runtime's connection and return the
 * pty master it passed with SCM_RIGHTS (CLOEXEC, owned by the caller). */
int conmon_runtime_console_recv(int listen_fd, struct pea_err **err);

/* ---- exit.c --------------------------------------------------------- */

/* Wait status -> exit code (signal death -> 128 + signal). */
int conmon_exit_code(int status);
/* Write `code` to dir/cid atomically; when oom, also dir/cid.oom. */
int conmon_exit_write(const char *dir, const char *cid, int code, bool oom, struct pea_err **err);
/* Best effort: remember the memory cgroup of pid (NULL when unknown). */
char *conmon_exit_oom_probe_path(pid_t pid);
/* Whether the cgroup file from conmon_exit_oom_probe_path reports an OOM kill. */
bool conmon_exit_oom_killed(const char *probe_path);
/* Run argv (argv[0] is the path) with stdio on /dev/null and wait for it. */
int conmon_exit_command(char *const *argv, struct pea_err **err);

/* ---- probe.c: Kubernetes probes ----------------------------------- */

struct conmon_probes;
/* Read the probe file peapod wrote (podengine/ctr-probe.c) and register
 * the probes' timers with the loop (nothing runs before _start); results
 * go to state_path.  NULL with *err when the file is unusable. */
struct conmon_probes *conmon_probes_new(struct conmon_loop *loop, const char *file,
					const char *state_path, struct pea_err **err);
/* The container runs as ctr: schedule the first attempts. */
void conmon_probes_start(struct conmon_probes *ps, pid_t ctr);
/* A child was reaped: true when it was a probe attempt (or preStop). */
bool conmon_probes_reaped(struct conmon_probes *ps, pid_t pid, int status);
/* The container is gone: stop probing, write the final state. */
void conmon_probes_container_exited(struct conmon_probes *ps);
/* Kills attempts still running; NULL is fine. */
void conmon_probes_free(struct conmon_probes *ps);

#endif
