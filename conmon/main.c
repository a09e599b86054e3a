/* peapod-conmon: options, setup and the container's life.
 *
 *   peapod-conmon --cid ID --runtime PATH --bundle DIR --pidfile FILE
 *                 --log-path FILE --exit-dir DIR --socket-dir DIR [options]
 *                 [--probes FILE --probe-state FILE]
 *
 * The process daemonizes (double fork, setsid, stdio on /dev/null), becomes
 * a child subreaper, runs `<runtime> create` with the container's stdio on
 * its own pipes (or a pty received on a console socket with -t), reports
 * {"pid":N} or {"error":"..."} on --sync-fd and then copies the container's
 * output to the log and the attach socket until the container exits.  The
 * caller runs `<runtime> start` once it has read the pid. */
#include "conmon/conmon.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

#ifndef PEAPOD_VERSION
#define PEAPOD_VERSION "0.1.0"
#endif

/* Partial lines are written as P records after this much quiet. */
#define PARTIAL_FLUSH_SECONDS 1

struct strv {
	char **v;   /* NULL-terminated once anything was pushed */
	size_t nr, alloc;
};

struct conmon {
	/* options (strings point into argv) */
	const char *cid, *name, *runtime, *bundle, *pidfile, *log_path;
	const char *exit_dir, *socket_dir, *exit_command, *runtime_root;
	const char *probes_file, *probe_state;
	struct strv runtime_args, exit_args;
	int64_t log_max_size;
	bool terminal, stdin_open;
	int sync_fd;

	/* runtime state */
	pid_t pid;            /* the container's init */
	int status;           /* its wait status once exited */
	bool exited;
	int out[3];           /* read ends: [1] stdout (or pty master), [2] stderr */
	int stdin_w;          /* write end of the container's stdin, or -1 */
	int sfd, tfd;         /* signalfd, timerfd */
	char *oom_probe;
	struct conmon_loop *loop;
	struct conmon_log *log;
	struct conmon_attach *attach;
	struct conmon_probes *probes;   /* NULL without --probes */
};

static void strv_push(struct strv *s, const char *x)
{
	ALLOC_GROW(s->v, s->nr + 2, s->alloc);
	s->v[s->nr++] = (char *)x;
	s->v[s->nr] = NULL;
}

enum {
	OPT_CID = 256, OPT_NAME, OPT_RUNTIME, OPT_RUNTIME_ARG, OPT_BUNDLE, OPT_PIDFILE,
	OPT_LOG_PATH, OPT_LOG_MAX, OPT_EXIT_DIR, OPT_SOCKET_DIR, OPT_EXIT_CMD,
	OPT_EXIT_CMD_ARG, OPT_SYNC_FD, OPT_RUNTIME_ROOT, OPT_VERSION, OPT_PROBES,
	OPT_PROBE_STATE,
};

