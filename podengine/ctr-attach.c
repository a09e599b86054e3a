/* `attach` and the output relay of `run`/`start -a`: conmon's attach socket
 * to our stdio.  Packets from conmon carry a stream byte (1 stdout, 2
 * stderr); ours carry 0 + stdin data, and a lone 0 closes the container's
 * stdin. */
#include "podengine/ctr-attach.h"
#include "podengine/container.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "base/banned.h"

#define PKT_MAX 8192          /* conmon reads stdin packets of 1 + 8192 bytes */
#define KEY_CTRL_P 0x10
#define KEY_CTRL_Q 0x11

int ctr_attach_connect(struct pea_ctx *ctx, const char *id, struct pea_err **err)
{
	cleanup_free char *dir = xasprintf("%s/socket/%s", ctx->runroot, id);
	cleanup_close int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	cleanup_close int fd = -1;
	int big = 4 << 20;

	if (dfd < 0)
		return pea_err_set(err, errno, "attach socket directory '%s'", dir);
	/* through /proc: the run root may make the path longer than sun_path */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/proc/self/fd/%d/attach", dfd);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return pea_err_set(err, errno, "attach socket");
	/* conmon drops packets for clients that fall behind: make room */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return pea_err_set(err, errno, "connect to '%s/attach'", dir);
	return steal_fd(fd);
}

struct relay {
	struct pea_ctx *ctx;
	const struct ctr_relay_opts *o;
	int sock, sfd, ifd;
	bool stdin_done, held_ctrl_p;
};

static void read_exit_file(struct relay *r)
{
	cleanup_free char *p = xasprintf("%s/exits/%s", r->ctx->runroot, r->o->exit_id);
	struct strbuf sb = STRBUF_INIT;
	char *end;
	long v;

	if (*r->o->exit_code >= 0 || io_read_file(p, &sb, NULL) < 0) {
		strbuf_release(&sb);
		return;
	}
	v = strtol(sb.buf, &end, 10);
	if (end != sb.buf && v >= 0 && v <= 255)
		*r->o->exit_code = (int)v;
	strbuf_release(&sb);
}

static void on_inotify(struct relay *r)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(r->ifd, buf, sizeof(buf)) > 0)
		;
	read_exit_file(r);
}

static int send_stdin(int sock, const char *data, size_t len, struct pea_err **err)
{
	char pkt[PKT_MAX + 1];

	pkt[0] = 0;
	while (len > 0 || !data) {
		size_t k = len > PKT_MAX ? PKT_MAX : len;

		if (data)
			memcpy(pkt + 1, data, k);
		if (send(sock, pkt, k + 1, MSG_NOSIGNAL) < 0 && errno != EPIPE &&
		    errno != ECONNRESET)
			return pea_err_set(err, errno, "send to attach socket");
		if (!data)
			return 0;
		data += k;
		len -= k;
	}
	return 0;
}

/* Returns 1 on detach keys, 0 otherwise. */
static int on_stdin(struct relay *r, struct pea_err **err)
{
	char buf[PKT_MAX], out[PKT_MAX + 1];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	size_t i, k = 0;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		r->stdin_done = true;
		return send_stdin(r->sock, NULL, 0, err);
	}
	if (!r->o->tty)
		return send_stdin(r->sock, buf, (size_t)n, err);
	for (i = 0; i < (size_t)n; i++) {
		if (r->held_ctrl_p) {
			r->held_ctrl_p = false;
			if (buf[i] == KEY_CTRL_Q)
				return 1;
			out[k++] = KEY_CTRL_P;
		}
		if (buf[i] == KEY_CTRL_P)
			r->held_ctrl_p = true;
		else
			out[k++] = buf[i];
	}
	return k ? send_stdin(r->sock, out, k, err) : 0;
}

/* Returns 1 when the socket closed. */
static int on_socket(struct relay *r, struct pea_err **err)
{
	char buf[65536];
	ssize_t n = recv(r->sock, buf, sizeof(buf), 0);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0 && errno != ECONNRESET)
		return pea_err_set(err, errno, "read attach socket");
	if (n <= 0)
		return 1;
	if (n > 1 && (buf[0] == 1 || buf[0] == 2) &&
	    xwrite_all(buf[0] == 2 ? STDERR_FILENO : STDOUT_FILENO, buf + 1, (size_t)n - 1) < 0 &&
	    errno != EPIPE)
		return pea_err_set(err, errno, "write container output");
	return 0;
}

