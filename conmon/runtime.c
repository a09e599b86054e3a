/* Spawning `<runtime> create`.  The runtime's stdio is the container's stdio
 * (the pipes conmon reads), so the container inherits it and the runtime's
 * own error messages end up on the stderr pipe, where conmon picks them up
 * when create fails.  Between fork() and exec() the child makes only
 * async-signal-safe calls and reports a failure as {step, errno} over a
 * CLOEXEC pipe, as git's run-command does. */
#include "conmon/conmon.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

enum child_step { STEP_SIGNALS = 1, STEP_STDIO, STEP_EXEC };

struct child_report {
	int step;
	int errnum;
};

static char **build_argv(const struct conmon_create *c)
{
	char **argv = NULL;
	size_t nr = 0, alloc = 0;
	const char *const *a;

#define PUSH(s) do { ALLOC_GROW(argv, nr + 1, alloc); argv[nr++] = xstrdup(s); } while (0)
	PUSH(c->runtime);
	for (a = c->runtime_args; a && *a; a++)
		PUSH(*a);
	if (c->root) {
		PUSH("--root");
		PUSH(c->root);
	}
	PUSH("create");
	PUSH("--bundle");
	PUSH(c->bundle);
	PUSH("--pid-file");
	PUSH(c->pidfile);
	if (c->console_socket) {
		PUSH("--console-socket");
		PUSH(c->console_socket);
	}
	PUSH(c->cid);
#undef PUSH
	ALLOC_GROW(argv, nr + 1, alloc);
	argv[nr] = NULL;
	return argv;
}

static void __attribute__((noreturn)) child_fail(int report_fd, int step)
{
	struct child_report r = { step, errno };

	xwrite_all(report_fd, &r, sizeof(r));
	_exit(127);
}

/* Runs in the forked child: async-signal-safe calls only. */
static void __attribute__((noreturn)) child(const struct conmon_create *c, char **argv,
					    int report_fd)
{
	sigset_t none;
	int i;

	sigemptyset(&none);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		child_fail(report_fd, STEP_SIGNALS);
	for (i = 0; i < 3; i++) {
		if (c->stdio[i] == i) {
			if (fcntl(i, F_SETFD, 0) < 0)
				child_fail(report_fd, STEP_STDIO);
		} else if (dup2(c->stdio[i], i) < 0) {
			child_fail(report_fd, STEP_STDIO);
		}
	}
	execvp(argv[0], argv);
	child_fail(report_fd, STEP_EXEC);
}

static int wait_child(pid_t pid, int *status, struct pea_err **err)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR)
			return pea_err_set(err, errno, "wait for runtime");
	}
	return 0;
}

int conmon_runtime_create(const struct conmon_create *c, struct pea_err **err)
{
	cleanup_strv char **argv = build_argv(c);
	struct child_report r;
	int p[2], status = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return pea_err_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return pea_err_set(err, errno, "fork");
	}
	if (pid == 0)
		child(c, argv, p[1]);
	close(p[1]);
	n = xread_full(p[0], &r, sizeof(r));
	close(p[0]);
	if (wait_child(pid, &status, err) < 0)
		return -1;
	if (n == (ssize_t)sizeof(r)) {
		if (r.step == STEP_EXEC)
			return pea_err_set(err, r.errnum, "exec runtime '%s'", c->runtime);
		return pea_err_set(err, r.errnum, "set up runtime '%s' (step %d)", c->runtime,
				   r.step);
	}
	return status;
}

int conmon_runtime_read_pid(const char *pidfile, pid_t *pid, struct pea_err **err)
{
	struct strbuf sb = STRBUF_INIT;
	int v = 0;

	if (io_read_file(pidfile, &sb, err) < 0)
		return -1;
	strbuf_rtrim(&sb);
	if (parse_int(sb.buf, 1, 1 << 22, &v, "container pid", err) < 0) {
		strbuf_release(&sb);
		return pea_err_wrap(err, "pid file '%s'", pidfile);
	}
	strbuf_release(&sb);
	*pid = v;
	return 0;
}

int conmon_runtime_console_listen(const char *path, struct pea_err **err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	cleanup_close int sock = -1;

	if (strlen(path) >= sizeof(sun.sun_path))
		return pea_err_set(err, ENAMETOOLONG, "console socket '%s'", path);
	memcpy(sun.sun_path, path, strlen(path) + 1);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sock < 0)
		return pea_err_set(err, errno, "console socket");
	unlink(path);
	if (bind(sock, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(sock, 1) < 0)
		return pea_err_set(err, errno, "listen on console socket '%s'", path);
	return steal_fd(sock);
}

/* The runtime connected and sent the pty master before `create` exited, so
 * the connection is already queued: no waiting needed here. */
int conmon_runtime_console_recv(int listen_fd, struct pea_err **err)
{
	cleanup_close int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	char data[256], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (conn < 0)
		return pea_err_set(err, errno, "accept on console socket");
	if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0)
		return pea_err_set(err, errno, "receive console fd");
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return pea_err_set(err, 0, "runtime sent no console fd");
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}