static const struct option long_opts[] = {
	{ "cid", required_argument, NULL, OPT_CID },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "runtime-arg", required_argument, NULL, OPT_RUNTIME_ARG },
	{ "runtime-root", required_argument, NULL, OPT_RUNTIME_ROOT },
	{ "bundle", required_argument, NULL, OPT_BUNDLE },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "log-path", required_argument, NULL, OPT_LOG_PATH },
	{ "log-max-size", required_argument, NULL, OPT_LOG_MAX },
	{ "exit-dir", required_argument, NULL, OPT_EXIT_DIR },
	{ "socket-dir", required_argument, NULL, OPT_SOCKET_DIR },
	{ "exit-command", required_argument, NULL, OPT_EXIT_CMD },
	{ "exit-command-arg", required_argument, NULL, OPT_EXIT_CMD_ARG },
	{ "sync-fd", required_argument, NULL, OPT_SYNC_FD },
	{ "probes", required_argument, NULL, OPT_PROBES },
	{ "probe-state", required_argument, NULL, OPT_PROBE_STATE },
	{ "terminal", no_argument, NULL, 't' },
	{ "stdin", no_argument, NULL, 'i' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int parse_one(struct conmon *c, int opt, const char *arg, struct pea_err **err)
{
	switch (opt) {
	case OPT_CID: c->cid = arg; break;
	case OPT_NAME: c->name = arg; break;
	case OPT_RUNTIME: c->runtime = arg; break;
	case OPT_RUNTIME_ARG: strv_push(&c->runtime_args, arg); break;
	case OPT_RUNTIME_ROOT: c->runtime_root = arg; break;
	case OPT_BUNDLE: c->bundle = arg; break;
	case OPT_PIDFILE: c->pidfile = arg; break;
	case OPT_LOG_PATH: c->log_path = arg; break;
	case OPT_LOG_MAX:
		return parse_size(arg, &c->log_max_size, "--log-max-size", err);
	case OPT_EXIT_DIR: c->exit_dir = arg; break;
	case OPT_SOCKET_DIR: c->socket_dir = arg; break;
	case OPT_EXIT_CMD: c->exit_command = arg; break;
	case OPT_EXIT_CMD_ARG: strv_push(&c->exit_args, arg); break;
	case OPT_SYNC_FD:
		return parse_int(arg, 3, 1 << 20, &c->sync_fd, "--sync-fd", err);
	case OPT_PROBES: c->probes_file = arg; break;
	case OPT_PROBE_STATE: c->probe_state = arg; break;
	case 't': c->terminal = true; break;
	case 'i': c->stdin_open = true; break;
	default:
		return pea_err_setk(err, PEA_E_INVALID, 0, "unknown option");
	}
	return 0;
}

static int parse_options(struct conmon *c, int argc, char **argv, struct pea_err **err)
{
	const char *missing = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "ti", long_opts, NULL)) != -1) {
		if (opt == OPT_VERSION) {
			printf("peapod-conmon version %s\n", PEAPOD_VERSION);
			exit(0);
		}
		if (opt == '?')
			return pea_err_setk(err, PEA_E_INVALID, 0, "bad option");
		if (parse_one(c, opt, optarg, err) < 0)
			return -1;
	}
	if (optind < argc)
		return pea_err_setk(err, PEA_E_INVALID, 0, "unexpected argument '%s'", argv[optind]);
	missing = !c->cid ? "--cid" : !c->runtime ? "--runtime" : !c->bundle ? "--bundle" :
		  !c->pidfile ? "--pidfile" : !c->log_path ? "--log-path" :
		  !c->exit_dir ? "--exit-dir" : !c->socket_dir ? "--socket-dir" : NULL;
	if (!missing && c->probes_file && !c->probe_state)
		missing = "--probe-state";
	if (missing)
		return pea_err_setk(err, PEA_E_INVALID, 0, "missing option '%s'", missing);
	if (strchr(c->cid, '/') || !strcmp(c->cid, ".") || !strcmp(c->cid, ".."))
		return pea_err_setk(err, PEA_E_INVALID, 0, "bad container id '%s'", c->cid);
	if (c->sync_fd >= 0 && fcntl(c->sync_fd, F_SETFD, FD_CLOEXEC) < 0)
		return pea_err_set(err, errno, "--sync-fd %d", c->sync_fd);
	return 0;
}

/* Report over the sync fd: one JSON line, then the fd is closed. */
static void report(struct conmon *c, const struct pea_err *e)
{
	struct json_object *o;
	const char *s;

	if (c->sync_fd < 0)
		return;
	o = json_object_new_object();
	if (e) {
		cleanup_free char *text = pea_err_text(e);

		json_object_object_add(o, "error", json_object_new_string(text));
	} else {
		json_object_object_add(o, "pid", json_object_new_int(c->pid));
	}
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	if (xwrite_all(c->sync_fd, s, strlen(s)) == 0)
		xwrite_all(c->sync_fd, "\n", 1);
	json_object_put(o);
	close(c->sync_fd);
	c->sync_fd = -1;
}

