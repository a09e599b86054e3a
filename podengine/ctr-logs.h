/* Container logs (ctr_logs in container.h): reading the k8s-file (CRI) log
 * that peapod-conmon writes, one record per line:
 *
 *   2026-01-02T03:04:05.123456789Z stdout F a complete line
 *   2026-01-02T03:04:05.123456789Z stderr P part of a line ...
 *
 * P records are joined with the records that follow on the same stream up to
 * the next F record; the result is one "line".  A rotated log (PATH.1) is
 * read before PATH.  The helpers below are exported for ctr-logs.c's unit
 * test and for `pod logs`. */
#ifndef PEA_CTR_LOGS_H
#define PEA_CTR_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/strbuf.h"

struct ctr_log_record {
	int64_t ts;            /* unix nanoseconds */
	const char *ts_text;   /* points into the parsed line */
	size_t ts_len;
	bool is_stderr;
	bool partial;          /* P */
	const char *text;      /* points into the parsed line; not NUL terminated */
	size_t len;
};

/* Parse one record (without its newline).  Returns 0, or -1 when the line is
 * not a record (no error object: bad lines are skipped). */
int ctr_log_parse_record(const char *line, size_t len, struct ctr_log_record *rec);

/* One logical line: P records joined with their F record. */
struct ctr_log_line {
	int64_t ts;            /* of the first record */
	char *ts_text;         /* owned; RFC3339Nano as in the file, trailing zeros trimmed */
	bool is_stderr;
	bool complete;         /* ended with an F record (else: still partial) */
	struct strbuf text;    /* without the newline */
};

/* A joiner turns records into lines, one pending partial line per stream. */
struct ctr_log_joiner {
	struct ctr_log_line pending[2];   /* stdout, stderr */
	bool have[2];
};
void ctr_log_joiner_init(struct ctr_log_joiner *j);
void ctr_log_joiner_release(struct ctr_log_joiner *j);
/* Feed a record; when it completes a line, *out is filled (caller releases
 * it with ctr_log_line_release) and 1 is returned; else 0. */
int ctr_log_joiner_feed(struct ctr_log_joiner *j, const struct ctr_log_record *rec,
			struct ctr_log_line *out);
/* Take a pending partial line of stream (0 stdout, 1 stderr); 1 if there was one. */
int ctr_log_joiner_take(struct ctr_log_joiner *j, int stream, struct ctr_log_line *out);
void ctr_log_line_release(struct ctr_log_line *l);
/* Feed every complete record line (ending in a newline) of buf[0..len);
 * completed lines are appended to *lines.  Returns the bytes consumed (up
 * to and including the last newline). */
size_t ctr_log_joiner_feed_buffer(struct ctr_log_joiner *j, const char *buf, size_t len,
				  struct ctr_log_line **lines, size_t *n, size_t *alloc);
/* Append the pending partial lines of both streams (complete = false). */
void ctr_log_joiner_take_all(struct ctr_log_joiner *j, struct ctr_log_line **lines,
			     size_t *n, size_t *alloc);

/* Parse every record of a buffer into lines (appended to *lines, *n); a
 * trailing partial line (no F yet) is included with complete = false. */
void ctr_log_parse_buffer(const char *buf, size_t len, struct ctr_log_line **lines, size_t *n,
			  size_t *alloc);
/* Keep the lines with since <= ts <= until (0 = unset), then the last tail
 * (tail < 0: all).  Dropped lines are released; *n is updated. */
void ctr_log_filter(struct ctr_log_line *lines, size_t *n, int64_t since, int64_t until,
		    int64_t tail);

/* A time for --since/--until: RFC3339 ("2026-01-02T03:04:05.5Z",
 * "...+01:00", "2026-01-02T03:04:05" and "2026-01-02" in local time), unix
 * seconds ("1700000000", "1700000000.25"), or a Go duration ("10m", "1h30m",
 * "1.5s") meaning that long before now_ns.  Result in unix nanoseconds. */
int ctr_logs_parse_time(const char *s, int64_t now_ns, int64_t *out, struct pea_err **err);
/* RFC3339 with a zone ("Z" or "+hh:mm"); -1 if malformed. */
int ctr_log_parse_rfc3339(const char *s, size_t len, int64_t *out);

#endif
