/* par_each: items in forked children (see parallel.h). */
#include "podengine/parallel.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/banned.h"

struct child {
	pid_t pid;
	int fd;          /* read end: the error text, empty on success */
};

static void run_child(struct pea_ctx *ctx, size_t i, int fd,
		      int (*fn)(struct pea_ctx *, size_t, void *, struct pea_err **), void *arg)
{
	struct pea_err *e = NULL;
	int rc;

	/* the parent's SQLite connection must not be used here: forget it
	 * (never closed: that would touch the parent's locks) */
	ctx->state = NULL;
	rc = fn(ctx, i, arg, &e);
	if (rc < 0) {
		cleanup_free char *text = e ? pea_err_text(e) : xstrdup("failed");

		xwrite_all(fd, text, strlen(text));
	}
	_exit(rc < 0 ? 1 : 0);
}

static void collect(struct child *c, size_t i, struct pea_err **first, size_t *first_i)
{
	struct strbuf sb = STRBUF_INIT;
	int status = 0;

	io_read_fd(c->fd, &sb, NULL);
	close(c->fd);
	while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR)
		;
	if ((!WIFEXITED(status) || WEXITSTATUS(status)) && (!*first || i < *first_i)) {
		pea_err_free(*first);
		*first = NULL;
		pea_err_set(first, 0, "%s", sb.len ? sb.buf : "a child process failed");
		*first_i = i;
	}
	strbuf_release(&sb);
}

int par_each(struct pea_ctx *ctx, size_t n,
	     int (*fn)(struct pea_ctx *, size_t, void *, struct pea_err **), void *arg,
	     struct pea_err **err)
{
	cleanup_free struct child *kids = NULL;
	struct pea_err *first = NULL;
	size_t i, started = 0, first_i = 0;

	if (n <= 1)
		return n ? fn(ctx, 0, arg, err) : 0;
	kids = xcalloc(n, sizeof(*kids));
	fflush(NULL);
	for (i = 0; i < n; i++) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0)
			break;
		kids[i].pid = fork();
		if (kids[i].pid == 0) {
			close(p[0]);
			run_child(ctx, i, p[1], fn, arg);
		}
		close(p[1]);
		if (kids[i].pid < 0) {
			close(p[0]);
			break;
		}
		kids[i].fd = p[0];
		started++;
	}
	for (i = 0; i < started; i++)
		collect(&kids[i], i, &first, &first_i);
	if (started < n && !first)
		pea_err_set(&first, errno, "fork");
	if (first)
		return pea_err_pass(err, first);
	return 0;
}