/* Double fork: the caller's child returns at once, the grandchild (no
 * controlling terminal, own session) is conmon. */
static int daemonize(struct pea_err **err)
{
	int status, devnull;
	pid_t pid = fork();

	if (pid < 0)
		return pea_err_set(err, errno, "fork");
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid != 0)
		_exit(pid < 0 ? 1 : 0);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return pea_err_set(err, errno, "open '/dev/null'");
	dup2(devnull, 0);
	dup2(devnull, 1);
	dup2(devnull, 2);
	close(devnull);
	return 0;
}

static int nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Pipes for the container's stdio; child ends go to `child` (closed by the
 * caller after create).  Read ends are non-blocking, write ends are not:
 * the container must not see EAGAIN. */
static int make_stdio(struct conmon *c, int child[3], struct pea_err **err)
{
	int p[2], i;

	if (c->stdin_open) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return pea_err_set(err, errno, "pipe");
		child[0] = p[0];
		c->stdin_w = p[1];
	} else {
		child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (child[0] < 0)
			return pea_err_set(err, errno, "open '/dev/null'");
	}
	for (i = 1; i <= 2; i++) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return pea_err_set(err, errno, "pipe");
		c->out[i] = p[0];
		child[i] = p[1];
		if (nonblock(p[0]) < 0)
			return pea_err_set(err, errno, "pipe");
	}
	return 0;
}

static void close_child_stdio(int child[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		if (child[i] >= 0)
			close(child[i]);
		child[i] = -1;
	}
}

/* What the runtime printed on stderr before failing (its first lines). */
static void runtime_error(struct conmon *c, int status, struct pea_err **err)
{
	char buf[2048];
	ssize_t n = c->out[2] >= 0 ? read(c->out[2], buf, sizeof(buf) - 1) : -1;
	struct strbuf sb = STRBUF_INIT;

	if (n > 0) {
		strbuf_add(&sb, buf, (size_t)n);
		strbuf_rtrim(&sb);
	}
	pea_err_set(err, 0, "runtime '%s' create failed with status %d%s%s", c->runtime,
		    conmon_exit_code(status), sb.len ? ": " : "", sb.buf);
	strbuf_release(&sb);
}

static int create_container(struct conmon *c, struct pea_err **err)
{
	int child[3] = { -1, -1, -1 }, status;
	cleanup_close int console = -1;
	cleanup_free char *console_path = NULL;
	char console_dir[] = "/tmp/peapod-console-XXXXXX";
	bool own_dir = false;
	struct conmon_create cr = {
		.runtime = c->runtime, .runtime_args = (const char *const *)c->runtime_args.v,
		.root = c->runtime_root, .bundle = c->bundle, .pidfile = c->pidfile,
		.cid = c->cid,
	};

	if (make_stdio(c, child, err) < 0)
		goto fail;
	if (c->terminal) {
		console_path = xasprintf("%s/%s/console.sock", c->socket_dir, c->cid);
		/* The runtime connects by path, so it must fit sun_path: else use
		 * a private (0700) directory with a short name. */
		if (strlen(console_path) >= 100 && mkdtemp(console_dir)) {
			free(console_path);
			console_path = xasprintf("%s/c", console_dir);
			own_dir = true;
		}
		console = conmon_runtime_console_listen(console_path, err);
		if (console < 0)
			goto fail;
		cr.console_socket = console_path;
	}
	memcpy(cr.stdio, child, sizeof(child));
	status = conmon_runtime_create(&cr, err);
	close_child_stdio(child);
	if (console_path)
		unlink(console_path);
	if (own_dir)
		rmdir(console_dir);
	if (status < 0)
		return -1;
	if (status != 0) {
		runtime_error(c, status, err);
		return -1;
	}
	if (c->terminal) {
		int master = conmon_runtime_console_recv(console, err);

		if (master < 0 || nonblock(master) < 0)
			return pea_err_wrap(err, "terminal");
		close(c->out[1]);
		c->out[1] = master;
		if (c->stdin_w >= 0)
			close(c->stdin_w);
		c->stdin_w = c->stdin_open ? dup(master) : -1;
	}
	return conmon_runtime_read_pid(c->pidfile, &c->pid, err);
fail:
	close_child_stdio(child);
	if (own_dir) {
		unlink(console_path);
		rmdir(console_dir);
	}
	return -1;
}

