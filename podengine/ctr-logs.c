/* `logs`: read the k8s-file log conmon writes (see ctr-logs.h), filter by
 * time and count, and follow it across rotations until the container stops. */
#include "podengine/ctr-logs.h"
#include "podengine/container.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

#define NSEC 1000000000LL

static int write_line(const struct ctr_logs_opts *o, const struct ctr_log_line *l,
		      struct pea_err **err)
{
	struct strbuf sb = STRBUF_INIT;
	int fd = l->is_stderr ? STDERR_FILENO : STDOUT_FILENO, rc = 0;

	if (o->prefix)
		strbuf_addstr(&sb, o->prefix);
	if (o->timestamps)
		strbuf_addf(&sb, "%s ", l->ts_text);
	strbuf_add(&sb, l->text.buf, l->text.len);
	if (l->complete)
		strbuf_addch(&sb, '\n');
	if (xwrite_all(fd, sb.buf, sb.len) < 0)
		rc = pea_err_set(err, errno, "write logs");
	strbuf_release(&sb);
	return rc;
}

static int print_lines(const struct ctr_logs_opts *o, struct ctr_log_line *lines, size_t n,
		       bool stop_after_until, bool *past_until, struct pea_err **err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (o->since && lines[i].ts < o->since)
			continue;
		if (o->until && lines[i].ts > o->until) {
			*past_until = stop_after_until;
			continue;
		}
		if (write_line(o, &lines[i], err) < 0)
			return -1;
	}
	return 0;
}

static void free_lines(struct ctr_log_line *lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ctr_log_line_release(&lines[i]);
	free(lines);
}

/* Follow state: the open current log and the unparsed tail of what was read. */
struct follower {
	int fd;
	ino_t ino;
	struct strbuf buf;
	struct ctr_log_joiner j;
};

/* Read what is new in f->fd into lines. */
static int drain_fd(struct follower *f, struct ctr_log_line **lines, size_t *n, size_t *alloc,
		    struct pea_err **err)
{
	char tmp[65536];
	ssize_t r;
	size_t used;

	while ((r = xread(f->fd, tmp, sizeof(tmp))) > 0)
		strbuf_add(&f->buf, tmp, (size_t)r);
	if (r < 0)
		return pea_err_set(err, errno, "read log");
	used = ctr_log_joiner_feed_buffer(&f->j, f->buf.buf, f->buf.len, lines, n, alloc);
	memmove(f->buf.buf, f->buf.buf + used, f->buf.len - used);
	strbuf_setlen(&f->buf, f->buf.len - used);
	return 0;
}

/* The log was renamed to PATH.1 and a new one started: finish the old fd and
 * switch.  Returns 1 when switched. */
static int check_rotation(struct follower *f, const char *path, struct ctr_log_line **lines,
			  size_t *n, size_t *alloc, struct pea_err **err)
{
	struct stat st;
	int fd;

	if (stat(path, &st) < 0 || st.st_ino == f->ino)
		return 0;
	if (drain_fd(f, lines, n, alloc, err) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(f->fd);
	f->fd = fd;
	f->ino = st.st_ino;
	strbuf_reset(&f->buf);
	return 1;
}

static bool ctr_still_running(struct pea_ctx *ctx, const char *name)
{
	struct ctr_info ci = { 0 };
	struct pea_err *e = NULL;
	bool running;

	if (ctr_lookup(ctx, name, &ci, &e) < 0) {
		pea_err_free(e);
		return false;
	}
	if (ctr_sync(ctx, &ci, &e) < 0)
		pea_err_free(e);
	running = ci.state == CTR_RUNNING || ci.state == CTR_STOPPING;
	ctr_info_release(&ci);
	return running;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NSEC + ts.tv_nsec;
}

static int follow(struct pea_ctx *ctx, const char *name, const char *path, struct follower *f,
		  const struct ctr_logs_opts *o, struct pea_err **err)
{
	bool past_until = false, stopping = false;
	int ticks = 0;

	for (;;) {
		struct ctr_log_line *lines = NULL;
		size_t n = 0, alloc = 0;
		int rc = drain_fd(f, &lines, &n, &alloc, err);

		if (rc == 0 && check_rotation(f, path, &lines, &n, &alloc, err) < 0)
			rc = -1;
		if (rc == 0 && stopping)
			ctr_log_joiner_take_all(&f->j, &lines, &n, &alloc);
		if (rc == 0)
			rc = print_lines(o, lines, n, true, &past_until, err);
		free_lines(lines, n);
		if (rc < 0)
			return -1;
		if (stopping || past_until || (o->until && now_ns() > o->until))
			return 0;
		if (n == 0 && ++ticks % 5 == 0 && !ctr_still_running(ctx, name))
			stopping = true; /* one more drain, then stop */
		else
			poll(NULL, 0, 100);
	}
}

/* Lines of PATH.1 then PATH; leaves the fd of PATH open in f for following. */
static int read_all(const char *path, struct follower *f, struct ctr_log_line **lines,
		    size_t *n, size_t *alloc, struct pea_err **err)
{
	cleanup_free char *old = xasprintf("%s.1", path);
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	if (io_read_file(old, &sb, NULL) == 0)
		ctr_log_joiner_feed_buffer(&f->j, sb.buf, sb.len, lines, n, alloc);
	strbuf_release(&sb);
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		if (errno == ENOENT)
			return 0;
		return pea_err_set(err, errno, "open log '%s'", path);
	}
	if (fstat(f->fd, &st) == 0)
		f->ino = st.st_ino;
	return drain_fd(f, lines, n, alloc, err);
}

int ctr_logs(struct pea_ctx *ctx, const char *name, const struct ctr_logs_opts *opts,
	     struct pea_err **err)
{
	struct ctr_info ci = { 0 };
	struct follower f = { .fd = -1, .buf = STRBUF_INIT };
	struct ctr_log_line *lines = NULL;
	size_t n = 0, alloc = 0;
	bool dummy = false;
	int rc;

	if (ctr_lookup(ctx, name, &ci, err) < 0)
		return -1;
	ctr_log_joiner_init(&f.j);
	rc = read_all(ci.log_path, &f, &lines, &n, &alloc, err);
	if (rc == 0 && !opts->follow)
		ctr_log_joiner_take_all(&f.j, &lines, &n, &alloc);
	if (rc == 0) {
		ctr_log_filter(lines, &n, opts->since, opts->until, opts->tail);
		rc = print_lines(opts, lines, n, false, &dummy, err);
	}
	free_lines(lines, n);
	if (rc == 0 && opts->follow && f.fd < 0)
		f.fd = open(ci.log_path, O_RDONLY | O_CLOEXEC);
	if (rc == 0 && opts->follow && f.fd >= 0)
		rc = follow(ctx, ci.id, ci.log_path, &f, opts, err);
	if (f.fd >= 0)
		close(f.fd);
	strbuf_release(&f.buf);
	ctr_log_joiner_release(&f.j);
	ctr_info_release(&ci);
	if (rc < 0)
		return pea_err_wrap(err, "logs of '%s'", name);
	return 0;
}
