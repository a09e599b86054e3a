/* The OCI runtime CLI driver and peapod-conmon spawning (ctr-runtime.h). */
#include "podengine/ctr-runtime.h"
#include "podengine/container.h"
#include "podengine/ctr-probe.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/json.h"
#include "base/parse.h"
#include "base/strv.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

#ifndef PEAPOD_LIBEXECDIR
#define PEAPOD_LIBEXECDIR "/usr/local/libexec/peapod"
#endif

extern char **environ;

struct child_report {
	int step;
	int errnum;
};

enum { STEP_DUP = 1, STEP_EXEC };

/* fds for the child: stdio[i] < 0 means /dev/null; keep_fd (if >= 0) is
 * placed at fd 3. */
struct spawn {
	char *const *argv;
	int stdio[3];
	int keep_fd;
};

static void __attribute__((noreturn)) child_fail(int fd, int step)
{
	struct child_report r = { step, errno };

	xwrite_all(fd, &r, sizeof(r));
	_exit(127);
}

/* In the forked child: async-signal-safe calls only. */
static void __attribute__((noreturn)) child(const struct spawn *sp, int report_fd, int devnull)
{
	sigset_t none;
	int i;

	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 0; i < 3; i++)
		if (dup2(sp->stdio[i] >= 0 ? sp->stdio[i] : devnull, i) < 0)
			child_fail(report_fd, STEP_DUP);
	if (sp->keep_fd >= 0 && dup2(sp->keep_fd, 3) < 0)
		child_fail(report_fd, STEP_DUP);
	execve(sp->argv[0], sp->argv, environ);
	child_fail(report_fd, STEP_EXEC);
}

/* Fork and exec; returns the pid or -1 with *err (exec failures included). */
static pid_t spawn(const struct spawn *sp, struct pea_err **err)
{
	cleanup_close int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	int rp[2];
	struct child_report r;
	ssize_t n;
	pid_t pid;

	if (devnull < 0)
		return pea_err_set(err, errno, "open '/dev/null'");
	if (pipe2(rp, O_CLOEXEC) < 0)
		return pea_err_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(rp[0]);
		close(rp[1]);
		return pea_err_set(err, errno, "fork");
	}
	if (pid == 0)
		child(sp, rp[1], devnull);
	close(rp[1]);
	n = xread_full(rp[0], &r, sizeof(r));
	close(rp[0]);
	if (n == (ssize_t)sizeof(r)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return pea_err_set(err, r.errnum, "%s '%s'", r.step == STEP_EXEC ? "run" : "set up",
				   sp->argv[0]);
	}
	return pid;
}