/* ---- the running container ----------------------------------------- */

static void arm_flush_timer(struct conmon *c)
{
	struct itimerspec its = { .it_value = { PARTIAL_FLUSH_SECONDS, 0 } };

	timerfd_settime(c->tfd, 0, &its, NULL);
}

/* One read: returns 1 after data, 0 when the pipe is empty for now, -1
 * once it is done (EOF or error; the fd is closed). */
static int pump(struct conmon *c, int i)
{
	char buf[CONMON_LOG_LINE_MAX];
	ssize_t n = read(c->out[i], buf, sizeof(buf));
	enum conmon_stream s = i == 2 ? CONMON_STDERR : CONMON_STDOUT;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) { /* EOF, or EIO from a pty whose other side is gone */
		conmon_loop_del(c->loop, c->out[i]);
		close(c->out[i]);
		c->out[i] = -1;
		return -1;
	}
	conmon_log_write(c->log, s, buf, (size_t)n, NULL); /* best effort: keep running */
	conmon_attach_broadcast(c->attach, s, buf, (size_t)n);
	if (conmon_log_pending(c->log))
		arm_flush_timer(c);
	return 1;
}

static void on_output(struct conmon_loop *loop, int fd, uint32_t mask, void *data)
{
	struct conmon *c = data;

	pump(c, fd == c->out[2] ? 2 : 1);
}

/* After the container exited: take everything still in the pipes. */
static void drain(struct conmon *c)
{
	int i;

	for (i = 1; i <= 2; i++)
		while (c->out[i] >= 0 && pump(c, i) > 0)
			;
}

static void on_timer(struct conmon_loop *loop, int fd, uint32_t mask, void *data)
{
	struct conmon *c = data;
	uint64_t ticks;

	if (read(fd, &ticks, sizeof(ticks)) < 0)
		return;
	conmon_log_flush(c->log, NULL);
}

static void reap(struct conmon *c)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == c->pid) {
			c->status = status;
			c->exited = true;
		} else {
			conmon_probes_reaped(c->probes, pid, status);
		}
	}
}

static void on_signal(struct conmon_loop *loop, int fd, uint32_t mask, void *data)
{
	struct conmon *c = data;
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	if (si.ssi_signo == SIGCHLD) {
		reap(c);
	} else if (c->pid > 0) {
		kill(c->pid, (int)si.ssi_signo); /* forwarded: SIGTERM, SIGINT, SIGHUP */
	}
	if (c->exited)
		conmon_loop_stop(loop);
}

static int setup_loop(struct conmon *c, struct pea_err **err)
{
	cleanup_free char *dir = path_join(c->socket_dir, c->cid);
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return pea_err_set(err, errno, "block signals");
	signal(SIGPIPE, SIG_IGN);
	c->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (c->sfd < 0)
		return pea_err_set(err, errno, "signalfd");
	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (c->tfd < 0)
		return pea_err_set(err, errno, "timerfd");
	c->loop = conmon_loop_new(err);
	if (!c->loop || conmon_loop_add(c->loop, c->sfd, on_signal, c, err) < 0 ||
	    conmon_loop_add(c->loop, c->tfd, on_timer, c, err) < 0)
		return -1;
	c->log = conmon_log_open(c->log_path, c->log_max_size, err);
	if (!c->log)
		return -1;
	if (io_mkdir_p(dir, 0700, err) < 0)
		return -1;
	return 0;
}

