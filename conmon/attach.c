/* The attach socket: a SOCK_SEQPACKET unix socket at DIR/attach.  Every
 * client receives each chunk of container output as one packet whose first
 * byte names the stream (1 stdout, 2 stderr).  A client may send packets
 * whose first byte is 0: the rest goes to the container's stdin (when conmon
 * runs with -i); a packet holding only the 0 byte closes stdin.
 *
 * Output is sent with MSG_DONTWAIT: a client that does not keep up loses
 * packets rather than stall the log writer. */
#include "conmon/conmon.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/banned.h"

struct conmon_attach {
	struct conmon_loop *loop;
	int listen_fd;
	int stdin_fd;      /* container stdin, or -1; owned */
	int *clients;
	size_t nr, alloc;
};

static void drop_client(struct conmon_attach *a, size_t i)
{
	conmon_loop_del(a->loop, a->clients[i]);
	close(a->clients[i]);
	a->clients[i] = a->clients[--a->nr];
}

static void on_client(struct conmon_loop *loop, int fd, uint32_t mask, void *data)
{
	struct conmon_attach *a = data;
	char buf[CONMON_LOG_LINE_MAX + 1];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	size_t i;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0 && buf[0] == CONMON_STDIN && a->stdin_fd >= 0) {
		if (n == 1 || xwrite_all(a->stdin_fd, buf + 1, (size_t)n - 1) < 0) {
			close(a->stdin_fd);
			a->stdin_fd = -1;
		}
		return;
	}
	if (n > 0)
		return; /* unknown packet: ignored */
	for (i = 0; i < a->nr; i++) {
		if (a->clients[i] == fd) {
			drop_client(a, i);
			return;
		}
	}
}

/* Take every client waiting in the backlog. */
static void accept_pending(struct conmon_attach *a)
{
	int c;

	while ((c = accept4(a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (conmon_loop_add(a->loop, c, on_client, a, NULL) < 0) {
			close(c);
			continue;
		}
		ALLOC_GROW(a->clients, a->nr + 1, a->alloc);
		a->clients[a->nr++] = c;
	}
}

static void on_accept(struct conmon_loop *loop, int fd, uint32_t mask, void *data)
{
	(void)loop;
	(void)fd;
	(void)mask;
	accept_pending(data);
}

/* Bind through /proc/self/fd/N/attach: DIR may be longer than sun_path. */
static int bind_in_dir(int sock, const char *dir, struct pea_err **err)
{
	cleanup_close int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (dfd < 0)
		return pea_err_set(err, errno, "open '%s'", dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/proc/self/fd/%d/attach", dfd);
	unlinkat(dfd, "attach", 0);
	if (bind(sock, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return pea_err_set(err, errno, "bind '%s/attach'", dir);
	return 0;
}

struct conmon_attach *conmon_attach_new(struct conmon_loop *loop, const char *dir, int stdin_fd,
					struct pea_err **err)
{
	struct conmon_attach *a = xcalloc(1, sizeof(*a));

	a->loop = loop;
	a->stdin_fd = -1;
	a->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->listen_fd < 0) {
		pea_err_set(err, errno, "attach socket");
		goto fail;
	}
	if (io_mkdir_p(dir, 0700, err) < 0 || bind_in_dir(a->listen_fd, dir, err) < 0)
		goto fail;
	if (listen(a->listen_fd, 16) < 0) {
		pea_err_set(err, errno, "listen on '%s/attach'", dir);
		goto fail;
	}
	if (conmon_loop_add(loop, a->listen_fd, on_accept, a, err) < 0)
		goto fail;
	a->stdin_fd = stdin_fd; /* owned from here on */
	return a;
fail:
	if (a->listen_fd >= 0)
		close(a->listen_fd);
	free(a);
	return NULL;
}

void conmon_attach_broadcast(struct conmon_attach *a, enum conmon_stream stream,
			     const char *data, size_t len)
{
	unsigned char tag = (unsigned char)stream;
	struct iovec iov[2] = { { &tag, 1 }, { (void *)data, len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t i = 0;

	/* `run` connects before the container starts, but its connection may
	 * still wait in the backlog when the first output arrives (both ready
	 * in one epoll round, output first): take it now, or that output is
	 * lost to it. */
	if (a)
		accept_pending(a);
	while (a && i < a->nr) {
		if (sendmsg(a->clients[i], &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && errno != EINTR) {
			drop_client(a, i);
			continue;
		}
		i++;
	}
}

void conmon_attach_free(struct conmon_attach *a)
{
	if (!a)
		return;
	while (a->nr)
		drop_client(a, a->nr - 1);
	if (a->listen_fd >= 0) {
		conmon_loop_del(a->loop, a->listen_fd);
		close(a->listen_fd);
	}
	if (a->stdin_fd >= 0)
		close(a->stdin_fd);
	free(a->clients);
	free(a);
}