static int wait_status(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Read both pipes to EOF. */
static void capture(int out_fd, int err_fd, struct strbuf *out, struct strbuf *errb)
{
	struct pollfd p[2] = { { out_fd, POLLIN, 0 }, { err_fd, POLLIN, 0 } };
	struct strbuf *dst[2] = { out, errb };
	int open_fds = 2;

	while (open_fds > 0) {
		int i;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (i = 0; i < 2; i++) {
			char buf[4096];
			ssize_t n;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = xread(p[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				p[i].fd = -1;
				open_fds--;
			} else if (dst[i]->len < (1 << 20)) {
				strbuf_add(dst[i], buf, (size_t)n);
			}
		}
	}
}

char *ctr_runtime_root(struct pea_ctx *ctx, const char *runtime)
{
	const char *base = strrchr(runtime, '/');

	return xasprintf("%s/runtime/%s", ctx->runroot, base ? base + 1 : runtime);
}

/* The useful line of a runtime's stderr: runc's logrus `msg="..."` or the
 * last non-empty line. */
static char *runtime_message(const char *text)
{
	const char *m = strstr(text, "msg=\"");
	struct strbuf sb = STRBUF_INIT;

	if (m) {
		const char *p;

		for (p = m + 5; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			strbuf_addch(&sb, *p);
		}
		return strbuf_detach(&sb, NULL);
	}
	strbuf_addstr(&sb, text);
	strbuf_rtrim(&sb);
	{
		char *nl = strrchr(sb.buf, '\n');
		char *r = xstrdup(nl ? nl + 1 : sb.buf);

		strbuf_release(&sb);
		return r;
	}
}

int ctr_runtime_exit_status(const char *msg)
{
	if (!msg)
		return 0;
	if (strstr(msg, "executable file not found") || strstr(msg, "no such file or directory") ||
	    strstr(msg, "No such file or directory"))
		return PEA_EXIT_NOT_FOUND;
	if (strstr(msg, "permission denied") || strstr(msg, "Permission denied"))
		return PEA_EXIT_CANNOT_INVOKE;
	return 0;
}

static char **runtime_argv(struct pea_ctx *ctx, const char *runtime, const char *const *args)
{
	cleanup_free char *root = ctr_runtime_root(ctx, runtime);
	char **argv = NULL;

	strv_push(&argv, runtime);
	strv_push(&argv, "--root");
	strv_push(&argv, root);
	for (; args && *args; args++)
		strv_push(&argv, *args);
	return argv;
}

int ctr_runtime_run(struct pea_ctx *ctx, const char *runtime, const char *const *args,
		    struct strbuf *out, struct pea_err **err)
{
	cleanup_strv char **argv = runtime_argv(ctx, runtime, args);
	cleanup_strbuf struct strbuf o = STRBUF_INIT, e = STRBUF_INIT;
	cleanup_free char *msg = NULL;
	struct spawn sp = { .argv = argv, .stdio = { -1, -1, -1 }, .keep_fd = -1 };
	int po[2], pe[2], status;
	pid_t pid;

	if (pipe2(po, O_CLOEXEC) < 0)
		return pea_err_set(err, errno, "pipe");
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return pea_err_set(err, errno, "pipe");
	}
	sp.stdio[1] = po[1];
	sp.stdio[2] = pe[1];
	pid = spawn(&sp, err);
	close(po[1]);
	close(pe[1]);
	if (pid > 0)
		capture(po[0], pe[0], &o, &e);
	close(po[0]);
	close(pe[0]);
	if (pid < 0)
		return -1;
	status = wait_status(pid);
	if (out)
		strbuf_add(out, o.buf, o.len);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	msg = runtime_message(e.len ? e.buf : o.buf);
	pea_err_set(err, 0, "runtime '%s' %s failed%s%s", runtime, args && args[0] ? args[0] : "",
		    *msg ? ": " : "", msg);
	if (err && *err)
		(*err)->exit_status = ctr_runtime_exit_status(msg) ? ctr_runtime_exit_status(msg)
								    : PEA_EXIT_ENGINE;
	return -1;
}

int ctr_runtime_start(struct pea_ctx *ctx, const struct ctr_info *ci, struct pea_err **err)
{
	const char *args[] = { "start", ci->id, NULL };

	return ctr_runtime_run(ctx, ci->runtime, args, NULL, err);
}

int ctr_runtime_kill(struct pea_ctx *ctx, const struct ctr_info *ci, int sig,
		     struct pea_err **err)
{
	char num[16];
	const char *args[] = { "kill", ci->id, num, NULL };

	snprintf(num, sizeof(num), "%d", sig);
	return ctr_runtime_run(ctx, ci->runtime, args, NULL, err);
}

static bool not_known(const char *msg)
{
	return strstr(msg, "does not exist") || strstr(msg, "not found") ||
	       strstr(msg, "no such container") || strstr(msg, "No such file");
}

int ctr_runtime_delete(struct pea_ctx *ctx, const struct ctr_info *ci, bool force,
		       struct pea_err **err)
{
	const char *args[] = { "delete", force ? "-f" : ci->id, force ? ci->id : NULL, NULL };
	cleanup_free char *root = ctr_runtime_root(ctx, ci->runtime);
	cleanup_free char *state = path_join(root, ci->id);
	struct pea_err *e = NULL;

	/* crun and runc keep a container's state in <root>/<id>: without it
	 * the runtime does not know the container (already deleted), and one
	 * exec less is most of a kube down */
	if (!io_exists(state))
		return 0;
	if (ctr_runtime_run(ctx, ci->runtime, args, NULL, &e) == 0)
		return 0;
	if (not_known(e->msg)) {
		pea_err_free(e);
		return 0;
	}
	if (err)
		*err = e;
	else
		pea_err_free(e);
	return -1;
}

int ctr_runtime_state(struct pea_ctx *ctx, const struct ctr_info *ci, char **status,
		      pid_t *pid, struct pea_err **err)
{
	const char *args[] = { "state", ci->id, NULL };
	cleanup_strbuf struct strbuf out = STRBUF_INIT;
	cleanup_json struct json_object *o = NULL;
	struct json_object *v;
	struct pea_err *e = NULL;

	*status = NULL;
	*pid = 0;
	if (ctr_runtime_run(ctx, ci->runtime, args, &out, &e) < 0) {
		if (not_known(e->msg)) {
			pea_err_free(e);
			return 0;
		}
		if (err)
			*err = e;
		else
			pea_err_free(e);
		return -1;
	}
	o = json_tokener_parse(out.buf);
	if (!o)
		return pea_err_set(err, 0, "runtime '%s' state: invalid JSON", ci->runtime);
	if (json_object_object_get_ex(o, "status", &v))
		*status = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "pid", &v))
		*pid = (pid_t)json_object_get_int(v);
	return 0;
}

