/* The k8s-file (CRI) log format on the reading side: records, lines
 * (P records joined), time parsing and since/until/tail filtering.  Pure
 * functions: no I/O (see ctr-logs.h). */
#include "podengine/ctr-logs.h"
#include "base/parse.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

#define NSEC 1000000000LL

static int two(const char *p)
{
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* "YYYY-MM-DD" + optional "THH:MM:SS[.frac]"; *end after what was parsed. */
static int parse_datetime(const char *s, size_t len, struct tm *tm, int64_t *frac_ns,
			  size_t *end)
{
	size_t i = 10;
	int64_t scale = 100000000;
	int y[2];

	memset(tm, 0, sizeof(*tm));
	*frac_ns = 0;
	if (len < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y[0] = two(s);
	y[1] = two(s + 2);
	tm->tm_mon = two(s + 5) - 1;
	tm->tm_mday = two(s + 8);
	if (y[0] < 0 || y[1] < 0 || tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 ||
	    tm->tm_mday > 31)
		return -1;
	tm->tm_year = y[0] * 100 + y[1] - 1900;
	if (len > 10 && (s[10] == 'T' || s[10] == 't' || s[10] == ' ')) {
		if (len < 19 || s[13] != ':' || s[16] != ':')
			return -1;
		tm->tm_hour = two(s + 11);
		tm->tm_min = two(s + 14);
		tm->tm_sec = two(s + 17);
		if (tm->tm_hour < 0 || tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 ||
		    tm->tm_sec < 0 || tm->tm_sec > 60)
			return -1;
		i = 19;
		if (i < len && s[i] == '.') {
			for (i++; i < len && isdigit((unsigned char)s[i]); i++) {
				*frac_ns += (s[i] - '0') * scale;
				scale /= 10;
			}
		}
	}
	*end = i;
	return 0;
}

int ctr_log_parse_rfc3339(const char *s, size_t len, int64_t *out)
{
	struct tm tm;
	int64_t frac, off = 0;
	size_t i;
	int h, m;

	if (parse_datetime(s, len, &tm, &frac, &i) < 0 || i < 19 || i >= len)
		return -1;
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		if (len - i < 6 || s[i + 3] != ':')
			return -1;
		h = two(s + i + 1);
		m = two(s + i + 4);
		if (h < 0 || m < 0)
			return -1;
		off = (h * 3600 + m * 60) * (s[i] == '-' ? -1 : 1);
		i += 6;
	} else {
		return -1;
	}
	if (i != len)
		return -1;
	*out = ((int64_t)timegm(&tm) - off) * NSEC + frac;
	return 0;
}

int ctr_logs_parse_time(const char *s, int64_t now_ns, int64_t *out, struct pea_err **err)
{
	size_t len = strlen(s), i;
	struct tm tm;
	int64_t frac, d;
	char *end;

	if (ctr_log_parse_rfc3339(s, len, out) == 0)
		return 0;
	if (parse_datetime(s, len, &tm, &frac, &i) == 0 && i == len) {
		tm.tm_isdst = -1;
		*out = (int64_t)mktime(&tm) * NSEC + frac;
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {
		long long sec;

		errno = 0;
		sec = strtoll(s, &end, 10);
		if (!errno && sec < 100000000000LL && (!*end || *end == '.')) {
			int64_t scale = 100000000, f = 0;

			for (i = *end ? 1 : 0; end[i] && isdigit((unsigned char)end[i]); i++) {
				f += (end[i] - '0') * scale;
				scale /= 10;
			}
			if (!end[i] || !*end) {
				*out = (int64_t)sec * NSEC + f;
				return 0;
			}
		}
	}
	if (parse_go_duration_ns(s, &d) == 0) {
		*out = now_ns - d;
		return 0;
	}
	return pea_err_setk(err, PEA_E_INVALID, 0,
			    "bad time '%s' (RFC3339, unix seconds or a duration such as 10m)", s);
}

int ctr_log_parse_record(const char *line, size_t len, struct ctr_log_record *rec)
{
	const char *sp1 = memchr(line, ' ', len), *p;
	size_t rest;

	if (!sp1)
		return -1;
	memset(rec, 0, sizeof(*rec));
	rec->ts_text = line;
	rec->ts_len = (size_t)(sp1 - line);
	if (ctr_log_parse_rfc3339(line, rec->ts_len, &rec->ts) < 0)
		return -1;
	p = sp1 + 1;
	rest = len - (size_t)(p - line);
	if (rest >= 7 && !memcmp(p, "stdout ", 7))
		rec->is_stderr = false;
	else if (rest >= 7 && !memcmp(p, "stderr ", 7))
		rec->is_stderr = true;
	else
		return -1;
	p += 7;
	rest -= 7;
	if (rest < 1 || (p[0] != 'F' && p[0] != 'P'))
		return -1;
	rec->partial = p[0] == 'P';
	if (rest == 1) {
		rec->text = p + 1;
		return 0;
	}
	if (p[1] != ' ')
		return -1;
	rec->text = p + 2;
	rec->len = rest - 2;
	return 0;
}

void ctr_log_joiner_init(struct ctr_log_joiner *j)
{
	memset(j, 0, sizeof(*j));
}

void ctr_log_line_release(struct ctr_log_line *l)
{
	free(l->ts_text);
	strbuf_release(&l->text);
	memset(l, 0, sizeof(*l));
}

void ctr_log_joiner_release(struct ctr_log_joiner *j)
{
	int i;

	for (i = 0; i < 2; i++)
		if (j->have[i])
			ctr_log_line_release(&j->pending[i]);
	memset(j, 0, sizeof(*j));
}

/* RFC3339Nano as Go prints it: the fraction's trailing zeros dropped. */
static char *trim_ts(const char *ts, size_t len)
{
	const char *dot = memchr(ts, '.', len), *zone;
	struct strbuf sb = STRBUF_INIT;
	size_t flen;

	if (!dot)
		return xstrndup(ts, len);
	for (zone = dot + 1; zone < ts + len && isdigit((unsigned char)*zone); zone++)
		;
	flen = (size_t)(zone - dot - 1);
	while (flen && dot[flen] == '0')
		flen--;
	strbuf_add(&sb, ts, (size_t)(dot - ts));
	if (flen)
		strbuf_add(&sb, dot, flen + 1);
	strbuf_add(&sb, zone, (size_t)(ts + len - zone));
	return strbuf_detach(&sb, NULL);
}

int ctr_log_joiner_feed(struct ctr_log_joiner *j, const struct ctr_log_record *rec,
			struct ctr_log_line *out)
{
	int s = rec->is_stderr;
	struct ctr_log_line *l = &j->pending[s];

	if (!j->have[s]) {
		memset(l, 0, sizeof(*l));
		l->ts = rec->ts;
		l->ts_text = trim_ts(rec->ts_text, rec->ts_len);
		l->is_stderr = rec->is_stderr;
		strbuf_init(&l->text, rec->len + 1);
		j->have[s] = true;
	}
	strbuf_add(&l->text, rec->text, rec->len);
	if (rec->partial)
		return 0;
	l->complete = true;
	*out = *l;
	j->have[s] = false;
	memset(l, 0, sizeof(*l));
	return 1;
}

int ctr_log_joiner_take(struct ctr_log_joiner *j, int stream, struct ctr_log_line *out)
{
	if (!j->have[stream])
		return 0;
	*out = j->pending[stream];
	out->complete = false;
	j->have[stream] = false;
	memset(&j->pending[stream], 0, sizeof(j->pending[stream]));
	return 1;
}

static void push_line(struct ctr_log_line **lines, size_t *n, size_t *alloc,
		      struct ctr_log_line *l)
{
	ALLOC_GROW(*lines, *n + 1, *alloc);
	(*lines)[(*n)++] = *l;
}

size_t ctr_log_joiner_feed_buffer(struct ctr_log_joiner *j, const char *buf, size_t len,
			  struct ctr_log_line **lines, size_t *n, size_t *alloc)
{
	size_t off = 0;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		struct ctr_log_record rec;
		struct ctr_log_line l;

		if (!nl)
			break;
		if (ctr_log_parse_record(buf + off, (size_t)(nl - buf - off), &rec) == 0 &&
		    ctr_log_joiner_feed(j, &rec, &l) == 1)
			push_line(lines, n, alloc, &l);
		off = (size_t)(nl - buf) + 1;
	}
	return off;
}

void ctr_log_joiner_take_all(struct ctr_log_joiner *j, struct ctr_log_line **lines, size_t *n,
			 size_t *alloc)
{
	struct ctr_log_line l;
	int s;

	for (s = 0; s < 2; s++)
		if (ctr_log_joiner_take(j, s, &l))
			push_line(lines, n, alloc, &l);
}

void ctr_log_parse_buffer(const char *buf, size_t len, struct ctr_log_line **lines, size_t *n,
			  size_t *alloc)
{
	struct ctr_log_joiner j;

	ctr_log_joiner_init(&j);
	ctr_log_joiner_feed_buffer(&j, buf, len, lines, n, alloc);
	ctr_log_joiner_take_all(&j, lines, n, alloc);
	ctr_log_joiner_release(&j);
}

void ctr_log_filter(struct ctr_log_line *lines, size_t *n, int64_t since, int64_t until,
		    int64_t tail)
{
	size_t i, k = 0, skip;

	for (i = 0; i < *n; i++) {
		if ((since && lines[i].ts < since) || (until && lines[i].ts > until))
			ctr_log_line_release(&lines[i]);
		else
			lines[k++] = lines[i];
	}
	*n = k;
	if (tail < 0 || (uint64_t)tail >= k)
		return;
	skip = k - (size_t)tail;
	for (i = 0; i < skip; i++)
		ctr_log_line_release(&lines[i]);
	memmove(lines, lines + skip, (size_t)tail * sizeof(*lines));
	*n = (size_t)tail;
}

