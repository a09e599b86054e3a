/* The container log in the k8s-file (CRI) format that kubelet and podman
 * write:
 *
 *   2026-01-02T03:04:05.123456789Z stdout F a complete line
 *   2026-01-02T03:04:05.123456789Z stderr P the first part of a long line
 *
 * A line is buffered per stream until its newline arrives; a line longer than
 * CONMON_LOG_LINE_MAX is cut into P records, and whatever is pending when the
 * container exits is flushed as a P record, so no byte is ever dropped.
 * Rotation is by size: once the next record would take the file past
 * max_size it is renamed to PATH.1 (replacing the older one) and reopened. */
#include "conmon/conmon.h"
#include "base/cleanup.h"
#include "base/io.h"
#include "base/strbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

struct pending {
	size_t len;
	char buf[CONMON_LOG_LINE_MAX];
};

struct conmon_log {
	int fd;
	char *path;
	int64_t max_size;   /* <= 0: no rotation */
	int64_t size;       /* bytes in the current file */
	char ts[40];        /* timestamp of the write in progress */
	struct strbuf out;  /* records not yet written */
	struct pending pend[2]; /* stdout, stderr */
};

static int open_log(struct conmon_log *log, int extra_flags, struct pea_err **err)
{
	struct stat st;

	log->fd = open(log->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | extra_flags, 0640);
	if (log->fd < 0)
		return pea_err_set(err, errno, "open log '%s'", log->path);
	log->size = fstat(log->fd, &st) == 0 ? st.st_size : 0;
	return 0;
}

struct conmon_log *conmon_log_open(const char *path, int64_t max_size, struct pea_err **err)
{
	struct conmon_log *log = xcalloc(1, sizeof(*log));

	log->path = xstrdup(path);
	log->max_size = max_size;
	strbuf_init(&log->out, 0);
	if (open_log(log, 0, err) < 0) {
		conmon_log_close(log);
		return NULL;
	}
	return log;
}

void conmon_log_close(struct conmon_log *log)
{
	if (!log)
		return;
	if (log->fd >= 0)
		close(log->fd);
	strbuf_release(&log->out);
	free(log->path);
	free(log);
}

static void stamp(struct conmon_log *log)
{
	struct timespec now;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = strftime(log->ts, sizeof(log->ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(log->ts + n, sizeof(log->ts) - n, ".%09ldZ", now.tv_nsec);
}

static int flush_out(struct conmon_log *log, struct pea_err **err)
{
	if (!log->out.len)
		return 0;
	if (xwrite_all(log->fd, log->out.buf, log->out.len) < 0)
		return pea_err_set(err, errno, "write log '%s'", log->path);
	log->size += (int64_t)log->out.len;
	strbuf_reset(&log->out);
	return 0;
}

static int rotate(struct conmon_log *log, struct pea_err **err)
{
	cleanup_free char *old = xasprintf("%s.1", log->path);

	if (flush_out(log, err) < 0)
		return -1;
	if (rename(log->path, old) < 0)
		return pea_err_set(err, errno, "rotate log '%s'", log->path);
	close(log->fd);
	return open_log(log, O_TRUNC, err);
}

/* Queue one record made of a pending head and a new tail. */
static int emit(struct conmon_log *log, enum conmon_stream stream, char tag,
		const char *head, size_t head_len, const char *tail, size_t tail_len,
		struct pea_err **err)
{
	const char *name = stream == CONMON_STDERR ? "stderr" : "stdout";
	size_t rec = strlen(log->ts) + strlen(name) + 5 + head_len + tail_len;
	int64_t have = log->size + (int64_t)log->out.len;

	if (log->max_size > 0 && have > 0 && have + (int64_t)rec > log->max_size &&
	    rotate(log, err) < 0)
		return -1;
	strbuf_addf(&log->out, "%s %s %c ", log->ts, name, tag);
	strbuf_add(&log->out, head, head_len);
	strbuf_add(&log->out, tail, tail_len);
	strbuf_addch(&log->out, '\n');
	return 0;
}

/* Records hold at most CONMON_LOG_LINE_MAX bytes: longer lines become P
 * records of exactly that size followed by the rest. */
static int split(struct conmon_log *log, enum conmon_stream stream, const char *p,
		 const char *end, struct pea_err **err)
{
	struct pending *pd = &log->pend[stream == CONMON_STDERR];

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t seg = (size_t)((nl ? nl : end) - p);

		if (pd->len + seg > sizeof(pd->buf) || (!nl && pd->len + seg == sizeof(pd->buf))) {
			size_t take = sizeof(pd->buf) - pd->len;

			if (emit(log, stream, 'P', pd->buf, pd->len, p, take, err) < 0)
				return -1;
			pd->len = 0;
			p += take;
		} else if (nl) {
			if (emit(log, stream, 'F', pd->buf, pd->len, p, seg, err) < 0)
				return -1;
			pd->len = 0;
			p = nl + 1;
		} else {
			memcpy(pd->buf + pd->len, p, seg);
			pd->len += seg;
			return 0;
		}
	}
	return 0;
}

int conmon_log_write(struct conmon_log *log, enum conmon_stream stream, const char *data,
		     size_t len, struct pea_err **err)
{
	stamp(log);
	if (split(log, stream, data, data + len, err) < 0)
		return -1;
	return flush_out(log, err);
}

int conmon_log_flush(struct conmon_log *log, struct pea_err **err)
{
	int i;

	stamp(log);
	for (i = 0; i < 2; i++) {
		struct pending *pd = &log->pend[i];

		if (!pd->len)
			continue;
		if (emit(log, i ? CONMON_STDERR : CONMON_STDOUT, 'P', pd->buf, pd->len, "", 0,
			 err) < 0)
			return -1;
		pd->len = 0;
	}
	return flush_out(log, err);
}

bool conmon_log_pending(const struct conmon_log *log)
{
	return log->pend[0].len || log->pend[1].len;
}