bool ctr_pid_alive(pid_t pid)
{
	char path[64];
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	const char *p;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (io_read_file(path, &sb, NULL) < 0)
		return false;
	p = strrchr(sb.buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

char *ctr_helper_path(const char *name, struct pea_err **err)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *p;

	if (n > 0) {
		char *slash;

		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			p = path_join(self, name);
			if (access(p, X_OK) == 0)
				return p;
			free(p);
		}
	}
	p = path_join(PEAPOD_LIBEXECDIR, name);
	if (access(p, X_OK) == 0)
		return p;
	free(p);
	pea_err_setk(err, PEA_E_NOT_FOUND, 0, "cannot find '%s' next to the peapod binary or in "
		     "'%s'", name, PEAPOD_LIBEXECDIR);
	return NULL;
}

/* ---- conmon ---------------------------------------------------------- */

static void push_opt(char ***argv, const char *opt, const char *val)
{
	strv_push(argv, opt);
	strv_push(argv, val);
}

static void push_exit_command(struct pea_ctx *ctx, char ***argv)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	static const char *const lvl[] = { "error", "warn", "info", "debug", "trace" };

	self[n > 0 ? n : 0] = 0;
	push_opt(argv, "--exit-command", n > 0 ? self : "peapod");
	push_opt(argv, "--exit-command-arg", "--root");
	push_opt(argv, "--exit-command-arg", ctx->root);
	push_opt(argv, "--exit-command-arg", "--runroot");
	push_opt(argv, "--exit-command-arg", ctx->runroot);
	if (ctx->log.level != PEA_LOG_WARN && (unsigned)ctx->log.level < 5) {
		push_opt(argv, "--exit-command-arg", "--log-level");
		push_opt(argv, "--exit-command-arg", lvl[ctx->log.level]);
	}
	push_opt(argv, "--exit-command-arg", "container");
	push_opt(argv, "--exit-command-arg", "cleanup");
}

static char **conmon_argv(struct pea_ctx *ctx, const struct ctr_info *ci, const char *conmon)
{
	cleanup_free char *rroot = ctr_runtime_root(ctx, ci->runtime);
	cleanup_free char *pidfile = xasprintf("%s/containers/%s/pidfile", ctx->runroot, ci->id);
	cleanup_free char *exits = path_join(ctx->runroot, "exits");
	cleanup_free char *sockets = path_join(ctx->runroot, "socket");
	cleanup_free char *probes = ctr_probe_file(ci);
	cleanup_free char *health = ctr_probe_state_file(ctx, ci->id);
	char **argv = NULL;

	strv_push(&argv, conmon);
	push_opt(&argv, "--cid", ci->id);
	push_opt(&argv, "--name", ci->name);
	push_opt(&argv, "--runtime", ci->runtime);
	push_opt(&argv, "--runtime-root", rroot);
	push_opt(&argv, "--bundle", ci->bundle);
	push_opt(&argv, "--pidfile", pidfile);
	push_opt(&argv, "--log-path", ci->log_path);
	if (ci->spec.log_max_size > 0) {
		char sz[32];

		snprintf(sz, sizeof(sz), "%lld", (long long)ci->spec.log_max_size);
		push_opt(&argv, "--log-max-size", sz);
	}
	push_opt(&argv, "--exit-dir", exits);
	push_opt(&argv, "--socket-dir", sockets);
	push_exit_command(ctx, &argv);
	strv_push(&argv, "--exit-command-arg");
	strv_push(&argv, ci->id);
	push_opt(&argv, "--sync-fd", "3");
	if (io_exists(probes)) {
		/* written by ctr_probe_prepare for this start */
		push_opt(&argv, "--probes", probes);
		push_opt(&argv, "--probe-state", health);
	}
	if (ci->spec.tty)
		strv_push(&argv, "-t");
	if (ci->spec.stdin_open)
		strv_push(&argv, "-i");
	return argv;
}

