/* A very small event loop in the manner of redis' ae.c: one epoll set, one
 * callback per fd.  Signals and timers enter it as a signalfd and a timerfd
 * registered by the caller, so no logic ever runs in a signal handler. */
#include "conmon/conmon.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/banned.h"

struct handler {
	int fd;
	conmon_loop_fn fn;
	void *data;
	struct handler *next;
};

struct conmon_loop {
	int epfd;
	bool stop;
	struct handler *handlers; /* a few fds: a list is enough */
};

struct conmon_loop *conmon_loop_new(struct pea_err **err)
{
	struct conmon_loop *loop;
	int epfd = epoll_create1(EPOLL_CLOEXEC);

	if (epfd < 0) {
		pea_err_set(err, errno, "epoll_create1");
		return NULL;
	}
	loop = xcalloc(1, sizeof(*loop));
	loop->epfd = epfd;
	return loop;
}

void conmon_loop_free(struct conmon_loop *loop)
{
	struct handler *h, *next;

	if (!loop)
		return;
	for (h = loop->handlers; h; h = next) {
		next = h->next;
		free(h);
	}
	close(loop->epfd);
	free(loop);
}

int conmon_loop_add(struct conmon_loop *loop, int fd, conmon_loop_fn fn, void *data,
		    struct pea_err **err)
{
	struct handler *h = xcalloc(1, sizeof(*h));
	struct epoll_event ev = { .events = EPOLLIN };

	h->fd = fd;
	h->fn = fn;
	h->data = data;
	ev.data.ptr = h;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(h);
		return pea_err_set(err, errno, "epoll_ctl add fd %d", fd);
	}
	h->next = loop->handlers;
	loop->handlers = h;
	return 0;
}

/* The handler is only unlinked and marked dead here: an event for it may
 * already sit in the array that conmon_loop_run() is walking.  Dead handlers
 * are freed once that batch is done. */
void conmon_loop_del(struct conmon_loop *loop, int fd)
{
	struct handler *h;

	for (h = loop->handlers; h; h = h->next) {
		if (h->fd == fd && h->fn) {
			epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
			h->fn = NULL;
			return;
		}
	}
}

static void sweep(struct conmon_loop *loop)
{
	struct handler **pp = &loop->handlers;

	while (*pp) {
		struct handler *h = *pp;

		if (!h->fn) {
			*pp = h->next;
			free(h);
		} else {
			pp = &h->next;
		}
	}
}

void conmon_loop_stop(struct conmon_loop *loop)
{
	loop->stop = true;
}

int conmon_loop_run(struct conmon_loop *loop, struct pea_err **err)
{
	struct epoll_event evs[8];

	loop->stop = false;
	while (!loop->stop) {
		int i, n = epoll_wait(loop->epfd, evs, 8, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pea_err_set(err, errno, "epoll_wait");
		}
		for (i = 0; i < n; i++) {
			struct handler *h = evs[i].data.ptr;

			if (h->fn)
				h->fn(loop, h->fd, evs[i].events, h->data);
		}
		sweep(loop);
	}
	return 0;
}