/* Setup: everything that may fail and be reported to the caller. */
static int setup(struct conmon *c, struct pea_err **err)
{
	cleanup_free char *dir = path_join(c->socket_dir, c->cid);
	int i;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return pea_err_set(err, errno, "become child subreaper");
	if (setup_loop(c, err) < 0)
		return -1;
	if (c->probes_file &&
	    !(c->probes = conmon_probes_new(c->loop, c->probes_file, c->probe_state, err)))
		return -1;
	if (create_container(c, err) < 0)
		return -1;
	c->attach = conmon_attach_new(c->loop, dir, c->stdin_w, err);
	if (!c->attach)
		return -1;
	c->stdin_w = -1; /* owned by attach now */
	for (i = 1; i <= 2; i++)
		if (c->out[i] >= 0 && conmon_loop_add(c->loop, c->out[i], on_output, c, err) < 0)
			return -1;
	c->oom_probe = conmon_exit_oom_probe_path(c->pid);
	return 0;
}

static void finish(struct conmon *c)
{
	int code = conmon_exit_code(c->status);
	struct pea_err *err = NULL;

	conmon_probes_container_exited(c->probes);
	drain(c);
	conmon_log_flush(c->log, NULL);
	if (conmon_exit_write(c->exit_dir, c->cid, code, conmon_exit_oom_killed(c->oom_probe),
			      &err) < 0)
		pea_err_free(steal_ptr(err));
	if (c->exit_command) {
		struct strv argv = { 0 };
		size_t i;

		strv_push(&argv, c->exit_command);
		for (i = 0; i < c->exit_args.nr; i++)
			strv_push(&argv, c->exit_args.v[i]);
		if (conmon_exit_command(argv.v, &err) < 0)
			pea_err_free(steal_ptr(err));
		free(argv.v);
	}
	reap(c); /* anything the runtime left behind */
}

static void release(struct conmon *c)
{
	cleanup_free char *sock = NULL;
	int i;

	if (c->attach) {
		sock = xasprintf("%s/%s/attach", c->socket_dir, c->cid);
		unlink(sock);
	}
	conmon_attach_free(c->attach);
	conmon_probes_free(c->probes);
	for (i = 1; i <= 2; i++)
		if (c->out[i] >= 0)
			close(c->out[i]);
	if (c->stdin_w >= 0)
		close(c->stdin_w);
	conmon_log_close(c->log);
	conmon_loop_free(c->loop);
	if (c->sfd >= 0)
		close(c->sfd);
	if (c->tfd >= 0)
		close(c->tfd);
	free(c->oom_probe);
	free(c->runtime_args.v);
	free(c->exit_args.v);
}

int main(int argc, char **argv)
{
	struct conmon c = { .sync_fd = -1, .out = { -1, -1, -1 }, .stdin_w = -1,
			    .sfd = -1, .tfd = -1 };
	struct pea_err *err = NULL;
	int ret = 0;

	if (parse_options(&c, argc, argv, &err) < 0 || daemonize(&err) < 0) {
		cleanup_free char *text = pea_err_text(err);

		fprintf(stderr, "peapod-conmon: %s\n", text);
		ret = err && err->kind == PEA_E_INVALID ? 2 : 1;
		pea_err_free(err);
		release(&c);
		return ret;
	}
	if (setup(&c, &err) < 0) {
		pea_err_wrap(&err, "container '%s'", c.cid);
		report(&c, err);
		pea_err_free(err);
		release(&c);
		return 1;
	}
	report(&c, NULL);
	if (c.probes)
		conmon_probes_start(c.probes, c.pid);
	/* Setup ends here: from now on conmon must not exit before the container
	 * has exited and its exit code is written, whatever fails. */
	reap(&c); /* the container may be gone before the loop starts */
	while (!c.exited) {
		if (conmon_loop_run(c.loop, &err) < 0) {
			pea_err_free(steal_ptr(err));
			sleep(1);
			reap(&c);
		}
	}
	finish(&c);
	release(&c);
	return ret;
}