static void on_signal(struct relay *r)
{
	struct signalfd_siginfo si;
	struct pea_err *e = NULL;

	if (xread(r->sfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return;
	if (ctr_kill(r->ctx, r->o->sig_proxy, (int)si.ssi_signo, &e) < 0) {
		cleanup_free char *t = pea_err_text(e);

		log_debug(&r->ctx->log, "forward signal %u: %s", si.ssi_signo, t);
		pea_err_free(e);
	}
}

static int relay_loop(struct relay *r, struct pea_err **err)
{
	for (;;) {
		struct pollfd p[4] = {
			{ .fd = r->sock, .events = POLLIN },
			{ .fd = r->o->stdin_open && !r->stdin_done ? STDIN_FILENO : -1,
			  .events = POLLIN },
			{ .fd = r->sfd, .events = POLLIN },
			{ .fd = r->ifd, .events = POLLIN },
		};
		int rc;

		if (poll(p, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return pea_err_set(err, errno, "poll");
		}
		if (p[2].revents & POLLIN)
			on_signal(r);
		if (p[3].revents & POLLIN)
			on_inotify(r);
		if (p[0].revents) {
			rc = on_socket(r, err);
			if (rc != 0)
				return rc < 0 ? -1 : 0;
		}
		if (p[1].revents) {
			rc = on_stdin(r, err);
			if (rc != 0)
				return rc;
		}
	}
}

int ctr_attach_relay(struct pea_ctx *ctx, int attach_fd, const struct ctr_relay_opts *o,
		     struct pea_err **err)
{
	struct relay r = { .ctx = ctx, .o = o, .sock = attach_fd, .sfd = -1, .ifd = -1 };
	struct termios saved, raw;
	bool restore_tty = false;
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	if (o->sig_proxy) {
		int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
		size_t i;

		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaddset(&set, sigs[i]);
		sigprocmask(SIG_BLOCK, &set, &old);
		r.sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	}
	if (o->tty && o->stdin_open && isatty(STDIN_FILENO) &&
	    tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag = saved.c_oflag; /* keep \n -> \r\n: the pty already did it */
		restore_tty = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	if (o->exit_id && o->exit_code) {
		cleanup_free char *dir = xasprintf("%s/exits", ctx->runroot);

		*o->exit_code = -1;
		r.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (r.ifd >= 0 && inotify_add_watch(r.ifd, dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
			close(r.ifd);
			r.ifd = -1;
		}
		read_exit_file(&r);
	}
	rc = relay_loop(&r, err);
	if (r.ifd >= 0) {
		on_inotify(&r);
		close(r.ifd);
	}
	if (restore_tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (r.sfd >= 0) {
		close(r.sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return rc;
}

int ctr_attach_stdio(struct pea_ctx *ctx, int attach_fd, bool stdin_open, bool tty,
		     struct pea_err **err)
{
	struct ctr_relay_opts o = { .stdin_open = stdin_open, .tty = tty };

	return ctr_attach_relay(ctx, attach_fd, &o, err) < 0 ? -1 : 0;
}

int ctr_attach(struct pea_ctx *ctx, const char *name, bool no_stdin, struct pea_err **err)
{
	struct ctr_info ci = { 0 };
	struct ctr_relay_opts o = { 0 };
	cleanup_close int fd = -1;
	int rc, code = 0;

	if (ctr_lookup(ctx, name, &ci, err) < 0)
		return -1;
	if (ci.state != CTR_RUNNING) {
		pea_err_setk(err, PEA_E_INVALID, 0,
			     "you can only attach to running containers: '%s' is %s", name,
			     ctr_state_name(ci.state));
		ctr_info_release(&ci);
		return -1;
	}
	o.stdin_open = !no_stdin && ci.spec.stdin_open;
	o.tty = ci.spec.tty;
	o.sig_proxy = ci.id;
	fd = ctr_attach_connect(ctx, ci.id, err);
	rc = fd < 0 ? -1 : ctr_attach_relay(ctx, fd, &o, err);
	if (rc == 0 && ctr_wait(ctx, ci.id, &code, NULL) < 0)
		code = 0; /* removed meanwhile (--rm) */
	ctr_info_release(&ci);
	if (rc < 0)
		return pea_err_wrap(err, "attach to '%s'", name);
	return rc == 1 ? 0 : code;
}