static int conmon_dirs(struct pea_ctx *ctx, const struct ctr_info *ci, struct pea_err **err)
{
	cleanup_free char *a = path_join(ctx->runroot, "exits");
	cleanup_free char *b = path_join(ctx->runroot, "socket");
	cleanup_free char *c = xasprintf("%s/containers/%s", ctx->runroot, ci->id);
	cleanup_free char *d = ctr_runtime_root(ctx, ci->runtime);

	if (io_mkdir_p(a, 0700, err) < 0 || io_mkdir_p(b, 0700, err) < 0 ||
	    io_mkdir_p(c, 0700, err) < 0 || io_mkdir_p(d, 0700, err) < 0)
		return -1;
	return 0;
}

/* {"pid":N} or {"error":"..."} */
static pid_t parse_report(const struct strbuf *sb, const struct ctr_info *ci,
			  struct pea_err **err)
{
	cleanup_json struct json_object *o = json_tokener_parse(sb->buf);
	struct json_object *v;
	int code;

	if (!o || !json_object_is_type(o, json_type_object))
		return pea_err_set(err, 0, "peapod-conmon exited without reporting the pid of "
				   "container '%s'", ci->name);
	if (json_object_object_get_ex(o, "pid", &v) && json_object_get_int(v) > 0)
		return (pid_t)json_object_get_int(v);
	if (!json_object_object_get_ex(o, "error", &v))
		return pea_err_set(err, 0, "peapod-conmon: unexpected report '%s'", sb->buf);
	code = ctr_runtime_exit_status(json_object_get_string(v));
	if (strstr(json_object_get_string(v), "msg=\"")) {
		cleanup_free char *msg = runtime_message(json_object_get_string(v));

		pea_err_set(err, 0, "%s%s", msg, code == PEA_EXIT_NOT_FOUND ?
			    ": OCI runtime attempted to invoke a command that was not found" :
			    code == PEA_EXIT_CANNOT_INVOKE ? ": OCI permission denied" : "");
	} else {
		pea_err_set(err, 0, "%s", json_object_get_string(v));
	}
	if (err && *err)
		(*err)->exit_status = code ? code : PEA_EXIT_ENGINE;
	return -1;
}

/* conmon is the container init's parent (a child subreaper). */
static pid_t parent_of(pid_t pid)
{
	char path[64];
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	const char *p;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (io_read_file(path, &sb, NULL) < 0 || !(p = strstr(sb.buf, "\nPPid:")))
		return 0;
	if (sscanf(p + 6, "%d", &ppid) != 1)
		return 0;
	return (pid_t)ppid;
}

pid_t ctr_conmon_spawn(struct pea_ctx *ctx, const struct ctr_info *ci, pid_t *conmon_pid,
		       struct pea_err **err)
{
	cleanup_free char *conmon = ctr_helper_path("peapod-conmon", err);
	cleanup_strv char **argv = NULL;
	cleanup_strbuf struct strbuf errb = STRBUF_INIT, rep = STRBUF_INIT;
	struct spawn sp = { .stdio = { -1, -1, -1 }, .keep_fd = -1 };
	int sync[2], pe[2], status;
	pid_t pid, cpid;

	if (!conmon || conmon_dirs(ctx, ci, err) < 0)
		return -1;
	argv = conmon_argv(ctx, ci, conmon);
	if (pipe2(sync, O_CLOEXEC) < 0)
		return pea_err_set(err, errno, "pipe");
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(sync[0]);
		close(sync[1]);
		return pea_err_set(err, errno, "pipe");
	}
	sp.argv = argv;
	sp.stdio[2] = pe[1];
	sp.keep_fd = sync[1];
	pid = spawn(&sp, err);
	close(sync[1]);
	close(pe[1]);
	if (pid > 0) {
		status = wait_status(pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			io_read_fd(pe[0], &errb, NULL);
			strbuf_rtrim(&errb);
			pea_err_set(err, 0, "start peapod-conmon: %s",
				    errb.len ? errb.buf : "failed");
			pid = -1;
		}
	}
	close(pe[0]);
	if (pid > 0 && io_read_fd(sync[0], &rep, err) < 0)
		pid = -1;
	close(sync[0]);
	if (pid < 0)
		return -1;
	cpid = parse_report(&rep, ci, err);
	if (cpid > 0)
		*conmon_pid = parent_of(cpid);
	return cpid;
}
